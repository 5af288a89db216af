/*
 * smp: the BSP starts CPU 1 with INIT + SIPI through the local APIC ICR.
 * The AP runs a real-mode trampoline copied to 0x8000 (SIPI vector 0x08),
 * enters 32-bit protected mode, reports its APIC ID and both CPUs add to
 * a shared counter with LOCK-prefixed increments.
 */
#include "guest.h"
#define LAPIC 0xfee00000
#define TRAMPOLINE 0x8000
#define COUNT 5000
    .text
    .code32
    .globl _start
_start:
    CLEAR_UNDEFINED_REGS
    mov $0x80000, %esp
    call setup_gdt32
    call serial_init
    PUTS32("BSP: starting CPU 1\n")

    mov $trampoline_start, %esi
    mov $TRAMPOLINE, %edi
    mov $trampoline_end - trampoline_start, %ecx
    cld
    rep movsb

    /* Software-enable the local APIC (SVR bit 8, spurious vector 0xff). */
    movl $0x1ff, LAPIC + 0xf0
    /* INIT to APIC ID 1, then two SIPIs with vector 0x08 (SDM 8.4.4.1). */
    movl $0x01000000, LAPIC + 0x310
    movl $0x00004500, LAPIC + 0x300
    call wait_icr
    call delay
    mov $2, %ebx
1:  movl $0x01000000, LAPIC + 0x310
    movl $0x00004600 | (TRAMPOLINE >> 12), LAPIC + 0x300
    call wait_icr
    call delay
    cmpl $0, ap_started
    jne 2f
    dec %ebx
    jnz 1b
2:
    /* Wait for the AP (bounded: a broken AP must not hang the test). */
    mov $10000000, %ecx
3:  cmpl $0, ap_started
    jne 4f
    pause
    loop 3b
    PUTS32("FAIL: CPU 1 did not start\n")
    mov $EXIT_FAIL, %al
    call exit32
4:
    mov $COUNT, %ecx
5:  lock incl counter
    loop 5b
    /* Wait until the AP finished its share. */
6:  cmpl $0, ap_done
    pause
    je 6b

    call lock_console
    PUTS32("BSP: CPUs alive: 2\n")
    PUTS32("shared counter: ")
    mov counter, %eax
    call puthex32
    PUTS32("\n")
    call unlock_console
    mov $EXIT_PASS, %al
    call exit32

wait_icr:
    testl $0x1000, LAPIC + 0x300     /* delivery status */
    jnz wait_icr
    ret

delay:
    push %ecx
    mov $100, %ecx
1:  in $0x80, %al
    loop 1b
    pop %ecx
    ret

lock_console:
    push %eax
1:  mov $1, %eax
    xchg %eax, console_lock
    test %eax, %eax
    jz 2f
    pause
    jmp 1b
2:  pop %eax
    ret

unlock_console:
    movl $0, console_lock
    ret

/* The AP arrives here in 32-bit protected mode from the trampoline. */
ap_entry32:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $0x70000, %esp
    lock incl ap_started
    call lock_console
    PUTS32("AP: alive, APIC ID ")
    mov LAPIC + 0x20, %eax
    shr $24, %eax
    call puthex32
    PUTS32("\n")
    call unlock_console
    mov $COUNT, %ecx
1:  lock incl counter
    loop 1b
    movl $1, ap_done
2:  cli
    hlt
    jmp 2b

/* Real-mode trampoline, copied to TRAMPOLINE; CS = 0x0800, IP = 0. */
    .code16
trampoline_start:
    cli
    xor %ax, %ax
    mov %ax, %ds
    lgdtl TRAMPOLINE + tr_gdt_ptr - trampoline_start
    mov %cr0, %eax
    or $1, %eax
    mov %eax, %cr0
    ljmpl $0x08, $ap_entry32
    .align 4
tr_gdt_ptr:
    .word 6 * 8 - 1
    .long gdt
trampoline_end:

    .data
    .align 4
ap_started: .long 0
ap_done: .long 0
counter: .long 0
console_lock: .long 0
