/*
 * ich9-ahci driven from the test as an AHCI driver would (AHCI 1.3.1):
 * the PCI identity and capabilities, the index/data pair, port start,
 * IDENTIFY by PIO (PIO Setup and D2H FISes, PRDBC), READ/WRITE DMA EXT
 * over a two-entry PRDT against a raw image, NCQ with two tags in flight
 * (SACT, Set Device Bits FIS), DSM TRIM, MSI; and a guest's mistakes: a PRDT
 * pointing outside RAM, a command issued with ST=0, a bad command FIS
 * length (each a task-file error, the device usable again after ST is
 * cycled), COMRESET and HBA reset.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qapi/error.h"
#include "exec/memory.h"
#include "hw/pci/pci.h"
#include "hw/pci-host/i440fx.h"
#include "hw/isa/piix.h"
#include "block/block.h"
#include "block/blockdev.h"
#include "hw/block/ahci.h"

#define CFG_ENABLE  0x80000000u
#define RAM_SIZE    (16 * MiB)
#define AHCI_DEVFN  PCI_DEVFN(4, 0)
#define ABAR        0xfe000000ULL
#define IDP_IO      0xc000
#define BAD_ADDR    0xf0000000ULL      /* not RAM, not a device */

/* Guest structures of port 0 */
#define CLB         0x10000
#define FB          0x11000
#define CTBA(slot)  (0x12000 + (slot) * 0x100)
#define BUF         0x20000
#define BUF2        0x40000

/* Registers */
#define CAP 0x00
#define GHC 0x04
#define IS  0x08
#define PI  0x0c
#define VS  0x10
#define P0  0x100
#define PX_CLB  0x00
#define PX_FB   0x08
#define PX_IS   0x10
#define PX_IE   0x14
#define PX_CMD  0x18
#define PX_TFD  0x20
#define PX_SIG  0x24
#define PX_SSTS 0x28
#define PX_SCTL 0x2c
#define PX_SACT 0x34
#define PX_CI   0x38

#define IS_DHRS (1u << 0)
#define IS_PSS  (1u << 1)
#define IS_SDBS (1u << 3)
#define IS_TFES (1u << 30)

static PCIBus *bus;
static MemoryRegion ram;
static uint8_t *ramp;
static BlockDriverState *disk;
static char *image;
static int msi_count;

static void record_msi(uint64_t addr, uint32_t data)
{
    msi_count++;
}

static uint32_t cfg_rd(uint8_t reg, int len)
{
    cpu_outl(0xcf8, CFG_ENABLE | AHCI_DEVFN << 8 | (reg & 0xfc));
    return len == 1 ? cpu_inb(0xcfc + (reg & 3)) :
           len == 2 ? cpu_inw(0xcfc + (reg & 2)) : cpu_inl(0xcfc);
}

static void cfg_wr(uint8_t reg, uint32_t val, int len)
{
    cpu_outl(0xcf8, CFG_ENABLE | AHCI_DEVFN << 8 | (reg & 0xfc));
    if (len == 2) {
        cpu_outw(0xcfc + (reg & 2), val);
    } else {
        cpu_outl(0xcfc, val);
    }
}

static uint32_t rd(uint32_t off)
{
    uint64_t v = 0;

    address_space_ld(&address_space_memory, ABAR + off, 4, &v);
    return v;
}

static void wr(uint32_t off, uint32_t v)
{
    address_space_st(&address_space_memory, ABAR + off, 4, v);
}

static void st32(uint64_t a, uint32_t v)
{
    memcpy(ramp + a, &v, 4);
}

static uint32_t ld32(uint64_t a)
{
    uint32_t v;

    memcpy(&v, ramp + a, 4);
    return v;
}

/*
 * Slot @slot: a command with an H2D FIS (@cmd, @lba, @count, @feature)
 * and @nprd PRD entries of @len bytes each from @addr.
 */
