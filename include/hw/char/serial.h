/*
 * 16550A UART core, shared by bus glue (serial-isa.c "isa-serial").  The
 * glue embeds a SerialState, calls serial_realize_core() from its realize
 * and maps SerialState.io (8 ports) where its bus wants it.
 */
#ifndef HW_CHAR_SERIAL_H
#define HW_CHAR_SERIAL_H

#include "qemu/osdep.h"
#include "qom/object.h"
#include "hw/irq.h"
#include "exec/memory.h"
#include "chardev/char.h"
#include "qemu/main-loop.h"

#define TYPE_ISA_SERIAL "isa-serial"

#define UART_FIFO_LENGTH 16

typedef struct SerialState {
    uint16_t divider;
    uint8_t ier;
    uint8_t lcr;
    uint8_t mcr;
    uint8_t lsr;
    uint8_t msr;
    uint8_t scr;
    uint8_t fcr;
    bool thr_ipending;          /* THRE interrupt pending (see IIR read) */
    bool timeout_ipending;      /* character timeout (CTI) pending */
    /* Receive FIFO; holds at most one byte while FIFOs are disabled. */
    uint8_t rx_fifo[UART_FIFO_LENGTH];
    unsigned rx_head;
    unsigned rx_count;
    unsigned rx_trigger;        /* RDI threshold from FCR bits 7:6 */
    uint32_t baudbase;
    IRQLine *irq;
    CharFrontend chr;
    QEMUTimer *timeout_timer;
    MemoryRegion io;            /* "serial", 8 ports */
} SerialState;

/**
 * serial_realize_core: set up the UART's region and backend handlers
 * @s: the UART, embedded in a device
 * @owner: the device object owning the region
 * @errp: error object
 *
 * Returns false with @errp set on failure.  The caller maps @s->io.
 */
bool serial_realize_core(SerialState *s, Object *owner, Error **errp);
/* Undo serial_realize_core (detach the backend, free the timer). */
void serial_unrealize_core(SerialState *s);
/* Power-on register values; lowers the IRQ. */
void serial_reset(SerialState *s);

#endif
