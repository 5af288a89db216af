/*
 * VGA and VBE rendering into the console's 32-bit surface.  The surface
 * has the CRT's size (text: columns x cell width, graphics: dots x scan
 * lines), as QEMU's.  Only what changed is redrawn and reported: the VRAM
 * bytes behind each text cell or scan line are kept in a shadow copy and
 * compared on each refresh, because the software CPU writes the VBE
 * framebuffer (RAM) straight through its TLB, where no write is seen.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "hw/display/vga.h"

enum {
    VGA_MODE_TEXT,
    VGA_MODE_GRAPH,
    VGA_MODE_VBE,
};

/* Cursor and blinking characters toggle every 16 frames at 60 Hz. */
#define VGA_BLINK_PERIOD_NS (1000000000LL * 16 / 60)

static uint32_t rgb_of(uint8_t r, uint8_t g, uint8_t b)
{
    return (r << 16) | (g << 8) | b;
}

/* 6-bit DAC value to 8 bits: the low bit fills the two new bits (QEMU's). */
static uint8_t c6_to_8(uint8_t v)
{
    v &= 0x3f;
    return (v << 2) | ((v & 1) << 1) | (v & 1);
}

/* A DAC entry as 8-bit RGB. */
static uint32_t dac_color(VGACommonState *s, unsigned index)
{
    const uint8_t *p = &s->palette[(index & 0xff) * 3];

    if (s->vbe_regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_8BIT_DAC) {
        return rgb_of(p[0], p[1], p[2]);
    }
    return rgb_of(c6_to_8(p[0]), c6_to_8(p[1]), c6_to_8(p[2]));
}

/* The 16 attribute-controller colours through the DAC; true if changed. */
static bool update_palette16(VGACommonState *s, uint32_t *pal)
{
    bool changed = false;

    for (int i = 0; i < 16; i++) {
        unsigned v = s->ar[i];
        uint32_t c;

        if (s->ar[0x10] & 0x80) {
            v = ((s->ar[0x14] & 0x0f) << 4) | (v & 0x0f);
        } else {
            v = ((s->ar[0x14] & 0x0c) << 4) | (v & 0x3f);
        }
        c = dac_color(s, v);
        changed |= pal[i] != c;
        pal[i] = c;
    }
    return changed;
}

static bool update_palette256(VGACommonState *s, uint32_t *pal)
{
    bool changed = false;

    for (int i = 0; i < 256; i++) {
        uint32_t c = dac_color(s, i);

        changed |= pal[i] != c;
        pal[i] = c;
    }
    return changed;
}

/* Make the surface @w x @h; a new surface means a full redraw. */
static void vga_resize(VGACommonState *s, int mode, int w, int h)
{
    DisplaySurface *surf = qemu_console_surface(s->con);

    if (mode != s->last_mode || surface_width(surf) != w ||
        surface_height(surf) != h) {
        if (surface_width(surf) != w || surface_height(surf) != h) {
            dpy_gfx_replace_surface(s->con, qemu_create_displaysurface(w, h));
        }
        s->last_mode = mode;
        s->full_update = true;
    }
    s->last_width = w;
    s->last_height = h;
}

/* The shadow must hold @size bytes; growing it forces a full redraw. */
static void vga_shadow_reserve(VGACommonState *s, uint32_t size)
{
    if (size > s->shadow_size) {
        s->shadow = g_realloc(s->shadow, size);
        s->shadow_size = size;
        s->full_update = true;
    }
}

/* ---- text modes ---- */

/* Byte offset in plane 2 of character map @n (SR3 encoding). */
static uint32_t font_offset(unsigned n)
{
    return (((n & 3) << 1) | ((n >> 2) & 1)) * 0x2000;
}

