/*
 * The "user" backend: libslirp's TCP/IP stack between the guest and host
 * sockets (QEMU's -netdev user: net, host, dhcpstart, dns, hostname,
 * domainname, dnssearch, restrict, ipv4, ipv6 and their defaults
 * 10.0.2.0/24, .2 gateway, .3 DNS, .15 first DHCP address; hostfwd,
 * guestfwd; tftp/bootfile).  smb= is not supported.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "net/net-setup.h"
#include "clients.h"
#include "hub.h"
#include "slirp-loop.h"
#include "slirp-fwd.h"
#include <arpa/inet.h>

static GPtrArray *slirp_stacks;      /* SlirpState *, creation order */

static ssize_t slirp_send_packet(const void *buf, size_t len, void *opaque)
{
    SlirpState *s = opaque;

    /* No sent callback: if the NIC is full, TCP retransmits. */
    return qemu_send_packet(&s->nc, buf, len);
}

static void slirp_guest_error(const char *msg, void *opaque)
{
    qemu_log_mask(LOG_GUEST_ERROR, "%s\n", msg);
}

/* Sockets are polled through slirp_pollfds_fill; nothing to track here. */
static void slirp_register_poll_fd(int fd, void *opaque)
{
}

static void slirp_unregister_poll_fd(int fd, void *opaque)
{
}

static const SlirpCb slirp_callbacks = {
    .send_packet = slirp_send_packet,
    .guest_error = slirp_guest_error,
    .clock_get_ns = slirp_loop_clock_get_ns,
    .timer_new = slirp_loop_timer_new,
    .timer_free = slirp_loop_timer_free,
    .timer_mod = slirp_loop_timer_mod,
    .register_poll_fd = slirp_register_poll_fd,
    .unregister_poll_fd = slirp_unregister_poll_fd,
    .notify = slirp_loop_notify,
};

static ssize_t slirp_receive_iov(NetClientState *nc, const struct iovec *iov,
                                 int iovcnt)
{
    SlirpState *s = (SlirpState *)nc;
    size_t len = net_iov_size(iov, iovcnt);

    if (iovcnt == 1) {
        slirp_input(s->slirp, iov[0].iov_base, len);
    } else {
        g_autofree uint8_t *buf = g_malloc(len);

        net_iov_to_buf(iov, iovcnt, 0, buf, len);
        slirp_input(s->slirp, buf, len);
    }
    /*
     * The guest may have opened a socket (a TCP SYN): the main loop must
     * poll it now rather than after its current timeout.
     */
    slirp_loop_input_done(s->loop);
    return len;
}

static void slirp_client_cleanup(NetClientState *nc)
{
    SlirpState *s = (SlirpState *)nc;

    slirp_fwd_cleanup(s);
    slirp_loop_detach(s->loop);
    slirp_cleanup(s->slirp);
    g_ptr_array_remove(slirp_stacks, s);
}

static const NetClientInfo slirp_info = {
    .type = NET_CLIENT_DRIVER_USER,
    .size = sizeof(SlirpState),
    .receive_iov = slirp_receive_iov,
    .cleanup = slirp_client_cleanup,
    /* slirp's TCP takes any segment its window allows, up to 64 KiB. */
    .takes_tso_frames = true,
};

/* QEMU's classful default mask when net= has no /mask. */
static uint32_t classful_mask(uint32_t addr)
{
    if (!(addr & 0x80000000)) {
        return 0xff000000;                  /* class A */
    } else if ((addr & 0xfff00000) == 0xac100000) {
        return 0xfff00000;                  /* 172.16.0.0/12 */
    } else if ((addr & 0xc0000000) == 0x80000000) {
        return 0xffff0000;                  /* class B */
    } else if ((addr & 0xffff0000) == 0xc0a80000) {
        return 0xffff0000;                  /* 192.168.0.0/16 */
    } else if ((addr & 0xffff0000) == 0xc6120000) {
        return 0xfffe0000;                  /* 198.18.0.0/15 */
    } else if ((addr & 0xe0000000) == 0xe0000000) {
        return 0xffffff00;                  /* class C */
    }
    return 0xfffffff0;
}

