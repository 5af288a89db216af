/*
 * KVM register and CPUID sync for x86 (Linux Documentation/virt/kvm/api.rst:
 * KVM_{GET,SET}_{REGS,SREGS,FPU,MSRS,MP_STATE}, KVM_SET_CPUID2).
 * Segment attributes convert between the descriptor-bit layout of
 * SegmentCache.flags and struct kvm_segment's split fields.
 * Not synced: debug registers, XSAVE state beyond SSE, pending events.
 */
#include "qemu/osdep.h"
#include <sys/ioctl.h>
#include <cpuid.h>
#include "target/x86/kvm/kvm-x86.h"
#include "target/x86/cpu-internal.h"
#include "qemu/error-report.h"

#define KVM_CPUID_MAX_ENTRIES 256
#define MSR_IA32_MISC_ENABLE 0x1a0
#define MSR_MTRRdefType      0x2ff
#define MSR_MTRRphysBase0    0x200
#define CPUID_1_ECX_X2APIC   (1u << 21)
#define CPUID_1_ECX_HYPERVISOR (1u << 31)
#define CPUID_1_ECX_MONITOR  (1u << 3)
#define CPUID_1_EDX_ACPI     (1u << 22)
#define CPUID_EXT_ECX_SVM    (1u << 2)
/* KVM paravirtual features QEMU enables by default (kvm_default_props). */
#define KVM_DEFAULT_PV_FEATURES ((1u << 0) | (1u << 1) | (1u << 3) | \
                                 (1u << 4) | (1u << 5) | (1u << 6) | \
                                 (1u << 7) | (1u << 24))

static const uint32_t mtrr_fixed_msrs[11] = {
    0x250, 0x258, 0x259, 0x268, 0x269, 0x26a, 0x26b, 0x26c, 0x26d, 0x26e,
    0x26f,
};

struct kvm_cpuid2 *kvm_x86_get_supported_cpuid(int kvm_fd, Error **errp)
{
    int nent = 64;

    for (;;) {
        struct kvm_cpuid2 *c = g_malloc0(sizeof(*c) +
                                         nent * sizeof(c->entries[0]));
        c->nent = nent;
        if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0) {
            return c;
        }
        g_free(c);
        if (errno != E2BIG || nent >= 4096) {
            error_setg_errno(errp, errno, "KVM_GET_SUPPORTED_CPUID failed");
            return NULL;
        }
        nent *= 2;
    }
}

static const struct kvm_cpuid_entry2 *
supported_entry(const struct kvm_cpuid2 *s, uint32_t leaf, uint32_t sub)
{
    uint32_t i;

    for (i = 0; i < s->nent; i++) {
        const struct kvm_cpuid_entry2 *e = &s->entries[i];
        if (e->function == leaf &&
            (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) || e->index == sub)) {
            return e;
        }
    }
    return NULL;
}

static uint32_t entry_reg(const struct kvm_cpuid_entry2 *e, int reg)
{
    if (!e) {
        return 0;
    }
    switch (reg) {
    case 0: return e->eax;
    case 1: return e->ebx;
    case 2: return e->ecx;
    default: return e->edx;
    }
}

static const char *const reg_names[4] = { "EAX", "EBX", "ECX", "EDX" };

