/*
 * The register file as GDB's i386:x86-64 target description numbers it
 * (features org.gnu.gdb.i386.core and .sse, then the segment bases and
 * control registers QEMU adds), little-endian, plus the target.xml gdb
 * reads with qXfer:features:read.
 *
 *   0-15 rax..r15   16 rip   17 eflags   18-23 cs ss ds es fs gs
 *   24-31 st0-st7 (10 bytes)   32-39 fctrl fstat ftag fiseg fioff foseg
 *   fooff fop   40-55 xmm0-15   56 mxcsr   57-59 fs_base gs_base
 *   k_gs_base   60-65 cr0 cr2 cr3 cr4 cr8 efer
 */
#include "qemu/osdep.h"
#include "gdbstub/internal.h"

enum {
    GR_RIP = 16, GR_EFLAGS, GR_SEG0, GR_ST0 = 24, GR_FCTRL = 32,
    GR_FSTAT, GR_FTAG, GR_FISEG, GR_FIOFF, GR_FOSEG, GR_FOOFF, GR_FOP,
    GR_XMM0 = 40, GR_MXCSR = 56, GR_FS_BASE, GR_GS_BASE, GR_K_GS_BASE,
    GR_CR0, GR_CR2, GR_CR3, GR_CR4, GR_CR8, GR_EFER,
};

/* GDB's order of the general registers, as env->regs indices. */
static const int gpr_index[16] = {
    R_EAX, R_EBX, R_ECX, R_EDX, R_ESI, R_EDI, R_EBP, R_ESP,
    8, 9, 10, 11, 12, 13, 14, 15,
};
static const int seg_index[6] = { R_CS, R_SS, R_DS, R_ES, R_FS, R_GS };

int gdb_x86_reg_size(int n)
{
    if (n < 0 || n >= GDB_X86_NUM_REGS) {
        return 0;
    }
    if (n < GR_EFLAGS || n >= GR_FS_BASE) {
        return 8;
    }
    if (n >= GR_ST0 && n < GR_FCTRL) {
        return 10;
    }
    if (n >= GR_XMM0 && n < GR_MXCSR) {
        return 16;
    }
    return 4;
}

static void put_le(uint8_t *buf, uint64_t v, int size)
{
    for (int i = 0; i < size; i++) {
        buf[i] = v >> (8 * i);
    }
}

static uint64_t get_le(const uint8_t *buf, int size)
{
    uint64_t v = 0;

    for (int i = 0; i < size; i++) {
        v |= (uint64_t)buf[i] << (8 * i);
    }
    return v;
}

/* The full x87 tag word from FXSAVE's abridged one: valid (00) or empty (11). */
static uint16_t full_tag_word(const CPUX86State *env)
{
    uint16_t tw = 0;

    for (int i = 0; i < 8; i++) {
        if (!(env->fptag_abridged & (1 << i))) {
            tw |= 3 << (2 * i);
        }
    }
    return tw;
}

/* Registers 57..65, which are plain 64-bit fields. */
static uint64_t *sys_reg(CPUX86State *env, int n)
{
    switch (n) {
    case GR_FS_BASE:
        return &env->segs[R_FS].base;
    case GR_GS_BASE:
        return &env->segs[R_GS].base;
    case GR_K_GS_BASE:
        return &env->kernelgsbase;
    case GR_CR0:
        return &env->cr[0];
    case GR_CR2:
        return &env->cr[2];
    case GR_CR3:
        return &env->cr[3];
    case GR_CR4:
        return &env->cr[4];
    case GR_CR8:
        return &env->cr8;
    default:
        return &env->efer;
    }
}

