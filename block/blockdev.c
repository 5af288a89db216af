/*
 * -drive, -hda/-cdrom, -snapshot and -blockdev: option parsing with
 * QEMU's names, defaults and messages; the drive table devices look up;
 * temporary qcow2 overlays for snapshot=on (unlinked once open, so they
 * vanish at exit whatever happens).
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/option.h"
#include "block/blockdev.h"
#include "qemu/throttle.h"
#include "block-int.h"

static GList *drives;            /* DriveInfo *, creation order */
static GHashTable *nodes;        /* node-name -> BlockDriverState * */
static GList *node_order;        /* the same nodes, in naming order */
static GList *blockdev_roots;    /* -blockdev nodes we hold */
static int node_counter = 100;

/* Drop @bs's name from the table and the ordered list. */
static void forget_node(BlockDriverState *bs)
{
    if (nodes && bs->node_name &&
        g_hash_table_lookup(nodes, bs->node_name) == bs) {
        g_hash_table_remove(nodes, bs->node_name);
    }
    node_order = g_list_remove(node_order, bs);
}

GList *bdrv_named_nodes(void)
{
    return node_order;
}

static void register_node(BlockDriverState *bs, const char *name)
{
    if (!nodes) {
        nodes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    }
    if (bs->node_name) {
        forget_node(bs);
    }
    g_free(bs->node_name);
    if (name) {
        bs->node_name = g_strdup(name);
    } else {
        /* QEMU's automatic names; the number itself means nothing. */
        node_counter += 17;
        bs->node_name = g_strdup_printf("#block%d", node_counter);
    }
    g_hash_table_insert(nodes, g_strdup(bs->node_name), bs);
    node_order = g_list_append(node_order, bs);
}

void blockdev_unregister_chain(BlockDriverState *bs)
{
    for (; bs && nodes; bs = bs->backing) {
        forget_node(bs);
        if (bs->file) {
            forget_node(bs->file);
        }
    }
}

static void unregister_node(BlockDriverState *bs)
{
    forget_node(bs);
}

BlockDriverState *bdrv_find_node(const char *name)
{
    return nodes ? g_hash_table_lookup(nodes, name) : NULL;
}

BlockDriverState *blockdev_lookup_bs(const char *device, const char *node_name,
                                     Error **errp)
{
    DriveInfo *d = device ? drive_get_by_id(device) : NULL;

    if (d) {
        if (!d->blk) {
            error_setg(errp, "Device '%s' has no medium", device);
            return NULL;
        }
        return blk_bs(d->blk);
    }
    BlockDriverState *bs = node_name ? bdrv_find_node(node_name) : NULL;
    if (!bs) {
        error_setg(errp, "Cannot find device='%s' nor node-name='%s'",
                   device ? device : "", node_name ? node_name : "");
    }
    return bs;
}

void blockdev_open_error(Error **errp, Error *local, const char *file)
{
    /* qemu-img says "Could not open" twice; the system, once. */
    g_autofree char *twice = g_strdup_printf(
        "Could not open '%s': Could not open '%s': ", file, file);
    const char *msg = error_get_pretty(local);

    if (g_str_has_prefix(msg, twice)) {
        error_setg(errp, "%s", msg + strlen(twice) / 2);
        error_free(local);
    } else {
        bdrv_unwrap_lock_error(&local, file);
        error_propagate(errp, local);
    }
}

void blockdev_register_node(BlockDriverState *bs, const char *name)
{
    register_node(bs, name);
}

void blockdev_add_monitor_node(BlockDriverState *bs)
{
    blockdev_roots = g_list_append(blockdev_roots, bs);
}

BlockDriverState *bdrv_find_file_parent(BlockDriverState *bs)
{
    GHashTableIter it;
    gpointer node;

    if (!nodes) {
        return NULL;
    }
    g_hash_table_iter_init(&it, nodes);
    while (g_hash_table_iter_next(&it, NULL, &node)) {
        if (((BlockDriverState *)node)->file == bs) {
            return node;
        }
    }
    return NULL;
}

GList *blockdev_monitor_nodes(void)
{
    return blockdev_roots;
}

GList *drive_list(void)
{
    return drives;
}

