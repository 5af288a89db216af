/*
 * AHCI 1.3.1 HBA register file (section 3): generic host control (CAP,
 * GHC with AE/IE/HR, IS, PI, VS, CAP2) and the per-port registers
 * (section 3.3), HBA reset (10.4.3), COMRESET through PxSCTL.DET (10.4.2)
 * and interrupt aggregation into PxIS/IS and INTx or MSI (10.6).
 * Not modelled: command completion coalescing, enclosure management,
 * port multipliers, FIS-based switching, power management states.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/block/ahci.h"

/* Generic host control registers */
#define HBA_CAP   0x00
#define HBA_GHC   0x04
#define HBA_IS    0x08
#define HBA_PI    0x0c
#define HBA_VS    0x10
#define HBA_CAP2  0x24
#define HBA_PORTS 0x100
#define HBA_PORT_SIZE 0x80

#define CAP_S64A  (1u << 31)           /* 64-bit addressing */
#define CAP_SNCQ  (1u << 30)           /* native command queuing */
#define CAP_SCLO  (1u << 24)           /* command list override */
#define CAP_ISS_GEN1 (1u << 20)        /* 1.5 Gbps */
#define CAP_SAM   (1u << 18)           /* AHCI mode only */
#define CAP_NCS_SHIFT 8

#define GHC_HR    (1u << 0)
#define GHC_IE    (1u << 1)
#define GHC_AE    (1u << 31)

/* Port registers */
#define PX_CLB   0x00
#define PX_CLBU  0x04
#define PX_FB    0x08
#define PX_FBU   0x0c
#define PX_IS    0x10
#define PX_IE    0x14
#define PX_CMD   0x18
#define PX_TFD   0x20
#define PX_SIG   0x24
#define PX_SSTS  0x28
#define PX_SCTL  0x2c
#define PX_SERR  0x30
#define PX_SACT  0x34
#define PX_CI    0x38

#define PX_CMD_ST  (1u << 0)
#define PX_CMD_SUD (1u << 1)
#define PX_CMD_POD (1u << 2)
#define PX_CMD_CLO (1u << 3)
#define PX_CMD_FRE (1u << 4)
#define PX_CMD_FR  (1u << 14)
#define PX_CMD_CR  (1u << 15)
/* Software-owned bits kept as written: ATAPI, DLAE, ALPE, ASP. */
#define PX_CMD_RW_BITS (0xfu << 24)

/* PxIS bits that exist (3.3.5) */
#define PX_IS_VALID 0xfdc000ffu
#define SSTS_UP    0x113               /* DET 3, Gen1, IPM active */
#define SERR_DIAG_X (1u << 26)         /* exchanged: COMINIT seen */

/* INTx follows IS; MSI is sent for each new enabled event (Linux reads
 * IS and PxIS once per message). */
static void ahci_update_irq(AHCIState *s, bool event)
{
    for (int i = 0; i < AHCI_NUM_PORTS; i++) {
        if (s->port[i].is & s->port[i].ie) {
            s->is |= 1u << i;
        }
    }
    bool level = (s->ghc & GHC_IE) && s->is;
    if (msi_enabled(s->pci)) {
        if (level && event) {
            msi_notify(s->pci, 0);
        }
        level = false;
    }
    if (level != s->irq_level) {
        s->irq_level = level;
        pci_set_irq(s->pci, level);
    }
}

void ahci_port_raise(AHCIPort *p, uint32_t bits)
{
    p->is |= bits;
    ahci_update_irq(p->hba, (bits & p->ie) != 0);
}

/* Device signature after a reset: Serial ATA's initial D2H FIS. */
void ahci_port_comreset(AHCIPort *p)
{
    IDEState *d = &p->ide.ifs[0];

    ahci_port_stop(p);
    ide_bus_reset(&p->ide);
    if (!d->present) {
        p->ssts = 0;
        p->sig = 0xffffffff;
        p->tfd = 0x7f;
        return;
    }
    p->ssts = SSTS_UP;
    p->serr |= SERR_DIAG_X;
    p->sig = d->nsector | (d->sector << 8) | (d->lcyl << 16) |
             ((uint32_t)d->hcyl << 24);
    ahci_port_post_d2h(p, false);
}

static void ahci_port_reset(AHCIPort *p)
{
    p->clb = p->clbu = p->fb = p->fbu = 0;
    p->is = p->ie = 0;
    p->cmd = PX_CMD_SUD | PX_CMD_POD;
    p->sctl = p->serr = 0;
    p->sact = p->ci = 0;
    ahci_port_comreset(p);
}

void ahci_hba_reset(AHCIState *s)
{
    s->ghc = GHC_AE;
    s->is = 0;
    s->idp_index = 0;
    for (int i = 0; i < AHCI_NUM_PORTS; i++) {
        ahci_port_reset(&s->port[i]);
    }
    ahci_update_irq(s, false);
}

void ahci_hba_init(AHCIState *s, PCIDevice *pci)
{
    s->pci = pci;
    s->cap = CAP_S64A | CAP_SNCQ | CAP_SCLO | CAP_ISS_GEN1 | CAP_SAM |
             ((AHCI_NUM_SLOTS - 1) << CAP_NCS_SHIFT) | (AHCI_NUM_PORTS - 1);
    s->pi = (1u << AHCI_NUM_PORTS) - 1;
    s->vs = 0x00010300;                /* 1.3 */
    s->cap2 = 0;
    for (int i = 0; i < AHCI_NUM_PORTS; i++) {
        s->port[i].hba = s;
        s->port[i].index = i;
        ahci_port_init(&s->port[i]);
    }
}

