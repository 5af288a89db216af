/*
 * Software x86-64 CPU ("tcg"), shared between the interpreter files in
 * target/x86/tcg/ and the vCPU loop in accel/tcg/.  Stage A of
 * /work/shared/notes/software-cpu.md: decoded blocks cached by physical
 * address, lazy flags, a per-privilege soft TLB with host addends.
 */
#ifndef TARGET_X86_TCG_CPU_H
#define TARGET_X86_TCG_CPU_H

#include "qemu/osdep.h"
#include <setjmp.h>
#include "target/x86/cpu.h"

typedef struct X86TCG X86TCG;
typedef struct TCGInsn TCGInsn;
typedef struct TCGBlock TCGBlock;
typedef struct X86Lockstep X86Lockstep;

typedef void TCGInsnFn(X86TCG *s, const TCGInsn *d);
/* Translated block (jit.c): runs the whole block like the loop in exec.c. */
typedef void TCGJitFn(X86TCG *s);

/* One decoded instruction; everything the handler needs, nothing else. */
struct TCGInsn {
    TCGInsnFn *fn;
    uint8_t len;
    uint8_t b;              /* opcode byte (second byte for 0F map) */
    uint8_t map;            /* 0: one-byte, 1: 0F, 2: 0F38, 3: 0F3A */
    uint8_t ot;             /* operand size: 0=8, 1=16, 2=32, 3=64 bits */
    uint8_t aflag;          /* address size: 1=16, 2=32, 3=64 */
    uint8_t mod, reg, rm;   /* rm/reg already extended by REX */
    uint8_t rex;            /* REX byte (0x40..0x4f) or 0 */
    uint8_t prefix;         /* PREFIX_* */
    int8_t seg;             /* effective segment of the memory operand */
    int8_t base, index;     /* -1 none, 16 = RIP-relative */
    uint8_t scale;
    uint8_t end;            /* ends the block */
    int64_t disp;
    uint64_t imm;
    uint64_t imm2;
};

#define PREFIX_REPZ  0x01
#define PREFIX_REPNZ 0x02
#define PREFIX_LOCK  0x04
#define PREFIX_DATA  0x08
#define PREFIX_ADR   0x10
#define PREFIX_SEG   0x20

#define TCG_BLOCK_MAX_INSNS 64
#define X86_NO_PAGE (~0ULL)

struct TCGBlock {
    uint64_t phys;          /* physical address of the first byte */
    uint32_t mode;          /* decode mode: 0=16, 1=32, 2=64-bit */
    uint32_t ninsns;
    uint64_t exec_count;    /* runs in the interpreter, for the tier-up */
    TCGJitFn *jit;          /* host code, or NULL (jit.c) */
    uint8_t *jit_body;      /* its code after the prologue: chained entry */
    /*
     * Physical page holding the end of the last instruction when that one
     * crosses into the next linear page, else X86_NO_PAGE.  Such a block
     * is valid while that page maps there too; a write to it drops the
     * blocks of the first page (translate.c, tail_pages).
     */
    uint64_t phys2;
    bool uncached;          /* page-crossing scratch block: not translated */
    bool jit_all_inline;    /* no handler calls: lockstep compares it */
    TCGBlock *hash_next;
    TCGBlock *page_next;    /* blocks that start on the same page */
    TCGInsn insns[];
};

/* Lazy condition codes: the last flag-setting operation. */
enum {
    CC_OP_EFLAGS,   /* env->eflags holds the arithmetic flags */
    CC_OP_ADD,
    CC_OP_ADC,      /* aux = carry in */
    CC_OP_SUB,
    CC_OP_SBB,      /* aux = carry in */
    CC_OP_LOGIC,
    CC_OP_INC,      /* aux = CF before */
    CC_OP_DEC,      /* aux = CF before */
    CC_OP_SZP,      /* SF/ZF/PF from result, CF/OF/AF in aux */
};

#define CC_ARITH (CC_C | CC_P | CC_A | CC_Z | CC_S | CC_O)

