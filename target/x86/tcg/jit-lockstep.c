/*
 * Translator lockstep check (KEMU_JIT_LOCKSTEP=1, -accel tcg,jit-lockstep=on):
 * every translated block runs twice from the same state, first in the
 * interpreter, then as host code; the CPU state (EFLAGS as the guest sees
 * it, not the lazy fields), the instruction count, the raised exception
 * and the sequence of memory writes must be the same.  The interpreter's
 * writes are undone (old bytes logged) before the translated run.  A block
 * that touches MMIO, ROM, a page holding code, I/O ports, MSRs or the TSC
 * is not compared: its first run stops before the access, the state is
 * put back and the translated code runs alone.  Chaining is off (every
 * block returns to the loop), stores always take the slow path (no
 * writable TLB entries).
 * A mismatch prints both states and exits with status 3 (or only warns
 * with KEMU_JIT_LOCKSTEP=warn).
 */
#include "qemu/osdep.h"
#include "target/x86/tcg/tcg-cpu.h"

#define LS_MAX_WRITES 4096
#define CPU_NB_REGS 16

typedef struct LSWrite {
    uint64_t lin;
    uint64_t val;
    uint64_t old;
    void *host;
    int size;
} LSWrite;

struct X86Lockstep {
    int n;
    bool overflow;
    LSWrite w[LS_MAX_WRITES];
};

/* The state a block can change (the TLB and jump cache are caches). */
typedef struct LSState {
    CPUX86State env;
    uint32_t flags;                 /* x86_get_eflags(): the guest's view */
    uint32_t cc_op;
    uint8_t cc_ot;
    uint64_t cc_res, cc_src1, cc_src2, cc_aux;
    int cpl, mmu_idx;
    bool code64, code32, lma, pe, ss32;
    uint64_t next_rip, insn_count;
    bool block_end, inhibit_irq, inhibit_next, push_rf, nmi_blocked;
    int exc_depth, exc_class;
    uint32_t last_tpr;
    int exc;                        /* vector raised, or -1 */
    uint32_t exc_err;
} LSState;

int x86_jit_lockstep;
static bool lockstep_warn_only;
static uint64_t n_compared, n_with_calls, n_aborted, n_mismatch;

#define LS_FIELDS(X) \
    X(cc_op) X(cc_ot) X(cc_res) X(cc_src1) X(cc_src2) X(cc_aux) X(cpl) \
    X(mmu_idx) X(code64) X(code32) X(lma) X(pe) X(ss32) X(next_rip) \
    X(insn_count) X(block_end) X(inhibit_irq) X(inhibit_next) X(push_rf) \
    X(nmi_blocked) X(exc_depth) X(exc_class) X(last_tpr)

static void save(X86TCG *s, LSState *st)
{
#define SAVE(f) st->f = s->f;
    LS_FIELDS(SAVE)
#undef SAVE
    st->env = *s->env;
    for (int i = 0; i < 8; i++) {
        /* x87 registers have 6 bytes of padding: compare the value only */
        X86FPReg v;
        memset(&v, 0, sizeof(v));
        v.mant = s->env->fpregs[i].mant;
        v.exp = s->env->fpregs[i].exp;
        memcpy(&st->env.fpregs[i], &v, sizeof(v));
    }
    st->flags = x86_get_eflags(s);
    st->env.eflags = st->flags;     /* compared as the guest sees it */
    st->exc = -1;
    st->exc_err = 0;
}

static void restore(X86TCG *s, const LSState *st, uint64_t eflags)
{
#define RESTORE(f) s->f = st->f;
    LS_FIELDS(RESTORE)
#undef RESTORE
    *s->env = st->env;
    s->env->eflags = eflags;
}

static void undo_writes(X86Lockstep *ls)
{
    for (int i = ls->n - 1; i >= 0; i--) {
        x86_host_st(ls->w[i].host, ls->w[i].size, ls->w[i].old);
    }
}

