/*
 * The ACPI power-management function of the PIIX4 ("PIIX4_PM"), PCI
 * function 00:01.3 (8086:7113) as in QEMU's pc: PM1 event/control
 * registers, the PM timer, the APM control port that switches ACPI mode,
 * the SCI (ISA IRQ 9) and the power button.
 */
#ifndef HW_ACPI_PIIX4_H
#define HW_ACPI_PIIX4_H

#include "qemu/osdep.h"
#include "hw/irq.h"
#include "hw/pci/pci.h"

#define TYPE_PIIX4_PM           "PIIX4_PM"

#define PIIX4_PM_BASE           0x600   /* QEMU's pm_io_base */
#define PIIX4_PM_SCI_IRQ        9
#define APM_CNT_PORT            0xb2
#define ACPI_ENABLE_CMD         0xf1
#define ACPI_DISABLE_CMD        0xf0

/* PM1 status/enable bits (ACPI 6.4 section 4.8.3.1) */
#define ACPI_PM1_TMR            (1u << 0)
#define ACPI_PM1_GBL            (1u << 5)
#define ACPI_PM1_PWRBTN         (1u << 8)
#define ACPI_PM1_RTC            (1u << 10)
#define ACPI_PM1_WAK_STS        (1u << 15)
/* PM1 control bits (section 4.8.3.2) */
#define ACPI_PM1_CNT_SCI_EN     (1u << 0)
#define ACPI_PM1_CNT_SLP_TYP_SHIFT 10
#define ACPI_PM1_CNT_SLP_EN     (1u << 13)

#define ACPI_PM_TIMER_HZ        3579545

#define PIIX4_PM_DEVFN          PCI_DEVFN(1, 3)

/* Create the function at @devfn of @bus, its SCI driving @sci; NULL on failure. */
DeviceState *piix4_pm_init(PCIBus *bus, int devfn, IRQLine *sci,
                           Error **errp);
/* Press the power button (what system_powerdown does). */
void piix4_pm_power_button(DeviceState *dev);

#endif
