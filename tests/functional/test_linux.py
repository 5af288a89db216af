#!/usr/bin/env python3
"""Boot Debian's Linux kernel on the software CPU, one scenario per run.

    test_linux.py KEMU_BINARY GUEST_BUILDER SCENARIO

GUEST_BUILDER is tests/guests/linux/build-linux-guest.sh (cached, prints
the guest directory); without apt access the test is skipped (exit 77).
Scenarios (each boots once, -accel tcg -m 512):
  smp1       -smp 1, kemu.test=poweroff: ACPI tables and HPET found, the init
             marker, ACPI S5 power-off -> exit status 0
  smp2       -smp 2, kemu.test=cpus: both CPUs started from the MADT,
             GUEST-CPUS 2, power-off -> exit 0
  reboot     kemu.test=reboot with -no-reboot: reset -> exit 0
  powerdown  kemu.test=powerbutton: system_powerdown over QMP presses the
             ACPI power button, the guest powers off -> exit 0
  shell      `make run` (scripts/run-linux.sh) on a pseudo-terminal: the
             busybox prompt, a typed command's output, Ctrl-a c to the
             monitor (info cpus shows both CPUs) and back, then `poweroff`
             typed at the prompt -> exit 0
"""
import json
import os
import pty
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time

BOOT_TIMEOUT = 600      # seconds of wall time per boot (software CPU)

# no_timer_check: Linux's IO-APIC timer check counts timer ticks during a
# TSC-timed loop.  The guest TSC follows the host clock, so when the host
# stops the whole process for a while (CPU quota throttling on a busy test
# machine) the loop ends with too few ticks and the kernel panics ("IO-APIC
# + timer doesn't work!"), under QEMU's TCG as under kemu.  Timer delivery
# itself is tested by the pit-irq guest and the HPET unit test.
KERNEL_ARGS = 'console=ttyS0 no_timer_check '


class Guest:
    """kemu running the test guest; serial console on stdout, collected."""

    def __init__(self, kemu, guest_dir, append, extra):
        args = [kemu, '-accel', 'tcg', '-m', '512',
                '-kernel', os.path.join(guest_dir, 'vmlinuz'),
                '-initrd', os.path.join(guest_dir, 'initrd.gz'),
                '-append', KERNEL_ARGS + append,
                '-display', 'none', '-serial', 'stdio', '-no-reboot'] + extra
        print('$ ' + ' '.join(args), flush=True)
        self.start = time.monotonic()
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.lines = []
        self.cond = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for raw in self.proc.stdout:
            line = raw.decode('utf-8', 'replace').rstrip('\r\n')
            with self.cond:
                self.lines.append(line)
                self.cond.notify_all()
        with self.cond:
            self.lines.append(None)         # end of output
            self.cond.notify_all()

    def wait_for(self, text, timeout=BOOT_TIMEOUT):
        """The first serial line containing @text, or None on exit/timeout."""
        end = time.monotonic() + timeout
        i = 0
        with self.cond:
            while True:
                while i < len(self.lines):
                    line = self.lines[i]
                    if line is None:
                        return None
                    if text in line:
                        return line
                    i += 1
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def wait_exit(self, timeout=BOOT_TIMEOUT):
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            rc = None
        self.reader.join(5)
        return rc

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def output(self):
        with self.cond:
            return [l for l in self.lines if l is not None]

    def elapsed(self):
        return time.monotonic() - self.start


def fail(guest, msg):
    print('\n'.join(guest.output()[-60:]))
    print('FAIL: ' + msg)
    sys.exit(1)


def expect_lines(guest, texts):
    out = guest.output()
    for t in texts:
        if not any(t in l for l in out):
            fail(guest, 'missing %r in the console output' % t)


def expect_absent(guest, texts):
    out = guest.output()
    for t in texts:
        bad = [l for l in out if t in l]
        if bad:
            fail(guest, 'unexpected %r in the console output' % bad[0])


def boot_to_exit(kemu, guest_dir, append, extra, texts, absent=()):
    g = Guest(kemu, guest_dir, append, extra)
    rc = g.wait_exit()
    if rc is None:
        fail(g, 'no exit within %d s' % BOOT_TIMEOUT)
    if rc != 0:
        fail(g, 'exit status %d, expected 0' % rc)
    expect_lines(g, texts)
    expect_absent(g, absent)
    print('ok: exit 0 after %.1f s' % g.elapsed())
    return g


