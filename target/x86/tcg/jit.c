/*
 * Translator of the software CPU, first tier (issue 9): hot decoded blocks
 * become x86-64 host code.  Each guest instruction is either inline host
 * code (moves, LEA, PUSH/POP/PUSH imm/LEAVE, the ALU group, INC/DEC,
 * shifts, SHLD/SHRD, BT*, IMUL/MUL, SETcc/CMOVcc, XCHG/CMPXCHG/XADD,
 * CLI/STI/PUSHF, RDTSC, MOVS/STOS within a page, direct and indirect
 * branches, loads and stores through the soft-TLB fast path with the
 * 32-bit segment-limit check) or a call of the interpreter's
 * handler with the protocol of exec.c.  Lazy flags are written as the
 * interpreter writes them, except by a producer whose flags are dead
 * (translate(): two passes); host flags stay live from a producer to its
 * consumers.  env->rip and insn_count are exact at every helper call,
 * slow path and exit, so helpers may longjmp out.  Direct jumps within a
 * page are chained; other exits call a dispatcher that probes the jump
 * cache and jump to what it returns; a RET first tries the return stack
 * its CALL pushed (X86TCG.jit_rsb).  Between blocks the only check is
 * insn_count against jit_insn_end, which anything that needs the loop
 * pulls down (x86_jit_kick()).  Slow paths live in a cold area of the
 * cache, away from the hot path (Emit.q); blocks are entered from C
 * through one shared trampoline (jit_entry).  The guest registers a
 * block uses most live in host registers, written back at exits, calls
 * and slow paths (see Emit.hreg1).
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include "qemu/log.h"
#include "target/x86/tcg/ops.h"

/* ---- code cache ---- */

#define JIT_CACHE_SIZE X86_JIT_CACHE_SIZE
#define JIT_MAX_BLOCK_CODE (64 * 1024)  /* worst case of one block */
/*
 * The cache holds two areas: hot code (block bodies, what runs while
 * nothing misses) from the start, and from JIT_COLD_START the cold code
 * of the same blocks (slow paths: see Emit.q).
 */
#define JIT_COLD_START (JIT_CACHE_SIZE / 8 * 3)   /* (measured ratio) */

int x86_jit_threshold = 10;
/* KEMU_JIT_CC_LIVENESS=0 stores every lazy flag (to measure the pass) */
static bool x86_jit_cc_liveness = true;
static FILE *perf_map;      /* KEMU_JIT_PERFMAP=1: /tmp/perf-PID.map */
X86JitStats x86_jit_stats;
bool x86_jit_stats_on;
/* KEMU_JIT_STATS=1: handler calls from translated code, per opcode map/byte */
static uint64_t (*handler_calls)[256];

static uint8_t *cache_base, *cache_ptr, *cold_ptr;
static uint8_t *cache_start;        /* after the dispatcher (kept on reset) */
static uint8_t *dispatch_code;      /* see emit_dispatcher() */
static uint8_t *dispatch_epilogue;  /* what it returns on a miss */
/*
 * jit_entry(s, body): from C into translated code at @body (the callee-
 * saved registers pushed, rbx, rbp and r14 set up); every block leaves
 * by dispatch_epilogue.
 */
typedef void JitEntryFn(X86TCG *s, const uint8_t *body);
static uint8_t *jit_entry;
static uint8_t *cc_stub;            /* see emit_cc_stub() */
static bool cache_reset_pending;

/*
 * Every block was dropped (x86_block_cache_flush): their code is dead.
 * The space is reused at the next translation, which runs between blocks
 * when no translated code is on the stack.
 */
void x86_jit_cache_reset(void)
{
    cache_reset_pending = true;
}

/*
 * Exit sites that leave towards a target known only at run time (RET, a
 * direct jump to another page) remember their last target: guest linear
 * address, its block and code, valid while s->jit_epoch is unchanged
 * (no TLB fill or flush, no block dropped: what makes the jump cache's
 * own checks pass).  The source block fixes the mode and privilege, which
 * a near jump or RET keeps.  Slots live outside the code cache (W^X) and
 * are reused with it.
 */
typedef struct JitSite {
    uint64_t lin;
    uint8_t *code;
    TCGBlock *tb;
    uint64_t epoch;
} JitSite;

#define JIT_MAX_SITES (1 << 18)
static JitSite *sites;
static unsigned n_sites;
/* bumped when the sites are reused: every X86TCG.jit_rsb is stale */
static uint32_t rsb_gen;

static uint64_t epoch_counter;

void x86_jit_epoch_bump(X86TCG *s)
{
    s->jit_epoch = __atomic_add_fetch(&epoch_counter, 1, __ATOMIC_RELAXED);
}

static void emit_dispatcher(void);
typedef struct Emit Emit;
static void emit_cc_stub(Emit *c);
static void emit_epilogue(Emit *c);
static void emit_prologue(Emit *c);

/*
 * W^X: the cache is one memfd mapped twice, writable (where the emitter
 * works and chains are patched) and executable (what runs); code
 * addresses handed out (tb->jit, tb->jit_body) are in the executable view,
 * exec_delta bytes from the writable one.  Relative jumps are the same in
 * both views.  Without memfd, one RWX mapping (exec_delta = 0).
 */
static ptrdiff_t exec_delta;

