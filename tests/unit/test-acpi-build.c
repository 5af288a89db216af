/*
 * The ACPI table builder (hw/acpi/acpi-build.c) and the AML encoder
 * (hw/acpi/aml.c): AML bytes of known objects, checksums of every table,
 * the RSDP -> XSDT/RSDT -> FADT -> DSDT/FACS chain, MADT entries for N
 * CPUs, and the E820 carve-out for the tables.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/acpi/aml.h"
#include "hw/acpi/acpi-build.h"
#include "hw/x86/e820.h"

#define TABLES_ADDR 0x1ffe0000ULL
#define TABLES_SIZE 0x20000

static uint16_t r16(const uint8_t *p)
{
    return p[0] | p[1] << 8;
}

static uint32_t r32(const uint8_t *p)
{
    return r16(p) | (uint32_t)r16(p + 2) << 16;
}

static uint64_t r64(const uint8_t *p)
{
    return r32(p) | (uint64_t)r32(p + 4) << 32;
}

static void assert_aml(Aml *a, const uint8_t *want, size_t len)
{
    g_assert_cmpuint(aml_len(a), ==, len);
    g_assert_cmpmem(aml_data(a), aml_len(a), want, len);
}

/* ---- AML ---- */

static void test_aml_s5(void)
{
    static const uint8_t want[] = {
        0x08, '\\', '_', 'S', '5', '_',         /* Name(\_S5, */
        0x12, 0x06, 0x04,                       /* Package(4) { */
        0x00, 0x00, 0x00, 0x00,                 /* Zero x 4 }) */
    };
    g_autoptr(Aml) a = aml_new();

    aml_name(a, "\\_S5");
    aml_package_begin(a, 4);
    for (int i = 0; i < 4; i++) {
        aml_integer(a, 0);
    }
    aml_end(a);
    assert_aml(a, want, sizeof(want));
}

static void test_aml_integers(void)
{
    static const uint8_t want[] = {
        0x00, 0x01, 0xff, 0x0a, 0x05, 0x0b, 0xf8, 0x03,
        0x0c, 0x00, 0x00, 0xc0, 0xfe,
        0x0e, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    };
    g_autoptr(Aml) a = aml_new();

    aml_integer(a, 0);
    aml_integer(a, 1);
    aml_integer(a, UINT64_MAX);
    aml_integer(a, 5);
    aml_integer(a, 0x3f8);
    aml_integer(a, 0xfec00000);
    aml_integer(a, 1ULL << 32);
    assert_aml(a, want, sizeof(want));
}

static void test_aml_names(void)
{
    static const uint8_t want[] = {
        'C', 'O', 'M', '1',
        0x2e, '_', 'S', 'B', '_', 'R', 'T', 'C', '_',
        '\\', 0x2f, 3, '_', 'S', 'B', '_', 'P', 'C', 'I', '0', 'I', 'S',
        'A', '_',
        '^', 'F', 'O', 'O', '_',
        '\\', 0x00,
    };
    g_autoptr(Aml) a = aml_new();

    aml_name_string(a, "COM1");
    aml_name_string(a, "_SB.RTC");
    aml_name_string(a, "\\_SB.PCI0.ISA");
    aml_name_string(a, "^FOO");
    aml_name_string(a, "\\");
    assert_aml(a, want, sizeof(want));
}

static void test_aml_eisaid_string(void)
{
    static const uint8_t want[] = {
        0x0c, 0x41, 0xd0, 0x05, 0x01,           /* EisaId("PNP0501") */
        0x0c, 0x41, 0xd0, 0x0b, 0x00,           /* EisaId("PNP0B00") */
        0x0d, 'k', 'e', 'm', 'u', 0x00,
    };
    g_autoptr(Aml) a = aml_new();

    aml_eisaid(a, "PNP0501");
    aml_eisaid(a, "PNP0B00");
    aml_string(a, "kemu");
    assert_aml(a, want, sizeof(want));
}

/* Device(COM1){Name(_HID, EisaId("PNP0501")) Name(_CRS, ResourceTemplate()
 * {IO(Decode16, 0x3f8, 0x3f8, 1, 8) IRQNoFlags(){4}})} */
