/*
 * Hardware task switching of the software CPU (Intel SDM vol. 3A 7.3):
 * JMP/CALL to a TSS descriptor or a task gate, interrupts and exceptions
 * through an IDT task gate, and IRET with EFLAGS.NT back to the previous
 * task; 16- and 32-bit TSS formats.  Faults before the old task's state
 * is saved are raised in the old task; later ones in the new task.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "target/x86/tcg/tcg-cpu.h"
#include "target/x86/tcg/seg.h"
#include "target/x86/tcg/task.h"

/* A TSS image: the fields a task switch saves and loads. */
typedef struct TaskState {
    uint32_t cr3, eip, eflags;
    uint32_t regs[8];
    uint16_t segs[6];       /* ES, CS, SS, DS, FS, GS */
    uint16_t ldt;
    bool trap;              /* 32-bit TSS T flag */
} TaskState;

static QEMU_NORETURN void raise_ts(X86TCG *s, uint16_t sel, int ext)
{
    x86_raise(s, EXCP0A_TSS, (sel & 0xfffc) | ext, true);
}

/* Where the dynamic fields are in a 16- and a 32-bit TSS (SDM 7.2.1, 7.7). */
typedef struct TSSLayout {
    uint32_t eip, eflags, regs, segs, ldt;
    int width;              /* bytes of EIP, EFLAGS and each register */
    int nsegs;              /* ES, CS, SS, DS (, FS, GS) */
    int seg_step;
} TSSLayout;

static const TSSLayout tss16 = { 0x0e, 0x10, 0x12, 0x22, 0x2a, 2, 4, 2 };
static const TSSLayout tss32 = { 0x20, 0x24, 0x28, 0x48, 0x60, 4, 6, 4 };

static void read_tss(X86TCG *s, uint64_t base, bool is32, TaskState *t)
{
    const TSSLayout *l = is32 ? &tss32 : &tss16;

    t->cr3 = is32 ? x86_sys_ld(s, base + 0x1c, 4) : 0;
    t->eip = x86_sys_ld(s, base + l->eip, l->width);
    t->eflags = x86_sys_ld(s, base + l->eflags, l->width);
    for (int i = 0; i < 8; i++) {
        t->regs[i] = x86_sys_ld(s, base + l->regs + i * l->width, l->width);
    }
    memset(t->segs, 0, sizeof(t->segs));
    for (int i = 0; i < l->nsegs; i++) {
        t->segs[i] = x86_sys_ld(s, base + l->segs + i * l->seg_step, 2);
    }
    t->ldt = x86_sys_ld(s, base + l->ldt, 2);
    t->trap = is32 && (x86_sys_ld(s, base + 0x64, 2) & 1);
}

/* Save the dynamic fields of the current task into its TSS. */
static void save_tss(X86TCG *s, uint64_t base, bool is32, uint32_t eip,
                     uint32_t eflags)
{
    const TSSLayout *l = is32 ? &tss32 : &tss16;
    CPUX86State *env = s->env;

    x86_sys_st(s, base + l->eip, l->width, eip);
    x86_sys_st(s, base + l->eflags, l->width, eflags);
    for (int i = 0; i < 8; i++) {
        x86_sys_st(s, base + l->regs + i * l->width, l->width, env->regs[i]);
    }
    for (int i = 0; i < l->nsegs; i++) {
        x86_sys_st(s, base + l->segs + i * l->seg_step, 2,
                   env->segs[i].selector);
    }
}

/* Set or clear the busy bit of TSS descriptor @sel (in the GDT). */
static void set_busy(X86TCG *s, uint16_t sel, bool busy)
{
    uint64_t addr = s->env->gdt.base + (sel & ~7u) + 4;
    uint32_t e2 = x86_sys_ld(s, addr, 4);

    if (busy) {
        e2 |= 2 << DESC_TYPE_SHIFT;
    } else {
        e2 &= ~(2u << DESC_TYPE_SHIFT);
    }
    x86_sys_st(s, addr, 4, e2);
}

/* The new task's LDT: null, or an LDT descriptor in the GDT. */
static void load_task_ldt(X86TCG *s, uint16_t sel, int ext)
{
    CPUX86State *env = s->env;
    uint32_t e1, e2;

    if ((sel & 0xfffc) == 0) {
        env->ldt.base = 0;
        env->ldt.limit = 0;
        env->ldt.flags = 0;
        return;
    }
    if ((sel & 4) || (sel & ~7u) + 7 > env->gdt.limit) {
        raise_ts(s, sel, ext);
    }
    e1 = x86_sys_ld(s, env->gdt.base + (sel & ~7u), 4);
    e2 = x86_sys_ld(s, env->gdt.base + (sel & ~7u) + 4, 4);
    if ((e2 & DESC_S_MASK) || ((e2 >> DESC_TYPE_SHIFT) & 0xf) != 2) {
        raise_ts(s, sel, ext);
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_ts(s, sel, ext);
    }
    env->ldt.base = x86_desc_base(e1, e2);
    env->ldt.limit = x86_desc_limit(e1, e2);
    env->ldt.flags = e2 & 0x00ffff00;
}

