/*
 * CPU models as data (QEMU 7.2's builtin definitions: vendor, family/model/
 * stepping, CPUID feature words), "-cpu help", and the "-cpu NAME,+feat,
 * -feat,feat=on|off,prop=value" parser with QEMU's feature names and error
 * texts.  Versioned names ("Haswell-v2") and aliases ("Haswell-noTSX")
 * resolve to the base definition with the variant's TSX/IBRS changes.
 * Feature words QEMU has but kemu does not model (0xd.1, 0x40000001 KVM
 * bits, VMX/SVM capabilities) are accepted by name and have no effect.
 */
#include "qemu/osdep.h"
#include "target/x86/cpu.h"
#include "accel/accel.h"
#include "qemu/error-report.h"
#include "qemu/option.h"
#include "cpu-internal.h"
#include "cpu-help-table.h"

/* Leaf 1 EDX */
#define F_FPU    (1u << 0)
#define F_VME    (1u << 1)
#define F_DE     (1u << 2)
#define F_PSE    (1u << 3)
#define F_TSC    (1u << 4)
#define F_MSR    (1u << 5)
#define F_PAE    (1u << 6)
#define F_MCE    (1u << 7)
#define F_CX8    (1u << 8)
#define F_APIC   (1u << 9)
#define F_SEP    (1u << 11)
#define F_MTRR   (1u << 12)
#define F_PGE    (1u << 13)
#define F_MCA    (1u << 14)
#define F_CMOV   (1u << 15)
#define F_PAT    (1u << 16)
#define F_PSE36  (1u << 17)
#define F_CLFSH  (1u << 19)
#define F_MMX    (1u << 23)
#define F_FXSR   (1u << 24)
#define F_SSE    (1u << 25)
#define F_SSE2   (1u << 26)
#define F_SS     (1u << 27)
#define F_HT     (1u << 28)
/* Leaf 1 ECX */
#define E_SSE3   (1u << 0)
#define E_PCLMUL (1u << 1)
#define E_MONITOR (1u << 3)
#define E_VMX    (1u << 5)
#define E_SSSE3  (1u << 9)
#define E_FMA    (1u << 12)
#define E_CX16   (1u << 13)
#define E_PCID   (1u << 17)
#define E_SSE41  (1u << 19)
#define E_SSE42  (1u << 20)
#define E_X2APIC (1u << 21)
#define E_MOVBE  (1u << 22)
#define E_POPCNT (1u << 23)
#define E_TSCDL  (1u << 24)
#define E_AES    (1u << 25)
#define E_XSAVE  (1u << 26)
#define E_AVX    (1u << 28)
#define E_F16C   (1u << 29)
#define E_RDRAND (1u << 30)
#define E_HYPERVISOR (1u << 31)
/* Leaf 7.0 EBX */
#define S_FSGSBASE (1u << 0)
#define S_BMI1   (1u << 3)
#define S_HLE    (1u << 4)
#define S_AVX2   (1u << 5)
#define S_SMEP   (1u << 7)
#define S_BMI2   (1u << 8)
#define S_ERMS   (1u << 9)
#define S_INVPCID (1u << 10)
#define S_RTM    (1u << 11)
#define S_MPX    (1u << 14)
#define S_AVX512F (1u << 16)
#define S_AVX512DQ (1u << 17)
#define S_RDSEED (1u << 18)
#define S_ADX    (1u << 19)
#define S_SMAP   (1u << 20)
#define S_CLFLUSHOPT (1u << 23)
#define S_CLWB   (1u << 24)
#define S_AVX512CD (1u << 28)
#define S_SHA    (1u << 29)
#define S_AVX512BW (1u << 30)
#define S_AVX512VL (1u << 31)
/* Leaf 7.0 ECX / EDX */
#define S7C_UMIP (1u << 2)
#define S7C_PKU  (1u << 3)
#define S7C_AVX512VBMI (1u << 1)
#define S7C_AVX512VBMI2 (1u << 6)
#define S7C_GFNI (1u << 8)
#define S7C_VAES (1u << 9)
#define S7C_VPCLMULQDQ (1u << 10)
#define S7C_AVX512VNNI (1u << 11)
#define S7C_AVX512BITALG (1u << 12)
#define S7C_AVX512VPOPCNTDQ (1u << 14)
#define S7C_LA57 (1u << 16)
#define S7C_RDPID (1u << 22)
#define S7D_MD_CLEAR (1u << 10)
#define S7D_SPEC_CTRL (1u << 26)
#define S7D_ARCH_CAP (1u << 29)
#define S7D_SSBD (1u << 31)
/* 0x80000001 EDX / ECX */
#define X_SYSCALL (1u << 11)
#define X_NX     (1u << 20)
#define X_MMXEXT (1u << 22)
#define X_FFXSR  (1u << 25)
#define X_PDPE1GB (1u << 26)
#define X_RDTSCP (1u << 27)
#define X_LM     (1u << 29)
#define X_3DNOWEXT (1u << 30)
#define X_3DNOW  (1u << 31)
#define XC_LAHF  (1u << 0)
#define XC_CMPLEG (1u << 1)
#define XC_SVM   (1u << 2)
#define XC_EXTAPIC (1u << 3)
#define XC_CR8LEG (1u << 4)
#define XC_ABM   (1u << 5)
#define XC_SSE4A (1u << 6)
#define XC_MISALIGNSSE (1u << 7)
#define XC_3DNOWPREFETCH (1u << 8)
#define XC_OSVW  (1u << 9)
#define XC_XOP   (1u << 11)
#define XC_FMA4  (1u << 16)
#define XC_TBM   (1u << 21)
#define XC_TOPOEXT (1u << 22)

/* QEMU's PPRO_FEATURES: what every 686-class model starts from. */
#define PPRO_FEATURES (F_FPU | F_DE | F_PSE | F_TSC | F_MSR | F_MCE | \
                       F_CX8 | F_PGE | F_CMOV | F_PAT | F_FXSR | F_MMX | \
                       F_SSE | F_SSE2 | F_PAE | F_SEP | F_APIC)
