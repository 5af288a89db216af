/*
 * Integer arithmetic and logic handlers: ADD..CMP, INC/DEC, groups 1-3,
 * IMUL, shifts/rotates, SHLD/SHRD, bit tests and scans, exchanges,
 * CMPXCHG*, MOVZX/MOVSX, conversions, BCD.  Semantics and flags follow
 * the Intel SDM vol. 2 instruction pages.
 */
#include "target/x86/tcg/ops.h"

/* ---- the eight classic ALU operations ---- */

/* op: 0 ADD 1 OR 2 ADC 3 SBB 4 AND 5 SUB 6 XOR 7 CMP; returns the result. */
static inline uint64_t alu(X86TCG *s, int op, int ot, uint64_t a, uint64_t b)
{
    uint64_t m = ot_mask(ot), r, c;
    a &= m;
    b &= m;
    switch (op) {
    case 0:
        r = (a + b) & m;
        set_cc(s, CC_OP_ADD, ot, r, a, b);
        return r;
    case 1:
        r = a | b;
        set_cc_logic(s, ot, r);
        return r;
    case 2:
        c = get_cf(s);
        r = (a + b + c) & m;
        set_cc(s, CC_OP_ADC, ot, r, a, b);
        s->cc_aux = c;
        return r;
    case 3:
        c = get_cf(s);
        r = (a - b - c) & m;
        set_cc(s, CC_OP_SBB, ot, r, a, b);
        s->cc_aux = c;
        return r;
    case 4:
        r = a & b;
        set_cc_logic(s, ot, r);
        return r;
    case 5:
    case 7:
        r = (a - b) & m;
        set_cc(s, CC_OP_SUB, ot, r, a, b);
        return r;
    default:
        r = a ^ b;
        set_cc_logic(s, ot, r);
        return r;
    }
}

/* Read-modify-write of the r/m operand with flags committed after the store. */
typedef struct CCSave {
    uint64_t res, s1, s2, aux;
    uint32_t op;
    uint8_t ot;
} CCSave;

static inline void cc_save(X86TCG *s, CCSave *c)
{
    c->res = s->cc_res; c->s1 = s->cc_src1; c->s2 = s->cc_src2;
    c->aux = s->cc_aux; c->op = s->cc_op; c->ot = s->cc_ot;
}

static inline void cc_swap(X86TCG *s, CCSave *c)
{
    CCSave t;
    cc_save(s, &t);
    s->cc_res = c->res; s->cc_src1 = c->s1; s->cc_src2 = c->s2;
    s->cc_aux = c->aux; s->cc_op = c->op; s->cc_ot = c->ot;
    *c = t;
}

/*
 * Store @v to the r/m operand; if the store faults, the flags computed
 * since @old was saved are rolled back first.
 */
static void st_rm_cc(X86TCG *s, const TCGInsn *d, int ot, uint64_t v,
                     CCSave *old)
{
    if (d->mod == 3) {
        set_reg(s, ot, d->rm, d->rex, v);
        return;
    }
    cc_swap(s, old);
    x86_st(s, d->seg, insn_ea(s, d), OPS_SIZE(ot), v);
    cc_swap(s, old);
}

/* 00-3D: op Eb,Gb / Ev,Gv / Gb,Eb / Gv,Ev / AL,Ib / eAX,Iz */
void op_alu(X86TCG *s, const TCGInsn *d)
{
    int op = (d->b >> 3) & 7, form = d->b & 7;
    int ot = d->ot;
    uint64_t a, b, r;
    CCSave old;

    switch (form) {
    case 0:
    case 1:
        cc_save(s, &old);
        a = ld_rm(s, d, ot);
        b = get_greg(s, d, ot);
        r = alu(s, op, ot, a, b);
        if (op != 7) {
            st_rm_cc(s, d, ot, r, &old);
        }
        break;
    case 2:
    case 3:
        a = get_greg(s, d, ot);
        b = ld_rm(s, d, ot);
        r = alu(s, op, ot, a, b);
        if (op != 7) {
            set_greg(s, d, ot, r);
        }
        break;
    default:
        a = get_reg(s, ot, R_EAX, 0);
        r = alu(s, op, ot, a, d->imm);
        if (op != 7) {
            set_reg(s, ot, R_EAX, 0, r);
        }
        break;
    }
}

