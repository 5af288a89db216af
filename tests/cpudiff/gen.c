/*
 * Random instruction sequences for the differential checker: valid 64-bit
 * encodings from a small grammar of the integer instructions, with the
 * flags the SDM leaves undefined for each one.
 *
 * Registers: RBX, RSI and RDI point into the data page, RSP into the
 * stack page, and R15 reports exceptions (cpu-diff.c), so no instruction
 * writes them but the string instructions, which move RSI/RDI by a few
 * elements; memory operands are [RBX + disp8].
 */
#include "qemu/osdep.h"
#include "cpudiff.h"

#define F_CF 0x001
#define F_PF 0x004
#define F_AF 0x010
#define F_ZF 0x040
#define F_SF 0x080
#define F_OF 0x800

#define F_ALL (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)

typedef struct Gen {
    GRand *r;
    uint8_t *p;
    uint32_t undef;         /* flags undefined after the last writer */
    uint32_t any_undef;     /* flags undefined at some point */
} Gen;

static int pick(Gen *g, int n)
{
    return g_rand_int_range(g->r, 0, n);
}

static void emit(Gen *g, uint8_t b)
{
    *g->p++ = b;
}

static void emit_imm(Gen *g, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++) {
        emit(g, v >> (8 * i));
    }
}

/* The instruction just emitted sets @defined and leaves @undef undefined. */
static void flags_written(Gen *g, uint32_t defined, uint32_t undef)
{
    g->undef = (g->undef & ~(defined | undef)) | undef;
    g->any_undef |= undef;
}

/*
 * The next instruction reads @mask: if any of those flags is undefined,
 * first define all of them with CMP %rcx, %rax (registers and memory are
 * unchanged), so that an undefined flag never reaches a register.
 */
static void flags_read(Gen *g, uint32_t mask)
{
    if (g->undef & mask) {
        emit(g, 0x48);
        emit(g, 0x39);
        emit(g, 0xc8);
        g->undef = 0;
    }
}

/*
 * Registers an instruction may write: never the pointers RBX (memory
 * operands), RSI and RDI (string operands), RSP, nor R15 (exceptions).
 */
static int dest_reg(Gen *g)
{
    static const int regs[] = { 0, 1, 2, 5, 8, 9, 10, 11, 12, 13, 14 };
    return regs[pick(g, G_N_ELEMENTS(regs))];
}

static int src_reg(Gen *g)
{
    int r = pick(g, 16);
    return r == 4 ? 3 : r;      /* never RSP as a plain operand */
}

/*
 * Operand size: 0=8, 1=16, 2=32, 3=64.  Byte registers without REX are
 * AL CL DL BL AH CH DH BH; the generator emits a REX (0x40) for every byte
 * operation so that 4..7 mean SPL BPL SIL DIL, and avoids 3/4 as dests.
 */
typedef struct Operand {
    bool mem;
    int reg;
} Operand;

static Operand rm_operand(Gen *g, bool dest)
{
    Operand o = { .mem = pick(g, 3) == 0 };

    o.reg = dest ? dest_reg(g) : src_reg(g);
    return o;
}

/* Prefixes, REX, opcode bytes, ModRM (+disp8) for reg field @reg. */
static void emit_op(Gen *g, int ot, const uint8_t *opc, int nopc, int reg,
                    Operand rm)
{
    uint8_t rex = 0x40;

    if (ot == 1) {
        emit(g, 0x66);
    }
    if (ot == 3) {
        rex |= 8;
    }
    if (reg & 8) {
        rex |= 4;
    }
    if (!rm.mem && (rm.reg & 8)) {
        rex |= 1;
    }
    if (rex != 0x40 || ot == 0) {
        emit(g, rex);
    }
    for (int i = 0; i < nopc; i++) {
        emit(g, opc[i]);
    }
    if (rm.mem) {
        emit(g, 0x40 | ((reg & 7) << 3) | 3);          /* [rbx + disp8] */
        emit(g, pick(g, 0x80) & ~7);
    } else {
        emit(g, 0xc0 | ((reg & 7) << 3) | (rm.reg & 7));
    }
}

