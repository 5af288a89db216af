/*
 * Protocol driver "file": a POSIX regular file or block device.
 * pread/pwrite and preadv/pwritev with EINTR and short-transfer loops;
 * reads past the end return zeroes; cache=none opens with O_DIRECT and bounces unaligned
 * requests through an aligned buffer.
 */
#include "qemu/osdep.h"
#include "block-int.h"
#include "file-lock.h"
#include <sys/ioctl.h>
#include <linux/fs.h>

/* O_DIRECT alignment for buffers, offsets and lengths. */
#define FILE_DIRECT_ALIGN 4096

typedef struct BDRVFileState {
    int fd;
    bool direct;
    int64_t size;          /* cached; files only grow through us */
    bool locking;
    uint64_t perm;         /* permissions held (file-lock.h) */
    uint64_t shared;       /* permissions others may hold */
} BDRVFileState;

static int64_t file_query_size(int fd)
{
    struct stat st;
    if (fstat(fd, &st) < 0) {
        return -errno;
    }
    if (S_ISBLK(st.st_mode)) {
        uint64_t n;
        if (ioctl(fd, BLKGETSIZE64, &n) < 0) {
            return -errno;
        }
        return n;
    }
    return st.st_size;
}

static int file_open(BlockDriverState *bs, GHashTable *opts, int flags,
                     Error **errp)
{
    BDRVFileState *s = bs->opaque;
    int oflags = O_CLOEXEC | ((flags & BDRV_O_RDWR) ? O_RDWR : O_RDONLY);
    if (flags & BDRV_O_NOCACHE) {
        oflags |= O_DIRECT;
        s->direct = true;
    }
    s->fd = open(bs->filename, oflags);
    if (s->fd < 0 && s->direct && errno == EINVAL) {
        /* tmpfs and friends have no O_DIRECT: QEMU fails the same way. */
        error_setg_errno(errp, errno, "Could not open '%s'", bs->filename);
        return -EINVAL;
    }
    if (s->fd < 0) {
        int err = errno;
        error_setg_errno(errp, err, "Could not open '%s'", bs->filename);
        return -err;
    }
    struct stat st;
    if (fstat(s->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(s->fd);
        error_setg(errp, "'%s' is not a file", bs->filename);
        return -EISDIR;
    }
    s->locking = !(flags & BDRV_O_NO_LOCK);
    if (s->locking) {
        /*
         * QEMU's user-level permissions: a guest device lets nobody else
         * write, the tools share all; formats add theirs (add_perm).
         */
        uint64_t perm = ((flags & BDRV_O_NO_IO) ? 0
                                                : FILE_PERM_CONSISTENT_READ) |
                        ((flags & BDRV_O_RDWR) ? FILE_PERM_WRITE : 0);
        uint64_t shared = FILE_PERM_ALL;
        if ((flags & BDRV_O_DEVICE) && !(flags & BDRV_O_FORCE_SHARE)) {
            shared &= ~FILE_PERM_WRITE;
        }
        int ret = file_lock_apply(s->fd, perm, shared, bs->filename, errp);
        if (ret < 0) {
            close(s->fd);   /* drops every lock this description took */
            return ret;
        }
        s->perm = perm;
        s->shared = shared;
    }
    s->size = file_query_size(s->fd);
    if (s->size < 0) {
        int err = -s->size;
        close(s->fd);
        error_setg_errno(errp, err, "Could not get the size of '%s'",
                         bs->filename);
        return -err;
    }
    return 0;
}

int bdrv_file_add_perm(BlockDriverState *bs, uint64_t perm,
                       uint64_t unshare, Error **errp)
{
    BDRVFileState *s = bs->opaque;
    if (!s->locking ||
        ((s->perm & perm) == perm && !(s->shared & unshare))) {
        return 0;
    }
    int ret = file_lock_apply(s->fd, s->perm | perm, s->shared & ~unshare,
                              bs->filename, errp);
    if (ret < 0) {
        file_lock_apply(s->fd, s->perm, s->shared, bs->filename, NULL);
        return ret;
    }
    s->perm |= perm;
    s->shared &= ~unshare;
    return 0;
}

void bdrv_file_drop_write_perm(BlockDriverState *bs)
{
    BDRVFileState *s = bs->opaque;
    uint64_t perm = s->perm & FILE_PERM_CONSISTENT_READ;

    if (s->locking && perm != s->perm &&
        file_lock_apply(s->fd, perm, s->shared, bs->filename, NULL) == 0) {
        s->perm = perm;
    }
}

static void file_close(BlockDriverState *bs)
{
    BDRVFileState *s = bs->opaque;
    close(s->fd);
}

static int file_do_pread(int fd, uint64_t offset, uint64_t bytes, void *buf)
{
    uint8_t *p = buf;
    while (bytes) {
        ssize_t n = pread(fd, p, bytes, offset);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        if (n == 0) {
            memset(p, 0, bytes);    /* past the end of the file */
            return 0;
        }
        p += n;
        offset += n;
        bytes -= n;
    }
    return 0;
}

static int file_do_pwrite(int fd, uint64_t offset, uint64_t bytes,
                          const void *buf)
{
    const uint8_t *p = buf;
    while (bytes) {
        ssize_t n = pwrite(fd, p, bytes, offset);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        if (n == 0) {
            return -ENOSPC;
        }
        p += n;
        offset += n;
        bytes -= n;
    }
    return 0;
}

static bool file_aligned(uint64_t offset, uint64_t bytes, const void *buf)
{
    return !(offset % FILE_DIRECT_ALIGN) && !(bytes % FILE_DIRECT_ALIGN) &&
           !((uintptr_t)buf % FILE_DIRECT_ALIGN);
}

/* O_DIRECT: widen to aligned bounds through a bounce buffer. */
static int file_bounce(BDRVFileState *s, uint64_t offset, uint64_t bytes,
                       void *rbuf, const void *wbuf)
{
    uint64_t start = QEMU_ALIGN_DOWN(offset, FILE_DIRECT_ALIGN);
    uint64_t end = QEMU_ALIGN_UP(offset + bytes, FILE_DIRECT_ALIGN);
    void *b;
    if (posix_memalign(&b, FILE_DIRECT_ALIGN, end - start)) {
        return -ENOMEM;
    }
    int ret = file_do_pread(s->fd, start, end - start, b);
    if (ret == 0 && rbuf) {
        memcpy(rbuf, (uint8_t *)b + (offset - start), bytes);
    } else if (ret == 0) {
        memcpy((uint8_t *)b + (offset - start), wbuf, bytes);
        uint64_t len = end - start;
        ret = file_do_pwrite(s->fd, start, len, b);
        /* The tail past the old end must not stay as padding. */
        if (ret == 0 && offset + bytes > (uint64_t)s->size &&
            end > offset + bytes) {
            if (ftruncate(s->fd, offset + bytes) < 0) {
                ret = -errno;
            }
        }
    }
    free(b);
    return ret;
}

static int file_pread(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                      void *buf)
{
    BDRVFileState *s = bs->opaque;
    if (s->direct && !file_aligned(offset, bytes, buf)) {
        return file_bounce(s, offset, bytes, buf, NULL);
    }
    return file_do_pread(s->fd, offset, bytes, buf);
}

static int file_pwrite(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                       const void *buf)
{
    BDRVFileState *s = bs->opaque;
    int ret;
    if (s->direct && !file_aligned(offset, bytes, buf)) {
        ret = file_bounce(s, offset, bytes, NULL, buf);
    } else {
        ret = file_do_pwrite(s->fd, offset, bytes, buf);
    }
    if (ret == 0 && offset + bytes > (uint64_t)s->size) {
        s->size = offset + bytes;
    }
    return ret;
}

/*
 * preadv/pwritev straight into the caller's buffers; a short transfer
 * (signal, end of file) continues on a copy of the rest of the vector.
 */
static int file_do_rwv(int fd, uint64_t offset, const struct iovec *iov,
                       int niov, bool write)
{
    g_autofree struct iovec *rest = NULL;
    while (niov) {
        ssize_t n = write ? pwritev(fd, iov, niov, offset)
                          : preadv(fd, iov, niov, offset);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return -errno;
        }
        if (n == 0) {
            if (write) {
                return -ENOSPC;
            }
            for (int i = 0; i < niov; i++) {   /* past the end of the file */
                memset(iov[i].iov_base, 0, iov[i].iov_len);
            }
            return 0;
        }
        offset += n;
        while (niov && (size_t)n >= iov->iov_len) {
            n -= iov->iov_len;
            iov++;
            niov--;
        }
        if (niov && n) {
            if (!rest) {
                rest = g_memdup2(iov, niov * sizeof(*iov));
                iov = rest;
            } else {
                memmove(rest, iov, niov * sizeof(*iov));
                iov = rest;
            }
            rest[0].iov_base = (uint8_t *)rest[0].iov_base + n;
            rest[0].iov_len -= n;
        }
    }
    return 0;
}

