/*
 * The abstract machine type ("machine"): the -machine properties kemu
 * accepts (kernel, initrd, append, firmware, accel, dump-guest-core,
 * mem-merge, graphics, usb), machine lookup by name or alias, and QEMU's
 * "-machine help" listing.  Boards subclass it (hw/x86/pc.c).
 */
#include "qemu/osdep.h"
#include "hw/boards.h"

MachineState *current_machine;

/* ---- properties ---- */

typedef struct MachineStrProp {
    const char *name;
    ptrdiff_t offset;
    const char *desc;
} MachineStrProp;

static const MachineStrProp machine_str_props[] = {
    { "kernel", offsetof(MachineState, kernel_filename),
      "Linux kernel image file" },
    { "initrd", offsetof(MachineState, initrd_filename),
      "Linux initial ramdisk file" },
    { "append", offsetof(MachineState, kernel_cmdline),
      "Linux kernel command line" },
    { "firmware", offsetof(MachineState, firmware), "Firmware image" },
    { "accel", offsetof(MachineState, accel), "Accelerator list" },
};

typedef struct MachineBoolProp {
    const char *name;
    ptrdiff_t offset;
    const char *desc;
} MachineBoolProp;

static const MachineBoolProp machine_bool_props[] = {
    { "dump-guest-core", offsetof(MachineState, dump_guest_core),
      "Include guest memory in a core dump" },
    { "mem-merge", offsetof(MachineState, mem_merge),
      "Enable/disable memory merge support" },
    { "graphics", offsetof(MachineState, enable_graphics),
      "Set on/off to enable/disable graphics emulation" },
    { "usb", offsetof(MachineState, usb),
      "Set on/off to enable/disable usb" },
};

static void machine_class_init(ObjectClass *klass, void *data)
{
    for (size_t i = 0; i < ARRAY_SIZE(machine_str_props); i++) {
        const MachineStrProp *p = &machine_str_props[i];

        object_class_property_add_str(klass, p->name, p->offset);
        object_class_property_set_description(klass, p->name, p->desc);
    }
    for (size_t i = 0; i < ARRAY_SIZE(machine_bool_props); i++) {
        const MachineBoolProp *p = &machine_bool_props[i];

        object_class_property_add_bool(klass, p->name, p->offset);
        object_class_property_set_description(klass, p->name, p->desc);
    }
}

/* QEMU names a machine after its type: "pc-i440fx-7.2-machine". */
static void machine_class_base_init(ObjectClass *klass, void *data)
{
    MachineClass *mc = MACHINE_CLASS(klass);
    const char *type = object_class_get_name(klass);

    if (g_str_has_suffix(type, TYPE_MACHINE_SUFFIX)) {
        mc->name = g_strndup(type, strlen(type) - strlen(TYPE_MACHINE_SUFFIX));
    }
}

static void machine_initfn(Object *obj)
{
    MachineState *ms = MACHINE(obj);
    MachineClass *mc = MACHINE_GET_CLASS(obj);

    ms->ram_size = mc->default_ram_size ? mc->default_ram_size : 128 * MiB;
    ms->maxram_size = ms->ram_size;
    ms->smp.cpus = 1;
    ms->smp.sockets = 1;
    ms->smp.dies = 1;
    ms->smp.cores = 1;
    ms->smp.threads = 1;
    ms->smp.max_cpus = 1;
    ms->cpu_model = g_strdup(mc->default_cpu_type ? mc->default_cpu_type
                                                  : "qemu64");
    ms->kernel_cmdline = g_strdup("");
    ms->dump_guest_core = true;
    ms->mem_merge = true;
    ms->enable_graphics = true;
    ms->usb = false;
}

static void machine_finalize(Object *obj)
{
    MachineState *ms = MACHINE(obj);

    g_free(ms->cpu_model);
    ms->cpu_model = NULL;
    if (current_machine == ms) {
        current_machine = NULL;
    }
}

static const TypeInfo machine_type_info = {
    .name = TYPE_MACHINE,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(MachineState),
    .instance_init = machine_initfn,
    .instance_finalize = machine_finalize,
    .abstract = true,
    .class_size = sizeof(MachineClass),
    .class_init = machine_class_init,
    .class_base_init = machine_class_base_init,
};

static void machine_register_types(void)
{
    type_register_static(&machine_type_info);
}

type_init(machine_register_types)

/* ---- lookup ---- */

MachineClass *machine_find_class(const char *name)
{
    GSList *list = object_class_get_list(TYPE_MACHINE, false);
    MachineClass *found = NULL;

    for (GSList *l = list; l && name; l = l->next) {
        MachineClass *mc = l->data;

        if ((mc->name && g_str_equal(mc->name, name)) ||
            (mc->alias && g_str_equal(mc->alias, name))) {
            found = mc;
            break;
        }
    }
    g_slist_free(list);
    return found;
}

MachineClass *machine_default_class(void)
{
    GSList *list = object_class_get_list(TYPE_MACHINE, false);
    MachineClass *found = NULL;

    for (GSList *l = list; l; l = l->next) {
        MachineClass *mc = l->data;

        if (mc->is_default) {
            found = mc;
            break;
        }
    }
    g_slist_free(list);
    return found;
}

/* ---- -machine help ---- */

/*
 * A versioned machine ("pc-i440fx-7.2") belongs to the family named by the
 * part before its version; the family's length, or 0 when standalone.
 */
static size_t machine_family_len(const char *name)
{
    const char *dash = strrchr(name, '-');

    if (!dash || !g_ascii_isdigit(dash[1])) {
        return 0;
    }
    for (const char *p = dash + 1; *p; p++) {
        if (!g_ascii_isdigit(*p) && *p != '.') {
            return 0;
        }
    }
    return dash - name;
}

/*
 * QEMU's order: families first, alphabetically, newest version first
 * within a family; then standalone machines alphabetically.
 */
static gint machine_class_cmp(gconstpointer a, gconstpointer b)
{
    const char *n1 = ((const MachineClass *)a)->name;
    const char *n2 = ((const MachineClass *)b)->name;
    size_t f1, f2;
    int res;

    n1 = n1 ? n1 : "";
    n2 = n2 ? n2 : "";
    f1 = machine_family_len(n1);
    f2 = machine_family_len(n2);
    if (!f1 || !f2) {
        if (!f1 && !f2) {
            return strcmp(n1, n2);
        }
        return f1 ? -1 : 1;
    }
    res = strncmp(n1, n2, MIN(f1, f2));
    if (res || f1 != f2) {
        return res ? res : (f1 < f2 ? -1 : 1);
    }
    return strcmp(n2, n1);
}

void machine_print_list(void)
{
    GSList *list = object_class_get_list(TYPE_MACHINE, false);

    list = g_slist_sort(list, machine_class_cmp);
    printf("Supported machines are:\n");
    for (GSList *l = list; l; l = l->next) {
        MachineClass *mc = l->data;
        const char *desc = mc->desc ? mc->desc : "";

        if (mc->alias) {
            printf("%-20s %s (alias of %s)\n", mc->alias, desc, mc->name);
        }
        printf("%-20s %s%s%s\n", mc->name, desc,
               mc->is_default ? " (default)" : "",
               mc->deprecated ? " (deprecated)" : "");
    }
    g_slist_free(list);
}
