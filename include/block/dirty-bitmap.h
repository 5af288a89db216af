/*
 * Dirty bitmaps of block nodes (QEMU 7.2's block dirty bitmaps): a
 * DirtyMap is one bit per granularity-sized chunk with its own lock,
 * set by I/O worker threads; a BdrvDirtyBitmap is a DirtyMap on a node,
 * named or anonymous, that every write through the node marks while it
 * records.  Block jobs use bare DirtyMaps for their own bookkeeping.
 */
#ifndef BLOCK_DIRTY_BITMAP_H
#define BLOCK_DIRTY_BITMAP_H

#include "block/block.h"

typedef struct DirtyMap {
    GMutex lock;
    int64_t size;
    int64_t granularity;
    int64_t nbits;
    uint8_t *bits;              /* bit i: byte i / 8, bit i % 8 (LSB first) */
    int64_t count;              /* bits set */
} DirtyMap;

void dirty_map_init(DirtyMap *bm, int64_t size, int64_t granularity);
void dirty_map_destroy(DirtyMap *bm);
/* Set or clear the bits of [@off, @off+@bytes). */
void dirty_map_set(DirtyMap *bm, int64_t off, int64_t bytes, bool val);
/* Clear every bit. */
void dirty_map_clear(DirtyMap *bm);
/*
 * The first run of set bits at or after @from, clipped to @max bytes,
 * cleared and returned in *@off and *@bytes; false when none is set.
 */
bool dirty_map_take(DirtyMap *bm, int64_t from, int64_t max, int64_t *off,
                    int64_t *bytes);
/* Clear the bits of [@off, @off+@bytes) and say whether any was set. */
bool dirty_map_test_clear(DirtyMap *bm, int64_t off, int64_t bytes);
/* Bytes covered by set bits (whole chunks, as QEMU counts them). */
int64_t dirty_map_dirty_bytes(DirtyMap *bm);
/*
 * Set in @dst every byte range a set bit of @src covers (any two
 * granularities; @dst's chunks that overlap one are set whole).
 */
void dirty_map_merge(DirtyMap *dst, DirtyMap *src);
/* The map covers @size bytes now; new bits are clear. */
void dirty_map_resize(DirtyMap *bm, int64_t size);
/*
 * Raw bits, LSB first (the qcow2 bitmap layout): copy @len bytes from
 * byte @at of the map into @buf, or store them from @buf.
 */
void dirty_map_read_bytes(DirtyMap *bm, int64_t at, int64_t len,
                          uint8_t *buf);
void dirty_map_write_bytes(DirtyMap *bm, int64_t at, int64_t len,
                           const uint8_t *buf);

/* QEMU's limit on a bitmap's name (BDRV_BITMAP_MAX_NAME_SIZE). */
#define BDRV_BITMAP_MAX_NAME_SIZE 1023

typedef struct BdrvDirtyBitmap BdrvDirtyBitmap;
struct BdrvDirtyBitmap {
    DirtyMap map;
    BlockDriverState *bs;
    char *name;                 /* NULL: anonymous (a job's) */
    bool disabled;              /* not recording writes */
    bool busy;                  /* an operation (backup) uses it */
    bool persistent;            /* stored in the image (qcow2) */
    bool readonly;              /* loaded from a read-only image */
    bool inconsistent;          /* stored "in use": not to be trusted */
    BdrvDirtyBitmap *successor; /* records for it while busy (backup) */
    BdrvDirtyBitmap *next;      /* the node's list, newest first */
};

/* What bdrv_dirty_bitmap_check refuses (QEMU's BDRV_BITMAP_* flags). */
#define BDRV_BITMAP_BUSY         1
#define BDRV_BITMAP_RO           2
#define BDRV_BITMAP_INCONSISTENT 4
#define BDRV_BITMAP_DEFAULT \
    (BDRV_BITMAP_BUSY | BDRV_BITMAP_RO | BDRV_BITMAP_INCONSISTENT)
#define BDRV_BITMAP_ALLOW_RO (BDRV_BITMAP_BUSY | BDRV_BITMAP_INCONSISTENT)

/*
 * bdrv_create_dirty_bitmap: a recording bitmap on @bs covering its
 * length, @name NULL for an anonymous one; QEMU's errors ("Bitmap
 * already exists: x", "Bitmap name too long: x").  BQL held.
 */
