/*
 * fw_cfg through ports 0x510/0x511 and the DMA interface at 0x514:
 * signature and ID, integer items (little-endian), the file directory
 * (sorted, big-endian), reads past the end, and DMA read/skip/select.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "hw/isa/isa.h"
#include "hw/nvram/fw_cfg.h"

static FWCfgState *fw;
static MemoryRegion ram;

static void fw_select(uint16_t key)
{
    cpu_outw(0x510, key);
}

static void fw_read(void *buf, size_t len)
{
    uint8_t *p = buf;

    for (size_t i = 0; i < len; i++) {
        p[i] = cpu_inb(0x511);
    }
}

static void test_signature_id(void)
{
    char sig[5] = { 0 };
    uint32_t id;

    fw_select(FW_CFG_SIGNATURE);
    fw_read(sig, 4);
    g_assert_cmpstr(sig, ==, "QEMU");
    fw_select(FW_CFG_ID);
    fw_read(&id, 4);
    g_assert_cmphex(GUINT32_FROM_LE(id), ==, 3);    /* traditional + DMA */
    /* DMA register signature "QEMU CFG". */
    g_assert_cmphex(cpu_inb(0x514), ==, 'Q');
    g_assert_cmphex(cpu_inb(0x51b), ==, 'G');
}

static void test_items(void)
{
    uint64_t v64;
    uint16_t v16;
    uint8_t past[2];

    fw_cfg_add_i64(fw, FW_CFG_RAM_SIZE, 128 * MiB);
    fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, 2);
    fw_select(FW_CFG_RAM_SIZE);
    fw_read(&v64, 8);
    g_assert_cmphex(GUINT64_FROM_LE(v64), ==, 128 * MiB);
    fw_select(FW_CFG_NB_CPUS);
    fw_read(&v16, 2);
    g_assert_cmpuint(GUINT16_FROM_LE(v16), ==, 2);
    fw_read(past, 2);                               /* past the end: 0 */
    g_assert_cmpuint(past[0] | past[1], ==, 0);
    fw_select(0x0d);                                /* absent item */
    g_assert_cmpuint(cpu_inb(0x511), ==, 0);
    /* Reselecting restarts at offset 0. */
    fw_select(FW_CFG_NB_CPUS);
    g_assert_cmpuint(cpu_inb(0x511), ==, 2);
}

static void test_files(void)
{
    uint32_t count;
    uint8_t ent[64];
    uint16_t sel_b;
    char data[8] = { 0 };

    fw_cfg_add_file(fw, "etc/zzz", "last", 4);
    fw_cfg_add_file(fw, "etc/aaa", "first", 5);
    fw_select(FW_CFG_FILE_DIR);
    fw_read(&count, 4);
    g_assert_cmpuint(GUINT32_FROM_BE(count), ==, 2);
    fw_read(ent, 64);
    g_assert_cmpstr((char *)ent + 8, ==, "etc/aaa");
    g_assert_cmpuint(GUINT32_FROM_BE(*(uint32_t *)ent), ==, 5);
    g_assert_cmpuint(GUINT16_FROM_BE(*(uint16_t *)(ent + 4)), ==, 0x20);
    fw_read(ent, 64);
    g_assert_cmpstr((char *)ent + 8, ==, "etc/zzz");
    sel_b = GUINT16_FROM_BE(*(uint16_t *)(ent + 4));
    g_assert_cmpuint(sel_b, ==, 0x21);
    fw_select(sel_b);
    fw_read(data, 4);
    g_assert_cmpstr(data, ==, "last");
    /* Replacing keeps one entry. */
    fw_cfg_add_file(fw, "etc/zzz", "new!", 4);
    fw_select(FW_CFG_FILE_DIR);
    fw_read(&count, 4);
    g_assert_cmpuint(GUINT32_FROM_BE(count), ==, 2);
    fw_select(0x21);
    fw_read(data, 4);
    g_assert_cmpstr(data, ==, "new!");
}

static void dma(uint32_t control, uint32_t len, uint64_t addr)
{
    uint8_t desc[16];
    uint32_t c = GUINT32_TO_BE(control), l = GUINT32_TO_BE(len);
    uint64_t a = GUINT64_TO_BE(addr);

    memcpy(desc, &c, 4);
    memcpy(desc + 4, &l, 4);
    memcpy(desc + 8, &a, 8);
    address_space_write(&address_space_memory, 0x1000, desc, 16);
    cpu_outl(0x514, GUINT32_TO_BE(0));
    cpu_outl(0x518, GUINT32_TO_BE(0x1000));
}

static void test_dma(void)
{
    char buf[16] = { 0 };
    uint32_t ctl;

    memset(memory_region_get_ram_ptr(&ram) + 0x2000, 0xcc, 16);
    dma((FW_CFG_SIGNATURE << 16) | 0x08 | 0x02, 4, 0x2000);
    address_space_read(&address_space_memory, 0x1000, &ctl, 4);
    g_assert_cmphex(ctl, ==, 0);
    address_space_read(&address_space_memory, 0x2000, buf, 4);
    g_assert_cmpmem(buf, 4, "QEMU", 4);
    /* Skip 2 bytes then read the rest of the file: "rst" + zeroes after. */
    dma((0x20 << 16) | 0x08 | 0x04, 2, 0);
    dma(0x02, 5, 0x2000);
    address_space_read(&address_space_memory, 0x2000, buf, 6);
    g_assert_cmpmem(buf, 6, "rst\0\0\xcc", 6);
    /* Writes are refused with the error bit. */
    dma(0x10, 1, 0x2000);
    address_space_read(&address_space_memory, 0x1000, &ctl, 4);
    g_assert_cmphex(GUINT32_FROM_BE(ctl), ==, 1);
}

int main(int argc, char **argv)
{
    ISABus *bus;
    DeviceState *dev;

    g_test_init(&argc, &argv, NULL);
    memory_system_init();
    bql_lock();
    memory_region_init_ram(&ram, NULL, "ram", 1 * MiB, NULL);
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    bus = isa_bus_new(NULL, get_system_io());
    dev = qdev_new(TYPE_FW_CFG_IO);
    g_assert_true(qdev_realize_and_unref(dev, BUS(bus), NULL));
    fw = fw_cfg_find();
    g_assert_nonnull(fw);

    g_test_add_func("/hw/fw_cfg/signature-id", test_signature_id);
    g_test_add_func("/hw/fw_cfg/items", test_items);
    g_test_add_func("/hw/fw_cfg/files", test_files);
    g_test_add_func("/hw/fw_cfg/dma", test_dma);
    return g_test_run();
}
