/*
 * pit-irq: the i8254 channel 0 in rate-generator mode raises IRQ0 through
 * the i8259 (remapped to vector 0x20); the guest sleeps in HLT between
 * ticks and counts ten of them through an IDT interrupt gate.
 */
#include "guest.h"
    .text
    .code32
    .globl _start
_start:
    CLEAR_UNDEFINED_REGS
    mov $0x80000, %esp
    call setup_gdt32
    call setup_idt32
    call serial_init
    mov $0x20, %eax
    mov $pic_irq_counter, %edx
    call idt_set_gate32

    /* i8259: ICW1..ICW4, master at 0x20, slave at 0x28; only IRQ0 unmasked. */
    mov $0xfffe, %ax
    call pic_init32

    /* i8254 channel 0, lobyte/hibyte, mode 2, divisor 11932 (100 Hz). */
    mov $0x34, %al
    out %al, $0x43
    mov $0x9c, %al
    out %al, $0x40
    mov $0x2e, %al
    out %al, $0x40

    PUTS32("waiting for 10 timer interrupts\n")
1:  sti
    hlt
    cli
    cmpl $10, pic_irq_count
    jb 1b

    PUTS32("timer ticks: ")
    mov pic_irq_count, %eax
    call puthex32
    PUTS32("\n")
    /* Mask the PIT again: no interrupt may arrive after this. */
    mov $0xff, %al
    out %al, $0x21
    mov $EXIT_PASS, %al
    call exit32
