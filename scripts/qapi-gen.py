#!/usr/bin/env python3
"""
kemu's QAPI generator: reads the schema (qapi/qapi-schema.json and the
modules it includes, QAPI syntax as QEMU documents it) and writes C:

  qapi-types.h/.c       enums (Name_str/Name_lookup), structs, unions,
                        NameList, qapi_free_Name()
  qapi-visit.h/.c       conversions to and from json-glib JsonNode values,
                        with QEMU's argument error texts
  qapi-commands.h/.c    qmp_<cmd> prototypes, marshallers, command table
  qapi-events.h/.c      qapi_event_send_<name>() senders
  qapi-introspect.h/.c  the query-qmp-schema reply (type names masked as
                        numbers, in QEMU's order)

Supported: include, enum (with prefix), struct (with base), union (base,
discriminator, branches; output only), command (data, returns, gen: false,
boxed (a hand-written marshaller like gen: false, listed in schema order),
allow-oob, allow-preconfig, features), event (data, features), builtin
types and lists.  Not supported (an error): alternate, 'if'.

Usage: qapi-gen.py SCHEMA OUTDIR.  Python 3 standard library only.
"""

import json
import os
import sys

# ---------------------------------------------------------------------------
# Reading the schema: QAPI files are a sequence of JSON-like objects with
# single-quoted strings and '#' comments.


class SchemaError(Exception):
    pass


def tokenize(text, fname):
    i, line, n = 0, 1, len(text)
    while i < n:
        c = text[i]
        if c == '\n':
            line += 1
            i += 1
        elif c in ' \t\r':
            i += 1
        elif c == '#':
            while i < n and text[i] != '\n':
                i += 1
        elif c in '{}[]:,':
            yield c, None, line
            i += 1
        elif c == "'":
            j = i + 1
            buf = []
            while j < n and text[j] != "'":
                if text[j] == '\\':
                    j += 1
                buf.append(text[j])
                j += 1
            if j >= n:
                raise SchemaError('%s:%d: unterminated string' % (fname, line))
            yield 'str', ''.join(buf), line
            i = j + 1
        elif text.startswith('true', i):
            yield 'val', True, line
            i += 4
        elif text.startswith('false', i):
            yield 'val', False, line
            i += 5
        else:
            raise SchemaError('%s:%d: stray %r' % (fname, line, c))


def parse_file(fname):
    with open(fname, encoding='utf-8') as f:
        toks = list(tokenize(f.read(), fname))
    pos = [0]

    def take(kind=None):
        if pos[0] >= len(toks):
            raise SchemaError('%s: unexpected end of file' % fname)
        tok = toks[pos[0]]
        if kind and tok[0] != kind:
            raise SchemaError('%s:%d: expected %r, got %r'
                              % (fname, tok[2], kind, tok[0]))
        pos[0] += 1
        return tok

    def value():
        kind, val, line = take()
        if kind in ('str', 'val'):
            return val
        if kind == '[':
            out = []
            if toks[pos[0]][0] == ']':
                take()
                return out
            while True:
                out.append(value())
                if take()[0] == ']':
                    return out
        if kind == '{':
            out = {}
            if toks[pos[0]][0] == '}':
                take()
                return out
            while True:
                key = take('str')[1]
                take(':')
                out[key] = value()
                sep = take()[0]
                if sep == '}':
                    return out
                if sep != ',':
                    raise SchemaError('%s:%d: expected , or }' % (fname, line))
        raise SchemaError('%s:%d: unexpected %r' % (fname, line, kind))

    exprs = []
    while pos[0] < len(toks):
        exprs.append(value())
    return exprs


def load_schema(fname, seen=None):
    seen = seen if seen is not None else set()
    fname = os.path.normpath(fname)
    if fname in seen:
        return []
    seen.add(fname)
    out = []
    for expr in parse_file(fname):
        if 'include' in expr:
            inc = os.path.join(os.path.dirname(fname), expr['include'])
            out += load_schema(inc, seen)
        elif 'pragma' in expr:
            continue
        else:
            out.append(expr)
    return out


# ---------------------------------------------------------------------------
# Names

C_KEYWORDS = set('''auto break case char const continue default do double
else enum extern float for goto if inline int long register restrict return
short signed sizeof static struct switch typedef union unsigned void volatile
while _Bool bool true false errno unix'''.split())


def c_name(name, protect=True):
    out = name.replace('-', '_').replace('.', '_')
    if protect and out in C_KEYWORDS:
        out = 'q_' + out
    return out


def camel_to_upper(name):
    """RunState -> RUN_STATE, QMPCapability -> QMP_CAPABILITY."""
    s = c_name(name, False)
    if s.isupper():
        return s
    out = ''
    for i, ch in enumerate(s):
        if ch.isupper() and i > 0 and s[i - 1] != '_':
            nxt_lower = i + 1 < len(s) and s[i + 1].islower()
            if nxt_lower or s[i - 1].isdigit():
                out += '_'
        out += ch
    return out.lstrip('_').upper()


def enum_const(ent, value):
    prefix = ent.get('prefix') or camel_to_upper(ent['name'])
    return prefix + '_' + c_name(value, False).upper()


# ---------------------------------------------------------------------------
# The model

