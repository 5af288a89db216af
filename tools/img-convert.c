/*
 * kemu-img convert: the command (qemu-img 7.2's options and messages)
 * and its copy loop.  Ranges the source's block status calls zero, or
 * unallocated without a backing file, are never read; data is read on
 * this thread and written by a second one, so reading chunk i+1 overlaps
 * writing chunk i (what qemu-img gets from its parallel coroutines).
 * Zero runs of at least -S bytes (4k, or the target's cluster) are left
 * as holes in a fresh target, written as zeroes in an existing one (-n)
 * or over a backing file (-B); -S 0 writes every byte as data.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include <getopt.h>
#include "kemu-img.h"

#define CONVERT_CHUNK   (2 * MiB)
#define CONVERT_BUFS    3           /* one reading, up to two queued */

typedef struct ConvertChunk {
    uint8_t *buf;
    int64_t off;
    uint32_t len;                   /* 0: end of stream */
    bool zero;                      /* write zeroes, not buf */
} ConvertChunk;

typedef struct ConvertWriter {
    BlockDriverState *out;
    const ImgConvertOpts *o;
    uint32_t block;                 /* sparse granularity: the cluster */
    GAsyncQueue *full, *empty;      /* ConvertChunk, each way */
    int ret;                        /* first error, -errno */
    int64_t err_off;
} ConvertWriter;

static bool buffer_is_zero(const uint8_t *p, size_t n)
{
    /* A zero first byte, then the buffer equals itself shifted by one. */
    return n == 0 || (p[0] == 0 && !memcmp(p, p + 1, n - 1));
}

/* Zero runs of the sparse size need a write only in some targets. */
static int write_zero_run(ConvertWriter *w, int64_t off, uint32_t len)
{
    if (w->o->target_zeroed && !w->o->out_has_backing) {
        return 0;
    }
    return bdrv_pwrite_zeroes(w->out, off, len);
}

/* Write one chunk: compressed per cluster, else runs of non-zero blocks. */
static int write_chunk(ConvertWriter *w, ConvertChunk *c, int64_t *err_off)
{
    const ImgConvertOpts *o = w->o;
    uint32_t blk = o->compress ? c->len : MAX(o->sparse, w->block);
    if (c->zero) {
        *err_off = c->off;
        return write_zero_run(w, c->off, c->len);
    }
    for (uint32_t at = 0; at < c->len;) {
        uint32_t m = MIN(c->len - at, blk);
        int r;
        bool scan = o->sparse && !o->whole_data;
        if (scan && buffer_is_zero(c->buf + at, m)) {
            r = write_zero_run(w, c->off + at, m);
            if (r < 0) {
                *err_off = c->off + at;
                return r;
            }
            at += m;
            continue;
        }
        uint32_t run = m;
        while (!o->compress && at + run < c->len &&
               (!scan || !buffer_is_zero(c->buf + at + run,
                                         MIN(c->len - at - run, blk)))) {
            run += MIN(c->len - at - run, blk);
        }
        r = o->compress
            ? bdrv_pwrite_compressed(w->out, c->off + at, run, c->buf + at)
            : bdrv_pwrite(w->out, c->off + at, run, c->buf + at);
        if (r < 0) {
            *err_off = c->off + at;
            return r;
        }
        at += run;
    }
    return 0;
}

static gpointer writer_thread(gpointer opaque)
{
    ConvertWriter *w = opaque;
    for (;;) {
        ConvertChunk *c = g_async_queue_pop(w->full);
        if (!c->len) {
            g_async_queue_push(w->empty, c);
            return NULL;
        }
        if (!g_atomic_int_get(&w->ret)) {
            g_atomic_int_set(&w->ret, write_chunk(w, c, &w->err_off));
        }
        g_async_queue_push(w->empty, c);
    }
}

/*
 * Bytes from @off that need no copy (they read as zeroes and the target
 * already does), at most @max; 0 when @off starts data.
 */
static bool status_zero(BlockDriverState *in, int64_t off, int64_t max,
                        uint64_t *pnum)
{
    uint64_t map;
    int st = bdrv_block_status(in, off, max, pnum, &map);
    if (st < 0) {
        *pnum = 0;     /* read it: the read reports the error */
        return false;
    }
    return (st & BDRV_BLOCK_ZERO) ||
           (!(st & BDRV_BLOCK_ALLOCATED) && !in->backing);
}

