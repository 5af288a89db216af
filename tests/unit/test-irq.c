/*
 * Unit tests for hw/core/irq.c: lines as values, numbered line arrays,
 * unwired (NULL) outputs and the splitter.
 */
#include "qemu/osdep.h"
#include "hw/irq.h"

typedef struct Sink {
    int level[8];
    int calls;
    int last_n;
} Sink;

static void sink_handler(void *opaque, int n, int level)
{
    Sink *s = opaque;

    s->level[n] = level;
    s->last_n = n;
    s->calls++;
}

static void test_line(void)
{
    Sink s = { 0 };
    IRQLine *line = irq_line_new(sink_handler, &s, 5);

    irq_raise(line);
    g_assert_cmpint(s.level[5], ==, 1);
    g_assert_cmpint(s.last_n, ==, 5);
    irq_lower(line);
    g_assert_cmpint(s.level[5], ==, 0);
    irq_pulse(line);
    g_assert_cmpint(s.calls, ==, 4);
    g_assert_cmpint(s.level[5], ==, 0);
    irq_set(line, 1);
    g_assert_cmpint(s.level[5], ==, 1);
    irq_line_free(line);

    /* an unwired output is a no-op */
    irq_set(NULL, 1);
    irq_pulse(NULL);
}

static void test_lines(void)
{
    Sink s = { 0 };
    IRQLine **lines = irq_lines_new(sink_handler, &s, 8);

    for (int i = 0; i < 8; i++) {
        g_assert_cmpint(lines[i]->n, ==, i);
        irq_set(lines[i], i & 1);
    }
    for (int i = 0; i < 8; i++) {
        g_assert_cmpint(s.level[i], ==, i & 1);
        irq_line_free(lines[i]);
    }
    g_free(lines);
}

static void test_split(void)
{
    Sink pic = { 0 }, ioapic = { 0 };
    IRQLine *a = irq_line_new(sink_handler, &pic, 4);
    IRQLine *b = irq_line_new(sink_handler, &ioapic, 6);
    IRQLine *both = irq_line_split(a, b);
    IRQLine *half = irq_line_split(a, NULL);

    irq_raise(both);
    g_assert_cmpint(pic.level[4], ==, 1);
    g_assert_cmpint(ioapic.level[6], ==, 1);
    irq_lower(both);
    g_assert_cmpint(pic.level[4], ==, 0);
    g_assert_cmpint(ioapic.level[6], ==, 0);
    irq_raise(half);
    g_assert_cmpint(pic.level[4], ==, 1);
    g_assert_cmpint(ioapic.calls, ==, 2);
    irq_line_free(both);
    irq_line_free(half);
    irq_line_free(a);
    irq_line_free(b);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/irq/line", test_line);
    g_test_add_func("/irq/lines", test_lines);
    g_test_add_func("/irq/split", test_split);
    return g_test_run();
}
