/*
 * virtio-blk request processing against a real image: read, write,
 * flush, GET_ID, discard, write-zeroes, and malformed requests.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "hw/block/virtio-blk-req.h"

static int completed;
static uint8_t last_status;
static uint32_t last_len;

static void on_complete(VirtIOBlkReq *req, uint8_t status, uint32_t in_len)
{
    completed++;
    last_status = status;
    last_len = in_len;
}

static void run(VirtIOBlkReq *req)
{
    int before = completed;
    /* As a device does: submit with the BQL, completions take it. */
    bql_lock();
    virtio_blk_handle_request(req);
    blk_drain(req->blk);
    bql_unlock();
    g_assert_cmpint(completed, ==, before + 1);
}

static void hdr(uint8_t *h, uint32_t type, uint64_t sector)
{
    memset(h, 0, 16);
    for (int i = 0; i < 4; i++) {
        h[i] = type >> (8 * i);
    }
    for (int i = 0; i < 8; i++) {
        h[8 + i] = sector >> (8 * i);
    }
}

static void test_requests(void)
{
    g_autofree char *path = g_build_filename(g_get_tmp_dir(),
                                             "kemu-test-vblk.img", NULL);
    Error *err = NULL;
    BlockCreateOpts o = { .size = 1 * MiB };
    g_assert_cmpint(bdrv_create("qcow2", path, &o, &err), ==, 0);
    BlockDriverState *bs = bdrv_open(path, "qcow2", NULL, BDRV_O_RDWR, &err);
    g_assert_nonnull(bs);
    BlockBackend *blk = blk_new(bs, "vd");
    uint8_t h[16], data[1024], status, in[1024 + 1], id[20];
    struct iovec out_iov[3], in_iov[2];
    VirtIOBlkReq req = {
        .blk = blk, .serial = "kemu-serial", .complete = on_complete,
        .out = out_iov, .in = in_iov,
    };

    /* write 2 sectors at sector 3, split over two out iovecs */
    memset(data, 0xab, sizeof(data));
    hdr(h, VIRTIO_BLK_T_OUT, 3);
    out_iov[0] = (struct iovec) { h, 16 };
    out_iov[1] = (struct iovec) { data, 600 };
    out_iov[2] = (struct iovec) { data + 600, 424 };
    in_iov[0] = (struct iovec) { &status, 1 };
    req.out_num = 3;
    req.in_num = 1;
    run(&req);
    g_assert_cmpint(last_status, ==, VIRTIO_BLK_S_OK);
    g_assert_cmpint(status, ==, 0);
    g_assert_cmpint(last_len, ==, 1);

    /* read them back; data and status in one in iovec */
    hdr(h, VIRTIO_BLK_T_IN, 3);
    req.out_num = 1;
    in_iov[0] = (struct iovec) { in, sizeof(in) };
    req.in_num = 1;
    run(&req);
    g_assert_cmpint(last_status, ==, 0);
    g_assert_cmpint(last_len, ==, 1025);
    g_assert_cmpint(in[0], ==, 0xab);
    g_assert_cmpint(in[1023], ==, 0xab);
    g_assert_cmpint(in[1024], ==, 0);

    /* GET_ID */
    hdr(h, VIRTIO_BLK_T_GET_ID, 0);
    in_iov[0] = (struct iovec) { id, sizeof(id) };
    in_iov[1] = (struct iovec) { &status, 1 };
    req.in_num = 2;
    run(&req);
    g_assert_cmpint(last_status, ==, 0);
    g_assert_cmpstr((char *)id, ==, "kemu-serial");

    /* FLUSH */
    hdr(h, VIRTIO_BLK_T_FLUSH, 0);
    req.in_num = 1;
    in_iov[0] = (struct iovec) { &status, 1 };
    run(&req);
    g_assert_cmpint(last_status, ==, 0);

    /* WRITE_ZEROES over sector 4, then read sector 3..4 */
    uint8_t seg[16] = { 4, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 };
    hdr(h, VIRTIO_BLK_T_WRITE_ZEROES, 0);
    out_iov[1] = (struct iovec) { seg, 16 };
    req.out_num = 2;
    run(&req);
    g_assert_cmpint(last_status, ==, 0);
    hdr(h, VIRTIO_BLK_T_IN, 3);
    req.out_num = 1;
    in_iov[0] = (struct iovec) { in, sizeof(in) };
    run(&req);
    g_assert_cmpint(in[0], ==, 0xab);
    g_assert_cmpint(in[512], ==, 0);

    /* DISCARD */
    hdr(h, VIRTIO_BLK_T_DISCARD, 0);
    seg[8] = 8;
    req.out_num = 2;
    in_iov[0] = (struct iovec) { &status, 1 };
    run(&req);
    g_assert_cmpint(last_status, ==, 0);

    /* past the end, unknown type, no header, read-only write */
    hdr(h, VIRTIO_BLK_T_IN, 2047);
    req.out_num = 1;
    in_iov[0] = (struct iovec) { in, sizeof(in) };
    run(&req);
    g_assert_cmpint(last_status, ==, VIRTIO_BLK_S_IOERR);
    hdr(h, 99, 0);
    run(&req);
    g_assert_cmpint(last_status, ==, VIRTIO_BLK_S_UNSUPP);
    out_iov[0].iov_len = 8;
    run(&req);
    g_assert_cmpint(last_status, ==, VIRTIO_BLK_S_IOERR);
    out_iov[0].iov_len = 16;
    hdr(h, VIRTIO_BLK_T_OUT, 0);
    out_iov[1] = (struct iovec) { data, 512 };
    req.out_num = 2;
    req.read_only = true;
    in_iov[0] = (struct iovec) { &status, 1 };
    run(&req);
    g_assert_cmpint(last_status, ==, VIRTIO_BLK_S_IOERR);
    req.in_num = 0;
    run(&req);
    g_assert_cmpint(last_status, ==, VIRTIO_BLK_S_IOERR);

    blk_unref(blk);
    unlink(path);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/virtio-blk/requests", test_requests);
    return g_test_run();
}
