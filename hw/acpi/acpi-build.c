/*
 * ACPI tables for the pc machine (see include/hw/acpi/acpi-build.h).
 * Layouts from the ACPI 6.4 specification: RSDP 5.2.5.3, table header
 * 5.2.6, RSDT/XSDT 5.2.7-8, FADT 5.2.9 (the ACPI 2.0 layout, revision 3,
 * 244 bytes), FACS 5.2.10, MADT 5.2.12, generic address structure 5.2.3.2;
 * the HPET table from the IA-PC HPET specification 1.0a, section 3.2.4.
 * The DSDT declares \_S5 and the ISA devices of the board.
 */
#include "qemu/osdep.h"
#include "hw/acpi/aml.h"
#include "hw/acpi/acpi-build.h"
#include "acpi-pci.h"
#include "hw/acpi/pcihp.h"

#define ACPI_HEADER_SIZE    36
#define ACPI_FACS_SIZE      64
#define ACPI_FADT_SIZE      244
#define ACPI_FADT_REVISION  3
#define ACPI_HPET_SIZE      56

/* FADT Flags (5.2.9, table 5.10) */
#define FADT_F_WBINVD       (1u << 0)
#define FADT_F_PROC_C1      (1u << 2)
#define FADT_F_SLP_BUTTON   (1u << 5)   /* no fixed-feature sleep button */
#define FADT_F_RTC_S4       (1u << 7)
#define FADT_F_RESET_REG    (1u << 10)
/* IA-PC boot architecture flags (table 5.11) */
#define FADT_BOOT_LEGACY    (1u << 0)
#define FADT_BOOT_8042      (1u << 1)

/* MADT structure types (table 5.21) and MPS INTI flags (table 5.26) */
#define MADT_LOCAL_APIC     0
#define MADT_IO_APIC        1
#define MADT_INT_OVERRIDE   2
#define MADT_LOCAL_APIC_NMI 4
#define MADT_PCAT_COMPAT    1
#define MPS_ACTIVE_HIGH     0x1
#define MPS_LEVEL           0xc

#define GAS_SYSTEM_IO       1
#define GAS_ACCESS_BYTE     1
#define GAS_ACCESS_WORD     2
#define GAS_ACCESS_DWORD    3

uint8_t acpi_checksum(const uint8_t *p, size_t len)
{
    uint8_t sum = 0;

    for (size_t i = 0; i < len; i++) {
        sum += p[i];
    }
    return -sum;
}

void acpi_build_config_pc_defaults(AcpiBuildConfig *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->ncpus = 1;
    cfg->lapic_addr = 0xfee00000;
    cfg->ioapic_addr = 0xfec00000;
    cfg->pm_base = 0x600;
    cfg->sci_irq = 9;
    cfg->smi_cmd = 0xb2;
    cfg->acpi_enable = 0xf1;
    cfg->acpi_disable = 0xf0;
    cfg->reset_port = 0xcf9;
    cfg->reset_value = 0x06;        /* PIIX RCR: system reset + CPU reset */
    cfg->s5_slp_typ = 0;            /* PIIX4: SLP_TYP 0 is soft-off */
    cfg->has_i8042 = cfg->has_rtc = cfg->has_pit = true;
    cfg->oem_id = "BOCHS ";
    cfg->oem_table_id = "BXPC    ";
}

/* ---- byte helpers on the table image ---- */

static void put8(GByteArray *b, size_t off, uint8_t v)
{
    b->data[off] = v;
}

static void put16(GByteArray *b, size_t off, uint16_t v)
{
    put8(b, off, v);
    put8(b, off + 1, v >> 8);
}

static void put32(GByteArray *b, size_t off, uint32_t v)
{
    put16(b, off, v);
    put16(b, off + 2, v >> 16);
}

static void put64(GByteArray *b, size_t off, uint64_t v)
{
    put32(b, off, v);
    put32(b, off + 4, v >> 32);
}

static void put_str(GByteArray *b, size_t off, const char *s, size_t len)
{
    size_t n = MIN(strlen(s), len);

    memset(b->data + off, ' ', len);
    memcpy(b->data + off, s, n);
}

