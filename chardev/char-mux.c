/*
 * The multiplexer ("mux=on", and what -serial mon:stdio creates): up to
 * MUX_MAX_FRONTENDS frontends share one backend.  Output of every
 * frontend goes to the backend; input goes to the frontend with the
 * focus.  QEMU's Ctrl-a escapes: h/? help, x exit, s commit (no-op here,
 * the block layer is not reachable from chardev/), b break, c next
 * frontend, t timestamps, C-a C-a sends C-a.
 */
#include "qemu/osdep.h"
#include "chardev/chardev-internal.h"
#include "qemu/error-report.h"

#define MUX_ESCAPE_CHAR 0x01      /* Ctrl-a, QEMU's default -echr */
#define MUX_BUFFER_SIZE 32        /* input held while a frontend is busy */

typedef struct MuxChardev {
    Chardev parent;
    CharFrontend base_fe;         /* our own handle on the real backend */
    CharFrontend *fes[MUX_MAX_FRONTENDS];
    int count;                    /* slots used (tags are stable) */
    int focus;                    /* tag with the input focus, -1 none */
    bool got_escape;
    bool timestamps;
    bool linestart;
    gint64 ts_start_us;
    guint open_idle;
    bool opened;                  /* start-up finished, OPENED delivered */
    uint8_t buf[MUX_MAX_FRONTENDS][MUX_BUFFER_SIZE];
    unsigned prod[MUX_MAX_FRONTENDS];
    unsigned cons[MUX_MAX_FRONTENDS];
} MuxChardev;

static const char *const mux_help[] = {
    "% h    print this help\n\r",
    "% x    exit emulator\n\r",
    "% s    save disk data back to file (if -snapshot)\n\r",
    "% t    toggle console timestamps\n\r",
    "% b    send break (magic sysrq)\n\r",
    "% c    switch between console and monitor\n\r",
    "% %  sends %\n\r",
    NULL
};

bool chr_is_mux(Chardev *chr)
{
    return object_dynamic_cast(OBJECT(chr), TYPE_CHARDEV_MUX) != NULL;
}

static void mux_send_event(MuxChardev *d, int tag, ChrEvent event)
{
    CharFrontend *fe = d->fes[tag];

    if (fe && fe->event) {
        fe->event(fe->opaque, event);
    }
}

static void mux_send_all_event(MuxChardev *d, ChrEvent event)
{
    for (int i = 0; i < d->count; i++) {
        mux_send_event(d, i, event);
    }
}

static void mux_set_focus(MuxChardev *d, int tag)
{
    if (d->focus >= 0 && d->focus != tag) {
        mux_send_event(d, d->focus, CHR_EVENT_MUX_OUT);
    }
    d->focus = tag;
    mux_send_event(d, tag, CHR_EVENT_MUX_IN);
}

static void mux_write_str(MuxChardev *d, const char *s)
{
    chr_write_all(&d->parent, (const uint8_t *)s, strlen(s));
}

static void mux_print_help(MuxChardev *d)
{
    GString *out = g_string_new("\n\r");

    for (int i = 0; mux_help[i]; i++) {
        for (const char *p = mux_help[i]; *p; p++) {
            if (*p == '%') {
                g_string_append_printf(out, "C-%c",
                                       MUX_ESCAPE_CHAR - 1 + 'a');
            } else {
                g_string_append_c(out, *p);
            }
        }
    }
    mux_write_str(d, out->str);
    g_string_free(out, TRUE);
}

/* Returns true when @ch is data for the focused frontend. */
static bool mux_proc_byte(MuxChardev *d, uint8_t ch)
{
    if (!d->got_escape) {
        if (ch == MUX_ESCAPE_CHAR) {
            d->got_escape = true;
            return false;
        }
        return true;
    }
    d->got_escape = false;
    switch (ch) {
    case MUX_ESCAPE_CHAR:
        return true;
    case '?':
    case 'h':
        mux_print_help(d);
        break;
    case 'x':
        mux_write_str(d, "QEMU: Terminated\n\r");
        /* The user asked to quit, as in QEMU; atexit restores the tty. */
        chardev_cleanup_all();
        exit(0);
    case 's':
        /* Committing -snapshot disks needs the block layer; not here. */
        break;
    case 'b':
        if (d->focus >= 0) {
            mux_send_event(d, d->focus, CHR_EVENT_BREAK);
        }
        break;
    case 'c':
        if (d->count > 0) {
            int next = d->focus;

            /* Next attached frontend, skipping detached slots. */
            for (int i = 0; i < d->count; i++) {
                next = (next + 1) % d->count;
                if (d->fes[next]) {
                    break;
                }
            }
            mux_set_focus(d, next);
        }
        break;
    case 't':
        d->timestamps = !d->timestamps;
        d->ts_start_us = -1;
        d->linestart = false;
        break;
    default:
        break;
    }
    return false;
}

