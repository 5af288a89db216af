/*
 * X86CPU: qemu64 CPUID as QEMU 7.2 reports it under TCG, -cpu feature
 * parsing and its error texts, the power-on state, and `info registers`
 * of a reset CPU against QEMU's transcript.
 */
#include "qemu/osdep.h"
#include "target/x86/cpu.h"
#include "qapi/error.h"

static X86CPU *new_cpu(const char *opt, int index, Error **errp)
{
    X86CPU *cpu = X86_CPU(object_new(TYPE_X86_CPU));

    cpu->cpu_index = index;
    cpu->apic_id = index;
    cpu->is_bsp = index == 0;
    if (!x86_cpu_apply_model(cpu, opt, errp)) {
        object_unref(cpu);
        return NULL;
    }
    x86_cpu_reset(cpu);
    return cpu;
}

static void check_leaf(X86CPU *cpu, uint32_t leaf, uint32_t sub,
                       uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    uint32_t eax, ebx, ecx, edx;

    x86_cpu_get_cpuid(cpu, leaf, sub, &eax, &ebx, &ecx, &edx);
    if (eax != a || ebx != b || ecx != c || edx != d) {
        g_test_message("leaf %08x.%u: %08x %08x %08x %08x", leaf, sub,
                       eax, ebx, ecx, edx);
    }
    g_assert_cmphex(eax, ==, a);
    g_assert_cmphex(ebx, ==, b);
    g_assert_cmphex(ecx, ==, c);
    g_assert_cmphex(edx, ==, d);
}

/* Measured on QEMU 7.2 -M pc -accel tcg (software-cpu.md §1.2). */
static void test_qemu64_cpuid(void)
{
    X86CPU *cpu = new_cpu("qemu64", 0, &error_abort);
    X86CPU *ap = new_cpu("qemu64", 1, &error_abort);
    uint32_t brand[12], i, eax, ebx, ecx, edx;

    check_leaf(cpu, 0, 0, 0xd, 0x68747541, 0x444d4163, 0x69746e65);
    check_leaf(cpu, 1, 0, 0x00060fb1, 0x00000800, 0x80002001, 0x078bfbfd);
    check_leaf(ap, 1, 0, 0x00060fb1, 0x01000800, 0x80002001, 0x078bfbfd);
    check_leaf(cpu, 2, 0, 0, 0, 0, 0);
    check_leaf(cpu, 4, 0, 0, 0, 0, 0);
    check_leaf(cpu, 5, 0, 0, 0, 3, 0);
    check_leaf(cpu, 7, 0, 0, 0, 0, 0);
    check_leaf(cpu, 0xb, 0, 0, 1, 0x100, 0);
    check_leaf(cpu, 0xb, 1, 0, 1, 0x201, 0);
    check_leaf(ap, 0xb, 0, 0, 1, 0x100, 1);
    check_leaf(cpu, 0xd, 0, 0, 0, 0, 0);
    check_leaf(cpu, 0x40000000, 0, 0x40000001, 0x54474354, 0x43544743,
               0x47435447);
    check_leaf(cpu, 0x80000000, 0, 0x8000000a, 0x68747541, 0x444d4163,
               0x69746e65);
    check_leaf(cpu, 0x80000001, 0, 0x00060fb1, 0, 0x00000005, 0x2193fbfd);
    check_leaf(cpu, 0x80000005, 0, 0x01ff01ff, 0x01ff01ff, 0x40020140,
               0x40020140);
    check_leaf(cpu, 0x80000006, 0, 0, 0x42004200, 0x02008140, 0x00808140);
    check_leaf(cpu, 0x80000008, 0, 0x00003028, 0, 0, 0);
    check_leaf(cpu, 0x8000000a, 0, 1, 0x10, 0, 0);
    /* Beyond xlevel: the highest basic leaf (0xd, all zero). */
    check_leaf(cpu, 0x80000020, 0, 0, 0, 0, 0);

    for (i = 0; i < 3; i++) {
        x86_cpu_get_cpuid(cpu, 0x80000002 + i, 0, &eax, &ebx, &ecx, &edx);
        brand[i * 4] = eax;
        brand[i * 4 + 1] = ebx;
        brand[i * 4 + 2] = ecx;
        brand[i * 4 + 3] = edx;
    }
    g_assert_cmpstr((char *)brand, ==, "QEMU Virtual CPU version 2.5+");
    object_unref(cpu);
    object_unref(ap);
}

