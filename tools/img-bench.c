/*
 * kemu-img bench: qemu-img 7.2's I/O benchmark (-c count, -d depth,
 * -s size, -S step, -o offset, -w, --pattern, --flush-interval, -t
 * cache, -f, -U) with its text and messages.  The block layer serialises
 * the requests of one image, so they run one after another; -d is shown
 * as given, -i/-n are checked as QEMU does and otherwise ignored.
 * Offsets wrap as QEMU's: modulo the image size less one request.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include <getopt.h>
#include "kemu-img.h"

typedef struct BenchArgs {
    uint64_t count, depth, bufsize, step, offset, flush_interval;
    bool is_write, drain;
    int pattern, flags;
} BenchArgs;

/* A size option; false after qemu-img's message naming @what. */
static bool bench_size(const char *arg, const char *what, uint64_t *out)
{
    if (!img_parse_size(arg, out) || *out > INT_MAX) {
        img_size_error(what);
        return false;
    }
    return true;
}

static bool bench_num(const char *arg, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    *out = strtoull(arg, &end, 0);
    return !errno && end != arg && !*end && arg[0] != '-' && *out <= max;
}

static int bench_run(BlockDriverState *bs, const BenchArgs *b)
{
    int64_t size = bdrv_getlength(bs);
    g_autofree uint8_t *buf = g_malloc(MAX(b->bufsize, 1));
    uint64_t off = b->offset;
    memset(buf, b->pattern, b->bufsize);
    for (uint64_t i = 0; i < b->count; i++) {
        int r = b->is_write ? bdrv_pwrite(bs, off, b->bufsize, buf)
                            : bdrv_pread(bs, off, b->bufsize, buf);
        if (r == 0 && b->flush_interval && (i + 1) % b->flush_interval == 0) {
            r = bdrv_flush(bs);
        }
        if (r < 0) {
            error_report("Failed request: %s", strerror(-r));
            return r;
        }
        off += b->step;
        off = (uint64_t)size <= b->bufsize ? 0 : off % (size - b->bufsize);
    }
    return 0;
}

int img_bench(int argc, char **argv)
{
    enum { OPT_PATTERN = 256, OPT_FLUSH_INTERVAL, OPT_NO_DRAIN,
           OPT_IMAGE_OPTS };
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "flush-interval", required_argument, NULL, OPT_FLUSH_INTERVAL },
        { "image-opts", no_argument, NULL, OPT_IMAGE_OPTS },
        { "pattern", required_argument, NULL, OPT_PATTERN },
        { "no-drain", no_argument, NULL, OPT_NO_DRAIN },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    BenchArgs b = { .count = 75000, .depth = 64, .bufsize = 4096,
                    .drain = true };
    const char *fmt = NULL;
    uint64_t n;
    bool native = false;
    int opt;

    while ((opt = getopt_long(argc, argv, ":hc:d:f:ni:o:qs:S:t:wU", longopts,
                              NULL)) != -1) {
        switch (opt) {
        case 'c':
            if (!bench_num(optarg, INT_MAX, &b.count)) {
                error_report("Invalid request count specified");
                return 1;
            }
            break;
        case 'd':
            /* Depth 0 would make qemu-img wait forever: refused. */
            if (!bench_num(optarg, INT_MAX, &b.depth) || !b.depth) {
                error_report("Invalid queue depth specified");
                return 1;
            }
            break;
        case 'f': fmt = optarg; break;
        case 'n': native = true; break;
        case 'i':
            if (strcmp(optarg, "threads") && strcmp(optarg, "native") &&
                strcmp(optarg, "io_uring")) {
                error_report("Invalid aio option: %s", optarg);
                return 1;
            }
            native = !strcmp(optarg, "native");
            break;
        case 'o':
            if (!img_parse_size(optarg, &b.offset) || b.offset > INT64_MAX) {
                img_size_error("offset");
                return 1;
            }
            break;
        case 'q': break;
        case 's':
            if (!bench_size(optarg, "buffer size", &b.bufsize)) {
                return 1;
            }
            break;
        case 'S':
            if (!bench_size(optarg, "step_size", &b.step)) {
                return 1;
            }
            break;
        case 't':
            if (!bdrv_parse_cache_mode(optarg, &b.flags)) {
                error_report("Invalid cache mode");
                return 1;
            }
            break;
        case 'w': b.is_write = true; break;
        case 'U': b.flags |= BDRV_O_FORCE_SHARE; break;
        case OPT_PATTERN:
            if (!bench_num(optarg, 0xff, &n)) {
                error_report("Invalid pattern byte specified");
                return 1;
            }
            b.pattern = n;
            break;
        case OPT_FLUSH_INTERVAL:
            if (!bench_num(optarg, INT_MAX, &b.flush_interval)) {
                error_report("Invalid flush interval specified");
                return 1;
            }
            break;
        case OPT_NO_DRAIN: b.drain = false; break;
        case OPT_IMAGE_OPTS:
            return img_unsupported_option(argv);
        case 'h':
            printf("usage: kemu-img bench [-c count] [-d depth] [-f fmt] "
                   "[--flush-interval=flush_interval] [-i aio] [-n] "
                   "[--no-drain] [-o offset] [--pattern=pattern] [-q] "
                   "[-s buffer_size] [-S step_size] [-t cache] [-w] [-U] "
                   "filename\n");
            return 0;
        default:
            return img_option_error(opt, argv);
        }
    }
    if (argc - optind != 1) {
        error_report("Expecting one image file name");
        return 1;
    }
    if (b.flush_interval && !b.is_write) {
        error_report("--flush-interval is only available in write tests");
        return 1;
    }
    if (b.flush_interval && b.flush_interval < b.depth) {
        error_report("Flush interval can't be smaller than depth");
        return 1;
    }
    if (!b.step) {
        b.step = b.bufsize;
    }
    if (native && !(b.flags & BDRV_O_NOCACHE)) {
        error_report("Could not open '%s': aio=native was specified, but it "
                     "requires cache.direct=on, which was not specified.",
                     argv[optind]);
        return 1;
    }
    BlockDriverState *bs = img_open(argv[optind], fmt,
                                    b.flags | (b.is_write ? BDRV_O_RDWR : 0));
    if (!bs) {
        return 1;
    }
    printf("Sending %" PRIu64 " %s requests, %" PRIu64 " bytes each, %"
           PRIu64 " in parallel (starting at offset %" PRIu64 ", step size %"
           PRIu64 ")\n", b.count, b.is_write ? "write" : "read", b.bufsize,
           b.depth, b.offset, b.step);
    if (b.flush_interval) {
        printf("Sending flush every %" PRIu64 " requests\n",
               b.flush_interval);
    }
    fflush(stdout);
    gint64 t0 = g_get_monotonic_time();
    int ret = bench_run(bs, &b);
    if (ret == 0) {
        printf("Run completed in %3.3f seconds.\n",
               (g_get_monotonic_time() - t0) / 1e6);
    }
    bdrv_unref(bs);
    return ret < 0 ? 1 : 0;
}
