/*
 * Segmentation of the software CPU (Intel SDM vol. 3A ch. 3, 5):
 * descriptor loads with their protection checks and error codes, far
 * JMP/CALL/RET (call gates with stack switch), LLDT/LTR, LAR/LSL/VERR/VERW.
 * Helpers that move RIP write both env->rip and s->next_rip.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "target/x86/tcg/tcg-cpu.h"
#include "target/x86/tcg/seg.h"
#include "target/x86/tcg/task.h"

/* ---- supervisor ("implicit") accesses to system structures ---- */

uint64_t x86_sys_ld(X86TCG *s, uint64_t lin, int size)
{
    int m = s->mmu_idx;
    uint64_t v;

    s->mmu_idx = 0;
    v = x86_ld_lin(s, lin, size);
    s->mmu_idx = m;
    return v;
}

void x86_sys_st(X86TCG *s, uint64_t lin, int size, uint64_t v)
{
    int m = s->mmu_idx;

    s->mmu_idx = 0;
    x86_st_lin(s, lin, size, v);
    s->mmu_idx = m;
}

/* ---- descriptors ---- */

bool x86_desc_read(X86TCG *s, uint16_t sel, uint32_t *e1, uint32_t *e2)
{
    CPUX86State *env = s->env;
    uint64_t base;
    uint32_t limit, idx = sel & ~7u;

    if (sel & 4) {
        if (!(env->ldt.flags & DESC_P_MASK) && (env->ldt.selector & ~3u) == 0) {
            return false;
        }
        base = env->ldt.base;
        limit = env->ldt.limit;
    } else {
        base = env->gdt.base;
        limit = env->gdt.limit;
    }
    if (idx + 7 > limit) {
        return false;
    }
    *e1 = x86_sys_ld(s, base + idx, 4);
    *e2 = x86_sys_ld(s, base + idx + 4, 4);
    return true;
}

void x86_desc_set_accessed(X86TCG *s, uint16_t sel, uint32_t *e2)
{
    CPUX86State *env = s->env;
    uint64_t base = (sel & 4) ? env->ldt.base : env->gdt.base;

    if (!(*e2 & DESC_A_MASK)) {
        *e2 |= DESC_A_MASK;
        x86_sys_st(s, base + (sel & ~7u) + 4, 4, *e2);
    }
}

uint64_t x86_desc_base(uint32_t e1, uint32_t e2)
{
    return (e1 >> 16) | ((e2 & 0xff) << 16) | (e2 & 0xff000000);
}

uint32_t x86_desc_limit(uint32_t e1, uint32_t e2)
{
    uint32_t limit = (e1 & 0xffff) | (e2 & 0x000f0000);
    return (e2 & DESC_G_MASK) ? (limit << 12) | 0xfff : limit;
}

void x86_seg_cache(X86TCG *s, int seg, uint16_t sel, uint32_t e1,
                   uint32_t e2)
{
    SegmentCache *sc = &s->env->segs[seg];
    sc->selector = sel;
    sc->base = x86_desc_base(e1, e2);
    sc->limit = x86_desc_limit(e1, e2);
    sc->flags = e2 & 0x00ffff00;
}

void x86_seg_null(X86TCG *s, int seg, uint16_t sel)
{
    SegmentCache *sc = &s->env->segs[seg];
    sc->selector = sel;
    sc->base = 0;
    sc->limit = 0;
    sc->flags = 0;
}

void x86_seg_real(X86TCG *s, int seg, uint16_t sel)
{
    SegmentCache *sc = &s->env->segs[seg];
    sc->selector = sel;
    sc->base = (uint32_t)sel << 4;
    if (s->env->eflags & VM_MASK) {
        sc->limit = 0xffff;
        sc->flags = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK |
                    (3 << DESC_DPL_SHIFT) | (seg == R_CS ? DESC_CS_MASK : 0);
    }
}

