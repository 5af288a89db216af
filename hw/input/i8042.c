/*
 * "i8042": the PC/AT keyboard controller with its PS/2 keyboard and mouse.
 *
 * Port 0x64 read: status; write: controller command.  Port 0x60: the output
 * buffer (one byte, refilled from the controller's reply slot, then the
 * keyboard queue, then the mouse queue) and, on writes, either the argument
 * of a pending controller command or a byte for the keyboard (or the mouse
 * after command 0xd4).  The output port carries the reset line (bit 0, low
 * = reset) and the A20 gate (bit 1); commands 0xf0-0xff pulse its low bits,
 * so 0xfe resets the machine.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/input/i8042.h"
#include "hw/input/ps2.h"
#include "system/runstate.h"
#include "ui/input.h"

/* Status register */
#define STAT_OBF        0x01
#define STAT_IBF        0x02
#define STAT_SELFTEST   0x04    /* "system flag": set after self test */
#define STAT_CMD        0x08    /* last write was to port 0x64 */
#define STAT_UNLOCKED   0x10
#define STAT_MOUSE_OBF  0x20

/* Command byte ("mode") */
#define MODE_KBD_INT        0x01
#define MODE_MOUSE_INT      0x02
#define MODE_SYS            0x04
#define MODE_DISABLE_KBD    0x10
#define MODE_DISABLE_MOUSE  0x20
#define MODE_KCC            0x40    /* translate to scancode set 1 */

/* Output port */
#define OUT_RESET   0x01    /* active low */
#define OUT_A20     0x02
#define OUT_OBF     0x10
#define OUT_MOUSE_OBF 0x20

/* Device replies */
#define REPLY_ACK       0xfa
#define REPLY_RESEND    0xfe
#define REPLY_POR       0xaa    /* power-on reset passed */

#define PS2_QUEUE_SIZE  256

typedef struct PS2Queue {
    uint8_t data[PS2_QUEUE_SIZE];
    unsigned rptr, count;
} PS2Queue;

OBJECT_DECLARE_SIMPLE_TYPE(I8042State, I8042)

struct I8042State {
    ISADevice parent_obj;
    MemoryRegion io_data;
    MemoryRegion io_cmd;
    IRQLine *irq_kbd;
    IRQLine *irq_mouse;
    IRQLine *a20_out;

    uint8_t status;
    uint8_t mode;
    uint8_t outport;
    uint8_t obdata;         /* the output buffer */
    uint8_t pending_cmd;    /* controller command waiting for its data byte */
    bool ctrl_reply_valid;  /* a controller reply waits for the output buffer */
    uint8_t ctrl_reply;
    bool ctrl_reply_aux;    /* ... and it comes from the mouse side (0xd3) */

    /* PS/2 keyboard */
    PS2Queue kbd_q;
    uint8_t kbd_pending;    /* command waiting for its argument (0xed, 0xf0, 0xf3) */
    bool kbd_scan_enabled;
    uint8_t kbd_scancode_set;
    uint8_t kbd_leds;

    /* PS/2 mouse */
    PS2Queue mouse_q;
    uint8_t mouse_pending;  /* 0xe8, 0xf3 waiting for their argument */
    bool mouse_enabled;
    bool mouse_remote;
    bool mouse_wrap;
    uint8_t mouse_scaling;  /* 1 or 2 */
    uint8_t mouse_resolution;
    uint8_t mouse_rate;
    uint8_t mouse_buttons;
    /* IntelliMouse: 0 plain, 3 wheel, 4 wheel + 5 buttons (device ID) */
    uint8_t mouse_type;
    uint8_t mouse_rates[3];     /* the last three sample rates set */
    int mouse_dz;

    QemuInputHandlerState *input;
};

/* ---- queues ---- */

static void ps2_queue_reset(PS2Queue *q)
{
    q->rptr = 0;
    q->count = 0;
}

static void ps2_queue_put(PS2Queue *q, uint8_t b)
{
    if (q->count == PS2_QUEUE_SIZE) {
        return;     /* a real device drops input when its buffer is full */
    }
    q->data[(q->rptr + q->count) % PS2_QUEUE_SIZE] = b;
    q->count++;
}

