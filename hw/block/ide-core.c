/*
 * IDE bus and ATA drives (ATA/ATAPI-6, the subset PC guests use): task
 * file registers, PIO data transfer, READ/WRITE SECTORS/MULTIPLE/DMA with
 * 28- and 48-bit LBA (and CHS), IDENTIFY, FLUSH CACHE, SET FEATURES.
 * A DMA command whose PRD table maps into guest RAM runs in the block
 * worker pool straight between the image and guest memory, and the guest
 * keeps running meanwhile; PIO, FLUSH and other DMA are synchronous on
 * the vCPU thread under the device lock.  Not modelled: timings,
 * security and SMART commands, overlapped/queued commands.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "exec/memory.h"
#include "hw/block/ide.h"
#include "hw/block/block-error.h"

#define ATA_IDNF_ERR 0x10

static int drive_serial_counter = 1;

void ide_padstr(char *dst, const char *src, int len)
{
    /* ATA strings are byte-swapped within each 16-bit word. */
    for (int i = 0; i < len; i++) {
        dst[i ^ 1] = *src ? *src++ : ' ';
    }
}

static void put_le16(uint8_t *p, int word, uint16_t v)
{
    p[word * 2] = v;
    p[word * 2 + 1] = v >> 8;
}

void ide_set_irq(IDEBus *bus)
{
    if (!(bus->cmd & IDE_CTRL_NIEN)) {
        irq_raise(bus->irq);
    }
}

void ide_transfer_start(IDEState *s, int size, IDEEndTransferFunc *end)
{
    s->data_ptr = 0;
    s->data_end = size;
    s->end_transfer = end;
    s->status = IDE_READY_STAT | IDE_SEEK_STAT | IDE_DRQ_STAT;
}

void ide_transfer_stop(IDEState *s)
{
    s->data_ptr = s->data_end = 0;
    s->end_transfer = NULL;
    s->status &= ~IDE_DRQ_STAT;
}

static void ide_transfer_done(IDEState *s)
{
    ide_transfer_stop(s);
    s->status = IDE_READY_STAT | IDE_SEEK_STAT;
}

void ide_abort_command(IDEState *s)
{
    ide_transfer_stop(s);
    s->status = IDE_READY_STAT | IDE_ERR_STAT;
    s->error = IDE_ABRT_ERR;
}

static void ide_error(IDEState *s, uint8_t err)
{
    ide_abort_command(s);
    s->error = err;
    ide_set_irq(s->bus);
}

static void ide_set_signature(IDEState *s)
{
    s->select &= 0xf0;
    s->nsector = 1;
    s->sector = 1;
    if (s->is_cdrom) {
        s->lcyl = 0x14;
        s->hcyl = 0xeb;
    } else if (s->present) {
        s->lcyl = 0;
        s->hcyl = 0;
    } else {
        s->lcyl = 0xff;
        s->hcyl = 0xff;
    }
}

