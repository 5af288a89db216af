/*
 * PCI in the pc machine's DSDT, the shape of QEMU's i440FX tables:
 * \_SB.PCI0 is the root bridge (PNP0A03, ACPI 6.4 section 6.1 and the PCI
 * Firmware Specification 3.0) with _CRS (bus 0-255, I/O 0-0xcf7 and
 * 0xd00-0xffff, the VGA window, the 32-bit PCI hole and the 64-bit one)
 * and _PRT (ACPI 6.4 section 6.2.13): slot S pin P goes to link
 * LNK[(S + P - 1) & 3], which is PIRQ A-D of the PIIX3.  Each link
 * (PNP0C0F) reads and writes its PIRQ route register through a PCI_Config
 * operation region of \_SB.PCI0.ISA, so the guest picks the ISA IRQ and
 * the PIIX3 routes INTx there (and thus to the IOAPIC input of that IRQ).
 * Slot 1 INTA# is LNKS instead, fixed at the SCI (IRQ 9): the PIIX4 PM
 * function's interrupt, as in QEMU's tables.
 */
#include "qemu/osdep.h"
#include "hw/acpi/acpi-pci.h"

#define PCI_SLOTS           32
#define LINK_IRQ_DISABLED   0x80    /* PIIX PIRQ IRQEN# */

static const char *const link_names[4] = { "LNKA", "LNKB", "LNKC", "LNKD" };
static const char *const pirq_fields[4] = { "PRQ0", "PRQ1", "PRQ2", "PRQ3" };
/* IRQs a link may take, as QEMU offers them */
static const uint32_t link_irqs[] = { 5, 10, 11 };

void acpi_dsdt_pci0_crs(Aml *a, const AcpiBuildConfig *cfg)
{
    /* the ECAM window (q35) is not PCI memory: cut it out of the hole */
    uint64_t ecam_end = cfg->mcfg_base + 256 * MiB;
    g_autoptr(GByteArray) r = g_byte_array_new();

    aml_res_word_bus_number(r, 0x00, 0xff);
    aml_res_io(r, 0xcf8, 0xcf8, 1, 8);
    aml_res_word_io(r, 0x0000, 0x0cf7);
    aml_res_word_io(r, 0x0d00, 0xffff);
    aml_res_dword_memory(r, 0x000a0000, 0x000bffff);
    if (cfg->mcfg_base && cfg->pci_hole_start <= cfg->mcfg_base &&
        ecam_end - 1 <= cfg->pci_hole_end) {
        if (cfg->pci_hole_start < cfg->mcfg_base) {
            aml_res_dword_memory(r, cfg->pci_hole_start, cfg->mcfg_base - 1);
        }
        aml_res_dword_memory(r, ecam_end, cfg->pci_hole_end);
    } else {
        aml_res_dword_memory(r, cfg->pci_hole_start, cfg->pci_hole_end);
    }
    if (cfg->pci_hole64_end > cfg->pci_hole64_start) {
        aml_res_qword_memory(r, cfg->pci_hole64_start, cfg->pci_hole64_end);
    }
    aml_name(a, "_CRS");
    aml_resource_template(a, r);
}

/* Package{Package{0xSSSSFFFF, pin, LNKx, 0}, ...} for every slot and pin. */
static void pci0_prt(Aml *a)
{
    aml_name(a, "_PRT");
    /* 128 entries: still within Package's one-byte NumElements */
    aml_package_begin(a, PCI_SLOTS * 4);
    for (int slot = 0; slot < PCI_SLOTS; slot++) {
        for (int pin = 0; pin < 4; pin++) {
            aml_package_begin(a, 4);
            aml_integer(a, (uint64_t)slot << 16 | 0xffff);
            aml_integer(a, pin);
            aml_name_string(a, slot == 1 && pin == 0 ? "LNKS" :
                               link_names[(slot + pin - 1) & 3]);
            aml_integer(a, 0);
            aml_end(a);
        }
    }
    aml_end(a);
}

void acpi_dsdt_pci_begin(Aml *a, const AcpiBuildConfig *cfg)
{
    aml_device_begin(a, "PCI0");
    aml_name(a, "_HID");
    aml_eisaid(a, "PNP0A03");
    aml_name(a, "_ADR");
    aml_integer(a, 0);
    aml_name(a, "_UID");
    aml_integer(a, 0);
    acpi_dsdt_pci0_crs(a, cfg);
    pci0_prt(a);

    aml_device_begin(a, "ISA");
    aml_name(a, "_ADR");
    aml_integer(a, 0x00010000);     /* device 1, function 0: PIIX3 */
    aml_operation_region(a, "P40C", AML_REGION_PCI_CONFIG, 0x60, 4);
}