#define MODERN_EDX (PPRO_FEATURES | F_MTRR | F_CLFSH | F_MCA | F_PSE36)

#define INTEL "GenuineIntel"
#define AMD   "AuthenticAMD"

static const X86CPUModel x86_models[] = {
    {
        .name = "qemu64", .model_id = "QEMU Virtual CPU version 2.5+",
        .vendor = AMD, .level = 0xd, .xlevel = 0x8000000a,
        .family = 15, .model = 107, .stepping = 1,
        .features_1_edx = MODERN_EDX,
        .features_1_ecx = E_SSE3 | E_CX16,
        .ext_features_edx = X_LM | X_SYSCALL | X_NX,
        .ext_features_ecx = XC_LAHF | XC_SVM,
        .phys_bits = 40, .virt_bits = 48,
    }, {
        .name = "qemu32", .model_id = "QEMU Virtual CPU version 2.5+",
        .vendor = INTEL, .level = 4, .xlevel = 0x80000004,
        .family = 6, .model = 6, .stepping = 3,
        .features_1_edx = PPRO_FEATURES,
        .features_1_ecx = E_SSE3,
        .phys_bits = 40, .virt_bits = 48,
    }, {
        .name = "kvm64", .model_id = "Common KVM processor",
        .vendor = INTEL, .level = 0xd, .xlevel = 0x80000008,
        .family = 15, .model = 6, .stepping = 1,
        .features_1_edx = MODERN_EDX,
        .features_1_ecx = E_SSE3 | E_CX16,
        .ext_features_edx = X_LM | X_SYSCALL | X_NX,
        .phys_bits = 40, .virt_bits = 48,
    }, {
        .name = "kvm32", .model_id = "Common 32-bit KVM processor",
        .vendor = INTEL, .level = 5, .xlevel = 0x80000008,
        .family = 15, .model = 6, .stepping = 1,
        .features_1_edx = MODERN_EDX,
        .features_1_ecx = E_SSE3,
        .phys_bits = 40, .virt_bits = 48,
    }, {
        .name = "486", .model_id = "", .vendor = INTEL,
        .level = 1, .xlevel = 0, .family = 4, .model = 8, .stepping = 0,
        .features_1_edx = F_FPU | F_VME | F_PSE,
        .phys_bits = 32, .virt_bits = 32,
    }, {
        .name = "pentium", .model_id = "", .vendor = INTEL,
        .level = 1, .family = 5, .model = 4, .stepping = 3,
        .features_1_edx = F_FPU | F_VME | F_DE | F_PSE | F_TSC | F_MSR |
                          F_MCE | F_CX8 | F_MMX,
        .phys_bits = 32, .virt_bits = 32,
    }, {
        .name = "pentium2", .model_id = "", .vendor = INTEL,
        .level = 2, .family = 6, .model = 5, .stepping = 2,
        .features_1_edx = (PPRO_FEATURES & ~(F_SSE | F_SSE2)) | F_MMX |
                          F_PSE36 | F_MTRR | F_MCA,
        .phys_bits = 36, .virt_bits = 32,
    }, {
        .name = "pentium3", .model_id = "", .vendor = INTEL,
        .level = 3, .family = 6, .model = 7, .stepping = 3,
        .features_1_edx = (PPRO_FEATURES & ~F_SSE2) | F_MTRR | F_MCA |
                          F_PSE36,
        .phys_bits = 36, .virt_bits = 32,
    }, {
        .name = "athlon", .model_id = "QEMU Virtual CPU version 2.5+",
        .vendor = AMD, .level = 2, .xlevel = 0x80000008,
        .family = 6, .model = 2, .stepping = 3,
        .features_1_edx = PPRO_FEATURES | F_PSE36 | F_VME | F_MTRR | F_MCA,
        .ext_features_edx = X_MMXEXT | X_3DNOW | X_3DNOWEXT,
        .phys_bits = 40, .virt_bits = 48,
    }, {
        .name = "phenom",
        .model_id = "AMD Phenom(tm) 9550 Quad-Core Processor",
        .vendor = AMD, .level = 5, .xlevel = 0x8000001a,
        .family = 16, .model = 2, .stepping = 3,
        .features_1_edx = PPRO_FEATURES | F_MTRR | F_CLFSH | F_MCA |
                          F_PSE36 | F_VME | F_HT,
        .features_1_ecx = E_SSE3 | E_MONITOR | E_CX16 | E_POPCNT,
        .ext_features_edx = X_LM | X_SYSCALL | X_NX | X_3DNOW | X_3DNOWEXT |
                            X_MMXEXT | X_FFXSR | X_PDPE1GB | X_RDTSCP,
        .ext_features_ecx = XC_LAHF | XC_SVM | XC_ABM | XC_SSE4A,
        .phys_bits = 40, .virt_bits = 48,
    }, {
        .name = "core2duo",
        .model_id = "Intel(R) Core(TM)2 Duo CPU     T7700  @ 2.40GHz",
        .vendor = INTEL, .level = 10, .xlevel = 0x80000008,
        .family = 6, .model = 15, .stepping = 11,
        .features_1_edx = MODERN_EDX | F_SS | F_HT,
        .features_1_ecx = E_SSE3 | E_MONITOR | E_SSSE3 | E_CX16 | E_VMX,
        .ext_features_edx = X_LM | X_SYSCALL | X_NX,
        .ext_features_ecx = XC_LAHF,
        .phys_bits = 40, .virt_bits = 48,
    }, {
        .name = "coreduo",
        .model_id = "Genuine Intel(R) CPU           T2600  @ 2.16GHz",
        .vendor = INTEL, .level = 10, .xlevel = 0x80000008,
        .family = 6, .model = 14, .stepping = 8,
        .features_1_edx = PPRO_FEATURES | F_VME | F_MTRR | F_CLFSH |
                          F_MCA | F_SS | F_HT,
        .features_1_ecx = E_SSE3 | E_MONITOR | E_VMX,
        .ext_features_edx = X_NX,
        .phys_bits = 40, .virt_bits = 48,
    }, {
        .name = "n270",
        .model_id = "Intel(R) Atom(TM) CPU N270   @ 1.60GHz",
        .vendor = INTEL, .level = 10, .xlevel = 0x80000008,
        .family = 6, .model = 28, .stepping = 2,
        .features_1_edx = PPRO_FEATURES | F_MTRR | F_CLFSH | F_MCA |
                          F_VME | F_SS | F_HT,
        .features_1_ecx = E_SSE3 | E_MONITOR | E_SSSE3 | E_MOVBE,
        .ext_features_edx = X_NX,
        .ext_features_ecx = XC_LAHF,
        .phys_bits = 40, .virt_bits = 48,
    }, {
        .name = "Conroe",
        .model_id = "Intel Celeron_4x0 (Conroe/Merom Class Core 2)",
        .vendor = INTEL, .level = 10, .xlevel = 0x80000008,
        .family = 6, .model = 15, .stepping = 3,
        .features_1_edx = MODERN_EDX,
        .features_1_ecx = E_SSSE3 | E_SSE3,
        .ext_features_edx = X_LM | X_NX | X_SYSCALL,
        .ext_features_ecx = XC_LAHF,
        .phys_bits = 40, .virt_bits = 48,
    }, {
        .name = "Penryn",
        .model_id = "Intel Core 2 Duo P9xxx (Penryn Class Core 2)",
        .vendor = INTEL, .level = 10, .xlevel = 0x80000008,
        .family = 6, .model = 23, .stepping = 3,
        .features_1_edx = MODERN_EDX,
        .features_1_ecx = E_SSE41 | E_CX16 | E_SSSE3 | E_SSE3,
        .ext_features_edx = X_LM | X_NX | X_SYSCALL,
        .ext_features_ecx = XC_LAHF,
        .phys_bits = 40, .virt_bits = 48,
    }, {
        .name = "Nehalem",
        .model_id = "Intel Core i7 9xx (Nehalem Class Core i7)",
        .vendor = INTEL, .level = 11, .xlevel = 0x80000008,
        .family = 6, .model = 26, .stepping = 3,
        .features_1_edx = MODERN_EDX,
        .features_1_ecx = E_POPCNT | E_SSE42 | E_SSE41 | E_CX16 | E_SSSE3 |
                          E_SSE3,
        .ext_features_edx = X_LM | X_SYSCALL | X_NX,
        .ext_features_ecx = XC_LAHF,
        .phys_bits = 40, .virt_bits = 48,
    }, {
        .name = "Westmere",
        .model_id = "Westmere E56xx/L56xx/X56xx (Nehalem-C)",
        .vendor = INTEL, .level = 11, .xlevel = 0x80000008,
        .family = 6, .model = 44, .stepping = 1,
        .features_1_edx = MODERN_EDX,
        .features_1_ecx = E_AES | E_POPCNT | E_SSE42 | E_SSE41 | E_CX16 |
                          E_SSSE3 | E_PCLMUL | E_SSE3,
        .ext_features_edx = X_LM | X_SYSCALL | X_NX,
        .ext_features_ecx = XC_LAHF,
        .phys_bits = 40, .virt_bits = 48,
    }, {
        .name = "SandyBridge", .model_id = "Intel Xeon E312xx (Sandy Bridge)",
        .vendor = INTEL, .level = 0xd, .xlevel = 0x80000008,
        .family = 6, .model = 42, .stepping = 1,
        .features_1_edx = MODERN_EDX,
        .features_1_ecx = E_AVX | E_XSAVE | E_AES | E_TSCDL | E_POPCNT |
                          E_X2APIC | E_SSE42 | E_SSE41 | E_CX16 | E_SSSE3 |
                          E_PCLMUL | E_SSE3,
        .ext_features_edx = X_LM | X_RDTSCP | X_NX | X_SYSCALL,
        .ext_features_ecx = XC_LAHF,
        .phys_bits = 40, .virt_bits = 48,
    }, {
        .name = "IvyBridge", .model_id = "Intel Xeon E3-12xx v2 (Ivy Bridge)",
        .vendor = INTEL, .level = 0xd, .xlevel = 0x80000008,
        .family = 6, .model = 58, .stepping = 9,
        .features_1_edx = MODERN_EDX,
        .features_1_ecx = E_AVX | E_XSAVE | E_AES | E_TSCDL | E_POPCNT |
                          E_X2APIC | E_SSE42 | E_SSE41 | E_CX16 | E_SSSE3 |
                          E_PCLMUL | E_SSE3 | E_F16C | E_RDRAND,
        .features_7_0_ebx = S_FSGSBASE | S_SMEP | S_ERMS,
        .ext_features_edx = X_LM | X_RDTSCP | X_NX | X_SYSCALL,
        .ext_features_ecx = XC_LAHF,
        .phys_bits = 40, .virt_bits = 48,
    }, {
        .name = "Haswell", .model_id = "Intel Core Processor (Haswell)",
        .vendor = INTEL, .level = 0xd, .xlevel = 0x80000008,
        .family = 6, .model = 60, .stepping = 4,
        .features_1_edx = MODERN_EDX,
        .features_1_ecx = E_AVX | E_XSAVE | E_AES | E_POPCNT | E_X2APIC |
                          E_SSE42 | E_SSE41 | E_CX16 | E_SSSE3 | E_PCLMUL |
                          E_SSE3 | E_TSCDL | E_FMA | E_MOVBE | E_PCID |
                          E_F16C | E_RDRAND,
        .features_7_0_ebx = S_FSGSBASE | S_BMI1 | S_HLE | S_AVX2 | S_SMEP |
                            S_BMI2 | S_ERMS | S_INVPCID | S_RTM,
        .ext_features_edx = X_LM | X_RDTSCP | X_NX | X_SYSCALL,
        .ext_features_ecx = XC_ABM | XC_LAHF,
        .phys_bits = 40, .virt_bits = 48,
    }, {
        .name = "Broadwell", .model_id = "Intel Core Processor (Broadwell)",
        .vendor = INTEL, .level = 0xd, .xlevel = 0x80000008,
        .family = 6, .model = 61, .stepping = 2,
        .features_1_edx = MODERN_EDX,
        .features_1_ecx = E_AVX | E_XSAVE | E_AES | E_POPCNT | E_X2APIC |
                          E_SSE42 | E_SSE41 | E_CX16 | E_SSSE3 | E_PCLMUL |
                          E_SSE3 | E_TSCDL | E_FMA | E_MOVBE | E_PCID |
                          E_F16C | E_RDRAND,
        .features_7_0_ebx = S_FSGSBASE | S_BMI1 | S_HLE | S_AVX2 | S_SMEP |
                            S_BMI2 | S_ERMS | S_INVPCID | S_RTM | S_RDSEED |
                            S_ADX | S_SMAP,
        .ext_features_edx = X_LM | X_RDTSCP | X_NX | X_SYSCALL,
        .ext_features_ecx = XC_ABM | XC_LAHF | XC_3DNOWPREFETCH,
        .phys_bits = 40, .virt_bits = 48,
    }, {
        .name = "Skylake-Client", .model_id = "Intel Core Processor (Skylake)",
        .vendor = INTEL, .level = 0xd, .xlevel = 0x80000008,
        .family = 6, .model = 94, .stepping = 3,
        .features_1_edx = MODERN_EDX,
        .features_1_ecx = E_AVX | E_XSAVE | E_AES | E_POPCNT | E_X2APIC |
                          E_SSE42 | E_SSE41 | E_CX16 | E_SSSE3 | E_PCLMUL |
                          E_SSE3 | E_TSCDL | E_FMA | E_MOVBE | E_PCID |
                          E_F16C | E_RDRAND,
        .features_7_0_ebx = S_FSGSBASE | S_BMI1 | S_HLE | S_AVX2 | S_SMEP |
                            S_BMI2 | S_ERMS | S_INVPCID | S_RTM | S_RDSEED |
                            S_ADX | S_SMAP,
        .ext_features_edx = X_LM | X_RDTSCP | X_NX | X_SYSCALL,
        .ext_features_ecx = XC_ABM | XC_LAHF | XC_3DNOWPREFETCH,
        .phys_bits = 40, .virt_bits = 48,
    }, {
        .name = "Skylake-Server", .model_id = "Intel Xeon Processor (Skylake)",
        .vendor = INTEL, .level = 0xd, .xlevel = 0x80000008,
        .family = 6, .model = 85, .stepping = 4,
        .features_1_edx = MODERN_EDX,
        .features_1_ecx = E_AVX | E_XSAVE | E_AES | E_POPCNT | E_X2APIC |
                          E_SSE42 | E_SSE41 | E_CX16 | E_SSSE3 | E_PCLMUL |
                          E_SSE3 | E_TSCDL | E_FMA | E_MOVBE | E_PCID |
                          E_F16C | E_RDRAND,
        .features_7_0_ebx = S_FSGSBASE | S_BMI1 | S_HLE | S_AVX2 | S_SMEP |
                            S_BMI2 | S_ERMS | S_INVPCID | S_RTM | S_RDSEED |
                            S_ADX | S_SMAP | S_CLWB | S_AVX512F |
                            S_AVX512DQ | S_AVX512BW | S_AVX512CD |
                            S_AVX512VL | S_CLFLUSHOPT,
        .features_7_0_ecx = S7C_PKU,
        .ext_features_edx = X_PDPE1GB | X_RDTSCP | X_LM | X_SYSCALL | X_NX,
        .ext_features_ecx = XC_ABM | XC_LAHF | XC_3DNOWPREFETCH,
        .phys_bits = 40, .virt_bits = 48,
    }, {
        .name = "Cascadelake-Server",
        .model_id = "Intel Xeon Processor (Cascadelake)",
        .vendor = INTEL, .level = 0xd, .xlevel = 0x80000008,
        .family = 6, .model = 85, .stepping = 6,
        .features_1_edx = MODERN_EDX,
        .features_1_ecx = E_AVX | E_XSAVE | E_AES | E_POPCNT | E_X2APIC |
                          E_SSE42 | E_SSE41 | E_CX16 | E_SSSE3 | E_PCLMUL |
                          E_SSE3 | E_TSCDL | E_FMA | E_MOVBE | E_PCID |
                          E_F16C | E_RDRAND,
        .features_7_0_ebx = S_FSGSBASE | S_BMI1 | S_HLE | S_AVX2 | S_SMEP |
                            S_BMI2 | S_ERMS | S_INVPCID | S_RTM | S_RDSEED |
                            S_ADX | S_SMAP | S_CLWB | S_AVX512F |
                            S_AVX512DQ | S_AVX512BW | S_AVX512CD |
                            S_AVX512VL | S_CLFLUSHOPT,
        .features_7_0_ecx = S7C_PKU | S7C_AVX512VNNI,
        .features_7_0_edx = S7D_SPEC_CTRL | S7D_SSBD,
        .ext_features_edx = X_PDPE1GB | X_RDTSCP | X_LM | X_SYSCALL | X_NX,
        .ext_features_ecx = XC_ABM | XC_LAHF | XC_3DNOWPREFETCH,
        .phys_bits = 40, .virt_bits = 48,
    }, {
        .name = "Icelake-Server", .model_id = "Intel Xeon Processor (Icelake)",
        .vendor = INTEL, .level = 0xd, .xlevel = 0x80000008,
        .family = 6, .model = 134, .stepping = 0,
        .features_1_edx = MODERN_EDX,
        .features_1_ecx = E_AVX | E_XSAVE | E_AES | E_POPCNT | E_X2APIC |
                          E_SSE42 | E_SSE41 | E_CX16 | E_SSSE3 | E_PCLMUL |
                          E_SSE3 | E_TSCDL | E_FMA | E_MOVBE | E_PCID |
                          E_F16C | E_RDRAND,
        .features_7_0_ebx = S_FSGSBASE | S_BMI1 | S_HLE | S_AVX2 | S_SMEP |
                            S_BMI2 | S_ERMS | S_INVPCID | S_RTM | S_RDSEED |
                            S_ADX | S_SMAP | S_CLWB | S_AVX512F |
                            S_AVX512DQ | S_AVX512BW | S_AVX512CD |
                            S_AVX512VL | S_CLFLUSHOPT,
        .features_7_0_ecx = S7C_AVX512VBMI | S7C_UMIP | S7C_PKU |
                            S7C_AVX512VBMI2 | S7C_GFNI | S7C_VAES |
                            S7C_VPCLMULQDQ | S7C_AVX512VNNI |
                            S7C_AVX512BITALG | S7C_AVX512VPOPCNTDQ |
                            S7C_LA57,
        .features_7_0_edx = S7D_SPEC_CTRL | S7D_SSBD,
        .ext_features_edx = X_LM | X_PDPE1GB | X_RDTSCP | X_NX | X_SYSCALL,
        .ext_features_ecx = XC_ABM | XC_LAHF | XC_3DNOWPREFETCH,
        .phys_bits = 40, .virt_bits = 57,
    }, {
        .name = "Opteron_G1",
        .model_id = "AMD Opteron 240 (Gen 1 Class Opteron)",
        .vendor = AMD, .level = 5, .xlevel = 0x80000008,
        .family = 15, .model = 6, .stepping = 1,
        .features_1_edx = MODERN_EDX,
        .features_1_ecx = E_SSE3,
        .ext_features_edx = X_LM | X_NX | X_SYSCALL,
        .phys_bits = 40, .virt_bits = 48,
    }, {
        .name = "Opteron_G2",
        .model_id = "AMD Opteron 22xx (Gen 2 Class Opteron)",
        .vendor = AMD, .level = 5, .xlevel = 0x80000008,
        .family = 15, .model = 6, .stepping = 1,
        .features_1_edx = MODERN_EDX,
        .features_1_ecx = E_CX16 | E_SSE3,
        .ext_features_edx = X_LM | X_NX | X_SYSCALL | X_RDTSCP,
        .ext_features_ecx = XC_SVM | XC_LAHF,
        .phys_bits = 40, .virt_bits = 48,
    }, {
        .name = "Opteron_G3",
        .model_id = "AMD Opteron 23xx (Gen 3 Class Opteron)",
        .vendor = AMD, .level = 5, .xlevel = 0x80000008,
        .family = 16, .model = 2, .stepping = 3,
        .features_1_edx = MODERN_EDX,
        .features_1_ecx = E_POPCNT | E_CX16 | E_MONITOR | E_SSE3,
        .ext_features_edx = X_LM | X_NX | X_SYSCALL | X_RDTSCP,
        .ext_features_ecx = XC_MISALIGNSSE | XC_SSE4A | XC_ABM | XC_SVM |
                            XC_LAHF,
        .phys_bits = 40, .virt_bits = 48,
    }, {
        .name = "EPYC", .model_id = "AMD EPYC Processor",
        .vendor = AMD, .level = 0xd, .xlevel = 0x8000001e,
        .family = 23, .model = 1, .stepping = 2,
        .features_1_edx = MODERN_EDX,
        .features_1_ecx = E_RDRAND | E_F16C | E_AVX | E_XSAVE | E_AES |
                          E_POPCNT | E_MOVBE | E_SSE42 | E_SSE41 | E_CX16 |
                          E_FMA | E_SSSE3 | E_MONITOR | E_PCLMUL | E_SSE3,
        .features_7_0_ebx = S_FSGSBASE | S_BMI1 | S_AVX2 | S_SMEP | S_BMI2 |
                            S_RDSEED | S_ADX | S_SMAP | S_CLFLUSHOPT | S_SHA,
        .ext_features_edx = X_LM | X_RDTSCP | X_PDPE1GB | X_FFXSR |
                            X_MMXEXT | X_NX | X_SYSCALL,
        .ext_features_ecx = XC_OSVW | XC_3DNOWPREFETCH | XC_MISALIGNSSE |
                            XC_SSE4A | XC_ABM | XC_CR8LEG | XC_SVM |
                            XC_LAHF | XC_TOPOEXT,
        .phys_bits = 40, .virt_bits = 48,
    }, {
        .name = "base", .model_id = "", .vendor = "",
        .level = 0, .xlevel = 0,
        .phys_bits = 40, .virt_bits = 48,
    }, {
        /* Filled by the accelerator (KVM: host CPUID; tcg: what it runs). */
        .name = "max", .model_id = "QEMU TCG CPU version 2.5+",
        .vendor = AMD, .level = 0xd, .xlevel = 0x8000000a,
        .family = 6, .model = 6, .stepping = 3,
        .features_1_edx = MODERN_EDX,
        .features_1_ecx = E_SSE3 | E_CX16,
        .ext_features_edx = X_LM | X_SYSCALL | X_NX,
        .ext_features_ecx = XC_LAHF,
        .phys_bits = 40, .virt_bits = 48,
    }, {
        .name = "host", .model_id = "QEMU TCG CPU version 2.5+",
        .vendor = AMD, .level = 0xd, .xlevel = 0x8000000a,
        .family = 6, .model = 6, .stepping = 3,
        .features_1_edx = MODERN_EDX,
        .features_1_ecx = E_SSE3 | E_CX16,
        .ext_features_edx = X_LM | X_SYSCALL | X_NX,
        .ext_features_ecx = XC_LAHF,
        .phys_bits = 40, .virt_bits = 48,
    },
};

