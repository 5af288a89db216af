/*
 * The real QMP commands end to end through qmp_dispatch, linked with the
 * whole emulator but without a machine: run state, identity, KVM, QOM
 * (qom-list, qom-get, qom-set, qom-list-types), device-list-properties,
 * device_add / device_del refusals, query-chardev, run-state events.
 */
#include "qemu/osdep.h"
#include "qapi/qmp-dispatch.h"
#include "qapi/qmp-event.h"
#include "qapi/qapi-events.h"
#include "chardev/char.h"
#include "hw/qdev-core.h"
#include "system/runstate.h"

static char *run(const char *request)
{
    g_autoptr(GError) gerr = NULL;
    JsonNode *req = json_from_string(request, &gerr);
    JsonNode *rsp;
    char *text;

    g_assert_no_error(gerr);
    rsp = qmp_dispatch(req, true);
    text = json_to_string(rsp, FALSE);
    json_node_unref(rsp);
    json_node_unref(req);
    return text;
}

#define assert_rsp(request, expected) do { \
        g_autofree char *got_ = run(request); \
        g_assert_cmpstr(got_, ==, (expected)); \
    } while (0)

#define assert_contains(request, part) do { \
        g_autofree char *got_ = run(request); \
        if (!strstr(got_, (part))) { \
            g_error("%s: %s lacks %s", (request), got_, (part)); \
        } \
    } while (0)

static void test_identity(void)
{
    assert_rsp("{\"execute\": \"query-status\"}",
               "{\"return\":{\"status\":\"prelaunch\",\"singlestep\":false,"
               "\"running\":false}}");
    assert_rsp("{\"execute\": \"query-target\"}",
               "{\"return\":{\"arch\":\"x86_64\"}}");
    assert_rsp("{\"execute\": \"query-uuid\"}",
               "{\"return\":{\"UUID\":"
               "\"00000000-0000-0000-0000-000000000000\"}}");
    assert_rsp("{\"execute\": \"query-version\"}",
               "{\"return\":{\"qemu\":{\"micro\":0,\"minor\":2,\"major\":7},"
               "\"package\":\"kemu " KEMU_VERSION "\"}}");
    assert_rsp("{\"execute\": \"query-iothreads\"}", "{\"return\":[]}");
    assert_rsp("{\"execute\": \"query-cpus-fast\"}", "{\"return\":[]}");
    /* No accelerator started here. */
    assert_contains("{\"execute\": \"query-kvm\"}",
                    "{\"return\":{\"enabled\":false,\"present\":");
    assert_contains("{\"execute\": \"query-machines\"}",
                    "{\"hotpluggable-cpus\":false,\"name\":\"pc-i440fx-7.2\","
                    "\"numa-mem-supported\":false,\"default-cpu-type\":"
                    "\"qemu64-x86_64-cpu\",\"is-default\":true,\"cpu-max\":"
                    "255,\"deprecated\":false,\"default-ram-id\":\"pc.ram\","
                    "\"alias\":\"pc\"}");
}

static void test_qom(void)
{
    DeviceState *dev = qdev_try_new("isa-serial", &error_abort);

    g_assert_true(qdev_set_id(dev, "s0", &error_abort));
    object_unref(dev);      /* the tree holds it */

    assert_contains("{\"execute\": \"qom-list\", "
                    "\"arguments\": {\"path\": \"/machine/peripheral/s0\"}}",
                    "{\"name\":\"iobase\",\"type\":\"uint32\"}");
    assert_rsp("{\"execute\": \"qom-list\", "
               "\"arguments\": {\"path\": \"nope\"}}",
               "{\"error\":{\"class\":\"DeviceNotFound\","
               "\"desc\":\"Device 'nope' not found\"}}");
    /* Partial paths, as QEMU resolves them. */
    assert_rsp("{\"execute\": \"qom-get\", \"arguments\": "
               "{\"path\": \"s0\", \"property\": \"iobase\"}}",
               "{\"return\":4294967295}");
    assert_rsp("{\"execute\": \"qom-set\", \"arguments\": {\"path\": "
               "\"/machine/peripheral/s0\", \"property\": \"iobase\", "
               "\"value\": 760}}", "{\"return\":{}}");
    assert_rsp("{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
               "\"/machine/peripheral/s0\", \"property\": \"iobase\"}}",
               "{\"return\":760}");
    assert_rsp("{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
               "\"/machine/peripheral/s0\", \"property\": \"realized\"}}",
               "{\"return\":false}");
    assert_rsp("{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
               "\"/machine/peripheral/s0\", \"property\": \"type\"}}",
               "{\"return\":\"isa-serial\"}");
    assert_rsp("{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
               "\"/machine\", \"property\": \"peripheral\"}}",
               "{\"return\":\"/machine/peripheral\"}");
    assert_rsp("{\"execute\": \"qom-set\", \"arguments\": {\"path\": "
               "\"/machine/peripheral/s0\", \"property\": \"iobase\", "
               "\"value\": \"x\"}}",
               "{\"error\":{\"class\":\"GenericError\",\"desc\":"
               "\"Invalid parameter type for 'iobase', expected: "
               "integer\"}}");
    assert_rsp("{\"execute\": \"qom-set\", \"arguments\": {\"path\": "
               "\"/machine/peripheral/s0\", \"property\": \"nope\", "
               "\"value\": 1}}",
               "{\"error\":{\"class\":\"GenericError\",\"desc\":"
               "\"Property 'isa-serial.nope' not found\"}}");
    assert_rsp("{\"execute\": \"qom-get\", \"arguments\": "
               "{\"path\": \"/nope\", \"property\": \"x\"}}",
               "{\"error\":{\"class\":\"DeviceNotFound\","
               "\"desc\":\"Device '/nope' not found\"}}");

    /* No bus: kemu has no hotplug handler for it. */
    assert_rsp("{\"execute\": \"device_del\", \"arguments\": {\"id\": \"s0\"}}",
               "{\"error\":{\"class\":\"GenericError\",\"desc\":"
               "\"Device 'isa-serial' does not support hotplugging\"}}");
    assert_rsp("{\"execute\": \"device_del\", "
               "\"arguments\": {\"id\": \"nope\"}}",
               "{\"error\":{\"class\":\"DeviceNotFound\","
               "\"desc\":\"Device 'nope' not found\"}}");
    assert_rsp("{\"execute\": \"device_del\", "
               "\"arguments\": {\"id\": \"/machine/peripheral\"}}",
               "{\"error\":{\"class\":\"GenericError\",\"desc\":"
               "\"/machine/peripheral is not a hotpluggable device\"}}");
    object_unparent(OBJECT(dev));
}