static uint8_t ps2_queue_get(PS2Queue *q)
{
    uint8_t b = q->data[q->rptr];

    q->rptr = (q->rptr + 1) % PS2_QUEUE_SIZE;
    q->count--;
    return b;
}

/* ---- output buffer and interrupts ---- */

static void i8042_update_irq(I8042State *s)
{
    int kbd = 0, mouse = 0;

    if (s->status & STAT_OBF) {
        if (s->status & STAT_MOUSE_OBF) {
            mouse = !!(s->mode & MODE_MOUSE_INT);
        } else {
            kbd = !!(s->mode & MODE_KBD_INT);
        }
    }
    s->outport = (s->outport & ~(OUT_OBF | OUT_MOUSE_OBF)) |
                 (kbd ? OUT_OBF : 0) | (mouse ? OUT_MOUSE_OBF : 0);
    irq_set(s->irq_kbd, kbd);
    irq_set(s->irq_mouse, mouse);
}

/* Move the next byte into the output buffer if it is empty. */
static void i8042_refill(I8042State *s)
{
    if (!(s->status & STAT_OBF)) {
        if (s->ctrl_reply_valid) {
            s->ctrl_reply_valid = false;
            s->obdata = s->ctrl_reply;
            s->status |= STAT_OBF;
            if (s->ctrl_reply_aux) {
                s->status |= STAT_MOUSE_OBF;
            } else {
                s->status &= ~STAT_MOUSE_OBF;
            }
        } else if (s->kbd_q.count && !(s->mode & MODE_DISABLE_KBD)) {
            s->obdata = ps2_queue_get(&s->kbd_q);
            s->status = (s->status | STAT_OBF) & ~STAT_MOUSE_OBF;
        } else if (s->mouse_q.count && !(s->mode & MODE_DISABLE_MOUSE)) {
            s->obdata = ps2_queue_get(&s->mouse_q);
            s->status |= STAT_OBF | STAT_MOUSE_OBF;
        }
    }
    i8042_update_irq(s);
}

static void i8042_ctrl_reply(I8042State *s, uint8_t b, bool aux)
{
    s->ctrl_reply = b;
    s->ctrl_reply_aux = aux;
    s->ctrl_reply_valid = true;
    i8042_refill(s);
}

static void i8042_set_outport(I8042State *s, uint8_t val)
{
    s->outport = val;
    irq_set(s->a20_out, !!(val & OUT_A20));
    if (!(val & OUT_RESET)) {
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    }
}

static void i8042_write_mode(I8042State *s, uint8_t val)
{
    s->mode = val;
    s->status = (s->status & ~STAT_SELFTEST) |
                ((val & MODE_SYS) ? STAT_SELFTEST : 0);
    i8042_refill(s);
}

/* ---- PS/2 keyboard ---- */

static void kbd_reset_defaults(I8042State *s)
{
    s->kbd_scan_enabled = true;
    s->kbd_scancode_set = 2;
    s->kbd_pending = 0;
}

static void kbd_put(I8042State *s, uint8_t b)
{
    ps2_queue_put(&s->kbd_q, b);
    i8042_refill(s);
}

