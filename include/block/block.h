/*
 * Block layer: a node graph of drivers (format over protocol, backing
 * files) with synchronous byte-offset I/O, and block backends that run
 * requests in a worker pool and complete them there with the BQL held.
 */
#ifndef BLOCK_BLOCK_H
#define BLOCK_BLOCK_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include <sys/uio.h>

#define BDRV_SECTOR_SIZE 512

/* Open flags (QEMU's names). */
#define BDRV_O_RDWR       0x0002
#define BDRV_O_NOCACHE    0x0020  /* O_DIRECT on the protocol node */
#define BDRV_O_NO_FLUSH   0x0200  /* cache=unsafe: flushes are no-ops */
#define BDRV_O_NO_BACKING 0x0400  /* do not open the backing file */
#define BDRV_O_CHECK      0x1000  /* open for check: tolerate dirty/corrupt */
#define BDRV_O_WRITETHROUGH 0x2000 /* flush after every write */
#define BDRV_O_NO_IO      0x4000  /* metadata only (info): hold no read lock */
#define BDRV_O_FORCE_SHARE 0x8000 /* -U: let others write and resize */
#define BDRV_O_NO_LOCK    0x10000 /* file.locking=off */
#define BDRV_O_DEVICE     0x20000 /* a VM's image: others may not write */

typedef struct BlockDriver BlockDriver;
typedef struct BlockDriverState BlockDriverState;

/* Result of a consistency check (qemu-img check). */
typedef struct BdrvCheckResult {
    int corruptions;
    int leaks;
    int check_errors;
    int corruptions_fixed;
    int leaks_fixed;
    int64_t image_end_offset;
    uint64_t total_clusters;
    uint64_t allocated_clusters;
    uint64_t fragmented_clusters;
    uint64_t compressed_clusters;
} BdrvCheckResult;

typedef enum BdrvCheckMode {
    BDRV_FIX_LEAKS = 1,
    BDRV_FIX_ERRORS = 2,
} BdrvCheckMode;

/* One internal snapshot, as listed by qemu-img snapshot -l. */
typedef struct BdrvSnapshotInfo {
    char *id_str;
    char *name;
    uint64_t vm_state_size;
    uint32_t date_sec;
    uint32_t date_nsec;
    uint64_t vm_clock_nsec;
    uint64_t icount;
} BdrvSnapshotInfo;

/* Block status of a range, for qemu-img map. */
#define BDRV_BLOCK_DATA       0x01  /* data is read from this node's file */
#define BDRV_BLOCK_ZERO       0x02  /* reads as zero */
#define BDRV_BLOCK_OFFSET_VALID 0x04
#define BDRV_BLOCK_ALLOCATED  0x10  /* decided by this layer (not backing) */
#define BDRV_BLOCK_COMPRESSED 0x20

/* preallocation= of image creation (QEMU's PreallocMode). */
typedef enum BlockPreallocMode {
    PREALLOC_MODE_OFF,
    PREALLOC_MODE_METADATA,     /* qcow2: tables and clusters, no data */
    PREALLOC_MODE_FALLOC,       /* ... and the file space allocated */
    PREALLOC_MODE_FULL,         /* ... and written with zeroes */
} BlockPreallocMode;

/* Options for image creation (kemu-img create, -snapshot overlays). */
typedef struct BlockCreateOpts {
    uint64_t size;
    BlockPreallocMode prealloc;
    uint32_t cluster_size;       /* 0: default */
    int compat;                  /* qcow2 version: 2 or 3 (0: 3) */
    bool lazy_refcounts;
    int refcount_bits;           /* 0: 16 */
    const char *backing_file;
    const char *backing_fmt;
} BlockCreateOpts;

/* kemu-img amend -o: what to change (0 / -1: keep). */
typedef struct BlockAmendOpts {
    int version;                 /* qcow2 compat: 2 or 3 */
    int lazy_refcounts;          /* 0, 1, or -1 */
    int refcount_bits;
    uint64_t size;
} BlockAmendOpts;

