/*
 * Unit tests for util/json-*.c input side: framing of a byte stream into
 * values (any split), QEMU's parse error texts and recovery, limits.
 * Expected texts come from QEMU 7.2's QMP replies to the same bytes.
 */
#include "qemu/osdep.h"
#include "qemu/json-stream.h"
#include "qemu/json-writer.h"

/* Each emitted value as compact JSON, each error as "ERR <message>". */
static void collect(void *opaque, JsonNode *value, Error *err)
{
    GPtrArray *out = opaque;

    if (err) {
        g_ptr_array_add(out, g_strdup_printf("ERR %s",
                                             error_get_pretty(err)));
        error_free(err);
    } else {
        g_ptr_array_add(out, json_writer_to_string(value, false));
        json_node_unref(value);
    }
}

/* Feed @len bytes in pieces of @chunk bytes; return the results joined. */
static char *feed_chunked(const char *in, size_t len, size_t chunk)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    JsonStream *js = json_stream_new(collect, out);
    size_t i;
    char *res;

    for (i = 0; i < len; i += chunk) {
        json_stream_feed(js, in + i, MIN(chunk, len - i));
    }
    json_stream_free(js);
    g_ptr_array_add(out, NULL);
    res = g_strjoinv("|", (char **)out->pdata);
    g_ptr_array_free(out, true);
    return res;
}

static char *feed(const char *in)
{
    return feed_chunked(in, strlen(in), strlen(in) ? strlen(in) : 1);
}

static void check(const char *in, const char *expect)
{
    char *got = feed(in);
    size_t chunk;

    g_assert_cmpstr(got, ==, expect);
    g_free(got);
    /* the same bytes split anywhere give the same values */
    for (chunk = 1; chunk < 4; chunk++) {
        got = feed_chunked(in, strlen(in), chunk);
        g_assert_cmpstr(got, ==, expect);
        g_free(got);
    }
}

static void test_framing(void)
{
    check("{\"execute\": \"query-status\"}\n",
          "{\"execute\": \"query-status\"}");
    /* two objects in one write (reference 39) */
    check("{\"execute\":\"query-name\"}{\"execute\":\"query-status\"}",
          "{\"execute\": \"query-name\"}|{\"execute\": \"query-status\"}");
    /* braces and brackets inside strings do not count */
    check("{\"a\": \"}]{[\\\"\", 'b': ['}']}\r\n",
          "{\"a\": \"}]{[\\\"\", \"b\": [\"}\"]}");
    /* top-level scalars are values by themselves */
    check("1 2.5 true null \"s\" ", "1|2.5|true|null|\"s\"");
    check("", "");
    check("  \t\r\n ", "");
    /* a number needs a terminator */
    check("42", "");
    check("[[], {}, [[1]]]\n", "[[], {}, [[1]]]");
}

static void test_errors(void)
{
    /* reference 31-malformed-json */
    check("{\"execute\": \"query-status\",]\n",
          "ERR JSON parse error, expecting value");
    /* reference 32-not-json: one error per word */
    check("not json at all\n",
          "ERR JSON parse error, invalid keyword 'not'|"
          "ERR JSON parse error, invalid keyword 'json'|"
          "ERR JSON parse error, invalid keyword 'at'|"
          "ERR JSON parse error, invalid keyword 'all'");
    check("{\"a\" 1}", "ERR JSON parse error, missing : in object pair");
    check("{1: 2}", "ERR JSON parse error, key is not a string in object");
    check("{\"a\":1 \"b\":2}",
          "ERR JSON parse error, expected separator in dict");
    check("[1 2]", "ERR JSON parse error, expected separator in list");
    check("{\"a\":1,\"a\":2}", "ERR JSON parse error, duplicate key");
    check("[}", "ERR JSON parse error, expecting value");
    check("[tru]", "ERR JSON parse error, invalid keyword 'tru'");
    check("\"\\q\"", "ERR JSON parse error, invalid escape sequence in string");
    check("\"\\ud800\"",
          "ERR JSON parse error, \\ud800 is not a valid Unicode character");
    check("\"\\ud800\\u0041\"",
          "ERR JSON parse error, \\ud800 is not a valid Unicode character");
    check("\"\\uFFFE\"",
          "ERR JSON parse error, \\uFFFE is not a valid Unicode character");
    check("\"\\u1\"",
          "ERR JSON parse error, \\u1\" is not a valid Unicode character");
    check("\"\\u12g4\"",
          "ERR JSON parse error, \\u12g4 is not a valid Unicode character");
    check("\"\xed\xa0\x80\"",
          "ERR JSON parse error, invalid UTF-8 sequence in string");
    check("\"\xe0\x80\x80\"",
          "ERR JSON parse error, invalid UTF-8 sequence in string");
    /* a closing brace with nothing open */
    check("{\"execute\":\"query-name\"}}",
          "{\"execute\": \"query-name\"}|"
          "ERR JSON parse error, expecting value");
}

