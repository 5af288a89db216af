/*
 * Devices and buses on top of the object model.
 *
 * Life cycle: object_new/qdev_new (instance_init, cannot fail) -> set
 * properties (from -device, -global, or the machine) -> qdev_realize()
 * (may fail; maps regions, attaches backends) -> reset -> run ->
 * unrealize on teardown.  Properties declared with device_class_set_props()
 * become class properties; setting one after realize fails with QEMU's
 * message.
 */
#ifndef HW_QDEV_CORE_H
#define HW_QDEV_CORE_H

#include "qemu/osdep.h"
#include "qom/object.h"

#define TYPE_DEVICE "device"
#define TYPE_BUS "bus"

/* Categories for -device help, in QEMU's order. */
typedef enum DeviceCategory {
    DEVICE_CATEGORY_BRIDGE,
    DEVICE_CATEGORY_USB,
    DEVICE_CATEGORY_STORAGE,
    DEVICE_CATEGORY_NETWORK,
    DEVICE_CATEGORY_INPUT,
    DEVICE_CATEGORY_DISPLAY,
    DEVICE_CATEGORY_SOUND,
    DEVICE_CATEGORY_MISC,
    DEVICE_CATEGORY_CPU,
    DEVICE_CATEGORY_WATCHDOG,
    DEVICE_CATEGORY_MAX
} DeviceCategory;

typedef struct Property Property;
typedef struct BusState BusState;
typedef struct BusClass BusClass;

OBJECT_DECLARE_TYPE(DeviceState, DeviceClass, DEVICE)

struct DeviceClass {
    ObjectClass parent_class;
    unsigned long categories;      /* bitmap of 1 << DeviceCategory */
    const char *desc;
    const char *bus_type;          /* bus the device plugs into, or NULL */
    bool user_creatable;           /* reachable with -device (default true) */
    const Property *props;         /* set by device_class_set_props() */
    /* realize: may fail; unrealize: undo realize. */
    void (*realize)(DeviceState *dev, Error **errp);
    void (*unrealize)(DeviceState *dev);
    /* Put the device in its power-on state; called after realize and on system reset. */
    void (*reset)(DeviceState *dev);
};

struct DeviceState {
    Object parent_obj;
    char *id;               /* -device ...,id=X; NULL if none */
    bool realized;
    BusState *parent_bus;
    GSList *child_buses;    /* BusState * this device provides */
    /* device_del asked the guest to eject it; device_del is refused until
     * the virtual clock passes pending_deleted_expires_ms (QEMU's rule) */
    bool pending_deleted_event;
    int64_t pending_deleted_expires_ms;
};

OBJECT_DECLARE_TYPE(BusState, BusClass, BUS)

struct BusClass {
    ObjectClass parent_class;
    /* Optional: name used in `info qtree` for the device's bus address. */
    char *(*get_dev_path)(DeviceState *dev);
    /* Optional: bus-specific lines of `info qtree` after the properties. */
    void (*print_dev)(DeviceState *dev, GString *out, int indent);
    int max_dev;            /* 0: unlimited */
};

/*
 * Hotplug handler of a bus (QEMU's HotplugHandler, reduced to what a
 * controller needs): plug tells the guest a device appeared after it was
 * realized at run time; unplug_request asks the guest to release it, and
 * the controller calls qdev_unplug_complete() when the guest has done so.
 */
typedef struct HotplugOps {
    void (*plug)(void *opaque, DeviceState *dev, Error **errp);
    void (*unplug_request)(void *opaque, DeviceState *dev, Error **errp);
} HotplugOps;

struct BusState {
    Object obj;
    const HotplugOps *hotplug_ops;  /* NULL: the bus refuses hotplug */
    void *hotplug_opaque;
    DeviceState *parent;
    char *name;
    GList *children;        /* DeviceState *, in plug order */
    int num_children;
    bool realized;
};

/* ---- static properties ---- */

