/*
 * -device: QEMU's qdev_device_add() behaviour on kemu's qdev.  Option
 * values reach the device as text through its class properties, so the
 * command line and the monitor share one path.  Not modelled: JSON
 * -device syntax, driver aliases, hotplug handlers.
 */
#include "qemu/osdep.h"
#include "qemu/option.h"
#include "hw/qdev-core.h"
#include "hw/isa/isa.h"
#include "system/qdev-monitor.h"

/* Options consumed by qdev itself rather than passed on as properties. */
static bool is_qdev_option(const char *name)
{
    return !strcmp(name, "driver") || !strcmp(name, "bus") ||
           !strcmp(name, "id");
}

/* The class of a user-creatable device called @driver, QEMU's checks. */
static DeviceClass *device_class_for_user(const char *driver, Error **errp)
{
    ObjectClass *oc = object_class_by_name(driver);
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
        ret = qdev_print_device_help(driver, errp) ? 1 : -1;
    }
    qemu_opts_free(opts);
    return ret;
}

DeviceState *qdev_device_add_str(const char *optarg, Error **errp)
{
    QemuOpts *opts = qemu_opts_parse(optarg, "driver", errp);
    const char *driver, *id;
    DeviceClass *dc;
    BusState *bus = NULL;
    DeviceState *dev = NULL;

    if (!opts) {
        return NULL;
    }
    driver = qemu_opt_get(opts, "driver");
    if (!driver) {
        error_setg(errp, "Parameter 'driver' is missing");
        goto out;
    }
    dc = device_class_for_user(driver, errp);
    if (!dc) {
        goto out;
    }
    bus = find_bus(dc, driver, qemu_opt_get(opts, "bus"), errp);
    if (!bus && (dc->bus_type || qemu_opt_get(opts, "bus"))) {
        goto out;
    }
    dev = qdev_try_new(driver, errp);
    if (!dev) {
        goto out;
    }
    id = qemu_opt_get(opts, "id");
    if (!qdev_set_id(dev, id, errp)) {
        object_unref(dev);
        dev = NULL;
        goto out;
    }
    if (!qemu_opt_foreach(opts, set_device_prop, dev, errp) ||
        !qdev_realize(dev, bus, errp)) {
        /* Drops the tree's reference; ours goes below. */
        object_unparent(OBJECT(dev));
        object_unref(dev);
        dev = NULL;
        goto out;
    }
    /* The tree keeps the device alive. */
    object_unref(dev);
out:
    qemu_opts_free(opts);
    return dev;
}
