/* hello: the smallest guest — prints on COM1 and exits through isa-debug-exit. */
#include "guest.h"
    .text
    .code32
    .globl _start
_start:
    mov $0x80000, %esp
    mov %eax, %ebp              /* multiboot magic */
    call serial_init
    PUTS32("Hello from a kemu test guest\n")
    PUTS32("multiboot magic: ")
    mov %ebp, %eax
    call puthex32
    PUTS32("\n")
    mov $EXIT_PASS, %al
    call exit32
