/*
 * The host's x87 unit as the software CPU's x87 arithmetic (the host is
 * x86-64): each operation loads its operands into the host FPU with the
 * guest's precision and rounding control, runs the very instruction and
 * returns the results with the host status word, so values, rounding,
 * NaN propagation and exception flags are those of hardware.
 */
#include "target/x86/tcg/ops.h"
#include "target/x86/tcg/ops-fpu.h"

const uint8_t x87_fm_size[] = { 4, 8, 2, 4, 8, 10, 10, 2, 4, 8 };

/* The ABI's control word, restored after each sequence. */
static const uint16_t abi_cw = 0x037f;

/*
 * Each sequence pops what it pushes (the host stack is empty between C
 * statements), clears the host's exception flags before it starts and
 * before it stores results (so nothing faults) and restores the ABI's
 * control word.  (FNINIT would do all that, at several times the cost.)
 */
#define X87_RUN(pre, insn, post)                                         \
    asm volatile("fnclex\n\tfldcw %[cw]\n\t" pre insn "\n\t"             \
                 "fnstsw %[sw]\n\tfnclex\n\t" post "fldcw %[abi]"        \
                 : [a] "+m" (*a), [b] "+m" (*b), [sw] "=m" (sw)          \
                 : [cw] "m" (cw), [abi] "m" (abi_cw) : "memory")
#define X87_2(insn) X87_RUN("fldt %[b]\n\tfldt %[a]\n\t", insn,          \
                            "fstpt %[a]\n\tfstpt %[b]\n\t")
#define X87_2P(insn) X87_RUN("fldt %[b]\n\tfldt %[a]\n\t", insn,         \
                             "fstpt %[a]\n\t")
#define X87_1(insn) X87_RUN("fldt %[a]\n\t", insn, "fstpt %[a]\n\t")
#define X87_12(insn) X87_RUN("fldt %[a]\n\t", insn,                      \
                             "fstpt %[a]\n\tfstpt %[b]\n\t")
#define X87_0(insn) X87_RUN("", insn, "fstpt %[a]\n\t")

/*
 * Host control word: the guest's precision, rounding and overflow,
 * underflow and precision masks; invalid, denormal and divide-by-zero
 * always masked (fp_host_status handles them).  The sequences clear the
 * host's exceptions (FNCLEX) before storing results so nothing faults.
 */
static inline uint16_t host_cw(CPUX86State *env)
{
    return (env->fpuc & 0x0f38) | 0x0047;
}

uint16_t x87_host_op(CPUX86State *env, int op, X86FPReg *a, X86FPReg *b)
{
    uint16_t cw = host_cw(env), sw = 0;

    switch (op) {
    case HX_ADD: X87_2("fadd %%st(1), %%st"); break;
    case HX_MUL: X87_2("fmul %%st(1), %%st"); break;
    case HX_SUB: X87_2("fsub %%st(1), %%st"); break;
    case HX_SUBR: X87_2("fsubr %%st(1), %%st"); break;
    case HX_DIV: X87_2("fdiv %%st(1), %%st"); break;
    case HX_DIVR: X87_2("fdivr %%st(1), %%st"); break;
    case HX_COM: X87_2("fcom %%st(1)"); break;
    case HX_UCOM: X87_2("fucom %%st(1)"); break;
    case HX_PREM: X87_2("fprem"); break;
    case HX_PREM1: X87_2("fprem1"); break;
    case HX_SCALE: X87_2("fscale"); break;
    case HX_ATAN: X87_2P("fpatan"); break;
    case HX_YL2X: X87_2P("fyl2x"); break;
    case HX_YL2XP1: X87_2P("fyl2xp1"); break;
    case HX_SQRT: X87_1("fsqrt"); break;
    case HX_SIN: X87_1("fsin"); break;
    case HX_COS: X87_1("fcos"); break;
    case HX_RNDINT: X87_1("frndint"); break;
    case HX_2XM1: X87_1("f2xm1"); break;
    case HX_TST: X87_1("ftst"); break;
    case HX_XAM: X87_1("fxam"); break;
    case HX_TAN: X87_12("fptan"); break;
    case HX_SINCOS: X87_12("fsincos"); break;
    case HX_XTRACT: X87_12("fxtract"); break;
    case HX_LD1: X87_0("fld1"); break;
    case HX_LDL2T: X87_0("fldl2t"); break;
    case HX_LDL2E: X87_0("fldl2e"); break;
    case HX_LDPI: X87_0("fldpi"); break;
    case HX_LDLG2: X87_0("fldlg2"); break;
    case HX_LDLN2: X87_0("fldln2"); break;
    case HX_LDZ: X87_0("fldz"); break;
    default:
        g_assert_not_reached();
    }
    return sw;
}