/* 80-83: group 1 with an immediate */
void op_grp1(X86TCG *s, const TCGInsn *d)
{
    int op = d->reg & 7, ot = d->ot;
    CCSave old;
    uint64_t a, r;

    cc_save(s, &old);
    a = ld_rm(s, d, ot);
    r = alu(s, op, ot, a, d->imm);
    if (op != 7) {
        st_rm_cc(s, d, ot, r, &old);
    }
}

/* 84/85, A8/A9: TEST */
void op_test(X86TCG *s, const TCGInsn *d)
{
    int ot = d->ot;
    uint64_t a, b;
    if (d->b >= 0xa8) {
        a = get_reg(s, ot, R_EAX, 0);
        b = d->imm;
    } else {
        a = ld_rm(s, d, ot);
        b = get_greg(s, d, ot);
    }
    set_cc_logic(s, ot, a & b & ot_mask(ot));
}

static uint64_t do_incdec(X86TCG *s, int ot, uint64_t a, bool dec)
{
    uint64_t m = ot_mask(ot);
    uint64_t r = (dec ? a - 1 : a + 1) & m;
    bool cf = get_cf(s);
    set_cc(s, dec ? CC_OP_DEC : CC_OP_INC, ot, r, a & m, 1);
    s->cc_aux = cf;
    return r;
}

/* 40-4F (32/16-bit modes): INC/DEC r */
void op_incdec_r(X86TCG *s, const TCGInsn *d)
{
    int r = d->b & 7;
    uint64_t v = do_incdec(s, d->ot, get_reg(s, d->ot, r, 0), d->b & 8);
    set_reg(s, d->ot, r, 0, v);
}

/* FE/FF /0 /1: INC/DEC r/m */
void op_incdec_rm(X86TCG *s, const TCGInsn *d)
{
    CCSave old;
    uint64_t v;
    cc_save(s, &old);
    v = do_incdec(s, d->ot, ld_rm(s, d, d->ot), d->reg & 1);
    st_rm_cc(s, d, d->ot, v, &old);
}

/* ---- group 3: TEST/NOT/NEG/MUL/IMUL/DIV/IDIV ---- */

static void mul_flags(X86TCG *s, int ot, uint64_t lo, bool of)
{
    set_cc_szp(s, ot, lo, of ? CC_C | CC_O : 0);
}

static void do_div(X86TCG *s, int ot, uint64_t div, bool sign)
{
    uint64_t *r = s->env->regs;
    if (ot == 0) {
        uint16_t n = r[R_EAX];
        uint8_t dv = div;
        if (!dv) {
            x86_raise(s, EXCP00_DIVZ, 0, false);
        }
        if (sign) {
            int q = (int16_t)n / (int8_t)dv, m = (int16_t)n % (int8_t)dv;
            if (q != (int8_t)q) {
                x86_raise(s, EXCP00_DIVZ, 0, false);
            }
            set_reg(s, 1, R_EAX, 0, ((m & 0xff) << 8) | (q & 0xff));
        } else {
            unsigned q = n / dv, m = n % dv;
            if (q > 0xff) {
                x86_raise(s, EXCP00_DIVZ, 0, false);
            }
            set_reg(s, 1, R_EAX, 0, (m << 8) | q);
        }
        return;
    }
    if (ot == 3) {
        unsigned __int128 n = ((unsigned __int128)r[R_EDX] << 64) | r[R_EAX];
        if (!div) {
            x86_raise(s, EXCP00_DIVZ, 0, false);
        }
        if (sign) {
            __int128 sn = (__int128)n, q, m;
            if ((int64_t)div == -1 && n == (unsigned __int128)1 << 127) {
                x86_raise(s, EXCP00_DIVZ, 0, false);
            }
            q = sn / (int64_t)div;
            m = sn % (int64_t)div;
            if (q != (int64_t)q) {
                x86_raise(s, EXCP00_DIVZ, 0, false);
            }
            r[R_EAX] = (uint64_t)q;
            r[R_EDX] = (uint64_t)m;
        } else {
            unsigned __int128 q = n / div;
            if (q >> 64) {
                x86_raise(s, EXCP00_DIVZ, 0, false);
            }
            r[R_EAX] = (uint64_t)q;
            r[R_EDX] = (uint64_t)(n % div);
        }
        return;
    }
    {
        int bits = 8 << ot;
        uint64_t m = ot_mask(ot);
        uint64_t n = ((r[R_EDX] & m) << bits) | (r[R_EAX] & m);
        div &= m;
        if (!div) {
            x86_raise(s, EXCP00_DIVZ, 0, false);
        }
        if (sign) {
            int64_t sn = ot == 1 ? (int32_t)n : (int64_t)n;
            int64_t sd = ot_sext(ot, div);
            int64_t q, rem;
            if (sd == -1 && sn == INT64_MIN) {
                x86_raise(s, EXCP00_DIVZ, 0, false);
            }
            q = sn / sd;
            rem = sn % sd;
            if ((int64_t)ot_sext(ot, q) != q) {
                x86_raise(s, EXCP00_DIVZ, 0, false);
            }
            set_reg(s, ot, R_EAX, 0, q);
            set_reg(s, ot, R_EDX, 0, rem);
        } else {
            uint64_t q = n / div;
            if (q > m) {
                x86_raise(s, EXCP00_DIVZ, 0, false);
            }
            set_reg(s, ot, R_EAX, 0, q);
            set_reg(s, ot, R_EDX, 0, n % div);
        }
    }
}

