/*
 * ACPI PM1 event/control registers, the PM timer and the APM ports,
 * shared by the PIIX4 PM function and the ICH9 LPC bridge
 * (include/hw/acpi/acpi-pm1.h).
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/acpi/acpi-pm1.h"
#include "hw/acpi/piix4.h"
#include "system/runstate.h"

#define PM_TMR_BITS     24
/* status bits that raise the SCI when enabled */
#define PM1_SCI_EVENTS  (ACPI_PM1_TMR | ACPI_PM1_GBL | ACPI_PM1_PWRBTN | \
                         ACPI_PM1_RTC)
/* bits of PM1_CNT the guest can set (SLP_EN reads as 0) */
#define PM1_CNT_RW_MASK 0x1c07

/* The PM timer counts from the virtual clock: it stops while paused. */
static uint64_t tmr_ticks(void)
{
    int64_t ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    return (unsigned __int128)ns * ACPI_PM_TIMER_HZ / 1000000000u;
}

static int64_t tmr_ns(uint64_t ticks)
{
    return ((unsigned __int128)ticks * 1000000000u + ACPI_PM_TIMER_HZ - 1) /
           ACPI_PM_TIMER_HZ;
}

/* TMR_STS is set whenever bit 23 of the counter changes (section 4.8.3.3). */
static void tmr_update_status(AcpiPm1 *pm)
{
    uint64_t epoch = tmr_ticks() >> (PM_TMR_BITS - 1);

    if (epoch != pm->tmr_msb_epoch) {
        pm->tmr_msb_epoch = epoch;
        pm->sts |= ACPI_PM1_TMR;
    }
}

bool acpi_pm1_sci_event(const AcpiPm1 *pm)
{
    return acpi_pm1_sci_enabled(pm) && (pm->sts & pm->en & PM1_SCI_EVENTS);
}

void acpi_pm1_update(AcpiPm1 *pm)
{
    /* An enabled timer event needs a wake-up at the next MSB toggle. */
    if (pm->en & ACPI_PM1_TMR) {
        timer_mod_ns(pm->tmr_timer,
                     tmr_ns((pm->tmr_msb_epoch + 1) << (PM_TMR_BITS - 1)));
    } else {
        timer_del(pm->tmr_timer);
    }
    pm->sci_update(pm->opaque);
}

static void tmr_timer_cb(void *opaque)
{
    AcpiPm1 *pm = opaque;

    tmr_update_status(pm);
    acpi_pm1_update(pm);
}

/* ---- PM1 event block: PM1_STS (write 1 to clear), PM1_EN ---- */

static uint64_t evt_read(void *opaque, hwaddr addr, unsigned size)
{
    AcpiPm1 *pm = opaque;

    if (addr == 0) {
        tmr_update_status(pm);
        return pm->sts;
    }
    return pm->en;
}

static void evt_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    AcpiPm1 *pm = opaque;

    if (addr == 0) {
        tmr_update_status(pm);
        pm->sts &= ~val;
    } else {
        pm->en = val & PM1_SCI_EVENTS;
    }
    acpi_pm1_update(pm);
}

static const MemoryRegionOps evt_ops = {
    .read = evt_read,
    .write = evt_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 2, .max_access_size = 2 },
};

/* ---- PM1 control: SCI_EN, SLP_TYP, SLP_EN ---- */

static uint64_t cnt_read(void *opaque, hwaddr addr, unsigned size)
{
    return ((AcpiPm1 *)opaque)->cnt;
}

static void cnt_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    AcpiPm1 *pm = opaque;
    unsigned slp_typ = (val >> ACPI_PM1_CNT_SLP_TYP_SHIFT) & 7;

    pm->cnt = val & PM1_CNT_RW_MASK;
    acpi_pm1_update(pm);
    if (!(val & ACPI_PM1_CNT_SLP_EN)) {
        return;
    }
    if (slp_typ == 0) {
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
    } else {
        /* The DSDT offers S5 only; S3/S4 would need firmware to resume. */
        qemu_log_mask(LOG_GUEST_ERROR, "%s: sleep type %u is not supported\n",
                      pm->name, slp_typ);
    }
}

