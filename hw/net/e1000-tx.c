/*
 * e1000 transmit: the descriptor ring between TDH and TDT (8254x SDM 3.3):
 * legacy descriptors (with the IC checksum), context descriptors (where
 * the IP and TCP/UDP checksums go, TSO header length and MSS) and data
 * descriptors (IXSM/TXSM checksum insertion, TSE segmentation), all done
 * in software before the frames go to the peer.  Ring addresses, lengths
 * and indexes from the guest are bounded; bad ones are logged and ignored.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "net/checksum.h"
#include "net/offload.h"
#include "e1000-int.h"
#include <endian.h>


void e1000_tx_reset(E1000State *s)
{
    memset(&s->ctx, 0, sizeof(s->ctx));
    s->tx.size = 0;
    s->tx.tse = s->tx.ixsm = s->tx.txsm = s->tx.legacy_ic = s->tx.vle = false;
}

static void tx_send(E1000State *s, uint8_t *buf, size_t len)
{
    uint8_t tagged[NET_MAX_FRAME + 4];

    if (s->tx.vle && (e1000_reg(s, E1000_CTRL) & E1000_CTRL_VME) &&
        len >= 12 && len + 4 <= sizeof(tagged)) {
        /* 802.1Q tag from the descriptor's special field. */
        memcpy(tagged, buf, 12);
        tagged[12] = 0x81;
        tagged[13] = 0x00;
        net_stw_be(tagged + 14, s->tx.vlan);
        memcpy(tagged + 16, buf + 12, len - 12);
        buf = tagged;
        len += 4;
    }
    qemu_send_packet(qemu_get_queue(s->nic), buf, len);
    e1000_stat_add(s, E1000_GPTC, E1000_GOTCL, len);
    e1000_stat_add(s, E1000_TPT, E1000_TOTL, len);
    if (buf[0] & 1) {
        /* counted only: no byte total of their own */
        e1000_stat_add(s, buf[0] == 0xff ? E1000_BPTC : E1000_MPTC,
                       E1000_TOTL, 0);
    }
}

/*
 * Store the checksum of [@start, @end] at @off (end 0: to the frame end),
 * summing the field's current value too (the driver left the pseudo-header
 * sum there) plus @extra.
 */
static void put_checksum(uint8_t *buf, size_t len, unsigned off,
                         unsigned start, unsigned end, uint32_t extra)
{
    size_t stop = end ? MIN((size_t)end + 1, len) : len;

    if (start >= stop || off + 2 > len) {
        return;
    }
    net_stw_be(buf + off, net_checksum_finish(
        net_checksum_add(extra, buf + start, stop - start)));
}

static void ip_checksum(E1000State *s, uint8_t *buf, size_t len)
{
    E1000TxContext *c = &s->ctx;

    if ((size_t)c->ipcso + 2 <= len) {
        net_stw_be(buf + c->ipcso, 0);
        put_checksum(buf, len, c->ipcso, c->ipcss,
                     c->ipcse ? c->ipcse : (unsigned)c->tucss - 1, 0);
    }
}

/* One frame without segmentation: the requested checksums, then send. */
static void tx_frame(E1000State *s, uint8_t *buf, size_t len)
{
    E1000TxContext *c = &s->ctx;

    if (s->tx.legacy_ic) {
        put_checksum(buf, len, s->tx.cso, s->tx.css, 0, 0);
    }
    if (s->tx.ixsm) {
        ip_checksum(s, buf, len);
    }
    if (s->tx.txsm) {
        put_checksum(buf, len, c->tucso, c->tucss, c->tucse, 0);
    }
    tx_send(s, buf, len);
}

static void tx_out(void *opaque, uint8_t *frame, size_t len)
{
    tx_send(opaque, frame, len);
}

/*
 * TSE: cut the payload after hdr_len into MSS pieces, fixing each header,
 * or send it whole to a peer that takes that (net/offload.c).
 */
static void tx_tso(E1000State *s)
{
    E1000TxContext *c = &s->ctx;
    NetTso t = {
        .l3 = c->ipcss, .l4 = c->tucss, .hdr_len = c->hdr_len,
        .mss = c->mss, .ipv4 = c->ipv4, .tcp = c->tcp,
        .ip_csum = s->tx.ixsm && c->ipv4, .l4_csum = s->tx.txsm,
    };

    if (!net_tso_valid(&t, s->tx.size)) {
        qemu_log_mask(LOG_GUEST_ERROR, "e1000: bad TSO context (hdr %u, "
                      "mss %u, frame %zu)\n", c->hdr_len, c->mss,
                      s->tx.size);
        return;
    }
    net_tso_send(s->tx.buf, s->tx.size, &t,
                 qemu_peer_takes_tso_frames(qemu_get_queue(s->nic)),
                 tx_out, s);
}