static uint64_t rand_imm(Gen *g)
{
    static const uint64_t special[] = {
        0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
        0x80000000, 0xffffffff,
    };
    if (pick(g, 2)) {
        return special[pick(g, G_N_ELEMENTS(special))];
    }
    return g_rand_int(g->r);
}

static const int imm_bytes[4] = { 1, 2, 4, 4 };

/* ADD OR ADC SBB AND SUB XOR CMP in all forms, and TEST. */
static void gen_alu(Gen *g)
{
    int op = pick(g, 9), ot = pick(g, 4);
    bool logic = op == 1 || op == 4 || op == 6 || op == 8;

    if (op == 2 || op == 3) {
        flags_read(g, F_CF);                    /* ADC, SBB */
    }
    flags_written(g, logic ? F_ALL & ~F_AF : F_ALL, logic ? F_AF : 0);
    if (op == 8) {                              /* TEST r/m, r | imm */
        if (pick(g, 2)) {
            uint8_t opc = ot ? 0x85 : 0x84;
            emit_op(g, ot, &opc, 1, src_reg(g), rm_operand(g, false));
        } else {
            uint8_t opc = ot ? 0xf7 : 0xf6;
            emit_op(g, ot, &opc, 1, 0, rm_operand(g, false));
            emit_imm(g, rand_imm(g), imm_bytes[ot]);
        }
        return;
    }
    switch (pick(g, 3)) {
    case 0: {                                   /* op r/m, r */
        uint8_t opc = op * 8 + (ot ? 1 : 0);
        emit_op(g, ot, &opc, 1, src_reg(g), rm_operand(g, op != 7));
        break;
    }
    case 1: {                                   /* op r, r/m */
        uint8_t opc = op * 8 + (ot ? 3 : 2);
        emit_op(g, ot, &opc, 1, op == 7 ? src_reg(g) : dest_reg(g),
                rm_operand(g, false));
        break;
    }
    default: {                                  /* op r/m, imm */
        bool imm8 = ot && pick(g, 2);
        uint8_t opc = !ot ? 0x80 : imm8 ? 0x83 : 0x81;
        emit_op(g, ot, &opc, 1, op, rm_operand(g, op != 7));
        emit_imm(g, rand_imm(g), imm8 ? 1 : imm_bytes[ot]);
        break;
    }
    }
}

/* INC DEC NOT NEG */
static void gen_unary(Gen *g)
{
    int ot = pick(g, 4), which = pick(g, 4);
    uint8_t opc;
    int reg;

    if (which < 2) {
        opc = ot ? 0xff : 0xfe;
        reg = which;
        flags_written(g, F_ALL & ~F_CF, 0);
    } else {
        opc = ot ? 0xf7 : 0xf6;
        reg = which;
        if (which == 3) {
            flags_written(g, F_ALL, 0);
        }
    }
    emit_op(g, ot, &opc, 1, reg, rm_operand(g, true));
}

/* MUL IMUL DIV IDIV (one operand), IMUL r, r/m [, imm] */
static void gen_muldiv(Gen *g)
{
    int ot = pick(g, 4), which = pick(g, 6);

    if (which < 4) {
        uint8_t opc = ot ? 0xf7 : 0xf6;
        emit_op(g, ot, &opc, 1, 4 + which, rm_operand(g, false));
        if (which < 2) {
            flags_written(g, F_CF | F_OF, F_SF | F_ZF | F_AF | F_PF);
        } else {
            flags_written(g, 0, F_ALL);
        }
        return;
    }
    if (ot == 0) {
        ot = 2;
    }
    flags_written(g, F_CF | F_OF, F_SF | F_ZF | F_AF | F_PF);
    if (which == 4) {
        static const uint8_t opc[2] = { 0x0f, 0xaf };
        emit_op(g, ot, opc, 2, dest_reg(g), rm_operand(g, false));
    } else {
        bool imm8 = pick(g, 2);
        uint8_t opc = imm8 ? 0x6b : 0x69;
        emit_op(g, ot, &opc, 1, dest_reg(g), rm_operand(g, false));
        emit_imm(g, rand_imm(g), imm8 ? 1 : imm_bytes[ot]);
    }
}

