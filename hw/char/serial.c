/*
 * 16550A UART core: registers, 16-byte receive FIFO, interrupt
 * identification and priorities, loopback, character timeout, per the
 * TI/National PC16550D datasheet.  Transmission is instantaneous (THR goes
 * straight to the chardev, so the transmit FIFO is always empty); modem
 * lines are fixed (DCD/DSR/CTS asserted); line settings are not applied to
 * host ttys; OUT2 does not gate the IRQ (as in QEMU).
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/char/serial.h"

/* Register offsets; with LCR.DLAB set, 0 and 1 are the divisor latch. */
#define UART_RBR 0      /* receive buffer (read) / THR (write) */
#define UART_IER 1
#define UART_IIR 2      /* interrupt identification (read) / FCR (write) */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define UART_IER_RDI    0x01    /* received data available */
#define UART_IER_THRI   0x02    /* transmitter holding register empty */
#define UART_IER_RLSI   0x04    /* receiver line status */
#define UART_IER_MSI    0x08    /* modem status */

#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI    0x00
#define UART_IIR_THRI   0x02
#define UART_IIR_RDI    0x04
#define UART_IIR_RLSI   0x06
#define UART_IIR_CTI    0x0c    /* character timeout */
#define UART_IIR_FE     0xc0    /* FIFOs enabled */

#define UART_FCR_FE     0x01    /* FIFO enable */
#define UART_FCR_RFR    0x02    /* receive FIFO reset */
#define UART_FCR_XFR    0x04    /* transmit FIFO reset */
#define UART_FCR_DMS    0x08    /* DMA mode select */
#define UART_FCR_ITL    0xc0    /* receive trigger level */

#define UART_LCR_WLS    0x03    /* word length - 5 */
#define UART_LCR_STB    0x04    /* 2 stop bits */
#define UART_LCR_PEN    0x08    /* parity enable */
#define UART_LCR_DLAB   0x80

#define UART_MCR_DTR    0x01
#define UART_MCR_RTS    0x02
#define UART_MCR_OUT1   0x04
#define UART_MCR_OUT2   0x08
#define UART_MCR_LOOP   0x10

#define UART_LSR_DR     0x01
#define UART_LSR_OE     0x02
#define UART_LSR_PE     0x04
#define UART_LSR_FE     0x08
#define UART_LSR_BI     0x10
#define UART_LSR_THRE   0x20
#define UART_LSR_TEMT   0x40
#define UART_LSR_INT_ANY 0x1e   /* conditions behind the RLSI interrupt */

#define UART_MSR_DCTS   0x01
#define UART_MSR_DDSR   0x02
#define UART_MSR_TERI   0x04
#define UART_MSR_DDCD   0x08
#define UART_MSR_ANY_DELTA 0x0f
#define UART_MSR_CTS    0x10
#define UART_MSR_DSR    0x20
#define UART_MSR_RI     0x40
#define UART_MSR_DCD    0x80

static const unsigned serial_trigger_levels[4] = { 1, 4, 8, 14 };

static unsigned serial_rx_capacity(SerialState *s)
{
    return (s->fcr & UART_FCR_FE) ? UART_FIFO_LENGTH : 1;
}

/* The highest-priority pending source, as IIR bits 3:0. */
static uint8_t serial_pending_iir(SerialState *s)
{
    if ((s->ier & UART_IER_RLSI) && (s->lsr & UART_LSR_INT_ANY)) {
        return UART_IIR_RLSI;
    }
    if (s->ier & UART_IER_RDI) {
        if (s->timeout_ipending) {
            return UART_IIR_CTI;
        }
        /* In FIFO mode, RDI waits for the trigger level; CTI covers less. */
        if ((s->lsr & UART_LSR_DR) &&
            (!(s->fcr & UART_FCR_FE) || s->rx_count >= s->rx_trigger)) {
            return UART_IIR_RDI;
        }
    }
    if ((s->ier & UART_IER_THRI) && s->thr_ipending) {
        return UART_IIR_THRI;
    }
    if ((s->ier & UART_IER_MSI) && (s->msr & UART_MSR_ANY_DELTA)) {
        return UART_IIR_MSI;
    }
    return UART_IIR_NO_INT;
}

static void serial_update_irq(SerialState *s)
{
    irq_set(s->irq, serial_pending_iir(s) != UART_IIR_NO_INT);
}

/* Nanoseconds to shift one character at the current divisor and format. */
static int64_t serial_char_time_ns(SerialState *s)
{
    unsigned bits = 1 + 5 + (s->lcr & UART_LCR_WLS) +
                    ((s->lcr & UART_LCR_STB) ? 2 : 1) +
                    ((s->lcr & UART_LCR_PEN) ? 1 : 0);
    uint64_t divider = s->divider ? s->divider : 1;
    uint64_t baudbase = s->baudbase ? s->baudbase : 115200;

    return (int64_t)(bits * divider * 1000000000ULL / baudbase);
}

