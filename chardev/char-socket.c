/*
 * The "socket" backend: a Unix (path=) or TCP (host=,port=) stream, as a
 * server (server=on, one client at a time; wait=on blocks start-up until
 * the first client) or a client (reconnect=N retries every N seconds).
 * telnet=on negotiates QEMU's options and strips telnet commands from the
 * input.  Output without a connected peer is dropped.  Not modelled:
 * TLS, websocket, tn3270.
 */
#include "qemu/osdep.h"
#include "chardev/chardev-internal.h"
#include "qemu/error-report.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <glib-unix.h>

/* How long a write may wait for a slow peer before output is dropped. */
#define SOCKET_WRITE_TIMEOUT_MS 1000

enum {
    TN_DATA, TN_IAC, TN_OPTION, TN_SB, TN_SB_IAC,
};

#define TN_IAC_CHAR 255
#define TN_SB_CHAR  250
#define TN_SE_CHAR  240
#define TN_BREAK    243

typedef struct SocketChardev {
    Chardev parent;
    bool is_unix;
    bool is_server;
    bool nodelay;
    bool telnet;
    char *path;
    char *host;
    char *port;
    uint64_t reconnect_s;
    int listen_fd;
    guint listen_watch;
    int fd;
    ChrFdReader reader;
    guint reconnect_timer;
    int tn_state;
} SocketChardev;

static void socket_set_disconnected_name(SocketChardev *s)
{
    Chardev *chr = &s->parent;
    const char *srv = s->is_server ? ",server=on" : "";

    g_free(chr->filename);
    if (s->is_unix) {
        chr->filename = g_strdup_printf("disconnected:unix:%s%s",
                                        s->path, srv);
    } else {
        chr->filename = g_strdup_printf("disconnected:%s:%s:%s%s",
                                        s->telnet ? "telnet" : "tcp",
                                        s->host, s->port, srv);
    }
}

static void sockaddr_to_str(int fd, bool peer, char *host, size_t hlen,
                            char *serv, size_t slen)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    int r = peer ? getpeername(fd, (struct sockaddr *)&ss, &len)
                 : getsockname(fd, (struct sockaddr *)&ss, &len);

    if (r < 0 || getnameinfo((struct sockaddr *)&ss, len, host, hlen,
                             serv, slen, NI_NUMERICHOST | NI_NUMERICSERV)) {
        g_strlcpy(host, "?", hlen);
        g_strlcpy(serv, "?", slen);
    }
}

static void socket_set_connected_name(SocketChardev *s)
{
    Chardev *chr = &s->parent;
    const char *srv = s->is_server ? ",server=on" : "";

    g_free(chr->filename);
    if (s->is_unix) {
        chr->filename = g_strdup_printf("unix:%s%s", s->path, srv);
    } else {
        char lh[NI_MAXHOST], ls[NI_MAXSERV], rh[NI_MAXHOST], rs[NI_MAXSERV];

        sockaddr_to_str(s->fd, false, lh, sizeof(lh), ls, sizeof(ls));
        sockaddr_to_str(s->fd, true, rh, sizeof(rh), rs, sizeof(rs));
        chr->filename = g_strdup_printf("%s:%s:%s%s <-> %s:%s",
                                        s->telnet ? "telnet" : "tcp",
                                        lh, ls, srv, rh, rs);
    }
}

/* Strip telnet commands in place; returns the data length left. */
static int socket_telnet_filter(Chardev *chr, uint8_t *buf, int len)
{
    SocketChardev *s = (SocketChardev *)chr;
    int out = 0;

    if (!s->telnet) {
        return len;
    }
    for (int i = 0; i < len; i++) {
        uint8_t c = buf[i];

        switch (s->tn_state) {
        case TN_DATA:
            if (c == TN_IAC_CHAR) {
                s->tn_state = TN_IAC;
            } else {
                buf[out++] = c;
            }
            break;
        case TN_IAC:
            if (c == TN_IAC_CHAR) {
                buf[out++] = c;          /* escaped 0xff */
                s->tn_state = TN_DATA;
            } else if (c == TN_SB_CHAR) {
                s->tn_state = TN_SB;
            } else if (c >= 251) {       /* WILL WONT DO DONT + option */
                s->tn_state = TN_OPTION;
            } else {
                if (c == TN_BREAK) {
                    chr_be_event(chr, CHR_EVENT_BREAK);
                }
                s->tn_state = TN_DATA;
            }
            break;
        case TN_OPTION:
            s->tn_state = TN_DATA;
            break;
        case TN_SB:
            if (c == TN_IAC_CHAR) {
                s->tn_state = TN_SB_IAC;
            }
            break;
        case TN_SB_IAC:
            s->tn_state = c == TN_SE_CHAR ? TN_DATA : TN_SB;
            break;
        }
    }
    return out;
}

