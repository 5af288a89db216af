/*
 * The kemu-system-x86_64 command line: QEMU's option names and syntax
 * parsed into a KemuConfig, without side effects, so it can be unit tested
 * and start-up (system/main.c) reads one plain record.
 */
#ifndef SYSTEM_CMDLINE_H
#define SYSTEM_CMDLINE_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/option.h"
#include "system/system.h"

#define KEMU_PROGNAME "kemu-system-x86_64"
/* Scripts parse "QEMU emulator version X.Y.Z", so keep QEMU's first words. */
#define KEMU_VERSION_LINE \
    "QEMU emulator version " QEMU_COMPAT_VERSION " (kemu " KEMU_VERSION ")"
#define KEMU_COPYRIGHT_LINE "Copyright (c) 2026 the kemu developers"

#define KEMU_MAX_SERIAL MAX_SERIAL_PORTS
#define KEMU_DEFAULT_RAM_SIZE (128 * MiB)

/* Options that print something and exit before anything is created. */
typedef enum KemuEarlyExit {
    KEMU_EXIT_NONE,
    KEMU_EXIT_HELP,          /* -h, -help */
    KEMU_EXIT_VERSION,       /* -version */
    KEMU_EXIT_ACCEL_HELP,    /* -accel help */
    KEMU_EXIT_DISPLAY_HELP,  /* -display help */
} KemuEarlyExit;

/* An option argument kept as typed, with the option name for error locations. */
typedef struct KemuOptArg {
    const char *opt;         /* "-device" (static) */
    char *arg;               /* "isa-serial,id=s0" */
} KemuOptArg;

/*
 * A monitor from -monitor, -qmp, -qmp-pretty (a legacy chardev spec, the
 * chardev labelled compat_monitorN) or -mon (an existing -chardev), in
 * command-line order.
 */
typedef struct KemuMonitorOpt {
    const char *opt;         /* "-monitor", "-qmp", ... (static) */
    char *arg;               /* the option's argument as typed */
    char *spec;              /* legacy chardev spec; NULL for -mon */
    char *chardev;           /* -mon chardev=ID; NULL for the others */
    bool qmp;                /* mode=control */
    bool pretty;
} KemuMonitorOpt;

typedef struct KemuConfig {
    KemuEarlyExit early_exit;

    /* -machine / -M: the type (NULL: default) and the other props in order. */
    char *machine_type;
    QemuOpts *machine_opts;
    bool machine_help;           /* -machine help, -machine TYPE,help */

    uint64_t ram_size;           /* bytes; KEMU_DEFAULT_RAM_SIZE if no -m */
    bool ram_size_set;
    uint64_t maxram_size;        /* 0: same as ram_size */
    char *smp;                   /* raw -smp text, checked by kemu_smp_parse */
    char *cpu_model;             /* -cpu (NULL: machine default) */

    /* -accel and -enable-kvm, in order; each a QemuOpts with "accel" set. */
    GPtrArray *accel_opts;
    /* KemuOptArg *, parallel to accel_opts: the text as typed, for error
     * locations (opt is NULL for -enable-kvm, which QEMU reports bare). */
    GPtrArray *accel_args;

    char *kernel, *initrd, *append, *bios;

    GPtrArray *devices;          /* KemuOptArg *: -device */
    GPtrArray *globals;          /* KemuOptArg *: -global */
    GPtrArray *chardevs;         /* KemuOptArg *: -chardev */
    GPtrArray *serials;          /* char *: -serial, at most KEMU_MAX_SERIAL */
    GPtrArray *monitors;         /* char *: -monitor */
    GPtrArray *qmps;             /* char *: -qmp, -qmp-pretty */
    GPtrArray *mon_opts;         /* KemuMonitorOpt *: every monitor, in order */
    /* A monitor option (or -serial mon:...) replaces the default monitor. */
    bool no_default_monitor;

    bool nographic;
    char *display;               /* -display type ("none"), NULL: default */
    char *vga;
    bool start_paused;           /* -S */
    char *gdbstub_dev;           /* -gdb dev, -s (tcp::1234) */
    char *name;
    char *uuid;             /* -uuid, lower case */
    bool debug_threads;
    bool no_reboot, no_shutdown, nodefaults, daemonize;
    bool full_screen;            /* -full-screen (SDL) */
    char *pidfile;
    char *log_items;             /* -d */
    char *log_file;              /* -D */
    char *bios_dir;              /* -L */
    char *rtc, *boot;
    GPtrArray *drives;           /* KemuOptArg *: -drive, -cdrom, -hdb..-hdd,
                                    -blockdev (raw) */
    bool snapshot;               /* -snapshot */
    GPtrArray *netdevs;          /* KemuOptArg *: -netdev, -nic, -net (raw) */
    char *vnc;                   /* -vnc DISPLAY or -display vnc=DISPLAY */
} KemuConfig;

/* Defaults (128 MiB, nothing else set). */
void kemu_config_init(KemuConfig *cfg);
void kemu_config_free(KemuConfig *cfg);

/*
 * Parse argv[1..argc-1] into @cfg (initialised by kemu_config_init).
 * Accepts "-opt" and "--opt".  On failure returns false with errp set and
 * the error location (loc_set_cmdline) left at the failing option, so
 * error_report_err() prints "kemu-system-x86_64: -m 12q: ...".  Stops at
 * the first early-exit option (-h, -version, -accel help).
 */
bool kemu_parse_args(int argc, char **argv, KemuConfig *cfg, Error **errp);

/*
 * Apply QEMU 7.2's -smp rules (implied values, "Invalid CPU topology"
 * errors) for a machine called @machine_name supporting @max_cpus.
 * @smp may be NULL (one CPU).
 */
typedef struct CpuTopology CpuTopology;
bool kemu_smp_parse(const char *smp, const char *machine_name,
                    unsigned max_cpus, CpuTopology *topo, Error **errp);

/* The -h text (QEMU's layout, only the options kemu accepts). */
void kemu_print_help(FILE *out);
/* The -version text: KEMU_VERSION_LINE and KEMU_COPYRIGHT_LINE. */
void kemu_print_version(FILE *out);

#endif
