/*
 * System instruction decoding: CLI/STI, HLT, MOV CR/DR, groups 6, 7, 15,
 * CLTS/INVD/WBINVD, RDMSR/WRMSR/RDTSC(P)/CPUID, SYSCALL/SYSRET,
 * SYSENTER/SYSEXIT, LAR/LSL/VERR/VERW, UD2 and the #UD handler.  The
 * architectural work is done by the helpers of helper.c/seg.c (tcg-sys);
 * this file checks privilege and operand forms (SDM vol. 2/3).
 */
#include "target/x86/tcg/ops.h"
#include "target/x86/tcg/ops-fpu.h"

const uint8_t *x86_fetch_ptr(X86TCG *s, uint64_t lin, uint64_t *phys);

static inline int iopl(X86TCG *s)
{
    return (s->env->eflags & IOPL_MASK) >> 12;
}

static void need_cpl0(X86TCG *s)
{
    if (s->pe && s->cpl != 0) {
        x86_raise_gp(s, 0);
    }
}

static void need_pm(X86TCG *s)
{
    if (!s->pe || (s->env->eflags & VM_MASK)) {
        x86_raise_ud(s);
    }
}

void x86_op_invalid(X86TCG *s, const TCGInsn *d)
{
    if (qemu_loglevel_mask(LOG_UNIMP)) {
        uint64_t rip = insn_rip(s, d);
        uint64_t lin = s->env->segs[R_CS].base + rip;
        GString *hex = g_string_new(NULL);
        uint64_t phys;
        const uint8_t *p;
        int n = d->len;

        if (!s->code64) {
            lin = (uint32_t)lin;
        }
        if (n > (int)(4096 - (lin & 0xfff))) {
            n = 4096 - (lin & 0xfff);
        }
        p = x86_fetch_ptr(s, lin, &phys);
        for (int i = 0; i < n; i++) {
            g_string_append_printf(hex, " %02x", p[i]);
        }
        qemu_log_mask(LOG_UNIMP, "tcg: unsupported instruction at %04x:%"
                      PRIx64 ":%s\n", s->env->segs[R_CS].selector, rip,
                      hex->str);
        g_string_free(hex, TRUE);
    }
    x86_raise_ud(s);
}

/* 0F 0B UD2, 0F B9 UD1, 0F FF UD0 */
void op_ud(X86TCG *s, const TCGInsn *d)
{
    x86_raise_ud(s);
}

/* FA CLI, FB STI */
void op_cli_sti(X86TCG *s, const TCGInsn *d)
{
    CPUX86State *env = s->env;
    bool sti = d->b == 0xfb;
    bool allowed = !s->pe || ((env->eflags & VM_MASK) ? iopl(s) == 3
                                                        : s->cpl <= iopl(s));
    if (!allowed) {
        bool vif_ok = (env->eflags & VM_MASK)
                      ? (env->cr[4] & CR4_VME_MASK)
                      : (s->cpl == 3 && (env->cr[4] & CR4_PVI_MASK));
        if (!vif_ok || (sti && (env->eflags & VIP_MASK))) {
            x86_raise_gp(s, 0);
        }
        if (sti) {
            env->eflags |= VIF_MASK;
        } else {
            env->eflags &= ~(uint64_t)VIF_MASK;
        }
        return;
    }
    if (sti) {
        int req = __atomic_load_n(&s->cpu->interrupt_request,
                                  __ATOMIC_RELAXED);

        if (env->eflags & IF_MASK) {
            return;         /* no change, no shadow (SDM: STI) */
        }
        s->inhibit_next = true;
        env->eflags |= IF_MASK;
        /*
         * An interrupt already waiting is taken right after the next
         * instruction: end the block for the loop (see run()).  Otherwise
         * the block goes on; one arriving later waits for its end, as if
         * it had come then.  (Lockstep: always, so that the interpreter
         * and the translated block, each reading the request, agree.)
         */
        if ((req & (CPU_INTERRUPT_HARD | CPU_INTERRUPT_POLL)) ||
            x86_jit_lockstep) {
            s->block_end = true;
        }
    } else {
        env->eflags &= ~(uint64_t)IF_MASK;
    }
}

