/*
 * x87 instructions of the software CPU (Intel SDM vol. 1 ch. 8, vol. 2
 * FADD..FYL2XP1): the D8-DF escapes, stack faults, exception flags with a
 * pending #MF, FWAIT.  Arithmetic runs on the host's x87 unit
 * (fpu-host.c); images and FXSAVE are in fpu-state.c.  Not modelled:
 * IRQ13/FERR# (an unmasked exception always raises #MF with CR0.NE clear
 * too) and the FPU data-pointer selectors.
 *
 * env->fpregs[i] holds ST(i) (the FXSAVE order, as KVM syncs it); changing
 * TOP rotates the array.  env->fptag_abridged is indexed by physical register.
 */
#include "target/x86/tcg/ops.h"
#include "target/x86/tcg/ops-fpu.h"

static const X86FPReg fp_indefinite = { 0xc000000000000000ULL, 0xffff };

/* ---- register stack ---- */

static inline bool fp_empty(CPUX86State *env, int i)
{
    return !((env->fptag_abridged >> ((x86_fpu_top(env) + i) & 7)) & 1);
}

static inline void fp_set_tag(CPUX86State *env, int i, bool valid)
{
    int p = (x86_fpu_top(env) + i) & 7;
    if (valid) {
        env->fptag_abridged |= 1 << p;
    } else {
        env->fptag_abridged &= ~(1 << p);
    }
}

static void fp_pop(CPUX86State *env)
{
    fp_set_tag(env, 0, false);
    x86_fpu_set_top(env, (x86_fpu_top(env) + 1) & 7);
}

/* Write ST(i) and tag it valid. */
static void fp_write(CPUX86State *env, int i, const X86FPReg *v)
{
    env->fpregs[i] = *v;
    fp_set_tag(env, i, true);
}

/* ---- exceptions ---- */

/*
 * Record exception flags @ex (IE..PE, SF).  Returns true when one of them
 * is unmasked: the instruction then leaves its destination alone and the
 * next waiting x87 instruction raises #MF.
 */
static bool fp_raise(CPUX86State *env, uint16_t ex)
{
    env->fpus |= ex & 0x7f;
    if (ex & ~env->fpuc & 0x3f) {
        env->fpus |= FPUS_ES | FPUS_B;
        return true;
    }
    return false;
}

/* Stack underflow (read of an empty register): C1 = 0. */
static bool fp_underflow(CPUX86State *env)
{
    env->fpus &= ~FPUS_C1;
    return fp_raise(env, FPUS_IE | FPUS_SF);
}

/* Stack overflow (push onto a full register): C1 = 1. */
static bool fp_overflow(CPUX86State *env)
{
    env->fpus |= FPUS_C1;
    return fp_raise(env, FPUS_IE | FPUS_SF);
}

/* Push @v, handling overflow (masked: the indefinite QNaN is pushed). */
static void fp_push(CPUX86State *env, const X86FPReg *v)
{
    if (!fp_empty(env, 7)) {
        if (fp_overflow(env)) {
            return;
        }
        v = &fp_indefinite;
    }
    x86_fpu_set_top(env, (x86_fpu_top(env) - 1) & 7);
    env->fpregs[0] = *v;
    fp_set_tag(env, 0, true);
}

/* #NM for CR0.EM/TS, then #MF for a pending unmasked exception. */
void x86_fpu_check(X86TCG *s, bool waiting)
{
    CPUX86State *env = s->env;
    if (env->cr[0] & (CR0_EM_MASK | CR0_TS_MASK)) {
        x86_raise(s, EXCP07_PREX, 0, false);
    }
    if (waiting) {
        x86_fpu_check_pending(s);
    }
}

void x86_fpu_check_pending(X86TCG *s)
{
    if (s->env->fpus & FPUS_ES) {
        /* FERR#/IRQ13 (CR0.NE = 0) is not wired: always #MF */
        x86_raise(s, EXCP10_COPR, 0, false);
    }
}