/* Reserve @len zeroed bytes at a multiple of @align; returns the offset. */
static size_t reserve(GByteArray *b, size_t len, size_t align)
{
    size_t old = b->len;
    size_t off = QEMU_ALIGN_UP(old, align);

    g_byte_array_set_size(b, off + len);
    memset(b->data + old, 0, b->len - old);
    return off;
}

static void header(GByteArray *b, size_t off, const char *sig, uint32_t len,
                   uint8_t rev, const AcpiBuildConfig *cfg)
{
    memcpy(b->data + off, sig, 4);
    put32(b, off + 4, len);
    put8(b, off + 8, rev);
    put_str(b, off + 10, cfg->oem_id, 6);
    put_str(b, off + 16, cfg->oem_table_id, 8);
    put32(b, off + 24, 1);                  /* OEM revision */
    memcpy(b->data + off + 28, "BXPC", 4);  /* creator ID */
    put32(b, off + 32, 1);                  /* creator revision */
}

static void finish(GByteArray *b, size_t off)
{
    uint32_t len = b->data[off + 4] | b->data[off + 5] << 8 |
                   b->data[off + 6] << 16 | (uint32_t)b->data[off + 7] << 24;

    put8(b, off + 9, 0);
    put8(b, off + 9, acpi_checksum(b->data + off, len));
}

static void gas_io(GByteArray *b, size_t off, uint16_t port, unsigned len,
                   uint8_t access)
{
    put8(b, off, port ? GAS_SYSTEM_IO : 0);
    put8(b, off + 1, port ? len * 8 : 0);
    put8(b, off + 2, 0);
    put8(b, off + 3, port ? access : 0);
    put64(b, off + 4, port);
}

/* ---- DSDT ---- */

static void dsdt_device(Aml *a, const char *name, const char *hid,
                        int uid, GByteArray *res)
{
    aml_device_begin(a, name);
    aml_name(a, "_HID");
    aml_eisaid(a, hid);
    if (uid >= 0) {
        aml_name(a, "_UID");
        aml_integer(a, uid);
    }
    aml_name(a, "_CRS");
    aml_resource_template(a, res);
    aml_end(a);
}

static Aml *build_dsdt_aml(const AcpiBuildConfig *cfg)
{
    Aml *a = aml_new();

    aml_scope_begin(a, "\\_SB");
    if (cfg->has_pci && cfg->pcie) {
        acpi_dsdt_q35_begin(a, cfg);
    } else if (cfg->has_pci) {
        acpi_dsdt_pci_begin(a, cfg);
    }
    if (cfg->has_pit) {
        g_autoptr(GByteArray) r = g_byte_array_new();

        aml_res_io(r, 0x40, 0x40, 1, 4);
        aml_res_irq(r, 0);
        dsdt_device(a, "TIMR", "PNP0100", -1, r);
    }
    if (cfg->has_rtc) {
        g_autoptr(GByteArray) r = g_byte_array_new();

        aml_res_io(r, 0x70, 0x70, 1, 2);
        aml_res_irq(r, 8);
        dsdt_device(a, "RTC", "PNP0B00", -1, r);
    }
    if (cfg->has_i8042) {
        g_autoptr(GByteArray) k = g_byte_array_new();
        g_autoptr(GByteArray) m = g_byte_array_new();

        aml_res_io(k, 0x60, 0x60, 1, 1);
        aml_res_io(k, 0x64, 0x64, 1, 1);
        aml_res_irq(k, 1);
        dsdt_device(a, "KBD", "PNP0303", -1, k);
        aml_res_irq(m, 12);
        dsdt_device(a, "MOU", "PNP0F13", -1, m);
    }
    if (cfg->has_hpet) {
        g_autoptr(GByteArray) r = g_byte_array_new();

        aml_res_memory32_fixed(r, cfg->hpet_addr, 0x400, false);
        dsdt_device(a, "HPET", "PNP0103", 0, r);
    }
    for (unsigned i = 0; i < cfg->nserial && i < ACPI_BUILD_MAX_SERIAL; i++) {
        g_autoptr(GByteArray) r = g_byte_array_new();
        char name[5];

        snprintf(name, sizeof(name), "COM%u", i + 1);
        aml_res_io(r, cfg->serial[i].iobase, cfg->serial[i].iobase, 1, 8);
        aml_res_irq(r, cfg->serial[i].irq);
        dsdt_device(a, name, "PNP0501", i + 1, r);
    }
    if (cfg->has_pci && cfg->pcie) {
        acpi_dsdt_q35_end(a, cfg);
    } else if (cfg->has_pci) {
        acpi_dsdt_pci_end(a, cfg);
    }
    aml_end(a);
    if (cfg->has_pcihp) {
        acpi_dsdt_pcihp(a, cfg->pcihp_slots);
    }

    /* Soft-off: Package {PM1a_CNT.SLP_TYP, PM1b_CNT.SLP_TYP, reserved...} */
    aml_name(a, "\\_S5");
    aml_package_begin(a, 4);
    aml_integer(a, cfg->s5_slp_typ);
    aml_integer(a, cfg->s5_slp_typ);
    aml_integer(a, 0);
    aml_integer(a, 0);
    aml_end(a);
    return a;
}

