/*
 * Paging and the soft TLB of the software CPU (Intel SDM vol. 3A ch. 4):
 * 32-bit, PAE and 4-level walks with PSE/large pages, NX, WP, U/S, A/D
 * bits; #PF error codes and CR2.  TLB entries cache a host addend for RAM
 * pages; MMIO pages are never cached and go through the memory API under
 * the BQL.  Pages holding decoded blocks never get a write tag, so a store
 * to them takes the slow path and invalidates the blocks first.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "exec/memory.h"
#include "target/x86/tcg/tcg-cpu.h"

#define PG_P    (1ULL << 0)
#define PG_RW   (1ULL << 1)
#define PG_US   (1ULL << 2)
#define PG_A    (1ULL << 5)
#define PG_D    (1ULL << 6)
#define PG_PS   (1ULL << 7)
#define PG_G    (1ULL << 8)
#define PG_NX   (1ULL << 63)

#define PF_P    0x01
#define PF_W    0x02
#define PF_U    0x04
#define PF_RSVD 0x08
#define PF_ID   0x10

/* 40-bit physical addresses (CPUID 0x80000008 of qemu64) */
#define PHYS_MASK   0x000000fffffff000ULL
#define PAE_RSVD    0x000fff0000000000ULL

enum { PROT_R = 1, PROT_W = 2, PROT_X = 4, PROT_G = 8, PROT_LARGE = 16 };

/* Deferred flush request from the memory listener (any thread). */
int x86_tcg_mem_changed;

/* ---- physical memory ---- */

static uint64_t mmio_ld(uint64_t pa, int size)
{
    uint64_t v = 0;
    bool locked = bql_locked();

    if (!locked) {
        bql_lock();
    }
    if (address_space_ld(&address_space_memory, pa, size, &v) != MEMTX_OK) {
        v = ~0ULL;
    }
    if (!locked) {
        bql_unlock();
    }
    if (size < 8) {
        v &= (1ULL << (size * 8)) - 1;
    }
    return v;
}

static void mmio_st(uint64_t pa, int size, uint64_t v)
{
    bool locked = bql_locked();

    if (!locked) {
        bql_lock();
    }
    address_space_st(&address_space_memory, pa, size, v);
    if (!locked) {
        bql_unlock();
    }
}

/*
 * Host pointers of recently used RAM pages (page-table pages above all:
 * a page walk maps up to four), so a walk skips the flat-view lookup.
 * Emptied when the memory map changes and by every full TLB flush.
 */
#define RAMC_SIZE 256
static struct {
    uint64_t page;
    uint8_t *host[2];       /* [write]: mapped for reading / writing */
} ramc[RAMC_SIZE];

/*
 * Behind it, the last RAM flat ranges seen ([write]: writable and not
 * dirty-logged), so pages new to ramc (a guest touching more pages than
 * it holds) skip the flat-view lookup too.  Same lifetime as ramc.
 */
#define RAMR_SIZE 4
static struct {
    uint64_t start, last;   /* pages start..start + last are in it */
    uint8_t *host;          /* (empty: last = 0, start = 0, host NULL) */
} ramr[2][RAMR_SIZE];

static void ramc_flush(void)
{
    memset(ramc, 0, sizeof(ramc));
    for (int i = 0; i < RAMC_SIZE; i++) {
        ramc[i].page = -1;
    }
    memset(ramr, 0, sizeof(ramr));
}

/* Host pointer of RAM page @page from the range cache, or NULL. */
static uint8_t *ramr_lookup(uint64_t page, bool write)
{
    static unsigned next;
    hwaddr start, len;
    uint8_t *p;

    for (int i = 0; i < RAMR_SIZE; i++) {
        if (ramr[write][i].host &&
            page - ramr[write][i].start <= ramr[write][i].last) {
            return ramr[write][i].host + (page - ramr[write][i].start);
        }
    }
    p = address_space_ram_range(&address_space_memory, page, &start, &len,
                                write);
    if (!p || page - start >= len || len - (page - start) < 4096) {
        return NULL;
    }
    next = (next + 1) % RAMR_SIZE;
    ramr[write][next].start = start;
    ramr[write][next].last = len - 4096;
    ramr[write][next].host = p;
    return p + (page - start);
}

