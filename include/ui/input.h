/*
 * Input events from displays (VNC, SDL) and monitor commands (sendkey,
 * mouse_move, mouse_button) to the emulated keyboard and mouse.  Keys are
 * QEMU's QKeyCode names; "numbers" are QEMU's qnum (scancode set 1, with
 * 0x80 added for E0-prefixed keys).  Pointer motion is queued, buttons are
 * queued as a state, and qemu_input_event_sync() delivers one packet.
 * Main thread, BQL held.
 */
#ifndef UI_INPUT_H
#define UI_INPUT_H

#include "qemu/osdep.h"
#include "qapi/qapi-types.h"

typedef struct QemuInputHandler {
    const char *name;
    /* a key went down or up */
    void (*key)(void *opaque, QKeyCode qcode, bool down);
    /* relative motion and the buttons now held (1 << InputButton) */
    void (*mouse)(void *opaque, int dx, int dy, int dz, uint32_t buttons);
} QemuInputHandler;

typedef struct QemuInputHandlerState QemuInputHandlerState;

/* The most recently registered handler with a hook gets the events. */
QemuInputHandlerState *qemu_input_handler_register(void *opaque,
                                                   const QemuInputHandler *h);
void qemu_input_handler_unregister(QemuInputHandlerState *s);

void qemu_input_event_send_key_qcode(QKeyCode qcode, bool down);
/* Key-up for every key still down (the display stops showing the guest:
 * the Ctrl and Alt of Ctrl-Alt-2 went down in the guest). */
void qemu_input_release_keys(void);
/* qnum <-> QKeyCode; 0 / Q_KEY_CODE_UNMAPPED when there is none. */
QKeyCode qemu_input_key_number_to_qcode(unsigned qnum);
unsigned qemu_input_key_qcode_to_number(QKeyCode qcode);

void qemu_input_queue_rel(InputAxis axis, int value);
void qemu_input_queue_wheel(int value);
void qemu_input_queue_btn(InputButton btn, bool down);
void qemu_input_event_sync(void);

/*
 * Press @keys in order, hold them @hold_ms, release them in reverse
 * order (sendkey); returns at once, the release runs from a timer.
 */
void qemu_input_send_keys(const QKeyCode *keys, int n, int64_t hold_ms);

#endif