static void test_aml_device_crs(void)
{
    static const uint8_t want[] = {
        0x5b, 0x82, 0x25, 'C', 'O', 'M', '1',
        0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x05, 0x01,
        0x08, '_', 'C', 'R', 'S',
        0x11, 0x10, 0x0a, 0x0d,
        0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08,
        0x22, 0x10, 0x00,
        0x79, 0x00,
    };
    g_autoptr(Aml) a = aml_new();
    g_autoptr(GByteArray) r = g_byte_array_new();

    aml_device_begin(a, "COM1");
    aml_name(a, "_HID");
    aml_eisaid(a, "PNP0501");
    aml_name(a, "_CRS");
    aml_res_io(r, 0x3f8, 0x3f8, 1, 8);
    aml_res_irq(r, 4);
    aml_resource_template(a, r);
    aml_end(a);
    assert_aml(a, want, sizeof(want));
}

/* PkgLength grows to 2 and 3 bytes; the length counts its own bytes. */
static void test_aml_pkglength(void)
{
    static const size_t sizes[] = { 61, 62, 4093, 4094, 70000 };

    for (size_t i = 0; i < G_N_ELEMENTS(sizes); i++) {
        g_autoptr(Aml) a = aml_new();
        g_autofree uint8_t *body = g_malloc0(sizes[i]);
        const uint8_t *d;
        size_t n, len;

        aml_scope_begin(a, "\\");
        /* Scope(\) is 2 bytes of name; pad the body to sizes[i] */
        for (size_t j = 0; j + 2 < sizes[i]; j++) {
            aml_integer(a, 0);
        }
        aml_end(a);
        d = aml_data(a);
        g_assert_cmphex(d[0], ==, 0x10);
        n = (d[1] >> 6) + 1;
        if (n == 1) {
            len = d[1] & 0x3f;
        } else {
            len = d[1] & 0x0f;
            for (size_t k = 1; k < n; k++) {
                len |= (size_t)d[1 + k] << (4 + 8 * (k - 1));
            }
        }
        g_assert_cmpuint(n, ==, sizes[i] + 1 <= 63 ? 1 :
                                sizes[i] + 2 < 4096 ? 2 : 3);
        g_assert_cmpuint(len, ==, aml_len(a) - 1);
        g_assert_cmpuint(aml_len(a), ==, 1 + n + sizes[i]);
    }
}

/* ---- tables ---- */

static const uint8_t *table_at(const AcpiBuildTables *t, uint64_t addr)
{
    g_assert_cmpuint(addr, >=, TABLES_ADDR);
    g_assert_cmpuint(addr - TABLES_ADDR, <, t->tables->len);
    return t->tables->data + (addr - TABLES_ADDR);
}

static void assert_table(const AcpiBuildTables *t, uint64_t addr,
                         const char *sig)
{
    const uint8_t *p = table_at(t, addr);
    uint32_t len = r32(p + 4);

    g_assert_cmpmem(p, 4, sig, 4);
    g_assert_cmpuint(addr - TABLES_ADDR + len, <=, t->tables->len);
    g_assert_cmphex(acpi_checksum(p, len), ==, 0);
    g_assert_cmpmem(p + 10, 6, "BOCHS ", 6);
    g_assert_cmpmem(p + 16, 8, "BXPC    ", 8);
}

static void build(unsigned ncpus, AcpiBuildTables *t)
{
    AcpiBuildConfig cfg;

    acpi_build_config_pc_defaults(&cfg);
    cfg.ncpus = ncpus;
    cfg.tables_addr = TABLES_ADDR;
    cfg.tables_size = TABLES_SIZE;
    cfg.rsdp_addr = 0xf5a00;
    cfg.nserial = 2;
    cfg.serial[0] = (AcpiSerialPort){ 0x3f8, 4 };
    cfg.serial[1] = (AcpiSerialPort){ 0x2f8, 3 };
    g_assert_true(acpi_build(&cfg, t, &error_abort));
}