INT_TYPES = {
    'int': 'int64_t', 'int8': 'int8_t', 'int16': 'int16_t',
    'int32': 'int32_t', 'int64': 'int64_t',
    'uint8': 'uint8_t', 'uint16': 'uint16_t', 'uint32': 'uint32_t',
    'uint64': 'uint64_t', 'size': 'uint64_t',
}
BUILTIN_JSON = {'str': 'string', 'bool': 'boolean', 'number': 'number',
                'any': 'value', 'null': 'null'}
for _t in INT_TYPES:
    BUILTIN_JSON[_t] = 'int'
# Builtins that get a NameList type.
BUILTIN_LISTS = ['str', 'bool', 'number', 'any'] + list(INT_TYPES)


class Member:
    def __init__(self, key, typ):
        self.optional = key.startswith('*')
        self.name = key[1:] if self.optional else key
        self.c = c_name(self.name)
        if isinstance(typ, dict):
            typ = typ['type']
        self.type = typ            # 'str', 'Foo' or ['Foo']


class Schema:
    def __init__(self, exprs):
        self.entities = []          # definition order
        self.types = {}             # name -> entity dict
        for e in exprs:
            for meta in ('enum', 'struct', 'union', 'alternate', 'command',
                         'event'):
                if meta in e:
                    e['meta'] = meta
                    e['name'] = e[meta]
                    break
            else:
                raise SchemaError('unknown expression %r' % e)
            if e['meta'] == 'alternate':
                raise SchemaError('alternates are not supported')
            for key in ('if',):
                if key in e:
                    raise SchemaError("%s: '%s' is not supported"
                                      % (e['name'], key))
            self.entities.append(e)
            if e['meta'] in ('enum', 'struct', 'union'):
                self.types[e['name']] = e
        for e in self.entities:
            self._resolve(e)

    def _members(self, data):
        return [Member(k, v) for k, v in (data or {}).items()]

    def _resolve(self, e):
        meta = e['meta']
        if meta == 'enum':
            e['values'] = [v['name'] if isinstance(v, dict) else v
                           for v in e['data']]
        elif meta == 'struct':
            base = []
            if 'base' in e:
                b = self.types[e['base']]
                self._resolve(b)
                base = b['members']
            e['members'] = base + self._members(e.get('data'))
        elif meta == 'union':
            if isinstance(e['base'], dict):
                e['members'] = self._members(e['base'])
            else:
                b = self.types[e['base']]
                self._resolve(b)
                e['members'] = list(b['members'])
            tag = [m for m in e['members'] if m.name == e['discriminator']]
            if not tag or tag[0].optional:
                raise SchemaError('%s: bad discriminator' % e['name'])
            e['tag'] = tag[0]
            e['branches'] = [(k, v['type'] if isinstance(v, dict) else v)
                             for k, v in e['data'].items()]
        elif meta in ('command', 'event'):
            data = e.get('data')
            if isinstance(data, str):
                self._resolve(self.types[data])
                e['args'] = self.types[data]['members']
                e['arg_struct'] = data
            else:
                e['args'] = self._members(data)
                e['arg_struct'] = None

    def kind(self, typ):
        if isinstance(typ, list):
            return 'list'
        if typ in BUILTIN_JSON:
            return 'builtin'
        if typ not in self.types:
            raise SchemaError('unknown type %s' % typ)
        return self.types[typ]['meta']

    def commands(self):
        return [e for e in self.entities if e['meta'] == 'command']

    def events(self):
        return [e for e in self.entities if e['meta'] == 'event']


def list_name(elem):
    return elem + 'List'


def ctype(schema, typ, role='member'):
    """C type of a value of @typ as a struct member, argument or return."""
    k = schema.kind(typ)
    if k == 'list':
        return list_name(typ[0]) + ' *'
    if k == 'builtin':
        if typ == 'str':
            return 'const char *' if role == 'arg' else 'char *'
        if typ in INT_TYPES:
            return INT_TYPES[typ]
        return {'bool': 'bool', 'number': 'double', 'any': 'JsonNode *',
                'null': 'void *'}[typ]
    if k == 'enum':
        return typ
    return typ + ' *'


def decl(ct, name):
    return ct + name if ct.endswith('*') else ct + ' ' + name


# ---------------------------------------------------------------------------
# C output helpers

HEADER_NOTE = ('/* Generated by scripts/qapi-gen.py from the qapi/ schema: '
               'do not edit. */\n')


class Out:
    def __init__(self):
        self.parts = []

    def __call__(self, text=''):
        self.parts.append(text + '\n')

    def text(self):
        return ''.join(self.parts)


def conv_to_json(schema, typ, expr):
    """C expression turning value @expr of @typ into a new JsonNode *."""
    k = schema.kind(typ)
    if k == 'list':
        return 'qapi_%s_to_json(%s)' % (list_name(typ[0]), expr)
    if k == 'builtin':
        if typ == 'str':
            return 'qapi_str_to_json(%s)' % expr
        if typ in INT_TYPES:
            if INT_TYPES[typ].startswith('u'):
                return 'qapi_uint_to_json(%s)' % expr
            return 'qapi_int_to_json(%s)' % expr
        return 'qapi_%s_to_json(%s)' % (typ, expr)
    if k == 'enum':
        return 'qapi_str_to_json(%s_str(%s))' % (typ, expr)
    return 'qapi_%s_to_json(%s)' % (typ, expr)


