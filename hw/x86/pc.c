/*
 * The "pc" machine: QEMU's pc-i440fx-7.2 board as far as kemu models it.
 *
 * Memory: RAM below 4 GiB up to the i440FX PCI hole (0xe0000000), the rest
 * above 4 GiB; the BIOS image at the top of the 32-bit space with its last
 * 128 KiB aliased at 0xe0000 ("isa-bios"); "pc.rom" for option ROMs.
 * Interrupts: ISA IRQ n goes to the i8259 pair and IOAPIC input n (the
 * IOAPIC routes input 0 to pin 2); the master 8259's INTR reaches the BSP's
 * LINT0.  With an in-kernel irqchip (KVM) the lines go to the accelerator
 * as GSIs instead and no PIC/PIT/IOAPIC/LAPIC model is created.
 * Boot: -kernel with a multiboot image is loaded directly and the BSP
 * starts in it at every reset; otherwise the BIOS runs.  A bzImage boots
 * without firmware, so the machine writes the ACPI tables SeaBIOS would
 * have built (top 128 KiB of low RAM, reserved in the E820 map; RSDP in the
 * BIOS area) at every reset.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "hw/x86/pc.h"
#include "hw/pci/pci-firmware-bars.h"
#include "hw/net/nic-init.h"
#include "hw/x86/e820.h"
#include "hw/x86/linux-boot.h"
#include "hw/x86/multiboot.h"
#include "hw/irq.h"
#include "hw/intc/apic.h"
#include "hw/intc/i8259.h"
#include "hw/intc/ioapic.h"
#include "hw/timer/i8254.h"
#include "hw/rtc/mc146818rtc.h"
#include "hw/input/i8042.h"
#include "hw/misc/ioport80.h"
#include "hw/misc/port92.h"
#include "hw/char/serial.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/acpi/acpi-build.h"
#include "hw/acpi/piix4.h"
#include "hw/acpi/pcihp.h"
#include "hw/pci/pci.h"
#include "hw/pci-host/i440fx.h"
#include "hw/isa/piix.h"
#include "hw/block/piix-ide.h"
#include "hw/timer/hpet.h"
#include "accel/accel.h"
#include "target/x86/cpu.h"
#include "chardev/char.h"
#include "system/system.h"

#define PC_ISA_BIOS_SIZE    (128 * KiB)
#define PC_ROM_MIN_VGA      0xc0000
#define PC_ROM_SIZE         0x20000
/* AMD's HyperTransport hole, reserved when the CPU has >= 40 address bits. */
#define AMD_HT_START        0xfd00000000ULL
#define AMD_HT_SIZE         0x0300000000ULL
/* Direct Linux boot: where the ACPI tables go, as with SeaBIOS. */
#define PC_ACPI_TABLES_SIZE (128 * KiB)
#define PC_ACPI_RSDP_ADDR   0xf5a00
/* The 32-bit PCI window ends below the IOAPIC; QEMU's 64-bit one is 2 GiB. */
#define PC_PCI_HOLE_END     0xfebfffff
#define PC_PCI_HOLE64_SIZE  (2 * GiB)

/* ---- interrupt wiring ---- */

/* The master 8259's INTR output: LINT0 of the BSP. */
static void pc_pic_intr(void *opaque, int n, int level)
{
    X86CPU *bsp = x86_cpu_by_index(0);

    if (!bsp) {
        return;
    }
    if (bsp->apic) {
        apic_deliver_pic_intr(bsp->apic, level);
    } else if (level) {
        x86_cpu_interrupt(bsp, CPU_INTERRUPT_HARD);
    } else {
        x86_cpu_reset_interrupt(bsp, CPU_INTERRUPT_HARD);
    }
}

/* In-kernel irqchip: ISA IRQ n is GSI n of the accelerator. */
static void pc_kvm_gsi(void *opaque, int n, int level)
{
    const AccelOps *accel = current_accel();

    if (accel && accel->set_irq) {
        accel->set_irq(n, level);
    }
}

