/*
 * `info registers` text, character for character as QEMU 7.2 prints it
 * (reference: shared/reference/hmp/tcg-S-03-info_registers.raw for real
 * mode, tcg-26-info_registers__a.raw for long mode).  The layout switches
 * to 64-bit columns when CS is a 64-bit code segment in long mode.
 * II (interrupt shadow), SMM are always 0 and A20 always 1 here.
 */
#include "qemu/osdep.h"
#include "target/x86/cpu.h"

static const char *const seg_names[6] = { "ES", "CS", "SS", "DS", "FS", "GS" };

/* System descriptor type names, [long mode][type]. */
static const char *const sys_type_names[2][16] = {
    {
        "Reserved", "TSS16-avl", "LDT", "TSS16-busy",
        "CallGate16", "TaskGate", "IntGate16", "TrapGate16",
        "Reserved", "TSS32-avl", "Reserved", "TSS32-busy",
        "CallGate32", "Reserved", "IntGate32", "TrapGate32",
    },
    {
        "<hiword>", "Reserved", "LDT", "Reserved",
        "Reserved", "Reserved", "Reserved", "Reserved",
        "Reserved", "TSS64-avl", "Reserved", "TSS64-busy",
        "CallGate64", "Reserved", "IntGate64", "TrapGate64",
    },
};

static bool dump_cs64(const CPUX86State *env)
{
    return x86_cpu_long_mode(env) && (env->segs[R_CS].flags & DESC_L_MASK);
}

static void dump_seg(GString *out, const CPUX86State *env, const char *name,
                     const SegmentCache *sc)
{
    uint32_t fl = sc->flags;

    if (dump_cs64(env)) {
        g_string_append_printf(out, "%-3s=%04x %016" PRIx64 " %08x %08x",
                               name, sc->selector & 0xffff, sc->base,
                               sc->limit, fl & 0x00ffff00);
    } else {
        g_string_append_printf(out, "%-3s=%04x %08x %08x %08x", name,
                               sc->selector & 0xffff, (uint32_t)sc->base,
                               sc->limit, fl & 0x00ffff00);
    }
    /* Attribute decoding only in protected mode, for present segments. */
    if ((env->cr[0] & CR0_PE_MASK) && (fl & DESC_P_MASK)) {
        g_string_append_printf(out, " DPL=%d ",
                               (fl & DESC_DPL_MASK) >> DESC_DPL_SHIFT);
        if (fl & DESC_S_MASK) {
            if (fl & DESC_CS_MASK) {
                g_string_append(out, (fl & DESC_L_MASK) ? "CS64" :
                                     (fl & DESC_B_MASK) ? "CS32" : "CS16");
                g_string_append_printf(out, " [%c%c",
                                       (fl & DESC_C_MASK) ? 'C' : '-',
                                       (fl & DESC_R_MASK) ? 'R' : '-');
            } else {
                g_string_append(out, ((fl & DESC_B_MASK) ||
                                      x86_cpu_long_mode(env)) ? "DS  "
                                                              : "DS16");
                g_string_append_printf(out, " [%c%c",
                                       (fl & DESC_E_MASK) ? 'E' : '-',
                                       (fl & DESC_W_MASK) ? 'W' : '-');
            }
            g_string_append_printf(out, "%c]", (fl & DESC_A_MASK) ? 'A' : '-');
        } else {
            g_string_append(out, sys_type_names[x86_cpu_long_mode(env)]
                            [(fl & DESC_TYPE_MASK) >> DESC_TYPE_SHIFT]);
        }
    }
    g_string_append_c(out, '\n');
}

/* CPL as QEMU's hflags hold it: 0 in real mode, 3 in vm86, else SS.DPL. */
static int dump_cpl(const CPUX86State *env)
{
    if (!(env->cr[0] & CR0_PE_MASK)) {
        return 0;
    }
    if (env->eflags & VM_MASK) {
        return 3;
    }
    return (env->segs[R_SS].flags & DESC_DPL_MASK) >> DESC_DPL_SHIFT;
}

static void dump_fpu(const CPUX86State *env, GString *out, bool cs64)
{
    int i;

    g_string_append_printf(out, "FCW=%04x FSW=%04x [ST=%d] FTW=%02x "
                           "MXCSR=%08x\n", env->fpuc, env->fpus,
                           (env->fpus >> 11) & 7, env->fptag_abridged,
                           env->mxcsr);
    /*
     * QEMU prints physical registers R0..R7; env->fpregs[] holds ST(0..7)
     * (FXSAVE order), and physical register i is ST((i - TOP) & 7).
     */
    for (i = 0; i < 8; i++) {
        const X86FPReg *r = &env->fpregs[(i - ((env->fpus >> 11) & 7)) & 7];

        g_string_append_printf(out, "FPR%d=%016" PRIx64 " %04x%c", i,
                               r->mant, r->exp, (i & 1) ? '\n' : ' ');
    }
    for (i = 0; i < (cs64 ? 16 : 8); i++) {
        g_string_append_printf(out, "XMM%02d=%016" PRIx64 " %016" PRIx64 "%c",
                               i, env->xmm[i].q[1], env->xmm[i].q[0],
                               (i & 1) ? '\n' : ' ');
    }
}

/* QEMU's window of code bytes around EIP in the "Code=" line. */
#define DUMP_CODE_BYTES_TOTAL    50
#define DUMP_CODE_BYTES_BACKWARD 20

