/*
 * qcow2 persistent dirty bitmaps (qcow2 spec, "Bitmaps extension"): the
 * extension names a directory of entries {bitmap table offset and size,
 * flags in_use/auto, type 1, granularity bits, name}; a bitmap table
 * entry is a data cluster holding cluster_size * 8 bits (LSB first) or 0
 * (all clear).  Autoclear bit 0 says the extension is consistent: a
 * program that does not know it clears the bit and we ignore it.  Open
 * loads the bitmaps; read-write opens mark them in_use on disk, so after
 * a crash they load as inconsistent; close stores them (QEMU's way).
 * Not modelled: extra data, the all-ones table entry when writing.
 */
#include "qemu/osdep.h"
#include "block/dirty-bitmap.h"
#include "qcow2.h"

#define BME_TYPE_DIRTY    1
#define BME_MIN_GRAN_BITS 9
#define BME_MAX_GRAN_BITS 31
#define BME_MAX_NAME_SIZE 1023
#define BME_TABLE_ENTRY_OFFSET_MASK 0x00fffffffffffe00ULL
#define BME_TABLE_ENTRY_ALL_ONES    1ULL
#define QCOW2_MAX_BITMAPS 65535
#define QCOW2_MAX_BITMAP_DIRECTORY_SIZE (1024 * QCOW2_MAX_BITMAPS)
#define BME_MAX_TABLE_SIZE 0x8000000
#define BME_MAX_PHYS_SIZE 0x20000000

static uint32_t entry_size(uint32_t name_len, uint32_t extra)
{
    return QEMU_ALIGN_UP(24 + extra + name_len, 8);
}

void qcow2_bitmaps_free(BDRVQcow2State *s)
{
    for (uint32_t i = 0; i < s->nb_bitmaps; i++) {
        g_free(s->bitmaps[i].name);
    }
    g_free(s->bitmaps);
    s->bitmaps = NULL;
    s->nb_bitmaps = 0;
}

void qcow2_read_bitmap_ext(BlockDriverState *bs, const uint8_t *p,
                           uint32_t len)
{
    BDRVQcow2State *s = bs->opaque;
    if (len >= 24) {
        s->ext_nb_bitmaps = qcow2_be32(p);
        s->bitmap_dir_size = qcow2_be64(p + 8);
        s->bitmap_dir_offset = qcow2_be64(p + 16);
    }
}

int qcow2_read_bitmap_dir(BlockDriverState *bs, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint32_t n = s->ext_nb_bitmaps;
    /* Without the autoclear bit another program changed the image. */
    if (!n || !(s->autoclear_features & QCOW2_AUTOCLEAR_BITMAPS)) {
        s->ext_nb_bitmaps = 0;
        s->bitmap_dir_size = s->bitmap_dir_offset = 0;
        return 0;
    }
    if (n > QCOW2_MAX_BITMAPS ||
        s->bitmap_dir_size > QCOW2_MAX_BITMAP_DIRECTORY_SIZE ||
        s->bitmap_dir_size < 24ULL * n ||
        !qcow2_aligned(s, s->bitmap_dir_offset)) {
        error_setg(errp, "Bitmaps extension is invalid");
        return -EINVAL;
    }
    g_autofree uint8_t *dir = g_malloc(s->bitmap_dir_size);
    int ret = bdrv_pread(bs->file, s->bitmap_dir_offset, s->bitmap_dir_size,
                         dir);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Failed to read bitmap directory");
        return ret;
    }
    s->bitmaps = g_new0(Qcow2Bitmap, n);
    uint64_t off = 0;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = dir + off;
        if (off + 24 > s->bitmap_dir_size) {
            goto bad;
        }
        Qcow2Bitmap *b = &s->bitmaps[s->nb_bitmaps];
        uint32_t name_len = qcow2_be16(e + 18);
        uint32_t extra = qcow2_be32(e + 20);
        uint64_t esize = entry_size(name_len, extra);
        if (esize > s->bitmap_dir_size - off || !name_len ||
            name_len > BME_MAX_NAME_SIZE || e[16] != BME_TYPE_DIRTY ||
            e[17] < BME_MIN_GRAN_BITS || e[17] > BME_MAX_GRAN_BITS ||
            extra) {
            goto bad;
        }
        b->table_offset = qcow2_be64(e);
        b->table_size = qcow2_be32(e + 8);
        b->flags = qcow2_be32(e + 12);
        b->granularity_bits = e[17];
        b->name = g_strndup((const char *)e + 24, name_len);
        s->nb_bitmaps++;
        if (b->table_size > BME_MAX_TABLE_SIZE ||
            !qcow2_aligned(s, b->table_offset)) {
            goto bad;
        }
        off += esize;
    }
    return 0;
