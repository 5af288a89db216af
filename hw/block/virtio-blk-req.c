/*
 * virtio-blk requests (virtio 1.2 section 5.2.6): parse the header, check
 * the sector range, and run IN / OUT / FLUSH / GET_ID / DISCARD /
 * WRITE_ZEROES through the block backend's worker pool.  Malformed
 * requests (short header, no status byte, ranges past the end) complete
 * with an error status; they never touch memory outside their iovecs.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/block/virtio-blk-req.h"
#include "hw/block/block-error.h"

#define SECTOR 512

static uint64_t iov_size(const struct iovec *iov, int n)
{
    uint64_t len = 0;
    for (int i = 0; i < n; i++) {
        len += iov[i].iov_len;
    }
    return len;
}

/* Copy up to @len bytes out of @iov starting at byte @skip. */
static uint64_t iov_to_buf(const struct iovec *iov, int n, uint64_t skip,
                           void *buf, uint64_t len)
{
    uint64_t done = 0;
    for (int i = 0; i < n && done < len; i++) {
        if (skip >= iov[i].iov_len) {
            skip -= iov[i].iov_len;
            continue;
        }
        uint64_t m = MIN(iov[i].iov_len - skip, len - done);
        memcpy((uint8_t *)buf + done, (uint8_t *)iov[i].iov_base + skip, m);
        done += m;
        skip = 0;
    }
    return done;
}

static uint64_t iov_from_buf(struct iovec *iov, int n, const void *buf,
                             uint64_t len)
{
    uint64_t done = 0;
    for (int i = 0; i < n && done < len; i++) {
        uint64_t m = MIN(iov[i].iov_len, len - done);
        memcpy(iov[i].iov_base, (const uint8_t *)buf + done, m);
        done += m;
    }
    return done;
}

static uint64_t ld_le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--) {
        v = (v << 8) | p[i];
    }
    return v;
}

static void req_finish(VirtIOBlkReq *req, uint8_t status)
{
    if (req->status) {
        *req->status = status;
    }
    g_free(req->data);
    g_free(req->bounce);
    req->data = NULL;
    req->bounce = NULL;
    req->complete(req, status, req->in_len + (req->status ? 1 : 0));
}

/* The VM continued after this request stopped it: parse and issue again. */
static void req_retry(void *opaque)
{
    VirtIOBlkReq *req = opaque;
    g_free(req->data);
    g_free(req->bounce);
    req->data = NULL;
    req->bounce = NULL;
    virtio_blk_handle_request(req);
}

static void req_io_done(void *opaque, int ret)
{
    VirtIOBlkReq *req = opaque;
    uint8_t status = VIRTIO_BLK_S_OK;
    if (ret < 0) {
        bool is_read = (req->type & ~0x80000000u) == VIRTIO_BLK_T_IN;
        switch (block_error_action(req->blk, req->dinfo, is_read, -ret,
                                   req_retry, req)) {
        case BLOCK_ERROR_ACTION_STOP:
            return;
        case BLOCK_ERROR_ACTION_IGNORE:
            break;
        default:
            req->in_len = 0;
            status = VIRTIO_BLK_S_IOERR;
            break;
        }
    }
    req_finish(req, status);
}

static bool range_ok(VirtIOBlkReq *req, uint64_t sector, uint64_t bytes)
{
    int64_t len = blk_getlength(req->blk);
    uint64_t nb = len > 0 ? (uint64_t)len / SECTOR : 0;
    return sector <= nb && bytes / SECTOR <= nb - sector &&
           !(bytes % SECTOR);
}

/* DISCARD / WRITE_ZEROES: one segment {sector, num_sectors, flags}. */
static void req_discard_zeroes(VirtIOBlkReq *req, bool zeroes)
{
    uint8_t seg[16];
    if (req->read_only) {
        req_finish(req, VIRTIO_BLK_S_IOERR);
        return;
    }
    if (req->data_len != sizeof(seg) ||
        iov_to_buf(req->data, req->data_num, 0, seg, sizeof(seg)) !=
        sizeof(seg)) {
        /* Only one segment is advertised (max_discard_seg = 1). */
        req_finish(req, VIRTIO_BLK_S_UNSUPP);
        return;
    }
    uint64_t sector = ld_le(seg, 8);
    uint64_t n = ld_le(seg + 8, 4);
    uint32_t flags = ld_le(seg + 12, 4);
    if ((flags & ~1u) || (!zeroes && flags) ||
        n > VIRTIO_BLK_MAX_DISCARD_SECTORS ||
        !range_ok(req, sector, n * SECTOR)) {
        req_finish(req, VIRTIO_BLK_S_UNSUPP);
        return;
    }
    if (zeroes) {
        blk_aio_pwrite_zeroes(req->blk, sector * SECTOR, n * SECTOR,
                              req_io_done, req);
    } else {
        blk_aio_pdiscard(req->blk, sector * SECTOR, n * SECTOR, req_io_done,
                         req);
    }
}

