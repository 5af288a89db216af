/*
 * QMP commands of the job layer: query-jobs, query-block-jobs, the
 * job-* verbs (by job id) and the block-job-* verbs (by device, which is
 * the job id too, with QEMU's DeviceNotActive error).
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "block/blockjob.h"

JobInfoList *qmp_query_jobs(Error **errp)
{
    JobInfoList *head = NULL, **tail = &head;

    for (GList *l = block_job_list(); l; l = l->next) {
        BlockJob *job = l->data;
        JobInfo *info = g_new0(JobInfo, 1);
        info->id = g_strdup(job->id);
        info->type = job->drv->type;
        info->status = job->status;
        info->current_progress = job->offset;
        info->total_progress = job->len;
        info->has_error = job->error != NULL;
        info->error = g_strdup(job->error);
        *tail = g_new0(JobInfoList, 1);
        (*tail)->value = info;
        tail = &(*tail)->next;
    }
    return head;
}

BlockJobInfoList *qmp_query_block_jobs(Error **errp)
{
    BlockJobInfoList *head = NULL, **tail = &head;

    for (GList *l = block_job_list(); l; l = l->next) {
        BlockJob *job = l->data;
        if (!block_job_is_block(job)) {
            continue;
        }
        BlockJobInfo *info = g_new0(BlockJobInfo, 1);
        info->type = g_strdup(JobType_str(job->drv->type));
        info->device = g_strdup(job->id);
        info->len = job->len;
        info->offset = job->offset;
        /* Our jobs copy between timer ticks: never busy when asked. */
        info->busy = false;
        info->paused = job->user_paused;
        info->speed = job->speed;
        info->io_status = job->iostatus;
        info->ready = job->status == JOB_STATUS_READY ||
                      job->status == JOB_STATUS_STANDBY;
        info->status = job->status;
        info->auto_finalize = job->auto_finalize;
        info->auto_dismiss = job->auto_dismiss;
        info->has_error = job->error != NULL;
        info->error = g_strdup(job->error);
        *tail = g_new0(BlockJobInfoList, 1);
        (*tail)->value = info;
        tail = &(*tail)->next;
    }
    return head;
}

void qmp_block_job_set_speed(const char *device, int64_t speed, Error **errp)
{
    BlockJob *job = block_job_get(device, errp);
    if (job) {
        block_job_set_speed(job, speed, errp);
    }
}

void qmp_block_job_cancel(const char *device, bool has_force, bool force,
                          Error **errp)
{
    BlockJob *job = block_job_get(device, errp);
    if (job) {
        block_job_cancel(job, has_force && force, errp);
    }
}

void qmp_block_job_pause(const char *device, Error **errp)
{
    BlockJob *job = block_job_get(device, errp);
    if (job) {
        block_job_pause(job, errp);
    }
}

void qmp_block_job_resume(const char *device, Error **errp)
{
    BlockJob *job = block_job_get(device, errp);
    if (job) {
        block_job_resume(job, errp);
    }
}

void qmp_block_job_complete(const char *device, Error **errp)
{
    BlockJob *job = block_job_get(device, errp);
    if (job) {
        block_job_complete(job, errp);
    }
}

void qmp_block_job_dismiss(const char *id, Error **errp)
{
    BlockJob *job = block_job_get(id, errp);
    if (job) {
        block_job_dismiss(job, errp);
    }
}

void qmp_block_job_finalize(const char *id, Error **errp)
{
    BlockJob *job = block_job_get(id, errp);
    if (job) {
        block_job_finalize(job, errp);
    }
}

void qmp_job_pause(const char *id, Error **errp)
{
    BlockJob *job = job_get(id, errp);
    if (job) {
        block_job_pause(job, errp);
    }
}

void qmp_job_resume(const char *id, Error **errp)
{
    BlockJob *job = job_get(id, errp);
    if (job) {
        block_job_resume(job, errp);
    }
}

void qmp_job_cancel(const char *id, Error **errp)
{
    BlockJob *job = job_get(id, errp);
    if (job) {
        /* job-cancel never completes a READY mirror: it is a force. */
        block_job_cancel(job, true, errp);
    }
}

void qmp_job_complete(const char *id, Error **errp)
{
    BlockJob *job = job_get(id, errp);
    if (job) {
        block_job_complete(job, errp);
    }
}

void qmp_job_dismiss(const char *id, Error **errp)
{
    BlockJob *job = job_get(id, errp);
    if (job) {
        block_job_dismiss(job, errp);
    }
}

void qmp_job_finalize(const char *id, Error **errp)
{
    BlockJob *job = job_get(id, errp);
    if (job) {
        block_job_finalize(job, errp);
    }
}
