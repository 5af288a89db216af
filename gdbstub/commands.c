/*
 * gdb remote protocol commands (GDB manual, "Packets", "General Query
 * Packets", "Stop Reply Packets"): registers, memory through the selected
 * vCPU's page tables, breakpoints, run control, threads (one per vCPU,
 * thread id = cpu_index + 1).  Each handler answers with one packet,
 * except c/s/vCont, answered by the stop reply later.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "accel/accel.h"
#include "qapi/qapi-commands.h"
#include "system/runstate.h"
#include "gdbstub/internal.h"

#define GDB_ANY_THREAD  (-2)
#define GDB_ALL_THREADS (-1)

/* A thread id ("-1", "0", hex) as a cpu_index, GDB_*_THREAD, or -3. */
static int parse_thread(const char *p, const char **end)
{
    char *e;
    unsigned long id;

    if (p[0] == '-' && p[1] == '1') {
        *end = p + 2;
        return GDB_ALL_THREADS;
    }
    id = strtoul(p, &e, 16);
    *end = e;
    if (e == p) {
        return -3;
    }
    if (id == 0) {
        return GDB_ANY_THREAD;
    }
    return x86_cpu_by_index(id - 1) ? (int)id - 1 : -3;
}

static X86CPU *cpu_of(int index)
{
    X86CPU *cpu = x86_cpu_by_index(index);

    return cpu ? cpu : g_ptr_array_index(x86_cpus, 0);
}

/* cpu->env holds the accelerator's current state (vCPUs are stopped). */
static CPUX86State *env_for_read(int index)
{
    const AccelOps *ops = current_accel();
    X86CPU *cpu = cpu_of(index);

    if (ops && ops->get_state) {
        ops->get_state(cpu);
    }
    return &cpu->env;
}

static void env_written(int index)
{
    const AccelOps *ops = current_accel();

    if (ops && ops->put_state) {
        ops->put_state(cpu_of(index));
    }
}

static void read_registers(GdbState *s)
{
    CPUX86State *env = env_for_read(s->g_cpu);
    g_autoptr(GString) out = g_string_new(NULL);
    uint8_t buf[16];

    for (int n = 0; n < GDB_X86_NUM_REGS; n++) {
        gdb_x86_read_reg(env, n, buf);
        gdb_hex_append(out, buf, gdb_x86_reg_size(n));
    }
    gdb_send(s, out->str);
}

static void write_registers(GdbState *s, const char *hex)
{
    CPUX86State *env = env_for_read(s->g_cpu);
    uint8_t buf[16];

    /* gdb may send fewer registers than it knows: write what came */
    for (int n = 0; n < GDB_X86_NUM_REGS; n++) {
        int size = gdb_x86_reg_size(n);

        if (strlen(hex) < 2u * size || !gdb_hex_decode(hex, size, buf)) {
            break;
        }
        gdb_x86_write_reg(env, n, buf);
        hex += 2 * size;
    }
    env_written(s->g_cpu);
    gdb_send(s, "OK");
}

static void read_register(GdbState *s, const char *p)
{
    int n = strtol(p, NULL, 16);
    g_autoptr(GString) out = g_string_new(NULL);
    uint8_t buf[16];

    if (!gdb_x86_reg_size(n)) {
        gdb_send(s, "E14");
        return;
    }
    gdb_x86_read_reg(env_for_read(s->g_cpu), n, buf);
    gdb_hex_append(out, buf, gdb_x86_reg_size(n));
    gdb_send(s, out->str);
}

static void write_register(GdbState *s, const char *p)
{
    char *e;
    int n = strtol(p, &e, 16);
    int size = gdb_x86_reg_size(n);
    uint8_t buf[16];

    if (!size || *e != '=' || strlen(e + 1) < 2u * size ||
        !gdb_hex_decode(e + 1, size, buf)) {
        gdb_send(s, "E14");
        return;
    }
    gdb_x86_write_reg(env_for_read(s->g_cpu), n, buf);
    env_written(s->g_cpu);
    gdb_send(s, "OK");
}

/* "ADDR,LEN" -> true with both parsed; *end after LEN. */
static bool parse_addr_len(const char *p, uint64_t *addr, uint64_t *len,
                           const char **end)
{
    char *e;

    *addr = strtoull(p, &e, 16);
    if (e == p || *e != ',') {
        return false;
    }
    p = e + 1;
    *len = strtoull(p, &e, 16);
    *end = e;
    return e != p;
}

static void read_memory(GdbState *s, const char *p)
{
    uint64_t addr, len;
    const char *end;
    g_autofree uint8_t *buf = NULL;
    g_autoptr(GString) out = g_string_new(NULL);

    if (!parse_addr_len(p, &addr, &len, &end) || len > GDB_MAX_PACKET / 2) {
        gdb_send(s, "E22");
        return;
    }
    buf = g_malloc(len ? len : 1);
    env_for_read(s->g_cpu);
    if (x86_cpu_memory_rw_debug(cpu_of(s->g_cpu), addr, buf, len, false)) {
        gdb_send(s, "E14");
        return;
    }
    gdb_hex_append(out, buf, len);
    gdb_send(s, out->str);
}

