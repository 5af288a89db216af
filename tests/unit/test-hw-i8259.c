/*
 * i8259 pair through ports 0x20/0x21, 0xa0/0xa1 and the ELCR (0x4d0/1),
 * programmed as a PC BIOS and Linux do: ICW1-4, IMR, IRR/ISR via OCW3,
 * fully nested priority, specific and non-specific EOI, rotation, the
 * cascade through IRQ2, edge vs level (ELCR), spurious IRQ7, poll mode and
 * auto-EOI, per the 8259A datasheet.  INTA cycles use pic_read_irq().
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qapi/error.h"
#include "hw/isa/isa.h"
#include "hw/intc/i8259.h"
#include "hw/intc/apic.h"

static IRQLine **irq;
static int intr;

static void intr_handler(void *opaque, int n, int level)
{
    intr = level;
}

static void set_irq(int n, int level)
{
    irq_set(irq[n], level);
}

static uint8_t read_irr(uint16_t base)
{
    cpu_outb(base, 0x0a);
    return cpu_inb(base);
}

static uint8_t read_isr(uint16_t base)
{
    uint8_t v;

    cpu_outb(base, 0x0b);
    v = cpu_inb(base);
    cpu_outb(base, 0x0a);
    return v;
}

/* The BIOS/Linux sequence: vectors 0x08 and 0x70, cascade on IRQ2. */
static void pic_setup(uint8_t icw4)
{
    for (int i = 0; i < ISA_NUM_IRQS; i++) {
        set_irq(i, 0);
    }
    cpu_outb(0x4d0, 0);
    cpu_outb(0x4d1, 0);
    cpu_outb(0x20, 0x11);       /* ICW1: edge, cascade, ICW4 needed */
    cpu_outb(0x21, 0x08);       /* ICW2: vector base */
    cpu_outb(0x21, 0x04);       /* ICW3: slave on IRQ2 */
    cpu_outb(0x21, icw4);       /* ICW4: 8086 mode */
    cpu_outb(0xa0, 0x11);
    cpu_outb(0xa1, 0x70);
    cpu_outb(0xa1, 0x02);       /* ICW3: slave identity 2 */
    cpu_outb(0xa1, icw4);
}

static void test_init(void)
{
    cpu_outb(0x21, 0xff);
    pic_setup(0x01);
    /* ICW1 clears the IMR; OCW1 then sets it. */
    g_assert_cmphex(cpu_inb(0x21), ==, 0x00);
    g_assert_cmphex(cpu_inb(0xa1), ==, 0x00);
    cpu_outb(0x21, 0xfb);
    cpu_outb(0xa1, 0xa5);
    g_assert_cmphex(cpu_inb(0x21), ==, 0xfb);
    g_assert_cmphex(cpu_inb(0xa1), ==, 0xa5);
    g_assert_cmphex(read_irr(0x20), ==, 0);
    g_assert_cmphex(read_isr(0x20), ==, 0);
    g_assert_cmpint(intr, ==, 0);
    cpu_outb(0xa1, 0x00);
    cpu_outb(0x21, 0x00);
}

static void test_edge_eoi(void)
{
    pic_setup(0x01);
    set_irq(1, 1);
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmphex(read_irr(0x20), ==, 0x02);
    g_assert_cmpint(pic_read_irq(), ==, 0x09);
    g_assert_cmphex(read_irr(0x20), ==, 0x00);
    g_assert_cmphex(read_isr(0x20), ==, 0x02);
    g_assert_cmpint(intr, ==, 0);
    /* The line is still high: no new edge, nothing latched. */
    set_irq(1, 1);
    g_assert_cmphex(read_irr(0x20), ==, 0x00);
    /* A new edge latches, but IRQ1 is in service at the same level. */
    set_irq(1, 0);
    set_irq(1, 1);
    g_assert_cmphex(read_irr(0x20), ==, 0x02);
    g_assert_cmpint(intr, ==, 0);
    /* Non-specific EOI: the pending request gets through. */
    cpu_outb(0x20, 0x20);
    g_assert_cmphex(read_isr(0x20), ==, 0x00);
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmpint(pic_read_irq(), ==, 0x09);
    cpu_outb(0x20, 0x20);
    set_irq(1, 0);
    g_assert_cmpint(intr, ==, 0);
}

