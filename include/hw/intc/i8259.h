/*
 * Intel 8259A programmable interrupt controller pair ("isa-i8259", master
 * at 0x20 with ELCR 0x4d0, slave at 0xa0 with ELCR 0x4d1, cascaded on the
 * master's IRQ2).  Used only without an in-kernel irqchip.
 */
#ifndef HW_INTC_I8259_H
#define HW_INTC_I8259_H

#include "qemu/osdep.h"
#include "hw/qdev-core.h"
#include "hw/irq.h"
#include "hw/isa/isa.h"

#define TYPE_ISA_I8259 "isa-i8259"

/**
 * i8259_init - create and realize the master/slave pair on @bus
 * @bus: the ISA bus whose I/O space gets ports 0x20, 0xa0, 0x4d0, 0x4d1
 * @parent_irq: the master's INTR output (to the BSP's LINT0)
 * @errp: error out
 *
 * Returns a g_new array of ISA_NUM_IRQS input lines (IRQ 0-7 master,
 * 8-15 slave), or NULL on failure.  Caller holds the BQL.
 */
IRQLine **i8259_init(ISABus *bus, IRQLine *parent_irq, Error **errp);

/* Input line @n (0..7) of one chip, and the chip's INTR output. */
IRQLine *i8259_get_irq_in(DeviceState *pic, int n);
void i8259_connect_output(DeviceState *pic, IRQLine *out);

/* Level of the master's INTR output (what LINT0 sees); false if no PIC. */
bool pic_get_output(void);

/* `info pic` text for both chips, QEMU's format (slave "pic1" first). */
void pic_info(GString *out);

#endif
