/*
 * The "info" subcommands.  Those with a QMP twin (status, kvm, name, uuid,
 * version, cpus, chardev, iothreads) only format what qmp_query_*()
 * returns; the HMP-only ones read the CPU, the interrupt controllers, the
 * memory tree, the device and object trees and the guest page tables,
 * printed in QEMU 7.2's layout.
 */
#include "qemu/osdep.h"
#include "accel/accel.h"
#include "exec/memory.h"
#include "hw/qdev-core.h"
#include "hw/intc/apic.h"
#include "hw/intc/i8259.h"
#include "hw/intc/ioapic.h"
#include "qapi/qapi-commands.h"
#include "system/cpus.h"
#include "hmp-internal.h"

const HMPCommand hmp_info_cmds[] = {
#include "hmp-commands-info.def"
    { .name = NULL },
};

void hmp_info_version(Monitor *mon, const HMPArgs *args)
{
    VersionInfo *info = qmp_query_version(NULL);

    monitor_printf(mon, "%" PRId64 ".%" PRId64 ".%" PRId64 "%s\n",
                   info->qemu->major, info->qemu->minor, info->qemu->micro,
                   info->package);
    qapi_free_VersionInfo(info);
}

void hmp_info_name(Monitor *mon, const HMPArgs *args)
{
    NameInfo *info = qmp_query_name(NULL);

    if (info->has_name) {
        monitor_printf(mon, "%s\n", info->name);
    }
    qapi_free_NameInfo(info);
}

void hmp_info_status(Monitor *mon, const HMPArgs *args)
{
    StatusInfo *info = qmp_query_status(NULL);

    monitor_printf(mon, "VM status: %s%s", info->running ? "running"
                                                         : "paused",
                   info->singlestep ? " (single step mode)" : "");
    if (!info->running && info->status != RUN_STATE_PAUSED) {
        monitor_printf(mon, " (%s)", RunState_str(info->status));
    }
    monitor_printf(mon, "\n");
    qapi_free_StatusInfo(info);
}

void hmp_info_kvm(Monitor *mon, const HMPArgs *args)
{
    KvmInfo *info = qmp_query_kvm(NULL);

    monitor_printf(mon, "kvm support: ");
    if (info->present) {
        monitor_printf(mon, "%s\n", info->enabled ? "enabled" : "disabled");
    } else {
        monitor_printf(mon, "not compiled\n");
    }
    qapi_free_KvmInfo(info);
}

void hmp_info_jit(Monitor *mon, const HMPArgs *args)
{
    const AccelOps *accel = current_accel();
    g_autoptr(GString) out = g_string_new(NULL);

    if (!accel || !accel->info_jit) {
        monitor_printf(mon, "JIT information is only available with "
                       "accel=tcg\n");
        return;
    }
    accel->info_jit(out);
    monitor_puts(mon, out->str);
}

void hmp_info_uuid(Monitor *mon, const HMPArgs *args)
{
    UuidInfo *info = qmp_query_uuid(NULL);

    monitor_printf(mon, "%s\n", info->UUID);
    qapi_free_UuidInfo(info);
}

void hmp_info_cpus(Monitor *mon, const HMPArgs *args)
{
    CpuInfoFastList *list = qmp_query_cpus_fast(NULL);
    int current = monitor_get_cpu_index(mon);

    for (CpuInfoFastList *l = list; l; l = l->next) {
        monitor_printf(mon, "%c CPU #%" PRId64 ":",
                       l->value->cpu_index == current ? '*' : ' ',
                       l->value->cpu_index);
        monitor_printf(mon, " thread_id=%" PRId64 "\n",
                       l->value->thread_id);
    }
    qapi_free_CpuInfoFastList(list);
}