static void ide_identify(IDEState *s)
{
    uint8_t *p = s->io_buffer;
    uint64_t lba28 = MIN(s->nb_sectors, 0x0fffffff);
    char buf[40];

    memset(p, 0, 512);
    put_le16(p, 0, 0x0040);
    put_le16(p, 1, s->cylinders);
    put_le16(p, 3, s->heads);
    put_le16(p, 4, 512 * s->sectors);
    put_le16(p, 5, 512);
    put_le16(p, 6, s->sectors);
    ide_padstr((char *)p + 20, s->serial, 20);
    put_le16(p, 20, 3);
    put_le16(p, 21, 512);
    put_le16(p, 22, 4);
    ide_padstr(buf, "2.5+", 8);
    memcpy(p + 46, buf, 8);
    ide_padstr(buf, s->model[0] ? s->model : "QEMU HARDDISK", 40);
    memcpy(p + 54, buf, 40);
    put_le16(p, 47, 0x8000 | 16);          /* READ/WRITE MULTIPLE up to 16 */
    put_le16(p, 48, 1);
    put_le16(p, 49, (1 << 11) | (1 << 9) | (1 << 8));   /* IORDY, LBA, DMA */
    put_le16(p, 51, 0x200);
    put_le16(p, 52, 0x200);
    put_le16(p, 53, 1 | (1 << 1) | (1 << 2));
    put_le16(p, 54, s->cylinders);
    put_le16(p, 55, s->heads);
    put_le16(p, 56, s->sectors);
    uint32_t chs = s->cylinders * s->heads * s->sectors;
    put_le16(p, 57, chs);
    put_le16(p, 58, chs >> 16);
    if (s->mult_sectors) {
        put_le16(p, 59, 0x100 | s->mult_sectors);
    }
    put_le16(p, 60, lba28);
    put_le16(p, 61, lba28 >> 16);
    put_le16(p, 62, 0x07);
    put_le16(p, 63, 0x07);                 /* multiword DMA 0-2 */
    put_le16(p, 64, 0x03);                 /* PIO 3-4 */
    put_le16(p, 65, 120);
    put_le16(p, 66, 120);
    put_le16(p, 67, 120);
    put_le16(p, 68, 120);
    put_le16(p, 80, 0xf0);                 /* ATA-4 to ATA-7 */
    put_le16(p, 81, 0x16);
    put_le16(p, 82, (1 << 14) | (1 << 5) | 1);          /* write cache */
    put_le16(p, 83, (1 << 14) | (1 << 13) | (1 << 12) | (1 << 10));
    put_le16(p, 84, 1 << 14);
    put_le16(p, 85, (1 << 14) | (1 << 5) | 1);
    put_le16(p, 86, (1 << 13) | (1 << 12) | (1 << 10)); /* FLUSH EXT, LBA48 */
    put_le16(p, 87, 1 << 14);
    put_le16(p, 88, 0x3f | (1 << 13));     /* UDMA 0-5, mode 5 selected */
    put_le16(p, 93, 1 | (1 << 14) | 0x2000);
    for (int i = 0; i < 4; i++) {
        put_le16(p, 100 + i, s->nb_sectors >> (16 * i));
    }
    /* DATA SET MANAGEMENT with TRIM, one 512-byte block of ranges. */
    put_le16(p, 105, 1);
    put_le16(p, 169, 1);
    if (s->bus->sata) {
        /* ATA8-ACS: queue depth - 1; SATA capabilities: Gen1, NCQ. */
        put_le16(p, 75, 31);
        put_le16(p, 76, (1 << 8) | (1 << 1));
    }
}

/* Sector address of the current command (LBA48, LBA28 or CHS). */
static uint64_t ide_get_sector(IDEState *s)
{
    if (s->lba48) {
        return s->sector | ((uint64_t)s->lcyl << 8) |
               ((uint64_t)s->hcyl << 16) | ((uint64_t)s->hob_sector << 24) |
               ((uint64_t)s->hob_lcyl << 32) | ((uint64_t)s->hob_hcyl << 40);
    }
    if (s->select & 0x40) {
        return ((s->select & 0x0f) << 24) | (s->hcyl << 16) |
               (s->lcyl << 8) | s->sector;
    }
    uint32_t cyl = (s->hcyl << 8) | s->lcyl;
    return ((uint64_t)cyl * s->heads + (s->select & 0x0f)) * s->sectors +
           (s->sector ? s->sector - 1 : 0);
}

static void ide_set_sector(IDEState *s, uint64_t n)
{
    if (s->lba48) {
        s->sector = n;
        s->lcyl = n >> 8;
        s->hcyl = n >> 16;
        s->hob_sector = n >> 24;
        s->hob_lcyl = n >> 32;
        s->hob_hcyl = n >> 40;
    } else if (s->select & 0x40) {
        s->select = (s->select & 0xf0) | ((n >> 24) & 0x0f);
        s->hcyl = n >> 16;
        s->lcyl = n >> 8;
        s->sector = n;
    } else if (s->heads && s->sectors) {
        uint32_t cyl = n / (s->heads * s->sectors);
        uint32_t r = n % (s->heads * s->sectors);
        s->hcyl = cyl >> 8;
        s->lcyl = cyl;
        s->select = (s->select & 0xf0) | ((r / s->sectors) & 0x0f);
        s->sector = (r % s->sectors) + 1;
    }
}

static uint32_t ide_get_count(IDEState *s)
{
    if (s->lba48) {
        uint32_t n = s->nsector | (s->hob_nsector << 8);
        return n ? n : 65536;
    }
    return s->nsector ? s->nsector : 256;
}

/* Validates the range and sets up the transfer; false: aborted. */
static bool ide_start_xfer(IDEState *s, int block)
{
    s->xfer_lba = ide_get_sector(s);
    s->xfer_left = ide_get_count(s);
    s->xfer_block = block;
    if (!s->blk || s->xfer_lba > s->nb_sectors ||
        s->xfer_left > s->nb_sectors - s->xfer_lba) {
        qemu_log_mask(LOG_GUEST_ERROR, "ide: sector %" PRIu64 "+%u out of "
                      "range\n", s->xfer_lba, s->xfer_left);
        ide_error(s, IDE_ABRT_ERR | ATA_IDNF_ERR);
        return false;
    }
    return true;
}

