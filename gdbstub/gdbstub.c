/*
 * The gdb stub's connection and run control: a chardev ("gdb") listens
 * for gdb, bytes go through the packet reader, and packets to
 * commands.c.  gdb sees an all-stop target: the VM stops when gdb
 * connects, on Ctrl-C and when a vCPU reports a breakpoint or a finished
 * single-step (gdb_vcpu_stopped, via the main loop's vm_stop), and runs
 * again on c/s/vCont.  The stop reply goes out on the "STOP" run-state
 * event, whoever stopped the VM.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "accel/accel.h"
#include "system/runstate.h"
#include "gdbstub/internal.h"

#define GDB_SIGINT  2
#define GDB_SIGTRAP 5

static GdbState gdb;
static bool listener_added;

void gdb_send(GdbState *s, const char *payload)
{
    g_autoptr(GString) out = g_string_sized_new(strlen(payload) + 4);

    gdb_packet_frame(out, payload, strlen(payload));
    chr_fe_write_all(&s->fe, (const uint8_t *)out->str, out->len);
}

void gdb_send_stop_reply(GdbState *s)
{
    g_autoptr(GString) reply = g_string_new(NULL);

    g_string_printf(reply, "T%02xthread:%02x;", s->stop_signal,
                    s->stop_cpu + 1);
    if (s->stop_watch) {
        g_string_append_printf(reply, "%s:%" PRIx64 ";", s->stop_watch,
                               s->stop_watch_addr);
    }
    gdb_send(s, reply->str);
}

/* Step (@step = cpu_index) or not, every vCPU. */
static void set_stepping(int step)
{
    const AccelOps *ops = current_accel();

    for (guint i = 0; ops && ops->set_single_step && i < x86_cpus->len; i++) {
        X86CPU *cpu = g_ptr_array_index(x86_cpus, i);

        ops->set_single_step(cpu, cpu->cpu_index == step);
    }
}

void gdb_resume(GdbState *s, int step)
{
    set_stepping(step);
    s->running = true;
    if (runstate_is_running()) {
        return;         /* already running: the next stop is reported */
    }
    vm_start();
}

static void forget_debug_state(void)
{
    const AccelOps *ops = current_accel();

    if (ops && ops->remove_all_breakpoints) {
        ops->remove_all_breakpoints();
    }
    set_stepping(-1);
}

void gdb_detach(GdbState *s)
{
    forget_debug_state();
    s->running = false;
    vm_start();
}

void gdb_vcpu_stopped(X86CPU *cpu, GdbStopReason reason,
                      uint64_t watch_addr)
{
    static const char *const watch_kind[] = {
        [GDB_STOP_WATCH_WRITE] = "watch",
        [GDB_STOP_WATCH_READ] = "rwatch",
        [GDB_STOP_WATCH_ACCESS] = "awatch",
    };
    bool locked = bql_locked();

    if (!locked) {
        bql_lock();
    }
    gdb.stop_cpu = cpu->cpu_index;
    gdb.stop_signal = GDB_SIGTRAP;
    gdb.stop_watch = watch_kind[reason];
    gdb.stop_watch_addr = watch_addr;
    /* park at once: the main loop's vm_stop comes a moment later */
    for (guint i = 0; i < x86_cpus->len; i++) {
        X86CPU *c = g_ptr_array_index(x86_cpus, i);

        c->stop = true;
    }
    qemu_system_vmstop_request(RUN_STATE_DEBUG);
    if (!locked) {
        bql_unlock();
    }
}

void gdb_exit(int status)
{
    g_autofree char *reply = g_strdup_printf("W%02x", status & 0xff);

    if (gdb.connected) {
        gdb_send(&gdb, reply);
    }
}

static void runstate_changed(void *opaque, const char *event,
                             ShutdownCause cause, bool guest)
{
    GdbState *s = opaque;

    if (strcmp(event, "STOP") || !s->connected || !s->running) {
        return;
    }
    s->running = false;
    if (runstate_get() != RUN_STATE_DEBUG) {
        /* Ctrl-C, or a monitor "stop": gdb reports SIGINT */
        s->stop_signal = GDB_SIGINT;
        s->stop_cpu = s->c_cpu;
        s->stop_watch = NULL;
    }
    /* gdb reads the stopped thread's registers without an H packet */
    s->g_cpu = s->c_cpu = s->stop_cpu;
    gdb_send_stop_reply(s);
}

