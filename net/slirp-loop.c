/*
 * libslirp on GLib's default context.  Before each poll the source's
 * prepare() asks slirp which sockets to watch (slirp_pollfds_fill) and
 * updates its GPollFD records (GLib reads them after prepare);
 * when a socket is ready or slirp's timeout has passed, dispatch() runs
 * slirp_pollfds_poll, which also drives slirp's TCP timers.  Both run on the main thread with the BQL held, as
 * every other use of slirp does (NIC transmits from vCPU threads hold it).
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "slirp-loop.h"

struct SlirpLoop {
    GSource source;
    Slirp *slirp;
    GPtrArray *polls;        /* GPollFD *, registered with the source */
    GArray *want;            /* GPollFD, filled by slirp_pollfds_fill */
    int64_t deadline_ms;     /* slirp's timers want a run; 0: none */
    /*
     * slirp_loop_input_done refilled slirp's poll indexes for a different
     * set than the one being polled: no dispatch until prepare refills.
     */
    bool stale;
};

static int add_poll(int fd, int events, void *opaque)
{
    SlirpLoop *l = opaque;
    GPollFD pfd = { .fd = fd };

    pfd.events |= (events & SLIRP_POLL_IN) ? G_IO_IN : 0;
    pfd.events |= (events & SLIRP_POLL_OUT) ? G_IO_OUT : 0;
    pfd.events |= (events & SLIRP_POLL_PRI) ? G_IO_PRI : 0;
    pfd.events |= (events & SLIRP_POLL_ERR) ? G_IO_ERR : 0;
    pfd.events |= (events & SLIRP_POLL_HUP) ? G_IO_HUP : 0;
    g_array_append_val(l->want, pfd);
    return l->want->len - 1;
}

static int get_revents(int idx, void *opaque)
{
    SlirpLoop *l = opaque;
    GPollFD *pfd;
    int ev = 0;

    if (idx < 0 || (guint)idx >= l->polls->len) {
        return 0;
    }
    pfd = g_ptr_array_index(l->polls, idx);
    ev |= (pfd->revents & G_IO_IN) ? SLIRP_POLL_IN : 0;
    ev |= (pfd->revents & G_IO_OUT) ? SLIRP_POLL_OUT : 0;
    ev |= (pfd->revents & G_IO_PRI) ? SLIRP_POLL_PRI : 0;
    ev |= (pfd->revents & G_IO_ERR) ? SLIRP_POLL_ERR : 0;
    ev |= (pfd->revents & G_IO_HUP) ? SLIRP_POLL_HUP : 0;
    return ev;
}

static bool same_fds(SlirpLoop *l)
{
    if (l->want->len != l->polls->len) {
        return false;
    }
    for (guint i = 0; i < l->want->len; i++) {
        GPollFD *have = g_ptr_array_index(l->polls, i);

        if (have->fd != g_array_index(l->want, GPollFD, i).fd) {
            return false;
        }
    }
    return true;
}

static gboolean loop_prepare(GSource *src, gint *timeout)
{
    SlirpLoop *l = (SlirpLoop *)src;
    uint32_t ms = UINT32_MAX;

    l->stale = false;
    g_array_set_size(l->want, 0);
    slirp_pollfds_fill(l->slirp, &ms, add_poll, l);
    if (same_fds(l)) {
        /* Same sockets: only the events change, in place. */
        for (guint i = 0; i < l->want->len; i++) {
            GPollFD *have = g_ptr_array_index(l->polls, i);

            have->events = g_array_index(l->want, GPollFD, i).events;
            have->revents = 0;
        }
    } else {
        /* GLib keeps its records sorted by fd: re-register them all. */
        for (guint i = 0; i < l->polls->len; i++) {
            g_source_remove_poll(src, g_ptr_array_index(l->polls, i));
        }
        g_ptr_array_set_size(l->polls, 0);
        for (guint i = 0; i < l->want->len; i++) {
            GPollFD *pfd = g_new(GPollFD, 1);

            *pfd = g_array_index(l->want, GPollFD, i);
            g_ptr_array_add(l->polls, pfd);
            g_source_add_poll(src, pfd);
        }
    }
    *timeout = ms == UINT32_MAX ? -1 : (gint)MIN(ms, (uint32_t)G_MAXINT);
    l->deadline_ms = ms == UINT32_MAX ? 0 : g_get_monotonic_time() / 1000 + ms;
    return FALSE;
}

