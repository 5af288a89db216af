/*
 * IDE (ATA/ATAPI) bus and drives, independent of the controller: the
 * task-file registers, PIO data transfer, ATA commands (ATA/ATAPI-6
 * command set subset: IDENTIFY, READ/WRITE SECTORS/MULTIPLE/DMA in 28-
 * and 48-bit LBA, FLUSH CACHE, SET FEATURES) and ATAPI packet commands
 * for a CD-ROM (MMC subset Linux's sr driver uses).  A controller (PIIX
 * IDE) maps the ports, wires the IRQ and provides bus-master DMA.
 */
#ifndef HW_BLOCK_IDE_H
#define HW_BLOCK_IDE_H

#include "qemu/osdep.h"
#include "hw/irq.h"
#include "block/block.h"
#include "block/blockdev.h"

/* Status register */
#define IDE_ERR_STAT   0x01
#define IDE_DRQ_STAT   0x08
#define IDE_SEEK_STAT  0x10
#define IDE_READY_STAT 0x40
#define IDE_BUSY_STAT  0x80
/* Error register */
#define IDE_ABRT_ERR   0x04
/* Device control register */
#define IDE_CTRL_NIEN  0x02
#define IDE_CTRL_SRST  0x04
#define IDE_CTRL_HOB   0x80

/* ATAPI interrupt reason (sector count register) */
#define ATAPI_INT_REASON_CD 0x01
#define ATAPI_INT_REASON_IO 0x02

#define IDE_SECTOR_SIZE 512
#define ATAPI_SECTOR_SIZE 2048
/* PIO buffer: 256 sectors (the largest READ MULTIPLE block is 16). */
#define IDE_IO_BUFFER_SIZE (256 * IDE_SECTOR_SIZE)

typedef struct IDEBus IDEBus;
typedef struct IDEState IDEState;
typedef void IDEEndTransferFunc(IDEState *s);

/*
 * Bus-master DMA as the controller provides it: move @len bytes between
 * @buf and the guest through the current PRD table; returns the bytes
 * moved (less than @len when the table ends early).
 */
typedef struct IDEDMAOps {
    int (*rw)(void *opaque, uint8_t *buf, int len, bool to_guest);
    /* The command finished (error: the transfer failed). */
    void (*done)(void *opaque, bool error);
    /*
     * Optional zero-copy DMA: map the first @len bytes the current PRD
     * table describes into at most @max host iovecs (@addr: their guest
     * addresses), moving no data and leaving rw()'s walk untouched.
     * Returns the element count, or -1 when the table is shorter, leaves
     * RAM or needs more elements (the transfer then goes through rw()).
     * unmap() is called once the data has moved.
     */
    int (*map)(void *opaque, int len, bool to_guest, struct iovec *iov,
               uint64_t *addr, int max);
    void (*unmap)(void *opaque, const struct iovec *iov,
                  const uint64_t *addr, int niov, bool to_guest);
} IDEDMAOps;

struct IDEState {
    IDEBus *bus;
    int unit;
    BlockBackend *blk;          /* NULL: no medium / no drive */
    DriveInfo *dinfo;           /* werror/rerror; NULL: QEMU's defaults */
    bool present;
    bool is_cdrom;
    char serial[21];
    char model[41];             /* IDENTIFY model; "" for QEMU's default */
    uint64_t nb_sectors;        /* 512-byte sectors */
    int cylinders, heads, sectors;

    /* task file */
    uint8_t feature, error, status, select;
    uint8_t nsector, sector, lcyl, hcyl;
    uint8_t hob_feature, hob_nsector, hob_sector, hob_lcyl, hob_hcyl;
    bool lba48;
    int mult_sectors;

    /* PIO */
    uint8_t *io_buffer;
    int data_ptr, data_end;
    IDEEndTransferFunc *end_transfer;

    /* ATA transfer in progress */
    uint64_t xfer_lba;
    uint32_t xfer_left;         /* sectors */
    int xfer_block;             /* sectors per DRQ block */
    bool dma_write;
    int dma_fetched;            /* bytes of a failed DMA write in io_buffer */
    uint32_t dma_gen;           /* bumped by a new command or a reset: the
                                 * completion of an older DMA is dropped */
    bool dsm;                   /* the DMA command is a DSM TRIM */
    int dsm_pos;                /* next TRIM range entry in io_buffer */

    /* ATAPI */
    uint8_t sense_key, asc;
    bool media_changed;
    uint8_t *atapi_buf;         /* response or READ data */
    int atapi_len, atapi_pos;
    int atapi_byte_limit;
    bool atapi_dma;
};

struct IDEBus {
    IDEState ifs[2];
    int unit;                   /* selected drive */
    uint8_t cmd;                /* device control register */
    IRQLine *irq;
    const IDEDMAOps *dma_ops;
    void *dma_opaque;
    IDEState *dma_pending;      /* a DMA command waiting for the engine */
    bool sata;                  /* behind AHCI: IDENTIFY reports SATA and
                                 * NCQ (queue depth 32) */
};

/* Set up @bus with @irq; drives attach with ide_drive_attach(). */
void ide_bus_init(IDEBus *bus, IRQLine *irq);
void ide_bus_set_dma(IDEBus *bus, const IDEDMAOps *ops, void *opaque);
/* nb_sectors from the medium's current length. */
void ide_drive_update_size(IDEState *s);
void ide_drive_attach(IDEBus *bus, int unit, BlockBackend *blk, bool cdrom,
                      const char *serial);
void ide_bus_reset(IDEBus *bus);

/* Command block (0x1f0-0x1f7: @addr 0..7) and control (0x3f6). */
uint32_t ide_ioport_read(IDEBus *bus, uint32_t addr);
void ide_ioport_write(IDEBus *bus, uint32_t addr, uint32_t val);
uint32_t ide_status_read(IDEBus *bus);           /* alternate status */
void ide_ctrl_write(IDEBus *bus, uint32_t val);
uint32_t ide_data_read(IDEBus *bus, int size);   /* 2 or 4 bytes */
void ide_data_write(IDEBus *bus, uint32_t val, int size);

/*
 * For a controller's IDEDMAOps.map: map guest [@a, @a + @count) into
 * host iovecs from element @n on (at most @max; @addr: their guest
 * addresses).  Returns the new element count, or -1 if it is not RAM.
 */
int ide_dma_map_range(uint64_t a, uint32_t count, bool to_guest,
                      struct iovec *iov, uint64_t *addr, int n, int max);
/* IDEDMAOps.unmap for RAM mapped so: written RAM may hold translated
 * code, so the memory listeners are told. */
void ide_dma_unmap_ram(void *opaque, const struct iovec *iov,
                       const uint64_t *addr, int niov, bool to_guest);

/* The controller's DMA engine was started: run the pending command. */
void ide_dma_run(IDEBus *bus);

/* ---- shared by ide-core.c and ide-atapi.c ---- */
void ide_set_irq(IDEBus *bus);
void ide_transfer_start(IDEState *s, int size, IDEEndTransferFunc *end);
void ide_transfer_stop(IDEState *s);
void ide_abort_command(IDEState *s);
void ide_atapi_identify(IDEState *s);
void ide_atapi_cmd(IDEState *s);          /* a PACKET's 12 bytes arrived */
void ide_atapi_dma(IDEState *s);
void ide_atapi_reset(IDEState *s);
void ide_padstr(char *dst, const char *src, int len);

#endif
