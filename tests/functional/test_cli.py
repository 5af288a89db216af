#!/usr/bin/env python3
"""Command-line behaviour of kemu-system-x86_64 against QEMU 7.2's texts.

    test_cli.py KEMU_BINARY

Informational options must print QEMU's layout and exit 0; a bad option
must print QEMU's message (with kemu's program name and the option as
location) on stderr and exit 1, before any guest runs.
"""
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest

KEMU = None
PROG = 'kemu-system-x86_64'
SIZE_HINT = ('Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, '
             'tera-, peta-\nand exabytes, respectively.\n')


def run(*args, timeout=20):
    return subprocess.run([KEMU] + list(args), stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=timeout, universal_newlines=True)


class InfoOptions(unittest.TestCase):
    def test_version(self):
        p = run('-version')
        self.assertEqual(p.returncode, 0)
        lines = p.stdout.splitlines()
        self.assertEqual(len(lines), 2)
        self.assertTrue(lines[0].startswith('QEMU emulator version 7.2.0 '
                                            '(kemu '), lines[0])
        self.assertTrue(lines[1].startswith('Copyright (c) '))
        self.assertEqual(p.stderr, '')

    def test_help(self):
        for opt in ('-h', '-help', '--help'):
            p = run(opt)
            self.assertEqual(p.returncode, 0)
            self.assertTrue(p.stdout.startswith('QEMU emulator version'))
            self.assertIn('\nusage: %s [options] [disk_image]\n' % PROG,
                          p.stdout)
            self.assertIn('\nStandard options:\n', p.stdout)
            self.assertIn('\n-machine [type=]name[,prop[=value][,...]]\n',
                          p.stdout)
            self.assertIn('\n-nodefaults     don\'t create default devices\n',
                          p.stdout)

    def test_machine_help(self):
        p = run('-machine', 'help')
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(p.stdout.startswith('Supported machines are:\n'))
        self.assertRegex(p.stdout, r'\npc +Standard PC \(i440FX \+ PIIX, '
                         r'1996\) \(alias of pc-i440fx-7.2\)\n')

    def test_device_help(self):
        p = run('-device', 'help')
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('name "isa-debug-exit"', p.stdout)
        p = run('-device', 'isa-debug-exit,help')
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('isa-debug-exit options:\n', p.stdout)
        self.assertIn('  iobase=<uint32>', p.stdout)

    def test_accel_help(self):
        p = run('-accel', 'help')
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(p.stdout.startswith(
            'Accelerators supported in QEMU binary:\n'))
        self.assertIn('\ntcg\n', p.stdout)

    def test_cpu_help(self):
        p = run('-cpu', 'help')
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(p.stdout.startswith('Available CPUs:\n'))
        self.assertIn('qemu64', p.stdout)


