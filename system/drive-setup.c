/*
 * Drives from the command line: -hda..-hdd (or a bare image name), -cdrom,
 * -drive and -blockdev in command-line order, as QEMU, opened before
 * the machine so its devices can find them; closed and flushed at exit.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "block/blockdev.h"
#include "qapi/qapi-events.h"
#include "block/blockjob.h"
#include "startup.h"

static void drive_setup_exit(void)
{
    /* Jobs hold nodes and hooks on them: they go first. */
    block_job_cancel_all();
    blockdev_close_all();
}

void startup_create_drives(const KemuConfig *cfg)
{
    Error *err = NULL;

    bdrv_write_threshold_set_notify(qapi_event_send_block_write_threshold);
    for (guint i = 0; i < cfg->drives->len; i++) {
        KemuOptArg *a = g_ptr_array_index(cfg->drives, i);
        bool ok;

        loc_set_cmdline(a->opt, a->arg);
        if (!strcmp(a->opt, "-drive")) {
            ok = drive_new(a->arg, cfg->snapshot, &err);
        } else if (!strcmp(a->opt, "-blockdev")) {
            ok = blockdev_add_str(a->arg, &err);
        } else if (!strcmp(a->opt, "-cdrom")) {
            ok = drive_new_legacy(a->arg, 2, true, cfg->snapshot, &err);
        } else {
            /* -hda, -hdb, -hdc, -hdd: IDE indexes 0, 1, 2, 3 */
            ok = drive_new_legacy(a->arg, a->opt[3] - 'a', false,
                                  cfg->snapshot, &err);
        }
        if (!ok) {
            startup_fail(err);
        }
    }
    loc_set_none();
    /* exit() from anywhere (isa-debug-exit, quit) still flushes images. */
    atexit(drive_setup_exit);
}