void hmp_info_hotpluggable_cpus(Monitor *mon, const HMPArgs *args)
{
    HotpluggableCPUList *list = qmp_query_hotpluggable_cpus(NULL);

    monitor_printf(mon, "Hotpluggable CPUs:\n");
    for (HotpluggableCPUList *l = list; l; l = l->next) {
        HotpluggableCPU *c = l->value;
        CpuInstanceProperties *p = c->props;

        monitor_printf(mon, "  type: \"%s\"\n", c->type);
        monitor_printf(mon, "  vcpus_count: \"%" PRId64 "\"\n",
                       c->vcpus_count);
        if (c->has_qom_path) {
            monitor_printf(mon, "  qom_path: \"%s\"\n", c->qom_path);
        }
        monitor_printf(mon, "  CPUInstance Properties:\n");
        if (p->has_node_id) {
            monitor_printf(mon, "    node-id: \"%" PRId64 "\"\n", p->node_id);
        }
        if (p->has_socket_id) {
            monitor_printf(mon, "    socket-id: \"%" PRId64 "\"\n",
                           p->socket_id);
        }
        if (p->has_die_id) {
            monitor_printf(mon, "    die-id: \"%" PRId64 "\"\n", p->die_id);
        }
        if (p->has_core_id) {
            monitor_printf(mon, "    core-id: \"%" PRId64 "\"\n", p->core_id);
        }
        if (p->has_thread_id) {
            monitor_printf(mon, "    thread-id: \"%" PRId64 "\"\n",
                           p->thread_id);
        }
    }
    qapi_free_HotpluggableCPUList(list);
}

void hmp_info_memory_size_summary(Monitor *mon, const HMPArgs *args)
{
    MemoryInfo *info = qmp_query_memory_size_summary(NULL);

    monitor_printf(mon, "base memory: %" PRIu64 "\n", info->base_memory);
    if (info->has_plugged_memory) {
        monitor_printf(mon, "plugged memory: %" PRIu64 "\n",
                       info->plugged_memory);
    }
    qapi_free_MemoryInfo(info);
}

/* info lapic [apic-id]: by APIC ID, else the monitor's current CPU. */
void hmp_info_lapic(Monitor *mon, const HMPArgs *args)
{
    const AccelOps *ops = current_accel();
    X86CPU *cpu = NULL;
    uint32_t regs[64];
    g_autoptr(GString) out = g_string_new(NULL);

    if (hmp_arg_has(args, "apic-id")) {
        int64_t id = hmp_arg_int(args, "apic-id", 0);

        for (guint i = 0; x86_cpus && i < x86_cpus->len; i++) {
            X86CPU *c = g_ptr_array_index(x86_cpus, i);

            if (c->apic_id == id) {
                cpu = cpu_get_synced(c->cpu_index);
            }
        }
    } else {
        cpu = hmp_get_cpu(mon);
    }
    if (!cpu) {
        monitor_printf(mon, "No CPU available\n");
        return;
    }
    if (ops && ops->get_lapic_regs) {
        if (!ops->get_lapic_regs(cpu, regs)) {
            monitor_printf(mon, "No CPU available\n");
            return;
        }
    } else if (cpu->apic) {
        apic_get_regs(cpu->apic, regs);
    } else {
        monitor_printf(mon, "No CPU available\n");
        return;
    }
    x86_lapic_dump(cpu, regs, out);
    monitor_puts(mon, out->str);
}

void hmp_info_chardev(Monitor *mon, const HMPArgs *args)
{
    ChardevInfoList *list = qmp_query_chardev(NULL);

    for (ChardevInfoList *l = list; l; l = l->next) {
        monitor_printf(mon, "%s: filename=%s\n", l->value->label,
                       l->value->filename);
    }
    qapi_free_ChardevInfoList(list);
}

void hmp_info_iothreads(Monitor *mon, const HMPArgs *args)
{
    IOThreadInfoList *list = qmp_query_iothreads(NULL);

    for (IOThreadInfoList *l = list; l; l = l->next) {
        IOThreadInfo *v = l->value;

        monitor_printf(mon, "%s:\n", v->id);
        monitor_printf(mon, "  thread_id=%" PRId64 "\n", v->thread_id);
        monitor_printf(mon, "  poll-max-ns=%" PRId64 "\n", v->poll_max_ns);
        monitor_printf(mon, "  poll-grow=%" PRId64 "\n", v->poll_grow);
        monitor_printf(mon, "  poll-shrink=%" PRId64 "\n", v->poll_shrink);
        monitor_printf(mon, "  aio-max-batch=%" PRId64 "\n",
                       v->aio_max_batch);
    }
    qapi_free_IOThreadInfoList(list);
}

/* ---- registers ---- */