# (arguments, expected stderr after "kemu-system-x86_64: ")
BAD_OPTIONS = [
    (['-no-such-option'], '-no-such-option: invalid option\n'),
    (['-m'], '-m: requires an argument\n'),
    (['-m', '12q'], "-m 12q: Parameter 'size' expects a non-negative number "
     "below 2^64\n" + SIZE_HINT),
    (['-m', 'foo=1'], "-m foo=1: Invalid parameter 'foo'\n"),
    (['-m', '1G,maxmem=512M'], 'invalid value of maxmem: maximum memory '
     'size (0x20000000) must be at least the initial memory size '
     '(0x40000000)\n'),
    (['-accel', 'nosuchaccel'],
     '-accel nosuchaccel: invalid accelerator nosuchaccel\n'),
    (['-machine', 'nosuchmachine'], 'unsupported machine type\n'
     'Use -machine help to list supported machines\n'),
    (['-machine', 'pc,foo=bar'],
     "Property 'pc-i440fx-7.2-machine.foo' not found\n"),
    (['-smp', '300'], "Invalid SMP CPUs 300. The max CPUs supported by "
     "machine 'pc-i440fx-7.2' is 255\n"),
    (['-smp', 'cpus=2,sockets=3'], 'Invalid CPU topology: product of the '
     'hierarchy must match maxcpus: sockets (3) * dies (1) * cores (0) * '
     'threads (1) != maxcpus (2)\n'),
    (['-smp', 'foo=1'], "Parameter 'smp.foo' is unexpected\n"),
    (['-display', 'foo'],
     "-display foo: Parameter 'type' does not accept value 'foo'\n"),
    (['-name', 'foo,bar=1'], "-name foo,bar=1: Invalid parameter 'bar'\n"),
    (['-vga', 'foo'], 'unknown vga type: foo\n'),
    (['-boot', 'order=cc'], "Boot device 'c' was given twice\n"),
    (['-device', 'nosuch'],
     "-device nosuch: 'nosuch' is not a valid device model name\n"),
    (['-device', 'isa-debug-exit,foo=1'],
     "-device isa-debug-exit,foo=1: Property 'isa-debug-exit.foo' not "
     "found\n"),
    (['-device', 'isa-debug-exit,id=1x'],
     "-device isa-debug-exit,id=1x: Parameter 'id' expects an identifier\n"
     "Identifiers consist of letters, digits, '-', '.', '_', starting with "
     "a letter.\n"),
    (['-device', 'isa-debug-exit,id=a', '-device', 'isa-debug-exit,id=a'],
     "-device isa-debug-exit,id=a: Duplicate ID 'a' for device\n"),
    (['-chardev', 'foo,id=x'],
     "-chardev foo,id=x: 'foo' is not a valid char driver name\n"),
    (['-serial', 'foo'], "-serial foo: 'foo' is not a valid char driver\n"
     + PROG + ": -serial foo: could not connect serial device to character "
     "backend 'foo'\n"),
    (['-cpu', 'foo'], "unable to find CPU model 'foo'\n"),
    (['-D', '/nonexistent/x.log', '-d', 'int'],
     'Error opening logfile /nonexistent/x.log: No such file or '
     'directory\n'),
]


class BadOptions(unittest.TestCase):
    def test_bad_options(self):
        for args, expected in BAD_OPTIONS:
            with self.subTest(args=' '.join(args)):
                p = run('-display', 'none', '-nodefaults', '-S', *args)
                self.assertEqual(p.stderr, PROG + ': ' + expected)
                self.assertEqual(p.returncode, 1)
                self.assertEqual(p.stdout, '')

    def test_unknown_log_item(self):
        p = run('-display', 'none', '-d', 'foo')
        self.assertEqual(p.returncode, 1)
        self.assertTrue(p.stdout.startswith('Log items (comma separated):\n'))


# -global for devices this configuration does not create: QEMU 7.2's
# warnings (none for a type it has and could hot-plug, kemu's model or not).
GLOBALS = [
    ('kvm-pit.lost_tick_policy=delay', ''),         # libvirt's, under TCG
    ('PIIX4_PM.disable_s3=1', ''),                  # libvirt's
    ('PIIX4_PM.disable_s4=1', ''),
    ('ICH9-LPC.disable_s3=1', ''),                  # q35's, on pc
    ('mch.extended-tseg-mbytes=16', ''),
    ('virtio-blk-device.x=1', ''),
    ('ide-hd.ver=1', ''),
    ('VGA.vgamem_mb=8', 'warning: global VGA.vgamem_mb=8 not used\n'),
    ('cirrus-vga.vgamem_mb=8',
     'warning: global cirrus-vga.vgamem_mb=8 not used\n'),
    ('qxl-vga.vram_size=1',                         # a module in QEMU
     'warning: global qxl-vga.vram_size has invalid class name\n'),
    ('nosuch.x=1', 'warning: global nosuch.x has invalid class name\n'),
]


class Globals(unittest.TestCase):
    def test_globals_for_absent_devices(self):
        qmp = '{"execute":"qmp_capabilities"}\n{"execute":"quit"}\n'
        for glob, expected in GLOBALS:
            with self.subTest(glob=glob):
                p = subprocess.run(
                    [KEMU, '-display', 'none', '-nodefaults', '-S',
                     '-qmp', 'stdio', '-global', glob], input=qmp,
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                    timeout=20, universal_newlines=True)
                self.assertEqual(p.returncode, 0)
                self.assertEqual(p.stderr,
                                 PROG + ': ' + expected if expected else '')


