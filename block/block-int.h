/*
 * Private to block/: the driver tables and helpers shared by drivers.
 */
#ifndef BLOCK_INT_H
#define BLOCK_INT_H

#include "block/block.h"

extern const BlockDriver bdrv_file;
extern const BlockDriver bdrv_raw;
extern const BlockDriver bdrv_qcow2;

/* The format node whose "file" child @bs is, or NULL (blockdev.c). */
BlockDriverState *bdrv_find_file_parent(BlockDriverState *bs);

/* Node names of a chain (blockdev.c): "#blockN" when @name is NULL. */
void blockdev_register_chain(BlockDriverState *bs, const char *name);
void blockdev_unregister_chain(BlockDriverState *bs);

/*
 * Take permission bits @perm (file-lock.h) more and stop sharing @unshare
 * on the "file" node @bs, as a format over it does; 0 or -EAGAIN with
 * QEMU's lock error.
 */
int bdrv_file_add_perm(BlockDriverState *bs, uint64_t perm,
                       uint64_t unshare, Error **errp);

/*
 * QEMU finds lock conflicts after opening, so the system (not qemu-img)
 * reports them without "Could not open '@filename': ": strip it there.
 */
void bdrv_unwrap_lock_error(Error **errp, const char *filename);

/* Size of the buffer given to probe functions. */
#define BLOCK_PROBE_BUF_SIZE 2048

#endif