static void print_cpu_registers(Monitor *mon, X86CPU *cpu)
{
    GString *out = g_string_new(NULL);

    monitor_printf(mon, "\nCPU#%d\n", cpu->cpu_index);
    x86_cpu_dump_state(cpu, out, CPU_DUMP_FPU);
    monitor_puts(mon, out->str);
    g_string_free(out, TRUE);
}

void hmp_info_registers(Monitor *mon, const HMPArgs *args)
{
    int64_t vcpu = hmp_arg_int(args, "vcpu", -1);
    X86CPU *cpu;

    if (hmp_arg_bool(args, "cpustate_all")) {
        int saved = monitor_get_cpu_index(mon);

        for (int i = 0; x86_cpu_by_index(i); i++) {
            hmp_set_cpu(mon, i);
            print_cpu_registers(mon, hmp_get_cpu(mon));
        }
        hmp_set_cpu(mon, saved);
        return;
    }
    if (vcpu >= 0) {
        int saved = monitor_get_cpu_index(mon);

        if (!hmp_set_cpu(mon, vcpu)) {
            monitor_printf(mon, "CPU#%" PRId64 " not available\n", vcpu);
            return;
        }
        cpu = hmp_get_cpu(mon);
        hmp_set_cpu(mon, saved);
    } else {
        cpu = hmp_get_cpu(mon);
    }
    if (!cpu) {
        monitor_printf(mon, "No CPU available\n");
        return;
    }
    print_cpu_registers(mon, cpu);
}

/* ---- interrupt controllers ---- */

/* The emulated IOAPIC, then the slave and master i8259, as QEMU orders them. */
void hmp_info_pic(Monitor *mon, const HMPArgs *args)
{
    GString *out = g_string_new(NULL);

    ioapic_info(out);
    pic_info(out);
    monitor_puts(mon, out->str);
    g_string_free(out, TRUE);
}

/* ---- memory tree ---- */

void hmp_info_mtree(Monitor *mon, const HMPArgs *args)
{
    GString *out = g_string_new(NULL);

    mtree_info(out, hmp_arg_bool(args, "flatview"));
    monitor_puts(mon, out->str);
    g_string_free(out, TRUE);
}

/* ---- QOM composition tree ---- */

static int collect_child(Object *child, void *opaque)
{
    g_ptr_array_add(opaque, child);
    return 0;
}

/* QEMU sorts children by name with strcmp ("device[10]" < "device[2]"). */
static int child_name_cmp(gconstpointer a, gconstpointer b)
{
    const Object *x = *(Object *const *)a, *y = *(Object *const *)b;

    return g_strcmp0(object_get_canonical_path_component(x),
                     object_get_canonical_path_component(y));
}

static void print_qom_composition(Monitor *mon, Object *obj, int indent)
{
    GPtrArray *children = g_ptr_array_new();
    const char *name = obj == object_get_root()
                       ? "" : object_get_canonical_path_component(obj);

    monitor_printf(mon, "%*s/%s (%s)\n", indent, "", name ? name : "",
                   object_get_typename(obj));
    object_child_foreach(obj, collect_child, children);
    g_ptr_array_sort(children, child_name_cmp);
    for (guint i = 0; i < children->len; i++) {
        print_qom_composition(mon, g_ptr_array_index(children, i),
                              indent + 2);
    }
    g_ptr_array_free(children, TRUE);
}

void hmp_info_qom_tree(Monitor *mon, const HMPArgs *args)
{
    const char *path = hmp_arg_str(args, "path");
    Object *obj;
    bool ambiguous = false;

    if (path) {
        obj = object_resolve_path(path, &ambiguous);
        if (!obj) {
            monitor_printf(mon, "Path '%s' could not be resolved.\n", path);
            return;
        }
        if (ambiguous) {
            monitor_printf(mon, "Warning: Path '%s' is ambiguous.\n", path);
            return;
        }
    } else {
        obj = qdev_get_machine();
    }
    print_qom_composition(mon, obj, 0);
}

/* ---- device tree ---- */

/* A size as QEMU's human-readable form: "2147483648 (2 GiB)". */
static char *qtree_size_str(uint64_t v)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB",
                                         "PiB", "EiB" };
    double d = v;
    int i = 0;

    /* QEMU switches unit at 0.9766 of the next one (1000 of this). */
    while (d >= 1000 && i < 6) {
        d /= 1024;
        i++;
    }
    return g_strdup_printf("%" PRIu64 " (%0.3g %s)", v, d, units[i]);
}