static void vga_draw_text(VGACommonState *s)
{
    int cols = s->cr[1] + 1;
    int cheight = (s->cr[9] & 0x1f) + 1;
    int cw = (s->sr[1] & 0x01) ? 8 : 9;
    int vde = s->cr[0x12] | ((s->cr[7] & 0x02) << 7) | ((s->cr[7] & 0x40) << 3);
    int rows = (vde + 1) / cheight;
    uint32_t start = ((s->cr[0x0c] << 8) | s->cr[0x0d]) * 4;
    uint32_t line_offset = s->cr[0x13] << 3;
    int cursor = ((s->cr[0x0e] << 8) | s->cr[0x0f]) -
                 ((s->cr[0x0c] << 8) | s->cr[0x0d]);
    int cur_start = s->cr[0x0a] & 0x1f, cur_end = s->cr[0x0b] & 0x1f;
    bool cursor_on = !(s->cr[0x0a] & 0x20);
    bool blink = s->ar[0x10] & 0x08;
    bool lge = s->ar[0x10] & 0x04;
    unsigned sr3 = s->sr[3];
    uint32_t font_a = font_offset(((sr3 >> 5) & 1) << 2 | ((sr3 >> 2) & 3));
    uint32_t font_b = font_offset(((sr3 >> 4) & 1) << 2 | (sr3 & 3));
    uint32_t pal[16];
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    bool phase_changed = false;
    DisplaySurface *surf;
    uint8_t *dst0;
    int stride;
    int32_t cursor_state[2], old_cursor_state[2];
    bool cursor_changed;

    if (s->sr[1] & 0x08) {
        cw *= 2;                    /* 40-column modes: dot clock / 2 */
    }
    if (cols > 160 || rows <= 0 || rows > 150 || cheight > 32) {
        return;                     /* half-programmed CRTC */
    }
    vga_resize(s, VGA_MODE_TEXT, cols * cw, rows * cheight);
    /* shadow: char, attr per cell, then the cursor cell and phase */
    vga_shadow_reserve(s, cols * rows * 2 + 8);
    if (now >= s->cursor_blink_time) {
        s->cursor_blink_time = now + VGA_BLINK_PERIOD_NS / 2;
        s->cursor_visible_phase = !s->cursor_visible_phase;
        phase_changed = true;
    }
    /*
     * The cell the cursor was drawn in last time must lose it when the
     * cursor moves (or changes shape) even if its character stays.
     */
    cursor_state[0] = cursor;
    cursor_state[1] = cur_start | cur_end << 8 | cursor_on << 16;
    memcpy(old_cursor_state, s->shadow + cols * rows * 2,
           sizeof(old_cursor_state));
    cursor_changed = memcmp(cursor_state, old_cursor_state,
                            sizeof(cursor_state)) != 0;
    memcpy(pal, s->last_palette, sizeof(pal));
    if (update_palette16(s, pal)) {
        s->full_update = true;
    }
    memcpy(s->last_palette, pal, sizeof(pal));
    surf = qemu_console_surface(s->con);
    dst0 = surface_data(surf);
    stride = surface_stride(surf);

    for (int row = 0; row < rows; row++) {
        int x0 = cols, x1 = -1;

        for (int col = 0; col < cols; col++) {
            uint32_t src = (start + row * line_offset + col * 4) &
                           (s->vram_size - 1);
            uint8_t ch = s->vram_ptr[src], attr = s->vram_ptr[src + 1];
            uint8_t *sh = &s->shadow[(row * cols + col) * 2];
            bool is_cursor = row * cols + col == cursor;
            bool was_cursor = row * cols + col == old_cursor_state[0];
            uint32_t fg, bg, font;
            bool hide;

            if (!s->full_update && sh[0] == ch && sh[1] == attr &&
                !(phase_changed && (is_cursor || (blink && (attr & 0x80)))) &&
                !(cursor_changed && (is_cursor || was_cursor))) {
                continue;
            }
            sh[0] = ch;
            sh[1] = attr;
            fg = pal[attr & 0x0f];
            bg = pal[(attr >> 4) & (blink ? 0x07 : 0x0f)];
            hide = blink && (attr & 0x80) && !s->cursor_visible_phase;
            font = (attr & 0x08) ? font_a : font_b;
            for (int l = 0; l < cheight; l++) {
                uint8_t bits = s->vram_ptr[((font + ch * 32 + l) * 4 + 2) &
                                           (s->vram_size - 1)];
                uint32_t *d = (uint32_t *)(dst0 + (row * cheight + l) * stride) +
                              col * cw;
                bool col9;

                if (hide) {
                    bits = 0;
                }
                if (is_cursor && cursor_on && s->cursor_visible_phase &&
                    l >= cur_start && l <= cur_end) {
                    bits = 0xff;
                }
                /* The 9th dot repeats the 8th for line-drawing characters. */
                col9 = lge && ch >= 0xc0 && ch <= 0xdf && (bits & 1);
                for (int x = 0; x < cw; x++) {
                    int bit = (s->sr[1] & 0x08) ? x / 2 : x;
                    bool on = bit < 8 ? (bits >> (7 - bit)) & 1 : col9;

                    d[x] = on ? fg : bg;
                }
            }
            x0 = MIN(x0, col);
            x1 = MAX(x1, col);
        }
        if (x1 >= 0) {
            dpy_gfx_update(s->con, x0 * cw, row * cheight,
                           (x1 - x0 + 1) * cw, cheight);
        }
    }
    memcpy(s->shadow + cols * rows * 2, cursor_state, sizeof(cursor_state));
    s->full_update = false;
}

