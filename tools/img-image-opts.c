/*
 * --image-opts: an image named by block options instead of a file name
 * ("driver=qcow2,file.filename=x.qcow2", "driver=file,filename=x",
 * "file.filename=x" to probe), as qemu-img's; errors are "Could not open
 * 'OPTIONS': ..." with QEMU's texts.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/option.h"
#include "kemu-img.h"

/* Options the drivers take from --image-opts (besides the names). */
static const char *const driver_keys[] = { "offset", "size", NULL };

static BlockDriverState *open_from_opts(QemuOpts *opts, int flags,
                                        Error **errp)
{
    const char *driver = qemu_opt_get(opts, "driver");
    const char *ref = qemu_opt_get(opts, "file");
    const char *filename, *fmt = NULL;
    GHashTable *dopts;
    BlockDriverState *bs;

    if (ref) {
        error_setg(errp, "Cannot find device='%s' nor node-name='%s'", ref,
                   ref);
        return NULL;
    }
    if (driver && !bdrv_find_format(driver)) {
        error_setg(errp, "Unknown driver '%s'", driver);
        return NULL;
    }
    if (driver && !strcmp(driver, "file")) {
        filename = qemu_opt_get(opts, "filename");
        fmt = "file";
    } else {
        const char *child = qemu_opt_get(opts, "file.driver");
        if (child && strcmp(child, "file")) {
            error_setg(errp, "Unknown driver '%s'", child);
            return NULL;
        }
        filename = qemu_opt_get(opts, "file.filename");
        fmt = driver;
    }
    const char *locking = qemu_opt_get(opts, fmt && !strcmp(fmt, "file")
                                       ? "locking" : "file.locking");
    if (locking && !strcmp(locking, "off")) {
        flags |= BDRV_O_NO_LOCK;
    }
    qemu_opt_get(opts, "file.aio");
    dopts = g_hash_table_new(g_str_hash, g_str_equal);
    for (int i = 0; driver_keys[i]; i++) {
        const char *v = qemu_opt_get(opts, driver_keys[i]);
        if (v) {
            g_hash_table_insert(dopts, (char *)driver_keys[i], (char *)v);
        }
    }
    for (guint i = 0; i < opts->opts->len; i++) {
        QemuOpt *o = g_ptr_array_index(opts->opts, i);
        if (!o->used) {
            error_setg(errp, "Block format '%s' does not support the option "
                       "'%s'", driver ? driver : "raw", o->name);
            g_hash_table_destroy(dopts);
            return NULL;
        }
    }
    if (!filename) {
        error_setg(errp, "Parameter '%s' is missing",
                   fmt && !strcmp(fmt, "file") ? "filename" : "file");
        g_hash_table_destroy(dopts);
        return NULL;
    }
    Error *local = NULL;
    bs = bdrv_open(filename, fmt, dopts, flags, &local);
    g_hash_table_destroy(dopts);
    if (!bs) {
        /* bdrv_open says "Could not open 'F': " twice, qemu-img once. */
        g_autofree char *pfx = g_strdup_printf("Could not open '%s': ",
                                               filename);
        const char *msg = error_get_pretty(local);
        if (g_str_has_prefix(msg, pfx) &&
            g_str_has_prefix(msg + strlen(pfx), pfx)) {
            msg += strlen(pfx);
        }
        error_setg(errp, "%s", msg);
        error_free(local);
    }
    return bs;
}

BlockDriverState *img_open_image_opts(const char *optstr, int flags)
{
    Error *err = NULL;
    /* A bare word is the implied "file": a node reference. */
    QemuOpts *opts = qemu_opts_parse(optstr, "file", &err);
    BlockDriverState *bs = NULL;

    if (opts) {
        bs = open_from_opts(opts, flags, &err);
        qemu_opts_free(opts);
    }
    if (!bs) {
        error_report("Could not open '%s': %s", optstr,
                     error_get_pretty(err));
        error_free(err);
    }
    return bs;
}
