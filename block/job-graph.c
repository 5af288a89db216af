/*
 * Graph changes at the end of block jobs: a writable twin of a read-only
 * backing node (commit writes through it and it replaces the node, so
 * nobody reads stale qcow2 tables), dropping layers from a chain, and
 * rewriting an overlay's backing file name.
 */
#include "qemu/osdep.h"
#include "block-int.h"
#include "block/blockjob.h"
#include "block/blockdev.h"

BlockDriverState *bdrv_open_twin(BlockDriverState *bs, Error **errp)
{
    /*
     * Unlocked: the read-only node's locks conflict with a writer and
     * already keep other processes out.
     */
    int flags = (bs->open_flags & ~BDRV_O_NO_IO) | BDRV_O_RDWR |
                BDRV_O_NO_BACKING | BDRV_O_NO_LOCK;
    BlockDriverState *w = bdrv_open(bs->filename, bdrv_get_format_name(bs),
                                    NULL, flags, errp);
    if (w) {
        g_strlcpy(w->backing_file, bs->backing_file,
                  sizeof(w->backing_file));
        g_strlcpy(w->backing_format, bs->backing_format,
                  sizeof(w->backing_format));
        g_free(w->full_backing_filename);
        w->full_backing_filename = g_strdup(bs->full_backing_filename);
    }
    return w;
}

/* Forget the names of @bs and its file node. */
static void unregister_one(BlockDriverState *bs)
{
    BlockDriverState *saved = bs->backing;
    bs->backing = NULL;
    blockdev_unregister_chain(bs);
    bs->backing = saved;
}

void bdrv_replace_with_twin(BlockDriverState *above, BlockDriverState *old,
                            BlockDriverState *twin, bool read_only)
{
    g_autofree char *name = g_strdup(old->node_name);

    bdrv_ref(twin);
    twin->backing = old->backing;
    if (twin->backing) {
        bdrv_ref(twin->backing);
    }
    twin->read_only = read_only;
    if (twin->file) {
        twin->file->read_only = read_only;
    }
    unregister_one(old);
    blockdev_register_node(twin, name);
    blockdev_register_node(twin->file, NULL);
    if (above) {
        BlockDriverState *prev = above->backing;
        above->backing = twin;
        bdrv_unref(prev);
    }
}

void bdrv_drop_layers(BlockDriverState *above, BlockDriverState *base)
{
    BlockDriverState *old = above->backing;

    if (old == base) {
        return;
    }
    for (BlockDriverState *b = old; b && b != base; b = b->backing) {
        unregister_one(b);
    }
    if (base) {
        bdrv_ref(base);
    }
    above->backing = base;
    bdrv_unref(old);
}

int bdrv_set_backing_name(BlockDriverState *bs, BlockDriverState *base,
                          Error **errp)
{
    const char *file = base ? base->filename : NULL;
    const char *fmt = base ? bdrv_get_format_name(base) : NULL;
    int ret;

    if (!bs->read_only) {
        ret = bdrv_change_backing_file(bs, file, fmt, errp);
    } else {
        BlockDriverState *w = bdrv_open_twin(bs, errp);
        if (!w) {
            return -EIO;
        }
        ret = bdrv_change_backing_file(w, file, fmt, errp);
        bdrv_unref(w);
        if (ret == 0) {
            g_strlcpy(bs->backing_file, file ? file : "",
                      sizeof(bs->backing_file));
            g_strlcpy(bs->backing_format, fmt ? fmt : "",
                      sizeof(bs->backing_format));
        }
    }
    if (ret == 0) {
        g_free(bs->full_backing_filename);
        bs->full_backing_filename = g_strdup(file);
    }
    return ret;
}

BlockDriverState *bdrv_find_backing_image(BlockDriverState *bs,
                                          const char *name)
{
    g_autofree char *abs_n = g_canonicalize_filename(name, NULL);

    for (BlockDriverState *p = bs; p->backing; p = p->backing) {
        BlockDriverState *b = p->backing;
        g_autofree char *abs_b = g_canonicalize_filename(b->filename, NULL);
        if (!strcmp(b->filename, name) || !strcmp(abs_b, abs_n) ||
            !strcmp(p->backing_file, name)) {
            return b;
        }
    }
    return NULL;
}

BlockDriverState *bdrv_job_target_new(BlockDriverState *source,
                                      const char *target, const char *format,
                                      bool existing, MirrorSyncMode sync,
                                      Error **errp)
{
    const char *fmt = format ? format : bdrv_get_format_name(source);
    Error *local = NULL;

    if (!bdrv_find_format(fmt)) {
        error_setg(errp, "Unknown driver '%s'", fmt);
        return NULL;
    }
    if (!existing) {
        /* sync=top keeps the source's backing file; none, the source. */
        BlockDriverState *backing = sync == MIRROR_SYNC_MODE_NONE ? source :
                                    sync == MIRROR_SYNC_MODE_TOP ?
                                    source->backing : NULL;
        /* QEMU names it as the source chain does (absolute-paths). */
        const char *bname = backing ? backing->filename : NULL;
        BlockCreateOpts o = {
            .size = bdrv_getlength(source),
            .backing_file = bname,
            .backing_fmt = backing ? bdrv_get_format_name(backing) : NULL,
        };
        if (bdrv_create(fmt, target, &o, errp) < 0) {
            return NULL;
        }
    }
    BlockDriverState *bs = bdrv_open(target, format, NULL,
                                     BDRV_O_RDWR | BDRV_O_NO_BACKING, &local);
    if (!bs) {
        blockdev_open_error(errp, local, target);
    }
    return bs;
}

void bdrv_set_before_write(BlockDriverState *bs,
                           void (*hook)(void *, uint64_t, uint64_t),
                           void *opaque)
{
    bdrv_lock_backends(bs);
    bs->before_write_opaque = opaque;
    __atomic_store_n(&bs->before_write, hook, __ATOMIC_RELEASE);
    bdrv_unlock_backends(bs);
}

void bdrv_clear_before_write(BlockDriverState *bs)
{
    __atomic_store_n(&bs->before_write, NULL, __ATOMIC_RELEASE);
    /* A request past the check may still be in the hook: wait for it. */
    bdrv_lock_backends(bs);
    bdrv_unlock_backends(bs);
}
