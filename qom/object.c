/*
 * Object model core: type registry, lazily built classes with interfaces,
 * refcounted instances, checked casts and property lookup/dispatch.
 * Follows the semantics in include/qom/object.h (QEMU's QOM, docs/devel/qom.rst).
 * Not modelled: class_finalize, dynamic type unregistering, property aliases.
 */
#include "qemu/osdep.h"
#include "qom/object.h"
#include "qom/object-internal.h"

struct TypeImpl {
    char *name;
    char *parent_name;
    TypeImpl *parent;
    size_t instance_size;
    size_t class_size;
    void (*instance_init)(Object *obj);
    void (*instance_post_init)(Object *obj);
    void (*instance_finalize)(Object *obj);
    bool abstract;
    void (*class_init)(ObjectClass *klass, void *data);
    void (*class_base_init)(ObjectClass *klass, void *data);
    void *class_data;
    int num_interfaces;
    char **interface_names;
    ObjectClass *class;
    bool initializing;
};

static GHashTable *type_table;

static TypeImpl *type_register_internal(const TypeInfo *info);

static char *object_get_type_prop(Object *obj, ObjectProperty *prop,
                                  Error **errp)
{
    return g_strdup(object_get_typename(obj));
}

/* Every object has QEMU's read-only "type" property (qom-list shows it). */
static void object_class_init(ObjectClass *klass, void *data)
{
    object_class_property_add(klass, "type", "string", object_get_type_prop,
                              NULL, NULL);
}

static void type_table_init(void)
{
    static const TypeInfo object_info = {
        .name = TYPE_OBJECT,
        .instance_size = sizeof(Object),
        .class_size = sizeof(ObjectClass),
        .class_init = object_class_init,
        .abstract = true,
    };
    static const TypeInfo interface_info = {
        .name = TYPE_INTERFACE,
        .class_size = sizeof(InterfaceClass),
        .abstract = true,
    };

    if (type_table) {
        return;
    }
    type_table = g_hash_table_new(g_str_hash, g_str_equal);
    /* The two roots exist before any constructor-registered type. */
    type_register_internal(&object_info);
    type_register_internal(&interface_info);
}

static TypeImpl *type_get_by_name(const char *name)
{
    type_table_init();
    return name ? g_hash_table_lookup(type_table, name) : NULL;
}

static TypeImpl *type_register_internal(const TypeInfo *info)
{
    TypeImpl *ti;
    int n = 0;

    if (g_hash_table_lookup(type_table, info->name)) {
        fprintf(stderr, "Registering `%s' which already exists\n",
                info->name);
        abort();
    }
    ti = g_new0(TypeImpl, 1);
    ti->name = g_strdup(info->name);
    ti->parent_name = g_strdup(info->parent);
    ti->instance_size = info->instance_size;
    ti->class_size = info->class_size;
    ti->instance_init = info->instance_init;
    ti->instance_post_init = info->instance_post_init;
    ti->instance_finalize = info->instance_finalize;
    ti->abstract = info->abstract;
    ti->class_init = info->class_init;
    ti->class_base_init = info->class_base_init;
    ti->class_data = info->class_data;
    while (info->interfaces && info->interfaces[n].type) {
        n++;
    }
    ti->num_interfaces = n;
    ti->interface_names = g_new0(char *, n + 1);
    for (int i = 0; i < n; i++) {
        ti->interface_names[i] = g_strdup(info->interfaces[i].type);
    }
    g_hash_table_insert(type_table, ti->name, ti);
    return ti;
}

Type type_register_static(const TypeInfo *info)
{
    type_table_init();
    return type_register_internal(info);
}

void type_register_static_array(const TypeInfo *infos, int n)
{
    for (int i = 0; i < n; i++) {
        type_register_static(&infos[i]);
    }
}

/* Parents may be registered after children (constructor order): resolve late. */
static TypeImpl *type_get_parent(TypeImpl *ti)
{
    if (!ti->parent && ti->parent_name) {
        ti->parent = type_get_by_name(ti->parent_name);
        if (!ti->parent) {
            fprintf(stderr, "Type '%s' is missing its parent '%s'\n",
                    ti->name, ti->parent_name);
            abort();
        }
    }
    return ti->parent;
}

