/*
 * ATAPI CD-ROM on the IDE bus: the PACKET protocol (byte-count-limited
 * PIO chunks or DMA) and the MMC/SPC commands Linux's sr driver issues:
 * TEST UNIT READY, REQUEST SENSE, INQUIRY, READ CAPACITY, READ(10/12),
 * MODE SENSE(10), READ TOC, GET CONFIGURATION, GET EVENT STATUS
 * NOTIFICATION, MECHANISM STATUS, START STOP UNIT, PREVENT ALLOW.
 * Not modelled: audio, raw sector formats, writing, tray motion.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/block/ide.h"

#define SENSE_NONE            0
#define SENSE_NOT_READY       2
#define SENSE_ILLEGAL_REQUEST 5
#define SENSE_UNIT_ATTENTION  6
#define ASC_INV_FIELD_IN_CMD_PACKET 0x24
#define ASC_ILLEGAL_OPCODE    0x20
#define ASC_LBA_OUT_OF_RANGE  0x21
#define ASC_MEDIUM_MAY_HAVE_CHANGED 0x28
#define ASC_MEDIUM_NOT_PRESENT 0x3a
#define ASC_MEDIA_REMOVAL_PREVENTED 0x53

/* A READ larger than this is refused (Linux asks for at most 512 KiB). */
#define ATAPI_MAX_XFER (16 * MiB)

static uint32_t be16(const uint8_t *p)
{
    return (p[0] << 8) | p[1];
}

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}

static void st16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static void st32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

void ide_atapi_reset(IDEState *s)
{
    g_free(s->atapi_buf);
    s->atapi_buf = NULL;
    s->atapi_len = s->atapi_pos = 0;
}

void ide_atapi_identify(IDEState *s)
{
    uint8_t *p = s->io_buffer;
    char buf[40];
    memset(p, 0, 512);
    /* ATAPI, CD-ROM, removable, accelerated DRQ, 12-byte packets */
    p[0] = 0xc0;
    p[1] = 0x85;
    ide_padstr((char *)p + 20, s->serial, 20);
    ide_padstr(buf, "2.5+", 8);
    memcpy(p + 46, buf, 8);
    ide_padstr(buf, s->model[0] ? s->model : "QEMU DVD-ROM", 40);
    memcpy(p + 54, buf, 40);
    p[96] = 1;                                  /* word 48 */
    p[99] = (1 << 1) | (1 << 0);                /* word 49: LBA, DMA */
    p[106] = 3;                                 /* word 53 */
    p[126] = 7;                                 /* word 63: MWDMA 0-2 */
    p[128] = 3;                                 /* word 64: PIO 3-4 */
    for (int w = 65; w <= 68; w++) {
        p[w * 2] = 0xb4;
    }
    p[142] = 30;                                /* word 71 */
    p[144] = 30;                                /* word 72 */
    p[160] = 0x1e;                              /* word 80: ATAPI-1..4 */
    p[176] = 0x3f;                              /* word 88: UDMA 0-5 */
    p[177] = 0x20;
}

static void atapi_cmd_ok(IDEState *s)
{
    s->error = 0;
    s->status = IDE_READY_STAT | IDE_SEEK_STAT;
    s->nsector = ATAPI_INT_REASON_IO | ATAPI_INT_REASON_CD;
    ide_set_irq(s->bus);
}

static void atapi_cmd_error(IDEState *s, uint8_t key, uint8_t asc)
{
    s->error = key << 4;
    s->status = IDE_READY_STAT | IDE_ERR_STAT;
    s->nsector = ATAPI_INT_REASON_IO | ATAPI_INT_REASON_CD;
    s->sense_key = key;
    s->asc = asc;
    ide_set_irq(s->bus);
}