@unittest.skipIf(os.path.exists('/dev/kvm'), '/dev/kvm exists')
class KvmMissing(unittest.TestCase):
    def test_accel_kvm(self):
        p = run('-accel', 'kvm', '-display', 'none', '-nodefaults', '-S')
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr,
                         'Could not access KVM kernel module: No such file '
                         'or directory\n' + PROG + ': -accel kvm: failed to '
                         'initialize kvm: No such file or directory\n')

    def test_enable_kvm(self):
        p = run('-enable-kvm', '-display', 'none', '-nodefaults', '-S')
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr,
                         'Could not access KVM kernel module: No such file '
                         'or directory\n' + PROG + ': failed to initialize '
                         'kvm: No such file or directory\n')


# ---- tiny guests, built here: a multiboot a.out-kludge image at 1 MiB ----

def multiboot_image(code):
    """A multiboot v1 kernel whose header gives the load address (flag 16)."""
    base = 0x100000
    magic, flags = 0x1BADB002, 0x00010000
    hdr = struct.pack('<IIiIIIII', magic, flags, -(magic + flags),
                      base, base, 0, 0, base + 32)
    return hdr + code


def putc(c):
    """mov dx, 0x3f8; mov al, c; out dx, al (32-bit code)."""
    return bytes([0x66, 0xba, 0xf8, 0x03, 0xb0, ord(c), 0xee])


HALT = bytes([0xfa, 0xf4, 0xeb, 0xfd])                # cli; hlt; jmp hlt
# 'R' on COM1, then the i8042 reset pulse (command 0xfe to port 0x64).
GUEST_RESET = putc('R') + bytes([0xb0, 0xfe, 0xe6, 0x64]) + HALT
# 'T', then an empty IDT and ud2: #UD -> #GP -> #DF -> triple fault.
_TF_PRE = putc('T')
GUEST_TRIPLE_FAULT = (_TF_PRE + bytes([0x0f, 0x01, 0x1d]) +
                      struct.pack('<I', 0x100000 + 32 + len(_TF_PRE) + 9) +
                      bytes([0x0f, 0x0b]) + struct.pack('<HI', 0, 0))
# "OK" on COM1, then isa-debug-exit at 0xf4 with 0x10: exit status 33.
GUEST_OK_EXIT = putc('O') + putc('K') + bytes([0xb0, 0x10, 0xe6, 0xf4]) + HALT
# "UP" on COM1, then halt forever.
GUEST_UP_HALT = putc('U') + putc('P') + HALT


def prog():
    """Program name in messages (lets these tests run against QEMU too)."""
    return os.path.basename(KEMU)


def wait_for(cond, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


def pid_alive(pid):
    """True while @pid exists and is not a zombie."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def read_file(path):
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return ''


class GuestDir(unittest.TestCase):
    """A temporary directory with guest images; processes killed at the end."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='kemu-cli-')
        self.procs = []
        self.daemons = []
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
            p.stdout.close()
            p.stderr.close()
        for pid in self.daemons:
            if pid_alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                wait_for(lambda: not pid_alive(pid), 5)
        for name in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, name))
        os.rmdir(self.dir)

    def path(self, name):
        return os.path.join(self.dir, name)

    def guest(self, name, code):
        p = self.path(name)
        with open(p, 'wb') as f:
            f.write(multiboot_image(code))
        return p

    def popen(self, *args):
        p = subprocess.Popen([KEMU] + list(args), stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             universal_newlines=True)
        self.procs.append(p)
        return p

    def base_args(self, kernel, serial):
        return ['-accel', 'tcg', '-m', '32', '-nodefaults', '-display', 'none',
                '-serial', 'file:' + serial, '-kernel', kernel]

    def kill_daemon(self, pid):
        """SIGTERM a daemon (not our child) and wait until it is gone."""
        os.kill(pid, signal.SIGTERM)
        self.assertTrue(wait_for(lambda: not pid_alive(pid)),
                        'daemon %d survived SIGTERM' % pid)