static bool type_is_ancestor(TypeImpl *ti, TypeImpl *ancestor)
{
    while (ti) {
        if (ti == ancestor) {
            return true;
        }
        ti = type_get_parent(ti);
    }
    return false;
}

static size_t type_class_size(TypeImpl *ti)
{
    while (ti) {
        if (ti->class_size) {
            return ti->class_size;
        }
        ti = type_get_parent(ti);
    }
    return sizeof(ObjectClass);
}

static size_t type_instance_size(TypeImpl *ti)
{
    while (ti) {
        if (ti->instance_size) {
            return ti->instance_size;
        }
        ti = type_get_parent(ti);
    }
    return sizeof(Object);
}

static void type_initialize(TypeImpl *ti);

static bool type_is_interface(TypeImpl *ti)
{
    return type_is_ancestor(ti, type_get_by_name(TYPE_INTERFACE));
}

/*
 * The embedded copy of an interface's class for one concrete class.  Copied
 * from the parent's copy when inherited, so overrides made by an ancestor's
 * class_init carry down as they do for the main class.
 */
static void class_add_interface(ObjectClass *klass, TypeImpl *iface,
                                InterfaceClass *inherited)
{
    InterfaceClass *ic;
    size_t size;

    for (GSList *l = klass->interfaces; l; l = l->next) {
        if (((InterfaceClass *)l->data)->interface_type == iface) {
            return;
        }
    }
    type_initialize(iface);
    size = type_class_size(iface);
    ic = g_malloc0(size);
    memcpy(ic, inherited ? (void *)inherited : (void *)iface->class, size);
    ic->parent_class.type = iface;
    ic->parent_class.interfaces = NULL;
    ic->parent_class.properties = g_hash_table_new(g_str_hash, g_str_equal);
    ic->concrete_class = klass;
    ic->interface_type = iface;
    klass->interfaces = g_slist_append(klass->interfaces, ic);
}

static void type_initialize(TypeImpl *ti)
{
    TypeImpl *parent;
    ObjectClass *klass;
    size_t size;

    if (ti->class) {
        return;
    }
    if (ti->initializing) {
        fprintf(stderr, "Type '%s' is its own ancestor\n", ti->name);
        abort();
    }
    ti->initializing = true;
    parent = type_get_parent(ti);
    if (parent) {
        type_initialize(parent);
    }
    size = type_class_size(ti);
    klass = g_malloc0(size);
    if (parent) {
        size_t psize = type_class_size(parent);

        g_assert(size >= psize);
        memcpy(klass, parent->class, psize);
    }
    klass->type = ti;
    klass->interfaces = NULL;
    klass->properties = g_hash_table_new(g_str_hash, g_str_equal);
    if (parent) {
        for (GSList *l = parent->class->interfaces; l; l = l->next) {
            InterfaceClass *pic = l->data;

            class_add_interface(klass, pic->interface_type, pic);
        }
    }
    for (int i = 0; i < ti->num_interfaces; i++) {
        TypeImpl *iface = type_get_by_name(ti->interface_names[i]);

        if (!iface || !type_is_interface(iface)) {
            fprintf(stderr, "Type '%s': '%s' is not an interface\n",
                    ti->name, ti->interface_names[i]);
            abort();
        }
        class_add_interface(klass, iface, NULL);
    }
    ti->class = klass;
    for (TypeImpl *p = parent; p; p = type_get_parent(p)) {
        if (p->class_base_init) {
            p->class_base_init(klass, ti->class_data);
        }
    }
    if (ti->class_init) {
        ti->class_init(klass, ti->class_data);
    }
    ti->initializing = false;
}

ObjectClass *object_class_by_name(const char *typename)
{
    TypeImpl *ti = type_get_by_name(typename);

    if (!ti) {
        return NULL;
    }
    type_initialize(ti);
    return ti->class;
}

