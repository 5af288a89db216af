/*
 * Chardev layer: -chardev and legacy parsing with QEMU's error texts,
 * file, pipe and unix socket backends driven by the GLib main loop, and
 * the mux with its Ctrl-a escapes.
 */
#include "qemu/osdep.h"
#include "chardev/char.h"
#include "qemu/main-loop.h"

#include <sys/socket.h>
#include <sys/un.h>

static char *tmpdir;

typedef struct TestFe {
    CharFrontend fe;
    GString *in;
    int room;               /* what can_read reports */
    int opened, closed, breaks, mux_in, mux_out;
} TestFe;

static int test_can_read(void *opaque)
{
    return ((TestFe *)opaque)->room;
}

static void test_read(void *opaque, const uint8_t *buf, int size)
{
    g_string_append_len(((TestFe *)opaque)->in, (const char *)buf, size);
}

static void test_event(void *opaque, ChrEvent ev)
{
    TestFe *t = opaque;

    switch (ev) {
    case CHR_EVENT_OPENED:
        t->opened++;
        break;
    case CHR_EVENT_CLOSED:
        t->closed++;
        break;
    case CHR_EVENT_BREAK:
        t->breaks++;
        break;
    case CHR_EVENT_MUX_IN:
        t->mux_in++;
        break;
    case CHR_EVENT_MUX_OUT:
        t->mux_out++;
        break;
    }
}

static void test_fe_attach(TestFe *t, Chardev *chr)
{
    memset(t, 0, sizeof(*t));
    t->in = g_string_new(NULL);
    t->room = 4096;
    g_assert_true(chr_fe_init(&t->fe, chr, &error_abort));
    chr_fe_set_handlers(&t->fe, test_can_read, test_read, test_event, t);
}

static void test_fe_detach(TestFe *t)
{
    chr_fe_deinit(&t->fe);
    g_string_free(t->in, TRUE);
}

/* Run the main loop until @cond holds or 2 s pass. */
#define PUMP_UNTIL(cond) do { \
    gint64 end_ = g_get_monotonic_time() + 2 * G_USEC_PER_SEC; \
    while (!(cond) && g_get_monotonic_time() < end_) { \
        g_main_context_iteration(NULL, FALSE); \
        g_usleep(1000); \
    } \
    g_assert_true(cond); \
} while (0)

static void pump_a_bit(void)
{
    for (int i = 0; i < 20; i++) {
        g_main_context_iteration(NULL, FALSE);
        g_usleep(1000);
    }
}

