/*
 * The "file" backend: guest output goes to path= (truncated, or appended
 * with append=on).  Input (QEMU's in= option) is not modelled.
 */
#include "qemu/osdep.h"
#include "chardev/chardev-internal.h"

typedef struct FileChardev {
    Chardev parent;
    int fd;
} FileChardev;

static bool file_chr_open(Chardev *chr, QemuOpts *opts, Error **errp)
{
    FileChardev *s = (FileChardev *)chr;
    const char *path = qemu_opt_get(opts, "path");
    Error *err = NULL;
    bool append = qemu_opt_get_bool(opts, "append", false, &err);
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC;

    if (err) {
        error_propagate(errp, err);
        return false;
    }
    if (!path) {
        error_setg(errp, "chardev: file: no filename given");
        return false;
    }
    flags |= append ? O_APPEND : O_TRUNC;
    s->fd = open(path, flags, 0666);
    if (s->fd < 0) {
        error_setg_errno(errp, errno, "Could not open '%s'", path);
        return false;
    }
    return true;
}

static int file_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    FileChardev *s = (FileChardev *)chr;

    /* A regular file never returns EAGAIN; a FIFO or device may block. */
    return chr_fd_write(s->fd, buf, len, 1000, false);
}

static void file_chr_close(Chardev *chr)
{
    FileChardev *s = (FileChardev *)chr;

    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
}

static void file_chr_init(Object *obj)
{
    ((FileChardev *)obj)->fd = -1;
}

static void file_chr_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = (ChardevClass *)oc;

    cc->open = file_chr_open;
    cc->write = file_chr_write;
    cc->close = file_chr_close;
}

static const TypeInfo file_chr_type = {
    .name = TYPE_CHARDEV_FILE,
    .parent = TYPE_CHARDEV,
    .instance_size = sizeof(FileChardev),
    .instance_init = file_chr_init,
    .class_init = file_chr_class_init,
};

static void file_chr_register_types(void)
{
    type_register_static(&file_chr_type);
}

type_init(file_chr_register_types)
