/*
 * qcow2 format driver: header parsing and validation, open/close,
 * image creation, and the driver table.  Mapping lives in
 * qcow2-cluster.c, refcounts and check in qcow2-refcount.c, internal
 * snapshots in qcow2-snapshot.c.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qcow2.h"

static int qcow2_probe(const uint8_t *buf, int buf_size, const char *name)
{
    if (buf_size >= 8 && qcow2_be32(buf) == QCOW_MAGIC &&
        qcow2_be32(buf + 4) >= 2) {
        return 100;
    }
    return 0;
}

int qcow2_write_header_field(BlockDriverState *bs, uint64_t off,
                             const void *buf, size_t len)
{
    return bdrv_pwrite(bs->file, off, len, buf);
}

static int qcow2_write_incompat(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t b[8];
    if (s->version < 3) {
        return 0;
    }
    qcow2_st64(b, s->incompatible_features);
    int ret = qcow2_write_header_field(bs, QCOW2_HDR_INCOMPAT, b, 8);
    if (ret == 0) {
        ret = bdrv_flush(bs->file);
    }
    return ret;
}

/*
 * With lazy refcounts the dirty bit says refcounts may be stale; we still
 * keep them exact, but set the bit as QEMU does so readers know.
 */
int qcow2_mark_dirty(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    if (s->dirty_marked || s->version < 3 ||
        !(s->compatible_features & QCOW2_COMPAT_LAZY_REFCOUNTS)) {
        return 0;
    }
    s->incompatible_features |= QCOW2_INCOMPAT_DIRTY;
    s->dirty_marked = true;
    return qcow2_write_incompat(bs);
}

void qcow2_signal_corruption(BlockDriverState *bs, const char *fmt, ...)
{
    BDRVQcow2State *s = bs->opaque;
    va_list ap;
    g_autofree char *msg = NULL;
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (bs->read_only || s->version < 3) {
        error_report("qcow2: Image is corrupt: %s", msg);
        return;
    }
    if (!s->corrupt_marked) {
        error_report("qcow2: Marking image as corrupt: %s; further corruption "
                     "events will be suppressed", msg);
        s->corrupt_marked = true;
        s->incompatible_features |= QCOW2_INCOMPAT_CORRUPT;
        qcow2_write_incompat(bs);
    }
    /* No more writes: metadata cannot be trusted. */
    bs->read_only = true;
}

static int qcow2_read_extensions(BlockDriverState *bs, const uint8_t *hdr,
                                 uint64_t start, uint64_t end, Error **errp)
{
    uint64_t off = start;
    while (off + 8 <= end) {
        uint32_t type = qcow2_be32(hdr + off);
        uint32_t len = qcow2_be32(hdr + off + 4);
        off += 8;
        if (type == QCOW2_EXT_END) {
            return 0;
        }
        if (len > end - off) {
            error_setg(errp, "Header extension too large");
            return -EINVAL;
        }
        switch (type) {
        case QCOW2_EXT_BACKING_FORMAT:
            if (len >= sizeof(bs->backing_format)) {
                error_setg(errp, "ERROR: ext_backing_format: len=%u too large "
                           "(>=%zu)", len, sizeof(bs->backing_format));
                return -EINVAL;
            }
            memcpy(bs->backing_format, hdr + off, len);
            bs->backing_format[len] = 0;
            break;
        case QCOW2_EXT_BITMAPS:
            qcow2_read_bitmap_ext(bs, hdr + off, len);
            break;
        case QCOW2_EXT_CRYPTO:
            error_setg(errp, "Unsupported encryption method");
            return -ENOTSUP;
        default:
            break;   /* feature table, unknown: ignored */
        }
        off += QEMU_ALIGN_UP(len, 8);
    }
    return 0;
}

