/*
 * Host-process duties of start-up, as QEMU's os-posix.c: signals that end
 * the VM cleanly, -daemonize (the parent exits only once the child has
 * finished initialising, with the child's success or failure), -pidfile.
 */
#include "qemu/osdep.h"
#include <signal.h>
#include <sys/file.h>
#include "qemu/error-report.h"
#include "system/runstate.h"
#include "system/startup.h"

static int daemon_pipe = -1;
static char *pidfile_path;

static void termsig_handler(int signo, siginfo_t *info, void *ctx)
{
    qemu_system_killed(signo, info ? info->si_pid : 0);
}

void os_setup_signal_handling(void)
{
    struct sigaction act;

    memset(&act, 0, sizeof(act));
    act.sa_sigaction = termsig_handler;
    act.sa_flags = SA_SIGINFO;
    sigaction(SIGINT, &act, NULL);
    sigaction(SIGHUP, &act, NULL);
    sigaction(SIGTERM, &act, NULL);
    /* A closed socket peer must not kill the emulator. */
    signal(SIGPIPE, SIG_IGN);
}

void os_daemonize_start(void)
{
    int fds[2];
    pid_t pid;

    if (pipe(fds) < 0) {
        error_report("cannot daemonize: %s", strerror(errno));
        exit(1);
    }
    pid = fork();
    if (pid < 0) {
        error_report("cannot daemonize: %s", strerror(errno));
        exit(1);
    }
    if (pid > 0) {
        uint8_t status = 1;
        ssize_t len;

        /* Parent: exit with the child's verdict once it is up. */
        close(fds[1]);
        do {
            len = read(fds[0], &status, 1);
        } while (len < 0 && errno == EINTR);
        exit(len == 1 ? status : 1);
    }
    close(fds[0]);
    daemon_pipe = fds[1];
    setsid();
    /* Second fork: the daemon can never reacquire a controlling tty. */
    pid = fork();
    if (pid < 0) {
        exit(1);
    }
    if (pid > 0) {
        _exit(0);
    }
    umask(027);
    signal(SIGTSTP, SIG_IGN);
    signal(SIGTTOU, SIG_IGN);
    signal(SIGTTIN, SIG_IGN);
}

void os_daemonize_done(void)
{
    uint8_t status = 0;
    int fd;

    if (daemon_pipe < 0) {
        return;
    }
    if (chdir("/") < 0) {
        /* Harmless: only keeps a directory busy. */
    }
    fd = open("/dev/null", O_RDWR);
    if (fd >= 0) {
        dup2(fd, 0);
        dup2(fd, 1);
        /* stderr stays open for errors until now, as in QEMU. */
        dup2(fd, 2);
        if (fd > 2) {
            close(fd);
        }
    }
    if (write(daemon_pipe, &status, 1) < 0) {
        /* The parent is gone; nothing to tell. */
    }
    close(daemon_pipe);
    daemon_pipe = -1;
}

static void remove_pidfile(void)
{
    if (pidfile_path) {
        unlink(pidfile_path);
    }
}

void os_create_pidfile(const char *path)
{
    char buf[32];
    int fd;

    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        error_report("cannot create PID file: Could not create '%s': %s",
                     path, strerror(errno));
        exit(1);
    }
    if (lockf(fd, F_TLOCK, 0) < 0) {
        error_report("cannot create PID file: Cannot lock pid file: %s",
                     strerror(errno));
        exit(1);
    }
    snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
    if (ftruncate(fd, 0) < 0 || write(fd, buf, strlen(buf)) !=
        (ssize_t)strlen(buf)) {
        error_report("cannot create PID file: Failed to write pid file: %s",
                     strerror(errno));
        exit(1);
    }
    /* fd stays open: the lock lives as long as the process. */
    /* Absolute: -daemonize changes to / before the file is removed. */
    pidfile_path = g_canonicalize_filename(path, NULL);
    atexit(remove_pidfile);
}
