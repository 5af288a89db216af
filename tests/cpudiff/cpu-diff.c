/*
 * cpu-diff: the software CPU against KVM, instruction sequence by
 * instruction sequence.
 *
 *   cpu-diff [--seed N] [--count N] [--verbose]
 *
 * Each snippet (gen.c) runs from the same random 64-bit state under KVM
 * (this host's /dev/kvm, a bare VM with no devices) and under the software
 * CPU; general registers, RIP, the defined arithmetic flags, CR2 and the
 * data and stack pages must match.  Exceptions land in per-vector stubs
 * that put the vector in R15 and halt, so faults are compared too.  A
 * snippet KVM refuses (its instruction emulator has gaps on some hosts:
 * KVM_EXIT_INTERNAL_ERROR) has no oracle and is counted, not judged.
 * Exit status: 0 all judged snippets match, 1 a mismatch, 77 no /dev/kvm.
 */
#include "qemu/osdep.h"
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/kvm.h>
#include "qapi/error.h"
#include "exec/memory.h"
#include "target/x86/tcg/tcg-cpu.h"
#include "cpudiff.h"

#define MEM_SIZE    (4 << 20)
#define GDT_ADDR    0x500
#define PML4_ADDR   0x1000
#define IDT_ADDR    0x4000
#define STUB_ADDR   0x5000
#define STUB_SIZE   8
#define CODE_ADDR   0x10000
#define DATA_ADDR   0x20000
#define STACK_ADDR  0x30000
#define STACK_TOP   (STACK_ADDR + 0x800)
#define NO_VECTOR   0xdead          /* R15 when no exception happened */
#define FLAGS_CMP   0xcd5           /* CF PF AF ZF SF OF DF */

typedef struct CpuState {
    uint64_t regs[16];
    uint64_t rip, rflags, cr2;
    uint8_t data[4096], stack[4096];
} CpuState;

static uint8_t image[MEM_SIZE];     /* the initial memory of every run */

/* ---- the shared guest environment ---- */

static void put64(uint64_t addr, uint64_t v)
{
    memcpy(image + addr, &v, 8);
}

static void build_image(void)
{
    /* GDT: null, 64-bit code (0x08), data (0x10) */
    put64(GDT_ADDR + 8, 0x00af9b000000ffffULL);
    put64(GDT_ADDR + 16, 0x00cf93000000ffffULL);
    /* identity map of the first 4 MiB with 2 MiB pages */
    put64(PML4_ADDR, (PML4_ADDR + 0x1000) | 3);
    put64(PML4_ADDR + 0x1000, (PML4_ADDR + 0x2000) | 3);
    put64(PML4_ADDR + 0x2000, 0x000083);
    put64(PML4_ADDR + 0x2008, 0x200083);
    /* IDT: 32 interrupt gates, vector v -> stub v: mov $v, %r15d; hlt */
    for (int v = 0; v < 32; v++) {
        uint64_t stub = STUB_ADDR + v * STUB_SIZE;
        uint8_t *p = image + stub;

        put64(IDT_ADDR + v * 16, (stub & 0xffff) | (0x08ULL << 16) |
              (0x8eULL << 40) | ((stub >> 16 & 0xffff) << 48));
        put64(IDT_ADDR + v * 16 + 8, stub >> 32);
        p[0] = 0x41;
        p[1] = 0xbf;
        p[2] = v;
        p[3] = p[4] = p[5] = 0;
        p[6] = 0xf4;
    }
}

static const uint64_t special_values[] = {
    0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
    0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
    0x7fffffffffffffffULL, 0x8000000000000000ULL, 0xffffffffffffffffULL,
};

static uint64_t rand_value(GRand *r)
{
    switch (g_rand_int_range(r, 0, 4)) {
    case 0:
        return special_values[g_rand_int_range(r, 0,
                                               G_N_ELEMENTS(special_values))];
    case 1:
        return g_rand_int_range(r, 0, 64);
    default:
        return (uint64_t)g_rand_int(r) << 32 | g_rand_int(r);
    }
}