static void kbd_write(I8042State *s, uint8_t val)
{
    uint8_t cmd = s->kbd_pending;

    if (cmd) {
        s->kbd_pending = 0;
        switch (cmd) {
        case 0xed:                  /* set LEDs */
            s->kbd_leds = val & 7;
            kbd_put(s, REPLY_ACK);
            return;
        case 0xf3:                  /* typematic rate */
            kbd_put(s, REPLY_ACK);
            return;
        case 0xf0:                  /* get/set scancode set */
            if (val == 0) {
                kbd_put(s, REPLY_ACK);
                /* The reply is translated too when KCC is on (set 2 -> 0x41). */
                kbd_put(s, (s->mode & MODE_KCC) ?
                        (s->kbd_scancode_set == 1 ? 0x43 :
                         s->kbd_scancode_set == 2 ? 0x41 : 0x3f) :
                        s->kbd_scancode_set);
            } else if (val <= 3) {
                s->kbd_scancode_set = val;
                kbd_put(s, REPLY_ACK);
            } else {
                kbd_put(s, REPLY_RESEND);
            }
            return;
        }
    }
    switch (val) {
    case 0xed:
    case 0xf0:
    case 0xf3:
        s->kbd_pending = val;
        kbd_put(s, REPLY_ACK);
        break;
    case 0xee:                      /* echo */
        kbd_put(s, 0xee);
        break;
    case 0xf2:                      /* identify: MF2 keyboard */
        kbd_put(s, REPLY_ACK);
        kbd_put(s, 0xab);
        kbd_put(s, (s->mode & MODE_KCC) ? 0x41 : 0x83);
        break;
    case 0xf4:                      /* enable scanning */
        s->kbd_scan_enabled = true;
        kbd_put(s, REPLY_ACK);
        break;
    case 0xf5:                      /* disable and set defaults */
        kbd_reset_defaults(s);
        s->kbd_scan_enabled = false;
        kbd_put(s, REPLY_ACK);
        break;
    case 0xf6:                      /* set defaults */
        kbd_reset_defaults(s);
        kbd_put(s, REPLY_ACK);
        break;
    case 0xf7: case 0xf8: case 0xf9: case 0xfa:
    case 0xfb: case 0xfc: case 0xfd:
        kbd_put(s, REPLY_ACK);      /* typematic/make/break modes: accepted */
        break;
    case 0xff:                      /* reset and self test */
        ps2_queue_reset(&s->kbd_q);
        kbd_reset_defaults(s);
        kbd_put(s, REPLY_ACK);
        kbd_put(s, REPLY_POR);
        break;
    default:
        qemu_log_mask(LOG_UNIMP, "i8042: keyboard command 0x%02x\n", val);
        kbd_put(s, REPLY_RESEND);
        break;
    }
}

void i8042_kbd_put_scancode(DeviceState *dev, uint8_t code)
{
    I8042State *s = I8042(dev);

    if (s->kbd_scan_enabled) {
        kbd_put(s, code);
    }
}

/* ---- PS/2 mouse ---- */

static void mouse_reset_defaults(I8042State *s)
{
    s->mouse_enabled = false;
    s->mouse_remote = false;
    s->mouse_scaling = 1;
    s->mouse_resolution = 2;
    s->mouse_rate = 100;
    s->mouse_pending = 0;
}

static void mouse_put(I8042State *s, uint8_t b)
{
    ps2_queue_put(&s->mouse_q, b);
    i8042_refill(s);
}

static void mouse_put_packet(I8042State *s, int dx, int dy)
{
    int dz = MAX(-8, MIN(7, s->mouse_dz));

    uint8_t b0 = 0x08 | (s->mouse_buttons & 7);

    dx = MAX(-256, MIN(255, dx));
    dy = MAX(-256, MIN(255, dy));
    if (dx < 0) {
        b0 |= 0x10;
    }
    if (dy < 0) {
        b0 |= 0x20;
    }
    mouse_put(s, b0);
    mouse_put(s, dx & 0xff);
    mouse_put(s, dy & 0xff);
    /* IntelliMouse packets carry the wheel in a fourth byte */
    if (s->mouse_type == 3) {
        mouse_put(s, dz & 0xff);
    } else if (s->mouse_type == 4) {
        mouse_put(s, dz & 0x0f);
    }
    s->mouse_dz -= dz;
}