/*
 * 8,192 entries per privilege (QEMU's grows to millions): a guest working
 * on more pages than the TLB holds walks the page tables on nearly every
 * access.  Flushes visit only the slots filled since the last one
 * (tlb_used), so the size does not make CR3 loads dearer.
 */
#define TLB_BITS 13
#define TLB_SIZE (1 << TLB_BITS)
#define TLB_USED_MAX 4096

/*
 * One cache line each (X86TCG is allocated line-aligned): a probe of
 * translated code touches one line, and its index is a shift, no multiply.
 */
typedef struct TLBEntry {
    uint64_t tag_r, tag_w, tag_x;   /* linear page address, or -1 */
    uintptr_t addend;               /* host = linear + addend */
    uint64_t paddr;                 /* physical page */
    uint64_t global;                /* PTE.G with CR4.PGE: kept on CR3 loads */
    uint64_t pad[2];
} __attribute__((aligned(64))) TLBEntry;
#define TLB_ENTRY_BITS 6            /* log2(sizeof(TLBEntry)) */

#define X86_JC_BITS 14
#define X86_JIT_RSB_SIZE 64     /* jit_rsb entries, a power of two */
#define X86_JC_SIZE (1 << X86_JC_BITS)

typedef struct X86JumpCacheEntry {
    uint64_t lin;           /* CS.base + RIP of the block */
    uint64_t ppage;         /* physical page of tb when filled */
    uint64_t ppage2;        /* tb->phys2: the next page must map there */
    uint32_t gen;           /* x86_block_gen when filled */
    uint32_t key;           /* decode mode | mmu_idx << 2 */
    TCGBlock *tb;
    uint8_t *jit_body;      /* tb->jit_body (or NULL), for the dispatcher */
} X86JumpCacheEntry;

/* Bumped whenever a decoded block is dropped (translate.c). */
extern uint32_t x86_block_gen;

/* Exit reasons of x86_tcg_exec(). */
enum {
    TCG_EXIT_BUDGET,    /* used its slice */
    TCG_EXIT_HALTED,    /* HLT or waiting for SIPI */
    TCG_EXIT_REQUEST,   /* exit_request / stop / reset */
};