struct BlockDriver {
    const char *format_name;
    size_t instance_size;
    bool is_protocol;
    /* Score 0..100 for the first bytes of an image (format drivers). */
    int (*probe)(const uint8_t *buf, int buf_size, const char *filename);
    /* Format drivers read bs->file; protocol drivers open bs->filename. */
    int (*open)(BlockDriverState *bs, GHashTable *opts, int flags,
                Error **errp);
    void (*close)(BlockDriverState *bs);
    /* Byte-granular I/O; return 0 or -errno. */
    int (*pread)(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                 void *buf);
    int (*pwrite)(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                  const void *buf);
    /*
     * Optional vectored I/O of @niov (<= IOV_MAX) elements, straight into
     * the caller's buffers (guest RAM); without them bdrv_preadv and
     * bdrv_pwritev bounce through one buffer.  Return 0 or -errno.
     */
    int (*preadv)(BlockDriverState *bs, uint64_t offset,
                  const struct iovec *iov, int niov);
    int (*pwritev)(BlockDriverState *bs, uint64_t offset,
                   const struct iovec *iov, int niov);
    int (*pwrite_zeroes)(BlockDriverState *bs, uint64_t offset,
                         uint64_t bytes);
    int (*pdiscard)(BlockDriverState *bs, uint64_t offset, uint64_t bytes);
    /* Write one whole cluster compressed (qcow2). */
    int (*pwrite_compressed)(BlockDriverState *bs, uint64_t offset,
                             uint64_t bytes, const void *buf);
    int (*flush)(BlockDriverState *bs);
    int64_t (*get_length)(BlockDriverState *bs);
    /* Allocated bytes on the host (st_blocks). */
    int64_t (*get_allocated_size)(BlockDriverState *bs);
    int (*truncate)(BlockDriverState *bs, uint64_t size, Error **errp);
    /* Allocate [offset, offset+bytes) as @mode says (after a truncate). */
    int (*preallocate)(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                       BlockPreallocMode mode, Error **errp);
    /* Status of [offset, offset+bytes): returns flags, *pnum, *map. */
    int (*block_status)(BlockDriverState *bs, uint64_t offset,
                        uint64_t bytes, uint64_t *pnum, uint64_t *map);
    int (*check)(BlockDriverState *bs, BdrvCheckResult *res, int fix);
    int (*create)(const char *filename, const BlockCreateOpts *o,
                  Error **errp);
    uint32_t (*cluster_size)(BlockDriverState *bs);
    /* Appends "format-specific" info to a JSON-ish key/value list. */
    void (*info_specific)(BlockDriverState *bs, GString *human,
                          GString *json, const char *indent);
    /* @icount UINT64_MAX: none recorded (QEMU's -1). */
    int (*snapshot_create)(BlockDriverState *bs, const char *name,
                           uint64_t vm_clock_nsec, uint64_t icount,
                           Error **errp);
    int (*snapshot_goto)(BlockDriverState *bs, const char *name,
                         Error **errp);
    int (*snapshot_delete)(BlockDriverState *bs, const char *name,
                           Error **errp);
    int (*snapshot_list)(BlockDriverState *bs, BdrvSnapshotInfo **list);
    /* Read-only: show snapshot @id and/or @name instead of the image. */
    int (*snapshot_load_tmp)(BlockDriverState *bs, const char *id,
                             const char *name, Error **errp);
    bool (*is_dirty)(BlockDriverState *bs);
    /* The format can hold persistent dirty bitmaps (qemu-img measure). */
    bool (*supports_persistent_dirty_bitmap)(BlockDriverState *bs);
    /* Drop all data: the backing file shows through again. */
    int (*make_empty)(BlockDriverState *bs);
    int (*amend)(BlockDriverState *bs, const BlockAmendOpts *o,
                 Error **errp);
    /* Record @file (NULL: none) of format @fmt as the backing file. */
    int (*change_backing_file)(BlockDriverState *bs, const char *file,
                               const char *fmt, Error **errp);
    /*
     * Persistent dirty bitmaps: may a new one named @name be stored
     * (QEMU's message otherwise); drop the stored bitmap @name.
     */
    bool (*can_store_new_dirty_bitmap)(BlockDriverState *bs,
                                       const char *name,
                                       uint32_t granularity, Error **errp);
    int (*remove_persistent_dirty_bitmap)(BlockDriverState *bs,
                                          const char *name, Error **errp);
};