static void dump_code(X86CPU *cpu, GString *out)
{
    const CPUX86State *env = &cpu->env;
    uint64_t offs = MIN(env->rip, DUMP_CODE_BYTES_BACKWARD);
    uint64_t base = env->segs[R_CS].base + env->rip - offs;
    int i;

    g_string_append(out, "Code=");
    for (i = 0; i < DUMP_CODE_BYTES_TOTAL; i++) {
        uint8_t b;
        bool ok = x86_cpu_memory_rw_debug(cpu, base + i, &b, 1, false) == 0;

        g_string_append_printf(out, "%s%s", i > 0 ? " " : "",
                               (uint64_t)i == offs ? "<" : "");
        if (ok) {
            g_string_append_printf(out, "%02x", b);
        } else {
            g_string_append(out, "??");
        }
        if ((uint64_t)i == offs) {
            g_string_append_c(out, '>');
        }
    }
    g_string_append_c(out, '\n');
}

void x86_cpu_dump_state(X86CPU *cpu, GString *out, int flags)
{
    const CPUX86State *env = &cpu->env;
    uint32_t efl = (uint32_t)env->eflags;
    bool cs64 = dump_cs64(env);
    char fl[8];
    int i;

    snprintf(fl, sizeof(fl), "%c%c%c%c%c%c%c",
             efl & DF_MASK ? 'D' : '-', efl & CC_O ? 'O' : '-',
             efl & CC_S ? 'S' : '-', efl & CC_Z ? 'Z' : '-',
             efl & CC_A ? 'A' : '-', efl & CC_P ? 'P' : '-',
             efl & CC_C ? 'C' : '-');

    if (cs64) {
        static const char *const names[16] = {
            "RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
            "R8 ", "R9 ", "R10", "R11", "R12", "R13", "R14", "R15",
        };
        /* QEMU's order: RAX RBX RCX RDX / RSI RDI RBP RSP / R8.. / R12.. */
        static const int order[16] = {
            R_EAX, R_EBX, R_ECX, R_EDX, R_ESI, R_EDI, R_EBP, R_ESP,
            8, 9, 10, 11, 12, 13, 14, 15,
        };
        for (i = 0; i < 16; i++) {
            g_string_append_printf(out, "%s=%016" PRIx64 "%c",
                                   names[order[i]], env->regs[order[i]],
                                   (i & 3) == 3 ? '\n' : ' ');
        }
        g_string_append_printf(out, "RIP=%016" PRIx64 " RFL=%08x [%s] "
                               "CPL=%d II=0 A20=1 SMM=0 HLT=%d\n",
                               env->rip, efl, fl, dump_cpl(env),
                               env->halted);
    } else {
        g_string_append_printf(out,
                               "EAX=%08x EBX=%08x ECX=%08x EDX=%08x\n"
                               "ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n"
                               "EIP=%08x EFL=%08x [%s] "
                               "CPL=%d II=0 A20=1 SMM=0 HLT=%d\n",
                               (uint32_t)env->regs[R_EAX],
                               (uint32_t)env->regs[R_EBX],
                               (uint32_t)env->regs[R_ECX],
                               (uint32_t)env->regs[R_EDX],
                               (uint32_t)env->regs[R_ESI],
                               (uint32_t)env->regs[R_EDI],
                               (uint32_t)env->regs[R_EBP],
                               (uint32_t)env->regs[R_ESP],
                               (uint32_t)env->rip, efl, fl,
                               dump_cpl(env), env->halted);
    }

    for (i = 0; i < 6; i++) {
        dump_seg(out, env, seg_names[i], &env->segs[i]);
    }
    dump_seg(out, env, "LDT", &env->ldt);
    dump_seg(out, env, "TR", &env->tr);

    if (x86_cpu_long_mode(env)) {
        g_string_append_printf(out, "GDT=     %016" PRIx64 " %08x\n",
                               env->gdt.base, env->gdt.limit);
        g_string_append_printf(out, "IDT=     %016" PRIx64 " %08x\n",
                               env->idt.base, env->idt.limit);
        g_string_append_printf(out, "CR0=%08x CR2=%016" PRIx64
                               " CR3=%016" PRIx64 " CR4=%08x\n",
                               (uint32_t)env->cr[0], env->cr[2], env->cr[3],
                               (uint32_t)env->cr[4]);
    } else {
        g_string_append_printf(out, "GDT=     %08x %08x\n",
                               (uint32_t)env->gdt.base, env->gdt.limit);
        g_string_append_printf(out, "IDT=     %08x %08x\n",
                               (uint32_t)env->idt.base, env->idt.limit);
        g_string_append_printf(out, "CR0=%08x CR2=%08x CR3=%08x CR4=%08x\n",
                               (uint32_t)env->cr[0], (uint32_t)env->cr[2],
                               (uint32_t)env->cr[3], (uint32_t)env->cr[4]);
    }
    for (i = 0; i < 4; i++) {
        g_string_append_printf(out, "DR%d=%016" PRIx64 " ", i, env->dr[i]);
    }
    g_string_append_printf(out, "\nDR6=%016" PRIx64 " DR7=%016" PRIx64 "\n",
                           env->dr[6], env->dr[7]);
    g_string_append_printf(out, "EFER=%016" PRIx64 "\n", env->efer);

    if (flags & CPU_DUMP_FPU) {
        dump_fpu(env, out, cs64);
    }
    if (flags & CPU_DUMP_CODE) {
        dump_code(cpu, out);
    }
}
