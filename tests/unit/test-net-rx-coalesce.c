/*
 * Receive segment coalescing (net/rx-coalesce.c): a TSO frame cut into
 * segments by net_tso_send() comes back whole (headers, payload, a
 * partial checksum that completes to a valid one), for IPv4 and IPv6;
 * what must not join (other flow, gap, bad checksum, SYN/FIN, UDP,
 * after a push or a short segment, past 64 KiB, truncated headers).
 */
#include "qemu/osdep.h"
#include "net/checksum.h"
#include "net/offload.h"
#include "net/rx-coalesce.h"
#include "net-test-frame.h"

#define MSS 1460

typedef struct Segs {
    GPtrArray *frames;           /* GByteArray * */
} Segs;

static void collect(void *opaque, uint8_t *frame, size_t len)
{
    Segs *s = opaque;

    g_ptr_array_add(s->frames, g_byte_array_append(g_byte_array_new(),
                                                   frame, len));
}

static void ignore(void *opaque, uint8_t *frame, size_t len)
{
}

/* @frame cut into MSS segments with their own lengths and checksums */
static GPtrArray *segment(uint8_t *frame, size_t len, bool ipv4,
                          size_t hdr_len)
{
    NetTso t = {
        .l3 = 14, .l4 = ipv4 ? 34 : 54, .hdr_len = hdr_len, .mss = MSS,
        .ipv4 = ipv4, .tcp = true, .ip_csum = ipv4, .l4_csum = true,
    };
    Segs s = { g_ptr_array_new_with_free_func(
                   (GDestroyNotify)g_byte_array_unref) };

    net_tso_send(frame, len, &t, false, collect, &s);
    return s.frames;
}

static GByteArray *seg(GPtrArray *a, unsigned i)
{
    return g_ptr_array_index(a, i);
}

static void check_roundtrip(bool ipv4, bool opts, size_t payload)
{
    g_autofree uint8_t *frame = g_malloc(payload + 100);
    g_autofree uint8_t *want = g_malloc(payload + 100);
    size_t len = net_test_tcp_frame(frame, ipv4, payload, opts, NULL);
    size_t l4 = ipv4 ? 34 : 54, hdr = l4 + (opts ? 32 : 20);
    GPtrArray *segs;
    NetCoalesce c;
    NetCoalesceFrame f;
    NetTso t = {
        .l3 = 14, .l4 = l4, .hdr_len = hdr, .mss = MSS, .ipv4 = ipv4,
        .tcp = true, .ip_csum = ipv4, .l4_csum = true,
    };

    memcpy(want, frame, len);
    segs = segment(frame, len, ipv4, hdr);
    net_coalesce_init(&c);
    for (unsigned i = 0; i < segs->len; i++) {
        g_assert_cmpint(net_coalesce_add(&c, seg(segs, i)->data,
                                         seg(segs, i)->len), ==,
                        NET_COALESCE_HELD);
    }
    g_assert_true(net_coalesce_finish(&c, &f));
    g_assert_cmpuint(f.len, ==, len);
    g_assert_cmpuint(f.hdr_len, ==, hdr);
    g_assert_cmpuint(f.gso_size, ==, segs->len > 1 ? MSS : 0);
    g_assert_cmpint(f.ipv6, ==, !ipv4);
    if (f.gso_size) {
        g_assert_cmpuint(f.csum_start, ==, l4);
        g_assert_cmpuint(f.csum_offset, ==, 16);
        /* Complete the partial checksum as the guest's stack would. */
        net_checksum_insert(c.buf, f.len, l4 + 16, l4, f.len);
    }
    g_assert_cmphex(net_rx_checksum_valid(c.buf, f.len), ==,
                    (ipv4 ? NET_RX_IPV4_OK : 0) | NET_RX_L4_OK);
    /* The original frame with its lengths and checksums filled in. */
    net_tso_send(want, len, &t, true, ignore, NULL);
    g_assert_cmpmem(c.buf, f.len, want, len);
    /* Finishing twice (delivery retried) gives the same frame. */
    g_assert_true(net_coalesce_finish(&c, &f));
    if (f.gso_size) {
        net_checksum_insert(c.buf, f.len, l4 + 16, l4, f.len);
    }
    g_assert_cmpmem(c.buf, f.len, want, len);
    net_coalesce_reset(&c);
    g_assert_false(net_coalesce_finish(&c, &f));
    net_coalesce_cleanup(&c);
    g_ptr_array_free(segs, TRUE);
}

static void test_roundtrip(void)
{
    check_roundtrip(true, false, 5000);
    check_roundtrip(false, false, 5000);
    check_roundtrip(true, true, 20 * MSS);       /* whole segments only */
    check_roundtrip(false, true, 3 * MSS + 1);
    check_roundtrip(true, false, 100);           /* one segment */
}

/* Four MSS segments of a flow, with good checksums. */
static GPtrArray *four(bool ipv4)
{
    uint8_t frame[4 * MSS + 100];
    size_t len = net_test_tcp_frame(frame, ipv4, 4 * MSS, false, NULL);

    return segment(frame, len, ipv4, (ipv4 ? 34 : 54) + 20);
}

