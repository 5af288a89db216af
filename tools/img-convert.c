/*
 * kemu-img convert's copy loop.  The target is fresh (reads as zeroes):
 * ranges the source's block status calls zero, or unallocated without a
 * backing file, are never read; data is read on this thread and written
 * by a second one, so reading chunk i+1 overlaps writing chunk i (what
 * qemu-img gets from its parallel coroutines); zero blocks inside data
 * (and whole zero clusters of compressed output) are left as holes unless
 * the target has a backing file.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "kemu-img.h"

#define CONVERT_CHUNK   (2 * MiB)
#define CONVERT_BUFS    3           /* one reading, up to two queued */
#define ZERO_BLOCK      (64 * KiB)  /* granularity of holes in data */

typedef struct ConvertChunk {
    uint8_t *buf;
    int64_t off;
    uint32_t len;                   /* 0: end of stream */
} ConvertChunk;

typedef struct ConvertWriter {
    BlockDriverState *out;
    const ImgConvertOpts *o;
    GAsyncQueue *full, *empty;      /* ConvertChunk, each way */
    int ret;                        /* first error, -errno */
    int64_t err_off;
} ConvertWriter;

static bool buffer_is_zero(const uint8_t *p, size_t n)
{
    /* A zero first byte, then the buffer equals itself shifted by one. */
    return n == 0 || (p[0] == 0 && !memcmp(p, p + 1, n - 1));
}

static void progress_print(bool on, double pct)
{
    if (on) {
        printf("    (%3.2f/100%%)\r", pct);
        fflush(stdout);
    }
}

/* Write one chunk: compressed per cluster, else runs of non-zero blocks. */
static int write_chunk(ConvertWriter *w, ConvertChunk *c, int64_t *err_off)
{
    bool sparse = !w->o->out_has_backing;
    uint32_t blk = w->o->compress ? c->len : ZERO_BLOCK;
    for (uint32_t at = 0; at < c->len;) {
        uint32_t m = MIN(c->len - at, blk);
        if (sparse && buffer_is_zero(c->buf + at, m)) {
            at += m;
            continue;
        }
        uint32_t run = m;
        while (!w->o->compress && at + run < c->len &&
               (!sparse || !buffer_is_zero(c->buf + at + run,
                                           MIN(c->len - at - run, blk)))) {
            run += MIN(c->len - at - run, blk);
        }
        int r = w->o->compress
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
static int64_t zero_run(BlockDriverState *in, bool out_has_backing,
                        int64_t off, int64_t max)
{
    int64_t done = 0;
    while (!out_has_backing && done < max) {
        uint64_t pnum, map;
        int st = bdrv_block_status(in, off + done, max - done, &pnum, &map);
        bool zero = st >= 0 && ((st & BDRV_BLOCK_ZERO) ||
                                (!(st & BDRV_BLOCK_ALLOCATED) &&
                                 !in->backing));
        if (!zero || !pnum) {
            break;
        }
        done += pnum;
    }
    return done;
}

int img_convert_copy(BlockDriverState *in, BlockDriverState *out,
                     int64_t size, const ImgConvertOpts *o)
{
    ConvertWriter w = {
        .out = out, .o = o,
        .full = g_async_queue_new(), .empty = g_async_queue_new(),
    };
    ConvertChunk bufs[CONVERT_BUFS];
    uint32_t chunk = CONVERT_CHUNK;
    int ret = 0;
    int64_t err_off = 0;
    double last = 0;

    if (o->compress && out->drv->cluster_size) {
        chunk = out->drv->cluster_size(out);
    }
    for (int i = 0; i < CONVERT_BUFS; i++) {
        bufs[i].buf = g_malloc(chunk);
        g_async_queue_push(w.empty, &bufs[i]);
    }
    GThread *t = g_thread_new("convert-writer", writer_thread, &w);
    progress_print(o->progress, 0);
    for (int64_t off = 0; off < size;) {
        /* Compressed output writes whole clusters: keep chunks aligned. */
        int64_t skip = o->compress ? 0 : zero_run(in, o->out_has_backing,
                                                  off, size - off);
        uint32_t n = MIN((int64_t)chunk, size - off - skip);
        if (!skip) {
            ConvertChunk *c = g_async_queue_pop(w.empty);
            int r = bdrv_pread(in, off, n, c->buf);
            if (r < 0) {
                g_async_queue_push(w.empty, c);
                error_report("error while reading at byte %" PRId64 ": %s",
                             off, strerror(-r));
                ret = r;
                break;
            }
            c->off = off;
            c->len = n;
            g_async_queue_push(w.full, c);
        }
        off += skip ? skip : n;
        double pct = off * 100.0 / size;
        if (pct - last >= 1.0 || off == size) {
            progress_print(o->progress, pct);
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