/* The receiver times out after four character times without activity. */
static void serial_arm_timeout(SerialState *s)
{
    if (!s->timeout_timer) {
        return;
    }
    if ((s->fcr & UART_FCR_FE) && s->rx_count) {
        timer_mod_ns(s->timeout_timer,
                     qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
                     4 * serial_char_time_ns(s));
    } else {
        timer_del(s->timeout_timer);
    }
}

static void serial_timeout_cb(void *opaque)
{
    SerialState *s = opaque;

    if ((s->fcr & UART_FCR_FE) && s->rx_count) {
        s->timeout_ipending = true;
        serial_update_irq(s);
    }
}

static void serial_clear_rx(SerialState *s)
{
    s->rx_head = 0;
    s->rx_count = 0;
    s->lsr &= ~(UART_LSR_DR | UART_LSR_BI);
    s->timeout_ipending = false;
    if (s->timeout_timer) {
        timer_del(s->timeout_timer);
    }
}

static void serial_receive_byte(SerialState *s, uint8_t ch)
{
    unsigned cap = serial_rx_capacity(s);

    if (s->rx_count >= cap) {
        /*
         * Overrun: without FIFOs the new byte replaces RBR; with FIFOs it
         * is lost in the shift register.
         */
        s->lsr |= UART_LSR_OE;
        if (cap == 1) {
            s->rx_fifo[s->rx_head] = ch;
        }
    } else {
        s->rx_fifo[(s->rx_head + s->rx_count) % UART_FIFO_LENGTH] = ch;
        s->rx_count++;
    }
    s->lsr |= UART_LSR_DR;
    serial_arm_timeout(s);
}

static uint8_t serial_pop_rx(SerialState *s)
{
    uint8_t ch = 0;

    if (s->rx_count) {
        ch = s->rx_fifo[s->rx_head];
        s->rx_head = (s->rx_head + 1) % UART_FIFO_LENGTH;
        s->rx_count--;
    }
    if (!s->rx_count) {
        s->lsr &= ~(UART_LSR_DR | UART_LSR_BI);
    }
    s->timeout_ipending = false;
    serial_arm_timeout(s);
    return ch;
}

static void serial_write_thr(SerialState *s, uint8_t ch)
{
    s->thr_ipending = false;
    s->lsr &= ~(UART_LSR_THRE | UART_LSR_TEMT);
    serial_update_irq(s);

    if (s->mcr & UART_MCR_LOOP) {
        serial_receive_byte(s, ch);
    } else if (s->chr.chr) {
        /* Output is lost if the backend fails; a UART cannot report it. */
        chr_fe_write_all(&s->chr, &ch, 1);
    }

    /* The character left at once: THR and shifter are empty again. */
    s->lsr |= UART_LSR_THRE | UART_LSR_TEMT;
    s->thr_ipending = true;
    serial_update_irq(s);
}

static void serial_write_fcr(SerialState *s, uint8_t val)
{
    if ((val ^ s->fcr) & UART_FCR_FE) {
        /* Enabling or disabling the FIFOs clears them. */
        val |= UART_FCR_RFR | UART_FCR_XFR;
    }
    if (val & UART_FCR_RFR) {
        serial_clear_rx(s);
    }
    /* XFR: the transmit FIFO is always empty here. */
    s->fcr = val & (UART_FCR_FE | UART_FCR_DMS | UART_FCR_ITL);
    if (!(s->fcr & UART_FCR_FE)) {
        s->fcr = 0;
    }
    s->rx_trigger = serial_trigger_levels[(s->fcr & UART_FCR_ITL) >> 6];
    serial_update_irq(s);
}

static void serial_write(void *opaque, hwaddr addr, uint64_t data,
                         unsigned size)
{
    SerialState *s = opaque;
    uint8_t val = data;

    switch (addr & 7) {
    case UART_RBR:
        if (s->lcr & UART_LCR_DLAB) {
            s->divider = (s->divider & 0xff00) | val;
        } else {
            serial_write_thr(s, val);
        }
        break;
    case UART_IER:
        if (s->lcr & UART_LCR_DLAB) {
            s->divider = (s->divider & 0x00ff) | (val << 8);
        } else {
            uint8_t enabled = val & ~s->ier & UART_IER_THRI;

            s->ier = val & 0x0f;
            /*
             * Enabling THRI while THR is empty raises a THRE interrupt at
             * once; Linux's 8250 driver relies on it to start transmitting.
             */
            if (enabled && (s->lsr & UART_LSR_THRE)) {
                s->thr_ipending = true;
            }
            serial_update_irq(s);
        }
        break;
    case UART_IIR:
        serial_write_fcr(s, val);
        break;
    case UART_LCR:
        s->lcr = val;
        break;
    case UART_MCR:
        s->mcr = val & 0x1f;
        break;
    case UART_LSR:
        qemu_log_mask(LOG_GUEST_ERROR,
                      "serial: write 0x%02x to read-only LSR\n", val);
        break;
    case UART_MSR:
        qemu_log_mask(LOG_GUEST_ERROR,
                      "serial: write 0x%02x to read-only MSR\n", val);
        break;
    case UART_SCR:
        s->scr = val;
        break;
    }
}

