/*
 * isa-serial (16550A) through its ports, as a guest driver programs it:
 * power-on values, divisor latch, THR to the chardev, chardev input in RBR,
 * IER/IIR identification and priority, FIFO trigger levels and character
 * timeout, loopback (MCR bit 4) and break, per the PC16550D datasheet.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qapi/error.h"
#include "hw/isa/isa.h"
#include "hw/char/serial.h"
#include "chardev/char.h"

#define COM1 0x3f8
#define RBR (COM1 + 0)
#define IER (COM1 + 1)
#define IIR (COM1 + 2)
#define FCR (COM1 + 2)
#define LCR (COM1 + 3)
#define MCR (COM1 + 4)
#define LSR (COM1 + 5)
#define MSR (COM1 + 6)
#define SCR (COM1 + 7)

static DeviceState *uart;
static Chardev *chr;
static GString *tx;
static int irq_level[ISA_NUM_IRQS];

/* ---- a chardev backend that records what the guest sends ---- */

static int testbuf_write(Chardev *c, const uint8_t *buf, int len)
{
    g_string_append_len(tx, (const char *)buf, len);
    return len;
}

static void testbuf_class_init(ObjectClass *oc, void *data)
{
    ((ChardevClass *)oc)->write = testbuf_write;
}

static const TypeInfo testbuf_info = {
    .name = "chardev-testbuf",
    .parent = TYPE_CHARDEV,
    .instance_size = sizeof(Chardev),
    .class_init = testbuf_class_init,
};

/* What a backend does when host data arrives: offer what can_read allows. */
static int host_send(const char *s, int len)
{
    CharFrontend *fe = chr->fe;
    int room = fe->can_read(fe->opaque);
    int n = MIN(room, len);

    if (n > 0) {
        fe->read(fe->opaque, (const uint8_t *)s, n);
    }
    return n;
}

static void isa_irq(void *opaque, int n, int level)
{
    irq_level[n] = level;
}

static void uart_reset(void)
{
    device_cold_reset(uart);
    g_string_truncate(tx, 0);
}

static void test_defaults(void)
{
    uart_reset();
    g_assert_cmphex(cpu_inb(IER), ==, 0x00);
    g_assert_cmphex(cpu_inb(IIR), ==, 0x01);       /* no interrupt */
    g_assert_cmphex(cpu_inb(LCR), ==, 0x00);
    g_assert_cmphex(cpu_inb(MCR), ==, 0x08);       /* OUT2, as QEMU */
    g_assert_cmphex(cpu_inb(LSR), ==, 0x60);       /* THRE | TEMT */
    g_assert_cmphex(cpu_inb(MSR), ==, 0xb0);       /* DCD | DSR | CTS */
    g_assert_cmpint(irq_level[4], ==, 0);
    cpu_outb(SCR, 0x5a);
    g_assert_cmphex(cpu_inb(SCR), ==, 0x5a);
}

static void test_divisor_latch(void)
{
    uart_reset();
    /* 115200 8N1: DLAB, divisor 1, then 8 bits no parity 1 stop. */
    cpu_outb(LCR, 0x80);
    g_assert_cmphex(cpu_inb(RBR), ==, 0x0c);       /* reset: 9600 baud */
    g_assert_cmphex(cpu_inb(IER), ==, 0x00);
    cpu_outb(RBR, 0x01);
    cpu_outb(IER, 0x02);
    g_assert_cmphex(cpu_inb(RBR), ==, 0x01);
    g_assert_cmphex(cpu_inb(IER), ==, 0x02);
    cpu_outb(LCR, 0x03);
    g_assert_cmphex(cpu_inb(LCR), ==, 0x03);
    /* With DLAB clear, offset 1 is IER again and untouched by DLM. */
    g_assert_cmphex(cpu_inb(IER), ==, 0x00);
    /* Writes to the latch did not go out as data. */
    g_assert_cmpint(tx->len, ==, 0);
    cpu_outb(LCR, 0x83);
    g_assert_cmphex(cpu_inb(RBR) | (cpu_inb(IER) << 8), ==, 0x0201);
    cpu_outb(LCR, 0x03);
}

static void test_transmit(void)
{
    const char *msg = "hello\n";

    uart_reset();
    cpu_outb(LCR, 0x03);
    for (const char *p = msg; *p; p++) {
        /* A driver polls THRE before each byte. */
        g_assert_true(cpu_inb(LSR) & 0x20);
        cpu_outb(RBR, *p);
    }
    g_assert_cmpstr(tx->str, ==, msg);
    g_assert_cmphex(cpu_inb(LSR) & 0x60, ==, 0x60);
}

