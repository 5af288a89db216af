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
    if (bs) {
        bdrv_dirty_bitmap_add(bs, bdrv_get_device_or_node_name(bs), name,
                              has_granularity ? granularity : 0,
                              has_persistent && persistent,
                              has_disabled && disabled, errp);
    }
}

void qmp_block_dirty_bitmap_remove(const char *node, const char *name,
                                   Error **errp)
{
    BdrvDirtyBitmap *bm = bitmap_lookup(node, name, errp);
    if (bm) {
        bdrv_dirty_bitmap_remove(bm, errp);
    }
}

void qmp_block_dirty_bitmap_clear(const char *node, const char *name,
                                  Error **errp)
{
    BdrvDirtyBitmap *bm = bitmap_lookup(node, name, errp);
    if (bm) {
        bdrv_dirty_bitmap_clear(bm, errp);
    }
}

void qmp_block_dirty_bitmap_enable(const char *node, const char *name,
                                   Error **errp)
{
    BdrvDirtyBitmap *bm = bitmap_lookup(node, name, errp);
    if (bm) {
        bdrv_dirty_bitmap_set_enabled(bm, true, errp);
    }
}

void qmp_block_dirty_bitmap_disable(const char *node, const char *name,
                                    Error **errp)
{
    BdrvDirtyBitmap *bm = bitmap_lookup(node, name, errp);
    if (bm) {
        bdrv_dirty_bitmap_set_enabled(bm, false, errp);
    }
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
    GPtrArray *srcs = g_ptr_array_new();
    int i = 0;
    for (anyList *l = bitmaps; l; l = l->next, i++) {
        BdrvDirtyBitmap *src = merge_source(dst->bs, l->value, i, errp);
        if (!src) {
            g_ptr_array_free(srcs, true);
            return;
        }
        g_ptr_array_add(srcs, src);
    }
    bdrv_dirty_bitmap_merge_all(dst, (BdrvDirtyBitmap **)srcs->pdata,
                                srcs->len, errp);
    g_ptr_array_free(srcs, true);
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
