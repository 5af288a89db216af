/*
 * modes: the same guest runs 32-bit protected mode, drops to 16-bit
 * protected mode and real mode (code copied below 64 KiB) and back, then
 * enters long mode (PAE, 4-level paging with 2 MiB pages, EFER.LME),
 * computes in 64-bit registers and takes an interrupt through a 64-bit IDT.
 */
#include "guest.h"
#define RM_BASE 0x7000
    .text
    .code32
    .globl _start
_start:
    CLEAR_UNDEFINED_REGS
    mov $0x80000, %esp
    call setup_gdt32
    call serial_init
    PUTS32("32-bit protected mode\n")

    /* Copy the real-mode snippet to RM_BASE and run it. */
    mov $rm_start, %esi
    mov $RM_BASE, %edi
    mov $rm_end - rm_start, %ecx
    cld
    rep movsb
    mov %esp, saved_esp
    ljmp $0x20, $RM_BASE
back_in_32:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov saved_esp, %esp
    PUTS32("back in 32-bit protected mode\n")

    /* Long mode: identity-map the first 1 GiB with 2 MiB pages. */
    call enable_long_mode32
    ljmp $0x18, $long_mode

/* ---- 16-bit part, position-independent relative to RM_BASE ---- */
    .code16
rm_start:
    /* 16-bit protected mode with 64 KiB data segments. */
    mov $0x28, %ax
    mov %ax, %ds
    mov %ax, %ss
    mov %cr0, %eax
    and $~1, %eax
    mov %eax, %cr0
    ljmp $0, $(RM_BASE + rm_real - rm_start)
rm_real:
    xor %ax, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $0x6ff0, %sp
    mov $(RM_BASE + rm_msg - rm_start), %si
2:  lodsb
    test %al, %al
    jz 3f
    mov %al, %bl
    mov $COM1 + 5, %dx
4:  in %dx, %al
    test $0x20, %al
    jz 4b
    mov %bl, %al
    mov $COM1, %dx
    out %al, %dx
    jmp 2b
3:  /* A 16-bit computation: 0x1234 * 0x10 = 0x12340 in DX:AX. */
    mov $0x1234, %ax
    mov $0x10, %cx
    mul %cx
    mov %dx, RM_BASE + rm_result - rm_start + 2
    mov %ax, RM_BASE + rm_result - rm_start
    /* Back to protected mode. */
    lgdtl RM_BASE + rm_gdt_ptr - rm_start
    mov %cr0, %eax
    or $1, %eax
    mov %eax, %cr0
    ljmpl $0x08, $back_in_32
rm_msg:
    .asciz "real mode: hello through port I/O\n"
    .align 4
rm_result:
    .long 0
    .word 0
rm_gdt_ptr:
    .word 6 * 8 - 1             /* the 6-entry GDT of common.S */
    .long gdt
rm_end:

/* ---- 64-bit part ---- */
    .code64
long_mode:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $0x80000, %rsp
    lea msg_long(%rip), %rsi
    call puts64
    mov RM_BASE + rm_result - rm_start, %eax
    lea msg_rm_result(%rip), %rsi
    call puts64
    call puthex64
    call newline64

    /* 64-bit arithmetic: 0x123456789 * 0x1000 + rotate. */
    mov $0x123456789, %rax
    shl $12, %rax
    mov $0xfedcba9876543210, %rbx
    xor %rbx, %rax
    ror $8, %rax
    lea msg_calc(%rip), %rsi
    call puts64
    call puthex64
    call newline64

    /*
     * RDTSC in a loop (translated after its first runs): EDX:EAX never
     * goes backwards and the upper halves of RAX and RDX are zero.
     */
    xor %r8d, %r8d
    xor %r9d, %r9d
    mov $300, %ecx
1:  mov $-1, %rax
    mov $-1, %rdx
    rdtsc
    mov %rax, %r10
    or %rdx, %r10
    shr $32, %r10
    add %r10, %r9
    shl $32, %rdx
    or %rdx, %rax
    cmp %r8, %rax
    jae 2f
    inc %r9
