/*
 * qcow2 driver internals, following the qcow2 specification
 * (docs/interop/qcow2.txt in QEMU's tree): header v2/v3, two-level
 * cluster mapping (L1/L2), refcount table and blocks, snapshots.
 */
#ifndef BLOCK_QCOW2_H
#define BLOCK_QCOW2_H

#include "block-int.h"

#define QCOW_MAGIC 0x514649fbu         /* "QFI\xfb" */
#define QCOW2_V2_HEADER_SIZE 72
#define QCOW2_V3_HEADER_SIZE 104
#define QCOW2_MIN_CLUSTER_BITS 9
#define QCOW2_MAX_CLUSTER_BITS 21
#define QCOW2_DEFAULT_CLUSTER_BITS 16

/* Limits QEMU also applies, so a hostile header cannot make us allocate. */
#define QCOW_MAX_L1_SIZE (32 * MiB)
#define QCOW_MAX_REFTABLE_SIZE (8 * MiB)
#define QCOW_MAX_SNAPSHOTS 65536
#define QCOW_MAX_SNAPSHOT_EXTRA 1024

/* Header extension types. */
#define QCOW2_EXT_END            0x00000000u
#define QCOW2_EXT_BACKING_FORMAT 0xe2792acau
#define QCOW2_EXT_FEATURE_TABLE  0x6803f857u
#define QCOW2_EXT_BITMAPS        0x23852875u
#define QCOW2_EXT_CRYPTO         0x0537be77u
#define QCOW2_EXT_DATA_FILE      0x44415441u

/* Feature bits. */
#define QCOW2_INCOMPAT_DIRTY       (1ULL << 0)
#define QCOW2_INCOMPAT_CORRUPT     (1ULL << 1)
#define QCOW2_INCOMPAT_DATA_FILE   (1ULL << 2)
#define QCOW2_INCOMPAT_COMPRESSION (1ULL << 3)
#define QCOW2_INCOMPAT_EXTL2       (1ULL << 4)
#define QCOW2_INCOMPAT_SUPPORTED   (QCOW2_INCOMPAT_DIRTY | \
                                    QCOW2_INCOMPAT_CORRUPT | \
                                    QCOW2_INCOMPAT_COMPRESSION)
#define QCOW2_COMPAT_LAZY_REFCOUNTS (1ULL << 0)
#define QCOW2_AUTOCLEAR_BITMAPS    (1ULL << 0)

/* Header field offsets (updated in place, never the whole header). */
#define QCOW2_HDR_SIZE              24
#define QCOW2_HDR_L1_SIZE           36   /* l1_size, then l1_table_offset */
#define QCOW2_HDR_REFTABLE_OFFSET   48   /* then refcount_table_clusters */
#define QCOW2_HDR_NB_SNAPSHOTS      60   /* then snapshots_offset */
#define QCOW2_HDR_INCOMPAT          72

/* L1/L2 entries. */
#define QCOW_OFLAG_COPIED     (1ULL << 63)
#define QCOW_OFLAG_COMPRESSED (1ULL << 62)
#define QCOW_OFLAG_ZERO       (1ULL << 0)
#define L1E_OFFSET_MASK       0x00fffffffffffe00ULL
#define L2E_OFFSET_MASK       0x00fffffffffffe00ULL
#define REFT_OFFSET_MASK      0xfffffffffffffe00ULL

typedef enum Qcow2ClusterType {
    QCOW2_CLUSTER_UNALLOCATED,
    QCOW2_CLUSTER_ZERO_PLAIN,
    QCOW2_CLUSTER_ZERO_ALLOC,
    QCOW2_CLUSTER_NORMAL,
    QCOW2_CLUSTER_COMPRESSED,
} Qcow2ClusterType;

typedef struct Qcow2Snapshot {
    uint64_t l1_table_offset;
    uint32_t l1_size;
    char *id_str;
    char *name;
    uint64_t disk_size;
    uint64_t vm_state_size;
    uint32_t date_sec;
    uint32_t date_nsec;
    uint64_t vm_clock_nsec;
    uint64_t icount;              /* -1 when absent */
    uint32_t extra_data_size;
    uint8_t *unknown_extra;       /* extra data we do not interpret */
} Qcow2Snapshot;

/* A metadata cluster cached in host byte order (L2) or raw (refblocks). */
typedef struct Qcow2CacheEntry {
    uint64_t offset;
    void *table;
    uint64_t lru;
} Qcow2CacheEntry;

#define QCOW2_L2_CACHE_SIZE 32
#define QCOW2_RB_CACHE_SIZE 8

/* One entry of the bitmap directory (qcow2-bitmap.c). */
#define BME_FLAG_IN_USE   (1u << 0)
#define BME_FLAG_AUTO     (1u << 1)
typedef struct Qcow2Bitmap {
    char *name;
    uint64_t table_offset;
    uint32_t table_size;          /* entries */
    uint32_t flags;               /* in_use, auto */
    uint8_t granularity_bits;
} Qcow2Bitmap;

