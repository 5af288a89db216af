/*
 * System instructions of the software CPU: control registers, MSRs,
 * CPUID, RDTSC, SYSCALL/SYSRET, SYSENTER/SYSEXIT, SWAPGS, port I/O with
 * the IOPL/TSS bitmap check, HLT (Intel SDM vol. 2, vol. 3A ch. 2, 5).
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "exec/memory.h"
#include "hw/intc/apic.h"
#include "target/x86/tcg/tcg-cpu.h"
#include "target/x86/tcg/seg.h"

static void end_block(X86TCG *s)
{
    s->block_end = true;
}

static void set_rip(X86TCG *s, uint64_t rip)
{
    s->env->rip = rip;
    s->next_rip = rip;
    s->block_end = true;
}

/* ---- control registers ---- */

#define CR4_SUPPORTED (CR4_VME_MASK | CR4_PVI_MASK | CR4_TSD_MASK | \
                       CR4_DE_MASK | CR4_PSE_MASK | CR4_PAE_MASK | \
                       CR4_MCE_MASK | CR4_PGE_MASK | CR4_PCE_MASK | \
                       CR4_OSFXSR_MASK | CR4_OSXMMEXCPT_MASK)

void x86_write_cr(X86TCG *s, int cr, uint64_t val)
{
    CPUX86State *env = s->env;

    switch (cr) {
    case 0: {
        uint64_t old = env->cr[0];
        if (val >> 32) {
            x86_raise_gp(s, 0);
        }
        if (((val & CR0_PG_MASK) && !(val & CR0_PE_MASK)) ||
            ((val & CR0_NW_MASK) && !(val & CR0_CD_MASK))) {
            x86_raise_gp(s, 0);
        }
        if (!(old & CR0_PG_MASK) && (val & CR0_PG_MASK) &&
            (env->efer & MSR_EFER_LME)) {
            if (!(env->cr[4] & CR4_PAE_MASK) ||
                (env->segs[R_CS].flags & DESC_L_MASK)) {
                x86_raise_gp(s, 0);
            }
            env->efer |= MSR_EFER_LMA;
        }
        if ((old & CR0_PG_MASK) && !(val & CR0_PG_MASK) &&
            (env->efer & MSR_EFER_LMA)) {
            if (s->code64) {
                x86_raise_gp(s, 0);
            }
            env->efer &= ~(uint64_t)MSR_EFER_LMA;
        }
        env->cr[0] = val | CR0_ET_MASK;
        if ((old ^ val) & (CR0_PG_MASK | CR0_WP_MASK | CR0_PE_MASK)) {
            x86_tlb_flush(s);
        }
        x86_update_mode(s);
        end_block(s);
        break;
    }
    case 2:
        env->cr[2] = val;
        break;
    case 3:
        if (s->lma ? (val >> 52) != 0 : (val >> 32) != 0) {
            x86_raise_gp(s, 0);
        }
        env->cr[3] = val;
        x86_tlb_flush_nonglobal(s);
        end_block(s);
        break;
    case 4: {
        uint64_t old = env->cr[4];
        if (val & ~(uint64_t)CR4_SUPPORTED) {
            x86_raise_gp(s, 0);
        }
        if ((env->efer & MSR_EFER_LMA) && !(val & CR4_PAE_MASK)) {
            x86_raise_gp(s, 0);
        }
        env->cr[4] = val;
        if ((old ^ val) & (CR4_PAE_MASK | CR4_PSE_MASK | CR4_PGE_MASK)) {
            x86_tlb_flush(s);
        }
        if ((old ^ val) & CR4_DE_MASK) {
            x86_debug_update(s);    /* DR7 type 10: I/O breakpoints */
        }
        x86_update_mode(s);
        end_block(s);
        break;
    }
    case 8:
        if (val >> 4) {
            x86_raise_gp(s, 0);
        }
        if (unlikely(s->ls)) {
            x86_lockstep_abort(s);  /* the APIC's TPR: lockstep skips */
        }
        env->cr8 = val;
        if (s->cpu->apic) {
            bool locked = bql_locked();
            if (!locked) {
                bql_lock();
            }
            apic_set_tpr(s->cpu->apic, val);
            if (!locked) {
                bql_unlock();
            }
        }
        end_block(s);
        break;
    default:
        x86_raise_ud(s);
    }
}

