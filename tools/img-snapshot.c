/*
 * kemu-img snapshot: list, create, apply and delete internal snapshots,
 * and the snapshot table printed by info and snapshot -l.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "kemu-img.h"

void img_dump_snapshots(BlockDriverState *bs, GString *out)
{
    BdrvSnapshotInfo *sn = NULL;
    int n = bs->drv->snapshot_list ? bs->drv->snapshot_list(bs, &sn) : 0;
    if (n > 0) {
        g_string_append(out, "Snapshot list:\n");
        bdrv_snapshot_dump(out, NULL);
        g_string_append_c(out, '\n');
    }
    for (int i = 0; i < n; i++) {
        bdrv_snapshot_dump(out, &sn[i]);
        g_string_append_c(out, '\n');
        bdrv_snapshot_info_clear(&sn[i]);
    }
    g_free(sn);
}

int img_snapshot(int argc, char **argv)
{
    const char *name = NULL, *fmt = NULL;
    char action = 0;
    int opt;
    while ((opt = getopt(argc, argv, "hla:c:d:f:qU")) != -1) {
        switch (opt) {
        case 'l': case 'a': case 'c': case 'd':
            if (action) {
                error_report("Cannot mix '-l', '-a', '-c', '-d'");
                return 1;
            }
            action = opt;
            name = optarg;
            break;
        case 'f': fmt = optarg; break;
        case 'q': case 'U': break;
        default:
            return 1;
        }
    }
    if (optind != argc - 1) {
        error_report("Expecting one image file name");
        return 1;
    }
    if (!action) {
        action = 'l';
    }
    BlockDriverState *bs = img_open(argv[optind], fmt,
                                    action == 'l' ? BDRV_O_NO_BACKING
                                                  : BDRV_O_RDWR |
                                                    BDRV_O_NO_BACKING);
    if (!bs) {
        return 1;
    }
    Error *err = NULL;
    int ret = 0;
    switch (action) {
    case 'l': {
        GString *out = g_string_new(NULL);
        img_dump_snapshots(bs, out);
        fputs(out->str, stdout);
        g_string_free(out, true);
        break;
    }
    case 'c':
        if (!bs->drv->snapshot_create) {
            error_report("Could not create snapshot '%s': Operation not "
                         "supported", name);
            ret = 1;
        } else if (/* qemu-img writes icount 0, not "absent" */
                   bs->drv->snapshot_create(bs, name, 0, 0, &err) < 0) {
            error_report("Could not create snapshot '%s': %s", name,
                         error_get_pretty(err));
            ret = 1;
        }
        break;
    case 'a':
        if (!bs->drv->snapshot_goto) {
            error_report("Could not apply snapshot '%s': Operation not "
                         "supported", name);
            ret = 1;
        } else if ((ret = bs->drv->snapshot_goto(bs, name, &err)) < 0) {
            error_report("Could not apply snapshot '%s': Failed to load "
                         "snapshot: %s", name, strerror(-ret));
            ret = 1;
        }
        break;
    case 'd':
        if (!bs->drv->snapshot_delete) {
            error_report("Could not delete snapshot '%s': Operation not "
                         "supported", name);
            ret = 1;
        } else if (bs->drv->snapshot_delete(bs, name, &err) < 0) {
            error_report("Could not delete snapshot '%s': %s", name,
                         error_get_pretty(err));
            ret = 1;
        }
        break;
    }
    if (err) {
        error_free(err);
        ret = 1;
    }
    bdrv_unref(bs);
    return ret;
}