void x86_cpu_models_foreach(void (*fn)(const X86CPUModel *m))
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(x86_models); i++) {
        fn(&x86_models[i]);
    }
}

static const X86CPUModel *model_by_base_name(const char *name)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(x86_models); i++) {
        if (strcmp(x86_models[i].name, name) == 0) {
            return &x86_models[i];
        }
    }
    return NULL;
}

/*
 * "Haswell-v3", "Haswell-noTSX-IBRS", "qemu64-v1": the base definition.
 * The variant's feature changes are applied by model_variant_fixup().
 */
const X86CPUModel *x86_cpu_model_find(const char *name)
{
    const X86CPUModel *m = model_by_base_name(name);
    size_t i;

    if (m) {
        return m;
    }
    for (i = 0; i < ARRAY_SIZE(cpu_help_rows); i++) {
        if (strcmp(cpu_help_rows[i].name, name) == 0) {
            break;
        }
    }
    if (i == ARRAY_SIZE(cpu_help_rows)) {
        return NULL;
    }
    /* Strip "-vN", then "-IBRS", "-noTSX", "-IBPB" suffixes. */
    g_autofree char *base = g_strdup(name);
    char *dash;
    while (!(m = model_by_base_name(base)) && (dash = strrchr(base, '-'))) {
        *dash = '\0';
    }
    return m;
}