def conv_from_json(schema, typ, node, name, ptr):
    """C call converting JsonNode @node into *@ptr; a bool expression."""
    k = schema.kind(typ)
    if k == 'list':
        return 'qapi_%s_from_json(%s, %s, %s, errp)' % (
            list_name(typ[0]), node, name, ptr)
    if k == 'builtin':
        if typ in INT_TYPES:
            tmp = 'qapi_%s_from_json' % (
                'uint' if INT_TYPES[typ].startswith('u') else 'int')
            if INT_TYPES[typ] in ('int64_t', 'uint64_t'):
                return '%s(%s, %s, %s, errp)' % (tmp, node, name, ptr)
            return '%s_into(%s, %s, %s, sizeof(*%s), errp)' % (
                tmp, node, name, ptr, ptr)
        return 'qapi_%s_from_json(%s, %s, %s, errp)' % (typ, node, name, ptr)
    if k == 'union':
        raise SchemaError('union %s as input is not supported' % typ)
    return 'qapi_%s_from_json(%s, %s, %s, errp)' % (typ, node, name, ptr)


def indent(stmt, level):
    """@stmt (from free_stmt, written for level 1) at @level * 4 spaces."""
    extra = '    ' * (level - 1)
    return '    ' * level + stmt.replace('\n', '\n' + extra)


def free_stmt(schema, typ, expr):
    k = schema.kind(typ)
    if k == 'list':
        return 'qapi_free_%s(%s);' % (list_name(typ[0]), expr)
    if k == 'builtin':
        if typ == 'str':
            return 'g_free(%s);' % expr
        if typ == 'any':
            return 'if (%s) {\n        json_node_unref(%s);\n    }' % (
                expr, expr)
        return None
    if k == 'enum':
        return None
    return 'qapi_free_%s(%s);' % (typ, expr)


# ---------------------------------------------------------------------------
# qapi-types


def emit_list_free(c, schema, elem):
    """qapi_free_<elem>List(): free each element, then its list node."""
    ln = elem + 'List'
    c('void qapi_free_%s(%s *list)' % (ln, ln))
    c('{')
    c('    while (list) {')
    c('        %s *next = list->next;' % ln)
    c()
    st = free_stmt(schema, elem, 'list->value')
    if st:
        c(indent(st, 2))
    c('        g_free(list);')
    c('        list = next;')
    c('    }')
    c('}')
    c()


def gen_types(schema):
    h, c = Out(), Out()
    h(HEADER_NOTE)
    h('#ifndef QAPI_GEN_QAPI_TYPES_H')
    h('#define QAPI_GEN_QAPI_TYPES_H')
    h()
    h('#include "qemu/osdep.h"')
    h('#include <json-glib/json-glib.h>')
    h()
    c(HEADER_NOTE)
    c('#include "qemu/osdep.h"')
    c('#include "qapi/qapi-types.h"')
    c()

    # Builtin lists.
    for b in BUILTIN_LISTS:
        ln = b + 'List'
        h('typedef struct %s %s;' % (ln, ln))
        h('struct %s {' % ln)
        h('    %s *next;' % ln)
        h('    %s;' % decl(ctype(schema, b), 'value'))
        h('};')
        h('void qapi_free_%s(%s *list);' % (ln, ln))
        h()
        emit_list_free(c, schema, b)

    types = [e for e in schema.entities
             if e['meta'] in ('enum', 'struct', 'union')]
    # Forward declarations, so definition order does not matter.
    for e in types:
        if e['meta'] != 'enum':
            h('typedef struct %s %s;' % (e['name'], e['name']))
        h('typedef struct %sList %sList;' % (e['name'], e['name']))
    h()

    for e in types:
        if e['meta'] == 'enum':
            n = e['name']
            h('typedef enum %s {' % n)
            for v in e['values']:
                h('    %s,' % enum_const(e, v))
            h('    %s__MAX' % (e.get('prefix') or camel_to_upper(n)))
            h('} %s;' % n)
            h()
            h('/* "running", ... for a value; NULL when out of range. */')
            h('const char *%s_str(%s value);' % (n, n))
            h('/* The value named @name, or -1. */')
            h('int %s_lookup(const char *name);' % n)
            h('extern const char *const %s_names[];' % n)
            h()
            c('const char *const %s_names[] = {' % n)
            for v in e['values']:
                c('    [%s] = "%s",' % (enum_const(e, v), v))
            c('    NULL')
            c('};')
            c()
            mx = (e.get('prefix') or camel_to_upper(n)) + '__MAX'
            c('const char *%s_str(%s value)' % (n, n))
            c('{')
            c('    return (unsigned)value < %s ? %s_names[value] : NULL;'
              % (mx, n))
            c('}')
            c()
            c('int %s_lookup(const char *name)' % n)
            c('{')
            c('    for (int i = 0; name && i < %s; i++) {' % mx)
            c('        if (!strcmp(%s_names[i], name)) {' % n)
            c('            return i;')
            c('        }')
            c('    }')
            c('    return -1;')
            c('}')
            c()

    # Struct definitions: branch structs of unions are embedded by value,
    # so define them first (a topological order over those uses).
    done = set()
    order = []

    def visit(e):
        if e['name'] in done:
            return
        done.add(e['name'])
        if e['meta'] == 'union':
            for _, bt in e['branches']:
                visit(schema.types[bt])
        order.append(e)

    for e in types:
        if e['meta'] != 'enum':
            visit(e)

    for e in order:
        n = e['name']
        h('struct %s {' % n)
        for m in e['members']:
            if m.optional:
                h('    bool has_%s;' % m.c)
            h('    %s;' % decl(ctype(schema, m.type), m.c))
        if e['meta'] == 'union':
            h('    union { /* by the value of @%s */' % e['tag'].c)
            for bn, bt in e['branches']:
                h('        %s %s;' % (bt, c_name(bn)))
            h('    } u;')
        if not e['members'] and e['meta'] != 'union':
            h('    char qapi_dummy_for_empty_struct;')
        h('};')
        h()
    for e in types:
        n = e['name']
        h('struct %sList {' % n)
        h('    %sList *next;' % n)
        h('    %s;' % decl(ctype(schema, n), 'value'))
        h('};')
        h()
        if e['meta'] != 'enum':
            h('void qapi_free_%s(%s *obj);' % (n, n))
            h('void qapi_free_%s_members(%s *obj);' % (n, n))
        h('void qapi_free_%sList(%sList *list);' % (n, n))
        h()

    for e in types:
        n = e['name']
        if e['meta'] != 'enum':
            c('void qapi_free_%s_members(%s *obj)' % (n, n))
            c('{')
            for m in e['members']:
                st = free_stmt(schema, m.type, 'obj->' + m.c)
                if st:
                    c('    ' + st)
            if e['meta'] == 'union':
                c('    switch (obj->%s) {' % e['tag'].c)
                tag_enum = schema.types[e['tag'].type]
                for bn, bt in e['branches']:
                    c('    case %s:' % enum_const(tag_enum, bn))
                    c('        qapi_free_%s_members(&obj->u.%s);'
                      % (bt, c_name(bn)))
                    c('        break;')
                c('    default:')
                c('        break;')
                c('    }')
            c('    (void)obj;')
            c('}')
            c()
            c('void qapi_free_%s(%s *obj)' % (n, n))
            c('{')
            c('    if (obj) {')
            c('        qapi_free_%s_members(obj);' % n)
            c('        g_free(obj);')
            c('    }')
            c('}')
            c()
        emit_list_free(c, schema, n)

    h('#endif')
    return h.text(), c.text()


