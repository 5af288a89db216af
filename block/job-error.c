/*
 * Block job error policies (QEMU 7.2's on-error, on-source-error,
 * on-target-error): the copy that records which side failed, the action
 * a policy picks for an errno, BLOCK_JOB_ERROR and the job's io-status.
 * Pausing on "stop" and retrying or skipping on "ignore" are job.c's.
 */
#include "qemu/osdep.h"
#include "qapi/qapi-events.h"
#include "block/blockjob.h"
#include "block/job-error.h"

void block_job_set_on_error(BlockJob *job, BlockdevOnError source,
                            BlockdevOnError target)
{
    job->on_source_error = source;
    job->on_target_error = target;
}

int block_job_copy(BlockJob *job, BlockDriverState *src,
                   BlockDriverState *dst, int64_t off, int64_t n,
                   uint8_t *buf)
{
    int ret = bdrv_pread(src, off, n, buf);
    if (ret < 0 && job) {
        job->io_failed = true;
        job->io_failed_write = false;
        return ret;
    }
    ret = bdrv_pwrite(dst, off, n, buf);
    if (ret < 0 && job) {
        job->io_failed = true;
        job->io_failed_write = true;
    }
    return ret;
}

BlockErrorAction block_job_error_action(BlockJob *job, int error)
{
    /* Stream copies on read: QEMU reports its errors as reads. */
    bool is_read = !job->io_failed_write || job->drv->type == JOB_TYPE_STREAM;
    BlockdevOnError policy = is_read ? job->on_source_error
                                     : job->on_target_error;
    BlockErrorAction action;

    switch (policy) {
    case BLOCKDEV_ON_ERROR_STOP:
        action = BLOCK_ERROR_ACTION_STOP;
        break;
    case BLOCKDEV_ON_ERROR_IGNORE:
        action = BLOCK_ERROR_ACTION_IGNORE;
        break;
    case BLOCKDEV_ON_ERROR_ENOSPC:
    case BLOCKDEV_ON_ERROR_AUTO:
        action = error == ENOSPC ? BLOCK_ERROR_ACTION_STOP
                                 : BLOCK_ERROR_ACTION_REPORT;
        break;
    default:
        action = BLOCK_ERROR_ACTION_REPORT;
        break;
    }
    qapi_event_send_block_job_error(job->id, is_read ? IO_OPERATION_TYPE_READ
                                                     : IO_OPERATION_TYPE_WRITE,
                                    action);
    if (action == BLOCK_ERROR_ACTION_STOP &&
        job->iostatus == BLOCK_DEVICE_IO_STATUS_OK) {
        job->iostatus = error == ENOSPC ? BLOCK_DEVICE_IO_STATUS_NOSPACE
                                        : BLOCK_DEVICE_IO_STATUS_FAILED;
    }
    return action;
}