struct X86TCG {
    CPUX86State *env;
    X86CPU *cpu;
    /* lazy flags */
    uint32_t cc_op;
    uint8_t cc_ot;
    uint64_t cc_res, cc_src1, cc_src2, cc_aux;
    /* cached mode ("hflags") */
    int cpl;
    bool code64, code32, lma, pe, ss32;
    int mmu_idx;            /* 1 when CPL == 3 */
    uint64_t next_rip;
    bool block_end;         /* handler asks to end the block */
    bool pause_yield;       /* PAUSE with several vCPUs: end the slice */
    bool inhibit_irq;       /* STI / MOV SS shadow for one instruction */
    bool inhibit_next;
    /* exceptions */
    jmp_buf jb;
    int exc_vec;
    uint32_t exc_err;
    bool exc_has_err;
    int exc_depth;          /* 0 normal, 1 delivering, 2 delivering #DF */
    int exc_class;          /* class of the event being delivered (exec.c) */
    bool push_rf;           /* delivering a fault: push EFLAGS.RF = 1 */
    bool nmi_blocked;       /* NMI handler running, until IRET */
    /* TLB */
    TLBEntry tlb[2][TLB_SIZE];
    /*
     * Slots of tlb[m] that may hold a valid entry, [g]: global entries
     * (PTE.G, kept on CR3 loads) or not, so flushes visit only those;
     * tlb_used_ok[m][g] false (too many, or not tracked yet): any slot may.
     */
    uint16_t tlb_used[2][2][TLB_USED_MAX];
    unsigned tlb_nused[2][2];
    bool tlb_used_ok[2][2];
    /* linear range holding every entry that comes from a 2/4 MiB page */
    uint64_t tlb_large_lo, tlb_large_hi;
    /*
     * Jump cache: linear PC -> decoded block, skipping the fetch
     * translation and the physical hash.  An entry is valid while no
     * block was dropped (x86_block_gen) and the TLB still maps its page,
     * for execution, to the same physical page: TLB flushes (CR3 loads,
     * INVLPG) retire exactly the entries whose mapping they drop.
     */
    X86JumpCacheEntry jc[X86_JC_SIZE];
    /*
     * Translator: chained jumps run while insn_count < jit_insn_end (0
     * disables chaining: debug stepping, lockstep, x86_jit_kick() from
     * any thread); an unpatched exit leaves its jump in chain_slot
     * for the loop to patch once it knows the next block (jit.c).
     */
    uint64_t jit_insn_end;
    uint8_t *chain_slot;
    TCGBlock *chain_src;
    uint64_t chain_lin;     /* linear address where chain_src was entered */
    uint64_t chain_rip;     /* env->rip when it left */
    uint32_t chain_gen;     /* x86_block_gen when it left */
    /*
     * Changes whenever a jump-cache entry of this vCPU may have become
     * stale (TLB fill or flush, a block dropped); values are unique across
     * vCPUs.  Exit sites of translated code cache their last target
     * under it (jit.c).
     */
    uint64_t jit_epoch;
    /*
     * Return stack of translated code (64-bit mode): a CALL pushes the
     * return address (bit 63 flipped when mmu_idx is 1) and its exit-site
     * cache; a RET pops the top and, when the address it really returns
     * to matches, jumps through that cache (validated as any site) instead
     * of the dispatcher.  A ring: overflow and unpaired CALL/RET only cost
     * misses.  Dropped when the code cache restarts (jit_rsb_gen).
     */
    struct {
        uint64_t key;
        void *site;
    } jit_rsb[X86_JIT_RSB_SIZE];
    uint32_t jit_rsb_top;
    uint32_t jit_rsb_gen;
    X86Lockstep *ls;        /* lockstep run in progress (jit-lockstep.c) */
    /* debug registers and single-step (debug.c) */
    uint8_t dbg_watch;      /* enabled data breakpoints (bit i: DRi) */
    uint8_t dbg_io;         /* enabled I/O breakpoints (CR4.DE) */
    uint8_t dbg_hits;       /* ... hit by the current instruction */
    bool dbg_no_step;       /* INT n / INT1 ran: no single-step trap */
    bool dbg_movss;         /* the instruction loaded SS (MOV/POP SS) */
    bool dbg_shadow;        /* ... so the next one reports its traps */
    uint32_t dbg_deferred;  /* DR6 bits held over the MOV SS shadow */
    /* gdb stub (gdb-debug.c) */
    bool gdb_step;          /* stop after one instruction */
    bool gdb_stepped;       /* ... which has run */
    bool gdb_resume_valid;  /* resuming at gdb_resume_lin: skip its breakpoint */
    uint64_t gdb_resume_lin;
    bool gdb_watch_hit;     /* the instruction touched a gdb watchpoint */
    int gdb_watch_type;     /* ... of this Z type */
    uint64_t gdb_watch_addr;
    /* statistics */
    uint64_t insn_count;
    uint32_t last_tpr;
};

/* ---- accel interface ---- */
X86TCG *x86_tcg_new(X86CPU *cpu);
void x86_tcg_free(X86TCG *s);
/* Run up to @budget instructions; returns TCG_EXIT_*. */
int x86_tcg_exec(X86TCG *s, int64_t budget);
/* Deliverable interrupt pending (wakes a halted vCPU)? */
bool x86_tcg_has_work(X86TCG *s);
/* Write the lazy flags into env->eflags and re-read the mode from env. */
void x86_tcg_sync_to_env(X86TCG *s);
void x86_tcg_sync_from_env(X86TCG *s);
/* Memory map changed: drop TLBs and the block cache (any thread, BQL held). */
void x86_tcg_memory_changed(void);
/*
 * For tests reusing one state for thousands of cases: zero it as a new
 * one, except that the TLB (about 1 MiB with the jump cache) is dropped
 * through its used-slot lists and the jump cache through the block
 * generation.  TLB entries written by hand are not listed: clear
 * tlb_used_ok[m][0] after writing them.
 */