# ---------------------------------------------------------------------------
# qapi-visit: JSON <-> C


def gen_members_from_json(schema, out, members, objvar, prefix_var):
    """Read @members from JsonObject *o into @objvar (a pointer)."""
    for m in members:
        out('    n = json_object_has_member(o, "%s") ? '
            'json_object_get_member(o, "%s") : NULL;' % (m.name, m.name))
        out('    if (n) {')
        out('        g_autofree char *name = qapi_member_name(%s, "%s");'
            % (prefix_var, m.name))
        out()
        if m.optional:
            out('        %s->has_%s = true;' % (objvar, m.c))
        # QEMU names an enum value's member without its prefix.
        nm = 'name'
        if schema.kind(m.type) == 'enum':
            nm = '"%s"' % m.name
        out('        if (!%s) {' % conv_from_json(
            schema, m.type, 'n', nm, '&%s->%s' % (objvar, m.c)))
        out('            return false;')
        out('        }')
        if not m.optional:
            out('    } else {')
            out('        qapi_error_missing(%s, "%s", errp);'
                % (prefix_var, m.name))
            out('        return false;')
        out('    }')


def gen_visit(schema):
    h, c = Out(), Out()
    h(HEADER_NOTE)
    h('#ifndef QAPI_GEN_QAPI_VISIT_H')
    h('#define QAPI_GEN_QAPI_VISIT_H')
    h()
    h('#include "qapi/qapi-types.h"')
    h('#include "qapi/qapi-json.h"')
    h()
    h('/*')
    h(' * qapi_T_to_json(): a new JsonNode for a value (members in schema')
    h(' * order; qmp_dispatch puts them in QEMU\'s wire order).')
    h(' * qapi_T_from_json(node, name, out, errp): read a value; @name')
    h(' * ("arg", "arg.member", "arg[2]") appears in QEMU\'s error texts.')
    h(' */')
    c(HEADER_NOTE)
    c('#include "qemu/osdep.h"')
    c('#include "qapi/qapi-visit.h"')
    c()

    for b in BUILTIN_LISTS:
        gen_list_visit(schema, h, c, b)

    types = [e for e in schema.entities
             if e['meta'] in ('enum', 'struct', 'union')]
    for e in types:
        n = e['name']
        if e['meta'] == 'enum':
            h('bool qapi_%s_from_json(JsonNode *node, const char *name, '
              '%s *out, Error **errp);' % (n, n))
            c('bool qapi_%s_from_json(JsonNode *node, const char *name, '
              '%s *out, Error **errp)' % (n, n))
            c('{')
            c('    int v = qapi_enum_from_json(node, name, %s_names, errp);'
              % n)
            c()
            c('    if (v < 0) {')
            c('        return false;')
            c('    }')
            c('    *out = (%s)v;' % n)
            c('    return true;')
            c('}')
            c()
        else:
            h('JsonNode *qapi_%s_to_json(const %s *obj);' % (n, n))
            h('void qapi_%s_members_to_json(const %s *obj, JsonObject *o);'
              % (n, n))
            c('void qapi_%s_members_to_json(const %s *obj, JsonObject *o)'
              % (n, n))
            c('{')
            for m in e['members']:
                ind = '    '
                if m.optional:
                    c('    if (obj->has_%s) {' % m.c)
                    ind = '        '
                c('%sjson_object_set_member(o, "%s", %s);' % (
                    ind, m.name, conv_to_json(schema, m.type,
                                              'obj->' + m.c)))
                if m.optional:
                    c('    }')
            if e['meta'] == 'union':
                tag_enum = schema.types[e['tag'].type]
                c('    switch (obj->%s) {' % e['tag'].c)
                for bn, bt in e['branches']:
                    c('    case %s:' % enum_const(tag_enum, bn))
                    c('        qapi_%s_members_to_json(&obj->u.%s, o);'
                      % (bt, c_name(bn)))
                    c('        break;')
                c('    default:')
                c('        break;')
                c('    }')
            c('    (void)obj;')
            c('    (void)o;')
            c('}')
            c()
            c('JsonNode *qapi_%s_to_json(const %s *obj)' % (n, n))
            c('{')
            c('    JsonObject *o = json_object_new();')
            c()
            c('    if (obj) {')
            c('        qapi_%s_members_to_json(obj, o);' % n)
            c('    }')
            c('    return qapi_object_to_json(o);')
            c('}')
            c()
            if e['meta'] == 'struct' and readable(schema, n):
                gen_struct_from_json(schema, h, c, e)
        gen_list_visit(schema, h, c, n)
    h('#endif')
    return h.text(), c.text()


