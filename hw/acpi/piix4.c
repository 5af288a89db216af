/*
 * "PIIX4_PM": the ACPI fixed hardware of the PIIX4 power-management
 * function (ACPI 6.4 section 4.8: PM1 event and control blocks, 24-bit PM
 * timer at 3.579545 MHz) at QEMU's pm_io_base 0x600, plus the APM control
 * port 0xb2 that the FADT names as SMI_CMD to switch ACPI mode; PCI
 * function 8086:7113 (82371AB datasheet section 7) whose PMBA/PMREGMISC
 * read as firmware leaves them (0x601, enabled) but do not move the
 * block.  SLP_TYP 0 + SLP_EN is soft-off (S5), as in QEMU; the other sleep
 * states and the SMBus are not modelled; GPE0 and PCI hotplug live in
 * hw/acpi/pcihp.c.  QEMU's properties
 * disable_s3, disable_s4 and s4_val exist (libvirt passes
 * -global PIIX4_PM.disable_s3=1 and disable_s4=1); since the DSDT declares
 * neither _S3 nor _S4, they default to 1 here and 0 is refused.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "qemu/main-loop.h"
#include "hw/acpi/piix4.h"
#include "hw/acpi/pcihp.h"
#include "system/runstate.h"

#define PM1_EVT_OFF     0x00    /* PM1_STS (2 bytes), PM1_EN (2 bytes) */
#define PM1_CNT_OFF     0x04
#define PM_TMR_OFF      0x08
#define PM_IO_SIZE      0x40    /* the PIIX4's PMBA block */
#define PIIX4_PMBA      0x40    /* PM base address (config space) */
#define PIIX4_PMREGMISC 0x80    /* bit 0: PM I/O space enable */

#define PM_TMR_BITS     24
/* status bits that raise the SCI when enabled */
#define PM1_SCI_EVENTS  (ACPI_PM1_TMR | ACPI_PM1_GBL | ACPI_PM1_PWRBTN | \
                         ACPI_PM1_RTC)
/* bits of PM1_CNT the guest can set (SLP_EN reads as 0) */
#define PM1_CNT_RW_MASK 0x1c07

OBJECT_DECLARE_SIMPLE_TYPE(PIIX4PMState, PIIX4_PM)

struct PIIX4PMState {
    PCIDevice parent_obj;
    MemoryRegion io_evt;
    MemoryRegion io_cnt;
    MemoryRegion io_tmr;
    MemoryRegion io_apm;
    IRQLine *sci;
    QEMUTimer *tmr_timer;       /* next PM-timer MSB toggle, while TMR_EN */
    uint16_t pm1_sts;
    uint16_t pm1_en;
    uint16_t pm1_cnt;
    uint8_t apm_cnt, apm_sts;
    uint64_t tmr_msb_epoch;     /* ticks >> 23 when TMR_STS was last updated */
    uint8_t disable_s3, disable_s4, s4_val;    /* QEMU's properties */
    AcpiPciHpState *pcihp;      /* GPE0 + PCI hotplug (hw/acpi/pcihp.c) */
};

/* The PM timer counts from the virtual clock: it stops while paused. */
static uint64_t pm_tmr_ticks(int64_t ns)
{
    return (unsigned __int128)ns * ACPI_PM_TIMER_HZ / 1000000000u;
}

static int64_t pm_tmr_ns(uint64_t ticks)
{
    return ((unsigned __int128)ticks * 1000000000u + ACPI_PM_TIMER_HZ - 1) /
           ACPI_PM_TIMER_HZ;
}

/* TMR_STS is set whenever bit 23 of the counter changes (section 4.8.3.3). */
static void pm_tmr_update_status(PIIX4PMState *s)
{
    uint64_t epoch = pm_tmr_ticks(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL)) >>
                     (PM_TMR_BITS - 1);

    if (epoch != s->tmr_msb_epoch) {
        s->tmr_msb_epoch = epoch;
        s->pm1_sts |= ACPI_PM1_TMR;
    }
}

static void pm_update_sci(PIIX4PMState *s)
{
    bool level = ((s->pm1_cnt & ACPI_PM1_CNT_SCI_EN) &&
                  (s->pm1_sts & s->pm1_en & PM1_SCI_EVENTS)) ||
                 (s->pcihp && acpi_pcihp_sci_level(s->pcihp));

    irq_set(s->sci, level);
    /* An enabled timer event needs a wake-up at the next MSB toggle. */
    if (s->pm1_en & ACPI_PM1_TMR) {
        timer_mod_ns(s->tmr_timer,
                     pm_tmr_ns((s->tmr_msb_epoch + 1) << (PM_TMR_BITS - 1)));
    } else {
        timer_del(s->tmr_timer);
    }
}

