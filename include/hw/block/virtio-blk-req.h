/*
 * virtio-blk request processing (virtio 1.2 section 5.2.6), independent of
 * the virtio transport: a request is the driver's out iovecs (header, then
 * data for writes/discards) and in iovecs (data for reads, then the status
 * byte).  I/O runs in the block worker pool; @complete runs there with
 * the BQL held, with the status and the bytes written into the in iovecs.
 */
#ifndef HW_BLOCK_VIRTIO_BLK_REQ_H
#define HW_BLOCK_VIRTIO_BLK_REQ_H

#include "qemu/osdep.h"
#include "block/block.h"
#include "block/blockdev.h"

#define VIRTIO_BLK_T_IN           0
#define VIRTIO_BLK_T_OUT          1
#define VIRTIO_BLK_T_FLUSH        4
#define VIRTIO_BLK_T_GET_ID       8
#define VIRTIO_BLK_T_DISCARD      11
#define VIRTIO_BLK_T_WRITE_ZEROES 13

#define VIRTIO_BLK_S_OK     0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2

#define VIRTIO_BLK_ID_BYTES 20
/* Limits advertised in the config space and enforced here. */
#define VIRTIO_BLK_MAX_DISCARD_SECTORS (32 * 1024 * 1024 / 512 * 64)
#define VIRTIO_BLK_MAX_DISCARD_SEG 1

typedef struct VirtIOBlkReq VirtIOBlkReq;
typedef void VirtIOBlkCompleteFunc(VirtIOBlkReq *req, uint8_t status,
                                   uint32_t in_len);

struct VirtIOBlkReq {
    /* filled by the device */
    BlockBackend *blk;
    const char *serial;
    bool read_only;
    struct iovec *out;
    int out_num;
    struct iovec *in;
    int in_num;
    VirtIOBlkCompleteFunc *complete;
    void *opaque;
    DriveInfo *dinfo;          /* werror/rerror; NULL: QEMU's defaults */
    /* private */
    uint32_t type;
    uint64_t sector;
    struct iovec *data;
    int data_num;
    uint64_t data_len;
    uint8_t *status;
    uint8_t *bounce;
    uint32_t in_len;
};

/*
 * Start @req; @complete is always called exactly once (maybe at once; a
 * failed request under werror/rerror=stop completes after the VM
 * continues and the retry ran).
 */
void virtio_blk_handle_request(VirtIOBlkReq *req);

#endif
