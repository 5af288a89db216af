/*
 * Unit tests for qom/: type registry and class chain, interfaces, instance
 * init/finalize order, refcounts, typed class properties from strings,
 * links, children, canonical paths and path resolution.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qom/object.h"

/* ---- test types ---- */

#define TYPE_ANIMAL "test-animal"
#define TYPE_DOG "test-dog"
#define TYPE_PUPPY "test-puppy"
#define TYPE_CAT "test-cat"
#define TYPE_PETTABLE "test-pettable"
#define TYPE_LEASH "test-leash"

typedef struct Animal {
    Object parent_obj;
    bool alive;
    uint32_t legs;
    uint64_t weight;
    uint64_t mem;
    char *name;
    Object *friend;
    int init_seq;           /* order marks written by instance_init */
} Animal;

typedef struct AnimalClass {
    ObjectClass parent_class;
    const char *(*sound)(Animal *a);
    int class_init_seq;
} AnimalClass;

typedef struct Dog {
    Animal parent_obj;
    int dog_init_seq;
} Dog;

typedef struct PettableClass {
    InterfaceClass parent_class;
    int (*pet)(Object *obj);
} PettableClass;

static int seq;             /* a global counter to check call order */
static int finalize_log[8];
static int finalize_count;

static const char *animal_sound(Animal *a)
{
    return "...";
}

static const char *dog_sound(Animal *a)
{
    return "woof";
}

static int dog_pet(Object *obj)
{
    return 7;
}

static void animal_class_init(ObjectClass *klass, void *data)
{
    AnimalClass *ac = (AnimalClass *)klass;

    ac->sound = animal_sound;
    ac->class_init_seq = 1;
    object_class_property_add_bool(klass, "alive", offsetof(Animal, alive));
    object_class_property_add_uint32(klass, "legs", offsetof(Animal, legs));
    object_class_property_add_uint64(klass, "weight",
                                     offsetof(Animal, weight));
    object_class_property_add_size(klass, "mem", offsetof(Animal, mem));
    object_class_property_add_str(klass, "name", offsetof(Animal, name));
    object_class_property_add_link(klass, "friend", TYPE_ANIMAL,
                                   offsetof(Animal, friend));
    object_class_property_set_description(klass, "legs", "Number of legs");
}

static void dog_class_init(ObjectClass *klass, void *data)
{
    AnimalClass *ac = (AnimalClass *)klass;
    PettableClass *pc = (PettableClass *)object_class_dynamic_cast(
        klass, TYPE_PETTABLE);

    /* The parent's class_init already ran on this copy. */
    g_assert_cmpint(ac->class_init_seq, ==, 1);
    ac->class_init_seq = 2;
    ac->sound = dog_sound;
    g_assert_nonnull(pc);
    pc->pet = dog_pet;
}

static void animal_init(Object *obj)
{
    Animal *a = (Animal *)obj;

    a->init_seq = ++seq;
    a->legs = 4;
    a->alive = true;
}

static void dog_init(Object *obj)
{
    Dog *d = (Dog *)obj;

    d->dog_init_seq = ++seq;
}

static void animal_finalize(Object *obj)
{
    if (finalize_count < (int)ARRAY_SIZE(finalize_log)) {
        finalize_log[finalize_count] = 1;
    }
    finalize_count++;
}

static void dog_finalize(Object *obj)
{
    if (finalize_count < (int)ARRAY_SIZE(finalize_log)) {
        finalize_log[finalize_count] = 2;
    }
    finalize_count++;
}

static const InterfaceInfo dog_interfaces[] = {
    { TYPE_PETTABLE },
    { NULL }
};

static const TypeInfo test_types[] = {
    {
        .name = TYPE_PETTABLE,
        .parent = TYPE_INTERFACE,
        .class_size = sizeof(PettableClass),
    }, {
        .name = TYPE_ANIMAL,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(Animal),
        .class_size = sizeof(AnimalClass),
        .instance_init = animal_init,
        .instance_finalize = animal_finalize,
        .class_init = animal_class_init,
        .abstract = true,
    }, {
        /* Registered before its parent would be fine as well. */
        .name = TYPE_PUPPY,
        .parent = TYPE_DOG,
    }, {
        .name = TYPE_DOG,
        .parent = TYPE_ANIMAL,
        .instance_size = sizeof(Dog),
        .instance_init = dog_init,
        .instance_finalize = dog_finalize,
        .class_init = dog_class_init,
        .interfaces = dog_interfaces,
    }, {
        .name = TYPE_CAT,
        .parent = TYPE_ANIMAL,
    },
};

