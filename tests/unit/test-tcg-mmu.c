/*
 * Page walks of the software CPU: 32-bit (4 KiB and 4 MiB pages), PAE,
 * 4-level (2 MiB and 4 KiB pages); A/D bits; U/S, R/W with CR0.WP, NX
 * faults and their error codes and CR2; soft-TLB flush on CR3 and INVLPG.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "exec/memory.h"
#include "target/x86/tcg/tcg-cpu.h"

#define RAM_SIZE (16 << 20)

static MemoryRegion ram;
static uint8_t *ram_ptr;
static X86CPU *cpu;
static X86TCG *s;

static void pokel(uint64_t pa, uint32_t v) { memcpy(ram_ptr + pa, &v, 4); }
static void pokeq(uint64_t pa, uint64_t v) { memcpy(ram_ptr + pa, &v, 8); }
static uint32_t peekl(uint64_t pa)
{
    uint32_t v;
    memcpy(&v, ram_ptr + pa, 4);
    return v;
}
static uint64_t peekq(uint64_t pa)
{
    uint64_t v;
    memcpy(&v, ram_ptr + pa, 8);
    return v;
}

/* Returns -1 on success (and *pa), else the exception vector. */
static int xlate(uint64_t lin, int acc, bool user, uint64_t *pa)
{
    if (setjmp(s->jb)) {
        return s->exc_vec;
    }
    *pa = x86_translate(s, lin, acc, user);
    return -1;
}

static int load(uint64_t lin, int size, uint64_t *v)
{
    if (setjmp(s->jb)) {
        return s->exc_vec;
    }
    *v = x86_ld_lin(s, lin, size);
    return -1;
}

static void write_cr(int cr, uint64_t v)
{
    if (setjmp(s->jb)) {
        g_assert_not_reached();
    }
    x86_write_cr(s, cr, v);
}

static void reset_cpu(void)
{
    memset(ram_ptr, 0, RAM_SIZE);
    memset(&cpu->env, 0, sizeof(cpu->env));
    cpu->env.cr[0] = CR0_PE_MASK | CR0_ET_MASK;
    cpu->env.segs[R_CS].flags = DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK |
                                DESC_B_MASK;
    cpu->env.segs[R_SS].flags = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK |
                                DESC_B_MASK;
    x86_tcg_sync_from_env(s);
}

#define P 1
#define RW 2
#define US 4
#define A 0x20
#define D 0x40
#define PS 0x80

static void test_paging32(void)
{
    uint64_t pa;

    reset_cpu();
    /* PD at 0x1000, PT at 0x2000: 0x00400000 -> 0x00123000 (user, RO) */
    pokel(0x1000 + 1 * 4, 0x2000 | P | RW | US);
    pokel(0x2000 + 0 * 4, 0x123000 | P | US);
    /* 4 MiB page at 0x00800000 -> 0x00c00000, supervisor, RW */
    pokel(0x1000 + 2 * 4, 0xc00000 | P | RW | PS);
    cpu->env.cr[4] = CR4_PSE_MASK;
    cpu->env.cr[3] = 0x1000;
    write_cr(0, CR0_PE_MASK | CR0_PG_MASK | CR0_WP_MASK);

    g_assert_cmpint(xlate(0x400abc, ACC_R, true, &pa), ==, -1);
    g_assert_cmphex(pa, ==, 0x123abc);
    g_assert_cmphex(peekl(0x1004) & A, ==, A);
    g_assert_cmphex(peekl(0x2000) & (A | D), ==, A);

    /* write to a read-only user page: #PF P|W|U, CR2 */
    g_assert_cmpint(xlate(0x400010, ACC_W, true, &pa), ==, EXCP0E_PAGE);
    g_assert_cmphex(s->exc_err, ==, 7);
    g_assert_cmphex(cpu->env.cr[2], ==, 0x400010);
    /* supervisor write with WP=1 faults too (P|W) */
    g_assert_cmpint(xlate(0x400010, ACC_W, false, &pa), ==, EXCP0E_PAGE);
    g_assert_cmphex(s->exc_err, ==, 3);
    /* ... but not with WP=0, and it sets D */
    write_cr(0, CR0_PE_MASK | CR0_PG_MASK);
    g_assert_cmpint(xlate(0x400010, ACC_W, false, &pa), ==, -1);
    g_assert_cmphex(peekl(0x2000) & D, ==, D);

    /* 4 MiB page */
    g_assert_cmpint(xlate(0x812345, ACC_W, false, &pa), ==, -1);
    g_assert_cmphex(pa, ==, 0xc12345);
    g_assert_cmphex(peekl(0x1008) & (A | D), ==, A | D);
    /* user access to a supervisor page: P|U */
    g_assert_cmpint(xlate(0x812345, ACC_R, true, &pa), ==, EXCP0E_PAGE);
    g_assert_cmphex(s->exc_err, ==, 5);
    /* not present: error 0 (read) / 2 (write) */
    g_assert_cmpint(xlate(0x1000000, ACC_R, false, &pa), ==, EXCP0E_PAGE);
    g_assert_cmphex(s->exc_err, ==, 0);
    g_assert_cmpint(xlate(0x1000000, ACC_W, false, &pa), ==, EXCP0E_PAGE);
    g_assert_cmphex(s->exc_err, ==, 2);
    g_assert_cmphex(cpu->env.cr[2], ==, 0x1000000);
}

