/*
 * x86 instruction decoder and decoded-block cache of the software CPU.
 * Decoding follows Intel SDM vol. 2 ch. 2 (prefixes, REX, ModRM/SIB,
 * displacement/immediate sizes); blocks are keyed by physical address and
 * decode mode, never cross a page, and are dropped when their page is
 * written (self-modifying code).  VEX/EVEX and 3DNow! are not decoded.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "target/x86/tcg/tcg-cpu.h"

#define HTAB_BITS 18
#define HTAB_SIZE (1 << HTAB_BITS)

static TCGBlock *htab[HTAB_SIZE];
static GHashTable *code_pages;      /* page -> first TCGBlock on it */
/*
 * Page Q holding the end of a page-crossing block that starts on page P:
 * Q >> 12 -> (P >> 12) + 1.  A write to Q drops P's blocks; one P per Q
 * (another one gets the block cut before the crossing instruction).
 */
static GHashTable *tail_pages;
static GSList *zombies;             /* invalidated blocks, freed later */
uint32_t x86_block_gen;
static unsigned nblocks;

GPtrArray *x86_tcg_states;

static inline unsigned block_hash(uint64_t phys, uint32_t mode)
{
    uint64_t h = (phys ^ (phys >> HTAB_BITS) ^ ((uint64_t)mode << 7));
    return h & (HTAB_SIZE - 1);
}

/*
 * Decode one instruction from @code (at most @avail bytes readable).
 * Returns its length, 0 if more bytes are needed than @avail, or -1 for
 * an invalid encoding (d->fn is then the #UD handler).
 */