/*
 * A disk request of the current command failed with @ret: QEMU's
 * werror/rerror.  Returns true when the command goes no further (the
 * error was reported, or the VM stopped and @retry runs on cont; the
 * drive stays busy meanwhile); false: ignore the error.
 */
static bool ide_io_failed(IDEState *s, bool is_read, int ret,
                          BlockRetryFn *retry)
{
    switch (block_error_action(s->blk, s->dinfo, is_read, -ret, retry, s)) {
    case BLOCK_ERROR_ACTION_IGNORE:
        return false;
    case BLOCK_ERROR_ACTION_STOP:
        s->status = IDE_BUSY_STAT;
        return true;
    default:
        ide_error(s, IDE_ABRT_ERR);
        return true;
    }
}

static void ide_sector_read_retry(void *opaque);

static void ide_sector_read(IDEState *s)
{
    if (!s->xfer_left) {
        ide_transfer_done(s);
        return;
    }
    uint32_t n = MIN(s->xfer_left, (uint32_t)s->xfer_block);
    int ret = blk_pread(s->blk, s->xfer_lba * IDE_SECTOR_SIZE,
                        n * IDE_SECTOR_SIZE, s->io_buffer);
    if (ret < 0 && ide_io_failed(s, true, ret, ide_sector_read_retry)) {
        return;
    }
    s->xfer_lba += n;
    s->xfer_left -= n;
    ide_set_sector(s, s->xfer_lba - 1);
    ide_transfer_start(s, n * IDE_SECTOR_SIZE, ide_sector_read);
    ide_set_irq(s->bus);
}

static void ide_sector_read_retry(void *opaque)
{
    ide_sector_read(opaque);
}

static void ide_sector_write_retry(void *opaque);

static void ide_sector_write(IDEState *s)
{
    uint32_t n = s->data_end / IDE_SECTOR_SIZE;
    int ret = blk_pwrite(s->blk, s->xfer_lba * IDE_SECTOR_SIZE,
                         n * IDE_SECTOR_SIZE, s->io_buffer);
    if (ret < 0 && ide_io_failed(s, false, ret, ide_sector_write_retry)) {
        return;
    }
    s->xfer_lba += n;
    s->xfer_left -= n;
    ide_set_sector(s, s->xfer_lba - 1);
    if (s->xfer_left) {
        n = MIN(s->xfer_left, (uint32_t)s->xfer_block);
        ide_transfer_start(s, n * IDE_SECTOR_SIZE, ide_sector_write);
    } else {
        ide_transfer_done(s);
    }
    ide_set_irq(s->bus);
}

static void ide_sector_write_retry(void *opaque)
{
    ide_sector_write(opaque);
}

static void ide_ata_dma_retry(void *opaque);

/* Elements of a mapped PRD table (Linux's ata_piix uses up to 128). */
#define IDE_DMA_MAX_IOV 512

/* A DMA command running in the worker pool. */
typedef struct IDEDMARequest {
    IDEState *s;
    uint32_t gen;
    uint32_t sectors;
    bool write;
    int niov;
    struct iovec iov[IDE_DMA_MAX_IOV];
    uint64_t addr[IDE_DMA_MAX_IOV];
} IDEDMARequest;

/* In the worker, with the BQL: finish the command as ide_ata_dma does. */
static void ide_ata_dma_aio_done(void *opaque, int ret)
{
    IDEDMARequest *r = opaque;
    IDEState *s = r->s;
    IDEBus *bus = s->bus;
    bool error = false;

    bus->dma_ops->unmap(bus->dma_opaque, r->iov, r->addr, r->niov,
                        !r->write);
    if (r->gen != s->dma_gen) {
        g_free(r);              /* a new command or a reset came first */
        return;
    }
    if (ret < 0) {
        switch (block_error_action(s->blk, s->dinfo, !r->write, -ret,
                                   ide_ata_dma_retry, s)) {
        case BLOCK_ERROR_ACTION_STOP:
            g_free(r);
            return;             /* retried from the PRD table's start */
        case BLOCK_ERROR_ACTION_IGNORE:
            break;
        default:
            error = true;
            break;
        }
    }
    g_free(r);
    if (error) {
        ide_abort_command(s);
    } else {
        s->xfer_lba += s->xfer_left;
        s->xfer_left = 0;
        ide_set_sector(s, s->xfer_lba - 1);
        ide_transfer_done(s);
    }
    bus->dma_ops->done(bus->dma_opaque, error);
    ide_set_irq(bus);
}

