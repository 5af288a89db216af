/*
 * The bus base type ("bus"): a named list of plugged devices, provided by a
 * parent device (a child of it in the tree) or standing alone under
 * /machine/unattached.  Finding a bus by type serves -device without bus=.
 */
#include "qemu/osdep.h"
#include "hw/qdev-core.h"
#include "qdev-internal.h"

/* Per-type counters for default names: "isa.0", "isa.1" as in QEMU. */
static GHashTable *bus_name_counters;

static char *qbus_default_name(const char *typename, DeviceState *parent)
{
    g_autofree char *lower = g_ascii_strdown(typename, -1);
    int n;

    if (parent && parent->id) {
        /* QEMU: a bus of a device with an id is "<id>.<n>". */
        return g_strdup_printf("%s.%d", parent->id,
                               g_slist_length(parent->child_buses));
    }
    if (!bus_name_counters) {
        bus_name_counters = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                  g_free, NULL);
    }
    n = GPOINTER_TO_INT(g_hash_table_lookup(bus_name_counters, lower));
    g_hash_table_insert(bus_name_counters, g_strdup(lower),
                        GINT_TO_POINTER(n + 1));
    return g_strdup_printf("%s.%d", lower, n);
}

BusState *qbus_new(const char *typename, DeviceState *parent,
                   const char *name)
{
    BusState *bus = BUS(object_new(typename));
    Object *owner;
    const char *child_name;

    bus->name = name ? g_strdup(name) : qbus_default_name(typename, parent);
    bus->parent = parent;
    if (parent) {
        parent->child_buses = g_slist_append(parent->child_buses, bus);
        owner = OBJECT(parent);
        child_name = bus->name;
        bus->realized = parent->realized;
    } else {
        owner = container_get(qdev_get_machine(), "unattached");
        /* A second root bus of the same name still gets a place. */
        child_name = object_property_find(owner, bus->name) ? "bus[*]"
                                                            : bus->name;
    }
    if (object_property_add_child(owner, child_name, OBJECT(bus), NULL)) {
        object_unref(bus);  /* the tree keeps it, as QEMU's qbus_init */
    }
    return bus;
}

typedef struct BusFind {
    const char *typename;
    const char *name;
    BusState *found;
    BusState *full;          /* a match with no room left (by type) */
} BusFind;

static bool bus_is_full(BusState *bus)
{
    BusClass *bc = BUS_GET_CLASS(bus);

    return bc->max_dev && bus->num_children >= bc->max_dev;
}

static int bus_find_one(Object *obj, void *opaque)
{
    BusFind *f = opaque;
    BusState *bus = (BusState *)object_dynamic_cast(obj, TYPE_BUS);

    if (!bus) {
        return 0;
    }
    if (f->typename && object_dynamic_cast(obj, f->typename)) {
        /* QEMU's qbus_find_recursive: the first bus with room. */
        if (!bus_is_full(bus)) {
            f->found = bus;
            return 1;
        }
        f->full = f->full ? f->full : bus;
    } else if (f->name && g_str_equal(bus->name, f->name)) {
        f->found = bus;
        return 1;
    }
    return 0;
}

BusState *qbus_find_by_type(const char *typename)
{
    BusFind f = { .typename = typename };

    object_child_foreach_recursive(object_get_root(), bus_find_one, &f);
    return f.found ? f.found : f.full;
}

BusState *qbus_find_by_name(const char *name)
{
    BusFind f = { .name = name };

    object_child_foreach_recursive(object_get_root(), bus_find_one, &f);
    return f.found;
}

static void bus_unparent(Object *obj)
{
    BusState *bus = BUS(obj);

    /* Devices go with their bus (QEMU's bus_unparent). */
    while (bus->children) {
        DeviceState *dev = bus->children->data;

        object_ref(dev);
        if (OBJECT(dev)->parent) {
            object_unparent(OBJECT(dev));
        }
        qdev_unplug_from_bus(dev);
        object_unref(dev);
    }
    if (bus->parent) {
        bus->parent->child_buses = g_slist_remove(bus->parent->child_buses,
                                                  bus);
        bus->parent = NULL;
    }
}

static void bus_finalize(Object *obj)
{
    BusState *bus = BUS(obj);

    bus_unparent(obj);
    g_free(bus->name);
    bus->name = NULL;
}

static char *bus_get_realized(Object *obj, ObjectProperty *prop,
                              Error **errp)
{
    return g_strdup(BUS(obj)->realized ? "true" : "false");
}

static void bus_class_init(ObjectClass *klass, void *data)
{
    klass->unparent = bus_unparent;
    object_class_property_add(klass, "realized", "bool", bus_get_realized,
                              NULL, NULL);
}

static const TypeInfo bus_type_info = {
    .name = TYPE_BUS,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(BusState),
    .instance_finalize = bus_finalize,
    .abstract = true,
    .class_size = sizeof(BusClass),
    .class_init = bus_class_init,
};

static void bus_register_types(void)
{
    type_register_static(&bus_type_info);
}

type_init(bus_register_types)