/* The TSX/IBRS changes a versioned or aliased name stands for. */
static void model_variant_fixup(X86CPUModel *m, const char *name)
{
    const char *desc = NULL;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(cpu_help_rows); i++) {
        if (strcmp(cpu_help_rows[i].name, name) == 0) {
            desc = cpu_help_rows[i].desc;
            break;
        }
    }
    /* "(alias of Haswell-v4)": use the description of the target. */
    if (desc && g_str_has_prefix(desc, "(alias of ")) {
        g_autofree char *target = g_strndup(desc + 10, strlen(desc) - 11);
        model_variant_fixup(m, target);
        return;
    }
    if (!desc) {
        return;
    }
    if (strstr(desc, "no TSX")) {
        m->features_7_0_ebx &= ~(S_HLE | S_RTM);
    }
    if (strstr(desc, "IBRS")) {
        m->features_7_0_edx |= S7D_SPEC_CTRL;
    }
    if (strstr(desc, "ARCH_CAPABILITIES")) {
        m->features_7_0_edx |= S7D_ARCH_CAP;
    }
}

bool x86_cpu_model_resolve(const char *name, X86CPUModel *out)
{
    const X86CPUModel *base = x86_cpu_model_find(name);

    if (!base) {
        return false;
    }
    *out = *base;
    model_variant_fixup(out, name);
    /* QEMU sets the hypervisor bit for every model (property default on). */
    if (strcmp(base->name, "base") != 0) {
        out->features_1_ecx |= E_HYPERVISOR;
    }
    return true;
}

