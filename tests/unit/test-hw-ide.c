/*
 * IDE bus and drives without a controller: task-file protocol, PIO and
 * DMA transfers against a real image, LBA28/LBA48, errors, and ATAPI
 * packets (INQUIRY, READ CAPACITY, READ(10), sense) on a CD-ROM.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "hw/block/ide.h"

static int irq_level;
static uint8_t dma_mem[1 << 20];
static int dma_done_count;
static bool dma_done_error;

static void test_irq(void *opaque, int n, int level)
{
    irq_level = level;
}

static int fake_dma_rw(void *opaque, uint8_t *buf, int len, bool to_guest)
{
    len = MIN(len, (int)sizeof(dma_mem));
    if (to_guest) {
        memcpy(dma_mem, buf, len);
    } else {
        memcpy(buf, dma_mem, len);
    }
    return len;
}

static void fake_dma_done(void *opaque, bool error)
{
    dma_done_count++;
    dma_done_error = error;
}

static const IDEDMAOps fake_dma = {
    .rw = fake_dma_rw,
    .done = fake_dma_done,
};

/* Zero-copy flavour: dma_mem as a PRD table of 4 KiB pieces. */
static int map_calls, unmapped_to_guest;

static int fake_dma_map(void *opaque, int len, bool to_guest,
                        struct iovec *iov, uint64_t *addr, int max)
{
    int n = 0;
    map_calls++;
    if (len > (int)sizeof(dma_mem)) {
        return -1;
    }
    for (int at = 0; at < len; at += 4096) {
        if (n == max) {
            return -1;
        }
        iov[n] = (struct iovec) { dma_mem + at, MIN(4096, len - at) };
        addr[n++] = at;
    }
    return n;
}

static void fake_dma_unmap(void *opaque, const struct iovec *iov,
                           const uint64_t *addr, int niov, bool to_guest)
{
    for (int i = 0; to_guest && i < niov; i++) {
        unmapped_to_guest += iov[i].iov_len;
    }
}

static const IDEDMAOps fake_dma_map_ops = {
    .rw = fake_dma_rw,
    .done = fake_dma_done,
    .map = fake_dma_map,
    .unmap = fake_dma_unmap,
};

static char *make_image(const char *name, uint64_t size, uint8_t fill)
{
    char *path = g_build_filename(g_get_tmp_dir(), name, NULL);
    FILE *f = fopen(path, "wb");
    g_assert_nonnull(f);
    g_autofree uint8_t *buf = g_malloc(size);
    memset(buf, fill, size);
    for (uint64_t i = 0; i < size; i += 512) {
        buf[i] = i / 512;          /* sector number in the first byte */
    }
    g_assert_cmpint(fwrite(buf, 1, size, f), ==, size);
    fclose(f);
    return path;
}

static BlockBackend *open_blk(const char *path, bool rw)
{
    Error *err = NULL;
    BlockDriverState *bs = bdrv_open(path, "raw", NULL, rw ? BDRV_O_RDWR : 0,
                                     &err);
    g_assert_nonnull(bs);
    return blk_new(bs, "test");
}

static void setup_lba(IDEBus *bus, uint64_t lba, uint32_t count, bool ext)
{
    if (ext) {
        ide_ioport_write(bus, 2, count >> 8);
        ide_ioport_write(bus, 3, lba >> 24);
        ide_ioport_write(bus, 4, lba >> 32);
        ide_ioport_write(bus, 5, lba >> 40);
    }
    ide_ioport_write(bus, 2, count);
    ide_ioport_write(bus, 3, lba);
    ide_ioport_write(bus, 4, lba >> 8);
    ide_ioport_write(bus, 5, lba >> 16);
    ide_ioport_write(bus, 6, 0xe0 | (ext ? 0 : (lba >> 24) & 0x0f));
}

static void read_words(IDEBus *bus, uint8_t *buf, int bytes)
{
    for (int i = 0; i < bytes; i += 2) {
        uint32_t w = ide_data_read(bus, 2);
        buf[i] = w;
        buf[i + 1] = w >> 8;
    }
}

