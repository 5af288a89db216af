/*
 * The KVM accelerator (Linux Documentation/virt/kvm/api.rst): one VM with
 * an in-kernel irqchip (PIC, IOAPIC, LAPICs) and PIT, memory slots kept in
 * step with the RAM ranges of the system flat view, and one thread per vCPU
 * running KVM_RUN without the BQL.  Port and MMIO exits are dispatched
 * through the address spaces under the BQL.  A kick is a signal whose
 * handler sets kvm_run->immediate_exit, so a kick between the check and
 * KVM_RUN is never lost.
 */
#include "qemu/osdep.h"
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <signal.h>
#include <pthread.h>
#include "accel/accel.h"
#include "exec/memory.h"
#include "hw/boards.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "system/cpus.h"
#include "system/runstate.h"
#include "target/x86/kvm/kvm-x86.h"

#define KVM_DEV_PATH        "/dev/kvm"
#define KVM_MAX_SLOTS       512
#define KVM_SIG_KICK        SIGUSR1
/* Where QEMU puts the VMX real-mode helpers: just below the BIOS. */
#define KVM_IDENTITY_MAP_ADDR 0xfeffc000ULL
#define KVM_TSS_ADDR          0xfeffd000ULL

typedef struct KVMSlot {
    bool used;
    uint64_t gpa, size;
    void *host;
    bool readonly;
} KVMSlot;

typedef struct KVMState {
    int fd;                 /* /dev/kvm */
    int vm_fd;
    int run_size;           /* KVM_GET_VCPU_MMAP_SIZE */
    bool readonly_mem;
    int nr_slots;
    KVMSlot slots[KVM_MAX_SLOTS];
    MemoryListener listener;
    struct kvm_cpuid2 *supported_cpuid;
} KVMState;

typedef struct KVMVCPU {
    X86CPU *cpu;
    int fd;
    struct kvm_run *run;
    pthread_t thread;
    bool dirty;             /* cpu->env newer than the kernel's copy */
    bool wait_reset;        /* shut down / failed: wait for system reset */
    bool nmi_pending;       /* inject-nmi: KVM_NMI before the next KVM_RUN */
} KVMVCPU;

static KVMState kvm_state = { .fd = -1, .vm_fd = -1 };
static __thread struct kvm_run *kvm_thread_run;

/* ---- memory slots ---- */