/*
 * Load segment @seg of the new task at privilege @cpl with the checks of
 * SDM 7.3 step 13: #TS for a bad selector or descriptor, #NP (#SS for SS)
 * when not present.
 */
static void load_task_seg(X86TCG *s, int seg, uint16_t sel, int cpl,
                          int ext)
{
    uint32_t e1, e2;
    int dpl, rpl = sel & 3;

    if ((sel & 0xfffc) == 0) {
        if (seg == R_SS || seg == R_CS) {
            raise_ts(s, sel, ext);
        }
        x86_seg_null(s, seg, sel);
        return;
    }
    if (!x86_desc_read(s, sel, &e1, &e2) || !(e2 & DESC_S_MASK)) {
        raise_ts(s, sel, ext);
    }
    dpl = (e2 >> DESC_DPL_SHIFT) & 3;
    if (seg == R_CS) {
        if (!(e2 & DESC_CS_MASK) ||
            ((e2 & DESC_C_MASK) ? dpl > rpl : dpl != rpl)) {
            raise_ts(s, sel, ext);
        }
    } else if (seg == R_SS) {
        if ((e2 & DESC_CS_MASK) || !(e2 & DESC_W_MASK) ||
            dpl != cpl || rpl != cpl) {
            raise_ts(s, sel, ext);
        }
    } else {
        if ((e2 & DESC_CS_MASK) && !(e2 & DESC_R_MASK)) {
            raise_ts(s, sel, ext);
        }
        if ((!(e2 & DESC_CS_MASK) || !(e2 & DESC_C_MASK)) &&
            (dpl < cpl || dpl < rpl)) {
            raise_ts(s, sel, ext);
        }
    }
    if (!(e2 & DESC_P_MASK)) {
        x86_raise(s, seg == R_SS ? EXCP0C_STACK : EXCP0B_NOSEG,
                  (sel & 0xfffc) | ext, true);
    }
    x86_desc_set_accessed(s, sel, &e2);
    x86_seg_cache(s, seg, sel, e1, e2);
}

void x86_task_switch(X86TCG *s, uint16_t sel, uint32_t e1, uint32_t e2,
                     int source, uint64_t next_eip, int ext,
                     bool has_err, uint32_t err)
{
    CPUX86State *env = s->env;
    int type = (e2 >> DESC_TYPE_SHIFT) & 0xf;
    bool is32 = type & 8;
    uint64_t base = x86_desc_base(e1, e2);
    uint32_t limit = x86_desc_limit(e1, e2);
    uint64_t old_base = env->tr.base;
    bool old32 = (env->tr.flags >> DESC_TYPE_SHIFT) & 8;
    uint16_t old_sel = env->tr.selector;
    uint32_t old_eflags;
    TaskState t;
    int cpl;

    qemu_log_mask(CPU_LOG_INT, "tcg: task switch (%d) from %04x to %04x\n",
                  source, old_sel, sel);
    /* available (JMP, CALL, INT) or busy (IRET) TSS, present, big enough */
    if ((sel & 4) || (e2 & DESC_S_MASK) ||
        (type & 7) != (source == TASK_IRET ? 3 : 1)) {
        if (source == TASK_IRET) {
            raise_ts(s, sel, ext);
        }
        x86_raise_gp(s, (sel & 0xfffc) | ext);
    }
    if (!(e2 & DESC_P_MASK)) {
        x86_raise(s, EXCP0B_NOSEG, (sel & 0xfffc) | ext, true);
    }
    if (limit < (is32 ? 0x67u : 0x2bu)) {
        raise_ts(s, sel, ext);
    }
    if (env->tr.limit < (old32 ? 0x67u : 0x2bu)) {
        raise_ts(s, old_sel, ext);
    }
    /* everything that can fault in the old task: read, then write */
    read_tss(s, base, is32, &t);
    old_eflags = x86_get_eflags(s);
    if (source == TASK_IRET) {
        old_eflags &= ~(uint32_t)NT_MASK;
    }
    if (source == TASK_JMP || source == TASK_IRET) {
        set_busy(s, old_sel, false);
    }
    save_tss(s, old_base, old32, next_eip, old_eflags);
    if (source == TASK_CALL || source == TASK_INT) {
        x86_sys_st(s, base, 2, old_sel);        /* back link */
        t.eflags |= NT_MASK;
    }
    if (source != TASK_IRET) {
        set_busy(s, sel, true);
        e2 |= 2 << DESC_TYPE_SHIFT;
    }

    /* commit: from here on, faults belong to the new task */
    env->cr[0] |= CR0_TS_MASK;
    env->tr.selector = sel;
    env->tr.base = base;
    env->tr.limit = limit;
    env->tr.flags = e2 & 0x00ffff00;
    if (is32 && (env->cr[0] & CR0_PG_MASK) && t.cr3 != env->cr[3]) {
        x86_write_cr(s, 3, t.cr3);
    }
    for (int i = 0; i < 8; i++) {
        env->regs[i] = is32 ? t.regs[i]
                            : (env->regs[i] & ~0xffffULL) | t.regs[i];
    }
    env->rip = t.eip;
    s->next_rip = t.eip;
    s->block_end = true;
    x86_load_eflags(s, t.eflags, is32 ? ~0u : 0xffff);
    /* local breakpoints belong to the old task (SDM 17.2.4) */
    env->dr[7] &= ~0x155ULL;
    x86_debug_update(s);
    for (int i = 0; i < 6; i++) {
        env->segs[i].selector = t.segs[i];
        env->segs[i].flags = 0;
    }
    env->ldt.selector = t.ldt;
    load_task_ldt(s, t.ldt, ext);
    if (t.eflags & VM_MASK) {
        for (int i = 0; i < 6; i++) {
            x86_seg_real(s, i, t.segs[i]);
        }
        x86_update_mode(s);
    } else {
        cpl = t.segs[R_CS] & 3;
        load_task_seg(s, R_CS, t.segs[R_CS], cpl, ext);
        load_task_seg(s, R_SS, t.segs[R_SS], cpl, ext);
        x86_update_mode(s);
        load_task_seg(s, R_ES, t.segs[R_ES], cpl, ext);
        load_task_seg(s, R_DS, t.segs[R_DS], cpl, ext);
        load_task_seg(s, R_FS, t.segs[R_FS], cpl, ext);
        load_task_seg(s, R_GS, t.segs[R_GS], cpl, ext);
    }
    if (t.eip > env->segs[R_CS].limit) {
        x86_raise_gp(s, 0);
    }
    if (has_err) {
        X86Stack st;
        x86_stack_cur(s, &st);
        x86_stack_push(s, &st, is32 ? 4 : 2, err);
        x86_stack_commit(s, &st);
    }
    if (t.trap) {
        /* T flag: a debug trap before the new task's first instruction */
        env->dr[6] |= 1u << 15;     /* BT */
        x86_do_interrupt(s, EXCP01_DB, false, 0, false, 0);
    }
}

