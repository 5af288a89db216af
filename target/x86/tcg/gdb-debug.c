/*
 * Breakpoints and single-step asked for by the gdb stub (AccelOps
 * insert_breakpoint / set_single_step), checked by the loop in exec.c
 * before each block.  Guest memory is never patched.
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

int x86_gdb_active;
static uint64_t breakpoints[GDB_MAX_BREAKPOINTS];
static int nr_breakpoints;
static int nr_stepping;

static void update_active(void)
{
    __atomic_store_n(&x86_gdb_active, nr_breakpoints + nr_stepping,
                     __ATOMIC_RELEASE);
}

int x86_gdb_insert_breakpoint(int type, uint64_t addr, uint64_t len)
{
    if (type != 0 && type != 1) {
        return -ENOSYS;     /* watchpoints: not yet */
    }
    for (int i = 0; i < nr_breakpoints; i++) {
        if (breakpoints[i] == addr) {
            return 0;
        }
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
    if (type != 0 && type != 1) {
        return -ENOSYS;
    }
    for (int i = 0; i < nr_breakpoints; i++) {
        if (breakpoints[i] == addr) {
            breakpoints[i] = breakpoints[--nr_breakpoints];
            update_active();
            return 0;
        }
    }
    return -ENOENT;
}

void x86_gdb_remove_all_breakpoints(void)
{
    nr_breakpoints = 0;
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

/* A breakpoint at @lin? */
static bool breakpoint_at(uint64_t lin)
{
    for (int i = 0; i < nr_breakpoints; i++) {
        if (breakpoints[i] == lin) {
            return true;
        }
    }
    return false;
}

/* ... strictly inside (@lo, @hi)? */
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
    /* the first instruction after the resume runs past this breakpoint */
    s->gdb_resume_lin = lin;
    s->gdb_resume_valid = true;
    s->gdb_stepped = false;
    gdb_vcpu_stopped(s->cpu, reason);
    return X86_GDB_STOP;
}

int x86_gdb_before_block(X86TCG *s)
{
    uint64_t lin = linear_pc(s);
    bool resuming = s->gdb_resume_valid && s->gdb_resume_lin == lin;
    TCGBlock *tb;
    uint64_t end = lin;

    s->gdb_resume_valid = false;
    if (s->gdb_step && s->gdb_stepped) {
        /* the instruction ran (or raised an exception and RIP is its handler) */
        return stop(s, lin, GDB_STOP_STEP);
    }
    if (!resuming && breakpoint_at(lin)) {
        return stop(s, lin, GDB_STOP_BREAKPOINT);
    }
    tb = x86_next_block(s);
    for (uint32_t i = 0; i < tb->ninsns; i++) {
        end += tb->insns[i].len;
    }
    if (!s->gdb_step && !breakpoint_in(lin, end)) {
        return X86_GDB_RUN_BLOCK;
    }
    s->block_end = false;
    /* an exception longjmps out of the step: the next call stops */
    s->gdb_stepped = s->gdb_step;
    x86_interp_insn(s, tb->insns);
    if (s->gdb_step) {
        /* stop now, before the loop delivers an interrupt (QEMU's NOIRQ) */
        return stop(s, linear_pc(s), GDB_STOP_STEP);
    }
    return X86_GDB_RAN_INSN;
}
