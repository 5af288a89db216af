/*
 * Drives and block nodes created from the command line (-drive, -hda,
 * -cdrom, -snapshot, -blockdev) and looked up by devices and monitor
 * commands.  QEMU's names: a drive "ide0-hd0" / "virtio0" / id= owns a
 * BlockBackend over a node chain; nodes have names ("#block123" when
 * not given).
 */
#ifndef BLOCK_BLOCKDEV_H
#define BLOCK_BLOCKDEV_H

#include "block/block.h"
#include "qemu/option.h"
#include "qapi/qapi-types.h"

typedef enum BlockInterfaceType {
    IF_NONE,
    IF_IDE,
    IF_VIRTIO,
} BlockInterfaceType;

/* -drive werror= / rerror= use QAPI's BlockdevOnError ("enospc": stop on
 * ENOSPC, report other errors; "auto" is not accepted there). */

typedef struct DriveInfo {
    char *id;                  /* device name as QEMU prints it */
    BlockInterfaceType type;
    int bus;
    int unit;
    bool is_cdrom;
    BlockBackend *blk;         /* NULL: no medium (empty cdrom) */
    bool writeback;            /* cache mode, as query-block reports it */
    bool direct;
    bool no_flush;
    char *qdev;                /* QOM path of the device using it, or NULL */
    bool dev_removable;        /* that device takes media changes (a CD) */
    char *serial;
    bool claimed;              /* a device model took it */
    bool tray_open;
    bool locked;               /* the guest prevents medium removal */
    /* I/O limits kept while there is no medium (NULL: none). */
    struct ThrottleConfig *throttle;
    char *throttle_group;
    BlockdevOnError on_read_error;     /* rerror=, default report */
    BlockdevOnError on_write_error;    /* werror=, default enospc */
    /* The device model's hook: the medium changed (blk may be NULL). */
    void (*media_changed)(void *opaque, BlockBackend *blk);
    /* ... and its tray moved (it sends DEVICE_TRAY_MOVED). */
    void (*tray_moved)(void *opaque, bool open);
    void *media_opaque;
} DriveInfo;

/**
 * drive_new: parse a -drive option string and open its image.
 * @global_snapshot: -snapshot was given.  Errors use QEMU's texts.
 */
DriveInfo *drive_new(const char *optstr, bool global_snapshot, Error **errp);
/*
 * drive_new_anonymous: the empty drive of a CD-ROM device given no drive
 * (QEMU's anonymous BlockBackend: device name "", media by id=).
 */
DriveInfo *drive_new_anonymous(void);
/*
 * The board's if=ide numbering, before the drives are created: index N
 * is bus N / @units_per_bus, unit N % @units_per_bus (pc: 2 buses of 2
 * units; q35's AHCI: 6 buses of 1).
 */
void drive_set_ide_layout(int units_per_bus, int max_bus);
int drive_ide_units_per_bus(void);
/* -hda/-hdb/-hdc/-hdd (index 0..3) and -cdrom as QEMU rewrites them. */
DriveInfo *drive_new_legacy(const char *file, int index, bool cdrom,
                            bool global_snapshot, Error **errp);
/*
 * -blockdev driver=file|raw|qcow2,node-name=...,... and QMP blockdev-add
 * (its JSON flattened to options, nested dictionaries as "file.KEY").
 * "file" names a node or, as "file.driver=...", describes a new one.
 */
BlockDriverState *blockdev_add_str(const char *optstr, Error **errp);
BlockDriverState *blockdev_add_opts(QemuOpts *opts, Error **errp);
/* QMP blockdev-del: only nodes blockdev-add made, and nothing uses. */
bool blockdev_del(const char *node_name, Error **errp);

DriveInfo *drive_get(BlockInterfaceType type, int bus, int unit);
/* QEMU's removable media: a CD-ROM device, or no device yet on if=none. */
bool drive_is_removable(DriveInfo *d);
DriveInfo *drive_get_by_id(const char *id);
/* Drives in creation order (of DriveInfo *). */
GList *drive_list(void);
/* The nodes -blockdev and blockdev-add made (of BlockDriverState *). */
GList *blockdev_monitor_nodes(void);
/* Every named node (automatic "#blockN" names too), in naming order. */
GList *bdrv_named_nodes(void);
/* A named node: from -blockdev, or the root of a drive. */
BlockDriverState *bdrv_find_node(const char *node_name);
/* A backend for -device ...,drive=NAME (a drive id or a node name). */
BlockBackend *blockdev_get_backend(const char *name, DriveInfo **dinfo);
/* The drive a device (by id or QOM path) uses, or NULL. */
DriveInfo *drive_get_by_qdev(const char *id);
/*
 * QEMU's qmp_get_blk: exactly one of @device (drive name) and @id (device
 * id or QOM path); its errors (DeviceNotFound).
 */