typedef enum PropertyKind {
    PROP_KIND_BOOL,
    PROP_KIND_UINT8,
    PROP_KIND_UINT16,
    PROP_KIND_UINT32,
    PROP_KIND_INT32,
    PROP_KIND_UINT64,
    PROP_KIND_INT64,
    PROP_KIND_SIZE,
    PROP_KIND_STRING,       /* char * */
    PROP_KIND_CHR,          /* CharFrontend, set by chardev id */
    PROP_KIND_ON_OFF_AUTO,  /* OnOffAuto */
    PROP_KIND_LINK,         /* Object *, by path or id; link_type set */
    PROP_KIND_PCI_DEVFN,    /* int32_t devfn, text "slot[.fn]" (hex) */
} PropertyKind;

typedef enum OnOffAuto {
    ON_OFF_AUTO_AUTO,
    ON_OFF_AUTO_ON,
    ON_OFF_AUTO_OFF,
} OnOffAuto;

struct Property {
    const char *name;
    PropertyKind kind;
    ptrdiff_t offset;
    bool set_default;
    union {
        uint64_t u;
        int64_t i;
        const char *s;
    } defval;
    const char *link_type;
    const char *description;
};

#define DEFINE_PROP_BOOL(_n, _s, _f, _d) \
    { .name = (_n), .kind = PROP_KIND_BOOL, .offset = offsetof(_s, _f), \
      .set_default = true, .defval.u = (_d) }
#define DEFINE_PROP_UINT8(_n, _s, _f, _d) \
    { .name = (_n), .kind = PROP_KIND_UINT8, .offset = offsetof(_s, _f), \
      .set_default = true, .defval.u = (_d) }
#define DEFINE_PROP_UINT16(_n, _s, _f, _d) \
    { .name = (_n), .kind = PROP_KIND_UINT16, .offset = offsetof(_s, _f), \
      .set_default = true, .defval.u = (_d) }
#define DEFINE_PROP_UINT32(_n, _s, _f, _d) \
    { .name = (_n), .kind = PROP_KIND_UINT32, .offset = offsetof(_s, _f), \
      .set_default = true, .defval.u = (_d) }
#define DEFINE_PROP_INT32(_n, _s, _f, _d) \
    { .name = (_n), .kind = PROP_KIND_INT32, .offset = offsetof(_s, _f), \
      .set_default = true, .defval.i = (_d) }
#define DEFINE_PROP_UINT64(_n, _s, _f, _d) \
    { .name = (_n), .kind = PROP_KIND_UINT64, .offset = offsetof(_s, _f), \
      .set_default = true, .defval.u = (_d) }
#define DEFINE_PROP_INT64(_n, _s, _f, _d) \
    { .name = (_n), .kind = PROP_KIND_INT64, .offset = offsetof(_s, _f), \
      .set_default = true, .defval.i = (_d) }
#define DEFINE_PROP_SIZE(_n, _s, _f, _d) \
    { .name = (_n), .kind = PROP_KIND_SIZE, .offset = offsetof(_s, _f), \
      .set_default = true, .defval.u = (_d) }
#define DEFINE_PROP_STRING(_n, _s, _f) \
    { .name = (_n), .kind = PROP_KIND_STRING, .offset = offsetof(_s, _f) }
#define DEFINE_PROP_CHR(_n, _s, _f) \
    { .name = (_n), .kind = PROP_KIND_CHR, .offset = offsetof(_s, _f) }
#define DEFINE_PROP_ON_OFF_AUTO(_n, _s, _f, _d) \
    { .name = (_n), .kind = PROP_KIND_ON_OFF_AUTO, \
      .offset = offsetof(_s, _f), .set_default = true, .defval.i = (_d) }
#define DEFINE_PROP_LINK(_n, _s, _f, _type) \
    { .name = (_n), .kind = PROP_KIND_LINK, .offset = offsetof(_s, _f), \
      .link_type = (_type) }
/* QEMU's PCI "addr": -1 (unset) or slot << 3 | function. */
#define DEFINE_PROP_PCI_DEVFN(_n, _s, _f, _d) \
    { .name = (_n), .kind = PROP_KIND_PCI_DEVFN, \
      .offset = offsetof(_s, _f), .set_default = true, .defval.i = (_d) }
#define DEFINE_PROP_END_OF_LIST() { .name = NULL }

