/*
 * The e1000 device state shared by e1000.c (registers, EEPROM, PHY,
 * receive) and e1000-tx.c (transmit ring, checksum and TSO offloads).
 */
#ifndef HW_NET_E1000_INT_H
#define HW_NET_E1000_INT_H

#include "hw/pci/pci.h"
#include "net/nic.h"
#include "qemu/main-loop.h"
#include "e1000-regs.h"

#define TYPE_E1000 "e1000"
OBJECT_DECLARE_SIMPLE_TYPE(E1000State, E1000)

#define E1000_EEPROM_WORDS 64
/* Largest frame a TSO context may build (64 KiB payload + headers). */
#define E1000_TX_MAX (64 * KiB + 256)

/* The last context descriptor: where the offloads apply. */
typedef struct E1000TxContext {
    uint8_t ipcss, ipcso, tucss, tucso;
    uint16_t ipcse, tucse;
    uint32_t paylen;
    uint8_t hdr_len;
    uint16_t mss;
    bool ipv4, tcp, tse;
} E1000TxContext;

/* The frame being assembled from data descriptors up to EOP. */
typedef struct E1000TxFrame {
    uint8_t *buf;                /* E1000_TX_MAX bytes */
    size_t size;
    bool tse, ixsm, txsm;        /* from the first data descriptor */
    bool legacy_ic;              /* legacy descriptor with IC */
    uint8_t css, cso;            /* legacy checksum start/offset */
    bool vle;
    uint16_t vlan;
} E1000TxFrame;

/* The microwire EEPROM's serial state (EECD bit-banging). */
typedef struct E1000Eecd {
    bool old_sk;
    int bits_in;                 /* command bits received */
    uint16_t cmd;
    bool reading;
    unsigned addr;
    int out_pos;                 /* data bit being presented, -1 before */
} E1000Eecd;

struct E1000State {
    PCIDevice parent_obj;
    MemoryRegion mmio, io;
    NICState *nic;
    NICConf conf;
    uint32_t *mac;               /* register file, E1000_REG_SIZE bytes */
    uint16_t phy[E1000_PHY_REGS];
    uint16_t eeprom[E1000_EEPROM_WORDS];
    E1000Eecd eecd;
    uint32_t ioaddr;             /* BAR 1 IOADDR window */
    E1000TxContext ctx;
    E1000TxFrame tx;
    /*
     * Interrupt mitigation (property "mitigation"): after an interrupt
     * is raised, new ones wait until ITR/RADV/TADV have elapsed.
     */
    bool mitigation;
    /* QEMU's compatibility switches, accepted and ignored. */
    bool autoneg, extra_mac_regs, migrate_tso_props, init_vet;
    QEMUTimer *mit_timer;
    bool mit_timer_on;
    bool mit_irq_level;
    bool in_xmit;                /* in the TDT write's transmit */
    bool mit_long;               /* the window is E1000_XMIT_WINDOW long */
    bool rx_wanted;              /* data, or a frame from outside, since */
};

static inline uint32_t e1000_reg(E1000State *s, uint32_t off)
{
    return s->mac[off >> 2];
}

static inline void e1000_set_reg(E1000State *s, uint32_t off, uint32_t v)
{
    s->mac[off >> 2] = v;
}

/* Raise the causes in @cause (ICR |= cause) and update INTx. */
void e1000_set_ics(E1000State *s, uint32_t cause);
/* Add @bytes to a 64-bit statistics pair and 1 to @count_reg. */
void e1000_stat_add(E1000State *s, uint32_t count_reg, uint32_t low_reg,
                    uint64_t bytes);

/* Transmit everything between TDH and TDT (e1000-tx.c). */
void e1000_start_xmit(E1000State *s);
void e1000_tx_reset(E1000State *s);

#endif