static const MemoryRegionOps cnt_ops = {
    .read = cnt_read,
    .write = cnt_write,
    .valid = { .min_access_size = 1, .max_access_size = 2 },
    .impl = { .min_access_size = 2, .max_access_size = 2 },
};

/* ---- PM timer (read-only) ---- */

static uint64_t tmr_read(void *opaque, hwaddr addr, unsigned size)
{
    return tmr_ticks() & ((1u << PM_TMR_BITS) - 1);
}

static void tmr_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    qemu_log_mask(LOG_GUEST_ERROR, "%s: write to the PM timer\n",
                  ((AcpiPm1 *)opaque)->name);
}

static const MemoryRegionOps tmr_ops = {
    .read = tmr_read,
    .write = tmr_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

/*
 * ---- APM control (0xb2) and status (0xb3) ----
 * Without SMM the "SMI" handler is this function: the FADT's
 * ACPI_ENABLE/ACPI_DISABLE values switch SCI_EN, as QEMU's SMI code does.
 */
static uint64_t apm_read(void *opaque, hwaddr addr, unsigned size)
{
    AcpiPm1 *pm = opaque;

    return addr == 0 ? pm->apm_cnt : pm->apm_sts;
}

static void apm_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    AcpiPm1 *pm = opaque;

    if (addr == 1) {
        pm->apm_sts = val;
        return;
    }
    pm->apm_cnt = val;
    if (val == pm->apm_enable) {
        pm->cnt |= ACPI_PM1_CNT_SCI_EN;
    } else if (val == pm->apm_disable) {
        pm->cnt &= ~ACPI_PM1_CNT_SCI_EN;
    }
    acpi_pm1_update(pm);
}

static const MemoryRegionOps apm_ops = {
    .read = apm_read,
    .write = apm_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- power button, lifecycle ---- */

void acpi_pm1_power_button(AcpiPm1 *pm)
{
    pm->sts |= ACPI_PM1_PWRBTN;
    acpi_pm1_update(pm);
}

static void pm1_powerdown(void *opaque)
{
    acpi_pm1_power_button(opaque);
}

void acpi_pm1_reset(AcpiPm1 *pm)
{
    pm->sts = pm->en = pm->cnt = 0;
    pm->apm_cnt = pm->apm_sts = 0;
    pm->tmr_msb_epoch = tmr_ticks() >> (PM_TMR_BITS - 1);
    timer_del(pm->tmr_timer);
}

void acpi_pm1_init(AcpiPm1 *pm, Object *owner, MemoryRegion *io_space,
                   const char *name, uint8_t apm_enable, uint8_t apm_disable,
                   void (*sci_update)(void *opaque), void *opaque)
{
    pm->name = name;
    pm->apm_enable = apm_enable;
    pm->apm_disable = apm_disable;
    pm->sci_update = sci_update;
    pm->opaque = opaque;
    pm->tmr_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, tmr_timer_cb, pm);
    memory_region_init_io(&pm->io_evt, owner, &evt_ops, pm, "acpi-evt", 4);
    memory_region_init_io(&pm->io_cnt, owner, &cnt_ops, pm, "acpi-cnt", 2);
    memory_region_init_io(&pm->io_tmr, owner, &tmr_ops, pm, "acpi-tmr", 4);
    memory_region_init_io(&pm->io_apm, owner, &apm_ops, pm, "apm-io", 2);
    memory_region_add_subregion(io_space, APM_CNT_PORT, &pm->io_apm);
    qemu_register_powerdown_notifier(pm1_powerdown, pm);
}

void acpi_pm1_map(AcpiPm1 *pm, MemoryRegion *parent, hwaddr base)
{
    memory_region_add_subregion(parent, base + 0, &pm->io_evt);
    memory_region_add_subregion(parent, base + 4, &pm->io_cnt);
    memory_region_add_subregion(parent, base + 8, &pm->io_tmr);
}

void acpi_pm1_fini(AcpiPm1 *pm)
{
    qemu_unregister_powerdown_notifier(pm1_powerdown, pm);
    timer_free(pm->tmr_timer);
    pm->tmr_timer = NULL;
    memory_region_destroy(&pm->io_evt);
    memory_region_destroy(&pm->io_cnt);
    memory_region_destroy(&pm->io_tmr);
    memory_region_destroy(&pm->io_apm);
}