static void test_imr(void)
{
    pic_setup(0x01);
    cpu_outb(0x21, 0x02);
    set_irq(1, 1);
    /* Masked: latched in IRR but not presented to the CPU. */
    g_assert_cmphex(read_irr(0x20), ==, 0x02);
    g_assert_cmpint(intr, ==, 0);
    cpu_outb(0x21, 0x00);
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmpint(pic_read_irq(), ==, 0x09);
    cpu_outb(0x20, 0x20);
    set_irq(1, 0);
}

static void test_priority(void)
{
    pic_setup(0x01);
    set_irq(5, 1);
    set_irq(3, 1);
    g_assert_cmphex(read_irr(0x20), ==, 0x28);
    /* Fully nested: IRQ3 beats IRQ5. */
    g_assert_cmpint(pic_read_irq(), ==, 0x0b);
    g_assert_cmpint(intr, ==, 0);               /* 5 is below 3 */
    /* A higher-priority request nests inside the one in service. */
    set_irq(1, 1);
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmpint(pic_read_irq(), ==, 0x09);
    g_assert_cmphex(read_isr(0x20), ==, 0x0a);
    /* Non-specific EOI ends the highest in service (IRQ1). */
    cpu_outb(0x20, 0x20);
    g_assert_cmphex(read_isr(0x20), ==, 0x08);
    g_assert_cmpint(intr, ==, 0);
    /* Specific EOI for IRQ3 (OCW2 011 L2-L0). */
    cpu_outb(0x20, 0x63);
    g_assert_cmphex(read_isr(0x20), ==, 0x00);
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmpint(pic_read_irq(), ==, 0x0d);
    /* Specific EOI of a level not in service changes nothing else. */
    cpu_outb(0x20, 0x61);
    g_assert_cmphex(read_isr(0x20), ==, 0x20);
    cpu_outb(0x20, 0x65);
    g_assert_cmphex(read_isr(0x20), ==, 0x00);

    /* Set priority (OCW2 110): IRQ3 lowest, so IRQ4 is now highest. */
    set_irq(1, 0);
    set_irq(5, 0);
    cpu_outb(0x20, 0xc3);
    set_irq(1, 1);
    set_irq(5, 1);
    g_assert_cmpint(pic_read_irq(), ==, 0x0d);
    /* Rotate on non-specific EOI: IRQ5 becomes the lowest, 6 highest. */
    cpu_outb(0x20, 0xa0);
    g_assert_cmphex(read_isr(0x20), ==, 0x00);
    g_assert_cmpint(pic_read_irq(), ==, 0x09);
    cpu_outb(0x20, 0x20);
    cpu_outb(0x20, 0xc7);       /* back to IRQ0 highest */
}

static void test_cascade(void)
{
    pic_setup(0x01);
    /* IRQ12 (mouse) is slave input 4, through master IRQ2. */
    set_irq(12, 1);
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmphex(read_irr(0xa0), ==, 0x10);
    g_assert_cmphex(read_irr(0x20), ==, 0x04);
    g_assert_cmpint(pic_read_irq(), ==, 0x74);
    g_assert_cmphex(read_isr(0xa0), ==, 0x10);
    g_assert_cmphex(read_isr(0x20), ==, 0x04);
    g_assert_cmpint(intr, ==, 0);
    /* Masking IRQ2 on the master hides the whole slave. */
    set_irq(12, 0);
    cpu_outb(0xa0, 0x20);
    cpu_outb(0x20, 0x20);
    cpu_outb(0x21, 0x04);
    set_irq(14, 1);
    g_assert_cmpint(intr, ==, 0);
    g_assert_cmphex(read_irr(0xa0), ==, 0x40);
    cpu_outb(0x21, 0x00);
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmpint(pic_read_irq(), ==, 0x76);
    /* Slave masking: IRQ13 is held back by the slave's IMR. */
    cpu_outb(0xa1, 0x20);
    set_irq(13, 1);
    cpu_outb(0xa0, 0x20);
    cpu_outb(0x20, 0x20);
    g_assert_cmpint(intr, ==, 0);
    cpu_outb(0xa1, 0x00);
    g_assert_cmpint(pic_read_irq(), ==, 0x75);
    cpu_outb(0xa0, 0x20);
    cpu_outb(0x20, 0x20);
    set_irq(13, 0);
    set_irq(14, 0);
}

