/* The differential checker's instruction generator (gen.c). */
#ifndef CPUDIFF_H
#define CPUDIFF_H

#include "qemu/osdep.h"

/* Instructions per snippet: 1..CPUDIFF_MAX_INSNS (plus helpers and HLT). */
#define CPUDIFF_MAX_INSNS 4
/* Bytes a snippet may need. */
#define CPUDIFF_MAX_BYTES 256

/*
 * Write a random snippet ending in HLT to @buf; return its length and, in
 * *@undef_flags, the arithmetic flags left undefined at its end, in
 * *@any_undef_flags those undefined after any of its instructions (what
 * an exception part-way may leave behind).
 */
size_t cpudiff_gen(GRand *r, uint8_t *buf, uint32_t *undef_flags,
                   uint32_t *any_undef_flags);

#endif