static void test_recovery(void)
{
    /* a lexical error skips to the next brace: the command still runs */
    check("X{\"execute\":\"query-name\"}",
          "ERR JSON parse error, stray 'X'|{\"execute\": \"query-name\"}");
    check("{\"a\": X}",
          "ERR JSON parse error, stray 'X'|"
          "ERR JSON parse error, expecting value");
    check("01 ", "ERR JSON parse error, stray '01'");
    check("-x\n", "ERR JSON parse error, stray '-x'");
    check("1.\n", "ERR JSON parse error, stray '1.\n'");
    check("%\n", "ERR JSON parse error, stray '%'");
    check("{\"exec\n", "ERR JSON parse error, stray '\"exec\n'");
    check("tRue\n",
          "ERR JSON parse error, invalid keyword 't'|"
          "ERR JSON parse error, stray 'R'");
    check("a-b\n",
          "ERR JSON parse error, invalid keyword 'a'|"
          "ERR JSON parse error, stray '-b'");
    /* recovery stops at structural characters only */
    check("X \"a\" 1 true\n", "ERR JSON parse error, stray 'X'");
    check("X:", "ERR JSON parse error, stray 'X'|"
          "ERR JSON parse error, expecting value");
    check("X\x80,", "ERR JSON parse error, stray 'X'|"
          "ERR JSON parse error, expecting value");
    /* a control character forces a resync, and is itself reported */
    check("X\x01{\"execute\":\"query-name\"}",
          "ERR JSON parse error, stray 'X'|"
          "ERR JSON parse error, stray '\x01'|{\"execute\": \"query-name\"}");
    check("\xff{\"a\":1}",
          "ERR JSON parse error, stray '\xff'|{\"a\": 1}");
    check("true\xc3\xa9\n",
          "true|ERR JSON parse error, stray '\xc3'");
}

static void test_values(void)
{
    check("{'execute':'query-name'}", "{\"execute\": \"query-name\"}");
    check("[0.5E+2, -0, 1e3, 0.1, -1e-7, 123456789012345678]",
          "[50, 0, 1000, 0.10000000000000001, -9.9999999999999995e-08, "
          "123456789012345678]");
    check("\"\\/\\b\\f\\n\\r\\t\\\"\\'\"", "\"/\\b\\f\\n\\r\\t\\\"'\"");
    check("\"\\u0000\"", "\"\\u0000\"");
    check("\"a\xc0\x80" "b\x7f\xc3\xa9\xf0\x9f\x98\x80\"",
          "\"a\\u0000b\\u007F\\u00E9\\uD83D\\uDE00\"");
    check("\"\\uD83D\\uDE00\\u00e9\"", "\"\\uD83D\\uDE00\\u00E9\"");
}

static void test_one_shot(void)
{
    Error *err = NULL;
    JsonNode *n = json_parse_string("{\"a\": [1, 2]}", &error_abort);

    g_assert_cmpint(json_node_get_node_type(n), ==, JSON_NODE_OBJECT);
    json_node_unref(n);
    n = json_parse_string("1", &error_abort);
    g_assert_cmpint(json_node_get_int(n), ==, 1);
    json_node_unref(n);
    g_assert_null(json_parse_string("1 2", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Expecting at most one JSON value");
    error_free_or_abort(&err);
    g_assert_null(json_parse_string("{\"a\": ", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "JSON parse error, premature EOI");
    error_free_or_abort(&err);
    g_assert_null(json_parse_string("\"abc", &err));
    error_free_or_abort(&err);
}

static void test_limits(void)
{
    GString *in = g_string_new(NULL);
    char *got, **parts;
    int i;

    /* 1025 levels: one nesting error, then each ']' is stray */
    for (i = 0; i < JSON_MAX_NESTING + 1; i++) {
        g_string_append_c(in, '[');
    }
    g_string_append(in, "]]");
    got = feed(in->str);
    g_assert_cmpstr(got, ==, "ERR JSON nesting depth limit exceeded|"
                    "ERR JSON parse error, expecting value|"
                    "ERR JSON parse error, expecting value");
    g_free(got);

    /* 1024 levels are fine */
    g_string_truncate(in, 0);
    for (i = 0; i < JSON_MAX_NESTING; i++) {
        g_string_append_c(in, '[');
    }
    for (i = 0; i < JSON_MAX_NESTING; i++) {
        g_string_append_c(in, ']');
    }
    got = feed(in->str);
    g_assert_cmpint(strlen(got), ==, 2 * JSON_MAX_NESTING);
    g_free(got);

    /* one string token bigger than the limit, then a good value */
    g_string_truncate(in, 0);
    g_string_append_c(in, '"');
    g_string_set_size(in, JSON_MAX_TOKEN_SIZE + 16);
    memset(in->str + 1, 'a', in->len - 1);
    g_string_append(in, "\"\n{\"a\": 1}");
    got = feed(in->str);
    parts = g_strsplit(got, "|", -1);
    g_assert_cmpstr(parts[0], ==, "ERR JSON token size limit exceeded");
    g_assert_cmpstr(parts[g_strv_length(parts) - 1], ==, "{\"a\": 1}");
    g_strfreev(parts);
    g_free(got);
    g_string_free(in, true);
}

static void reset_on_first(void *opaque, JsonNode *value, Error *err)
{
    JsonStream **js = opaque;

    json_node_unref(value);
    json_stream_reset(*js);
}

static void test_reset(void)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    JsonStream *js = json_stream_new(collect, out), *js2;

    json_stream_feed(js, "{\"a\": [1, ", 10);
    json_stream_reset(js);
    json_stream_feed(js, "{\"b\": 2}", 8);
    g_assert_cmpint(out->len, ==, 1);
    g_assert_cmpstr(out->pdata[0], ==, "{\"b\": 2}");
    json_stream_free(js);
    g_ptr_array_free(out, true);

    /* a reset from the callback drops the rest of that feed */
    js2 = json_stream_new(reset_on_first, &js2);
    json_stream_feed(js2, "1 [2", 4);
    json_stream_free(js2);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/json/stream/framing", test_framing);
    g_test_add_func("/json/stream/errors", test_errors);
    g_test_add_func("/json/stream/recovery", test_recovery);
    g_test_add_func("/json/stream/values", test_values);
    g_test_add_func("/json/stream/one-shot", test_one_shot);
    g_test_add_func("/json/stream/limits", test_limits);
    g_test_add_func("/json/stream/reset", test_reset);
    return g_test_run();
}
