/*
 * Run state and the requests that change it.  Devices and vCPU threads only
 * *request* a reset, shutdown, stop or exit (any thread, lock-free flags);
 * the main loop serves them with the BQL held (QEMU's
 * main_loop_should_exit), so vCPUs are paused by someone who is not a vCPU.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "system/runstate.h"
#include "system/cpus.h"
#include "hw/boards.h"
#include "hw/qdev-core.h"

/* Written by the main thread only (BQL); read by vCPU threads. */
static volatile RunState current_run_state = RUN_STATE_PRELAUNCH;

/* Pending requests: ShutdownCause values, 0 (NONE) when none. */
static int reset_requested;
static int shutdown_requested;
static int exit_requested;
static int exit_status;
static int vmstop_requested;        /* RunState + 1 */
static int panic_requested;
static int powerdown_requested;
static volatile sig_atomic_t shutdown_signal;
static volatile pid_t shutdown_pid;

static bool no_reboot, no_shutdown;

typedef struct ResetEntry {
    QEMUResetHandler *func;
    void *opaque;
} ResetEntry;
static GArray *reset_handlers;

typedef struct EventListener {
    RunStateEventFn *fn;
    void *opaque;
} EventListener;
static GArray *event_listeners;

typedef struct PowerdownNotifier {
    PowerdownNotifyFn *fn;
    void *opaque;
} PowerdownNotifier;
static GArray *powerdown_notifiers;

RunState runstate_get(void)
{
    return current_run_state;
}

bool runstate_is_running(void)
{
    return current_run_state == RUN_STATE_RUNNING;
}

void runstate_set(RunState state)
{
    if ((unsigned)state < RUN_STATE__MAX) {
        current_run_state = state;
    }
}

const char *runstate_name(RunState state)
{
    return (unsigned)state < RUN_STATE__MAX ? RunState_str(state) : "?";
}

const char *shutdown_cause_name(ShutdownCause cause)
{
    return (unsigned)cause < SHUTDOWN_CAUSE__MAX ? ShutdownCause_str(cause)
                                                 : "?";
}

void runstate_set_actions(bool reboot_off, bool shutdown_off)
{
    no_reboot = reboot_off;
    no_shutdown = shutdown_off;
}

void runstate_add_event_listener(RunStateEventFn *fn, void *opaque)
{
    EventListener l = { .fn = fn, .opaque = opaque };

    if (!event_listeners) {
        event_listeners = g_array_new(FALSE, FALSE, sizeof(EventListener));
    }
    g_array_append_val(event_listeners, l);
}

static void runstate_event(const char *event, ShutdownCause cause)
{
    bool guest = cause >= SHUTDOWN_CAUSE_GUEST_SHUTDOWN &&
                 cause <= SHUTDOWN_CAUSE_GUEST_PANIC;

    for (guint i = 0; event_listeners && i < event_listeners->len; i++) {
        EventListener *l = &g_array_index(event_listeners, EventListener, i);

        l->fn(l->opaque, event, cause, guest);
    }
}

/* ---- requests (any thread) ---- */

/* Make the vCPU that made a request stop soon, then wake the main loop. */
static void request_notify(void)
{
    main_loop_wakeup();
}

void qemu_system_reset_request(ShutdownCause cause)
{
    if (no_reboot && cause != SHUTDOWN_CAUSE_SUBSYSTEM_RESET) {
        g_atomic_int_set(&shutdown_requested, cause);
    } else {
        g_atomic_int_set(&reset_requested, cause);
    }
    request_notify();
}

void qemu_system_shutdown_request(ShutdownCause cause)
{
    g_atomic_int_set(&shutdown_requested, cause);
    request_notify();
}

void qemu_system_powerdown_request(void)
{
    g_atomic_int_set(&powerdown_requested, 1);
    request_notify();
}

void qemu_register_powerdown_notifier(PowerdownNotifyFn *fn, void *opaque)
{
    PowerdownNotifier n = { .fn = fn, .opaque = opaque };

    if (!powerdown_notifiers) {
        powerdown_notifiers = g_array_new(FALSE, FALSE,
                                          sizeof(PowerdownNotifier));
    }
    g_array_append_val(powerdown_notifiers, n);
}

void qemu_unregister_powerdown_notifier(PowerdownNotifyFn *fn, void *opaque)
{
    for (guint i = 0; powerdown_notifiers && i < powerdown_notifiers->len;
         i++) {
        PowerdownNotifier *n = &g_array_index(powerdown_notifiers,
                                              PowerdownNotifier, i);

        if (n->fn == fn && n->opaque == opaque) {
            g_array_remove_index(powerdown_notifiers, i);
            return;
        }
    }
}

/* Main thread, BQL held: the event first, then the button (as QEMU). */
void qemu_system_powerdown(void)
{
    runstate_event("POWERDOWN", SHUTDOWN_CAUSE_NONE);
    for (guint i = 0; powerdown_notifiers && i < powerdown_notifiers->len;
         i++) {
        PowerdownNotifier *n = &g_array_index(powerdown_notifiers,
                                              PowerdownNotifier, i);

        n->fn(n->opaque);
    }
}

void qemu_system_exit_request(int status)
{
    g_atomic_int_set(&exit_status, status);
    g_atomic_int_set(&exit_requested, 1);
    request_notify();
}

