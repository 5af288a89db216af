/*
 * testdev: QEMU's pc-testdev (-device pc-testdev): the scratch register
 * at 0xe0-0xe3 by byte, word and dword lanes, the 64 KiB scratch MMIO at
 * 0xff000000, an ISA IRQ line (5) raised and lowered through port 0x2005
 * and taken through the i8259, and the page-flush port 0xe4 leaving the
 * page's contents intact.
 */
#include "guest.h"
#define TESTDEV_MMIO 0xff000000
    .text
    .code32
    .globl _start
_start:
    CLEAR_UNDEFINED_REGS
    mov $0x80000, %esp
    call setup_gdt32
    call setup_idt32
    call serial_init

    /* Scratch register: a dword, then single lanes over it. */
    mov $0x12345678, %eax
    out %eax, $0xe0
    in $0xe0, %eax
    PUTS32("scratch dword: ")
    call puthex32
    PUTS32("\n")
    xor %eax, %eax
    in $0xe1, %al
    PUTS32("scratch byte 1: ")
    call puthex32
    PUTS32("\n")
    mov $0xab, %al
    out %al, $0xe2
    mov $0xcdef, %ax
    out %ax, $0xe0
    in $0xe0, %eax
    PUTS32("scratch after byte 2 and word 0: ")
    call puthex32
    PUTS32("\n")
    xor %eax, %eax
    in $0xe2, %ax
    PUTS32("scratch word 2: ")
    call puthex32
    PUTS32("\n")

    /* Scratch MMIO: dword store, byte and unaligned word loads, the end. */
    movl $0xdeadbeef, TESTDEV_MMIO
    movzbl TESTDEV_MMIO + 1, %eax
    PUTS32("mmio byte 1: ")
    call puthex32
    PUTS32("\n")
    movzwl TESTDEV_MMIO + 1, %eax
    PUTS32("mmio word at 1: ")
    call puthex32
    PUTS32("\n")
    movl $0x01020304, TESTDEV_MMIO + 0xfffc
    mov TESTDEV_MMIO + 0xfffc, %eax
    PUTS32("mmio last dword: ")
    call puthex32
    PUTS32("\n")

    /* i8259 at vectors 0x20/0x28, only IRQ5 unmasked. */
    mov $0x25, %eax
    mov $pic_irq_counter, %edx
    call idt_set_gate32
    mov $0xffdf, %ax
    call pic_init32

    /*
     * Raise ISA IRQ 5 through the test device; the handler counts it.
     * The pending interrupt ends the HLT (this host's KVM injects it at
     * HLT, not within a few instructions after STI).
     */
    mov $1, %al
    mov $0x2005, %dx
    out %al, %dx
    sti
    hlt
    cli
    mov $0, %al
    out %al, %dx
    PUTS32("irq5 interrupts: ")
    mov pic_irq_count, %eax
    call puthex32
    PUTS32("\n")
    /* A second edge after lowering the line. */
    mov $1, %al
    out %al, %dx
    sti
    hlt
    cli
    mov $0, %al
    out %al, %dx
    PUTS32("irq5 interrupts after a second edge: ")
    mov pic_irq_count, %eax
    call puthex32
    PUTS32("\n")
    mov $0xff, %al
    out %al, $0x21

    /* Flush a page of RAM: what it held is still there. */
    movl $0x600df00d, flush_target
    mov $flush_target, %eax
    out %eax, $0xe4
    mov flush_target, %eax
    PUTS32("after page flush: ")
    call puthex32
    PUTS32("\n")

    mov $EXIT_PASS, %al
    call exit32

    .bss
    .align 4096
flush_target:
    .skip 4096