static int shift_count(Gen *g)
{
    static const int counts[] = { 0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33,
                                  63, 64, 65 };
    return pick(g, 2) ? counts[pick(g, G_N_ELEMENTS(counts))] : pick(g, 256);
}

/* ROL ROR RCL RCR SHL SHR SAL SAR by 1, CL or imm8 */
static void gen_shift(Gen *g)
{
    int ot = pick(g, 4), op = pick(g, 8), form = pick(g, 3);
    int count = form == 0 ? 1 : shift_count(g);
    int masked = count & (ot == 3 ? 63 : 31);
    int bits = 8 << ot;
    uint8_t opc;

    if (op == 2 || op == 3) {
        flags_read(g, F_CF);                    /* RCL, RCR */
    }
    if (masked == 0) {
        /* no flag changes */
    } else if (op < 4) {                        /* rotates: CF, OF only */
        flags_written(g, F_CF | (masked == 1 ? F_OF : 0),
                      masked == 1 ? 0 : F_OF);
    } else {
        uint32_t undef = F_AF | (masked == 1 ? 0 : F_OF);
        if (op != 7 && masked >= bits) {
            undef |= F_CF;                      /* SHL/SHR past the size */
        }
        flags_written(g, F_ALL & ~undef, undef);
    }
    if (form == 1) {                            /* by CL: mov $count, %cl */
        emit(g, 0xb1);
        emit(g, count);
        opc = ot ? 0xd3 : 0xd2;
        emit_op(g, ot, &opc, 1, op, rm_operand(g, true));
    } else if (form == 0) {
        opc = ot ? 0xd1 : 0xd0;
        emit_op(g, ot, &opc, 1, op, rm_operand(g, true));
    } else {
        opc = ot ? 0xc1 : 0xc0;
        emit_op(g, ot, &opc, 1, op, rm_operand(g, true));
        emit(g, count);
    }
}

/* SHLD SHRD by imm8 or CL (16-bit counts above 16 are undefined: avoided) */
static void gen_shxd(Gen *g)
{
    int ot = 1 + pick(g, 3), count = shift_count(g);
    bool right = pick(g, 2), cl = pick(g, 2);
    int masked;
    uint8_t opc[2] = { 0x0f, (right ? 0xac : 0xa4) | (cl ? 1 : 0) };

    if (ot == 1) {
        count %= 17;
    }
    masked = count & (ot == 3 ? 63 : 31);
    if (masked) {
        uint32_t undef = F_AF | (masked == 1 ? 0 : F_OF);
        flags_written(g, F_ALL & ~undef, undef);
    }
    if (cl) {
        emit(g, 0xb1);
        emit(g, count);
    }
    emit_op(g, ot, opc, 2, src_reg(g), rm_operand(g, true));
    if (!cl) {
        emit(g, count);
    }
}

/*
 * BT BTS BTR BTC: register bit offsets on registers, and into memory with
 * a small offset in RCX (it addresses beyond the operand: 0..511 stays in
 * the data page); imm8 offsets on registers and memory.
 */
