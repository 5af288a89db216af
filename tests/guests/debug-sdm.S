/*
 * debug-sdm: debug features where QEMU 7.2's TCG departs from the SDM
 * (vol. 3B 17.2-17.3), so only the software CPU runs this guest and the
 * expected output follows the SDM: INT1 (F1) delivers a #DB trap and
 * leaves DR6 alone (QEMU treats it as a gdbstub event); DR7.GD makes the
 * next MOV DRn fault with DR6.BD and is cleared for the handler (QEMU has
 * no general detect); one access that hits two data breakpoints sets both
 * B bits (QEMU reports one); a fault pushes EFLAGS.RF = 1 so that the
 * restarted instruction skips its instruction breakpoint (QEMU pushes 0).
 */
#include "debug-harness.S"
    .text
    .code32
    .globl _start
_start:
    CLEAR_UNDEFINED_REGS
    mov $0x80000, %esp
    call db_setup
    mov $6, %eax
    mov $ud_handler, %edx
    call idt_set_gate32

    BEGIN(t1)
t1: .byte 0xf1
    nop
    REPORT("int1: ")

    BEGIN(t2)
    mov $0x2400, %eax
    mov %eax, %dr7
t2: mov %dr7, %eax
    nop
    REPORT("general detect: ")
    mov %dr7, %eax
    PUTS32("dr7 after general detect: ")
    call puthex32
    PUTS32("\n")

    BEGIN(t3)
    mov $data_area, %eax
    mov %eax, %dr0
    mov $data_area + 4, %eax
    mov %eax, %dr1
    mov $0x00dd0405, %eax       /* L0, L1: write, length 4 */
    mov %eax, %dr7
t3: movl $0, data_area + 2
    nop
    REPORT("one write, two breakpoints: ")

    ud2
    PUTS32("RF in the EFLAGS image of #UD: ")
    mov ud_rf, %eax
    call puthex32
    PUTS32("\n")

    mov $EXIT_PASS, %al
    call exit32

/* lret: this host's KVM refuses IRET in protected mode (see debug.S) */
ud_handler:
    push %eax
    mov 12(%esp), %eax
    and $0x10000, %eax
    mov %eax, ud_rf
    addl $2, 4(%esp)            /* skip ud2 */
    pop %eax
    lret $4

    .data
ud_rf: .long 0
