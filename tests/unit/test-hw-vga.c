/*
 * VGA (isa-vga) through its ports and the 0xa0000 window: planar write
 * modes, read mode 1, odd/even text layout, chain 4, the Bochs VBE
 * registers, and the console side: what is drawn, and that an unchanged
 * screen reports no update.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "exec/memory.h"
#include "hw/isa/isa.h"
#include "ui/console.h"
#include "hw/display/edid.h"

static DeviceState *vga;
static QemuConsole *con;
static int updates, switches;

static void count_update(DisplayChangeListener *dcl, int x, int y, int w,
                         int h)
{
    updates++;
}

static void count_switch(DisplayChangeListener *dcl, DisplaySurface *s)
{
    switches++;
}

static const DisplayChangeListenerOps counter_ops = {
    .dpy_name = "test",
    .dpy_gfx_update = count_update,
    .dpy_gfx_switch = count_switch,
};

static DisplayChangeListener counter = { .ops = &counter_ops };

static void mem_wb(uint32_t addr, uint8_t v)
{
    address_space_st(&address_space_memory, addr, 1, v);
}

static uint8_t mem_rb(uint32_t addr)
{
    uint64_t v;

    address_space_ld(&address_space_memory, addr, 1, &v);
    return v;
}

static void seq(uint8_t i, uint8_t v)
{
    cpu_outb(0x3c4, i);
    cpu_outb(0x3c5, v);
}

static void gr(uint8_t i, uint8_t v)
{
    cpu_outb(0x3ce, i);
    cpu_outb(0x3cf, v);
}

static void vbe(uint16_t i, uint16_t v)
{
    cpu_outw(0x1ce, i);
    cpu_outw(0x1cf, v);
}

static uint32_t pixel(int x, int y)
{
    DisplaySurface *s = qemu_console_surface(con);

    return ((uint32_t *)(surface_data(s) + y * surface_stride(s)))[x] &
           0xffffff;
}

static void test_text(void)
{
    device_cold_reset(vga);
    /* 'A' in white on blue at row 1, column 2 (odd/even: char, attr) */
    mem_wb(0xb8000 + (80 + 2) * 2, 'A');
    mem_wb(0xb8000 + (80 + 2) * 2 + 1, 0x1f);
    g_assert_cmphex(mem_rb(0xb8000 + (80 + 2) * 2), ==, 'A');
    graphic_hw_update(con);
    g_assert_cmpint(qemu_console_get_width(con), ==, 720);
    g_assert_cmpint(qemu_console_get_height(con), ==, 400);
    /* 'A' row 2 of the font is 0x10: one dot at x = 3 */
    g_assert_cmphex(pixel(2 * 9 + 0, 16 + 2), ==, 0x0000a8);
    g_assert_cmphex(pixel(2 * 9 + 3, 16 + 2), ==, 0xffffff);
    g_assert_cmphex(pixel(0, 0), ==, 0x000000);

    /* nothing changed: nothing redrawn or reported */
    updates = 0;
    graphic_hw_update(con);
    g_assert_cmpint(updates, ==, 0);
    /* one cell changed: one rectangle of one cell */
    mem_wb(0xb8000 + 5 * 2, 'x');
    graphic_hw_update(con);
    g_assert_cmpint(updates, ==, 1);
}

static void test_planar(void)
{
    device_cold_reset(vga);
    /* mode 12h-like: graphics, planar, 640x480 */
    gr(6, 0x05);                    /* graphics, window a0000 64K */
    gr(5, 0x00);
    seq(4, 0x06);                   /* no chain 4, no odd/even */
    seq(2, 0x0f);
    /* write mode 0 with set/reset on all planes: colour 5 everywhere */
    gr(0, 0x05);
    gr(1, 0x0f);
    gr(8, 0xff);
    mem_wb(0xa0000, 0x00);
    gr(1, 0x00);
    for (int p = 0; p < 4; p++) {
        gr(4, p);
        g_assert_cmphex(mem_rb(0xa0000), ==, (5 >> p) & 1 ? 0xff : 0x00);
    }
    /* bit mask: only bit 7 takes the new data (0xff on every plane) */
    mem_rb(0xa0001);                /* latches = 0 */
    gr(8, 0x80);
    mem_wb(0xa0001, 0xff);
    gr(4, 2);
    g_assert_cmphex(mem_rb(0xa0001), ==, 0x80);
    /* read mode 1: bits whose colour is 5 */
    gr(8, 0xff);
    gr(5, 0x08);
    gr(2, 0x05);
    gr(7, 0x0f);
    g_assert_cmphex(mem_rb(0xa0000), ==, 0xff);
    g_assert_cmphex(mem_rb(0xa0001), ==, 0x00);
    /* write mode 1 copies the latches: a0000 (colour 5) to a0002 */
    gr(5, 0x01);
    mem_rb(0xa0000);
    mem_wb(0xa0002, 0);
    gr(5, 0x08);
    g_assert_cmphex(mem_rb(0xa0002), ==, 0xff);
}