void op_grp3(X86TCG *s, const TCGInsn *d)
{
    int ot = d->ot;
    uint64_t m = ot_mask(ot);
    uint64_t *r = s->env->regs;
    CCSave old;
    uint64_t v;

    cc_save(s, &old);
    v = ld_rm(s, d, ot);
    switch (d->reg & 7) {
    case 0:
    case 1:
        set_cc_logic(s, ot, v & d->imm & m);
        break;
    case 2:
        st_rm_cc(s, d, ot, ~v & m, &old);
        break;
    case 3:
        set_cc(s, CC_OP_SUB, ot, (0 - v) & m, 0, v);
        st_rm_cc(s, d, ot, (0 - v) & m, &old);
        break;
    case 4:     /* MUL */
        switch (ot) {
        case 0: {
            uint16_t p = (uint16_t)(r[R_EAX] & 0xff) * (uint8_t)v;
            set_reg(s, 1, R_EAX, 0, p);
            mul_flags(s, 0, p, p >> 8);
            break;
        }
        case 1:
        case 2: {
            uint64_t p = (r[R_EAX] & m) * v;
            set_reg(s, ot, R_EAX, 0, p);
            set_reg(s, ot, R_EDX, 0, p >> (8 << ot));
            mul_flags(s, ot, p, p >> (8 << ot));
            break;
        }
        default: {
            unsigned __int128 p = (unsigned __int128)r[R_EAX] * v;
            r[R_EAX] = (uint64_t)p;
            r[R_EDX] = (uint64_t)(p >> 64);
            mul_flags(s, 3, (uint64_t)p, r[R_EDX] != 0);
            break;
        }
        }
        break;
    case 5:     /* IMUL */
        switch (ot) {
        case 0: {
            int16_t p = (int16_t)(int8_t)r[R_EAX] * (int8_t)v;
            set_reg(s, 1, R_EAX, 0, (uint16_t)p);
            mul_flags(s, 0, p, p != (int8_t)p);
            break;
        }
        case 1:
        case 2: {
            int64_t p = (int64_t)ot_sext(ot, r[R_EAX]) *
                        (int64_t)ot_sext(ot, v);
            set_reg(s, ot, R_EAX, 0, p);
            set_reg(s, ot, R_EDX, 0, (uint64_t)p >> (8 << ot));
            mul_flags(s, ot, p, (int64_t)ot_sext(ot, p) != p);
            break;
        }
        default: {
            __int128 p = (__int128)(int64_t)r[R_EAX] * (int64_t)v;
            r[R_EAX] = (uint64_t)p;
            r[R_EDX] = (uint64_t)(p >> 64);
            mul_flags(s, 3, (uint64_t)p, p != (int64_t)p);
            break;
        }
        }
        break;
    case 6:
        do_div(s, ot, v, false);
        break;
    default:
        do_div(s, ot, v, true);
        break;
    }
}

