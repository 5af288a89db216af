/*
 * Motorola MC146818A real-time clock with 128 bytes of CMOS memory
 * ("mc146818rtc", index port 0x70, data port 0x71, ISA IRQ 8).  The clock
 * follows the host's wall-clock time (UTC); the guest may set it, and the
 * periodic, alarm and update-ended interrupts are modelled.
 */
#ifndef HW_RTC_MC146818RTC_H
#define HW_RTC_MC146818RTC_H

#include "qemu/osdep.h"
#include "hw/qdev-core.h"
#include "hw/irq.h"
#include "hw/isa/isa.h"

#define TYPE_MC146818_RTC "mc146818rtc"
#define RTC_ISA_BASE 0x70
#define RTC_ISA_IRQ 8

/* Register numbers (CMOS addresses) of the clock itself. */
#define RTC_SECONDS         0x00
#define RTC_SECONDS_ALARM   0x01
#define RTC_MINUTES         0x02
#define RTC_MINUTES_ALARM   0x03
#define RTC_HOURS           0x04
#define RTC_HOURS_ALARM     0x05
#define RTC_DAY_OF_WEEK     0x06
#define RTC_DAY_OF_MONTH    0x07
#define RTC_MONTH           0x08
#define RTC_YEAR            0x09
#define RTC_REG_A           0x0a
#define RTC_REG_B           0x0b
#define RTC_REG_C           0x0c
#define RTC_REG_D           0x0d
#define RTC_CENTURY         0x32    /* PC convention (ACPI FADT century) */

#define REG_A_UIP   0x80
#define REG_B_SET   0x80
#define REG_B_PIE   0x40
#define REG_B_AIE   0x20
#define REG_B_UIE   0x10
#define REG_B_SQWE  0x08
#define REG_B_DM    0x04    /* binary (1) or BCD (0) */
#define REG_B_24H   0x02
#define REG_C_IRQF  0x80
#define REG_C_PF    0x40
#define REG_C_AF    0x20
#define REG_C_UF    0x10
#define REG_D_VRT   0x80

/**
 * mc146818_rtc_init - create and realize the RTC on @bus at port 0x70
 * @base_year: year that the year register 0 stands for (0 on the PC)
 * @irq: line to drive instead of ISA IRQ 8 (NULL: the bus's IRQ 8)
 *
 * Returns the device or NULL with @errp set.  BQL held.
 */
DeviceState *mc146818_rtc_init(ISABus *bus, int base_year, IRQLine *irq,
                               Error **errp);
/* CMOS byte @addr (0..127), for the board (memory size, equipment...). */
void rtc_set_memory(DeviceState *rtc, int addr, int val);
int rtc_get_memory(DeviceState *rtc, int addr);

#endif