static bool cache_init(void)
{
    void *w = MAP_FAILED, *x = MAP_FAILED;
    int fd;

    if (cache_base) {
        return true;
    }
    fd = memfd_create("kemu-jit", MFD_CLOEXEC);
    if (fd >= 0 && ftruncate(fd, JIT_CACHE_SIZE) == 0) {
        w = mmap(NULL, JIT_CACHE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
                 fd, 0);
        x = mmap(NULL, JIT_CACHE_SIZE, PROT_READ | PROT_EXEC, MAP_SHARED,
                 fd, 0);
    }
    if (fd >= 0) {
        close(fd);
    }
    if (w == MAP_FAILED || x == MAP_FAILED) {
        if (w != MAP_FAILED) {
            munmap(w, JIT_CACHE_SIZE);
        }
        if (x != MAP_FAILED) {
            munmap(x, JIT_CACHE_SIZE);
        }
        w = x = mmap(NULL, JIT_CACHE_SIZE,
                     PROT_READ | PROT_WRITE | PROT_EXEC,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (w == MAP_FAILED) {
            x86_jit_threshold = -1;
            return false;
        }
    }
    sites = mmap(NULL, JIT_MAX_SITES * sizeof(JitSite),
                 PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (sites == MAP_FAILED) {
        sites = NULL;
    }
    cache_base = cache_ptr = w;
    cold_ptr = cache_base + JIT_COLD_START;
    exec_delta = (uint8_t *)x - (uint8_t *)w;
    emit_dispatcher();
    return true;
}

/* ---- emitter ---- */

enum {
    RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
    R8, R9, R10, R11, R12, R13, R14, R15,
};

/* rbx = X86TCG *, rbp = CPUX86State *, r12b = shadow, r14 = TLB row base */
#define S_REG RBX
#define ENV_REG RBP
#define TLB_REG R14

#define S_OFF(f) ((int32_t)offsetof(X86TCG, f))
#define ENV_OFF(f) ((int32_t)offsetof(CPUX86State, f))

struct Emit {
    uint8_t *p;
    uint8_t *end;
    /*
     * The other stream, swapped with p/end by cold_begin()/cold_done():
     * while in_cold, the hot stream's.  Slow paths (TLB misses, exit-site
     * misses, handler fallbacks) go to the cold area of the cache, so the
     * hot path of a block falls through from one instruction to the next
     * and its bytes stay dense in the host's caches.
     */
    uint8_t *q;
    uint8_t *qend;
    bool in_cold;
    bool overflow;
    /* pending (not yet stored) RIP advance and instruction count */
    int64_t pend_rip;
    int pend_cnt;
    bool may_shadow;        /* inhibit_irq may be set here */
    int flags_live;         /* host flags = guest flags of ot (0: none) */
    uint8_t *exit_label;    /* epilogue */
    int mode;
    /*
     * Lazy-flag liveness (see translate()): what the instruction being
     * emitted does with the lazy-flag fields, and whether its own stores
     * of them are dead (overwritten before anything reads them).
     */
    bool cc_reads;          /* reads them (or may: helper, slow path, exit) */
    bool cc_kills;          /* overwrites all of them on every path */
    bool cc_co_only;        /* writes only CF and OF (rotate by imm) */
    bool cc_dead;           /* skip this instruction's lazy-flag stores */
    /*
     * The lazy flags hold an ADD, SUB or LOGIC result of this block
     * (CC_OP_* | ot << 4), or 0: a consumer recomputes the host flags from
     * the stored operands instead of calling x86_cond().
     */
    int cc_known;
    /*
     * Guest register r is cached in host register hreg1[r] - 1 (0: not
     * cached) for the whole block (see alloc_regs()), write-back: bit r of
     * dirty says env->regs[r] may be stale.  Every exit, helper call and
     * slow path stores the dirty ones first (emit_flush()), so whatever
     * leaves the block or looks at env (exceptions included) sees exact
     * registers; after a call the host registers are reloaded from env.
     * A store on a side path leaves the bits set (the main path did not
     * store), which only costs a redundant store later.
     */
    uint8_t hreg1[16];
    uint16_t dirty;
    /*
     * Deferred lazy flags: the last flag producer was emit_alu_direct()
     * (op, ot, destination register, source register or immediate) and
     * the registers it names are unchanged since, so a load or store's
     * slow path can store its lazy-flag fields from them
     * (emit_cc_materialise()) and does not count as a read of the
     * fields: a producer read only by such slow paths is dead.
     * pend_need: its own stores were skipped.
     */
    bool pend_valid, pend_need, pend_set;
    int pend_op, pend_ot, pend_dr, pend_sr;
    uint64_t pend_imm;
    /*
     * What the rest of the instruction does after its store, for a store
     * whose slow path ends the block (emit_slow_block_end_check): add
     * bend_rsp to RSP; RIP = r13 (bend_r13) instead of RIP + length.
     */
    int bend_rsp;
    bool bend_r13;
    bool rsb_pop;           /* the exit being emitted is a RET's */
};

static inline void e8(Emit *c, uint8_t b)
{
    if (c->p < c->end) {
        *c->p++ = b;
    } else {
        c->overflow = true;
    }
}

static void e32(Emit *c, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        e8(c, v >> (8 * i));
    }
}

static void e64(Emit *c, uint64_t v)
{
    e32(c, v);
    e32(c, v >> 32);
}

static bool fits32(int64_t v)
{
    return v == (int32_t)v;
}

/* REX prefix when needed; @force for byte access to SPL..DIL. */
static void rex(Emit *c, bool w, int reg, int index, int base, bool force)
{
    uint8_t r = 0x40 | (w << 3) | ((reg >> 3) & 1) << 2 |
                ((index >> 3) & 1) << 1 | ((base >> 3) & 1);
    if (r != 0x40 || force) {
        e8(c, r);
    }
}

/* ModRM(+SIB)(+disp) for [base + disp] or [base + index + disp]. */
static void modrm_mem(Emit *c, int reg, int base, int index, int32_t disp)
{
    int mod = disp == 0 && (base & 7) != RBP ? 0 : (disp == (int8_t)disp
                                                     ? 1 : 2);
    if (index >= 0) {
        e8(c, mod << 6 | (reg & 7) << 3 | 4);
        e8(c, (index & 7) << 3 | (base & 7));
    } else if ((base & 7) == RSP) {
        e8(c, mod << 6 | (reg & 7) << 3 | 4);
        e8(c, 0x24);
    } else {
        e8(c, mod << 6 | (reg & 7) << 3 | (base & 7));
    }
    if (mod == 1) {
        e8(c, disp);
    } else if (mod == 2) {
        e32(c, disp);
    }
}

/*
 * op reg, [base + index + disp] with operand size @sz bytes (1, 2, 4, 8);
 * @opc is the one-byte opcode (byte form chosen by the caller).
 */
static void op_mem(Emit *c, int sz, int opc, int reg, int base, int index,
                   int32_t disp)
{
    if (sz == 2) {
        e8(c, 0x66);
    }
    rex(c, sz == 8, reg, index < 0 ? 0 : index, base,
        sz == 1 && reg >= RSP && reg <= RDI);
    e8(c, opc);
    modrm_mem(c, reg, base, index, disp);
}

/* Two-byte opcode 0F xx with a memory operand (MOVZX). */
static void op0f_mem(Emit *c, bool w, int opc, int reg, int base,
                     int32_t disp)
{
    rex(c, w, reg, 0, base, false);
    e8(c, 0x0f);
    e8(c, opc);
    modrm_mem(c, reg, base, -1, disp);
}

/* op rm_reg, reg (register-direct ModRM) */
static void op_rr(Emit *c, int sz, int opc, int reg, int rm)
{
    if (sz == 2) {
        e8(c, 0x66);
    }
    rex(c, sz == 8, reg, 0, rm, sz == 1 && (reg >= RSP || rm >= RSP) &&
        (reg <= RDI && rm <= RDI));
    e8(c, opc);
    e8(c, 0xc0 | (reg & 7) << 3 | (rm & 7));
}

static void mov_imm64(Emit *c, int reg, uint64_t v)
{
    if (v <= 0xffffffffULL) {
        rex(c, false, 0, 0, reg, false);
        e8(c, 0xb8 + (reg & 7));
        e32(c, v);
    } else if (fits32(v)) {
        rex(c, true, 0, 0, reg, false);
        e8(c, 0xc7);
        e8(c, 0xc0 | (reg & 7));
        e32(c, v);
    } else {
        rex(c, true, 0, 0, reg, false);
        e8(c, 0xb8 + (reg & 7));
        e64(c, v);
    }
}

/* add qword [base + disp], imm (imm32 sign-extended) */
static void add_mem64_imm(Emit *c, int base, int32_t disp, int64_t v)
{
    if (v == 0) {
        return;
    }
    c->flags_live = 0;
    if (v == (int8_t)v) {
        op_mem(c, 8, 0x83, 0, base, -1, disp);
        e8(c, v);
    } else {
        op_mem(c, 8, 0x81, 0, base, -1, disp);
        e32(c, v);
    }
}

static int hreg(const Emit *c, int r)
{
    return c->hreg1[r] - 1;
}

static bool hreg_callee_saved(int h)
{
    return h == R12 || h == R15;
}

/* Store the cached guest registers env->regs may hold stale copies of. */
static void emit_flush(Emit *c)
{
    for (int r = 0; r < 16; r++) {
        if (c->dirty >> r & 1) {
            op_mem(c, 8, 0x89, hreg(c, r), ENV_REG, -1,
                   ENV_OFF(regs) + 8 * r);
        }
    }
}

/* Reload the cached guest registers (@all: also the callee-saved ones). */
static void emit_reload(Emit *c, bool all)
{
    for (int r = 0; r < 16; r++) {
        int h = hreg(c, r);
        if (h >= 0 && (all || !hreg_callee_saved(h))) {
            op_mem(c, 8, 0x8b, h, ENV_REG, -1, ENV_OFF(regs) + 8 * r);
        }
    }
}

/* Call a C function (which leaves guest registers alone). */
static void call_abs(Emit *c, const void *fn)
{
    mov_imm64(c, R11, (uintptr_t)fn);
    e8(c, 0x41);
    e8(c, 0xff);
    e8(c, 0xd3);        /* call r11 */
    emit_reload(c, false);
}

/* Jump with a rel32 to be patched; returns the patch address. */
static uint8_t *jcc32(Emit *c, int cond)
{
    e8(c, 0x0f);
    e8(c, 0x80 | cond);
    e32(c, 0);
    return c->p - 4;
}

static uint8_t *jmp32(Emit *c)
{
    e8(c, 0xe9);
    e32(c, 0);
    return c->p - 4;
}

/* Point the rel32 at @at (from jcc32/jmp32, or NULL) to @target. */
static void patch_to(Emit *c, uint8_t *at, uint8_t *target)
{
    if (!c->overflow && at) {
        int32_t rel = target - (at + 4);
        memcpy(at, &rel, 4);
    }
}

static void patch_here(Emit *c, uint8_t *at)
{
    patch_to(c, at, c->p);
}

static void jmp_to(Emit *c, uint8_t *target)
{
    int32_t rel = target - (c->p + 5);
    e8(c, 0xe9);
    e32(c, rel);
}

/*
 * Out-of-line code (see Emit.q): cold_begin() starts it, reached by the
 * jumps @from[0..n) (NULL ones skipped), in the cold area; cold_end()
 * jumps back to where the hot code stopped, cold_done() is for cold code
 * that leaves by jumps of its own.  Inside cold code (or without a cold
 * area: the dispatcher) it is emitted inline and jumped over.
 */
typedef struct ColdPath {
    uint8_t *resume;    /* hot code to come back to; NULL: inline */
    uint8_t *skip;      /* inline: the jump over it */
} ColdPath;

static void cold_swap(Emit *c)
{
    uint8_t *p = c->p, *end = c->end;

    c->p = c->q;
    c->end = c->qend;
    c->q = p;
    c->qend = end;
    c->in_cold = !c->in_cold;
}

static void cold_begin(Emit *c, ColdPath *cp, uint8_t *const *from, int n)
{
    if (c->in_cold || !c->q) {
        cp->resume = NULL;
        cp->skip = jmp32(c);
    } else {
        cp->resume = c->p;
        cp->skip = NULL;
        cold_swap(c);
    }
    for (int i = 0; i < n; i++) {
        patch_here(c, from[i]);
    }
}

static void cold_done(Emit *c, ColdPath *cp)
{
    if (cp->resume) {
        cold_swap(c);
    } else {
        patch_here(c, cp->skip);
    }
}

static void cold_end(Emit *c, ColdPath *cp)
{
    if (cp->resume) {
        jmp_to(c, cp->resume);
    }
    cold_done(c, cp);
}

enum { CC_O_ = 0, CC_B_ = 2, CC_AE_ = 3, CC_E_ = 4, CC_NE_ = 5, CC_A_ = 7 };

/*
 * Leave towards a successor found at run time: the shared dispatcher
 * returns its code (or the epilogue) in rcx; the jump is made here, so
 * the host predicts each site's targets separately.
 */
static void emit_dispatch(Emit *c)
{
    int32_t rel = dispatch_code - (c->p + 5);

    e8(c, 0xe8);                        /* call dispatcher */
    e32(c, rel);
    e8(c, 0xff); e8(c, 0xe1);           /* jmp rcx */
}

static void emit_poll(Emit *c, uint8_t **x, int *n);
static int32_t seg_off(int seg);

/* KEMU_JIT_STATS=1: ++*@counter (clobbers host @h and the flags) */
static void emit_count(Emit *c, uint64_t *counter, int h)
{
    if (handler_calls) {
        mov_imm64(c, h, (uintptr_t)counter);
        op_mem(c, 8, 0xff, 0, h, -1, 0);        /* inc qword [h] */
        c->flags_live = 0;
    }
}

/* ... of a call of @d's handler (clobbers rax) */
static void emit_count_handler(Emit *c, const TCGInsn *d)
{
    if (handler_calls) {             /* no address arithmetic on NULL */
        emit_count(c, &handler_calls[MIN(d->map, 2)][d->b], RAX);
    }
}

/*
 * Host @h = &s->jit_rsb[(top + @move) % size] for a pop (@move -1), or
 * the old top's entry for a push (@move 1); top moves by @move.
 * Clobbers rcx, rdx and the host flags.
 */
static void emit_rsb_move(Emit *c, int h, int move)
{
    c->flags_live = 0;
    op_mem(c, 4, 0x8b, RDX, S_REG, -1, S_OFF(jit_rsb_top));
    op_mem(c, 4, 0x8d, RCX, RDX, -1, move);             /* lea ecx */
    op_rr(c, 4, 0x83, 4, RCX); e8(c, X86_JIT_RSB_SIZE - 1);
    op_mem(c, 4, 0x89, RCX, S_REG, -1, S_OFF(jit_rsb_top));
    if (move < 0) {
        op_rr(c, 4, 0x89, RCX, RDX);                    /* the new top's */
    }
    op_rr(c, 4, 0xc1, 4, RDX); e8(c, 4);                /* shl edx, 4 */
    rex(c, true, h, RDX, S_REG, false);         /* lea h, [rbx+rdx+rsb] */
    e8(c, 0x8d);
    modrm_mem(c, h, S_REG, RDX, S_OFF(jit_rsb));
}

/*
 * Return stack (X86TCG.jit_rsb, 64-bit mode).  CALL: push the return
 * address nt bytes after env->rip, keyed with mmu_idx in bit 63 (a RET
 * at another privilege never matches: canonical addresses differ in
 * bits 48-63 together), and a site of its own that the RET fills.
 * Clobbers rax, rcx, rdx and the host flags.
 */
static void emit_rsb_push(Emit *c, int64_t nt)
{
    JitSite *site;

    if (!sites || n_sites >= JIT_MAX_SITES) {
        return;
    }
    site = &sites[n_sites++];
    emit_rsb_move(c, RDX, 1);
    /* key = (rip + nt) ^ mmu_idx << 63 */
    op_mem(c, 8, 0x8b, RCX, ENV_REG, -1, ENV_OFF(rip));
    op_mem(c, 8, 0x8d, RCX, RCX, -1, nt);
    op_mem(c, 4, 0x8b, RAX, S_REG, -1, S_OFF(mmu_idx));
    op_rr(c, 8, 0xc1, 4, RAX); e8(c, 63);               /* shl rax, 63 */
    op_rr(c, 8, 0x31, RAX, RCX);                        /* xor rcx, rax */
    op_mem(c, 8, 0x89, RCX, RDX, -1, 0);
    mov_imm64(c, RCX, (uintptr_t)site);
    op_mem(c, 8, 0x89, RCX, RDX, -1, 8);
}

/*
 * emit_dispatch() behind this site's cache of its last target (JitSite),
 * for exits after inline code (the mode is the block's); @poll: the
 * loop's turn first (emit_poll()).
 */
static void emit_dispatch_site(Emit *c, bool poll)
{
    uint8_t *x[1], *miss[2], *go, *rsb_hit = NULL;
    int n = 0;
    JitSite *site;
    ColdPath cp;

    emit_flush(c);
    if (!sites || n_sites >= JIT_MAX_SITES) {
        emit_dispatch(c);
        return;
    }
    site = &sites[n_sites++];
    memset(site, 0, sizeof(*site));
    if (c->rsb_pop) {
        /* r11 = the top entry, popped whatever happens next */
        emit_rsb_move(c, R11, -1);
    }
    if (poll) {
        emit_poll(c, x, &n);
        patch_to(c, x[0], c->exit_label);
    }
    /* rax = linear RIP, r11 = site */
    op_mem(c, c->mode == 2 ? 8 : 4, 0x8b, RAX, ENV_REG, -1, ENV_OFF(rip));
    op_mem(c, c->mode == 2 ? 8 : 4, 0x03, RAX, ENV_REG, -1,
           seg_off(R_CS) + (int32_t)offsetof(SegmentCache, base));
    if (c->rsb_pop) {
        /* the CALL's site when the entry names this return address */
        uint8_t *nomatch;

        op_mem(c, 4, 0x8b, RCX, S_REG, -1, S_OFF(mmu_idx));
        op_rr(c, 8, 0xc1, 4, RCX); e8(c, 63);           /* shl rcx, 63 */
        op_rr(c, 8, 0x31, RAX, RCX);                    /* xor rcx, rax */
        op_mem(c, 8, 0x3b, RCX, R11, -1, 0);            /* cmp rcx, key */
        nomatch = jcc32(c, CC_NE_);
        emit_count(c, &x86_jit_stats.rsb_match, RCX);
        op_mem(c, 8, 0x8b, R11, R11, -1, 8);            /* r11 = site */
        op_rr(c, 8, 0x85, R11, R11);
        rsb_hit = jcc32(c, CC_NE_);
        patch_here(c, nomatch);
        emit_count(c, &x86_jit_stats.rsb_nomatch, RCX);
    }
    mov_imm64(c, R11, (uintptr_t)site);
    patch_here(c, rsb_hit);
    op_mem(c, 8, 0x3b, RAX, R11, -1, offsetof(JitSite, lin));
    miss[0] = jcc32(c, CC_NE_);
    op_mem(c, 8, 0x8b, RCX, S_REG, -1, S_OFF(jit_epoch));
    op_mem(c, 8, 0x3b, RCX, R11, -1, offsetof(JitSite, epoch));
    miss[1] = jcc32(c, CC_NE_);
    /* as the dispatcher: the block entered names the page chains use */
    op_mem(c, 8, 0x8b, RCX, R11, -1, offsetof(JitSite, tb));
    op_mem(c, 8, 0x89, RCX, S_REG, -1, S_OFF(chain_src));
    op_mem(c, 8, 0x89, RAX, S_REG, -1, S_OFF(chain_lin));
    op_mem(c, 8, 0xff, 4, R11, -1, offsetof(JitSite, code));  /* jmp */
    cold_begin(c, &cp, miss, 2);
    /*
     * miss: the dispatcher (which leaves r11, the site, alone); a block
     * found (not the epilogue) is cached
     */
    emit_count(c, &x86_jit_stats.site_miss, RCX);
    e8(c, 0xe8);
    e32(c, dispatch_code - (c->p + 4));
    mov_imm64(c, RSI, (uintptr_t)(dispatch_epilogue + exec_delta));
    op_rr(c, 8, 0x39, RSI, RCX);                        /* cmp rcx, rsi */
    go = jcc32(c, CC_E_);
    op_mem(c, 8, 0x89, RAX, R11, -1, offsetof(JitSite, lin));
    op_mem(c, 8, 0x89, RCX, R11, -1, offsetof(JitSite, code));
    op_mem(c, 8, 0x89, RDX, R11, -1, offsetof(JitSite, tb));
    op_mem(c, 8, 0x8b, RAX, S_REG, -1, S_OFF(jit_epoch));
    op_mem(c, 8, 0x89, RAX, R11, -1, offsetof(JitSite, epoch));
    patch_here(c, go);
    e8(c, 0xff); e8(c, 0xe1);           /* jmp rcx */
    cold_done(c, &cp);
}



/* Store byte @v to [rbx + off]. */
static void st_s8(Emit *c, int32_t off, uint8_t v)
{
    op_mem(c, 1, 0xc6, 0, S_REG, -1, off);
    e8(c, v);
}

static void st_s32(Emit *c, int32_t off, uint32_t v)
{
    op_mem(c, 4, 0xc7, 0, S_REG, -1, off);
    e32(c, v);
}

/* ---- state synchronisation ---- */

/* Store the dirty registers, the pending RIP advance and count. */
static void emit_sync_state(Emit *c)
{
    emit_flush(c);
    add_mem64_imm(c, ENV_REG, ENV_OFF(rip), c->pend_rip);
    add_mem64_imm(c, S_REG, S_OFF(insn_count), c->pend_cnt);
}

/* ... before a helper or an exit, which may read the lazy flags */
static void emit_sync(Emit *c)
{
    c->cc_reads = true;
    emit_sync_state(c);
}

/* Undo emit_sync on a path that continues in the block. */
static void emit_unsync(Emit *c)
{
    add_mem64_imm(c, ENV_REG, ENV_OFF(rip), -c->pend_rip);
    add_mem64_imm(c, S_REG, S_OFF(insn_count), -c->pend_cnt);
}

/* r14 = &s->tlb[s->mmu_idx][0] */
static void emit_tlb_base(Emit *c)
{
    G_STATIC_ASSERT(sizeof(TLBEntry) == 1 << TLB_ENTRY_BITS);
    op_mem(c, 4, 0x8b, RCX, S_REG, -1, S_OFF(mmu_idx));
    c->flags_live = 0;
    op_rr(c, 4, 0x69, RCX, RCX);            /* imul ecx, ecx, imm32 */
    e32(c, sizeof(((X86TCG *)0)->tlb[0]));
    /* lea r14, [rbx + rcx + off] */
    rex(c, true, TLB_REG, RCX, S_REG, false);
    e8(c, 0x8d);
    modrm_mem(c, TLB_REG, S_REG, RCX, S_OFF(tlb));
}

/* ---- guest registers ---- */

/* Displacement from rbp of guest register @r at size @ot (AH..BH aware). */
static int32_t greg_off(int ot, int r, int rexb)
{
    if (ot == 0 && r >= 4 && r < 8 && !rexb) {
        return ENV_OFF(regs) + 8 * (r - 4) + 1;
    }
    return ENV_OFF(regs) + 8 * r;
}

/* movzx dst32, src8/src16 (register form) */
static void movzx_rr(Emit *c, int dst, int src, int sz)
{
    rex(c, false, dst, 0, src, sz == 1 && src >= RSP && src <= RDI);
    e8(c, 0x0f);
    e8(c, sz == 1 ? 0xb6 : 0xb7);
    e8(c, 0xc0 | (dst & 7) << 3 | (src & 7));
}

static bool is_high_byte(int ot, int r, int rexb)
{
    return ot == 0 && r >= 4 && r < 8 && !rexb;
}

/* The cached guest register @r was written in its host register. */
static void greg_written(Emit *c, int r)
{
    c->dirty |= 1u << r;
    if (r == c->pend_dr || r == c->pend_sr) {
        c->pend_valid = false;
    }
}

/* env->regs[@r] exact (AH..BH go through env) */
static void greg_to_env(Emit *c, int r)
{
    if (c->dirty >> r & 1) {
        op_mem(c, 8, 0x89, hreg(c, r), ENV_REG, -1, ENV_OFF(regs) + 8 * r);
    }
}

/* host @h = zero-extended guest register */
static void ld_greg(Emit *c, int h, int ot, int r, int rexb)
{
    int32_t off = greg_off(ot, r, rexb);
    int hr = hreg(c, r);

    if (is_high_byte(ot, r, rexb)) {
        greg_to_env(c, r - 4);
    }
    if (hr >= 0 && !is_high_byte(ot, r, rexb)) {
        switch (ot) {
        case 0: movzx_rr(c, h, hr, 1); break;
        case 1: movzx_rr(c, h, hr, 2); break;
        case 2: op_rr(c, 4, 0x89, hr, h); break;
        default: op_rr(c, 8, 0x89, hr, h); break;
        }
        return;
    }
    switch (ot) {
    case 0: op0f_mem(c, false, 0xb6, h, ENV_REG, off); break;
    case 1: op0f_mem(c, false, 0xb7, h, ENV_REG, off); break;
    case 2: op_mem(c, 4, 0x8b, h, ENV_REG, -1, off); break;
    default: op_mem(c, 8, 0x8b, h, ENV_REG, -1, off); break;
    }
}

/*
 * Host register of guest register @r for a 32/64-bit operand when it is
 * cached, else -1.  Its upper half is not zero for a 32-bit value: use
 * it with 32-bit host operations only.
 */
static int hreg_ot(const Emit *c, int ot, int r)
{
    return ot >= 2 ? hreg(c, r) : -1;
}

/*
 * Host register holding guest register @r for a 32/64-bit source operand:
 * its cache register, or @scratch loaded from env.
 */
static int greg_src(Emit *c, int ot, int r, int rexb, int scratch)
{
    int h = hreg_ot(c, ot, r);

    if (h >= 0) {
        return h;
    }
    ld_greg(c, scratch, ot, r, rexb);
    return scratch;
}

/* Host register holding the value of guest register @r to store. */
static int store_src(Emit *c, int ot, int r, int rexb)
{
    if (hreg(c, r) >= 0 && !is_high_byte(ot, r, rexb)) {
        return hreg(c, r);
    }
    ld_greg(c, R11, ot, r, rexb);
    return R11;
}

/* guest register = host @h (32-bit writes zero-extend: @h must be too) */
static void st_greg(Emit *c, int h, int ot, int r, int rexb)
{
    int32_t off = greg_off(ot, r, rexb);
    bool high = is_high_byte(ot, r, rexb);
    int hr = hreg(c, high ? r - 4 : r);

    if (hr >= 0 && ot >= 2) {
        /*
         * A 32-bit move zero-extends, so @h's upper half may be anything
         * (mov edx, edx clears it).
         */
        if (h != hr || ot == 2) {
            op_rr(c, ot == 3 ? 8 : 4, 0x89, h, hr);
        }
        greg_written(c, r);
        return;
    }
    if (hr >= 0 && !high) {
        op_rr(c, 1 << ot, ot == 0 ? 0x88 : 0x89, h, hr);
        greg_written(c, r);
        return;
    }
    if (hr >= 0) {
        greg_to_env(c, r - 4);
        greg_written(c, r - 4);     /* (reloaded below: same value) */
    }
    switch (ot) {
    case 0: op_mem(c, 1, 0x88, h, ENV_REG, -1, off); break;
    case 1: op_mem(c, 2, 0x89, h, ENV_REG, -1, off); break;
    default: op_mem(c, 8, 0x89, h, ENV_REG, -1, off); break;
    }
    if (hr >= 0) {
        /* AH..BH: rare; the cached copy is reloaded whole */
        op_mem(c, 8, 0x8b, hr, ENV_REG, -1, ENV_OFF(regs) + 8 * (r - 4));
    }
}

/* guest register @r (64 bits) += @v */
static void add_greg_imm(Emit *c, int r, int32_t v)
{
    int hr = hreg(c, r);

    if (hr < 0) {
        add_mem64_imm(c, ENV_REG, ENV_OFF(regs) + 8 * r, v);
        return;
    }
    op_mem(c, 8, 0x8d, hr, hr, -1, v);                  /* lea */
    greg_written(c, r);
}

/* mov r32, r32: zero-extend the low half (for ot 2 results) */
static void zext32(Emit *c, int h)
{
    op_rr(c, 4, 0x89, h, h);
}

/* Mask host @h to the operand size (results of 32-bit host ops). */
static void mask_ot(Emit *c, int h, int ot)
{
    if (ot == 0) {
        rex(c, false, h, 0, h, false);
        e8(c, 0x0f); e8(c, 0xb6); e8(c, 0xc0 | (h & 7) << 3 | (h & 7));
    } else if (ot == 1) {
        rex(c, false, h, 0, h, false);
        e8(c, 0x0f); e8(c, 0xb7); e8(c, 0xc0 | (h & 7) << 3 | (h & 7));
    }
}

/* ---- memory operands (64-bit mode only) ---- */

/* Can this instruction's memory operand be computed inline? */
static bool ea_inline(const Emit *c, const TCGInsn *d)
{
    if (c->mode == 1) {
        return d->aflag == 2;   /* 32-bit addressing; limits checked */
    }
    return c->mode == 2 && d->aflag >= 2 &&
           (d->base != 16 || fits32(d->disp + c->pend_rip + d->len));
}

/*
 * rax = linear address of the ModRM memory operand in 64-bit mode; the
 * offset within the segment in 32-bit mode (emit_seg_check adds the base).
 */
static void emit_ea(Emit *c, const TCGInsn *d)
{
    if (d->base == 16) {
        op_mem(c, 8, 0x8b, RAX, ENV_REG, -1, ENV_OFF(rip));
        /* lea rax, [rax + pend + len + disp] */
        op_mem(c, 8, 0x8d, RAX, RAX, -1, c->pend_rip + d->len + d->disp);
    } else if (d->base >= 0) {
        int hb = hreg(c, d->base);
        if (hb < 0) {
            op_mem(c, 8, 0x8b, RAX, ENV_REG, -1, ENV_OFF(regs) + 8 * d->base);
            hb = RAX;
        }
        if (d->disp || hb != RAX) {
            op_mem(c, 8, 0x8d, RAX, hb, -1, d->disp);   /* lea */
        }
    } else {
        mov_imm64(c, RAX, d->disp);
    }
    if (d->index >= 0) {
        int hx = hreg(c, d->index);
        if (hx < 0) {
            op_mem(c, 8, 0x8b, RCX, ENV_REG, -1,
                   ENV_OFF(regs) + 8 * d->index);
            hx = RCX;
        }
        /* lea rax, [rax + hx * scale] */
        rex(c, true, RAX, hx, RAX, false);
        e8(c, 0x8d);
        e8(c, 0x04);
        e8(c, d->scale << 6 | (hx & 7) << 3 | RAX);
    }
    if (d->aflag == 2) {
        zext32(c, RAX);
    }
    if (d->seg >= R_FS && c->mode == 2) {
        c->flags_live = 0;
        op_mem(c, 8, 0x03, RAX, ENV_REG, -1,
               ENV_OFF(segs) + d->seg * (int32_t)sizeof(SegmentCache) +
               (int32_t)offsetof(SegmentCache, base));
    }
}

/* Segment-checked accesses of 32-bit mode, for the out-of-line path. */
static uint64_t jit_ld_seg(X86TCG *s, uint64_t off, uint64_t seg_size)
{
    return x86_ld(s, seg_size >> 8, off, seg_size & 0xff);
}

static void jit_st_seg(X86TCG *s, uint64_t off, uint64_t seg_size,
                       uint64_t v)
{
    x86_st(s, seg_size >> 8, off, seg_size & 0xff, v);
}

static int32_t seg_off(int seg)
{
    return ENV_OFF(segs) + seg * (int32_t)sizeof(SegmentCache);
}

/*
 * 32-bit mode: rax = segment offset; within the limit it becomes the
 * linear address (uint32_t)(base + offset), otherwise jump to *@slow
 * (expand-down segments and faults: x86_ld/x86_st decide).
 */
static void emit_seg_check(Emit *c, int seg, int sz, uint8_t **slow)
{
    c->flags_live = 0;
    op_mem(c, 8, 0x8d, RCX, RAX, -1, sz - 1);           /* lea rcx */
    op_mem(c, 4, 0x8b, RDX, ENV_REG, -1,
           seg_off(seg) + (int32_t)offsetof(SegmentCache, limit));
    op_rr(c, 8, 0x39, RDX, RCX);                        /* cmp rcx, rdx */
    *slow = jcc32(c, CC_A_);
    op_mem(c, 4, 0x03, RAX, ENV_REG, -1,
           seg_off(seg) + (int32_t)offsetof(SegmentCache, base));
}

static void emit_cc_materialise(Emit *c);

/*
 * Slow-path preamble: exact RIP/count and next_rip, rdi = s, rsi = rax.
 * @mem: of a load or store (whose lazy flags may be deferred).
 */
static void emit_slow_enter(Emit *c, const TCGInsn *d, bool mem)
{
    if (mem && c->pend_valid) {
        if (c->pend_need) {
            emit_cc_materialise(c);
        }
        emit_sync_state(c);
    } else {
        emit_sync(c);
    }
    op_mem(c, 8, 0x8b, RCX, ENV_REG, -1, ENV_OFF(rip));
    op_mem(c, 8, 0x8d, RCX, RCX, -1, d->len);
    op_mem(c, 8, 0x89, RCX, S_REG, -1, S_OFF(next_rip));
    op_rr(c, 8, 0x89, RAX, RSI);
    op_rr(c, 8, 0x89, S_REG, RDI);
}

/*
 * Exit from a slow path after the instruction finished but a helper set
 * s->block_end (a write hit a code page): complete the instruction.
 */
static void emit_slow_block_end_check(Emit *c, const TCGInsn *d)
{
    uint8_t *skip;

    op_mem(c, 1, 0x80, 7, S_REG, -1, S_OFF(block_end));  /* cmp byte, 0 */
    e8(c, 0);
    skip = jcc32(c, CC_E_);
    /* state is synced up to this instruction; finish it and leave */
    add_mem64_imm(c, ENV_REG, ENV_OFF(regs) + 8 * R_ESP, c->bend_rsp);
    if (c->bend_r13) {
        op_mem(c, 8, 0x89, R13, ENV_REG, -1, ENV_OFF(rip));
    } else {
        add_mem64_imm(c, ENV_REG, ENV_OFF(rip), d->len);
    }
    add_mem64_imm(c, S_REG, S_OFF(insn_count), 1);
    if (c->may_shadow) {
        st_s8(c, S_OFF(inhibit_irq), 0);
    }
    jmp_to(c, c->exit_label);
    patch_here(c, skip);
}

/*
 * TLB probe for linear address in rax, @sz bytes: on a hit rax becomes
 * the host address and the code falls through; returns the patch address
 * of the jump to the slow path.  Clobbers rcx, rdx.
 */
static void emit_tlb_probe(Emit *c, int sz, bool write, uint8_t **miss1,
                           uint8_t **miss2)
{
    int32_t tag = write ? offsetof(TLBEntry, tag_w) : offsetof(TLBEntry, tag_r);

    c->flags_live = 0;

    /* rdx = ((rax >> 12) & (TLB_SIZE - 1)) * sizeof(TLBEntry) */
    op_rr(c, 8, 0x89, RAX, RDX);                    /* mov rdx, rax */
    op_rr(c, 8, 0xc1, 5, RDX); e8(c, 12 - TLB_ENTRY_BITS);  /* shr */
    op_rr(c, 4, 0x81, 4, RDX);
    e32(c, (TLB_SIZE - 1) << TLB_ENTRY_BITS);       /* and edx, mask */
    /*
     * rcx = the page of the operand's last byte: an access that crosses
     * into the next page (or wraps) misses the tag of rax's page.
     */
    op_mem(c, 8, 0x8d, RCX, RAX, -1, sz - 1);       /* lea rcx, [rax+sz-1] */
    op_rr(c, 8, 0x81, 4, RCX); e32(c, (uint32_t)-4096); /* and rcx, ~fff */
    /* cmp rcx, [r14 + rdx + tag] */
    rex(c, true, RCX, RDX, TLB_REG, false);
    e8(c, 0x3b);
    modrm_mem(c, RCX, TLB_REG, RDX, tag);
    *miss1 = jcc32(c, CC_NE_);
    *miss2 = NULL;
    /* add rax, [r14 + rdx + addend] */
    rex(c, true, RAX, RDX, TLB_REG, false);
    e8(c, 0x03);
    modrm_mem(c, RAX, TLB_REG, RDX, offsetof(TLBEntry, addend));
}

/*
 * rax = zero-extended load of @sz bytes from the operand address in rax
 * (see emit_ea).  Clobbers all caller-saved registers on the slow paths.
 */
static void emit_load(Emit *c, const TCGInsn *d, int sz)
{
    uint8_t *miss[2], *segslow = NULL;
    int seg = d->seg;
    ColdPath cp;

    if (c->mode == 1) {
        emit_seg_check(c, seg, sz, &segslow);
    }
    emit_tlb_probe(c, sz, false, &miss[0], &miss[1]);
    switch (sz) {
    case 1: op0f_mem(c, false, 0xb6, RAX, RAX, 0); break;
    case 2: op0f_mem(c, false, 0xb7, RAX, RAX, 0); break;
    case 4: op_mem(c, 4, 0x8b, RAX, RAX, -1, 0); break;
    default: op_mem(c, 8, 0x8b, RAX, RAX, -1, 0); break;
    }
    cold_begin(c, &cp, miss, 2);
    emit_slow_enter(c, d, true);
    mov_imm64(c, RDX, sz);
    mov_imm64(c, RCX, ACC_R);
    call_abs(c, x86_ld_slow);
    emit_unsync(c);
    cold_end(c, &cp);
    if (segslow) {
        cold_begin(c, &cp, &segslow, 1);
        emit_slow_enter(c, d, true);
        mov_imm64(c, RDX, seg << 8 | sz);
        call_abs(c, jit_ld_seg);
        emit_unsync(c);
        cold_end(c, &cp);
    }
}

/*
 * Store host register @v (@sz bytes; a cache register or r11) to the
 * operand address in rax (see emit_ea).
 */
static void emit_store(Emit *c, const TCGInsn *d, int sz, int v)
{
    uint8_t *miss[2], *segslow = NULL;
    int seg = d->seg;
    ColdPath cp;

    if (c->mode == 1) {
        emit_seg_check(c, seg, sz, &segslow);
    }
    emit_tlb_probe(c, sz, true, &miss[0], &miss[1]);
    op_mem(c, sz, sz == 1 ? 0x88 : 0x89, v, RAX, -1, 0);
    for (int slow = 0; slow < (segslow ? 2 : 1); slow++) {
        if (slow) {
            cold_begin(c, &cp, &segslow, 1);
        } else {
            cold_begin(c, &cp, miss, 2);
        }
        if (v != R11) {
            op_rr(c, 8, 0x89, v, R11);  /* (emit_slow_enter: rsi, rdi) */
        }
        emit_slow_enter(c, d, true);
        mov_imm64(c, RDX, slow ? seg << 8 | sz : sz);
        op_rr(c, 8, 0x89, R11, RCX);
        call_abs(c, slow ? (const void *)jit_st_seg
                         : (const void *)x86_st_slow);
        emit_slow_block_end_check(c, d);
        emit_unsync(c);
        cold_end(c, &cp);
    }
}

/* ---- instructions ---- */


/*
 * rax = host address of the @write (else read) access of rdx bytes at
 * linear rax, all within one page and a TLB hit; otherwise a jump
 * appended to @slow.  Clobbers r8, r9.
 */
static void emit_tlb_probe_len(Emit *c, bool write, uint8_t **slow, int *n)
{
    int32_t tag = write ? offsetof(TLBEntry, tag_w) : offsetof(TLBEntry, tag_r);

    rex(c, true, R8, RDX, RAX, false);          /* lea r8, [rax+rdx-1] */
    e8(c, 0x8d);
    modrm_mem(c, R8, RAX, RDX, -1);
    op_rr(c, 8, 0x89, RAX, R9);
    op_rr(c, 8, 0x31, R8, R9);                  /* xor r9, r8 */
    op_rr(c, 8, 0xc1, 5, R9); e8(c, 12);        /* shr r9, 12: same page? */
    slow[(*n)++] = jcc32(c, CC_NE_);
    op_rr(c, 8, 0x89, RAX, R9);
    op_rr(c, 8, 0xc1, 5, R9); e8(c, 12 - TLB_ENTRY_BITS);
    op_rr(c, 4, 0x81, 4, R9); e32(c, (TLB_SIZE - 1) << TLB_ENTRY_BITS);
    op_rr(c, 8, 0x89, RAX, R8);
    op_rr(c, 8, 0x81, 4, R8); e32(c, (uint32_t)-4096);
    rex(c, true, R8, R9, TLB_REG, false);       /* cmp r8, [r14+r9+tag] */
    e8(c, 0x3b);
    modrm_mem(c, R8, TLB_REG, R9, tag);
    slow[(*n)++] = jcc32(c, CC_NE_);
    rex(c, true, RAX, R9, TLB_REG, false);      /* add rax, addend */
    e8(c, 0x03);
    modrm_mem(c, RAX, TLB_REG, R9, offsetof(TLBEntry, addend));
}

/*
 * MOVS / STOS with 64-bit addresses in 64-bit mode (state synced, before
 * the handler call): REP with RCX = 0 does nothing; otherwise when DF, TF
 * and data breakpoints are clear, 1 (no REP) or 1..4096 (REP) elements
 * and source and destination each within one page that
 * the TLB maps to RAM (writable: no code on it), one host REP MOVS/STOS
 * of the same element size does the whole instruction (overlaps behave
 * as the element-by-element guest semantics: so does the host's).
 * Returns the jump to the point after the handler call, or NULL when the
 * instruction has no fast path; otherwise falls through to the handler.
 */
static uint8_t *emit_string_fast(Emit *c, const TCGInsn *d)
{
    bool movs = (d->b & 0xfe) == 0xa4;
    bool rep = d->prefix & (PREFIX_REPZ | PREFIX_REPNZ);
    uint8_t *slow[8], *done, *zero = NULL;
    int n = 0;

    if (c->mode != 2 || d->map != 0 || d->aflag != 3 ||
        ((d->b & 0xfe) != 0xa4 && (d->b & 0xfe) != 0xaa) ||
        (d->prefix & PREFIX_LOCK) || (movs && d->seg != R_DS)) {
        return NULL;
    }
    c->flags_live = 0;
    if (rep) {
        /* RCX = 0: only RIP moves (Linux's memcpy tail after REP MOVSQ) */
        op_mem(c, 8, 0x83, 7, ENV_REG, -1, ENV_OFF(regs) + 8 * R_ECX);
        e8(c, 0);                                       /* cmp qword, 0 */
        zero = jcc32(c, CC_E_);
    }
    op_mem(c, 4, 0xf7, 0, ENV_REG, -1, ENV_OFF(eflags));
    e32(c, DF_MASK | TF_MASK);                          /* test */
    slow[n++] = jcc32(c, CC_NE_);
    op_mem(c, 1, 0x80, 7, S_REG, -1, S_OFF(dbg_watch));  /* cmp byte, 0 */
    e8(c, 0);
    slow[n++] = jcc32(c, CC_NE_);
    /* rcx = count in 1..4096, rdx = bytes */
    if (rep) {
        op_mem(c, 8, 0x8b, RCX, ENV_REG, -1, ENV_OFF(regs) + 8 * R_ECX);
        op_mem(c, 8, 0x8d, RAX, RCX, -1, -1);
        op_rr(c, 8, 0x81, 7, RAX); e32(c, 4095);        /* cmp rax, 4095 */
        slow[n++] = jcc32(c, CC_A_);
    } else {
        mov_imm64(c, RCX, 1);
    }
    op_rr(c, 8, 0x89, RCX, RDX);
    if (d->ot) {
        op_rr(c, 8, 0xc1, 4, RDX); e8(c, d->ot);        /* shl rdx, ot */
    }
    /* rdi = host destination, rsi = host source (cached registers!) */
    op_mem(c, 8, 0x8b, RAX, ENV_REG, -1, ENV_OFF(regs) + 8 * R_EDI);
    emit_tlb_probe_len(c, true, slow, &n);
    op_rr(c, 8, 0x89, RAX, RDI);
    if (movs) {
        op_mem(c, 8, 0x8b, RAX, ENV_REG, -1, ENV_OFF(regs) + 8 * R_ESI);
        emit_tlb_probe_len(c, false, slow, &n);
        op_rr(c, 8, 0x89, RAX, RSI);
    } else {
        op_mem(c, 8, 0x8b, RAX, ENV_REG, -1, ENV_OFF(regs) + 8 * R_EAX);
    }
    /* rep movs/stos at the guest's element size */
    if (rep) {
        e8(c, 0xf3);
    }
    if (d->ot == 1) {
        e8(c, 0x66);
    } else if (d->ot == 3) {
        e8(c, 0x48);
    }
    e8(c, d->b);
    /* the guest registers as the handler leaves them */
    op_mem(c, 8, 0x01, RDX, ENV_REG, -1, ENV_OFF(regs) + 8 * R_EDI);
    if (movs) {
        op_mem(c, 8, 0x01, RDX, ENV_REG, -1, ENV_OFF(regs) + 8 * R_ESI);
    }
    if (rep) {
        op_mem(c, 8, 0xc7, 0, ENV_REG, -1, ENV_OFF(regs) + 8 * R_ECX);
        e32(c, 0);
    }
    emit_reload(c, true);
    patch_here(c, zero);
    add_mem64_imm(c, ENV_REG, ENV_OFF(rip), d->len);
    if (c->may_shadow) {
        st_s8(c, S_OFF(inhibit_irq), 0);    /* (what the handler path does) */
    }
    done = jmp32(c);
    for (int i = 0; i < n; i++) {
        patch_here(c, slow[i]);
    }
    return done;
}

/* The interpreter's protocol around one handler call. */
static void emit_call_handler(Emit *c, const TCGInsn *d, bool last)
{
    uint8_t *noshadow, *end, *fast;
    ColdPath cp;

    c->cc_known = 0;
    c->pend_valid = false;

    emit_sync(c);
    fast = emit_string_fast(c, d);
    emit_count_handler(c, d);
    c->pend_rip = 0;
    c->pend_cnt = 0;
    /* s->next_rip = env->rip + len */
    op_mem(c, 8, 0x8b, RAX, ENV_REG, -1, ENV_OFF(rip));
    op_mem(c, 8, 0x8d, RAX, RAX, -1, d->len);
    op_mem(c, 8, 0x89, RAX, S_REG, -1, S_OFF(next_rip));
    /* [rsp] = shadow (inhibit_irq before the handler) */
    op0f_mem(c, false, 0xb6, RAX, S_REG, S_OFF(inhibit_irq));
    op_mem(c, 4, 0x89, RAX, RSP, -1, 0);
    op_rr(c, 8, 0x89, S_REG, RDI);
    mov_imm64(c, RSI, (uintptr_t)d);
    call_abs(c, (const void *)(uintptr_t)d->fn);
    emit_reload(c, true);   /* the handler may write guest registers */
    c->dirty = 0;
    /* env->rip = s->next_rip */
    op_mem(c, 8, 0x8b, RAX, S_REG, -1, S_OFF(next_rip));
    op_mem(c, 8, 0x89, RAX, ENV_REG, -1, ENV_OFF(rip));
    c->pend_cnt = 1;
    /* if (shadow | inhibit_next) { inhibit_irq = inhibit_next; next = 0 } */
    op_mem(c, 4, 0x8b, RCX, RSP, -1, 0);
    op_mem(c, 1, 0x0a, RCX, S_REG, -1, S_OFF(inhibit_next));  /* or cl */
    noshadow = jcc32(c, CC_E_);
    op0f_mem(c, false, 0xb6, RAX, S_REG, S_OFF(inhibit_next));
    op_mem(c, 1, 0x88, RAX, S_REG, -1, S_OFF(inhibit_irq));
    st_s8(c, S_OFF(inhibit_next), 0);
    patch_here(c, noshadow);
    patch_here(c, fast);
    c->may_shadow = true;
    c->flags_live = 0;
    if (last) {
        emit_sync(c);
        c->pend_cnt = 0;
        /*
         * In a shadow (STI, MOV SS) the loop runs the next instruction
         * alone: translated code is never entered with inhibit_irq set.
         */
        op0f_mem(c, false, 0xb6, RCX, S_REG, S_OFF(block_end));
        op_mem(c, 1, 0x0a, RCX, S_REG, -1, S_OFF(inhibit_irq));
        patch_to(c, jcc32(c, CC_NE_), c->exit_label);
        emit_tlb_base(c);   /* the handler may have changed CPL */
        emit_dispatch(c);
        return;
    }
    emit_tlb_base(c);       /* the handler may have changed CPL */
    op_mem(c, 1, 0x80, 7, S_REG, -1, S_OFF(block_end));
    e8(c, 0);
    end = jcc32(c, CC_NE_);
    cold_begin(c, &cp, &end, 1);
    emit_sync(c);
    jmp_to(c, c->exit_label);
    cold_done(c, &cp);
}

/* After an inline instruction: advance the pending state. */
static void inline_done(Emit *c, const TCGInsn *d)
{
    c->pend_rip += d->len;
    c->pend_cnt++;
    if (c->may_shadow) {
        /* flags are not live across this store: mov does not touch them */
        st_s8(c, S_OFF(inhibit_irq), 0);
        c->may_shadow = false;
    }
}

/* MOV forms: 88-8B, B0-BF, C6/C7 /0 */
static bool gen_mov(Emit *c, const TCGInsn *d)
{
    int ot = d->ot, sz = 1 << ot;

    if (d->map != 0 || (d->prefix & PREFIX_LOCK)) {
        return false;
    }
    if (d->b >= 0xb0 && d->b <= 0xbf && hreg_ot(c, ot, d->rm) >= 0) {
        mov_imm64(c, hreg(c, d->rm), d->imm & ot_mask(ot));
        greg_written(c, d->rm);
        return true;
    }
    if (d->b >= 0xb0 && d->b <= 0xbf) {
        mov_imm64(c, RAX, d->imm & ot_mask(ot));
        st_greg(c, RAX, ot, d->rm, d->rex);
        return true;
    }
    if (d->b == 0xc6 || d->b == 0xc7) {
        if (d->reg & 7) {
            return false;
        }
        if (d->mod == 3) {
            mov_imm64(c, RAX, d->imm & ot_mask(ot));
            st_greg(c, RAX, ot, d->rm, d->rex);
            return true;
        }
        if (!ea_inline(c, d)) {
            return false;
        }
        emit_ea(c, d);
        mov_imm64(c, R11, d->imm & ot_mask(ot));
        emit_store(c, d, sz, R11);
        return true;
    }
    if (d->b < 0x88 || d->b > 0x8b) {
        return false;
    }
    if (d->mod == 3) {
        int dr = d->b & 2 ? d->reg : d->rm, sr = d->b & 2 ? d->rm : d->reg;

        if (hreg_ot(c, ot, dr) >= 0) {
            /* into a cached register: from its source's host register */
            if (hreg_ot(c, ot, sr) >= 0) {
                st_greg(c, hreg(c, sr), ot, dr, d->rex);
            } else {
                ld_greg(c, hreg(c, dr), ot, sr, d->rex);
                greg_written(c, dr);
            }
            return true;
        }
        if (d->b & 2) {
            ld_greg(c, RAX, ot, d->rm, d->rex);
            st_greg(c, RAX, ot, d->reg, d->rex);
        } else {
            ld_greg(c, RAX, ot, d->reg, d->rex);
            st_greg(c, RAX, ot, d->rm, d->rex);
        }
        return true;
    }
    if (!ea_inline(c, d)) {
        return false;
    }
    emit_ea(c, d);
    if (d->b & 2) {
        emit_load(c, d, sz);
        st_greg(c, RAX, ot, d->reg, d->rex);
    } else {
        emit_store(c, d, sz, store_src(c, ot, d->reg, d->rex));
    }
    return true;
}

/*
 * LEA with 64-bit addressing into a cached register: one host LEA on the
 * host registers of base and index (rcx, rdx when not cached).
 */
static bool emit_lea_direct(Emit *c, const TCGInsn *d)
{
    int hd = hreg_ot(c, d->ot, d->reg), hb, hx, mod;

    if (hd < 0 || d->aflag != 3 || d->base < 0 || d->base >= 16 ||
        !fits32(d->disp)) {
        return false;
    }
    hb = greg_src(c, 3, d->base, 1, RCX);
    hx = d->index >= 0 ? greg_src(c, 3, d->index, 1, RDX) : -1;
    if (hx < 0) {
        op_mem(c, d->ot == 3 ? 8 : 4, 0x8d, hd, hb, -1, d->disp);
        greg_written(c, d->reg);
        return true;
    }
    /* lea hd, [hb + hx * scale + disp] (32-bit: the low half, zero-ext) */
    mod = d->disp == 0 && (hb & 7) != RBP ? 0
          : (int64_t)d->disp == (int8_t)d->disp ? 1 : 2;
    rex(c, d->ot == 3, hd, hx, hb, false);
    e8(c, 0x8d);
    e8(c, mod << 6 | (hd & 7) << 3 | 4);
    e8(c, d->scale << 6 | (hx & 7) << 3 | (hb & 7));
    if (mod == 1) {
        e8(c, d->disp);
    } else if (mod == 2) {
        e32(c, d->disp);
    }
    greg_written(c, d->reg);
    return true;
}

/* 8D LEA */
static bool gen_lea(Emit *c, const TCGInsn *d)
{
    TCGInsn t;

    if (d->mod == 3 || d->ot < 1 || !ea_inline(c, d)) {
        return false;
    }
    if (emit_lea_direct(c, d)) {
        return true;
    }
    t = *d;
    t.seg = R_DS;           /* LEA ignores the segment */
    emit_ea(c, &t);
    if (d->ot == 2) {
        zext32(c, RAX);
    }
    st_greg(c, RAX, d->ot, d->reg, d->rex);
    return true;
}

/*
 * Push host register @v (64-bit mode, 8 bytes); @call: a CALL whose
 * target is in r13 (what the store's block-end slow path completes).
 */
static void emit_push64(Emit *c, const TCGInsn *d, int v, bool call)
{
    ld_greg(c, RAX, 3, R_ESP, 0);
    op_mem(c, 8, 0x8d, RAX, RAX, -1, -8);
    c->bend_rsp = -8;
    c->bend_r13 = call;
    emit_store(c, d, 8, v);
    c->bend_rsp = 0;
    c->bend_r13 = false;
    add_greg_imm(c, R_ESP, -8);
}

/* 50-57 / 58-5F, 68/6A PUSH imm, C9 LEAVE in 64-bit mode, 64-bit operand */
static bool gen_pushpop(Emit *c, const TCGInsn *d)
{
    if (c->mode != 2 || d->ot != 3 || (d->prefix & PREFIX_LOCK)) {
        return false;
    }
    if (d->b == 0x68 || d->b == 0x6a) {
        mov_imm64(c, R11, d->imm);      /* (sign-extended by the decoder) */
        emit_push64(c, d, R11, false);
        return true;
    }
    if (d->b == 0xc9) {
        /* RBP = [RBP], RSP = old RBP + 8 (the load first: it may fault) */
        ld_greg(c, RAX, 3, R_EBP, 0);
        emit_load(c, d, 8);
        ld_greg(c, RCX, 3, R_EBP, 0);
        op_mem(c, 8, 0x8d, RCX, RCX, -1, 8);
        st_greg(c, RCX, 3, R_ESP, 0);
        st_greg(c, RAX, 3, R_EBP, 0);
        return true;
    }
    if (d->b < 0x58) {
        emit_push64(c, d, store_src(c, 3, d->rm, 1), false);
    } else {
        ld_greg(c, RAX, 3, R_ESP, 0);
        emit_load(c, d, 8);
        add_greg_imm(c, R_ESP, 8);
        st_greg(c, RAX, 3, d->rm, 1);
    }
    return true;
}

/* Host opcode (r/m, reg form) of ALU op 0..7; -1 when not inlined. */
static int alu_host_opc(int op)
{
    static const int8_t opc[8] = { 0x01, 0x09, 0x11, 0x19, 0x21, 0x29,
                                   0x31, 0x39 };
    return opc[op];
}

/*
 * eax/rax = a, ecx/rcx = b (zero-extended to ot); compute, write the lazy
 * flags as alu() in ops-alu.c does, leave the result in rax (masked) and
 * the host flags equal to the guest flags when ot >= 2.
 */
static bool emit_cc_remat(Emit *c);
static void emit_flags_from_lazy(Emit *c);

/* r13 = guest CF (0/1) from the live host flags or the lazy flags */
static void emit_carry_in(Emit *c)
{
    if (c->flags_live) {
        e8(c, 0x41); e8(c, 0x0f); e8(c, 0x92); e8(c, 0xc5);  /* setc r13b */
        e8(c, 0x45); e8(c, 0x0f); e8(c, 0xb6); e8(c, 0xed);  /* movzx */
        return;
    }
    if (emit_cc_remat(c)) {
        emit_carry_in(c);
        return;
    }
    emit_flags_from_lazy(c);
    emit_carry_in(c);
}

/* host CF = r13 bit 0 */
static void emit_carry_restore(Emit *c)
{
    e8(c, 0x41); e8(c, 0x0f); e8(c, 0xba); e8(c, 0xe5); e8(c, 0); /* bt */
}

static void emit_alu_core(Emit *c, int op, int ot)
{
    int hsz = 1 << ot;      /* the guest's width: host flags exact */
    bool logic = op == 1 || op == 4 || op == 6;
    bool carry = op == 2 || op == 3;
    int cc_op = logic ? CC_OP_LOGIC : op == 0 ? CC_OP_ADD :
                op == 2 ? CC_OP_ADC : op == 3 ? CC_OP_SBB : CC_OP_SUB;

    c->cc_kills = true;
    c->cc_known = 0;
    if (!logic && !c->cc_dead) {
        /* src1, src2 before the operation */
        op_mem(c, 8, 0x89, RAX, S_REG, -1, S_OFF(cc_src1));
        op_mem(c, 8, 0x89, RCX, S_REG, -1, S_OFF(cc_src2));
    }
    if (carry && !c->cc_dead) {
        /* ADC/SBB: carry in from emit_carry_in(), aux = carry in */
        op_mem(c, 8, 0x89, R13, S_REG, -1, S_OFF(cc_aux));
    }
    if (!c->cc_dead) {
        st_s32(c, S_OFF(cc_op), cc_op);
        st_s8(c, S_OFF(cc_ot), ot);
    }
    if (carry) {
        emit_carry_restore(c);
    }
    /* for CMP use SUB: the result is stored in cc_res */
    op_rr(c, hsz, alu_host_opc(op == 7 ? 5 : op) - (ot == 0), RCX, RAX);
    if (ot < 2) {
        mask_ot(c, RAX, ot);    /* movzx: flags untouched */
    }
    if (!c->cc_dead) {
        op_mem(c, 8, 0x89, RAX, S_REG, -1, S_OFF(cc_res));
    }
    c->flags_live = 1 + (op == 0 ? 1 : logic ? 2 : 0);
    c->cc_known = !carry ? cc_op | ot << 4 : 0;
}

/*
 * Host flags = guest flags again, from the lazy-flag fields of the known
 * producer (the same host operation on the stored operands).
 */
static bool emit_cc_remat(Emit *c)
{
    int ot = c->cc_known >> 4, hsz = 1 << ot;

    if (!c->cc_known) {
        return false;
    }
    c->cc_reads = true;
    switch (c->cc_known & 15) {
    case CC_OP_LOGIC:
        op_mem(c, 8, 0x8b, RAX, S_REG, -1, S_OFF(cc_res));
        op_rr(c, hsz, hsz == 1 ? 0x84 : 0x85, RAX, RAX);    /* test */
        c->flags_live = 3;
        break;
    case CC_OP_ADD:
        op_mem(c, 8, 0x8b, RAX, S_REG, -1, S_OFF(cc_src1));
        op_mem(c, hsz, hsz == 1 ? 0x02 : 0x03, RAX, S_REG, -1,
               S_OFF(cc_src2));                                 /* add */
        c->flags_live = 2;
        break;
    default:
        op_mem(c, 8, 0x8b, RAX, S_REG, -1, S_OFF(cc_src1));
        op_mem(c, hsz, hsz == 1 ? 0x3a : 0x3b, RAX, S_REG, -1,
               S_OFF(cc_src2));                                 /* cmp */
        c->flags_live = 1;
        break;
    }
    return true;
}

/*
 * Host flags = the guest's arithmetic flags, from the lazy-flag fields
 * (the producer is in another block or a handler): call the shared stub.
 */
static void emit_flags_from_lazy(Emit *c)
{
    int32_t rel = cc_stub - (c->p + 5);

    c->cc_reads = true;
    e8(c, 0xe8);
    e32(c, rel);
    c->flags_live = 1;
}

static bool gen_alu_mem(Emit *c, const TCGInsn *d, int op);

/*
 * ALU op (0-7, 8 = TEST) of 32/64 bits whose destination, guest register
 * @r, is cached: done on its host register, with source host register
 * @src (any upper half) or, when @src < 0, the immediate @imm.  Lazy flags
 * and host flags as emit_alu_core() leaves them; CMP/TEST with live lazy
 * flags compute their result in rdx.
 */
static void emit_alu_direct(Emit *c, int op, int ot, int r, int src,
                            uint64_t imm, int sr)
{
    int hd = hreg(c, r), hsz = 1 << ot, hop = op == 8 ? 4 : op;
    bool logic = hop == 1 || hop == 4 || hop == 6;
    bool nowrite = op == 7 || op == 8;
    int cc_op = logic ? CC_OP_LOGIC : op == 0 ? CC_OP_ADD : CC_OP_SUB;
    int64_t v = ot == 3 ? (int64_t)imm : (int32_t)imm;
    int dst = hd;

    c->cc_kills = true;
    if (!c->cc_dead) {
        if (!logic) {
            op_mem(c, 8, 0x89, hd, S_REG, -1, S_OFF(cc_src1));
            if (src >= 0) {
                op_mem(c, 8, 0x89, src, S_REG, -1, S_OFF(cc_src2));
            } else {
                op_mem(c, 8, 0xc7, 0, S_REG, -1, S_OFF(cc_src2));
                e32(c, v);      /* (only the low ot bits are read) */
            }
        }
        st_s32(c, S_OFF(cc_op), cc_op);
        st_s8(c, S_OFF(cc_ot), ot);
        if (nowrite) {
            /* the result goes to cc_res: SUB / AND in rdx */
            op_rr(c, 8, 0x89, hd, RDX);
            dst = RDX;
            hop = op == 7 ? 5 : 4;
        }
    }
    if (src >= 0) {
        /* (CMP and TEST on the register itself when nothing is stored) */
        op_rr(c, hsz, dst == hd && op == 8 ? 0x85 : alu_host_opc(hop),
              src, dst);
    } else if (dst == hd && op == 8) {
        op_rr(c, hsz, 0xf7, 0, dst);                    /* test r, imm32 */
        e32(c, v);
    } else if (v == (int8_t)v) {
        op_rr(c, hsz, 0x83, hop, dst);
        e8(c, v);
    } else {
        op_rr(c, hsz, 0x81, hop, dst);
        e32(c, v);
    }
    if (!c->cc_dead) {
        op_mem(c, 8, 0x89, dst, S_REG, -1, S_OFF(cc_res));
    }
    if (!nowrite) {
        greg_written(c, r);
    }
    c->flags_live = 1 + (op == 0 ? 1 : logic ? 2 : 0);
    c->cc_known = cc_op | ot << 4;
    /*
     * Deferrable: AND/OR/XOR (the result is all they store), or the
     * source is an immediate or another cached register.
     */
    c->pend_set = true;
    c->pend_valid = (logic && op != 8) || src < 0 ||
                    (sr >= 0 && hreg_ot(c, ot, sr) == src &&
                     (nowrite || sr != r));
    c->pend_need = c->cc_dead;
    c->pend_op = op;
    c->pend_ot = ot;
    c->pend_dr = r;
    c->pend_sr = src < 0 || (logic && op != 8) ? -1 : sr;  /* (logic: res) */
    c->pend_imm = imm;
}

/*
 * The lazy-flag fields of the deferred producer, from its registers
 * (emit_alu_direct: the result is in the destination; SUB/ADD's first
 * operand is result +/- source).  Clobbers rcx, rdx and the host flags.
 */
static void emit_cc_materialise(Emit *c)
{
    int op = c->pend_op, ot = c->pend_ot, hd = hreg(c, c->pend_dr);
    int src = c->pend_sr >= 0 ? hreg(c, c->pend_sr) : -1;
    int64_t v = ot == 3 ? (int64_t)c->pend_imm : (int32_t)c->pend_imm;
    bool logic = op == 1 || op == 4 || op == 6 || op == 8;

    st_s32(c, S_OFF(cc_op), logic ? CC_OP_LOGIC : op == 0 ? CC_OP_ADD
                                                          : CC_OP_SUB);
    st_s8(c, S_OFF(cc_ot), ot);
    if (logic && op != 8) {
        op_mem(c, 8, 0x89, hd, S_REG, -1, S_OFF(cc_res));
        return;
    }
    /* rdx = hd (op) source: TEST's result, CMP's result, ADD/SUB's src1 */
    op_rr(c, 8, 0x89, hd, RDX);
    if (src >= 0) {
        op_rr(c, 8, op == 8 ? 0x21 : op == 5 ? 0x01 : 0x29, src, RDX);
        if (op != 8) {
            op_mem(c, 8, 0x89, src, S_REG, -1, S_OFF(cc_src2));
        }
    } else {
        op_rr(c, 8, 0x81, op == 8 ? 4 : op == 5 ? 0 : 5, RDX);
        e32(c, v);
        if (op != 8) {
            op_mem(c, 8, 0xc7, 0, S_REG, -1, S_OFF(cc_src2));
            e32(c, v);
        }
    }
    if (op == 8 || op == 7) {
        op_mem(c, 8, 0x89, RDX, S_REG, -1, S_OFF(cc_res));
        if (op == 7) {
            op_mem(c, 8, 0x89, hd, S_REG, -1, S_OFF(cc_src1));
        }
    } else {
        op_mem(c, 8, 0x89, RDX, S_REG, -1, S_OFF(cc_src1));
        op_mem(c, 8, 0x89, hd, S_REG, -1, S_OFF(cc_res));
    }
}

/* 00-3D (not ADC/SBB), 80/81/83 with a register destination, 84/85/A8/A9 */
static bool gen_alu(Emit *c, const TCGInsn *d)
{
    int ot = d->ot, op, form;
    bool mem_src = false;

    if (d->map != 0 || (d->prefix & PREFIX_LOCK)) {
        return false;
    }
    if (d->b < 0x40) {
        op = (d->b >> 3) & 7;
        form = d->b & 7;
        if (form > 5 || alu_host_opc(op) < 0) {
            return false;
        }
        if (form <= 1 && d->mod != 3) {
            return gen_alu_mem(c, d, op);
        }
        if ((form == 2 || form == 3) && d->mod != 3) {
            if (!ea_inline(c, d)) {
                return false;
            }
            mem_src = true;
        }
    } else if (d->b >= 0x80 && d->b <= 0x83) {
        op = d->reg & 7;
        if (d->b == 0x82 || alu_host_opc(op) < 0) {
            return false;
        }
        if (d->mod != 3) {
            return gen_alu_mem(c, d, op);
        }
        form = 8;
    } else if (d->b == 0x84 || d->b == 0x85 || d->b == 0xa8 ||
               d->b == 0xa9) {
        op = 4;
        form = d->b >= 0xa8 ? 9 : 10;
        if (form == 10 && d->mod != 3) {
            if (!ea_inline(c, d)) {
                return false;
            }
            mem_src = true;
        }
    } else {
        return false;
    }
    if (op == 2 || op == 3) {
        emit_carry_in(c);
    }
    if (mem_src) {
        emit_ea(c, d);
        emit_load(c, d, 1 << ot);
    }
    if (op != 2 && op != 3 && ot >= 2) {
        /* destination (first operand) cached: operate on it in place */
        int dr = form <= 1 || form == 8 || (form == 10 && !mem_src) ? d->rm
                 : form == 4 || form == 5 || form == 9 ? R_EAX : d->reg;
        int sr = form <= 1 || form == 10 ? d->reg : d->rm;
        int aop = form >= 9 ? 8 : op;

        if (hreg(c, dr) >= 0) {
            if (form == 8 || form == 9 || form == 4 || form == 5) {
                emit_alu_direct(c, aop, ot, dr, -1, d->imm & ot_mask(ot),
                                -1);
            } else {
                emit_alu_direct(c, aop, ot, dr, mem_src ? RAX
                                : greg_src(c, ot, sr, d->rex, RCX), 0,
                                mem_src ? -1 : sr);
            }
            return true;
        }
    }
    switch (form) {
    case 0:
    case 1:     /* r/m (register) op= reg */
        ld_greg(c, RAX, ot, d->rm, d->rex);
        ld_greg(c, RCX, ot, d->reg, d->rex);
        break;
    case 2:
    case 3:     /* reg op= r/m */
        if (mem_src) {
            op_rr(c, 8, 0x89, RAX, RCX);
        } else {
            ld_greg(c, RCX, ot, d->rm, d->rex);
        }
        ld_greg(c, RAX, ot, d->reg, d->rex);
        break;
    case 4:
    case 5:
    case 9:     /* AL/eAX op imm */
        ld_greg(c, RAX, ot, R_EAX, 0);
        mov_imm64(c, RCX, d->imm & ot_mask(ot));
        break;
    case 8:     /* r/m (register) op imm */
        ld_greg(c, RAX, ot, d->rm, d->rex);
        mov_imm64(c, RCX, d->imm & ot_mask(ot));
        break;
    default:    /* TEST r/m, reg */
        if (mem_src) {
            op_rr(c, 8, 0x89, RAX, RCX);
            ld_greg(c, RAX, ot, d->reg, d->rex);
        } else {
            ld_greg(c, RAX, ot, d->rm, d->rex);
            ld_greg(c, RCX, ot, d->reg, d->rex);
        }
        break;
    }
    /* TEST: AND without writing back */
    emit_alu_core(c, op, ot);
    if (op == 7 || form >= 9) {
        return true;
    }
    switch (form) {
    case 0:
    case 1:
    case 8:
        st_greg(c, RAX, ot, d->rm, d->rex);
        break;
    case 2:
    case 3:
        st_greg(c, RAX, ot, d->reg, d->rex);
        break;
    default:
        st_greg(c, RAX, ot, R_EAX, 0);
        break;
    }
    return true;
}

/*
 * Between blocks without the loop: the jump (appended to @x) taken when
 * the loop must run.  One compare: whatever else needs the loop (exit
 * request, memory map change, interrupt, debug stepping) pulls
 * jit_insn_end down to 0 (x86_jit_kick()).  A maskable interrupt left
 * pending while EFLAGS.IF = 0 does not: every instruction that can set
 * IF (STI, POPF, IRET, SYSRET, task switch) ends its block and
 * returns to the loop, which looks at interrupt_request there.
 */
static void emit_poll(Emit *c, uint8_t **x, int *n)
{
    op_mem(c, 8, 0x8b, RAX, S_REG, -1, S_OFF(insn_count));
    op_mem(c, 8, 0x3b, RAX, S_REG, -1, S_OFF(jit_insn_end));
    x[(*n)++] = jcc32(c, CC_AE_);
}

/*
 * Any thread: translated code returns to the loop at its next block end
 * (the caller has set what the loop is to act on first; the loop restores
 * the budget, then reads the requests again: see run() in exec.c).
 */
void x86_jit_kick(X86TCG *s)
{
    __atomic_store_n(&s->jit_insn_end, 0, __ATOMIC_SEQ_CST);
}

/*
 * Leave the block towards a direct target (env->rip and insn_count are
 * stored): a patchable jump to the target's code, taken only while the
 * budget lasts and nothing asks the loop for attention (exit request,
 * interrupt, memory map change).  Unpatched, it jumps to a stub that
 * names the jump for x86_jit_run() and returns to the loop.
 */
static void emit_chain_exit(Emit *c)
{
    uint8_t *x[1], *slot, *far;
    int n = 0;
    uint16_t dirty = c->dirty;
    ColdPath cp;

    /* every path out of here leaves the block */
    emit_flush(c);
    c->dirty = 0;
    emit_poll(c, x, &n);
    patch_to(c, x[0], c->exit_label);
    slot = jmp32(c);
    /* slot + 4: target of a jump to another page (x86_jit_run) */
    far = jmp32(c);
    cold_begin(c, &cp, &far, 1);
    emit_dispatch_site(c, false);
    patch_here(c, slot);
    /* the stub: slot's initial target */
    mov_imm64(c, RAX, (uintptr_t)slot);
    op_mem(c, 8, 0x89, RAX, S_REG, -1, S_OFF(chain_slot));
    jmp_to(c, c->exit_label);
    cold_done(c, &cp);
    c->dirty = dirty;
}

/*
 * Jcc rel / JMP rel closing a 64-bit block.  Jcc is inline only when the
 * host flags still hold the guest flags (a fused producer just before).
 */
/*
 * CALL rel32 / RET closing a 32-bit-mode block with a 32-bit stack: the
 * push/pop through SS with its limit check, the CS limit check of the
 * target.  A 16-bit stack or a target beyond the limit runs the handler
 * instead (out of line), which raises the #GP itself.
 */
static bool gen_callret32(Emit *c, const TCGInsn *d)
{
    int32_t cs_limit = seg_off(R_CS) + (int32_t)offsetof(SegmentCache, limit);
    int64_t nt = c->pend_rip + d->len;
    uint8_t *h1, *h2, *h3 = NULL;
    bool call = d->b == 0xe8;
    TCGInsn st;

    if (c->mode != 1 || d->map != 0 || d->ot != 2 || !fits32(nt) ||
        (d->b != 0xe8 && d->b != 0xc3)) {
        return false;
    }
    st = *d;
    st.seg = R_SS;
    op_mem(c, 1, 0x80, 7, S_REG, -1, S_OFF(ss32));
    e8(c, 0);
    h1 = jcc32(c, CC_E_);
    if (call) {
        /* r13 = target, checked against CS.limit before the push */
        op_mem(c, 4, 0x8b, R13, ENV_REG, -1, ENV_OFF(rip));
        op_rr(c, 4, 0x81, 0, R13);
        e32(c, (uint32_t)(nt + (int64_t)d->imm));
        op_mem(c, 4, 0x8b, RDX, ENV_REG, -1, cs_limit);
        op_rr(c, 8, 0x39, RDX, R13);                    /* cmp r13, rdx */
        h2 = jcc32(c, CC_A_);
        op_mem(c, 4, 0x8b, R11, ENV_REG, -1, ENV_OFF(rip));
        op_rr(c, 4, 0x81, 0, R11);
        e32(c, (uint32_t)nt);                           /* r11d = return */
        ld_greg(c, RAX, 2, R_ESP, 0);
        op_rr(c, 4, 0x83, 5, RAX); e8(c, 4);            /* sub eax, 4 */
        emit_store(c, &st, 4, R11);
        ld_greg(c, RAX, 2, R_ESP, 0);
        op_rr(c, 4, 0x83, 5, RAX); e8(c, 4);
    } else {
        ld_greg(c, RAX, 2, R_ESP, 0);
        emit_load(c, &st, 4);
        op_rr(c, 8, 0x89, RAX, R13);
        op_mem(c, 4, 0x8b, RDX, ENV_REG, -1, cs_limit);
        op_rr(c, 8, 0x39, RDX, R13);
        h2 = jcc32(c, CC_A_);
        ld_greg(c, RAX, 2, R_ESP, 0);
        op_rr(c, 4, 0x83, 0, RAX); e8(c, 4);            /* add eax, 4 */
    }
    st_greg(c, RAX, 3, R_ESP, 0);                       /* ESP, zero-ext */
    op_mem(c, 8, 0x89, R13, ENV_REG, -1, ENV_OFF(rip));
    add_mem64_imm(c, S_REG, S_OFF(insn_count), c->pend_cnt + 1);
    if (c->may_shadow) {
        st_s8(c, S_OFF(inhibit_irq), 0);
    }
    if (call) {
        emit_chain_exit(c);
    } else {
        emit_dispatch_site(c, true);
    }
    patch_here(c, h1);
    patch_here(c, h2);
    patch_here(c, h3);
    emit_call_handler(c, d, true);
    return true;
}

/* RIP = host @h, the instruction counted, then leave as RET does */
static void emit_indirect_exit(Emit *c, int h)
{
    op_mem(c, 8, 0x89, h, ENV_REG, -1, ENV_OFF(rip));
    add_mem64_imm(c, S_REG, S_OFF(insn_count), c->pend_cnt + 1);
    if (c->may_shadow) {
        st_s8(c, S_OFF(inhibit_irq), 0);
    }
    emit_dispatch_site(c, true);
}

/*
 * FF /2 CALL r/m64, FF /4 JMP r/m64 (64-bit mode: always 64-bit): the
 * target loaded (register or TLB fast path), the return address pushed,
 * then this site's target cache and the dispatcher, as RET.
 */
static bool gen_indirect(Emit *c, const TCGInsn *d, int64_t nt)
{
    int op = d->reg & 7;

    if ((op != 2 && op != 4) || (d->mod != 3 && !ea_inline(c, d))) {
        return false;
    }
    if (d->mod == 3) {
        ld_greg(c, R13, 3, d->rm, d->rex);
    } else {
        emit_ea(c, d);
        emit_load(c, d, 8);
        op_rr(c, 8, 0x89, RAX, R13);    /* r13: callee-saved, kept */
    }
    if (op == 2) {
        op_mem(c, 8, 0x8b, R11, ENV_REG, -1, ENV_OFF(rip));
        op_mem(c, 8, 0x8d, R11, R11, -1, nt);
        emit_push64(c, d, R11, true);
        emit_rsb_push(c, nt);
    }
    emit_indirect_exit(c, R13);
    return true;
}

/* jump to the returned patch address unless CPL <= IOPL (clobbers rax) */
static uint8_t *emit_iopl_check(Emit *c)
{
    c->flags_live = 0;
    op_mem(c, 4, 0x8b, RAX, ENV_REG, -1, ENV_OFF(eflags));
    op_rr(c, 4, 0xc1, 5, RAX); e8(c, 12);               /* shr eax, 12 */
    op_rr(c, 4, 0x83, 4, RAX); e8(c, 3);                /* and eax, 3 */
    op_mem(c, 4, 0x39, RAX, S_REG, -1, S_OFF(cpl));     /* cmp cpl, eax */
    return jcc32(c, CC_A_);
}

/*
 * FB STI closing a 64-bit block: IF = 1 when CPL <= IOPL (else the
 * handler, #GP).  As after the handler, the block ends with block_end
 * set and returns to the loop; if IF was clear, inhibit_irq is set and
 * the loop runs the shadowed instruction alone.
 */
static bool gen_sti(Emit *c, const TCGInsn *d)
{
    uint8_t *slow;

    /* inside a block, the handler (which ends it only if IRQs wait) */
    if (c->mode != 2 || !d->end) {
        return false;
    }
    slow = emit_iopl_check(c);
    op_mem(c, 4, 0xf7, 0, ENV_REG, -1, ENV_OFF(eflags));
    e32(c, IF_MASK);                                    /* test eflags, IF */
    e8(c, 0x0f); e8(c, 0x94); e8(c, 0xc1);              /* sete cl */
    op_mem(c, 1, 0x88, RCX, S_REG, -1, S_OFF(inhibit_irq));
    op_mem(c, 4, 0x81, 1, ENV_REG, -1, ENV_OFF(eflags));
    e32(c, IF_MASK);                                    /* or eflags, IF */
    add_mem64_imm(c, ENV_REG, ENV_OFF(rip), c->pend_rip + d->len);
    add_mem64_imm(c, S_REG, S_OFF(insn_count), c->pend_cnt + 1);
    st_s8(c, S_OFF(block_end), 1);
    emit_flush(c);
    jmp_to(c, c->exit_label);
    patch_here(c, slow);
    emit_call_handler(c, d, true);
    return true;
}

static bool gen_branch(Emit *c, const TCGInsn *d)
{
    uint8_t *taken = NULL;
    int64_t nt = c->pend_rip + d->len, t = nt + (int64_t)d->imm;

    if (c->mode == 1) {
        /* 32-bit mode: Jcc/JMP with a 32-bit EIP only */
        if (d->ot != 2 || !fits32(nt) ||
            !((d->map == 0 && (d->b == 0xe9 || d->b == 0xeb ||
                               (d->b >= 0x70 && d->b <= 0x7f))) ||
              (d->map == 1 && d->b >= 0x80 && d->b <= 0x8f))) {
            return false;
        }
    } else if (c->mode != 2 || !fits32(t) || !fits32(nt)) {
        return false;
    }
    if (d->map == 0 && d->b == 0xc3 && d->ot == 3 && c->mode == 2) {
        /* RET: indirect, back to the loop's jump cache */
        ld_greg(c, RAX, 3, R_ESP, 0);
        emit_load(c, d, 8);
        add_greg_imm(c, R_ESP, 8);
        c->rsb_pop = true;
        emit_indirect_exit(c, RAX);
        c->rsb_pop = false;
        return true;
    }
    if (d->map == 0 && d->b == 0xff && c->mode == 2) {
        return gen_indirect(c, d, nt);
    }
    if (d->map == 0 && d->b == 0xfb) {
        return gen_sti(c, d);
    }
    if (d->map == 0 && d->b == 0xe8 && d->ot == 3 && c->mode == 2) {
        /* CALL rel: push the return address, then a direct jump */
        op_mem(c, 8, 0x8b, R11, ENV_REG, -1, ENV_OFF(rip));
        op_mem(c, 8, 0x8d, R13, R11, -1, t);    /* (for bend_r13) */
        op_mem(c, 8, 0x8d, R11, R11, -1, nt);
        emit_push64(c, d, R11, true);
        emit_rsb_push(c, nt);
    } else if (d->map == 0 && (d->b == 0xe9 || d->b == 0xeb)) {
        /* JMP rel */
    } else if ((d->map == 0 && d->b >= 0x70 && d->b <= 0x7f) ||
               (d->map == 1 && d->b >= 0x80 && d->b <= 0x8f)) {
        if (!c->flags_live) {
            emit_cc_remat(c);
        }
        if (!c->flags_live) {
            emit_flags_from_lazy(c);
        }
        taken = jcc32(c, d->b & 15);
    } else {
        return false;
    }
    if (taken) {
        /* not taken */
        add_mem64_imm(c, ENV_REG, ENV_OFF(rip), nt);
        add_mem64_imm(c, S_REG, S_OFF(insn_count), c->pend_cnt + 1);
        if (c->may_shadow) {
            st_s8(c, S_OFF(inhibit_irq), 0);
        }
        emit_chain_exit(c);
        patch_here(c, taken);
    }
    if (c->mode == 1) {
        /* EIP = (uint32_t)target, #GP beyond the CS limit (jump_to) */
        uint8_t *gp;

        op_mem(c, 4, 0x8b, RAX, ENV_REG, -1, ENV_OFF(rip));
        op_rr(c, 4, 0x81, 0, RAX);
        e32(c, (uint32_t)t);                            /* add eax, t */
        op_mem(c, 4, 0x8b, RDX, ENV_REG, -1,
               seg_off(R_CS) + (int32_t)offsetof(SegmentCache, limit));
        op_rr(c, 8, 0x39, RDX, RAX);                    /* cmp rax, rdx */
        gp = jcc32(c, CC_A_);
        op_mem(c, 8, 0x89, RAX, ENV_REG, -1, ENV_OFF(rip));
        add_mem64_imm(c, S_REG, S_OFF(insn_count), c->pend_cnt + 1);
        if (c->may_shadow) {
            st_s8(c, S_OFF(inhibit_irq), 0);
        }
        emit_chain_exit(c);
        patch_here(c, gp);
        emit_sync(c);           /* RIP of the branch: #GP is a fault */
        op_rr(c, 8, 0x89, S_REG, RDI);
        mov_imm64(c, RSI, 0);
        call_abs(c, (const void *)(uintptr_t)x86_raise_gp);
        return true;
    }
    add_mem64_imm(c, ENV_REG, ENV_OFF(rip), t);
    add_mem64_imm(c, S_REG, S_OFF(insn_count), c->pend_cnt + 1);
    if (c->may_shadow) {
        st_s8(c, S_OFF(inhibit_irq), 0);
    }
    emit_chain_exit(c);
    return true;
}

/* Lazy flags as set_cc_szp(): result in rax, CF/OF/AF bits in rcx. */
static void emit_cc_szp(Emit *c, int ot)
{
    c->cc_kills = true;
    c->cc_known = 0;
    if (c->cc_dead) {
        return;
    }
    st_s32(c, S_OFF(cc_op), CC_OP_SZP);
    st_s8(c, S_OFF(cc_ot), ot);
    op_mem(c, 8, 0x89, RAX, S_REG, -1, S_OFF(cc_res));
    op_mem(c, 8, 0x89, RCX, S_REG, -1, S_OFF(cc_aux));
}

/* dl = host CF (setc) or OF (seto), zero-extended to edx */
static void emit_setcc_edx(Emit *c, int cond)
{
    e8(c, 0x0f); e8(c, 0x90 | cond); e8(c, 0xc2);     /* setcc dl */
    e8(c, 0x0f); e8(c, 0xb6); e8(c, 0xd2);            /* movzx edx, dl */
}

/*
 * C1/D1/D3 /4 /5 /7 (SHL, SHR, SAR) on a 32/64-bit register, as
 * do_shift() in ops-alu.c: no flag change for a zero count, OF from the
 * formula the interpreter uses for every count.
 */
static bool gen_shift(Emit *c, const TCGInsn *d)
{
    int op = d->reg & 7, ot = d->ot, hsz = ot == 3 ? 8 : 4, w = 8 << ot;
    unsigned mask = ot == 3 ? 0x3f : 0x1f, cnt = 0;
    bool by_cl = d->b == 0xd3;
    uint8_t *zero = NULL, *of0 = NULL;

    if (d->mod != 3 || ot < 2 || (op != 4 && op != 5 && op != 7) ||
        (d->prefix & PREFIX_LOCK)) {
        return false;
    }
    if (!by_cl) {
        cnt = (d->b == 0xd1 ? 1 : (unsigned)d->imm & 0xff) & mask;
        if (!cnt) {
            return false;
        }
    }
    if (!by_cl && c->cc_dead && hreg(c, d->rm) >= 0) {
        /* flags dead: shift the cached register in place */
        c->flags_live = 0;
        c->cc_kills = true;
        c->cc_known = 0;
        op_rr(c, hsz, 0xc1, op, hreg(c, d->rm)); e8(c, cnt);
        greg_written(c, d->rm);
        return true;
    }
    ld_greg(c, RAX, ot, d->rm, d->rex);
    op_rr(c, 8, 0x89, RAX, R11);                        /* r11 = a */
    c->flags_live = 0;
    if (by_cl) {
        /* a zero count keeps the flags: not a kill, and they stay live */
        c->cc_reads = true;
        ld_greg(c, RCX, 0, R_ECX, 0);
        op_rr(c, 4, 0x83, 4, RCX); e8(c, mask);         /* and ecx, mask */
        zero = jcc32(c, CC_E_);
        op_rr(c, 4, 0x89, RCX, R13);                    /* r13d = count */
        op_rr(c, hsz, 0xd3, op, RAX);                   /* shift rax, cl */
    } else {
        op_rr(c, hsz, 0xc1, op, RAX);
        e8(c, cnt);
    }
    if (c->cc_dead) {
        goto flags_done;    /* (emit_cc_szp stores nothing) */
    }
    emit_setcc_edx(c, CC_B_);                           /* edx = CF */
    if (op == 4) {
        /* SHL: OF = MSB(result) ^ CF */
        op_rr(c, 8, 0x89, RAX, RCX);
        op_rr(c, 8, 0xc1, 5, RCX); e8(c, w - 1);
        op_rr(c, 4, 0x31, RDX, RCX);
    } else {
        op_rr(c, 4, 0x31, RCX, RCX);                    /* OF = 0 */
        if (op == 5 && (by_cl || cnt == 1)) {
            /* SHR by 1: OF = MSB(a) */
            if (by_cl) {
                op_rr(c, 4, 0x83, 7, R13); e8(c, 1);    /* cmp r13d, 1 */
                of0 = jcc32(c, CC_NE_);
            }
            op_rr(c, 8, 0x89, R11, RCX);
            op_rr(c, 8, 0xc1, 5, RCX); e8(c, w - 1);
            patch_here(c, of0);
        }
    }
    op_rr(c, 4, 0xc1, 4, RCX); e8(c, 11);               /* shl ecx, 11 */
    op_rr(c, 4, 0x09, RDX, RCX);                        /* or ecx, edx */
flags_done:
    emit_cc_szp(c, ot);
    patch_here(c, zero);    /* (count 0: rax is the value, flags kept) */
    st_greg(c, RAX, ot, d->rm, d->rex);
    return true;
}

/*
 * C1/D1 /0 /1 (ROL, ROR by a constant) on a 32/64-bit register: the other
 * arithmetic flags are materialised as do_shift() does (CC_OP_EFLAGS).
 */
static bool gen_rotate(Emit *c, const TCGInsn *d)
{
    int op = d->reg & 7, ot = d->ot, hsz = ot == 3 ? 8 : 4, w = 8 << ot;
    unsigned cnt;

    if (d->mod != 3 || ot < 2 || op > 1 || d->b == 0xd3 ||
        (d->prefix & PREFIX_LOCK)) {
        return false;
    }
    cnt = (d->b == 0xd1 ? 1 : (unsigned)d->imm & 0xff) & (w - 1);
    if (!cnt) {
        return false;
    }
    c->cc_kills = true;
    c->cc_co_only = true;
    c->cc_known = 0;
    if (c->cc_dead && hreg(c, d->rm) >= 0) {
        c->flags_live = 0;
        op_rr(c, hsz, 0xc1, op, hreg(c, d->rm)); e8(c, cnt);
        greg_written(c, d->rm);
        return true;
    }
    if (c->cc_dead) {
        /* CF/OF dead: the other flags stay in the previous lazy state */
        c->flags_live = 0;
        ld_greg(c, RAX, ot, d->rm, d->rex);
        op_rr(c, hsz, 0xc1, op, RAX); e8(c, cnt);
        st_greg(c, RAX, ot, d->rm, d->rex);
        return true;
    }
    if (c->flags_live) {
        /* r13d = the live host flags (AF is 0 after a logic op) */
        uint32_t keep = CC_ARITH & ~(uint32_t)(CC_C | CC_O);

        if (c->flags_live == 3) {
            keep &= ~(uint32_t)CC_A;
        }
        /* lahf: ah = SF ZF 0 AF 0 PF 1 CF, the EFLAGS layout (not pushf) */
        e8(c, 0x9f);
        e8(c, 0x0f); e8(c, 0xb6); e8(c, 0xc4);          /* movzx eax, ah */
        op_rr(c, 4, 0x89, RAX, R13);
        op_rr(c, 4, 0x81, 4, R13); e32(c, keep);
    } else {
        c->cc_reads = true;
        emit_flush(c);      /* (call_abs reloads from env) */
        op_rr(c, 8, 0x89, S_REG, RDI);
        call_abs(c, (const void *)(uintptr_t)x86_compute_eflags);
        op_rr(c, 4, 0x81, 4, RAX); e32(c, ~(uint32_t)(CC_C | CC_O));
        op_rr(c, 4, 0x89, RAX, R13);                    /* r13d = flags */
    }
    c->flags_live = 0;
    ld_greg(c, RAX, ot, d->rm, d->rex);
    op_rr(c, hsz, 0xc1, op, RAX); e8(c, cnt);           /* rol/ror */
    if (op == 0) {
        /* CF = bit 0, OF = MSB ^ CF */
        op_rr(c, 4, 0x89, RAX, RCX);
        op_rr(c, 4, 0x83, 4, RCX); e8(c, 1);
        op_rr(c, 8, 0x89, RAX, RDX);
        op_rr(c, 8, 0xc1, 5, RDX); e8(c, w - 1);
    } else {
        /* CF = MSB, OF = MSB ^ next bit */
        op_rr(c, 8, 0x89, RAX, RCX);
        op_rr(c, 8, 0xc1, 5, RCX); e8(c, w - 1);
        op_rr(c, 8, 0x89, RAX, RDX);
        op_rr(c, 8, 0xc1, 5, RDX); e8(c, w - 2);
        op_rr(c, 4, 0x83, 4, RDX); e8(c, 1);
    }
    op_rr(c, 4, 0x31, RCX, RDX);                        /* edx ^= ecx */
    op_rr(c, 4, 0xc1, 4, RDX); e8(c, 11);               /* -> CC_O */
    op_rr(c, 4, 0x09, RDX, RCX);
    op_rr(c, 4, 0x09, RCX, R13);                        /* r13d |= ecx */
    /* env->eflags = (eflags & ~CC_ARITH) | r13; cc_op = CC_OP_EFLAGS */
    op_mem(c, 8, 0x8b, RDX, ENV_REG, -1, ENV_OFF(eflags));
    op_rr(c, 8, 0x81, 4, RDX); e32(c, ~(uint32_t)CC_ARITH);
    op_rr(c, 8, 0x09, R13, RDX);
    op_mem(c, 8, 0x89, RDX, ENV_REG, -1, ENV_OFF(eflags));
    st_s32(c, S_OFF(cc_op), CC_OP_EFLAGS);
    st_greg(c, RAX, ot, d->rm, d->rex);
    return true;
}

/* F6/F7 /0-/7: TEST imm (any size); NOT, NEG, MUL, IMUL, DIV, IDIV (32/64) */
static void emit_handler_slow(Emit *c, const TCGInsn *d);

/*
 * F7 /6 /7 DIV, IDIV with rcx = divisor (32/64-bit): inline when the host
 * instruction cannot fault; a zero divisor, a quotient that may overflow
 * (DIV: high half >= divisor; IDIV: rdx not the sign of rax, or a
 * divisor of -1) run the handler, which raises #DE.  The lazy flags stay
 * (the interpreter leaves them too).
 */
static void emit_div(Emit *c, const TCGInsn *d, bool sign)
{
    int ot = d->ot, hsz = ot == 3 ? 8 : 4;
    uint8_t *slow[3];
    int n = 0;
    ColdPath cp;

    c->flags_live = 0;
    op_rr(c, hsz, 0x85, RCX, RCX);                      /* test rcx, rcx */
    slow[n++] = jcc32(c, CC_E_);
    ld_greg(c, RAX, ot, R_EAX, 0);
    ld_greg(c, RDX, ot, R_EDX, 0);
    if (sign) {
        op_rr(c, hsz, 0x83, 7, RCX); e8(c, 0xff);       /* cmp rcx, -1 */
        slow[n++] = jcc32(c, CC_E_);
        op_rr(c, hsz, 0x89, RAX, R11);
        op_rr(c, hsz, 0xc1, 7, R11); e8(c, hsz * 8 - 1);    /* sar */
        op_rr(c, hsz, 0x39, RDX, R11);                  /* cmp r11, rdx */
        slow[n++] = jcc32(c, CC_NE_);
    } else {
        op_rr(c, hsz, 0x39, RCX, RDX);                  /* cmp rdx, rcx */
        slow[n++] = jcc32(c, CC_AE_);
    }
    op_rr(c, hsz, 0xf7, sign ? 7 : 6, RCX);             /* (i)div rcx */
    st_greg(c, RAX, ot, R_EAX, 0);
    st_greg(c, RDX, ot, R_EDX, 0);
    cold_begin(c, &cp, slow, n);
    emit_handler_slow(c, d);
    cold_end(c, &cp);
}

static bool gen_grp3(Emit *c, const TCGInsn *d)
{
    int op = d->reg & 7, ot = d->ot, hsz = ot == 3 ? 8 : 4;

    /* 8/16-bit: TEST imm only (testb $imm, mem is frequent) */
    if ((ot < 2 && op > 1) || (d->prefix & PREFIX_LOCK)) {
        return false;
    }
    if (d->mod != 3) {
        if ((op == 2 || op == 3) || !ea_inline(c, d)) {
            return false;       /* NOT/NEG of memory: handler */
        }
        emit_ea(c, d);
        emit_load(c, d, 1 << ot);
        op_rr(c, 8, 0x89, RAX, RCX);                    /* rcx = v */
    } else {
        ld_greg(c, RCX, ot, d->rm, d->rex);
    }
    switch (op) {
    case 0:
    case 1:
        op_rr(c, 8, 0x89, RCX, RAX);
        mov_imm64(c, RCX, d->imm & ot_mask(ot));
        emit_alu_core(c, 4, ot);
        return true;
    case 2:
        op_rr(c, hsz, 0xf7, 2, RCX);                    /* not */
        st_greg(c, RCX, ot, d->rm, d->rex);
        return true;
    case 3:
        op_rr(c, 4, 0x31, RAX, RAX);                    /* a = 0 */
        emit_alu_core(c, 5, ot);                        /* 0 - v */
        st_greg(c, RAX, ot, d->rm, d->rex);
        return true;
    case 6:
    case 7:
        emit_div(c, d, op == 7);
        return true;
    default:
        ld_greg(c, RAX, ot, R_EAX, 0);
        op_rr(c, hsz, 0xf7, op, RCX);                   /* mul/imul rcx */
        c->flags_live = 0;
        if (!c->cc_dead) {
            e8(c, 0x0f); e8(c, 0x90); e8(c, 0xc1);      /* seto cl */
            e8(c, 0x0f); e8(c, 0xb6); e8(c, 0xc9);      /* movzx ecx, cl */
            op_rr(c, 4, 0x69, RCX, RCX); e32(c, CC_C | CC_O);
        }
        st_greg(c, RAX, ot, R_EAX, 0);
        st_greg(c, RDX, ot, R_EDX, 0);
        emit_cc_szp(c, ot);
        return true;
    }
}

/* 0F AF IMUL r, r/m; 69/6B IMUL r, r/m, imm (32/64-bit) */
static bool gen_imul(Emit *c, const TCGInsn *d)
{
    int ot = d->ot;

    if (ot < 2 || (d->prefix & PREFIX_LOCK)) {
        return false;
    }
    if (d->mod == 3) {
        ld_greg(c, RAX, ot, d->rm, d->rex);
    } else {
        if (!ea_inline(c, d)) {
            return false;
        }
        emit_ea(c, d);
        emit_load(c, d, 1 << ot);
    }
    if (d->map) {
        ld_greg(c, RCX, ot, d->reg, d->rex);
    } else {
        mov_imm64(c, RCX, d->imm & ot_mask(ot));
    }
    c->flags_live = 0;
    rex(c, ot == 3, RAX, 0, RCX, false);
    e8(c, 0x0f); e8(c, 0xaf); e8(c, 0xc1);              /* imul rax, rcx */
    if (!c->cc_dead) {
        emit_setcc_edx(c, CC_O_);
        op_rr(c, 4, 0x69, RCX, RDX); e32(c, CC_C | CC_O); /* C|O or 0 */
    }
    st_greg(c, RAX, ot, d->reg, d->rex);
    emit_cc_szp(c, ot);
    return true;
}

/* dst = zero-extended @sz bytes at [base] */
static void emit_host_load(Emit *c, int dst, int base, int sz)
{
    switch (sz) {
    case 1: op0f_mem(c, false, 0xb6, dst, base, 0); break;
    case 2: op0f_mem(c, false, 0xb7, dst, base, 0); break;
    case 4: op_mem(c, 4, 0x8b, dst, base, -1, 0); break;
    default: op_mem(c, 8, 0x8b, dst, base, -1, 0); break;
    }
}

/*
 * rax = operand address (emit_ea) -> r11 = its host address for reading
 * and writing; the jumps to the slow path go to @slow[0..2].
 */
static void emit_rmw_probe(Emit *c, const TCGInsn *d, uint8_t **slow)
{
    int sz = 1 << d->ot;

    slow[2] = NULL;
    if (c->mode == 1) {
        emit_seg_check(c, d->seg, sz, &slow[2]);
    }
    emit_tlb_probe(c, sz, true, &slow[0], &slow[1]);
    op_rr(c, 8, 0x89, RAX, R11);                /* r11 = host address */
}

/* Out-of-line handler for the @slow jumps of emit_rmw_probe(). */
static void emit_rmw_slow(Emit *c, const TCGInsn *d, uint8_t **slow)
{
    ColdPath cp;

    cold_begin(c, &cp, slow, 3);
    emit_handler_slow(c, d);
    cold_end(c, &cp);
    c->flags_live = 0;
}

/*
 * FA CLI in 64-bit mode (protected, no VM86): IF = 0 when CPL <= IOPL;
 * otherwise the handler (#GP).  STI stays a handler call: it ends the
 * block and opens the interrupt shadow.
 */
static bool gen_cli(Emit *c, const TCGInsn *d)
{
    uint8_t *slow;
    ColdPath cp;

    if (c->mode != 2) {
        return false;
    }
    slow = emit_iopl_check(c);
    op_mem(c, 4, 0x81, 4, ENV_REG, -1, ENV_OFF(eflags));
    e32(c, ~(uint32_t)IF_MASK);                         /* and */
    cold_begin(c, &cp, &slow, 1);
    emit_handler_slow(c, d);
    cold_end(c, &cp);
    return true;
}

/*
 * 9C PUSHF with a 64-bit operand in 64-bit mode: x86_get_eflags()
 * without VM and RF, pushed through the TLB fast path.
 */
/* eax = the guest's arithmetic flags (x86_compute_eflags()) */
static void emit_compute_eflags(Emit *c)
{
    c->cc_reads = true;
    c->flags_live = 0;
    emit_flush(c);          /* (the call clobbers the cache registers) */
    c->dirty = 0;
    op_rr(c, 8, 0x89, S_REG, RDI);
    call_abs(c, x86_compute_eflags);
}

static bool gen_pushf(Emit *c, const TCGInsn *d)
{
    if (c->mode != 2 || d->ot != 3) {
        return false;
    }
    emit_compute_eflags(c);
    op_mem(c, 8, 0x8b, R11, ENV_REG, -1, ENV_OFF(eflags));
    op_rr(c, 8, 0x81, 4, R11);
    e32(c, ~(uint32_t)(CC_ARITH | VM_MASK | RF_MASK));  /* and r11 */
    op_rr(c, 8, 0x09, RAX, R11);                        /* or r11, rax */
    op_rr(c, 8, 0x83, 1, R11); e8(c, 2);                /* or r11, 2 */
    emit_push64(c, d, R11, false);
    return true;
}

/* 8C MOV r/m, Sreg (ES..GS; the others #UD in the handler) */
static bool gen_mov_from_seg(Emit *c, const TCGInsn *d)
{
    int sr = d->reg & 7, h = d->mod == 3 ? RAX : R11;

    if (sr > R_GS || (d->mod != 3 && !ea_inline(c, d))) {
        return false;
    }
    /* (a 16-bit selector: the 32-bit load zero-extends it) */
    op0f_mem(c, false, 0xb7, h, ENV_REG,
             seg_off(sr) + (int32_t)offsetof(SegmentCache, selector));
    if (d->mod == 3) {
        st_greg(c, RAX, d->ot, d->rm, d->rex);
        return true;
    }
    emit_ea(c, d);
    emit_store(c, d, 2, R11);
    return true;
}

/* 98 CBW/CWDE/CDQE: eAX = sign-extended lower half */
static bool gen_cbw(Emit *c, const TCGInsn *d)
{
    int ot = d->ot;

    ld_greg(c, RAX, ot - 1, R_EAX, 0);
    if (ot == 3) {
        e8(c, 0x48); e8(c, 0x63); e8(c, 0xc0);          /* movsxd rax, eax */
    } else {
        e8(c, 0x0f); e8(c, ot == 2 ? 0xbf : 0xbe); e8(c, 0xc0); /* movsx */
    }
    st_greg(c, RAX, ot, R_EAX, 0);
    return true;
}

/*
 * 0F C0/C1 XADD r/m, r with a memory operand (LOCK as in gen_xchg):
 * memory = value + r with ADD's flags, r = the old value.
 */
static bool gen_xadd(Emit *c, const TCGInsn *d)
{
    uint8_t *slow[3];
    int ot = d->ot, sz = 1 << ot;

    if (d->mod == 3 || !ea_inline(c, d)) {
        return false;
    }
    emit_ea(c, d);
    emit_rmw_probe(c, d, slow);
    emit_host_load(c, RAX, R11, sz);
    ld_greg(c, RCX, ot, d->reg, d->rex);
    op_rr(c, 8, 0x89, RAX, RDX);                        /* rdx = old */
    emit_alu_core(c, 0, ot);
    op_mem(c, sz, sz == 1 ? 0x88 : 0x89, RAX, R11, -1, 0);
    st_greg(c, RDX, ot, d->reg, d->rex);
    emit_rmw_slow(c, d, slow);
    return true;
}

/*
 * 0F B0/B1 CMPXCHG r/m, r with a memory operand: CMP accumulator, value
 * (lazy and host flags as SUB); equal: store r, else accumulator = value
 * (the handler's write-back of the unchanged value is not needed on a
 * RAM page the TLB maps for writing).
 */
static bool gen_cmpxchg(Emit *c, const TCGInsn *d)
{
    int ot = d->ot, sz = 1 << ot;
    uint8_t *slow[3], *ne, *done;

    if (d->mod == 3 || !ea_inline(c, d)) {
        return false;
    }
    emit_ea(c, d);
    emit_rmw_probe(c, d, slow);
    emit_host_load(c, RCX, R11, sz);
    ld_greg(c, RDX, ot, d->reg, d->rex);
    ld_greg(c, RAX, ot, R_EAX, 0);
    emit_alu_core(c, 7, ot);
    ne = jcc32(c, CC_NE_);
    op_mem(c, sz, sz == 1 ? 0x88 : 0x89, RDX, R11, -1, 0);
    done = jmp32(c);
    patch_here(c, ne);
    st_greg(c, RCX, ot, R_EAX, 0);
    patch_here(c, done);
    emit_rmw_slow(c, d, slow);
    return true;
}

/*
 * 86/87 XCHG r/m, r; 90 NOP; 91-97 XCHG eAX, r.  (LOCK is implicit with
 * a memory operand: one vCPU thread runs at a time, so a plain load and
 * store are atomic for the guest, as in the handler.)
 */
static bool gen_xchg(Emit *c, const TCGInsn *d)
{
    int ot = d->ot, a, b;
    uint8_t *slow[3];

    if (d->b >= 0x90) {
        if (d->rm == 0) {
            /* NOP; PAUSE yields the slice in the handler (SMP only) */
            return !(d->prefix & PREFIX_REPZ) || !x86_tcg_pause_yields();
        }
        a = R_EAX;
        b = d->rm;
    } else if (d->mod == 3) {
        if (d->prefix & PREFIX_LOCK) {
            return false;
        }
        a = d->rm;
        b = d->reg;
    } else {
        if (!ea_inline(c, d)) {
            return false;
        }
        emit_ea(c, d);
        emit_rmw_probe(c, d, slow);
        ld_greg(c, RCX, ot, d->reg, d->rex);
        emit_host_load(c, RAX, R11, 1 << ot);
        op_mem(c, 1 << ot, ot == 0 ? 0x88 : 0x89, RCX, R11, -1, 0);
        st_greg(c, RAX, ot, d->reg, d->rex);
        emit_rmw_slow(c, d, slow);
        return true;
    }
    ld_greg(c, RAX, ot, a, d->b >= 0x90 ? 0 : d->rex);
    ld_greg(c, RCX, ot, b, d->b >= 0x90 ? 0 : d->rex);
    st_greg(c, RCX, ot, a, d->b >= 0x90 ? 0 : d->rex);
    st_greg(c, RAX, ot, b, d->b >= 0x90 ? 0 : d->rex);
    return true;
}

/*
 * Out-of-line path that runs the whole instruction through its handler
 * (a non-branching one), then rejoins the inline path.
 */
static void emit_handler_slow(Emit *c, const TCGInsn *d)
{
    c->cc_known = 0;
    c->pend_valid = false;
    emit_slow_enter(c, d, false);
    emit_count_handler(c, d);
    mov_imm64(c, RSI, (uintptr_t)d);
    call_abs(c, (const void *)(uintptr_t)d->fn);
    emit_reload(c, true);
    emit_slow_block_end_check(c, d);
    emit_unsync(c);
}

/*
 * ALU op with a memory destination: 00-3D forms 0/1 and 80/81/83.  CMP
 * only loads; the others probe the TLB for writing, read and write the
 * host page directly, and leave TLB misses, MMIO and segment-limit cases
 * to the handler.
 */
static bool gen_alu_mem(Emit *c, const TCGInsn *d, int op)
{
    int ot = d->ot, sz = 1 << ot;
    uint8_t *slow[3];

    if (!ea_inline(c, d)) {
        return false;
    }
    if (op == 2 || op == 3) {
        emit_carry_in(c);
    }
    emit_ea(c, d);
    if (op == 7) {
        emit_load(c, d, sz);
    } else {
        emit_rmw_probe(c, d, slow);
        emit_host_load(c, RAX, R11, sz);
    }
    if (d->b < 0x40) {
        ld_greg(c, RCX, ot, d->reg, d->rex);
    } else {
        mov_imm64(c, RCX, d->imm & ot_mask(ot));
    }
    emit_alu_core(c, op, ot);
    if (op == 7) {
        return true;
    }
    op_mem(c, sz, sz == 1 ? 0x88 : 0x89, RAX, R11, -1, 0);
    emit_rmw_slow(c, d, slow);
    return true;
}

/*
 * Host condition code that is true when guest condition @cc holds: the
 * live host flags, or x86_cond() on the lazy flags (r13b, tested).
 */
static int emit_cond(Emit *c, int cc, bool keep_flags)
{
    if (!c->flags_live) {
        emit_cc_remat(c);
    }
    if (c->flags_live && keep_flags) {
        return cc;
    }
    if (c->flags_live) {
        /* r13d = condition, as x86_cond() would return it */
        e8(c, 0x41); e8(c, 0x0f); e8(c, 0x90 | cc); e8(c, 0xc5); /* setcc */
        e8(c, 0x45); e8(c, 0x0f); e8(c, 0xb6); e8(c, 0xed);   /* movzx */
        c->flags_live = 0;
        return -1;
    }
    emit_flags_from_lazy(c);
    return emit_cond(c, cc, keep_flags);
}

/* 0F 90-9F SETcc r/m8 */
static bool gen_setcc(Emit *c, const TCGInsn *d)
{
    int hcc;

    if ((d->mod != 3 && !ea_inline(c, d)) || (d->prefix & PREFIX_LOCK)) {
        return false;
    }
    hcc = emit_cond(c, d->b & 15, true);
    if (d->mod != 3) {
        /* r11b = the condition, then the store (which clobbers flags) */
        if (hcc < 0) {
            rex(c, false, R13, 0, R13, false);
            e8(c, 0x84); e8(c, 0xc0 | (R13 & 7) << 3 | (R13 & 7));
            hcc = CC_NE_;
        }
        e8(c, 0x41); e8(c, 0x0f); e8(c, 0x90 | hcc); e8(c, 0xc3);
        emit_ea(c, d);
        emit_store(c, d, 1, R11);
        return true;
    }
    if (hcc < 0) {
        rex(c, false, R13, 0, R13, false);
        e8(c, 0x84); e8(c, 0xc0 | (R13 & 7) << 3 | (R13 & 7)); /* test */
        hcc = CC_NE_;
    }
    e8(c, 0x0f); e8(c, 0x90 | hcc); e8(c, 0xc0);       /* setcc al */
    st_greg(c, RAX, 0, d->rm, d->rex);
    return true;
}

/* 0F 40-4F CMOVcc (16/32/64-bit; the source is read even when false) */
static bool gen_cmov(Emit *c, const TCGInsn *d)
{
    int ot = d->ot, hcc;

    if (ot < 1 || (d->prefix & PREFIX_LOCK)) {
        return false;
    }
    if (d->mod != 3 && !ea_inline(c, d)) {
        return false;
    }
    /* a memory source's TLB probe clobbers the host flags */
    hcc = emit_cond(c, d->b & 15, d->mod == 3);
    if (d->mod == 3) {
        ld_greg(c, RAX, ot, d->rm, d->rex);
    } else {
        emit_ea(c, d);
        emit_load(c, d, 1 << ot);
    }
    ld_greg(c, RCX, ot, d->reg, d->rex);
    if (hcc < 0) {
        rex(c, false, R13, 0, R13, false);
        e8(c, 0x84); e8(c, 0xc0 | (R13 & 7) << 3 | (R13 & 7));
        hcc = CC_NE_;
    }
    /* cmovcc rcx, rax */
    if (ot == 1) {
        e8(c, 0x66);
    }
    rex(c, ot == 3, RCX, 0, RAX, false);
    e8(c, 0x0f); e8(c, 0x40 | hcc); e8(c, 0xc8);
    st_greg(c, RCX, ot, d->reg, d->rex);
    return true;
}

/* FE/FF /0 /1 on a register, 40-4F outside 64-bit mode: INC/DEC */
/* INC/DEC of host @h at the guest's width, lazy flags as do_incdec() */
static void emit_incdec_core(Emit *c, int h, int ot, bool dec)
{
    if (!c->cc_dead) {
        op_mem(c, 8, 0x89, h, S_REG, -1, S_OFF(cc_src1));
        op_mem(c, 8, 0xc7, 0, S_REG, -1, S_OFF(cc_src2));
        e32(c, 1);
        op_mem(c, 8, 0x89, R13, S_REG, -1, S_OFF(cc_aux));
        st_s32(c, S_OFF(cc_op), dec ? CC_OP_DEC : CC_OP_INC);
        st_s8(c, S_OFF(cc_ot), ot);
    }
    emit_carry_restore(c);
    /* at the guest's width: the host flags are exact */
    op_rr(c, 1 << ot, ot == 0 ? 0xfe : 0xff, dec ? 1 : 0, h);
    if (ot < 2) {
        mask_ot(c, h, ot);
    }
    if (!c->cc_dead) {
        op_mem(c, 8, 0x89, h, S_REG, -1, S_OFF(cc_res));
    }
}

/*
 * FE/FF /0 /1 INC/DEC of memory, through the TLB fast path (LOCK is a
 * plain read-modify-write: one vCPU thread runs at a time).
 */
static bool gen_incdec_mem(Emit *c, const TCGInsn *d, bool dec)
{
    uint8_t *slow[3];
    int sz = 1 << d->ot;

    if (!ea_inline(c, d)) {
        return false;
    }
    c->cc_kills = true;
    c->cc_known = 0;
    emit_carry_in(c);
    emit_ea(c, d);
    emit_rmw_probe(c, d, slow);
    emit_host_load(c, RAX, R11, sz);
    emit_incdec_core(c, RAX, d->ot, dec);
    op_mem(c, sz, sz == 1 ? 0x88 : 0x89, RAX, R11, -1, 0);
    emit_rmw_slow(c, d, slow);
    return true;
}

static bool gen_incdec(Emit *c, const TCGInsn *d)
{
    int ot = d->ot, r, rexb, h;
    bool dec;

    if (d->b >= 0x40 && d->b <= 0x4f) {
        r = d->b & 7;
        rexb = 0;
        dec = d->b & 8;
    } else {
        if ((d->reg & 7) > 1) {
            return false;
        }
        if (d->mod != 3) {
            return gen_incdec_mem(c, d, d->reg & 1);
        }
        r = d->rm;
        rexb = d->rex;
        dec = d->reg & 1;
    }
    if (d->prefix & PREFIX_LOCK) {
        return false;
    }
    c->cc_kills = true;
    c->cc_known = 0;
    /* (a dead one still sets the host CF: a SETcc may use the host flags) */
    emit_carry_in(c);
    /* a cached 32/64-bit register counts in place */
    h = hreg_ot(c, ot, r) >= 0 ? hreg(c, r) : RAX;
    if (h == RAX) {
        ld_greg(c, RAX, ot, r, rexb);
    }
    emit_incdec_core(c, h, ot, dec);
    if (h == RAX) {
        st_greg(c, h, ot, r, rexb);
    } else {
        greg_written(c, r);     /* (a 32-bit INC/DEC zero-extends) */
    }
    c->flags_live = 1;
    return true;
}

/* 0F B6/B7/BE/BF MOVZX/MOVSX, 63 MOVSXD (64-bit mode) */
static bool gen_movx(Emit *c, const TCGInsn *d)
{
    bool sx, movsxd = d->map == 0;
    int sot;

    if (d->prefix & PREFIX_LOCK) {
        return false;
    }
    if (movsxd) {
        if (c->mode != 2) {
            return false;
        }
        sot = 2;
        sx = d->ot == 3;
    } else {
        sot = d->b & 1 ? 1 : 0;
        sx = d->b >= 0xbe;
    }
    if (d->mod == 3) {
        ld_greg(c, RAX, sot, d->rm, d->rex);
    } else {
        if (!ea_inline(c, d)) {
            return false;
        }
        emit_ea(c, d);
        emit_load(c, d, 1 << sot);
    }
    if (sx) {
        /* movsx rax, al / ax; movsxd rax, eax */
        e8(c, 0x48);
        if (sot == 2) {
            e8(c, 0x63);
        } else {
            e8(c, 0x0f);
            e8(c, sot ? 0xbf : 0xbe);
        }
        e8(c, 0xc0);
        if (d->ot == 2) {
            zext32(c, RAX);
        }
    }
    st_greg(c, RAX, d->ot, d->reg, d->rex);
    return true;
}

/*
 * 0F A3/AB/B3/BB BT/BTS/BTR/BTC r/m, r and 0F BA /4-/7 with imm8.  As
 * bt_common(): CF = the bit, the other arithmetic flags kept
 * (CC_OP_EFLAGS), so the guest flags are computed first
 * (x86_compute_eflags(), into r13).  Even when the lazy flags it writes
 * are dead, the host flags must be right: a consumer that used them did
 * not count as a reader.  The memory forms go through the TLB fast path;
 * misses and MMIO run the handler.  A register bit offset into memory
 * (it addresses beyond the operand: the signed offset / width operands
 * further) only with 64-bit addresses in 64-bit mode.
 */
static bool gen_bt(Emit *c, const TCGInsn *d)
{
    static const uint8_t host_op[4] = { 0xa3, 0xab, 0xb3, 0xbb };
    int ot = d->ot, op, sz = 1 << ot;
    bool imm = d->b == 0xba, mem = d->mod != 3;
    uint8_t *slow[3] = { NULL, NULL, NULL };

    if (imm && (d->reg & 7) < 4) {
        return false;
    }
    op = imm ? (d->reg & 7) - 4 : (d->b >> 3) & 3;
    if (ot < 1 || (!imm && mem && (c->mode != 2 || d->aflag != 3)) ||
        (mem && !ea_inline(c, d)) ||
        ((d->prefix & PREFIX_LOCK) && (!mem || op == 0))) {
        return false;
    }
    c->cc_kills = true;
    c->cc_known = 0;
    c->pend_valid = false;
    emit_compute_eflags(c);
    op_rr(c, 4, 0x89, RAX, R13);                        /* mov r13d, eax */
    op_rr(c, 4, 0x83, 4, R13); e8(c, ~CC_C);            /* and r13d, ~CF */
    /* rax = the operand (zero-extended), rcx = the bit offset */
    if (mem) {
        emit_ea(c, d);
        if (!imm) {
            /* rax += (sign-extended offset >> (3 + ot)) << ot */
            ld_greg(c, RCX, ot, d->reg, d->rex);
            if (ot == 1) {
                e8(c, 0x48); e8(c, 0x0f); e8(c, 0xbf); e8(c, 0xc9);
            } else if (ot == 2) {
                e8(c, 0x48); e8(c, 0x63); e8(c, 0xc9);  /* movsxd rcx, ecx */
            }
            op_rr(c, 8, 0xc1, 7, RCX); e8(c, 3 + ot);   /* sar rcx */
            op_rr(c, 8, 0xc1, 4, RCX); e8(c, ot);       /* shl rcx */
            op_rr(c, 8, 0x01, RCX, RAX);                /* add rax, rcx */
        }
        if (op) {
            emit_rmw_probe(c, d, slow);
            emit_host_load(c, RAX, R11, sz);
        } else {
            emit_load(c, d, sz);
        }
    } else {
        ld_greg(c, RAX, ot, d->rm, d->rex);
    }
    if (imm) {
        mov_imm64(c, RCX, d->imm & ((8 << ot) - 1));
    } else {
        ld_greg(c, RCX, ot, d->reg, d->rex);
        op_rr(c, 4, 0x83, 4, RCX); e8(c, (8 << ot) - 1);  /* and ecx */
    }
    /* bt/bts/btr/btc rax, rcx: the bit stays below the operand size */
    rex(c, true, RCX, 0, RAX, false);
    e8(c, 0x0f); e8(c, host_op[op]); e8(c, 0xc0 | (RCX & 7) << 3 | RAX);
    e8(c, 0x0f); e8(c, 0x92); e8(c, 0xc1);              /* setc cl */
    movzx_rr(c, RCX, RCX, 1);
    op_rr(c, 4, 0x09, RCX, R13);                        /* or r13d, ecx */
    if (op && mem) {
        op_mem(c, sz, 0x89, RAX, R11, -1, 0);
    } else if (op) {
        st_greg(c, RAX, ot, d->rm, d->rex);
    }
    if (!c->cc_dead) {
        /* env->eflags arithmetic bits = r13, cc_op = EFLAGS; host too */
        op_mem(c, 8, 0x8b, RAX, ENV_REG, -1, ENV_OFF(eflags));
        op_rr(c, 8, 0x81, 4, RAX); e32(c, ~(uint32_t)CC_ARITH);
        op_rr(c, 8, 0x09, R13, RAX);                    /* or rax, r13 */
        op_mem(c, 8, 0x89, RAX, ENV_REG, -1, ENV_OFF(eflags));
        st_s32(c, S_OFF(cc_op), CC_OP_EFLAGS);
    }
    e8(c, 0x41); e8(c, 0x55);                           /* push r13 */
    e8(c, 0x9d);                                        /* popfq */
    c->flags_live = 1;
    if (op && mem) {
        emit_rmw_slow(c, d, slow);
    }
    return true;
}

/*
 * 0F A4/A5 SHLD, AC/AD SHRD r32/r64, r, imm8/CL (register destination):
 * the host instruction; lazy flags as op_shld(): SF/ZF/PF of the result,
 * CF, OF = MSB changed, AF clear (CC_OP_SZP).  The host's OF and AF are
 * undefined past a count of 1, so the host flags are not kept.  A count
 * of 0 (flags and, for 32 bits, the upper half kept) runs the handler.
 */
static bool gen_shxd(Emit *c, const TCGInsn *d)
{
    int ot = d->ot, mask = ot == 3 ? 63 : 31;
    bool cl = d->b & 1;
    uint8_t *zero = NULL;
    ColdPath cp;

    if (ot < 2 || d->mod != 3 || (d->prefix & PREFIX_LOCK) ||
        (!cl && !(d->imm & mask))) {
        return false;
    }
    if (cl) {
        ld_greg(c, RCX, 2, R_ECX, 0);
        op_rr(c, 4, 0x83, 4, RCX); e8(c, mask);         /* and ecx, mask */
        zero = jcc32(c, CC_E_);
    }
    c->cc_kills = true;
    c->cc_known = 0;
    ld_greg(c, RAX, ot, d->rm, d->rex);
    ld_greg(c, RDX, ot, d->reg, d->rex);
    op_rr(c, 8, 0x89, RAX, R11);                        /* r11 = old */
    /* shld/shrd rax, rdx, cl / imm8 */
    rex(c, ot == 3, RDX, 0, RAX, false);
    e8(c, 0x0f); e8(c, d->b); e8(c, 0xc0 | (RDX & 7) << 3 | RAX);
    if (!cl) {
        e8(c, d->imm & mask);
    }
    if (!c->cc_dead) {
        /* ecx = CF | (MSB(old ^ result) ? OF : 0) */
        e8(c, 0x0f); e8(c, 0x92); e8(c, 0xc1);          /* setc cl */
        movzx_rr(c, RCX, RCX, 1);
        op_rr(c, 8, 0x31, RAX, R11);                    /* xor r11, rax */
        op_rr(c, 8, 0xc1, 5, R11); e8(c, (8 << ot) - 1);  /* shr r11 */
        op_rr(c, 4, 0x83, 4, R11); e8(c, 1);            /* and r11d, 1 */
        op_rr(c, 4, 0xc1, 4, R11); e8(c, 11);           /* shl r11d, 11 */
        op_rr(c, 4, 0x09, R11, RCX);                    /* or ecx, r11d */
        st_s32(c, S_OFF(cc_op), CC_OP_SZP);
        st_s8(c, S_OFF(cc_ot), ot);
        op_mem(c, 8, 0x89, RAX, S_REG, -1, S_OFF(cc_res));
        op_mem(c, 8, 0x89, RCX, S_REG, -1, S_OFF(cc_aux));
    }
    st_greg(c, RAX, ot, d->rm, d->rex);
    c->flags_live = 0;
    if (zero) {
        cold_begin(c, &cp, &zero, 1);
        emit_handler_slow(c, d);
        cold_end(c, &cp);
        c->flags_live = 0;
    }
    return true;
}

/*
 * 0F 31 RDTSC: a direct call of x86_rdtsc() (the interpreter's TSC: the
 * virtual clock, CR4.TSD's #GP) without the handler protocol.
 */
static bool gen_rdtsc(Emit *c, const TCGInsn *d)
{
    if (d->prefix & PREFIX_LOCK) {
        return false;
    }
    emit_slow_enter(c, d, true);        /* exact state: it may raise #GP */
    call_abs(c, x86_rdtsc);
    emit_unsync(c);
    op_rr(c, 8, 0x89, RAX, RDX);                        /* mov rdx, rax */
    op_rr(c, 8, 0xc1, 5, RDX); e8(c, 32);               /* shr rdx, 32 */
    zext32(c, RAX);
    st_greg(c, RAX, 3, R_EAX, 0);
    st_greg(c, RDX, 3, R_EDX, 0);
    return true;
}

/* 0F C8+r BSWAP r32/r64 (16-bit is undefined: the handler) */
static bool gen_bswap(Emit *c, const TCGInsn *d)
{
    if (d->ot < 2) {
        return false;
    }
    ld_greg(c, RAX, d->ot, d->rm, 1);
    rex(c, d->ot == 3, 0, 0, RAX, false);
    e8(c, 0x0f); e8(c, 0xc8 | (RAX & 7));               /* bswap (no flags) */
    st_greg(c, RAX, d->ot, d->rm, 1);
    return true;
}

static bool gen_inline(Emit *c, const TCGInsn *d)
{
    if (d->map == 0) {
        switch (d->b) {
        case 0x88 ... 0x8b:
        case 0xb0 ... 0xbf:
        case 0xc6:
        case 0xc7:
            return gen_mov(c, d);
        case 0x8d:
            return gen_lea(c, d);
        case 0x50 ... 0x5f:
        case 0x68:
        case 0x6a:
        case 0xc9:
            return gen_pushpop(c, d);
        case 0x00 ... 0x3f:
        case 0x80 ... 0x85:
        case 0xa8:
        case 0xa9:
            return gen_alu(c, d);
        case 0x63:
            return gen_movx(c, d);
        case 0x86:
        case 0x87:
        case 0x90 ... 0x97:
            return gen_xchg(c, d);
        case 0x98:
            return gen_cbw(c, d);
        case 0x8c:
            return gen_mov_from_seg(c, d);
        case 0x9c:
            return gen_pushf(c, d);
        case 0xfa:
            return gen_cli(c, d);
        case 0x40 ... 0x4f:     /* (REX prefixes in 64-bit mode) */
        case 0xfe:
        case 0xff:
            return gen_incdec(c, d);
        case 0xc1:
        case 0xd1:
        case 0xd3:
            return (d->reg & 7) <= 1 ? gen_rotate(c, d) : gen_shift(c, d);
        case 0x69:
        case 0x6b:
            return gen_imul(c, d);
        case 0xf6:
        case 0xf7:
            return gen_grp3(c, d);
        default:
            return false;
        }
    }
    if (d->map == 1) {
        switch (d->b) {
        case 0xb6:
        case 0xb7:
        case 0xbe:
        case 0xbf:
            return gen_movx(c, d);
        case 0xaf:
            return gen_imul(c, d);
        case 0x40 ... 0x4f:
            return gen_cmov(c, d);
        case 0x90 ... 0x9f:
            return gen_setcc(c, d);
        case 0xc8 ... 0xcf:
            return gen_bswap(c, d);
        case 0x31:
            return gen_rdtsc(c, d);
        case 0xa3:
        case 0xab:
        case 0xb3:
        case 0xbb:
        case 0xba:
            return gen_bt(c, d);
        case 0xa4:
        case 0xa5:
        case 0xac:
        case 0xad:
            return gen_shxd(c, d);
        case 0xb0:
        case 0xb1:
            return gen_cmpxchg(c, d);
        case 0xc0:
        case 0xc1:
            return gen_xadd(c, d);
        case 0x0d:              /* PREFETCH/PREFETCHW */
        case 0x18 ... 0x1f:
            return true;        /* hint NOPs, NOP Ev: no access, no code */
        default:
            return false;
        }
    }
    return false;
}

/*
 * Dispatcher: jumps (appended to @x) taken unless the TLB maps linear page
 * rcx, for execution, to the physical page at [rdx + @ppage_off] (a field
 * of the jump-cache entry).  Clobbers rcx, rsi and the host flags.
 */
static void emit_jc_page_check(Emit *c, int32_t ppage_off, uint8_t **x,
                               int *n)
{
    op_rr(c, 8, 0x89, RCX, RSI);
    op_rr(c, 8, 0xc1, 5, RSI); e8(c, 12 - TLB_ENTRY_BITS);
    op_rr(c, 4, 0x81, 4, RSI); e32(c, (TLB_SIZE - 1) << TLB_ENTRY_BITS);
    rex(c, true, RCX, RSI, TLB_REG, false);     /* cmp rcx, tag_x */
    e8(c, 0x3b);
    modrm_mem(c, RCX, TLB_REG, RSI, offsetof(TLBEntry, tag_x));
    x[(*n)++] = jcc32(c, CC_NE_);
    rex(c, true, RCX, RSI, TLB_REG, false);     /* mov rcx, paddr */
    e8(c, 0x8b);
    modrm_mem(c, RCX, TLB_REG, RSI, offsetof(TLBEntry, paddr));
    op_mem(c, 8, 0x3b, RCX, RDX, -1, ppage_off);
    x[(*n)++] = jcc32(c, CC_NE_);
}

/*
 * The dispatcher: shared code that a block calls instead of returning
 * when its successor is not known at translation time (RET, indirect
 * jumps, direct jumps to another page).  State is stored (env->rip,
 * insn_count).  It polls like a chained jump, then probes the jump cache
 * as x86_next_block() does and returns the successor's translated code in
 * rcx, or the epilogue (back to the loop in exec.c); the caller jumps.
 */
static void emit_dispatcher(void)     /* (leaves r8-r11 alone) */
{
    Emit c = {
        .p = cache_ptr, .end = cache_base + JIT_CACHE_SIZE, .mode = 2,
    };
    uint8_t *x[14], *skip;
    int n = 0;

    c.exit_label = dispatch_epilogue = c.p;
    emit_epilogue(&c);
    jit_entry = c.p;
    emit_prologue(&c);
    e8(&c, 0xff); e8(&c, 0xe6);                         /* jmp rsi */
    dispatch_code = c.p;
    emit_poll(&c, x, &n);
    /* not halted? */
    op0f_mem(&c, false, 0xb6, RCX, ENV_REG, ENV_OFF(halted));
    op_mem(&c, 1, 0x0a, RCX, ENV_REG, -1, ENV_OFF(init_received));
    x[n++] = jcc32(&c, CC_NE_);
    /* rax = lin = CS.base + RIP; rdx = &s->jc[hash] */
    op_mem(&c, 8, 0x8b, RAX, ENV_REG, -1, ENV_OFF(rip));
    op_mem(&c, 8, 0x03, RAX, ENV_REG, -1,
           ENV_OFF(segs) + R_CS * (int32_t)sizeof(SegmentCache) +
           (int32_t)offsetof(SegmentCache, base));
    op_mem(&c, 1, 0x80, 7, S_REG, -1, S_OFF(code64));
    e8(&c, 0);
    skip = jcc32(&c, CC_NE_);
    zext32(&c, RAX);                    /* outside 64-bit mode: 32 bits */
    patch_here(&c, skip);
    op_rr(&c, 8, 0x89, RAX, RDX);
    op_rr(&c, 8, 0xc1, 5, RDX); e8(&c, X86_JC_BITS);    /* shr rdx, bits */
    op_rr(&c, 8, 0x31, RAX, RDX);                       /* xor rdx, rax */
    op_rr(&c, 4, 0x81, 4, RDX); e32(&c, X86_JC_SIZE - 1);
    op_rr(&c, 4, 0x69, RDX, RDX); e32(&c, sizeof(X86JumpCacheEntry));
    rex(&c, true, RDX, RDX, S_REG, false);  /* lea rdx, [rbx + rdx + jc] */
    e8(&c, 0x8d);
    modrm_mem(&c, RDX, S_REG, RDX, S_OFF(jc));
    op_mem(&c, 8, 0x3b, RAX, RDX, -1, offsetof(X86JumpCacheEntry, lin));
    x[n++] = jcc32(&c, CC_NE_);
    /* gen == x86_block_gen */
    mov_imm64(&c, RSI, (uintptr_t)&x86_block_gen);
    op_mem(&c, 4, 0x8b, RSI, RSI, -1, 0);
    op_mem(&c, 4, 0x3b, RSI, RDX, -1, offsetof(X86JumpCacheEntry, gen));
    x[n++] = jcc32(&c, CC_NE_);
    /* key == (code64 ? 2 : code32 ? 1 : 0) | mmu_idx << 2 */
    op_mem(&c, 4, 0x8b, RCX, S_REG, -1, S_OFF(mmu_idx));
    op_rr(&c, 4, 0xc1, 4, RCX); e8(&c, 2);
    op0f_mem(&c, false, 0xb6, RSI, S_REG, S_OFF(code64));
    op_rr(&c, 4, 0x01, RSI, RSI);                       /* add esi, esi */
    op_rr(&c, 4, 0x09, RSI, RCX);                       /* or ecx, esi */
    op0f_mem(&c, false, 0xb6, RSI, S_REG, S_OFF(code32));
    op_rr(&c, 4, 0x09, RSI, RCX);
    op_mem(&c, 4, 0x3b, RCX, RDX, -1, offsetof(X86JumpCacheEntry, key));
    x[n++] = jcc32(&c, CC_NE_);
    /* (r14 is current: a handler ending a block recomputes it) */
    /* the TLB still maps the page, for execution, to the block's page */
    op_rr(&c, 8, 0x89, RAX, RCX);
    op_rr(&c, 8, 0x81, 4, RCX); e32(&c, (uint32_t)-4096);
    emit_jc_page_check(&c, offsetof(X86JumpCacheEntry, ppage), x, &n);
    /* a block ending on the next page: that page maps to its tail too */
    op_mem(&c, 8, 0x83, 7, RDX, -1, offsetof(X86JumpCacheEntry, ppage2));
    e8(&c, 0xff);                               /* cmp qword, X86_NO_PAGE */
    skip = jcc32(&c, CC_E_);
    op_mem(&c, 8, 0x8d, RCX, RAX, -1, 4096);    /* lea rcx, [rax + 4096] */
    op_rr(&c, 8, 0x81, 4, RCX); e32(&c, (uint32_t)-4096);
    emit_jc_page_check(&c, offsetof(X86JumpCacheEntry, ppage2), x, &n);
    patch_here(&c, skip);
    op_mem(&c, 8, 0x8b, RCX, RDX, -1, offsetof(X86JumpCacheEntry, jit_body));
    op_mem(&c, 8, 0x8b, RDX, RDX, -1, offsetof(X86JumpCacheEntry, tb));
    op_rr(&c, 8, 0x85, RCX, RCX);
    x[n++] = jcc32(&c, CC_E_);
    /* as x86_jit_run: this block names the page chains may stay on */
    op_mem(&c, 8, 0x89, RDX, S_REG, -1, S_OFF(chain_src));
    op_mem(&c, 8, 0x89, RAX, S_REG, -1, S_OFF(chain_lin));
    e8(&c, 0xc3);                                       /* ret: rcx */
    for (int i = 0; i < n; i++) {
        patch_here(&c, x[i]);
    }
    mov_imm64(&c, RCX, (uintptr_t)(c.exit_label + exec_delta));
    e8(&c, 0xc3);
    emit_cc_stub(&c);
    cache_ptr = cache_start = c.p;
}

/*
 * The shared stub behind emit_flags_from_lazy(): host flags = guest
 * arithmetic flags.  The common producers with any operand size redo
 * their host operation on the stored operands; the others go through
 * x86_compute_eflags() and POPF (arithmetic bits only: DF, TF, AC stay
 * clear, IF is not ours to change).  Clobbers rax, rcx.
 */
static void emit_cc_stub(Emit *c)
{
    static const int order[][2] = {
        { CC_OP_SUB, 3 }, { CC_OP_LOGIC, 3 }, { CC_OP_SUB, 2 },
        { CC_OP_LOGIC, 2 }, { CC_OP_SUB, 0 }, { CC_OP_LOGIC, 0 },
        { CC_OP_ADD, 3 }, { CC_OP_ADD, 2 }, { CC_OP_SUB, 1 },
        { CC_OP_LOGIC, 1 }, { CC_OP_ADD, 0 }, { CC_OP_ADD, 1 },
    };
    static const int saved[] = { RDX, RSI, RDI, R8, R9, R10, R11 };

    cc_stub = c->p;
    /* eax = cc_op | cc_ot << 4 */
    op_mem(c, 4, 0x8b, RAX, S_REG, -1, S_OFF(cc_op));
    op0f_mem(c, false, 0xb6, RCX, S_REG, S_OFF(cc_ot));
    op_rr(c, 4, 0xc1, 4, RCX); e8(c, 4);                /* shl ecx, 4 */
    op_rr(c, 4, 0x09, RCX, RAX);                        /* or eax, ecx */
    for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
        int op = order[i][0], sz = 1 << order[i][1];
        uint8_t *next;

        op_rr(c, 4, 0x81, 7, RAX); e32(c, op | order[i][1] << 4);
        next = jcc32(c, CC_NE_);
        if (op == CC_OP_LOGIC) {
            op_mem(c, 8, 0x8b, RAX, S_REG, -1, S_OFF(cc_res));
            op_rr(c, sz, sz == 1 ? 0x84 : 0x85, RAX, RAX);      /* test */
        } else {
            op_mem(c, 8, 0x8b, RAX, S_REG, -1, S_OFF(cc_src1));
            op_mem(c, sz, op == CC_OP_ADD ? (sz == 1 ? 0x02 : 0x03)
                                          : (sz == 1 ? 0x3a : 0x3b),
                   RAX, S_REG, -1, S_OFF(cc_src2));             /* add/cmp */
        }
        e8(c, 0xc3);
        patch_here(c, next);
    }
    for (size_t i = 0; i < ARRAY_SIZE(saved); i++) {
        rex(c, false, 0, 0, saved[i], false);
        e8(c, 0x50 + (saved[i] & 7));                   /* push */
    }
    op_rr(c, 8, 0x89, S_REG, RDI);      /* (7 pushes: aligned for the call) */
    mov_imm64(c, R11, (uintptr_t)x86_compute_eflags);
    e8(c, 0x41); e8(c, 0xff); e8(c, 0xd3);              /* call r11 */
    for (int i = ARRAY_SIZE(saved) - 1; i >= 0; i--) {
        rex(c, false, 0, 0, saved[i], false);
        e8(c, 0x58 + (saved[i] & 7));                   /* pop */
    }
    op_rr(c, 4, 0x81, 4, RAX); e32(c, CC_ARITH);
    e8(c, 0x50);                                        /* push rax */
    e8(c, 0x9d);                                        /* popfq */
    e8(c, 0xc3);
}

