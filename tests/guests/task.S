/*
 * task: hardware task switches in 32-bit protected mode (SDM vol. 3A 7.3).
 * JMP to a TSS descriptor (busy bits move, no back link, CR0.TS set,
 * registers saved and restored), CALL through a task gate (back link,
 * EFLAGS.NT) and IRET back, INT n through an IDT task gate (twice: the
 * handler task resumes after its IRET), #GP through an IDT task gate with
 * its error code on the new task's stack, the #GP/#TS/#NP of bad
 * targets (busy TSS, limit below 0x67, not present), and a #DF through
 * a task gate as 32-bit Linux sets it up; a 16-bit TSS (loaded, then
 * saved when its task leaves); the switch clears DR7's local enables.  Built with TASK_SDM (task-sdm.S), it also checks what QEMU
 * 7.2 lacks: a TSS with the T flag traps (#DB, DR6.BT) before the new
 * task's first instruction.  This host's KVM refuses task
 * switches (its instruction emulator stops at the far JMP): checked
 * against QEMU's TCG.
 */
#include "guest.h"

#define SEL_MAIN 0x30
#define SEL_B    0x38
#define SEL_C    0x40
#define SEL_GATE 0x48           /* task gate to SEL_C */
#define SEL_D    0x50
#define SEL_E    0x58
#define SEL_TINY 0x60           /* TSS limit 0x20: #TS */
#define SEL_NP   0x68           /* not present: #NP */
#define SEL_F    0x70           /* #DF handler task */
#define SEL_G    0x78           /* TSS with the T (debug trap) flag */
#define SEL_H    0x80           /* 16-bit TSS */
#define SEL_HCS  0x88           /* 16-bit code segment based at task_h */
#define TSS_SIZE 0x68

/* Type byte of a descriptor: present, DPL 0, 32-bit available TSS. */
#define TSS_AVAIL 0x89

    .text
    .code32
    .globl _start
_start:
    CLEAR_UNDEFINED_REGS
    mov $0x80000, %esp
    call setup_gdt32
    call setup_idt32
    call serial_init

    /* A bigger GDT: the shared one, then TSS descriptors and a gate. */
    mov $gdt, %esi
    mov $task_gdt, %edi
    mov $6 * 8, %ecx
    cld
    rep movsb
    lgdt task_gdt_ptr

    mov $SEL_MAIN, %eax
    mov $tss_main, %ebx
    mov $TSS_SIZE - 1, %ecx
    mov $TSS_AVAIL, %edx
    call set_desc
    mov $SEL_B, %eax
    mov $tss_b, %ebx
    call set_desc
    mov $SEL_C, %eax
    mov $tss_c, %ebx
    call set_desc
    mov $SEL_D, %eax
    mov $tss_d, %ebx
    call set_desc
    mov $SEL_E, %eax
    mov $tss_e, %ebx
    call set_desc
    mov $SEL_TINY, %eax
    mov $tss_tiny, %ebx
    mov $0x20, %ecx
    call set_desc
    mov $SEL_NP, %eax
    mov $tss_tiny, %ebx
    mov $TSS_SIZE - 1, %ecx
    mov $0x09, %edx             /* not present */
    call set_desc
    mov $SEL_F, %eax
    mov $tss_f, %ebx
    mov $TSS_SIZE - 1, %ecx
    mov $TSS_AVAIL, %edx
    call set_desc
    mov $SEL_G, %eax
    mov $tss_g, %ebx
    call set_desc
    mov $SEL_H, %eax
    mov $tss_h, %ebx
    mov $0x2b, %ecx
    mov $0x81, %edx             /* present 16-bit available TSS */
    call set_desc
    mov $SEL_HCS, %eax
    mov $task_h, %ebx
    mov $0xffff, %ecx
    mov $0x9a, %edx             /* present code, DPL 0, 16-bit */
    call set_desc
    movw $2, tss_h + 0x10       /* FLAGS */
    movw $0x7000, tss_h + 0x1a  /* SP */
    movw $0x10, tss_h + 0x22    /* ES */
    movw $SEL_HCS, tss_h + 0x24 /* CS, IP 0 */
    movw $0x28, tss_h + 0x26    /* SS: 16-bit data */
    movw $0x10, tss_h + 0x28    /* DS */
    movl $SEL_C << 16, task_gdt + SEL_GATE
    movl $0x8500, task_gdt + SEL_GATE + 4

    mov $tss_b, %edi
    mov $task_b, %eax
    mov $0x70000, %edx
    call init_tss
    mov $tss_c, %edi
    mov $task_c, %eax
    mov $0x6f000, %edx
    call init_tss
    mov $tss_d, %edi
    mov $task_d, %eax
    mov $0x6e000, %edx
    call init_tss
    mov $tss_e, %edi
    mov $task_e, %eax
    mov $0x6d000, %edx
    call init_tss
    mov $tss_f, %edi
    mov $task_f, %eax
    mov $0x6c000, %edx
    call init_tss
    mov $tss_g, %edi
    mov $task_g, %eax
    mov $0x6b000, %edx
    call init_tss
