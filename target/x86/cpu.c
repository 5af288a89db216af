/*
 * The X86CPU device: one type per CPU model ("qemu64-x86_64-cpu"), creation
 * by the board, interrupt requests from devices, and the architectural
 * power-on / INIT state of Intel SDM vol. 3A §9.1.1 (Table 9-1).
 * Not modelled: SMM, the A20 mask (port92 owns it), machine-check banks.
 */
#include "qemu/osdep.h"
#include "target/x86/cpu.h"
#include "hw/boards.h"
#include "accel/accel.h"
#include "system/cpus.h"
#include "qemu/error-report.h"
#include "cpu-internal.h"

#define X86_CPU_TYPE_SUFFIX "-x86_64-cpu"

/* Power-on values (SDM vol. 3A Table 9-1, and QEMU's choices for the MSRs). */
#define X86_RESET_CR0        0x60000010u       /* CD | NW | ET */
#define X86_RESET_DR6        0xffff0ff0u
#define X86_RESET_DR7        0x00000400u
#define X86_RESET_PAT        0x0007040600070406ULL
#define X86_RESET_MXCSR      0x1f80u
#define X86_RESET_FCW        0x037fu
#define X86_APIC_DEFAULT_BASE 0xfee00000ULL
#define MSR_MISC_ENABLE_FAST_STRING 1u

static void x86_cpu_instance_init(Object *obj)
{
    X86CPU *cpu = X86_CPU(obj);
    X86CPUClass *xcc = X86_CPU_GET_CLASS(obj);
    const X86CPUModel *m = xcc->model ? xcc->model
                                      : x86_cpu_model_find("qemu64");

    if (m) {
        cpu->model = *m;
        cpu->model_name = g_strdup(m->name);
    }
    cpu->env.interrupt_injected = -1;
    cpu->cpu_index = -1;
}

static void x86_cpu_finalize(Object *obj)
{
    X86CPU *cpu = X86_CPU(obj);

    g_free(cpu->model_name);
}

static void x86_cpu_realize(DeviceState *dev, Error **errp)
{
    X86CPU *cpu = X86_CPU(dev);
    const AccelOps *accel = current_accel();

    if (cpu->cpu_index < 0) {
        error_setg(errp, "apic-id property was not initialized properly");
        return;
    }
    if (accel && accel->filter_cpu_model) {
        accel->filter_cpu_model(&cpu->model, false);
    }
    x86_cpu_reset(cpu);
    cpus_register(cpu);
    if (accel && accel->create_vcpu && !accel->create_vcpu(cpu, errp)) {
        return;
    }
}

/* Device reset (system reset): back to the power-on state. */
static void x86_cpu_device_reset(DeviceState *dev)
{
    x86_cpu_reset(X86_CPU(dev));
}

static void x86_cpu_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = (DeviceClass *)oc;
    X86CPUClass *xcc = (X86CPUClass *)oc;

    xcc->model = data;
    dc->realize = x86_cpu_realize;
    dc->reset = x86_cpu_device_reset;
    /* CPUs come from -smp / -cpu, never from -device. */
    dc->user_creatable = false;
    set_bit_category(dc, DEVICE_CATEGORY_CPU);
    if (!data) {
        object_class_property_add_uint32(oc, "apic-id",
                                         offsetof(X86CPU, apic_id));
        object_class_property_add_bool(oc, "bsp", offsetof(X86CPU, is_bsp));
    }
}

static const TypeInfo x86_cpu_type_info = {
    .name = TYPE_X86_CPU,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(X86CPU),
    .class_size = sizeof(X86CPUClass),
    .instance_init = x86_cpu_instance_init,
    .instance_finalize = x86_cpu_finalize,
    .class_init = x86_cpu_class_init,
};

/* Registered from x86_cpu_register_model_types() for each model. */
static void x86_cpu_register_model_type(const X86CPUModel *m)
{
    TypeInfo ti = {
        .parent = TYPE_X86_CPU,
        .class_init = x86_cpu_class_init,
        .class_data = (void *)m,
    };
    /* The name must outlive the type: models are static, so is this. */
    ti.name = g_strconcat(m->name, X86_CPU_TYPE_SUFFIX, NULL);
    type_register_static(&ti);
}