int x86_decode(X86TCG *s, const uint8_t *code, int avail, int mode,
               TCGInsn *d)
{
    int i = 0;
    int b;
    uint8_t prefix = 0, rex = 0;
    int seg = -1;
    const X86OpDesc *op;
    int ot, aflag;
    int max = avail < 15 ? avail : 15;

    memset(d, 0, sizeof(*d));
    d->base = d->index = -1;

#define NEXT() ({ if (i >= max) { goto need_more; } code[i++]; })
    for (;;) {
        b = NEXT();
        switch (b) {
        case 0xf3: prefix |= PREFIX_REPZ; prefix &= ~PREFIX_REPNZ; rex = 0;
            continue;
        case 0xf2: prefix |= PREFIX_REPNZ; prefix &= ~PREFIX_REPZ; rex = 0;
            continue;
        case 0xf0: prefix |= PREFIX_LOCK; rex = 0; continue;
        case 0x66: prefix |= PREFIX_DATA; rex = 0; continue;
        case 0x67: prefix |= PREFIX_ADR; rex = 0; continue;
        case 0x26: seg = R_ES; rex = 0; continue;
        case 0x2e: seg = R_CS; rex = 0; continue;
        case 0x36: seg = R_SS; rex = 0; continue;
        case 0x3e: seg = R_DS; rex = 0; continue;
        case 0x64: seg = R_FS; rex = 0; continue;
        case 0x65: seg = R_GS; rex = 0; continue;
        default:
            break;
        }
        if (mode == 2 && b >= 0x40 && b <= 0x4f) {
            rex = b;
            continue;
        }
        break;
    }
    if (b == 0x0f) {
        b = NEXT();
        if (b == 0x38 || b == 0x3a) {
            /* no three-byte opcodes are advertised by qemu64 that we run */
            d->map = b == 0x38 ? 2 : 3;
            d->b = NEXT();
            goto invalid;
        }
        d->map = 1;
        op = &x86_op2[b];
    } else {
        d->map = 0;
        op = &x86_op1[b];
    }
    d->b = b;
    d->rex = rex;
    d->prefix = prefix;

    if (mode == 2 && (op->flags & OPF_NO64)) {
        goto invalid;
    }
    /* operand size */
    if (op->flags & OPF_BYTE) {
        ot = 0;
    } else if (mode == 2) {
        if (rex & 8) {
            ot = 3;
        } else if (op->flags & OPF_F64) {
            ot = 3;
        } else if (prefix & PREFIX_DATA) {
            ot = 1;
        } else if (op->flags & OPF_D64) {
            ot = 3;
        } else {
            ot = 2;
        }
    } else {
        ot = (mode == 1) ^ !!(prefix & PREFIX_DATA) ? 2 : 1;
    }
    if (mode == 2) {
        aflag = (prefix & PREFIX_ADR) ? 2 : 3;
    } else {
        aflag = (mode == 1) ^ !!(prefix & PREFIX_ADR) ? 2 : 1;
    }
    d->ot = ot;
    d->aflag = aflag;

    if (op->flags & OPF_MODRM) {
        int modrm = NEXT();
        int mod = modrm >> 6, rm = modrm & 7;
        if (d->map == 1 && b >= 0x20 && b <= 0x23) {
            mod = 3;        /* MOV CR/DR: the mod field is ignored */
        }
        d->mod = mod;
        d->reg = ((modrm >> 3) & 7) | ((rex & 4) << 1);
        if (mod == 3) {
            d->rm = rm | ((rex & 1) << 3);
        } else if (aflag == 1) {
            static const int8_t b16[8] = { R_EBX, R_EBX, R_EBP, R_EBP,
                                           R_ESI, R_EDI, R_EBP, R_EBX };
            static const int8_t i16[8] = { R_ESI, R_EDI, R_ESI, R_EDI,
                                           -1, -1, -1, -1 };
            d->base = b16[rm];
            d->index = i16[rm];
            d->seg = (rm == 2 || rm == 3 || (rm == 6 && mod != 0))
                     ? R_SS : R_DS;
            if ((mod == 0 && rm == 6) || mod == 2) {
                /* Two statements: the order of NEXT()s in one is unspecified. */
                uint16_t v = NEXT();
                v |= NEXT() << 8;
                d->disp = (int16_t)v;
                if (mod == 0) {
                    d->base = -1;
                }
            } else if (mod == 1) {
                d->disp = (int8_t)NEXT();
            }
        } else {
            int base = rm;
            d->seg = R_DS;
            if (rm == 4) {
                int sib = NEXT();
                int idx = ((sib >> 3) & 7) | ((rex & 2) << 2);
                d->scale = sib >> 6;
                d->index = idx == 4 ? -1 : idx;
                base = sib & 7;
                if (base == 5 && mod == 0) {
                    d->base = -1;
                    uint32_t v = NEXT();
                    v |= NEXT() << 8;
                    v |= NEXT() << 16;
                    v |= (uint32_t)NEXT() << 24;
                    d->disp = (int32_t)v;
                    goto disp_done;
                }
            } else if (rm == 5 && mod == 0) {
                uint32_t v = NEXT();
                v |= NEXT() << 8;
                v |= NEXT() << 16;
                v |= (uint32_t)NEXT() << 24;
                d->disp = (int32_t)v;
                d->base = mode == 2 ? 16 : -1;
                goto disp_done;
            }
            d->base = base | ((rex & 1) << 3);
            if (base == R_ESP || base == R_EBP) {
                d->seg = R_SS;
            }
            if (mod == 1) {
                d->disp = (int8_t)NEXT();
            } else if (mod == 2) {
                uint32_t v = NEXT();
                v |= NEXT() << 8;
                v |= NEXT() << 16;
                v |= (uint32_t)NEXT() << 24;
                d->disp = (int32_t)v;
            }
        }
disp_done:
        if (seg >= 0) {
            d->seg = seg;
        }
    } else {
        d->seg = seg >= 0 ? seg : R_DS;
        d->rm = (b & 7) | ((rex & 1) << 3);
        d->reg = d->rm;
    }
    if (seg >= 0) {
        prefix |= PREFIX_SEG;
        d->prefix = prefix;
    }

    /* immediates */
    {
        int imm = (op->flags & OPF_IMM_MASK) >> OPF_IMM_SHIFT;
        int n = 0;
        uint64_t v = 0;
        switch (imm) {
        case IMM_GRP3:
            if ((d->reg & 7) > 1) {
                break;
            }
            /* fall through */
        case IMM_Z:
            if (imm == IMM_GRP3 && ot == 0) {
                v = (int8_t)NEXT();
                break;
            }
            n = ot == 1 ? 2 : 4;
            for (int k = 0; k < n; k++) {
                v |= (uint64_t)NEXT() << (8 * k);
            }
            v = n == 2 ? (uint64_t)(int16_t)v : (uint64_t)(int32_t)v;
            break;
        case IMM_B:
            v = (uint64_t)(int8_t)NEXT();
            break;
        case IMM_W:
            v = NEXT();
            v |= NEXT() << 8;
            break;
        case IMM_V:
            n = 1 << ot;
            for (int k = 0; k < n; k++) {
                v |= (uint64_t)NEXT() << (8 * k);
            }
            break;
        case IMM_MOFFS:
            n = 1 << aflag;
            for (int k = 0; k < n; k++) {
                v |= (uint64_t)NEXT() << (8 * k);
            }
            break;
        case IMM_FAR:
            n = ot == 1 ? 2 : 4;
            for (int k = 0; k < n; k++) {
                v |= (uint64_t)NEXT() << (8 * k);
            }
            d->imm2 = NEXT();
            d->imm2 |= NEXT() << 8;
            break;
        case IMM_ENTER:
            v = NEXT();
            v |= NEXT() << 8;
            d->imm2 = NEXT();
            break;
        default:
            break;
        }
        d->imm = v;
    }
    d->fn = op->fn ? op->fn : x86_op_invalid;
    d->end = !!(op->flags & OPF_END);
    /* group 5: only the branches end a block, not INC/DEC/PUSH */
    if (d->map == 0 && b == 0xff) {
        int r = d->reg & 7;
        d->end = !(r == 0 || r == 1 || r == 6);
    }
    d->len = i;
    return i;

need_more:
    if (avail < 15) {
        return 0;
    }
invalid:
    d->fn = x86_op_invalid;
    d->end = 1;
    d->len = i ? i : 1;
    return -1;
#undef NEXT
}

