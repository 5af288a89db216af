/* Exception classes and delivery used by the execution loop (excp.c). */
#ifndef TARGET_X86_TCG_EXCP_H
#define TARGET_X86_TCG_EXCP_H

#include "target/x86/tcg/tcg-cpu.h"

enum { EXC_BENIGN, EXC_CONTRIBUTORY, EXC_PAGE_FAULT, EXC_DOUBLE };

/* Deliver an event of class @cls (exc_depth tracks nested faults). */
void x86_deliver_event(X86TCG *s, int vec, bool is_sw, uint32_t err,
                       bool has_err, uint64_t next_rip, int cls);
/*
 * Deliver the exception recorded by x86_raise() (after the longjmp),
 * turning nested faults into #DF; false on a triple fault (reset requested).
 */
bool x86_handle_exception(X86TCG *s);

#endif
