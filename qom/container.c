/*
 * The composition tree: the "container" type, the root "/", named
 * containers below it, canonical paths and path resolution (absolute and
 * QEMU's unique-suffix partial paths).
 */
#include "qemu/osdep.h"
#include "qom/object.h"
#include "qom/object-internal.h"

static const TypeInfo container_info = {
    .name = TYPE_CONTAINER,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(Object),
};

static void container_register_types(void)
{
    type_register_static(&container_info);
}

type_init(container_register_types)

Object *object_get_root(void)
{
    static Object *root;

    if (!root) {
        root = object_new(TYPE_CONTAINER);
    }
    return root;
}

Object *object_get_container(const char *name)
{
    Object *root = object_get_root();
    Object *obj = object_resolve_path_component(root, name);

    if (!obj) {
        obj = object_new(TYPE_CONTAINER);
        object_property_add_child(root, name, obj, NULL);
        object_unref(obj);
    }
    return obj;
}

Object *container_get(Object *root, const char *path)
{
    char **parts = g_strsplit(path, "/", 0);
    Object *obj = root;

    for (char **p = parts; *p; p++) {
        Object *child;

        if (!**p) {
            continue;
        }
        child = object_resolve_path_component(obj, *p);
        if (!child) {
            child = object_new(TYPE_CONTAINER);
            object_property_add_child(obj, *p, child, &error_abort);
            object_unref(child);
        }
        obj = child;
    }
    g_strfreev(parts);
    return obj;
}

static ObjectProperty *child_prop_of(Object *parent, const Object *child)
{
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, parent->properties);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        ObjectProperty *prop = value;

        if (object_property_is_child(prop) && prop->opaque == child) {
            return prop;
        }
    }
    return NULL;
}

void object_unparent(Object *obj)
{
    ObjectProperty *prop;

    if (!obj->parent) {
        return;
    }
    if (obj->class->unparent) {
        obj->class->unparent(obj);
    }
    /* The unparent hook may already have removed it. */
    if (obj->parent) {
        prop = child_prop_of(obj->parent, obj);
        if (prop) {
            object_property_del(obj->parent, prop->name);
        } else {
            obj->parent = NULL;
        }
    }
}

const char *object_get_canonical_path_component(const Object *obj)
{
    ObjectProperty *prop;

    if (!obj->parent) {
        return NULL;
    }
    prop = child_prop_of(obj->parent, obj);
    return prop ? prop->name : NULL;
}

char *object_get_canonical_path(const Object *obj)
{
    Object *root = object_get_root();
    GString *path = g_string_new("");

    if (obj == root) {
        g_string_free(path, true);
        return g_strdup("/");
    }
    while (obj != root) {
        const char *component = object_get_canonical_path_component(obj);

        if (!component) {
            /* Not attached under the root: no canonical path. */
            g_string_free(path, true);
            return NULL;
        }
        g_string_prepend(path, component);
        g_string_prepend_c(path, '/');
        obj = obj->parent;
    }
    return g_string_free(path, false);
}

Object *object_resolve_path_component(Object *parent, const char *part)
{
    ObjectProperty *prop = object_property_find(parent, part);

    if (!prop) {
        return NULL;
    }
    if (object_property_is_child(prop)) {
        return prop->opaque;
    }
    /* Field-backed links (QOM and qdev) can be followed as well. */
    if (g_str_has_prefix(prop->type, "link<") && prop->offset >= 0) {
        return *(Object **)((char *)parent + prop->offset);
    }
    return NULL;
}

static Object *resolve_abs(Object *parent, char **parts, const char *typename)
{
    Object *obj = parent;

    for (; *parts; parts++) {
        if (!**parts) {
            continue;   /* "a//b" and a trailing "/" */
        }
        obj = object_resolve_path_component(obj, *parts);
        if (!obj) {
            return NULL;
        }
    }
    return typename ? object_dynamic_cast(obj, typename) : obj;
}