/*
 * MSIs: with an in-kernel irqchip the accelerator delivers them; otherwise
 * they are memory writes that the local APIC window decodes.
 */
void pc_msi_trigger(uint64_t addr, uint32_t data)
{
    const AccelOps *accel = current_accel();

    if (accel_irqchip_in_kernel() && accel && accel->send_msi) {
        accel->send_msi(addr, data);
    } else {
        address_space_st(&address_space_memory, addr, 4, data);
    }
}

bool pc_init_irqs(PCMachineState *pcms, Error **errp)
{
    IRQLine **pic;
    IRQLine *intr;

    if (accel_irqchip_in_kernel()) {
        for (int i = 0; i < ISA_NUM_IRQS; i++) {
            pcms->isa_irqs[i] = irq_line_new(pc_kvm_gsi, pcms, i);
        }
        isa_bus_set_irqs(pcms->isa_bus, pcms->isa_irqs);
        return true;
    }
    intr = irq_line_new(pc_pic_intr, pcms, 0);
    pic = i8259_init(pcms->isa_bus, intr, errp);
    if (!pic) {
        return false;
    }
    pcms->ioapic = ioapic_init(IOAPIC_DEFAULT_ADDRESS, errp);
    if (!pcms->ioapic) {
        g_free(pic);
        return false;
    }
    for (int i = 0; i < ISA_NUM_IRQS; i++) {
        pcms->isa_irqs[i] = irq_line_split(pic[i],
                                           ioapic_get_irq_in(pcms->ioapic, i));
    }
    g_free(pic);
    isa_bus_set_irqs(pcms->isa_bus, pcms->isa_irqs);
    return true;
}

/* ---- memory ---- */

static char *pc_find_bios(const char *name)
{
    static const char *const dirs[] = {
        "/usr/share/seabios", "/usr/share/qemu", "/usr/share/kemu",
    };

    if (g_file_test(name, G_FILE_TEST_IS_REGULAR)) {
        return g_strdup(name);
    }
    for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
        char *path = g_build_filename(dirs[i], name, NULL);

        if (g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
            return path;
        }
        g_free(path);
    }
    return NULL;
}

static bool pc_load_bios(PCMachineState *pcms, const char *name,
                         Error **errp)
{
    g_autofree char *path = pc_find_bios(name);
    g_autofree gchar *data = NULL;
    gsize size = 0;
    uint64_t isa_size;

    if (!path || !g_file_get_contents(path, &data, &size, NULL) ||
        size == 0 || size % (64 * KiB) != 0 || size > 16 * MiB) {
        error_setg(errp, "could not load PC BIOS '%s'", name);
        return false;
    }
    if (!memory_region_init_rom(&pcms->bios, OBJECT(pcms), "pc.bios", size,
                                errp)) {
        return false;
    }
    memcpy(memory_region_get_ram_ptr(&pcms->bios), data, size);
    memory_region_add_subregion(get_system_memory(), 0x100000000ULL - size,
                                &pcms->bios);
    isa_size = MIN((uint64_t)size, PC_ISA_BIOS_SIZE);
    memory_region_init_alias(&pcms->isa_bios, OBJECT(pcms), "isa-bios",
                             &pcms->bios, size - isa_size, isa_size);
    memory_region_add_subregion_overlap(get_system_memory(),
                                        0x100000 - isa_size, &pcms->isa_bios,
                                        1);
    pcms->bios_loaded = true;
    return true;
}