static void test_ata(void)
{
    g_autofree char *path = make_image("kemu-test-ide.img", 1 * MiB, 0x5a);
    BlockBackend *blk = open_blk(path, true);
    IRQLine *irq = irq_line_new(test_irq, NULL, 0);
    IDEBus bus;
    uint8_t buf[4096];

    ide_bus_init(&bus, irq);
    ide_bus_set_dma(&bus, &fake_dma, NULL);
    ide_drive_attach(&bus, 0, blk, false, NULL);

    /* IDENTIFY DEVICE */
    ide_ioport_write(&bus, 6, 0xa0);
    ide_ioport_write(&bus, 7, 0xec);
    g_assert_cmpint(irq_level, ==, 1);
    g_assert_cmphex(ide_status_read(&bus), ==, 0x58);
    read_words(&bus, buf, 512);
    g_assert_cmphex(buf[0], ==, 0x40);
    g_assert_cmpuint(buf[120] | (buf[121] << 8), ==, 2048);  /* LBA28 */
    g_assert(memcmp(buf + 54, "EQUMH RADDSI K", 14) == 0);
    g_assert_cmphex(ide_ioport_read(&bus, 7), ==, 0x50);
    g_assert_cmpint(irq_level, ==, 0);

    /* READ SECTORS: 3 sectors from LBA 5, one IRQ per sector */
    setup_lba(&bus, 5, 3, false);
    ide_ioport_write(&bus, 7, 0x20);
    for (int i = 0; i < 3; i++) {
        g_assert_cmpint(irq_level, ==, 1);
        g_assert_cmphex(ide_ioport_read(&bus, 7), ==, 0x58);
        read_words(&bus, buf, 512);
        g_assert_cmpint(buf[0], ==, 5 + i);
        g_assert_cmpint(buf[1], ==, 0x5a);
    }
    g_assert_cmphex(ide_status_read(&bus), ==, 0x50);

    /* WRITE SECTORS (LBA48) then READ MULTIPLE EXT */
    setup_lba(&bus, 100, 2, true);
    ide_ioport_write(&bus, 7, 0x34);
    g_assert_cmphex(ide_status_read(&bus), ==, 0x58);
    for (int i = 0; i < 512; i += 2) {
        ide_data_write(&bus, 0x1234, 2);
    }
    g_assert_cmpint(irq_level, ==, 1);
    ide_ioport_read(&bus, 7);
    for (int i = 0; i < 256; i++) {
        ide_data_write(&bus, 0xabcd1234, 4);
    }
    g_assert_cmphex(ide_ioport_read(&bus, 7), ==, 0x50);
    setup_lba(&bus, 100, 2, true);
    ide_ioport_write(&bus, 7, 0x29);
    read_words(&bus, buf, 1024);
    g_assert_cmphex(buf[0], ==, 0x34);
    g_assert_cmphex(buf[1], ==, 0x12);
    g_assert_cmphex(buf[512], ==, 0x34);
    g_assert_cmphex(buf[515], ==, 0xab);

    /* DMA write then DMA read */
    memset(dma_mem, 0x77, 8192);
    setup_lba(&bus, 200, 16, false);
    ide_ioport_write(&bus, 7, 0xca);
    g_assert_cmphex(ide_status_read(&bus), ==, 0x58);
    ide_dma_run(&bus);
    g_assert_cmpint(dma_done_count, ==, 1);
    g_assert_false(dma_done_error);
    g_assert_cmphex(ide_ioport_read(&bus, 7), ==, 0x50);
    memset(dma_mem, 0, sizeof(dma_mem));
    setup_lba(&bus, 199, 3, true);
    ide_ioport_write(&bus, 7, 0x25);
    ide_dma_run(&bus);
    g_assert_cmpint(dma_mem[0], ==, 199);
    g_assert_cmpint(dma_mem[512], ==, 0x77);
    g_assert_cmpint(dma_mem[1535], ==, 0x77);

    /* Out of range and unknown commands abort */
    setup_lba(&bus, 2047, 2, false);
    ide_ioport_write(&bus, 7, 0x20);
    g_assert_cmphex(ide_ioport_read(&bus, 7), ==, 0x41);
    ide_ioport_write(&bus, 7, 0xfe);
    g_assert_cmphex(ide_ioport_read(&bus, 7), ==, 0x41);
    g_assert_cmphex(ide_ioport_read(&bus, 1), ==, 0x04);

    /* FLUSH CACHE */
    ide_ioport_write(&bus, 7, 0xe7);
    g_assert_cmphex(ide_ioport_read(&bus, 7), ==, 0x50);

    /* No slave: its registers read 0 */
    ide_ioport_write(&bus, 6, 0xb0);
    g_assert_cmphex(ide_ioport_read(&bus, 7), ==, 0);

    /* Soft reset: the signature of a disk */
    ide_ioport_write(&bus, 6, 0xa0);
    ide_ctrl_write(&bus, IDE_CTRL_SRST);
    g_assert_cmphex(ide_status_read(&bus), ==, 0x90);
    ide_ctrl_write(&bus, 0);
    g_assert_cmphex(ide_ioport_read(&bus, 2), ==, 1);
    g_assert_cmphex(ide_ioport_read(&bus, 4), ==, 0);
    blk_unref(blk);

    /* The write reached the file */
    FILE *f = fopen(path, "rb");
    g_assert_cmpint(fseek(f, 200 * 512, SEEK_SET), ==, 0);
    g_assert_cmpint(fgetc(f), ==, 0x77);
    fclose(f);
    unlink(path);
    irq_line_free(irq);
}