/* Fetch pointer for @lin (raises #PF); defined in helper.c. */
const uint8_t *x86_fetch_ptr(X86TCG *s, uint64_t lin, uint64_t *phys);

static void page_add_block(TCGBlock *tb)
{
    uint64_t page = tb->phys & ~0xfffULL;
    gpointer key = (gpointer)(uintptr_t)(page >> 12);
    TCGBlock *first = g_hash_table_lookup(code_pages, key);

    tb->page_next = first;
    g_hash_table_insert(code_pages, key, tb);
    if (!first) {
        /* a new code page: writes to it must take the checked slow path */
        for (guint i = 0; i < x86_tcg_states->len; i++) {
            x86_tlb_drop_writes(g_ptr_array_index(x86_tcg_states, i), page);
        }
    }
}

bool x86_page_has_code(uint64_t page)
{
    gpointer key = (gpointer)(uintptr_t)(page >> 12);

    return code_pages && (g_hash_table_contains(code_pages, key) ||
                          g_hash_table_contains(tail_pages, key));
}

/* Record that a block on @page crosses into @tail; false if another does. */
static bool tail_add(uint64_t page, uint64_t tail)
{
    gpointer key = (gpointer)(uintptr_t)(tail >> 12);
    gpointer val = (gpointer)(uintptr_t)((page >> 12) + 1);
    gpointer old = g_hash_table_lookup(tail_pages, key);

    if (old) {
        return old == val;
    }
    if (!g_hash_table_contains(code_pages, key)) {
        /* a new code page: writes to it must take the checked slow path */
        for (guint i = 0; i < x86_tcg_states->len; i++) {
            x86_tlb_drop_writes(g_ptr_array_index(x86_tcg_states, i), tail);
        }
    }
    g_hash_table_insert(tail_pages, key, val);
    return true;
}

static void hash_remove(TCGBlock *tb)
{
    TCGBlock **pp = &htab[block_hash(tb->phys, tb->mode)];
    while (*pp) {
        if (*pp == tb) {
            *pp = tb->hash_next;
            return;
        }
        pp = &(*pp)->hash_next;
    }
}

/*
 * Blocks are dropped: every jump cache and exit-site cache goes stale, and
 * no vCPU may keep pointing at a dropped block as the source of its last
 * jump (drop_page_refs reads it; the blocks are freed soon).
 */
