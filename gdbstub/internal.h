/*
 * Inside the gdb stub: packet framing (packet.c), the x86-64 register
 * layout (regs-x86_64.c), command dispatch (commands.c) and the
 * connection with its run control (gdbstub.c).
 */
#ifndef GDBSTUB_INTERNAL_H
#define GDBSTUB_INTERNAL_H

#include "qemu/osdep.h"
#include "chardev/char.h"
#include "system/gdbstub.h"

/* Largest packet either side sends ("PacketSize" of qSupported). */
#define GDB_MAX_PACKET 4096

/* ---- packet.c ---- */
typedef enum GdbRxState {
    GDB_RX_IDLE,        /* between packets: '$', acks, Ctrl-C */
    GDB_RX_DATA,        /* inside $...# */
    GDB_RX_CSUM1,       /* first checksum digit */
    GDB_RX_CSUM2,
} GdbRxState;

typedef enum GdbRxEvent {
    GDB_RX_NOTHING,     /* byte consumed, nothing complete */
    GDB_RX_PACKET,      /* reader->data holds a packet with a good checksum */
    GDB_RX_BAD_PACKET,  /* checksum mismatch or overlong: answer '-' */
    GDB_RX_INTERRUPT,   /* Ctrl-C (0x03) between packets */
} GdbRxEvent;

typedef struct GdbPacketReader {
    GdbRxState state;
    GString *data;      /* payload, escapes resolved */
    uint8_t sum;        /* running checksum of the raw payload */
    uint8_t csum;       /* received checksum */
    bool escape;        /* the previous byte was '}' */
    bool overflow;
} GdbPacketReader;

void gdb_reader_init(GdbPacketReader *r);
GdbRxEvent gdb_reader_feed(GdbPacketReader *r, uint8_t c);
/* "$payload#xx", escaping '$', '#', '}' and '*'. */
void gdb_packet_frame(GString *out, const char *payload, size_t len);
void gdb_hex_append(GString *out, const uint8_t *buf, size_t len);
/* @nbytes bytes from 2 * @nbytes hex digits; false on a bad digit. */
bool gdb_hex_decode(const char *hex, size_t nbytes, uint8_t *out);

/* ---- regs-x86_64.c: GDB's i386:x86-64 numbering ---- */
#define GDB_X86_NUM_REGS 66
extern const char gdb_x86_target_xml[];
/* Size in bytes of register @n, 0 if there is none. */
int gdb_x86_reg_size(int n);
void gdb_x86_read_reg(const CPUX86State *env, int n, uint8_t *buf);
void gdb_x86_write_reg(CPUX86State *env, int n, const uint8_t *buf);

/* ---- gdbstub.c: the connection and run control ---- */
typedef struct GdbState {
    Chardev *chr;
    CharFrontend fe;
    GdbPacketReader rx;
    bool connected;
    bool no_ack;            /* QStartNoAckMode */
    bool running;           /* resumed by c/s/vCont: a stop reply is owed */
    int g_cpu, c_cpu;       /* cpu_index selected by Hg / Hc */
    int stop_cpu;           /* cpu_index of the last stop */
    int stop_signal;        /* 5 SIGTRAP, 2 SIGINT */
    const char *stop_watch; /* "watch", "rwatch", "awatch" or NULL */
    uint64_t stop_watch_addr;
} GdbState;

void gdb_send(GdbState *s, const char *payload);
void gdb_send_stop_reply(GdbState *s);
/*
 * Resume every vCPU; @step (a cpu_index, or -1) single-steps one of
 * them.  The stop reply follows when the VM stops again.
 */
void gdb_resume(GdbState *s, int step);
/* End the debug session: breakpoints gone, VM running. */
void gdb_detach(GdbState *s);

/* ---- commands.c ---- */
void gdb_handle_packet(GdbState *s, const char *pkt);

#endif
