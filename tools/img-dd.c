/*
 * kemu-img dd [-f fmt] [-O output_fmt] [-U] [bs=N] [count=N] [skip=N]
 * if=input of=output: qemu-img 7.2's dd, quirks included: the output is
 * created anew and written block by block (zeroes too), and count counts
 * the skipped blocks as well.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include <getopt.h>
#include "kemu-img.h"

typedef struct DdArgs {
    const char *in, *out;
    uint64_t bs, count, skip;
    bool has_count, has_skip;
} DdArgs;

/* One "name=value" operand; false after qemu-img's message. */
static bool dd_operand(const char *arg, DdArgs *d)
{
    const char *eq = strchr(arg, '=');
    g_autofree char *name = eq ? g_strndup(arg, eq - arg) : g_strdup(arg);
    const char *v = eq ? eq + 1 : NULL;
    uint64_t n;
    if (!v) {
        error_report("unrecognized operand %s", arg);
        return false;
    }
    if (!strcmp(name, "if")) {
        d->in = v;
        return true;
    }
    if (!strcmp(name, "of")) {
        d->out = v;
        return true;
    }
    if (strcmp(name, "bs") && strcmp(name, "count") && strcmp(name, "skip")) {
        error_report("unrecognized operand %s", name);
        return false;
    }
    if (!img_parse_size(v, &n) || n > INT64_MAX) {
        img_size_error(name);
        return false;
    }
    if (!strcmp(name, "bs")) {
        if (n < 1 || n > INT_MAX) {
            error_report("Invalid bs specified. Must be between 1 and "
                         "2147483647.");
            return false;
        }
        d->bs = n;
    } else if (!strcmp(name, "count")) {
        d->count = n;
        d->has_count = true;
    } else {
        d->skip = n;
        d->has_skip = true;
    }
    return true;
}

int img_dd(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    DdArgs d = { .bs = 512 };
    const char *fmt = NULL, *out_fmt = "raw";
    ImgCreateOpts c = { 0 };
    BlockDriverState *in = NULL, *out = NULL;
    g_autofree char *osize = NULL;
    g_autofree uint8_t *buf = NULL;
    int opt, share = 0, ret = 1;

    while ((opt = getopt_long(argc, argv, ":hf:O:U", longopts,
                              NULL)) != -1) {
        switch (opt) {
        case 'f': fmt = optarg; break;
        case 'O': out_fmt = optarg; break;
        case 'U': share = BDRV_O_FORCE_SHARE; break;
        case 'h':
            printf("usage: kemu-img dd [-U] [-f fmt] [-O output_fmt] "
                   "[bs=block_size] [count=blocks] [skip=blocks] if=input "
                   "of=output\n");
            return 0;
        default:
            return img_option_error(opt, argv);
        }
    }
    for (int i = optind; i < argc; i++) {
        if (!dd_operand(argv[i], &d)) {
            return 1;
        }
    }
    if (!d.in || !d.out) {
        error_report("Must specify both input and output files");
        return 1;
    }
    in = img_open(d.in, fmt, share);
    if (!in) {
        return 1;
    }
    if (!bdrv_find_format(out_fmt) || !strcmp(out_fmt, "file")) {
        error_report("Unknown file format");
        goto out;
    }
    int64_t size = bdrv_getlength(in);
    if (d.has_count && d.count <= INT64_MAX / d.bs &&
        (int64_t)(d.count * d.bs) < size) {
        size = d.count * d.bs;
    }
    /* As dd(1): skipping past the end gives an empty output. */
    bool past_end = d.has_skip && (d.skip > INT64_MAX / d.bs ||
                                   (uint64_t)size < d.skip * d.bs);
    int64_t in_pos = past_end ? size : (int64_t)(d.skip * d.bs);
    osize = g_strdup_printf("%" PRId64, size - in_pos);
    c.errpfx = g_strdup_printf("%s: error while creating output image: ",
                               d.out);
    if (!img_opts_parse(out_fmt, &c)) {
        goto out;
    }
    img_opt_set(&c, "size", osize);
    if (img_create_image(out_fmt, d.out, &c, true)) {
        goto out;
    }
    out = img_open(d.out, out_fmt, BDRV_O_RDWR);
    if (!out) {
        goto out;
    }
    if (past_end) {
        error_report("%s: cannot skip to specified offset", d.in);
    }
    buf = g_malloc(d.bs);
    for (int64_t out_pos = 0; in_pos < size;) {
        uint64_t n = MIN((int64_t)d.bs, size - in_pos);
        int r = bdrv_pread(in, in_pos, n, buf);
        if (r < 0) {
            error_report("error while reading from input image file: %s",
                         strerror(-r));
            goto out;
        }
        r = bdrv_pwrite(out, out_pos, n, buf);
        if (r < 0) {
            error_report("error while writing to output image file: %s",
                         strerror(-r));
            goto out;
        }
        in_pos += n;
        out_pos += n;
    }
    ret = 0;
out:
    bdrv_unref(out);
    bdrv_unref(in);
    img_opts_free(&c);
    return ret;
}
