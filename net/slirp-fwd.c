/*
 * Port forwarding rules of the user backend, parsed with QEMU's syntax
 * and failure reasons ("Invalid host forwarding rule 'R' (Bad host port)").
 */
#include "qemu/osdep.h"
#include "qemu/option.h"
#include "chardev/char.h"
#include "slirp-fwd.h"
#include <arpa/inet.h>

typedef struct GuestFwd {
    CharFrontend fe;
    Chardev *chr;
    Slirp *slirp;
    struct in_addr server;
    int port;
} GuestFwd;

/*
 * Split *@p at @sep: the part before goes to a new string in *@out and
 * *@p moves past the separator; false when @sep is absent.
 */
static bool take_until(const char **p, char sep, char **out)
{
    const char *s = strchr(*p, sep);

    if (!s) {
        return false;
    }
    *out = g_strndup(*p, s - *p);
    *p = s + 1;
    return true;
}

static bool parse_port(const char *str, int min, int *port)
{
    uint64_t v;

    if (!qemu_strtou64(str, &v) || v > 65535 || (int)v < min) {
        return false;
    }
    *port = v;
    return true;
}

static bool parse_proto(const char *s, int *is_udp)
{
    if (!strcmp(s, "tcp") || !*s) {
        *is_udp = 0;
    } else if (!strcmp(s, "udp")) {
        *is_udp = 1;
    } else {
        return false;
    }
    return true;
}

bool slirp_hostfwd(SlirpState *s, const char *rule, Error **errp)
{
    struct in_addr host_addr = { INADDR_ANY }, guest_addr = { 0 };
    const char *p = rule, *why;
    g_autofree char *proto = NULL, *haddr = NULL, *hport = NULL;
    g_autofree char *gaddr = NULL;
    int is_udp, host_port, guest_port;

    if (!take_until(&p, ':', &proto)) {
        why = "No : separators";
    } else if (!parse_proto(proto, &is_udp)) {
        why = "Bad protocol name";
    } else if (!take_until(&p, ':', &haddr)) {
        why = "Missing : separator";
    } else if (*haddr && !inet_aton(haddr, &host_addr)) {
        why = "Bad host address";
    } else if (!take_until(&p, '-', &hport)) {
        why = "Bad host port separator";
    } else if (!parse_port(hport, 0, &host_port)) {
        why = "Bad host port";
    } else if (!take_until(&p, ':', &gaddr)) {
        why = "Missing guest address";
    } else if (*gaddr && !inet_aton(gaddr, &guest_addr)) {
        why = "Bad guest address";
    } else if (!parse_port(p, 1, &guest_port)) {
        why = "Bad guest port";
    } else {
        /* libslirp puts guest address 0 on the first DHCP address. */
        if (slirp_add_hostfwd(s->slirp, is_udp, host_addr, host_port,
                              guest_addr, guest_port) < 0) {
            error_setg(errp, "Could not set up host forwarding rule '%s'",
                       rule);
            return false;
        }
        return true;
    }
    error_setg(errp, "Invalid host forwarding rule '%s' (%s)", rule, why);
    return false;
}

void slirp_hostfwd_remove(SlirpState *s, const char *rule, GString *out)
{
    struct in_addr host_addr = { INADDR_ANY };
    const char *p = rule;
    g_autofree char *proto = NULL, *haddr = NULL;
    int is_udp, host_port;

    if (!take_until(&p, ':', &proto) || !parse_proto(proto, &is_udp) ||
        !take_until(&p, ':', &haddr) ||
        (*haddr && !inet_aton(haddr, &host_addr)) ||
        !parse_port(p, 0, &host_port)) {
        g_string_append(out, "invalid format\n");
        return;
    }
    g_string_append_printf(out, "host forwarding rule for %s %s\n", rule,
                           slirp_remove_hostfwd(s->slirp, is_udp, host_addr,
                                                host_port)
                           ? "not found" : "removed");
}

/* Guest -> chardev. */
static ssize_t guestfwd_write(const void *buf, size_t len, void *opaque)
{
    GuestFwd *fwd = opaque;

    return chr_fe_write_all(&fwd->fe, buf, len);
}

/* Chardev -> guest, as much as the guest's TCP window takes. */
static int guestfwd_can_read(void *opaque)
{
    GuestFwd *fwd = opaque;

    return slirp_socket_can_recv(fwd->slirp, fwd->server, fwd->port);
}

static void guestfwd_read(void *opaque, const uint8_t *buf, int size)
{
    GuestFwd *fwd = opaque;

    slirp_socket_recv(fwd->slirp, fwd->server, fwd->port, buf, size);
}

bool slirp_guestfwd(SlirpState *s, const char *rule, Error **errp)
{
    struct in_addr server = { 0 };
    const char *p = rule;
    g_autofree char *proto = NULL, *saddr = NULL, *sport = NULL;
    g_autofree char *label = NULL;
    GuestFwd *fwd;
    int port;

    if (!take_until(&p, ':', &proto) || (strcmp(proto, "tcp") && *proto) ||
        !take_until(&p, ':', &saddr) ||
        (*saddr && !inet_aton(saddr, &server)) ||
        !take_until(&p, '-', &sport) || !parse_port(sport, 0, &port)) {
        error_setg(errp, "Invalid guest forwarding rule '%s'", rule);
        return false;
    }
    if (g_str_has_prefix(p, "cmd:")) {
        if (slirp_add_exec(s->slirp, p + 4, &server, port) < 0) {
            error_setg(errp, "Conflicting/invalid host:port in guest "
                       "forwarding rule '%s'", rule);
            return false;
        }
        return true;
    }
    label = g_strdup_printf("guestfwd.tcp.%d", port);
    fwd = g_new0(GuestFwd, 1);
    fwd->chr = chardev_new_legacy(label, p, NULL);
    if (!fwd->chr || !chr_fe_init(&fwd->fe, fwd->chr, NULL)) {
        error_setg(errp, "Could not open guest forwarding device '%s'",
                   label);
        if (fwd->chr) {
            chardev_delete(fwd->chr);
        }
        g_free(fwd);
        return false;
    }
    if (slirp_add_guestfwd(s->slirp, guestfwd_write, fwd, &server,
                           port) < 0) {
        error_setg(errp, "Conflicting/invalid host:port in guest forwarding "
                   "rule '%s'", rule);
        chr_fe_deinit(&fwd->fe);
        chardev_delete(fwd->chr);
        g_free(fwd);
        return false;
    }
    fwd->slirp = s->slirp;
    fwd->server = server;
    fwd->port = port;
    chr_fe_set_handlers(&fwd->fe, guestfwd_can_read, guestfwd_read, NULL,
                        fwd);
    if (!s->guestfwds) {
        s->guestfwds = g_ptr_array_new();
    }
    g_ptr_array_add(s->guestfwds, fwd);
    return true;
}

void slirp_fwd_cleanup(SlirpState *s)
{
    for (guint i = 0; s->guestfwds && i < s->guestfwds->len; i++) {
        GuestFwd *fwd = g_ptr_array_index(s->guestfwds, i);

        chr_fe_deinit(&fwd->fe);
        chardev_delete(fwd->chr);
        g_free(fwd);
    }
    if (s->guestfwds) {
        g_ptr_array_free(s->guestfwds, TRUE);
        s->guestfwds = NULL;
    }
}
