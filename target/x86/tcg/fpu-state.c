/*
 * x87 state of the software CPU: register-stack rotation, the tag word,
 * FSTENV/FLDENV and FSAVE/FRSTOR images in their real- and protected-mode,
 * 16- and 32-bit formats (Intel SDM vol. 1 §8.1.10), FXSAVE/FXRSTOR
 * (vol. 1 §10.5.1, 512-byte legacy area).  Reserved fields are written as
 * hardware writes them (measured against the host CPU in the unit tests).
 */
#include "target/x86/tcg/ops.h"
#include "target/x86/tcg/ops-fpu.h"


/* Make physical register @top the new ST(0), moving ST(i) along with it. */
void x86_fpu_set_top(CPUX86State *env, int top)
{
    int delta = (top - x86_fpu_top(env)) & 7;
    X86FPReg tmp[8];

    if (delta) {
        for (int i = 0; i < 8; i++) {
            tmp[i] = env->fpregs[(i + delta) & 7];
        }
        memcpy(env->fpregs, tmp, sizeof(tmp));
    }
    env->fpus = (env->fpus & ~0x3800) | (top << 11);
}

/* ---- environment: FSTENV/FLDENV, FSAVE/FRSTOR ---- */

/* Full two-bit tag of physical register @p (vol. 1 §8.1.7). */
static int fp_full_tag(CPUX86State *env, int p)
{
    const X86FPReg *r;
    int e;

    if (!((env->fptag_abridged >> p) & 1)) {
        return 3;
    }
    r = &env->fpregs[(p - x86_fpu_top(env)) & 7];
    e = r->exp & 0x7fff;
    if (e == 0x7fff) {
        return 2;
    }
    if (e == 0) {
        return r->mant ? 2 : 1;
    }
    return (r->mant >> 63) ? 0 : 2;
}

uint16_t x86_fpu_tag_word(CPUX86State *env)
{
    uint16_t tw = 0;
    for (int p = 0; p < 8; p++) {
        tw |= fp_full_tag(env, p) << (2 * p);
    }
    return tw;
}

void x86_fpu_stenv(X86TCG *s, const TCGInsn *d, uint64_t ea)
{
    CPUX86State *env = s->env;
    bool o32 = d->ot != 1;
    int w = o32 ? 4 : 2;
    uint16_t tw = x86_fpu_tag_word(env);
    uint32_t ip = env->fpip, dp = env->fpdp;

    (void)x86_ld(s, d->seg, ea + 7 * w - 1, 1);
    /* the reserved upper halves of the 32-bit format read as ones */
    x86_st(s, d->seg, ea, w, 0xffff0000u | env->fpuc);
    x86_st(s, d->seg, ea + w, w, 0xffff0000u | env->fpus);
    x86_st(s, d->seg, ea + 2 * w, w, 0xffff0000u | tw);
    if (!s->pe || (env->eflags & VM_MASK)) {
        /* real-mode format: 20/32-bit linear pointers and the opcode */
        x86_st(s, d->seg, ea + 3 * w, 2, ip & 0xffff);
        x86_st(s, d->seg, ea + 4 * w, w,
               ((ip >> 16) << 12) | (env->fpop & 0x7ff));
        x86_st(s, d->seg, ea + 5 * w, 2, dp & 0xffff);
        x86_st(s, d->seg, ea + 6 * w, w, (dp >> 16) << 12);
        if (o32) {
            x86_st(s, d->seg, ea + 14, 2, 0);
            x86_st(s, d->seg, ea + 22, 2, 0);
        }
    } else {
        x86_st(s, d->seg, ea + 3 * w, w, ip);
        x86_st(s, d->seg, ea + 4 * w, w,
               env->segs[R_CS].selector |
               (o32 ? (uint32_t)(env->fpop & 0x7ff) << 16 : 0));
        x86_st(s, d->seg, ea + 5 * w, w, dp);
        x86_st(s, d->seg, ea + 6 * w, w,
               0xffff0000u | env->segs[R_DS].selector);
    }
}