static void test_paging_pae(void)
{
    uint64_t pa;

    reset_cpu();
    /* PDPT at 0x1000 (32-byte aligned), PD at 0x2000, PT at 0x3000 */
    pokeq(0x1000 + 1 * 8, 0x2000 | P);                 /* 1-2 GiB */
    pokeq(0x2000 + 0 * 8, 0x3000 | P | RW);            /* 4 KiB pages */
    pokeq(0x3000 + 5 * 8, 0x456000 | P | RW);
    pokeq(0x2000 + 1 * 8, 0x600000 | P | RW | PS);     /* 2 MiB page */
    pokeq(0x2000 + 2 * 8, 0x3000 | P | RW | (1ULL << 63));
    cpu->env.cr[4] = CR4_PAE_MASK;
    cpu->env.cr[3] = 0x1000;
    write_cr(0, CR0_PE_MASK | CR0_PG_MASK);

    g_assert_cmpint(xlate(0x40005123, ACC_R, false, &pa), ==, -1);
    g_assert_cmphex(pa, ==, 0x456123);
    g_assert_cmpint(xlate(0x40212345, ACC_R, false, &pa), ==, -1);
    g_assert_cmphex(pa, ==, 0x612345);
    /* NX bit with EFER.NXE clear is reserved: P|RSVD */
    g_assert_cmpint(xlate(0x40405000, ACC_R, false, &pa), ==, EXCP0E_PAGE);
    g_assert_cmphex(s->exc_err, ==, 9);
    /* with NXE: data reads work, fetches fault with I/D */
    cpu->env.efer = MSR_EFER_NXE;
    x86_tlb_flush(s);
    g_assert_cmpint(xlate(0x40405000, ACC_R, false, &pa), ==, -1);
    g_assert_cmphex(pa, ==, 0x456000);
    g_assert_cmpint(xlate(0x40405000, ACC_X, false, &pa), ==, EXCP0E_PAGE);
    g_assert_cmphex(s->exc_err, ==, 0x11);
    /* PDPTE 0 not present */
    g_assert_cmpint(xlate(0x1000, ACC_R, false, &pa), ==, EXCP0E_PAGE);
    g_assert_cmphex(s->exc_err, ==, 0);
}