static void qcow2_report_unsupported(const uint8_t *hdr, uint64_t ext_start,
                                     uint64_t ext_end, uint64_t mask,
                                     Error **errp)
{
    GString *str = g_string_new(NULL);
    uint64_t off = ext_start;
    /* Name known bits from the image's own feature table, as QEMU does. */
    while (off + 8 <= ext_end) {
        uint32_t type = qcow2_be32(hdr + off);
        uint32_t len = qcow2_be32(hdr + off + 4);
        off += 8;
        if (type == QCOW2_EXT_END || len > ext_end - off) {
            break;
        }
        if (type == QCOW2_EXT_FEATURE_TABLE) {
            for (uint32_t i = 0; i + 48 <= len; i += 48) {
                const uint8_t *f = hdr + off + i;
                if (f[0] == 0 && f[1] < 64 && (mask & (1ULL << f[1]))) {
                    g_string_append_printf(str, "%s%.46s",
                                           str->len ? ", " : "",
                                           (const char *)f + 2);
                    mask &= ~(1ULL << f[1]);
                }
            }
        }
        off += QEMU_ALIGN_UP(len, 8);
    }
    if (mask) {
        g_string_append_printf(str, "%sUnknown incompatible feature: %" PRIx64,
                               str->len ? ", " : "", mask);
    }
    error_setg(errp, "Unsupported qcow2 feature(s): %s", str->str);
    g_string_free(str, true);
}

/* Offsets and sizes from the header must stay inside sane bounds. */
static int qcow2_check_table(BDRVQcow2State *s, uint64_t offset,
                             uint64_t entries, size_t entry_len,
                             uint64_t max_bytes, int64_t file_len,
                             const char *what, Error **errp)
{
    if (entries > max_bytes / entry_len) {
        error_setg(errp, "%s too large", what);
        return -EFBIG;
    }
    if (!qcow2_aligned(s, offset)) {
        error_setg(errp, "%s offset invalid", what);
        return -EINVAL;
    }
    uint64_t len = entries * entry_len;
    if (entries && (offset > (uint64_t)file_len ||
                    len > (uint64_t)file_len - offset)) {
        error_setg(errp, "%s is beyond the end of the image file", what);
        return -EINVAL;
    }
    return 0;
}