/* ---- the tables ---- */

static size_t build_facs(GByteArray *b)
{
    size_t off = reserve(b, ACPI_FACS_SIZE, 64);

    memcpy(b->data + off, "FACS", 4);
    put32(b, off + 4, ACPI_FACS_SIZE);
    put8(b, off + 32, 1);                   /* version (ACPI 2.0 layout) */
    return off;
}

static size_t build_dsdt(GByteArray *b, const AcpiBuildConfig *cfg)
{
    g_autoptr(Aml) a = build_dsdt_aml(cfg);
    size_t len = ACPI_HEADER_SIZE + aml_len(a);
    size_t off = reserve(b, len, 16);

    header(b, off, "DSDT", len, 1, cfg);
    memcpy(b->data + off + ACPI_HEADER_SIZE, aml_data(a), aml_len(a));
    finish(b, off);
    return off;
}

static size_t build_fadt(GByteArray *b, const AcpiBuildConfig *cfg,
                         uint64_t facs, uint64_t dsdt)
{
    size_t off = reserve(b, ACPI_FADT_SIZE, 16);
    uint16_t pm = cfg->pm_base;
    uint32_t flags = FADT_F_WBINVD | FADT_F_PROC_C1 | FADT_F_SLP_BUTTON |
                     FADT_F_RTC_S4;

    header(b, off, "FACP", ACPI_FADT_SIZE, ACPI_FADT_REVISION, cfg);
    put32(b, off + 36, facs);
    put32(b, off + 40, dsdt);
    put16(b, off + 46, cfg->sci_irq);
    put32(b, off + 48, cfg->smi_cmd);
    put8(b, off + 52, cfg->smi_cmd ? cfg->acpi_enable : 0);
    put8(b, off + 53, cfg->smi_cmd ? cfg->acpi_disable : 0);
    put32(b, off + 56, pm);                 /* PM1a_EVT_BLK */
    put32(b, off + 64, pm + 4);             /* PM1a_CNT_BLK */
    put32(b, off + 76, pm + 8);             /* PM_TMR_BLK */
    put8(b, off + 88, 4);                   /* PM1_EVT_LEN */
    put8(b, off + 89, 2);                   /* PM1_CNT_LEN */
    put8(b, off + 91, 4);                   /* PM_TMR_LEN */
    put16(b, off + 96, 0xfff);              /* P_LVL2_LAT: no C2 */
    put16(b, off + 98, 0xfff);              /* P_LVL3_LAT: no C3 */
    put8(b, off + 108, cfg->has_rtc ? 0x32 : 0);    /* CENTURY in CMOS */
    put16(b, off + 109, FADT_BOOT_LEGACY |
          (cfg->has_i8042 ? FADT_BOOT_8042 : 0));
    if (cfg->reset_port) {
        flags |= FADT_F_RESET_REG;
        gas_io(b, off + 116, cfg->reset_port, 1, GAS_ACCESS_BYTE);
        put8(b, off + 128, cfg->reset_value);
    }
    put32(b, off + 112, flags);
    /* X_FIRMWARE_CTRL stays 0: only one of the two may be set */
    put64(b, off + 140, dsdt);              /* X_DSDT */
    gas_io(b, off + 148, pm, 4, GAS_ACCESS_WORD);
    gas_io(b, off + 172, pm + 4, 2, GAS_ACCESS_WORD);
    gas_io(b, off + 208, pm + 8, 4, GAS_ACCESS_DWORD);
    if (cfg->gpe0_blk) {
        put32(b, off + 80, cfg->gpe0_blk);              /* GPE0_BLK */
        put8(b, off + 92, cfg->gpe0_blk_len);           /* GPE0_BLK_LEN */
        gas_io(b, off + 220, cfg->gpe0_blk, cfg->gpe0_blk_len,
               GAS_ACCESS_BYTE);                        /* X_GPE0_BLK */
    }
    finish(b, off);
    return off;
}