/* ---- blocks ---- */

static void emit_prologue(Emit *c)
{
    e8(c, 0x53);                        /* push rbx */
    e8(c, 0x55);                        /* push rbp */
    e8(c, 0x41); e8(c, 0x54);           /* push r12 */
    e8(c, 0x41); e8(c, 0x55);           /* push r13 */
    e8(c, 0x41); e8(c, 0x56);           /* push r14 */
    e8(c, 0x41); e8(c, 0x57);           /* push r15 */
    e8(c, 0x48); e8(c, 0x83); e8(c, 0xec); e8(c, 8);   /* sub rsp, 8 */
    /* 16-byte aligned now; [rsp] is a scratch slot */
    op_rr(c, 8, 0x89, RDI, S_REG);      /* mov rbx, rdi */
    op_mem(c, 8, 0x8b, ENV_REG, S_REG, -1, S_OFF(env));
    emit_tlb_base(c);
    c->flags_live = 0;
}

static void emit_epilogue(Emit *c)
{
    e8(c, 0x48); e8(c, 0x83); e8(c, 0xc4); e8(c, 8);   /* add rsp, 8 */
    e8(c, 0x41); e8(c, 0x5f);
    e8(c, 0x41); e8(c, 0x5e);
    e8(c, 0x41); e8(c, 0x5d);
    e8(c, 0x41); e8(c, 0x5c);
    e8(c, 0x5d);
    e8(c, 0x5b);
    e8(c, 0xc3);
}