bool pc_memory_init(PCMachineState *pcms, uint64_t lowmem, Error **errp)
{
    MachineState *ms = MACHINE(pcms);
    MemoryRegion *sysmem = get_system_memory();

    if (ms->ram_size >= lowmem) {
        pcms->below_4g_mem_size = lowmem;
        pcms->above_4g_mem_size = ms->ram_size - lowmem;
    } else {
        pcms->below_4g_mem_size = ms->ram_size;
        pcms->above_4g_mem_size = 0;
    }
    ms->ram = g_new0(MemoryRegion, 1);
    if (!memory_region_init_ram(ms->ram, OBJECT(ms), "pc.ram", ms->ram_size,
                                errp)) {
        g_free(ms->ram);
        ms->ram = NULL;
        return false;
    }
    memory_region_init_alias(&pcms->ram_below_4g, OBJECT(ms), "ram-below-4g",
                             ms->ram, 0, pcms->below_4g_mem_size);
    memory_region_add_subregion(sysmem, 0, &pcms->ram_below_4g);
    e820_reset();
    e820_add_entry(0, pcms->below_4g_mem_size, E820_RAM);
    if (pcms->above_4g_mem_size) {
        memory_region_init_alias(&pcms->ram_above_4g, OBJECT(ms),
                                 "ram-above-4g", ms->ram,
                                 pcms->below_4g_mem_size,
                                 pcms->above_4g_mem_size);
        memory_region_add_subregion(sysmem, 0x100000000ULL,
                                    &pcms->ram_above_4g);
        e820_add_entry(0x100000000ULL, pcms->above_4g_mem_size, E820_RAM);
    }
    /* Option ROM space, read-only as on QEMU's PCI machines. */
    if (!memory_region_init_rom(&pcms->option_rom, OBJECT(ms), "pc.rom",
                                PC_ROM_SIZE, errp)) {
        return false;
    }
    memory_region_add_subregion_overlap(sysmem, PC_ROM_MIN_VGA,
                                        &pcms->option_rom, 1);
    return true;
}

/* ---- CMOS ---- */

static void pc_cmos_set16(DeviceState *rtc, int addr, unsigned val)
{
    rtc_set_memory(rtc, addr, val & 0xff);
    rtc_set_memory(rtc, addr + 1, (val >> 8) & 0xff);
}

void pc_cmos_init(PCMachineState *pcms, DeviceState *rtc)
{
    uint64_t below = pcms->below_4g_mem_size;
    uint64_t val;

    /* Base memory (KiB, at most 640). */
    val = MIN(below / KiB, 640);
    pc_cmos_set16(rtc, 0x15, val);
    /* Extended memory above 1 MiB in KiB, capped at 65535. */
    val = below > 1 * MiB ? (below - 1 * MiB) / KiB : 0;
    val = MIN(val, 65535);
    pc_cmos_set16(rtc, 0x17, val);
    pc_cmos_set16(rtc, 0x30, val);
    /* Memory between 16 MiB and 4 GiB in 64 KiB units. */
    val = below > 16 * MiB ? (below - 16 * MiB) / (64 * KiB) : 0;
    val = MIN(val, 65535);
    pc_cmos_set16(rtc, 0x34, val);
    /* Memory above 4 GiB in 64 KiB units (3 bytes). */
    val = pcms->above_4g_mem_size / (64 * KiB);
    rtc_set_memory(rtc, 0x5b, val & 0xff);
    rtc_set_memory(rtc, 0x5c, (val >> 8) & 0xff);
    rtc_set_memory(rtc, 0x5d, (val >> 16) & 0xff);
    /* Boot order "cad": hard disk, floppy, CD-ROM; floppy signature check on. */
    rtc_set_memory(rtc, 0x3d, (1 << 4) | 2);
    rtc_set_memory(rtc, 0x38, 3 << 4);
    /* Equipment byte: FPU present, PS/2 mouse installed, no floppy. */
    rtc_set_memory(rtc, 0x14, 0x02 | 0x04);
}

/* ---- PCI ---- */

/* The i440FX host bridge, its bus "pci.0" and PIIX3 with the ISA bus. */
static bool pc_pci_init(PCMachineState *pcms, Error **errp)
{
    pcms->pci_bus = i440fx_init(get_system_memory(), get_system_io(), errp);
    if (!pcms->pci_bus) {
        return false;
    }
    pcms->pci_bus->msi_trigger = pc_msi_trigger;
    i440fx_pam_init(pcms->pci_bus, get_system_memory(), MACHINE(pcms)->ram);
    pcms->piix3 = piix3_init(pcms->pci_bus, get_system_io(), errp);
    if (!pcms->piix3) {
        return false;
    }
    pcms->isa_bus = pcms->piix3->isa_bus;
    return true;
}

