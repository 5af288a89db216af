/*
 * The "pc" machine (i440FX + PIIX board, QEMU's pc-i440fx-7.2): RAM split
 * around the PCI hole, legacy ISA devices, fw_cfg and -kernel boot.
 */
#ifndef HW_X86_PC_H
#define HW_X86_PC_H

#include "qemu/osdep.h"
#include "hw/boards.h"
#include "hw/isa/isa.h"
#include "hw/pci/pci.h"
#include "hw/irq.h"

#define TYPE_PC_MACHINE "pc-i440fx-7.2" TYPE_MACHINE_SUFFIX

/* RAM at or above this goes above 4 GiB (QEMU's i440FX lowmem). */
#define PC_I440FX_LOWMEM 0xe0000000ULL
#define PC_BIOS_DEFAULT  "/usr/share/seabios/bios.bin"

typedef struct MultibootImage MultibootImage;
typedef struct LinuxBootImage LinuxBootImage;
typedef struct PIIX3State PIIX3State;

typedef struct PCMachineState {
    MachineState parent_obj;
    uint64_t below_4g_mem_size;
    uint64_t above_4g_mem_size;
    MemoryRegion ram_below_4g;
    MemoryRegion ram_above_4g;
    MemoryRegion bios;
    MemoryRegion isa_bios;
    MemoryRegion option_rom;
    bool bios_loaded;
    PCIBus *pci_bus;             /* "pci.0" of the i440FX host bridge */
    PIIX3State *piix3;           /* PCI-ISA bridge; isa_bus hangs off it */
    ISABus *isa_bus;
    IRQLine *isa_irqs[ISA_NUM_IRQS];
    DeviceState *ioapic;
    DeviceState *pit;
    DeviceState *rtc;
    DeviceState *i8042;
    DeviceState *acpi_pm;        /* PIIX4_PM: PM1 block, PM timer, SCI */
    bool hpet_enabled;           /* -machine hpet=on|off (default on) */
    DeviceState *hpet;
    MultibootImage *multiboot;   /* -kernel image, rewritten at each reset */
    LinuxBootImage *linux_boot;  /* -kernel bzImage, rewritten at each reset */
} PCMachineState;

#define PC_MACHINE(obj) OBJECT_CHECK(PCMachineState, (obj), TYPE_PC_MACHINE)

/* Fill the CMOS memory-size and equipment bytes as QEMU's pc_cmos_init. */
void pc_cmos_init(PCMachineState *pcms, DeviceState *rtc);

/*
 * The pieces of the pc board that the q35 board (hw/x86/q35.c) shares.
 * Each returns false with @errp set on failure.
 */
typedef struct AcpiBuildConfig AcpiBuildConfig;
/* RAM: below 4 GiB up to @lowmem when ram_size >= @lowmem, the rest above. */
bool pc_memory_init(PCMachineState *pcms, uint64_t lowmem, Error **errp);
bool pc_firmware_init(PCMachineState *pcms, Error **errp);
bool pc_cpus_init(PCMachineState *pcms, Error **errp);
/* ISA IRQ lines (PIC + IOAPIC, or the accelerator's GSIs) on isa_bus. */
bool pc_init_irqs(PCMachineState *pcms, Error **errp);
/* GSI @n: an IOAPIC input, or the in-kernel irqchip's GSI. */
IRQLine *pc_gsi(PCMachineState *pcms, int n);
void pc_msi_trigger(uint64_t addr, uint32_t data);
/* HPET, PIT, speaker, RTC, i8042, port 92, port 80 on isa_bus. */
bool pc_isa_devices_init(PCMachineState *pcms, Error **errp);
bool pc_serials_init(PCMachineState *pcms, Error **errp);
bool pc_fw_cfg_init(PCMachineState *pcms, Error **errp);
bool pc_load_kernel(PCMachineState *pcms, Error **errp);
/* The pc's ACPI description of the board; pc_acpi_install writes it. */
void pc_acpi_config(PCMachineState *pcms, AcpiBuildConfig *cfg);
bool pc_acpi_install(const AcpiBuildConfig *cfg, Error **errp);
void pc_reset_boot(PCMachineState *pcms, uint64_t pci_hole_start,
                   void (*fw_setup)(PCMachineState *pcms),
                   bool (*acpi_write)(PCMachineState *pcms, Error **errp));

#endif