static void test_tables_chain(void)
{
    static const uint8_t s5[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12,
                                  0x06, 0x04, 0, 0, 0, 0 };
    AcpiBuildTables t;
    const uint8_t *r, *xsdt, *rsdt, *fadt, *facs, *dsdt;

    build(2, &t);
    r = t.rsdp;
    g_assert_cmpmem(r, 8, "RSD PTR ", 8);
    g_assert_cmphex(acpi_checksum(r, 20), ==, 0);
    g_assert_cmphex(acpi_checksum(r, 36), ==, 0);
    g_assert_cmpuint(r[15], ==, 2);
    g_assert_cmpuint(r32(r + 20), ==, 36);
    g_assert_cmphex(r32(r + 16), ==, t.rsdt);
    g_assert_cmphex(r64(r + 24), ==, t.xsdt);

    assert_table(&t, t.rsdt, "RSDT");
    assert_table(&t, t.xsdt, "XSDT");
    rsdt = table_at(&t, t.rsdt);
    xsdt = table_at(&t, t.xsdt);
    g_assert_cmpuint(r32(rsdt + 4), ==, 36 + 2 * 4);
    g_assert_cmpuint(r32(xsdt + 4), ==, 36 + 2 * 8);
    for (int i = 0; i < 2; i++) {
        g_assert_cmphex(r32(rsdt + 36 + 4 * i), ==, r64(xsdt + 36 + 8 * i));
    }
    g_assert_cmphex(r64(xsdt + 36), ==, t.fadt);
    g_assert_cmphex(r64(xsdt + 44), ==, t.madt);

    assert_table(&t, t.fadt, "FACP");
    assert_table(&t, t.madt, "APIC");
    assert_table(&t, t.dsdt, "DSDT");
    fadt = table_at(&t, t.fadt);
    g_assert_cmpuint(r32(fadt + 4), ==, 244);
    g_assert_cmpuint(fadt[8], ==, 3);
    g_assert_cmphex(r32(fadt + 36), ==, t.facs);
    g_assert_cmphex(r32(fadt + 40), ==, t.dsdt);
    g_assert_cmphex(r64(fadt + 140), ==, t.dsdt);
    g_assert_cmphex(r64(fadt + 132), ==, 0);        /* X_FIRMWARE_CTRL */
    g_assert_cmpuint(r16(fadt + 46), ==, 9);        /* SCI_INT */
    g_assert_cmphex(r32(fadt + 48), ==, 0xb2);      /* SMI_CMD */
    g_assert_cmphex(fadt[52], ==, 0xf1);
    g_assert_cmphex(fadt[53], ==, 0xf0);
    g_assert_cmphex(r32(fadt + 56), ==, 0x600);     /* PM1a_EVT_BLK */
    g_assert_cmphex(r32(fadt + 64), ==, 0x604);     /* PM1a_CNT_BLK */
    g_assert_cmphex(r32(fadt + 76), ==, 0x608);     /* PM_TMR_BLK */
    g_assert_cmpuint(fadt[88], ==, 4);
    g_assert_cmpuint(fadt[89], ==, 2);
    g_assert_cmpuint(fadt[91], ==, 4);
    g_assert_cmphex(r32(fadt + 112) & (1 << 8), ==, 0);   /* 24-bit timer */
    g_assert_cmphex(r32(fadt + 112) & (1 << 4), ==, 0);   /* fixed PWRBTN */
    g_assert_cmphex(r32(fadt + 112) & (1 << 10), !=, 0);  /* RESET_REG */
    g_assert_cmphex(fadt[116], ==, 1);              /* SystemIO */
    g_assert_cmphex(fadt[117], ==, 8);
    g_assert_cmphex(r64(fadt + 120), ==, 0xcf9);
    g_assert_cmphex(fadt[128], ==, 0x06);
    g_assert_cmphex(r16(fadt + 109), ==, 3);        /* legacy + 8042 */
    g_assert_cmphex(r64(fadt + 148 + 4), ==, 0x600);  /* X_PM1a_EVT */
    g_assert_cmphex(r64(fadt + 172 + 4), ==, 0x604);  /* X_PM1a_CNT */
    g_assert_cmphex(r64(fadt + 208 + 4), ==, 0x608);  /* X_PM_TMR */

    facs = table_at(&t, t.facs);
    g_assert_cmpmem(facs, 4, "FACS", 4);
    g_assert_cmpuint(r32(facs + 4), ==, 64);
    g_assert_cmphex(t.facs % 64, ==, 0);

    dsdt = table_at(&t, t.dsdt);
    g_assert_nonnull(memmem(dsdt + 36, r32(dsdt + 4) - 36, s5, sizeof(s5)));
    g_assert_nonnull(memmem(dsdt + 36, r32(dsdt + 4) - 36, "COM2", 4));
    g_assert_null(memmem(dsdt + 36, r32(dsdt + 4) - 36, "COM3", 4));
    acpi_build_tables_free(&t);
}