static CharFrontend *mux_focused(MuxChardev *d)
{
    return d->focus >= 0 ? d->fes[d->focus] : NULL;
}

static int mux_fe_can_read(CharFrontend *fe)
{
    if (!fe || !fe->read) {
        return 0;
    }
    return fe->can_read ? fe->can_read(fe->opaque) : 4096;
}

/* Deliver buffered input of the focused frontend while it takes it. */
static void mux_drain(MuxChardev *d)
{
    int m = d->focus;
    CharFrontend *fe = mux_focused(d);

    if (m < 0) {
        return;
    }
    while (d->prod[m] != d->cons[m] && mux_fe_can_read(fe) > 0) {
        uint8_t ch = d->buf[m][d->cons[m]++ % MUX_BUFFER_SIZE];

        fe->read(fe->opaque, &ch, 1);
    }
}

static int mux_base_can_read(void *opaque)
{
    MuxChardev *d = opaque;
    int m = d->focus;
    int room;

    if (m < 0) {
        /* Nobody to deliver to, but escapes must still work. */
        return 1;
    }
    room = MUX_BUFFER_SIZE - (int)(d->prod[m] - d->cons[m]);
    if (d->prod[m] == d->cons[m]) {
        int fe_room = mux_fe_can_read(mux_focused(d));

        if (fe_room > room) {
            return fe_room;
        }
    }
    return room;
}

static void mux_base_read(void *opaque, const uint8_t *buf, int size)
{
    MuxChardev *d = opaque;

    mux_drain(d);
    for (int i = 0; i < size; i++) {
        int m;
        CharFrontend *fe;

        if (!mux_proc_byte(d, buf[i])) {
            continue;
        }
        m = d->focus;
        if (m < 0) {
            continue;
        }
        fe = d->fes[m];
        if (d->prod[m] == d->cons[m] && mux_fe_can_read(fe) > 0) {
            fe->read(fe->opaque, &buf[i], 1);
        } else if (d->prod[m] - d->cons[m] < MUX_BUFFER_SIZE) {
            d->buf[m][d->prod[m]++ % MUX_BUFFER_SIZE] = buf[i];
        }
        /* else: the frontend is gone or stuck; drop, as QEMU does. */
    }
}

static void mux_base_event(void *opaque, ChrEvent event)
{
    MuxChardev *d = opaque;

    if (event == CHR_EVENT_OPENED) {
        d->parent.be_open = true;
    } else if (event == CHR_EVENT_CLOSED) {
        d->parent.be_open = false;
    }
    /* Before start-up finished the idle callback sends OPENED itself. */
    if (d->opened) {
        mux_send_all_event(d, event);
    }
}

/*
 * QEMU tells the frontends of a mux that it is open once the machine is
 * built (so the monitor's banner waits for its first focus).  The first
 * main-loop iteration happens right after start-up: do it there.
 */
static gboolean mux_open_idle(gpointer opaque)
{
    MuxChardev *d = opaque;
    Chardev *base = d->base_fe.chr;
    bool taken = chr_bql_enter();

    d->open_idle = 0;
    d->opened = true;
    d->parent.be_open = base && base->be_open;
    if (d->parent.be_open) {
        mux_send_all_event(d, CHR_EVENT_OPENED);
    }
    chr_bql_leave(taken);
    return G_SOURCE_REMOVE;
}

static bool mux_chr_open(Chardev *chr, QemuOpts *opts, Error **errp)
{
    MuxChardev *d = (MuxChardev *)chr;
    const char *base_label = qemu_opt_get(opts, "chardev");
    Chardev *base;

    if (!base_label) {
        error_setg(errp, "chardev: mux: no chardev given");
        return false;
    }
    base = chardev_find(base_label);
    if (!base) {
        error_setg(errp, "mux: base chardev %s not found", base_label);
        return false;
    }
    if (!chr_fe_init(&d->base_fe, base, errp)) {
        return false;
    }
    chr->be_open = false;
    chr->filename = g_strdup(base->filename);
    chr_fe_set_handlers(&d->base_fe, mux_base_can_read, mux_base_read,
                        mux_base_event, d);
    d->open_idle = g_idle_add(mux_open_idle, d);
    return true;
}

