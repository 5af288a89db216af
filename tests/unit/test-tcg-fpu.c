/*
 * Unit tests of the software CPU's x87, MMX and SSE/SSE2/SSE3 handlers:
 * each instruction runs on the software CPU and natively on the host from
 * the same FXSAVE image, general registers, flags and memory operand, and
 * the resulting FXSAVE images (FCW, FSW, abridged tag, ST0-7, MXCSR,
 * XMM0-15), registers, arithmetic flags and memory must match bit for bit.
 * The x87 instruction and data pointers are not compared (host addresses).
 * Plus CR0/CR4 behaviour (#NM, #UD, #XM, #MF) on the software CPU alone.
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include <ucontext.h>
#include "target/x86/tcg/tcg-cpu.h"

/* ---- the native side ---- */

typedef struct NativeCtx {
    uint8_t in[512];        /* FXRSTOR image before */
    uint8_t out[512];       /* FXSAVE image after */
    uint8_t host[512];      /* the test's own FPU state */
    uint64_t gpr[7];        /* rax rbx rcx rdx rsi rdi rflags */
    void *code;
} __attribute__((aligned(16))) NativeCtx;

void native_fx_run(NativeCtx *c);
asm(".text\n"
    ".globl native_fx_run\n"
    "native_fx_run:\n"
    "  push %rbx\n  push %rbp\n  push %r12\n  push %r13\n  push %r14\n"
    "  push %r15\n  sub $8, %rsp\n"
    "  mov %rdi, %r12\n"
    "  fxsave 1024(%r12)\n"
    "  fxrstor 0(%r12)\n"
    "  pushq 1584(%r12)\n  popfq\n"
    "  mov 1536(%r12), %rax\n  mov 1544(%r12), %rbx\n"
    "  mov 1552(%r12), %rcx\n  mov 1560(%r12), %rdx\n"
    "  mov 1568(%r12), %rsi\n  mov 1576(%r12), %rdi\n"
    "  call *1592(%r12)\n"
    "  pushfq\n  popq 1584(%r12)\n"
    "  mov %rax, 1536(%r12)\n  mov %rbx, 1544(%r12)\n"
    "  mov %rcx, 1552(%r12)\n  mov %rdx, 1560(%r12)\n"
    "  mov %rsi, 1568(%r12)\n  mov %rdi, 1576(%r12)\n"
    "  fxsave 512(%r12)\n"
    "  fxrstor 1024(%r12)\n"
    "  add $8, %rsp\n  pop %r15\n  pop %r14\n  pop %r13\n"
    "  pop %r12\n  pop %rbp\n  pop %rbx\n  ret\n");

/*
 * A faulting instruction (SIGILL for #UD, SIGSEGV for #GP, SIGFPE) jumps
 * back here; the test's FPU state is then restored from ctx->host.
 */
static sigjmp_buf native_jb;
static volatile int native_sig;

/* MXCSR and XMM registers at a host #XM (from the signal frame) */
static uint32_t native_xm_mxcsr;
static uint8_t native_xm_xmm[256];

static void native_fault(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    native_sig = sig;
    if (sig == SIGFPE && uc->uc_mcontext.fpregs) {
        native_xm_mxcsr = uc->uc_mcontext.fpregs->mxcsr;
        memcpy(native_xm_xmm, uc->uc_mcontext.fpregs->_xmm, 256);
    }
    siglongjmp(native_jb, 1);
}

static void fxrstor_host(NativeCtx *c)
{
    asm volatile("fxrstor %0" : : "m" (*(uint8_t (*)[512])c->host));
}

/* Returns -1 or the vector of the exception the host CPU raised. */
static int native_run_checked(NativeCtx *c)
{
    native_sig = 0;
    if (sigsetjmp(native_jb, 0)) {      /* SA_NODEFER: no mask to restore */
        fxrstor_host(c);
        switch (native_sig) {
        case SIGILL: return EXCP06_ILLOP;
        case SIGSEGV: return EXCP0D_GPF;
        case SIGBUS: return EXCP11_ALGN;
        default: return EXCP13_XMM;
        }
    }
    native_fx_run(c);
    return -1;
}

/* ---- the emulated side ---- */

#define RAM_BASE 0x10000
static uint8_t ram[2 * 4096] __attribute__((aligned(4096)));
static uint8_t native_mem[4096] __attribute__((aligned(4096)));
static uint8_t *code_page;

/*
 * One state reused by every case: tens of thousands of cases run, and
 * allocating each anew is slow under AddressSanitizer.
 */
static X86TCG the_state;
static CPUX86State the_env;

static X86TCG *new_state(void)
{
    X86TCG *s = &the_state;

    /*
     * (The two RAM entries written below are not in the TLB's used-slot
     * lists; they are written again, the same, for every case.)
     */
    x86_tcg_reset_for_test(s);
    memset(&the_env, 0, sizeof(the_env));
    s->env = &the_env;
    s->env->eflags = 2;
    s->cc_op = CC_OP_EFLAGS;
    for (int p = 0; p < 2; p++) {
        uint64_t lin = RAM_BASE + p * 4096;
        TLBEntry *e = &s->tlb[0][(lin >> 12) & (TLB_SIZE - 1)];
        e->tag_r = e->tag_w = lin;
        e->addend = (uintptr_t)ram - RAM_BASE;
        e->paddr = lin;
    }
    s->code64 = s->lma = s->pe = true;
    s->env->cr[0] = CR0_PE_MASK | CR0_MP_MASK | CR0_NE_MASK | CR0_ET_MASK;
    s->env->cr[4] = CR4_OSFXSR_MASK | CR4_OSXMMEXCPT_MASK | CR4_PAE_MASK;
    s->env->efer = MSR_EFER_LMA | MSR_EFER_LME;
    return s;
}

static void free_state(X86TCG *s)
{
}

/* Decode mode of emu_run: 2 (64-bit), 1 or 0 (32/16-bit protected, flat). */
static int emu_mode = 2;

/* Run @n bytes of instructions; returns -1 or the exception vector. */
static int emu_run(X86TCG *s, const uint8_t *code, int n)
{
    volatile int off = 0;
    s->env->rip = 0x1000;
    if (emu_mode < 2) {
        s->code64 = s->lma = false;
        s->code32 = emu_mode == 1;
        for (int i = 0; i < 6; i++) {
            s->env->segs[i].limit = 0xffffffff;
            s->env->segs[i].flags = DESC_P_MASK | DESC_S_MASK |
                                    (emu_mode ? DESC_B_MASK : 0);
        }
    }
    if (setjmp(s->jb)) {
        return s->exc_vec;
    }
    while (off < n) {
        TCGInsn d;
        int len = x86_decode(s, code + off, n - off, emu_mode, &d);
        g_assert_cmpint(len, >, 0);
        s->next_rip = s->env->rip + len;
        d.fn(s, &d);
        s->env->rip = s->next_rip;
        off += len;
    }
    return -1;
}

static void image_to_env(CPUX86State *env, const uint8_t *fx)
{
    memcpy(&env->fpuc, fx + 0, 2);
    memcpy(&env->fpus, fx + 2, 2);
    env->fptag_abridged = fx[4];
    memcpy(&env->mxcsr, fx + 24, 4);
    for (int i = 0; i < 8; i++) {
        memcpy(&env->fpregs[i].mant, fx + 32 + 16 * i, 8);
        memcpy(&env->fpregs[i].exp, fx + 40 + 16 * i, 2);
    }
    for (int i = 0; i < 16; i++) {
        memcpy(env->xmm[i].b, fx + 160 + 16 * i, 16);
    }
}

static void env_to_image(const CPUX86State *env, uint8_t *fx)
{
    memset(fx, 0, 512);
    memcpy(fx + 0, &env->fpuc, 2);
    memcpy(fx + 2, &env->fpus, 2);
    fx[4] = env->fptag_abridged;
    memcpy(fx + 24, &env->mxcsr, 4);
    for (int i = 0; i < 8; i++) {
        memcpy(fx + 32 + 16 * i, &env->fpregs[i].mant, 8);
        memcpy(fx + 40 + 16 * i, &env->fpregs[i].exp, 2);
    }
    for (int i = 0; i < 16; i++) {
        memcpy(fx + 160 + 16 * i, env->xmm[i].b, 16);
    }
}

/* ---- one comparison ---- */

typedef struct Case {
    const char *name;
    const char *bytes;
    int n;
    int mem;            /* bytes of the memory operand at (%rsi) to compare */
    uint16_t fsw_undef; /* FSW bits the SDM leaves undefined */
    int skip_lo, skip_hi;   /* memory bytes not compared (x87 pointers) */
} Case;

static int failures;

static void hexdump(const char *what, const uint8_t *a, const uint8_t *b,
                    int n)
{
    GString *s;
    if (!memcmp(a, b, n)) {
        return;
    }
    s = g_string_new(NULL);
    g_string_append_printf(s, "%s\n  emu:", what);
    for (int i = 0; i < n; i++) {
        g_string_append_printf(s, " %02x", a[i]);
    }
    g_string_append(s, "\n  cpu:");
    for (int i = 0; i < n; i++) {
        g_string_append_printf(s, " %02x", b[i]);
    }
    g_test_message("%s", s->str);
    g_string_free(s, true);
}

static void emu_compare(const Case *c, const uint8_t *fx, const uint64_t *gpr,
                        const uint8_t *mem, int memlen, const char *what,
                        NativeCtx *nc, int nvec);

