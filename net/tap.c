/*
 * The tap backend (Linux /dev/net/tun, IFF_TAP|IFF_NO_PI): QEMU's ifname=,
 * fd=, script=/downscript= (default /etc/qemu-ifup and /etc/qemu-ifdown,
 * "no" for none; run with the interface name, the downscript at exit) and
 * vnet_hdr=on|off (frames carry a virtio_net_hdr; added or stripped here
 * for NICs that do not use it), queues=N (IFF_MULTI_QUEUE: N fds on one
 * interface, each a client of its own) and fds=A:B:... (passed queue
 * fds).  A queue the NIC disabled is detached (TUNSETQUEUE) and not read.
 * Not modelled: vhost, helper, br.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "clients.h"
#include <glib-unix.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <net/if.h>
#include <linux/if_tun.h>

#define TAP_DEFAULT_SCRIPT "/etc/qemu-ifup"
#define TAP_DEFAULT_DOWNSCRIPT "/etc/qemu-ifdown"
#define TAP_VNET_HDR_LEN 10     /* struct virtio_net_hdr */
/* Packets read per wakeup before returning to the main loop. */
#define TAP_READ_BURST 64

typedef struct TAPState {
    NetClientState nc;
    int fd;
    char ifname[IFNAMSIZ];
    char *downscript;
    guint read_watch, write_watch;
    bool read_paused;            /* the peer queued a packet: wait */
    bool enabled;                /* attached queue (multiqueue) */
    int host_vnet_hdr_len;       /* 0, or the header the fd carries */
    bool using_vnet_hdr;         /* the NIC gives and takes the header */
    uint8_t buf[NET_MAX_FRAME + TAP_VNET_HDR_LEN + 2];
} TAPState;

static void tap_update_read(TAPState *s);

static void tap_send_completed(NetClientState *nc, ssize_t len)
{
    TAPState *s = (TAPState *)nc;

    s->read_paused = false;
    tap_update_read(s);
}

