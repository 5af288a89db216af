/*
 * Unit tests for hw/core qdev: creation errors, static properties from
 * strings with QEMU's errors, defaults, set-after-realize, chardev and link
 * properties, -global parsing and application, tree placement, buses,
 * reset order and the help texts.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "chardev/char.h"
#include "hw/qdev-core.h"

#define TYPE_TEST_BUS "test-bus"
#define TYPE_TEST_DEV "test-dev"
#define TYPE_TEST_SUBDEV "test-subdev"
#define TYPE_TEST_BRIDGE "test-bridge"
#define TYPE_TEST_ABSTRACT "test-abstract-dev"
#define TYPE_TEST_INTERNAL "test-internal-dev"

typedef struct TestDev {
    DeviceState parent_obj;
    bool flag;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    int32_t i32;
    uint64_t u64;
    int64_t i64;
    uint64_t size;
    char *str;
    CharFrontend chr;
    int mode;               /* OnOffAuto */
    Object *peer;
    int realize_count;
    int reset_count;
    bool fail_realize;
} TestDev;

static GString *reset_log;

static const Property test_dev_props[] = {
    DEFINE_PROP_BOOL("flag", TestDev, flag, false),
    DEFINE_PROP_UINT8("u8", TestDev, u8, 8),
    DEFINE_PROP_UINT16("u16", TestDev, u16, -1),
    DEFINE_PROP_UINT32("iobase", TestDev, u32, 0x3f8),
    DEFINE_PROP_INT32("index", TestDev, i32, -1),
    DEFINE_PROP_UINT64("u64", TestDev, u64, 64),
    DEFINE_PROP_INT64("i64", TestDev, i64, -64),
    DEFINE_PROP_SIZE("size", TestDev, size, 4096),
    DEFINE_PROP_STRING("str", TestDev, str),
    DEFINE_PROP_CHR("chardev", TestDev, chr),
    DEFINE_PROP_ON_OFF_AUTO("mode", TestDev, mode, ON_OFF_AUTO_AUTO),
    DEFINE_PROP_LINK("peer", TestDev, peer, TYPE_TEST_DEV),
    DEFINE_PROP_END_OF_LIST(),
};

static void test_dev_realize(DeviceState *dev, Error **errp)
{
    TestDev *t = (TestDev *)dev;

    if (t->fail_realize) {
        error_setg(errp, "realize refused");
        return;
    }
    t->realize_count++;
}

static void test_dev_reset(DeviceState *dev)
{
    ((TestDev *)dev)->reset_count++;
    if (reset_log) {
        g_string_append_printf(reset_log, "%s ",
                               dev->id ? dev->id : "anon");
    }
}

static void test_dev_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = test_dev_realize;
    dc->reset = test_dev_reset;
    dc->bus_type = TYPE_TEST_BUS;
    dc->desc = "A test device";
    set_bit_category(dc, DEVICE_CATEGORY_MISC);
    device_class_set_props(dc, test_dev_props);
}

typedef struct TestBridge {
    TestDev parent_obj;
    BusState *bus;
} TestBridge;

static void test_bridge_init(Object *obj)
{
    TestBridge *b = (TestBridge *)obj;

    b->bus = qbus_new(TYPE_TEST_BUS, DEVICE(obj), NULL);
}

static void test_bridge_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->categories = 0;
    set_bit_category(dc, DEVICE_CATEGORY_BRIDGE);
    dc->bus_type = NULL;
    dc->desc = NULL;
}

static void test_internal_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->user_creatable = false;
    dc->bus_type = NULL;
}

static void test_bus_class_init(ObjectClass *klass, void *data)
{
    BusClass *bc = BUS_CLASS(klass);

    bc->max_dev = 4;
}

static const TypeInfo test_types[] = {
    {
        .name = TYPE_TEST_BUS,
        .parent = TYPE_BUS,
        .instance_size = sizeof(BusState),
        .class_init = test_bus_class_init,
    }, {
        .name = TYPE_TEST_DEV,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(TestDev),
        .class_init = test_dev_class_init,
    }, {
        .name = TYPE_TEST_SUBDEV,
        .parent = TYPE_TEST_DEV,
    }, {
        .name = TYPE_TEST_BRIDGE,
        .parent = TYPE_TEST_DEV,
        .instance_size = sizeof(TestBridge),
        .instance_init = test_bridge_init,
        .class_init = test_bridge_class_init,
    }, {
        .name = TYPE_TEST_ABSTRACT,
        .parent = TYPE_DEVICE,
        .abstract = true,
    }, {
        .name = TYPE_TEST_INTERNAL,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(TestDev),
        .class_init = test_internal_class_init,
    },
};

