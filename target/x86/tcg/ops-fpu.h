/*
 * x87 and SIMD state helpers shared by ops-fpu.c (x87, FXSAVE) and
 * ops-sse.c (MMX/SSE), and the handlers they export to the opcode tables.
 */
#ifndef TARGET_X86_TCG_OPS_FPU_H
#define TARGET_X86_TCG_OPS_FPU_H

#include "target/x86/tcg/tcg-cpu.h"

/* #NM for CR0.EM/TS; with @waiting also #MF for a pending exception. */
void x86_fpu_check(X86TCG *s, bool waiting);
void x86_fpu_check_pending(X86TCG *s);
/* FNINIT state. */
void x86_fpu_init(CPUX86State *env);
/* Load FCW and FSW (TOP included), recomputing the ES/B summary bits. */
void x86_fpu_set_cw_sw(CPUX86State *env, uint16_t cw, uint16_t sw);
/* The same when the registers are already in ST order for the new TOP. */
void x86_fpu_load_cw_sw(CPUX86State *env, uint16_t cw, uint16_t sw);
/* Two-bit tag word as FSTENV stores it. */
uint16_t x86_fpu_tag_word(CPUX86State *env);
/* An MMX instruction: TOP = 0, all tags valid; EMMS: all tags empty. */
void x86_mmx_enter(CPUX86State *env);
void x86_mmx_emms(CPUX86State *env);
/* CPUID leaf 1 feature: EDX bit @f, or ECX bit @f - 32 (ops-sse.c) */
bool x86_tcg_has_feature(X86TCG *s, int f);
/* 0F AE /0 /1 (memory operand already checked for CR0/CR4 state) */
void x86_fxsave(X86TCG *s, const TCGInsn *d);
void x86_fxrstor(X86TCG *s, const TCGInsn *d);
/* 0F AE /0-/3 with a memory operand, all checks included (ops-sse.c) */
void x86_grp15_mem(X86TCG *s, const TCGInsn *d);

/* x87 status word bits */
#define FPUS_IE 0x0001
#define FPUS_DE 0x0002
#define FPUS_ZE 0x0004
#define FPUS_OE 0x0008
#define FPUS_UE 0x0010
#define FPUS_PE 0x0020
#define FPUS_SF 0x0040
#define FPUS_ES 0x0080
#define FPUS_C0 0x0100
#define FPUS_C1 0x0200
#define FPUS_C2 0x0400
#define FPUS_C3 0x4000
#define FPUS_B  0x8000
#define FPUS_CC (FPUS_C0 | FPUS_C1 | FPUS_C2 | FPUS_C3)


/* TOP, the physical register that is ST(0) */
static inline int x86_fpu_top(CPUX86State *env)
{
    return (env->fpus >> 11) & 7;
}

/* Make physical register @top ST(0); env->fpregs[] rotates with it. */
void x86_fpu_set_top(CPUX86State *env, int top);

/* FSTENV/FLDENV/FNSAVE/FRSTOR at @ea (operand size and mode from @s/@d) */
void x86_fpu_stenv(X86TCG *s, const TCGInsn *d, uint64_t ea);
void x86_fpu_ldenv(X86TCG *s, const TCGInsn *d, uint64_t ea);
void x86_fpu_fsave(X86TCG *s, const TCGInsn *d, uint64_t ea);
void x86_fpu_frstor(X86TCG *s, const TCGInsn *d, uint64_t ea);

/* ---- the host x87 unit (fpu-host.c) ---- */

/* x87_host_op operations */
enum {
    /* two operands: a = ST(0), b = ST(1); result in a */
    HX_ADD, HX_MUL, HX_SUB, HX_SUBR, HX_DIV, HX_DIVR, HX_COM, HX_UCOM,
    HX_PREM, HX_PREM1, HX_SCALE,
    /* two operands, the host pops: result in a */
    HX_ATAN, HX_YL2X, HX_YL2XP1,
    /* one operand in a, result in a */
    HX_SQRT, HX_SIN, HX_COS, HX_RNDINT, HX_2XM1, HX_TST, HX_XAM,
    /* one operand in a; results: a = new ST(0), b = new ST(1) */
    HX_TAN, HX_SINCOS, HX_XTRACT,
    /* constants into a */
    HX_LD1, HX_LDL2T, HX_LDL2E, HX_LDPI, HX_LDLG2, HX_LDLN2, HX_LDZ,
};

/* Memory formats of loads and stores. */
enum { FM_F32, FM_F64, FM_I16, FM_I32, FM_I64, FM_BCD, FM_F80,
       FM_T16, FM_T32, FM_T64 /* FISTTP */ };

extern const uint8_t x87_fm_size[];

/*
 * Run one operation on the host's x87 unit with the guest's precision and
 * rounding control: a = ST(0), b = ST(1) in and out (see the HX_ groups);
 * returns the host status word (exceptions and condition codes).
 */
uint16_t x87_host_op(CPUX86State *env, int op, X86FPReg *a, X86FPReg *b);
/* Convert @mem in format @fm to 80 bits, and back with rounding. */
uint16_t x87_host_load(CPUX86State *env, int fm, const uint8_t *mem,
                       X86FPReg *out);
uint16_t x87_host_store(CPUX86State *env, int fm, const X86FPReg *in,
                        uint8_t *mem);
/* ST(0) op memory operand (F32, F64, I32, I16), op as in the D8 group. */
uint16_t x87_host_arith_mem(CPUX86State *env, int fm, int op, X86FPReg *a,
                            const uint8_t *mem);

#endif
