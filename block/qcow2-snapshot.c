/*
 * qcow2 internal snapshots: the snapshot table (qcow2 spec, "Snapshots"),
 * create / apply / delete / list.  A snapshot is a copy of the L1 table;
 * sharing is expressed by refcounts (+1 on every reachable L2 table and
 * data cluster) and copy-on-write happens where OFLAG_COPIED is clear.
 */
#include "qemu/osdep.h"
#include "qcow2.h"

/* Extra data we write: vm_state_size_large, disk_size, icount. */
#define QCOW2_SN_EXTRA 24
#define QCOW2_MAX_SN_TABLE (64 * MiB)

void qcow2_free_snapshots(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    for (uint32_t i = 0; s->snapshots && i < s->nb_snapshots; i++) {
        g_free(s->snapshots[i].id_str);
        g_free(s->snapshots[i].name);
        g_free(s->snapshots[i].unknown_extra);
    }
    g_free(s->snapshots);
    s->snapshots = NULL;
}

int qcow2_read_snapshots(BlockDriverState *bs, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t flen = bdrv_getlength(bs->file);
    uint64_t off = s->snapshots_offset;
    uint8_t h[40];

    s->snapshots_size = 0;
    if (!s->nb_snapshots) {
        return 0;
    }
    s->snapshots = g_new0(Qcow2Snapshot, s->nb_snapshots);
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        Qcow2Snapshot *sn = &s->snapshots[i];
        off = QEMU_ALIGN_UP(off, 8);
        if (off - s->snapshots_offset > QCOW2_MAX_SN_TABLE ||
            off + sizeof(h) > (uint64_t)flen) {
            error_setg(errp, "Snapshot table is beyond the end of the image "
                       "file");
            goto fail;
        }
        if (bdrv_pread(bs->file, off, sizeof(h), h) < 0) {
            error_setg(errp, "Failed to read snapshot table");
            goto fail;
        }
        off += sizeof(h);
        sn->l1_table_offset = qcow2_be64(h);
        sn->l1_size = qcow2_be32(h + 8);
        uint16_t id_len = qcow2_be16(h + 12);
        uint16_t name_len = qcow2_be16(h + 14);
        sn->date_sec = qcow2_be32(h + 16);
        sn->date_nsec = qcow2_be32(h + 20);
        sn->vm_clock_nsec = qcow2_be64(h + 24);
        sn->vm_state_size = qcow2_be32(h + 32);
        sn->extra_data_size = qcow2_be32(h + 36);
        sn->disk_size = s->size;
        sn->icount = UINT64_MAX;
        if (sn->extra_data_size > QCOW_MAX_SNAPSHOT_EXTRA) {
            error_setg(errp, "Too much extra metadata in snapshot table entry "
                       "%u", i);
            goto fail;
        }
        uint64_t rest = sn->extra_data_size + id_len + name_len;
        if (off + rest > (uint64_t)flen) {
            error_setg(errp, "Snapshot table is beyond the end of the image "
                       "file");
            goto fail;
        }
        g_autofree uint8_t *buf = g_malloc0(rest + 1);
        if (bdrv_pread(bs->file, off, rest, buf) < 0) {
            error_setg(errp, "Failed to read snapshot table");
            goto fail;
        }
        off += rest;
        uint8_t *ex = buf;
        if (sn->extra_data_size >= 8) {
            sn->vm_state_size = qcow2_be64(ex);
        }
        if (sn->extra_data_size >= 16) {
            sn->disk_size = qcow2_be64(ex + 8);
        }
        if (sn->extra_data_size >= 24) {
            sn->icount = qcow2_be64(ex + 16);
        }
        if (sn->extra_data_size > QCOW2_SN_EXTRA) {
            sn->unknown_extra = g_memdup2(ex + QCOW2_SN_EXTRA,
                                          sn->extra_data_size - QCOW2_SN_EXTRA);
        }
        sn->id_str = g_strndup((char *)buf + sn->extra_data_size, id_len);
        sn->name = g_strndup((char *)buf + sn->extra_data_size + id_len,
                             name_len);
        if (sn->l1_size > QCOW_MAX_L1_SIZE / 8) {
            error_setg(errp, "Snapshot L1 table too large");
            goto fail;
        }
    }
    s->snapshots_size = off - s->snapshots_offset;
    return 0;

fail:
    qcow2_free_snapshots(bs);
    return -EINVAL;
}

