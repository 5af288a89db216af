#!/usr/bin/env python3
"""-display sdl under Xvfb: the window shows the guest's picture
pixel-exact (captured with xwd), keys typed into it with xdotool reach
the guest, Ctrl-Alt-G grabs and releases (window title), and without an
X display SDL fails with QEMU's message.

    test_sdl.py KEMU_BINARY GUEST_DIR

Skips when Xvfb, xwd or xdotool is missing (packages xvfb, x11-apps,
xdotool).
"""
import os
import shutil
import struct
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_vga  # noqa: E402
from test_vga import VGAGuest, expected_vbe  # noqa: E402

TOOLS = all(shutil.which(t) for t in ('Xvfb', 'xwd', 'xdotool'))


def read_xwd(data):
    """XWD (X11 window dump) with 32-bit pixels -> (w, h, RGB bytes)."""
    f = struct.unpack('>25I', data[:100])
    hsize, w, h, byte_order, bpp, bpl, ncolors = (f[0], f[4], f[5], f[7],
                                                  f[11], f[12], f[19])
    assert bpp == 32, bpp
    off = hsize + ncolors * 12
    out = bytearray()
    for y in range(h):
        row = data[off + y * bpl:off + y * bpl + w * 4]
        for x in range(w):
            p = row[x * 4:x * 4 + 4]
            out += bytes((p[2], p[1], p[0]) if byte_order == 0
                         else (p[1], p[2], p[3]))
    return w, h, bytes(out)


def start_xvfb(screen):
    """Xvfb on a free display with one @screen (WxHxD): (process, ':N')."""
    for n in range(70, 100):
        if not os.path.exists('/tmp/.X11-unix/X%d' % n) and \
           not os.path.exists('/tmp/.X%d-lock' % n):
            break
    xvfb = subprocess.Popen(['Xvfb', ':%d' % n, '-screen', '0', screen,
                             '-nolisten', 'tcp'],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while not os.path.exists('/tmp/.X11-unix/X%d' % n):
        if time.time() > deadline:
            xvfb.kill()
            raise AssertionError('Xvfb did not start')
        time.sleep(0.05)
    return xvfb, ':%d' % n


def find_window(env, name='^QEMU'):
    """The id of the first X window whose title matches @name."""
    deadline = time.time() + 10
    while time.time() < deadline:
        r = subprocess.run(['xdotool', 'search', '--name', name],
                           env=env, stdout=subprocess.PIPE)
        if r.stdout.split():
            return r.stdout.split()[0].decode()
        time.sleep(0.1)
    raise AssertionError('no window named %r' % name)


@unittest.skipUnless(TOOLS, 'needs Xvfb, xwd and xdotool')
class TestSDL(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.xvfb, cls.display = start_xvfb('1024x768x24')
        cls.env = dict(os.environ, DISPLAY=cls.display)

    @classmethod
    def tearDownClass(cls):
        cls.xvfb.terminate()
        cls.xvfb.wait()

    def x(self, *args):
        return subprocess.run(args, env=self.env, check=True, timeout=20,
                              stdout=subprocess.PIPE).stdout

    def window(self):
        return find_window(self.env)

    def start(self, extra, guest):
        os.environ['DISPLAY'] = self.display
        try:
            return VGAGuest(['-display', 'sdl', '-name', 'sdltest'] + extra,
                            guest=guest)
        finally:
            del os.environ['DISPLAY']

    def test_picture(self):
        g = self.start(['-append', 'vbe'], 'vga.elf')
        try:
            g.wait_ready()
            win = self.window()
            self.assertEqual(self.x('xdotool', 'getwindowname', win),
                             b'QEMU (sdltest)\n')
            # the next refresh presents the last change
            time.sleep(0.3)
            got = read_xwd(self.x('xwd', '-id', win))
            self.assertEqual(got, expected_vbe())
        finally:
            g.close()

    def test_keys_and_grab(self):
        g = self.start([], 'kbd.elf')
        try:
            g.wait_ready()
            win = self.window()
            self.x('xdotool', 'key', '--window', win, 'a')
            g.wait_serial('READY\nk1c kf0 k1c \nSET1\n')
            self.x('xdotool', 'key', '--window', win, 'shift+1', 'Return')
            g.wait_serial('SET1\nk2a k02 kaa k82 k1c k9c ', 10)
            self.x('xdotool', 'key', '--window', win, 'ctrl+alt+g')
            time.sleep(0.3)
            self.assertEqual(self.x('xdotool', 'getwindowname', win),
                             b'QEMU (sdltest) - Press Ctrl+Alt+G to exit '
                             b'grab\n')
            self.x('xdotool', 'key', '--window', win, 'ctrl+alt+g')
            time.sleep(0.3)
            self.assertEqual(self.x('xdotool', 'getwindowname', win),
                             b'QEMU (sdltest)\n')
        finally:
            g.close()

    def test_no_x_display(self):
        env = dict(os.environ)
        env.pop('DISPLAY', None)
        env.pop('WAYLAND_DISPLAY', None)
        # X11 only: SDL may otherwise fall back to another video driver
        env['SDL_VIDEODRIVER'] = 'x11'
        p = subprocess.run([test_vga.KEMU, '-display', 'sdl', '-S'],
                           env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=20)
        self.assertEqual(p.returncode, 1)
        self.assertIn(b'Could not initialize SDL(', p.stderr)


if __name__ == '__main__':
    test_vga.KEMU, test_vga.GUESTS = sys.argv[1:3]
    del sys.argv[1:3]
    unittest.main(verbosity=2)
