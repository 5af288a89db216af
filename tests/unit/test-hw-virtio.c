/*
 * virtio over PCI driven from the test as a driver would (virtio 1.2
 * sections 3.1, 4.1): the modern capabilities and common configuration,
 * feature negotiation, a split ring in guest RAM with direct, chained and
 * indirect descriptors, used-ring updates, MSI-X and INTx notifications,
 * VIRTIO_F_EVENT_IDX suppression, rejection of malformed rings (device
 * broken, NEEDS_RESET, recovery by reset), and the legacy I/O interface.
 * The device is virtio-rng-pci, which fills device-writable buffers;
 * then virtio-net-pci with mq=on on a two-queue backend: the queue layout,
 * max_virtqueue_pairs, and VQ_PAIRS_SET on the control queue (good and bad
 * values, the backend's queues enabled to match, the control queue at 2
 * without VIRTIO_NET_F_MQ).
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qapi/error.h"
#include "exec/memory.h"
#include "hw/pci/pci.h"
#include "hw/pci-host/i440fx.h"
#include "hw/isa/piix.h"
#include "hw/virtio/virtio.h"
#include "net/net.h"

#define CFG_ENABLE      0x80000000u
#define RAM_SIZE        (16 * MiB)
#define MODERN_DEVFN    PCI_DEVFN(3, 0)
#define LEGACY_DEVFN    PCI_DEVFN(4, 0)
#define NET_DEVFN       PCI_DEVFN(5, 0)
#define BAR4_ADDR       0xfe000000ULL
#define MSIX_ADDR       0xfe100000ULL
#define LEGACY_IO       0xc000

/* Ring memory: queue size 8 */
#define QSIZE           8
#define DESC            0x10000
#define AVAIL           0x11000
#define USED            0x12000
#define BUF             0x20000
#define INDIRECT_TABLE  0x30000

static PCIBus *bus;
static MemoryRegion ram;
static uint8_t *ramp;
static uint16_t avail_idx;
static int msi_count;
static uint32_t msi_data;

/* virtio_pci_cap offsets found by walking the capability list */
static uint32_t common_off, notify_off, isr_off, notify_mult, device_off;

/* DMA-write notifications (what a translator uses to drop code) */
static hwaddr dma_addr[8], dma_len[8];
static int dma_count;

static void record_dma(MemoryListener *l, hwaddr addr, hwaddr len)
{
    if (dma_count < 8) {
        dma_addr[dma_count] = addr;
        dma_len[dma_count] = len;
    }
    dma_count++;
}

static MemoryListener dma_listener = {
    .dma_write = record_dma,
    .name = "test-dma",
};

static void record_msi(uint64_t addr, uint32_t data)
{
    msi_count++;
    msi_data = data;
}

static uint32_t cfg_rd(uint8_t devfn, uint8_t reg, int len)
{
    cpu_outl(0xcf8, CFG_ENABLE | devfn << 8 | (reg & 0xfc));
    return len == 1 ? cpu_inb(0xcfc + (reg & 3)) :
           len == 2 ? cpu_inw(0xcfc + (reg & 2)) : cpu_inl(0xcfc);
}

static void cfg_wr(uint8_t devfn, uint8_t reg, uint32_t val, int len)
{
    cpu_outl(0xcf8, CFG_ENABLE | devfn << 8 | (reg & 0xfc));
    if (len == 1) {
        cpu_outb(0xcfc + (reg & 3), val);
    } else if (len == 2) {
        cpu_outw(0xcfc + (reg & 2), val);
    } else {
        cpu_outl(0xcfc, val);
    }
}

static uint64_t mrd(hwaddr a, unsigned size)
{
    uint64_t v = 0;

    address_space_ld(&address_space_memory, a, size, &v);
    return v;
}

static void mwr(hwaddr a, unsigned size, uint64_t v)
{
    address_space_st(&address_space_memory, a, size, v);
}

/* Guest RAM, little-endian */
static void w16(hwaddr a, uint16_t v) { ramp[a] = v; ramp[a + 1] = v >> 8; }
static void w32(hwaddr a, uint32_t v) { w16(a, v); w16(a + 2, v >> 16); }
static void w64(hwaddr a, uint64_t v) { w32(a, v); w32(a + 4, v >> 32); }
static uint16_t r16(hwaddr a) { return ramp[a] | ramp[a + 1] << 8; }
static uint32_t r32(hwaddr a) { return r16(a) | (uint32_t)r16(a + 2) << 16; }