static int qcow2_open(BlockDriverState *bs, GHashTable *opts, int flags,
                      Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t *hdr = NULL;
    int ret;
    int64_t file_len = bdrv_getlength(bs->file);
    uint8_t h[QCOW2_V3_HEADER_SIZE] = { 0 };

    if (file_len < 0) {
        error_setg_errno(errp, -file_len, "Could not get the image size");
        return file_len;
    }
    ret = bdrv_pread(bs->file, 0, sizeof(h), h);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not read qcow2 header");
        return ret;
    }
    if (qcow2_be32(h) != QCOW_MAGIC) {
        error_setg(errp, "Image is not in qcow2 format");
        return -EINVAL;
    }
    s->version = qcow2_be32(h + 4);
    if (s->version < 2 || s->version > 3) {
        error_setg(errp, "Unsupported qcow2 version %d", s->version);
        return -ENOTSUP;
    }
    s->cluster_bits = qcow2_be32(h + 20);
    if (s->cluster_bits < QCOW2_MIN_CLUSTER_BITS ||
        s->cluster_bits > QCOW2_MAX_CLUSTER_BITS) {
        error_setg(errp, "Unsupported cluster size: 2^%u", s->cluster_bits);
        return -EINVAL;
    }
    s->cluster_size = 1u << s->cluster_bits;
    s->l2_bits = s->cluster_bits - 3;
    s->l2_size = 1u << s->l2_bits;
    s->size = qcow2_be64(h + 24);
    if (qcow2_be32(h + 32)) {
        error_setg(errp, "Unsupported encryption method");
        return -ENOTSUP;
    }
    s->l1_size = qcow2_be32(h + 36);
    s->l1_table_offset = qcow2_be64(h + 40);
    s->refcount_table_offset = qcow2_be64(h + 48);
    s->refcount_table_clusters = qcow2_be32(h + 56);
    s->nb_snapshots = qcow2_be32(h + 60);
    s->snapshots_offset = qcow2_be64(h + 64);
    if (s->version == 2) {
        s->refcount_order = 4;
        s->header_length = QCOW2_V2_HEADER_SIZE;
    } else {
        s->incompatible_features = qcow2_be64(h + 72);
        s->compatible_features = qcow2_be64(h + 80);
        s->autoclear_features = qcow2_be64(h + 88);
        s->refcount_order = qcow2_be32(h + 96);
        s->header_length = qcow2_be32(h + 100);
        if (s->header_length < QCOW2_V3_HEADER_SIZE) {
            error_setg(errp, "qcow2 header too short");
            return -EINVAL;
        }
    }
    if (s->header_length > s->cluster_size) {
        error_setg(errp, "qcow2 header exceeds cluster size");
        return -EINVAL;
    }

    /* The whole first cluster: header, extensions, backing file name. */
    hdr = g_malloc0(s->cluster_size);
    ret = bdrv_pread(bs->file, 0, s->cluster_size, hdr);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not read qcow2 header");
        goto fail;
    }
    uint64_t backing_off = qcow2_be64(hdr + 8);
    uint32_t backing_len = qcow2_be32(hdr + 16);
    uint64_t ext_end = s->cluster_size;
    if (backing_off && backing_off > s->header_length &&
        backing_off < ext_end) {
        ext_end = backing_off;
    }
    if (s->version >= 3 && s->header_length > QCOW2_V3_HEADER_SIZE) {
        s->compression_type = hdr[104];
    }
    uint64_t unknown = s->incompatible_features & ~QCOW2_INCOMPAT_SUPPORTED;
    if (unknown) {
        qcow2_report_unsupported(hdr, s->header_length, ext_end, unknown,
                                 errp);
        ret = -ENOTSUP;
        goto fail;
    }
    if ((s->incompatible_features & QCOW2_INCOMPAT_COMPRESSION) &&
        s->compression_type != 0) {
        error_setg(errp, "qcow2: unknown compression type: %u",
                   s->compression_type);
        ret = -ENOTSUP;
        goto fail;
    }
    if ((s->incompatible_features & QCOW2_INCOMPAT_CORRUPT) &&
        (flags & BDRV_O_RDWR) && !(flags & BDRV_O_CHECK)) {
        error_setg(errp, "qcow2: Image is corrupt; cannot be opened "
                   "read/write");
        ret = -EACCES;
        goto fail;
    }
    if (s->refcount_order > 6) {
        error_setg(errp, "Reference count entry width too large; may not "
                   "exceed 64 bits");
        ret = -EINVAL;
        goto fail;
    }
    s->refcount_bits = 1u << s->refcount_order;
    s->refcount_max = s->refcount_bits == 64 ? UINT64_MAX
                      : (1ULL << s->refcount_bits) - 1;
    s->refcount_block_bits = s->cluster_bits + 3 - s->refcount_order;

    ret = qcow2_read_extensions(bs, hdr, s->header_length, ext_end, errp);
    if (ret < 0) {
        goto fail;
    }
    if (backing_off) {
        if (backing_len > 1023 || backing_off > s->cluster_size ||
            backing_len > s->cluster_size - backing_off) {
            error_setg(errp, "Backing file name too long");
            ret = -EINVAL;
            goto fail;
        }
        memcpy(bs->backing_file, hdr + backing_off, backing_len);
        bs->backing_file[backing_len] = 0;
    }

    /* Size limits: the L1 table must map the whole disk. */
    uint64_t l2_cover = (uint64_t)s->cluster_size << s->l2_bits;
    if (s->size > (1ULL << 62) || s->size > (uint64_t)QCOW_MAX_L1_SIZE / 8 *
        l2_cover) {
        error_setg(errp, "Image is too big");
        ret = -EFBIG;
        goto fail;
    }
    if (s->l1_size < DIV_ROUND_UP(s->size, l2_cover)) {
        error_setg(errp, "L1 table is too small");
        ret = -EINVAL;
        goto fail;
    }
    ret = qcow2_check_table(s, s->l1_table_offset, s->l1_size, 8,
                            QCOW_MAX_L1_SIZE, file_len, "Active L1 table",
                            errp);
    if (ret < 0) {
        goto fail;
    }
    ret = qcow2_check_table(s, s->refcount_table_offset,
                            (uint64_t)s->refcount_table_clusters <<
                            s->cluster_bits, 1, QCOW_MAX_REFTABLE_SIZE,
                            file_len, "Reference count table", errp);
    if (ret < 0) {
        goto fail;
    }
    if (s->refcount_table_clusters == 0) {
        error_setg(errp, "Image does not contain a reference count table");
        ret = -EINVAL;
        goto fail;
    }
    if (s->nb_snapshots > QCOW_MAX_SNAPSHOTS) {
        error_setg(errp, "Too many snapshots");
        ret = -EFBIG;
        goto fail;
    }
    if (s->nb_snapshots && !qcow2_aligned(s, s->snapshots_offset)) {
        error_setg(errp, "Snapshot table offset invalid");
        ret = -EINVAL;
        goto fail;
    }

    s->csize_shift = 62 - (s->cluster_bits - 8);
    s->csize_mask = (1ULL << (s->cluster_bits - 8)) - 1;
    s->cluster_offset_mask = (1ULL << s->csize_shift) - 1;

    s->l1_table = g_new0(uint64_t, MAX(s->l1_size, 1));
    if (s->l1_size) {
        ret = bdrv_pread(bs->file, s->l1_table_offset, s->l1_size * 8ULL,
                         s->l1_table);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Could not read L1 table");
            goto fail;
        }
        for (uint32_t i = 0; i < s->l1_size; i++) {
            s->l1_table[i] = qcow2_be64((uint8_t *)&s->l1_table[i]);
        }
    }
    ret = qcow2_refcount_init(bs, errp);
    if (ret < 0) {
        goto fail;
    }
    ret = qcow2_read_snapshots(bs, errp);
    if (ret < 0) {
        goto fail;
    }
    ret = qcow2_read_bitmap_dir(bs, errp);
    if (ret < 0) {
        goto fail;
    }
    g_free(hdr);
    hdr = NULL;

    /* A dirty image may have stale refcounts: rebuild them (QEMU's replay). */
    if ((s->incompatible_features & QCOW2_INCOMPAT_DIRTY) &&
        (flags & BDRV_O_RDWR) && !(flags & BDRV_O_CHECK)) {
        BdrvCheckResult res = { 0 };
        ret = qcow2_check(bs, &res, BDRV_FIX_LEAKS | BDRV_FIX_ERRORS);
        if (ret < 0 || res.corruptions > res.corruptions_fixed) {
            error_setg(errp, "Could not repair dirty image");
            ret = ret < 0 ? ret : -EIO;
            goto fail;
        }
        s->incompatible_features &= ~QCOW2_INCOMPAT_DIRTY;
        ret = qcow2_write_incompat(bs);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Could not update qcow2 header");
            goto fail;
        }
    }
    /* Bits of autoclear features we do not maintain must be cleared. */
    uint64_t keep = s->nb_bitmaps ? QCOW2_AUTOCLEAR_BITMAPS : 0;
    if ((flags & BDRV_O_RDWR) && s->version >= 3 &&
        s->autoclear_features != keep) {
        uint8_t b[8];
        s->autoclear_features = keep;
        qcow2_st64(b, keep);
        qcow2_write_header_field(bs, 88, b, 8);
    }
    if (!(flags & (BDRV_O_NO_IO | BDRV_O_CHECK))) {
        qcow2_load_dirty_bitmaps(bs);
    }
    return 0;

