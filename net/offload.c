/*
 * Software NIC offloads (include/net/offload.h): checksum insertion, TCP
 * segmentation (or one whole frame for peers that take it), receive
 * checksum validation.  Offsets come from the guest's descriptors and are
 * checked by net_tso_valid() before any header is touched.
 */
#include "qemu/osdep.h"
#include "net/checksum.h"
#include "net/offload.h"

#define ETH_HLEN 14
#define IPV6_HLEN 40
#define IP_PROTO_TCP 6
#define IP_PROTO_UDP 17
#define TCP_FLAG_FIN 0x01
#define TCP_FLAG_PSH 0x08

void net_checksum_insert(uint8_t *buf, size_t len, size_t off, size_t start,
                         size_t end)
{
    size_t stop = MIN(end, len);

    if (start >= stop || off + 2 > len) {
        return;
    }
    net_stw_be(buf + off, net_checksum_finish(
        net_checksum_add(0, buf + start, stop - start)));
}

uint32_t net_pseudo_sum(const uint8_t *ip, bool ipv4, uint8_t proto,
                      uint32_t l4len)
{
    uint32_t sum = proto + (l4len >> 16) + (l4len & 0xffff);

    if (ipv4) {
        return net_checksum_add(sum, ip + 12, 8);     /* source, dest */
    }
    return net_checksum_add(sum, ip + 8, 32);
}

static size_t l4_csum_off(bool tcp)
{
    return tcp ? 16 : 6;
}

bool net_tso_valid(const NetTso *t, size_t len)
{
    size_t l4min = t->tcp ? 20 : 8;

    return t->mss && t->hdr_len <= len && t->l3 < t->l4 &&
           t->l3 + (t->ipv4 ? 20 : IPV6_HLEN) <= t->l4 &&
           t->l4 + l4min <= t->hdr_len;
}

/* Lengths and checksums of one packet, headers at @t's offsets. */
static void finish_packet(uint8_t *p, size_t len, const NetTso *t)
{
    uint8_t *ip = p + t->l3;
    uint32_t l4len = len - t->l4;

    if (t->ipv4) {
        net_stw_be(ip + 2, len - t->l3);
        if (t->ip_csum) {
            net_stw_be(ip + 10, 0);
            net_checksum_insert(p, len, t->l3 + 10, t->l3, t->l4);
        }
    } else {
        net_stw_be(ip + 4, len - t->l3 - IPV6_HLEN);
    }
    if (!t->tcp) {
        net_stw_be(p + t->l4 + 4, l4len);
    }
    if (t->l4_csum) {
        size_t off = t->l4 + l4_csum_off(t->tcp);
        uint16_t c;

        net_stw_be(p + off, 0);
        c = net_checksum_finish(net_checksum_add(
            net_pseudo_sum(ip, t->ipv4, t->tcp ? IP_PROTO_TCP : IP_PROTO_UDP,
                       l4len), p + t->l4, l4len));
        net_stw_be(p + off, !t->tcp && !c ? 0xffff : c);
    }
}

void net_tso_send(uint8_t *frame, size_t len, const NetTso *t, bool whole,
                  NetFrameOut *out, void *opaque)
{
    size_t hdr = t->hdr_len, payload = len - hdr;
    g_autofree uint8_t *seg = NULL;
    uint16_t ip_id;
    uint32_t seq;

    if (whole && t->tcp &&
        len - t->l3 - (t->ipv4 ? 0 : IPV6_HLEN) <= 0xffff) {
        finish_packet(frame, len, t);
        out(opaque, frame, len);
        return;
    }
    seg = g_malloc(hdr + MIN(t->mss, payload));
    ip_id = t->ipv4 ? net_lduw_be(frame + t->l3 + 4) : 0;
    seq = t->tcp ? net_ldl_be(frame + t->l4 + 4) : 0;
    for (size_t off = 0, n = 0; off < payload || n == 0;
         off += t->mss, n++) {
        size_t chunk = MIN(t->mss, payload - off);

        memcpy(seg, frame, hdr);
        memcpy(seg + hdr, frame + hdr + off, chunk);
        if (t->ipv4) {
            net_stw_be(seg + t->l3 + 4, ip_id + n);
        }
        if (t->tcp) {
            net_stl_be(seg + t->l4 + 4, seq + off);
            if (off + chunk < payload) {
                seg[t->l4 + 13] &= ~(TCP_FLAG_FIN | TCP_FLAG_PSH);
            }
        }
        finish_packet(seg, hdr + chunk, t);
        out(opaque, seg, hdr + chunk);
        if (!payload) {
            break;
        }
    }
}

bool qemu_peer_takes_tso_frames(NetClientState *nc)
{
    return nc->peer && !nc->peer->link_down &&
           nc->peer->info->takes_tso_frames;
}

static bool l4_ok(const uint8_t *ip, bool ipv4, uint8_t proto,
                  const uint8_t *l4, size_t l4len)
{
    if (proto == IP_PROTO_UDP && l4len >= 8 && !net_lduw_be(l4 + 6) &&
        ipv4) {
        return true;                 /* IPv4 UDP without a checksum */
    }
    if ((proto == IP_PROTO_TCP && l4len < 20) ||
        (proto == IP_PROTO_UDP && l4len < 8)) {
        return false;
    }
    return net_checksum_finish(net_checksum_add(
        net_pseudo_sum(ip, ipv4, proto, l4len), l4, l4len)) == 0;
}

int net_rx_checksum_valid(const uint8_t *frame, size_t len)
{
    size_t l3 = ETH_HLEN;
    uint16_t type;
    const uint8_t *ip;
    int res = 0;

    if (len < ETH_HLEN) {
        return 0;
    }
    type = net_lduw_be(frame + 12);
    if (type == 0x8100 && len >= ETH_HLEN + 4) {
        type = net_lduw_be(frame + 16);
        l3 += 4;
    }
    ip = frame + l3;
    if (type == 0x0800 && len >= l3 + 20 && (ip[0] >> 4) == 4) {
        size_t ihl = (ip[0] & 15) * 4, tot = net_lduw_be(ip + 2);

        if (ihl < 20 || tot < ihl || l3 + tot > len ||
            net_checksum_finish(net_checksum_add(0, ip, ihl))) {
            return 0;
        }
        res = NET_RX_IPV4_OK;
        if ((net_lduw_be(ip + 6) & 0x3fff) == 0 &&
            (ip[9] == IP_PROTO_TCP || ip[9] == IP_PROTO_UDP) &&
            l4_ok(ip, true, ip[9], ip + ihl, tot - ihl)) {
            res |= NET_RX_L4_OK;
        }
    } else if (type == 0x86dd && len >= l3 + IPV6_HLEN &&
               (ip[0] >> 4) == 6) {
        size_t plen = net_lduw_be(ip + 4);

        if (l3 + IPV6_HLEN + plen <= len &&
            (ip[6] == IP_PROTO_TCP || ip[6] == IP_PROTO_UDP) &&
            l4_ok(ip, false, ip[6], ip + IPV6_HLEN, plen)) {
            res = NET_RX_L4_OK;
        }
    }
    return res;
}
