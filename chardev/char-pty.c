/*
 * The "pty" backend: a pseudo-terminal master; the slave (/dev/pts/N) is
 * announced on stderr as QEMU does.  While no program holds the slave
 * open the backend counts as disconnected and output is dropped; a timer
 * polls for the slave (QEMU's pty_chr_timer) since the master gives no
 * event when it is opened.
 */
#include "qemu/osdep.h"
#include "chardev/chardev-internal.h"
#include "qemu/error-report.h"

#include <poll.h>
#include <termios.h>

#define PTY_POLL_MS 1000

typedef struct PtyChardev {
    Chardev parent;
    int master;
    ChrFdReader reader;
    guint poll_timer;
} PtyChardev;

static void pty_start_polling(PtyChardev *s);

/* True when some process has the slave side open. */
static bool pty_slave_connected(PtyChardev *s)
{
    struct pollfd pfd = { .fd = s->master, .events = POLLIN };

    if (poll(&pfd, 1, 0) < 0) {
        return false;
    }
    return !(pfd.revents & POLLHUP);
}

static void pty_chr_eof(Chardev *chr)
{
    PtyChardev *s = (PtyChardev *)chr;

    /* EIO on the master: the last slave user closed it. */
    if (chr->be_open) {
        chr->be_open = false;
        chr_be_event(chr, CHR_EVENT_CLOSED);
    }
    pty_start_polling(s);
}

static void pty_set_connected(PtyChardev *s)
{
    Chardev *chr = &s->parent;

    chr->be_open = true;
    chr_fd_reader_start(&s->reader, chr, s->master, pty_chr_eof);
    chr_be_event(chr, CHR_EVENT_OPENED);
}

static gboolean pty_poll_timeout(gpointer opaque)
{
    PtyChardev *s = opaque;
    bool taken;

    if (!pty_slave_connected(s)) {
        return G_SOURCE_CONTINUE;
    }
    taken = chr_bql_enter();
    s->poll_timer = 0;
    pty_set_connected(s);
    chr_bql_leave(taken);
    return G_SOURCE_REMOVE;
}

static void pty_start_polling(PtyChardev *s)
{
    if (!s->poll_timer) {
        s->poll_timer = g_timeout_add(PTY_POLL_MS, pty_poll_timeout, s);
    }
}

static bool pty_chr_open(Chardev *chr, QemuOpts *opts, Error **errp)
{
    PtyChardev *s = (PtyChardev *)chr;
    struct termios tty;
    const char *name;
    int slave;

    s->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (s->master < 0 || grantpt(s->master) < 0 ||
        unlockpt(s->master) < 0 || !(name = ptsname(s->master))) {
        error_setg_errno(errp, errno, "Failed to create PTY");
        return false;
    }
    /* Raw mode on the slave side, so the guest sees bytes unchanged. */
    slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave >= 0) {
        if (tcgetattr(slave, &tty) == 0) {
            cfmakeraw(&tty);
            tcsetattr(slave, TCSAFLUSH, &tty);
        }
        close(slave);
    }
    chr_fd_set_nonblock(s->master);
    chr->filename = g_strdup_printf("pty:%s", name);
    error_printf("char device redirected to %s (label %s)\n", name,
                 chr->label);
    chr->be_open = false;
    pty_start_polling(s);
    return true;
}

static int pty_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    PtyChardev *s = (PtyChardev *)chr;

    if (!chr->be_open) {
        return len;     /* nobody listening: drop, as QEMU does */
    }
    /* A slave that stops reading fills the pty; drop after a while. */
    chr_fd_write(s->master, buf, len, 100, false);
    return len;
}

static void pty_chr_accept_input(Chardev *chr)
{
    chr_fd_reader_kick(&((PtyChardev *)chr)->reader);
}

static void pty_chr_close(Chardev *chr)
{
    PtyChardev *s = (PtyChardev *)chr;

    chr_fd_reader_stop(&s->reader);
    if (s->poll_timer) {
        g_source_remove(s->poll_timer);
        s->poll_timer = 0;
    }
    if (s->master >= 0) {
        close(s->master);
        s->master = -1;
    }
}

static void pty_chr_init(Object *obj)
{
    PtyChardev *s = (PtyChardev *)obj;

    s->master = -1;
    s->reader.fd = -1;
}

static void pty_chr_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = (ChardevClass *)oc;

    cc->open = pty_chr_open;
    cc->write = pty_chr_write;
    cc->accept_input = pty_chr_accept_input;
    cc->close = pty_chr_close;
}

static const TypeInfo pty_chr_type = {
    .name = TYPE_CHARDEV_PTY,
    .parent = TYPE_CHARDEV,
    .instance_size = sizeof(PtyChardev),
    .instance_init = pty_chr_init,
    .class_init = pty_chr_class_init,
};

static void pty_chr_register_types(void)
{
    type_register_static(&pty_chr_type);
}

type_init(pty_chr_register_types)