static bool parse_vnetwork(const char *str, struct in_addr *net,
                           struct in_addr *mask, Error **errp)
{
    const char *slash = strchr(str, '/');
    g_autofree char *addr = g_strndup(str, slash ? slash - str
                                                 : (ptrdiff_t)strlen(str));

    if (!inet_aton(addr, net)) {
        error_setg(errp, "Failed to parse netmask");
        return false;
    }
    if (!slash) {
        mask->s_addr = htonl(classful_mask(ntohl(net->s_addr)));
    } else {
        char *end;
        long shift = strtol(slash + 1, &end, 10);

        if (*end != '\0' || end == slash + 1) {
            if (!inet_aton(slash + 1, mask)) {
                error_setg(errp, "Failed to parse netmask");
                return false;
            }
        } else if (shift < 4 || shift > 32) {
            error_setg(errp, "Invalid netmask provided (must be in range "
                       "4-32)");
            return false;
        } else {
            mask->s_addr = htonl(shift == 32 ? 0xffffffff
                                             : ~(0xffffffffu >> shift));
        }
    }
    net->s_addr &= mask->s_addr;
    return true;
}

static bool opt_bool(QemuOpts *opts, const char *key, bool def, bool *out,
                     Error **errp)
{
    const char *v = qemu_opt_get(opts, key);

    *out = def;
    return !v || qemu_parse_bool(key, v, out, errp);
}

/* The IPv4 plan: network, host, DNS and DHCP start, checked as QEMU does. */
static bool slirp_ipv4_config(QemuOpts *opts, SlirpConfig *cfg,
                              Error **errp)
{
    const char *vnet = qemu_opt_get(opts, "net");
    const char *vhost = qemu_opt_get(opts, "host");
    const char *vdns = qemu_opt_get(opts, "dns");
    const char *vdhcp = qemu_opt_get(opts, "dhcpstart");
    struct in_addr net = { htonl(0x0a000200) };
    struct in_addr mask = { htonl(0xffffff00) };
    struct in_addr host = { htonl(0x0a000202) };
    struct in_addr dhcp = { htonl(0x0a00020f) };
    struct in_addr dns = { htonl(0x0a000203) };

    if (vnet) {
        if (!parse_vnetwork(vnet, &net, &mask, errp)) {
            return false;
        }
        host.s_addr = net.s_addr | (htonl(0x0202) & ~mask.s_addr);
        dhcp.s_addr = net.s_addr | (htonl(0x020f) & ~mask.s_addr);
        dns.s_addr = net.s_addr | (htonl(0x0203) & ~mask.s_addr);
    }
    if (vhost && !inet_aton(vhost, &host)) {
        error_setg(errp, "Failed to parse host");
        return false;
    }
    if ((host.s_addr & mask.s_addr) != net.s_addr) {
        error_setg(errp, "Host doesn't belong to network");
        return false;
    }
    if (vdns && !inet_aton(vdns, &dns)) {
        error_setg(errp, "Failed to parse DNS");
        return false;
    }
    if (cfg->restricted && (dns.s_addr & mask.s_addr) != net.s_addr) {
        error_setg(errp, "DNS doesn't belong to network");
        return false;
    }
    if (dns.s_addr == host.s_addr) {
        error_setg(errp, "DNS must be different from host");
        return false;
    }
    if (vdhcp && !inet_aton(vdhcp, &dhcp)) {
        error_setg(errp, "Failed to parse DHCP start address");
        return false;
    }
    if ((dhcp.s_addr & mask.s_addr) != net.s_addr) {
        error_setg(errp, "DHCP doesn't belong to network");
        return false;
    }
    if (dhcp.s_addr == host.s_addr || dhcp.s_addr == dns.s_addr) {
        error_setg(errp, "DNS must be different from host and DNS");
        return false;
    }
    cfg->vnetwork = net;
    cfg->vnetmask = mask;
    cfg->vhost = host;
    cfg->vdhcp_start = dhcp;
    cfg->vnameserver = dns;
    return true;
}

