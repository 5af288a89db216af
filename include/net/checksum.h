/*
 * Internet checksums (RFC 1071) for NIC offloads: a 32-bit running sum of
 * big-endian 16-bit words, folded and complemented at the end.
 */
#ifndef NET_CHECKSUM_H
#define NET_CHECKSUM_H

#include "qemu/osdep.h"

/*
 * Add @len bytes at @buf to @sum (an odd last byte is padded with 0).
 * Big-endian 32-bit words summed in 64 bits fold to the same 16-bit
 * ones' complement sum (2^16 is 1 modulo 0xffff), four times fewer steps.
 */
static inline uint32_t net_checksum_add(uint32_t sum, const uint8_t *buf,
                                        size_t len)
{
    uint64_t acc = sum;
    size_t i = 0;

    for (; i + 4 <= len; i += 4) {
        acc += ((uint32_t)buf[i] << 24) | ((uint32_t)buf[i + 1] << 16) |
               ((uint32_t)buf[i + 2] << 8) | buf[i + 3];
    }
    for (; i + 1 < len; i += 2) {
        acc += (buf[i] << 8) | buf[i + 1];
    }
    if (i < len) {
        acc += buf[i] << 8;
    }
    acc = (acc & 0xffffffff) + (acc >> 32);
    acc = (acc & 0xffffffff) + (acc >> 32);
    /* Keep it below 2^32 for callers that add more: fold 16 bits once. */
    return (acc & 0xffff) + (acc >> 16);
}

/* Fold the carries and complement: the value stored in a header. */
static inline uint16_t net_checksum_finish(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return ~sum & 0xffff;
}

static inline uint16_t net_lduw_be(const uint8_t *p)
{
    return (p[0] << 8) | p[1];
}

static inline void net_stw_be(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static inline uint32_t net_ldl_be(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}

static inline void net_stl_be(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

#endif