void x86_tcg_reset_for_test(X86TCG *s);
/* For tests: run at most @max_insns instructions, no device/interrupt polling. */
int tcg_x86_exec_for_test(X86CPU *cpu, uint64_t max_insns);

/* ---- inside target/x86/tcg ---- */
QEMU_NORETURN void x86_raise(X86TCG *s, int vec, uint32_t err, bool has_err);
QEMU_NORETURN void x86_raise_gp(X86TCG *s, uint32_t err);
QEMU_NORETURN void x86_raise_ud(X86TCG *s);
void x86_do_interrupt(X86TCG *s, int vec, bool is_sw, uint32_t err,
                      bool has_err, uint64_t next_rip);
void x86_update_mode(X86TCG *s);
void x86_tlb_flush(X86TCG *s);
void x86_tlb_flush_nonglobal(X86TCG *s);   /* CR3 load */
void x86_tlb_flush_page(X86TCG *s, uint64_t lin);
/* New code page @ppage: its writes must take the checked slow path. */
void x86_tlb_drop_writes(X86TCG *s, uint64_t ppage);

/* memory: linear addresses */
uint64_t x86_ld_slow(X86TCG *s, uint64_t lin, int size, int acc);
void x86_st_slow(X86TCG *s, uint64_t lin, int size, uint64_t val);
/* Host pointer for a whole in-page range, or NULL (MMIO/code page/fault). */
void *x86_host_ptr(X86TCG *s, uint64_t lin, int size, bool write);
uint64_t x86_phys_ld(X86TCG *s, uint64_t pa, int size);
void x86_phys_st(X86TCG *s, uint64_t pa, int size, uint64_t val);
/* Translate a linear address; raises #PF. acc: 0 read, 1 write, 2 fetch. */
uint64_t x86_translate(X86TCG *s, uint64_t lin, int acc, bool user);

enum { ACC_R = 0, ACC_W = 1, ACC_X = 2 };

/*
 * Little-endian load/store of 1, 2, 4 or 8 bytes at a host address.  Guest
 * accesses may be unaligned, hence memcpy; each case compiles to one mov.
 */
static inline uint64_t x86_host_ld(const void *p, int size)
{
    switch (size) {
    case 1: return *(const uint8_t *)p;
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    default: { uint64_t v; memcpy(&v, p, 8); return v; }
    }
}

static inline void x86_host_st(void *p, int size, uint64_t v)
{
    switch (size) {
    case 1: *(uint8_t *)p = v; return;
    case 2: { uint16_t x = v; memcpy(p, &x, 2); return; }
    case 4: { uint32_t x = v; memcpy(p, &x, 4); return; }
    default: memcpy(p, &v, 8); return;
    }
}

static inline uint64_t x86_ld_lin(X86TCG *s, uint64_t lin, int size)
{
    TLBEntry *e = &s->tlb[s->mmu_idx][(lin >> 12) & (TLB_SIZE - 1)];
    if (likely(e->tag_r == (lin & ~0xfffULL) &&
               (lin & 0xfff) + size <= 4096)) {
        return x86_host_ld((const void *)(uintptr_t)(lin + e->addend), size);
    }
    return x86_ld_slow(s, lin, size, ACC_R);
}

static inline void x86_st_lin(X86TCG *s, uint64_t lin, int size, uint64_t v)
{
    TLBEntry *e = &s->tlb[s->mmu_idx][(lin >> 12) & (TLB_SIZE - 1)];
    if (likely(e->tag_w == (lin & ~0xfffULL) &&
               (lin & 0xfff) + size <= 4096)) {
        x86_host_st((void *)(uintptr_t)(lin + e->addend), size, v);
        return;
    }
    x86_st_slow(s, lin, size, v);
}