static void compare_one(const Case *c, const uint8_t *fx, const uint64_t *gpr,
                        const uint8_t *mem, int memlen, const char *what)
{
    static NativeCtx ctx;
    NativeCtx *nc = &ctx;
    X86TCG *s = new_state();
    int nvec;

    /* native (rsi and rdi point into the memory buffer) */
    memcpy(nc->in, fx, 512);
    memcpy(nc->gpr, gpr, sizeof(nc->gpr));
    memcpy(native_mem, mem, memlen);
    nc->gpr[4] = (uintptr_t)native_mem;
    nc->gpr[5] = (uintptr_t)native_mem + 64;
    memcpy(code_page, c->bytes, c->n);
    code_page[c->n] = 0xc3;
    nc->code = code_page;
    nvec = native_run_checked(nc);
    emu_compare(c, fx, gpr, mem, memlen, what, nc, nvec);
    /*
     * The same bytes in 32-bit mode when they use no REX (nor the XMM8-15
     * part of an FXSAVE image), and in 16-bit protected mode when they
     * have no memory operand either (16-bit addressing differs).
     */
    if (c->mem <= 256) {
        int off = 0;
        bool memop = false;
        while (off < c->n) {
            TCGInsn d;
            int len = x86_decode(s, (const uint8_t *)c->bytes + off,
                                 c->n - off, 2, &d);
            if (len <= 0 || d.rex) {
                return;
            }
            memop |= d.base != -1 || d.index != -1;
            off += len;
        }
        emu_mode = 1;
        emu_compare(c, fx, gpr, mem, memlen, what, nc, nvec);
        if (!memop) {
            emu_mode = 0;
            emu_compare(c, fx, gpr, mem, memlen, what, nc, nvec);
        }
        emu_mode = 2;
    }
}

static void emu_compare(const Case *c, const uint8_t *fx, const uint64_t *gpr,
                        const uint8_t *mem, int memlen, const char *what,
                        NativeCtx *nc, int nvec)
{
    X86TCG *s = new_state();
    uint8_t efx[512];
    int vec;
    bool bad = false;

    image_to_env(s->env, fx);
    s->env->regs[R_EAX] = gpr[0];
    s->env->regs[R_EBX] = gpr[1];
    s->env->regs[R_ECX] = gpr[2];
    s->env->regs[R_EDX] = gpr[3];
    s->env->regs[R_ESI] = RAM_BASE;
    s->env->regs[R_EDI] = RAM_BASE + 64;
    s->env->eflags = gpr[6];
    memcpy(ram, mem, memlen);
    vec = emu_run(s, (const uint8_t *)c->bytes, c->n);
    env_to_image(s->env, efx);

    if (vec != nvec) {
        if (failures < 200) {
            g_test_message("%s (%s, mode %d): exception %d, host %d", c->name,
                           what, emu_mode, vec, nvec);
        }
        failures++;
        goto out;
    }
    if (vec == EXCP13_XMM) {
        /* unmasked SIMD exception: flags set, destination untouched */
        if (s->env->mxcsr != native_xm_mxcsr ||
            memcmp(efx + 160, native_xm_xmm, 256)) {
            failures++;
            if (failures < 20) {
                g_test_message("MISMATCH %s (%s, mode %d): #XM state, mxcsr "
                               "%08x host %08x", c->name, what, emu_mode,
                               s->env->mxcsr, native_xm_mxcsr);
                hexdump("xmm0", efx + 160, native_xm_xmm, 16);
            }
        }
        goto out;
    }
    if (vec >= 0) {
        goto out;               /* both faulted alike */
    }
    {
        uint16_t ef, nf;
        memcpy(&ef, efx + 2, 2);
        memcpy(&nf, nc->out + 2, 2);
        if (((ef ^ nf) & ~c->fsw_undef) || efx[0] != nc->out[0] ||
            efx[1] != nc->out[1] || efx[4] != nc->out[4] ||
            memcmp(efx + 24, nc->out + 24, 4)) {
            bad = true;
        }
    }
    for (int i = 0; i < 8; i++) {
        if (memcmp(efx + 32 + 16 * i, nc->out + 32 + 16 * i, 10)) {
            bad = true;
        }
    }
    if (memcmp(efx + 160, nc->out + 160, 256)) {
        bad = true;
    }
    if (s->env->regs[R_EAX] != nc->gpr[0] ||
        s->env->regs[R_EBX] != nc->gpr[1] ||
        s->env->regs[R_ECX] != nc->gpr[2] ||
        s->env->regs[R_EDX] != nc->gpr[3] ||
        ((x86_get_eflags(s) ^ nc->gpr[6]) & CC_ARITH)) {
        bad = true;
    }
    if (c->mem) {
        int lo = c->skip_hi ? c->skip_lo : c->mem;
        if (memcmp(ram, native_mem, lo) ||
            (c->skip_hi && memcmp(ram + c->skip_hi, native_mem + c->skip_hi,
                                  c->mem - c->skip_hi))) {
            bad = true;
        }
    }
    if (bad) {
        failures++;
        if (failures < 200) {
            g_test_message("MISMATCH %s (%s, mode %d)", c->name, what,
                           emu_mode);
        }
        if (failures < 6) {
            hexdump("fcw fsw ftw", efx, nc->out, 5);
            hexdump("mxcsr", efx + 24, nc->out + 24, 4);
            for (int i = 0; i < 8; i++) {
                hexdump("st", efx + 32 + 16 * i, nc->out + 32 + 16 * i, 10);
            }
            hexdump("xmm0", efx + 160, nc->out + 160, 16);
            hexdump("xmm1", efx + 176, nc->out + 176, 16);
            if (c->mem) {
                for (int o = 0; o < c->mem; o += 16) {
                    int n = c->mem - o < 16 ? c->mem - o : 16;
                    if (!(o >= c->skip_lo && o + n <= c->skip_hi)) {
                        hexdump("mem", ram + o, native_mem + o, n);
                    }
                }
            }
            g_test_message("rax %" PRIx64 "/%" PRIx64 " flags %x/%" PRIx64,
                           s->env->regs[R_EAX], nc->gpr[0],
                           x86_get_eflags(s) & CC_ARITH,
                           nc->gpr[6] & CC_ARITH);
        }
    }
out:
    free_state(s);
}

/* ---- x87 ---- */

typedef struct F80 {
    uint64_t mant;
    uint16_t exp;
} F80;

static const F80 fvals[] = {
    { 0x8000000000000000ULL, 0x3fff },      /* 1 */
    { 0xa000000000000000ULL, 0xc000 },      /* -2.5 */
    { 0xc90fdaa22168c235ULL, 0x4000 },      /* pi */
    { 0, 0 },                               /* +0 */
    { 0, 0x8000 },                          /* -0 */
    { 0x8000000000000000ULL, 0x7fff },      /* +inf */
    { 0x8000000000000000ULL, 0xffff },      /* -inf */
    { 0xc000000000000000ULL, 0x7fff },      /* QNaN */
    { 0xa000000000000000ULL, 0x7fff },      /* SNaN */
    { 0x0000000000000001ULL, 0x0000 },      /* denormal */
    { 0x8000000000000000ULL, 0x43fe },      /* 2^1023 */
    { 0x8000000000000000ULL, 0x0001 },      /* smallest normal */
    { 0xffffffffffffffffULL, 0x403e },      /* 2^64 - 1 */
    { 0xaaaaaaaaaaaaaaabULL, 0x3ffd },      /* 1/3 */
    { 0x1234000000000000ULL, 0x4000 },      /* unnormal */
    { 0x9a209a84fbcff799ULL, 0xc00a },      /* -1234.07 */
    { 0xd49a784bcd1b8afeULL, 0x4000 },      /* log2(10) */
    { 0x8000000000000000ULL, 0x403e },      /* 2^63 */
    { 0xfffffffffffffc00ULL, 0x7ffe },      /* near max */
};

static const uint64_t mvals[] = {
    0x3f800000, 0xc0200000, 0x7f800000, 0x7fc00000, 0x7fa00000, 0x00000001,
    0x80000000, 0x3eaaaaab, 0x3ff0000000000000ULL, 0x7ff4000000000000ULL,
    0x000fffffffffffffULL, 0xc09348a3d70a3d71ULL, 0x7fff, 0xffff8000,
    0x8000000000000000ULL, 0x0000001234567890ULL, 0x1999999999999999ULL,
};

#define X(name, b, mem, undef) { name, b, sizeof(b) - 1, mem, undef }
#define CC_ALL 0x4700       /* C0 C1 C2 C3 */
#define C023 0x4500
#define C0 0x100
#define C3 0x4000