static void *ram_ptr(uint64_t pa, int size, bool write)
{
    uint64_t page = pa & ~0xfffULL;
    hwaddr len = 4096;
    uint8_t *p;
    int i = (pa >> 12) & (RAMC_SIZE - 1);

    if (ramc[i].page == page && ramc[i].host[write]) {
        return ramc[i].host[write] + (pa & 0xfff);
    }
    if ((pa & 0xfff) + size > 4096) {
        len = size;
        p = address_space_map_ram(&address_space_memory, pa, &len, write);
        return p && len >= (hwaddr)size ? p : NULL;
    }
    p = ramr_lookup(page, write);
    if (!p) {
        p = address_space_map_ram(&address_space_memory, page, &len, write);
    }
    if (!p || len < 4096) {
        return NULL;
    }
    if (ramc[i].page != page) {
        ramc[i].page = page;
        ramc[i].host[!write] = NULL;
    }
    ramc[i].host[write] = p;
    return p + (pa & 0xfff);
}

uint64_t x86_phys_ld(X86TCG *s, uint64_t pa, int size)
{
    void *p = ((pa & 0xfff) + size <= 4096) ? ram_ptr(pa, size, false) : NULL;

    if (p) {
        return x86_host_ld(p, size);
    }
    if ((pa & 0xfff) + size > 4096) {
        uint64_t v = 0;
        for (int i = 0; i < size; i++) {
            v |= x86_phys_ld(s, pa + i, 1) << (8 * i);
        }
        return v;
    }
    return mmio_ld(pa, size);
}

void x86_phys_st(X86TCG *s, uint64_t pa, int size, uint64_t val)
{
    void *p;

    if ((pa & 0xfff) + size > 4096) {
        for (int i = 0; i < size; i++) {
            x86_phys_st(s, pa + i, 1, val >> (8 * i));
        }
        return;
    }
    if (x86_page_has_code(pa & ~0xfffULL)) {
        x86_invalidate_phys_page(pa & ~0xfffULL);
        if (s) {
            s->block_end = true;
        }
    }
    p = ram_ptr(pa, size, true);
    if (p) {
        x86_host_st(p, size, val);
    } else {
        mmio_st(pa, size, val);
    }
}

/* ---- page walk ---- */

static QEMU_NORETURN void page_fault(X86TCG *s, uint64_t lin, uint32_t err)
{
    s->env->cr[2] = lin;
    x86_raise(s, EXCP0E_PAGE, err, true);
}

/*
 * Walk the page tables for @lin.  Returns the physical address and the
 * permissions of the page in *@prot; raises #PF (or #GP for a
 * non-canonical address).  A and D bits are set as the SDM describes.
 */
