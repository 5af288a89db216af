/*
 * Exceptions and interrupts of the software CPU (Intel SDM vol. 3A ch. 6):
 * delivery through the IVT (real mode), 8-byte gates (protected mode,
 * privilege change via the TSS, virtual-8086 exits) and 16-byte gates
 * (long mode, IST, aligned stack); exception classes, #DF, triple fault.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "system/runstate.h"
#include "target/x86/tcg/tcg-cpu.h"
#include "target/x86/tcg/seg.h"
#include "target/x86/tcg/excp.h"
#include "target/x86/tcg/task.h"

void x86_raise(X86TCG *s, int vec, uint32_t err, bool has_err)
{
    s->exc_vec = vec;
    s->exc_err = err;
    s->exc_has_err = has_err;
    longjmp(s->jb, 1);
}

void x86_raise_gp(X86TCG *s, uint32_t err)
{
    x86_raise(s, EXCP0D_GPF, err, true);
}

void x86_raise_ud(X86TCG *s)
{
    x86_raise(s, EXCP06_ILLOP, 0, false);
}

static void set_rip(X86TCG *s, uint64_t rip)
{
    s->env->rip = rip;
    s->next_rip = rip;
    s->block_end = true;
}

static void clear_flags_on_entry(X86TCG *s, bool trap_gate)
{
    uint32_t clear = TF_MASK | VM_MASK | RF_MASK | NT_MASK;
    if (!trap_gate) {
        clear |= IF_MASK;
    }
    s->env->eflags &= ~(uint64_t)clear;
}

static void do_interrupt_real(X86TCG *s, int vec, uint64_t ret_rip)
{
    CPUX86State *env = s->env;
    X86Stack st;
    uint16_t off, sel;

    if ((uint32_t)vec * 4 + 3 > env->idt.limit) {
        x86_raise_gp(s, vec * 8 + 2);
    }
    off = x86_sys_ld(s, env->idt.base + vec * 4, 2);
    sel = x86_sys_ld(s, env->idt.base + vec * 4 + 2, 2);
    x86_stack_cur(s, &st);
    x86_stack_push(s, &st, 2, x86_get_eflags(s));
    x86_stack_push(s, &st, 2, env->segs[R_CS].selector);
    x86_stack_push(s, &st, 2, ret_rip);
    x86_stack_commit(s, &st);
    x86_seg_real(s, R_CS, sel);
    env->eflags &= ~(uint64_t)(IF_MASK | TF_MASK | AC_MASK | RF_MASK);
    x86_update_mode(s);
    set_rip(s, off);
}

/* Target code segment of an interrupt gate: checks, returns its DPL. */
static int gate_target(X86TCG *s, uint16_t sel, int ext, uint32_t *c1,
                       uint32_t *c2)
{
    int cdpl;

    if ((sel & 0xfffc) == 0) {
        x86_raise_gp(s, ext);
    }
    if (!x86_desc_read(s, sel, c1, c2) ||
        (*c2 & (DESC_S_MASK | DESC_CS_MASK)) != (DESC_S_MASK | DESC_CS_MASK)) {
        x86_raise_gp(s, (sel & 0xfffc) | ext);
    }
    cdpl = (*c2 >> DESC_DPL_SHIFT) & 3;
    if (cdpl > s->cpl) {
        x86_raise_gp(s, (sel & 0xfffc) | ext);
    }
    if (!(*c2 & DESC_P_MASK)) {
        x86_raise(s, EXCP0B_NOSEG, (sel & 0xfffc) | ext, true);
    }
    return cdpl;
}

