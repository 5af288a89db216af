/*
 * nmi: the local APIC's LINT1 programmed for NMI delivery, as Linux does
 * on the BSP; the guest prints READY and sleeps in HLT until the monitor's
 * inject-nmi / nmi arrives through LINT1 on vector 2, then prints NMI and
 * passes.  Any other interrupt or exception fails.  The handler returns
 * with lret (see pic_irq_counter in common.S), so NMIs stay blocked: one
 * NMI per boot.
 */
#include "guest.h"

#define APIC_BASE 0xfee00000
#define APIC_SVR (APIC_BASE + 0xf0)
#define APIC_LVT_LINT1 (APIC_BASE + 0x360)

    .text
    .code32
    .globl _start
_start:
    CLEAR_UNDEFINED_REGS
    mov $0x80000, %esp
    call setup_gdt32
    call setup_idt32
    call serial_init
    mov $2, %eax
    mov $nmi_handler, %edx
    call idt_set_gate32
    /* APIC software-enabled (spurious vector 0xff), LINT1: NMI, unmasked */
    movl $0x1ff, APIC_SVR
    movl $0x400, APIC_LVT_LINT1
    PUTS32("READY\n")
1:  hlt                             /* IF = 0: only an NMI wakes it */
    cmpl $0, nmi_count
    je 1b
    PUTS32("NMI ")
    mov nmi_count, %eax
    call puthex32
    PUTS32("\n")
    mov $EXIT_PASS, %al
    call exit32

nmi_handler:
    incl nmi_count
    lret $4

    .data
nmi_count: .long 0
