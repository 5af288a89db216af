/*
 * qcow2 reference counts: the refcount table and blocks (any width from
 * 1 to 64 bits), cluster allocation and freeing, refcount table growth,
 * and the OFLAG_COPIED bookkeeping used after snapshot operations.
 * Refcount blocks are cached and written through entry by entry, so the
 * on-disk refcount is always updated before the L2 entry that uses it.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qcow2.h"

int qcow2_refcount_init(BlockDriverState *bs, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t bytes = (uint64_t)s->refcount_table_clusters << s->cluster_bits;
    s->refcount_table_size = bytes / 8;
    s->refcount_table = g_malloc(bytes);
    int ret = bdrv_pread(bs->file, s->refcount_table_offset, bytes,
                         s->refcount_table);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not read refcount table");
        return ret;
    }
    for (uint64_t i = 0; i < s->refcount_table_size; i++) {
        s->refcount_table[i] = qcow2_be64((uint8_t *)&s->refcount_table[i]);
    }
    return 0;
}

static int rb_load(BlockDriverState *bs, uint64_t off, uint8_t **block)
{
    BDRVQcow2State *s = bs->opaque;
    Qcow2CacheEntry *victim = &s->rb_cache[0];
    for (int i = 0; i < QCOW2_RB_CACHE_SIZE; i++) {
        Qcow2CacheEntry *e = &s->rb_cache[i];
        if (e->table && e->offset == off) {
            e->lru = ++s->cache_clock;
            *block = e->table;
            return 0;
        }
        if (!e->table || (victim->table && e->lru < victim->lru)) {
            victim = e;
        }
    }
    if (!victim->table) {
        victim->table = g_malloc(s->cluster_size);
    }
    victim->offset = 0;
    int ret = bdrv_pread(bs->file, off, s->cluster_size, victim->table);
    if (ret < 0) {
        return ret;
    }
    victim->offset = off;
    victim->lru = ++s->cache_clock;
    *block = victim->table;
    return 0;
}

static uint64_t rb_get(BDRVQcow2State *s, const uint8_t *b, uint64_t i)
{
    uint32_t bits = s->refcount_bits;
    if (bits < 8) {
        return (b[i * bits / 8] >> ((i * bits) % 8)) & ((1u << bits) - 1);
    }
    uint64_t v = 0;
    for (uint32_t k = 0; k < bits / 8; k++) {
        v = (v << 8) | b[i * (bits / 8) + k];
    }
    return v;
}

/* Set entry @i and return the byte range that changed. */
/* Entry @i of a block of @bits-wide entries; *first, *len: bytes changed. */
static void rb_set_bits(uint32_t bits, uint8_t *b, uint64_t i, uint64_t v,
                        uint64_t *first, uint64_t *len)
{
    if (bits < 8) {
        uint32_t shift = (i * bits) % 8;
        uint8_t mask = ((1u << bits) - 1) << shift;
        uint8_t *p = &b[i * bits / 8];
        *p = (*p & ~mask) | ((v << shift) & mask);
        *first = i * bits / 8;
        *len = 1;
        return;
    }
    for (int k = bits / 8 - 1; k >= 0; k--) {
        b[i * (bits / 8) + k] = v;
        v >>= 8;
    }
    *first = i * (bits / 8);
    *len = bits / 8;
}

static void rb_set(BDRVQcow2State *s, uint8_t *b, uint64_t i, uint64_t v,
                   uint64_t *first, uint64_t *len)
{
    rb_set_bits(s->refcount_bits, b, i, v, first, len);
}

/* Refcount block offset for table index @rt, validated; 0 if none. */
static int rb_offset(BlockDriverState *bs, uint64_t rt, uint64_t *off)
{
    BDRVQcow2State *s = bs->opaque;
    *off = 0;
    if (rt >= s->refcount_table_size) {
        return 0;
    }
    uint64_t o = s->refcount_table[rt] & REFT_OFFSET_MASK;
    if (o && !qcow2_aligned(s, o)) {
        qcow2_signal_corruption(bs, "Refblock offset %#" PRIx64 " unaligned "
                                "(reftable index: %#" PRIx64 ")", o, rt);
        return -EIO;
    }
    *off = o;
    return 0;
}

int qcow2_get_refcount(BlockDriverState *bs, uint64_t cluster,
                       uint64_t *refcount)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t off;
    uint8_t *b;
    *refcount = 0;
    int ret = rb_offset(bs, cluster >> s->refcount_block_bits, &off);
    if (ret < 0 || !off) {
        return ret;
    }
    ret = rb_load(bs, off, &b);
    if (ret < 0) {
        return ret;
    }
    *refcount = rb_get(s, b, cluster & ((1ULL << s->refcount_block_bits) - 1));
    return 0;
}

