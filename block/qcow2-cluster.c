/*
 * qcow2 cluster mapping: the L2 table cache, guest-to-host lookup, the
 * read path (backing files, zero and compressed clusters) and the write
 * path.  Allocating writes go data first, then refcount (already set by
 * the allocator), then the L2 entry, then the L1 entry, so a crash at
 * any point leaves at worst leaked clusters.
 */
#include "qemu/osdep.h"
#include <zlib.h>
#include "qcow2.h"

Qcow2ClusterType qcow2_cluster_type(BDRVQcow2State *s, uint64_t e)
{
    if (e & QCOW_OFLAG_COMPRESSED) {
        return QCOW2_CLUSTER_COMPRESSED;
    }
    if (e & QCOW_OFLAG_ZERO) {
        return (e & L2E_OFFSET_MASK) ? QCOW2_CLUSTER_ZERO_ALLOC
                                     : QCOW2_CLUSTER_ZERO_PLAIN;
    }
    return (e & L2E_OFFSET_MASK) ? QCOW2_CLUSTER_NORMAL
                                 : QCOW2_CLUSTER_UNALLOCATED;
}

/* ---- L2 cache: tables in host byte order, written through. ---- */

void qcow2_cache_invalidate(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    for (int i = 0; i < QCOW2_L2_CACHE_SIZE; i++) {
        g_free(s->l2_cache[i].table);
        s->l2_cache[i].table = NULL;
        s->l2_cache[i].offset = 0;
    }
    for (int i = 0; i < QCOW2_RB_CACHE_SIZE; i++) {
        g_free(s->rb_cache[i].table);
        s->rb_cache[i].table = NULL;
        s->rb_cache[i].offset = 0;
    }
}

static Qcow2CacheEntry *l2_cache_slot(BDRVQcow2State *s, uint64_t offset)
{
    Qcow2CacheEntry *victim = &s->l2_cache[0];
    for (int i = 0; i < QCOW2_L2_CACHE_SIZE; i++) {
        Qcow2CacheEntry *e = &s->l2_cache[i];
        if (e->table && e->offset == offset) {
            return e;
        }
        if (!e->table || (victim->table && e->lru < victim->lru)) {
            victim = e;
        }
    }
    return victim;
}

int qcow2_l2_load(BlockDriverState *bs, uint64_t l2_offset, uint64_t **table)
{
    BDRVQcow2State *s = bs->opaque;
    Qcow2CacheEntry *e = l2_cache_slot(s, l2_offset);
    if (!e->table || e->offset != l2_offset) {
        if (!e->table) {
            e->table = g_malloc(s->cluster_size);
        }
        e->offset = 0;
        int ret = bdrv_pread(bs->file, l2_offset, s->cluster_size, e->table);
        if (ret < 0) {
            return ret;
        }
        uint64_t *t = e->table;
        for (uint32_t i = 0; i < s->l2_size; i++) {
            t[i] = qcow2_be64((uint8_t *)&t[i]);
        }
        e->offset = l2_offset;
    }
    e->lru = ++s->cache_clock;
    *table = e->table;
    return 0;
}

/* Write entries [first, first+n) of a cached table to the file. */
static int l2_write_entries(BlockDriverState *bs, uint64_t l2_offset,
                            const uint64_t *table, uint32_t first, uint32_t n)
{
    g_autofree uint8_t *buf = g_malloc(n * 8);
    for (uint32_t i = 0; i < n; i++) {
        qcow2_st64(buf + i * 8, table[first + i]);
    }
    return bdrv_pwrite(bs->file, l2_offset + first * 8ULL, n * 8ULL, buf);
}

int qcow2_l2_set_entry(BlockDriverState *bs, uint64_t l2_offset, uint32_t idx,
                       uint64_t value)
{
    uint64_t *table;
    int ret = qcow2_l2_load(bs, l2_offset, &table);

    if (ret < 0) {
        return ret;
    }
    table[idx] = value;
    return l2_write_entries(bs, l2_offset, table, idx, 1);
}

static int l1_write_entry(BlockDriverState *bs, uint32_t idx)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t b[8];
    qcow2_st64(b, s->l1_table[idx]);
    return bdrv_pwrite(bs->file, s->l1_table_offset + idx * 8ULL, 8, b);
}

