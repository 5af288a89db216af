/*
 * The x86-64 CPU object and its architectural state.  There is one state
 * (CPUX86State): KVM copies it to and from the kernel, the software CPU
 * executes on it directly, loaders and reset write it.  Segment flags use
 * the descriptor layout (QEMU's convention): bits 8..23 of the descriptor's
 * high dword, so DESC_P_MASK etc. below apply to both.
 */
#ifndef TARGET_X86_CPU_H
#define TARGET_X86_CPU_H

#include "qemu/osdep.h"
#include "hw/qdev-core.h"

#define TYPE_X86_CPU "x86_64-cpu"

/* General registers, in encoding order. */
enum {
    R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI,
    R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15,
};
/* Segment registers, in encoding order. */
enum { R_ES, R_CS, R_SS, R_DS, R_FS, R_GS };

/* EFLAGS */
#define CC_C    0x0001
#define CC_P    0x0004
#define CC_A    0x0010
#define CC_Z    0x0040
#define CC_S    0x0080
#define TF_MASK 0x00000100
#define IF_MASK 0x00000200
#define DF_MASK 0x00000400
#define CC_O    0x0800
#define IOPL_MASK 0x00003000
#define NT_MASK 0x00004000
#define RF_MASK 0x00010000
#define VM_MASK 0x00020000
#define AC_MASK 0x00040000
#define VIF_MASK 0x00080000
#define VIP_MASK 0x00100000
#define ID_MASK 0x00200000

/* Segment descriptor attribute bits, as stored in SegmentCache.flags. */
#define DESC_G_MASK     (1 << 23)
#define DESC_B_MASK     (1 << 22)
#define DESC_L_MASK     (1 << 21)
#define DESC_AVL_MASK   (1 << 20)
#define DESC_P_MASK     (1 << 15)
#define DESC_DPL_SHIFT  13
#define DESC_DPL_MASK   (3 << DESC_DPL_SHIFT)
#define DESC_S_MASK     (1 << 12)
#define DESC_TYPE_SHIFT 8
#define DESC_TYPE_MASK  (15 << DESC_TYPE_SHIFT)
#define DESC_A_MASK     (1 << 8)
#define DESC_CS_MASK    (1 << 11)   /* code segment (when S set) */
#define DESC_C_MASK     (1 << 10)   /* conforming code */
#define DESC_E_MASK     (1 << 10)   /* expand-down data */
#define DESC_R_MASK     (1 << 9)    /* readable code */
#define DESC_W_MASK     (1 << 9)    /* writable data */

/* Control registers */
#define CR0_PE_MASK (1u << 0)
#define CR0_MP_MASK (1u << 1)
#define CR0_EM_MASK (1u << 2)
#define CR0_TS_MASK (1u << 3)
#define CR0_ET_MASK (1u << 4)
#define CR0_NE_MASK (1u << 5)
#define CR0_WP_MASK (1u << 16)
#define CR0_AM_MASK (1u << 18)
#define CR0_NW_MASK (1u << 29)
#define CR0_CD_MASK (1u << 30)
#define CR0_PG_MASK (1u << 31)

#define CR4_VME_MASK  (1u << 0)
#define CR4_PVI_MASK  (1u << 1)
#define CR4_TSD_MASK  (1u << 2)
#define CR4_DE_MASK   (1u << 3)
#define CR4_PSE_MASK  (1u << 4)
#define CR4_PAE_MASK  (1u << 5)
#define CR4_MCE_MASK  (1u << 6)
#define CR4_PGE_MASK  (1u << 7)
#define CR4_PCE_MASK  (1u << 8)
#define CR4_OSFXSR_MASK (1u << 9)
#define CR4_OSXMMEXCPT_MASK (1u << 10)

#define MSR_EFER_SCE (1u << 0)
#define MSR_EFER_LME (1u << 8)
#define MSR_EFER_LMA (1u << 10)
#define MSR_EFER_NXE (1u << 11)

/* MSR numbers */
#define MSR_IA32_TSC            0x10
#define MSR_IA32_APICBASE       0x1b
#define MSR_IA32_APICBASE_BSP   (1u << 8)
#define MSR_IA32_APICBASE_ENABLE (1u << 11)
#define MSR_IA32_APICBASE_BASE  (0xfffffULL << 12)
#define MSR_IA32_SYSENTER_CS    0x174
#define MSR_IA32_SYSENTER_ESP   0x175
#define MSR_IA32_SYSENTER_EIP   0x176
#define MSR_PAT                 0x277
#define MSR_EFER                0xc0000080
#define MSR_STAR                0xc0000081
#define MSR_LSTAR               0xc0000082
#define MSR_CSTAR               0xc0000083
#define MSR_FMASK               0xc0000084
#define MSR_FSBASE              0xc0000100
#define MSR_GSBASE              0xc0000101
#define MSR_KERNELGSBASE        0xc0000102
#define MSR_TSC_AUX             0xc0000103