/* The HPET table (IA-PC HPET spec 3.2.4) and the PNP0103 device. */
static void test_hpet(void)
{
    static const uint8_t crs[] = { 0x86, 9, 0, 0, 0, 0, 0xd0, 0xfe,
                                   0, 4, 0, 0 };
    AcpiBuildConfig cfg;
    AcpiBuildTables t;
    const uint8_t *h, *xsdt, *rsdt, *dsdt;

    acpi_build_config_pc_defaults(&cfg);
    cfg.tables_addr = TABLES_ADDR;
    cfg.tables_size = TABLES_SIZE;
    cfg.has_hpet = true;
    cfg.hpet_addr = 0xfed00000;
    cfg.hpet_id = 0x8086a201;
    g_assert_true(acpi_build(&cfg, &t, &error_abort));
    assert_table(&t, t.hpet, "HPET");
    h = table_at(&t, t.hpet);
    g_assert_cmpuint(r32(h + 4), ==, 56);
    g_assert_cmphex(r32(h + 36), ==, 0x8086a201);
    g_assert_cmphex(h[40], ==, 0);                  /* system memory */
    g_assert_cmphex(r64(h + 44), ==, 0xfed00000);
    g_assert_cmphex(h[52], ==, 0);                  /* HPET number */
    rsdt = table_at(&t, t.rsdt);
    xsdt = table_at(&t, t.xsdt);
    g_assert_cmpuint(r32(rsdt + 4), ==, 36 + 3 * 4);
    g_assert_cmphex(r32(rsdt + 36 + 8), ==, t.hpet);
    g_assert_cmphex(r64(xsdt + 36 + 16), ==, t.hpet);
    dsdt = table_at(&t, t.dsdt);
    g_assert_nonnull(memmem(dsdt + 36, r32(dsdt + 4) - 36, "HPET", 4));
    g_assert_nonnull(memmem(dsdt + 36, r32(dsdt + 4) - 36, crs,
                            sizeof(crs)));
    acpi_build_tables_free(&t);

    /* Without it: no table, no device. */
    cfg.has_hpet = false;
    g_assert_true(acpi_build(&cfg, &t, &error_abort));
    g_assert_cmphex(t.hpet, ==, 0);
    dsdt = table_at(&t, t.dsdt);
    g_assert_null(memmem(dsdt + 36, r32(dsdt + 4) - 36, "HPET", 4));
    acpi_build_tables_free(&t);
}

