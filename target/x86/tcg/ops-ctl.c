/*
 * Data movement, stack and control-flow handlers: MOV forms, LEA, PUSH/POP
 * (incl. segment registers, PUSHA/POPA, PUSHF/POPF), ENTER/LEAVE, near and
 * far JMP/CALL/RET, Jcc, LOOP/JCXZ, INT/INTO/IRET, XLAT, BOUND, segment
 * pointer loads (LDS & co).  SDM vol. 2 instruction pages.
 */
#include "target/x86/tcg/ops.h"

/* ---- MOV / LEA ---- */

/* 88-8B */
void op_mov(X86TCG *s, const TCGInsn *d)
{
    int ot = d->ot;
    if (d->b & 2) {
        set_greg(s, d, ot, ld_rm(s, d, ot));
    } else {
        st_rm(s, d, ot, get_greg(s, d, ot));
    }
}

/* C6/C7 /0: MOV r/m, imm */
void op_mov_rm_imm(X86TCG *s, const TCGInsn *d)
{
    if (d->reg & 7) {
        x86_op_invalid(s, d);
        return;
    }
    st_rm(s, d, d->ot, d->imm);
}

/* B0-BF: MOV r, imm */
void op_mov_r_imm(X86TCG *s, const TCGInsn *d)
{
    set_reg(s, d->ot, d->rm, d->rex, d->imm);
}

/* A0-A3: MOV AL/eAX <-> moffs */
void op_mov_moffs(X86TCG *s, const TCGInsn *d)
{
    int ot = d->ot;
    uint64_t off = d->imm & amask(d->aflag);
    if (d->b & 2) {
        x86_st(s, d->seg, off, OPS_SIZE(ot), get_reg(s, ot, R_EAX, 0));
    } else {
        set_reg(s, ot, R_EAX, 0, x86_ld(s, d->seg, off, OPS_SIZE(ot)));
    }
}

/* 8D LEA */
void op_lea(X86TCG *s, const TCGInsn *d)
{
    if (d->mod == 3) {
        x86_raise_ud(s);
    }
    set_greg(s, d, d->ot, insn_ea(s, d));
}

/* 0F C3 MOVNTI */
void op_movnti(X86TCG *s, const TCGInsn *d)
{
    if (d->mod == 3) {
        x86_raise_ud(s);
    }
    st_rm(s, d, d->ot < 2 ? 2 : d->ot, get_greg(s, d, d->ot < 2 ? 2 : d->ot));
}

/* 8C: MOV r/m, Sreg */
void op_mov_from_seg(X86TCG *s, const TCGInsn *d)
{
    int sr = d->reg & 7;
    uint16_t sel;
    if (sr > R_GS) {
        x86_raise_ud(s);
    }
    sel = s->env->segs[sr].selector;
    if (d->mod == 3) {
        set_reg(s, d->ot == 1 ? 1 : d->ot, d->rm, d->rex, sel);
    } else {
        st_rm(s, d, 1, sel);
    }
}

/* 8E: MOV Sreg, r/m16 */
void op_mov_to_seg(X86TCG *s, const TCGInsn *d)
{
    int sr = d->reg & 7;
    uint16_t sel;
    if (sr > R_GS || sr == R_CS) {
        x86_raise_ud(s);
    }
    sel = ld_rm(s, d, 1);
    x86_load_seg(s, sr, sel);
    if (sr == R_SS) {
        s->inhibit_next = true;
        s->dbg_movss = true;
    }
    s->block_end = true;
}

/* C4/C5 (not 64-bit), 0F B2/B4/B5: LES/LDS/LSS/LFS/LGS */
void op_lxs(X86TCG *s, const TCGInsn *d)
{
    int sr;
    uint64_t ea, off;
    uint16_t sel;

    if (d->mod == 3) {
        x86_raise_ud(s);
    }
    switch (d->map ? d->b : d->b + 0x100) {
    case 0x1c4: sr = R_ES; break;
    case 0x1c5: sr = R_DS; break;
    case 0xb2: sr = R_SS; break;
    case 0xb4: sr = R_FS; break;
    default: sr = R_GS; break;
    }
    ea = insn_ea(s, d);
    off = x86_ld(s, d->seg, ea, OPS_SIZE(d->ot));
    sel = x86_ld(s, d->seg, (ea + OPS_SIZE(d->ot)) & amask(d->aflag), 2);
    x86_load_seg(s, sr, sel);
    set_greg(s, d, d->ot, off);
    s->block_end = true;
}

