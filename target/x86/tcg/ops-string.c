/*
 * String instructions (MOVS/CMPS/SCAS/LODS/STOS/INS/OUTS) with REP,
 * REPE/REPNE and all address sizes, plus IN/OUT.  Every iteration
 * commits rSI/rDI/rCX before the next, so a fault restarts at the right
 * element; after a budget of iterations the instruction ends the block
 * with RIP unchanged so interrupts are taken between iterations (SDM
 * vol. 2 "REP/REPE/REPZ/REPNE/REPNZ"), as are single-step and data
 * breakpoint traps.  REP MOVS/STOS on RAM within a
 * page go through host pointers.
 */
#include "target/x86/tcg/ops.h"

#define REP_BUDGET 4096

static inline void adv(X86TCG *s, int r, uint64_t am, int64_t delta)
{
    uint64_t *p = &s->env->regs[r];
    uint64_t n = (*p + delta) & am;
    *p = am == 0xffffffffULL ? n : (*p & ~am) | n;
}

static void io_check(X86TCG *s, uint16_t port, int size)
{
    if (s->pe && ((s->env->eflags & VM_MASK) ||
                  s->cpl > (int)((s->env->eflags & IOPL_MASK) >> 12))) {
        x86_check_io(s, port, size);
    }
}

static inline int io_size(int ot)
{
    return ot == 0 ? 1 : ot == 1 ? 2 : 4;
}

/*
 * REP STOS of @n bytes (whole elements of @size) at host @dp: clear_page
 * and clear_user are REP STOSQ of zero, on pages the TLB has not seen
 * yet (so not on translated code's fast path): a memset when every byte
 * of the element is the same, else a loop the compiler can widen.
 */
static void fill(uint8_t *dp, uint64_t n, int size, uint64_t v)
{
    uint64_t bytes = (uint8_t)v * 0x0101010101010101ULL;
    uint16_t v16 = v;
    uint32_t v32 = v;

    if (size == 1 || !((v ^ bytes) & ((2ULL << (size * 8 - 1)) - 1))) {
        memset(dp, (uint8_t)v, n);
        return;
    }
    switch (size) {
    case 2:
        for (uint64_t i = 0; i < n; i += 2) {
            memcpy(dp + i, &v16, 2);
        }
        break;
    case 4:
        for (uint64_t i = 0; i < n; i += 4) {
            memcpy(dp + i, &v32, 4);
        }
        break;
    default:
        for (uint64_t i = 0; i < n; i += 8) {
            memcpy(dp + i, &v, 8);
        }
        break;
    }
}

/*
 * Try the bulk path for REP MOVS / REP STOS (any element size, DF = 0):
 * the elements within one page of source and destination, through host
 * pointers.  Returns the elements done.
 */
static uint64_t bulk(X86TCG *s, const TCGInsn *d, uint64_t count, int size,
                     bool movs)
{
    uint64_t *r = s->env->regs;
    uint64_t am = amask(d->aflag);
    uint64_t di = r[R_EDI] & am, si = r[R_ESI] & am;
    uint64_t n = count * size, dlin, slin = 0;
    uint8_t *dp;
    const uint8_t *sp = NULL;

    if (s->env->eflags & DF_MASK) {
        return 0;
    }
    n = MIN(n, 4096 - (di & 0xfff));
    if (di + n - 1 > am) {
        return 0;
    }
    dlin = x86_lin(s, R_ES, di, n, true);
    n = MIN(n, 4096 - (dlin & 0xfff));
    if (movs) {
        n = MIN(n, 4096 - (si & 0xfff));
        if (si + n - 1 > am) {
            return 0;
        }
        slin = x86_lin(s, d->seg, si, n, false);
        n = MIN(n, 4096 - (slin & 0xfff));
    }
    n -= n % size;          /* whole elements (one may cross the page) */
    if (!n) {
        return 0;
    }
    if (movs) {
        sp = x86_host_ptr(s, slin, n, false);
        if (!sp) {
            return 0;
        }
    }
    dp = x86_host_ptr(s, dlin, n, true);
    if (!dp) {
        return 0;
    }
    if (movs) {
        if (dp > sp && dp < sp + n) {
            /* overlapping forward copy: element by element, in order */
            for (uint64_t i = 0; i < n; i += size) {
                x86_host_st(dp + i, size, x86_host_ld(sp + i, size));
            }
        } else {
            memmove(dp, sp, n);
        }
        adv(s, R_ESI, am, n);
    } else {
        fill(dp, n, size, r[R_EAX]);
    }
    adv(s, R_EDI, am, n);
    adv(s, R_ECX, am, -(int64_t)(n / size));
    return n / size;
}