/* 9B: FWAIT */
void op_fwait(X86TCG *s, const TCGInsn *d)
{
    uint64_t cr0 = s->env->cr[0];
    if ((cr0 & (CR0_TS_MASK | CR0_MP_MASK)) ==
        (CR0_TS_MASK | CR0_MP_MASK)) {
        x86_raise(s, EXCP07_PREX, 0, false);
    }
    x86_fpu_check_pending(s);
}

/* ---- guest memory ---- */

static void fp_ld_mem(X86TCG *s, const TCGInsn *d, uint64_t ea, int n,
                      uint8_t *buf)
{
    uint64_t lo = x86_ld(s, d->seg, ea, n > 8 ? 8 : n);
    memcpy(buf, &lo, 8);
    if (n > 8) {
        uint16_t hi = x86_ld(s, d->seg, ea + 8, 2);
        memcpy(buf + 8, &hi, 2);
    }
}

static void fp_st_mem(X86TCG *s, const TCGInsn *d, uint64_t ea, int n,
                      const uint8_t *buf)
{
    uint64_t lo = 0;
    memcpy(&lo, buf, n > 8 ? 8 : n);
    if (n > 8) {
        uint16_t hi;
        /* probe the last bytes first so a fault leaves memory untouched */
        (void)x86_ld(s, d->seg, ea + 8, 2);
        memcpy(&hi, buf + 8, 2);
        x86_st(s, d->seg, ea, 8, lo);
        x86_st(s, d->seg, ea + 8, 2, hi);
    } else {
        x86_st(s, d->seg, ea, n, lo);
    }
}

/* ---- operations ---- */

/*
 * Apply the host status word of an operation: exception flags and the C
 * bits in @cmask.  An unmasked pre-computation exception (invalid
 * operand, denormal, divide by zero) stops the instruction before it
 * computes anything: only those flags are reported and true is returned
 * (the destination must not be written).  Unmasked overflow and underflow
 * were handled by the host itself (biased exponent), like hardware.
 */
static bool fp_host_status(CPUX86State *env, uint16_t sw, uint16_t cmask)
{
    uint16_t pre = sw & (FPUS_IE | FPUS_DE | FPUS_ZE);

    if (pre & ~env->fpuc) {
        env->fpus &= ~FPUS_C1;          /* as measured */
        fp_raise(env, pre | (sw & FPUS_SF));
        return true;
    }
    env->fpus = (env->fpus & ~cmask) | (sw & cmask);
    fp_raise(env, sw & 0x3f);
    return false;
}

/* Arithmetic op 0..7 (ADD MUL COM COMP SUB SUBR DIV DIVR) on ST(dst) and
 * @src; @rev swaps SUB/SUBR and DIV/DIVR (the DC/DE register forms). */
static const uint8_t arith_hx[8] = {
    HX_ADD, HX_MUL, HX_COM, HX_COM, HX_SUB, HX_SUBR, HX_DIV, HX_DIVR
};

static void fp_compare(CPUX86State *env, const X86FPReg *x, bool x_empty,
                       const X86FPReg *y, bool y_empty, bool unordered_ok,
                       int pops)
{
    X86FPReg a = *x, b = *y;
    bool fault;

    if (x_empty || y_empty) {
        fault = fp_underflow(env);
        env->fpus |= FPUS_C0 | FPUS_C2 | FPUS_C3;     /* even unmasked */
    } else {
        uint16_t sw = x87_host_op(env, unordered_ok ? HX_UCOM : HX_COM, &a, &b);
        /* the condition codes are set even for an unmasked exception */
        env->fpus = (env->fpus & ~FPUS_CC) |
                    (sw & (FPUS_C0 | FPUS_C2 | FPUS_C3));
        fault = fp_raise(env, sw & 0x3f);
    }
    /* an unmasked exception leaves the stack as it was */
    while (!fault && pops-- > 0) {
        fp_pop(env);
    }
}

