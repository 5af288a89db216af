/*
 * -device: QEMU's qdev_device_add() behaviour on kemu's qdev.  Option
 * values reach the device as text through its class properties, so the
 * command line and the monitor share one path.  device_add and device_del
 * at run time go through the bus's hotplug handler (hw/acpi/pcihp.c for
 * the pc's pci.0); other buses give QEMU's refusals.  Not modelled: JSON
 * -device syntax.
 */
#include "qemu/osdep.h"
#include "qemu/option.h"
#include "hw/qdev-core.h"
#include "hw/isa/isa.h"
#include "system/qdev-monitor.h"
#include "qapi/qapi-commands.h"
#include "target/x86/cpu.h"
#include "qemu/main-loop.h"

/* Options consumed by qdev itself rather than passed on as properties. */
static bool is_qdev_option(const char *name)
{
    return !strcmp(name, "driver") || !strcmp(name, "bus") ||
           !strcmp(name, "id");
}

/* The class of a user-creatable device called @driver, QEMU's checks. */
static DeviceClass *device_class_for_user(const char *driver, Error **errp)
{
    ObjectClass *oc = object_class_by_name(qdev_resolve_alias(driver));
    DeviceClass *dc;

    if (!oc || !object_class_dynamic_cast(oc, TYPE_DEVICE)) {
        error_setg(errp, "'%s' is not a valid device model name", driver);
        return NULL;
    }
    if (object_class_is_abstract(oc)) {
        error_setg(errp, "Parameter 'driver' expects a non-abstract device "
                   "type");
        return NULL;
    }
    dc = DEVICE_CLASS(oc);
    if (!dc->user_creatable) {
        error_setg(errp, "Parameter 'driver' expects a pluggable device "
                   "type");
        return NULL;
    }
    return dc;
}

/* bus=NAME, or the default bus for the device's bus type. */
static BusState *find_bus(DeviceClass *dc, const char *driver,
                          const char *bus_name, Error **errp)
{
    BusState *bus;

    if (bus_name) {
        bus = qbus_find_by_name(bus_name);
        if (!bus) {
            error_setg(errp, "Bus '%s' not found", bus_name);
            return NULL;
        }
        if (!dc->bus_type || !object_dynamic_cast(OBJECT(bus), dc->bus_type)) {
            error_setg(errp, "Device '%s' can't go on %s bus", driver,
                       object_get_typename(OBJECT(bus)));
            return NULL;
        }
        return bus;
    }
    if (!dc->bus_type) {
        return NULL;
    }
    if (!strcmp(dc->bus_type, TYPE_ISA_BUS)) {
        ISABus *isa = isa_bus_get_default();

        bus = isa ? &isa->parent_obj : NULL;
    } else {
        bus = qbus_find_by_type(dc->bus_type);
    }
    if (!bus) {
        error_setg(errp, "No '%s' bus found for device '%s'", dc->bus_type,
                   driver);
    }
    return bus;
}

static bool set_device_prop(void *opaque, const char *name,
                            const char *value, Error **errp)
{
    if (is_qdev_option(name)) {
        return true;
    }
    return object_property_set_str(OBJECT(opaque), name, value, errp);
}

int qdev_device_help_str(const char *optarg, Error **errp)
{
    QemuOpts *opts = qemu_opts_parse(optarg, "driver", NULL);
    const char *driver;
    int ret = 0;

    if (!opts || !qemu_opts_has_help(opts)) {
        qemu_opts_free(opts);
        return 0;
    }
    driver = qemu_opt_get(opts, "driver");
    if (!driver) {
        qdev_print_device_list();
        ret = 1;
    } else {
        ret = qdev_print_device_help(qdev_resolve_alias(driver), errp)
              ? 1 : -1;
    }
    qemu_opts_free(opts);
    return ret;
}

/*
 * The one device-creation path (QEMU's qdev_device_add): -device at start-up
 * and device_add at run time.  @hotplug: the machine runs, so the bus must
 * have a hotplug handler, which is told after realize.
 */