#ifdef TASK_SDM
    movw $1, 0x64(%edi)         /* T */
#endif

    /* IDT: vector 0x50 and #GP are task gates; #TS and #NP plain gates. */
    movl $SEL_D << 16, idt32 + 0x50 * 8
    movl $0x8500, idt32 + 0x50 * 8 + 4
    movl $SEL_E << 16, idt32 + 13 * 8
    movl $0x8500, idt32 + 13 * 8 + 4
    movl $SEL_F << 16, idt32 + 8 * 8
    movl $0x8500, idt32 + 8 * 8 + 4
    mov $10, %eax
    mov $ts_handler, %edx
    call idt_set_gate32
    mov $11, %eax
    mov $np_handler, %edx
    call idt_set_gate32

    mov $SEL_MAIN, %ax
    ltr %ax

    /* JMP to task B, which jumps back. */
    mov $0x11111111, %ebx
    mov $0x22222222, %esi
    ljmp $SEL_B, $0
    PUTS32("jmp: in B tr ")
    mov b_tr, %eax
    call puthex32
    PUTS32(" eflags ")
    mov b_eflags, %eax
    call puthex32
    PUTS32(" cr0.ts ")
    mov b_ts, %eax
    call puthex32
    PUTS32(" main/B types ")
    mov b_types, %eax
    call puthex32
    PUTS32("\nback in main: ebx ")
    mov %ebx, %eax
    call puthex32
    PUTS32(" esi ")
    mov %esi, %eax
    call puthex32
    PUTS32(" tr ")
    str %eax
    call puthex32
    PUTS32(" main/B types ")
    call get_types_b
    call puthex32
    PUTS32("\n")
    clts

    /* CALL through a task gate; task C returns with IRET. */
    lcall $SEL_GATE, $0
    PUTS32("call gate: in C tr ")
    mov c_tr, %eax
    call puthex32
    PUTS32(" nt ")
    mov c_nt, %eax
    call puthex32
    PUTS32(" back link ")
    mov c_link, %eax
    call puthex32
    PUTS32(" main/C types ")
    mov c_types, %eax
    call puthex32
    PUTS32("\nafter iret: main/C types ")
    call get_types_c
    call puthex32
    PUTS32(" nt ")
    pushf
    pop %eax
    and $0x4000, %eax
    call puthex32
    PUTS32("\n")

    /* INT 0x50 through an IDT task gate, twice. */
    int $0x50
    int $0x50
    PUTS32("int 0x50 task runs: ")
    mov d_count, %eax
    call puthex32
    PUTS32(" back link ")
    mov d_link, %eax
    call puthex32
    PUTS32(" eax in main ")
    mov $0x33333333, %eax       /* task D does not touch main's EAX */
    int $0x50
    call puthex32
    PUTS32("\n")

    /* Faults: JMP to the busy main TSS is #GP (through task E). */
    ljmp $SEL_MAIN, $0
    PUTS32("jmp to busy TSS: #GP task error ")
    mov e_err, %eax
    call puthex32
    PUTS32(" runs ")
    mov e_count, %eax
    call puthex32
    PUTS32("\n")
    ljmp $SEL_TINY, $0
    PUTS32("jmp to TSS with limit 0x20: ")
    call print_fault
    ljmp $SEL_NP, $0
    PUTS32("jmp to TSS not present: ")
    call print_fault

    /* #NP while its own gate is not present: #DF, through task F. */
    andl $~0x8000, idt32 + 11 * 8 + 4
    ljmp $SEL_NP, $0
    PUTS32("double fault task: error ")
    mov df_err, %eax
    call puthex32
    PUTS32(" back link ")
    mov df_link, %eax
    call puthex32
    PUTS32("\n")

    /* A 16-bit TSS: its task runs, then its state is saved in 16 bits. */
    ljmp $SEL_H, $0
    PUTS32("16-bit task: tr ")
    mov h_tr, %eax
    call puthex32
    PUTS32(" saved ip ")
    movzwl tss_h + 0x0e, %eax
    call puthex32
    PUTS32(" sp ")
    movzwl tss_h + 0x1a, %eax
    call puthex32
    PUTS32(" bx ")
    movzwl tss_h + 0x18, %eax
    call puthex32
    PUTS32(" cs ")
    movzwl tss_h + 0x24, %eax
    call puthex32
    PUTS32("\n")

    /* T flag and DR7: L0 (cleared by the switch) and G0 (kept). */
    mov $1, %eax
    mov $db_handler, %edx
    call idt_set_gate32
    mov $unused_code, %eax
    mov %eax, %dr0
    mov $0x403, %eax
    mov %eax, %dr7
    ljmp $SEL_G, $0
    mov %dr7, %eax
    mov %eax, g_dr7
    mov $0x400, %eax
    mov %eax, %dr7
    PUTS32("dr7 after a task switch with L0 G0: ")
    mov g_dr7, %eax
    call puthex32
    PUTS32("\n")