def scenario_smp1(kemu, guest_dir):
    boot_to_exit(kemu, guest_dir, 'kemu.test=poweroff', ['-smp', '1'], [
        'ACPI: RSDP 0x00000000000F5A00',
        'ACPI: FACP ',
        'ACPI: DSDT ',
        'ACPI: APIC ',
        'ACPI: HPET ',
        'ACPI: HPET id: 0x8086a201 base: 0xfed00000',
        'ACPI: PM-Timer IO Port: 0x608',
        'ACPI: INT_SRC_OVR (bus 0 bus_irq 0 global_irq 2 dfl dfl)',
        'ACPI: INT_SRC_OVR (bus 0 bus_irq 9 global_irq 9 high level)',
        'IOAPIC[0]: apic_id 0, version 32, address 0xfec00000, GSI 0-23',
        'ACPI: Interpreter enabled',
        'ACPI: PM: (supports S0 S5)',
        # The HPET in legacy replacement mode drives IRQ 0 and the RTC's 8.
        'hpet0: at MMIO 0xfed00000, IRQs 2, 8, 0',
        'hpet0: 3 comparators, 64-bit 100.000000 MHz counter',
        'alarms up to one day, y3k, 114 bytes nvram, hpet irqs',
        'GUEST-INIT-OK',
        'ACPI: PM: Preparing to enter system sleep state S5',
        'reboot: Power down',
    ])


def scenario_smp2(kemu, guest_dir):
    boot_to_exit(kemu, guest_dir, 'kemu.test=cpus', ['-smp', '2'], [
        # MTRRs set up as firmware would, on both CPUs (INIT keeps them).
        'x86/PAT: Configuration [0-7]: WB  WC  UC- UC  WB  WP  UC- WT',
        'smpboot: Allowing 2 CPUs, 0 hotplug CPUs',
        'smp: Brought up 1 node, 2 CPUs',
        'GUEST-INIT-OK',
        'GUEST-CPUS 2',
        'reboot: Power down',
    ], absent=['MTRRs disabled', 'inconsistent', 'MTRRs all blank'])


def scenario_reboot(kemu, guest_dir):
    g = boot_to_exit(kemu, guest_dir, 'kemu.test=reboot', ['-smp', '1'], [
        'GUEST-INIT-OK',
        'reboot: Restarting system',
    ])
    if sum('GUEST-INIT-OK' in l for l in g.output()) != 1:
        fail(g, 'the guest booted twice despite -no-reboot')