const char *x86_cpu_model_nth(size_t i, char **alias_of)
{
    const char *desc;

    if (i >= ARRAY_SIZE(cpu_help_rows)) {
        return NULL;
    }
    desc = cpu_help_rows[i].desc;
    *alias_of = NULL;
    if (g_str_has_prefix(desc, "(alias of ")) {
        *alias_of = g_strndup(desc + 10, strlen(desc) - 11);
    } else if (strcmp(desc, "(alias configured by machine type)") == 0) {
        *alias_of = g_strconcat(cpu_help_rows[i].name, "-v1", NULL);
    }
    return cpu_help_rows[i].name;
}

void x86_cpu_list(void)
{
    size_t i, len = 0;

    printf("Available CPUs:\n");
    for (i = 0; i < ARRAY_SIZE(cpu_help_rows); i++) {
        printf("x86 %-20s  %s\n", cpu_help_rows[i].name, cpu_help_rows[i].desc);
    }
    printf("\nRecognized CPUID flags:\n");
    for (i = 0; i < ARRAY_SIZE(cpu_known_flags); i++) {
        const char *f = cpu_known_flags[i];

        if (len + strlen(f) + 1 >= 75) {
            printf("\n");
            len = 0;
        }
        printf("%s%s", len == 0 ? "  " : " ", f);
        len += strlen(f) + 1;
    }
    printf("\n\n");
}

