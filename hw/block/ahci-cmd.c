/*
 * AHCI 1.3.1 command engine of one port (sections 4.2, 5 and 10.3): the
 * command list header of a slot, the command table with its H2D register
 * FIS, ATAPI command and PRDT, and the FISes the device sends back into
 * the received-FIS area.  The ATA/ATAPI command itself runs in kemu's
 * task-file layer (ide-core.c, ide-atapi.c): the H2D FIS is written into
 * its registers, PIO data moves between its buffer and the PRDT, DMA goes
 * through IDEDMAOps over the PRDT (zero-copy in the block worker pool when
 * every entry is RAM).  READ/WRITE FPDMA QUEUED run as READ/WRITE DMA EXT
 * one tag at a time and complete with a Set Device Bits FIS.  Not
 * modelled: port multipliers, BIST and data FISes, ATAPI PIO data-out.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/block/ahci.h"

/* Received-FIS area offsets (section 4.2.1) */
#define RFIS_PSFIS 0x20
#define RFIS_RFIS  0x40
#define RFIS_SDBFIS 0x58

#define FIS_TYPE_H2D 0x27
#define FIS_TYPE_D2H 0x34
#define FIS_TYPE_PIO_SETUP 0x5f
#define FIS_TYPE_SDB 0xa1
#define FIS_I      0x40                /* interrupt bit of a D2H FIS */
#define FIS_C      0x80                /* H2D: command register update */

/* Command header DW0 (section 4.2.2) */
#define CMDH_CFL_MASK 0x1f
#define CMDH_ATAPI (1u << 5)
#define CMDH_WRITE (1u << 6)
#define CMDH_SIZE 32

#define CMDT_ACMD 0x40
#define CMDT_PRDT 0x80
#define PRD_SIZE 16
#define PRD_DBC_MASK 0x3fffff          /* byte count - 1, up to 4 MiB */

#define ATA_READ_FPDMA 0x60
#define ATA_WRITE_FPDMA 0x61
#define ATA_READ_DMA_EXT 0x25
#define ATA_WRITE_DMA_EXT 0x35
#define ATA_PACKET 0xa0
#define ATA_IDENTIFY 0xec
#define ATA_IDNF_ERR 0x10

static uint32_t ld32(const uint8_t *b)
{
    return b[0] | (b[1] << 8) | (b[2] << 16) | ((uint32_t)b[3] << 24);
}

static void st32(uint8_t *b, uint32_t v)
{
    b[0] = v;
    b[1] = v >> 8;
    b[2] = v >> 16;
    b[3] = v >> 24;
}

static PCIDevice *port_pci(AHCIPort *p)
{
    return p->hba->pci;
}

static uint64_t port_fb(AHCIPort *p)
{
    return p->fb | ((uint64_t)p->fbu << 32);
}

static uint64_t port_clb(AHCIPort *p)
{
    return p->clb | ((uint64_t)p->clbu << 32);
}

void ahci_port_post_fis(AHCIPort *p, uint32_t offset, const uint8_t *fis,
                        int len)
{
    /* FISes arriving while FRE is clear are not stored (section 3.3.7). */
    if (!(p->cmd & (1u << 4))) {
        return;
    }
    if (pci_dma_write(port_pci(p), port_fb(p) + offset, fis, len) !=
        MEMTX_OK) {
        qemu_log_mask(LOG_GUEST_ERROR, "ahci: port %d: FIS area 0x%" PRIx64
                      " is not memory\n", p->index, port_fb(p));
    }
}

/* The device's task-file registers, as it reports them in a FIS. */
static void ahci_fill_tf(AHCIPort *p, uint8_t *fis)
{
    IDEState *s = &p->ide.ifs[0];

    fis[2] = s->status;
    fis[3] = s->error;
    fis[4] = s->sector;
    fis[5] = s->lcyl;
    fis[6] = s->hcyl;
    fis[7] = s->select;
    fis[8] = s->hob_sector;
    fis[9] = s->hob_lcyl;
    fis[10] = s->hob_hcyl;
    fis[12] = s->nsector;
    fis[13] = s->hob_nsector;
    p->tfd = s->status | (s->error << 8);
}

void ahci_port_post_d2h(AHCIPort *p, bool irq)
{
    uint8_t fis[20] = { FIS_TYPE_D2H, irq ? FIS_I : 0 };

    ahci_fill_tf(p, fis);
    ahci_port_post_fis(p, RFIS_RFIS, fis, sizeof(fis));
}

