/*
 * Character devices: a backend (stdio, file, socket, ...) behind a
 * frontend handle (CharFrontend) held by a device (serial) or a monitor.
 *
 * Data from the outside arrives on the main loop: the backend calls the
 * frontend's can_read() to learn how much it may deliver, then read().
 * Frontends write with chr_fe_write_all(); backends never block the vCPU
 * for long (sockets without a client drop output, as QEMU does).
 */
#ifndef CHARDEV_CHAR_H
#define CHARDEV_CHAR_H

#include "qemu/osdep.h"
#include "qom/object.h"
#include "qemu/option.h"

#define TYPE_CHARDEV "chardev"

typedef struct Chardev Chardev;
typedef struct ChardevClass ChardevClass;
typedef struct CharFrontend CharFrontend;

/* Events delivered to frontends (QEMU's CHR_EVENT_*). */
typedef enum ChrEvent {
    CHR_EVENT_BREAK,
    CHR_EVENT_OPENED,      /* backend connected (socket client, mux focus) */
    CHR_EVENT_MUX_IN,      /* mux: this frontend got the focus */
    CHR_EVENT_MUX_OUT,     /* mux: this frontend lost the focus */
    CHR_EVENT_CLOSED,
} ChrEvent;

typedef int ChrCanReadHandler(void *opaque);
typedef void ChrReadHandler(void *opaque, const uint8_t *buf, int size);
typedef void ChrEventHandler(void *opaque, ChrEvent event);

struct CharFrontend {
    Chardev *chr;
    ChrCanReadHandler *can_read;
    ChrReadHandler *read;
    ChrEventHandler *event;
    void *opaque;
    int tag;               /* index in a mux, -1 otherwise */
};

struct Chardev {
    Object parent_obj;
    char *label;           /* -chardev id, or generated ("serial0", "compat_monitor0") */
    char *filename;        /* QEMU's info chardev filename ("stdio", "unix:/p,server=on") */
    CharFrontend *fe;      /* attached frontend, NULL if none */
    bool be_open;          /* connected (sockets), always true for others */
    GMutex write_lock;     /* writes come from vCPU threads and the main loop */
};

struct ChardevClass {
    ObjectClass parent_class;
    /* Open from -chardev options (already validated keys: "path", "server", ...). */
    bool (*open)(Chardev *chr, QemuOpts *opts, Error **errp);
    /* Write up to @len bytes; returns bytes written (may be < len) or -1. */
    int (*write)(Chardev *chr, const uint8_t *buf, int len);
    /* A frontend attached or its can_read may have grown: resume reading. */
    void (*accept_input)(Chardev *chr);
    /* Called when a frontend is attached/detached (mux bookkeeping). */
    void (*fe_attached)(Chardev *chr, CharFrontend *fe);
    void (*close)(Chardev *chr);
};

/* ---- creation ---- */

/* "-chardev BACKEND,id=ID,..." -> chardev registered under ID (/chardevs/ID). */
/*
 * Check every -chardev key against QEMU's list of chardev options and the
 * type of its value ("Invalid parameter 'x'", "Parameter 'server' expects
 * 'on' or 'off'").  Keys valid for another backend are accepted and
 * ignored, as QEMU does.
 */
bool chardev_opts_validate(QemuOpts *opts, Error **errp);
Chardev *chardev_new_from_opts(QemuOpts *opts, Error **errp);
Chardev *chardev_new_from_string(const char *spec, Error **errp);
/*
 * The legacy syntax of -serial/-monitor: "stdio", "null", "none" (returns
 * NULL with no error), "file:PATH", "pipe:PATH", "pty", "mon:stdio",
 * "unix:PATH[,server=on,wait=off]", "tcp:HOST:PORT[,server=on,wait=off]",
 * "chardev:ID".  The new chardev is labelled @label.
 */
Chardev *chardev_new_legacy(const char *label, const char *spec,
                            Error **errp);
Chardev *chardev_find(const char *label);
/* -daemonize: "stdio" chardevs are refused ("cannot use stdio with -daemonize"). */
void chardev_stdio_set_daemonized(bool daemonized);
void chardev_delete(Chardev *chr);
/*
 * chardev-add: a chardev of @backend ("socket") labelled @id from @opts
 * (the -chardev keys, without id/backend checks: QMP takes any id).
 * Errors are QEMU's texts for QMP ("Failed to add chardev 'x': ...").
 */
Chardev *chardev_new_qmp(const char *id, const char *backend,
                         QemuOpts *opts, Error **errp);
/* Print "Available chardev backend types:" list (-chardev help). */
void chardev_print_backends(void);
/* Visit every chardev (for info chardev / query-chardev). */
void chardev_foreach(void (*fn)(Chardev *chr, void *opaque), void *opaque);
/* Restore terminal modes on exit (stdio in raw mode). */
void chardev_cleanup_all(void);

/* ---- backends outside chardev/ ---- */

/* "vc": a text console on the graphical display (ui/console-vc.c). */
#define TYPE_CHARDEV_VC "chardev-vc"
/* How many bytes the frontend takes now (0 when none is attached). */
int chr_be_can_write(Chardev *chr);
/* Hand input to the frontend (main loop). */
void chr_be_write(Chardev *chr, const uint8_t *buf, int len);

/* ---- frontend ---- */

/* Attach @fe to @chr (or to a new mux slot if @chr is a mux). */
bool chr_fe_init(CharFrontend *fe, Chardev *chr, Error **errp);
void chr_fe_deinit(CharFrontend *fe);
void chr_fe_set_handlers(CharFrontend *fe, ChrCanReadHandler *can_read,
                         ChrReadHandler *read, ChrEventHandler *event,
                         void *opaque);
/* Tell the backend that can_read may now return more. */
void chr_fe_accept_input(CharFrontend *fe);
bool chr_fe_backend_connected(CharFrontend *fe);
/* Write everything (retrying partial writes); returns len or -1. */
int chr_fe_write_all(CharFrontend *fe, const uint8_t *buf, int len);
int chr_fe_printf(CharFrontend *fe, const char *fmt, ...)
    G_GNUC_PRINTF_CHECK(2, 3);

#endif