/* PACKET with a 12-byte CDB; PIO data-in of @len bytes into @out. */
static uint8_t atapi_packet(IDEBus *bus, const uint8_t *cdb, uint8_t *out,
                            int len)
{
    ide_ioport_write(bus, 1, 0);        /* PIO */
    ide_ioport_write(bus, 4, 0xfe);
    ide_ioport_write(bus, 5, 0xff);
    ide_ioport_write(bus, 7, 0xa0);
    g_assert_cmphex(ide_ioport_read(bus, 2), ==, ATAPI_INT_REASON_CD);
    for (int i = 0; i < 12; i += 2) {
        ide_data_write(bus, cdb[i] | (cdb[i + 1] << 8), 2);
    }
    int got = 0;
    while (ide_status_read(bus) & IDE_DRQ_STAT) {
        int n = ide_ioport_read(bus, 4) | (ide_ioport_read(bus, 5) << 8);
        g_assert_cmpint(ide_ioport_read(bus, 2), ==, ATAPI_INT_REASON_IO);
        g_assert_cmpint(got + n, <=, len);
        read_words(bus, out + got, n);
        got += n;
    }
    g_assert_cmpint(ide_ioport_read(bus, 2), ==, 3);
    return ide_ioport_read(bus, 7);
}

static void test_atapi(void)
{
    g_autofree char *path = make_image("kemu-test-cd.iso", 2 * MiB, 0x11);
    BlockBackend *blk = open_blk(path, false);
    IRQLine *irq = irq_line_new(test_irq, NULL, 0);
    IDEBus bus;
    uint8_t buf[8192];

    ide_bus_init(&bus, irq);
    ide_drive_attach(&bus, 1, blk, true, NULL);
    ide_ioport_write(&bus, 6, 0xb0);
    /* IDENTIFY DEVICE aborts with the ATAPI signature */
    ide_ioport_write(&bus, 7, 0xec);
    g_assert_cmphex(ide_ioport_read(&bus, 7), ==, 0x41);
    g_assert_cmphex(ide_ioport_read(&bus, 4), ==, 0x14);
    g_assert_cmphex(ide_ioport_read(&bus, 5), ==, 0xeb);
    ide_ioport_write(&bus, 7, 0xa1);
    read_words(&bus, buf, 512);
    g_assert_cmphex(buf[1], ==, 0x85);

    static const uint8_t tur[12] = { 0x00 };
    static const uint8_t sense[12] = { 0x03, 0, 0, 0, 18 };
    static const uint8_t inquiry[12] = { 0x12, 0, 0, 0, 36 };
    static const uint8_t capacity[12] = { 0x25 };
    static const uint8_t read10[12] = { 0x28, 0, 0, 0, 0, 3, 0, 0, 2 };
    static const uint8_t bogus[12] = { 0xff };
    /* First TEST UNIT READY: unit attention (medium changed) */
    g_assert_cmphex(atapi_packet(&bus, tur, buf, 0), ==, 0x41);
    g_assert_cmphex(ide_ioport_read(&bus, 1), ==, 0x60);
    g_assert_cmphex(atapi_packet(&bus, sense, buf, 18), ==, 0x50);
    g_assert_cmphex(buf[2], ==, 6);
    g_assert_cmphex(buf[12], ==, 0x28);
    g_assert_cmphex(atapi_packet(&bus, tur, buf, 0), ==, 0x50);
    g_assert_cmphex(atapi_packet(&bus, inquiry, buf, 36), ==, 0x50);
    g_assert_cmphex(buf[0], ==, 5);
    g_assert(memcmp(buf + 16, "QEMU DVD-ROM", 12) == 0);
    g_assert_cmphex(atapi_packet(&bus, capacity, buf, 8), ==, 0x50);
    g_assert_cmpint((buf[2] << 8) | buf[3], ==, 1023);
    g_assert_cmpint(buf[6], ==, 0x08);
    g_assert_cmphex(atapi_packet(&bus, read10, buf, 4096), ==, 0x50);
    g_assert_cmpint(buf[0], ==, 12);            /* sector 12 of 512 bytes */
    g_assert_cmpint(buf[2048], ==, 16);
    g_assert_cmphex(atapi_packet(&bus, bogus, buf, 0), ==, 0x41);
    g_assert_cmphex(ide_ioport_read(&bus, 1), ==, 0x50);
    blk_unref(blk);
    unlink(path);
    irq_line_free(irq);
}