/*
 * Register @props (terminated by DEFINE_PROP_END_OF_LIST) as class
 * properties of @dc.  Type names shown by -device X,help are QEMU's:
 * bool, uint8, uint16, uint32, int32, uint64, int64, size, str, chr,
 * OnOffAuto, link<T>.
 */
void device_class_set_props(DeviceClass *dc, const Property *props);
static inline void set_bit_category(DeviceClass *dc, DeviceCategory c)
{
    dc->categories |= 1UL << c;
}

/* ---- devices ---- */

/* New unrealized device; aborts on unknown type (programming error). */
DeviceState *qdev_new(const char *type);
/* As qdev_new but fails cleanly for user input: unknown or abstract type, not a device. */
DeviceState *qdev_try_new(const char *type, Error **errp);
/*
 * Realize @dev, plugging it into @bus first (when not NULL).  A device
 * without a parent in the tree is put under /machine/unattached/device[N].
 */
bool qdev_realize(DeviceState *dev, BusState *bus, Error **errp);
/* qdev_realize then drop the caller's reference (the tree keeps one). */
bool qdev_realize_and_unref(DeviceState *dev, BusState *bus, Error **errp);
void qdev_unrealize(DeviceState *dev);
/* Reset @dev and, depth first, every device on its child buses. */
void device_cold_reset(DeviceState *dev);
/* Reset every device in the tree under /machine (bus order), e.g. at system reset. */
void qdev_reset_all_devices(void);

/* Record -global driver.prop=value; applied to every device of that type (or a subtype) created afterwards, before realize. */
void qdev_prop_register_global(const char *driver, const char *property,
                               const char *value);
/* Parse "driver.prop=value". */
bool qdev_prop_register_global_str(const char *str, Error **errp);
/* Fails if a -global was never applied to any device (QEMU warns; we warn too). */
void qdev_prop_check_globals(void);

/*
 * Give @dev its -device id and place it in the tree: /machine/peripheral/ID,
 * or /machine/peripheral-anon/device[N] when @id is NULL.  Errors as QEMU:
 * malformed id, "Duplicate ID 'X' for device".  Call before qdev_realize.
 */
bool qdev_set_id(DeviceState *dev, const char *id, Error **errp);
/* "/machine" (the machine object, or a container until one exists). */
Object *qdev_get_machine(void);

/* Device with -device id=@id, under /machine/peripheral, or NULL. */
DeviceState *qdev_find_by_id(const char *id);

/* ---- buses ---- */

/* Create a bus of @typename named @name (NULL: "<type>.<n>") provided by @parent. */
BusState *qbus_new(const char *typename, DeviceState *parent,
                   const char *name);
/* First bus of @typename anywhere in the tree with room for a device (else
 * the first full one), for -device without bus=. */
BusState *qbus_find_by_type(const char *typename);
BusState *qbus_find_by_name(const char *name);

/* Make @bus hotpluggable through @ops (called with @opaque). */
void qbus_set_hotplug_handler(BusState *bus, const HotplugOps *ops,
                              void *opaque);
/*
 * May @dev leave its bus at run time?  QEMU's DeviceClass::hotpluggable:
 * chipset functions and the built-in VGA may not.
 */
bool qdev_is_hotpluggable(DeviceState *dev);
/*
 * The guest released @dev (e.g. ACPI _EJ0): unrealize and unparent it on
 * the main loop, free its id and send DEVICE_DELETED.  Safe from a vCPU
 * thread holding the BQL.
 */
void qdev_unplug_complete(DeviceState *dev);
/* Finish the unplugs qdev_unplug_complete() queued (main loop, exit). */
void qdev_unplug_flush(void);

/* ---- help and introspection ---- */

/* The "-device help" text, category by category: appended to @out, or to stdout. */
void qdev_format_device_list(GString *out);
void qdev_print_device_list(void);
/* The type a driver name stands for: QEMU's aliases ("ahci"), else @name. */
const char *qdev_resolve_alias(const char *name);
/*
 * "-device DRIVER,help": "DRIVER options:" then one line per property,
 * appended to @out or printed; false + errp if the driver is unknown.
 */
bool qdev_format_device_help(const char *driver, GString *out, Error **errp);
bool qdev_print_device_help(const char *driver, Error **errp);

#endif