fail:
    g_free(hdr);
    qcow2_free_snapshots(bs);
    qcow2_bitmaps_free(s);
    qcow2_cache_invalidate(bs);
    g_free(s->l1_table);
    g_free(s->refcount_table);
    s->l1_table = NULL;
    s->refcount_table = NULL;
    return ret;
}

static int qcow2_flush(BlockDriverState *bs)
{
    /* Metadata is written through; only the file needs syncing. */
    return 0;
}

static void qcow2_close(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    if (!bs->read_only) {
        qcow2_store_dirty_bitmaps(bs);
    }
    if (!bs->read_only && s->dirty_marked) {
        bdrv_flush(bs->file);
        s->incompatible_features &= ~QCOW2_INCOMPAT_DIRTY;
        qcow2_write_incompat(bs);
    }
    if (!bs->read_only) {
        bdrv_flush(bs->file);
    }
    qcow2_cache_invalidate(bs);
    qcow2_free_snapshots(bs);
    qcow2_bitmaps_free(s);
    g_free(s->l1_table);
    g_free(s->refcount_table);
}

static int64_t qcow2_get_length(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    /* QEMU counts whole sectors: a header size of 1000 reads as 512. */
    return s->size & ~(uint64_t)(BDRV_SECTOR_SIZE - 1);
}

