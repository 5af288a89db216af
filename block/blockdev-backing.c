/*
 * QMP block-set-write-threshold and change-backing-file: node-level
 * commands on the named graph, with QEMU 7.2's lookups and messages.
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "block/blockdev.h"
#include "block-int.h"

void qmp_block_set_write_threshold(const char *node_name,
                                   uint64_t write_threshold, Error **errp)
{
    BlockDriverState *bs = bdrv_find_node(node_name);

    if (!bs) {
        error_setg(errp, "Device '%s' not found", node_name);
        return;
    }
    __atomic_store_n(&bs->write_threshold, write_threshold,
                     __ATOMIC_RELAXED);
}

/* A node no other node has as its file or backing child. */
static bool bdrv_is_root(BlockDriverState *bs)
{
    for (GList *l = bdrv_named_nodes(); l; l = l->next) {
        BlockDriverState *p = l->data;
        if (p->file == bs || p->backing == bs) {
            return false;
        }
    }
    return true;
}

static bool chain_contains(BlockDriverState *top, BlockDriverState *bs)
{
    for (; top; top = top->backing) {
        if (top == bs) {
            return true;
        }
    }
    return false;
}

/*
 * A read-only node's image is changed through a second, writable handle
 * (as commit does); the node then shows the new name.
 */
static int change_backing_string(BlockDriverState *bs, const char *file,
                                 const char *fmt, Error **errp)
{
    BlockDriverState *w = bs;
    int ret;

    if (bs->read_only) {
        w = bdrv_open(bs->filename, bdrv_get_format_name(bs), NULL,
                      BDRV_O_RDWR | BDRV_O_NO_BACKING | BDRV_O_NO_LOCK,
                      errp);
        if (!w) {
            return -EIO;
        }
    }
    ret = bdrv_change_backing_file(w, file, fmt, errp);
    if (w != bs) {
        bdrv_unref(w);
        if (ret == 0) {
            g_strlcpy(bs->backing_file, file, sizeof(bs->backing_file));
            g_strlcpy(bs->backing_format, fmt, sizeof(bs->backing_format));
        }
    }
    return ret;
}

void qmp_change_backing_file(const char *device, const char *image_node_name,
                             const char *backing_file, Error **errp)
{
    Error *local = NULL;
    BlockDriverState *bs = blockdev_lookup_bs(device, device, errp);
    BlockDriverState *image;

    if (!bs) {
        return;
    }
    image = blockdev_lookup_bs(NULL, image_node_name, errp);
    if (!image) {
        return;
    }
    if (!image->backing) {
        error_setg(errp, "not allowing backing file change on an image "
                   "without a backing file");
        return;
    }
    /* As QEMU, a job anywhere on the device's chain blocks the change. */
    if (!bdrv_check_not_busy(bs, device, errp)) {
        return;
    }
    if (!bdrv_is_root(bs)) {
        error_setg(errp, "Need a root block node");
        return;
    }
    if (!chain_contains(bs, image)) {
        error_setg(errp, "'%s' and image file are not in the same chain",
                   device);
        return;
    }
    /* QEMU records the image's own format as the backing format. */
    if (change_backing_string(image, backing_file,
                              bdrv_get_format_name(image), &local) < 0) {
        error_free(local);
        error_setg(errp, "Could not change backing file to '%s'",
                   backing_file);
    }
}