DriveInfo *drive_get(BlockInterfaceType type, int bus, int unit)
{
    for (GList *l = drives; l; l = l->next) {
        DriveInfo *d = l->data;
        if (d->type == type && d->bus == bus && d->unit == unit) {
            return d;
        }
    }
    return NULL;
}

bool drive_is_removable(DriveInfo *d)
{
    if (d->qdev) {
        return d->dev_removable;
    }
    return d->is_cdrom || d->type == IF_NONE;
}

DriveInfo *drive_get_by_qdev(const char *id)
{
    for (GList *l = drives; l; l = l->next) {
        DriveInfo *d = l->data;
        if (d->qdev && !strcmp(d->qdev, id)) {
            return d;
        }
    }
    return NULL;
}

DriveInfo *drive_get_by_id(const char *id)
{
    for (GList *l = drives; l; l = l->next) {
        DriveInfo *d = l->data;
        if (d->id[0] && !strcmp(d->id, id)) {
            return d;
        }
    }
    return NULL;
}

BlockBackend *blockdev_get_backend(const char *name, DriveInfo **dinfo)
{
    DriveInfo *d = drive_get_by_id(name);
    if (dinfo) {
        *dinfo = d;
    }
    if (d) {
        return d->blk;
    }
    BlockDriverState *bs = bdrv_find_node(name);
    if (!bs) {
        return NULL;
    }
    bdrv_ref(bs);
    return blk_new(bs, "");
}

/* Register every node of a freshly opened chain. */
void blockdev_register_chain(BlockDriverState *bs, const char *name)
{
    register_node(bs, name);
    if (bs->file) {
        register_node(bs->file, NULL);
    }
    for (BlockDriverState *b = bs->backing; b; b = b->backing) {
        register_node(b, NULL);
        if (b->file) {
            register_node(b->file, NULL);
        }
    }
}

/*
 * snapshot=on: a temporary qcow2 overlay over @bs, created in $TMPDIR
 * (default /var/tmp) and unlinked once open.
 */
static BlockDriverState *snapshot_overlay(BlockDriverState *bs, int flags,
                                          Error **errp)
{
    const char *dir = g_getenv("TMPDIR");
    g_autofree char *tmpl = g_build_filename(dir ? dir : "/var/tmp",
                                             "vl.XXXXXX", NULL);
    int fd = g_mkstemp(tmpl);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Could not get temporary filename");
        return NULL;
    }
    close(fd);
    g_autofree char *backing = g_canonicalize_filename(bs->filename, NULL);
    BlockCreateOpts o = {
        .size = bdrv_getlength(bs),
        .backing_file = backing,
        .backing_fmt = bdrv_get_format_name(bs),
    };
    if (bdrv_create("qcow2", tmpl, &o, errp) < 0) {
        unlink(tmpl);
        return NULL;
    }
    BlockDriverState *top = bdrv_open(tmpl, "qcow2", NULL,
                                      flags | BDRV_O_RDWR | BDRV_O_NO_BACKING,
                                      errp);
    unlink(tmpl);
    if (!top) {
        return NULL;
    }
    top->backing = bs;     /* takes the reference */
    /* Reported as the user named it, as QEMU does. */
    g_strlcpy(top->backing_file, bs->filename, sizeof(top->backing_file));
    top->full_backing_filename = g_strdup(bs->filename);
    return top;
}

/* The file driver's locking=on|off|auto: true when locks are taken. */
static bool parse_locking(const char *v, bool *on)
{
    *on = !v || !strcmp(v, "on") || !strcmp(v, "auto");
    return *on || !strcmp(v, "off");
}

static bool parse_cache(const char *mode, DriveInfo *d, Error **errp)
{
    int f;
    if (!bdrv_parse_cache_mode(mode, &f)) {
        error_setg(errp, "invalid cache option");
        return false;
    }
    d->writeback = !(f & BDRV_O_WRITETHROUGH);
    d->direct = f & BDRV_O_NOCACHE;
    d->no_flush = f & BDRV_O_NO_FLUSH;
    return true;
}

