/*
 * QMP commands about the VM as a whole: run state (query-status, stop,
 * cont, system_reset, system_powerdown, quit), identity (query-name,
 * query-uuid, query-target, query-version), CPUs and machines
 * (query-cpus-fast, query-hotpluggable-cpus, query-machines,
 * query-current-machine, query-memory-size-summary), query-iothreads;
 * and the run-state events STOP, RESUME, RESET, SHUTDOWN, GUEST_PANICKED.
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "qapi/qapi-events.h"
#include "system/runstate.h"
#include "system/cpus.h"
#include "system/system.h"
#include "hw/boards.h"
#include "target/x86/cpu.h"

/* ---- run state ---- */

StatusInfo *qmp_query_status(Error **errp)
{
    StatusInfo *info = g_new0(StatusInfo, 1);

    info->running = runstate_is_running();
    info->singlestep = false;
    info->status = runstate_get();
    return info;
}

void qmp_stop(Error **errp)
{
    /* QEMU leaves a VM that is not running (e.g. prelaunch) alone. */
    if (runstate_is_running()) {
        vm_stop(RUN_STATE_PAUSED);
    }
}

void qmp_cont(Error **errp)
{
    RunState state = runstate_get();

    if (state == RUN_STATE_INTERNAL_ERROR || state == RUN_STATE_SHUTDOWN) {
        error_setg(errp, "Resetting the Virtual Machine is required");
        return;
    }
    if (state == RUN_STATE_SUSPENDED) {
        return;
    }
    if (state == RUN_STATE_FINISH_MIGRATE) {
        error_setg(errp, "Migration is not finalized yet");
        return;
    }
    vm_start();
}