static void register_test_types(void)
{
    type_register_static_array(test_types, ARRAY_SIZE(test_types));
}

type_init(register_test_types)

/* ---- helpers ---- */

static void expect_error(Error **err, const char *msg)
{
    g_assert_nonnull(*err);
    g_assert_cmpstr(error_get_pretty(*err), ==, msg);
    error_free_or_abort(err);
}

static void set_ok(DeviceState *dev, const char *name, const char *value)
{
    g_assert_true(object_property_set_str(OBJECT(dev), name, value,
                                          &error_abort));
}

static void set_fail(DeviceState *dev, const char *name, const char *value,
                     const char *msg)
{
    Error *err = NULL;

    g_assert_false(object_property_set_str(OBJECT(dev), name, value, &err));
    expect_error(&err, msg);
}

static char *get(DeviceState *dev, const char *name)
{
    return object_property_get_str(OBJECT(dev), name, &error_abort);
}

/* ---- tests ---- */

static void test_new(void)
{
    Error *err = NULL;
    DeviceState *dev;

    g_assert_null(qdev_try_new("foo", &err));
    expect_error(&err, "'foo' is not a valid device model name");
    g_assert_null(qdev_try_new(TYPE_TEST_ABSTRACT, &err));
    expect_error(&err, "Parameter 'driver' expects a non-abstract device "
                 "type");
    g_assert_null(qdev_try_new(TYPE_DEVICE, &err));
    error_free_or_abort(&err);
    g_assert_null(qdev_try_new(TYPE_TEST_BUS, &err));
    error_free_or_abort(&err);

    dev = qdev_try_new(TYPE_TEST_DEV, &error_abort);
    g_assert_false(dev->realized);
    object_unref(dev);
}

static void test_defaults_and_strings(void)
{
    DeviceState *dev = qdev_new(TYPE_TEST_DEV);
    TestDev *t = (TestDev *)dev;
    char *s;

    g_assert_false(t->flag);
    g_assert_cmpuint(t->u8, ==, 8);
    g_assert_cmpuint(t->u16, ==, 0xffff);
    g_assert_cmpuint(t->u32, ==, 0x3f8);
    g_assert_cmpint(t->i32, ==, -1);
    g_assert_cmpuint(t->u64, ==, 64);
    g_assert_cmpint(t->i64, ==, -64);
    g_assert_cmpuint(t->size, ==, 4096);
    g_assert_null(t->str);
    g_assert_cmpint(t->mode, ==, ON_OFF_AUTO_AUTO);

    set_ok(dev, "flag", "on");
    g_assert_true(t->flag);
    set_ok(dev, "u8", "255");
    set_fail(dev, "u8", "256", "Parameter 'u8' expects uint8_t");
    set_fail(dev, "u16", "65536", "Parameter 'u16' expects uint16_t");
    set_ok(dev, "iobase", "0x2f8");
    g_assert_cmpuint(t->u32, ==, 0x2f8);
    set_fail(dev, "iobase", "x", "Parameter 'iobase' expects integer");
    set_fail(dev, "iobase", "0x100000000",
             "Parameter 'iobase' expects uint32_t");
    set_ok(dev, "index", "-5");
    g_assert_cmpint(t->i32, ==, -5);
    set_fail(dev, "index", "0x80000000", "Parameter 'index' expects int32_t");
    set_ok(dev, "size", "1M");
    g_assert_cmpuint(t->size, ==, MiB);
    set_ok(dev, "str", "hello");
    set_ok(dev, "str", "world");
    g_assert_cmpstr(t->str, ==, "world");
    set_ok(dev, "mode", "off");
    g_assert_cmpint(t->mode, ==, ON_OFF_AUTO_OFF);
    set_fail(dev, "mode", "maybe",
             "Parameter 'mode' does not accept value 'maybe'");
    set_fail(dev, "flag", "2", "Parameter 'flag' expects 'on' or 'off'");
    set_fail(dev, "nosuch", "1", "Property 'test-dev.nosuch' not found");

    s = get(dev, "iobase");
    g_assert_cmpstr(s, ==, "760");
    g_free(s);
    s = get(dev, "mode");
    g_assert_cmpstr(s, ==, "off");
    g_free(s);
    s = get(dev, "flag");
    g_assert_cmpstr(s, ==, "true");
    g_free(s);
    g_assert_cmpstr(object_property_get_type(OBJECT(dev), "chardev", NULL),
                    ==, "str");
    g_assert_cmpstr(object_property_get_type(OBJECT(dev), "peer", NULL),
                    ==, "link<test-dev>");
    g_assert_cmpstr(object_property_get_type(OBJECT(dev), "mode", NULL),
                    ==, "OnOffAuto");
    object_unref(dev);      /* frees "str" */
}