static int gdb_can_read(void *opaque)
{
    return GDB_MAX_PACKET;
}

static void gdb_read(void *opaque, const uint8_t *buf, int size)
{
    GdbState *s = opaque;

    for (int i = 0; i < size && s->connected; i++) {
        switch (gdb_reader_feed(&s->rx, buf[i])) {
        case GDB_RX_PACKET:
            if (!s->no_ack) {
                chr_fe_write_all(&s->fe, (const uint8_t *)"+", 1);
            }
            gdb_handle_packet(s, s->rx.data->str);
            break;
        case GDB_RX_BAD_PACKET:
            chr_fe_write_all(&s->fe, (const uint8_t *)"-", 1);
            break;
        case GDB_RX_INTERRUPT:
            if (s->running && runstate_is_running()) {
                vm_stop(RUN_STATE_PAUSED);
            }
            break;
        case GDB_RX_NOTHING:
            break;
        }
    }
}

static void gdb_event(void *opaque, ChrEvent event)
{
    GdbState *s = opaque;
    X86CPU *first = g_ptr_array_index(x86_cpus, 0);

    switch (event) {
    case CHR_EVENT_OPENED:
        /* QEMU stops the VM when gdb attaches */
        s->connected = true;
        s->no_ack = false;
        s->running = false;
        s->g_cpu = s->c_cpu = s->stop_cpu = first->cpu_index;
        s->stop_signal = GDB_SIGTRAP;
        s->stop_watch = NULL;
        gdb_reader_init(&s->rx);
        vm_stop(RUN_STATE_PAUSED);
        break;
    case CHR_EVENT_CLOSED:
        /* gdb went away without detaching: its breakpoints go too */
        s->connected = false;
        s->running = false;
        forget_debug_state();
        break;
    default:
        break;
    }
}

/* QEMU's spelling: a bare port and "tcp:..." become a listening socket. */
static char *device_spec(const char *device)
{
    if (device[0] && strspn(device, "0123456789") == strlen(device)) {
        return g_strdup_printf("tcp::%s,server=on,wait=off", device);
    }
    if (g_str_has_prefix(device, "tcp:")) {
        return g_strdup_printf("%s,server=on,wait=off", device);
    }
    return g_strdup(device);
}

bool gdbserver_start(const char *device, Error **errp)
{
    g_autofree char *spec = NULL;
    const AccelOps *ops = current_accel();
    Chardev *chr;

    if (!x86_cpus || !x86_cpus->len) {
        error_setg(errp, "gdbstub: no CPUs to debug");
        return false;
    }
    if (gdb.chr) {
        /* one gdbserver at a time: "gdbserver" again replaces it */
        if (gdb.connected) {
            forget_debug_state();
        }
        chr_fe_deinit(&gdb.fe);
        chardev_delete(gdb.chr);
        gdb.chr = NULL;
        gdb.connected = false;
    }
    if (!strcmp(device, "none")) {
        return true;
    }
    spec = device_spec(device);
    chr = chardev_new_legacy("gdb", spec, errp);
    if (!chr) {
        if (errp && !*errp) {
            error_setg(errp, "gdbstub: couldn't create chardev");
        }
        return false;
    }
    if (!chr_fe_init(&gdb.fe, chr, errp)) {
        chardev_delete(chr);
        return false;
    }
    gdb.chr = chr;
    if (!listener_added) {
        runstate_add_event_listener(runstate_changed, &gdb);
        listener_added = true;
    }
    chr_fe_set_handlers(&gdb.fe, gdb_can_read, gdb_read, gdb_event, &gdb);
    if (!ops || !ops->insert_breakpoint) {
        warn_report("gdbstub: breakpoints and single-step are not supported "
                    "with %s yet", ops && !strcmp(ops->name, "kvm") ?
                    "KVM" : "this accelerator");
    }
    return true;
}
