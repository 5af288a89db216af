/*
 * kemu-img: create, inspect, check, convert, resize, compare, amend,
 * measure, copy (dd), benchmark and snapshot disk images, with qemu-img's
 * options, output text and exit statuses.  This file has resize, compare
 * and the command table; each other command has its img-*.c.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include <getopt.h>
#include <math.h>
#include "kemu-img.h"

/* --force-share, QEMU's long name of -U, for commands without others. */

static int img_resize(int argc, char **argv)
{
    const char *fmt = NULL;
    bool shrink = false, quiet = false;
    BlockPreallocMode prealloc = PREALLOC_MODE_OFF;
    int ret = 1;
    static const struct option longopts[] = {
        { "shrink", no_argument, NULL, 's' },
        { "preallocation", required_argument, NULL, 'P' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    /* A size like "-1G" must not be taken for an option. */
    if (argc >= 2 && argv[argc - 1][0] == '-' &&
        g_ascii_isdigit(argv[argc - 1][1])) {
        argv[argc - 1][0] = '~';
    }
    int opt;
    while ((opt = getopt_long(argc, argv, ":hf:q", longopts, NULL)) != -1) {
        switch (opt) {
        case 'f': fmt = optarg; break;
        case 's': shrink = true; break;
        case 'q': quiet = true; break;
        case 'P':
            if (!img_parse_prealloc(optarg, &prealloc)) {
                error_report("Invalid preallocation mode '%s'", optarg);
                return 1;
            }
            break;
        default:
            return img_option_error(opt, argv);
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
    if ((rel < 0 && n >= (uint64_t)cur) || !want) {
        error_report("New image size must be positive");
        goto out;
    }
    if (want < (uint64_t)cur && prealloc != PREALLOC_MODE_OFF) {
        error_report("Preallocation can only be used for growing images");
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
    if (prealloc == PREALLOC_MODE_METADATA && !bs->drv->cluster_size) {
        error_report("Unsupported preallocation mode: metadata");
        goto out;
    }
    if (bdrv_truncate(bs, want, &err) < 0 ||
        (want > (uint64_t)cur &&
         bdrv_preallocate(bs, cur, want - cur, prealloc, &err) < 0)) {
        error_report("%s", error_get_pretty(err));
        error_free(err);
        goto out;
    }
    if (!quiet) {
        printf("Image resized.\n");
    }
    ret = 0;
out:
    bdrv_unref(bs);
    return ret;
}

static int img_compare(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "force-share", no_argument, NULL, 'U' },
        { "image-opts", no_argument, NULL, 'I' },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt1 = NULL, *fmt2 = NULL;
    bool strict = false, image_opts = false;
    int opt, ret = 2, share = 0;
    while ((opt = getopt_long(argc, argv, ":hf:F:spqU", longopts,
                              NULL)) != -1) {
        switch (opt) {
        case 'I': image_opts = true; break;
        case 'f': fmt1 = optarg; break;
        case 'F': fmt2 = optarg; break;
        case 's': strict = true; break;
        case 'p': case 'q': break;
        case 'U': share = BDRV_O_FORCE_SHARE; break;
        default:
            return img_option_error(opt, argv);
        }
    }
    if (argc - optind != 2) {
        error_report("Expecting two image file names");
        return 2;
    }
    if (!img_check_image_opts(image_opts, fmt1 ? fmt1 : fmt2)) {
        return 2;
    }
    if (!fmt2) {
        fmt2 = fmt1;
    }
    BlockDriverState *a = img_open_any(argv[optind], fmt1, share, image_opts);
    if (!a) {
        return 2;
    }
    BlockDriverState *b = img_open_any(argv[optind + 1], fmt2, share,
                                       image_opts);
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
           "  amend [-p] [-q] [-f fmt] [-t cache] -o options filename\n"
           "  bench [-c count] [-d depth] [-f fmt] "
           "[--flush-interval=flush_interval] [-i aio] [-n] [--no-drain] "
           "[-o offset] [--pattern=pattern] [-q] [-s buffer_size] "
           "[-S step_size] [-t cache] [-w] [-U] filename\n"
           "  check [--output=ofmt] [-f fmt] [-r [leaks | all]] [-U] "
           "filename\n"
           "  commit [-q] [-f fmt] [-b base] [-d] filename\n"
           "  compare [-f fmt] [-F fmt] [-s] [-U] filename1 filename2\n"
           "  convert [-U] [-C] [-c] [-p] [-q] [-n] [-W] [-f fmt] "
           "[-t cache] [-T src_cache] [-O output_fmt] "
           "[-B backing_file [-F backing_fmt]] [-o options] "
           "[-l snapshot_param] [-S sparse_size] [-m num_coroutines] "
           "[--target-is-zero] filename [filename2 [...]] "
           "output_filename\n"
           "  create [-q] [-f fmt] [-b backing_file [-F backing_fmt]] [-u] "
           "[-o options] filename [size]\n"
           "  dd [-U] [-f fmt] [-O output_fmt] [bs=block_size] "
           "[count=blocks] [skip=blocks] if=input of=output\n"
           "  info [-f fmt] [--output=ofmt] [--backing-chain] [-U] "
           "filename\n"
           "  map [-f fmt] [--output=ofmt] [-U] filename\n"
           "  measure [--output=ofmt] [-O output_fmt] [-o options] "
           "[--size N | [-f fmt] [-l snapshot_param] [-U] filename]\n"
           "  rebase [-f fmt] [-F backing_fmt] [-u] -b backing_file "
           "filename\n"
           "  resize [-f fmt] [--preallocation=prealloc] [-q] [--shrink] "
           "filename [+ | -]size\n"
           "  snapshot [-l | -a snapshot | -c snapshot | -d snapshot] "
           "filename\n"
           "  bitmap (--merge SOURCE | --add | --remove | --clear | "
           "--enable | --disable)... [-b source_file [-F source_fmt]] "
           "[-g granularity] [--image-opts | -f fmt] filename bitmap\n"
           "\n"
           "'-o help' lists a format's options; '-S 0' (convert) writes a "
           "fully allocated image;\n"
           "'prealloc' is off, metadata (qcow2), falloc or full.\n");
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
        { "measure", img_measure }, { "amend", img_amend },
        { "dd", img_dd }, { "bench", img_bench },
        { "bitmap", img_bitmap },
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