static void socket_listen_resume(SocketChardev *s);
static void socket_schedule_reconnect(SocketChardev *s);

static void socket_disconnect(Chardev *chr)
{
    SocketChardev *s = (SocketChardev *)chr;

    chr_fd_reader_stop(&s->reader);
    /* A vCPU thread may be writing: close under the write lock. */
    g_mutex_lock(&chr->write_lock);
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    g_mutex_unlock(&chr->write_lock);
    if (!chr->be_open) {
        return;
    }
    chr->be_open = false;
    socket_set_disconnected_name(s);
    chr_be_event(chr, CHR_EVENT_CLOSED);
    if (s->is_server) {
        socket_listen_resume(s);
    } else {
        socket_schedule_reconnect(s);
    }
}

static void socket_connected(SocketChardev *s, int fd)
{
    Chardev *chr = &s->parent;

    chr_fd_set_nonblock(fd);
    if (s->nodelay && !s->is_unix) {
        int one = 1;

        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    g_mutex_lock(&chr->write_lock);
    s->fd = fd;
    g_mutex_unlock(&chr->write_lock);
    s->tn_state = TN_DATA;
    if (s->telnet && s->is_server) {
        /* WILL ECHO, WILL SUPPRESS-GO-AHEAD, WILL BINARY, DO BINARY */
        static const uint8_t tn_init[] = {
            255, 251, 1, 255, 251, 3, 255, 251, 0, 255, 253, 0,
        };
        chr_fd_write(fd, tn_init, sizeof(tn_init), SOCKET_WRITE_TIMEOUT_MS,
                     true);
    }
    chr->be_open = true;
    socket_set_connected_name(s);
    chr_fd_reader_start(&s->reader, chr, fd, socket_disconnect);
    s->reader.filter = socket_telnet_filter;
    chr_be_event(chr, CHR_EVENT_OPENED);
}

static gboolean socket_accept_ready(gint fd, GIOCondition cond,
                                    gpointer opaque)
{
    SocketChardev *s = opaque;
    bool taken = chr_bql_enter();
    int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

    if (cfd < 0) {
        chr_bql_leave(taken);
        return G_SOURCE_CONTINUE;
    }
    /* One client at a time: later ones wait in the backlog. */
    s->listen_watch = 0;
    socket_connected(s, cfd);
    chr_bql_leave(taken);
    return G_SOURCE_REMOVE;
}

static void socket_listen_resume(SocketChardev *s)
{
    if (s->listen_fd >= 0 && !s->listen_watch) {
        s->listen_watch = g_unix_fd_add(s->listen_fd, G_IO_IN,
                                        socket_accept_ready, s);
    }
}

static int socket_unix_addr(const char *path, struct sockaddr_un *un,
                            Error **errp)
{
    memset(un, 0, sizeof(*un));
    un->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(un->sun_path)) {
        error_setg(errp, "UNIX socket path '%s' is too long", path);
        error_append_hint(errp, "Path must be less than %zu bytes\n",
                          sizeof(un->sun_path));
        return -1;
    }
    strcpy(un->sun_path, path);
    return 0;
}

static int socket_unix_listen(SocketChardev *s, Error **errp)
{
    struct sockaddr_un un;
    int fd;

    if (socket_unix_addr(s->path, &un, errp) < 0) {
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Failed to create Unix socket");
        return -1;
    }
    /* QEMU replaces a stale socket file left by an earlier run. */
    unlink(s->path);
    if (bind(fd, (struct sockaddr *)&un, sizeof(un)) < 0) {
        error_setg_errno(errp, errno, "Failed to bind socket to %s",
                         s->path);
        close(fd);
        return -1;
    }
    if (listen(fd, 1) < 0) {
        error_setg_errno(errp, errno, "Failed to listen on socket");
        close(fd);
        return -1;
    }
    return fd;
}