/* QEMU's parse_block_error_action(). */
static bool parse_on_error(const char *s, bool is_read, BlockdevOnError *out,
                           Error **errp)
{
    if (!strcmp(s, "ignore")) {
        *out = BLOCKDEV_ON_ERROR_IGNORE;
    } else if (!is_read && !strcmp(s, "enospc")) {
        *out = BLOCKDEV_ON_ERROR_ENOSPC;
    } else if (!strcmp(s, "stop")) {
        *out = BLOCKDEV_ON_ERROR_STOP;
    } else if (!strcmp(s, "report")) {
        *out = BLOCKDEV_ON_ERROR_REPORT;
    } else {
        error_setg(errp, "'%s' invalid %s error action", s,
                   is_read ? "read" : "write");
        return false;
    }
    return true;
}

/* How the board's IDE controller numbers if=ide drives (pc: 2 x 2). */
static int ide_units_per_bus = 2, ide_max_bus = 2;

void drive_set_ide_layout(int units_per_bus, int max_bus)
{
    ide_units_per_bus = units_per_bus;
    ide_max_bus = max_bus;
}

int drive_ide_units_per_bus(void)
{
    return ide_units_per_bus;
}

static int next_free_index(BlockInterfaceType type, int per_bus)
{
    for (int i = 0;; i++) {
        if (!drive_get(type, i / per_bus, i % per_bus)) {
            return i;
        }
    }
}