/* A random initial state; the snippet's code is already in image[]. */
static void random_state(GRand *r, CpuState *st)
{
    memset(st, 0, sizeof(*st));
    for (int i = 0; i < 16; i++) {
        st->regs[i] = rand_value(r);
    }
    st->regs[R_EBX] = DATA_ADDR + g_rand_int_range(r, 0, 0x780);
    st->regs[R_ESI] = DATA_ADDR + 0x800 + g_rand_int_range(r, 0, 0x300);
    st->regs[R_EDI] = DATA_ADDR + 0x400 + g_rand_int_range(r, 0, 0x300);
    st->regs[R_ESP] = STACK_TOP;
    st->regs[15] = NO_VECTOR;
    st->rip = CODE_ADDR;
    st->rflags = 2 | (g_rand_int(r) & 0x8d5) |
                 (g_rand_int_range(r, 0, 4) == 0 ? 0x400 : 0);
    for (int i = 0; i < 4096; i++) {
        image[DATA_ADDR + i] = g_rand_int(r);
        image[STACK_ADDR + i] = g_rand_int(r);
    }
}

/* ---- KVM ---- */

typedef struct KvmVM {
    int sys, vm, vcpu;
    uint8_t *mem;
    struct kvm_run *run;
    struct kvm_sregs sregs;
} KvmVM;

