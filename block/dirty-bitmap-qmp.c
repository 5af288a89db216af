/*
 * QMP block-dirty-bitmap-add/-remove/-clear/-enable/-disable/-merge and
 * x-debug-block-dirty-bitmap-sha256, with QEMU 7.2's checks and texts;
 * bdrv_query_dirty_bitmaps fills BlockDeviceInfo's dirty-bitmaps.
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "block-int.h"
#include "block-qapi.h"
#include "block/dirty-bitmap.h"
#include "json-args.h"

/* QEMU's bdrv_get_device_or_node_name: the drive using @bs, else its node. */
static const char *device_or_node_name(BlockDriverState *bs)
{
    for (GList *l = drive_list(); l; l = l->next) {
        DriveInfo *d = l->data;
        if (d->blk && blk_bs(d->blk) == bs) {
            return d->id;
        }
    }
    return bs->node_name ? bs->node_name : "";
}

/* QEMU's block_dirty_bitmap_lookup. */
static BdrvDirtyBitmap *bitmap_lookup(const char *node, const char *name,
                                      Error **errp)
{
    BlockDriverState *bs = blockdev_lookup_bs(node, node, NULL);
    if (!bs) {
        error_setg(errp, "Node '%s' not found", node);
        return NULL;
    }
    BdrvDirtyBitmap *bm = bdrv_find_dirty_bitmap(bs, name);
    if (!bm) {
        error_setg(errp, "Dirty bitmap '%s' not found", name);
    }
    return bm;
}

BlockDirtyInfoList *bdrv_query_dirty_bitmaps(BlockDriverState *bs)
{
    BlockDirtyInfoList *head = NULL, **tail = &head;
    for (BdrvDirtyBitmap *bm = bdrv_dirty_bitmaps(bs); bm; bm = bm->next) {
        BlockDirtyInfo *info = g_new0(BlockDirtyInfo, 1);
        info->has_name = bm->name != NULL;
        info->name = g_strdup(bm->name);
        info->count = dirty_map_dirty_bytes(&bm->map);
        info->granularity = bm->map.granularity;
        info->recording = bdrv_dirty_bitmap_recording(bm);
        info->busy = bm->busy;
        info->persistent = bm->persistent;
        info->has_inconsistent = info->inconsistent = bm->inconsistent;
        *tail = g_new0(BlockDirtyInfoList, 1);
        (*tail)->value = info;
        tail = &(*tail)->next;
    }
    return head;
}

void qmp_block_dirty_bitmap_add(const char *node, const char *name,
                                bool has_granularity, uint32_t granularity,
                                bool has_persistent, bool persistent,
                                bool has_disabled, bool disabled,
                                Error **errp)
{
    if (!name[0]) {
        error_setg(errp, "Bitmap name cannot be empty");
        return;
    }
    BlockDriverState *bs = blockdev_lookup_bs(node, node, errp);
    if (!bs) {
        return;
    }
    if (has_granularity) {
        if (granularity < 512 || (granularity & (granularity - 1))) {
            error_setg(errp, "Granularity must be power of 2 "
                       "and at least 512");
            return;
        }
    } else {
        granularity = bdrv_default_bitmap_granularity(bs);
    }
    persistent = has_persistent && persistent;
    if (persistent &&
        !bdrv_can_store_new_dirty_bitmap(bs, name, granularity, errp)) {
        return;
    }
    BdrvDirtyBitmap *bm = bdrv_create_dirty_bitmap(bs, granularity, name,
                                                   errp);
    if (bm) {
        bm->disabled = has_disabled && disabled;
        bm->persistent = persistent;
    }
}

bool bdrv_can_store_new_dirty_bitmap(BlockDriverState *bs, const char *name,
                                     uint32_t granularity, Error **errp)
{
    if (!bs->drv->can_store_new_dirty_bitmap) {
        error_setg_errno(errp, ENOTSUP, "Can't store persistent bitmaps to %s",
                         device_or_node_name(bs));
        return false;
    }
    if (!bs->drv->can_store_new_dirty_bitmap(bs, name, granularity, errp)) {
        error_prepend(errp, "Can't make bitmap '%s' persistent in '%s': ",
                      name, device_or_node_name(bs));
        return false;
    }
    return true;
}

void qmp_block_dirty_bitmap_remove(const char *node, const char *name,
                                   Error **errp)
{
    BdrvDirtyBitmap *bm = bitmap_lookup(node, name, errp);
    if (!bm || bdrv_dirty_bitmap_check(bm, BDRV_BITMAP_BUSY | BDRV_BITMAP_RO,
                                       errp)) {
        return;
    }
    if (bm->persistent && bm->bs->drv->remove_persistent_dirty_bitmap &&
        bm->bs->drv->remove_persistent_dirty_bitmap(bm->bs, name, errp) < 0) {
        return;
    }
    bdrv_release_dirty_bitmap(bm);
}