/* "host"/"max": the host's identity and every feature KVM can run. */
static void model_from_host(X86CPUModel *m, const struct kvm_cpuid2 *s)
{
    uint32_t a, b, c, d, i;
    char vendor[13] = { 0 }, brand[49] = { 0 };

    __cpuid(0, a, b, c, d);
    memcpy(vendor, &b, 4);
    memcpy(vendor + 4, &d, 4);
    memcpy(vendor + 8, &c, 4);
    m->vendor = g_intern_string(vendor);
    m->level = a;
    __cpuid(1, a, b, c, d);
    m->stepping = a & 0xf;
    m->model = ((a >> 4) & 0xf) | ((a >> 12) & 0xf0);
    m->family = ((a >> 8) & 0xf) + ((((a >> 8) & 0xf) == 0xf)
                                    ? ((a >> 20) & 0xff) : 0);
    __cpuid(0x80000000, a, b, c, d);
    m->xlevel = a;
    if (a >= 0x80000004) {
        for (i = 0; i < 3; i++) {
            __cpuid(0x80000002 + i, a, b, c, d);
            memcpy(brand + i * 16, &a, 4);
            memcpy(brand + i * 16 + 4, &b, 4);
            memcpy(brand + i * 16 + 8, &c, 4);
            memcpy(brand + i * 16 + 12, &d, 4);
        }
        m->model_id = g_intern_string(brand);
    }
    if (a >= 0x80000008) {
        __cpuid(0x80000008, a, b, c, d);
        m->phys_bits = a & 0xff;
        m->virt_bits = (a >> 8) & 0xff;
    }
    for (i = 0; i < X86_FW_COUNT; i++) {
        const X86FeatureWord *fw = &x86_feature_words[i];
        *x86_model_feature_word(m, i) =
            entry_reg(supported_entry(s, fw->leaf, fw->subleaf), fw->reg);
    }
}

void kvm_x86_filter_model(X86CPUModel *m, const struct kvm_cpuid2 *s,
                          bool quiet)
{
    int w, bit;

    if (strcmp(m->name, "host") == 0 || strcmp(m->name, "max") == 0) {
        model_from_host(m, s);
        return;
    }
    /*
     * QEMU's KVM defaults (kvm_default_props): x2apic on (the in-kernel
     * LAPIC supports it); svm, acpi and monitor off.
     */
    m->features_1_ecx |= CPUID_1_ECX_X2APIC;
    m->features_1_ecx &= ~CPUID_1_ECX_MONITOR;
    m->features_1_edx &= ~CPUID_1_EDX_ACPI;
    m->ext_features_ecx &= ~CPUID_EXT_ECX_SVM;
    for (w = 0; w < X86_FW_COUNT; w++) {
        const X86FeatureWord *fw = &x86_feature_words[w];
        uint32_t *word = x86_model_feature_word(m, w);
        uint32_t host = entry_reg(supported_entry(s, fw->leaf, fw->subleaf),
                                  fw->reg);
        uint32_t missing;

        if (w == X86_FW_1_ECX) {
            host |= CPUID_1_ECX_HYPERVISOR;
            if (!(host & CPUID_1_ECX_X2APIC)) {
                *word &= ~CPUID_1_ECX_X2APIC;   /* a default, not a request */
            }
        }
        missing = *word & ~host;
        for (bit = 0; bit < 32; bit++) {
            const char *name;

            if (quiet || !(missing & (1u << bit))) {
                continue;
            }
            name = x86_feature_name(w, bit);
            warn_report("host doesn't support requested feature: "
                        "CPUID.%02XH:%s%s%s [bit %d]", fw->leaf,
                        reg_names[fw->reg], name ? "." : "",
                        name ? name : "", bit);
        }
        *word &= host;
    }
}

static void add_entry(struct kvm_cpuid2 *c, X86CPU *cpu, uint32_t leaf,
                      uint32_t sub, bool indexed)
{
    struct kvm_cpuid_entry2 *e;

    if (c->nent >= KVM_CPUID_MAX_ENTRIES) {
        return;
    }
    e = &c->entries[c->nent++];
    memset(e, 0, sizeof(*e));
    e->function = leaf;
    e->index = sub;
    e->flags = indexed ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0;
    x86_cpu_get_cpuid(cpu, leaf, sub, &e->eax, &e->ebx, &e->ecx, &e->edx);
}