static uint64_t walk(X86TCG *s, uint64_t lin, int acc, bool user, int *prot)
{
    CPUX86State *env = s->env;
    bool wp = env->cr[0] & CR0_WP_MASK;
    bool nxe = env->efer & MSR_EFER_NXE;
    uint64_t ptes_pa[4];
    uint64_t ptes[4];
    int n = 0, i;
    bool rw = true, us = true, nx = false;
    uint64_t pa, page_mask, e;
    uint32_t err = 0;
    bool pae = env->cr[4] & CR4_PAE_MASK;

    if (!(env->cr[0] & CR0_PG_MASK)) {
        *prot = PROT_R | PROT_W | PROT_X;
        return s->lma ? lin : (uint32_t)lin;
    }
    if (pae) {
        uint64_t rsvd = PAE_RSVD | (nxe ? 0 : PG_NX);
        uint64_t table;
        int level;

        if (env->efer & MSR_EFER_LMA) {
            if ((int64_t)(lin << 16) >> 16 != (int64_t)lin) {
                x86_raise(s, EXCP0D_GPF, 0, true);
            }
            table = env->cr[3] & PHYS_MASK;
            level = 4;
        } else {
            uint64_t pdpte_pa = (env->cr[3] & 0xffffffe0) + ((lin >> 27) & 0x18);
            e = x86_phys_ld(s, pdpte_pa, 8);
            if (!(e & PG_P)) {
                goto not_present;
            }
            if (e & (PAE_RSVD | 0x1e6 | PG_NX)) {
                goto rsvd;
            }
            table = e & PHYS_MASK;
            level = 2;
            lin = (uint32_t)lin;
        }
        for (;;) {
            int shift = 12 + 9 * (level - 1);
            uint64_t epa = table + ((lin >> shift) & 0x1ff) * 8;
            e = x86_phys_ld(s, epa, 8);
            if (!(e & PG_P)) {
                goto not_present;
            }
            if (e & rsvd) {
                goto rsvd;
            }
            ptes_pa[n] = epa;
            ptes[n++] = e;
            rw &= !!(e & PG_RW);
            us &= !!(e & PG_US);
            nx |= !!(e & PG_NX);
            if (level == 1) {
                pa = e & PHYS_MASK;
                page_mask = 0xfff;
                break;
            }
            if (e & PG_PS) {
                if (level != 2) {
                    goto rsvd;      /* no 1 GiB pages in qemu64 */
                }
                if (e & 0x1fe000) {
                    goto rsvd;
                }
                page_mask = 0x1fffff;
                pa = e & PHYS_MASK & ~page_mask;
                break;
            }
            table = e & PHYS_MASK;
            level--;
        }
    } else {
        uint64_t pde_pa = (env->cr[3] & 0xfffff000) + ((lin >> 20) & 0xffc);
        lin = (uint32_t)lin;
        e = x86_phys_ld(s, pde_pa, 4);
        if (!(e & PG_P)) {
            goto not_present;
        }
        ptes_pa[n] = pde_pa;
        ptes[n++] = e;
        rw &= !!(e & PG_RW);
        us &= !!(e & PG_US);
        if ((e & PG_PS) && (env->cr[4] & CR4_PSE_MASK)) {
            page_mask = 0x3fffff;
            /* PSE-36: bits 13..20 are physical address bits 32..39 */
            pa = (e & 0xffc00000) | (((e >> 13) & 0xff) << 32);
        } else {
            uint64_t pte_pa = (e & 0xfffff000) + ((lin >> 10) & 0xffc);
            e = x86_phys_ld(s, pte_pa, 4);
            if (!(e & PG_P)) {
                goto not_present;
            }
            ptes_pa[n] = pte_pa;
            ptes[n++] = e;
            rw &= !!(e & PG_RW);
            us &= !!(e & PG_US);
            page_mask = 0xfff;
            pa = e & 0xfffff000;
        }
    }

    /* permissions */
    if (user) {
        if (!us || (acc == ACC_W && !rw)) {
            goto prot_fault;
        }
    } else if (acc == ACC_W && !rw && wp) {
        goto prot_fault;
    }
    if (acc == ACC_X && nx && nxe) {
        goto prot_fault;
    }

    /* accessed / dirty bits */
    {
        bool pae_size = pae;
        for (i = 0; i < n; i++) {
            uint64_t ne = ptes[i] | PG_A;
            if (i == n - 1 && acc == ACC_W) {
                ne |= PG_D;
            }
            if (ne != ptes[i]) {
                x86_phys_st(s, ptes_pa[i], pae_size ? 8 : 4, ne);
                ptes[i] = ne;
            }
        }
    }

    *prot = PROT_R;
    if (user ? rw : (rw || !wp)) {
        /* writable via the TLB only once the dirty bit is set */
        if (ptes[n - 1] & PG_D) {
            *prot |= PROT_W;
        }
    }
    if (!(nx && nxe)) {
        *prot |= PROT_X;
    }
    if ((ptes[n - 1] & PG_G) && (env->cr[4] & CR4_PGE_MASK)) {
        *prot |= PROT_G;
    }
    if (page_mask != 0xfff) {
        *prot |= PROT_LARGE;
    }
    return pa | (lin & page_mask);

not_present:
    err = 0;
    goto fault;
rsvd:
    err = PF_RSVD | PF_P;
    goto fault;
prot_fault:
    err = PF_P;
fault:
    if (acc == ACC_W) {
        err |= PF_W;
    }
    if (user) {
        err |= PF_U;
    }
    if (acc == ACC_X && nxe && pae) {
        err |= PF_ID;
    }
    page_fault(s, lin, err);
}