/* Exception vectors */
enum {
    EXCP00_DIVZ = 0, EXCP01_DB, EXCP02_NMI, EXCP03_INT3, EXCP04_INTO,
    EXCP05_BOUND, EXCP06_ILLOP, EXCP07_PREX, EXCP08_DBLE, EXCP09_XERR,
    EXCP0A_TSS, EXCP0B_NOSEG, EXCP0C_STACK, EXCP0D_GPF, EXCP0E_PAGE,
    EXCP10_COPR = 16, EXCP11_ALGN, EXCP12_MCHK, EXCP13_XMM,
};

typedef struct SegmentCache {
    uint32_t selector;
    uint64_t base;
    uint32_t limit;         /* byte-granular, already scaled by G */
    uint32_t flags;         /* DESC_* bits */
} SegmentCache;

typedef struct TableReg {
    uint64_t base;
    uint32_t limit;
} TableReg;

typedef union X86XMMReg {
    uint8_t b[16];
    uint16_t w[8];
    uint32_t l[4];
    uint64_t q[2];
} X86XMMReg;

/* An x87 register: 64-bit mantissa + 16-bit sign/exponent (as FXSAVE stores it). */
typedef struct X86FPReg {
    uint64_t mant;
    uint16_t exp;
} X86FPReg;

#define X86_MAX_MTRR_VAR 8

typedef struct CPUX86State {
    uint64_t regs[16];
    uint64_t rip;
    uint64_t eflags;        /* architectural EFLAGS (software CPU keeps lazy flags elsewhere and syncs here) */

    SegmentCache segs[6];
    SegmentCache ldt;
    SegmentCache tr;
    TableReg gdt;
    TableReg idt;

    uint64_t cr[5];         /* cr[1] unused */
    uint64_t cr8;           /* task priority (mirrors LAPIC TPR) */
    uint64_t efer;
    uint64_t dr[8];

    /* x87 / SSE (FXSAVE layout facts) */
    X86FPReg fpregs[8];
    uint16_t fpuc;          /* control word */
    uint16_t fpus;          /* status word (TOP in bits 11..13) */
    uint8_t fptag_abridged; /* FXSAVE abridged tag: bit set = valid */
    uint16_t fpop;
    uint64_t fpip, fpdp;
    uint32_t mxcsr;
    X86XMMReg xmm[16];

    /* MSRs */
    uint64_t star, lstar, cstar, fmask;
    uint64_t kernelgsbase;
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t pat;
    uint64_t tsc_offset;    /* guest TSC = host ticks + offset (software CPU) */
    uint64_t tsc_aux;
    uint64_t apic_base;     /* MSR_IA32_APICBASE */
    uint64_t mtrr_cap_def_type;
    uint64_t mtrr_fixed[11];
    struct { uint64_t base, mask; } mtrr_var[X86_MAX_MTRR_VAR];
    uint64_t mcg_status, mcg_ctl;
    uint64_t misc_enable;

    /* Execution state shared by both accelerators. */
    bool halted;            /* HLT executed, waiting for an interrupt */
    int interrupt_injected; /* vector pending injection, -1 if none */
    bool nmi_pending;
    uint32_t sipi_vector;
    bool init_received;     /* INIT pending (AP waits for SIPI) */
} CPUX86State;

/* CPUID model: data, not code (Bochs' cpudb/). */
typedef struct X86CPUModel {
    const char *name;       /* "qemu64" */
    const char *model_id;   /* brand string */
    const char *vendor;     /* 12 chars: "AuthenticAMD" */
    uint32_t level, xlevel;
    uint32_t family, model, stepping;
    uint32_t features_1_edx, features_1_ecx;
    uint32_t features_7_0_ebx, features_7_0_ecx, features_7_0_edx;
    uint32_t ext_features_edx, ext_features_ecx;   /* 0x80000001 */
    uint32_t phys_bits;     /* 0x80000008 eax[7:0] */
    uint32_t virt_bits;
} X86CPUModel;

OBJECT_DECLARE_TYPE(X86CPU, X86CPUClass, X86_CPU)

struct X86CPUClass {
    DeviceClass parent_class;
    const X86CPUModel *model;   /* NULL for "host"/"max" (filled by the accelerator) */
};

struct X86CPU {
    DeviceState parent_obj;
    CPUX86State env;
    int cpu_index;          /* 0..smp_cpus-1 */
    uint32_t apic_id;
    bool is_bsp;
    X86CPUModel model;      /* effective CPUID data after +feat/-feat and accelerator filtering */
    char *model_name;       /* "qemu64" */

    /* vCPU thread control, used by accel/ and system/. */
    GThread *thread;
    uint64_t thread_id;     /* host TID, for info cpus */
    bool created;
    bool stop;              /* request: stop at the next opportunity */
    bool stopped;           /* the thread is parked */
    bool unplug;
    volatile int exit_request;  /* kick: leave guest code soon */
    void *accel;            /* accelerator's private per-vCPU data */
    /* Interrupt controller glue: the local APIC device of this CPU (NULL under an in-kernel irqchip). */
    DeviceState *apic;
    /* CPU_INTERRUPT_* bits, set by devices from any thread (atomic ops). */
    int interrupt_request;
};