/* ---- graphics modes ---- */

/* One scan line of @width dots from VRAM at @addr into @d. */
static void draw_line_planar(VGACommonState *s, uint32_t *d, uint32_t addr,
                             int width, bool pixel_double, const uint32_t *pal)
{
    uint8_t plane_mask = s->ar[0x12] & 0x0f;
    int step = pixel_double ? 2 : 1;

    for (int x = 0; x < width; x += 8 * step) {
        const uint8_t *p = &s->vram_ptr[(addr + (x / (8 * step)) * 4) &
                                        (s->vram_size - 1) & ~3u];

        for (int b = 0; b < 8; b++) {
            unsigned idx = (((p[0] >> (7 - b)) & 1) |
                            (((p[1] >> (7 - b)) & 1) << 1) |
                            (((p[2] >> (7 - b)) & 1) << 2) |
                            (((p[3] >> (7 - b)) & 1) << 3)) & plane_mask;

            for (int k = 0; k < step && x + b * step + k < width; k++) {
                d[x + b * step + k] = pal[idx];
            }
        }
    }
}

/* 256 colours: one byte per pixel, each pixel two dots wide. */
static void draw_line_256(VGACommonState *s, uint32_t *d, uint32_t addr,
                          int width, const uint32_t *pal)
{
    for (int x = 0; x < width; x += 2) {
        uint32_t c = pal[s->vram_ptr[(addr + x / 2) & (s->vram_size - 1)]];

        d[x] = c;
        if (x + 1 < width) {
            d[x + 1] = c;
        }
    }
}

/*
 * Line @y is @dirty: report runs of dirty lines as one rectangle.  *@y0 is
 * the first line of the open run (-1: none); the callers' loops go one line
 * past the end, clean, to close the last run.
 */
static void report_dirty_run(VGACommonState *s, bool dirty, int y, int width,
                             int *y0)
{
    if (dirty && *y0 < 0) {
        *y0 = y;
    } else if (!dirty && *y0 >= 0) {
        dpy_gfx_update(s->con, 0, *y0, width, y - *y0);
        *y0 = -1;
    }
}

static void vga_draw_graphic(VGACommonState *s)
{
    int width = (s->cr[1] + 1) * 8;
    int height = (s->cr[0x12] | ((s->cr[7] & 0x02) << 7) |
                  ((s->cr[7] & 0x40) << 3)) + 1;
    int repeat = ((s->cr[9] & 0x1f) + 1) * ((s->cr[9] & 0x80) ? 2 : 1);
    uint32_t start = ((s->cr[0x0c] << 8) | s->cr[0x0d]) * 4;
    uint32_t line_offset = s->cr[0x13] << 3;
    bool mode256 = s->gr[5] & 0x40;
    bool dclk2 = s->sr[1] & 0x08;
    /* VRAM bytes behind one scan line */
    uint32_t line_bytes = mode256 ? width / 2 : (width / (dclk2 ? 16 : 8)) * 4;
    uint32_t pal[256];
    DisplaySurface *surf;
    int y0 = -1;

    if (height > 2048 || width > 2048) {
        return;
    }
    vga_resize(s, VGA_MODE_GRAPH, width, height);
    vga_shadow_reserve(s, line_bytes * height);
    memcpy(pal, s->last_palette, sizeof(pal));
    if (mode256 ? update_palette256(s, pal) : update_palette16(s, pal)) {
        s->full_update = true;
    }
    memcpy(s->last_palette, pal, sizeof(pal));
    surf = qemu_console_surface(s->con);

    for (int y = 0; y <= height; y++) {
        uint32_t addr = start + (y / repeat) * line_offset;
        uint8_t *sh = s->shadow + y * line_bytes;
        bool dirty = false;

        if (y < height) {
            /* the line's VRAM, wrapped like the CRTC's address counter */
            uint8_t cur[4096];

            for (uint32_t i = 0; i < line_bytes; i++) {
                cur[i] = s->vram_ptr[(addr + i) & (s->vram_size - 1)];
            }
            dirty = s->full_update || memcmp(sh, cur, line_bytes);
            if (dirty) {
                uint32_t *d = (uint32_t *)(surface_data(surf) +
                                           y * surface_stride(surf));

                memcpy(sh, cur, line_bytes);
                if (mode256) {
                    draw_line_256(s, d, addr, width, pal);
                } else {
                    draw_line_planar(s, d, addr, width, dclk2, pal);
                }
            }
        }
        report_dirty_run(s, dirty, y, width, &y0);
    }
    s->full_update = false;
}

