/*
 * The dirty map of a block job: one bit per granularity-sized chunk of a
 * node, set by I/O worker threads (guest writes) and taken by the job on
 * the main loop, under the map's own lock.
 */
#include "qemu/osdep.h"
#include "block/blockjob.h"

void job_bitmap_init(JobBitmap *bm, int64_t size, int64_t granularity)
{
    g_mutex_init(&bm->lock);
    bm->size = size;
    bm->granularity = granularity;
    bm->nbits = (size + granularity - 1) / granularity;
    bm->bits = g_malloc0((bm->nbits + 7) / 8);
    bm->count = 0;
}

void job_bitmap_destroy(JobBitmap *bm)
{
    g_free(bm->bits);
    bm->bits = NULL;
    g_mutex_clear(&bm->lock);
}

static bool bit_get(JobBitmap *bm, int64_t i)
{
    return bm->bits[i / 8] & (1u << (i % 8));
}

static void bit_put(JobBitmap *bm, int64_t i, bool val)
{
    if (bit_get(bm, i) == val) {
        return;
    }
    bm->bits[i / 8] ^= 1u << (i % 8);
    bm->count += val ? 1 : -1;
}

/* The bits covering [@off, @off+@bytes), clipped to the map. */
static void bit_range(JobBitmap *bm, int64_t off, int64_t bytes,
                      int64_t *first, int64_t *end)
{
    *first = off / bm->granularity;
    *end = MIN(bm->nbits, (off + bytes + bm->granularity - 1) /
                          bm->granularity);
}

void job_bitmap_set(JobBitmap *bm, int64_t off, int64_t bytes, bool val)
{
    int64_t first, end;
    bit_range(bm, off, bytes, &first, &end);
    g_mutex_lock(&bm->lock);
    for (int64_t i = first; i < end; i++) {
        bit_put(bm, i, val);
    }
    g_mutex_unlock(&bm->lock);
}

bool job_bitmap_take(JobBitmap *bm, int64_t from, int64_t max, int64_t *off,
                     int64_t *bytes)
{
    int64_t i = from / bm->granularity;
    int64_t limit = MAX(1, max / bm->granularity);
    bool found = false;

    g_mutex_lock(&bm->lock);
    if (bm->count) {
        while (i < bm->nbits && !bit_get(bm, i)) {
            i++;
        }
        int64_t n = 0;
        while (i + n < bm->nbits && n < limit && bit_get(bm, i + n)) {
            bit_put(bm, i + n, false);
            n++;
        }
        if (n) {
            *off = i * bm->granularity;
            *bytes = MIN(n * bm->granularity, bm->size - *off);
            found = true;
        }
    }
    g_mutex_unlock(&bm->lock);
    return found;
}

bool job_bitmap_test_clear(JobBitmap *bm, int64_t off, int64_t bytes)
{
    int64_t first, end;
    bool any = false;
    bit_range(bm, off, bytes, &first, &end);
    g_mutex_lock(&bm->lock);
    for (int64_t i = first; i < end; i++) {
        any |= bit_get(bm, i);
        bit_put(bm, i, false);
    }
    g_mutex_unlock(&bm->lock);
    return any;
}

int64_t job_bitmap_dirty_bytes(JobBitmap *bm)
{
    g_mutex_lock(&bm->lock);
    int64_t n = bm->count * bm->granularity;
    g_mutex_unlock(&bm->lock);
    return n;
}
