/*
 * Intel 8042 keyboard controller ("i8042", data port 0x60, command/status
 * port 0x64) with a PS/2 keyboard (ISA IRQ 1) and a PS/2 mouse (IRQ 12)
 * behind it.  Besides input it carries the PC's A20 gate and the reset
 * line (command 0xfe).
 */
#ifndef HW_INPUT_I8042_H
#define HW_INPUT_I8042_H

#include "qemu/osdep.h"
#include "hw/qdev-core.h"
#include "hw/irq.h"
#include "hw/isa/isa.h"

#define TYPE_I8042 "i8042"

/* Create and realize the controller on @bus; NULL with @errp on failure. */
DeviceState *i8042_init(ISABus *bus, Error **errp);
/* Connect the A20 gate output (output port bit 1). */
void i8042_set_a20_line(DeviceState *dev, IRQLine *a20);
/*
 * Queue a set-2 scancode byte from the keyboard (ui/ input); the
 * controller translates it to set 1 when the command byte asks for it.
 */
void i8042_kbd_put_scancode(DeviceState *dev, uint8_t code);
/* Queue a mouse movement/button packet (dx, dy in PS/2 sense, buttons bits 0-2). */
void i8042_mouse_event(DeviceState *dev, int dx, int dy, int buttons);

#endif
