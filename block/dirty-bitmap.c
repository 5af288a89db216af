/*
 * Dirty bitmaps on block nodes (QEMU 7.2's BdrvDirtyBitmap): the node
 * keeps a list, newest first as QEMU lists them; every write through
 * the node marks the recording ones (bdrv_set_dirty, called from the
 * block layer's write paths on any thread).  The list changes on the
 * main loop under bitmaps_lock, which writers take to walk it.
 */
#include "qemu/osdep.h"
#include "block/dirty-bitmap.h"

static GMutex bitmaps_lock;

BdrvDirtyBitmap *bdrv_dirty_bitmaps(BlockDriverState *bs)
{
    return bs->dirty_bitmaps;
}

BdrvDirtyBitmap *bdrv_find_dirty_bitmap(BlockDriverState *bs,
                                        const char *name)
{
    for (BdrvDirtyBitmap *bm = bs->dirty_bitmaps; bm; bm = bm->next) {
        if (bm->name && name && !strcmp(bm->name, name)) {
            return bm;
        }
    }
    return NULL;
}

BdrvDirtyBitmap *bdrv_create_dirty_bitmap(BlockDriverState *bs,
                                          int64_t granularity,
                                          const char *name, Error **errp)
{
    if (name && bdrv_find_dirty_bitmap(bs, name)) {
        error_setg(errp, "Bitmap already exists: %s", name);
        return NULL;
    }
    if (name && strlen(name) > BDRV_BITMAP_MAX_NAME_SIZE) {
        error_setg(errp, "Bitmap name too long: %s", name);
        return NULL;
    }
    int64_t size = bdrv_getlength(bs);
    if (size < 0) {
        error_setg_errno(errp, -size, "could not get length of device");
        return NULL;
    }
    BdrvDirtyBitmap *bm = g_new0(BdrvDirtyBitmap, 1);
    dirty_map_init(&bm->map, size, granularity);
    bm->bs = bs;
    bm->name = g_strdup(name);
    g_mutex_lock(&bitmaps_lock);
    bm->next = bs->dirty_bitmaps;
    __atomic_store_n(&bs->dirty_bitmaps, bm, __ATOMIC_RELEASE);
    g_mutex_unlock(&bitmaps_lock);
    return bm;
}

/* Unlink @bm from its node; no writer sees it afterwards. */
static void bitmap_unlink(BdrvDirtyBitmap *bm)
{
    g_mutex_lock(&bitmaps_lock);
    for (BdrvDirtyBitmap **p = &bm->bs->dirty_bitmaps; *p; p = &(*p)->next) {
        if (*p == bm) {
            *p = bm->next;
            break;
        }
    }
    g_mutex_unlock(&bitmaps_lock);
}

void bdrv_release_dirty_bitmap(BdrvDirtyBitmap *bm)
{
    if (bm->successor) {
        bdrv_release_dirty_bitmap(bm->successor);
    }
    bitmap_unlink(bm);
    dirty_map_destroy(&bm->map);
    g_free(bm->name);
    g_free(bm);
}

void bdrv_release_all_dirty_bitmaps(BlockDriverState *bs)
{
    while (bs->dirty_bitmaps) {
        BdrvDirtyBitmap *bm = bs->dirty_bitmaps;
        bm->successor = NULL;    /* on the list too: released in turn */
        bdrv_release_dirty_bitmap(bm);
    }
}

int bdrv_dirty_bitmap_check(BdrvDirtyBitmap *bm, unsigned flags,
                            Error **errp)
{
    if ((flags & BDRV_BITMAP_BUSY) && bm->busy) {
        error_setg(errp, "Bitmap '%s' is currently in use by another"
                   " operation and cannot be used", bm->name);
        return -1;
    }
    if ((flags & BDRV_BITMAP_RO) && bm->readonly) {
        error_setg(errp, "Bitmap '%s' is readonly and cannot be modified",
                   bm->name);
        return -1;
    }
    if ((flags & BDRV_BITMAP_INCONSISTENT) && bm->inconsistent) {
        error_setg(errp, "Bitmap '%s' is inconsistent and cannot be used",
                   bm->name);
        error_append_hint(errp, "Try block-dirty-bitmap-remove to delete"
                          " this bitmap from disk\n");
        return -1;
    }
    return 0;
}