/* L2 table offset for @l1_index, validated; 0 when unallocated. */
static int l2_offset_for(BlockDriverState *bs, uint64_t l1_index,
                         uint64_t *l2_offset)
{
    BDRVQcow2State *s = bs->opaque;
    *l2_offset = 0;
    if (l1_index >= s->l1_size) {
        return 0;
    }
    uint64_t off = s->l1_table[l1_index] & L1E_OFFSET_MASK;
    if (off && !qcow2_aligned(s, off)) {
        qcow2_signal_corruption(bs, "L2 table offset %#" PRIx64 " unaligned "
                                "(L1 index: %#" PRIx64 ")", off, l1_index);
        return -EIO;
    }
    if (off && off < s->cluster_size) {
        qcow2_signal_corruption(bs, "L2 table offset %#" PRIx64 " overlaps "
                                "the header (L1 index: %#" PRIx64 ")", off,
                                l1_index);
        return -EIO;
    }
    *l2_offset = off;
    return 0;
}

int qcow2_get_l2_entry(BlockDriverState *bs, uint64_t guest_off,
                       uint64_t *l2_entry)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t l2_offset, *table;
    *l2_entry = 0;
    int ret = l2_offset_for(bs, guest_off >> (s->l2_bits + s->cluster_bits),
                            &l2_offset);
    if (ret < 0 || !l2_offset) {
        return ret;
    }
    ret = qcow2_l2_load(bs, l2_offset, &table);
    if (ret < 0) {
        return ret;
    }
    *l2_entry = table[(guest_off >> s->cluster_bits) & (s->l2_size - 1)];
    return 0;
}

/* Host offset of a normal cluster, or -EIO if the entry is corrupt. */
static int64_t host_cluster(BlockDriverState *bs, uint64_t e)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t host = e & L2E_OFFSET_MASK;
    if (!qcow2_aligned(s, host) || host < s->cluster_size) {
        qcow2_signal_corruption(bs, "Cluster allocation offset %#" PRIx64
                                " unaligned or in the header", host);
        return -EIO;
    }
    return host;
}

int qcow2_read_compressed(BlockDriverState *bs, uint64_t e, uint8_t *out)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t coffset = e & s->cluster_offset_mask;
    uint64_t nb_csectors = ((e >> s->csize_shift) & s->csize_mask) + 1;
    uint64_t csize = nb_csectors * BDRV_SECTOR_SIZE -
                     (coffset & (BDRV_SECTOR_SIZE - 1));
    int64_t file_len = bdrv_getlength(bs->file);
    if (coffset >= (uint64_t)file_len) {
        qcow2_signal_corruption(bs, "Compressed cluster at %#" PRIx64
                                " beyond the end of the file", coffset);
        return -EIO;
    }
    /* The sector count may round past the end of the file. */
    csize = MIN(csize, (uint64_t)file_len - coffset);
    g_autofree uint8_t *in = g_malloc(csize);
    int ret = bdrv_pread(bs->file, coffset, csize, in);
    if (ret < 0) {
        return ret;
    }
    z_stream zs = { 0 };
    if (inflateInit2(&zs, -12) != Z_OK) {
        return -ENOMEM;
    }
    zs.next_in = in;
    zs.avail_in = csize;
    zs.next_out = out;
    zs.avail_out = s->cluster_size;
    int zr = inflate(&zs, Z_FINISH);
    inflateEnd(&zs);
    /* Trailing bytes after the stream are padding; a short output is not. */
    if ((zr != Z_STREAM_END && zr != Z_BUF_ERROR && zr != Z_OK) ||
        zs.avail_out != 0) {
        return -EIO;
    }
    return 0;
}

/* Read from the backing file; past its end reads zeroes. */
static int read_backing(BlockDriverState *bs, uint64_t off, uint64_t n,
                        uint8_t *buf)
{
    if (!bs->backing) {
        memset(buf, 0, n);
        return 0;
    }
    int64_t blen = bdrv_getlength(bs->backing);
    if (blen < 0) {
        return blen;
    }
    uint64_t avail = off < (uint64_t)blen ? MIN(n, (uint64_t)blen - off) : 0;
    if (avail) {
        int ret = bdrv_pread(bs->backing, off, avail, buf);
        if (ret < 0) {
            return ret;
        }
    }
    memset(buf + avail, 0, n - avail);
    return 0;
}