static struct addrinfo *socket_resolve(SocketChardev *s, bool passive,
                                       Error **errp)
{
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC,
        .ai_socktype = SOCK_STREAM,
        .ai_flags = passive ? AI_PASSIVE : 0,
    };
    struct addrinfo *res = NULL;
    const char *host = s->host[0] ? s->host : NULL;
    int rc = getaddrinfo(host, s->port, &hints, &res);

    if (rc != 0) {
        error_setg(errp, "address resolution failed for %s:%s: %s",
                   s->host, s->port, gai_strerror(rc));
        return NULL;
    }
    return res;
}

static int socket_tcp_listen(SocketChardev *s, Error **errp)
{
    struct addrinfo *res = socket_resolve(s, true, errp);
    int err = 0;

    if (!res) {
        return -1;
    }
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int one = 1;
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                        ai->ai_protocol);

        if (fd < 0) {
            err = errno;
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
            listen(fd, 1) == 0) {
            freeaddrinfo(res);
            return fd;
        }
        err = errno;
        close(fd);
    }
    freeaddrinfo(res);
    error_setg_errno(errp, err, "Failed to bind socket");
    return -1;
}

/* Blocking connect; the fd is made non-blocking once connected. */
static int socket_connect(SocketChardev *s, Error **errp)
{
    int err = ECONNREFUSED;

    if (s->is_unix) {
        struct sockaddr_un un;
        int fd;

        if (socket_unix_addr(s->path, &un, errp) < 0) {
            return -1;
        }
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr *)&un, sizeof(un)) == 0) {
            return fd;
        }
        err = errno;
        if (fd >= 0) {
            close(fd);
        }
        error_setg_errno(errp, err, "Failed to connect to '%s'", s->path);
        return -1;
    } else {
        struct addrinfo *res = socket_resolve(s, false, errp);

        if (!res) {
            return -1;
        }
        for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
            int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                            ai->ai_protocol);

            if (fd < 0) {
                err = errno;
                continue;
            }
            if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
                freeaddrinfo(res);
                return fd;
            }
            err = errno;
            close(fd);
        }
        freeaddrinfo(res);
        error_setg_errno(errp, err, "Failed to connect to '%s:%s'",
                         s->host, s->port);
        return -1;
    }
}

static gboolean socket_reconnect_timeout(gpointer opaque)
{
    SocketChardev *s = opaque;
    bool taken = chr_bql_enter();
    Error *err = NULL;
    int fd;

    s->reconnect_timer = 0;
    fd = socket_connect(s, &err);
    if (fd >= 0) {
        socket_connected(s, fd);
    } else {
        error_report("Unable to connect character device %s: %s",
                     s->parent.label, error_get_pretty(err));
        error_free(err);
        socket_schedule_reconnect(s);
    }
    chr_bql_leave(taken);
    return G_SOURCE_REMOVE;
}

static void socket_schedule_reconnect(SocketChardev *s)
{
    if (s->reconnect_s && !s->reconnect_timer) {
        s->reconnect_timer = g_timeout_add_seconds(s->reconnect_s,
                                                   socket_reconnect_timeout,
                                                   s);
    }
}

static bool socket_parse_opts(SocketChardev *s, QemuOpts *opts,
                              bool *wait, Error **errp)
{
    const char *path = qemu_opt_get(opts, "path");
    const char *host = qemu_opt_get(opts, "host");
    const char *port = qemu_opt_get(opts, "port");
    const char *fd = qemu_opt_get(opts, "fd");
    Error *err = NULL;

    s->is_server = qemu_opt_get_bool(opts, "server", false, &err);
    if (!err) {
        *wait = qemu_opt_get_bool(opts, "wait", true, &err);
    }
    if (!err) {
        s->nodelay = qemu_opt_get_bool(opts, "nodelay", false, &err);
    }
    if (!err) {
        s->telnet = qemu_opt_get_bool(opts, "telnet", false, &err);
    }
    if (!err) {
        s->reconnect_s = qemu_opt_get_number(opts, "reconnect", 0, &err);
    }
    if (!err && qemu_opt_get_bool(opts, "websocket", false, &err)) {
        error_setg(&err, s->is_server ? "Websocket is not supported" :
                   "Websocket client is not implemented");
    }
    if (!err && qemu_opt_get_bool(opts, "tn3270", false, &err)) {
        error_setg(&err, "tn3270 is not supported");
    }
    if (err) {
        error_propagate(errp, err);
        return false;
    }
    if ((!!path + !!host + !!fd) > 1) {
        error_setg(errp,
                   "None or one of 'path', 'fd' or 'host' option required.");
        return false;
    }
    if (!path && !host) {
        /* QEMU falls back to fd= and fails to parse a missing one. */
        error_setg(errp, "Unable to parse FD number %s", fd ? fd : "");
        return false;
    }
    if (s->reconnect_s && s->is_server) {
        error_setg(errp, "'reconnect' option is incompatible with socket "
                   "in server listen mode");
        return false;
    }
    if (host && !port) {
        error_setg(errp, "chardev: socket: no port given");
        return false;
    }
    s->is_unix = path != NULL;
    s->path = g_strdup(path);
    s->host = g_strdup(host);
    s->port = g_strdup(port);
    return true;
}