static void register_test_types(void)
{
    type_register_static_array(test_types, ARRAY_SIZE(test_types));
}

type_init(register_test_types)

/* ---- types and classes ---- */

static void test_class_chain(void)
{
    ObjectClass *dog = object_class_by_name(TYPE_DOG);
    ObjectClass *puppy = object_class_by_name(TYPE_PUPPY);
    ObjectClass *animal = object_class_by_name(TYPE_ANIMAL);

    g_assert_nonnull(dog);
    g_assert_null(object_class_by_name("no-such-type"));
    g_assert_cmpstr(object_class_get_name(dog), ==, TYPE_DOG);
    g_assert_true(object_class_get_parent(dog) == animal);
    g_assert_true(object_class_get_parent(puppy) == dog);
    g_assert_true(object_class_is_abstract(animal));
    g_assert_false(object_class_is_abstract(dog));
    g_assert_cmpint(((AnimalClass *)dog)->class_init_seq, ==, 2);
    g_assert_cmpint(((AnimalClass *)animal)->class_init_seq, ==, 1);
    /* puppy inherits dog's overrides through the class copy */
    g_assert_true(((AnimalClass *)puppy)->sound == dog_sound);
    g_assert_true(object_class_dynamic_cast(puppy, TYPE_ANIMAL) == puppy);
    g_assert_null(object_class_dynamic_cast(animal, TYPE_DOG));
    g_assert_null(object_class_dynamic_cast(object_class_by_name(TYPE_CAT),
                                            TYPE_DOG));
}

static void test_interfaces(void)
{
    ObjectClass *dog = object_class_by_name(TYPE_DOG);
    ObjectClass *puppy = object_class_by_name(TYPE_PUPPY);
    ObjectClass *cat = object_class_by_name(TYPE_CAT);
    PettableClass *pc;
    Object *obj;

    pc = (PettableClass *)object_class_dynamic_cast(dog, TYPE_PETTABLE);
    g_assert_nonnull(pc);
    g_assert_true(((InterfaceClass *)pc)->concrete_class == dog);
    /* Inherited implementation keeps the parent's override. */
    pc = (PettableClass *)object_class_dynamic_cast(puppy, TYPE_PETTABLE);
    g_assert_nonnull(pc);
    g_assert_true(((InterfaceClass *)pc)->concrete_class == puppy);
    g_assert_true(pc->pet == dog_pet);
    g_assert_null(object_class_dynamic_cast(cat, TYPE_PETTABLE));

    obj = object_new(TYPE_PUPPY);
    g_assert_nonnull(object_dynamic_cast(obj, TYPE_PETTABLE));
    g_assert_null(object_dynamic_cast(obj, TYPE_CAT));
    object_unref(obj);
}

static void test_class_list(void)
{
    GSList *list = object_class_get_list(TYPE_ANIMAL, false);
    GSList *all = object_class_get_list(TYPE_ANIMAL, true);

    /* Sorted by name, abstract ones only on request. */
    g_assert_cmpint(g_slist_length(list), ==, 3);
    g_assert_cmpstr(object_class_get_name(list->data), ==, TYPE_CAT);
    g_assert_cmpstr(object_class_get_name(list->next->data), ==, TYPE_DOG);
    g_assert_cmpint(g_slist_length(all), ==, 4);
    g_slist_free(list);
    g_slist_free(all);

    list = object_class_get_list(TYPE_PETTABLE, false);
    g_assert_cmpint(g_slist_length(list), ==, 2);   /* dog, puppy */
    g_slist_free(list);
}

/* ---- instances ---- */

static void test_init_finalize_order(void)
{
    Object *obj;
    Dog *d;

    seq = 0;
    finalize_count = 0;
    obj = object_new(TYPE_PUPPY);
    d = (Dog *)obj;
    g_assert_cmpint(d->parent_obj.init_seq, ==, 1);   /* parent first */
    g_assert_cmpint(d->dog_init_seq, ==, 2);
    g_assert_cmpstr(object_get_typename(obj), ==, TYPE_PUPPY);
    g_assert_cmpint(obj->ref, ==, 1);

    object_ref(obj);
    object_unref(obj);
    g_assert_cmpint(finalize_count, ==, 0);
    object_unref(obj);
    /* Finalizers run leaf first. */
    g_assert_cmpint(finalize_count, ==, 2);
    g_assert_cmpint(finalize_log[0], ==, 2);
    g_assert_cmpint(finalize_log[1], ==, 1);
}

