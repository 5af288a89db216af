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
    GDB_STOP_WATCH_WRITE,   /* after the access, at the next instruction */
    GDB_STOP_WATCH_READ,
    GDB_STOP_WATCH_ACCESS,
} GdbStopReason;

/*
 * Called by a vCPU thread (with or without the BQL) that stopped before
 * executing guest code for gdb: stops every vCPU and, once the main loop
 * has parked them, tells gdb.  The caller returns to its vCPU loop.
 * @watch_addr: the watchpoint's address for GDB_STOP_WATCH_*.
 */
void gdb_vcpu_stopped(X86CPU *cpu, GdbStopReason reason,
                      uint64_t watch_addr);

/* The process exits with @status (isa-debug-exit, quit): tell gdb ("W"). */
void gdb_exit(int status);

#endif
