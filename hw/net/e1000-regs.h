/*
 * Intel 8254x (82540EM) registers, descriptor formats and PHY registers,
 * from the PCI/PCI-X Family of Gigabit Ethernet Controllers Software
 * Developer's Manual (sections 13 and 3.2-3.3).  Private to hw/net.
 */
#ifndef HW_NET_E1000_REGS_H
#define HW_NET_E1000_REGS_H

/* Register byte offsets in BAR 0 (128 KiB). */
#define E1000_CTRL      0x0000
#define E1000_STATUS    0x0008
#define E1000_EECD      0x0010
#define E1000_EERD      0x0014
#define E1000_CTRL_EXT  0x0018
#define E1000_MDIC      0x0020
#define E1000_ICR       0x00c0
#define E1000_ITR       0x00c4
#define E1000_ICS       0x00c8
#define E1000_IMS       0x00d0
#define E1000_IMC       0x00d8
#define E1000_RCTL      0x0100
#define E1000_TCTL      0x0400
#define E1000_LEDCTL    0x0e00
#define E1000_PBA       0x1000
#define E1000_RDBAL     0x2800
#define E1000_RDBAH     0x2804
#define E1000_RDLEN     0x2808
#define E1000_RDH       0x2810
#define E1000_RDT       0x2818
#define E1000_RDTR      0x2820
#define E1000_RADV      0x282c
#define E1000_TDBAL     0x3800
#define E1000_TDBAH     0x3804
#define E1000_TDLEN     0x3808
#define E1000_TDH       0x3810
#define E1000_TDT       0x3818
#define E1000_TADV      0x382c
#define E1000_RXCSUM    0x5000          /* receive checksum control */
#define E1000_RXCSUM_IPOFL 0x100
#define E1000_RXCSUM_TUOFL 0x200
#define E1000_MTA       0x5200          /* 128 entries */
#define E1000_RA        0x5400          /* 16 RAL/RAH pairs */
#define E1000_VFTA      0x5600
#define E1000_MANC      0x5820
#define E1000_REG_SIZE  0x20000

/* Statistics (clear on read). */
#define E1000_STATS_FIRST 0x4000
#define E1000_STATS_LAST  0x40fc
#define E1000_GPRC      0x4074
#define E1000_BPRC      0x4078
#define E1000_MPRC      0x407c
#define E1000_GPTC      0x4080
#define E1000_GORCL     0x4088
#define E1000_GORCH     0x408c
#define E1000_GOTCL     0x4090
#define E1000_GOTCH     0x4094
#define E1000_RNBC      0x40a0
#define E1000_TORL      0x40c0
#define E1000_TORH      0x40c4
#define E1000_TOTL      0x40c8
#define E1000_TOTH      0x40cc
#define E1000_TPR       0x40d0
#define E1000_TPT       0x40d4
#define E1000_MPTC      0x40f0
#define E1000_BPTC      0x40f4

#define E1000_CTRL_SLU      0x00000040
#define E1000_CTRL_RST      0x04000000
#define E1000_CTRL_VME      0x40000000
#define E1000_CTRL_PHY_RST  0x80000000

#define E1000_STATUS_FD         0x00000001
#define E1000_STATUS_LU         0x00000002
#define E1000_STATUS_SPEED_1000 0x00000080
#define E1000_STATUS_ASDV_1000  0x00000200
#define E1000_STATUS_MTXCKOK    0x00000400
#define E1000_STATUS_GIO_MASTER 0x00080000

#define E1000_EECD_SK   0x001
#define E1000_EECD_CS   0x002
#define E1000_EECD_DI   0x004
#define E1000_EECD_DO   0x008
#define E1000_EECD_REQ  0x040
#define E1000_EECD_GNT  0x080
#define E1000_EECD_PRES 0x100

#define E1000_EERD_START      0x01
#define E1000_EERD_DONE       0x10
#define E1000_EERD_ADDR_SHIFT 8
#define E1000_EERD_DATA_SHIFT 16

