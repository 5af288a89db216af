/*
 * Block backends: what devices rely on while requests run in the worker
 * pool.  A test driver ("gate") over a file node holds each write until
 * the test opens the gate, so a request can be kept in flight.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "block/block.h"

static GMutex gate_lock;
static GCond gate_cond;
static bool gate_open, gate_entered;

static int gate_open_drv(BlockDriverState *bs, GHashTable *opts, int flags,
                         Error **errp)
{
    return 0;
}

static int gate_pread(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                      void *buf)
{
    return bdrv_pread(bs->file, offset, bytes, buf);
}

/* Blocks until the test opens the gate. */
static int gate_pwrite(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                       const void *buf)
{
    g_mutex_lock(&gate_lock);
    gate_entered = true;
    g_cond_broadcast(&gate_cond);
    while (!gate_open) {
        g_cond_wait(&gate_cond, &gate_lock);
    }
    g_mutex_unlock(&gate_lock);
    return bdrv_pwrite(bs->file, offset, bytes, buf);
}

static int64_t gate_get_length(BlockDriverState *bs)
{
    return bdrv_getlength(bs->file);
}

static const BlockDriver gate_drv = {
    .format_name = "gate",
    .open = gate_open_drv,
    .pread = gate_pread,
    .pwrite = gate_pwrite,
    .get_length = gate_get_length,
};

static int completed;

static void on_done(void *opaque, int ret)
{
    g_assert_cmpint(ret, ==, 0);
    completed++;
}

static char *make_image(const char *name, uint64_t size)
{
    char *path = g_build_filename(g_get_tmp_dir(), name, NULL);
    Error *err = NULL;
    g_assert_cmpint(raw_file_create(path, size, PREALLOC_MODE_OFF, &err), ==, 0);
    return path;
}

typedef struct LengthQuery {
    BlockBackend *blk;
    int64_t len;
    bool done;
} LengthQuery;

static gpointer query_length(gpointer opaque)
{
    LengthQuery *q = opaque;
    int64_t len = blk_getlength(q->blk);
    g_mutex_lock(&gate_lock);
    q->len = len;
    q->done = true;
    g_cond_broadcast(&gate_cond);
    g_mutex_unlock(&gate_lock);
    return NULL;
}

/*
 * Devices check each request's range with blk_getlength() on the vCPU
 * thread: it must answer while another request is in flight, not wait
 * for it (the vCPU would stall behind the host I/O).
 */
static void test_length_while_busy(void)
{
    g_autofree char *path = make_image("kemu-test-blk-gate.img", 1 * MiB);
    Error *err = NULL;
    BlockDriverState *file = bdrv_open(path, "file", NULL, BDRV_O_RDWR, &err);
    g_assert_nonnull(file);
    BlockDriverState *bs = bdrv_open_format(file, &gate_drv, NULL,
                                            BDRV_O_RDWR, &err);
    g_assert_nonnull(bs);
    BlockBackend *blk = blk_new(bs, "gate");
    uint8_t data[512] = { 0x5a };
    struct iovec iov = { data, sizeof(data) };

    gate_open = gate_entered = false;
    completed = 0;
    bql_lock();
    blk_aio_pwritev(blk, 0, &iov, 1, on_done, NULL);
    bql_unlock();

    g_mutex_lock(&gate_lock);
    while (!gate_entered) {
        g_cond_wait(&gate_cond, &gate_lock);
    }
    LengthQuery q = { .blk = blk };
    GThread *t = g_thread_new("length", query_length, &q);
    gint64 end = g_get_monotonic_time() + 2 * G_TIME_SPAN_SECOND;
    while (!q.done && g_cond_wait_until(&gate_cond, &gate_lock, end)) {
    }
    bool answered = q.done;
    gate_open = true;           /* let the request (and a stuck query) end */
    g_cond_broadcast(&gate_cond);
    g_mutex_unlock(&gate_lock);
    g_thread_join(t);

    g_assert_true(answered);
    g_assert_cmpint(q.len, ==, 1 * MiB);
    bql_lock();
    blk_drain(blk);
    bql_unlock();
    g_assert_cmpint(completed, ==, 1);
    blk_unref(blk);
    unlink(path);
}

/* A write past the end of a file node grows it, block_resize sets it:
 * the length follows. */