ObjectClass *object_class_get_parent(ObjectClass *klass)
{
    TypeImpl *parent = type_get_parent(klass->type);

    if (!parent) {
        return NULL;
    }
    type_initialize(parent);
    return parent->class;
}

const char *object_class_get_name(ObjectClass *klass)
{
    return klass->type->name;
}

bool object_class_is_abstract(ObjectClass *klass)
{
    return klass->type->abstract;
}

ObjectClass *object_class_dynamic_cast(ObjectClass *klass,
                                       const char *typename)
{
    TypeImpl *target;
    ObjectClass *found = NULL;

    if (!klass) {
        return NULL;
    }
    if (g_str_equal(klass->type->name, typename)) {
        return klass;
    }
    target = type_get_by_name(typename);
    if (!target) {
        return NULL;
    }
    if (type_is_ancestor(klass->type, target)) {
        return klass;
    }
    if (!type_is_interface(target)) {
        return NULL;
    }
    for (GSList *l = klass->interfaces; l; l = l->next) {
        InterfaceClass *ic = l->data;

        if (type_is_ancestor(ic->interface_type, target)) {
            if (found) {
                return NULL;    /* ambiguous: two interfaces match */
            }
            found = l->data;
        }
    }
    return found;
}

ObjectClass *object_class_dynamic_cast_assert(ObjectClass *klass,
                                              const char *typename,
                                              const char *file, int line)
{
    ObjectClass *ret = object_class_dynamic_cast(klass, typename);

    if (!ret && klass) {
        fprintf(stderr, "%s:%d: Object class %s is not an instance of "
                "type %s\n", file, line, klass->type->name, typename);
        abort();
    }
    return ret;
}

static gint class_name_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(object_class_get_name((ObjectClass *)a),
                  object_class_get_name((ObjectClass *)b));
}

GSList *object_class_get_list(const char *implements_type,
                              bool include_abstract)
{
    GSList *list = NULL;
    GHashTableIter iter;
    gpointer value;
    GPtrArray *all = g_ptr_array_new();

    type_table_init();
    /* Collect first: initializing a class may register nothing, but be safe. */
    g_hash_table_iter_init(&iter, type_table);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        g_ptr_array_add(all, value);
    }
    for (guint i = 0; i < all->len; i++) {
        TypeImpl *ti = g_ptr_array_index(all, i);

        if (type_is_interface(ti) && ti->name) {
            /* interfaces are listed only when asked for abstract types */
            if (!include_abstract) {
                continue;
            }
        }
        if (ti->abstract && !include_abstract) {
            continue;
        }
        type_initialize(ti);
        if (implements_type &&
            !object_class_dynamic_cast(ti->class, implements_type)) {
            continue;
        }
        list = g_slist_prepend(list, ti->class);
    }
    g_ptr_array_free(all, true);
    return g_slist_sort(list, class_name_cmp);
}

void object_class_foreach(void (*fn)(ObjectClass *klass, void *opaque),
                          const char *implements_type, bool include_abstract,
                          void *opaque)
{
    GSList *list = object_class_get_list(implements_type, include_abstract);

    for (GSList *l = list; l; l = l->next) {
        fn(l->data, opaque);
    }
    g_slist_free(list);
}

/* ---- instances ---- */

static void object_property_free(gpointer data)
{
    ObjectProperty *prop = data;

    g_free(prop->name);
    g_free(prop->type);
    g_free(prop->description);
    g_free(prop->defval);
    g_free(prop);
}

static void object_init_with_type(Object *obj, TypeImpl *ti)
{
    TypeImpl *parent = type_get_parent(ti);

    if (parent) {
        object_init_with_type(obj, parent);
    }
    if (ti->instance_init) {
        ti->instance_init(obj);
    }
}

/* Leaf first, as QEMU does: a subclass sees its parent's post_init after it. */
static void object_post_init_with_type(Object *obj, TypeImpl *ti)
{
    if (ti->instance_post_init) {
        ti->instance_post_init(obj);
    }
    if (type_get_parent(ti)) {
        object_post_init_with_type(obj, type_get_parent(ti));
    }
}

