/*
 * Unit tests for util/qemu-timer.c and util/main-loop.c: clocks, the
 * virtual clock standing still while paused, timers firing from the GLib
 * main loop with the BQL held, ordering, re-arming and cross-thread arming,
 * sub-millisecond deadlines.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"

typedef struct Fired {
    int count;
    int64_t at;
    bool bql_was_held;
    GString *order;
    char tag;
    QEMUTimer *rearm;
    int64_t period;
} Fired;

static void cb(void *opaque)
{
    Fired *f = opaque;

    f->count++;
    f->at = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    f->bql_was_held = bql_locked();
    if (f->order) {
        g_string_append_c(f->order, f->tag);
    }
    if (f->rearm && f->count < 3) {
        timer_mod_ns(f->rearm,
                     qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + f->period);
    }
}

/* Iterate the main loop until @done or a 5 s safety limit. */
static void run_until(const int *counter, int target)
{
    int64_t limit = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;

    while (*counter < target && g_get_monotonic_time() < limit) {
        g_main_context_iteration(NULL, TRUE);
    }
}

static void test_clocks(void)
{
    int64_t r1, r2, h;

    r1 = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    g_usleep(1000);
    r2 = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    g_assert_cmpint(r2 - r1, >=, 1000000);
    h = qemu_clock_get_ns(QEMU_CLOCK_HOST);
    /* Wall clock: after 2020-01-01. */
    g_assert_cmpint(h, >, 1577836800LL * 1000000000LL);
}

static void test_virtual_pause(void)
{
    int64_t v1, v2, v3;

    /* QEMU semantics: stopped until vm_start. */
    v1 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    g_usleep(2000);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, v1);

    qemu_clock_enable_virtual(true);
    g_usleep(2000);
    v2 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    g_assert_cmpint(v2 - v1, >=, 2000000);
    qemu_clock_enable_virtual(false);
    v2 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    g_usleep(5000);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, v2);
    /* Resuming continues from the paused value, without a jump. */
    qemu_clock_enable_virtual(true);
    v3 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    g_assert_cmpint(v3 - v2, <, 4000000);
    g_assert_cmpint(v3, >=, v2);
    qemu_clock_enable_virtual(false);
}

static void test_fire_main_loop(void)
{
    Fired f = { 0 };
    QEMUTimer *t = timer_new_ns(QEMU_CLOCK_REALTIME, cb, &f);
    int64_t start = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);

    g_assert_false(timer_pending(t));
    g_assert_cmpint(timer_expire_time_ns(t), ==, -1);
    timer_mod_ns(t, start + 10 * 1000000);
    g_assert_true(timer_pending(t));
    g_assert_cmpint(timer_expire_time_ns(t), ==, start + 10 * 1000000);
    run_until(&f.count, 1);
    g_assert_cmpint(f.count, ==, 1);
    g_assert_cmpint(f.at - start, >=, 10 * 1000000);
    g_assert_true(f.bql_was_held);
    g_assert_false(bql_locked());
    g_assert_false(timer_pending(t));

    /* Deleted timers do not fire. */
    timer_mod_ns(t, qemu_clock_get_ns(QEMU_CLOCK_REALTIME));
    timer_del(t);
    while (g_main_context_iteration(NULL, FALSE)) {
    }
    g_assert_cmpint(f.count, ==, 1);
    timer_free(t);
}

static void test_order_and_rearm(void)
{
    GString *order = g_string_new(NULL);
    Fired a = { .order = order, .tag = 'a' };
    Fired b = { .order = order, .tag = 'b' };
    Fired c = { .order = order, .tag = 'c' };
    QEMUTimer *ta = timer_new_ns(QEMU_CLOCK_REALTIME, cb, &a);
    QEMUTimer *tb = timer_new_ns(QEMU_CLOCK_REALTIME, cb, &b);
    QEMUTimer *tc = timer_new_ns(QEMU_CLOCK_REALTIME, cb, &c);
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);

    timer_mod_ns(tc, now + 3000000);
    timer_mod_ns(ta, now + 1000000);
    timer_mod_ns(tb, now + 2000000);
    /* Re-arming moves a timer: b now fires last. */
    timer_mod_ns(tb, now + 4000000);
    run_until(&b.count, 1);
    g_assert_cmpstr(order->str, ==, "acb");

    /* A periodic timer re-arms from its callback. */
    g_string_truncate(order, 0);
    a.count = 0;
    a.rearm = ta;
    a.period = 1000000;
    timer_mod_ns(ta, now);
    run_until(&a.count, 3);
    g_assert_cmpstr(order->str, ==, "aaa");
    g_assert_false(timer_pending(ta));

    timer_free(ta);
    timer_free(tb);
    timer_free(tc);
    g_string_free(order, TRUE);
}