int qcow2_pread_impl(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                     void *vbuf)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t *buf = vbuf;
    g_autofree uint8_t *cbuf = NULL;

    while (bytes) {
        uint64_t in_cluster = offset & (s->cluster_size - 1);
        uint64_t n = MIN(bytes, s->cluster_size - in_cluster);
        uint64_t e;
        int64_t host;
        int ret = qcow2_get_l2_entry(bs, offset, &e);
        if (ret < 0) {
            return ret;
        }
        switch (qcow2_cluster_type(s, e)) {
        case QCOW2_CLUSTER_UNALLOCATED:
            ret = read_backing(bs, offset, n, buf);
            break;
        case QCOW2_CLUSTER_ZERO_PLAIN:
        case QCOW2_CLUSTER_ZERO_ALLOC:
            memset(buf, 0, n);
            break;
        case QCOW2_CLUSTER_COMPRESSED:
            if (!cbuf) {
                cbuf = g_malloc(s->cluster_size);
            }
            ret = qcow2_read_compressed(bs, e, cbuf);
            if (ret == 0) {
                memcpy(buf, cbuf + in_cluster, n);
            }
            break;
        case QCOW2_CLUSTER_NORMAL:
            host = host_cluster(bs, e);
            if (host < 0) {
                return host;
            }
            /* Extend over following clusters that are contiguous on disk. */
            for (uint64_t expect = host + s->cluster_size; n < bytes;
                 expect += s->cluster_size) {
                uint64_t next;
                ret = qcow2_get_l2_entry(bs, offset + n, &next);
                if (ret < 0) {
                    return ret;
                }
                if (qcow2_cluster_type(s, next) != QCOW2_CLUSTER_NORMAL ||
                    (next & L2E_OFFSET_MASK) != expect) {
                    break;
                }
                n += MIN(bytes - n, s->cluster_size);
            }
            ret = bdrv_pread(bs->file, host + in_cluster, n, buf);
            break;
        }
        if (ret < 0) {
            return ret;
        }
        buf += n;
        offset += n;
        bytes -= n;
    }
    return 0;
}

/*
 * Make the L2 table for @l1_index writable (allocated and not shared with
 * a snapshot): copy-on-write of a shared table, or a fresh zeroed one.
 */
static int ensure_l2(BlockDriverState *bs, uint64_t l1_index,
                     uint64_t *l2_out)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t old, refcount, *table;
    if (l1_index >= s->l1_size) {
        return -EIO;
    }
    int ret = l2_offset_for(bs, l1_index, &old);
    if (ret < 0) {
        return ret;
    }
    if (old && (s->l1_table[l1_index] & QCOW_OFLAG_COPIED)) {
        *l2_out = old;
        return 0;
    }
    if (old) {
        ret = qcow2_get_refcount(bs, old >> s->cluster_bits, &refcount);
        if (ret < 0) {
            return ret;
        }
        if (refcount == 1) {
            /* Not shared after all: just restore the flag. */
            s->l1_table[l1_index] |= QCOW_OFLAG_COPIED;
            *l2_out = old;
            return l1_write_entry(bs, l1_index);
        }
    }
    int64_t fresh = qcow2_alloc_clusters(bs, s->cluster_size);
    if (fresh < 0) {
        return fresh;
    }
    g_autofree uint64_t *copy = g_new0(uint64_t, s->l2_size);
    if (old) {
        ret = qcow2_l2_load(bs, old, &table);
        if (ret < 0) {
            return ret;
        }
        for (uint32_t i = 0; i < s->l2_size; i++) {
            copy[i] = table[i] & ~QCOW_OFLAG_COPIED;
        }
    }
    Qcow2CacheEntry *e = l2_cache_slot(s, fresh);
    if (!e->table) {
        e->table = g_malloc(s->cluster_size);
    }
    memcpy(e->table, copy, s->cluster_size);
    e->offset = fresh;
    e->lru = ++s->cache_clock;
    ret = l2_write_entries(bs, fresh, e->table, 0, s->l2_size);
    if (ret < 0) {
        e->offset = 0;
        return ret;
    }
    s->l1_table[l1_index] = fresh | QCOW_OFLAG_COPIED;
    ret = l1_write_entry(bs, l1_index);
    if (ret < 0) {
        return ret;
    }
    if (old) {
        qcow2_free_clusters(bs, old, s->cluster_size);
    }
    *l2_out = fresh;
    return 0;
}