/* The TSS descriptor a task gate (e2 of the gate) names, checked. */
static void gate_tss(X86TCG *s, uint32_t gate_e1, int ext, uint16_t *sel,
                     uint32_t *e1, uint32_t *e2)
{
    *sel = gate_e1 >> 16;
    if ((*sel & 4) || !x86_desc_read(s, *sel, e1, e2)) {
        x86_raise_gp(s, (*sel & 0xfffc) | ext);
    }
}

void x86_task_gate(X86TCG *s, uint32_t e1, uint32_t e2, int source,
                   uint64_t next_eip, int ext, bool has_err, uint32_t err)
{
    uint16_t sel;
    uint32_t t1, t2;

    gate_tss(s, e1, ext, &sel, &t1, &t2);
    x86_task_switch(s, sel, t1, t2, source, next_eip, ext, has_err, err);
}

/* JMP/CALL far to a TSS descriptor (type 1/9) or a task gate (type 5). */
void x86_task_far(X86TCG *s, uint16_t sel, uint32_t e1, uint32_t e2,
                  int source, uint64_t next_eip)
{
    int type = (e2 >> DESC_TYPE_SHIFT) & 0xf;
    int dpl = (e2 >> DESC_DPL_SHIFT) & 3;

    if (s->lma) {
        x86_raise_gp(s, sel & 0xfffc);
    }
    if (dpl < s->cpl || dpl < (sel & 3)) {
        x86_raise_gp(s, sel & 0xfffc);
    }
    if (type == 5) {
        if (!(e2 & DESC_P_MASK)) {
            x86_raise(s, EXCP0B_NOSEG, sel & 0xfffc, true);
        }
        x86_task_gate(s, e1, e2, source, next_eip, 0, false, 0);
    } else {
        x86_task_switch(s, sel, e1, e2, source, next_eip, 0, false, 0);
    }
}

/* IRET with EFLAGS.NT: back to the task named by the back link. */
void x86_task_return(X86TCG *s, uint64_t next_eip)
{
    uint16_t sel = x86_sys_ld(s, s->env->tr.base, 2);
    uint32_t e1, e2;

    if ((sel & 4) || !x86_desc_read(s, sel, &e1, &e2)) {
        raise_ts(s, sel, 0);
    }
    x86_task_switch(s, sel, e1, e2, TASK_IRET, next_eip, 0, false, 0);
}