static uint32_t ahci_port_read(AHCIPort *p, uint32_t reg)
{
    switch (reg) {
    case PX_CLB:  return p->clb;
    case PX_CLBU: return p->clbu;
    case PX_FB:   return p->fb;
    case PX_FBU:  return p->fbu;
    case PX_IS:   return p->is;
    case PX_IE:   return p->ie;
    case PX_CMD:  return p->cmd;
    case PX_TFD:  return p->tfd;
    case PX_SIG:  return p->sig;
    case PX_SSTS: return p->ssts;
    case PX_SCTL: return p->sctl;
    case PX_SERR: return p->serr;
    case PX_SACT: return p->sact;
    case PX_CI:   return p->ci;
    default:      return 0;
    }
}

static void ahci_port_write_cmd(AHCIPort *p, uint32_t val)
{
    uint32_t old = p->cmd;

    p->cmd = (old & (PX_CMD_FR | PX_CMD_CR)) | PX_CMD_SUD | PX_CMD_POD |
             (val & (PX_CMD_ST | PX_CMD_FRE | PX_CMD_RW_BITS));
    if (val & PX_CMD_FRE) {
        p->cmd |= PX_CMD_FR;
    } else {
        p->cmd &= ~PX_CMD_FR;
    }
    /* CLO: the HBA clears BSY and DRQ so a reset FIS can be sent. */
    if ((val & PX_CMD_CLO) && !(val & PX_CMD_ST)) {
        p->tfd &= ~(IDE_BUSY_STAT | IDE_DRQ_STAT);
    }
    if (!(val & PX_CMD_ST)) {
        if (old & PX_CMD_ST) {
            ahci_port_stop(p);
        }
        p->cmd &= ~PX_CMD_CR;
        return;
    }
    if (!(old & PX_CMD_ST)) {
        p->cmd |= PX_CMD_CR;
        p->halted = false;
    }
    ahci_port_run(p);
}

static void ahci_port_write(AHCIPort *p, uint32_t reg, uint32_t val)
{
    switch (reg) {
    case PX_CLB:
        p->clb = val & ~0x3ffu;        /* 1 KiB aligned */
        break;
    case PX_CLBU:
        p->clbu = val;
        break;
    case PX_FB:
        p->fb = val & ~0xffu;          /* 256-byte aligned */
        break;
    case PX_FBU:
        p->fbu = val;
        break;
    case PX_IS:
        p->is &= ~val;
        ahci_update_irq(p->hba, false);
        break;
    case PX_IE:
        p->ie = val & PX_IS_VALID;
        ahci_update_irq(p->hba, (p->is & p->ie) != 0);
        break;
    case PX_CMD:
        ahci_port_write_cmd(p, val);
        break;
    case PX_SCTL:
        /* DET 1 holds the link in COMRESET; releasing it brings it up. */
        if ((p->sctl & 0xf) == 1 && (val & 0xf) != 1) {
            p->sctl = val;
            ahci_port_comreset(p);
        } else {
            p->sctl = val;
            if ((val & 0xf) == 1) {
                ahci_port_stop(p);
                p->ssts = 0;
            }
        }
        break;
    case PX_SERR:
        p->serr &= ~val;
        break;
    case PX_SACT:
        /* Software sets bits for queued commands; only ST=1 counts. */
        if (p->cmd & PX_CMD_ST) {
            p->sact |= val;
        }
        break;
    case PX_CI:
        if (!(p->cmd & PX_CMD_ST)) {
            /* Section 3.3.14: only valid while ST is set.  Report it as
             * the device would report an aborted command. */
            qemu_log_mask(LOG_GUEST_ERROR, "ahci: port %d: command issued "
                          "with PxCMD.ST clear\n", p->index);
            p->tfd = IDE_READY_STAT | IDE_ERR_STAT | (IDE_ABRT_ERR << 8);
            ahci_port_raise(p, AHCI_PX_IS_TFES);
            break;
        }
        p->ci |= val;
        ahci_port_run(p);
        break;
    default:
        break;                         /* read-only or reserved */
    }
}

uint32_t ahci_hba_read(AHCIState *s, uint32_t offset)
{
    if (offset >= HBA_PORTS) {
        uint32_t n = (offset - HBA_PORTS) / HBA_PORT_SIZE;
        if (n < AHCI_NUM_PORTS) {
            return ahci_port_read(&s->port[n],
                                  (offset - HBA_PORTS) % HBA_PORT_SIZE);
        }
        return 0;
    }
    switch (offset) {
    case HBA_CAP:  return s->cap;
    case HBA_GHC:  return s->ghc;
    case HBA_IS:   return s->is;
    case HBA_PI:   return s->pi;
    case HBA_VS:   return s->vs;
    case HBA_CAP2: return s->cap2;
    default:       return 0;
    }
}

void ahci_hba_write(AHCIState *s, uint32_t offset, uint32_t val)
{
    if (offset >= HBA_PORTS) {
        uint32_t n = (offset - HBA_PORTS) / HBA_PORT_SIZE;
        if (n < AHCI_NUM_PORTS) {
            ahci_port_write(&s->port[n],
                            (offset - HBA_PORTS) % HBA_PORT_SIZE, val);
        }
        return;
    }
    switch (offset) {
    case HBA_GHC:
        if (val & GHC_HR) {
            ahci_hba_reset(s);         /* HR reads back 0: done at once */
            return;
        }
        /* AE is read-only 1 with CAP.SAM. */
        s->ghc = GHC_AE | (val & GHC_IE);
        ahci_update_irq(s, s->is != 0);
        break;
    case HBA_IS:
        s->is &= ~val;
        ahci_update_irq(s, false);
        break;
    default:
        break;
    }
}