static bool entry_writable_in_place(BDRVQcow2State *s, uint64_t e)
{
    return qcow2_cluster_type(s, e) == QCOW2_CLUSTER_NORMAL &&
           (e & QCOW_OFLAG_COPIED);
}

/* A write that stays inside one L2 table. */
static int write_in_l2(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                       const uint8_t *buf)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t l2_offset, *table;
    int ret = ensure_l2(bs, offset >> (s->l2_bits + s->cluster_bits),
                        &l2_offset);
    if (ret < 0) {
        return ret;
    }
    while (bytes) {
        uint32_t idx = (offset >> s->cluster_bits) & (s->l2_size - 1);
        uint64_t in_cluster = offset & (s->cluster_size - 1);
        ret = qcow2_l2_load(bs, l2_offset, &table);
        if (ret < 0) {
            return ret;
        }
        uint64_t e = table[idx];
        bool in_place = entry_writable_in_place(s, e);
        /* A run of clusters handled alike (contiguous on disk if in place). */
        uint32_t k = 1;
        while (k * (uint64_t)s->cluster_size - in_cluster < bytes &&
               idx + k < s->l2_size) {
            uint64_t next = table[idx + k];
            if (in_place != entry_writable_in_place(s, next) ||
                (in_place && (next & L2E_OFFSET_MASK) !=
                 (e & L2E_OFFSET_MASK) + k * (uint64_t)s->cluster_size)) {
                break;
            }
            k++;
        }
        uint64_t n = MIN(bytes, k * (uint64_t)s->cluster_size - in_cluster);
        if (in_place) {
            int64_t host = host_cluster(bs, e);
            if (host < 0) {
                return host;
            }
            if (qcow2_overlaps_metadata(bs, host, k * (uint64_t)s->cluster_size)) {
                qcow2_signal_corruption(bs, "Preventing invalid write on "
                                        "metadata (cluster %#" PRIx64 ")",
                                        (uint64_t)host);
                return -EIO;
            }
            ret = bdrv_pwrite(bs->file, host + in_cluster, n, buf);
            if (ret < 0) {
                return ret;
            }
        } else {
            uint64_t run = k * (uint64_t)s->cluster_size;
            uint64_t guest_start = offset - in_cluster;
            const uint8_t *data = buf;
            g_autofree uint8_t *bounce = NULL;
            if (in_cluster || n < run) {
                /* Partial clusters keep their old contents around the write. */
                bounce = g_malloc(run);
                if (in_cluster) {
                    ret = qcow2_pread_impl(bs, guest_start, s->cluster_size,
                                           bounce);
                    if (ret < 0) {
                        return ret;
                    }
                }
                uint64_t last = run - s->cluster_size;
                if (in_cluster + n < run && (k > 1 || !in_cluster)) {
                    ret = qcow2_pread_impl(bs, guest_start + last,
                                           s->cluster_size, bounce + last);
                    if (ret < 0) {
                        return ret;
                    }
                }
                memcpy(bounce + in_cluster, buf, n);
                data = bounce;
            }
            int64_t fresh = qcow2_alloc_clusters(bs, run);
            if (fresh < 0) {
                return fresh;
            }
            ret = bdrv_pwrite(bs->file, fresh, run, data);
            if (ret < 0) {
                qcow2_free_clusters(bs, fresh, run);
                return ret;
            }
            ret = qcow2_l2_load(bs, l2_offset, &table);
            if (ret < 0) {
                return ret;
            }
            g_autofree uint64_t *old = g_new(uint64_t, k);
            for (uint32_t i = 0; i < k; i++) {
                old[i] = table[idx + i];
                table[idx + i] = (fresh + i * (uint64_t)s->cluster_size) |
                                 QCOW_OFLAG_COPIED;
            }
            ret = l2_write_entries(bs, l2_offset, table, idx, k);
            if (ret < 0) {
                return ret;
            }
            for (uint32_t i = 0; i < k; i++) {
                qcow2_free_any_cluster(bs, old[i]);
            }
        }
        buf += n;
        offset += n;
        bytes -= n;
    }
    return 0;
}