static const Case x87_cases[] = {
    X("fadd st1", "\xd8\xc1", 0, C023),
    X("fmul st1", "\xd8\xc9", 0, C023),
    X("fsub st1", "\xd8\xe1", 0, C023),
    X("fsubr st1", "\xd8\xe9", 0, C023),
    X("fdiv st1", "\xd8\xf1", 0, C023),
    X("fdivr st1", "\xd8\xf9", 0, C023),
    X("fadd st2,st0", "\xdc\xc2", 0, C023),
    X("fsubr st1,st0", "\xdc\xe1", 0, C023),
    X("fsub st1,st0", "\xdc\xe9", 0, C023),
    X("fdivr st1,st0", "\xdc\xf1", 0, C023),
    X("fdiv st1,st0", "\xdc\xf9", 0, C023),
    X("faddp", "\xde\xc1", 0, C023),
    X("fmulp", "\xde\xc9", 0, C023),
    X("fsubrp", "\xde\xe1", 0, C023),
    X("fsubp", "\xde\xe9", 0, C023),
    X("fdivrp", "\xde\xf1", 0, C023),
    X("fdivp", "\xde\xf9", 0, C023),
    X("fadd m32", "\xd8\x06", 0, C023),
    X("fsub m32", "\xd8\x26", 0, C023),
    X("fdivr m32", "\xd8\x3e", 0, C023),
    X("fmul m64", "\xdc\x0e", 0, C023),
    X("fdiv m64", "\xdc\x36", 0, C023),
    X("fiadd m32", "\xda\x06", 0, C023),
    X("fisubr m32", "\xda\x2e", 0, C023),
    X("fimul m16", "\xde\x0e", 0, C023),
    X("fidiv m16", "\xde\x36", 0, C023),
    X("fcom m32", "\xd8\x16", 0, 0),
    X("fcomp m64", "\xdc\x1e", 0, 0),
    X("ficom m16", "\xde\x16", 0, 0),
    X("ficomp m32", "\xda\x1e", 0, 0),
    X("fcom st1", "\xd8\xd1", 0, 0),
    X("fcomp st2", "\xd8\xda", 0, 0),
    X("fcompp", "\xde\xd9", 0, 0),
    X("fucom st1", "\xdd\xe1", 0, 0),
    X("fucomp st1", "\xdd\xe9", 0, 0),
    X("fucompp", "\xda\xe9", 0, 0),
    X("fcomi st1", "\xdb\xf1", 0, C023),
    X("fucomi st1", "\xdb\xe9", 0, C023),
    X("fcomip st1", "\xdf\xf1", 0, C023),
    X("fucomip st2", "\xdf\xea", 0, C023),
    X("fcmovb", "\xda\xc1", 0, C023),
    X("fcmove", "\xda\xc9", 0, C023),
    X("fcmovbe", "\xda\xd1", 0, C023),
    X("fcmovu", "\xda\xd9", 0, C023),
    X("fcmovnb", "\xdb\xc1", 0, C023),
    X("fcmovne", "\xdb\xc9", 0, C023),
    X("fcmovnbe", "\xdb\xd1", 0, C023),
    X("fcmovnu", "\xdb\xd9", 0, C023),
    X("fld m32", "\xd9\x06", 0, C023),
    X("fld m64", "\xdd\x06", 0, C023),
    X("fld m80", "\xdb\x2e", 0, C023),
    X("fild m16", "\xdf\x06", 0, C023),
    X("fild m32", "\xdb\x06", 0, C023),
    X("fild m64", "\xdf\x2e", 0, C023),
    X("fst m32", "\xd9\x16", 4, C023),
    X("fstp m32", "\xd9\x1e", 4, C023),
    X("fst m64", "\xdd\x16", 8, C023),
    X("fstp m64", "\xdd\x1e", 8, C023),
    X("fstp m80", "\xdb\x3e", 10, C023),
    X("fist m16", "\xdf\x16", 2, C023),
    X("fist m32", "\xdb\x16", 4, C023),
    X("fistp m32", "\xdb\x1e", 4, C023),
    X("fistp m16", "\xdf\x1e", 2, C023),
    X("fistp m64", "\xdf\x3e", 8, C023),
    X("fisttp m16", "\xdf\x0e", 2, C023),
    X("fisttp m32", "\xdb\x0e", 4, C023),
    X("fisttp m64", "\xdd\x0e", 8, C023),
    X("fbstp", "\xdf\x36", 10, C023),
    X("fbld", "\xdf\x26", 0, C023),
    X("fld st1", "\xd9\xc1", 0, C023),
    X("fld st0", "\xd9\xc0", 0, C023),
    X("fxch st1", "\xd9\xc9", 0, C023),
    X("fxch st3", "\xd9\xcb", 0, C023),
    X("fst st1", "\xdd\xd1", 0, C023),
    X("fstp st1", "\xdd\xd9", 0, C023),
    X("fstp st0", "\xdd\xd8", 0, C023),
    X("ffree st1", "\xdd\xc1", 0, CC_ALL),
    X("fchs", "\xd9\xe0", 0, C023),
    X("fabs", "\xd9\xe1", 0, C023),
    X("ftst", "\xd9\xe4", 0, 0),
    X("fxam", "\xd9\xe5", 0, 0),
    X("fld1", "\xd9\xe8", 0, C023),
    X("fldl2t", "\xd9\xe9", 0, C023),
    X("fldl2e", "\xd9\xea", 0, C023),
    X("fldpi", "\xd9\xeb", 0, C023),
    X("fldlg2", "\xd9\xec", 0, C023),
    X("fldln2", "\xd9\xed", 0, C023),
    X("fldz", "\xd9\xee", 0, C023),
    X("f2xm1", "\xd9\xf0", 0, C023),
    X("fyl2x", "\xd9\xf1", 0, C023),
    X("fptan", "\xd9\xf2", 0, C0 | C3),
    X("fpatan", "\xd9\xf3", 0, C023),
    X("fxtract", "\xd9\xf4", 0, C023),
    X("fprem1", "\xd9\xf5", 0, 0),
    X("fdecstp", "\xd9\xf6", 0, C023),
    X("fincstp", "\xd9\xf7", 0, C023),
    X("fprem", "\xd9\xf8", 0, 0),
    X("fyl2xp1", "\xd9\xf9", 0, C023),
    X("fsqrt", "\xd9\xfa", 0, C023),
    X("fsincos", "\xd9\xfb", 0, C0 | C3),
    X("frndint", "\xd9\xfc", 0, C023),
    X("fscale", "\xd9\xfd", 0, C023),
    X("fsin", "\xd9\xfe", 0, C0 | C3),
    X("fcos", "\xd9\xff", 0, C0 | C3),
    X("fnclex", "\xdb\xe2", 0, 0),
    X("fninit", "\xdb\xe3", 0, 0),
    X("fnstsw ax", "\xdf\xe0", 0, 0),
    X("fnstsw m16", "\xdd\x3e", 2, 0),
    X("fnstcw m16", "\xd9\x3e", 2, 0),
    X("fldcw m16", "\xd9\x2e", 0, 0),
    X("fnop", "\xd9\xd0", 0, 0),
    X("fwait", "\x9b", 0, 0),
    X("fnstenv+fldenv", "\xd9\x36\xd9\x26", 12, 0),
    X("fnsave+frstor", "\xdd\x36\xdd\x26", 12, 0),
    X("fnsave", "\xdd\x36", 12, 0),
    X("fxsave+fxrstor", "\x0f\xae\x06\x0f\xae\x0e", 0, 0),
    /* bytes 6-23: x87 pointers; 28-31: MXCSR_MASK (host-specific) */
    { "fxsave", "\x0f\xae\x06", 3, 416, 0, 6, 32 },
    { "fxsave64", "\x48\x0f\xae\x06", 4, 416, 0, 6, 32 },
    { "fxsave64+fxrstor64", "\x48\x0f\xae\x06\x48\x0f\xae\x0e", 8, 0,
      0, 0, 0 },
    { "fnstenv", "\xd9\x36", 2, 28, 0, 12, 28 },
    { "fnstenv16", "\x66\xd9\x36", 3, 14, 0, 6, 14 },
    { "fnsave16+frstor16", "\x66\xdd\x36\x66\xdd\x26", 6, 6, 0, 0, 0 },
    { "fnsave", "\xdd\x36", 2, 108, 0, 12, 28 },
    X("fld1 fadd st0 fstp m64", "\xd9\xe8\xd8\xc0\xdd\x1e", 8, 0),
};

static const uint16_t fcws[] = { 0x037f, 0x0f7f, 0x047f, 0x087f, 0x007f,
                                 0x027f };
/* unmasked exceptions: single instructions only (the next would fault) */
static const uint16_t fcws_unmasked[] = { 0x0340, 0x0b5e, 0x0379, 0x0066 };

static void x87_image(uint8_t *fx, int top, uint8_t tags, uint16_t cw,
                      const F80 *st, int nst)
{
    uint16_t sw = top << 11;
    memset(fx, 0, 512);
    memcpy(fx, &cw, 2);
    memcpy(fx + 2, &sw, 2);
    fx[4] = tags;
    *(uint32_t *)(fx + 24) = 0x1f80;
    for (int i = 0; i < nst && i < 8; i++) {
        memcpy(fx + 32 + 16 * i, &st[i].mant, 8);
        memcpy(fx + 40 + 16 * i, &st[i].exp, 2);
    }
}

static void test_x87_vs_host(void)
{
    size_t nv = ARRAY_SIZE(fvals);
    uint64_t gpr[7] = { 0x1111, 0x2222, 0x3333, 0x4444, 0, 0x6666, 0x202 };
    uint8_t mem[512];
    uint8_t fx[512];
    char what[128];

    failures = 0;
    for (size_t k = 0; k < ARRAY_SIZE(x87_cases); k++) {
        const Case *c = &x87_cases[k];
        for (size_t i = 0; i < nv; i++) {
            for (size_t j = 0; j < nv; j++) {
                uint16_t cw = fcws[(i + j + k) % ARRAY_SIZE(fcws)];
                if (c->n <= 2 && (i + 2 * j) % 3 == 0) {
                    cw = fcws_unmasked[(i + j) % ARRAY_SIZE(fcws_unmasked)];
                }
                F80 st[8] = { fvals[i], fvals[j], fvals[(i + j) % nv],
                              fvals[(i * 3 + 1) % nv] };
                int top = (i + k) & 7;
                /* two, three or four valid registers; sometimes one */
                int depth = (j % 5 == 4) ? 1 : 2 + (i + j) % 3;
                uint8_t tags = 0;
                uint64_t m = mvals[(i * nv + j) % ARRAY_SIZE(mvals)];

                for (int d = 0; d < depth; d++) {
                    tags |= 1 << ((top + d) & 7);
                }
                if ((i + j) % 11 == 10) {
                    tags = 0xff;        /* full stack: pushes overflow */
                }
                x87_image(fx, top, tags, cw, st, 4);
                /* condition codes left over from before: kept or set? */
                fx[3] |= ((i + 2 * j) % 3 == 1) ? 0x45 : 0;
                fx[3] |= ((i + j) % 4 == 2) ? 0x02 : 0;
                if ((cw & 0x3f) == 0x3f) {
                    fx[2] |= (i * 5 + j) & 0x7f;    /* sticky flags, SF */
                }
                memset(mem, 0x5a, sizeof(mem));
                if (c->bytes[0] == '\xdb' && c->bytes[1] == '\x2e') {
                    memcpy(mem, &fvals[j].mant, 8);
                    memcpy(mem + 8, &fvals[j].exp, 2);
                } else if (c->bytes[0] == '\xdf' && c->bytes[1] == '\x26') {
                    memcpy(mem, "\x21\x43\x65\x87\x09\x00\x00\x00\x00", 9);
                    mem[9] = (j & 1) ? 0x80 : 0;
                } else if (c->bytes[0] == '\xd9' && c->bytes[1] == '\x2e') {
                    uint16_t ncw = fcws[j % ARRAY_SIZE(fcws)];
                    memcpy(mem, &ncw, 2);
                } else {
                    memcpy(mem, &m, 8);
                }
                gpr[6] = 0x202 | ((i * 7 + j) & 0x8d5);
                snprintf(what, sizeof(what), "i=%zu j=%zu cw=%04x top=%d "
                         "tags=%02x", i, j, cw, top, tags);
                compare_one(c, fx, gpr, mem, sizeof(mem), what);
            }
        }
    }
    g_assert_cmpint(failures, ==, 0);
}