/* The stack pointer of privilege @dpl from the current TSS. */
void x86_tss_stack(X86TCG *s, int dpl, uint16_t *ss, uint64_t *sp, int ext)
{
    CPUX86State *env = s->env;
    int type = (env->tr.flags >> DESC_TYPE_SHIFT) & 0xf;

    if (!(env->tr.flags & DESC_P_MASK)) {
        qemu_log_mask(LOG_GUEST_ERROR, "tcg: no valid TSS\n");
        x86_raise(s, EXCP0A_TSS, (env->tr.selector & 0xfffc) | ext, true);
    }
    if (s->lma) {
        uint32_t off = 4 + dpl * 8;
        if (off + 7 > env->tr.limit) {
            x86_raise(s, EXCP0A_TSS, (env->tr.selector & 0xfffc) | ext, true);
        }
        *sp = x86_sys_ld(s, env->tr.base + off, 8);
        *ss = dpl;
    } else if (type & 8) {
        uint32_t off = 4 + dpl * 8;
        if (off + 7 > env->tr.limit) {
            x86_raise(s, EXCP0A_TSS, (env->tr.selector & 0xfffc) | ext, true);
        }
        *sp = x86_sys_ld(s, env->tr.base + off, 4);
        *ss = x86_sys_ld(s, env->tr.base + off + 4, 2);
    } else {
        uint32_t off = 2 + dpl * 4;
        if (off + 3 > env->tr.limit) {
            x86_raise(s, EXCP0A_TSS, (env->tr.selector & 0xfffc) | ext, true);
        }
        *sp = x86_sys_ld(s, env->tr.base + off, 2);
        *ss = x86_sys_ld(s, env->tr.base + off + 2, 2);
    }
}

/*
 * Check and load the SS of an inner-privilege stack switch (@dpl, from the
 * TSS or a call gate); errors are #TS as the SDM specifies.
 */
void x86_load_inner_ss(X86TCG *s, uint16_t ss, int dpl, int ext,
                       uint32_t *e1, uint32_t *e2)
{
    if ((ss & 0xfffc) == 0 || (ss & 3) != dpl ||
        !x86_desc_read(s, ss, e1, e2)) {
        x86_raise(s, EXCP0A_TSS, (ss & 0xfffc) | ext, true);
    }
    if (((*e2 >> DESC_DPL_SHIFT) & 3) != (uint32_t)dpl ||
        (*e2 & (DESC_S_MASK | DESC_CS_MASK | DESC_W_MASK)) !=
        (DESC_S_MASK | DESC_W_MASK)) {
        x86_raise(s, EXCP0A_TSS, (ss & 0xfffc) | ext, true);
    }
    if (!(*e2 & DESC_P_MASK)) {
        x86_raise(s, EXCP0C_STACK, (ss & 0xfffc) | ext, true);
    }
}

/* ---- data/stack segment loads ---- */

void x86_load_seg(X86TCG *s, int seg, uint16_t sel)
{
    CPUX86State *env = s->env;
    uint32_t e1, e2;
    int dpl, rpl = sel & 3, cpl = s->cpl;

    if (!s->pe || (env->eflags & VM_MASK)) {
        x86_seg_real(s, seg, sel);
        if (seg == R_SS || seg == R_CS) {
            x86_update_mode(s);
        }
        return;
    }
    if ((sel & 0xfffc) == 0) {
        if (seg == R_SS && !(s->code64 && cpl < 3 && rpl == cpl)) {
            x86_raise_gp(s, 0);
        }
        if (seg == R_CS) {
            x86_raise_gp(s, 0);
        }
        x86_seg_null(s, seg, sel);
        if (seg == R_SS) {
            /* 64-bit null SS keeps the RPL as its DPL */
            env->segs[R_SS].flags = (cpl << DESC_DPL_SHIFT) | DESC_B_MASK;
            x86_update_mode(s);
        }
        return;
    }
    if (!x86_desc_read(s, sel, &e1, &e2)) {
        x86_raise_gp(s, sel & 0xfffc);
    }
    if (!(e2 & DESC_S_MASK)) {
        x86_raise_gp(s, sel & 0xfffc);
    }
    dpl = (e2 >> DESC_DPL_SHIFT) & 3;
    if (seg == R_SS) {
        if (rpl != cpl || dpl != cpl || (e2 & DESC_CS_MASK) ||
            !(e2 & DESC_W_MASK)) {
            x86_raise_gp(s, sel & 0xfffc);
        }
        if (!(e2 & DESC_P_MASK)) {
            x86_raise(s, EXCP0C_STACK, sel & 0xfffc, true);
        }
    } else {
        if ((e2 & DESC_CS_MASK) && !(e2 & DESC_R_MASK)) {
            x86_raise_gp(s, sel & 0xfffc);
        }
        if (!(e2 & DESC_CS_MASK) || !(e2 & DESC_C_MASK)) {
            if (dpl < cpl || dpl < rpl) {
                x86_raise_gp(s, sel & 0xfffc);
            }
        }
        if (!(e2 & DESC_P_MASK)) {
            x86_raise(s, EXCP0B_NOSEG, sel & 0xfffc, true);
        }
    }
    x86_desc_set_accessed(s, sel, &e2);
    x86_seg_cache(s, seg, sel, e1, e2);
    if (seg == R_SS) {
        x86_update_mode(s);
    }
}

/* ---- far transfers ---- */

static void set_rip(X86TCG *s, uint64_t rip)
{
    s->env->rip = rip;
    s->next_rip = rip;
    s->block_end = true;
}