bool kvm_x86_set_cpuid(X86CPU *cpu, int fd, const struct kvm_cpuid2 *s,
                       Error **errp)
{
    g_autofree struct kvm_cpuid2 *c =
        g_malloc0(sizeof(*c) + KVM_CPUID_MAX_ENTRIES * sizeof(c->entries[0]));
    const X86CPUModel *m = &cpu->model;
    const struct kvm_cpuid_entry2 *pv;
    struct kvm_cpuid_entry2 *e;
    uint32_t leaf, sub;

    for (leaf = 0; leaf <= m->level && leaf < 0x20; leaf++) {
        switch (leaf) {
        case 4:
        case 0xb:
        case 0xd:
            for (sub = 0; sub < (leaf == 0xd ? 3u : 5u); sub++) {
                add_entry(c, cpu, leaf, sub, true);
            }
            break;
        case 7:
            add_entry(c, cpu, leaf, 0, true);
            break;
        default:
            add_entry(c, cpu, leaf, 0, false);
            break;
        }
    }
    /* KVM's paravirtual leaves, where a Linux guest looks for kvmclock. */
    e = &c->entries[c->nent++];
    memset(e, 0, sizeof(*e));
    e->function = 0x40000000;
    e->eax = 0x40000001;
    memcpy(&e->ebx, "KVMK", 4);
    memcpy(&e->ecx, "VMKV", 4);
    memcpy(&e->edx, "M\0\0\0", 4);
    e = &c->entries[c->nent++];
    memset(e, 0, sizeof(*e));
    e->function = 0x40000001;
    pv = supported_entry(s, 0x40000001, 0);
    e->eax = pv ? pv->eax & KVM_DEFAULT_PV_FEATURES : 0;

    for (leaf = 0x80000000; leaf <= m->xlevel && leaf < 0x80000020; leaf++) {
        add_entry(c, cpu, leaf, 0, false);
    }
    if (ioctl(fd, KVM_SET_CPUID2, c) < 0) {
        error_setg_errno(errp, errno, "KVM_SET_CPUID2 failed");
        return false;
    }
    return true;
}

/* ---- segments ---- */

static void seg_to_kvm(struct kvm_segment *k, const SegmentCache *sc)
{
    uint32_t fl = sc->flags;

    k->base = sc->base;
    k->limit = sc->limit;
    k->selector = sc->selector;
    k->type = (fl >> DESC_TYPE_SHIFT) & 15;
    k->present = !!(fl & DESC_P_MASK);
    k->dpl = (fl & DESC_DPL_MASK) >> DESC_DPL_SHIFT;
    k->db = !!(fl & DESC_B_MASK);
    k->s = !!(fl & DESC_S_MASK);
    k->l = !!(fl & DESC_L_MASK);
    k->g = !!(fl & DESC_G_MASK);
    k->avl = !!(fl & DESC_AVL_MASK);
    k->unusable = !k->present;
    k->padding = 0;
}

static void seg_from_kvm(SegmentCache *sc, const struct kvm_segment *k)
{
    sc->selector = k->selector;
    sc->base = k->base;
    sc->limit = k->limit;
    sc->flags = (k->type << DESC_TYPE_SHIFT) |
                (k->present ? DESC_P_MASK : 0) |
                (k->dpl << DESC_DPL_SHIFT) |
                (k->db ? DESC_B_MASK : 0) |
                (k->s ? DESC_S_MASK : 0) |
                (k->l ? DESC_L_MASK : 0) |
                (k->g ? DESC_G_MASK : 0) |
                (k->avl ? DESC_AVL_MASK : 0);
}

/* ---- MSRs ---- */

typedef struct MSRBuf {
    struct kvm_msrs hdr;
    struct kvm_msr_entry e[48];
} MSRBuf;

static void msr_add(MSRBuf *b, uint32_t index, uint64_t value)
{
    if (b->hdr.nmsrs < ARRAY_SIZE(b->e)) {
        b->e[b->hdr.nmsrs].index = index;
        b->e[b->hdr.nmsrs].reserved = 0;
        b->e[b->hdr.nmsrs].data = value;
        b->hdr.nmsrs++;
    }
}

