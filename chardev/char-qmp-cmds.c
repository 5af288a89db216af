/*
 * query-chardev: every chardev with its label, QEMU's filename string and
 * whether a frontend (device or monitor) holds it.
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "chardev/char.h"

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