DriveInfo *blockdev_find_drive(const char *device, const char *id,
                               Error **errp);
/*
 * -drive's throttling.* options and their legacy names (bps=, iops_rd=,
 * group=...) into @cfg and *@group (NULL: none given); QEMU's messages.
 * Returns false on error.
 */
typedef struct ThrottleConfig ThrottleConfig;
bool blockdev_throttle_parse(QemuOpts *opts, ThrottleConfig *cfg,
                             char **group, Error **errp);
/* QMP/HMP block_set_io_throttle (@a: QEMU's BlockIOThrottle). */
typedef struct BlockIOThrottle BlockIOThrottle;
bool blockdev_set_io_throttle(BlockIOThrottle *a, Error **errp);
/*
 * Removable media (QMP blockdev-open-tray, -close-tray, -remove-medium,
 * -insert-medium; eject and blockdev-change-medium, HMP eject and
 * change).  A drive is named by @device (drive name) or @id (device id
 * or QOM path); QEMU's checks and messages; tray moves send
 * DEVICE_TRAY_MOVED and the device sees the medium only with the tray
 * closed.
 */
bool blockdev_open_tray(const char *device, const char *id, bool force,
                        Error **errp);
bool blockdev_close_tray(const char *device, const char *id, Error **errp);
bool blockdev_remove_medium(const char *id, Error **errp);
bool blockdev_insert_medium(const char *id, const char *node_name,
                            Error **errp);
bool blockdev_eject(const char *device, const char *id, bool force,
                    Error **errp);
bool blockdev_change_medium(const char *device, const char *id,
                            const char *filename, const char *format,
                            Error **errp);
/* The guest moved the tray of @d's device (ATAPI START STOP UNIT). */
void drive_set_tray(DriveInfo *d, bool open);
/* block_resize: @device (a drive) or else @node_name to @size bytes. */
bool blockdev_resize(const char *device, const char *node_name,
                     int64_t size, Error **errp);
/*
 * Internal snapshots of one running drive or node (QMP
 * blockdev-snapshot-internal-sync / -delete-internal-sync, HMP
 * snapshot_blkdev_internal / snapshot_delete_blkdev_internal): no VM
 * state, the VM clock at the time, no icount.  Delete fills @deleted.
 */
bool blockdev_snapshot_internal(const char *device, const char *name,
                                Error **errp);
bool blockdev_snapshot_delete_internal(const char *device, const char *id,
                                       const char *name,
                                       BdrvSnapshotInfo *deleted,
                                       Error **errp);
/*
 * External snapshot (QMP blockdev-snapshot-sync, HMP snapshot_blkdev): a
 * qcow2 overlay @file (created unless @existing) becomes the top of
 * @device / @node_name's chain; the old top turns read-only backing.
 */
bool blockdev_snapshot_external(const char *device, const char *node_name,
                                const char *file, const char *overlay_name,
                                const char *format, bool existing,
                                Error **errp);
/*
 * The two halves of blockdev_snapshot_external for transactions: prepare
 * checks, creates and opens the overlay (returned; *@old: the node it
 * goes over; bdrv_unref it to abort); blockdev_snapshot_append puts @top
 * over @bs in every backend (@monitor_node: @top is a blockdev-add node
 * the monitor keeps).
 */
BlockDriverState *blockdev_snapshot_external_prepare(
    const char *device, const char *node_name, const char *file,
    const char *overlay_name, const char *format, bool existing,
    BlockDriverState **old, Error **errp);
void blockdev_snapshot_append(BlockDriverState *bs, BlockDriverState *top,
                              const char *overlay_name, bool monitor_node);
/*
 * QMP blockdev-snapshot: the blockdev-add node @overlay (qcow2, no
 * backing, unused) goes over @node; prepare only checks (QEMU's texts).
 */
BlockDriverState *blockdev_snapshot_node_prepare(const char *node,
                                                 const char *overlay,
                                                 BlockDriverState **old,
                                                 Error **errp);
bool blockdev_snapshot_node(const char *node, const char *overlay,
                            Error **errp);
/* HMP "info snapshots": QEMU 7.2's text into @out. */
void blockdev_info_snapshots(GString *out);
/* Copy what the top image holds into its backing file ("all": every drive). */
bool blockdev_commit(const char *device, Error **errp);
/*
 * HMP drive_del: forget drive @d; one a device uses turns anonymous
 * without medium (QEMU's drive_del).
 */
void drive_del(DriveInfo *d);
/* Flush and close everything (at exit). */
void blockdev_close_all(void);
/* The drive name of @bs's backend, else its node name (QEMU's). */
const char *bdrv_get_device_or_node_name(BlockDriverState *bs);

#endif
