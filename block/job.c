/*
 * The block job layer: ids, QEMU 7.2's job state machine (created,
 * running, paused, ready, standby, waiting, pending, aborting, concluded,
 * null) with its verb table and events, the speed limit, the timer
 * that steps each job on the main loop and what it does with an error
 * policy's action (block/job-error.c).  Not modelled: transactions.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qapi/qapi-events.h"
#include "block/blockjob.h"
#include "block/blockdev.h"
#include "block/job-error.h"

/* Every job, oldest first: query-jobs lists them in this order. */
static GList *jobs;

/* A job with nothing to copy (READY, backup sync=none) looks again after. */
#define JOB_IDLE_POLL_NS (20 * 1000 * 1000)

/* QEMU's JobVerbTable: which status accepts which verb. */
static const bool verb_allowed[JOB_VERB__MAX][JOB_STATUS__MAX] = {
    /*                 U  C  R  P  Y  S  W  D  X  E  N */
    [JOB_VERB_CANCEL]    = {0, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0},
    [JOB_VERB_PAUSE]     = {0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0},
    [JOB_VERB_RESUME]    = {0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0},
    [JOB_VERB_SET_SPEED] = {0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0},
    [JOB_VERB_COMPLETE]  = {0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0},
    [JOB_VERB_FINALIZE]  = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0},
    [JOB_VERB_DISMISS]   = {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0},
};

static bool job_apply_verb(BlockJob *job, JobVerb verb, Error **errp)
{
    if (verb_allowed[verb][job->status]) {
        return true;
    }
    error_setg(errp, "Job '%s' in state '%s' cannot accept command verb '%s'",
               job->id, JobStatus_str(job->status), JobVerb_str(verb));
    return false;
}

/*
 * A job without node (blockdev-create's) is no block job: QEMU sends it
 * no BLOCK_JOB_* event and hides it from query-block-jobs and the
 * block-job-* verbs.
 */
bool block_job_is_block(BlockJob *job)
{
    return job->bs != NULL;
}

static void job_set_status(BlockJob *job, JobStatus status)
{
    job->status = status;
    qapi_event_send_job_status_change(job->id, status);
}

/* QEMU's id_wellformed: a letter, then letters, digits, '-', '.', '_'. */
static bool job_id_wellformed(const char *id)
{
    if (!g_ascii_isalpha(id[0])) {
        return false;
    }
    for (const char *p = id; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("-._", *p)) {
            return false;
        }
    }
    return true;
}

BlockJob *block_job_find(const char *id)
{
    for (GList *l = jobs; l; l = l->next) {
        BlockJob *job = l->data;
        if (!strcmp(job->id, id)) {
            return job;
        }
    }
    return NULL;
}

BlockJob *block_job_get(const char *device, Error **errp)
{
    BlockJob *job = block_job_find(device);
    if (!job || !block_job_is_block(job)) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_ACTIVE,
                  "Block job '%s' not found", device);
        return NULL;
    }
    return job;
}

BlockJob *job_get(const char *id, Error **errp)
{
    BlockJob *job = block_job_find(id);
    if (!job) {
        error_setg(errp, "Job not found");
    }
    return job;
}

GList *block_job_list(void)
{
    return jobs;
}

static void job_tick(void *opaque);

BlockJob *block_job_create(const BlockJobDriver *drv, const char *job_id,
                           BlockDriverState *bs, int64_t speed,
                           bool auto_finalize, bool auto_dismiss,
                           Error **errp)
{
    const char *device = bs ? bdrv_get_device_or_node_name(bs) : NULL;

    if (bs && !bdrv_check_not_busy(bs, device, errp)) {
        return NULL;
    }
    if (!job_id && !bs) {
        error_setg(errp, "An explicit job ID is required");
        return NULL;
    }
    if (!job_id) {
        bool is_drive = bs->node_name == NULL ||
                        strcmp(device, bs->node_name) != 0;
        if (!is_drive || !device[0]) {
            error_setg(errp, "An explicit job ID is required for this node");
            return NULL;
        }
        job_id = device;
    }
    if (!job_id_wellformed(job_id)) {
        error_setg(errp, "Invalid job ID '%s'", job_id);
        return NULL;
    }
    if (block_job_find(job_id)) {
        error_setg(errp, "Job ID '%s' already in use", job_id);
        return NULL;
    }
    BlockJob *job = g_new0(BlockJob, 1);
    job->id = g_strdup(job_id);
    job->drv = drv;
    job->device = g_strdup(device);
    job->bs = bs;
    job->auto_finalize = auto_finalize;
    job->auto_dismiss = auto_dismiss;
    job->timer = timer_new_ns(QEMU_CLOCK_REALTIME, job_tick, job);
    jobs = g_list_append(jobs, job);
    job_set_status(job, JOB_STATUS_CREATED);
    if (bs) {
        block_job_hold_node(job, bs);
    }
    /* QEMU checks the speed after creating the job: "created", "null". */
    if (!block_job_set_speed(job, speed, errp)) {
        block_job_early_fail(job);
        return NULL;
    }
    return job;
}