/* Linear address of seg:off (segment base + limit check outside 64-bit). */
static inline uint64_t x86_lin(X86TCG *s, int seg, uint64_t off, int size,
                               bool write)
{
    SegmentCache *sc = &s->env->segs[seg];
    if (s->code64) {
        return seg >= R_FS ? sc->base + off : off;
    }
    if (unlikely(off + size - 1 > sc->limit) && !(sc->flags & DESC_E_MASK &&
                                                  !(sc->flags & DESC_CS_MASK))) {
        x86_raise(s, seg == R_SS ? EXCP0C_STACK : EXCP0D_GPF, 0, true);
    }
    return (uint32_t)(sc->base + off);
}

/* Segment-relative loads/stores (size in bytes). */
static inline uint64_t x86_ld(X86TCG *s, int seg, uint64_t off, int size)
{
    return x86_ld_lin(s, x86_lin(s, seg, off, size, false), size);
}

static inline void x86_st(X86TCG *s, int seg, uint64_t off, int size,
                          uint64_t v)
{
    x86_st_lin(s, x86_lin(s, seg, off, size, true), size, v);
}


/* Stack: width from the mode (64) or SS.B (32/16); only SP's bits change. */
static inline uint64_t x86_sp_mask(X86TCG *s)
{
    return s->code64 ? ~0ULL : s->ss32 ? 0xffffffffULL : 0xffffULL;
}

static inline void x86_set_sp(X86TCG *s, uint64_t v)
{
    uint64_t m = x86_sp_mask(s);
    uint64_t *sp = &s->env->regs[R_ESP];
    if (m == 0xffffffffULL) {
        *sp = (uint32_t)v;
    } else {
        *sp = (*sp & ~m) | (v & m);
    }
}

static inline void x86_push(X86TCG *s, int size, uint64_t v)
{
    uint64_t m = x86_sp_mask(s);
    uint64_t nsp = (s->env->regs[R_ESP] - size) & m;
    x86_st(s, R_SS, nsp, size, v);
    x86_set_sp(s, nsp);
}

static inline uint64_t x86_pop(X86TCG *s, int size)
{
    uint64_t m = x86_sp_mask(s);
    uint64_t sp = s->env->regs[R_ESP] & m;
    uint64_t v = x86_ld(s, R_SS, sp, size);
    x86_set_sp(s, sp + size);
    return v;
}

/* ---- segments / system (helper.c) ---- */
void x86_load_seg(X86TCG *s, int seg, uint16_t sel);
void x86_far_jump(X86TCG *s, uint16_t sel, uint64_t off, int ot);
void x86_far_call(X86TCG *s, uint16_t sel, uint64_t off, int ot,
                  uint64_t next_rip);
void x86_far_ret(X86TCG *s, int ot, uint16_t pop_extra);
void x86_iret(X86TCG *s, int ot);
void x86_write_cr(X86TCG *s, int cr, uint64_t val);
uint64_t x86_read_cr(X86TCG *s, int cr);
void x86_rdmsr(X86TCG *s);
void x86_wrmsr(X86TCG *s);
void x86_cpuid(X86TCG *s);
uint64_t x86_rdtsc(X86TCG *s);
void x86_lldt(X86TCG *s, uint16_t sel);
void x86_ltr(X86TCG *s, uint16_t sel);
void x86_syscall(X86TCG *s);
void x86_sysret(X86TCG *s, int ot);
void x86_sysenter(X86TCG *s);
void x86_sysexit(X86TCG *s, int ot);
uint64_t x86_port_in(X86TCG *s, uint16_t port, int size);
void x86_port_out(X86TCG *s, uint16_t port, int size, uint64_t val);
void x86_check_io(X86TCG *s, uint16_t port, int size);
void x86_hlt(X86TCG *s);
/* LAR/LSL/VERR/VERW: false when the selector fails the checks (ZF = 0). */
bool x86_lar(X86TCG *s, uint16_t sel, uint32_t *access);
bool x86_lsl(X86TCG *s, uint16_t sel, uint32_t *limit);
bool x86_verr(X86TCG *s, uint16_t sel);
bool x86_verw(X86TCG *s, uint16_t sel);
void x86_swapgs(X86TCG *s);     /* #UD outside 64-bit mode, #GP at CPL > 0 */
/* Fetch pointer for @lin (raises #PF); *phys = its physical address (mmu.c). */
const uint8_t *x86_fetch_ptr(X86TCG *s, uint64_t lin, uint64_t *phys);
/* Apply a flush requested by x86_tcg_memory_changed() (vCPU thread). */
void x86_tcg_check_memory_changed(void);
/* Register the memory listener (accel init). */
void x86_tcg_mmu_init(void);

