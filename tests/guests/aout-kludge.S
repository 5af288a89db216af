/*
 * aout-kludge: a flat binary (no ELF) whose multiboot header sets flag 16
 * and gives the load addresses; the loader must honour them.  Also checks
 * that the command line (-append) and the module list (-initrd) arrive in
 * the multiboot information structure.
 */
#include "guest.h"
#define KLUDGE_FLAGS (MB_FLAGS | 0x10000)
    .section .multiboot, "a"
    .align 4
mb_header:
    .long MB_MAGIC
    .long KLUDGE_FLAGS
    .long -(MB_MAGIC + KLUDGE_FLAGS)
    .long mb_header             /* header_addr */
    .long 0x100000              /* load_addr */
    .long _edata                /* load_end_addr */
    .long _end                  /* bss_end_addr */
    .long _start                /* entry_addr */

    .text
    .code32
    .globl _start
_start:
    mov $0x80000, %esp
    mov %ebx, %ebp              /* multiboot information */
    call setup_gdt32
    call serial_init
    PUTS32("a.out kludge image running\n")
    /* bss must be zeroed by the loader. */
    mov bss_word, %eax
    PUTS32("bss word: ")
    call puthex32
    PUTS32("\n")
    /* flags bit 2: cmdline */
    testl $4, (%ebp)
    jz 1f
    PUTS32("cmdline: ")
    mov 16(%ebp), %esi
    call puts32
    PUTS32("\n")
1:  /* flags bit 3: modules */
    testl $8, (%ebp)
    jz 2f
    mov 20(%ebp), %eax
    PUTS32("modules: ")
    call puthex32
    PUTS32("\n")
    mov 24(%ebp), %ebx          /* mods_addr */
    mov 8(%ebx), %esi           /* string of module 0 */
    PUTS32("module 0: ")
    call puts32
    PUTS32("\n")
    mov (%ebx), %esi            /* mod_start: the module's bytes */
    PUTS32("module 0 data: ")
    call puts32
    PUTS32("\n")
2:  /* flags bit 0: mem_lower / mem_upper */
    mov 4(%ebp), %eax
    PUTS32("mem_lower: ")
    call puthex32
    PUTS32("\n")
    mov $EXIT_PASS, %al
    call exit32

    .bss
bss_word:
    .long 0
    .skip 4096