bad:
    qcow2_bitmaps_free(s);
    error_setg(errp, "Bitmap directory is corrupted");
    return -EINVAL;
}

/* The bitmap table of @b in host order; NULL on error. */
static uint64_t *read_table(BlockDriverState *bs, const Qcow2Bitmap *b)
{
    uint64_t *t = g_new(uint64_t, MAX(b->table_size, 1));
    if (bdrv_pread(bs->file, b->table_offset, b->table_size * 8ULL, t) < 0) {
        g_free(t);
        return NULL;
    }
    for (uint32_t i = 0; i < b->table_size; i++) {
        t[i] = qcow2_be64((uint8_t *)&t[i]);
    }
    return t;
}

void qcow2_bitmaps_for_each_cluster(BlockDriverState *bs,
                                    void (*fn)(void *, uint64_t, uint64_t),
                                    void *opaque)
{
    BDRVQcow2State *s = bs->opaque;
    if (!s->nb_bitmaps) {
        return;
    }
    fn(opaque, s->bitmap_dir_offset, s->bitmap_dir_size);
    for (uint32_t i = 0; i < s->nb_bitmaps; i++) {
        Qcow2Bitmap *b = &s->bitmaps[i];
        g_autofree uint64_t *t = read_table(bs, b);
        fn(opaque, b->table_offset, b->table_size * 8ULL);
        for (uint32_t k = 0; t && k < b->table_size; k++) {
            uint64_t d = t[k] & BME_TABLE_ENTRY_OFFSET_MASK;
            if (d) {
                fn(opaque, d, s->cluster_size);
            }
        }
    }
}

/* Free the table and data clusters of @b. */
static void free_bitmap_clusters(BlockDriverState *bs, const Qcow2Bitmap *b)
{
    BDRVQcow2State *s = bs->opaque;
    g_autofree uint64_t *t = read_table(bs, b);
    for (uint32_t k = 0; t && k < b->table_size; k++) {
        uint64_t d = t[k] & BME_TABLE_ENTRY_OFFSET_MASK;
        if (d) {
            qcow2_free_clusters(bs, d, s->cluster_size);
        }
    }
    if (b->table_size) {
        qcow2_free_clusters(bs, b->table_offset, b->table_size * 8ULL);
    }
}

/*
 * Write @n entries @bms as the new directory (the old one is freed) and
 * the header's extension and autoclear bit; 0 or -errno.
 */