/* Start the whole transfer in the worker pool; false: not mappable. */
static bool ide_ata_dma_async(IDEState *s)
{
    IDEBus *bus = s->bus;
    uint64_t bytes = (uint64_t)s->xfer_left * IDE_SECTOR_SIZE;

    if (!bus->dma_ops->map || s->dma_fetched || !bytes || bytes > INT_MAX) {
        return false;
    }
    IDEDMARequest *r = g_new(IDEDMARequest, 1);
    r->niov = bus->dma_ops->map(bus->dma_opaque, bytes, !s->dma_write,
                                r->iov, r->addr, IDE_DMA_MAX_IOV);
    if (r->niov <= 0) {
        g_free(r);
        return false;
    }
    r->s = s;
    r->gen = s->dma_gen;
    r->write = s->dma_write;
    if (r->write) {
        blk_aio_pwritev(s->blk, s->xfer_lba * IDE_SECTOR_SIZE, r->iov,
                        r->niov, ide_ata_dma_aio_done, r);
    } else {
        blk_aio_preadv(s->blk, s->xfer_lba * IDE_SECTOR_SIZE, r->iov,
                       r->niov, ide_ata_dma_aio_done, r);
    }
    return true;
}

#define IDE_DSM_BLOCKS 1           /* IDENTIFY word 105 */
#define IDE_DSM_ENTRIES (IDE_DSM_BLOCKS * IDE_SECTOR_SIZE / 8)

typedef struct IDETrim {
    IDEState *s;
    uint32_t gen;
} IDETrim;

static void ide_dsm_next(IDEState *s);

static void ide_dsm_cb(void *opaque, int ret)
{
    IDETrim *t = opaque;
    IDEState *s = t->s;
    bool stale = t->gen != s->dma_gen;

    g_free(t);
    /* A failed discard is not an error: TRIM is advisory. */
    if (!stale) {
        ide_dsm_next(s);
    }
}

/* Discard the next nonempty range (ACS-2 7.10: LBA in bits 47:0, sector
 * count in 63:48); the command ends after the last one. */
static void ide_dsm_next(IDEState *s)
{
    IDEBus *bus = s->bus;
    bool error = false;

    while (s->dsm_pos < IDE_DSM_ENTRIES) {
        const uint8_t *e = s->io_buffer + 8 * s->dsm_pos++;
        uint64_t v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | e[i];
        }
        uint64_t lba = v & 0xffffffffffffull;
        uint32_t count = v >> 48;
        if (!count) {
            continue;
        }
        if (lba > s->nb_sectors || count > s->nb_sectors - lba) {
            qemu_log_mask(LOG_GUEST_ERROR, "ide: TRIM of %" PRIu64 "+%u "
                          "out of range\n", lba, count);
            error = true;
            break;
        }
        IDETrim *t = g_new(IDETrim, 1);
        t->s = s;
        t->gen = s->dma_gen;
        blk_aio_pdiscard(s->blk, lba * IDE_SECTOR_SIZE,
                         (uint64_t)count * IDE_SECTOR_SIZE, ide_dsm_cb, t);
        return;
    }
    if (error) {
        ide_abort_command(s);
    } else {
        ide_transfer_done(s);
    }
    bus->dma_ops->done(bus->dma_opaque, error);
    ide_set_irq(bus);
}

/* DATA SET MANAGEMENT: fetch the range blocks, then discard them. */
static void ide_dsm_dma(IDEState *s)
{
    IDEBus *bus = s->bus;
    int len = s->xfer_left * IDE_SECTOR_SIZE;

    memset(s->io_buffer, 0, IDE_DSM_BLOCKS * IDE_SECTOR_SIZE);
    if (bus->dma_ops->rw(bus->dma_opaque, s->io_buffer, len, false) != len) {
        ide_abort_command(s);
        bus->dma_ops->done(bus->dma_opaque, true);
        ide_set_irq(bus);
        return;
    }
    s->xfer_left = 0;
    s->dsm_pos = 0;
    ide_dsm_next(s);
}

/*
 * DMA data phase, run when the controller's engine starts, and again
 * from where it failed when a werror/rerror=stop request is retried (a
 * write's data already fetched from the guest stays in io_buffer).
 */