/* 69/6B (Gv,Ev,imm) and 0F AF (Gv,Ev): signed multiply, truncated. */
void op_imul(X86TCG *s, const TCGInsn *d)
{
    int ot = d->ot;
    uint64_t a = ld_rm(s, d, ot);
    uint64_t b = d->map ? get_greg(s, d, ot) : d->imm;
    bool of;
    uint64_t lo;

    if (ot == 3) {
        __int128 p = (__int128)(int64_t)a * (int64_t)b;
        lo = (uint64_t)p;
        of = p != (int64_t)p;
    } else {
        int64_t p = (int64_t)ot_sext(ot, a) * (int64_t)ot_sext(ot, b);
        lo = p;
        of = (int64_t)ot_sext(ot, p) != p;
    }
    set_greg(s, d, ot, lo);
    mul_flags(s, ot, lo, of);
}

/* ---- group 2: rotates and shifts ---- */

static uint64_t do_shift(X86TCG *s, int op, int ot, uint64_t a, unsigned cnt)
{
    int w = 8 << ot;
    uint64_t m = ot_mask(ot), r;
    uint64_t msb = 1ULL << (w - 1);
    uint32_t f;
    bool cf;

    a &= m;
    cnt &= ot == 3 ? 0x3f : 0x1f;
    if (!cnt) {
        return a;
    }
    switch (op) {
    case 0:     /* ROL */
    case 1: {   /* ROR */
        unsigned c = cnt % w;
        uint32_t fl = x86_compute_eflags(s) & ~(CC_C | CC_O);
        if (op == 0) {
            r = c ? ((a << c) | (a >> (w - c))) & m : a;
            cf = r & 1;
            fl |= (cf ? CC_C : 0) | ((!!(r & msb) ^ cf) ? CC_O : 0);
        } else {
            r = c ? ((a >> c) | (a << (w - c))) & m : a;
            cf = !!(r & msb);
            fl |= (cf ? CC_C : 0) |
                  ((cf ^ !!(r & (msb >> 1))) ? CC_O : 0);
        }
        set_cc_eflags(s, fl);
        return r;
    }
    case 2:     /* RCL */
    case 3: {   /* RCR */
        unsigned c = ot <= 1 ? cnt % (w + 1) : cnt;
        uint32_t fl = x86_compute_eflags(s);
        bool oldc = fl & CC_C;
        cf = oldc;
        r = a;
        if (!c) {
            return a;
        }
        if (op == 2) {
            for (unsigned i = 0; i < c; i++) {
                bool out = !!(r & msb);
                r = ((r << 1) | cf) & m;
                cf = out;
            }
            fl &= ~(CC_C | CC_O);
            fl |= (cf ? CC_C : 0) | ((!!(r & msb) ^ cf) ? CC_O : 0);
        } else {
            bool of = !!(a & msb) ^ oldc;
            for (unsigned i = 0; i < c; i++) {
                bool out = r & 1;
                r = (r >> 1) | (cf ? msb : 0);
                cf = out;
            }
            fl &= ~(CC_C | CC_O);
            fl |= (cf ? CC_C : 0) | (of ? CC_O : 0);
            /* for counts > 1 hardware reports OF from the result */
            if (c != 1) {
                fl &= ~CC_O;
                fl |= (!!(r & msb) ^ !!(r & (msb >> 1))) ? CC_O : 0;
            }
        }
        set_cc_eflags(s, fl);
        return r;
    }
    case 4:     /* SHL */
    case 6:
        r = cnt < 64 ? (a << cnt) & m : 0;
        cf = cnt <= (unsigned)w ? (a >> (w - cnt)) & 1 : 0;
        f = (cf ? CC_C : 0) | ((!!(r & msb) ^ cf) ? CC_O : 0);
        break;
    case 5:     /* SHR */
        r = a >> cnt;
        cf = (a >> (cnt - 1)) & 1;
        f = (cf ? CC_C : 0) | ((a & msb) ? CC_O : 0);
        if (cnt != 1) {
            f &= ~CC_O;
        }
        break;
    default: {  /* SAR */
        int64_t sa = ot_sext(ot, a);
        unsigned c = cnt > 63 ? 63 : cnt;
        r = (uint64_t)(sa >> c) & m;
        cf = (sa >> (c - 1)) & 1;
        f = cf ? CC_C : 0;
        break;
    }
    }
    set_cc_szp(s, ot, r, f);
    return r;
}