static void test_features(void)
{
    uint32_t eax, ebx, ecx, edx;
    X86CPU *cpu;

    cpu = new_cpu("qemu64,+sse4.2,-lm,+avx2,lahf_lm=off,sse4_1=on", 0,
                  &error_abort);
    x86_cpu_get_cpuid(cpu, 1, 0, &eax, &ebx, &ecx, &edx);
    g_assert_cmphex(ecx & (1u << 20), !=, 0);       /* sse4.2 */
    g_assert_cmphex(ecx & (1u << 19), !=, 0);       /* sse4.1 via alias */
    x86_cpu_get_cpuid(cpu, 7, 0, &eax, &ebx, &ecx, &edx);
    g_assert_cmphex(ebx & (1u << 5), !=, 0);        /* avx2 */
    x86_cpu_get_cpuid(cpu, 0x80000001, 0, &eax, &ebx, &ecx, &edx);
    g_assert_cmphex(edx & (1u << 29), ==, 0);       /* lm */
    g_assert_cmphex(ecx & 1, ==, 0);                /* lahf-lm */
    /* a 32-bit CPU: PSE-36's 36 address bits, no virtual size (QEMU) */
    check_leaf(cpu, 0x80000008, 0, 36, 0, 0, 0);
    object_unref(cpu);

    /* "-f" wins over "+f" whatever the order, as in QEMU. */
    cpu = new_cpu("qemu64,-sse2,+sse2", 0, &error_abort);
    x86_cpu_get_cpuid(cpu, 1, 0, &eax, &ebx, &ecx, &edx);
    g_assert_cmphex(edx & (1u << 26), ==, 0);
    object_unref(cpu);

    /* Known to QEMU but not modelled: accepted. */
    cpu = new_cpu("qemu64,+kvmclock,-xsaveopt,model-id=My CPU,family=6",
                  0, &error_abort);
    g_assert_cmpstr(cpu->model.model_id, ==, "My CPU");
    g_assert_cmpuint(cpu->model.family, ==, 6);
    object_unref(cpu);

    cpu = new_cpu("Haswell-noTSX", 0, &error_abort);
    g_assert_cmpstr(cpu->model_name, ==, "Haswell");
    g_assert_cmphex(cpu->model.features_7_0_ebx & (1u << 4), ==, 0);
    object_unref(cpu);
}

static void test_bad_options(void)
{
    static const struct { const char *opt, *msg; } cases[] = {
        { "nosuchcpu", "unable to find CPU model 'nosuchcpu'" },
        { "qemu64,+foo", "Property 'qemu64-x86_64-cpu.foo' not found" },
        { "qemu64,foo=on", "can't apply global qemu64-x86_64-cpu.foo=on: "
                           "Property 'qemu64-x86_64-cpu.foo' not found" },
        { "qemu64,sse=maybe", "can't apply global qemu64-x86_64-cpu.sse="
                              "maybe: Parameter 'sse' expects 'on' or 'off'" },
        { "host", "CPU model 'host' requires KVM or HVF" },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        Error *err = NULL;

        g_assert_null(new_cpu(cases[i].opt, 0, &err));
        g_assert_nonnull(err);
        g_assert_cmpstr(error_get_pretty(err), ==, cases[i].msg);
        error_free(err);
    }
}

static void test_reset_state(void)
{
    X86CPU *cpu = new_cpu("qemu64", 0, &error_abort);
    X86CPU *ap = new_cpu("qemu64", 1, &error_abort);
    CPUX86State *env = &cpu->env;

    g_assert_cmphex(env->rip, ==, 0xfff0);
    g_assert_cmphex(env->segs[R_CS].selector, ==, 0xf000);
    g_assert_cmphex(env->segs[R_CS].base, ==, 0xffff0000);
    g_assert_cmphex(env->regs[R_EDX], ==, 0x00060fb1);
    g_assert_cmphex(env->cr[0], ==, 0x60000010);
    g_assert_cmphex(env->eflags, ==, 2);
    g_assert_cmphex(env->pat, ==, 0x0007040600070406ULL);
    g_assert_cmphex(env->mxcsr, ==, 0x1f80);
    g_assert_cmphex(env->fpuc, ==, 0x37f);
    g_assert_cmphex(env->apic_base, ==, 0xfee00900);
    g_assert_false(env->halted);
    g_assert_cmphex(ap->env.apic_base, ==, 0xfee00800);
    g_assert_true(ap->env.halted);
    g_assert_true(ap->env.init_received);

    x86_cpu_load_seg_real(env, R_DS, 0x1234);
    g_assert_cmphex(env->segs[R_DS].base, ==, 0x12340);
    g_assert_cmphex(env->segs[R_DS].limit, ==, 0xffff);
    object_unref(cpu);
    object_unref(ap);
}