/* Write the table to fresh clusters, switch the header, free the old one. */
static int write_snapshot_table(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    GByteArray *t = g_byte_array_new();
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        Qcow2Snapshot *sn = &s->snapshots[i];
        uint32_t extra = MAX(sn->extra_data_size, QCOW2_SN_EXTRA);
        size_t id_len = strlen(sn->id_str), name_len = strlen(sn->name);
        size_t len = QEMU_ALIGN_UP(40 + extra + id_len + name_len, 8);
        size_t at = t->len;
        g_byte_array_set_size(t, at + len);
        uint8_t *p = t->data + at;
        memset(p, 0, len);
        qcow2_st64(p, sn->l1_table_offset);
        qcow2_st32(p + 8, sn->l1_size);
        qcow2_st16(p + 12, id_len);
        qcow2_st16(p + 14, name_len);
        qcow2_st32(p + 16, sn->date_sec);
        qcow2_st32(p + 20, sn->date_nsec);
        qcow2_st64(p + 24, sn->vm_clock_nsec);
        qcow2_st32(p + 32, MIN(sn->vm_state_size, UINT32_MAX));
        qcow2_st32(p + 36, extra);
        qcow2_st64(p + 40, sn->vm_state_size);
        qcow2_st64(p + 48, sn->disk_size);
        qcow2_st64(p + 56, sn->icount);
        if (sn->unknown_extra) {
            memcpy(p + 40 + QCOW2_SN_EXTRA, sn->unknown_extra,
                   extra - QCOW2_SN_EXTRA);
        }
        memcpy(p + 40 + extra, sn->id_str, id_len);
        memcpy(p + 40 + extra + id_len, sn->name, name_len);
    }
    int64_t off = 0;
    int ret = 0;
    if (t->len) {
        off = qcow2_alloc_clusters(bs, t->len);
        if (off < 0) {
            ret = off;
            goto out;
        }
        ret = bdrv_pwrite(bs->file, off, t->len, t->data);
        if (ret == 0) {
            ret = bdrv_flush(bs->file);
        }
        if (ret < 0) {
            qcow2_free_clusters(bs, off, t->len);
            goto out;
        }
    }
    uint8_t h[12];
    qcow2_st32(h, s->nb_snapshots);
    qcow2_st64(h + 4, off);
    ret = qcow2_write_header_field(bs, QCOW2_HDR_NB_SNAPSHOTS, h, 12);
    if (ret < 0) {
        goto out;
    }
    if (s->snapshots_size) {
        qcow2_free_clusters(bs, s->snapshots_offset, s->snapshots_size);
    }
    s->snapshots_offset = off;
    s->snapshots_size = t->len;
out:
    g_byte_array_free(t, true);
    return ret;
}

/* QEMU's lookup: by id first, then by name. */
static int find_snapshot(BDRVQcow2State *s, const char *name)
{
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        if (!strcmp(s->snapshots[i].id_str, name)) {
            return i;
        }
    }
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        if (!strcmp(s->snapshots[i].name, name)) {
            return i;
        }
    }
    return -1;
}

int qcow2_snapshot_create(BlockDriverState *bs, const char *name,
                          uint64_t vm_clock_nsec, uint64_t icount,
                          Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t max_id = 0;
    if (s->nb_snapshots >= QCOW_MAX_SNAPSHOTS) {
        error_setg(errp, "Too many snapshots");
        return -EFBIG;
    }
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        max_id = MAX(max_id, g_ascii_strtoull(s->snapshots[i].id_str, NULL,
                                              10));
    }
    /* 1. The L1 copy; 2. refcounts; 3. flags; 4. the table and header. */
    uint64_t l1_bytes = s->l1_size * 8ULL;
    int64_t l1_off = qcow2_alloc_clusters(bs, MAX(l1_bytes, 1));
    if (l1_off < 0) {
        error_setg_errno(errp, -l1_off, "Could not allocate snapshot L1");
        return l1_off;
    }
    g_autofree uint8_t *raw = g_malloc0(MAX(l1_bytes, 1));
    for (uint32_t i = 0; i < s->l1_size; i++) {
        qcow2_st64(raw + i * 8, s->l1_table[i]);
    }
    int ret = bdrv_pwrite(bs->file, l1_off, l1_bytes, raw);
    if (ret == 0) {
        ret = qcow2_update_refcounts_for_l1(bs, s->l1_table, s->l1_size, 1);
    }
    if (ret == 0) {
        ret = qcow2_fix_copied_flags(bs);
    }
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not create snapshot");
        return ret;
    }
    gint64 now = g_get_real_time();
    s->snapshots = g_renew(Qcow2Snapshot, s->snapshots, s->nb_snapshots + 1);
    Qcow2Snapshot *sn = &s->snapshots[s->nb_snapshots];
    *sn = (Qcow2Snapshot) {
        .l1_table_offset = l1_off,
        .l1_size = s->l1_size,
        .id_str = g_strdup_printf("%" PRIu64, max_id + 1),
        .name = g_strdup(name),
        .disk_size = s->size,
        .date_sec = now / G_USEC_PER_SEC,
        .date_nsec = (now % G_USEC_PER_SEC) * 1000,
        .vm_clock_nsec = vm_clock_nsec,
        .icount = icount,
        .extra_data_size = QCOW2_SN_EXTRA,
    };
    s->nb_snapshots++;
    ret = write_snapshot_table(bs);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not write snapshot table");
    }
    return ret;
}

