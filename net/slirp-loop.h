/*
 * libslirp on kemu's main loop (private to net/): a GSource that hands
 * slirp's sockets to GLib's poll and runs slirp after it, and slirp timers
 * on kemu's timer API.
 */
#ifndef NET_SLIRP_LOOP_H
#define NET_SLIRP_LOOP_H

#include <libslirp.h>

typedef struct SlirpLoop SlirpLoop;

/* Attach @slirp to the default main context; NULL-safe detach below. */
SlirpLoop *slirp_loop_attach(Slirp *slirp);
void slirp_loop_detach(SlirpLoop *loop);
/* slirp_input() ran: wake the main loop if it must poll something new. */
void slirp_loop_input_done(SlirpLoop *loop);

/* SlirpCb timer and clock callbacks (opaque: anything). */
int64_t slirp_loop_clock_get_ns(void *opaque);
void *slirp_loop_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque);
void slirp_loop_timer_free(void *timer, void *opaque);
void slirp_loop_timer_mod(void *timer, int64_t expire_ms, void *opaque);
void slirp_loop_notify(void *opaque);

#endif