/* ---- feature names ---- */

#define FW_1_EDX X86_FW_1_EDX
#define FW_1_ECX X86_FW_1_ECX
#define FW_7_0_EBX X86_FW_7_0_EBX
#define FW_7_0_ECX X86_FW_7_0_ECX
#define FW_7_0_EDX X86_FW_7_0_EDX
#define FW_8000_0001_EDX X86_FW_8000_0001_EDX
#define FW_8000_0001_ECX X86_FW_8000_0001_ECX
#define FW_COUNT X86_FW_COUNT

const X86FeatureWord x86_feature_words[X86_FW_COUNT] = {
    [X86_FW_1_EDX] = { 1, 0, 3 },
    [X86_FW_1_ECX] = { 1, 0, 2 },
    [X86_FW_7_0_EBX] = { 7, 0, 1 },
    [X86_FW_7_0_ECX] = { 7, 0, 2 },
    [X86_FW_7_0_EDX] = { 7, 0, 3 },
    [X86_FW_8000_0001_EDX] = { 0x80000001, 0, 3 },
    [X86_FW_8000_0001_ECX] = { 0x80000001, 0, 2 },
};

static const char *const feature_names[FW_COUNT][32] = {
    [FW_1_EDX] = {
        "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce",
        "cx8", "apic", NULL, "sep", "mtrr", "pge", "mca", "cmov",
        "pat", "pse36", "pn", "clflush", NULL, "ds", "acpi", "mmx",
        "fxsr", "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe",
    },
    [FW_1_ECX] = {
        "pni", "pclmulqdq", "dtes64", "monitor", "ds-cpl", "vmx", "smx", "est",
        "tm2", "ssse3", "cid", NULL, "fma", "cx16", "xtpr", "pdcm",
        NULL, "pcid", "dca", "sse4.1", "sse4.2", "x2apic", "movbe", "popcnt",
        "tsc-deadline", "aes", "xsave", NULL, "avx", "f16c", "rdrand",
        "hypervisor",
    },
    [FW_7_0_EBX] = {
        "fsgsbase", "tsc-adjust", "sgx", "bmi1", "hle", "avx2", NULL, "smep",
        "bmi2", "erms", "invpcid", "rtm", NULL, NULL, "mpx", NULL,
        "avx512f", "avx512dq", "rdseed", "adx", "smap", "avx512ifma",
        "pcommit", "clflushopt", "clwb", "intel-pt", "avx512pf", "avx512er",
        "avx512cd", "sha-ni", "avx512bw", "avx512vl",
    },
    [FW_7_0_ECX] = {
        NULL, "avx512vbmi", "umip", "pku", NULL, "waitpkg", "avx512vbmi2",
        NULL, "gfni", "vaes", "vpclmulqdq", "avx512vnni", "avx512bitalg",
        NULL, "avx512-vpopcntdq", NULL, "la57", NULL, NULL, NULL, NULL, NULL,
        "rdpid", NULL, "bus-lock-detect", "cldemote", NULL, "movdiri",
        "movdir64b", NULL, "sgxlc", "pks",
    },
    [FW_7_0_EDX] = {
        NULL, NULL, "avx512-4vnniw", "avx512-4fmaps", "fsrm", NULL, NULL,
        NULL, "avx512-vp2intersect", NULL, "md-clear", NULL, NULL, NULL,
        "serialize", NULL, "tsx-ldtrk", NULL, NULL, "arch-lbr", NULL, NULL,
        "amx-bf16", "avx512-fp16", "amx-tile", "amx-int8", "spec-ctrl",
        "stibp", NULL, "arch-capabilities", "core-capability", "ssbd",
    },
    [FW_8000_0001_EDX] = {
        NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
        NULL, NULL, NULL, "syscall", NULL, NULL, NULL, NULL,
        NULL, NULL, NULL, NULL, "nx", NULL, "mmxext", NULL,
        NULL, "fxsr-opt", "pdpe1gb", "rdtscp", NULL, "lm", "3dnowext",
        "3dnow",
    },
    [FW_8000_0001_ECX] = {
        "lahf-lm", "cmp-legacy", "svm", "extapic", "cr8legacy", "abm",
        "sse4a", "misalignsse", "3dnowprefetch", "osvw", "ibs", "xop",
        "skinit", "wdt", NULL, "lwp", "fma4", "tce", NULL, "nodeid-msr",
        NULL, "tbm", "topoext", "perfctr-core", "perfctr-nb", NULL, NULL,
        NULL, NULL, NULL, NULL, NULL,
    },
};

