/*
 * qcow2 consistency check (qemu-img check): rebuild every cluster's
 * reference count from the metadata (header, L1/L2 tables of the active
 * image and of each snapshot, refcount structures, snapshot table),
 * compare with the stored refcounts, optionally repair, and verify
 * OFLAG_COPIED.  Messages are QEMU's, on stderr.
 */
#include "qemu/osdep.h"
#include "qcow2.h"

/* Beyond this many clusters the rebuilt table would not fit in memory. */
#define QCOW2_CHECK_MAX_CLUSTERS (1ULL << 27)

typedef struct CheckState {
    uint32_t *ref;
    uint64_t nb;           /* entries in ref */
    int64_t file_len;
    BdrvCheckResult *res;
    uint64_t next_contig;
} CheckState;

static void inc_refs(BlockDriverState *bs, CheckState *cs, uint64_t off,
                     uint64_t size)
{
    BDRVQcow2State *s = bs->opaque;
    if (!size) {
        return;
    }
    if (off + size > (uint64_t)cs->file_len &&
        off + size - cs->file_len >= s->cluster_size) {
        fprintf(stderr, "ERROR: counting reference for region exceeding the "
                "end of the file by one cluster or more: offset 0x%" PRIx64
                " size 0x%" PRIx64 "\n", off, size);
        cs->res->corruptions++;
        return;
    }
    uint64_t last = (off + size - 1) >> s->cluster_bits;
    if (last >= cs->nb) {
        uint64_t nb = last + 1;
        cs->ref = g_renew(uint32_t, cs->ref, nb);
        memset(cs->ref + cs->nb, 0, (nb - cs->nb) * 4);
        cs->nb = nb;
    }
    for (uint64_t c = off >> s->cluster_bits; c <= last; c++) {
        if (cs->ref[c] != UINT32_MAX) {
            cs->ref[c]++;
        }
    }
}

static int check_l2(BlockDriverState *bs, CheckState *cs, uint64_t l2_off,
                    bool active)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t *t;
    int ret = qcow2_l2_load(bs, l2_off, &t);
    if (ret < 0) {
        fprintf(stderr, "ERROR: I/O error in check_refcounts_l2\n");
        cs->res->check_errors++;
        return ret;
    }
    g_autofree uint64_t *l2 = g_memdup2(t, s->cluster_size);
    for (uint32_t i = 0; i < s->l2_size; i++) {
        uint64_t e = l2[i];
        switch (qcow2_cluster_type(s, e)) {
        case QCOW2_CLUSTER_COMPRESSED: {
            uint64_t coff = e & s->cluster_offset_mask;
            uint64_t nb = ((e >> s->csize_shift) & s->csize_mask) + 1;
            if (e & QCOW_OFLAG_COPIED) {
                fprintf(stderr, "ERROR: coffset=0x%" PRIx64 ": copied flag "
                        "must never be set for compressed clusters\n", coff);
                cs->res->corruptions++;
            }
            if (active) {
                cs->res->allocated_clusters++;
                cs->res->compressed_clusters++;
                cs->res->fragmented_clusters++;
            }
            inc_refs(bs, cs, coff & ~511ULL, nb * 512);
            break;
        }
        case QCOW2_CLUSTER_ZERO_ALLOC:
        case QCOW2_CLUSTER_NORMAL: {
            uint64_t off = e & L2E_OFFSET_MASK;
            if (!qcow2_aligned(s, off)) {
                fprintf(stderr, "ERROR offset=%" PRIx64 ": Cluster is not "
                        "properly aligned; L2 entry corrupted.\n", off);
                cs->res->corruptions++;
                break;
            }
            if (active) {
                cs->res->allocated_clusters++;
                if (cs->next_contig && off != cs->next_contig) {
                    cs->res->fragmented_clusters++;
                }
                cs->next_contig = off + s->cluster_size;
            }
            inc_refs(bs, cs, off, s->cluster_size);
            break;
        }
        default:
            break;
        }
    }
    return 0;
}