void qemu_system_guest_panicked(void)
{
    g_atomic_int_set(&panic_requested, 1);
    request_notify();
}

void qemu_system_vmstop_request(RunState state)
{
    g_atomic_int_set(&vmstop_requested, (int)state + 1);
    request_notify();
}

void qemu_system_killed(int signo, pid_t pid)
{
    /* Only async-signal-safe work here: flags and an eventfd write. */
    shutdown_pid = pid;
    shutdown_signal = signo;
    main_loop_wakeup();
}

/* ---- vm_start / vm_stop (main thread, BQL held) ---- */

void vm_start(void)
{
    if (runstate_is_running()) {
        return;
    }
    qemu_clock_enable_virtual(true);
    runstate_set(RUN_STATE_RUNNING);
    resume_all_vcpus();
    runstate_event("RESUME", SHUTDOWN_CAUSE_NONE);
}

void vm_stop(RunState state)
{
    if (current_cpu) {
        /* A vCPU cannot wait for itself to park: let the main loop do it. */
        qemu_system_vmstop_request(state);
        return;
    }
    if (!runstate_is_running()) {
        runstate_set(state);
        return;
    }
    runstate_set(state);
    pause_all_vcpus();
    qemu_clock_enable_virtual(false);
    runstate_event("STOP", SHUTDOWN_CAUSE_NONE);
}

/* ---- reset ---- */

void qemu_register_reset(QEMUResetHandler *func, void *opaque)
{
    ResetEntry e = { .func = func, .opaque = opaque };

    if (!reset_handlers) {
        reset_handlers = g_array_new(FALSE, FALSE, sizeof(ResetEntry));
    }
    g_array_append_val(reset_handlers, e);
}

void qemu_system_reset(ShutdownCause cause)
{
    for (guint i = 0; reset_handlers && i < reset_handlers->len; i++) {
        ResetEntry *e = &g_array_index(reset_handlers, ResetEntry, i);

        e->func(e->opaque);
    }
    qdev_reset_all_devices();
    if (current_machine) {
        MachineClass *mc = MACHINE_GET_CLASS(current_machine);

        if (mc->reset) {
            mc->reset(current_machine);
        }
    }
    cpu_synchronize_all_post_reset();
    if (cause != SHUTDOWN_CAUSE_NONE) {
        runstate_event("RESET", cause);
    }
}

/* ---- the main loop's side ---- */

/* "(cmd)" of the sending process, as QEMU's qemu_get_pid_name() reads it. */
static char *pid_name(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/cmdline", (int)pid);
    char *contents = NULL;
    gsize len = 0;

    if (!g_file_get_contents(path, &contents, &len, NULL) || len == 0) {
        g_free(contents);
        return NULL;
    }
    return contents;    /* the first NUL-terminated word is argv[0] */
}

static void report_kill(int signo)
{
    pid_t pid = shutdown_pid;

    if (pid > 0) {
        g_autofree char *cmd = pid_name(pid);

        if (cmd) {
            error_report("terminating on signal %d from pid %d (%s)", signo,
                         (int)pid, cmd);
        } else {
            error_report("terminating on signal %d from pid %d", signo,
                         (int)pid);
        }
    } else {
        error_report("terminating on signal %d", signo);
    }
}

bool qemu_main_loop_should_exit(int *status)
{
    int cause, state;

    if (shutdown_signal) {
        int signo = shutdown_signal;

        shutdown_signal = 0;
        loc_set_none();
        report_kill(signo);
        runstate_event("SHUTDOWN", SHUTDOWN_CAUSE_HOST_SIGNAL);
        *status = 0;
        return true;
    }
    if (g_atomic_int_get(&exit_requested)) {
        *status = g_atomic_int_get(&exit_status);
        return true;
    }
    if (g_atomic_int_compare_and_exchange(&panic_requested, 1, 0)) {
        /* QEMU sends GUEST_PANICKED before the STOP of the VM. */
        runstate_event("GUEST_PANICKED", SHUTDOWN_CAUSE_GUEST_PANIC);
        vm_stop(RUN_STATE_GUEST_PANICKED);
        if (!no_shutdown) {
            g_atomic_int_set(&shutdown_requested, SHUTDOWN_CAUSE_GUEST_PANIC);
        }
    }
    state = g_atomic_int_and(&vmstop_requested, 0);
    if (state) {
        vm_stop((RunState)(state - 1));
    }
    cause = g_atomic_int_and(&shutdown_requested, 0);
    if (cause) {
        runstate_event("SHUTDOWN", cause);
        if (no_shutdown && cause != SHUTDOWN_CAUSE_HOST_QMP_QUIT &&
            cause != SHUTDOWN_CAUSE_HOST_SIGNAL) {
            vm_stop(RUN_STATE_SHUTDOWN);
        } else {
            *status = 0;
            return true;
        }
    }
    if (g_atomic_int_compare_and_exchange(&powerdown_requested, 1, 0)) {
        qemu_system_powerdown();
    }
    cause = g_atomic_int_and(&reset_requested, 0);
    if (cause) {
        pause_all_vcpus();
        qemu_system_reset(cause);
        resume_all_vcpus();
        if (!runstate_is_running()) {
            runstate_set(RUN_STATE_PRELAUNCH);
        }
    }
    return false;
}