/* Method(name, 1){If(And(0x80, Arg0)){Return(a)} Return(b)} */
static void method_irq_enabled(Aml *a, const char *name, uint8_t disabled,
                               uint8_t enabled)
{
    aml_method_begin(a, name, 1);
    aml_if_begin(a);
    aml_opcode(a, AML_AND);
    aml_integer(a, LINK_IRQ_DISABLED);
    aml_opcode(a, AML_ARG0);
    aml_opcode(a, AML_NULL_NAME);
    aml_return(a);
    aml_integer(a, disabled);
    aml_end(a);
    aml_return(a);
    aml_integer(a, enabled);
    aml_end(a);
}

/*
 * IQCR(Arg0): the current-resource template of a link whose PIRQ register
 * is Arg0: Interrupt(){Arg0} if routed, Interrupt(){0} when disabled.
 */
static void method_iqcr(Aml *a)
{
    g_autoptr(GByteArray) r = g_byte_array_new();
    const uint32_t none = 0;

    aml_method_begin(a, "IQCR", 1);
    aml_res_interrupt(r, &none, 1);
    aml_name(a, "PRR0");
    aml_resource_template(a, r);
    aml_opcode(a, AML_CREATE_DWORD_FIELD);
    aml_name_string(a, "PRR0");
    aml_integer(a, 5);              /* the first IRQ number's offset */
    aml_name_string(a, "PRRI");
    aml_if_begin(a);
    aml_opcode(a, AML_LLESS);
    aml_opcode(a, AML_ARG0);
    aml_integer(a, LINK_IRQ_DISABLED);
    aml_opcode(a, AML_STORE);
    aml_opcode(a, AML_ARG0);
    aml_name_string(a, "PRRI");
    aml_end(a);
    aml_return(a);
    aml_name_string(a, "PRR0");
    aml_end(a);
}

static void link_device(Aml *a, int i)
{
    g_autoptr(GByteArray) prs = g_byte_array_new();
    const char *field = pirq_fields[i];

    aml_device_begin(a, link_names[i]);
    aml_name(a, "_HID");
    aml_eisaid(a, "PNP0C0F");
    aml_name(a, "_UID");
    aml_integer(a, i);
    aml_res_interrupt(prs, link_irqs, ARRAY_SIZE(link_irqs));
    aml_name(a, "_PRS");
    aml_resource_template(a, prs);

    aml_method_begin(a, "_STA", 0);
    aml_return(a);
    aml_name_string(a, "IQST");
    aml_name_string(a, field);
    aml_end(a);

    /* _DIS: Or(PRQn, 0x80, PRQn) */
    aml_method_begin(a, "_DIS", 0);
    aml_opcode(a, AML_OR);
    aml_name_string(a, field);
    aml_integer(a, LINK_IRQ_DISABLED);
    aml_name_string(a, field);
    aml_end(a);

    aml_method_begin(a, "_CRS", 0);
    aml_return(a);
    aml_name_string(a, "IQCR");
    aml_name_string(a, field);
    aml_end(a);

    /* _SRS(Arg0): the IRQ number of the Interrupt descriptor to PRQn */
    aml_method_begin(a, "_SRS", 1);
    aml_opcode(a, AML_CREATE_DWORD_FIELD);
    aml_opcode(a, AML_ARG0);
    aml_integer(a, 5);
    aml_name_string(a, "PRRI");
    aml_opcode(a, AML_STORE);
    aml_name_string(a, "PRRI");
    aml_name_string(a, field);
    aml_end(a);

    aml_end(a);
}

/* LNKS: the SCI, always enabled on its one IRQ; _SRS accepts it. */
static void link_sci(Aml *a, const AcpiBuildConfig *cfg)
{
    g_autoptr(GByteArray) r = g_byte_array_new();
    const uint32_t sci = cfg->sci_irq;

    aml_device_begin(a, "LNKS");
    aml_name(a, "_HID");
    aml_eisaid(a, "PNP0C0F");
    aml_name(a, "_UID");
    aml_integer(a, 4);
    aml_name(a, "_STA");
    aml_integer(a, 0x0b);
    aml_res_interrupt(r, &sci, 1);
    aml_name(a, "_PRS");
    aml_resource_template(a, r);
    aml_method_begin(a, "_SRS", 1);
    aml_end(a);
    aml_name(a, "_CRS");
    aml_resource_template(a, r);
    aml_end(a);
}

void acpi_dsdt_pci_end(Aml *a, const AcpiBuildConfig *cfg)
{
    aml_end(a);     /* ISA */
    aml_end(a);     /* PCI0 */

    aml_field_begin(a, "PCI0.ISA.P40C");
    for (int i = 0; i < 4; i++) {
        aml_field_entry(a, pirq_fields[i], 8);
    }
    aml_end(a);
    /* _STA of a link: present and functioning, enabled when routed */
    method_irq_enabled(a, "IQST", 0x09, 0x0b);
    method_iqcr(a);
    for (int i = 0; i < 4; i++) {
        link_device(a, i);
    }
    link_sci(a, cfg);
}