static uint32_t qcow2_get_cluster_size(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    return s->cluster_size;
}

static int qcow2_pread(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                       void *buf)
{
    return qcow2_pread_impl(bs, offset, bytes, buf);
}

static int qcow2_pwrite(BlockDriverState *bs, uint64_t offset,
                        uint64_t bytes, const void *buf)
{
    int ret = qcow2_mark_dirty(bs);
    return ret < 0 ? ret : qcow2_pwrite_impl(bs, offset, bytes, buf);
}

static int qcow2_pwrite_zeroes(BlockDriverState *bs, uint64_t offset,
                               uint64_t bytes)
{
    int ret = qcow2_mark_dirty(bs);
    return ret < 0 ? ret : qcow2_zero_or_discard(bs, offset, bytes,
                                                 QCOW2_ZERO);
}

static int qcow2_pdiscard(BlockDriverState *bs, uint64_t offset,
                          uint64_t bytes)
{
    int ret = qcow2_mark_dirty(bs);
    return ret < 0 ? ret : qcow2_zero_or_discard(bs, offset, bytes,
                                                 QCOW2_DISCARD);
}

static int qcow2_make_empty(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    int ret = qcow2_mark_dirty(bs);
    return ret < 0 ? ret : qcow2_zero_or_discard(bs, 0, s->size, QCOW2_UNMAP);
}

/*
 * Shrinking, as QEMU: the clusters past the new end are freed, then the
 * L2 tables no longer needed, then the file loses its unused tail.
 */
static int qcow2_shrink(BlockDriverState *bs, uint64_t size, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t start = qcow2_align(s, size);
    int ret = start < s->size
              ? qcow2_zero_or_discard(bs, start, s->size - start, QCOW2_UNMAP)
              : 0;
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Failed to discard cropped clusters");
        return ret;
    }
    uint64_t l2_cover = (uint64_t)s->cluster_size << s->l2_bits;
    static const uint8_t zero[8];
    for (uint64_t i = DIV_ROUND_UP(size, l2_cover); i < s->l1_size; i++) {
        uint64_t l2 = s->l1_table[i] & L1E_OFFSET_MASK;
        if (!l2) {
            continue;
        }
        ret = bdrv_pwrite(bs->file, s->l1_table_offset + i * 8, 8, zero);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Failed to reduce the number of L2 "
                             "tables");
            return ret;
        }
        s->l1_table[i] = 0;
        qcow2_free_clusters(bs, l2, s->cluster_size);
    }
    qcow2_cache_invalidate(bs);
    /* The last cluster still in use ends the file. */
    int64_t flen = bdrv_getlength(bs->file);
    uint64_t last = DIV_ROUND_UP(MAX(flen, 0), s->cluster_size);
    while (last > 1) {
        uint64_t rc;
        if (qcow2_get_refcount(bs, last - 1, &rc) < 0 || rc) {
            break;
        }
        last--;
    }
    if ((last << s->cluster_bits) < (uint64_t)flen) {
        Error *local = NULL;
        if (bdrv_truncate(bs->file, last << s->cluster_bits, &local) < 0) {
            warn_report("Failed to truncate the tail of the image: %s",
                        error_get_pretty(local));
            error_free(local);
        }
    }
    return 0;
}

static int qcow2_truncate(BlockDriverState *bs, uint64_t size, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t b[8];
    if (size % BDRV_SECTOR_SIZE) {
        error_setg(errp, "The new size must be a multiple of 512");
        return -EINVAL;
    }
    if (s->nb_snapshots && s->version < 3) {
        error_setg(errp, "Can't resize a v2 image which has snapshots");
        return -ENOTSUP;
    }
    uint64_t l2_cover = (uint64_t)s->cluster_size << s->l2_bits;
    if (size > (uint64_t)QCOW_MAX_L1_SIZE / 8 * l2_cover) {
        error_setg(errp, "Image is too big");
        return -EFBIG;
    }
    int ret = size < s->size
              ? qcow2_shrink(bs, size, errp)
              : qcow2_grow_l1_table(bs, DIV_ROUND_UP(size, l2_cover));
    if (ret < 0) {
        if (size >= s->size) {
            error_setg_errno(errp, -ret, "Failed to grow the L1 table");
        }
        return ret;
    }
    qcow2_st64(b, size);
    ret = qcow2_write_header_field(bs, QCOW2_HDR_SIZE, b, 8);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Failed to update the image size");
        return ret;
    }
    s->size = size;
    return 0;
}

