/*
 * Receive segment coalescing (include/net/rx-coalesce.h).  Every header
 * field is read from inside the frame's bounds, checked before use.
 */
#include "qemu/osdep.h"
#include "net/checksum.h"
#include "net/offload.h"
#include "net/rx-coalesce.h"

#define ETH_HLEN 14
#define IPV4_HLEN 20
#define IPV6_HLEN 40
#define IP_PROTO_TCP 6
#define TCP_ACK 0x10
#define TCP_PSH 0x08

/* Where a coalescible segment's parts are. */
typedef struct Segment {
    const uint8_t *ip, *th;
    size_t l4, hdr_len, end;     /* offsets in the frame */
    bool ipv6;
} Segment;

void net_coalesce_init(NetCoalesce *c)
{
    memset(c, 0, sizeof(*c));
    c->buf = g_malloc(NET_COALESCE_MAX);
}

void net_coalesce_cleanup(NetCoalesce *c)
{
    g_free(c->buf);
    c->buf = NULL;
    c->len = 0;
}

void net_coalesce_reset(NetCoalesce *c)
{
    c->len = 0;
    c->segs = 0;
    c->closed = false;
}

/* A TCP segment with data and only ACK/PSH over plain IPv4 or IPv6. */
static bool parse_segment(const uint8_t *frame, size_t len, Segment *s)
{
    const uint8_t *ip = frame + ETH_HLEN;
    size_t l3end, doff;
    uint16_t type;

    if (len < ETH_HLEN + IPV4_HLEN) {
        return false;
    }
    type = net_lduw_be(frame + 12);
    if (type == 0x0800) {
        size_t tot = net_lduw_be(ip + 2);

        /* No IP options, no fragment, TCP, a good header checksum. */
        if (ip[0] != 0x45 || ip[9] != IP_PROTO_TCP ||
            (net_lduw_be(ip + 6) & 0x3fff) || tot < IPV4_HLEN ||
            ETH_HLEN + tot > len ||
            net_checksum_finish(net_checksum_add(0, ip, IPV4_HLEN))) {
            return false;
        }
        s->ipv6 = false;
        s->l4 = ETH_HLEN + IPV4_HLEN;
        l3end = ETH_HLEN + tot;
    } else if (type == 0x86dd) {
        if (len < ETH_HLEN + IPV6_HLEN || (ip[0] >> 4) != 6 ||
            ip[6] != IP_PROTO_TCP ||
            ETH_HLEN + IPV6_HLEN + (size_t)net_lduw_be(ip + 4) > len) {
            return false;
        }
        s->ipv6 = true;
        s->l4 = ETH_HLEN + IPV6_HLEN;
        l3end = s->l4 + net_lduw_be(ip + 4);
    } else {
        return false;
    }
    if (s->l4 + 20 > l3end) {
        return false;
    }
    s->ip = ip;
    s->th = frame + s->l4;
    doff = (s->th[12] >> 4) * 4;
    s->hdr_len = s->l4 + doff;
    s->end = l3end;
    /* Data, ACK set, nothing but ACK and PSH (no SYN/FIN/RST/URG/ECN). */
    if (doff < 20 || s->hdr_len >= l3end ||
        (s->th[13] & ~TCP_PSH) != TCP_ACK) {
        return false;
    }
    return (net_rx_checksum_valid(frame, len) & NET_RX_L4_OK) != 0;
}

/* Whether @s continues the held frame's flow and headers. */
static bool continues(const NetCoalesce *c, const Segment *s)
{
    const uint8_t *hip = c->buf + ETH_HLEN, *hth = c->buf + c->l4;
    size_t payload = s->end - s->hdr_len;

    if (s->ipv6 != c->ipv6 || s->hdr_len != c->hdr_len ||
        memcmp(c->buf, s->ip - ETH_HLEN, ETH_HLEN) ||
        net_ldl_be(s->th + 4) != c->next_seq || payload > c->mss ||
        c->len + payload > NET_COALESCE_MAX ||
        c->len + payload - ETH_HLEN - (c->ipv6 ? IPV6_HLEN : 0) > 0xffff) {
        return false;
    }
    if (c->ipv6) {
        /* version/class/flow label, hop limit, addresses */
        if (memcmp(hip, s->ip, 4) || hip[7] != s->ip[7] ||
            memcmp(hip + 8, s->ip + 8, 32)) {
            return false;
        }
    } else if (hip[1] != s->ip[1] || hip[8] != s->ip[8] ||
               (hip[6] & 0x40) != (s->ip[6] & 0x40) ||
               memcmp(hip + 12, s->ip + 12, 8)) {
        return false;                /* TOS, TTL, DF, addresses */
    }
    /* ports, ACK number, data offset, options */
    return !memcmp(hth, s->th, 4) && !memcmp(hth + 8, s->th + 8, 5) &&
           !memcmp(hth + 20, s->th + 20, c->hdr_len - c->l4 - 20);
}

NetCoalesceResult net_coalesce_add(NetCoalesce *c, const uint8_t *frame,
                                   size_t len)
{
    Segment s;
    size_t payload;

    if (!parse_segment(frame, len, &s)) {
        return NET_COALESCE_NOT;
    }
    payload = s.end - s.hdr_len;
    if (!c->len) {
        memcpy(c->buf, frame, s.end);
        c->len = s.end;
        c->l4 = s.l4;
        c->hdr_len = s.hdr_len;
        c->mss = payload;
        c->ipv6 = s.ipv6;
        c->segs = 1;
    } else if (c->closed || !continues(c, &s)) {
        return NET_COALESCE_FLUSH_FIRST;
    } else {
        uint8_t *hth = c->buf + c->l4;

        memcpy(c->buf + c->len, frame + s.hdr_len, payload);
        c->len += payload;
        c->segs++;
        hth[13] |= s.th[13] & TCP_PSH;
        memcpy(hth + 14, s.th + 14, 2);          /* the newest window */
    }
    c->next_seq = net_ldl_be(s.th + 4) + payload;
    /* As GRO: a short segment or a push ends the frame. */
    c->closed = payload < c->mss || (s.th[13] & TCP_PSH);
    return NET_COALESCE_HELD;
}

bool net_coalesce_finish(NetCoalesce *c, NetCoalesceFrame *f)
{
    uint8_t *ip = c->buf + ETH_HLEN;
    size_t l4len = c->len - c->l4;
    uint32_t sum;

    if (!c->len) {
        return false;
    }
    memset(f, 0, sizeof(*f));
    f->len = c->len;
    f->hdr_len = c->hdr_len;
    f->ipv6 = c->ipv6;
    if (c->segs == 1) {
        return true;                 /* as it came: checksums good */
    }
    if (c->ipv6) {
        net_stw_be(ip + 4, c->len - ETH_HLEN - IPV6_HLEN);
    } else {
        net_stw_be(ip + 2, c->len - ETH_HLEN);
        net_stw_be(ip + 10, 0);
        net_stw_be(ip + 10, net_checksum_finish(
            net_checksum_add(0, ip, IPV4_HLEN)));
    }
    sum = net_pseudo_sum(ip, !c->ipv6, IP_PROTO_TCP, l4len);
    /* A partial checksum: the field holds the pseudo-header sum. */
    net_stw_be(c->buf + c->l4 + 16, ~net_checksum_finish(sum));
    f->csum_start = c->l4;
    f->csum_offset = 16;
    f->gso_size = c->mss;
    return true;
}
