/*
 * Unit tests for util/json-writer.c: QEMU's compact and pretty QMP output,
 * insertion order of members, string escaping.  Expected
 * texts are QEMU 7.2's replies (shared/reference/qmp and -qmp-pretty).
 */
#include "qemu/osdep.h"
#include "qemu/json-stream.h"
#include "qemu/json-writer.h"

static void check_print(const char *in, bool pretty, const char *expect)
{
    JsonNode *n = json_parse_string(in, &error_abort);
    char *got = json_writer_to_string(n, pretty);

    g_assert_cmpstr(got, ==, expect);
    g_free(got);
    json_node_unref(n);
}

static void test_compact(void)
{
    check_print("{}", false, "{}");
    check_print("[]", false, "[]");
    check_print("[1,2,[3,{}]]", false, "[1, 2, [3, {}]]");
    check_print("{\"return\":{}}", false, "{\"return\": {}}");
    check_print("-9223372036854775808", false, "-9223372036854775808");
    check_print("1.5e300", false, "1.5000000000000001e+300");
    check_print("3e20", false, "3e+20");
    check_print("1e16", false, "10000000000000000");
}

static void test_member_order(void)
{
    /* insertion order: the QMP layer puts members in QEMU's order */
    check_print("{\"running\": true, \"singlestep\": false, "
                "\"status\": \"running\"}", false,
                "{\"running\": true, \"singlestep\": false, "
                "\"status\": \"running\"}");
    check_print("{\"zz\":1,\"a\":2,\"event\":3,\"timestamp\":4}", false,
                "{\"zz\": 1, \"a\": 2, \"event\": 3, \"timestamp\": 4}");
}

static void test_pretty(void)
{
    check_print("{}", true, "{\n}");
    check_print("{\"return\": {}}", true, "{\n    \"return\": {\n    }\n}");
    check_print("{\"id\": {\"a\": [1, {}], \"b\": []}}", true,
                "{\n"
                "    \"id\": {\n"
                "        \"a\": [\n"
                "            1,\n"
                "            {\n"
                "            }\n"
                "        ],\n"
                "        \"b\": [\n"
                "        ]\n"
                "    }\n"
                "}");
}

static void test_strings(void)
{
    GString *out = g_string_new(NULL);

    json_writer_append_string(out, "a\"\\/\b\f\n\r\t\x01\x7f\xc3\xa9");
    g_assert_cmpstr(out->str, ==,
                    "\"a\\\"\\\\/\\b\\f\\n\\r\\t\\u0001\\u007F\\u00E9\"");
    g_string_truncate(out, 0);
    /* beyond the BMP, modified UTF-8 NUL, invalid bytes */
    json_writer_append_string(out, "\xf0\x9f\x98\x80\xc0\x80\xff");
    g_assert_cmpstr(out->str, ==, "\"\\uD83D\\uDE00\\u0000\\uFFFD\"");
    g_string_free(out, true);
}

static void test_built(void)
{
    JsonObject *obj = json_object_new();
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);
    char *s;

    json_object_set_string_member(obj, "status", "paused");
    json_object_set_boolean_member(obj, "running", false);
    json_object_set_null_member(obj, "x");
    json_object_set_double_member(obj, "d", 0.5);
    json_node_take_object(node, obj);
    s = json_writer_to_string(node, false);
    g_assert_cmpstr(s, ==, "{\"status\": \"paused\", \"running\": false, "
                    "\"x\": null, \"d\": 0.5}");
    g_free(s);
    json_node_unref(node);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/json/writer/compact", test_compact);
    g_test_add_func("/json/writer/member-order", test_member_order);
    g_test_add_func("/json/writer/pretty", test_pretty);
    g_test_add_func("/json/writer/strings", test_strings);
    g_test_add_func("/json/writer/built", test_built);
    return g_test_run();
}
