/*
 * Private to block/: the driver tables and helpers shared by drivers.
 */
#ifndef BLOCK_INT_H
#define BLOCK_INT_H

#include "block/block.h"
#include "qapi/qapi-types.h"

extern const BlockDriver bdrv_file;
extern const BlockDriver bdrv_raw;
extern const BlockDriver bdrv_qcow2;

/* QEMU's bdrv_lookup_bs: the drive named @device, else the node (blockdev.c). */
BlockDriverState *blockdev_lookup_bs(const char *device, const char *node_name,
                                     Error **errp);
/* bdrv_open's error @local for @file as the system reports it (blockdev.c). */
void blockdev_open_error(Error **errp, Error *local, const char *file);
/* Name one new node (NULL: "#blockN"), without touching its children. */
void blockdev_register_node(BlockDriverState *bs, const char *name);
/* The monitor holds @bs's reference, as for -blockdev. */
void blockdev_add_monitor_node(BlockDriverState *bs);
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

/* The "file" node @bs keeps reading only: its write and resize locks go. */
void bdrv_file_drop_write_perm(BlockDriverState *bs);

/*
 * QEMU finds lock conflicts after opening, so the system (not qemu-img)
 * reports them without "Could not open '@filename': ": strip it there.
 */
void bdrv_unwrap_lock_error(Error **errp, const char *filename);

/* The "file" node @bs rereads its size (its file was written elsewhere). */
void bdrv_file_refresh_size(BlockDriverState *bs);

/*
 * Block job graph changes (job-graph.c).  bdrv_open_twin: a second,
 * writable and unlocked node of read-only @bs without its backing chain.
 * bdrv_replace_with_twin: @twin (taking @old's name and backing) replaces
 * @old below @above (NULL: the caller moves the backends).
 * bdrv_drop_layers: @above's backing becomes @base, the nodes between go.
 * bdrv_set_backing_name: @bs's header names @base (NULL: none).
 * bdrv_find_backing_image: the node of @bs's chain named @name.
 */
BlockDriverState *bdrv_open_twin(BlockDriverState *bs, Error **errp);
void bdrv_replace_with_twin(BlockDriverState *above, BlockDriverState *old,
                            BlockDriverState *twin, bool read_only);
void bdrv_drop_layers(BlockDriverState *above, BlockDriverState *base);
int bdrv_set_backing_name(BlockDriverState *bs, BlockDriverState *base,
                          Error **errp);
BlockDriverState *bdrv_find_backing_image(BlockDriverState *bs,
                                          const char *name);
/*
 * The target of drive-mirror / drive-backup: created (unless @existing)
 * with @source's size and the backing file @sync implies, then opened
 * writable without its backing chain (the job attaches it at the end).
 */
BlockDriverState *bdrv_job_target_new(BlockDriverState *source,
                                      const char *target, const char *format,
                                      bool existing, MirrorSyncMode sync,
                                      Error **errp);

/*
 * Install a block job's before_write @hook on @bs (no request of its
 * backends runs meanwhile), or remove it and wait until no request is
 * still inside it (job-graph.c).
 */
void bdrv_set_before_write(BlockDriverState *bs,
                           void (*hook)(void *, uint64_t, uint64_t),
                           void *opaque);
void bdrv_clear_before_write(BlockDriverState *bs);

/* Size of the buffer given to probe functions. */
#define BLOCK_PROBE_BUF_SIZE 2048

#endif
