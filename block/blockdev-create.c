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

typedef struct CreateArgs {
    JsonObject *o;
    Error **errp;
    bool ok;
} CreateArgs;

static JsonNode *member(CreateArgs *a, const char *name, bool required)
{
    JsonNode *n = json_object_get_member(a->o, name);
    if (!n && required && a->ok) {
        error_setg(a->errp, "Parameter 'options.%s' is missing", name);
        a->ok = false;
    }
    return n;
}

static bool type_ok(CreateArgs *a, JsonNode *n, GType t, const char *name,
                    const char *expected)
{
    if (!a->ok || !n) {
        return false;
    }
    if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != t) {
        error_setg(a->errp, "Invalid parameter type for 'options.%s', "
                   "expected: %s", name, expected);
        a->ok = false;
        return false;
    }
    return true;
}

static const char *get_str(CreateArgs *a, const char *name, bool required)
{
    JsonNode *n = member(a, name, required);
    return type_ok(a, n, G_TYPE_STRING, name, "string")
           ? json_node_get_string(n) : NULL;
}

static int64_t get_int(CreateArgs *a, const char *name, bool required,
                       int64_t def)
{
    JsonNode *n = member(a, name, required);
    return type_ok(a, n, G_TYPE_INT64, name, "integer")
           ? json_node_get_int(n) : def;
}

static bool get_bool(CreateArgs *a, const char *name, bool def)
{
    JsonNode *n = member(a, name, false);
    return type_ok(a, n, G_TYPE_BOOLEAN, name, "boolean")
           ? json_node_get_boolean(n) : def;
}

/* Members the branch does not know: QEMU's "unexpected" error. */
static bool check_members(CreateArgs *a, const char *const *known)
{
    GList *names = json_object_get_members(a->o);
    for (GList *l = names; l && a->ok; l = l->next) {
        if (!g_strv_contains(known, l->data)) {
            error_setg(a->errp, "Parameter 'options.%s' is unexpected",
                       (char *)l->data);
            a->ok = false;
        }
    }
    g_list_free(names);
    return a->ok;
}

static bool parse_prealloc(CreateArgs *a, BlockPreallocMode *mode)
{
    static const char *const names[] = { "off", "metadata", "falloc",
                                         "full", NULL };
    const char *p = get_str(a, "preallocation", false);
    *mode = PREALLOC_MODE_OFF;
    if (!p) {
        return a->ok;
    }
    for (int i = 0; names[i]; i++) {
        if (!strcmp(p, names[i])) {
            *mode = i;
            return true;
        }
    }
    error_setg(a->errp, "Parameter 'options.preallocation' does not accept "
               "value '%s'", p);
    return a->ok = false;
}

static void create_file(CreateArgs *a)
{
    static const char *const known[] = {
        "driver", "filename", "size", "preallocation", "nocow",
        "extent-size-hint", NULL,
    };
    const char *filename = get_str(a, "filename", true);
    int64_t size = get_int(a, "size", true, 0);
    BlockPreallocMode prealloc;

    get_bool(a, "nocow", false);
    get_int(a, "extent-size-hint", false, 0);
    if (!check_members(a, known) || !parse_prealloc(a, &prealloc)) {
        return;
    }
    if (prealloc == PREALLOC_MODE_METADATA) {
        error_setg(a->errp, "Unsupported preallocation mode 'metadata'");
        return;
    }
    raw_file_create(filename, size, prealloc, a->errp);
}

static void create_qcow2(CreateArgs *a)
{
    static const char *const known[] = {
        "driver", "file", "size", "version", "backing-file", "backing-fmt",
        "cluster-size", "preallocation", "lazy-refcounts", "refcount-bits",
        "compression-type", NULL,
    };
    const char *file = get_str(a, "file", true);
    const char *version = get_str(a, "version", false);
    BlockCreateOpts o = {
        .size = get_int(a, "size", true, 0),
        .backing_file = get_str(a, "backing-file", false),
        .backing_fmt = get_str(a, "backing-fmt", false),
        .cluster_size = get_int(a, "cluster-size", false, 0),
        .lazy_refcounts = get_bool(a, "lazy-refcounts", false),
        .refcount_bits = get_int(a, "refcount-bits", false, 0),
    };
    const char *ctype = get_str(a, "compression-type", false);
    BlockDriverState *bs;

    if (!check_members(a, known) || !parse_prealloc(a, &o.prealloc)) {
        return;
    }
    if (version && strcmp(version, "v2") && strcmp(version, "v3")) {
        error_setg(a->errp, "Parameter 'options.version' does not accept "
                   "value '%s'", version);
        return;
    }
    o.compat = version && !strcmp(version, "v2") ? 2 : 3;
    if (ctype && strcmp(ctype, "zlib")) {
        error_setg(a->errp, "Parameter 'options.compression-type' does not "
                   "accept value '%s'", ctype);
        return;
    }
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
    CreateArgs a = { .errp = &local, .ok = true };
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
    driver = get_str(&a, "driver", true);
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
        if (check_members(&a, none)) {
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
