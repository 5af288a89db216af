/*
 * Execution loop of the software CPU: runs decoded blocks, counts
 * instructions, delivers exceptions (setjmp/longjmp from any handler) and,
 * between blocks, external interrupts, NMI and INIT/SIPI.
 *
 * Protocol with the handlers (see ops.h): before a handler runs,
 * s->next_rip is the address of the next instruction and env->rip the
 * current one; afterwards the loop stores s->next_rip in env->rip.  A
 * handler ends the block early by setting s->block_end; one that opens an
 * interrupt shadow (STI, MOV SS) sets s->inhibit_next (or inhibit_irq).
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "hw/intc/apic.h"
#include "target/x86/tcg/tcg-cpu.h"
#include "target/x86/tcg/excp.h"
#include "target/x86/tcg/seg.h"

void x86_update_mode(X86TCG *s)
{
    CPUX86State *env = s->env;
    uint32_t csf = env->segs[R_CS].flags;

    s->pe = env->cr[0] & CR0_PE_MASK;
    s->lma = env->efer & MSR_EFER_LMA;
    if (!s->pe) {
        s->cpl = 0;
    } else if (env->eflags & VM_MASK) {
        s->cpl = 3;
    } else {
        /* SS.DPL always equals CPL in protected mode */
        s->cpl = (env->segs[R_SS].flags >> DESC_DPL_SHIFT) & 3;
    }
    s->code64 = s->lma && (csf & DESC_L_MASK) && !(env->eflags & VM_MASK);
    s->code32 = !s->code64 && s->pe && !(env->eflags & VM_MASK) &&
                (csf & DESC_B_MASK);
    if (!s->pe && (csf & DESC_B_MASK)) {
        /* real mode keeps the D bit of the last protected-mode CS */
        s->code32 = true;
    }
    s->ss32 = (env->segs[R_SS].flags & DESC_B_MASK) != 0;
    s->mmu_idx = s->cpl == 3;
}

X86TCG *x86_tcg_new(X86CPU *cpu)
{
    X86TCG *s;

    /* (its TLB entries are cache lines: see TLBEntry) */
    if (posix_memalign((void **)&s, __alignof__(X86TCG), sizeof(*s))) {
        g_error("out of memory for the software CPU state");
    }
    memset(s, 0, sizeof(*s));

    s->cpu = cpu;
    s->env = &cpu->env;
    s->cc_op = CC_OP_EFLAGS;
    x86_tlb_flush(s);
    x86_update_mode(s);
    if (!x86_tcg_states) {
        x86_tcg_states = g_ptr_array_new();
    }
    g_ptr_array_add(x86_tcg_states, s);
    cpu->accel = s;
    return s;
}

void x86_tcg_free(X86TCG *s)
{
    if (!s) {
        return;
    }
    if (x86_tcg_states) {
        g_ptr_array_remove(x86_tcg_states, s);
    }
    if (s->cpu && s->cpu->accel == s) {
        s->cpu->accel = NULL;
    }
    free(s);                /* (posix_memalign) */
}

void x86_tcg_sync_to_env(X86TCG *s)
{
    s->env->eflags = x86_get_eflags(s);
    s->cc_op = CC_OP_EFLAGS;
}

void x86_tcg_sync_from_env(X86TCG *s)
{
    s->cc_op = CC_OP_EFLAGS;
    s->env->eflags |= 2;
    s->inhibit_irq = s->inhibit_next = false;
    s->exc_depth = 0;
    s->exc_class = EXC_BENIGN;
    s->nmi_blocked = false;
    s->dbg_shadow = false;
    s->dbg_deferred = 0;
    x86_update_mode(s);
    x86_tlb_flush(s);
    x86_debug_update(s);
}