static void set_desc(hwaddr table, int i, uint64_t addr, uint32_t len,
                     uint16_t flags, uint16_t next)
{
    hwaddr d = table + 16 * i;

    w64(d, addr);
    w32(d + 8, len);
    w16(d + 12, flags);
    w16(d + 14, next);
}

static void make_avail(uint16_t head)
{
    w16(AVAIL + 4 + 2 * (avail_idx % QSIZE), head);
    avail_idx++;
    w16(AVAIL + 2, avail_idx);
}

/* ---- modern register helpers ---- */

#define COMMON(off) (BAR4_ADDR + common_off + (off))

static void kick(int queue)
{
    mwr(BAR4_ADDR + notify_off + queue * notify_mult, 2, queue);
}

static void find_caps(uint8_t devfn)
{
    uint8_t p = cfg_rd(devfn, PCI_CAPABILITY_LIST, 1);
    int n = 0;

    common_off = notify_off = isr_off = ~0u;
    for (; p && n < 16; p = cfg_rd(devfn, p + 1, 1), n++) {
        uint8_t type;

        if (cfg_rd(devfn, p, 1) != PCI_CAP_ID_VNDR) {
            continue;
        }
        type = cfg_rd(devfn, p + 3, 1);
        g_assert_cmpint(cfg_rd(devfn, p + 4, 1), ==, 4);   /* BAR4 */
        if (type == 1) {
            common_off = cfg_rd(devfn, p + 8, 4);
        } else if (type == 2) {
            notify_off = cfg_rd(devfn, p + 8, 4);
            notify_mult = cfg_rd(devfn, p + 16, 4);
        } else if (type == 3) {
            isr_off = cfg_rd(devfn, p + 8, 4);
        } else if (type == 4) {
            device_off = cfg_rd(devfn, p + 8, 4);
        }
    }
    g_assert_cmphex(common_off, !=, ~0u);
    g_assert_cmphex(notify_off, !=, ~0u);
    g_assert_cmphex(isr_off, !=, ~0u);
}

/*
 * Driver initialization (3.1.1) up to DRIVER_OK: features @want (low word)
 * and VERSION_1, @num_queues queues of which queue @q is made live.
 */
static void driver_setup(uint32_t want, int num_queues, int q)
{
    uint64_t f;

    memset(ramp + DESC, 0, 0x3000);
    avail_idx = 0;
    mwr(COMMON(0x14), 1, 0);                    /* reset */
    g_assert_cmpint(mrd(COMMON(0x14), 1), ==, 0);
    mwr(COMMON(0x14), 1, VIRTIO_CONFIG_S_ACKNOWLEDGE);
    mwr(COMMON(0x14), 1, VIRTIO_CONFIG_S_ACKNOWLEDGE |
        VIRTIO_CONFIG_S_DRIVER);
    mwr(COMMON(0x00), 4, 0);
    f = mrd(COMMON(0x04), 4);
    mwr(COMMON(0x00), 4, 1);
    f |= mrd(COMMON(0x04), 4) << 32;
    g_assert_true(f & (1ULL << VIRTIO_F_VERSION_1));
    g_assert_true(f & (1ULL << VIRTIO_RING_F_INDIRECT_DESC));
    g_assert_true(f & (1ULL << VIRTIO_RING_F_EVENT_IDX));
    g_assert_cmphex(f & want, ==, want);
    mwr(COMMON(0x08), 4, 0);
    mwr(COMMON(0x0c), 4, want);
    mwr(COMMON(0x08), 4, 1);
    mwr(COMMON(0x0c), 4, 1);                    /* VERSION_1 */
    mwr(COMMON(0x14), 1, 0x0b);                 /* + FEATURES_OK */
    g_assert_cmphex(mrd(COMMON(0x14), 1), ==, 0x0b);
    g_assert_cmpint(mrd(COMMON(0x12), 2), ==, num_queues);
    mwr(COMMON(0x16), 2, q);
    mwr(COMMON(0x18), 2, QSIZE);
    g_assert_cmpint(mrd(COMMON(0x18), 2), ==, QSIZE);
    g_assert_cmpint(mrd(COMMON(0x1e), 2), ==, q);
    mwr(COMMON(0x20), 4, DESC);
    mwr(COMMON(0x24), 4, 0);
    mwr(COMMON(0x28), 4, AVAIL);
    mwr(COMMON(0x2c), 4, 0);
    mwr(COMMON(0x30), 4, USED);
    mwr(COMMON(0x34), 4, 0);
    mwr(COMMON(0x10), 2, 1);                    /* config vector 1 */
    mwr(COMMON(0x1a), 2, 0);                    /* queue vector 0 */
    g_assert_cmpint(mrd(COMMON(0x1a), 2), ==, 0);
    mwr(COMMON(0x1c), 2, 1);
    g_assert_cmpint(mrd(COMMON(0x1c), 2), ==, 1);
    mwr(COMMON(0x14), 1, 0x0f);                 /* DRIVER_OK */
}