/* Next PIO chunk of the response, or the completion. */
static void atapi_pio_next(IDEState *s)
{
    int left = s->atapi_len - s->atapi_pos;
    if (left <= 0) {
        ide_transfer_stop(s);
        ide_atapi_reset(s);
        atapi_cmd_ok(s);
        return;
    }
    int limit = s->atapi_byte_limit;
    if (limit == 0 || limit == 0xffff) {
        limit = 0xfffe;
    }
    limit &= ~1;
    int n = MIN(MIN(left, limit), IDE_IO_BUFFER_SIZE);
    memcpy(s->io_buffer, s->atapi_buf + s->atapi_pos, n);
    s->atapi_pos += n;
    s->lcyl = n;
    s->hcyl = n >> 8;
    s->nsector = ATAPI_INT_REASON_IO;
    /* Odd lengths are padded to whole words on the wire. */
    ide_transfer_start(s, (n + 1) & ~1, atapi_pio_next);
    ide_set_irq(s->bus);
}

/* Send @len bytes of @buf (taken over) to the host, by DMA or PIO. */
static void atapi_send(IDEState *s, uint8_t *buf, int len, int alloc)
{
    ide_atapi_reset(s);
    s->atapi_buf = buf;
    s->atapi_len = MIN(len, alloc);
    s->atapi_pos = 0;
    if (s->atapi_len == 0) {
        ide_atapi_reset(s);
        atapi_cmd_ok(s);
        return;
    }
    if (s->atapi_dma && s->bus->dma_ops) {
        s->status = IDE_READY_STAT | IDE_SEEK_STAT | IDE_DRQ_STAT;
        s->bus->dma_pending = s;
        return;
    }
    atapi_pio_next(s);
}

void ide_atapi_dma(IDEState *s)
{
    IDEBus *bus = s->bus;
    int n = s->atapi_len - s->atapi_pos;
    bool error = bus->dma_ops->rw(bus->dma_opaque, s->atapi_buf +
                                  s->atapi_pos, n, true) != n;
    ide_atapi_reset(s);
    if (error) {
        s->error = IDE_ABRT_ERR;
        s->status = IDE_READY_STAT | IDE_ERR_STAT;
        s->nsector = ATAPI_INT_REASON_IO | ATAPI_INT_REASON_CD;
    } else {
        s->error = 0;
        s->status = IDE_READY_STAT | IDE_SEEK_STAT;
        s->nsector = ATAPI_INT_REASON_IO | ATAPI_INT_REASON_CD;
    }
    bus->dma_ops->done(bus->dma_opaque, error);
    ide_set_irq(bus);
}

static uint32_t atapi_capacity(IDEState *s)
{
    return s->nb_sectors / (ATAPI_SECTOR_SIZE / IDE_SECTOR_SIZE);
}

