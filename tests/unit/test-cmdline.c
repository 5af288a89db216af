/*
 * The kemu-system-x86_64 command line: option syntax, the KemuConfig it
 * fills, QEMU 7.2's error texts and locations, and the -smp rules.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "hw/boards.h"
#include "system/cmdline.h"

static GString *captured;

static void capture_sink(void *opaque, const char *text)
{
    g_string_append(captured, text);
}

/* Parse a space-separated command line; "|" stands for an empty word. */
static bool parse(const char *line, KemuConfig *cfg, Error **errp)
{
    g_auto(GStrv) words = g_strsplit(line, " ", -1);
    int n = g_strv_length(words);
    char **argv = g_new0(char *, n + 2);
    bool ok;

    argv[0] = (char *)"kemu-system-x86_64";
    for (int i = 0; i < n; i++) {
        argv[i + 1] = words[i];
    }
    kemu_config_init(cfg);
    ok = kemu_parse_args(n + 1, argv, cfg, errp);
    g_free(argv);
    return ok;
}

/* The error line as the user sees it (without the program name). */
static char *parse_error(const char *line)
{
    KemuConfig cfg;
    Error *err = NULL;

    g_assert_false(parse(line, &cfg, &err));
    g_assert_nonnull(err);
    g_string_truncate(captured, 0);
    error_set_sink(capture_sink, NULL);
    error_report_err(err);
    error_set_sink(NULL, NULL);
    loc_set_none();
    kemu_config_free(&cfg);
    return g_strdup(captured->str);
}

static void test_defaults(void)
{
    KemuConfig cfg;

    g_assert_true(parse("-nodefaults", &cfg, &error_abort));
    g_assert_cmpuint(cfg.ram_size, ==, 128 * MiB);
    g_assert_false(cfg.ram_size_set);
    g_assert_null(cfg.machine_type);
    g_assert_cmpuint(cfg.accel_opts->len, ==, 0);
    g_assert_true(cfg.nodefaults);
    g_assert_cmpint(cfg.early_exit, ==, KEMU_EXIT_NONE);
    kemu_config_free(&cfg);
}

static void test_memory(void)
{
    KemuConfig cfg;
    g_autofree char *e1 = NULL, *e2 = NULL, *e3 = NULL;

    g_assert_true(parse("-m 512", &cfg, &error_abort));
    g_assert_cmpuint(cfg.ram_size, ==, 512 * MiB);
    g_assert_true(cfg.ram_size_set);
    kemu_config_free(&cfg);

    g_assert_true(parse("--m size=2G,slots=2,maxmem=4G", &cfg,
                        &error_abort));
    g_assert_cmpuint(cfg.ram_size, ==, 2 * GiB);
    g_assert_cmpuint(cfg.maxram_size, ==, 4 * GiB);
    kemu_config_free(&cfg);

    e1 = parse_error("-m 12q");
    g_assert_cmpstr(e1, ==, "-m 12q: Parameter 'size' expects a non-negative "
                    "number below 2^64\nOptional suffix k, M, G, T, P or E "
                    "means kilo-, mega-, giga-, tera-, peta-\n"
                    "and exabytes, respectively.\n");
    e2 = parse_error("-m foo=1");
    g_assert_cmpstr(e2, ==, "-m foo=1: Invalid parameter 'foo'\n");
    e3 = parse_error("-m 1G,maxmem=512M");
    g_assert_cmpstr(e3, ==, "invalid value of maxmem: maximum memory size "
                    "(0x20000000) must be at least the initial memory size "
                    "(0x40000000)\n");
}