static DeviceState *qdev_device_add_opts(QemuOpts *opts, bool hotplug,
                                         Error **errp)
{
    const char *driver, *id;
    DeviceClass *dc;
    BusState *bus = NULL;
    DeviceState *dev;

    driver = qemu_opt_get(opts, "driver");
    if (!driver) {
        error_setg(errp, "Parameter 'driver' is missing");
        return NULL;
    }
    dc = device_class_for_user(driver, errp);
    if (!dc) {
        return NULL;
    }
    bus = find_bus(dc, driver, qemu_opt_get(opts, "bus"), errp);
    if (!bus && (dc->bus_type || qemu_opt_get(opts, "bus"))) {
        return NULL;
    }
    if (hotplug && (!bus || !bus->hotplug_ops)) {
        if (bus) {
            error_setg(errp, "Bus '%s' does not support hotplugging",
                       bus->name);
        } else {
            error_setg(errp, "Device '%s' does not support hotplugging",
                       driver);
        }
        return NULL;
    }
    dev = qdev_try_new(qdev_resolve_alias(driver), errp);
    if (!dev) {
        return NULL;
    }
    id = qemu_opt_get(opts, "id");
    if (!qdev_set_id(dev, id, errp)) {
        object_unref(dev);
        return NULL;
    }
    if (hotplug && !qdev_is_hotpluggable(dev)) {
        error_setg(errp, "Device '%s' does not support hotplugging", driver);
        goto fail;
    }
    if (!qemu_opt_foreach(opts, set_device_prop, dev, errp) ||
        !qdev_realize(dev, bus, errp)) {
        goto fail;
    }
    if (hotplug) {
        Error *err = NULL;

        bus->hotplug_ops->plug(bus->hotplug_opaque, dev, &err);
        if (err) {
            error_propagate(errp, err);
            goto fail;
        }
    }
    /* The tree keeps the device alive. */
    object_unref(dev);
    return dev;

fail:
    /* Drops the tree's reference; ours goes below. */
    object_unparent(OBJECT(dev));
    object_unref(dev);
    return NULL;
}

DeviceState *qdev_device_add_str(const char *optarg, Error **errp)
{
    QemuOpts *opts = qemu_opts_parse(optarg, "driver", errp);
    DeviceState *dev;

    if (!opts) {
        return NULL;
    }
    dev = qdev_device_add_opts(opts, false, errp);
    qemu_opts_free(opts);
    return dev;
}

/* ---- QMP: device-list-properties, device_add, device_del ---- */

/* Properties QEMU leaves out of device-list-properties. */
static bool is_hidden_device_property(const char *name)
{
    return !strcmp(name, "type") || !strcmp(name, "realized") ||
           !strcmp(name, "hotpluggable") || !strcmp(name, "hotplugged") ||
           !strcmp(name, "parent_bus") || g_str_has_prefix(name, "legacy-");
}

static void add_device_property(ObjectProperty *prop, void *opaque)
{
    ObjectPropertyInfoList **head = opaque;
    ObjectPropertyInfoList *elt;
    ObjectPropertyInfo *info;

    if (is_hidden_device_property(prop->name)) {
        return;
    }
    info = g_new0(ObjectPropertyInfo, 1);
    info->name = g_strdup(prop->name);
    info->type = g_strdup(prop->type);
    if (prop->description) {
        info->has_description = true;
        info->description = g_strdup(prop->description);
    }
    if (prop->defval) {
        /* Defaults are kept as the JSON text QEMU's help prints. */
        info->default_value = json_from_string(prop->defval, NULL);
        info->has_default_value = info->default_value != NULL;
    }
    elt = g_new0(ObjectPropertyInfoList, 1);
    elt->value = info;
    elt->next = *head;      /* QEMU prepends */
    *head = elt;
}

ObjectPropertyInfoList *qmp_device_list_properties(const char *typename,
                                                   Error **errp)
{
    ObjectClass *oc = object_class_by_name(typename);
    ObjectPropertyInfoList *head = NULL;
    Object *obj;

    if (!oc) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Device '%s' not found", typename);
        return NULL;
    }
    if (!object_class_dynamic_cast(oc, TYPE_DEVICE) ||
        object_class_is_abstract(oc)) {
        error_setg(errp, "Parameter 'typename' expects a non-abstract device "
                   "type");
        return NULL;
    }
    /* As QEMU: a throw-away instance also shows its child properties. */
    obj = object_new(typename);
    object_property_foreach(obj, add_device_property, &head);
    object_unref(obj);
    return head;
}

