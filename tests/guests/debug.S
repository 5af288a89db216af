/*
 * debug: debug registers and single-step in 32-bit protected mode, the
 * parts this host's KVM runs (it steps guests through its instruction
 * emulator, which ignores data breakpoints and the MOV SS shadow and
 * refuses INT n and IRET: those are in debug-tcg.S and debug-sdm.S).
 * MOV DRn: reserved bits of DR6/DR7, DR4/DR5 aliasing DR6/DR7 and #UD
 * with CR4.DE; a TF set by POPF traps after the next instruction with
 * DR6.BS; an instruction breakpoint faults before its instruction.
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

    /* DR6 and DR7 reserved bits; DR4/DR5 alias DR6/DR7 without CR4.DE. */
    mov $0x0000e00f, %eax
    mov %eax, %dr6
    mov %dr6, %eax
    and $0xffff, %eax
    PUTS32("dr6 after writing e00f: ")
    call puthex32
    mov $0, %eax
    mov %eax, %dr6
    mov %dr4, %eax
    and $0xffff, %eax
    PUTS32("\ndr4 reads dr6: ")
    call puthex32
    mov $0x00000001, %eax
    mov %eax, %dr5
    mov %dr7, %eax
    PUTS32("\ndr7 after writing 1 to dr5: ")
    call puthex32
    mov $0x400, %eax
    mov %eax, %dr7
    mov %cr4, %eax
    or $0x8, %eax               /* CR4.DE */
    mov %eax, %cr4
    movl $0, ud_count
    mov %dr4, %eax
    mov %cr4, %eax
    and $~0x8, %eax
    mov %eax, %cr4
    PUTS32("\n#UD count for mov dr4 with CR4.DE: ")
    mov ud_count, %eax
    call puthex32
    PUTS32("\n")

    /* TF set by POPF: the trap comes after the next instruction. */
    BEGIN(t1)
    SET_TF
t1: nop
    nop
    nop
    REPORT("single step after popf: ")

    /* Instruction breakpoint: a fault before the instruction runs. */
    BEGIN(t2)
    mov $t2_bp, %eax
    mov %eax, %dr0
    mov $0x00000401, %eax       /* L0, execute, length 1 */
    mov %eax, %dr7
t2: nop
t2_bp:
    nop
    nop
    REPORT("instruction breakpoint dr0: ")
    xor %eax, %eax
    mov %eax, %dr0

    /* A disabled breakpoint and one of another type do not fire. */
    BEGIN(t3)
    mov $t3_bp, %eax
    mov %eax, %dr1
    mov %eax, %dr2
    mov $0x01000410, %eax       /* DR1 disabled; L2, write, length 1 */
    mov %eax, %dr7
t3: nop
t3_bp:
    nop
    REPORT("disabled and write breakpoints on code: ")

    mov $EXIT_PASS, %al
    call exit32

ud_handler:
    incl ud_count
    addl $3, (%esp)             /* skip the 3-byte mov %dr4, %eax */
    lret $4

    .data
ud_count: .long 0
