/*
 * Throttle groups (include/block/throttle-groups.h): one ThrottleState
 * per group name, per-member FIFO queues of reads and writes, and a
 * realtime timer that serves the members round-robin, one request each
 * per turn, as QEMU's throttle groups do so that one busy disk cannot
 * starve the others of the shared budget.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "block/throttle-groups.h"

typedef struct ThrottleGroup {
    char *name;
    ThrottleState ts;
    GList *members;              /* ThrottleGroupMember *, join order */
    GList *next;                 /* where the next round-robin turn starts */
    QEMUTimer *timer;
} ThrottleGroup;

typedef struct QueuedReq {
    uint64_t bytes;
    void *req;
} QueuedReq;

struct ThrottleGroupMember {
    ThrottleGroup *group;
    ThrottleDispatchFunc *dispatch;
    GQueue queue[2];             /* [is_write] */
};

static GList *groups;

static int64_t now_ns(void)
{
    return qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
}

static void start(ThrottleGroupMember *m, bool is_write)
{
    QueuedReq *q = g_queue_pop_head(&m->queue[is_write]);
    throttle_account(&m->group->ts, is_write, q->bytes);
    m->dispatch(q->req);
    g_free(q);
}

/* Let every queued request go that the buckets allow; re-arm the timer. */
static void group_run(ThrottleGroup *g)
{
    int64_t now = now_ns();
    int64_t wait = INT64_MAX;
    bool progress = true;

    while (progress) {
        progress = false;
        wait = INT64_MAX;
        guint n = g_list_length(g->members);
        GList *l = g->next ? g->next : g->members;
        for (guint i = 0; i < n; i++, l = l->next ? l->next : g->members) {
            ThrottleGroupMember *m = l->data;
            for (int w = 0; w < 2; w++) {
                if (g_queue_is_empty(&m->queue[w])) {
                    continue;
                }
                int64_t t = throttle_wait_ns(&g->ts, w, now);
                if (t == 0) {
                    start(m, w);
                    progress = true;
                    g->next = l->next;
                } else {
                    wait = MIN(wait, t);
                }
            }
        }
    }
    if (wait != INT64_MAX) {
        timer_mod_ns(g->timer, now + wait);
    }
}

static void group_timer(void *opaque)
{
    group_run(opaque);
}

ThrottleGroupMember *throttle_group_register(const char *name,
                                             ThrottleDispatchFunc *dispatch)
{
    ThrottleGroup *g = NULL;
    ThrottleGroupMember *m = g_new0(ThrottleGroupMember, 1);

    for (GList *l = groups; l; l = l->next) {
        if (!strcmp(((ThrottleGroup *)l->data)->name, name)) {
            g = l->data;
        }
    }
    if (!g) {
        ThrottleConfig cfg;
        g = g_new0(ThrottleGroup, 1);
        g->name = g_strdup(name);
        g->timer = timer_new_ns(QEMU_CLOCK_REALTIME, group_timer, g);
        throttle_config_init(&cfg);
        throttle_config_set(&g->ts, &cfg, now_ns());
        groups = g_list_append(groups, g);
    }
    m->group = g;
    m->dispatch = dispatch;
    g_queue_init(&m->queue[0]);
    g_queue_init(&m->queue[1]);
    g->members = g_list_append(g->members, m);
    return m;
}

void throttle_group_restart(ThrottleGroupMember *m)
{
    for (int w = 0; w < 2; w++) {
        while (!g_queue_is_empty(&m->queue[w])) {
            start(m, w);
        }
    }
}

void throttle_group_unregister(ThrottleGroupMember *m)
{
    ThrottleGroup *g = m->group;

    throttle_group_restart(m);
    if (g->next && g->next->data == m) {
        g->next = NULL;
    }
    g->members = g_list_remove(g->members, m);
    g_free(m);
    if (!g->members) {
        groups = g_list_remove(groups, g);
        timer_free(g->timer);
        g_free(g->name);
        g_free(g);
    }
}

const char *throttle_group_get_name(ThrottleGroupMember *m)
{
    return m->group->name;
}

void throttle_group_get_config(ThrottleGroupMember *m, ThrottleConfig *cfg)
{
    *cfg = m->group->ts.cfg;
}

void throttle_group_config(ThrottleGroupMember *m, const ThrottleConfig *cfg)
{
    throttle_config_set(&m->group->ts, cfg, now_ns());
    /* Queued requests see the new limits at once. */
    timer_del(m->group->timer);
    group_run(m->group);
}

void throttle_group_submit(ThrottleGroupMember *m, bool is_write,
                           uint64_t bytes, void *req)
{
    ThrottleGroup *g = m->group;
    QueuedReq *q = g_new0(QueuedReq, 1);

    q->bytes = bytes;
    q->req = req;
    g_queue_push_tail(&m->queue[is_write], q);
    /* Alone in its queue and nothing to wait for: it starts right here. */
    if (g_queue_get_length(&m->queue[is_write]) == 1 &&
        throttle_wait_ns(&g->ts, is_write, now_ns()) == 0) {
        start(m, is_write);
        return;
    }
    if (!timer_pending(g->timer)) {
        group_run(g);
    }
}