static void test_receive(void)
{
    uart_reset();
    cpu_outb(LCR, 0x03);
    g_assert_false(cpu_inb(LSR) & 0x01);
    /* Without FIFOs the receiver holds one character. */
    g_assert_cmpint(host_send("AB", 2), ==, 1);
    g_assert_cmphex(cpu_inb(LSR) & 0x01, ==, 0x01);
    g_assert_cmpint(irq_level[4], ==, 0);           /* IER.RDI clear */
    g_assert_cmphex(cpu_inb(RBR), ==, 'A');
    g_assert_false(cpu_inb(LSR) & 0x01);
    g_assert_cmpint(host_send("B", 1), ==, 1);

    /* Enabling RDI with data waiting raises the line: IIR 0100b. */
    cpu_outb(IER, 0x01);
    g_assert_cmpint(irq_level[4], ==, 1);
    g_assert_cmphex(cpu_inb(IIR), ==, 0x04);
    g_assert_cmphex(cpu_inb(RBR), ==, 'B');
    g_assert_cmpint(irq_level[4], ==, 0);
    g_assert_cmphex(cpu_inb(IIR), ==, 0x01);
}

static void test_thre_interrupt(void)
{
    uart_reset();
    cpu_outb(LCR, 0x03);
    /* THR is empty, so enabling ETBEI interrupts at once. */
    cpu_outb(IER, 0x02);
    g_assert_cmpint(irq_level[4], ==, 1);
    /* Reading IIR when it reports THRE clears that source. */
    g_assert_cmphex(cpu_inb(IIR), ==, 0x02);
    g_assert_cmpint(irq_level[4], ==, 0);
    g_assert_cmphex(cpu_inb(IIR), ==, 0x01);
    /* Writing THR clears it and the emptied THR raises it again. */
    cpu_outb(RBR, 'x');
    g_assert_cmpint(irq_level[4], ==, 1);
    g_assert_cmphex(cpu_inb(IIR), ==, 0x02);
    /* Masking the source drops the line. */
    cpu_outb(RBR, 'y');
    g_assert_cmpint(irq_level[4], ==, 1);
    cpu_outb(IER, 0x00);
    g_assert_cmpint(irq_level[4], ==, 0);
    g_assert_cmpstr(tx->str, ==, "xy");
}

static void test_priority(void)
{
    uint8_t lsr;

    uart_reset();
    cpu_outb(LCR, 0x03);
    /* Loopback without FIFOs: the second byte overruns the first. */
    cpu_outb(MCR, 0x10);
    cpu_outb(RBR, 'a');
    cpu_outb(RBR, 'b');
    cpu_outb(IER, 0x07);                            /* RLS, THRE, RDA */
    g_assert_cmpint(irq_level[4], ==, 1);
    /* Receiver line status is the highest priority (0110b). */
    g_assert_cmphex(cpu_inb(IIR), ==, 0x06);
    lsr = cpu_inb(LSR);
    g_assert_cmphex(lsr & 0x03, ==, 0x03);           /* OE | DR */
    /* OE clears on the LSR read; then received data (0100b). */
    g_assert_cmphex(cpu_inb(LSR) & 0x02, ==, 0x00);
    g_assert_cmphex(cpu_inb(IIR), ==, 0x04);
    g_assert_cmphex(cpu_inb(RBR), ==, 'b');
    /* Then the transmitter holding register (0010b). */
    g_assert_cmphex(cpu_inb(IIR), ==, 0x02);
    g_assert_cmphex(cpu_inb(IIR), ==, 0x01);
    g_assert_cmpint(irq_level[4], ==, 0);
    /* Nothing went to the host while in loopback. */
    g_assert_cmpint(tx->len, ==, 0);
}

static void test_fifo(void)
{
    char buf[20];
    int64_t end;

    uart_reset();
    cpu_outb(LCR, 0x03);
    /* FIFO enable, clear both, trigger level 14. */
    cpu_outb(FCR, 0xc7);
    g_assert_cmphex(cpu_inb(IIR), ==, 0xc1);
    cpu_outb(IER, 0x01);
    for (int i = 0; i < 16; i++) {
        buf[i] = 'a' + i;
    }
    /* 13 bytes: below the trigger level, no RDA interrupt yet. */
    g_assert_cmpint(host_send(buf, 13), ==, 13);
    g_assert_true(cpu_inb(LSR) & 0x01);
    g_assert_cmpint(irq_level[4], ==, 0);
    g_assert_cmphex(cpu_inb(IIR), ==, 0xc1);
    g_assert_cmpint(host_send(buf + 13, 1), ==, 1);
    g_assert_cmpint(irq_level[4], ==, 1);
    g_assert_cmphex(cpu_inb(IIR), ==, 0xc4);
    /* 16 bytes deep: only two more fit. */
    g_assert_cmpint(host_send(buf + 14, 6), ==, 2);
    for (int i = 0; i < 16; i++) {
        g_assert_true(cpu_inb(LSR) & 0x01);
        g_assert_cmphex(cpu_inb(RBR), ==, 'a' + i);
    }
    g_assert_false(cpu_inb(LSR) & 0x01);
    g_assert_cmpint(irq_level[4], ==, 0);

    /* The receive FIFO reset bit empties it. */
    host_send("zz", 2);
    cpu_outb(FCR, 0xc3);
    g_assert_false(cpu_inb(LSR) & 0x01);
    g_assert_cmphex(cpu_inb(IIR), ==, 0xc1);

    /*
     * Fewer bytes than the trigger level: the character timeout (1100b)
     * fires after four character times of silence on the virtual clock.
     */
    host_send("xy", 2);
    g_assert_cmpint(irq_level[4], ==, 0);
    qemu_clock_enable_virtual(true);
    end = g_get_monotonic_time() + 2 * G_USEC_PER_SEC;
    while (!irq_level[4] && g_get_monotonic_time() < end) {
        timers_run_expired();
        g_usleep(500);
    }
    qemu_clock_enable_virtual(false);
    g_assert_cmpint(irq_level[4], ==, 1);
    g_assert_cmphex(cpu_inb(IIR), ==, 0xcc);
    /* Reading RBR clears the timeout indication. */
    g_assert_cmphex(cpu_inb(RBR), ==, 'x');
    g_assert_cmpint(irq_level[4], ==, 0);
    g_assert_cmphex(cpu_inb(RBR), ==, 'y');

    /* Disabling the FIFOs: IIR bits 7:6 clear. */
    cpu_outb(FCR, 0x00);
    g_assert_cmphex(cpu_inb(IIR), ==, 0x01);
}