static void fp_arith(CPUX86State *env, int op, int dst, const X86FPReg *src,
                     bool src_empty, uint16_t pre_sw, int pops)
{
    if (op == 2 || op == 3) {
        /* load exceptions of the memory operand first */
        if (fp_raise(env, pre_sw & 0x3f)) {
            return;
        }
        fp_compare(env, &env->fpregs[0], fp_empty(env, 0), src, src_empty,
                   false, op == 3);
        return;
    }
    if (fp_empty(env, dst) || src_empty) {
        if (!fp_underflow(env)) {
            fp_write(env, dst, &fp_indefinite);
        } else {
            return;
        }
    } else {
        X86FPReg a = env->fpregs[dst], b = *src;
        uint16_t sw = x87_host_op(env, arith_hx[op], &a, &b);
        sw |= pre_sw & 0x3f;
        if (fp_host_status(env, sw, FPUS_C1)) {
            return;
        }
        env->fpregs[dst] = a;
    }
    while (pops-- > 0) {
        fp_pop(env);
    }
}

/* Store ST(0) to memory in format @fm; pop if @pop. */
static void fp_store(X86TCG *s, const TCGInsn *d, uint64_t ea, int fm,
                     bool pop)
{
    CPUX86State *env = s->env;
    uint8_t buf[10];
    uint16_t sw;

    if (fp_empty(env, 0)) {
        if (fp_underflow(env)) {
            return;
        }
        sw = x87_host_store(env, fm, &fp_indefinite, buf);
        sw &= ~0x3f;
    } else {
        sw = x87_host_store(env, fm, &env->fpregs[0], buf);
    }
    /* unmasked invalid, overflow or underflow: memory is not written */
    if (sw & ~env->fpuc & (FPUS_IE | FPUS_DE | FPUS_OE | FPUS_UE)) {
        fp_host_status(env, sw, FPUS_C1);
        return;
    }
    fp_st_mem(s, d, ea, x87_fm_size[fm], buf);
    fp_host_status(env, sw, FPUS_C1);
    if (pop) {
        fp_pop(env);
    }
}

static void fp_load(X86TCG *s, const TCGInsn *d, uint64_t ea, int fm)
{
    CPUX86State *env = s->env;
    uint8_t buf[10];
    X86FPReg v;
    uint16_t sw;

    fp_ld_mem(s, d, ea, x87_fm_size[fm], buf);
    sw = x87_host_load(env, fm, buf, &v);
    if (!fp_empty(env, 7)) {
        fp_push(env, &v);       /* overflow */
        return;
    }
    env->fpus &= ~FPUS_C1;
    /* an unmasked denormal still loads; an unmasked SNaN does not */
    if (fp_raise(env, sw & 0x3f) && (sw & ~env->fpuc & FPUS_IE)) {
        return;
    }
    fp_push(env, &v);
}

/* ---- register-form dispatch ---- */

static bool fcmov_cond(X86TCG *s, int esc, int r)
{
    static const uint8_t cc[4] = { 2, 4, 6, 10 };  /* B, E, BE, P */
    bool c = x86_cond(s, cc[r & 3]);
    return esc == 3 ? !c : c;
}

static void fp_unary(CPUX86State *env, int hx)
{
    X86FPReg a, b = { 0, 0 };
    uint16_t sw;

    if (hx == HX_SIN || hx == HX_COS) {
        env->fpus &= ~FPUS_C2;      /* "in range" unless the host says */
    }
    if (fp_empty(env, 0)) {
        if (!fp_underflow(env)) {
            fp_write(env, 0, &fp_indefinite);
        }
        return;
    }
    a = env->fpregs[0];
    sw = x87_host_op(env, hx, &a, &b);
    if (fp_host_status(env, sw, (hx == HX_SIN || hx == HX_COS) ?
                                           FPUS_C1 | FPUS_C2 : FPUS_C1)) {
        return;
    }
    env->fpregs[0] = a;
}

