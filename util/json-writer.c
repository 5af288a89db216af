/*
 * JSON printer in QEMU's QMP format (see include/qemu/json-writer.h).
 */
#include "qemu/osdep.h"
#include "qemu/json-writer.h"
#include "json-internal.h"

static void json_newline(GString *out, bool pretty, int indent)
{
    if (pretty) {
        g_string_append_c(out, '\n');
        g_string_append_printf(out, "%*s", indent * 4, "");
    }
}

void json_writer_append_string(GString *out, const char *str)
{
    const char *ptr = str, *end;
    size_t len = strlen(str);
    int cp;

    g_string_append_c(out, '"');
    while (*ptr) {
        cp = json_utf8_decode(ptr, len - (ptr - str), &end);
        ptr = end;
        switch (cp) {
        case '"':
            g_string_append(out, "\\\"");
            break;
        case '\\':
            g_string_append(out, "\\\\");
            break;
        case '\b':
            g_string_append(out, "\\b");
            break;
        case '\f':
            g_string_append(out, "\\f");
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\r':
            g_string_append(out, "\\r");
            break;
        case '\t':
            g_string_append(out, "\\t");
            break;
        default:
            if (cp < 0) {
                cp = 0xFFFD;    /* replacement character */
            }
            if (cp > 0xFFFF) {
                g_string_append_printf(out, "\\u%04X\\u%04X",
                                       0xD800 + ((cp - 0x10000) >> 10),
                                       0xDC00 + ((cp - 0x10000) & 0x3FF));
            } else if (cp < 0x20 || cp >= 0x7F) {
                g_string_append_printf(out, "\\u%04X", cp);
            } else {
                g_string_append_c(out, cp);
            }
        }
    }
    g_string_append_c(out, '"');
}

static void json_append(GString *out, JsonNode *node, bool pretty,
                        int indent);

static void json_append_object(GString *out, JsonObject *obj, bool pretty,
                               int indent)
{
    GList *names = json_object_get_members(obj), *l;
    bool first = true;

    g_string_append_c(out, '{');
    for (l = names; l; l = l->next) {
        if (!first) {
            g_string_append(out, pretty ? "," : ", ");
        }
        first = false;
        json_newline(out, pretty, indent + 1);
        json_writer_append_string(out, l->data);
        g_string_append(out, ": ");
        json_append(out, json_object_get_member(obj, l->data), pretty,
                    indent + 1);
    }
    json_newline(out, pretty, indent);
    g_string_append_c(out, '}');
    g_list_free(names);
}

static void json_append_array(GString *out, JsonArray *arr, bool pretty,
                              int indent)
{
    unsigned n = json_array_get_length(arr), i;

    g_string_append_c(out, '[');
    for (i = 0; i < n; i++) {
        if (i) {
            g_string_append(out, pretty ? "," : ", ");
        }
        json_newline(out, pretty, indent + 1);
        json_append(out, json_array_get_element(arr, i), pretty, indent + 1);
    }
    json_newline(out, pretty, indent);
    g_string_append_c(out, ']');
}

static void json_append(GString *out, JsonNode *node, bool pretty,
                        int indent)
{
    switch (node ? json_node_get_node_type(node) : JSON_NODE_NULL) {
    case JSON_NODE_OBJECT:
        json_append_object(out, json_node_get_object(node), pretty, indent);
        return;
    case JSON_NODE_ARRAY:
        json_append_array(out, json_node_get_array(node), pretty, indent);
        return;
    case JSON_NODE_NULL:
        g_string_append(out, "null");
        return;
    case JSON_NODE_VALUE:
        break;
    }
    switch (json_node_get_value_type(node)) {
    case G_TYPE_INT64:
        g_string_append_printf(out, "%" PRId64, json_node_get_int(node));
        break;
    case G_TYPE_DOUBLE: {
        /* 17 significant digits round-trip any double, as QEMU prints */
        char buf[G_ASCII_DTOSTR_BUF_SIZE];

        g_ascii_formatd(buf, sizeof(buf), "%.17g", json_node_get_double(node));
        g_string_append(out, buf);
        break;
    }
    case G_TYPE_BOOLEAN:
        g_string_append(out, json_node_get_boolean(node) ? "true" : "false");
        break;
    case G_TYPE_STRING:
        json_writer_append_string(out, json_node_get_string(node));
        break;
    default:
        g_string_append(out, "null");
        break;
    }
}

void json_writer_append(GString *out, JsonNode *node, bool pretty)
{
    json_append(out, node, pretty, 0);
}

char *json_writer_to_string(JsonNode *node, bool pretty)
{
    GString *out = g_string_new(NULL);

    json_append(out, node, pretty, 0);
    return g_string_free(out, false);
}