/* shared/reference/hmp/tcg-S-03-info_registers.raw, after "CPU#0". */
static const char reset_dump[] =
    "EAX=00000000 EBX=00000000 ECX=00000000 EDX=00060fb1\n"
    "ESI=00000000 EDI=00000000 EBP=00000000 ESP=00000000\n"
    "EIP=0000fff0 EFL=00000002 [-------] CPL=0 II=0 A20=1 SMM=0 HLT=0\n"
    "ES =0000 00000000 0000ffff 00009300\n"
    "CS =f000 ffff0000 0000ffff 00009b00\n"
    "SS =0000 00000000 0000ffff 00009300\n"
    "DS =0000 00000000 0000ffff 00009300\n"
    "FS =0000 00000000 0000ffff 00009300\n"
    "GS =0000 00000000 0000ffff 00009300\n"
    "LDT=0000 00000000 0000ffff 00008200\n"
    "TR =0000 00000000 0000ffff 00008b00\n"
    "GDT=     00000000 0000ffff\n"
    "IDT=     00000000 0000ffff\n"
    "CR0=60000010 CR2=00000000 CR3=00000000 CR4=00000000\n"
    "DR0=0000000000000000 DR1=0000000000000000 DR2=0000000000000000 "
    "DR3=0000000000000000 \n"
    "DR6=00000000ffff0ff0 DR7=0000000000000400\n"
    "EFER=0000000000000000\n"
    "FCW=037f FSW=0000 [ST=0] FTW=00 MXCSR=00001f80\n"
    "FPR0=0000000000000000 0000 FPR1=0000000000000000 0000\n"
    "FPR2=0000000000000000 0000 FPR3=0000000000000000 0000\n"
    "FPR4=0000000000000000 0000 FPR5=0000000000000000 0000\n"
    "FPR6=0000000000000000 0000 FPR7=0000000000000000 0000\n"
    "XMM00=0000000000000000 0000000000000000 "
    "XMM01=0000000000000000 0000000000000000\n"
    "XMM02=0000000000000000 0000000000000000 "
    "XMM03=0000000000000000 0000000000000000\n"
    "XMM04=0000000000000000 0000000000000000 "
    "XMM05=0000000000000000 0000000000000000\n"
    "XMM06=0000000000000000 0000000000000000 "
    "XMM07=0000000000000000 0000000000000000\n";

static void test_dump_reset(void)
{
    X86CPU *cpu = new_cpu("qemu64", 0, &error_abort);
    g_autoptr(GString) out = g_string_new("");

    x86_cpu_dump_state(cpu, out, CPU_DUMP_FPU);
    g_assert_cmpstr(out->str, ==, reset_dump);
    object_unref(cpu);
}

/* FPR lines name physical registers, as QEMU's: after FLD1, R7 = ST(0). */
static void test_dump_fpu_top(void)
{
    X86CPU *cpu = new_cpu("qemu64", 0, &error_abort);
    g_autoptr(GString) out = g_string_new("");

    cpu->env.fpus = 7 << 11;                    /* TOP = 7 */
    cpu->env.fpregs[0] = (X86FPReg){ .mant = 0x8000000000000000ULL,
                                     .exp = 0x3fff };
    x86_cpu_dump_state(cpu, out, CPU_DUMP_FPU);
    g_assert_nonnull(strstr(out->str,
                            "FPR6=0000000000000000 0000 "
                            "FPR7=8000000000000000 3fff\n"));
    object_unref(cpu);
}

