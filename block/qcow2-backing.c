/*
 * qcow2: point an image at another backing file (kemu-img rebase), as
 * QEMU's qcow2_change_backing_file: the first cluster is rebuilt with the
 * header, the backing format extension (when given), the other header
 * extensions as they were, the end marker and the new name.
 */
#include "qemu/osdep.h"
#include "qcow2.h"

int qcow2_change_backing_file(BlockDriverState *bs, const char *file,
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
    memcpy(hdr, old, s->header_length);
    size_t off = s->header_length;
    if (fmt && fmt[0] && file) {
        size_t n = strlen(fmt);
        qcow2_st32(hdr + off, QCOW2_EXT_BACKING_FORMAT);
        qcow2_st32(hdr + off + 4, n);
        memcpy(hdr + off + 8, fmt, n);
        off += 8 + QEMU_ALIGN_UP(n, 8);
    }
    for (uint64_t p = s->header_length; p + 8 <= ext_end;) {
        uint32_t type = qcow2_be32(old + p);
        uint32_t len = qcow2_be32(old + p + 4);
        size_t n = 8 + QEMU_ALIGN_UP(len, 8);
        if (type == QCOW2_EXT_END || len > ext_end - p - 8) {
            break;
        }
        if (type != QCOW2_EXT_BACKING_FORMAT) {
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
    g_strlcpy(bs->backing_file, file ? file : "", sizeof(bs->backing_file));
    g_strlcpy(bs->backing_format, file && fmt ? fmt : "",
              sizeof(bs->backing_format));
    return 0;
}