typedef struct BDRVQcow2State {
    int version;
    uint32_t cluster_bits;
    uint32_t cluster_size;
    uint32_t l2_bits;
    uint32_t l2_size;             /* entries per L2 table */
    uint64_t size;                /* guest-visible bytes */
    uint32_t header_length;
    uint64_t incompatible_features;
    uint64_t compatible_features;
    uint64_t autoclear_features;
    uint8_t compression_type;

    uint32_t l1_size;
    uint64_t l1_table_offset;
    uint64_t *l1_table;           /* host byte order */

    uint32_t refcount_order;
    uint32_t refcount_bits;
    uint64_t refcount_max;
    uint32_t refcount_block_bits; /* log2(entries per refcount block) */
    uint64_t refcount_table_offset;
    uint32_t refcount_table_clusters;
    uint64_t refcount_table_size; /* entries */
    uint64_t *refcount_table;     /* host byte order */

    uint32_t nb_snapshots;
    uint64_t snapshots_offset;
    uint64_t snapshots_size;      /* bytes of the snapshot table */
    Qcow2Snapshot *snapshots;

    int csize_shift;
    uint64_t csize_mask;
    uint64_t cluster_offset_mask;

    Qcow2CacheEntry l2_cache[QCOW2_L2_CACHE_SIZE];
    Qcow2CacheEntry rb_cache[QCOW2_RB_CACHE_SIZE];
    uint64_t cache_clock;

    uint64_t free_cluster_index;
    uint64_t free_byte_offset;    /* next byte for compressed data, 0: none */
    bool dirty_marked;            /* we set the dirty bit (lazy refcounts) */
    /* Bitmaps extension and the directory it names (qcow2-bitmap.c). */
    uint32_t ext_nb_bitmaps;
    uint64_t bitmap_dir_size;
    uint64_t bitmap_dir_offset;
    uint32_t nb_bitmaps;
    Qcow2Bitmap *bitmaps;
    bool corrupt_marked;
} BDRVQcow2State;

#ifndef DIV_ROUND_UP
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#endif

static inline int ctz32(uint32_t v)
{
    return v ? __builtin_ctz(v) : 32;
}

static inline uint64_t qcow2_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

static inline uint32_t qcow2_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}

static inline uint16_t qcow2_be16(const uint8_t *p)
{
    return (p[0] << 8) | p[1];
}

static inline void qcow2_st64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = v;
        v >>= 8;
    }
}

static inline void qcow2_st32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

static inline void qcow2_st16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static inline uint64_t qcow2_align(BDRVQcow2State *s, uint64_t n)
{
    return (n + s->cluster_size - 1) & ~((uint64_t)s->cluster_size - 1);
}

static inline bool qcow2_aligned(BDRVQcow2State *s, uint64_t off)
{
    return !(off & (s->cluster_size - 1));
}

/* qcow2.c */
void qcow2_signal_corruption(BlockDriverState *bs, const char *fmt, ...)
    G_GNUC_PRINTF_CHECK(2, 3);
int qcow2_write_header_field(BlockDriverState *bs, uint64_t off,
                             const void *buf, size_t len);
int qcow2_mark_dirty(BlockDriverState *bs);
/* A header extension at @p; returns the bytes used (padded to 8). */
size_t qcow2_put_ext(uint8_t *p, uint32_t type, const void *data,
                     uint32_t len);
/* The feature name table extension QEMU writes into v3 headers. */
size_t qcow2_put_feature_table(uint8_t *p);

/* qcow2-refcount.c */
int qcow2_refcount_init(BlockDriverState *bs, Error **errp);
int qcow2_get_refcount(BlockDriverState *bs, uint64_t cluster_index,
                       uint64_t *refcount);
int qcow2_update_refcount(BlockDriverState *bs, uint64_t offset,
                          uint64_t length, int64_t delta);
int64_t qcow2_alloc_clusters(BlockDriverState *bs, uint64_t size);
int64_t qcow2_alloc_bytes(BlockDriverState *bs, uint32_t size);
void qcow2_free_clusters(BlockDriverState *bs, uint64_t offset,
                         uint64_t size);
void qcow2_free_any_cluster(BlockDriverState *bs, uint64_t l2_entry);
int qcow2_update_l1_refcounts(BlockDriverState *bs, uint64_t l1_offset,
                              uint32_t l1_size, int delta);
int qcow2_update_refcounts_for_l1(BlockDriverState *bs, const uint64_t *l1,
                                  uint32_t l1_size, int delta);
int qcow2_fix_copied_flags(BlockDriverState *bs);
int qcow2_check(BlockDriverState *bs, BdrvCheckResult *res, int fix);
int qcow2_change_refcount_order(BlockDriverState *bs, int order,
                                Error **errp);
bool qcow2_overlaps_metadata(BlockDriverState *bs, uint64_t offset,
                             uint64_t size);

/* qcow2-cluster.c */
Qcow2ClusterType qcow2_cluster_type(BDRVQcow2State *s, uint64_t l2_entry);
int qcow2_l2_load(BlockDriverState *bs, uint64_t l2_offset,
                  uint64_t **table);