void virtio_blk_handle_request(VirtIOBlkReq *req)
{
    uint8_t hdr[16];
    uint64_t in_total = iov_size(req->in, req->in_num);

    req->status = NULL;
    req->in_len = 0;
    req->data = NULL;
    req->data_num = 0;
    req->bounce = NULL;
    /* The last byte of the in iovecs is the status. */
    if (req->in_num < 1 || in_total < 1 ||
        iov_to_buf(req->out, req->out_num, 0, hdr, sizeof(hdr)) !=
        sizeof(hdr)) {
        qemu_log_mask(LOG_GUEST_ERROR, "virtio-blk: malformed request\n");
        req_finish(req, VIRTIO_BLK_S_IOERR);
        return;
    }
    struct iovec *last = &req->in[req->in_num - 1];
    if (last->iov_len < 1) {
        req_finish(req, VIRTIO_BLK_S_IOERR);
        return;
    }
    req->status = (uint8_t *)last->iov_base + last->iov_len - 1;
    req->type = ld_le(hdr, 4);
    req->sector = ld_le(hdr + 8, 8);

    /* Data: the out iovecs after the header, or the in iovecs before the
     * status byte (the status byte's iovec is trimmed). */
    bool in_dir = req->type == VIRTIO_BLK_T_IN ||
                  req->type == VIRTIO_BLK_T_GET_ID;
    if (in_dir) {
        req->data = g_memdup2(req->in, req->in_num * sizeof(struct iovec));
        req->data_num = req->in_num;
        req->data[req->data_num - 1].iov_len--;
    } else {
        req->data = g_new0(struct iovec, MAX(req->out_num, 1));
        uint64_t skip = sizeof(hdr);
        for (int i = 0; i < req->out_num; i++) {
            if (skip >= req->out[i].iov_len) {
                skip -= req->out[i].iov_len;
                continue;
            }
            req->data[req->data_num].iov_base =
                (uint8_t *)req->out[i].iov_base + skip;
            req->data[req->data_num].iov_len = req->out[i].iov_len - skip;
            req->data_num++;
            skip = 0;
        }
    }
    req->data_len = iov_size(req->data, req->data_num);

    switch (req->type & ~0x80000000u) {   /* bit 31: legacy BARRIER */
    case VIRTIO_BLK_T_IN:
        if (!range_ok(req, req->sector, req->data_len)) {
            req_finish(req, VIRTIO_BLK_S_IOERR);
            return;
        }
        req->in_len = req->data_len;
        blk_aio_preadv(req->blk, req->sector * SECTOR, req->data,
                       req->data_num, req_io_done, req);
        return;
    case VIRTIO_BLK_T_OUT:
        if (req->read_only || !range_ok(req, req->sector, req->data_len)) {
            req_finish(req, VIRTIO_BLK_S_IOERR);
            return;
        }
        blk_aio_pwritev(req->blk, req->sector * SECTOR, req->data,
                        req->data_num, req_io_done, req);
        return;
    case VIRTIO_BLK_T_FLUSH:
        blk_aio_flush(req->blk, req_io_done, req);
        return;
    case VIRTIO_BLK_T_GET_ID: {
        char id[VIRTIO_BLK_ID_BYTES] = { 0 };
        if (req->serial) {
            /* Not NUL-terminated when exactly 20 bytes (virtio spec). */
            memcpy(id, req->serial, MIN(strlen(req->serial), sizeof(id)));
        }
        req->in_len = iov_from_buf(req->data, req->data_num, id,
                                   MIN(req->data_len, sizeof(id)));
        req_finish(req, VIRTIO_BLK_S_OK);
        return;
    }
    case VIRTIO_BLK_T_DISCARD:
        req_discard_zeroes(req, false);
        return;
    case VIRTIO_BLK_T_WRITE_ZEROES:
        req_discard_zeroes(req, true);
        return;
    default:
        req_finish(req, VIRTIO_BLK_S_UNSUPP);
        return;
    }
}
