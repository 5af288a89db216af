/*
 * qcow2: rewrite the first cluster, as QEMU's qcow2_update_header, for a
 * new backing file (kemu-img rebase) or a new version, feature bits or
 * refcount order (kemu-img amend): the header from the in-memory state,
 * the backing format extension (when there is one), the feature name
 * table (v3), the other extensions as they were, the end marker and the
 * backing file name.
 */
#include "qemu/osdep.h"
#include "qcow2.h"

static int qcow2_write_first_cluster(BlockDriverState *bs, const char *file,
                                     const char *fmt, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    size_t cs = s->cluster_size, name_len = file ? strlen(file) : 0;
    g_autofree uint8_t *old = g_malloc0(cs);
    g_autofree uint8_t *hdr = g_malloc0(cs);
    int ret = bdrv_pread(bs->file, 0, cs, old);

    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not read qcow2 header");
        return ret;
    }
    if (name_len > 1023) {
        error_setg(errp, "Backing file name too long");
        return -EINVAL;
    }
    uint64_t ext_end = cs, old_off = qcow2_be64(old + 8);
    if (old_off > s->header_length && old_off < ext_end) {
        ext_end = old_off;
    }
    /* v3 headers grow to QEMU's 112 bytes (with the compression type). */
    uint32_t hlen = s->version < 3 ? QCOW2_V2_HEADER_SIZE
                    : MAX(s->header_length, QCOW2_V3_HEADER_SIZE + 8);
    memcpy(hdr, old, QCOW2_V2_HEADER_SIZE);
    qcow2_st64(hdr + QCOW2_HDR_REFTABLE_OFFSET, s->refcount_table_offset);
    qcow2_st32(hdr + QCOW2_HDR_REFTABLE_OFFSET + 8,
               s->refcount_table_clusters);
    if (s->version >= 3) {
        memcpy(hdr + QCOW2_V2_HEADER_SIZE, old + QCOW2_V2_HEADER_SIZE,
               s->header_length - QCOW2_V2_HEADER_SIZE);
        qcow2_st64(hdr + 72, s->incompatible_features);
        qcow2_st64(hdr + 80, s->compatible_features);
        qcow2_st64(hdr + 88, s->autoclear_features);
        qcow2_st32(hdr + 96, s->refcount_order);
        qcow2_st32(hdr + 100, hlen);
    }
    qcow2_st32(hdr + 4, s->version);
    size_t off = hlen;
    if (fmt && fmt[0] && file) {
        off += qcow2_put_ext(hdr + off, QCOW2_EXT_BACKING_FORMAT, fmt,
                             strlen(fmt));
    }
    if (s->version >= 3) {
        off += qcow2_put_feature_table(hdr + off);
    }
    if (s->version >= 3 && s->ext_nb_bitmaps) {
        uint8_t ext[24] = { 0 };
        qcow2_st32(ext, s->ext_nb_bitmaps);
        qcow2_st64(ext + 8, s->bitmap_dir_size);
        qcow2_st64(ext + 16, s->bitmap_dir_offset);
        off += qcow2_put_ext(hdr + off, QCOW2_EXT_BITMAPS, ext, sizeof(ext));
    }
    for (uint64_t p = s->header_length; p + 8 <= ext_end;) {
        uint32_t type = qcow2_be32(old + p);
        uint32_t len = qcow2_be32(old + p + 4);
        size_t n = 8 + QEMU_ALIGN_UP(len, 8);
        if (type == QCOW2_EXT_END || len > ext_end - p - 8) {
            break;
        }
        if (type != QCOW2_EXT_BACKING_FORMAT &&
            type != QCOW2_EXT_FEATURE_TABLE && type != QCOW2_EXT_BITMAPS) {
            if (off + n + 8 > cs) {
                error_setg(errp, "Header extensions too large");
                return -ENOSPC;
            }
            memcpy(hdr + off, old + p, n);
            off += n;
        }
        p += n;
    }
    off += 8;                           /* end of extensions (zeroes) */
    if (off + name_len > cs) {
        error_setg(errp, "Backing file name too long");
        return -ENOSPC;
    }
    qcow2_st64(hdr + 8, name_len ? off : 0);
    qcow2_st32(hdr + 16, name_len);
    memcpy(hdr + off, file ? file : "", name_len);
    ret = bdrv_pwrite(bs->file, 0, cs, hdr);
    if (ret == 0) {
        ret = bdrv_flush(bs->file);
    }
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not write qcow2 header");
        return ret;
    }
    s->header_length = hlen;
    return 0;
}

int qcow2_change_backing_file(BlockDriverState *bs, const char *file,
                              const char *fmt, Error **errp)
{
    int ret = qcow2_write_first_cluster(bs, file, fmt, errp);
    if (ret == 0) {
        g_strlcpy(bs->backing_file, file ? file : "",
                  sizeof(bs->backing_file));
        g_strlcpy(bs->backing_format, file && fmt ? fmt : "",
                  sizeof(bs->backing_format));
    }
    return ret;
}

int qcow2_update_header(BlockDriverState *bs, Error **errp)
{
    return qcow2_write_first_cluster(bs, bs->backing_file[0] ?
                                     bs->backing_file : NULL,
                                     bs->backing_format, errp);
}