/* Load CS from a checked code descriptor at privilege @cpl. */
static void load_cs(X86TCG *s, uint16_t sel, uint32_t e1, uint32_t e2,
                    int cpl)
{
    x86_desc_set_accessed(s, sel, &e2);
    x86_seg_cache(s, R_CS, (sel & 0xfffc) | cpl, e1, e2);
    x86_update_mode(s);
}

static void check_rip_limit(X86TCG *s, uint64_t rip)
{
    if (!s->code64 && rip > s->env->segs[R_CS].limit) {
        x86_raise_gp(s, 0);
    }
}

/* Checks for a code segment reached by JMP/CALL without a gate. */
static void check_direct_code(X86TCG *s, uint16_t sel, uint32_t e2)
{
    int dpl = (e2 >> DESC_DPL_SHIFT) & 3;

    if (e2 & DESC_C_MASK) {
        if (dpl > s->cpl) {
            x86_raise_gp(s, sel & 0xfffc);
        }
    } else if ((sel & 3) > s->cpl || dpl != s->cpl) {
        x86_raise_gp(s, sel & 0xfffc);
    }
    if (!(e2 & DESC_P_MASK)) {
        x86_raise(s, EXCP0B_NOSEG, sel & 0xfffc, true);
    }
    if (s->lma && (e2 & DESC_L_MASK) && (e2 & DESC_B_MASK)) {
        x86_raise_gp(s, sel & 0xfffc);
    }
}

typedef struct Gate {
    uint16_t sel;
    uint64_t off;
    int type, dpl, params;
} Gate;

/* Read a call gate (8 bytes, or 16 in long mode). */
static void read_call_gate(X86TCG *s, uint16_t sel, uint32_t e1, uint32_t e2,
                           Gate *g)
{
    g->type = (e2 >> DESC_TYPE_SHIFT) & 0xf;
    g->dpl = (e2 >> DESC_DPL_SHIFT) & 3;
    g->sel = e1 >> 16;
    g->params = e2 & 0x1f;
    g->off = (e2 & 0xffff0000) | (e1 & 0xffff);
    if (g->type == 4) {
        g->off &= 0xffff;
    }
    if (s->lma) {
        uint64_t base = (sel & 4) ? s->env->ldt.base : s->env->gdt.base;
        uint32_t limit = (sel & 4) ? s->env->ldt.limit : s->env->gdt.limit;
        uint32_t e3, e4;
        if ((sel & ~7u) + 15 > limit || g->type != 12) {
            x86_raise_gp(s, sel & 0xfffc);
        }
        e3 = x86_sys_ld(s, base + (sel & ~7u) + 8, 4);
        e4 = x86_sys_ld(s, base + (sel & ~7u) + 12, 4);
        if ((e4 >> 8) & 0x1f) {
            x86_raise_gp(s, sel & 0xfffc);
        }
        g->off |= (uint64_t)e3 << 32;
        g->params = 0;
    }
    if ((g->dpl < s->cpl) || g->dpl < (sel & 3)) {
        x86_raise_gp(s, sel & 0xfffc);
    }
    if (!(e2 & DESC_P_MASK)) {
        x86_raise(s, EXCP0B_NOSEG, sel & 0xfffc, true);
    }
}

void x86_far_jump(X86TCG *s, uint16_t sel, uint64_t off, int ot)
{
    CPUX86State *env = s->env;
    uint32_t e1, e2;

    if (!s->pe || (env->eflags & VM_MASK)) {
        x86_seg_real(s, R_CS, sel);
        x86_update_mode(s);
        set_rip(s, off & (ot == 1 ? 0xffff : 0xffffffff));
        return;
    }
    if ((sel & 0xfffc) == 0) {
        x86_raise_gp(s, 0);
    }
    if (!x86_desc_read(s, sel, &e1, &e2)) {
        x86_raise_gp(s, sel & 0xfffc);
    }
    if (e2 & DESC_S_MASK) {
        if (!(e2 & DESC_CS_MASK)) {
            x86_raise_gp(s, sel & 0xfffc);
        }
        check_direct_code(s, sel, e2);
        if (!(s->lma && (e2 & DESC_L_MASK)) && off > x86_desc_limit(e1, e2)) {
            x86_raise_gp(s, 0);
        }
        load_cs(s, sel, e1, e2, s->cpl);
        set_rip(s, off);
        return;
    }
    {
        int type = (e2 >> DESC_TYPE_SHIFT) & 0xf;
        Gate g;
        uint32_t c1, c2;
        int cdpl;

        if (type == 1 || type == 9 || type == 5) {
            x86_task_far(s, sel, e1, e2, TASK_JMP, s->next_rip);
            return;
        }
        if (type != 4 && type != 12) {
            x86_raise_gp(s, sel & 0xfffc);
        }
        read_call_gate(s, sel, e1, e2, &g);
        if ((g.sel & 0xfffc) == 0 || !x86_desc_read(s, g.sel, &c1, &c2) ||
            (c2 & (DESC_S_MASK | DESC_CS_MASK)) !=
            (DESC_S_MASK | DESC_CS_MASK)) {
            x86_raise_gp(s, g.sel & 0xfffc);
        }
        cdpl = (c2 >> DESC_DPL_SHIFT) & 3;
        if ((c2 & DESC_C_MASK) ? cdpl > s->cpl : cdpl != s->cpl) {
            x86_raise_gp(s, g.sel & 0xfffc);
        }
        if (!(c2 & DESC_P_MASK)) {
            x86_raise(s, EXCP0B_NOSEG, g.sel & 0xfffc, true);
        }
        load_cs(s, g.sel, c1, c2, s->cpl);
        check_rip_limit(s, g.off);
        set_rip(s, g.off);
    }
}