/* ---- VBE modes ---- */

static void vga_draw_vbe(VGACommonState *s)
{
    int width = s->vbe_regs[VBE_DISPI_INDEX_XRES];
    int height = s->vbe_regs[VBE_DISPI_INDEX_YRES];
    int bpp = s->vbe_regs[VBE_DISPI_INDEX_BPP];
    int bypp = (bpp + 7) / 8;
    uint32_t line_bytes = width * bypp;
    uint32_t pal[256];
    DisplaySurface *surf;
    int y0 = -1;

    if (width == 0 || height == 0 || bpp < 8) {
        return;
    }
    vga_resize(s, VGA_MODE_VBE, width, height);
    vga_shadow_reserve(s, line_bytes * height);
    if (bpp == 8) {
        memcpy(pal, s->last_palette, sizeof(pal));
        if (update_palette256(s, pal)) {
            s->full_update = true;
        }
        memcpy(s->last_palette, pal, sizeof(pal));
    }
    surf = qemu_console_surface(s->con);

    for (int y = 0; y <= height; y++) {
        uint64_t off = s->vbe_start_addr + (uint64_t)y * s->vbe_line_offset;
        bool dirty = false;

        if (y < height && off + line_bytes <= s->vram_size) {
            const uint8_t *src = s->vram_ptr + off;
            uint8_t *sh = s->shadow + y * line_bytes;

            dirty = s->full_update || memcmp(sh, src, line_bytes);
            if (dirty) {
                uint32_t *d = (uint32_t *)(surface_data(surf) +
                                           y * surface_stride(surf));

                memcpy(sh, src, line_bytes);
                for (int x = 0; x < width; x++) {
                    const uint8_t *p = src + x * bypp;
                    unsigned v;

                    switch (bpp) {
                    case 8:
                        d[x] = pal[p[0]];
                        break;
                    case 15:
                        v = p[0] | (p[1] << 8);
                        d[x] = rgb_of(((v >> 10) & 0x1f) << 3 | ((v >> 12) & 7),
                                      ((v >> 5) & 0x1f) << 3 | ((v >> 7) & 7),
                                      (v & 0x1f) << 3 | ((v >> 2) & 7));
                        break;
                    case 16:
                        v = p[0] | (p[1] << 8);
                        d[x] = rgb_of(((v >> 11) & 0x1f) << 3 | ((v >> 13) & 7),
                                      ((v >> 5) & 0x3f) << 2 | ((v >> 9) & 3),
                                      (v & 0x1f) << 3 | ((v >> 2) & 7));
                        break;
                    default:        /* 24 and 32: B, G, R in memory */
                        d[x] = rgb_of(p[2], p[1], p[0]);
                        break;
                    }
                }
            }
        }
        report_dirty_run(s, dirty, y, width, &y0);
    }
    s->full_update = false;
}

/* ---- console hooks ---- */

static void vga_gfx_update(void *opaque)
{
    VGACommonState *s = opaque;

    if (s->vbe_regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED) {
        vga_draw_vbe(s);
    } else if (!(s->ar_index & 0x20)) {
        /* palette address source clear: the screen is blanked */
        vga_resize(s, -2, s->last_width ? s->last_width : 640,
                   s->last_height ? s->last_height : 480);
        if (s->full_update) {
            DisplaySurface *surf = qemu_console_surface(s->con);

            memset(surface_data(surf), 0,
                   surface_stride(surf) * surface_height(surf));
            dpy_gfx_update_full(s->con);
            s->full_update = false;
        }
    } else if (s->gr[6] & 0x01) {
        vga_draw_graphic(s);
    } else {
        vga_draw_text(s);
    }
}

static void vga_invalidate(void *opaque)
{
    VGACommonState *s = opaque;

    s->full_update = true;
}

const GraphicHwOps vga_gfx_ops = {
    .gfx_update = vga_gfx_update,
    .invalidate = vga_invalidate,
};