static void build_cmd(int slot, uint8_t cmd, uint64_t lba, uint16_t count,
                      uint16_t feature, bool write, uint64_t addr,
                      int nprd, uint32_t len, int cfl)
{
    uint8_t *f = ramp + CTBA(slot);

    memset(f, 0, 0x100);
    f[0] = 0x27;
    f[1] = 0x80;
    f[2] = cmd;
    f[3] = feature;
    f[4] = lba;
    f[5] = lba >> 8;
    f[6] = lba >> 16;
    f[7] = 0x40;
    f[8] = lba >> 24;
    f[9] = lba >> 32;
    f[10] = lba >> 40;
    f[11] = feature >> 8;
    f[12] = count;
    f[13] = count >> 8;
    for (int i = 0; i < nprd; i++) {
        uint64_t a = addr + (uint64_t)i * len;
        st32(CTBA(slot) + 0x80 + i * 16, a);
        st32(CTBA(slot) + 0x84 + i * 16, a >> 32);
        st32(CTBA(slot) + 0x8c + i * 16, len - 1);
    }
    st32(CLB + slot * 32, cfl | (write ? 1u << 6 : 0) | (nprd << 16));
    st32(CLB + slot * 32 + 4, 0xdeadbeef);     /* PRDBC: the HBA sets it */
    st32(CLB + slot * 32 + 8, CTBA(slot));
    st32(CLB + slot * 32 + 12, 0);
}

/* Let the block layer finish and its completions run. */
static void settle(void)
{
    for (int i = 0; i < 100; i++) {
        bdrv_drain_backends(disk);
        g_main_context_iteration(NULL, false);
    }
}

static void port_start(void)
{
    wr(P0 + PX_CMD, 0);
    wr(P0 + PX_CLB, CLB);
    wr(P0 + PX_FB, FB);
    wr(P0 + PX_IS, ~0u);
    wr(P0 + PX_IE, ~0u);
    wr(P0 + PX_CMD, 0x10 | 0x01);              /* FRE, ST */
}

static void test_identity(void)
{
    g_assert_cmphex(cfg_rd(PCI_VENDOR_ID, 4), ==, 0x29228086);
    g_assert_cmphex(cfg_rd(0x08, 4) >> 8, ==, 0x010601);
    g_assert_cmphex(cfg_rd(PCI_INTERRUPT_PIN, 1), ==, 1);
    /* BAR4 I/O (32 bytes), BAR5 32-bit memory */
    g_assert_cmphex(cfg_rd(PCI_BASE_ADDRESS_0 + 16, 4) & 1, ==, 1);
    g_assert_cmphex(cfg_rd(PCI_BASE_ADDRESS_0 + 20, 4), ==, ABAR);
    /* capability list: SATA at 0xa8, MSI at 0x80 */
    bool sata = false, msi = false;
    for (uint8_t c = cfg_rd(PCI_CAPABILITY_LIST, 1); c; c = cfg_rd(c + 1, 1)) {
        sata |= c == 0xa8 && cfg_rd(c, 1) == 0x12;
        msi |= c == 0x80 && cfg_rd(c, 1) == PCI_CAP_ID_MSI;
    }
    g_assert_true(sata && msi);
    g_assert_cmphex(cfg_rd(0xac, 4), ==, 0x48);  /* BAR4, offset 0x10 */

    uint32_t cap = rd(CAP);
    g_assert_cmphex(cap & 0x1f, ==, 5);            /* 6 ports */
    g_assert_cmphex((cap >> 8) & 0x1f, ==, 31);    /* 32 slots */
    g_assert_true(cap & (1u << 31));               /* 64-bit */
    g_assert_true(cap & (1u << 30));               /* NCQ */
    g_assert_cmphex(rd(PI), ==, 0x3f);
    g_assert_cmphex(rd(VS), ==, 0x10300);
    g_assert_true(rd(GHC) & (1u << 31));           /* AE */
    /* index/data pair */
    cpu_outl(IDP_IO + 0x10, VS);
    g_assert_cmphex(cpu_inl(IDP_IO + 0x14), ==, 0x10300);
    /* port 0 has the disk; port 1 nothing */
    g_assert_cmphex(rd(P0 + PX_SSTS), ==, 0x113);
    g_assert_cmphex(rd(P0 + PX_SIG), ==, 0x101);
    g_assert_cmphex(rd(P0 + 0x80 + PX_SSTS), ==, 0);
}