def readable(schema, typ, seen=None):
    """Whether @typ can be read from JSON: unions cannot, nor structs and
    lists that contain one (they are output only, or arguments of
    'gen': false commands whose marshallers read the JSON themselves).
    Recursive types (PciDeviceInfo) count as readable where they recur."""
    k = schema.kind(typ)
    if k == 'list':
        return readable(schema, typ[0], seen)
    if k == 'union':
        return False
    if k == 'struct':
        seen = seen or set()
        if typ in seen:
            return True
        seen.add(typ)
        return all(readable(schema, m.type, seen)
                   for m in schema.types[typ]['members'])
    return True


def gen_struct_from_json(schema, h, c, e):
    n = e['name']
    h('bool qapi_%s_members_from_json(JsonObject *o, const char *prefix, '
      '%s *obj, Error **errp);' % (n, n))
    h('bool qapi_%s_from_json(JsonNode *node, const char *name, %s **out, '
      'Error **errp);' % (n, n))
    c('static const char *const %s_member_names[] = {' % n)
    for m in e['members']:
        c('    "%s",' % m.name)
    c('    NULL')
    c('};')
    c()
    c('/* Members only; unexpected ones are checked by the caller. */')
    c('bool qapi_%s_members_from_json(JsonObject *o, const char *prefix, '
      '%s *obj, Error **errp)' % (n, n))
    c('{')
    if e['members']:
        c('    JsonNode *n;')
        c()
        gen_members_from_json(schema, c, e['members'], 'obj', 'prefix')
    c('    (void)o;')
    c('    (void)prefix;')
    c('    (void)obj;')
    c('    (void)errp;')
    c('    return true;')
    c('}')
    c()
    c('bool qapi_%s_from_json(JsonNode *node, const char *name, %s **out, '
      'Error **errp)' % (n, n))
    c('{')
    c('    JsonObject *o = qapi_object_from_json(node, name, errp);')
    c('    %s *obj;' % n)
    c()
    c('    if (!o) {')
    c('        return false;')
    c('    }')
    c('    obj = g_new0(%s, 1);' % n)
    c('    if (!qapi_%s_members_from_json(o, name, obj, errp) ||' % n)
    c('        !qapi_check_unexpected(o, name, %s_member_names, errp)) {'
      % n)
    c('        qapi_free_%s(obj);' % n)
    c('        return false;')
    c('    }')
    c('    *out = obj;')
    c('    return true;')
    c('}')
    c()


def gen_list_visit(schema, h, c, elem):
    ln = list_name(elem)
    h('JsonNode *qapi_%s_to_json(const %s *list);' % (ln, ln))
    c('JsonNode *qapi_%s_to_json(const %s *list)' % (ln, ln))
    c('{')
    c('    JsonArray *a = json_array_new();')
    c()
    c('    for (; list; list = list->next) {')
    c('        json_array_add_element(a, %s);'
      % conv_to_json(schema, elem, 'list->value'))
    c('    }')
    c('    return qapi_array_to_json(a);')
    c('}')
    c()
    if not readable(schema, elem):
        return
    h('bool qapi_%s_from_json(JsonNode *node, const char *name, %s **out, '
      'Error **errp);' % (ln, ln))
    c('bool qapi_%s_from_json(JsonNode *node, const char *name, %s **out, '
      'Error **errp)' % (ln, ln))
    c('{')
    c('    JsonArray *a = qapi_array_from_json(node, name, errp);')
    c('    %s *head = NULL, **tail = &head;' % ln)
    c()
    c('    if (!a) {')
    c('        return false;')
    c('    }')
    c('    for (guint i = 0; i < json_array_get_length(a); i++) {')
    c('        g_autofree char *ename = qapi_element_name(name, i);')
    c('        %s *elt = g_new0(%s, 1);' % (ln, ln))
    c()
    c('        *tail = elt;')
    c('        tail = &elt->next;')
    # QEMU names an enum list element "null" in its error.
    nm = 'NULL' if schema.kind(elem) == 'enum' else 'ename'
    c('        if (!%s) {' % conv_from_json(
        schema, elem, 'json_array_get_element(a, i)', nm, '&elt->value'))
    c('            qapi_free_%s(head);' % ln)
    c('            return false;')
    c('        }')
    c('    }')
    c('    *out = head;')
    c('    return true;')
    c('}')
    c()


