#!/usr/bin/env python3
"""The VNC server with real clients: a small RFB 3.8 client written here
(raw encoding, pixel-exact) and Debian's vncsnapshot when installed.

    test_vnc.py KEMU_BINARY GUEST_DIR FONT_C

The pictures are tests/guests/vga.S's VBE pattern and text screen; keys
typed through VNC reach tests/guests/kbd.S.  Also RFB over WebSockets
(websocket=on) and the monitor's text console (Ctrl-Alt-2, read back
into text with the VGA font FONT_C).
"""
import base64
import hashlib
import os
import random
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import shutil

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import screen_text  # noqa: E402
import test_vga  # noqa: E402
from test_vga import VGAGuest, expected_vbe, read_ppm  # noqa: E402


def free_display():
    """A display number whose ports 5900+N (and 5700+N for websocket=on)
    are free now; in random order, so that tests running at the same
    time (other checkouts too) rarely pick the same."""
    for d in random.sample(range(40, 100), 60):
        try:
            for port in 5900 + d, 5700 + d:
                with socket.socket() as s:
                    s.bind(('127.0.0.1', port))
            return d
        except OSError:
            continue
    raise AssertionError('no free VNC port')


def recv_exactly(sock, n):
    data = b''
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError('server closed the connection')
        data += chunk
    return data


class WebSocket:
    """A WebSocket client (RFC 6455, binary frames) with the socket calls
    RFBClient makes, for RFB over WebSockets as noVNC speaks it."""

    GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'

    def __init__(self, port):
        self.sock = socket.create_connection(('127.0.0.1', port), 10)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((
            'GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n'
            'Upgrade: websocket\r\nConnection: Upgrade\r\n'
            'Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n'
            'Sec-WebSocket-Protocol: binary\r\n'
            'Origin: http://127.0.0.1\r\n\r\n' % (port, key)).encode())
        head = b''
        while not head.endswith(b'\r\n\r\n'):
            head += self.read(1)
        self.response = head.decode()
        accept = base64.b64encode(hashlib.sha1(
            (key + self.GUID).encode()).digest()).decode()
        assert self.response.startswith('HTTP/1.1 101'), self.response
        assert 'Sec-WebSocket-Accept: %s\r\n' % accept in self.response, \
            self.response
        self.buf = b''

    def settimeout(self, t):
        self.sock.settimeout(t)

    def read(self, n):
        return recv_exactly(self.sock, n)

    def recv(self, n):
        while not self.buf:
            b0, b1 = self.read(2)
            length = b1 & 0x7f
            if length == 126:
                (length,) = struct.unpack('>H', self.read(2))
            elif length == 127:
                (length,) = struct.unpack('>Q', self.read(8))
            mask = self.read(4) if b1 & 0x80 else bytes(4)
            data = bytes(b ^ mask[i % 4]
                         for i, b in enumerate(self.read(length)))
            if b0 & 0x0f == 8:
                return b''
            assert b0 & 0x0f in (0, 2), 'opcode %d' % (b0 & 0x0f)
            self.buf += data
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def sendall(self, data):
        # client frames are masked; the payloads here are short
        mask = os.urandom(4)
        head = bytes((0x82, 0x80 | len(data))) if len(data) < 126 else \
            struct.pack('>BBH', 0x82, 0x80 | 126, len(data))
        self.sock.sendall(head + mask + bytes(
            b ^ mask[i % 4] for i, b in enumerate(data)))

    def close(self):
        self.sock.close()