/*
 * Booting without firmware (-kernel): do what SeaBIOS does to the chipset,
 * route PIRQA-D to ISA IRQs 10, 10, 11, 11 and set each function's
 * Interrupt Line, so the ACPI link devices' current settings are true;
 * assign the BARs where SeaBIOS would.
 */
static void pc_pci_firmware_setup(PCMachineState *pcms)
{
    static const uint8_t pirqs[PIIX_NUM_PIRQS] = { 10, 10, 11, 11 };

    piix3_set_pirq_routing(pcms->piix3, pirqs);
    for (int devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        PCIDevice *d = pcms->pci_bus->devices[devfn];
        int pin = d ? d->config[PCI_INTERRUPT_PIN] : 0;

        if (d && DEVICE(d) == pcms->acpi_pm) {
            /* the SCI, not a PIRQ (SeaBIOS's piix4_pm_setup) */
            d->config[PCI_INTERRUPT_LINE] = PIIX4_PM_SCI_IRQ;
        } else if (pin >= 1 && pin <= PCI_NUM_PINS) {
            d->config[PCI_INTERRUPT_LINE] =
                pirqs[piix3_pirq_of(PCI_SLOT(devfn), pin - 1)];
        }
    }
    pci_bus_firmware_assign_bars(pcms->pci_bus);
}

/* ---- devices ---- */

static bool pc_add_serial(PCMachineState *pcms, int index, Chardev *chr,
                          Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_ISA_SERIAL);

    if (!object_property_set_uint(OBJECT(dev), "index", index, errp) ||
        !object_property_set_str(OBJECT(dev), "chardev", chr->label, errp)) {
        object_unref(dev);
        return false;
    }
    return qdev_realize_and_unref(dev, BUS(pcms->isa_bus), errp);
}

/*
 * The HPET's comparators reach GSIs directly (IOAPIC inputs, or the
 * accelerator's GSIs); its legacy replacement route takes over ISA IRQ 0
 * and 8, so the PIT's and RTC's interrupts pass through it.
 */
IRQLine *pc_gsi(PCMachineState *pcms, int n)
{
    return pcms->ioapic ? ioapic_get_irq_in(pcms->ioapic, n)
                        : irq_line_new(pc_kvm_gsi, pcms, n);
}

static bool pc_hpet_init(PCMachineState *pcms, Error **errp)
{
    IRQLine *gsi[HPET_NUM_GSI];

    for (int i = 0; i < HPET_NUM_GSI; i++) {
        gsi[i] = pc_gsi(pcms, i);
    }
    pcms->hpet = hpet_init(gsi, pcms->isa_irqs[0], pcms->isa_irqs[8], errp);
    return pcms->hpet != NULL;
}

/* The ISA devices both boards have, up to port 0x80 (in QEMU's order). */
bool pc_isa_devices_init(PCMachineState *pcms, Error **errp)
{
    ISABus *bus = pcms->isa_bus;
    DeviceState *dev;

    if (pcms->hpet_enabled && !pc_hpet_init(pcms, errp)) {
        return false;
    }
    if (!accel_irqchip_in_kernel()) {
        pcms->pit = i8254_pit_init(bus, 0x40,
                                   pcms->hpet ? hpet_pit_in(pcms->hpet)
                                              : pcms->isa_irqs[0], errp);
        if (!pcms->pit) {
            return false;
        }
    }
    if (!pcspk_init(bus, pcms->pit, errp)) {
        return false;
    }
    pcms->rtc = mc146818_rtc_init(bus, 2000,
                                  pcms->hpet ? hpet_rtc_in(pcms->hpet) : NULL,
                                  errp);
    if (!pcms->rtc) {
        return false;
    }
    pc_cmos_init(pcms, pcms->rtc);
    pcms->i8042 = i8042_init(bus, errp);
    if (!pcms->i8042) {
        return false;
    }
    dev = qdev_new(TYPE_PORT92);
    if (!qdev_realize_and_unref(dev, BUS(bus), errp)) {
        return false;
    }
    isa_create_port80(bus);
    return true;
}