static void ide_ata_dma(IDEState *s)
{
    IDEBus *bus = s->bus;
    bool error = false;
    if (s->dsm) {
        ide_dsm_dma(s);
        return;
    }
    if (ide_ata_dma_async(s)) {
        return;
    }
    while (s->xfer_left && !error) {
        uint32_t n = MIN(s->xfer_left, IDE_IO_BUFFER_SIZE / IDE_SECTOR_SIZE);
        int len = n * IDE_SECTOR_SIZE, ret = 0;
        if (s->dma_write) {
            if (s->dma_fetched != len &&
                bus->dma_ops->rw(bus->dma_opaque, s->io_buffer, len,
                                 false) != len) {
                error = true;
                break;
            }
            s->dma_fetched = 0;
            ret = blk_pwrite(s->blk, s->xfer_lba * IDE_SECTOR_SIZE, len,
                             s->io_buffer);
            if (ret < 0) {
                s->dma_fetched = len;
            }
        } else {
            ret = blk_pread(s->blk, s->xfer_lba * IDE_SECTOR_SIZE, len,
                            s->io_buffer);
        }
        if (ret < 0) {
            switch (block_error_action(s->blk, s->dinfo, !s->dma_write, -ret,
                                       ide_ata_dma_retry, s)) {
            case BLOCK_ERROR_ACTION_STOP:
                return;         /* busy, the engine still running */
            case BLOCK_ERROR_ACTION_IGNORE:
                break;
            default:
                error = true;
                break;
            }
        }
        s->dma_fetched = 0;
        if (!s->dma_write && !error &&
            bus->dma_ops->rw(bus->dma_opaque, s->io_buffer, len,
                             true) != len) {
            error = true;
        }
        s->xfer_lba += n;
        s->xfer_left -= n;
    }
    if (error) {
        ide_abort_command(s);
    } else {
        ide_set_sector(s, s->xfer_lba - 1);
        ide_transfer_done(s);
    }
    bus->dma_ops->done(bus->dma_opaque, error);
    ide_set_irq(bus);
}

static void ide_ata_dma_retry(void *opaque)
{
    ide_ata_dma(opaque);
}

int ide_dma_map_range(uint64_t a, uint32_t count, bool to_guest,
                      struct iovec *iov, uint64_t *addr, int n, int max)
{
    while (count) {
        hwaddr l = count;
        void *p = n < max ? address_space_map_ram(&address_space_memory, a,
                                                  &l, to_guest)
                          : NULL;
        if (!p || !l) {
            return -1;
        }
        iov[n] = (struct iovec) { p, l };
        addr[n++] = a;
        a += l;
        count -= l;
    }
    return n;
}

void ide_dma_unmap_ram(void *opaque, const struct iovec *iov,
                       const uint64_t *addr, int niov, bool to_guest)
{
    for (int i = 0; to_guest && i < niov; i++) {
        address_space_notify_dma_write(&address_space_memory, addr[i],
                                       iov[i].iov_len);
    }
}

void ide_dma_run(IDEBus *bus)
{
    IDEState *s = bus->dma_pending;
    if (!s || !bus->dma_ops) {
        return;
    }
    bus->dma_pending = NULL;
    if (s->is_cdrom) {
        ide_atapi_dma(s);
    } else {
        ide_ata_dma(s);
    }
}

static void ide_cmd_done(IDEState *s)
{
    s->status = IDE_READY_STAT | IDE_SEEK_STAT;
    ide_set_irq(s->bus);
}