static void test_bad_options(void)
{
    g_autofree char *e1 = parse_error("-no-such-option");
    g_autofree char *e2 = parse_error("-display none -m");
    g_autofree char *e3 = parse_error("-display foo");
    g_autofree char *e4 = parse_error("-name foo,bar=1");
    g_autofree char *e5 = parse_error("-vga foo");
    g_autofree char *e6 = parse_error("-boot order=cc");
    g_autofree char *e7 = parse_error("-rtc base=utc,foo=1");
    g_autofree char *e8 = parse_error("-serial null -serial null "
                                      "-serial null -serial null "
                                      "-serial null");

    g_assert_cmpstr(e1, ==, "-no-such-option: invalid option\n");
    g_assert_cmpstr(e2, ==, "-m: requires an argument\n");
    g_assert_cmpstr(e3, ==, "-display foo: Parameter 'type' does not accept "
                    "value 'foo'\n");
    g_assert_cmpstr(e4, ==, "-name foo,bar=1: Invalid parameter 'bar'\n");
    g_assert_cmpstr(e5, ==, "unknown vga type: foo\n");
    g_assert_cmpstr(e6, ==, "Boot device 'c' was given twice\n");
    g_assert_cmpstr(e7, ==, "-rtc base=utc,foo=1: Invalid parameter 'foo'\n");
    g_assert_cmpstr(e8, ==, "-serial null: too many serial ports\n");
}

static void test_machine(void)
{
    KemuConfig cfg;

    g_assert_true(parse("-machine pc,accel=kvm -M q35,kernel-irqchip=off",
                        &cfg, &error_abort));
    g_assert_cmpstr(cfg.machine_type, ==, "q35");
    g_assert_cmpstr(qemu_opt_get(cfg.machine_opts, "accel"), ==, "kvm");
    g_assert_cmpstr(qemu_opt_get(cfg.machine_opts, "kernel-irqchip"), ==,
                    "off");
    g_assert_null(qemu_opt_get(cfg.machine_opts, "type"));
    g_assert_false(cfg.machine_help);
    kemu_config_free(&cfg);

    g_assert_true(parse("-machine help", &cfg, &error_abort));
    g_assert_true(cfg.machine_help);
    g_assert_null(cfg.machine_type);
    kemu_config_free(&cfg);

    g_assert_true(parse("-machine type=pc,help", &cfg, &error_abort));
    g_assert_true(cfg.machine_help);
    g_assert_cmpstr(cfg.machine_type, ==, "pc");
    kemu_config_free(&cfg);
}

static void test_accel(void)
{
    KemuConfig cfg;
    KemuOptArg *a;

    g_assert_true(parse("-accel kvm,kernel-irqchip=off -enable-kvm "
                        "--accel tcg", &cfg, &error_abort));
    g_assert_cmpuint(cfg.accel_opts->len, ==, 3);
    g_assert_cmpstr(qemu_opt_get(g_ptr_array_index(cfg.accel_opts, 0),
                                 "accel"), ==, "kvm");
    g_assert_cmpstr(qemu_opt_get(g_ptr_array_index(cfg.accel_opts, 0),
                                 "kernel-irqchip"), ==, "off");
    a = g_ptr_array_index(cfg.accel_args, 0);
    g_assert_cmpstr(a->opt, ==, "-accel");
    g_assert_cmpstr(a->arg, ==, "kvm,kernel-irqchip=off");
    a = g_ptr_array_index(cfg.accel_args, 1);
    g_assert_null(a->opt);
    g_assert_cmpstr(qemu_opt_get(g_ptr_array_index(cfg.accel_opts, 2),
                                 "accel"), ==, "tcg");
    kemu_config_free(&cfg);

    g_assert_true(parse("-accel help -no-such-option", &cfg, &error_abort));
    g_assert_cmpint(cfg.early_exit, ==, KEMU_EXIT_ACCEL_HELP);
    kemu_config_free(&cfg);
}

static void test_early_exit(void)
{
    KemuConfig cfg;

    g_assert_true(parse("-version -bogus", &cfg, &error_abort));
    g_assert_cmpint(cfg.early_exit, ==, KEMU_EXIT_VERSION);
    kemu_config_free(&cfg);
    g_assert_true(parse("--help", &cfg, &error_abort));
    g_assert_cmpint(cfg.early_exit, ==, KEMU_EXIT_HELP);
    kemu_config_free(&cfg);
    g_assert_true(parse("-h", &cfg, &error_abort));
    g_assert_cmpint(cfg.early_exit, ==, KEMU_EXIT_HELP);
    kemu_config_free(&cfg);
    g_assert_true(parse("-display help", &cfg, &error_abort));
    g_assert_cmpint(cfg.early_exit, ==, KEMU_EXIT_DISPLAY_HELP);
    kemu_config_free(&cfg);
}

