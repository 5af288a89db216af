/*
 * kemu object model (QOM's nouns at a smaller size).
 *
 * - A *type* is registered once (TypeInfo, usually from a constructor via
 *   type_init()).  Single inheritance of classes and instances, plus
 *   interfaces (abstract types whose class is embedded in implementers).
 * - A *class* is created lazily on first use: the parent's class bytes are
 *   copied, then each class_init along the chain runs, root first.
 * - *Properties* are registered on the class (introspectable without an
 *   instance); children are per-instance entries of type "child<TYPE>".
 *   A property value crosses every interface as text in command-line syntax
 *   ("on", "42", "0x3f8", "1G", "serial0"); the property's type name
 *   ("bool", "uint32", "str", "size", "link<TYPE>", ...) tells QMP how to
 *   render it as JSON.
 * - Instances are refcounted; object_unref() to 0 runs finalizers (leaf
 *   first) and frees.  The composition tree roots at object_get_root() ("/"),
 *   so "/machine/peripheral/serial0" names an object.
 */
#ifndef QOM_OBJECT_H
#define QOM_OBJECT_H

#include "qemu/osdep.h"
#include "qapi/error.h"

typedef struct TypeImpl *Type;
typedef struct ObjectClass ObjectClass;
typedef struct Object Object;
typedef struct ObjectProperty ObjectProperty;
typedef struct InterfaceClass InterfaceClass;

#define TYPE_OBJECT "object"
#define TYPE_INTERFACE "interface"
/* A plain container object, used for /machine/unattached and friends. */
#define TYPE_CONTAINER "container"

/* Returns a newly allocated string (g_free) or NULL with errp set. */
typedef char *ObjectPropertyGet(Object *obj, ObjectProperty *prop,
                                Error **errp);
typedef bool ObjectPropertySet(Object *obj, ObjectProperty *prop,
                               const char *value, Error **errp);
/* Called when an instance property (child, dynamic) is removed. */
typedef void ObjectPropertyRelease(Object *obj, ObjectProperty *prop);

struct ObjectProperty {
    char *name;
    char *type;           /* "bool", "uint32", "str", "child<serial>", ... */
    char *description;    /* may be NULL */
    char *defval;         /* default as text for help output, may be NULL */
    ObjectPropertyGet *get;   /* NULL: write-only */
    ObjectPropertySet *set;   /* NULL: read-only */
    ObjectPropertyRelease *release;
    void *opaque;         /* e.g. a qdev Property * or a child Object * */
    ptrdiff_t offset;     /* field offset for offset-based helpers, or -1 */
};

typedef struct InterfaceInfo {
    const char *type;
} InterfaceInfo;

typedef struct TypeInfo {
    const char *name;
    const char *parent;
    size_t instance_size;  /* 0: same as parent */
    size_t class_size;     /* 0: same as parent */
    void (*instance_init)(Object *obj);       /* cannot fail */
    void (*instance_post_init)(Object *obj);  /* after all instance_inits */
    void (*instance_finalize)(Object *obj);
    bool abstract;
    void (*class_init)(ObjectClass *klass, void *data);
    void (*class_base_init)(ObjectClass *klass, void *data);
    void *class_data;
    const InterfaceInfo *interfaces;  /* terminated by { NULL } */
} TypeInfo;

struct ObjectClass {
    Type type;
    GSList *interfaces;        /* InterfaceClass * of implemented interfaces */
    GHashTable *properties;    /* name -> ObjectProperty *, own only */
    void (*unparent)(Object *obj);
};

struct Object {
    ObjectClass *class;
    GHashTable *properties;    /* per-instance: name -> ObjectProperty * */
    uint32_t ref;
    Object *parent;            /* in the composition tree, NULL if none */
    /* Frees the storage at refcount 0: g_free for object_new, NULL when embedded. */
    void (*free)(void *obj);
};

struct InterfaceClass {
    ObjectClass parent_class;
    ObjectClass *concrete_class;   /* the class embedding this interface */
    Type interface_type;
};

/* ---- types ---- */

Type type_register_static(const TypeInfo *info);
/* Register @n types from an array. */
void type_register_static_array(const TypeInfo *infos, int n);
/* Registers types from a constructor: type_init(my_register_types). */
#define type_init(fn) \
    static void __attribute__((constructor)) do_qemu_init_ ## fn(void) \
    { fn(); }

/* The class of a type name, creating it if needed; NULL if unknown. */
ObjectClass *object_class_by_name(const char *typename);
ObjectClass *object_class_get_parent(ObjectClass *klass);
const char *object_class_get_name(ObjectClass *klass);
bool object_class_is_abstract(ObjectClass *klass);
/* NULL unless @klass is (or implements) @typename. */
ObjectClass *object_class_dynamic_cast(ObjectClass *klass,
                                       const char *typename);
