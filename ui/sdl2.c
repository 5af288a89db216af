/*
 * -display sdl: the graphic console in an SDL2 window.  The surface is
 * copied into a streaming texture (x8r8g8b8 = SDL's RGB888) rectangle by
 * rectangle as the console reports changes, and presented on the refresh
 * timer, which also drains SDL's event queue on the main thread.
 * Keyboard: SDL scancodes (USB HID usages) to QEMU key codes.  Mouse:
 * relative motion while grabbed; a click grabs, Ctrl-Alt-G releases,
 * Ctrl-Alt-F toggles full screen, Ctrl-Alt-N shows console N (1: the
 * VGA, then the text consoles: the monitor, serial0 with QEMU's
 * defaults), where typed text goes to the monitor or serial port.  Not
 * modelled: OpenGL, absolute pointing devices.
 */
#include "qemu/osdep.h"
#include "system/runstate.h"
#include "ui/console.h"
#include "ui/display.h"
#include "ui/input.h"
#include <SDL.h>

typedef struct SDLDisplay {
    DisplayChangeListener dcl;
    SDL_Window *window;
    SDL_Renderer *renderer;
    SDL_Texture *texture;
    DisplaySurface *surface;
    char *name;
    bool grab;
    bool dirty;
    uint32_t buttons;
} SDLDisplay;

static const struct {
    SDL_Scancode sc;
    QKeyCode q;
} sdl_keys[] = {
    { SDL_SCANCODE_RETURN, Q_KEY_CODE_RET },
    { SDL_SCANCODE_ESCAPE, Q_KEY_CODE_ESC },
    { SDL_SCANCODE_BACKSPACE, Q_KEY_CODE_BACKSPACE },
    { SDL_SCANCODE_TAB, Q_KEY_CODE_TAB },
    { SDL_SCANCODE_SPACE, Q_KEY_CODE_SPC },
    { SDL_SCANCODE_MINUS, Q_KEY_CODE_MINUS },
    { SDL_SCANCODE_EQUALS, Q_KEY_CODE_EQUAL },
    { SDL_SCANCODE_LEFTBRACKET, Q_KEY_CODE_BRACKET_LEFT },
    { SDL_SCANCODE_RIGHTBRACKET, Q_KEY_CODE_BRACKET_RIGHT },
    { SDL_SCANCODE_BACKSLASH, Q_KEY_CODE_BACKSLASH },
    { SDL_SCANCODE_NONUSHASH, Q_KEY_CODE_BACKSLASH },
    { SDL_SCANCODE_SEMICOLON, Q_KEY_CODE_SEMICOLON },
    { SDL_SCANCODE_APOSTROPHE, Q_KEY_CODE_APOSTROPHE },
    { SDL_SCANCODE_GRAVE, Q_KEY_CODE_GRAVE_ACCENT },
    { SDL_SCANCODE_COMMA, Q_KEY_CODE_COMMA },
    { SDL_SCANCODE_PERIOD, Q_KEY_CODE_DOT },
    { SDL_SCANCODE_SLASH, Q_KEY_CODE_SLASH },
    { SDL_SCANCODE_CAPSLOCK, Q_KEY_CODE_CAPS_LOCK },
    { SDL_SCANCODE_F11, Q_KEY_CODE_F11 },
    { SDL_SCANCODE_F12, Q_KEY_CODE_F12 },
    { SDL_SCANCODE_PRINTSCREEN, Q_KEY_CODE_PRINT },
    { SDL_SCANCODE_SCROLLLOCK, Q_KEY_CODE_SCROLL_LOCK },
    { SDL_SCANCODE_PAUSE, Q_KEY_CODE_PAUSE },
    { SDL_SCANCODE_INSERT, Q_KEY_CODE_INSERT },
    { SDL_SCANCODE_HOME, Q_KEY_CODE_HOME },
    { SDL_SCANCODE_PAGEUP, Q_KEY_CODE_PGUP },
    { SDL_SCANCODE_DELETE, Q_KEY_CODE_DELETE },
    { SDL_SCANCODE_END, Q_KEY_CODE_END },
    { SDL_SCANCODE_PAGEDOWN, Q_KEY_CODE_PGDN },
    { SDL_SCANCODE_RIGHT, Q_KEY_CODE_RIGHT },
    { SDL_SCANCODE_LEFT, Q_KEY_CODE_LEFT },
    { SDL_SCANCODE_DOWN, Q_KEY_CODE_DOWN },
    { SDL_SCANCODE_UP, Q_KEY_CODE_UP },
    { SDL_SCANCODE_NUMLOCKCLEAR, Q_KEY_CODE_NUM_LOCK },
    { SDL_SCANCODE_KP_DIVIDE, Q_KEY_CODE_KP_DIVIDE },
    { SDL_SCANCODE_KP_MULTIPLY, Q_KEY_CODE_KP_MULTIPLY },
    { SDL_SCANCODE_KP_MINUS, Q_KEY_CODE_KP_SUBTRACT },
    { SDL_SCANCODE_KP_PLUS, Q_KEY_CODE_KP_ADD },
    { SDL_SCANCODE_KP_ENTER, Q_KEY_CODE_KP_ENTER },
    { SDL_SCANCODE_KP_0, Q_KEY_CODE_KP_0 },
    { SDL_SCANCODE_KP_PERIOD, Q_KEY_CODE_KP_DECIMAL },
    { SDL_SCANCODE_NONUSBACKSLASH, Q_KEY_CODE_LESS },
    { SDL_SCANCODE_APPLICATION, Q_KEY_CODE_MENU },
    { SDL_SCANCODE_LCTRL, Q_KEY_CODE_CTRL },
    { SDL_SCANCODE_LSHIFT, Q_KEY_CODE_SHIFT },
    { SDL_SCANCODE_LALT, Q_KEY_CODE_ALT },
    { SDL_SCANCODE_LGUI, Q_KEY_CODE_META_L },
    { SDL_SCANCODE_RCTRL, Q_KEY_CODE_CTRL_R },
    { SDL_SCANCODE_RSHIFT, Q_KEY_CODE_SHIFT_R },
    { SDL_SCANCODE_RALT, Q_KEY_CODE_ALT_R },
    { SDL_SCANCODE_RGUI, Q_KEY_CODE_META_R },
};

