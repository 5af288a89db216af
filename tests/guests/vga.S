/*
 * vga: draws a known picture for tests/functional/test_vga.py to compare
 * with screendump.  Without a command line: every cell of the 80x25 text
 * screen at 0xb8000 (character and attribute from the cell number, no
 * blinking), cursor off.  With "vbe" in the command line (-append vbe): 640x480x32
 * through the Bochs VBE ports, pixel (x, y) = R x, G y, B x^y, in the
 * linear framebuffer (BAR 0 of the PCI VGA at 00:02.0 when there is one,
 * else 0xe0000000).  Then prints READY and halts.
 */
#include "guest.h"

#define VBE_INDEX 0x1ce
#define VBE_DATA  0x1cf

.macro VBE_SET index, value
    mov $VBE_INDEX, %dx
    mov $\index, %ax
    out %ax, %dx
    mov $VBE_DATA, %dx
    mov $\value, %ax
    out %ax, %dx
.endm

    .text
    .code32
    .globl _start
_start:
    mov $0x80000, %esp
    mov %ebx, %ebp              /* multiboot information */
    call serial_init
    testl $4, (%ebp)            /* flags bit 2: cmdline */
    jz text
    mov 16(%ebp), %esi          /* "KERNEL-PATH ARGS": look for " vbe" */
0:  mov (%esi), %eax
    test %al, %al
    jz text
    cmp $0x65627620, %eax       /* " vbe" */
    je vbe
    inc %esi
    jmp 0b

text:
    /* cursor off: CRTC register 0x0a bit 5 */
    mov $0x3d4, %dx
    mov $0x0a, %al
    out %al, %dx
    inc %dx
    mov $0x20, %al
    out %al, %dx
    /* attribute controller mode 0x10: blink off (bit 3 = 0) */
    mov $0x3da, %dx
    in %dx, %al                 /* reset the index/data flip-flop */
    mov $0x3c0, %dx
    mov $0x30, %al              /* index 0x10, palette source on */
    out %al, %dx
    mov $0x04, %al              /* line graphics on, blink off */
    out %al, %dx
    /* cell i: character 0x20 + i % 224, attribute i * 7 % 256 */
    xor %ecx, %ecx
1:  mov %ecx, %eax
    xor %edx, %edx
    mov $224, %ebx
    div %ebx
    lea 0x20(%edx), %eax
    mov %al, 0xb8000(,%ecx,2)
    imul $7, %ecx, %eax
    mov %al, 0xb8001(,%ecx,2)
    inc %ecx
    cmp $2000, %ecx
    jb 1b
    jmp done

vbe:
    /* the framebuffer: PCI 00:02.0 BAR 0 if a 1234:1111 is there */
    mov $0xe0000000, %edi
    mov $0xcf8, %dx
    mov $0x80001000, %eax       /* bus 0, device 2, function 0, reg 0 */
    out %eax, %dx
    mov $0xcfc, %dx
    in %dx, %eax
    cmp $0x11111234, %eax
    jne 2f
    mov $0xcf8, %dx
    mov $0x80001010, %eax       /* BAR 0 */
    out %eax, %dx
    mov $0xcfc, %dx
    in %dx, %eax
    and $0xfffffff0, %eax
    jnz 3f
    /* no firmware assigned it: place it at 0xe0000000 ourselves */
    mov $0xe0000000, %eax
    out %eax, %dx
3:  mov %eax, %edi
    mov $0xcf8, %dx
    mov $0x80001004, %eax       /* command: memory and I/O decoding on */
    out %eax, %dx
    mov $0xcfc, %dx
    in %dx, %ax
    or $3, %ax
    out %ax, %dx
2:  VBE_SET 4, 0                /* disable */
    VBE_SET 1, 640
    VBE_SET 2, 480
    VBE_SET 3, 32
    VBE_SET 4, 0x41             /* enabled, LFB */
    xor %ebx, %ebx              /* y */
4:  xor %ecx, %ecx              /* x */
5:  mov %ecx, %eax
    xor %ebx, %eax
    and $0xff, %eax             /* B = x ^ y */
    mov %ebx, %edx
    and $0xff, %edx
    shl $8, %edx                /* G = y */
    or %edx, %eax
    mov %ecx, %edx
    and $0xff, %edx
    shl $16, %edx               /* R = x */
    or %edx, %eax
    mov %eax, (%edi)
    add $4, %edi
    inc %ecx
    cmp $640, %ecx
    jb 5b
    inc %ebx
    cmp $480, %ebx
    jb 4b

done:
    PUTS32("READY\n")
    cli
6:  hlt
    jmp 6b
