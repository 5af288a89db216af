/*
 * Block node graph: driver lookup, format probing with QEMU's rules,
 * opening a chain (format node over a file node, then the backing
 * file), and bounds-checked I/O entry points used by everything above.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "block-int.h"
#include "file-lock.h"
#include "block/dirty-bitmap.h"

static const BlockDriver *const block_drivers[] = {
    &bdrv_file, &bdrv_raw, &bdrv_qcow2,
};

/* A chain deeper than this is a loop or an attack. */
#define BDRV_MAX_BACKING_DEPTH 64

const BlockDriver *bdrv_find_format(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(block_drivers); i++) {
        if (!strcmp(block_drivers[i]->format_name, name)) {
            return block_drivers[i];
        }
    }
    return NULL;
}

const char *bdrv_get_format_name(BlockDriverState *bs)
{
    return bs->drv->format_name;
}

char *bdrv_path_combine(const char *base, const char *name)
{
    if (name[0] == '/' || !strchr(base, '/')) {
        return g_strdup(name);
    }
    g_autofree char *dir = g_path_get_dirname(base);
    return g_build_filename(dir, name, NULL);
}

static BlockDriverState *bdrv_new(const BlockDriver *drv, const char *filename,
                                  int flags)
{
    BlockDriverState *bs = g_new0(BlockDriverState, 1);
    bs->drv = drv;
    bs->opaque = g_malloc0(drv->instance_size ? drv->instance_size : 1);
    bs->filename = g_strdup(filename);
    bs->open_flags = flags;
    bs->read_only = !(flags & BDRV_O_RDWR);
    bs->refcnt = 1;
    return bs;
}

static void bdrv_free(BlockDriverState *bs)
{
    g_free(bs->opaque);
    g_free(bs->filename);
    g_free(bs->node_name);
    g_free(bs->full_backing_filename);
    g_free(bs);
}

void bdrv_ref(BlockDriverState *bs)
{
    bs->refcnt++;
}

void bdrv_unref(BlockDriverState *bs)
{
    if (!bs || --bs->refcnt > 0) {
        return;
    }
    if (bs->drv->close) {
        bs->drv->close(bs);
    }
    bdrv_release_all_dirty_bitmaps(bs);
    bdrv_unref(bs->backing);
    bdrv_unref(bs->file);
    bdrv_free(bs);
}

static BlockDriverState *bdrv_open_file(const char *filename, int flags,
                                        Error **errp)
{
    BlockDriverState *bs = bdrv_new(&bdrv_file, filename, flags);
    Error *local = NULL;
    if (bdrv_file.open(bs, NULL, flags, &local) < 0) {
        error_propagate(errp, local);
        bdrv_free(bs);
        return NULL;
    }
    return bs;
}

/* QEMU's rule: the highest score wins; raw scores 1 and is the fallback. */
static const BlockDriver *bdrv_probe(BlockDriverState *file, Error **errp)
{
    uint8_t buf[BLOCK_PROBE_BUF_SIZE] = { 0 };
    int64_t len = bdrv_getlength(file);
    uint64_t n = len < 0 ? 0 : MIN((uint64_t)len, sizeof(buf));
    if (n && bdrv_pread(file, 0, n, buf) < 0) {
        error_setg(errp, "Could not read image for determining its format");
        return NULL;
    }
    const BlockDriver *best = NULL;
    int best_score = 0;
    for (size_t i = 0; i < ARRAY_SIZE(block_drivers); i++) {
        const BlockDriver *d = block_drivers[i];
        if (d->probe) {
            int score = d->probe(buf, n, file->filename);
            if (score > best_score) {
                best_score = score;
                best = d;
            }
        }
    }
    return best;
}

static int bdrv_open_backing(BlockDriverState *bs, int flags, int depth,
                             Error **errp);

BlockDriverState *bdrv_open_format(BlockDriverState *file,
                                   const BlockDriver *drv, GHashTable *opts,
                                   int flags, Error **errp)
{
    BlockDriverState *bs = bdrv_new(drv, file->filename, flags);
    bs->file = file;
    if (drv->open(bs, opts, flags, errp) < 0) {
        bs->file = NULL;
        bdrv_free(bs);
        return NULL;
    }
    /*
     * As QEMU's formats: qcow2 lets nobody else change its file under it,
     * and a writable one grows its file; raw passes its user's through.
     */
    if (drv == &bdrv_qcow2 && file->drv == &bdrv_file &&
        bdrv_file_add_perm(file, bs->read_only ? 0 : FILE_PERM_RESIZE,
                           (flags & BDRV_O_FORCE_SHARE) ? 0 :
                           FILE_PERM_WRITE | FILE_PERM_RESIZE, errp) < 0) {
        drv->close(bs);
        bs->file = NULL;
        bdrv_free(bs);
        return NULL;
    }
    return bs;
}

