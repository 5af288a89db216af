/*
 * HMP block commands: "info block" (QEMU 7.2's text over
 * qmp_query_block()), block_resize, internal snapshots of a drive and
 * "info snapshots", eject, change and commit.
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "block/blockdev.h"
#include "hmp-internal.h"

/* The lines QEMU prints for a node, after its first line. */
static void print_inserted(Monitor *mon, BlockDeviceInfo *ins)
{
    monitor_printf(mon, "    Cache mode:       %s%s%s\n",
                   ins->cache->writeback ? "writeback" : "writethrough",
                   ins->cache->direct ? ", direct" : "",
                   ins->cache->no_flush ? ", ignore flushes" : "");
    if (ins->has_backing_file) {
        monitor_printf(mon, "    Backing file:     %s (chain depth: %" PRId64
                       ")\n", ins->backing_file, ins->backing_file_depth);
    }
    if (ins->bps || ins->bps_rd || ins->bps_wr || ins->iops ||
        ins->iops_rd || ins->iops_wr) {
        monitor_printf(mon, "    I/O throttling:   bps=%" PRId64
                       " bps_rd=%" PRId64 " bps_wr=%" PRId64
                       " bps_max=%" PRId64 " bps_rd_max=%" PRId64
                       " bps_wr_max=%" PRId64 " iops=%" PRId64
                       " iops_rd=%" PRId64 " iops_wr=%" PRId64
                       " iops_max=%" PRId64 " iops_rd_max=%" PRId64
                       " iops_wr_max=%" PRId64 " iops_size=%" PRId64
                       " group=%s\n",
                       ins->bps, ins->bps_rd, ins->bps_wr, ins->bps_max,
                       ins->bps_rd_max, ins->bps_wr_max, ins->iops,
                       ins->iops_rd, ins->iops_wr, ins->iops_max,
                       ins->iops_rd_max, ins->iops_wr_max, ins->iops_size,
                       ins->group);
    }
}

/* QEMU's bdrv_image_info_dump, for the ImageInfo kemu fills. */
/* The stored bitmaps of a qcow2 image, as QEMU's image dump lists them. */
static void print_bitmaps(Monitor *mon, ImageInfoSpecificQCow2 *q)
{
    int i = 0;
    if (!q->has_bitmaps) {
        return;
    }
    monitor_printf(mon, "    bitmaps:\n");
    for (Qcow2BitmapInfoList *l = q->bitmaps; l; l = l->next, i++) {
        int k = 0;
        monitor_printf(mon, "        [%d]:\n            flags:\n", i);
        for (Qcow2BitmapInfoFlagsList *f = l->value->flags; f; f = f->next) {
            monitor_printf(mon, "                [%d]: %s\n", k++,
                           Qcow2BitmapInfoFlags_str(f->value));
        }
        monitor_printf(mon, "            name: %s\n            granularity: "
                       "%" PRIu32 "\n", l->value->name,
                       l->value->granularity);
    }
}

static void print_image_info(Monitor *mon, ImageInfo *img)
{
    g_autofree char *vsize = size_to_str(img->virtual_size);

    monitor_printf(mon, "image: %s\nfile format: %s\n"
                   "virtual size: %s (%" PRId64 " bytes)\n", img->filename,
                   img->format, vsize, img->virtual_size);
    if (img->has_actual_size) {
        g_autofree char *dsize = size_to_str(img->actual_size);
        monitor_printf(mon, "disk size: %s\n", dsize);
    } else {
        monitor_printf(mon, "disk size: unavailable\n");
    }
    if (img->has_cluster_size) {
        monitor_printf(mon, "cluster_size: %" PRId64 "\n",
                       img->cluster_size);
    }
    if (img->has_dirty_flag && img->dirty_flag) {
        monitor_printf(mon, "cleanly shut down: no\n");
    }
    if (img->has_backing_filename) {
        monitor_printf(mon, "backing file: %s", img->backing_filename);
        if (img->has_full_backing_filename &&
            strcmp(img->backing_filename, img->full_backing_filename)) {
            monitor_printf(mon, " (actual path: %s)",
                           img->full_backing_filename);
        }
        monitor_printf(mon, "\n");
        if (img->has_backing_filename_format) {
            monitor_printf(mon, "backing file format: %s\n",
                           img->backing_filename_format);
        }
    }
    if (img->has_format_specific) {
        ImageInfoSpecificQCow2 *q = img->format_specific->data;
        monitor_printf(mon, "Format specific information:\n"
                       "    compat: %s\n    compression type: zlib\n",
                       q->compat);
        if (q->has_lazy_refcounts) {
            monitor_printf(mon, "    lazy refcounts: %s\n",
                           q->lazy_refcounts ? "true" : "false");
        }
        print_bitmaps(mon, q);
        monitor_printf(mon, "    refcount bits: %" PRId64 "\n",
                       q->refcount_bits);
        if (q->has_corrupt) {
            monitor_printf(mon, "    corrupt: %s\n",
                           q->corrupt ? "true" : "false");
        }
        if (q->has_extended_l2) {
            monitor_printf(mon, "    extended l2: %s\n",
                           q->extended_l2 ? "true" : "false");
        }
    }
}