static void tx_append(E1000State *s, hwaddr addr, size_t len)
{
    size_t room = E1000_TX_MAX - s->tx.size;

    if (len > room) {
        qemu_log_mask(LOG_GUEST_ERROR, "e1000: TX frame larger than %u "
                      "bytes truncated\n", (unsigned)E1000_TX_MAX);
        len = room;
    }
    if (len && pci_dma_read(PCI_DEVICE(s), addr, s->tx.buf + s->tx.size,
                            len) != MEMTX_OK) {
        qemu_log_mask(LOG_GUEST_ERROR, "e1000: bad TX buffer address\n");
        return;
    }
    s->tx.size += len;
}

static void tx_context(E1000State *s, const uint8_t *d, uint32_t lower)
{
    E1000TxContext *c = &s->ctx;

    c->ipcss = d[0];
    c->ipcso = d[1];
    c->ipcse = d[2] | d[3] << 8;
    c->tucss = d[4];
    c->tucso = d[5];
    c->tucse = d[6] | d[7] << 8;
    c->paylen = lower & 0xfffff;
    c->tcp = lower & E1000_TXD_CMD_TCP;
    c->ipv4 = lower & E1000_TXD_CMD_IP;
    c->tse = lower & E1000_TXD_CMD_TSE;
    c->hdr_len = d[13];
    c->mss = d[14] | d[15] << 8;
}

/* One descriptor; returns whether the driver wants its status back. */
static bool tx_descriptor(E1000State *s, const uint8_t *d)
{
    uint64_t addr;
    uint32_t lower, upper;
    bool eop;

    memcpy(&addr, d, 8);
    memcpy(&lower, d + 8, 4);
    memcpy(&upper, d + 12, 4);
    addr = le64toh(addr);
    lower = le32toh(lower);
    upper = le32toh(upper);

    if ((lower & E1000_TXD_CMD_DEXT) && !(lower & E1000_TXD_DTYP_D)) {
        tx_context(s, d, lower);
        return lower & E1000_TXD_CMD_RS;
    }
    if (s->tx.size == 0) {
        /* The first descriptor of a frame decides its offloads. */
        if (lower & E1000_TXD_CMD_DEXT) {
            s->tx.tse = lower & E1000_TXD_CMD_TSE;
            s->tx.ixsm = upper & E1000_TXD_POPTS_IXSM;
            s->tx.txsm = upper & E1000_TXD_POPTS_TXSM;
            s->tx.legacy_ic = false;
        } else {
            s->tx.tse = s->tx.ixsm = s->tx.txsm = false;
            s->tx.legacy_ic = lower & E1000_TXD_CMD_IC;
            s->tx.cso = (lower >> 16) & 0xff;
            s->tx.css = (upper >> 8) & 0xff;
        }
    }
    s->tx.vle = lower & E1000_TXD_CMD_VLE;
    s->tx.vlan = upper >> 16;
    tx_append(s, addr, lower & ((lower & E1000_TXD_CMD_DEXT) ? 0xfffff
                                                             : 0xffff));
    eop = lower & E1000_TXD_CMD_EOP;
    if (eop) {
        if (s->tx.tse && s->ctx.tse) {
            tx_tso(s);
        } else if (s->tx.size) {
            tx_frame(s, s->tx.buf, s->tx.size);
        }
        s->tx.size = 0;
    }
    return lower & (E1000_TXD_CMD_RS | E1000_TXD_CMD_RPS);
}

void e1000_start_xmit(E1000State *s)
{
    uint32_t n = e1000_reg(s, E1000_TDLEN) / E1000_DESC_SIZE;
    uint32_t tdh = e1000_reg(s, E1000_TDH), tdt = e1000_reg(s, E1000_TDT);
    hwaddr base = ((hwaddr)e1000_reg(s, E1000_TDBAH) << 32) |
                  (e1000_reg(s, E1000_TDBAL) & ~0xfu);
    bool sent = false;

    if (!(e1000_reg(s, E1000_TCTL) & E1000_TCTL_EN) || !n || tdh == tdt) {
        return;
    }
    if (tdh >= n || tdt >= n) {
        qemu_log_mask(LOG_GUEST_ERROR, "e1000: TDH %u / TDT %u outside a "
                      "ring of %u\n", tdh, tdt, n);
        return;
    }
    while (tdh != tdt) {
        uint8_t d[E1000_DESC_SIZE];
        hwaddr da = base + (hwaddr)tdh * E1000_DESC_SIZE;

        if (pci_dma_read(PCI_DEVICE(s), da, d, sizeof(d)) != MEMTX_OK) {
            qemu_log_mask(LOG_GUEST_ERROR, "e1000: bad TX ring address\n");
            break;
        }
        if (tx_descriptor(s, d)) {
            uint8_t status = d[12] | E1000_TXD_STAT_DD;

            pci_dma_write(PCI_DEVICE(s), da + 12, &status, 1);
        }
        tdh = (tdh + 1) % n;
        sent = true;
    }
    e1000_set_reg(s, E1000_TDH, tdh);
    if (sent) {
        e1000_set_ics(s, E1000_ICR_TXDW | E1000_ICR_TXQE);
    }
}
