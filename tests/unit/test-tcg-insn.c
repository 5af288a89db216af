/*
 * Unit tests of the software CPU's decoder and integer handlers:
 * instruction lengths (checked against objdump -D -b binary) and
 * arithmetic flags at boundary values compared with the host CPU running
 * the very same instruction bytes natively (undefined flags masked as the
 * SDM defines them).
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include "target/x86/tcg/tcg-cpu.h"

/* ---- decoder lengths ---- */

typedef struct LenCase {
    int mode;               /* 0=16, 1=32, 2=64-bit */
    const char *bytes;
    int len;
} LenCase;

/* A guest quadword at any byte offset (UBSan: no misaligned host loads). */
static uint64_t ld64_unaligned(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static const LenCase len_cases[] = {
    { 2, "\x48\x01\xd8", 3 },   /* add    %rbx,%rax */
    { 2, "\x00\xe0", 2 },   /* add    %ah,%al */
    { 2, "\x66\x01\xd8", 3 },   /* add    %bx,%ax */
    { 2, "\x49\x81\xc0\x78\x56\x34\x12", 7 },   /* add    $0x12345678,%r8 */
    { 2, "\x83\xc0\x7f", 3 },   /* add    $0x7f,%eax */
    { 2, "\x48\x8b\x05\x00\x00\x00\x00", 7 },   /* mov    0x0(%rip),%rax */
    { 2, "\x8b\x44\x24\x08", 4 },   /* mov    0x8(%rsp),%eax */
    { 2, "\x8b\x04\x25\x00\x10\x00\x00", 7 },   /* mov    0x1000,%eax */
    { 2, "\x8b\x44\x8d\x80", 4 },   /* mov    -0x80(%rbp,%rcx,4),%eax */
    { 2, "\x8b\x84\x8d\x00\x01\x00\x00", 7 },   /* mov    0x100(%rbp,%rcx,4),%eax */
    { 2, "\x41\x8b\x45\x00", 4 },   /* mov    0x0(%r13),%eax */
    { 2, "\x48\xb8\x88\x77\x66\x55\x44\x33\x22\x11", 10 },   /* movabs $0x1122334455667788,%rax */
    { 2, "\xb8\x44\x33\x22\x11", 5 },   /* mov    $0x11223344,%eax */
    { 2, "\x66\xb8\x22\x11", 4 },   /* mov    $0x1122,%ax */
    { 2, "\xc6\x00\x12", 3 },   /* movb   $0x12,(%rax) */
    { 2, "\x66\xc7\x00\x34\x12", 5 },   /* movw   $0x1234,(%rax) */
    { 2, "\x48\xc7\x00\x78\x56\x34\x12", 7 },   /* movq   $0x12345678,(%rax) */
    { 2, "\xf6\xc3\x01", 3 },   /* test   $0x1,%bl */
    { 2, "\xf7\xc3\x01\x00\x00\x00", 6 },   /* test   $0x1,%ebx */
    { 2, "\x66\xf7\xc3\x01\x00", 5 },   /* test   $0x1,%bx */
    { 2, "\xf7\xe3", 2 },   /* mul    %ebx */
    { 2, "\xf6\xf3", 2 },   /* div    %bl */
    { 2, "\xe8\x00\x00\x00\x00", 5 },   /* call   0x5 */
    { 2, "\xeb\xfe", 2 },   /* jmp    0x0 */
    { 2, "\x0f\x84\x00\x00\x00\x00", 6 },   /* je     0x6 */
    { 2, "\x75\xfe", 2 },   /* jne    0x0 */
    { 2, "\xff\x15\x00\x00\x00\x00", 6 },   /* call   *0x0(%rip) */
    { 2, "\xff\xe0", 2 },   /* jmp    *%rax */
    { 2, "\xc2\x08\x00", 3 },   /* ret    $0x8 */
    { 2, "\xc8\x10\x00\x01", 4 },   /* enter  $0x10,$0x1 */
    { 2, "\xa0\x88\x77\x66\x55\x44\x33\x22\x11", 9 },   /* movabs 0x1122334455667788,%al */
    { 2, "\x67\xa1\x44\x33\x22\x11", 6 },   /* addr32 mov 0x11223344,%eax */
    { 2, "\xf3\x48\xa5", 3 },   /* rep movsq %ds:(%rsi),%es:(%rdi) */
    { 2, "\xf0\xff\x00", 3 },   /* lock incl (%rax) */
    { 2, "\x0f\xb6\xc3", 3 },   /* movzbl %bl,%eax */
    { 2, "\x0f\xaf\xc3", 3 },   /* imul   %ebx,%eax */
    { 2, "\x48\x0f\xc7\x0e", 4 },   /* cmpxchg16b (%rsi) */
    { 2, "\x0f\x01\xf8", 3 },   /* swapgs */
    { 2, "\x0f\x20\xc0", 3 },   /* mov    %cr0,%rax */
    { 2, "\x0f\x22\xd8", 3 },   /* mov    %rax,%cr3 */
    { 2, "\x0f\xa4\xd8\x04", 4 },   /* shld   $0x4,%ebx,%eax */
    { 2, "\x0f\xba\xe0\x05", 4 },   /* bt     $0x5,%eax */
    { 2, "\x0f\x1f\x44\x00\x00", 5 },   /* nopl   0x0(%rax,%rax,1) */
    { 2, "\x66\x0f\x1f\x84\x00\x00\x00\x00\x00", 9 },   /* nopw   0x0(%rax,%rax,1) */
    { 2, "\x65\x48\x8b\x04\x25\x28\x00\x00\x00", 9 },   /* mov    %gs:0x28,%rax */
    { 2, "\x6a\x01", 2 },   /* push   $0x1 */
    { 2, "\x68\x00\x10\x00\x00", 5 },   /* push   $0x1000 */
    { 2, "\xc1\xe0\x04", 3 },   /* shl    $0x4,%eax */
    { 2, "\xd3\xe0", 2 },   /* shl    %cl,%eax */
    { 2, "\xe4\x60", 2 },   /* in     $0x60,%al */
    { 2, "\xcd\x80", 2 },   /* int    $0x80 */
    { 2, "\x0f\x05", 2 },   /* syscall */
    { 2, "\x40\x88\xf0", 3 },   /* mov    %sil,%al */
    { 2, "\x48\x63\xc3", 3 },   /* movslq %ebx,%rax */
    { 1, "\x8b\x45\x08", 3 },   /* mov    0x8(%ebp),%eax */
    { 1, "\x66\x8b\x45\x08", 4 },   /* mov    0x8(%ebp),%ax */
    { 1, "\x67\x8b\x46\x08", 4 },   /* mov    0x8(%bp),%eax */
    { 1, "\xea\x00\x00\x00\x00\x08\x00", 7 },   /* ljmp   $0x8,$0x0 */
    { 1, "\x9a\x00\x00\x00\x00\x08\x00", 7 },   /* lcall  $0x8,$0x0 */
    { 1, "\xa1\x00\x10\x00\x00", 5 },   /* mov    0x1000,%eax */
    { 1, "\x66\xea\x00\x00\x08\x00", 6 },   /* ljmpw  $0x8,$0x0 */
    { 1, "\xe8\x00\x00\x00\x00", 5 },   /* call   0x5 */
    { 1, "\x66\xe8\x00\x00", 4 },   /* callw  0x4 */
    { 1, "\x0f\x01\x15\x00\x00\x00\x00", 7 },   /* lgdtl  0x0 */
    { 0, "\x8b\x46\x08", 3 },   /* mov    0x8(%bp),%ax */
    { 0, "\x8b\x06\x00\x10", 4 },   /* mov    0x1000,%ax */
    { 0, "\x66\x8b\x44\x24\x08", 4 },   /* mov    0x24(%si),%eax */
    { 0, "\x67\x8b\x44\x24\x08", 5 },   /* mov    0x8(%esp),%ax */
    { 0, "\xea\x00\x7c\x00\x00", 5 },   /* ljmp   $0x0,$0x7c00 */
    { 0, "\x66\xea\x00\x00\x01\x00\x08\x00", 8 },   /* ljmpl  $0x8,$0x10000 */
    { 0, "\xe8\x00\x00", 3 },   /* call   0x3 */
    { 0, "\xb8\x34\x12", 3 },   /* mov    $0x1234,%ax */
    { 0, "\x66\xb8\x78\x56\x34\x12", 6 },   /* mov    $0x12345678,%eax */
    { 0, "\xa1\x00\x10", 3 },   /* mov    0x1000,%ax */
    { 0, "\x0f\x01\x16\x00\x10", 5 },   /* lgdtw  0x1000 */
    { 0, "\xf3\xa4", 2 },   /* rep movsb %ds:(%si),%es:(%di) */
    { 0, "\xc7\x06\x00\x10\x34\x12", 6 },   /* movw   $0x1234,0x1000 */
    { 0, "\x81\x3e\x00\x10\x34\x12", 6 },   /* cmpw   $0x1234,0x1000 */
    { 0, "\xf6\x06\x00\x10\x01", 5 },   /* testb  $0x1,0x1000 */
};

/* One state, reused (tests hold one at a time; see the reset). */
static X86TCG the_state;

static X86TCG *new_state(void)
{
    X86TCG *s = &the_state;

    x86_tcg_reset_for_test(s);
    s->env = g_new0(CPUX86State, 1);
    s->env->eflags = 2;
    s->cc_op = CC_OP_EFLAGS;
    return s;
}

static void free_state(X86TCG *s)
{
    g_free(s->env);
    s->env = NULL;
}

static void test_lengths(void)
{
    X86TCG *s = new_state();
    for (size_t i = 0; i < ARRAY_SIZE(len_cases); i++) {
        const LenCase *c = &len_cases[i];
        uint8_t buf[32];
        TCGInsn d;
        int n = c->len;
        memset(buf, 0x90, sizeof(buf));
        memcpy(buf, c->bytes, n);
        n = x86_decode(s, buf, sizeof(buf), c->mode, &d);
        if (n != c->len) {
            g_test_message("case %zu (mode %d): decoded %d, expected %d",
                           i, c->mode, n, c->len);
        }
        g_assert_cmpint(n, ==, c->len);
        g_assert(d.fn != x86_op_invalid);
        /* a truncated instruction asks for more bytes */
        g_assert_cmpint(x86_decode(s, buf, c->len - 1, c->mode, &d), ==, 0);
    }
    free_state(s);
}

static void test_decode_fields(void)
{
    X86TCG *s = new_state();
    TCGInsn d;
    /* mov -0x80(%rbp,%rcx,4),%eax */
    x86_decode(s, (const uint8_t *)"\x8b\x44\x8d\x80", 15, 2, &d);
    g_assert_cmpint(d.base, ==, R_EBP);
    g_assert_cmpint(d.index, ==, R_ECX);
    g_assert_cmpint(d.scale, ==, 2);
    g_assert_cmpint(d.disp, ==, -0x80);
    g_assert_cmpint(d.seg, ==, R_SS);
    g_assert_cmpint(d.ot, ==, 2);
    /* mov 0x0(%rip),%rax: RIP-relative, REX.W */
    x86_decode(s, (const uint8_t *)"\x48\x8b\x05\x10\x00\x00\x00", 15, 2, &d);
    g_assert_cmpint(d.base, ==, 16);
    g_assert_cmpint(d.ot, ==, 3);
    g_assert_cmpint(d.disp, ==, 0x10);
    /* 16-bit [bp+si+8] defaults to SS */
    x86_decode(s, (const uint8_t *)"\x8b\x42\x08", 15, 0, &d);
    g_assert_cmpint(d.seg, ==, R_SS);
    g_assert_cmpint(d.aflag, ==, 1);
    /* push in 64-bit mode is 64-bit, with 66 16-bit */
    x86_decode(s, (const uint8_t *)"\x50", 15, 2, &d);
    g_assert_cmpint(d.ot, ==, 3);
    x86_decode(s, (const uint8_t *)"\x66\x50", 15, 2, &d);
    g_assert_cmpint(d.ot, ==, 1);
    /* REX followed by a legacy prefix is ignored */
    x86_decode(s, (const uint8_t *)"\x48\x66\x01\xd8", 15, 2, &d);
    g_assert_cmpint(d.ot, ==, 1);
    /* invalid in 64-bit mode */
    g_assert_cmpint(x86_decode(s, (const uint8_t *)"\x06", 15, 2, &d), ==, -1);
    g_assert(d.fn == x86_op_invalid);
    free_state(s);
}

/* ---- flags against the host CPU ---- */

/*
 * native_exec(regs, flags, code): loads RAX/RCX/RDX/RBX from regs[0..3]
 * and the arithmetic flags from *flags, calls code (ends with RET), then
 * stores them back.
 */
void native_exec(uint64_t *regs, uint64_t *flags, void *code);
asm(".text\n"
    ".globl native_exec\n"
    "native_exec:\n"
    "  push %rbx\n  push %r12\n  push %r13\n  push %rsi\n"
    "  mov %rdi, %r12\n  mov %rdx, %r13\n"
    "  pushfq\n  pop %rax\n  and $~0x8d5, %rax\n"
    "  mov (%rsi), %rcx\n  and $0x8d5, %rcx\n  or %rcx, %rax\n"
    "  push %rax\n  popfq\n"
    "  mov 0(%r12), %rax\n  mov 8(%r12), %rcx\n"
    "  mov 16(%r12), %rdx\n  mov 24(%r12), %rbx\n"
    "  call *%r13\n"
    "  pushfq\n"
    "  mov %rax, 0(%r12)\n  mov %rcx, 8(%r12)\n"
    "  mov %rdx, 16(%r12)\n  mov %rbx, 24(%r12)\n"
    "  pop %rax\n  pop %rsi\n  mov %rax, (%rsi)\n"
    "  pop %r13\n  pop %r12\n  pop %rbx\n  ret\n");

static uint8_t *code_buf;

static void emu_exec(X86TCG *s, const uint8_t *code, int n)
{
    TCGInsn d;
    int len = x86_decode(s, code, n, 2, &d);
    g_assert_cmpint(len, ==, n);
    s->code64 = true;
    s->lma = true;
    s->pe = true;
    s->next_rip = s->env->rip + len;
    d.fn(s, &d);
    s->env->rip = s->next_rip;
}

typedef struct FlagOp {
    const char *name;
    uint8_t bytes[8];   /* reg form using rax (dst) and rbx/cl (src) */
    int n;
    int ot;             /* operand size */
    uint32_t undef;     /* flags the SDM leaves undefined */
    int kind;           /* 0 plain, 1 shift/rotate by CL, 2 multiply */
} FlagOp;

#define ALLF (CC_C | CC_P | CC_A | CC_Z | CC_S | CC_O)
#define LOG_U CC_A

static const FlagOp flag_ops[] = {
    { "add8", { 0x00, 0xd8 }, 2, 0, 0, 0 },
    { "add16", { 0x66, 0x01, 0xd8 }, 3, 1, 0, 0 },
    { "add32", { 0x01, 0xd8 }, 2, 2, 0, 0 },
    { "add64", { 0x48, 0x01, 0xd8 }, 3, 3, 0, 0 },
    { "adc8", { 0x10, 0xd8 }, 2, 0, 0, 0 },
    { "adc32", { 0x11, 0xd8 }, 2, 2, 0, 0 },
    { "adc64", { 0x48, 0x11, 0xd8 }, 3, 3, 0, 0 },
    { "sub8", { 0x28, 0xd8 }, 2, 0, 0, 0 },
    { "sub16", { 0x66, 0x29, 0xd8 }, 3, 1, 0, 0 },
    { "sub32", { 0x29, 0xd8 }, 2, 2, 0, 0 },
    { "sub64", { 0x48, 0x29, 0xd8 }, 3, 3, 0, 0 },
    { "sbb8", { 0x18, 0xd8 }, 2, 0, 0, 0 },
    { "sbb32", { 0x19, 0xd8 }, 2, 2, 0, 0 },
    { "sbb64", { 0x48, 0x19, 0xd8 }, 3, 3, 0, 0 },
    { "cmp32", { 0x39, 0xd8 }, 2, 2, 0, 0 },
    { "cmp8h", { 0x38, 0xfc }, 2, 0, 0, 0 },          /* cmp %bh,%ah */
    { "and32", { 0x21, 0xd8 }, 2, 2, LOG_U, 0 },
    { "or16", { 0x66, 0x09, 0xd8 }, 3, 1, LOG_U, 0 },
    { "xor64", { 0x48, 0x31, 0xd8 }, 3, 3, LOG_U, 0 },
    { "test8", { 0x84, 0xd8 }, 2, 0, LOG_U, 0 },
    { "inc32", { 0xff, 0xc0 }, 2, 2, 0, 0 },
    { "inc8", { 0xfe, 0xc0 }, 2, 0, 0, 0 },
    { "dec16", { 0x66, 0xff, 0xc8 }, 3, 1, 0, 0 },
    { "dec64", { 0x48, 0xff, 0xc8 }, 3, 3, 0, 0 },
    { "neg32", { 0xf7, 0xd8 }, 2, 2, 0, 0 },
    { "neg8", { 0xf6, 0xd8 }, 2, 0, 0, 0 },
    { "not64", { 0x48, 0xf7, 0xd0 }, 3, 3, 0, 0 },
    { "shl8", { 0xd2, 0xe0 }, 2, 0, CC_A, 1 },
    { "shl16", { 0x66, 0xd3, 0xe0 }, 3, 1, CC_A, 1 },
    { "shl32", { 0xd3, 0xe0 }, 2, 2, CC_A, 1 },
    { "shl64", { 0x48, 0xd3, 0xe0 }, 3, 3, CC_A, 1 },
    { "shr8", { 0xd2, 0xe8 }, 2, 0, CC_A, 1 },
    { "shr32", { 0xd3, 0xe8 }, 2, 2, CC_A, 1 },
    { "shr64", { 0x48, 0xd3, 0xe8 }, 3, 3, CC_A, 1 },
    { "sar8", { 0xd2, 0xf8 }, 2, 0, CC_A, 1 },
    { "sar16", { 0x66, 0xd3, 0xf8 }, 3, 1, CC_A, 1 },
    { "sar32", { 0xd3, 0xf8 }, 2, 2, CC_A, 1 },
    { "sar64", { 0x48, 0xd3, 0xf8 }, 3, 3, CC_A, 1 },
    { "rol8", { 0xd2, 0xc0 }, 2, 0, 0, 1 },
    { "rol16", { 0x66, 0xd3, 0xc0 }, 3, 1, 0, 1 },
    { "rol32", { 0xd3, 0xc0 }, 2, 2, 0, 1 },
    { "rol64", { 0x48, 0xd3, 0xc0 }, 3, 3, 0, 1 },
    { "ror8", { 0xd2, 0xc8 }, 2, 0, 0, 1 },
    { "ror32", { 0xd3, 0xc8 }, 2, 2, 0, 1 },
    { "ror64", { 0x48, 0xd3, 0xc8 }, 3, 3, 0, 1 },
    { "rcl8", { 0xd2, 0xd0 }, 2, 0, 0, 1 },
    { "rcl16", { 0x66, 0xd3, 0xd0 }, 3, 1, 0, 1 },
    { "rcl32", { 0xd3, 0xd0 }, 2, 2, 0, 1 },
    { "rcl64", { 0x48, 0xd3, 0xd0 }, 3, 3, 0, 1 },
    { "rcr8", { 0xd2, 0xd8 }, 2, 0, 0, 1 },
    { "rcr32", { 0xd3, 0xd8 }, 2, 2, 0, 1 },
    { "rcr64", { 0x48, 0xd3, 0xd8 }, 3, 3, 0, 1 },
    { "shld32", { 0x0f, 0xa5, 0xd8 }, 3, 2, CC_A, 1 },
    { "shrd64", { 0x48, 0x0f, 0xad, 0xd8 }, 4, 3, CC_A, 1 },
    { "mul8", { 0xf6, 0xe3 }, 2, 0, CC_S | CC_Z | CC_A | CC_P, 2 },
    { "mul16", { 0x66, 0xf7, 0xe3 }, 3, 1, CC_S | CC_Z | CC_A | CC_P, 2 },
    { "mul32", { 0xf7, 0xe3 }, 2, 2, CC_S | CC_Z | CC_A | CC_P, 2 },
    { "mul64", { 0x48, 0xf7, 0xe3 }, 3, 3, CC_S | CC_Z | CC_A | CC_P, 2 },
    { "imul8", { 0xf6, 0xeb }, 2, 0, CC_S | CC_Z | CC_A | CC_P, 2 },
    { "imul32", { 0xf7, 0xeb }, 2, 2, CC_S | CC_Z | CC_A | CC_P, 2 },
    { "imul64", { 0x48, 0xf7, 0xeb }, 3, 3, CC_S | CC_Z | CC_A | CC_P, 2 },
    { "imul2_32", { 0x0f, 0xaf, 0xc3 }, 3, 2, CC_S | CC_Z | CC_A | CC_P, 2 },
    { "imul3_64", { 0x48, 0x6b, 0xc3, 0x85 }, 4, 3,
      CC_S | CC_Z | CC_A | CC_P, 2 },
    { "bsf32", { 0x0f, 0xbc, 0xc3 }, 3, 2, ALLF & ~CC_Z, 0 },
    { "bsr64", { 0x48, 0x0f, 0xbd, 0xc3 }, 4, 3, ALLF & ~CC_Z, 0 },
    { "bt32", { 0x0f, 0xa3, 0xd8 }, 3, 2, CC_O | CC_S | CC_A | CC_P, 0 },
    { "btc64", { 0x48, 0x0f, 0xbb, 0xd8 }, 4, 3, CC_O | CC_S | CC_A | CC_P, 0 },
    { "xadd32", { 0x0f, 0xc1, 0xd8 }, 3, 2, 0, 0 },
    { "cmpxchg64", { 0x48, 0x0f, 0xb1, 0xd8 }, 4, 3, 0, 0 },
    { "cmovl32", { 0x0f, 0x4c, 0xc3 }, 3, 2, 0, 0 },
    { "setg8", { 0x0f, 0x9f, 0xc0 }, 3, 0, 0, 0 },
    { "cwd16", { 0x66, 0x99 }, 2, 1, 0, 0 },
    { "cdqe", { 0x48, 0x98 }, 2, 3, 0, 0 },
    { "bswap32", { 0x0f, 0xcb }, 2, 2, 0, 0 },
    { "lahf", { 0x9f }, 1, 0, 0, 0 },
    { "sahf", { 0x9e }, 1, 0, 0, 0 },
    { "cmc", { 0xf5 }, 1, 0, 0, 0 },
};

static const uint64_t vals[] = {
    0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
    0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
    0x7fffffffffffffffULL, 0x8000000000000000ULL, 0xffffffffffffffffULL,
    0x123456789abcdef0ULL, 0x0f0f0f0f0f0f0f0fULL, 0x8000000000000001ULL,
};

static const uint64_t counts[] = { 0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33,
                                   63, 64, 65, 255 };

static void check_one(const FlagOp *op, uint64_t a, uint64_t b, uint64_t c,
                      uint32_t fin)
{
    uint64_t nr[4] = { a, c, 0x1122334455667788ULL, b };
    uint64_t nf = fin;
    X86TCG *s = new_state();
    uint32_t undef = op->undef, ef;
    unsigned cnt = c & (op->ot == 3 ? 63 : 31);

    memcpy(code_buf, op->bytes, op->n);
    code_buf[op->n] = 0xc3;
    native_exec(nr, &nf, code_buf);

    s->env->regs[R_EAX] = a;
    s->env->regs[R_ECX] = c;
    s->env->regs[R_EDX] = 0x1122334455667788ULL;
    s->env->regs[R_EBX] = b;
    s->env->eflags = 2 | fin;
    emu_exec(s, op->bytes, op->n);
    ef = x86_get_eflags(s);

    if (op->kind == 1 && cnt != 1) {
        undef |= CC_O;
    }
    if (op->kind == 1 && op->ot < 2 && cnt >= (8u << op->ot) &&
        strncmp(op->name, "r", 1)) {
        undef |= CC_C;      /* shift counts beyond the operand size */
    }
    if (op->kind == 1 && !strncmp(op->name, "sh", 2) && op->name[3] == 'd' &&
        cnt > (8u << op->ot)) {
        undef = ALLF;
    }
    if (op->kind == 1 && cnt == 0) {
        undef = 0;          /* count 0 leaves every flag alone */
    }
    if (memcmp(nr, s->env->regs, sizeof(nr)) ||
        ((nf ^ ef) & ALLF & ~undef)) {
        g_test_message("%s a=%#" PRIx64 " b=%#" PRIx64 " cl=%#" PRIx64
                       " fin=%#x: host rax=%#" PRIx64 " rdx=%#" PRIx64
                       " rbx=%#" PRIx64 " fl=%#" PRIx64 "; emu rax=%#" PRIx64
                       " rdx=%#" PRIx64 " rbx=%#" PRIx64 " fl=%#x undef=%#x",
                       op->name, a, b, c, fin, nr[0], nr[2], nr[3], nf & ALLF,
                       s->env->regs[R_EAX], s->env->regs[R_EDX],
                       s->env->regs[R_EBX], ef & ALLF, undef);
        g_test_fail();
    }
    free_state(s);
}

static void test_flags_vs_host(void)
{
    static const uint32_t fins[] = { 0, CC_C, ALLF };
    for (size_t i = 0; i < ARRAY_SIZE(flag_ops); i++) {
        const FlagOp *op = &flag_ops[i];
        for (size_t x = 0; x < ARRAY_SIZE(vals); x++) {
            for (size_t f = 0; f < ARRAY_SIZE(fins); f++) {
                if (op->kind == 1) {
                    for (size_t k = 0; k < ARRAY_SIZE(counts); k++) {
                        check_one(op, vals[x], vals[(x + 3) % ARRAY_SIZE(vals)],
                                  counts[k], fins[f]);
                    }
                    continue;
                }
                for (size_t y = 0; y < ARRAY_SIZE(vals); y++) {
                    check_one(op, vals[x], vals[y], 5, fins[f]);
                }
            }
        }
    }
}

/* Conditions read straight from the lazy state must match EFLAGS. */
static void test_conditions(void)
{
    for (size_t x = 0; x < ARRAY_SIZE(vals); x++) {
        for (size_t y = 0; y < ARRAY_SIZE(vals); y++) {
            /* cmp %rbx,%rax ; then setcc al for each condition */
            for (int cc = 0; cc < 16; cc++) {
                uint8_t code[7] = { 0x48, 0x39, 0xd8, 0x0f, 0x90 + cc, 0xc0 };
                uint64_t nr[4] = { vals[x], 0, 0, vals[y] };
                uint64_t nf = 0;
                X86TCG *s = new_state();
                memcpy(code_buf, code, 6);
                code_buf[6] = 0xc3;
                native_exec(nr, &nf, code_buf);
                s->env->regs[R_EAX] = vals[x];
                s->env->regs[R_EBX] = vals[y];
                emu_exec(s, code, 3);
                emu_exec(s, code + 3, 3);
                g_assert_cmphex(s->env->regs[R_EAX], ==, nr[0]);
                free_state(s);
            }
        }
    }
}

static void test_div(void)
{
    X86TCG *s = new_state();
    /* div %ebx: 0x1:00000000 / 2 */
    s->env->regs[R_EDX] = 1;
    s->env->regs[R_EAX] = 0;
    s->env->regs[R_EBX] = 2;
    emu_exec(s, (const uint8_t *)"\xf7\xf3", 2);
    g_assert_cmphex(s->env->regs[R_EAX], ==, 0x80000000);
    g_assert_cmphex(s->env->regs[R_EDX], ==, 0);
    /* idiv %rbx: -7 / 2 = -3 rem -1 */
    s->env->regs[R_EDX] = ~0ULL;
    s->env->regs[R_EAX] = -7;
    s->env->regs[R_EBX] = 2;
    emu_exec(s, (const uint8_t *)"\x48\xf7\xfb", 3);
    g_assert_cmphex(s->env->regs[R_EAX], ==, (uint64_t)-3);
    g_assert_cmphex(s->env->regs[R_EDX], ==, (uint64_t)-1);
    /* aam/aad are not 64-bit; check 8-bit div */
    s->env->regs[R_EAX] = 0x0107;
    s->env->regs[R_EBX] = 0x10;
    emu_exec(s, (const uint8_t *)"\xf6\xf3", 2);
    g_assert_cmphex(s->env->regs[R_EAX] & 0xffff, ==, 0x0710);
    free_state(s);
}

/* Memory, stack and branch handlers on a small RAM window in the TLB. */
#define RAM_BASE 0x10000
#define RAM_PAGES 4
static uint8_t ram[RAM_PAGES * 4096] __attribute__((aligned(4096)));

static X86TCG *new_mem_state(void)
{
    X86TCG *s = new_state();
    for (int p = 0; p < RAM_PAGES; p++) {
        uint64_t lin = RAM_BASE + p * 4096;
        TLBEntry *e = &s->tlb[0][(lin >> 12) & (TLB_SIZE - 1)];
        e->tag_r = e->tag_w = lin;
        e->addend = (uintptr_t)ram - RAM_BASE;
        e->paddr = lin;
    }
    s->tlb_used_ok[0][0] = false;   /* (not listed: the next flush clears all) */
    s->code64 = true;
    s->env->regs[R_ESP] = RAM_BASE + RAM_PAGES * 4096;
    return s;
}

static void test_memory_ops(void)
{
    X86TCG *s = new_mem_state();
    uint64_t *r = s->env->regs;

    /* push $0x1000 ; pop %rbx */
    emu_exec(s, (const uint8_t *)"\x68\x00\x10\x00\x00", 5);
    g_assert_cmphex(r[R_ESP], ==, RAM_BASE + RAM_PAGES * 4096 - 8);
    emu_exec(s, (const uint8_t *)"\x5b", 1);
    g_assert_cmphex(r[R_EBX], ==, 0x1000);
    /* call +0x10 from rip 0x100, then ret */
    s->env->rip = 0x100;
    emu_exec(s, (const uint8_t *)"\xe8\x10\x00\x00\x00", 5);
    g_assert_cmphex(s->env->rip, ==, 0x115);
    emu_exec(s, (const uint8_t *)"\xc3", 1);
    g_assert_cmphex(s->env->rip, ==, 0x105);
    /* addl $1, (%rbx) with rbx in RAM; lock incl */
    r[R_EBX] = RAM_BASE + 0x20;
    *(uint32_t *)&ram[0x20] = 0xffffffff;
    emu_exec(s, (const uint8_t *)"\x83\x03\x01", 3);
    g_assert_cmphex(*(uint32_t *)&ram[0x20], ==, 0);
    g_assert(x86_get_eflags(s) & CC_C);
    emu_exec(s, (const uint8_t *)"\xf0\xff\x03", 3);
    g_assert_cmphex(*(uint32_t *)&ram[0x20], ==, 1);
    g_assert(x86_get_eflags(s) & CC_C);         /* INC keeps CF */
    /* stosb x3 without rep, then lodsl */
    r[R_EDI] = RAM_BASE + 0x40;
    r[R_EAX] = 0x5a;
    for (int i = 0; i < 3; i++) {
        emu_exec(s, (const uint8_t *)"\xaa", 1);
    }
    g_assert_cmphex(r[R_EDI], ==, RAM_BASE + 0x43);
    g_assert_cmphex(*(uint32_t *)&ram[0x40], ==, 0x005a5a5a);
    r[R_ESI] = RAM_BASE + 0x40;
    emu_exec(s, (const uint8_t *)"\xad", 1);
    g_assert_cmphex(r[R_EAX], ==, 0x005a5a5a);
    /* rep stos of 2, 4, 8 bytes: one repeated byte (memset) or not */
    memset(&ram[0x100], 0xee, 0x40);
    r[R_EDI] = RAM_BASE + 0x100;
    r[R_EAX] = 0x1234;
    r[R_ECX] = 3;
    emu_exec(s, (const uint8_t *)"\xf3\x66\xab", 3);    /* rep stosw */
    g_assert_cmphex(ld64_unaligned(&ram[0x100]), ==, 0xeeee123412341234ULL);
    r[R_EAX] = 0xffffffffababababULL;
    r[R_ECX] = 2;
    emu_exec(s, (const uint8_t *)"\xf3\xab", 2);        /* rep stosl */
    g_assert_cmphex(ld64_unaligned(&ram[0x106]), ==, 0xababababababababULL);
    g_assert_cmphex(ram[0x10e], ==, 0xee);
    r[R_EAX] = 0x0102030405060708ULL;
    r[R_ECX] = 2;
    emu_exec(s, (const uint8_t *)"\xf3\x48\xab", 3);    /* rep stosq */
    g_assert_cmphex(ld64_unaligned(&ram[0x10e]), ==, 0x0102030405060708ULL);
    g_assert_cmphex(ld64_unaligned(&ram[0x116]), ==, 0x0102030405060708ULL);
    r[R_EAX] = 0;
    r[R_ECX] = 2;
    emu_exec(s, (const uint8_t *)"\xf3\x48\xab", 3);
    g_assert_cmphex(ld64_unaligned(&ram[0x11e]), ==, 0);
    g_assert_cmphex(ld64_unaligned(&ram[0x126]), ==, 0);
    g_assert_cmphex(ram[0x12e], ==, 0xee);
    g_assert_cmphex(r[R_EDI], ==, RAM_BASE + 0x12e);
    g_assert_cmphex(r[R_ECX], ==, 0);
    /* RIP-relative load: mov 0x10(%rip),%eax at rip RAM_BASE */
    s->env->rip = RAM_BASE;
    memcpy(&ram[0x17], &(uint32_t){0xdeadbeef}, 4);
    emu_exec(s, (const uint8_t *)"\x8b\x05\x11\x00\x00\x00", 6);
    g_assert_cmphex(r[R_EAX], ==, 0xdeadbeef);
    /* enter $16,$0 ; leave */
    {
        uint64_t sp = r[R_ESP], bp = r[R_EBP] = 0x1234;
        emu_exec(s, (const uint8_t *)"\xc8\x10\x00\x00", 4);
        g_assert_cmphex(r[R_EBP], ==, sp - 8);
        g_assert_cmphex(r[R_ESP], ==, sp - 8 - 16);
        emu_exec(s, (const uint8_t *)"\xc9", 1);
        g_assert_cmphex(r[R_ESP], ==, sp);
        g_assert_cmphex(r[R_EBP], ==, bp);
    }
    /* loop: rcx 2 -> 1, taken */
    s->env->rip = 0x200;
    r[R_ECX] = 2;
    emu_exec(s, (const uint8_t *)"\xe2\xfe", 2);
    g_assert_cmphex(s->env->rip, ==, 0x200);
    emu_exec(s, (const uint8_t *)"\xe2\xfe", 2);
    g_assert_cmphex(s->env->rip, ==, 0x202);
    /* ah/bh without REX, sil with REX */
    r[R_EAX] = 0x1100;
    r[R_EBX] = 0x2200;
    emu_exec(s, (const uint8_t *)"\x00\xfc", 2);          /* add %bh,%ah */
    g_assert_cmphex(r[R_EAX], ==, 0x3300);
    r[R_ESI] = 0x77;
    emu_exec(s, (const uint8_t *)"\x40\x88\xf0", 3);      /* mov %sil,%al */
    g_assert_cmphex(r[R_EAX], ==, 0x3377);
    free_state(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    code_buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_assert(code_buf != MAP_FAILED);
    g_test_add_func("/tcg/decode/lengths", test_lengths);
    g_test_add_func("/tcg/decode/fields", test_decode_fields);
    g_test_add_func("/tcg/flags/host", test_flags_vs_host);
    g_test_add_func("/tcg/flags/conditions", test_conditions);
    g_test_add_func("/tcg/insn/div", test_div);
    g_test_add_func("/tcg/insn/memory", test_memory_ops);
    return g_test_run();
}