/* Every x87 escape (D8-DF) with every register ModRM and each memory form. */
static void test_x87_sweep(void)
{
    uint64_t gpr[7] = { 0x1111, 0x2222, 0x3333, 0x4444, 0, 0, 0x202 };
    uint8_t mem[128];
    uint8_t fx[512] __attribute__((aligned(16)));
    char name[32], what[64];
    unsigned runs = 0;
    size_t nv = ARRAY_SIZE(fvals);

    failures = 0;
    for (int esc = 0xd8; esc <= 0xdf; esc++) {
        for (int m = 0; m < 256; m++) {
            uint8_t code[4] = { esc, m };
            Case c = { name, (const char *)code, 2, 0, 0, 0, 0 };

            if (esc == 0xd9 && m >= 0xd8 && m < 0xe0) {
                continue;   /* undocumented FSTP1: vendor-specific */
            }
            if (m < 0xc0) {
                if ((m & 0xc7) != 0x06) {
                    continue;           /* memory forms: (%rsi) only */
                }
                c.mem = 108;
                c.skip_lo = 12;
                c.skip_hi = 28;
            }
            snprintf(name, sizeof(name), "%02x %02x", esc, m);
            for (int v = 0; v < 12; v++) {
                size_t i = (m + v * 7) % nv, j = (esc + m * 3 + v) % nv;
                F80 st[8];
                int top = (m + v) & 7;
                uint16_t cw = v == 11 ? fcws_unmasked[m & 3]
                                      : fcws[(m + v) % ARRAY_SIZE(fcws)];
                uint8_t tags = v < 8 ? 0x0f << (v & 3) : v == 8 ? 0xff : 0x01;

                tags = (tags << top) | (tags >> (8 - top));
                for (int k = 0; k < 8; k++) {
                    st[k] = fvals[(i + k * j) % nv];
                }
                x87_image(fx, top, tags, cw, st, 8);
                fx[3] |= (v & 1) ? 0x47 : (v & 2) ? 0x02 : 0;   /* C0-C3 */
                for (int k = 0; k < 16; k++) {
                    uint64_t x = mvals[(j + k) % ARRAY_SIZE(mvals)];
                    memcpy(mem + 8 * k, &x, 8);
                }
                gpr[6] = 0x202 | ((i * 3 + v) & 0x8d5);
                snprintf(what, sizeof(what), "v=%d cw=%04x tags=%02x",
                         v, cw, tags);
                compare_one(&c, fx, gpr, mem, sizeof(mem), what);
                runs++;
            }
        }
    }
    g_test_message("%u encodings x values compared", runs);
    g_assert_cmpint(failures, ==, 0);
}

/* ---- SSE/SSE2/SSE3/MMX ---- */

static const uint32_t xvals[][4] = {
    { 0x3f800000, 0xc0200000, 0x7f7fffff, 0x00000001 },    /* floats */
    { 0x7fc00000, 0x7fa00000, 0x7f800000, 0x80000000 },
    { 0x3dcccccd, 0x501502f9, 0xaedbe6ff, 0x4f000000 },
    { 0x00000000, 0x3ff00000, 0x00000000, 0x80000000 },    /* doubles */
    { 0x00000000, 0x7ff40000, 0x7e37e43c, 0x7fe1ccf3 },
    { 0x00000001, 0x00000000, 0x00000000, 0x43e00000 },
    { 0x0001ffff, 0x80007fff, 0x7f807f80, 0xff01ff01 },    /* integers */
    { 0x89abcdef, 0x01234567, 0x76543210, 0xfedcba98 },
    { 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff },
    { 0, 0, 0, 0 },
    { 0x4b3c614e, 0xcf000000, 0x4effffff, 0x3f000001 },    /* cvt edges */
    { 0x9999999a, 0x3fb99999, 0x00000000, 0xc1e00000 },
};

/* incl. unmasked IE, DE, ZE and PE (#XM; not OE/UE, see ops-sse.c) */
static const uint32_t mxcsrs[] = { 0x1f80, 0x3f80, 0x5f80, 0x7f80, 0x9fc0,
                                   0x1fbf, 0x1d80, 0x1f00, 0x1e80, 0x1c00,
                                   0x0f80, 0x3c00 };

#define S(name, b) { name, b, sizeof(b) - 1, 0, 0 }
#define SM(name, b, mem) { name, b, sizeof(b) - 1, mem, 0 }

