/*
 * i8042 through ports 0x60/0x64: self test, command byte, output port and
 * A20, keyboard and mouse command replies, IRQ 1/12 and the disable bits.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "hw/isa/isa.h"
#include "hw/input/i8042.h"
#include "ui/input.h"

static DeviceState *kbc;
static int irq_level[16];
static int a20_level = -1;

static void isa_irq(void *opaque, int n, int level)
{
    irq_level[n] = level;
}

static void a20(void *opaque, int n, int level)
{
    a20_level = level;
}

static uint8_t status(void)
{
    return cpu_inb(0x64);
}

static uint8_t read_data(void)
{
    g_assert_true(status() & 0x01);
    return cpu_inb(0x60);
}

static void test_selftest(void)
{
    cpu_outb(0x64, 0xaa);
    g_assert_cmphex(status() & 0x05, ==, 0x05);    /* OBF + system flag */
    g_assert_cmphex(read_data(), ==, 0x55);
    g_assert_false(status() & 0x01);
    cpu_outb(0x64, 0xab);                          /* keyboard port test */
    g_assert_cmphex(read_data(), ==, 0x00);
}

static void test_command_byte(void)
{
    cpu_outb(0x64, 0x20);
    g_assert_cmphex(read_data(), ==, 0x03);
    cpu_outb(0x64, 0x60);
    g_assert_true(status() & 0x08);                /* last write: command */
    cpu_outb(0x60, 0x47);
    g_assert_false(status() & 0x08);
    cpu_outb(0x64, 0x20);
    g_assert_cmphex(read_data(), ==, 0x47);
    g_assert_true(status() & 0x04);
}

static void test_outport_a20(void)
{
    cpu_outb(0x64, 0xd0);
    g_assert_cmphex(read_data() & 0x03, ==, 0x03);
    cpu_outb(0x64, 0xdd);
    g_assert_cmpint(a20_level, ==, 0);
    cpu_outb(0x64, 0xd0);
    g_assert_cmphex(read_data() & 0x02, ==, 0);
    cpu_outb(0x64, 0xd1);
    cpu_outb(0x60, 0x03);
    g_assert_cmpint(a20_level, ==, 1);
}

static void test_keyboard(void)
{
    cpu_outb(0x64, 0x60);
    cpu_outb(0x60, 0x01);                          /* KBD_INT only */
    cpu_outb(0x60, 0xff);                          /* reset */
    g_assert_cmpint(irq_level[1], ==, 1);
    g_assert_cmphex(read_data(), ==, 0xfa);
    g_assert_cmpint(irq_level[1], ==, 1);          /* next byte pending */
    g_assert_cmphex(read_data(), ==, 0xaa);
    g_assert_cmpint(irq_level[1], ==, 0);
    cpu_outb(0x60, 0xf2);                          /* identify, untranslated */
    g_assert_cmphex(read_data(), ==, 0xfa);
    g_assert_cmphex(read_data(), ==, 0xab);
    g_assert_cmphex(read_data(), ==, 0x83);
    cpu_outb(0x60, 0xee);
    g_assert_cmphex(read_data(), ==, 0xee);
    cpu_outb(0x60, 0xed);                          /* LEDs + argument */
    g_assert_cmphex(read_data(), ==, 0xfa);
    cpu_outb(0x60, 0x07);
    g_assert_cmphex(read_data(), ==, 0xfa);
    cpu_outb(0x60, 0x12);                          /* unknown */
    g_assert_cmphex(read_data(), ==, 0xfe);
}

static void test_keyboard_disabled(void)
{
    cpu_outb(0x64, 0xad);
    i8042_kbd_put_scancode(kbc, 0x1c);
    g_assert_false(status() & 0x01);
    cpu_outb(0x64, 0xae);
    g_assert_cmphex(read_data(), ==, 0x1c);
}