#ifdef TASK_SDM
    PUTS32("T flag: #DB count ")
    mov db_count, %eax
    call puthex32
    PUTS32(" at task entry +")
    mov db_eip, %eax
    sub $task_g, %eax
    call puthex32
    PUTS32(" dr6 ")
    mov db_dr6, %eax
    and $0xffff, %eax
    call puthex32
    PUTS32("\n")
#endif

    mov $EXIT_PASS, %al
    call exit32

task_g:
    ljmp $SEL_MAIN, $0

/* The 16-bit task: CS is based here; data through the flat DS. */
    .code16
task_h:
    str %ax
    addr32 movw %ax, h_tr
    push %ax
    mov $0x4321, %bx
    ljmp $SEL_MAIN, $0
    .code32
unused_code:
    hlt

/* #DB (interrupt gate): record DR6 and EIP, clear DR6, lret. */
db_handler:
    push %eax
    incl db_count
    mov %dr6, %eax
    mov %eax, db_dr6
    mov 4(%esp), %eax
    mov %eax, db_eip
    xor %eax, %eax
    mov %eax, %dr6
    pop %eax
    lret $4

/* set_desc: GDT entry eax = system descriptor base ebx, limit ecx, type dl. */
set_desc:
    push %edi
    lea task_gdt(%eax), %edi
    mov %cx, (%edi)
    mov %bx, 2(%edi)
    push %ebx
    shr $16, %ebx
    mov %bl, 4(%edi)
    mov %dl, 5(%edi)
    mov %bh, 7(%edi)
    pop %ebx
    movb $0, 6(%edi)
    pop %edi
    ret