static void test_length_after_growing_write(void)
{
    g_autofree char *path = make_image("kemu-test-blk-grow.img", 64 * KiB);
    Error *err = NULL;
    BlockDriverState *bs = bdrv_open(path, "file", NULL, BDRV_O_RDWR, &err);
    g_assert_nonnull(bs);
    BlockBackend *blk = blk_new(bs, "grow");
    uint8_t data[4096] = { 1 };
    struct iovec iov = { data, sizeof(data) };

    g_assert_cmpint(blk_getlength(blk), ==, 64 * KiB);
    completed = 0;
    bql_lock();
    blk_aio_pwritev(blk, 128 * KiB, &iov, 1, on_done, NULL);
    blk_drain(blk);
    bql_unlock();
    g_assert_cmpint(completed, ==, 1);
    g_assert_cmpint(blk_getlength(blk), ==, 128 * KiB + sizeof(data));
    g_assert_cmpint(blk_pwrite(blk, 256 * KiB, sizeof(data), data), ==, 0);
    g_assert_cmpint(blk_getlength(blk), ==, 256 * KiB + sizeof(data));
    /* block_resize */
    bql_lock();
    g_assert_cmpint(bdrv_resize(bs, 1 * MiB, &err), ==, 0);
    bql_unlock();
    g_assert_cmpint(blk_getlength(blk), ==, 1 * MiB);
    blk_unref(blk);
    unlink(path);
}

/* Fills @n bytes at @p with a pattern that depends on the offset @at. */
static void pattern(uint8_t *p, size_t n, uint64_t at)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)((at + i) * 7 + ((at + i) >> 9));
    }
}

/*
 * raw (with an offset) over file: vectors of odd-sized elements go
 * straight to preadv/pwritev and land where the same bytes written flat
 * would; reading past the end of the file gives zeroes.
 */
static void test_vectored_io(void)
{
    g_autofree char *path = make_image("kemu-test-blk-vec.img", 256 * KiB);
    Error *err = NULL;
    GHashTable *opts = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_insert(opts, "offset", "4096");
    BlockDriverState *bs = bdrv_open(path, "raw", opts, BDRV_O_RDWR, &err);
    g_hash_table_unref(opts);
    g_assert_nonnull(bs);
    static uint8_t src[3 * 4096], dst[3 * 4096], flat[3 * 4096];
    static const size_t lens[] = { 1, 4095, 512, 3000, 4680 };
    struct iovec iov[G_N_ELEMENTS(lens)];
    size_t at = 0;

    pattern(src, sizeof(src), 0);
    for (size_t i = 0; i < G_N_ELEMENTS(lens); i++) {
        iov[i] = (struct iovec) { src + at, lens[i] };
        at += lens[i];
    }
    g_assert_cmpint(at, ==, sizeof(src));
    g_assert_cmpint(bdrv_pwritev(bs, 8192, iov, G_N_ELEMENTS(lens)), ==, 0);
    g_assert_cmpint(bdrv_pread(bs->file, 4096 + 8192, sizeof(flat), flat),
                    ==, 0);
    g_assert_cmpmem(flat, sizeof(flat), src, sizeof(src));

    at = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(lens); i++) {
        iov[G_N_ELEMENTS(lens) - 1 - i] = (struct iovec) { dst + at, lens[i] };
        at += lens[i];
    }
    g_assert_cmpint(bdrv_preadv(bs, 8192, iov, G_N_ELEMENTS(lens)), ==, 0);
    /* The elements are in reverse order in memory, in order on disk. */
    at = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(lens); i++) {
        uint8_t want[4680];
        pattern(want, iov[i].iov_len, at);
        g_assert_cmpmem(iov[i].iov_base, iov[i].iov_len, want,
                        iov[i].iov_len);
        at += iov[i].iov_len;
    }

    /* The file node reads zeroes past its end (the last 4 KiB here). */
    memset(dst, 0xff, sizeof(dst));
    struct iovec tail[2] = { { dst, 4096 }, { dst + 4096, 4096 } };
    g_assert_cmpint(bdrv_preadv(bs->file, 256 * KiB - 4096, tail, 2), ==, 0);
    for (size_t i = 0; i < 8192; i++) {
        g_assert_cmpint(dst[i], ==, 0);
    }
    bdrv_unref(bs);
    unlink(path);
}

/* A vectored write must not turn a probed raw image into a qcow2 one. */
static void test_vectored_probed_raw(void)
{
    g_autofree char *path = make_image("kemu-test-blk-probe.img", 64 * KiB);
    Error *err = NULL;
    BlockDriverState *bs = bdrv_open(path, NULL, NULL, BDRV_O_RDWR, &err);
    g_assert_nonnull(bs);
    g_assert_true(bs->probed);
    uint8_t magic[512] = { 'Q', 'F', 'I', 0xfb, 0, 0, 0, 3 };
    uint8_t rest[512] = { 0 };
    struct iovec iov[2] = { { magic, 4 }, { magic + 4, 508 } };
    g_assert_cmpint(bdrv_pwritev(bs, 0, iov, 2), ==, -EPERM);
    iov[1] = (struct iovec) { rest, 512 };
    g_assert_cmpint(bdrv_pwritev(bs, 4096, iov, 2), ==, 0);
    bdrv_unref(bs);
    unlink(path);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/block-backend/length-while-busy",
                    test_length_while_busy);
    g_test_add_func("/block-backend/length-after-growing-write",
                    test_length_after_growing_write);
    g_test_add_func("/block-backend/vectored-io", test_vectored_io);
    g_test_add_func("/block-backend/vectored-probed-raw",
                    test_vectored_probed_raw);
    return g_test_run();
}
