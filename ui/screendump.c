/*
 * screendump (QMP and HMP): the console's surface as PPM (P6, as QEMU
 * writes it) or PNG (8-bit RGB through libpng).  The device is asked to
 * redraw first, so the file shows the guest's current screen.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "ui/console.h"
#include <png.h>

/* One row of the surface as R, G, B bytes. */
static void surface_row_rgb(DisplaySurface *s, int y, uint8_t *out)
{
    const uint32_t *p = (const uint32_t *)(surface_data(s) +
                                           y * surface_stride(s));

    for (int x = 0; x < surface_width(s); x++) {
        out[x * 3] = p[x] >> 16;
        out[x * 3 + 1] = p[x] >> 8;
        out[x * 3 + 2] = p[x];
    }
}

static bool ppm_save(FILE *f, DisplaySurface *s)
{
    int w = surface_width(s), h = surface_height(s);
    g_autofree uint8_t *row = g_malloc(w * 3);

    fprintf(f, "P6\n%d %d\n%d\n", w, h, 255);
    for (int y = 0; y < h; y++) {
        surface_row_rgb(s, y, row);
        if (fwrite(row, 1, w * 3, f) != (size_t)w * 3) {
            return false;
        }
    }
    return true;
}

static bool png_save(FILE *f, DisplaySurface *s)
{
    int w = surface_width(s), h = surface_height(s);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL,
                                              NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    uint8_t *volatile row = NULL;
    bool ok = false;

    if (!info) {
        goto out;
    }
    if (setjmp(png_jmpbuf(png))) {
        goto out;
    }
    row = g_malloc(w * 3);
    png_init_io(png, f);
    png_set_IHDR(png, info, w, h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < h; y++) {
        surface_row_rgb(s, y, row);
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    ok = true;
out:
    png_destroy_write_struct(&png, info ? &info : NULL);
    g_free(row);
    return ok;
}

/* The console of device @id (an id or QOM path), head @head. */
static QemuConsole *console_by_device(const char *id, int64_t head,
                                      Error **errp)
{
    Object *obj = object_resolve_path(id, NULL);

    for (unsigned i = 0; obj && i < 64; i++) {
        QemuConsole *con = qemu_console_lookup_by_index(i);

        if (con && qemu_console_get_device(con) == obj) {
            if (head != 0) {
                error_setg(errp, "Device '%s' does not have head %" PRId64,
                           id, head);
                return NULL;
            }
            return con;
        }
    }
    error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found", id);
    return NULL;
}

void qmp_screendump(const char *filename, bool has_device, const char *device,
                    bool has_head, int64_t head, bool has_format,
                    ImageFormat format, Error **errp)
{
    QemuConsole *con;
    DisplaySurface *surface;
    FILE *f;
    bool ok;

    if (has_device) {
        con = console_by_device(device, has_head ? head : 0, errp);
        if (!con) {
            return;
        }
    } else {
        if (has_head) {
            error_setg(errp, "'head' must be specified together with 'device'");
            return;
        }
        con = qemu_console_lookup_by_index(0);
        if (!con) {
            error_setg(errp, "There is no console to take a screendump from");
            return;
        }
    }
    graphic_hw_update(con);
    surface = qemu_console_surface(con);

    f = fopen(filename, "wb");
    if (!f) {
        error_setg(errp, "failed to open file '%s': %s", filename,
                   g_strerror(errno));
        return;
    }
    ok = (has_format && format == IMAGE_FORMAT_PNG) ? png_save(f, surface)
                                                     : ppm_save(f, surface);
    if (fclose(f) != 0) {
        ok = false;
    }
    if (!ok) {
        error_setg(errp, "failed to write file '%s'", filename);
        unlink(filename);
    }
}
