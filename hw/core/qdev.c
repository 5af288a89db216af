/*
 * The device base type ("device"): the realized property, realize and
 * unrealize, plugging into a bus, placing devices in the composition tree
 * (/machine/unattached, /machine/peripheral, /machine/peripheral-anon),
 * cold reset of the whole tree.  Follows QEMU's qdev (hw/core/qdev.c) but
 * with a single reset hook instead of the three-phase Resettable.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/option.h"
#include "hw/qdev-core.h"
#include "qdev-internal.h"

Object *qdev_get_machine(void)
{
    return object_get_container("machine");
}

/* ---- creation ---- */

DeviceState *qdev_try_new(const char *type, Error **errp)
{
    ObjectClass *oc = object_class_by_name(type);

    if (!oc) {
        error_setg(errp, "'%s' is not a valid device model name", type);
        return NULL;
    }
    if (!object_class_dynamic_cast(oc, TYPE_DEVICE) ||
        object_class_is_abstract(oc)) {
        error_setg(errp, "Parameter 'driver' expects a non-abstract device "
                   "type");
        return NULL;
    }
    return DEVICE(object_new_with_class(oc));
}

DeviceState *qdev_new(const char *type)
{
    ObjectClass *oc = object_class_by_name(type);

    if (!oc) {
        error_report("unknown type '%s'", type);
        abort();
    }
    return DEVICE(object_new_with_class(oc));
}

bool qdev_set_id(DeviceState *dev, const char *id, Error **errp)
{
    Object *machine = qdev_get_machine();

    if (id) {
        Object *peripheral = container_get(machine, "peripheral");

        if (!id_wellformed(id)) {
            error_setg(errp, "Parameter 'id' expects an identifier");
            error_append_hint(errp, "Identifiers consist of letters, digits, "
                              "'-', '.', '_', starting with a letter.\n");
            return false;
        }
        if (object_property_find(peripheral, id)) {
            error_setg(errp, "Duplicate ID '%s' for device", id);
            return false;
        }
        if (!object_property_add_child(peripheral, id, OBJECT(dev), errp)) {
            return false;
        }
        g_free(dev->id);
        dev->id = g_strdup(id);
        return true;
    }
    return object_property_add_child(container_get(machine,
                                                   "peripheral-anon"),
                                     "device[*]", OBJECT(dev), errp);
}

DeviceState *qdev_find_by_id(const char *id)
{
    Object *peripheral = container_get(qdev_get_machine(), "peripheral");
    Object *obj;

    if (!id) {
        return NULL;
    }
    obj = object_resolve_path_component(peripheral, id);
    return obj ? (DeviceState *)object_dynamic_cast(obj, TYPE_DEVICE) : NULL;
}

/* ---- bus plugging ---- */

static bool qdev_plug_into_bus(DeviceState *dev, BusState *bus, Error **errp)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    BusClass *bc = BUS_GET_CLASS(bus);

    if (dev->parent_bus == bus) {
        return true;
    }
    if (dev->parent_bus) {
        error_setg(errp, "Device '%s' is already plugged into bus '%s'",
                   object_get_typename(OBJECT(dev)), dev->parent_bus->name);
        return false;
    }
    if (!dc->bus_type || !object_dynamic_cast(OBJECT(bus), dc->bus_type)) {
        error_setg(errp, "Device '%s' can't go on %s bus",
                   object_get_typename(OBJECT(dev)),
                   object_get_typename(OBJECT(bus)));
        return false;
    }
    if (bc->max_dev && bus->num_children >= bc->max_dev) {
        error_setg(errp, "Bus '%s' is full", bus->name);
        return false;
    }
    /* The bus list holds a reference, as QEMU's bus child link does. */
    bus->children = g_list_append(bus->children, object_ref(dev));
    bus->num_children++;
    dev->parent_bus = bus;
    return true;
}

void qdev_unplug_from_bus(DeviceState *dev)
{
    BusState *bus = dev->parent_bus;
    GList *link;

    if (!bus) {
        return;
    }
    link = g_list_find(bus->children, dev);
    dev->parent_bus = NULL;
    if (link) {
        bus->children = g_list_delete_link(bus->children, link);
        bus->num_children--;
        object_unref(dev);
    }
}

/* ---- realize ---- */

static bool device_realize(DeviceState *dev, Error **errp)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    Error *local_err = NULL;

    if (dev->realized) {
        return true;
    }
    /* A -global that could not be applied at creation fails the device. */
    if (!qdev_prop_take_global_error(dev, errp)) {
        return false;
    }
    if (!OBJECT(dev)->parent) {
        Object *unattached = container_get(qdev_get_machine(), "unattached");

        if (!object_property_add_child(unattached, "device[*]", OBJECT(dev),
                                       errp)) {
            return false;
        }
    }
    if (dc->realize) {
        dc->realize(dev, &local_err);
        if (local_err) {
            error_propagate(errp, local_err);
            return false;
        }
    }
    for (GSList *l = dev->child_buses; l; l = l->next) {
        ((BusState *)l->data)->realized = true;
    }
    dev->realized = true;
    return true;
}

