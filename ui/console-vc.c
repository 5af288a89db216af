/*
 * The "vc" chardev (-serial vc, -monitor vc; QEMU's default with a
 * graphical display): a text console of 80x24 cells drawn with the VGA
 * font into its own surface, shown by a display when selected (Ctrl-Alt-2
 * for the monitor, Ctrl-Alt-3 for serial0 in SDL).  What the frontend
 * writes is interpreted as a small VT100 subset (the cursor movements,
 * erasures and colours the monitor's line editor and a guest's serial
 * console use); keys typed at the console are handed to the frontend as
 * a terminal sends them.  Not modelled: scrollback, UTF-8 (bytes above
 * 0x7f show as '?'), the vc:WxH size options.
 */
#include "qemu/osdep.h"
#include "chardev/char.h"
#include "ui/console.h"

#define VC_COLS 80
#define VC_ROWS 24
#define VC_CELL_W 8
#define VC_CELL_H 16
#define VC_DEFAULT_ATTR 0x07        /* light grey on black */
#define VC_MAX_PARAMS 8

typedef enum VCState { VC_NORMAL, VC_ESC, VC_CSI } VCState;

typedef struct VCChardev {
    Chardev parent;
    QemuConsole *con;
    uint16_t cells[VC_ROWS][VC_COLS];   /* character | attribute << 8 */
    bool dirty[VC_ROWS];
    int x, y;                           /* the cursor */
    int drawn_x, drawn_y;               /* where the cursor was drawn */
    uint8_t attr;                       /* foreground | background << 4 */
    VCState state;
    int params[VC_MAX_PARAMS];
    int nparams;
    GByteArray *input;                  /* typed, not yet taken */
} VCChardev;

/* The 16 colours of the VGA's text mode (the EGA palette). */
static const uint32_t vc_palette[16] = {
    0x000000, 0x0000aa, 0x00aa00, 0x00aaaa, 0xaa0000, 0xaa00aa, 0xaa5500,
    0xaaaaaa, 0x555555, 0x5555ff, 0x55ff55, 0x55ffff, 0xff5555, 0xff55ff,
    0xffff55, 0xffffff,
};

/* ANSI colour numbers (red = 1) to VGA ones (red = 4). */
static const uint8_t vc_ansi_to_vga[8] = { 0, 4, 2, 6, 1, 5, 3, 7 };

/* ---- the screen ---- */

static void vc_clear(VCChardev *vc, int row, int from, int to)
{
    for (int x = from; x < to; x++) {
        vc->cells[row][x] = ' ' | VC_DEFAULT_ATTR << 8;
    }
    vc->dirty[row] = true;
}

static void vc_newline(VCChardev *vc)
{
    if (++vc->y < VC_ROWS) {
        return;
    }
    vc->y = VC_ROWS - 1;
    memmove(vc->cells[0], vc->cells[1], sizeof(vc->cells[0]) * (VC_ROWS - 1));
    vc_clear(vc, VC_ROWS - 1, 0, VC_COLS);
    memset(vc->dirty, true, sizeof(vc->dirty));
}

static void vc_put_char(VCChardev *vc, uint8_t ch)
{
    if (vc->x >= VC_COLS) {             /* wrap before the next character */
        vc->x = 0;
        vc_newline(vc);
    }
    vc->cells[vc->y][vc->x++] = (ch < 0x80 ? ch : '?') | vc->attr << 8;
    vc->dirty[vc->y] = true;
}

static int vc_param(VCChardev *vc, int i, int dflt)
{
    return i < vc->nparams && vc->params[i] ? vc->params[i] : dflt;
}

static void vc_sgr(VCChardev *vc)
{
    for (int i = 0; i < MAX(vc->nparams, 1); i++) {
        int p = i < vc->nparams ? vc->params[i] : 0;

        if (p == 0) {
            vc->attr = VC_DEFAULT_ATTR;
        } else if (p == 1) {
            vc->attr |= 0x08;
        } else if (p == 22) {
            vc->attr &= ~0x08;
        } else if (p == 7) {
            vc->attr = (vc->attr & 0x88) | (vc->attr & 0x07) << 4 |
                       (vc->attr & 0x70) >> 4;
        } else if (p >= 30 && p <= 37) {
            vc->attr = (vc->attr & 0xf8) | vc_ansi_to_vga[p - 30];
        } else if (p == 39) {
            vc->attr = (vc->attr & 0xf8) | (VC_DEFAULT_ATTR & 7);
        } else if (p >= 40 && p <= 47) {
            vc->attr = (vc->attr & 0x8f) | vc_ansi_to_vga[p - 40] << 4;
        } else if (p == 49) {
            vc->attr &= 0x8f;
        }
    }
}