/* flags (ops.c) */
uint32_t x86_compute_eflags(X86TCG *s);
void x86_set_eflags(X86TCG *s, uint32_t val, uint32_t mask);
static inline uint32_t x86_get_eflags(X86TCG *s)
{
    return (s->env->eflags & ~CC_ARITH) | x86_compute_eflags(s) | 2;
}

/* decoder (translate.c) */
int x86_decode(X86TCG *s, const uint8_t *code, int avail, int mode,
               TCGInsn *d);
TCGBlock *x86_get_block(X86TCG *s);


/*
 * Does linear page @page2 still map, for execution, to physical page
 * @ppage2 (the tail of a page-crossing block)?  (Outside long mode the
 * page after 0xfffff000 is 2^32, which no TLB tag equals: a miss.)
 */
static inline bool x86_tail_mapped(X86TCG *s, uint64_t page2, uint64_t ppage2)
{
    const TLBEntry *t = &s->tlb[s->mmu_idx][(page2 >> 12) & (TLB_SIZE - 1)];

    return t->tag_x == page2 && t->paddr == ppage2;
}

/* The block at CS:RIP: the jump cache inline, x86_get_block on a miss. */
static inline TCGBlock *x86_next_block(X86TCG *s)
{
    uint64_t lin = s->env->segs[R_CS].base + s->env->rip;
    uint32_t key;
    const X86JumpCacheEntry *e;

    if (!s->code64) {
        lin = (uint32_t)lin;
    }
    key = (s->code64 ? 2 : s->code32 ? 1 : 0) | s->mmu_idx << 2;
    e = &s->jc[(lin ^ (lin >> X86_JC_BITS)) & (X86_JC_SIZE - 1)];
    if (likely(e->lin == lin && e->gen == x86_block_gen && e->key == key)) {
        const TLBEntry *t = &s->tlb[s->mmu_idx][(lin >> 12) & (TLB_SIZE - 1)];
        if (likely(t->tag_x == (lin & ~0xfffULL) && t->paddr == e->ppage) &&
            (likely(e->ppage2 == X86_NO_PAGE) ||
             x86_tail_mapped(s, (lin & ~0xfffULL) + 4096, e->ppage2))) {
            return e->tb;
        }
    }
    return x86_get_block(s);
}
void x86_invalidate_phys_page(uint64_t page);
/* New s->jit_epoch (see X86TCG). */
void x86_jit_epoch_bump(X86TCG *s);
bool x86_page_has_code(uint64_t page);
void x86_block_cache_flush(void);

/* ---- debug registers, single-step (debug.c) ---- */
/*
 * TF, RF or DR7 changed: recompute the data breakpoints and, when a debug
 * feature is on, make translated code return to the loop.
 */
void x86_debug_update(X86TCG *s);
/* Run one instruction with the breakpoint and single-step checks. */
void x86_debug_step(X86TCG *s);
/* A page the TLB must not map for reads/writes (a data breakpoint). */
bool x86_debug_watch_page(X86TCG *s, uint64_t page);
/* A data access through the slow path: records breakpoint hits. */
void x86_debug_access(X86TCG *s, uint64_t lin, int size, bool write);
/* Port I/O while an I/O breakpoint is enabled: records hits. */
void x86_debug_io(X86TCG *s, uint16_t port, int size);
/* MOV from/to DRn (n = 0..7, DR4/DR5 aliases, DR7.GD). */
uint64_t x86_read_dr(X86TCG *s, int n);
void x86_write_dr(X86TCG *s, int n, uint64_t v);
/* One instruction under the handler protocol; true when the block ends. */
bool x86_interp_insn(X86TCG *s, const TCGInsn *d);

