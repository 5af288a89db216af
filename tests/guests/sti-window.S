/*
 * sti-window: an interrupt that is pending while IF = 0 is taken right
 * after the instruction that follows STI (SDM 6.8.3), even when the next
 * instruction clears IF again: "sti; nop; cli".  ISA IRQ 5 is raised
 * through pc-testdev.  Software CPU and QEMU only: this host's KVM takes
 * such an interrupt only at HLT.
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
    mov $0x25, %eax
    mov $pic_irq_counter, %edx
    call idt_set_gate32
    mov $0xffdf, %ax            /* only IRQ5 unmasked */
    call pic_init32

    mov $0x2005, %dx
    mov $1, %al
    out %al, %dx                /* IRQ5 pending, IF = 0 */
    sti
    nop                         /* the shadow; the interrupt comes after it */
    cli
    movl pic_irq_count, %ebx
    mov $0, %al
    out %al, %dx
    PUTS32("interrupts in the sti window: ")
    mov %ebx, %eax
    call puthex32
    PUTS32("\n")

    /* The same after MOV SS, which opens the same one-instruction shadow. */
    mov $1, %al
    out %al, %dx
    mov %ss, %ax
    sti
    mov %ax, %ss
    nop
    cli
    movl pic_irq_count, %ebx
    mov $0, %al
    out %al, %dx
    PUTS32("after sti; mov ss; nop; cli: ")
    mov %ebx, %eax
    call puthex32
    PUTS32("\n")

    mov $EXIT_PASS, %al
    call exit32