/* Push on a stack given by base/sp/mask (used before SS is loaded). */
void x86_stack_push(X86TCG *s, X86Stack *st, int size, uint64_t v)
{
    st->sp = (st->sp - size) & st->mask;
    x86_st_lin(s, s->lma && st->mask == ~0ULL ? st->sp
                                       : (uint32_t)(st->base + st->sp),
               size, v);
}

uint64_t x86_stack_pop(X86TCG *s, X86Stack *st, int size)
{
    uint64_t v = x86_ld_lin(s, s->lma && st->mask == ~0ULL ? st->sp
                                       : (uint32_t)(st->base + st->sp), size);
    st->sp = (st->sp + size) & st->mask;
    return v;
}

void x86_stack_cur(X86TCG *s, X86Stack *st)
{
    st->base = s->code64 ? 0 : s->env->segs[R_SS].base;
    st->mask = x86_sp_mask(s);
    st->sp = s->env->regs[R_ESP] & st->mask;
}

void x86_stack_commit(X86TCG *s, X86Stack *st)
{
    uint64_t *sp = &s->env->regs[R_ESP];
    if (st->mask == 0xffff) {
        *sp = (*sp & ~0xffffULL) | (st->sp & 0xffff);
    } else if (st->mask == 0xffffffffULL) {
        *sp = (uint32_t)st->sp;
    } else {
        *sp = st->sp;
    }
}

uint64_t x86_ss_mask(uint32_t flags, bool lma64)
{
    if (lma64) {
        return ~0ULL;
    }
    return (flags & DESC_B_MASK) ? 0xffffffffULL : 0xffff;
}