/* PCI hotplug: GPE0 in the FADT; slots, _EJ0 and _E01 in the DSDT. */
static void test_pcihp(void)
{
    /* Device(S48){Name(_SUN, 9) Name(_ADR, 0x00090000) ...} */
    static const uint8_t s48[] = { 'S', '4', '8', '_', 0x08, '_', 'S', 'U',
                                   'N', 0x0a, 9, 0x08, '_', 'A', 'D', 'R',
                                   0x0c, 0, 0, 9, 0 };
    /* If(And(Arg0, 0x200, Zero)){Notify(S48, Arg1)} */
    static const uint8_t dvnt[] = { 0x7b, 0x68, 0x0b, 0, 2, 0, 0x86,
                                    'S', '4', '8', '_', 0x69 };
    AcpiBuildConfig cfg;
    AcpiBuildTables t;
    const uint8_t *fadt, *dsdt;
    size_t len;

    acpi_build_config_pc_defaults(&cfg);
    cfg.tables_addr = TABLES_ADDR;
    cfg.tables_size = TABLES_SIZE;
    cfg.has_pci = true;
    cfg.has_pcihp = true;
    cfg.pcihp_slots = 1u << 9;
    cfg.gpe0_blk = 0xafe0;      /* as pc.c sets it with the hotplug block */
    cfg.gpe0_blk_len = 4;
    g_assert_true(acpi_build(&cfg, &t, &error_abort));
    fadt = table_at(&t, t.fadt);
    g_assert_cmphex(r32(fadt + 80), ==, 0xafe0);    /* GPE0_BLK */
    g_assert_cmphex(fadt[92], ==, 4);               /* GPE0_BLK_LEN */
    g_assert_cmphex(fadt[220], ==, 1);              /* X_GPE0_BLK: I/O */
    g_assert_cmphex(r64(fadt + 224), ==, 0xafe0);
    dsdt = table_at(&t, t.dsdt);
    len = r32(dsdt + 4) - 36;
    g_assert_nonnull(memmem(dsdt + 36, len, s48, sizeof(s48)));
    g_assert_nonnull(memmem(dsdt + 36, len, dvnt, sizeof(dvnt)));
    g_assert_nonnull(memmem(dsdt + 36, len, "_E01", 4));
    g_assert_nonnull(memmem(dsdt + 36, len, "B0EJ", 4));
    g_assert_null(memmem(dsdt + 36, len, "S50_", 4));   /* slot 10 */
    acpi_build_tables_free(&t);

    /* Without it: no GPE block, no hotplug method. */
    cfg.has_pcihp = false;
    cfg.gpe0_blk = 0;
    g_assert_true(acpi_build(&cfg, &t, &error_abort));
    fadt = table_at(&t, t.fadt);
    g_assert_cmphex(r32(fadt + 80), ==, 0);
    dsdt = table_at(&t, t.dsdt);
    g_assert_null(memmem(dsdt + 36, r32(dsdt + 4) - 36, "_E01", 4));
    acpi_build_tables_free(&t);
}

static void test_madt(gconstpointer data)
{
    unsigned ncpus = GPOINTER_TO_UINT(data);
    AcpiBuildTables t;
    const uint8_t *m, *p, *end;
    unsigned lapics = 0, ioapics = 0, overrides = 0, nmis = 0;

    build(ncpus, &t);
    m = table_at(&t, t.madt);
    g_assert_cmpuint(r32(m + 4), ==, 44 + 8 * ncpus + 12 + 2 * 10 + 6);
    g_assert_cmphex(r32(m + 36), ==, 0xfee00000);
    g_assert_cmphex(r32(m + 40), ==, 1);            /* PCAT_COMPAT */
    end = m + r32(m + 4);
    for (p = m + 44; p < end; p += p[1]) {
        g_assert_cmpuint(p[1], >=, 2);
        switch (p[0]) {
        case 0:
            g_assert_cmpuint(p[1], ==, 8);
            g_assert_cmpuint(p[2], ==, lapics);     /* processor UID */
            g_assert_cmpuint(p[3], ==, lapics);     /* APIC ID */
            g_assert_cmphex(r32(p + 4), ==, 1);     /* enabled */
            lapics++;
            break;
        case 1:
            g_assert_cmpuint(p[1], ==, 12);
            g_assert_cmphex(r32(p + 4), ==, 0xfec00000);
            g_assert_cmpuint(r32(p + 8), ==, 0);
            ioapics++;
            break;
        case 2:
            g_assert_cmpuint(p[1], ==, 10);
            g_assert_cmpuint(p[2], ==, 0);
            if (p[3] == 0) {
                g_assert_cmpuint(r32(p + 4), ==, 2);
                g_assert_cmphex(r16(p + 8), ==, 0);
            } else {
                g_assert_cmpuint(p[3], ==, 9);
                g_assert_cmpuint(r32(p + 4), ==, 9);
                g_assert_cmphex(r16(p + 8), ==, 0xd); /* high, level */
            }
            overrides++;
            break;
        case 4:
            g_assert_cmpuint(p[2], ==, 0xff);
            g_assert_cmpuint(p[5], ==, 1);          /* LINT1 */
            nmis++;
            break;
        default:
            g_assert_not_reached();
        }
    }
    g_assert_true(p == end);
    g_assert_cmpuint(lapics, ==, ncpus);
    g_assert_cmpuint(ioapics, ==, 1);
    g_assert_cmpuint(overrides, ==, 2);
    g_assert_cmpuint(nmis, ==, 1);
    acpi_build_tables_free(&t);
}