/* C0/C1 (imm8), D0/D1 (1), D2/D3 (CL) */
void op_grp2(X86TCG *s, const TCGInsn *d)
{
    int ot = d->ot;
    unsigned cnt = d->b >= 0xd2 ? s->env->regs[R_ECX] & 0xff :
                   d->b >= 0xd0 ? 1 : (unsigned)d->imm & 0xff;
    CCSave old;
    uint64_t a, r;

    cc_save(s, &old);
    a = ld_rm(s, d, ot);
    r = do_shift(s, d->reg & 7, ot, a, cnt);
    if ((cnt & (ot == 3 ? 0x3f : 0x1f)) || d->mod == 3) {
        st_rm_cc(s, d, ot, r, &old);
    }
}

/* 0F A4/A5 SHLD, 0F AC/AD SHRD */
void op_shld(X86TCG *s, const TCGInsn *d)
{
    int ot = d->ot, w = 8 << ot;
    bool right = d->b >= 0xac;
    unsigned cnt = (d->b & 1) ? s->env->regs[R_ECX] & 0xff : d->imm & 0xff;
    uint64_t m = ot_mask(ot), msb = 1ULL << (w - 1);
    uint64_t a, b, r;
    CCSave old;
    bool cf;

    cnt &= ot == 3 ? 0x3f : 0x1f;
    cc_save(s, &old);
    a = ld_rm(s, d, ot);
    b = get_greg(s, d, ot);
    if (!cnt) {
        if (d->mod == 3) {
            st_rm_cc(s, d, ot, a, &old);
        }
        return;
    }
    if (ot == 3) {
        unsigned __int128 t;
        if (!right) {
            t = ((unsigned __int128)a << 64) | b;
            r = (uint64_t)((t << cnt) >> 64);
            cf = (a >> (64 - cnt)) & 1;
        } else {
            t = ((unsigned __int128)b << 64) | a;
            r = (uint64_t)(t >> cnt);
            cf = (a >> (cnt - 1)) & 1;
        }
    } else {
        /* 16-bit counts above 16 use a 48-bit dest:src:dest pattern */
        unsigned __int128 t;
        if (!right) {
            t = ((unsigned __int128)a << (2 * w)) | ((unsigned __int128)b << w) | a;
            r = (uint64_t)(t >> (2 * w - cnt)) & m;
            cf = (uint64_t)(t >> (3 * w - cnt)) & 1;
        } else {
            t = ((unsigned __int128)a << (2 * w)) | ((unsigned __int128)b << w) | a;
            r = (uint64_t)(t >> cnt) & m;
            cf = (uint64_t)(t >> (cnt - 1)) & 1;
        }
    }
    set_cc_szp(s, ot, r, (cf ? CC_C : 0) |
               ((!!(r & msb) ^ !!(a & msb)) ? CC_O : 0));
    st_rm_cc(s, d, ot, r, &old);
}

/* ---- bit operations ---- */

static void bt_common(X86TCG *s, const TCGInsn *d, int op, uint64_t off,
                      bool reg_off)
{
    int ot = d->ot, w = 8 << ot;
    uint64_t v, bit;
    uint32_t fl = x86_compute_eflags(s);

    if (d->mod == 3) {
        bit = off & (w - 1);
        v = get_reg(s, ot, d->rm, d->rex);
    } else {
        uint64_t ea = insn_ea(s, d);
        if (reg_off) {
            int64_t so = ot_sext(ot, off);
            ea += (uint64_t)((so >> (3 + ot)) << ot);
            ea &= amask(d->aflag);
        }
        bit = off & (w - 1);
        v = x86_ld(s, d->seg, ea, OPS_SIZE(ot));
        if (op) {
            uint64_t nv = op == 1 ? v | (1ULL << bit) :
                          op == 2 ? v & ~(1ULL << bit) : v ^ (1ULL << bit);
            x86_st(s, d->seg, ea, OPS_SIZE(ot), nv);
        }
        set_cc_eflags(s, (fl & ~CC_C) | ((v >> bit) & 1));
        return;
    }
    if (op) {
        uint64_t nv = op == 1 ? v | (1ULL << bit) :
                      op == 2 ? v & ~(1ULL << bit) : v ^ (1ULL << bit);
        set_reg(s, ot, d->rm, d->rex, nv);
    }
    set_cc_eflags(s, (fl & ~CC_C) | ((v >> bit) & 1));
}

