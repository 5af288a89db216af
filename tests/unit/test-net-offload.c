/*
 * Software NIC offloads (net/offload.c): the checksum sum against a plain
 * 16-bit reference, TCP segmentation of IPv4 and IPv6 frames (lengths,
 * ids, sequence numbers, flags, checksums, payload), whole frames for
 * peers that take them, receive checksum validation, bad offsets.
 */
#include "qemu/osdep.h"
#include "net/checksum.h"
#include "net/offload.h"
#include "net-test-frame.h"

#define PAYLOAD 5000
#define MSS 1460

static uint32_t ref_sum(uint32_t sum, const uint8_t *b, size_t len)
{
    for (size_t i = 0; i < len; i += 2) {
        sum += (b[i] << 8) | (i + 1 < len ? b[i + 1] : 0);
    }
    return sum;
}

static void test_checksum_add(void)
{
    uint8_t buf[301];

    for (size_t i = 0; i < sizeof(buf); i++) {
        buf[i] = g_test_rand_int();
    }
    for (size_t len = 0; len <= sizeof(buf); len++) {
        uint32_t extra = g_test_rand_int_range(0, 0x7fffffff);

        g_assert_cmpuint(net_checksum_finish(net_checksum_add(extra, buf,
                                                              len)), ==,
                         net_checksum_finish(ref_sum(extra, buf, len)));
    }
}

typedef struct Seen {
    GPtrArray *frames;           /* GByteArray * */
} Seen;

static void collect(void *opaque, uint8_t *frame, size_t len)
{
    Seen *s = opaque;

    g_ptr_array_add(s->frames, g_byte_array_append(g_byte_array_new(),
                                                   frame, len));
}

static void check_tso(bool ipv4, bool whole)
{
    uint8_t frame[PAYLOAD + 100], payload[PAYLOAD];
    size_t len = net_test_tcp_frame(frame, ipv4, PAYLOAD, false, payload);
    size_t l4 = 14 + (ipv4 ? 20 : 40), hdr = l4 + 20, got = 0;
    NetTso t = {
        .l3 = 14, .l4 = l4, .hdr_len = hdr, .mss = MSS, .ipv4 = ipv4,
        .tcp = true, .ip_csum = ipv4, .l4_csum = true,
    };
    Seen s = { g_ptr_array_new() };
    unsigned want = whole ? 1 : (PAYLOAD + MSS - 1) / MSS;

    g_assert_true(net_tso_valid(&t, len));
    net_tso_send(frame, len, &t, whole, collect, &s);
    g_assert_cmpuint(s.frames->len, ==, want);
    for (unsigned i = 0; i < s.frames->len; i++) {
        GByteArray *b = g_ptr_array_index(s.frames, i);
        const uint8_t *p = b->data;
        size_t plen = b->len - hdr;
        bool last = i + 1 == s.frames->len;

        g_assert_cmpuint(plen, ==, whole ? PAYLOAD : MIN(MSS, PAYLOAD - got));
        g_assert_cmpmem(p + hdr, plen, payload + got, plen);
        g_assert_cmphex(net_rx_checksum_valid(p, b->len), ==,
                        (ipv4 ? NET_RX_IPV4_OK : 0) | NET_RX_L4_OK);
        if (ipv4) {
            g_assert_cmpuint(net_lduw_be(p + 16), ==, b->len - 14);
            g_assert_cmphex(net_lduw_be(p + 18), ==, 0x1234 + i);
        } else {
            g_assert_cmpuint(net_lduw_be(p + 18), ==, b->len - 54);
        }
        g_assert_cmphex(net_ldl_be(p + l4 + 4), ==, (uint32_t)(0xfffff000u + got));
        g_assert_cmphex(p[l4 + 13], ==, last ? 0x18 : 0x10);
        got += plen;
        g_byte_array_unref(b);
    }
    g_assert_cmpuint(got, ==, PAYLOAD);
    g_ptr_array_free(s.frames, TRUE);
}

static void test_tso_ipv4(void)
{
    check_tso(true, false);
}

static void test_tso_ipv6(void)
{
    check_tso(false, false);
}

static void test_tso_whole(void)
{
    check_tso(true, true);
    check_tso(false, true);
}

static void test_rx_checksum(void)
{
    uint8_t frame[PAYLOAD + 100], payload[PAYLOAD];
    size_t len = net_test_tcp_frame(frame, true, PAYLOAD, false, payload);
    NetTso t = {
        .l3 = 14, .l4 = 34, .hdr_len = 54, .mss = PAYLOAD, .ipv4 = true,
        .tcp = true, .ip_csum = true, .l4_csum = true,
    };
    Seen s = { g_ptr_array_new() };
    GByteArray *b;

    net_tso_send(frame, len, &t, false, collect, &s);
    b = g_ptr_array_index(s.frames, 0);
    g_assert_cmphex(net_rx_checksum_valid(b->data, b->len), ==,
                    NET_RX_IPV4_OK | NET_RX_L4_OK);
    b->data[100] ^= 1;                           /* payload corrupted */
    g_assert_cmphex(net_rx_checksum_valid(b->data, b->len), ==,
                    NET_RX_IPV4_OK);
    b->data[100] ^= 1;
    b->data[22] ^= 1;                            /* IP header (ttl) */
    g_assert_cmphex(net_rx_checksum_valid(b->data, b->len), ==, 0);
    g_assert_cmphex(net_rx_checksum_valid(b->data, 20), ==, 0);
    g_byte_array_unref(b);
    g_ptr_array_free(s.frames, TRUE);
}

static void test_tso_bad_offsets(void)
{
    NetTso t = {
        .l3 = 14, .l4 = 34, .hdr_len = 54, .mss = MSS, .ipv4 = true,
        .tcp = true,
    };

    g_assert_true(net_tso_valid(&t, 54));
    g_assert_false(net_tso_valid(&t, 53));       /* headers past the end */
    t.mss = 0;
    g_assert_false(net_tso_valid(&t, 1000));
    t.mss = MSS;
    t.l4 = 20;                                   /* IPv4 header cut short */
    g_assert_false(net_tso_valid(&t, 1000));
    t.l4 = 34;
    t.hdr_len = 40;                              /* TCP header cut short */
    g_assert_false(net_tso_valid(&t, 1000));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/net/offload/checksum-add", test_checksum_add);
    g_test_add_func("/net/offload/tso-ipv4", test_tso_ipv4);
    g_test_add_func("/net/offload/tso-ipv6", test_tso_ipv6);
    g_test_add_func("/net/offload/tso-whole", test_tso_whole);
    g_test_add_func("/net/offload/rx-checksum", test_rx_checksum);
    g_test_add_func("/net/offload/tso-bad-offsets", test_tso_bad_offsets);
    return g_test_run();
}