void qmp_block_dirty_bitmap_clear(const char *node, const char *name,
                                  Error **errp)
{
    BdrvDirtyBitmap *bm = bitmap_lookup(node, name, errp);
    if (bm && !bdrv_dirty_bitmap_check(bm, BDRV_BITMAP_DEFAULT, errp)) {
        dirty_map_clear(&bm->map);
    }
}

static void bitmap_set_enabled(const char *node, const char *name,
                               bool enabled, Error **errp)
{
    BdrvDirtyBitmap *bm = bitmap_lookup(node, name, errp);
    if (bm && !bdrv_dirty_bitmap_check(bm, BDRV_BITMAP_ALLOW_RO, errp)) {
        bm->disabled = !enabled;
    }
}

void qmp_block_dirty_bitmap_enable(const char *node, const char *name,
                                   Error **errp)
{
    bitmap_set_enabled(node, name, true, errp);
}

void qmp_block_dirty_bitmap_disable(const char *node, const char *name,
                                    Error **errp)
{
    bitmap_set_enabled(node, name, false, errp);
}

/*
 * One element of @bitmaps: a bitmap name on @bs or {node, name}, read as
 * QEMU's visitor reads the alternate BlockDirtyBitmapOrStr.
 */
static BdrvDirtyBitmap *merge_source(BlockDriverState *bs, JsonNode *n,
                                     int index, Error **errp)
{
    if (JSON_NODE_HOLDS_VALUE(n) &&
        json_node_get_value_type(n) == G_TYPE_STRING) {
        const char *name = json_node_get_string(n);
        BdrvDirtyBitmap *bm = bdrv_find_dirty_bitmap(bs, name);
        if (!bm) {
            error_setg(errp, "Dirty bitmap '%s' not found", name);
        }
        return bm;
    }
    if (!JSON_NODE_HOLDS_OBJECT(n)) {
        /* Sic: QEMU's visitor names no member here. */
        error_setg(errp, "Invalid parameter type for 'null', expected: "
                   "BlockDirtyBitmapOrStr");
        return NULL;
    }
    static const char *const known[] = { "node", "name", NULL };
    g_autofree char *prefix = g_strdup_printf("bitmaps[%d].", index);
    JsonArgs a = { json_node_get_object(n), prefix, errp, true };
    const char *node = json_args_str(&a, "node", true);
    const char *name = json_args_str(&a, "name", true);
    if (!json_args_check_members(&a, known)) {
        return NULL;
    }
    return bitmap_lookup(node, name, errp);
}

void qmp_block_dirty_bitmap_merge(const char *node, const char *target,
                                  anyList *bitmaps, Error **errp)
{
    BdrvDirtyBitmap *dst = bitmap_lookup(node, target, errp);
    if (!dst || bdrv_dirty_bitmap_check(dst, BDRV_BITMAP_DEFAULT, errp)) {
        return;
    }
    BlockDriverState *bs = dst->bs;
    /* As QEMU: into a scratch bitmap first, so @dst is unchanged on error. */
    BdrvDirtyBitmap *anon = bdrv_create_dirty_bitmap(bs, dst->map.granularity,
                                                     NULL, errp);
    if (!anon) {
        return;
    }
    int i = 0;
    for (anyList *l = bitmaps; l; l = l->next, i++) {
        BdrvDirtyBitmap *src = merge_source(bs, l->value, i, errp);
        if (!src || !bdrv_merge_dirty_bitmap(anon, src, errp)) {
            goto out;
        }
    }
    bdrv_merge_dirty_bitmap(dst, anon, errp);
out:
    bdrv_release_dirty_bitmap(anon);
}

BlockDirtyBitmapSha256 *qmp_x_debug_block_dirty_bitmap_sha256(
    const char *node, const char *name, Error **errp)
{
    BdrvDirtyBitmap *bm = bitmap_lookup(node, name, errp);
    if (!bm) {
        return NULL;
    }
    /* QEMU hashes its bit array as whole 64-bit words (little endian). */
    int64_t len = QEMU_ALIGN_UP(bm->map.nbits, 64) / 8;
    g_autofree uint8_t *buf = g_malloc(len);
    dirty_map_read_bytes(&bm->map, 0, len, buf);
    BlockDirtyBitmapSha256 *r = g_new0(BlockDirtyBitmapSha256, 1);
    r->sha256 = g_compute_checksum_for_data(G_CHECKSUM_SHA256, buf, len);
    return r;
}