2:  mov %rax, %r8
    dec %ecx
    jnz 1b
    mov %r9, %rax
    xor %r8d, %r8d              /* (no TSC value in a KVM error dump) */
    xor %edx, %edx
    lea msg_rdtsc(%rip), %rsi
    call puts64
    call puthex64
    call newline64

    /*
     * CALL/RET pairs the translator predicts (its return stack): a
     * recursion deeper than the stack, RETs reached by a JMP (Linux's
     * return thunk) and a RET to a rewritten address (a retpoline), 20
     * times so that the blocks get translated.
     */
    xor %eax, %eax
    mov $20, %r12d
3:  mov $100, %ecx
    call rec64
    call retpoline64
    dec %r12d
    jnz 3b
    lea msg_calls(%rip), %rsi
    call puts64
    call puthex64
    call newline64

    /* 64-bit IDT with vector 0x40 and an INT instruction. */
    lea handler64(%rip), %rax
    lea idt64(%rip), %rdi
    add $0x40 * 16, %rdi
    mov %ax, (%rdi)
    movw $0x18, 2(%rdi)
    movw $0x8e00, 4(%rdi)
    shr $16, %rax
    mov %ax, 6(%rdi)
    shr $16, %rax
    mov %eax, 8(%rdi)
    movl $0, 12(%rdi)
    lidt idt64_ptr(%rip)
    int $0x40
    lea msg_after_int(%rip), %rsi
    call puts64
    mov $EXIT_PASS, %al
    out %al, $DEBUG_EXIT_PORT
5:  hlt
    jmp 5b

/* rax = (rax + rcx) * 3 + 1 after the recursive call for rcx - 1 */
rec64:
    add %rcx, %rax
    dec %ecx
    jz 1f
    call rec64
1:  lea 1(%rax, %rax, 2), %rax
    jmp return_thunk64
return_thunk64:
    ret

/* returns through a RET whose return address was rewritten: rax += 7 */
retpoline64:
    call 1f
2:  pause
    jmp 2b
1:  lea 3f(%rip), %r11
    mov %r11, (%rsp)
    ret
3:  add $7, %rax
    ret

handler64:
    lea msg_int(%rip), %rsi
    call puts64
    iretq

puts64:
    push %rax
    push %rdx
1:  lodsb
    test %al, %al
    jz 3f
    mov %al, %ah
    mov $COM1 + 5, %dx
2:  in %dx, %al
    test $0x20, %al
    jz 2b
    mov %ah, %al
    mov $COM1, %dx
    out %al, %dx
    jmp 1b
3:  pop %rdx
    pop %rax
    ret

/* puthex64: print %rax as 16 hex digits. */
puthex64:
    push %rax
    push %rbx
    push %rcx
    push %rdx
    mov %rax, %rbx
    mov $16, %ecx
1:  rol $4, %rbx
    mov %ebx, %eax
    and $0xf, %eax
    cmp $10, %al
    jb 2f
    add $'a' - '0' - 10, %al
2:  add $'0', %al
    mov %al, %ah
    mov $COM1 + 5, %dx
3:  in %dx, %al
    test $0x20, %al
    jz 3b
    mov %ah, %al
    mov $COM1, %dx
    out %al, %dx
    loop 1b
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    ret

newline64:
    push %rsi
    lea msg_nl(%rip), %rsi
    call puts64
    pop %rsi
    ret

    .section .rodata
msg_long: .asciz "64-bit long mode\n"
msg_rm_result: .asciz "real-mode mul result: "
msg_calc: .asciz "64-bit arithmetic: "
msg_rdtsc: .asciz "rdtsc errors: "
msg_calls: .asciz "call/ret result: "
msg_int: .asciz "interrupt 0x40 through the 64-bit IDT\n"
msg_after_int: .asciz "returned from the interrupt\n"
msg_nl: .asciz "\n"

    .data
    .align 4
    .word 0
idt64_ptr:
    .word 256 * 16 - 1
    .quad idt64
saved_esp:
    .long 0

    .bss
    .align 16
idt64: .skip 256 * 16