static void test_realize_and_tree(void)
{
    DeviceState *bridge = qdev_new(TYPE_TEST_BRIDGE);
    DeviceState *dev = qdev_new(TYPE_TEST_DEV);
    DeviceState *anon = qdev_new(TYPE_TEST_DEV);
    BusState *bus = ((TestBridge *)bridge)->bus;
    Error *err = NULL;
    char *path;

    g_assert_cmpstr(bus->name, ==, "test-bus.0");
    g_assert_true(qbus_find_by_name("test-bus.0") == NULL);  /* not in tree */
    g_assert_true(qdev_realize(bridge, NULL, &error_abort));
    path = object_get_canonical_path(OBJECT(bridge));
    g_assert_true(g_str_has_prefix(path, "/machine/unattached/device["));
    g_free(path);
    g_assert_true(qbus_find_by_type(TYPE_TEST_BUS) == bus);
    g_assert_true(qbus_find_by_name("test-bus.0") == bus);
    g_assert_true(bus->realized);

    g_assert_true(qdev_set_id(dev, "dev0", &error_abort));
    g_assert_false(qdev_set_id(anon, "dev0", &err));
    expect_error(&err, "Duplicate ID 'dev0' for device");
    g_assert_false(qdev_set_id(anon, "0bad", &err));
    expect_error(&err, "Parameter 'id' expects an identifier");
    g_assert_true(qdev_set_id(anon, NULL, &error_abort));
    path = object_get_canonical_path(OBJECT(anon));
    g_assert_true(g_str_has_prefix(path, "/machine/peripheral-anon/device["));
    g_free(path);
    path = object_get_canonical_path(OBJECT(dev));
    g_assert_cmpstr(path, ==, "/machine/peripheral/dev0");
    g_free(path);
    g_assert_true(qdev_find_by_id("dev0") == dev);
    g_assert_null(qdev_find_by_id("nope"));

    g_assert_true(qdev_realize_and_unref(dev, bus, &error_abort));
    g_assert_true(dev->realized);
    g_assert_true(dev->parent_bus == bus);
    g_assert_cmpint(((TestDev *)dev)->realize_count, ==, 1);
    g_assert_cmpint(((TestDev *)dev)->reset_count, ==, 1);
    g_assert_cmpint(bus->num_children, ==, 1);
    path = object_property_get_str(OBJECT(dev), "realized", NULL);
    g_assert_cmpstr(path, ==, "true");
    g_free(path);

    /* properties are frozen once realized */
    set_fail(dev, "iobase", "1", "Attempt to set property 'iobase' on "
             "device 'dev0' (type 'test-dev') after it was realized");
    ((TestDev *)anon)->fail_realize = true;
    g_assert_false(qdev_realize(anon, bus, &err));
    expect_error(&err, "realize refused");
    g_assert_false(anon->realized);
    ((TestDev *)anon)->fail_realize = false;
    g_assert_true(qdev_realize_and_unref(anon, bus, &error_abort));
    set_fail(anon, "iobase", "1", "Attempt to set property 'iobase' on "
             "anonymous device (type 'test-dev') after it was realized");

    /* device without bus support refused by the bus */
    {
        DeviceState *internal = qdev_new(TYPE_TEST_INTERNAL);

        g_assert_false(qdev_realize(internal, bus, &err));
        expect_error(&err, "Device 'test-internal-dev' can't go on test-bus "
                     "bus");
        object_unref(internal);
    }

    /* unrealize through the property, then unparent frees everything */
    g_assert_true(object_property_set_bool(OBJECT(bridge), "realized",
                                           false, NULL));
    g_assert_false(dev->realized);
    g_assert_false(bridge->realized);
    object_unparent(OBJECT(dev));
    g_assert_cmpint(bus->num_children, ==, 1);
    object_unparent(OBJECT(anon));
    object_unparent(OBJECT(bridge));
    object_unref(bridge);
    g_assert_null(qbus_find_by_type(TYPE_TEST_BUS));
}