/* ---- gdb stub breakpoints and single-step (gdb-debug.c) ---- */
/* Nonzero while gdb has a breakpoint set or a vCPU single-steps. */
extern int x86_gdb_active;
enum { X86_GDB_RUN_BLOCK, X86_GDB_RAN_INSN, X86_GDB_STOP };
/*
 * Before the next block (x86_gdb_active only): X86_GDB_STOP when the vCPU
 * stopped for gdb, X86_GDB_RAN_INSN when it ran one instruction itself,
 * X86_GDB_RUN_BLOCK when the next block holds no breakpoint.
 */
int x86_gdb_before_block(X86TCG *s);
/* AccelOps hooks (see accel/accel.h). */
int x86_gdb_insert_breakpoint(int type, uint64_t addr, uint64_t len);
int x86_gdb_remove_breakpoint(int type, uint64_t addr, uint64_t len);
void x86_gdb_remove_all_breakpoints(void);
void x86_gdb_set_single_step(X86CPU *cpu, bool on);
/* Watchpoints, through debug.c's data-breakpoint path: */
#define X86_GDB_WATCH_BIT 0x10  /* in s->dbg_watch (bits 0-3 are DR0-DR3) */
uint8_t x86_gdb_watch_mask(void);
bool x86_gdb_watch_page(uint64_t page);
void x86_gdb_watch_access(X86TCG *s, uint64_t lin, int size, bool write);

/* ---- translator (jit.c) ---- */
/*
 * Executions in the interpreter before a block is translated; -1 turns
 * the translator off (-accel tcg,jit=off, KEMU_JIT=off), 0 translates
 * every block before its first run (KEMU_JIT_THRESHOLD=0, tests).
 */
extern int x86_jit_threshold;
#define X86_JIT_CACHE_SIZE (64u << 20)      /* host code cache (jit.c) */
typedef struct X86JitStats {
    uint64_t blocks;        /* translations made */
    uint64_t inline_insns;  /* instructions emitted as inline host code */
    uint64_t call_insns;    /* instructions emitted as handler calls */
    uint64_t code_bytes;    /* code cache in use: hot area */
    uint64_t cold_bytes;    /* ... cold area */
    uint64_t flushes;       /* code cache full: everything dropped */
    uint64_t chains;        /* direct jumps patched to their target */
    uint64_t chains_dispatch;   /* ... to the dispatcher (other page) */
    /* where the loop's time goes (KEMU_JIT_STATS=1) */
    uint64_t jc_misses;     /* block lookups past the jump cache */
    uint64_t tlb_fills;     /* page walks */
    uint64_t tlb_flushes;   /* whole-TLB flushes (CR3, CR0, CR4) */
    uint64_t tlb_flush_pages;   /* INVLPG */
    uint64_t loop_blocks;   /* blocks started by the loop in exec.c */
    uint64_t interp_blocks; /* ... of them interpreted */
    uint64_t loop_jit_runs; /* x86_jit_run() calls */
    uint64_t exits_stub;    /* ... that left by an unpatched direct jump */
    uint64_t code_page_drops;   /* code pages written: their blocks dropped */
    uint64_t rsb_match;     /* RETs whose return-stack entry matched */
    uint64_t rsb_nomatch;   /* ... did not (unpaired CALL/RET, overflow) */
    uint64_t site_miss;     /* exit sites that called the dispatcher */
    /* why translated code returned to the loop (exec.c, X86_LOOP_WHY_*) */
    uint64_t loop_why[8];
    uint64_t blocks_decoded;    /* decoded blocks made (translate.c) */
    uint64_t uncached_runs;     /* page-crossing first instructions */
} X86JitStats;
enum {
    X86_LOOP_WHY_STUB,      /* an unpatched direct jump */
    X86_LOOP_WHY_BLOCK_END, /* a handler ended the block (s->block_end) */
    X86_LOOP_WHY_SHADOW,    /* an STI / MOV SS shadow */
    X86_LOOP_WHY_BUDGET,    /* the slice is used */
    X86_LOOP_WHY_REQUEST,   /* exit or interrupt request */
    X86_LOOP_WHY_HALTED,    /* HLT */
    X86_LOOP_WHY_JC_MISS,   /* the successor is not in the jump cache */
    X86_LOOP_WHY_NO_JIT,    /* ... is, but not translated */
};
extern X86JitStats x86_jit_stats;
/* KEMU_JIT_STATS=1: also count what costs more than an increment */
extern bool x86_jit_stats_on;
/* Translate @tb (sets tb->jit) or, when the cache is full, flush it all. */
void x86_jit_translate(TCGBlock *tb);
/* All blocks were dropped: reuse the whole code cache. */
void x86_jit_cache_reset(void);
/* Run translated @tb (entered at linear @lin); chains its exit later. */
void x86_jit_run(X86TCG *s, TCGBlock *tb, uint64_t lin);
/*
 * Any thread, after setting exit_request or another cause the loop acts
 * on: translated code of @s returns to the loop at its next block end.
 */
