/*
 * Private to block/: QAPI views of nodes shared by the query commands
 * (query-block, query-named-block-nodes).
 */
#ifndef BLOCK_QAPI_H
#define BLOCK_QAPI_H

#include "qapi/qapi-types.h"
#include "block/blockdev.h"

/*
 * bdrv_block_device_info: QEMU's BlockDeviceInfo of @bs; @d (may be
 * NULL) is the drive whose backend holds it (cache mode, throttling);
 * @flat leaves out the nested backing-image.
 */
BlockDeviceInfo *bdrv_block_device_info(DriveInfo *d, BlockDriverState *bs,
                                        bool flat);

/* The I/O limits of @blk (may be NULL) into @info, as QEMU reports them. */
void bdrv_throttle_info(BlockDeviceInfo *info, BlockBackend *blk);

/* QEMU's BlockDirtyInfo list of @bs's bitmaps, newest first; NULL: none. */
BlockDirtyInfoList *bdrv_query_dirty_bitmaps(BlockDriverState *bs);

#endif