/* Like the above, but aborts with a message on failure (programming error). */
ObjectClass *object_class_dynamic_cast_assert(ObjectClass *klass,
                                              const char *typename,
                                              const char *file, int line);
/*
 * Every class that is (or implements) @implements_type; abstract ones only
 * when @include_abstract.  Sorted by type name.  g_slist_free() the list.
 */
GSList *object_class_get_list(const char *implements_type,
                              bool include_abstract);
void object_class_foreach(void (*fn)(ObjectClass *klass, void *opaque),
                          const char *implements_type, bool include_abstract,
                          void *opaque);

/* ---- instances ---- */

/* New instance with refcount 1; NULL for unknown or abstract types (programming error: aborts). */
Object *object_new(const char *typename);
Object *object_new_with_class(ObjectClass *klass);
/* Initialise a caller-allocated instance (embedded child objects). */
void object_initialize(void *data, size_t size, const char *typename);
Object *object_ref(void *obj);
void object_unref(void *obj);

Object *object_dynamic_cast(Object *obj, const char *typename);
Object *object_dynamic_cast_assert(Object *obj, const char *typename,
                                   const char *file, int line);
ObjectClass *object_get_class(Object *obj);
const char *object_get_typename(const Object *obj);

#define OBJECT(obj) ((Object *)(obj))
#define OBJECT_CLASS(class) ((ObjectClass *)(class))

/* Checked casts used by type-specific macros. */
#define OBJECT_CHECK(type, obj, name) \
    ((type *)object_dynamic_cast_assert(OBJECT(obj), (name), \
                                        __FILE__, __LINE__))
#define OBJECT_CLASS_CHECK(class_type, class, name) \
    ((class_type *)object_class_dynamic_cast_assert(OBJECT_CLASS(class), \
                                                    (name), __FILE__, __LINE__))
#define OBJECT_GET_CLASS(class_type, obj, name) \
    OBJECT_CLASS_CHECK(class_type, object_get_class(OBJECT(obj)), name)

/*
 * Declare cast helpers for a type, e.g.
 *   OBJECT_DECLARE_TYPE(SerialState, SerialClass, SERIAL)
 * gives SERIAL(obj), SERIAL_CLASS(klass), SERIAL_GET_CLASS(obj), using
 * TYPE_SERIAL for the name.  OBJECT_DECLARE_SIMPLE_TYPE omits the class ones.
 */