/* QEMU's legacy spellings (alias properties). */
static const struct { const char *alias, *name; } feature_aliases[] = {
    { "sse3", "pni" }, { "pclmuldq", "pclmulqdq" }, { "sse4-1", "sse4.1" },
    { "sse4-2", "sse4.2" }, { "xd", "nx" }, { "ffxsr", "fxsr-opt" },
    { "i64", "lm" }, { "kvm_nopiodelay", "kvm-nopiodelay" },
};

const char *x86_feature_name(int word, int bit)
{
    if (word < 0 || word >= FW_COUNT || bit < 0 || bit > 31) {
        return NULL;
    }
    return feature_names[word][bit];
}

uint32_t *x86_model_feature_word(X86CPUModel *m, int w)
{
    switch (w) {
    case FW_1_EDX: return &m->features_1_edx;
    case FW_1_ECX: return &m->features_1_ecx;
    case FW_7_0_EBX: return &m->features_7_0_ebx;
    case FW_7_0_ECX: return &m->features_7_0_ecx;
    case FW_7_0_EDX: return &m->features_7_0_edx;
    case FW_8000_0001_EDX: return &m->ext_features_edx;
    default: return &m->ext_features_ecx;
    }
}

/*
 * Find @name (already normalised: '_' -> '-').  Returns true if QEMU knows
 * it; *word and *bit are -1 when kemu does not model that feature word.
 */
static bool feature_lookup(const char *name, int *word, int *bit)
{
    size_t i;
    int w, b;

    for (i = 0; i < ARRAY_SIZE(feature_aliases); i++) {
        if (strcmp(name, feature_aliases[i].alias) == 0) {
            name = feature_aliases[i].name;
        }
    }
    for (w = 0; w < FW_COUNT; w++) {
        for (b = 0; b < 32; b++) {
            if (feature_names[w][b] && strcmp(feature_names[w][b], name) == 0) {
                *word = w;
                *bit = b;
                return true;
            }
        }
    }
    *word = *bit = -1;
    for (i = 0; i < ARRAY_SIZE(cpu_known_flags); i++) {
        if (strcmp(cpu_known_flags[i], name) == 0) {
            return true;
        }
    }
    return false;
}

/* ---- -cpu option parsing ---- */

typedef struct CPUOptState {
    X86CPU *cpu;
    const char *type;           /* "qemu64-x86_64-cpu", for messages */
    GHashTable *plus_minus;     /* features given as +f/-f */
} CPUOptState;

bool x86_cpu_feature_known(const char *name)
{
    g_autofree char *n = g_strdelimit(g_strdup(name), "_", '-');
    int w, b;

    return feature_lookup(n, &w, &b);
}

static bool set_feature(X86CPU *cpu, const char *name, bool on)
{
    int w, b;

    if (!feature_lookup(name, &w, &b)) {
        return false;
    }
    if (w >= 0) {
        uint32_t *word = x86_model_feature_word(&cpu->model, w);
        *word = on ? (*word | 1u << b) : (*word & ~(1u << b));
    }
    return true;
}

static bool parse_u32(const char *s, uint32_t *out)
{
    uint64_t v;

    if (!qemu_strtou64(s, &v) || v > UINT32_MAX) {
        return false;
    }
    *out = v;
    return true;
}