BlockJobOptions block_job_options(bool has_job_id, const char *job_id,
                                  bool has_speed, int64_t speed,
                                  bool has_auto_finalize, bool auto_finalize,
                                  bool has_auto_dismiss, bool auto_dismiss,
                                  bool has_on_source_error,
                                  BlockdevOnError on_source_error,
                                  bool has_on_target_error,
                                  BlockdevOnError on_target_error)
{
    return (BlockJobOptions) {
        .job_id = has_job_id ? job_id : NULL,
        .speed = has_speed ? speed : 0,
        .auto_finalize = !has_auto_finalize || auto_finalize,
        .auto_dismiss = !has_auto_dismiss || auto_dismiss,
        .on_source_error = has_on_source_error ? on_source_error
                                               : BLOCKDEV_ON_ERROR_REPORT,
        .on_target_error = has_on_target_error ? on_target_error
                                               : BLOCKDEV_ON_ERROR_REPORT,
    };
}

BlockJob *block_job_create_with(const BlockJobDriver *drv,
                                const BlockJobOptions *o,
                                BlockDriverState *bs, Error **errp)
{
    BlockJob *job = block_job_create(drv, o->job_id, bs, o->speed,
                                     o->auto_finalize, o->auto_dismiss, errp);
    if (job) {
        block_job_set_on_error(job, o->on_source_error, o->on_target_error);
    }
    return job;
}

void block_job_hold_node(BlockJob *job, BlockDriverState *bs)
{
    if (bs->job == job) {
        return;
    }
    bdrv_ref(bs);
    bs->job = job;
    bs->job_type = JobType_str(job->drv->type);
    job->held = g_slist_prepend(job->held, bs);
}

static void job_release_nodes(BlockJob *job)
{
    for (GSList *l = job->held; l; l = l->next) {
        BlockDriverState *bs = l->data;
        bs->job = NULL;
        bs->job_type = NULL;
        bdrv_unref(bs);
    }
    g_slist_free(job->held);
    job->held = NULL;
}

static void job_free(BlockJob *job)
{
    jobs = g_list_remove(jobs, job);
    timer_del(job->timer);
    timer_free(job->timer);
    job_release_nodes(job);
    g_free(job->id);
    g_free(job->device);
    g_free(job->error);
    g_free(job);
}

void block_job_early_fail(BlockJob *job)
{
    if (job->opaque) {
        job->drv->clean(job);
    }
    job_set_status(job, JOB_STATUS_NULL);
    job_free(job);
}

void block_job_start(BlockJob *job)
{
    job_set_status(job, JOB_STATUS_RUNNING);
    timer_mod_ns(job->timer, qemu_clock_get_ns(QEMU_CLOCK_REALTIME));
}

void block_job_ready(BlockJob *job)
{
    job_set_status(job, JOB_STATUS_READY);
    qapi_event_send_block_job_ready(job->drv->type, job->id, job->len,
                                    job->offset, job->speed);
}

static bool job_is_ready(BlockJob *job)
{
    return job->status == JOB_STATUS_READY ||
           job->status == JOB_STATUS_STANDBY;
}

/* The end of a job: CONCLUDED, and gone unless it waits for dismiss. */
static void job_conclude(BlockJob *job)
{
    job_set_status(job, JOB_STATUS_CONCLUDED);
    if (job->auto_dismiss) {
        job_set_status(job, JOB_STATUS_NULL);
        job_free(job);
    }
}