static QKeyCode sdl_scancode_to_qcode(SDL_Scancode sc)
{
    static const QKeyCode kp[9] = {
        Q_KEY_CODE_KP_1, Q_KEY_CODE_KP_2, Q_KEY_CODE_KP_3, Q_KEY_CODE_KP_4,
        Q_KEY_CODE_KP_5, Q_KEY_CODE_KP_6, Q_KEY_CODE_KP_7, Q_KEY_CODE_KP_8,
        Q_KEY_CODE_KP_9,
    };

    if (sc >= SDL_SCANCODE_A && sc <= SDL_SCANCODE_Z) {
        char name[2] = { 'a' + (sc - SDL_SCANCODE_A), 0 };

        return QKeyCode_lookup(name);
    }
    if (sc >= SDL_SCANCODE_1 && sc <= SDL_SCANCODE_9) {
        return Q_KEY_CODE_1 + (sc - SDL_SCANCODE_1);
    }
    if (sc == SDL_SCANCODE_0) {
        return Q_KEY_CODE_0;
    }
    if (sc >= SDL_SCANCODE_F1 && sc <= SDL_SCANCODE_F10) {
        return Q_KEY_CODE_F1 + (sc - SDL_SCANCODE_F1);
    }
    if (sc >= SDL_SCANCODE_KP_1 && sc <= SDL_SCANCODE_KP_9) {
        return kp[sc - SDL_SCANCODE_KP_1];
    }
    for (size_t i = 0; i < ARRAY_SIZE(sdl_keys); i++) {
        if (sdl_keys[i].sc == sc) {
            return sdl_keys[i].q;
        }
    }
    return Q_KEY_CODE_UNMAPPED;
}

static void sdl_update_title(SDLDisplay *sd)
{
    g_autofree char *title = sd->name ? g_strdup_printf("QEMU (%s)", sd->name)
                                      : g_strdup("QEMU");

    if (sd->grab) {
        g_autofree char *t = g_strdup_printf("%s - Press Ctrl+Alt+G to exit "
                                             "grab", title);
        SDL_SetWindowTitle(sd->window, t);
    } else {
        SDL_SetWindowTitle(sd->window, title);
    }
}