int qcow2_snapshot_goto(BlockDriverState *bs, const char *name, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    int i = find_snapshot(s, name);
    if (i < 0) {
        error_setg(errp, "Can't find the snapshot");
        return -ENOENT;
    }
    Qcow2Snapshot *sn = &s->snapshots[i];
    int ret = qcow2_grow_l1_table(bs, sn->l1_size);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not grow the L1 table");
        return ret;
    }
    /* New references first, then the switch, then drop the old ones. */
    ret = qcow2_update_l1_refcounts(bs, sn->l1_table_offset, sn->l1_size, 1);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not update refcounts");
        return ret;
    }
    g_autofree uint64_t *old = g_memdup2(s->l1_table, s->l1_size * 8ULL);
    uint32_t old_size = s->l1_size;
    g_autofree uint8_t *raw = g_malloc0(s->l1_size * 8ULL + 1);
    if (sn->l1_size) {
        ret = bdrv_pread(bs->file, sn->l1_table_offset, sn->l1_size * 8ULL,
                         raw);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Could not read snapshot L1 table");
            return ret;
        }
    }
    ret = bdrv_pwrite(bs->file, s->l1_table_offset, s->l1_size * 8ULL, raw);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not write L1 table");
        return ret;
    }
    for (uint32_t k = 0; k < s->l1_size; k++) {
        s->l1_table[k] = qcow2_be64(raw + k * 8);
    }
    if (sn->disk_size != s->size) {
        uint8_t b[8];
        qcow2_st64(b, sn->disk_size);
        qcow2_write_header_field(bs, QCOW2_HDR_SIZE, b, 8);
        s->size = sn->disk_size;
    }
    ret = qcow2_update_refcounts_for_l1(bs, old, old_size, -1);
    if (ret == 0) {
        ret = qcow2_fix_copied_flags(bs);
    }
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not update refcounts");
    }
    return ret;
}

int qcow2_snapshot_delete(BlockDriverState *bs, const char *name,
                          Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    int i = find_snapshot(s, name);
    if (i < 0) {
        error_setg(errp, "snapshot not found");
        return -ENOENT;
    }
    Qcow2Snapshot sn = s->snapshots[i];
    memmove(&s->snapshots[i], &s->snapshots[i + 1],
            (s->nb_snapshots - i - 1) * sizeof(Qcow2Snapshot));
    s->nb_snapshots--;
    /* The table first: a crash after it only leaks clusters. */
    int ret = write_snapshot_table(bs);
    if (ret == 0) {
        ret = qcow2_update_l1_refcounts(bs, sn.l1_table_offset, sn.l1_size,
                                        -1);
    }
    if (ret == 0) {
        qcow2_free_clusters(bs, sn.l1_table_offset,
                            MAX(sn.l1_size * 8ULL, 1));
        ret = qcow2_fix_copied_flags(bs);
    }
    g_free(sn.id_str);
    g_free(sn.name);
    g_free(sn.unknown_extra);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not delete snapshot");
    }
    return ret;
}

int qcow2_snapshot_list(BlockDriverState *bs, BdrvSnapshotInfo **list)
{
    BDRVQcow2State *s = bs->opaque;
    BdrvSnapshotInfo *l = g_new0(BdrvSnapshotInfo, s->nb_snapshots + 1);
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        Qcow2Snapshot *sn = &s->snapshots[i];
        l[i] = (BdrvSnapshotInfo) {
            .id_str = g_strdup(sn->id_str),
            .name = g_strdup(sn->name),
            .vm_state_size = sn->vm_state_size,
            .date_sec = sn->date_sec,
            .date_nsec = sn->date_nsec,
            .vm_clock_nsec = sn->vm_clock_nsec,
            .icount = sn->icount,
        };
    }
    *list = l;
    return s->nb_snapshots;
}