static int check_l1(BlockDriverState *bs, CheckState *cs, uint64_t l1_off,
                    uint32_t l1_size, bool active)
{
    BDRVQcow2State *s = bs->opaque;
    inc_refs(bs, cs, l1_off, l1_size * 8ULL);
    g_autofree uint8_t *raw = g_malloc(MAX(l1_size, 1) * 8ULL);
    if (l1_size && bdrv_pread(bs->file, l1_off, l1_size * 8ULL, raw) < 0) {
        fprintf(stderr, "ERROR: I/O error in check_refcounts_l1\n");
        cs->res->check_errors++;
        return -EIO;
    }
    for (uint32_t i = 0; i < l1_size; i++) {
        uint64_t l2 = qcow2_be64(raw + i * 8) & L1E_OFFSET_MASK;
        if (!l2) {
            continue;
        }
        if (!qcow2_aligned(s, l2)) {
            fprintf(stderr, "ERROR l2_offset=%" PRIx64 ": Table is not "
                    "cluster aligned; L1 entry corrupted\n", l2);
            cs->res->corruptions++;
            continue;
        }
        inc_refs(bs, cs, l2, s->cluster_size);
        if (l2 + s->cluster_size > (uint64_t)cs->file_len) {
            continue;   /* already reported by inc_refs */
        }
        check_l2(bs, cs, l2, active);
    }
    return 0;
}

/* Rewrite one stored refcount (repair). */
static int set_refcount(BlockDriverState *bs, uint64_t c, uint64_t from,
                        uint64_t to)
{
    int64_t delta = (int64_t)to - (int64_t)from;
    BDRVQcow2State *s = bs->opaque;
    return qcow2_update_refcount(bs, c << s->cluster_bits, 1, delta);
}

static void check_copied(BlockDriverState *bs, CheckState *cs, int fix)
{
    BDRVQcow2State *s = bs->opaque;
    int bad = 0;
    for (uint32_t i = 0; i < s->l1_size; i++) {
        uint64_t l1e = s->l1_table[i], l2 = l1e & L1E_OFFSET_MASK, rc, *t;
        if (!l2 || !qcow2_aligned(s, l2) ||
            l2 + s->cluster_size > (uint64_t)cs->file_len) {
            continue;
        }
        if (qcow2_get_refcount(bs, l2 >> s->cluster_bits, &rc) < 0) {
            continue;
        }
        if ((rc == 1) != !!(l1e & QCOW_OFLAG_COPIED)) {
            fprintf(stderr, "%s OFLAG_COPIED L2 cluster: l1_index=%u "
                    "l1_entry=%" PRIx64 " refcount=%" PRIu64 "\n",
                    (fix & BDRV_FIX_ERRORS) ? "Repairing" : "ERROR", i, l1e,
                    rc);
            bad++;
        }
        if (qcow2_l2_load(bs, l2, &t) < 0) {
            continue;
        }
        g_autofree uint64_t *copy = g_memdup2(t, s->cluster_size);
        for (uint32_t j = 0; j < s->l2_size; j++) {
            uint64_t e = copy[j];
            Qcow2ClusterType ty = qcow2_cluster_type(s, e);
            if (ty != QCOW2_CLUSTER_NORMAL && ty != QCOW2_CLUSTER_ZERO_ALLOC) {
                continue;
            }
            if (qcow2_get_refcount(bs, (e & L2E_OFFSET_MASK) >>
                                   s->cluster_bits, &rc) < 0) {
                continue;
            }
            if ((rc == 1) != !!(e & QCOW_OFLAG_COPIED)) {
                fprintf(stderr, "%s OFLAG_COPIED data cluster: l2_entry=%"
                        PRIx64 " refcount=%" PRIu64 "\n",
                        (fix & BDRV_FIX_ERRORS) ? "Repairing" : "ERROR", e,
                        rc);
                bad++;
            }
        }
    }
    if (!bad) {
        return;
    }
    if ((fix & BDRV_FIX_ERRORS) && !bs->read_only &&
        qcow2_fix_copied_flags(bs) == 0) {
        cs->res->corruptions_fixed += bad;
    } else {
        cs->res->corruptions += bad;
    }
}

static void inc_refs_cb(void *opaque, uint64_t off, uint64_t size)
{
    void **a = opaque;
    inc_refs(a[0], a[1], off, size);
}