struct BlockDriverState {
    const BlockDriver *drv;
    void *opaque;
    char *filename;
    char *node_name;
    int open_flags;
    bool read_only;
    bool probed;                 /* format guessed, not given */
    BlockDriverState *file;      /* protocol child of a format node */
    BlockDriverState *backing;   /* backing chain */
    char backing_file[1024];     /* as stored in the image */
    char backing_format[16];
    char *full_backing_filename;
    int refcnt;
    int backends;                /* BlockBackends attached (a device) */
    uint64_t write_threshold;    /* block-set-write-threshold; 0: off */
    /*
     * Block jobs: called before every write, discard and write-zeroes
     * on this node, on the thread issuing it, with that request's backend
     * lock held (mirror marks the range dirty, backup copies it first).
     */
    void (*before_write)(void *opaque, uint64_t offset, uint64_t bytes);
    void *before_write_opaque;
    struct BlockJob *job;        /* the block job holding this node */
    const char *job_type;        /* and its type ("mirror"), for errors */
    /* Dirty bitmaps (block/dirty-bitmap.c), newest first. */
    struct BdrvDirtyBitmap *dirty_bitmaps;
};

/**
 * bdrv_find_format: driver by format name ("file", "raw", "qcow2").
 * Returns NULL when unknown.
 */
const BlockDriver *bdrv_find_format(const char *name);

/**
 * bdrv_open: open @filename with @format (NULL: probe, as QEMU does)
 * and its backing chain.  @opts (may be NULL) carries driver options
 * such as "offset"/"size" for raw.  Returns NULL and sets @errp on
 * failure with QEMU's message ("Could not open 'X': ...").
 */
BlockDriverState *bdrv_open(const char *filename, const char *format,
                            GHashTable *opts, int flags, Error **errp);
/* Open a format driver over an existing protocol node (takes @file). */
BlockDriverState *bdrv_open_format(BlockDriverState *file,
                                   const BlockDriver *drv, GHashTable *opts,
                                   int flags, Error **errp);
/* Open the backing chain named in @bs's header (after bdrv_open_format). */
int bdrv_open_backing_file(BlockDriverState *bs, Error **errp);
void bdrv_unref(BlockDriverState *bs);
void bdrv_ref(BlockDriverState *bs);

/* I/O; bounds-checked against bdrv_getlength(); return 0 or -errno. */
int bdrv_pread(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
               void *buf);
int bdrv_pwrite(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                const void *buf);
int bdrv_preadv(BlockDriverState *bs, uint64_t offset,
                const struct iovec *iov, int niov);
int bdrv_pwritev(BlockDriverState *bs, uint64_t offset,
                 const struct iovec *iov, int niov);
int bdrv_pwrite_zeroes(BlockDriverState *bs, uint64_t offset,
                       uint64_t bytes);
int bdrv_pdiscard(BlockDriverState *bs, uint64_t offset, uint64_t bytes);
int bdrv_pwrite_compressed(BlockDriverState *bs, uint64_t offset,
                           uint64_t bytes, const void *buf);
int bdrv_flush(BlockDriverState *bs);
int64_t bdrv_getlength(BlockDriverState *bs);
int64_t bdrv_get_allocated_file_size(BlockDriverState *bs);
int bdrv_truncate(BlockDriverState *bs, uint64_t size, Error **errp);
/*
 * bdrv_preallocate: preallocation=@mode for [@offset, @offset+@bytes) of
 * a writable image, as image creation and resize --preallocation do;
 * QEMU's "Unsupported preallocation mode" where the driver cannot.
 */
int bdrv_preallocate(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                     BlockPreallocMode mode, Error **errp);
int bdrv_block_status(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                      uint64_t *pnum, uint64_t *map);
/*
 * Copy everything the layers from @top down to (not including) @base
 * hold into @base, a node of @top's backing chain, through a writable
 * handle of its own; 0 or -errno.
 */