/* ---- PRDT (section 4.2.3.3) ---- */

static void ahci_prd_rewind(AHCIPort *p)
{
    p->prd_idx = 0;
    p->prd_left = 0;
    p->prdbc = 0;
}

/* Load entry @i: false when it is past the table or the table is not
 * in memory. */
static bool ahci_prd_load(AHCIPort *p, uint32_t i, uint64_t *addr,
                          uint32_t *len)
{
    uint8_t e[PRD_SIZE];

    if (i >= p->prdtl ||
        pci_dma_read(port_pci(p), p->ctba + CMDT_PRDT + i * PRD_SIZE, e,
                     sizeof(e)) != MEMTX_OK) {
        return false;
    }
    *addr = ld32(e) | ((uint64_t)ld32(e + 4) << 32);
    *addr &= ~1ull;                    /* word aligned */
    *len = (ld32(e + 12) & PRD_DBC_MASK) + 1;
    return true;
}

/* Move @len bytes between @buf and the PRDT from where the walk is. */
static int ahci_prd_rw(AHCIPort *p, uint8_t *buf, int len, bool to_guest)
{
    int done = 0;

    while (done < len) {
        if (!p->prd_left) {
            if (!ahci_prd_load(p, p->prd_idx, &p->prd_addr, &p->prd_left)) {
                qemu_log_mask(LOG_GUEST_ERROR, "ahci: port %d: PRDT of %u "
                              "entries ends before the data\n", p->index,
                              p->prdtl);
                break;
            }
            p->prd_idx++;
        }
        uint32_t n = MIN((uint32_t)(len - done), p->prd_left);
        if (pci_dma_rw(port_pci(p), p->prd_addr, buf + done, n, to_guest) !=
            MEMTX_OK) {
            qemu_log_mask(LOG_GUEST_ERROR, "ahci: port %d: PRD address 0x%"
                          PRIx64 " is not memory\n", p->index, p->prd_addr);
            break;
        }
        p->prd_addr += n;
        p->prd_left -= n;
        done += n;
    }
    p->prdbc += done;
    return done;
}

static int ahci_dma_rw(void *opaque, uint8_t *buf, int len, bool to_guest)
{
    return ahci_prd_rw(opaque, buf, len, to_guest);
}

/* The PRDT from its start as host iovecs (IDEDMAOps.map). */
static int ahci_dma_map(void *opaque, int len, bool to_guest,
                        struct iovec *iov, uint64_t *addr, int max)
{
    AHCIPort *p = opaque;
    int n = 0, want = len;

    if (!pci_bus_master_enabled(port_pci(p))) {
        return -1;
    }
    for (uint32_t i = 0; len > 0; i++) {
        uint64_t a;
        uint32_t count;
        if (!ahci_prd_load(p, i, &a, &count)) {
            return -1;
        }
        count = MIN(count, (uint32_t)len);
        len -= count;
        n = ide_dma_map_range(a, count, to_guest, iov, addr, n, max);
        if (n < 0) {
            return -1;                 /* rw() then reports the error */
        }
    }
    p->prdbc = want;
    return n;
}

static void ahci_dma_done(void *opaque, bool error)
{
    /* The device's status tells the outcome; see ahci_port_finish(). */
}

static const IDEDMAOps ahci_dma_ops = {
    .rw = ahci_dma_rw,
    .done = ahci_dma_done,
    .map = ahci_dma_map,
    .unmap = ide_dma_unmap_ram,
};

/* ---- command completion ---- */

static void ahci_write_prdbc(AHCIPort *p)
{
    uint8_t v[4];

    st32(v, p->prdbc);
    pci_dma_write(port_pci(p), port_clb(p) + p->slot * CMDH_SIZE + 4, v, 4);
}

/* The device finished the command of p->slot (section 5.3.8/5.3.15). */
static void ahci_port_finish(AHCIPort *p)
{
    IDEState *s = &p->ide.ifs[0];
    uint32_t bit = 1u << p->slot;
    bool error = s->status & IDE_ERR_STAT;

    ahci_write_prdbc(p);
    p->slot = -1;
    if (error) {
        /* The HBA stops: the command stays in PxCI (and PxSACT) until
         * software clears PxCMD.ST (section 6.2.2). */
        ahci_port_post_d2h(p, true);
        p->halted = true;
        ahci_port_raise(p, AHCI_PX_IS_TFES);
        return;
    }
    p->ci &= ~bit;
    if (p->ncq) {
        uint8_t sdb[8] = { FIS_TYPE_SDB, FIS_I, s->status & 0x77, s->error };
        st32(sdb + 4, bit);
        p->tfd = s->status | (s->error << 8);
        p->sact &= ~bit;
        ahci_port_post_fis(p, RFIS_SDBFIS, sdb, sizeof(sdb));
        ahci_port_raise(p, AHCI_PX_IS_SDBS);
    } else {
        ahci_port_post_d2h(p, true);
        ahci_port_raise(p, AHCI_PX_IS_DHRS);
    }
}