BdrvDirtyBitmap *bdrv_create_dirty_bitmap(BlockDriverState *bs,
                                          int64_t granularity,
                                          const char *name, Error **errp);
/* Take @bm off its node and free it (and its successor). */
void bdrv_release_dirty_bitmap(BdrvDirtyBitmap *bm);
/* Every bitmap of @bs goes (the node is closing). */
void bdrv_release_all_dirty_bitmaps(BlockDriverState *bs);
BdrvDirtyBitmap *bdrv_find_dirty_bitmap(BlockDriverState *bs,
                                        const char *name);
/* Newest first, as QEMU lists them; NULL-terminated through ->next. */
BdrvDirtyBitmap *bdrv_dirty_bitmaps(BlockDriverState *bs);
/* 0, or -1 with QEMU's message when @bm has one of the @flags states. */
int bdrv_dirty_bitmap_check(BdrvDirtyBitmap *bm, unsigned flags,
                            Error **errp);
/* Recording, as query-block reports it (the successor counts). */
bool bdrv_dirty_bitmap_recording(BdrvDirtyBitmap *bm);
/* QEMU's default granularity: the cluster size, at least 4 KiB, else
 * 64 KiB. */
int64_t bdrv_default_bitmap_granularity(BlockDriverState *bs);
/*
 * bdrv_merge_dirty_bitmap: @src's bits into @dst after QEMU's checks
 * (busy, read-only, inconsistent, "Bitmaps are of different sizes ...").
 */
bool bdrv_merge_dirty_bitmap(BdrvDirtyBitmap *dst, BdrvDirtyBitmap *src,
                             Error **errp);

/*
 * Backup's use of a bitmap (QEMU's successor): while @bm is busy, an
 * anonymous successor records the writes.  bdrv_dirty_bitmap_abdicate:
 * the successor becomes the bitmap (name, place in the list), @bm goes;
 * bdrv_dirty_bitmap_reclaim: the successor's bits are added to @bm, the
 * successor goes.  Both return the bitmap that remains, no longer busy.
 */
bool bdrv_dirty_bitmap_create_successor(BdrvDirtyBitmap *bm, Error **errp);
BdrvDirtyBitmap *bdrv_dirty_bitmap_abdicate(BdrvDirtyBitmap *bm);
BdrvDirtyBitmap *bdrv_dirty_bitmap_reclaim(BdrvDirtyBitmap *bm);

/*
 * The monitor's (and qemu-img bitmap's) operations on a node's bitmaps,
 * with QEMU's checks and texts; @dev names the node in messages (the
 * drive using it, else its node name).
 * bdrv_can_store_new_dirty_bitmap: may @bs's format store a persistent
 * bitmap @name ("Can't store persistent bitmaps to X: Operation not
 * supported" when it stores none, "Can't make bitmap ..." otherwise).
 * bdrv_dirty_bitmap_add: @granularity 0 for the default.
 * bdrv_dirty_bitmap_merge_all: @dst |= every @srcs, unchanged on error.
 */
bool bdrv_can_store_new_dirty_bitmap(BlockDriverState *bs, const char *dev,
                                     const char *name, uint32_t granularity,
                                     Error **errp);
BdrvDirtyBitmap *bdrv_dirty_bitmap_add(BlockDriverState *bs, const char *dev,
                                       const char *name, uint32_t granularity,
                                       bool persistent, bool disabled,
                                       Error **errp);
bool bdrv_dirty_bitmap_remove(BdrvDirtyBitmap *bm, Error **errp);
bool bdrv_dirty_bitmap_clear(BdrvDirtyBitmap *bm, Error **errp);
bool bdrv_dirty_bitmap_set_enabled(BdrvDirtyBitmap *bm, bool enabled,
                                   Error **errp);
bool bdrv_dirty_bitmap_merge_all(BdrvDirtyBitmap *dst, BdrvDirtyBitmap **srcs,
                                 int n, Error **errp);

/*
 * Called by the block layer on every write, write-zeroes and discard of
 * [@offset, @offset+@bytes) on @bs (any thread): the recording bitmaps
 * mark it.  bdrv_dirty_bitmaps_resize follows a truncate.
 */
void bdrv_set_dirty(BlockDriverState *bs, uint64_t offset, uint64_t bytes);
void bdrv_dirty_bitmaps_resize(BlockDriverState *bs, int64_t size);

#endif