/* Lines of tcg-26-info_registers__a.raw (64-bit kernel, CPU#0). */
static void test_dump_long_mode(void)
{
    X86CPU *cpu = new_cpu("qemu64", 0, &error_abort);
    CPUX86State *env = &cpu->env;
    g_autoptr(GString) out = g_string_new("");

    env->efer = 0xd01;
    env->cr[0] = 0x80050033;
    env->cr[4] = 0x6f0;
    env->eflags = 0x246;
    env->rip = 0xffffffff966592ebULL;
    env->halted = true;
    env->segs[R_CS] = (SegmentCache){ 0x10, 0, 0xffffffff, 0x00af9b00 };
    env->segs[R_SS] = (SegmentCache){ 0x18, 0, 0xffffffff, 0x00cf9300 };
    env->segs[R_ES] = (SegmentCache){ 0, 0, 0, 0 };
    env->ldt = (SegmentCache){ 0, 0, 0, 0x8200 };
    env->tr = (SegmentCache){ 0x40, 0xfffffe0000003000ULL, 0x4087, 0x8900 };
    env->gdt = (TableReg){ 0xfffffe0000001000ULL, 0x7f };

    x86_cpu_dump_state(cpu, out, CPU_DUMP_FPU);
    g_assert_nonnull(strstr(out->str,
        "RIP=ffffffff966592eb RFL=00000246 [---Z-P-] CPL=0 II=0 A20=1 "
        "SMM=0 HLT=1\n"
        "ES =0000 0000000000000000 00000000 00000000\n"
        "CS =0010 0000000000000000 ffffffff 00af9b00 DPL=0 CS64 [-RA]\n"
        "SS =0018 0000000000000000 ffffffff 00cf9300 DPL=0 DS   [-WA]\n"));
    g_assert_nonnull(strstr(out->str,
        "LDT=0000 0000000000000000 00000000 00008200 DPL=0 LDT\n"
        "TR =0040 fffffe0000003000 00004087 00008900 DPL=0 TSS64-avl\n"
        "GDT=     fffffe0000001000 0000007f\n"));
    g_assert_nonnull(strstr(out->str, "R8 =0000000000000000 R9 ="));
    g_assert_nonnull(strstr(out->str, "EFER=0000000000000d01\n"));
    g_assert_nonnull(strstr(out->str, "XMM14=0000000000000000 "
                                      "0000000000000000 XMM15="));
    object_unref(cpu);
}

/* Firmware MTRRs for direct boot; INIT keeps them, a full reset does not. */
static void test_firmware_mtrrs(void)
{
    X86CPU *cpu = new_cpu("qemu64", 1, &error_abort);
    CPUX86State *env = &cpu->env;

    x86_cpu_set_firmware_mtrrs(cpu, 0xe0000000);
    g_assert_cmphex(env->mtrr_cap_def_type, ==, 0xc06);     /* E, FE, WB */
    g_assert_cmphex(env->mtrr_fixed[0], ==, 0x0606060606060606ULL);
    g_assert_cmphex(env->mtrr_fixed[2], ==, 0);             /* VGA: UC */
    g_assert_cmphex(env->mtrr_fixed[10], ==, 0x0505050505050505ULL);
    g_assert_cmphex(env->mtrr_var[0].base, ==, 0xe0000000);
    g_assert_cmphex(env->mtrr_var[0].mask, ==, 0xffe0000800ULL);  /* 40 bits */
    g_assert_cmphex(env->mtrr_var[1].mask, ==, 0);
    env->pat = 0x0007010600070106ULL;
    env->rip = 0x1234;

    x86_cpu_init_reset(cpu);
    g_assert_cmphex(env->rip, ==, 0xfff0);
    g_assert_cmphex(env->mtrr_cap_def_type, ==, 0xc06);
    g_assert_cmphex(env->mtrr_var[0].base, ==, 0xe0000000);
    g_assert_cmphex(env->pat, ==, 0x0007010600070106ULL);

    x86_cpu_reset(cpu);
    g_assert_cmphex(env->mtrr_cap_def_type, ==, 0);
    g_assert_cmphex(env->mtrr_var[0].mask, ==, 0);
    g_assert_cmphex(env->pat, ==, 0x0007040600070406ULL);

    /* A hole that is no aligned power of two gets no variable range. */
    x86_cpu_set_firmware_mtrrs(cpu, 0xc0000000 + 0x10000000);
    g_assert_cmphex(env->mtrr_var[0].mask, ==, 0);
    object_unref(cpu);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/x86-cpu/cpuid/qemu64", test_qemu64_cpuid);
    g_test_add_func("/x86-cpu/features", test_features);
    g_test_add_func("/x86-cpu/bad-options", test_bad_options);
    g_test_add_func("/x86-cpu/reset", test_reset_state);
    g_test_add_func("/x86-cpu/firmware-mtrrs", test_firmware_mtrrs);
    g_test_add_func("/x86-cpu/dump/reset", test_dump_reset);
    g_test_add_func("/x86-cpu/dump/fpu-top", test_dump_fpu_top);
    g_test_add_func("/x86-cpu/dump/long-mode", test_dump_long_mode);
    return g_test_run();
}
