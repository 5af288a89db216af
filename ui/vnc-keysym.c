/*
 * X11 keysyms (RFB key events) to QEMU key codes for a US keyboard
 * layout: a shifted symbol maps to its key, the client sends Shift itself.
 */
#include "qemu/osdep.h"
#include "ui/vnc.h"

/* printable ASCII 0x20-0x7e */
static const QKeyCode ascii_keys[0x5f] = {
    [' ' - 0x20] = Q_KEY_CODE_SPC, ['!' - 0x20] = Q_KEY_CODE_1,
    ['"' - 0x20] = Q_KEY_CODE_APOSTROPHE, ['#' - 0x20] = Q_KEY_CODE_3,
    ['$' - 0x20] = Q_KEY_CODE_4, ['%' - 0x20] = Q_KEY_CODE_5,
    ['&' - 0x20] = Q_KEY_CODE_7, ['\'' - 0x20] = Q_KEY_CODE_APOSTROPHE,
    ['(' - 0x20] = Q_KEY_CODE_9, [')' - 0x20] = Q_KEY_CODE_0,
    ['*' - 0x20] = Q_KEY_CODE_8, ['+' - 0x20] = Q_KEY_CODE_EQUAL,
    [',' - 0x20] = Q_KEY_CODE_COMMA, ['-' - 0x20] = Q_KEY_CODE_MINUS,
    ['.' - 0x20] = Q_KEY_CODE_DOT, ['/' - 0x20] = Q_KEY_CODE_SLASH,
    [':' - 0x20] = Q_KEY_CODE_SEMICOLON, [';' - 0x20] = Q_KEY_CODE_SEMICOLON,
    ['<' - 0x20] = Q_KEY_CODE_COMMA, ['=' - 0x20] = Q_KEY_CODE_EQUAL,
    ['>' - 0x20] = Q_KEY_CODE_DOT, ['?' - 0x20] = Q_KEY_CODE_SLASH,
    ['@' - 0x20] = Q_KEY_CODE_2, ['[' - 0x20] = Q_KEY_CODE_BRACKET_LEFT,
    ['\\' - 0x20] = Q_KEY_CODE_BACKSLASH,
    [']' - 0x20] = Q_KEY_CODE_BRACKET_RIGHT, ['^' - 0x20] = Q_KEY_CODE_6,
    ['_' - 0x20] = Q_KEY_CODE_MINUS, ['`' - 0x20] = Q_KEY_CODE_GRAVE_ACCENT,
    ['{' - 0x20] = Q_KEY_CODE_BRACKET_LEFT,
    ['|' - 0x20] = Q_KEY_CODE_BACKSLASH,
    ['}' - 0x20] = Q_KEY_CODE_BRACKET_RIGHT,
    ['~' - 0x20] = Q_KEY_CODE_GRAVE_ACCENT,
};