int bdrv_commit(BlockDriverState *top, BlockDriverState *base);
/* Forget everything written to @bs (after a commit); -ENOTSUP if the
 * format cannot. */
int bdrv_make_empty(BlockDriverState *bs);
/* The image's header names @file (NULL: no backing file) of format @fmt;
 * the open chain is not changed. */
int bdrv_change_backing_file(BlockDriverState *bs, const char *file,
                             const char *fmt, Error **errp);
int bdrv_create(const char *format, const char *filename,
                const BlockCreateOpts *o, Error **errp);
/*
 * bdrv_amend: change a writable image's format options in place (QEMU's
 * bdrv_amend_options); -ENOTSUP with QEMU's message if the format cannot.
 */
int bdrv_amend(BlockDriverState *bs, const BlockAmendOpts *o, Error **errp);
const char *bdrv_get_format_name(BlockDriverState *bs);
/*
 * bdrv_snapshot_load_tmp: a read-only @bs shows internal snapshot @id
 * and/or @name (NULL: any) until closed; QEMU's errors.
 */
int bdrv_snapshot_load_tmp(BlockDriverState *bs, const char *id,
                           const char *name, Error **errp);
/*
 * bdrv_parse_cache_mode: QEMU's cache= modes (writeback, none/off,
 * writethrough, directsync, unsafe) as BDRV_O_NOCACHE, _WRITETHROUGH and
 * _NO_FLUSH in *@flags; false for an unknown mode.
 */
bool bdrv_parse_cache_mode(const char *mode, int *flags);

/*
 * Internal snapshots (block/snapshot.c).  bdrv_snapshot_dump appends one
 * row of QEMU's snapshot table (@sn NULL: the header), without newline.
 * bdrv_snapshot_find: the snapshot with @id and/or @name (NULL: any);
 * the caller frees *@out with bdrv_snapshot_info_clear.
 */
void bdrv_snapshot_dump(GString *out, const BdrvSnapshotInfo *sn);
bool bdrv_snapshot_find(BlockDriverState *bs, const char *id,
                        const char *name, BdrvSnapshotInfo *out);
void bdrv_snapshot_info_clear(BdrvSnapshotInfo *sn);

/*
 * bdrv_check_not_busy: false with QEMU's "Node '@name' is busy: block
 * device is in use by block job: TYPE" while a block job holds @bs.
 */
bool bdrv_check_not_busy(BlockDriverState *bs, const char *name,
                         Error **errp);

/* Relative backing names resolve against the directory of @base. */
char *bdrv_path_combine(const char *base, const char *name);

/* file-posix helpers shared by drivers and tools. */
int raw_file_create(const char *filename, uint64_t size,
                    BlockPreallocMode prealloc, Error **errp);
/* Allocate (falloc) or write zeroes to (full) [@off, @off+@len) of @fd. */
int raw_file_preallocate(int fd, uint64_t off, uint64_t len,
                         BlockPreallocMode prealloc);

/*
 * Write thresholds (block/write-threshold.c, QMP block-set-write-threshold):
 * the first write on @bs ending past its threshold turns the threshold
 * off and, on the main loop, calls the notifier (BLOCK_WRITE_THRESHOLD)
 * with the node name, the bytes past the threshold and the threshold.
 * Checked by the write functions; any thread.
 */
void bdrv_write_threshold_check(BlockDriverState *bs, uint64_t offset,
                                uint64_t bytes);
typedef void BdrvWriteThresholdNotify(const char *node_name,
                                      uint64_t exceeded, uint64_t threshold);
void bdrv_write_threshold_set_notify(BdrvWriteThresholdNotify *fn);

/* ---- Block backends: what a device or a monitor command holds. ---- */
typedef struct BlockBackend BlockBackend;
typedef void BlockCompletionFunc(void *opaque, int ret);