static void object_initialize_with_class(void *data, size_t size,
                                         ObjectClass *klass)
{
    Object *obj = data;
    TypeImpl *ti = klass->type;

    if (ti->abstract) {
        fprintf(stderr, "Object type '%s' is abstract\n", ti->name);
        abort();
    }
    g_assert(size >= type_instance_size(ti));
    memset(obj, 0, type_instance_size(ti));
    obj->class = klass;
    obj->ref = 1;
    obj->properties = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                            object_property_free);
    object_init_with_type(obj, ti);
    object_post_init_with_type(obj, ti);
}

void object_initialize(void *data, size_t size, const char *typename)
{
    ObjectClass *klass = object_class_by_name(typename);

    if (!klass) {
        fprintf(stderr, "missing object type '%s'\n", typename);
        abort();
    }
    object_initialize_with_class(data, size, klass);
}

Object *object_new_with_class(ObjectClass *klass)
{
    size_t size = type_instance_size(klass->type);
    Object *obj = g_malloc0(size);

    object_initialize_with_class(obj, size, klass);
    obj->free = g_free;
    return obj;
}

Object *object_new(const char *typename)
{
    ObjectClass *klass = object_class_by_name(typename);

    if (!klass) {
        fprintf(stderr, "missing object type '%s'\n", typename);
        abort();
    }
    return object_new_with_class(klass);
}

/* Class properties own per-instance resources (strings, link refs). */
static void object_release_class_props(Object *obj)
{
    for (ObjectClass *k = obj->class; k; k = object_class_get_parent(k)) {
        GHashTableIter iter;
        gpointer value;

        g_hash_table_iter_init(&iter, k->properties);
        while (g_hash_table_iter_next(&iter, NULL, &value)) {
            ObjectProperty *prop = value;

            if (prop->release) {
                prop->release(obj, prop);
            }
        }
    }
}

static void object_property_del_all(Object *obj)
{
    /* Release may remove further properties; take one at a time. */
    for (;;) {
        GHashTableIter iter;
        gpointer key;

        g_hash_table_iter_init(&iter, obj->properties);
        if (!g_hash_table_iter_next(&iter, &key, NULL)) {
            break;
        }
        object_property_del(obj, key);
    }
}

static void object_finalize(Object *obj)
{
    for (TypeImpl *ti = obj->class->type; ti; ti = type_get_parent(ti)) {
        if (ti->instance_finalize) {
            ti->instance_finalize(obj);
        }
    }
    object_property_del_all(obj);
    object_release_class_props(obj);
    g_hash_table_unref(obj->properties);
    obj->properties = NULL;
    if (obj->free) {
        obj->free(obj);
    }
}

Object *object_ref(void *opaque)
{
    Object *obj = opaque;

    if (obj) {
        obj->ref++;
    }
    return obj;
}

void object_unref(void *opaque)
{
    Object *obj = opaque;

    if (!obj) {
        return;
    }
    g_assert(obj->ref > 0);
    if (--obj->ref == 0) {
        object_finalize(obj);
    }
}

Object *object_dynamic_cast(Object *obj, const char *typename)
{
    if (obj && object_class_dynamic_cast(obj->class, typename)) {
        return obj;
    }
    return NULL;
}

Object *object_dynamic_cast_assert(Object *obj, const char *typename,
                                   const char *file, int line)
{
    if (obj && !object_dynamic_cast(obj, typename)) {
        fprintf(stderr, "%s:%d: Object %p is not an instance of type %s\n",
                file, line, (void *)obj, typename);
        abort();
    }
    return obj;
}

ObjectClass *object_get_class(Object *obj)
{
    return obj->class;
}

const char *object_get_typename(const Object *obj)
{
    return obj->class->type->name;
}

/* ---- property registry and lookup ---- */

