/*
 * Private helpers shared by the chardev backends: delivery to the attached
 * frontend, an fd reader driven by the GLib main loop, and bounded fd
 * writes.  Not for use outside chardev/.
 */
#ifndef CHARDEV_INTERNAL_H
#define CHARDEV_INTERNAL_H

#include "chardev/char.h"
#include "qemu/main-loop.h"
#include <json-glib/json-glib.h>

#define TYPE_CHARDEV_NULL   "chardev-null"
#define TYPE_CHARDEV_STDIO  "chardev-stdio"
#define TYPE_CHARDEV_FILE   "chardev-file"
#define TYPE_CHARDEV_PIPE   "chardev-pipe"
#define TYPE_CHARDEV_PTY    "chardev-pty"
#define TYPE_CHARDEV_SOCKET "chardev-socket"
#define TYPE_CHARDEV_MUX    "chardev-mux"

/* Most frontends one mux carries (QEMU's MAX_MUX). */
#define MUX_MAX_FRONTENDS 4

/* Poll interval while a frontend cannot take input or a pty is unplugged. */
#define CHR_RETRY_MS 20

/*
 * chardev-add's "backend" (QEMU's ChardevBackend union) as -chardev keys;
 * *@type is the backend name ("socket").  NULL with QEMU's text on error.
 */
QemuOpts *chardev_backend_to_opts(JsonNode *backend, const char **type,
                                  Error **errp);

static inline ChardevClass *chardev_get_class(Chardev *chr)
{
    return OBJECT_GET_CLASS(ChardevClass, chr, TYPE_CHARDEV);
}

void chr_be_event(Chardev *chr, ChrEvent event);
/* Write through @chr's backend with its write_lock taken. */
int chr_write_all(Chardev *chr, const uint8_t *buf, int len);

/*
 * Reads @fd whenever it is readable and the frontend has room.  When the
 * frontend is full the watch is dropped (no busy loop) and re-armed by
 * accept_input or a short retry timer.  @eof runs once on end of file or
 * error; the reader is stopped by then.
 */
typedef struct ChrFdReader {
    Chardev *chr;
    int fd;
    guint watch;
    guint retry;
    void (*eof)(Chardev *chr);
    /* Optional in-place input filter (telnet); returns the new length. */
    int (*filter)(Chardev *chr, uint8_t *buf, int len);
} ChrFdReader;

void chr_fd_reader_start(ChrFdReader *r, Chardev *chr, int fd,
                         void (*eof)(Chardev *chr));
void chr_fd_reader_stop(ChrFdReader *r);
/* Resume after the frontend made room (accept_input). */
void chr_fd_reader_kick(ChrFdReader *r);

/*
 * Write to @fd, waiting at most @timeout_ms in total for room.  Returns
 * the bytes written (possibly fewer than @len on timeout) or -1 on error.
 * Works for blocking and non-blocking fds; never raises SIGPIPE on sockets.
 */
int chr_fd_write(int fd, const uint8_t *buf, int len, int timeout_ms,
                 bool is_socket);

/*
 * GLib sources of the chardevs run on the main loop; the main thread
 * usually holds the BQL already (main_loop_wait), tests iterating the
 * context by hand do not.  Take it only when needed.
 */
static inline bool chr_bql_enter(void)
{
    if (bql_locked()) {
        return false;
    }
    bql_lock();
    return true;
}

static inline void chr_bql_leave(bool taken)
{
    if (taken) {
        bql_unlock();
    }
}

/* Make @fd non-blocking and close-on-exec. */
void chr_fd_set_nonblock(int fd);

/* Ignore SIGPIPE once (a closed peer must give EPIPE, not kill us). */
void chr_ignore_sigpipe(void);

/* Called by chardev_cleanup_all() (e.g. restore the terminal). */
void chr_register_cleanup(void (*fn)(void));

/* The mux helpers used by chr_fe_init/deinit/set_handlers. */
bool chr_mux_attach(Chardev *mux, CharFrontend *fe, Error **errp);
void chr_mux_detach(Chardev *mux, CharFrontend *fe);
void chr_mux_handlers_set(Chardev *mux, CharFrontend *fe);
bool chr_is_mux(Chardev *chr);

/* New chardev of @typename labelled @label, not yet in the tree. */
Chardev *chardev_new_typed(const char *typename, const char *label,
                           QemuOpts *opts, Error **errp);

#endif
