/*
 * Private helpers of the instruction handlers (ops-*.c, flags.c):
 * register and operand access, effective addresses, lazy-flag setters.
 *
 * Execution protocol (shared with exec.c): before a handler runs,
 * s->next_rip = address of the next instruction and env->rip still points
 * at the current one; after it returns, the loop stores s->next_rip in
 * env->rip.  Branch handlers just write s->next_rip.  A handler that must
 * re-execute itself (REP budget) sets s->next_rip = insn_rip(s, d).
 */
#ifndef TARGET_X86_TCG_OPS_H
#define TARGET_X86_TCG_OPS_H

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "target/x86/tcg/tcg-cpu.h"
#include "target/x86/tcg/ops-handlers.h"

#define OPS_SIZE(ot) (1 << (ot))

static inline uint64_t ot_mask(int ot)
{
    return ot == 3 ? ~0ULL : (1ULL << (8 << ot)) - 1;
}

static inline uint64_t ot_sext(int ot, uint64_t v)
{
    switch (ot) {
    case 0: return (uint64_t)(int8_t)v;
    case 1: return (uint64_t)(int16_t)v;
    case 2: return (uint64_t)(int32_t)v;
    default: return v;
    }
}

static inline uint64_t insn_rip(X86TCG *s, const TCGInsn *d)
{
    return s->next_rip - d->len;
}

/* ---- general registers ---- */
static inline uint64_t get_reg(X86TCG *s, int ot, int r, int rex)
{
    uint64_t *regs = s->env->regs;
    switch (ot) {
    case 0:
        if (r >= 4 && r < 8 && !rex) {
            return (regs[r - 4] >> 8) & 0xff;     /* AH..BH */
        }
        return regs[r] & 0xff;
    case 1: return regs[r] & 0xffff;
    case 2: return regs[r] & 0xffffffff;
    default: return regs[r];
    }
}

static inline void set_reg(X86TCG *s, int ot, int r, int rex, uint64_t v)
{
    uint64_t *regs = s->env->regs;
    switch (ot) {
    case 0:
        if (r >= 4 && r < 8 && !rex) {
            regs[r - 4] = (regs[r - 4] & ~0xff00ULL) | ((v & 0xff) << 8);
        } else {
            regs[r] = (regs[r] & ~0xffULL) | (v & 0xff);
        }
        break;
    case 1: regs[r] = (regs[r] & ~0xffffULL) | (v & 0xffff); break;
    case 2: regs[r] = (uint32_t)v; break;
    default: regs[r] = v; break;
    }
}

/* Register operand named by ModRM.reg / ModRM.rm (mod == 3). */
static inline uint64_t get_greg(X86TCG *s, const TCGInsn *d, int ot)
{
    return get_reg(s, ot, d->reg, d->rex);
}

static inline void set_greg(X86TCG *s, const TCGInsn *d, int ot, uint64_t v)
{
    set_reg(s, ot, d->reg, d->rex, v);
}

/* ---- addresses ---- */
static inline uint64_t amask(int aflag)
{
    return aflag == 1 ? 0xffff : aflag == 2 ? 0xffffffffULL : ~0ULL;
}

/* Offset (within d->seg) of the ModRM memory operand. */
static inline uint64_t insn_ea(X86TCG *s, const TCGInsn *d)
{
    uint64_t ea = d->disp;
    if (d->base == 16) {
        ea += s->next_rip;
    } else if (d->base >= 0) {
        ea += s->env->regs[d->base];
    }
    if (d->index >= 0) {
        ea += s->env->regs[d->index] << d->scale;
    }
    return ea & amask(d->aflag);
}

/* ModRM r/m operand (register or memory). */
static inline uint64_t ld_rm(X86TCG *s, const TCGInsn *d, int ot)
{
    if (d->mod == 3) {
        return get_reg(s, ot, d->rm, d->rex);
    }
    return x86_ld(s, d->seg, insn_ea(s, d), OPS_SIZE(ot));
}

static inline void st_rm(X86TCG *s, const TCGInsn *d, int ot, uint64_t v)
{
    if (d->mod == 3) {
        set_reg(s, ot, d->rm, d->rex, v);
    } else {
        x86_st(s, d->seg, insn_ea(s, d), OPS_SIZE(ot), v);
    }
}

/* ---- lazy flags ---- */
static inline void set_cc(X86TCG *s, int op, int ot, uint64_t res,
                          uint64_t s1, uint64_t s2)
{
    s->cc_op = op;
    s->cc_ot = ot;
    s->cc_res = res;
    s->cc_src1 = s1;
    s->cc_src2 = s2;
}

static inline void set_cc_logic(X86TCG *s, int ot, uint64_t res)
{
    s->cc_op = CC_OP_LOGIC;
    s->cc_ot = ot;
    s->cc_res = res;
}

/* SF/ZF/PF from @res; CF, OF and AF given explicitly (as CC_* bits). */
static inline void set_cc_szp(X86TCG *s, int ot, uint64_t res, uint32_t coa)
{
    s->cc_op = CC_OP_SZP;
    s->cc_ot = ot;
    s->cc_res = res;
    s->cc_aux = coa;
}

/* Write the arithmetic flags all at once (like POPF does). */
static inline void set_cc_eflags(X86TCG *s, uint32_t arith)
{
    s->cc_op = CC_OP_EFLAGS;
    s->env->eflags = (s->env->eflags & ~(uint64_t)CC_ARITH) |
                     (arith & CC_ARITH);
}

static inline bool get_cf(X86TCG *s)
{
    switch (s->cc_op) {
    case CC_OP_LOGIC:
        return false;
    case CC_OP_ADD:
        return (s->cc_res & ot_mask(s->cc_ot)) <
               (s->cc_src1 & ot_mask(s->cc_ot));
    case CC_OP_SUB:
        return (s->cc_src1 & ot_mask(s->cc_ot)) <
               (s->cc_src2 & ot_mask(s->cc_ot));
    default:
        return x86_compute_eflags(s) & CC_C;
    }
}

/* Condition code 0..15 (Jcc/SETcc/CMOVcc low nibble). */
bool x86_cond(X86TCG *s, int cc);

/* handlers shared between files */
void x86_unimp(X86TCG *s, const TCGInsn *d);
/*
 * Run a tcg-sys helper that may move RIP: it may either write s->next_rip
 * or env->rip; whichever it did becomes the next RIP.
 */
#define CALL_BRANCH_HELPER(s, call) do {                            \
        uint64_t old_next_ = (s)->next_rip, old_rip_ = (s)->env->rip; \
        call;                                                       \
        if ((s)->next_rip == old_next_ && (s)->env->rip != old_rip_) { \
            (s)->next_rip = (s)->env->rip;                          \
        }                                                           \
    } while (0)

#endif