void gdb_x86_read_reg(const CPUX86State *env, int n, uint8_t *buf)
{
    int size = gdb_x86_reg_size(n);
    uint64_t v = 0;

    if (n < 16) {
        v = env->regs[gpr_index[n]];
    } else if (n == GR_RIP) {
        v = env->rip;
    } else if (n == GR_EFLAGS) {
        v = env->eflags;
    } else if (n < GR_ST0) {
        v = env->segs[seg_index[n - GR_SEG0]].selector;
    } else if (n < GR_FCTRL) {
        put_le(buf, env->fpregs[n - GR_ST0].mant, 8);
        put_le(buf + 8, env->fpregs[n - GR_ST0].exp, 2);
        return;
    } else if (n >= GR_XMM0 && n < GR_MXCSR) {
        memcpy(buf, env->xmm[n - GR_XMM0].b, 16);
        return;
    } else if (n >= GR_FS_BASE) {
        v = *sys_reg((CPUX86State *)env, n);
    } else {
        switch (n) {
        case GR_FCTRL:
            v = env->fpuc;
            break;
        case GR_FSTAT:
            v = env->fpus;
            break;
        case GR_FTAG:
            v = full_tag_word(env);
            break;
        case GR_FIOFF:
            v = (uint32_t)env->fpip;
            break;
        case GR_FOOFF:
            v = (uint32_t)env->fpdp;
            break;
        case GR_FOP:
            v = env->fpop;
            break;
        case GR_MXCSR:
            v = env->mxcsr;
            break;
        default:        /* fiseg, foseg: 64-bit FXSAVE keeps none */
            v = 0;
            break;
        }
    }
    put_le(buf, v, size);
}

void gdb_x86_write_reg(CPUX86State *env, int n, const uint8_t *buf)
{
    uint64_t v = get_le(buf, gdb_x86_reg_size(n));

    if (n < 16) {
        env->regs[gpr_index[n]] = v;
    } else if (n == GR_RIP) {
        env->rip = v;
    } else if (n == GR_EFLAGS) {
        env->eflags = (uint32_t)v | 2;
    } else if (n < GR_ST0) {
        SegmentCache *sc = &env->segs[seg_index[n - GR_SEG0]];

        /* only the selector: descriptors stay as loaded (real mode: base) */
        sc->selector = (uint16_t)v;
        if (!(env->cr[0] & CR0_PE_MASK)) {
            sc->base = (uint64_t)(uint16_t)v << 4;
        }
    } else if (n < GR_FCTRL) {
        env->fpregs[n - GR_ST0].mant = get_le(buf, 8);
        env->fpregs[n - GR_ST0].exp = get_le(buf + 8, 2);
    } else if (n >= GR_XMM0 && n < GR_MXCSR) {
        memcpy(env->xmm[n - GR_XMM0].b, buf, 16);
    } else if (n >= GR_FS_BASE) {
        *sys_reg(env, n) = v;
    } else if (n == GR_FCTRL) {
        env->fpuc = v;
    } else if (n == GR_FSTAT) {
        env->fpus = v;
    } else if (n == GR_FTAG) {
        env->fptag_abridged = 0;
        for (int i = 0; i < 8; i++) {
            if (((v >> (2 * i)) & 3) != 3) {
                env->fptag_abridged |= 1 << i;
            }
        }
    } else if (n == GR_FIOFF) {
        env->fpip = v;
    } else if (n == GR_FOOFF) {
        env->fpdp = v;
    } else if (n == GR_FOP) {
        env->fpop = v;
    } else if (n == GR_MXCSR) {
        env->mxcsr = v;
    }
}

#define REG(name, bits, type) \
    "<reg name=\"" name "\" bitsize=\"" #bits "\" type=\"" type "\"/>"
#define GREG(name, bits, type, group) \
    "<reg name=\"" name "\" bitsize=\"" #bits "\" type=\"" type \
    "\" group=\"" group "\"/>"

