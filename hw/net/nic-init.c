/*
 * -nic / -net nic requests turned into devices, as QEMU's
 * pci_nic_init_nofail does: the model (default e1000 on pc, "virtio" for
 * virtio-net-pci), mac=, addr=, and netdev= the backend or hub port.
 */
#include "qemu/osdep.h"
#include "hw/qdev-core.h"
#include "hw/net/nic-init.h"
#include "net/net-setup.h"

/* QEMU's list for the pc machines, in its order; kemu shows those it has. */
static const char *const pc_nic_models[] = {
    "e1000", "e1000-82544gc", "e1000-82545em", "e1000e", "i82550", "i82551",
    "i82557a", "i82557b", "i82557c", "i82558a", "i82558b", "i82559a",
    "i82559b", "i82559c", "i82559er", "i82562", "i82801", "ne2k_pci",
    "pcnet", "pvrdma", "rtl8139", "tulip", "virtio-net-pci",
    "virtio-net-pci-non-transitional", "virtio-net-pci-transitional",
    "vmxnet3",
};

static bool model_supported(const char *model)
{
    for (size_t i = 0; i < ARRAY_SIZE(pc_nic_models); i++) {
        if (!strcmp(pc_nic_models[i], model)) {
            return object_class_by_name(model) != NULL;
        }
    }
    return false;
}

static void print_models(void)
{
    printf("Supported NIC models:\n");
    for (size_t i = 0; i < ARRAY_SIZE(pc_nic_models); i++) {
        if (object_class_by_name(pc_nic_models[i])) {
            printf("%s\n", pc_nic_models[i]);
        }
    }
}

static bool create_nic(NICInfo *ni, const char *default_model, Error **errp)
{
    const char *model = ni->model ? ni->model : default_model;
    static const MACAddr zero;
    DeviceState *dev;

    if (!strcmp(model, "virtio")) {
        model = "virtio-net-pci";
    }
    if (!strcmp(model, "help") || !strcmp(model, "?")) {
        print_models();
        exit(0);
    }
    if (!model_supported(model)) {
        error_setg(errp, "Unsupported NIC model: %s", model);
        return false;
    }
    dev = qdev_new(model);
    if (ni->netdev &&
        !object_property_set_str(OBJECT(dev), "netdev", ni->netdev, errp)) {
        goto fail;
    }
    if (memcmp(&ni->macaddr, &zero, sizeof(zero))) {
        g_autofree char *mac = g_strdup_printf(
            "%02x:%02x:%02x:%02x:%02x:%02x", ni->macaddr.a[0],
            ni->macaddr.a[1], ni->macaddr.a[2], ni->macaddr.a[3],
            ni->macaddr.a[4], ni->macaddr.a[5]);

        if (!object_property_set_str(OBJECT(dev), "mac", mac, errp)) {
            goto fail;
        }
    }
    if (ni->devaddr &&
        !object_property_set_str(OBJECT(dev), "addr", ni->devaddr, errp)) {
        goto fail;
    }
    if (!qdev_realize_and_unref(dev, qbus_find_by_type("PCI"), errp)) {
        return false;
    }
    ni->instantiated = true;
    return true;
fail:
    object_unref(dev);
    return false;
}

bool pc_init_nics(const char *default_model, Error **errp)
{
    for (unsigned i = 0; i < net_nic_info_count(); i++) {
        if (!create_nic(net_nic_info(i), default_model, errp)) {
            return false;
        }
    }
    return true;
}