static const Case sse_cases[] = {
    S("addps", "\x0f\x58\xc1"), S("addpd", "\x66\x0f\x58\xc1"),
    S("addss", "\xf3\x0f\x58\xc1"), S("addsd", "\xf2\x0f\x58\xc1"),
    S("mulps", "\x0f\x59\xc1"), S("mulsd", "\xf2\x0f\x59\xc1"),
    S("subps", "\x0f\x5c\xc1"), S("subpd", "\x66\x0f\x5c\xc1"),
    S("subss", "\xf3\x0f\x5c\xc1"),
    S("minps", "\x0f\x5d\xc1"), S("minsd", "\xf2\x0f\x5d\xc1"),
    S("maxpd", "\x66\x0f\x5f\xc1"), S("maxss", "\xf3\x0f\x5f\xc1"),
    S("divps", "\x0f\x5e\xc1"), S("divpd", "\x66\x0f\x5e\xc1"),
    S("divss", "\xf3\x0f\x5e\xc1"), S("divsd", "\xf2\x0f\x5e\xc1"),
    S("sqrtps", "\x0f\x51\xc1"), S("sqrtpd", "\x66\x0f\x51\xc1"),
    S("sqrtss", "\xf3\x0f\x51\xc1"), S("sqrtsd", "\xf2\x0f\x51\xc1"),
    S("rsqrtps", "\x0f\x52\xc1"), S("rcpss", "\xf3\x0f\x53\xc1"),
    S("andps", "\x0f\x54\xc1"), S("andnpd", "\x66\x0f\x55\xc1"),
    S("orps", "\x0f\x56\xc1"), S("xorpd", "\x66\x0f\x57\xc1"),
    S("unpcklps", "\x0f\x14\xc1"), S("unpckhpd", "\x66\x0f\x15\xc1"),
    S("cvtps2pd", "\x0f\x5a\xc1"), S("cvtpd2ps", "\x66\x0f\x5a\xc1"),
    S("cvtss2sd", "\xf3\x0f\x5a\xc1"), S("cvtsd2ss", "\xf2\x0f\x5a\xc1"),
    S("cvtdq2ps", "\x0f\x5b\xc1"), S("cvtps2dq", "\x66\x0f\x5b\xc1"),
    S("cvttps2dq", "\xf3\x0f\x5b\xc1"), S("cvttpd2dq", "\x66\x0f\xe6\xc1"),
    S("cvtdq2pd", "\xf3\x0f\xe6\xc1"), S("cvtpd2dq", "\xf2\x0f\xe6\xc1"),
    S("cvtsi2ss eax", "\xf3\x0f\x2a\xc0"),
    S("cvtsi2sd rax", "\xf2\x48\x0f\x2a\xc0"),
    S("cvtsi2ss rbx", "\xf3\x48\x0f\x2a\xc3"),
    S("cvtss2si eax", "\xf3\x0f\x2d\xc1"),
    S("cvttss2si rax", "\xf3\x48\x0f\x2c\xc1"),
    S("cvtsd2si rax", "\xf2\x48\x0f\x2d\xc1"),
    S("cvttsd2si eax", "\xf2\x0f\x2c\xc1"),
    S("cvtpi2ps", "\x0f\x2a\xc1"), S("cvtpi2pd", "\x66\x0f\x2a\xc1"),
    S("cvtps2pi", "\x0f\x2d\xc1"), S("cvttps2pi", "\x0f\x2c\xc1"),
    S("cvtpd2pi", "\x66\x0f\x2d\xc1"), S("cvttpd2pi", "\x66\x0f\x2c\xc1"),
    S("ucomiss", "\x0f\x2e\xc1"), S("comiss", "\x0f\x2f\xc1"),
    S("ucomisd", "\x66\x0f\x2e\xc1"), S("comisd", "\x66\x0f\x2f\xc1"),
    S("cmpltps", "\x0f\xc2\xc1\x01"), S("cmpunordpd", "\x66\x0f\xc2\xc1\x03"),
    S("cmpnless", "\xf3\x0f\xc2\xc1\x06"), S("cmpeqsd", "\xf2\x0f\xc2\xc1\x00"),
    S("cmpordps", "\x0f\xc2\xc1\x07"), S("cmpnltpd", "\x66\x0f\xc2\xc1\x05"),
    S("cmpleps", "\x0f\xc2\xc1\x02"), S("cmpneqps", "\x0f\xc2\xc1\x04"),
    S("shufps", "\x0f\xc6\xc1\x1b"), S("shufpd", "\x66\x0f\xc6\xc1\x02"),
    S("movmskps", "\x0f\x50\xc1"), S("movmskpd", "\x66\x0f\x50\xc1"),
    S("movaps", "\x0f\x28\xc1"), S("movups", "\x0f\x10\xc1"),
    S("movss r", "\xf3\x0f\x10\xc1"), S("movsd r", "\xf2\x0f\x10\xc1"),
    S("movhlps", "\x0f\x12\xc1"), S("movlhps", "\x0f\x16\xc1"),
    S("movsldup", "\xf3\x0f\x12\xc1"), S("movshdup", "\xf3\x0f\x16\xc1"),
    S("movddup", "\xf2\x0f\x12\xc1"),
    S("haddps", "\xf2\x0f\x7c\xc1"), S("haddpd", "\x66\x0f\x7c\xc1"),
    S("hsubps", "\xf2\x0f\x7d\xc1"), S("hsubpd", "\x66\x0f\x7d\xc1"),
    S("addsubps", "\xf2\x0f\xd0\xc1"), S("addsubpd", "\x66\x0f\xd0\xc1"),
    /* memory forms */
    S("addps m", "\x0f\x58\x06"), S("addss m", "\xf3\x0f\x58\x06"),
    S("mulsd m", "\xf2\x0f\x59\x06"), S("comisd m", "\x66\x0f\x2f\x06"),
    S("movss m", "\xf3\x0f\x10\x06"), S("movsd m", "\xf2\x0f\x10\x06"),
    S("movlps m", "\x0f\x12\x06"), S("movhpd m", "\x66\x0f\x16\x06"),
    SM("movss st", "\xf3\x0f\x11\x0e", 16),
    SM("movsd st", "\xf2\x0f\x11\x0e", 16),
    SM("movaps st", "\x0f\x29\x0e", 16), SM("movhps st", "\x0f\x17\x0e", 16),
    SM("movlpd st", "\x66\x0f\x13\x0e", 16),
    SM("movntps", "\x0f\x2b\x0e", 16), SM("movntdq", "\x66\x0f\xe7\x0e", 16),
    SM("movq st", "\x66\x0f\xd6\x0e", 16),
    S("movdqu m", "\xf3\x0f\x6f\x06"), S("lddqu m", "\xf2\x0f\xf0\x06"),
    S("cvtps2pd m", "\x0f\x5a\x06"), S("cvtsi2sd m32", "\xf2\x0f\x2a\x06"),
    S("cmpltss m", "\xf3\x0f\xc2\x06\x01"),
    SM("stmxcsr", "\x0f\xae\x1e", 4),
    S("ldmxcsr", "\x0f\xae\x16\x0f\xae\x1e"),
    /* SSE2 integer */
    S("paddb", "\x66\x0f\xfc\xc1"), S("paddw", "\x66\x0f\xfd\xc1"),
    S("paddd", "\x66\x0f\xfe\xc1"), S("paddq", "\x66\x0f\xd4\xc1"),
    S("psubb", "\x66\x0f\xf8\xc1"), S("psubq", "\x66\x0f\xfb\xc1"),
    S("paddsb", "\x66\x0f\xec\xc1"), S("paddusw", "\x66\x0f\xdd\xc1"),
    S("psubsw", "\x66\x0f\xe9\xc1"), S("psubusb", "\x66\x0f\xd8\xc1"),
    S("pmullw", "\x66\x0f\xd5\xc1"), S("pmulhw", "\x66\x0f\xe5\xc1"),
    S("pmulhuw", "\x66\x0f\xe4\xc1"), S("pmuludq", "\x66\x0f\xf4\xc1"),
    S("pmaddwd", "\x66\x0f\xf5\xc1"), S("psadbw", "\x66\x0f\xf6\xc1"),
    S("pavgb", "\x66\x0f\xe0\xc1"), S("pavgw", "\x66\x0f\xe3\xc1"),
    S("pminub", "\x66\x0f\xda\xc1"), S("pmaxub", "\x66\x0f\xde\xc1"),
    S("pminsw", "\x66\x0f\xea\xc1"), S("pmaxsw", "\x66\x0f\xee\xc1"),
    S("pcmpeqb", "\x66\x0f\x74\xc1"), S("pcmpeqw", "\x66\x0f\x75\xc1"),
    S("pcmpeqd", "\x66\x0f\x76\xc1"), S("pcmpgtb", "\x66\x0f\x64\xc1"),
    S("pcmpgtw", "\x66\x0f\x65\xc1"), S("pcmpgtd", "\x66\x0f\x66\xc1"),
    S("pand", "\x66\x0f\xdb\xc1"), S("pandn", "\x66\x0f\xdf\xc1"),
    S("por", "\x66\x0f\xeb\xc1"), S("pxor", "\x66\x0f\xef\xc1"),
    S("packsswb", "\x66\x0f\x63\xc1"), S("packuswb", "\x66\x0f\x67\xc1"),
    S("packssdw", "\x66\x0f\x6b\xc1"),
    S("punpcklbw", "\x66\x0f\x60\xc1"), S("punpckhwd", "\x66\x0f\x69\xc1"),
    S("punpckldq", "\x66\x0f\x62\xc1"), S("punpcklqdq", "\x66\x0f\x6c\xc1"),
    S("punpckhqdq", "\x66\x0f\x6d\xc1"),
    S("psllw", "\x66\x0f\xf1\xc1"), S("psrld", "\x66\x0f\xd2\xc1"),
    S("psraw", "\x66\x0f\xe1\xc1"), S("psrlq", "\x66\x0f\xd3\xc1"),
    S("psllw 3", "\x66\x0f\x71\xf0\x03"), S("psrad 31", "\x66\x0f\x72\xe0\x1f"),
    S("psrlq 65", "\x66\x0f\x73\xd0\x41"),
    S("pslldq 5", "\x66\x0f\x73\xf8\x05"),
    S("psrldq 9", "\x66\x0f\x73\xd8\x09"),
    S("psrlw 16", "\x66\x0f\x71\xd0\x10"),
    S("pshufd", "\x66\x0f\x70\xc1\x4e"), S("pshuflw", "\xf2\x0f\x70\xc1\x1b"),
    S("pshufhw", "\xf3\x0f\x70\xc1\xb1"),
    S("pmovmskb", "\x66\x0f\xd7\xc1"), S("pextrw", "\x66\x0f\xc5\xc1\x05"),
    S("pinsrw", "\x66\x0f\xc4\xc3\x06"), S("pinsrw m", "\x66\x0f\xc4\x06\x02"),
    S("movd xmm,eax", "\x66\x0f\x6e\xc0"),
    S("movq xmm,rax", "\x66\x48\x0f\x6e\xc0"),
    S("movd eax,xmm", "\x66\x0f\x7e\xc0"),
    S("movq rax,xmm", "\x66\x48\x0f\x7e\xc0"),
    S("movq xmm,xmm", "\xf3\x0f\x7e\xc1"), S("movq xmm,m", "\xf3\x0f\x7e\x06"),
    S("movdqa", "\x66\x0f\x6f\xc1"), SM("movdqu st", "\xf3\x0f\x7f\x0e", 16),
    SM("maskmovdqu", "\x48\x89\xf7\x66\x0f\xf7\xc1", 16),
    S("xmm8 addps", "\x45\x0f\x58\xc1"),
    S("movq2dq", "\xf3\x0f\xd6\xc1"),
    /* MMX */
    S("mmx paddb", "\x0f\xfc\xc1"), S("mmx paddw", "\x0f\xfd\xc1"),
    S("mmx paddd", "\x0f\xfe\xc1"), S("mmx paddq", "\x0f\xd4\xc1"),
    S("mmx psubsw", "\x0f\xe9\xc1"), S("mmx paddusb", "\x0f\xdc\xc1"),
    S("mmx pmullw", "\x0f\xd5\xc1"), S("mmx pmulhw", "\x0f\xe5\xc1"),
    S("mmx pmaddwd", "\x0f\xf5\xc1"), S("mmx pcmpeqb", "\x0f\x74\xc1"),
    S("mmx pcmpgtw", "\x0f\x65\xc1"), S("mmx pand", "\x0f\xdb\xc1"),
    S("mmx pxor", "\x0f\xef\xc1"), S("mmx packsswb", "\x0f\x63\xc1"),
    S("mmx packuswb", "\x0f\x67\xc1"), S("mmx punpcklbw", "\x0f\x60\xc1"),
    S("mmx punpckhdq", "\x0f\x6a\xc1"), S("mmx psllq", "\x0f\xf3\xc1"),
    S("mmx psraw", "\x0f\xe1\xc1"), S("mmx psrlw 4", "\x0f\x71\xd0\x04"),
    S("mmx psllq 8", "\x0f\x73\xf0\x08"), S("mmx psrad 2", "\x0f\x72\xe0\x02"),
    S("mmx pshufw", "\x0f\x70\xc1\x1b"), S("mmx pminub", "\x0f\xda\xc1"),
    S("mmx pmaxsw", "\x0f\xee\xc1"), S("mmx pavgb", "\x0f\xe0\xc1"),
    S("mmx psadbw", "\x0f\xf6\xc1"), S("mmx pmulhuw", "\x0f\xe4\xc1"),
    S("mmx pmuludq", "\x0f\xf4\xc1"), S("mmx pmovmskb", "\x0f\xd7\xc1"),
    S("mmx pextrw", "\x0f\xc5\xc1\x02"), S("mmx pinsrw", "\x0f\xc4\xc3\x01"),
    S("mmx movd mm,eax", "\x0f\x6e\xc0"),
    S("mmx movq rax,mm", "\x48\x0f\x7e\xc0"),
    S("mmx movq mm,mm", "\x0f\x6f\xc1"), S("mmx movq mm,m", "\x0f\x6f\x06"),
    SM("mmx movq st", "\x0f\x7f\x0e", 8), SM("mmx movntq", "\x0f\xe7\x0e", 8),
    SM("mmx maskmovq", "\x48\x89\xf7\x0f\xf7\xc1", 8),
    S("movdq2q", "\xf2\x0f\xd6\xc1"),
    S("emms", "\x0f\x77"), S("mmx paddb emms", "\x0f\xfc\xc1\x0f\x77"),
};