static void test_identify_pio(void)
{
    port_start();
    g_assert_cmphex(rd(P0 + PX_CMD) & 0xc011, ==, 0xc011);   /* CR FR */
    build_cmd(0, 0xec, 0, 0, 0, false, BUF, 1, 512, 5);
    memset(ramp + BUF, 0, 512);
    wr(P0 + PX_CI, 1);
    g_assert_cmphex(rd(P0 + PX_CI), ==, 0);
    g_assert_cmphex(rd(P0 + PX_IS) & (IS_DHRS | IS_TFES), ==, IS_DHRS);
    g_assert_cmphex(rd(P0 + PX_TFD), ==, 0x50);
    g_assert_cmphex(ld32(CLB + 4), ==, 512);               /* PRDBC */
    g_assert_cmphex(ramp[FB + 0x20], ==, 0x5f);            /* PIO setup */
    g_assert_cmphex(ramp[FB + 0x40], ==, 0x34);            /* D2H */
    g_assert_cmphex(ramp[FB + 0x42], ==, 0x50);
    uint16_t w76 = ramp[BUF + 152] | ramp[BUF + 153] << 8;
    g_assert_true(w76 & (1 << 8));                         /* NCQ */
    g_assert_cmphex(ramp[BUF + 150], ==, 31);              /* depth - 1 */
    /* LBA48 capacity: 4 MiB */
    g_assert_cmphex(ld32(BUF + 200), ==, 8192);
}

static void test_dma(void)
{
    port_start();
    for (int i = 0; i < 4096; i++) {
        ramp[BUF + i] = i * 7 + 3;
    }
    /* WRITE DMA EXT, 8 sectors at LBA 16, two PRD entries */
    build_cmd(1, 0x35, 16, 8, 0, true, BUF, 2, 2048, 5);
    wr(P0 + PX_CI, 2);
    settle();
    g_assert_cmphex(rd(P0 + PX_CI), ==, 0);
    g_assert_cmphex(rd(P0 + PX_TFD), ==, 0x50);
    g_assert_cmphex(ld32(CLB + 32 + 4), ==, 4096);
    /* FLUSH CACHE EXT, then the image holds the data */
    build_cmd(2, 0xea, 0, 0, 0, false, 0, 0, 0, 5);
    wr(P0 + PX_CI, 4);
    settle();
    g_assert_cmphex(rd(P0 + PX_CI), ==, 0);
    g_autofree char *data = NULL;
    gsize size;
    g_assert_true(g_file_get_contents(image, &data, &size, NULL));
    g_assert_cmpmem(data + 16 * 512, 4096, ramp + BUF, 4096);
    /* READ DMA EXT back, four PRD entries */
    memset(ramp + BUF2, 0, 4096);
    build_cmd(3, 0x25, 16, 8, 0, false, BUF2, 4, 1024, 5);
    wr(P0 + PX_IS, ~0u);
    wr(P0 + PX_CI, 8);
    settle();
    g_assert_cmphex(rd(P0 + PX_CI), ==, 0);
    g_assert_cmphex(rd(P0 + PX_IS) & (IS_DHRS | IS_TFES), ==, IS_DHRS);
    g_assert_cmpmem(ramp + BUF2, 4096, ramp + BUF, 4096);
}