static void test_bus_full(void)
{
    BusState *bus = qbus_new(TYPE_TEST_BUS, NULL, "fullbus");
    DeviceState *devs[5];
    Error *err = NULL;

    for (int i = 0; i < 4; i++) {
        devs[i] = qdev_new(TYPE_TEST_DEV);
        g_assert_true(qdev_realize_and_unref(devs[i], bus, &error_abort));
    }
    devs[4] = qdev_new(TYPE_TEST_DEV);
    g_assert_false(qdev_realize(devs[4], bus, &err));
    expect_error(&err, "Bus 'fullbus' is full");
    object_unref(devs[4]);
    g_assert_true(qbus_find_by_name("fullbus") == bus);
    object_unparent(OBJECT(bus));
    g_assert_null(qbus_find_by_name("fullbus"));
}

static void test_chardev_and_link(void)
{
    Chardev *chr = chardev_new_from_string("null,id=tchr", &error_abort);
    DeviceState *a = qdev_new(TYPE_TEST_DEV);
    DeviceState *b = qdev_new(TYPE_TEST_DEV);
    TestDev *ta = (TestDev *)a;
    char *s;

    set_fail(a, "chardev", "x", "Property 'test-dev.chardev' can't find "
             "value 'x'");
    set_ok(a, "chardev", "tchr");
    g_assert_true(ta->chr.chr == chr);
    s = get(a, "chardev");
    g_assert_cmpstr(s, ==, "tchr");
    g_free(s);
    set_fail(a, "chardev", "tchr", "chardev property already set");

    g_assert_true(qdev_set_id(b, "linkpeer", &error_abort));
    set_ok(a, "peer", "linkpeer");
    g_assert_true(ta->peer == OBJECT(b));
    s = get(a, "peer");
    g_assert_cmpstr(s, ==, "/machine/peripheral/linkpeer");
    g_free(s);
    set_fail(a, "peer", "ghost", "Device 'ghost' not found");
    set_fail(a, "peer", "/machine/peripheral", "Invalid parameter type for "
             "'peer', expected: test-dev");
    object_unref(a);        /* releases the chardev and the link */
    g_assert_null(chr->fe);
    object_unparent(OBJECT(b));
    object_unref(b);
    chardev_delete(chr);
}