/*
 * Issue DMA command @cmd and start the engine as a vCPU does, with the
 * BQL; command @overtake (0: none) follows before the request can
 * complete.  Waits for the request; returns the count of done() calls
 * before the wait (a synchronous transfer is done by then).
 */
static int dma_command(IDEBus *bus, BlockBackend *blk, uint8_t cmd,
                       uint8_t overtake)
{
    bql_lock();
    ide_ioport_write(bus, 7, cmd);
    ide_dma_run(bus);
    int before = dma_done_count;
    if (overtake) {
        ide_ioport_write(bus, 7, overtake);
    }
    blk_drain(blk);
    bql_unlock();
    return before;
}

/*
 * Mapped DMA runs in the worker pool: the command completes (IRQ, status,
 * engine done) when the request does; a command issued meanwhile wins.
 */
static void test_ata_dma_async(void)
{
    g_autofree char *path = make_image("kemu-test-ide-aio.img", 4 * MiB, 0x5a);
    BlockBackend *blk = open_blk(path, true);
    IRQLine *irq = irq_line_new(test_irq, NULL, 0);
    IDEBus bus;

    ide_bus_init(&bus, irq);
    ide_bus_set_dma(&bus, &fake_dma_map_ops, NULL);
    ide_drive_attach(&bus, 0, blk, false, NULL);
    ide_ioport_write(&bus, 6, 0xe0);
    dma_done_count = map_calls = unmapped_to_guest = 0;

    /* WRITE DMA of 24 sectors (3 pieces of 4 KiB) */
    for (int i = 0; i < 24 * 512; i++) {
        dma_mem[i] = i / 512 + 0x80;
    }
    setup_lba(&bus, 300, 24, false);
    dma_command(&bus, blk, 0xca, 0);
    g_assert_cmpint(map_calls, ==, 1);
    g_assert_cmpint(dma_done_count, ==, 1);
    g_assert_false(dma_done_error);
    g_assert_cmpint(irq_level, ==, 1);
    g_assert_cmphex(ide_ioport_read(&bus, 7), ==, 0x50);
    g_assert_cmpint(ide_ioport_read(&bus, 3), ==, (300 + 23) & 0xff);

    /* READ DMA EXT of 25 sectors from 299: the last piece is partial */
    memset(dma_mem, 0, sizeof(dma_mem));
    setup_lba(&bus, 299, 25, true);
    dma_command(&bus, blk, 0x25, 0);
    g_assert_cmpint(dma_done_count, ==, 2);
    g_assert_cmpint(unmapped_to_guest, ==, 25 * 512);
    g_assert_cmpint(dma_mem[0], ==, 299 & 0xff);
    g_assert_cmpint(dma_mem[1], ==, 0x5a);
    g_assert_cmpint(dma_mem[512], ==, 0x80);
    g_assert_cmpint(dma_mem[25 * 512 - 1], ==, 0x80 + 23);
    g_assert_cmphex(ide_ioport_read(&bus, 7), ==, 0x50);

    /*
     * A READ DMA overtaken by IDENTIFY: its completion (which needs the
     * BQL, held here until the drain) must leave the new command alone.
     */
    setup_lba(&bus, 0, 8, false);
    dma_command(&bus, blk, 0xc8, 0xec);
    g_assert_cmpint(dma_done_count, ==, 2);
    g_assert_cmphex(ide_status_read(&bus), ==, 0x58);
    uint8_t id[512];
    read_words(&bus, id, 512);
    g_assert_cmphex(id[0], ==, 0x40);

    /* A table that does not map goes through rw(), synchronously */
    setup_lba(&bus, 0, (sizeof(dma_mem) / 512) + 8, true);
    g_assert_cmpint(dma_command(&bus, blk, 0x25, 0), ==, 3);
    g_assert_cmpint(map_calls, ==, 4);
    g_assert_cmpint(dma_done_count, ==, 3);
    g_assert_false(dma_done_error);
    blk_unref(blk);
    unlink(path);
    irq_line_free(irq);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ide/ata", test_ata);
    g_test_add_func("/ide/atapi", test_atapi);
    g_test_add_func("/ide/ata-dma-async", test_ata_dma_async);
    return g_test_run();
}
