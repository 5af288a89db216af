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
#include "qapi/qapi-types.h"
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
    /* Text consoles only: bytes typed at the console (keys as a terminal
     * sends them). */
    void (*text_input)(void *opaque, const uint8_t *buf, int len);
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
/*
 * A text console (ops->text_input set) with its own @width x @height
 * surface; numbered after every graphic console, as QEMU's (Ctrl-Alt-1 is
 * the VGA, then the text consoles in creation order: monitor, serial0).
 */
QemuConsole *qemu_text_console_init(const GraphicHwOps *ops, void *opaque,
                                    int width, int height);
bool qemu_console_is_graphic(QemuConsole *con);
/* Hand @buf to a text console's input (nothing for a graphic one). */
void qemu_console_text_input(QemuConsole *con, const uint8_t *buf, int len);
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
/* Show @con in @dcl from now on (Ctrl-Alt-N); redraws it whole. */
void dpy_select_console(DisplayChangeListener *dcl, QemuConsole *con);
/* The console @dcl shows, NULL while there is none. */
QemuConsole *dpy_get_console(DisplayChangeListener *dcl);

/* ui/console-vc.c: the "vc" chardev's text consoles */
/*
 * Type @q (with Ctrl held when @ctrl) at a text console as a terminal
 * would send it: Return, Backspace, Tab, Escape, the arrows and editing
 * keys, Ctrl-letter.  False for keys that have no such bytes (letters
 * come as text, qemu_console_text_input()).
 */
bool qemu_text_console_put_qcode(QemuConsole *con, QKeyCode q, bool ctrl);

/* The 8x16 font of code page 437 (generated at build time from Debian's
 * console fonts): the VGA's power-on font and the text consoles'. */
extern const uint8_t vga_font_8x16[256 * 16];

#endif
