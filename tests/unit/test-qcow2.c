/*
 * qcow2 metadata: creation variants, allocation and refcounts (checked
 * with the driver's own check), refcount-table growth, snapshots,
 * compressed clusters, backing files, and corrupt headers and tables
 * rejected with an error instead of a crash.
 */
#include "qemu/osdep.h"
#include "block/block.h"
#include "block/qcow2.h"

static char *tmpdir;

static char *tmp_path(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

static BlockDriverState *open_img(const char *path, int flags)
{
    Error *err = NULL;
    BlockDriverState *bs = bdrv_open(path, NULL, NULL, flags, &err);
    if (!bs) {
        g_test_message("open: %s", error_get_pretty(err));
        error_free(err);
    }
    return bs;
}

static void create(const char *path, uint64_t size, uint32_t cluster_size,
                   int compat, int refbits, const char *backing)
{
    BlockCreateOpts o = {
        .size = size, .cluster_size = cluster_size, .compat = compat,
        .refcount_bits = refbits, .backing_file = backing,
        .backing_fmt = backing ? "qcow2" : NULL,
    };
    Error *err = NULL;
    g_assert_cmpint(bdrv_create("qcow2", path, &o, &err), ==, 0);
}

static void assert_clean(BlockDriverState *bs)
{
    BdrvCheckResult r = { 0 };
    g_assert_cmpint(bs->drv->check(bs, &r, 0), ==, 0);
    g_assert_cmpint(r.corruptions, ==, 0);
    g_assert_cmpint(r.leaks, ==, 0);
    g_assert_cmpint(r.check_errors, ==, 0);
}

static void fill(uint8_t *b, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245 + 12345;
        b[i] = seed >> 16;
    }
}

