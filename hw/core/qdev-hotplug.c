/*
 * Run-time plug and unplug of devices (QEMU's hotplug handler model):
 * a bus becomes hotpluggable when its controller registers HotplugOps;
 * an unplug completes when the guest has released the device, on the
 * main loop, with QEMU's DEVICE_DELETED event.  Not modelled: the
 * event for child devices (QEMU also reports .../virtio-backend).
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "hw/qdev-core.h"
#include "qapi/qapi-events.h"
#include "qemu-device-types.h"

void qbus_set_hotplug_handler(BusState *bus, const HotplugOps *ops,
                              void *opaque)
{
    bus->hotplug_ops = ops;
    bus->hotplug_opaque = opaque;
}

bool qdev_is_hotpluggable(DeviceState *dev)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    const char *type = object_get_typename(OBJECT(dev));

    /* QEMU's own answer for its types; chipset parts are not creatable. */
    return dc->user_creatable && !qemu_device_type_warns_unused(type);
}

/* Devices the guest ejected, waiting for the main loop (FIFO) */
static GQueue unplug_pending = G_QUEUE_INIT;
static guint unplug_source;

static void unplug_finish(DeviceState *dev)
{
    g_autofree char *path = NULL;
    g_autofree char *id = NULL;

    /* Unless something else removed it meanwhile. */
    if (OBJECT(dev)->parent) {
        path = object_get_canonical_path(OBJECT(dev));
        id = g_strdup(dev->id);
        object_unparent(OBJECT(dev));
        qapi_event_send_device_deleted(id != NULL, id, path);
    }
    object_unref(OBJECT(dev));
}

void qdev_unplug_flush(void)
{
    bool locked = bql_locked();
    DeviceState *dev;

    if (!locked) {
        bql_lock();
    }
    if (unplug_source) {
        g_source_remove(unplug_source);
        unplug_source = 0;
    }
    while ((dev = g_queue_pop_head(&unplug_pending))) {
        unplug_finish(dev);
    }
    if (!locked) {
        bql_unlock();
    }
}

static gboolean unplug_complete_cb(gpointer opaque)
{
    unplug_source = 0;
    qdev_unplug_flush();
    return G_SOURCE_REMOVE;
}

void qdev_unplug_complete(DeviceState *dev)
{
    /*
     * Not from inside the guest's I/O access that asked for it: the
     * device's regions go away, and events belong to the main loop.  At
     * default priority (an idle source can wait behind a busy loop) and
     * flushed before exit, so a guest that ejects and powers off at once
     * still gets its DEVICE_DELETED out, as QEMU sends it synchronously.
     */
    object_ref(OBJECT(dev));
    g_queue_push_tail(&unplug_pending, dev);
    if (!unplug_source) {
        unplug_source = g_idle_add_full(G_PRIORITY_DEFAULT,
                                        unplug_complete_cb, NULL, NULL);
    }
    main_loop_wakeup();
}
