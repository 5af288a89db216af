/*
 * Internal snapshot helpers shared by kemu-img and the monitor: QEMU's
 * snapshot table row (bdrv_snapshot_dump) and lookup by id and name.
 */
#include "qemu/osdep.h"
#include "qemu/option.h"
#include "block/block.h"

void bdrv_snapshot_dump(GString *out, const BdrvSnapshotInfo *sn)
{
    if (!sn) {
        g_string_append_printf(out, "%-10s%-17s%8s%20s%13s%11s", "ID", "TAG",
                               "VM SIZE", "DATE", "VM CLOCK", "ICOUNT");
        return;
    }
    g_autoptr(GDateTime) date = g_date_time_new_from_unix_local(sn->date_sec);
    g_autofree char *date_str = g_date_time_format(date, "%Y-%m-%d %H:%M:%S");
    g_autofree char *size = size_to_str(sn->vm_state_size);
    uint64_t secs = sn->vm_clock_nsec / 1000000000;
    char clock[32], icount[24] = "";

    snprintf(clock, sizeof(clock), "%02d:%02d:%02d.%03d",
             (int)(secs / 3600), (int)((secs / 60) % 60), (int)(secs % 60),
             (int)((sn->vm_clock_nsec / 1000000) % 1000));
    if (sn->icount != UINT64_MAX) {
        snprintf(icount, sizeof(icount), "%" PRIu64, sn->icount);
    }
    g_string_append_printf(out, "%-9s %-17s %7s%20s%13s%11s", sn->id_str,
                           sn->name, size, date_str, clock, icount);
}

void bdrv_snapshot_info_clear(BdrvSnapshotInfo *sn)
{
    g_free(sn->id_str);
    g_free(sn->name);
    sn->id_str = sn->name = NULL;
}

bool bdrv_snapshot_find(BlockDriverState *bs, const char *id,
                        const char *name, BdrvSnapshotInfo *out)
{
    BdrvSnapshotInfo *list = NULL;
    int n = bs->drv->snapshot_list ? bs->drv->snapshot_list(bs, &list) : 0;
    bool found = false;

    for (int i = 0; i < n; i++) {
        if (!found && (!id || !strcmp(list[i].id_str, id)) &&
            (!name || !strcmp(list[i].name, name))) {
            *out = list[i];
            found = true;
        } else {
            bdrv_snapshot_info_clear(&list[i]);
        }
    }
    g_free(list);
    return found;
}
