/*
 * kemu-img amend [-f fmt] [-t cache] [-p] [-q] -o options filename:
 * change a qcow2 image's compat level (up and down), lazy refcounts and
 * size in place, with qemu-img 7.2's option checks and messages.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include <getopt.h>
#include "kemu-img.h"

/* The -o values as the block layer takes them; false after the error. */
static bool amend_opts(ImgCreateOpts *c, BlockAmendOpts *o)
{
    const char *v;
    *o = (BlockAmendOpts) { .lazy_refcounts = -1 };
    if ((v = img_opt(c, "compat"))) {
        o->version = img_parse_compat(v);
        if (!o->version) {
            error_report("Unknown compatibility level %s", v);
            return false;
        }
    }
    if ((v = img_opt(c, "size"))) {
        o->size = g_ascii_strtoull(v, NULL, 10);
    }
    if ((v = img_opt(c, "lazy_refcounts"))) {
        o->lazy_refcounts = !strcmp(v, "on");
    }
    if ((v = img_opt(c, "refcount_bits"))) {
        uint64_t n = g_ascii_strtoull(v, NULL, 10);
        if (!n || n > 64 || (n & (n - 1))) {
            error_report("Refcount width must be a power of two and may not "
                         "exceed 64 bits");
            return false;
        }
        o->refcount_bits = n;
    }
    if (img_opt(c, "backing_file") || img_opt(c, "backing_fmt")) {
        error_report("Cannot amend the backing file");
        error_printf("You can use 'qemu-img rebase' instead.\n");
        return false;
    }
    if (img_opt(c, "data_file")) {
        error_report("data-file can only be set for images that use an "
                     "external data file");
        return false;
    }
    if ((v = img_opt(c, "data_file_raw")) && !strcmp(v, "on")) {
        error_report("data-file-raw cannot be set on existing images");
        return false;
    }
    return true;
}

int img_amend(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "force", no_argument, NULL, 'F' },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt = NULL;
    ImgCreateOpts c = { 0 };
    BlockAmendOpts o;
    bool progress = false, quiet = false;
    int opt, flags = 0, ret = 1;

    while ((opt = getopt_long(argc, argv, ":ho:f:t:pq", longopts,
                              NULL)) != -1) {
        switch (opt) {
        case 'o': img_opts_append(&c, optarg); break;
        case 'f': fmt = optarg; break;
        case 'p': progress = true; break;
        case 'q': quiet = true; break;
        case 'F': break;        /* no encryption to force past */
        case 't':
            if (!bdrv_parse_cache_mode(optarg, &flags)) {
                error_report("Invalid cache option: %s", optarg);
                goto out;
            }
            break;
        case 'h':
            printf("usage: kemu-img amend [-p] [-q] [-f fmt] [-t cache] "
                   "-o options filename\n");
            ret = 0;
            goto out;
        default:
            ret = img_option_error(opt, argv);
            goto out;
        }
    }
    if (!c.optstr) {
        error_report("Must specify options (-o)");
        error_printf("Try 'kemu-img --help' for more information\n");
        goto out;
    }
    if (img_opts_is_help(c.optstr->str)) {
        img_amend_help();
        ret = 0;
        goto out;
    }
    if (argc - optind != 1) {
        error_report("Expecting one image file name");
        goto out;
    }
    BlockDriverState *bs = img_open(argv[optind], fmt, BDRV_O_RDWR | flags);
    if (!bs) {
        goto out;
    }
    Error *err = NULL;
    if (!bs->drv->amend) {
        error_report("Format driver '%s' does not support option amendment",
                     bdrv_get_format_name(bs));
    } else if (img_amend_opts_check(c.optstr->str) &&
               img_opts_parse(bdrv_get_format_name(bs), &c) &&
               amend_opts(&c, &o)) {
        img_progress_print(progress && !quiet, 0);
        if (bdrv_amend(bs, &o, &err) < 0) {
            error_report("%s", error_get_pretty(err));
            error_free(err);
        } else {
            img_progress_print(progress && !quiet, 100);
            ret = 0;
        }
        if (progress && !quiet) {
            printf("\n");
        }
    }
    bdrv_unref(bs);
out:
    img_opts_free(&c);
    return ret;
}
