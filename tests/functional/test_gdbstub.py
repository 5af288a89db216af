#!/usr/bin/env python3
"""The gdb stub (-gdb, -s, HMP gdbserver) against Debian's real gdb.

    test_gdbstub.py KEMU_BINARY GUEST_DIR

Runs kemu -S with a test guest of GUEST_DIR (hello.elf: prints the
multiboot magic with puthex32, then exits through isa-debug-exit with
status 33) and drives `gdb -batch` over TCP or a unix socket: breakpoints
on symbols (also inside a translated loop, -accel tcg,jit-threshold=0),
stepi, memory and register reads and writes (checked by what the guest
prints afterwards), threads, Ctrl-C, detach, and the guest's normal exit
as gdb sees it.
"""
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest

KEMU = None
GUESTS = None
TIMEOUT = 60
EXIT_PASS = 33


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def elf_symbols(path):
    """{name: address} of an ELF32/64 file's symbol table."""
    with open(path, 'rb') as f:
        data = f.read()
    is64 = data[4] == 2
    if is64:
        shoff, = struct.unpack_from('<Q', data, 0x28)
        shentsize, shnum = struct.unpack_from('<HH', data, 0x3a)
    else:
        shoff, = struct.unpack_from('<I', data, 0x20)
        shentsize, shnum = struct.unpack_from('<HH', data, 0x2e)
    sections = []
    for i in range(shnum):
        off = shoff + i * shentsize
        if is64:
            _, typ, _, _, offset, size, link, _, _, entsize = \
                struct.unpack_from('<IIQQQQIIQQ', data, off)
        else:
            _, typ, _, _, offset, size, link, _, _, entsize = \
                struct.unpack_from('<IIIIIIIIII', data, off)
        sections.append((typ, offset, size, link, entsize))
    syms = {}
    for typ, offset, size, link, entsize in sections:
        if typ != 2:        # SHT_SYMTAB
            continue
        strtab = sections[link][1]
        for off in range(offset, offset + size, entsize):
            if is64:
                name, _, _, _, value, _ = struct.unpack_from('<IBBHQQ',
                                                             data, off)
            else:
                name, value, _, _, _, _ = struct.unpack_from('<IIIBBH',
                                                             data, off)
            end = data.index(b'\0', strtab + name)
            syms[data[strtab + name:end].decode()] = value
    return syms


class Kemu:
    """kemu -S with a guest and a gdb stub; serial output in a file."""

    def __init__(self, tmp, guest, gdb_args, extra=()):
        self.serial = os.path.join(tmp, 'serial.txt')
        self.proc = subprocess.Popen(
            [KEMU, '-m', '128', '-nodefaults', '-display', 'none',
             '-serial', 'file:' + self.serial,
             '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04',
             '-kernel', os.path.join(GUESTS, guest), '-S'] +
            list(gdb_args) + list(extra),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)

    def wait(self):
        try:
            out, err = self.proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
            raise AssertionError('kemu did not exit: ' + err.decode())
        return self.proc.returncode, err.decode()

    def serial_text(self):
        with open(self.serial, errors='replace') as f:
            return f.read()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


def wait_for_listener(target):
    """Until the stub accepts (a TCP port or a unix socket path)."""
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:
        family = socket.AF_INET if isinstance(target, int) else \
            socket.AF_UNIX
        # a probe connection, closed before sending anything
        with socket.socket(family) as s:
            try:
                s.connect(('127.0.0.1', target) if isinstance(target, int)
                          else target)
                return
            except OSError:
                pass
        time.sleep(0.05)
    raise AssertionError('gdb stub never listened on %s' % target)


def run_gdb(target, commands, guest_elf, timeout=TIMEOUT):
    """gdb -batch: connect, load the guest's symbols, run @commands."""
    args = ['gdb', '-batch', '-nx',
            '-ex', 'set pagination off',
            '-ex', 'set confirm off',
            '-ex', 'target remote %s' % (
                ':%d' % target if isinstance(target, int) else target),
            '-ex', 'symbol-file %s' % guest_elf]
    for c in commands:
        args += ['-ex', c]
    r = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=timeout)
    return r.stdout.decode() + r.stderr.decode()


def values(out, name):
    """The values of `echo NAME=` then `p/x EXPR` pairs, in order."""
    return [int(v, 16) for v in
            re.findall(r'^%s=\$\d+ = (0x[0-9a-f]+)$' % name, out, re.M)]


