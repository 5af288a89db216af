/*
 * The display console: a graphic device (VGA) owns a QemuConsole and draws
 * into its DisplaySurface (a pixman image); display listeners (VNC, SDL,
 * screendump) are told about switched surfaces and updated rectangles and
 * ask the device to refresh on a timer.  QEMU's names (ui/console.h).
 * Everything here runs on the main thread with the BQL held.
 */
#ifndef UI_CONSOLE_H
#define UI_CONSOLE_H

#include "qemu/osdep.h"
#include "qom/object.h"
#include <pixman.h>

typedef struct QemuConsole QemuConsole;
typedef struct DisplayChangeListener DisplayChangeListener;

/* QEMU's default refresh period of graphical displays (GUI_REFRESH_INTERVAL_DEFAULT). */
#define GUI_REFRESH_INTERVAL_DEFAULT 30

typedef struct DisplaySurface {
    pixman_image_t *image;
    pixman_format_code_t format;
} DisplaySurface;

/* A zeroed x8r8g8b8 surface of @width x @height owning its pixels. */
DisplaySurface *qemu_create_displaysurface(int width, int height);
void qemu_free_displaysurface(DisplaySurface *surface);

static inline int surface_width(DisplaySurface *s)
{
    return pixman_image_get_width(s->image);
}

static inline int surface_height(DisplaySurface *s)
{
    return pixman_image_get_height(s->image);
}

static inline int surface_stride(DisplaySurface *s)
{
    return pixman_image_get_stride(s->image);
}

static inline uint8_t *surface_data(DisplaySurface *s)
{
    return (uint8_t *)pixman_image_get_data(s->image);
}

static inline int surface_bits_per_pixel(DisplaySurface *s)
{
    return PIXMAN_FORMAT_BPP(s->format);
}

/* What the graphic device does for the console. */
typedef struct GraphicHwOps {
    /* Redraw what changed since the last call into the surface. */
    void (*gfx_update)(void *opaque);
    /* Forget the cached state: the next gfx_update redraws everything. */
    void (*invalidate)(void *opaque);
} GraphicHwOps;

/* What a display (VNC, SDL) wants to hear; every hook is optional. */
typedef struct DisplayChangeListenerOps {
    const char *dpy_name;
    /* Every update_interval ms; usually calls graphic_hw_update(). */
    void (*dpy_refresh)(DisplayChangeListener *dcl);
    void (*dpy_gfx_update)(DisplayChangeListener *dcl,
                           int x, int y, int w, int h);
    /* The console's surface was replaced (mode or size change). */
    void (*dpy_gfx_switch)(DisplayChangeListener *dcl,
                           DisplaySurface *new_surface);
} DisplayChangeListenerOps;

struct DisplayChangeListener {
    const DisplayChangeListenerOps *ops;
    QemuConsole *con;               /* NULL: the first graphic console */
    /* private */
    QemuConsole *attached;
};

/*
 * Create console number N (in creation order) for @dev's graphic output;
 * it starts with a 640x480 black surface.
 */
QemuConsole *graphic_console_init(Object *dev, const GraphicHwOps *ops,
                                  void *opaque);
void graphic_console_close(QemuConsole *con);
/* Console @index, or NULL. */
QemuConsole *qemu_console_lookup_by_index(unsigned index);
int qemu_console_get_index(QemuConsole *con);
Object *qemu_console_get_device(QemuConsole *con);
DisplaySurface *qemu_console_surface(QemuConsole *con);
int qemu_console_get_width(QemuConsole *con);
int qemu_console_get_height(QemuConsole *con);

/* Device side: report a changed rectangle / install a new surface. */
void dpy_gfx_update(QemuConsole *con, int x, int y, int w, int h);
void dpy_gfx_update_full(QemuConsole *con);
/* @surface becomes the console's; the old one is freed. */
void dpy_gfx_replace_surface(QemuConsole *con, DisplaySurface *surface);

/* Display side: let the device draw (screendump, refresh). */
void graphic_hw_update(QemuConsole *con);
void graphic_hw_invalidate(QemuConsole *con);

/*
 * Attach @dcl to its console (dcl->con, or the first graphic console) and
 * tell it the current surface; the refresh timer runs while any listener
 * is registered.
 */
void register_displaychangelistener(DisplayChangeListener *dcl);
void unregister_displaychangelistener(DisplayChangeListener *dcl);

#endif