#define OBJECT_DECLARE_TYPE(InstanceType, ClassType, MODULE_OBJ_NAME) \
    typedef struct InstanceType InstanceType; \
    typedef struct ClassType ClassType; \
    static inline G_GNUC_UNUSED InstanceType *MODULE_OBJ_NAME(const void *obj) \
    { return OBJECT_CHECK(InstanceType, obj, TYPE_##MODULE_OBJ_NAME); } \
    static inline G_GNUC_UNUSED ClassType *MODULE_OBJ_NAME##_CLASS(const void *klass) \
    { return OBJECT_CLASS_CHECK(ClassType, klass, TYPE_##MODULE_OBJ_NAME); } \
    static inline G_GNUC_UNUSED ClassType *MODULE_OBJ_NAME##_GET_CLASS(const void *obj) \
    { return OBJECT_GET_CLASS(ClassType, obj, TYPE_##MODULE_OBJ_NAME); }

#define OBJECT_DECLARE_SIMPLE_TYPE(InstanceType, MODULE_OBJ_NAME) \
    typedef struct InstanceType InstanceType; \
    static inline G_GNUC_UNUSED InstanceType *MODULE_OBJ_NAME(const void *obj) \
    { return OBJECT_CHECK(InstanceType, obj, TYPE_##MODULE_OBJ_NAME); }

/* ---- properties ---- */

/* Register a class property; returns it so callers can set description/defval. */
ObjectProperty *object_class_property_add(ObjectClass *klass,
                                          const char *name, const char *type,
                                          ObjectPropertyGet *get,
                                          ObjectPropertySet *set,
                                          void *opaque);
/* Typed class properties backed by a field at @offset in the instance. */
ObjectProperty *object_class_property_add_bool(ObjectClass *klass,
                                               const char *name,
                                               ptrdiff_t offset);
ObjectProperty *object_class_property_add_uint32(ObjectClass *klass,
                                                 const char *name,
                                                 ptrdiff_t offset);
ObjectProperty *object_class_property_add_uint64(ObjectClass *klass,
                                                 const char *name,
                                                 ptrdiff_t offset);
ObjectProperty *object_class_property_add_size(ObjectClass *klass,
                                               const char *name,
                                               ptrdiff_t offset);
/* char * field, g_strdup'ed on set, g_free'd on the next set. */
ObjectProperty *object_class_property_add_str(ObjectClass *klass,
                                              const char *name,
                                              ptrdiff_t offset);
/*
 * An Object * field linking to another object, set by path or by a
 * name found with object_resolve_path_type(value, @target_type).
 * Type name "link<@target_type>".  Holds a reference.
 */
ObjectProperty *object_class_property_add_link(ObjectClass *klass,
                                               const char *name,
                                               const char *target_type,
                                               ptrdiff_t offset);
void object_class_property_set_description(ObjectClass *klass,
                                           const char *name,
                                           const char *description);

/* Instance property (dynamic; used for children and rare special cases). */
ObjectProperty *object_property_add(Object *obj, const char *name,
                                    const char *type, ObjectPropertyGet *get,
                                    ObjectPropertySet *set,
                                    ObjectPropertyRelease *release,
                                    void *opaque);
void object_property_del(Object *obj, const char *name);

/* Look up on the instance, then its class chain.  NULL (with errp
 * "Property 'TYPE.NAME' not found") when absent. */
ObjectProperty *object_property_find(Object *obj, const char *name);
ObjectProperty *object_property_find_err(Object *obj, const char *name,
                                         Error **errp);
ObjectProperty *object_class_property_find(ObjectClass *klass,
                                           const char *name);

/* Iterate class-chain and instance properties; callback gets each once. */
typedef void ObjectPropertyFn(ObjectProperty *prop, void *opaque);
void object_property_foreach(Object *obj, ObjectPropertyFn *fn, void *opaque);
void object_class_property_foreach(ObjectClass *klass, ObjectPropertyFn *fn,
                                   void *opaque);

bool object_property_set_str(Object *obj, const char *name,
                             const char *value, Error **errp);
/* g_free() the result; NULL with errp on failure. */
char *object_property_get_str(Object *obj, const char *name, Error **errp);
bool object_property_set_bool(Object *obj, const char *name, bool value,
                              Error **errp);
bool object_property_get_bool(Object *obj, const char *name, Error **errp);
bool object_property_set_int(Object *obj, const char *name, int64_t value,
                             Error **errp);
int64_t object_property_get_int(Object *obj, const char *name, Error **errp);
bool object_property_set_uint(Object *obj, const char *name, uint64_t value,
                              Error **errp);
uint64_t object_property_get_uint(Object *obj, const char *name,
                                  Error **errp);
bool object_property_set_link(Object *obj, const char *name, Object *value,
                              Error **errp);
Object *object_property_get_link(Object *obj, const char *name, Error **errp);
const char *object_property_get_type(Object *obj, const char *name,
                                     Error **errp);

/* ---- composition tree ---- */

Object *object_get_root(void);
/* "/machine", created on first use as a container under the root. */
Object *object_get_container(const char *name);
/*
 * Make @child a child of @obj named @name (adds a reference; the tree owns
 * it).  Fails if @name exists or @child already has a parent.  A @name
 * ending in "[*]" takes the first free index: "device[*]" -> "device[0]".
 */
bool object_property_add_child(Object *obj, const char *name, Object *child,
                               Error **errp);
/*
 * The container at @path below @root ("/machine/unattached" style, leading
 * '/' optional), creating missing containers on the way.  An existing
 * object of any type on the path is used as is.
 */
Object *container_get(Object *root, const char *path);
/* Remove @obj from its parent (drops the tree's reference). */
void object_unparent(Object *obj);
/* Name of @obj in its parent, or NULL. */
const char *object_get_canonical_path_component(const Object *obj);
/* "/machine/peripheral/serial0"; g_free(). */
char *object_get_canonical_path(const Object *obj);
Object *object_resolve_path_component(Object *parent, const char *part);
/*
 * Absolute paths resolve from the root; a partial path ("serial0" or
 * "peripheral/serial0") matches when exactly one object in the tree ends
 * with it; *ambiguous is set when several do.  @typename filters (NULL: any).
 */
Object *object_resolve_path_type(const char *path, const char *typename,
                                 bool *ambiguous);
Object *object_resolve_path(const char *path, bool *ambiguous);
/* Calls @fn(child, opaque) for each child; stops when fn returns non-zero. */
int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque),
                         void *opaque);
/* Depth-first over the whole subtree below @obj (not @obj itself). */
int object_child_foreach_recursive(Object *obj,
                                   int (*fn)(Object *child, void *opaque),
                                   void *opaque);

#endif
