/*
 * The ACPI power-management block of the ICH9 LPC bridge (ICH9 datasheet
 * section 13.8.3): PM1 event/control, PM timer, GPE0 and SMI registers at
 * PMBASE (QEMU's q35: 0x600), the APM ports 0xb2/0xb3, the SCI.  It is
 * part of the LPC function, not a PCI function of its own.
 */
#ifndef HW_ACPI_ICH9_H
#define HW_ACPI_ICH9_H

#include "qemu/osdep.h"
#include "hw/irq.h"
#include "exec/memory.h"
#include "qemu/main-loop.h"
#include "hw/acpi/acpi-pm1.h"

#define ICH9_PMBASE_DEFAULT     0x600
#define ICH9_PM_IO_SIZE         0x80
#define ICH9_PM_GPE0_OFF        0x20
#define ICH9_PM_GPE0_LEN        16
#define ICH9_APM_ACPI_ENABLE    0x02
#define ICH9_APM_ACPI_DISABLE   0x03
#define ICH9_SCI_IRQ            9

typedef struct ICH9PMRegs {
    MemoryRegion io;            /* "ich9-pm": the PMBASE block */
    AcpiPm1 pm1;                /* PM1 at +0, timer at +8, APM 0xb2-0xb3 */
    MemoryRegion io_gpe, io_smi;
    MemoryRegion *io_space;     /* where io is mapped (I/O ports) */
    bool mapped;
    IRQLine *sci;
    uint8_t gpe0[ICH9_PM_GPE0_LEN];     /* 8 bytes status, 8 enable */
    uint32_t smi_en, smi_sts;
} ICH9PMRegs;

/* Create the regions of @pm (owned by @owner), SCI on @sci. */
void ich9_pm_init(ICH9PMRegs *pm, Object *owner, MemoryRegion *io_space,
                  IRQLine *sci);
void ich9_pm_reset(ICH9PMRegs *pm);
/* Map the block at @base, or unmap it when !@enabled. */
void ich9_pm_iospace_update(ICH9PMRegs *pm, uint16_t base, bool enabled);
/* system_powerdown: the power button. */
void ich9_pm_power_button(ICH9PMRegs *pm);
void ich9_pm_fini(ICH9PMRegs *pm);

#endif
