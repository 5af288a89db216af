/*
 * TCP frames for the NIC offload unit tests (test-net-offload.c,
 * test-net-rx-coalesce.c).
 */
#ifndef TESTS_UNIT_NET_TEST_FRAME_H
#define TESTS_UNIT_NET_TEST_FRAME_H

#include "qemu/osdep.h"
#include "net/checksum.h"

/*
 * An Ethernet + IPv4/IPv6 + TCP frame (a 20-byte TCP header, or 32 with
 * a timestamp option) with @payload random data bytes, also copied to
 * @data when not NULL: ACK|PSH, IPv4 id 0x1234 with DF, sequence number
 * 0xfffff000 (it wraps inside the frame).  Returns the frame's length.
 */
static inline size_t net_test_tcp_frame(uint8_t *f, bool ipv4, size_t payload,
                                        bool opts, uint8_t *data)
{
    size_t l3 = 14, l4 = l3 + (ipv4 ? 20 : 40), hdr = l4 + (opts ? 32 : 20);

    memset(f, 0, hdr);
    memset(f, 0x52, 12);
    net_stw_be(f + 12, ipv4 ? 0x0800 : 0x86dd);
    if (ipv4) {
        f[l3] = 0x45;
        net_stw_be(f + l3 + 4, 0x1234);          /* id */
        net_stw_be(f + l3 + 6, 0x4000);          /* DF */
        f[l3 + 8] = 64;
        f[l3 + 9] = 6;
        net_stl_be(f + l3 + 12, 0x0a000202);
        net_stl_be(f + l3 + 16, 0x0a00020f);
    } else {
        f[l3] = 0x60;
        f[l3 + 6] = 6;
        f[l3 + 7] = 64;
        f[l3 + 8] = 0xfe;
        f[l3 + 23] = 2;
        f[l3 + 24] = 0xfe;
        f[l3 + 39] = 0x0f;
    }
    net_stw_be(f + l4, 80);
    net_stw_be(f + l4 + 2, 40000);
    net_stl_be(f + l4 + 4, 0xfffff000);          /* seq wraps */
    net_stl_be(f + l4 + 8, 0x12345678);          /* ack */
    f[l4 + 12] = (opts ? 8 : 5) << 4;
    f[l4 + 13] = 0x18;                           /* ACK | PSH */
    net_stw_be(f + l4 + 14, 29200);
    if (opts) {
        f[l4 + 20] = 1;                          /* NOP NOP timestamp */
        f[l4 + 21] = 1;
        f[l4 + 22] = 8;
        f[l4 + 23] = 10;
        net_stl_be(f + l4 + 24, 1000);
    }
    for (size_t i = 0; i < payload; i++) {
        f[hdr + i] = g_test_rand_int();
    }
    if (data) {
        memcpy(data, f + hdr, payload);
    }
    return hdr + payload;
}

#endif