bool bdrv_dirty_bitmap_recording(BdrvDirtyBitmap *bm)
{
    return !bm->disabled || (bm->successor && !bm->successor->disabled);
}

int64_t bdrv_default_bitmap_granularity(BlockDriverState *bs)
{
    uint32_t cluster = bs->drv->cluster_size ? bs->drv->cluster_size(bs) : 0;
    return cluster ? MAX(4096, cluster) : 64 * KiB;
}

bool bdrv_merge_dirty_bitmap(BdrvDirtyBitmap *dst, BdrvDirtyBitmap *src,
                             Error **errp)
{
    if (bdrv_dirty_bitmap_check(dst, BDRV_BITMAP_DEFAULT, errp) ||
        bdrv_dirty_bitmap_check(src, BDRV_BITMAP_ALLOW_RO, errp)) {
        return false;
    }
    if (dst->map.size != src->map.size) {
        error_setg(errp, "Bitmaps are of different sizes (destination size "
                   "is %" PRId64 ", source size is %" PRId64 ") and can't "
                   "be merged", dst->map.size, src->map.size);
        return false;
    }
    dirty_map_merge(&dst->map, &src->map);
    return true;
}

bool bdrv_can_store_new_dirty_bitmap(BlockDriverState *bs, const char *dev,
                                     const char *name, uint32_t granularity,
                                     Error **errp)
{
    if (!bs->drv->can_store_new_dirty_bitmap) {
        error_setg_errno(errp, ENOTSUP, "Can't store persistent bitmaps to %s",
                         dev);
        return false;
    }
    if (!bs->drv->can_store_new_dirty_bitmap(bs, name, granularity, errp)) {
        error_prepend(errp, "Can't make bitmap '%s' persistent in '%s': ",
                      name, dev);
        return false;
    }
    return true;
}

BdrvDirtyBitmap *bdrv_dirty_bitmap_add(BlockDriverState *bs, const char *dev,
                                       const char *name, uint32_t granularity,
                                       bool persistent, bool disabled,
                                       Error **errp)
{
    if (granularity) {
        if (granularity < 512 || (granularity & (granularity - 1))) {
            error_setg(errp, "Granularity must be power of 2 "
                       "and at least 512");
            return NULL;
        }
    } else {
        granularity = bdrv_default_bitmap_granularity(bs);
    }
    if (persistent &&
        !bdrv_can_store_new_dirty_bitmap(bs, dev, name, granularity, errp)) {
        return NULL;
    }
    BdrvDirtyBitmap *bm = bdrv_create_dirty_bitmap(bs, granularity, name,
                                                   errp);
    if (bm) {
        bm->disabled = disabled;
        bm->persistent = persistent;
    }
    return bm;
}

bool bdrv_dirty_bitmap_remove(BdrvDirtyBitmap *bm, Error **errp)
{
    BlockDriverState *bs = bm->bs;
    if (bdrv_dirty_bitmap_check(bm, BDRV_BITMAP_BUSY | BDRV_BITMAP_RO,
                                errp)) {
        return false;
    }
    if (bm->persistent && bs->drv->remove_persistent_dirty_bitmap &&
        bs->drv->remove_persistent_dirty_bitmap(bs, bm->name, errp) < 0) {
        return false;
    }
    bdrv_release_dirty_bitmap(bm);
    return true;
}

bool bdrv_dirty_bitmap_clear(BdrvDirtyBitmap *bm, Error **errp)
{
    if (bdrv_dirty_bitmap_check(bm, BDRV_BITMAP_DEFAULT, errp)) {
        return false;
    }
    dirty_map_clear(&bm->map);
    return true;
}

