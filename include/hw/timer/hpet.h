/*
 * High Precision Event Timer ("hpet"), per the IA-PC HPET specification
 * 1.0a: a 64-bit up-counter at 100 MHz and three comparators at
 * 0xfed00000, with the legacy replacement route (timer 0 on ISA IRQ 0,
 * timer 1 on ISA IRQ 8, the PIT's and RTC's interrupts cut off).
 */
#ifndef HW_TIMER_HPET_H
#define HW_TIMER_HPET_H

#include "qemu/osdep.h"
#include "hw/qdev-core.h"
#include "hw/irq.h"

#define TYPE_HPET "hpet"
#define HPET_BASE           0xfed00000
#define HPET_LEN            0x400
#define HPET_NUM_TIMERS     3
#define HPET_NUM_GSI        24
#define HPET_CLK_PERIOD_FS  10000000ULL     /* 10 ns: 100 MHz */
#define HPET_VENDOR_ID      0x8086u

/* General capabilities of the block, as the ACPI HPET table repeats them. */
#define HPET_CAP_ID_LOW     ((HPET_VENDOR_ID << 16) | (1u << 15) | \
                             (1u << 13) | ((HPET_NUM_TIMERS - 1) << 8) | 1)

/**
 * hpet_init - create the HPET and map it at HPET_BASE in system memory
 * @gsi: HPET_NUM_GSI lines, GSI n (IOAPIC input n) for Tn_INT_ROUTE n
 * @isa_irq0, @isa_irq8: the legacy replacement routes
 *
 * Returns the device or NULL with @errp set.  Caller holds the BQL.
 */
DeviceState *hpet_init(IRQLine **gsi, IRQLine *isa_irq0, IRQLine *isa_irq8,
                       Error **errp);

/*
 * Inputs for the PIT's channel 0 and the RTC's interrupt: forwarded to
 * ISA IRQ 0 and 8 unless the guest enabled the legacy replacement route.
 */
IRQLine *hpet_pit_in(DeviceState *hpet);
IRQLine *hpet_rtc_in(DeviceState *hpet);

#endif
