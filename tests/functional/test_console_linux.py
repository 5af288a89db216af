#!/usr/bin/env python3
"""A Linux guest's console used through the graphical displays: commands
typed with key events are run, and their output is read back off the
picture the display shows.

    test_console_linux.py KEMU_BINARY GUEST_BUILDER FONT_C

Boots the Linux test guest with kemu.test=console (tests/guests/linux/
tests/console.sh: an interactive shell on tty1, the VGA console).
Over VNC (an RFB client speaking the protocol over the socket) and SDL
(a window on Xvfb, keys typed with xdotool, captured with xwd) it types
`echo $((6*7))` and reads the screen back into text (screen_text.py,
matching character cells against the VGA font) until both the command
and "42" are on it; then it types `modprobe bochs`, so bochs-drm takes
over the display and fbcon draws the console in a 1280x800 graphics
mode, the VNC client gets a desktop resize, and a second command and its
answer are read off the graphical console (over VNC also from a
capture by Debian's vncsnapshot, when installed).
"""
import os
import shutil
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import screen_text  # noqa: E402
import test_linux  # noqa: E402
import test_sdl  # noqa: E402
import test_vga  # noqa: E402
from test_vnc import RFBClient, free_display  # noqa: E402

BUILDER = None
PROMPT = 'console$'  # PS1 less its space: screen lines are stripped


class ConsoleGuest(test_vga.VGAGuest):
    """kemu booting the Linux guest's console test, serial in a file."""

    def __init__(self, extra, env=None):
        guest = test_linux.build_guest(BUILDER)
        self.launch(['-m', '512',
                     '-kernel', os.path.join(guest, 'vmlinuz'),
                     '-initrd', os.path.join(guest, 'initrd.gz'),
                     # /dev/console is the last one: init's markers go to
                     # the serial port
                     '-append', 'console=tty0 console=ttyS0 no_timer_check '
                     'kemu.test=console'] + list(extra), env)


def answered(lines, command, answer):
    """Is @command on a prompt line with @answer on the line after it?"""
    for i, line in enumerate(lines[:-1]):
        if line == PROMPT + ' ' + command and lines[i + 1] == answer:
            return True
    return False


def prompt_after(lines, command):
    """Is there a new prompt after @command's line (the command is done)?"""
    if PROMPT + ' ' + command not in lines:
        return False
    rest = lines[lines.index(PROMPT + ' ' + command) + 1:]
    return any(line.startswith(PROMPT) for line in rest)


class TestConsoleLinux(unittest.TestCase):
    def setUp(self):
        self.font = test_vga.load_font()

    def wait_screen(self, grab, want, timeout=60):
        """The screen's lines once want(lines, width, height) holds;
        grab() is the picture the display shows, (width, height, rgb)."""
        deadline = time.time() + timeout
        while True:
            w, h, rgb = grab()
            lines = screen_text.screen_lines(w, h, rgb, self.font)
            if want(lines, w, h):
                return lines
            if time.time() > deadline:
                self.fail('the screen (%dx%d) never showed it:\n%s'
                          % (w, h, '\n'.join(lines)))
            time.sleep(0.3)

    def session(self, grab, type_text):
        """Use the console as a user at the display would: type_text(text)
        types (newline: Return), grab() is the display's picture."""
        # the VGA text console: 80x25 cells of 9x16 dots
        lines = self.wait_screen(
            grab, lambda s, w, h: any(l.startswith(PROMPT) for l in s))
        self.assertEqual(grab()[:2], (720, 400))
        self.assertEqual(lines[0], 'kemu console test')
        type_text('echo $((6*7))\n')
        self.wait_screen(grab, lambda s, w, h:
                         answered(s, 'echo $((6*7))', '42'))

        # bochs-drm takes the display over; fbcon redraws the console in
        # its mode, which the display follows
        type_text('modprobe bochs\n')
        self.wait_screen(grab, lambda s, w, h: (w, h) == (1280, 800) and
                         prompt_after(s, 'modprobe bochs'), timeout=120)
        type_text('echo $((7*8)) kemu\n')
        # Linux 6.1's fbdev emulation leaves the first lines drawn after
        # the mode set in its shadow buffer until the next console
        # output (QEMU 7.2 shows the same): press Return once more, as a
        # user would.
        time.sleep(2)
        type_text('\n')
        lines = self.wait_screen(grab, lambda s, w, h:
                                 answered(s, 'echo $((7*8)) kemu', '56 kemu'))
        # the earlier text scrolled into the new mode with it
        self.assertIn(PROMPT + ' echo $((6*7))', lines)

    def vncsnapshot(self, g, display):
        """The screen as Debian's vncsnapshot captures it (JPEG at quality
        100: close to the picture, enough to read the text)."""
        jpg, ppm = g.path('snap.jpg'), g.path('snap.ppm')
        subprocess.run(['vncsnapshot', '-quiet', '-quality', '100',
                        '127.0.0.1:%d' % display, jpg], check=True,
                       timeout=60, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        with open(ppm, 'wb') as f:
            subprocess.run(['djpeg', '-pnm', jpg], stdout=f, check=True)
        return test_vga.read_ppm(ppm)

    def test_vnc(self):
        display = free_display()
        g = ConsoleGuest(['-display', 'none',
                          '-vnc', '127.0.0.1:%d' % display])
        c = None
        try:
            g.wait_serial('GUEST-CONSOLE ready', 300)
            c = RFBClient(5900 + display)

            def grab():
                c.request(0)
                c.read_update()
                return c.width, c.height, bytes(c.fb)
            self.session(grab, c.type)
            if shutil.which('vncsnapshot') and shutil.which('djpeg'):
                # a second, independent client reads the same console
                lines = screen_text.screen_lines(
                    *self.vncsnapshot(g, display), self.font)
                self.assertTrue(answered(lines, 'echo $((7*8)) kemu',
                                         '56 kemu'), '\n'.join(lines))
        finally:
            if c:
                c.close()
            g.close()

    @unittest.skipUnless(test_sdl.TOOLS, 'needs Xvfb, xwd and xdotool')
    def test_sdl(self):
        # room for the window at 1280x800 where it was opened at 640x480
        # (xwd captures only what is on the screen)
        xvfb, xdisplay = test_sdl.start_xvfb('2048x1536x24')
        env = dict(os.environ, DISPLAY=xdisplay)
        g = None
        try:
            g = ConsoleGuest(['-display', 'sdl'], env=env)
            g.wait_serial('GUEST-CONSOLE ready', 300)
            win = test_sdl.find_window(env)

            def x(*args):
                return subprocess.run(args, env=env, check=True, timeout=30,
                                      stdout=subprocess.PIPE).stdout

            def grab():
                return test_sdl.read_xwd(x('xwd', '-id', win))

            def type_text(text):
                # through the X server (XTEST) into the focused window,
                # as a user's keyboard
                x('xdotool', 'windowfocus', '--sync', win)
                for i, part in enumerate(text.split('\n')):
                    if i:
                        x('xdotool', 'key', 'Return')
                    if part:
                        x('xdotool', 'type', '--delay', '20', part)
            self.session(grab, type_text)
        finally:
            if g:
                g.close()
            xvfb.terminate()
            xvfb.wait()


if __name__ == '__main__':
    test_vga.KEMU, BUILDER, test_vga.FONT_C = sys.argv[1:4]
    del sys.argv[1:4]
    unittest.main(verbosity=2)