static void ide_exec_cmd(IDEState *s, uint8_t cmd)
{
    bool write = false, dma = false;
    int block = 1;

    s->lba48 = false;
    s->dsm = false;
    s->error = 0;
    switch (cmd) {
    case 0xec:                                 /* IDENTIFY DEVICE */
        if (s->is_cdrom) {
            ide_set_signature(s);
            ide_error(s, IDE_ABRT_ERR);
            return;
        }
        ide_identify(s);
        ide_transfer_start(s, 512, ide_transfer_done);
        ide_set_irq(s->bus);
        return;
    case 0xa1:                                 /* IDENTIFY PACKET DEVICE */
        if (!s->is_cdrom) {
            ide_error(s, IDE_ABRT_ERR);
            return;
        }
        ide_atapi_identify(s);
        ide_transfer_start(s, 512, ide_transfer_done);
        ide_set_irq(s->bus);
        return;
    case 0xa0:                                 /* PACKET */
        if (!s->is_cdrom) {
            ide_error(s, IDE_ABRT_ERR);
            return;
        }
        s->atapi_dma = s->feature & 1;
        s->atapi_byte_limit = s->lcyl | (s->hcyl << 8);
        s->nsector = ATAPI_INT_REASON_CD;
        ide_transfer_start(s, 12, ide_atapi_cmd);
        return;
    case 0x08:                                 /* DEVICE RESET */
        if (!s->is_cdrom) {
            ide_error(s, IDE_ABRT_ERR);
            return;
        }
        ide_set_signature(s);
        ide_transfer_stop(s);
        s->status = 0;
        s->error = 0x01;
        return;
    case 0x90:                                 /* EXECUTE DEVICE DIAGNOSTIC */
        ide_set_signature(s);
        s->error = 0x01;
        s->status = s->is_cdrom ? 0 : IDE_READY_STAT | IDE_SEEK_STAT;
        ide_set_irq(s->bus);
        return;
    }
    if (s->is_cdrom && cmd != 0xef) {
        /* An ATAPI device aborts the ATA commands below but SET FEATURES
         * (and its signature tells the driver why). */
        ide_set_signature(s);
        ide_error(s, IDE_ABRT_ERR);
        return;
    }
    switch (cmd) {
    case 0x24: case 0x29: case 0x25: case 0x34: case 0x39: case 0x35:
    case 0xea: case 0x27: case 0x42: case 0x06:
        s->lba48 = true;
        break;
    }
    switch (cmd) {
    case 0x20: case 0x21: case 0x24:           /* READ SECTORS (EXT) */
        break;
    case 0xc4: case 0x29:                      /* READ MULTIPLE (EXT) */
        if (!s->mult_sectors) {
            ide_error(s, IDE_ABRT_ERR);
            return;
        }
        block = s->mult_sectors;
        break;
    case 0x30: case 0x31: case 0x34:           /* WRITE SECTORS (EXT) */
        write = true;
        break;
    case 0xc5: case 0x39:                      /* WRITE MULTIPLE (EXT) */
        if (!s->mult_sectors) {
            ide_error(s, IDE_ABRT_ERR);
            return;
        }
        write = true;
        block = s->mult_sectors;
        break;
    case 0xc8: case 0xc9: case 0x25:           /* READ DMA (EXT) */
        dma = true;
        break;
    case 0xca: case 0xcb: case 0x35:           /* WRITE DMA (EXT) */
        dma = write = true;
        break;
    case 0x06:                                 /* DATA SET MANAGEMENT */
        /* TRIM only, at most IDE_DSM_BLOCKS blocks of ranges */
        if (!(s->feature & 1) || s->hob_nsector ||
            s->nsector > IDE_DSM_BLOCKS || !s->nsector || !s->blk) {
            ide_error(s, IDE_ABRT_ERR);
            return;
        }
        if (blk_is_read_only(s->blk)) {
            ide_error(s, IDE_ABRT_ERR);
            return;
        }
        s->xfer_left = s->nsector;
        s->dsm = true;
        s->dma_write = true;
        s->dma_fetched = 0;
        s->bus->dma_pending = s;
        s->status = IDE_READY_STAT | IDE_SEEK_STAT | IDE_DRQ_STAT;
        return;
    case 0xe7: case 0xea:                      /* FLUSH CACHE (EXT) */
        if (s->blk && blk_flush(s->blk) < 0) {
            ide_error(s, IDE_ABRT_ERR);
            return;
        }
        ide_cmd_done(s);
        return;
    case 0xef:                                 /* SET FEATURES */
        switch (s->feature) {
        case 0x02: case 0x82: case 0x03: case 0xaa: case 0x55: case 0x66:
        case 0xcc:
            ide_cmd_done(s);
            return;
        }
        ide_error(s, IDE_ABRT_ERR);
        return;
    case 0xc6:                                 /* SET MULTIPLE MODE */
        if (s->nsector > 16 || (s->nsector & (s->nsector - 1))) {
            ide_error(s, IDE_ABRT_ERR);
            return;
        }
        s->mult_sectors = s->nsector;
        ide_cmd_done(s);
        return;
    case 0x40: case 0x41: case 0x42:           /* READ VERIFY SECTORS */
    case 0x91:                                 /* INIT DEVICE PARAMETERS */
    case 0xe0: case 0xe1: case 0xe2: case 0xe3: /* STANDBY/IDLE */
    case 0x10:                                 /* RECALIBRATE */
        ide_cmd_done(s);
        return;
    case 0xe5:                                 /* CHECK POWER MODE */
        s->nsector = 0xff;
        ide_cmd_done(s);
        return;
    case 0xf8: case 0x27:                      /* READ NATIVE MAX ADDRESS */
        ide_set_sector(s, s->nb_sectors ? s->nb_sectors - 1 : 0);
        ide_cmd_done(s);
        return;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "ide: unsupported command 0x%02x\n",
                      cmd);
        ide_error(s, IDE_ABRT_ERR);
        return;
    }
    if (!ide_start_xfer(s, block)) {
        return;
    }
    if (write && blk_is_read_only(s->blk)) {
        ide_error(s, IDE_ABRT_ERR);
        return;
    }
    if (dma) {
        s->dma_write = write;
        s->dma_fetched = 0;
        s->bus->dma_pending = s;
        s->status = IDE_READY_STAT | IDE_SEEK_STAT | IDE_DRQ_STAT;
    } else if (write) {
        uint32_t n = MIN(s->xfer_left, (uint32_t)s->xfer_block);
        ide_transfer_start(s, n * IDE_SECTOR_SIZE, ide_sector_write);
    } else {
        ide_sector_read(s);
    }
}

