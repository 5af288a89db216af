/*
 * fpu-sse: x87, MMX, SSE, SSE2 and SSE3 in 32-bit protected mode, then
 * REX forms (XMM8-15, 64-bit conversions, FXSAVE64) in long mode.  Prints
 * results as hex (bit patterns, so every accelerator must agree exactly),
 * then takes #NM (CR0.TS), #MF (unmasked x87 exception at FWAIT), #XM
 * (unmasked SIMD exception) and #UD (CR4.OSFXSR clear) through the IDT;
 * each handler fixes the cause and returns to retry the instruction.
 * Transcendental results are printed as single precision.  Where QEMU 7.2
 * (the reference) differs from hardware — MMX exponent bits, TOP after an
 * unmasked x87 exception, #XM, x87 stack underflow — nothing is printed;
 * tests/unit/test-tcg-fpu.c checks those against the host CPU.
 */
#include "guest.h"

/* Print "label" then ndw dwords at addr, most significant first. */
#define SHOW(label, addr, ndw)          \
    PUTS32(label);                      \
    mov $addr, %edi;                    \
    mov $ndw, %ecx;                     \
    call show_dwords

    .text
    .code32
    .globl _start
_start:
    CLEAR_UNDEFINED_REGS
    mov $0x80000, %esp
    call setup_gdt32
    call setup_idt32
    call serial_init
    mov $6, %eax
    mov $ud_handler, %edx
    call idt_set_gate32
    mov $7, %eax
    mov $nm_handler, %edx
    call idt_set_gate32
    mov $16, %eax
    mov $mf_handler, %edx
    call idt_set_gate32
    mov $19, %eax
    mov $xm_handler, %edx
    call idt_set_gate32

    /* FPU on: EM=0 TS=0, MP=1 NE=1; OSFXSR and OSXMMEXCPT */
    mov %cr0, %eax
    and $~0xc, %eax
    or $0x22, %eax
    mov %eax, %cr0
    mov %cr4, %eax
    or $0x600, %eax
    mov %eax, %cr4

    PUTS32("-- x87\n")
    fninit
    fldpi
    fsqrt
    fstpl r64
    SHOW("sqrt(pi)         ", r64, 2)
    fildl m_minus7
    fildl m_two
    fdivrp                          /* -7 / 2 */
    fld %st(0)
    fistpl r32                      /* round to nearest even: -4 */
    SHOW("fistp(-3.5)      ", r32, 1)
    fisttpl r32                     /* truncate: -3 */
    SHOW("fisttp(-3.5)     ", r32, 1)
    fildl m_five
    fildl m_17
    fprem                           /* 17 mod 5 = 2, quotient 3 */
    fnstsw %ax
    and $0x4700, %eax
    mov %eax, r32
    SHOW("fprem C bits     ", r32, 1)
    fistpl r32
    SHOW("17 mod 5         ", r32, 1)
    fstp %st(0)
    fldl m_1234_5
    fxtract
    fstpl r64
    SHOW("fxtract signif.  ", r64, 2)
    fstpl r64
    SHOW("fxtract exponent ", r64, 2)
    fildl m_four
    fildl m_three
    fscale                          /* 3 * 2^4 */
    fistpl r32
    SHOW("fscale(3,4)      ", r32, 1)
    fstp %st(0)
    fldcw m_cw_up
    fldl m_2_5
    frndint
    fistpl r32
    SHOW("frndint up(2.5)  ", r32, 1)
    fldcw m_cw_default
    fld1
    fildl m_two
    fcomi %st(1), %st               /* 2 > 1: ZF=PF=CF=0 */
    pushf
    pop %eax
    and $0x45, %eax
    mov %eax, r32
    SHOW("fcomi 2,1 flags  ", r32, 1)
    fucomip %st(1), %st
    fstp %st(0)
    fldl m_minus_inf
    fxam
    fnstsw %ax
    and $0x4700, %eax
    mov %eax, r32
    SHOW("fxam(-inf)       ", r32, 1)
    fstp %st(0)
    fildl m_bcd
    fbstp r80
    SHOW("fbstp(12345678)  ", r80, 3)
    fldl m_half
    fsin
    fstps r32
    SHOW("fsin(0.5)        ", r32, 1)
    fldl m_half
    fcos
    fstps r32
    SHOW("fcos(0.5)        ", r32, 1)
    fld1
    fld1
    fpatan
    fstps r32
    SHOW("fpatan(1,1)      ", r32, 1)
    fld1
    fildl m_8
    fyl2x
    fstps r32
    SHOW("fyl2x(8,1)       ", r32, 1)
    fldl m_half
    f2xm1
    fstps r32
    SHOW("f2xm1(0.5)       ", r32, 1)
    fninit
    fld1
    fldz
    fsave fsave_area
    fnstsw %ax
    movzwl %ax, %eax
    mov %eax, r32
    SHOW("fsw after fsave  ", r32, 1)
    frstor fsave_area
    fnstenv fenv_area
    movzwl fenv_area + 4, %eax
    mov %eax, r32
    movzwl fenv_area + 8, %eax
    mov %eax, r32 + 4
    SHOW("fstenv ftw fsw   ", r32, 2)
    faddp
    fstpl r64
    SHOW("frstor, 0+1      ", r64, 2)
    PUTS32("-- x87 exceptions\n")
    fninit
    fldcw m_cw_unmask_ze
    fld1
    fldz
    fdivrp                          /* 1/0: pending, no fault yet */
    fnstsw %ax
    and $0xc7ff, %eax               /* TOP: QEMU 7.2 pops, hardware not */
    mov %eax, r32
    SHOW("pending fsw      ", r32, 1)
    fwait                           /* #MF: the handler clears it */
    PUTS32("after fwait\n")
    mov %cr0, %eax
    or $8, %eax                     /* TS */
    mov %eax, %cr0
    fld1                            /* #NM: the handler does CLTS */
    PUTS32("after fld1 with CR0.TS\n")
    fninit

    PUTS32("-- SSE\n")
    movaps v_a, %xmm0
    addps v_b, %xmm0
    movaps %xmm0, r128
    SHOW("addps            ", r128, 4)
    movaps v_a, %xmm1
    mulps %xmm1, %xmm1
    rcpss v_b, %xmm2
    movaps %xmm1, r128
    SHOW("mulps            ", r128, 4)
    movapd v_d, %xmm0
    mulpd v_d, %xmm0
    sqrtpd %xmm0, %xmm0
    movapd %xmm0, r128
    SHOW("sqrtpd(d*d)      ", r128, 4)
    movsd v_d, %xmm0
    xorpd %xmm1, %xmm1
    divsd %xmm1, %xmm0              /* masked divide by zero */
    movsd %xmm0, r64
    SHOW("1.5/0            ", r64, 2)
    stmxcsr r32
    SHOW("mxcsr            ", r32, 1)
    ldmxcsr m_mxcsr_down
    mov $-7, %eax
    cvtsi2sd %eax, %xmm0
    mulsd v_half, %xmm0
    cvtsd2si %xmm0, %eax            /* -3.5 rounded down: -4 */
    mov %eax, r32
    SHOW("cvtsd2si down    ", r32, 1)
    cvttsd2si %xmm0, %eax
    mov %eax, r32
    SHOW("cvttsd2si        ", r32, 1)
    ldmxcsr m_mxcsr_default
    cvtps2pd v_a, %xmm3
    cvtpd2ps %xmm3, %xmm4
    movaps %xmm4, r128
    SHOW("cvtps2pd/pd2ps   ", r128, 4)
    movsd v_d, %xmm0
    comisd v_d + 8, %xmm0
    pushf
    pop %eax
    and $0x8d5, %eax
    mov %eax, r32
    SHOW("comisd flags     ", r32, 1)
    movaps v_a, %xmm0
    shufps $0x1b, v_b, %xmm0
    movaps %xmm0, r128
    SHOW("shufps 0x1b      ", r128, 4)
    movaps v_a, %xmm0
    cmpltps v_b, %xmm0
    movmskps %xmm0, %eax
    mov %eax, r32
    SHOW("cmpltps mask     ", r32, 1)

    PUTS32("-- SSE2 integer\n")
    movdqa v_i1, %xmm0
    paddw v_i2, %xmm0
    movdqa %xmm0, r128
    SHOW("paddw            ", r128, 4)
    movdqa v_i1, %xmm0
    pmaddwd v_i2, %xmm0
    movdqa %xmm0, r128
    SHOW("pmaddwd          ", r128, 4)
    movdqa v_i1, %xmm0
    psadbw v_i2, %xmm0
    movdqa %xmm0, r128
    SHOW("psadbw           ", r128, 4)
    movdqa v_i1, %xmm0
    packuswb v_i2, %xmm0
    movdqa %xmm0, r128
    SHOW("packuswb         ", r128, 4)
    pshufd $0x1b, v_i1, %xmm0
    pslldq $3, %xmm0
    movdqu %xmm0, r128
    SHOW("pshufd+pslldq    ", r128, 4)
    movdqa v_i1, %xmm0
    pcmpeqb v_i2, %xmm0
    pmovmskb %xmm0, %eax
    mov %eax, r32
    SHOW("pcmpeqb mask     ", r32, 1)
    movdqa v_i1, %xmm0
    punpcklbw v_i2, %xmm0
    psraw $3, %xmm0
    movdqa %xmm0, r128
    SHOW("punpcklbw+psraw  ", r128, 4)
    mov $0x12345678, %eax
    movd %eax, %xmm5
    pinsrw $5, %eax, %xmm5
    pextrw $5, %xmm5, %ebx
    movq %xmm5, r64
    mov %ebx, r32
    SHOW("movd/pinsrw      ", r64, 2)
    SHOW("pextrw           ", r32, 1)

    PUTS32("-- SSE3\n")
    movaps v_a, %xmm0
    haddps v_b, %xmm0
    movaps %xmm0, r128
    SHOW("haddps           ", r128, 4)
    movddup v_d, %xmm0
    addsubpd v_d, %xmm0
    movapd %xmm0, r128
    SHOW("addsubpd         ", r128, 4)

    PUTS32("-- MMX\n")
    movq v_i1, %mm0
    paddusb v_i2, %mm0
    movq %mm0, r64
    SHOW("paddusb          ", r64, 2)
    movq v_i2, %mm1
    pmulhw v_i1, %mm1
    movq %mm1, r64
    SHOW("pmulhw           ", r64, 2)
    fxsave fx_area
    SHOW("fxsave fcw/fsw   ", fx_area, 1)
    movzbl fx_area + 4, %eax
    mov %eax, r32
    SHOW("fxsave ftw       ", r32, 1)
    SHOW("fxsave mxcsr     ", fx_area + 24, 1)
    SHOW("fxsave mm0       ", fx_area + 32, 2)
    emms
    fxsave fx_area
    movzbl fx_area + 4, %eax
    mov %eax, r32
    SHOW("ftw after emms   ", r32, 1)
    movl $0x3f80, fx_area + 24
    fxrstor fx_area
    stmxcsr r32
    SHOW("mxcsr fxrstor    ", r32, 1)

    PUTS32("-- SIMD exceptions\n")
    ldmxcsr m_mxcsr_unmask_ze
    movss v_a, %xmm0
    xorps %xmm1, %xmm1
    divss %xmm1, %xmm0              /* #XM: the handler masks it */
    stmxcsr r32
    andl $0x3f, r32                 /* QEMU 7.2 raises no #XM: flags only */
    SHOW("divss flags      ", r32, 1)
    mov %cr4, %eax
    and $~0x200, %eax               /* OSFXSR off */
    mov %eax, %cr4
    addps %xmm0, %xmm0              /* #UD: the handler turns it back on */
    PUTS32("after addps without OSFXSR\n")

    /* Long mode (identity map of 1 GiB with 2 MiB pages), then REX forms. */
    cli
    call enable_long_mode32
    ljmp $0x18, $long_mode

    .code64