/* x86_st_slow, during a run: a store to RAM at @host, about to happen. */
void x86_lockstep_log(X86TCG *s, void *host, uint64_t lin, int size,
                      uint64_t val)
{
    X86Lockstep *ls = s->ls;

    if (ls->n == LS_MAX_WRITES) {
        x86_lockstep_abort(s);
    }
    if (size < 8) {
        val &= (1ULL << (8 * size)) - 1;    /* callers may pass more bits */
    }
    ls->w[ls->n++] = (LSWrite) {
        .lin = lin, .val = val, .old = x86_host_ld(host, size),
        .host = host, .size = size,
    };
}

/* An access the run must not make twice (MMIO, ROM, code page). */
void x86_lockstep_abort(X86TCG *s)
{
    longjmp(s->jb, 2);
}

static void report(const TCGBlock *tb, const LSState *a, const LSState *b,
                   const X86Lockstep *wa, const X86Lockstep *wb)
{
    static const char *const names[CPU_NB_REGS] = {
        "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
    };

    fprintf(stderr, "jit-lockstep: mismatch in the block at physical "
            "0x%" PRIx64 " (mode %u, %u insns, rip 0x%" PRIx64 ")\n",
            tb->phys, tb->mode, tb->ninsns, a->env.rip);
    for (uint32_t i = 0; i < tb->ninsns; i++) {
        const TCGInsn *d = &tb->insns[i];
        fprintf(stderr, "  insn %u: map %u op %02x /%u ot %u mod %u len %u\n",
                i, d->map, d->b, d->reg & 7, d->ot, d->mod, d->len);
    }
    fprintf(stderr, "  %-10s %18s %18s\n", "", "interpreter", "translated");
    for (int r = 0; r < CPU_NB_REGS; r++) {
        if (a->env.regs[r] != b->env.regs[r]) {
            fprintf(stderr, "  %-10s %18" PRIx64 " %18" PRIx64 "\n",
                    names[r], a->env.regs[r], b->env.regs[r]);
        }
    }
    fprintf(stderr, "  %-10s %18" PRIx64 " %18" PRIx64 "\n", "rip",
            a->env.rip, b->env.rip);
    if (memcmp(&a->env.segs, &b->env.segs, sizeof(a->env.segs)) ||
        memcmp(&a->env.cr, &b->env.cr, sizeof(a->env.cr)) ||
        memcmp(&a->env.xmm, &b->env.xmm, sizeof(a->env.xmm)) ||
        memcmp(&a->env.fpregs, &b->env.fpregs, sizeof(a->env.fpregs))) {
        fprintf(stderr, "  segments, control, x87 or SSE registers differ\n");
    }
    fprintf(stderr, "  %-10s %18x %18x\n", "eflags", a->flags, b->flags);
    fprintf(stderr, "  %-10s %18" PRIu64 " %18" PRIu64 "\n", "insns",
            a->insn_count, b->insn_count);
    fprintf(stderr, "  %-10s %18d %18d\n", "exception", a->exc, b->exc);
    fprintf(stderr, "  %-10s %18d %18d\n", "writes", wa->n, wb->n);
    for (int i = 0; i < MAX(wa->n, wb->n); i++) {
        if (i < wa->n) {
            fprintf(stderr, "  write %d: interp %" PRIx64 "/%d = %" PRIx64,
                    i, wa->w[i].lin, wa->w[i].size, wa->w[i].val);
        }
        if (i < wb->n) {
            fprintf(stderr, "  jit %" PRIx64 "/%d = %" PRIx64,
                    wb->w[i].lin, wb->w[i].size, wb->w[i].val);
        }
        fprintf(stderr, "\n");
    }
}