/* Convert @mem (format @fm) to 80 bits; returns the host status word. */
uint16_t x87_host_load(CPUX86State *env, int fm, const uint8_t *mem,
                          X86FPReg *out)
{
    uint16_t cw = host_cw(env), sw = 0;
    const uint8_t (*m)[10] = (const void *)mem;

#define X87_LD(insn)                                                    \
    asm volatile("fnclex\n\tfldcw %[cw]\n\t" insn " %[m]\n\t"           \
                 "fnstsw %[sw]\n\tfnclex\n\tfstpt %[o]\n\tfldcw %[abi]" \
                 : [o] "=m" (*out), [sw] "=m" (sw)                      \
                 : [m] "m" (*m), [cw] "m" (cw), [abi] "m" (abi_cw)      \
                 : "memory")
    switch (fm) {
    case FM_F32: X87_LD("flds"); break;
    case FM_F64: X87_LD("fldl"); break;
    case FM_I16: X87_LD("filds"); break;
    case FM_I32: X87_LD("fildl"); break;
    case FM_I64: X87_LD("fildll"); break;
    case FM_BCD: X87_LD("fbld"); break;
    default: X87_LD("fldt"); break;
    }
#undef X87_LD
    return sw;
}

/* Convert @in to format @fm in @mem with the guest's rounding. */
uint16_t x87_host_store(CPUX86State *env, int fm, const X86FPReg *in,
                           uint8_t *mem)
{
    uint16_t cw = host_cw(env), sw = 0;
    uint8_t (*m)[10] = (void *)mem;

#define X87_ST(insn)                                                    \
    asm volatile("fninit\n\tfldcw %[cw]\n\tfldt %[i]\n\t" insn " %[m]\n\t" \
                 "fnstsw %[sw]\n\tfninit"                               \
                 : [m] "=m" (*m), [sw] "=m" (sw)                        \
                 : [i] "m" (*in), [cw] "m" (cw) : "memory")
    switch (fm) {
    case FM_F32: X87_ST("fstps"); break;
    case FM_F64: X87_ST("fstpl"); break;
    case FM_I16: X87_ST("fistps"); break;
    case FM_I32: X87_ST("fistpl"); break;
    case FM_I64: X87_ST("fistpll"); break;
    case FM_BCD: X87_ST("fbstp"); break;
    case FM_T16: X87_ST("fisttps"); break;
    case FM_T32: X87_ST("fisttpl"); break;
    case FM_T64: X87_ST("fisttpll"); break;
    default: X87_ST("fstpt"); break;
    }
#undef X87_ST
    return sw;
}

/*
 * ST(0) op memory operand in format @fm (F32, F64, I32, I16), op 0..7 as
 * in the D8 group (FCOMP runs as FCOM: the caller pops).  Run as one host
 * instruction: NaN propagation and denormal reporting depend on it.
 */
uint16_t x87_host_arith_mem(CPUX86State *env, int fm, int op,
                               X86FPReg *a, const uint8_t *mem)
{
    uint16_t cw = host_cw(env), sw = 0;
    const uint8_t (*m)[8] = (const void *)mem;

#define X87_M(insn)                                                     \
    asm volatile("fnclex\n\tfldcw %[cw]\n\tfldt %[a]\n\t" insn " %[m]\n\t" \
                 "fnstsw %[sw]\n\tfnclex\n\tfstpt %[a]\n\tfldcw %[abi]" \
                 : [a] "+m" (*a), [sw] "=m" (sw)                        \
                 : [m] "m" (*m), [cw] "m" (cw), [abi] "m" (abi_cw)      \
                 : "memory")
#define X87_M8(pre, sfx)                                                \
    switch (op) {                                                       \
    case 0: X87_M(pre "add" sfx); break;                                \
    case 1: X87_M(pre "mul" sfx); break;                                \
    case 2: case 3: X87_M(pre "com" sfx); break;                        \
    case 4: X87_M(pre "sub" sfx); break;                                \
    case 5: X87_M(pre "subr" sfx); break;                               \
    case 6: X87_M(pre "div" sfx); break;                                \
    default: X87_M(pre "divr" sfx); break;                              \
    }
    switch (fm) {
    case FM_F32: X87_M8("f", "s"); break;
    case FM_F64: X87_M8("f", "l"); break;
    case FM_I32: X87_M8("fi", "l"); break;
    default: X87_M8("fi", "s"); break;
    }
#undef X87_M8
#undef X87_M
    return sw;
}