def qmp_connect(path, timeout):
    """A connected QMP socket and its file after the greeting, or None."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            break
        except OSError:
            s.close()
            time.sleep(0.2)
    else:
        return None
    s.settimeout(max(1.0, end - time.monotonic()))
    f = s.makefile('rw', encoding='utf-8', newline='\n')
    try:
        greeting = json.loads(f.readline())
    except (OSError, ValueError):
        s.close()
        return None
    if 'QMP' not in greeting:
        s.close()
        return None
    return s, f


class Qmp:
    """A QMP connection from qmp_connect: commands, and the events seen."""

    def __init__(self, sock, f):
        self.sock, self.f = sock, f
        self.events = []

    def _read(self):
        msg = json.loads(self.f.readline())
        if 'event' in msg:
            self.events.append(msg)
        return msg

    def execute(self, cmd, **args):
        msg = {'execute': cmd}
        if args:
            msg['arguments'] = args
        self.f.write(json.dumps(msg) + '\n')
        self.f.flush()
        while True:
            r = self._read()
            if 'return' in r or 'error' in r:
                return r

    def wait_event(self, name, timeout):
        end = time.monotonic() + timeout
        while True:
            for e in self.events:
                if e['event'] == name:
                    return e
            left = end - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                self._read()
            except (socket.timeout, OSError, ValueError):
                return None


def scenario_powerdown(kemu, guest_dir):
    with tempfile.TemporaryDirectory(prefix='kemu-qmp-') as tmp:
        path = os.path.join(tmp, 'qmp.sock')
        g = Guest(kemu, guest_dir, 'kemu.test=powerbutton',
                  ['-smp', '1', '-qmp', 'unix:%s,server=on,wait=off' % path])
        conn = qmp_connect(path, 20)
        if conn is None:
            g.kill()
            print('\n'.join(g.output()[-5:]))
            fail(g, 'no QMP greeting on -qmp unix:...,server=on,wait=off')
        q = Qmp(*conn)
        if g.wait_for('GUEST-POWERBUTTON-READY') is None:
            g.kill()
            fail(g, 'the guest did not get ready for the power button')
        q.sock.settimeout(30)
        reply = q.execute('qmp_capabilities')
        if 'return' not in reply:
            g.kill()
            fail(g, 'qmp_capabilities: %r' % reply)
        reply = q.execute('system_powerdown')
        if 'return' not in reply:
            g.kill()
            fail(g, 'system_powerdown: %r' % reply)
        rc = g.wait_exit()
        q.sock.close()
        if rc != 0:
            fail(g, 'exit status %r after system_powerdown' % rc)
        expect_lines(g, ['GUEST-POWERBUTTON-PRESSED', 'reboot: Power down'])
        print('ok: powered off by the ACPI power button after %.1f s'
              % g.elapsed())


class Terminal:
    """A command on a pseudo-terminal, as a user at a shell runs it."""

    def __init__(self, argv, cwd):
        print('$ ' + ' '.join(argv), flush=True)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.chdir(cwd)
            os.execvp(argv[0], argv)
        self.buf = b''
        self.seen = 0           # wait_for searches from here on
        self.status = None

    def _read(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if r:
            try:
                data = os.read(self.fd, 4096)
            except OSError:     # EIO: the child closed the terminal
                data = b''
            if not data:
                self._reap(True)
            self.buf += data

    def _reap(self, block):
        if self.status is None:
            pid, st = os.waitpid(self.pid, 0 if block else os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(st)

    def wait_for(self, text, timeout):
        """True once @text appears after what the last wait_for matched."""
        end = time.monotonic() + timeout
        want = text.encode()
        while True:
            i = self.buf.find(want, self.seen)
            if i >= 0:
                self.seen = i + len(want)
                return True
            if self.status is not None or time.monotonic() > end:
                return False
            self._read(0.5)
            self._reap(False)

    def type(self, text):
        os.write(self.fd, text.encode())

    def wait_exit(self, timeout):
        end = time.monotonic() + timeout
        while self.status is None and time.monotonic() < end:
            self._read(0.5)     # keep draining: a full pty blocks the child
            self._reap(False)
        return self.status

    def kill(self):
        if self.status is None:
            os.kill(self.pid, 9)
            self._reap(True)

    def fail(self, msg):
        self.kill()
        print(self.buf.decode('utf-8', 'replace')[-4000:])
        print('FAIL: ' + msg)
        sys.exit(1)


def scenario_shell(kemu, guest_dir):
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
    os.environ.setdefault('KEMU_GUEST_DIR', guest_dir)
    t = Terminal(['bash', 'scripts/run-linux.sh',
                  os.path.dirname(os.path.abspath(kemu))], src)
    if not t.wait_for('kemu test guest: busybox shell', BOOT_TIMEOUT):
        t.fail('no shell banner')
    if not t.wait_for('# ', 60):
        t.fail('no shell prompt')
    t.type('echo $((6*7))x\r')
    if not t.wait_for('42x', 60):
        t.fail('the typed command printed nothing')
    t.type('\x01c')
    if not t.wait_for('(qemu)', 20):
        t.fail('Ctrl-a c did not switch to the monitor')
    t.type('info cpus\r')
    if not t.wait_for('CPU #1', 20):
        t.fail('info cpus does not list the second CPU')
    t.type('\x01c')
    time.sleep(0.5)
    t.type('\r')
    if not t.wait_for('# ', 60):
        t.fail('no shell prompt after Ctrl-a c back to the guest')
    t.type('poweroff\r')
    rc = t.wait_exit(120)
    if rc != 0:
        t.fail('exit status %r after poweroff typed at the prompt' % rc)
    if b'reboot: Power down' not in t.buf:
        t.fail('the guest did not power down')
    print('ok: shell, monitor and poweroff on a terminal')


SCENARIOS = {
    'smp1': scenario_smp1,
    'smp2': scenario_smp2,
    'reboot': scenario_reboot,
    'powerdown': scenario_powerdown,
    'shell': scenario_shell,
}


def build_guest(builder):
    """The guest directory (built or cached); exits with a failure when it
    cannot be built."""
    p = subprocess.run(['bash', builder], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    if p.returncode != 0:
        # Not a skip: make check installs what the builder needs, so a
        # failure here is a defect to see, not a test to hide.
        print(p.stderr)
        print('FAIL: cannot build the Linux test guest')
        sys.exit(1)
    return p.stdout.strip().splitlines()[-1]


def main():
    if len(sys.argv) != 4 or sys.argv[3] not in SCENARIOS:
        print(__doc__)
        return 2
    kemu, builder, name = sys.argv[1:]
    guest_dir = build_guest(builder)
    SCENARIOS[name](kemu, guest_dir)
    return 0


if __name__ == '__main__':
    sys.exit(main())
