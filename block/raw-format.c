/*
 * Format driver "raw": the guest sees the file's bytes, optionally a
 * window given by the "offset" and "size" options.
 */
#include "qemu/osdep.h"
#include "block-int.h"

typedef struct BDRVRawState {
    uint64_t offset;
    uint64_t size;
    bool has_size;
} BDRVRawState;

static int raw_probe(const uint8_t *buf, int buf_size, const char *filename)
{
    return 1;   /* everything is raw, with the lowest priority */
}

static bool raw_parse_size(const char *str, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(str, &end, 0);
    if (errno || end == str || *end || str[0] == '-') {
        return false;
    }
    *out = v;
    return true;
}

static int raw_open(BlockDriverState *bs, GHashTable *opts, int flags,
                    Error **errp)
{
    BDRVRawState *s = bs->opaque;
    const char *v;
    int64_t len = bdrv_getlength(bs->file);
    if (len < 0) {
        error_setg_errno(errp, -len, "Could not get the image size");
        return len;
    }
    if (opts && (v = g_hash_table_lookup(opts, "offset"))) {
        if (!raw_parse_size(v, &s->offset)) {
            error_setg(errp, "Parameter 'offset' expects a non-negative number");
            return -EINVAL;
        }
    }
    if (opts && (v = g_hash_table_lookup(opts, "size"))) {
        if (!raw_parse_size(v, &s->size)) {
            error_setg(errp, "Parameter 'size' expects a non-negative number");
            return -EINVAL;
        }
        s->has_size = true;
    }
    if (s->offset > (uint64_t)len) {
        error_setg(errp, "The offset has to be smaller than the file size "
                   "(%" PRIu64 ")", (uint64_t)len);
        return -EINVAL;
    }
    if (s->has_size && s->size > (uint64_t)len - s->offset) {
        error_setg(errp, "The sum of offset (%" PRIu64 ") and size (%" PRIu64
                   ") has to be smaller or equal to the  actual size of the "
                   "containing file (%" PRId64 ")", s->offset, s->size, len);
        return -EINVAL;
    }
    return 0;
}

static int raw_pread(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                     void *buf)
{
    BDRVRawState *s = bs->opaque;
    return bdrv_pread(bs->file, s->offset + offset, bytes, buf);
}

static int raw_pwrite(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                      const void *buf)
{
    BDRVRawState *s = bs->opaque;
    return bdrv_pwrite(bs->file, s->offset + offset, bytes, buf);
}

static int raw_preadv(BlockDriverState *bs, uint64_t offset,
                      const struct iovec *iov, int niov)
{
    BDRVRawState *s = bs->opaque;
    return bdrv_preadv(bs->file, s->offset + offset, iov, niov);
}

static int raw_pwritev(BlockDriverState *bs, uint64_t offset,
                       const struct iovec *iov, int niov)
{
    BDRVRawState *s = bs->opaque;
    return bdrv_pwritev(bs->file, s->offset + offset, iov, niov);
}

static int raw_pdiscard(BlockDriverState *bs, uint64_t offset,
                        uint64_t bytes)
{
    BDRVRawState *s = bs->opaque;
    return bdrv_pdiscard(bs->file, s->offset + offset, bytes);
}

static int64_t raw_get_length(BlockDriverState *bs)
{
    BDRVRawState *s = bs->opaque;
    if (s->has_size) {
        return s->size;
    }
    int64_t len = bdrv_getlength(bs->file);
    /* As QEMU: a partial last sector is visible (and reads as zeroes). */
    return len < 0 ? len : QEMU_ALIGN_UP(len - (int64_t)s->offset,
                                         BDRV_SECTOR_SIZE);
}

static int raw_truncate(BlockDriverState *bs, uint64_t size, Error **errp)
{
    BDRVRawState *s = bs->opaque;
    if (s->has_size || s->offset) {
        error_setg(errp, "Cannot resize raw images with offset or size");
        return -ENOTSUP;
    }
    return bs->file->drv->truncate(bs->file, size, errp);
}

static int raw_preallocate(BlockDriverState *bs, uint64_t offset,
                           uint64_t bytes, BlockPreallocMode mode,
                           Error **errp)
{
    BDRVRawState *s = bs->opaque;
    return bdrv_preallocate(bs->file, s->offset + offset, bytes, mode, errp);
}

static int raw_block_status(BlockDriverState *bs, uint64_t offset,
                            uint64_t bytes, uint64_t *pnum, uint64_t *map)
{
    BDRVRawState *s = bs->opaque;
    int st = bdrv_block_status(bs->file, s->offset + offset, bytes, pnum,
                               map);
    /* Bytes past the file's end (sector rounding) read as zeroes. */
    return st < 0 ? st : (st | BDRV_BLOCK_ALLOCATED);
}

static int raw_create(const char *filename, const BlockCreateOpts *o,
                      Error **errp)
{
    return raw_file_create(filename, QEMU_ALIGN_UP(o->size, BDRV_SECTOR_SIZE),
                           o->prealloc, errp);
}

const BlockDriver bdrv_raw = {
    .format_name = "raw",
    .instance_size = sizeof(BDRVRawState),
    .probe = raw_probe,
    .open = raw_open,
    .pread = raw_pread,
    .pwrite = raw_pwrite,
    .preadv = raw_preadv,
    .pwritev = raw_pwritev,
    .pdiscard = raw_pdiscard,
    .get_length = raw_get_length,
    .truncate = raw_truncate,
    .preallocate = raw_preallocate,
    .block_status = raw_block_status,
    .create = raw_create,
};