static void test_sse_vs_host(void)
{
    size_t nx = ARRAY_SIZE(xvals);
    uint64_t gpr[7] = { 0, 0, 0x3333, 0x4444, 0, 0, 0x202 };
    static const uint64_t ints[] = {
        0, 1, ~0ULL, 0x7fffffff, 0x80000000, 0x123456789ULL,
        (uint64_t)-123456789012LL, 0x8000000000000000ULL, 0x7fff0005,
    };
    uint8_t mem[64] __attribute__((aligned(16)));
    uint8_t fx[512] __attribute__((aligned(16)));
    char what[128];

    failures = 0;
    for (size_t k = 0; k < ARRAY_SIZE(sse_cases); k++) {
        const Case *c = &sse_cases[k];
        for (size_t i = 0; i < nx; i++) {
            for (size_t j = 0; j < nx; j++) {
                uint32_t csr = mxcsrs[(i + j + k) % ARRAY_SIZE(mxcsrs)];
                memset(fx, 0, sizeof(fx));
                /* FCW default; x87 stack empty or MMX values in ST0/ST1 */
                fx[0] = 0x7f;
                fx[1] = 0x03;
                fx[4] = (i & 1) ? 0x00 : 0x83;
                memcpy(fx + 24, &csr, 4);
                memcpy(fx + 32, xvals[i], 8);
                memcpy(fx + 48, xvals[j] + 2, 8);
                fx[40] = fx[41] = fx[56] = fx[57] = 0xff;
                memcpy(fx + 160, xvals[i], 16);         /* xmm0 */
                memcpy(fx + 176, xvals[j], 16);         /* xmm1 */
                memcpy(fx + 160 + 16 * 8, xvals[j], 16);    /* xmm8 */
                memcpy(fx + 160 + 16 * 9, xvals[i], 16);    /* xmm9 */
                memcpy(mem, xvals[j], 16);
                memcpy(mem + 16, xvals[i], 16);
                if (!strcmp(c->name, "ldmxcsr")) {
                    uint32_t v = mxcsrs[j % ARRAY_SIZE(mxcsrs)];
                    memcpy(mem, &v, 4);
                }
                gpr[0] = ints[(i + j) % ARRAY_SIZE(ints)];
                gpr[1] = ints[(i * 2 + j + 3) % ARRAY_SIZE(ints)];
                gpr[6] = 0x202 | ((i * 5 + j) & 0x8d5);
                snprintf(what, sizeof(what), "i=%zu j=%zu mxcsr=%04x",
                         i, j, csr);
                compare_one(c, fx, gpr, mem, sizeof(mem), what);
            }
        }
    }
    g_assert_cmpint(failures, ==, 0);
}


/*
 * Every opcode of the 0F map that has MMX/SSE forms, with each mandatory
 * prefix, REX variants and a spread of ModRM bytes (register forms, group
 * selectors, memory forms): the software CPU must raise the same
 * exception as the host (#UD, #GP) or produce the same state.
 */
static bool sweep_opcode(int b)
{
    return (b >= 0x10 && b <= 0x17) || (b >= 0x28 && b <= 0x2f) ||
           (b >= 0x50 && b <= 0x77) || (b >= 0x7c && b <= 0x7f) ||
           (b >= 0xc2 && b <= 0xc6 && b != 0xc3) || (b >= 0xd0 && b <= 0xfe);
}

static bool has_imm(int b)
{
    return (b >= 0x70 && b <= 0x73) || b == 0xc2 || (b >= 0xc4 && b <= 0xc6);
}

static void test_sse_sweep(void)
{
    /* mandatory prefixes, and mixes of them: F2/F3 beat 66, the last wins */
    static const uint8_t pfx[][2] = {
        { 0 }, { 0x66 }, { 0xf3 }, { 0xf2 }, { 0x66, 0xf3 }, { 0xf3, 0x66 },
        { 0xf2, 0xf3 }, { 0xf3, 0xf2 }, { 0x66, 0xf2 }, { 0xf2, 0x66 },
    };
    static const uint8_t pfx_class[] = { 0, 1, 2, 3, 2, 2, 2, 3, 3, 3 };
    static const uint8_t rex[] = { 0, 0x48, 0x44, 0x41 };
    /* 0x46/0x4e: 8(%rsi), misaligned for 16-byte operands */
    static const uint8_t modrm[] = { 0xc1, 0xd1, 0xe1, 0xf1, 0xd9, 0xf9,
                                     0xc8, 0x06, 0x0e, 0x46, 0x4e };
    static const uint8_t imms[] = { 0x1b, 0x05, 0x0f, 0xfe };
    uint64_t gpr[7] = { 0x12345678, 0xfedcba9876543210ULL, 0x3333, 0x4444,
                        0, 0, 0x202 };
    uint8_t mem[128] __attribute__((aligned(16)));
    uint8_t fx[512] __attribute__((aligned(16)));
    char name[64], what[64];
    unsigned runs = 0;

    failures = 0;
    for (int b = 0x10; b < 0x100; b++) {
        if (!sweep_opcode(b)) {
            continue;
        }
        for (size_t p = 0; p < ARRAY_SIZE(pfx); p++) {
            for (size_t r = 0; r < ARRAY_SIZE(rex); r++) {
                for (size_t m = 0; m < ARRAY_SIZE(modrm); m++) {
                    uint8_t code[12];
                    int n = 0, reg = (modrm[m] >> 3) & 7;
                    Case c = { name, (const char *)code, 0, 0, 0, 0, 0 };

                    int pc = pfx_class[p];

                    if (p >= 4 && (r || (m != 0 && m != 7))) {
                        continue;       /* mixes: a subset is enough */
                    }
                    if (modrm[m] < 0xc0 && (rex[r] & 1)) {
                        continue;       /* base r14: not set up */
                    }
                    if ((rex[r] & 1) && modrm[m] >= 0xc0 &&
                        ((b == 0x2a && pc >= 2) || b == 0x6e || b == 0xc4)) {
                        continue;       /* reads r9: not set up */
                    }
                    if (b == 0x2b && pc >= 2) {
                        continue;       /* MOVNTSS/SD: the host's SSE4a */
                    }
                    if (reg == 4 && (b == 0x50 || b == 0xd7 || b == 0xc5 ||
                                     b == 0x2c || b == 0x2d)) {
                        continue;       /* would write the host's RSP */
                    }
                    for (int k = 0; k < 2 && pfx[p][k]; k++) {
                        code[n++] = pfx[p][k];
                    }
                    if (rex[r]) {
                        code[n++] = rex[r];
                    }
                    code[n++] = 0x0f;
                    code[n++] = b;
                    if (b == 0x77) {            /* EMMS: no ModRM */
                        if (m) {
                            continue;
                        }
                    } else {
                        code[n++] = modrm[m];
                        if ((modrm[m] & 0xc0) == 0x40) {
                            code[n++] = 8;
                        }
                    }
                    if (has_imm(b)) {
                        code[n++] = imms[(b + m + r) % ARRAY_SIZE(imms)];
                    }
                    c.n = n;
                    c.mem = modrm[m] < 0xc0 ? 64 : 0;
                    snprintf(name, sizeof(name),
                             "%02x %02x %02x 0f %02x %02x", pfx[p][0],
                             pfx[p][1], rex[r], b, modrm[m]);
                    for (int v = 0; v < 3; v++) {
                        size_t i = (b + v * 5) % ARRAY_SIZE(xvals);
                        size_t j = (b * 3 + v + m) % ARRAY_SIZE(xvals);
                        uint32_t csr = mxcsrs[(v + p) % ARRAY_SIZE(mxcsrs)];

                        memset(fx, 0, sizeof(fx));
                        fx[0] = 0x7f;
                        fx[1] = 0x03;
                        memcpy(fx + 24, &csr, 4);
                        for (int k = 0; k < 8; k++) {
                            memcpy(fx + 32 + 16 * k, xvals[(i + k) % 12], 8);
                        }
                        for (int k = 0; k < 16; k++) {
                            memcpy(fx + 160 + 16 * k,
                                   xvals[(k & 1 ? j : i + k) % 12], 16);
                        }
                        for (int k = 0; k < 8; k++) {
                            memcpy(mem + 16 * k, xvals[(j + k) % 12], 16);
                        }
                        snprintf(what, sizeof(what), "v=%d", v);
                        compare_one(&c, fx, gpr, mem, sizeof(mem), what);
                        runs++;
                    }
                }
            }
        }
    }
    g_test_message("%u encodings x values compared", runs);
    g_assert_cmpint(failures, ==, 0);
}


/* ---- compiled code: vectorised loops and x87 long double ---- */

/*
 * Small functions compiled by GCC for the x86-64 baseline (SSE2), with
 * loops vectorised and long double on the x87, run natively and on the
 * software CPU (code fetched straight from the test's own .text, data in
 * an identity-mapped region); results must match.
 */
#include <emmintrin.h>

#define KERNEL static __attribute__((noinline, used,                    \
    no_sanitize("address", "undefined"),                                \
    optimize("O3", "no-stack-protector",                                \
             "no-tree-loop-distribute-patterns"),                       \
    target("arch=x86-64")))

KERNEL float k_dot(const float *a, const float *b, int n)
{
    float s = 0;
    for (int i = 0; i < n; i++) {
        s += a[i] * b[i];
    }
    return s;
}

KERNEL int k_sum_pos(const int *a, int n)
{
    int s = 0;
    for (int i = 0; i < n; i++) {
        s += a[i] > 0 ? a[i] : 0;
    }
    return s;
}

KERNEL void k_u8_to_float(const uint8_t *in, float *out, int n)
{
    for (int i = 0; i < n; i++) {
        out[i] = in[i] * 0.5f + 1.0f;
    }
}

KERNEL void k_sqrt(double *a, int n)
{
    for (int i = 0; i + 1 < n; i += 2) {
        __m128d v = _mm_loadu_pd(a + i);
        _mm_storeu_pd(a + i, _mm_div_pd(_mm_sqrt_pd(v), _mm_set1_pd(3.0)));
    }
}

KERNEL void k_mul16(short *out, const short *a, const short *b, int n)
{
    for (int i = 0; i < n; i++) {
        out[i] = a[i] * b[i] + (a[i] >> 3);
    }
}

KERNEL int k_max_u8(const uint8_t *a, int n)
{
    uint8_t m = 0;
    for (int i = 0; i < n; i++) {
        m = a[i] > m ? a[i] : m;
    }
    return m;
}

