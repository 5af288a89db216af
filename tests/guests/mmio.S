/*
 * mmio: 32-bit loads and stores to device registers in the memory address
 * space — the local APIC (ID, version, TPR) at 0xfee00000 and the IOAPIC
 * (indirect IOREGSEL/IOWIN) at 0xfec00000.
 */
#include "guest.h"
#define LAPIC 0xfee00000
#define IOAPIC 0xfec00000
    .text
    .code32
    .globl _start
_start:
    mov $0x80000, %esp
    call setup_gdt32
    call serial_init

    mov LAPIC + 0x20, %eax
    shr $24, %eax
    PUTS32("lapic id: ")
    call puthex32
    PUTS32("\n")

    mov LAPIC + 0x30, %eax
    PUTS32("lapic version: ")
    call puthex32
    PUTS32("\n")

    movl $0x20, LAPIC + 0x80
    mov LAPIC + 0x80, %eax
    PUTS32("lapic tpr: ")
    call puthex32
    PUTS32("\n")
    movl $0, LAPIC + 0x80

    movl $1, IOAPIC
    mov IOAPIC + 0x10, %eax
    /* The version byte differs between QEMU's model (0x20) and KVM's (0x11). */
    shr $16, %eax
    and $0xff, %eax
    PUTS32("ioapic max redirection entry: ")
    call puthex32
    PUTS32("\n")

    /* Redirection entry 3 low word: write a masked vector, read it back. */
    movl $0x16, IOAPIC
    movl $0x00010042, IOAPIC + 0x10
    mov IOAPIC + 0x10, %eax
    and $0x000100ff, %eax
    PUTS32("ioapic redir 3: ")
    call puthex32
    PUTS32("\n")

    mov $EXIT_PASS, %al
    call exit32