bool x86_tcg_has_work(X86TCG *s)
{
    CPUX86State *env = s->env;
    int req = __atomic_load_n(&s->cpu->interrupt_request, __ATOMIC_ACQUIRE);

    if (req & (CPU_INTERRUPT_INIT | CPU_INTERRUPT_SIPI)) {
        return true;
    }
    if (env->init_received) {
        return false;
    }
    if (req & (CPU_INTERRUPT_NMI | CPU_INTERRUPT_POLL)) {
        return true;
    }
    return (req & CPU_INTERRUPT_HARD) && (env->eflags & IF_MASK);
}

static void with_bql_begin(bool *locked)
{
    *locked = bql_locked();
    if (!*locked) {
        bql_lock();
    }
}

static void with_bql_end(bool locked)
{
    if (!locked) {
        bql_unlock();
    }
}

/* INIT: architectural reset; an AP then waits for SIPI. */
static void do_init(X86TCG *s)
{
    X86CPU *cpu = s->cpu;
    /*
     * The BSP's INIT and SIPI IPIs are usually both pending by the time
     * this vCPU runs: the reset must not lose the SIPI's vector.
     */
    uint32_t sipi_vector = cpu->env.sipi_vector;
    bool locked;

    with_bql_begin(&locked);
    x86_cpu_init_reset(cpu);
    cpu->env.sipi_vector = sipi_vector;
    if (cpu->apic) {
        apic_init_reset(cpu->apic);
    }
    with_bql_end(locked);
    if (!cpu->is_bsp) {
        cpu->env.init_received = true;
    }
    cpu->env.halted = false;
    x86_tcg_sync_from_env(s);
}

/* SIPI: start in real mode at vector << 12. */
static void do_sipi(X86TCG *s)
{
    CPUX86State *env = s->env;

    env->init_received = false;
    env->halted = false;
    x86_cpu_load_seg_real(env, R_CS, (env->sipi_vector & 0xff) << 8);
    env->rip = 0;
    x86_tcg_sync_from_env(s);
}

/* Between blocks: returns an exit code, or -1 to continue running. */
static int process_interrupts(X86TCG *s)
{
    CPUX86State *env = s->env;
    X86CPU *cpu = s->cpu;
    int req = __atomic_load_n(&cpu->interrupt_request, __ATOMIC_ACQUIRE);
    bool locked;

    if (req & CPU_INTERRUPT_INIT) {
        x86_cpu_reset_interrupt(cpu, CPU_INTERRUPT_INIT);
        do_init(s);
    }
    if (req & CPU_INTERRUPT_SIPI) {
        x86_cpu_reset_interrupt(cpu, CPU_INTERRUPT_SIPI);
        if (env->init_received) {
            do_sipi(s);
        }
    }
    if (env->init_received) {
        return TCG_EXIT_HALTED;     /* wait-for-SIPI ignores everything else */
    }
    if (req & CPU_INTERRUPT_POLL) {
        x86_cpu_reset_interrupt(cpu, CPU_INTERRUPT_POLL);
        if (cpu->apic) {
            with_bql_begin(&locked);
            apic_update_irq(cpu->apic);
            with_bql_end(locked);
        }
    }
    if (req & (CPU_INTERRUPT_TPR | CPU_INTERRUPT_EXITTB)) {
        x86_cpu_reset_interrupt(cpu, CPU_INTERRUPT_TPR |
                                CPU_INTERRUPT_EXITTB);
    }
    if (s->inhibit_irq) {
        return -1;
    }
    if ((req & CPU_INTERRUPT_NMI) && !s->nmi_blocked) {
        x86_cpu_reset_interrupt(cpu, CPU_INTERRUPT_NMI);
        s->nmi_blocked = true;
        env->halted = false;
        x86_deliver_event(s, EXCP02_NMI, false, 0, false, 0, EXC_BENIGN);
        return -1;
    }
    req = __atomic_load_n(&cpu->interrupt_request, __ATOMIC_ACQUIRE);
    if ((req & CPU_INTERRUPT_HARD) && (env->eflags & IF_MASK)) {
        int vec;
        with_bql_begin(&locked);
        vec = x86_cpu_get_pic_interrupt(cpu);
        with_bql_end(locked);
        if (vec >= 0) {
            env->halted = false;
            x86_deliver_event(s, vec, false, 0, false, 0, EXC_BENIGN);
        }
    }
    return -1;
}