/*
 * Bytes from @off, at most @max, that read as zeroes (@zero) or that do
 * not (!@zero), by block status.
 */
static int64_t status_run(BlockDriverState *in, bool zero, int64_t off,
                          int64_t max)
{
    int64_t done = 0;
    while (done < max) {
        uint64_t pnum;
        if (status_zero(in, off + done, max - done, &pnum) != zero || !pnum) {
            break;
        }
        done += pnum;
    }
    return done;
}

int img_convert_copy(BlockDriverState *in, BlockDriverState *out,
                     int64_t out_off, int64_t size, const ImgConvertOpts *o)
{
    ConvertWriter w = {
        .out = out, .o = o, .block = 4 * KiB,
        .full = g_async_queue_new(), .empty = g_async_queue_new(),
    };
    ConvertChunk bufs[CONVERT_BUFS];
    uint32_t chunk = CONVERT_CHUNK;
    int ret = 0;
    int64_t err_off = 0;
    double last = 0;

    if (out->drv->cluster_size) {
        w.block = out->drv->cluster_size(out);
        if (o->compress) {
            chunk = w.block;
        }
    }
    for (int i = 0; i < CONVERT_BUFS; i++) {
        bufs[i].buf = g_malloc(chunk);
        g_async_queue_push(w.empty, &bufs[i]);
    }
    GThread *t = g_thread_new("convert-writer", writer_thread, &w);
    for (int64_t off = 0; off < size;) {
        /* Compressed output writes whole clusters: keep chunks aligned. */
        int64_t skip = o->compress || !o->sparse ? 0
                       : status_run(in, true, off, size - off);
        uint32_t n = MIN((int64_t)chunk, size - off - skip);
        if (!skip && o->whole_data) {
            /* Copy offloading copies data extents, zeroes inside too. */
            n = MAX(MIN((int64_t)n, status_run(in, false, off, n)), 1);
        }
        ConvertChunk *c = g_async_queue_pop(w.empty);
        c->off = out_off + off;
        c->zero = skip != 0;
        if (skip) {
            c->len = MIN(skip, (int64_t)1 << 30);
            n = c->len;
        } else {
            int r = bdrv_pread(in, off, n, c->buf);
            if (r < 0) {
                g_async_queue_push(w.empty, c);
                error_report("error while reading at byte %" PRId64 ": %s",
                             off, strerror(-r));
                ret = r;
                break;
            }
            c->len = n;
        }
        g_async_queue_push(w.full, c);
        off += n;
        double pct = (o->progress_base + off) * 100.0 / o->progress_total;
        if (pct - last >= 1.0 || off == size) {
            img_progress_print(o->progress, pct);
            last = pct;
        }
        if (g_atomic_int_get(&w.ret)) {
            break;
        }
    }
    ConvertChunk *end = g_async_queue_pop(w.empty);
    end->len = 0;
    g_async_queue_push(w.full, end);
    g_thread_join(t);
    if (!ret && w.ret) {
        ret = w.ret;
        err_off = w.err_off;
        error_report("error while writing at byte %" PRId64 ": %s",
                     err_off, strerror(-ret));
    }
    for (int i = 0; i < CONVERT_BUFS; i++) {
        g_free(bufs[i].buf);
    }
    g_async_queue_unref(w.full);
    g_async_queue_unref(w.empty);
    return ret;
}

typedef struct ConvertArgs {
    const char *in_fmt, *out_fmt, *snapshot;
    ImgCreateOpts c;
    const char *backing, *backing_fmt;
    int src_flags, dst_flags;
    bool skip_create, target_is_zero, compress, copy_offload, quiet;
    bool image_opts;        /* --image-opts: the sources are options */
    ImgConvertOpts co;
} ConvertArgs;

enum {
    OPT_TARGET_IS_ZERO = 256, OPT_IMAGE_OPTS, OPT_TARGET_IMAGE_OPTS,
    OPT_SALVAGE, OPT_BITMAPS, OPT_OBJECT,
};