/* F4 HLT */
void op_hlt(X86TCG *s, const TCGInsn *d)
{
    need_cpl0(s);
    x86_hlt(s);
    s->block_end = true;
}

/* 0F 20-23: MOV r, CRn / MOV CRn, r / MOV r, DRn / MOV DRn, r */
void op_mov_cr(X86TCG *s, const TCGInsn *d)
{
    CPUX86State *env = s->env;
    int n = d->reg;
    int ot = s->code64 ? 3 : 2;
    bool to = d->b & 2;

    if (env->eflags & VM_MASK) {
        x86_raise_gp(s, 0);
    }
    need_cpl0(s);
    if (d->b < 0x22 ? d->b == 0x20 : d->b == 0x22) {
        if (n != 0 && n != 2 && n != 3 && n != 4 && n != 8) {
            x86_raise_ud(s);
        }
        if (to) {
            x86_write_cr(s, n, get_reg(s, ot, d->rm, 1));
            s->block_end = true;
        } else {
            set_reg(s, ot, d->rm, 1, x86_read_cr(s, n));
        }
        return;
    }
    if (n > 7) {
        x86_raise_ud(s);
    }
    if (to) {
        x86_write_dr(s, n, get_reg(s, ot, d->rm, 1));
    } else {
        set_reg(s, ot, d->rm, 1, x86_read_dr(s, n));
    }
}

/* 0F 06 CLTS */
void op_clts(X86TCG *s, const TCGInsn *d)
{
    need_cpl0(s);
    x86_write_cr(s, 0, s->env->cr[0] & ~(uint64_t)CR0_TS_MASK);
}

/* 0F 08 INVD, 0F 09 WBINVD: caches are not modelled */
void op_invd(X86TCG *s, const TCGInsn *d)
{
    need_cpl0(s);
}

/* 0F 30 WRMSR, 0F 32 RDMSR */
void op_msr(X86TCG *s, const TCGInsn *d)
{
    need_cpl0(s);
    if (d->b == 0x30) {
        x86_wrmsr(s);
        s->block_end = true;
    } else {
        x86_rdmsr(s);
    }
}

/* 0F 31 RDTSC */
void op_rdtsc(X86TCG *s, const TCGInsn *d)
{
    uint64_t t;
    if ((s->env->cr[4] & CR4_TSD_MASK) && s->pe && s->cpl != 0) {
        x86_raise_gp(s, 0);
    }
    t = x86_rdtsc(s);
    s->env->regs[R_EAX] = (uint32_t)t;
    s->env->regs[R_EDX] = t >> 32;
}

/* 0F A2 CPUID */
void op_cpuid(X86TCG *s, const TCGInsn *d)
{
    x86_cpuid(s);
}

/* 0F 05 SYSCALL, 07 SYSRET, 34 SYSENTER, 35 SYSEXIT */
void op_sysfast(X86TCG *s, const TCGInsn *d)
{
    int ot = d->rex & 8 ? 3 : 2;
    switch (d->b) {
    case 0x05:
        CALL_BRANCH_HELPER(s, x86_syscall(s));
        break;
    case 0x07:
        CALL_BRANCH_HELPER(s, x86_sysret(s, ot));
        break;
    case 0x34:
        CALL_BRANCH_HELPER(s, x86_sysenter(s));
        break;
    default:
        CALL_BRANCH_HELPER(s, x86_sysexit(s, ot));
        break;
    }
    s->block_end = true;
}

/* ---- descriptor checks for LAR/LSL/VERR/VERW ---- */

static bool read_desc(X86TCG *s, uint16_t sel, uint32_t *lo, uint32_t *hi)
{
    CPUX86State *env = s->env;
    uint64_t base;
    uint32_t limit;

    if (!(sel & ~3)) {
        return false;
    }
    if (sel & 4) {
        base = env->ldt.base;
        limit = env->ldt.limit;
    } else {
        base = env->gdt.base;
        limit = env->gdt.limit;
    }
    if ((uint32_t)(sel | 7) > limit) {
        return false;
    }
    *lo = x86_ld_lin(s, base + (sel & ~7), 4);
    *hi = x86_ld_lin(s, base + (sel & ~7) + 4, 4);
    return true;
}