static void test_embedded(void)
{
    Dog storage;

    finalize_count = 0;
    object_initialize(&storage, sizeof(storage), TYPE_DOG);
    g_assert_cmpint(storage.parent_obj.legs, ==, 4);
    object_unref(&storage);     /* no free of caller's storage */
    g_assert_cmpint(finalize_count, ==, 2);
}

/* ---- properties ---- */

static void test_typed_props(void)
{
    Object *obj = object_new(TYPE_DOG);
    Animal *a = (Animal *)obj;
    Error *err = NULL;
    char *s;

    g_assert_true(object_property_set_str(obj, "legs", "3", &error_abort));
    g_assert_cmpint(a->legs, ==, 3);
    g_assert_true(object_property_set_str(obj, "legs", "0x10", NULL));
    g_assert_cmpint(a->legs, ==, 16);
    g_assert_cmpuint(object_property_get_uint(obj, "legs", &error_abort),
                     ==, 16);
    g_assert_false(object_property_set_str(obj, "legs", "0x100000000",
                                           &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'legs' expects uint32_t");
    error_free_or_abort(&err);
    g_assert_false(object_property_set_str(obj, "legs", "many", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'legs' expects integer");
    error_free_or_abort(&err);

    g_assert_true(object_property_set_str(obj, "alive", "off", NULL));
    g_assert_false(a->alive);
    g_assert_false(object_property_get_bool(obj, "alive", &error_abort));
    g_assert_true(object_property_set_bool(obj, "alive", true, NULL));
    g_assert_true(a->alive);
    g_assert_false(object_property_set_str(obj, "alive", "maybe", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'alive' expects 'on' or 'off'");
    error_free_or_abort(&err);

    g_assert_true(object_property_set_str(obj, "mem", "2M", NULL));
    g_assert_cmpuint(a->mem, ==, 2 * MiB);
    g_assert_true(object_property_set_uint(obj, "weight", UINT64_MAX, NULL));
    g_assert_cmpuint(a->weight, ==, UINT64_MAX);
    g_assert_true(object_property_set_int(obj, "legs", 2, NULL));
    g_assert_cmpint(object_property_get_int(obj, "legs", NULL), ==, 2);

    g_assert_true(object_property_set_str(obj, "name", "rex", NULL));
    g_assert_true(object_property_set_str(obj, "name", "fido", NULL));
    s = object_property_get_str(obj, "name", NULL);
    g_assert_cmpstr(s, ==, "fido");
    g_free(s);

    g_assert_cmpstr(object_property_get_type(obj, "legs", NULL), ==,
                    "uint32");
    g_assert_cmpstr(object_property_get_type(obj, "name", NULL), ==,
                    "string");
    g_assert_cmpstr(object_property_get_type(obj, "friend", NULL), ==,
                    "link<test-animal>");
    g_assert_cmpstr(object_property_find(obj, "legs")->description, ==,
                    "Number of legs");
    s = object_property_get_str(obj, "type", NULL);
    g_assert_cmpstr(s, ==, TYPE_DOG);
    g_free(s);
    g_assert_false(object_property_set_str(obj, "type", "x", &err));
    error_free_or_abort(&err);

    g_assert_null(object_property_find_err(obj, "tail", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'test-dog.tail' not found");
    error_free_or_abort(&err);
    object_unref(obj);      /* frees the string field too */
}

static void count_prop(ObjectProperty *prop, void *opaque)
{
    (*(int *)opaque)++;
}

static void test_prop_foreach(void)
{
    Object *obj = object_new(TYPE_DOG);
    int n_class = 0, n_obj = 0;

    object_class_property_foreach(object_get_class(obj), count_prop,
                                  &n_class);
    object_property_foreach(obj, count_prop, &n_obj);
    /* type + 6 animal properties */
    g_assert_cmpint(n_class, ==, 7);
    g_assert_cmpint(n_obj, ==, 7);
    object_unref(obj);
}

/* ---- tree ---- */

static void test_children_and_paths(void)
{
    Object *root = object_get_root();
    Object *zoo = container_get(root, "/zoo/pens");
    Object *dog = object_new(TYPE_DOG);
    Object *cat = object_new(TYPE_CAT);
    Object *d0, *d1;
    bool ambiguous;
    Error *err = NULL;
    char *path;

    g_assert_true(container_get(root, "zoo/pens") == zoo);
    g_assert_true(object_get_container("zoo") == zoo->parent);
    path = object_get_canonical_path(zoo);
    g_assert_cmpstr(path, ==, "/zoo/pens");
    g_free(path);
    path = object_get_canonical_path(root);
    g_assert_cmpstr(path, ==, "/");
    g_free(path);

    g_assert_true(object_property_add_child(zoo, "rex", dog, &error_abort));
    g_assert_true(object_property_add_child(zoo, "tom", cat, NULL));
    g_assert_cmpint(dog->ref, ==, 2);
    object_unref(dog);          /* the tree keeps it alive */
    object_unref(cat);
    g_assert_cmpstr(object_get_canonical_path_component(dog), ==, "rex");
    path = object_get_canonical_path(dog);
    g_assert_cmpstr(path, ==, "/zoo/pens/rex");
    g_free(path);
    g_assert_cmpstr(object_property_get_type(zoo, "rex", NULL), ==,
                    "child<test-dog>");

    /* duplicate name, second parent */
    g_assert_false(object_property_add_child(zoo, "tom", dog, &err));
    error_free_or_abort(&err);
    g_assert_false(object_property_add_child(root, "tom2", cat, &err));
    error_free_or_abort(&err);

    /* absolute and partial paths */
    g_assert_true(object_resolve_path("/zoo/pens/rex", NULL) == dog);
    g_assert_true(object_resolve_path("rex", &ambiguous) == dog);
    g_assert_false(ambiguous);
    g_assert_true(object_resolve_path("pens/tom", NULL) == cat);
    g_assert_null(object_resolve_path("/zoo/rex", NULL));
    g_assert_null(object_resolve_path("nobody", &ambiguous));
    g_assert_true(object_resolve_path_type("tom", TYPE_ANIMAL, NULL) == cat);
    g_assert_null(object_resolve_path_type("tom", TYPE_DOG, NULL));

    /* [*] names take the first free index */
    d0 = object_new(TYPE_DOG);
    d1 = object_new(TYPE_DOG);
    object_property_add_child(zoo, "dog[*]", d0, &error_abort);
    object_property_add_child(zoo, "dog[*]", d1, &error_abort);
    g_assert_cmpstr(object_get_canonical_path_component(d0), ==, "dog[0]");
    g_assert_cmpstr(object_get_canonical_path_component(d1), ==, "dog[1]");
    object_unref(d0);
    object_unref(d1);

    g_assert_null(object_resolve_path_type("", TYPE_DOG, &ambiguous));
    g_assert_true(object_resolve_path_type("dog[1]", NULL, &ambiguous) == d1);
    g_assert_false(ambiguous);

    /* unparent drops the tree's reference and finalizes */
    finalize_count = 0;
    object_unparent(d0);
    g_assert_cmpint(finalize_count, ==, 2);
    g_assert_null(object_resolve_path("/zoo/pens/dog[0]", NULL));
    /* index 0 is free again */
    d0 = object_new(TYPE_DOG);
    object_property_add_child(zoo, "dog[*]", d0, &error_abort);
    g_assert_cmpstr(object_get_canonical_path_component(d0), ==, "dog[0]");
    object_unref(d0);

    object_unparent(zoo->parent);
}

static void test_ambiguous(void)
{
    Object *a = container_get(object_get_root(), "/amb/a");
    Object *b = container_get(object_get_root(), "/amb/b");
    Object *x1 = object_new(TYPE_CAT);
    Object *x2 = object_new(TYPE_CAT);
    bool ambiguous = false;

    object_property_add_child(a, "twin", x1, &error_abort);
    object_property_add_child(b, "twin", x2, &error_abort);
    object_unref(x1);
    object_unref(x2);
    g_assert_null(object_resolve_path("twin", &ambiguous));
    g_assert_true(ambiguous);
    g_assert_true(object_resolve_path("a/twin", &ambiguous) == x1);
    g_assert_false(ambiguous);
    object_unparent(object_resolve_path("/amb", NULL));
}

static void test_links(void)
{
    Object *pen = container_get(object_get_root(), "/farm");
    Object *dog = object_new(TYPE_DOG);
    Object *cat = object_new(TYPE_CAT);
    Object *other = object_new(TYPE_CONTAINER);
    Animal *d = (Animal *)dog;
    Error *err = NULL;
    char *s;

    object_property_add_child(pen, "dog", dog, &error_abort);
    object_property_add_child(pen, "cat", cat, &error_abort);
    object_property_add_child(pen, "box", other, &error_abort);
    object_unref(dog);
    object_unref(cat);
    object_unref(other);

    /* by partial path, by absolute path, via object_property_set_link */
    g_assert_true(object_property_set_str(dog, "friend", "cat", &error_abort));
    g_assert_true(d->friend == cat);
    g_assert_cmpint(cat->ref, ==, 2);
    s = object_property_get_str(dog, "friend", NULL);
    g_assert_cmpstr(s, ==, "/farm/cat");
    g_free(s);
    g_assert_true(object_property_get_link(dog, "friend", NULL) == cat);
    /* links are followed by path resolution */
    g_assert_true(object_resolve_path("/farm/dog/friend", NULL) == cat);

    g_assert_false(object_property_set_str(dog, "friend", "box", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Invalid parameter type for 'friend', expected: "
                    "test-animal");
    error_free_or_abort(&err);
    g_assert_false(object_property_set_str(dog, "friend", "ghost", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Device 'ghost' not found");
    g_assert_cmpint(error_get_class(err), ==, ERROR_CLASS_DEVICE_NOT_FOUND);
    error_free_or_abort(&err);
    g_assert_true(d->friend == cat);    /* unchanged on error */

    g_assert_true(object_property_set_link(dog, "friend", NULL, NULL));
    g_assert_null(d->friend);
    g_assert_cmpint(cat->ref, ==, 1);
    g_assert_true(object_property_set_link(dog, "friend", dog, NULL));
    g_assert_true(d->friend == dog);
    object_property_set_link(dog, "friend", NULL, NULL);
    object_unparent(pen);
}

static int collect_name(Object *child, void *opaque)
{
    g_string_append_printf(opaque, "%s ",
                           object_get_canonical_path_component(child));
    return 0;
}

static int stop_at_second(Object *child, void *opaque)
{
    return ++*(int *)opaque == 2 ? 42 : 0;
}

static void test_foreach(void)
{
    Object *c = container_get(object_get_root(), "/list");
    GString *names = g_string_new("");
    int n = 0;

    for (int i = 0; i < 12; i++) {
        Object *o = object_new(TYPE_CONTAINER);

        object_property_add_child(c, "item[*]", o, &error_abort);
        object_unref(o);
    }
    container_get(c, "item[3]/inner");
    object_child_foreach(c, collect_name, names);
    /* natural order: item[2] before item[10] */
    g_assert_true(g_str_has_prefix(names->str,
                                   "item[0] item[1] item[2] item[3] item[4]"));
    g_assert_true(g_str_has_suffix(names->str, "item[10] item[11] "));
    g_string_truncate(names, 0);
    object_child_foreach_recursive(c, collect_name, names);
    g_assert_true(strstr(names->str, "item[3] inner item[4]") != NULL);
    g_assert_cmpint(object_child_foreach(c, stop_at_second, &n), ==, 42);
    g_string_free(names, true);
    object_unparent(c);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qom/class-chain", test_class_chain);
    g_test_add_func("/qom/interfaces", test_interfaces);
    g_test_add_func("/qom/class-list", test_class_list);
    g_test_add_func("/qom/init-finalize-order", test_init_finalize_order);
    g_test_add_func("/qom/embedded", test_embedded);
    g_test_add_func("/qom/typed-props", test_typed_props);
    g_test_add_func("/qom/prop-foreach", test_prop_foreach);
    g_test_add_func("/qom/children-and-paths", test_children_and_paths);
    g_test_add_func("/qom/ambiguous", test_ambiguous);
    g_test_add_func("/qom/links", test_links);
    g_test_add_func("/qom/foreach", test_foreach);
    return g_test_run();
}
