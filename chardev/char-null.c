/* The "null" backend: output is discarded, no input. */
#include "qemu/osdep.h"
#include "chardev/chardev-internal.h"

static bool null_chr_open(Chardev *chr, QemuOpts *opts, Error **errp)
{
    return true;
}

static int null_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    return len;
}

static void null_chr_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = (ChardevClass *)oc;

    cc->open = null_chr_open;
    cc->write = null_chr_write;
}

static const TypeInfo null_chr_type = {
    .name = TYPE_CHARDEV_NULL,
    .parent = TYPE_CHARDEV,
    .instance_size = sizeof(Chardev),
    .class_init = null_chr_class_init,
};

static void null_chr_register_types(void)
{
    type_register_static(&null_chr_type);
}

type_init(null_chr_register_types)
