/*
 * HMP block job commands (QEMU 7.2's texts): block_stream, drive_mirror,
 * drive_backup, block_job_{cancel,complete,pause,resume,set_speed} and
 * "info block-jobs", each a thin caller of the QMP command.
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "hmp-internal.h"

void hmp_block_stream(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;
    const char *base = hmp_arg_str(args, "base");

    qmp_block_stream(false, NULL, hmp_arg_str(args, "device"),
                     base != NULL, base, false, NULL, false, NULL, false,
                     NULL, hmp_arg_has(args, "speed"),
                     hmp_arg_int(args, "speed", 0), true,
                     BLOCKDEV_ON_ERROR_REPORT, false, NULL, false, false,
                     false, false, &err);
    hmp_handle_error(mon, err);
}

void hmp_drive_mirror(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;
    const char *format = hmp_arg_str(args, "format");

    qmp_drive_mirror(false, NULL, hmp_arg_str(args, "device"),
                     hmp_arg_str(args, "target"), format != NULL, format,
                     false, NULL, false, NULL,
                     hmp_arg_bool(args, "full") ? MIRROR_SYNC_MODE_FULL
                                                : MIRROR_SYNC_MODE_TOP,
                     true, hmp_arg_bool(args, "reuse")
                           ? NEW_IMAGE_MODE_EXISTING
                           : NEW_IMAGE_MODE_ABSOLUTE_PATHS,
                     false, 0, false, 0, false, 0, false, 0, false, 0,
                     false, false, false, 0, false, false, false, false,
                     &err);
    hmp_handle_error(mon, err);
}

void hmp_drive_backup(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;
    const char *format = hmp_arg_str(args, "format");
    bool compress = hmp_arg_bool(args, "compress");

    qmp_drive_backup(false, NULL, hmp_arg_str(args, "device"),
                     hmp_arg_bool(args, "full") ? MIRROR_SYNC_MODE_FULL
                                                : MIRROR_SYNC_MODE_TOP,
                     false, 0, false, NULL, false, 0, compress, compress,
                     false, 0, false, 0, false, false, false, false, false,
                     NULL, false, NULL, hmp_arg_str(args, "target"),
                     format != NULL, format, true,
                     hmp_arg_bool(args, "reuse")
                     ? NEW_IMAGE_MODE_EXISTING
                     : NEW_IMAGE_MODE_ABSOLUTE_PATHS, &err);
    hmp_handle_error(mon, err);
}

void hmp_block_job_set_speed(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    qmp_block_job_set_speed(hmp_arg_str(args, "device"),
                            hmp_arg_int(args, "speed", 0), &err);
    hmp_handle_error(mon, err);
}

void hmp_block_job_cancel(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    qmp_block_job_cancel(hmp_arg_str(args, "device"), true,
                         hmp_arg_bool(args, "force"), &err);
    hmp_handle_error(mon, err);
}

void hmp_block_job_pause(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    qmp_block_job_pause(hmp_arg_str(args, "device"), &err);
    hmp_handle_error(mon, err);
}

void hmp_block_job_resume(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    qmp_block_job_resume(hmp_arg_str(args, "device"), &err);
    hmp_handle_error(mon, err);
}

void hmp_block_job_complete(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    qmp_block_job_complete(hmp_arg_str(args, "device"), &err);
    hmp_handle_error(mon, err);
}

void hmp_info_block_jobs(Monitor *mon, const HMPArgs *args)
{
    BlockJobInfoList *list = qmp_query_block_jobs(NULL);

    if (!list) {
        monitor_printf(mon, "No active jobs\n");
        return;
    }
    for (BlockJobInfoList *l = list; l; l = l->next) {
        BlockJobInfo *j = l->value;
        if (!strcmp(j->type, "stream")) {
            monitor_printf(mon, "Streaming device %s: Completed %" PRId64
                           " of %" PRId64 " bytes, speed limit %" PRId64
                           " bytes/s\n", j->device, j->offset, j->len,
                           j->speed);
        } else {
            monitor_printf(mon, "Type %s, device %s: Completed %" PRId64
                           " of %" PRId64 " bytes, speed limit %" PRId64
                           " bytes/s\n", j->type, j->device, j->offset,
                           j->len, j->speed);
        }
    }
    qapi_free_BlockJobInfoList(list);
}