static void test_ncq(void)
{
    port_start();
    for (int i = 0; i < 8192; i++) {
        ramp[BUF + i] = i * 13 + 1;
    }
    /* WRITE FPDMA QUEUED: tag 2 at LBA 100, tag 5 at LBA 108, 8 each */
    build_cmd(2, 0x61, 100, 2 << 3, 8, true, BUF, 1, 4096, 5);
    build_cmd(5, 0x61, 108, 5 << 3, 8, true, BUF + 4096, 1, 4096, 5);
    wr(P0 + PX_SACT, 0x24);
    wr(P0 + PX_CI, 0x24);
    settle();
    g_assert_cmphex(rd(P0 + PX_SACT), ==, 0);
    g_assert_cmphex(rd(P0 + PX_CI), ==, 0);
    g_assert_true(rd(P0 + PX_IS) & IS_SDBS);
    g_assert_cmphex(ramp[FB + 0x58], ==, 0xa1);            /* SDB FIS */
    /* READ FPDMA QUEUED of both ranges at once into BUF2 */
    memset(ramp + BUF2, 0, 8192);
    build_cmd(7, 0x60, 100, 7 << 3, 16, false, BUF2, 2, 4096, 5);
    wr(P0 + PX_SACT, 0x80);
    wr(P0 + PX_CI, 0x80);
    settle();
    g_assert_cmphex(rd(P0 + PX_SACT), ==, 0);
    g_assert_cmpmem(ramp + BUF2, 8192, ramp + BUF, 8192);
    /* a queued command whose tag is not in SACT is refused */
    build_cmd(3, 0x60, 100, 3 << 3, 1, false, BUF2, 1, 512, 5);
    wr(P0 + PX_IS, ~0u);
    wr(P0 + PX_CI, 8);
    settle();
    g_assert_true(rd(P0 + PX_IS) & IS_TFES);
}

static void test_trim(void)
{
    port_start();
    memset(ramp + BUF, 0xa5, 4096);
    build_cmd(1, 0x35, 32, 8, 0, true, BUF, 1, 4096, 5);
    wr(P0 + PX_CI, 2);
    settle();
    g_assert_cmphex(rd(P0 + PX_CI), ==, 0);
    /* IDENTIFY offers TRIM (word 169) with one block of ranges (105) */
    build_cmd(0, 0xec, 0, 0, 0, false, BUF2, 1, 512, 5);
    wr(P0 + PX_CI, 1);
    g_assert_cmphex(ramp[BUF2 + 338] & 1, ==, 1);
    g_assert_cmphex(ramp[BUF2 + 210], ==, 1);
    /* DATA SET MANAGEMENT, TRIM: LBA 34 + 4 sectors (an empty entry too) */
    memset(ramp + BUF, 0, 512);
    uint64_t range = 34 | (4ull << 48);
    memcpy(ramp + BUF + 8, &range, 8);
    build_cmd(2, 0x06, 0, 1, 1, true, BUF, 1, 512, 5);
    wr(P0 + PX_IS, ~0u);
    wr(P0 + PX_CI, 4);
    settle();
    g_assert_cmphex(rd(P0 + PX_CI), ==, 0);
    g_assert_cmphex(rd(P0 + PX_IS) & (IS_DHRS | IS_TFES), ==, IS_DHRS);
    g_autofree char *data = NULL;
    gsize size;
    g_assert_true(g_file_get_contents(image, &data, &size, NULL));
    for (int i = 0; i < 4096; i++) {
        uint8_t want = i >= 1024 && i < 3072 ? 0 : 0xa5;
        g_assert_cmphex((uint8_t)data[32 * 512 + i], ==, want);
    }
    /* a range past the end of the disk is an error */
    range = 8190 | (8ull << 48);
    memcpy(ramp + BUF, &range, 8);
    build_cmd(2, 0x06, 0, 1, 1, true, BUF, 1, 512, 5);
    wr(P0 + PX_CI, 4);
    settle();
    g_assert_true(rd(P0 + PX_IS) & IS_TFES);
    wr(P0 + PX_CMD, 0x10);
}

/* A task-file error: ERR in TFD, TFES, the slot still in CI. */
static void expect_tf_error(uint32_t ci)
{
    g_assert_true(rd(P0 + PX_IS) & IS_TFES);
    g_assert_true(rd(P0 + PX_TFD) & 0x01);
    g_assert_cmphex(rd(P0 + PX_CI), ==, ci);
}

/* After an error the HBA waits for ST to be cycled, then works again. */
static void expect_recovery(void)
{
    wr(P0 + PX_CMD, 0x10);
    g_assert_cmphex(rd(P0 + PX_CI), ==, 0);
    g_assert_cmphex(rd(P0 + PX_CMD) & 0x8000, ==, 0);      /* CR clear */
    port_start();
    build_cmd(0, 0x25, 0, 1, 0, false, BUF2, 1, 512, 5);
    wr(P0 + PX_CI, 1);
    settle();
    g_assert_cmphex(rd(P0 + PX_CI), ==, 0);
    g_assert_cmphex(rd(P0 + PX_TFD), ==, 0x50);
}

