/*
 * kemu-img: create, inspect, check, convert, resize, compare and
 * snapshot disk images, with qemu-img's options, output text and exit
 * statuses.  info/check/map live in img-info.c, snapshot in
 * img-snapshot.c.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include <getopt.h>
#include <math.h>
#include "kemu-img.h"

/* -o key=value,... for create and convert. */
typedef struct ImgCreateOpts {
    BlockCreateOpts o;
    char *compat_str;          /* as typed, for the Formatting line */
    bool lazy_given;
    char *backing;
    char *backing_fmt;
    bool cluster_given;
} ImgCreateOpts;

static bool parse_create_opts(const char *fmt, const char *str,
                              ImgCreateOpts *c)
{
    g_auto(GStrv) parts = g_strsplit(str, ",", -1);
    for (int i = 0; parts[i]; i++) {
        char *eq = strchr(parts[i], '=');
        if (!parts[i][0]) {
            continue;
        }
        if (!eq) {
            error_report("Invalid parameter '%s'", parts[i]);
            return false;
        }
        *eq = 0;
        const char *k = parts[i], *v = eq + 1;
        uint64_t n;
        if (!strcmp(k, "size")) {
            if (!img_parse_size(v, &n)) {
                error_report("Parameter 'size' expects a non-negative number "
                             "below 2^64");
                return false;
            }
            c->o.size = n;
        } else if (!strcmp(k, "backing_file")) {
            g_free(c->backing);
            c->backing = g_strdup(v);
        } else if (!strcmp(k, "backing_fmt")) {
            g_free(c->backing_fmt);
            c->backing_fmt = g_strdup(v);
        } else if (!strcmp(fmt, "qcow2") && !strcmp(k, "cluster_size")) {
            if (!img_parse_size(v, &n) || n > UINT32_MAX) {
                error_report("Parameter 'cluster_size' expects a non-negative "
                             "number below 2^64");
                return false;
            }
            c->o.cluster_size = n;
            c->cluster_given = true;
        } else if (!strcmp(fmt, "qcow2") && !strcmp(k, "compat")) {
            if (!strcmp(v, "0.10") || !strcmp(v, "v2")) {
                c->o.compat = 2;
            } else if (!strcmp(v, "1.1") || !strcmp(v, "v3")) {
                c->o.compat = 3;
            } else {
                error_report("Invalid parameter '%s'", v);
                return false;
            }
            g_free(c->compat_str);
            c->compat_str = g_strdup(v);
        } else if (!strcmp(fmt, "qcow2") && !strcmp(k, "lazy_refcounts")) {
            if (strcmp(v, "on") && strcmp(v, "off")) {
                error_report("Parameter 'lazy_refcounts' expects 'on' or "
                             "'off'");
                return false;
            }
            c->o.lazy_refcounts = !strcmp(v, "on");
            c->lazy_given = true;
        } else if (!strcmp(fmt, "qcow2") && !strcmp(k, "refcount_bits")) {
            if (!img_parse_size(v, &n) || n > 64) {
                error_report("Refcount width must be a power of two and may "
                             "not exceed 64 bits");
                return false;
            }
            c->o.refcount_bits = n;
        } else {
            error_report("Invalid parameter '%s'", k);
            return false;
        }
    }
    return true;
}

