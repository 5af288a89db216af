/*
 * Graphic consoles and display listeners (include/ui/console.h).  One
 * refresh timer on the realtime clock serves every listener, as QEMU's
 * GUI refresh does; it runs only while a listener is registered, so a
 * machine without a display never draws.  Graphic consoles come first,
 * then the text consoles of "vc" chardevs (console-vc.c), as in QEMU.
 * Not modelled: several displays per console with different refresh
 * rates.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "ui/console.h"

struct QemuConsole {
    unsigned index;
    Object *device;
    const GraphicHwOps *hw_ops;
    void *hw;
    DisplaySurface *surface;
};

static GPtrArray *consoles;         /* QemuConsole *, by index */
static GList *listeners;            /* DisplayChangeListener * */
static QEMUTimer *refresh_timer;
/* Shown to a listener while there is no graphic console (-vga none). */
static DisplaySurface *dummy_surface;

DisplaySurface *qemu_create_displaysurface(int width, int height)
{
    DisplaySurface *s = g_new0(DisplaySurface, 1);

    s->format = PIXMAN_x8r8g8b8;
    /* pixman allocates and zeroes the pixels when given no buffer. */
    s->image = pixman_image_create_bits(s->format, width, height, NULL,
                                        width * 4);
    return s;
}

static DisplaySurface *placeholder_surface(void)
{
    if (!dummy_surface) {
        dummy_surface = qemu_create_displaysurface(640, 480);
    }
    return dummy_surface;
}

void qemu_free_displaysurface(DisplaySurface *surface)
{
    if (surface) {
        pixman_image_unref(surface->image);
        g_free(surface);
    }
}

static QemuConsole *console_new(const GraphicHwOps *ops, void *opaque,
                                int width, int height)
{
    QemuConsole *con = g_new0(QemuConsole, 1);

    if (!consoles) {
        consoles = g_ptr_array_new();
    }
    con->hw_ops = ops;
    con->hw = opaque;
    con->surface = qemu_create_displaysurface(width, height);
    return con;
}

QemuConsole *graphic_console_init(Object *dev, const GraphicHwOps *ops,
                                  void *opaque)
{
    QemuConsole *con = console_new(ops, opaque, 640, 480);
    unsigned i = 0;

    con->device = dev;
    /* before the first text console; those after it move up one */
    while (i < consoles->len && (!g_ptr_array_index(consoles, i) ||
           qemu_console_is_graphic(g_ptr_array_index(consoles, i)))) {
        i++;
    }
    g_ptr_array_insert(consoles, i, con);
    for (; i < consoles->len; i++) {
        QemuConsole *c = g_ptr_array_index(consoles, i);

        if (c) {
            c->index = i;
        }
    }
    /*
     * Listeners showing no console or a text console in place of the
     * missing graphic one (started before the device) show this one.
     */
    for (GList *l = listeners; l; l = l->next) {
        DisplayChangeListener *dcl = l->data;

        if (!dcl->con && (!dcl->attached ||
                          (con->index == 0 &&
                           !qemu_console_is_graphic(dcl->attached)))) {
            dpy_select_console(dcl, con);
        }
    }
    return con;
}

QemuConsole *qemu_text_console_init(const GraphicHwOps *ops, void *opaque,
                                    int width, int height)
{
    QemuConsole *con = console_new(ops, opaque, width, height);

    con->index = consoles->len;
    g_ptr_array_add(consoles, con);
    return con;
}

bool qemu_console_is_graphic(QemuConsole *con)
{
    return !con->hw_ops->text_input;
}

void qemu_console_text_input(QemuConsole *con, const uint8_t *buf, int len)
{
    if (con->hw_ops->text_input) {
        con->hw_ops->text_input(con->hw, buf, len);
    }
}

void graphic_console_close(QemuConsole *con)
{
    for (GList *l = listeners; l; l = l->next) {
        DisplayChangeListener *dcl = l->data;

        if (dcl->attached == con) {
            dcl->attached = NULL;
            if (dcl->ops->dpy_gfx_switch) {
                dcl->ops->dpy_gfx_switch(dcl, placeholder_surface());
            }
        }
    }
    /* Keep the index stable: the slot stays, the console goes. */
    g_ptr_array_index(consoles, con->index) = NULL;
    qemu_free_displaysurface(con->surface);
    g_free(con);
}

QemuConsole *qemu_console_lookup_by_index(unsigned index)
{
    if (!consoles || index >= consoles->len) {
        return NULL;
    }
    return g_ptr_array_index(consoles, index);
}

