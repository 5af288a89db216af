/*
 * ACPI tables of the pc machine for booting without firmware (-kernel
 * bzImage): RSDP, RSDT, XSDT, FADT, FACS, DSDT, MADT and HPET, laid out by the
 * host as SeaBIOS would lay out QEMU's tables.  The builder is a pure
 * function of its configuration, so tests can check every byte.
 */
#ifndef HW_ACPI_ACPI_BUILD_H
#define HW_ACPI_ACPI_BUILD_H

#include "qemu/osdep.h"
#include "qapi/error.h"

#define ACPI_BUILD_MAX_SERIAL   4
#define ACPI_RSDP_SIZE          36      /* ACPI 2.0+ RSDP */

/* A 16550 UART to declare in the DSDT (PNP0501). */
typedef struct AcpiSerialPort {
    uint16_t iobase;
    uint8_t irq;
} AcpiSerialPort;

typedef struct AcpiBuildConfig {
    unsigned ncpus;             /* Local APIC IDs 0 .. ncpus-1 */
    uint64_t lapic_addr;        /* 0xfee00000 */
    uint64_t ioapic_addr;       /* 0xfec00000 */
    uint16_t pm_base;           /* PM1a_EVT; PM1a_CNT +4, PM_TMR +8 */
    uint8_t sci_irq;            /* ISA IRQ (= GSI) of the SCI */
    uint16_t smi_cmd;           /* 0: always in ACPI mode */
    uint8_t acpi_enable, acpi_disable;  /* values written to smi_cmd */
    uint16_t reset_port;        /* 0: no FADT reset register */
    uint8_t reset_value;
    uint8_t s5_slp_typ;         /* PM1_CNT.SLP_TYP for soft-off */
    bool has_i8042, has_rtc, has_pit;
    /* i440FX/PIIX3 PCI: \_SB.PCI0 with the ISA devices in PCI0.ISA */
    bool has_pci;
    uint32_t pci_hole_start, pci_hole_end;          /* inclusive end */
    uint64_t pci_hole64_start, pci_hole64_end;      /* end < start: none */
    bool has_hpet;              /* HPET table + PNP0103 at hpet_addr */
    uint64_t hpet_addr;
    uint32_t hpet_id;           /* the block's capabilities, low 32 bits */
    unsigned nserial;
    AcpiSerialPort serial[ACPI_BUILD_MAX_SERIAL];
    uint64_t tables_addr;       /* where the tables go (reserved RAM) */
    uint32_t tables_size;       /* room there */
    uint64_t rsdp_addr;         /* 0xe0000-0xfffff, 16-byte aligned */
    const char *oem_id;         /* 6 chars, QEMU's "BOCHS " */
    const char *oem_table_id;   /* 8 chars, QEMU's "BXPC    " */
    /* ACPI PCI hotplug (hw/acpi/pcihp.h): GPE0 in the FADT, slots in DSDT */
    bool has_pcihp;
    uint32_t pcihp_slots;       /* bit = slot with Sxx._EJ0 */
    /* q35 (hw/acpi/acpi-q35.c): PCI Express root bridge, MCFG, GPE0 */
    bool pcie;                  /* PCI0 is PNP0A08 behind the ICH9 LPC */
    uint64_t mcfg_base;         /* ECAM for buses 0-255; 0: no MCFG */
    uint16_t gpe0_blk;          /* 0: no GPE0 block */
    uint8_t gpe0_blk_len;
} AcpiBuildConfig;

typedef struct AcpiBuildTables {
    GByteArray *tables;         /* image of cfg->tables_addr onwards */
    uint8_t rsdp[ACPI_RSDP_SIZE];
    /* table addresses, for tests and messages */
    uint64_t facs, dsdt, fadt, madt, hpet, rsdt, xsdt;
    uint64_t mcfg;
} AcpiBuildTables;

/* The PC defaults: PIIX4 PM at 0x600, SCI 9, APM 0xb2, reset 0xcf9. */
void acpi_build_config_pc_defaults(AcpiBuildConfig *cfg);

/**
 * acpi_build - build the tables
 * @cfg: what to describe and where it goes
 * @out: filled on success; release with acpi_build_tables_free()
 * @errp: set when the tables do not fit in cfg->tables_size
 */
bool acpi_build(const AcpiBuildConfig *cfg, AcpiBuildTables *out,
                Error **errp);
void acpi_build_tables_free(AcpiBuildTables *t);

/* The byte that makes @len bytes at @p sum to zero (mod 256). */
uint8_t acpi_checksum(const uint8_t *p, size_t len);

#endif