static ObjectProperty *property_new(const char *name, const char *type,
                                    ObjectPropertyGet *get,
                                    ObjectPropertySet *set,
                                    ObjectPropertyRelease *release,
                                    void *opaque)
{
    ObjectProperty *prop = g_new0(ObjectProperty, 1);

    prop->name = g_strdup(name);
    prop->type = g_strdup(type);
    prop->get = get;
    prop->set = set;
    prop->release = release;
    prop->opaque = opaque;
    prop->offset = -1;
    return prop;
}

ObjectProperty *object_class_property_add(ObjectClass *klass,
                                          const char *name, const char *type,
                                          ObjectPropertyGet *get,
                                          ObjectPropertySet *set,
                                          void *opaque)
{
    ObjectProperty *prop;

    if (object_class_property_find(klass, name)) {
        fprintf(stderr, "attempt to add duplicate property '%s' to class "
                "(type '%s')\n", name, object_class_get_name(klass));
        abort();
    }
    prop = property_new(name, type, get, set, NULL, opaque);
    g_hash_table_insert(klass->properties, prop->name, prop);
    return prop;
}

ObjectProperty *object_class_property_find(ObjectClass *klass,
                                           const char *name)
{
    for (; klass; klass = object_class_get_parent(klass)) {
        ObjectProperty *prop = g_hash_table_lookup(klass->properties, name);

        if (prop) {
            return prop;
        }
    }
    return NULL;
}

void object_class_property_set_description(ObjectClass *klass,
                                           const char *name,
                                           const char *description)
{
    ObjectProperty *prop = object_class_property_find(klass, name);

    if (prop) {
        g_free(prop->description);
        prop->description = g_strdup(description);
    }
}

ObjectProperty *object_property_add(Object *obj, const char *name,
                                    const char *type, ObjectPropertyGet *get,
                                    ObjectPropertySet *set,
                                    ObjectPropertyRelease *release,
                                    void *opaque)
{
    ObjectProperty *prop;
    size_t len = strlen(name);

    if (len >= 3 && g_str_equal(name + len - 3, "[*]")) {
        g_autofree char *base = g_strndup(name, len - 3);

        for (int i = 0; ; i++) {
            g_autofree char *full = g_strdup_printf("%s[%d]", base, i);

            if (!object_property_find(obj, full)) {
                return object_property_add(obj, full, type, get, set,
                                           release, opaque);
            }
        }
    }
    if (object_property_find(obj, name)) {
        return NULL;
    }
    prop = property_new(name, type, get, set, release, opaque);
    g_hash_table_insert(obj->properties, prop->name, prop);
    return prop;
}

void object_property_del(Object *obj, const char *name)
{
    ObjectProperty *prop = g_hash_table_lookup(obj->properties, name);

    if (!prop) {
        return;
    }
    /* Unlink first so release callbacks see a consistent table. */
    g_hash_table_steal(obj->properties, name);
    if (prop->release) {
        prop->release(obj, prop);
    }
    object_property_free(prop);
}

ObjectProperty *object_property_find(Object *obj, const char *name)
{
    ObjectProperty *prop = g_hash_table_lookup(obj->properties, name);

    return prop ? prop : object_class_property_find(obj->class, name);
}

ObjectProperty *object_property_find_err(Object *obj, const char *name,
                                         Error **errp)
{
    ObjectProperty *prop = object_property_find(obj, name);

    if (!prop) {
        error_setg(errp, "Property '%s.%s' not found",
                   object_get_typename(obj), name);
    }
    return prop;
}

static gint prop_name_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(((const ObjectProperty *)a)->name,
                  ((const ObjectProperty *)b)->name);
}

/* Properties of one table, sorted by name so output is deterministic. */
static GSList *props_sorted(GHashTable *table)
{
    GSList *list = NULL;
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, table);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        list = g_slist_prepend(list, value);
    }
    return g_slist_sort(list, prop_name_cmp);
}

static void class_props_foreach(ObjectClass *klass, GHashTable *seen,
                                ObjectPropertyFn *fn, void *opaque)
{
    ObjectClass *parent = object_class_get_parent(klass);
    GSList *list;

    if (parent) {
        class_props_foreach(parent, seen, fn, opaque);
    }
    list = props_sorted(klass->properties);
    for (GSList *l = list; l; l = l->next) {
        ObjectProperty *prop = l->data;

        if (g_hash_table_add(seen, prop->name)) {
            fn(prop, opaque);
        }
    }
    g_slist_free(list);
}

