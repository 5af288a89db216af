/*
 * Write thresholds (QEMU's block/write-threshold.c idea: thin-provisioned
 * storage wants to know when a guest writes past a mark).  Writes run on
 * worker threads, so the crossing is recorded here and reported from a
 * main-loop timer, where events may be sent.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "block/block.h"

typedef struct ThresholdHit {
    char *node_name;
    uint64_t exceeded;
    uint64_t threshold;
} ThresholdHit;

static GMutex hits_lock;
static GQueue hits = G_QUEUE_INIT;
static QEMUTimer *hits_timer;
static BdrvWriteThresholdNotify *notify_fn;

void bdrv_write_threshold_set_notify(BdrvWriteThresholdNotify *fn)
{
    notify_fn = fn;
}

/* On the main loop with the BQL: report what the writers recorded. */
static void report_hits(void *opaque)
{
    ThresholdHit *h;

    for (;;) {
        g_mutex_lock(&hits_lock);
        h = g_queue_pop_head(&hits);
        g_mutex_unlock(&hits_lock);
        if (!h) {
            break;
        }
        if (notify_fn) {
            notify_fn(h->node_name, h->exceeded, h->threshold);
        }
        g_free(h->node_name);
        g_free(h);
    }
}

void bdrv_write_threshold_check(BlockDriverState *bs, uint64_t offset,
                                uint64_t bytes)
{
    uint64_t t = __atomic_load_n(&bs->write_threshold, __ATOMIC_RELAXED);
    ThresholdHit *h;

    if (!t || offset + bytes <= t) {
        return;
    }
    /* Once: the threshold goes off as it fires (QEMU's semantics). */
    if (!__atomic_compare_exchange_n(&bs->write_threshold, &t, 0, false,
                                     __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {
        return;
    }
    h = g_new0(ThresholdHit, 1);
    h->node_name = g_strdup(bs->node_name ? bs->node_name : "");
    h->exceeded = offset + bytes - t;
    h->threshold = t;
    g_mutex_lock(&hits_lock);
    g_queue_push_tail(&hits, h);
    if (!hits_timer) {
        hits_timer = timer_new_ns(QEMU_CLOCK_REALTIME, report_hits, NULL);
    }
    g_mutex_unlock(&hits_lock);
    timer_mod_ns(hits_timer, qemu_clock_get_ns(QEMU_CLOCK_REALTIME));
}
