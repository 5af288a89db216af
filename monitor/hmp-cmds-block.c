/*
 * HMP "info block": QEMU 7.2's text over qmp_query_block().
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "hmp-internal.h"

static void print_block_info(Monitor *mon, BlockInfo *info)
{
    BlockDeviceInfo *ins = info->has_inserted ? info->inserted : NULL;

    monitor_printf(mon, "%s", info->device);
    if (ins && ins->has_node_name) {
        monitor_printf(mon, " (%s)", ins->node_name);
    }
    if (ins) {
        monitor_printf(mon, ": %s (%s%s)\n", ins->file, ins->drv,
                       ins->ro ? ", read-only" : "");
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
    if (!ins) {
        return;
    }
    monitor_printf(mon, "    Cache mode:       %s%s%s\n",
                   ins->cache->writeback ? "writeback" : "writethrough",
                   ins->cache->direct ? ", direct" : "",
                   ins->cache->no_flush ? ", ignore flushes" : "");
    if (ins->has_backing_file) {
        monitor_printf(mon, "    Backing file:     %s (chain depth: %" PRId64
                       ")\n", ins->backing_file, ins->backing_file_depth);
    }
}

void hmp_info_block(Monitor *mon, const HMPArgs *args)
{
    const char *device = hmp_arg_str(args, "device");
    BlockInfoList *list = qmp_query_block(NULL);
    bool first = true;

    for (BlockInfoList *l = list; l; l = l->next) {
        if (device && strcmp(device, l->value->device)) {
            continue;
        }
        if (!first) {
            monitor_printf(mon, "\n");
        }
        first = false;
        print_block_info(mon, l->value);
    }
    qapi_free_BlockInfoList(list);
}