/* A JSON argument of device_add as option text (qemu_opts_from_qdict). */
static char *device_arg_text(JsonNode *value)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];

    if (!JSON_NODE_HOLDS_VALUE(value)) {
        return NULL;        /* objects, arrays, null: ignored as by QEMU */
    }
    switch (json_node_get_value_type(value)) {
    case G_TYPE_STRING:
        return g_strdup(json_node_get_string(value));
    case G_TYPE_INT64:
        return g_strdup_printf("%" PRId64, json_node_get_int(value));
    case G_TYPE_BOOLEAN:
        return g_strdup(json_node_get_boolean(value) ? "on" : "off");
    case G_TYPE_DOUBLE:
        return g_strdup(g_ascii_dtostr(buf, sizeof(buf),
                                       json_node_get_double(value)));
    default:
        return NULL;
    }
}

void qmp_device_add(JsonObject *args, JsonNode **ret, Error **errp)
{
    g_autoptr(GList) members = json_object_get_members(args);
    QemuOpts *opts;
    g_autofree char *id = NULL;

    /* As QEMU, a malformed id is refused before anything else. */
    if (json_object_has_member(args, "id")) {
        id = device_arg_text(json_object_get_member(args, "id"));
        if (id && !id_wellformed(id)) {
            error_setg(errp, "Parameter 'id' expects an identifier");
            return;
        }
    }
    opts = qemu_opts_parse("", NULL, errp);
    if (!opts) {
        return;
    }
    for (GList *l = members; l; l = l->next) {
        g_autofree char *text =
            device_arg_text(json_object_get_member(args, l->data));

        if (text) {
            qemu_opt_set(opts, l->data, text);
        }
    }
    /* The machine is complete whenever QMP runs, so this is hotplug. */
    qdev_device_add_opts(opts, true, errp);
    qemu_opts_free(opts);
}

/* QEMU's qdev_unplug() on a bus with a hotplug handler. */
static void device_unplug_request(DeviceState *dev, Error **errp)
{
    BusState *bus = dev->parent_bus;
    int64_t now_ms = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) / 1000000;

    if (!qdev_is_hotpluggable(dev)) {
        error_setg(errp, "Device '%s' does not support hotplugging",
                   object_get_typename(OBJECT(dev)));
        return;
    }
    /* A repeated request is refused while the virtual clock stands. */
    if (dev->pending_deleted_event &&
        dev->pending_deleted_expires_ms > now_ms) {
        error_setg(errp, "Device %s is already in the process of unplug",
                   dev->id);
        return;
    }
    bus->hotplug_ops->unplug_request(bus->hotplug_opaque, dev, errp);
}

void qmp_device_del(const char *id, Error **errp)
{
    Object *obj;
    DeviceState *dev;

    /* An absolute QOM path, or a path below /machine/peripheral. */
    if (id[0] == '/') {
        obj = object_resolve_path(id, NULL);
    } else {
        /* /machine/peripheral exists only once a -device had an id. */
        Object *peripheral = object_resolve_path("/machine/peripheral", NULL);

        obj = peripheral ? object_resolve_path_component(peripheral, id)
                         : NULL;
    }
    if (!obj) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found",
                  id);
        return;
    }
    dev = (DeviceState *)object_dynamic_cast(obj, TYPE_DEVICE);
    if (!dev) {
        error_setg(errp, "%s is not a hotpluggable device", id);
        return;
    }
    if (dev->parent_bus && dev->parent_bus->hotplug_ops) {
        device_unplug_request(dev, errp);
        return;
    }
    if (dev->parent_bus) {
        error_setg(errp, "Bus '%s' does not support hotplugging",
                   dev->parent_bus->name);
        return;
    }
    if (object_dynamic_cast(obj, TYPE_X86_CPU) && X86_CPU(obj)->is_bsp) {
        error_setg(errp, "Boot CPU is unpluggable");
        return;
    }
    error_setg(errp, "Device '%s' does not support hotplugging",
               object_get_typename(obj));
}