static DriveInfo *drive_new_opts(QemuOpts *opts, bool global_snapshot,
                                 Error **errp)
{
    Error *err = NULL;
    g_autofree DriveInfo *d = g_new0(DriveInfo, 1);
    /* Before any goto: the cleanup must see it initialised. */
    g_autofree char *throttle_group = NULL;
    ThrottleConfig throttle;
    const char *v;
    d->writeback = true;

    const char *ifname = qemu_opt_get(opts, "if");
    if (!ifname || !strcmp(ifname, "ide")) {
        d->type = IF_IDE;
    } else if (!strcmp(ifname, "virtio")) {
        d->type = IF_VIRTIO;
    } else if (!strcmp(ifname, "none")) {
        d->type = IF_NONE;
    } else if (!strcmp(ifname, "scsi") || !strcmp(ifname, "floppy") ||
               !strcmp(ifname, "sd") || !strcmp(ifname, "pflash") ||
               !strcmp(ifname, "mtd")) {
        error_setg(errp, "interface '%s' is not supported by kemu", ifname);
        return NULL;
    } else {
        error_setg(errp, "unsupported bus type '%s'", ifname);
        return NULL;
    }
    const char *media = qemu_opt_get(opts, "media");
    if (media && !strcmp(media, "cdrom")) {
        d->is_cdrom = true;
    } else if (media && strcmp(media, "disk")) {
        error_setg(errp, "'%s' invalid media", media);
        return NULL;
    }
    int per_bus = d->type == IF_IDE ? ide_units_per_bus : 1;
    int max_bus = d->type == IF_IDE ? ide_max_bus : INT_MAX;
    bool has_index = qemu_opt_get(opts, "index");
    bool has_bus = qemu_opt_get(opts, "bus"), has_unit = qemu_opt_get(opts, "unit");
    uint64_t index = qemu_opt_get_number(opts, "index", 0, &err);
    uint64_t bus = qemu_opt_get_number(opts, "bus", 0, &err);
    uint64_t unit = qemu_opt_get_number(opts, "unit", 0, &err);
    if (err) {
        error_propagate(errp, err);
        return NULL;
    }
    if (!has_index && !has_bus && !has_unit) {
        index = next_free_index(d->type, per_bus);
        has_index = true;
    }
    if (has_index) {
        bus = index / per_bus;
        unit = index % per_bus;
    }
    if (unit >= (uint64_t)per_bus) {
        error_setg(errp, "unit %" PRIu64 " too big (max is %d)", unit,
                   per_bus - 1);
        return NULL;
    }
    if (bus >= (uint64_t)max_bus) {
        error_setg(errp, "machine type does not support if=%s,bus=%" PRIu64
                   ",unit=%" PRIu64, ifname ? ifname : "ide", bus, unit);
        return NULL;
    }
    d->bus = bus;
    d->unit = unit;
    if (drive_get(d->type, d->bus, d->unit)) {
        error_setg(errp, "drive with bus=%d, unit=%d (index=%d) exists",
                   d->bus, d->unit, d->bus * per_bus + d->unit);
        return NULL;
    }
    if ((v = qemu_opt_get(opts, "id"))) {
        if (drive_get_by_id(v)) {
            error_setg(errp, "Duplicate ID '%s' for drive", v);
            return NULL;
        }
        d->id = g_strdup(v);
    } else if (d->type == IF_IDE) {
        d->id = g_strdup_printf("ide%d-%s%d", d->bus,
                                d->is_cdrom ? "cd" : "hd", d->unit);
    } else if (d->type == IF_VIRTIO) {
        d->id = g_strdup_printf("virtio%d", d->bus);
    } else {
        d->id = g_strdup_printf("none%d", d->bus);
    }
    if ((v = qemu_opt_get(opts, "cache")) && !parse_cache(v, d, errp)) {
        goto fail;
    }
    bool snapshot = qemu_opt_get_bool(opts, "snapshot", global_snapshot, &err);
    bool ro = qemu_opt_get_bool(opts, "readonly", false, &err);
    if (err) {
        error_propagate(errp, err);
        goto fail;
    }
    bool locking;
    if (!parse_locking(qemu_opt_get(opts, "file.locking"), &locking)) {
        error_setg(errp, "invalid parameter value: %s",
                   qemu_opt_get(opts, "file.locking"));
        goto fail;
    }
    d->serial = g_strdup(qemu_opt_get(opts, "serial"));
    const char *file = qemu_opt_get(opts, "file");
    const char *format = qemu_opt_get(opts, "format");
    const char *node_name = qemu_opt_get(opts, "node-name");
    d->on_write_error = BLOCKDEV_ON_ERROR_ENOSPC;
    d->on_read_error = BLOCKDEV_ON_ERROR_REPORT;
    if (((v = qemu_opt_get(opts, "werror")) &&
         !parse_on_error(v, false, &d->on_write_error, errp)) ||
        ((v = qemu_opt_get(opts, "rerror")) &&
         !parse_on_error(v, true, &d->on_read_error, errp))) {
        goto fail;
    }
    if (!blockdev_throttle_parse(opts, &throttle, &throttle_group, errp)) {
        goto fail;
    }
    /* Accepted and not acted on (QEMU defaults apply). */
    static const char *const ignored[] = {
        "aio", "discard", "detect-zeroes", "copy-on-read",
    };
    for (size_t i = 0; i < ARRAY_SIZE(ignored); i++) {
        qemu_opt_get(opts, ignored[i]);
    }
    for (guint i = 0; format && i < opts->opts->len; i++) {
        QemuOpt *o = g_ptr_array_index(opts->opts, i);
        if (!o->used) {
            error_setg(errp, "Block format '%s' does not support the option "
                       "'%s'", format, o->name);
            goto fail;
        }
    }
    if (!qemu_opts_check_unused(opts, errp)) {
        goto fail;
    }
    if (format && !strcmp(format, "help")) {
        printf("Supported formats: qcow2 raw file\n");
        exit(0);
    }
    if (format && (!bdrv_find_format(format) || !strcmp(format, "file"))) {
        error_setg(errp, "Unknown driver '%s'", format);
        goto fail;
    }
    if (d->is_cdrom) {
        ro = true;
    }
    if (file && file[0]) {
        int flags = (ro ? 0 : BDRV_O_RDWR) |
                    (d->direct ? BDRV_O_NOCACHE : 0) |
                    (d->no_flush || snapshot ? BDRV_O_NO_FLUSH : 0) |
                    (d->writeback ? 0 : BDRV_O_WRITETHROUGH) |
                    (locking ? 0 : BDRV_O_NO_LOCK) | BDRV_O_DEVICE;
        if (snapshot) {
            /* The overlay takes the writes; the image stays read-only. */
            flags &= ~(BDRV_O_RDWR | BDRV_O_WRITETHROUGH | BDRV_O_NOCACHE);
            d->no_flush = true;
            d->direct = false;
        }
        Error *local = NULL;
        BlockDriverState *bs = bdrv_open(file, format, NULL, flags, &local);
        if (!bs) {
            blockdev_open_error(errp, local, file);
            goto fail;
        }
        if (bs->probed && !ro && !strcmp(bdrv_get_format_name(bs), "raw")) {
            error_printf("WARNING: Image format was not specified for '%s' "
                         "and probing guessed raw.\n"
                         "         Automatically detecting the format is "
                         "dangerous for raw images, write operations on "
                         "block 0 will be restricted.\n"
                         "         Specify the 'raw' format explicitly to "
                         "remove the restrictions.\n", file);
        }
        if (snapshot && !ro) {
            BlockDriverState *top = snapshot_overlay(bs, flags, errp);
            if (!top) {
                bdrv_unref(bs);
                goto fail;
            }
            bs = top;
        }
        blockdev_register_chain(bs, node_name);
        d->blk = blk_new(bs, d->id);
        if (throttle_enabled(&throttle)) {
            blk_set_io_limits(d->blk, &throttle, throttle_group,
                              &error_abort);
        }
    } else if (!d->is_cdrom && d->type != IF_NONE) {
        error_setg(errp, "A block device must be specified for \"file\"");
        goto fail;
    }
    drives = g_list_append(drives, d);
    return g_steal_pointer(&d);

fail:
    g_free(d->id);
    g_free(d->serial);
    return NULL;
}