/* Create an image and print qemu-img's "Formatting" line. */
static int do_create(const char *fmt, const char *filename, ImgCreateOpts *c,
                     bool have_size, bool quiet)
{
    Error *err = NULL;
    if (!bdrv_find_format(fmt) || !strcmp(fmt, "file")) {
        error_report("Unknown file format '%s'", fmt);
        return 1;
    }
    if (c->backing && strcmp(fmt, "qcow2")) {
        error_report("%s: Backing file not supported for file format '%s'",
                     filename, fmt);
        return 1;
    }
    if (c->backing) {
        g_autofree char *path = bdrv_path_combine(filename, c->backing);
        BlockDriverState *b = bdrv_open(path, c->backing_fmt, NULL,
                                        BDRV_O_NO_BACKING, &err);
        if (!b) {
            error_report("%s: %s", filename, error_get_pretty(err));
            error_free(err);
            return 1;
        }
        if (!c->backing_fmt) {
            error_report("%s: Backing file specified without backing format",
                         filename);
            error_printf("Detected format of %s.", bdrv_get_format_name(b));
            bdrv_unref(b);
            return 1;
        }
        if (!have_size) {
            c->o.size = bdrv_getlength(b);
            have_size = true;
        }
        bdrv_unref(b);
    }
    if (!have_size) {
        error_report("%s: Image creation needs a size parameter", filename);
        return 1;
    }
    c->o.backing_file = c->backing;
    c->o.backing_fmt = c->backing_fmt;
    if (!quiet) {
        GString *line = g_string_new(NULL);
        g_string_append_printf(line, "Formatting '%s', fmt=%s ", filename,
                               fmt);
        if (!strcmp(fmt, "qcow2")) {
            g_string_append_printf(line, "cluster_size=%u extended_l2=off "
                                   "compression_type=zlib ",
                                   c->o.cluster_size ? c->o.cluster_size
                                                     : 65536);
        }
        g_string_append_printf(line, "size=%" PRIu64, c->o.size);
        if (c->backing) {
            g_string_append_printf(line, " backing_file=%s", c->backing);
        }
        if (c->backing_fmt) {
            g_string_append_printf(line, " backing_fmt=%s", c->backing_fmt);
        }
        if (!strcmp(fmt, "qcow2")) {
            if (c->compat_str) {
                g_string_append_printf(line, " compat=%s", c->compat_str);
            }
            g_string_append_printf(line, " lazy_refcounts=%s refcount_bits=%d",
                                   c->o.lazy_refcounts ? "on" : "off",
                                   c->o.refcount_bits ? c->o.refcount_bits
                                                      : 16);
        }
        printf("%s\n", line->str);
        fflush(stdout);
        g_string_free(line, true);
    }
    if (bdrv_create(fmt, filename, &c->o, &err) < 0) {
        error_report("%s: %s", filename, error_get_pretty(err));
        error_free(err);
        return 1;
    }
    return 0;
}

static void free_create_opts(ImgCreateOpts *c)
{
    g_free(c->compat_str);
    g_free(c->backing);
    g_free(c->backing_fmt);
}

static int img_create(int argc, char **argv)
{
    const char *fmt = "raw";
    ImgCreateOpts c = { 0 };
    bool quiet = false, have_size = false;
    int opt, ret = 1;
    while ((opt = getopt(argc, argv, "hf:o:b:F:uq")) != -1) {
        switch (opt) {
        case 'f': fmt = optarg; break;
        case 'b': g_free(c.backing); c.backing = g_strdup(optarg); break;
        case 'F': g_free(c.backing_fmt); c.backing_fmt = g_strdup(optarg);
            break;
        case 'u': break;
        case 'q': quiet = true; break;
        case 'o':
            if (!parse_create_opts(fmt, optarg, &c)) {
                goto out;
            }
            have_size |= c.o.size != 0;
            break;
        default:
            goto out;
        }
    }
    if (optind >= argc) {
        error_report("Expecting image file name");
        goto out;
    }
    const char *filename = argv[optind++];
    if (optind < argc) {
        uint64_t n;
        if (!img_parse_size(argv[optind], &n) || n > INT64_MAX) {
            error_report("Invalid image size specified. You may use k, M, G, "
                         "T, P or E suffixes for");
            error_printf("kilobytes, megabytes, gigabytes, terabytes, "
                         "petabytes and exabytes.\n");
            goto out;
        }
        c.o.size = n;
        have_size = true;
        optind++;
    }
    if (optind != argc) {
        error_report("Unexpected argument: %s", argv[optind]);
        goto out;
    }
    ret = do_create(fmt, filename, &c, have_size, quiet);
out:
    free_create_opts(&c);
    return ret;
}

/* --force-share, QEMU's long name of -U, for commands without others. */
static const struct option share_longopts[] = {
    { "force-share", no_argument, NULL, 'U' },
    { NULL, 0, NULL, 0 },
};