static void x86_cpu_register_types(void)
{
    type_register_static(&x86_cpu_type_info);
    x86_cpu_models_foreach(x86_cpu_register_model_type);
}

type_init(x86_cpu_register_types)

X86CPU *x86_cpu_create(MachineState *ms, int index, Error **errp)
{
    const char *opt = (ms && ms->cpu_model && *ms->cpu_model)
                      ? ms->cpu_model : "qemu64";
    g_autofree char *name = g_strndup(opt, strcspn(opt, ","));
    g_autofree char *type = NULL;
    const X86CPUModel *m;
    X86CPU *cpu;

    m = x86_cpu_model_find(name);
    if (!m) {
        error_setg(errp, "unable to find CPU model '%s'", name);
        return NULL;
    }
    type = g_strconcat(m->name, X86_CPU_TYPE_SUFFIX, NULL);
    cpu = X86_CPU(object_new(type));
    cpu->cpu_index = index;
    cpu->apic_id = index;
    cpu->is_bsp = index == 0;
    if (!x86_cpu_apply_model(cpu, opt, errp)) {
        object_unref(cpu);
        return NULL;
    }
    if (!qdev_realize_and_unref(DEVICE(cpu), NULL, errp)) {
        return NULL;
    }
    return cpu;
}

/* ---- interrupts ---- */

void x86_cpu_interrupt(X86CPU *cpu, int mask)
{
    const AccelOps *accel = current_accel();

    __atomic_fetch_or(&cpu->interrupt_request, mask, __ATOMIC_SEQ_CST);
    if (accel && accel->kick) {
        accel->kick(cpu);
    }
    /* A halted vCPU may sleep in cpu_thread_sleep() rather than in guest code. */
    cpus_wake_sleepers();
}

void x86_cpu_reset_interrupt(X86CPU *cpu, int mask)
{
    __atomic_fetch_and(&cpu->interrupt_request, ~mask, __ATOMIC_SEQ_CST);
}

/* ---- architectural state ---- */

/*
 * Real-mode segment load: only selector and base change; the hidden limit
 * and attributes are kept, as on hardware (that is what "unreal mode" relies
 * on).  A never-loaded cache gets the power-on attributes.
 */
void x86_cpu_load_seg_real(CPUX86State *env, int seg, uint16_t selector)
{
    SegmentCache *sc = &env->segs[seg];

    sc->selector = selector;
    sc->base = (uint64_t)selector << 4;
    if (!(sc->flags & DESC_P_MASK)) {
        sc->limit = 0xffff;
        sc->flags = DESC_P_MASK | DESC_S_MASK | DESC_A_MASK |
                    (seg == R_CS ? DESC_CS_MASK | DESC_R_MASK : DESC_W_MASK);
    }
}

/* Leaf-1 EAX signature, which reset also leaves in EDX. */
static uint32_t x86_cpu_signature(const X86CPUModel *m)
{
    uint32_t family = m->family, model = m->model;
    uint32_t sig = (m->stepping & 0xf) | ((model & 0xf) << 4) |
                   ((model >> 4 & 0xf) << 16);

    if (family > 0xf) {
        sig |= 0xf << 8 | ((family - 0xf) & 0xff) << 20;
    } else {
        sig |= (family & 0xf) << 8;
    }
    return sig;
}