static int grow_reftable(BlockDriverState *bs, uint64_t need_index,
                         uint64_t hint_end);

/*
 * A new refcount block for table index @rt, placed inside the range it
 * covers (all free, since nothing counted them) and outside [excl_start,
 * excl_end), the clusters being allocated right now.
 */
static int alloc_refblock(BlockDriverState *bs, uint64_t rt,
                          uint64_t excl_start, uint64_t excl_end)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t per = 1ULL << s->refcount_block_bits;
    uint64_t f = rt * per;
    while (f >= excl_start && f < excl_end) {
        f = excl_end;
    }
    if (f >= (rt + 1) * per) {
        return -EFBIG;
    }
    g_autofree uint8_t *b = g_malloc0(s->cluster_size);
    uint64_t first, len;
    rb_set(s, b, f - rt * per, 1, &first, &len);
    uint64_t off = f << s->cluster_bits;
    int ret = bdrv_pwrite(bs->file, off, s->cluster_size, b);
    if (ret < 0) {
        return ret;
    }
    uint8_t e[8];
    qcow2_st64(e, off);
    ret = bdrv_pwrite(bs->file, s->refcount_table_offset + rt * 8, 8, e);
    if (ret < 0) {
        return ret;
    }
    s->refcount_table[rt] = off;
    return 0;
}

static int update_cluster(BlockDriverState *bs, uint64_t cluster,
                          int64_t delta, uint64_t excl_start,
                          uint64_t excl_end)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t rt = cluster >> s->refcount_block_bits;
    uint64_t off, first, len;
    uint8_t *b;
    int ret;

    if (rt >= s->refcount_table_size) {
        if (delta < 0) {
            return -EINVAL;
        }
        ret = grow_reftable(bs, rt, excl_end);
        if (ret < 0) {
            return ret;
        }
    }
    ret = rb_offset(bs, rt, &off);
    if (ret < 0) {
        return ret;
    }
    if (!off) {
        if (delta < 0) {
            return -EINVAL;
        }
        ret = alloc_refblock(bs, rt, excl_start, excl_end);
        if (ret < 0) {
            return ret;
        }
        off = s->refcount_table[rt];
    }
    ret = rb_load(bs, off, &b);
    if (ret < 0) {
        return ret;
    }
    uint64_t i = cluster & ((1ULL << s->refcount_block_bits) - 1);
    uint64_t v = rb_get(s, b, i);
    if ((delta < 0 && v < (uint64_t)-delta) ||
        (delta > 0 && s->refcount_max - v < (uint64_t)delta)) {
        qcow2_signal_corruption(bs, "Refcount of cluster %#" PRIx64
                                " would become invalid", cluster);
        return -EINVAL;
    }
    v += delta;
    rb_set(s, b, i, v, &first, &len);
    ret = bdrv_pwrite(bs->file, off + first, len, b + first);
    if (ret < 0) {
        return ret;
    }
    if (v == 0 && cluster < s->free_cluster_index) {
        s->free_cluster_index = cluster;
    }
    return 0;
}

/*
 * Fast path: every cluster of [start, end) is in one existing refcount
 * block; the entries change in the cache and go out in one write.
 * Returns false (nothing changed) when the slow path must run.
 */
static bool update_range_in_block(BlockDriverState *bs, uint64_t start,
                                  uint64_t end, int64_t delta, int *ret)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t rt = start >> s->refcount_block_bits, off, first, len;
    uint8_t *b;
    *ret = 0;
    if (end - start < 2 || rt != (end - 1) >> s->refcount_block_bits ||
        rt >= s->refcount_table_size || rb_offset(bs, rt, &off) < 0 ||
        !off || rb_load(bs, off, &b) < 0) {
        return false;
    }
    uint64_t mask = (1ULL << s->refcount_block_bits) - 1;
    for (uint64_t c = start; c < end; c++) {
        uint64_t v = rb_get(s, b, c & mask);
        if ((delta < 0 && v < (uint64_t)-delta) ||
            (delta > 0 && s->refcount_max - v < (uint64_t)delta)) {
            return false;    /* let the slow path report it */
        }
    }
    uint64_t lo = UINT64_MAX, hi = 0;
    for (uint64_t c = start; c < end; c++) {
        uint64_t v = rb_get(s, b, c & mask) + delta;
        rb_set(s, b, c & mask, v, &first, &len);
        lo = MIN(lo, first);
        hi = MAX(hi, first + len);
        if (v == 0 && c < s->free_cluster_index) {
            s->free_cluster_index = c;
        }
    }
    *ret = bdrv_pwrite(bs->file, off + lo, hi - lo, b + lo);
    return true;
}