static void test_globals(void)
{
    Error *err = NULL;
    DeviceState *dev;

    g_assert_true(qdev_prop_register_global_str("test-dev.iobase=0x100",
                                                &error_abort));
    g_assert_true(qdev_prop_register_global_str(
                      "driver=test-subdev,property=u8,value=7",
                      &error_abort));
    g_assert_false(qdev_prop_register_global_str("foo=1", &err));
    expect_error(&err, "Invalid parameter 'foo'");
    g_assert_false(qdev_prop_register_global_str(
                       "driver=test-dev,property=u8", &err));
    expect_error(&err, "options 'driver', 'property', and 'value' are "
                 "required");

    /* applies to the type and subtypes, before realize */
    dev = qdev_new(TYPE_TEST_SUBDEV);
    g_assert_cmpuint(((TestDev *)dev)->u32, ==, 0x100);
    g_assert_cmpuint(((TestDev *)dev)->u8, ==, 7);
    object_unref(dev);
    dev = qdev_new(TYPE_TEST_DEV);
    g_assert_cmpuint(((TestDev *)dev)->u8, ==, 8);
    object_unref(dev);

    /* a global that cannot apply fails the realize of the device */
    qdev_prop_register_global("test-subdev", "nosuch", "1");
    dev = qdev_new(TYPE_TEST_SUBDEV);
    g_assert_false(qdev_realize(dev, NULL, &err));
    expect_error(&err, "can't apply global test-subdev.nosuch=1: Property "
                 "'test-subdev.nosuch' not found");
    object_unref(dev);

    qdev_prop_register_global("no-such-driver", "x", "1");
    qdev_prop_register_global(TYPE_TEST_INTERNAL, "u8", "1");
    if (g_test_subprocess()) {
        qdev_prop_check_globals();
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr("*warning: global no-such-driver.x has "
                              "invalid class name*");
    g_test_trap_assert_stderr("*warning: global test-internal-dev.u8=1 not "
                              "used*");
}

static void test_reset_order(void)
{
    DeviceState *bridge = qdev_new(TYPE_TEST_BRIDGE);
    BusState *bus = ((TestBridge *)bridge)->bus;
    DeviceState *c1 = qdev_new(TYPE_TEST_DEV);
    DeviceState *c2 = qdev_new(TYPE_TEST_DEV);

    qdev_set_id(bridge, "br", &error_abort);
    qdev_set_id(c1, "c1", &error_abort);
    qdev_set_id(c2, "c2", &error_abort);
    qdev_realize(bridge, NULL, &error_abort);
    qdev_realize(c2, bus, &error_abort);
    qdev_realize(c1, bus, &error_abort);

    reset_log = g_string_new("");
    device_cold_reset(bridge);
    /* devices on the bridge's bus first, in plug order */
    g_assert_cmpstr(reset_log->str, ==, "c2 c1 br ");
    g_string_truncate(reset_log, 0);
    qdev_reset_all_devices();
    g_assert_cmpstr(reset_log->str, ==, "c2 c1 br ");
    g_string_free(reset_log, true);
    reset_log = NULL;
    g_assert_cmpint(((TestDev *)c1)->reset_count, ==, 3);

    object_unref(c1);
    object_unref(c2);
    object_unref(bridge);
    object_unparent(OBJECT(bridge));
}

static void test_help(void)
{
    Error *err = NULL;

    g_assert_false(qdev_print_device_help("nodev", &err));
    expect_error(&err, "Device 'nodev' not found");
    g_assert_false(qdev_print_device_help(TYPE_TEST_ABSTRACT, &err));
    expect_error(&err, "Parameter 'typename' expects a non-abstract device "
                 "type");
    if (g_test_subprocess()) {
        qdev_print_device_list();
        qdev_print_device_help(TYPE_TEST_DEV, &error_abort);
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_passed();
    g_test_trap_assert_stdout(
        "Controller/Bridge/Hub devices:\n"
        "name \"test-bridge\"\n"
        "\n"
        "Misc devices:\n"
        "name \"test-dev\", bus test-bus, desc \"A test device\"\n"
        "name \"test-subdev\", bus test-bus, desc \"A test device\"\n"
        "test-dev options:\n"
        "  chardev=<str>          - ID of a chardev to use as a backend\n"
        "  flag=<bool>            -  (default: false)\n"
        "  i64=<int64>            -  (default: -64)\n"
        "  index=<int32>          -  (default: -1)\n"
        "  iobase=<uint32>        -  (default: 1016)\n"
        "  mode=<OnOffAuto>       -  (default: \"auto\")\n"
        "  peer=<link<test-dev>>\n"
        "  size=<size>            -  (default: 4096)\n"
        "  str=<str>\n"
        "  u16=<uint16>           -  (default: 65535)\n"
        "  u64=<uint64>           -  (default: 64)\n"
        "  u8=<uint8>             -  (default: 8)\n");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qdev/new", test_new);
    g_test_add_func("/qdev/defaults-and-strings", test_defaults_and_strings);
    g_test_add_func("/qdev/realize-and-tree", test_realize_and_tree);
    g_test_add_func("/qdev/bus-full", test_bus_full);
    g_test_add_func("/qdev/chardev-and-link", test_chardev_and_link);
    g_test_add_func("/qdev/reset-order", test_reset_order);
    g_test_add_func("/qdev/help", test_help);
    g_test_add_func("/qdev/globals", test_globals);
    return g_test_run();
}
