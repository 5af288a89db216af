/*
 * File-descriptor plumbing shared by the fd based backends (stdio, pipe,
 * pty, socket): a reader driven by GLib's default main context that
 * respects the frontend's can_read(), and bounded writes that cope with
 * EAGAIN and closed peers.
 */
#include "qemu/osdep.h"
#include "chardev/chardev-internal.h"

#include <glib-unix.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>

static gboolean chr_fd_reader_ready(gint fd, GIOCondition cond,
                                    gpointer opaque);

static void chr_fd_reader_watch(ChrFdReader *r)
{
    if (!r->watch && r->fd >= 0) {
        r->watch = g_unix_fd_add(r->fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                 chr_fd_reader_ready, r);
    }
}

static gboolean chr_fd_reader_retry(gpointer opaque)
{
    ChrFdReader *r = opaque;
    bool taken = chr_bql_enter();
    gboolean again = G_SOURCE_REMOVE;

    if (r->fd >= 0 && chr_be_can_write(r->chr) <= 0) {
        /* Still full: keep polling the frontend, not the fd. */
        again = G_SOURCE_CONTINUE;
    } else {
        r->retry = 0;
        chr_fd_reader_watch(r);
    }
    chr_bql_leave(taken);
    return again;
}

static void chr_fd_reader_pause(ChrFdReader *r)
{
    /*
     * The frontend is full.  Frontends that never call accept_input would
     * starve us, so poll their can_read() every CHR_RETRY_MS instead of
     * spinning on a readable fd.
     */
    if (!r->retry) {
        r->retry = g_timeout_add(CHR_RETRY_MS, chr_fd_reader_retry, r);
    }
}

static gboolean chr_fd_reader_ready(gint fd, GIOCondition cond,
                                    gpointer opaque)
{
    ChrFdReader *r = opaque;
    bool taken = chr_bql_enter();
    uint8_t buf[4096];
    int room;
    ssize_t n;
    void (*eof)(Chardev *chr);
    Chardev *chr = r->chr;

    room = chr_be_can_write(chr);
    if (room <= 0) {
        r->watch = 0;
        chr_fd_reader_pause(r);
        chr_bql_leave(taken);
        return G_SOURCE_REMOVE;
    }
    if (room > (int)sizeof(buf)) {
        room = sizeof(buf);
    }
    do {
        n = read(fd, buf, room);
    } while (n < 0 && errno == EINTR);
    if (n > 0) {
        if (r->filter) {
            n = r->filter(chr, buf, n);
        }
        chr_be_write(chr, buf, n);
        chr_bql_leave(taken);
        return G_SOURCE_CONTINUE;
    }
    if (n < 0 && errno == EAGAIN) {
        chr_bql_leave(taken);
        return G_SOURCE_CONTINUE;
    }
    /* End of file or a hard error: stop and tell the backend. */
    r->watch = 0;
    if (r->retry) {
        g_source_remove(r->retry);
        r->retry = 0;
    }
    eof = r->eof;
    if (eof) {
        eof(chr);
    }
    chr_bql_leave(taken);
    return G_SOURCE_REMOVE;
}

void chr_fd_reader_start(ChrFdReader *r, Chardev *chr, int fd,
                         void (*eof)(Chardev *chr))
{
    chr_fd_reader_stop(r);
    r->chr = chr;
    r->fd = fd;
    r->eof = eof;
    chr_fd_reader_watch(r);
}

void chr_fd_reader_stop(ChrFdReader *r)
{
    if (r->watch) {
        g_source_remove(r->watch);
        r->watch = 0;
    }
    if (r->retry) {
        g_source_remove(r->retry);
        r->retry = 0;
    }
    r->fd = -1;
}

void chr_fd_reader_kick(ChrFdReader *r)
{
    if (r->fd < 0 || r->watch) {
        return;
    }
    if (r->retry) {
        g_source_remove(r->retry);
        r->retry = 0;
    }
    chr_fd_reader_watch(r);
}

int chr_fd_write(int fd, const uint8_t *buf, int len, int timeout_ms,
                 bool is_socket)
{
    int done = 0;
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;

    while (done < len) {
        ssize_t n;

        if (is_socket) {
            n = send(fd, buf + done, len - done, MSG_NOSIGNAL);
        } else {
            n = write(fd, buf + done, len - done);
        }
        if (n > 0) {
            done += n;
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && errno == EAGAIN) {
            gint64 left = (deadline - g_get_monotonic_time()) / 1000;
            struct pollfd pfd = { .fd = fd, .events = POLLOUT };

            if (left <= 0) {
                break;
            }
            poll(&pfd, 1, left);
            continue;
        }
        return done ? done : -1;
    }
    return done;
}

void chr_fd_set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl >= 0) {
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    }
    fl = fcntl(fd, F_GETFD);
    if (fl >= 0) {
        fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
    }
}

void chr_ignore_sigpipe(void)
{
    struct sigaction old;

    /* Leave a handler installed by someone else alone. */
    if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL) {
        signal(SIGPIPE, SIG_IGN);
    }
}