/* Visible at CPL/RPL? (conforming code segments always are) */
static bool desc_visible(X86TCG *s, uint16_t sel, uint32_t hi)
{
    int dpl = (hi >> 13) & 3;
    bool conforming = (hi & DESC_S_MASK) && (hi & DESC_CS_MASK) &&
                      (hi & DESC_C_MASK);
    return conforming || (dpl >= s->cpl && dpl >= (sel & 3));
}

static bool sys_type_ok(X86TCG *s, int type, bool lsl)
{
    if (s->lma) {
        return type == 2 || type == 9 || type == 11 || (!lsl && type == 12);
    }
    switch (type) {
    case 1: case 2: case 3: case 9: case 11:
        return true;
    case 4: case 5: case 12:
        return !lsl;
    default:
        return false;
    }
}

/* 0F 02 LAR, 0F 03 LSL */
void op_lar_lsl(X86TCG *s, const TCGInsn *d)
{
    uint16_t sel;
    uint32_t lo, hi;
    uint32_t fl;
    bool ok;
    bool lsl = d->b == 0x03;

    need_pm(s);
    sel = ld_rm(s, d, 1);
    fl = x86_compute_eflags(s) & ~CC_Z;
    ok = read_desc(s, sel, &lo, &hi) && desc_visible(s, sel, hi);
    if (ok && !(hi & DESC_S_MASK)) {
        ok = sys_type_ok(s, (hi >> 8) & 15, lsl);
    }
    if (ok) {
        uint64_t v;
        if (lsl) {
            v = (lo & 0xffff) | (hi & 0xf0000);
            if (hi & DESC_G_MASK) {
                v = (v << 12) | 0xfff;
            }
        } else {
            v = hi & 0x00f0ff00;
        }
        set_greg(s, d, d->ot, v);
        fl |= CC_Z;
    }
    set_cc_eflags(s, fl);
}

/* 0F 00: SLDT/STR/LLDT/LTR/VERR/VERW */
void op_grp6(X86TCG *s, const TCGInsn *d)
{
    CPUX86State *env = s->env;
    int op = d->reg & 7;
    need_pm(s);
    switch (op) {
    case 0:
    case 1: {
        uint16_t sel = op == 0 ? env->ldt.selector : env->tr.selector;
        if (d->mod == 3) {
            set_reg(s, d->ot, d->rm, d->rex, sel);
        } else {
            st_rm(s, d, 1, sel);
        }
        return;
    }
    case 2:
    case 3: {
        uint16_t sel;
        need_cpl0(s);
        sel = ld_rm(s, d, 1);
        if (op == 2) {
            x86_lldt(s, sel);
        } else {
            x86_ltr(s, sel);
        }
        return;
    }
    case 4:
    case 5: {
        uint16_t sel = ld_rm(s, d, 1);
        uint32_t lo, hi;
        uint32_t fl = x86_compute_eflags(s) & ~CC_Z;
        if (read_desc(s, sel, &lo, &hi) && (hi & DESC_S_MASK) &&
            desc_visible(s, sel, hi)) {
            bool code = hi & DESC_CS_MASK;
            bool ok = op == 4 ? (!code || (hi & DESC_R_MASK))
                              : (!code && (hi & DESC_W_MASK));
            if (ok) {
                fl |= CC_Z;
            }
        }
        set_cc_eflags(s, fl);
        return;
    }
    default:
        x86_op_invalid(s, d);
    }
}