static bool same(const LSState *a, const LSState *b, const X86Lockstep *wa,
                 const X86Lockstep *wb)
{
    if (memcmp(&a->env, &b->env, sizeof(a->env)) ||
        a->insn_count != b->insn_count || a->block_end != b->block_end ||
        a->inhibit_irq != b->inhibit_irq || a->mmu_idx != b->mmu_idx ||
        a->cpl != b->cpl || a->code64 != b->code64 ||
        a->code32 != b->code32 || a->exc != b->exc ||
        (a->exc >= 0 && a->exc_err != b->exc_err) || wa->n != wb->n) {
        return false;
    }
    for (int i = 0; i < wa->n; i++) {
        if (wa->w[i].lin != wb->w[i].lin || wa->w[i].size != wb->w[i].size ||
            wa->w[i].val != wb->w[i].val) {
            return false;
        }
    }
    return true;
}

void x86_jit_lockstep_run(X86TCG *s, TCGBlock *tb, uint64_t lin)
{
    static X86Lockstep run1, run2;
    LSState s0, r1, r2;
    jmp_buf outer;
    uint64_t eflags0 = s->env->eflags, flushes;
    int r;

    if (!tb->jit_all_inline) {
        n_with_calls++;     /* counted only: such blocks are compared too */
    }
    save(s, &s0);
    memcpy(outer, s->jb, sizeof(jmp_buf));
    run1.n = run2.n = 0;
    flushes = x86_jit_stats.tlb_flushes + x86_jit_stats.tlb_flush_pages;

    /* exceptions (1) and aborts (2) longjmp to s->jb: here, for now */
    s->ls = &run1;
    r = setjmp(s->jb);
    if (r == 0) {
        x86_interp_block(s, tb);
    }
    s->ls = NULL;
    save(s, &r1);
    if (r == 1) {
        r1.exc = s->exc_vec;
        r1.exc_err = s->exc_err;
    }
    undo_writes(&run1);
    restore(s, &s0, eflags0);
    if (flushes != x86_jit_stats.tlb_flushes + x86_jit_stats.tlb_flush_pages) {
        /* the first run changed paging: its TLB fills may be wrong now */
        x86_tlb_flush(s);
    }
    if (r == 2) {
        /* MMIO / ROM / code page / I/O: run the translated code alone */
        memcpy(s->jb, outer, sizeof(jmp_buf));
        n_aborted++;
        x86_jit_run(s, tb, lin);
        return;
    }

    s->ls = &run2;
    r = setjmp(s->jb);
    if (r == 0) {
        x86_jit_run(s, tb, lin);
    }
    s->ls = NULL;
    memcpy(s->jb, outer, sizeof(jmp_buf));
    if (r == 2) {
        /* the interpreter made no such access, the translated code did */
        r2 = r1;
        r2.exc = -2;
        report(tb, &r1, &r2, &run1, &run2);
        exit(3);
    }
    save(s, &r2);
    if (r == 1) {
        r2.exc = s->exc_vec;
        r2.exc_err = s->exc_err;
    }
    n_compared++;
    if (!same(&r1, &r2, &run1, &run2)) {
        n_mismatch++;
        report(tb, &r1, &r2, &run1, &run2);
        if (!lockstep_warn_only) {
            exit(3);
        }
    }
    if (r == 1) {
        longjmp(s->jb, 1);      /* deliver the exception as usual */
    }
}

static void lockstep_stats(void)
{
    fprintf(stderr, "jit-lockstep: %" PRIu64 " blocks compared, %" PRIu64
            " (with handler calls), %" PRIu64 " not (MMIO/ROM/code/I/O), %"
            PRIu64 " mismatches\n", n_compared, n_with_calls, n_aborted,
            n_mismatch);
}

void x86_jit_lockstep_enable(bool warn_only)
{
    if (!x86_jit_lockstep) {
        const char *st = getenv("KEMU_JIT_STATS");
        if (st && *st && strcmp(st, "0")) {
            atexit(lockstep_stats);
        }
    }
    x86_jit_lockstep = 1;
    lockstep_warn_only = warn_only;
}

static void __attribute__((constructor)) lockstep_env_init(void)
{
    const char *e = getenv("KEMU_JIT_LOCKSTEP");

    if (e && *e && strcmp(e, "0") && strcmp(e, "off")) {
        x86_jit_lockstep_enable(!strcmp(e, "warn"));
    }
}