int qcow2_update_refcount(BlockDriverState *bs, uint64_t offset,
                          uint64_t length, int64_t delta)
{
    BDRVQcow2State *s = bs->opaque;
    if (!length) {
        return 0;
    }
    uint64_t start = offset >> s->cluster_bits;
    uint64_t end = (offset + length - 1) >> s->cluster_bits;
    int ret;
    if (update_range_in_block(bs, start, end + 1, delta, &ret)) {
        return ret;
    }
    for (uint64_t c = start; c <= end; c++) {
        ret = update_cluster(bs, c, delta, start, end + 1);
        if (ret < 0) {
            return ret;
        }
    }
    return 0;
}

int64_t qcow2_alloc_clusters(BlockDriverState *bs, uint64_t size)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t n = DIV_ROUND_UP(size, s->cluster_size);
    uint64_t start = MAX(s->free_cluster_index, 1), run = 0;
    uint64_t first_free = UINT64_MAX;
    /* Cluster 0 is the header; scan for @n free clusters in a row. */
    for (uint64_t c = start; run < n; c++) {
        uint64_t rc;
        int ret = qcow2_get_refcount(bs, c, &rc);
        if (ret < 0) {
            return ret;
        }
        if (rc) {
            run = 0;
            start = c + 1;
        } else {
            run++;
            first_free = MIN(first_free, c);
        }
        if (c >> 40) {
            return -EFBIG;
        }
    }
    s->free_cluster_index = first_free == start ? start + n : first_free;
    int ret = qcow2_update_refcount(bs, start << s->cluster_bits,
                                    n << s->cluster_bits, 1);
    if (ret < 0) {
        return ret;
    }
    /* Clusters counted but never written would read past EOF: fine. */
    return start << s->cluster_bits;
}

/* Bytes for compressed data, packed into shared clusters. */
int64_t qcow2_alloc_bytes(BlockDriverState *bs, uint32_t size)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t used = s->free_byte_offset & (s->cluster_size - 1);
    if (!s->free_byte_offset || !used || s->cluster_size - used < size) {
        int64_t off = qcow2_alloc_clusters(bs, s->cluster_size);
        if (off < 0) {
            return off;
        }
        s->free_byte_offset = off;
    } else {
        int ret = qcow2_update_refcount(bs, s->free_byte_offset, 1, 1);
        if (ret < 0) {
            return ret;
        }
    }
    int64_t ret = s->free_byte_offset;
    s->free_byte_offset += size;
    return ret;
}

void qcow2_free_clusters(BlockDriverState *bs, uint64_t offset, uint64_t size)
{
    int ret = qcow2_update_refcount(bs, offset, size, -1);
    if (ret < 0) {
        /* The cluster leaks; check -r leaks can recover it. */
        error_report("qcow2_free_clusters failed: %s", strerror(-ret));
    }
}

void qcow2_free_any_cluster(BlockDriverState *bs, uint64_t e)
{
    BDRVQcow2State *s = bs->opaque;
    switch (qcow2_cluster_type(s, e)) {
    case QCOW2_CLUSTER_NORMAL:
    case QCOW2_CLUSTER_ZERO_ALLOC:
        qcow2_free_clusters(bs, e & L2E_OFFSET_MASK, s->cluster_size);
        break;
    case QCOW2_CLUSTER_COMPRESSED: {
        uint64_t coff = e & s->cluster_offset_mask;
        uint64_t nb = ((e >> s->csize_shift) & s->csize_mask) + 1;
        qcow2_free_clusters(bs, coff & ~511ULL, nb * 512);
        break;
    }
    default:
        break;
    }
}

/*
 * Grow the refcount table so index @need exists.  The new table and the
 * refcount blocks describing it go at the end of the image (past
 * @hint_end); the header switches to the new table in one write.
 */
