/*
 * Private to target/x86 (and the accelerators' CPUID filtering): the CPUID
 * feature words a model carries, and QEMU's names for their bits.
 */
#ifndef TARGET_X86_CPU_INTERNAL_H
#define TARGET_X86_CPU_INTERNAL_H

#include "qemu/osdep.h"
#include "target/x86/cpu.h"

enum {
    X86_FW_1_EDX, X86_FW_1_ECX, X86_FW_7_0_EBX, X86_FW_7_0_ECX,
    X86_FW_7_0_EDX, X86_FW_8000_0001_EDX, X86_FW_8000_0001_ECX,
    X86_FW_COUNT
};

typedef struct X86FeatureWord {
    uint32_t leaf, subleaf;
    int reg;                /* 0..3 = EAX, EBX, ECX, EDX */
} X86FeatureWord;

extern const X86FeatureWord x86_feature_words[X86_FW_COUNT];

/* QEMU's name of bit @bit of feature word @word, or NULL if unnamed. */
const char *x86_feature_name(int word, int bit);
/* The field of @m holding feature word @word. */
uint32_t *x86_model_feature_word(X86CPUModel *m, int word);
/*
 * The @i-th name of "-cpu help" (NULL past the end).  *@alias_of (to free)
 * is NULL for a definition, else the name it stands for; the machine types
 * resolve "(alias configured by machine type)" to NAME-v1 as QEMU 7.2 does.
 */
const char *x86_cpu_model_nth(size_t i, char **alias_of);
/* @name's definition with its variant changes; false if unknown. */
bool x86_cpu_model_resolve(const char *name, X86CPUModel *out);
/* Whether @name is a CPUID feature flag QEMU knows ("sse4_1" too). */
bool x86_cpu_feature_known(const char *name);
/* Call @fn for each model with data (type registration). */
void x86_cpu_models_foreach(void (*fn)(const X86CPUModel *m));

#endif
