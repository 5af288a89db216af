/*
 * Receive segment coalescing: consecutive in-order TCP segments of one
 * flow that a backend delivers in one burst (slirp sends what its window
 * allows, MSS by MSS) are joined into one large frame that a NIC with
 * receive GSO (virtio-net VIRTIO_NET_F_GUEST_TSO4/6) hands to the guest
 * at once, as a host kernel's GRO does for tap.  The guest's stack then
 * pays its per-packet costs once per 64 KiB instead of once per 1460
 * bytes; on the software CPU that is most of its receive time.
 *
 * The rules are GRO's: same addresses and ports, next sequence number,
 * same ACK number and TCP options, only ACK/PSH flags, no IP options or
 * fragments, every segment's checksums correct, every segment but the
 * last exactly the first one's size.
 */
#ifndef NET_RX_COALESCE_H
#define NET_RX_COALESCE_H

#include "qemu/osdep.h"

/* An Ethernet header, the largest IP packet. */
#define NET_COALESCE_MAX (14 + 65535)

typedef struct NetCoalesce {
    uint8_t *buf;                /* NET_COALESCE_MAX bytes */
    size_t len;                  /* 0: nothing held */
    size_t l4;                   /* TCP header offset */
    size_t hdr_len;              /* Ethernet + IP + TCP headers */
    size_t mss;                  /* payload of the first segment */
    uint32_t next_seq;           /* sequence number that may follow */
    unsigned segs;
    bool ipv6;
    bool closed;                 /* a short or PSH segment came: full */
} NetCoalesce;

/* What a held frame becomes, for the NIC's receive header. */
typedef struct NetCoalesceFrame {
    size_t len;
    size_t csum_start;           /* TCP header: checksum partial from here */
    size_t csum_offset;          /* the checksum field, from csum_start */
    size_t hdr_len;
    size_t gso_size;             /* 0: a single segment, no GSO */
    bool ipv6;
} NetCoalesceFrame;

typedef enum {
    NET_COALESCE_HELD,           /* the frame was copied into the held one */
    NET_COALESCE_FLUSH_FIRST,    /* deliver the held frame, then try again */
    NET_COALESCE_NOT,            /* deliver it as it is (after the held) */
} NetCoalesceResult;

void net_coalesce_init(NetCoalesce *c);
void net_coalesce_cleanup(NetCoalesce *c);

/* Offer a received frame: joined with the held one, started, or not. */
NetCoalesceResult net_coalesce_add(NetCoalesce *c, const uint8_t *frame,
                                   size_t len);

/*
 * Complete the held frame's headers (IP length and checksum, the TCP
 * checksum field holding the pseudo-header sum for a partial checksum)
 * and describe it in @f; the caller delivers c->buf then calls
 * net_coalesce_reset().  False when nothing is held.
 */
bool net_coalesce_finish(NetCoalesce *c, NetCoalesceFrame *f);

void net_coalesce_reset(NetCoalesce *c);

#endif