static bool qcow2_is_dirty(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    return !!(s->incompatible_features & QCOW2_INCOMPAT_DIRTY);
}

static bool qcow2_supports_persistent_dirty_bitmap(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    return s->version >= 3;
}

/* "Format specific information" of qemu-img info, human and JSON. */
static void qcow2_info_specific(BlockDriverState *bs, GString *human,
                                GString *json, const char *ind)
{
    BDRVQcow2State *s = bs->opaque;
    bool v3 = s->version >= 3;
    const char *compat = v3 ? "1.1" : "0.10";
    bool lazy = s->compatible_features & QCOW2_COMPAT_LAZY_REFCOUNTS;
    bool corrupt = s->incompatible_features & QCOW2_INCOMPAT_CORRUPT;

    g_string_append_printf(human, "    compat: %s\n"
                           "    compression type: zlib\n", compat);
    g_string_append_printf(json, "%s    \"compat\": \"%s\",\n"
                           "%s    \"compression-type\": \"zlib\",\n",
                           ind, compat, ind);
    if (v3) {
        g_string_append_printf(human, "    lazy refcounts: %s\n",
                               lazy ? "true" : "false");
        g_string_append_printf(json, "%s    \"lazy-refcounts\": %s,\n", ind,
                               lazy ? "true" : "false");
    }
    qcow2_bitmaps_info(bs, human, json, ind);
    g_string_append_printf(human, "    refcount bits: %u\n", s->refcount_bits);
    g_string_append_printf(json, "%s    \"refcount-bits\": %u", ind,
                           s->refcount_bits);
    if (v3) {
        g_string_append_printf(human, "    corrupt: %s\n"
                               "    extended l2: false\n",
                               corrupt ? "true" : "false");
        g_string_append_printf(json, ",\n%s    \"corrupt\": %s,\n"
                               "%s    \"extended-l2\": false", ind,
                               corrupt ? "true" : "false", ind);
    }
    g_string_append(json, "\n");
}

/* ---- Creation ---- */

static const struct {
    uint8_t type, bit;
    const char *name;
} qcow2_feature_names[] = {
    { 0, 0, "dirty bit" },
    { 0, 1, "corrupt bit" },
    { 0, 2, "external data file" },
    { 0, 3, "compression type" },
    { 0, 4, "extended L2 entries" },
    { 1, 0, "lazy refcounts" },
    { 2, 0, "bitmaps" },
    { 2, 1, "raw external data" },
};

size_t qcow2_put_ext(uint8_t *p, uint32_t type, const void *data,
                     uint32_t len)
{
    qcow2_st32(p, type);
    qcow2_st32(p + 4, len);
    memcpy(p + 8, data, len);
    return 8 + QEMU_ALIGN_UP(len, 8);
}

size_t qcow2_put_feature_table(uint8_t *p)
{
    uint8_t table[ARRAY_SIZE(qcow2_feature_names) * 48] = { 0 };
    for (size_t i = 0; i < ARRAY_SIZE(qcow2_feature_names); i++) {
        table[i * 48] = qcow2_feature_names[i].type;
        table[i * 48 + 1] = qcow2_feature_names[i].bit;
        strncpy((char *)table + i * 48 + 2, qcow2_feature_names[i].name, 46);
    }
    return qcow2_put_ext(p, QCOW2_EXT_FEATURE_TABLE, table, sizeof(table));
}

/* Writes refcount entry @idx = 1 in a block of @order-bit entries. */
static void qcow2_create_set_ref(uint8_t *block, uint32_t order, uint64_t idx)
{
    uint32_t bits = 1u << order;
    if (bits >= 8) {
        uint8_t *e = block + idx * (bits / 8);
        e[bits / 8 - 1] = 1;
    } else {
        block[idx * bits / 8] |= 1u << ((idx * bits) % 8);
    }
}

/*
 * Tables and clusters through qcow2_preallocate, then the data ranges in
 * the file: covered by it (metadata), allocated (falloc) or written (full).
 */