static size_t build_madt(GByteArray *b, const AcpiBuildConfig *cfg)
{
    g_autoptr(GByteArray) e = g_byte_array_new();
    size_t len, off;

    for (unsigned i = 0; i < cfg->ncpus; i++) {
        /* processor UID, APIC ID, enabled */
        const uint8_t lapic[8] = { MADT_LOCAL_APIC, 8, i, i, 1, 0, 0, 0 };

        g_byte_array_append(e, lapic, sizeof(lapic));
    }
    {
        uint32_t addr = cfg->ioapic_addr;
        const uint8_t ioapic[12] = {
            MADT_IO_APIC, 12, 0, 0,
            addr, addr >> 8, addr >> 16, addr >> 24,
            0, 0, 0, 0,                     /* GSI base */
        };
        /* ISA IRQ 0 is wired to IOAPIC pin 2; the SCI is level, high. */
        const uint8_t irq0[10] = { MADT_INT_OVERRIDE, 10, 0, 0, 2, 0, 0, 0,
                                   0, 0 };
        const uint8_t sci[10] = { MADT_INT_OVERRIDE, 10, 0, cfg->sci_irq,
                                  cfg->sci_irq, 0, 0, 0,
                                  MPS_ACTIVE_HIGH | MPS_LEVEL, 0 };
        /* LINT1 of every processor (UID 0xff) is the NMI input. */
        const uint8_t nmi[6] = { MADT_LOCAL_APIC_NMI, 6, 0xff, 0, 0, 1 };

        g_byte_array_append(e, ioapic, sizeof(ioapic));
        g_byte_array_append(e, irq0, sizeof(irq0));
        /* PCI link IRQs are level, active high, as the SCI (QEMU's list) */
        for (int i = 0; cfg->has_pci && i < 3; i++) {
            static const uint8_t pci_irqs[3] = { 5, 10, 11 };
            uint8_t ovr[10];

            memcpy(ovr, sci, sizeof(ovr));
            ovr[3] = ovr[4] = pci_irqs[i];
            if (pci_irqs[i] != cfg->sci_irq) {
                g_byte_array_append(e, ovr, sizeof(ovr));
            }
            if (i == 0) {
                g_byte_array_append(e, sci, sizeof(sci));
            }
        }
        if (!cfg->has_pci) {
            g_byte_array_append(e, sci, sizeof(sci));
        }
        g_byte_array_append(e, nmi, sizeof(nmi));
    }
    len = ACPI_HEADER_SIZE + 8 + e->len;
    off = reserve(b, len, 16);
    header(b, off, "APIC", len, 1, cfg);
    put32(b, off + 36, cfg->lapic_addr);
    put32(b, off + 40, MADT_PCAT_COMPAT);
    memcpy(b->data + off + 44, e->data, e->len);
    finish(b, off);
    return off;
}

