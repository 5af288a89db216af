/*
 * Chardev core: the abstract "chardev" type, creation from -chardev options
 * and from the legacy -serial/-monitor syntax, the /chardevs container and
 * the frontend handle (CharFrontend).  Follows QEMU's chardev/char.c and
 * char-fe.c behaviour and messages; logging (logfile=) is not modelled.
 */
#include "qemu/osdep.h"
#include "chardev/char.h"
#include "chardev/chardev-internal.h"
#include "qemu/error-report.h"

static GSList *cleanup_fns;

static Object *chardev_container(void)
{
    return object_get_container("chardevs");
}

/* ---- delivery from backend to frontend ---- */

int chr_be_can_write(Chardev *chr)
{
    CharFrontend *fe = chr->fe;

    if (!fe || !fe->read) {
        return 0;
    }
    if (!fe->can_read) {
        return 4096;
    }
    return fe->can_read(fe->opaque);
}

void chr_be_write(Chardev *chr, const uint8_t *buf, int len)
{
    CharFrontend *fe = chr->fe;

    if (fe && fe->read && len > 0) {
        fe->read(fe->opaque, buf, len);
    }
}

void chr_be_event(Chardev *chr, ChrEvent event)
{
    CharFrontend *fe = chr->fe;

    if (fe && fe->event) {
        fe->event(fe->opaque, event);
    }
}

int chr_write_all(Chardev *chr, const uint8_t *buf, int len)
{
    ChardevClass *cc = chardev_get_class(chr);
    int done = 0;
    int ret = len;

    if (!cc->write) {
        return len;
    }
    g_mutex_lock(&chr->write_lock);
    while (done < len) {
        int n = cc->write(chr, buf + done, len - done);
        if (n < 0) {
            ret = -1;
            break;
        }
        if (n == 0) {
            /* The backend had no room and chose not to wait: drop. */
            break;
        }
        done += n;
    }
    g_mutex_unlock(&chr->write_lock);
    return ret;
}

void chr_register_cleanup(void (*fn)(void))
{
    if (!g_slist_find(cleanup_fns, (gpointer)fn)) {
        cleanup_fns = g_slist_prepend(cleanup_fns, (gpointer)fn);
    }
}

void chardev_cleanup_all(void)
{
    for (GSList *l = cleanup_fns; l; l = l->next) {
        void (*fn)(void) = (void (*)(void))l->data;
        fn();
    }
}

/* ---- creation ---- */

Chardev *chardev_find(const char *label)
{
    Object *obj;

    if (!label) {
        return NULL;
    }
    obj = object_resolve_path_component(chardev_container(), label);
    if (!obj || !object_dynamic_cast(obj, TYPE_CHARDEV)) {
        return NULL;
    }
    return (Chardev *)obj;
}

Chardev *chardev_new_typed(const char *typename, const char *label,
                           QemuOpts *opts, Error **errp)
{
    ObjectClass *oc = object_class_by_name(typename);
    Chardev *chr;
    ChardevClass *cc;

    if (!oc || object_class_is_abstract(oc) ||
        !object_class_dynamic_cast(oc, TYPE_CHARDEV)) {
        error_setg(errp, "'%s' is not a valid char driver name",
                   typename + strlen("chardev-"));
        return NULL;
    }
    chr = (Chardev *)object_new_with_class(oc);
    chr->label = g_strdup(label);
    cc = chardev_get_class(chr);
    if (cc->open && !cc->open(chr, opts, errp)) {
        object_unref(chr);
        return NULL;
    }
    if (!chr->filename) {
        /* QEMU's default "info chardev" filename is the backend name. */
        chr->filename = g_strdup(typename + strlen("chardev-"));
    }
    return chr;
}

static bool chardev_add(Chardev *chr, Error **errp)
{
    if (!object_property_add_child(chardev_container(), chr->label,
                                   OBJECT(chr), errp)) {
        object_unref(chr);
        return false;
    }
    /* The tree holds the reference from now on. */
    object_unref(chr);
    return true;
}

static QemuOpts *chardev_opts_new(const char *backend)
{
    g_autofree char *s = g_strdup_printf("backend=%s", backend);

    return qemu_opts_parse(s, NULL, &error_abort);
}