static void test_too_small(void)
{
    AcpiBuildConfig cfg;
    AcpiBuildTables t;
    Error *err = NULL;

    acpi_build_config_pc_defaults(&cfg);
    cfg.tables_addr = TABLES_ADDR;
    cfg.tables_size = 256;
    g_assert_false(acpi_build(&cfg, &t, &err));
    g_assert_nonnull(err);
    error_free(err);
    g_assert_null(t.tables);
}

static void test_e820_reserve(void)
{
    uint64_t a, l;

    e820_reset();
    e820_add_entry(0, 0x20000000, E820_RAM);
    g_assert_true(e820_reserve_ram(0x1ffe0000, 0x20000, E820_RESERVED));
    g_assert_cmpint(e820_get_num_entries(), ==, 2);
    g_assert_true(e820_get_entry(0, E820_RAM, &a, &l));
    g_assert_cmphex(a, ==, 0);
    g_assert_cmphex(l, ==, 0x1ffe0000);
    g_assert_true(e820_get_entry(1, E820_RESERVED, &a, &l));
    g_assert_cmphex(a, ==, 0x1ffe0000);
    g_assert_cmphex(l, ==, 0x20000);
    /* in the middle: RAM below, reserved, RAM above */
    g_assert_true(e820_reserve_ram(0x100000, 0x1000, E820_ACPI));
    g_assert_cmpint(e820_get_num_entries(), ==, 4);
    g_assert_true(e820_get_entry(0, E820_RAM, &a, &l));
    g_assert_cmphex(l, ==, 0x100000);
    g_assert_true(e820_get_entry(3, E820_RAM, &a, &l));
    g_assert_cmphex(a, ==, 0x101000);
    g_assert_cmphex(a + l, ==, 0x1ffe0000);
    /* not inside RAM */
    g_assert_false(e820_reserve_ram(0x1fff0000, 0x1000, E820_RESERVED));
    g_assert_false(e820_reserve_ram(0x1ffd0000, 0x20000, E820_RESERVED));
    e820_reset();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/acpi/aml/s5", test_aml_s5);
    g_test_add_func("/acpi/aml/integers", test_aml_integers);
    g_test_add_func("/acpi/aml/names", test_aml_names);
    g_test_add_func("/acpi/aml/eisaid-string", test_aml_eisaid_string);
    g_test_add_func("/acpi/aml/device-crs", test_aml_device_crs);
    g_test_add_func("/acpi/aml/pkglength", test_aml_pkglength);
    g_test_add_func("/acpi/tables/chain", test_tables_chain);
    g_test_add_data_func("/acpi/tables/madt/1", GUINT_TO_POINTER(1),
                         test_madt);
    g_test_add_data_func("/acpi/tables/madt/2", GUINT_TO_POINTER(2),
                         test_madt);
    g_test_add_data_func("/acpi/tables/madt/16", GUINT_TO_POINTER(16),
                         test_madt);
    g_test_add_data_func("/acpi/tables/madt/255", GUINT_TO_POINTER(255),
                         test_madt);
    g_test_add_func("/acpi/tables/too-small", test_too_small);
    g_test_add_func("/acpi/tables/hpet", test_hpet);
    g_test_add_func("/acpi/e820-reserve", test_e820_reserve);
    g_test_add_func("/acpi/tables/pcihp", test_pcihp);
    return g_test_run();
}
