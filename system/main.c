/*
 * kemu-system-x86_64: start-up is one visible sequence (STYLE.md
 * principle 3): parse -> info options -> logging -> machine object ->
 * accelerator -> backends -> board -> -device -> reset -> run; teardown
 * parks the vCPUs and restores the terminal.  Each phase lives in a small
 * file of system/ (see system/startup.h).
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "exec/memory.h"
#include "block/blockdev.h"
#include "chardev/char.h"
#include "hw/boards.h"
#include "hw/qdev-core.h"
#include "monitor/monitor.h"
#include "net/net.h"
#include "system/cmdline.h"
#include "system/cpus.h"
#include "system/gdbstub.h"
#include "system/runstate.h"
#include "system/startup.h"

/* Build the board with everything the command line asked for. */
static void build_machine(const KemuConfig *cfg)
{
    MachineState *ms = startup_create_machine(cfg);
    MachineClass *mc = MACHINE_GET_CLASS(ms);
    Error *err = NULL;

    startup_configure_accelerator(cfg, ms);
    startup_create_chardevs(cfg);
    startup_create_netdevs(cfg);
    startup_register_globals(cfg);
    startup_warn_unsupported(cfg);
    if (mc->ide_units_per_bus) {
        drive_set_ide_layout(mc->ide_units_per_bus, mc->ide_max_bus);
    }
    startup_create_drives(cfg);

    if (mc->init) {
        mc->init(ms, &err);
        if (err) {
            loc_set_none();
            startup_fail(err);
        }
    }
    startup_create_display(cfg);
    if (mc->init_late) {
        mc->init_late(ms, &err);
        if (err) {
            loc_set_none();
            startup_fail(err);
        }
    }
    startup_create_devices(cfg);
    qdev_prop_check_globals();
    net_check_clients();
}

static int run_main_loop(void)
{
    int status = 0;

    while (!qemu_main_loop_should_exit(&status)) {
        main_loop_wait(false);
    }
    return status;
}

static void teardown(void)
{
    pause_all_vcpus();
    qdev_unplug_flush();    /* DEVICE_DELETED of a last-moment eject */
    monitor_cleanup();
    /* tap runs its downscript */
    net_cleanup();
    /* Puts stdio back into cooked mode. */
    chardev_cleanup_all();
}

int main(int argc, char **argv)
{
    KemuConfig cfg;
    Error *err = NULL;
    int status;

    error_set_progname(KEMU_PROGNAME);
    kemu_config_init(&cfg);
    if (!kemu_parse_args(argc, argv, &cfg, &err)) {
        startup_fail(err);
    }
    startup_handle_info_options(&cfg);
    startup_configure_logging(&cfg);

    /*
     * As QEMU: refused only while -nographic would put the default serial
     * port, parallel port or monitor on stdio (-nodefaults drops them all;
     * kemu has no parallel port option to redirect it alone).
     */
    if (cfg.daemonize && cfg.nographic && !cfg.nodefaults) {
        error_report("-nographic cannot be used with -daemonize");
        exit(1);
    }
    system_set_globals(cfg.name, cfg.uuid, cfg.nodefaults);
    chardev_stdio_set_daemonized(cfg.daemonize);
    os_setup_signal_handling();
    if (cfg.daemonize) {
        /* Before any thread exists: fork() keeps only the caller. */
        os_daemonize_start();
    }
    if (cfg.pidfile) {
        os_create_pidfile(cfg.pidfile);
    }

    bql_lock();
    memory_system_init();
    build_machine(&cfg);
    qemu_system_reset(SHUTDOWN_CAUSE_NONE);
    if (cfg.gdbstub_dev && !gdbserver_start(cfg.gdbstub_dev, &err)) {
        startup_fail(err);
    }
    os_daemonize_done();
    if (!cfg.start_paused) {
        vm_start();
    }

    status = run_main_loop();
    gdb_exit(status);
    teardown();
    bql_unlock();
    kemu_config_free(&cfg);
    return status;
}
