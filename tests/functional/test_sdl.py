#!/usr/bin/env python3
"""-display sdl under Xvfb: the window shows the guest's picture
pixel-exact (captured with xwd), keys typed into it with xdotool reach
the guest, Ctrl-Alt-G grabs and releases (window title), and without an
X display SDL fails with QEMU's message.

    test_sdl.py KEMU_BINARY GUEST_DIR FONT_C

Ctrl-Alt-2 and Ctrl-Alt-3 show the monitor and the serial port (-monitor
vc, -serial vc) as text consoles, read back into text with the font.

Skips when Xvfb, xwd or xdotool is missing (packages xvfb, x11-apps,
xdotool); -full-screen and Ctrl-Alt-F need a window manager
(matchbox-window-manager) and xprop (x11-utils).
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import screen_text  # noqa: E402
import test_vga  # noqa: E402
from test_vga import VGAGuest, expected_vbe  # noqa: E402

TOOLS = all(shutil.which(t) for t in ('Xvfb', 'xwd', 'xdotool'))


def read_xwd(data):
    """XWD (X11 window dump) of 24- or 32-bit pixels -> (w, h, RGB)."""
    f = struct.unpack('>25I', data[:100])
    hsize, w, h, byte_order, bpp, bpl, ncolors = (f[0], f[4], f[5], f[7],
                                                  f[11], f[12], f[19])
    # a 24-bit visual's dump may still store each pixel in 32 bits
    step = 4 if bpp == 32 or bpl >= w * 4 else 3
    assert bpp in (24, 32) and bpl >= w * step, f
    # B, G, R[, X] in little-endian pixels, else [X,] R, G, B
    order = (2, 1, 0) if byte_order == 0 else tuple(i + step - 3
                                                    for i in range(3))
    off = hsize + ncolors * 12
    out = bytearray(w * h * 3)
    for y in range(h):
        row = data[off + y * bpl:off + y * bpl + w * step]
        for c in range(3):
            out[y * w * 3 + c:(y + 1) * w * 3:3] = row[order[c]::step]
    return w, h, bytes(out)


def start_xvfb(screen, *args):
    """Xvfb on a free display with one @screen (WxHxD): (process, ':N')."""
    for n in range(70, 100):
        if not os.path.exists('/tmp/.X11-unix/X%d' % n) and \
           not os.path.exists('/tmp/.X%d-lock' % n):
            break
    xvfb = subprocess.Popen(['Xvfb', ':%d' % n, '-screen', '0', screen,
                             '-nolisten', 'tcp'] + list(args),
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
            # a later refresh presents the last change (more than one
            # refresh period on a loaded machine)
            self.wait_equal(lambda: read_xwd(self.x('xwd', '-id', win)),
                            expected_vbe())
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
            # the title changes once kemu's event loop sees the keys
            title = lambda: self.x('xdotool', 'getwindowname', win)
            self.wait_equal(title, b'QEMU (sdltest) - Press Ctrl+Alt+G to '
                                   b'exit grab\n')
            self.x('xdotool', 'key', '--window', win, 'ctrl+alt+g')
            self.wait_equal(title, b'QEMU (sdltest)\n')
        finally:
            g.close()

    def wait_equal(self, read, want, timeout=10):
        """Poll read() until it returns @want, then assert it does: what
        kemu shows changes a refresh or an event later, not at once."""
        end = time.monotonic() + timeout
        while True:
            got = read()
            if got == want or time.monotonic() > end:
                break
            time.sleep(0.1)
        self.assertEqual(got, want)

    def wait_lines(self, win, want, timeout=20):
        """The window's text (screen_text) once want(lines) holds."""
        deadline = time.time() + timeout
        while True:
            w, h, rgb = read_xwd(self.x('xwd', '-id', win))
            lines = screen_text.screen_lines(w, h, rgb, test_vga.load_font())
            if want(lines):
                return lines
            if time.time() > deadline:
                self.fail('the window (%dx%d) never showed it:\n%s'
                          % (w, h, '\n'.join(lines)))
            time.sleep(0.2)

    def test_text_consoles(self):
        # -monitor vc, and the default serial (vc): QEMU's consoles 2 and 3
        d = tempfile.mkdtemp(prefix='kemu-sdl-')
        sock = os.path.join(d, 'qmp.sock')
        p = subprocess.Popen(
            [test_vga.KEMU, '-accel', 'tcg', '-m', '64', '-display', 'sdl',
             '-name', 'sdltest', '-monitor', 'vc',
             '-qmp', 'unix:%s,server=on,wait=off' % sock,
             '-kernel', os.path.join(test_vga.GUESTS, 'vga.elf')],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            q = test_vga.qmp_connect(sock, p)
            q.negotiate()
            out = q.cmd('human-monitor-command',
                        {'command-line': 'info chardev'})['return']
            self.assertIn('compat_monitor0: filename=vc', out)
            self.assertIn('serial0: filename=vc', out)
            win = self.window()
            self.x('xdotool', 'windowfocus', '--sync', win)
            self.x('xdotool', 'key', 'ctrl+alt+2')
            self.wait_lines(win, lambda l: l[0].startswith('QEMU ') and
                            l[0].endswith(" monitor - type 'help' for more "
                                          "information"))
            self.assertEqual(read_xwd(self.x('xwd', '-id', win))[:2],
                             (640, 384))
            # typed into the monitor through the X server, as a user
            self.x('xdotool', 'type', '--delay', '20', 'info name')
            self.x('xdotool', 'key', 'Return')
            self.x('xdotool', 'type', '--delay', '20', 'info status')
            self.x('xdotool', 'key', 'Return')
            self.wait_lines(win, lambda l: '\n'.join(l).startswith(
                l[0] + '\n(qemu) info name\nsdltest\n'
                '(qemu) info status\nVM status: running\n(qemu)'))
            # the guest's serial port: vga.elf prints READY there
            self.x('xdotool', 'key', 'ctrl+alt+3')
            self.wait_lines(win, lambda l: l[0] == 'READY')
            # back to the VGA's text mode (720x400); keys reach the guest
            # again, not the console
            self.x('xdotool', 'key', 'ctrl+alt+1')
            deadline = time.time() + 10
            while read_xwd(self.x('xwd', '-id', win))[:2] != (720, 400):
                self.assertLess(time.time(), deadline)
                time.sleep(0.1)
            q.cmd('quit')
            q.close()
            p.wait(10)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            shutil.rmtree(d, ignore_errors=True)

    @unittest.skipUnless(shutil.which('matchbox-window-manager') and
                         shutil.which('xprop'),
                         'needs matchbox-window-manager and xprop')
    def test_full_screen(self):
        # SDL asks the window manager (EWMH) for full screen: a screen of
        # its own with a window manager that speaks it
        xvfb, display = start_xvfb('1024x768x24')
        env = dict(os.environ, DISPLAY=display)
        wm = subprocess.Popen(['matchbox-window-manager', '-use_titlebar',
                               'no'], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)

        def state(win):
            return subprocess.run(['xprop', '-id', win, '_NET_WM_STATE'],
                                  env=env, check=True, timeout=20,
                                  stdout=subprocess.PIPE).stdout

        def wait_state(win, full):
            deadline = time.time() + 10
            while (b'_NET_WM_STATE_FULLSCREEN' in state(win)) != full:
                self.assertLess(time.time(), deadline, state(win))
                time.sleep(0.1)
        try:
            for extra, full in ([], False), (['-full-screen'], True):
                os.environ['DISPLAY'] = display
                try:
                    g = VGAGuest(['-display', 'sdl', '-append', 'vbe'] + extra)
                finally:
                    del os.environ['DISPLAY']
                try:
                    g.wait_ready()
                    win = find_window(env)
                    wait_state(win, full)
                    # Ctrl-Alt-F toggles
                    subprocess.run(['xdotool', 'key', '--window', win,
                                    'ctrl+alt+f'], env=env, check=True)
                    wait_state(win, not full)
                finally:
                    g.close()
        finally:
            wm.terminate()
            wm.wait()
            xvfb.terminate()
            xvfb.wait()

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
    test_vga.KEMU, test_vga.GUESTS, test_vga.FONT_C = sys.argv[1:4]
    del sys.argv[1:4]
    unittest.main(verbosity=2)
