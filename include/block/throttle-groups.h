/*
 * Throttle groups: backends that share one set of I/O limits (-drive
 * throttling.group=, block_set_io_throttle's group).  Each member queues
 * the reads and writes that must wait; a timer on the main loop lets them
 * go, one member after the other, as the group's buckets drain.
 * Everything runs with the BQL held.
 */
#ifndef BLOCK_THROTTLE_GROUPS_H
#define BLOCK_THROTTLE_GROUPS_H

#include "qemu/throttle.h"

typedef struct ThrottleGroupMember ThrottleGroupMember;
/* Start a request the group let go (it runs in the worker pool). */
typedef void ThrottleDispatchFunc(void *req);

/* Join group @name, created (unlimited) on first use. */
ThrottleGroupMember *throttle_group_register(const char *name,
                                             ThrottleDispatchFunc *dispatch);
/* Leave the group; queued requests start at once. */
void throttle_group_unregister(ThrottleGroupMember *m);
const char *throttle_group_get_name(ThrottleGroupMember *m);
void throttle_group_get_config(ThrottleGroupMember *m, ThrottleConfig *cfg);
/* New limits for the whole group (block_set_io_throttle). */
void throttle_group_config(ThrottleGroupMember *m, const ThrottleConfig *cfg);
/* Start @req (a read or write of @bytes) now, or queue it until allowed. */
void throttle_group_submit(ThrottleGroupMember *m, bool is_write,
                           uint64_t bytes, void *req);
/* Start everything @m has queued, limits or not (draining). */
void throttle_group_restart(ThrottleGroupMember *m);

#endif