/* Redo a segment's checksums after a header change. */
static void refresh(GByteArray *b, bool ipv4)
{
    size_t l4 = ipv4 ? 34 : 54;
    NetTso t = {
        .l3 = 14, .l4 = l4, .hdr_len = l4 + 20, .mss = 65535,
        .ipv4 = ipv4, .tcp = true, .ip_csum = ipv4, .l4_csum = true,
    };

    net_tso_send(b->data, b->len, &t, true, ignore, NULL);
}

static void expect(NetCoalesce *c, GByteArray *b, NetCoalesceResult r)
{
    g_assert_cmpint(net_coalesce_add(c, b->data, b->len), ==, r);
}

static void test_breaks(void)
{
    NetCoalesce c;
    NetCoalesceFrame f;
    GPtrArray *s;
    GByteArray *b;

    net_coalesce_init(&c);

    /* another port: the held frame goes first */
    s = four(true);
    expect(&c, seg(s, 0), NET_COALESCE_HELD);
    b = seg(s, 1);
    b->data[34 + 1] ^= 1;
    refresh(b, true);
    expect(&c, b, NET_COALESCE_FLUSH_FIRST);
    net_coalesce_reset(&c);
    expect(&c, b, NET_COALESCE_HELD);             /* starts a new one */
    net_coalesce_reset(&c);
    g_ptr_array_free(s, TRUE);

    /* a gap in the sequence, an ACK number change */
    s = four(false);
    expect(&c, seg(s, 0), NET_COALESCE_HELD);
    expect(&c, seg(s, 2), NET_COALESCE_FLUSH_FIRST);
    b = seg(s, 1);
    b->data[54 + 11] ^= 1;
    refresh(b, false);
    expect(&c, b, NET_COALESCE_FLUSH_FIRST);
    net_coalesce_reset(&c);
    g_ptr_array_free(s, TRUE);

    /* a bad checksum, SYN, FIN, no payload, UDP: never held */
    s = four(true);
    b = seg(s, 0);
    b->data[100] ^= 1;
    expect(&c, b, NET_COALESCE_NOT);
    b = seg(s, 1);
    b->data[34 + 13] |= 0x02;
    refresh(b, true);
    expect(&c, b, NET_COALESCE_NOT);
    b->data[34 + 13] = 0x11;
    refresh(b, true);
    expect(&c, b, NET_COALESCE_NOT);
    b = seg(s, 2);
    g_byte_array_set_size(b, 54);
    refresh(b, true);
    expect(&c, b, NET_COALESCE_NOT);
    b = seg(s, 3);
    b->data[14 + 9] = 17;
    refresh(b, true);
    expect(&c, b, NET_COALESCE_NOT);
    g_assert_false(net_coalesce_finish(&c, &f));
    g_ptr_array_free(s, TRUE);

    /* a short segment, or a push, ends the frame */
    s = four(true);
    b = seg(s, 1);
    g_byte_array_set_size(b, b->len - 10);
    refresh(b, true);
    expect(&c, seg(s, 0), NET_COALESCE_HELD);
    expect(&c, b, NET_COALESCE_HELD);
    expect(&c, seg(s, 2), NET_COALESCE_FLUSH_FIRST);
    net_coalesce_reset(&c);
    b = seg(s, 2);
    b->data[34 + 13] |= 0x08;
    refresh(b, true);
    expect(&c, b, NET_COALESCE_HELD);
    expect(&c, seg(s, 3), NET_COALESCE_FLUSH_FIRST);
    net_coalesce_reset(&c);
    g_ptr_array_free(s, TRUE);

    /* truncated headers and lengths beyond the frame: not held */
    s = four(true);
    for (size_t cut = 0; cut < 54; cut++) {
        g_assert_cmpint(net_coalesce_add(&c, seg(s, 0)->data, cut), ==,
                        NET_COALESCE_NOT);
    }
    b = seg(s, 0);
    net_stw_be(b->data + 16, b->len);            /* IP length too big */
    expect(&c, b, NET_COALESCE_NOT);
    g_ptr_array_free(s, TRUE);
    net_coalesce_cleanup(&c);
}

/* At most one IP packet's worth: the 45th MSS segment starts anew. */
static void test_limit(void)
{
    size_t payload = 60 * MSS;
    g_autofree uint8_t *frame = g_malloc(payload + 100);
    size_t len = net_test_tcp_frame(frame, true, payload, false, NULL);
    GPtrArray *s = segment(frame, len, true, 54);
    NetCoalesce c;
    NetCoalesceFrame f;
    unsigned i = 0;

    net_coalesce_init(&c);
    while (net_coalesce_add(&c, seg(s, i)->data, seg(s, i)->len) ==
           NET_COALESCE_HELD) {
        i++;
    }
    g_assert_cmpuint(i, ==, (65535 - 40) / MSS);
    g_assert_true(net_coalesce_finish(&c, &f));
    g_assert_cmpuint(f.len - 14, <=, 65535);
    g_assert_cmpuint(net_lduw_be(c.buf + 16), ==, f.len - 14);
    net_coalesce_cleanup(&c);
    g_ptr_array_free(s, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/net/rx-coalesce/roundtrip", test_roundtrip);
    g_test_add_func("/net/rx-coalesce/breaks", test_breaks);
    g_test_add_func("/net/rx-coalesce/limit", test_limit);
    return g_test_run();
}
