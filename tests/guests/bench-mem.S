/*
 * bench-mem: a memory-bound loop for `make bench` with paging on (32-bit
 * paging, 4 KiB pages identity-mapping 64 MiB).  Each round reads and
 * writes one dword in each of 8192 pages (32 MiB at 16 MiB), far more
 * pages than a software TLB holds, so every access walks or refills.
 * Each inner iteration is BENCH_INSNS_PER_ITER guest instructions.
 */
#include "guest.h"
#define ROUNDS 2000
#define PAGES 8192
#define BUF 0x1000000
/* mov lea mov add sub jnz */
#define BENCH_INSNS_PER_ITER 6
    .text
    .code32
    .globl _start
_start:
    mov $0x80000, %esp
    call serial_init
    PUTS32("bench-mem: start\n")

    /* 16 page tables identity-mapping 0..64 MiB. */
    mov $page_tables, %edi
    xor %eax, %eax
    mov $16 * 1024, %ecx
1:  mov %eax, %edx
    or $3, %edx
    mov %edx, (%edi)
    add $4, %edi
    add $4096, %eax
    loop 1b
    mov $page_dir, %edi
    mov $page_tables, %eax
    mov $16, %ecx
2:  mov %eax, %edx
    or $3, %edx
    mov %edx, (%edi)
    add $4, %edi
    add $4096, %eax
    loop 2b
    mov $page_dir, %eax
    mov %eax, %cr3
    mov %cr0, %eax
    or $0x80000000, %eax
    mov %eax, %cr0
    PUTS32("bench-mem: paging on\n")

    xor %eax, %eax              /* running sum */
    xor %ebp, %ebp              /* offset within each page */
    mov $ROUNDS, %ebx
3:  lea BUF(%ebp), %edi
    mov $PAGES, %ecx
4:  mov (%edi), %edx
    lea 1(%eax,%edx), %eax
    mov %eax, (%edi)
    add $4096, %edi
    sub $1, %ecx
    jnz 4b
    add $4, %ebp
    and $0xffc, %ebp
    sub $1, %ebx
    jnz 3b

    push %eax
    PUTS32("bench-mem: checksum ")
    pop %eax
    call puthex32
    PUTS32("\n")
    mov $EXIT_PASS, %al
    call exit32

    .bss
    .align 4096
page_dir: .skip 4096
page_tables: .skip 16 * 4096
