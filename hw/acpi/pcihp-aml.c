/*
 * The DSDT part of ACPI PCI hotplug (hw/acpi/pcihp.c has the registers),
 * in the shape of QEMU's i440FX DSDT: \_SB.PCI0 gets fields over the
 * 0xae00 block, PCEJ(bus, slot) writing B0EJ, one Device(Sxx) per
 * hotpluggable slot (xx = devfn in hex: S10 is slot 2) with _ADR, _SUN
 * and _EJ0 (ACPI 6.4 section 6.3.3), DVNT(bitmap, value) notifying the
 * slots whose bit is set, and PCNT: Notify 1 (device check) for PCIU,
 * 3 (eject request) for PCID.  \_GPE._E01 calls PCNT (section 5.6.4).
 * Only bus 0, so no bus-selection mutex.
 */
#include "qemu/osdep.h"
#include "hw/acpi/pcihp.h"

#define PCI_SLOTS       32

static void slot_name(char *buf, size_t len, int slot)
{
    snprintf(buf, len, "S%02X", slot << 3);
}

static void io_fields(Aml *a, const char *region, uint32_t addr,
                      const char *f0, const char *f1)
{
    aml_operation_region(a, region, AML_REGION_SYSTEM_IO, addr,
                         f1 ? 8 : 4);
    aml_field_begin_flags(a, region, AML_FIELD_DWORD_ACC |
                                     AML_FIELD_WRITE_ZEROS);
    aml_field_entry(a, f0, 32);
    if (f1) {
        aml_field_entry(a, f1, 32);
    }
    aml_end(a);
}

/* Device(Sxx){Name(_SUN, slot) Name(_ADR, slot << 16) Method(_EJ0, 1)} */
static void slot_device(Aml *a, int slot)
{
    char name[5];

    slot_name(name, sizeof(name), slot);
    aml_device_begin(a, name);
    aml_name(a, "_SUN");
    aml_integer(a, slot);
    aml_name(a, "_ADR");
    aml_integer(a, (uint64_t)slot << 16);
    /* Return(PCEJ(BSEL, _SUN)) */
    aml_method_begin(a, "_EJ0", 1);
    aml_return(a);
    aml_name_string(a, "PCEJ");
    aml_name_string(a, "BSEL");
    aml_name_string(a, "_SUN");
    aml_end(a);
    aml_end(a);
}

void acpi_dsdt_pcihp(Aml *a, uint32_t slots)
{
    char name[5];

    aml_scope_begin(a, "\\_SB.PCI0");
    io_fields(a, "PCST", ACPI_PCIHP_ADDR, "PCIU", "PCID");
    io_fields(a, "SEJ", ACPI_PCIHP_ADDR + 8, "B0EJ", NULL);
    io_fields(a, "BNMR", ACPI_PCIHP_ADDR + 0x10, "BNUM", "PIDX");
    aml_name(a, "BSEL");
    aml_integer(a, 0);

    /* Method(PCEJ, 2){Store(Arg0, BNUM) ShiftLeft(One, Arg1, B0EJ)
     * Return(Zero)} */
    aml_method_begin(a, "PCEJ", 2);
    aml_opcode(a, AML_STORE);
    aml_opcode(a, AML_ARG0);
    aml_name_string(a, "BNUM");
    aml_opcode(a, AML_SHIFT_LEFT);
    aml_integer(a, 1);
    aml_opcode(a, AML_ARG1);
    aml_name_string(a, "B0EJ");
    aml_return(a);
    aml_integer(a, 0);
    aml_end(a);

    for (int slot = 0; slot < PCI_SLOTS; slot++) {
        if (slots & (1u << slot)) {
            slot_device(a, slot);
        }
    }

    /* Method(DVNT, 2){If(And(Arg0, 1 << slot)){Notify(Sxx, Arg1)} ...} */
    aml_method_begin(a, "DVNT", 2);
    for (int slot = 0; slot < PCI_SLOTS; slot++) {
        if (!(slots & (1u << slot))) {
            continue;
        }
        slot_name(name, sizeof(name), slot);
        aml_if_begin(a);
        aml_opcode(a, AML_AND);
        aml_opcode(a, AML_ARG0);
        aml_integer(a, 1u << slot);
        aml_opcode(a, AML_NULL_NAME);
        aml_opcode(a, AML_NOTIFY);
        aml_name_string(a, name);
        aml_opcode(a, AML_ARG1);
        aml_end(a);
    }
    aml_end(a);

    /* Method(PCNT, 0){Store(Zero, BNUM) DVNT(PCIU, 1) DVNT(PCID, 3)} */
    aml_method_begin(a, "PCNT", 0);
    aml_opcode(a, AML_STORE);
    aml_integer(a, 0);
    aml_name_string(a, "BNUM");
    aml_name_string(a, "DVNT");
    aml_name_string(a, "PCIU");
    aml_integer(a, 1);          /* device check */
    aml_name_string(a, "DVNT");
    aml_name_string(a, "PCID");
    aml_integer(a, 3);          /* eject request */
    aml_end(a);
    aml_end(a);                 /* \_SB.PCI0 */

    aml_scope_begin(a, "\\_GPE");
    aml_name(a, "_HID");
    aml_string(a, "ACPI0006");
    aml_method_begin(a, "_E01", 0);
    aml_name_string(a, "\\_SB.PCI0.PCNT");
    aml_end(a);
    aml_end(a);
}