int qcow2_pwrite_impl(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                      const void *vbuf)
{
    BDRVQcow2State *s = bs->opaque;
    const uint8_t *buf = vbuf;
    uint64_t span = 1ULL << (s->l2_bits + s->cluster_bits);
    while (bytes) {
        uint64_t n = MIN(bytes, span - (offset & (span - 1)));
        int ret = write_in_l2(bs, offset, n, buf);
        if (ret < 0) {
            return ret;
        }
        buf += n;
        offset += n;
        bytes -= n;
    }
    return 0;
}

/* Zero (v3 zero flag) or discard whole clusters; partial ones are written. */
int qcow2_zero_or_discard(BlockDriverState *bs, uint64_t offset,
                          uint64_t bytes, Qcow2ZeroMode mode)
{
    BDRVQcow2State *s = bs->opaque;
    g_autofree uint8_t *zero = NULL;
    /*
     * The header's backing file counts even when it is not open (a block
     * job's target): unallocated clusters do not read as zeroes there.
     */
    bool backed = bs->backing || bs->backing_file[0];
    while (bytes) {
        uint64_t in_cluster = offset & (s->cluster_size - 1);
        uint64_t cend = MIN(offset - in_cluster + s->cluster_size, s->size);
        uint64_t n = MIN(bytes, cend - offset);
        bool whole = !in_cluster && offset + n == cend;
        uint64_t e;
        int ret = qcow2_get_l2_entry(bs, offset, &e);
        if (ret < 0) {
            return ret;
        }
        Qcow2ClusterType t = qcow2_cluster_type(s, e);
        bool reads_zero = t == QCOW2_CLUSTER_ZERO_PLAIN ||
                          t == QCOW2_CLUSTER_ZERO_ALLOC ||
                          (t == QCOW2_CLUSTER_UNALLOCATED && !backed);
        if (mode == QCOW2_UNMAP ? t == QCOW2_CLUSTER_UNALLOCATED
                                : reads_zero) {
            /* nothing to do */
        } else if (whole && (s->version >= 3 || !backed ||
                             mode == QCOW2_UNMAP)) {
            uint64_t l2_offset, *table;
            ret = ensure_l2(bs, offset >> (s->l2_bits + s->cluster_bits),
                            &l2_offset);
            if (ret == 0) {
                ret = qcow2_l2_load(bs, l2_offset, &table);
            }
            if (ret < 0) {
                return ret;
            }
            uint32_t idx = (offset >> s->cluster_bits) & (s->l2_size - 1);
            uint64_t old = table[idx];
            table[idx] = mode != QCOW2_UNMAP &&
                         (backed ||
                          (s->version >= 3 && mode == QCOW2_ZERO))
                         ? QCOW_OFLAG_ZERO : 0;
            ret = l2_write_entries(bs, l2_offset, table, idx, 1);
            if (ret < 0) {
                return ret;
            }
            qcow2_free_any_cluster(bs, old);
        } else if (mode == QCOW2_ZERO) {
            if (!zero) {
                zero = g_malloc0(s->cluster_size);
            }
            ret = qcow2_pwrite_impl(bs, offset, n, zero);
            if (ret < 0) {
                return ret;
            }
        }
        offset += n;
        bytes -= n;
    }
    return 0;
}