static int img_convert(int argc, char **argv)
{
    const char *in_fmt = NULL, *out_fmt = "raw";
    ImgCreateOpts c = { 0 };
    bool progress = false, compress = false, quiet = false;
    int opt, ret = 1, share = 0;
    g_autofree char *opts = NULL;
    while ((opt = getopt_long(argc, argv, "hf:O:o:B:pcqnU", share_longopts,
                              NULL)) != -1) {
        switch (opt) {
        case 'f': in_fmt = optarg; break;
        case 'O': out_fmt = optarg; break;
        case 'o': g_free(opts); opts = g_strdup(optarg); break;
        case 'B': g_free(c.backing); c.backing = g_strdup(optarg); break;
        case 'p': progress = true; break;
        case 'c': compress = true; break;
        case 'q': quiet = true; break;
        case 'n': break;
        case 'U': share = BDRV_O_FORCE_SHARE; break;
        default:
            return 1;
        }
    }
    if (argc - optind != 2) {
        error_report("Expecting one image file name");
        return 1;
    }
    if (quiet) {
        progress = false;
    }
    const char *src = argv[optind], *dst = argv[optind + 1];
    if (opts && !parse_create_opts(out_fmt, opts, &c)) {
        goto out_opts;
    }
    if (compress && strcmp(out_fmt, "qcow2")) {
        error_report("Compression not supported for this file format");
        goto out_opts;
    }
    BlockDriverState *in = img_open(src, in_fmt, share);
    if (!in) {
        goto out_opts;
    }
    int64_t size = bdrv_getlength(in);
    c.o.size = size;
    if (c.backing && !c.backing_fmt) {
        c.backing_fmt = g_strdup("qcow2");
    }
    /* qemu-img convert creates the target quietly. */
    if (do_create(out_fmt, dst, &c, true, true)) {
        bdrv_unref(in);
        goto out_opts;
    }
    /* qemu-img's default cache mode for the target is "unsafe". */
    BlockDriverState *out = img_open(dst, out_fmt, BDRV_O_RDWR |
                                     BDRV_O_NO_FLUSH |
                                     (c.backing ? 0 : BDRV_O_NO_BACKING));
    if (!out) {
        bdrv_unref(in);
        goto out_opts;
    }
    ImgConvertOpts co = {
        .compress = compress, .out_has_backing = c.backing != NULL,
        .progress = progress,
    };
    if (img_convert_copy(in, out, size, &co) < 0) {
        goto fail;
    }
    if (bdrv_flush(out) < 0) {
        error_report("error while flushing");
        goto fail;
    }
    ret = 0;
    if (progress) {
        printf("\n");
    }
fail:
    bdrv_unref(out);
    bdrv_unref(in);
out_opts:
    free_create_opts(&c);
    return ret;
}

