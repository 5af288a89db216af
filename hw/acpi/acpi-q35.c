/*
 * PCI in the q35 machine's DSDT, the shape of QEMU's q35 tables:
 * \_SB.PCI0 is a PCI Express root bridge (_HID PNP0A08, _CID PNP0A03;
 * PCI Firmware Specification 3.0 section 4.1.5) with the pc's _CRS minus
 * the ECAM window, and the LPC bridge 00:1f.0 as PCI0.ISA where the ISA
 * devices sit.  _PRT (ACPI 6.4 section 6.2.13) gives each slot/pin its
 * global system interrupt directly: PIRQ A-H are IOAPIC inputs 16-23 and
 * slot S pin P uses PIRQ E-H ((S + P) & 3) for slots 0-24, PIRQ A-D (P)
 * for the chipset slots 25-31, as QEMU's q35 DSDT routes them.  This is
 * the APIC-mode table; there are no PIC-mode link devices.
 */
#include "qemu/osdep.h"
#include "hw/acpi/acpi-pci.h"
#include "hw/isa/ich9.h"

#define PCI_SLOTS 32

static void q35_prt(Aml *a)
{
    aml_name(a, "_PRT");
    aml_package_begin(a, PCI_SLOTS * 4);
    for (int slot = 0; slot < PCI_SLOTS; slot++) {
        for (int pin = 0; pin < 4; pin++) {
            aml_package_begin(a, 4);
            aml_integer(a, (uint64_t)slot << 16 | 0xffff);
            aml_integer(a, pin);
            aml_integer(a, 0);      /* no link device: a hard-wired GSI */
            aml_integer(a, ICH9_PIRQ_GSI_BASE + ich9_pirq_of(slot, pin));
            aml_end(a);
        }
    }
    aml_end(a);
}

void acpi_dsdt_q35_begin(Aml *a, const AcpiBuildConfig *cfg)
{
    aml_device_begin(a, "PCI0");
    aml_name(a, "_HID");
    aml_eisaid(a, "PNP0A08");
    aml_name(a, "_CID");
    aml_eisaid(a, "PNP0A03");
    aml_name(a, "_ADR");
    aml_integer(a, 0);
    aml_name(a, "_UID");
    aml_integer(a, 0);
    acpi_dsdt_pci0_crs(a, cfg);
    q35_prt(a);

    aml_device_begin(a, "ISA");
    aml_name(a, "_ADR");
    aml_integer(a, 0x001f0000);     /* device 31, function 0: ICH9 LPC */
}

void acpi_dsdt_q35_end(Aml *a, const AcpiBuildConfig *cfg)
{
    aml_end(a);     /* ISA */
    aml_end(a);     /* PCI0 */
}