static bool kvm_open_vm(KvmVM *k)
{
    struct kvm_userspace_memory_region region;
    struct kvm_cpuid2 *cpuid;
    int run_size;

    k->sys = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (k->sys < 0) {
        return false;
    }
    k->vm = ioctl(k->sys, KVM_CREATE_VM, 0);
    k->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (k->vm < 0 || k->mem == MAP_FAILED) {
        return false;
    }
    region = (struct kvm_userspace_memory_region) {
        .slot = 0, .guest_phys_addr = 0, .memory_size = MEM_SIZE,
        .userspace_addr = (uintptr_t)k->mem,
    };
    if (ioctl(k->vm, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
        return false;
    }
    ioctl(k->vm, KVM_SET_TSS_ADDR, 0xfffbd000);
    k->vcpu = ioctl(k->vm, KVM_CREATE_VCPU, 0);
    run_size = ioctl(k->sys, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (k->vcpu < 0 || run_size <= 0) {
        return false;
    }
    k->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
                  k->vcpu, 0);
    if (k->run == MAP_FAILED) {
        return false;
    }
    /* Long mode needs CPUID.LM in the guest's CPUID: pass the host's. */
    cpuid = g_malloc0(sizeof(*cpuid) + 256 * sizeof(cpuid->entries[0]));
    cpuid->nent = 256;
    if (ioctl(k->sys, KVM_GET_SUPPORTED_CPUID, cpuid) < 0 ||
        ioctl(k->vcpu, KVM_SET_CPUID2, cpuid) < 0) {
        g_free(cpuid);
        return false;
    }
    g_free(cpuid);
    memcpy(k->mem, image, MEM_SIZE);

    if (ioctl(k->vcpu, KVM_GET_SREGS, &k->sregs) < 0) {
        return false;
    }
    struct kvm_segment cs = {
        .base = 0, .limit = 0xffffffff, .selector = 8, .type = 11,
        .present = 1, .dpl = 0, .db = 0, .s = 1, .l = 1, .g = 1,
    };
    struct kvm_segment ds = {
        .base = 0, .limit = 0xffffffff, .selector = 16, .type = 3,
        .present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1,
    };
    k->sregs.cs = cs;
    k->sregs.ds = k->sregs.es = k->sregs.fs = k->sregs.gs = k->sregs.ss = ds;
    k->sregs.tr = (struct kvm_segment) {
        .base = 0, .limit = 0x67, .selector = 0, .type = 11, .present = 1,
    };
    k->sregs.gdt.base = GDT_ADDR;
    k->sregs.gdt.limit = 23;
    k->sregs.idt.base = IDT_ADDR;
    k->sregs.idt.limit = 32 * 16 - 1;
    k->sregs.cr0 = 0x80050033;      /* PG WP NE ET MP PE */
    k->sregs.cr3 = PML4_ADDR;
    k->sregs.cr4 = 0x620;           /* PAE OSFXSR OSXMMEXCPT */
    k->sregs.efer = 0x500;          /* LME LMA */
    return true;
}

static void copy_pages(uint8_t *mem)
{
    memcpy(mem + CODE_ADDR, image + CODE_ADDR, 4096);
    memcpy(mem + DATA_ADDR, image + DATA_ADDR, 4096);
    memcpy(mem + STACK_ADDR, image + STACK_ADDR, 4096);
}

/* 1: ran to HLT, 0: KVM refused (no oracle), -1: unexpected exit. */
static int kvm_run_snippet(KvmVM *k, const CpuState *in, CpuState *out)
{
    struct kvm_regs regs = { 0 };
    struct kvm_sregs sregs = k->sregs;

    copy_pages(k->mem);
    regs.rax = in->regs[R_EAX];
    regs.rcx = in->regs[R_ECX];
    regs.rdx = in->regs[R_EDX];
    regs.rbx = in->regs[R_EBX];
    regs.rsp = in->regs[R_ESP];
    regs.rbp = in->regs[R_EBP];
    regs.rsi = in->regs[R_ESI];
    regs.rdi = in->regs[R_EDI];
    memcpy(&regs.r8, &in->regs[8], 8 * sizeof(uint64_t));
    regs.rip = in->rip;
    regs.rflags = in->rflags;
    if (ioctl(k->vcpu, KVM_SET_SREGS, &sregs) < 0 ||
        ioctl(k->vcpu, KVM_SET_REGS, &regs) < 0) {
        return -1;
    }
    for (;;) {
        if (ioctl(k->vcpu, KVM_RUN, 0) < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        if (k->run->exit_reason == KVM_EXIT_HLT) {
            break;
        }
        if (k->run->exit_reason == KVM_EXIT_INTERNAL_ERROR) {
            return 0;
        }
        return -1;
    }
    if (ioctl(k->vcpu, KVM_GET_REGS, &regs) < 0 ||
        ioctl(k->vcpu, KVM_GET_SREGS, &sregs) < 0) {
        return -1;
    }
    out->regs[R_EAX] = regs.rax;
    out->regs[R_ECX] = regs.rcx;
    out->regs[R_EDX] = regs.rdx;
    out->regs[R_EBX] = regs.rbx;
    out->regs[R_ESP] = regs.rsp;
    out->regs[R_EBP] = regs.rbp;
    out->regs[R_ESI] = regs.rsi;
    out->regs[R_EDI] = regs.rdi;
    memcpy(&out->regs[8], &regs.r8, 8 * sizeof(uint64_t));
    out->rip = regs.rip;
    out->rflags = regs.rflags;
    out->cr2 = sregs.cr2;
    memcpy(out->data, k->mem + DATA_ADDR, 4096);
    memcpy(out->stack, k->mem + STACK_ADDR, 4096);
    return 1;
}

/* ---- the software CPU ---- */

static MemoryRegion tcg_ram;
static uint8_t *tcg_mem;
static X86CPU *tcg_cpu;

static void tcg_init(void)
{
    memory_system_init();
    memory_region_init_ram(&tcg_ram, NULL, "ram", MEM_SIZE, &error_abort);
    memory_region_add_subregion(get_system_memory(), 0, &tcg_ram);
    tcg_mem = memory_region_get_ram_ptr(&tcg_ram);
    memcpy(tcg_mem, image, MEM_SIZE);
    tcg_cpu = g_new0(X86CPU, 1);
    tcg_cpu->model = *x86_cpu_model_find("qemu64");
    tcg_cpu->accel = x86_tcg_new(tcg_cpu);
}

static void set_seg(SegmentCache *sc, uint32_t sel, uint64_t desc)
{
    sc->selector = sel;
    sc->base = 0;
    sc->limit = 0xffffffff;
    sc->flags = (desc >> 32) & 0x00f0ff00;
}

static int tcg_run_snippet(const CpuState *in, CpuState *out)
{
    CPUX86State *env = &tcg_cpu->env;
    int r;

    copy_pages(tcg_mem);
    /* New code bytes behind the software CPU's back: drop decoded blocks. */
    x86_tcg_memory_changed();
    x86_tcg_check_memory_changed();
    memset(env, 0, sizeof(*env));
    memcpy(env->regs, in->regs, sizeof(in->regs));
    env->rip = in->rip;
    env->eflags = in->rflags;
    set_seg(&env->segs[R_CS], 8, 0x00af9b000000ffffULL);
    for (int i = 0; i < 6; i++) {
        if (i != R_CS) {
            set_seg(&env->segs[i], 16, 0x00cf93000000ffffULL);
        }
    }
    env->tr.limit = 0x67;
    env->tr.flags = DESC_P_MASK | (11 << DESC_TYPE_SHIFT);
    env->gdt.base = GDT_ADDR;
    env->gdt.limit = 23;
    env->idt.base = IDT_ADDR;
    env->idt.limit = 32 * 16 - 1;
    env->cr[0] = 0x80050033;
    env->cr[3] = PML4_ADDR;
    env->cr[4] = 0x620;
    env->efer = 0x500;
    env->mxcsr = 0x1f80;
    r = tcg_x86_exec_for_test(tcg_cpu, 1000);
    memcpy(out->regs, env->regs, sizeof(out->regs));
    out->rip = env->rip;
    out->rflags = env->eflags;
    out->cr2 = env->cr[2];
    memcpy(out->data, tcg_mem + DATA_ADDR, 4096);
    memcpy(out->stack, tcg_mem + STACK_ADDR, 4096);
    return r == TCG_EXIT_HALTED ? 1 : -1;
}

/* ---- comparison and reports ---- */

static const char *const reg_names[16] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

/* Vectors that push an error code (64-bit frames). */
static bool has_error_code(uint64_t vec)
{
    return vec == 8 || (vec >= 10 && vec <= 14) || vec == 17;
}

/*
 * An exception frame holds RFLAGS, whose undefined bits may differ: mask
 * them in the stack copies before comparing.
 */
static void mask_frame_flags(CpuState *st, uint32_t undef)
{
    uint64_t vec = st->regs[15], slot, v;

    if (vec >= 32) {
        return;
    }
    slot = st->regs[R_ESP] + (has_error_code(vec) ? 8 : 0) + 16;
    if (slot < STACK_ADDR || slot + 8 > STACK_ADDR + 4096) {
        return;
    }
    memcpy(&v, st->stack + (slot - STACK_ADDR), 8);
    v &= ~(uint64_t)undef;
    memcpy(st->stack + (slot - STACK_ADDR), &v, 8);
}

static bool same(CpuState *a, CpuState *b, uint32_t undef, GString *why)
{
    uint64_t fmask = FLAGS_CMP & ~undef;

    for (int i = 0; i < 16; i++) {
        if (a->regs[i] != b->regs[i]) {
            g_string_append_printf(why, "  %-6s kvm %016" PRIx64 "  tcg %016"
                                   PRIx64 "\n", reg_names[i], a->regs[i],
                                   b->regs[i]);
        }
    }
    if (a->rip != b->rip) {
        g_string_append_printf(why, "  rip    kvm %016" PRIx64 "  tcg %016"
                               PRIx64 "\n", a->rip, b->rip);
    }
    if ((a->rflags & fmask) != (b->rflags & fmask)) {
        g_string_append_printf(why, "  rflags kvm %08" PRIx64 "  tcg %08"
                               PRIx64 " (compared bits %03" PRIx64 ")\n",
                               a->rflags, b->rflags, fmask);
    }
    if (a->regs[15] == 14 && a->cr2 != b->cr2) {
        g_string_append_printf(why, "  cr2    kvm %016" PRIx64 "  tcg %016"
                               PRIx64 "\n", a->cr2, b->cr2);
    }
    if (a->regs[R_ESP] == b->regs[R_ESP] && a->regs[15] == b->regs[15]) {
        mask_frame_flags(a, undef);
        mask_frame_flags(b, undef);
    }
    for (int i = 0; i < 4096; i++) {
        if (a->data[i] != b->data[i]) {
            g_string_append_printf(why, "  data[0x%x] kvm %02x  tcg %02x\n",
                                   DATA_ADDR + i, a->data[i], b->data[i]);
            break;
        }
    }
    for (int i = 0; i < 4096; i++) {
        if (a->stack[i] != b->stack[i]) {
            g_string_append_printf(why, "  stack[0x%x] kvm %02x  tcg %02x\n",
                                   STACK_ADDR + i, a->stack[i], b->stack[i]);
            break;
        }
    }
    return why->len == 0;
}

static void print_disassembly(const uint8_t *code, size_t len)
{
    g_autofree char *path = NULL;
    g_autofree char *cmd = NULL;
    int fd = g_file_open_tmp("cpu-diff-XXXXXX.bin", &path, NULL);

    if (fd < 0) {
        return;
    }
    if (write(fd, code, len) != (ssize_t)len) {
        close(fd);
        return;
    }
    close(fd);
    cmd = g_strdup_printf("objdump -D -b binary -m i386:x86-64 "
                          "--adjust-vma=0x%x %s | tail -n +8", CODE_ADDR, path);
    fflush(stdout);
    if (system(cmd) != 0) {
        printf("  (objdump failed)\n");
    }
    unlink(path);
}

static void print_state(const char *name, const CpuState *st)
{
    printf("  %s:", name);
    for (int i = 0; i < 16; i++) {
        printf("%s %s=%" PRIx64, i % 4 ? "" : "\n   ", reg_names[i],
               st->regs[i]);
    }
    printf("\n    rip=%" PRIx64 " rflags=%" PRIx64 "\n", st->rip, st->rflags);
}

int main(int argc, char **argv)
{
    guint64 seed = 1, count = 1000;
    gboolean verbose = FALSE;
    GOptionEntry entries[] = {
        { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "first seed", "N" },
        { "count", 'n', 0, G_OPTION_ARG_INT64, &count, "snippets", "N" },
        { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "list all", NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
    g_autoptr(GError) gerr = NULL;
    KvmVM kvm;
    uint64_t judged = 0, refused = 0, bad = 0, faults = 0;

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &gerr)) {
        fprintf(stderr, "cpu-diff: %s\n", gerr->message);
        return 2;
    }
    if (access("/dev/kvm", R_OK | W_OK) != 0) {
        printf("SKIP: /dev/kvm is not present or not accessible; the "
               "differential checker needs KVM as its oracle\n");
        return 77;
    }
    build_image();
    if (!kvm_open_vm(&kvm)) {
        printf("SKIP: cannot set up a KVM VM here (%s)\n", strerror(errno));
        return 77;
    }
    tcg_init();

    for (uint64_t n = 0; n < count; n++) {
        g_autoptr(GRand) r = g_rand_new_with_seed(seed + n);
        g_autoptr(GString) why = g_string_new(NULL);
        CpuState in, kout, tout;
        uint8_t code[CPUDIFF_MAX_BYTES];
        uint32_t undef, any_undef;
        size_t len = cpudiff_gen(r, code, &undef, &any_undef);
        int kr, tr;

        memset(image + CODE_ADDR, 0xf4, 4096);
        memcpy(image + CODE_ADDR, code, len);
        random_state(r, &in);
        memset(&kout, 0, sizeof(kout));
        memset(&tout, 0, sizeof(tout));
        kr = kvm_run_snippet(&kvm, &in, &kout);
        if (kr == 0) {
            refused++;
            continue;
        }
        tr = tcg_run_snippet(&in, &tout);
        if (kr < 0) {
            g_string_append_printf(why, "  KVM stopped with exit reason %u\n",
                                   kvm.run->exit_reason);
        } else if (tr < 0) {
            g_string_append(why, "  the software CPU did not reach HLT\n");
        }
        judged++;
        if (kout.regs[15] < 32) {
            faults++;
            undef = any_undef;      /* stopped part-way */
        }
        if (why->len == 0 && same(&kout, &tout, undef, why)) {
            if (verbose) {
                printf("seed %" PRIu64 ": ok\n", seed + n);
            }
            continue;
        }
        bad++;
        printf("MISMATCH seed %" PRIu64 " (cpu-diff --seed %" PRIu64
               " --count 1):\n%s", seed + n, seed + n, why->str);
        printf("  bytes:");
        for (size_t i = 0; i < len; i++) {
            printf(" %02x", code[i]);
        }
        printf("\n");
        print_disassembly(code, len);
        print_state("initial", &in);
        print_state("kvm", &kout);
        print_state("tcg", &tout);
        if (bad >= 20) {
            printf("stopping after 20 mismatches\n");
            break;
        }
    }
    printf("cpu-diff: seeds %" PRIu64 "..%" PRIu64 ": %" PRIu64
           " compared (%" PRIu64 " ending in an exception), %" PRIu64
           " mismatches, %" PRIu64 " refused by KVM (no oracle)\n",
           seed, seed + count - 1, judged, faults, bad, refused);
    return bad ? 1 : 0;
}