/* ---- stack ---- */

/* 50-57 */
void op_push_r(X86TCG *s, const TCGInsn *d)
{
    x86_push(s, OPS_SIZE(d->ot), get_reg(s, d->ot, d->rm, 1));
}

/* 58-5F */
void op_pop_r(X86TCG *s, const TCGInsn *d)
{
    uint64_t v = x86_pop(s, OPS_SIZE(d->ot));
    set_reg(s, d->ot, d->rm, 1, v);
}

/* 68, 6A */
void op_push_imm(X86TCG *s, const TCGInsn *d)
{
    x86_push(s, OPS_SIZE(d->ot), d->imm);
}

/* 8F /0: POP r/m (the address uses the incremented stack pointer) */
void op_pop_rm(X86TCG *s, const TCGInsn *d)
{
    uint64_t m = x86_sp_mask(s);
    uint64_t old_sp = s->env->regs[R_ESP];
    uint64_t sp = old_sp & m;
    uint64_t v;
    if (d->reg & 7) {
        x86_op_invalid(s, d);
        return;
    }
    v = x86_ld(s, R_SS, sp, OPS_SIZE(d->ot));
    x86_set_sp(s, sp + OPS_SIZE(d->ot));
    if (d->mod == 3) {
        set_reg(s, d->ot, d->rm, d->rex, v);
        return;
    }
    {
        uint64_t ea = insn_ea(s, d);
        s->env->regs[R_ESP] = old_sp;   /* restartable if the store faults */
        x86_st(s, d->seg, ea, OPS_SIZE(d->ot), v);
        x86_set_sp(s, sp + OPS_SIZE(d->ot));
    }
}

static int seg_of_push(const TCGInsn *d)
{
    if (d->map) {
        return d->b < 0xa8 ? R_FS : R_GS;
    }
    return (d->b >> 3) & 3;
}

/* 06/0E/16/1E, 0F A0/A8: PUSH Sreg */
void op_push_seg(X86TCG *s, const TCGInsn *d)
{
    x86_push(s, OPS_SIZE(d->ot), s->env->segs[seg_of_push(d)].selector);
}

/* 07/17/1F, 0F A1/A9: POP Sreg */
void op_pop_seg(X86TCG *s, const TCGInsn *d)
{
    int sr = seg_of_push(d);
    uint64_t sp = s->env->regs[R_ESP] & x86_sp_mask(s);
    uint16_t sel = x86_ld(s, R_SS, sp, OPS_SIZE(d->ot));
    x86_load_seg(s, sr, sel);
    x86_set_sp(s, sp + OPS_SIZE(d->ot));
    if (sr == R_SS) {
        s->inhibit_next = true;
        s->dbg_movss = true;
    }
    s->block_end = true;
}

/* 60 PUSHA */
void op_pusha(X86TCG *s, const TCGInsn *d)
{
    int size = OPS_SIZE(d->ot);
    uint64_t m = x86_sp_mask(s);
    uint64_t sp = s->env->regs[R_ESP];
    for (int r = 0; r < 8; r++) {
        uint64_t v = r == R_ESP ? sp : s->env->regs[r];
        x86_st(s, R_SS, (sp - (r + 1) * size) & m, size, v);
    }
    x86_set_sp(s, sp - 8 * size);
}