/* Children in name order, so partial-path searches are deterministic. */
static GPtrArray *children_of(Object *obj)
{
    GPtrArray *arr = g_ptr_array_new();
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, obj->properties);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        if (object_property_is_child(value)) {
            g_ptr_array_add(arr, value);
        }
    }
    return arr;
}

/* "device[2]" before "device[10]": digit runs compare by value. */
static int natural_cmp(const char *a, const char *b)
{
    while (*a && *b) {
        if (g_ascii_isdigit(*a) && g_ascii_isdigit(*b)) {
            char *ea, *eb;
            unsigned long long va = strtoull(a, &ea, 10);
            unsigned long long vb = strtoull(b, &eb, 10);

            if (va != vb) {
                return va < vb ? -1 : 1;
            }
            a = ea;
            b = eb;
            continue;
        }
        if (*a != *b) {
            return (unsigned char)*a - (unsigned char)*b;
        }
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

static gint child_prop_cmp(gconstpointer a, gconstpointer b)
{
    const ObjectProperty *pa = *(ObjectProperty *const *)a;
    const ObjectProperty *pb = *(ObjectProperty *const *)b;

    return natural_cmp(pa->name, pb->name);
}

static Object *resolve_partial(Object *parent, char **parts,
                               const char *typename, bool *ambiguous)
{
    Object *obj = resolve_abs(parent, parts, typename);
    GPtrArray *children = children_of(parent);

    for (guint i = 0; i < children->len; i++) {
        ObjectProperty *prop = g_ptr_array_index(children, i);
        Object *found = resolve_partial(prop->opaque, parts, typename,
                                        ambiguous);

        if (*ambiguous) {
            obj = NULL;
            break;
        }
        if (found) {
            if (obj && obj != found) {
                *ambiguous = true;
                obj = NULL;
                break;
            }
            obj = found;
        }
    }
    g_ptr_array_free(children, true);
    return obj;
}

Object *object_resolve_path_type(const char *path, const char *typename,
                                 bool *ambiguous)
{
    bool dummy = false;
    char **parts;
    Object *obj;

    if (!ambiguous) {
        ambiguous = &dummy;
    }
    *ambiguous = false;
    if (!path) {
        return NULL;
    }
    parts = g_strsplit(path, "/", 0);
    if (path[0] == '/') {
        obj = resolve_abs(object_get_root(), parts + 1, typename);
    } else if (!*path) {
        obj = NULL;
    } else {
        obj = resolve_partial(object_get_root(), parts, typename, ambiguous);
    }
    g_strfreev(parts);
    return obj;
}

Object *object_resolve_path(const char *path, bool *ambiguous)
{
    return object_resolve_path_type(path, NULL, ambiguous);
}

int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque),
                         void *opaque)
{
    GPtrArray *children = children_of(obj);
    GPtrArray *objs = g_ptr_array_new();
    int ret = 0;

    g_ptr_array_sort(children, child_prop_cmp);
    /* Hold references: @fn may unparent the child it is given. */
    for (guint i = 0; i < children->len; i++) {
        ObjectProperty *prop = g_ptr_array_index(children, i);

        g_ptr_array_add(objs, object_ref(prop->opaque));
    }
    g_ptr_array_free(children, true);
    for (guint i = 0; i < objs->len && !ret; i++) {
        ret = fn(g_ptr_array_index(objs, i), opaque);
    }
    for (guint i = 0; i < objs->len; i++) {
        object_unref(g_ptr_array_index(objs, i));
    }
    g_ptr_array_free(objs, true);
    return ret;
}

typedef struct RecurseData {
    int (*fn)(Object *child, void *opaque);
    void *opaque;
} RecurseData;

static int recurse_one(Object *child, void *opaque)
{
    RecurseData *d = opaque;
    int ret = d->fn(child, d->opaque);

    return ret ? ret : object_child_foreach(child, recurse_one, d);
}

int object_child_foreach_recursive(Object *obj,
                                   int (*fn)(Object *child, void *opaque),
                                   void *opaque)
{
    RecurseData d = { .fn = fn, .opaque = opaque };

    return object_child_foreach(obj, recurse_one, &d);
}