/* Wrap @base (already in the tree) in a mux labelled @label. */
static Chardev *chardev_new_mux(const char *label, Chardev *base,
                                Error **errp)
{
    QemuOpts *opts = chardev_opts_new("mux");
    Chardev *mux;

    qemu_opt_set(opts, "chardev", base->label);
    mux = chardev_new_typed(TYPE_CHARDEV_MUX, label, opts, errp);
    qemu_opts_free(opts);
    if (!mux || !chardev_add(mux, errp)) {
        chardev_delete(base);
        return NULL;
    }
    return mux;
}

Chardev *chardev_new_from_opts(QemuOpts *opts, Error **errp)
{
    const char *backend;
    const char *id;
    g_autofree char *typename = NULL;
    g_autofree char *base_label = NULL;
    ObjectClass *oc;
    bool mux;
    Error *local_err = NULL;
    Chardev *chr;

    /* QEMU's order: option names and types, id, then the backend. */
    if (!chardev_opts_validate(opts, errp)) {
        return NULL;
    }
    backend = qemu_opt_get(opts, "backend");
    id = qemu_opt_get(opts, "id");
    if (!id) {
        error_setg(errp, "chardev: no id specified");
        return NULL;
    }
    if (!backend) {
        error_setg(errp, "Parameter 'backend' is missing");
        return NULL;
    }
    typename = g_strdup_printf("chardev-%s", backend);
    oc = object_class_by_name(typename);
    if (!oc || object_class_is_abstract(oc) ||
        !object_class_dynamic_cast(oc, TYPE_CHARDEV)) {
        error_setg(errp, "'%s' is not a valid char driver name", backend);
        return NULL;
    }
    if (chardev_find(id)) {
        error_setg(errp, "Duplicate ID '%s' for chardev", id);
        return NULL;
    }
    mux = qemu_opt_get_bool(opts, "mux", false, &local_err);
    if (local_err) {
        error_propagate(errp, local_err);
        return NULL;
    }
    base_label = mux ? g_strdup_printf("%s-base", id) : g_strdup(id);
    chr = chardev_new_typed(typename, base_label, opts, errp);
    if (!chr || !chardev_add(chr, errp)) {
        return NULL;
    }
    return mux ? chardev_new_mux(id, chr, errp) : chr;
}

Chardev *chardev_new_qmp(const char *id, const char *backend,
                         QemuOpts *opts, Error **errp)
{
    g_autofree char *typename = g_strdup_printf("chardev-%s", backend);
    Error *err = NULL;
    Chardev *chr;

    if (chardev_find(id)) {
        error_setg(errp, "Chardev with id '%s' already exists", id);
        return NULL;
    }
    chr = chardev_new_typed(typename, id, opts, &err);
    if (!chr) {
        error_prepend(&err, "Failed to add chardev '%s': ", id);
        error_propagate(errp, err);
        return NULL;
    }
    return chardev_add(chr, errp) ? chr : NULL;
}

Chardev *chardev_new_from_string(const char *spec, Error **errp)
{
    QemuOpts *opts = qemu_opts_parse(spec, "backend", errp);
    Chardev *chr;

    if (!opts) {
        return NULL;
    }
    chr = chardev_new_from_opts(opts, errp);
    qemu_opts_free(opts);
    return chr;
}

/* Copy "k=v,..." (the tail of unix:/tcp: specs) into @opts. */
static bool legacy_copy_opt(void *opaque, const char *name,
                            const char *value, Error **errp)
{
    qemu_opt_set(opaque, name, value);
    return true;
}

static bool legacy_add_tail(QemuOpts *opts, const char *tail, Error **errp)
{
    QemuOpts *extra;
    bool ok;

    if (!tail || !*tail) {
        return true;
    }
    extra = qemu_opts_parse(tail, NULL, errp);
    if (!extra) {
        return false;
    }
    ok = qemu_opt_foreach(extra, legacy_copy_opt, opts, errp);
    qemu_opts_free(extra);
    return ok;
}

