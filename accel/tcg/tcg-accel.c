/*
 * The "tcg" accelerator: kemu's software x86-64 CPU (target/x86/tcg/).
 * Devices (PIC, APIC, IOAPIC, PIT) are emulated in userspace, so the
 * irqchip is never in-kernel.  All vCPUs share one thread (tcg-cpus.c).
 */
#include "qemu/osdep.h"
#include "accel/accel.h"
#include "qemu/error-report.h"
#include "qemu/option.h"
#include "target/x86/cpu.h"
#include "target/x86/tcg/tcg-cpu.h"
#include "accel/tcg/tcg-accel.h"

/*
 * -accel tcg,jit=on|off,jit-threshold=N: the translator (on by default;
 * off runs only the interpreter) and how many interpreted runs make a
 * block hot.  KEMU_JIT / KEMU_JIT_THRESHOLD set the defaults (jit.c).
 * jit-lockstep=on (KEMU_JIT_LOCKSTEP=1) checks every translated block
 * against the interpreter (target/x86/tcg/jit-lockstep.c).
 */
static bool tcg_init_machine(MachineState *ms, QemuOpts *opts, Error **errp)
{
    if (opts) {
        Error *err = NULL;
        bool jit = qemu_opt_get_bool(opts, "jit", x86_jit_threshold >= 0,
                                     &err);
        uint64_t thr;

        if (!err) {
            thr = qemu_opt_get_number(opts, "jit-threshold",
                                      x86_jit_threshold >= 0 ?
                                      x86_jit_threshold : 10, &err);
            if (!err && thr > INT32_MAX) {
                error_setg(&err, "Parameter 'jit-threshold' expects a "
                           "number up to %d", INT32_MAX);
            }
            if (!err) {
                x86_jit_threshold = jit ? (int)thr : -1;
            }
        }
        if (!err && qemu_opt_get_bool(opts, "jit-lockstep", false, &err)) {
            x86_jit_lockstep_enable(false);
        }
        if (err) {
            error_propagate(errp, err);
            return false;
        }
    }
    x86_tcg_mmu_init();
    return true;
}

static bool tcg_irqchip_in_kernel(void)
{
    return false;
}

static bool tcg_create_vcpu(X86CPU *cpu, Error **errp)
{
    X86TCG *s = x86_tcg_new(cpu);

    x86_tcg_sync_from_env(s);
    tcg_cpus_start(cpu);
    return true;
}

static void tcg_get_state(X86CPU *cpu)
{
    if (cpu->accel) {
        x86_tcg_sync_to_env(cpu->accel);
    }
}

static void tcg_put_state(X86CPU *cpu)
{
    if (cpu->accel) {
        x86_tcg_sync_from_env(cpu->accel);
    }
}

/*
 * Remove what the interpreter does not implement, so guests never see an
 * advertised-but-broken feature: SVM, and anything beyond SSE2/SSE3/CX16
 * in leaf 1 ECX and leaf 7.
 */
#define TCG_1_ECX (1u << 0 /* SSE3 */ | 1u << 13 /* CX16 */ | \
                   1u << 31 /* hypervisor */)
#define TCG_EXT_ECX (1u << 0 /* LAHF_LM */)

/* QEMU's names of CPUID.01H:ECX bits, for the warning. */
static const char *const ecx1_names[32] = {
    "pni", "pclmulqdq", "dtes64", "monitor", "ds-cpl", "vmx", "smx", "est",
    "tm2", "ssse3", "cid", NULL, "fma", "cx16", "xtpr", "pdcm",
    NULL, "pcid", "dca", "sse4.1", "sse4.2", "x2apic", "movbe", "popcnt",
    "tsc-deadline", "aes", "xsave", "osxsave", "avx", "f16c", "rdrand",
    "hypervisor",
};

/* ... of CPUID.80000001H:ECX and EDX bits kemu drops. */
static const char *const ext_ecx_names[32] = {
    "lahf-lm", "cmp-legacy", "svm", "extapic", "cr8legacy", "abm", "sse4a",
    "misalignsse", "3dnowprefetch", "osvw", "ibs", "xop", "skinit", "wdt",
    NULL, "lwp", "fma4", "tce", NULL, "nodeid-msr", NULL, "tbm", "topoext",
    "perfctr-core", "perfctr-nb",
};
static const char *const ext_edx_names[32] = {
    [26] = "pdpe1gb", [27] = "rdtscp",
};

static void warn_dropped(uint32_t dropped, const char *reg,
                         const char *const names[32])
{
    for (int i = 0; i < 32; i++) {
        if (dropped & (1u << i)) {
            warn_report("TCG doesn't support requested feature: "
                        "CPUID.%s.%s [bit %d]", reg,
                        names[i] ? names[i] : "unknown", i);
        }
    }
}

static void tcg_filter_cpu_model(X86CPUModel *m, bool quiet)
{
    /* SVM goes silently: qemu64 has it, and Linux only probes it */
    if (!quiet) {
        warn_dropped(m->features_1_ecx & ~TCG_1_ECX, "01H:ECX", ecx1_names);
        warn_dropped(m->ext_features_ecx & ~(TCG_EXT_ECX | 1u << 2 /* SVM */),
                     "80000001H:ECX", ext_ecx_names);
        warn_dropped(m->ext_features_edx & ((1u << 27) | (1u << 26)),
                     "80000001H:EDX", ext_edx_names);
    }
    m->features_1_ecx &= TCG_1_ECX;
    m->features_7_0_ebx = 0;
    m->features_7_0_ecx = 0;
    m->features_7_0_edx = 0;
    m->ext_features_ecx &= TCG_EXT_ECX;
    /* no RDTSCP, no 1 GiB pages */
    m->ext_features_edx &= ~((1u << 27) | (1u << 26));
}

/* "info jit": QEMU's headings where kemu has the same counter. */
static void tcg_info_jit(GString *out)
{
    const X86JitStats *st = &x86_jit_stats;

    if (x86_jit_threshold < 0) {
        g_string_append(out, "JIT off (-accel tcg,jit=off): the interpreter "
                        "runs every block\n");
        return;
    }
    g_string_append_printf(out, "Translation buffer state:\n"
                           "gen code size       %" PRIu64 "/%u\n"
                           "TB count            %" PRIu64 "\n"
                           "direct jump count   %" PRIu64 "\n"
                           "inline insns        %" PRIu64 "\n"
                           "helper-call insns   %" PRIu64 "\n"
                           "translate threshold %d runs\n"
                           "\nStatistics:\n"
                           "TB flush count      %" PRIu64 "\n"
                           "TB invalidate count %u\n",
                           st->code_bytes, X86_JIT_CACHE_SIZE, st->blocks,
                           st->chains, st->inline_insns, st->call_insns,
                           x86_jit_threshold, st->flushes, x86_block_gen);
}

static const AccelOps tcg_ops = {
    .name = "tcg",
    .init_machine = tcg_init_machine,
    .irqchip_in_kernel = tcg_irqchip_in_kernel,
    .create_vcpu = tcg_create_vcpu,
    .kick = tcg_cpus_kick,
    .get_state = tcg_get_state,
    .put_state = tcg_put_state,
    .info_jit = tcg_info_jit,
    .insert_breakpoint = x86_gdb_insert_breakpoint,
    .remove_breakpoint = x86_gdb_remove_breakpoint,
    .remove_all_breakpoints = x86_gdb_remove_all_breakpoints,
    .set_single_step = x86_gdb_set_single_step,
    .filter_cpu_model = tcg_filter_cpu_model,
};

static void __attribute__((constructor)) tcg_accel_register(void)
{
    accel_register(&tcg_ops);
}
