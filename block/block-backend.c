/*
 * Block backends: the handle a device or monitor command holds on a node
 * chain.  Asynchronous requests run in a shared worker pool; a backend
 * serialises its own requests (qcow2 metadata is not thread-safe) and the
 * completion callback runs on the worker itself with the BQL held: handing
 * it to the main loop cost a thread wake-up per request (~20-60 us on a
 * busy host) before the device could even raise its interrupt.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "block/block.h"
#include "block/throttle-groups.h"

struct BlockBackend {
    char *name;
    BlockDriverState *bs;
    GMutex lock;          /* one request at a time on the node chain */
    BlockAcctStats stats; /* under lock */
    /*
     * bdrv_getlength() as of the last request, read without the lock:
     * devices check every request's range against it, and waiting for
     * the lock would stall the vCPU behind the request in flight (a
     * 64 MiB fdatasync holds it for tens of milliseconds).  Writes on
     * this backend, block_resize and a new top (snapshots) change it.
     */
    int64_t length;
    int in_flight;        /* under the BQL */
    GCond drained;        /* in_flight reached 0; waited on with the BQL */
    int refcnt;
    void (*resize_cb)(void *opaque);  /* the device's: the size changed */
    void *resize_opaque;
    ThrottleGroupMember *tgm;  /* I/O limits; NULL: unthrottled */
};

/* Every backend, so that resizing a node can tell the devices on it. */
static GList *backends;

typedef enum BlkReqType {
    BLK_REQ_READ,
    BLK_REQ_WRITE,
    BLK_REQ_FLUSH,
    BLK_REQ_DISCARD,
    BLK_REQ_ZEROES,
} BlkReqType;

typedef enum BlkAcctType {
    BLK_ACCT_READ,
    BLK_ACCT_WRITE,
    BLK_ACCT_FLUSH,
    BLK_ACCT_UNMAP,
} BlkAcctType;

/* Called with blk->lock held, after the request ran for @ns. */
static void blk_account(BlockBackend *blk, BlkAcctType type, uint64_t offset,
                        uint64_t bytes, int ret, int64_t ns)
{
    BlockAcctStats *st = &blk->stats;
    st->last_io_ns = g_get_monotonic_time() * 1000;
    switch (type) {
    case BLK_ACCT_READ:
        st->rd_ops++;
        st->rd_time_ns += ns;
        if (ret < 0) {
            st->failed_rd++;
        } else {
            st->rd_bytes += bytes;
        }
        break;
    case BLK_ACCT_WRITE:
        st->wr_ops++;
        st->wr_time_ns += ns;
        if (ret < 0) {
            st->failed_wr++;
        } else {
            st->wr_bytes += bytes;
            st->wr_highest_offset = MAX(st->wr_highest_offset,
                                        offset + bytes);
        }
        break;
    case BLK_ACCT_FLUSH:
        st->flush_ops++;
        st->flush_time_ns += ns;
        st->failed_flush += ret < 0;
        break;
    case BLK_ACCT_UNMAP:
        st->unmap_ops++;
        st->unmap_time_ns += ns;
        if (ret < 0) {
            st->failed_unmap++;
        } else {
            st->unmap_bytes += bytes;
        }
        break;
    }
}

void blk_get_stats(BlockBackend *blk, BlockAcctStats *out)
{
    g_mutex_lock(&blk->lock);
    *out = blk->stats;
    g_mutex_unlock(&blk->lock);
}

typedef struct BlkRequest {
    BlockBackend *blk;
    BlkReqType type;
    uint64_t offset;
    uint64_t bytes;
    struct iovec *iov;
    int niov;
    int ret;
    BlockCompletionFunc *cb;
    void *opaque;
} BlkRequest;

#define BLK_POOL_THREADS 4

static GThreadPool *blk_pool;

BlockBackend *blk_new(BlockDriverState *bs, const char *name)
{
    BlockBackend *blk = g_new0(BlockBackend, 1);
    blk->bs = bs;
    bs->backends++;
    blk->name = g_strdup(name ? name : "");
    blk->refcnt = 1;
    blk->length = bdrv_getlength(bs);
    g_mutex_init(&blk->lock);
    g_cond_init(&blk->drained);
    backends = g_list_append(backends, blk);
    return blk;
}

void blk_unref(BlockBackend *blk)
{
    if (!blk || --blk->refcnt > 0) {
        return;
    }
    blk_drain(blk);
    if (blk->tgm) {
        throttle_group_unregister(blk->tgm);
    }
    bdrv_flush(blk->bs);
    backends = g_list_remove(backends, blk);
    blk->bs->backends--;
    bdrv_unref(blk->bs);
    g_mutex_clear(&blk->lock);
    g_cond_clear(&blk->drained);
    g_free(blk->name);
    g_free(blk);
}

BlockDriverState *blk_bs(BlockBackend *blk)
{
    return blk->bs;
}

const char *blk_name(BlockBackend *blk)
{
    return blk->name;
}