/* Build -chardev options for a legacy spec; NULL with errp on error. */
static QemuOpts *legacy_to_opts(const char *spec, Error **errp)
{
    QemuOpts *opts = NULL;

    if (!strcmp(spec, "null") || !strcmp(spec, "stdio") ||
        !strcmp(spec, "pty")) {
        return chardev_opts_new(spec);
    }
    if (!strcmp(spec, "vc") || g_str_has_prefix(spec, "vc:")) {
        return chardev_opts_new("vc");
    }
    if (g_str_has_prefix(spec, "file:") || g_str_has_prefix(spec, "pipe:")) {
        opts = chardev_opts_new(spec[0] == 'f' ? "file" : "pipe");
        qemu_opt_set(opts, "path", strchr(spec, ':') + 1);
        return opts;
    }
    if (g_str_has_prefix(spec, "unix:")) {
        g_autofree char *path = g_strdup(spec + 5);
        char *comma = strchr(path, ',');

        if (comma) {
            *comma++ = '\0';
        }
        opts = chardev_opts_new("socket");
        qemu_opt_set(opts, "path", path);
        if (!legacy_add_tail(opts, comma, errp)) {
            qemu_opts_free(opts);
            return NULL;
        }
        return opts;
    }
    if (g_str_has_prefix(spec, "tcp:") || g_str_has_prefix(spec, "telnet:")) {
        bool telnet = spec[1] == 'e';
        g_autofree char *addr = g_strdup(strchr(spec, ':') + 1);
        char *comma = strchr(addr, ',');
        char *colon;

        if (comma) {
            *comma++ = '\0';
        }
        colon = strrchr(addr, ':');
        if (!colon) {
            error_setg(errp, "chardev: socket: no port given");
            return NULL;
        }
        *colon = '\0';
        opts = chardev_opts_new("socket");
        qemu_opt_set(opts, "host", addr);
        qemu_opt_set(opts, "port", colon + 1);
        if (telnet) {
            qemu_opt_set(opts, "telnet", "on");
        }
        if (!legacy_add_tail(opts, comma, errp)) {
            qemu_opts_free(opts);
            return NULL;
        }
        return opts;
    }
    /* QEMU names the whole option, "foo:bar,x=1", not just "foo". */
    error_setg(errp, "'%s' is not a valid char driver", spec);
    return NULL;
}

Chardev *chardev_new_legacy(const char *label, const char *spec,
                            Error **errp)
{
    g_autofree char *typename = NULL;
    QemuOpts *opts;
    Chardev *chr;

    if (!strcmp(spec, "none")) {
        return NULL;
    }
    if (g_str_has_prefix(spec, "chardev:")) {
        chr = chardev_find(spec + 8);
        if (!chr) {
            error_setg(errp, "Chardev '%s' not found", spec + 8);
        }
        return chr;
    }
    if (chardev_find(label)) {
        error_setg(errp, "Duplicate ID '%s' for chardev", label);
        return NULL;
    }
    if (g_str_has_prefix(spec, "mon:")) {
        g_autofree char *base_label = g_strdup_printf("%s-base", label);
        Chardev *base = chardev_new_legacy(base_label, spec + 4, errp);

        if (!base) {
            if (errp && !*errp) {
                error_setg(errp, "'%s' is not a valid char driver", spec);
            }
            return NULL;
        }
        return chardev_new_mux(label, base, errp);
    }
    opts = legacy_to_opts(spec, errp);
    if (!opts) {
        return NULL;
    }
    if (!chardev_opts_validate(opts, errp)) {
        qemu_opts_free(opts);
        return NULL;
    }
    typename = g_strdup_printf("chardev-%s", qemu_opt_get(opts, "backend"));
    chr = chardev_new_typed(typename, label, opts, errp);
    qemu_opts_free(opts);
    if (!chr || !chardev_add(chr, errp)) {
        return NULL;
    }
    return chr;
}

void chardev_delete(Chardev *chr)
{
    if (chr) {
        object_unparent(OBJECT(chr));
    }
}

static void print_backend(ObjectClass *oc, void *opaque)
{
    printf("  %s\n", object_class_get_name(oc) + strlen("chardev-"));
}

void chardev_print_backends(void)
{
    /* QEMU prints a space after the colon; keep it byte-identical. */
    printf("Available chardev backend types: \n");
    object_class_foreach(print_backend, TYPE_CHARDEV, false, NULL);
}

typedef struct ForeachData {
    void (*fn)(Chardev *chr, void *opaque);
    void *opaque;
} ForeachData;