void x86_fpu_ldenv(X86TCG *s, const TCGInsn *d, uint64_t ea)
{
    CPUX86State *env = s->env;
    int w = d->ot != 1 ? 4 : 2;
    uint16_t cw = x86_ld(s, d->seg, ea, 2);
    uint16_t sw = x86_ld(s, d->seg, ea + w, 2);
    uint16_t tw = x86_ld(s, d->seg, ea + 2 * w, 2);
    uint8_t ab = 0;

    if (!s->pe || (env->eflags & VM_MASK)) {
        env->fpip = x86_ld(s, d->seg, ea + 3 * w, 2) |
                    ((x86_ld(s, d->seg, ea + 4 * w, w) >> 12) << 16);
        env->fpdp = x86_ld(s, d->seg, ea + 5 * w, 2) |
                    ((x86_ld(s, d->seg, ea + 6 * w, w) >> 12) << 16);
    } else {
        env->fpip = x86_ld(s, d->seg, ea + 3 * w, w);
        env->fpdp = x86_ld(s, d->seg, ea + 5 * w, w);
    }
    for (int p = 0; p < 8; p++) {
        if (((tw >> (2 * p)) & 3) != 3) {
            ab |= 1 << p;
        }
    }
    x86_fpu_set_cw_sw(env, cw, sw);
    env->fptag_abridged = ab;
}

/* Load a control and status word (TOP included), recomputing ES/B. */
void x86_fpu_set_cw_sw(CPUX86State *env, uint16_t cw, uint16_t sw)
{
    /* keep ST(i) pointing at the same physical registers */
    X86FPReg phys[8];
    int top = x86_fpu_top(env), ntop = (sw >> 11) & 7;

    for (int i = 0; i < 8; i++) {
        phys[(top + i) & 7] = env->fpregs[i];
    }
    for (int i = 0; i < 8; i++) {
        env->fpregs[i] = phys[(ntop + i) & 7];
    }
    x86_fpu_load_cw_sw(env, cw, sw);
}

void x86_fpu_load_cw_sw(CPUX86State *env, uint16_t cw, uint16_t sw)
{
    /* reserved control bits: 6 reads as one, 7 and 13-15 as zero */
    cw = (cw & 0x1f3f) | 0x40;
    env->fpuc = cw;
    env->fpus = sw;
    /* ES, and B with it, summarise the unmasked exception flags */
    if (sw & ~cw & 0x3f) {
        env->fpus |= FPUS_ES | FPUS_B;
    } else {
        env->fpus &= ~(FPUS_ES | FPUS_B);
    }
}

void x86_fpu_init(CPUX86State *env)
{
    x86_fpu_set_top(env, 0);     /* the registers keep their contents */
    env->fpuc = 0x37f;
    env->fpus = 0;
    env->fptag_abridged = 0;
    env->fpop = 0;
    env->fpip = env->fpdp = 0;
}

void x86_fpu_fsave(X86TCG *s, const TCGInsn *d, uint64_t ea)
{
    CPUX86State *env = s->env;
    int base = d->ot != 1 ? 28 : 14;

    (void)x86_ld(s, d->seg, ea + base + 79, 1);
    x86_fpu_stenv(s, d, ea);
    for (int i = 0; i < 8; i++) {
        x86_st(s, d->seg, ea + base + 10 * i, 8, env->fpregs[i].mant);
        x86_st(s, d->seg, ea + base + 10 * i + 8, 2, env->fpregs[i].exp);
    }
    x86_fpu_init(env);
}

void x86_fpu_frstor(X86TCG *s, const TCGInsn *d, uint64_t ea)
{
    CPUX86State *env = s->env;
    int base = d->ot != 1 ? 28 : 14;
    X86FPReg r[8];

    for (int i = 0; i < 8; i++) {
        r[i].mant = x86_ld(s, d->seg, ea + base + 10 * i, 8);
        r[i].exp = x86_ld(s, d->seg, ea + base + 10 * i + 8, 2);
    }
    x86_fpu_ldenv(s, d, ea);
    memcpy(env->fpregs, r, sizeof(r));
}

/* ---- FXSAVE / FXRSTOR (0F AE /0 /1) ---- */

