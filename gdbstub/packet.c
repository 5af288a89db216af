/*
 * gdb remote protocol framing (GDB manual, "Overview" of the Remote
 * Protocol): $payload#checksum with a modulo-256 sum of the raw payload,
 * '}' escapes (next byte XOR 0x20), '+'/'-' acknowledgements, and the
 * out-of-band Ctrl-C byte (0x03) that interrupts a running target.
 */
#include "qemu/osdep.h"
#include "gdbstub/internal.h"

void gdb_reader_init(GdbPacketReader *r)
{
    if (!r->data) {
        r->data = g_string_new(NULL);
    }
    g_string_truncate(r->data, 0);
    r->state = GDB_RX_IDLE;
}

static int hex_digit(uint8_t c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

GdbRxEvent gdb_reader_feed(GdbPacketReader *r, uint8_t c)
{
    int d;

    switch (r->state) {
    case GDB_RX_IDLE:
        if (c == 0x03) {
            return GDB_RX_INTERRUPT;
        }
        if (c == '$') {
            g_string_truncate(r->data, 0);
            r->sum = 0;
            r->escape = false;
            r->overflow = false;
            r->state = GDB_RX_DATA;
        }
        return GDB_RX_NOTHING;      /* '+', '-' and noise */
    case GDB_RX_DATA:
        if (c == '#') {
            r->state = GDB_RX_CSUM1;
            return GDB_RX_NOTHING;
        }
        r->sum += c;
        if (r->escape) {
            c ^= 0x20;
            r->escape = false;
        } else if (c == '}') {
            r->escape = true;
            return GDB_RX_NOTHING;
        }
        if (r->data->len >= GDB_MAX_PACKET) {
            r->overflow = true;
        } else {
            g_string_append_c(r->data, c);
        }
        return GDB_RX_NOTHING;
    case GDB_RX_CSUM1:
        d = hex_digit(c);
        r->csum = d < 0 ? 0 : d << 4;
        r->overflow |= d < 0;
        r->state = GDB_RX_CSUM2;
        return GDB_RX_NOTHING;
    case GDB_RX_CSUM2:
        d = hex_digit(c);
        r->state = GDB_RX_IDLE;
        if (d < 0 || r->overflow || (r->csum | d) != r->sum) {
            return GDB_RX_BAD_PACKET;
        }
        return GDB_RX_PACKET;
    }
    return GDB_RX_NOTHING;
}

void gdb_packet_frame(GString *out, const char *payload, size_t len)
{
    uint8_t sum = 0;

    g_string_append_c(out, '$');
    for (size_t i = 0; i < len; i++) {
        uint8_t c = payload[i];

        if (c == '$' || c == '#' || c == '}' || c == '*') {
            g_string_append_c(out, '}');
            sum += '}';
            c ^= 0x20;
        }
        g_string_append_c(out, c);
        sum += c;
    }
    g_string_append_printf(out, "#%02x", sum);
}

void gdb_hex_append(GString *out, const uint8_t *buf, size_t len)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < len; i++) {
        g_string_append_c(out, digits[buf[i] >> 4]);
        g_string_append_c(out, digits[buf[i] & 15]);
    }
}

bool gdb_hex_decode(const char *hex, size_t nbytes, uint8_t *out)
{
    for (size_t i = 0; i < nbytes; i++) {
        int hi = hex_digit(hex[2 * i]);
        int lo = hi < 0 ? -1 : hex_digit(hex[2 * i + 1]);

        if (lo < 0) {
            return false;
        }
        out[i] = hi << 4 | lo;
    }
    return true;
}