/* 0F A3 BT, AB BTS, B3 BTR, BB BTC (register bit offset) */
void op_bt(X86TCG *s, const TCGInsn *d)
{
    int op = d->b == 0xa3 ? 0 : d->b == 0xab ? 1 : d->b == 0xb3 ? 2 : 3;
    bt_common(s, d, op, get_greg(s, d, d->ot), true);
}

/* 0F BA /4-/7 (imm8 bit offset) */
void op_grp8(X86TCG *s, const TCGInsn *d)
{
    if ((d->reg & 7) < 4) {
        x86_op_invalid(s, d);
        return;
    }
    bt_common(s, d, (d->reg & 7) - 4, d->imm & 0xff, false);
}

/* 0F BC BSF, BD BSR */
void op_bsf(X86TCG *s, const TCGInsn *d)
{
    int ot = d->ot;
    uint64_t v = ld_rm(s, d, ot) & ot_mask(ot);
    uint32_t fl = x86_compute_eflags(s) & ~CC_Z;
    if (!v) {
        set_cc_eflags(s, fl | CC_Z);
        return;
    }
    set_greg(s, d, ot, d->b == 0xbc ? __builtin_ctzll(v) : 63 - __builtin_clzll(v));
    set_cc_eflags(s, fl);
}

/* 0F C8-CF BSWAP */
void op_bswap(X86TCG *s, const TCGInsn *d)
{
    uint64_t *r = &s->env->regs[d->rm];
    if (d->ot == 3) {
        *r = __builtin_bswap64(*r);
    } else if (d->ot == 2) {
        *r = __builtin_bswap32((uint32_t)*r);
    } else {
        *r &= ~0xffffULL;       /* 16-bit BSWAP is undefined: zero */
    }
}

/* ---- exchanges ---- */

/* 86/87 XCHG r/m, r */
void op_xchg(X86TCG *s, const TCGInsn *d)
{
    int ot = d->ot;
    uint64_t a = ld_rm(s, d, ot), b = get_greg(s, d, ot);
    st_rm(s, d, ot, b);
    set_greg(s, d, ot, a);
}

/* 91-97 XCHG eAX, r (90 is NOP/PAUSE unless REX.B) */
void op_xchg_ax(X86TCG *s, const TCGInsn *d)
{
    int ot = d->ot;
    uint64_t a, b;
    if (d->rm == 0) {
        if ((d->prefix & PREFIX_REPZ) && x86_tcg_pause_yields()) {
            /*
             * PAUSE is a spin-wait hint: with one thread running every
             * vCPU in turn, the lock holder it waits for runs only when
             * this vCPU gives up its slice.  (Alone, it is a NOP.)
             */
            s->block_end = true;
            s->pause_yield = true;
            x86_jit_kick(s);
        }
        return;     /* 90: NOP, no zero-extension of RAX */
    }
    a = get_reg(s, ot, R_EAX, 0);
    b = get_reg(s, ot, d->rm, 0);
    set_reg(s, ot, R_EAX, 0, b);
    set_reg(s, ot, d->rm, 0, a);
}

/* 0F C0/C1 XADD */
void op_xadd(X86TCG *s, const TCGInsn *d)
{
    int ot = d->ot;
    CCSave old;
    uint64_t a, b, r;
    cc_save(s, &old);
    a = ld_rm(s, d, ot);
    b = get_greg(s, d, ot);
    r = alu(s, 0, ot, a, b);
    if (d->mod == 3) {
        set_greg(s, d, ot, a);
        set_reg(s, ot, d->rm, d->rex, r);
    } else {
        st_rm_cc(s, d, ot, r, &old);
        set_greg(s, d, ot, a);
    }
}

/* 0F B0/B1 CMPXCHG */
void op_cmpxchg(X86TCG *s, const TCGInsn *d)
{
    int ot = d->ot;
    CCSave old;
    uint64_t acc = get_reg(s, ot, R_EAX, 0);
    uint64_t v;
    cc_save(s, &old);
    v = ld_rm(s, d, ot);
    alu(s, 7, ot, acc, v);
    if ((acc & ot_mask(ot)) == (v & ot_mask(ot))) {
        st_rm_cc(s, d, ot, get_greg(s, d, ot), &old);
    } else {
        /*
         * The destination is written back even when the comparison fails:
         * a locked memory cycle, and a 32-bit register is zero-extended.
         */
        st_rm_cc(s, d, ot, v, &old);
        set_reg(s, ot, R_EAX, 0, v);
    }
}