static void atapi_read(IDEState *s, uint32_t lba, uint32_t nb)
{
    uint64_t total = atapi_capacity(s);
    if (lba > total || nb > total - lba) {
        atapi_cmd_error(s, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
        return;
    }
    if ((uint64_t)nb * ATAPI_SECTOR_SIZE > ATAPI_MAX_XFER) {
        atapi_cmd_error(s, SENSE_ILLEGAL_REQUEST,
                        ASC_INV_FIELD_IN_CMD_PACKET);
        return;
    }
    if (!nb) {
        atapi_cmd_ok(s);
        return;
    }
    int len = nb * ATAPI_SECTOR_SIZE;
    uint8_t *buf = g_malloc(len);
    if (blk_pread(s->blk, (uint64_t)lba * ATAPI_SECTOR_SIZE, len, buf) < 0) {
        g_free(buf);
        atapi_cmd_error(s, SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT);
        return;
    }
    atapi_send(s, buf, len, len);
}

static int atapi_mode_sense(IDEState *s, const uint8_t *cdb, uint8_t *b)
{
    int page = cdb[2] & 0x3f;
    memset(b, 0, 36);
    b[3] = 0x70;                   /* medium type: CD-ROM */
    if (page == 0x2a || page == 0x3f) {
        /* CD capabilities and mechanical status page */
        b[8] = 0x2a;
        b[9] = 0x12;
        b[10] = 0x3b;              /* reads CD-R/RW, DVD-ROM/R/RAM */
        b[12] = 0x71;              /* audio play, multisession, mode 2 */
        b[13] = 3 << 5;
        b[14] = (1 << 0) | (1 << 3) | (1 << 5);   /* lock, eject, tray */
        st16(b + 16, 706);         /* max speed */
        st16(b + 18, 2);           /* volume levels */
        st16(b + 20, 512);         /* buffer size */
        st16(b + 22, 706);         /* current speed */
        st16(b, 28 - 2);
        return 28;
    }
    if (page == 0x01) {
        b[8] = 0x01;               /* read error recovery */
        b[9] = 0x06;
        b[11] = 0x05;
        st16(b, 16 - 2);
        return 16;
    }
    return -1;
}

static int atapi_read_toc(IDEState *s, const uint8_t *cdb, uint8_t *b)
{
    int format = cdb[9] >> 6 ? cdb[9] >> 6 : cdb[2] & 0x0f;
    bool msf = cdb[1] & 2;
    uint32_t leadout = atapi_capacity(s);
    memset(b, 0, 20);
    if (format == 0) {
        b[2] = 1;                  /* first track */
        b[3] = 1;                  /* last track */
        b[5] = 0x14;               /* track 1: data, ADR 1 */
        b[6] = 1;
        if (msf) {
            b[10] = 0; b[11] = 2; /* 00:02:00 */
        }
        b[13] = 0x16;
        b[14] = 0xaa;              /* lead-out */
        if (msf) {
            uint32_t f = leadout + 150;
            b[17] = f / 75 / 60;
            b[18] = (f / 75) % 60;
            b[19] = f % 75;
        } else {
            st32(b + 16, leadout);
        }
        st16(b, 18);
        return 20;
    }
    if (format == 1) {             /* session info: one session */
        b[2] = 1;
        b[3] = 1;
        b[5] = 0x14;
        b[6] = 1;
        st16(b, 10);
        return 12;
    }
    return -1;
}

/*
 * START STOP UNIT with LoEj: the guest opens (Start=0) or closes the
 * tray, unless it locked the medium in (MMC-6 6.40).
 */
static void atapi_start_stop(IDEState *s, const uint8_t *cdb)
{
    bool loej = cdb[4] & 2, start = cdb[4] & 1;

    if (loej && s->dinfo) {
        if (!start && s->dinfo->locked) {
            atapi_cmd_error(s, SENSE_NOT_READY,
                            ASC_MEDIA_REMOVAL_PREVENTED);
            return;
        }
        drive_set_tray(s->dinfo, !start);
    }
    atapi_cmd_ok(s);
}

/* The 12-byte packet is in io_buffer. */
void ide_atapi_cmd(IDEState *s)
{
    uint8_t cdb[12];
    memcpy(cdb, s->io_buffer, sizeof(cdb));
    ide_transfer_stop(s);
    bool medium = s->blk != NULL;
    uint8_t *b;
    int len;

    /* Commands that report a missing or changed medium first. */
    switch (cdb[0]) {
    case 0x03: case 0x12: case 0x4a: case 0x46: case 0xbd: case 0x1e:
    case 0x1b:
        break;
    default:
        if (!medium) {
            atapi_cmd_error(s, SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT);
            return;
        }
        if (s->media_changed && cdb[0] == 0x00) {
            s->media_changed = false;
            atapi_cmd_error(s, SENSE_UNIT_ATTENTION,
                            ASC_MEDIUM_MAY_HAVE_CHANGED);
            return;
        }
    }
    switch (cdb[0]) {
    case 0x1b:                                 /* START STOP UNIT */
        atapi_start_stop(s, cdb);
        return;
    case 0x1e:                                 /* PREVENT ALLOW REMOVAL */
        if (s->dinfo) {
            s->dinfo->locked = cdb[4] & 1;
        }
        atapi_cmd_ok(s);
        return;
    case 0x00:                                 /* TEST UNIT READY */
    case 0x2b:                                 /* SEEK */
    case 0xbb:                                 /* SET CD SPEED */
        atapi_cmd_ok(s);
        return;
    case 0x03:                                 /* REQUEST SENSE */
        b = g_malloc0(18);
        b[0] = 0x70;
        b[2] = s->sense_key;
        b[7] = 10;
        b[12] = s->asc;
        if (s->sense_key == SENSE_UNIT_ATTENTION) {
            s->media_changed = false;
        }
        s->sense_key = SENSE_NONE;
        s->asc = 0;
        atapi_send(s, b, 18, cdb[4]);
        return;
    case 0x12:                                 /* INQUIRY */
        b = g_malloc0(36);
        b[0] = 0x05;                           /* CD/DVD */
        b[1] = 0x80;                           /* removable */
        b[2] = 0x00;
        b[3] = 0x21;
        b[4] = 36 - 5;
        memcpy(b + 8, "QEMU    ", 8);
        memcpy(b + 16, "QEMU DVD-ROM    ", 16);
        memcpy(b + 32, "2.5+", 4);
        atapi_send(s, b, 36, cdb[4]);
        return;
    case 0x25:                                 /* READ CAPACITY */
        b = g_malloc0(8);
        st32(b, atapi_capacity(s) ? atapi_capacity(s) - 1 : 0);
        st32(b + 4, ATAPI_SECTOR_SIZE);
        atapi_send(s, b, 8, 8);
        return;
    case 0x28:                                 /* READ(10) */
        atapi_read(s, be32(cdb + 2), be16(cdb + 7));
        return;
    case 0xa8:                                 /* READ(12) */
        atapi_read(s, be32(cdb + 2), be32(cdb + 6));
        return;
    case 0x5a:                                 /* MODE SENSE(10) */
        b = g_malloc0(36);
        len = atapi_mode_sense(s, cdb, b);
        if (len < 0) {
            g_free(b);
            atapi_cmd_error(s, SENSE_ILLEGAL_REQUEST,
                            ASC_INV_FIELD_IN_CMD_PACKET);
            return;
        }
        atapi_send(s, b, len, be16(cdb + 7));
        return;
    case 0x43:                                 /* READ TOC */
        b = g_malloc0(20);
        len = atapi_read_toc(s, cdb, b);
        if (len < 0) {
            g_free(b);
            atapi_cmd_error(s, SENSE_ILLEGAL_REQUEST,
                            ASC_INV_FIELD_IN_CMD_PACKET);
            return;
        }
        atapi_send(s, b, len, be16(cdb + 7));
        return;
    case 0x46:                                 /* GET CONFIGURATION */
        b = g_malloc0(8 + 12);
        /* profile list feature: DVD-ROM and CD-ROM, current by medium */
        st16(b + 6, medium ? (atapi_capacity(s) > 1440 * 1024 / 4 * 2
                              ? 0x10 : 0x08) : 0);
        st16(b + 8, 0x0000);
        b[10] = 0x03;
        b[11] = 8;
        st16(b + 12, 0x10);
        b[14] = b[7] == 0x10;
        st16(b + 16, 0x08);
        b[18] = b[7] == 0x08;
        st32(b, 8 + 12 - 4);
        atapi_send(s, b, 20, be16(cdb + 7));
        return;
    case 0x4a:                                 /* GET EVENT STATUS */
        if (!(cdb[1] & 1)) {                   /* only polled mode */
            atapi_cmd_error(s, SENSE_ILLEGAL_REQUEST,
                            ASC_INV_FIELD_IN_CMD_PACKET);
            return;
        }
        b = g_malloc0(8);
        st16(b, 6);
        b[2] = 0x04;                           /* media class */
        b[3] = 0x10;                           /* supported: media */
        b[5] = medium ? 0x02 : 0x00;           /* media present */
        atapi_send(s, b, 8, be16(cdb + 7));
        return;
    case 0xbd:                                 /* MECHANISM STATUS */
        b = g_malloc0(8);
        atapi_send(s, b, 8, be16(cdb + 8));
        return;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "ide-cd: unsupported packet command "
                      "0x%02x\n", cdb[0]);
        atapi_cmd_error(s, SENSE_ILLEGAL_REQUEST, ASC_ILLEGAL_OPCODE);
        return;
    }
}