# ---------------------------------------------------------------------------
# qapi-commands


def cmd_params(schema, e):
    ps = []
    for m in e['args']:
        if m.optional:
            ps.append('bool has_' + m.c)
        ps.append(decl(ctype(schema, m.type, 'arg'), m.c))
    ps.append('Error **errp')
    return ', '.join(ps)


def cmd_ret(schema, e):
    r = e.get('returns')
    if r is None:
        return 'void'
    if r == 'any':
        return 'JsonNode *'
    return ctype(schema, r, 'ret')


def is_gen(e):
    # 'boxed' commands (QEMU's union-typed arguments, e.g. netdev_add)
    # take their arguments as JSON like 'gen': false ones.
    return e.get('gen', True) is not False and not e.get('boxed')


def gen_commands(schema, h, c):
    h(HEADER_NOTE)
    h('#ifndef QAPI_GEN_QAPI_COMMANDS_H')
    h('#define QAPI_GEN_QAPI_COMMANDS_H')
    h()
    h('#include "qapi/qapi-types.h"')
    h('#include "qapi/error.h"')
    h()
    h('/*')
    h(' * One function per QMP command, implemented by the subsystem that')
    h(' * owns it (STYLE.md "Adding a monitor command").  Commands with')
    h(' * \'gen\': false take their arguments as JSON.')
    h(' */')
    for e in schema.commands():
        if e['name'] == 'query-qmp-schema':
            continue    # answered by the generated introspection data
        if is_gen(e):
            h('%s(%s);' % (decl(cmd_ret(schema, e), 'qmp_' + c_name(e['name'])),
                           cmd_params(schema, e)))
        else:
            h('void qmp_%s(JsonObject *args, JsonNode **ret, Error **errp);'
              % c_name(e['name']))
    h()
    h('#endif')

    c(HEADER_NOTE)
    c('#include "qemu/osdep.h"')
    c('#include "qapi/qapi-commands.h"')
    c('#include "qapi/qapi-visit.h"')
    c('#include "qapi/qapi-introspect.h"')
    c('#include "qapi/qmp-dispatch.h"')
    c()
    for e in schema.commands():
        cn = c_name(e['name'])
        c('static void qmp_marshal_%s(JsonObject *args, JsonNode **ret, '
          'bool dry_run, Error **errp)' % cn)
        c('{')
        if not is_gen(e):
            c('    if (!dry_run) {')
            c('        qmp_%s(args, ret, errp);' % cn)
            c('    }')
            c('}')
            c()
            continue
        args = e['args']
        c('    static const char *const known[] = {')
        for m in args:
            c('        "%s",' % m.name)
        c('        NULL')
        c('    };')
        c('    Error *err = NULL;')
        if args:
            c('    q_obj_%s_arg arg_s = { 0 }, *arg = &arg_s;' % cn)
        r = e.get('returns')
        if r is not None and e['name'] != 'query-qmp-schema':
            rt = cmd_ret(schema, e)
            c('    %s;' % decl(rt, 'retval'))
        c()
        c('    (void)err;')
        if args:
            c('    if (!qapi_marshal_%s_args(args, arg, errp)) {' % cn)
            c('        goto out;')
            c('    }')
        c('    if (!qapi_check_unexpected(args, NULL, known, errp)) {')
        c('        goto out;')
        c('    }')
        c('    if (dry_run) {')
        c('        goto out;')
        c('    }')
        call_args = []
        for m in args:
            if m.optional:
                call_args.append('arg->has_' + m.c)
            call_args.append('arg->' + m.c)
        call_args.append('&err')
        if e['name'] == 'query-qmp-schema':
            c('    *ret = qapi_introspect_reply();')
        elif r is None:
            c('    qmp_%s(%s);' % (cn, ', '.join(call_args)))
            c('    if (err) {')
            c('        error_propagate(errp, err);')
            c('        goto out;')
            c('    }')
            c('    *ret = qapi_object_to_json(json_object_new());')
        else:
            c('    retval = qmp_%s(%s);' % (cn, ', '.join(call_args)))
            c('    if (err) {')
            c('        error_propagate(errp, err);')
            st = free_stmt(schema, r, 'retval')
            if st:
                c(indent(st, 2))
            c('        goto out;')
            c('    }')
            if r == 'any':
                c('    *ret = retval ? retval : json_node_new(JSON_NODE_NULL);')
            else:
                c('    *ret = %s;' % conv_to_json(schema, r, 'retval'))
                st = free_stmt(schema, r, 'retval')
                if st:
                    c('    ' + st)
        c('out:')
        for m in args:
            st = free_stmt(schema, m.type, 'arg->' + m.c)
            if st:
                c('    ' + st)
        c('    return;')
        c('}')
        c()

    c('const QmpCommand qmp_commands[] = {')
    # QEMU registers the generated commands in schema order and its
    # hand-written ('gen': false) ones after them; query-commands lists
    # them newest first.  Commands kemu reads by hand only because the
    # generator cannot (send-key, input-send-event) and 'boxed' ones
    # (netdev_add) keep their place.
    late = [e for e in schema.commands()
            if not is_gen(e) and e['name'] in QEMU_HAND_WRITTEN]
    ordered = [e for e in schema.commands() if e not in late] + late
    for e in ordered:
        c('    { "%s", qmp_marshal_%s, %s, %s },' % (
            e['name'], c_name(e['name']),
            'true' if e.get('allow-oob') else 'false',
            'true' if e.get('allow-preconfig') else 'false'))
    c('    { NULL, NULL, false, false }')
    c('};')