static gboolean tap_readable(gint fd, GIOCondition cond, gpointer opaque)
{
    TAPState *s = opaque;

    for (int n = 0; n < TAP_READ_BURST && !s->read_paused; n++) {
        ssize_t len = read(s->fd, s->buf, sizeof(s->buf));
        uint8_t *frame = s->buf;

        if (len <= 0) {
            break;
        }
        if (s->host_vnet_hdr_len && !s->using_vnet_hdr) {
            frame += s->host_vnet_hdr_len;
            len -= s->host_vnet_hdr_len;
            if (len <= 0) {
                continue;
            }
        }
        if (qemu_send_packet_async(&s->nc, frame, len,
                                   tap_send_completed) == 0) {
            /* Queued at a full NIC: stop reading until it drains. */
            s->read_paused = true;
        }
    }
    if (s->read_paused) {
        s->read_watch = 0;
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static void tap_update_read(TAPState *s)
{
    if (!s->enabled) {
        if (s->read_watch) {
            g_source_remove(s->read_watch);
            s->read_watch = 0;
        }
        return;
    }
    if (!s->read_paused && !s->read_watch && s->fd >= 0) {
        s->read_watch = g_unix_fd_add(s->fd, G_IO_IN, tap_readable, s);
    }
}

static gboolean tap_writable(gint fd, GIOCondition cond, gpointer opaque)
{
    TAPState *s = opaque;

    s->write_watch = 0;
    qemu_flush_queued_packets(&s->nc);
    return G_SOURCE_REMOVE;
}

static ssize_t tap_receive_iov(NetClientState *nc, const struct iovec *iov,
                               int iovcnt)
{
    TAPState *s = (TAPState *)nc;
    uint8_t hdr[TAP_VNET_HDR_LEN] = { 0 };
    struct iovec v[iovcnt + 1];
    int n = 0;
    ssize_t len;

    if (s->host_vnet_hdr_len && !s->using_vnet_hdr) {
        v[n].iov_base = hdr;       /* "no offloads" header */
        v[n++].iov_len = s->host_vnet_hdr_len;
    }
    memcpy(&v[n], iov, iovcnt * sizeof(*iov));
    n += iovcnt;
    do {
        len = writev(s->fd, v, n);
    } while (len < 0 && errno == EINTR);
    if (len < 0 && errno == EAGAIN) {
        /* Kernel queue full: keep the packet queued until writable. */
        if (!s->write_watch) {
            s->write_watch = g_unix_fd_add(s->fd, G_IO_OUT, tap_writable, s);
        }
        return 0;
    }
    return len < 0 ? len : (ssize_t)net_iov_size(iov, iovcnt);
}

static bool run_script(const char *script, const char *ifname, int keep_fd,
                       Error **errp)
{
    int status;
    pid_t pid = fork();

    if (pid < 0) {
        error_setg_errno(errp, errno, "could not launch network script %s",
                         script);
        return false;
    }
    if (pid == 0) {
        /* The child keeps only stdio and the tap fd. */
        for (int fd = 3; fd < 1024; fd++) {
            if (fd != keep_fd) {
                close(fd);
            }
        }
        execl(script, script, ifname, (char *)NULL);
        _exit(1);
    }
    while (waitpid(pid, &status, 0) != pid) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        return true;
    }
    error_setg(errp, "network script %s failed with status %d", script,
               status);
    return false;
}

static bool tap_has_vnet_hdr(NetClientState *nc)
{
    return ((TAPState *)nc)->host_vnet_hdr_len != 0;
}

static void tap_using_vnet_hdr(NetClientState *nc, bool enable)
{
    ((TAPState *)nc)->using_vnet_hdr = enable;
}

/* Attach or detach this queue of a multiqueue tap (QEMU's tap_enable). */
static void tap_set_queue_enabled(NetClientState *nc, bool enable)
{
    TAPState *s = (TAPState *)nc;
    struct ifreq ifr = { 0 };

    if (s->enabled == enable) {
        return;
    }
    ifr.ifr_flags = enable ? IFF_ATTACH_QUEUE : IFF_DETACH_QUEUE;
    if (ioctl(s->fd, TUNSETQUEUE, &ifr) < 0) {
        /* A single-queue tap: nothing to detach, keep reading. */
        error_report("could not %s queue: %s",
                     enable ? "enable" : "disable", strerror(errno));
        return;
    }
    s->enabled = enable;
    tap_update_read(s);
}

static void tap_cleanup(NetClientState *nc)
{
    TAPState *s = (TAPState *)nc;
    Error *err = NULL;

    if (s->read_watch) {
        g_source_remove(s->read_watch);
    }
    if (s->write_watch) {
        g_source_remove(s->write_watch);
    }
    if (s->downscript && !run_script(s->downscript, s->ifname, s->fd,
                                     &err)) {
        error_report_err(err);
    }
    g_free(s->downscript);
    if (s->fd >= 0) {
        close(s->fd);
    }
}

static const NetClientInfo tap_info = {
    .type = NET_CLIENT_DRIVER_TAP,
    .size = sizeof(TAPState),
    .receive_iov = tap_receive_iov,
    .cleanup = tap_cleanup,
    .has_vnet_hdr = tap_has_vnet_hdr,
    .using_vnet_hdr = tap_using_vnet_hdr,
    .set_queue_enabled = tap_set_queue_enabled,
};

/*
 * Open /dev/net/tun as @ifname (a kernel-chosen name if empty); with
 * @mq_required a queue of a multiqueue interface.
 */
static int tap_open(char *ifname, size_t size, int *vnet_hdr,
                    bool vnet_hdr_required, bool mq_required, Error **errp)
{
    struct ifreq ifr = { 0 };
    unsigned features = 0;
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        error_setg_errno(errp, errno, "could not open %s", "/dev/net/tun");
        return -1;
    }
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (ioctl(fd, TUNGETFEATURES, &features) < 0) {
        features = 0;
    }
    if (*vnet_hdr && (features & IFF_VNET_HDR)) {
        ifr.ifr_flags |= IFF_VNET_HDR;
    } else {
        if (*vnet_hdr && vnet_hdr_required) {
            error_setg(errp, "vnet_hdr=1 requested, but no kernel support "
                       "for IFF_VNET_HDR available");
            close(fd);
            return -1;
        }
        *vnet_hdr = 0;
    }
    if (mq_required) {
        if (!(features & IFF_MULTI_QUEUE)) {
            error_setg(errp, "multiqueue required, but no kernel support "
                       "for IFF_MULTI_QUEUE available");
            close(fd);
            return -1;
        }
        ifr.ifr_flags |= IFF_MULTI_QUEUE;
    }
    if (ifname[0]) {
        g_strlcpy(ifr.ifr_name, ifname, IFNAMSIZ);
    }
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        if (ifname[0]) {
            error_setg_errno(errp, errno, "could not configure %s (%s)",
                             "/dev/net/tun", ifname);
        } else {
            error_setg_errno(errp, errno, "could not configure %s",
                             "/dev/net/tun");
        }
        close(fd);
        return -1;
    }
    g_strlcpy(ifname, ifr.ifr_name, size);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    return fd;
}