static int write_dir(BlockDriverState *bs, Qcow2Bitmap *bms, uint32_t n,
                     bool in_place)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t size = 0;
    for (uint32_t i = 0; i < n; i++) {
        size += entry_size(strlen(bms[i].name), 0);
    }
    g_autofree uint8_t *dir = g_malloc0(MAX(size, 1));
    uint64_t off = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *e = dir + off;
        size_t len = strlen(bms[i].name);
        qcow2_st64(e, bms[i].table_offset);
        qcow2_st32(e + 8, bms[i].table_size);
        qcow2_st32(e + 12, bms[i].flags);
        e[16] = BME_TYPE_DIRTY;
        e[17] = bms[i].granularity_bits;
        qcow2_st16(e + 18, len);
        memcpy(e + 24, bms[i].name, len);
        off += entry_size(len, 0);
    }
    int ret;
    if (in_place) {
        /* Same entries, new flags: the size does not change. */
        ret = bdrv_pwrite(bs->file, s->bitmap_dir_offset, size, dir);
        return ret < 0 ? ret : bdrv_flush(bs->file);
    }
    int64_t dir_off = 0;
    if (n) {
        dir_off = qcow2_alloc_clusters(bs, size);
        if (dir_off < 0) {
            return dir_off;
        }
        ret = bdrv_pwrite(bs->file, dir_off, size, dir);
        if (ret < 0) {
            return ret;
        }
    }
    uint64_t old_off = s->bitmap_dir_offset, old_size = s->bitmap_dir_size;
    bool had = s->nb_bitmaps;
    Qcow2Bitmap *old = s->bitmaps;
    uint32_t old_n = s->nb_bitmaps;
    s->bitmaps = bms;
    s->nb_bitmaps = s->ext_nb_bitmaps = n;
    s->bitmap_dir_offset = dir_off;
    s->bitmap_dir_size = size;
    if (n) {
        s->autoclear_features |= QCOW2_AUTOCLEAR_BITMAPS;
    } else {
        s->autoclear_features &= ~QCOW2_AUTOCLEAR_BITMAPS;
    }
    ret = bdrv_flush(bs->file);
    if (ret == 0) {
        ret = qcow2_update_header(bs, NULL);
    }
    if (had) {
        qcow2_free_clusters(bs, old_off, old_size);
    }
    for (uint32_t i = 0; i < old_n; i++) {
        g_free(old[i].name);
    }
    g_free(old);
    return ret;
}

/* A copy of the directory entries, names duplicated. */
static Qcow2Bitmap *dup_dir(BDRVQcow2State *s, uint32_t extra)
{
    Qcow2Bitmap *d = g_new0(Qcow2Bitmap, s->nb_bitmaps + extra + 1);
    for (uint32_t i = 0; i < s->nb_bitmaps; i++) {
        d[i] = s->bitmaps[i];
        d[i].name = g_strdup(s->bitmaps[i].name);
    }
    return d;
}

void qcow2_load_dirty_bitmaps(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    bool marked = false;
    g_autofree uint8_t *buf = g_malloc(s->cluster_size);

    for (uint32_t i = 0; i < s->nb_bitmaps; i++) {
        Qcow2Bitmap *b = &s->bitmaps[i];
        BdrvDirtyBitmap *bm = bdrv_create_dirty_bitmap(
            bs, 1ULL << b->granularity_bits, b->name, NULL);
        if (!bm) {
            continue;
        }
        bm->persistent = true;
        bm->readonly = bs->read_only;
        bm->disabled = !(b->flags & BME_FLAG_AUTO);
        if (b->flags & BME_FLAG_IN_USE) {
            /* Not stored cleanly: the bits cannot be trusted. */
            bm->inconsistent = true;
            bm->disabled = true;
            continue;
        }
        g_autofree uint64_t *t = read_table(bs, b);
        for (uint32_t k = 0; t && k < b->table_size; k++) {
            uint64_t d = t[k] & BME_TABLE_ENTRY_OFFSET_MASK;
            int64_t at = (int64_t)k * s->cluster_size;
            if (d && bdrv_pread(bs->file, d, s->cluster_size, buf) == 0) {
                dirty_map_write_bytes(&bm->map, at, s->cluster_size, buf);
            } else if (!d && (t[k] & BME_TABLE_ENTRY_ALL_ONES)) {
                memset(buf, 0xff, s->cluster_size);
                dirty_map_write_bytes(&bm->map, at, s->cluster_size, buf);
            }
        }
        if (!bs->read_only) {
            b->flags |= BME_FLAG_IN_USE;
            marked = true;
        }
    }
    if (marked) {
        write_dir(bs, s->bitmaps, s->nb_bitmaps, true);
    }
}

