/* Hardware task switching (task.c), called from far transfers and IDT delivery. */
#ifndef TARGET_X86_TCG_TASK_H
#define TARGET_X86_TCG_TASK_H

#include "target/x86/tcg/tcg-cpu.h"

/* What started the switch: decides busy bits, back link and NT. */
enum { TASK_JMP, TASK_CALL, TASK_IRET, TASK_INT };

/*
 * Switch to the TSS whose descriptor (@e1, @e2) selector @sel names; the
 * old task resumes at @next_eip.  @ext is the EXT bit of error codes; an
 * exception's error code (@has_err) is pushed on the new task's stack.
 */
void x86_task_switch(X86TCG *s, uint16_t sel, uint32_t e1, uint32_t e2,
                     int source, uint64_t next_eip, int ext,
                     bool has_err, uint32_t err);
/* Through a task gate (its descriptor words; DPL and P already checked). */
void x86_task_gate(X86TCG *s, uint32_t e1, uint32_t e2, int source,
                   uint64_t next_eip, int ext, bool has_err, uint32_t err);
/* JMP/CALL far to a TSS descriptor or a task gate: privilege checks first. */
void x86_task_far(X86TCG *s, uint16_t sel, uint32_t e1, uint32_t e2,
                  int source, uint64_t next_eip);
/* IRET with EFLAGS.NT set (not in long mode). */
void x86_task_return(X86TCG *s, uint64_t next_eip);

#endif
