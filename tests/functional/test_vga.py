#!/usr/bin/env python3
"""VGA text mode, Bochs VBE and screendump, pixel-exact.

    test_vga.py KEMU_BINARY GUEST_DIR FONT_C

Boots tests/guests/vga.S, which fills the 80x25 text screen (or, with
-append vbe, a 640x480x32 VBE framebuffer) with a pattern and prints
READY, then takes screendumps over QMP (PPM and PNG) and compares them
with the picture computed here from the same rules and the built-in font
(FONT_C, the generated hw/display/vga-font.c).
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_qmp import QMPClient  # noqa: E402

KEMU = GUESTS = FONT_C = None


def c6_to_8(v):
    return (v << 2) | ((v & 1) << 1) | (v & 1)


def ega_rgb(i):
    """Mode 3's DAC entry @i (the EGA 64-colour palette) as 8-bit RGB."""
    r = ((i >> 2) & 1) * 0x2a + ((i >> 5) & 1) * 0x15
    g = ((i >> 1) & 1) * 0x2a + ((i >> 4) & 1) * 0x15
    b = (i & 1) * 0x2a + ((i >> 3) & 1) * 0x15
    return bytes((c6_to_8(r), c6_to_8(g), c6_to_8(b)))


# attribute controller palette of mode 3
AR_PALETTE = [0, 1, 2, 3, 4, 5, 0x14, 7] + list(range(0x38, 0x40))


def load_font():
    with open(FONT_C) as f:
        text = f.read()
    body = text[text.index('{') + 1:text.rindex('}')]
    body = re.sub(r'/\*.*?\*/', '', body)
    vals = [int(v, 16) for v in re.findall(r'0x[0-9a-f]+', body)]
    assert len(vals) == 4096
    return vals


def expected_text():
    """720x400 RGB of the guest's text pattern (9-dot cells, no cursor)."""
    font = load_font()
    pal = [ega_rgb(AR_PALETTE[i]) for i in range(16)]
    rows = []
    for y in range(400):
        row = bytearray()
        for col in range(80):
            cell = (y // 16) * 80 + col
            ch = 0x20 + cell % 224
            attr = (cell * 7) & 0xff
            bits = font[ch * 16 + y % 16]
            fg, bg = pal[attr & 15], pal[attr >> 4]
            for x in range(9):
                if x < 8:
                    on = (bits >> (7 - x)) & 1
                else:
                    on = 0xc0 <= ch <= 0xdf and bits & 1
                row += fg if on else bg
        rows.append(bytes(row))
    return 720, 400, b''.join(rows)


def expected_vbe():
    rows = []
    for y in range(480):
        rows.append(b''.join(bytes((x & 0xff, y & 0xff, (x ^ y) & 0xff))
                             for x in range(640)))
    return 640, 480, b''.join(rows)


def read_ppm(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic, dims, maxval, pixels = data.split(b'\n', 3)
    assert magic == b'P6' and maxval == b'255', data[:20]
    w, h = map(int, dims.split())
    return w, h, pixels


def read_png(path):
    """8-bit RGB PNG -> (w, h, pixels); handles the five filter types."""
    with open(path, 'rb') as f:
        data = f.read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    pos, idat, w = 8, b'', 0
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h, depth, ctype = struct.unpack('>IIBB', chunk[:10])
            assert (depth, ctype) == (8, 2), (depth, ctype)
        elif kind == b'IDAT':
            idat += chunk
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * 3
    out = bytearray()
    prev = bytearray(stride)
    for y in range(h):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - 3] if i >= 3 else 0
            b = prev[i]
            c = prev[i - 3] if i >= 3 else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 0xff
            elif ftype == 2:
                line[i] = (line[i] + b) & 0xff
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xff
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pr) & 0xff
        out += line
        prev = line
    return w, h, bytes(out)


def qmp_connect(path, proc, timeout=20):
    """A QMP connection to kemu @proc's socket @path once it listens: the
    file exists from bind(), a moment before listen()."""
    deadline = time.time() + timeout
    while True:
        if os.path.exists(path):
            try:
                return QMPClient(path, timeout=60)
            except ConnectionRefusedError:
                pass
        if time.time() > deadline or proc.poll() is not None:
            raise AssertionError('kemu did not start: %r' % (
                proc.communicate() if proc.stdout else proc.poll(),))
        time.sleep(0.05)