/* The MSR list both directions use; values from @env (ignored for get). */
static void msr_list(MSRBuf *b, const CPUX86State *env)
{
    int i;

    memset(b, 0, sizeof(*b));
    msr_add(b, MSR_IA32_SYSENTER_CS, env->sysenter_cs);
    msr_add(b, MSR_IA32_SYSENTER_ESP, env->sysenter_esp);
    msr_add(b, MSR_IA32_SYSENTER_EIP, env->sysenter_eip);
    msr_add(b, MSR_PAT, env->pat);
    msr_add(b, MSR_STAR, env->star);
    msr_add(b, MSR_LSTAR, env->lstar);
    msr_add(b, MSR_CSTAR, env->cstar);
    msr_add(b, MSR_FMASK, env->fmask);
    msr_add(b, MSR_KERNELGSBASE, env->kernelgsbase);
    msr_add(b, MSR_IA32_MISC_ENABLE, env->misc_enable);
    msr_add(b, MSR_MTRRdefType, env->mtrr_cap_def_type);
    for (i = 0; i < 11; i++) {
        msr_add(b, mtrr_fixed_msrs[i], env->mtrr_fixed[i]);
    }
    for (i = 0; i < X86_MAX_MTRR_VAR; i++) {
        msr_add(b, MSR_MTRRphysBase0 + 2 * i, env->mtrr_var[i].base);
        msr_add(b, MSR_MTRRphysBase0 + 2 * i + 1, env->mtrr_var[i].mask);
    }
}

static void msr_store(CPUX86State *env, uint32_t index, uint64_t v)
{
    int i;

    switch (index) {
    case MSR_IA32_SYSENTER_CS: env->sysenter_cs = v; return;
    case MSR_IA32_SYSENTER_ESP: env->sysenter_esp = v; return;
    case MSR_IA32_SYSENTER_EIP: env->sysenter_eip = v; return;
    case MSR_PAT: env->pat = v; return;
    case MSR_STAR: env->star = v; return;
    case MSR_LSTAR: env->lstar = v; return;
    case MSR_CSTAR: env->cstar = v; return;
    case MSR_FMASK: env->fmask = v; return;
    case MSR_KERNELGSBASE: env->kernelgsbase = v; return;
    case MSR_IA32_MISC_ENABLE: env->misc_enable = v; return;
    case MSR_MTRRdefType: env->mtrr_cap_def_type = v; return;
    }
    for (i = 0; i < 11; i++) {
        if (index == mtrr_fixed_msrs[i]) {
            env->mtrr_fixed[i] = v;
            return;
        }
    }
    if (index >= MSR_MTRRphysBase0 &&
        index < MSR_MTRRphysBase0 + 2 * X86_MAX_MTRR_VAR) {
        i = (index - MSR_MTRRphysBase0) / 2;
        if (index & 1) {
            env->mtrr_var[i].mask = v;
        } else {
            env->mtrr_var[i].base = v;
        }
    }
}

/* ---- put / get ---- */