static bool slirp_ipv6_config(QemuOpts *opts, SlirpConfig *cfg,
                              Error **errp)
{
    const char *prefix = qemu_opt_get(opts, "ipv6-net");
    const char *host = qemu_opt_get(opts, "ipv6-host");
    const char *dns = qemu_opt_get(opts, "ipv6-dns");
    g_autofree char *addr = NULL;
    long len = 64;

    inet_pton(AF_INET6, "fec0::", &cfg->vprefix_addr6);
    if (prefix) {
        const char *slash = strchr(prefix, '/');

        addr = g_strndup(prefix, slash ? slash - prefix
                                       : (ptrdiff_t)strlen(prefix));
        if (slash) {
            char *end;

            len = strtol(slash + 1, &end, 10);
            if (*end || end == slash + 1 || len < 0 || len > 126) {
                error_setg(errp, "Invalid IPv6 prefix provided "
                           "(IPv6 prefix length must be between 0 and 126)");
                return false;
            }
        }
        if (inet_pton(AF_INET6, addr, &cfg->vprefix_addr6) != 1) {
            error_setg(errp, "Failed to parse IPv6 prefix");
            return false;
        }
    }
    cfg->vprefix_len = len;
    cfg->vhost6 = cfg->vprefix_addr6;
    cfg->vhost6.s6_addr[15] |= 2;
    if (host && inet_pton(AF_INET6, host, &cfg->vhost6) != 1) {
        error_setg(errp, "Failed to parse IPv6 host");
        return false;
    }
    cfg->vnameserver6 = cfg->vprefix_addr6;
    cfg->vnameserver6.s6_addr[15] |= 3;
    if (dns && inet_pton(AF_INET6, dns, &cfg->vnameserver6) != 1) {
        error_setg(errp, "Failed to parse IPv6 DNS");
        return false;
    }
    return true;
}

/* Every value of a repeatable key, marked as read. */
static GPtrArray *opt_all(QemuOpts *opts, const char *key)
{
    GPtrArray *vals = g_ptr_array_new();

    for (guint i = 0; i < opts->opts->len; i++) {
        QemuOpt *o = g_ptr_array_index(opts->opts, i);

        if (!strcmp(o->name, key)) {
            o->used = true;
            g_ptr_array_add(vals, o->str);
        }
    }
    return vals;
}

static NetClientState *net_init_user(QemuOpts *opts, const char *name,
                                     NetClientState *peer, Error **errp)
{
    SlirpConfig cfg = { .version = 4 };
    g_autoptr(GPtrArray) search = opt_all(opts, "dnssearch");
    g_autoptr(GPtrArray) hostfwd = opt_all(opts, "hostfwd");
    g_autoptr(GPtrArray) guestfwd = opt_all(opts, "guestfwd");
    bool ipv4, ipv6, restricted;
    char netbuf[INET_ADDRSTRLEN];
    SlirpState *s;

    if (qemu_opt_get(opts, "smb")) {
        error_setg(errp, "Could not configure SMB: not supported by kemu");
        return NULL;
    }
    if (!opt_bool(opts, "ipv4", true, &ipv4, errp) ||
        !opt_bool(opts, "ipv6", true, &ipv6, errp) ||
        !opt_bool(opts, "restrict", false, &restricted, errp)) {
        return NULL;
    }
    if (!ipv4 && !ipv6) {
        error_setg(errp, "IPv4 and IPv6 disabled");
        return NULL;
    }
    cfg.in_enabled = ipv4;
    cfg.in6_enabled = ipv6;
    cfg.restricted = restricted;
    if (!slirp_ipv4_config(opts, &cfg, errp) ||
        !slirp_ipv6_config(opts, &cfg, errp)) {
        return NULL;
    }
    cfg.vhostname = qemu_opt_get(opts, "hostname");
    cfg.vdomainname = qemu_opt_get(opts, "domainname");
    cfg.tftp_server_name = qemu_opt_get(opts, "tftp-server-name");
    cfg.tftp_path = qemu_opt_get(opts, "tftp");
    cfg.bootfile = qemu_opt_get(opts, "bootfile");
    if (cfg.vdomainname && !*cfg.vdomainname) {
        error_setg(errp, "'domainname' parameter cannot be empty");
        return NULL;
    }
    if (search->len) {
        g_ptr_array_add(search, NULL);
        cfg.vdnssearch = (const char **)search->pdata;
    }

    s = (SlirpState *)qemu_new_net_client(&slirp_info, peer, "user", name);
    s->slirp = slirp_new(&cfg, &slirp_callbacks, s);
    if (!s->slirp) {
        error_setg(errp, "Failed to initialize libslirp");
        qemu_del_net_client(&s->nc);
        return NULL;
    }
    s->loop = slirp_loop_attach(s->slirp);
    s->vnetwork = cfg.vnetwork;
    if (!slirp_stacks) {
        slirp_stacks = g_ptr_array_new();
    }
    g_ptr_array_add(slirp_stacks, s);
    inet_ntop(AF_INET, &cfg.vnetwork, netbuf, sizeof(netbuf));
    snprintf(s->nc.info_str, sizeof(s->nc.info_str), "net=%s,restrict=%s",
             netbuf, restricted ? "on" : "off");

    for (guint i = 0; i < hostfwd->len; i++) {
        if (!slirp_hostfwd(s, g_ptr_array_index(hostfwd, i), errp)) {
            goto fail;
        }
    }
    for (guint i = 0; i < guestfwd->len; i++) {
        if (!slirp_guestfwd(s, g_ptr_array_index(guestfwd, i), errp)) {
            goto fail;
        }
    }
    return &s->nc;
fail:
    qemu_del_net_client(&s->nc);
    return NULL;
}