void object_class_property_foreach(ObjectClass *klass, ObjectPropertyFn *fn,
                                   void *opaque)
{
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);

    class_props_foreach(klass, seen, fn, opaque);
    g_hash_table_unref(seen);
}

void object_property_foreach(Object *obj, ObjectPropertyFn *fn, void *opaque)
{
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    GSList *list;

    class_props_foreach(obj->class, seen, fn, opaque);
    list = props_sorted(obj->properties);
    for (GSList *l = list; l; l = l->next) {
        ObjectProperty *prop = l->data;

        if (g_hash_table_add(seen, prop->name)) {
            fn(prop, opaque);
        }
    }
    g_slist_free(list);
    g_hash_table_unref(seen);
}

/* ---- text access ---- */

bool object_property_set_str(Object *obj, const char *name,
                             const char *value, Error **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);

    if (!prop) {
        return false;
    }
    if (!prop->set) {
        error_setg(errp, "Property '%s.%s' is not writable",
                   object_get_typename(obj), name);
        return false;
    }
    return prop->set(obj, prop, value ? value : "", errp);
}

char *object_property_get_str(Object *obj, const char *name, Error **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);

    if (!prop) {
        return NULL;
    }
    if (!prop->get) {
        error_setg(errp, "Property '%s.%s' is not readable",
                   object_get_typename(obj), name);
        return NULL;
    }
    return prop->get(obj, prop, errp);
}

bool object_property_set_bool(Object *obj, const char *name, bool value,
                              Error **errp)
{
    return object_property_set_str(obj, name, value ? "on" : "off", errp);
}

bool object_property_get_bool(Object *obj, const char *name, Error **errp)
{
    g_autofree char *s = object_property_get_str(obj, name, errp);
    bool val = false;

    if (s && !qom_parse_bool(name, s, &val, errp)) {
        return false;
    }
    return val;
}

bool object_property_set_int(Object *obj, const char *name, int64_t value,
                             Error **errp)
{
    g_autofree char *s = g_strdup_printf("%" PRId64, value);

    return object_property_set_str(obj, name, s, errp);
}

int64_t object_property_get_int(Object *obj, const char *name, Error **errp)
{
    g_autofree char *s = object_property_get_str(obj, name, errp);
    int64_t val;

    if (!s) {
        return -1;
    }
    if (!qom_parse_int64(name, s, &val, errp)) {
        return -1;
    }
    return val;
}

bool object_property_set_uint(Object *obj, const char *name, uint64_t value,
                              Error **errp)
{
    g_autofree char *s = g_strdup_printf("%" PRIu64, value);

    return object_property_set_str(obj, name, s, errp);
}

uint64_t object_property_get_uint(Object *obj, const char *name,
                                  Error **errp)
{
    g_autofree char *s = object_property_get_str(obj, name, errp);
    uint64_t val;

    if (!s) {
        return 0;
    }
    if (!qom_parse_uint64(name, s, &val, errp)) {
        return 0;
    }
    return val;
}

/* As in QEMU, a link crosses as the target's canonical path. */
bool object_property_set_link(Object *obj, const char *name, Object *value,
                              Error **errp)
{
    g_autofree char *path = NULL;

    if (value) {
        path = object_get_canonical_path(value);
        if (!path) {
            error_setg(errp, "Object of type '%s' is not in the composition "
                       "tree", object_get_typename(value));
            return false;
        }
    }
    return object_property_set_str(obj, name, path ? path : "", errp);
}

Object *object_property_get_link(Object *obj, const char *name, Error **errp)
{
    g_autofree char *path = object_property_get_str(obj, name, errp);

    if (!path || !*path) {
        return NULL;
    }
    return object_resolve_path(path, NULL);
}

const char *object_property_get_type(Object *obj, const char *name,
                                     Error **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);

    return prop ? prop->type : NULL;
}
