/*
 * ICH9 ACPI power management (include/hw/acpi/ich9.h).  Register layout
 * from the ICH9 datasheet section 13.8.3 and ACPI 6.4 section 4.8: the
 * PM1 event/control blocks and PM timer at +0/+4/+8 and the APM ports
 * (hw/acpi/acpi-pm1.c, shared with PIIX4), GPE0_STS/GPE0_EN at +0x20 (no
 * GPE sources are wired, the registers hold what the guest writes),
 * SMI_EN/SMI_STS at +0x30 (stored; there is no SMM).  Writing 2/3 to the
 * APM port 0xb2 turns SCI_EN on/off, which is what QEMU's SMI handler
 * does for ACPI mode.
 * Sleep states other than S5 are refused with a guest-error log.
 */
#include "qemu/osdep.h"
#include "hw/acpi/ich9.h"
#include "hw/acpi/acpi-pm1.h"

static bool gpe_pending(ICH9PMRegs *pm)
{
    for (int i = 0; i < ICH9_PM_GPE0_LEN / 2; i++) {
        if (pm->gpe0[i] & pm->gpe0[ICH9_PM_GPE0_LEN / 2 + i]) {
            return true;
        }
    }
    return false;
}

/* The SCI: SCI_EN and an enabled PM1 event or GPE0 event. */
static void update_sci(void *opaque)
{
    ICH9PMRegs *pm = opaque;

    irq_set(pm->sci, acpi_pm1_sci_event(&pm->pm1) ||
                     (acpi_pm1_sci_enabled(&pm->pm1) && gpe_pending(pm)));
}

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

/* ---- lifecycle ---- */

void ich9_pm_power_button(ICH9PMRegs *pm)
{
    acpi_pm1_power_button(&pm->pm1);
}

void ich9_pm_reset(ICH9PMRegs *pm)
{
    acpi_pm1_reset(&pm->pm1);
    memset(pm->gpe0, 0, sizeof(pm->gpe0));
    pm->smi_en = pm->smi_sts = 0;
    ich9_pm_iospace_update(pm, 0, false);
    acpi_pm1_update(&pm->pm1);
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
    pm->io_space = io_space;
    pm->sci = sci;
    memory_region_init(&pm->io, owner, "ich9-pm", ICH9_PM_IO_SIZE);
    acpi_pm1_init(&pm->pm1, owner, io_space, "ICH9 PM", ICH9_APM_ACPI_ENABLE,
                  ICH9_APM_ACPI_DISABLE, update_sci, pm);
    acpi_pm1_map(&pm->pm1, &pm->io, 0);
    memory_region_init_io(&pm->io_gpe, owner, &gpe_ops, pm, "acpi-gpe0",
                          ICH9_PM_GPE0_LEN);
    memory_region_add_subregion(&pm->io, ICH9_PM_GPE0_OFF, &pm->io_gpe);
    memory_region_init_io(&pm->io_smi, owner, &smi_ops, pm, "acpi-smi", 8);
    memory_region_add_subregion(&pm->io, 0x30, &pm->io_smi);
}

void ich9_pm_fini(ICH9PMRegs *pm)
{
    acpi_pm1_fini(&pm->pm1);
}