# The commands QEMU 7.2 itself marshals by hand.
QEMU_HAND_WRITTEN = {'device_add'}


def gen_commands_with_readers(schema):
    h, c = Out(), Out()
    gen_commands(schema, h, c)
    text = c.text()
    # Typed argument structs and their readers go before the marshallers.
    readers = Out()
    for e in schema.commands():
        if not is_gen(e) or not e['args']:
            continue
        cn = c_name(e['name'])
        readers('typedef struct {')
        for m in e['args']:
            if m.optional:
                readers('    bool has_%s;' % m.c)
            readers('    %s;' % decl(ctype(schema, m.type), m.c))
        readers('} q_obj_%s_arg;' % cn)
        readers()
        readers('static bool qapi_marshal_%s_args(JsonObject *o, '
                'q_obj_%s_arg *arg, Error **errp)' % (cn, cn))
        readers('{')
        readers('    const char *prefix = NULL;')
        readers('    JsonNode *n;')
        readers()
        gen_members_from_json(schema, readers, e['args'], 'arg', 'prefix')
        readers('    return true;')
        readers('}')
        readers()
    marker = '#include "qapi/qmp-dispatch.h"\n\n'
    text = text.replace(marker, marker + readers.text(), 1)
    return h.text(), text


# ---------------------------------------------------------------------------
# qapi-events


def gen_events(schema):
    h, c = Out(), Out()
    h(HEADER_NOTE)
    h('#ifndef QAPI_GEN_QAPI_EVENTS_H')
    h('#define QAPI_GEN_QAPI_EVENTS_H')
    h()
    h('#include "qapi/qapi-types.h"')
    h()
    h('/* Each sender hands the event to the emitter (qapi/qmp-event.h). */')
    c(HEADER_NOTE)
    c('#include "qemu/osdep.h"')
    c('#include "qapi/qapi-events.h"')
    c('#include "qapi/qapi-visit.h"')
    c('#include "qapi/qmp-event.h"')
    c()
    for e in schema.events():
        ps = []
        for m in e['args']:
            if m.optional:
                ps.append('bool has_' + m.c)
            ps.append(decl(ctype(schema, m.type, 'arg'), m.c))
        proto = 'void qapi_event_send_%s(%s)' % (
            c_name(e['name']).lower(), ', '.join(ps) or 'void')
        h(proto + ';')
        c(proto)
        c('{')
        if e['args']:
            c('    JsonObject *data = json_object_new();')
            c()
            for m in e['args']:
                ind = '    '
                if m.optional:
                    c('    if (has_%s) {' % m.c)
                    ind = '        '
                c('%sjson_object_set_member(data, "%s", %s);'
                  % (ind, m.name, conv_to_json(schema, m.type, m.c)))
                if m.optional:
                    c('    }')
            c('    qapi_event_emit("%s", data);' % e['name'])
            c('    json_object_unref(data);')
        else:
            c('    qapi_event_emit("%s", NULL);' % e['name'])
        c('}')
        c()
    h()
    h('#endif')
    return h.text(), c.text()


# ---------------------------------------------------------------------------
# qapi-introspect: QEMU masks type names as numbers given in order of
# first use; entities (commands, events) come first in schema order, then
# every type used, in the order it was first used.


