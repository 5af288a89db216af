/*
 * The gdb remote stub (gdbstub/): -s, -gdb DEVICE, HMP "gdbserver".
 * One gdb connection at a time; every vCPU is a gdb thread (id =
 * cpu_index + 1).  Accelerators report debug stops here.
 */
#ifndef SYSTEM_GDBSTUB_H
#define SYSTEM_GDBSTUB_H

#include "qemu/osdep.h"
#include "target/x86/cpu.h"

/*
 * Listen for gdb on @device: "tcp::1234", a bare port "1234",
 * "unix:PATH,server=on" (chardev syntax) or "none" (stop listening).
 * Main thread, BQL held.
 */
bool gdbserver_start(const char *device, Error **errp);

/* Why an accelerator stopped a vCPU for gdb. */
typedef enum GdbStopReason {
    GDB_STOP_BREAKPOINT,
    GDB_STOP_STEP,
} GdbStopReason;

/*
 * Called by a vCPU thread (with or without the BQL) that stopped before
 * executing guest code for gdb: stops every vCPU and, once the main loop
 * has parked them, tells gdb.  The caller returns to its vCPU loop.
 */
void gdb_vcpu_stopped(X86CPU *cpu, GdbStopReason reason);

/* The process exits with @status (isa-debug-exit, quit): tell gdb ("W"). */
void gdb_exit(int status);

#endif