/* Writes at awkward offsets, read back before and after reopening. */
static void rw_roundtrip(uint32_t cluster_size, int compat, int refbits)
{
    g_autofree char *p = tmp_path("rw.qcow2");
    const uint64_t size = 8 * MiB;
    g_autofree uint8_t *ref = g_malloc0(size);
    g_autofree uint8_t *got = g_malloc(size);
    create(p, size, cluster_size, compat, refbits, NULL);
    BlockDriverState *bs = open_img(p, BDRV_O_RDWR);
    g_assert_nonnull(bs);
    static const struct { uint64_t off, len; } w[] = {
        { 0, 512 }, { 1000, 70000 }, { 3 * MiB - 7, 300000 },
        { 5 * MiB, 1 * MiB }, { 8 * MiB - 100, 100 }, { 1500, 10 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(w); i++) {
        fill(ref + w[i].off, w[i].len, i + 1);
        g_assert_cmpint(bdrv_pwrite(bs, w[i].off, w[i].len,
                                    ref + w[i].off), ==, 0);
    }
    g_assert_cmpint(bdrv_pread(bs, 0, size, got), ==, 0);
    g_assert(memcmp(ref, got, size) == 0);
    assert_clean(bs);
    bdrv_unref(bs);
    bs = open_img(p, 0);
    g_assert_nonnull(bs);
    memset(got, 0xff, size);
    g_assert_cmpint(bdrv_pread(bs, 0, size, got), ==, 0);
    g_assert(memcmp(ref, got, size) == 0);
    assert_clean(bs);
    /* Out of bounds is an error, not a crash. */
    g_assert_cmpint(bdrv_pread(bs, size - 1, 2, got), <, 0);
    g_assert_cmpint(bdrv_pwrite(bs, 0, 1, got), <, 0);   /* read-only */
    bdrv_unref(bs);
    unlink(p);
}

static void test_rw_default(void)
{
    rw_roundtrip(0, 3, 16);
}

static void test_rw_v2(void)
{
    rw_roundtrip(0, 2, 16);
}

static void test_rw_refbits(void)
{
    static const int bits[] = { 1, 2, 4, 8, 32, 64 };
    for (size_t i = 0; i < ARRAY_SIZE(bits); i++) {
        rw_roundtrip(4096, 3, bits[i]);
    }
}

/* 512-byte clusters: the refcount table must grow several times. */
static void test_reftable_growth(void)
{
    rw_roundtrip(512, 3, 16);
}

static void test_header_fields(void)
{
    g_autofree char *p = tmp_path("hdr.qcow2");
    create(p, 10 * GiB, 0, 3, 16, NULL);
    BlockDriverState *bs = open_img(p, 0);
    g_assert_nonnull(bs);
    BDRVQcow2State *s = bs->opaque;
    g_assert_cmpint(s->version, ==, 3);
    g_assert_cmpuint(s->cluster_size, ==, 65536);
    g_assert_cmpuint(s->l1_size, ==, 20);
    g_assert_cmpuint(s->l1_table_offset, ==, 0x30000);
    g_assert_cmpuint(s->refcount_table_offset, ==, 0x10000);
    g_assert_cmpuint(s->refcount_bits, ==, 16);
    g_assert_cmpint(bdrv_getlength(bs), ==, 10 * GiB);
    assert_clean(bs);
    bdrv_unref(bs);
    unlink(p);
}

static void test_snapshots(void)
{
    g_autofree char *p = tmp_path("snap.qcow2");
    Error *err = NULL;
    uint8_t a[65536], b[65536], got[65536];
    fill(a, sizeof(a), 7);
    fill(b, sizeof(b), 8);
    create(p, 4 * MiB, 0, 3, 16, NULL);
    BlockDriverState *bs = open_img(p, BDRV_O_RDWR);
    g_assert_cmpint(bdrv_pwrite(bs, 65536, sizeof(a), a), ==, 0);
    g_assert_cmpint(bs->drv->snapshot_create(bs, "one", 0, 0, &err), ==, 0);
    assert_clean(bs);
    /* Copy-on-write: the snapshot keeps the old data. */
    g_assert_cmpint(bdrv_pwrite(bs, 65536 + 100, 1000, b), ==, 0);
    assert_clean(bs);
    g_assert_cmpint(bs->drv->snapshot_create(bs, "two", 0, 0, &err), ==, 0);
    g_assert_cmpint(bs->drv->snapshot_goto(bs, "one", &err), ==, 0);
    assert_clean(bs);
    g_assert_cmpint(bdrv_pread(bs, 65536, sizeof(got), got), ==, 0);
    g_assert(memcmp(a, got, sizeof(a)) == 0);
    g_assert_cmpint(bs->drv->snapshot_delete(bs, "one", &err), ==, 0);
    assert_clean(bs);
    g_assert_cmpint(bs->drv->snapshot_goto(bs, "2", &err), ==, 0);
    g_assert_cmpint(bdrv_pread(bs, 65536 + 100, 1000, got), ==, 0);
    g_assert(memcmp(b, got, 1000) == 0);
    g_assert_cmpint(bs->drv->snapshot_delete(bs, "two", &err), ==, 0);
    g_assert_cmpint(bs->drv->snapshot_delete(bs, "two", &err), <, 0);
    error_free(err);
    assert_clean(bs);
    BdrvSnapshotInfo *list;
    g_assert_cmpint(bs->drv->snapshot_list(bs, &list), ==, 0);
    g_free(list);
    bdrv_unref(bs);
    unlink(p);
}

static void test_compressed(void)
{
    g_autofree char *p = tmp_path("comp.qcow2");
    uint8_t buf[65536], got[65536];
    create(p, 1 * MiB, 0, 3, 16, NULL);
    BlockDriverState *bs = open_img(p, BDRV_O_RDWR);
    for (int i = 0; i < 8; i++) {
        for (size_t k = 0; k < sizeof(buf); k++) {
            buf[k] = (k / 100 + i) & 0xff;
        }
        g_assert_cmpint(bdrv_pwrite_compressed(bs, i * 65536ULL, 65536, buf),
                        ==, 0);
    }
    assert_clean(bs);
    for (int i = 0; i < 8; i++) {
        g_assert_cmpint(bdrv_pread(bs, i * 65536ULL, 65536, got), ==, 0);
        for (size_t k = 0; k < sizeof(got); k++) {
            g_assert_cmpint(got[k], ==, (k / 100 + i) & 0xff);
        }
    }
    /* Overwriting part of a compressed cluster decompresses it first. */
    memset(buf, 0x5a, 10);
    g_assert_cmpint(bdrv_pwrite(bs, 65536 + 5, 10, buf), ==, 0);
    g_assert_cmpint(bdrv_pread(bs, 65536, 65536, got), ==, 0);
    g_assert_cmpint(got[4], ==, 1);
    g_assert_cmpint(got[5], ==, 0x5a);
    g_assert_cmpint(got[15], ==, 1);
    assert_clean(bs);
    bdrv_unref(bs);
    unlink(p);
}

static void test_backing(void)
{
    g_autofree char *base = tmp_path("base.qcow2");
    g_autofree char *top = tmp_path("top.qcow2");
    uint8_t buf[3000], got[131072];
    create(base, 2 * MiB, 0, 3, 16, NULL);
    BlockDriverState *bs = open_img(base, BDRV_O_RDWR);
    memset(got, 0x11, sizeof(got));
    g_assert_cmpint(bdrv_pwrite(bs, 0, sizeof(got), got), ==, 0);
    bdrv_unref(bs);
    create(top, 2 * MiB, 0, 3, 16, "base.qcow2");
    bs = open_img(top, BDRV_O_RDWR);
    g_assert_nonnull(bs);
    g_assert_nonnull(bs->backing);
    memset(buf, 0x22, sizeof(buf));
    g_assert_cmpint(bdrv_pwrite(bs, 1000, sizeof(buf), buf), ==, 0);
    g_assert_cmpint(bdrv_pwrite_zeroes(bs, 65536, 65536), ==, 0);
    g_assert_cmpint(bdrv_pread(bs, 0, sizeof(got), got), ==, 0);
    g_assert_cmpint(got[999], ==, 0x11);
    g_assert_cmpint(got[1000], ==, 0x22);
    g_assert_cmpint(got[3999], ==, 0x22);
    g_assert_cmpint(got[4000], ==, 0x11);
    g_assert_cmpint(got[65536], ==, 0);
    g_assert_cmpint(got[131071], ==, 0);
    assert_clean(bs);
    bdrv_unref(bs);
    unlink(top);
    unlink(base);
}

/* Patch bytes of a file at @off. */
static void poke(const char *path, uint64_t off, const void *data, size_t n)
{
    int fd = open(path, O_WRONLY);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(pwrite(fd, data, n, off), ==, n);
    close(fd);
}

static void expect_open_error(const char *path, const char *needle)
{
    Error *err = NULL;
    BlockDriverState *bs = bdrv_open(path, "qcow2", NULL, 0, &err);
    g_assert_null(bs);
    g_assert_nonnull(err);
    g_test_message("%s", error_get_pretty(err));
    g_assert_nonnull(strstr(error_get_pretty(err), needle));
    error_free(err);
}

static void test_corrupt_headers(void)
{
    g_autofree char *p = tmp_path("bad.qcow2");
    uint8_t b8[8];

    create(p, 1 * MiB, 0, 3, 16, NULL);
    poke(p, 0, "XXXX", 4);
    expect_open_error(p, "Image is not in qcow2 format");

    create(p, 1 * MiB, 0, 3, 16, NULL);
    qcow2_st64(b8, 1ULL << 40);
    poke(p, QCOW2_HDR_INCOMPAT, b8, 8);
    expect_open_error(p, "Unsupported qcow2 feature(s): Unknown incompatible "
                      "feature: 10000000000");

    create(p, 1 * MiB, 0, 3, 16, NULL);
    qcow2_st64(b8, QCOW2_INCOMPAT_EXTL2);
    poke(p, QCOW2_HDR_INCOMPAT, b8, 8);
    expect_open_error(p, "extended L2 entries");

    create(p, 1 * MiB, 0, 3, 16, NULL);
    qcow2_st64(b8, 1ULL << 60);
    poke(p, QCOW2_HDR_SIZE, b8, 8);
    expect_open_error(p, "too big");

    create(p, 1 * MiB, 0, 3, 16, NULL);
    qcow2_st64(b8, 0x7fff0000ULL);
    poke(p, 40, b8, 8);                  /* l1_table_offset */
    expect_open_error(p, "Active L1 table is beyond the end");

    create(p, 1 * MiB, 0, 3, 16, NULL);
    qcow2_st64(b8, 0x12345);
    poke(p, 48, b8, 8);                  /* refcount_table_offset */
    expect_open_error(p, "Reference count table offset invalid");

    create(p, 1 * MiB, 0, 3, 16, NULL);
    uint32_t cb = g_htonl(40);
    poke(p, 20, &cb, 4);
    expect_open_error(p, "Unsupported cluster size: 2^40");

    create(p, 1 * MiB, 0, 3, 16, NULL);
    uint32_t v = g_htonl(4);
    poke(p, 4, &v, 4);
    expect_open_error(p, "Unsupported qcow2 version 4");

    /* A truncated file: header only. */
    create(p, 1 * MiB, 0, 3, 16, NULL);
    g_assert_cmpint(truncate(p, 200), ==, 0);
    expect_open_error(p, "beyond the end");
    unlink(p);
}

/* Bad table entries give I/O errors on use, never out-of-bounds access. */
static void test_corrupt_tables(void)
{
    g_autofree char *p = tmp_path("badtab.qcow2");
    uint8_t b8[8], buf[4096];
    create(p, 1 * MiB, 0, 3, 16, NULL);
    BlockDriverState *bs = open_img(p, BDRV_O_RDWR);
    memset(buf, 1, sizeof(buf));
    g_assert_cmpint(bdrv_pwrite(bs, 0, sizeof(buf), buf), ==, 0);
    bdrv_unref(bs);
    /* L1[0] now points at an unaligned L2 table. */
    qcow2_st64(b8, 0x41000ULL | QCOW_OFLAG_COPIED);
    poke(p, 0x30000, b8, 8);
    bs = open_img(p, 0);
    g_assert_nonnull(bs);
    g_assert_cmpint(bdrv_pread(bs, 0, sizeof(buf), buf), ==, -EIO);
    BdrvCheckResult r = { 0 };
    bs->drv->check(bs, &r, 0);
    g_assert_cmpint(r.corruptions, >, 0);
    bdrv_unref(bs);
    /* An L2 entry pointing into the header. */
    qcow2_st64(b8, 0x40000ULL | QCOW_OFLAG_COPIED);
    poke(p, 0x30000, b8, 8);
    qcow2_st64(b8, 0x200ULL | QCOW_OFLAG_COPIED);
    poke(p, 0x40000, b8, 8);
    bs = open_img(p, 0);
    g_assert_cmpint(bdrv_pread(bs, 0, sizeof(buf), buf), ==, -EIO);
    bdrv_unref(bs);
    unlink(p);
}

static void test_leak_repair(void)
{
    g_autofree char *p = tmp_path("leak.qcow2");
    create(p, 1 * MiB, 0, 3, 16, NULL);
    BlockDriverState *bs = open_img(p, BDRV_O_RDWR);
    int64_t off = qcow2_alloc_clusters(bs, 3 * 65536);
    g_assert_cmpint(off, >, 0);
    /* Only clusters inside the file are compared (as QEMU does). */
    g_autofree uint8_t *zero = g_malloc0(3 * 65536);
    g_assert_cmpint(bdrv_pwrite(bs->file, off, 3 * 65536, zero), ==, 0);
    BdrvCheckResult r = { 0 };
    g_assert_cmpint(bs->drv->check(bs, &r, 0), ==, 0);
    g_assert_cmpint(r.leaks, ==, 3);
    g_assert_cmpint(r.corruptions, ==, 0);
    memset(&r, 0, sizeof(r));
    g_assert_cmpint(bs->drv->check(bs, &r, BDRV_FIX_LEAKS), ==, 0);
    g_assert_cmpint(r.leaks_fixed, ==, 3);
    assert_clean(bs);
    bdrv_unref(bs);
    unlink(p);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("test-qcow2-XXXXXX", NULL);
    g_test_add_func("/qcow2/header", test_header_fields);
    g_test_add_func("/qcow2/rw/default", test_rw_default);
    g_test_add_func("/qcow2/rw/v2", test_rw_v2);
    g_test_add_func("/qcow2/rw/refcount-bits", test_rw_refbits);
    g_test_add_func("/qcow2/rw/reftable-growth", test_reftable_growth);
    g_test_add_func("/qcow2/snapshots", test_snapshots);
    g_test_add_func("/qcow2/compressed", test_compressed);
    g_test_add_func("/qcow2/backing", test_backing);
    g_test_add_func("/qcow2/corrupt/headers", test_corrupt_headers);
    g_test_add_func("/qcow2/corrupt/tables", test_corrupt_tables);
    g_test_add_func("/qcow2/check/leak-repair", test_leak_repair);
    int ret = g_test_run();
    rmdir(tmpdir);
    g_free(tmpdir);
    return ret;
}