/* FPATAN, FYL2X, FYL2XP1: ST(1) = f(ST(1), ST(0)), pop. */
static void fp_binary_pop(CPUX86State *env, int hx)
{
    X86FPReg a, b;
    uint16_t sw;

    if (fp_empty(env, 0) || fp_empty(env, 1)) {
        if (fp_underflow(env)) {
            return;
        }
        fp_write(env, 1, &fp_indefinite);
    } else {
        a = env->fpregs[0];
        b = env->fpregs[1];
        sw = x87_host_op(env, hx, &a, &b);
        if (fp_host_status(env, sw, FPUS_C1)) {
            return;
        }
        env->fpregs[1] = a;
    }
    fp_pop(env);
}

static bool fp_is_nan(const X86FPReg *r)
{
    return (r->exp & 0x7fff) == 0x7fff && (r->mant << 1);
}

/* FPREM, FPREM1, FSCALE: ST(0) = f(ST(0), ST(1)). */
static void fp_binary(CPUX86State *env, int hx)
{
    X86FPReg a, b;
    uint16_t sw;

    if (hx != HX_SCALE) {
        env->fpus &= ~FPUS_C2;      /* FPREM: "complete" unless computed */
    }
    if (fp_empty(env, 0) || fp_empty(env, 1)) {
        if (!fp_underflow(env)) {
            fp_write(env, 0, &fp_indefinite);
        }
        return;
    }
    a = env->fpregs[0];
    b = env->fpregs[1];
    sw = x87_host_op(env, hx, &a, &b);
    /*
     * FPREM sets C0-C3 (C2: partial; C0, C3, C1: quotient bits) but with
     * invalid or NaN operands only C1 and C2 are cleared (measured);
     * FSCALE defines only C1.
     */
    if (fp_host_status(env, sw, hx == HX_SCALE ? FPUS_C1 :
                       ((sw & FPUS_IE) || fp_is_nan(&a)) ? FPUS_C1 :
                       FPUS_CC)) {
        return;
    }
    env->fpregs[0] = a;
}

/* FST/FSTP ST(i): ST(i) = ST(0) (stack underflow: the indefinite), then pop. */
static void fst_sti(CPUX86State *env, int i, bool pop)
{
    if (fp_empty(env, 0)) {
        if (fp_underflow(env)) {
            return;
        }
        fp_write(env, i, &fp_indefinite);
    } else {
        env->fpus &= ~FPUS_C1;
        env->fpregs[i] = env->fpregs[0];
    }
    fp_set_tag(env, i, true);
    if (pop) {
        fp_pop(env);
    }
}

/* FPTAN, FSINCOS, FXTRACT: replace ST(0) and push a second result. */
static void fp_unary_push(CPUX86State *env, int hx)
{
    X86FPReg a, b = { 0, 0 };
    uint16_t sw;

    if (hx != HX_XTRACT) {
        env->fpus &= ~FPUS_C2;      /* "in range" unless the host says */
    }
    if (fp_empty(env, 0)) {
        if (!fp_underflow(env)) {
            fp_write(env, 0, &fp_indefinite);
            fp_push(env, &fp_indefinite);
        }
        return;
    }
    if (!fp_empty(env, 7)) {
        if (!fp_overflow(env)) {
            fp_write(env, 0, &fp_indefinite);
            fp_push(env, &fp_indefinite);
        }
        return;
    }
    a = env->fpregs[0];
    sw = x87_host_op(env, hx, &a, &b);
    if (hx != HX_XTRACT && (sw & FPUS_C2)) {
        /* operand out of range: nothing changes but C1 = 0, C2 = 1 */
        env->fpus = (env->fpus & ~FPUS_C1) | FPUS_C2;
        return;
    }
    if (fp_host_status(env, sw, hx == HX_XTRACT ? FPUS_C1
                                                : FPUS_C1 | FPUS_C2)) {
        return;
    }
    /* host stored new ST(0) in a and new ST(1) in b */
    env->fpregs[0] = b;
    fp_push(env, &a);
}