void qdev_unrealize(DeviceState *dev)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);

    if (!dev->realized) {
        return;
    }
    /* Children go first: they may still use what the parent provides. */
    for (GSList *l = dev->child_buses; l; l = l->next) {
        BusState *bus = l->data;

        for (GList *c = g_list_last(bus->children); c; c = c->prev) {
            qdev_unrealize(c->data);
        }
        bus->realized = false;
    }
    if (dc->unrealize) {
        dc->unrealize(dev);
    }
    dev->realized = false;
}

bool qdev_realize(DeviceState *dev, BusState *bus, Error **errp)
{
    if (bus && !qdev_plug_into_bus(dev, bus, errp)) {
        return false;
    }
    if (!device_realize(dev, errp)) {
        return false;
    }
    /* Power-on state right away; the machine resets everything again later. */
    device_cold_reset(dev);
    return true;
}

bool qdev_realize_and_unref(DeviceState *dev, BusState *bus, Error **errp)
{
    bool ok = qdev_realize(dev, bus, errp);

    object_unref(dev);
    return ok;
}

static char *device_get_realized(Object *obj, ObjectProperty *prop,
                                 Error **errp)
{
    return g_strdup(DEVICE(obj)->realized ? "true" : "false");
}

static bool device_set_realized(Object *obj, ObjectProperty *prop,
                                const char *value, Error **errp)
{
    bool on;

    if (!qemu_parse_bool(prop->name, value, &on, errp)) {
        return false;
    }
    if (on) {
        return device_realize(DEVICE(obj), errp);
    }
    qdev_unrealize(DEVICE(obj));
    return true;
}

static char *device_get_parent_bus(Object *obj, ObjectProperty *prop,
                                   Error **errp)
{
    BusState *bus = DEVICE(obj)->parent_bus;
    char *path = bus ? object_get_canonical_path(OBJECT(bus)) : NULL;

    return path ? path : g_strdup("");
}

/* ---- reset ---- */

static void bus_cold_reset(BusState *bus)
{
    for (GList *c = bus->children; c; c = c->next) {
        device_cold_reset(c->data);
    }
}

/* As QEMU's legacy qdev_reset_all: devices on child buses before @dev. */
void device_cold_reset(DeviceState *dev)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);

    if (!dev->realized) {
        return;     /* nothing to reset yet; realize brings it up */
    }
    for (GSList *l = dev->child_buses; l; l = l->next) {
        bus_cold_reset(l->data);
    }
    if (dc->reset) {
        dc->reset(dev);
    }
}

/*
 * Roots of the reset walk: realized devices not on a bus, and the devices
 * of buses no device provides (they are reset through nobody else).
 */
static int reset_root(Object *obj, void *opaque)
{
    DeviceState *dev = (DeviceState *)object_dynamic_cast(obj, TYPE_DEVICE);
    BusState *bus = (BusState *)object_dynamic_cast(obj, TYPE_BUS);

    if (dev && dev->realized && !dev->parent_bus) {
        device_cold_reset(dev);
    } else if (bus && !bus->parent) {
        bus_cold_reset(bus);
    }
    return 0;
}

void qdev_reset_all_devices(void)
{
    object_child_foreach_recursive(qdev_get_machine(), reset_root, NULL);
}

/* ---- type ---- */

static void device_initfn(Object *obj)
{
    qdev_prop_set_defaults(DEVICE(obj));
}

/* After every subclass instance_init, so -global beats built-in defaults. */
static void device_post_init(Object *obj)
{
    qdev_prop_apply_globals(DEVICE(obj));
}

static void device_unparent(Object *obj)
{
    DeviceState *dev = DEVICE(obj);

    qdev_unrealize(dev);
    while (dev->child_buses) {
        BusState *bus = dev->child_buses->data;

        /* The bus removes itself from child_buses when it goes. */
        object_unparent(OBJECT(bus));
        if (dev->child_buses && dev->child_buses->data == bus) {
            dev->child_buses = g_slist_remove(dev->child_buses, bus);
        }
    }
    qdev_unplug_from_bus(dev);
}

static void device_finalize(Object *obj)
{
    DeviceState *dev = DEVICE(obj);

    qdev_prop_drop_global_error(dev);
    g_slist_free(dev->child_buses);
    dev->child_buses = NULL;
    g_free(dev->id);
    dev->id = NULL;
}

static void device_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    ObjectProperty *prop;

    dc->user_creatable = true;
    klass->unparent = device_unparent;
    prop = object_class_property_add(klass, "realized", "bool",
                                     device_get_realized, device_set_realized,
                                     NULL);
    prop->defval = g_strdup("false");
    object_class_property_add(klass, "parent_bus", "link<bus>",
                              device_get_parent_bus, NULL, NULL);
}

static const TypeInfo device_type_info = {
    .name = TYPE_DEVICE,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(DeviceState),
    .instance_init = device_initfn,
    .instance_post_init = device_post_init,
    .instance_finalize = device_finalize,
    .abstract = true,
    .class_size = sizeof(DeviceClass),
    .class_init = device_class_init,
};

static void qdev_register_types(void)
{
    type_register_static(&device_type_info);
}

type_init(qdev_register_types)