static int grow_reftable(BlockDriverState *bs, uint64_t need,
                         uint64_t hint_end)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t per_cluster = s->cluster_size / 8;
    uint64_t per_block = 1ULL << s->refcount_block_bits;
    uint64_t entries = MAX(need + 1, s->refcount_table_size * 3 / 2);
    entries = QEMU_ALIGN_UP(entries, per_cluster);
    uint64_t table_clusters = entries / per_cluster;
    int64_t flen = bdrv_getlength(bs->file);
    if (flen < 0) {
        return flen;
    }
    if (entries * 8 > QCOW_MAX_REFTABLE_SIZE) {
        return -EFBIG;
    }
    uint64_t t = MAX(DIV_ROUND_UP((uint64_t)flen, s->cluster_size), hint_end);
    t = MAX(t, s->free_cluster_index);
    /* New blocks cover [t, t + table_clusters + nblocks). */
    uint64_t nblocks = 0;
    for (;;) {
        uint64_t end = t + table_clusters + nblocks;
        uint64_t count = 0;
        for (uint64_t rt = t / per_block; rt <= (end - 1) / per_block; rt++) {
            if (rt >= s->refcount_table_size || !s->refcount_table[rt]) {
                count++;
            }
        }
        if (count == nblocks) {
            break;
        }
        nblocks = count;
    }
    uint64_t end = t + table_clusters + nblocks;
    g_autofree uint64_t *table = g_new0(uint64_t, entries);
    memcpy(table, s->refcount_table, s->refcount_table_size * 8);
    g_autofree uint8_t *b = g_malloc(s->cluster_size);
    uint64_t next_block = t + table_clusters;
    for (uint64_t rt = t / per_block; rt <= (end - 1) / per_block; rt++) {
        uint64_t lo = MAX(t, rt * per_block), hi = MIN(end, (rt + 1) * per_block);
        if (rt < s->refcount_table_size && s->refcount_table[rt]) {
            /* Existing block: count the new clusters in it. */
            for (uint64_t c = lo; c < hi; c++) {
                int ret = update_cluster(bs, c, 1, t, end);
                if (ret < 0) {
                    return ret;
                }
            }
            continue;
        }
        memset(b, 0, s->cluster_size);
        for (uint64_t c = lo; c < hi; c++) {
            uint64_t first, len;
            rb_set(s, b, c - rt * per_block, 1, &first, &len);
        }
        uint64_t off = next_block++ << s->cluster_bits;
        int ret = bdrv_pwrite(bs->file, off, s->cluster_size, b);
        if (ret < 0) {
            return ret;
        }
        table[rt] = off;
    }
    g_autofree uint8_t *raw = g_malloc(entries * 8);
    for (uint64_t i = 0; i < entries; i++) {
        qcow2_st64(raw + i * 8, table[i]);
    }
    int ret = bdrv_pwrite(bs->file, t << s->cluster_bits, entries * 8, raw);
    if (ret == 0) {
        ret = bdrv_flush(bs->file);
    }
    if (ret < 0) {
        return ret;
    }
    uint8_t h[12];
    qcow2_st64(h, t << s->cluster_bits);
    qcow2_st32(h + 8, table_clusters);
    ret = qcow2_write_header_field(bs, QCOW2_HDR_REFTABLE_OFFSET, h, 12);
    if (ret < 0) {
        return ret;
    }
    uint64_t old_off = s->refcount_table_offset;
    uint64_t old_clusters = s->refcount_table_clusters;
    g_free(s->refcount_table);
    s->refcount_table = g_steal_pointer(&table);
    s->refcount_table_size = entries;
    s->refcount_table_offset = t << s->cluster_bits;
    s->refcount_table_clusters = table_clusters;
    qcow2_free_clusters(bs, old_off, old_clusters << s->cluster_bits);
    return 0;
}

static int load_l1(BlockDriverState *bs, uint64_t off, uint32_t size,
                   uint64_t **l1)
{
    BDRVQcow2State *s = bs->opaque;
    *l1 = g_new0(uint64_t, MAX(size, 1));
    if (off == s->l1_table_offset && size == s->l1_size) {
        memcpy(*l1, s->l1_table, size * 8ULL);
        return 0;
    }
    int ret = bdrv_pread(bs->file, off, size * 8ULL, *l1);
    for (uint32_t i = 0; i < size; i++) {
        (*l1)[i] = qcow2_be64((uint8_t *)&(*l1)[i]);
    }
    return ret;
}

/* +1/-1 on every L2 table and data cluster reachable from an L1 table. */
int qcow2_update_l1_refcounts(BlockDriverState *bs, uint64_t l1_offset,
                              uint32_t l1_size, int delta)
{
    g_autofree uint64_t *l1 = NULL;
    int ret = load_l1(bs, l1_offset, l1_size, &l1);
    if (ret < 0) {
        return ret;
    }
    return qcow2_update_refcounts_for_l1(bs, l1, l1_size, delta);
}