static void test_bad_prdt(void)
{
    port_start();
    /* READ DMA EXT into an address that is not RAM */
    build_cmd(4, 0x25, 0, 8, 0, false, BAD_ADDR, 1, 4096, 5);
    wr(P0 + PX_CI, 0x10);
    settle();
    expect_tf_error(0x10);
    expect_recovery();
    /* a PRDT shorter than the transfer */
    build_cmd(4, 0x25, 0, 8, 0, false, BUF2, 1, 512, 5);
    wr(P0 + PX_CI, 0x10);
    settle();
    expect_tf_error(0x10);
    expect_recovery();
    /* a command table outside RAM */
    build_cmd(4, 0x25, 0, 8, 0, false, BUF2, 1, 4096, 5);
    st32(CLB + 4 * 32 + 8, BAD_ADDR);
    wr(P0 + PX_CI, 0x10);
    expect_tf_error(0x10);
    expect_recovery();
    /* a command FIS length of 0 dwords */
    build_cmd(4, 0x25, 0, 8, 0, false, BUF2, 1, 4096, 0);
    wr(P0 + PX_CI, 0x10);
    expect_tf_error(0x10);
    expect_recovery();
    /* a sector range past the end of the disk */
    build_cmd(4, 0x25, 8190, 8, 0, false, BUF2, 1, 4096, 5);
    wr(P0 + PX_CI, 0x10);
    settle();
    expect_tf_error(0x10);
    expect_recovery();
}

static void test_ci_without_st(void)
{
    port_start();
    wr(P0 + PX_CMD, 0x10);                     /* FRE only */
    wr(P0 + PX_IS, ~0u);
    build_cmd(0, 0x25, 0, 1, 0, false, BUF2, 1, 512, 5);
    wr(P0 + PX_CI, 1);
    expect_tf_error(0);
    expect_recovery();
}

static void test_msi(void)
{
    cfg_wr(0x84, 0xfee00000, 4);               /* MSI address */
    cfg_wr(0x8c, 0x41, 2);                     /* data (64-bit layout) */
    cfg_wr(0x82, 1, 2);                        /* enable */
    port_start();
    wr(GHC, rd(GHC) | 2);                      /* IE */
    int before = msi_count;
    build_cmd(0, 0x25, 0, 1, 0, false, BUF2, 1, 512, 5);
    wr(P0 + PX_CI, 1);
    settle();
    g_assert_cmpint(msi_count, >, before);
    g_assert_true(rd(IS) & 1);
    wr(P0 + PX_IS, ~0u);
    wr(IS, 1);
    g_assert_cmphex(rd(IS), ==, 0);
    cfg_wr(0x82, 0, 2);
}

static void test_resets(void)
{
    port_start();
    /* COMRESET: link down while DET=1, up with the signature after */
    wr(P0 + PX_SCTL, 1);
    g_assert_cmphex(rd(P0 + PX_SSTS), ==, 0);
    wr(P0 + PX_SCTL, 0);
    g_assert_cmphex(rd(P0 + PX_SSTS), ==, 0x113);
    g_assert_cmphex(rd(P0 + PX_SIG), ==, 0x101);
    g_assert_cmphex(rd(P0 + PX_TFD) & 0xff, ==, 0x50);
    /* HBA reset: registers back to their defaults, HR clear at once */
    wr(GHC, 1);
    g_assert_cmphex(rd(GHC), ==, 1u << 31);
    g_assert_cmphex(rd(P0 + PX_CLB), ==, 0);
    g_assert_cmphex(rd(P0 + PX_CMD) & 0x11, ==, 0);
    g_assert_cmphex(rd(P0 + PX_SSTS), ==, 0x113);
}

/*
 * The board API: an on-board controller at 00:1f.2 with buses ide.0-5
 * takes the if=ide drives, -hda on port 0 and -cdrom (index 2) on port 2.
 */