static size_t build_hpet(GByteArray *b, const AcpiBuildConfig *cfg)
{
    size_t off = reserve(b, ACPI_HPET_SIZE, 16);

    header(b, off, "HPET", ACPI_HPET_SIZE, 1, cfg);
    put32(b, off + 36, cfg->hpet_id);       /* event timer block ID */
    put8(b, off + 40, 0);                   /* base: system memory GAS */
    put64(b, off + 44, cfg->hpet_addr);
    /* HPET number 0, minimum periodic tick 0, no page protection */
    finish(b, off);
    return off;
}

/* MCFG (PCI Firmware Specification 3.0, 4.1.2): one ECAM allocation. */
static size_t build_mcfg(GByteArray *b, const AcpiBuildConfig *cfg)
{
    size_t len = ACPI_HEADER_SIZE + 8 + 16;
    size_t off = reserve(b, len, 16);

    header(b, off, "MCFG", len, 1, cfg);
    put64(b, off + 44, cfg->mcfg_base);
    put16(b, off + 52, 0);                  /* PCI segment group */
    put8(b, off + 54, 0);                   /* start bus */
    put8(b, off + 55, 0xff);                /* end bus */
    finish(b, off);
    return off;
}

static size_t build_sdt(GByteArray *b, const AcpiBuildConfig *cfg,
                        const char *sig, unsigned width,
                        const uint64_t *entries, unsigned n)
{
    size_t len = ACPI_HEADER_SIZE + width * n;
    size_t off = reserve(b, len, 16);

    header(b, off, sig, len, 1, cfg);
    for (unsigned i = 0; i < n; i++) {
        if (width == 4) {
            put32(b, off + ACPI_HEADER_SIZE + 4 * i, entries[i]);
        } else {
            put64(b, off + ACPI_HEADER_SIZE + 8 * i, entries[i]);
        }
    }
    finish(b, off);
    return off;
}

bool acpi_build(const AcpiBuildConfig *cfg, AcpiBuildTables *out,
                Error **errp)
{
    GByteArray *b = g_byte_array_new();
    uint64_t base = cfg->tables_addr;
    uint64_t entries[4];
    unsigned n = 0;
    uint8_t *r = out->rsdp;

    memset(out, 0, sizeof(*out));
    out->facs = base + build_facs(b);
    out->dsdt = base + build_dsdt(b, cfg);
    out->fadt = base + build_fadt(b, cfg, out->facs, out->dsdt);
    out->madt = base + build_madt(b, cfg);
    entries[n++] = out->fadt;
    entries[n++] = out->madt;
    if (cfg->has_hpet) {
        out->hpet = base + build_hpet(b, cfg);
        entries[n++] = out->hpet;
    }
    if (cfg->mcfg_base) {
        out->mcfg = base + build_mcfg(b, cfg);
        entries[n++] = out->mcfg;
    }
    out->rsdt = base + build_sdt(b, cfg, "RSDT", 4, entries, n);
    out->xsdt = base + build_sdt(b, cfg, "XSDT", 8, entries, n);
    if (b->len > cfg->tables_size) {
        error_setg(errp, "ACPI tables need %u bytes, only %u reserved",
                   b->len, cfg->tables_size);
        g_byte_array_free(b, TRUE);
        return false;
    }
    out->tables = b;

    /* RSDP, revision 2: checksum over 20 bytes, extended over all 36 */
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, cfg->oem_id, MIN(strlen(cfg->oem_id), 6));
    r[15] = 2;
    for (int i = 0; i < 4; i++) {
        r[16 + i] = out->rsdt >> (8 * i);
        r[20 + i] = ACPI_RSDP_SIZE >> (8 * i);
    }
    for (int i = 0; i < 8; i++) {
        r[24 + i] = out->xsdt >> (8 * i);
    }
    r[8] = acpi_checksum(r, 20);
    r[32] = acpi_checksum(r, ACPI_RSDP_SIZE);
    return true;
}

void acpi_build_tables_free(AcpiBuildTables *t)
{
    if (t->tables) {
        g_byte_array_free(t->tables, TRUE);
        t->tables = NULL;
    }
}