static void test_lists_and_flags(void)
{
    KemuConfig cfg;
    KemuOptArg *a;

    g_assert_true(parse("-device isa-serial,id=s0 -device "
                        "isa-debug-exit,iobase=0xf4 -global "
                        "isa-serial.irq=3 -chardev null,id=c0 -serial stdio "
                        "-serial chardev:c0 -monitor none -qmp "
                        "unix:/tmp/q,server=on,wait=off -nographic -S "
                        "-no-reboot -no-shutdown -daemonize -pidfile /tmp/p "
                        "-d guest_errors -D /tmp/log -L /usr/share "
                        "-kernel k -initrd i -append a,,b -bios b "
                        "-cpu qemu64,+x2apic -smp 2 -name vm1,debug-threads=on "
                        "-rtc base=utc -boot order=cd -vga std disk.img "
                        "-drive file=x.qcow2 -netdev user,id=n0 -vnc :1",
                        &cfg, &error_abort));
    g_assert_cmpuint(cfg.devices->len, ==, 2);
    a = g_ptr_array_index(cfg.devices, 1);
    g_assert_cmpstr(a->opt, ==, "-device");
    g_assert_cmpstr(a->arg, ==, "isa-debug-exit,iobase=0xf4");
    g_assert_cmpuint(cfg.globals->len, ==, 1);
    g_assert_cmpuint(cfg.chardevs->len, ==, 1);
    g_assert_cmpuint(cfg.serials->len, ==, 2);
    g_assert_cmpstr(g_ptr_array_index(cfg.serials, 1), ==, "chardev:c0");
    g_assert_cmpuint(cfg.monitors->len, ==, 1);
    g_assert_cmpuint(cfg.qmps->len, ==, 1);
    g_assert_true(cfg.nographic && cfg.start_paused && cfg.no_reboot &&
                  cfg.no_shutdown && cfg.daemonize && cfg.debug_threads);
    g_assert_cmpstr(cfg.pidfile, ==, "/tmp/p");
    g_assert_cmpstr(cfg.log_items, ==, "guest_errors");
    g_assert_cmpstr(cfg.log_file, ==, "/tmp/log");
    g_assert_cmpstr(cfg.bios_dir, ==, "/usr/share");
    g_assert_cmpstr(cfg.kernel, ==, "k");
    g_assert_cmpstr(cfg.initrd, ==, "i");
    g_assert_cmpstr(cfg.append, ==, "a,,b");
    g_assert_cmpstr(cfg.bios, ==, "b");
    g_assert_cmpstr(cfg.cpu_model, ==, "qemu64,+x2apic");
    g_assert_cmpstr(cfg.smp, ==, "2");
    g_assert_cmpstr(cfg.name, ==, "vm1");
    g_assert_cmpstr(cfg.rtc, ==, "base=utc");
    g_assert_cmpstr(cfg.boot, ==, "order=cd");
    g_assert_cmpstr(cfg.vga, ==, "std");
    /* The bare image is -hda, in command-line order with -drive. */
    g_assert_cmpuint(cfg.drives->len, ==, 2);
    g_assert_cmpstr(((KemuOptArg *)g_ptr_array_index(cfg.drives, 0))->opt,
                    ==, "-hda");
    g_assert_cmpstr(((KemuOptArg *)g_ptr_array_index(cfg.drives, 0))->arg,
                    ==, "disk.img");
    g_assert_cmpuint(cfg.netdevs->len, ==, 1);
    g_assert_cmpstr(cfg.vnc, ==, ":1");
    kemu_config_free(&cfg);

    g_assert_true(parse("-display none", &cfg, &error_abort));
    g_assert_cmpstr(cfg.display, ==, "none");
    kemu_config_free(&cfg);
}