/* info block -v: the image and its backing chain. */
static void print_images(Monitor *mon, BlockDeviceInfo *ins)
{
    monitor_printf(mon, "\nImages:\n");
    for (ImageInfo *img = ins->image; img;
         img = img->has_backing_image ? img->backing_image : NULL) {
        print_image_info(mon, img);
    }
}

static void print_node_line(Monitor *mon, BlockDeviceInfo *ins)
{
    monitor_printf(mon, ": %s (%s%s)\n", ins->file, ins->drv,
                   ins->ro ? ", read-only" : "");
}

static void print_block_info(Monitor *mon, BlockInfo *info, bool verbose)
{
    BlockDeviceInfo *ins = info->has_inserted ? info->inserted : NULL;

    if (info->device[0]) {
        monitor_printf(mon, "%s", info->device);
        if (ins && ins->has_node_name) {
            monitor_printf(mon, " (%s)", ins->node_name);
        }
    } else {
        /* An anonymous backend: QEMU names its node, else the device. */
        monitor_printf(mon, "%s", ins && ins->has_node_name ? ins->node_name
                       : info->has_qdev ? info->qdev : "<anonymous>");
    }
    if (ins) {
        print_node_line(mon, ins);
    } else {
        monitor_printf(mon, ": [not inserted]\n");
    }
    if (info->has_qdev) {
        monitor_printf(mon, "    Attached to:      %s\n", info->qdev);
    }
    if (info->removable) {
        monitor_printf(mon, "    Removable device: %slocked, tray %s\n",
                       info->locked ? "" : "not ",
                       info->has_tray_open && info->tray_open ? "open"
                                                              : "closed");
    }
    if (ins) {
        print_inserted(mon, ins);
        if (verbose) {
            print_images(mon, ins);
        }
    }
}

/* info block -n: every named node, as QEMU prints one without a device. */
static void print_named_nodes(Monitor *mon, bool verbose)
{
    BlockDeviceInfoList *list = qmp_query_named_block_nodes(false, false, NULL);

    for (BlockDeviceInfoList *l = list; l; l = l->next) {
        monitor_printf(mon, "%s%s", l == list ? "" : "\n",
                       l->value->node_name);
        print_node_line(mon, l->value);
        print_inserted(mon, l->value);
        if (verbose) {
            print_images(mon, l->value);
        }
    }
    qapi_free_BlockDeviceInfoList(list);
}

void hmp_info_block(Monitor *mon, const HMPArgs *args)
{
    const char *device = hmp_arg_str(args, "device");
    BlockInfoList *list;
    bool first = true;

    if (hmp_arg_bool(args, "nodes")) {
        if (device) {
            monitor_printf(mon, "Node '%s' not found\n", device);
        } else {
            print_named_nodes(mon, hmp_arg_bool(args, "verbose"));
        }
        return;
    }
    list = qmp_query_block(NULL);
    for (BlockInfoList *l = list; l; l = l->next) {
        if (device && strcmp(device, l->value->device)) {
            continue;
        }
        if (!first) {
            monitor_printf(mon, "\n");
        }
        first = false;
        print_block_info(mon, l->value, hmp_arg_bool(args, "verbose"));
    }
    qapi_free_BlockInfoList(list);
}

void hmp_block_resize(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    qmp_block_resize(true, hmp_arg_str(args, "device"), false, NULL,
                     hmp_arg_int(args, "size", 0), &err);
    hmp_handle_error(mon, err);
}

void hmp_snapshot_blkdev(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    if (!hmp_arg_has(args, "snapshot-file")) {
        /* QEMU has no snapshot without a file; its QMP error says so. */
        error_setg(&err, "Parameter 'snapshot-file' is missing");
    } else {
        const char *fmt = hmp_arg_has(args, "format")
                          ? hmp_arg_str(args, "format") : NULL;
        qmp_blockdev_snapshot_sync(true, hmp_arg_str(args, "device"), false,
                                   NULL, hmp_arg_str(args, "snapshot-file"),
                                   false, NULL, fmt != NULL, fmt, true,
                                   hmp_arg_bool(args, "reuse")
                                   ? NEW_IMAGE_MODE_EXISTING
                                   : NEW_IMAGE_MODE_ABSOLUTE_PATHS, &err);
    }
    hmp_handle_error(mon, err);
}

void hmp_snapshot_blkdev_internal(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    qmp_blockdev_snapshot_internal_sync(hmp_arg_str(args, "device"),
                                        hmp_arg_str(args, "name"), &err);
    hmp_handle_error(mon, err);
}

void hmp_snapshot_delete_blkdev_internal(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;
    const char *id = hmp_arg_has(args, "id") ? hmp_arg_str(args, "id") : NULL;

    qapi_free_SnapshotInfo(qmp_blockdev_snapshot_delete_internal_sync(
        hmp_arg_str(args, "device"), id != NULL, id, true,
        hmp_arg_str(args, "name"), &err));
    hmp_handle_error(mon, err);
}

void hmp_info_snapshots(Monitor *mon, const HMPArgs *args)
{
    g_autoptr(GString) out = g_string_new(NULL);

    blockdev_info_snapshots(out);
    monitor_puts(mon, out->str);
}