void x86_cpu_reset(X86CPU *cpu)
{
    CPUX86State *env = &cpu->env;
    uint64_t tsc_offset = env->tsc_offset;
    int i;

    memset(env, 0, sizeof(*env));
    env->tsc_offset = tsc_offset;   /* the TSC keeps counting */
    env->interrupt_injected = -1;

    env->regs[R_EDX] = x86_cpu_signature(&cpu->model);
    env->rip = 0xfff0;
    env->eflags = 0x2;

    for (i = 0; i < 6; i++) {
        env->segs[i].selector = 0;
        env->segs[i].base = 0;
        env->segs[i].limit = 0xffff;
        env->segs[i].flags = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK |
                             DESC_A_MASK;
    }
    /* The first fetch is at 0xfffffff0: CS base 0xffff0000, IP 0xfff0. */
    env->segs[R_CS].selector = 0xf000;
    env->segs[R_CS].base = 0xffff0000;
    env->segs[R_CS].flags = DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK |
                            DESC_R_MASK | DESC_A_MASK;
    env->ldt.limit = 0xffff;
    env->ldt.flags = DESC_P_MASK | (2 << DESC_TYPE_SHIFT);
    env->tr.limit = 0xffff;
    env->tr.flags = DESC_P_MASK | (11 << DESC_TYPE_SHIFT);
    env->gdt.limit = 0xffff;
    env->idt.limit = 0xffff;

    env->cr[0] = X86_RESET_CR0;
    env->dr[6] = X86_RESET_DR6;
    env->dr[7] = X86_RESET_DR7;

    env->fpuc = X86_RESET_FCW;
    env->mxcsr = X86_RESET_MXCSR;

    env->pat = X86_RESET_PAT;
    env->misc_enable = MSR_MISC_ENABLE_FAST_STRING;
    env->apic_base = X86_APIC_DEFAULT_BASE | MSR_IA32_APICBASE_ENABLE |
                     (cpu->is_bsp ? MSR_IA32_APICBASE_BSP : 0);

    /* Application processors sleep until the BSP sends INIT-SIPI-SIPI. */
    if (!cpu->is_bsp) {
        env->halted = true;
        env->init_received = true;
    }
    /* The accelerator's copy is stale now (KVM loads it before its next run). */
    if (current_accel() && current_accel()->put_state) {
        current_accel()->put_state(cpu);
    }
}

void x86_cpu_init_reset(X86CPU *cpu)
{
    CPUX86State *env = &cpu->env;
    uint64_t def_type = env->mtrr_cap_def_type, pat = env->pat;
    uint64_t fixed[ARRAY_SIZE(env->mtrr_fixed)];
    typeof(env->mtrr_var) var;

    memcpy(fixed, env->mtrr_fixed, sizeof(fixed));
    memcpy(var, env->mtrr_var, sizeof(var));
    x86_cpu_reset(cpu);
    env->mtrr_cap_def_type = def_type;
    env->pat = pat;
    memcpy(env->mtrr_fixed, fixed, sizeof(fixed));
    memcpy(env->mtrr_var, var, sizeof(var));
    if (current_accel() && current_accel()->put_state) {
        current_accel()->put_state(cpu);
    }
}

/* Memory types (SDM 11.11): UC 0, WP 5, WB 6; MTRRdefType.E is bit 11, FE bit 10. */
#define MTRR_TYPE_UC        0
#define MTRR_TYPE_WP        5
#define MTRR_TYPE_WB        6
#define MTRR_DEF_E          (1u << 11)
#define MTRR_DEF_FE         (1u << 10)
#define MTRR_VALID          (1u << 11)
#define MTRR_BYTES(t)       (0x0101010101010101ull * (t))

void x86_cpu_set_firmware_mtrrs(X86CPU *cpu, uint64_t pci_hole_start)
{
    CPUX86State *env = &cpu->env;
    uint64_t phys_mask = (1ull << cpu->model.phys_bits) - 1;
    uint64_t size = (1ull << 32) - pci_hole_start;

    /* Fixed ranges: 0x250 (0-512K), 0x258 (512-640K), 0x259 (640-768K), 0x268.. (768K-1M) */
    env->mtrr_fixed[0] = MTRR_BYTES(MTRR_TYPE_WB);
    env->mtrr_fixed[1] = MTRR_BYTES(MTRR_TYPE_WB);
    env->mtrr_fixed[2] = MTRR_BYTES(MTRR_TYPE_UC);
    for (int i = 3; i < 11; i++) {
        env->mtrr_fixed[i] = MTRR_BYTES(MTRR_TYPE_WP);
    }
    memset(env->mtrr_var, 0, sizeof(env->mtrr_var));
    /* One variable range for the PCI hole, if it is a power of two aligned. */
    if (pci_hole_start < (1ull << 32) && !(size & (size - 1)) &&
        !(pci_hole_start & (size - 1))) {
        env->mtrr_var[0].base = pci_hole_start | MTRR_TYPE_UC;
        env->mtrr_var[0].mask = (~(size - 1) & phys_mask) | MTRR_VALID;
    }
    env->mtrr_cap_def_type = MTRR_DEF_E | MTRR_DEF_FE | MTRR_TYPE_WB;
    if (current_accel() && current_accel()->put_state) {
        current_accel()->put_state(cpu);
    }
}