static void test_chain4(void)
{
    device_cold_reset(vga);
    gr(6, 0x05);
    gr(5, 0x40);
    seq(4, 0x0e);                   /* chain 4 */
    seq(2, 0x0f);
    for (int i = 0; i < 8; i++) {
        mem_wb(0xa0000 + i, 0x10 + i);
    }
    for (int i = 0; i < 8; i++) {
        g_assert_cmphex(mem_rb(0xa0000 + i), ==, 0x10 + i);
    }
}

static void test_vbe(void)
{
    device_cold_reset(vga);
    cpu_outw(0x1ce, 0);
    g_assert_cmphex(cpu_inw(0x1cf), ==, 0xb0c5);
    /* GETCAPS: the maxima */
    vbe(4, 0x02);
    cpu_outw(0x1ce, 1);
    g_assert_cmpint(cpu_inw(0x1cf), ==, 16000);
    vbe(4, 0);
    vbe(1, 320);
    vbe(2, 200);
    vbe(3, 16);
    switches = 0;
    vbe(4, 0x41);
    /* RGB565 pure red at (1, 0) in the LFB */
    address_space_st(&address_space_memory, 0xe0000000 + 2, 2, 0xf800);
    graphic_hw_update(con);
    g_assert_cmpint(switches, ==, 1);
    g_assert_cmpint(qemu_console_get_width(con), ==, 320);
    g_assert_cmphex(pixel(1, 0), ==, 0xff0000);
    g_assert_cmphex(pixel(0, 0), ==, 0x000000);
    /* the y offset scrolls: line 1 becomes the top */
    address_space_st(&address_space_memory, 0xe0000000 + 640, 2, 0x001f);
    vbe(9, 1);
    graphic_hw_update(con);
    g_assert_cmphex(pixel(0, 0), ==, 0x0000ff);
    /* unchanged: no update */
    updates = 0;
    graphic_hw_update(con);
    g_assert_cmpint(updates, ==, 0);
    /* a bpp the hardware lacks is refused while disabled */
    vbe(4, 0);
    vbe(3, 12);
    cpu_outw(0x1ce, 3);
    g_assert_cmpint(cpu_inw(0x1cf), ==, 16);
}

static void test_edid(void)
{
    uint8_t e[EDID_BLOCK_SIZE];
    uint8_t sum = 0;

    edid_generate(e, 1280, 800);
    g_assert_cmpmem(e, 8, "\x00\xff\xff\xff\xff\xff\xff\x00", 8);
    for (int i = 0; i < EDID_BLOCK_SIZE; i++) {
        sum += e[i];
    }
    g_assert_cmpint(sum, ==, 0);
    /* the preferred (first detailed) timing is 1280x800 */
    g_assert_cmpint(e[56] | (e[58] >> 4) << 8, ==, 1280);
    g_assert_cmpint(e[59] | (e[61] >> 4) << 8, ==, 800);
    g_assert_cmpmem(e + 77, 12, "QEMU Monitor", 12);
}

int main(int argc, char **argv)
{
    ISABus *bus;

    g_test_init(&argc, &argv, NULL);
    memory_system_init();
    bql_lock();
    bus = isa_bus_new(NULL, get_system_io());
    vga = qdev_new("isa-vga");
    g_assert_true(qdev_realize(vga, BUS(bus), NULL));
    con = qemu_console_lookup_by_index(0);
    g_assert_nonnull(con);
    counter.con = con;
    register_displaychangelistener(&counter);

    g_test_add_func("/hw/vga/text", test_text);
    g_test_add_func("/hw/vga/planar", test_planar);
    g_test_add_func("/hw/vga/chain4", test_chain4);
    g_test_add_func("/hw/vga/vbe", test_vbe);
    g_test_add_func("/hw/vga/edid", test_edid);
    return g_test_run();
}
