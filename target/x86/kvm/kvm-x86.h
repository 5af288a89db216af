/*
 * x86 side of the KVM accelerator: CPUID tables and register sync between
 * CPUX86State and the kernel's vCPU.  Used only by accel/kvm/.
 */
#ifndef TARGET_X86_KVM_X86_H
#define TARGET_X86_KVM_X86_H

#include "qemu/osdep.h"
#include "target/x86/cpu.h"
#include <linux/kvm.h>

/* KVM_GET_SUPPORTED_CPUID of the system fd; NULL with errp on failure. */
struct kvm_cpuid2 *kvm_x86_get_supported_cpuid(int kvm_fd, Error **errp);

/*
 * Restrict @cpu->model to what @supported allows, warning like QEMU
 * ("host doesn't support requested feature: CPUID.01H:ECX.x2apic [bit 21]");
 * "host" and "max" take the host's features.
 */
void kvm_x86_filter_model(X86CPUModel *m, const struct kvm_cpuid2 *supported,
                          bool quiet);

/* Build the vCPU's CPUID table from x86_cpu_get_cpuid() and load it. */
bool kvm_x86_set_cpuid(X86CPU *cpu, int vcpu_fd,
                       const struct kvm_cpuid2 *supported, Error **errp);

/* Copy cpu->env to the vCPU (regs, sregs, FPU/SSE, MSRs, MP state). */
bool kvm_x86_put_registers(X86CPU *cpu, int vcpu_fd, Error **errp);
/* Copy the vCPU's state into cpu->env. */
bool kvm_x86_get_registers(X86CPU *cpu, int vcpu_fd, Error **errp);

#endif