uint64_t x86_translate(X86TCG *s, uint64_t lin, int acc, bool user)
{
    int prot;
    return walk(s, lin, acc, user, &prot);
}

/* ---- TLB ---- */

/* Slot @k of tlb[@m] may now hold a valid entry of class @g. */
static void tlb_note_used(X86TCG *s, int m, int g, unsigned k)
{
    if (s->tlb_used_ok[m][g]) {
        if (s->tlb_nused[m][g] < TLB_USED_MAX) {
            s->tlb_used[m][g][s->tlb_nused[m][g]++] = k;
        } else {
            s->tlb_used_ok[m][g] = false;
        }
    }
}

static void tlb_entry_drop(TLBEntry *e)
{
    e->tag_r = e->tag_w = e->tag_x = -1;
}

void x86_tlb_flush(X86TCG *s)
{
    x86_jit_epoch_bump(s);
    x86_jit_stats.tlb_flushes++;
    for (int m = 0; m < 2; m++) {
        if (s->tlb_used_ok[m][0] && s->tlb_used_ok[m][1]) {
            for (int g = 0; g < 2; g++) {
                for (unsigned i = 0; i < s->tlb_nused[m][g]; i++) {
                    tlb_entry_drop(&s->tlb[m][s->tlb_used[m][g][i]]);
                }
            }
        } else {
            memset(s->tlb[m], 0xff, sizeof(s->tlb[m]));
        }
        for (int g = 0; g < 2; g++) {
            s->tlb_nused[m][g] = 0;
            s->tlb_used_ok[m][g] = true;
        }
    }
    ramc_flush();   /* (tests rebuild RAM between runs without a listener) */
    s->tlb_large_lo = -1;
    s->tlb_large_hi = 0;
}

/* CR3 load: global pages stay (SDM vol. 3 §4.10.4.1). */
void x86_tlb_flush_nonglobal(X86TCG *s)
{
    x86_jit_epoch_bump(s);
    x86_jit_stats.tlb_flushes++;
    for (int m = 0; m < 2; m++) {
        bool all = !s->tlb_used_ok[m][0];
        unsigned n = all ? TLB_SIZE : s->tlb_nused[m][0];

        for (unsigned i = 0; i < n; i++) {
            TLBEntry *e = &s->tlb[m][all ? i : s->tlb_used[m][0][i]];
            if (!e->global) {
                tlb_entry_drop(e);
            }
        }
        s->tlb_nused[m][0] = 0;
        s->tlb_used_ok[m][0] = true;
    }
}

void x86_tcg_reset_for_test(X86TCG *s)
{
    char *p = (char *)s;
    size_t jc_end = offsetof(X86TCG, jc) + sizeof(s->jc);

    x86_tlb_flush(s);
    x86_block_gen++;
    memset(p, 0, offsetof(X86TCG, tlb));
    memset(p + offsetof(X86TCG, tlb_large_lo), 0,
           offsetof(X86TCG, jc) - offsetof(X86TCG, tlb_large_lo));
    memset(p + jc_end, 0, sizeof(*s) - jc_end);
}

void x86_tlb_drop_writes(X86TCG *s, uint64_t ppage)
{
    for (int m = 0; m < 2; m++) {
        bool all = !s->tlb_used_ok[m][0] || !s->tlb_used_ok[m][1];

        for (int g = 0; g < (all ? 1 : 2); g++) {
            unsigned n = all ? TLB_SIZE : s->tlb_nused[m][g];

            for (unsigned i = 0; i < n; i++) {
                TLBEntry *e = &s->tlb[m][all ? i : s->tlb_used[m][g][i]];
                if (e->paddr == ppage) {
                    e->tag_w = -1;
                }
            }
        }
    }
}