/* One cluster, deflated (raw, 4 KiB window as QEMU); stored plain if larger. */
int qcow2_write_compressed(BlockDriverState *bs, uint64_t offset,
                           uint64_t bytes, const void *buf)
{
    BDRVQcow2State *s = bs->opaque;
    if (offset & (s->cluster_size - 1)) {
        return -EINVAL;
    }
    if (bytes != s->cluster_size) {
        if (offset + bytes != s->size || bytes > s->cluster_size) {
            return -EINVAL;
        }
    }
    g_autofree uint8_t *in = g_malloc0(s->cluster_size);
    memcpy(in, buf, bytes);
    g_autofree uint8_t *out = g_malloc(s->cluster_size);
    z_stream zs = { 0 };
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -12, 9,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
        return -ENOMEM;
    }
    zs.next_in = in;
    zs.avail_in = s->cluster_size;
    zs.next_out = out;
    zs.avail_out = s->cluster_size;
    int zr = deflate(&zs, Z_FINISH);
    uint64_t csize = s->cluster_size - zs.avail_out;
    deflateEnd(&zs);
    if (zr != Z_STREAM_END || csize >= s->cluster_size - BDRV_SECTOR_SIZE) {
        return qcow2_pwrite_impl(bs, offset, bytes, buf);
    }
    int ret = qcow2_mark_dirty(bs);
    uint64_t l2_offset, *table;
    if (ret == 0) {
        ret = ensure_l2(bs, offset >> (s->l2_bits + s->cluster_bits),
                        &l2_offset);
    }
    if (ret < 0) {
        return ret;
    }
    int64_t coff = qcow2_alloc_bytes(bs, csize);
    if (coff < 0) {
        return coff;
    }
    ret = bdrv_pwrite(bs->file, coff, csize, out);
    if (ret < 0) {
        return ret;
    }
    uint64_t nb_csectors = ((coff + csize - 1) >> 9) - (coff >> 9);
    ret = qcow2_l2_load(bs, l2_offset, &table);
    if (ret < 0) {
        return ret;
    }
    uint32_t idx = (offset >> s->cluster_bits) & (s->l2_size - 1);
    uint64_t old = table[idx];
    table[idx] = QCOW_OFLAG_COMPRESSED | (nb_csectors << s->csize_shift) |
                 (uint64_t)coff;
    ret = l2_write_entries(bs, l2_offset, table, idx, 1);
    if (ret < 0) {
        return ret;
    }
    qcow2_free_any_cluster(bs, old);
    return 0;
}

int qcow2_grow_l1_table(BlockDriverState *bs, uint32_t min_size)
{
    BDRVQcow2State *s = bs->opaque;
    if (min_size <= s->l1_size) {
        return 0;
    }
    uint64_t bytes = min_size * 8ULL;
    int64_t fresh = qcow2_alloc_clusters(bs, qcow2_align(s, bytes));
    if (fresh < 0) {
        return fresh;
    }
    g_autofree uint8_t *buf = g_malloc0(qcow2_align(s, bytes));
    for (uint32_t i = 0; i < s->l1_size; i++) {
        qcow2_st64(buf + i * 8, s->l1_table[i]);
    }
    int ret = bdrv_pwrite(bs->file, fresh, qcow2_align(s, bytes), buf);
    if (ret == 0) {
        ret = bdrv_flush(bs->file);
    }
    if (ret < 0) {
        qcow2_free_clusters(bs, fresh, qcow2_align(s, bytes));
        return ret;
    }
    uint8_t h[12];
    qcow2_st32(h, min_size);
    qcow2_st64(h + 4, fresh);
    ret = qcow2_write_header_field(bs, QCOW2_HDR_L1_SIZE, h, sizeof(h));
    if (ret < 0) {
        return ret;
    }
    uint64_t old_off = s->l1_table_offset;
    uint64_t old_bytes = s->l1_size * 8ULL;
    s->l1_table = g_renew(uint64_t, s->l1_table, min_size);
    memset(s->l1_table + s->l1_size, 0, (min_size - s->l1_size) * 8ULL);
    s->l1_size = min_size;
    s->l1_table_offset = fresh;
    if (old_bytes) {
        qcow2_free_clusters(bs, old_off, qcow2_align(s, old_bytes));
    }
    return 0;
}

