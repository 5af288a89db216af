/*
 * bench-cpu: a CPU-bound loop for `make bench` (32-bit protected mode, no
 * paging).  Each iteration executes exactly BENCH_INSNS_PER_ITER guest
 * instructions: ALU ops, a multiply, a rotate, a near call/ret and a loop
 * branch.  Prints a checksum so runs can be compared between emulators.
 */
#include "guest.h"
#define ITERATIONS 20000000
/* imul add mov shr xor rol lea call ret sub jnz */
#define BENCH_INSNS_PER_ITER 11
    .text
    .code32
    .globl _start
_start:
    mov $0x80000, %esp
    call serial_init
    PUTS32("bench-cpu: start\n")
    mov $ITERATIONS, %ecx
    mov $1, %eax
    xor %ebx, %ebx
    mov $0x12345678, %edx
1:  imul $1103515245, %eax, %eax
    add $12345, %eax
    mov %eax, %esi
    shr $16, %esi
    xor %esi, %ebx
    rol $3, %ebx
    lea (%edx,%esi,2), %edx
    call mix
    sub $1, %ecx
    jnz 1b
    push %edx
    PUTS32("bench-cpu: checksum ")
    mov %ebx, %eax
    call puthex32
    PUTS32(" ")
    pop %eax
    call puthex32
    PUTS32("\n")
    mov $EXIT_PASS, %al
    call exit32

mix:
    ret