class NoReboot(GuestDir):
    def check_guest(self, code, mark):
        kernel = self.guest('g.bin', code)
        serial = self.path('serial.txt')
        # -no-reboot: the reset ends the process, exit status 0, silently.
        p = run(*self.base_args(kernel, serial), '-no-reboot', timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, '')
        self.assertEqual(p.stdout, '')
        self.assertEqual(read_file(serial), mark)
        # Without it the machine resets and the guest runs again.
        os.unlink(serial)
        q = self.popen(*self.base_args(kernel, serial))
        ok = wait_for(lambda: len(read_file(serial)) >= 3, 20)
        self.assertIsNone(q.poll(), q.poll() is None or q.stderr.read())
        self.assertTrue(ok, 'guest did not run again: %r' % read_file(serial))
        self.assertEqual(set(read_file(serial)), {mark})
        q.terminate()
        q.wait(10)

    def test_keyboard_controller_reset(self):
        self.check_guest(GUEST_RESET, 'R')

    def test_triple_fault(self):
        self.check_guest(GUEST_TRIPLE_FAULT, 'T')


class StartStopped(GuestDir):
    def test_S_until_cont(self):
        kernel = self.guest('ok.bin', GUEST_OK_EXIT)
        serial = self.path('serial.txt')
        sock_path = self.path('hmp.sock')
        p = self.popen(*self.base_args(kernel, serial), '-S',
                       '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04',
                       '-monitor', 'unix:%s,server=on,wait=off' % sock_path)
        self.assertTrue(wait_for(lambda: os.path.exists(sock_path)),
                        'no monitor socket')
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(sock_path)
        self.addCleanup(s.close)
        buf = b''

        def expect(text):
            nonlocal buf
            deadline = time.time() + 10
            while text.encode() not in buf and time.time() < deadline:
                data = s.recv(4096)
                if not data:
                    break
                buf += data
            self.assertIn(text.encode(), buf)
            buf = buf[buf.index(text.encode()) + len(text):]

        expect('(qemu) ')
        s.sendall(b'info status\n')
        expect('VM status: paused (prelaunch)')
        expect('(qemu) ')
        # The guest has not run a single instruction.
        time.sleep(0.5)
        self.assertIsNone(p.poll())
        self.assertEqual(read_file(serial), '')
        s.sendall(b'cont\n')
        self.assertEqual(p.wait(30), 33)
        self.assertEqual(read_file(serial), 'OK')
        self.assertEqual(p.stderr.read(), '')


class PidFile(GuestDir):
    def test_pidfile_and_lock(self):
        kernel = self.guest('up.bin', GUEST_UP_HALT)
        serial = self.path('serial.txt')
        pidfile = self.path('vm.pid')
        p = self.popen(*self.base_args(kernel, serial), '-pidfile', pidfile)
        self.assertTrue(wait_for(lambda: read_file(pidfile).endswith('\n')),
                        'no pidfile')
        self.assertEqual(read_file(pidfile), '%d\n' % p.pid)
        self.assertTrue(wait_for(lambda: read_file(serial) == 'UP'))
        # A second instance cannot take the locked pidfile: QEMU's text.
        q = run(*self.base_args(kernel, self.path('s2.txt')),
                '-pidfile', pidfile)
        self.assertEqual(q.returncode, 1)
        self.assertEqual(q.stderr, prog() + ': cannot create PID file: '
                         'Cannot lock pid file: Resource temporarily '
                         'unavailable\n')
        self.assertEqual(read_file(pidfile), '%d\n' % p.pid)
        # The owner removes it when it exits.
        p.terminate()
        p.wait(10)
        self.assertFalse(os.path.exists(pidfile))

    def test_pidfile_bad_path(self):
        p = run('-display', 'none', '-nodefaults', '-S',
                '-pidfile', '/nonexistent/dir/vm.pid')
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr, prog() + ": cannot create PID file: Could "
                         "not create '/nonexistent/dir/vm.pid': No such file "
                         "or directory\n")