int qcow2_preallocate(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                      bool data_first, GArray *runs)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t end = offset + bytes;
    int64_t area = 0;               /* data_first: the next free cluster */
    uint64_t area_left = 0;
    offset -= offset & (s->cluster_size - 1);
    if (data_first && offset < end) {
        area_left = DIV_ROUND_UP(end - offset, s->cluster_size);
        area = qcow2_alloc_clusters(bs, area_left << s->cluster_bits);
        if (area < 0) {
            return area;
        }
        uint64_t run[2] = { area, area_left << s->cluster_bits };
        g_array_append_vals(runs, run, 2);
    }
    int ret = 0;
    while (offset < end && ret == 0) {
        uint64_t l2_offset, *table;
        ret = ensure_l2(bs, offset >> (s->l2_bits + s->cluster_bits),
                        &l2_offset);
        uint32_t idx = (offset >> s->cluster_bits) & (s->l2_size - 1);
        uint32_t k = MIN(s->l2_size - idx,
                         DIV_ROUND_UP(end - offset, s->cluster_size));
        for (uint32_t i = 0; i < k && ret == 0;) {
            ret = qcow2_l2_load(bs, l2_offset, &table);
            uint32_t n = 0;
            while (ret == 0 && i + n < k &&
                   qcow2_cluster_type(s, table[idx + i + n]) ==
                   QCOW2_CLUSTER_UNALLOCATED) {
                n++;
            }
            if (ret < 0 || !n) {
                i++;
                continue;
            }
            uint64_t len = (uint64_t)n << s->cluster_bits;
            int64_t host = area;
            if (!data_first) {
                host = qcow2_alloc_clusters(bs, len);
                uint64_t run[2] = { host, len };
                g_array_append_vals(runs, run, 2);
            }
            ret = host < 0 ? host : qcow2_l2_load(bs, l2_offset, &table);
            if (ret < 0) {
                break;
            }
            area += len;
            area_left -= data_first ? n : 0;
            for (uint32_t j = 0; j < n; j++) {
                table[idx + i + j] = (host + ((uint64_t)j << s->cluster_bits)) |
                                     QCOW_OFLAG_COPIED;
            }
            ret = l2_write_entries(bs, l2_offset, table, idx + i, n);
            i += n;
        }
        offset += (uint64_t)k << s->cluster_bits;
    }
    if (data_first && area_left) {
        /* Clusters that were allocated already did not need theirs. */
        qcow2_free_clusters(bs, area, area_left << s->cluster_bits);
    }
    return ret;
}

int qcow2_block_status(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                       uint64_t *pnum, uint64_t *map)
{
    BDRVQcow2State *s = bs->opaque;
    int status = -1;
    uint64_t done = 0, first_host = 0;
    while (done < bytes) {
        uint64_t off = offset + done;
        uint64_t n = MIN(bytes - done,
                         s->cluster_size - (off & (s->cluster_size - 1)));
        uint64_t e;
        int ret = qcow2_get_l2_entry(bs, off, &e);
        if (ret < 0) {
            return ret;
        }
        int st;
        uint64_t host = 0;
        switch (qcow2_cluster_type(s, e)) {
        case QCOW2_CLUSTER_UNALLOCATED:
            st = 0;
            break;
        case QCOW2_CLUSTER_ZERO_PLAIN:
        case QCOW2_CLUSTER_ZERO_ALLOC:
            st = BDRV_BLOCK_ZERO | BDRV_BLOCK_ALLOCATED;
            break;
        case QCOW2_CLUSTER_COMPRESSED:
            st = BDRV_BLOCK_DATA | BDRV_BLOCK_ALLOCATED | BDRV_BLOCK_COMPRESSED;
            break;
        default:
            host = (e & L2E_OFFSET_MASK) + (off & (s->cluster_size - 1));
            st = BDRV_BLOCK_DATA | BDRV_BLOCK_ALLOCATED |
                 BDRV_BLOCK_OFFSET_VALID;
            break;
        }
        if (status < 0) {
            status = st;
            first_host = host;
        } else if (st != status || ((st & BDRV_BLOCK_OFFSET_VALID) &&
                                    host != first_host + done)) {
            break;
        }
        done += n;
    }
    *pnum = done;
    *map = first_host;
    return status;
}