static void pm_tmr_timer_cb(void *opaque)
{
    PIIX4PMState *s = opaque;

    pm_tmr_update_status(s);
    pm_update_sci(s);
}

/* ---- PM1 event block: PM1_STS (write 1 to clear), PM1_EN ---- */

static uint64_t pm_evt_read(void *opaque, hwaddr addr, unsigned size)
{
    PIIX4PMState *s = opaque;

    if (addr == 0) {
        pm_tmr_update_status(s);
        return s->pm1_sts;
    }
    return s->pm1_en;
}

static void pm_evt_write(void *opaque, hwaddr addr, uint64_t val,
                         unsigned size)
{
    PIIX4PMState *s = opaque;

    if (addr == 0) {
        pm_tmr_update_status(s);
        s->pm1_sts &= ~val;
    } else {
        s->pm1_en = val & PM1_SCI_EVENTS;
    }
    pm_update_sci(s);
}

static const MemoryRegionOps pm_evt_ops = {
    .read = pm_evt_read,
    .write = pm_evt_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 2, .max_access_size = 2 },
};

/* ---- PM1 control: SCI_EN, SLP_TYP, SLP_EN ---- */

static uint64_t pm_cnt_read(void *opaque, hwaddr addr, unsigned size)
{
    PIIX4PMState *s = opaque;

    return s->pm1_cnt;
}

static void pm_cnt_write(void *opaque, hwaddr addr, uint64_t val,
                         unsigned size)
{
    PIIX4PMState *s = opaque;
    unsigned slp_typ = (val >> ACPI_PM1_CNT_SLP_TYP_SHIFT) & 7;

    s->pm1_cnt = val & PM1_CNT_RW_MASK;
    pm_update_sci(s);
    if (!(val & ACPI_PM1_CNT_SLP_EN)) {
        return;
    }
    if (slp_typ == 0) {
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
    } else {
        /* The DSDT offers S5 only; S3/S4 would need firmware to resume. */
        qemu_log_mask(LOG_GUEST_ERROR,
                      "PIIX4_PM: sleep type %u is not supported\n", slp_typ);
    }
}

static const MemoryRegionOps pm_cnt_ops = {
    .read = pm_cnt_read,
    .write = pm_cnt_write,
    .valid = { .min_access_size = 1, .max_access_size = 2 },
    .impl = { .min_access_size = 2, .max_access_size = 2 },
};

/* ---- PM timer (read-only) ---- */

static uint64_t pm_tmr_read(void *opaque, hwaddr addr, unsigned size)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    return pm_tmr_ticks(now) & ((1u << PM_TMR_BITS) - 1);
}

static void pm_tmr_write(void *opaque, hwaddr addr, uint64_t val,
                         unsigned size)
{
    qemu_log_mask(LOG_GUEST_ERROR, "PIIX4_PM: write to the PM timer\n");
}

static const MemoryRegionOps pm_tmr_ops = {
    .read = pm_tmr_read,
    .write = pm_tmr_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

/*
 * ---- APM control (0xb2) and status (0xb3) ----
 * Without SMM the "SMI" handler is this function: the FADT's
 * ACPI_ENABLE/ACPI_DISABLE values switch SCI_EN, as QEMU's PIIX4 does.
 */
static uint64_t apm_read(void *opaque, hwaddr addr, unsigned size)
{
    PIIX4PMState *s = opaque;

    return addr == 0 ? s->apm_cnt : s->apm_sts;
}

static void apm_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PIIX4PMState *s = opaque;

    if (addr == 1) {
        s->apm_sts = val;
        return;
    }
    s->apm_cnt = val;
    if (val == ACPI_ENABLE_CMD) {
        s->pm1_cnt |= ACPI_PM1_CNT_SCI_EN;
    } else if (val == ACPI_DISABLE_CMD) {
        s->pm1_cnt &= ~ACPI_PM1_CNT_SCI_EN;
    }
    pm_update_sci(s);
}

static const MemoryRegionOps apm_ops = {
    .read = apm_read,
    .write = apm_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- power button ---- */

void piix4_pm_power_button(DeviceState *dev)
{
    PIIX4PMState *s = PIIX4_PM(dev);

    /* The status bit latches even while the event is disabled (4.8.3.1). */
    s->pm1_sts |= ACPI_PM1_PWRBTN;
    pm_update_sci(s);
}

static void piix4_pm_powerdown(void *opaque)
{
    piix4_pm_power_button(DEVICE(opaque));
}

/* ---- device ---- */

static void piix4_pm_reset(DeviceState *dev)
{
    PIIX4PMState *s = PIIX4_PM(dev);

    s->pm1_sts = 0;
    s->pm1_en = 0;
    s->pm1_cnt = 0;
    s->apm_cnt = 0;
    s->apm_sts = 0;
    s->tmr_msb_epoch = pm_tmr_ticks(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL)) >>
                       (PM_TMR_BITS - 1);
    if (s->pcihp) {
        acpi_pcihp_reset(s->pcihp);
    }
    pm_update_sci(s);
}

