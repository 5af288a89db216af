/*
 * Debug features of the software CPU (SDM vol. 3B ch. 17): single-step
 * (EFLAGS.TF), the debug registers DR0-DR7, instruction breakpoints
 * (faults, suppressed by EFLAGS.RF) and data breakpoints (traps after the
 * access, or after the IN/OUT for I/O breakpoints with CR4.DE).
 *
 * While TF is set or DR7 enables a breakpoint, the loop in exec.c runs
 * one instruction at a time through x86_debug_step(), and translated code
 * returns to the loop at its next chained jump (jit_insn_end = 0).  Pages
 * holding a data breakpoint get no read/write TLB tags, so their accesses
 * take the slow path, which calls x86_debug_access().
 */
#include "qemu/osdep.h"
#include "target/x86/tcg/tcg-cpu.h"
#include "target/x86/tcg/excp.h"

#define DR6_BD (1u << 13)
#define DR6_BS (1u << 14)
#define DR6_FIXED_1 0xffff0ff0u
#define DR7_GD (1u << 13)

static int bp_type(uint64_t dr7, int i)
{
    return (dr7 >> (16 + 4 * i)) & 3;
}

/* Length of breakpoint @i (1, 2, 8 or 4 bytes for LEN 00, 01, 10, 11). */
static int bp_len(uint64_t dr7, int i)
{
    static const int len[4] = { 1, 2, 8, 4 };
    return len[(dr7 >> (18 + 4 * i)) & 3];
}

static bool bp_enabled(uint64_t dr7, int i)
{
    return (dr7 >> (2 * i)) & 3;
}

void x86_debug_update(X86TCG *s)
{
    CPUX86State *env = s->env;
    uint64_t dr7 = env->dr[7];
    uint8_t watch = 0, io = 0;

    for (int i = 0; i < 4; i++) {
        /* type 01 write, 11 read/write; 10 I/O with CR4.DE */
        if (bp_enabled(dr7, i) && (bp_type(dr7, i) & 1)) {
            watch |= 1 << i;
        } else if (bp_enabled(dr7, i) && bp_type(dr7, i) == 2 &&
                   (env->cr[4] & CR4_DE_MASK)) {
            io |= 1 << i;
        }
    }
    s->dbg_io = io;
    watch |= x86_gdb_watch_mask();      /* gdb's watchpoints (gdb-debug.c) */
    if (watch || s->dbg_watch) {
        /* the TLB gives pages with a breakpoint no read/write tags */
        s->dbg_watch = watch;
        x86_tlb_flush(s);
    }
    if ((env->eflags & TF_MASK) || (dr7 & 0xff)) {
        s->jit_insn_end = 0;    /* translated code: back to the loop */
    }
}

bool x86_debug_watch_page(X86TCG *s, uint64_t page)
{
    if ((s->dbg_watch & X86_GDB_WATCH_BIT) && x86_gdb_watch_page(page)) {
        return true;
    }
    for (int i = 0; i < 4; i++) {
        if (s->dbg_watch & (1 << i)) {
            int len = bp_len(s->env->dr[7], i);
            uint64_t a = s->env->dr[i] & ~(uint64_t)(len - 1);
            if (a <= (page | 0xfff) && a + len - 1 >= page) {
                return true;
            }
        }
    }
    return false;
}

void x86_debug_access(X86TCG *s, uint64_t lin, int size, bool write)
{
    uint64_t dr7 = s->env->dr[7];

    for (int i = 0; i < 4; i++) {
        if ((s->dbg_watch & (1 << i)) && (write || bp_type(dr7, i) == 3)) {
            int len = bp_len(dr7, i);
            uint64_t a = s->env->dr[i] & ~(uint64_t)(len - 1);
            if (lin <= a + len - 1 && a <= lin + size - 1) {
                s->dbg_hits |= 1 << i;
            }
        }
    }
    if (s->dbg_watch & X86_GDB_WATCH_BIT) {
        x86_gdb_watch_access(s, lin, size, write);
    }
}