static int foreach_child(Object *child, void *opaque)
{
    ForeachData *d = opaque;

    if (object_dynamic_cast(child, TYPE_CHARDEV)) {
        d->fn((Chardev *)child, d->opaque);
    }
    return 0;
}

void chardev_foreach(void (*fn)(Chardev *chr, void *opaque), void *opaque)
{
    ForeachData d = { .fn = fn, .opaque = opaque };

    object_child_foreach(chardev_container(), foreach_child, &d);
}

/* ---- frontend ---- */

bool chr_fe_init(CharFrontend *fe, Chardev *chr, Error **errp)
{
    fe->can_read = NULL;
    fe->read = NULL;
    fe->event = NULL;
    fe->opaque = NULL;
    fe->tag = -1;
    fe->chr = NULL;
    if (!chr) {
        return true;
    }
    if (chr_is_mux(chr)) {
        if (!chr_mux_attach(chr, fe, errp)) {
            return false;
        }
    } else {
        if (chr->fe && chr->fe != fe) {
            error_setg(errp, "Device '%s' is in use", chr->label);
            return false;
        }
        chr->fe = fe;
    }
    fe->chr = chr;
    return true;
}

void chr_fe_deinit(CharFrontend *fe)
{
    Chardev *chr = fe->chr;

    if (!chr) {
        return;
    }
    if (chr_is_mux(chr)) {
        chr_mux_detach(chr, fe);
    } else if (chr->fe == fe) {
        chr->fe = NULL;
    }
    fe->chr = NULL;
    fe->can_read = NULL;
    fe->read = NULL;
    fe->event = NULL;
}

void chr_fe_set_handlers(CharFrontend *fe, ChrCanReadHandler *can_read,
                         ChrReadHandler *read, ChrEventHandler *event,
                         void *opaque)
{
    Chardev *chr = fe->chr;

    fe->can_read = can_read;
    fe->read = read;
    fe->event = event;
    fe->opaque = opaque;
    if (!chr) {
        return;
    }
    if (chr_is_mux(chr)) {
        chr_mux_handlers_set(chr, fe);
    } else if (chr->be_open && event) {
        /* Attaching to a connected backend: the frontend must still learn
         * that it is open (QEMU does the same). */
        event(opaque, CHR_EVENT_OPENED);
    }
    chr_fe_accept_input(fe);
}

void chr_fe_accept_input(CharFrontend *fe)
{
    Chardev *chr = fe->chr;

    if (chr && chardev_get_class(chr)->accept_input) {
        chardev_get_class(chr)->accept_input(chr);
    }
}

bool chr_fe_backend_connected(CharFrontend *fe)
{
    return fe->chr != NULL;
}

int chr_fe_write_all(CharFrontend *fe, const uint8_t *buf, int len)
{
    if (!fe->chr) {
        /* No backend: output goes nowhere, as with QEMU's "none". */
        return len;
    }
    return chr_write_all(fe->chr, buf, len);
}

int chr_fe_printf(CharFrontend *fe, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *s = NULL;

    va_start(ap, fmt);
    s = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    return chr_fe_write_all(fe, (const uint8_t *)s, strlen(s));
}

/* ---- the abstract type ---- */

static void chardev_instance_init(Object *obj)
{
    Chardev *chr = (Chardev *)obj;

    g_mutex_init(&chr->write_lock);
    /* Only sockets and ptys start disconnected; they clear this. */
    chr->be_open = true;
}

static void chardev_instance_finalize(Object *obj)
{
    Chardev *chr = (Chardev *)obj;
    ChardevClass *cc = chardev_get_class(chr);

    if (cc->close) {
        cc->close(chr);
    }
    if (chr->fe) {
        chr->fe->chr = NULL;
    }
    g_free(chr->label);
    g_free(chr->filename);
    g_mutex_clear(&chr->write_lock);
}

static const TypeInfo chardev_type_info = {
    .name = TYPE_CHARDEV,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(Chardev),
    .class_size = sizeof(ChardevClass),
    .instance_init = chardev_instance_init,
    .instance_finalize = chardev_instance_finalize,
    .abstract = true,
};

static void chardev_register_types(void)
{
    type_register_static(&chardev_type_info);
}

type_init(chardev_register_types)