long_mode:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $0x80000, %rsp
    lea msg_64(%rip), %rsi
    call puts64
    movdqa v_i1(%rip), %xmm8
    movdqa v_i2(%rip), %xmm15
    paddq %xmm8, %xmm15
    pshufd $0x4e, %xmm15, %xmm12
    movq %xmm12, %rax
    lea msg_paddq(%rip), %rsi
    call show64
    mov $-1234567890123, %rax
    cvtsi2sdq %rax, %xmm9
    mulsd v_half(%rip), %xmm9
    cvttsd2si %xmm9, %r10
    mov %r10, %rax
    lea msg_cvt64(%rip), %rsi
    call show64
    movq %xmm9, %rax
    lea msg_xmm9(%rip), %rsi
    call show64
    fninit
    fldpi
    fildl m_17(%rip)
    fmulp
    fstpl r64(%rip)
    mov r64(%rip), %rax
    lea msg_x87_64(%rip), %rsi
    call show64
    fxsave64 fx_area(%rip)
    mov fx_area + 160 + 15 * 16(%rip), %rax
    lea msg_fx15(%rip), %rsi
    call show64
    mov $0x1234, %eax
    mov %rax, fx_area + 160 + 15 * 16(%rip)
    fxrstor64 fx_area(%rip)
    movq %xmm15, %rax
    lea msg_fxr15(%rip), %rsi
    call show64
    lea msg_done(%rip), %rsi
    call puts64
    mov $EXIT_PASS, %al
    out %al, $DEBUG_EXIT_PORT
