/*
 * qcow2 amend (kemu-img amend -o), in QEMU 7.2's order: upgrade to v3,
 * lazy refcounts on or off, new size, and last the downgrade to v2, which
 * first turns zero clusters (v3 only) into unallocated clusters or, over
 * a backing file, into allocated clusters of zeroes.  A new refcount
 * width rebuilds the refcount structures (qcow2-refcount.c).
 */
#include "qemu/osdep.h"
#include "qcow2.h"

/* Zero clusters of the L2 tables an L1 table points to, as QEMU does. */
static int expand_zero_clusters_l1(BlockDriverState *bs, const uint64_t *l1,
                                   uint32_t l1_size)
{
    BDRVQcow2State *s = bs->opaque;
    for (uint32_t i = 0; i < l1_size; i++) {
        uint64_t l2_off = l1[i] & L1E_OFFSET_MASK, l2_ref, *t;
        if (!l2_off) {
            continue;
        }
        int ret = qcow2_get_refcount(bs, l2_off >> s->cluster_bits, &l2_ref);
        for (uint32_t j = 0; ret == 0 && j < s->l2_size; j++) {
            ret = qcow2_l2_load(bs, l2_off, &t);
            if (ret < 0) {
                break;
            }
            uint64_t e = t[j], host, ne;
            Qcow2ClusterType ty = qcow2_cluster_type(s, e);
            if (ty != QCOW2_CLUSTER_ZERO_PLAIN &&
                ty != QCOW2_CLUSTER_ZERO_ALLOC) {
                continue;
            }
            uint64_t rc = 0;
            host = e & L2E_OFFSET_MASK;
            if (ty == QCOW2_CLUSTER_ZERO_ALLOC) {
                ret = qcow2_get_refcount(bs, host >> s->cluster_bits, &rc);
            }
            if (ret < 0) {
                break;
            }
            if (ty == QCOW2_CLUSTER_ZERO_PLAIN && !bs->backing) {
                ne = 0;     /* unallocated reads as zero without a backing */
            } else {
                /* A cluster others still read keeps its data. */
                if (ty == QCOW2_CLUSTER_ZERO_PLAIN || rc > l2_ref) {
                    int64_t a = qcow2_alloc_clusters(bs, s->cluster_size);
                    if (a < 0) {
                        return a;
                    }
                    /* A shared table's clusters count once per sharer. */
                    if (l2_ref > 1) {
                        ret = qcow2_update_refcount(bs, a, s->cluster_size,
                                                    l2_ref - 1);
                    }
                    if (ret == 0 && host) {
                        ret = qcow2_update_refcount(bs, host, s->cluster_size,
                                                    -(int64_t)l2_ref);
                    }
                    host = a;
                }
                if (ret == 0) {
                    ret = bdrv_pwrite_zeroes(bs->file, host, s->cluster_size);
                }
                ne = host | (l2_ref == 1 ? QCOW_OFLAG_COPIED : 0);
            }
            if (ret == 0) {
                ret = qcow2_l2_set_entry(bs, l2_off, j, ne);
            }
        }
        if (ret < 0) {
            return ret;
        }
    }
    return 0;
}

static int expand_zero_clusters(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    int ret = expand_zero_clusters_l1(bs, s->l1_table, s->l1_size);
    for (uint32_t i = 0; ret == 0 && i < s->nb_snapshots; i++) {
        Qcow2Snapshot *sn = &s->snapshots[i];
        if (sn->l1_size > QCOW_MAX_L1_SIZE / 8) {
            return -EFBIG;
        }
        g_autofree uint64_t *l1 = g_new0(uint64_t, MAX(sn->l1_size, 1));
        ret = bdrv_pread(bs->file, sn->l1_table_offset, sn->l1_size * 8ULL,
                         l1);
        for (uint32_t k = 0; ret == 0 && k < sn->l1_size; k++) {
            l1[k] = qcow2_be64((uint8_t *)&l1[k]);
        }
        if (ret == 0) {
            ret = expand_zero_clusters_l1(bs, l1, sn->l1_size);
        }
    }
    return ret;
}

static int qcow2_downgrade(BlockDriverState *bs, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    if (s->refcount_order != 4) {
        error_setg(errp, "compat=0.10 requires refcount_bits=16");
        return -ENOTSUP;
    }
    /* Our refcounts are always exact: a dirty bit needs no replay. */
    s->incompatible_features &= ~QCOW2_INCOMPAT_DIRTY;
    s->dirty_marked = false;
    if (s->incompatible_features) {
        error_setg(errp, "Cannot downgrade an image with incompatible "
                   "features %#" PRIx64 " set", s->incompatible_features);
        return -ENOTSUP;
    }
    /* v2 snapshot entries have no size of their own. */
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        if (s->snapshots[i].disk_size != s->size) {
            error_setg(errp, "Internal snapshots prevent downgrade of image");
            return -ENOTSUP;
        }
    }
    s->compatible_features = 0;
    s->autoclear_features = 0;
    int ret = expand_zero_clusters(bs);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Failed to turn zero into normal "
                         "clusters");
        return ret;
    }
    s->version = 2;
    return qcow2_update_header(bs, errp);
}

int qcow2_amend(BlockDriverState *bs, const BlockAmendOpts *o, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    int old_version = s->version;
    int new_version = o->version ? o->version : old_version;
    int ret;

    if (new_version > old_version) {
        s->version = new_version;
        ret = qcow2_update_header(bs, errp);
        if (ret < 0) {
            return ret;
        }
    }
    if (o->refcount_bits && o->refcount_bits != (int)s->refcount_bits) {
        if (new_version < 3) {
            error_setg(errp, "Refcount widths other than 16 bits require "
                       "compatibility level 1.1 or above (use compat=1.1 or "
                       "greater)");
            return -EINVAL;
        }
        ret = qcow2_change_refcount_order(bs, ctz32(o->refcount_bits),
                                          errp);
        if (ret < 0) {
            return ret;
        }
    }
    bool lazy = s->compatible_features & QCOW2_COMPAT_LAZY_REFCOUNTS;
    if (o->lazy_refcounts >= 0 && o->lazy_refcounts != lazy) {
        if (o->lazy_refcounts && new_version < 3) {
            error_setg(errp, "Lazy refcounts only supported with "
                       "compatibility level 1.1 and above (use compat=1.1 "
                       "or greater)");
            return -EINVAL;
        }
        s->compatible_features ^= QCOW2_COMPAT_LAZY_REFCOUNTS;
        s->incompatible_features &= ~QCOW2_INCOMPAT_DIRTY;
        s->dirty_marked = false;
        ret = qcow2_update_header(bs, errp);
        if (ret < 0) {
            return ret;
        }
    }
    if (o->size && o->size != s->size) {
        ret = bdrv_truncate(bs, o->size, errp);
        if (ret < 0) {
            return ret;
        }
    }
    if (new_version < old_version) {
        return qcow2_downgrade(bs, errp);
    }
    return 0;
}
