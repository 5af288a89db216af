/*
 * Commit: copy what the layers above a backing file hold down into it
 * (HMP/QMP commit, kemu-img commit).  The backing node in the chain is
 * read-only, so the copy goes through a second, writable handle.
 */
#include "qemu/osdep.h"
#include "block-int.h"
#include "block/blockjob.h"

int64_t bdrv_layers_status(BlockDriverState *top, BlockDriverState *base,
                             int64_t off, int64_t max, bool *alloc)
{
    *alloc = false;
    for (BlockDriverState *b = top; b && b != base; b = b->backing) {
        uint64_t pnum, map;
        int64_t len = bdrv_getlength(b);
        if (off >= len) {
            continue;
        }
        int st = bdrv_block_status(b, off, MIN(max, len - off), &pnum, &map);
        if (st < 0) {
            return st;
        }
        max = MIN(max, (int64_t)pnum);
        *alloc |= (st & BDRV_BLOCK_ALLOCATED) != 0;
    }
    return max;
}

int bdrv_commit(BlockDriverState *top, BlockDriverState *base)
{
    /*
     * A second, writable description of our own backing file: unlocked,
     * as its read-only twin's locks conflict with it and keep others out.
     */
    BlockDriverState *w = bdrv_open(base->filename,
                                    bdrv_get_format_name(base), NULL,
                                    BDRV_O_RDWR | BDRV_O_NO_BACKING |
                                    BDRV_O_NO_LOCK, NULL);
    if (!w) {
        return -EIO;
    }
    int64_t len = MIN(bdrv_getlength(top), bdrv_getlength(w));
    const int64_t chunk = 1 * MiB;
    g_autofree uint8_t *buf = g_malloc(chunk);
    int ret = 0;
    for (int64_t off = 0; off < len && ret == 0;) {
        bool alloc;
        int64_t n = bdrv_layers_status(top, base, off, MIN(len - off, chunk),
                                  &alloc);
        if (n <= 0) {
            ret = n < 0 ? n : -EIO;
            break;
        }
        if (alloc) {
            ret = bdrv_pread(top, off, n, buf);
            if (ret == 0) {
                ret = bdrv_pwrite(w, off, n, buf);
            }
        }
        off += n;
    }
    if (ret == 0) {
        ret = bdrv_flush(w);
    }
    bdrv_unref(w);
    return ret;
}