static void block_gen_bump(void)
{
    x86_block_gen++;
    for (guint i = 0; x86_tcg_states && i < x86_tcg_states->len; i++) {
        X86TCG *o = g_ptr_array_index(x86_tcg_states, i);

        o->chain_slot = NULL;
        o->chain_src = NULL;
        x86_jit_epoch_bump(o);
    }
}

/*
 * The blocks of @page are dropped: forget the references the vCPUs hold
 * to them (jump-cache entries, the jump left for patching, exit-site
 * caches) instead of retiring every jump cache with x86_block_gen: a
 * kernel writing data next to its code would otherwise empty them often.
 */
static void drop_page_refs(uint64_t page)
{
    for (guint i = 0; x86_tcg_states && i < x86_tcg_states->len; i++) {
        X86TCG *o = g_ptr_array_index(x86_tcg_states, i);

        for (int k = 0; k < X86_JC_SIZE; k++) {
            if (o->jc[k].ppage == page) {
                o->jc[k].lin = -1;
                o->jc[k].tb = NULL;
            }
        }
        if (o->chain_src && (o->chain_src->phys & ~0xfffULL) == page) {
            o->chain_slot = NULL;
            o->chain_src = NULL;
        }
        x86_jit_epoch_bump(o);
    }
}

void x86_invalidate_phys_page(uint64_t page)
{
    gpointer key = (gpointer)(uintptr_t)(page >> 12);
    gpointer head;
    TCGBlock *tb;

    if (!code_pages) {
        return;
    }
    head = g_hash_table_lookup(tail_pages, key);
    if (head) {
        /* blocks on the page before end here (removed first: Q may be P) */
        g_hash_table_remove(tail_pages, key);
        x86_invalidate_phys_page(((uint64_t)(uintptr_t)head - 1) << 12);
    }
    tb = g_hash_table_lookup(code_pages, key);
    if (!tb) {
        return;
    }
    g_hash_table_remove(code_pages, key);
    x86_jit_stats.code_page_drops++;
    drop_page_refs(page);
    while (tb) {
        TCGBlock *next = tb->page_next;
        hash_remove(tb);
        zombies = g_slist_prepend(zombies, tb);
        nblocks--;
        tb = next;
    }
}

static gboolean flush_one(gpointer key, gpointer value, gpointer opaque)
{
    return TRUE;
}

void x86_block_cache_flush(void)
{
    block_gen_bump();
    x86_jit_cache_reset();
    for (int i = 0; i < HTAB_SIZE; i++) {
        TCGBlock *tb = htab[i];
        while (tb) {
            TCGBlock *next = tb->hash_next;
            zombies = g_slist_prepend(zombies, tb);
            tb = next;
        }
        htab[i] = NULL;
    }
    if (code_pages) {
        g_hash_table_foreach_remove(code_pages, flush_one, NULL);
        g_hash_table_foreach_remove(tail_pages, flush_one, NULL);
    }
    nblocks = 0;
}

static TCGBlock *tmp_block;

/*
 * Host pointer and physical page of linear page @page2, the tail of an
 * instruction crossing into it: from the TLB, or when @may_fault (the
 * instruction is the first of its block, so a #PF is raised at it) from
 * a walk; NULL otherwise (the block then ends before the instruction).
 */
static const uint8_t *tail_ptr(X86TCG *s, uint64_t page2, bool may_fault,
                               uint64_t *ppage2)
{
    const TLBEntry *t = &s->tlb[s->mmu_idx][(page2 >> 12) & (TLB_SIZE - 1)];
    const uint8_t *p;

    if (t->tag_x == page2) {
        *ppage2 = t->paddr;
        return (const uint8_t *)(uintptr_t)(page2 + t->addend);
    }
    if (!may_fault) {
        return NULL;
    }
    p = x86_fetch_ptr(s, page2, ppage2);
    *ppage2 &= ~0xfffULL;
    return p;
}

/*
 * A cached block ending with a page-crossing instruction runs only while
 * its tail page maps where it did.  Only a block of that instruction
 * alone may walk for it: a fault belongs to its first instruction.
 */
static bool tail_matches(X86TCG *s, const TCGBlock *tb, uint64_t page2)
{
    uint64_t ppage2;

    if (tb->phys2 == X86_NO_PAGE || x86_tail_mapped(s, page2, tb->phys2)) {
        return true;
    }
    return tb->ninsns == 1 && tail_ptr(s, page2, true, &ppage2) &&
           ppage2 == tb->phys2;
}

