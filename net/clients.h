/*
 * Backends (private to net/): each describes the keys -netdev accepts for
 * it and creates its client; net-setup.c checks the keys first.
 */
#ifndef NET_CLIENTS_H
#define NET_CLIENTS_H

#include "qemu/option.h"
#include "net/net.h"

typedef struct NetBackend {
    const char *type;            /* "user" */
    const char *const *keys;     /* accepted besides type and id; NULL-ended */
    /* Create the client @name peered with @peer (a hub port or NULL). */
    NetClientState *(*init)(QemuOpts *opts, const char *name,
                            NetClientState *peer, Error **errp);
} NetBackend;

#ifdef CONFIG_SLIRP
extern const NetBackend net_backend_user;
#endif
extern const NetBackend net_backend_tap;

#endif