void x86_tlb_flush_page(X86TCG *s, uint64_t lin)
{
    uint64_t page = lin & ~0xfffULL;
    /* a large page is cached as 4 KiB entries: drop its whole region */
    bool large = page >= s->tlb_large_lo && page <= s->tlb_large_hi;
    uint64_t size = !large ? 4096 :
                    (s->env->cr[4] & CR4_PAE_MASK) ? 2 << 20 : 4 << 20;
    uint64_t first = page & ~(size - 1);
    unsigned n = MIN(size >> 12, TLB_SIZE);

    x86_jit_stats.tlb_flush_pages++;
    for (int m = 0; m < 2; m++) {
        for (unsigned i = 0; i < n; i++) {
            uint64_t p = first + ((uint64_t)i << 12);
            TLBEntry *e = &s->tlb[m][(p >> 12) & (TLB_SIZE - 1)];
            if (((e->tag_r ^ first) & ~(size - 1)) == 0 ||
                ((e->tag_x ^ first) & ~(size - 1)) == 0 ||
                ((e->tag_w ^ first) & ~(size - 1)) == 0) {
                if (e->tag_x != (uint64_t)-1) {
                    x86_jit_epoch_bump(s);
                }
                e->tag_r = e->tag_w = e->tag_x = -1;
                e->global = 0;
            }
        }
    }
}

/*
 * Translate @lin for @acc and fill the TLB entry of the current mmu_idx.
 * Returns the physical address; *@ram tells whether the page is RAM
 * (the entry is usable for @acc).
 */
static uint64_t tlb_fill(X86TCG *s, uint64_t lin, int acc, bool *ram)
{
    uint64_t page = lin & ~0xfffULL;
    TLBEntry *e = &s->tlb[s->mmu_idx][(lin >> 12) & (TLB_SIZE - 1)];
    int prot;
    uint64_t pa = walk(s, lin, acc, s->mmu_idx == 1, &prot);
    uint64_t ppage = pa & ~0xfffULL;
    uint8_t *host;

    x86_jit_stats.tlb_fills++;
    if (acc == ACC_W) {
        prot |= PROT_W;     /* the walk just set D and checked permission */
    }
    host = ram_ptr(ppage, 4096, false);
    if (!host) {
        *ram = false;
        return pa;
    }
    if (e->tag_x != (uint64_t)-1 && (e->tag_x != page || e->paddr != ppage)) {
        /* an executable mapping is replaced: exit sites may be stale */
        x86_jit_epoch_bump(s);
    }
    if (e->paddr != ppage || e->addend != (uintptr_t)host - page) {
        e->tag_r = e->tag_w = e->tag_x = -1;
    }
    if (e->tag_r == (uint64_t)-1 || e->global != ((prot & PROT_G) != 0)) {
        /* newly valid, or valid in the other class: in that one's list */
        tlb_note_used(s, s->mmu_idx, (prot & PROT_G) != 0,
                      e - s->tlb[s->mmu_idx]);
    }
    e->paddr = ppage;
    e->addend = (uintptr_t)host - page;
    e->global = (prot & PROT_G) != 0;
    if (prot & PROT_LARGE) {
        /* (the whole large page: INVLPG anywhere in it drops it) */
        s->tlb_large_lo = MIN(s->tlb_large_lo, page & ~0x3fffffULL);
        s->tlb_large_hi = MAX(s->tlb_large_hi, page | 0x3fffffULL);
    }
    e->tag_r = page;
    if (prot & PROT_X) {
        e->tag_x = page;
    }
    if (prot & PROT_W) {
        bool code = x86_page_has_code(ppage);

        if (code && acc == ACC_W) {
            if (unlikely(s->ls)) {
                x86_lockstep_abort(s);  /* before invalidating anything */
            }
            x86_invalidate_phys_page(ppage);
            s->block_end = true;
            code = x86_page_has_code(ppage);
        }
        if (!code && ram_ptr(ppage, 4096, true) == host) {
            e->tag_w = page;
        } else {
            e->tag_w = -1;
        }
    }
    if (unlikely(s->dbg_watch) && x86_debug_watch_page(s, page)) {
        e->tag_r = e->tag_w = -1;   /* every access through the slow path */
    }
    *ram = acc != ACC_W || e->tag_w == page;
    if (unlikely(x86_jit_lockstep)) {
        e->tag_w = -1;      /* every store through x86_st_slow: logged */
    }
    return pa;
}