static BlockDriverState *bdrv_open_depth(const char *filename,
                                         const char *format, GHashTable *opts,
                                         int flags, int depth, Error **errp)
{
    Error *local = NULL;
    const BlockDriver *drv = NULL;

    if (format) {
        drv = bdrv_find_format(format);
        if (!drv) {
            error_setg(errp, "Unknown driver '%s'", format);
            return NULL;
        }
    }
    if ((flags & BDRV_O_FORCE_SHARE) && (flags & BDRV_O_RDWR)) {
        error_setg(errp, "Could not open '%s': force-share=on can only be "
                   "used with read-only images", filename);
        return NULL;
    }
    BlockDriverState *file = bdrv_open_file(filename, flags, &local);
    if (!file) {
        /* Prepend, so a lock error keeps its "Is another process" hint. */
        error_prepend(&local, "Could not open '%s': ", filename);
        error_propagate(errp, local);
        return NULL;
    }
    if (drv == &bdrv_file) {
        return file;
    }
    bool probed = false;
    if (!drv) {
        drv = bdrv_probe(file, &local);
        probed = true;
        if (!drv) {
            goto fail;
        }
    }
    BlockDriverState *bs = bdrv_open_format(file, drv, opts, flags, &local);
    if (!bs) {
        goto fail;
    }
    bs->probed = probed;
    if (!(flags & BDRV_O_NO_BACKING) && bs->backing_file[0]) {
        /* The backing file is opened read-only, as QEMU does. */
        if (bdrv_open_backing(bs, flags & ~BDRV_O_RDWR, depth, errp) < 0) {
            bdrv_unref(bs);
            return NULL;
        }
    }
    return bs;

fail:
    error_prepend(&local, "Could not open '%s': ", filename);
    error_propagate(errp, local);
    bdrv_unref(file);
    return NULL;
}

static int bdrv_open_backing(BlockDriverState *bs, int flags, int depth,
                             Error **errp)
{
    if (depth >= BDRV_MAX_BACKING_DEPTH) {
        error_setg(errp, "Backing chain of '%s' is too deep", bs->filename);
        return -ELOOP;
    }
    g_free(bs->full_backing_filename);
    bs->full_backing_filename = bdrv_path_combine(bs->filename,
                                                  bs->backing_file);
    Error *local = NULL;
    bs->backing = bdrv_open_depth(bs->full_backing_filename,
                                  bs->backing_format[0] ? bs->backing_format
                                                        : NULL,
                                  NULL, flags, depth + 1, &local);
    if (!bs->backing) {
        error_setg(errp, "Could not open backing file: %s",
                   error_get_pretty(local));
        error_free(local);
        return -EINVAL;
    }
    return 0;
}

int bdrv_open_backing_file(BlockDriverState *bs, Error **errp)
{
    return bdrv_open_backing(bs, bs->open_flags & ~BDRV_O_RDWR, 0, errp);
}

BlockDriverState *bdrv_open(const char *filename, const char *format,
                            GHashTable *opts, int flags, Error **errp)
{
    return bdrv_open_depth(filename, format, opts, flags, 0, errp);
}

void bdrv_unwrap_lock_error(Error **errp, const char *filename)
{
    if (!errp || !*errp) {
        return;
    }
    g_autofree char *prefix = g_strdup_printf("Could not open '%s': ",
                                              filename);
    const char *msg = error_get_pretty(*errp);
    if (!g_str_has_prefix(msg, prefix) ||
        !g_str_has_prefix(msg + strlen(prefix), "Failed to get ")) {
        return;
    }
    Error *local = *errp;
    const char *hint = error_get_hint(local);
    *errp = NULL;
    error_setg(errp, "%s", msg + strlen(prefix));
    if (hint) {
        error_append_hint(errp, "%s", hint);
    }
    error_free(local);
}

int64_t bdrv_getlength(BlockDriverState *bs)
{
    return bs->drv->get_length(bs);
}

int64_t bdrv_get_allocated_file_size(BlockDriverState *bs)
{
    if (bs->drv->get_allocated_size) {
        return bs->drv->get_allocated_size(bs);
    }
    return bs->file ? bdrv_get_allocated_file_size(bs->file) : -ENOTSUP;
}