static bool convert_parse(int argc, char **argv, ConvertArgs *a)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "force-share", no_argument, NULL, 'U' },
        { "target-is-zero", no_argument, NULL, OPT_TARGET_IS_ZERO },
        { "image-opts", no_argument, NULL, OPT_IMAGE_OPTS },
        { "target-image-opts", no_argument, NULL, OPT_TARGET_IMAGE_OPTS },
        { "salvage", no_argument, NULL, OPT_SALVAGE },
        { "bitmaps", no_argument, NULL, OPT_BITMAPS },
        { "object", required_argument, NULL, OPT_OBJECT },
        { NULL, 0, NULL, 0 },
    };
    uint64_t n;
    char *end;
    int opt;
    while ((opt = getopt_long(argc, argv, ":hf:O:B:CcF:o:l:S:pt:T:qnm:WUr:",
                              longopts, NULL)) != -1) {
        switch (opt) {
        case 'f': a->in_fmt = optarg; break;
        case 'O': a->out_fmt = optarg; break;
        case 'B': a->backing = optarg; break;
        case 'F': a->backing_fmt = optarg; break;
        case 'C': a->copy_offload = true; break;
        case 'c': a->compress = true; break;
        case 'o': img_opts_append(&a->c, optarg); break;
        case 'l': a->snapshot = optarg; break;
        case 'p': a->co.progress = true; break;
        case 'q': a->quiet = true; break;
        case 'n': a->skip_create = true; break;
        case 'W': break;        /* one writer thread: order does not matter */
        case 'r': break;        /* no rate limit on a local copy */
        case 'U': a->src_flags |= BDRV_O_FORCE_SHARE; break;
        case OPT_TARGET_IS_ZERO: a->target_is_zero = true; break;
        case 'S':
            if (!img_parse_size(optarg, &n)) {
                img_size_error("buffer size for sparse output");
                return false;
            }
            if (n % BDRV_SECTOR_SIZE || n > 16 * MiB) {
                error_report("Invalid buffer size for sparse output "
                             "specified. Valid sizes are multiples of 512 up "
                             "to 16777216. Select 0 to disable sparse "
                             "detection (fully allocates output).");
                return false;
            }
            a->co.sparse = n;
            break;
        case 'm':
            n = strtoul(optarg, &end, 10);
            if (*end || end == optarg || n < 1 || n > 16) {
                error_report("Invalid number of coroutines. Allowed number of "
                             "coroutines is between 1 and 16");
                return false;
            }
            break;              /* the copy overlaps one read and one write */
        case 't':
            if (!bdrv_parse_cache_mode(optarg, &a->dst_flags)) {
                error_report("Invalid cache option: %s", optarg);
                return false;
            }
            break;
        case 'T':
            if (!bdrv_parse_cache_mode(optarg, &a->src_flags)) {
                error_report("Invalid source cache option: %s", optarg);
                return false;
            }
            a->src_flags &= BDRV_O_NOCACHE;
            break;
        case OPT_IMAGE_OPTS:
            a->image_opts = true;
            break;
        case OPT_TARGET_IMAGE_OPTS: case OPT_SALVAGE:
        case OPT_BITMAPS: case OPT_OBJECT:
            img_unsupported_option(argv);
            return false;
        case 'h':
            printf("usage: kemu-img convert [-c] [-n] [-p] [-q] [-W] [-U] "
                   "[-f fmt] [-t cache] [-T src_cache] [-O output_fmt] "
                   "[-B backing_file [-F backing_fmt]] [-o options] "
                   "[-l snapshot_param] [-S sparse_size] [-m num_coroutines] "
                   "filename [filename2 [...]] output_filename\n");
            exit(0);
        default:
            img_option_error(opt, argv);
            return false;
        }
    }
    return img_check_image_opts(a->image_opts, a->in_fmt);
}