/* 0F C7 /1 CMPXCHG8B / CMPXCHG16B; other group 9 forms are #UD. */
void op_grp9(X86TCG *s, const TCGInsn *d)
{
    uint64_t *r = s->env->regs;
    uint64_t ea;
    uint32_t fl;

    if ((d->reg & 7) != 1 || d->mod == 3) {
        x86_op_invalid(s, d);
        return;
    }
    ea = insn_ea(s, d);
    fl = x86_compute_eflags(s) & ~CC_Z;
    if (d->rex & 8) {
        uint64_t lo, hi;
        if (ea & 15) {
            x86_raise_gp(s, 0);
        }
        lo = x86_ld(s, d->seg, ea, 8);
        hi = x86_ld(s, d->seg, ea + 8, 8);
        if (lo == r[R_EAX] && hi == r[R_EDX]) {
            x86_st(s, d->seg, ea, 8, r[R_EBX]);
            x86_st(s, d->seg, ea + 8, 8, r[R_ECX]);
            fl |= CC_Z;
        } else {
            x86_st(s, d->seg, ea, 8, lo);
            x86_st(s, d->seg, ea + 8, 8, hi);
            r[R_EAX] = lo;
            r[R_EDX] = hi;
        }
    } else {
        uint64_t v = x86_ld(s, d->seg, ea, 8);
        uint64_t cmp = ((r[R_EDX] & 0xffffffff) << 32) | (uint32_t)r[R_EAX];
        if (v == cmp) {
            x86_st(s, d->seg, ea, 8,
                   ((r[R_ECX] & 0xffffffff) << 32) | (uint32_t)r[R_EBX]);
            fl |= CC_Z;
        } else {
            x86_st(s, d->seg, ea, 8, v);
            r[R_EAX] = (uint32_t)v;
            r[R_EDX] = v >> 32;
        }
    }
    set_cc_eflags(s, fl);
}

/* ---- moves with extension, conversions ---- */

/* 0F B6/B7 MOVZX, 0F BE/BF MOVSX */
void op_movx(X86TCG *s, const TCGInsn *d)
{
    int sot = d->b & 1 ? 1 : 0;
    uint64_t v = ld_rm(s, d, sot);
    if (d->b >= 0xbe) {
        v = ot_sext(sot, v);
    }
    set_greg(s, d, d->ot, v);
}

/* 63: MOVSXD in 64-bit mode, ARPL elsewhere */
void op_movsxd(X86TCG *s, const TCGInsn *d)
{
    if (s->code64) {
        uint64_t v = ld_rm(s, d, 2);
        set_greg(s, d, d->ot, d->ot == 3 ? (uint64_t)(int32_t)v : v);
        return;
    }
    /* ARPL r/m16, r16 */
    if (!s->pe || (s->env->eflags & VM_MASK)) {
        x86_raise_ud(s);
    }
    {
        CCSave old;
        uint64_t dst, src;
        uint32_t fl;
        cc_save(s, &old);
        dst = ld_rm(s, d, 1);
        src = get_greg(s, d, 1);
        fl = x86_compute_eflags(s) & ~CC_Z;
        if ((dst & 3) < (src & 3)) {
            dst = (dst & ~3ULL) | (src & 3);
            set_cc_eflags(s, fl | CC_Z);
            st_rm_cc(s, d, 1, dst, &old);
        } else {
            set_cc_eflags(s, fl);
        }
    }
}

/* 98: CBW/CWDE/CDQE */
void op_cbw(X86TCG *s, const TCGInsn *d)
{
    int ot = d->ot;
    set_reg(s, ot, R_EAX, 0, ot_sext(ot - 1, s->env->regs[R_EAX]));
}

/* 99: CWD/CDQ/CQO */
void op_cwd(X86TCG *s, const TCGInsn *d)
{
    int ot = d->ot;
    uint64_t a = get_reg(s, ot, R_EAX, 0);
    set_reg(s, ot, R_EDX, 0, (a >> ((8 << ot) - 1)) & 1 ? ~0ULL : 0);
}