const char gdb_x86_target_xml[] =
    "<?xml version=\"1.0\"?>"
    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
    "<target><architecture>i386:x86-64</architecture>"
    "<feature name=\"org.gnu.gdb.i386.core\">"
    "<flags id=\"i386_eflags\" size=\"4\">"
    "<field name=\"CF\" start=\"0\" end=\"0\"/>"
    "<field name=\"\" start=\"1\" end=\"1\"/>"
    "<field name=\"PF\" start=\"2\" end=\"2\"/>"
    "<field name=\"AF\" start=\"4\" end=\"4\"/>"
    "<field name=\"ZF\" start=\"6\" end=\"6\"/>"
    "<field name=\"SF\" start=\"7\" end=\"7\"/>"
    "<field name=\"TF\" start=\"8\" end=\"8\"/>"
    "<field name=\"IF\" start=\"9\" end=\"9\"/>"
    "<field name=\"DF\" start=\"10\" end=\"10\"/>"
    "<field name=\"OF\" start=\"11\" end=\"11\"/>"
    "<field name=\"NT\" start=\"14\" end=\"14\"/>"
    "<field name=\"RF\" start=\"16\" end=\"16\"/>"
    "<field name=\"VM\" start=\"17\" end=\"17\"/>"
    "<field name=\"AC\" start=\"18\" end=\"18\"/>"
    "<field name=\"VIF\" start=\"19\" end=\"19\"/>"
    "<field name=\"VIP\" start=\"20\" end=\"20\"/>"
    "<field name=\"ID\" start=\"21\" end=\"21\"/>"
    "</flags>"
    REG("rax", 64, "int64") REG("rbx", 64, "int64")
    REG("rcx", 64, "int64") REG("rdx", 64, "int64")
    REG("rsi", 64, "int64") REG("rdi", 64, "int64")
    REG("rbp", 64, "data_ptr") REG("rsp", 64, "data_ptr")
    REG("r8", 64, "int64") REG("r9", 64, "int64")
    REG("r10", 64, "int64") REG("r11", 64, "int64")
    REG("r12", 64, "int64") REG("r13", 64, "int64")
    REG("r14", 64, "int64") REG("r15", 64, "int64")
    REG("rip", 64, "code_ptr") REG("eflags", 32, "i386_eflags")
    REG("cs", 32, "int32") REG("ss", 32, "int32")
    REG("ds", 32, "int32") REG("es", 32, "int32")
    REG("fs", 32, "int32") REG("gs", 32, "int32")
    REG("st0", 80, "i387_ext") REG("st1", 80, "i387_ext")
    REG("st2", 80, "i387_ext") REG("st3", 80, "i387_ext")
    REG("st4", 80, "i387_ext") REG("st5", 80, "i387_ext")
    REG("st6", 80, "i387_ext") REG("st7", 80, "i387_ext")
    GREG("fctrl", 32, "int", "float") GREG("fstat", 32, "int", "float")
    GREG("ftag", 32, "int", "float") GREG("fiseg", 32, "int", "float")
    GREG("fioff", 32, "int", "float") GREG("foseg", 32, "int", "float")
    GREG("fooff", 32, "int", "float") GREG("fop", 32, "int", "float")
    "</feature>"
    "<feature name=\"org.gnu.gdb.i386.sse\">"
    "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
    "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
    "<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>"
    "<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>"
    "<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>"
    "<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>"
    "<union id=\"vec128\">"
    "<field name=\"v4_float\" type=\"v4f\"/>"
    "<field name=\"v2_double\" type=\"v2d\"/>"
    "<field name=\"v16_int8\" type=\"v16i8\"/>"
    "<field name=\"v8_int16\" type=\"v8i16\"/>"
    "<field name=\"v4_int32\" type=\"v4i32\"/>"
    "<field name=\"v2_int64\" type=\"v2i64\"/>"
    "<field name=\"uint128\" type=\"uint128\"/>"
    "</union>"
    GREG("xmm0", 128, "vec128", "vector") GREG("xmm1", 128, "vec128", "vector")
    GREG("xmm2", 128, "vec128", "vector") GREG("xmm3", 128, "vec128", "vector")
    GREG("xmm4", 128, "vec128", "vector") GREG("xmm5", 128, "vec128", "vector")
    GREG("xmm6", 128, "vec128", "vector") GREG("xmm7", 128, "vec128", "vector")
    GREG("xmm8", 128, "vec128", "vector") GREG("xmm9", 128, "vec128", "vector")
    GREG("xmm10", 128, "vec128", "vector")
    GREG("xmm11", 128, "vec128", "vector")
    GREG("xmm12", 128, "vec128", "vector")
    GREG("xmm13", 128, "vec128", "vector")
    GREG("xmm14", 128, "vec128", "vector")
    GREG("xmm15", 128, "vec128", "vector")
    GREG("mxcsr", 32, "int", "vector")
    "</feature>"
    "<feature name=\"org.gnu.gdb.i386.segments\">"
    REG("fs_base", 64, "int64") REG("gs_base", 64, "int64")
    REG("k_gs_base", 64, "int64")
    "</feature>"
    "<feature name=\"org.qemu.gdb.i386.sys\">"
    REG("cr0", 64, "int64") REG("cr2", 64, "int64")
    REG("cr3", 64, "int64") REG("cr4", 64, "int64")
    REG("cr8", 64, "int64") REG("efer", 64, "int64")
    "</feature>"
    "</target>";
