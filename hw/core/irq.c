/*
 * Interrupt lines as values (hw/irq.h): allocation helpers and a splitter
 * that fans one output out to two inputs (ISA IRQ to PIC and IOAPIC).
 */
#include "qemu/osdep.h"
#include "hw/irq.h"

IRQLine *irq_line_new(IRQHandler *handler, void *opaque, int n)
{
    IRQLine *line = g_new0(IRQLine, 1);

    line->handler = handler;
    line->opaque = opaque;
    line->n = n;
    return line;
}

IRQLine **irq_lines_new(IRQHandler *handler, void *opaque, int count)
{
    IRQLine **lines = g_new0(IRQLine *, count > 0 ? count : 1);

    for (int i = 0; i < count; i++) {
        lines[i] = irq_line_new(handler, opaque, i);
    }
    return lines;
}

void irq_line_free(IRQLine *line)
{
    g_free(line);
}

/* The two targets of a split line; owned by the splitter's line. */
typedef struct IRQSplit {
    IRQLine *a;
    IRQLine *b;
} IRQSplit;

static void irq_split_handler(void *opaque, int n, int level)
{
    IRQSplit *s = opaque;

    irq_set(s->a, level);
    irq_set(s->b, level);
}

/*
 * The IRQSplit lives in the same allocation as the line, so irq_line_free()
 * (a plain g_free) releases both.
 */
IRQLine *irq_line_split(IRQLine *a, IRQLine *b)
{
    struct {
        IRQLine line;
        IRQSplit split;
    } *both = g_new0(typeof(*both), 1);

    both->split.a = a;
    both->split.b = b;
    both->line.handler = irq_split_handler;
    both->line.opaque = &both->split;
    both->line.n = 0;
    return &both->line;
}