DriveInfo *drive_new_anonymous(void)
{
    DriveInfo *d = g_new0(DriveInfo, 1);

    d->id = g_strdup("");
    d->type = IF_NONE;
    d->is_cdrom = true;
    d->writeback = true;
    d->on_write_error = BLOCKDEV_ON_ERROR_ENOSPC;
    d->on_read_error = BLOCKDEV_ON_ERROR_REPORT;
    drives = g_list_append(drives, d);
    return d;
}

DriveInfo *drive_new(const char *optstr, bool global_snapshot, Error **errp)
{
    QemuOpts *opts = qemu_opts_parse(optstr, NULL, errp);
    if (!opts) {
        return NULL;
    }
    DriveInfo *d = drive_new_opts(opts, global_snapshot, errp);
    qemu_opts_free(opts);
    return d;
}

DriveInfo *drive_new_legacy(const char *file, int index, bool cdrom,
                            bool global_snapshot, Error **errp)
{
    QemuOpts *opts = qemu_opts_parse("", NULL, errp);
    g_autofree char *idx = g_strdup_printf("%d", index);
    qemu_opt_set(opts, "file", file);
    qemu_opt_set(opts, "index", idx);
    qemu_opt_set(opts, "media", cdrom ? "cdrom" : "disk");
    DriveInfo *d = drive_new_opts(opts, global_snapshot, errp);
    qemu_opts_free(opts);
    return d;
}

/* QEMU's message for a parameter no driver takes. */
static bool check_unused(QemuOpts *opts, const char *prefix, Error **errp)
{
    for (guint i = 0; i < opts->opts->len; i++) {
        QemuOpt *o = g_ptr_array_index(opts->opts, i);
        if (!o->used) {
            error_setg(errp, "Parameter '%s%s' is unexpected", prefix,
                       o->name);
            return false;
        }
    }
    return true;
}

/*
 * The child options given as "file.KEY=VALUE" (QMP's nested "file"
 * dictionary, flattened), marked used in @opts; NULL when there are none.
 */
static QemuOpts *child_opts(QemuOpts *opts, const char *child)
{
    QemuOpts *c = NULL;
    size_t len = strlen(child);
    for (guint i = 0; i < opts->opts->len; i++) {
        QemuOpt *o = g_ptr_array_index(opts->opts, i);
        if (!strncmp(o->name, child, len) && o->name[len] == '.') {
            if (!c) {
                c = qemu_opts_parse("", NULL, NULL);
            }
            qemu_opt_set(c, o->name + len + 1, o->str);
            o->used = true;
        }
    }
    return c;
}

/*
 * Open one node described by @opts (and its nested "file" child); @root:
 * a node the monitor owns, which needs a node-name; @prefix ("" or
 * "file.") goes before parameter names in errors.  Returns the node with
 * its names registered, or NULL.
 */