class Daemonize(GuestDir):
    def start_daemon(self, pidfile, *extra):
        kernel = self.guest('up.bin', GUEST_UP_HALT)
        serial = self.path('serial.txt')
        p = run(*self.base_args(kernel, serial), '-daemonize',
                '-pidfile', pidfile, *extra, timeout=30)
        pid = None
        text = read_file(pidfile)
        if text.strip().isdigit():
            pid = int(text)
            self.daemons.append(pid)
        return p, pid, serial

    def test_daemonize(self):
        pidfile = self.path('vm.pid')
        p, pid, serial = self.start_daemon(pidfile)
        # The parent returns 0 once the VM is set up, printing nothing.
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, '')
        self.assertEqual(p.stderr, '')
        # The daemon wrote its own pid, is alive, and runs the guest.
        self.assertIsNotNone(pid, 'no pid in %r' % read_file(pidfile))
        self.assertTrue(pid_alive(pid))
        self.assertTrue(wait_for(lambda: read_file(serial) == 'UP'),
                        'guest output %r' % read_file(serial))
        with open('/proc/%d/stat' % pid) as f:
            fields = f.read().rsplit(')', 1)[1].split()
        # Detached: its own session, no controlling terminal.
        self.assertEqual(int(fields[4]), 0)                 # tty_nr
        self.assertNotEqual(int(fields[3]), os.getsid(0))   # session
        # The pidfile is locked by the daemon.
        q = run('-display', 'none', '-nodefaults', '-S', '-pidfile', pidfile)
        self.assertEqual(q.returncode, 1)
        self.assertIn('Cannot lock pid file', q.stderr)
        self.kill_daemon(pid)
        self.assertFalse(os.path.exists(pidfile))

    def test_daemonize_relative_pidfile(self):
        # QEMU resolves the pidfile path before the daemon's chdir("/"),
        # so it can still remove a relative one on exit.
        cwd = os.getcwd()
        os.chdir(self.dir)
        try:
            p, pid, serial = self.start_daemon('rel.pid')
        finally:
            os.chdir(cwd)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIsNotNone(pid)
        self.kill_daemon(pid)
        self.assertFalse(os.path.exists(self.path('rel.pid')))

    def test_daemonize_startup_error(self):
        # The child's failure reaches the parent's exit status and stderr.
        pidfile = self.path('vm.pid')
        p, pid, serial = self.start_daemon(pidfile, '-device', 'nosuch')
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr, prog() + ": -device nosuch: 'nosuch' is "
                         "not a valid device model name\n")
        self.assertFalse(os.path.exists(pidfile))

    def test_daemonize_nographic(self):
        # -nographic would put the default serial and monitor on stdio.
        p = run('-nographic', '-daemonize', '-S')
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr, prog() + ': -nographic cannot be used '
                         'with -daemonize\n')
        # Without default serial/parallel/monitor it is accepted (QEMU 7.2
        # only refuses when one of them would go to stdio).
        pidfile = self.path('vm.pid')
        p = run('-nographic', '-daemonize', '-S', '-nodefaults',
                '-pidfile', pidfile)
        text = read_file(pidfile)
        if text.strip().isdigit():
            self.daemons.append(int(text))
            self.kill_daemon(int(text))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, '')

    def test_daemonize_serial_stdio(self):
        pidfile = self.path('vm.pid')
        p = run('-display', 'none', '-nodefaults', '-S', '-daemonize',
                '-pidfile', pidfile, '-serial', 'stdio', timeout=30)
        text = read_file(pidfile)
        if text.strip().isdigit():
            # kemu started a daemon anyway: stop it before judging.
            self.daemons.append(int(text))
            self.kill_daemon(int(text))
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr, prog() + ': -serial stdio: cannot use '
                         'stdio with -daemonize\n' + prog() + ': -serial '
                         'stdio: could not connect serial device to '
                         "character backend 'stdio'\n")


if __name__ == '__main__':
    KEMU = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
