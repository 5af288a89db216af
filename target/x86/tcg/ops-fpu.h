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

#endif
