/*
 * xpage: a block whose last instruction crosses into the next page, run
 * often enough to be translated, keeps seeing that page's bytes: after a
 * write to the second page alone, and (paging on) after the second linear
 * page is mapped to another physical page.  The calls come from the first
 * page, where a direct jump into the block could be chained.
 */
#include "guest.h"
#define RUNS 64
    .text
    .code32
    .globl _start
_start:
    mov $0x80000, %esp
    call serial_init
    PUTS32("xpage: start\n")
    /* the second page in the TLB: the crossing MOV joins its block */
    movzbl tail, %eax
    call run_xfn
    call puthex32
    PUTS32("\n")

    /* rewrite the two immediate bytes on the second page only */
    movw $0x2222, imm + 2
    call run_xfn
    call puthex32
    PUTS32("\n")

    /* one page table identity-mapping 0..4 MiB */
    mov $page_table, %edi
    mov $3, %eax
    mov $1024, %ecx
1:  mov %eax, (%edi)
    add $4, %edi
    add $4096, %eax
    loop 1b
    mov $page_table + 3, %eax
    mov %eax, page_dir
    mov $page_dir, %eax
    mov %eax, %cr3
    mov %cr0, %eax
    or $0x80000000, %eax
    mov %eax, %cr0
    call run_xfn
    call puthex32
    PUTS32("\n")

    /* a copy of the second page with other immediate bytes, mapped there */
    mov $xpage_page + 4096, %esi
    mov $alt_page, %edi
    mov $1024, %ecx
    rep movsl
    movw $0x3333, alt_page + (imm + 2 - (xpage_page + 4096))
    mov $xpage_page + 4096, %edi
    shr $12, %edi
    movl $alt_page + 3, page_table(, %edi, 4)
    invlpg xpage_page + 4096
    call run_xfn
    call puthex32
    PUTS32("\nxpage: pass\n")
    mov $EXIT_PASS, %al
    call exit32

    .p2align 12
xpage_page:
/* eax = what xfn's MOV loads, after RUNS calls */
run_xfn:
    push %ecx
    mov $RUNS, %ecx
2:  call xfn
    loop 2b
    pop %ecx
    ret

    .org xpage_page + 4096 - 5
xfn:
    inc %edx
    nop
    .byte 0xb8                  /* mov $imm32, %eax: 2 bytes on each page */
imm:
    .long 0x11111111
tail:
    ret

    .bss
    .align 4096
page_dir: .skip 4096
page_table: .skip 4096
alt_page: .skip 4096