/* The -serial ports, after the chipset's devices. */
bool pc_serials_init(PCMachineState *pcms, Error **errp)
{
    for (int i = 0; i < MAX_SERIAL_PORTS; i++) {
        Chardev *chr = serial_hd(i);

        if (chr && !pc_add_serial(pcms, i, chr, errp)) {
            return false;
        }
    }
    return true;
}

static bool pc_basic_devices_init(PCMachineState *pcms, Error **errp)
{
    ISABus *bus = pcms->isa_bus;
    DeviceState *dev;

    if (!pc_isa_devices_init(pcms, errp)) {
        return false;
    }
    dev = qdev_new("piix-reset-control");
    if (!qdev_realize_and_unref(dev, BUS(bus), errp)) {
        return false;
    }
    i440fx_set_cf9_passthrough(pcms->pci_bus, piix_reset_control_region(dev));
    pcms->acpi_pm = piix4_pm_init(pcms->pci_bus, PIIX4_PM_DEVFN,
                                  pcms->isa_irqs[PIIX4_PM_SCI_IRQ], errp);
    if (!pcms->acpi_pm) {
        return false;
    }
    return pc_serials_init(pcms, errp);
}

bool pc_fw_cfg_init(PCMachineState *pcms, Error **errp)
{
    MachineState *ms = MACHINE(pcms);
    DeviceState *dev = qdev_new(TYPE_FW_CFG_IO);
    FWCfgState *fw;
    X86CPU *bsp = x86_cpu_by_index(0);
    uint32_t legacy_e820 = 0;

    if (!qdev_realize_and_unref(dev, BUS(pcms->isa_bus), errp)) {
        return false;
    }
    ms->fw_cfg = dev;
    fw = fw_cfg_find();

    /* QEMU reserves the HyperTransport hole for AMD models (qemu64). */
    if (bsp && bsp->model.vendor &&
        g_str_equal(bsp->model.vendor, "AuthenticAMD") &&
        bsp->model.phys_bits >= 40) {
        e820_add_entry(AMD_HT_START, AMD_HT_SIZE, E820_RESERVED);
    }
    fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, ms->smp.cpus);
    fw_cfg_add_i16(fw, FW_CFG_MAX_CPUS, ms->smp.max_cpus);
    fw_cfg_add_i64(fw, FW_CFG_RAM_SIZE, ms->ram_size);
    fw_cfg_add_i16(fw, FW_CFG_NOGRAPHIC, !ms->enable_graphics);
    fw_cfg_add_i16(fw, FW_CFG_BOOT_MENU, 0);
    fw_cfg_add_i32(fw, FW_CFG_IRQ0_OVERRIDE, 1);
    /* Legacy table of reserved ranges: empty (count only). */
    fw_cfg_add_bytes(fw, FW_CFG_E820_TABLE, &legacy_e820, sizeof(legacy_e820));
    fw_cfg_add_file(fw, "etc/e820", e820_get_table(),
                    sizeof(E820Entry) * e820_get_num_entries());
    return true;
}

/* ---- ACPI tables (direct Linux boot) ---- */

