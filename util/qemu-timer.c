/*
 * Clocks and timers (QEMU's util/qemu-timer.c model at a smaller size).
 * REALTIME is the host monotonic clock, HOST the wall clock, VIRTUAL guest
 * time that stands still while the VM is stopped (it starts stopped at 0,
 * as in QEMU, until vm_start enables it).  Each clock keeps a sorted list of
 * armed timers.  Expired timers run either from a GSource on the main loop
 * (its dispatch takes the BQL unless the main thread already holds it) or
 * from timers_run_expired() on a vCPU thread holding the BQL; the BQL thus
 * serialises every callback.  The lists have their own lock so that arming
 * and querying never need the main loop.  Not modelled: icount, timer
 * attributes, QEMU_CLOCK_VIRTUAL_RT.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"

#define NR_CLOCKS 3

struct QEMUTimer {
    QEMUClockType type;
    int64_t expire;             /* -1 when not pending */
    QEMUTimerCB *cb;
    void *opaque;
    QEMUTimer *next;
};

static GMutex timer_lock;                   /* protects active_timers */
static QEMUTimer *active_timers[NR_CLOCKS]; /* sorted by expire */

/*
 * The virtual clock's state: written under vclock_lock, read without it
 * (RDTSC and every timer query read it): vclock_seq is odd while a write
 * is in progress, and a reader retries when it changed meanwhile.
 */
static GMutex vclock_lock;
static unsigned vclock_seq;
static bool vclock_enabled;
static int64_t vclock_offset;   /* virtual = realtime + offset while on */
static int64_t vclock_frozen;   /* value while stopped */