/* init_tss: TSS at edi starts at eax with esp edx, flat segments. */
init_tss:
    movl %eax, 0x20(%edi)       /* EIP */
    movl $2, 0x24(%edi)         /* EFLAGS */
    movl %edx, 0x38(%edi)       /* ESP */
    movl $0x10, 0x48(%edi)      /* ES */
    movl $0x08, 0x4c(%edi)      /* CS */
    movl $0x10, 0x50(%edi)      /* SS */
    movl $0x10, 0x54(%edi)      /* DS */
    movl $0x10, 0x58(%edi)      /* FS */
    movl $0x10, 0x5c(%edi)      /* GS */
    movw $TSS_SIZE, 0x66(%edi)  /* no I/O bitmap */
    ret

/* Types (low nibble of byte 5) of main's and another TSS: 0xMMXX. */
get_types_b:
    mov $SEL_B, %eax
    jmp 1f
get_types_c:
    mov $SEL_C, %eax
1:  push %edx
    movzbl task_gdt + 5(%eax), %eax
    and $0xf, %eax
    movzbl task_gdt + SEL_MAIN + 5, %edx
    and $0xf, %edx
    shl $8, %edx
    or %edx, %eax
    pop %edx
    ret

print_fault:
    PUTS32("vector ")
    mov f_vec, %eax
    call puthex32
    PUTS32(" error ")
    mov f_err, %eax
    call puthex32
    PUTS32("\n")
    ret

task_b:
    str %eax
    mov %eax, b_tr
    pushf
    pop %eax
    mov %eax, b_eflags
    mov %cr0, %eax
    and $8, %eax
    mov %eax, b_ts
    call get_types_b
    mov %eax, b_types
    xor %ebx, %ebx              /* main's registers come from its TSS */
    xor %esi, %esi
    ljmp $SEL_MAIN, $0

task_c:
    str %eax
    mov %eax, c_tr
    pushf
    pop %eax
    and $0x4000, %eax
    mov %eax, c_nt
    movzwl tss_c, %eax
    mov %eax, c_link
    call get_types_c
    mov %eax, c_types
    iret

task_d:
    incl d_count
    movzwl tss_d, %eax
    mov %eax, d_link
    iret
    jmp task_d

/* #GP handler task: the error code is on its stack; skip the 7-byte ljmp. */
task_e:
    pop %eax
    mov %eax, e_err
    incl e_count
    addl $7, tss_main + 0x20
    iret
    jmp task_e

/* #DF task: restores the #NP gate, skips main's 7-byte ljmp. */
task_f:
    pop %eax
    mov %eax, df_err
    movzwl tss_f, %eax
    mov %eax, df_link
    orl $0x8000, idt32 + 11 * 8 + 4
    addl $7, tss_main + 0x20
    iret
    jmp task_f

/* #TS, #NP: record vector and error code, skip the 7-byte ljmp, lret. */
ts_handler:
    movl $10, f_vec
    jmp 1f
np_handler:
    movl $11, f_vec
1:  push %eax
    mov 4(%esp), %eax
    mov %eax, f_err
    pop %eax
    add $4, %esp
    addl $7, (%esp)
    lret $4

    .data
    .align 8
task_gdt:
    .skip 0x90
    .align 4
    .word 0
task_gdt_ptr:
    .word 0x90 - 1
    .long task_gdt
b_tr: .long 0
b_eflags: .long 0
b_ts: .long 0
b_types: .long 0
c_tr: .long 0
c_nt: .long 0
c_link: .long 0
c_types: .long 0
d_count: .long 0
d_link: .long 0
e_err: .long 0
e_count: .long 0
f_vec: .long 0
f_err: .long 0
df_err: .long 0xdead
df_link: .long 0
db_count: .long 0
db_eip: .long 0
db_dr6: .long 0
g_dr7: .long 0
h_tr: .long 0

    .bss
    .align 16
tss_main: .skip TSS_SIZE
tss_b: .skip TSS_SIZE
tss_c: .skip TSS_SIZE
tss_d: .skip TSS_SIZE
tss_e: .skip TSS_SIZE
tss_f: .skip TSS_SIZE
tss_g: .skip TSS_SIZE
tss_h: .skip TSS_SIZE
tss_tiny: .skip TSS_SIZE