static void do_interrupt_pm(X86TCG *s, int vec, bool is_sw, uint32_t err,
                            bool has_err, uint64_t ret_rip)
{
    CPUX86State *env = s->env;
    int ext = is_sw ? 0 : 1;
    uint32_t e1, e2, c1, c2;
    int type, dpl, cdpl, size;
    uint16_t sel;
    uint64_t off;
    bool vm86 = env->eflags & VM_MASK;
    bool new_stack;
    X86Stack st;
    uint32_t fl;
    uint16_t old_ss = env->segs[R_SS].selector;
    uint64_t old_sp = env->regs[R_ESP];
    uint32_t s1 = 0, s2 = 0;
    uint16_t nss = 0;

    if ((uint32_t)vec * 8 + 7 > env->idt.limit) {
        x86_raise_gp(s, vec * 8 + 2 + ext);
    }
    e1 = x86_sys_ld(s, env->idt.base + vec * 8, 4);
    e2 = x86_sys_ld(s, env->idt.base + vec * 8 + 4, 4);
    type = (e2 >> DESC_TYPE_SHIFT) & 0x1f;      /* includes S */
    switch (type) {
    case 5: case 6: case 7: case 14: case 15:
        break;
    default:
        x86_raise_gp(s, vec * 8 + 2 + ext);
    }
    dpl = (e2 >> DESC_DPL_SHIFT) & 3;
    if (is_sw && dpl < s->cpl) {
        x86_raise_gp(s, vec * 8 + 2);
    }
    if (!(e2 & DESC_P_MASK)) {
        x86_raise(s, EXCP0B_NOSEG, vec * 8 + 2 + ext, true);
    }
    if (type == 5) {
        x86_task_gate(s, e1, e2, TASK_INT, ret_rip, ext, has_err, err);
        return;
    }
    sel = e1 >> 16;
    off = (e2 & 0xffff0000) | (e1 & 0xffff);
    size = (type & 8) ? 4 : 2;
    if (size == 2) {
        off &= 0xffff;
    }
    cdpl = gate_target(s, sel, ext, &c1, &c2);
    fl = x86_get_eflags(s) | (s->push_rf ? RF_MASK : 0);

    if (!(c2 & DESC_C_MASK) && cdpl < s->cpl) {
        uint64_t nsp;
        x86_tss_stack(s, cdpl, &nss, &nsp, ext);
        x86_load_inner_ss(s, nss, cdpl, ext, &s1, &s2);
        st.base = x86_desc_base(s1, s2);
        st.mask = x86_ss_mask(s2, false);
        st.sp = nsp & st.mask;
        new_stack = true;
    } else if ((c2 & DESC_C_MASK) || cdpl == s->cpl) {
        if (vm86) {
            x86_raise_gp(s, (sel & 0xfffc));
        }
        x86_stack_cur(s, &st);
        new_stack = false;
    } else {
        x86_raise_gp(s, (sel & 0xfffc) | ext);
    }
    if (vm86 && cdpl != 0) {
        x86_raise_gp(s, (sel & 0xfffc));
    }

    s->mmu_idx = cdpl == 3;
    if (new_stack) {
        if (vm86) {
            x86_stack_push(s, &st, size, env->segs[R_GS].selector);
            x86_stack_push(s, &st, size, env->segs[R_FS].selector);
            x86_stack_push(s, &st, size, env->segs[R_DS].selector);
            x86_stack_push(s, &st, size, env->segs[R_ES].selector);
        }
        x86_stack_push(s, &st, size, old_ss);
        x86_stack_push(s, &st, size, old_sp);
    }
    x86_stack_push(s, &st, size, fl);
    x86_stack_push(s, &st, size, env->segs[R_CS].selector);
    x86_stack_push(s, &st, size, ret_rip);
    if (has_err) {
        x86_stack_push(s, &st, size, err);
    }

    if (new_stack) {
        if (vm86) {
            x86_seg_null(s, R_ES, 0);
            x86_seg_null(s, R_DS, 0);
            x86_seg_null(s, R_FS, 0);
            x86_seg_null(s, R_GS, 0);
        }
        x86_seg_cache(s, R_SS, (nss & ~3) | cdpl, s1, s2);
    }
    x86_stack_commit(s, &st);
    x86_seg_cache(s, R_CS, (sel & 0xfffc) | cdpl, c1, c2);
    clear_flags_on_entry(s, type & 1);
    x86_update_mode(s);
    set_rip(s, off);
}