/* 61 POPA (the stored SP is skipped) */
void op_popa(X86TCG *s, const TCGInsn *d)
{
    int size = OPS_SIZE(d->ot);
    uint64_t m = x86_sp_mask(s);
    uint64_t sp = s->env->regs[R_ESP];
    uint64_t v[8];
    for (int r = 0; r < 8; r++) {
        v[7 - r] = x86_ld(s, R_SS, (sp + r * size) & m, size);
    }
    for (int r = 0; r < 8; r++) {
        if (r != R_ESP) {
            set_reg(s, d->ot, r, 0, v[r]);
        }
    }
    x86_set_sp(s, sp + 8 * size);
}

/* 9C PUSHF */
void op_pushf(X86TCG *s, const TCGInsn *d)
{
    CPUX86State *env = s->env;
    uint64_t fl;
    if ((env->eflags & VM_MASK) && ((env->eflags & IOPL_MASK) >> 12) < 3) {
        x86_raise_gp(s, 0);
    }
    fl = x86_get_eflags(s) & ~(uint64_t)(VM_MASK | RF_MASK);
    x86_push(s, OPS_SIZE(d->ot), fl);
}

/* 9D POPF: which bits may change depends on CPL, IOPL and VM */
void op_popf(X86TCG *s, const TCGInsn *d)
{
    CPUX86State *env = s->env;
    int iopl = (env->eflags & IOPL_MASK) >> 12;
    uint32_t mask = CC_ARITH | TF_MASK | DF_MASK | NT_MASK | AC_MASK | ID_MASK;
    uint64_t sp, v;

    if (env->eflags & VM_MASK) {
        if (iopl < 3) {
            x86_raise_gp(s, 0);
        }
        mask |= IF_MASK;
    } else if (!s->pe || s->cpl == 0) {
        mask |= IF_MASK | IOPL_MASK;
    } else if (s->cpl <= iopl) {
        mask |= IF_MASK;
    }
    sp = env->regs[R_ESP] & x86_sp_mask(s);
    v = x86_ld(s, R_SS, sp, OPS_SIZE(d->ot));
    if (d->ot == 1) {
        mask &= 0xffff;
    }
    x86_set_sp(s, sp + OPS_SIZE(d->ot));
    x86_set_eflags(s, v, mask);
    env->eflags &= ~(uint64_t)RF_MASK;
    s->block_end = true;
}

/* C8 ENTER imm16, imm8 */
void op_enter(X86TCG *s, const TCGInsn *d)
{
    uint64_t *r = s->env->regs;
    int size = OPS_SIZE(d->ot);
    unsigned level = d->imm2 & 31;
    uint64_t m = x86_sp_mask(s);
    uint64_t sp = r[R_ESP], bp = r[R_EBP], frame;

    sp = (sp - size) & m;
    x86_st(s, R_SS, sp, size, bp);
    frame = sp;
    if (level) {
        for (unsigned i = 1; i < level; i++) {
            bp = (bp - size) & m;
            sp = (sp - size) & m;
            x86_st(s, R_SS, sp, size, x86_ld(s, R_SS, bp, size));
        }
        sp = (sp - size) & m;
        x86_st(s, R_SS, sp, size, frame);
    }
    sp = (sp - (d->imm & 0xffff)) & m;
    /* probe the new stack top like the hardware does */
    (void)x86_lin(s, R_SS, sp, 1, true);
    set_reg(s, d->ot, R_EBP, 0, frame);
    x86_set_sp(s, sp);
}

/* C9 LEAVE */
void op_leave(X86TCG *s, const TCGInsn *d)
{
    uint64_t *r = s->env->regs;
    uint64_t m = x86_sp_mask(s);
    uint64_t sp = r[R_EBP] & m;
    uint64_t v = x86_ld(s, R_SS, sp, OPS_SIZE(d->ot));
    x86_set_sp(s, sp + OPS_SIZE(d->ot));
    set_reg(s, d->ot, R_EBP, 0, v);
}

/* ---- near branches ---- */

static inline void jump_to(X86TCG *s, const TCGInsn *d, uint64_t t, int ot)
{
    if (ot == 1) {
        t &= 0xffff;
    } else if (ot == 2 || !s->code64) {
        t = (uint32_t)t;
    }
    if (!s->code64 && t > s->env->segs[R_CS].limit) {
        x86_raise_gp(s, 0);
    }
    s->next_rip = t;
}

