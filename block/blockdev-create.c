/*
 * QMP blockdev-create for the drivers "file" and "qcow2" (QEMU 7.2's
 * BlockdevCreateOptions members, "options.NAME" in errors), as QEMU a job
 * of type "create" named "job-id" (JOB_STATUS_CHANGE only, concluded
 * until job-dismiss).  The command checks the members' shapes (QAPI's
 * errors); the job creates the image, and what fails there (a node not
 * found, a bad cluster size) is the job's "error" in query-jobs.
 * The marshaller is hand-written: the options are a union on "driver".
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "block/blockdev.h"
#include "block/blockjob.h"
#include "block-int.h"
#include "json-args.h"

static bool parse_prealloc(JsonArgs *a, BlockPreallocMode *mode)
{
    static const char *const names[] = { "off", "metadata", "falloc",
                                         "full", NULL };
    *mode = json_args_enum(a, "preallocation", names, PREALLOC_MODE_OFF);
    return a->ok;
}

/* With @run false only the members are checked (the command's part). */
static void create_file(JsonArgs *a, bool run)
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
    if (!json_args_check_members(a, known) || !parse_prealloc(a, &prealloc) ||
        !run) {
        return;
    }
    if (prealloc == PREALLOC_MODE_METADATA) {
        error_setg(a->errp, "Unsupported preallocation mode 'metadata'");
        return;
    }
    raw_file_create(filename, size, prealloc, a->errp);
}

static void create_qcow2(JsonArgs *a, bool run)
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
        !parse_prealloc(a, &o.prealloc) || !run) {
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

/* The driver's part of the options in @a; false: none of ours. */
static bool create_options(JsonArgs *a, const char *driver, bool run)
{
    if (!strcmp(driver, "file")) {
        create_file(a, run);
    } else if (!strcmp(driver, "qcow2")) {
        create_qcow2(a, run);
    } else {
        return false;
    }
    return true;
}

/* The job's one step: the image is made (progress 0/1 -> 1/1). */
static int create_step(BlockJob *job)
{
    Error *local = NULL;
    JsonArgs a = { .o = job->opaque, .prefix = "options.", .errp = &local,
                   .ok = true };

    job->len = 1;
    create_options(&a, json_args_str(&a, "driver", true), true);
    job->offset = 1;
    if (local) {
        job->error = g_strdup(error_get_pretty(local));
        error_free(local);
        return -EINVAL;
    }
    return JOB_STEP_DONE;
}

static void create_clean(BlockJob *job)
{
    if (job->opaque) {
        json_object_unref(job->opaque);
        job->opaque = NULL;
    }
}

static const BlockJobDriver create_job_driver = {
    .type = JOB_TYPE_CREATE,
    .step = create_step,
    .clean = create_clean,
};

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
    if (create_options(&a, driver, false)) {
        /* checked: the job does the rest */
    } else if (bdrv_find_format(driver) || !strcmp(driver, "raw")) {
        /* A driver QEMU knows but cannot create with (raw): no members. */
        static const char *const none[] = { "driver", NULL };
        if (json_args_check_members(&a, none)) {
            error_setg(&local, "Driver does not support blockdev-create");
        }
    } else {
        error_setg(&local, "Parameter 'driver' does not accept value "
                   "'%s'", driver);
    }
    if (local) {
        error_propagate(errp, local);
        return;
    }
    if (!JSON_NODE_HOLDS_VALUE(job) ||
        json_node_get_value_type(job) != G_TYPE_STRING) {
        error_setg(errp, "Invalid parameter type for 'job-id', expected: "
                   "string");
        return;
    }
    BlockJob *j = block_job_create(&create_job_driver,
                                   json_node_get_string(job), NULL, 0, true,
                                   false, errp);
    if (!j) {
        return;
    }
    j->opaque = json_object_ref(a.o);
    block_job_start(j);
    *ret = json_node_new(JSON_NODE_OBJECT);
    json_node_take_object(*ret, json_object_new());
}