void x86_far_call(X86TCG *s, uint16_t sel, uint64_t off, int ot,
                  uint64_t next_rip)
{
    CPUX86State *env = s->env;
    uint32_t e1, e2;
    int size = 1 << ot;
    X86Stack st;

    x86_stack_cur(s, &st);
    if (!s->pe || (env->eflags & VM_MASK)) {
        x86_stack_push(s, &st, size, env->segs[R_CS].selector);
        x86_stack_push(s, &st, size, next_rip);
        x86_stack_commit(s, &st);
        x86_seg_real(s, R_CS, sel);
        x86_update_mode(s);
        set_rip(s, off & (ot == 1 ? 0xffff : 0xffffffff));
        return;
    }
    if ((sel & 0xfffc) == 0) {
        x86_raise_gp(s, 0);
    }
    if (!x86_desc_read(s, sel, &e1, &e2)) {
        x86_raise_gp(s, sel & 0xfffc);
    }
    if (e2 & DESC_S_MASK) {
        if (!(e2 & DESC_CS_MASK)) {
            x86_raise_gp(s, sel & 0xfffc);
        }
        check_direct_code(s, sel, e2);
        if (!(s->lma && (e2 & DESC_L_MASK)) && off > x86_desc_limit(e1, e2)) {
            x86_raise_gp(s, 0);
        }
        x86_stack_push(s, &st, size, env->segs[R_CS].selector);
        x86_stack_push(s, &st, size, next_rip);
        x86_stack_commit(s, &st);
        load_cs(s, sel, e1, e2, s->cpl);
        set_rip(s, off);
        return;
    }
    {
        int type = (e2 >> DESC_TYPE_SHIFT) & 0xf;
        Gate g;
        uint32_t c1, c2;
        int cdpl, gsize;

        if (type == 1 || type == 9 || type == 5) {
            x86_task_far(s, sel, e1, e2, TASK_CALL, next_rip);
            return;
        }
        if (type != 4 && type != 12) {
            x86_raise_gp(s, sel & 0xfffc);
        }
        read_call_gate(s, sel, e1, e2, &g);
        gsize = s->lma ? 8 : type == 12 ? 4 : 2;
        if ((g.sel & 0xfffc) == 0) {
            x86_raise_gp(s, 0);
        }
        if (!x86_desc_read(s, g.sel, &c1, &c2) ||
            (c2 & (DESC_S_MASK | DESC_CS_MASK)) !=
            (DESC_S_MASK | DESC_CS_MASK)) {
            x86_raise_gp(s, g.sel & 0xfffc);
        }
        cdpl = (c2 >> DESC_DPL_SHIFT) & 3;
        if (cdpl > s->cpl) {
            x86_raise_gp(s, g.sel & 0xfffc);
        }
        if (!(c2 & DESC_P_MASK)) {
            x86_raise(s, EXCP0B_NOSEG, g.sel & 0xfffc, true);
        }
        if (s->lma && (!(c2 & DESC_L_MASK) || (c2 & DESC_B_MASK))) {
            x86_raise_gp(s, g.sel & 0xfffc);
        }
        if (!(c2 & DESC_C_MASK) && cdpl < s->cpl) {
            /* inner privilege: switch to the TSS stack of cdpl */
            uint16_t nss;
            uint64_t nsp;
            uint32_t s1 = 0, s2 = 0;
            X86Stack ns;
            uint64_t old_ss = env->segs[R_SS].selector;
            uint64_t old_sp = env->regs[R_ESP];
            X86Stack old = st;

            x86_tss_stack(s, cdpl, &nss, &nsp, 0);
            if (s->lma) {
                ns.base = 0;
                ns.mask = ~0ULL;
                ns.sp = nsp;
            } else {
                x86_load_inner_ss(s, nss, cdpl, 0, &s1, &s2);
                ns.base = x86_desc_base(s1, s2);
                ns.mask = x86_ss_mask(s2, false);
                ns.sp = nsp & ns.mask;
            }
            s->mmu_idx = cdpl == 3;
            x86_stack_push(s, &ns, gsize, old_ss);
            x86_stack_push(s, &ns, gsize, old_sp);
            /* copy the parameters, last first */
            for (int i = g.params - 1; i >= 0; i--) {
                X86Stack p = old;
                p.sp = (old.sp + i * gsize) & old.mask;
                s->mmu_idx = s->cpl == 3;
                uint64_t v = x86_stack_pop(s, &p, gsize);
                s->mmu_idx = cdpl == 3;
                x86_stack_push(s, &ns, gsize, v);
            }
            x86_stack_push(s, &ns, gsize, env->segs[R_CS].selector);
            x86_stack_push(s, &ns, gsize, next_rip);
            if (s->lma) {
                x86_seg_null(s, R_SS, cdpl);
                env->segs[R_SS].flags = cdpl << DESC_DPL_SHIFT;
            } else {
                x86_desc_set_accessed(s, nss, &s2);
                x86_seg_cache(s, R_SS, nss, s1, s2);
            }
            load_cs(s, g.sel, c1, c2, cdpl);
            st = ns;
            x86_stack_commit(s, &st);
        } else {
            x86_stack_push(s, &st, gsize, env->segs[R_CS].selector);
            x86_stack_push(s, &st, gsize, next_rip);
            x86_stack_commit(s, &st);
            load_cs(s, g.sel, c1, c2, s->cpl);
        }
        check_rip_limit(s, g.off);
        set_rip(s, g.off);
    }
}

/* After a return to an outer level: data segments the new CPL may not use become null. */
static void invalidate_outer_segs(X86TCG *s)
{
    static const int segs[] = { R_ES, R_DS, R_FS, R_GS };

    for (int i = 0; i < 4; i++) {
        SegmentCache *sc = &s->env->segs[segs[i]];
        int dpl = (sc->flags >> DESC_DPL_SHIFT) & 3;
        if ((sc->flags & DESC_S_MASK) &&
            (!(sc->flags & DESC_CS_MASK) || !(sc->flags & DESC_C_MASK)) &&
            dpl < s->cpl) {
            x86_seg_null(s, segs[i], 0);
        }
    }
}

/*
 * Common part of far RET and protected-mode IRET: @cs/@rip were popped
 * from @st; pops SS:ESP when returning to an outer level.
 */