/* Entry @idx of the L2 table at @l2_offset becomes @value, cache and file. */
int qcow2_l2_set_entry(BlockDriverState *bs, uint64_t l2_offset, uint32_t idx,
                       uint64_t value);
void qcow2_cache_invalidate(BlockDriverState *bs);
int qcow2_get_l2_entry(BlockDriverState *bs, uint64_t guest_off,
                       uint64_t *l2_entry);
int qcow2_read_compressed(BlockDriverState *bs, uint64_t l2_entry,
                          uint8_t *out);
int qcow2_pread_impl(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                     void *buf);
int qcow2_pwrite_impl(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                      const void *buf);
/*
 * QCOW2_ZERO: reads as zero afterwards; QCOW2_DISCARD: frees whole
 * clusters, still reading as zero (zero clusters over a backing file);
 * QCOW2_UNMAP: whole clusters become unallocated, the backing file shows
 * through (emptying the image after a commit).
 */
typedef enum Qcow2ZeroMode {
    QCOW2_ZERO,
    QCOW2_DISCARD,
    QCOW2_UNMAP,
} Qcow2ZeroMode;
int qcow2_zero_or_discard(BlockDriverState *bs, uint64_t offset,
                          uint64_t bytes, Qcow2ZeroMode mode);
int qcow2_write_compressed(BlockDriverState *bs, uint64_t offset,
                           uint64_t bytes, const void *buf);
int qcow2_grow_l1_table(BlockDriverState *bs, uint32_t min_size);
/*
 * Preallocation of [@offset, @offset+@bytes): data clusters for the
 * unallocated entries, laid out as QEMU does: each L2 table followed by
 * its clusters (metadata), or all data in one run and the tables after
 * it (@data_first: falloc, full).  The data is whatever the file holds
 * there (zeroes past its end).  Appends each host range as two uint64_t
 * (offset, length) to @runs.
 */
int qcow2_preallocate(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                      bool data_first, GArray *runs);
int qcow2_block_status(BlockDriverState *bs, uint64_t offset,
                       uint64_t bytes, uint64_t *pnum, uint64_t *map);

/* qcow2-snapshot.c */
int qcow2_read_snapshots(BlockDriverState *bs, Error **errp);
void qcow2_free_snapshots(BlockDriverState *bs);
int qcow2_snapshot_create(BlockDriverState *bs, const char *name,
                          uint64_t vm_clock_nsec, uint64_t icount,
                          Error **errp);
int qcow2_snapshot_goto(BlockDriverState *bs, const char *name,
                        Error **errp);
int qcow2_snapshot_delete(BlockDriverState *bs, const char *name,
                          Error **errp);
int qcow2_snapshot_list(BlockDriverState *bs, BdrvSnapshotInfo **list);
int qcow2_snapshot_load_tmp(BlockDriverState *bs, const char *id,
                            const char *name, Error **errp);
/* qcow2-backing.c: rewrite the header with a new backing file name. */
int qcow2_change_backing_file(BlockDriverState *bs, const char *file,
                              const char *fmt, Error **errp);
/*
 * Rewrite the first cluster from the in-memory version, feature bits and
 * refcount order, keeping the backing file and unknown extensions.
 */
int qcow2_update_header(BlockDriverState *bs, Error **errp);
/* qcow2-amend.c */
int qcow2_amend(BlockDriverState *bs, const BlockAmendOpts *o, Error **errp);

/*
 * qcow2-bitmap.c: persistent dirty bitmaps.  qcow2_read_bitmap_ext keeps
 * the extension's fields; qcow2_read_bitmap_dir reads the directory (an
 * image without autoclear bit 0 has none); qcow2_load_dirty_bitmaps
 * makes them the node's bitmaps (in_use on disk while open read-write);
 * qcow2_store_dirty_bitmaps writes the node's persistent bitmaps back
 * (close).  qcow2_bitmaps_for_each_cluster: every cluster they use, for
 * check.  qcow2_bitmaps_info: the "bitmaps" of qemu-img info.
 */
void qcow2_read_bitmap_ext(BlockDriverState *bs, const uint8_t *p,
                           uint32_t len);
int qcow2_read_bitmap_dir(BlockDriverState *bs, Error **errp);
void qcow2_bitmaps_free(BDRVQcow2State *s);
void qcow2_load_dirty_bitmaps(BlockDriverState *bs);
int qcow2_store_dirty_bitmaps(BlockDriverState *bs);
int qcow2_remove_persistent_dirty_bitmap(BlockDriverState *bs,
                                         const char *name, Error **errp);
bool qcow2_can_store_new_dirty_bitmap(BlockDriverState *bs, const char *name,
                                      uint32_t granularity, Error **errp);
void qcow2_bitmaps_for_each_cluster(BlockDriverState *bs,
                                    void (*fn)(void *, uint64_t, uint64_t),
                                    void *opaque);
void qcow2_bitmaps_info(BlockDriverState *bs, GString *human, GString *json,
                        const char *ind);

#endif