#define MXCSR_MASK 0xffff

void x86_fxsave(X86TCG *s, const TCGInsn *d)
{
    CPUX86State *env = s->env;
    uint64_t ea = insn_ea(s, d);
    int seg = d->seg;
    int nxmm = s->code64 ? 16 : 8;

    if (ea & 15) {
        x86_raise_gp(s, 0);
    }
    (void)x86_ld(s, seg, ea + 511, 1);          /* fault before writing */
    x86_st(s, seg, ea + 0, 2, env->fpuc);
    x86_st(s, seg, ea + 2, 2, env->fpus);
    x86_st(s, seg, ea + 4, 2, env->fptag_abridged);
    x86_st(s, seg, ea + 6, 2, env->fpop & 0x7ff);
    if (d->rex & 8) {
        x86_st(s, seg, ea + 8, 8, env->fpip);
        x86_st(s, seg, ea + 16, 8, env->fpdp);
    } else {
        x86_st(s, seg, ea + 8, 4, env->fpip);
        x86_st(s, seg, ea + 12, 4, env->segs[R_CS].selector);
        x86_st(s, seg, ea + 16, 4, env->fpdp);
        x86_st(s, seg, ea + 20, 4, env->segs[R_DS].selector);
    }
    x86_st(s, seg, ea + 24, 4, env->mxcsr);
    x86_st(s, seg, ea + 28, 4, MXCSR_MASK);
    for (int i = 0; i < 8; i++) {
        x86_st(s, seg, ea + 32 + 16 * i, 8, env->fpregs[i].mant);
        x86_st(s, seg, ea + 40 + 16 * i, 8, env->fpregs[i].exp);
    }
    for (int i = 0; i < nxmm; i++) {
        x86_st(s, seg, ea + 160 + 16 * i, 8, env->xmm[i].q[0]);
        x86_st(s, seg, ea + 168 + 16 * i, 8, env->xmm[i].q[1]);
    }
}

void x86_fxrstor(X86TCG *s, const TCGInsn *d)
{
    CPUX86State *env = s->env;
    uint64_t ea = insn_ea(s, d);
    int seg = d->seg;
    int nxmm = s->code64 ? 16 : 8;
    uint32_t mxcsr;
    uint16_t cw, sw;
    X86FPReg r[8];
    X86XMMReg x[16];

    if (ea & 15) {
        x86_raise_gp(s, 0);
    }
    mxcsr = x86_ld(s, seg, ea + 24, 4);
    if (mxcsr & ~MXCSR_MASK) {
        x86_raise_gp(s, 0);
    }
    (void)x86_ld(s, seg, ea + 511, 1);
    cw = x86_ld(s, seg, ea + 0, 2);
    sw = x86_ld(s, seg, ea + 2, 2);
    for (int i = 0; i < 8; i++) {
        r[i].mant = x86_ld(s, seg, ea + 32 + 16 * i, 8);
        r[i].exp = x86_ld(s, seg, ea + 40 + 16 * i, 2);
    }
    for (int i = 0; i < nxmm; i++) {
        x[i].q[0] = x86_ld(s, seg, ea + 160 + 16 * i, 8);
        x[i].q[1] = x86_ld(s, seg, ea + 168 + 16 * i, 8);
    }
    env->fptag_abridged = x86_ld(s, seg, ea + 4, 1);
    env->fpop = x86_ld(s, seg, ea + 6, 2) & 0x7ff;
    if (d->rex & 8) {
        env->fpip = x86_ld(s, seg, ea + 8, 8);
        env->fpdp = x86_ld(s, seg, ea + 16, 8);
    } else {
        env->fpip = x86_ld(s, seg, ea + 8, 4);
        env->fpdp = x86_ld(s, seg, ea + 16, 4);
    }
    x86_fpu_load_cw_sw(env, cw, sw);  /* ST order in the image: no rotation */
    memcpy(env->fpregs, r, sizeof(r));
    env->mxcsr = mxcsr;
    memcpy(env->xmm, x, nxmm * sizeof(X86XMMReg));
}