static void pm_return(X86TCG *s, X86Stack *st, uint16_t cs, uint64_t rip,
                      int size, uint16_t pop_extra, bool is_iret)
{
    CPUX86State *env = s->env;
    uint32_t e1, e2;
    int rpl = cs & 3, dpl, old_cpl = s->cpl;

    if ((cs & 0xfffc) == 0) {
        x86_raise_gp(s, 0);
    }
    if (!x86_desc_read(s, cs, &e1, &e2)) {
        x86_raise_gp(s, cs & 0xfffc);
    }
    if ((e2 & (DESC_S_MASK | DESC_CS_MASK)) != (DESC_S_MASK | DESC_CS_MASK) ||
        rpl < s->cpl) {
        x86_raise_gp(s, cs & 0xfffc);
    }
    dpl = (e2 >> DESC_DPL_SHIFT) & 3;
    if ((e2 & DESC_C_MASK) ? dpl > rpl : dpl != rpl) {
        x86_raise_gp(s, cs & 0xfffc);
    }
    if (!(e2 & DESC_P_MASK)) {
        x86_raise(s, EXCP0B_NOSEG, cs & 0xfffc, true);
    }
    if (s->lma && (e2 & DESC_L_MASK) && (e2 & DESC_B_MASK)) {
        x86_raise_gp(s, cs & 0xfffc);
    }
    st->sp = (st->sp + pop_extra) & st->mask;
    if (rpl == s->cpl && !(s->code64 && is_iret)) {
        /* same privilege */
        load_cs(s, cs, e1, e2, rpl);
        x86_stack_commit(s, st);
    } else {
        /* outer privilege (or IRET in 64-bit mode): pop SS:RSP */
        uint64_t nsp = x86_stack_pop(s, st, size);
        uint16_t nss = x86_stack_pop(s, st, size);
        uint32_t s1, s2;
        bool to64 = s->lma && (e2 & DESC_L_MASK);

        if ((nss & 0xfffc) == 0) {
            if (!(to64 && rpl != 3)) {
                x86_raise_gp(s, 0);
            }
            load_cs(s, cs, e1, e2, rpl);
            x86_seg_null(s, R_SS, nss);
            env->segs[R_SS].flags = (rpl << DESC_DPL_SHIFT) | DESC_B_MASK;
        } else {
            if ((nss & 3) != rpl || !x86_desc_read(s, nss, &s1, &s2)) {
                x86_raise_gp(s, nss & 0xfffc);
            }
            if ((s2 & (DESC_S_MASK | DESC_CS_MASK | DESC_W_MASK)) !=
                (DESC_S_MASK | DESC_W_MASK) ||
                ((s2 >> DESC_DPL_SHIFT) & 3) != (uint32_t)rpl) {
                x86_raise_gp(s, nss & 0xfffc);
            }
            if (!(s2 & DESC_P_MASK)) {
                x86_raise(s, EXCP0C_STACK, nss & 0xfffc, true);
            }
            load_cs(s, cs, e1, e2, rpl);
            x86_desc_set_accessed(s, nss, &s2);
            x86_seg_cache(s, R_SS, nss, s1, s2);
        }
        x86_update_mode(s);
        nsp += is_iret ? 0 : pop_extra;
        if (s->code64) {
            env->regs[R_ESP] = nsp;
        } else if (env->segs[R_SS].flags & DESC_B_MASK) {
            env->regs[R_ESP] = (uint32_t)nsp;
        } else {
            env->regs[R_ESP] = (env->regs[R_ESP] & ~0xffffULL) |
                               (nsp & 0xffff);
        }
        if (rpl > old_cpl) {
            invalidate_outer_segs(s);
        }
    }
    if (!s->code64) {
        rip &= size == 2 ? 0xffff : 0xffffffff;
    }
    check_rip_limit(s, rip);
    set_rip(s, rip);
}

void x86_far_ret(X86TCG *s, int ot, uint16_t pop_extra)
{
    CPUX86State *env = s->env;
    int size = 1 << ot;
    X86Stack st;
    uint64_t rip;
    uint16_t cs;

    x86_stack_cur(s, &st);
    rip = x86_stack_pop(s, &st, size);
    cs = x86_stack_pop(s, &st, size);
    if (!s->pe || (env->eflags & VM_MASK)) {
        st.sp = (st.sp + pop_extra) & st.mask;
        x86_stack_commit(s, &st);
        x86_seg_real(s, R_CS, cs);
        x86_update_mode(s);
        set_rip(s, rip & (size == 2 ? 0xffff : 0xffffffff));
        return;
    }
    pm_return(s, &st, cs, rip, size, pop_extra, false);
}