/* Guest registers used by @d (a superset is harmless). */
static uint32_t insn_regs(const TCGInsn *d)
{
    uint32_t m = 1u << d->rm | 1u << d->reg;

    if (d->base >= 0 && d->base < 16) {
        m |= 1u << d->base;
    }
    if (d->index >= 0) {
        m |= 1u << d->index;
    }
    if (d->map == 0 && ((d->b >= 0x50 && d->b <= 0x5f) || d->b == 0xe8 ||
                        d->b == 0xc3)) {
        m |= 1u << R_ESP;
    }
    if (d->map == 0 && (d->b == 0xf7 || d->b == 0xd3)) {
        m |= 1u << R_EAX | 1u << R_ECX | 1u << R_EDX;
    }
    return m;
}

/*
 * Host registers for the guest registers used most in @tb (by at least
 * two instructions: each costs a load at every entry of the block).
 * R12 and R15 are callee-saved; the others are reloaded after calls.
 */
static void alloc_regs(Emit *c, const TCGBlock *tb)
{
    static const int hosts[] = { R12, R15, R10, R9, RSI, RDI, R8 };
    int uses[16] = { 0 };

    memset(c->hreg1, 0, sizeof(c->hreg1));
    for (uint32_t i = 0; i < tb->ninsns; i++) {
        uint32_t m = insn_regs(&tb->insns[i]);
        for (int r = 0; r < 16; r++) {
            uses[r] += (m >> r) & 1;
        }
    }
    for (size_t k = 0; k < ARRAY_SIZE(hosts); k++) {
        int best = -1;
        for (int r = 0; r < 16; r++) {
            if (!c->hreg1[r] && uses[r] >= 2 &&
                (best < 0 || uses[r] > uses[best])) {
                best = r;
            }
        }
        if (best < 0) {
            break;
        }
        c->hreg1[best] = hosts[k] + 1;
    }
}

