/*
 * A dirty map: one bit per granularity-sized chunk of a node, set by I/O
 * worker threads (guest writes) and read or taken on the main loop,
 * under the map's own lock.  Bits are stored LSB first, the layout of a
 * qcow2 bitmap's data clusters, so storing one is a copy.
 */
#include "qemu/osdep.h"
#include "block/dirty-bitmap.h"

void dirty_map_init(DirtyMap *bm, int64_t size, int64_t granularity)
{
    g_mutex_init(&bm->lock);
    bm->size = size;
    bm->granularity = granularity;
    bm->nbits = (size + granularity - 1) / granularity;
    bm->bits = g_malloc0((bm->nbits + 7) / 8);
    bm->count = 0;
}

void dirty_map_destroy(DirtyMap *bm)
{
    g_free(bm->bits);
    bm->bits = NULL;
    g_mutex_clear(&bm->lock);
}

static bool bit_get(DirtyMap *bm, int64_t i)
{
    return bm->bits[i / 8] & (1u << (i % 8));
}

static void bit_put(DirtyMap *bm, int64_t i, bool val)
{
    if (bit_get(bm, i) == val) {
        return;
    }
    bm->bits[i / 8] ^= 1u << (i % 8);
    bm->count += val ? 1 : -1;
}

/* The bits covering [@off, @off+@bytes), clipped to the map. */
static void bit_range(DirtyMap *bm, int64_t off, int64_t bytes,
                      int64_t *first, int64_t *end)
{
    *first = off / bm->granularity;
    *end = MIN(bm->nbits, (off + bytes + bm->granularity - 1) /
                          bm->granularity);
}

static void set_locked(DirtyMap *bm, int64_t off, int64_t bytes, bool val)
{
    int64_t first, end;
    bit_range(bm, off, bytes, &first, &end);
    for (int64_t i = first; i < end; i++) {
        if (val && !(i % 8) && i + 8 <= end) {
            /* Whole bytes at a time: a 2 GiB write is 32768 bytes. */
            bm->count += 8 - __builtin_popcount(bm->bits[i / 8]);
            bm->bits[i / 8] = 0xff;
            i += 7;
            continue;
        }
        bit_put(bm, i, val);
    }
}

void dirty_map_set(DirtyMap *bm, int64_t off, int64_t bytes, bool val)
{
    g_mutex_lock(&bm->lock);
    set_locked(bm, off, bytes, val);
    g_mutex_unlock(&bm->lock);
}

void dirty_map_clear(DirtyMap *bm)
{
    g_mutex_lock(&bm->lock);
    memset(bm->bits, 0, (bm->nbits + 7) / 8);
    bm->count = 0;
    g_mutex_unlock(&bm->lock);
}

bool dirty_map_take(DirtyMap *bm, int64_t from, int64_t max, int64_t *off,
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

bool dirty_map_test_clear(DirtyMap *bm, int64_t off, int64_t bytes)
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

int64_t dirty_map_dirty_bytes(DirtyMap *bm)
{
    g_mutex_lock(&bm->lock);
    int64_t n = bm->count * bm->granularity;
    g_mutex_unlock(&bm->lock);
    return n;
}

void dirty_map_merge(DirtyMap *dst, DirtyMap *src)
{
    if (dst == src) {
        return;
    }
    /* Lock order by address: two merges in opposite directions. */
    DirtyMap *a = dst < src ? dst : src, *b = dst < src ? src : dst;
    g_mutex_lock(&a->lock);
    g_mutex_lock(&b->lock);
    if (dst->granularity == src->granularity && dst->nbits == src->nbits) {
        dst->count = 0;
        for (int64_t k = 0; k < (dst->nbits + 7) / 8; k++) {
            dst->bits[k] |= src->bits[k];
            dst->count += __builtin_popcount(dst->bits[k]);
        }
    } else {
        for (int64_t i = 0; i < src->nbits; i++) {
            if (!src->bits[i / 8]) {
                i += 7 - i % 8;
            } else if (bit_get(src, i)) {
                set_locked(dst, i * src->granularity, src->granularity,
                           true);
            }
        }
    }
    g_mutex_unlock(&b->lock);
    g_mutex_unlock(&a->lock);
}

void dirty_map_resize(DirtyMap *bm, int64_t size)
{
    int64_t nbits = (size + bm->granularity - 1) / bm->granularity;
    g_mutex_lock(&bm->lock);
    for (int64_t i = nbits; i < bm->nbits; i++) {
        bit_put(bm, i, false);   /* shrink: the bits past the end go */
    }
    bm->bits = g_realloc(bm->bits, (nbits + 7) / 8);
    if (nbits > bm->nbits) {
        int64_t old = (bm->nbits + 7) / 8;
        memset(bm->bits + old, 0, (nbits + 7) / 8 - old);
    }
    bm->nbits = nbits;
    bm->size = size;
    g_mutex_unlock(&bm->lock);
}

void dirty_map_read_bytes(DirtyMap *bm, int64_t at, int64_t len,
                          uint8_t *buf)
{
    int64_t have = (bm->nbits + 7) / 8;
    g_mutex_lock(&bm->lock);
    int64_t n = MAX(0, MIN(len, have - at));
    memcpy(buf, bm->bits + at, n);
    memset(buf + n, 0, len - n);
    g_mutex_unlock(&bm->lock);
}

void dirty_map_write_bytes(DirtyMap *bm, int64_t at, int64_t len,
                           const uint8_t *buf)
{
    int64_t have = (bm->nbits + 7) / 8;
    g_mutex_lock(&bm->lock);
    int64_t n = MAX(0, MIN(len, have - at));
    for (int64_t k = at; k < at + n; k++) {
        bm->count -= __builtin_popcount(bm->bits[k]);
        bm->bits[k] = buf[k - at];
        if (k == have - 1 && bm->nbits % 8) {
            bm->bits[k] &= (1u << (bm->nbits % 8)) - 1;  /* past the end */
        }
        bm->count += __builtin_popcount(bm->bits[k]);
    }
    g_mutex_unlock(&bm->lock);
}