/* One instruction under the handler protocol; true when the block ends. */
static inline bool interp_insn(X86TCG *s, const TCGInsn *d)
{
    CPUX86State *env = s->env;
    bool shadow = s->inhibit_irq;

    s->next_rip = env->rip + d->len;
    d->fn(s, d);
    env->rip = s->next_rip;
    s->insn_count++;
    /* STI / MOV SS shadows: rare, one test for both */
    if (unlikely(shadow | s->inhibit_next)) {
        s->inhibit_irq = s->inhibit_next;
        s->inhibit_next = false;
    }
    return d->end | s->block_end;
}

bool x86_interp_insn(X86TCG *s, const TCGInsn *d)
{
    return interp_insn(s, d);
}

void x86_interp_block(X86TCG *s, const TCGBlock *tb)
{
    for (const TCGInsn *d = tb->insns; !interp_insn(s, d); d++) {
    }
}

/* A translated block, or the lockstep check of one. */
static inline void jit_run(X86TCG *s, TCGBlock *tb)
{
    uint64_t lin = s->env->segs[R_CS].base + s->env->rip;

    if (unlikely(x86_jit_lockstep)) {
        x86_jit_lockstep_run(s, tb, lin);
    } else {
        x86_jit_run(s, tb, lin);
    }
}

/* KEMU_JIT_STATS=1: why translated code came back to the loop */
static void count_loop_why(X86TCG *s, uint64_t end)
{
    CPUX86State *env = s->env;
    X86CPU *cpu = s->cpu;
    int why;

    if (s->chain_slot) {
        why = X86_LOOP_WHY_STUB;
    } else if (s->block_end) {
        why = X86_LOOP_WHY_BLOCK_END;
    } else if (s->inhibit_irq) {
        why = X86_LOOP_WHY_SHADOW;
    } else if (s->insn_count >= end) {
        why = X86_LOOP_WHY_BUDGET;
    } else if (__atomic_load_n(&cpu->exit_request, __ATOMIC_RELAXED) ||
               __atomic_load_n(&cpu->interrupt_request, __ATOMIC_RELAXED)) {
        why = X86_LOOP_WHY_REQUEST;
    } else if (env->halted) {
        why = X86_LOOP_WHY_HALTED;
    } else {
        uint64_t lin = env->segs[R_CS].base + env->rip;
        const X86JumpCacheEntry *e;

        if (!s->code64) {
            lin = (uint32_t)lin;
        }
        e = &s->jc[(lin ^ (lin >> X86_JC_BITS)) & (X86_JC_SIZE - 1)];
        why = e->lin == lin && e->gen == x86_block_gen && e->tb ?
              X86_LOOP_WHY_NO_JIT : X86_LOOP_WHY_JC_MISS;
    }
    x86_jit_stats.loop_why[why]++;
}

