/*
 * kbd: echoes every byte the i8042 delivers on COM1 as "kXX " (keyboard)
 * or "mXX " (mouse), for tests/functional/test_input.py to drive with
 * sendkey, mouse_move and mouse_button.  The mouse is enabled first (its
 * ACK is swallowed); translation starts off, so keys arrive in set 2;
 * after three keyboard bytes the guest turns translation on (command
 * byte bit 6) and prints SET1, so later keys arrive in set 1.
 */
#include "guest.h"

    .text
    .code32
    .globl _start
_start:
    mov $0x80000, %esp
    call serial_init
    cli
    /* command byte: interrupts off, translation off */
    mov $0x60, %al
    out %al, $0x64
    mov $0x00, %al
    out %al, $0x60
    /* mouse: enable data reporting */
    mov $0xd4, %al
    out %al, $0x64
    mov $0xf4, %al
    out %al, $0x60
1:  in $0x64, %al
    test $1, %al
    jz 1b
    in $0x60, %al               /* the mouse's ACK */
    PUTS32("READY\n")
    xor %ebx, %ebx              /* keyboard bytes seen */

poll:
    in $0x64, %al
    test $1, %al
    jz poll
    mov %al, %cl
    in $0x60, %al
    mov %al, %ch
    mov $'k', %al
    test $0x20, %cl
    jz 2f
    mov $'m', %al
2:  call putc32
    cmp $'m', %al
    je 3f
    inc %ebx
3:  mov %ch, %al
    shr $4, %al
    call hexdigit
    mov %ch, %al
    call hexdigit
    mov $' ', %al
    call putc32
    cmp $3, %ebx
    jne poll
    inc %ebx
    /* translation on: set 1 from now on */
    mov $0x60, %al
    out %al, $0x64
    mov $0x40, %al
    out %al, $0x60
    PUTS32("\nSET1\n")
    jmp poll

/* the low nibble of al as a hex digit on COM1 */
hexdigit:
    and $0x0f, %al
    add $'0', %al
    cmp $'9', %al
    jbe 4f
    add $'a' - '9' - 1, %al
4:  jmp putc32