KERNEL void k_f2i(const float *in, int *out, int n)
{
    for (int i = 0; i < n; i++) {
        out[i] = (int)in[i] ^ (int)(in[i] * 3.0f);
    }
}

KERNEL long k_strlen(const char *s)
{
    const char *p = (const char *)((uintptr_t)s & ~15);
    __m128i z = _mm_setzero_si128();
    unsigned mask = _mm_movemask_epi8(_mm_cmpeq_epi8(
                        _mm_load_si128((const __m128i *)p), z));
    mask >>= s - p;
    if (mask) {
        return __builtin_ctz(mask);
    }
    for (;;) {
        p += 16;
        mask = _mm_movemask_epi8(_mm_cmpeq_epi8(
                   _mm_load_si128((const __m128i *)p), z));
        if (mask) {
            return p + __builtin_ctz(mask) - s;
        }
    }
}

KERNEL long double k_harmonic(int n)
{
    long double s = 0;
    for (int k = 1; k <= n; k++) {
        s += 1.0L / k;
    }
    return s * 3.0L - (long double)n / 7;
}

KERNEL long k_ld_to_long(long double x)
{
    return (long)(x * 1000.0L);
}

KERNEL double k_mixed(const double *a, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++) {
        double v = a[i];
        s += v > 1.0 ? v * v : v / 2 + (long)v;
    }
    return s;
}

#define REGION_PAGES 16
static uint8_t region[REGION_PAGES * 4096] __attribute__((aligned(4096)));
#define SENTINEL 0x7e570000ULL

typedef struct EmuResult {
    uint64_t rax;
    X86XMMReg xmm0;
    F80 st0;
    uint64_t insns;
} EmuResult;

/* Call @fn(a0, a1, a2, a3) on the software CPU. */
static EmuResult emu_call(void *fn, uint64_t a0, uint64_t a1, uint64_t a2,
                          uint64_t a3, const long double *ldarg)
{
    X86TCG *s = new_state();
    CPUX86State *env = s->env;
    uint64_t sp = (uintptr_t)region + sizeof(region) - 256;
    volatile uint64_t n = 0;
    EmuResult r;

    for (int p = 0; p < REGION_PAGES; p++) {
        uint64_t lin = (uintptr_t)region + p * 4096;
        TLBEntry *e = &s->tlb[0][(lin >> 12) & (TLB_SIZE - 1)];
        e->tag_r = e->tag_w = lin;
        e->addend = 0;
        e->paddr = lin;
    }
    env->fpuc = 0x37f;
    env->mxcsr = 0x1f80;
    env->regs[R_EDI] = a0;
    env->regs[R_ESI] = a1;
    env->regs[R_EDX] = a2;
    env->regs[R_ECX] = a3;
    if (ldarg) {
        memcpy((void *)(uintptr_t)sp, ldarg, 10);   /* memory argument */
    }
    sp -= 8;
    memcpy((void *)(uintptr_t)sp, &(uint64_t){ SENTINEL }, 8);
    env->regs[R_ESP] = sp;
    env->rip = (uintptr_t)fn;
    if (setjmp(s->jb)) {
        g_test_message("exception %d at rip %" PRIx64 " after %" PRIu64
                       " instructions", s->exc_vec, env->rip, (uint64_t)n);
        g_assert_not_reached();
    }
    while (env->rip != SENTINEL) {
        TCGInsn d;
        int len = x86_decode(s, (const uint8_t *)(uintptr_t)env->rip, 15, 2,
                             &d);
        g_assert_cmpint(len, >, 0);
        s->next_rip = env->rip + len;
        if (d.base == 16 && d.mod != 3) {
            /* RIP-relative constant in .rodata: map its page too */
            uint64_t lin = (s->next_rip + d.disp) & ~0xfffULL;
            for (int k = 0; k < 2; k++, lin += 4096) {
                TLBEntry *e = &s->tlb[0][(lin >> 12) & (TLB_SIZE - 1)];
                uint64_t old = e->tag_r - (uintptr_t)region;
                g_assert(e->tag_r == lin || old >= sizeof(region));
                e->tag_r = lin;
                e->tag_w = -1;
                e->addend = 0;
                e->paddr = lin;
            }
        }
        d.fn(s, &d);
        env->rip = s->next_rip;
        g_assert_cmpuint(++n, <, 10000000);
    }
    r.rax = env->regs[R_EAX];
    r.xmm0 = env->xmm[0];
    r.st0.mant = env->fpregs[0].mant;
    r.st0.exp = env->fpregs[0].exp;
    r.insns = n;
    free_state(s);
    return r;
}

static void test_compiled_code(void)
{
    float *fa = (float *)(region), *fb = fa + 256, *fo = fb + 256;
    float *fo2 = fo + 256;
    int *ia = (int *)(fo2 + 256), *io = ia + 256, *io2 = io + 256;
    uint8_t *u8 = (uint8_t *)(io2 + 256);
    short *sa = (short *)(u8 + 1024), *sb = sa + 256, *so = sb + 256;
    short *so2 = so + 256;
    double *da = (double *)(so2 + 256), *db = da + 256;
    char *str = (char *)(db + 256);
    EmuResult r;
    uint64_t total = 0;
    gint64 t0 = g_get_monotonic_time();

    g_assert((uint8_t *)(str + 512) < region + sizeof(region) - 4096);
    for (int i = 0; i < 256; i++) {
        fa[i] = (i * 37 % 101) / 7.0f - 5;
        fb[i] = (i * 13 % 29) * 0.3f + 1e-3f * i;
        ia[i] = (i * 7919) % 1000 - 480;
        u8[i] = (i * 131) ^ (i >> 2);
        sa[i] = (i * 2654435761u) >> 7;
        sb[i] = i * 977 - 30000;
        da[i] = (i % 17) * 0.37 + 0.01 * i;
        db[i] = da[i];
    }
    memset(str, 'x', 512);
    str[300] = 0;

    /* float return */
    {
        float nat = k_dot(fa, fb, 203), emu;
        r = emu_call(k_dot, (uintptr_t)fa, (uintptr_t)fb, 203, 0, NULL);
        memcpy(&emu, &r.xmm0, 4);
        g_assert_cmphex(*(uint32_t *)&nat, ==, *(uint32_t *)&emu);
        total += r.insns;
    }
    r = emu_call(k_sum_pos, (uintptr_t)ia, 251, 0, 0, NULL);
    g_assert_cmpint((int)r.rax, ==, k_sum_pos(ia, 251));
    total += r.insns;
    r = emu_call(k_max_u8, (uintptr_t)u8, 250, 0, 0, NULL);
    g_assert_cmpint((int)r.rax, ==, k_max_u8(u8, 250));
    total += r.insns;
    k_u8_to_float(u8, fo, 199);
    r = emu_call(k_u8_to_float, (uintptr_t)u8, (uintptr_t)fo2, 199, 0, NULL);
    g_assert(!memcmp(fo, fo2, 199 * 4));
    total += r.insns;
    k_sqrt(da, 255);
    r = emu_call(k_sqrt, (uintptr_t)db, 255, 0, 0, NULL);
    g_assert(!memcmp(da, db, 255 * 8));
    total += r.insns;
    k_mul16(so, sa, sb, 243);
    r = emu_call(k_mul16, (uintptr_t)so2, (uintptr_t)sa, (uintptr_t)sb, 243,
                 NULL);
    g_assert(!memcmp(so, so2, 243 * 2));
    total += r.insns;
    k_f2i(fa, io, 211);
    r = emu_call(k_f2i, (uintptr_t)fa, (uintptr_t)io2, 211, 0, NULL);
    g_assert(!memcmp(io, io2, 211 * 4));
    total += r.insns;
    for (int off = 0; off < 16; off++) {
        r = emu_call(k_strlen, (uintptr_t)(str + off), 0, 0, 0, NULL);
        g_assert_cmpint((long)r.rax, ==, k_strlen(str + off));
        total += r.insns;
    }
    /* long double return in ST(0) */
    {
        long double nat = k_harmonic(1000);
        F80 nf;
        memcpy(&nf.mant, &nat, 8);
        memcpy(&nf.exp, (char *)&nat + 8, 2);
        r = emu_call(k_harmonic, 1000, 0, 0, 0, NULL);
        g_assert_cmphex(r.st0.mant, ==, nf.mant);
        g_assert_cmphex(r.st0.exp, ==, nf.exp);
        total += r.insns;
    }
    /* long double argument in memory, conversion through FNSTCW/FLDCW */
    {
        static const long double xs[] = { -1234.56789L, 9.2e15L, 0.0004L };
        for (size_t i = 0; i < ARRAY_SIZE(xs); i++) {
            r = emu_call(k_ld_to_long, 0, 0, 0, 0, &xs[i]);
            g_assert_cmpint((long)r.rax, ==, k_ld_to_long(xs[i]));
            total += r.insns;
        }
    }
    {
        double nat = k_mixed(da, 250), emu;
        r = emu_call(k_mixed, (uintptr_t)da, 250, 0, 0, NULL);
        memcpy(&emu, &r.xmm0, 8);
        g_assert_cmphex(*(uint64_t *)&nat, ==, *(uint64_t *)&emu);
        total += r.insns;
    }
    g_test_message("%" PRIu64 " instructions of compiled code in %" PRId64
                   " us (with the native runs)", total,
                   g_get_monotonic_time() - t0);
}