BlockBackend *blk_new(BlockDriverState *bs, const char *name);
void blk_unref(BlockBackend *blk);
BlockDriverState *blk_bs(BlockBackend *blk);
const char *blk_name(BlockBackend *blk);
/* Synchronous calls (take the backend's request lock). */
int blk_pread(BlockBackend *blk, uint64_t offset, uint64_t bytes, void *buf);
int blk_pwrite(BlockBackend *blk, uint64_t offset, uint64_t bytes,
               const void *buf);
int blk_flush(BlockBackend *blk);
int64_t blk_getlength(BlockBackend *blk);
bool blk_is_read_only(BlockBackend *blk);
/*
 * Asynchronous requests run in the block worker pool; @cb runs on the
 * worker thread with the BQL held, with 0 or -errno.  Requests on one
 * backend are serialised.  Callers hold the BQL.
 */
void blk_aio_preadv(BlockBackend *blk, uint64_t offset,
                    struct iovec *iov, int niov,
                    BlockCompletionFunc *cb, void *opaque);
void blk_aio_pwritev(BlockBackend *blk, uint64_t offset,
                     struct iovec *iov, int niov,
                     BlockCompletionFunc *cb, void *opaque);
void blk_aio_flush(BlockBackend *blk, BlockCompletionFunc *cb, void *opaque);
void blk_aio_pdiscard(BlockBackend *blk, uint64_t offset, uint64_t bytes,
                      BlockCompletionFunc *cb, void *opaque);
void blk_aio_pwrite_zeroes(BlockBackend *blk, uint64_t offset,
                           uint64_t bytes, BlockCompletionFunc *cb,
                           void *opaque);
/* I/O accounting of a backend (query-blockstats). */
typedef struct BlockAcctStats {
    uint64_t rd_bytes, wr_bytes, unmap_bytes;
    uint64_t rd_ops, wr_ops, flush_ops, unmap_ops;
    uint64_t failed_rd, failed_wr, failed_flush, failed_unmap;
    uint64_t rd_time_ns, wr_time_ns, flush_time_ns, unmap_time_ns;
    uint64_t wr_highest_offset;
    int64_t last_io_ns;          /* 0: no I/O yet */
} BlockAcctStats;
/* A consistent copy of @blk's counters. */
void blk_get_stats(BlockBackend *blk, BlockAcctStats *out);

/*
 * blk_set_io_limits: throttle @blk's reads and writes as @cfg says, in
 * throttle group @group (NULL: the group it is in, else one named after
 * the backend); limits all 0 stop throttling.  QEMU's validation errors.
 * blk_get_io_limits: the group's limits and name; NULL if unthrottled.
 */
typedef struct ThrottleConfig ThrottleConfig;
bool blk_set_io_limits(BlockBackend *blk, const ThrottleConfig *cfg,
                       const char *group, Error **errp);
const char *blk_get_io_limits(BlockBackend *blk, ThrottleConfig *cfg);

/* Wait until every request issued on @blk has completed (BQL held). */
void blk_drain(BlockBackend *blk);

/* Every backend, in creation order (of BlockBackend *). */
GList *blk_all(void);
/* Wait for the requests of every backend on @bs (BQL held). */
void bdrv_drain_backends(BlockDriverState *bs);
/*
 * Every backend on @old (drained) now works on @new, which takes their
 * references to @old; returns how many moved.
 */
int bdrv_replace_in_backends(BlockDriverState *old, BlockDriverState *new);
/*
 * Hold off the requests of every backend on @bs (block jobs copying a
 * chunk of a node the guest writes to); BQL held, never nested.
 */
void bdrv_lock_backends(BlockDriverState *bs);
void bdrv_unlock_backends(BlockDriverState *bs);
/* The device on @blk learns of size changes (block_resize) through @cb. */
void blk_set_resize_cb(BlockBackend *blk, void (*cb)(void *opaque),
                       void *opaque);
/*
 * block_resize: truncate @bs to @size with the requests of every backend
 * on it drained, then tell their devices.  0 or -errno with @errp set.
 */
int bdrv_resize(BlockDriverState *bs, uint64_t size, Error **errp);

#endif