static void write_memory(GdbState *s, const char *p)
{
    uint64_t addr, len;
    const char *end;
    g_autofree uint8_t *buf = NULL;

    if (!parse_addr_len(p, &addr, &len, &end) || *end != ':' ||
        len > GDB_MAX_PACKET / 2 || strlen(end + 1) < 2 * len) {
        gdb_send(s, "E22");
        return;
    }
    buf = g_malloc(len ? len : 1);
    if (!gdb_hex_decode(end + 1, len, buf)) {
        gdb_send(s, "E22");
        return;
    }
    env_for_read(s->g_cpu);
    if (x86_cpu_memory_rw_debug(cpu_of(s->g_cpu), addr, buf, len, true)) {
        gdb_send(s, "E14");
        return;
    }
    gdb_send(s, "OK");
}

/* Z/z TYPE,ADDR,KIND */
static void breakpoint(GdbState *s, const char *p, bool insert)
{
    const AccelOps *ops = current_accel();
    char *e;
    int type = strtol(p, &e, 10);
    uint64_t addr, len;
    const char *end;
    int ret;

    if (*e != ',' || !parse_addr_len(e + 1, &addr, &len, &end)) {
        gdb_send(s, "E22");
        return;
    }
    if (!ops || !ops->insert_breakpoint) {
        gdb_send(s, "E22"); /* KVM: not yet (and "" would make gdb patch int3) */
        return;
    }
    ret = insert ? ops->insert_breakpoint(type, addr, len)
                 : ops->remove_breakpoint(type, addr, len);
    if (ret == -ENOSYS) {
        gdb_send(s, "");    /* gdb learns the type is unsupported */
    } else {
        gdb_send(s, ret ? "E22" : "OK");
    }
}

/* c[ADDR] / s[ADDR]: resume at ADDR if given. */
static void resume_at(GdbState *s, const char *p, bool step)
{
    const AccelOps *ops = current_accel();

    if (step && (!ops || !ops->set_single_step)) {
        gdb_send(s, "E22");
        return;
    }
    if (*p) {
        CPUX86State *env = env_for_read(s->c_cpu);

        env->rip = strtoull(p, NULL, 16);
        env_written(s->c_cpu);
    }
    gdb_resume(s, step ? cpu_of(s->c_cpu)->cpu_index : -1);
}

/* vCont;ACTION[:TID];... — one vCPU may step, the others continue. */
static void vcont(GdbState *s, const char *p)
{
    const AccelOps *ops = current_accel();
    int step = -1;

    while (*p == ';') {
        char action = p[1];
        int tid = GDB_ALL_THREADS;
        const char *end;

        p += 2;
        if (action == 'C' || action == 'S') {
            char *e;

            strtoul(p, &e, 16);     /* the signal is not delivered */
            p = e;
        } else if (action != 'c' && action != 's') {
            gdb_send(s, "E22");
            return;
        }
        if (*p == ':') {
            tid = parse_thread(p + 1, &end);
            p = end;
        }
        if ((action == 's' || action == 'S') && step < 0) {
            step = tid >= 0 ? tid : cpu_of(s->c_cpu)->cpu_index;
        }
    }
    if (step >= 0 && (!ops || !ops->set_single_step)) {
        gdb_send(s, "E22");
        return;
    }
    gdb_resume(s, step);
}

static void set_thread(GdbState *s, const char *p)
{
    const char *end;
    int tid = parse_thread(p + 1, &end);

    if (tid == -3) {
        gdb_send(s, "E22");
        return;
    }
    if (tid < 0) {
        tid = cpu_of(-1)->cpu_index;
    }
    if (p[0] == 'g') {
        s->g_cpu = tid;
    } else {
        s->c_cpu = tid;
    }
    gdb_send(s, "OK");
}

static void thread_list(GdbState *s)
{
    g_autoptr(GString) out = g_string_new("m");

    for (guint i = 0; i < x86_cpus->len; i++) {
        X86CPU *cpu = g_ptr_array_index(x86_cpus, i);

        g_string_append_printf(out, "%s%x", i ? "," : "",
                               cpu->cpu_index + 1);
    }
    gdb_send(s, out->str);
}

static void thread_extra_info(GdbState *s, const char *p)
{
    const char *end;
    int tid = parse_thread(p, &end);
    X86CPU *cpu = cpu_of(tid);
    g_autofree char *text = g_strdup_printf("CPU#%d [%s]", cpu->cpu_index,
                                            cpu->env.halted ? "halted "
                                                            : "running");
    g_autoptr(GString) out = g_string_new(NULL);

    gdb_hex_append(out, (const uint8_t *)text, strlen(text));
    gdb_send(s, out->str);
}