static int img_resize(int argc, char **argv)
{
    const char *fmt = NULL;
    bool shrink = false;
    int ret = 1;
    static const struct option longopts[] = {
        { "shrink", no_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    /* A size like "-1G" must not be taken for an option. */
    if (argc >= 2 && argv[argc - 1][0] == '-' &&
        g_ascii_isdigit(argv[argc - 1][1])) {
        argv[argc - 1][0] = '~';
    }
    int opt;
    while ((opt = getopt_long(argc, argv, "hf:q", longopts, NULL)) != -1) {
        switch (opt) {
        case 'f': fmt = optarg; break;
        case 's': shrink = true; break;
        case 'q': break;
        default:
            return 1;
        }
    }
    if (argc - optind != 2) {
        error_report("Expecting image file name and size");
        return 1;
    }
    const char *filename = argv[optind], *sz = argv[optind + 1];
    int rel = 0;
    if (sz[0] == '+') {
        rel = 1;
        sz++;
    } else if (sz[0] == '~') {
        rel = -1;
        sz++;
    }
    uint64_t n;
    if (!img_parse_size(sz, &n)) {
        error_report("Invalid image size specified. You may use k, M, G, T, "
                     "P or E suffixes for ");
        error_printf("kilobytes, megabytes, gigabytes, terabytes, petabytes "
                     "and exabytes.\n");
        return 1;
    }
    BlockDriverState *bs = img_open(filename, fmt, BDRV_O_RDWR);
    if (!bs) {
        return 1;
    }
    int64_t cur = bdrv_getlength(bs);
    uint64_t want = rel > 0 ? cur + n : rel < 0 ? cur - n : n;
    if (rel < 0 && n > (uint64_t)cur) {
        error_report("New image size must be positive");
        goto out;
    }
    if (want < (uint64_t)cur && !shrink) {
        error_report("Use the --shrink option to perform a shrink operation.");
        warn_report("Shrinking an image will delete all data beyond the "
                    "shrunken image's end. Before performing such an "
                    "operation, make sure there is no important data there.");
        goto out;
    }
    Error *err = NULL;
    if (bdrv_truncate(bs, want, &err) < 0) {
        error_report("%s", error_get_pretty(err));
        error_free(err);
        goto out;
    }
    printf("Image resized.\n");
    ret = 0;
out:
    bdrv_unref(bs);
    return ret;
}

static int img_compare(int argc, char **argv)
{
    const char *fmt1 = NULL, *fmt2 = NULL;
    bool strict = false;
    int opt, ret = 2, share = 0;
    while ((opt = getopt_long(argc, argv, "hf:F:spqU", share_longopts,
                              NULL)) != -1) {
        switch (opt) {
        case 'f': fmt1 = optarg; break;
        case 'F': fmt2 = optarg; break;
        case 's': strict = true; break;
        case 'p': case 'q': break;
        case 'U': share = BDRV_O_FORCE_SHARE; break;
        default:
            return 2;
        }
    }
    if (argc - optind != 2) {
        error_report("Expecting two image file names");
        return 2;
    }
    if (!fmt2) {
        fmt2 = fmt1;
    }
    BlockDriverState *a = img_open(argv[optind], fmt1, share);
    if (!a) {
        return 2;
    }
    BlockDriverState *b = img_open(argv[optind + 1], fmt2, share);
    if (!b) {
        bdrv_unref(a);
        return 2;
    }
    int64_t la = bdrv_getlength(a), lb = bdrv_getlength(b);
    const uint32_t chunk = 1 * MiB;
    g_autofree uint8_t *ba = g_malloc(chunk);
    g_autofree uint8_t *bb = g_malloc(chunk);
    int64_t common = MIN(la, lb);
    if (la != lb) {
        if (strict) {
            printf("Strict mode: Image size mismatch!\n");
            ret = 1;
            goto out;
        }
        printf("Warning: Image size mismatch!\n");
    }
    for (int64_t off = 0; off < MAX(la, lb); off += chunk) {
        uint32_t n = MIN((int64_t)chunk, MAX(la, lb) - off);
        uint32_t nc = off < common ? MIN((int64_t)n, common - off) : 0;
        if (nc && (bdrv_pread(a, off, nc, ba) < 0 ||
                   bdrv_pread(b, off, nc, bb) < 0)) {
            error_report("Error while reading offset %" PRId64, off);
            goto out;
        }
        for (uint32_t i = 0; i < nc; i++) {
            if (ba[i] != bb[i]) {
                printf("Content mismatch at offset %" PRId64 "!\n", off + i);
                ret = 1;
                goto out;
            }
        }
        if (nc < n) {
            /* The longer image must be zero past the shorter one's end. */
            BlockDriverState *l = la > lb ? a : b;
            uint32_t m = n - nc;
            if (bdrv_pread(l, off + nc, m, ba) < 0) {
                error_report("Error while reading offset %" PRId64, off + nc);
                goto out;
            }
            for (uint32_t i = 0; i < m; i++) {
                if (ba[i]) {
                    printf("Content mismatch at offset %" PRId64 "!\n",
                           off + nc + i);
                    ret = 1;
                    goto out;
                }
            }
        }
    }
    printf("Images are identical.\n");
    ret = 0;
out:
    bdrv_unref(a);
    bdrv_unref(b);
    return ret;
}

static void help(void)
{
    printf("kemu-img version " KEMU_VERSION " (qemu-img " QEMU_COMPAT_VERSION
           " compatible)\n"
           "usage: kemu-img [standard options] command [command options]\n"
           "\n"
           "Command syntax:\n"
           "  check [--output=ofmt] [-f fmt] [-r [leaks | all]] filename\n"
           "  commit [-q] [-f fmt] [-b base] [-d] filename\n"
           "  compare [-f fmt] [-F fmt] [-s] filename1 filename2\n"
           "  convert [-c] [-p] [-f fmt] [-O output_fmt] [-o options] "
           "[-B backing_file] filename output_filename\n"
           "  create [-f fmt] [-b backing_file [-F backing_fmt]] [-o options] "
           "filename [size]\n"
           "  info [-f fmt] [--output=ofmt] [--backing-chain] filename\n"
           "  map [-f fmt] [--output=ofmt] filename\n"
           "  rebase [-f fmt] [-F backing_fmt] [-u] -b backing_file "
           "filename\n"
           "  resize [-f fmt] [--shrink] filename [+ | -]size\n"
           "  snapshot [-l | -a snapshot | -c snapshot | -d snapshot] "
           "filename\n");
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = {
        { "create", img_create }, { "info", img_info },
        { "check", img_check }, { "convert", img_convert },
        { "resize", img_resize }, { "snapshot", img_snapshot },
        { "map", img_map }, { "compare", img_compare },
        { "rebase", img_rebase }, { "commit", img_commit },
    };
    error_set_progname("kemu-img");
    if (argc < 2) {
        error_report("Not enough arguments");
        error_printf("Try 'kemu-img --help' for more information\n");
        return 1;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        help();
        return 0;
    }
    if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
        printf("kemu-img version " KEMU_VERSION "\n");
        return 0;
    }
    for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
        if (!strcmp(argv[1], cmds[i].name)) {
            optind = 1;
            return cmds[i].fn(argc - 1, argv + 1);
        }
    }
    error_report("Command not found: %s", argv[1]);
    return 1;
}