/* The target exists (-n) or is created from the sources' total size. */
static BlockDriverState *convert_target(ConvertArgs *a, const char *dst,
                                        int64_t total)
{
    if (!a->skip_create) {
        g_autofree char *size = g_strdup_printf("%" PRId64, total);
        img_opt_set(&a->c, "size", size);
        if (a->backing) {
            img_opt_set(&a->c, "backing_file", a->backing);
            img_opt_set(&a->c, "backing_fmt", a->backing_fmt);
        }
        const char *p = img_opt(&a->c, "preallocation");
        if (a->compress && p && strcmp(p, "off")) {
            error_report("Compression and preallocation not supported at the "
                         "same time");
            return NULL;
        }
        /* qemu-img convert creates the target quietly. */
        a->c.errpfx = g_strdup_printf("%s: error while converting %s: ", dst,
                                      a->out_fmt);
        if (img_create_image(a->out_fmt, dst, &a->c, true)) {
            return NULL;
        }
    }
    BlockDriverState *out = img_open(dst, a->out_fmt, BDRV_O_RDWR |
                                     a->dst_flags |
                                     (a->backing ? 0 : BDRV_O_NO_BACKING));
    if (out && a->skip_create && bdrv_getlength(out) < total) {
        error_report("output file is smaller than input file");
        bdrv_unref(out);
        return NULL;
    }
    return out;
}

int img_convert(int argc, char **argv)
{
    ConvertArgs a = {
        .out_fmt = "raw", .dst_flags = BDRV_O_NO_FLUSH,
        .co.sparse = 4 * KiB,
    };
    BlockDriverState **in = NULL, *out = NULL;
    int nin = 0, ret = 1;
    int64_t total = 0;

    if (!convert_parse(argc, argv, &a)) {
        goto out;
    }
    if (a.c.optstr && img_opts_is_help(a.c.optstr->str)) {
        img_opts_help(a.out_fmt, optind < argc ? argv[argc - 1] : NULL);
        ret = 0;
        goto out;
    }
    if (argc - optind < 2) {
        error_report("Must specify image file name");
        goto out;
    }
    if (a.skip_create && a.c.optstr) {
        error_report("-o has no effect when skipping image creation");
        goto out;
    }
    if (a.target_is_zero && !a.skip_create) {
        error_report("--target-is-zero requires use of -n flag");
        goto out;
    }
    if (a.copy_offload && a.compress) {
        error_report("Cannot enable copy offloading when -c is used");
        goto out;
    }
    if (a.backing && !a.backing_fmt) {
        error_report("Use of backing file requires explicit backing format");
        goto out;
    }
    if (a.compress && strcmp(a.out_fmt, "qcow2")) {
        error_report("Compression not supported for this file format");
        goto out;
    }
    nin = argc - optind - 1;
    if (nin > 1 && a.snapshot) {
        error_report("No support for concatenating multiple snapshot");
        goto out;
    }
    if (a.quiet) {
        a.co.progress = false;
    }
    in = g_new0(BlockDriverState *, nin);
    for (int i = 0; i < nin; i++) {
        in[i] = img_open_any(argv[optind + i], a.in_fmt, a.src_flags,
                             a.image_opts);
        if (!in[i] || (a.snapshot && !img_load_snapshot(in[i], a.snapshot))) {
            goto out;
        }
        total += bdrv_getlength(in[i]);
    }
    if (!a.skip_create && !img_opts_parse(a.out_fmt, &a.c)) {
        goto out;
    }
    out = convert_target(&a, argv[argc - 1], total);
    if (!out) {
        goto out;
    }
    a.co.compress = a.compress;
    a.co.whole_data = a.copy_offload;
    a.co.out_has_backing = a.backing != NULL;
    a.co.target_zeroed = !a.skip_create || a.target_is_zero;
    a.co.progress_total = MAX(total, 1);
    img_progress_print(a.co.progress, 0);
    for (int i = 0; i < nin; i++) {
        int64_t len = bdrv_getlength(in[i]);
        if (img_convert_copy(in[i], out, a.co.progress_base, len, &a.co) < 0) {
            goto out;
        }
        a.co.progress_base += len;
    }
    if (bdrv_flush(out) < 0) {
        error_report("error while flushing");
        goto out;
    }
    ret = 0;
    if (a.co.progress) {
        printf("\n");
    }
out:
    bdrv_unref(out);
    for (int i = 0; in && i < nin; i++) {
        bdrv_unref(in[i]);
    }
    g_free(in);
    img_opts_free(&a.c);
    return ret;
}