/* virtio-rng-pci: queue 0 live. */
static void modern_setup(bool event_idx)
{
    driver_setup(1u << VIRTIO_RING_F_INDIRECT_DESC |
                 (event_idx ? 1u << VIRTIO_RING_F_EVENT_IDX : 0), 1, 0);
}

static void setup_pci(uint8_t devfn)
{
    cfg_wr(devfn, PCI_BASE_ADDRESS_0 + 16, BAR4_ADDR, 4);
    cfg_wr(devfn, PCI_BASE_ADDRESS_0 + 20, 0, 4);
    cfg_wr(devfn, PCI_BASE_ADDRESS_0 + 4, MSIX_ADDR, 4);
    cfg_wr(devfn, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
}

/* ---- tests ---- */

static void test_identity(void)
{
    g_assert_cmphex(cfg_rd(MODERN_DEVFN, PCI_VENDOR_ID, 4), ==, 0x10051af4);
    g_assert_cmphex(cfg_rd(MODERN_DEVFN, PCI_SUBSYSTEM_ID, 2), ==, 4);
    g_assert_cmphex(cfg_rd(MODERN_DEVFN, PCI_REVISION_ID, 1), ==, 0);
    g_assert_cmphex(cfg_rd(MODERN_DEVFN, PCI_INTERRUPT_PIN, 1), ==, 1);
    /* BAR0 legacy I/O (32 bytes), BAR1 MSI-X, BAR4 64-bit prefetchable */
    g_assert_cmphex(cfg_rd(MODERN_DEVFN, PCI_BASE_ADDRESS_0, 4), ==, 1);
    g_assert_cmphex(cfg_rd(MODERN_DEVFN, PCI_BASE_ADDRESS_0 + 16, 4), ==,
                    0x0c);
    /* disable-modern: legacy only */
    g_assert_cmphex(cfg_rd(LEGACY_DEVFN, PCI_BASE_ADDRESS_0 + 16, 4), ==, 0);
    g_assert_cmphex(cfg_rd(LEGACY_DEVFN, PCI_DEVICE_ID, 2), ==, 0x1005);
    find_caps(MODERN_DEVFN);
    g_assert_cmphex(notify_mult, ==, 4);
}

static void test_ring_direct_and_chain(void)
{
    setup_pci(MODERN_DEVFN);
    modern_setup(false);

    memset(ramp + BUF, 0, 0x200);
    set_desc(DESC, 0, BUF, 64, VRING_DESC_F_WRITE, 0);
    make_avail(0);
    kick(0);
    g_assert_cmpint(r16(USED + 2), ==, 1);
    g_assert_cmpint(r32(USED + 4), ==, 0);      /* id */
    g_assert_cmpint(r32(USED + 8), ==, 64);     /* len */
    g_assert_cmpint(memcmp(ramp + BUF, ramp + BUF + 0x100, 64), !=, 0);

    /* a chain of two writable buffers; listeners learn what was written */
    dma_count = 0;
    set_desc(DESC, 1, BUF + 0x100, 16, VRING_DESC_F_WRITE |
             VRING_DESC_F_NEXT, 2);
    set_desc(DESC, 2, BUF + 0x180, 8, VRING_DESC_F_WRITE, 0);
    make_avail(1);
    kick(0);
    g_assert_cmpint(r16(USED + 2), ==, 2);
    g_assert_cmpint(r32(USED + 4 + 8), ==, 1);
    g_assert_cmpint(r32(USED + 8 + 8), ==, 24);
    g_assert_cmpint(dma_count, ==, 2);
    g_assert_cmphex(dma_addr[0], ==, BUF + 0x100);
    g_assert_cmpint(dma_len[0], ==, 16);
    g_assert_cmphex(dma_addr[1], ==, BUF + 0x180);
    g_assert_cmpint(dma_len[1], ==, 8);
}

static void test_indirect(void)
{
    modern_setup(false);
    set_desc(INDIRECT_TABLE, 0, BUF, 32, VRING_DESC_F_WRITE |
             VRING_DESC_F_NEXT, 1);
    set_desc(INDIRECT_TABLE, 1, BUF + 0x40, 32, VRING_DESC_F_WRITE, 0);
    set_desc(DESC, 3, INDIRECT_TABLE, 32, VRING_DESC_F_INDIRECT, 0);
    make_avail(3);
    kick(0);
    g_assert_cmpint(r16(USED + 2), ==, 1);
    g_assert_cmpint(r32(USED + 4), ==, 3);
    g_assert_cmpint(r32(USED + 8), ==, 64);
}

static void test_msix_notify(void)
{
    modern_setup(false);
    /* MSI-X entry 0: address and data, unmasked; MSI-X on */
    mwr(MSIX_ADDR + 0, 4, 0xfee00000);
    mwr(MSIX_ADDR + 4, 4, 0);
    mwr(MSIX_ADDR + 8, 4, 0x4055);
    mwr(MSIX_ADDR + 12, 4, 0);
    cfg_wr(MODERN_DEVFN, pci_find_capability(bus->devices[MODERN_DEVFN],
                                             PCI_CAP_ID_MSIX) + 3, 0x80, 1);
    msi_count = 0;
    set_desc(DESC, 0, BUF, 8, VRING_DESC_F_WRITE, 0);
    make_avail(0);
    kick(0);
    g_assert_cmpint(msi_count, ==, 1);
    g_assert_cmphex(msi_data, ==, 0x4055);
    /* the driver asks for no interrupts */
    w16(AVAIL, VRING_AVAIL_F_NO_INTERRUPT);
    set_desc(DESC, 1, BUF, 8, VRING_DESC_F_WRITE, 0);
    make_avail(1);
    kick(0);
    g_assert_cmpint(r16(USED + 2), ==, 2);
    g_assert_cmpint(msi_count, ==, 1);
    w16(AVAIL, 0);
    cfg_wr(MODERN_DEVFN, pci_find_capability(bus->devices[MODERN_DEVFN],
                                             PCI_CAP_ID_MSIX) + 3, 0, 1);
}

static void test_event_idx(void)
{
    int base;

    modern_setup(true);
    mwr(MSIX_ADDR + 0, 4, 0xfee00000);
    mwr(MSIX_ADDR + 8, 4, 0x4066);
    mwr(MSIX_ADDR + 12, 4, 0);
    cfg_wr(MODERN_DEVFN, pci_find_capability(bus->devices[MODERN_DEVFN],
                                             PCI_CAP_ID_MSIX) + 3, 0x80, 1);
    base = msi_count;
    /* the first used buffer after a reset always interrupts */
    set_desc(DESC, 0, BUF, 8, VRING_DESC_F_WRITE, 0);
    make_avail(0);
    kick(0);
    g_assert_cmpint(r16(USED + 2), ==, 1);
    g_assert_cmpint(msi_count, ==, base + 1);
    /* the device published avail_event after popping */
    g_assert_cmpint(r16(USED + 4 + 8 * QSIZE), ==, 1);
    /* used_event = 2: the driver wants an interrupt after entry 2 only */
    w16(AVAIL + 4 + 2 * QSIZE, 2);
    set_desc(DESC, 1, BUF, 8, VRING_DESC_F_WRITE, 0);
    make_avail(1);
    kick(0);
    g_assert_cmpint(r16(USED + 2), ==, 2);
    g_assert_cmpint(msi_count, ==, base + 1);
    set_desc(DESC, 2, BUF, 8, VRING_DESC_F_WRITE, 0);
    make_avail(2);
    kick(0);
    g_assert_cmpint(r16(USED + 2), ==, 3);
    g_assert_cmpint(msi_count, ==, base + 2);
    cfg_wr(MODERN_DEVFN, pci_find_capability(bus->devices[MODERN_DEVFN],
                                             PCI_CAP_ID_MSIX) + 3, 0, 1);
}

/* A malformed ring breaks the device until the driver resets it. */
static void expect_broken(void)
{
    g_assert_cmpint(r16(USED + 2), ==, 0);
    g_assert_cmphex(mrd(COMMON(0x14), 1) & VIRTIO_CONFIG_S_NEEDS_RESET, !=,
                    0);
}

static void test_bad_rings(void)
{
    /* head index beyond the queue */
    modern_setup(false);
    make_avail(QSIZE);
    kick(0);
    expect_broken();
    /* a descriptor loop */
    modern_setup(false);
    set_desc(DESC, 0, BUF, 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
    set_desc(DESC, 1, BUF, 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 0);
    make_avail(0);
    kick(0);
    expect_broken();
    /* a buffer outside guest RAM */
    modern_setup(false);
    set_desc(DESC, 0, 0xf0000000, 8, VRING_DESC_F_WRITE, 0);
    make_avail(0);
    kick(0);
    expect_broken();
    /* a readable buffer after a writable one */
    modern_setup(false);
    set_desc(DESC, 0, BUF, 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
    set_desc(DESC, 1, BUF, 8, 0, 0);
    make_avail(0);
    kick(0);
    expect_broken();
    /* nested indirect table */
    modern_setup(false);
    set_desc(INDIRECT_TABLE, 0, INDIRECT_TABLE, 16, VRING_DESC_F_INDIRECT, 0);
    set_desc(DESC, 0, INDIRECT_TABLE, 16, VRING_DESC_F_INDIRECT, 0);
    make_avail(0);
    kick(0);
    expect_broken();
    /* the avail index jumping by more than the queue size */
    modern_setup(false);
    w16(AVAIL + 2, QSIZE + 1);
    kick(0);
    expect_broken();
    /* after a reset the device works again */
    modern_setup(false);
    set_desc(DESC, 0, BUF, 8, VRING_DESC_F_WRITE, 0);
    make_avail(0);
    kick(0);
    g_assert_cmpint(r16(USED + 2), ==, 1);
}

static void test_intx_isr(void)
{
    PCIDevice *d = bus->devices[MODERN_DEVFN];

    /* MSI-X off: the queue interrupt is INTx, cleared by reading the ISR */
    modern_setup(false);
    set_desc(DESC, 0, BUF, 8, VRING_DESC_F_WRITE, 0);
    make_avail(0);
    kick(0);
    g_assert_cmpint(d->irq_state, ==, 1);
    g_assert_cmpint(mrd(BAR4_ADDR + isr_off, 1), ==, 1);
    g_assert_cmpint(d->irq_state, ==, 0);
    g_assert_cmpint(mrd(BAR4_ADDR + isr_off, 1), ==, 0);
}

static void test_legacy(void)
{
    uint8_t df = LEGACY_DEVFN;
    PCIDevice *d = bus->devices[df];
    /* legacy ring: used ring 4 KiB-aligned after desc + avail */
    hwaddr base = 0x40000, avail = base + 16 * QSIZE, used = base + 0x1000;
    uint32_t f;

    cfg_wr(df, PCI_BASE_ADDRESS_0, LEGACY_IO, 4);
    cfg_wr(df, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MASTER, 2);
    memset(ramp + base, 0, 0x2000);
    f = cpu_inl(LEGACY_IO + 0);
    g_assert_true(f & (1u << VIRTIO_RING_F_INDIRECT_DESC));
    cpu_outb(LEGACY_IO + 18, 0);
    cpu_outb(LEGACY_IO + 18, 3);
    cpu_outl(LEGACY_IO + 4, 0);
    cpu_outw(LEGACY_IO + 14, 0);
    g_assert_cmpint(cpu_inw(LEGACY_IO + 12), ==, QSIZE);
    cpu_outl(LEGACY_IO + 8, base >> 12);
    g_assert_cmphex(cpu_inl(LEGACY_IO + 8), ==, base >> 12);
    cpu_outb(LEGACY_IO + 18, 7);
    set_desc(base, 0, BUF, 16, VRING_DESC_F_WRITE, 0);
    w16(avail + 4, 0);
    w16(avail + 2, 1);
    cpu_outw(LEGACY_IO + 16, 0);
    g_assert_cmpint(r16(used + 2), ==, 1);
    g_assert_cmpint(r32(used + 8), ==, 16);
    g_assert_cmpint(d->irq_state, ==, 1);
    g_assert_cmpint(cpu_inb(LEGACY_IO + 19), ==, 1);
    g_assert_cmpint(d->irq_state, ==, 0);
    /* writing 0 to the status resets the queue */
    cpu_outb(LEGACY_IO + 18, 0);
    g_assert_cmphex(cpu_inl(LEGACY_IO + 8), ==, 0);
}

static void test_iov(void)
{
    char a[4] = "abcd", b[3] = "efg", out[8] = { 0 };
    struct iovec iov[2] = { { a, 4 }, { b, 3 } };

    g_assert_cmpint(iov_size(iov, 2), ==, 7);
    g_assert_cmpint(iov_to_buf(iov, 2, 2, out, 8), ==, 5);
    g_assert_cmpstr(out, ==, "cdefg");
    g_assert_cmpint(iov_from_buf(iov, 2, 3, "XYZ", 3), ==, 3);
    g_assert_cmpint(memcmp(a, "abcX", 4), ==, 0);
    g_assert_cmpint(memcmp(b, "YZg", 3), ==, 0);
}

/* ---- virtio-net multiqueue ---- */

#define NET_F_CTRL_VQ   17
#define NET_F_CTRL_RX   18
#define NET_F_MQ        22

static bool backend_enabled[2];

static ssize_t backend_receive(NetClientState *nc, const struct iovec *iov,
                               int iovcnt)
{
    return net_iov_size(iov, iovcnt);
}

static void backend_set_queue_enabled(NetClientState *nc, bool enable)
{
    backend_enabled[nc->queue_index] = enable;
}

static const NetClientInfo backend_info = {
    .type = NET_CLIENT_DRIVER_TAP,
    .size = sizeof(NetClientState),
    .receive_iov = backend_receive,
    .set_queue_enabled = backend_set_queue_enabled,
};

/* One control command on queue @q: class, command, @data; the ack. */
static uint8_t net_ctrl(int q, uint8_t cls, uint8_t cmd, const void *data,
                        size_t len)
{
    uint16_t used = r16(USED + 2);

    ramp[BUF] = cls;
    ramp[BUF + 1] = cmd;
    memcpy(ramp + BUF + 2, data, len);
    ramp[BUF + 0x100] = 0xee;
    set_desc(DESC, 0, BUF, 2 + len, VRING_DESC_F_NEXT, 1);
    set_desc(DESC, 1, BUF + 0x100, 1, VRING_DESC_F_WRITE, 0);
    make_avail(0);
    kick(q);
    g_assert_cmpint(r16(USED + 2), ==, used + 1);
    return ramp[BUF + 0x100];
}

static void test_net_mq(void)
{
    static const uint8_t two[2] = { 2, 0 }, one[2] = { 1, 0 };
    static const uint8_t zero[2] = { 0, 0 }, three[2] = { 3, 0 };
    static const uint8_t huge[2] = { 0x01, 0x80 }, on = 1;
    uint32_t mq = 1u << NET_F_CTRL_VQ | 1u << NET_F_MQ;

    cfg_wr(MODERN_DEVFN, PCI_COMMAND, 0, 2);    /* the rng's BAR4 off */
    setup_pci(NET_DEVFN);
    find_caps(NET_DEVFN);
    /* rx0 tx0 rx1 tx1 ctrl; max_virtqueue_pairs 2 */
    driver_setup(mq, 5, 4);
    g_assert_cmpint(mrd(BAR4_ADDR + device_off + 8, 2), ==, 2);
    /* after reset one pair is active: the backend's queue 1 detached */
    g_assert_true(backend_enabled[0]);
    g_assert_false(backend_enabled[1]);
    g_assert_cmpint(net_ctrl(4, 4, 0, two, 2), ==, 0);
    g_assert_true(backend_enabled[1]);
    g_assert_cmpint(net_ctrl(4, 4, 0, one, 2), ==, 0);
    g_assert_false(backend_enabled[1]);
    /* out of range, unknown command, too short: VIRTIO_NET_ERR */
    g_assert_cmpint(net_ctrl(4, 4, 0, zero, 2), ==, 1);
    g_assert_cmpint(net_ctrl(4, 4, 0, three, 2), ==, 1);
    g_assert_cmpint(net_ctrl(4, 4, 0, huge, 2), ==, 1);
    g_assert_cmpint(net_ctrl(4, 4, 1, two, 2), ==, 1);
    g_assert_cmpint(net_ctrl(4, 4, 0, two, 1), ==, 1);
    g_assert_false(backend_enabled[1]);
    g_assert_cmphex(mrd(COMMON(0x14), 1), ==, 0x0f);   /* not broken */
    /* without VIRTIO_NET_F_MQ the control queue is queue 2 (5.1.2) */
    driver_setup(1u << NET_F_CTRL_VQ | 1u << NET_F_CTRL_RX, 5, 2);
    g_assert_cmpint(net_ctrl(2, 4, 0, two, 2), ==, 1);
    g_assert_cmpint(net_ctrl(2, 0, 0, &on, 1), ==, 0);  /* promisc */
    g_assert_false(backend_enabled[1]);
    cfg_wr(NET_DEVFN, PCI_COMMAND, 0, 2);
}

int main(int argc, char **argv)
{
    PIIX3State *piix3;
    DeviceState *dev;

    g_test_init(&argc, &argv, NULL);
    memory_system_init();
    bql_lock();
    g_assert_true(memory_region_init_ram(&ram, NULL, "ram", RAM_SIZE,
                                         &error_abort));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    ramp = memory_region_get_ram_ptr(&ram);
    bus = i440fx_init(get_system_memory(), get_system_io(), &error_abort);
    bus->msi_trigger = record_msi;
    memory_listener_register(&dma_listener, &address_space_memory);
    piix3 = piix3_init(bus, get_system_io(), &error_abort);
    g_assert_nonnull(piix3);
    g_assert_nonnull(pci_create_simple(bus, MODERN_DEVFN, "virtio-rng-pci",
                                       &error_abort));
    dev = qdev_new("virtio-rng-pci");
    PCI_DEVICE(dev)->devfn = LEGACY_DEVFN;
    g_assert_true(object_property_set_str(OBJECT(dev), "disable-modern", "on",
                                          &error_abort));
    g_assert_true(object_property_set_str(OBJECT(dev), "vectors", "0",
                                          &error_abort));
    /* a property of the virtio device, reached through the proxy */
    g_assert_true(object_property_set_str(OBJECT(dev), "event_idx", "off",
                                          &error_abort));
    g_assert_true(qdev_realize_and_unref(dev, BUS(bus), &error_abort));
    /* virtio-net-pci,mq=on on a backend with two queues */
    for (int i = 0; i < 2; i++) {
        qemu_new_net_client(&backend_info, NULL, "tap", "mq0");
        backend_enabled[i] = true;
    }
    dev = qdev_new("virtio-net-pci");
    PCI_DEVICE(dev)->devfn = NET_DEVFN;
    g_assert_true(object_property_set_str(OBJECT(dev), "netdev", "mq0",
                                          &error_abort));
    g_assert_true(object_property_set_str(OBJECT(dev), "mq", "on",
                                          &error_abort));
    g_assert_true(qdev_realize_and_unref(dev, BUS(bus), &error_abort));
    /* QEMU's default: two vectors per pair, control and config */
    g_assert_cmpint(object_property_get_uint(OBJECT(dev), "vectors",
                                             &error_abort), ==, 6);

    g_test_add_func("/virtio/pci-identity", test_identity);
    g_test_add_func("/virtio/ring-direct-chain", test_ring_direct_and_chain);
    g_test_add_func("/virtio/indirect", test_indirect);
    g_test_add_func("/virtio/msix", test_msix_notify);
    g_test_add_func("/virtio/event-idx", test_event_idx);
    g_test_add_func("/virtio/bad-rings", test_bad_rings);
    g_test_add_func("/virtio/intx-isr", test_intx_isr);
    g_test_add_func("/virtio/legacy", test_legacy);
    g_test_add_func("/virtio/iov", test_iov);
    g_test_add_func("/virtio/net-mq", test_net_mq);
    return g_test_run();
}
