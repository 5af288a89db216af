/*
 * ICH9 ACPI power management (include/hw/acpi/ich9.h).  Register layout
 * from the ICH9 datasheet section 13.8.3 and ACPI 6.4 section 4.8:
 * PM1_STS/PM1_EN at +0 (write 1 to clear status), PM1_CNT at +4 (SCI_EN,
 * SLP_TYP, SLP_EN; SLP_TYP 0 is soft-off as in QEMU's DSDT), the 24-bit
 * PM timer at +8 (3.579545 MHz), GPE0_STS/GPE0_EN at +0x20 (no GPE sources
 * are wired, the registers hold what the guest writes), SMI_EN/SMI_STS at
 * +0x30 (stored; there is no SMM).  Writing 2/3 to the APM port 0xb2 turns
 * SCI_EN on/off, which is what QEMU's SMI handler does for ACPI mode.
 * Sleep states other than S5 are refused with a guest-error log.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/acpi/ich9.h"
#include "hw/acpi/piix4.h"
#include "system/runstate.h"

#define PM_TMR_BITS     24
#define PM1_SCI_EVENTS  (ACPI_PM1_TMR | ACPI_PM1_GBL | ACPI_PM1_PWRBTN | \
                         ACPI_PM1_RTC)
#define PM1_CNT_RW_MASK 0x1c07

static uint64_t tmr_ticks(void)
{
    int64_t ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    return (unsigned __int128)ns * ACPI_PM_TIMER_HZ / 1000000000u;
}

static void tmr_update_status(ICH9PMRegs *pm)
{
    uint64_t epoch = tmr_ticks() >> (PM_TMR_BITS - 1);

    if (epoch != pm->tmr_msb_epoch) {
        pm->tmr_msb_epoch = epoch;
        pm->pm1_sts |= ACPI_PM1_TMR;
    }
}

static bool gpe_pending(ICH9PMRegs *pm)
{
    for (int i = 0; i < ICH9_PM_GPE0_LEN / 2; i++) {
        if (pm->gpe0[i] & pm->gpe0[ICH9_PM_GPE0_LEN / 2 + i]) {
            return true;
        }
    }
    return false;
}

static void update_sci(ICH9PMRegs *pm)
{
    bool level = (pm->pm1_cnt & ACPI_PM1_CNT_SCI_EN) &&
                 ((pm->pm1_sts & pm->pm1_en & PM1_SCI_EVENTS) ||
                  gpe_pending(pm));
    uint64_t next = (pm->tmr_msb_epoch + 1) << (PM_TMR_BITS - 1);

    irq_set(pm->sci, level);
    if (pm->pm1_en & ACPI_PM1_TMR) {
        timer_mod_ns(pm->tmr_timer,
                     ((unsigned __int128)next * 1000000000u +
                      ACPI_PM_TIMER_HZ - 1) / ACPI_PM_TIMER_HZ);
    } else {
        timer_del(pm->tmr_timer);
    }
}

static void tmr_timer_cb(void *opaque)
{
    ICH9PMRegs *pm = opaque;

    tmr_update_status(pm);
    update_sci(pm);
}

/* ---- PM1 event, control, timer ---- */

static uint64_t evt_read(void *opaque, hwaddr addr, unsigned size)
{
    ICH9PMRegs *pm = opaque;

    if (addr == 0) {
        tmr_update_status(pm);
        return pm->pm1_sts;
    }
    return pm->pm1_en;
}

static void evt_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    ICH9PMRegs *pm = opaque;

    if (addr == 0) {
        tmr_update_status(pm);
        pm->pm1_sts &= ~val;
    } else {
        pm->pm1_en = val & PM1_SCI_EVENTS;
    }
    update_sci(pm);
}

static const MemoryRegionOps evt_ops = {
    .read = evt_read,
    .write = evt_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 2, .max_access_size = 2 },
};

static uint64_t cnt_read(void *opaque, hwaddr addr, unsigned size)
{
    return ((ICH9PMRegs *)opaque)->pm1_cnt;
}

static void cnt_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    ICH9PMRegs *pm = opaque;
    unsigned slp_typ = (val >> ACPI_PM1_CNT_SLP_TYP_SHIFT) & 7;

    pm->pm1_cnt = val & PM1_CNT_RW_MASK;
    update_sci(pm);
    if (!(val & ACPI_PM1_CNT_SLP_EN)) {
        return;
    }
    if (slp_typ == 0) {
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
    } else {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "ICH9 PM: sleep type %u is not supported\n", slp_typ);
    }
}

static const MemoryRegionOps cnt_ops = {
    .read = cnt_read,
    .write = cnt_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static uint64_t tmr_read(void *opaque, hwaddr addr, unsigned size)
{
    return tmr_ticks() & ((1u << PM_TMR_BITS) - 1);
}

static void ro_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    qemu_log_mask(LOG_GUEST_ERROR, "ICH9 PM: write to the PM timer\n");
}