static void qtree_print_prop(Monitor *mon, DeviceState *dev,
                             const Property *p, int indent)
{
    g_autofree char *val = object_property_get_str(OBJECT(dev), p->name,
                                                   NULL);
    g_autofree char *text = NULL;

    if (!val) {
        return;
    }
    switch (p->kind) {
    case PROP_KIND_UINT8:
    case PROP_KIND_UINT16:
    case PROP_KIND_UINT32:
    case PROP_KIND_UINT64: {
        uint64_t u = g_ascii_strtoull(val, NULL, 0);

        text = g_strdup_printf("%" PRIu64 " (0x%" PRIx64 ")", u, u);
        break;
    }
    case PROP_KIND_INT32:
    case PROP_KIND_INT64: {
        int64_t i = g_ascii_strtoll(val, NULL, 0);

        text = g_strdup_printf("%" PRId64 " (0x%" PRIx64 ")", i,
                               (uint64_t)i);
        break;
    }
    case PROP_KIND_SIZE:
        text = qtree_size_str(g_ascii_strtoull(val, NULL, 0));
        break;
    case PROP_KIND_BOOL:
    case PROP_KIND_PCI_DEVFN:
        text = g_strdup(val);
        break;
    default:
        text = g_strdup_printf("\"%s\"", val);
        break;
    }
    monitor_printf(mon, "%*s%s = %s\n", indent, "", p->name, text);
}

static void qtree_print_bus(Monitor *mon, BusState *bus, int indent);

static void qtree_print_dev(Monitor *mon, DeviceState *dev, int indent)
{
    ObjectClass *oc = object_get_class(OBJECT(dev));
    ObjectClass *device_oc = object_class_by_name(TYPE_DEVICE);

    monitor_printf(mon, "%*sdev: %s, id \"%s\"\n", indent, "",
                   object_get_typename(OBJECT(dev)), dev->id ? dev->id : "");
    indent += 2;
    /* Properties of the type first, then of each parent type. */
    for (; oc && oc != device_oc; oc = object_class_get_parent(oc)) {
        const Property *props = DEVICE_CLASS(oc)->props;
        ObjectClass *parent = object_class_get_parent(oc);

        /* A class inherits its parent's props pointer; print it once. */
        if (!props || (parent && parent != device_oc &&
                       DEVICE_CLASS(parent)->props == props)) {
            continue;
        }
        for (; props->name; props++) {
            qtree_print_prop(mon, dev, props, indent);
        }
    }
    if (dev->parent_bus && BUS_GET_CLASS(dev->parent_bus)->print_dev) {
        g_autoptr(GString) out = g_string_new(NULL);

        BUS_GET_CLASS(dev->parent_bus)->print_dev(dev, out, indent);
        monitor_puts(mon, out->str);
    }
    /* QEMU keeps a device's buses newest first (ide.1 before ide.0). */
    g_autoptr(GSList) buses = g_slist_reverse(g_slist_copy(dev->child_buses));
    for (GSList *l = buses; l; l = l->next) {
        qtree_print_bus(mon, l->data, indent);
    }
}

static void qtree_print_bus(Monitor *mon, BusState *bus, int indent)
{
    monitor_printf(mon, "%*sbus: %s\n", indent, "", bus->name);
    indent += 2;
    monitor_printf(mon, "%*stype %s\n", indent, "",
                   object_get_typename(OBJECT(bus)));
    /* QEMU lists a bus's devices newest first. */
    for (GList *l = g_list_last(bus->children); l; l = l->prev) {
        qtree_print_dev(mon, l->data, indent);
    }
}

typedef struct QtreeRoots {
    GPtrArray *devs;        /* devices on no bus */
    GPtrArray *buses;       /* buses of no device */
} QtreeRoots;

