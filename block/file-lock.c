/*
 * Image locking as QEMU's raw-posix driver does it, so kemu and QEMU see
 * each other: per permission bit b, a shared (read) OFD lock on byte
 * 100 + b means "I hold this permission" and one on byte 200 + b means
 * "I don't let others hold it".  A conflict is found by asking whether a
 * write lock on the opposite byte would be refused (F_OFD_GETLK); OFD
 * locks of our own open file description never conflict with themselves.
 */
#include "qemu/osdep.h"
#include "file-lock.h"

#define LOCK_HOLD_BASE   100
#define LOCK_UNSHARE_BASE 200
#define LOCK_NR_PERMS    5

/* QEMU's names of the permissions, as its error messages print them. */
static const char *const perm_names[LOCK_NR_PERMS] = {
    "consistent read", "write", "write unchanged", "resize", "change children",
};

static int lock_byte(int fd, off_t off, short type)
{
    struct flock fl = {
        .l_type = type, .l_whence = SEEK_SET, .l_start = off, .l_len = 1,
    };
    return fcntl(fd, F_OFD_SETLK, &fl) < 0 ? -errno : 0;
}

/* True when another open file description holds a lock on byte @off. */
static bool byte_locked_elsewhere(int fd, off_t off)
{
    struct flock fl = {
        .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = off, .l_len = 1,
    };
    if (fcntl(fd, F_OFD_GETLK, &fl) < 0) {
        return false;   /* no OFD locks here: nothing to see */
    }
    return fl.l_type != F_UNLCK;
}

int file_lock_apply(int fd, uint64_t perm, uint64_t shared,
                    const char *filename, Error **errp)
{
    for (int b = 0; b < LOCK_NR_PERMS; b++) {
        uint64_t bit = 1ULL << b;
        int ret = lock_byte(fd, LOCK_HOLD_BASE + b,
                            (perm & bit) ? F_RDLCK : F_UNLCK);
        if (ret == 0) {
            ret = lock_byte(fd, LOCK_UNSHARE_BASE + b,
                            (shared & bit) ? F_UNLCK : F_RDLCK);
        }
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Failed to lock byte %d",
                             (perm & bit) ? LOCK_HOLD_BASE + b
                                          : LOCK_UNSHARE_BASE + b);
            return ret;
        }
    }
    for (int b = 0; b < LOCK_NR_PERMS; b++) {
        uint64_t bit = 1ULL << b;
        const char *what = NULL;
        if ((perm & bit) &&
            byte_locked_elsewhere(fd, LOCK_UNSHARE_BASE + b)) {
            what = "";
        } else if (!(shared & bit) &&
                   byte_locked_elsewhere(fd, LOCK_HOLD_BASE + b)) {
            what = "shared ";
        }
        if (what) {
            error_setg(errp, "Failed to get %s\"%s\" lock", what,
                       perm_names[b]);
            error_append_hint(errp, "Is another process using the image "
                              "[%s]?\n", filename);
            return -EAGAIN;
        }
    }
    return 0;
}

void file_lock_release(int fd)
{
    struct flock fl = {
        .l_type = F_UNLCK, .l_whence = SEEK_SET,
        .l_start = LOCK_HOLD_BASE, .l_len = LOCK_UNSHARE_BASE + LOCK_NR_PERMS -
                                            LOCK_HOLD_BASE,
    };
    fcntl(fd, F_OFD_SETLK, &fl);
}