void x86_debug_io(X86TCG *s, uint16_t port, int size)
{
    uint64_t dr7 = s->env->dr[7];

    for (int i = 0; i < 4; i++) {
        if (s->dbg_io & (1 << i)) {
            int len = bp_len(dr7, i);
            uint64_t a = s->env->dr[i] & 0xffff & ~(uint64_t)(len - 1);
            if (port <= a + len - 1 && a <= (uint64_t)port + size - 1) {
                s->dbg_hits |= 1 << i;
            }
        }
    }
}

/* Record a debug exception's causes in DR6 (B0-B3 are replaced). */
static void set_dr6(X86TCG *s, uint32_t payload)
{
    s->env->dr[6] = (s->env->dr[6] & ~0xfULL) | payload;
}

static void check_gd(X86TCG *s)
{
    CPUX86State *env = s->env;

    if (env->dr[7] & DR7_GD) {
        /* cleared so that the handler can use the debug registers */
        env->dr[7] &= ~(uint64_t)DR7_GD;
        set_dr6(s, DR6_BD);
        x86_raise(s, EXCP01_DB, 0, false);
    }
}

/* DR4/DR5 are DR6/DR7 unless CR4.DE makes them #UD. */
static int dr_index(X86TCG *s, int n)
{
    if (n == 4 || n == 5) {
        if (s->env->cr[4] & CR4_DE_MASK) {
            x86_raise_ud(s);
        }
        n += 2;
    }
    return n;
}

uint64_t x86_read_dr(X86TCG *s, int n)
{
    n = dr_index(s, n);
    check_gd(s);
    return s->env->dr[n];
}

void x86_write_dr(X86TCG *s, int n, uint64_t v)
{
    CPUX86State *env = s->env;

    n = dr_index(s, n);
    check_gd(s);
    if (n == 6) {
        v = (v & 0xe00f) | DR6_FIXED_1;
    } else if (n == 7) {
        if (s->code64 && (v >> 32)) {
            x86_raise_gp(s, 0);
        }
        v = (v & 0xffff27ff) | 0x400;     /* bits 11, 12, 14, 15 read 0 */
    } else if (!s->code64) {
        v = (uint32_t)v;
    }
    env->dr[n] = v;
    if (n != 6) {
        x86_debug_update(s);
        s->block_end = true;
    }
}

/* An enabled execute breakpoint at @lin: its B bits, or 0. */
static uint32_t insn_breakpoints(X86TCG *s, uint64_t lin)
{
    uint64_t dr7 = s->env->dr[7];
    uint32_t hits = 0;

    for (int i = 0; i < 4; i++) {
        if (bp_enabled(dr7, i) && bp_type(dr7, i) == 0 &&
            s->env->dr[i] == lin) {
            hits |= 1 << i;
        }
    }
    return hits;
}

void x86_debug_step(X86TCG *s)
{
    CPUX86State *env = s->env;
    bool tf = env->eflags & TF_MASK;
    bool shadow = s->dbg_shadow;    /* MOV SS before this instruction */
    uint32_t payload;
    TCGBlock *tb;

    s->dbg_shadow = false;
    if (!(env->eflags & RF_MASK) && !shadow) {
        uint64_t lin = env->segs[R_CS].base + env->rip;
        uint32_t hits = insn_breakpoints(s, s->code64 ? lin : (uint32_t)lin);
        if (hits) {
            set_dr6(s, hits);
            x86_raise(s, EXCP01_DB, 0, false);     /* a fault */
        }
    }
    env->eflags &= ~(uint64_t)RF_MASK;
    tb = x86_next_block(s);
    s->block_end = false;
    s->dbg_hits = 0;
    s->dbg_no_step = false;
    s->dbg_movss = false;
    x86_interp_insn(s, tb->insns);

    payload = s->dbg_hits;
    if (tf && !s->dbg_no_step) {
        payload |= DR6_BS;
    }
    if (s->dbg_movss) {
        /* MOV SS / POP SS: reported after the next instruction */
        s->dbg_shadow = true;
        s->dbg_deferred |= payload;
        return;
    }
    payload |= s->dbg_deferred;
    s->dbg_deferred = 0;
    if (payload) {
        set_dr6(s, payload);
        x86_deliver_event(s, EXCP01_DB, false, 0, false, 0, EXC_BENIGN);
    }
}
