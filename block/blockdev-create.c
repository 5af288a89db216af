/*
 * QMP blockdev-create for the drivers "file" and "qcow2" (QEMU 7.2's
 * BlockdevCreateOptions members, "options.NAME" in errors).  QEMU runs it
 * as a job ("job-id", JOB_STATUS_CHANGE, job-dismiss); kemu has no job
 * layer yet, so the image is created before the command returns and a
 * failure is the command's error (QEMU puts it in query-jobs' "error").
 * The marshaller is hand-written: the options are a union on "driver".
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "block/blockdev.h"
#include "block-int.h"
#include "json-args.h"

static bool parse_prealloc(JsonArgs *a, BlockPreallocMode *mode)
{
    static const char *const names[] = { "off", "metadata", "falloc",
                                         "full", NULL };
    *mode = json_args_enum(a, "preallocation", names, PREALLOC_MODE_OFF);
    return a->ok;
}

static void create_file(JsonArgs *a)
{
    static const char *const known[] = {
        "driver", "filename", "size", "preallocation", "nocow",
        "extent-size-hint", NULL,
    };
    const char *filename = json_args_str(a, "filename", true);
    int64_t size = json_args_int(a, "size", true, 0);
    BlockPreallocMode prealloc;

    json_args_bool(a, "nocow", false);
    json_args_int(a, "extent-size-hint", false, 0);
    if (!json_args_check_members(a, known) || !parse_prealloc(a, &prealloc)) {
        return;
    }
    if (prealloc == PREALLOC_MODE_METADATA) {
        error_setg(a->errp, "Unsupported preallocation mode 'metadata'");
        return;
    }
    raw_file_create(filename, size, prealloc, a->errp);
}

static void create_qcow2(JsonArgs *a)
{
    static const char *const known[] = {
        "driver", "file", "size", "version", "backing-file", "backing-fmt",
        "cluster-size", "preallocation", "lazy-refcounts", "refcount-bits",
        "compression-type", NULL,
    };
    static const char *const versions[] = { "v2", "v3", NULL };
    static const char *const ctypes[] = { "zlib", NULL };
    const char *file = json_args_str(a, "file", true);
    int version = json_args_enum(a, "version", versions, 1);
    BlockCreateOpts o = {
        .size = json_args_int(a, "size", true, 0),
        .backing_file = json_args_str(a, "backing-file", false),
        .backing_fmt = json_args_str(a, "backing-fmt", false),
        .cluster_size = json_args_int(a, "cluster-size", false, 0),
        .lazy_refcounts = json_args_bool(a, "lazy-refcounts", false),
        .refcount_bits = json_args_int(a, "refcount-bits", false, 0),
    };
    BlockDriverState *bs;

    json_args_enum(a, "compression-type", ctypes, 0);
    if (!json_args_check_members(a, known) ||
        !parse_prealloc(a, &o.prealloc)) {
        return;
    }
    o.compat = version + 2;
    bs = blockdev_lookup_bs(file, file, a->errp);
    if (!bs) {
        return;
    }
    if (o.backing_fmt && !o.backing_file) {
        error_setg(a->errp, "Backing format cannot be used without backing "
                   "file");
        return;
    }
    if (o.size % BDRV_SECTOR_SIZE) {
        error_setg(a->errp, "Image size must be a multiple of %u bytes",
                   BDRV_SECTOR_SIZE);
        return;
    }
    /* The image goes into the file the node @file has open. */
    if (bdrv_create("qcow2", bs->filename, &o, a->errp) == 0) {
        bdrv_file_refresh_size(bs->file ? bs->file : bs);
    }
}

void qmp_blockdev_create(JsonObject *args, JsonNode **ret, Error **errp)
{
    JsonNode *job = json_object_get_member(args, "job-id");
    JsonNode *opts = json_object_get_member(args, "options");
    Error *local = NULL;
    JsonArgs a = { .prefix = "options.", .errp = &local, .ok = true };
    const char *driver;

    if (!job) {
        error_setg(errp, "Parameter 'job-id' is missing");
        return;
    }
    if (!opts) {
        error_setg(errp, "Parameter 'options' is missing");
        return;
    }
    if (!JSON_NODE_HOLDS_OBJECT(opts)) {
        error_setg(errp, "Invalid parameter type for 'options', expected: "
                   "object");
        return;
    }
    a.o = json_node_get_object(opts);
    driver = json_args_str(&a, "driver", true);
    if (!driver) {
        error_propagate(errp, local);
        return;
    }
    if (!strcmp(driver, "file")) {
        create_file(&a);
    } else if (!strcmp(driver, "qcow2")) {
        create_qcow2(&a);
    } else if (bdrv_find_format(driver) || !strcmp(driver, "raw")) {
        /* A driver QEMU knows but cannot create with (raw): no members. */
        static const char *const none[] = { "driver", NULL };
        if (json_args_check_members(&a, none)) {
            error_setg(&local, "Driver does not support blockdev-create");
        }
    } else {
        error_setg(&local, "Parameter 'options.driver' does not accept "
                   "value '%s'", driver);
    }
    if (local) {
        error_propagate(errp, local);
        return;
    }
    *ret = json_node_new(JSON_NODE_OBJECT);
    json_node_take_object(*ret, json_object_new());
}