static void test_level_elcr(void)
{
    pic_setup(0x01);
    /* The PIIX ELCR: IRQ 0, 1, 2, 8, 13 are always edge. */
    cpu_outb(0x4d0, 0xff);
    cpu_outb(0x4d1, 0xff);
    g_assert_cmphex(cpu_inb(0x4d0), ==, 0xf8);
    g_assert_cmphex(cpu_inb(0x4d1), ==, 0xde);
    cpu_outb(0x4d0, 0x00);
    cpu_outb(0x4d1, 0x04);      /* IRQ10 level triggered */

    set_irq(10, 1);
    g_assert_cmpint(pic_read_irq(), ==, 0x72);
    /* Level: the request stays in IRR while the line is high... */
    g_assert_cmphex(read_irr(0xa0), ==, 0x04);
    cpu_outb(0xa0, 0x20);
    cpu_outb(0x20, 0x20);
    /* ...so the EOI without servicing the device re-interrupts. */
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmpint(pic_read_irq(), ==, 0x72);
    /* The device deasserts: IRR follows the line. */
    set_irq(10, 0);
    g_assert_cmphex(read_irr(0xa0), ==, 0x00);
    cpu_outb(0xa0, 0x20);
    cpu_outb(0x20, 0x20);
    g_assert_cmpint(intr, ==, 0);

    /* The same with edge triggering: one interrupt per edge. */
    cpu_outb(0x4d1, 0x00);
    set_irq(10, 1);
    g_assert_cmpint(pic_read_irq(), ==, 0x72);
    cpu_outb(0xa0, 0x20);
    cpu_outb(0x20, 0x20);
    g_assert_cmpint(intr, ==, 0);
    set_irq(10, 0);
}

static void test_spurious(void)
{
    pic_setup(0x01);
    cpu_outb(0x4d0, 0x08);      /* IRQ3 level */
    set_irq(3, 1);
    g_assert_cmpint(intr, ==, 1);
    /* The request goes away before the INTA cycle: IRQ7 is reported. */
    set_irq(3, 0);
    g_assert_cmpint(pic_read_irq(), ==, 0x0f);
    /* A spurious IRQ7 does not set ISR bit 7 (no EOI must be sent). */
    g_assert_cmphex(read_isr(0x20), ==, 0x00);

    /* The same on the slave: spurious IRQ15, master IRQ2 in service. */
    cpu_outb(0x4d0, 0x00);
    cpu_outb(0x4d1, 0x08);      /* IRQ11 level */
    set_irq(11, 1);
    g_assert_cmpint(intr, ==, 1);
    cpu_outb(0xa1, 0x08);       /* masked on the slave before INTA */
    g_assert_cmpint(intr, ==, 1);   /* the master latched IRQ2's edge */
    g_assert_cmpint(pic_read_irq(), ==, 0x77);
    g_assert_cmphex(read_isr(0xa0), ==, 0x00);
    cpu_outb(0x20, 0x20);
    cpu_outb(0xa1, 0x00);
    set_irq(11, 0);
    cpu_outb(0x4d1, 0x00);
}

