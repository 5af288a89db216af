/*
 * Shared pieces of the tiny test guests: the multiboot v1 header, a
 * 16550 console on COM1 and exit through isa-debug-exit at port 0xf4.
 * Assembled as 64-bit objects starting in .code32 (the loader enters in
 * 32-bit protected mode, paging off) and converted to ELF32 for the
 * multiboot loader.
 */
#include "guest.h"

    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

    .text
    .code32

/* serial_init: 115200 8N1, FIFOs on.  Clobbers eax, edx. */
    .globl serial_init
serial_init:
    mov $COM1 + 1, %dx
    xor %al, %al
    out %al, %dx            /* IER = 0 */
    mov $COM1 + 3, %dx
    mov $0x80, %al
    out %al, %dx            /* DLAB */
    mov $COM1 + 0, %dx
    mov $1, %al
    out %al, %dx            /* divisor 1 = 115200 */
    mov $COM1 + 1, %dx
    xor %al, %al
    out %al, %dx
    mov $COM1 + 3, %dx
    mov $0x03, %al
    out %al, %dx            /* 8N1 */
    mov $COM1 + 2, %dx
    mov $0x07, %al
    out %al, %dx            /* FIFO on, cleared */
    ret

/* putc32: print %al.  Preserves all but flags. */
    .globl putc32
putc32:
    push %edx
    push %eax
1:  mov $COM1 + 5, %dx
    in %dx, %al
    test $0x20, %al         /* THR empty */
    jz 1b
    pop %eax
    mov $COM1, %dx
    out %al, %dx
    pop %edx
    ret

/* puts32: print the NUL-terminated string at %esi.  Preserves all. */
    .globl puts32
puts32:
    push %esi
    push %eax
1:  lodsb
    test %al, %al
    jz 2f
    call putc32
    jmp 1b
2:  pop %eax
    pop %esi
    ret

/* puthex32: print %eax as 8 hex digits.  Preserves all. */
    .globl puthex32
puthex32:
    push %eax
    push %ecx
    push %edx
    mov %eax, %edx
    mov $8, %ecx
1:  rol $4, %edx
    mov %edx, %eax
    and $0xf, %eax
    cmp $10, %al
    jb 2f
    add $'a' - '0' - 10, %al
2:  add $'0', %al
    call putc32
    loop 1b
    pop %edx
    pop %ecx
    pop %eax
    ret

/* exit32: write %al to isa-debug-exit; the process exits (al << 1) | 1. */
    .globl exit32
exit32:
    out %al, $DEBUG_EXIT_PORT
    /* Not reached with the device present; spin with interrupts off. */
1:  cli
    hlt
    jmp 1b

/*
 * A flat GDT shared by all guests:
 *   0x08 code32, 0x10 data32, 0x18 code64, 0x20 code16 and 0x28 data16
 *   (base 0, limit 64 KiB, for the way back to real mode).
 */
    .data
    .align 16
    .globl gdt
gdt:
    .quad 0
    .quad 0x00cf9a000000ffff
    .quad 0x00cf92000000ffff
    .quad 0x00af9a000000ffff
    .quad 0x00009a000000ffff
    .quad 0x000092000000ffff
gdt_end:
    .align 4
    .word 0
    .globl gdt_ptr
gdt_ptr:
    .word gdt_end - gdt - 1
    .long gdt

    .text
    .code32
/* setup_gdt32: load the GDT above and flat 32-bit segments. */
    .globl setup_gdt32
setup_gdt32:
    lgdt gdt_ptr
    ljmp $0x08, $1f
1:  push %eax
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %fs
    mov %ax, %gs
    mov %ax, %ss
    pop %eax
    ret

/*
 * 32-bit IDT: every vector goes to unexpected_int32 until a guest installs
 * its own handler with idt_set_gate32 (eax = vector, edx = handler).
 */
    .bss
    .align 8
    .globl idt32
idt32:
    .skip 256 * 8
    .data
    .align 4
    .word 0
