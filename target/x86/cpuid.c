/*
 * CPUID as a vCPU reports it: computed from its effective model data and
 * the machine topology, leaf by leaf as QEMU 7.2 does under TCG (measured
 * values for qemu64 in shared/notes/software-cpu.md §1.2).  Intel SDM
 * vol. 2A "CPUID"; AMD APM vol. 3 appendix E.  Vendor-specific cache
 * leaves (2, 4 for Intel; 0x80000005/6 for AMD) follow QEMU's
 * "vendor-cpuid-only" behaviour of 7.x machine types.
 */
#include "qemu/osdep.h"
#include "target/x86/cpu.h"
#include "accel/accel.h"
#include "hw/boards.h"

#define CPUID_1_EDX_CLFSH   (1u << 19)
#define CPUID_1_EDX_HT      (1u << 28)
#define CPUID_1_ECX_XSAVE   (1u << 26)
#define CPUID_1_ECX_AVX     (1u << 28)
#define CPUID_EXT_ECX_SVM   (1u << 2)
/* Leaf-1 EDX bits AMD mirrors into 0x80000001 EDX. */
#define CPUID_EXT2_AMD_ALIASES 0x0183f3ffu

/* Leaf 2 descriptors of QEMU's legacy caches: L1D 0x2c, L1I 0x30, L2 0x7d, L3 0x4d. */
#define CPUID2_LEGACY_EDX   0x002c307du
#define CPUID2_LEGACY_ECX   0x0000004du

static bool model_is_amd(const X86CPUModel *m)
{
    return m->vendor && strcmp(m->vendor, "AuthenticAMD") == 0;
}

static bool model_is_intel(const X86CPUModel *m)
{
    return m->vendor && strcmp(m->vendor, "GenuineIntel") == 0;
}

/* Threads per core and cores per package from -smp (1/1 without a machine). */
static void cpu_topology(unsigned *threads, unsigned *cores)
{
    *threads = 1;
    *cores = 1;
    if (current_machine) {
        if (current_machine->smp.threads) {
            *threads = current_machine->smp.threads;
        }
        if (current_machine->smp.cores) {
            *cores = current_machine->smp.cores;
        }
    }
}

static unsigned bits_for(unsigned count)
{
    unsigned bits = 0;

    while ((1u << bits) < count) {
        bits++;
    }
    return bits;
}

/* 12-byte vendor string as EBX, EDX, ECX. */
static void vendor_regs(const X86CPUModel *m, uint32_t *ebx, uint32_t *ecx,
                        uint32_t *edx)
{
    char v[12] = { 0 };

    if (m->vendor) {
        memcpy(v, m->vendor, MIN(strlen(m->vendor), sizeof(v)));
    }
    memcpy(ebx, v, 4);
    memcpy(edx, v + 4, 4);
    memcpy(ecx, v + 8, 4);
}

static uint32_t cpuid_signature(const X86CPUModel *m)
{
    uint32_t sig = (m->stepping & 0xf) | ((m->model & 0xf) << 4) |
                   ((m->model >> 4 & 0xf) << 16);

    if (m->family > 0xf) {
        sig |= 0xf << 8 | ((m->family - 0xf) & 0xff) << 20;
    } else {
        sig |= (m->family & 0xf) << 8;
    }
    return sig;
}

/* Deterministic cache parameters (leaf 4) of QEMU's legacy Intel caches. */
static void cpuid_leaf4(uint32_t subleaf, unsigned threads, unsigned cores,
                        uint32_t *eax, uint32_t *ebx, uint32_t *ecx,
                        uint32_t *edx)
{
    static const struct {
        uint8_t type, level, ways;
        uint32_t sets;
        uint8_t flags;          /* EDX */
        bool shared_by_package;
    } caches[] = {
        { 1, 1, 8, 64, 1, false },          /* L1D 32 KiB */
        { 2, 1, 8, 64, 1, false },          /* L1I 32 KiB */
        { 3, 2, 16, 4096, 1, false },       /* L2 4 MiB */
        { 3, 3, 16, 16384, 6, true },       /* L3 16 MiB, inclusive, complex */
    };
    unsigned core_bits = bits_for(cores), thread_bits = bits_for(threads);

    *eax = *ebx = *ecx = *edx = 0;
    if (subleaf >= ARRAY_SIZE(caches)) {
        return;
    }
    *eax = caches[subleaf].type | caches[subleaf].level << 5 | 1u << 8 |
           ((1u << core_bits) - 1) << 26;
    *eax |= (caches[subleaf].shared_by_package
             ? (1u << (core_bits + thread_bits)) - 1
             : (1u << thread_bits) - 1) << 14;
    *ebx = 63 | (uint32_t)(caches[subleaf].ways - 1) << 22;
    *ecx = caches[subleaf].sets - 1;
    *edx = caches[subleaf].flags;
}