/* A4-A7, AA-AF, 6C-6F */
void op_string(X86TCG *s, const TCGInsn *d)
{
    CPUX86State *env = s->env;
    uint64_t *r = env->regs;
    int ot = d->ot;
    int size = (d->b & 0xfc) == 0x6c ? io_size(ot) : OPS_SIZE(ot);
    uint64_t am = amask(d->aflag);
    int64_t step = (env->eflags & DF_MASK) ? -size : size;
    bool rep = d->prefix & (PREFIX_REPZ | PREFIX_REPNZ);
    int kind = d->b & 0xfe;
    /* single-step traps after each iteration (SDM vol. 3B 17.3.1.4) */
    uint64_t budget = s->env->eflags & TF_MASK ? 1 : REP_BUDGET;

    if (kind == 0x6c || kind == 0x6e) {
        io_check(s, r[R_EDX] & 0xffff, size);
    }
    for (;;) {
        uint64_t v, v2;
        if (rep) {
            uint64_t c = r[R_ECX] & am;
            if (!c) {
                return;
            }
            /* (not while single-stepping or watching data: each
             * iteration must be able to trap) */
            if ((kind == 0xa4 || kind == 0xaa) && c > 1 &&
                !(env->eflags & TF_MASK) && !s->dbg_watch) {
                uint64_t n = bulk(s, d, MIN(c, budget), size, kind == 0xa4);
                if (n) {
                    budget = budget > n ? budget - n : 0;
                    goto next;
                }
            }
        }
        switch (kind) {
        case 0xa4:      /* MOVS */
            v = x86_ld(s, d->seg, r[R_ESI] & am, size);
            x86_st(s, R_ES, r[R_EDI] & am, size, v);
            adv(s, R_ESI, am, step);
            adv(s, R_EDI, am, step);
            break;
        case 0xa6:      /* CMPS: flags of [rSI] - [rDI] */
            v = x86_ld(s, d->seg, r[R_ESI] & am, size);
            v2 = x86_ld(s, R_ES, r[R_EDI] & am, size);
            set_cc(s, CC_OP_SUB, ot, (v - v2) & ot_mask(ot), v, v2);
            adv(s, R_ESI, am, step);
            adv(s, R_EDI, am, step);
            break;
        case 0xaa:      /* STOS */
            x86_st(s, R_ES, r[R_EDI] & am, size, r[R_EAX]);
            adv(s, R_EDI, am, step);
            break;
        case 0xac:      /* LODS */
            v = x86_ld(s, d->seg, r[R_ESI] & am, size);
            set_reg(s, ot, R_EAX, 0, v);
            adv(s, R_ESI, am, step);
            break;
        case 0xae:      /* SCAS: flags of rAX - [rDI] */
            v = get_reg(s, ot, R_EAX, 0);
            v2 = x86_ld(s, R_ES, r[R_EDI] & am, size);
            set_cc(s, CC_OP_SUB, ot, (v - v2) & ot_mask(ot), v, v2);
            adv(s, R_EDI, am, step);
            break;
        case 0x6c: {    /* INS: check the destination before reading */
            uint64_t lin = x86_lin(s, R_ES, r[R_EDI] & am, size, true);
            (void)x86_translate(s, lin, ACC_W, s->cpl == 3);
            v = x86_port_in(s, r[R_EDX] & 0xffff, size);
            x86_st(s, R_ES, r[R_EDI] & am, size, v);
            adv(s, R_EDI, am, step);
            break;
        }
        default:        /* OUTS */
            v = x86_ld(s, d->seg, r[R_ESI] & am, size);
            x86_port_out(s, r[R_EDX] & 0xffff, size, v);
            adv(s, R_ESI, am, step);
            break;
        }
        if (!rep) {
            return;
        }
        adv(s, R_ECX, am, -1);
        budget--;
        if (unlikely(s->dbg_hits)) {
            budget = 0;     /* a data breakpoint traps after this iteration */
        }
        if (kind == 0xa6 || kind == 0xae) {
            bool zf = (s->cc_res & ot_mask(ot)) == 0;
            if ((d->prefix & PREFIX_REPZ) ? !zf : zf) {
                return;
            }
        }
next:
        if ((r[R_ECX] & am) == 0) {
            return;
        }
        if (!budget) {
            /* come back to this instruction after an interrupt check */
            s->next_rip = insn_rip(s, d);
            s->block_end = true;
            return;
        }
    }
}

/* E4-E7 (imm8 port), EC-EF (DX port) */
void op_inout(X86TCG *s, const TCGInsn *d)
{
    int size = io_size(d->ot);
    uint16_t port = d->b & 8 ? s->env->regs[R_EDX] & 0xffff : d->imm & 0xff;
    io_check(s, port, size);
    if (d->b & 2) {
        x86_port_out(s, port, size, s->env->regs[R_EAX]);
    } else {
        set_reg(s, d->ot == 3 ? 2 : d->ot, R_EAX, 0,
                x86_port_in(s, port, size));
    }
}
