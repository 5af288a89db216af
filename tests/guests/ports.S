/*
 * ports: byte, word, dword and string port I/O against the CMOS/RTC,
 * the UART scratch register and fw_cfg (selector word at 0x510, data
 * bytes at 0x511, read with REP INSB).
 */
#include "guest.h"
    .text
    .code32
    .globl _start
_start:
    mov $0x80000, %esp
    call setup_gdt32
    call serial_init

    /* CMOS 0x15/0x16: base memory in KiB (640). */
    mov $0x16, %al
    out %al, $0x70
    in $0x71, %al
    mov %al, %ah
    mov $0x15, %al
    out %al, $0x70
    in $0x71, %al
    movzwl %ax, %eax
    PUTS32("cmos base memory KiB: ")
    call puthex32
    PUTS32("\n")

    /* CMOS register D: valid RAM and time (bit 7). */
    mov $0x0d, %al
    out %al, $0x70
    in $0x71, %al
    movzbl %al, %eax
    PUTS32("cmos register D: ")
    call puthex32
    PUTS32("\n")

    /* UART scratch register keeps what was written. */
    mov $COM1 + 7, %dx
    mov $0x5a, %al
    out %al, %dx
    xor %eax, %eax
    in %dx, %al
    PUTS32("uart scratch: ")
    call puthex32
    PUTS32("\n")

    /* fw_cfg signature through a word selector write and REP INSB. */
    mov $0x510, %dx
    xor %ax, %ax
    out %ax, %dx
    mov $0x511, %dx
    mov $fwcfg_sig, %edi
    mov $4, %ecx
    cld
    rep insb
    PUTS32("fw_cfg signature: ")
    mov $fwcfg_sig, %esi
    call puts32
    PUTS32("\n")

    /* fw_cfg RAM size (8 bytes LE) and CPU count (2 bytes LE). */
    mov $0x510, %dx
    mov $0x03, %ax
    out %ax, %dx
    mov $0x511, %dx
    mov $fwcfg_buf, %edi
    mov $8, %ecx
    rep insb
    mov fwcfg_buf, %eax
    PUTS32("fw_cfg ram size: ")
    call puthex32
    PUTS32("\n")
    mov $0x510, %dx
    mov $0x05, %ax
    out %ax, %dx
    mov $0x511, %dx
    xor %eax, %eax
    in %dx, %al
    PUTS32("fw_cfg cpus: ")
    call puthex32
    PUTS32("\n")

    /* REP OUTSB straight to the UART data register. */
    mov $COM1, %dx
    mov $outs_msg, %esi
    mov $outs_msg_end - outs_msg, %ecx
    rep outsb

    mov $EXIT_PASS, %al
    call exit32

    .data
outs_msg:
    .ascii "rep outsb reached the uart\n"
outs_msg_end:
    .bss
fwcfg_sig:
    .skip 8
fwcfg_buf:
    .skip 8