static void sdl_set_grab(SDLDisplay *sd, bool grab)
{
    sd->grab = grab;
    SDL_SetRelativeMouseMode(grab ? SDL_TRUE : SDL_FALSE);
    SDL_SetWindowGrab(sd->window, grab ? SDL_TRUE : SDL_FALSE);
    sdl_update_title(sd);
}

/* ---- console listener ---- */

static void sdl_gfx_switch(DisplayChangeListener *dcl, DisplaySurface *s)
{
    SDLDisplay *sd = container_of(dcl, SDLDisplay, dcl);
    int w = surface_width(s), h = surface_height(s);

    sd->surface = s;
    if (sd->texture) {
        SDL_DestroyTexture(sd->texture);
    }
    sd->texture = SDL_CreateTexture(sd->renderer, SDL_PIXELFORMAT_RGB888,
                                    SDL_TEXTUREACCESS_STREAMING, w, h);
    SDL_SetWindowSize(sd->window, w, h);
    SDL_RenderSetLogicalSize(sd->renderer, w, h);
    SDL_UpdateTexture(sd->texture, NULL, surface_data(s), surface_stride(s));
    sd->dirty = true;
}

static void sdl_gfx_update(DisplayChangeListener *dcl, int x, int y, int w,
                           int h)
{
    SDLDisplay *sd = container_of(dcl, SDLDisplay, dcl);
    SDL_Rect r = { x, y, w, h };
    DisplaySurface *s = sd->surface;

    SDL_UpdateTexture(sd->texture, &r,
                      surface_data(s) + y * surface_stride(s) + x * 4,
                      surface_stride(s));
    sd->dirty = true;
}

static bool sdl_text_console(SDLDisplay *sd)
{
    QemuConsole *con = dpy_get_console(&sd->dcl);

    return con && !qemu_console_is_graphic(con);
}

/* Ctrl-Alt-N: show console N - 1 if there is one. */
static void sdl_select_console(SDLDisplay *sd, unsigned index)
{
    QemuConsole *con = qemu_console_lookup_by_index(index);

    if (!con || con == dpy_get_console(&sd->dcl)) {
        return;
    }
    if (!sdl_text_console(sd)) {
        qemu_input_release_keys();      /* the guest saw Ctrl and Alt */
    }
    if (sd->grab && !qemu_console_is_graphic(con)) {
        sdl_set_grab(sd, false);
    }
    dpy_select_console(&sd->dcl, con);
}

static void sdl_key(SDLDisplay *sd, SDL_KeyboardEvent *ev)
{
    bool down = ev->type == SDL_KEYDOWN;
    /* the event's own modifiers: SDL's global state is already ahead */
    Uint16 mod = ev->keysym.mod;
    SDL_Scancode sc = ev->keysym.scancode;
    QKeyCode q;

    /* Ctrl-Alt-G / Ctrl-Alt-F / Ctrl-Alt-N are the UI's, not the guest's */
    if (down && (mod & KMOD_CTRL) && (mod & KMOD_ALT)) {
        if (sc >= SDL_SCANCODE_1 && sc <= SDL_SCANCODE_9) {
            sdl_select_console(sd, sc - SDL_SCANCODE_1);
            return;
        }
        if (ev->keysym.scancode == SDL_SCANCODE_G) {
            sdl_set_grab(sd, !sd->grab);
            return;
        }
        if (ev->keysym.scancode == SDL_SCANCODE_F) {
            bool fs = SDL_GetWindowFlags(sd->window) &
                      SDL_WINDOW_FULLSCREEN_DESKTOP;

            SDL_SetWindowFullscreen(sd->window,
                                    fs ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP);
            return;
        }
    }
    if (ev->repeat && !down) {
        return;
    }
    q = sdl_scancode_to_qcode(ev->keysym.scancode);
    if (q == Q_KEY_CODE_UNMAPPED) {
        return;
    }
    if (sdl_text_console(sd)) {
        /* characters come as SDL_TEXTINPUT; here the keys without one */
        if (down) {
            qemu_text_console_put_qcode(dpy_get_console(&sd->dcl), q,
                                        mod & KMOD_CTRL);
        }
        return;
    }
    qemu_input_event_send_key_qcode(q, down);
}

