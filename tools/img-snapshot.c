/*
 * kemu-img snapshot: list, create, apply and delete internal snapshots,
 * and the snapshot table printed by info and snapshot -l.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include <time.h>
#include "kemu-img.h"

void img_dump_snapshots(BlockDriverState *bs, GString *out)
{
    BdrvSnapshotInfo *sn = NULL;
    int n = bs->drv->snapshot_list ? bs->drv->snapshot_list(bs, &sn) : 0;
    if (n <= 0) {
        g_free(sn);
        return;
    }
    g_string_append_printf(out, "Snapshot list:\n%-9s %-17s %7s%20s%13s%11s\n",
                           "ID", "TAG", "VM SIZE", "DATE", "VM CLOCK",
                           "ICOUNT");
    for (int i = 0; i < n; i++) {
        time_t t = sn[i].date_sec;
        struct tm tm;
        char date[32], clock[32], icount[24] = "";
        localtime_r(&t, &tm);
        strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
        uint64_t secs = sn[i].vm_clock_nsec / 1000000000;
        snprintf(clock, sizeof(clock), "%02d:%02d:%02d.%03d",
                 (int)(secs / 3600), (int)((secs / 60) % 60),
                 (int)(secs % 60),
                 (int)((sn[i].vm_clock_nsec / 1000000) % 1000));
        if (sn[i].icount != UINT64_MAX) {
            snprintf(icount, sizeof(icount), "%" PRIu64, sn[i].icount);
        }
        g_autofree char *size = img_size_to_str(sn[i].vm_state_size);
        g_string_append_printf(out, "%-9s %-17s %7s%20s%13s%11s\n",
                               sn[i].id_str, sn[i].name, size, date, clock,
                               icount);
        g_free(sn[i].id_str);
        g_free(sn[i].name);
    }
    g_free(sn);
}

int img_snapshot(int argc, char **argv)
{
    const char *name = NULL, *fmt = NULL;
    char action = 0;
    int opt;
    while ((opt = getopt(argc, argv, ":hla:c:d:f:qU")) != -1) {
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
            return img_option_error(opt, argv);
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
        } else if (bs->drv->snapshot_create(bs, name, &err) < 0) {
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