static void test_board_api(void)
{
    Error *err = NULL;
    g_autofree char *hda = NULL;
    int fd = g_file_open_tmp("ahci-hda-XXXXXX.raw", &hda, NULL);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ftruncate(fd, MiB), ==, 0);
    close(fd);
    g_assert_nonnull(drive_new_legacy(hda, 0, false, false, &error_abort));
    g_assert_nonnull(drive_new_legacy(NULL, 2, true, false, &error_abort));
    PCIDevice *d = ich9_ahci_init(bus, PCI_DEVFN(0x1f, 2), "ide",
                                  &error_abort);
    g_assert_nonnull(d);
    g_assert_cmpint(d->devfn, ==, PCI_DEVFN(0x1f, 2));
    for (int i = 0; i < 6; i++) {
        g_autofree char *name = g_strdup_printf("ide.%d", i);
        BusState *b = qbus_find_by_name(name);
        g_assert_nonnull(b);
        g_assert_true(b->parent == DEVICE(d));
        int n = b->num_children;
        for (GList *l = b->children; l; l = l->next) {
            g_assert_cmpstr(object_get_typename(OBJECT(l->data)), ==,
                            i == 0 ? "ide-hd" : "ide-cd");
        }
        g_assert_cmpint(n, ==, i == 0 || i == 2);
    }
    /* one unit per bus */
    BusState *b1 = qbus_find_by_name("ide.1");
    g_assert_true(qdev_realize_and_unref(qdev_new("ide-cd"), b1,
                                         &error_abort));
    DeviceState *cd = qdev_new("ide-cd");
    g_assert_false(qdev_realize_and_unref(cd, b1, &err));
    object_unparent(OBJECT(cd));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Can't create IDE unit 1, bus supports only 1 units");
    error_free(err);
    unlink(hda);
}

int main(int argc, char **argv)
{
    DeviceState *dev;
    int fd;

    g_test_init(&argc, &argv, NULL);
    memory_system_init();
    bql_lock();
    g_assert_true(memory_region_init_ram(&ram, NULL, "ram", RAM_SIZE,
                                         &error_abort));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    ramp = memory_region_get_ram_ptr(&ram);
    bus = i440fx_init(get_system_memory(), get_system_io(), &error_abort);
    bus->msi_trigger = record_msi;
    g_assert_nonnull(piix3_init(bus, get_system_io(), &error_abort));

    fd = g_file_open_tmp("ahci-XXXXXX.raw", &image, NULL);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ftruncate(fd, 4 * MiB), ==, 0);
    close(fd);
    g_autofree char *opts = g_strdup_printf(
        "driver=raw,node-name=disk0,file.driver=file,file.filename=%s",
        image);
    disk = blockdev_add_str(opts, &error_abort);

    dev = qdev_new("ich9-ahci");
    PCI_DEVICE(dev)->devfn = AHCI_DEVFN;
    g_assert_true(qdev_set_id(dev, "ahci0", &error_abort));
    g_assert_true(qdev_realize_and_unref(dev, BUS(bus), &error_abort));
    DeviceState *hd = qdev_new("ide-hd");
    g_assert_true(object_property_set_str(OBJECT(hd), "drive", "disk0",
                                          &error_abort));
    g_assert_true(qdev_realize_and_unref(hd, qbus_find_by_name("ahci0.0"),
                                         &error_abort));
    device_cold_reset(dev);

    cfg_wr(PCI_BASE_ADDRESS_0 + 16, IDP_IO, 4);
    cfg_wr(PCI_BASE_ADDRESS_0 + 20, ABAR, 4);
    cfg_wr(PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
           PCI_COMMAND_MASTER, 2);

    g_test_add_func("/ahci/identity", test_identity);
    g_test_add_func("/ahci/identify-pio", test_identify_pio);
    g_test_add_func("/ahci/dma", test_dma);
    g_test_add_func("/ahci/ncq", test_ncq);
    g_test_add_func("/ahci/trim", test_trim);
    g_test_add_func("/ahci/bad-prdt", test_bad_prdt);
    g_test_add_func("/ahci/ci-without-st", test_ci_without_st);
    g_test_add_func("/ahci/msi", test_msi);
    g_test_add_func("/ahci/resets", test_resets);
    g_test_add_func("/ahci/board-api", test_board_api);
    int ret = g_test_run();
    unlink(image);
    return ret;
}