void qmp_system_reset(Error **errp)
{
    if (current_machine && current_machine->no_reboot) {
        /* -no-reboot: the main loop shuts down instead. */
        qemu_system_reset_request(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
        return;
    }
    /*
     * Reset now, as the main loop would, so that the RESET event precedes
     * the reply as in QEMU's transcripts.
     */
    pause_all_vcpus();
    qemu_system_reset(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
    resume_all_vcpus();
    if (!runstate_is_running()) {
        runstate_set(RUN_STATE_PRELAUNCH);
    }
}

void qmp_system_powerdown(Error **errp)
{
    /* At once, as QEMU: the POWERDOWN event comes before the reply. */
    qemu_system_powerdown();
}

void qmp_quit(Error **errp)
{
    /*
     * QEMU sends SHUTDOWN before the reply, then exits: emit it here and
     * ask for a plain exit, so the main loop does not send it again.
     */
    qapi_event_send_shutdown(false, SHUTDOWN_CAUSE_HOST_QMP_QUIT);
    qemu_system_exit_request(0);
}

/* ---- identity ---- */

NameInfo *qmp_query_name(Error **errp)
{
    NameInfo *info = g_new0(NameInfo, 1);

    if (qemu_name) {
        info->has_name = true;
        info->name = g_strdup(qemu_name);
    }
    return info;
}

UuidInfo *qmp_query_uuid(Error **errp)
{
    UuidInfo *info = g_new0(UuidInfo, 1);

    info->UUID = g_strdup(qemu_uuid);
    return info;
}

TargetInfo *qmp_query_target(Error **errp)
{
    TargetInfo *info = g_new0(TargetInfo, 1);

    info->arch = SYS_EMU_TARGET_X86_64;
    return info;
}

VersionInfo *qmp_query_version(Error **errp)
{
    VersionInfo *info = g_new0(VersionInfo, 1);
    unsigned major = 0, minor = 0, micro = 0;

    sscanf(QEMU_COMPAT_VERSION, "%u.%u.%u", &major, &minor, &micro);
    info->qemu = g_new0(VersionTriple, 1);
    info->qemu->major = major;
    info->qemu->minor = minor;
    info->qemu->micro = micro;
    info->package = g_strdup("kemu " KEMU_VERSION);
    return info;
}

IOThreadInfoList *qmp_query_iothreads(Error **errp)
{
    return NULL;    /* kemu has no -object iothread */
}

/* ---- CPUs and machines ---- */

/* socket/core/thread of CPU @index, as QEMU's pc machine numbers them. */
static CpuInstanceProperties *cpu_props(int index)
{
    CpuInstanceProperties *p = g_new0(CpuInstanceProperties, 1);
    CpuTopology t = current_machine ? current_machine->smp
                                    : (CpuTopology){ 0 };
    unsigned threads = t.threads ? t.threads : 1;
    unsigned cores = t.cores ? t.cores : 1;
    unsigned dies = t.dies ? t.dies : 1;

    p->has_socket_id = true;
    p->socket_id = index / (threads * cores * dies);
    if (dies > 1) {
        p->has_die_id = true;
        p->die_id = index / (threads * cores) % dies;
    }
    p->has_core_id = true;
    p->core_id = index / threads % cores;
    p->has_thread_id = true;
    p->thread_id = index % threads;
    return p;
}

CpuInfoFastList *qmp_query_cpus_fast(Error **errp)
{
    CpuInfoFastList *head = NULL, **tail = &head;

    for (guint i = 0; x86_cpus && i < x86_cpus->len; i++) {
        X86CPU *cpu = g_ptr_array_index(x86_cpus, i);
        CpuInfoFast *info = g_new0(CpuInfoFast, 1);
        CpuInfoFastList *elt = g_new0(CpuInfoFastList, 1);

        info->cpu_index = cpu->cpu_index;
        info->qom_path = object_get_canonical_path(OBJECT(cpu));
        info->thread_id = (int64_t)cpu->thread_id;
        info->has_props = true;
        info->props = cpu_props(cpu->cpu_index);
        info->target = SYS_EMU_TARGET_X86_64;
        elt->value = info;
        *tail = elt;
        tail = &elt->next;
    }
    return head;
}

/*
 * Every CPU slot up to -smp maxcpus, the highest index first as QEMU
 * lists them; a present CPU carries its QOM path.  kemu plugs CPUs only
 * at startup, so the empty slots are informational.
 */
HotpluggableCPUList *qmp_query_hotpluggable_cpus(Error **errp)
{
    HotpluggableCPUList *head = NULL;
    unsigned max = current_machine ? current_machine->smp.max_cpus : 0;
    X86CPU *first = x86_cpu_by_index(0);
    const char *model = first ? first->model_name : "qemu64";

    for (unsigned i = 0; i < max; i++) {
        HotpluggableCPU *c = g_new0(HotpluggableCPU, 1);
        HotpluggableCPUList *elt = g_new0(HotpluggableCPUList, 1);
        X86CPU *cpu = x86_cpu_by_index(i);

        c->type = g_strdup_printf("%s-x86_64-cpu", model);
        c->vcpus_count = 1;
        c->props = cpu_props(i);
        if (cpu) {
            c->has_qom_path = true;
            c->qom_path = object_get_canonical_path(OBJECT(cpu));
        }
        elt->value = c;
        elt->next = head;
        head = elt;
    }
    return head;
}

MemoryInfo *qmp_query_memory_size_summary(Error **errp)
{
    MemoryInfo *info = g_new0(MemoryInfo, 1);

    info->base_memory = current_machine ? current_machine->ram_size : 0;
    /* no pc-dimm / virtio-mem devices: nothing plugged */
    info->has_plugged_memory = true;
    info->plugged_memory = 0;
    return info;
}

CurrentMachineParams *qmp_query_current_machine(Error **errp)
{
    CurrentMachineParams *p = g_new0(CurrentMachineParams, 1);

    /* The PIIX4 PM refuses S3 (hw/acpi/piix4.c): no suspend to wake from. */
    p->wakeup_suspend_support = false;
    return p;
}

static gint machine_class_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(MACHINE_CLASS((ObjectClass *)a)->name,
                  MACHINE_CLASS((ObjectClass *)b)->name);
}

MachineInfoList *qmp_query_machines(Error **errp)
{
    GSList *classes = object_class_get_list(TYPE_MACHINE, false);
    MachineInfoList *head = NULL;

    /* QEMU builds the list by prepending: reverse of its class order. */
    classes = g_slist_sort(classes, machine_class_cmp);
    for (GSList *l = classes; l; l = l->next) {
        MachineClass *mc = MACHINE_CLASS(l->data);
        MachineInfo *info = g_new0(MachineInfo, 1);
        MachineInfoList *elt = g_new0(MachineInfoList, 1);

        info->name = g_strdup(mc->name);
        if (mc->alias) {
            info->has_alias = true;
            info->alias = g_strdup(mc->alias);
        }
        if (mc->is_default) {
            info->has_is_default = true;
            info->is_default = true;
        }
        info->cpu_max = mc->max_cpus;
        info->hotpluggable_cpus = false;
        info->numa_mem_supported = false;
        info->deprecated = mc->deprecated;
        if (mc->default_cpu_type) {
            info->has_default_cpu_type = true;
            info->default_cpu_type = g_strdup_printf("%s-x86_64-cpu",
                                                     mc->default_cpu_type);
        }
        if (mc->default_ram_id) {
            info->has_default_ram_id = true;
            info->default_ram_id = g_strdup(mc->default_ram_id);
        }
        elt->value = info;
        elt->next = head;
        head = elt;
    }
    g_slist_free(classes);
    return head;
}

/* ---- events from the run state ---- */

static void runstate_qapi_event(void *opaque, const char *event,
                                ShutdownCause cause, bool guest)
{
    if (!strcmp(event, "STOP")) {
        qapi_event_send_stop();
    } else if (!strcmp(event, "RESUME")) {
        qapi_event_send_resume();
    } else if (!strcmp(event, "RESET")) {
        /* QEMU keeps subsystem resets to itself. */
        if (cause != SHUTDOWN_CAUSE_SUBSYSTEM_RESET) {
            qapi_event_send_reset(guest, cause);
        }
    } else if (!strcmp(event, "SHUTDOWN")) {
        qapi_event_send_shutdown(guest, cause);
    } else if (!strcmp(event, "POWERDOWN")) {
        qapi_event_send_powerdown();
    } else if (!strcmp(event, "GUEST_PANICKED")) {
        bool pause = current_machine && current_machine->no_shutdown;

        qapi_event_send_guest_panicked(pause ? GUEST_PANIC_ACTION_PAUSE
                                             : GUEST_PANIC_ACTION_POWEROFF,
                                       false, NULL);
    }
}

static void __attribute__((constructor)) runstate_qmp_init(void)
{
    runstate_add_event_listener(runstate_qapi_event, NULL);
}