def frame(payload):
    return b'$%s#%02x' % (payload, sum(payload) & 0xff)


class RawGdb:
    """The remote protocol by hand, for what gdb -batch cannot do (Ctrl-C
    while running, bad checksums)."""

    def __init__(self, port):
        self.sock = socket.create_connection(('127.0.0.1', port), TIMEOUT)
        self.buf = b''

    def read_until(self, pattern):
        while True:
            m = re.search(pattern, self.buf, re.S)
            if m:
                self.buf = self.buf[m.end():]
                return m
            chunk = self.sock.recv(4096)
            if not chunk:
                raise AssertionError('closed; got %r' % self.buf)
            self.buf += chunk

    def packet(self):
        """The next packet's payload (checksum verified), acked."""
        m = self.read_until(rb'\$([^#]*)#([0-9a-f]{2})')
        if sum(m.group(1)) & 0xff != int(m.group(2), 16):
            raise AssertionError('bad checksum in %r' % m.group(0))
        self.sock.sendall(b'+')
        return m.group(1)

    def command(self, payload):
        self.sock.sendall(frame(payload))
        self.read_until(rb'\+')
        return self.packet()

    def close(self):
        self.sock.close()


class GdbStubTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='kemu-gdb-')
        self.elf = os.path.join(GUESTS, 'hello.elf')
        self.syms = elf_symbols(self.elf)
        self.kemu = None

    def tearDown(self):
        if self.kemu:
            self.kemu.kill()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, extra=(), unix=False):
        if unix:
            target = os.path.join(self.tmp, 'gdb.sock')
            gdb_args = ['-gdb', 'unix:%s,server=on,wait=off' % target]
        else:
            target = free_port()
            gdb_args = ['-gdb', 'tcp::%d' % target]
        self.kemu = Kemu(self.tmp, 'hello.elf', gdb_args, extra)
        wait_for_listener(target)
        return target

    def check_exit(self, out):
        """gdb saw the guest's isa-debug-exit; kemu exited with it."""
        status, err = self.kemu.wait()
        self.assertEqual(status, EXIT_PASS, err)
        # gdb prints exit codes in octal
        self.assertIn('exited with code %03o]' % EXIT_PASS, out)

    def test_break_step_memory_registers(self):
        target = self.start()
        puthex = self.syms['puthex32']
        out = run_gdb(target, [
            'echo start=', 'p/x $pc',
            'break puthex32', 'continue',
            'echo hit=', 'p/x $rip',
            'info registers rip',
            'x/4xb puthex32',
            'stepi',
            'echo step=', 'p/x $rip',
            # eax is what puthex32 prints: the guest shows the write
            'set var $rax = 0x1234abcd',
            'echo rax=', 'p/x $rax',
            'set {unsigned int}0x90000 = 0xcafe1234',
            'echo mem=', 'p/x *(unsigned int *)0x90000',
            'x/1xw 0xfffff000000',
            'info threads',
            'monitor info status',
            'delete', 'continue'], self.elf)
        self.assertEqual(values(out, 'start'), [self.syms['_start']], out)
        self.assertEqual(values(out, 'hit'), [puthex], out)
        self.assertRegex(out, r'rip\s+0x%x\s+0x%x <puthex32>' %
                         (puthex, puthex))
        # push %eax; push %ecx; push %edx; mov %eax,%edx (hello's code)
        self.assertRegex(out, r'<puthex32>:\s+0x50\s+0x51\s+0x52\s+0x89')
        self.assertEqual(values(out, 'step'), [puthex + 1], out)
        self.assertEqual(values(out, 'rax'), [0x1234abcd], out)
        self.assertEqual(values(out, 'mem'), [0xcafe1234], out)
        self.assertIn('Cannot access memory at address 0xfffff000000', out)
        self.assertRegex(out, r'\* 1\s+Thread 1 .*puthex32')
        # qRcmd: HMP through gdb; a breakpoint stops the VM in "debug"
        self.assertRegex(out, r'VM status: paused \(debug\)\r?\n')
        self.check_exit(out)
        self.assertIn('multiboot magic: 1234ABCD',
                      self.kemu.serial_text().replace('abcd', 'ABCD'))

    def test_breakpoint_inside_translated_loop(self):
        """Every block translated before its first run: a breakpoint in
        the middle of puthex32's 8-iteration loop still stops each time."""
        target = self.start(['-accel', 'tcg,jit-threshold=0'])
        bp = self.syms['puthex32'] + 13
        cmds = ['break *%#x' % bp]
        for _ in range(8):
            cmds += ['continue', 'echo rip=', 'p/x $rip',
                     'echo ecx=', 'p/x $ecx']
        cmds += ['delete', 'continue']
        out = run_gdb(target, cmds, self.elf)
        self.assertEqual(values(out, 'rip'), [bp] * 8, out)
        self.assertEqual(values(out, 'ecx'), list(range(8, 0, -1)), out)
        self.check_exit(out)
        self.assertIn('multiboot magic: 2badb002',
                      self.kemu.serial_text().lower())

    def test_watchpoints(self):
        """Z2/Z3: the call into serial_init writes its return address on
        the stack (0x7fffc, from ESP = 0x80000), its ret reads it."""
        target = self.start(['-accel', 'tcg,jit-threshold=0'])
        ret_addr = self.syms['_start'] + 12    # after mov, mov, call
        out = run_gdb(target, [
            'watch *(unsigned int *)0x7fffc', 'continue',
            'echo w=', 'p/x $pc', 'delete',
            'rwatch *(unsigned int *)0x7fffc', 'continue',
            'echo r=', 'p/x $pc', 'delete', 'continue'], self.elf)
        self.assertIn('Hardware watchpoint 1: *(unsigned int *)0x7fffc\n\n'
                      'Old value = 0\nNew value = %d' % ret_addr, out)
        self.assertEqual(values(out, 'w'), [self.syms['serial_init']], out)
        self.assertIn('Value = %d' % ret_addr, out)
        self.assertEqual(values(out, 'r'), [ret_addr], out)
        self.check_exit(out)

    def test_unix_socket_detach(self):
        """-gdb unix:...: gdb quits (detaches) and the guest runs on."""
        target = self.start(unix=True)
        out = run_gdb(target, ['break serial_init', 'continue',
                               'echo hit=', 'p/x $pc', 'detach'], self.elf)
        self.assertEqual(values(out, 'hit'), [self.syms['serial_init']], out)
        self.assertIn('[Inferior 1 (Remote target) detached]', out)
        status, err = self.kemu.wait()
        self.assertEqual(status, EXIT_PASS, err)
        self.assertIn('Hello from a kemu test guest', self.kemu.serial_text())

    def test_protocol_ctrl_c(self):
        """Ctrl-C stops a running guest (SIGINT); bad checksums get '-'."""
        port = self.start()
        puthex = self.syms['puthex32']
        g = RawGdb(port)
        try:
            self.assertEqual(g.command(b'?'), b'T05thread:01;')
            g.sock.sendall(b'$?#00')
            g.read_until(rb'-')
            # jmp . at puthex32: the guest spins there until interrupted
            self.assertEqual(g.command(b'M%x,2:ebfe' % puthex), b'OK')
            self.assertEqual(g.command(b'm%x,2' % puthex), b'ebfe')
            self.assertEqual(g.command(b'mfffffffff000,4'), b'E14')
            g.sock.sendall(frame(b'vCont;c'))
            g.read_until(rb'\+')
            time.sleep(0.3)
            g.sock.sendall(b'\x03')
            self.assertEqual(g.packet(), b'T02thread:01;')
            rip = bytes.fromhex(g.command(b'p10').decode())
            self.assertEqual(int.from_bytes(rip, 'little'), puthex)
            self.assertIn(b'PacketSize=1000', g.command(b'qSupported'))
            self.assertEqual(g.command(b'qAttached'), b'1')
            self.assertEqual(g.command(b'qfThreadInfo'), b'm1')
            self.assertEqual(g.command(b'Z2,90000,4'), b'OK')
            self.assertEqual(g.command(b'z2,90000,4'), b'OK')
            self.assertEqual(g.command(b'z2,90000,4'), b'E22')
            self.assertEqual(g.command(b'D'), b'OK')
        finally:
            g.close()
        time.sleep(0.3)
        self.assertIsNone(self.kemu.proc.poll())    # detached: spinning

    def test_smp_threads(self):
        """One thread per vCPU: a breakpoint hit by the AP stops both."""
        port = free_port()
        self.elf = os.path.join(GUESTS, 'smp.elf')
        syms = elf_symbols(self.elf)
        self.kemu = Kemu(self.tmp, 'smp.elf', ['-gdb', 'tcp::%d' % port],
                         ['-smp', '2'])
        wait_for_listener(port)
        out = run_gdb(port, [
            'info threads', 'break ap_entry32', 'continue',
            'echo ap=', 'p/x $pc', 'info threads',
            'thread 1', 'echo bsp=', 'p/x $pc',
            'thread 2', 'stepi', 'echo step=', 'p/x $pc',
            'delete', 'continue'], self.elf)
        self.assertIn('Thread 2 hit Breakpoint 1', out)
        self.assertEqual(values(out, 'ap'), [syms['ap_entry32']], out)
        self.assertEqual(len(values(out, 'bsp')), 1, out)
        self.assertNotEqual(values(out, 'bsp'), values(out, 'ap'), out)
        # mov $0x10, %ax: 4 bytes
        self.assertEqual(values(out, 'step'), [syms['ap_entry32'] + 4], out)
        self.assertRegex(out, r'2\s+Thread 2 \(CPU#1 \[halted \]\)')
        self.check_exit(out)
        self.assertIn('shared counter: 00002710', self.kemu.serial_text())

    @unittest.skipUnless(os.access('/dev/kvm', os.R_OK | os.W_OK),
                         'no /dev/kvm')
    def test_kvm_says_not_supported(self):
        """Under KVM: registers and memory, no breakpoints (said clearly)."""
        target = self.start(['-accel', 'kvm'])
        out = run_gdb(target, ['echo pc=', 'p/x $pc', 'x/1xb $pc',
                               'break puthex32', 'continue', 'delete',
                               'detach'], self.elf)
        self.assertEqual(values(out, 'pc'), [self.syms['_start']], out)
        self.assertRegex(out, r'<_start>:\s+0xbc')     # mov $..., %esp
        self.assertIn('Cannot insert breakpoint 1.', out)
        status, err = self.kemu.wait()
        self.assertIn('gdbstub: breakpoints and single-step are not '
                      'supported with KVM yet', err)
        self.assertEqual(status, EXIT_PASS, err)
        # gdb's fallback would have patched int3 into the guest: it did not
        self.assertIn('multiboot magic: 2badb002', self.kemu.serial_text())

    def test_kill(self):
        target = self.start()
        out = run_gdb(target, ['stepi', 'kill'], self.elf)
        status, err = self.kemu.wait()
        self.assertEqual(status, 0, out + err)
        self.assertIn('Terminated via GDBstub', err)

    def test_hmp_gdbserver_and_help(self):
        mon = os.path.join(self.tmp, 'mon.sock')
        port = free_port()
        self.kemu = Kemu(self.tmp, 'hello.elf',
                         ['-monitor', 'unix:%s,server=on,wait=off' % mon])
        wait_for_listener(mon)
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(mon)
            s.settimeout(TIMEOUT)
            buf = b''
            s.sendall(b'gdbserver tcp::%d\r\n' % port)
            while b"Waiting for gdb connection on device 'tcp::%d'" % port \
                    not in buf:
                chunk = s.recv(4096)
                self.assertTrue(chunk, buf)
                buf += chunk
            out = run_gdb(port, ['echo pc=', 'p/x $pc', 'detach'], self.elf)
            self.assertEqual(values(out, 'pc'), [self.syms['_start']], out)
        # -S: detaching from gdb ran the guest to its end
        status, err = self.kemu.wait()
        self.assertEqual(status, EXIT_PASS, err)
        help_text = subprocess.run([KEMU, '-help'], capture_output=True,
                                   timeout=TIMEOUT).stdout.decode()
        self.assertIn("-gdb dev        accept gdb connection on 'dev'.",
                      help_text)
        self.assertIn('-s              shorthand for -gdb tcp::1234',
                      help_text)


if __name__ == '__main__':
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    KEMU, GUESTS = sys.argv[1], sys.argv[2]
    if not shutil.which('gdb'):
        print('SKIP: gdb not installed (scripts/install-deps.sh)')
        sys.exit(77)
    del sys.argv[1:3]
    unittest.main(verbosity=2)