static const char *const user_keys[] = {
    "ipv4", "ipv6", "net", "host", "ipv6-net", "ipv6-prefix",
    "ipv6-prefixlen", "ipv6-host", "ipv6-dns", "restrict", "hostname",
    "dhcpstart", "dns", "dnssearch", "domainname", "tftp",
    "tftp-server-name", "bootfile", "hostfwd", "guestfwd", "smb",
    "smbserver", NULL,
};

const NetBackend net_backend_user = {
    .type = "user",
    .keys = user_keys,
    .init = net_init_user,
};

/* ---- monitor: info usernet, hostfwd_add / hostfwd_remove ---- */

void net_slirp_info_usernet(GString *out)
{
    for (guint i = 0; slirp_stacks && i < slirp_stacks->len; i++) {
        SlirpState *s = g_ptr_array_index(slirp_stacks, i);
        g_autofree char *table = slirp_connection_info(s->slirp);
        int hub = -1;

        net_hub_id_for_client(&s->nc, &hub);
        g_string_append_printf(out, "Hub %d (%s):\n%s", hub, s->nc.name,
                               table);
    }
}

/* QEMU's slirp_lookup: a named user netdev, or the first one. */
static SlirpState *slirp_lookup(const char *id, GString *out)
{
    if (id) {
        NetClientState *nc = qemu_find_netdev(id);

        if (!nc) {
            g_string_append_printf(out, "unrecognized netdev id '%s'\n", id);
            return NULL;
        }
        if (nc->info != &slirp_info) {
            g_string_append(out, "invalid device specified\n");
            return NULL;
        }
        return (SlirpState *)nc;
    }
    if (!slirp_stacks || !slirp_stacks->len) {
        g_string_append(out, "user mode network stack not in use\n");
        return NULL;
    }
    return g_ptr_array_index(slirp_stacks, 0);
}

void net_slirp_hostfwd_add(const char *netdev, const char *rule,
                           GString *out)
{
    SlirpState *s = slirp_lookup(netdev, out);
    Error *err = NULL;

    if (s && !slirp_hostfwd(s, rule, &err)) {
        g_string_append_printf(out, "%s\n", error_get_pretty(err));
        error_free(err);
    }
}

void net_slirp_hostfwd_remove(const char *netdev, const char *rule,
                              GString *out)
{
    SlirpState *s = slirp_lookup(netdev, out);

    if (s) {
        slirp_hostfwd_remove(s, rule, out);
    }
}