static void test_types(void)
{
    assert_contains("{\"execute\": \"qom-list-types\", "
                    "\"arguments\": {\"implements\": \"isa-device\"}}",
                    "{\"name\":\"isa-serial\",\"parent\":\"isa-device\"}");
    assert_contains("{\"execute\": \"qom-list-types\", \"arguments\": "
                    "{\"implements\": \"device\", \"abstract\": true}}",
                    "{\"abstract\":true,\"name\":\"isa-device\","
                    "\"parent\":\"device\"}");
    assert_rsp("{\"execute\": \"qom-list-types\", "
               "\"arguments\": {\"implements\": \"no-such-type\"}}",
               "{\"return\":[]}");
    assert_contains("{\"execute\": \"device-list-properties\", "
                    "\"arguments\": {\"typename\": \"isa-serial\"}}",
                    "{\"default-value\":4294967295,\"name\":\"iobase\","
                    "\"type\":\"uint32\"}");
    assert_contains("{\"execute\": \"device-list-properties\", "
                    "\"arguments\": {\"typename\": \"isa-serial\"}}",
                    "{\"name\":\"chardev\",\"description\":"
                    "\"ID of a chardev to use as a backend\","
                    "\"type\":\"str\"}");
    assert_rsp("{\"execute\": \"device-list-properties\", "
               "\"arguments\": {\"typename\": \"nope\"}}",
               "{\"error\":{\"class\":\"DeviceNotFound\","
               "\"desc\":\"Device 'nope' not found\"}}");
    assert_rsp("{\"execute\": \"device-list-properties\", "
               "\"arguments\": {\"typename\": \"device\"}}",
               "{\"error\":{\"class\":\"GenericError\",\"desc\":"
               "\"Parameter 'typename' expects a non-abstract device "
               "type\"}}");
    assert_rsp("{\"execute\": \"device_add\", "
               "\"arguments\": {\"driver\": \"nope\"}}",
               "{\"error\":{\"class\":\"GenericError\","
               "\"desc\":\"'nope' is not a valid device model name\"}}");
    assert_rsp("{\"execute\": \"device_add\", \"arguments\": {}}",
               "{\"error\":{\"class\":\"GenericError\","
               "\"desc\":\"Parameter 'driver' is missing\"}}");
}

static void test_chardev(void)
{
    Chardev *chr = chardev_new_from_string("null,id=qapi-null", &error_abort);

    assert_contains("{\"execute\": \"query-chardev\"}",
                    "{\"frontend-open\":false,\"filename\":\"null\","
                    "\"label\":\"qapi-null\"}");
    chardev_delete(chr);
}

static GString *events;

static void capture_event(const char *event, JsonObject *data)
{
    g_string_append_printf(events, "%s;", event);
}

static void test_events(void)
{
    events = g_string_new("");
    qapi_event_set_emitter(capture_event);
    /* Reset with a cause: the RESET event through the run-state listener. */
    qemu_system_reset(SHUTDOWN_CAUSE_GUEST_RESET);
    assert_rsp("{\"execute\": \"system_powerdown\"}", "{\"return\":{}}");
    qapi_event_set_emitter(NULL);
    g_assert_cmpstr(events->str, ==, "RESET;POWERDOWN;");
    g_string_free(events, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qapi/cmds/identity", test_identity);
    g_test_add_func("/qapi/cmds/qom", test_qom);
    g_test_add_func("/qapi/cmds/types", test_types);
    g_test_add_func("/qapi/cmds/chardev", test_chardev);
    g_test_add_func("/qapi/cmds/events", test_events);
    return g_test_run();
}