/* Describe the board as it is now (after -device). */
void pc_acpi_config(PCMachineState *pcms, AcpiBuildConfig *cfg_out)
{
    MachineState *ms = MACHINE(pcms);
    AcpiBuildConfig cfg;

    acpi_build_config_pc_defaults(&cfg);
    cfg.ncpus = ms->smp.cpus;
    cfg.tables_addr = pcms->below_4g_mem_size - PC_ACPI_TABLES_SIZE;
    cfg.tables_size = PC_ACPI_TABLES_SIZE;
    cfg.rsdp_addr = PC_ACPI_RSDP_ADDR;
    cfg.has_pit = true;     /* ours, or the in-kernel one under KVM */
    cfg.has_hpet = pcms->hpet != NULL;
    cfg.hpet_addr = HPET_BASE;
    cfg.hpet_id = HPET_CAP_ID_LOW;
    cfg.has_rtc = pcms->rtc != NULL;
    cfg.has_i8042 = pcms->i8042 != NULL;
    if (pcms->pci_bus) {
        uint64_t hole64 = QEMU_ALIGN_UP(0x100000000ULL +
                                        pcms->above_4g_mem_size, GiB);

        cfg.has_pci = true;
        cfg.pci_hole_start = pcms->below_4g_mem_size;
        cfg.pci_hole_end = PC_PCI_HOLE_END;
        cfg.pci_hole64_start = hole64;
        cfg.pci_hole64_end = hole64 + PC_PCI_HOLE64_SIZE - 1;
        cfg.has_pcihp = pcms->acpi_pm != NULL;
        cfg.pcihp_slots = acpi_pcihp_hotplug_slots(pcms->pci_bus);
        if (cfg.has_pcihp) {
            cfg.gpe0_blk = ACPI_GPE0_ADDR;
            cfg.gpe0_blk_len = ACPI_GPE0_LEN;
        }
    }
    for (GList *l = BUS(pcms->isa_bus)->children; l; l = l->next) {
        Object *obj = l->data;

        if (cfg.nserial < ACPI_BUILD_MAX_SERIAL &&
            object_dynamic_cast(obj, TYPE_ISA_SERIAL)) {
            cfg.serial[cfg.nserial].iobase =
                object_property_get_uint(obj, "iobase", NULL);
            cfg.serial[cfg.nserial].irq =
                object_property_get_uint(obj, "irq", NULL);
            cfg.nserial++;
        }
    }
    *cfg_out = cfg;
}

/* Build the tables described by @cfg and write them to guest memory. */
bool pc_acpi_install(const AcpiBuildConfig *cfg, Error **errp)
{
    AcpiBuildTables t;
    bool ok;

    if (!acpi_build(cfg, &t, errp)) {
        return false;
    }
    ok = address_space_write_rom(&address_space_memory, cfg->tables_addr,
                                 t.tables->data, t.tables->len) == MEMTX_OK &&
         address_space_write_rom(&address_space_memory, cfg->rsdp_addr,
                                 t.rsdp, sizeof(t.rsdp)) == MEMTX_OK;
    acpi_build_tables_free(&t);
    if (!ok) {
        error_setg(errp, "cannot write the ACPI tables to guest memory");
    }
    return ok;
}

static bool pc_acpi_write_tables(PCMachineState *pcms, Error **errp)
{
    AcpiBuildConfig cfg;

    pc_acpi_config(pcms, &cfg);
    return pc_acpi_install(&cfg, errp);
}

/* ---- -kernel ---- */

