/*
 * werror/rerror for block devices (QEMU's blk_get_error_action and
 * blk_error_action): the BLOCK_IO_ERROR event, then for "stop" a VM stop
 * in the io-error state; requests that stopped it are kept and issued
 * again, in order, when the VM resumes (cont).
 */
#include "qemu/osdep.h"
#include "hw/block/block-error.h"
#include "qapi/qapi-events.h"
#include "system/runstate.h"

typedef struct BlockRetry {
    BlockRetryFn *fn;
    void *opaque;
} BlockRetry;

static GArray *pending;         /* BlockRetry, under the BQL */
static bool listening;

static void on_runstate_event(void *opaque, const char *event,
                              ShutdownCause cause, bool guest)
{
    if (strcmp(event, "RESUME") || !pending || !pending->len) {
        return;
    }
    GArray *now = pending;
    pending = NULL;
    for (guint i = 0; i < now->len; i++) {
        BlockRetry *r = &g_array_index(now, BlockRetry, i);
        r->fn(r->opaque);
    }
    g_array_free(now, TRUE);
}

static BlockErrorAction policy_action(BlockdevOnError on, int error)
{
    switch (on) {
    case BLOCKDEV_ON_ERROR_ENOSPC:
        return error == ENOSPC ? BLOCK_ERROR_ACTION_STOP
                               : BLOCK_ERROR_ACTION_REPORT;
    case BLOCKDEV_ON_ERROR_STOP:
        return BLOCK_ERROR_ACTION_STOP;
    case BLOCKDEV_ON_ERROR_IGNORE:
        return BLOCK_ERROR_ACTION_IGNORE;
    default:
        return BLOCK_ERROR_ACTION_REPORT;
    }
}

BlockErrorAction block_error_action(BlockBackend *blk, DriveInfo *dinfo,
                                    bool is_read, int error,
                                    BlockRetryFn *retry, void *opaque)
{
    BlockdevOnError on = dinfo ? (is_read ? dinfo->on_read_error
                                          : dinfo->on_write_error)
                               : (is_read ? BLOCKDEV_ON_ERROR_REPORT
                                          : BLOCKDEV_ON_ERROR_ENOSPC);
    BlockErrorAction action = policy_action(on, error);
    const char *node = blk_bs(blk)->node_name;

    if (action == BLOCK_ERROR_ACTION_STOP) {
        if (!listening) {
            runstate_add_event_listener(on_runstate_event, NULL);
            listening = true;
        }
        if (!pending) {
            pending = g_array_new(FALSE, FALSE, sizeof(BlockRetry));
        }
        BlockRetry r = { retry, opaque };
        g_array_append_val(pending, r);
    }
    /* QEMU sends the event before the STOP that follows it. */
    qapi_event_send_block_io_error(blk_name(blk), node != NULL, node,
                                   is_read ? IO_OPERATION_TYPE_READ
                                           : IO_OPERATION_TYPE_WRITE,
                                   action, true, error == ENOSPC,
                                   strerror(error));
    if (action == BLOCK_ERROR_ACTION_STOP) {
        qemu_system_vmstop_request(RUN_STATE_IO_ERROR);
    }
    return action;
}