bool bdrv_dirty_bitmap_set_enabled(BdrvDirtyBitmap *bm, bool enabled,
                                   Error **errp)
{
    if (bdrv_dirty_bitmap_check(bm, BDRV_BITMAP_ALLOW_RO, errp)) {
        return false;
    }
    bm->disabled = !enabled;
    return true;
}

bool bdrv_dirty_bitmap_merge_all(BdrvDirtyBitmap *dst, BdrvDirtyBitmap **srcs,
                                 int n, Error **errp)
{
    /* As QEMU: into a scratch bitmap first, so @dst is unchanged on error. */
    BdrvDirtyBitmap *anon = bdrv_create_dirty_bitmap(dst->bs,
                                                     dst->map.granularity,
                                                     NULL, errp);
    bool ok = anon != NULL;
    for (int i = 0; ok && i < n; i++) {
        ok = bdrv_merge_dirty_bitmap(anon, srcs[i], errp);
    }
    ok = ok && bdrv_merge_dirty_bitmap(dst, anon, errp);
    if (anon) {
        bdrv_release_dirty_bitmap(anon);
    }
    return ok;
}

bool bdrv_dirty_bitmap_create_successor(BdrvDirtyBitmap *bm, Error **errp)
{
    if (bdrv_dirty_bitmap_check(bm, BDRV_BITMAP_BUSY, errp)) {
        return false;
    }
    BdrvDirtyBitmap *s = bdrv_create_dirty_bitmap(bm->bs, bm->map.granularity,
                                                  NULL, errp);
    if (!s) {
        return false;
    }
    /* The successor records as the bitmap did; the bitmap is frozen. */
    s->disabled = bm->disabled;
    bm->disabled = true;
    bm->busy = true;
    bm->successor = s;
    return true;
}

BdrvDirtyBitmap *bdrv_dirty_bitmap_abdicate(BdrvDirtyBitmap *bm)
{
    BdrvDirtyBitmap *s = bm->successor;
    if (!s) {
        return bm;
    }
    /* The successor becomes the bitmap, in its own (newer) place. */
    bm->successor = NULL;
    s->name = bm->name;
    bm->name = NULL;
    s->persistent = bm->persistent;
    s->inconsistent = bm->inconsistent;
    bdrv_release_dirty_bitmap(bm);
    return s;
}

BdrvDirtyBitmap *bdrv_dirty_bitmap_reclaim(BdrvDirtyBitmap *bm)
{
    BdrvDirtyBitmap *s = bm->successor;
    if (!s) {
        return bm;
    }
    /* Writes may land in the successor meanwhile: merge under their lock. */
    g_mutex_lock(&bitmaps_lock);
    dirty_map_merge(&bm->map, &s->map);
    bm->disabled = s->disabled;
    bm->busy = false;
    bm->successor = NULL;
    g_mutex_unlock(&bitmaps_lock);
    bdrv_release_dirty_bitmap(s);
    return bm;
}

void bdrv_set_dirty(BlockDriverState *bs, uint64_t offset, uint64_t bytes)
{
    if (!__atomic_load_n(&bs->dirty_bitmaps, __ATOMIC_ACQUIRE)) {
        return;
    }
    g_mutex_lock(&bitmaps_lock);
    for (BdrvDirtyBitmap *bm = bs->dirty_bitmaps; bm; bm = bm->next) {
        if (!bm->disabled) {
            dirty_map_set(&bm->map, offset, bytes, true);
        }
    }
    g_mutex_unlock(&bitmaps_lock);
}

void bdrv_dirty_bitmaps_resize(BlockDriverState *bs, int64_t size)
{
    g_mutex_lock(&bitmaps_lock);
    for (BdrvDirtyBitmap *bm = bs->dirty_bitmaps; bm; bm = bm->next) {
        dirty_map_resize(&bm->map, size);
    }
    g_mutex_unlock(&bitmaps_lock);
}
