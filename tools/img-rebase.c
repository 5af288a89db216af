/*
 * kemu-img rebase [-f fmt] [-F backing_fmt] [-u] [-p] [-q] -b backing_file
 * filename: point an image at another backing file.  Safe mode (the
 * default) first copies into the image every range it does not hold
 * where the old chain and the new backing file read differently, so the
 * guest-visible content stays the same; -u only rewrites the header.
 * -b "" removes the backing file (safe mode copies everything it gave).
 * Messages and exit statuses as qemu-img's.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "kemu-img.h"

#define REBASE_CHUNK    (1 * MiB)
#define REBASE_BLOCK    (64 * KiB)  /* granularity of the comparison */

/* Copy into @top what differs between its old chain and @base. */
static int rebase_copy(BlockDriverState *top, BlockDriverState *base)
{
    int64_t size = bdrv_getlength(top);
    int64_t base_len = base ? bdrv_getlength(base) : 0;
    g_autofree uint8_t *old_buf = g_malloc(REBASE_CHUNK);
    g_autofree uint8_t *new_buf = g_malloc(REBASE_CHUNK);

    for (int64_t off = 0; off < size;) {
        uint64_t pnum, map;
        int st = bdrv_block_status(top, off,
                                   MIN((int64_t)REBASE_CHUNK, size - off),
                                   &pnum, &map);
        if (st < 0) {
            return st;
        }
        if (st & BDRV_BLOCK_ALLOCATED) {
            off += pnum;
            continue;
        }
        int ret = bdrv_pread(top, off, pnum, old_buf);
        if (ret < 0) {
            return ret;
        }
        memset(new_buf, 0, pnum);
        if (off < base_len) {
            ret = bdrv_pread(base, off, MIN((int64_t)pnum, base_len - off),
                             new_buf);
            if (ret < 0) {
                return ret;
            }
        }
        for (uint64_t at = 0; at < pnum; at += REBASE_BLOCK) {
            uint64_t n = MIN(pnum - at, REBASE_BLOCK);
            if (memcmp(old_buf + at, new_buf + at, n)) {
                ret = bdrv_pwrite(top, off + at, n, old_buf + at);
                if (ret < 0) {
                    return ret;
                }
            }
        }
        off += pnum;
    }
    return bdrv_flush(top);
}

int img_rebase(int argc, char **argv)
{
    const char *fmt = NULL, *base_fmt = NULL, *base_name = NULL;
    bool unsafe = false;
    int opt, ret = 1;
    while ((opt = getopt(argc, argv, ":hf:F:b:upqt:T:U")) != -1) {
        switch (opt) {
        case 'f': fmt = optarg; break;
        case 'F': base_fmt = optarg; break;
        case 'b': base_name = optarg; break;
        case 'u': unsafe = true; break;
        case 'p': case 'q': case 't': case 'T': case 'U': break;
        default:
            return img_option_error(opt, argv);
        }
    }
    if (argc - optind != 1) {
        error_report("Expecting one image file name");
        return 1;
    }
    if (!base_name && !unsafe) {
        error_report("Must specify backing file (-b) or use unsafe mode "
                     "(-u)");
        error_printf("Try 'kemu-img --help' for more information\n");
        return 1;
    }
    const char *filename = argv[optind];
    BlockDriverState *top = img_open(filename, fmt, BDRV_O_RDWR |
                                     (unsafe ? BDRV_O_NO_BACKING : 0));
    if (!top) {
        return 1;
    }
    const char *new_file = base_name && base_name[0] ? base_name : NULL;
    BlockDriverState *base = NULL;
    Error *err = NULL;
    if (new_file) {
        /* A relative name is relative to the image, as in the header. */
        g_autofree char *path = bdrv_path_combine(filename, new_file);
        base = bdrv_open(path, base_fmt, NULL, BDRV_O_NO_BACKING * unsafe,
                         &err);
        if (!base && !unsafe) {
            /* qemu-img names the file once here, not twice as for -f. */
            const char *msg = error_get_pretty(err);
            g_autofree char *twice = g_strdup_printf(
                "Could not open '%s': Could not open", path);
            if (g_str_has_prefix(msg, twice)) {
                msg += strlen(twice) - strlen("Could not open");
            }
            error_report("Could not open new backing file '%s': %s",
                         new_file, msg);
            goto out;
        }
        if (!base && !base_fmt) {
            error_report("Could not change the backing file to '%s': "
                         "backing format must be specified", new_file);
            goto out;
        }
        if (!base_fmt) {
            base_fmt = bdrv_get_format_name(base);
        }
        error_free(err);
        err = NULL;
    }
    if (!unsafe) {
        int r = rebase_copy(top, base);
        if (r < 0) {
            error_report("Error while rebasing: %s", strerror(-r));
            goto out;
        }
    }
    if (bdrv_change_backing_file(top, new_file, new_file ? base_fmt : NULL,
                                 &err) < 0) {
        error_report("Could not change the backing file to '%s': %s",
                     new_file ? new_file : "", error_get_pretty(err));
        goto out;
    }
    ret = 0;
out:
    error_free(err);
    if (base) {
        bdrv_unref(base);
    }
    bdrv_unref(top);
    return ret;
}
