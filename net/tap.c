/*
 * The tap backend (Linux /dev/net/tun, IFF_TAP|IFF_NO_PI): QEMU's ifname=,
 * fd=, script=/downscript= (default /etc/qemu-ifup and /etc/qemu-ifdown,
 * "no" for none; run with the interface name, the downscript at exit) and
 * vnet_hdr=on|off (frames carry a virtio_net_hdr; added or stripped here
 * for NICs that do not use it).  Not modelled: queues, vhost, helper, br.
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
};

/* Open /dev/net/tun as @ifname (a kernel-chosen name if empty). */
static int tap_open(char *ifname, size_t size, int *vnet_hdr,
                    bool vnet_hdr_required, Error **errp)
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

static NetClientState *net_init_tap(QemuOpts *opts, const char *name,
                                    NetClientState *peer, Error **errp)
{
    const char *fdstr = qemu_opt_get(opts, "fd");
    const char *ifname = qemu_opt_get(opts, "ifname");
    const char *script = qemu_opt_get(opts, "script");
    const char *downscript = qemu_opt_get(opts, "downscript");
    const char *vh = qemu_opt_get(opts, "vnet_hdr");
    char ifbuf[IFNAMSIZ] = "";
    bool vnet_req = false;
    int vnet_hdr = 1, fd;
    TAPState *s;

    if (vh) {
        if (!qemu_parse_bool("vnet_hdr", vh, &vnet_req, errp)) {
            return NULL;
        }
        vnet_hdr = vnet_req;
    }
    if (fdstr) {
        uint64_t v;

        if (ifname || script || downscript || vh) {
            error_setg(errp, "ifname=, script=, downscript=, vnet_hdr=, "
                       "helper=, queues=, fds=, and vhostfds= are invalid "
                       "with fd=");
            return NULL;
        }
        if (!qemu_strtou64(fdstr, &v) || v > INT_MAX ||
            fcntl((int)v, F_GETFD) < 0) {
            error_setg(errp, "Invalid file descriptor %s", fdstr);
            return NULL;
        }
        fd = v;
        fcntl(fd, F_SETFL, O_NONBLOCK);
        /* A passed fd: its header mode is whatever its creator chose. */
        vnet_hdr = 0;
    } else {
        if (ifname) {
            g_strlcpy(ifbuf, ifname, sizeof(ifbuf));
        }
        fd = tap_open(ifbuf, sizeof(ifbuf), &vnet_hdr, vnet_req, errp);
        if (fd < 0) {
            return NULL;
        }
        if (!script) {
            script = TAP_DEFAULT_SCRIPT;
        }
        if (!downscript) {
            downscript = TAP_DEFAULT_DOWNSCRIPT;
        }
        if (strcmp(script, "no") && !run_script(script, ifbuf, fd, errp)) {
            close(fd);
            return NULL;
        }
    }

    s = (TAPState *)qemu_new_net_client(&tap_info, peer, "tap", name);
    s->fd = fd;
    g_strlcpy(s->ifname, ifbuf, sizeof(s->ifname));
    s->host_vnet_hdr_len = vnet_hdr ? TAP_VNET_HDR_LEN : 0;
    if (fdstr) {
        snprintf(s->nc.info_str, sizeof(s->nc.info_str), "fd=%d", fd);
    } else {
        snprintf(s->nc.info_str, sizeof(s->nc.info_str),
                 "ifname=%s,script=%s,downscript=%s", ifbuf, script,
                 downscript);
        if (strcmp(downscript, "no")) {
            s->downscript = g_strdup(downscript);
        }
    }
    tap_update_read(s);
    return &s->nc;
}

static const char *const tap_keys[] = {
    "fd", "ifname", "script", "downscript", "vnet_hdr", NULL,
};

const NetBackend net_backend_tap = {
    .type = "tap",
    .keys = tap_keys,
    .init = net_init_tap,
};
