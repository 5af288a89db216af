/*
 * The main loop (GLib's default context, run on the main thread) and the
 * global device lock ("BQL").  Device callbacks, chardev handlers, timers
 * and monitors run with the BQL held; vCPU threads take it around each
 * device access and drop it while running guest code.
 */
#ifndef QEMU_MAIN_LOOP_H
#define QEMU_MAIN_LOOP_H

#include "qemu/osdep.h"

void bql_lock(void);
void bql_unlock(void);
bool bql_locked(void);      /* held by the calling thread */
/*
 * The BQL itself, for g_cond_wait() by a thread that holds it (system/cpus.c
 * parks vCPUs this way); the waiter still counts as the holder.
 */
GMutex *bql_mutex(void);

/* Wake the main loop from another thread (e.g. after a shutdown request). */
void main_loop_wakeup(void);

/*
 * Run one iteration of GLib's default main context (blocking unless
 * @nonblocking).  The caller may hold the BQL: it is released only while
 * the thread sleeps in poll(), so the main thread can keep it otherwise, as
 * QEMU's main loop does.  Sources other than timers that touch devices must
 * take the BQL themselves when called without it.  Returns whether any
 * source was dispatched.
 */
bool main_loop_wait(bool nonblocking);

/*
 * Virtual clock in nanoseconds: runs while the VM runs, stops while paused.
 * Host monotonic clock: qemu_clock_get_ns(QEMU_CLOCK_HOST/REALTIME).
 */
typedef enum QEMUClockType {
    QEMU_CLOCK_REALTIME,     /* host monotonic, always runs */
    QEMU_CLOCK_VIRTUAL,      /* guest time: stops while paused */
    QEMU_CLOCK_HOST,         /* wall clock (gettimeofday) */
} QEMUClockType;

int64_t qemu_clock_get_ns(QEMUClockType type);
/*
 * Start/stop the virtual clock (vm_start / vm_stop).  As in QEMU the
 * virtual clock starts *stopped* at 0: call qemu_clock_enable_virtual(true)
 * when the VM starts (tests using virtual timers must do so too).
 */
void qemu_clock_enable_virtual(bool enable);

/*
 * Timers run on the main loop with the BQL held (the timer source takes it
 * unless the dispatching thread already holds it).  Arming, deleting and
 * querying are thread-safe; arming from a vCPU thread wakes the main loop.  A timer fires once at
 * its expiry time; re-arm it from the callback for periodic behaviour.
 * Virtual-clock timers do not fire while the VM is paused.
 */
typedef struct QEMUTimer QEMUTimer;
typedef void QEMUTimerCB(void *opaque);
QEMUTimer *timer_new_ns(QEMUClockType type, QEMUTimerCB *cb, void *opaque);
void timer_mod_ns(QEMUTimer *t, int64_t expire_time_ns);
void timer_del(QEMUTimer *t);
void timer_free(QEMUTimer *t);
bool timer_pending(QEMUTimer *t);
int64_t timer_expire_time_ns(QEMUTimer *t);
/*
 * Run expired timers now (BQL held).  The software CPU calls this from its
 * loop so guest timers stay accurate without a main-loop round trip;
 * returns ns until the next deadline (-1 if none).
 */
int64_t timers_run_expired(void);
/* ns until the earliest deadline over all running clocks; -1 if none. */
int64_t timers_deadline_ns(void);

#endif