/* The virtual clock's fields, consistent with each other. */
static void vclock_read(bool *on, int64_t *offset, int64_t *frozen)
{
    unsigned seq;

    do {
        seq = __atomic_load_n(&vclock_seq, __ATOMIC_ACQUIRE);
        *on = __atomic_load_n(&vclock_enabled, __ATOMIC_RELAXED);
        *offset = __atomic_load_n(&vclock_offset, __ATOMIC_RELAXED);
        *frozen = __atomic_load_n(&vclock_frozen, __ATOMIC_RELAXED);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((seq & 1) ||
             seq != __atomic_load_n(&vclock_seq, __ATOMIC_RELAXED));
}

static int64_t realtime_ns(void)
{
    return g_get_monotonic_time() * 1000;
}

int64_t qemu_clock_get_ns(QEMUClockType type)
{
    int64_t offset, frozen;
    bool on;

    switch (type) {
    case QEMU_CLOCK_REALTIME:
        return realtime_ns();
    case QEMU_CLOCK_HOST:
        return g_get_real_time() * 1000;
    case QEMU_CLOCK_VIRTUAL:
        vclock_read(&on, &offset, &frozen);
        return on ? realtime_ns() + offset : frozen;
    }
    return realtime_ns();
}

static bool vclock_running(void)
{
    int64_t offset, frozen;
    bool on;

    vclock_read(&on, &offset, &frozen);
    return on;
}

void qemu_clock_enable_virtual(bool enable)
{
    g_mutex_lock(&vclock_lock);
    __atomic_store_n(&vclock_seq, vclock_seq + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    if (enable && !vclock_enabled) {
        __atomic_store_n(&vclock_offset, vclock_frozen - realtime_ns(),
                         __ATOMIC_RELAXED);
    } else if (!enable && vclock_enabled) {
        __atomic_store_n(&vclock_frozen, realtime_ns() + vclock_offset,
                         __ATOMIC_RELAXED);
    }
    __atomic_store_n(&vclock_enabled, enable, __ATOMIC_RELAXED);
    __atomic_store_n(&vclock_seq, vclock_seq + 1, __ATOMIC_RELEASE);
    g_mutex_unlock(&vclock_lock);
    /* Deadlines of virtual timers just appeared or vanished. */
    main_loop_wakeup();
}

int64_t timers_deadline_ns(void)
{
    int64_t best = -1;
    bool vrun = vclock_running();
    int i;

    g_mutex_lock(&timer_lock);
    for (i = 0; i < NR_CLOCKS; i++) {
        int64_t delta;

        if (!active_timers[i] || (i == QEMU_CLOCK_VIRTUAL && !vrun)) {
            continue;
        }
        delta = active_timers[i]->expire - qemu_clock_get_ns(i);
        if (delta < 0) {
            delta = 0;
        }
        if (best < 0 || delta < best) {
            best = delta;
        }
    }
    g_mutex_unlock(&timer_lock);
    return best;
}

/* ---- main-loop source ---- */

static gboolean timer_source_prepare(GSource *source, gint *timeout)
{
    int64_t ns = timers_deadline_ns();

    if (ns < 0) {
        *timeout = -1;
    } else {
        /* Round up: waking early would only spin through another prepare. */
        int64_t ms = (ns + 999999) / 1000000;
        *timeout = ms > INT_MAX ? INT_MAX : (gint)ms;
    }
    return ns == 0;
}

static gboolean timer_source_check(GSource *source)
{
    return timers_deadline_ns() == 0;
}

static gboolean timer_source_dispatch(GSource *source, GSourceFunc cb,
                                      gpointer data)
{
    bool locked = bql_locked();

    if (!locked) {
        bql_lock();
    }
    timers_run_expired();
    if (!locked) {
        bql_unlock();
    }
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs timer_source_funcs = {
    .prepare = timer_source_prepare,
    .check = timer_source_check,
    .dispatch = timer_source_dispatch,
};

static void timer_source_attach_once(void)
{
    static gsize attached;

    if (g_once_init_enter(&attached)) {
        GSource *src = g_source_new(&timer_source_funcs, sizeof(GSource));

        g_source_set_name(src, "kemu-timers");
        g_source_attach(src, NULL);
        g_source_unref(src);
        g_once_init_leave(&attached, 1);
    }
}

/* ---- timers ---- */

/*
 * Set on threads that call timers_run_expired() in their loop (the main
 * loop, the software CPU's thread): a deadline they set themselves is
 * seen by their next timers_run_expired(), so no main-loop wakeup.  A
 * NIC's interrupt mitigation timer, armed from the vCPU thread for every
 * burst, cost an eventfd write and a main-loop round each time.
 */
static __thread bool runs_timers;

QEMUTimer *timer_new_ns(QEMUClockType type, QEMUTimerCB *cb, void *opaque)
{
    QEMUTimer *t = g_new0(QEMUTimer, 1);

    timer_source_attach_once();
    t->type = type;
    t->cb = cb;
    t->opaque = opaque;
    t->expire = -1;
    return t;
}

/* Unlink @t from its list; timer_lock held. */
static void timer_unlink_locked(QEMUTimer *t)
{
    QEMUTimer **pp;

    for (pp = &active_timers[t->type]; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    }
    t->next = NULL;
    t->expire = -1;
}

void timer_mod_ns(QEMUTimer *t, int64_t expire_time_ns)
{
    QEMUTimer **pp;
    bool first;

    if (expire_time_ns < 0) {
        expire_time_ns = 0;
    }
    g_mutex_lock(&timer_lock);
    if (t->expire >= 0) {
        timer_unlink_locked(t);
    }
    /* After timers with the same deadline, so equal timers fire in order. */
    for (pp = &active_timers[t->type]; *pp; pp = &(*pp)->next) {
        if ((*pp)->expire > expire_time_ns) {
            break;
        }
    }
    t->expire = expire_time_ns;
    t->next = *pp;
    *pp = t;
    first = active_timers[t->type] == t;
    g_mutex_unlock(&timer_lock);

    /* A new earliest deadline: the main loop may be sleeping too long. */
    if (first && !runs_timers) {
        main_loop_wakeup();
    }
}

void timer_del(QEMUTimer *t)
{
    g_mutex_lock(&timer_lock);
    if (t->expire >= 0) {
        timer_unlink_locked(t);
    }
    g_mutex_unlock(&timer_lock);
}

void timer_free(QEMUTimer *t)
{
    if (!t) {
        return;
    }
    timer_del(t);
    g_free(t);
}

bool timer_pending(QEMUTimer *t)
{
    bool pending;

    g_mutex_lock(&timer_lock);
    pending = t->expire >= 0;
    g_mutex_unlock(&timer_lock);
    return pending;
}

int64_t timer_expire_time_ns(QEMUTimer *t)
{
    int64_t expire;

    g_mutex_lock(&timer_lock);
    expire = t->expire;
    g_mutex_unlock(&timer_lock);
    return expire;
}

static void run_clock(QEMUClockType type)
{
    /* One "now" per pass: a callback re-arming at now+0 cannot loop forever. */
    int64_t now = qemu_clock_get_ns(type);

    g_mutex_lock(&timer_lock);
    while (active_timers[type] && active_timers[type]->expire <= now) {
        QEMUTimer *t = active_timers[type];

        active_timers[type] = t->next;
        t->next = NULL;
        t->expire = -1;
        /* Drop the list lock: the callback usually re-arms the timer. */
        g_mutex_unlock(&timer_lock);
        t->cb(t->opaque);
        g_mutex_lock(&timer_lock);
    }
    g_mutex_unlock(&timer_lock);
}

int64_t timers_run_expired(void)
{
    runs_timers = true;
    run_clock(QEMU_CLOCK_REALTIME);
    run_clock(QEMU_CLOCK_HOST);
    if (vclock_running()) {
        run_clock(QEMU_CLOCK_VIRTUAL);
    }
    return timers_deadline_ns();
}
