/*
 * kemu-img bitmap: qemu-img 7.2's persistent bitmap editing.  The
 * operations (--add, --remove, --clear, --enable, --disable, --merge
 * SOURCE [-b FILE [-F FMT]]) run in the order given on one image, through
 * the same node-level calls as the QMP commands; the image stores its
 * bitmaps when it closes, also after a failed operation (as qemu-img).
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "block/dirty-bitmap.h"
#include <getopt.h>
#include "kemu-img.h"

typedef struct BitmapAction {
    int op;                  /* the long option's value */
    const char *src;         /* --merge SOURCE */
} BitmapAction;

enum { OP_ADD = 0x100, OP_REMOVE, OP_CLEAR, OP_ENABLE, OP_DISABLE,
       OP_MERGE, OP_IMAGE_OPTS };

static const char *const op_names[] = {
    "add", "remove", "clear", "enable", "disable", "merge",
};

/* One operation on bitmap @name of @bs; @src_bs: where --merge reads. */
static bool bitmap_do(BlockDriverState *bs, BlockDriverState *src_bs,
                      const char *name, const BitmapAction *a,
                      uint32_t granularity, Error **errp)
{
    const char *dev = bs->node_name ? bs->node_name : "#block0";
    if (a->op == OP_ADD) {
        if (!name[0]) {
            error_setg(errp, "Bitmap name cannot be empty");
            return false;
        }
        return bdrv_dirty_bitmap_add(bs, dev, name, granularity, true, false,
                                     errp);
    }
    BdrvDirtyBitmap *bm = bdrv_find_dirty_bitmap(bs, name);
    if (!bm) {
        error_setg(errp, "Dirty bitmap '%s' not found", name);
        return false;
    }
    switch (a->op) {
    case OP_REMOVE:
        return bdrv_dirty_bitmap_remove(bm, errp);
    case OP_CLEAR:
        return bdrv_dirty_bitmap_clear(bm, errp);
    case OP_ENABLE:
    case OP_DISABLE:
        return bdrv_dirty_bitmap_set_enabled(bm, a->op == OP_ENABLE, errp);
    default: {
        BdrvDirtyBitmap *src = bdrv_find_dirty_bitmap(src_bs, a->src);
        if (!src) {
            error_setg(errp, "Dirty bitmap '%s' not found", a->src);
            return false;
        }
        return !bdrv_dirty_bitmap_check(bm, BDRV_BITMAP_DEFAULT, errp) &&
               bdrv_dirty_bitmap_merge_all(bm, &src, 1, errp);
    }
    }
}

int img_bitmap(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "add", no_argument, NULL, OP_ADD },
        { "remove", no_argument, NULL, OP_REMOVE },
        { "clear", no_argument, NULL, OP_CLEAR },
        { "enable", no_argument, NULL, OP_ENABLE },
        { "disable", no_argument, NULL, OP_DISABLE },
        { "merge", required_argument, NULL, OP_MERGE },
        { "granularity", required_argument, NULL, 'g' },
        { "source-file", required_argument, NULL, 'b' },
        { "source-format", required_argument, NULL, 'F' },
        { "image-opts", no_argument, NULL, OP_IMAGE_OPTS },
        { NULL, 0, NULL, 0 },
    };
    g_autoptr(GArray) acts = g_array_new(false, false, sizeof(BitmapAction));
    const char *fmt = NULL, *src_file = NULL, *src_fmt = NULL;
    uint64_t granularity = 0;
    bool add = false, merge = false, image_opts = false;
    int opt, ret = 1;

    while ((opt = getopt_long(argc, argv, ":b:f:F:g:hq", longopts,
                              NULL)) != -1) {
        BitmapAction a = { .op = opt };
        switch (opt) {
        case 'b': src_file = optarg; break;
        case 'f': fmt = optarg; break;
        case 'F': src_fmt = optarg; break;
        case 'q': break;
        case 'g':
            if (!img_parse_size(optarg, &granularity)) {
                error_report("Invalid granularity specified");
                return 1;
            }
            break;
        case OP_IMAGE_OPTS: image_opts = true; break;
        case OP_ADD: case OP_REMOVE: case OP_CLEAR: case OP_ENABLE:
        case OP_DISABLE: case OP_MERGE:
            add |= opt == OP_ADD;
            merge |= opt == OP_MERGE;
            a.src = opt == OP_MERGE ? optarg : NULL;
            g_array_append_val(acts, a);
            break;
        default:
            return img_option_error(opt, argv);
        }
    }
    if (!acts->len) {
        error_report("Need at least one of --add, --remove, --clear, "
                     "--enable, --disable, or --merge");
        return 1;
    }
    if (granularity && !add) {
        error_report("granularity only supported with --add");
        return 1;
    }
    if (src_fmt && !src_file) {
        error_report("-F only supported with -b");
        return 1;
    }
    if (src_file && !merge) {
        error_report("Merge bitmap source file only supported with --merge");
        return 1;
    }
    if (optind != argc - 2) {
        error_report("Expecting filename and bitmap name");
        return 1;
    }
    if (!img_check_image_opts(image_opts, fmt)) {
        return 1;
    }
    const char *name = argv[optind + 1];
    BlockDriverState *bs = img_open_any(argv[optind], fmt, BDRV_O_RDWR,
                                        image_opts);
    BlockDriverState *src_bs = bs;
    if (bs && src_file) {
        src_bs = img_open(src_file, src_fmt, 0);
    }
    if (!bs || !src_bs) {
        goto out;
    }
    ret = 0;
    for (guint i = 0; i < acts->len; i++) {
        BitmapAction *a = &g_array_index(acts, BitmapAction, i);
        Error *err = NULL;
        if (!bitmap_do(bs, src_bs, name, a, granularity, &err)) {
            error_report("Operation %s on bitmap %s failed: %s",
                         op_names[a->op - OP_ADD], name,
                         error_get_pretty(err));
            error_free(err);
            ret = 1;
            break;
        }
    }
out:
    if (src_bs != bs) {
        bdrv_unref(src_bs);
    }
    bdrv_unref(bs);
    return ret;
}