static void mouse_write(I8042State *s, uint8_t val)
{
    uint8_t cmd = s->mouse_pending;

    if (cmd) {
        s->mouse_pending = 0;
        if (cmd == 0xe8) {
            s->mouse_resolution = val & 3;
        } else {
            s->mouse_rate = val;
            /*
             * The IntelliMouse knock: rates 200, 100, 80 enable the wheel
             * (ID 3), then 200, 200, 80 the fifth buttons (ID 4).
             */
            s->mouse_rates[0] = s->mouse_rates[1];
            s->mouse_rates[1] = s->mouse_rates[2];
            s->mouse_rates[2] = val;
            if (s->mouse_rates[0] == 200 && s->mouse_rates[2] == 80) {
                if (s->mouse_rates[1] == 100) {
                    s->mouse_type = 3;
                } else if (s->mouse_rates[1] == 200 && s->mouse_type == 3) {
                    s->mouse_type = 4;
                }
            }
        }
        mouse_put(s, REPLY_ACK);
        return;
    }
    if (s->mouse_wrap && val != 0xec && val != 0xff) {
        mouse_put(s, val);          /* wrap mode echoes */
        return;
    }
    switch (val) {
    case 0xe6:
        s->mouse_scaling = 1;
        mouse_put(s, REPLY_ACK);
        break;
    case 0xe7:
        s->mouse_scaling = 2;
        mouse_put(s, REPLY_ACK);
        break;
    case 0xe8:
    case 0xf3:
        s->mouse_pending = val;
        mouse_put(s, REPLY_ACK);
        break;
    case 0xe9:                      /* status request */
        mouse_put(s, REPLY_ACK);
        mouse_put(s, (s->mouse_remote ? 0x40 : 0) |
                     (s->mouse_enabled ? 0x20 : 0) |
                     (s->mouse_scaling == 2 ? 0x10 : 0) |
                     (s->mouse_buttons & 7));
        mouse_put(s, s->mouse_resolution);
        mouse_put(s, s->mouse_rate);
        break;
    case 0xea:
        s->mouse_remote = false;
        mouse_put(s, REPLY_ACK);
        break;
    case 0xeb:                      /* read data (remote mode) */
        mouse_put(s, REPLY_ACK);
        mouse_put_packet(s, 0, 0);
        break;
    case 0xec:
        s->mouse_wrap = false;
        mouse_put(s, REPLY_ACK);
        break;
    case 0xee:
        s->mouse_wrap = true;
        mouse_put(s, REPLY_ACK);
        break;
    case 0xf0:
        s->mouse_remote = true;
        mouse_put(s, REPLY_ACK);
        break;
    case 0xf2:                      /* identify: 0, or 3/4 after the knock */
        mouse_put(s, REPLY_ACK);
        mouse_put(s, s->mouse_type);
        break;
    case 0xf4:
        s->mouse_enabled = true;
        mouse_put(s, REPLY_ACK);
        break;
    case 0xf5:
        s->mouse_enabled = false;
        mouse_put(s, REPLY_ACK);
        break;
    case 0xf6:
        mouse_reset_defaults(s);
        mouse_put(s, REPLY_ACK);
        break;
    case 0xff:
        ps2_queue_reset(&s->mouse_q);
        mouse_reset_defaults(s);
        s->mouse_wrap = false;
        s->mouse_type = 0;
        memset(s->mouse_rates, 0, sizeof(s->mouse_rates));
        mouse_put(s, REPLY_ACK);
        mouse_put(s, REPLY_POR);
        mouse_put(s, 0x00);
        break;
    default:
        qemu_log_mask(LOG_UNIMP, "i8042: mouse command 0x%02x\n", val);
        mouse_put(s, REPLY_RESEND);
        break;
    }
}

void i8042_mouse_event(DeviceState *dev, int dx, int dy, int buttons)
{
    I8042State *s = I8042(dev);

    s->mouse_buttons = buttons & 7;
    if (s->mouse_enabled && !s->mouse_remote) {
        mouse_put_packet(s, dx, dy);
    }
}

/* ---- events from ui/input ---- */

/*
 * With translation on (command byte bit 6) and set 2 selected, the 8042
 * would turn the keyboard's set 2 into set 1: send set 1 directly.
 */
static void i8042_input_key(void *opaque, QKeyCode qcode, bool down)
{
    I8042State *s = opaque;
    uint8_t bytes[8];
    int set = (s->mode & MODE_KCC) ? 1 : (s->kbd_scancode_set == 1 ? 1 : 2);
    int n = ps2_scancode_bytes(qemu_input_key_qcode_to_number(qcode), down,
                               set, bytes);

    for (int i = 0; i < n && s->kbd_scan_enabled; i++) {
        kbd_put(s, bytes[i]);
    }
}