static int run(X86TCG *s, int64_t budget, bool poll)
{
    CPUX86State *env = s->env;
    X86CPU *cpu = s->cpu;
    uint64_t end = s->insn_count + budget;
    TCGBlock *tb;

    /*
     * lockstep compares block by block: no chaining.  (SEQ_CST: ordered
     * before the loop reads the requests, as with x86_jit_kick().)
     */
    __atomic_store_n(&s->jit_insn_end,
                     (x86_jit_lockstep || x86_gdb_active) ? 0 : end,
                     __ATOMIC_SEQ_CST);
    s->chain_slot = NULL;
    s->pause_yield = false;
    if (setjmp(s->jb)) {
        s->chain_slot = NULL;
        if (!x86_handle_exception(s)) {
            return TCG_EXIT_REQUEST;
        }
    }
    for (;;) {
        x86_tcg_check_memory_changed();
        if (poll) {
            if (__atomic_load_n(&cpu->exit_request, __ATOMIC_RELAXED)) {
                return TCG_EXIT_REQUEST;
            }
            if (__atomic_load_n(&cpu->interrupt_request, __ATOMIC_RELAXED)) {
                /*
                 * The jump left unpatched stays patchable: an interrupt
                 * delivered here changes RIP, and x86_jit_run() patches only
                 * a jump to the block at the RIP it left with.  (A pending
                 * IRQ with IF = 0 used to keep every chain unpatched.)
                 */
                int r = -1;

                if (unlikely(s->gdb_step) && !env->init_received) {
                    /* gdb steps with interrupts held (QEMU's SSTEP_NOIRQ) */
                    env->halted = false;
                } else {
                    r = process_interrupts(s);
                }
                if (r >= 0) {
                    return r;
                }
            }
        } else if (env->init_received) {
            return TCG_EXIT_HALTED;
        }
        if (env->halted) {
            return TCG_EXIT_HALTED;
        }
        if (s->insn_count >= end) {
            return TCG_EXIT_BUDGET;
        }
        /* TF, RF or an enabled breakpoint: one instruction at a time */
        if (unlikely((env->eflags & (TF_MASK | RF_MASK)) |
                     (env->dr[7] & 0xff))) {
            s->chain_slot = NULL;
            if ((env->eflags & TF_MASK) || (env->dr[7] & 0xff)) {
                x86_debug_step(s);
                continue;
            }
            /* RF only suppresses instruction breakpoints: none enabled */
            env->eflags &= ~(uint64_t)RF_MASK;
        }
        /* gdb breakpoints or single-step: every block ends in the loop */
        if (unlikely(x86_gdb_active)) {
            int r = x86_gdb_before_block(s);

            if (r == X86_GDB_STOP) {
                return TCG_EXIT_REQUEST;
            }
            if (r == X86_GDB_RAN_INSN) {
                s->chain_slot = NULL;
                continue;
            }
        } else if (unlikely(!__atomic_load_n(&s->jit_insn_end,
                                             __ATOMIC_RELAXED)) &&
                   !x86_jit_lockstep) {
            /*
             * Debug stepping is over, or a kick (x86_jit_kick()) pulled the
             * end down: restore it, then read the requests again, which a
             * kick since the checks above may have set.
             */
            __atomic_store_n(&s->jit_insn_end, end, __ATOMIC_SEQ_CST);
            if (s->pause_yield) {
                s->pause_yield = false;
                return TCG_EXIT_BUDGET;
            }
            continue;
        }
        tb = x86_next_block(s);
        s->block_end = false;
        /*
         * MOV/POP SS, and STI when an interrupt waits, end their block;
         * the shadow covers just the next instruction (SDM 6.8.3).  Run
         * that one alone, so that an interrupt already pending is taken
         * right after it rather than at the end of a block that may clear
         * IF again ("sti; nop; cli").
         */
        if (unlikely(s->inhibit_irq)) {
            s->chain_slot = NULL;
            interp_insn(s, tb->insns);
            continue;
        }
        x86_jit_stats.loop_blocks++;
        if (tb->jit) {
            jit_run(s, tb);
            if (unlikely(x86_jit_stats_on)) {
                count_loop_why(s, end);
            }
            continue;
        }
        x86_jit_stats.interp_blocks++;
        s->chain_slot = NULL;
        if (unlikely(tb->exec_count++ >= (uint64_t)x86_jit_threshold) &&
            x86_jit_threshold >= 0 && !tb->uncached) {
            x86_jit_translate(tb);
            if (tb->jit) {
                jit_run(s, tb);
                continue;
            }
        }
        x86_interp_block(s, tb);
    }
}

int x86_tcg_exec(X86TCG *s, int64_t budget)
{
    return run(s, budget, true);
}

int tcg_x86_exec_for_test(X86CPU *cpu, uint64_t max_insns)
{
    X86TCG *s = cpu->accel ? cpu->accel : x86_tcg_new(cpu);
    int r;

    x86_tcg_sync_from_env(s);
    r = run(s, max_insns, false);
    x86_tcg_sync_to_env(s);
    return r;
}