static const MemoryRegionOps tmr_ops = {
    .read = tmr_read,
    .write = ro_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

/* ---- GPE0: status (write 1 to clear) then enable, byte-wise ---- */

static uint64_t gpe_read(void *opaque, hwaddr addr, unsigned size)
{
    return ((ICH9PMRegs *)opaque)->gpe0[addr];
}

static void gpe_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    ICH9PMRegs *pm = opaque;

    if (addr < ICH9_PM_GPE0_LEN / 2) {
        pm->gpe0[addr] &= ~val;
    } else {
        pm->gpe0[addr] = val;
    }
    update_sci(pm);
}

static const MemoryRegionOps gpe_ops = {
    .read = gpe_read,
    .write = gpe_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- SMI_EN (+0x30), SMI_STS (+0x34, write 1 to clear) ---- */

static uint64_t smi_read(void *opaque, hwaddr addr, unsigned size)
{
    ICH9PMRegs *pm = opaque;

    return addr == 0 ? pm->smi_en : pm->smi_sts;
}

static void smi_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    ICH9PMRegs *pm = opaque;

    if (addr == 0) {
        pm->smi_en = val;
    } else {
        pm->smi_sts &= ~val;
    }
}

static const MemoryRegionOps smi_ops = {
    .read = smi_read,
    .write = smi_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

/* ---- APM control/status ---- */

static uint64_t apm_read(void *opaque, hwaddr addr, unsigned size)
{
    ICH9PMRegs *pm = opaque;

    return addr == 0 ? pm->apm_cnt : pm->apm_sts;
}

static void apm_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    ICH9PMRegs *pm = opaque;

    if (addr == 1) {
        pm->apm_sts = val;
        return;
    }
    pm->apm_cnt = val;
    if (val == ICH9_APM_ACPI_ENABLE) {
        pm->pm1_cnt |= ACPI_PM1_CNT_SCI_EN;
    } else if (val == ICH9_APM_ACPI_DISABLE) {
        pm->pm1_cnt &= ~ACPI_PM1_CNT_SCI_EN;
    }
    update_sci(pm);
}

static const MemoryRegionOps apm_ops = {
    .read = apm_read,
    .write = apm_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- lifecycle ---- */

void ich9_pm_power_button(ICH9PMRegs *pm)
{
    pm->pm1_sts |= ACPI_PM1_PWRBTN;
    update_sci(pm);
}

static void ich9_pm_powerdown(void *opaque)
{
    ich9_pm_power_button(opaque);
}

void ich9_pm_reset(ICH9PMRegs *pm)
{
    pm->pm1_sts = pm->pm1_en = 0;
    pm->pm1_cnt = 0;
    memset(pm->gpe0, 0, sizeof(pm->gpe0));
    pm->smi_en = pm->smi_sts = 0;
    pm->apm_cnt = pm->apm_sts = 0;
    pm->tmr_msb_epoch = tmr_ticks() >> (PM_TMR_BITS - 1);
    ich9_pm_iospace_update(pm, 0, false);
    update_sci(pm);
}

void ich9_pm_iospace_update(ICH9PMRegs *pm, uint16_t base, bool enabled)
{
    if (pm->mapped) {
        memory_region_del_subregion(pm->io_space, &pm->io);
        pm->mapped = false;
    }
    if (enabled) {
        memory_region_add_subregion(pm->io_space, base, &pm->io);
        pm->mapped = true;
    }
}

void ich9_pm_init(ICH9PMRegs *pm, Object *owner, MemoryRegion *io_space,
                  IRQLine *sci)
{
    static const struct {
        size_t off;
        hwaddr addr;
        const MemoryRegionOps *ops;
        const char *name;
        uint64_t size;
    } parts[] = {
        { offsetof(ICH9PMRegs, io_evt), 0x00, &evt_ops, "acpi-evt", 4 },
        { offsetof(ICH9PMRegs, io_cnt), 0x04, &cnt_ops, "acpi-cnt", 4 },
        { offsetof(ICH9PMRegs, io_tmr), 0x08, &tmr_ops, "acpi-tmr", 4 },
        { offsetof(ICH9PMRegs, io_gpe), ICH9_PM_GPE0_OFF, &gpe_ops,
          "acpi-gpe0", ICH9_PM_GPE0_LEN },
        { offsetof(ICH9PMRegs, io_smi), 0x30, &smi_ops, "acpi-smi", 8 },
    };

    pm->io_space = io_space;
    pm->sci = sci;
    pm->tmr_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, tmr_timer_cb, pm);
    memory_region_init(&pm->io, owner, "ich9-pm", ICH9_PM_IO_SIZE);
    for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
        MemoryRegion *mr = (MemoryRegion *)((char *)pm + parts[i].off);

        memory_region_init_io(mr, owner, parts[i].ops, pm, parts[i].name,
                              parts[i].size);
        memory_region_add_subregion(&pm->io, parts[i].addr, mr);
    }
    memory_region_init_io(&pm->io_apm, owner, &apm_ops, pm, "apm-io", 2);
    memory_region_add_subregion(io_space, APM_CNT_PORT, &pm->io_apm);
    qemu_register_powerdown_notifier(ich9_pm_powerdown, pm);
}

void ich9_pm_fini(ICH9PMRegs *pm)
{
    qemu_unregister_powerdown_notifier(ich9_pm_powerdown, pm);
    timer_free(pm->tmr_timer);
    pm->tmr_timer = NULL;
}