static const struct {
    uint32_t keysym;
    QKeyCode qcode;
} special_keys[] = {
    { 0xff08, Q_KEY_CODE_BACKSPACE }, { 0xff09, Q_KEY_CODE_TAB },
    { 0xff0d, Q_KEY_CODE_RET }, { 0xff13, Q_KEY_CODE_PAUSE },
    { 0xff14, Q_KEY_CODE_SCROLL_LOCK }, { 0xff15, Q_KEY_CODE_SYSRQ },
    { 0xff1b, Q_KEY_CODE_ESC }, { 0xffff, Q_KEY_CODE_DELETE },
    { 0xff50, Q_KEY_CODE_HOME }, { 0xff51, Q_KEY_CODE_LEFT },
    { 0xff52, Q_KEY_CODE_UP }, { 0xff53, Q_KEY_CODE_RIGHT },
    { 0xff54, Q_KEY_CODE_DOWN }, { 0xff55, Q_KEY_CODE_PGUP },
    { 0xff56, Q_KEY_CODE_PGDN }, { 0xff57, Q_KEY_CODE_END },
    { 0xff61, Q_KEY_CODE_PRINT }, { 0xff63, Q_KEY_CODE_INSERT },
    { 0xff67, Q_KEY_CODE_MENU }, { 0xff7f, Q_KEY_CODE_NUM_LOCK },
    { 0xff8d, Q_KEY_CODE_KP_ENTER }, { 0xff95, Q_KEY_CODE_KP_7 },
    { 0xff96, Q_KEY_CODE_KP_4 }, { 0xff97, Q_KEY_CODE_KP_8 },
    { 0xff98, Q_KEY_CODE_KP_6 }, { 0xff99, Q_KEY_CODE_KP_2 },
    { 0xff9a, Q_KEY_CODE_KP_9 }, { 0xff9b, Q_KEY_CODE_KP_3 },
    { 0xff9c, Q_KEY_CODE_KP_1 }, { 0xff9d, Q_KEY_CODE_KP_5 },
    { 0xff9e, Q_KEY_CODE_KP_0 }, { 0xff9f, Q_KEY_CODE_KP_DECIMAL },
    { 0xffaa, Q_KEY_CODE_KP_MULTIPLY }, { 0xffab, Q_KEY_CODE_KP_ADD },
    { 0xffac, Q_KEY_CODE_KP_COMMA }, { 0xffad, Q_KEY_CODE_KP_SUBTRACT },
    { 0xffae, Q_KEY_CODE_KP_DECIMAL }, { 0xffaf, Q_KEY_CODE_KP_DIVIDE },
    { 0xffe1, Q_KEY_CODE_SHIFT }, { 0xffe2, Q_KEY_CODE_SHIFT_R },
    { 0xffe3, Q_KEY_CODE_CTRL }, { 0xffe4, Q_KEY_CODE_CTRL_R },
    { 0xffe5, Q_KEY_CODE_CAPS_LOCK }, { 0xffe7, Q_KEY_CODE_META_L },
    { 0xffe8, Q_KEY_CODE_META_R }, { 0xffe9, Q_KEY_CODE_ALT },
    { 0xffea, Q_KEY_CODE_ALT_R }, { 0xffeb, Q_KEY_CODE_META_L },
    { 0xffec, Q_KEY_CODE_META_R }, { 0xfe03, Q_KEY_CODE_ALT_R },
};

QKeyCode vnc_keysym_to_qcode(uint32_t keysym)
{
    if (keysym >= 'a' && keysym <= 'z') {
        keysym -= 'a' - 'A';
    }
    if (keysym >= 'A' && keysym <= 'Z') {
        static const char letters[] = "abcdefghijklmnopqrstuvwxyz";
        char name[2] = { letters[keysym - 'A'], 0 };

        return QKeyCode_lookup(name);
    }
    if (keysym >= '0' && keysym <= '9') {
        return keysym == '0' ? Q_KEY_CODE_0 : Q_KEY_CODE_1 + (keysym - '1');
    }
    if (keysym >= 0x20 && keysym <= 0x7e) {
        return ascii_keys[keysym - 0x20];
    }
    if (keysym >= 0xffbe && keysym <= 0xffc7) {        /* F1-F10 */
        return Q_KEY_CODE_F1 + (keysym - 0xffbe);
    }
    if (keysym == 0xffc8 || keysym == 0xffc9) {
        return keysym == 0xffc8 ? Q_KEY_CODE_F11 : Q_KEY_CODE_F12;
    }
    if (keysym >= 0xffb0 && keysym <= 0xffb9) {        /* KP_0-KP_9 */
        static const QKeyCode kp[10] = {
            Q_KEY_CODE_KP_0, Q_KEY_CODE_KP_1, Q_KEY_CODE_KP_2,
            Q_KEY_CODE_KP_3, Q_KEY_CODE_KP_4, Q_KEY_CODE_KP_5,
            Q_KEY_CODE_KP_6, Q_KEY_CODE_KP_7, Q_KEY_CODE_KP_8,
            Q_KEY_CODE_KP_9,
        };
        return kp[keysym - 0xffb0];
    }
    for (size_t i = 0; i < ARRAY_SIZE(special_keys); i++) {
        if (special_keys[i].keysym == keysym) {
            return special_keys[i].qcode;
        }
    }
    return Q_KEY_CODE_UNMAPPED;
}