bool kvm_x86_put_registers(X86CPU *cpu, int fd, Error **errp)
{
    CPUX86State *env = &cpu->env;
    struct kvm_regs regs = { 0 };
    struct kvm_sregs sregs = { 0 };
    struct kvm_fpu fpu = { 0 };
    struct kvm_mp_state mp = { 0 };
    MSRBuf msrs;
    int i, ret;

    regs.rax = env->regs[R_EAX];
    regs.rbx = env->regs[R_EBX];
    regs.rcx = env->regs[R_ECX];
    regs.rdx = env->regs[R_EDX];
    regs.rsi = env->regs[R_ESI];
    regs.rdi = env->regs[R_EDI];
    regs.rsp = env->regs[R_ESP];
    regs.rbp = env->regs[R_EBP];
    regs.r8 = env->regs[8];
    regs.r9 = env->regs[9];
    regs.r10 = env->regs[10];
    regs.r11 = env->regs[11];
    regs.r12 = env->regs[12];
    regs.r13 = env->regs[13];
    regs.r14 = env->regs[14];
    regs.r15 = env->regs[15];
    regs.rip = env->rip;
    regs.rflags = env->eflags;
    if (ioctl(fd, KVM_SET_REGS, &regs) < 0) {
        error_setg_errno(errp, errno, "KVM_SET_REGS failed");
        return false;
    }

    seg_to_kvm(&sregs.es, &env->segs[R_ES]);
    seg_to_kvm(&sregs.cs, &env->segs[R_CS]);
    seg_to_kvm(&sregs.ss, &env->segs[R_SS]);
    seg_to_kvm(&sregs.ds, &env->segs[R_DS]);
    seg_to_kvm(&sregs.fs, &env->segs[R_FS]);
    seg_to_kvm(&sregs.gs, &env->segs[R_GS]);
    seg_to_kvm(&sregs.ldt, &env->ldt);
    seg_to_kvm(&sregs.tr, &env->tr);
    sregs.gdt.base = env->gdt.base;
    sregs.gdt.limit = env->gdt.limit;
    sregs.idt.base = env->idt.base;
    sregs.idt.limit = env->idt.limit;
    sregs.cr0 = env->cr[0];
    sregs.cr2 = env->cr[2];
    sregs.cr3 = env->cr[3];
    sregs.cr4 = env->cr[4];
    sregs.cr8 = env->cr8;
    sregs.efer = env->efer;
    sregs.apic_base = env->apic_base;
    if (env->interrupt_injected >= 0 && env->interrupt_injected < 256) {
        sregs.interrupt_bitmap[env->interrupt_injected / 64] |=
            1ULL << (env->interrupt_injected % 64);
    }
    if (ioctl(fd, KVM_SET_SREGS, &sregs) < 0) {
        error_setg_errno(errp, errno, "KVM_SET_SREGS failed");
        return false;
    }

    for (i = 0; i < 8; i++) {
        memcpy(fpu.fpr[i], &env->fpregs[i].mant, 8);
        memcpy(fpu.fpr[i] + 8, &env->fpregs[i].exp, 2);
    }
    fpu.fcw = env->fpuc;
    fpu.fsw = env->fpus;
    fpu.ftwx = env->fptag_abridged;
    fpu.last_opcode = env->fpop;
    fpu.last_ip = env->fpip;
    fpu.last_dp = env->fpdp;
    for (i = 0; i < 16; i++) {
        memcpy(fpu.xmm[i], env->xmm[i].b, 16);
    }
    fpu.mxcsr = env->mxcsr;
    if (ioctl(fd, KVM_SET_FPU, &fpu) < 0) {
        error_setg_errno(errp, errno, "KVM_SET_FPU failed");
        return false;
    }

    msr_list(&msrs, env);
    ret = ioctl(fd, KVM_SET_MSRS, &msrs);
    if (ret < 0) {
        error_setg_errno(errp, errno, "KVM_SET_MSRS failed");
        return false;
    }
    if ((uint32_t)ret < msrs.hdr.nmsrs) {
        /* QEMU's wording; the guest keeps running with the MSR unset. */
        error_report("error: failed to set MSR 0x%x to 0x%" PRIx64,
                     msrs.e[ret].index, (uint64_t)msrs.e[ret].data);
    }

    /* APs wait for INIT-SIPI in the kernel's LAPIC. */
    mp.mp_state = env->init_received ? KVM_MP_STATE_INIT_RECEIVED :
                  env->halted ? KVM_MP_STATE_HALTED : KVM_MP_STATE_RUNNABLE;
    if (ioctl(fd, KVM_SET_MP_STATE, &mp) < 0) {
        error_setg_errno(errp, errno, "KVM_SET_MP_STATE failed");
        return false;
    }
    return true;
}