static bool socket_chr_open(Chardev *chr, QemuOpts *opts, Error **errp)
{
    SocketChardev *s = (SocketChardev *)chr;
    bool wait = true;
    Error *err = NULL;
    int fd;

    if (!socket_parse_opts(s, opts, &wait, errp)) {
        return false;
    }
    chr_ignore_sigpipe();
    chr->be_open = false;
    socket_set_disconnected_name(s);
    if (!s->is_server) {
        fd = socket_connect(s, &err);
        if (fd < 0) {
            if (!s->reconnect_s) {
                error_propagate(errp, err);
                return false;
            }
            error_report("Unable to connect character device %s: %s",
                         chr->label, error_get_pretty(err));
            error_free(err);
            socket_schedule_reconnect(s);
            return true;
        }
        socket_connected(s, fd);
        return true;
    }
    s->listen_fd = s->is_unix ? socket_unix_listen(s, errp)
                              : socket_tcp_listen(s, errp);
    if (s->listen_fd < 0) {
        return false;
    }
    if (wait) {
        info_report("QEMU waiting for connection on: %s", chr->filename);
        do {
            fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
        } while (fd < 0 && errno == EINTR);
        if (fd < 0) {
            error_setg_errno(errp, errno, "Failed to accept connection");
            return false;
        }
        socket_connected(s, fd);
        return true;
    }
    socket_listen_resume(s);
    return true;
}

static int socket_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    SocketChardev *s = (SocketChardev *)chr;

    /* Called with write_lock held (chr_write_all). */
    if (s->fd < 0) {
        return len;     /* no peer: drop, as QEMU does */
    }
    /*
     * A peer that does not read for SOCKET_WRITE_TIMEOUT_MS or has gone
     * away loses the rest; the reader notices the hang-up and
     * disconnects on the main loop.
     */
    chr_fd_write(s->fd, buf, len, SOCKET_WRITE_TIMEOUT_MS, true);
    return len;
}

static void socket_chr_accept_input(Chardev *chr)
{
    chr_fd_reader_kick(&((SocketChardev *)chr)->reader);
}

static void socket_chr_close(Chardev *chr)
{
    SocketChardev *s = (SocketChardev *)chr;

    chr_fd_reader_stop(&s->reader);
    if (s->listen_watch) {
        g_source_remove(s->listen_watch);
        s->listen_watch = 0;
    }
    if (s->reconnect_timer) {
        g_source_remove(s->reconnect_timer);
        s->reconnect_timer = 0;
    }
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    if (s->listen_fd >= 0) {
        close(s->listen_fd);
        s->listen_fd = -1;
        if (s->is_unix) {
            unlink(s->path);
        }
    }
    g_free(s->path);
    g_free(s->host);
    g_free(s->port);
}

static void socket_chr_init(Object *obj)
{
    SocketChardev *s = (SocketChardev *)obj;

    s->fd = -1;
    s->listen_fd = -1;
    s->reader.fd = -1;
}

static void socket_chr_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = (ChardevClass *)oc;

    cc->open = socket_chr_open;
    cc->write = socket_chr_write;
    cc->accept_input = socket_chr_accept_input;
    cc->close = socket_chr_close;
}

static const TypeInfo socket_chr_type = {
    .name = TYPE_CHARDEV_SOCKET,
    .parent = TYPE_CHARDEV,
    .instance_size = sizeof(SocketChardev),
    .instance_init = socket_chr_init,
    .class_init = socket_chr_class_init,
};

static void socket_chr_register_types(void)
{
    type_register_static(&socket_chr_type);
}

type_init(socket_chr_register_types)