bool blk_is_read_only(BlockBackend *blk)
{
    return blk->bs->read_only;
}

int64_t blk_getlength(BlockBackend *blk)
{
    return __atomic_load_n(&blk->length, __ATOMIC_RELAXED);
}

/* With blk->lock held, after a request that may have changed it. */
static void blk_update_length(BlockBackend *blk)
{
    __atomic_store_n(&blk->length, bdrv_getlength(blk->bs), __ATOMIC_RELAXED);
}

static int64_t now_ns(void)
{
    return g_get_monotonic_time() * 1000;
}

int blk_pread(BlockBackend *blk, uint64_t offset, uint64_t bytes, void *buf)
{
    g_mutex_lock(&blk->lock);
    int64_t t = now_ns();
    int ret = bdrv_pread(blk->bs, offset, bytes, buf);
    blk_account(blk, BLK_ACCT_READ, offset, bytes, ret, now_ns() - t);
    g_mutex_unlock(&blk->lock);
    return ret;
}

int blk_pwrite(BlockBackend *blk, uint64_t offset, uint64_t bytes,
               const void *buf)
{
    g_mutex_lock(&blk->lock);
    int64_t t = now_ns();
    int ret = bdrv_pwrite(blk->bs, offset, bytes, buf);
    blk_account(blk, BLK_ACCT_WRITE, offset, bytes, ret, now_ns() - t);
    blk_update_length(blk);
    g_mutex_unlock(&blk->lock);
    return ret;
}

int blk_flush(BlockBackend *blk)
{
    g_mutex_lock(&blk->lock);
    int64_t t = now_ns();
    int ret = bdrv_flush(blk->bs);
    blk_account(blk, BLK_ACCT_FLUSH, 0, 0, ret, now_ns() - t);
    g_mutex_unlock(&blk->lock);
    return ret;
}

/* On the worker thread, after the request ran. */
static void blk_complete(BlkRequest *req)
{
    BlockBackend *blk = req->blk;
    bql_lock();
    req->cb(req->opaque, req->ret);
    if (--blk->in_flight == 0) {
        g_cond_broadcast(&blk->drained);
    }
    bql_unlock();
    g_free(req);
}

static void blk_worker(gpointer data, gpointer user)
{
    BlkRequest *req = data;
    BlockBackend *blk = req->blk;
    uint64_t bytes = req->bytes;
    for (int i = 0; i < req->niov; i++) {
        bytes += req->iov[i].iov_len;
    }
    g_mutex_lock(&blk->lock);
    int64_t t = now_ns();
    BlkAcctType acct = BLK_ACCT_WRITE;
    switch (req->type) {
    case BLK_REQ_READ:
        req->ret = bdrv_preadv(blk->bs, req->offset, req->iov, req->niov);
        acct = BLK_ACCT_READ;
        break;
    case BLK_REQ_WRITE:
        req->ret = bdrv_pwritev(blk->bs, req->offset, req->iov, req->niov);
        break;
    case BLK_REQ_FLUSH:
        req->ret = bdrv_flush(blk->bs);
        acct = BLK_ACCT_FLUSH;
        break;
    case BLK_REQ_DISCARD:
        req->ret = bdrv_pdiscard(blk->bs, req->offset, req->bytes);
        acct = BLK_ACCT_UNMAP;
        break;
    case BLK_REQ_ZEROES:
        req->ret = bdrv_pwrite_zeroes(blk->bs, req->offset, req->bytes);
        break;
    }
    blk_account(blk, acct, req->offset, bytes, req->ret, now_ns() - t);
    if (acct == BLK_ACCT_WRITE) {
        blk_update_length(blk);
    }
    g_mutex_unlock(&blk->lock);
    blk_complete(req);
}

/* Into the worker pool (now, or when the throttle group lets it go). */
static void blk_dispatch(void *opaque)
{
    if (!blk_pool) {
        blk_pool = g_thread_pool_new(blk_worker, NULL, BLK_POOL_THREADS,
                                     FALSE, NULL);
    }
    g_thread_pool_push(blk_pool, opaque, NULL);
}

static void blk_submit(BlockBackend *blk, BlkReqType type, uint64_t offset,
                       uint64_t bytes, struct iovec *iov, int niov,
                       BlockCompletionFunc *cb, void *opaque)
{
    BlkRequest *req = g_new0(BlkRequest, 1);
    *req = (BlkRequest) {
        .blk = blk, .type = type, .offset = offset, .bytes = bytes,
        .iov = iov, .niov = niov, .cb = cb, .opaque = opaque,
    };
    blk->in_flight++;
    if (blk->tgm && (type == BLK_REQ_READ || type == BLK_REQ_WRITE)) {
        uint64_t len = 0;
        for (int i = 0; i < niov; i++) {
            len += iov[i].iov_len;
        }
        throttle_group_submit(blk->tgm, type == BLK_REQ_WRITE, len, req);
        return;
    }
    blk_dispatch(req);
}