static int bdrv_check_request(BlockDriverState *bs, uint64_t offset,
                              uint64_t bytes)
{
    if (offset > INT64_MAX || bytes > INT64_MAX - offset) {
        return -EIO;
    }
    if (bs->drv->is_protocol) {
        /* Files grow on write; reads past the end return zeroes. */
        return 0;
    }
    int64_t len = bdrv_getlength(bs);
    if (len < 0) {
        return len;
    }
    if (offset > (uint64_t)len || bytes > (uint64_t)len - offset) {
        return -EIO;
    }
    return 0;
}

/*
 * A block job's hook sees every change to @bs before it happens; the
 * node's dirty bitmaps mark it.
 */
static void bdrv_before_write(BlockDriverState *bs, uint64_t offset,
                              uint64_t bytes)
{
    bdrv_set_dirty(bs, offset, bytes);
    void (*hook)(void *, uint64_t, uint64_t) =
        __atomic_load_n(&bs->before_write, __ATOMIC_ACQUIRE);
    if (hook && bytes) {
        hook(bs->before_write_opaque, offset, bytes);
    }
}

int bdrv_pread(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
               void *buf)
{
    int ret = bdrv_check_request(bs, offset, bytes);
    if (ret < 0 || !bytes) {
        return ret;
    }
    return bs->drv->pread(bs, offset, bytes, buf);
}

/* Writing a probed raw image must not turn it into another format. */
static bool bdrv_write_changes_format(BlockDriverState *bs, uint64_t offset,
                                      uint64_t bytes, const void *buf)
{
    if (!bs->probed || bs->drv != &bdrv_raw || offset >= BDRV_SECTOR_SIZE) {
        return false;
    }
    uint8_t first[BDRV_SECTOR_SIZE];
    if (bdrv_pread(bs, 0, sizeof(first), first) < 0) {
        return false;
    }
    uint64_t n = MIN(bytes, BDRV_SECTOR_SIZE - offset);
    memcpy(first + offset, buf, n);
    return bdrv_qcow2.probe(first, sizeof(first), bs->filename) > 0;
}

int bdrv_pwrite(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                const void *buf)
{
    if (bs->read_only) {
        return -EACCES;
    }
    int ret = bdrv_check_request(bs, offset, bytes);
    if (ret < 0 || !bytes) {
        return ret;
    }
    if (bdrv_write_changes_format(bs, offset, bytes, buf)) {
        return -EPERM;
    }
    bdrv_write_threshold_check(bs, offset, bytes);
    bdrv_before_write(bs, offset, bytes);
    ret = bs->drv->pwrite(bs, offset, bytes, buf);
    if (ret == 0 && (bs->open_flags & BDRV_O_WRITETHROUGH)) {
        ret = bdrv_flush(bs);
    }
    return ret;
}

/*
 * Guests scatter requests over pages: drivers with vectored I/O (file,
 * raw) take the vector as it is; for the others a multi-element vector
 * goes through one bounce buffer, so a format driver sees one request
 * (one cluster allocation instead of one per page).
 */
#define BDRV_BOUNCE_MAX (16 * MiB)

static uint64_t iov_total(const struct iovec *iov, int niov)
{
    uint64_t n = 0;
    for (int i = 0; i < niov; i++) {
        n += iov[i].iov_len;
    }
    return n;
}

int bdrv_preadv(BlockDriverState *bs, uint64_t offset,
                const struct iovec *iov, int niov)
{
    uint64_t total = iov_total(iov, niov);
    if (bs->drv->preadv && niov <= IOV_MAX) {
        int ret = bdrv_check_request(bs, offset, total);
        return ret < 0 || !total ? ret : bs->drv->preadv(bs, offset, iov, niov);
    }
    if (niov > 1 && total <= BDRV_BOUNCE_MAX) {
        g_autofree uint8_t *buf = g_try_malloc(total);
        if (buf) {
            int ret = bdrv_pread(bs, offset, total, buf);
            for (int i = 0, at = 0; ret == 0 && i < niov; i++) {
                memcpy(iov[i].iov_base, buf + at, iov[i].iov_len);
                at += iov[i].iov_len;
            }
            return ret;
        }
    }
    for (int i = 0; i < niov; i++) {
        int ret = bdrv_pread(bs, offset, iov[i].iov_len, iov[i].iov_base);
        if (ret < 0) {
            return ret;
        }
        offset += iov[i].iov_len;
    }
    return 0;
}

