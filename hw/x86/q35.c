/*
 * The "q35" machine: QEMU's pc-q35-7.2 board (Q35 MCH + ICH9) as far as
 * kemu models it.  It shares the pc board's CPUs, firmware, ISA devices,
 * fw_cfg and -kernel boot (hw/x86/pc.c) and differs in the chipset:
 *  - memory: RAM below 4 GiB up to 0xb0000000, or only 2 GiB when there
 *    are at least 0xb0000000 bytes (QEMU's q35 lowmem), the rest above
 *    4 GiB; the ECAM window at 0xb0000000 (256 MiB) is reserved in E820;
 *  - PCI: the MCH at 00:00.0 on "pcie.0" (hw/pci-host/q35.c), the ICH9
 *    LPC at 00:1f.0 with the ISA bus, PIRQ A-H at GSIs 16-23 and the ACPI
 *    PM block at 0x600 (hw/isa/lpc-ich9.c, hw/acpi/ich9.c), the SMBus
 *    controller at 00:1f.3 (hw/isa/ich9-smbus.c);
 *  - disks: only if=virtio; the on-board ich9-ahci at 00:1f.2 is not
 *    there yet (q35_sata_init), so if=ide drives are refused;
 *  - NICs: e1000 by default (QEMU's q35 uses e1000e, which kemu lacks).
 * Booting without firmware, the machine does what SeaBIOS does on q35:
 * PCIEXBAR at 0xb0000000, PIRQ routes, PMBASE, BARs, then ACPI tables
 * with a PNP0A08 root bridge and an MCFG table.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/x86/pc.h"
#include "hw/x86/e820.h"
#include "hw/acpi/acpi-build.h"
#include "hw/pci-host/q35.h"
#include "hw/isa/ich9.h"
#include "hw/isa/piix.h"
#include "hw/block/piix-ide.h"
#include "hw/block/ahci.h"
#include "hw/pci/pci-firmware-bars.h"
#include "hw/net/nic-init.h"
#include "system/system.h"

#define TYPE_Q35_MACHINE    "pc-q35-7.2" TYPE_MACHINE_SUFFIX
#define Q35_LOWMEM_LARGE    0x80000000ULL   /* when ram >= Q35_LOWMEM */
#define Q35_LOWMEM          0xb0000000ULL
#define Q35_PCI_HOLE_END    0xfebfffff
/* ICH9 chipset configuration registers (RCBA): reserved as SeaBIOS does */
#define ICH9_RCBA_ADDR      0xfed1c000
#define ICH9_RCBA_SIZE      0x4000

typedef struct Q35MachineState {
    PCMachineState parent_obj;
    ICH9LPCState *lpc;
} Q35MachineState;

#define Q35_MACHINE(obj) OBJECT_CHECK(Q35MachineState, (obj), TYPE_Q35_MACHINE)

/* The MCH, the LPC with its ISA bus, and the IRQ wiring through it. */
static bool q35_chipset_init(Q35MachineState *q35, Error **errp)
{
    PCMachineState *pcms = &q35->parent_obj;
    IRQLine *gsi[ICH9_NUM_PIRQS];

    pcms->pci_bus = q35_host_init(get_system_memory(), get_system_io(),
                                  errp);
    if (!pcms->pci_bus) {
        return false;
    }
    pcms->pci_bus->msi_trigger = pc_msi_trigger;
    i440fx_pam_init(pcms->pci_bus, get_system_memory(), MACHINE(pcms)->ram);
    q35->lpc = ich9_lpc_init(pcms->pci_bus, get_system_io(), errp);
    if (!q35->lpc) {
        return false;
    }
    pcms->isa_bus = q35->lpc->isa_bus;
    if (!pc_init_irqs(pcms, errp)) {
        return false;
    }
    for (int i = 0; i < ICH9_NUM_PIRQS; i++) {
        gsi[i] = pc_gsi(pcms, ICH9_PIRQ_GSI_BASE + i);
    }
    ich9_lpc_wire(q35->lpc, pcms->isa_irqs[ICH9_SCI_IRQ], gsi);
    pcms->acpi_pm = DEVICE(q35->lpc);
    return true;
}

/* ISA devices as on pc, then the ICH9 reset control register (0xcf9). */
static bool q35_devices_init(Q35MachineState *q35, Error **errp)
{
    PCMachineState *pcms = &q35->parent_obj;
    DeviceState *dev;

    if (!pc_isa_devices_init(pcms, errp)) {
        return false;
    }
    dev = qdev_new("piix-reset-control");
    if (!qdev_realize_and_unref(dev, BUS(pcms->isa_bus), errp)) {
        return false;
    }
    i440fx_set_cf9_passthrough(pcms->pci_bus, piix_reset_control_region(dev));
    if (!pci_create_simple(pcms->pci_bus, ICH9_SMB_DEVFN, TYPE_ICH9_SMB,
                           errp)) {
        return false;
    }
    return pc_serials_init(pcms, errp);
}

/*
 * The on-board SATA controller: QEMU's q35 has an ich9-ahci at 00:1f.2
 * (buses ide.0-ide.5) that -hda, -cdrom and if=ide drives use.
 */
static bool q35_sata_init(Q35MachineState *q35, Error **errp)
{
    return ich9_ahci_init(q35->parent_obj.pci_bus, ICH9_SATA_DEVFN, "ide",
                          errp) != NULL;
}