bool pc_load_kernel(PCMachineState *pcms, Error **errp)
{
    MachineState *ms = MACHINE(pcms);
    g_autofree gchar *data = NULL;
    gsize size;
    FWCfgState *fw = fw_cfg_find();
    Error *err = NULL;
    size_t cmdline_len = strlen(ms->kernel_cmdline ? ms->kernel_cmdline : "");

    if (!g_file_get_contents(ms->kernel_filename, &data, &size, NULL)) {
        int saved = errno;
        /* QEMU's exact message and status (no program-name prefix). */
        fprintf(stderr, "qemu: could not open kernel file '%s': %s\n",
                ms->kernel_filename, g_strerror(saved ? saved : ENOENT));
        exit(1);
    }
    if (multiboot_find_header((uint8_t *)data, size) < 0) {
        if (!linux_boot_is_bzimage((uint8_t *)data, size)) {
            /* QEMU's exact message and status (no program-name prefix). */
            fprintf(stderr, "qemu: invalid kernel header\n");
            exit(1);
        }
        /* Room for the ACPI tables, taken out of RAM before the E820 copy. */
        if (pcms->below_4g_mem_size <= 2 * PC_ACPI_TABLES_SIZE ||
            !e820_reserve_ram(pcms->below_4g_mem_size - PC_ACPI_TABLES_SIZE,
                              PC_ACPI_TABLES_SIZE, E820_RESERVED)) {
            error_setg(errp, "not enough RAM for the ACPI tables");
            return false;
        }
        pcms->linux_boot = linux_boot_load(ms->kernel_filename,
                                           (uint8_t *)data, size,
                                           ms->kernel_cmdline ?
                                           ms->kernel_cmdline : "",
                                           ms->initrd_filename,
                                           pcms->below_4g_mem_size, errp);
        if (!pcms->linux_boot) {
            return false;
        }
        linux_boot_set_acpi_rsdp(pcms->linux_boot, PC_ACPI_RSDP_ADDR);
        return true;
    }
    pcms->multiboot = multiboot_load(ms->kernel_filename, (uint8_t *)data,
                                     size, ms->kernel_cmdline,
                                     ms->initrd_filename,
                                     pcms->below_4g_mem_size, &err);
    if (!pcms->multiboot) {
        error_propagate(errp, err);
        return false;
    }
    if (fw) {
        fw_cfg_add_i32(fw, FW_CFG_KERNEL_ADDR,
                       multiboot_kernel_addr(pcms->multiboot));
        fw_cfg_add_i32(fw, FW_CFG_KERNEL_SIZE,
                       multiboot_kernel_size(pcms->multiboot));
        fw_cfg_add_i32(fw, FW_CFG_KERNEL_ENTRY,
                       multiboot_entry(pcms->multiboot));
        fw_cfg_add_i32(fw, FW_CFG_INITRD_ADDR,
                       multiboot_mbi_addr(pcms->multiboot));
        fw_cfg_add_i32(fw, FW_CFG_INITRD_SIZE, 0);
        fw_cfg_add_i32(fw, FW_CFG_CMDLINE_SIZE, cmdline_len + 1);
        fw_cfg_add_string(fw, FW_CFG_CMDLINE_DATA,
                          ms->kernel_cmdline ? ms->kernel_cmdline : "");
    }
    return true;
}

/* ---- machine ---- */

/* -bios, or the default BIOS unless -kernel boots without firmware. */
bool pc_firmware_init(PCMachineState *pcms, Error **errp)
{
    MachineState *ms = MACHINE(pcms);

    if (ms->firmware) {
        return pc_load_bios(pcms, ms->firmware, errp);
    }
    if (!ms->kernel_filename &&
        g_file_test(PC_BIOS_DEFAULT, G_FILE_TEST_EXISTS)) {
        return pc_load_bios(pcms, PC_BIOS_DEFAULT, errp);
    }
    return true;
}

bool pc_cpus_init(PCMachineState *pcms, Error **errp)
{
    MachineState *ms = MACHINE(pcms);

    for (unsigned i = 0; i < ms->smp.cpus; i++) {
        X86CPU *cpu = x86_cpu_create(ms, i, errp);

        if (!cpu) {
            return false;
        }
        if (!accel_irqchip_in_kernel() && !apic_new(cpu, errp)) {
            return false;
        }
    }
    return true;
}

static void pc_init(MachineState *ms, Error **errp)
{
    PCMachineState *pcms = PC_MACHINE(ms);
    bool kernel = ms->kernel_filename != NULL;

    if (!pc_memory_init(pcms, PC_I440FX_LOWMEM, errp) ||
        !pc_firmware_init(pcms, errp) || !pc_cpus_init(pcms, errp)) {
        return;
    }

    if (!pc_pci_init(pcms, errp) || !pc_init_irqs(pcms, errp) || !pc_basic_devices_init(pcms, errp) ||
        !pc_fw_cfg_init(pcms, errp)) {
        return;
    }
    /* PIIX3 IDE (00:01.1) with the if=ide drives */
    if (!piix3_ide_init(pcms->pci_bus, errp)) {
        return;
    }
    if (kernel && !pc_load_kernel(pcms, errp)) {
        return;
    }
}

