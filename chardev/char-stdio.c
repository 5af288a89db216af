/*
 * The "stdio" backend: input from fd 0, output to fd 1.  When stdin is a
 * terminal it is put in raw mode (QEMU's qemu_chr_set_echo_stdio), keeping
 * ISIG unless signal=off, and restored at exit and on fatal signals.
 * Only one stdio chardev may exist, as in QEMU.
 */
#include "qemu/osdep.h"
#include "chardev/chardev-internal.h"

#include <signal.h>
#include <termios.h>

typedef struct StdioChardev {
    Chardev parent;
    ChrFdReader reader;
    bool opened;
} StdioChardev;

static bool stdio_in_use;
static bool stdio_daemonized;       /* -daemonize: stdio is not a terminal */

void chardev_stdio_set_daemonized(bool daemonized)
{
    stdio_daemonized = daemonized;
}
static bool stdio_tty_saved;
static struct termios stdio_old_tty;

static void stdio_restore_tty(void)
{
    if (stdio_tty_saved) {
        /* tcsetattr is async-signal-safe: usable from the handler below. */
        tcsetattr(0, TCSANOW, &stdio_old_tty);
    }
}

static void stdio_fatal_signal(int sig)
{
    stdio_restore_tty();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void stdio_catch_signals(void)
{
    static const int crash_sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE,
                                      SIGABRT };
    static const int stop_sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT };
    static bool done;
    struct sigaction sa = { .sa_handler = stdio_fatal_signal };

    if (done) {
        return;
    }
    done = true;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < ARRAY_SIZE(crash_sigs); i++) {
        sigaction(crash_sigs[i], &sa, NULL);
    }
    /*
     * Termination signals normally belong to system/ (clean shutdown with
     * atexit); only cover the ones nobody handles yet.
     */
    for (size_t i = 0; i < ARRAY_SIZE(stop_sigs); i++) {
        struct sigaction old;

        if (sigaction(stop_sigs[i], NULL, &old) == 0 &&
            old.sa_handler == SIG_DFL) {
            sigaction(stop_sigs[i], &sa, NULL);
        }
    }
}

static void stdio_set_raw(bool allow_signals)
{
    struct termios tty;

    if (tcgetattr(0, &stdio_old_tty) < 0) {
        return;
    }
    if (!stdio_tty_saved) {
        atexit(stdio_restore_tty);
    }
    stdio_tty_saved = true;
    chr_register_cleanup(stdio_restore_tty);
    stdio_catch_signals();

    tty = stdio_old_tty;
    tty.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
                     ICRNL | IXON);
    tty.c_oflag |= OPOST;
    tty.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
    tty.c_cflag &= ~(CSIZE | PARENB);
    tty.c_cflag |= CS8;
    tty.c_cc[VMIN] = 1;
    tty.c_cc[VTIME] = 0;
    if (!allow_signals) {
        tty.c_lflag &= ~ISIG;
    }
    tcsetattr(0, TCSANOW, &tty);
}

static void stdio_chr_eof(Chardev *chr)
{
    /* stdin closed: no more input, output keeps working. */
    chr_be_event(chr, CHR_EVENT_CLOSED);
}

static bool stdio_chr_open(Chardev *chr, QemuOpts *opts, Error **errp)
{
    StdioChardev *s = (StdioChardev *)chr;
    Error *err = NULL;
    bool allow_signals = qemu_opt_get_bool(opts, "signal", true, &err);

    if (err) {
        error_propagate(errp, err);
        return false;
    }
    if (stdio_daemonized) {
        error_setg(errp, "cannot use stdio with -daemonize");
        return false;
    }
    if (stdio_in_use) {
        error_setg(errp, "cannot use stdio by multiple character devices");
        return false;
    }
    stdio_in_use = true;
    s->opened = true;
    chr_ignore_sigpipe();
    if (isatty(0)) {
        stdio_set_raw(allow_signals);
    }
    if (fcntl(0, F_GETFD) >= 0) {
        chr_fd_reader_start(&s->reader, chr, 0, stdio_chr_eof);
    }
    return true;
}

static int stdio_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    int n = chr_fd_write(1, buf, len, 1000, false);

    /* A closed or full stdout must not stop the guest: drop the output. */
    return n < 0 ? len : n;
}

static void stdio_chr_accept_input(Chardev *chr)
{
    chr_fd_reader_kick(&((StdioChardev *)chr)->reader);
}

static void stdio_chr_close(Chardev *chr)
{
    StdioChardev *s = (StdioChardev *)chr;

    if (s->opened) {
        chr_fd_reader_stop(&s->reader);
        stdio_restore_tty();
        stdio_in_use = false;
        s->opened = false;
    }
}

static void stdio_chr_init(Object *obj)
{
    ((StdioChardev *)obj)->reader.fd = -1;
}

static void stdio_chr_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = (ChardevClass *)oc;

    cc->open = stdio_chr_open;
    cc->write = stdio_chr_write;
    cc->accept_input = stdio_chr_accept_input;
    cc->close = stdio_chr_close;
}

static const TypeInfo stdio_chr_type = {
    .name = TYPE_CHARDEV_STDIO,
    .parent = TYPE_CHARDEV,
    .instance_size = sizeof(StdioChardev),
    .instance_init = stdio_chr_init,
    .class_init = stdio_chr_class_init,
};

static void stdio_chr_register_types(void)
{
    type_register_static(&stdio_chr_type);
}

type_init(stdio_chr_register_types)