/* EFLAGS bits IRET may change, by privilege. */
static uint32_t iret_mask(X86TCG *s, int size)
{
    uint32_t mask = CC_ARITH | TF_MASK | DF_MASK | NT_MASK | RF_MASK |
                    AC_MASK | ID_MASK;
    int iopl = (s->env->eflags >> 12) & 3;

    if (s->cpl == 0) {
        mask |= IOPL_MASK | IF_MASK | VIF_MASK | VIP_MASK;
    } else if (s->cpl <= iopl) {
        mask |= IF_MASK;
    }
    if (size == 2) {
        mask &= 0xffff;
    }
    return mask;
}

void x86_load_eflags(X86TCG *s, uint32_t val, uint32_t mask)
{
    CPUX86State *env = s->env;

    env->eflags = x86_get_eflags(s);
    s->cc_op = CC_OP_EFLAGS;
    env->eflags = (env->eflags & ~(uint64_t)mask) | (val & mask) | 2;
    if (unlikely(env->eflags & TF_MASK)) {
        x86_debug_update(s);
    }
}

void x86_iret(X86TCG *s, int ot)
{
    CPUX86State *env = s->env;
    int size = 1 << ot;
    X86Stack st;
    uint64_t rip, fl;
    uint16_t cs;

    s->nmi_blocked = false;
    x86_stack_cur(s, &st);
    if (!s->pe) {
        rip = x86_stack_pop(s, &st, size);
        cs = x86_stack_pop(s, &st, size);
        fl = x86_stack_pop(s, &st, size);
        x86_stack_commit(s, &st);
        x86_seg_real(s, R_CS, cs);
        x86_load_eflags(s, fl, (size == 2 ? 0xffff : 0x3f7fd5) &
                        ~(uint32_t)(VM_MASK | VIF_MASK | VIP_MASK));
        x86_update_mode(s);
        set_rip(s, rip & (size == 2 ? 0xffff : 0xffffffff));
        return;
    }
    if (env->eflags & VM_MASK) {
        if (((env->eflags >> 12) & 3) != 3) {
            x86_raise_gp(s, 0);
        }
        rip = x86_stack_pop(s, &st, size);
        cs = x86_stack_pop(s, &st, size);
        fl = x86_stack_pop(s, &st, size);
        x86_stack_commit(s, &st);
        x86_seg_real(s, R_CS, cs);
        x86_load_eflags(s, fl, (size == 2 ? 0xffff : 0x3f7fd5) &
                        ~(uint32_t)(VM_MASK | VIF_MASK | VIP_MASK |
                                    IOPL_MASK));
        set_rip(s, rip & (size == 2 ? 0xffff : 0xffffffff));
        return;
    }
    if (env->eflags & NT_MASK) {
        if (s->lma) {
            x86_raise_gp(s, 0);
        }
        x86_task_return(s, s->next_rip);
        return;
    }
    rip = x86_stack_pop(s, &st, size);
    cs = x86_stack_pop(s, &st, size);
    fl = x86_stack_pop(s, &st, size);
    if (!s->lma && size == 4 && (fl & VM_MASK) && s->cpl == 0) {
        /* return to virtual-8086 mode */
        uint64_t nsp = x86_stack_pop(s, &st, 4);
        uint16_t nss = x86_stack_pop(s, &st, 4);
        uint16_t es = x86_stack_pop(s, &st, 4);
        uint16_t ds = x86_stack_pop(s, &st, 4);
        uint16_t fs = x86_stack_pop(s, &st, 4);
        uint16_t gs = x86_stack_pop(s, &st, 4);
        x86_load_eflags(s, fl, 0x3f7fd5 | VM_MASK);
        x86_seg_real(s, R_CS, cs);
        x86_seg_real(s, R_SS, nss);
        x86_seg_real(s, R_ES, es);
        x86_seg_real(s, R_DS, ds);
        x86_seg_real(s, R_FS, fs);
        x86_seg_real(s, R_GS, gs);
        env->regs[R_ESP] = (uint32_t)nsp;
        x86_update_mode(s);
        set_rip(s, rip & 0xffff);
        return;
    }
    {
        uint32_t mask = iret_mask(s, size);
        pm_return(s, &st, cs, rip, size, 0, true);
        x86_load_eflags(s, fl, mask);
        x86_update_mode(s);
    }
}

/* ---- LDT / TR ---- */