static void i8042_input_mouse(void *opaque, int dx, int dy, int dz,
                              uint32_t buttons)
{
    I8042State *s = opaque;
    int ps2_buttons = ((buttons >> INPUT_BUTTON_LEFT) & 1) |
                      (((buttons >> INPUT_BUTTON_RIGHT) & 1) << 1) |
                      (((buttons >> INPUT_BUTTON_MIDDLE) & 1) << 2);

    /* PS/2 counts up as positive; one packet carries at most 255 */
    dy = -dy;
    if (s->mouse_type) {
        s->mouse_dz += dz;
    }
    /* bounded: packets are only sent (and the deltas used up) when enabled */
    for (int i = 0; i < 64; i++) {
        int px = MAX(-255, MIN(255, dx)), py = MAX(-255, MIN(255, dy));

        i8042_mouse_event(DEVICE(s), px, py, ps2_buttons);
        dx -= px;
        dy -= py;
        if (!dx && !dy && !s->mouse_dz) {
            break;
        }
    }
    s->mouse_dz = 0;
}

static const QemuInputHandler i8042_input_handler = {
    .name = "QEMU PS/2 Keyboard and Mouse",
    .key = i8042_input_key,
    .mouse = i8042_input_mouse,
};

/* ---- ports ---- */

static void i8042_command(I8042State *s, uint8_t val)
{
    /* 0xf0-0xff pulse the output port's low bits: bit 0 clear = reset. */
    if (val >= 0xf0) {
        if (!(val & 1)) {
            qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        }
        return;
    }
    switch (val) {
    case 0x20:                      /* read command byte */
        i8042_ctrl_reply(s, s->mode, false);
        break;
    case 0x60:                      /* write command byte */
    case 0xd1:                      /* write output port */
    case 0xd2:                      /* write keyboard output buffer */
    case 0xd3:                      /* write mouse output buffer */
    case 0xd4:                      /* write to mouse */
        s->pending_cmd = val;
        break;
    case 0xa7:
        i8042_write_mode(s, s->mode | MODE_DISABLE_MOUSE);
        break;
    case 0xa8:
        i8042_write_mode(s, s->mode & ~MODE_DISABLE_MOUSE);
        break;
    case 0xa9:                      /* test mouse port: OK */
    case 0xab:                      /* test keyboard port: OK */
        i8042_ctrl_reply(s, 0x00, false);
        break;
    case 0xaa:                      /* controller self test */
        s->status |= STAT_SELFTEST;
        i8042_ctrl_reply(s, 0x55, false);
        break;
    case 0xad:
        i8042_write_mode(s, s->mode | MODE_DISABLE_KBD);
        break;
    case 0xae:
        i8042_write_mode(s, s->mode & ~MODE_DISABLE_KBD);
        break;
    case 0xc0:                      /* read input port: keyboard not inhibited */
        i8042_ctrl_reply(s, 0x80, false);
        break;
    case 0xd0:                      /* read output port */
        i8042_ctrl_reply(s, s->outport, false);
        break;
    case 0xdd:                      /* disable A20 */
        i8042_set_outport(s, s->outport & ~OUT_A20);
        break;
    case 0xdf:                      /* enable A20 */
        i8042_set_outport(s, s->outport | OUT_A20);
        break;
    case 0xe0:                      /* read test inputs */
        i8042_ctrl_reply(s, 0x00, false);
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "i8042: unsupported command 0x%02x\n",
                      val);
        break;
    }
}

static void i8042_write_data(I8042State *s, uint8_t val)
{
    uint8_t cmd = s->pending_cmd;

    s->pending_cmd = 0;
    switch (cmd) {
    case 0x60:
        i8042_write_mode(s, val);
        break;
    case 0xd1:
        i8042_set_outport(s, val);
        break;
    case 0xd2:
        i8042_ctrl_reply(s, val, false);
        break;
    case 0xd3:
        i8042_ctrl_reply(s, val, true);
        break;
    case 0xd4:
        mouse_write(s, val);
        break;
    default:
        /* Writing to the keyboard re-enables its interface (QEMU too). */
        if (s->mode & MODE_DISABLE_KBD) {
            s->mode &= ~MODE_DISABLE_KBD;
        }
        kbd_write(s, val);
        break;
    }
}

