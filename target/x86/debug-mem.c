/*
 * Guest virtual memory for the monitor, the register dump's "Code=" line and
 * debuggers: a page walk that neither sets accessed/dirty bits nor raises
 * faults, whatever the accelerator (it reads the tables from guest RAM).
 */
#include "qemu/osdep.h"
#include "exec/memory.h"
#include "target/x86/cpu.h"

#define PTE_P       (1ULL << 0)
#define PTE_PS      (1ULL << 7)
#define PTE_ADDR    0x000ffffffffff000ULL

static bool read_pte(uint64_t pa, int size, uint64_t *e)
{
    uint64_t v = 0;

    if (address_space_read(&address_space_memory, pa, &v, size) != MEMTX_OK) {
        return false;
    }
    *e = GUINT64_FROM_LE(v);
    return (*e & PTE_P) != 0;
}

bool x86_cpu_get_phys_addr_debug(const CPUX86State *env, uint64_t va,
                                 uint64_t *pa)
{
    uint64_t e, table;
    int level;

    if (!(env->cr[0] & CR0_PG_MASK)) {
        *pa = x86_cpu_long_mode(env) ? va : (uint32_t)va;
        return true;
    }
    if (!(env->cr[4] & CR4_PAE_MASK)) {
        va = (uint32_t)va;
        if (!read_pte((env->cr[3] & 0xfffff000) + ((va >> 20) & 0xffc), 4, &e)) {
            return false;
        }
        if ((e & PTE_PS) && (env->cr[4] & CR4_PSE_MASK)) {
            *pa = (e & 0xffc00000) | (((e >> 13) & 0xff) << 32) |
                  (va & 0x3fffff);
            return true;
        }
        if (!read_pte((e & 0xfffff000) + ((va >> 10) & 0xffc), 4, &e)) {
            return false;
        }
        *pa = (e & 0xfffff000) | (va & 0xfff);
        return true;
    }
    if (x86_cpu_long_mode(env)) {
        if ((int64_t)(va << 16) >> 16 != (int64_t)va) {
            return false;       /* non-canonical */
        }
        table = env->cr[3] & PTE_ADDR;
        level = 4;
    } else {
        va = (uint32_t)va;
        if (!read_pte((env->cr[3] & 0xffffffe0) + ((va >> 27) & 0x18), 8, &e)) {
            return false;
        }
        table = e & PTE_ADDR;
        level = 2;
    }
    for (;; level--) {
        int shift = 12 + 9 * (level - 1);
        uint64_t mask = (1ULL << shift) - 1;

        if (!read_pte(table + ((va >> shift) & 0x1ff) * 8, 8, &e)) {
            return false;
        }
        if (level == 1 || ((e & PTE_PS) && level <= 3)) {
            *pa = (e & PTE_ADDR & ~mask) | (va & mask);
            return true;
        }
        table = e & PTE_ADDR;
    }
}

int x86_cpu_memory_rw_debug(X86CPU *cpu, uint64_t va, void *buf, size_t len,
                            bool is_write)
{
    uint8_t *p = buf;

    while (len) {
        uint64_t pa;
        size_t n = MIN(len, 0x1000 - (va & 0xfff));
        MemTxResult r;

        if (!x86_cpu_get_phys_addr_debug(&cpu->env, va, &pa)) {
            return -1;
        }
        r = is_write ? address_space_write_rom(&address_space_memory, pa, p, n)
                     : address_space_read(&address_space_memory, pa, p, n);
        if (r != MEMTX_OK) {
            return -1;
        }
        va += n;
        p += n;
        len -= n;
    }
    return 0;
}
