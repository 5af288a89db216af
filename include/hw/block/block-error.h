/*
 * What a block device does when a request fails (QEMU's werror/rerror):
 * report the error to the guest, ignore it, or stop the VM in the
 * io-error run state and retry the request when it continues.
 */
#ifndef HW_BLOCK_BLOCK_ERROR_H
#define HW_BLOCK_BLOCK_ERROR_H

#include "qemu/osdep.h"
#include "block/blockdev.h"
#include "qapi/qapi-types.h"

/* Re-issue a request that stopped the VM (main thread, BQL held). */
typedef void BlockRetryFn(void *opaque);

/*
 * Request on @blk failed with -@error (@dinfo: its drive, NULL for a
 * -blockdev node: QEMU's defaults).  Emits BLOCK_IO_ERROR and returns the
 * action.  On BLOCK_ERROR_ACTION_STOP the VM stops with RUN_STATE_IO_ERROR
 * and @retry(@opaque) runs when it resumes; the request must not complete
 * meanwhile.  BQL held.
 */
BlockErrorAction block_error_action(BlockBackend *blk, DriveInfo *dinfo,
                                    bool is_read, int error,
                                    BlockRetryFn *retry, void *opaque);

#endif
