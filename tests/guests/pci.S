/*
 * pci: PCI from a guest without firmware help, run with
 * -device virtio-rng-pci,addr=5,disable-modern=on.  Configuration
 * mechanism #1 (the i440FX, PIIX3 and virtio-rng identities, an empty
 * slot), BAR sizing and placement, then a legacy virtio ring that the
 * device fills twice: first completion signalled by MSI-X (vector 0x41
 * through the local APIC; KVM_SIGNAL_MSI under KVM), second by INTx
 * routed by the PIIX3 PIRQA register to ISA IRQ 10 and IOAPIC pin 10
 * (vector 0x42, level; KVM_IRQ_LINE under KVM), acknowledged by reading
 * the virtio ISR.
 */
#include "guest.h"
#define DEV         (5 << 11)           /* bus 0, device 5, function 0 */
#define PIIX3       (1 << 11)
#define IOBASE      0xe000              /* virtio legacy registers */
#define MSIX_BAR    0xfeb00000
#define LAPIC       0xfee00000
#define IOAPIC      0xfec00000
#define RING        0x200000            /* desc, avail, then used at +4K */
#define AVAIL       (RING + 8 * 16)
#define USED        (RING + 0x1000)
#define BUF         0x210000
#define VEC_MSI     0x41
#define VEC_INTX    0x42

    .text
    .code32
    .globl _start
_start:
    CLEAR_UNDEFINED_REGS
    mov $0x80000, %esp
    call setup_gdt32
    call setup_idt32
    call serial_init
    mov $VEC_MSI, %eax
    mov $msi_handler, %edx
    call idt_set_gate32
    mov $VEC_INTX, %eax
    mov $intx_handler, %edx
    call idt_set_gate32
    /* Only the IOAPIC and MSIs: mask both 8259s, software-enable the LAPIC */
    mov $0xff, %al
    out %al, $0x21
    out %al, $0xa1
    movl $0x1ff, LAPIC + 0xf0

    PUTS32("00:00.0 id: ")
    mov $0x0000, %eax
    call cfg_rd32
    call puthex32
    PUTS32("\n00:01.0 id: ")
    mov $PIIX3, %eax
    call cfg_rd32
    call puthex32
    PUTS32("\n00:01.0 header: ")
    mov $PIIX3 + 0x0c, %eax
    call cfg_rd32
    shr $16, %eax
    and $0xff, %eax
    call puthex32
    PUTS32("\n00:05.0 id: ")
    mov $DEV, %eax
    call cfg_rd32
    call puthex32
    PUTS32("\n00:05.0 subsystem: ")
    mov $DEV + 0x2c, %eax
    call cfg_rd32
    call puthex32
    PUTS32("\n00:05.0 pin: ")
    mov $DEV + 0x3c, %eax
    call cfg_rd32
    shr $8, %eax
    and $0xff, %eax
    call puthex32
    PUTS32("\n00:1f.0 id: ")
    mov $0xf800, %eax
    call cfg_rd32
    call puthex32

    /* BAR sizing: all-ones in, size mask out */
    mov $DEV + 0x04, %eax
    xor %edx, %edx
    call cfg_wr32                   /* decoding off while sizing */
    PUTS32("\nbar0 size mask: ")
    mov $DEV + 0x10, %eax
    mov $0xffffffff, %edx
    call cfg_wr32
    call cfg_rd32
    call puthex32
    PUTS32("\nbar1 size mask: ")
    mov $DEV + 0x14, %eax
    call cfg_wr32
    call cfg_rd32
    call puthex32
    mov $DEV + 0x10, %eax
    mov $IOBASE, %edx
    call cfg_wr32
    mov $DEV + 0x14, %eax
    mov $MSIX_BAR, %edx
    call cfg_wr32
    mov $DEV + 0x04, %eax
    mov $0x0007, %edx               /* I/O, memory, bus master */
    call cfg_wr32
    PUTS32("\nbar0: ")
    mov $DEV + 0x10, %eax
    call cfg_rd32
    call puthex32

    /* MSI-X: entry 0 -> LAPIC 0, VEC_MSI; then enable it */
    movl $0xfee00000, MSIX_BAR + 0
    movl $0, MSIX_BAR + 4
    movl $VEC_MSI, MSIX_BAR + 8
    movl $0, MSIX_BAR + 12
    call find_msix
    mov %ebx, %eax
    call cfg_rd32
    or $0x80000000, %eax            /* MSI-X Enable, message control bit 15 */
    mov %eax, %edx
    mov %ebx, %eax
    call cfg_wr32

    /* virtio legacy initialization, queue 0 at RING */
    mov $IOBASE + 18, %dx
    mov $0, %al
    out %al, %dx                    /* reset */
    mov $3, %al
    out %al, %dx                    /* ACKNOWLEDGE | DRIVER */
    PUTS32("\nhost features: ")
    mov $IOBASE + 0, %dx
    in %dx, %eax
    call puthex32
    mov $IOBASE + 4, %dx
    xor %eax, %eax
    out %eax, %dx
    mov $IOBASE + 14, %dx
    xor %eax, %eax
    out %ax, %dx                    /* queue 0 */
    PUTS32("\nqueue size: ")
    mov $IOBASE + 12, %dx
    xor %eax, %eax
    in %dx, %ax
    call puthex32
    mov $IOBASE + 22, %dx           /* queue vector (MSI-X on) */
    xor %eax, %eax
    out %ax, %dx
    in %dx, %ax
    PUTS32("\nqueue vector: ")
    call puthex32
    mov $IOBASE + 8, %dx
    mov $RING >> 12, %eax
    out %eax, %dx
    mov $IOBASE + 18, %dx
    mov $7, %al
    out %al, %dx                    /* DRIVER_OK */

    /* one 16-byte device-writable buffer, kick, wait for the MSI */
    movl $BUF, RING
    movl $0, RING + 4
    movl $16, RING + 8
    movw $2, RING + 12              /* VRING_DESC_F_WRITE */
    movw $0, AVAIL + 4
    movw $1, AVAIL + 2
    mov $IOBASE + 16, %dx
    xor %eax, %eax
    out %ax, %dx