static void test_paging_4level(void)
{
    uint64_t pa;
    uint64_t lin = 0xffff800000201000ULL;   /* PML4 256, PDPT 0, PD 1 */

    reset_cpu();
    pokeq(0x1000 + 256 * 8, 0x2000 | P | RW | US);     /* PML4 */
    pokeq(0x2000 + 0 * 8, 0x3000 | P | RW | US);       /* PDPT */
    pokeq(0x3000 + 1 * 8, 0x4000 | P | RW);            /* PD -> PT */
    pokeq(0x4000 + 1 * 8, 0x789000 | P | RW | US);
    pokeq(0x3000 + 2 * 8, 0xa00000 | P | RW | US | PS); /* 2 MiB page */
    pokeq(0x1000 + 0, 0x5000 | P | RW | US);           /* identity 0-2M */
    pokeq(0x5000, 0x6000 | P | RW | US);
    pokeq(0x6000, 0x0 | P | RW | US | PS);
    cpu->env.cr[4] = CR4_PAE_MASK;
    cpu->env.cr[3] = 0x1000;
    cpu->env.efer = MSR_EFER_LME;
    write_cr(0, CR0_PE_MASK | CR0_PG_MASK | CR0_WP_MASK);
    g_assert_true(cpu->env.efer & MSR_EFER_LMA);

    g_assert_cmpint(xlate(lin + 0x42, ACC_W, false, &pa), ==, -1);
    g_assert_cmphex(pa, ==, 0x789042);
    g_assert_cmphex(peekq(0x1000 + 256 * 8) & A, ==, A);
    g_assert_cmphex(peekq(0x4008) & (A | D), ==, A | D);
    /* user access through a supervisor PD entry: P|U */
    g_assert_cmpint(xlate(lin, ACC_R, true, &pa), ==, EXCP0E_PAGE);
    g_assert_cmphex(s->exc_err, ==, 5);
    g_assert_cmpint(xlate(0xffff800000400000ULL + 0x1234, ACC_R, true, &pa),
                    ==, -1);
    g_assert_cmphex(pa, ==, 0xa01234);
    /* non-canonical: #GP */
    g_assert_cmpint(xlate(0x0000800000000000ULL, ACC_R, false, &pa), ==,
                    EXCP0D_GPF);
    /* unmapped PML4 slot */
    g_assert_cmpint(xlate(0x0000008000000000ULL, ACC_R, false, &pa), ==,
                    EXCP0E_PAGE);
    g_assert_cmphex(cpu->env.cr[2], ==, 0x0000008000000000ULL);
}

static void test_tlb_flush(void)
{
    uint64_t v;

    reset_cpu();
    /* 32-bit paging: 0x400000 -> 0x100000 */
    pokel(0x1000 + 1 * 4, 0x2000 | P | RW);
    pokel(0x2000, 0x100000 | P | RW);
    pokel(0x100000, 0x11111111);
    pokel(0x200000, 0x22222222);
    cpu->env.cr[3] = 0x1000;
    write_cr(0, CR0_PE_MASK | CR0_PG_MASK);

    g_assert_cmpint(load(0x400000, 4, &v), ==, -1);
    g_assert_cmphex(v, ==, 0x11111111);
    /* remap without a flush: the TLB still has the old page */
    pokel(0x2000, 0x200000 | P | RW);
    g_assert_cmpint(load(0x400000, 4, &v), ==, -1);
    g_assert_cmphex(v, ==, 0x11111111);
    x86_tlb_flush_page(s, 0x400000);            /* INVLPG */
    g_assert_cmpint(load(0x400000, 4, &v), ==, -1);
    g_assert_cmphex(v, ==, 0x22222222);
    pokel(0x2000, 0x100000 | P | RW);
    write_cr(3, 0x1000);                        /* CR3 reload */
    g_assert_cmpint(load(0x400000, 4, &v), ==, -1);
    g_assert_cmphex(v, ==, 0x11111111);
    /* a page-crossing load into an unmapped page faults with CR2 there */
    g_assert_cmpint(load(0x400ffe, 4, &v), ==, EXCP0E_PAGE);
    g_assert_cmphex(cpu->env.cr[2], ==, 0x401000);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    memory_system_init();
    memory_region_init_ram(&ram, NULL, "ram", RAM_SIZE, &error_abort);
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    ram_ptr = memory_region_get_ram_ptr(&ram);
    cpu = g_new0(X86CPU, 1);
    s = x86_tcg_new(cpu);

    g_test_add_func("/tcg-mmu/paging32", test_paging32);
    g_test_add_func("/tcg-mmu/pae", test_paging_pae);
    g_test_add_func("/tcg-mmu/4level", test_paging_4level);
    g_test_add_func("/tcg-mmu/tlb-flush", test_tlb_flush);
    return g_test_run();
}