/* One queue: a client for @fd, reading at once. */
static TAPState *tap_new_queue(NetClientState *peer, const char *name,
                               int fd, int vnet_hdr, const char *ifname)
{
    TAPState *s = (TAPState *)qemu_new_net_client(&tap_info, peer, "tap",
                                                  name);

    s->fd = fd;
    s->enabled = true;
    g_strlcpy(s->ifname, ifname, sizeof(s->ifname));
    s->host_vnet_hdr_len = vnet_hdr ? TAP_VNET_HDR_LEN : 0;
    tap_update_read(s);
    return s;
}

/* Whether the tap fd carries virtio_net_hdr (QEMU's tap_probe_vnet_hdr). */
static int tap_probe_vnet_hdr(int fd, Error **errp)
{
    struct ifreq ifr = { 0 };

    if (ioctl(fd, TUNGETIFF, &ifr) != 0) {
        error_setg_errno(errp, errno, "Unable to query TUNGETIFF on FD %d",
                         fd);
        return -1;
    }
    return !!(ifr.ifr_flags & IFF_VNET_HDR);
}

/*
 * A passed fd (fd=N, an element of fds=): a number, open, made
 * non-blocking; its header mode is what its creator chose.  Returns the
 * fd, or -1.
 */
static int tap_take_fd(const char *str, const char *name, int *vnet_hdr,
                       Error **errp)
{
    uint64_t v;
    int fd, flags;

    if (!qemu_strtou64(str, &v) || v > INT_MAX) {
        error_setg(errp, "Invalid file descriptor number '%s'", str);
        return -1;
    }
    fd = v;
    flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        error_setg_errno(errp, errno, "%s: Can't use file descriptor %d",
                         name, fd);
        return -1;
    }
    *vnet_hdr = tap_probe_vnet_hdr(fd, errp);
    return *vnet_hdr < 0 ? -1 : fd;
}

/* fds=A:B:...: one queue per fd, all with the same header mode. */
static NetClientState *tap_init_fds(const char *fds, const char *name,
                                    Error **errp)
{
    g_auto(GStrv) list = g_strsplit(fds, ":", -1);
    NetClientState *first = NULL;
    int first_hdr = 0;

    if (!list[0]) {
        error_setg(errp, "Invalid file descriptor number ''");
        return NULL;
    }
    /* A trailing ':' ends the list, as in QEMU. */
    for (int i = 0; list[i] && (i == 0 || list[i][0] || list[i + 1]);
         i++) {
        int vnet_hdr, fd = tap_take_fd(list[i], name, &vnet_hdr, errp);
        TAPState *s;

        if (fd < 0) {
            goto fail;
        }
        if (i == 0) {
            first_hdr = vnet_hdr;
        } else if (vnet_hdr != first_hdr) {
            error_setg(errp, "vnet_hdr not consistent across given tap fds");
            goto fail;
        }
        s = tap_new_queue(NULL, name, fd, vnet_hdr, "");
        snprintf(s->nc.info_str, sizeof(s->nc.info_str), "fd=%d", fd);
        first = first ? first : &s->nc;
    }
    return first;

fail:
    qemu_del_netdev_clients(name);
    return NULL;
}

/*
 * ifname=/script=/downscript=/vnet_hdr=/queues=: open @queues fds on one
 * interface; the scripts run for the first queue only, as in QEMU.
 */
