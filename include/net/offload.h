/*
 * NIC offloads done in software: checksum insertion and TCP segmentation
 * on transmit (e1000 context descriptors, virtio-net headers), checksum
 * validation on receive.  A peer that takes whole TSO frames (slirp: its
 * TCP accepts any segment up to 64 KiB) gets one frame instead of MSS
 * pieces, so it acknowledges once per frame, not once per piece.
 */
#ifndef NET_OFFLOAD_H
#define NET_OFFLOAD_H

#include "net/net.h"

/* Where a TSO frame's headers are and how to cut it. */
typedef struct NetTso {
    size_t l3;                   /* IP header offset */
    size_t l4;                   /* TCP/UDP header offset */
    size_t hdr_len;              /* headers repeated in every segment */
    size_t mss;                  /* payload bytes per segment */
    bool ipv4;                   /* else IPv6 */
    bool tcp;                    /* else UDP */
    bool ip_csum;                /* fill the IPv4 header checksum */
    bool l4_csum;                /* fill the TCP/UDP checksum */
} NetTso;

typedef void NetFrameOut(void *opaque, uint8_t *frame, size_t len);

/*
 * Store at @off the checksum of [@start, @end) of @buf (end clipped to
 * @len), the field's current value included (drivers leave the
 * pseudo-header sum there).  Nothing when the offsets are outside.
 */
void net_checksum_insert(uint8_t *buf, size_t len, size_t off, size_t start,
                         size_t end);

/* The pseudo-header sum of an IPv4 or IPv6 header for @l4len bytes. */
uint32_t net_pseudo_sum(const uint8_t *ip, bool ipv4, uint8_t proto,
                        uint32_t l4len);

/* Whether @t describes headers that fit in a frame of @len bytes. */
bool net_tso_valid(const NetTso *t, size_t len);

/*
 * Send the TSO frame @frame through @out: whole (lengths and checksums
 * filled in) when @whole and it is TCP, else cut into segments of at most
 * @t->mss payload bytes with their own lengths, sequence numbers, IPv4 ids
 * and checksums.  @t must be net_tso_valid().
 */
void net_tso_send(uint8_t *frame, size_t len, const NetTso *t, bool whole,
                  NetFrameOut *out, void *opaque);

/* Whether @nc's peer takes whole TSO frames (see net_tso_send). */
bool qemu_peer_takes_tso_frames(NetClientState *nc);

/* What net_rx_checksum_valid() found in a received frame. */
enum {
    NET_RX_IPV4_OK = 1,          /* an IPv4 header with a good checksum */
    NET_RX_L4_OK = 2,            /* TCP or UDP with a good checksum */
};

/*
 * Check the IPv4 header and TCP/UDP checksums of an Ethernet frame (IPv4
 * or IPv6 without extension headers, not fragmented): NET_RX_* bits of
 * what is present and correct.
 */
int net_rx_checksum_valid(const uint8_t *frame, size_t len);

#endif