1:  sti
    hlt
    cli
    cmpl $1, msi_count
    jb 1b
    PUTS32("\nmsi interrupts: ")
    mov msi_count, %eax
    call puthex32
    PUTS32("\nused idx: ")
    movzwl USED + 2, %eax
    call puthex32
    PUTS32("\nused len: ")
    mov USED + 8, %eax
    call puthex32

    /* INTx: MSI-X off, PIRQA -> IRQ 10, IOAPIC pin 10 -> VEC_INTX level */
    call find_msix
    mov %ebx, %eax
    call cfg_rd32
    and $0x7fffffff, %eax
    mov %eax, %edx
    mov %ebx, %eax
    call cfg_wr32
    mov $PIIX3 + 0x60, %eax
    call cfg_rd32
    and $0xffffff00, %eax
    or $10, %eax
    mov %eax, %edx
    mov $PIIX3 + 0x60, %eax
    call cfg_wr32
    movl $0x10 + 2 * 10 + 1, IOAPIC
    movl $0, IOAPIC + 0x10
    movl $0x10 + 2 * 10, IOAPIC
    movl $VEC_INTX | 0x8000, IOAPIC + 0x10

    movl $BUF + 0x100, RING + 16
    movl $0, RING + 20
    movl $8, RING + 24
    movw $2, RING + 28
    movw $1, AVAIL + 6
    movw $2, AVAIL + 2
    mov $IOBASE + 16, %dx
    xor %eax, %eax
    out %ax, %dx
1:  sti
    hlt
    cli
    cmpl $1, intx_count
    jb 1b
    PUTS32("\nintx interrupts: ")
    mov intx_count, %eax
    call puthex32
    PUTS32("\nisr in handler: ")
    mov isr_seen, %eax
    call puthex32
    PUTS32("\nused idx: ")
    movzwl USED + 2, %eax
    call puthex32
    PUTS32("\nused len: ")
    mov USED + 16, %eax
    call puthex32
    PUTS32("\nisr after: ")
    mov $IOBASE + 19, %dx
    xor %eax, %eax
    in %dx, %al
    call puthex32
    PUTS32("\n")
    mov $EXIT_PASS, %al
    call exit32

/* cfg_rd32: eax = bus/devfn/register (dword aligned) -> eax.  Keeps edx. */
cfg_rd32:
    push %edx
    or $0x80000000, %eax
    mov $0xcf8, %dx
    out %eax, %dx
    mov $0xcfc, %dx
    in %dx, %eax
    pop %edx
    ret

/* cfg_wr32: eax = address, edx = value.  Keeps eax and edx. */
cfg_wr32:
    push %eax
    push %edx
    push %edx
    or $0x80000000, %eax
    mov $0xcf8, %dx
    out %eax, %dx
    pop %eax
    mov $0xcfc, %dx
    out %eax, %dx
    pop %edx
    pop %eax
    ret

/* find_msix: ebx = DEV | offset of the MSI-X capability (the list walk). */
find_msix:
    push %eax
    mov $DEV + 0x34, %eax
    call cfg_rd32
    and $0xfc, %eax
1:  lea DEV(%eax), %ebx
    mov %ebx, %eax
    call cfg_rd32
    cmp $0x11, %al
    je 2f
    shr $8, %eax
    and $0xfc, %eax
    jnz 1b
    PUTS32("FAIL: no MSI-X capability\n")
    mov $EXIT_FAIL, %al
    call exit32
2:  pop %eax
    ret

/* See pit-irq.S: return without IRET, the main loop sets IF again. */
msi_handler:
    incl msi_count
    movl $0, LAPIC + 0xb0           /* EOI */
    lret $4

intx_handler:
    push %eax
    push %edx
    mov $IOBASE + 19, %dx           /* reading the ISR deasserts INTx */
    xor %eax, %eax
    in %dx, %al
    mov %eax, isr_seen
    incl intx_count
    movl $0, LAPIC + 0xb0           /* EOI: the IOAPIC clears Remote IRR */
    pop %edx
    pop %eax
    lret $4

    .bss
    .align 4
msi_count:
    .long 0
intx_count:
    .long 0
isr_seen:
    .long 0
