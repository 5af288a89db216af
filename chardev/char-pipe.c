/*
 * The "pipe" backend: PATH.in (input) and PATH.out (output) when both
 * exist, else PATH for both directions (typically FIFOs made with
 * mkfifo).  Opened read-write so that open never blocks waiting for the
 * other side and a missing reader never raises SIGPIPE.
 */
#include "qemu/osdep.h"
#include "chardev/chardev-internal.h"

typedef struct PipeChardev {
    Chardev parent;
    int fd_in;
    int fd_out;
    ChrFdReader reader;
} PipeChardev;

static void pipe_chr_eof(Chardev *chr)
{
    chr_be_event(chr, CHR_EVENT_CLOSED);
}

static bool pipe_chr_open(Chardev *chr, QemuOpts *opts, Error **errp)
{
    PipeChardev *s = (PipeChardev *)chr;
    const char *path = qemu_opt_get(opts, "path");
    g_autofree char *in = NULL;
    g_autofree char *out = NULL;

    if (!path) {
        error_setg(errp, "chardev: pipe: no device path given");
        return false;
    }
    in = g_strdup_printf("%s.in", path);
    out = g_strdup_printf("%s.out", path);
    s->fd_in = open(in, O_RDWR | O_CLOEXEC);
    s->fd_out = open(out, O_RDWR | O_CLOEXEC);
    if (s->fd_in < 0 || s->fd_out < 0) {
        if (s->fd_in >= 0) {
            close(s->fd_in);
        }
        if (s->fd_out >= 0) {
            close(s->fd_out);
        }
        s->fd_in = s->fd_out = open(path, O_RDWR | O_CLOEXEC);
        if (s->fd_in < 0) {
            error_setg_errno(errp, errno, "Could not open '%s'", path);
            return false;
        }
    }
    chr_ignore_sigpipe();
    chr_fd_set_nonblock(s->fd_in);
    chr_fd_set_nonblock(s->fd_out);
    chr_fd_reader_start(&s->reader, chr, s->fd_in, pipe_chr_eof);
    return true;
}

static int pipe_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    PipeChardev *s = (PipeChardev *)chr;
    int n = chr_fd_write(s->fd_out, buf, len, 1000, false);

    /* Nobody drains the FIFO: drop rather than stall the guest. */
    return n < 0 || n < len ? len : n;
}

static void pipe_chr_accept_input(Chardev *chr)
{
    chr_fd_reader_kick(&((PipeChardev *)chr)->reader);
}

static void pipe_chr_close(Chardev *chr)
{
    PipeChardev *s = (PipeChardev *)chr;

    chr_fd_reader_stop(&s->reader);
    if (s->fd_out >= 0 && s->fd_out != s->fd_in) {
        close(s->fd_out);
    }
    if (s->fd_in >= 0) {
        close(s->fd_in);
    }
    s->fd_in = s->fd_out = -1;
}

static void pipe_chr_init(Object *obj)
{
    PipeChardev *s = (PipeChardev *)obj;

    s->fd_in = s->fd_out = -1;
    s->reader.fd = -1;
}

static void pipe_chr_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = (ChardevClass *)oc;

    cc->open = pipe_chr_open;
    cc->write = pipe_chr_write;
    cc->accept_input = pipe_chr_accept_input;
    cc->close = pipe_chr_close;
}

static const TypeInfo pipe_chr_type = {
    .name = TYPE_CHARDEV_PIPE,
    .parent = TYPE_CHARDEV,
    .instance_size = sizeof(PipeChardev),
    .instance_init = pipe_chr_init,
    .class_init = pipe_chr_class_init,
};

static void pipe_chr_register_types(void)
{
    type_register_static(&pipe_chr_type);
}

type_init(pipe_chr_register_types)