2:  hlt
    jmp 2b

/* puts64: the string at %rsi; show64: it and %rax in hex, newline */
puts64:
    push %rax
    push %rdx
1:  lodsb
    test %al, %al
    jz 3f
    call putc64
    jmp 1b
3:  pop %rdx
    pop %rax
    ret

putc64:
    push %rdx
    push %rax
    mov $COM1 + 5, %dx
1:  in %dx, %al
    test $0x20, %al
    jz 1b
    pop %rax
    mov $COM1, %dx
    out %al, %dx
    pop %rdx
    ret

show64:
    call puts64
    push %rax
    push %rbx
    push %rcx
    mov %rax, %rbx
    mov $16, %ecx
1:  rol $4, %rbx
    mov %ebx, %eax
    and $0xf, %eax
    cmp $10, %al
    jb 2f
    add $'a' - '0' - 10, %al
2:  add $'0', %al
    call putc64
    loop 1b
    mov $'\n', %al
    call putc64
    pop %rcx
    pop %rbx
    pop %rax
    ret
    .code32

/* show_dwords: ecx dwords at edi, most significant first, then newline */
show_dwords:
1:  mov -4(%edi,%ecx,4), %eax
    call puthex32
    dec %ecx
    jz 2f
    mov $' ', %al
    call putc32
    jmp 1b
