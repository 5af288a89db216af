/*
 * Machines: a machine type builds the board (RAM, devices, wiring) from the
 * parsed configuration in MachineState.  The machine object is the root of
 * the device tree, "/machine".
 */
#ifndef HW_BOARDS_H
#define HW_BOARDS_H

#include "qemu/osdep.h"
#include "qom/object.h"
#include "exec/memory.h"
#include "hw/qdev-core.h"

#define TYPE_MACHINE "machine"
#define TYPE_MACHINE_SUFFIX "-machine"
/* Machine type names are "<name>-machine", e.g. "pc-i440fx-7.2-machine". */

typedef struct CpuTopology {
    unsigned int cpus;
    unsigned int sockets;
    unsigned int dies;
    unsigned int cores;
    unsigned int threads;
    unsigned int max_cpus;
} CpuTopology;

OBJECT_DECLARE_TYPE(MachineState, MachineClass, MACHINE)

struct MachineClass {
    ObjectClass parent_class;
    const char *name;           /* "pc-i440fx-7.2" */
    const char *alias;          /* "pc" */
    const char *desc;           /* "Standard PC (i440FX + PIIX, 1996)" */
    bool is_default;
    bool deprecated;
    unsigned int max_cpus;
    uint64_t default_ram_size;
    const char *default_cpu_type;  /* model name, "qemu64" */
    const char *default_ram_id;    /* "pc.ram" */
    /* if=ide numbering of the on-board controller; 0: pc's 2 units, 2 buses */
    int ide_units_per_bus, ide_max_bus;
    /* Build the board: called with accel initialised and machine properties set. */
    void (*init)(MachineState *ms, Error **errp);
    /*
     * Board devices that come after the default display (QEMU's pc puts
     * the VGA at 00:02.0 before its NICs); may be NULL.
     */
    void (*init_late)(MachineState *ms, Error **errp);
    /* System reset (after devices are reset): e.g. reload the kernel, reset CPUs. */
    void (*reset)(MachineState *ms);
};

struct MachineState {
    Object parent_obj;
    /* From the command line, before init. */
    uint64_t ram_size;
    uint64_t maxram_size;
    CpuTopology smp;
    char *cpu_model;            /* -cpu string, "qemu64" by default */
    char *kernel_filename;      /* -kernel */
    char *kernel_cmdline;       /* -append, "" by default */
    char *initrd_filename;      /* -initrd */
    char *firmware;             /* -bios */
    char *accel;                /* machine accel= property */
    bool no_reboot;
    bool no_shutdown;
    /* Accepted -machine switches (QEMU's defaults: on, on, on, off). */
    bool dump_guest_core;
    bool mem_merge;
    bool enable_graphics;
    bool usb;
    /* Built by init. */
    MemoryRegion *ram;          /* the whole guest RAM block */
    DeviceState *fw_cfg;
};

/* The machine being run ("/machine"); set by system/ before init (DESIGN.md, globals). */
extern MachineState *current_machine;

/* Find a machine class by name or alias; NULL if none. */
MachineClass *machine_find_class(const char *name);
MachineClass *machine_default_class(void);
/* "-machine help" output, QEMU's format. */
void machine_print_list(void);

#endif