static void do_interrupt_64(X86TCG *s, int vec, bool is_sw, uint32_t err,
                            bool has_err, uint64_t ret_rip)
{
    CPUX86State *env = s->env;
    int ext = is_sw ? 0 : 1;
    uint32_t e1, e2, e3, c1, c2;
    int type, dpl, cdpl, ist;
    uint16_t sel;
    uint64_t off, rsp;
    uint16_t old_ss = env->segs[R_SS].selector;
    uint64_t old_sp = env->regs[R_ESP];
    uint32_t fl;
    X86Stack st;

    if ((uint32_t)vec * 16 + 15 > env->idt.limit) {
        x86_raise_gp(s, vec * 8 + 2 + ext);
    }
    e1 = x86_sys_ld(s, env->idt.base + vec * 16, 4);
    e2 = x86_sys_ld(s, env->idt.base + vec * 16 + 4, 4);
    e3 = x86_sys_ld(s, env->idt.base + vec * 16 + 8, 4);
    type = (e2 >> DESC_TYPE_SHIFT) & 0x1f;
    if (type != 14 && type != 15) {
        x86_raise_gp(s, vec * 8 + 2 + ext);
    }
    dpl = (e2 >> DESC_DPL_SHIFT) & 3;
    if (is_sw && dpl < s->cpl) {
        x86_raise_gp(s, vec * 8 + 2);
    }
    if (!(e2 & DESC_P_MASK)) {
        x86_raise(s, EXCP0B_NOSEG, vec * 8 + 2 + ext, true);
    }
    sel = e1 >> 16;
    off = (e2 & 0xffff0000) | (e1 & 0xffff) | ((uint64_t)e3 << 32);
    ist = e2 & 7;
    cdpl = gate_target(s, sel, ext, &c1, &c2);
    if (!(c2 & DESC_L_MASK) || (c2 & DESC_B_MASK)) {
        x86_raise_gp(s, (sel & 0xfffc) | ext);
    }
    if (env->eflags & VM_MASK) {
        x86_raise_gp(s, sel & 0xfffc);
    }
    if (!(c2 & DESC_C_MASK) && cdpl < s->cpl) {
        uint16_t dummy;
        x86_tss_stack(s, cdpl, &dummy, &rsp, ext);
    } else {
        cdpl = s->cpl;
        rsp = env->regs[R_ESP];
    }
    if (ist) {
        uint32_t o = 0x24 + (ist - 1) * 8;
        if (o + 7 > env->tr.limit) {
            x86_raise(s, EXCP0A_TSS, (env->tr.selector & 0xfffc) | ext, true);
        }
        rsp = x86_sys_ld(s, env->tr.base + o, 8);
    }
    rsp &= ~0xfULL;
    fl = x86_get_eflags(s) | (s->push_rf ? RF_MASK : 0);

    st.base = 0;
    st.mask = ~0ULL;
    st.sp = rsp;
    s->mmu_idx = cdpl == 3;
    x86_stack_push(s, &st, 8, old_ss);
    x86_stack_push(s, &st, 8, old_sp);
    x86_stack_push(s, &st, 8, fl);
    x86_stack_push(s, &st, 8, env->segs[R_CS].selector);
    x86_stack_push(s, &st, 8, ret_rip);
    if (has_err) {
        x86_stack_push(s, &st, 8, err);
    }
    if (cdpl != s->cpl) {
        x86_seg_null(s, R_SS, cdpl);
        env->segs[R_SS].flags = (cdpl << DESC_DPL_SHIFT) | DESC_B_MASK;
    }
    env->regs[R_ESP] = st.sp;
    x86_seg_cache(s, R_CS, (sel & 0xfffc) | cdpl, c1, c2);
    clear_flags_on_entry(s, type & 1);
    x86_update_mode(s);
    set_rip(s, off);
}

