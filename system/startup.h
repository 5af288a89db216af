/*
 * Start-up phases of kemu-system-x86_64, called in order by system/main.c.
 * Each phase reports its own errors (one line, with the option location)
 * and exits with status 1, as QEMU does; none returns on failure.
 */
#ifndef SYSTEM_STARTUP_H
#define SYSTEM_STARTUP_H

#include "qemu/osdep.h"
#include "system/cmdline.h"
#include "hw/boards.h"

typedef struct Chardev Chardev;

/* Print @err (with its location) and exit(1). */
void QEMU_NORETURN startup_fail(Error *err);

/*
 * Options that print something and exit: -h, -version, -accel help,
 * -display help, -machine help, -cpu help, -device help, -chardev help,
 * -d help.  Exits the process when one was given.
 */
void startup_handle_info_options(const KemuConfig *cfg);

/* -d and -D. */
void startup_configure_logging(const KemuConfig *cfg);

/* The machine object as /machine with the -machine, -m, -smp, -cpu,
 * -kernel... settings applied; becomes current_machine. */
MachineState *startup_create_machine(const KemuConfig *cfg);
/* -accel / -enable-kvm / -machine accel= (default tcg). */
void startup_configure_accelerator(const KemuConfig *cfg, MachineState *ms);

/* -chardev, then -serial (or the default serial), -monitor and -qmp. */
void startup_create_chardevs(const KemuConfig *cfg);
/* -netdev, -nic, -net (system/netdev-setup.c), before the board. */
void startup_create_netdevs(const KemuConfig *cfg);
/* -global */
void startup_register_globals(const KemuConfig *cfg);
/* -vga (the default VGA), then -display / -vnc (system/display-setup.c). */
void startup_create_display(const KemuConfig *cfg);
/* -device, in command-line order, after the board exists. */
void startup_create_devices(const KemuConfig *cfg);
/* Warn about options whose subsystem kemu does not have yet. */
void startup_warn_unsupported(const KemuConfig *cfg);
/* -drive, -hda.., -cdrom, -blockdev (system/drive-setup.c). */
void startup_create_drives(const KemuConfig *cfg);

/* Record -name, -uuid and -nodefaults for the rest of the emulator. */
void system_set_globals(const char *name, const char *uuid, bool nodefaults);
/* Slot @i of serial_hd() (system/system.c). */
void serial_hd_set(int i, Chardev *chr);

/* ---- host process (system/os-posix.c) ---- */

/* SIGINT/SIGTERM/SIGHUP end the VM cleanly; SIGPIPE is ignored. */
void os_setup_signal_handling(void);
/* -daemonize: fork; the parent waits until os_daemonize_done(). */
void os_daemonize_start(void);
void os_daemonize_done(void);
/* -pidfile: create and lock, removed at exit. */
void os_create_pidfile(const char *path);

#endif