static uint64_t i8042_data_read(void *opaque, hwaddr addr, unsigned size)
{
    I8042State *s = opaque;
    uint8_t val = s->obdata;

    if (s->status & STAT_OBF) {
        s->status &= ~(STAT_OBF | STAT_MOUSE_OBF);
        /*
         * Reading drops the interrupt line before the next byte raises it
         * again: an edge-triggered IOAPIC pin sees one edge per byte
         * (otherwise Linux's atkbd never gets the ID bytes after the ACK).
         */
        i8042_update_irq(s);
        i8042_refill(s);
    }
    return val;
}

static void i8042_data_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    I8042State *s = opaque;

    s->status &= ~STAT_CMD;
    i8042_write_data(s, val);
}

static uint64_t i8042_cmd_read(void *opaque, hwaddr addr, unsigned size)
{
    I8042State *s = opaque;

    return s->status;
}

static void i8042_cmd_write(void *opaque, hwaddr addr, uint64_t val,
                            unsigned size)
{
    I8042State *s = opaque;

    s->status |= STAT_CMD;
    s->pending_cmd = 0;
    i8042_command(s, val);
}

static const MemoryRegionOps i8042_data_ops = {
    .read = i8042_data_read,
    .write = i8042_data_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static const MemoryRegionOps i8042_cmd_ops = {
    .read = i8042_cmd_read,
    .write = i8042_cmd_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- device ---- */

void i8042_set_a20_line(DeviceState *dev, IRQLine *a20)
{
    I8042(dev)->a20_out = a20;
}

static void i8042_reset(DeviceState *dev)
{
    I8042State *s = I8042(dev);

    s->mode = MODE_KBD_INT | MODE_MOUSE_INT;
    s->status = STAT_CMD | STAT_UNLOCKED;
    s->outport = OUT_RESET | OUT_A20;
    s->pending_cmd = 0;
    s->ctrl_reply_valid = false;
    s->obdata = 0;
    ps2_queue_reset(&s->kbd_q);
    ps2_queue_reset(&s->mouse_q);
    kbd_reset_defaults(s);
    s->kbd_leds = 0;
    mouse_reset_defaults(s);
    s->mouse_wrap = false;
    s->mouse_buttons = 0;
    s->mouse_type = 0;
    s->mouse_dz = 0;
    memset(s->mouse_rates, 0, sizeof(s->mouse_rates));
    i8042_update_irq(s);
}

static void i8042_realize(DeviceState *dev, Error **errp)
{
    I8042State *s = I8042(dev);

    s->irq_kbd = isa_get_irq(ISA_DEVICE(dev), 1);
    s->irq_mouse = isa_get_irq(ISA_DEVICE(dev), 12);
    memory_region_init_io(&s->io_data, OBJECT(dev), &i8042_data_ops, s,
                          "i8042-data", 1);
    memory_region_init_io(&s->io_cmd, OBJECT(dev), &i8042_cmd_ops, s,
                          "i8042-cmd", 1);
    isa_register_ioport(ISA_DEVICE(dev), &s->io_data, 0x60);
    isa_register_ioport(ISA_DEVICE(dev), &s->io_cmd, 0x64);
    s->input = qemu_input_handler_register(s, &i8042_input_handler);
    i8042_reset(dev);
}

static void i8042_unrealize(DeviceState *dev)
{
    I8042State *s = I8042(dev);

    memory_region_destroy(&s->io_data);
    memory_region_destroy(&s->io_cmd);
    qemu_input_handler_unregister(s->input);
}

DeviceState *i8042_init(ISABus *bus, Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_I8042);

    if (!qdev_realize_and_unref(dev, bus ? BUS(bus) : NULL, errp)) {
        return NULL;
    }
    return dev;
}

static void i8042_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = i8042_realize;
    dc->unrealize = i8042_unrealize;
    dc->reset = i8042_reset;
    dc->bus_type = TYPE_ISA_BUS;
    set_bit_category(dc, DEVICE_CATEGORY_INPUT);
}

static const TypeInfo i8042_info = {
    .name = TYPE_I8042,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(I8042State),
    .class_init = i8042_class_init,
};

static void i8042_register_types(void)
{
    type_register_static(&i8042_info);
}

type_init(i8042_register_types)