static void gen_bt(Gen *g)
{
    int ot = 1 + pick(g, 3), op = pick(g, 4);
    Operand rm = { .mem = false, .reg = op ? dest_reg(g) : src_reg(g) };

    flags_written(g, F_CF, F_OF | F_SF | F_AF | F_PF | F_ZF);
    if (pick(g, 4) == 0) {
        uint8_t opc[2] = { 0x0f, 0xa3 + op * 8 };
        Operand m = { .mem = true };

        emit(g, 0xb9);                          /* mov $off, %ecx */
        emit_imm(g, pick(g, 512), 4);
        emit_op(g, ot, opc, 2, 1, m);
    } else if (pick(g, 2)) {
        uint8_t opc[2] = { 0x0f, 0xa3 + op * 8 };
        emit_op(g, ot, opc, 2, src_reg(g), rm);
    } else {
        static const uint8_t opc[2] = { 0x0f, 0xba };
        emit_op(g, ot, opc, 2, 4 + op, rm_operand(g, op != 0));
        emit(g, pick(g, 256));
    }
}

/* BSF BSR, MOVZX MOVSX MOVSXD, SETcc, CMOVcc, BSWAP, XCHG XADD CMPXCHG */
static void gen_misc(Gen *g)
{
    int ot = 1 + pick(g, 3);

    switch (pick(g, 9)) {
    case 0: {
        uint8_t opc[2] = { 0x0f, 0xbc + pick(g, 2) };
        flags_written(g, F_ZF, F_CF | F_OF | F_SF | F_AF | F_PF);
        emit_op(g, ot, opc, 2, dest_reg(g), rm_operand(g, false));
        break;
    }
    case 1: {
        uint8_t opc[2] = { 0x0f, 0xb6 + pick(g, 2) + 8 * pick(g, 2) };
        emit_op(g, ot, opc, 2, dest_reg(g), rm_operand(g, false));
        break;
    }
    case 2: {
        uint8_t opc = 0x63;
        emit_op(g, 3, &opc, 1, dest_reg(g), rm_operand(g, false));
        break;
    }
    case 3: {
        uint8_t opc[2] = { 0x0f, 0x90 + pick(g, 16) };
        flags_read(g, F_ALL & ~F_AF);
        emit_op(g, 0, opc, 2, 0, rm_operand(g, true));
        break;
    }
    case 4: {
        uint8_t opc[2] = { 0x0f, 0x40 + pick(g, 16) };
        flags_read(g, F_ALL & ~F_AF);
        emit_op(g, ot, opc, 2, dest_reg(g), rm_operand(g, false));
        break;
    }
    case 5: {
        int r = dest_reg(g);
        if (ot == 3) {
            emit(g, 0x48 | (r >> 3));
        } else if (r & 8) {
            emit(g, 0x41);
        }
        emit(g, 0x0f);
        emit(g, 0xc8 + (r & 7));
        break;
    }
    case 6: {                                   /* XCHG r/m, r */
        uint8_t opc = 0x87;
        ot = pick(g, 4);
        opc -= ot == 0;
        emit_op(g, ot, &opc, 1, dest_reg(g), rm_operand(g, true));
        break;
    }
    case 7: {                                   /* XADD */
        flags_written(g, F_ALL, 0);
        uint8_t opc[2] = { 0x0f, 0xc1 };
        ot = pick(g, 4);
        opc[1] -= ot == 0;
        emit_op(g, ot, opc, 2, dest_reg(g), rm_operand(g, true));
        break;
    }
    default: {                                  /* CMPXCHG */
        flags_written(g, F_ALL, 0);
        uint8_t opc[2] = { 0x0f, 0xb1 };
        ot = pick(g, 4);
        opc[1] -= ot == 0;
        emit_op(g, ot, opc, 2, src_reg(g), rm_operand(g, true));
        break;
    }
    }
}