static bool file_iov_aligned(uint64_t offset, const struct iovec *iov,
                             int niov)
{
    for (int i = 0; i < niov; i++) {
        if (!file_aligned(offset, iov[i].iov_len, iov[i].iov_base)) {
            return false;
        }
    }
    return true;
}

/* O_DIRECT with an unaligned element: one element at a time. */
static int file_rwv_each(BlockDriverState *bs, uint64_t offset,
                         const struct iovec *iov, int niov, bool write)
{
    for (int i = 0; i < niov; i++) {
        int ret = write ? file_pwrite(bs, offset, iov[i].iov_len,
                                      iov[i].iov_base)
                        : file_pread(bs, offset, iov[i].iov_len,
                                     iov[i].iov_base);
        if (ret < 0) {
            return ret;
        }
        offset += iov[i].iov_len;
    }
    return 0;
}

static int file_preadv(BlockDriverState *bs, uint64_t offset,
                       const struct iovec *iov, int niov)
{
    BDRVFileState *s = bs->opaque;
    if (s->direct && !file_iov_aligned(offset, iov, niov)) {
        return file_rwv_each(bs, offset, iov, niov, false);
    }
    return file_do_rwv(s->fd, offset, iov, niov, false);
}

static int file_pwritev(BlockDriverState *bs, uint64_t offset,
                        const struct iovec *iov, int niov)
{
    BDRVFileState *s = bs->opaque;
    if (s->direct && !file_iov_aligned(offset, iov, niov)) {
        return file_rwv_each(bs, offset, iov, niov, true);
    }
    int ret = file_do_rwv(s->fd, offset, iov, niov, true);
    uint64_t end = offset;
    for (int i = 0; i < niov; i++) {
        end += iov[i].iov_len;
    }
    if (ret == 0 && end > (uint64_t)s->size) {
        s->size = end;
    }
    return ret;
}