static void sdl_mouse_button(SDLDisplay *sd, SDL_MouseButtonEvent *ev)
{
    bool down = ev->type == SDL_MOUSEBUTTONDOWN;
    InputButton b;

    if (!sd->grab) {
        if (down && ev->button == SDL_BUTTON_LEFT && !sdl_text_console(sd)) {
            sdl_set_grab(sd, true);
        }
        return;
    }
    switch (ev->button) {
    case SDL_BUTTON_LEFT:
        b = INPUT_BUTTON_LEFT;
        break;
    case SDL_BUTTON_MIDDLE:
        b = INPUT_BUTTON_MIDDLE;
        break;
    case SDL_BUTTON_RIGHT:
        b = INPUT_BUTTON_RIGHT;
        break;
    default:
        return;
    }
    qemu_input_queue_btn(b, down);
    qemu_input_event_sync();
}

static void sdl_refresh(DisplayChangeListener *dcl)
{
    SDLDisplay *sd = container_of(dcl, SDLDisplay, dcl);
    SDL_Event ev;

    while (SDL_PollEvent(&ev)) {
        switch (ev.type) {
        case SDL_KEYDOWN:
        case SDL_KEYUP:
            sdl_key(sd, &ev.key);
            break;
        case SDL_TEXTINPUT:
            if (sdl_text_console(sd)) {
                qemu_console_text_input(dpy_get_console(&sd->dcl),
                                        (const uint8_t *)ev.text.text,
                                        strlen(ev.text.text));
            }
            break;
        case SDL_MOUSEMOTION:
            if (sd->grab) {
                qemu_input_queue_rel(INPUT_AXIS_X, ev.motion.xrel);
                qemu_input_queue_rel(INPUT_AXIS_Y, ev.motion.yrel);
                qemu_input_event_sync();
            }
            break;
        case SDL_MOUSEBUTTONDOWN:
        case SDL_MOUSEBUTTONUP:
            sdl_mouse_button(sd, &ev.button);
            break;
        case SDL_MOUSEWHEEL:
            if (sd->grab) {
                qemu_input_queue_wheel(-ev.wheel.y);
                qemu_input_event_sync();
            }
            break;
        case SDL_WINDOWEVENT:
            if (ev.window.event == SDL_WINDOWEVENT_EXPOSED ||
                ev.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
                sd->dirty = true;
            } else if (ev.window.event == SDL_WINDOWEVENT_FOCUS_LOST &&
                       sd->grab) {
                sdl_set_grab(sd, false);
            }
            break;
        case SDL_QUIT:
            qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_UI);
            break;
        default:
            break;
        }
    }
    if (sd->dirty) {
        sd->dirty = false;
        SDL_RenderClear(sd->renderer);
        SDL_RenderCopy(sd->renderer, sd->texture, NULL, NULL);
        SDL_RenderPresent(sd->renderer);
    }
}

static const DisplayChangeListenerOps sdl_dcl_ops = {
    .dpy_name = "sdl2",
    .dpy_refresh = sdl_refresh,
    .dpy_gfx_update = sdl_gfx_update,
    .dpy_gfx_switch = sdl_gfx_switch,
};

bool qemu_display_sdl_init(const char *name, bool full_screen, Error **errp)
{
    SDLDisplay *sd;

    /* keep SDL from taking SIGINT/SIGTERM: the VM handles those */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    if (SDL_Init(SDL_INIT_VIDEO) < 0) {
        error_setg(errp, "Could not initialize SDL(%s) - exiting",
                   SDL_GetError());
        return false;
    }
    sd = g_new0(SDLDisplay, 1);
    sd->name = g_strdup(name);
    sd->window = SDL_CreateWindow("QEMU", SDL_WINDOWPOS_UNDEFINED,
                                  SDL_WINDOWPOS_UNDEFINED, 640, 480,
                                  SDL_WINDOW_RESIZABLE |
                                  (full_screen ? SDL_WINDOW_FULLSCREEN_DESKTOP
                                               : 0));
    if (sd->window) {
        sd->renderer = SDL_CreateRenderer(sd->window, -1, 0);
    }
    if (!sd->renderer) {
        error_setg(errp, "Could not initialize SDL(%s) - exiting",
                   SDL_GetError());
        if (sd->window) {
            SDL_DestroyWindow(sd->window);
        }
        g_free(sd->name);
        g_free(sd);
        SDL_Quit();
        return false;
    }
    sdl_update_title(sd);
    sd->dcl.ops = &sdl_dcl_ops;
    register_displaychangelistener(&sd->dcl);
    return true;
}
