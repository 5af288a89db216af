/*
 * The global device lock (QEMU's "BQL") and the main-loop glue on GLib's
 * default context.  The main thread may hold the BQL all the time: the poll
 * function installed by main_loop_wait() drops it only while sleeping in
 * poll(), as QEMU's os_host_main_loop_wait() does.  Not modelled: AioContext,
 * iothreads, bottom halves (use g_idle_add with the BQL taken).
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include <poll.h>

static GMutex bql;
/* A per-thread flag: GMutex cannot say who owns it. */
static __thread bool bql_held;

void bql_lock(void)
{
    if (bql_held) {
        /* Re-locking would deadlock silently; fail loudly instead. */
        g_critical("bql_lock: the BQL is already held by this thread");
        abort();
    }
    g_mutex_lock(&bql);
    bql_held = true;
}

void bql_unlock(void)
{
    if (!bql_held) {
        g_critical("bql_unlock: the BQL is not held by this thread");
        abort();
    }
    bql_held = false;
    g_mutex_unlock(&bql);
}

bool bql_locked(void)
{
    return bql_held;
}

GMutex *bql_mutex(void)
{
    return &bql;
}

void main_loop_wakeup(void)
{
    g_main_context_wakeup(NULL);
}

/* GLib's GPollFD is struct pollfd on POSIX hosts (g_poll is poll). */
G_STATIC_ASSERT(sizeof(GPollFD) == sizeof(struct pollfd));

/*
 * GLib hands the poll function whole milliseconds, the timers' deadline
 * rounded up: a NIC's 128-200 us interrupt window armed on the main
 * thread fired a full millisecond later while the guest sat halted
 * waiting for it.  A sooner timer deadline goes to ppoll in ns instead.
 */
static gint precise_poll(GPollFD *fds, guint nfds, gint timeout)
{
    int64_t ns = timers_deadline_ns();
    struct timespec ts;

    if (ns < 0 || (timeout >= 0 && ns >= (int64_t)timeout * 1000000)) {
        return g_poll(fds, nfds, timeout);
    }
    ts.tv_sec = ns / 1000000000;
    ts.tv_nsec = ns % 1000000000;
    return ppoll((struct pollfd *)fds, nfds, &ts, NULL);
}

/*
 * Sleep without the BQL, so vCPU threads can reach devices while the main
 * thread waits for file descriptors or the next timer.
 */
static gint bql_releasing_poll(GPollFD *fds, guint nfds, gint timeout)
{
    gint ret;

    if (!bql_held) {
        return precise_poll(fds, nfds, timeout);
    }
    bql_unlock();
    ret = precise_poll(fds, nfds, timeout);
    bql_lock();
    return ret;
}

bool main_loop_wait(bool nonblocking)
{
    static gsize poll_installed;

    if (g_once_init_enter(&poll_installed)) {
        g_main_context_set_poll_func(NULL, bql_releasing_poll);
        g_once_init_leave(&poll_installed, 1);
    }
    return g_main_context_iteration(NULL, !nonblocking);
}