/*
 * Emit @tb at cache_ptr.  @dead (or NULL) marks the instructions whose
 * lazy-flag stores are skipped; @reads/@kills (or NULL) receive what each
 * instruction does with the lazy flags.  Returns the end of the code, or
 * NULL when it did not fit.
 */
static uint8_t *emit_block(TCGBlock *tb, const bool *dead, bool *reads,
                           bool *kills, bool *co_only, uint64_t *n_inline,
                           uint8_t **cold_end_p)
{
    Emit c = {
        .p = cache_ptr, .end = cache_ptr + JIT_MAX_BLOCK_CODE,
        .q = cold_ptr, .qend = cold_ptr + JIT_MAX_BLOCK_CODE,
        .mode = tb->mode,     /* (entered with inhibit_irq clear) */
        .exit_label = dispatch_epilogue,
    };

    /* (entered through jit_entry: tb->jit only says it is translated) */
    tb->jit_body = c.p + exec_delta;
    tb->jit = (TCGJitFn *)tb->jit_body;
    /* every entry (chained jumps too) loads the cached registers */
    alloc_regs(&c, tb);
    emit_reload(&c, true);
    *n_inline = 0;
    for (uint32_t i = 0; i < tb->ninsns; i++) {
        const TCGInsn *d = &tb->insns[i];
        bool last = i + 1 == tb->ninsns;

        c.cc_reads = c.cc_kills = c.cc_co_only = c.pend_set = false;
        c.cc_dead = dead && dead[i];
        if (last && (gen_branch(&c, d) || gen_callret32(&c, d))) {
            (*n_inline)++;
        } else if (gen_inline(&c, d)) {
            (*n_inline)++;
            inline_done(&c, d);
            if (last) {
                /* block cut at a page end or its size limit: fall through */
                emit_sync(&c);
                c.dirty = 0;
                emit_chain_exit(&c);
            }
        } else {
            emit_call_handler(&c, d, last);
        }
        if (c.cc_kills && !c.pend_set) {
            c.pend_valid = false;       /* another producer */
        }
        if (reads) {
            reads[i] = c.cc_reads;
            kills[i] = c.cc_kills;
            co_only[i] = c.cc_co_only;
        }
    }
    g_assert(!c.in_cold);     /* every cold_begin() was closed */
    *cold_end_p = c.q;
    return c.overflow ? NULL : c.p;
}

