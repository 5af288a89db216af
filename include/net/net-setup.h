/*
 * Network configuration from the command line and the monitors: -netdev,
 * -nic and -net (QEMU 7.2's syntax and messages), netdev_add/del, the NICs
 * the board must create for -nic / -net nic, and "info network".
 */
#ifndef NET_NET_SETUP_H
#define NET_NET_SETUP_H

#include "net/net.h"

/*
 * One option: @opt is "-netdev", "-nic" or "-net", @arg its argument.
 * Callers pass every -netdev first, then every -nic, then every -net, as
 * QEMU creates them.  "-netdev help" prints the backend list and exits.
 */
bool net_client_add(const char *opt, const char *arg, Error **errp);
/* netdev_add / -netdev from an option string ("user,id=n0,..."). */
bool net_netdev_add(const char *arg, Error **errp);
bool net_netdev_del(const char *id, Error **errp);
/*
 * QEMU's default "-net nic -net user" when no network option was given
 * (and not -nodefaults); @have_nic_model: the board's default NIC exists.
 */
void net_add_default_clients(bool have_nic_model);

/* A NIC requested by -nic or -net nic, for the board to create. */
typedef struct NICInfo {
    char *model;             /* NULL: the board's default */
    MACAddr macaddr;         /* zero: assigned at realize */
    char *netdev;            /* backend or hub port name, or NULL */
    char *devaddr;           /* -net nic,addr= */
    bool instantiated;
} NICInfo;

unsigned net_nic_info_count(void);
NICInfo *net_nic_info(unsigned i);

/* Text of HMP "info network". */
void net_format_info_network(GString *out);

/* "info usernet": each user netdev's hub and libslirp's connection table. */
void net_slirp_info_usernet(GString *out);

/*
 * User networking (net/slirp.c).  @netdev NULL: the first user netdev.
 * Results print as QEMU's HMP texts into @out.
 */
void net_slirp_hostfwd_add(const char *netdev, const char *rule,
                           GString *out);
void net_slirp_hostfwd_remove(const char *netdev, const char *rule,
                              GString *out);

#endif