static IDEState *ide_cur(IDEBus *bus)
{
    return &bus->ifs[bus->unit];
}

static bool ide_bus_empty(IDEBus *bus)
{
    return !bus->ifs[0].present && !bus->ifs[1].present;
}

uint32_t ide_ioport_read(IDEBus *bus, uint32_t addr)
{
    IDEState *s = ide_cur(bus);
    bool hob = bus->cmd & IDE_CTRL_HOB;

    if (ide_bus_empty(bus) || (!s->present && (addr & 7) != 6)) {
        /* Nothing drives the bus: everything reads 0 as in QEMU, status
         * included, which is how Linux's libata tells "no device" (a
         * status of 0xff makes it classify a phantom ATA disk and wait
         * for IDENTIFY timeouts for a minute and a half). */
        return 0;
    }
    switch (addr & 7) {
    case 0:
        return ide_data_read(bus, 2) & 0xff;
    case 1:
        return hob ? s->hob_feature : s->error;
    case 2:
        return hob ? s->hob_nsector : s->nsector;
    case 3:
        return hob ? s->hob_sector : s->sector;
    case 4:
        return hob ? s->hob_lcyl : s->lcyl;
    case 5:
        return hob ? s->hob_hcyl : s->hcyl;
    case 6:
        return s->select;
    default:
        irq_lower(bus->irq);
        return s->status;
    }
}

uint32_t ide_status_read(IDEBus *bus)
{
    IDEState *s = ide_cur(bus);
    return s->present ? s->status : 0;
}

void ide_ioport_write(IDEBus *bus, uint32_t addr, uint32_t val)
{
    val &= 0xff;
    addr &= 7;
    if (addr == 0) {
        ide_data_write(bus, val, 2);
        return;
    }
    if (addr != 7) {
        bus->cmd &= ~IDE_CTRL_HOB;
    }
    for (int i = 0; i < 2 && addr != 7; i++) {
        IDEState *s = &bus->ifs[i];
        switch (addr) {
        case 1:
            s->hob_feature = s->feature;
            s->feature = val;
            break;
        case 2:
            s->hob_nsector = s->nsector;
            s->nsector = val;
            break;
        case 3:
            s->hob_sector = s->sector;
            s->sector = val;
            break;
        case 4:
            s->hob_lcyl = s->lcyl;
            s->lcyl = val;
            break;
        case 5:
            s->hob_hcyl = s->hcyl;
            s->hcyl = val;
            break;
        case 6:
            s->select = val | 0xa0;
            break;
        }
    }
    if (addr == 6) {
        bus->unit = (val >> 4) & 1;
        return;
    }
    if (addr == 7) {
        IDEState *s = ide_cur(bus);
        if (!s->present || (s->status & IDE_BUSY_STAT)) {
            return;
        }
        /* A new command ends any transfer and lowers the line. */
        irq_lower(bus->irq);
        ide_transfer_stop(s);
        s->dma_gen++;
        if (bus->dma_pending == s) {
            bus->dma_pending = NULL;
        }
        ide_exec_cmd(s, val);
    }
}

static void ide_drive_soft_reset(IDEState *s)
{
    ide_transfer_stop(s);
    s->dma_gen++;
    s->mult_sectors = 16;
    s->lba48 = false;
    s->select = 0xa0;
    ide_set_signature(s);
    s->error = 0x01;
    s->status = s->is_cdrom ? 0 : IDE_READY_STAT | IDE_SEEK_STAT;
    if (s->is_cdrom) {
        ide_atapi_reset(s);
    }
}