static void load_sys_desc(X86TCG *s, uint16_t sel, SegmentCache *sc,
                          int want_type, bool set_busy)
{
    CPUX86State *env = s->env;
    uint32_t e1, e2, e3 = 0;
    int type;
    uint64_t addr;

    if (sel & 4) {
        x86_raise_gp(s, sel & 0xfffc);
    }
    if ((sel & ~7u) + (s->lma ? 15 : 7) > env->gdt.limit) {
        x86_raise_gp(s, sel & 0xfffc);
    }
    addr = env->gdt.base + (sel & ~7u);
    e1 = x86_sys_ld(s, addr, 4);
    e2 = x86_sys_ld(s, addr + 4, 4);
    type = (e2 >> DESC_TYPE_SHIFT) & 0xf;
    if ((e2 & DESC_S_MASK) ||
        (want_type == 2 ? type != 2 : (type != 1 && type != 9))) {
        x86_raise_gp(s, sel & 0xfffc);
    }
    if (!(e2 & DESC_P_MASK)) {
        x86_raise(s, EXCP0B_NOSEG, sel & 0xfffc, true);
    }
    if (s->lma) {
        e3 = x86_sys_ld(s, addr + 8, 4);
    }
    if (set_busy) {
        e2 |= 2 << DESC_TYPE_SHIFT;
        x86_sys_st(s, addr + 4, 4, e2);
    }
    sc->selector = sel;
    sc->base = x86_desc_base(e1, e2) | ((uint64_t)e3 << 32);
    sc->limit = x86_desc_limit(e1, e2);
    sc->flags = e2 & 0x00ffff00;
}

void x86_lldt(X86TCG *s, uint16_t sel)
{
    if ((sel & 0xfffc) == 0) {
        s->env->ldt.selector = sel;
        s->env->ldt.base = 0;
        s->env->ldt.limit = 0;
        s->env->ldt.flags = 0;
        return;
    }
    load_sys_desc(s, sel, &s->env->ldt, 2, false);
}

void x86_ltr(X86TCG *s, uint16_t sel)
{
    if ((sel & 0xfffc) == 0) {
        x86_raise_gp(s, 0);
    }
    load_sys_desc(s, sel, &s->env->tr, 9, true);
}

/* ---- LAR / LSL / VERR / VERW ---- */

static bool visible_desc(X86TCG *s, uint16_t sel, uint32_t *e1, uint32_t *e2)
{
    int dpl;

    if ((sel & 0xfffc) == 0 || !x86_desc_read(s, sel, e1, e2)) {
        return false;
    }
    dpl = (*e2 >> DESC_DPL_SHIFT) & 3;
    if ((*e2 & DESC_S_MASK) && (*e2 & DESC_CS_MASK) && (*e2 & DESC_C_MASK)) {
        return true;        /* conforming code: no privilege check */
    }
    return dpl >= s->cpl && dpl >= (sel & 3);
}

bool x86_lar(X86TCG *s, uint16_t sel, uint32_t *access)
{
    uint32_t e1, e2;

    if (!visible_desc(s, sel, &e1, &e2)) {
        return false;
    }
    if (!(e2 & DESC_S_MASK)) {
        int type = (e2 >> DESC_TYPE_SHIFT) & 0xf;
        static const uint16_t ok32 = (1 << 1) | (1 << 2) | (1 << 3) |
            (1 << 4) | (1 << 5) | (1 << 9) | (1 << 11) | (1 << 12);
        static const uint16_t ok64 = (1 << 2) | (1 << 9) | (1 << 11) |
            (1 << 12);
        if (!((s->lma ? ok64 : ok32) & (1 << type))) {
            return false;
        }
    }
    *access = e2 & 0x00f0ff00;
    return true;
}

bool x86_lsl(X86TCG *s, uint16_t sel, uint32_t *limit)
{
    uint32_t e1, e2;

    if (!visible_desc(s, sel, &e1, &e2)) {
        return false;
    }
    if (!(e2 & DESC_S_MASK)) {
        int type = (e2 >> DESC_TYPE_SHIFT) & 0xf;
        static const uint16_t ok32 = (1 << 1) | (1 << 2) | (1 << 3) |
            (1 << 9) | (1 << 11);
        static const uint16_t ok64 = (1 << 2) | (1 << 9) | (1 << 11);
        if (!((s->lma ? ok64 : ok32) & (1 << type))) {
            return false;
        }
    }
    *limit = x86_desc_limit(e1, e2);
    return true;
}

bool x86_verr(X86TCG *s, uint16_t sel)
{
    uint32_t e1, e2;

    if (!visible_desc(s, sel, &e1, &e2) || !(e2 & DESC_S_MASK)) {
        return false;
    }
    return !(e2 & DESC_CS_MASK) || (e2 & DESC_R_MASK);
}

bool x86_verw(X86TCG *s, uint16_t sel)
{
    uint32_t e1, e2;

    if (!visible_desc(s, sel, &e1, &e2) || !(e2 & DESC_S_MASK)) {
        return false;
    }
    if ((e2 & DESC_CS_MASK) && (e2 & DESC_C_MASK)) {
        /* conforming code is never writable, and privilege still counts */
        return false;
    }
    return !(e2 & DESC_CS_MASK) && (e2 & DESC_W_MASK);
}