def gen_introspect(schema):
    names = {}
    used = []
    used_keys = set()

    def mask(name):
        if name not in names:
            names[name] = str(len(names))
        return names[name]

    def use(typ):
        """Queue @typ and return its name on the wire."""
        if not isinstance(typ, list) and BUILTIN_JSON.get(typ) == 'int':
            typ = 'int'
        if isinstance(typ, list) and BUILTIN_JSON.get(typ[0]) == 'int':
            typ = ['int']
        key = json.dumps(typ)
        if key not in used_keys:
            used_keys.add(key)
            used.append(typ)
        if isinstance(typ, list):
            return '[' + use(typ[0]) + ']'
        if typ in BUILTIN_JSON:
            return typ
        return mask(typ)

    EMPTY = ':empty'     # the empty object type, QEMU's q_empty

    def use_members(members):
        out = []
        for m in members:
            d = {'name': m.name}
            if m.optional:
                d['default'] = None
            d['type'] = use(m.type)
            out.append(d)
        return out

    schema.types[EMPTY] = {'name': EMPTY, 'meta': 'struct', 'members': []}
    implicit = {}

    def arg_type(e):
        if e.get('arg_struct'):
            return use(e['arg_struct'])
        if not e['args']:
            return use(EMPTY)
        key = ':obj-%s-arg' % e['name']
        schema.types[key] = {'name': key, 'meta': 'struct',
                             'members': e['args']}
        implicit[key] = True
        return use(key)

    tree = []
    for e in schema.entities:
        if e['meta'] == 'command':
            d = {'name': e['name'], 'meta-type': 'command'}
            d['arg-type'] = arg_type(e)
            r = e.get('returns')
            d['ret-type'] = use(r) if r is not None else use(EMPTY)
            if e.get('allow-oob'):
                d['allow-oob'] = True
            if e.get('features'):
                d['features'] = list(e['features'])
            tree.append(d)
        elif e['meta'] == 'event':
            d = {'name': e['name'], 'meta-type': 'event'}
            d['arg-type'] = arg_type(e)
            if e.get('features'):
                d['features'] = list(e['features'])
            tree.append(d)

    i = 0
    while i < len(used):
        typ = used[i]
        i += 1
        if isinstance(typ, list):
            elem = use(typ[0])
            tree.append({'name': '[' + elem + ']', 'element-type': elem,
                         'meta-type': 'array'})
            continue
        if typ in BUILTIN_JSON:
            tree.append({'name': typ, 'json-type': BUILTIN_JSON[typ],
                         'meta-type': 'builtin'})
            continue
        t = schema.types[typ]
        d = {'name': mask(typ)}
        if t['meta'] == 'enum':
            d['meta-type'] = 'enum'
            d['members'] = [{'name': v} for v in t['values']]
            d['values'] = list(t['values'])
        else:
            d['meta-type'] = 'object'
            d['members'] = use_members(t['members'])
            if t['meta'] == 'union':
                d['tag'] = t['tag'].name
                variants = []
                explicit = dict(t['branches'])
                for bn, bt in t['branches']:
                    variants.append({'case': bn, 'type': use(bt)})
                for v in schema.types[t['tag'].type]['values']:
                    if v not in explicit:
                        variants.append({'case': v, 'type': use(EMPTY)})
                d['variants'] = variants
        if t.get('features'):
            d['features'] = list(t['features'])
        tree.append(d)

    del schema.types[EMPTY]
    for key in implicit:
        del schema.types[key]

    data = json.dumps(tree, separators=(',', ':'))
    h, c = Out(), Out()
    h(HEADER_NOTE)
    h('#ifndef QAPI_GEN_QAPI_INTROSPECT_H')
    h('#define QAPI_GEN_QAPI_INTROSPECT_H')
    h()
    h('#include "qemu/osdep.h"')
    h('#include <json-glib/json-glib.h>')
    h()
    h('/* The query-qmp-schema reply, as JSON text. */')
    h('extern const char qapi_introspect_json[];')
    h('/* The same, parsed: a new JSON array. */')
    h('JsonNode *qapi_introspect_reply(void);')
    h()
    h('#endif')
    c(HEADER_NOTE)
    c('#include "qemu/osdep.h"')
    c('#include "qapi/qapi-introspect.h"')
    c()
    c('const char qapi_introspect_json[] =')
    step = 72
    for k in range(0, len(data), step):
        chunk = data[k:k + step]
        c('    "%s"' % chunk.replace('\\', '\\\\').replace('"', '\\"'))
    c('    ;')
    c()
    c('JsonNode *qapi_introspect_reply(void)')
    c('{')
    c('    JsonNode *node = json_from_string(qapi_introspect_json, NULL);')
    c()
    c('    g_assert(node);')
    c('    return node;')
    c('}')
    return h.text(), c.text()


# ---------------------------------------------------------------------------


def write(outdir, name, text):
    path = os.path.join(outdir, name)
    try:
        with open(path, encoding='utf-8') as f:
            if f.read() == text:
                return      # keep the timestamp: no needless rebuilds
    except OSError:
        pass
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)


def main(argv):
    if len(argv) != 3:
        sys.stderr.write('usage: qapi-gen.py SCHEMA OUTDIR\n')
        return 2
    try:
        schema = Schema(load_schema(argv[1]))
        outputs = {}
        outputs['qapi-types.h'], outputs['qapi-types.c'] = gen_types(schema)
        outputs['qapi-visit.h'], outputs['qapi-visit.c'] = gen_visit(schema)
        (outputs['qapi-commands.h'],
         outputs['qapi-commands.c']) = gen_commands_with_readers(schema)
        outputs['qapi-events.h'], outputs['qapi-events.c'] = \
            gen_events(schema)
        (outputs['qapi-introspect.h'],
         outputs['qapi-introspect.c']) = gen_introspect(schema)
    except (SchemaError, KeyError) as err:
        sys.stderr.write('qapi-gen.py: %s\n' % err)
        return 1
    os.makedirs(argv[2], exist_ok=True)
    for name, text in outputs.items():
        write(argv[2], name, text)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
