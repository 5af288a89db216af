/* Block job error policies: the action for an I/O error (block/job-error.c). */
#ifndef BLOCK_JOB_ERROR_H
#define BLOCK_JOB_ERROR_H

#include "block/blockjob.h"

/*
 * The action @job's policy picks for the failed copy it recorded
 * (io_failed_write says which side) and positive errno @error; sends
 * BLOCK_JOB_ERROR and, on "stop", sets the job's io-status (QEMU's
 * block_job_error_action).  The caller pauses, retries or fails.
 */
BlockErrorAction block_job_error_action(BlockJob *job, int error);

#endif