/* FXRSTOR of arbitrary bytes (valid MXCSR), then FXSAVE: what survives. */
static void test_fxrstor_garbage(void)
{
    /* fxrstor (%rsi); fxsave 0x200(%rsi); fnstenv 0x400(%rsi) */
    static const Case c = {
        "fxrstor+fxsave", "\x0f\xae\x0e\x0f\xae\x86\x00\x02\x00\x00"
        "\xd9\xb6\x00\x04\x00\x00", 16, 0, 0, 0, 0 };
    uint64_t gpr[7] = { 1, 2, 3, 4, 0, 0, 0x202 };
    uint8_t fx[512] __attribute__((aligned(16)));
    static uint8_t mem[0x420];
    char what[32];

    failures = 0;
    x87_image(fx, 0, 0, 0x37f, NULL, 0);
    for (int v = 0; v < 64; v++) {
        uint32_t x = 0x9e3779b9u * (v + 1);
        Case cv = c;
        for (size_t k = 0; k < sizeof(mem); k++) {
            x = x * 1103515245u + 12345u;
            mem[k] = x >> 24;
        }
        memcpy(mem + 24, &(uint32_t){ 0x1f80 | (v & 0x3f) }, 4);
        /* compare the FXSAVE image but its x87 pointers and MXCSR_MASK,
         * and the FNSTENV control, status and tag words */
        cv.mem = 0x200 + 416;
        cv.skip_lo = 0;
        cv.skip_hi = 0x200 + 32;
        snprintf(what, sizeof(what), "v=%d", v);
        compare_one(&cv, fx, gpr, mem, sizeof(mem), what);
        cv.mem = 0x40c;
        cv.skip_lo = 0;
        cv.skip_hi = 0x400;
        compare_one(&cv, fx, gpr, mem, sizeof(mem), what);
        cv.mem = 0x200 + 6;
        cv.skip_lo = 0;
        cv.skip_hi = 0x200;
        compare_one(&cv, fx, gpr, mem, sizeof(mem), what);
        /* frstor (%rsi); fnstenv 0x200(%rsi); fldenv (%rsi); fnsave 0x300(%rsi) */
        {
            static const Case f = {
                "frstor+fnstenv+fldenv+fnsave",
                "\xdd\x26\xd9\xb6\x00\x02\x00\x00\xd9\x26"
                "\xdd\xb6\x00\x03\x00\x00", 16, 0x300 + 108, 0, 0, 0 };
            Case fv = f;
            fv.skip_lo = 0;
            fv.skip_hi = 0x200;
            fv.mem = 0x20c;
            compare_one(&fv, fx, gpr, mem, sizeof(mem), what);
            fv.skip_hi = 0x31c;             /* FSAVE: registers */
            fv.mem = 0x300 + 108;
            compare_one(&fv, fx, gpr, mem, sizeof(mem), what);
            fv.skip_hi = 0x300;             /* FSAVE: control words */
            fv.mem = 0x30c;
            compare_one(&fv, fx, gpr, mem, sizeof(mem), what);
        }
    }
    g_assert_cmpint(failures, ==, 0);
}

/* ---- system behaviour (software CPU only) ---- */

static int run_bytes(X86TCG *s, const char *b, int n)
{
    return emu_run(s, (const uint8_t *)b, n);
}

static void test_cr_checks(void)
{
    X86TCG *s = new_state();
    CPUX86State *env = s->env;

    env->fpuc = 0x37f;
    env->mxcsr = 0x1f80;
    env->regs[R_ESI] = RAM_BASE;
    /* CR0.TS: x87, MMX and SSE give #NM; FWAIT only with MP */
    env->cr[0] |= CR0_TS_MASK;
    g_assert_cmpint(run_bytes(s, "\xd9\xe8", 2), ==, EXCP07_PREX);
    g_assert_cmpint(run_bytes(s, "\x0f\xfc\xc1", 3), ==, EXCP07_PREX);
    g_assert_cmpint(run_bytes(s, "\x0f\x58\xc1", 3), ==, EXCP07_PREX);
    g_assert_cmpint(run_bytes(s, "\x0f\xae\x06", 3), ==, EXCP07_PREX);
    g_assert_cmpint(run_bytes(s, "\x9b", 1), ==, EXCP07_PREX);
    env->cr[0] &= ~CR0_MP_MASK;
    g_assert_cmpint(run_bytes(s, "\x9b", 1), ==, -1);
    env->cr[0] &= ~CR0_TS_MASK;
    /* CR0.EM: x87 #NM, MMX/SSE #UD */
    env->cr[0] |= CR0_EM_MASK;
    g_assert_cmpint(run_bytes(s, "\xd9\xe8", 2), ==, EXCP07_PREX);
    g_assert_cmpint(run_bytes(s, "\x0f\xfc\xc1", 3), ==, EXCP06_ILLOP);
    g_assert_cmpint(run_bytes(s, "\x0f\x58\xc1", 3), ==, EXCP06_ILLOP);
    env->cr[0] &= ~CR0_EM_MASK;
    /* CR4.OSFXSR clear: SSE #UD, MMX fine */
    env->cr[4] &= ~CR4_OSFXSR_MASK;
    g_assert_cmpint(run_bytes(s, "\x0f\x58\xc1", 3), ==, EXCP06_ILLOP);
    g_assert_cmpint(run_bytes(s, "\x0f\xfc\xc1", 3), ==, -1);
    env->cr[4] |= CR4_OSFXSR_MASK;
    /* unmasked SSE divide by zero: #XM, #UD without OSXMMEXCPT */
    env->mxcsr = 0x1f80 & ~0x200;
    memset(env->xmm, 0, sizeof(env->xmm));
    env->xmm[0].l[0] = 0x3f800000;
    g_assert_cmpint(run_bytes(s, "\xf3\x0f\x5e\xc1", 4), ==, EXCP13_XMM);
    g_assert_cmphex(env->mxcsr & 0x3f, ==, 0x04);
    g_assert_cmphex(env->xmm[0].l[0], ==, 0x3f800000);  /* unchanged */
    env->cr[4] &= ~CR4_OSXMMEXCPT_MASK;
    g_assert_cmpint(run_bytes(s, "\xf3\x0f\x5e\xc1", 4), ==, EXCP06_ILLOP);
    env->cr[4] |= CR4_OSXMMEXCPT_MASK;
    /* LDMXCSR with reserved bits: #GP */
    *(uint32_t *)ram = 0x10000;
    g_assert_cmpint(run_bytes(s, "\x0f\xae\x16", 3), ==, EXCP0D_GPF);
    /* unmasked x87 divide by zero: pending, #MF at the next FP insn */
    g_assert_cmpint(run_bytes(s, "\xdb\xe3", 2), ==, -1);       /* fninit */
    env->fpuc = 0x37f & ~0x4;
    g_assert_cmpint(run_bytes(s, "\xd9\xe8\xd9\xee\xde\xf9", 6), ==, -1);
    g_assert_cmphex(env->fpus & 0x8084, ==, 0x8084);
    g_assert_cmpint(run_bytes(s, "\x9b", 1), ==, EXCP10_COPR);
    g_assert_cmpint(run_bytes(s, "\xd9\xe8", 2), ==, EXCP10_COPR);
    /* FNSTSW does not wait; FNCLEX clears */
    g_assert_cmpint(run_bytes(s, "\xdf\xe0\xdb\xe2\xd9\xe8", 6), ==, -1);
    g_assert_cmphex(env->regs[R_EAX] & 0x8084, ==, 0x8084);
    /* FXSAVE to an unaligned address: #GP */
    env->regs[R_ESI] = RAM_BASE + 8;
    g_assert_cmpint(run_bytes(s, "\x0f\xae\x06", 3), ==, EXCP0D_GPF);
    /* MOVAPS from an unaligned address: #GP; MOVUPS fine */
    g_assert_cmpint(run_bytes(s, "\x0f\x28\x06", 3), ==, EXCP0D_GPF);
    g_assert_cmpint(run_bytes(s, "\x0f\x10\x06", 3), ==, -1);
    /* CPUID features: without SSE3 (-cpu qemu64,-pni) HADDPS and FISTTP #UD */
    env->regs[R_ESI] = RAM_BASE;
    {
        X86CPU *cpu = g_new0(X86CPU, 1);
        cpu->model.features_1_edx = 0x078bfbfd;
        cpu->model.features_1_ecx = 0x80002001;
        s->cpu = cpu;
        g_assert_cmpint(run_bytes(s, "\xf2\x0f\x7c\xc1", 4), ==, -1);
        g_assert_cmpint(run_bytes(s, "\xdb\xe3\xd9\xe8\xdb\x0e", 6), ==, -1);
        cpu->model.features_1_ecx = 0x80002000;
        g_assert_cmpint(run_bytes(s, "\xf2\x0f\x7c\xc1", 4), ==,
                        EXCP06_ILLOP);
        g_assert_cmpint(run_bytes(s, "\xdb\x0e", 2), ==, EXCP06_ILLOP);
        g_assert_cmpint(run_bytes(s, "\x0f\x58\xc1", 3), ==, -1);
        cpu->model.features_1_edx &= ~(1u << 26);       /* -sse2 */
        g_assert_cmpint(run_bytes(s, "\x66\x0f\xfc\xc1", 4), ==,
                        EXCP06_ILLOP);
        g_assert_cmpint(run_bytes(s, "\x0f\xfc\xc1", 3), ==, -1);
        s->cpu = NULL;
        g_free(cpu);
    }
    free_state(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    code_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_assert(code_page != MAP_FAILED);
    {
        struct sigaction sa = { .sa_sigaction = native_fault,
                                .sa_flags = SA_NODEFER | SA_SIGINFO };
        sigaction(SIGILL, &sa, NULL);
        sigaction(SIGSEGV, &sa, NULL);
        sigaction(SIGBUS, &sa, NULL);
        sigaction(SIGFPE, &sa, NULL);
    }
    g_test_add_func("/tcg/fpu/x87-vs-host", test_x87_vs_host);
    g_test_add_func("/tcg/fpu/x87-sweep", test_x87_sweep);
    g_test_add_func("/tcg/fpu/sse-vs-host", test_sse_vs_host);
    g_test_add_func("/tcg/fpu/sse-sweep", test_sse_sweep);
    g_test_add_func("/tcg/fpu/compiled-code", test_compiled_code);
    g_test_add_func("/tcg/fpu/fxrstor-garbage", test_fxrstor_garbage);
    g_test_add_func("/tcg/fpu/cr-checks", test_cr_checks);
    return g_test_run();
}
