/*
 * MMX, SSE, SSE2 and SSE3 of the software CPU (Intel SDM vol. 1 ch. 9-12,
 * vol. 2 instruction pages): the qemu64 model's CPUID leaf 1 EDX MMX/SSE/
 * SSE2 and ECX PNI.  One 0F opcode has up to four forms chosen by the
 * mandatory prefix (none, 66, F3, F2); sse_table lists them.  Arithmetic
 * runs on the host's SSE/MMX unit with the guest MXCSR (exceptions masked
 * on the host, then checked against the guest's masks), so results and
 * MXCSR flags are those of hardware.  Not modelled: SSSE3 and later.
 */
#include "target/x86/tcg/ops.h"
#include "target/x86/tcg/ops-fpu.h"

enum { P_NONE, P_66, P_F3, P_F2 };

static inline int sse_pfx(const TCGInsn *d)
{
    if (d->prefix & PREFIX_REPZ) {
        return P_F3;
    }
    if (d->prefix & PREFIX_REPNZ) {
        return P_F2;
    }
    return (d->prefix & PREFIX_DATA) ? P_66 : P_NONE;
}

/* d = d op s on 16 (XMM) or 8 (MMX) bytes; returns MXCSR flags raised. */
typedef uint32_t SSEHostFn(void *d, const void *s, uint32_t csr);

enum { K_NONE, K_XMM, K_XMMU, K_MMX, K_SPECIAL };

typedef struct SSEOp {
    uint8_t kind;       /* K_XMM: m128 must be aligned; K_XMMU: msize bytes */
    uint8_t msize;
    SSEHostFn *host;
} SSEOp;

/* ---- host instructions ---- */

#define HOST_XMM(name, insn)                                            \
    static uint32_t name(void *d, const void *s, uint32_t csr)          \
    {                                                                   \
        uint32_t save, out;                                             \
        asm volatile("stmxcsr %[sv]\n\tldmxcsr %[c]\n\t"                \
                     "movdqu %[d], %%xmm0\n\tmovdqu %[s], %%xmm1\n\t"   \
                     insn " %%xmm1, %%xmm0\n\tmovdqu %%xmm0, %[d]\n\t"  \
                     "stmxcsr %[o]\n\tldmxcsr %[sv]"                    \
                     : [d] "+m" (*(X86XMMReg *)d), [sv] "=m" (save),    \
                       [o] "=m" (out)                                   \
                     : [s] "m" (*(const X86XMMReg *)s), [c] "m" (csr)   \
                     : "xmm0", "xmm1");                                 \
        return out & 0x3f;                                              \
    }

#define HOST_XI(name, insn)                                             \
    static uint32_t name(void *d, const void *s, uint32_t csr)          \
    {                                                                   \
        asm volatile("movdqu %[d], %%xmm0\n\tmovdqu %[s], %%xmm1\n\t"   \
                     insn " %%xmm1, %%xmm0\n\tmovdqu %%xmm0, %[d]"      \
                     : [d] "+m" (*(X86XMMReg *)d)                       \
                     : [s] "m" (*(const X86XMMReg *)s)                  \
                     : "xmm0", "xmm1");                                 \
        return 0;                                                       \
    }

#define HOST_MM(name, insn)                                             \
    static uint32_t name(void *d, const void *s, uint32_t csr)          \
    {                                                                   \
        asm volatile("movq %[d], %%mm0\n\tmovq %[s], %%mm1\n\t"         \
                     insn " %%mm1, %%mm0\n\tmovq %%mm0, %[d]\n\temms"   \
                     : [d] "+m" (*(uint64_t *)d)                        \
                     : [s] "m" (*(const uint64_t *)s)                   \
                     : "mm0", "mm1");                                   \
        return 0;                                                       \
    }

/* integer operations that exist on MMX and XMM registers */
#define INT2(op) HOST_MM(m_##op, #op) HOST_XI(x_##op, #op)
INT2(punpcklbw) INT2(punpcklwd) INT2(punpckldq) INT2(packsswb)
INT2(pcmpgtb) INT2(pcmpgtw) INT2(pcmpgtd) INT2(packuswb)
INT2(punpckhbw) INT2(punpckhwd) INT2(punpckhdq) INT2(packssdw)
INT2(pcmpeqb) INT2(pcmpeqw) INT2(pcmpeqd)
INT2(psrlw) INT2(psrld) INT2(psrlq) INT2(paddq) INT2(pmullw)
INT2(psubusb) INT2(psubusw) INT2(pminub) INT2(pand)
INT2(paddusb) INT2(paddusw) INT2(pmaxub) INT2(pandn)
INT2(pavgb) INT2(psraw) INT2(psrad) INT2(pavgw) INT2(pmulhuw) INT2(pmulhw)
INT2(psubsb) INT2(psubsw) INT2(pminsw) INT2(por)
INT2(paddsb) INT2(paddsw) INT2(pmaxsw) INT2(pxor)
INT2(psllw) INT2(pslld) INT2(psllq) INT2(pmuludq) INT2(pmaddwd)
INT2(psadbw) INT2(psubb) INT2(psubw) INT2(psubd) INT2(psubq)
INT2(paddb) INT2(paddw) INT2(paddd)
HOST_XI(x_punpcklqdq, "punpcklqdq")
HOST_XI(x_punpckhqdq, "punpckhqdq")

