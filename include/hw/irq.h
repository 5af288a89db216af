/*
 * An interrupt line as a value: {handler, opaque, n}.  The machine wires
 * lines; a device raises its output line and never calls an interrupt
 * controller directly.
 */
#ifndef HW_IRQ_H
#define HW_IRQ_H

#include "qemu/osdep.h"

typedef void IRQHandler(void *opaque, int n, int level);
typedef struct IRQLine IRQLine;

struct IRQLine {
    IRQHandler *handler;
    void *opaque;
    int n;
};

IRQLine *irq_line_new(IRQHandler *handler, void *opaque, int n);
/* @count lines numbered 0..count-1 sharing a handler; g_free() the array after irq_line_free on each. */
IRQLine **irq_lines_new(IRQHandler *handler, void *opaque, int count);
void irq_line_free(IRQLine *line);

/* Drive @line to @level (0 or 1).  A NULL line is a no-op (unwired output). */
static inline void irq_set(IRQLine *line, int level)
{
    if (line) {
        line->handler(line->opaque, line->n, level);
    }
}
static inline void irq_raise(IRQLine *line) { irq_set(line, 1); }
static inline void irq_lower(IRQLine *line) { irq_set(line, 0); }
static inline void irq_pulse(IRQLine *line)
{
    irq_set(line, 1);
    irq_set(line, 0);
}

/* A line that drives both @a and @b (e.g. ISA IRQ to both PIC and IOAPIC). */
IRQLine *irq_line_split(IRQLine *a, IRQLine *b);

#endif