/* 9E SAHF, 9F LAHF */
void op_sahf(X86TCG *s, const TCGInsn *d)
{
    uint64_t *r = s->env->regs;
    uint32_t fl = x86_compute_eflags(s);
    if (d->b == 0x9e) {
        uint32_t ah = (r[R_EAX] >> 8) & (CC_S | CC_Z | CC_A | CC_P | CC_C);
        set_cc_eflags(s, (fl & CC_O) | ah);
    } else {
        uint32_t v = (fl & (CC_S | CC_Z | CC_A | CC_P | CC_C)) | 2;
        r[R_EAX] = (r[R_EAX] & ~0xff00ULL) | (v << 8);
    }
}

/* F5 CMC, F8 CLC, F9 STC */
void op_carry(X86TCG *s, const TCGInsn *d)
{
    uint32_t fl = x86_compute_eflags(s);
    switch (d->b) {
    case 0xf5: fl ^= CC_C; break;
    case 0xf8: fl &= ~CC_C; break;
    default: fl |= CC_C; break;
    }
    set_cc_eflags(s, fl);
}

/* FC CLD, FD STD */
void op_dir(X86TCG *s, const TCGInsn *d)
{
    if (d->b == 0xfc) {
        s->env->eflags &= ~(uint64_t)DF_MASK;
    } else {
        s->env->eflags |= DF_MASK;
    }
}

/* 0F 90-9F SETcc */
void op_setcc(X86TCG *s, const TCGInsn *d)
{
    st_rm(s, d, 0, x86_cond(s, d->b & 15));
}

/* 0F 40-4F CMOVcc (the source is read even when false) */
void op_cmov(X86TCG *s, const TCGInsn *d)
{
    uint64_t v = ld_rm(s, d, d->ot);
    if (x86_cond(s, d->b & 15)) {
        set_greg(s, d, d->ot, v);
    } else if (d->ot == 2) {
        set_greg(s, d, 2, get_greg(s, d, 2));   /* zero-extends anyway */
    }
}

/* ---- BCD (not in 64-bit mode) ---- */

void op_bcd(X86TCG *s, const TCGInsn *d)
{
    uint64_t *r = s->env->regs;
    uint32_t fl = x86_compute_eflags(s);
    uint8_t al = r[R_EAX], ah = r[R_EAX] >> 8;
    bool cf = fl & CC_C, af = fl & CC_A;
    uint32_t nf = 0;

    switch (d->b) {
    case 0x27:      /* DAA */
    case 0x2f: {    /* DAS */
        uint8_t old = al;
        bool das = d->b == 0x2f;
        if ((al & 0xf) > 9 || af) {
            al = das ? al - 6 : al + 6;
            nf |= CC_A;
        }
        if (old > 0x99 || cf) {
            al = das ? al - 0x60 : al + 0x60;
            nf |= CC_C;
        }
        r[R_EAX] = (r[R_EAX] & ~0xffULL) | al;
        set_cc_szp(s, 0, al, nf);
        return;
    }
    case 0x37:      /* AAA */
    case 0x3f: {    /* AAS */
        bool aas = d->b == 0x3f;
        uint16_t ax = r[R_EAX] & 0xffff;
        if ((al & 0xf) > 9 || af) {
            ax = aas ? ax - 6 : ax + 0x106;
            if (aas) {
                ax = (ax & 0xff) | (((ax >> 8) - 1) << 8);
            }
            nf = CC_A | CC_C;
        }
        ax &= 0xff0f;
        r[R_EAX] = (r[R_EAX] & ~0xffffULL) | ax;
        set_cc_szp(s, 0, ax & 0xff, nf);
        return;
    }
    case 0xd4: {    /* AAM */
        uint8_t base = d->imm;
        if (!base) {
            x86_raise(s, EXCP00_DIVZ, 0, false);
        }
        ah = al / base;
        al = al % base;
        break;
    }
    default:        /* D5 AAD */
        al = (uint8_t)(al + ah * (uint8_t)d->imm);
        ah = 0;
        break;
    }
    r[R_EAX] = (r[R_EAX] & ~0xffffULL) | ((uint16_t)ah << 8) | al;
    set_cc_logic(s, 0, al);
}