static void piix4_pm_sci_update(void *opaque)
{
    pm_update_sci(opaque);
}

static void piix4_pm_realize(PCIDevice *d, Error **errp)
{
    PIIX4PMState *s = PIIX4_PM(d);
    DeviceState *dev = DEVICE(d);
    MemoryRegion *io = d->bus->address_space_io;

    if (!s->disable_s3 || !s->disable_s4) {
        error_setg(errp, "PIIX4_PM: sleep states S3 and S4 are not "
                   "supported (disable_s3 and disable_s4 must be 1)");
        return;
    }
    /* INTA# in config space, but the SCI is wired to IRQ 9 (as in QEMU) */
    d->config[PCI_INTERRUPT_PIN] = 1;
    pci_set_long(d->config + PIIX4_PMBA, PIIX4_PM_BASE | 1);
    d->config[PIIX4_PMREGMISC] = 1;
    memset(d->wmask + PCI_CONFIG_HEADER_SIZE, 0,
           PCI_CONFIG_SPACE_SIZE - PCI_CONFIG_HEADER_SIZE);
    s->tmr_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, pm_tmr_timer_cb, s);
    memory_region_init_io(&s->io_evt, OBJECT(dev), &pm_evt_ops, s,
                          "acpi-evt", 4);
    memory_region_init_io(&s->io_cnt, OBJECT(dev), &pm_cnt_ops, s,
                          "acpi-cnt", 2);
    memory_region_init_io(&s->io_tmr, OBJECT(dev), &pm_tmr_ops, s,
                          "acpi-tmr", 4);
    memory_region_init_io(&s->io_apm, OBJECT(dev), &apm_ops, s, "apm-io", 2);
    memory_region_add_subregion(io, PIIX4_PM_BASE + PM1_EVT_OFF, &s->io_evt);
    memory_region_add_subregion(io, PIIX4_PM_BASE + PM1_CNT_OFF, &s->io_cnt);
    memory_region_add_subregion(io, PIIX4_PM_BASE + PM_TMR_OFF, &s->io_tmr);
    memory_region_add_subregion(io, APM_CNT_PORT, &s->io_apm);
    qemu_register_powerdown_notifier(piix4_pm_powerdown, s);
    s->pcihp = acpi_pcihp_new(OBJECT(dev), d->bus, io, piix4_pm_sci_update, s);
}

static void piix4_pm_exit(PCIDevice *d)
{
    PIIX4PMState *s = PIIX4_PM(d);

    qemu_unregister_powerdown_notifier(piix4_pm_powerdown, s);
    timer_free(s->tmr_timer);
    s->tmr_timer = NULL;
    memory_region_destroy(&s->io_evt);
    memory_region_destroy(&s->io_cnt);
    memory_region_destroy(&s->io_tmr);
    memory_region_destroy(&s->io_apm);
    acpi_pcihp_free(s->pcihp);
    s->pcihp = NULL;
}

DeviceState *piix4_pm_init(PCIBus *bus, int devfn, IRQLine *sci,
                           Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_PIIX4_PM);

    PCI_DEVICE(dev)->devfn = devfn;
    PIIX4_PM(dev)->sci = sci;
    if (!qdev_realize_and_unref(dev, BUS(bus), errp)) {
        object_unparent(OBJECT(dev));
        return NULL;
    }
    return dev;
}

static const Property piix4_pm_properties[] = {
    DEFINE_PROP_UINT8("disable_s3", PIIX4PMState, disable_s3, 1),
    DEFINE_PROP_UINT8("disable_s4", PIIX4PMState, disable_s4, 1),
    DEFINE_PROP_UINT8("s4_val", PIIX4PMState, s4_val, 2),
    DEFINE_PROP_END_OF_LIST(),
};

static void piix4_pm_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);

    dc->desc = "PM";
    pc->realize = piix4_pm_realize;
    pc->exit = piix4_pm_exit;
    pc->vendor_id = PCI_VENDOR_ID_INTEL;
    pc->device_id = PCI_DEVICE_ID_INTEL_82371AB_3;
    pc->revision = 0x03;
    pc->class_id = PCI_CLASS_BRIDGE_OTHER;
    dc->reset = piix4_pm_reset;
    /* Part of the chipset; the pc machine creates it. */
    dc->user_creatable = false;
    device_class_set_props(dc, piix4_pm_properties);
}

static const TypeInfo piix4_pm_info = {
    .name = TYPE_PIIX4_PM,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(PIIX4PMState),
    .class_init = piix4_pm_class_init,
};

static void piix4_pm_register_types(void)
{
    type_register_static(&piix4_pm_info);
}

type_init(piix4_pm_register_types)
