/*
 * vCPU thread bookkeeping shared by every accelerator (system/cpus.c).
 * Accelerators own their threads (KVM: one per vCPU; software CPU: one for
 * all vCPUs in turn); this file owns pausing/resuming them for vm_stop /
 * vm_start, and the sleep/kick protocol of halted vCPUs.  Every function
 * here is called with the BQL held unless it says otherwise.
 */
#ifndef SYSTEM_CPUS_H
#define SYSTEM_CPUS_H

#include "qemu/osdep.h"
#include "target/x86/cpu.h"

/* Add @cpu to x86_cpus (cpu_index order); called when the CPU is realized. */
void cpus_register(X86CPU *cpu);

/*
 * Called by the vCPU thread between bursts of guest code: if the VM is not
 * running or cpu->stop is set, mark cpu->stopped, wake pause_all_vcpus()
 * and sleep until resume_all_vcpus().  Returns with the BQL held.
 */
void cpu_thread_handle_stop(X86CPU *cpu);
/* True when the vCPU may run guest code now (VM running and no stop request). */
bool cpu_can_run(X86CPU *cpu);

/*
 * Sleep (releasing the BQL) until qemu_cpu_kick_thread()/x86_cpu_interrupt()
 * wakes vCPU threads, a stop is requested, or @timeout_ns passes
 * (-1: no timeout).  Used by halted vCPUs.
 */
void cpu_thread_sleep(int64_t timeout_ns);
/* Wake every vCPU thread sleeping in cpu_thread_sleep() (any thread, no BQL needed). */
void cpus_wake_sleepers(void);

/* vm_stop / vm_start: stop every vCPU and wait until all are parked; resume them. */
/*
 * After a system reset (the board has rewritten CPU state: reset values,
 * a -kernel entry point): hand every vCPU's env to its accelerator, which
 * may hold a decoded copy (the software CPU's mode flags, KVM's registers).
 */
void cpu_synchronize_all_post_reset(void);
void pause_all_vcpus(void);
void resume_all_vcpus(void);
bool all_vcpus_paused(void);
/*
 * CPU @index (NULL: none) with cpu->env holding its current registers,
 * for the monitor: the accelerator owns them while the vCPU runs, so the
 * vCPUs pause for the copy and run on afterwards.  BQL held.
 */
X86CPU *cpu_get_synced(int index);
#endif