/* One-byte specials: CBW/CWDE/CDQE, CWD/CDQ/CQO, LAHF, SAHF, CLC STC CMC */
static void gen_special(Gen *g)
{
    switch (pick(g, 5)) {
    case 0:
    case 1: {
        int ot = 1 + pick(g, 3);
        if (ot == 1) {
            emit(g, 0x66);
        } else if (ot == 3) {
            emit(g, 0x48);
        }
        emit(g, pick(g, 2) ? 0x98 : 0x99);
        break;
    }
    case 2:
        if (pick(g, 2)) {
            emit(g, 0x9e);                      /* SAHF */
            flags_written(g, F_ALL & ~F_OF, 0);
        } else {
            flags_read(g, F_ALL & ~F_OF);
            emit(g, 0x9f);                      /* LAHF */
        }
        break;
    default: {
        static const uint8_t ops[3] = { 0xf8, 0xf9, 0xf5 };
        int i = pick(g, 3);
        if (i == 2) {
            flags_read(g, F_CF);
        }
        emit(g, ops[i]);
        flags_written(g, F_CF, 0);
        break;
    }
    }
}

/*
 * MOVS STOS LODS CMPS SCAS with REP/REPE/REPNE and a small count; RSI and
 * RDI point into the data page, DF comes from the random initial flags.
 */
static void gen_string(Gen *g)
{
    static const uint8_t ops[5] = { 0xa4, 0xaa, 0xac, 0xa6, 0xae };
    int op = pick(g, 5), ot = pick(g, 4), rep = pick(g, 3);

    emit(g, 0xb9);                              /* mov $n, %ecx */
    emit_imm(g, pick(g, 9), 4);
    if (rep == 1) {
        emit(g, 0xf3);
    } else if (rep == 2) {
        emit(g, op >= 3 ? 0xf2 : 0xf3);
    }
    if (ot == 1) {
        emit(g, 0x66);
    } else if (ot == 3) {
        emit(g, 0x48);
    }
    emit(g, ops[op] + (ot ? 1 : 0));
    if (op >= 3 && rep == 0) {
        flags_written(g, F_ALL, 0);             /* CMPS, SCAS */
    }                       /* with REP and RCX = 0 they keep the flags */
}

/*
 * PUSH r / POP r (pops only into writable registers), PUSH imm8/imm32,
 * MOV %rsp, %rbp + LEAVE
 */
static void gen_stack(Gen *g)
{
    int r = pick(g, 2) ? src_reg(g) : dest_reg(g);
    bool pop = pick(g, 2);

    switch (pick(g, 6)) {
    case 0:
        emit(g, 0x6a);
        emit(g, rand_imm(g));
        return;
    case 1:
        emit(g, 0x68);
        emit_imm(g, rand_imm(g), 4);
        return;
    case 2:
        emit(g, 0x48);                          /* mov %rsp, %rbp */
        emit(g, 0x89);
        emit(g, 0xe5);
        emit(g, 0xc9);                          /* leave */
        return;
    }

    if (pop) {
        r = dest_reg(g);
    }
    if (r & 8) {
        emit(g, 0x41);
    }
    emit(g, (pop ? 0x58 : 0x50) + (r & 7));
}

/* LEA r, [rbx + disp8] */
static void gen_lea(Gen *g)
{
    uint8_t opc = 0x8d;
    Operand m = { .mem = true };

    emit_op(g, 1 + pick(g, 3), &opc, 1, dest_reg(g), m);
}

size_t cpudiff_gen(GRand *r, uint8_t *buf, uint32_t *undef_flags,
                   uint32_t *any_undef_flags)
{
    static void (*const gens[])(Gen *) = {
        gen_alu, gen_alu, gen_alu, gen_unary, gen_muldiv, gen_shift,
        gen_shift, gen_shxd, gen_bt, gen_misc, gen_misc, gen_special,
        gen_string, gen_stack, gen_lea,
    };
    Gen g = { .r = r, .p = buf };
    int n = 1 + pick(&g, CPUDIFF_MAX_INSNS);

    for (int i = 0; i < n; i++) {
        gens[pick(&g, G_N_ELEMENTS(gens))](&g);
    }
    emit(&g, 0xf4);                             /* hlt */
    *undef_flags = g.undef;
    *any_undef_flags = g.any_undef;
    return g.p - buf;
}