static char *tmp_path(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

static char *slurp(const char *path)
{
    char *s = NULL;

    g_assert_true(g_file_get_contents(path, &s, NULL, NULL));
    return s;
}

static void test_null(void)
{
    Chardev *chr = chardev_new_from_string("null,id=n0", &error_abort);
    TestFe t;

    g_assert_nonnull(chr);
    g_assert_true(chardev_find("n0") == chr);
    g_assert_cmpstr(chr->label, ==, "n0");
    test_fe_attach(&t, chr);
    g_assert_cmpint(t.opened, ==, 1);
    g_assert_true(chr_fe_backend_connected(&t.fe));
    g_assert_cmpint(chr_fe_write_all(&t.fe, (const uint8_t *)"xyz", 3), ==, 3);
    test_fe_detach(&t);
    chardev_delete(chr);
    g_assert_null(chardev_find("n0"));
}

static void test_file(void)
{
    g_autofree char *path = tmp_path("out.txt");
    g_autofree char *spec = g_strdup_printf("file,id=f0,path=%s", path);
    g_autofree char *spec2 = g_strdup_printf("file,id=f1,path=%s,append=on",
                                             path);
    g_autofree char *got = NULL;
    g_autofree char *got2 = NULL;
    Chardev *chr = chardev_new_from_string(spec, &error_abort);
    TestFe t;

    test_fe_attach(&t, chr);
    g_assert_cmpint(chr_fe_printf(&t.fe, "hello %d\n", 42), ==, 9);
    test_fe_detach(&t);
    chardev_delete(chr);
    got = slurp(path);
    g_assert_cmpstr(got, ==, "hello 42\n");

    chr = chardev_new_from_string(spec2, &error_abort);
    test_fe_attach(&t, chr);
    chr_fe_write_all(&t.fe, (const uint8_t *)"more", 4);
    test_fe_detach(&t);
    chardev_delete(chr);
    got2 = slurp(path);
    g_assert_cmpstr(got2, ==, "hello 42\nmore");
}

static void check_error(const char *spec, bool legacy, const char *msg)
{
    Error *err = NULL;
    Chardev *chr = legacy ? chardev_new_legacy("serial9", spec, &err)
                          : chardev_new_from_string(spec, &err);

    if (!err) {
        g_test_message("no error for '%s'", spec);
    }
    g_assert_null(chr);
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

static void test_errors(void)
{
    Chardev *chr = chardev_new_from_string("null,id=dup", &error_abort);

    check_error("foo,id=x", false, "'foo' is not a valid char driver name");
    check_error("foo", false, "chardev: no id specified");
    check_error("null", false, "chardev: no id specified");
    check_error("file,id=f", false, "chardev: file: no filename given");
    check_error("pipe,id=p", false, "chardev: pipe: no device path given");
    check_error("null,id=n,bogus=1", false, "Invalid parameter 'bogus'");
    check_error("null,id=dup", false, "Duplicate ID 'dup' for chardev");
    check_error("null,id=1abc", false,
                "Parameter 'id' expects an identifier");
    check_error("null,id=n,mux=maybe", false,
                "Parameter 'mux' expects 'on' or 'off'");
    check_error("file,id=f,path=/nonexistent/x", false,
                "Could not open '/nonexistent/x': No such file or directory");
    check_error("pipe,id=p,path=/nonexistent/x", false,
                "Could not open '/nonexistent/x': No such file or directory");
    check_error("socket,id=s", false, "Unable to parse FD number ");
    check_error("socket,id=s,path=/tmp/x,host=a", false,
                "None or one of 'path', 'fd' or 'host' option required.");
    check_error("socket,id=s,host=localhost", false,
                "chardev: socket: no port given");
    check_error("socket,id=s,path=/tmp/a,server=maybe", false,
                "Parameter 'server' expects 'on' or 'off'");
    check_error("socket,id=s,path=/tmp/a,reconnect=x", false,
                "Parameter 'reconnect' expects a number");
    check_error("socket,id=s,path=/tmp/a,reconnect=1,server=on", false,
                "'reconnect' option is incompatible with socket in server "
                "listen mode");
    check_error("socket,id=s,path=/nonexistent/x,server=on,wait=off", false,
                "Failed to bind socket to /nonexistent/x: No such file or "
                "directory");
    check_error("socket,id=s,path=/nonexistent/sock", false,
                "Failed to connect to '/nonexistent/sock': No such file or "
                "directory");
    check_error("stdio,id=s,signal=x", false,
                "Parameter 'signal' expects 'on' or 'off'");
    check_error("file,id=f,path=/tmp/ff,append=x", false,
                "Parameter 'append' expects 'on' or 'off'");
    check_error("foo", true, "'foo' is not a valid char driver");
    check_error("file", true, "'file' is not a valid char driver");
    check_error("foo:bar,x=1", true, "'foo:bar,x=1' is not a valid char driver");
    check_error("file:", true,
                "Could not open '': No such file or directory");
    check_error("unix:/nonexistent/sock", true,
                "Failed to connect to '/nonexistent/sock': No such file or "
                "directory");
    check_error("chardev:zz", true, "Chardev 'zz' not found");
    chardev_delete(chr);
}

static void test_legacy(void)
{
    g_autofree char *path = tmp_path("legacy.txt");
    g_autofree char *spec = g_strdup_printf("file:%s", path);
    g_autofree char *got = NULL;
    Error *err = NULL;
    Chardev *chr;
    TestFe t;

    g_assert_null(chardev_new_legacy("serial0", "none", &err));
    g_assert_null(err);

    chr = chardev_new_legacy("serial0", "null", &error_abort);
    g_assert_true(chardev_find("serial0") == chr);
    g_assert_true(chardev_new_legacy("x", "chardev:serial0", &error_abort)
                  == chr);
    chardev_delete(chr);

    /* "vc" is a text console of the display layer (ui/console-vc.c). */
    g_assert_null(chardev_new_legacy("serial1", "vc", &err));
    g_assert_nonnull(err);
    error_free(err);
    err = NULL;

    chr = chardev_new_legacy("serial2", spec, &error_abort);
    test_fe_attach(&t, chr);
    chr_fe_write_all(&t.fe, (const uint8_t *)"legacy", 6);
    test_fe_detach(&t);
    chardev_delete(chr);
    got = slurp(path);
    g_assert_cmpstr(got, ==, "legacy");

    chr = chardev_new_legacy("compat_monitor0", "mon:null", &error_abort);
    g_assert_nonnull(chr);
    g_assert_cmpstr(object_get_typename(OBJECT(chr)), ==, "chardev-mux");
    g_assert_nonnull(chardev_find("compat_monitor0-base"));
    chardev_delete(chr);
    chardev_delete(chardev_find("compat_monitor0-base"));
}

static void test_pipe(void)
{
    g_autofree char *base = tmp_path("fifo");
    g_autofree char *in = g_strdup_printf("%s.in", base);
    g_autofree char *out = g_strdup_printf("%s.out", base);
    g_autofree char *spec = g_strdup_printf("pipe,id=p0,path=%s", base);
    Chardev *chr;
    TestFe t;
    int fin, fout;
    char buf[64];
    ssize_t n;

    g_assert_cmpint(mkfifo(in, 0600), ==, 0);
    g_assert_cmpint(mkfifo(out, 0600), ==, 0);
    chr = chardev_new_from_string(spec, &error_abort);
    test_fe_attach(&t, chr);

    fout = open(out, O_RDONLY | O_NONBLOCK);
    fin = open(in, O_WRONLY | O_NONBLOCK);
    g_assert_cmpint(fout, >=, 0);
    g_assert_cmpint(fin, >=, 0);

    chr_fe_write_all(&t.fe, (const uint8_t *)"to-host", 7);
    n = read(fout, buf, sizeof(buf));
    g_assert_cmpint(n, ==, 7);
    g_assert_true(memcmp(buf, "to-host", 7) == 0);

    g_assert_cmpint(write(fin, "to-guest", 8), ==, 8);
    PUMP_UNTIL(t.in->len == 8);
    g_assert_cmpstr(t.in->str, ==, "to-guest");

    /* A full frontend holds input back until it has room again. */
    t.room = 0;
    g_assert_cmpint(write(fin, "later", 5), ==, 5);
    pump_a_bit();
    g_assert_cmpint(t.in->len, ==, 8);
    t.room = 2;
    chr_fe_accept_input(&t.fe);
    PUMP_UNTIL(t.in->len == 13);
    g_assert_cmpstr(t.in->str, ==, "to-guestlater");

    test_fe_detach(&t);
    chardev_delete(chr);
    close(fin);
    close(fout);
}

static void test_socket_unix(void)
{
    g_autofree char *path = tmp_path("sock");
    g_autofree char *sspec = g_strdup_printf(
        "socket,id=srv,path=%s,server=on,wait=off", path);
    g_autofree char *cspec = g_strdup_printf("socket,id=cli,path=%s", path);
    g_autofree char *disc = g_strdup_printf(
        "disconnected:unix:%s,server=on", path);
    Chardev *srv, *cli;
    TestFe ts, tc;

    srv = chardev_new_from_string(sspec, &error_abort);
    test_fe_attach(&ts, srv);
    g_assert_cmpint(ts.opened, ==, 0);
    g_assert_false(srv->be_open);
    g_assert_cmpstr(srv->filename, ==, disc);
    /* Output without a client is dropped, not an error. */
    g_assert_cmpint(chr_fe_write_all(&ts.fe, (const uint8_t *)"lost", 4),
                    ==, 4);

    cli = chardev_new_from_string(cspec, &error_abort);
    test_fe_attach(&tc, cli);
    g_assert_cmpint(tc.opened, ==, 1);
    PUMP_UNTIL(ts.opened == 1);
    g_assert_true(srv->be_open);

    chr_fe_write_all(&tc.fe, (const uint8_t *)"ping", 4);
    PUMP_UNTIL(ts.in->len == 4);
    g_assert_cmpstr(ts.in->str, ==, "ping");
    chr_fe_write_all(&ts.fe, (const uint8_t *)"pong", 4);
    PUMP_UNTIL(tc.in->len == 4);
    g_assert_cmpstr(tc.in->str, ==, "pong");

    /* The client goes away: the server sees CLOSED and listens again. */
    test_fe_detach(&tc);
    chardev_delete(cli);
    PUMP_UNTIL(ts.closed == 1);
    g_assert_false(srv->be_open);
    g_assert_cmpstr(srv->filename, ==, disc);
    /* Writing to a closed peer must not crash (no SIGPIPE). */
    g_assert_cmpint(chr_fe_write_all(&ts.fe, (const uint8_t *)"x", 1), ==, 1);

    cli = chardev_new_from_string(cspec, &error_abort);
    PUMP_UNTIL(ts.opened == 2);
    chardev_delete(cli);
    PUMP_UNTIL(ts.closed == 2);

    test_fe_detach(&ts);
    chardev_delete(srv);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
}

static void test_socket_peer_gone(void)
{
    g_autofree char *path = tmp_path("sock2");
    g_autofree char *sspec = g_strdup_printf(
        "socket,id=srv2,path=%s,server=on,wait=off", path);
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    Chardev *srv = chardev_new_from_string(sspec, &error_abort);
    TestFe ts;
    char big[65536];
    int fd;

    test_fe_attach(&ts, srv);
    g_strlcpy(un.sun_path, path, sizeof(un.sun_path));
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_assert_cmpint(connect(fd, (struct sockaddr *)&un, sizeof(un)), ==, 0);
    PUMP_UNTIL(ts.opened == 1);
    close(fd);
    /* The peer vanished before we noticed: EPIPE, never SIGPIPE. */
    memset(big, 'a', sizeof(big));
    for (int i = 0; i < 4; i++) {
        chr_fe_write_all(&ts.fe, (const uint8_t *)big, sizeof(big));
    }
    PUMP_UNTIL(ts.closed == 1);
    test_fe_detach(&ts);
    chardev_delete(srv);
}

static void test_pty(void)
{
    Chardev *chr = chardev_new_from_string("pty,id=pt0", &error_abort);
    TestFe t;
    char buf[16];
    int slave;

    g_assert_true(g_str_has_prefix(chr->filename, "pty:/dev/pts/"));
    test_fe_attach(&t, chr);
    g_assert_false(chr->be_open);
    slave = open(chr->filename + 4, O_RDWR | O_NOCTTY);
    g_assert_cmpint(slave, >=, 0);
    PUMP_UNTIL(t.opened == 1);
    g_assert_cmpint(write(slave, "key", 3), ==, 3);
    PUMP_UNTIL(t.in->len == 3);
    chr_fe_write_all(&t.fe, (const uint8_t *)"out\n", 4);
    g_assert_cmpint(read(slave, buf, sizeof(buf)), ==, 4);
    close(slave);
    PUMP_UNTIL(t.closed == 1);
    test_fe_detach(&t);
    chardev_delete(chr);
}

/* A mux on a pipe: bytes written to PATH.in arrive as keyboard input. */
typedef struct MuxFixture {
    char *base, *in, *out;
    int fin, fout;
    Chardev *mux;
    TestFe a, b;
} MuxFixture;

static void mux_setup(MuxFixture *f, const char *id)
{
    g_autofree char *spec = NULL;

    f->base = tmp_path(id);
    f->in = g_strdup_printf("%s.in", f->base);
    f->out = g_strdup_printf("%s.out", f->base);
    g_assert_cmpint(mkfifo(f->in, 0600), ==, 0);
    g_assert_cmpint(mkfifo(f->out, 0600), ==, 0);
    spec = g_strdup_printf("pipe,id=%s,path=%s,mux=on", id, f->base);
    f->mux = chardev_new_from_string(spec, &error_abort);
    f->fout = open(f->out, O_RDONLY | O_NONBLOCK);
    f->fin = open(f->in, O_WRONLY | O_NONBLOCK);
    /* Like -serial mon:stdio: the monitor (a) first, then the serial (b). */
    test_fe_attach(&f->a, f->mux);
    test_fe_attach(&f->b, f->mux);
}

static void mux_teardown(MuxFixture *f)
{
    g_autofree char *base_label = g_strdup_printf("%s-base", f->mux->label);

    test_fe_detach(&f->a);
    test_fe_detach(&f->b);
    chardev_delete(f->mux);
    chardev_delete(chardev_find(base_label));
    close(f->fin);
    close(f->fout);
    g_free(f->base);
    g_free(f->in);
    g_free(f->out);
}

static void mux_type(MuxFixture *f, const char *s)
{
    g_assert_cmpint(write(f->fin, s, strlen(s)), ==, (ssize_t)strlen(s));
}

static GString *mux_output(MuxFixture *f)
{
    GString *g = g_string_new(NULL);
    char buf[4096];
    ssize_t n;

    while ((n = read(f->fout, buf, sizeof(buf))) > 0) {
        g_string_append_len(g, buf, n);
    }
    return g;
}

static const char mux_help_text[] =
    "\n\r"
    "C-a h    print this help\n\r"
    "C-a x    exit emulator\n\r"
    "C-a s    save disk data back to file (if -snapshot)\n\r"
    "C-a t    toggle console timestamps\n\r"
    "C-a b    send break (magic sysrq)\n\r"
    "C-a c    switch between console and monitor\n\r"
    "C-a C-a  sends C-a\n\r";

static void test_mux(void)
{
    MuxFixture f;
    GString *out;

    mux_setup(&f, "mx0");
    /* The frontend that set handlers last has the focus. */
    g_assert_cmpint(f.a.mux_in, ==, 1);
    g_assert_cmpint(f.a.mux_out, ==, 1);
    g_assert_cmpint(f.b.mux_in, ==, 1);
    /* OPENED reaches every frontend once start-up is over. */
    PUMP_UNTIL(f.a.opened == 1 && f.b.opened == 1);

    mux_type(&f, "abc");
    PUMP_UNTIL(f.b.in->len == 3);
    g_assert_cmpstr(f.b.in->str, ==, "abc");

    mux_type(&f, "\001cxy");
    PUMP_UNTIL(f.a.in->len == 2);
    g_assert_cmpstr(f.a.in->str, ==, "xy");
    g_assert_cmpint(f.a.mux_in, ==, 2);
    g_assert_cmpint(f.b.mux_out, ==, 1);

    mux_type(&f, "\001\001\001b");
    PUMP_UNTIL(f.a.in->len == 3 && f.a.breaks == 1);
    g_assert_cmpint(f.a.in->str[2], ==, 1);

    mux_type(&f, "\001h");
    pump_a_bit();
    out = mux_output(&f);
    g_assert_cmpstr(out->str, ==, mux_help_text);
    g_string_free(out, TRUE);

    mux_type(&f, "\001c");
    pump_a_bit();
    g_assert_cmpint(f.b.mux_in, ==, 2);

    /* Both frontends write; timestamps mark the start of lines. */
    chr_fe_write_all(&f.a.fe, (const uint8_t *)"mon\n", 4);
    chr_fe_write_all(&f.b.fe, (const uint8_t *)"ser\n", 4);
    mux_type(&f, "\001t");
    pump_a_bit();
    chr_fe_write_all(&f.b.fe, (const uint8_t *)"one\ntwo", 7);
    out = mux_output(&f);
    /* As in QEMU, stamping starts with the line after the toggle. */
    g_assert_true(g_str_has_prefix(out->str, "mon\nser\none\n[00:00:00."));
    g_assert_true(g_str_has_suffix(out->str, "] two"));
    g_string_free(out, TRUE);

    /* A busy frontend: input waits in the mux and arrives later. */
    f.b.room = 0;
    mux_type(&f, "zz");
    pump_a_bit();
    g_assert_cmpint(f.b.in->len, ==, 3);
    f.b.room = 100;
    chr_fe_accept_input(&f.b.fe);
    PUMP_UNTIL(f.b.in->len == 5);

    mux_teardown(&f);
}

static void test_mux_too_many(void)
{
    Chardev *mux = chardev_new_from_string("null,id=mx1,mux=on",
                                           &error_abort);
    CharFrontend fes[5];
    Error *err = NULL;

    for (int i = 0; i < 4; i++) {
        g_assert_true(chr_fe_init(&fes[i], mux, &error_abort));
        g_assert_cmpint(fes[i].tag, ==, i);
    }
    g_assert_false(chr_fe_init(&fes[4], mux, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "too many uses of multiplexed chardev 'mx1' "
                    "(maximum is 4)");
    error_free(err);
    for (int i = 0; i < 4; i++) {
        chr_fe_deinit(&fes[i]);
    }
    chardev_delete(mux);
    chardev_delete(chardev_find("mx1-base"));
}

static void test_in_use(void)
{
    Chardev *chr = chardev_new_from_string("null,id=busy", &error_abort);
    CharFrontend a, b;
    Error *err = NULL;

    g_assert_true(chr_fe_init(&a, chr, &error_abort));
    g_assert_false(chr_fe_init(&b, chr, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Device 'busy' is in use");
    error_free(err);
    chr_fe_deinit(&a);
    chardev_delete(chr);
}

static void test_mux_exit(void)
{
    g_autofree char *base = tmp_path("mx2");
    g_autofree char *in = g_strdup_printf("%s.in", base);
    g_autofree char *out = g_strdup_printf("%s.out", base);
    g_autofree char *got = NULL;

    if (g_test_subprocess()) {
        g_autofree char *spec = g_strdup_printf("pipe,id=mx2,path=%s,mux=on",
                                                base);
        Chardev *mux = chardev_new_from_string(spec, &error_abort);
        int fin = open(in, O_WRONLY | O_NONBLOCK);
        TestFe t;

        test_fe_attach(&t, mux);
        g_assert_cmpint(write(fin, "\001x", 2), ==, 2);
        pump_a_bit();
        g_assert_not_reached();
    }
    /* Output to a regular file so that it survives the child. */
    g_assert_cmpint(mkfifo(in, 0600), ==, 0);
    g_assert_true(g_file_set_contents(out, "", 0, NULL));
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_passed();
    got = slurp(out);
    g_assert_cmpstr(got, ==, "QEMU: Terminated\n\r");
}

static void test_backends_listed(void)
{
    if (g_test_subprocess()) {
        chardev_print_backends();
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_passed();
    g_test_trap_assert_stdout("Available chardev backend types: \n*"
                              "  file\n*  null\n*  pipe\n*  pty\n*"
                              "  socket\n*  stdio\n*");
}

int main(int argc, char **argv)
{
    g_autofree char *tmpl = g_build_filename(g_get_tmp_dir(),
                                             "test-chardev-XXXXXX", NULL);
    int ret;

    g_test_init(&argc, &argv, NULL);
    /* Subprocess tests share the parent's directory. */
    if (g_getenv("TEST_CHARDEV_DIR")) {
        tmpdir = g_strdup(g_getenv("TEST_CHARDEV_DIR"));
    } else {
        tmpdir = g_strdup(g_mkdtemp(tmpl));
        g_assert_nonnull(tmpdir);
        g_setenv("TEST_CHARDEV_DIR", tmpdir, TRUE);
    }

    g_test_add_func("/chardev/null", test_null);
    g_test_add_func("/chardev/file", test_file);
    g_test_add_func("/chardev/errors", test_errors);
    g_test_add_func("/chardev/legacy", test_legacy);
    g_test_add_func("/chardev/pipe", test_pipe);
    g_test_add_func("/chardev/socket-unix", test_socket_unix);
    g_test_add_func("/chardev/socket-peer-gone", test_socket_peer_gone);
    g_test_add_func("/chardev/pty", test_pty);
    g_test_add_func("/chardev/mux", test_mux);
    g_test_add_func("/chardev/mux-too-many", test_mux_too_many);
    g_test_add_func("/chardev/in-use", test_in_use);
    g_test_add_func("/chardev/mux-exit", test_mux_exit);
    g_test_add_func("/chardev/backends", test_backends_listed);
    ret = g_test_run();

    if (!g_test_subprocess()) {
        g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);

        if (system(cmd) != 0) {
            g_printerr("could not remove %s\n", tmpdir);
        }
    }
    return ret;
}