bool kvm_x86_get_registers(X86CPU *cpu, int fd, Error **errp)
{
    CPUX86State *env = &cpu->env;
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    struct kvm_fpu fpu;
    struct kvm_mp_state mp;
    MSRBuf msrs;
    int i, ret;

    if (ioctl(fd, KVM_GET_REGS, &regs) < 0) {
        error_setg_errno(errp, errno, "KVM_GET_REGS failed");
        return false;
    }
    env->regs[R_EAX] = regs.rax;
    env->regs[R_EBX] = regs.rbx;
    env->regs[R_ECX] = regs.rcx;
    env->regs[R_EDX] = regs.rdx;
    env->regs[R_ESI] = regs.rsi;
    env->regs[R_EDI] = regs.rdi;
    env->regs[R_ESP] = regs.rsp;
    env->regs[R_EBP] = regs.rbp;
    env->regs[8] = regs.r8;
    env->regs[9] = regs.r9;
    env->regs[10] = regs.r10;
    env->regs[11] = regs.r11;
    env->regs[12] = regs.r12;
    env->regs[13] = regs.r13;
    env->regs[14] = regs.r14;
    env->regs[15] = regs.r15;
    env->rip = regs.rip;
    env->eflags = regs.rflags;

    if (ioctl(fd, KVM_GET_SREGS, &sregs) < 0) {
        error_setg_errno(errp, errno, "KVM_GET_SREGS failed");
        return false;
    }
    seg_from_kvm(&env->segs[R_ES], &sregs.es);
    seg_from_kvm(&env->segs[R_CS], &sregs.cs);
    seg_from_kvm(&env->segs[R_SS], &sregs.ss);
    seg_from_kvm(&env->segs[R_DS], &sregs.ds);
    seg_from_kvm(&env->segs[R_FS], &sregs.fs);
    seg_from_kvm(&env->segs[R_GS], &sregs.gs);
    seg_from_kvm(&env->ldt, &sregs.ldt);
    seg_from_kvm(&env->tr, &sregs.tr);
    env->gdt.base = sregs.gdt.base;
    env->gdt.limit = sregs.gdt.limit;
    env->idt.base = sregs.idt.base;
    env->idt.limit = sregs.idt.limit;
    env->cr[0] = sregs.cr0;
    env->cr[2] = sregs.cr2;
    env->cr[3] = sregs.cr3;
    env->cr[4] = sregs.cr4;
    env->cr8 = sregs.cr8;
    env->efer = sregs.efer;
    env->apic_base = sregs.apic_base;
    env->interrupt_injected = -1;
    for (i = 0; i < 256; i++) {
        if (sregs.interrupt_bitmap[i / 64] & (1ULL << (i % 64))) {
            env->interrupt_injected = i;
            break;
        }
    }

    if (ioctl(fd, KVM_GET_FPU, &fpu) < 0) {
        error_setg_errno(errp, errno, "KVM_GET_FPU failed");
        return false;
    }
    for (i = 0; i < 8; i++) {
        memcpy(&env->fpregs[i].mant, fpu.fpr[i], 8);
        memcpy(&env->fpregs[i].exp, fpu.fpr[i] + 8, 2);
    }
    env->fpuc = fpu.fcw;
    env->fpus = fpu.fsw;
    env->fptag_abridged = fpu.ftwx;
    env->fpop = fpu.last_opcode;
    env->fpip = fpu.last_ip;
    env->fpdp = fpu.last_dp;
    for (i = 0; i < 16; i++) {
        memcpy(env->xmm[i].b, fpu.xmm[i], 16);
    }
    env->mxcsr = fpu.mxcsr;

    msr_list(&msrs, env);
    ret = ioctl(fd, KVM_GET_MSRS, &msrs);
    if (ret < 0) {
        error_setg_errno(errp, errno, "KVM_GET_MSRS failed");
        return false;
    }
    for (i = 0; i < ret; i++) {
        msr_store(env, msrs.e[i].index, msrs.e[i].data);
    }

    if (ioctl(fd, KVM_GET_MP_STATE, &mp) == 0) {
        env->halted = mp.mp_state == KVM_MP_STATE_HALTED ||
                      mp.mp_state == KVM_MP_STATE_INIT_RECEIVED;
        env->init_received = mp.mp_state == KVM_MP_STATE_INIT_RECEIVED;
    }
    return true;
}