static uint64_t serial_read(void *opaque, hwaddr addr, unsigned size)
{
    SerialState *s = opaque;
    uint8_t ret = 0;

    switch (addr & 7) {
    case UART_RBR:
        if (s->lcr & UART_LCR_DLAB) {
            ret = s->divider & 0xff;
        } else {
            ret = serial_pop_rx(s);
            serial_update_irq(s);
            if (s->chr.chr) {
                chr_fe_accept_input(&s->chr);
            }
        }
        break;
    case UART_IER:
        ret = (s->lcr & UART_LCR_DLAB) ? s->divider >> 8 : s->ier;
        break;
    case UART_IIR:
        ret = serial_pending_iir(s);
        /* Reading IIR acknowledges a THRE interrupt it reports. */
        if (ret == UART_IIR_THRI) {
            s->thr_ipending = false;
            serial_update_irq(s);
        }
        if (s->fcr & UART_FCR_FE) {
            ret |= UART_IIR_FE;
        }
        break;
    case UART_LCR:
        ret = s->lcr;
        break;
    case UART_MCR:
        ret = s->mcr;
        break;
    case UART_LSR:
        ret = s->lsr;
        /* Error and break conditions clear when read. */
        if (s->lsr & (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE |
                      UART_LSR_BI)) {
            s->lsr &= ~(UART_LSR_OE | UART_LSR_PE | UART_LSR_FE |
                        UART_LSR_BI);
            serial_update_irq(s);
        }
        break;
    case UART_MSR:
        if (s->mcr & UART_MCR_LOOP) {
            /* Loopback feeds the modem outputs back to the inputs. */
            ret = ((s->mcr & UART_MCR_OUT2) ? UART_MSR_DCD : 0) |
                  ((s->mcr & UART_MCR_OUT1) ? UART_MSR_RI : 0) |
                  ((s->mcr & UART_MCR_DTR) ? UART_MSR_DSR : 0) |
                  ((s->mcr & UART_MCR_RTS) ? UART_MSR_CTS : 0);
        } else {
            ret = s->msr;
            if (s->msr & UART_MSR_ANY_DELTA) {
                s->msr &= ~UART_MSR_ANY_DELTA;
                serial_update_irq(s);
            }
        }
        break;
    case UART_SCR:
        ret = s->scr;
        break;
    }
    return ret;
}

static const MemoryRegionOps serial_io_ops = {
    .read = serial_read,
    .write = serial_write,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 1,
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 1,
    },
};

/* ---- backend side (main loop) ---- */

static int serial_can_receive(void *opaque)
{
    SerialState *s = opaque;

    /* In loopback the receiver listens to the transmitter only. */
    if (s->mcr & UART_MCR_LOOP) {
        return 0;
    }
    return serial_rx_capacity(s) - MIN(s->rx_count, serial_rx_capacity(s));
}

static void serial_receive(void *opaque, const uint8_t *buf, int size)
{
    SerialState *s = opaque;

    for (int i = 0; i < size; i++) {
        serial_receive_byte(s, buf[i]);
    }
    serial_update_irq(s);
}

static void serial_event(void *opaque, ChrEvent event)
{
    SerialState *s = opaque;

    if (event == CHR_EVENT_BREAK) {
        /* A break reads as a NUL character with LSR.BI set. */
        serial_receive_byte(s, 0);
        s->lsr |= UART_LSR_BI;
        serial_update_irq(s);
    }
}

void serial_reset(SerialState *s)
{
    s->divider = 0x0c;          /* 9600 baud at the PC's 1.8432 MHz clock */
    s->ier = 0;
    s->lcr = 0;
    s->mcr = UART_MCR_OUT2;
    s->lsr = UART_LSR_TEMT | UART_LSR_THRE;
    s->msr = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
    s->scr = 0;
    s->fcr = 0;
    s->rx_trigger = 1;
    s->thr_ipending = false;
    serial_clear_rx(s);
    irq_lower(s->irq);
}

bool serial_realize_core(SerialState *s, Object *owner, Error **errp)
{
    s->timeout_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, serial_timeout_cb, s);
    memory_region_init_io(&s->io, owner, &serial_io_ops, s, "serial", 8);
    if (s->chr.chr) {
        chr_fe_set_handlers(&s->chr, serial_can_receive, serial_receive,
                            serial_event, s);
    }
    serial_reset(s);
    return true;
}

void serial_unrealize_core(SerialState *s)
{
    if (s->chr.chr) {
        chr_fe_set_handlers(&s->chr, NULL, NULL, NULL, NULL);
    }
    if (s->timeout_timer) {
        timer_free(s->timeout_timer);
        s->timeout_timer = NULL;
    }
    memory_region_destroy(&s->io);
}