/*
 * The vectored path skips what bdrv_pwrite checks on a copy: it is taken
 * unless the write may turn a probed raw image into another format.
 */
static bool bdrv_can_pwritev(BlockDriverState *bs, uint64_t offset, int niov)
{
    return bs->drv->pwritev && niov <= IOV_MAX &&
           !(bs->probed && bs->drv == &bdrv_raw &&
             offset < BDRV_SECTOR_SIZE);
}

int bdrv_pwritev(BlockDriverState *bs, uint64_t offset,
                 const struct iovec *iov, int niov)
{
    uint64_t total = iov_total(iov, niov);
    if (bdrv_can_pwritev(bs, offset, niov)) {
        if (bs->read_only) {
            return -EACCES;
        }
        int ret = bdrv_check_request(bs, offset, total);
        if (ret < 0 || !total) {
            return ret;
        }
        bdrv_write_threshold_check(bs, offset, total);
        bdrv_before_write(bs, offset, total);
        ret = bs->drv->pwritev(bs, offset, iov, niov);
        if (ret == 0 && (bs->open_flags & BDRV_O_WRITETHROUGH)) {
            ret = bdrv_flush(bs);
        }
        return ret;
    }
    if (niov > 1 && total <= BDRV_BOUNCE_MAX) {
        g_autofree uint8_t *buf = g_try_malloc(total);
        if (buf) {
            for (int i = 0, at = 0; i < niov; i++) {
                memcpy(buf + at, iov[i].iov_base, iov[i].iov_len);
                at += iov[i].iov_len;
            }
            return bdrv_pwrite(bs, offset, total, buf);
        }
    }
    for (int i = 0; i < niov; i++) {
        int ret = bdrv_pwrite(bs, offset, iov[i].iov_len, iov[i].iov_base);
        if (ret < 0) {
            return ret;
        }
        offset += iov[i].iov_len;
    }
    return 0;
}

/* Fallback: write zeroes in chunks. */
int bdrv_pwrite_zeroes(BlockDriverState *bs, uint64_t offset, uint64_t bytes)
{
    if (bs->read_only) {
        return -EACCES;
    }
    int ret = bdrv_check_request(bs, offset, bytes);
    if (ret < 0) {
        return ret;
    }
    bdrv_write_threshold_check(bs, offset, bytes);
    bdrv_before_write(bs, offset, bytes);
    if (bs->drv->pwrite_zeroes) {
        return bs->drv->pwrite_zeroes(bs, offset, bytes);
    }
    const uint64_t chunk = 1 * MiB;
    g_autofree void *zero = g_malloc0(chunk);
    while (bytes) {
        uint64_t n = MIN(bytes, chunk);
        ret = bs->drv->pwrite(bs, offset, n, zero);
        if (ret < 0) {
            return ret;
        }
        offset += n;
        bytes -= n;
    }
    return 0;
}

int bdrv_pdiscard(BlockDriverState *bs, uint64_t offset, uint64_t bytes)
{
    if (bs->read_only) {
        return -EACCES;
    }
    int ret = bdrv_check_request(bs, offset, bytes);
    if (ret < 0 || !bs->drv->pdiscard) {
        return ret;
    }
    bdrv_before_write(bs, offset, bytes);
    return bs->drv->pdiscard(bs, offset, bytes);
}

int bdrv_pwrite_compressed(BlockDriverState *bs, uint64_t offset,
                           uint64_t bytes, const void *buf)
{
    if (bs->read_only) {
        return -EACCES;
    }
    if (!bs->drv->pwrite_compressed) {
        return -ENOTSUP;
    }
    int ret = bdrv_check_request(bs, offset, bytes);
    if (ret < 0) {
        return ret;
    }
    bdrv_set_dirty(bs, offset, bytes);
    return bs->drv->pwrite_compressed(bs, offset, bytes, buf);
}

int bdrv_flush(BlockDriverState *bs)
{
    if (!bs || bs->read_only) {
        return 0;
    }
    int ret = bs->drv->flush ? bs->drv->flush(bs) : 0;
    if (ret == 0 && bs->file) {
        ret = bdrv_flush(bs->file);
    }
    return ret;
}

int bdrv_truncate(BlockDriverState *bs, uint64_t size, Error **errp)
{
    if (bs->read_only) {
        error_setg(errp, "Image is read-only");
        return -EACCES;
    }
    if (!bs->drv->truncate) {
        error_setg(errp, "Image format driver does not support resize");
        return -ENOTSUP;
    }
    int ret = bs->drv->truncate(bs, size, errp);
    if (ret == 0) {
        bdrv_dirty_bitmaps_resize(bs, size);
    }
    return ret;
}