/* Non-feature properties of QEMU's x86 CPU that a -cpu string may set. */
static bool set_cpu_property(CPUOptState *st, const char *key,
                             const char *val, Error **errp)
{
    X86CPUModel *m = &st->cpu->model;
    static const char *const ignored_bools[] = {
        "check", "enforce", "pmu", "migratable", "host-phys-bits",
        "l3-cache", "kvm", "x-force-features", "full-cpuid-auto-level",
        "vmware-cpuid-freq", "tcg-cpuid", "fill-mtrr-mask", "lmce",
        "hv-relaxed", "hv-vapic", "hv-time",
    };
    static const struct { const char *name; size_t off; uint32_t max; }
    numbers[] = {
        { "family", offsetof(X86CPUModel, family), 0xff + 0xf },
        { "model", offsetof(X86CPUModel, model), 0xff },
        { "stepping", offsetof(X86CPUModel, stepping), 0xf },
        { "level", offsetof(X86CPUModel, level), UINT32_MAX },
        { "xlevel", offsetof(X86CPUModel, xlevel), UINT32_MAX },
        { "phys-bits", offsetof(X86CPUModel, phys_bits), 52 },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(numbers); i++) {
        uint32_t v;

        if (strcmp(key, numbers[i].name)) {
            continue;
        }
        if (!parse_u32(val, &v)) {
            error_setg(errp, "can't apply global %s.%s=%s: Parameter '%s' "
                       "expects uint32", st->type, key, val, key);
            return false;
        }
        if (v > numbers[i].max) {
            error_setg(errp, "can't apply global %s.%s=%s: Property %s.%s "
                       "doesn't take value %u (maximum: %u)", st->type, key,
                       val, st->type, key, v, numbers[i].max);
            return false;
        }
        *(uint32_t *)((char *)m + numbers[i].off) = v;
        return true;
    }
    if (strcmp(key, "model-id") == 0) {
        /* Models point at static strings; keep the user's for the process. */
        m->model_id = g_intern_string(val);
        return true;
    }
    if (strcmp(key, "vendor") == 0) {
        if (strlen(val) != 12) {
            error_setg(errp, "can't apply global %s.vendor=%s: Property "
                       "'.vendor' doesn't take value '%s'", st->type, val,
                       val);
            return false;
        }
        m->vendor = g_intern_string(val);
        return true;
    }
    for (i = 0; i < ARRAY_SIZE(ignored_bools); i++) {
        bool b;

        if (strcmp(key, ignored_bools[i]) == 0) {
            if (!qemu_parse_bool(key, val, &b, errp)) {
                error_prepend(errp, "can't apply global %s.%s=%s: ",
                              st->type, key, val);
                return false;
            }
            return true;
        }
    }
    error_setg(errp, "can't apply global %s.%s=%s: Property '%s.%s' not found",
               st->type, key, val, st->type, key);
    return false;
}

bool x86_cpu_apply_model(X86CPU *cpu, const char *cpu_option, Error **errp)
{
    g_auto(GStrv) parts = g_strsplit(cpu_option ? cpu_option : "qemu64",
                                     ",", -1);
    const X86CPUModel *base;
    g_autofree char *type = NULL;
    g_autoptr(GHashTable) plus_minus = NULL;
    CPUOptState st;
    int i;

    base = x86_cpu_model_find(parts[0]);
    if (!base) {
        error_setg(errp, "unable to find CPU model '%s'", parts[0]);
        return false;
    }
    if (strcmp(base->name, "host") == 0 && !kvm_enabled()) {
        error_setg(errp, "CPU model 'host' requires KVM or HVF");
        return false;
    }
    x86_cpu_model_resolve(parts[0], &cpu->model);
    g_free(cpu->model_name);
    cpu->model_name = g_strdup(base->name);

    type = g_strconcat(base->name, "-x86_64-cpu", NULL);
    plus_minus = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    st = (CPUOptState){ .cpu = cpu, .type = type, .plus_minus = plus_minus };

    /*
     * QEMU applies "+f"/"-f" after every "key=value", whatever the order,
     * and "-f" wins over "+f".  Collect them first.
     */
    g_autoptr(GPtrArray) plus = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) minus = g_ptr_array_new_with_free_func(g_free);

    for (i = 1; parts[i]; i++) {
        char *p = parts[i];
        char *eq;

        if (*p == '\0') {
            continue;
        }
        if (*p == '+' || *p == '-') {
            char *name = g_strdelimit(g_strdup(p + 1), "_", '-');
            int w, b;

            if (!feature_lookup(name, &w, &b)) {
                error_setg(errp, "Property '%s.%s' not found", type, p + 1);
                g_free(name);
                return false;
            }
            g_hash_table_insert(plus_minus, g_strdup(name), NULL);
            g_ptr_array_add(*p == '+' ? plus : minus, name);
            continue;
        }
        eq = strchr(p, '=');
        g_autofree char *key = g_strndup(p, eq ? (size_t)(eq - p) : strlen(p));
        const char *val = eq ? eq + 1 : "on";
        g_autofree char *fname = g_strdelimit(g_strdup(key), "_", '-');
        int w, b;

        if (feature_lookup(fname, &w, &b)) {
            bool on;

            if (g_hash_table_contains(plus_minus, fname)) {
                warn_report("Ambiguous CPU model string. Don't mix both "
                            "\"+%s\" and \"%s=%s\"", fname, fname, val);
                warn_report("Compatibility of ambiguous CPU model strings "
                            "won't be kept on future QEMU versions");
            }
            if (!qemu_parse_bool(key, val, &on, errp)) {
                error_prepend(errp, "can't apply global %s.%s=%s: ",
                              type, key, val);
                return false;
            }
            set_feature(cpu, fname, on);
            continue;
        }
        if (!set_cpu_property(&st, key, val, errp)) {
            return false;
        }
    }
    for (i = 0; i < (int)plus->len; i++) {
        set_feature(cpu, plus->pdata[i], true);
    }
    for (i = 0; i < (int)minus->len; i++) {
        set_feature(cpu, minus->pdata[i], false);
    }
    return true;
}