/* Data clusters and table of @bm; fills @b's table fields. */
static int store_bitmap(BlockDriverState *bs, BdrvDirtyBitmap *bm,
                        Qcow2Bitmap *b)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t bytes = (bm->map.nbits + 7) / 8;
    uint32_t n = DIV_ROUND_UP(bytes, s->cluster_size);
    g_autofree uint64_t *t = g_new0(uint64_t, MAX(n, 1));
    g_autofree uint8_t *buf = g_malloc(s->cluster_size);
    int ret;

    for (uint32_t k = 0; k < n; k++) {
        dirty_map_read_bytes(&bm->map, (int64_t)k * s->cluster_size,
                             s->cluster_size, buf);
        bool zero = true;
        for (uint32_t j = 0; j < s->cluster_size && zero; j++) {
            zero = !buf[j];
        }
        if (zero) {
            continue;
        }
        int64_t d = qcow2_alloc_clusters(bs, s->cluster_size);
        if (d < 0) {
            return d;
        }
        ret = bdrv_pwrite(bs->file, d, s->cluster_size, buf);
        if (ret < 0) {
            return ret;
        }
        qcow2_st64((uint8_t *)&t[k], d);
    }
    int64_t toff = qcow2_alloc_clusters(bs, n * 8ULL);
    if (toff < 0) {
        return toff;
    }
    ret = bdrv_pwrite(bs->file, toff, n * 8ULL, t);
    if (ret < 0) {
        return ret;
    }
    b->table_offset = toff;
    b->table_size = n;
    b->granularity_bits = ctz32(bm->map.granularity);
    b->flags = bm->disabled ? 0 : BME_FLAG_AUTO;
    return 0;
}

static int find_entry(BDRVQcow2State *s, const char *name)
{
    for (uint32_t i = 0; i < s->nb_bitmaps; i++) {
        if (!strcmp(s->bitmaps[i].name, name)) {
            return i;
        }
    }
    return -1;
}

int qcow2_store_dirty_bitmaps(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    uint32_t extra = 0;
    for (BdrvDirtyBitmap *bm = bdrv_dirty_bitmaps(bs); bm; bm = bm->next) {
        extra += bm->persistent && bm->name;
    }
    if (bs->read_only || s->version < 3 || (!s->nb_bitmaps && !extra)) {
        return 0;
    }
    Qcow2Bitmap *d = dup_dir(s, extra);
    uint32_t n = 0;
    int ret = 0;
    /* The stored ones keep their places, new ones follow (QEMU's order). */
    for (uint32_t i = 0; i < s->nb_bitmaps; i++) {
        BdrvDirtyBitmap *bm = bdrv_find_dirty_bitmap(bs, d[i].name);
        if (!bm || !bm->persistent || !bm->inconsistent) {
            free_bitmap_clusters(bs, &d[i]);
        }
        if (!bm || !bm->persistent) {
            g_free(d[i].name);
            continue;
        }
        d[n++] = d[i];
    }
    for (BdrvDirtyBitmap *bm = bdrv_dirty_bitmaps(bs); bm; bm = bm->next) {
        if (bm->persistent && bm->name && find_entry(s, bm->name) < 0) {
            d[n++] = (Qcow2Bitmap) { .name = g_strdup(bm->name) };
        }
    }
    for (uint32_t i = 0; i < n && ret == 0; i++) {
        BdrvDirtyBitmap *bm = bdrv_find_dirty_bitmap(bs, d[i].name);
        if (!bm->inconsistent) {
            ret = store_bitmap(bs, bm, &d[i]);
        }
    }
    if (ret == 0) {
        ret = write_dir(bs, d, n, false);
    } else {
        for (uint32_t i = 0; i < n; i++) {
            g_free(d[i].name);
        }
        g_free(d);
    }
    return ret;
}

int qcow2_remove_persistent_dirty_bitmap(BlockDriverState *bs,
                                         const char *name, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    int i = find_entry(s, name);
    if (i < 0) {
        return 0;                /* never stored */
    }
    Qcow2Bitmap *d = dup_dir(s, 0);
    free_bitmap_clusters(bs, &d[i]);
    g_free(d[i].name);
    memmove(d + i, d + i + 1, (s->nb_bitmaps - i - 1) * sizeof(*d));
    int ret = write_dir(bs, d, s->nb_bitmaps - 1, false);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Failed to remove bitmap '%s'", name);
    }
    return ret;
}