/*
 * After the default VGA (00:02.0): -nic and -net nic (e1000 unless
 * named), then a virtio-blk-pci per if=virtio drive, in QEMU's slot order.
 */
static void pc_init_late(MachineState *ms, Error **errp)
{
    if (pc_init_nics("e1000", errp)) {
        pc_init_virtio_drives(PC_MACHINE(ms)->pci_bus, errp);
    }
}

/*
 * After devices are reset: reset the CPUs, then (re)load a -kernel image,
 * doing first what firmware would (@fw_setup, MTRRs with the PCI hole at
 * @pci_hole_start, the ACPI tables with @acpi_write).
 */
void pc_reset_boot(PCMachineState *pcms, uint64_t pci_hole_start,
                   void (*fw_setup)(PCMachineState *pcms),
                   bool (*acpi_write)(PCMachineState *pcms, Error **errp))
{
    X86CPU *bsp = x86_cpu_by_index(0);

    for (unsigned i = 0; x86_cpus && i < x86_cpus->len; i++) {
        x86_cpu_reset(g_ptr_array_index(x86_cpus, i));
    }
    if (pcms->linux_boot && bsp) {
        Error *err = NULL;

        fw_setup(pcms);
        /* No firmware runs: set up the memory types SeaBIOS would. */
        for (unsigned i = 0; i < x86_cpus->len; i++) {
            x86_cpu_set_firmware_mtrrs(g_ptr_array_index(x86_cpus, i),
                                       pci_hole_start);
        }

        if (!linux_boot_write_to_guest(pcms->linux_boot, &err) ||
            !acpi_write(pcms, &err)) {
            error_report_err(err);
            return;
        }
        linux_boot_setup_cpu(pcms->linux_boot, &bsp->env);
    }
    if (pcms->multiboot && bsp) {
        Error *err = NULL;

        fw_setup(pcms);
        if (!multiboot_write_to_guest(pcms->multiboot, NULL, &err)) {
            error_report_err(err);
            return;
        }
        multiboot_setup_cpu(pcms->multiboot, &bsp->env);
    }
}

static void pc_reset(MachineState *ms)
{
    pc_reset_boot(PC_MACHINE(ms), PC_I440FX_LOWMEM, pc_pci_firmware_setup,
                  pc_acpi_write_tables);
}

static void pc_machine_finalize(Object *obj)
{
    PCMachineState *pcms = PC_MACHINE(obj);

    multiboot_free(pcms->multiboot);
    pcms->multiboot = NULL;
    linux_boot_free(pcms->linux_boot);
    pcms->linux_boot = NULL;
}

static void pc_machine_instance_init(Object *obj)
{
    PC_MACHINE(obj)->hpet_enabled = true;
}

static void pc_machine_class_init(ObjectClass *klass, void *data)
{
    MachineClass *mc = MACHINE_CLASS(klass);

    object_class_property_add_bool(klass, "hpet",
                                   offsetof(PCMachineState, hpet_enabled));
    object_class_property_set_description(klass, "hpet",
        "Enable/disable high precision event timer emulation");

    mc->alias = "pc";
    mc->desc = "Standard PC (i440FX + PIIX, 1996)";
    mc->is_default = true;
    mc->max_cpus = 255;
    mc->default_ram_size = 128 * MiB;
    mc->default_cpu_type = "qemu64";
    mc->default_ram_id = "pc.ram";
    mc->init = pc_init;
    mc->init_late = pc_init_late;
    mc->reset = pc_reset;
}

static const TypeInfo pc_machine_info = {
    .name = TYPE_PC_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(PCMachineState),
    .instance_init = pc_machine_instance_init,
    .instance_finalize = pc_machine_finalize,
    .class_init = pc_machine_class_init,
};

static void pc_machine_register_types(void)
{
    type_register_static(&pc_machine_info);
}

type_init(pc_machine_register_types)
