/*
 * The vCPU thread of the software CPU: ONE thread runs every vCPU in turn,
 * in slices of TCG_SLICE instructions.  The BQL is dropped while guest code
 * runs (devices take it themselves); between slices the thread runs expired
 * timers so guest time stays accurate without a main-loop round trip, and
 * when every vCPU is halted it sleeps until the next timer deadline or a
 * kick (x86_cpu_interrupt / cpus_wake_sleepers).
 */
#include "qemu/osdep.h"
#include <sys/syscall.h>
#include "qemu/main-loop.h"
#include "system/cpus.h"
#include "target/x86/cpu.h"
#include "target/x86/tcg/tcg-cpu.h"
#include "accel/tcg/tcg-accel.h"

#define TCG_SLICE       50000
/* Upper bound of one idle sleep, in case a wake-up raced with it. */
#define TCG_MAX_SLEEP_NS (5 * 1000 * 1000)

static GThread *tcg_thread;
static uint64_t tcg_thread_tid;

static X86CPU *cpu_at(guint i)
{
    return g_ptr_array_index(x86_cpus, i);
}

/*
 * A stop (vm_stop, pause_all_vcpus) parks every vCPU at once: with a
 * single thread all of them are stopped as soon as it waits.
 */
static void sync_all(bool to_env)
{
    for (guint i = 0; i < x86_cpus->len; i++) {
        X86CPU *cpu = cpu_at(i);
        if (cpu->accel) {
            if (to_env) {
                x86_tcg_sync_to_env(cpu->accel);
            } else {
                x86_tcg_sync_from_env(cpu->accel);
            }
        }
    }
}

/*
 * While the vCPUs are parked, cpu->env is authoritative (loaders, reset,
 * the monitor write it); the interpreter re-reads it when it resumes.
 */
static void park_all(void)
{
    guint n = x86_cpus->len;
    X86CPU *last = NULL;

    sync_all(true);

    for (guint i = 0; i < n; i++) {
        X86CPU *cpu = cpu_at(i);
        if (!cpu->accel) {
            continue;
        }
        if (last) {
            last->stopped = true;
        }
        last = cpu;
    }
    if (!last) {
        cpu_thread_sleep(TCG_MAX_SLEEP_NS);
        return;
    }
    cpu_thread_handle_stop(last);
    sync_all(false);
}

static bool any_cannot_run(void)
{
    for (guint i = 0; i < x86_cpus->len; i++) {
        X86CPU *cpu = cpu_at(i);
        if (cpu->accel && !cpu_can_run(cpu)) {
            return true;
        }
    }
    return false;
}

static bool idle(X86CPU *cpu)
{
    X86TCG *s = cpu->accel;
    return (cpu->env.halted || cpu->env.init_received) &&
           !x86_tcg_has_work(s);
}

static gpointer tcg_cpu_thread(gpointer opaque)
{
    bql_lock();
    tcg_thread_tid = syscall(SYS_gettid);
    for (guint i = 0; i < x86_cpus->len; i++) {
        cpu_at(i)->thread_id = tcg_thread_tid;
    }
    for (;;) {
        bool ran = false;
        int64_t deadline;

        if (any_cannot_run()) {
            park_all();
            continue;
        }
        for (guint i = 0; i < x86_cpus->len; i++) {
            X86CPU *cpu = cpu_at(i);
            X86TCG *s = cpu->accel;
            int r;

            if (!s || idle(cpu)) {
                continue;
            }
            if (!cpu_can_run(cpu)) {
                break;
            }
            __atomic_store_n(&cpu->exit_request, 0, __ATOMIC_SEQ_CST);
            current_cpu = cpu;
            bql_unlock();
            r = x86_tcg_exec(s, TCG_SLICE);
            bql_lock();
            current_cpu = NULL;
            if (r != TCG_EXIT_HALTED) {
                ran = true;
            }
        }
        deadline = timers_run_expired();
        if (!ran && !any_cannot_run()) {
            bool work = false;
            for (guint i = 0; i < x86_cpus->len; i++) {
                X86CPU *cpu = cpu_at(i);
                if (cpu->accel && !idle(cpu)) {
                    work = true;
                }
            }
            if (!work) {
                if (deadline < 0 || deadline > TCG_MAX_SLEEP_NS) {
                    deadline = TCG_MAX_SLEEP_NS;
                }
                cpu_thread_sleep(deadline);
            }
        }
    }
    return NULL;
}

/* Called with the BQL held from create_vcpu. */
void tcg_cpus_start(X86CPU *cpu)
{
    if (!tcg_thread) {
        tcg_thread = g_thread_new("CPU 0/TCG", tcg_cpu_thread, NULL);
    }
    cpu->thread = tcg_thread;
    cpu->thread_id = tcg_thread_tid;
    cpu->created = true;
}

void tcg_cpus_kick(X86CPU *cpu)
{
    X86TCG *s = cpu->accel;

    __atomic_store_n(&cpu->exit_request, 1, __ATOMIC_SEQ_CST);
    if (s) {
        x86_jit_kick(s);    /* translated code polls only its budget */
    }
    cpus_wake_sleepers();
}