static void test_poll_and_auto_eoi(void)
{
    pic_setup(0x01);
    set_irq(6, 1);
    /* Poll command (OCW3 P=1): the next read is an INTA. */
    cpu_outb(0x20, 0x0c);
    g_assert_cmphex(cpu_inb(0x20), ==, 0x86);
    g_assert_cmphex(read_isr(0x20), ==, 0x40);
    cpu_outb(0x20, 0x0c);
    g_assert_cmphex(cpu_inb(0x20), ==, 0x00);   /* nothing pending */
    cpu_outb(0x20, 0x20);
    set_irq(6, 0);

    /* ICW4 AEOI: ISR is never set. */
    pic_setup(0x03);
    set_irq(4, 1);
    g_assert_cmpint(pic_read_irq(), ==, 0x0c);
    g_assert_cmphex(read_isr(0x20), ==, 0x00);
    g_assert_cmpint(intr, ==, 0);
    set_irq(4, 0);
    set_irq(4, 1);
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmpint(pic_read_irq(), ==, 0x0c);
    set_irq(4, 0);
    pic_setup(0x01);
}

static void test_special_mask_and_rotation(void)
{
    pic_setup(0x01);
    set_irq(3, 1);
    g_assert_cmpint(pic_read_irq(), ==, 0x0b);
    set_irq(5, 1);
    g_assert_cmpint(intr, ==, 0);               /* blocked by IRQ3 */
    cpu_outb(0x21, 0x08);
    g_assert_cmpint(intr, ==, 0);               /* masking is not enough */
    /*
     * Special mask mode (OCW3 ESMM+SMM): masked in-service levels no longer
     * inhibit lower priorities.  (Like QEMU, the OCW3 write itself does not
     * re-evaluate INTR; the next OCW1 does.)
     */
    cpu_outb(0x21, 0x00);
    cpu_outb(0x20, 0x68);
    cpu_outb(0x21, 0x08);
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmpint(pic_read_irq(), ==, 0x0d);
    cpu_outb(0x20, 0x65);                       /* specific EOI 5 */
    cpu_outb(0x20, 0x48);                       /* leave special mask mode */
    cpu_outb(0x21, 0x00);
    cpu_outb(0x20, 0x63);
    g_assert_cmphex(read_isr(0x20), ==, 0x00);
    set_irq(3, 0);
    set_irq(5, 0);

    /* Rotate in automatic EOI mode: the IRQ just served becomes lowest. */
    pic_setup(0x03);
    cpu_outb(0x20, 0x80);
    set_irq(1, 1);
    g_assert_cmpint(pic_read_irq(), ==, 0x09);
    set_irq(0, 1);
    set_irq(3, 1);
    g_assert_cmpint(pic_read_irq(), ==, 0x0b);  /* 2..7 now beat 0 */
    g_assert_cmpint(pic_read_irq(), ==, 0x08);
    cpu_outb(0x20, 0x00);                       /* clear rotate in AEOI */
    pic_setup(0x01);
}

int main(int argc, char **argv)
{
    ISABus *bus;

    g_test_init(&argc, &argv, NULL);
    memory_system_init();
    bql_lock();
    bus = isa_bus_new(NULL, get_system_io());
    irq = i8259_init(bus, irq_line_new(intr_handler, NULL, 0), &error_abort);
    g_assert_nonnull(irq);
    isa_bus_set_irqs(bus, irq);

    g_test_add_func("/hw/i8259/init", test_init);
    g_test_add_func("/hw/i8259/edge-eoi", test_edge_eoi);
    g_test_add_func("/hw/i8259/imr", test_imr);
    g_test_add_func("/hw/i8259/priority", test_priority);
    g_test_add_func("/hw/i8259/cascade", test_cascade);
    g_test_add_func("/hw/i8259/level-elcr", test_level_elcr);
    g_test_add_func("/hw/i8259/spurious", test_spurious);
    g_test_add_func("/hw/i8259/poll-auto-eoi", test_poll_and_auto_eoi);
    g_test_add_func("/hw/i8259/special-mask-rotation",
                    test_special_mask_and_rotation);
    return g_test_run();
}