static void fpu_reg(X86TCG *s, const TCGInsn *d, int esc, int r, int i)
{
    CPUX86State *env = s->env;
    X86FPReg v;

    switch (esc) {
    case 0:         /* D8: ST(0) = ST(0) op ST(i) */
        fp_arith(env, r, 0, &env->fpregs[i], fp_empty(env, i), 0, r == 3);
        return;
    case 4:         /* DC: ST(i) = ST(i) op ST(0) */
    case 6:         /* DE: same, then pop */
        if (r == 2 || r == 3) {
            if (esc == 6 && r == 3) {
                if (i != 1) {
                    break;
                }
                fp_compare(env, &env->fpregs[0], fp_empty(env, 0),
                           &env->fpregs[1], fp_empty(env, 1), false, 2);
                return;
            }
            /* DC D0/D8, DE D0: aliases of FCOM/FCOMP */
            fp_compare(env, &env->fpregs[0], fp_empty(env, 0),
                       &env->fpregs[i], fp_empty(env, i), false,
                       r == 3 || esc == 6);
            return;
        }
        fp_arith(env, r >= 4 ? r ^ 1 : r, i, &env->fpregs[0],
                 fp_empty(env, 0), 0, esc == 6);
        return;
    case 1:
        switch (r) {
        case 0:     /* FLD ST(i) */
            if (fp_empty(env, i)) {
                if (fp_underflow(env)) {
                    return;
                }
                fp_push(env, &fp_indefinite);
                return;
            }
            v = env->fpregs[i];
            env->fpus &= ~FPUS_C1;
            fp_push(env, &v);
            return;
        case 1:     /* FXCH */
            goto fxch;
        case 2:
            if (i == 0) {
                return;     /* FNOP */
            }
            break;
        case 3:
            /*
             * D9 D8+i, undocumented FSTP alias: an empty ST(0) is just
             * popped, without a stack-underflow check (measured on hardware)
             */
            env->fpus &= ~FPUS_C1;
            if (!fp_empty(env, 0)) {
                fp_write(env, i, &env->fpregs[0]);
            }
            fp_pop(env);
            return;
        case 4:
            switch (i) {
            case 0:         /* FCHS */
            case 1:         /* FABS */
                if (fp_empty(env, 0)) {
                    if (!fp_underflow(env)) {
                        fp_write(env, 0, &fp_indefinite);
                    }
                    return;
                }
                env->fpus &= ~FPUS_C1;
                if (i == 0) {
                    env->fpregs[0].exp ^= 0x8000;
                } else {
                    env->fpregs[0].exp &= 0x7fff;
                }
                return;
            case 4:         /* FTST */
                if (fp_empty(env, 0)) {
                    fp_underflow(env);
                    env->fpus |= FPUS_C0 | FPUS_C2 | FPUS_C3;
                    return;
                } else {
                    X86FPReg a = env->fpregs[0], b;
                    uint16_t sw = x87_host_op(env, HX_TST, &a, &b);
                    env->fpus = (env->fpus & ~FPUS_CC) | (sw & FPUS_CC);
                    fp_raise(env, sw & 0x3f);
                }
                return;
            case 5:         /* FXAM */
                if (fp_empty(env, 0)) {
                    env->fpus = (env->fpus & ~FPUS_CC) | FPUS_C3 | FPUS_C0 |
                                ((env->fpregs[0].exp & 0x8000) ? FPUS_C1 : 0);
                } else {
                    X86FPReg a = env->fpregs[0], b;
                    uint16_t sw = x87_host_op(env, HX_XAM, &a, &b);
                    env->fpus = (env->fpus & ~FPUS_CC) | (sw & FPUS_CC);
                }
                return;
            }
            break;
        case 5:
            if (i == 7) {
                break;
            } else {
                X86FPReg a, b;
                uint16_t sw = x87_host_op(env, HX_LD1 + i, &a, &b);
                (void)sw;
                env->fpus &= ~FPUS_C1;
                fp_push(env, &a);
            }
            return;
        case 6:
            switch (i) {
            case 0: fp_unary(env, HX_2XM1); return;
            case 1: fp_binary_pop(env, HX_YL2X); return;
            case 2: fp_unary_push(env, HX_TAN); return;
            case 3: fp_binary_pop(env, HX_ATAN); return;
            case 4: fp_unary_push(env, HX_XTRACT); return;
            case 5: fp_binary(env, HX_PREM1); return;
            case 6:         /* FDECSTP */
                env->fpus &= ~FPUS_C1;
                x86_fpu_set_top(env, (x86_fpu_top(env) - 1) & 7);
                return;
            case 7:         /* FINCSTP */
                env->fpus &= ~FPUS_C1;
                x86_fpu_set_top(env, (x86_fpu_top(env) + 1) & 7);
                return;
            }
            break;
        case 7:
            switch (i) {
            case 0: fp_binary(env, HX_PREM); return;
            case 1: fp_binary_pop(env, HX_YL2XP1); return;
            case 2: fp_unary(env, HX_SQRT); return;
            case 3: fp_unary_push(env, HX_SINCOS); return;
            case 4: fp_unary(env, HX_RNDINT); return;
            case 5: fp_binary(env, HX_SCALE); return;
            case 6: fp_unary(env, HX_SIN); return;
            case 7: fp_unary(env, HX_COS); return;
            }
            break;
        }
        break;
    case 2:
        if (r < 4) {        /* FCMOVB/E/BE/U */
            goto fcmov;
        }
        if (r == 5 && i == 1) {     /* FUCOMPP */
            fp_compare(env, &env->fpregs[0], fp_empty(env, 0),
                       &env->fpregs[1], fp_empty(env, 1), true, 2);
            return;
        }
        break;
    case 3:
        if (r < 4) {        /* FCMOVNB/NE/NBE/NU */
            goto fcmov;
        }
        if (r == 4) {
            switch (i) {
            case 0: case 1: case 4:     /* FENI, FDISI, FSETPM: no-ops */
                return;
            case 2:                     /* FNCLEX */
                env->fpus &= ~(0x00ff | FPUS_B);
                return;
            case 3:                     /* FNINIT */
                x86_fpu_init(env);
                return;
            }
            break;
        }
        if (r == 5 || r == 6) {         /* FUCOMI, FCOMI */
            goto fcomi;
        }
        break;
    case 5:
        switch (r) {
        case 0:     /* FFREE */
            env->fpus &= ~FPUS_C1;
            fp_set_tag(env, i, false);
            return;
        case 1:     /* alias of FXCH */
            goto fxch;
        case 2:     /* FST ST(i) */
        case 3:     /* FSTP ST(i) */
            fst_sti(env, i, r == 3);
            return;
        case 4:     /* FUCOM */
        case 5:     /* FUCOMP */
            fp_compare(env, &env->fpregs[0], fp_empty(env, 0),
                       &env->fpregs[i], fp_empty(env, i), true, r == 5);
            return;
        }
        break;
    case 7:
        switch (r) {
        case 0:     /* FFREEP */
            env->fpus &= ~FPUS_C1;
            fp_set_tag(env, i, false);
            fp_pop(env);
            return;
        case 1:
            goto fxch;
        case 2:
        case 3:
            goto fstp_reg;
        case 4:
            if (i == 0) {   /* FNSTSW AX */
                set_reg(s, 1, R_EAX, 0, env->fpus);
                return;
            }
            break;
        case 5:             /* FUCOMIP */
        case 6:             /* FCOMIP */
            goto fcomi;
        }
        break;
    }
    x86_op_invalid(s, d);
    return;

fxch:
    {
        X86FPReg a, b;
        if (fp_empty(env, 0) || fp_empty(env, i)) {
            if (fp_underflow(env)) {
                return;
            }
            a = fp_empty(env, 0) ? fp_indefinite : env->fpregs[0];
            b = fp_empty(env, i) ? fp_indefinite : env->fpregs[i];
            fp_set_tag(env, 0, true);
            fp_set_tag(env, i, true);
        } else {
            env->fpus &= ~FPUS_C1;
            a = env->fpregs[0];
            b = env->fpregs[i];
        }
        env->fpregs[0] = b;
        env->fpregs[i] = a;
        return;
    }
fstp_reg:
    fst_sti(env, i, true);
    return;
fcmov:
    if (fp_empty(env, 0) || fp_empty(env, i)) {
        if (!fp_underflow(env)) {
            fp_write(env, 0, &fp_indefinite);
            fp_set_tag(env, 0, true);
        }
        return;
    }
    if (fcmov_cond(s, esc, r)) {        /* C1 is left alone (measured) */
        env->fpregs[0] = env->fpregs[i];
    }
    return;
fcomi:
    {
        bool unordered_ok = r == 5;
        uint32_t fl = 0;
        bool fault;
        if (fp_empty(env, 0) || fp_empty(env, i)) {
            fault = fp_underflow(env);
            fl = CC_Z | CC_P | CC_C;
        } else {
            X86FPReg a = env->fpregs[0], b = env->fpregs[i];
            uint16_t sw = x87_host_op(env, unordered_ok ? HX_UCOM : HX_COM,
                                   &a, &b);
            /* C0-C3 are left alone (measured; the SDM says C1 = 0) */
            fault = fp_raise(env, sw & 0x3f);
            fl = ((sw & FPUS_C3) ? CC_Z : 0) | ((sw & FPUS_C2) ? CC_P : 0) |
                 ((sw & FPUS_C0) ? CC_C : 0);
        }
        set_cc_eflags(s, fl);           /* even for an unmasked exception */
        if (esc == 7 && !fault) {
            fp_pop(env);
        }
        return;
    }
}

