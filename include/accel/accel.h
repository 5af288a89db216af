/*
 * The accelerator interface: one ops table per accelerator (KVM, the
 * software CPU "tcg"), selected with -accel NAME[:NAME2...] or
 * -machine accel=.  Start-up calls init_machine() before the board is built
 * (KVM must exist before memory slots and irqchips), then create_vcpu()
 * for each CPU after the board is realized.  vCPU loops release the global
 * device lock (BQL) while running guest code.
 */
#ifndef ACCEL_ACCEL_H
#define ACCEL_ACCEL_H

#include "qemu/osdep.h"
#include "qapi/error.h"

typedef struct MachineState MachineState;
typedef struct X86CPU X86CPU;
typedef struct X86CPUModel X86CPUModel;
typedef struct QemuOpts QemuOpts;

typedef struct AccelOps {
    const char *name;                 /* "kvm", "tcg" */
    /* Open the accelerator (e.g. /dev/kvm), read -accel options (may be NULL). */
    bool (*init_machine)(MachineState *ms, QemuOpts *opts, Error **errp);
    /* True when PIC, IOAPIC, LAPIC and PIT are emulated by the accelerator (KVM). */
    bool (*irqchip_in_kernel)(void);
    /* Drive global interrupt @gsi (in-kernel irqchip only). */
    void (*set_irq)(int gsi, int level);
    /* Deliver an MSI message (in-kernel irqchip only). */
    void (*send_msi)(uint64_t addr, uint32_t data);
    /* Create per-vCPU state and start its thread (stopped until vm_start). */
    bool (*create_vcpu)(X86CPU *cpu, Error **errp);
    /* Make the vCPU leave guest code soon (any thread). */
    void (*kick)(X86CPU *cpu);
    /* Copy state between the accelerator and cpu->env (BQL held, vCPU stopped). */
    void (*get_state)(X86CPU *cpu);
    void (*put_state)(X86CPU *cpu);
    /*
     * Filter a CPU model to what this accelerator can run; warns like QEMU
     * unless @quiet (query-cpu-definitions computes unavailable features).
     */
    void (*filter_cpu_model)(X86CPUModel *m, bool quiet);
    /* Tear down (reverse of init). */
    void (*destroy)(void);
    /* HMP "info jit": the translator's state (NULL: not a translating accelerator). */
    void (*info_jit)(GString *out);
    /*
     * gdb stub (gdbstub/): breakpoints of GDB's Z/z types (0 software,
     * 1 hardware: both "stop before executing @addr"), kept by the
     * accelerator without patching guest memory, and single-stepping one
     * vCPU.  0 or -errno.  NULL: the accelerator cannot debug guests.
     * Called with the BQL held and the vCPUs stopped.
     */
    int (*insert_breakpoint)(int type, uint64_t addr, uint64_t len);
    int (*remove_breakpoint)(int type, uint64_t addr, uint64_t len);
    void (*remove_all_breakpoints)(void);
    void (*set_single_step)(X86CPU *cpu, bool on);
    /*
     * An external NMI at @cpu's LINT1 when the accelerator owns the local
     * APIC (in-kernel irqchip); NULL: the emulated APIC takes it.  Any
     * thread, BQL held.
     */
    void (*inject_nmi)(X86CPU *cpu);
    /*
     * @cpu's local APIC register page (regs[offset >> 4]) when the
     * accelerator owns the APIC; false when it cannot be read.  NULL: the
     * emulated APIC's.  BQL held, vCPUs paused.
     */
    bool (*get_lapic_regs)(X86CPU *cpu, uint32_t regs[64]);
} AccelOps;

/* Register an accelerator (from a constructor). */
void accel_register(const AccelOps *ops);
const AccelOps *accel_find(const char *name);
/* The accelerator in use, NULL before accel_init(). */
const AccelOps *current_accel(void);
const char *current_accel_name(void);
/* True when kvm is the current accelerator. */
bool kvm_enabled(void);
bool tcg_enabled(void);

/*
 * Try each accelerator of the "kvm:tcg" list in turn; the first whose
 * init_machine succeeds is current.  Unknown names: "invalid accelerator
 * NAME".  A failing one prints its error; when all fail, false.
 */
bool accel_init(MachineState *ms, const char *list, QemuOpts *opts,
                Error **errp);
/* "Accelerators supported in QEMU binary:" list (-accel help). */
void accel_print_list(void);

bool accel_irqchip_in_kernel(void);

#endif