uint64_t x86_read_cr(X86TCG *s, int cr)
{
    CPUX86State *env = s->env;

    switch (cr) {
    case 0: case 2: case 3: case 4:
        return env->cr[cr];
    case 8:
        if (s->cpu->apic) {
            bool locked = bql_locked();
            if (!locked) {
                bql_lock();
            }
            env->cr8 = apic_get_tpr(s->cpu->apic) & 0xf;
            if (!locked) {
                bql_unlock();
            }
        }
        return env->cr8;
    default:
        x86_raise_ud(s);
    }
}

/* ---- time stamp counter ---- */

static uint64_t host_ticks(void)
{
    /* 1 GHz guest TSC from the virtual clock (stops while the VM is paused) */
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

uint64_t x86_rdtsc(X86TCG *s)
{
    if (unlikely(s->ls)) {
        x86_lockstep_abort(s);     /* side effects: lockstep skips */
    }
    if ((s->env->cr[4] & CR4_TSD_MASK) && s->cpl != 0) {
        x86_raise_gp(s, 0);
    }
    return host_ticks() + s->env->tsc_offset;
}

/* ---- MSRs ---- */

#define MSR_MTRRcap         0xfe
#define MSR_MTRRdefType     0x2ff
#define MSR_MTRRphysBase0   0x200
#define MSR_MTRRfix64K      0x250
#define MSR_MTRRfix16K_80   0x258
#define MSR_MTRRfix16K_A0   0x259
#define MSR_MTRRfix4K_C0    0x268
#define MSR_MCG_CAP         0x179
#define MSR_MCG_STATUS      0x17a
#define MSR_MCG_CTL         0x17b
#define MSR_MC0_CTL         0x400
#define MSR_MISC_ENABLE     0x1a0
#define MCE_BANKS           10

static int mtrr_fixed_index(uint32_t msr)
{
    if (msr == MSR_MTRRfix64K) {
        return 0;
    }
    if (msr == MSR_MTRRfix16K_80 || msr == MSR_MTRRfix16K_A0) {
        return 1 + msr - MSR_MTRRfix16K_80;
    }
    if (msr >= MSR_MTRRfix4K_C0 && msr < MSR_MTRRfix4K_C0 + 8) {
        return 3 + msr - MSR_MTRRfix4K_C0;
    }
    return -1;
}

static bool msr_read(X86TCG *s, uint32_t msr, uint64_t *val)
{
    CPUX86State *env = s->env;
    int i;

    switch (msr) {
    case MSR_IA32_TSC: *val = host_ticks() + env->tsc_offset; return true;
    case MSR_IA32_APICBASE: *val = env->apic_base; return true;
    case MSR_IA32_SYSENTER_CS: *val = env->sysenter_cs; return true;
    case MSR_IA32_SYSENTER_ESP: *val = env->sysenter_esp; return true;
    case MSR_IA32_SYSENTER_EIP: *val = env->sysenter_eip; return true;
    case MSR_PAT: *val = env->pat; return true;
    case MSR_EFER: *val = env->efer; return true;
    case MSR_STAR: *val = env->star; return true;
    case MSR_LSTAR: *val = env->lstar; return true;
    case MSR_CSTAR: *val = env->cstar; return true;
    case MSR_FMASK: *val = env->fmask; return true;
    case MSR_FSBASE: *val = env->segs[R_FS].base; return true;
    case MSR_GSBASE: *val = env->segs[R_GS].base; return true;
    case MSR_KERNELGSBASE: *val = env->kernelgsbase; return true;
    case MSR_TSC_AUX: *val = env->tsc_aux; return true;
    case MSR_MISC_ENABLE: *val = env->misc_enable; return true;
    case MSR_MTRRcap: *val = 0x500 | X86_MAX_MTRR_VAR; return true;
    case MSR_MTRRdefType: *val = env->mtrr_cap_def_type; return true;
    case MSR_MCG_CAP: *val = 0x01000000 | 0x100 | MCE_BANKS; return true;
    case MSR_MCG_STATUS: *val = env->mcg_status; return true;
    case MSR_MCG_CTL: *val = env->mcg_ctl; return true;
    case 0x8b:                  /* microcode revision */
    case 0xc0010000 ... 0xc0010007:     /* K7 performance counters */
    case 0xc0010010:            /* SYSCFG */
    case 0xc0010015:            /* HWCR */
    case 0xc0010055:            /* interrupt pending / E400 idle */
    case 0xc0011029:            /* DE_CFG */
        *val = 0;
        return true;
    }
    if (msr >= MSR_MTRRphysBase0 &&
        msr < MSR_MTRRphysBase0 + 2 * X86_MAX_MTRR_VAR) {
        i = (msr - MSR_MTRRphysBase0) / 2;
        *val = (msr & 1) ? env->mtrr_var[i].mask : env->mtrr_var[i].base;
        return true;
    }
    i = mtrr_fixed_index(msr);
    if (i >= 0) {
        *val = env->mtrr_fixed[i];
        return true;
    }
    if (msr >= MSR_MC0_CTL && msr < MSR_MC0_CTL + 4 * MCE_BANKS) {
        *val = (msr & 3) == 0 ? ~0ULL : 0;
        return true;
    }
    return false;
}

static bool canonical(uint64_t v)
{
    return (int64_t)(v << 16) >> 16 == (int64_t)v;
}

static bool msr_write(X86TCG *s, uint32_t msr, uint64_t val)
{
    CPUX86State *env = s->env;
    int i;

    switch (msr) {
    case MSR_IA32_TSC:
        env->tsc_offset = val - host_ticks();
        return true;
    case MSR_IA32_APICBASE:
        if (s->cpu->apic) {
            bool locked = bql_locked();
            if (!locked) {
                bql_lock();
            }
            apic_set_base(s->cpu->apic, val);
            if (!locked) {
                bql_unlock();
            }
        }
        env->apic_base = val;
        return true;
    case MSR_IA32_SYSENTER_CS: env->sysenter_cs = val & 0xffff; return true;
    case MSR_IA32_SYSENTER_ESP: env->sysenter_esp = val; return true;
    case MSR_IA32_SYSENTER_EIP: env->sysenter_eip = val; return true;
    case MSR_PAT:
        for (i = 0; i < 8; i++) {
            int t = (val >> (8 * i)) & 0xff;
            if (t == 2 || t == 3 || t > 7) {
                return false;
            }
        }
        env->pat = val;
        return true;
    case MSR_EFER: {
        uint64_t allowed = MSR_EFER_SCE | MSR_EFER_LME | MSR_EFER_NXE;
        if (val & ~(allowed | MSR_EFER_LMA)) {
            return false;
        }
        if ((env->cr[0] & CR0_PG_MASK) &&
            ((val ^ env->efer) & MSR_EFER_LME)) {
            return false;
        }
        val = (val & allowed) | (env->efer & MSR_EFER_LMA);
        if ((val ^ env->efer) & MSR_EFER_NXE) {
            x86_tlb_flush(s);
        }
        env->efer = val;
        x86_update_mode(s);
        end_block(s);
        return true;
    }
    case MSR_STAR: env->star = val; return true;
    case MSR_LSTAR:
    case MSR_CSTAR:
    case MSR_FSBASE:
    case MSR_GSBASE:
    case MSR_KERNELGSBASE:
        if (!canonical(val)) {
            return false;
        }
        switch (msr) {
        case MSR_LSTAR: env->lstar = val; break;
        case MSR_CSTAR: env->cstar = val; break;
        case MSR_FSBASE: env->segs[R_FS].base = val; break;
        case MSR_GSBASE: env->segs[R_GS].base = val; break;
        default: env->kernelgsbase = val; break;
        }
        return true;
    case MSR_FMASK: env->fmask = (uint32_t)val; return true;
    case MSR_TSC_AUX: env->tsc_aux = (uint32_t)val; return true;
    case MSR_MISC_ENABLE: env->misc_enable = val; return true;
    case MSR_MTRRdefType:
        if (val & ~0xcffULL) {
            return false;
        }
        env->mtrr_cap_def_type = val;
        return true;
    case MSR_MCG_STATUS: env->mcg_status = val; return true;
    case MSR_MCG_CTL:
        if (val != 0 && val != ~0ULL) {
            return false;
        }
        env->mcg_ctl = val;
        return true;
    case 0xc0010000 ... 0xc0010007:
    case 0xc0010015:
    case 0xc0011029:
        return true;            /* accepted and ignored, as QEMU does */
    }
    if (msr >= MSR_MTRRphysBase0 &&
        msr < MSR_MTRRphysBase0 + 2 * X86_MAX_MTRR_VAR) {
        i = (msr - MSR_MTRRphysBase0) / 2;
        if (msr & 1) {
            env->mtrr_var[i].mask = val;
        } else {
            env->mtrr_var[i].base = val;
        }
        return true;
    }
    i = mtrr_fixed_index(msr);
    if (i >= 0) {
        env->mtrr_fixed[i] = val;
        return true;
    }
    if (msr >= MSR_MC0_CTL && msr < MSR_MC0_CTL + 4 * MCE_BANKS) {
        return true;
    }
    return false;
}

void x86_rdmsr(X86TCG *s)
{
    CPUX86State *env = s->env;
    uint32_t msr = env->regs[R_ECX];
    uint64_t val;

    if (unlikely(s->ls)) {
        x86_lockstep_abort(s);     /* side effects: lockstep skips */
    }
    if (s->cpl != 0) {
        x86_raise_gp(s, 0);
    }
    if (!msr_read(s, msr, &val)) {
        qemu_log_mask(LOG_UNIMP, "tcg: rdmsr of unknown MSR 0x%x\n", msr);
        x86_raise_gp(s, 0);
    }
    env->regs[R_EAX] = (uint32_t)val;
    env->regs[R_EDX] = val >> 32;
}

void x86_wrmsr(X86TCG *s)
{
    CPUX86State *env = s->env;
    uint32_t msr = env->regs[R_ECX];
    uint64_t val = ((env->regs[R_EDX] & 0xffffffff) << 32) |
                   (uint32_t)env->regs[R_EAX];

    if (unlikely(s->ls)) {
        x86_lockstep_abort(s);     /* side effects: lockstep skips */
    }
    if (s->cpl != 0) {
        x86_raise_gp(s, 0);
    }
    if (!msr_write(s, msr, val)) {
        qemu_log_mask(LOG_UNIMP, "tcg: wrmsr 0x%x <- 0x%" PRIx64
                      " not accepted\n", msr, val);
        x86_raise_gp(s, 0);
    }
}

/* ---- CPUID ---- */

void x86_cpuid(X86TCG *s)
{
    CPUX86State *env = s->env;
    uint32_t a, b, c, d;

    x86_cpu_get_cpuid(s->cpu, env->regs[R_EAX], env->regs[R_ECX],
                      &a, &b, &c, &d);
    env->regs[R_EAX] = a;
    env->regs[R_EBX] = b;
    env->regs[R_ECX] = c;
    env->regs[R_EDX] = d;
}

/* ---- fast system calls ---- */

/* Flat code/stack segment caches as SYSCALL/SYSENTER define them. */
static void flat_seg(X86TCG *s, int seg, uint16_t sel, int dpl, bool code,
                     bool l64)
{
    SegmentCache *sc = &s->env->segs[seg];
    sc->selector = sel;
    sc->base = 0;
    sc->limit = 0xffffffff;
    sc->flags = DESC_G_MASK | DESC_P_MASK | DESC_S_MASK | DESC_A_MASK |
                (dpl << DESC_DPL_SHIFT) |
                (code ? DESC_CS_MASK | DESC_R_MASK : DESC_W_MASK) |
                (code && l64 ? DESC_L_MASK : DESC_B_MASK);
}

/* Address of the instruction after the current one, inside a helper. */
static uint64_t after_insn(X86TCG *s, int len)
{
    return s->next_rip != UINT64_MAX ? s->next_rip : s->env->rip + len;
}

void x86_syscall(X86TCG *s)
{
    CPUX86State *env = s->env;
    uint16_t sel = (env->star >> 32) & 0xffff;
    uint64_t ret = after_insn(s, 2);

    if (!(env->efer & MSR_EFER_SCE)) {
        x86_raise_ud(s);
    }
    if (s->lma) {
        uint64_t target = s->code64 ? env->lstar : env->cstar;
        env->regs[R_ECX] = ret;
        env->regs[11] = x86_get_eflags(s) & ~(uint64_t)RF_MASK;
        flat_seg(s, R_CS, sel & 0xfffc, 0, true, true);
        flat_seg(s, R_SS, (sel + 8) & 0xfffc, 0, false, false);
        x86_load_eflags(s, 0, env->fmask | RF_MASK);
        x86_update_mode(s);
        set_rip(s, target);
    } else {
        env->regs[R_ECX] = (uint32_t)ret;
        flat_seg(s, R_CS, sel & 0xfffc, 0, true, false);
        flat_seg(s, R_SS, (sel + 8) & 0xfffc, 0, false, false);
        x86_load_eflags(s, 0, IF_MASK | RF_MASK | VM_MASK);
        x86_update_mode(s);
        set_rip(s, (uint32_t)env->star);
    }
}

void x86_sysret(X86TCG *s, int ot)
{
    CPUX86State *env = s->env;
    uint16_t sel = (env->star >> 48) & 0xffff;

    if (!(env->efer & MSR_EFER_SCE)) {
        x86_raise_ud(s);
    }
    if (!s->pe || s->cpl != 0) {
        x86_raise_gp(s, 0);
    }
    if (s->lma) {
        uint64_t rip = ot == 3 ? env->regs[R_ECX] : (uint32_t)env->regs[R_ECX];
        if (ot == 3) {
            flat_seg(s, R_CS, (sel + 16) | 3, 3, true, true);
        } else {
            flat_seg(s, R_CS, sel | 3, 3, true, false);
        }
        flat_seg(s, R_SS, (sel + 8) | 3, 3, false, false);
        x86_load_eflags(s, env->regs[11], 0x3f7fd5 & ~(uint32_t)VM_MASK);
        x86_update_mode(s);
        set_rip(s, rip);
    } else {
        flat_seg(s, R_CS, sel | 3, 3, true, false);
        flat_seg(s, R_SS, (sel + 8) | 3, 3, false, false);
        env->eflags |= IF_MASK;
        x86_update_mode(s);
        set_rip(s, (uint32_t)env->regs[R_ECX]);
    }
}

void x86_sysenter(X86TCG *s)
{
    CPUX86State *env = s->env;
    uint16_t cs = env->sysenter_cs;

    if (!s->pe || (cs & 0xfffc) == 0) {
        x86_raise_gp(s, 0);
    }
    x86_load_eflags(s, 0, VM_MASK | IF_MASK | RF_MASK);
    flat_seg(s, R_CS, cs & 0xfffc, 0, true, s->lma);
    flat_seg(s, R_SS, (cs + 8) & 0xfffc, 0, false, false);
    env->regs[R_ESP] = s->lma ? env->sysenter_esp
                              : (uint32_t)env->sysenter_esp;
    x86_update_mode(s);
    set_rip(s, s->lma ? env->sysenter_eip : (uint32_t)env->sysenter_eip);
}

void x86_sysexit(X86TCG *s, int ot)
{
    CPUX86State *env = s->env;
    uint16_t cs = env->sysenter_cs;

    if (!s->pe || s->cpl != 0 || (cs & 0xfffc) == 0) {
        x86_raise_gp(s, 0);
    }
    if (ot == 3) {
        flat_seg(s, R_CS, (cs + 32) | 3, 3, true, true);
        flat_seg(s, R_SS, (cs + 40) | 3, 3, false, false);
        env->regs[R_ESP] = env->regs[R_ECX];
        x86_update_mode(s);
        set_rip(s, env->regs[R_EDX]);
    } else {
        flat_seg(s, R_CS, (cs + 16) | 3, 3, true, false);
        flat_seg(s, R_SS, (cs + 24) | 3, 3, false, false);
        env->regs[R_ESP] = (uint32_t)env->regs[R_ECX];
        x86_update_mode(s);
        set_rip(s, (uint32_t)env->regs[R_EDX]);
    }
}

void x86_swapgs(X86TCG *s)
{
    CPUX86State *env = s->env;
    uint64_t t;

    if (!s->code64) {
        x86_raise_ud(s);
    }
    if (s->cpl != 0) {
        x86_raise_gp(s, 0);
    }
    t = env->segs[R_GS].base;
    env->segs[R_GS].base = env->kernelgsbase;
    env->kernelgsbase = t;
}

/* ---- port I/O ---- */

void x86_check_io(X86TCG *s, uint16_t port, int size)
{
    CPUX86State *env = s->env;
    int iopl = (env->eflags >> 12) & 3;
    int type = (env->tr.flags >> DESC_TYPE_SHIFT) & 0xf;
    uint32_t off, bits;

    if (!s->pe || (s->cpl <= iopl && !(env->eflags & VM_MASK))) {
        return;
    }
    /* the I/O permission bitmap of a 32/64-bit TSS */
    if (!(env->tr.flags & DESC_P_MASK) || (type & 7) != 1 || !(type & 8) ||
        env->tr.limit < 103) {
        x86_raise_gp(s, 0);
    }
    off = x86_sys_ld(s, env->tr.base + 0x66, 2) + (port >> 3);
    if (off + 1 > env->tr.limit) {
        x86_raise_gp(s, 0);
    }
    bits = x86_sys_ld(s, env->tr.base + off, 2);
    if ((bits >> (port & 7)) & ((1u << size) - 1)) {
        x86_raise_gp(s, 0);
    }
}

uint64_t x86_port_in(X86TCG *s, uint16_t port, int size)
{
    bool locked = bql_locked();
    uint64_t v;

    if (unlikely(s->ls)) {
        x86_lockstep_abort(s);     /* side effects: lockstep skips */
    }
    x86_check_io(s, port, size);
    if (unlikely(s->dbg_io)) {
        x86_debug_io(s, port, size);
    }
    if (!locked) {
        bql_lock();
    }
    switch (size) {
    case 1: v = cpu_inb(port); break;
    case 2: v = cpu_inw(port); break;
    default: v = cpu_inl(port); break;
    }
    if (!locked) {
        bql_unlock();
    }
    return v;
}

void x86_port_out(X86TCG *s, uint16_t port, int size, uint64_t val)
{
    bool locked = bql_locked();

    if (unlikely(s->ls)) {
        x86_lockstep_abort(s);     /* side effects: lockstep skips */
    }
    x86_check_io(s, port, size);
    if (unlikely(s->dbg_io)) {
        x86_debug_io(s, port, size);
    }
    if (!locked) {
        bql_lock();
    }
    switch (size) {
    case 1: cpu_outb(port, val); break;
    case 2: cpu_outw(port, val); break;
    default: cpu_outl(port, val); break;
    }
    if (!locked) {
        bql_unlock();
    }
    /* the write may have remapped memory or raised an interrupt */
    end_block(s);
}

/* ---- HLT ---- */

void x86_hlt(X86TCG *s)
{
    if (s->cpl != 0) {
        x86_raise_gp(s, 0);
    }
    s->env->halted = true;
    end_block(s);
}