static void job_fail(BlockJob *job, int ret, bool cancelled)
{
    job_set_status(job, JOB_STATUS_ABORTING);
    if (job->drv->abort) {
        job->drv->abort(job);
    }
    if (job->drv->clean) {
        job->drv->clean(job);
    }
    if (cancelled) {
        if (block_job_is_block(job)) {
            qapi_event_send_block_job_cancelled(job->drv->type, job->id, job->len,
                                                job->offset, job->speed);
        }
        if (!job->error) {
            job->error = g_strdup("Operation canceled");
        }
    } else {
        if (!job->error) {
            job->error = g_strdup(g_strerror(-ret));
        }
        if (block_job_is_block(job)) {
            qapi_event_send_block_job_completed(job->drv->type, job->id,
                                                job->len, job->offset,
                                                job->speed, true, job->error);
        }
    }
    job_conclude(job);
}

/* PENDING -> the graph change -> CONCLUDED (job-finalize or auto). */
static void job_do_finalize(BlockJob *job)
{
    Error *err = NULL;
    int ret = job->drv->commit ? job->drv->commit(job, &err) : 0;
    if (ret < 0) {
        job->error = g_strdup(err ? error_get_pretty(err) : g_strerror(-ret));
        error_free(err);
        job_fail(job, ret, false);
        return;
    }
    if (job->drv->clean) {
        job->drv->clean(job);
    }
    if (block_job_is_block(job)) {
        qapi_event_send_block_job_completed(job->drv->type, job->id, job->len,
                                            job->offset, job->speed, false,
                                            NULL);
    }
    job_conclude(job);
}

static void job_finish(BlockJob *job, int ret)
{
    timer_del(job->timer);
    if (ret < 0) {
        job_fail(job, ret, ret == -ECANCELED);
        return;
    }
    job_set_status(job, JOB_STATUS_WAITING);
    job_set_status(job, JOB_STATUS_PENDING);
    if (job->auto_finalize) {
        job_do_finalize(job);
    } else if (block_job_is_block(job)) {
        qapi_event_send_block_job_pending(job->drv->type, job->id);
    }
}

static bool job_pause_now(BlockJob *job);

/*
 * A step's copy failed with @ret: apply the policy.  Returns what the
 * tick goes on with: @ret (report), JOB_STEP_MORE (ignore: retry, or
 * skip the chunk and fail at the end as QEMU's stream) or 0 after
 * pausing the job (stop).
 */
static int job_io_error(BlockJob *job, int ret, bool *stopped)
{
    BlockErrorAction action = block_job_error_action(job, -ret);

    job->io_failed = false;
    if (action == BLOCK_ERROR_ACTION_STOP) {
        if (!job->user_paused) {
            job_pause_now(job);
        }
        *stopped = true;
        return JOB_STEP_MORE;
    }
    if (action == BLOCK_ERROR_ACTION_IGNORE) {
        if (job->ignore_skip) {
            job->offset += job->ignore_skip;
            if (!job->deferred_ret) {
                job->deferred_ret = ret;
            }
        }
        return JOB_STEP_MORE;
    }
    return ret;
}

static void job_tick(void *opaque)
{
    BlockJob *job = opaque;

    if (job->cancelled && !job->completing) {
        job_finish(job, -ECANCELED);
        return;
    }
    if (job->user_paused) {
        return;
    }
    int64_t before = job->offset, sent = job->transferred;
    job->io_failed = false;
    job->ignore_skip = 0;
    int ret = job->drv->step(job);
    if (ret < 0 && job->io_failed && !job->completing) {
        bool stopped = false;
        ret = job_io_error(job, ret, &stopped);
        if (stopped) {
            return;
        }
    }
    if (ret == JOB_STEP_DONE && job->deferred_ret) {
        ret = job->deferred_ret;
    }
    if (ret != JOB_STEP_MORE) {
        job_finish(job, ret);
        return;
    }
    int64_t copied = job->transferred - sent;
    int64_t delay = 0;
    if (job->speed && copied) {
        delay = (int64_t)((double)copied * 1e9 / job->speed);
    } else if (!copied && job->offset == before) {
        delay = JOB_IDLE_POLL_NS;
    }
    timer_mod_ns(job->timer, qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + delay);
}

bool block_job_set_speed(BlockJob *job, int64_t speed, Error **errp)
{
    if (!job_apply_verb(job, JOB_VERB_SET_SPEED, errp)) {
        return false;
    }
    if (speed < 0) {
        error_setg(errp, "Parameter 'speed' expects a non-negative value");
        return false;
    }
    int64_t old = job->speed;
    job->speed = speed;
    /* A faster limit takes effect now, not after the old delay. */
    if (job->status == JOB_STATUS_RUNNING && (!speed || speed > old) &&
        timer_pending(job->timer)) {
        timer_mod_ns(job->timer, qemu_clock_get_ns(QEMU_CLOCK_REALTIME));
    }
    return true;
}

