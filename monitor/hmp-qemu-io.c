/*
 * HMP qemu-io: run one qemu-io command on a drive or node, as QEMU's
 * hmp_qemu_io does for tests (write [-P pattern] [-z], discard, read,
 * flush).  The writes go through the node, so dirty bitmaps and jobs'
 * hooks see them; like QEMU, the command's report goes to stdout, not
 * to the monitor.
 */
#include "qemu/osdep.h"
#include "qemu/option.h"
#include "block/blockdev.h"
#include "hmp-internal.h"

static int qemu_io_run(BlockDriverState *bs, int ac, char **av)
{
    int pattern = 0xcd;          /* qemu-io's default write pattern */
    bool zero = false;
    int i = 1;
    for (; i < ac && av[i][0] == '-'; i++) {
        if (!strcmp(av[i], "-P") && i + 1 < ac) {
            pattern = strtol(av[++i], NULL, 0);
        } else if (!strcmp(av[i], "-z")) {
            zero = true;
        } else {
            return -EINVAL;
        }
    }
    if (!strcmp(av[0], "flush")) {
        return bdrv_flush(bs);
    }
    uint64_t off, len;
    if (ac - i != 2 || !qemu_strtosz(av[i], &off, NULL, NULL) ||
        !qemu_strtosz(av[i + 1], &len, NULL, NULL)) {
        return -EINVAL;
    }
    if (!strcmp(av[0], "write") && zero) {
        return bdrv_pwrite_zeroes(bs, off, len);
    }
    if (!strcmp(av[0], "discard")) {
        return bdrv_pdiscard(bs, off, len);
    }
    g_autofree uint8_t *buf = g_malloc(MAX(len, 1));
    if (!strcmp(av[0], "read")) {
        return bdrv_pread(bs, off, len, buf);
    }
    if (!strcmp(av[0], "write")) {
        memset(buf, pattern, len);
        return bdrv_pwrite(bs, off, len, buf);
    }
    return -EINVAL;
}

/*
 * QEMU's qemu-io takes the write permission on a node of its own; a
 * device or format node above @bs does not share it.  Returns the
 * parent's description for QEMU's message, or NULL.
 */
static char *write_unshared_by(BlockDriverState *bs)
{
    for (GList *l = drive_list(); l; l = l->next) {
        DriveInfo *d = l->data;
        if (d->blk && blk_bs(d->blk) == bs) {
            return g_strdup_printf("block device '%s' (uses node '%s' as "
                                   "'root' child)", d->id, bs->node_name);
        }
    }
    for (GList *l = bdrv_named_nodes(); l; l = l->next) {
        BlockDriverState *p = l->data;
        if (p->file == bs) {
            return g_strdup_printf("node '%s' (uses node '%s' as 'file' "
                                   "child)", p->node_name, bs->node_name);
        }
    }
    return NULL;
}

void hmp_qemu_io(Monitor *mon, const HMPArgs *args)
{
    const char *device = hmp_arg_str(args, "device");
    const char *command = hmp_arg_str(args, "command");
    BlockDriverState *bs = NULL;
    bool by_node = false;
    Error *err = NULL;

    if (hmp_arg_bool(args, "qdev")) {
        DriveInfo *d = drive_get_by_qdev(device);
        if (!d || !d->blk) {
            error_setg(&err, "Device '%s' not found", device);
        } else {
            bs = blk_bs(d->blk);
        }
    } else {
        DriveInfo *d = drive_get_by_id(device);
        by_node = !(d && d->blk);
        bs = by_node ? bdrv_find_node(device) : blk_bs(d->blk);
        if (!bs) {
            error_setg(&err, "Cannot find device='' nor node-name='%s'",
                       device);
        }
    }
    if (err) {
        monitor_printf(mon, "Error: %s\n", error_get_pretty(err));
        error_free(err);
        return;
    }
    g_auto(GStrv) av = NULL;
    int ac, ret = -EINVAL;
    bool parsed = g_shell_parse_argv(command, &ac, &av, NULL);
    if (parsed && by_node && strcmp(av[0], "read")) {
        g_autofree char *other = write_unshared_by(bs);
        if (other) {
            monitor_printf(mon, "Permission conflict on node '%s': "
                           "permissions 'write' are both required by an "
                           "unnamed block device (uses node '%s' as 'root' "
                           "child) and unshared by %s.\n", bs->node_name,
                           bs->node_name, other);
            return;
        }
    }
    if (parsed) {
        bdrv_lock_backends(bs);
        ret = qemu_io_run(bs, ac, av);
        bdrv_unlock_backends(bs);
    }
    if (ret < 0) {
        printf("%s failed: %s\n", command, strerror(-ret));
    }
    fflush(stdout);
}
