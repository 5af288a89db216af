/*
 * debug-tcg: the debug features this host's KVM cannot run (it steps
 * guests through its instruction emulator: no data breakpoints, no MOV SS
 * shadow for traps, INT n and IRET refused in protected mode); checked
 * against QEMU's TCG instead.  Data breakpoints of each length and type
 * trap after the access, an I/O breakpoint after the OUT; MOV SS delays a
 * single-step trap by one instruction; INT n clears TF in its handler; an
 * IRET-returning #DB handler single-steps a loop; RF suppresses an
 * instruction breakpoint once; a single-stepped REP MOVSB traps after
 * every iteration.
 */
#include "debug-harness.S"
    .text
    .code32
    .globl _start
_start:
    CLEAR_UNDEFINED_REGS
    mov $0x80000, %esp
    call db_setup
    mov $0x40, %eax
    mov $int40_handler, %edx
    call idt_set_gate32

    /* Data breakpoints: traps after the access, one per register. */
    BEGIN(t1)
    mov $data_area + 4, %eax
    mov %eax, %dr1
    mov $0x00d00404, %eax       /* L1, write, length 4 */
    mov %eax, %dr7
    movl $0, data_area          /* no overlap */
    movl $0, data_area + 8
    mov data_area + 4, %eax     /* a read */
t1: movb $1, data_area + 7      /* overlaps the last byte */
    nop
    REPORT("write breakpoint dr1 len 4: ")

    BEGIN(t2)
    mov $data_area + 2, %eax
    mov %eax, %dr2
    mov $0x07000410, %eax       /* L2, read/write, length 2 */
    mov %eax, %dr7
    movw $0, data_area + 4      /* no overlap */
    mov data_area, %al          /* no overlap */
t2: mov data_area + 1, %ax      /* reads byte 2 */
    nop
    REPORT("read breakpoint dr2 len 2: ")

    BEGIN(t3)
    mov $data_area + 8, %eax
    mov %eax, %dr3
    mov $0x90000440, %eax       /* L3, write, length 8 */
    mov %eax, %dr7
    movl $0, data_area + 16     /* no overlap */
    mov data_area + 12, %eax    /* a read: not a write breakpoint */
t3: movl $5, data_area + 12
    nop
    REPORT("write breakpoint dr3 len 8: ")

    BEGIN(t4)
    mov $data_area + 3, %eax
    mov %eax, %dr0
    mov $0x00030402, %eax       /* G0, read/write, length 1 */
    mov %eax, %dr7
    movb $0, data_area + 2      /* no overlap */
t4: push data_area              /* a 4-byte read that covers byte 3 */
    nop
    add $4, %esp
    REPORT("read/write breakpoint dr0 len 1: ")

    /* I/O breakpoint (CR4.DE): a trap after the OUT to the port. */
    BEGIN(t9)
    mov %cr4, %eax
    or $0x8, %eax
    mov %eax, %cr4
    mov $0x80, %eax
    mov %eax, %dr0
    mov $0x00060401, %eax       /* L0, I/O, length 2: ports 0x80-0x81 */
    mov %eax, %dr7
    mov $0x55, %al
    out %al, $0x82              /* no overlap */
t9: out %al, $0x81
    nop
    REPORT("I/O breakpoint dr0 len 2: ")
    mov %cr4, %eax
    and $~0x8, %eax
    mov %eax, %cr4

    /* A string instruction: the trap comes after the whole rep movsb. */
    BEGIN(t5)
    mov $data_area + 20, %eax
    mov %eax, %dr0
    mov $0x00010401, %eax       /* L0, write, length 1 */
    mov %eax, %dr7
    mov $data_area, %esi
    mov $data_area + 16, %edi
    mov $8, %ecx
    cld
t5: rep movsb
    nop
    REPORT("write breakpoint hit by rep movsb: ")

    /* The MOV SS shadow delays the trap by one instruction. */
    BEGIN(t6)
    mov %ss, %ax
    SET_TF
t6: mov %ax, %ss
    nop
    nop
    nop
    REPORT("single step after mov ss: ")

    /* INT n clears TF in its handler; no trap inside it or after it. */
    BEGIN(t7)
    SET_TF
t7: int $0x40
    nop
    nop
    REPORT("single step over int 0x40: ")
    PUTS32("int 0x40 handler ran with TF: ")
    mov int40_tf, %eax
    call puthex32
    PUTS32("\n")

    /* Stepping a loop with a #DB handler that returns with IRET. */
    mov $1, %eax
    mov $step_handler, %edx
    call idt_set_gate32
    SET_TF
    mov $3, %ecx
1:  dec %ecx
    jnz 1b
    pushf
    andl $~0x100, (%esp)
    popf
    nop
    PUTS32("steps: ")
    mov step_count, %eax
    call puthex32
    PUTS32("\n")

    /* A single-stepped REP MOVSB traps after every iteration. */
    movl $0, step_count
    mov $data_area, %esi
    mov $data_area + 16, %edi
    SET_TF
    mov $3, %ecx
    rep movsb
    pushf
    andl $~0x100, (%esp)
    popf
    nop
    PUTS32("steps over rep movsb with ecx = 3: ")
    mov step_count, %eax
    call puthex32
    PUTS32("\n")

    /* RF (set by the handler in the IRET image) skips the breakpoint once. */
    mov $1, %eax
    mov $rf_handler, %edx
    call idt_set_gate32
    mov $t8, %eax
    mov %eax, %dr0
    mov $0x00000401, %eax
    mov %eax, %dr7
    mov $2, %ecx
t8: dec %ecx
    jnz t8
    xor %eax, %eax
    mov %eax, %dr7
    PUTS32("breakpoint hits with RF: ")
    mov rf_count, %eax
    call puthex32

    PUTS32("\n")

    mov $EXIT_PASS, %al
    call exit32

int40_handler:
    push %eax
    pushf
    pop %eax
    and $0x100, %eax
    mov %eax, int40_tf
    pop %eax
    lret $4

step_handler:
    push %eax
    incl step_count
    xor %eax, %eax
    mov %eax, %dr6
    pop %eax
    iret

rf_handler:
    push %eax
    incl rf_count
    xor %eax, %eax
    mov %eax, %dr6
    orl $0x10000, 12(%esp)      /* EFLAGS image: RF */
    pop %eax
    iret

    .data
int40_tf: .long 0
step_count: .long 0
rf_count: .long 0
