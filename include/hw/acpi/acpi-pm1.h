/*
 * The ACPI fixed-hardware registers both chipsets share (ACPI 6.4 section
 * 4.8): the PM1 event block (PM1_STS, PM1_EN), PM1 control (SCI_EN,
 * SLP_TYP, SLP_EN; soft-off only), the 24-bit PM timer, the APM control
 * and status ports (0xb2/0xb3) whose ACPI enable/disable values switch
 * SCI_EN, and the power button.  The PIIX4 PM function and the ICH9 LPC
 * bridge map the regions where their chipset puts them and add their own
 * SCI sources (PCI hotplug GPE, the ICH9 GPE0 block) in @sci_update.
 */
#ifndef HW_ACPI_ACPI_PM1_H
#define HW_ACPI_ACPI_PM1_H

#include "qemu/osdep.h"
#include "exec/memory.h"
#include "qemu/main-loop.h"

typedef struct AcpiPm1 {
    MemoryRegion io_evt;        /* PM1_STS, PM1_EN: 4 bytes */
    MemoryRegion io_cnt;        /* PM1_CNT: 2 bytes */
    MemoryRegion io_tmr;        /* PM_TMR: 4 bytes */
    MemoryRegion io_apm;        /* 0xb2-0xb3, mapped by acpi_pm1_init */
    QEMUTimer *tmr_timer;       /* next PM-timer MSB toggle, while TMR_EN */
    uint16_t sts, en, cnt;
    uint8_t apm_cnt, apm_sts;
    uint8_t apm_enable, apm_disable;    /* values written to 0xb2 */
    uint64_t tmr_msb_epoch;     /* ticks >> 23 when TMR_STS was last updated */
    const char *name;           /* in guest-error logs: "PIIX4_PM" */
    void (*sci_update)(void *opaque);
    void *opaque;
} AcpiPm1;

/*
 * Create the regions (owned by @owner; APM mapped on @io_space at once)
 * and register the power button for system_powerdown.  @sci_update is
 * called whenever a register the SCI depends on changed.
 */
void acpi_pm1_init(AcpiPm1 *pm, Object *owner, MemoryRegion *io_space,
                   const char *name, uint8_t apm_enable, uint8_t apm_disable,
                   void (*sci_update)(void *opaque), void *opaque);
/* Map PM1 event, control and timer at @base + 0, 4, 8 of @parent. */
void acpi_pm1_map(AcpiPm1 *pm, MemoryRegion *parent, hwaddr base);
/* SCI_EN is set and an enabled PM1 event is pending. */
bool acpi_pm1_sci_event(const AcpiPm1 *pm);
static inline bool acpi_pm1_sci_enabled(const AcpiPm1 *pm)
{
    return pm->cnt & 1;     /* ACPI_PM1_CNT_SCI_EN */
}
/* Re-arm the timer event and let the owner recompute its SCI. */
void acpi_pm1_update(AcpiPm1 *pm);
/* The power button: PWRBTN_STS latches even while disabled (4.8.3.1). */
void acpi_pm1_power_button(AcpiPm1 *pm);
void acpi_pm1_reset(AcpiPm1 *pm);
void acpi_pm1_fini(AcpiPm1 *pm);

#endif