/* PIO data-in: the PIO Setup FIS carries the ending status (E_Status). */
static void ahci_post_pio_setup(AHCIPort *p, int len)
{
    uint8_t fis[20] = { FIS_TYPE_PIO_SETUP, FIS_I | 0x20 };

    ahci_fill_tf(p, fis);
    fis[15] = IDE_READY_STAT | IDE_SEEK_STAT;
    fis[16] = len;
    fis[17] = len >> 8;
    ahci_port_post_fis(p, RFIS_PSFIS, fis, sizeof(fis));
}

/*
 * Move the device's data phases through the PRDT until the command is
 * done (true) or waits for the block layer (false).
 */
static bool ahci_port_pump(AHCIPort *p)
{
    IDEState *s = &p->ide.ifs[0];
    bool pio_in = false;

    for (;;) {
        if (p->ide.dma_pending) {
            ide_dma_run(&p->ide);
            continue;
        }
        if (!(s->status & IDE_DRQ_STAT) || !s->end_transfer) {
            break;
        }
        int len = s->data_end - s->data_ptr;
        uint8_t *buf = s->io_buffer + s->data_ptr;
        if (s->end_transfer == ide_atapi_cmd) {
            memcpy(buf, p->acmd, MIN(len, (int)sizeof(p->acmd)));
        } else if (p->write) {
            if (ahci_prd_rw(p, buf, len, false) != len) {
                ide_abort_command(s);
                break;
            }
        } else {
            if (ahci_prd_rw(p, buf, len, true) != len) {
                ide_abort_command(s);
                break;
            }
            pio_in = true;
        }
        s->data_ptr = s->data_end;
        s->end_transfer(s);
    }
    if (s->status & (IDE_BUSY_STAT | IDE_DRQ_STAT)) {
        return false;                  /* async DMA, or werror=stop */
    }
    if (pio_in && !(s->status & IDE_ERR_STAT)) {
        ahci_post_pio_setup(p, p->prdbc);
    }
    return true;
}

/* H2D FIS without the C bit: a device control update (SRST). */
static void ahci_port_control(AHCIPort *p, const uint8_t *fis)
{
    uint8_t ctl = fis[15];

    ide_ctrl_write(&p->ide, ctl & ~IDE_CTRL_NIEN);
    p->ci &= ~(1u << p->slot);
    p->slot = -1;
    if (!(ctl & IDE_CTRL_SRST)) {
        /* Reset released: the device sends its signature. */
        IDEState *d = &p->ide.ifs[0];
        p->sig = d->nsector | (d->sector << 8) | (d->lcyl << 16) |
                 ((uint32_t)d->hcyl << 24);
        ahci_port_post_d2h(p, true);
        ahci_port_raise(p, AHCI_PX_IS_DHRS);
    }
}

/* A command the guest got wrong: abort it as the device would. */
static void ahci_port_abort(AHCIPort *p, const char *why)
{
    IDEState *s = &p->ide.ifs[0];

    qemu_log_mask(LOG_GUEST_ERROR, "ahci: port %d slot %d: %s\n", p->index,
                  p->slot, why);
    ide_abort_command(s);
    ahci_port_finish(p);
}