int qcow2_update_refcounts_for_l1(BlockDriverState *bs, const uint64_t *l1,
                                  uint32_t l1_size, int delta)
{
    BDRVQcow2State *s = bs->opaque;
    g_autofree uint64_t *l2 = g_new(uint64_t, s->l2_size);
    int ret;
    for (uint32_t i = 0; i < l1_size; i++) {
        uint64_t l2_off = l1[i] & L1E_OFFSET_MASK, *t;
        if (!l2_off) {
            continue;
        }
        ret = qcow2_l2_load(bs, l2_off, &t);
        if (ret < 0) {
            return ret;
        }
        memcpy(l2, t, s->cluster_size);
        for (uint32_t j = 0; j < s->l2_size; j++) {
            uint64_t e = l2[j];
            switch (qcow2_cluster_type(s, e)) {
            case QCOW2_CLUSTER_NORMAL:
            case QCOW2_CLUSTER_ZERO_ALLOC:
                ret = qcow2_update_refcount(bs, e & L2E_OFFSET_MASK,
                                            s->cluster_size, delta);
                break;
            case QCOW2_CLUSTER_COMPRESSED: {
                uint64_t coff = e & s->cluster_offset_mask;
                uint64_t nb = ((e >> s->csize_shift) & s->csize_mask) + 1;
                ret = qcow2_update_refcount(bs, coff & ~511ULL, nb * 512,
                                            delta);
                break;
            }
            default:
                break;
            }
            if (ret < 0) {
                return ret;
            }
        }
        ret = qcow2_update_refcount(bs, l2_off, s->cluster_size, delta);
        if (ret < 0) {
            return ret;
        }
    }
    return 0;
}

