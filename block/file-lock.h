/*
 * Image locking for the "file" driver, interoperable with QEMU: OFD
 * byte-range locks at QEMU's offsets (see file-lock.c).
 */
#ifndef BLOCK_FILE_LOCK_H
#define BLOCK_FILE_LOCK_H

#include "qemu/osdep.h"
#include "qapi/error.h"

/* Permission bits, in QEMU's BLK_PERM order (the lock offsets depend on it). */
#define FILE_PERM_CONSISTENT_READ 0x01
#define FILE_PERM_WRITE           0x02
#define FILE_PERM_WRITE_UNCHANGED 0x04
#define FILE_PERM_RESIZE          0x08
#define FILE_PERM_GRAPH_MOD       0x10
#define FILE_PERM_ALL             0x1f

/*
 * Take the locks for holding @perm and not sharing the rest of
 * FILE_PERM_ALL than @shared on @fd, dropping the ones no longer needed,
 * then check nobody else conflicts.  On a conflict, sets QEMU's
 * "Failed to get ... lock" error with its hint naming @filename and
 * returns -EAGAIN; the caller restores its previous locks.
 */
int file_lock_apply(int fd, uint64_t perm, uint64_t shared,
                    const char *filename, Error **errp);

/* Release every lock of @fd (locking turned off or file closing). */
void file_lock_release(int fd);

#endif
