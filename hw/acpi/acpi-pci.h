/*
 * The PCI part of the pc DSDT (hw/acpi/acpi-pci.c), used by acpi-build.c:
 * \_SB.PCI0 (PNP0A03) with its _CRS windows and _PRT, the PIIX3 function
 * \_SB.PCI0.ISA that the ISA devices sit in, and the interrupt links
 * LNKA-LNKD backed by the PIIX3 PIRQ route registers.
 */
#ifndef HW_ACPI_ACPI_PCI_H
#define HW_ACPI_ACPI_PCI_H

#include "hw/acpi/aml.h"
#include "hw/acpi/acpi-build.h"

/* Open Device(PCI0){...Device(ISA){ : the ISA devices follow. */
void acpi_dsdt_pci_begin(Aml *a, const AcpiBuildConfig *cfg);
/* Close ISA and PCI0, then declare the link devices (inside \_SB). */
void acpi_dsdt_pci_end(Aml *a, const AcpiBuildConfig *cfg);

/* q35 (hw/acpi/acpi-q35.c): PCI0 as PNP0A08 with the ICH9 LPC "ISA". */
void acpi_dsdt_q35_begin(Aml *a, const AcpiBuildConfig *cfg);
void acpi_dsdt_q35_end(Aml *a, const AcpiBuildConfig *cfg);
/* Name(_CRS) of PCI0: the windows of the root bridge. */
void acpi_dsdt_pci0_crs(Aml *a, const AcpiBuildConfig *cfg);

#endif