idt32_ptr:
    .word 256 * 8 - 1
    .long idt32

    .text
    .globl idt_set_gate32
idt_set_gate32:
    push %eax
    push %ebx
    lea idt32(,%eax,8), %ebx
    mov %dx, (%ebx)
    movw $0x08, 2(%ebx)
    movw $0x8e00, 4(%ebx)           /* present, DPL0, 32-bit interrupt gate */
    mov %edx, %eax
    shr $16, %eax
    mov %ax, 6(%ebx)
    pop %ebx
    pop %eax
    ret

/*
 * pic_init32: i8259 pair at vectors 0x20 (master) and 0x28 (slave),
 * cascade on IRQ2, 8086 mode; %al = master mask, %ah = slave mask.
 * Clobbers %eax.
 */
    .globl pic_init32
pic_init32:
    push %eax
    mov $0x11, %al          /* ICW1: edge, cascade, ICW4 needed */
    out %al, $0x20
    out %al, $0xa0
    mov $0x20, %al          /* ICW2: vector bases */
    out %al, $0x21
    mov $0x28, %al
    out %al, $0xa1
    mov $0x04, %al          /* ICW3: slave on IRQ2 */
    out %al, $0x21
    mov $0x02, %al
    out %al, $0xa1
    mov $0x01, %al          /* ICW4: 8086 mode */
    out %al, $0x21
    out %al, $0xa1
    pop %eax
    out %al, $0x21          /* OCW1: masks */
    mov %ah, %al
    out %al, $0xa1
    ret

/*
 * pic_irq_counter: an interrupt handler for IRQs of the master i8259:
 * counts them in pic_irq_count and sends a non-specific EOI.  It returns
 * with lret, dropping the saved EFLAGS (IF stays clear): some hosts run
 * KVM guests through KVM's instruction emulator, which refuses IRET in
 * protected mode.  Callers set IF themselves.
 */
    .globl pic_irq_counter
pic_irq_counter:
    push %eax
    incl pic_irq_count
    mov $0x20, %al
    out %al, $0x20
    pop %eax
    lret $4

    .globl setup_idt32
setup_idt32:
    push %eax
    push %edx
    xor %eax, %eax
    mov $unexpected_int32, %edx
1:  call idt_set_gate32
    inc %eax
    cmp $256, %eax
    jb 1b
    lidt idt32_ptr
    pop %edx
    pop %eax
    ret

unexpected_int32:
    PUTS32("FAIL: unexpected interrupt or exception\n")
    mov $EXIT_FAIL, %al
    call exit32

/*
 * enable_long_mode32: identity-map the first 1 GiB with 2 MiB pages and
 * turn on PAE, EFER.LME and paging; the caller is then in compatibility
 * mode and far-jumps to a 64-bit code segment.  Clobbers eax, ecx, edx, edi.
 */
    .globl enable_long_mode32
enable_long_mode32:
    mov $lm_pdpt, %eax
    or $3, %eax
    mov %eax, lm_pml4
    mov $lm_pd, %eax
    or $3, %eax
    mov %eax, lm_pdpt
    mov $lm_pd, %edi
    mov $0x83, %eax             /* present, writable, 2 MiB */
    mov $512, %ecx
1:  mov %eax, (%edi)
    movl $0, 4(%edi)
    add $0x200000, %eax
    add $8, %edi
    loop 1b
    mov %cr4, %eax
    or $0x20, %eax              /* PAE */
    mov %eax, %cr4
    mov $lm_pml4, %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx
    rdmsr
    or $0x100, %eax             /* LME */
    wrmsr
    mov %cr0, %eax
    or $0x80000000, %eax
    mov %eax, %cr0
    ret

    .bss
    .align 4096
lm_pml4: .skip 4096
lm_pdpt: .skip 4096
lm_pd:   .skip 4096
    .text

    .bss
    .align 4
    .globl pic_irq_count
pic_irq_count:
    .long 0