#define E1000_MDIC_DATA_MASK  0x0000ffff
#define E1000_MDIC_REG_SHIFT  16
#define E1000_MDIC_PHY_SHIFT  21
#define E1000_MDIC_OP_WRITE   0x04000000
#define E1000_MDIC_OP_READ    0x08000000
#define E1000_MDIC_READY      0x10000000
#define E1000_MDIC_INT_EN     0x20000000
#define E1000_MDIC_ERROR      0x40000000

/* Interrupt causes (ICR/ICS/IMS/IMC). */
#define E1000_ICR_TXDW    0x00000001
#define E1000_ICR_TXQE    0x00000002
#define E1000_ICR_LSC     0x00000004
#define E1000_ICR_RXDMT0  0x00000010
#define E1000_ICR_RXO     0x00000040
#define E1000_ICR_RXT0    0x00000080
#define E1000_ICR_MDAC    0x00000200
#define E1000_ICR_INT_ASSERTED 0x80000000

#define E1000_RCTL_EN     0x00000002
#define E1000_RCTL_UPE    0x00000008
#define E1000_RCTL_MPE    0x00000010
#define E1000_RCTL_RDMTS_SHIFT 8
#define E1000_RCTL_MO_SHIFT    12
#define E1000_RCTL_BAM    0x00008000
#define E1000_RCTL_BSIZE_SHIFT 16
#define E1000_RCTL_VFE    0x00040000
#define E1000_RCTL_BSEX   0x02000000
#define E1000_RCTL_SECRC  0x04000000

#define E1000_TCTL_EN     0x00000002

#define E1000_RAH_AV      0x80000000

/* Descriptors: 16 bytes each. */
#define E1000_DESC_SIZE   16

#define E1000_RXD_STAT_DD   0x01
#define E1000_RXD_STAT_EOP  0x02
#define E1000_RXD_STAT_IXSM 0x04
#define E1000_RXD_STAT_VP   0x08
#define E1000_RXD_STAT_TCPCS 0x20    /* TCP/UDP checksum checked, good */
#define E1000_RXD_STAT_IPCS 0x40     /* IPv4 header checksum checked, good */

/* TX descriptor dword 2 (lower): length, DTYP, command. */
#define E1000_TXD_DTYP_D    0x00100000
#define E1000_TXD_CMD_EOP   0x01000000
#define E1000_TXD_CMD_IC    0x04000000      /* legacy: insert checksum */
#define E1000_TXD_CMD_TSE   0x04000000      /* data: segmentation */
#define E1000_TXD_CMD_RS    0x08000000
#define E1000_TXD_CMD_RPS   0x10000000
#define E1000_TXD_CMD_DEXT  0x20000000
#define E1000_TXD_CMD_VLE   0x40000000
#define E1000_TXD_CMD_TCP   0x01000000      /* context TUCMD */
#define E1000_TXD_CMD_IP    0x02000000      /* context TUCMD: IPv4 */
/* TX descriptor dword 3 (upper): status, popts / css, special. */
#define E1000_TXD_STAT_DD   0x00000001
#define E1000_TXD_POPTS_IXSM 0x00000100
#define E1000_TXD_POPTS_TXSM 0x00000200

/* PHY (Marvell 88E1011) registers reached through MDIC, PHY address 1. */
#define E1000_PHY_ADDR      1
#define PHY_CTRL            0x00
#define PHY_STATUS          0x01
#define PHY_ID1             0x02
#define PHY_ID2             0x03
#define PHY_AUTONEG_ADV     0x04
#define PHY_LP_ABILITY      0x05
#define PHY_AUTONEG_EXP     0x06
#define PHY_1000T_CTRL      0x09
#define PHY_1000T_STATUS    0x0a
#define PHY_EXT_STATUS      0x0f
#define M88_PHY_SPEC_CTRL   0x10
#define M88_PHY_SPEC_STATUS 0x11
#define M88_EXT_PHY_SPEC_CTRL 0x14
#define E1000_PHY_REGS      0x20

#define MII_CR_RESTART_AUTO_NEG 0x0200
#define MII_CR_RESET            0x8000
#define MII_SR_LINK_STATUS      0x0004
#define MII_SR_AUTONEG_COMPLETE 0x0020
#define M88_PSSR_LINK           0x0400

#endif