static int qcow2_do_preallocate(BlockDriverState *bs, uint64_t offset,
                                uint64_t bytes, BlockPreallocMode mode,
                                Error **errp)
{
    g_autoptr(GArray) runs = g_array_new(false, false, sizeof(uint64_t));
    int ret = qcow2_preallocate(bs, offset, bytes,
                                mode != PREALLOC_MODE_METADATA, runs);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not preallocate metadata");
        return ret;
    }
    int64_t flen = bdrv_getlength(bs->file);
    uint64_t end = MAX(flen, 0);
    for (guint i = 0; i + 1 < runs->len && ret == 0; i += 2) {
        uint64_t off = g_array_index(runs, uint64_t, i);
        uint64_t len = g_array_index(runs, uint64_t, i + 1);
        end = MAX(end, off + len);
        if (mode != PREALLOC_MODE_METADATA) {
            ret = bdrv_preallocate(bs->file, off, len, mode, errp);
        }
    }
    if (ret == 0 && end > (uint64_t)MAX(flen, 0)) {
        ret = bdrv_truncate(bs->file, end, errp);
    }
    return ret;
}

static int qcow2_create_preallocate(const char *filename,
                                    const BlockCreateOpts *o, Error **errp)
{
    BlockDriverState *bs = bdrv_open(filename, "qcow2", NULL,
                                     BDRV_O_RDWR | BDRV_O_NO_BACKING, errp);
    if (!bs) {
        return -EIO;
    }
    int ret = qcow2_do_preallocate(bs, 0, o->size, o->prealloc, errp);
    bdrv_unref(bs);
    return ret;
}

static int qcow2_create(const char *filename, const BlockCreateOpts *o,
                        Error **errp)
{
    uint32_t cs = o->cluster_size ? o->cluster_size
                                  : 1u << QCOW2_DEFAULT_CLUSTER_BITS;
    int version = o->compat ? o->compat : 3;
    int refbits = o->refcount_bits ? o->refcount_bits : 16;
    int cbits = ctz32(cs);

    if ((cs & (cs - 1)) || cbits < QCOW2_MIN_CLUSTER_BITS ||
        cbits > QCOW2_MAX_CLUSTER_BITS) {
        error_setg(errp, "Cluster size must be a power of two between 512 "
                   "and 2048k");
        return -EINVAL;
    }
    if (refbits & (refbits - 1) || refbits > 64) {
        error_setg(errp, "Refcount width must be a power of two and may not "
                   "exceed 64 bits");
        return -EINVAL;
    }
    if (version == 2 && refbits != 16) {
        error_setg(errp, "Different refcount widths than 16 bits require "
                   "compatibility level 1.1 or above (use version=v3 or "
                   "greater)");
        return -EINVAL;
    }
    if (version == 2 && o->lazy_refcounts) {
        error_setg(errp, "Lazy refcounts only supported with compatibility "
                   "level 1.1 and above (use version=v3 or greater)");
        return -EINVAL;
    }
    if (o->backing_file && o->prealloc != PREALLOC_MODE_OFF) {
        error_setg(errp, "Backing file and preallocation can only be used at "
                   "the same time if extended_l2 is on");
        return -EINVAL;
    }
    if (o->backing_file && strlen(o->backing_file) > 1023) {
        error_setg(errp, "Backing file name too long");
        return -EINVAL;
    }
    uint64_t l2_cover = (uint64_t)cs * (cs / 8);
    uint64_t l1_size = DIV_ROUND_UP(o->size, l2_cover);
    if (l1_size > QCOW_MAX_L1_SIZE / 8) {
        error_setg(errp, "The image size is too large for file format 'qcow2' "
                   "(try using a larger cluster size)");
        return -EFBIG;
    }
    uint64_t l1_clusters = MAX(1, DIV_ROUND_UP(l1_size * 8, cs));
    uint32_t order = ctz32(refbits);
    /* Cluster 0 header, 1 refcount table, 2 refcount block, 3.. L1. */
    uint64_t nclusters = 3 + l1_clusters;
    uint64_t per_block = (uint64_t)cs * 8 / refbits;
    if (nclusters > per_block) {
        error_setg(errp, "Cluster size too small for the L1 table");
        return -EINVAL;
    }

    g_autofree uint8_t *buf = g_malloc0(cs * 3);
    uint8_t *h = buf;
    qcow2_st32(h, QCOW_MAGIC);
    qcow2_st32(h + 4, version);
    qcow2_st32(h + 20, cbits);
    qcow2_st64(h + 24, QEMU_ALIGN_UP(o->size, BDRV_SECTOR_SIZE));
    qcow2_st32(h + 36, l1_size);
    qcow2_st64(h + 40, 3ULL * cs);
    qcow2_st64(h + 48, 1ULL * cs);
    qcow2_st32(h + 56, 1);
    size_t off = QCOW2_V2_HEADER_SIZE;
    if (version >= 3) {
        qcow2_st64(h + 80, o->lazy_refcounts ? QCOW2_COMPAT_LAZY_REFCOUNTS : 0);
        qcow2_st32(h + 96, order);
        qcow2_st32(h + 100, 112);
        off = 112;
    }
    if (o->backing_fmt) {
        off += qcow2_put_ext(h + off, QCOW2_EXT_BACKING_FORMAT, o->backing_fmt,
                             strlen(o->backing_fmt));
    }
    if (version >= 3) {
        off += qcow2_put_feature_table(h + off);
    }
    off += 8;    /* end of extensions */
    if (o->backing_file) {
        size_t n = strlen(o->backing_file);
        if (off + n > cs) {
            error_setg(errp, "Backing file name too long");
            return -EINVAL;
        }
        qcow2_st64(h + 8, off);
        qcow2_st32(h + 16, n);
        memcpy(h + off, o->backing_file, n);
    }
    qcow2_st64(buf + cs, 2ULL * cs);          /* refcount table[0] */
    for (uint64_t i = 0; i < nclusters; i++) {
        qcow2_create_set_ref(buf + 2 * cs, order, i);
    }

    int fd = open(filename, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        int err = errno;
        error_setg_errno(errp, err, "Could not create '%s'", filename);
        return -err;
    }
    /* Like QEMU, the file ends with the L1 table's last entry. */
    uint64_t end = 3ULL * cs + l1_size * 8;
    int ret = 0;
    if (pwrite(fd, buf, 3 * cs, 0) != (ssize_t)(3 * cs) ||
        ftruncate(fd, end) < 0) {
        ret = -errno;
        error_setg_errno(errp, errno, "Could not write qcow2 header");
    }
    close(fd);
    if (ret == 0 && o->prealloc != PREALLOC_MODE_OFF) {
        ret = qcow2_create_preallocate(filename, o, errp);
    }
    return ret;
}