/* OFLAG_COPIED must be set exactly where the refcount is 1. */
int qcow2_fix_copied_flags(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t b[8];
    for (uint32_t i = 0; i < s->l1_size; i++) {
        uint64_t l2_off = s->l1_table[i] & L1E_OFFSET_MASK, rc, *t;
        if (!l2_off) {
            continue;
        }
        int ret = qcow2_get_refcount(bs, l2_off >> s->cluster_bits, &rc);
        if (ret < 0) {
            return ret;
        }
        uint64_t want = l2_off | (rc == 1 ? QCOW_OFLAG_COPIED : 0);
        if (want != s->l1_table[i]) {
            s->l1_table[i] = want;
            qcow2_st64(b, want);
            ret = bdrv_pwrite(bs->file, s->l1_table_offset + i * 8ULL, 8, b);
            if (ret < 0) {
                return ret;
            }
        }
        for (uint32_t j = 0; j < s->l2_size; j++) {
            ret = qcow2_l2_load(bs, l2_off, &t);
            if (ret < 0) {
                return ret;
            }
            uint64_t e = t[j];
            Qcow2ClusterType ty = qcow2_cluster_type(s, e);
            if (ty != QCOW2_CLUSTER_NORMAL && ty != QCOW2_CLUSTER_ZERO_ALLOC) {
                continue;
            }
            ret = qcow2_get_refcount(bs, (e & L2E_OFFSET_MASK) >>
                                     s->cluster_bits, &rc);
            if (ret < 0) {
                return ret;
            }
            uint64_t w = (e & ~QCOW_OFLAG_COPIED) |
                         (rc == 1 ? QCOW_OFLAG_COPIED : 0);
            if (w != e) {
                ret = qcow2_l2_set_entry(bs, l2_off, j, w);
                if (ret < 0) {
                    return ret;
                }
            }
        }
    }
    return 0;
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b,
                           uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

bool qcow2_overlaps_metadata(BlockDriverState *bs, uint64_t off,
                             uint64_t size)
{
    BDRVQcow2State *s = bs->opaque;
    if (ranges_overlap(off, size, 0, s->cluster_size) ||
        ranges_overlap(off, size, s->l1_table_offset,
                       qcow2_align(s, s->l1_size * 8ULL)) ||
        ranges_overlap(off, size, s->refcount_table_offset,
                       (uint64_t)s->refcount_table_clusters <<
                       s->cluster_bits) ||
        (s->nb_snapshots && ranges_overlap(off, size, s->snapshots_offset,
                                           qcow2_align(s, s->snapshots_size)))) {
        return true;
    }
    for (uint64_t i = 0; i < s->refcount_table_size; i++) {
        uint64_t rb = s->refcount_table[i] & REFT_OFFSET_MASK;
        if (rb && ranges_overlap(off, size, rb, s->cluster_size)) {
            return true;
        }
    }
    return false;
}

/*
 * New refcount structures of @order-bit entries, written past the end of
 * the file: blocks, then the table; the header switches to them in one
 * write and the old ones become free clusters (QEMU rewrites in place;
 * the result reads the same).  Every refcount must fit the new width.
 */
int qcow2_change_refcount_order(BlockDriverState *bs, int order, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint32_t bits = 1u << order;
    uint64_t max = bits == 64 ? UINT64_MAX : (1ULL << bits) - 1;
    int64_t flen = bdrv_getlength(bs->file);
    uint64_t nb = DIV_ROUND_UP((uint64_t)MAX(flen, 0), s->cluster_size);
    if (flen < 0 || nb > (1ULL << 27)) {
        error_setg(errp, "Image too large to change the refcount width");
        return flen < 0 ? flen : -EFBIG;
    }
    g_autofree uint64_t *ref = g_new0(uint64_t, nb + 1);
    for (uint64_t c = 0; c < nb; c++) {
        int ret = qcow2_get_refcount(bs, c, &ref[c]);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Failed to read the refcounts");
            return ret;
        }
    }
    /* The old structures are dropped: they count no more. */
    for (uint64_t i = 0; i < s->refcount_table_size; i++) {
        uint64_t c = (s->refcount_table[i] & REFT_OFFSET_MASK) >>
                     s->cluster_bits;
        if (c && c < nb && ref[c]) {
            ref[c]--;
        }
    }
    for (uint64_t i = 0; i < s->refcount_table_clusters; i++) {
        uint64_t c = (s->refcount_table_offset >> s->cluster_bits) + i;
        if (c < nb && ref[c]) {
            ref[c]--;
        }
    }
    for (uint64_t c = 0; c < nb; c++) {
        if (ref[c] > max) {
            error_setg(errp, "Cannot decrease refcount entry width to %u "
                       "bits: Cluster at offset %#" PRIx64 " has a refcount "
                       "of %" PRIu64, bits, c << s->cluster_bits, ref[c]);
            return -EINVAL;
        }
    }
    /* Blocks and table covering the image and themselves, at its end. */
    uint64_t per_block = (uint64_t)s->cluster_size * 8 / bits;
    uint64_t per_table = s->cluster_size / 8, blocks = 0, table = 0, n;
    do {
        n = blocks + table;
        blocks = DIV_ROUND_UP(nb + blocks + table, per_block);
        table = DIV_ROUND_UP(blocks, per_table);
    } while (blocks + table != n);
    uint64_t total = nb + blocks + table;
    g_autofree uint8_t *b = g_malloc(s->cluster_size);
    g_autofree uint8_t *raw = g_malloc0(table * s->cluster_size);
    for (uint64_t k = 0; k < blocks; k++) {
        uint64_t first, len;
        memset(b, 0, s->cluster_size);
        for (uint64_t i = 0; i < per_block; i++) {
            uint64_t c = k * per_block + i;
            uint64_t v = c < nb ? ref[c] : c < total ? 1 : 0;
            rb_set_bits(bits, b, i, v, &first, &len);
        }
        uint64_t off = (nb + k) << s->cluster_bits;
        int ret = bdrv_pwrite(bs->file, off, s->cluster_size, b);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Failed to write refcount blocks");
            return ret;
        }
        qcow2_st64(raw + k * 8, off);
    }
    uint64_t table_off = (nb + blocks) << s->cluster_bits;
    int ret = bdrv_pwrite(bs->file, table_off, table * s->cluster_size, raw);
    if (ret == 0) {
        ret = bdrv_flush(bs->file);
    }
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Failed to write the refcount table");
        return ret;
    }
    g_free(s->refcount_table);
    s->refcount_table = g_new0(uint64_t, table * per_table);
    for (uint64_t k = 0; k < blocks; k++) {
        s->refcount_table[k] = (nb + k) << s->cluster_bits;
    }
    s->refcount_table_size = table * per_table;
    s->refcount_table_offset = table_off;
    s->refcount_table_clusters = table;
    s->refcount_order = order;
    s->refcount_bits = bits;
    s->refcount_max = max;
    s->refcount_block_bits = s->cluster_bits + 3 - order;
    s->free_cluster_index = 0;
    qcow2_cache_invalidate(bs);
    return qcow2_update_header(bs, errp);
}
