/*
 * Starting a mirror job (block/mirror.c): drive-mirror, blockdev-mirror
 * and active block-commit (@base set: the target is @base's writable
 * twin and replaces it).
 */
#ifndef BLOCK_MIRROR_H
#define BLOCK_MIRROR_H

#include "block/blockjob.h"

typedef struct MirrorStartArgs {
    BlockJobOptions opts;
    BlockDriverState *source;
    BlockDriverState *target;
    BlockDriverState *base;
    MirrorSyncMode sync;
    const char *node_name;
    int64_t granularity;
} MirrorStartArgs;

BlockJob *mirror_start(const MirrorStartArgs *a, Error **errp);

#endif