int qemu_console_get_index(QemuConsole *con)
{
    return con->index;
}

Object *qemu_console_get_device(QemuConsole *con)
{
    return con->device;
}

DisplaySurface *qemu_console_surface(QemuConsole *con)
{
    return con->surface;
}

int qemu_console_get_width(QemuConsole *con)
{
    return surface_width(con->surface);
}

int qemu_console_get_height(QemuConsole *con)
{
    return surface_height(con->surface);
}

void dpy_gfx_update(QemuConsole *con, int x, int y, int w, int h)
{
    int sw = surface_width(con->surface), sh = surface_height(con->surface);

    /* Clip to the surface so listeners never read outside it. */
    x = MAX(x, 0);
    y = MAX(y, 0);
    w = MIN(w, sw - x);
    h = MIN(h, sh - y);
    if (w <= 0 || h <= 0) {
        return;
    }
    for (GList *l = listeners; l; l = l->next) {
        DisplayChangeListener *dcl = l->data;

        if (dcl->attached == con && dcl->ops->dpy_gfx_update) {
            dcl->ops->dpy_gfx_update(dcl, x, y, w, h);
        }
    }
}

void dpy_gfx_update_full(QemuConsole *con)
{
    dpy_gfx_update(con, 0, 0, surface_width(con->surface),
                   surface_height(con->surface));
}

void dpy_gfx_replace_surface(QemuConsole *con, DisplaySurface *surface)
{
    DisplaySurface *old = con->surface;

    con->surface = surface;
    for (GList *l = listeners; l; l = l->next) {
        DisplayChangeListener *dcl = l->data;

        if (dcl->attached == con && dcl->ops->dpy_gfx_switch) {
            dcl->ops->dpy_gfx_switch(dcl, surface);
        }
    }
    qemu_free_displaysurface(old);
}

void graphic_hw_update(QemuConsole *con)
{
    if (con && con->hw_ops->gfx_update) {
        con->hw_ops->gfx_update(con->hw);
    }
}

void graphic_hw_invalidate(QemuConsole *con)
{
    if (con && con->hw_ops->invalidate) {
        con->hw_ops->invalidate(con->hw);
    }
}

static void refresh_timer_cb(void *opaque)
{
    /* Each console once, however many listeners show it. */
    for (unsigned i = 0; consoles && i < consoles->len; i++) {
        graphic_hw_update(g_ptr_array_index(consoles, i));
    }
    for (GList *l = listeners; l; l = l->next) {
        DisplayChangeListener *dcl = l->data;

        if (dcl->ops->dpy_refresh) {
            dcl->ops->dpy_refresh(dcl);
        }
    }
    if (refresh_timer) {
        timer_mod_ns(refresh_timer, qemu_clock_get_ns(QEMU_CLOCK_REALTIME) +
                     GUI_REFRESH_INTERVAL_DEFAULT * 1000000LL);
    }
}

void register_displaychangelistener(DisplayChangeListener *dcl)
{
    DisplaySurface *surface;

    dcl->attached = dcl->con ? dcl->con : qemu_console_lookup_by_index(0);
    listeners = g_list_append(listeners, dcl);
    if (dcl->attached) {
        graphic_hw_invalidate(dcl->attached);
        surface = dcl->attached->surface;
    } else {
        surface = placeholder_surface();
    }
    if (dcl->ops->dpy_gfx_switch) {
        dcl->ops->dpy_gfx_switch(dcl, surface);
    }
    if (!refresh_timer) {
        refresh_timer = timer_new_ns(QEMU_CLOCK_REALTIME, refresh_timer_cb,
                                     NULL);
        timer_mod_ns(refresh_timer, qemu_clock_get_ns(QEMU_CLOCK_REALTIME) +
                     GUI_REFRESH_INTERVAL_DEFAULT * 1000000LL);
    }
}

void dpy_select_console(DisplayChangeListener *dcl, QemuConsole *con)
{
    dcl->attached = con;
    graphic_hw_invalidate(con);
    if (dcl->ops->dpy_gfx_switch) {
        dcl->ops->dpy_gfx_switch(dcl, con->surface);
    }
}

QemuConsole *dpy_get_console(DisplayChangeListener *dcl)
{
    return dcl->attached;
}

void unregister_displaychangelistener(DisplayChangeListener *dcl)
{
    listeners = g_list_remove(listeners, dcl);
    dcl->attached = NULL;
    if (!listeners && refresh_timer) {
        timer_del(refresh_timer);
        timer_free(refresh_timer);
        refresh_timer = NULL;
    }
}