class VGAGuest:
    """kemu running a tiny guest (vga.elf by default) with a QMP socket."""

    def __init__(self, extra=(), guest='vga.elf'):
        self.launch(['-m', '64', '-display', 'none',
                     '-kernel', os.path.join(GUESTS, guest)] + list(extra))

    def launch(self, args, env=None, accel='tcg'):
        """Start kemu with @args, the serial port in a file and QMP."""
        self.dir = tempfile.mkdtemp(prefix='kemu-vga-')
        self.serial = os.path.join(self.dir, 'serial.log')
        sock = os.path.join(self.dir, 'qmp.sock')
        self.proc = subprocess.Popen(
            [KEMU, '-accel', accel, '-serial', 'file:' + self.serial,
             '-qmp', 'unix:%s,server=on,wait=off' % sock] + args,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        self.qmp = qmp_connect(sock, self.proc)
        self.qmp.negotiate()

    def wait_serial(self, text, timeout=30):
        """The serial output once it contains @text."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            with open(self.serial, errors='replace') as f:
                out = f.read()
            if text in out:
                return out
            time.sleep(0.05)
        raise AssertionError('the guest never printed %r; it printed %r'
                             % (text, out))

    def wait_ready(self):
        self.wait_serial('READY\n')

    def hmp(self, line):
        rsp = self.qmp.cmd('human-monitor-command', {'command-line': line})
        return rsp['return']

    def path(self, name):
        return os.path.join(self.dir, name)

    def close(self):
        try:
            self.qmp.cmd('quit')
        except (OSError, EOFError):
            pass
        self.qmp.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class TestVGA(unittest.TestCase):
    def assert_same_picture(self, got, want):
        self.assertEqual(got[:2], want[:2], 'size')
        if got[2] != want[2]:
            w = want[0]
            bad = [i // 3 for i in range(0, len(want[2]), 3)
                   if got[2][i:i + 3] != want[2][i:i + 3]]
            self.fail('%d pixels differ, first at (%d, %d)'
                      % (len(bad), bad[0] % w, bad[0] // w))

    def test_text_mode(self):
        g = VGAGuest()
        try:
            g.wait_ready()
            self.assertEqual(g.qmp.cmd('screendump', {
                'filename': g.path('t.ppm')}), {'return': {}})
            self.assert_same_picture(read_ppm(g.path('t.ppm')),
                                     expected_text())
            self.assertEqual(g.qmp.cmd('screendump', {
                'filename': g.path('t.png'), 'format': 'png'}),
                {'return': {}})
            self.assert_same_picture(read_png(g.path('t.png')),
                                     expected_text())
        finally:
            g.close()

    def test_vbe(self):
        g = VGAGuest(['-append', 'vbe'])
        try:
            g.wait_ready()
            self.assertEqual(g.qmp.cmd('screendump', {
                'filename': g.path('v.png'), 'format': 'png'}),
                {'return': {}})
            self.assert_same_picture(read_png(g.path('v.png')),
                                     expected_vbe())
            # the same through HMP, PPM
            self.assertEqual(g.qmp.cmd('human-monitor-command', {
                'command-line': 'screendump %s' % g.path('v.ppm')}),
                {'return': ''})
            self.assert_same_picture(read_ppm(g.path('v.ppm')),
                                     expected_vbe())
        finally:
            g.close()

    def test_errors(self):
        g = VGAGuest()
        try:
            self.assertEqual(g.qmp.cmd('screendump', {
                'filename': '/nonexistent/x.ppm'}),
                {'error': {'class': 'GenericError', 'desc':
                           "failed to open file '/nonexistent/x.ppm': "
                           "No such file or directory"}})
            self.assertEqual(g.qmp.cmd('screendump', {
                'filename': g.path('x.ppm'), 'device': 'nodev'}),
                {'error': {'class': 'DeviceNotFound',
                           'desc': "Device 'nodev' not found"}})
            self.assertEqual(g.qmp.cmd('human-monitor-command', {
                'command-line': 'screendump %s -f gif' % g.path('x')}),
                {'return': 'Error: invalid parameter value: gif\r\n'})
        finally:
            g.close()

    def test_vga_none(self):
        g = VGAGuest(['-vga', 'none'])
        try:
            rsp = g.qmp.cmd('screendump', {'filename': g.path('n.ppm')})
            self.assertEqual(rsp['error']['class'], 'GenericError')
        finally:
            g.close()


if __name__ == '__main__':
    KEMU, GUESTS, FONT_C = sys.argv[1:4]
    del sys.argv[1:4]
    unittest.main(verbosity=2)