static void mux_put(MuxChardev *d, const uint8_t *buf, int len)
{
    if (d->base_fe.chr) {
        chr_write_all(d->base_fe.chr, buf, len);
    }
}

static int mux_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    MuxChardev *d = (MuxChardev *)chr;
    int start = 0;

    if (!d->timestamps) {
        mux_put(d, buf, len);
        return len;
    }
    for (int i = 0; i < len; i++) {
        if (d->linestart) {
            gint64 now = g_get_monotonic_time();
            int64_t ms;
            int secs;
            char stamp[64];

            mux_put(d, buf + start, i - start);
            start = i;
            if (d->ts_start_us < 0) {
                d->ts_start_us = now;
            }
            ms = (now - d->ts_start_us) / 1000;
            secs = ms / 1000;
            snprintf(stamp, sizeof(stamp), "[%02d:%02d:%02d.%03d] ",
                     secs / 3600, (secs / 60) % 60, secs % 60,
                     (int)(ms % 1000));
            mux_put(d, (const uint8_t *)stamp, strlen(stamp));
            d->linestart = false;
        }
        if (buf[i] == '\n') {
            d->linestart = true;
        }
    }
    mux_put(d, buf + start, len - start);
    return len;
}

static void mux_chr_accept_input(Chardev *chr)
{
    MuxChardev *d = (MuxChardev *)chr;

    mux_drain(d);
    chr_fe_accept_input(&d->base_fe);
}

bool chr_mux_attach(Chardev *mux, CharFrontend *fe, Error **errp)
{
    MuxChardev *d = (MuxChardev *)mux;
    int tag;

    for (tag = 0; tag < d->count; tag++) {
        if (!d->fes[tag]) {
            break;
        }
    }
    if (tag >= MUX_MAX_FRONTENDS) {
        error_setg(errp, "too many uses of multiplexed chardev '%s'"
                   " (maximum is %d)", mux->label, MUX_MAX_FRONTENDS);
        return false;
    }
    d->fes[tag] = fe;
    d->prod[tag] = d->cons[tag] = 0;
    if (tag == d->count) {
        d->count++;
    }
    fe->tag = tag;
    return true;
}

void chr_mux_detach(Chardev *mux, CharFrontend *fe)
{
    MuxChardev *d = (MuxChardev *)mux;

    if (fe->tag >= 0 && fe->tag < d->count && d->fes[fe->tag] == fe) {
        d->fes[fe->tag] = NULL;
        if (d->focus == fe->tag) {
            d->focus = -1;
        }
    }
    fe->tag = -1;
}

void chr_mux_handlers_set(Chardev *mux, CharFrontend *fe)
{
    MuxChardev *d = (MuxChardev *)mux;

    /* As in QEMU, the frontend that installs handlers last gets focus. */
    if (fe->can_read || fe->read || fe->event) {
        mux_set_focus(d, fe->tag);
        if (d->opened && mux->be_open && fe->event) {
            fe->event(fe->opaque, CHR_EVENT_OPENED);
        }
    }
}

static void mux_chr_close(Chardev *chr)
{
    MuxChardev *d = (MuxChardev *)chr;

    if (d->open_idle) {
        g_source_remove(d->open_idle);
        d->open_idle = 0;
    }
    for (int i = 0; i < d->count; i++) {
        if (d->fes[i]) {
            d->fes[i]->chr = NULL;
            d->fes[i] = NULL;
        }
    }
    chr_fe_deinit(&d->base_fe);
}

static void mux_chr_init(Object *obj)
{
    MuxChardev *d = (MuxChardev *)obj;

    d->focus = -1;
    d->ts_start_us = -1;
}

static void mux_chr_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = (ChardevClass *)oc;

    cc->open = mux_chr_open;
    cc->write = mux_chr_write;
    cc->accept_input = mux_chr_accept_input;
    cc->close = mux_chr_close;
}

static const TypeInfo mux_chr_type = {
    .name = TYPE_CHARDEV_MUX,
    .parent = TYPE_CHARDEV,
    .instance_size = sizeof(MuxChardev),
    .instance_init = mux_chr_init,
    .class_init = mux_chr_class_init,
};

static void mux_chr_register_types(void)
{
    type_register_static(&mux_chr_type);
}

type_init(mux_chr_register_types)
