/*
 * Run state (QEMU's RunState names, reported by `info status` and
 * query-status) and requests from devices and vCPUs: reset, shutdown,
 * exit with a status (isa-debug-exit).  Requests are served by the main
 * loop; they may be made from any thread with or without the BQL.
 */
#ifndef SYSTEM_RUNSTATE_H
#define SYSTEM_RUNSTATE_H

#include "qemu/osdep.h"

/*
 * RunState (RUN_STATE_RUNNING, ...) and ShutdownCause
 * (SHUTDOWN_CAUSE_GUEST_RESET, ...) are generated from
 * qapi/run-state.json.
 */
#include "qapi/qapi-types.h"

RunState runstate_get(void);
bool runstate_is_running(void);
void runstate_set(RunState state);
/* "running", "paused", ... as QMP spells them. */
const char *runstate_name(RunState state);
const char *shutdown_cause_name(ShutdownCause cause);

/* Reset the whole system (with -no-reboot: shut down instead). */
void qemu_system_reset_request(ShutdownCause cause);
/* Power off (with -no-shutdown: pause instead). */
void qemu_system_shutdown_request(ShutdownCause cause);
/* Exit the process with @status after orderly teardown (isa-debug-exit). */
void qemu_system_exit_request(int status);
/*
 * Press the power button (QMP system_powerdown): the main loop emits the
 * POWERDOWN event, then calls every powerdown notifier (the ACPI PM device
 * raises PWRBTN_STS).  Without a notifier the guest sees nothing.
 */
void qemu_system_powerdown_request(void);
/* The same at once (main thread, BQL held): POWERDOWN event, then the button. */
void qemu_system_powerdown(void);
typedef void PowerdownNotifyFn(void *opaque);
void qemu_register_powerdown_notifier(PowerdownNotifyFn *fn, void *opaque);
void qemu_unregister_powerdown_notifier(PowerdownNotifyFn *fn, void *opaque);
/* The guest triple-faulted or the accelerator hit an internal error. */
void qemu_system_guest_panicked(void);

/* Start / pause every vCPU (BQL held). */
void vm_start(void);
void vm_stop(RunState state);

/* vm_stop from a vCPU thread: the main loop stops the VM in @state. */
void qemu_system_vmstop_request(RunState state);

/*
 * -no-reboot (a reset request shuts down instead) and -no-shutdown (a
 * shutdown request pauses instead, except on a signal or QMP quit).
 */
void runstate_set_actions(bool no_reboot, bool no_shutdown);

/*
 * Record a terminating signal (async-signal-safe; called from the handler).
 * The main loop prints QEMU's "terminating on signal N from pid P (cmd)"
 * and shuts down.
 */
void qemu_system_killed(int signo, pid_t pid);

/*
 * Serve pending requests (main loop, BQL held): resets, VM stops, shutdowns.
 * Returns true when the main loop must end, with the exit status in
 * *status (0, or the isa-debug-exit status).
 */
bool qemu_main_loop_should_exit(int *status);

/*
 * Listeners for QMP events, called on the main thread with the BQL held:
 * "SHUTDOWN", "RESET" (with @cause and whether the guest asked), "STOP",
 * "RESUME", "GUEST_PANICKED", "POWERDOWN".
 */
typedef void RunStateEventFn(void *opaque, const char *event,
                             ShutdownCause cause, bool guest);
void runstate_add_event_listener(RunStateEventFn *fn, void *opaque);

/* Hooks run on every system reset, in registration order (the machine resets CPUs and devices). */
typedef void QEMUResetHandler(void *opaque);
void qemu_register_reset(QEMUResetHandler *func, void *opaque);
void qemu_system_reset(ShutdownCause cause);

#endif