static void test_loopback(void)
{
    uart_reset();
    cpu_outb(LCR, 0x03);
    cpu_outb(MCR, 0x10);
    /* The receiver ignores the outside while looped back. */
    g_assert_cmpint(chr->fe->can_read(chr->fe->opaque), ==, 0);
    /* Modem outputs all low: every modem input reads low. */
    g_assert_cmphex(cpu_inb(MSR) & 0xf0, ==, 0x00);
    /* DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD. */
    cpu_outb(MCR, 0x11);
    g_assert_cmphex(cpu_inb(MSR) & 0xf0, ==, 0x20);
    cpu_outb(MCR, 0x12);
    g_assert_cmphex(cpu_inb(MSR) & 0xf0, ==, 0x10);
    cpu_outb(MCR, 0x14);
    g_assert_cmphex(cpu_inb(MSR) & 0xf0, ==, 0x40);
    cpu_outb(MCR, 0x18);
    g_assert_cmphex(cpu_inb(MSR) & 0xf0, ==, 0x80);
    cpu_outb(MCR, 0x1f);
    g_assert_cmphex(cpu_inb(MSR) & 0xf0, ==, 0xf0);
    g_assert_cmphex(cpu_inb(MCR), ==, 0x1f);

    cpu_outb(RBR, 'L');
    g_assert_true(cpu_inb(LSR) & 0x01);
    g_assert_cmphex(cpu_inb(RBR), ==, 'L');
    g_assert_cmpint(tx->len, ==, 0);

    /* Out of loopback, data goes to the chardev again. */
    cpu_outb(MCR, 0x0b);
    cpu_outb(RBR, 'O');
    g_assert_cmpstr(tx->str, ==, "O");
    g_assert_false(cpu_inb(LSR) & 0x01);
    g_assert_cmphex(cpu_inb(MSR), ==, 0xb0);
}

static void test_break(void)
{
    uart_reset();
    cpu_outb(LCR, 0x03);
    cpu_outb(IER, 0x04);
    chr->fe->event(chr->fe->opaque, CHR_EVENT_BREAK);
    g_assert_cmpint(irq_level[4], ==, 1);
    g_assert_cmphex(cpu_inb(IIR), ==, 0x06);
    g_assert_cmphex(cpu_inb(LSR) & 0x11, ==, 0x11);  /* BI | DR */
    g_assert_cmpint(irq_level[4], ==, 0);
    g_assert_cmphex(cpu_inb(RBR), ==, 0x00);
}

int main(int argc, char **argv)
{
    ISABus *bus;
    IRQLine **irqs;

    g_test_init(&argc, &argv, NULL);
    memory_system_init();
    bql_lock();
    type_register_static(&testbuf_info);
    tx = g_string_new("");
    bus = isa_bus_new(NULL, get_system_io());
    irqs = irq_lines_new(isa_irq, NULL, ISA_NUM_IRQS);
    isa_bus_set_irqs(bus, irqs);

    chr = chardev_new_from_string("testbuf,id=t0", &error_abort);
    uart = qdev_new(TYPE_ISA_SERIAL);
    object_property_set_str(OBJECT(uart), "chardev", "t0", &error_abort);
    qdev_realize_and_unref(uart, BUS(bus), &error_abort);
    g_assert_nonnull(chr->fe);
    g_assert_cmpuint(object_property_get_uint(OBJECT(uart), "iobase",
                                              &error_abort), ==, COM1);
    g_assert_cmpuint(object_property_get_uint(OBJECT(uart), "irq",
                                              &error_abort), ==, 4);

    g_test_add_func("/hw/serial/defaults", test_defaults);
    g_test_add_func("/hw/serial/divisor-latch", test_divisor_latch);
    g_test_add_func("/hw/serial/transmit", test_transmit);
    g_test_add_func("/hw/serial/receive", test_receive);
    g_test_add_func("/hw/serial/thre-interrupt", test_thre_interrupt);
    g_test_add_func("/hw/serial/priority", test_priority);
    g_test_add_func("/hw/serial/fifo", test_fifo);
    g_test_add_func("/hw/serial/loopback", test_loopback);
    g_test_add_func("/hw/serial/break", test_break);
    return g_test_run();
}