/*
 * Two passes: the first records which instructions read and which
 * overwrite the lazy-flag fields (a helper call, slow path or exit counts
 * as a read: it may raise an exception, whose delivery reads EFLAGS); a
 * producer followed by an overwrite before any read stores nothing in the
 * second.  Both passes make the same choices, so the host-flag tracking
 * (flags_live) is the same in both.
 */
enum { CC_LIVE_CO = 1, CC_LIVE_SZAP = 2, CC_LIVE_ALL = 3 };

static bool translate(TCGBlock *tb)
{
    uint8_t *start = cache_ptr, *end, *cold_end;
    unsigned first_site = n_sites;
    bool reads[TCG_BLOCK_MAX_INSNS], kills[TCG_BLOCK_MAX_INSNS];
    bool co_only[TCG_BLOCK_MAX_INSNS], dead[TCG_BLOCK_MAX_INSNS];
    bool any_dead = false;
    unsigned live = CC_LIVE_ALL;    /* after instruction i */
    uint64_t n_inline;

    if (cache_base + JIT_COLD_START - cache_ptr < JIT_MAX_BLOCK_CODE ||
        cache_base + JIT_CACHE_SIZE - cold_ptr < JIT_MAX_BLOCK_CODE) {
        return false;
    }
    end = emit_block(tb, NULL, reads, kills, co_only, &n_inline, &cold_end);
    if (end) {
        /*
         * Backwards: which flags can still be read after instruction i?
         * A rotate by an immediate writes only CF and OF: it is dead when
         * CF/OF are, and then leaves the others to the previous state
         * (SHA-256's ROR chains: ror, ror, xor).
         */
        for (int i = (int)tb->ninsns - 1; i >= 0; i--) {
            dead[i] = co_only[i] ? !(live & CC_LIVE_CO) : !live;
            any_dead |= dead[i];
            if (co_only[i] && dead[i]) {
                live &= ~CC_LIVE_CO;
            } else if (reads[i]) {
                live = CC_LIVE_ALL;
            } else if (kills[i]) {
                live = 0;
            }
        }
        if (any_dead && x86_jit_cc_liveness) {
            /* (the first pass's code never runs: its sites are free) */
            n_sites = first_site;
            end = emit_block(tb, dead, NULL, NULL, NULL, &n_inline,
                             &cold_end);
        }
    }
    if (!end) {
        tb->jit = NULL;
        tb->jit_body = NULL;
        return false;
    }
    if (perf_map) {
        /* perf report names translated code by guest physical address */
        fprintf(perf_map, "%" PRIxPTR " %tx guest_%" PRIx64 "\n",
                (uintptr_t)(start + exec_delta), end - start, tb->phys);
        if (cold_end > cold_ptr) {
            fprintf(perf_map, "%" PRIxPTR " %tx guest_%" PRIx64 "\n",
                    (uintptr_t)(cold_ptr + exec_delta), cold_end - cold_ptr,
                    tb->phys);
        }
        fflush(perf_map);
    }
    cache_ptr = end;
    cold_ptr = cold_end;
    x86_jit_stats.code_bytes = cache_ptr - cache_base;
    x86_jit_stats.cold_bytes = cold_ptr - (cache_base + JIT_COLD_START);
    tb->jit_all_inline = n_inline == tb->ninsns;
    x86_jit_stats.inline_insns += n_inline;
    x86_jit_stats.call_insns += tb->ninsns - n_inline;
    return true;
}