/* ---- memory-form dispatch ---- */

static void fpu_mem(X86TCG *s, const TCGInsn *d, int esc, int r)
{
    CPUX86State *env = s->env;
    uint64_t ea = insn_ea(s, d);

    switch (esc) {
    case 0: case 2: case 4: case 6: {
        static const uint8_t fmt[4] = { FM_F32, FM_I32, FM_F64, FM_I16 };
        int fm = fmt[esc >> 1];
        uint8_t buf[10];
        X86FPReg a;
        uint16_t sw;
        bool fault;
        fp_ld_mem(s, d, ea, x87_fm_size[fm], buf);
        if (fp_empty(env, 0)) {
            fault = fp_underflow(env);
            if (r == 2 || r == 3) {
                env->fpus |= FPUS_C0 | FPUS_C2 | FPUS_C3;
            } else if (!fault) {
                fp_write(env, 0, &fp_indefinite);
            }
        } else {
            a = env->fpregs[0];
            sw = x87_host_arith_mem(env, fm, r, &a, buf);
            if (r == 2 || r == 3) {
                env->fpus = (env->fpus & ~FPUS_CC) |
                            (sw & (FPUS_C0 | FPUS_C2 | FPUS_C3));
                fault = fp_raise(env, sw & 0x3f);
            } else {
                fault = fp_host_status(env, sw, FPUS_C1);
                if (!fault) {
                    env->fpregs[0] = a;
                }
            }
        }
        if (r == 3 && !fault) {
            fp_pop(env);
        }
        return;
    }
    case 1:
        switch (r) {
        case 0: fp_load(s, d, ea, FM_F32); return;
        case 2: fp_store(s, d, ea, FM_F32, false); return;
        case 3: fp_store(s, d, ea, FM_F32, true); return;
        case 4: x86_fpu_ldenv(s, d, ea); return;
        case 5:
            x86_fpu_set_cw_sw(env, x86_ld(s, d->seg, ea, 2), env->fpus);
            return;
        case 6:
            x86_fpu_stenv(s, d, ea);
            x86_fpu_load_cw_sw(env, env->fpuc | 0x3f, env->fpus);
            return;
        case 7:
            x86_st(s, d->seg, ea, 2, env->fpuc);
            return;
        }
        break;
    case 3:
        switch (r) {
        case 0: fp_load(s, d, ea, FM_I32); return;
        case 1: fp_store(s, d, ea, FM_T32, true); return;
        case 2: fp_store(s, d, ea, FM_I32, false); return;
        case 3: fp_store(s, d, ea, FM_I32, true); return;
        case 5: fp_load(s, d, ea, FM_F80); return;
        case 7: fp_store(s, d, ea, FM_F80, true); return;
        }
        break;
    case 5:
        switch (r) {
        case 0: fp_load(s, d, ea, FM_F64); return;
        case 1: fp_store(s, d, ea, FM_T64, true); return;
        case 2: fp_store(s, d, ea, FM_F64, false); return;
        case 3: fp_store(s, d, ea, FM_F64, true); return;
        case 4: x86_fpu_frstor(s, d, ea); return;
        case 6: x86_fpu_fsave(s, d, ea); return;
        case 7: x86_st(s, d->seg, ea, 2, env->fpus); return;
        }
        break;
    case 7:
        switch (r) {
        case 0: fp_load(s, d, ea, FM_I16); return;
        case 1: fp_store(s, d, ea, FM_T16, true); return;
        case 2: fp_store(s, d, ea, FM_I16, false); return;
        case 3: fp_store(s, d, ea, FM_I16, true); return;
        case 4: fp_load(s, d, ea, FM_BCD); return;
        case 5: fp_load(s, d, ea, FM_I64); return;
        case 6: fp_store(s, d, ea, FM_BCD, true); return;
        case 7: fp_store(s, d, ea, FM_I64, true); return;
        }
        break;
    }
    x86_op_invalid(s, d);
}