static void test_virtual_timer(void)
{
    Fired f = { 0 };
    QEMUTimer *t = timer_new_ns(QEMU_CLOCK_VIRTUAL, cb, &f);
    int64_t deadline;

    g_assert_false(bql_locked());
    bql_lock();
    timer_mod_ns(t, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
    /* Paused: nothing runs, and no deadline is reported. */
    g_assert_cmpint(timers_run_expired(), ==, -1);
    g_assert_cmpint(f.count, ==, 0);
    qemu_clock_enable_virtual(true);
    timers_run_expired();
    g_assert_cmpint(f.count, ==, 1);
    g_assert_true(f.bql_was_held);

    timer_mod_ns(t, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + 50000000);
    deadline = timers_run_expired();
    g_assert_cmpint(deadline, >, 0);
    g_assert_cmpint(deadline, <=, 50000000);
    bql_unlock();

    /* Paused time does not count towards the deadline. */
    qemu_clock_enable_virtual(false);
    g_usleep(60000);
    while (g_main_context_iteration(NULL, FALSE)) {
    }
    g_assert_cmpint(f.count, ==, 1);
    qemu_clock_enable_virtual(true);
    g_assert_cmpint(timer_expire_time_ns(t) -
                    qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), >, 0);
    run_until(&f.count, 2);
    g_assert_cmpint(f.count, ==, 2);
    qemu_clock_enable_virtual(false);
    timer_free(t);
}

/* The main thread holds the BQL while iterating; poll releases it. */
static gpointer arm_from_thread(gpointer opaque)
{
    QEMUTimer *t = opaque;

    g_usleep(20000);
    bql_lock();
    timer_mod_ns(t, qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + 1000000);
    bql_unlock();
    return NULL;
}

static void test_cross_thread(void)
{
    Fired f = { 0 };
    QEMUTimer *t = timer_new_ns(QEMU_CLOCK_REALTIME, cb, &f);
    GThread *th;
    int64_t limit = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;

    bql_lock();
    th = g_thread_new("arm", arm_from_thread, t);
    /* Blocks in poll without a deadline until the thread arms the timer. */
    while (f.count < 1 && g_get_monotonic_time() < limit) {
        main_loop_wait(false);
    }
    g_assert_true(bql_locked());
    bql_unlock();
    g_thread_join(th);
    g_assert_cmpint(f.count, ==, 1);
    g_assert_true(f.bql_was_held);
    timer_free(t);
}

/*
 * A sub-millisecond deadline wakes main_loop_wait on time: GLib's poll
 * timeout alone is whole milliseconds, so 50 timers of 100 us took at
 * least 50 ms.
 */
static void test_sub_ms(void)
{
    Fired f = { 0 };
    QEMUTimer *t = timer_new_ns(QEMU_CLOCK_REALTIME, cb, &f);
    int64_t start = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);

    bql_lock();
    for (int i = 0; i < 50; i++) {
        timer_mod_ns(t, qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + 100000);
        while (f.count <= i) {
            main_loop_wait(false);
        }
    }
    bql_unlock();
    g_assert_cmpint(f.count, ==, 50);
    g_assert_cmpint(f.at - start, >=, 50 * 100000);
    g_assert_cmpint(f.at - start, <, 40 * 1000000);
    timer_free(t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/timer/clocks", test_clocks);
    g_test_add_func("/timer/virtual-pause", test_virtual_pause);
    g_test_add_func("/timer/fire-main-loop", test_fire_main_loop);
    g_test_add_func("/timer/order-rearm", test_order_and_rearm);
    g_test_add_func("/timer/virtual-timer", test_virtual_timer);
    g_test_add_func("/timer/cross-thread", test_cross_thread);
    g_test_add_func("/timer/sub-ms", test_sub_ms);
    return g_test_run();
}