/* 70-7F, 0F 80-8F */
void op_jcc(X86TCG *s, const TCGInsn *d)
{
    if (x86_cond(s, d->b & 15)) {
        jump_to(s, d, s->next_rip + d->imm, d->ot);
    }
}

/* E9, EB */
void op_jmp(X86TCG *s, const TCGInsn *d)
{
    jump_to(s, d, s->next_rip + d->imm, d->ot);
}

/* E8 */
void op_call(X86TCG *s, const TCGInsn *d)
{
    uint64_t t = s->next_rip + d->imm;
    uint64_t ret = s->next_rip;
    if (d->ot == 1) {
        t &= 0xffff;
    } else if (d->ot == 2) {
        t = (uint32_t)t;
    }
    if (!s->code64 && t > s->env->segs[R_CS].limit) {
        x86_raise_gp(s, 0);
    }
    x86_push(s, OPS_SIZE(d->ot), ret);
    s->next_rip = t;
}

/* C2/C3 */
void op_ret(X86TCG *s, const TCGInsn *d)
{
    uint64_t m = x86_sp_mask(s);
    uint64_t sp = s->env->regs[R_ESP] & m;
    uint64_t t = x86_ld(s, R_SS, sp, OPS_SIZE(d->ot));
    jump_to(s, d, t, d->ot);
    x86_set_sp(s, sp + OPS_SIZE(d->ot) + (d->b == 0xc2 ? (d->imm & 0xffff) : 0));
}

/* E0-E3: LOOPNE/LOOPE/LOOP/JrCXZ, counter sized by the address size */
void op_loop(X86TCG *s, const TCGInsn *d)
{
    uint64_t am = amask(d->aflag);
    uint64_t *c = &s->env->regs[R_ECX];
    bool take;

    if (d->b == 0xe3) {
        take = (*c & am) == 0;
    } else {
        uint64_t n = (*c - 1) & am;
        *c = d->aflag == 2 ? n : (*c & ~am) | n;
        take = n != 0;
        if (d->b == 0xe0) {
            take = take && !x86_cond(s, 4);
        } else if (d->b == 0xe1) {
            take = take && x86_cond(s, 4);
        }
    }
    if (take) {
        jump_to(s, d, s->next_rip + d->imm, d->ot);
    }
}

/* FF: INC/DEC, CALL/JMP near and far indirect, PUSH */
void op_grp5(X86TCG *s, const TCGInsn *d)
{
    int op = d->reg & 7;
    int ot = d->ot;

    switch (op) {
    case 0:
    case 1:
        op_incdec_rm(s, d);
        return;
    case 2:
    case 4: {
        uint64_t t;
        if (s->code64) {
            ot = 3;
        }
        t = ld_rm(s, d, ot);
        if (op == 2) {
            uint64_t ret = s->next_rip;
            if (!s->code64 && (ot == 1 ? t & 0xffff : (uint32_t)t) >
                s->env->segs[R_CS].limit) {
                x86_raise_gp(s, 0);
            }
            x86_push(s, OPS_SIZE(ot), ret);
        }
        jump_to(s, d, t, ot);
        return;
    }
    case 3:
    case 5: {
        uint64_t ea, off;
        uint16_t sel;
        if (d->mod == 3) {
            x86_raise_ud(s);
        }
        ea = insn_ea(s, d);
        off = x86_ld(s, d->seg, ea, OPS_SIZE(ot));
        sel = x86_ld(s, d->seg, (ea + OPS_SIZE(ot)) & amask(d->aflag), 2);
        if (op == 3) {
            uint64_t ret = s->next_rip;
            CALL_BRANCH_HELPER(s, x86_far_call(s, sel, off, ot, ret));
        } else {
            CALL_BRANCH_HELPER(s, x86_far_jump(s, sel, off, ot));
        }
        s->block_end = true;
        return;
    }
    case 6:
        if (s->code64) {
            ot = (d->prefix & PREFIX_DATA) && !(d->rex & 8) ? 1 : 3;
        }
        x86_push(s, OPS_SIZE(ot), ld_rm(s, d, ot));
        return;
    default:
        x86_op_invalid(s, d);
        return;
    }
}