/* floating point: the four forms ps, pd, ss, sd */
#define FP4(op) HOST_XMM(op##ps, #op "ps") HOST_XMM(op##pd, #op "pd")     \
                HOST_XMM(op##ss, #op "ss") HOST_XMM(op##sd, #op "sd")
FP4(add) FP4(mul) FP4(sub) FP4(min) FP4(div) FP4(max) FP4(sqrt)
HOST_XMM(rsqrtps, "rsqrtps") HOST_XMM(rsqrtss, "rsqrtss")
HOST_XMM(rcpps, "rcpps") HOST_XMM(rcpss, "rcpss")
HOST_XI(andps, "andps") HOST_XI(andnps, "andnps")
HOST_XI(orps, "orps") HOST_XI(xorps, "xorps")
HOST_XI(unpcklps, "unpcklps") HOST_XI(unpcklpd, "unpcklpd")
HOST_XI(unpckhps, "unpckhps") HOST_XI(unpckhpd, "unpckhpd")
HOST_XMM(cvtps2pd, "cvtps2pd") HOST_XMM(cvtpd2ps, "cvtpd2ps")
HOST_XMM(cvtss2sd, "cvtss2sd") HOST_XMM(cvtsd2ss, "cvtsd2ss")
HOST_XMM(cvtdq2ps, "cvtdq2ps") HOST_XMM(cvtps2dq, "cvtps2dq")
HOST_XMM(cvttps2dq, "cvttps2dq") HOST_XMM(cvttpd2dq, "cvttpd2dq")
HOST_XMM(cvtdq2pd, "cvtdq2pd") HOST_XMM(cvtpd2dq, "cvtpd2dq")
HOST_XMM(haddps, "haddps") HOST_XMM(haddpd, "haddpd")
HOST_XMM(hsubps, "hsubps") HOST_XMM(hsubpd, "hsubpd")
HOST_XMM(addsubps, "addsubps") HOST_XMM(addsubpd, "addsubpd")
HOST_XI(movsldup, "movsldup") HOST_XI(movshdup, "movshdup")
HOST_XI(movddup, "movddup")
/* low-half conversions for the MMX forms: the result's low 64 bits */
HOST_XMM(cvtpi2ps, "cvtdq2ps %%xmm1, %%xmm1\n\tmovsd")

#define CMP8(sfx)                                                       \
    HOST_XMM(cmpeq##sfx, "cmpeq" #sfx) HOST_XMM(cmplt##sfx, "cmplt" #sfx) \
    HOST_XMM(cmple##sfx, "cmple" #sfx)                                  \
    HOST_XMM(cmpunord##sfx, "cmpunord" #sfx)                            \
    HOST_XMM(cmpneq##sfx, "cmpneq" #sfx)                                \
    HOST_XMM(cmpnlt##sfx, "cmpnlt" #sfx)                                \
    HOST_XMM(cmpnle##sfx, "cmpnle" #sfx)                                \
    HOST_XMM(cmpord##sfx, "cmpord" #sfx)                                \
    static SSEHostFn *const cmp_##sfx[8] = {                            \
        cmpeq##sfx, cmplt##sfx, cmple##sfx, cmpunord##sfx,              \
        cmpneq##sfx, cmpnlt##sfx, cmpnle##sfx, cmpord##sfx };
CMP8(ps) CMP8(pd) CMP8(ss) CMP8(sd)

/* COMISS/UCOMISS/COMISD/UCOMISD: returns flags, *fl = ZF/PF/CF */
static uint32_t host_comi(int which, const void *a, const void *b,
                          uint32_t csr, uint32_t *fl)
{
    uint32_t save, out;
    uint8_t z, p, c;

#define COMI(insn)                                                      \
    asm volatile("stmxcsr %[sv]\n\tldmxcsr %[cs]\n\t"                   \
                 "movdqu %[a], %%xmm0\n\tmovdqu %[b], %%xmm1\n\t"       \
                 insn " %%xmm1, %%xmm0\n\t"                             \
                 "setz %[z]\n\tsetp %[p]\n\tsetc %[c]\n\t"              \
                 "stmxcsr %[o]\n\tldmxcsr %[sv]"                        \
                 : [sv] "=m" (save), [o] "=m" (out), [z] "=&r" (z),     \
                   [p] "=&r" (p), [c] "=&r" (c)                         \
                 : [a] "m" (*(const X86XMMReg *)a),                     \
                   [b] "m" (*(const X86XMMReg *)b), [cs] "m" (csr)      \
                 : "xmm0", "xmm1", "cc")
    switch (which) {
    case 0: COMI("ucomiss"); break;
    case 1: COMI("comiss"); break;
    case 2: COMI("ucomisd"); break;
    default: COMI("comisd"); break;
    }
#undef COMI
    *fl = (z ? CC_Z : 0) | (p ? CC_P : 0) | (c ? CC_C : 0);
    return out & 0x3f;
}

/* CVTSI2SS/SD: x.low = (float/double)v */
static uint32_t host_cvtsi2f(X86XMMReg *x, uint64_t v, bool dbl, bool q,
                             uint32_t csr)
{
    uint32_t save, out;

#define CVTI(insn)                                                      \
    asm volatile("stmxcsr %[sv]\n\tldmxcsr %[cs]\n\t"                   \
                 "movdqu %[x], %%xmm0\n\t" insn "\n\t"                  \
                 "movdqu %%xmm0, %[x]\n\t"                              \
                 "stmxcsr %[o]\n\tldmxcsr %[sv]"                        \
                 : [x] "+m" (*x), [sv] "=m" (save), [o] "=m" (out)      \
                 : [v] "r" (v), [cs] "m" (csr) : "xmm0")
    if (dbl) {
        if (q) {
            CVTI("cvtsi2sdq %q[v], %%xmm0");
        } else {
            CVTI("cvtsi2sdl %k[v], %%xmm0");
        }
    } else {
        if (q) {
            CVTI("cvtsi2ssq %q[v], %%xmm0");
        } else {
            CVTI("cvtsi2ssl %k[v], %%xmm0");
        }
    }
#undef CVTI
    return out & 0x3f;
}

/* CVT(T)SS2SI / CVT(T)SD2SI */
static uint32_t host_cvtf2si(const X86XMMReg *x, uint64_t *r, bool dbl,
                             bool trunc, bool q, uint32_t csr)
{
    uint32_t save, out;
    uint64_t v = 0;

#define CVTF(insn)                                                      \
    asm volatile("stmxcsr %[sv]\n\tldmxcsr %[cs]\n\t"                   \
                 "movdqu %[x], %%xmm0\n\t" insn "\n\t"                  \
                 "stmxcsr %[o]\n\tldmxcsr %[sv]"                        \
                 : [v] "+r" (v), [sv] "=m" (save), [o] "=m" (out)       \
                 : [x] "m" (*x), [cs] "m" (csr) : "xmm0")
    switch ((dbl << 2) | (trunc << 1) | q) {
    case 0: CVTF("cvtss2si %%xmm0, %k[v]"); break;
    case 1: CVTF("cvtss2si %%xmm0, %q[v]"); break;
    case 2: CVTF("cvttss2si %%xmm0, %k[v]"); break;
    case 3: CVTF("cvttss2si %%xmm0, %q[v]"); break;
    case 4: CVTF("cvtsd2si %%xmm0, %k[v]"); break;
    case 5: CVTF("cvtsd2si %%xmm0, %q[v]"); break;
    case 6: CVTF("cvttsd2si %%xmm0, %k[v]"); break;
    default: CVTF("cvttsd2si %%xmm0, %q[v]"); break;
    }
#undef CVTF
    *r = q ? v : (uint32_t)v;
    return out & 0x3f;
}

/* ---- CPUID features (-cpu qemu64,-sse2 makes SSE2 forms #UD) ---- */

enum { F_MMX = 23, F_FXSR = 24, F_SSE = 25, F_SSE2 = 26, F_SSE3 = 32 };

bool x86_tcg_has_feature(X86TCG *s, int f)
{
    if (!s->cpu) {
        return true;            /* unit tests run without a CPU object */
    }
    if (f >= 32) {
        return s->cpu->model.features_1_ecx & (1u << (f - 32));
    }
    return s->cpu->model.features_1_edx & (1u << f);
}

/* The CPUID bit an opcode form needs (Intel SDM vol. 2 opcode tables). */
static int sse_feature(int b, int pfx)
{
    switch (pfx) {
    case P_66:
        return (b == 0x7c || b == 0x7d || b == 0xd0) ? F_SSE3 : F_SSE2;
    case P_F2:
        return (b == 0x12 || b == 0x7c || b == 0x7d || b == 0xd0 ||
                b == 0xf0) ? F_SSE3 : F_SSE2;
    case P_F3:
        switch (b) {
        case 0x12: case 0x16:
            return F_SSE3;
        case 0x10: case 0x11: case 0x2a: case 0x2c: case 0x2d: case 0x51:
        case 0x52: case 0x53: case 0x58: case 0x59: case 0x5c: case 0x5d:
        case 0x5e: case 0x5f: case 0xc2:
            return F_SSE;
        }
        return F_SSE2;
    }
    switch (b) {
    case 0x5a: case 0x5b: case 0xd4: case 0xf4: case 0xfb:
        return F_SSE2;
    case 0x70: case 0xc4: case 0xc5: case 0xd7: case 0xda: case 0xde:
    case 0xe0: case 0xe3: case 0xe4: case 0xe7: case 0xea: case 0xee:
    case 0xf6: case 0xf7:
        return F_SSE;           /* the SSE integer forms on MMX registers */
    }
    return (b >= 0x60 && b != 0xc2 && b != 0xc6) ? F_MMX : F_SSE;
}

/* ---- state checks and register access ---- */

static void sse_check(X86TCG *s)
{
    CPUX86State *env = s->env;
    if ((env->cr[0] & CR0_EM_MASK) || !(env->cr[4] & CR4_OSFXSR_MASK)) {
        x86_raise_ud(s);
    }
    if (env->cr[0] & CR0_TS_MASK) {
        x86_raise(s, EXCP07_PREX, 0, false);
    }
}

/* #UD, #NM and #MF checks of an MMX instruction. */
static void mmx_check_only(X86TCG *s)
{
    CPUX86State *env = s->env;
    if (env->cr[0] & CR0_EM_MASK) {
        x86_raise_ud(s);
    }
    if (env->cr[0] & CR0_TS_MASK) {
        x86_raise(s, EXCP07_PREX, 0, false);
    }
    x86_fpu_check_pending(s);
}

/* The checks, then the x87 unit goes into MMX mode (TOP = 0). */
static void mmx_check(X86TCG *s)
{
    mmx_check_only(s);
    x86_mmx_enter(s->env);
}

/* MXCSR for the host: the guest's modes, flags clear, all masked. */
static inline uint32_t host_csr(CPUX86State *env)
{
    return (env->mxcsr & 0xffc0) | 0x1f80;
}

/* Record SIMD flags; unmasked ones raise #XM (#UD without OSXMMEXCPT). */
static void sse_flags(X86TCG *s, uint32_t fl)
{
    CPUX86State *env = s->env;
    uint32_t masks = (env->mxcsr >> 7) & 0x3f;

    /*
     * An unmasked invalid, denormal or divide-by-zero exception stops the
     * instruction before it computes: the post-computation flags (OE, UE,
     * PE) the host reported do not happen (SDM vol. 1 §11.5.2).
     */
    if (fl & 7 & ~masks) {
        fl &= 7;
    }
    /*
     * Not modelled: with OE or UE unmasked, hardware reports PE for the
     * unbounded-exponent result and traps on a tiny exact result; here
     * the flags are those of the masked computation.
     */
    env->mxcsr |= fl;
    if (fl & ~(env->mxcsr >> 7) & 0x3f) {
        if (env->cr[4] & CR4_OSXMMEXCPT_MASK) {
            x86_raise(s, EXCP13_XMM, 0, false);
        }
        x86_raise_ud(s);
    }
}

static inline uint64_t get_mm(CPUX86State *env, int i)
{
    return env->fpregs[i & 7].mant;
}

static inline void set_mm(CPUX86State *env, int i, uint64_t v)
{
    env->fpregs[i & 7].mant = v;
    env->fpregs[i & 7].exp = 0xffff;
}

/* Memory operand of @size bytes into the low bytes of a zeroed @x. */
static void ld_xmm_mem(X86TCG *s, const TCGInsn *d, X86XMMReg *x, int size,
                       bool align)
{
    uint64_t ea = insn_ea(s, d);
    memset(x, 0, sizeof(*x));
    if (align && size == 16 && (ea & 15)) {
        x86_raise_gp(s, 0);
    }
    if (size == 16) {
        x->q[0] = x86_ld(s, d->seg, ea, 8);
        x->q[1] = x86_ld(s, d->seg, ea + 8, 8);
    } else {
        x->q[0] = x86_ld(s, d->seg, ea, size);
    }
}

static void st_xmm_mem(X86TCG *s, const TCGInsn *d, const X86XMMReg *x,
                       int size, bool align)
{
    uint64_t ea = insn_ea(s, d);
    if (align && size == 16 && (ea & 15)) {
        x86_raise_gp(s, 0);
    }
    if (size == 16) {
        (void)x86_ld(s, d->seg, ea + 15, 1);
        x86_st(s, d->seg, ea, 8, x->q[0]);
        x86_st(s, d->seg, ea + 8, 8, x->q[1]);
    } else {
        x86_st(s, d->seg, ea, size, x->q[0]);
    }
}

/* xmm/m source operand */
static void ld_xmm_src(X86TCG *s, const TCGInsn *d, X86XMMReg *x, int size,
                       bool align)
{
    if (d->mod == 3) {
        *x = s->env->xmm[d->rm];
    } else {
        ld_xmm_mem(s, d, x, size, align);
    }
}

static uint64_t ld_mm_src(X86TCG *s, const TCGInsn *d)
{
    if (d->mod == 3) {
        return get_mm(s->env, d->rm);
    }
    return x86_ld(s, d->seg, insn_ea(s, d), 8);
}

/* General-register destination of MOVMSK/PEXTRW/CVT*2SI: 32 or 64 bits. */
static void set_gpr_dst(X86TCG *s, const TCGInsn *d, uint64_t v, bool q)
{
    set_reg(s, q ? 3 : 2, d->reg, d->rex, v);
}

/* ---- data movement and the other special forms ---- */

static void shuffle16(uint16_t *dst, const uint16_t *src, int imm)
{
    uint16_t t[4];
    for (int i = 0; i < 4; i++) {
        t[i] = src[(imm >> (2 * i)) & 3];
    }
    memcpy(dst, t, sizeof(t));
}

static void byte_shift(X86XMMReg *x, int n, bool left)
{
    X86XMMReg r;
    memset(&r, 0, sizeof(r));
    if (n < 16) {
        if (left) {
            memcpy(r.b + n, x->b, 16 - n);
        } else {
            memcpy(r.b, x->b + n, 16 - n);
        }
    }
    *x = r;
}

/* 0F 71-73: shifts by an immediate (ModRM.reg selects the operation) */
static void sse_shift_imm(X86TCG *s, const TCGInsn *d, int pfx)
{
    CPUX86State *env = s->env;
    static SSEHostFn *const mm_fn[3][8] = {
        { [2] = m_psrlw, [4] = m_psraw, [6] = m_psllw },
        { [2] = m_psrld, [4] = m_psrad, [6] = m_pslld },
        { [2] = m_psrlq, [6] = m_psllq },
    };
    static SSEHostFn *const x_fn[3][8] = {
        { [2] = x_psrlw, [4] = x_psraw, [6] = x_psllw },
        { [2] = x_psrld, [4] = x_psrad, [6] = x_pslld },
        { [2] = x_psrlq, [6] = x_psllq },
    };
    int g = d->b - 0x71, op = d->reg & 7;
    X86XMMReg cnt;

    memset(&cnt, 0, sizeof(cnt));
    cnt.q[0] = d->imm & 0xff;
    if (d->mod != 3 || (pfx != P_NONE && pfx != P_66)) {
        x86_op_invalid(s, d);
        return;
    }
    if (pfx == P_NONE) {
        uint64_t v;
        if (!mm_fn[g][op]) {
            x86_op_invalid(s, d);
            return;
        }
        mmx_check(s);
        v = get_mm(env, d->rm);
        mm_fn[g][op](&v, &cnt, 0);
        set_mm(env, d->rm, v);
        return;
    }
    if (g == 2 && (op == 3 || op == 7)) {       /* PSRLDQ, PSLLDQ */
        sse_check(s);
        byte_shift(&env->xmm[d->rm], d->imm & 0xff, op == 7);
        return;
    }
    if (!x_fn[g][op]) {
        x86_op_invalid(s, d);
        return;
    }
    sse_check(s);
    x_fn[g][op](&env->xmm[d->rm], &cnt, 0);
}

static void sse_special(X86TCG *s, const TCGInsn *d, int pfx)
{
    CPUX86State *env = s->env;
    X86XMMReg x, y;
    bool q = d->rex & 8;
    uint32_t fl;
    int i;

    if (d->b == 0x77) {                 /* EMMS */
        if (env->cr[0] & CR0_EM_MASK) {
            x86_raise_ud(s);
        }
        if (env->cr[0] & CR0_TS_MASK) {
            x86_raise(s, EXCP07_PREX, 0, false);
        }
        x86_fpu_check_pending(s);
        x86_mmx_emms(env);
        return;
    }
    if (d->b >= 0x71 && d->b <= 0x73) {
        sse_shift_imm(s, d, pfx);
        return;
    }
    /* forms that touch MMX registers enter MMX mode */
    switch (d->b) {
    case 0x6e: case 0x6f: case 0x7e: case 0x7f: case 0x70: case 0xc4:
    case 0xc5: case 0xd7: case 0xe7: case 0xf7:
        if (pfx == P_NONE) {
            mmx_check(s);
            break;
        }
        sse_check(s);
        break;
    case 0x2a: case 0x2c: case 0x2d:
        sse_check(s);
        if (pfx == P_NONE || pfx == P_66) {
            if (d->b != 0x2a || d->mod == 3) {
                mmx_check(s);
            }
        }
        break;
    case 0xd6:
        sse_check(s);
        if (pfx != P_66) {
            mmx_check(s);
        }
        break;
    default:
        sse_check(s);
        break;
    }

    switch (d->b) {
    case 0x10:                          /* MOVUPS/MOVUPD/MOVSS/MOVSD load */
        if (pfx >= P_F3 && d->mod != 3) {
            ld_xmm_mem(s, d, &x, pfx == P_F3 ? 4 : 8, false);
            env->xmm[d->reg] = x;
        } else if (pfx == P_F3) {
            env->xmm[d->reg].l[0] = env->xmm[d->rm].l[0];
        } else if (pfx == P_F2) {
            env->xmm[d->reg].q[0] = env->xmm[d->rm].q[0];
        } else {
            ld_xmm_src(s, d, &x, 16, false);
            env->xmm[d->reg] = x;
        }
        return;
    case 0x11:                          /* store forms */
        if (d->mod == 3) {
            if (pfx == P_F3) {
                env->xmm[d->rm].l[0] = env->xmm[d->reg].l[0];
            } else if (pfx == P_F2) {
                env->xmm[d->rm].q[0] = env->xmm[d->reg].q[0];
            } else {
                env->xmm[d->rm] = env->xmm[d->reg];
            }
            return;
        }
        st_xmm_mem(s, d, &env->xmm[d->reg],
                   pfx == P_F3 ? 4 : pfx == P_F2 ? 8 : 16, false);
        return;
    case 0x28:                          /* MOVAPS/MOVAPD */
        ld_xmm_src(s, d, &x, 16, true);
        env->xmm[d->reg] = x;
        return;
    case 0x29:
    case 0x2b:                          /* MOVNTPS/MOVNTPD */
        if (d->mod == 3) {
            if (d->b == 0x2b) {
                break;
            }
            env->xmm[d->rm] = env->xmm[d->reg];
            return;
        }
        st_xmm_mem(s, d, &env->xmm[d->reg], 16, true);
        return;
    case 0x12:
    case 0x16: {
        int half = d->b == 0x16;
        if (pfx == P_NONE && d->mod == 3) {
            /* MOVHLPS / MOVLHPS */
            env->xmm[d->reg].q[half] = env->xmm[d->rm].q[!half];
            return;
        }
        if (d->mod == 3) {
            break;
        }
        ld_xmm_mem(s, d, &x, 8, false);
        env->xmm[d->reg].q[half] = x.q[0];
        return;
    }
    case 0x13:
    case 0x17:                          /* MOVLPS/MOVLPD/MOVHPS/MOVHPD store */
        if (d->mod == 3) {
            break;
        }
        x.q[0] = env->xmm[d->reg].q[d->b == 0x17];
        st_xmm_mem(s, d, &x, 8, false);
        return;
    case 0x50:                          /* MOVMSKPS/MOVMSKPD */
        if (d->mod != 3) {
            break;
        }
        x = env->xmm[d->rm];
        fl = 0;
        if (pfx == P_66) {
            fl = (x.q[0] >> 63) | ((x.q[1] >> 63) << 1);
        } else {
            for (i = 0; i < 4; i++) {
                fl |= (x.l[i] >> 31) << i;
            }
        }
        set_gpr_dst(s, d, fl, false);
        return;
    case 0x2a:                          /* CVTPI2PS/PD, CVTSI2SS/SD */
        if (pfx >= P_F3) {
            uint64_t v = q ? ld_rm(s, d, 3) : ld_rm(s, d, 2);
            x = env->xmm[d->reg];
            fl = host_cvtsi2f(&x, v, pfx == P_F2, q, host_csr(env));
            sse_flags(s, fl);
            env->xmm[d->reg] = x;
            return;
        }
        memset(&y, 0, sizeof(y));
        y.q[0] = ld_mm_src(s, d);
        x = env->xmm[d->reg];
        fl = pfx == P_NONE ? cvtpi2ps(&x, &y, host_csr(env))
                           : cvtdq2pd(&x, &y, host_csr(env));
        sse_flags(s, fl);
        env->xmm[d->reg] = x;
        return;
    case 0x2c:
    case 0x2d: {                        /* CVT(T)PS2PI/PD2PI, CVT(T)SS/SD2SI */
        bool trunc = d->b == 0x2c;
        if (pfx >= P_F3) {
            uint64_t v;
            ld_xmm_src(s, d, &x, pfx == P_F3 ? 4 : 8, false);
            fl = host_cvtf2si(&x, &v, pfx == P_F2, trunc, q, host_csr(env));
            sse_flags(s, fl);
            set_gpr_dst(s, d, v, q);
            return;
        }
        if (pfx == P_NONE) {
            ld_xmm_src(s, d, &y, 8, false);
            y.q[1] = 0;
            x = y;
            fl = (trunc ? cvttps2dq : cvtps2dq)(&x, &y, host_csr(env));
        } else {
            ld_xmm_src(s, d, &y, 16, true);
            x = y;
            fl = (trunc ? cvttpd2dq : cvtpd2dq)(&x, &y, host_csr(env));
        }
        sse_flags(s, fl);
        set_mm(env, d->reg, x.q[0]);
        return;
    }
    case 0x2e:
    case 0x2f: {                        /* (U)COMISS/(U)COMISD */
        uint32_t ef;
        ld_xmm_src(s, d, &y, pfx == P_66 ? 8 : 4, false);
        fl = host_comi((pfx == P_66) * 2 + (d->b == 0x2f), &env->xmm[d->reg],
                       &y, host_csr(env), &ef);
        sse_flags(s, fl);
        set_cc_eflags(s, ef);
        return;
    }
    case 0x6e:                          /* MOVD/MOVQ mm|xmm, r/m */
        {
            uint64_t v = q ? ld_rm(s, d, 3) : ld_rm(s, d, 2);
            if (pfx == P_NONE) {
                set_mm(env, d->reg, v);
            } else {
                memset(&env->xmm[d->reg], 0, 16);
                env->xmm[d->reg].q[0] = v;
            }
        }
        return;
    case 0x7e:
        if (pfx == P_F3) {              /* MOVQ xmm, xmm/m64 */
            ld_xmm_src(s, d, &x, 8, false);
            x.q[1] = 0;
            env->xmm[d->reg] = x;
            return;
        }
        {                               /* MOVD/MOVQ r/m, mm|xmm */
            uint64_t v = pfx == P_NONE ? get_mm(env, d->reg)
                                       : env->xmm[d->reg].q[0];
            st_rm(s, d, q ? 3 : 2, q ? v : (uint32_t)v);
        }
        return;
    case 0x6f:
        if (pfx == P_NONE) {            /* MOVQ mm, mm/m64 */
            set_mm(env, d->reg, ld_mm_src(s, d));
            return;
        }
        ld_xmm_src(s, d, &x, 16, pfx == P_66);
        env->xmm[d->reg] = x;
        return;
    case 0x7f:
        if (pfx == P_NONE) {
            if (d->mod == 3) {
                set_mm(env, d->rm, get_mm(env, d->reg));
            } else {
                x86_st(s, d->seg, insn_ea(s, d), 8, get_mm(env, d->reg));
            }
            return;
        }
        if (d->mod == 3) {
            env->xmm[d->rm] = env->xmm[d->reg];
            return;
        }
        st_xmm_mem(s, d, &env->xmm[d->reg], 16, pfx == P_66);
        return;
    case 0x70:                          /* PSHUFW/PSHUFD/PSHUFHW/PSHUFLW */
        if (pfx == P_NONE) {
            uint64_t v = ld_mm_src(s, d), r;
            shuffle16((uint16_t *)&r, (uint16_t *)&v, d->imm);
            set_mm(env, d->reg, r);
            return;
        }
        ld_xmm_src(s, d, &x, 16, true);
        if (pfx == P_66) {
            for (i = 0; i < 4; i++) {
                y.l[i] = x.l[(d->imm >> (2 * i)) & 3];
            }
        } else {
            y = x;
            shuffle16(&y.w[pfx == P_F3 ? 4 : 0], &x.w[pfx == P_F3 ? 4 : 0],
                      d->imm);
        }
        env->xmm[d->reg] = y;
        return;
    case 0xc2: {                        /* CMPPS/CMPPD/CMPSS/CMPSD */
        static SSEHostFn *const *const cmp[4] = {
            cmp_ps, cmp_pd, cmp_ss, cmp_sd };
        ld_xmm_src(s, d, &y, pfx == P_F3 ? 4 : pfx == P_F2 ? 8 : 16,
                   pfx < P_F3);
        x = env->xmm[d->reg];
        fl = cmp[pfx][d->imm & 7](&x, &y, host_csr(env));
        sse_flags(s, fl);
        env->xmm[d->reg] = x;
        return;
    }
    case 0xc4:                          /* PINSRW */
        {
            uint16_t v = d->mod == 3 ? get_reg(s, 2, d->rm, d->rex)
                                     : x86_ld(s, d->seg, insn_ea(s, d), 2);
            if (pfx == P_NONE) {
                uint64_t m = get_mm(env, d->reg);
                int sh = 16 * (d->imm & 3);
                m = (m & ~(0xffffULL << sh)) | ((uint64_t)v << sh);
                set_mm(env, d->reg, m);
            } else {
                env->xmm[d->reg].w[d->imm & 7] = v;
            }
        }
        return;
    case 0xc5:                          /* PEXTRW */
        if (d->mod != 3) {
            break;
        }
        if (pfx == P_NONE) {
            set_gpr_dst(s, d, (get_mm(env, d->rm) >> (16 * (d->imm & 3))) &
                        0xffff, q);
        } else {
            set_gpr_dst(s, d, env->xmm[d->rm].w[d->imm & 7], q);
        }
        return;
    case 0xc6:                          /* SHUFPS/SHUFPD */
        ld_xmm_src(s, d, &y, 16, true);
        x = env->xmm[d->reg];
        if (pfx == P_NONE) {
            X86XMMReg r;
            r.l[0] = x.l[d->imm & 3];
            r.l[1] = x.l[(d->imm >> 2) & 3];
            r.l[2] = y.l[(d->imm >> 4) & 3];
            r.l[3] = y.l[(d->imm >> 6) & 3];
            env->xmm[d->reg] = r;
        } else {
            X86XMMReg r;
            r.q[0] = x.q[d->imm & 1];
            r.q[1] = y.q[(d->imm >> 1) & 1];
            env->xmm[d->reg] = r;
        }
        return;
    case 0xd6:
        if (pfx == P_66) {              /* MOVQ xmm/m64, xmm */
            if (d->mod == 3) {
                env->xmm[d->rm].q[0] = env->xmm[d->reg].q[0];
                env->xmm[d->rm].q[1] = 0;
            } else {
                st_xmm_mem(s, d, &env->xmm[d->reg], 8, false);
            }
            return;
        }
        if (d->mod != 3) {
            break;
        }
        if (pfx == P_F3) {              /* MOVQ2DQ */
            env->xmm[d->reg].q[0] = get_mm(env, d->rm);
            env->xmm[d->reg].q[1] = 0;
        } else {                        /* MOVDQ2Q */
            set_mm(env, d->reg, env->xmm[d->rm].q[0]);
        }
        return;
    case 0xd7:                          /* PMOVMSKB */
        if (d->mod != 3) {
            break;
        }
        fl = 0;
        if (pfx == P_NONE) {
            uint64_t m = get_mm(env, d->rm);
            for (i = 0; i < 8; i++) {
                fl |= ((m >> (8 * i + 7)) & 1) << i;
            }
        } else {
            for (i = 0; i < 16; i++) {
                fl |= (env->xmm[d->rm].b[i] >> 7) << i;
            }
        }
        set_gpr_dst(s, d, fl, false);
        return;
    case 0xe7:                          /* MOVNTQ / MOVNTDQ */
        if (d->mod == 3) {
            break;
        }
        if (pfx == P_NONE) {
            x86_st(s, d->seg, insn_ea(s, d), 8, get_mm(env, d->reg));
        } else {
            st_xmm_mem(s, d, &env->xmm[d->reg], 16, true);
        }
        return;
    case 0xf0:                          /* LDDQU */
        if (d->mod == 3) {
            break;
        }
        ld_xmm_mem(s, d, &x, 16, false);
        env->xmm[d->reg] = x;
        return;
    case 0xf7: {                        /* MASKMOVQ / MASKMOVDQU */
        int n = pfx == P_NONE ? 8 : 16;
        uint64_t di = env->regs[R_EDI] & amask(d->aflag);
        int seg = (d->prefix & PREFIX_SEG) ? d->seg : R_DS;
        if (d->mod != 3) {
            break;
        }
        if (pfx == P_NONE) {
            x.q[0] = get_mm(env, d->reg);
            y.q[0] = get_mm(env, d->rm);
        } else {
            x = env->xmm[d->reg];
            y = env->xmm[d->rm];
        }
        for (i = 0; i < n; i++) {
            if (y.b[i] & 0x80) {
                x86_st(s, seg, (di + i) & amask(d->aflag), 1, x.b[i]);
            }
        }
        return;
    }
    }
    x86_op_invalid(s, d);
}

/* ---- the table ---- */

#define XP(fn) { K_XMM, 16, fn }
#define XU(fn, n) { K_XMMU, n, fn }
#define MM(fn) { K_MMX, 8, fn }
#define SP { K_SPECIAL, 0, NULL }
#define INTOP(op) { MM(m_##op), XP(x_##op) }
#define FPOP(op) { XP(op##ps), XP(op##pd), XU(op##ss, 4), XU(op##sd, 8) }
#define ALLSP { SP, SP, SP, SP }

static const SSEOp sse_table[256][4] = {
    [0x10] = ALLSP, [0x11] = ALLSP,
    [0x12] = { SP, SP, XP(movsldup), XU(movddup, 8) },
    [0x13] = { SP, SP },
    [0x14] = { XP(unpcklps), XP(unpcklpd) },
    [0x15] = { XP(unpckhps), XP(unpckhpd) },
    [0x16] = { SP, SP, XP(movshdup) },
    [0x17] = { SP, SP },
    [0x28] = { SP, SP }, [0x29] = { SP, SP },
    [0x2a] = ALLSP, [0x2b] = { SP, SP }, [0x2c] = ALLSP, [0x2d] = ALLSP,
    [0x2e] = { SP, SP }, [0x2f] = { SP, SP },
    [0x50] = { SP, SP },
    [0x51] = FPOP(sqrt),
    [0x52] = { XP(rsqrtps), [P_F3] = XU(rsqrtss, 4) },
    [0x53] = { XP(rcpps), [P_F3] = XU(rcpss, 4) },
    [0x54] = { XP(andps), XP(andps) },
    [0x55] = { XP(andnps), XP(andnps) },
    [0x56] = { XP(orps), XP(orps) },
    [0x57] = { XP(xorps), XP(xorps) },
    [0x58] = FPOP(add),
    [0x59] = FPOP(mul),
    [0x5a] = { XU(cvtps2pd, 8), XP(cvtpd2ps), XU(cvtss2sd, 4),
               XU(cvtsd2ss, 8) },
    [0x5b] = { XP(cvtdq2ps), XP(cvtps2dq), XP(cvttps2dq) },
    [0x5c] = FPOP(sub),
    [0x5d] = FPOP(min),
    [0x5e] = FPOP(div),
    [0x5f] = FPOP(max),
    [0x60] = INTOP(punpcklbw), [0x61] = INTOP(punpcklwd),
    [0x62] = INTOP(punpckldq), [0x63] = INTOP(packsswb),
    [0x64] = INTOP(pcmpgtb), [0x65] = INTOP(pcmpgtw),
    [0x66] = INTOP(pcmpgtd), [0x67] = INTOP(packuswb),
    [0x68] = INTOP(punpckhbw), [0x69] = INTOP(punpckhwd),
    [0x6a] = INTOP(punpckhdq), [0x6b] = INTOP(packssdw),
    [0x6c] = { [P_66] = XP(x_punpcklqdq) },
    [0x6d] = { [P_66] = XP(x_punpckhqdq) },
    [0x6e] = { SP, SP }, [0x6f] = { SP, SP, SP },
    [0x70] = ALLSP,
    [0x71] = { SP, SP }, [0x72] = { SP, SP }, [0x73] = { SP, SP },
    [0x74] = INTOP(pcmpeqb), [0x75] = INTOP(pcmpeqw),
    [0x76] = INTOP(pcmpeqd),
    [0x77] = { SP },
    [0x7c] = { [P_66] = XP(haddpd), [P_F2] = XP(haddps) },
    [0x7d] = { [P_66] = XP(hsubpd), [P_F2] = XP(hsubps) },
    [0x7e] = { SP, SP, SP }, [0x7f] = { SP, SP, SP },
    [0xc2] = ALLSP,
    [0xc4] = { SP, SP }, [0xc5] = { SP, SP }, [0xc6] = { SP, SP },
    [0xd0] = { [P_66] = XP(addsubpd), [P_F2] = XP(addsubps) },
    [0xd1] = INTOP(psrlw), [0xd2] = INTOP(psrld), [0xd3] = INTOP(psrlq),
    [0xd4] = INTOP(paddq), [0xd5] = INTOP(pmullw),
    [0xd6] = { [P_66] = SP, [P_F3] = SP, [P_F2] = SP },
    [0xd7] = { SP, SP },
    [0xd8] = INTOP(psubusb), [0xd9] = INTOP(psubusw),
    [0xda] = INTOP(pminub), [0xdb] = INTOP(pand),
    [0xdc] = INTOP(paddusb), [0xdd] = INTOP(paddusw),
    [0xde] = INTOP(pmaxub), [0xdf] = INTOP(pandn),
    [0xe0] = INTOP(pavgb), [0xe1] = INTOP(psraw), [0xe2] = INTOP(psrad),
    [0xe3] = INTOP(pavgw), [0xe4] = INTOP(pmulhuw), [0xe5] = INTOP(pmulhw),
    [0xe6] = { [P_66] = XP(cvttpd2dq), [P_F3] = XU(cvtdq2pd, 8),
               [P_F2] = XP(cvtpd2dq) },
    [0xe7] = { SP, SP },
    [0xe8] = INTOP(psubsb), [0xe9] = INTOP(psubsw),
    [0xea] = INTOP(pminsw), [0xeb] = INTOP(por),
    [0xec] = INTOP(paddsb), [0xed] = INTOP(paddsw),
    [0xee] = INTOP(pmaxsw), [0xef] = INTOP(pxor),
    [0xf0] = { [P_F2] = SP },
    [0xf1] = INTOP(psllw), [0xf2] = INTOP(pslld), [0xf3] = INTOP(psllq),
    [0xf4] = INTOP(pmuludq), [0xf5] = INTOP(pmaddwd),
    [0xf6] = INTOP(psadbw),
    [0xf7] = { SP, SP },
    [0xf8] = INTOP(psubb), [0xf9] = INTOP(psubw), [0xfa] = INTOP(psubd),
    [0xfb] = INTOP(psubq), [0xfc] = INTOP(paddb), [0xfd] = INTOP(paddw),
    [0xfe] = INTOP(paddd),
};

/* 0F 10-17, 28-2F, 50-7F, C2-C6, D0-FE: MMX/SSE/SSE2/SSE3 */
void op_sse(X86TCG *s, const TCGInsn *d)
{
    CPUX86State *env = s->env;
    int pfx = sse_pfx(d);
    const SSEOp *op = &sse_table[d->b][pfx];
    X86XMMReg a, b;
    uint64_t ma, mb;
    uint32_t fl;

    if ((d->prefix & PREFIX_LOCK) ||
        !x86_tcg_has_feature(s, sse_feature(d->b, pfx))) {
        x86_op_invalid(s, d);
        return;
    }
    switch (op->kind) {
    case K_XMM:
    case K_XMMU:
        sse_check(s);
        ld_xmm_src(s, d, &b, op->msize, op->kind == K_XMM);
        a = env->xmm[d->reg];
        fl = op->host(&a, &b, host_csr(env));
        if (fl) {
            sse_flags(s, fl);
        }
        env->xmm[d->reg] = a;
        return;
    case K_MMX:
        /* a faulting memory operand must leave the x87 state alone */
        mmx_check_only(s);
        if (d->mod != 3) {
            mb = x86_ld(s, d->seg, insn_ea(s, d), 8);
        }
        x86_mmx_enter(env);
        if (d->mod == 3) {
            mb = get_mm(env, d->rm);
        }
        ma = get_mm(env, d->reg);
        op->host(&ma, &mb, 0);
        set_mm(env, d->reg, ma);
        return;
    case K_SPECIAL:
        sse_special(s, d, pfx);
        return;
    default:
        x86_op_invalid(s, d);
        return;
    }
}

/* 0F AE /0-/3 with a memory operand: FXSAVE, FXRSTOR, LDMXCSR, STMXCSR */
void x86_grp15_mem(X86TCG *s, const TCGInsn *d)
{
    CPUX86State *env = s->env;
    uint32_t v;

    if (!x86_tcg_has_feature(s, (d->reg & 7) < 2 ? F_FXSR : F_SSE)) {
        x86_op_invalid(s, d);
        return;
    }
    switch (d->reg & 7) {
    case 0:
    case 1:
        if (env->cr[0] & (CR0_EM_MASK | CR0_TS_MASK)) {
            x86_raise(s, EXCP07_PREX, 0, false);
        }
        if ((d->reg & 7) == 0) {
            x86_fxsave(s, d);
        } else {
            x86_fxrstor(s, d);
        }
        return;
    case 2:
        sse_check(s);
        v = x86_ld(s, d->seg, insn_ea(s, d), 4);
        if (v & ~0xffffu) {
            x86_raise_gp(s, 0);
        }
        env->mxcsr = v;
        return;
    default:
        sse_check(s);
        x86_st(s, d->seg, insn_ea(s, d), 4, env->mxcsr);
        return;
    }
}