int bdrv_preallocate(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                     BlockPreallocMode mode, Error **errp)
{
    static const char *const names[] = {
        [PREALLOC_MODE_METADATA] = "metadata",
        [PREALLOC_MODE_FALLOC] = "falloc", [PREALLOC_MODE_FULL] = "full",
    };
    if (mode == PREALLOC_MODE_OFF) {
        return 0;
    }
    if (bs->read_only) {
        error_setg(errp, "Image is read-only");
        return -EACCES;
    }
    if (!bs->drv->preallocate) {
        error_setg(errp, "Unsupported preallocation mode: %s", names[mode]);
        return -ENOTSUP;
    }
    return bs->drv->preallocate(bs, offset, bytes, mode, errp);
}

int bdrv_block_status(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                      uint64_t *pnum, uint64_t *map)
{
    int ret = bdrv_check_request(bs, offset, bytes);
    if (ret < 0) {
        return ret;
    }
    *map = 0;
    if (!bs->drv->block_status) {
        *pnum = bytes;
        *map = offset;
        return BDRV_BLOCK_DATA | BDRV_BLOCK_ALLOCATED |
               BDRV_BLOCK_OFFSET_VALID;
    }
    return bs->drv->block_status(bs, offset, bytes, pnum, map);
}

int bdrv_make_empty(BlockDriverState *bs)
{
    if (!bs->drv->make_empty) {
        return -ENOTSUP;
    }
    if (bs->read_only) {
        return -EACCES;
    }
    return bs->drv->make_empty(bs);
}

int bdrv_change_backing_file(BlockDriverState *bs, const char *file,
                             const char *fmt, Error **errp)
{
    if (!bs->drv->change_backing_file) {
        error_setg(errp, "Operation not supported");
        return -ENOTSUP;
    }
    if (bs->read_only) {
        error_setg(errp, "Image is read-only");
        return -EACCES;
    }
    return bs->drv->change_backing_file(bs, file, fmt, errp);
}

int bdrv_create(const char *format, const char *filename,
                const BlockCreateOpts *o, Error **errp)
{
    const BlockDriver *drv = bdrv_find_format(format);
    if (!drv) {
        error_setg(errp, "Unknown file format '%s'", format);
        return -EINVAL;
    }
    if (!drv->create) {
        error_setg(errp, "Format driver '%s' does not support image creation",
                   format);
        return -ENOTSUP;
    }
    return drv->create(filename, o, errp);
}

int bdrv_amend(BlockDriverState *bs, const BlockAmendOpts *o, Error **errp)
{
    if (!bs->drv->amend) {
        error_setg(errp, "Format driver '%s' does not support option "
                   "amendment", bs->drv->format_name);
        return -ENOTSUP;
    }
    if (bs->read_only) {
        error_setg(errp, "Image is read-only");
        return -EACCES;
    }
    return bs->drv->amend(bs, o, errp);
}

int bdrv_snapshot_load_tmp(BlockDriverState *bs, const char *id,
                           const char *name, Error **errp)
{
    if (!bs->drv->snapshot_load_tmp) {
        error_setg(errp, "Block format '%s' used by device '' does not "
                   "support temporarily loading internal snapshots",
                   bs->drv->format_name);
        return -ENOTSUP;
    }
    return bs->drv->snapshot_load_tmp(bs, id, name, errp);
}

bool bdrv_parse_cache_mode(const char *mode, int *flags)
{
    static const struct {
        const char *name;
        int flags;
    } modes[] = {
        { "writeback", 0 },
        { "none", BDRV_O_NOCACHE },
        { "off", BDRV_O_NOCACHE },
        { "writethrough", BDRV_O_WRITETHROUGH },
        { "unsafe", BDRV_O_NO_FLUSH },
        { "directsync", BDRV_O_NOCACHE | BDRV_O_WRITETHROUGH },
    };
    for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
        if (!strcmp(mode, modes[i].name)) {
            *flags = modes[i].flags;
            return true;
        }
    }
    return false;
}

bool bdrv_check_not_busy(BlockDriverState *bs, const char *name,
                         Error **errp)
{
    if (!bs->job_type) {
        return true;
    }
    error_setg(errp, "Node '%s' is busy: block device is in use by block "
               "job: %s", name ? name : bs->node_name, bs->job_type);
    return false;
}
