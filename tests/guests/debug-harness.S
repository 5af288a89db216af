/*
 * Shared by the debug guests (debug*.S): a #DB handler that records the
 * count, DR6 and the return EIP relative to the test's label, then clears
 * DR6 and DR7 and returns with lret (dropping the saved EFLAGS, so TF is
 * off again: this host's KVM refuses IRET in protected mode), and a
 * report of that record.  DR6 is printed masked to its low 16 bits: bit
 * 16 reads 0 under this host's KVM, 1 under QEMU.
 */
#include "guest.h"

/* Start a test: reset the record; EIPs count from label @base. */
#define BEGIN(base)                 \
    movl $base, db_base;            \
    movl $0, db_count;              \
    movl $0xdead, db_eip;           \
    movl $0, db_dr6

/* Print "str count +eip dr6 bits". */
#define REPORT(str)                 \
    PUTS32(str);                    \
    call db_report

#define SET_TF                      \
    pushf;                          \
    orl $0x100, (%esp);             \
    popf

    .text
    .code32
/*
 * db_setup: the shared GDT and IDT, COM1, the #DB gate, DR0-DR3 and DR6
 * cleared.  Clobbers eax, edx.
 */
db_setup:
    call setup_gdt32
    call setup_idt32
    call serial_init
    mov $1, %eax
    mov $db_handler, %edx
    call idt_set_gate32
    xor %eax, %eax
    mov %eax, %dr0
    mov %eax, %dr1
    mov %eax, %dr2
    mov %eax, %dr3
    mov %eax, %dr6
    ret

db_report:
    mov db_count, %eax
    call puthex32
    PUTS32(" +")
    mov db_eip, %eax
    call puthex32
    PUTS32(" dr6 ")
    mov db_dr6, %eax
    and $0xffff, %eax
    call puthex32
    PUTS32("\n")
    ret

db_handler:
    push %eax
    mov %dr6, %eax
    mov %eax, db_dr6
    mov 4(%esp), %eax
    sub db_base, %eax
    mov %eax, db_eip
    incl db_count
    xor %eax, %eax
    mov %eax, %dr6
    mov $0x400, %eax
    mov %eax, %dr7
    pop %eax
    lret $4

    .data
    .align 8
data_area:
    .skip 32
db_base: .long 0
db_count: .long 0
db_eip: .long 0
db_dr6: .long 0
    .text