void x86_jit_translate(TCGBlock *tb)
{
    if (x86_jit_threshold < 0 || !cache_init()) {
        return;
    }
    if (cache_reset_pending) {
        cache_reset_pending = false;
        cache_ptr = cache_start;
        cold_ptr = cache_base + JIT_COLD_START;
        n_sites = 0;
        rsb_gen++;
    }
    if (!translate(tb)) {
        /* full: drop every block (and so every translation) and restart */
        x86_block_cache_flush();
        x86_jit_stats.flushes++;
        return;
    }
    x86_jit_stats.blocks++;
}

/*
 * Run a translated block; first patch the jump the previous block left
 * by, when this block is its target: same mode (CS did not change), same
 * virtual and physical page as the previous block's entry (so the chain
 * stays right under any mapping of that page, and dies with it), nothing
 * invalidated or delivered in between.
 */
void x86_jit_run(X86TCG *s, TCGBlock *tb, uint64_t lin)
{
    if (!s->code64) {
        lin = (uint32_t)lin;
    }
    if (unlikely(s->jit_rsb_gen != rsb_gen)) {
        /* its sites belong to code that is gone */
        memset(s->jit_rsb, 0, sizeof(s->jit_rsb));
        s->jit_rsb_gen = rsb_gen;
    }
    if (s->chain_slot) {
        TCGBlock *src = s->chain_src;

        if (s->chain_gen == x86_block_gen && s->env->rip == s->chain_rip &&
            src->mode == tb->mode) {
            int32_t rel;

            /*
             * (a block ending on the next page depends on that page's
             * mapping too: entered through the dispatcher, which checks)
             */
            if (!((src->phys ^ tb->phys) >> 12) &&
                !((s->chain_lin ^ lin) >> 12) && tb->phys2 == X86_NO_PAGE) {
                rel = (tb->jit_body - exec_delta) - (s->chain_slot + 4);
                x86_jit_stats.chains++;
            } else {
                /* another page: the dispatcher looks the target up */
                rel = 0;
                x86_jit_stats.chains_dispatch++;
            }
            memcpy(s->chain_slot, &rel, 4);
        }
        s->chain_slot = NULL;
    }
    s->chain_src = tb;
    s->chain_lin = lin;
    x86_jit_stats.loop_jit_runs++;
    {
        /* translated after its jump-cache entry was made: tell the entry */
        X86JumpCacheEntry *e = &s->jc[(lin ^ (lin >> X86_JC_BITS)) &
                                      (X86_JC_SIZE - 1)];
        if (e->tb == tb) {
            e->jit_body = tb->jit_body;
        }
    }
    ((JitEntryFn *)(jit_entry + exec_delta))(s, tb->jit_body);
    x86_jit_stats.exits_stub += s->chain_slot != NULL;
    if (s->chain_slot) {
        s->chain_rip = s->env->rip;
        s->chain_gen = x86_block_gen;
    }
}

