/*
 * Block jobs (QEMU 7.2's job layer): background copies (stream, commit,
 * mirror, backup) that run on the main loop in chunks from a timer while
 * the guest keeps running.  The state machine, ids, events and verbs
 * are QEMU's (qapi/job.json), with its error policies (job-error.c);
 * not modelled: transactions, iothreads.
 */
#ifndef BLOCK_BLOCKJOB_H
#define BLOCK_BLOCKJOB_H

#include "block/block.h"
#include "block/dirty-bitmap.h"
#include "qapi/qapi-types.h"

typedef struct BlockJob BlockJob;

/* What a driver's step returned. */
#define JOB_STEP_MORE 1     /* call again after the rate-limit delay */
#define JOB_STEP_DONE 0     /* the work is done: finish successfully */

typedef struct BlockJobDriver {
    JobType type;
    /*
     * One chunk of work, with the BQL held; returns JOB_STEP_MORE,
     * JOB_STEP_DONE or -errno (the job fails with that error).  Adds the
     * bytes it copied to job->offset.  Jobs that go READY keep stepping
     * until completed or cancelled.
     */
    int (*step)(BlockJob *job);
    /* block-job-complete on a READY job: finish at the next step. */
    bool (*complete)(BlockJob *job, Error **errp);
    /* Success: make the graph change (pivot, drop layers); 0 or -errno. */
    int (*commit)(BlockJob *job, Error **errp);
    /* Failure or cancel: undo what commit would have done. */
    void (*abort)(BlockJob *job);
    /* Always last: drop hooks, targets and buffers. */
    void (*clean)(BlockJob *job);
} BlockJobDriver;

struct BlockJob {
    char *id;
    const BlockJobDriver *drv;
    JobStatus status;
    BlockDriverState *bs;       /* the node the job was started on */
    char *device;               /* its drive name, for "Node 'x' is busy" */
    int64_t len;                /* progress total and done, bytes */
    int64_t offset;
    int64_t speed;              /* bytes/s, 0: unlimited */
    int64_t transferred;        /* bytes actually copied: what speed limits */
    bool auto_finalize;
    bool auto_dismiss;
    bool user_paused;
    bool cancelled;
    bool force_cancel;          /* cancel after READY without completing */
    bool completing;            /* block-job-complete was accepted */
    int ret;                    /* result once the work is over */
    /* Error policies (QEMU's on-error / on-source-error / -target-error). */
    BlockdevOnError on_source_error;
    BlockdevOnError on_target_error;
    BlockDeviceIoStatus iostatus;   /* query-block-jobs io-status */
    bool io_failed;             /* the step's error came from a copy */
    bool io_failed_write;       /* ... and from its write */
    int64_t ignore_skip;        /* bytes "ignore" skips (stream), 0: retry */
    int deferred_ret;           /* an ignored error that fails it at the end */
    char *error;                /* message of a failed job */
    struct QEMUTimer *timer;
    GSList *held;               /* nodes marked busy (of BlockDriverState) */
    void *opaque;               /* the driver's state */
};

/*
 * block_job_create: a job of @drv on @bs named @job_id (NULL: the drive
 * name of @bs, as QEMU defaults it), status "created"; @bs NULL: a job
 * on no node, which needs @job_id.  Checks the id
 * and that @bs is not busy, with QEMU's messages.  @speed < 0 fails.
 */
BlockJob *block_job_create(const BlockJobDriver *drv, const char *job_id,
                           BlockDriverState *bs, int64_t speed,
                           bool auto_finalize, bool auto_dismiss,
                           Error **errp);
/*
 * The options every block job command takes, with QEMU's defaults for the
 * absent ones: job-id (NULL: the drive's name), speed (0: unlimited),
 * auto-finalize and auto-dismiss (true), on-source-error and
 * on-target-error (report; stream and commit pass their on-error twice).
 */
typedef struct BlockJobOptions {
    const char *job_id;
    int64_t speed;
    bool auto_finalize;
    bool auto_dismiss;
    BlockdevOnError on_source_error;
    BlockdevOnError on_target_error;
} BlockJobOptions;

BlockJobOptions block_job_options(bool has_job_id, const char *job_id,
                                  bool has_speed, int64_t speed,
                                  bool has_auto_finalize, bool auto_finalize,
                                  bool has_auto_dismiss, bool auto_dismiss,
                                  bool has_on_source_error,
                                  BlockdevOnError on_source_error,
                                  bool has_on_target_error,
                                  BlockdevOnError on_target_error);
/* block_job_create() with @o, its error policies set. */
BlockJob *block_job_create_with(const BlockJobDriver *drv,
                                const BlockJobOptions *o,
                                BlockDriverState *bs, Error **errp);
/* A job with a node (@bs NULL at create: a plain job, blockdev-create). */
bool block_job_is_block(BlockJob *job);
/* Hold @bs for the job: other jobs and blockdev-del see it busy. */
void block_job_hold_node(BlockJob *job, BlockDriverState *bs);
/* Set the error policies (report unless given; stream/commit: both). */
void block_job_set_on_error(BlockJob *job, BlockdevOnError source,
                            BlockdevOnError target);
/*
 * block_job_copy: read [@off, @off+@n) of @src into @buf and write it to
 * @dst; 0 or -errno.  A failure is marked on @job (io_failed, and
 * whether it was the write) so that the job applies its error policy;
 * @job NULL: a copy outside the job's steps (copy-before-write).
 */
int block_job_copy(BlockJob *job, BlockDriverState *src,
                   BlockDriverState *dst, int64_t off, int64_t n,
                   uint8_t *buf);

/* Start stepping (status "running"). */
void block_job_start(BlockJob *job);
/* A job that failed before it started: "created" -> "null", freed. */
void block_job_early_fail(BlockJob *job);
/* The driver reached the point where it can be completed (mirror). */
void block_job_ready(BlockJob *job);

/* Lookups: by id (job-*) or device/id (block-job-*), QEMU's errors. */
BlockJob *block_job_find(const char *id);
BlockJob *block_job_get(const char *device, Error **errp);
BlockJob *job_get(const char *id, Error **errp);
/* Every job, oldest first (of BlockJob *). */
GList *block_job_list(void);

bool block_job_set_speed(BlockJob *job, int64_t speed, Error **errp);
bool block_job_pause(BlockJob *job, Error **errp);
bool block_job_resume(BlockJob *job, Error **errp);
bool block_job_cancel(BlockJob *job, bool force, Error **errp);
bool block_job_complete(BlockJob *job, Error **errp);
bool block_job_finalize(BlockJob *job, Error **errp);
bool block_job_dismiss(BlockJob *job, Error **errp);

/*
 * block_job_check_root: false with QEMU's "Need a root block node" when
 * a mirror or active commit holds @bs (QEMU's filter node sits above it).
 */
bool block_job_check_root(BlockDriverState *bs, Error **errp);
/* The job shows the "paused", "running" pair of QEMU's drained start. */
void block_job_drained_pause(BlockJob *job);

/* Cancel every job (at exit), waiting for none. */
void block_job_cancel_all(void);

/*
 * Shared by commit, stream and mirror (block/commit.c).  Bytes from @off
 * (at most @max) with one allocation status in every layer from @top
 * down to (not including) @base; *@alloc: some layer holds them.
 */
int64_t bdrv_layers_status(BlockDriverState *top, BlockDriverState *base,
                           int64_t off, int64_t max, bool *alloc);

#endif