static void check_smp(const char *smp, unsigned cpus, unsigned sockets,
                      unsigned dies, unsigned cores, unsigned threads,
                      unsigned max)
{
    CpuTopology t = { 0 };

    g_assert_true(kemu_smp_parse(smp, "pc-i440fx-7.2", 255, &t,
                                 &error_abort));
    g_assert_cmpuint(t.cpus, ==, cpus);
    g_assert_cmpuint(t.sockets, ==, sockets);
    g_assert_cmpuint(t.dies, ==, dies);
    g_assert_cmpuint(t.cores, ==, cores);
    g_assert_cmpuint(t.threads, ==, threads);
    g_assert_cmpuint(t.max_cpus, ==, max);
}

static void check_smp_error(const char *smp, const char *msg)
{
    CpuTopology t = { 0 };
    Error *err = NULL;

    g_assert_false(kemu_smp_parse(smp, "pc-i440fx-7.2", 255, &t, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

static void test_smp(void)
{
    check_smp(NULL, 1, 1, 1, 1, 1, 1);
    check_smp("2", 2, 1, 1, 2, 1, 2);
    check_smp("cpus=4,sockets=2", 4, 2, 1, 2, 1, 4);
    check_smp("4,cores=2", 4, 2, 1, 2, 1, 4);
    check_smp("2,maxcpus=8", 2, 1, 1, 8, 1, 8);
    check_smp("sockets=2,cores=2,threads=2", 8, 2, 1, 2, 2, 8);
    check_smp("8,sockets=2,dies=2", 8, 2, 2, 2, 1, 8);
    check_smp("4,sockets=1,cores=2", 4, 1, 1, 2, 2, 4);
    check_smp_error("cpus=2,sockets=3",
                    "Invalid CPU topology: product of the hierarchy must "
                    "match maxcpus: sockets (3) * dies (1) * cores (0) * "
                    "threads (1) != maxcpus (2)");
    check_smp_error("2,maxcpus=1",
                    "Invalid CPU topology: maxcpus must be equal to or "
                    "greater than smp: sockets (1) * dies (1) * cores (1) * "
                    "threads (1) == maxcpus (1) < smp_cpus (2)");
    check_smp_error("300", "Invalid SMP CPUs 300. The max CPUs supported by "
                    "machine 'pc-i440fx-7.2' is 255");
    check_smp_error("foo=1", "Parameter 'smp.foo' is unexpected");
    check_smp_error("x", "Parameter 'smp.cpus' expects integer");
    check_smp_error("2,clusters=2", "clusters not supported by this "
                    "machine's CPU topology");
}

static void test_help_text(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    kemu_print_help(f);
    fclose(f);
    g_assert_true(g_str_has_prefix(buf, KEMU_VERSION_LINE "\n"));
    g_assert_nonnull(strstr(buf, "usage: kemu-system-x86_64 [options] "
                            "[disk_image]\n"));
    g_assert_nonnull(strstr(buf, "\n-machine [type=]name"));
    g_assert_nonnull(strstr(buf, "\n-no-shutdown    stop before shutdown\n"));
    /* Options kemu rejects are not advertised. */
    g_assert_null(strstr(buf, "\n-spice"));
    free(buf);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    captured = g_string_new(NULL);
    g_test_add_func("/cmdline/defaults", test_defaults);
    g_test_add_func("/cmdline/memory", test_memory);
    g_test_add_func("/cmdline/bad-options", test_bad_options);
    g_test_add_func("/cmdline/machine", test_machine);
    g_test_add_func("/cmdline/accel", test_accel);
    g_test_add_func("/cmdline/early-exit", test_early_exit);
    g_test_add_func("/cmdline/lists-and-flags", test_lists_and_flags);
    g_test_add_func("/cmdline/smp", test_smp);
    g_test_add_func("/cmdline/help-text", test_help_text);
    return g_test_run();
}
