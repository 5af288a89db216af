/*
 * kemu-img commit [-q] [-f fmt] [-b base] [-d] [-p] filename: copy what
 * the image (and, with -b, the layers between it and base) holds into its
 * backing file, then empty the image so the backing file shows through
 * again, unless -d; -b implies -d (the layers in between would no longer
 * match), as in qemu-img.  Messages and exit statuses as qemu-img's.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "kemu-img.h"

/* The node of @top's chain named @name (as given, or as a path). */
static BlockDriverState *find_base(BlockDriverState *top, const char *name)
{
    g_autofree char *want = realpath(name, NULL);
    for (BlockDriverState *b = top->backing; b; b = b->backing) {
        g_autofree char *have = realpath(b->filename, NULL);
        if (!strcmp(b->filename, name) ||
            (want && have && !strcmp(want, have))) {
            return b;
        }
    }
    return NULL;
}

int img_commit(int argc, char **argv)
{
    const char *fmt = NULL, *base_name = NULL;
    bool quiet = false, drop = false;
    int opt, ret = 1;
    while ((opt = getopt(argc, argv, ":hf:b:dpqt:r")) != -1) {
        switch (opt) {
        case 'f': fmt = optarg; break;
        case 'b': base_name = optarg; drop = true; break;
        case 'd': drop = true; break;
        case 'q': quiet = true; break;
        case 'p': case 't': case 'r': break;
        default:
            return img_option_error(opt, argv);
        }
    }
    if (argc - optind != 1) {
        error_report("Expecting one image file name");
        return 1;
    }
    const char *filename = argv[optind];
    BlockDriverState *top = img_open(filename, fmt, BDRV_O_RDWR);
    if (!top) {
        return 1;
    }
    BlockDriverState *base = top->backing;
    if (!base) {
        error_report("Image does not have a backing file");
        goto out;
    }
    if (base_name && !(base = find_base(top, base_name))) {
        error_report("Did not find '%s' in the backing chain of '%s'",
                     base_name, filename);
        goto out;
    }
    int r = bdrv_commit(top, base);
    if (r == 0 && !drop) {
        r = bdrv_make_empty(top);
        if (r == -ENOTSUP) {
            r = 0;          /* raw: nothing to empty, as qemu-img */
        }
    }
    if (r == 0) {
        r = bdrv_flush(top);
    }
    if (r < 0) {
        error_report("Failed to commit image: %s", strerror(-r));
        goto out;
    }
    if (!quiet) {
        printf("Image committed.\n");
    }
    ret = 0;
out:
    bdrv_unref(top);
    return ret;
}