/* qXfer:features:read:ANNEX:OFFSET,LENGTH */
static void read_features(GdbState *s, const char *p)
{
    const char *xml = gdb_x86_target_xml;
    size_t total = strlen(xml);
    uint64_t off, len;
    const char *end;
    g_autoptr(GString) out = g_string_new(NULL);

    if (!g_str_has_prefix(p, "target.xml:")) {
        gdb_send(s, "E00");
        return;
    }
    if (!parse_addr_len(p + 11, &off, &len, &end)) {
        gdb_send(s, "E22");
        return;
    }
    if (off >= total) {
        gdb_send(s, "l");
        return;
    }
    len = MIN(len, MIN(total - off, (uint64_t)GDB_MAX_PACKET - 16));
    g_string_append_c(out, off + len < total ? 'm' : 'l');
    g_string_append_len(out, xml + off, len);
    gdb_send(s, out->str);
}

/* qRcmd,HEX: gdb's "monitor CMD" runs an HMP command; output as O packets. */
static void monitor_command(GdbState *s, const char *hex)
{
    size_t n = strlen(hex) / 2;
    g_autofree char *cmd = g_malloc0(n + 1);
    g_autofree char *text = NULL;
    Error *err = NULL;

    if (!gdb_hex_decode(hex, n, (uint8_t *)cmd)) {
        gdb_send(s, "E22");
        return;
    }
    text = qmp_human_monitor_command(cmd, true, s->g_cpu, &err);
    if (err) {
        g_free(text);
        text = g_strdup_printf("%s\n", error_get_pretty(err));
        error_free(err);
    }
    for (size_t off = 0, len = strlen(text); off < len;) {
        size_t chunk = MIN(len - off, GDB_MAX_PACKET / 2 - 8);
        g_autoptr(GString) out = g_string_new("O");

        gdb_hex_append(out, (const uint8_t *)text + off, chunk);
        gdb_send(s, out->str);
        off += chunk;
    }
    gdb_send(s, "OK");
}

static void query(GdbState *s, const char *p)
{
    if (g_str_has_prefix(p, "qSupported")) {
        gdb_send(s, "PacketSize=1000;qXfer:features:read+;"
                 "QStartNoAckMode+;vContSupported+");
    } else if (g_str_has_prefix(p, "qXfer:features:read:")) {
        read_features(s, p + 20);
    } else if (!strcmp(p, "qAttached") || g_str_has_prefix(p, "qAttached:")) {
        gdb_send(s, "1");       /* quitting gdb detaches, as from QEMU */
    } else if (!strcmp(p, "qC")) {
        g_autofree char *r = g_strdup_printf("QC%x", s->g_cpu + 1);
        gdb_send(s, r);
    } else if (!strcmp(p, "qfThreadInfo")) {
        thread_list(s);
    } else if (!strcmp(p, "qsThreadInfo")) {
        gdb_send(s, "l");
    } else if (g_str_has_prefix(p, "qThreadExtraInfo,")) {
        thread_extra_info(s, p + 17);
    } else if (g_str_has_prefix(p, "qRcmd,")) {
        monitor_command(s, p + 6);
    } else if (!strcmp(p, "QStartNoAckMode")) {
        gdb_send(s, "OK");
        s->no_ack = true;
    } else {
        gdb_send(s, "");
    }
}

static void kill_vm(GdbState *s)
{
    /* QEMU's words; the process exits like a "quit" */
    error_report("QEMU: Terminated via GDBstub");
    s->connected = false;
    qemu_system_exit_request(0);
}

void gdb_handle_packet(GdbState *s, const char *pkt)
{
    const char *end;

    switch (pkt[0]) {
    case '?':
        gdb_send_stop_reply(s);
        break;
    case 'g':
        read_registers(s);
        break;
    case 'G':
        write_registers(s, pkt + 1);
        break;
    case 'p':
        read_register(s, pkt + 1);
        break;
    case 'P':
        write_register(s, pkt + 1);
        break;
    case 'm':
        read_memory(s, pkt + 1);
        break;
    case 'M':
        write_memory(s, pkt + 1);
        break;
    case 'c':
    case 's':
        resume_at(s, pkt + 1, pkt[0] == 's');
        break;
    case 'C':
    case 'S':
        /* CSIG[;ADDR]: the signal is not delivered */
        end = strchr(pkt, ';');
        resume_at(s, end ? end + 1 : "", pkt[0] == 'S');
        break;
    case 'Z':
    case 'z':
        breakpoint(s, pkt + 1, pkt[0] == 'Z');
        break;
    case 'H':
        set_thread(s, pkt + 1);
        break;
    case 'T':
        gdb_send(s, parse_thread(pkt + 1, &end) == -3 ? "E22" : "OK");
        break;
    case 'D':
        gdb_send(s, "OK");
        gdb_detach(s);
        break;
    case 'k':
        kill_vm(s);
        break;
    case 'q':
    case 'Q':
        query(s, pkt);
        break;
    case 'v':
        if (!strcmp(pkt, "vCont?")) {
            gdb_send(s, "vCont;c;C;s;S");
        } else if (g_str_has_prefix(pkt, "vCont;")) {
            vcont(s, pkt + 5);
        } else if (g_str_has_prefix(pkt, "vKill")) {
            gdb_send(s, "OK");
            kill_vm(s);
        } else {
            gdb_send(s, "");
        }
        break;
    default:
        gdb_send(s, "");
        break;
    }
}