static int kvm_set_slot(int id, KVMSlot *s)
{
    struct kvm_userspace_memory_region r = {
        .slot = id,
        .flags = s->readonly ? KVM_MEM_READONLY : 0,
        .guest_phys_addr = s->gpa,
        .memory_size = s->used ? s->size : 0,
        .userspace_addr = (uintptr_t)s->host,
    };

    if (ioctl(kvm_state.vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0) {
        error_report("kvm_set_user_memory_region: KVM_SET_USER_MEMORY_REGION "
                     "failed, slot=%d, start=0x%" PRIx64 ", size=0x%" PRIx64
                     ": %s", id, s->gpa, s->size, strerror(errno));
        return -errno;
    }
    return 0;
}

/* Page-align a section the way KVM requires; false if nothing is left. */
static bool kvm_section_range(MemoryRegionSection *sec, uint64_t *gpa,
                              uint64_t *size, uint8_t **host)
{
    uint64_t page = getpagesize();
    uint64_t start = sec->offset_within_address_space;
    uint64_t end = start + sec->size;
    uint64_t astart = QEMU_ALIGN_UP(start, page);
    uint64_t aend = QEMU_ALIGN_DOWN(end, page);
    uint8_t *ptr;

    if (!memory_region_is_ram(sec->mr) || aend <= astart) {
        return false;
    }
    ptr = memory_region_get_ram_ptr(sec->mr);
    if (!ptr) {
        return false;
    }
    *gpa = astart;
    *size = aend - astart;
    *host = ptr + sec->offset_within_region + (astart - start);
    return true;
}

static void kvm_region_add(MemoryListener *l, MemoryRegionSection *sec)
{
    uint64_t gpa, size;
    uint8_t *host;
    int i;

    if (!kvm_section_range(sec, &gpa, &size, &host)) {
        return;
    }
    for (i = 0; i < kvm_state.nr_slots; i++) {
        KVMSlot *s = &kvm_state.slots[i];

        if (!s->used) {
            s->used = true;
            s->gpa = gpa;
            s->size = size;
            s->host = host;
            /* Without KVM_CAP_READONLY_MEM, ROM is mapped writable (as QEMU). */
            s->readonly = sec->readonly && kvm_state.readonly_mem;
            if (kvm_set_slot(i, s) < 0) {
                s->used = false;
            }
            return;
        }
    }
    error_report("kvm: no free memory slot for 0x%" PRIx64 "+0x%" PRIx64,
                 gpa, size);
}

static void kvm_region_del(MemoryListener *l, MemoryRegionSection *sec)
{
    uint64_t gpa, size;
    uint8_t *host;
    int i;

    if (!kvm_section_range(sec, &gpa, &size, &host)) {
        return;
    }
    for (i = 0; i < kvm_state.nr_slots; i++) {
        KVMSlot *s = &kvm_state.slots[i];

        if (s->used && s->gpa == gpa && s->size == size) {
            s->used = false;
            kvm_set_slot(i, s);
            return;
        }
    }
}

/* ---- VM ---- */

static int kvm_check_extension(int cap)
{
    int r = ioctl(kvm_state.fd, KVM_CHECK_EXTENSION, cap);
    return r < 0 ? 0 : r;
}

static void kvm_kick_handler(int sig)
{
    if (kvm_thread_run) {
        kvm_thread_run->immediate_exit = 1;
    }
}

static void kvm_cleanup(void)
{
    if (kvm_state.vm_fd >= 0) {
        close(kvm_state.vm_fd);
        kvm_state.vm_fd = -1;
    }
    if (kvm_state.fd >= 0) {
        close(kvm_state.fd);
        kvm_state.fd = -1;
    }
    g_free(kvm_state.supported_cpuid);
    kvm_state.supported_cpuid = NULL;
}

static bool kvm_init_machine(MachineState *ms, QemuOpts *opts, Error **errp)
{
    struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
    uint64_t identity = KVM_IDENTITY_MAP_ADDR;
    struct sigaction sa = { .sa_handler = kvm_kick_handler };
    int ret;

    kvm_state.fd = open(KVM_DEV_PATH, O_RDWR | O_CLOEXEC);
    if (kvm_state.fd < 0) {
        int err = errno;

        /* QEMU prints this first line bare, then the accel error. */
        fprintf(stderr, "Could not access KVM kernel module: %s\n",
                strerror(err));
        error_setg(errp, "failed to initialize kvm: %s", strerror(err));
        return false;
    }
    ret = ioctl(kvm_state.fd, KVM_GET_API_VERSION, 0);
    if (ret != KVM_API_VERSION) {
        fprintf(stderr, "kvm version too old\n");
        error_setg(errp, "failed to initialize kvm: %s",
                   strerror(ret < 0 ? errno : EINVAL));
        kvm_cleanup();
        return false;
    }
    if (!kvm_check_extension(KVM_CAP_IMMEDIATE_EXIT) ||
        !kvm_check_extension(KVM_CAP_IRQCHIP) ||
        !kvm_check_extension(KVM_CAP_PIT2)) {
        error_setg(errp, "failed to initialize kvm: %s", strerror(ENOSYS));
        kvm_cleanup();
        return false;
    }
    do {
        kvm_state.vm_fd = ioctl(kvm_state.fd, KVM_CREATE_VM, 0);
    } while (kvm_state.vm_fd < 0 && errno == EINTR);
    if (kvm_state.vm_fd < 0) {
        int err = errno;
        fprintf(stderr, "ioctl(KVM_CREATE_VM) failed: %d %s\n", err,
                strerror(err));
        error_setg(errp, "failed to initialize kvm: %s", strerror(err));
        kvm_cleanup();
        return false;
    }
    kvm_state.run_size = ioctl(kvm_state.fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    kvm_state.nr_slots = kvm_check_extension(KVM_CAP_NR_MEMSLOTS);
    if (kvm_state.nr_slots <= 0 || kvm_state.nr_slots > KVM_MAX_SLOTS) {
        kvm_state.nr_slots = kvm_state.nr_slots <= 0 ? 32 : KVM_MAX_SLOTS;
    }
    kvm_state.readonly_mem = kvm_check_extension(KVM_CAP_READONLY_MEM) > 0;

    /* Intel VMX needs these pages for real mode; harmless on AMD. */
    if (ioctl(kvm_state.vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &identity) < 0 ||
        ioctl(kvm_state.vm_fd, KVM_SET_TSS_ADDR,
              (unsigned long)KVM_TSS_ADDR) < 0) {
        error_setg_errno(errp, errno, "failed to initialize kvm");
        kvm_cleanup();
        return false;
    }
    if (ioctl(kvm_state.vm_fd, KVM_CREATE_IRQCHIP, 0) < 0) {
        error_setg_errno(errp, errno, "Create kernel irqchip failed");
        kvm_cleanup();
        return false;
    }
    if (ioctl(kvm_state.vm_fd, KVM_CREATE_PIT2, &pit) < 0) {
        error_setg_errno(errp, errno, "Create kernel PIT controller failed");
        kvm_cleanup();
        return false;
    }
    kvm_state.supported_cpuid = kvm_x86_get_supported_cpuid(kvm_state.fd,
                                                            errp);
    if (!kvm_state.supported_cpuid) {
        kvm_cleanup();
        return false;
    }
    sigemptyset(&sa.sa_mask);
    sigaction(KVM_SIG_KICK, &sa, NULL);

    kvm_state.listener = (MemoryListener) {
        .region_add = kvm_region_add,
        .region_del = kvm_region_del,
        .name = "kvm-memory",
    };
    memory_listener_register(&kvm_state.listener, &address_space_memory);
    return true;
}

static bool kvm_irqchip_in_kernel(void)
{
    return kvm_state.vm_fd >= 0;
}

static void kvm_set_irq(int gsi, int level)
{
    struct kvm_irq_level irq = { .irq = gsi, .level = level };

    if (ioctl(kvm_state.vm_fd, KVM_IRQ_LINE, &irq) < 0) {
        error_report("kvm: KVM_IRQ_LINE %d failed: %s", gsi, strerror(errno));
    }
}

static void kvm_send_msi(uint64_t addr, uint32_t data)
{
    struct kvm_msi msi = {
        .address_lo = (uint32_t)addr,
        .address_hi = addr >> 32,
        .data = data,
    };

    if (ioctl(kvm_state.vm_fd, KVM_SIGNAL_MSI, &msi) < 0) {
        error_report("kvm: KVM_SIGNAL_MSI failed: %s", strerror(errno));
    }
}

static void kvm_filter_cpu_model(X86CPUModel *m, bool quiet)
{
    if (kvm_state.supported_cpuid) {
        kvm_x86_filter_model(m, kvm_state.supported_cpuid, quiet);
    }
}

/* ---- vCPU thread ---- */

static void kvm_put_state_locked(KVMVCPU *v)
{
    Error *err = NULL;

    if (!kvm_x86_put_registers(v->cpu, v->fd, &err)) {
        error_report_err(err);
    }
    v->dirty = false;
    v->wait_reset = false;
}

static void kvm_kick(X86CPU *cpu);

static void kvm_handle_io(KVMVCPU *v)
{
    struct kvm_run *run = v->run;
    uint8_t *data = (uint8_t *)run + run->io.data_offset;
    uint32_t i;

    for (i = 0; i < run->io.count; i++, data += run->io.size) {
        uint16_t port = run->io.port;
        uint32_t val;

        if (run->io.direction == KVM_EXIT_IO_OUT) {
            switch (run->io.size) {
            case 1: cpu_outb(port, data[0]); break;
            case 2: memcpy(&val, data, 2); cpu_outw(port, val); break;
            default: memcpy(&val, data, 4); cpu_outl(port, val); break;
            }
        } else {
            switch (run->io.size) {
            case 1: data[0] = cpu_inb(port); break;
            case 2: val = cpu_inw(port); memcpy(data, &val, 2); break;
            default: val = cpu_inl(port); memcpy(data, &val, 4); break;
            }
        }
    }
}

/*
 * KVM gave up on the guest (on some hosts its instruction emulator refuses
 * opcodes such as IRET or DAA).  Report it in QEMU's words and register
 * dump, then pause the VM in the "internal-error" state, as QEMU does, so
 * that the monitor can still look at it.
 */
static void kvm_get_state(X86CPU *cpu);

static void kvm_report_internal_error(KVMVCPU *v)
{
    struct kvm_run *run = v->run;
    g_autoptr(GString) dump = g_string_new(NULL);
    uint32_t i;

    fprintf(stderr, "KVM internal error. Suberror: %d\n",
            run->internal.suberror);
    for (i = 0; i < run->internal.ndata && i < G_N_ELEMENTS(run->internal.data);
         i++) {
        fprintf(stderr, "extra data[%u]: 0x%016" PRIx64 "\n", i,
                (uint64_t)run->internal.data[i]);
    }
    if (run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION) {
        fprintf(stderr, "emulation failure\n");
    }
    kvm_get_state(v->cpu);
    x86_cpu_dump_state(v->cpu, dump, CPU_DUMP_CODE);
    fputs(dump->str, stderr);
    /* Only a system reset gives this vCPU something it can run again. */
    v->wait_reset = true;
    qemu_system_vmstop_request(RUN_STATE_INTERNAL_ERROR);
}

/* Handle one exit with the BQL held. */
static void kvm_handle_exit(KVMVCPU *v)
{
    struct kvm_run *run = v->run;

    switch (run->exit_reason) {
    case KVM_EXIT_IO:
        kvm_handle_io(v);
        break;
    case KVM_EXIT_MMIO:
        address_space_rw(&address_space_memory, run->mmio.phys_addr,
                         run->mmio.data, run->mmio.len, run->mmio.is_write);
        break;
    case KVM_EXIT_HLT:
        /* Only without an in-kernel LAPIC; sleep until an interrupt. */
        v->cpu->env.halted = true;
        cpu_thread_sleep(-1);
        break;
    case KVM_EXIT_SHUTDOWN:
        /* Triple fault: the PC resets, as on hardware. */
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        v->wait_reset = true;
        break;
    case KVM_EXIT_SYSTEM_EVENT:
        if (run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN) {
            qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
        } else if (run->system_event.type == KVM_SYSTEM_EVENT_RESET) {
            qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        } else {
            qemu_system_guest_panicked();
        }
        v->wait_reset = true;
        break;
    case KVM_EXIT_FAIL_ENTRY:
        error_report("KVM: entry failed, hardware error 0x%" PRIx64,
                     (uint64_t)run->fail_entry.hardware_entry_failure_reason);
        qemu_system_guest_panicked();
        v->wait_reset = true;
        break;
    case KVM_EXIT_INTERNAL_ERROR:
        kvm_report_internal_error(v);
        break;
    case KVM_EXIT_INTR:
    case KVM_EXIT_IRQ_WINDOW_OPEN:
        break;
    default:
        error_report("KVM: unhandled exit reason %d", run->exit_reason);
        qemu_system_guest_panicked();
        v->wait_reset = true;
        break;
    }
}

/*
 * inject-nmi with the in-kernel LAPIC: like a pin wired to LINT1, an NMI
 * only when the guest programmed LINT1 for NMI delivery and left it
 * unmasked (Linux: the BSP's).  vCPU ioctls belong to the vCPU's thread.
 */
static void kvm_deliver_lint1_nmi(KVMVCPU *v)
{
    struct kvm_lapic_state lapic;
    uint32_t lvt;

    if (ioctl(v->fd, KVM_GET_LAPIC, &lapic) < 0) {
        return;
    }
    memcpy(&lvt, &lapic.regs[0x360], sizeof(lvt));
    if (!(lvt & (1u << 16)) && ((lvt >> 8) & 7) == 4 &&
        ioctl(v->fd, KVM_NMI) < 0) {
        error_report("kvm: injecting an NMI failed: %s", strerror(errno));
    }
}

static void kvm_inject_nmi(X86CPU *cpu)
{
    KVMVCPU *v = cpu->accel;

    if (v) {
        v->nmi_pending = true;
        kvm_kick(cpu);
    }
}

static bool kvm_get_lapic_regs(X86CPU *cpu, uint32_t regs[64])
{
    KVMVCPU *v = cpu->accel;
    struct kvm_lapic_state lapic;

    if (!v || ioctl(v->fd, KVM_GET_LAPIC, &lapic) < 0) {
        return false;
    }
    for (int i = 0; i < 64; i++) {
        memcpy(&regs[i], &lapic.regs[i * 16], sizeof(regs[i]));
    }
    return true;
}

static void *kvm_vcpu_thread(void *opaque)
{
    KVMVCPU *v = opaque;
    X86CPU *cpu = v->cpu;
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, KVM_SIG_KICK);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    kvm_thread_run = v->run;

    bql_lock();
    cpu->thread_id = syscall(SYS_gettid);
    cpu->created = true;
    while (!cpu->unplug) {
        int ret, err;

        if (!cpu_can_run(cpu)) {
            cpu_thread_handle_stop(cpu);
            continue;
        }
        if (v->wait_reset) {
            /* Nothing useful to run until the system reset puts new state. */
            cpu_thread_sleep(10 * 1000 * 1000);
            continue;
        }
        if (v->dirty) {
            kvm_put_state_locked(v);
        }
        if (v->nmi_pending) {
            v->nmi_pending = false;
            kvm_deliver_lint1_nmi(v);
        }
        current_cpu = cpu;
        bql_unlock();
        if (__atomic_exchange_n(&cpu->exit_request, 0, __ATOMIC_SEQ_CST)) {
            v->run->immediate_exit = 1;
        }
        ret = ioctl(v->fd, KVM_RUN, 0);
        err = errno;
        v->run->immediate_exit = 0;
        bql_lock();
        current_cpu = NULL;
        if (ret < 0) {
            if (err == EINTR || err == EAGAIN) {
                continue;
            }
            error_report("error: kvm run failed %s", strerror(err));
            qemu_system_guest_panicked();
            v->wait_reset = true;
            continue;
        }
        kvm_handle_exit(v);
    }
    bql_unlock();
    return NULL;
}

static bool kvm_create_vcpu(X86CPU *cpu, Error **errp)
{
    KVMVCPU *v = g_new0(KVMVCPU, 1);
    sigset_t block, old;
    int ret;

    v->cpu = cpu;
    v->fd = ioctl(kvm_state.vm_fd, KVM_CREATE_VCPU,
                  (unsigned long)cpu->apic_id);
    if (v->fd < 0) {
        error_setg_errno(errp, errno, "kvm_init_vcpu: kvm_get_vcpu failed "
                         "(%u)", cpu->apic_id);
        g_free(v);
        return false;
    }
    v->run = mmap(NULL, kvm_state.run_size, PROT_READ | PROT_WRITE,
                  MAP_SHARED, v->fd, 0);
    if (v->run == MAP_FAILED) {
        error_setg_errno(errp, errno, "mmap'ing vcpu state failed");
        close(v->fd);
        g_free(v);
        return false;
    }
    if (!kvm_x86_set_cpuid(cpu, v->fd, kvm_state.supported_cpuid, errp)) {
        munmap(v->run, kvm_state.run_size);
        close(v->fd);
        g_free(v);
        return false;
    }
    v->dirty = true;
    cpu->accel = v;

    /* The thread starts with the kick signal blocked until it is ready. */
    sigemptyset(&block);
    sigaddset(&block, KVM_SIG_KICK);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    ret = pthread_create(&v->thread, NULL, kvm_vcpu_thread, v);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (ret != 0) {
        error_setg_errno(errp, ret, "failed to create the vCPU thread");
        cpu->accel = NULL;
        munmap(v->run, kvm_state.run_size);
        close(v->fd);
        g_free(v);
        return false;
    }
    return true;
}

static void kvm_kick(X86CPU *cpu)
{
    KVMVCPU *v = cpu->accel;

    __atomic_store_n(&cpu->exit_request, 1, __ATOMIC_SEQ_CST);
    if (v && !pthread_equal(v->thread, pthread_self())) {
        pthread_kill(v->thread, KVM_SIG_KICK);
    }
}

static void kvm_get_state(X86CPU *cpu)
{
    KVMVCPU *v = cpu->accel;
    Error *err = NULL;

    if (!v || v->dirty) {
        return;     /* env already holds the newest state */
    }
    if (!kvm_x86_get_registers(cpu, v->fd, &err)) {
        error_report_err(err);
    }
}

/* New env contents (reset, loader, monitor): loaded before the next KVM_RUN. */
static void kvm_put_state(X86CPU *cpu)
{
    KVMVCPU *v = cpu->accel;

    if (v) {
        v->dirty = true;
        v->wait_reset = false;
    }
}

static void kvm_destroy(void)
{
    if (kvm_state.vm_fd >= 0) {
        memory_listener_unregister(&kvm_state.listener);
    }
    kvm_cleanup();
}

static const AccelOps kvm_accel_ops = {
    .name = "kvm",
    .init_machine = kvm_init_machine,
    .irqchip_in_kernel = kvm_irqchip_in_kernel,
    .set_irq = kvm_set_irq,
    .send_msi = kvm_send_msi,
    .create_vcpu = kvm_create_vcpu,
    .kick = kvm_kick,
    .get_state = kvm_get_state,
    .put_state = kvm_put_state,
    .filter_cpu_model = kvm_filter_cpu_model,
    .destroy = kvm_destroy,
    .inject_nmi = kvm_inject_nmi,
    .get_lapic_regs = kvm_get_lapic_regs,
};

static void __attribute__((constructor)) kvm_accel_register(void)
{
    accel_register(&kvm_accel_ops);
}