static int collect_qtree_roots(Object *obj, void *opaque)
{
    QtreeRoots *r = opaque;
    DeviceState *dev = (DeviceState *)object_dynamic_cast(obj, TYPE_DEVICE);
    BusState *bus = (BusState *)object_dynamic_cast(obj, TYPE_BUS);
    const char *type = object_get_typename(obj);

    /* CPUs and their local APICs are not in QEMU's device tree. */
    if (dev && !dev->parent_bus && !object_dynamic_cast(obj, TYPE_X86_CPU) &&
        strcmp(type, "apic") && strcmp(type, "kvm-apic")) {
        g_ptr_array_add(r->devs, dev);
    }
    if (bus && !bus->parent) {
        g_ptr_array_add(r->buses, bus);
    }
    return 0;
}

/*
 * kemu has no system bus object: devices without a bus (board devices)
 * and buses without a device (the ISA bus, PIIX3's in QEMU) are shown
 * under QEMU's "main-system-bus" heading.
 */
void hmp_info_qtree(Monitor *mon, const HMPArgs *args)
{
    QtreeRoots r = { g_ptr_array_new(), g_ptr_array_new() };

    object_child_foreach_recursive(qdev_get_machine(), collect_qtree_roots,
                                   &r);
    monitor_printf(mon, "bus: main-system-bus\n");
    monitor_printf(mon, "  type System\n");
    for (guint i = r.devs->len; i > 0; i--) {
        qtree_print_dev(mon, g_ptr_array_index(r.devs, i - 1), 2);
    }
    for (guint i = 0; i < r.buses->len; i++) {
        qtree_print_bus(mon, g_ptr_array_index(r.buses, i), 2);
    }
    g_ptr_array_free(r.devs, TRUE);
    g_ptr_array_free(r.buses, TRUE);
}

/* ---- page tables: info mem, info tlb ---- */

#define PG_PRESENT  (1ULL << 0)
#define PG_RW       (1ULL << 1)
#define PG_USER     (1ULL << 2)
#define PG_PWT      (1ULL << 3)
#define PG_PCD      (1ULL << 4)
#define PG_ACCESSED (1ULL << 5)
#define PG_DIRTY    (1ULL << 6)
#define PG_PSE      (1ULL << 7)
#define PG_GLOBAL   (1ULL << 8)
#define PG_NX       (1ULL << 63)
#define PG_PROT     (PG_USER | PG_RW | PG_PRESENT)

/* One paging mode: levels from the root, as the SDM (vol. 3 ch. 4) has them. */
typedef struct PagingMode {
    int levels;
    int entry_size;             /* 4 or 8 bytes */
    int shift[4];               /* address bits each level translates */
    int entries[4];
    uint64_t addr_mask;         /* next-table / frame address in an entry */
    bool large_at[4];           /* PS allowed at this level */
    bool prot_at[4];            /* U/RW of this level restrict access */
    bool canonical48;           /* sign-extend bit 47 in output */
    uint64_t limit;             /* end of the address space */
} PagingMode;

typedef struct MemWalk {
    Monitor *mon;
    const PagingMode *pm;
    bool tlb;                   /* info tlb: print leaves; else ranges */
    uint64_t start;             /* info mem: current range, -1 none */
    uint64_t last_prot;
} MemWalk;

static uint64_t walk_canon(const MemWalk *w, uint64_t addr)
{
    if (w->pm->canonical48 && (addr & (1ULL << 47))) {
        addr |= ~0ULL << 48;
    }
    return addr;
}

/* info mem: print the previous range when the protection changes. */
static void mem_print(MemWalk *w, uint64_t end, uint64_t prot)
{
    if (prot == w->last_prot) {
        return;
    }
    if (w->start != (uint64_t)-1) {
        monitor_printf(w->mon, "%016" PRIx64 "-%016" PRIx64 " %016" PRIx64
                       " %c%c%c\n", walk_canon(w, w->start),
                       walk_canon(w, end), walk_canon(w, end - w->start),
                       w->last_prot & PG_USER ? 'u' : '-', 'r',
                       w->last_prot & PG_RW ? 'w' : '-');
    }
    w->start = prot ? end : (uint64_t)-1;
    w->last_prot = prot;
}

static void tlb_print(MemWalk *w, uint64_t addr, uint64_t pte,
                      uint64_t mask)
{
    monitor_printf(w->mon, "%016" PRIx64 ": %016" PRIx64
                   " %c%c%c%c%c%c%c%c%c\n", walk_canon(w, addr), pte & mask,
                   pte & PG_NX ? 'X' : '-', pte & PG_GLOBAL ? 'G' : '-',
                   pte & PG_PSE ? 'P' : '-', pte & PG_DIRTY ? 'D' : '-',
                   pte & PG_ACCESSED ? 'A' : '-', pte & PG_PCD ? 'C' : '-',
                   pte & PG_PWT ? 'T' : '-', pte & PG_USER ? 'U' : '-',
                   pte & PG_RW ? 'W' : '-');
}