static void vc_csi(VCChardev *vc, uint8_t final)
{
    int n = vc_param(vc, 0, 1);

    switch (final) {
    case 'A':
        vc->y = MAX(vc->y - n, 0);
        break;
    case 'B':
        vc->y = MIN(vc->y + n, VC_ROWS - 1);
        break;
    case 'C':
        vc->x = MIN(vc->x + n, VC_COLS - 1);
        break;
    case 'D':
        vc->x = MAX(MIN(vc->x, VC_COLS - 1) - n, 0);
        break;
    case 'G':
        vc->x = MIN(n, VC_COLS) - 1;
        break;
    case 'H':
    case 'f':
        vc->y = MIN(vc_param(vc, 0, 1), VC_ROWS) - 1;
        vc->x = MIN(vc_param(vc, 1, 1), VC_COLS) - 1;
        break;
    case 'J':                           /* 0: to the end, 1: to here, 2: all */
        for (int row = 0; row < VC_ROWS; row++) {
            int mode = vc_param(vc, 0, 0);

            if (row == vc->y && mode < 2) {
                vc_clear(vc, row, mode ? 0 : MIN(vc->x, VC_COLS),
                         mode ? MIN(vc->x + 1, VC_COLS) : VC_COLS);
            } else if (mode >= 2 || (mode == 0) == (row > vc->y)) {
                vc_clear(vc, row, 0, VC_COLS);
            }
        }
        break;
    case 'K':                           /* the same within the line */
        switch (vc_param(vc, 0, 0)) {
        case 0:
            vc_clear(vc, vc->y, MIN(vc->x, VC_COLS), VC_COLS);
            break;
        case 1:
            vc_clear(vc, vc->y, 0, MIN(vc->x + 1, VC_COLS));
            break;
        default:
            vc_clear(vc, vc->y, 0, VC_COLS);
            break;
        }
        break;
    case 'm':
        vc_sgr(vc);
        break;
    default:                            /* modes, scroll regions: ignored */
        break;
    }
}

static void vc_put_byte(VCChardev *vc, uint8_t ch)
{
    switch (vc->state) {
    case VC_ESC:
        if (ch == '[') {
            vc->state = VC_CSI;
            vc->nparams = 0;
            memset(vc->params, 0, sizeof(vc->params));
        } else {
            vc->state = VC_NORMAL;      /* ESC 7, ESC c ...: ignored */
        }
        return;
    case VC_CSI:
        if (ch >= '0' && ch <= '9') {
            if (vc->nparams == 0) {
                vc->nparams = 1;
            }
            if (vc->nparams <= VC_MAX_PARAMS) {
                int *p = &vc->params[vc->nparams - 1];

                *p = MIN(*p * 10 + (ch - '0'), 9999);
            }
        } else if (ch == ';') {
            vc->nparams = MIN(vc->nparams + 1, VC_MAX_PARAMS + 1);
            if (vc->nparams == 1) {     /* ";5": the first one was empty */
                vc->nparams = 2;
            }
        } else if (ch >= 0x40 && ch <= 0x7e) {
            vc->nparams = MIN(vc->nparams, VC_MAX_PARAMS);
            vc_csi(vc, ch);
            vc->state = VC_NORMAL;
        }                               /* '?' and the like: skipped */
        return;
    case VC_NORMAL:
        break;
    }
    switch (ch) {
    case '\r':
        vc->x = 0;
        break;
    case '\n':
        vc_newline(vc);
        break;
    case '\b':
        vc->x = MAX(MIN(vc->x, VC_COLS - 1) - 1, 0);
        break;
    case '\t':
        do {
            vc_put_char(vc, ' ');
        } while (vc->x % 8 && vc->x < VC_COLS);
        break;
    case 0x1b:
        vc->state = VC_ESC;
        break;
    default:
        if (ch >= 0x20 && ch != 0x7f) {
            vc_put_char(vc, ch);
        }                               /* bell and other controls: none */
        break;
    }
}

/* ---- drawing (the console's refresh) ---- */

static void vc_draw_row(VCChardev *vc, DisplaySurface *surf, int row)
{
    int stride = surface_stride(surf);
    bool cursor_row = row == vc->y;

    for (int col = 0; col < VC_COLS; col++) {
        uint16_t cell = vc->cells[row][col];
        uint8_t attr = cell >> 8;
        uint32_t fg = vc_palette[attr & 15], bg = vc_palette[attr >> 4];

        if (cursor_row && col == MIN(vc->x, VC_COLS - 1)) {
            uint32_t t = fg;            /* a block cursor: inverted cell */

            fg = bg;
            bg = t;
        }
        for (int l = 0; l < VC_CELL_H; l++) {
            uint8_t bits = vga_font_8x16[(cell & 0xff) * VC_CELL_H + l];
            uint32_t *d = (uint32_t *)(surface_data(surf) +
                                       (row * VC_CELL_H + l) * stride) +
                          col * VC_CELL_W;

            for (int x = 0; x < VC_CELL_W; x++) {
                d[x] = (bits >> (7 - x)) & 1 ? fg : bg;
            }
        }
    }
}