static void test_mouse(void)
{
    cpu_outb(0x64, 0x60);
    cpu_outb(0x60, 0x03);
    cpu_outb(0x64, 0xa8);
    cpu_outb(0x64, 0xd4);
    cpu_outb(0x60, 0xff);
    g_assert_cmpint(irq_level[12], ==, 1);
    g_assert_true(status() & 0x20);
    g_assert_cmphex(read_data(), ==, 0xfa);
    g_assert_cmphex(read_data(), ==, 0xaa);
    g_assert_cmphex(read_data(), ==, 0x00);
    g_assert_cmpint(irq_level[12], ==, 0);
    cpu_outb(0x64, 0xd4);
    cpu_outb(0x60, 0xf2);
    g_assert_cmphex(read_data(), ==, 0xfa);
    g_assert_cmphex(read_data(), ==, 0x00);
    cpu_outb(0x64, 0xd4);
    cpu_outb(0x60, 0xf4);
    g_assert_cmphex(read_data(), ==, 0xfa);
    i8042_mouse_event(kbc, 5, -3, 1);
    g_assert_cmphex(read_data(), ==, 0x29);
    g_assert_cmphex(read_data(), ==, 0x05);
    g_assert_cmphex(read_data(), ==, 0xfd);
    cpu_outb(0x64, 0xa9);
    g_assert_cmphex(read_data(), ==, 0x00);
}

static void mouse_cmd(uint8_t v)
{
    cpu_outb(0x64, 0xd4);
    cpu_outb(0x60, v);
    g_assert_cmphex(read_data(), ==, 0xfa);
}

/* The IntelliMouse knock (rates 200, 100, 80) and 4-byte wheel packets. */
static void test_mouse_wheel(void)
{
    static const uint8_t knock[] = { 200, 100, 80 };

    mouse_cmd(0xff);
    g_assert_cmphex(read_data(), ==, 0xaa);
    g_assert_cmphex(read_data(), ==, 0x00);
    for (size_t i = 0; i < sizeof(knock); i++) {
        mouse_cmd(0xf3);
        mouse_cmd(knock[i]);
    }
    mouse_cmd(0xf2);
    g_assert_cmphex(read_data(), ==, 0x03);
    mouse_cmd(0xf4);
    /* through ui/input: down 2, wheel one step down, right button */
    qemu_input_queue_rel(INPUT_AXIS_Y, 2);
    qemu_input_queue_wheel(1);
    qemu_input_queue_btn(INPUT_BUTTON_RIGHT, true);
    qemu_input_event_sync();
    g_assert_cmphex(read_data(), ==, 0x2a);
    g_assert_cmphex(read_data(), ==, 0x00);
    g_assert_cmphex(read_data(), ==, 0xfe);
    g_assert_cmphex(read_data(), ==, 0x01);
    g_assert_false(status() & 0x01);
    /* a reset forgets the wheel */
    mouse_cmd(0xff);
    g_assert_cmphex(read_data(), ==, 0xaa);
    g_assert_cmphex(read_data(), ==, 0x00);
    mouse_cmd(0xf2);
    g_assert_cmphex(read_data(), ==, 0x00);
}

int main(int argc, char **argv)
{
    ISABus *bus;
    IRQLine **irqs;

    g_test_init(&argc, &argv, NULL);
    memory_system_init();
    bql_lock();
    bus = isa_bus_new(NULL, get_system_io());
    irqs = irq_lines_new(isa_irq, NULL, ISA_NUM_IRQS);
    isa_bus_set_irqs(bus, irqs);
    kbc = i8042_init(bus, NULL);
    g_assert_nonnull(kbc);
    i8042_set_a20_line(kbc, irq_line_new(a20, NULL, 0));

    g_test_add_func("/hw/i8042/selftest", test_selftest);
    g_test_add_func("/hw/i8042/command-byte", test_command_byte);
    g_test_add_func("/hw/i8042/outport-a20", test_outport_a20);
    g_test_add_func("/hw/i8042/keyboard", test_keyboard);
    g_test_add_func("/hw/i8042/keyboard-disabled", test_keyboard_disabled);
    g_test_add_func("/hw/i8042/mouse", test_mouse);
    g_test_add_func("/hw/i8042/mouse-wheel", test_mouse_wheel);
    return g_test_run();
}