/* Control instructions do not wait for pending exceptions or update FOP. */
static bool fpu_is_control(int esc, int mod, int r, int i)
{
    if (mod != 3) {
        return (esc == 1 && r >= 4) || (esc == 5 && (r == 4 || r >= 6));
    }
    return (esc == 3 && r == 4) || (esc == 7 && r == 4 && i == 0);
}

static bool fpu_is_nowait(int esc, int mod, int r, int i)
{
    if (mod != 3) {
        return (esc == 1 && r >= 6) || (esc == 5 && r >= 6);
    }
    return (esc == 3 && r == 4 && (i == 2 || i == 3)) ||
           (esc == 7 && r == 4 && i == 0);
}

/* D8-DF: x87 escape */
void op_fpu(X86TCG *s, const TCGInsn *d)
{
    CPUX86State *env = s->env;
    int esc = d->b & 7, r = d->reg & 7, i = d->rm & 7;

    if ((d->prefix & PREFIX_LOCK) ||
        (d->mod != 3 && r == 1 && (esc & 1) && esc != 1 &&
         !x86_tcg_has_feature(s, 32))) {      /* FISTTP is SSE3 */
        x86_op_invalid(s, d);
        return;
    }
    x86_fpu_check(s, !fpu_is_nowait(esc, d->mod, r, i));
    if (!fpu_is_control(esc, d->mod, r, i)) {
        env->fpop = (esc << 8) | (d->mod << 6) | (r << 3) | i;
        env->fpip = insn_rip(s, d);
        if (d->mod != 3) {
            env->fpdp = insn_ea(s, d);
        }
    }
    if (d->mod == 3) {
        fpu_reg(s, d, esc, r, i);
    } else {
        fpu_mem(s, d, esc, r);
    }
}

/* ---- MMX view of the register file ---- */

void x86_mmx_enter(CPUX86State *env)
{
    x86_fpu_set_top(env, 0);
    env->fptag_abridged = 0xff;
}

void x86_mmx_emms(CPUX86State *env)
{
    env->fptag_abridged = 0;
}