static void q35_init(MachineState *ms, Error **errp)
{
    Q35MachineState *q35 = Q35_MACHINE(ms);
    PCMachineState *pcms = &q35->parent_obj;
    uint64_t lowmem = ms->ram_size >= Q35_LOWMEM ? Q35_LOWMEM_LARGE
                                                 : Q35_LOWMEM;

    if (!pc_memory_init(pcms, lowmem, errp)) {
        return;
    }
    e820_add_entry(MCH_PCIEXBAR_DEFAULT, MCH_PCIEXBAR_SIZE, E820_RESERVED);
    e820_add_entry(ICH9_RCBA_ADDR, ICH9_RCBA_SIZE, E820_RESERVED);
    if (!pc_firmware_init(pcms, errp) || !pc_cpus_init(pcms, errp) ||
        !q35_chipset_init(q35, errp) || !q35_devices_init(q35, errp) ||
        !pc_fw_cfg_init(pcms, errp) || !q35_sata_init(q35, errp)) {
        return;
    }
    if (ms->kernel_filename && !pc_load_kernel(pcms, errp)) {
        return;
    }
}

/*
 * Booting without firmware: what SeaBIOS 1.16 does on q35 (mch_mmconfig_
 * setup, mch_isa_bridge_setup): ECAM at 0xb0000000, PIRQ A-H to IRQs 10,
 * 10, 11, 11 twice, PMBASE 0x600, Interrupt Line of every function, BARs.
 */
static void q35_firmware_setup(PCMachineState *pcms)
{
    static const uint8_t pirqs[ICH9_NUM_PIRQS] = {
        10, 10, 11, 11, 10, 10, 11, 11
    };
    ICH9LPCState *lpc = Q35_MACHINE(pcms)->lpc;

    q35_host_set_pciexbar(pcms->pci_bus, MCH_PCIEXBAR_DEFAULT);
    ich9_lpc_firmware_setup(lpc, pirqs);
    for (int devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        PCIDevice *d = pcms->pci_bus->devices[devfn];
        int pin = d ? d->config[PCI_INTERRUPT_PIN] : 0;

        if (pin >= 1 && pin <= PCI_NUM_PINS) {
            d->config[PCI_INTERRUPT_LINE] =
                pirqs[ich9_pirq_of(PCI_SLOT(devfn), pin - 1)];
        }
    }
    pci_bus_firmware_assign_bars(pcms->pci_bus);
    /* SeaBIOS's ich9_smbus_setup runs after the BAR layout */
    pci_host_config_write(pcms->pci_bus, (ICH9_SMB_DEVFN << 8) |
                          (PCI_BASE_ADDRESS_0 + 4 * ICH9_SMB_BAR),
                          ICH9_SMB_IO_BASE, 4);
    pci_host_config_write(pcms->pci_bus, (ICH9_SMB_DEVFN << 8) |
                          ICH9_SMB_HOSTC, ICH9_SMB_HOSTC_HST_EN, 1);
}

static bool q35_acpi_write_tables(PCMachineState *pcms, Error **errp)
{
    AcpiBuildConfig cfg;

    pc_acpi_config(pcms, &cfg);
    cfg.acpi_enable = ICH9_APM_ACPI_ENABLE;
    cfg.acpi_disable = ICH9_APM_ACPI_DISABLE;
    cfg.pcie = true;
    cfg.has_pcihp = false;      /* PIIX4's 0xae00 block: not on ICH9 */
    cfg.pcihp_slots = 0;
    cfg.mcfg_base = MCH_PCIEXBAR_DEFAULT;
    cfg.gpe0_blk = ICH9_PMBASE_DEFAULT + ICH9_PM_GPE0_OFF;
    cfg.gpe0_blk_len = ICH9_PM_GPE0_LEN;
    cfg.pci_hole_end = Q35_PCI_HOLE_END;
    cfg.pci_hole64_end = cfg.pci_hole64_start +
        I440FX_PCI_HOST_BRIDGE(BUS(pcms->pci_bus)->parent)->pci_hole64_size - 1;
    return pc_acpi_install(&cfg, errp);
}

/*
 * After the default VGA (00:01.0): the NICs (e1000 unless named; QEMU's
 * q35 default is e1000e), then the if=virtio disks, in QEMU's slot order.
 */
static void q35_init_late(MachineState *ms, Error **errp)
{
    if (pc_init_nics("e1000", errp)) {
        pc_init_virtio_drives(PC_MACHINE(ms)->pci_bus, errp);
    }
}

static void q35_reset(MachineState *ms)
{
    PCMachineState *pcms = PC_MACHINE(ms);

    pc_reset_boot(pcms, MAX(pcms->below_4g_mem_size, Q35_LOWMEM_LARGE),
                  q35_firmware_setup, q35_acpi_write_tables);
}

static void q35_machine_class_init(ObjectClass *klass, void *data)
{
    MachineClass *mc = MACHINE_CLASS(klass);

    mc->alias = "q35";
    mc->desc = "Standard PC (Q35 + ICH9, 2009)";
    mc->is_default = false;
    mc->max_cpus = 288;
    mc->ide_units_per_bus = 1;      /* the AHCI's six ports */
    mc->ide_max_bus = AHCI_NUM_PORTS;
    mc->init = q35_init;
    mc->init_late = q35_init_late;
    mc->reset = q35_reset;
}

static const TypeInfo q35_machine_info = {
    .name = TYPE_Q35_MACHINE,
    .parent = TYPE_PC_MACHINE,
    .instance_size = sizeof(Q35MachineState),
    .class_init = q35_machine_class_init,
};

static void q35_machine_register_types(void)
{
    type_register_static(&q35_machine_info);
}

type_init(q35_machine_register_types)