static int file_pdiscard(BlockDriverState *bs, uint64_t offset,
                         uint64_t bytes)
{
    BDRVFileState *s = bs->opaque;
    /* Best effort: a hole reads back as zeroes. */
    if (fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                  offset, bytes) < 0) {
        return 0;
    }
    return 0;
}

/* Holes (SEEK_HOLE) read as zeroes; everything else is data. */
static int file_block_status(BlockDriverState *bs, uint64_t offset,
                             uint64_t bytes, uint64_t *pnum, uint64_t *map)
{
    BDRVFileState *s = bs->opaque;
    int st = BDRV_BLOCK_OFFSET_VALID | BDRV_BLOCK_ALLOCATED;
    *map = offset;
    *pnum = bytes;
    if (offset >= (uint64_t)s->size) {
        return st | BDRV_BLOCK_ZERO;
    }
    off_t data = lseek(s->fd, offset, SEEK_DATA);
    if (data < 0 && errno == ENXIO) {
        return st | BDRV_BLOCK_ZERO;    /* a hole up to the end */
    }
    if (data < 0) {
        return st | BDRV_BLOCK_DATA;
    }
    if ((uint64_t)data > offset) {
        *pnum = MIN(bytes, (uint64_t)data - offset);
        return st | BDRV_BLOCK_ZERO;
    }
    off_t hole = lseek(s->fd, offset, SEEK_HOLE);
    if (hole > (off_t)offset) {
        *pnum = MIN(bytes, (uint64_t)hole - offset);
    }
    return st | BDRV_BLOCK_DATA;
}

static int file_flush(BlockDriverState *bs)
{
    BDRVFileState *s = bs->opaque;
    if (bs->open_flags & BDRV_O_NO_FLUSH) {
        return 0;
    }
    return fdatasync(s->fd) < 0 ? -errno : 0;
}

