/*
 * Unit tests for hw/core/machine.c: the abstract machine's properties and
 * defaults, lookup by name and alias, the default machine, and QEMU's
 * "-machine help" format and order.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/boards.h"

static void pc_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->desc = "Standard PC (i440FX + PIIX, 1996)";
    mc->default_ram_size = 128 * MiB;
    if (data) {
        mc->alias = "pc";
        mc->is_default = true;
    }
}

static void old_pc_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->desc = "Standard PC (i440FX + PIIX, 1996)";
    mc->deprecated = true;
}

static void isapc_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->desc = "ISA-only PC";
    mc->default_cpu_type = "486";
    mc->default_ram_size = 64 * MiB;
}

static void none_class_init(ObjectClass *oc, void *data)
{
    MACHINE_CLASS(oc)->desc = "empty machine";
}

static const TypeInfo machine_types[] = {
    {
        .name = "pc-i440fx-7.2" TYPE_MACHINE_SUFFIX,
        .parent = TYPE_MACHINE,
        .class_init = pc_class_init,
        .class_data = (void *)1,
    }, {
        .name = "pc-i440fx-2.12" TYPE_MACHINE_SUFFIX,
        .parent = TYPE_MACHINE,
        .class_init = pc_class_init,
    }, {
        .name = "pc-i440fx-2.9" TYPE_MACHINE_SUFFIX,
        .parent = TYPE_MACHINE,
        .class_init = pc_class_init,
    }, {
        .name = "pc-i440fx-1.4" TYPE_MACHINE_SUFFIX,
        .parent = TYPE_MACHINE,
        .class_init = old_pc_class_init,
    }, {
        .name = "none" TYPE_MACHINE_SUFFIX,
        .parent = TYPE_MACHINE,
        .class_init = none_class_init,
    }, {
        .name = "isapc" TYPE_MACHINE_SUFFIX,
        .parent = TYPE_MACHINE,
        .class_init = isapc_class_init,
    },
};

static void register_machine_types(void)
{
    type_register_static_array(machine_types, ARRAY_SIZE(machine_types));
}

type_init(register_machine_types)

static void test_find(void)
{
    MachineClass *mc = machine_find_class("pc");

    g_assert_nonnull(mc);
    g_assert_cmpstr(mc->name, ==, "pc-i440fx-7.2");
    g_assert_true(machine_find_class("pc-i440fx-7.2") == mc);
    g_assert_true(machine_default_class() == mc);
    g_assert_nonnull(machine_find_class("isapc"));
    g_assert_null(machine_find_class("q35"));
    g_assert_null(machine_find_class(NULL));
}

static void test_properties(void)
{
    Object *obj = object_new("isapc" TYPE_MACHINE_SUFFIX);
    MachineState *ms = MACHINE(obj);
    Error *err = NULL;
    char *s;

    /* defaults */
    g_assert_cmpuint(ms->ram_size, ==, 64 * MiB);
    g_assert_cmpstr(ms->cpu_model, ==, "486");
    g_assert_cmpstr(ms->kernel_cmdline, ==, "");
    g_assert_cmpuint(ms->smp.cpus, ==, 1);
    g_assert_true(ms->dump_guest_core);
    g_assert_true(ms->mem_merge);
    g_assert_true(ms->enable_graphics);
    g_assert_false(ms->usb);

    g_assert_true(object_property_set_str(obj, "kernel", "/boot/vmlinuz",
                                          &error_abort));
    g_assert_true(object_property_set_str(obj, "initrd", "/boot/initrd",
                                          &error_abort));
    g_assert_true(object_property_set_str(obj, "append", "console=ttyS0",
                                          &error_abort));
    g_assert_true(object_property_set_str(obj, "firmware", "bios.bin",
                                          &error_abort));
    g_assert_true(object_property_set_str(obj, "accel", "tcg",
                                          &error_abort));
    g_assert_true(object_property_set_str(obj, "graphics", "off",
                                          &error_abort));
    g_assert_true(object_property_set_str(obj, "usb", "on", &error_abort));
    g_assert_true(object_property_set_str(obj, "mem-merge", "off",
                                          &error_abort));
    g_assert_true(object_property_set_str(obj, "dump-guest-core", "off",
                                          &error_abort));
    g_assert_cmpstr(ms->kernel_filename, ==, "/boot/vmlinuz");
    g_assert_cmpstr(ms->initrd_filename, ==, "/boot/initrd");
    g_assert_cmpstr(ms->kernel_cmdline, ==, "console=ttyS0");
    g_assert_cmpstr(ms->firmware, ==, "bios.bin");
    g_assert_cmpstr(ms->accel, ==, "tcg");
    g_assert_false(ms->enable_graphics);
    g_assert_true(ms->usb);
    g_assert_false(ms->mem_merge);
    g_assert_false(ms->dump_guest_core);
    s = object_property_get_str(obj, "append", NULL);
    g_assert_cmpstr(s, ==, "console=ttyS0");
    g_free(s);
    g_assert_cmpstr(object_property_get_type(obj, "kernel", NULL), ==,
                    "string");
    g_assert_cmpstr(object_property_find(obj, "kernel")->description, ==,
                    "Linux kernel image file");

    g_assert_false(object_property_set_str(obj, "usb", "maybe", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'usb' expects 'on' or 'off'");
    error_free_or_abort(&err);
    g_assert_false(object_property_set_str(obj, "bogus", "1", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'isapc-machine.bogus' not found");
    error_free_or_abort(&err);

    current_machine = ms;
    object_unref(obj);
    g_assert_null(current_machine);
}

static void test_help(void)
{
    if (g_test_subprocess()) {
        machine_print_list();
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_passed();
    g_test_trap_assert_stdout(
        "Supported machines are:\n"
        "pc                   Standard PC (i440FX + PIIX, 1996) "
        "(alias of pc-i440fx-7.2)\n"
        "pc-i440fx-7.2        Standard PC (i440FX + PIIX, 1996) (default)\n"
        "pc-i440fx-2.9        Standard PC (i440FX + PIIX, 1996)\n"
        "pc-i440fx-2.12       Standard PC (i440FX + PIIX, 1996)\n"
        "pc-i440fx-1.4        Standard PC (i440FX + PIIX, 1996) "
        "(deprecated)\n"
        "isapc                ISA-only PC\n"
        "none                 empty machine\n");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/machine/find", test_find);
    g_test_add_func("/machine/properties", test_properties);
    g_test_add_func("/machine/help", test_help);
    return g_test_run();
}