static BlockDriverState *blockdev_open_opts(QemuOpts *opts, bool root,
                                            const char *prefix, Error **errp)
{
    Error *err = NULL;
    BlockDriverState *bs = NULL;
    const char *driver = qemu_opt_get(opts, "driver");
    const char *name = qemu_opt_get(opts, "node-name");
    bool ro = qemu_opt_get_bool(opts, "read-only", false, &err);
    bool direct = qemu_opt_get_bool(opts, "cache.direct", false, &err);
    bool no_flush = qemu_opt_get_bool(opts, "cache.no-flush", false, &err);
    int flags = (ro ? 0 : BDRV_O_RDWR) | (direct ? BDRV_O_NOCACHE : 0) |
                (no_flush ? BDRV_O_NO_FLUSH : 0);
    qemu_opt_get(opts, "discard");
    qemu_opt_get(opts, "auto-read-only");
    if (err) {
        error_propagate(errp, err);
        return NULL;
    }
    if (!driver) {
        error_setg(errp, "Parameter '%sdriver' is missing", prefix);
        return NULL;
    }
    if (root && !name) {
        error_setg(errp, "'node-name' must be specified for the root node");
        return NULL;
    }
    if (name && bdrv_find_node(name)) {
        error_setg(errp, "Duplicate nodes with node-name='%s'", name);
        return NULL;
    }
    if (name && drive_get_by_id(name)) {
        error_setg(errp, "node-name=%s is conflicting with a device id",
                   name);
        return NULL;
    }
    const BlockDriver *drv = bdrv_find_format(driver);
    if (!drv) {
        error_setg(errp, "Parameter '%sdriver' does not accept value '%s'",
                   prefix, driver);
        return NULL;
    }
    if (drv->is_protocol) {
        const char *filename = qemu_opt_get(opts, "filename");
        if (!filename) {
            error_setg(errp, "Parameter '%sfilename' is missing", prefix);
            return NULL;
        }
        qemu_opt_get(opts, "aio");
        bool locking;
        if (!parse_locking(qemu_opt_get(opts, "locking"), &locking)) {
            error_setg(errp, "Parameter '%slocking' does not accept value "
                       "'%s'", prefix, qemu_opt_get(opts, "locking"));
            return NULL;
        }
        /*
         * No BDRV_O_DEVICE: QEMU's nodes take the device's "others may not
         * write" only once one attaches; kemu nodes share, formats aside.
         */
        flags |= locking ? 0 : BDRV_O_NO_LOCK;
        if (!check_unused(opts, prefix, errp)) {
            return NULL;
        }
        bs = bdrv_open(filename, "file", NULL, flags, errp);
    } else {
        const char *child = qemu_opt_get(opts, "file");
        QemuOpts *nested = child ? NULL : child_opts(opts, "file");
        BlockDriverState *file = NULL;
        if (nested) {
            /* The child inherits read-only, as QEMU's options do. */
            if (ro && !qemu_opt_get(nested, "read-only")) {
                qemu_opt_set(nested, "read-only", "on");
            }
            g_autofree char *sub = g_strdup_printf("%sfile.", prefix);
            file = blockdev_open_opts(nested, false, sub, errp);
            qemu_opts_free(nested);
            if (!file) {
                return NULL;
            }
        } else if (!child) {
            error_setg(errp, "Parameter '%sfile' is missing", prefix);
            return NULL;
        } else if (!(file = bdrv_find_node(child))) {
            error_setg(errp, "Cannot find device='%s' nor node-name='%s'",
                       child, child);
            return NULL;
        } else {
            bdrv_ref(file);
        }
        GHashTable *dopts = g_hash_table_new(g_str_hash, g_str_equal);
        const char *off = qemu_opt_get(opts, "offset");
        const char *size = qemu_opt_get(opts, "size");
        if (off) {
            g_hash_table_insert(dopts, "offset", (char *)off);
        }
        if (size) {
            g_hash_table_insert(dopts, "size", (char *)size);
        }
        /* backing=NODE attaches a node; backing=null (QMP): none. */
        const char *backing = qemu_opt_get(opts, "backing");
        BlockDriverState *backing_bs = NULL;
        if (backing && backing[0] && !(backing_bs = bdrv_find_node(backing))) {
            error_setg(errp, "Cannot find device='%s' nor node-name='%s'",
                       backing, backing);
            backing = NULL;
            bdrv_unref(file);
            g_hash_table_destroy(dopts);
            return NULL;
        }
        if (check_unused(opts, prefix, errp)) {
            bs = bdrv_open_format(file, drv, dopts, flags, errp);
            if (bs && backing_bs) {
                bdrv_ref(backing_bs);
                bs->backing = backing_bs;
            }
            if (bs && bs->backing_file[0] && !backing &&
                bdrv_open_backing_file(bs, errp) < 0) {
                if (nested) {
                    unregister_node(file);
                }
                bdrv_unref(bs);     /* drops the file too */
                bs = NULL;
                file = NULL;
            }
        }
        g_hash_table_destroy(dopts);
        if (!bs && file) {
            if (nested) {
                unregister_node(file);
            }
            bdrv_unref(file);
        }
    }
    if (bs) {
        register_node(bs, name);
        /* Backing files opened with it get names; named nodes keep them. */
        for (BlockDriverState *b = bs->backing; b && !b->node_name;
             b = b->backing) {
            register_node(b, NULL);
        }
    }
    return bs;
}