uint64_t x86_ld_slow(X86TCG *s, uint64_t lin, int size, int acc)
{
    TLBEntry *e;
    bool ram;
    uint64_t pa;

    if (!s->lma) {
        lin = (uint32_t)lin;
    }
    if (unlikely(s->dbg_watch) && acc != ACC_X) {
        x86_debug_access(s, lin, size, false);
    }
    if ((lin & 0xfff) + size > 4096) {
        uint64_t v = 0;
        for (int i = 0; i < size; i++) {
            v |= x86_ld_slow(s, lin + i, 1, acc) << (8 * i);
        }
        return v;
    }
    e = &s->tlb[s->mmu_idx][(lin >> 12) & (TLB_SIZE - 1)];
    if ((acc == ACC_X ? e->tag_x : e->tag_r) == (lin & ~0xfffULL)) {
        return x86_host_ld((void *)(uintptr_t)(lin + e->addend), size);
    }
    pa = tlb_fill(s, lin, acc, &ram);
    if (ram) {
        return x86_host_ld((void *)(uintptr_t)(lin + e->addend), size);
    }
    if (unlikely(s->ls)) {
        x86_lockstep_abort(s);
    }
    return mmio_ld(pa, size);
}

void x86_st_slow(X86TCG *s, uint64_t lin, int size, uint64_t val)
{
    TLBEntry *e;
    bool ram;
    uint64_t pa;

    if (!s->lma) {
        lin = (uint32_t)lin;
    }
    if (unlikely(s->dbg_watch)) {
        x86_debug_access(s, lin, size, true);
    }
    if ((lin & 0xfff) + size > 4096) {
        int n1 = 4096 - (lin & 0xfff);
        /* both pages must be writable before any byte is stored */
        x86_translate(s, lin, ACC_W, s->mmu_idx == 1);
        x86_translate(s, lin + n1, ACC_W, s->mmu_idx == 1);
        for (int i = 0; i < size; i++) {
            x86_st_slow(s, lin + i, 1, val >> (8 * i));
        }
        return;
    }
    e = &s->tlb[s->mmu_idx][(lin >> 12) & (TLB_SIZE - 1)];
    if (e->tag_w == (lin & ~0xfffULL)) {
        x86_host_st((void *)(uintptr_t)(lin + e->addend), size, val);
        return;
    }
    pa = tlb_fill(s, lin, ACC_W, &ram);
    if (ram) {
        if (unlikely(s->ls)) {
            x86_lockstep_log(s, (void *)(uintptr_t)(lin + e->addend), lin,
                             size, val);
        }
        x86_host_st((void *)(uintptr_t)(lin + e->addend), size, val);
        return;
    }
    if (unlikely(s->ls)) {
        x86_lockstep_abort(s);
    }
    /* ROM, MMIO, or a code page we could not untag */
    x86_phys_st(s, pa, size, val);
}

void *x86_host_ptr(X86TCG *s, uint64_t lin, int size, bool write)
{
    TLBEntry *e;
    uint64_t page;
    bool ram;

    if (!s->lma) {
        lin = (uint32_t)lin;
    }
    page = lin & ~0xfffULL;
    if ((lin & 0xfff) + size > 4096) {
        return NULL;
    }
    e = &s->tlb[s->mmu_idx][(lin >> 12) & (TLB_SIZE - 1)];
    if ((write ? e->tag_w : e->tag_r) != page) {
        tlb_fill(s, lin, write ? ACC_W : ACC_R, &ram);
        if (!ram || (write ? e->tag_w : e->tag_r) != page) {
            return NULL;
        }
    }
    return (void *)(uintptr_t)(lin + e->addend);
}

/* Instruction fetch: host pointer to @lin and its physical address. */
const uint8_t *x86_fetch_ptr(X86TCG *s, uint64_t lin, uint64_t *phys)
{
    TLBEntry *e;
    uint64_t page;
    bool ram;

    if (!s->lma) {
        lin = (uint32_t)lin;
    }
    page = lin & ~0xfffULL;
    e = &s->tlb[s->mmu_idx][(lin >> 12) & (TLB_SIZE - 1)];
    if (e->tag_x != page) {
        uint64_t pa = tlb_fill(s, lin, ACC_X, &ram);
        if (!ram || e->tag_x != page) {
            qemu_log_mask(LOG_GUEST_ERROR,
                          "tcg: executing from non-RAM address 0x%" PRIx64
                          "\n", pa);
            x86_raise(s, EXCP0D_GPF, 0, true);
        }
    }
    *phys = e->paddr | (lin & 0xfff);
    return (const uint8_t *)(uintptr_t)(lin + e->addend);
}