/* Fetch and start the command in @slot; true when it finished already. */
static bool ahci_port_start(AHCIPort *p, int slot)
{
    IDEState *s = &p->ide.ifs[0];
    IDEBus *bus = &p->ide;
    uint8_t hdr[CMDH_SIZE], fis[64];

    p->slot = slot;
    p->ncq = false;
    ahci_prd_rewind(p);
    if (pci_dma_read(port_pci(p), port_clb(p) + slot * CMDH_SIZE, hdr,
                     sizeof(hdr)) != MEMTX_OK) {
        p->prdtl = 0;
        p->ctba = 0;
        ahci_port_abort(p, "command list is not memory");
        return true;
    }
    uint32_t dw0 = ld32(hdr);
    uint32_t cfl = dw0 & CMDH_CFL_MASK;
    p->write = dw0 & CMDH_WRITE;
    p->prdtl = dw0 >> 16;
    p->ctba = (ld32(hdr + 8) & ~0x7fu) |
              ((uint64_t)ld32(hdr + 12) << 32);
    if (!s->present) {
        ahci_port_abort(p, "no device");
        return true;
    }
    if (cfl < 5 || cfl > 16) {
        ahci_port_abort(p, "command FIS length out of range");
        return true;
    }
    if (pci_dma_read(port_pci(p), p->ctba, fis, cfl * 4) != MEMTX_OK ||
        pci_dma_read(port_pci(p), p->ctba + CMDT_ACMD, p->acmd,
                     sizeof(p->acmd)) != MEMTX_OK) {
        ahci_port_abort(p, "command table is not memory");
        return true;
    }
    if (fis[0] != FIS_TYPE_H2D) {
        ahci_port_abort(p, "not a register H2D FIS");
        return true;
    }
    if (!(fis[1] & FIS_C)) {
        ahci_port_control(p, fis);
        return true;
    }

    uint8_t cmd = fis[2];
    uint8_t feature = fis[3], hob_feature = fis[11];
    uint8_t count = fis[12], hob_count = fis[13];
    if (cmd == ATA_READ_FPDMA || cmd == ATA_WRITE_FPDMA) {
        /* FPDMA: the count is in the features, the tag in the count. */
        if (!(p->sact & (1u << slot)) || (count >> 3) != slot) {
            ahci_port_abort(p, "queued command without its PxSACT tag");
            return true;
        }
        p->ncq = true;
        p->write = cmd == ATA_WRITE_FPDMA;
        count = feature;
        hob_count = hob_feature;
        feature = hob_feature = 0;
        cmd = p->write ? ATA_WRITE_DMA_EXT : ATA_READ_DMA_EXT;
    }
    /* Each register takes its previous value as the HOB byte. */
    ide_ctrl_write(bus, 0);
    ide_ioport_write(bus, 1, hob_feature);
    ide_ioport_write(bus, 1, feature);
    ide_ioport_write(bus, 2, hob_count);
    ide_ioport_write(bus, 2, count);
    ide_ioport_write(bus, 3, fis[8]);
    ide_ioport_write(bus, 3, fis[4]);
    ide_ioport_write(bus, 4, fis[9]);
    ide_ioport_write(bus, 4, fis[5]);
    ide_ioport_write(bus, 5, fis[10]);
    ide_ioport_write(bus, 5, fis[6]);
    ide_ioport_write(bus, 6, fis[7] & ~0x10);       /* unit 0 */
    ide_ioport_write(bus, 7, cmd);
    if (ahci_port_pump(p)) {
        ahci_port_finish(p);
        return true;
    }
    return false;
}

void ahci_port_run(AHCIPort *p)
{
    if (p->running) {
        return;                        /* the loop below picks it up */
    }
    p->running = true;
    while (p->slot < 0 && !p->halted && (p->cmd & 1) && p->ci) {
        /* Lowest slot first; a queued command's tag is its slot. */
        int slot = __builtin_ctz(p->ci);
        p->cmd = (p->cmd & ~(0x1fu << 8)) | (slot << 8);   /* CCS */
        ahci_port_start(p, slot);
    }
    p->running = false;
}

void ahci_port_stop(AHCIPort *p)
{
    p->ci = 0;
    p->sact = 0;
    p->slot = -1;
    p->halted = false;
    p->ide.dma_pending = NULL;
    /* A DMA still in the block layer completes into a stale generation. */
    p->ide.ifs[0].dma_gen++;
}

/* The device raised INTRQ: an asynchronous DMA may have finished. */
static void ahci_port_ide_irq(void *opaque, int n, int level)
{
    AHCIPort *p = opaque;

    if (!level || p->running || p->slot < 0) {
        return;
    }
    p->running = true;
    if (ahci_port_pump(p)) {
        ahci_port_finish(p);
    }
    p->running = false;
    ahci_port_run(p);
}

void ahci_port_init(AHCIPort *p)
{
    p->slot = -1;
    p->ide_irq = irq_line_new(ahci_port_ide_irq, p, 0);
    ide_bus_init(&p->ide, p->ide_irq);
    ide_bus_set_dma(&p->ide, &ahci_dma_ops, p);
    p->ide.sata = true;
}