static void vc_gfx_update(void *opaque)
{
    VCChardev *vc = opaque;
    DisplaySurface *surf = qemu_console_surface(vc->con);

    if (vc->drawn_x != vc->x || vc->drawn_y != vc->y) {
        vc->dirty[vc->drawn_y] = true;  /* the cursor left that cell */
        vc->dirty[vc->y] = true;
    }
    for (int row = 0; row < VC_ROWS; row++) {
        if (vc->dirty[row]) {
            vc->dirty[row] = false;
            vc_draw_row(vc, surf, row);
            dpy_gfx_update(vc->con, 0, row * VC_CELL_H,
                           VC_COLS * VC_CELL_W, VC_CELL_H);
        }
    }
    vc->drawn_x = vc->x;
    vc->drawn_y = vc->y;
}

static void vc_invalidate(void *opaque)
{
    VCChardev *vc = opaque;

    memset(vc->dirty, true, sizeof(vc->dirty));
}

/* ---- input ---- */

static void vc_flush_input(VCChardev *vc)
{
    Chardev *chr = &vc->parent;
    int n = MIN(chr_be_can_write(chr), (int)vc->input->len);

    if (n > 0) {
        chr_be_write(chr, vc->input->data, n);
        g_byte_array_remove_range(vc->input, 0, n);
    }
}

static void vc_text_input(void *opaque, const uint8_t *buf, int len)
{
    VCChardev *vc = opaque;

    g_byte_array_append(vc->input, buf, len);
    vc_flush_input(vc);
}

static const GraphicHwOps vc_hw_ops = {
    .gfx_update = vc_gfx_update,
    .invalidate = vc_invalidate,
    .text_input = vc_text_input,
};

bool qemu_text_console_put_qcode(QemuConsole *con, QKeyCode q, bool ctrl)
{
    static const struct {
        QKeyCode q;
        const char *bytes;
    } keys[] = {
        { Q_KEY_CODE_RET, "\r" }, { Q_KEY_CODE_KP_ENTER, "\r" },
        { Q_KEY_CODE_BACKSPACE, "\x7f" }, { Q_KEY_CODE_TAB, "\t" },
        { Q_KEY_CODE_ESC, "\x1b" },
        { Q_KEY_CODE_UP, "\x1b[A" }, { Q_KEY_CODE_DOWN, "\x1b[B" },
        { Q_KEY_CODE_RIGHT, "\x1b[C" }, { Q_KEY_CODE_LEFT, "\x1b[D" },
        { Q_KEY_CODE_HOME, "\x1b[1~" }, { Q_KEY_CODE_INSERT, "\x1b[2~" },
        { Q_KEY_CODE_DELETE, "\x1b[3~" }, { Q_KEY_CODE_END, "\x1b[4~" },
        { Q_KEY_CODE_PGUP, "\x1b[5~" }, { Q_KEY_CODE_PGDN, "\x1b[6~" },
    };
    const char *name = QKeyCode_str(q);

    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        if (keys[i].q == q) {
            qemu_console_text_input(con, (const uint8_t *)keys[i].bytes,
                                    strlen(keys[i].bytes));
            return true;
        }
    }
    /* Ctrl-A .. Ctrl-Z: the letter's control character */
    if (ctrl && name && strlen(name) == 1 && name[0] >= 'a' &&
        name[0] <= 'z') {
        uint8_t c = name[0] & 0x1f;

        qemu_console_text_input(con, &c, 1);
        return true;
    }
    return false;
}

/* ---- the chardev ---- */

static bool vc_chr_open(Chardev *chr, QemuOpts *opts, Error **errp)
{
    VCChardev *vc = (VCChardev *)chr;

    vc->attr = VC_DEFAULT_ATTR;
    for (int row = 0; row < VC_ROWS; row++) {
        vc_clear(vc, row, 0, VC_COLS);
    }
    vc->input = g_byte_array_new();
    vc->con = qemu_text_console_init(&vc_hw_ops, vc, VC_COLS * VC_CELL_W,
                                     VC_ROWS * VC_CELL_H);
    return true;
}

static int vc_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    VCChardev *vc = (VCChardev *)chr;

    for (int i = 0; i < len; i++) {
        vc_put_byte(vc, buf[i]);
    }
    return len;
}

static void vc_chr_accept_input(Chardev *chr)
{
    vc_flush_input((VCChardev *)chr);
}

static void vc_chr_finalize(Object *obj)
{
    VCChardev *vc = (VCChardev *)obj;

    if (vc->con) {                      /* chardev-remove: the console goes */
        graphic_console_close(vc->con);
    }
    if (vc->input) {
        g_byte_array_free(vc->input, true);
    }
}

static void vc_chr_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = (ChardevClass *)oc;

    cc->open = vc_chr_open;
    cc->write = vc_chr_write;
    cc->accept_input = vc_chr_accept_input;
}

static const TypeInfo vc_chr_type = {
    .name = TYPE_CHARDEV_VC,
    .parent = TYPE_CHARDEV,
    .instance_size = sizeof(VCChardev),
    .instance_finalize = vc_chr_finalize,
    .class_init = vc_chr_class_init,
};

static void vc_chr_register_types(void)
{
    type_register_static(&vc_chr_type);
}

type_init(vc_chr_register_types)
