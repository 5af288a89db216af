/*
 * Breakpoints, watchpoints and single-step asked for by the gdb stub
 * (AccelOps insert_breakpoint / set_single_step), checked by the loop in
 * exec.c before each block.  Guest memory is never patched.
 *
 * Nothing here runs while no breakpoint is set and no vCPU steps
 * (x86_gdb_active == 0).  Otherwise translated code returns to the loop
 * after every block (jit_insn_end = 0) and a block is run whole only when
 * no breakpoint lies inside it; one that holds a breakpoint runs one
 * instruction at a time in the interpreter until the breakpoint is reached.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "system/gdbstub.h"
#include "target/x86/tcg/tcg-cpu.h"

#define GDB_MAX_BREAKPOINTS 256
#define GDB_MAX_WATCHPOINTS 16

/* GDB's Z types */
enum { Z_SW_BREAK, Z_HW_BREAK, Z_WATCH_WRITE, Z_WATCH_READ, Z_WATCH_ACCESS };

typedef struct Watchpoint {
    uint64_t addr, len;
    int type;
} Watchpoint;

int x86_gdb_active;
static uint64_t breakpoints[GDB_MAX_BREAKPOINTS];
static int nr_breakpoints;
static Watchpoint watchpoints[GDB_MAX_WATCHPOINTS];
static int nr_watchpoints;
static int nr_stepping;

static void update_active(void)
{
    __atomic_store_n(&x86_gdb_active,
                     nr_breakpoints + nr_watchpoints + nr_stepping,
                     __ATOMIC_RELEASE);
}

/*
 * Watchpoints reuse the data-breakpoint path of debug.c: pages holding
 * one get no read/write TLB tags, so every access to them goes through
 * x86_debug_access(), which calls x86_gdb_watch_access().  The vCPUs
 * re-read x86_gdb_watch_mask() (x86_debug_update) when they resume.
 */
static int find_watchpoint(int type, uint64_t addr, uint64_t len)
{
    for (int i = 0; i < nr_watchpoints; i++) {
        Watchpoint *w = &watchpoints[i];
        if (w->addr == addr && w->len == len && w->type == type) {
            return i;
        }
    }
    return -1;
}

static int insert_watchpoint(int type, uint64_t addr, uint64_t len)
{
    if (find_watchpoint(type, addr, len) >= 0) {
        return 0;
    }
    if (nr_watchpoints == GDB_MAX_WATCHPOINTS || !len) {
        return -ENOSPC;
    }
    watchpoints[nr_watchpoints++] = (Watchpoint){ addr, len, type };
    update_active();
    return 0;
}

static int remove_watchpoint(int type, uint64_t addr, uint64_t len)
{
    int i = find_watchpoint(type, addr, len);

    if (i < 0) {
        return -ENOENT;
    }
    watchpoints[i] = watchpoints[--nr_watchpoints];
    update_active();
    return 0;
}

uint8_t x86_gdb_watch_mask(void)
{
    return nr_watchpoints ? X86_GDB_WATCH_BIT : 0;
}

bool x86_gdb_watch_page(uint64_t page)
{
    for (int i = 0; i < nr_watchpoints; i++) {
        Watchpoint *w = &watchpoints[i];
        if (w->addr <= (page | 0xfff) && w->addr + w->len - 1 >= page) {
            return true;
        }
    }
    return false;
}

void x86_gdb_watch_access(X86TCG *s, uint64_t lin, int size, bool write)
{
    for (int i = 0; i < nr_watchpoints && !s->gdb_watch_hit; i++) {
        Watchpoint *w = &watchpoints[i];
        bool kind = w->type == Z_WATCH_ACCESS ||
                    (w->type == Z_WATCH_WRITE) == write;

        if (kind && lin <= w->addr + w->len - 1 &&
            w->addr <= lin + size - 1) {
            s->gdb_watch_hit = true;
            s->gdb_watch_type = w->type;
            s->gdb_watch_addr = w->addr;
        }
    }
}

static int find_breakpoint(uint64_t lin)
{
    for (int i = 0; i < nr_breakpoints; i++) {
        if (breakpoints[i] == lin) {
            return i;
        }
    }
    return -1;
}

