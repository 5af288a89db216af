/*
 * vCPU bookkeeping shared by the accelerators: the CPU list, parking vCPU
 * threads for vm_stop/reset (QEMU's pause_all_vcpus protocol on the BQL
 * with condition variables), and the sleep/kick protocol of halted vCPUs.
 * A thread may run several vCPUs in turn (software CPU): parking marks
 * every vCPU of the calling thread stopped.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "accel/accel.h"
#include "system/cpus.h"
#include "system/runstate.h"

GPtrArray *x86_cpus;

/* Signalled when a vCPU parks (pause_all_vcpus waits on it). */
static GCond pause_cond;
/* Signalled by resume_all_vcpus (parked vCPUs wait on it). */
static GCond resume_cond;

/*
 * Halted vCPUs sleep on sleep_cond under sleep_lock, not under the BQL, so
 * a kick needs no BQL.  A kick bumps sleep_gen; each sleeping thread
 * remembers the generation it last saw, so a kick that lands between the
 * caller's "nothing to do" check and the wait is never lost.
 */
static GMutex sleep_lock;
static GCond sleep_cond;
static guint64 sleep_gen;
static __thread guint64 sleep_gen_seen;
/* Threads waiting on sleep_cond: a kick with none skips the futex call. */
static unsigned sleepers;

void cpus_register(X86CPU *cpu)
{
    guint i;

    if (!x86_cpus) {
        x86_cpus = g_ptr_array_new();
    }
    for (i = 0; i < x86_cpus->len; i++) {
        X86CPU *c = g_ptr_array_index(x86_cpus, i);

        if (c == cpu) {
            return;
        }
        if (c->cpu_index > cpu->cpu_index) {
            break;
        }
    }
    g_ptr_array_insert(x86_cpus, i, cpu);
}

X86CPU *x86_cpu_by_index(int index)
{
    for (guint i = 0; x86_cpus && i < x86_cpus->len; i++) {
        X86CPU *c = g_ptr_array_index(x86_cpus, i);

        if (c->cpu_index == index) {
            return c;
        }
    }
    return NULL;
}

bool cpu_can_run(X86CPU *cpu)
{
    return !cpu->stop && runstate_is_running();
}

/* Mark every vCPU run by the calling thread as parked (or running). */
static void set_thread_cpus_stopped(X86CPU *cpu, bool stopped)
{
    for (guint i = 0; x86_cpus && i < x86_cpus->len; i++) {
        X86CPU *c = g_ptr_array_index(x86_cpus, i);

        if (c == cpu || (cpu->thread && c->thread == cpu->thread)) {
            c->stopped = stopped;
        }
    }
}

/* Any vCPU of this thread asked to stop? */
static bool thread_cpus_can_run(X86CPU *cpu)
{
    if (!runstate_is_running()) {
        return false;
    }
    for (guint i = 0; x86_cpus && i < x86_cpus->len; i++) {
        X86CPU *c = g_ptr_array_index(x86_cpus, i);

        if ((c == cpu || (cpu->thread && c->thread == cpu->thread)) &&
            c->stop) {
            return false;
        }
    }
    return !cpu->stop;
}

void cpu_thread_handle_stop(X86CPU *cpu)
{
    if (thread_cpus_can_run(cpu) || cpu->unplug) {
        return;
    }
    set_thread_cpus_stopped(cpu, true);
    g_cond_broadcast(&pause_cond);
    while (!thread_cpus_can_run(cpu) && !cpu->unplug) {
        g_cond_wait(&resume_cond, bql_mutex());
    }
    set_thread_cpus_stopped(cpu, false);
}

void cpus_wake_sleepers(void)
{
    g_mutex_lock(&sleep_lock);
    sleep_gen++;
    if (sleepers) {
        g_cond_broadcast(&sleep_cond);
    }
    g_mutex_unlock(&sleep_lock);
}

void cpu_thread_sleep(int64_t timeout_ns)
{
    gint64 end = 0;

    if (timeout_ns == 0) {
        return;
    }
    if (timeout_ns > 0) {
        end = g_get_monotonic_time() + (timeout_ns + 999) / 1000;
    }
    g_mutex_lock(&sleep_lock);
    bql_unlock();
    sleepers++;
    while (sleep_gen == sleep_gen_seen) {
        if (timeout_ns < 0) {
            g_cond_wait(&sleep_cond, &sleep_lock);
        } else if (!g_cond_wait_until(&sleep_cond, &sleep_lock, end)) {
            break;
        }
    }
    sleepers--;
    sleep_gen_seen = sleep_gen;
    g_mutex_unlock(&sleep_lock);
    bql_lock();
}

bool all_vcpus_paused(void)
{
    for (guint i = 0; x86_cpus && i < x86_cpus->len; i++) {
        X86CPU *c = g_ptr_array_index(x86_cpus, i);

        /* A vCPU whose thread never started cannot be running guest code. */
        if (c->created && !c->stopped) {
            return false;
        }
    }
    return true;
}

static void kick_all(void)
{
    const AccelOps *ops = current_accel();

    for (guint i = 0; x86_cpus && i < x86_cpus->len; i++) {
        X86CPU *c = g_ptr_array_index(x86_cpus, i);

        g_atomic_int_set(&c->exit_request, 1);
        if (ops && ops->kick) {
            ops->kick(c);
        }
    }
    cpus_wake_sleepers();
}

void pause_all_vcpus(void)
{
    for (guint i = 0; x86_cpus && i < x86_cpus->len; i++) {
        X86CPU *c = g_ptr_array_index(x86_cpus, i);

        c->stop = true;
    }
    if (current_cpu) {
        /* Called on a vCPU thread: its own vCPUs are parked by definition. */
        set_thread_cpus_stopped(current_cpu, true);
    }
    kick_all();
    while (!all_vcpus_paused()) {
        /* Re-kick now and then: a kick can race with entry to guest code. */
        gint64 end = g_get_monotonic_time() + 100 * G_TIME_SPAN_MILLISECOND;

        if (!g_cond_wait_until(&pause_cond, bql_mutex(), end)) {
            kick_all();
        }
    }
}

void resume_all_vcpus(void)
{
    for (guint i = 0; x86_cpus && i < x86_cpus->len; i++) {
        X86CPU *c = g_ptr_array_index(x86_cpus, i);

        c->stop = false;
    }
    g_cond_broadcast(&resume_cond);
    cpus_wake_sleepers();
}

void cpu_synchronize_all_post_reset(void)
{
    const AccelOps *ops = current_accel();

    for (guint i = 0; ops && ops->put_state && x86_cpus && i < x86_cpus->len;
         i++) {
        ops->put_state(g_ptr_array_index(x86_cpus, i));
    }
}

X86CPU *cpu_get_synced(int index)
{
    X86CPU *cpu = x86_cpu_by_index(index);
    const AccelOps *ops = current_accel();

    if (cpu && ops && ops->get_state) {
        bool running = !all_vcpus_paused();

        if (running) {
            pause_all_vcpus();
        }
        ops->get_state(cpu);
        if (running) {
            resume_all_vcpus();
        }
    }
    return cpu;
}