void x86_cpu_get_cpuid(X86CPU *cpu, uint32_t leaf, uint32_t subleaf,
                       uint32_t *eax, uint32_t *ebx, uint32_t *ecx,
                       uint32_t *edx)
{
    const X86CPUModel *m = &cpu->model;
    unsigned threads, cores, logical;

    cpu_topology(&threads, &cores);
    logical = threads * cores;
    *eax = *ebx = *ecx = *edx = 0;

    /* Hypervisor range: QEMU's TCG signature (KVM builds its own leaves). */
    if (leaf == 0x40000000 && !kvm_enabled()) {
        *eax = 0x40000001;
        memcpy(ebx, "TCGT", 4);
        memcpy(ecx, "CGTC", 4);
        memcpy(edx, "GTCG", 4);
        return;
    }
    if (leaf == 0x40000001 && !kvm_enabled()) {
        return;
    }
    /* Out-of-range leaves answer like the highest basic leaf (SDM). */
    if (leaf & 0x80000000) {
        if (leaf > m->xlevel) {
            leaf = m->level;
        }
    } else if (leaf > m->level) {
        leaf = m->level;
    }

    switch (leaf) {
    case 0:
        *eax = m->level;
        vendor_regs(m, ebx, ecx, edx);
        break;
    case 1:
        *eax = cpuid_signature(m);
        *ebx = (cpu->apic_id & 0xff) << 24;
        if (m->features_1_edx & CPUID_1_EDX_CLFSH) {
            *ebx |= 8 << 8;     /* CLFLUSH line size in 8-byte units */
        }
        *ecx = m->features_1_ecx;
        *edx = m->features_1_edx;
        if (logical > 1) {
            *ebx |= (logical & 0xff) << 16;
            *edx |= CPUID_1_EDX_HT;
        }
        break;
    case 2:
        if (!model_is_amd(m)) {
            *eax = 1;
            *ecx = CPUID2_LEGACY_ECX;
            *edx = CPUID2_LEGACY_EDX;
        }
        break;
    case 4:
        if (!model_is_amd(m)) {
            cpuid_leaf4(subleaf, threads, cores, eax, ebx, ecx, edx);
        }
        break;
    case 5:
        /* MONITOR/MWAIT extensions: EMX | IBE, as QEMU reports them. */
        *ecx = 3;
        break;
    case 7:
        if (subleaf == 0) {
            *ebx = m->features_7_0_ebx;
            *ecx = m->features_7_0_ecx;
            *edx = m->features_7_0_edx;
        }
        break;
    case 0xb:
        /* Extended topology: level 0 = SMT, level 1 = core. */
        *edx = cpu->apic_id;
        *ecx = subleaf & 0xff;
        if (subleaf == 0) {
            *eax = bits_for(threads);
            *ebx = threads;
            *ecx |= 1 << 8;
        } else if (subleaf == 1) {
            *eax = bits_for(threads) + bits_for(cores);
            *ebx = logical;
            *ecx |= 2 << 8;
        }
        break;
    case 0xd:
        /* XSAVE state: x87 + SSE (+ AVX); nothing when XSAVE is off. */
        if (!(m->features_1_ecx & CPUID_1_ECX_XSAVE)) {
            break;
        }
        if (subleaf == 0) {
            *eax = 3;
            *ebx = *ecx = 576;
            if (m->features_1_ecx & CPUID_1_ECX_AVX) {
                *eax |= 4;
                *ebx = *ecx = 832;
            }
        } else if (subleaf == 2 && (m->features_1_ecx & CPUID_1_ECX_AVX)) {
            *eax = 256;
            *ebx = 576;
        }
        break;
    case 0x80000000:
        *eax = m->xlevel;
        vendor_regs(m, ebx, ecx, edx);
        break;
    case 0x80000001:
        *eax = cpuid_signature(m);
        *ecx = m->ext_features_ecx;
        *edx = m->ext_features_edx;
        if (model_is_amd(m)) {
            *edx |= m->features_1_edx & CPUID_EXT2_AMD_ALIASES;
        }
        break;
    case 0x80000002:
    case 0x80000003:
    case 0x80000004: {
        char brand[48] = { 0 };
        uint32_t regs[4];
        size_t len = m->model_id ? strlen(m->model_id) : 0;

        memcpy(brand, m->model_id ? m->model_id : "", MIN(len, sizeof(brand)));
        memcpy(regs, brand + (leaf - 0x80000002) * 16, 16);
        *eax = regs[0];
        *ebx = regs[1];
        *ecx = regs[2];
        *edx = regs[3];
        break;
    }
    case 0x80000005:
        /* L1 TLBs and caches (AMD only): 64 KiB 2-way L1D and L1I. */
        if (model_is_amd(m)) {
            *eax = 0x01ff01ff;
            *ebx = 0x01ff01ff;
            *ecx = 0x40020140;
            *edx = 0x40020140;
        }
        break;
    case 0x80000006:
        if (model_is_amd(m)) {
            *ebx = 0x42004200;
            *ecx = 0x02008140;      /* L2 512 KiB, 16-way */
            *edx = 0x00808140;      /* L3 16 MiB, 16-way */
        } else if (model_is_intel(m)) {
            *ecx = 0x10008140;      /* L2 4 MiB, 16-way */
        }
        break;
    case 0x80000008:
        if (m->ext_features_edx & (1u << 29)) {     /* LM */
            *eax = (m->phys_bits & 0xff) | (m->virt_bits & 0xff) << 8;
        } else {
            /* a 32-bit CPU: 36 address bits with PSE-36, else 32 (QEMU) */
            *eax = m->features_1_edx & (1u << 17) ? 36 : 32;
        }
        if (model_is_amd(m) && logical > 1) {
            *ecx = logical - 1;
        }
        break;
    case 0x8000000a:
        if (m->ext_features_ecx & CPUID_EXT_ECX_SVM) {
            *eax = 1;           /* SVM revision */
            *ebx = 0x10;        /* number of ASIDs */
        }
        break;
    default:
        break;
    }
}