static void walk_table(MemWalk *w, uint64_t table, int level,
                       uint64_t base, uint64_t prot_and)
{
    const PagingMode *pm = w->pm;

    for (int i = 0; i < pm->entries[level]; i++) {
        uint64_t va = base + ((uint64_t)i << pm->shift[level]);
        uint64_t e = 0;
        uint64_t and = prot_and;
        bool leaf = level == pm->levels - 1;

        address_space_read(&address_space_memory,
                           table + (uint64_t)i * pm->entry_size, &e,
                           pm->entry_size);
        e = GUINT64_FROM_LE(e);
        if (!(e & PG_PRESENT)) {
            if (!w->tlb) {
                mem_print(w, va, 0);
            }
            continue;
        }
        if (pm->prot_at[level]) {
            and &= e;
        }
        if (leaf || (pm->large_at[level] && (e & PG_PSE))) {
            uint64_t frame = ~((1ULL << pm->shift[level]) - 1) &
                             (pm->addr_mask | 0xfffff000);

            if (w->tlb) {
                tlb_print(w, va, leaf ? e & ~PG_PSE : e,
                          frame & pm->addr_mask);
            } else {
                mem_print(w, va, e & and & PG_PROT);
            }
            continue;
        }
        walk_table(w, e & pm->addr_mask, level + 1, va, and);
    }
}

static void walk_page_tables(Monitor *mon, bool tlb)
{
    static const PagingMode la48 = {
        .levels = 4, .entry_size = 8, .shift = { 39, 30, 21, 12 },
        .entries = { 512, 512, 512, 512 }, .addr_mask = 0x3fffffffff000ULL,
        .large_at = { false, true, true, false },
        .prot_at = { true, true, true, true }, .canonical48 = true,
        .limit = 1ULL << 48,
    };
    static const PagingMode pae32 = {
        .levels = 3, .entry_size = 8, .shift = { 30, 21, 12 },
        .entries = { 4, 512, 512 }, .addr_mask = 0x3fffffffff000ULL,
        .large_at = { false, true, false },
        .prot_at = { false, true, true }, .limit = 1ULL << 32,
    };
    static const PagingMode bits32 = {
        .levels = 2, .entry_size = 4, .shift = { 22, 12 },
        .entries = { 1024, 1024 }, .addr_mask = 0xfffff000,
        .large_at = { true, false }, .prot_at = { true, true },
        .limit = 1ULL << 32,
    };
    X86CPU *cpu = hmp_get_cpu(mon);
    CPUX86State *env;
    MemWalk w = { .mon = mon, .tlb = tlb, .start = -1 };
    PagingMode pm;
    uint64_t root;

    if (!cpu) {
        monitor_printf(mon, "No CPU available\n");
        return;
    }
    env = &cpu->env;
    if (!(env->cr[0] & CR0_PG_MASK)) {
        monitor_printf(mon, "PG disabled\n");
        return;
    }
    if (env->cr[4] & CR4_PAE_MASK) {
        if (x86_cpu_long_mode(env)) {
            pm = la48;
            root = env->cr[3] & 0x3fffffffff000ULL;
        } else {
            pm = pae32;
            root = env->cr[3] & ~0x1fULL;
        }
    } else {
        pm = bits32;
        /* 4 MiB pages only with CR4.PSE. */
        pm.large_at[0] = (env->cr[4] & CR4_PSE_MASK) != 0;
        root = env->cr[3] & ~0xfffULL;
    }
    w.pm = &pm;
    walk_table(&w, root, 0, 0, PG_PROT);
    if (!tlb) {
        mem_print(&w, pm.limit, 0);
    }
}

void hmp_info_mem(Monitor *mon, const HMPArgs *args)
{
    walk_page_tables(mon, false);
}

void hmp_info_tlb(Monitor *mon, const HMPArgs *args)
{
    walk_page_tables(mon, true);
}
