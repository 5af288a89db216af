/* Private interface between the "tcg" AccelOps and its vCPU thread. */
#ifndef ACCEL_TCG_TCG_ACCEL_H
#define ACCEL_TCG_TCG_ACCEL_H

#include "qemu/osdep.h"
#include "target/x86/cpu.h"

/* Start the single vCPU thread if needed; @cpu joins the round-robin. */
void tcg_cpus_start(X86CPU *cpu);
void tcg_cpus_kick(X86CPU *cpu);

#endif