bool qcow2_can_store_new_dirty_bitmap(BlockDriverState *bs, const char *name,
                                      uint32_t granularity, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    int bits = ctz32(granularity);
    uint64_t bytes = DIV_ROUND_UP(DIV_ROUND_UP(s->size, granularity), 8);

    if (s->version < 3) {
        error_setg(errp, "Cannot store dirty bitmaps in qcow2 v2 files");
    } else if (bits > BME_MAX_GRAN_BITS) {
        error_setg(errp, "Granularity exceeds maximum (%llu bytes)",
                   1ULL << BME_MAX_GRAN_BITS);
    } else if (bits < BME_MIN_GRAN_BITS) {
        error_setg(errp, "Granularity is under minimum (%llu bytes)",
                   1ULL << BME_MIN_GRAN_BITS);
    } else if (bytes > BME_MAX_PHYS_SIZE ||
               bytes > (uint64_t)BME_MAX_TABLE_SIZE * s->cluster_size) {
        error_setg(errp, "Too much space will be occupied by the bitmap. "
                   "Use larger granularity");
    } else if (strlen(name) > BME_MAX_NAME_SIZE) {
        error_setg(errp, "Name length exceeds maximum (%u characters)",
                   BME_MAX_NAME_SIZE);
    } else if (s->nb_bitmaps >= QCOW2_MAX_BITMAPS) {
        error_setg(errp, "Maximum number of persistent bitmaps is already "
                   "reached");
    } else if (s->nb_bitmaps && s->bitmap_dir_size +
               entry_size(strlen(name), 0) > QCOW2_MAX_BITMAP_DIRECTORY_SIZE) {
        error_setg(errp, "Not enough space in the bitmap directory");
    } else {
        return true;
    }
    return false;
}

void qcow2_bitmaps_info(BlockDriverState *bs, GString *human, GString *json,
                        const char *ind)
{
    BDRVQcow2State *s = bs->opaque;
    if (!s->nb_bitmaps) {
        return;
    }
    g_string_append(human, "    bitmaps:\n");
    g_string_append_printf(json, "%s    \"bitmaps\": [\n", ind);
    for (uint32_t i = 0; i < s->nb_bitmaps; i++) {
        Qcow2Bitmap *b = &s->bitmaps[i];
        bool in_use = b->flags & BME_FLAG_IN_USE;
        bool aut = b->flags & BME_FLAG_AUTO;
        int k = 0;
        g_string_append_printf(human, "        [%u]:\n            flags:\n", i);
        g_string_append_printf(json, "%s        {\n%s            \"flags\": [\n",
                               ind, ind);
        if (in_use) {
            g_string_append_printf(human, "                [%d]: in-use\n",
                                   k++);
        }
        if (aut) {
            g_string_append_printf(human, "                [%d]: auto\n", k++);
        }
        g_string_append_printf(json, "%s%s%s", in_use ? ind : "",
                               in_use ? "                \"in-use\"" : "",
                               in_use && aut ? ",\n" : in_use ? "\n" : "");
        g_string_append_printf(json, "%s%s", aut ? ind : "",
                               aut ? "                \"auto\"\n" : "");
        g_string_append_printf(human, "            name: %s\n"
                               "            granularity: %llu\n", b->name,
                               1ULL << b->granularity_bits);
        g_string_append_printf(json, "%s            ],\n"
                               "%s            \"name\": \"%s\",\n"
                               "%s            \"granularity\": %llu\n"
                               "%s        }%s\n", ind, ind, b->name, ind,
                               1ULL << b->granularity_bits, ind,
                               i + 1 < s->nb_bitmaps ? "," : "");
    }
    g_string_append_printf(json, "%s    ],\n", ind);
}