class RFBClient:
    """RFB 3.8, no authentication, 32-bit true colour, raw encoding;
    over @sock (a WebSocket) when given."""

    def __init__(self, port, shared=True, sock=None):
        self.sock = sock or socket.create_connection(('127.0.0.1', port), 10)
        self.sock.settimeout(10)
        assert self.recv(12).startswith(b'RFB 003.')
        self.sock.sendall(b'RFB 003.008\n')
        n = self.recv(1)[0]
        self.security_types = list(self.recv(n))
        if 1 not in self.security_types:
            return
        self.sock.sendall(b'\x01')
        assert self.recv(4) == b'\0\0\0\0'
        self.sock.sendall(b'\x01' if shared else b'\x00')
        init = self.recv(24)
        self.width, self.height = struct.unpack('>HH', init[:4])
        self.name = self.recv(struct.unpack('>I', init[20:24])[0])
        self.fb = bytearray(self.width * self.height * 3)
        # 32 bpp, depth 24, little endian, true colour, R<<16 G<<8 B
        self.sock.sendall(struct.pack('>BxxxBBBBHHHBBBxxx', 0, 32, 24, 0, 1,
                                      255, 255, 255, 16, 8, 0))
        # raw, DesktopSize
        self.sock.sendall(struct.pack('>BxHii', 2, 2, 0, -223))

    def recv(self, n):
        return recv_exactly(self.sock, n)

    def request(self, incremental):
        self.sock.sendall(struct.pack('>BBHHHH', 3, incremental, 0, 0,
                                      self.width, self.height))

    def read_update(self, timeout=10):
        """One FramebufferUpdate: the list of (x, y, w, h, encoding)."""
        self.sock.settimeout(timeout)
        try:
            while True:
                kind = self.recv(1)[0]
                if kind == 0:
                    break
                if kind == 2:               # bell
                    continue
                if kind == 3:               # cut text
                    self.recv(3)
                    self.recv(struct.unpack('>I', self.recv(4))[0])
                    continue
                raise AssertionError('unexpected message %d' % kind)
        finally:
            self.sock.settimeout(10)
        rects = []
        (n,) = struct.unpack('>xH', self.recv(3))
        for _ in range(n):
            x, y, w, h, enc = struct.unpack('>HHHHi', self.recv(12))
            rects.append((x, y, w, h, enc))
            if enc == -223:
                self.width, self.height = w, h
                self.fb = bytearray(w * h * 3)
            elif enc == 0:
                data = self.recv(w * h * 4)
                for row in range(h):
                    src = data[row * w * 4:(row + 1) * w * 4]
                    line = bytearray(w * 3)
                    # B, G, R, X -> R, G, B
                    line[0::3], line[1::3], line[2::3] = \
                        src[2::4], src[1::4], src[0::4]
                    o = ((y + row) * self.width + x) * 3
                    self.fb[o:o + w * 3] = line
            else:
                raise AssertionError('encoding %d' % enc)
        return rects

    def key(self, keysym, down):
        self.sock.sendall(struct.pack('>BBxxI', 4, down, keysym))

    def type(self, text):
        """Type @text as a VNC viewer does on a US keyboard: Shift
        pressed around the characters that need it, newline as Return."""
        for ch in text:
            if ch == '\n':
                keys = [0xff0d]
            elif ch.isupper() or ch in '~!@#$%^&*()_+{}|:"<>?':
                keys = [0xffe1, ord(ch)]
            else:
                keys = [ord(ch)]
            for k in keys:
                self.key(k, 1)
            for k in reversed(keys):
                self.key(k, 0)

    def close(self):
        self.sock.close()