void x86_jit_kick(X86TCG *s);
/*
 * PAUSE gives up the vCPU's slice when there are several vCPUs (one
 * thread runs them in turn); with one it is a NOP in translated code.
 */
static inline bool x86_tcg_pause_yields(void)
{
    return x86_cpus && x86_cpus->len > 1;
}
/* Run the decoded block in the interpreter (exec.c). */
void x86_interp_block(X86TCG *s, const TCGBlock *tb);
/*
 * Lockstep (jit-lockstep.c): x86_jit_lockstep set, every translated block
 * runs through x86_jit_lockstep_run(), which compares it with the
 * interpreter; the memory code logs stores and refuses MMIO during it.
 */
extern int x86_jit_lockstep;
void x86_jit_lockstep_enable(bool warn_only);
void x86_jit_lockstep_run(X86TCG *s, TCGBlock *tb, uint64_t lin);
void x86_lockstep_log(X86TCG *s, void *host, uint64_t lin, int size,
                      uint64_t val);
QEMU_NORETURN void x86_lockstep_abort(X86TCG *s);
/* A deferred flush is pending (set by other threads, mmu.c). */
extern int x86_tcg_mem_changed;

/* Opcode table entry (ops.c owns the tables, translate.c reads them). */
typedef struct X86OpDesc {
    TCGInsnFn *fn;
    uint16_t flags;
} X86OpDesc;

#define OPF_MODRM   0x0001
#define OPF_BYTE    0x0002  /* 8-bit operand size */
#define OPF_D64     0x0004  /* 64-bit default operand size in long mode */
#define OPF_F64     0x0008  /* always 64-bit in long mode */
#define OPF_END     0x0010  /* ends a block */
#define OPF_NO64    0x0020  /* #UD in 64-bit mode */
#define OPF_IMM_SHIFT 8
#define OPF_IMM_MASK (0xf << OPF_IMM_SHIFT)
enum {
    IMM_NONE, IMM_B, IMM_W, IMM_Z, IMM_V, IMM_MOFFS, IMM_FAR, IMM_ENTER,
    IMM_GRP3,   /* F6/F7: imm only for /0 /1 */
};
#define OPF_IMM(x) ((x) << OPF_IMM_SHIFT)

extern const X86OpDesc x86_op1[256];
extern const X86OpDesc x86_op2[256];
void x86_op_invalid(X86TCG *s, const TCGInsn *d);

/* all vCPU states (for flushing TLB write entries of new code pages) */
extern GPtrArray *x86_tcg_states;

#endif