BlockDriverState *blockdev_add_opts(QemuOpts *opts, Error **errp)
{
    BlockDriverState *bs = blockdev_open_opts(opts, true, "", errp);
    if (bs) {
        blockdev_roots = g_list_append(blockdev_roots, bs);
    }
    return bs;
}

BlockDriverState *blockdev_add_str(const char *optstr, Error **errp)
{
    QemuOpts *opts = qemu_opts_parse(optstr, NULL, errp);
    if (!opts) {
        return NULL;
    }
    BlockDriverState *bs = blockdev_add_opts(opts, errp);
    qemu_opts_free(opts);
    return bs;
}

/* Forget the names of @bs and of the children only it holds. */
static void unregister_owned(BlockDriverState *bs)
{
    unregister_node(bs);
    if (bs->file && bs->file->refcnt == 1) {
        unregister_owned(bs->file);
    }
    if (bs->backing && bs->backing->refcnt == 1) {
        unregister_owned(bs->backing);
    }
}

bool blockdev_del(const char *node_name, Error **errp)
{
    BlockDriverState *bs = bdrv_find_node(node_name);
    if (!bs) {
        error_setg(errp, "Failed to find node with node-name='%s'",
                   node_name);
        return false;
    }
    GList *l = g_list_find(blockdev_roots, bs);
    if (!l) {
        error_setg(errp, "Node %s is not owned by the monitor", node_name);
        return false;
    }
    if (!bdrv_check_not_busy(bs, node_name, errp)) {
        return false;
    }
    if (bs->backends) {
        error_setg(errp, "Node %s is in use", node_name);
        return false;
    }
    if (bs->refcnt > 1) {
        error_setg(errp, "Block device %s is in use", node_name);
        return false;
    }
    unregister_owned(bs);
    blockdev_roots = g_list_delete_link(blockdev_roots, l);
    bdrv_flush(bs);
    bdrv_unref(bs);
    return true;
}

void drive_del(DriveInfo *d)
{
    if (d->qdev) {
        /*
         * QEMU's drive_del with a device: the backend goes anonymous and
         * loses its medium; the device stays and sees none.  A device
         * that cannot be told (virtio-blk) keeps its backend.
         */
        g_free(d->id);
        d->id = g_strdup("");
        if (d->blk && d->media_changed) {
            BlockBackend *old = d->blk;
            d->blk = NULL;
            d->media_changed(d->media_opaque, NULL);
            blockdev_unregister_chain(blk_bs(old));
            blk_unref(old);
        }
        return;
    }
    if (d->blk) {
        blockdev_unregister_chain(blk_bs(d->blk));
        blk_unref(d->blk);
    }
    drives = g_list_remove(drives, d);
    g_free(d->id);
    g_free(d->serial);
    g_free(d->throttle);
    g_free(d->throttle_group);
    g_free(d);
}

void blockdev_close_all(void)
{
    for (GList *l = drives; l; l = l->next) {
        DriveInfo *d = l->data;
        if (d->blk) {
            blockdev_unregister_chain(blk_bs(d->blk));
            blk_unref(d->blk);
            d->blk = NULL;
        }
    }
    for (GList *l = g_list_last(blockdev_roots); l; l = l->prev) {
        BlockDriverState *bs = l->data;
        bdrv_flush(bs);
        bdrv_unref(bs);
    }
    g_list_free(blockdev_roots);
    blockdev_roots = NULL;
}

const char *bdrv_get_device_or_node_name(BlockDriverState *bs)
{
    for (GList *l = drive_list(); l; l = l->next) {
        DriveInfo *d = l->data;
        if (d->blk && blk_bs(d->blk) == bs) {
            return d->id;
        }
    }
    return bs->node_name ? bs->node_name : "";
}