2:  mov $'\n', %al
    call putc32
    ret

ud_handler:
    PUTS32("#UD\n")
    push %eax
    mov %cr4, %eax
    or $0x200, %eax
    mov %eax, %cr4
    pop %eax
    iret

nm_handler:
    PUTS32("#NM\n")
    clts
    iret

mf_handler:
    PUTS32("#MF\n")
    fnclex
    iret

xm_handler:
    push %eax
    stmxcsr r32
    mov r32, %eax
    or $0x1f80, %eax
    mov %eax, r32
    ldmxcsr r32
    pop %eax
    iret

    .data
    .align 16
v_a:    .float 1.5, -2.25, 1e30, 3.0
v_b:    .float 0.5, 8.0, 1e10, -3.0
v_d:    .double 1.5, -0.0
v_half: .double 0.5
    .align 16
v_i1:   .quad 0x7fff80010203fffe, 0x00ff7f80a5a55a5a
v_i2:   .quad 0x0001ffff10203040, 0x0102030405060708
m_minus7: .long -7
m_two:  .long 2
m_three: .long 3
m_four: .long 4
m_five: .long 5
m_8:    .long 8
m_17:   .long 17
m_bcd:  .long 12345678
m_1234_5: .double 1234.5
m_2_5:  .double 2.5
m_half: .double 0.5
m_minus_inf: .quad 0xfff0000000000000
m_cw_default: .word 0x037f
m_cw_up: .word 0x0b7f
m_cw_unmask_ze: .word 0x037b
    .align 4
m_mxcsr_down: .long 0x3f80
m_mxcsr_default: .long 0x1f80
m_mxcsr_unmask_ze: .long 0x1d80

msg_64: .asciz "-- 64-bit mode\n"
msg_paddq: .asciz "paddq xmm15,xmm8 "
msg_cvt64: .asciz "cvttsd2si r10    "
msg_xmm9: .asciz "xmm9             "
msg_x87_64: .asciz "pi*17            "
msg_fx15: .asciz "fxsave64 xmm15   "
msg_fxr15: .asciz "fxrstor64 xmm15  "
msg_done: .asciz "done\n"

    .bss
    .align 16
r128:   .skip 16
r80:    .skip 16
r64:    .skip 8
r32:    .skip 8
fenv_area: .skip 28
    .align 16
fsave_area: .skip 108
    .align 16
fx_area: .skip 512