static gboolean loop_check(GSource *src)
{
    SlirpLoop *l = (SlirpLoop *)src;

    if (l->stale) {
        return FALSE;
    }
    for (guint i = 0; i < l->polls->len; i++) {
        if (((GPollFD *)g_ptr_array_index(l->polls, i))->revents) {
            return TRUE;
        }
    }
    /* slirp's TCP timers run from slirp_pollfds_poll too. */
    return l->deadline_ms && g_get_monotonic_time() / 1000 >= l->deadline_ms;
}

static gboolean loop_dispatch(GSource *src, GSourceFunc cb, gpointer data)
{
    SlirpLoop *l = (SlirpLoop *)src;

    slirp_pollfds_poll(l->slirp, 0, get_revents, l);
    return G_SOURCE_CONTINUE;
}

static void loop_finalize(GSource *src)
{
    SlirpLoop *l = (SlirpLoop *)src;

    g_ptr_array_free(l->polls, TRUE);
    g_array_free(l->want, TRUE);
}

static GSourceFuncs loop_funcs = {
    .prepare = loop_prepare,
    .check = loop_check,
    .dispatch = loop_dispatch,
    .finalize = loop_finalize,
};

SlirpLoop *slirp_loop_attach(Slirp *slirp)
{
    SlirpLoop *l = (SlirpLoop *)g_source_new(&loop_funcs, sizeof(SlirpLoop));

    l->slirp = slirp;
    l->polls = g_ptr_array_new_with_free_func(g_free);
    l->want = g_array_new(FALSE, FALSE, sizeof(GPollFD));
    /*
     * GLib "blocks" a non-recursive source while dispatching it by removing
     * its fds and adding them back, which wakes the context: every dispatch
     * would end the next poll at once and the main loop would spin.
     */
    g_source_set_can_recurse(&l->source, TRUE);
    g_source_attach(&l->source, NULL);
    return l;
}

void slirp_loop_detach(SlirpLoop *l)
{
    if (l) {
        g_source_destroy(&l->source);
        g_source_unref(&l->source);
    }
}

/*
 * After the guest's packets went into slirp (on a vCPU thread, while the
 * main loop may sleep in poll): wake the main loop only if slirp now
 * wants a socket or an event it does not poll for (a new connection, data
 * waiting for a full host socket).  Waking it for every packet cost an
 * eventfd write, a main-loop round and BQL ping-pong per packet.  Windows
 * opening for host data are signalled by slirp itself (notify).
 */
void slirp_loop_input_done(SlirpLoop *l)
{
    uint32_t ms = UINT32_MAX;
    bool more = false;

    if (!l) {
        return;
    }
    g_array_set_size(l->want, 0);
    slirp_pollfds_fill(l->slirp, &ms, add_poll, l);
    if (!same_fds(l)) {
        /* slirp's sockets now index l->want, not what is being polled. */
        l->stale = true;
        more = true;
    } else {
        for (guint i = 0; i < l->want->len; i++) {
            GPollFD *have = g_ptr_array_index(l->polls, i);
            gushort want = g_array_index(l->want, GPollFD, i).events;

            more |= (want & ~have->events) != 0;
        }
    }
    if (ms != UINT32_MAX && (!l->deadline_ms ||
        g_get_monotonic_time() / 1000 + ms < l->deadline_ms)) {
        more = true;                 /* a timer is due sooner */
    }
    if (more) {
        main_loop_wakeup();
    }
}

/* Slirp's clocks and timers: the virtual clock, as in QEMU. */
int64_t slirp_loop_clock_get_ns(void *opaque)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

void *slirp_loop_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
    return timer_new_ns(QEMU_CLOCK_VIRTUAL, cb, cb_opaque);
}

void slirp_loop_timer_free(void *timer, void *opaque)
{
    timer_free(timer);
}

void slirp_loop_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    timer_mod_ns(timer, expire_ms * 1000000);
}

void slirp_loop_notify(void *opaque)
{
    main_loop_wakeup();
}