void hmp_eject(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    qmp_eject(true, hmp_arg_str(args, "device"), false, NULL, true,
              hmp_arg_bool(args, "force"), &err);
    hmp_handle_error(mon, err);
}

void hmp_change(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;
    const char *fmt = hmp_arg_str(args, "arg");

    /* "change vnc password PW" shares the command (QEMU's hmp_change). */
    if (!strcmp(hmp_arg_str(args, "device"), "vnc")) {
        hmp_change_vnc(mon, args);
        return;
    }

    qmp_blockdev_change_medium(true, hmp_arg_str(args, "device"), false,
                               NULL, hmp_arg_str(args, "target"), fmt != NULL,
                               fmt, false, NULL, &err);
    hmp_handle_error(mon, err);
}

void hmp_commit(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    /* QEMU prints commit's errors without the "Error: " prefix. */
    if (!blockdev_commit(hmp_arg_str(args, "device"), &err)) {
        monitor_printf(mon, "%s\n", error_get_pretty(err));
        error_free(err);
    }
}

void hmp_info_blockstats(Monitor *mon, const HMPArgs *args)
{
    BlockStatsList *list = qmp_query_blockstats(false, false, NULL);

    for (BlockStatsList *l = list; l; l = l->next) {
        BlockDeviceStats *st = l->value->stats;
        monitor_printf(mon, "%s:", l->value->device);
        monitor_printf(mon, " rd_bytes=%" PRId64 " wr_bytes=%" PRId64
                       " rd_operations=%" PRId64 " wr_operations=%" PRId64
                       " flush_operations=%" PRId64
                       " wr_total_time_ns=%" PRId64
                       " rd_total_time_ns=%" PRId64
                       " flush_total_time_ns=%" PRId64
                       " rd_merged=%" PRId64 " wr_merged=%" PRId64
                       " idle_time_ns=%" PRId64 "\n",
                       st->rd_bytes, st->wr_bytes, st->rd_operations,
                       st->wr_operations, st->flush_operations,
                       st->wr_total_time_ns, st->rd_total_time_ns,
                       st->flush_total_time_ns, st->rd_merged, st->wr_merged,
                       st->idle_time_ns);
    }
    qapi_free_BlockStatsList(list);
}

void hmp_block_set_io_throttle(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;
    BlockIOThrottle a = {
        .has_device = true,
        .device = (char *)hmp_arg_str(args, "device"),
        .bps = hmp_arg_int(args, "bps", 0),
        .bps_rd = hmp_arg_int(args, "bps_rd", 0),
        .bps_wr = hmp_arg_int(args, "bps_wr", 0),
        .iops = hmp_arg_int(args, "iops", 0),
        .iops_rd = hmp_arg_int(args, "iops_rd", 0),
        .iops_wr = hmp_arg_int(args, "iops_wr", 0),
    };

    blockdev_set_io_throttle(&a, &err);
    hmp_handle_error(mon, err);
}

/* QEMU's BlockInterfaceType numbers, as "Can't hot-add" prints them. */
static int qemu_if_number(BlockInterfaceType type)
{
    return type == IF_IDE ? 1 : type == IF_VIRTIO ? 7 : 0;
}

void hmp_drive_add(Monitor *mon, const HMPArgs *args)
{
    const char *opts = hmp_arg_str(args, "opts");
    Error *err = NULL;
    DriveInfo *d;

    if (hmp_arg_bool(args, "node")) {
        /* -n: a node as -blockdev makes it, which must be named. */
        if (!strstr(opts, "node-name=")) {
            monitor_printf(mon, "'node-name' needs to be specified\n");
        } else if (!blockdev_add_str(opts, &err)) {
            monitor_printf(mon, "%s\n", error_get_pretty(err));
            error_free(err);
        }
        return;
    }
    /* The PCI address is QEMU's relic: drives are added with if=none. */
    d = drive_new(opts, false, &err);
    if (!d) {
        monitor_printf(mon, "%s\n", error_get_pretty(err));
        error_free(err);
        return;
    }
    if (d->type != IF_NONE) {
        monitor_printf(mon, "Can't hot-add drive to type %d\n",
                       qemu_if_number(d->type));
        drive_del(d);
        return;
    }
    monitor_printf(mon, "OK\n");
}

void hmp_drive_del(Monitor *mon, const HMPArgs *args)
{
    const char *id = hmp_arg_str(args, "id");
    DriveInfo *d = drive_get_by_id(id);
    Error *err = NULL;

    if (!d && bdrv_find_node(id)) {
        qmp_blockdev_del(id, &err);
        if (err) {
            monitor_printf(mon, "%s\n", error_get_pretty(err));
            error_free(err);
        }
        return;
    }
    if (!d) {
        monitor_printf(mon, "Device '%s' not found\n", id);
        return;
    }
    if (d->blk && !bdrv_check_not_busy(blk_bs(d->blk), id, &err)) {
        monitor_printf(mon, "%s\n", error_get_pretty(err));
        error_free(err);
        return;
    }
    drive_del(d);
}