static NetClientState *tap_init_open(QemuOpts *opts, const char *name,
                                     NetClientState *peer, int vnet_hdr,
                                     bool vnet_req, unsigned queues,
                                     Error **errp)
{
    const char *ifname = qemu_opt_get(opts, "ifname");
    const char *script = qemu_opt_get(opts, "script");
    const char *downscript = qemu_opt_get(opts, "downscript");
    char ifbuf[IFNAMSIZ] = "";
    NetClientState *first = NULL;

    if (!script) {
        script = TAP_DEFAULT_SCRIPT;
    }
    if (!downscript) {
        downscript = TAP_DEFAULT_DOWNSCRIPT;
    }
    if (ifname) {
        g_strlcpy(ifbuf, ifname, sizeof(ifbuf));
    }
    for (unsigned i = 0; i < queues; i++) {
        /* Later queues join the interface the first one created. */
        int fd = tap_open(ifbuf, sizeof(ifbuf), &vnet_hdr, vnet_req,
                          queues > 1, errp);
        const char *up = i ? "no" : script, *down = i ? "no" : downscript;
        TAPState *s;

        if (fd < 0) {
            goto fail;
        }
        if (strcmp(up, "no") && !run_script(up, ifbuf, fd, errp)) {
            close(fd);
            goto fail;
        }
        s = tap_new_queue(peer, name, fd, vnet_hdr, ifbuf);
        snprintf(s->nc.info_str, sizeof(s->nc.info_str),
                 "ifname=%s,script=%s,downscript=%s", ifbuf, up, down);
        if (strcmp(down, "no")) {
            s->downscript = g_strdup(down);
        }
        first = first ? first : &s->nc;
    }
    return first;

fail:
    if (first) {
        qemu_del_netdev_clients(name);
    }
    return NULL;
}

static NetClientState *net_init_tap(QemuOpts *opts, const char *name,
                                    NetClientState *peer, Error **errp)
{
    const char *fdstr = qemu_opt_get(opts, "fd");
    const char *fds = qemu_opt_get(opts, "fds");
    const char *qstr = qemu_opt_get(opts, "queues");
    const char *vh = qemu_opt_get(opts, "vnet_hdr");
    bool has_open_opts = qemu_opt_get(opts, "ifname") ||
                         qemu_opt_get(opts, "script") ||
                         qemu_opt_get(opts, "downscript") || vh;
    bool vnet_req = false;
    int vnet_hdr = 1, fd;
    uint64_t queues = 1;
    TAPState *s;

    if (vh) {
        if (!qemu_parse_bool("vnet_hdr", vh, &vnet_req, errp)) {
            return NULL;
        }
        vnet_hdr = vnet_req;
    }
    if (qstr && !qemu_strtou64(qstr, &queues)) {
        error_setg(errp, "Parameter 'queues' expects a uint64 value");
        return NULL;
    }
    /* QEMU asserts on queues=0; an error is kinder. */
    if (qstr && (queues < 1 || queues > NET_MAX_QUEUES)) {
        error_setg(errp, "Parameter 'queues' expects a value between 1 and "
                   "%d", NET_MAX_QUEUES);
        return NULL;
    }
    /* The hubs of -net have one port per backend. */
    if (peer && (qstr || fds)) {
        error_setg(errp, "Multiqueue tap cannot be used with hubs");
        return NULL;
    }
    if (fdstr) {
        if (has_open_opts || qstr || fds) {
            error_setg(errp, "ifname=, script=, downscript=, vnet_hdr=, "
                       "helper=, queues=, fds=, and vhostfds= are invalid "
                       "with fd=");
            return NULL;
        }
        fd = tap_take_fd(fdstr, name, &vnet_hdr, errp);
        if (fd < 0) {
            return NULL;
        }
        s = tap_new_queue(peer, name, fd, vnet_hdr, "");
        snprintf(s->nc.info_str, sizeof(s->nc.info_str), "fd=%d", fd);
        return &s->nc;
    }
    if (fds) {
        if (has_open_opts || qstr) {
            error_setg(errp, "ifname=, script=, downscript=, vnet_hdr=, "
                       "helper=, queues=, and vhostfd= are invalid with "
                       "fds=");
            return NULL;
        }
        return tap_init_fds(fds, name, errp);
    }
    return tap_init_open(opts, name, peer, vnet_hdr, vnet_req, queues, errp);
}

static const char *const tap_keys[] = {
    "fd", "fds", "ifname", "script", "downscript", "vnet_hdr", "queues",
    NULL,
};

const NetBackend net_backend_tap = {
    .type = "tap",
    .keys = tap_keys,
    .init = net_init_tap,
};