/* 0F 01: SGDT/SIDT/LGDT/LIDT/SMSW/LMSW/INVLPG, SWAPGS, RDTSCP */
void op_grp7(X86TCG *s, const TCGInsn *d)
{
    CPUX86State *env = s->env;
    int op = d->reg & 7;

    if (d->mod == 3) {
        int rm = d->rm & 7;
        switch (op) {
        case 4:
            goto smsw;
        case 6:
            goto lmsw;
        case 7:
            if (rm == 0 && s->code64) {         /* SWAPGS */
                uint64_t t;
                need_cpl0(s);
                t = env->segs[R_GS].base;
                env->segs[R_GS].base = env->kernelgsbase;
                env->kernelgsbase = t;
                return;
            }
            if (rm == 1 && (s->cpu->model.ext_features_edx & (1u << 27))) {
                uint64_t t;                      /* RDTSCP */
                if ((env->cr[4] & CR4_TSD_MASK) && s->pe && s->cpl != 0) {
                    x86_raise_gp(s, 0);
                }
                t = x86_rdtsc(s);
                env->regs[R_EAX] = (uint32_t)t;
                env->regs[R_EDX] = t >> 32;
                env->regs[R_ECX] = (uint32_t)env->tsc_aux;
                return;
            }
            break;
        default:
            break;
        }
        x86_op_invalid(s, d);
        return;
    }
    switch (op) {
    case 0:
    case 1: {       /* SGDT/SIDT */
        TableReg *t = op == 0 ? &env->gdt : &env->idt;
        uint64_t ea = insn_ea(s, d);
        uint64_t base = t->base;
        int bsize = s->code64 ? 8 : 4;
        if (!s->code64 && d->ot == 1) {
            base &= 0xffffff;
        }
        x86_st(s, d->seg, ea, 2, t->limit);
        x86_st(s, d->seg, (ea + 2) & amask(d->aflag), bsize, base);
        return;
    }
    case 2:
    case 3: {       /* LGDT/LIDT */
        TableReg *t = op == 2 ? &env->gdt : &env->idt;
        uint64_t ea = insn_ea(s, d);
        uint64_t base;
        uint32_t limit;
        need_cpl0(s);
        limit = x86_ld(s, d->seg, ea, 2);
        if (s->code64) {
            base = x86_ld(s, d->seg, ea + 2, 8);
        } else {
            base = x86_ld(s, d->seg, (ea + 2) & amask(d->aflag), 4);
            if (d->ot == 1) {
                base &= 0xffffff;
            }
        }
        t->base = base;
        t->limit = limit;
        return;
    }
    case 4:
smsw:
        if (d->mod == 3) {
            set_reg(s, d->ot, d->rm, d->rex, env->cr[0]);
        } else {
            st_rm(s, d, 1, env->cr[0] & 0xffff);
        }
        return;
    case 6:
lmsw: {
        uint64_t v;
        need_cpl0(s);
        v = ld_rm(s, d, 1) & 0xf;
        /* LMSW can set PE but never clear it */
        v |= env->cr[0] & CR0_PE_MASK;
        x86_write_cr(s, 0, (env->cr[0] & ~0xfULL) | v);
        s->block_end = true;
        return;
    }
    case 7: {       /* INVLPG */
        uint64_t lin;
        need_cpl0(s);
        lin = s->code64 ? (d->seg >= R_FS ? env->segs[d->seg].base : 0) +
                          insn_ea(s, d)
                        : (uint32_t)(env->segs[d->seg].base + insn_ea(s, d));
        x86_tlb_flush_page(s, lin);
        s->block_end = true;
        return;
    }
    default:
        x86_op_invalid(s, d);
    }
}

/* 0F AE: fences and CLFLUSH; FXSAVE/FXRSTOR/LDMXCSR/STMXCSR come with SSE */
void op_grp15(X86TCG *s, const TCGInsn *d)
{
    int op = d->reg & 7;
    if (d->mod == 3) {
        if (op >= 5 && !(d->prefix & (PREFIX_REPZ | PREFIX_REPNZ))) {
            return;                             /* LFENCE/MFENCE/SFENCE */
        }
    } else if (op <= 3 && !(d->prefix & (PREFIX_REPZ | PREFIX_REPNZ))) {
        x86_grp15_mem(s, d);        /* FXSAVE FXRSTOR LDMXCSR STMXCSR */
        return;
    } else if (op == 7 && !(d->prefix & (PREFIX_REPZ | PREFIX_REPNZ))) {
        /* CLFLUSH: faults like a byte read, no cache to flush */
        (void)x86_ld(s, d->seg, insn_ea(s, d), 1);
        return;
    }
    x86_op_invalid(s, d);
}