void blk_aio_preadv(BlockBackend *blk, uint64_t offset, struct iovec *iov,
                    int niov, BlockCompletionFunc *cb, void *opaque)
{
    blk_submit(blk, BLK_REQ_READ, offset, 0, iov, niov, cb, opaque);
}

void blk_aio_pwritev(BlockBackend *blk, uint64_t offset, struct iovec *iov,
                     int niov, BlockCompletionFunc *cb, void *opaque)
{
    blk_submit(blk, BLK_REQ_WRITE, offset, 0, iov, niov, cb, opaque);
}

void blk_aio_flush(BlockBackend *blk, BlockCompletionFunc *cb, void *opaque)
{
    blk_submit(blk, BLK_REQ_FLUSH, 0, 0, NULL, 0, cb, opaque);
}

void blk_aio_pdiscard(BlockBackend *blk, uint64_t offset, uint64_t bytes,
                      BlockCompletionFunc *cb, void *opaque)
{
    blk_submit(blk, BLK_REQ_DISCARD, offset, bytes, NULL, 0, cb, opaque);
}

void blk_aio_pwrite_zeroes(BlockBackend *blk, uint64_t offset, uint64_t bytes,
                           BlockCompletionFunc *cb, void *opaque)
{
    blk_submit(blk, BLK_REQ_ZEROES, offset, bytes, NULL, 0, cb, opaque);
}

void blk_set_resize_cb(BlockBackend *blk, void (*cb)(void *opaque),
                       void *opaque)
{
    blk->resize_cb = cb;
    blk->resize_opaque = opaque;
}

GList *blk_all(void)
{
    return backends;
}

void bdrv_drain_backends(BlockDriverState *bs)
{
    for (GList *l = backends; l; l = l->next) {
        BlockBackend *blk = l->data;
        if (blk->bs == bs) {
            blk_drain(blk);
        }
    }
}

int bdrv_replace_in_backends(BlockDriverState *old, BlockDriverState *new)
{
    int n = 0;

    for (GList *l = backends; l; l = l->next) {
        BlockBackend *blk = l->data;
        if (blk->bs == old) {
            g_mutex_lock(&blk->lock);
            bdrv_ref(new);
            new->backends++;
            blk->bs = new;
            old->backends--;
            bdrv_unref(old);
            blk_update_length(blk);
            g_mutex_unlock(&blk->lock);
            n++;
        }
    }
    return n;
}

int bdrv_resize(BlockDriverState *bs, uint64_t size, Error **errp)
{
    int ret;

    /* No request may run on the chain while its metadata changes. */
    bdrv_drain_backends(bs);
    ret = bdrv_truncate(bs, size, errp);
    if (ret < 0) {
        return ret;
    }
    for (GList *l = backends; l; l = l->next) {
        BlockBackend *blk = l->data;
        if (blk->bs != bs) {
            continue;
        }
        g_mutex_lock(&blk->lock);
        blk_update_length(blk);
        g_mutex_unlock(&blk->lock);
        if (blk->resize_cb) {
            blk->resize_cb(blk->resize_opaque);
        }
    }
    return 0;
}

/* Called with the BQL held (completions need it, so it is released while
 * waiting). */
void blk_drain(BlockBackend *blk)
{
    /* As QEMU's drained sections: throttled requests go now. */
    if (blk->tgm) {
        throttle_group_restart(blk->tgm);
    }
    while (blk->in_flight > 0) {
        g_cond_wait(&blk->drained, bql_mutex());
    }
}

bool blk_set_io_limits(BlockBackend *blk, const ThrottleConfig *cfg,
                       const char *group, Error **errp)
{
    if (!throttle_is_valid(cfg, errp)) {
        return false;
    }
    if (!throttle_enabled(cfg)) {
        if (blk->tgm) {
            throttle_group_unregister(blk->tgm);
            blk->tgm = NULL;
        }
        return true;
    }
    if (blk->tgm && group &&
        strcmp(group, throttle_group_get_name(blk->tgm))) {
        throttle_group_unregister(blk->tgm);
        blk->tgm = NULL;
    }
    if (!blk->tgm) {
        blk->tgm = throttle_group_register(group ? group : blk->name,
                                           blk_dispatch);
    }
    throttle_group_config(blk->tgm, cfg);
    return true;
}

const char *blk_get_io_limits(BlockBackend *blk, ThrottleConfig *cfg)
{
    if (!blk->tgm) {
        return NULL;
    }
    throttle_group_get_config(blk->tgm, cfg);
    return throttle_group_get_name(blk->tgm);
}

void bdrv_lock_backends(BlockDriverState *bs)
{
    for (GList *l = backends; l; l = l->next) {
        BlockBackend *blk = l->data;
        if (blk->bs == bs) {
            g_mutex_lock(&blk->lock);
        }
    }
}

void bdrv_unlock_backends(BlockDriverState *bs)
{
    for (GList *l = backends; l; l = l->next) {
        BlockBackend *blk = l->data;
        if (blk->bs == bs) {
            g_mutex_unlock(&blk->lock);
        }
    }
}