/* ---- memory map changes ---- */

void x86_tcg_memory_changed(void)
{
    __atomic_store_n(&x86_tcg_mem_changed, 1, __ATOMIC_SEQ_CST);
    /*
     * ... and make translated code return to the loop, which acts on it
     * (the loop checks it before every block; translated code polls only
     * its budget, which x86_jit_kick() pulls down).
     */
    for (guint i = 0; x86_tcg_states && i < x86_tcg_states->len; i++) {
        X86TCG *s = g_ptr_array_index(x86_tcg_states, i);
        if (s->cpu) {
            __atomic_store_n(&s->cpu->exit_request, 1, __ATOMIC_SEQ_CST);
        }
        x86_jit_kick(s);
    }
}

/*
 * Device DMA into RAM (any thread, BQL held): the pages are queued and
 * their translations dropped by the vCPU thread between blocks, before
 * the guest can act on the completion (its interrupt is taken there too).
 * A very large backlog degrades to a full flush.
 */
#define DMA_PAGES_MAX 4096
static GMutex dma_lock;
static GArray *dma_pages;       /* uint64_t guest-physical page addresses */
static int dma_pending;

static void mem_dma_write(MemoryListener *l, hwaddr addr, hwaddr len)
{
    uint64_t first = addr & ~0xfffULL, last = (addr + len - 1) & ~0xfffULL;

    g_mutex_lock(&dma_lock);
    if (!dma_pages) {
        dma_pages = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    }
    for (uint64_t p = first; p <= last; p += 0x1000) {
        if (dma_pages->len >= DMA_PAGES_MAX) {
            g_array_set_size(dma_pages, 0);
            x86_tcg_memory_changed();
            break;
        }
        g_array_append_val(dma_pages, p);
    }
    g_mutex_unlock(&dma_lock);
    __atomic_store_n(&dma_pending, 1, __ATOMIC_RELEASE);
}

static void x86_tcg_drain_dma_pages(void)
{
    GArray *pages;

    g_mutex_lock(&dma_lock);
    pages = dma_pages;
    dma_pages = NULL;
    __atomic_store_n(&dma_pending, 0, __ATOMIC_RELAXED);
    g_mutex_unlock(&dma_lock);
    for (guint i = 0; pages && i < pages->len; i++) {
        x86_invalidate_phys_page(g_array_index(pages, uint64_t, i));
    }
    if (pages) {
        g_array_free(pages, TRUE);
    }
}

/* Called by the vCPU thread between blocks: apply a deferred flush. */
void x86_tcg_check_memory_changed(void)
{
    if (unlikely(__atomic_load_n(&dma_pending, __ATOMIC_ACQUIRE))) {
        x86_tcg_drain_dma_pages();
    }
    if (unlikely(__atomic_load_n(&x86_tcg_mem_changed, __ATOMIC_RELAXED)) &&
        __atomic_exchange_n(&x86_tcg_mem_changed, 0, __ATOMIC_SEQ_CST)) {
        ramc_flush();
        x86_block_cache_flush();
        if (x86_tcg_states) {
            for (guint i = 0; i < x86_tcg_states->len; i++) {
                x86_tlb_flush(g_ptr_array_index(x86_tcg_states, i));
            }
        }
    }
}

static void mem_commit(MemoryListener *l)
{
    x86_tcg_memory_changed();
}

static MemoryListener tcg_listener = {
    .commit = mem_commit,
    .dma_write = mem_dma_write,
    .name = "tcg",
};

void x86_tcg_mmu_init(void)
{
    static bool done;

    if (!done) {
        done = true;
        memory_listener_register(&tcg_listener, &address_space_memory);
    }
}