TCGBlock *x86_get_block(X86TCG *s)
{
    CPUX86State *env = s->env;
    uint64_t lin, phys, page2, phys2 = X86_NO_PAGE;
    int mode = s->code64 ? 2 : s->code32 ? 1 : 0;
    const uint8_t *p;
    TCGBlock *tb;
    TCGInsn buf[TCG_BLOCK_MAX_INSNS];
    int n = 0, avail;
    X86JumpCacheEntry *jce;
    uint32_t key;

    if (unlikely(zombies != NULL)) {
        g_slist_free_full(zombies, g_free);
        zombies = NULL;
    }
    if (!code_pages) {
        code_pages = g_hash_table_new(g_direct_hash, g_direct_equal);
        tail_pages = g_hash_table_new(g_direct_hash, g_direct_equal);
        tmp_block = g_malloc0(sizeof(TCGBlock) + sizeof(TCGInsn));
        tmp_block->uncached = true;
        tmp_block->phys2 = X86_NO_PAGE;
    }
    lin = env->segs[R_CS].base + env->rip;
    if (!s->code64) {
        lin = (uint32_t)lin;
    }
    page2 = (lin & ~0xfffULL) + 4096;
    key = mode | s->mmu_idx << 2;
    jce = &s->jc[(lin ^ (lin >> X86_JC_BITS)) & (X86_JC_SIZE - 1)];
    x86_jit_stats.jc_misses++;
    p = x86_fetch_ptr(s, lin, &phys);
    for (tb = htab[block_hash(phys, mode)]; tb; tb = tb->hash_next) {
        if (tb->phys == phys && tb->mode == (uint32_t)mode &&
            tail_matches(s, tb, page2)) {
            goto found;
        }
    }
    avail = 4096 - (lin & 0xfff);
    while (n < TCG_BLOCK_MAX_INSNS) {
        int len = x86_decode(s, p, avail, mode, &buf[n]);
        if (len == 0) {
            /* the instruction crosses into the next page */
            uint8_t tmp[16];
            const uint8_t *p2 = tail_ptr(s, page2, n == 0, &phys2);

            if (!p2) {
                break;
            }
            memcpy(tmp, p, avail);
            memcpy(tmp + avail, p2, 16 - avail);
            x86_decode(s, tmp, 15, mode, &buf[n]);
            if (tail_add(phys, phys2)) {
                n++;
                break;
            }
            phys2 = X86_NO_PAGE;
            if (n > 0) {
                break;
            }
            /* its tail page follows another page too: decode uncached */
            tmp_block->insns[0] = buf[0];
            tmp_block->insns[0].end = 1;
            tmp_block->phys = phys;
            tmp_block->mode = mode;
            tmp_block->ninsns = 1;
            x86_jit_stats.uncached_runs++;
            return tmp_block;
        }
        if (len < 0) {
            len = buf[n].len;
        }
        p += len;
        avail -= len;
        n++;
        if (buf[n - 1].end || avail == 0) {
            break;
        }
    }
    buf[n - 1].end = 1;
    tb = g_malloc(sizeof(TCGBlock) + n * sizeof(TCGInsn));
    tb->phys = phys;
    tb->phys2 = phys2;
    tb->mode = mode;
    tb->ninsns = n;
    tb->exec_count = 0;
    tb->jit = NULL;
    tb->jit_body = NULL;
    tb->uncached = false;
    tb->jit_all_inline = false;
    memcpy(tb->insns, buf, n * sizeof(TCGInsn));
    unsigned h = block_hash(phys, mode);
    tb->hash_next = htab[h];
    htab[h] = tb;
    page_add_block(tb);
    nblocks++;
    x86_jit_stats.blocks_decoded++;
found:
    /* x86_fetch_ptr left the TLB entry for lin's page, as checked later */
    *jce = (X86JumpCacheEntry) {
        .lin = lin, .ppage = phys & ~0xfffULL, .ppage2 = tb->phys2,
        .gen = x86_block_gen, .key = key, .tb = tb, .jit_body = tb->jit_body,
    };
    return tb;
}