int x86_gdb_insert_breakpoint(int type, uint64_t addr, uint64_t len)
{
    if (type >= Z_WATCH_WRITE && type <= Z_WATCH_ACCESS) {
        return insert_watchpoint(type, addr, len);
    }
    if (type != Z_SW_BREAK && type != Z_HW_BREAK) {
        return -ENOSYS;
    }
    if (find_breakpoint(addr) >= 0) {
        return 0;
    }
    if (nr_breakpoints == GDB_MAX_BREAKPOINTS) {
        return -ENOSPC;
    }
    breakpoints[nr_breakpoints++] = addr;
    update_active();
    return 0;
}

int x86_gdb_remove_breakpoint(int type, uint64_t addr, uint64_t len)
{
    int i;

    if (type >= Z_WATCH_WRITE && type <= Z_WATCH_ACCESS) {
        return remove_watchpoint(type, addr, len);
    }
    if (type != Z_SW_BREAK && type != Z_HW_BREAK) {
        return -ENOSYS;
    }
    i = find_breakpoint(addr);
    if (i < 0) {
        return -ENOENT;
    }
    breakpoints[i] = breakpoints[--nr_breakpoints];
    update_active();
    return 0;
}

void x86_gdb_remove_all_breakpoints(void)
{
    nr_breakpoints = 0;
    nr_watchpoints = 0;
    update_active();
}

void x86_gdb_set_single_step(X86CPU *cpu, bool on)
{
    X86TCG *s = cpu->accel;

    if (!s || s->gdb_step == on) {
        return;
    }
    s->gdb_step = on;
    s->gdb_stepped = false;
    nr_stepping += on ? 1 : -1;
    update_active();
}

/* A breakpoint strictly inside (@lo, @hi)? */
static bool breakpoint_in(uint64_t lo, uint64_t hi)
{
    for (int i = 0; i < nr_breakpoints; i++) {
        if (breakpoints[i] > lo && breakpoints[i] < hi) {
            return true;
        }
    }
    return false;
}

/* CS.base + RIP as gdb and the breakpoint list see it. */
static uint64_t linear_pc(X86TCG *s)
{
    uint64_t lin = s->env->segs[R_CS].base + s->env->rip;

    return s->code64 ? lin : (uint32_t)lin;
}

static int stop(X86TCG *s, uint64_t lin, GdbStopReason reason)
{
    static const GdbStopReason watch_reason[] = {
        [Z_WATCH_WRITE] = GDB_STOP_WATCH_WRITE,
        [Z_WATCH_READ] = GDB_STOP_WATCH_READ,
        [Z_WATCH_ACCESS] = GDB_STOP_WATCH_ACCESS,
    };
    uint64_t watch_addr = 0;

    /* the first instruction after the resume runs past this breakpoint */
    s->gdb_resume_lin = lin;
    s->gdb_resume_valid = true;
    s->gdb_stepped = false;
    if (s->gdb_watch_hit) {
        /* reported rather than the step that made the access */
        reason = watch_reason[s->gdb_watch_type];
        watch_addr = s->gdb_watch_addr;
        s->gdb_watch_hit = false;
    }
    gdb_vcpu_stopped(s->cpu, reason, watch_addr);
    return X86_GDB_STOP;
}

int x86_gdb_before_block(X86TCG *s)
{
    uint64_t lin = linear_pc(s);
    bool resuming = s->gdb_resume_valid && s->gdb_resume_lin == lin;
    TCGBlock *tb;
    uint64_t end = lin;

    s->gdb_resume_valid = false;
    if (s->gdb_watch_hit || (s->gdb_step && s->gdb_stepped)) {
        /* the instruction ran (or raised an exception and RIP is its handler) */
        return stop(s, lin, GDB_STOP_STEP);
    }
    if (!resuming && find_breakpoint(lin) >= 0) {
        return stop(s, lin, GDB_STOP_BREAKPOINT);
    }
    tb = x86_next_block(s);
    for (uint32_t i = 0; i < tb->ninsns; i++) {
        end += tb->insns[i].len;
    }
    /* watchpoints: one instruction at a time, to stop right after it */
    if (!s->gdb_step && !nr_watchpoints && !breakpoint_in(lin, end)) {
        return X86_GDB_RUN_BLOCK;
    }
    s->block_end = false;
    /* an exception longjmps out of the step: the next call stops */
    s->gdb_stepped = s->gdb_step;
    x86_interp_insn(s, tb->insns);
    if (s->gdb_step || s->gdb_watch_hit) {
        /* stop now, before the loop delivers an interrupt (QEMU's NOIRQ) */
        return stop(s, linear_pc(s), GDB_STOP_STEP);
    }
    return X86_GDB_RAN_INSN;
}
