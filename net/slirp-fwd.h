/*
 * The user backend's state and its port forwarding (private to net/):
 * hostfwd (host socket -> guest port) and guestfwd (guest connection to
 * server:port -> a command or a chardev).
 */
#ifndef NET_SLIRP_FWD_H
#define NET_SLIRP_FWD_H

#include "net/net.h"
#include "slirp-loop.h"

typedef struct SlirpState {
    NetClientState nc;
    Slirp *slirp;
    SlirpLoop *loop;
    struct in_addr vnetwork;
    GPtrArray *guestfwds;        /* GuestFwd *, chardev-backed rules */
} SlirpState;

/* Add "[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport". */
bool slirp_hostfwd(SlirpState *s, const char *rule, Error **errp);
/* Remove "[tcp|udp]:[hostaddr]:hostport", printing QEMU's result line. */
void slirp_hostfwd_remove(SlirpState *s, const char *rule, GString *out);
/* Add "[tcp]:[server]:port-cmd:COMMAND" or "...-CHARDEV_SPEC". */
bool slirp_guestfwd(SlirpState *s, const char *rule, Error **errp);
void slirp_fwd_cleanup(SlirpState *s);

#endif