void bdrv_file_refresh_size(BlockDriverState *bs)
{
    BDRVFileState *s = bs->opaque;

    if (bs->drv == &bdrv_file) {
        int64_t size = file_query_size(s->fd);
        if (size >= 0) {
            s->size = size;
        }
    }
}

static int64_t file_get_length(BlockDriverState *bs)
{
    BDRVFileState *s = bs->opaque;
    return s->size;
}

static int64_t file_get_allocated_size(BlockDriverState *bs)
{
    BDRVFileState *s = bs->opaque;
    struct stat st;
    if (fstat(s->fd, &st) < 0) {
        return -errno;
    }
    return (int64_t)st.st_blocks * 512;
}

static int file_truncate(BlockDriverState *bs, uint64_t size, Error **errp)
{
    BDRVFileState *s = bs->opaque;
    if (ftruncate(s->fd, size) < 0) {
        int err = errno;
        error_setg_errno(errp, err, "Failed to resize file");
        return -err;
    }
    s->size = size;
    return 0;
}

int raw_file_preallocate(int fd, uint64_t off, uint64_t len,
                         BlockPreallocMode prealloc)
{
    if (prealloc == PREALLOC_MODE_FALLOC) {
        int err = len ? posix_fallocate(fd, off, len) : 0;
        return -err;
    }
    if (prealloc != PREALLOC_MODE_FULL) {
        return 0;
    }
    const uint64_t chunk = 1 * MiB;
    g_autofree void *zero = g_malloc0(chunk);
    for (uint64_t at = 0; at < len; at += chunk) {
        int ret = file_do_pwrite(fd, off + at, MIN(chunk, len - at), zero);
        if (ret < 0) {
            return ret;
        }
    }
    return 0;
}

static int file_preallocate(BlockDriverState *bs, uint64_t offset,
                            uint64_t bytes, BlockPreallocMode mode,
                            Error **errp)
{
    BDRVFileState *s = bs->opaque;
    if (mode == PREALLOC_MODE_METADATA) {
        error_setg(errp, "Unsupported preallocation mode: metadata");
        return -ENOTSUP;
    }
    int ret = raw_file_preallocate(s->fd, offset, bytes, mode);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not preallocate new data");
        return ret;
    }
    s->size = MAX((uint64_t)s->size, offset + bytes);
    return 0;
}

int raw_file_create(const char *filename, uint64_t size,
                    BlockPreallocMode prealloc, Error **errp)
{
    int fd = open(filename, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        int err = errno;
        error_setg_errno(errp, err, "Could not create '%s'", filename);
        return -err;
    }
    /* As QEMU, the empty file stays behind. */
    if (prealloc == PREALLOC_MODE_METADATA) {
        close(fd);
        error_setg(errp, "Unsupported preallocation mode: metadata");
        return -ENOTSUP;
    }
    int ret = raw_file_preallocate(fd, 0, size, prealloc);
    if (ret < 0) {
        close(fd);
        error_setg_errno(errp, -ret, "Could not preallocate data for the new "
                         "file");
        return ret;
    }
    if (ftruncate(fd, size) < 0) {
        int err = errno;
        close(fd);
        error_setg_errno(errp, err, "Could not resize file");
        return -err;
    }
    /* QEMU allocates the first block so alignment probing can read it. */
    static const uint8_t zero[4096];
    if (size && prealloc == PREALLOC_MODE_OFF &&
        pwrite(fd, zero, MIN(size, sizeof(zero)), 0) < 0) {
        int err = errno;
        close(fd);
        error_setg_errno(errp, err, "Could not write to '%s'", filename);
        return -err;
    }
    close(fd);
    return 0;
}

static int file_create(const char *filename, const BlockCreateOpts *o,
                       Error **errp)
{
    return raw_file_create(filename, o->size, o->prealloc, errp);
}

const BlockDriver bdrv_file = {
    .format_name = "file",
    .instance_size = sizeof(BDRVFileState),
    .is_protocol = true,
    .open = file_open,
    .close = file_close,
    .pread = file_pread,
    .pwrite = file_pwrite,
    .preadv = file_preadv,
    .pwritev = file_pwritev,
    .pdiscard = file_pdiscard,
    .flush = file_flush,
    .block_status = file_block_status,
    .get_length = file_get_length,
    .get_allocated_size = file_get_allocated_size,
    .truncate = file_truncate,
    .preallocate = file_preallocate,
    .create = file_create,
};
