/*
 * AHCI 1.3.1 host bus adapter (the ICH9's SATA controller in AHCI mode):
 * the state shared by the HBA register file (hw/block/ahci-hba.c), the
 * command engine (ahci-cmd.c) and the PCI function "ich9-ahci"
 * (ahci-pci.c).  Each port drives one ATA/ATAPI device through kemu's
 * task-file command layer (hw/block/ide.h), one IDEBus per port.
 */
#ifndef HW_BLOCK_AHCI_H
#define HW_BLOCK_AHCI_H

#include "qemu/osdep.h"
#include "exec/memory.h"
#include "hw/pci/pci.h"
#include "hw/block/ide.h"

#define TYPE_ICH9_AHCI "ich9-ahci"
#define AHCI_NUM_PORTS 6
#define AHCI_NUM_SLOTS 32
#define AHCI_ABAR_SIZE 0x1000          /* BAR5, as QEMU's */
#define AHCI_IDP_SIZE 0x20             /* BAR4: index/data pair */

/* Port interrupt status bits (PxIS/PxIE, AHCI 1.3.1 section 3.3.5) */
#define AHCI_PX_IS_DHRS  (1u << 0)     /* D2H register FIS */
#define AHCI_PX_IS_PSS   (1u << 1)     /* PIO setup FIS */
#define AHCI_PX_IS_SDBS  (1u << 3)     /* set device bits FIS */
#define AHCI_PX_IS_TFES  (1u << 30)    /* task file error */

typedef struct AHCIState AHCIState;

typedef struct AHCIPort {
    AHCIState *hba;
    int index;
    IDEBus ide;                 /* unit 0: the port's device */
    IRQLine *ide_irq;           /* the device's INTRQ, into us */
    BusState *qbus;             /* "<id>.N": where ide-hd/ide-cd plug */

    /* registers (section 3.3) */
    uint32_t clb, clbu, fb, fbu, is, ie, cmd, tfd, sig;
    uint32_t ssts, sctl, serr, sact, ci;

    /* the command being executed */
    int slot;                   /* -1: none */
    bool running;               /* inside the engine: device IRQs wait */
    bool halted;                /* a task-file error: wait for ST=0 */
    bool ncq;
    bool write;                 /* host to device (header W bit) */
    uint8_t acmd[16];           /* ATAPI command */
    uint64_t ctba;              /* command table */
    uint32_t prdtl;             /* PRDT entries */
    uint32_t prd_idx;           /* PRD walk: next entry */
    uint64_t prd_addr;          /* guest address in the current entry */
    uint32_t prd_left;          /* bytes left in the current entry */
    uint32_t prdbc;             /* bytes transferred (PRDBC) */
} AHCIPort;

struct AHCIState {
    PCIDevice *pci;             /* DMA, INTx and MSI */
    uint32_t cap, ghc, is, pi, vs, cap2;
    uint32_t idp_index;         /* BAR4 INDEX register */
    bool irq_level;             /* INTx as last driven */
    AHCIPort port[AHCI_NUM_PORTS];
};

/* ahci-hba.c: the register file at ABAR (and through BAR4's pair) */
void ahci_hba_init(AHCIState *s, PCIDevice *pci);
void ahci_hba_reset(AHCIState *s);
uint32_t ahci_hba_read(AHCIState *s, uint32_t offset);
void ahci_hba_write(AHCIState *s, uint32_t offset, uint32_t val);
/* Raise @bits in a port's PxIS and update the interrupt outputs. */
void ahci_port_raise(AHCIPort *p, uint32_t bits);
/* COMRESET: reset the device and report its signature FIS. */
void ahci_port_comreset(AHCIPort *p);

/* ahci-cmd.c: command list processing */
void ahci_port_init(AHCIPort *p);
/* Run the commands of PxCI, one at a time, while PxCMD.ST is set. */
void ahci_port_run(AHCIPort *p);
/* PxCMD.ST cleared or a reset: forget the command in progress. */
void ahci_port_stop(AHCIPort *p);
/* Write a received FIS at @offset of the port's FIS area (if enabled). */
void ahci_port_post_fis(AHCIPort *p, uint32_t offset, const uint8_t *fis,
                        int len);
/* The device's task-file registers as a D2H register FIS. */
void ahci_port_post_d2h(AHCIPort *p, bool irq);

/**
 * ich9_ahci_init - the on-board AHCI function of a board (q35's 00:1f.2)
 * @bus: the PCI bus
 * @devfn: its slot and function
 * @bus_prefix: its IDE buses are "<prefix>.0" .. "<prefix>.5"
 * @errp: error
 *
 * Creates and realizes an ich9-ahci at @devfn and attaches the if=ide
 * drives: drive index N (-hda N=0, -cdrom N=2) on port N, as QEMU's q35
 * does with one unit per bus.  Returns the device or NULL with @errp set.
 */
PCIDevice *ich9_ahci_init(PCIBus *bus, int devfn, const char *bus_prefix,
                          Error **errp);

#endif