int qcow2_check(BlockDriverState *bs, BdrvCheckResult *res, int fix)
{
    BDRVQcow2State *s = bs->opaque;
    CheckState cs = { .res = res };
    cs.file_len = bdrv_getlength(bs->file);
    if (cs.file_len < 0) {
        res->check_errors++;
        return cs.file_len;
    }
    if (bs->read_only) {
        fix = 0;
    }
    cs.nb = DIV_ROUND_UP((uint64_t)cs.file_len, s->cluster_size);
    if (cs.nb > QCOW2_CHECK_MAX_CLUSTERS) {
        res->check_errors++;
        return -EFBIG;
    }
    cs.ref = g_new0(uint32_t, MAX(cs.nb, 1));
    res->total_clusters = DIV_ROUND_UP(s->size, s->cluster_size);

    inc_refs(bs, &cs, 0, s->cluster_size);
    check_l1(bs, &cs, s->l1_table_offset, s->l1_size, true);
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        Qcow2Snapshot *sn = &s->snapshots[i];
        if (!qcow2_aligned(s, sn->l1_table_offset) ||
            sn->l1_size > QCOW_MAX_L1_SIZE / 8) {
            fprintf(stderr, "ERROR snapshot %s (%s) l1_offset=%#" PRIx64 ": "
                    "L1 table is not cluster aligned; snapshot table entry "
                    "corrupted\n", sn->id_str, sn->name, sn->l1_table_offset);
            res->corruptions++;
            continue;
        }
        check_l1(bs, &cs, sn->l1_table_offset, sn->l1_size, false);
    }
    inc_refs(bs, &cs, s->snapshots_offset, s->snapshots_size);
    /* Persistent bitmaps: directory, tables and data clusters. */
    void *args[2] = { bs, &cs };
    qcow2_bitmaps_for_each_cluster(bs, inc_refs_cb, args);
    inc_refs(bs, &cs, s->refcount_table_offset,
             (uint64_t)s->refcount_table_clusters << s->cluster_bits);
    for (uint64_t i = 0; i < s->refcount_table_size; i++) {
        uint64_t off = s->refcount_table[i] & REFT_OFFSET_MASK;
        if (!off) {
            continue;
        }
        if (!qcow2_aligned(s, off)) {
            fprintf(stderr, "ERROR refcount block %" PRIu64 " is not cluster "
                    "aligned; refcount table entry corrupted\n", i);
            res->corruptions++;
            continue;
        }
        if (off >= (uint64_t)cs.file_len) {
            fprintf(stderr, "ERROR refcount block %" PRIu64 " is outside "
                    "image\n", i);
            res->corruptions++;
            continue;
        }
        inc_refs(bs, &cs, off, s->cluster_size);
    }

    /* Compare with the stored refcounts inside the file, as QEMU does. */
    uint64_t highest = 0;
    for (uint64_t c = 0; c < cs.nb; c++) {
        uint64_t stored, want = cs.ref[c];
        if (qcow2_get_refcount(bs, c, &stored) < 0) {
            fprintf(stderr, "Can't get refcount for cluster %" PRIu64 "\n", c);
            res->check_errors++;
            continue;
        }
        if (stored != want) {
            bool leak = stored > want;
            bool repair = leak ? (fix & BDRV_FIX_LEAKS)
                               : (fix & BDRV_FIX_ERRORS);
            fprintf(stderr, "%s cluster %" PRIu64 " refcount=%" PRIu64
                    " reference=%" PRIu64 "\n", leak ? "Leaked" : "ERROR", c,
                    stored, want);
            if (repair) {
                fprintf(stderr, "Repairing cluster %" PRIu64 " refcount=%"
                        PRIu64 " reference=%" PRIu64 "\n", c, stored, want);
            }
            if (repair && set_refcount(bs, c, stored, want) == 0) {
                if (leak) {
                    res->leaks_fixed++;
                } else {
                    res->corruptions_fixed++;
                }
                stored = want;
            } else if (leak) {
                res->leaks++;
            } else {
                res->corruptions++;
            }
        }
        if (want) {
            highest = c + 1;
        }
    }
    check_copied(bs, &cs, fix);
    res->image_end_offset = highest << s->cluster_bits;
    g_free(cs.ref);
    return 0;
}