const BlockDriver bdrv_qcow2 = {
    .format_name = "qcow2",
    .instance_size = sizeof(BDRVQcow2State),
    .probe = qcow2_probe,
    .open = qcow2_open,
    .close = qcow2_close,
    .pread = qcow2_pread,
    .pwrite = qcow2_pwrite,
    .pwrite_zeroes = qcow2_pwrite_zeroes,
    .pdiscard = qcow2_pdiscard,
    .pwrite_compressed = qcow2_write_compressed,
    .flush = qcow2_flush,
    .get_length = qcow2_get_length,
    .truncate = qcow2_truncate,
    .preallocate = qcow2_do_preallocate,
    .change_backing_file = qcow2_change_backing_file,
    .amend = qcow2_amend,
    .make_empty = qcow2_make_empty,
    .block_status = qcow2_block_status,
    .check = qcow2_check,
    .create = qcow2_create,
    .cluster_size = qcow2_get_cluster_size,
    .info_specific = qcow2_info_specific,
    .snapshot_create = qcow2_snapshot_create,
    .snapshot_goto = qcow2_snapshot_goto,
    .snapshot_delete = qcow2_snapshot_delete,
    .snapshot_list = qcow2_snapshot_list,
    .snapshot_load_tmp = qcow2_snapshot_load_tmp,
    .is_dirty = qcow2_is_dirty,
    .supports_persistent_dirty_bitmap = qcow2_supports_persistent_dirty_bitmap,
    .can_store_new_dirty_bitmap = qcow2_can_store_new_dirty_bitmap,
    .remove_persistent_dirty_bitmap = qcow2_remove_persistent_dirty_bitmap,
};