/* ---- far branches and interrupts ---- */

/* EA JMP ptr16:16/32, 9A CALL ptr */
void op_far_imm(X86TCG *s, const TCGInsn *d)
{
    uint64_t off = d->ot == 1 ? d->imm & 0xffff : d->imm & 0xffffffff;
    uint16_t sel = d->imm2;
    if (d->b == 0x9a) {
        uint64_t ret = s->next_rip;
        CALL_BRANCH_HELPER(s, x86_far_call(s, sel, off, d->ot, ret));
    } else {
        CALL_BRANCH_HELPER(s, x86_far_jump(s, sel, off, d->ot));
    }
    s->block_end = true;
}

/* CA/CB RETF */
void op_retf(X86TCG *s, const TCGInsn *d)
{
    uint16_t extra = d->b == 0xca ? d->imm & 0xffff : 0;
    CALL_BRANCH_HELPER(s, x86_far_ret(s, d->ot, extra));
    s->block_end = true;
}

/* CF IRET */
void op_iret(X86TCG *s, const TCGInsn *d)
{
    CALL_BRANCH_HELPER(s, x86_iret(s, d->ot));
    s->block_end = true;
}

static void soft_int(X86TCG *s, int vec, bool check_vm)
{
    CPUX86State *env = s->env;
    uint64_t ret = s->next_rip;
    if (check_vm && (env->eflags & VM_MASK) &&
        ((env->eflags & IOPL_MASK) >> 12) < 3) {
        x86_raise_gp(s, 0);
    }
    s->dbg_no_step = true;      /* the handler runs with TF = 0 */
    CALL_BRANCH_HELPER(s, x86_do_interrupt(s, vec, true, 0, false, ret));
    s->block_end = true;
}

/*
 * F1 INT1 (ICEBP): vector 1 as a trap that, unlike INT n, skips the
 * gate's DPL check and leaves DR6 alone.
 */
static void int1(X86TCG *s)
{
    s->env->rip = s->next_rip;
    s->dbg_no_step = true;
    x86_do_interrupt(s, EXCP01_DB, false, 0, false, 0);
}

/* CC INT3, CD INT n, CE INTO, F1 INT1 */
void op_int(X86TCG *s, const TCGInsn *d)
{
    switch (d->b) {
    case 0xcc:
        soft_int(s, EXCP03_INT3, false);
        break;
    case 0xcd:
        soft_int(s, d->imm & 0xff, true);
        break;
    case 0xce:
        if (x86_cond(s, 0)) {
            soft_int(s, EXCP04_INTO, false);
        }
        break;
    default:
        int1(s);
        break;
    }
}

/* ---- misc ---- */

/* D7 XLAT */
void op_xlat(X86TCG *s, const TCGInsn *d)
{
    uint64_t *r = s->env->regs;
    uint64_t off = (r[R_EBX] + (r[R_EAX] & 0xff)) & amask(d->aflag);
    set_reg(s, 0, R_EAX, 0, x86_ld(s, d->seg, off, 1));
}

/* 62 BOUND */
void op_bound(X86TCG *s, const TCGInsn *d)
{
    int ot = d->ot;
    uint64_t ea;
    int64_t lo, hi, v;
    if (d->mod == 3) {
        x86_raise_ud(s);
    }
    ea = insn_ea(s, d);
    lo = ot_sext(ot, x86_ld(s, d->seg, ea, OPS_SIZE(ot)));
    hi = ot_sext(ot, x86_ld(s, d->seg, (ea + OPS_SIZE(ot)) & amask(d->aflag),
                           OPS_SIZE(ot)));
    v = ot_sext(ot, get_greg(s, d, ot));
    if (v < lo || v > hi) {
        x86_raise(s, EXCP05_BOUND, 0, false);
    }
}

/* NOP, PAUSE, prefetch, hint NOPs, fences */
void op_nop(X86TCG *s, const TCGInsn *d)
{
}