static bool job_pause_now(BlockJob *job)
{
    job->user_paused = true;
    timer_del(job->timer);
    job_set_status(job, job_is_ready(job) ? JOB_STATUS_STANDBY
                                          : JOB_STATUS_PAUSED);
    return true;
}

bool block_job_pause(BlockJob *job, Error **errp)
{
    if (!job_apply_verb(job, JOB_VERB_PAUSE, errp)) {
        return false;
    }
    if (job->user_paused) {
        error_setg(errp, "Job is already paused");
        return false;
    }
    return job_pause_now(job);
}

static void job_unpause(BlockJob *job)
{
    job->user_paused = false;
    job->iostatus = BLOCK_DEVICE_IO_STATUS_OK;    /* QEMU resets it too */
    job_set_status(job, job->status == JOB_STATUS_STANDBY ? JOB_STATUS_READY
                                                          : JOB_STATUS_RUNNING);
    timer_mod_ns(job->timer, qemu_clock_get_ns(QEMU_CLOCK_REALTIME));
}

bool block_job_resume(BlockJob *job, Error **errp)
{
    if (!job_apply_verb(job, JOB_VERB_RESUME, errp)) {
        return false;
    }
    if (!job->user_paused) {
        error_setg(errp, "Can't resume a job that was not paused");
        return false;
    }
    job_unpause(job);
    return true;
}

bool block_job_cancel(BlockJob *job, bool force, Error **errp)
{
    if (!job_apply_verb(job, JOB_VERB_CANCEL, errp)) {
        return false;
    }
    if (job->status == JOB_STATUS_CONCLUDED) {
        return block_job_dismiss(job, errp);
    }
    if (job->status == JOB_STATUS_PENDING) {
        job_fail(job, -ECANCELED, true);
        return true;
    }
    /*
     * A READY mirror cancelled without force completes without pivoting:
     * the target is a consistent copy (BLOCK_JOB_COMPLETED).
     */
    job->cancelled = true;
    job->force_cancel = force;
    if (job_is_ready(job) && !force) {
        job->completing = true;
    }
    if (job->user_paused) {
        job_unpause(job);
    }
    timer_mod_ns(job->timer, qemu_clock_get_ns(QEMU_CLOCK_REALTIME));
    return true;
}

bool block_job_complete(BlockJob *job, Error **errp)
{
    if (!job_apply_verb(job, JOB_VERB_COMPLETE, errp)) {
        return false;
    }
    if (job->cancelled || !job->drv->complete) {
        error_setg(errp, "The active block job '%s' cannot be completed",
                   job->id);
        return false;
    }
    if (!job->drv->complete(job, errp)) {
        return false;
    }
    job->completing = true;
    timer_mod_ns(job->timer, qemu_clock_get_ns(QEMU_CLOCK_REALTIME));
    return true;
}

bool block_job_finalize(BlockJob *job, Error **errp)
{
    if (!job_apply_verb(job, JOB_VERB_FINALIZE, errp)) {
        return false;
    }
    job_do_finalize(job);
    return true;
}

bool block_job_dismiss(BlockJob *job, Error **errp)
{
    if (!job_apply_verb(job, JOB_VERB_DISMISS, errp)) {
        return false;
    }
    job_set_status(job, JOB_STATUS_NULL);
    job_free(job);
    return true;
}

void block_job_cancel_all(void)
{
    while (jobs) {
        BlockJob *job = jobs->data;
        timer_del(job->timer);
        if (job->opaque) {
            if (job->drv->abort) {
                job->drv->abort(job);
            }
            if (job->drv->clean) {
                job->drv->clean(job);
            }
        }
        job_free(job);
    }
}

bool block_job_check_root(BlockDriverState *bs, Error **errp)
{
    if (bs->job && bs->job->bs == bs &&
        (bs->job->drv->type == JOB_TYPE_MIRROR ||
         (bs->job->drv->type == JOB_TYPE_COMMIT && bs->job->drv->complete))) {
        error_setg(errp, "Need a root block node");
        return false;
    }
    return true;
}

void block_job_drained_pause(BlockJob *job)
{
    job_set_status(job, JOB_STATUS_PAUSED);
    job_set_status(job, JOB_STATUS_RUNNING);
}