/* interrupt_request bits (QEMU's values). */
#define CPU_INTERRUPT_HARD  0x0002   /* INTR: ask the APIC/PIC for a vector */
#define CPU_INTERRUPT_EXITTB 0x0004  /* leave the execution loop */
#define CPU_INTERRUPT_NMI   0x0200
#define CPU_INTERRUPT_INIT  0x0400
#define CPU_INTERRUPT_SIPI  0x0800
#define CPU_INTERRUPT_POLL  0x1000   /* APIC state changed, re-evaluate */
#define CPU_INTERRUPT_TPR   0x2000

/*
 * The vCPU whose guest code runs on the calling thread, NULL elsewhere (main
 * loop, monitor).  The vCPU loop sets it around guest execution so that the
 * shared xAPIC window at 0xfee00000 reaches the accessing CPU's own APIC.
 * Defined in hw/intc/apic.c.
 */
extern __thread X86CPU *current_cpu;

/* Set bits in interrupt_request and kick the vCPU out of guest code / HLT. */
void x86_cpu_interrupt(X86CPU *cpu, int mask);
void x86_cpu_reset_interrupt(X86CPU *cpu, int mask);

/* ---- models ---- */

/* Find a model by name ("qemu64", "host", "max", ...); NULL if unknown. */
const X86CPUModel *x86_cpu_model_find(const char *name);
/* "-cpu help" output, QEMU's format ("Available CPUs:" then "x86 NAME  DESC"). */
void x86_cpu_list(void);
/*
 * Parse "-cpu NAME[,+feat,-feat,feat=on|off]" into @cpu->model; errors in
 * QEMU's words.  Feature names are QEMU's ("sse4.2", "lahf_lm", "x2apic").
 */
bool x86_cpu_apply_model(X86CPU *cpu, const char *cpu_option, Error **errp);
/* CPUID leaf/subleaf as this vCPU reports it (software CPU and KVM's table both use this). */
void x86_cpu_get_cpuid(X86CPU *cpu, uint32_t leaf, uint32_t subleaf,
                       uint32_t *eax, uint32_t *ebx, uint32_t *ecx,
                       uint32_t *edx);

/*
 * Create CPU @index of machine @ms: model from ms->cpu_model (QEMU's -cpu
 * syntax), APIC id, BSP flag; realize registers it (cpus_register) and asks
 * the current accelerator to create its vCPU (create_vcpu).  The board
 * then attaches a local APIC (apic_new) when the irqchip is not in-kernel.
 */
typedef struct MachineState MachineState;
X86CPU *x86_cpu_create(MachineState *ms, int index, Error **errp);

/* ---- state ---- */

/* Architectural power-on/INIT state (real mode at F000:FFF0, or wait-for-SIPI for APs). */
void x86_cpu_reset(X86CPU *cpu);
/*
 * INIT (IPI or signal): a reset that keeps the MTRRs and PAT, as the SDM
 * (9.1.1, table 9-1) says INIT leaves memory-type setup alone.
 */
void x86_cpu_init_reset(X86CPU *cpu);
/*
 * The memory types firmware programs before an OS starts (what SeaBIOS
 * sets up): write-back by default, the VGA window uncached, the BIOS area
 * write-protected, and [@pci_hole_start, 4 GiB) uncached.  For direct
 * kernel boot, where no firmware runs.
 */
void x86_cpu_set_firmware_mtrrs(X86CPU *cpu, uint64_t pci_hole_start);
/* A flat 4 GiB segment (base 0) with @selector and descriptor @flags, as loaders set them. */
static inline void x86_cpu_set_flat_seg(SegmentCache *sc, uint32_t selector,
                                        uint32_t flags)
{
    sc->selector = selector;
    sc->base = 0;
    sc->limit = 0xffffffff;
    sc->flags = flags;
}
/* Load a segment register in real-mode fashion (base = selector << 4). */
void x86_cpu_load_seg_real(CPUX86State *env, int seg, uint16_t selector);
/* `info registers` text in QEMU's format; @flags: CPU_DUMP_*. */
#define CPU_DUMP_FPU  (1 << 0)
#define CPU_DUMP_CODE (1 << 1)
void x86_cpu_dump_state(X86CPU *cpu, GString *out, int flags);
/* "info lapic" text of @cpu's local APIC register page @regs. */
void x86_lapic_dump(X86CPU *cpu, const uint32_t regs[64], GString *out);
/*
 * Guest virtual memory without side effects (no A/D bits, no faults):
 * translate @va with the CPU's current paging mode, or read/write @len
 * bytes there.  The rw form returns 0, or -1 when a page is unmapped.
 */
bool x86_cpu_get_phys_addr_debug(const CPUX86State *env, uint64_t va,
                                 uint64_t *pa);
int x86_cpu_memory_rw_debug(X86CPU *cpu, uint64_t va, void *buf, size_t len,
                            bool is_write);
/* Mode of the CPU as QEMU's hflags would describe it. */
static inline bool x86_cpu_long_mode(const CPUX86State *env)
{
    return (env->efer & MSR_EFER_LMA) != 0;
}

/* All created CPUs, in cpu_index order (system/cpus.c owns the array). */
extern GPtrArray *x86_cpus;
X86CPU *x86_cpu_by_index(int index);

#endif
