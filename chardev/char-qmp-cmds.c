/*
 * query-chardev: every chardev with its label, QEMU's filename string and
 * whether a frontend (device or monitor) holds it; chardev-add and
 * chardev-remove at run time.
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "chardev-internal.h"

static void add_chardev_info(Chardev *chr, void *opaque)
{
    ChardevInfoList ***tail = opaque;
    ChardevInfoList *elt = g_new0(ChardevInfoList, 1);

    elt->value = g_new0(ChardevInfo, 1);
    elt->value->label = g_strdup(chr->label);
    elt->value->filename = g_strdup(chr->filename ? chr->filename : "");
    elt->value->frontend_open = chr->fe != NULL;
    **tail = elt;
    *tail = &elt->next;
}

ChardevInfoList *qmp_query_chardev(Error **errp)
{
    ChardevInfoList *head = NULL, **tail = &head;

    chardev_foreach(add_chardev_info, &tail);
    return head;
}

ChardevReturn *qmp_chardev_add(const char *id, JsonNode *backend,
                               Error **errp)
{
    const char *type;
    QemuOpts *opts = chardev_backend_to_opts(backend, &type, errp);
    ChardevReturn *ret;
    Chardev *chr;

    if (!opts) {
        return NULL;
    }
    chr = chardev_new_qmp(id, type, opts, errp);
    qemu_opts_free(opts);
    if (!chr) {
        return NULL;
    }
    ret = g_new0(ChardevReturn, 1);
    if (!strcmp(type, "pty") && g_str_has_prefix(chr->filename, "pty:")) {
        ret->has_pty = true;
        ret->pty = g_strdup(chr->filename + strlen("pty:"));
    }
    return ret;
}

void qmp_chardev_remove(const char *id, Error **errp)
{
    Chardev *chr = chardev_find(id);

    if (!chr) {
        error_setg(errp, "Chardev '%s' not found", id);
    } else if (chr->fe || chr_is_mux(chr)) {
        /* QEMU 7.2 counts a mux as busy whether or not it has frontends. */
        error_setg(errp, "Chardev '%s' is busy", id);
    } else {
        chardev_delete(chr);
    }
}