void x86_do_interrupt(X86TCG *s, int vec, bool is_sw, uint32_t err,
                      bool has_err, uint64_t next_rip)
{
    CPUX86State *env = s->env;
    uint64_t ret_rip = is_sw ? next_rip : env->rip;

    qemu_log_mask(CPU_LOG_INT, "tcg: %s %d at %04x:%" PRIx64 " err %x\n",
                  is_sw ? "int" : "exception/irq", vec,
                  env->segs[R_CS].selector, env->rip, err);
    if (!s->pe) {
        do_interrupt_real(s, vec, ret_rip);
    } else if (s->lma) {
        do_interrupt_64(s, vec, is_sw, err, has_err, ret_rip);
    } else {
        if (is_sw && (env->eflags & VM_MASK) &&
            ((env->eflags >> 12) & 3) != 3) {
            x86_raise_gp(s, 0);
        }
        do_interrupt_pm(s, vec, is_sw, err, has_err, ret_rip);
    }
    env->halted = false;
}

/* ---- exception classes, #DF, triple fault ---- */

static int exc_class(int vec)
{
    switch (vec) {
    case EXCP00_DIVZ: case EXCP0A_TSS: case EXCP0B_NOSEG:
    case EXCP0C_STACK: case EXCP0D_GPF:
        return EXC_CONTRIBUTORY;
    case EXCP0E_PAGE:
        return EXC_PAGE_FAULT;
    case EXCP08_DBLE:
        return EXC_DOUBLE;
    default:
        return EXC_BENIGN;
    }
}

void x86_deliver_event(X86TCG *s, int vec, bool is_sw, uint32_t err,
                       bool has_err, uint64_t next_rip, int cls)
{
    s->exc_depth = 1;
    s->exc_class = cls;
    x86_do_interrupt(s, vec, is_sw, err, has_err, next_rip);
    s->exc_depth = 0;
    s->exc_class = EXC_BENIGN;
}

static bool is_fault(int vec)
{
    switch (vec) {
    case EXCP00_DIVZ: case EXCP05_BOUND: case EXCP06_ILLOP:
    case EXCP07_PREX: case EXCP0A_TSS: case EXCP0B_NOSEG:
    case EXCP0C_STACK: case EXCP0D_GPF: case EXCP0E_PAGE:
    case EXCP10_COPR: case EXCP11_ALGN: case EXCP13_XMM:
        return true;
    default:
        return false;
    }
}

bool x86_handle_exception(X86TCG *s)
{
    int vec = s->exc_vec;
    int cls = exc_class(vec);

    x86_update_mode(s);     /* an implicit access may have changed mmu_idx */
    s->block_end = false;
    s->dbg_deferred = 0;    /* traps of the faulting instruction are lost */
    if (s->exc_depth > 0) {
        int prev = s->exc_class;
        if (prev == EXC_DOUBLE) {
            qemu_log_mask(LOG_GUEST_ERROR, "tcg: triple fault at "
                          "%04x:%" PRIx64 ", resetting\n",
                          s->env->segs[R_CS].selector, s->env->rip);
            s->exc_depth = 0;
            s->exc_class = EXC_BENIGN;
            s->env->halted = true;
            qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
            return false;
        }
        if ((prev == EXC_CONTRIBUTORY && cls == EXC_CONTRIBUTORY) ||
            (prev == EXC_PAGE_FAULT && cls != EXC_BENIGN)) {
            x86_deliver_event(s, EXCP08_DBLE, false, 0, true, 0, EXC_DOUBLE);
            return true;
        }
    }
    /*
     * Faults push EFLAGS with RF set, so that the restarted instruction
     * does not hit its instruction breakpoint again (SDM 17.3.1.1).
     */
    s->push_rf = is_fault(vec);
    x86_deliver_event(s, vec, false, s->exc_err, s->exc_has_err, 0, cls);
    s->push_rf = false;
    return true;
}