class TestVNC(unittest.TestCase):
    def start(self, extra, guest='vga.elf'):
        self.display = free_display()
        return VGAGuest(['-vnc', '127.0.0.1:%d' % self.display] + extra,
                        guest=guest)

    def test_picture_and_updates(self):
        g = self.start(['-append', 'vbe'])
        c = None
        try:
            g.wait_ready()
            c = RFBClient(5900 + self.display)
            self.assertEqual(c.name, b'QEMU')
            self.assertEqual((c.width, c.height), (640, 480))
            c.request(0)
            c.read_update()
            w, h, want = expected_vbe()
            self.assertEqual(bytes(c.fb), want)
            # an unchanged screen sends nothing for an incremental request
            c.request(1)
            with self.assertRaises(socket.timeout):
                c.read_update(timeout=0.5)
            ev = g.qmp.wait_event('VNC_CONNECTED')
            self.assertEqual(ev['data']['server'], {
                'host': '127.0.0.1', 'service': str(5900 + self.display),
                'family': 'ipv4', 'websocket': False, 'auth': 'none'})
            info = g.qmp.cmd('query-vnc')['return']
            self.assertEqual(info['auth'], 'none')
            self.assertEqual(len(info['clients']), 1)
            out = g.hmp('info vnc')
            self.assertTrue(out.startswith(
                'default:\r\n  Server: 127.0.0.1:%d (ipv4)\r\n'
                '    Auth: none (Sub: none)\r\n  Client: 127.0.0.1:'
                % (5900 + self.display)), out)
            self.assertTrue(out.endswith('    x509_dname: none\r\n'
                                         '    sasl_username: none\r\n'), out)
            c.close()
            c = None
            g.qmp.wait_event('VNC_DISCONNECTED')
            self.assertEqual(g.qmp.cmd('query-vnc')['return']['clients'], [])
        finally:
            if c:
                c.close()
            g.close()

    def test_websocket(self):
        # websocket=on: port 5700 + display, as QEMU
        self.display = free_display()
        g = VGAGuest(['-vnc', '127.0.0.1:%d,websocket=on' % self.display,
                      '-append', 'vbe'])
        c = None
        try:
            g.wait_ready()
            c = RFBClient(None, sock=WebSocket(5700 + self.display))
            self.assertEqual((c.width, c.height), (640, 480))
            c.request(0)
            c.read_update()
            self.assertEqual(bytes(c.fb), expected_vbe()[2])
            ev = g.qmp.wait_event('VNC_CONNECTED')
            self.assertEqual(ev['data']['server']['service'],
                             str(5700 + self.display))
            self.assertTrue(ev['data']['server']['websocket'])
            self.assertTrue(ev['data']['client']['websocket'])
            info = g.qmp.cmd('query-vnc')['return']
            self.assertEqual(info['service'], str(5900 + self.display))
            self.assertEqual(len(info['clients']), 1)
            self.assertTrue(info['clients'][0]['websocket'])
            # the plain port still speaks plain RFB
            plain = RFBClient(5900 + self.display)
            self.assertEqual(plain.name, b'QEMU')
            plain.close()
        finally:
            if c:
                c.close()
            g.close()

    def test_text_console(self):
        # -monitor vc: console 2; Ctrl-Alt-2 from the client shows it
        # and what the client types goes to the monitor
        g = self.start(['-append', 'vbe', '-monitor', 'vc'])
        c = None
        font = test_vga.load_font()

        def screen():
            c.request(0)
            c.read_update()
            return screen_text.screen_lines(c.width, c.height, bytes(c.fb),
                                            font)

        def ctrl_alt(key):
            for k, down in [(0xffe3, 1), (0xffe9, 1), (key, 1), (key, 0),
                            (0xffe9, 0), (0xffe3, 0)]:
                c.key(k, down)
        try:
            g.wait_ready()
            c = RFBClient(5900 + self.display)
            ctrl_alt(ord('2'))
            deadline = time.time() + 20
            while True:
                lines = screen()
                if (c.width, c.height) == (640, 384) and \
                   lines[0].startswith('QEMU ') and \
                   lines[0].endswith(" monitor - type 'help' for more "
                                     "information"):
                    break
                self.assertLess(time.time(), deadline, '\n'.join(lines))
                time.sleep(0.1)
            c.type('info status\n')
            # (the block cursor after the last prompt reads as '?')
            while lines[1:3] != ['(qemu) info status', 'VM status: running'] \
                    or not lines[3].startswith('(qemu)'):
                self.assertLess(time.time(), deadline, '\n'.join(lines))
                time.sleep(0.1)
                lines = screen()
            # once the monitor is done drawing, an unchanged text console
            # sends nothing
            for _ in range(20):
                c.request(1)
                try:
                    c.read_update(timeout=0.5)
                except socket.timeout:
                    break
            else:
                self.fail('the text console never stops sending updates')
            ctrl_alt(ord('1'))
            # (an update of the old console may still be on its way)
            while (c.width, c.height) != (640, 480) or \
                    bytes(c.fb) != expected_vbe()[2]:
                self.assertLess(time.time(), deadline)
                c.request(0)
                c.read_update()
        finally:
            if c:
                c.close()
            g.close()

    def test_share(self):
        # allow-exclusive (the default): a client asking for the desktop
        # alone disconnects the others; force-shared: nobody is
        for share, kept in (None, False), ('force-shared', True):
            opt = ',share=' + share if share else ''
            self.display = free_display()
            g = VGAGuest(['-vnc', '127.0.0.1:%d%s' % (self.display, opt),
                          '-append', 'vbe'])
            a = b = None
            try:
                g.wait_ready()
                a = RFBClient(5900 + self.display)
                b = RFBClient(5900 + self.display, shared=False)
                b.request(0)
                b.read_update()
                self.assertEqual(bytes(b.fb), expected_vbe()[2])
                a.request(0)
                if kept:
                    a.read_update()
                    self.assertEqual(bytes(a.fb), expected_vbe()[2])
                else:
                    with self.assertRaises((EOFError, ConnectionError)):
                        a.read_update()
            finally:
                for c in a, b:
                    if c:
                        c.close()
                g.close()

    def test_to(self):
        # to=N: the first free display from the given one up to N
        self.display = free_display()
        with socket.socket() as busy:
            busy.bind(('127.0.0.1', 5900 + self.display))
            busy.listen()
            g = VGAGuest(['-vnc', '127.0.0.1:%d,to=%d'
                          % (self.display, self.display + 5)])
            try:
                self.assertEqual(g.qmp.cmd('query-vnc')['return']['service'],
                                 str(5901 + self.display))
                c = RFBClient(5901 + self.display)
                self.assertEqual(c.name, b'QEMU')
                c.close()
            finally:
                g.close()
            p = subprocess.run([test_vga.KEMU, '-display', 'none', '-vnc',
                                '127.0.0.1:%d' % self.display],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=20)
            self.assertEqual(p.returncode, 1)
            self.assertEqual(p.stderr.decode(),
                             'kemu-system-x86_64: -vnc 127.0.0.1:%d: Failed '
                             'to find an available port: Address already in '
                             'use\n' % self.display)

    def test_desktop_resize(self):
        g = self.start(['-append', 'vbe', '-S'])
        c = None
        try:
            c = RFBClient(5900 + self.display)
            c.request(0)
            c.read_update()
            self.assertEqual((c.width, c.height), (720, 400))
            self.assertEqual(g.qmp.cmd('cont'), {'return': {}})
            g.wait_ready()
            c.request(1)
            rects = c.read_update()
            self.assertIn((0, 0, 640, 480, -223), rects)
            c.request(0)
            c.read_update()
            self.assertEqual(bytes(c.fb), expected_vbe()[2])
        finally:
            if c:
                c.close()
            g.close()

    def test_keys(self):
        g = self.start([], guest='kbd.elf')
        c = None
        try:
            g.wait_ready()
            c = RFBClient(5900 + self.display)
            for keysym, down in [(ord('a'), 1), (ord('a'), 0)]:
                c.key(keysym, down)
            g.wait_serial('SET1\n')
            # shifted symbols arrive as their key (the client sends Shift)
            for keysym, down in [(0xffe1, 1), (ord('!'), 1), (ord('!'), 0),
                                 (0xffe1, 0), (0xff0d, 1), (0xff0d, 0)]:
                c.key(keysym, down)
            g.wait_serial('SET1\nk2a k02 k82 kaa k1c k9c ', 10)
        finally:
            if c:
                c.close()
            g.close()

    def test_password(self):
        g = self.start(['-append', 'vbe', '-vnc',
                        '127.0.0.1:%d,password=on' % free_display()])
        try:
            # the last -vnc wins, as in QEMU
            self.assertEqual(g.qmp.cmd('query-vnc')['return']['auth'], 'vnc')
            self.assertEqual(g.qmp.cmd('change-vnc-password',
                                       {'password': 'secret'}),
                             {'return': {}})
            self.assertEqual(g.hmp('change vnc password other'), '')
            self.assertEqual(g.hmp('set_password vnc third'), '')
            port = int(g.qmp.cmd('query-vnc')['return']['service'])
            c = RFBClient(port)
            self.assertEqual(c.security_types, [2])
            c.close()
        finally:
            g.close()
        g = self.start([])
        try:
            self.assertEqual(g.qmp.cmd('change-vnc-password',
                                       {'password': 'x'}),
                             {'error': {'class': 'GenericError',
                                        'desc': 'Could not set password'}})
        finally:
            g.close()

    @unittest.skipUnless(shutil.which('vncsnapshot') and shutil.which('djpeg'),
                         'needs vncsnapshot and djpeg (libjpeg-turbo-progs)')
    def test_vncsnapshot(self):
        g = self.start(['-append', 'vbe'])
        try:
            g.wait_ready()
            jpg = g.path('snap.jpg')
            subprocess.run(['vncsnapshot', '-quiet', '-quality', '100',
                            '127.0.0.1:%d' % self.display, jpg], check=True,
                           timeout=30, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            ppm = g.path('snap.ppm')
            with open(ppm, 'wb') as f:
                subprocess.run(['djpeg', '-pnm', jpg], stdout=f, check=True)
            w, h, got = read_ppm(ppm)
            self.assertEqual((w, h), (640, 480))
            g.qmp.cmd('screendump', {'filename': g.path('dump.ppm')})
            want = read_ppm(g.path('dump.ppm'))[2]
            # JPEG at quality 100 is close but not exact
            err = max(abs(a - b) for a, b in zip(got, want))
            self.assertLess(err, 24, 'max channel error %d' % err)
        finally:
            g.close()


if __name__ == '__main__':
    test_vga.KEMU, test_vga.GUESTS, test_vga.FONT_C = sys.argv[1:4]
    del sys.argv[1:4]
    unittest.main(verbosity=2)
