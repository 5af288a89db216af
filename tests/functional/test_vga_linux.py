#!/usr/bin/env python3
"""Linux's bochs-drm on kemu's PCI VGA: the driver binds and sets a
mode, and screendump shows that mode.

    test_vga_linux.py KEMU_BINARY GUEST_BUILDER

Boots the Linux test guest with kemu.test=vga (tests/guests/linux/tests/
vga.sh): modprobe bochs, print fb0's geometry.  The VGA's EDID offers
1280x800 (xres/yres), as QEMU's does, and bochs-drm takes it.
"""
import os
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_vga  # noqa: E402
from test_vga import read_png  # noqa: E402
import test_linux  # noqa: E402

KEMU = BUILDER = None


class TestVGALinux(unittest.TestCase):
    def test_bochs_drm(self):
        guest = test_linux.build_guest(BUILDER)
        d = tempfile.mkdtemp(prefix='kemu-vgalinux-')
        serial = os.path.join(d, 'serial.log')
        sock = os.path.join(d, 'qmp.sock')
        p = subprocess.Popen(
            [KEMU, '-accel', 'tcg', '-m', '512', '-display', 'none',
             '-serial', 'file:' + serial,
             '-qmp', 'unix:%s,server=on,wait=off' % sock,
             '-kernel', os.path.join(guest, 'vmlinuz'),
             '-initrd', os.path.join(guest, 'initrd.gz'),
             '-append', 'console=ttyS0 no_timer_check kemu.test=vga'],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            q = test_vga.qmp_connect(sock, p)
            q.negotiate()
            pci = q.cmd('human-monitor-command',
                        {'command-line': 'info pci'})['return']
            self.assertIn('VGA controller: PCI device 1234:1111', pci)
            deadline = time.time() + 400
            out = ''
            while 'GUEST-VGA done' not in out:
                self.assertLess(time.time(), deadline, out[-2000:])
                time.sleep(1)
                with open(serial, errors='replace') as f:
                    out = f.read()
            self.assertIn('[drm] Found bochs VGA, ID 0xb0c5.', out)
            self.assertIn('GUEST-VGA name bochs-drmdrmfb', out)
            self.assertIn('[drm] Found EDID data blob.', out)
            self.assertIn('GUEST-VGA virtual_size 1280,800', out)
            size = out.split('GUEST-VGA virtual_size ')[1].split()[0]
            w, h = map(int, size.split(','))
            time.sleep(1)
            png = os.path.join(d, 'fb.png')
            self.assertEqual(q.cmd('screendump', {'filename': png,
                                                  'format': 'png'}),
                             {'return': {}})
            gw, gh, px = read_png(png)
            self.assertEqual((gw, gh), (w, h))
            self.assertIn('GUEST-VGA bits_per_pixel 32', out)
            q.cmd('quit')
        finally:
            p.kill()
            p.wait()


if __name__ == '__main__':
    KEMU, BUILDER = sys.argv[1:3]
    del sys.argv[1:3]
    unittest.main(verbosity=2)
