/*
 * Lazy condition codes: the last flag-setting operation is recorded in
 * X86TCG (cc_op, operands, result) and the arithmetic EFLAGS bits are
 * only computed when something reads them (SDM vol. 1 §3.4.3, vol. 2
 * per-instruction "Flags Affected").  Conditions of Jcc/SETcc/CMOVcc are
 * answered straight from the recorded operation when that is cheap.
 */
#include "target/x86/tcg/ops.h"

static inline uint32_t parity(uint64_t res)
{
    return __builtin_parity((unsigned)(res & 0xff)) ? 0 : CC_P;
}

static inline uint32_t szp(int ot, uint64_t res)
{
    uint64_t m = ot_mask(ot);
    uint32_t f = parity(res);
    if (!(res & m)) {
        f |= CC_Z;
    }
    if ((res >> ((8 << ot) - 1)) & 1) {
        f |= CC_S;
    }
    return f;
}

uint32_t x86_compute_eflags(X86TCG *s)
{
    int ot = s->cc_ot;
    int sb = (8 << ot) - 1;
    uint64_t m = ot_mask(ot);
    uint64_t r = s->cc_res & m, a = s->cc_src1 & m, b = s->cc_src2 & m;
    uint32_t f;

    switch (s->cc_op) {
    case CC_OP_EFLAGS:
    default:
        return s->env->eflags & CC_ARITH;
    case CC_OP_LOGIC:
        return szp(ot, r);
    case CC_OP_SZP:
        return szp(ot, r) | (s->cc_aux & (CC_C | CC_O | CC_A));
    case CC_OP_ADD:
    case CC_OP_ADC:
        f = szp(ot, r);
        if (s->cc_op == CC_OP_ADC && s->cc_aux) {
            f |= r <= a ? CC_C : 0;
        } else {
            f |= r < a ? CC_C : 0;
        }
        f |= ((~(a ^ b) & (a ^ r)) >> sb) & 1 ? CC_O : 0;
        f |= (a ^ b ^ r) & CC_A;
        return f;
    case CC_OP_SUB:
    case CC_OP_SBB:
        f = szp(ot, r);
        if (s->cc_op == CC_OP_SBB && s->cc_aux) {
            f |= a <= b ? CC_C : 0;
        } else {
            f |= a < b ? CC_C : 0;
        }
        f |= (((a ^ b) & (a ^ r)) >> sb) & 1 ? CC_O : 0;
        f |= (a ^ b ^ r) & CC_A;
        return f;
    case CC_OP_INC:
        f = szp(ot, r) | (s->cc_aux ? CC_C : 0);
        f |= r == (1ULL << sb) ? CC_O : 0;
        f |= (a ^ r) & CC_A;        /* src2 is 1 */
        return f;
    case CC_OP_DEC:
        f = szp(ot, r) | (s->cc_aux ? CC_C : 0);
        f |= a == (1ULL << sb) ? CC_O : 0;
        f |= (a ^ r) & CC_A;
        return f;
    }
}

void x86_set_eflags(X86TCG *s, uint32_t val, uint32_t mask)
{
    CPUX86State *env = s->env;
    if (s->cc_op != CC_OP_EFLAGS) {
        env->eflags = (env->eflags & ~(uint64_t)CC_ARITH) |
                      x86_compute_eflags(s);
        s->cc_op = CC_OP_EFLAGS;
    }
    env->eflags = ((env->eflags & ~(uint64_t)mask) | (val & mask)) | 2;
    if (unlikely(env->eflags & TF_MASK)) {
        x86_debug_update(s);
    }
}

bool x86_cond(X86TCG *s, int cc)
{
    bool r;
    int ot = s->cc_ot;
    uint64_t m = ot_mask(ot);
    uint32_t f;

    switch (s->cc_op) {
    case CC_OP_SUB: {
        uint64_t a = s->cc_src1 & m, b = s->cc_src2 & m;
        int64_t sa = ot_sext(ot, a), sbv = ot_sext(ot, b);
        switch (cc >> 1) {
        case 1: r = a < b; goto done;                   /* B */
        case 2: r = a == b; goto done;                  /* Z */
        case 3: r = a <= b; goto done;                  /* BE */
        case 4: r = (s->cc_res >> ((8 << ot) - 1)) & 1; goto done;  /* S */
        case 6: r = sa < sbv; goto done;                /* L */
        case 7: r = sa <= sbv; goto done;               /* LE */
        default: break;
        }
        break;
    }
    case CC_OP_LOGIC: {
        uint64_t res = s->cc_res & m;
        bool sf = (res >> ((8 << ot) - 1)) & 1;
        switch (cc >> 1) {
        case 0: r = false; goto done;                   /* O */
        case 1: r = false; goto done;                   /* B */
        case 2: r = res == 0; goto done;                /* Z */
        case 3: r = res == 0; goto done;                /* BE */
        case 4: r = sf; goto done;                      /* S */
        case 6: r = sf; goto done;                      /* L */
        case 7: r = sf || res == 0; goto done;          /* LE */
        default: break;
        }
        break;
    }
    default:
        if ((cc >> 1) == 2 && s->cc_op != CC_OP_EFLAGS) {
            r = (s->cc_res & m) == 0;
            goto done;
        }
        break;
    }
    f = x86_compute_eflags(s);
    switch (cc >> 1) {
    case 0: r = f & CC_O; break;
    case 1: r = f & CC_C; break;
    case 2: r = f & CC_Z; break;
    case 3: r = f & (CC_C | CC_Z); break;
    case 4: r = f & CC_S; break;
    case 5: r = f & CC_P; break;
    case 6: r = !(f & CC_S) != !(f & CC_O); break;
    default: r = (f & CC_Z) || (!(f & CC_S) != !(f & CC_O)); break;
    }
done:
    return r ^ (cc & 1);
}