/* KEMU_JIT_PERFMAP=1: the code cache to /tmp/kemu-jit-PID.bin at exit */
static void jit_dump_cache(void)
{
    char name[64];
    FILE *f;

    snprintf(name, sizeof(name), "/tmp/kemu-jit-%d.bin", (int)getpid());
    f = fopen(name, "w");
    if (f && cache_base) {
        fwrite(cache_base, 1, cold_ptr - cache_base, f);
    }
    if (f) {
        fclose(f);
    }
}

static void jit_print_stats(void)
{
    fprintf(stderr, "jit: %" PRIu64 " blocks, %" PRIu64 " inline + %" PRIu64
            " called insns, %" PRIu64 " KiB code + %" PRIu64 " KiB cold, %"
            PRIu64 " flushes, %" PRIu64 " chains (+ %" PRIu64
            " via the dispatcher)\n",
            x86_jit_stats.blocks, x86_jit_stats.inline_insns,
            x86_jit_stats.call_insns, x86_jit_stats.code_bytes >> 10,
            x86_jit_stats.cold_bytes >> 10,
            x86_jit_stats.flushes, x86_jit_stats.chains,
            x86_jit_stats.chains_dispatch);
    fprintf(stderr, "jit: %" PRIu64 " jump-cache misses, %" PRIu64
            " TLB fills, %" PRIu64 " TLB flushes, %" PRIu64 " INVLPG\n",
            x86_jit_stats.jc_misses, x86_jit_stats.tlb_fills,
            x86_jit_stats.tlb_flushes, x86_jit_stats.tlb_flush_pages);
    fprintf(stderr, "jit: %" PRIu64 " blocks started by the loop, %" PRIu64
            " of them interpreted; translated code left by an unpatched "
            "jump %" PRIu64 " times\n", x86_jit_stats.loop_blocks,
            x86_jit_stats.interp_blocks, x86_jit_stats.exits_stub);
    fprintf(stderr, "jit: %" PRIu64 " code pages written (their blocks "
            "dropped)\n", x86_jit_stats.code_page_drops);
    fprintf(stderr, "jit: return stack %" PRIu64 " matched, %" PRIu64
            " not; exit sites missed %" PRIu64 " times\n",
            x86_jit_stats.rsb_match, x86_jit_stats.rsb_nomatch,
            x86_jit_stats.site_miss);
    fprintf(stderr, "jit: %" PRIu64 " blocks decoded, %" PRIu64
            " page-crossing instructions run\n", x86_jit_stats.blocks_decoded,
            x86_jit_stats.uncached_runs);
    {
        static const char *const why[] = {
            "unpatched jump", "handler ended the block", "interrupt shadow",
            "budget", "exit/interrupt request", "halted",
            "successor not in the jump cache", "successor not translated",
        };
        for (size_t i = 0; i < ARRAY_SIZE(why); i++) {
            fprintf(stderr, "jit: back to the loop: %s %" PRIu64 "\n",
                    why[i], x86_jit_stats.loop_why[i]);
        }
    }
    /* the ten opcodes whose handlers translated code called most */
    for (int k = 0; k < 10 && handler_calls; k++) {
        int best = -1;
        for (int i = 0; i < 3 * 256; i++) {
            if (handler_calls[i / 256][i % 256] &&
                (best < 0 || handler_calls[i / 256][i % 256] >
                             handler_calls[best / 256][best % 256])) {
                best = i;
            }
        }
        if (best < 0) {
            break;
        }
        fprintf(stderr, "jit: handler calls, map %d opcode %02x: %" PRIu64
                "\n", best / 256, best % 256,
                handler_calls[best / 256][best % 256]);
        handler_calls[best / 256][best % 256] = 0;
    }
}

/*
 * KEMU_JIT=off, KEMU_JIT_THRESHOLD=N (tests, benchmarks; the command line
 * has -accel tcg,jit=off), KEMU_JIT_STATS=1 prints the counters at exit.
 */
static void __attribute__((constructor)) jit_env_init(void)
{
    const char *e = getenv("KEMU_JIT");
    const char *t = getenv("KEMU_JIT_THRESHOLD");
    const char *st = getenv("KEMU_JIT_STATS");
    const char *pm = getenv("KEMU_JIT_PERFMAP");

    if (st && *st && strcmp(st, "0")) {
        x86_jit_stats_on = true;
        atexit(jit_print_stats);
        handler_calls = calloc(3, sizeof(*handler_calls));
    }

    if ((t = getenv("KEMU_JIT_CC_LIVENESS")) && !strcmp(t, "0")) {
        x86_jit_cc_liveness = false;
    }
    t = getenv("KEMU_JIT_THRESHOLD");
    if (pm && *pm && strcmp(pm, "0")) {
        char name[64];
        snprintf(name, sizeof(name), "/tmp/perf-%d.map", (int)getpid());
        perf_map = fopen(name, "w");
        atexit(jit_dump_cache);
    }
    if (t && *t) {
        x86_jit_threshold = atoi(t);
    }
    if (e && !strcmp(e, "off")) {
        x86_jit_threshold = -1;
    }
}
