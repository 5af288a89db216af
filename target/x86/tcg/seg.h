/*
 * Private helpers of the system part of the software CPU (seg.c, excp.c,
 * sys.c): implicit supervisor accesses, descriptors, stacks that are not
 * yet SS:RSP.
 */
#ifndef TARGET_X86_TCG_SEG_H
#define TARGET_X86_TCG_SEG_H

#include "target/x86/tcg/tcg-cpu.h"

/* Linear accesses with supervisor privilege (GDT, IDT, TSS). */
uint64_t x86_sys_ld(X86TCG *s, uint64_t lin, int size);
void x86_sys_st(X86TCG *s, uint64_t lin, int size, uint64_t v);

/* Descriptor of @sel from the GDT/LDT; false when outside the table. */
bool x86_desc_read(X86TCG *s, uint16_t sel, uint32_t *e1, uint32_t *e2);
uint64_t x86_desc_base(uint32_t e1, uint32_t e2);
/* Set the accessed bit of @sel's descriptor (in *@e2 and in memory). */
void x86_desc_set_accessed(X86TCG *s, uint16_t sel, uint32_t *e2);
uint32_t x86_desc_limit(uint32_t e1, uint32_t e2);
void x86_seg_cache(X86TCG *s, int seg, uint16_t sel, uint32_t e1,
                   uint32_t e2);
void x86_seg_null(X86TCG *s, int seg, uint16_t sel);
/* Real/V86 load: base = sel << 4 (V86 also sets limit and attributes). */
void x86_seg_real(X86TCG *s, int seg, uint16_t sel);
void x86_tss_stack(X86TCG *s, int dpl, uint16_t *ss, uint64_t *sp, int ext);
void x86_load_inner_ss(X86TCG *s, uint16_t ss, int dpl, int ext,
                       uint32_t *e1, uint32_t *e2);
/* EFLAGS write that keeps the lazy flags consistent. */
void x86_load_eflags(X86TCG *s, uint32_t val, uint32_t mask);

/* A stack given by base/sp/mask, used while SS may change. */
typedef struct X86Stack {
    uint64_t base, sp, mask;
} X86Stack;
void x86_stack_cur(X86TCG *s, X86Stack *st);
void x86_stack_push(X86TCG *s, X86Stack *st, int size, uint64_t v);
uint64_t x86_stack_pop(X86TCG *s, X86Stack *st, int size);
void x86_stack_commit(X86TCG *s, X86Stack *st);
uint64_t x86_ss_mask(uint32_t flags, bool lma64);

#endif
