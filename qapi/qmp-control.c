/*
 * query-commands: the command table, newest registration first as QEMU
 * lists it.
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "qapi/qmp-dispatch.h"

CommandInfoList *qmp_query_commands(Error **errp)
{
    CommandInfoList *head = NULL;

    for (const QmpCommand *cmd = qmp_commands; cmd->name; cmd++) {
        CommandInfoList *elt = g_new0(CommandInfoList, 1);

        elt->value = g_new0(CommandInfo, 1);
        elt->value->name = g_strdup(cmd->name);
        elt->next = head;
        head = elt;
    }
    return head;
}