void ide_ctrl_write(IDEBus *bus, uint32_t val)
{
    /* SRST: drives are busy while it is set and reset when it clears. */
    if (!(bus->cmd & IDE_CTRL_SRST) && (val & IDE_CTRL_SRST)) {
        for (int i = 0; i < 2; i++) {
            bus->ifs[i].status = IDE_BUSY_STAT | IDE_SEEK_STAT;
            bus->ifs[i].error = 0x01;
        }
    } else if ((bus->cmd & IDE_CTRL_SRST) && !(val & IDE_CTRL_SRST)) {
        for (int i = 0; i < 2; i++) {
            ide_drive_soft_reset(&bus->ifs[i]);
        }
        bus->unit = 0;
        bus->dma_pending = NULL;
    }
    bus->cmd = val;
    if (val & IDE_CTRL_NIEN) {
        irq_lower(bus->irq);
    }
}

uint32_t ide_data_read(IDEBus *bus, int size)
{
    IDEState *s = ide_cur(bus);
    uint32_t v = 0;
    if (!(s->status & IDE_DRQ_STAT) || !s->end_transfer ||
        s->data_ptr + size > s->data_end) {
        return 0;
    }
    for (int i = size - 1; i >= 0; i--) {
        v = (v << 8) | s->io_buffer[s->data_ptr + i];
    }
    s->data_ptr += size;
    if (s->data_ptr >= s->data_end) {
        s->end_transfer(s);
    }
    return v;
}

void ide_data_write(IDEBus *bus, uint32_t val, int size)
{
    IDEState *s = ide_cur(bus);
    if (!(s->status & IDE_DRQ_STAT) || !s->end_transfer ||
        s->data_ptr + size > s->data_end) {
        return;
    }
    for (int i = 0; i < size; i++) {
        s->io_buffer[s->data_ptr + i] = val >> (8 * i);
    }
    s->data_ptr += size;
    if (s->data_ptr >= s->data_end) {
        s->end_transfer(s);
    }
}

void ide_bus_init(IDEBus *bus, IRQLine *irq)
{
    memset(bus, 0, sizeof(*bus));
    bus->irq = irq;
    for (int i = 0; i < 2; i++) {
        bus->ifs[i].bus = bus;
        bus->ifs[i].unit = i;
        /* Room for a whole ATAPI packet response beyond the sectors. */
        bus->ifs[i].io_buffer = g_malloc0(IDE_IO_BUFFER_SIZE + 4);
        ide_set_signature(&bus->ifs[i]);
    }
}

void ide_bus_set_dma(IDEBus *bus, const IDEDMAOps *ops, void *opaque)
{
    bus->dma_ops = ops;
    bus->dma_opaque = opaque;
}

void ide_drive_update_size(IDEState *s)
{
    int64_t len = s->blk ? blk_getlength(s->blk) : 0;

    s->nb_sectors = len > 0 ? len / IDE_SECTOR_SIZE : 0;
}

/* block_resize: IDENTIFY reports the new LBA count (the guest is not told). */
static void ide_resize_cb(void *opaque)
{
    ide_drive_update_size(opaque);
}

void ide_drive_attach(IDEBus *bus, int unit, BlockBackend *blk, bool cdrom,
                      const char *serial)
{
    IDEState *s = &bus->ifs[unit];
    s->blk = blk;
    s->present = true;
    s->is_cdrom = cdrom;
    if (serial && serial[0]) {
        g_strlcpy(s->serial, serial, sizeof(s->serial));
    } else {
        snprintf(s->serial, sizeof(s->serial), "QM%05d",
                 drive_serial_counter++);
    }
    ide_drive_update_size(s);
    /* QEMU's translation-free geometry guess: 16 heads, 63 sectors; it
     * stays when the medium changes size, as in QEMU. */
    s->heads = 16;
    s->sectors = 63;
    s->cylinders = MIN(MAX(s->nb_sectors / (16 * 63), 1), 16383);
    if (blk && !cdrom) {
        blk_set_resize_cb(blk, ide_resize_cb, s);
    }
    s->media_changed = cdrom && blk;
    ide_drive_soft_reset(s);
}

void ide_bus_reset(IDEBus *bus)
{
    bus->cmd = 0;
    bus->unit = 0;
    bus->dma_pending = NULL;
    for (int i = 0; i < 2; i++) {
        ide_drive_soft_reset(&bus->ifs[i]);
    }
    irq_lower(bus->irq);
}
