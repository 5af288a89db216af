#!/usr/bin/env python3
"""Image locking as QEMU does it: OFD locks on byte 100 + permission bit
("held") and 200 + bit ("not shared"), so kemu and QEMU refuse each
other's images in use; kemu-img -U shares; file.locking=off disables.

    test_locking.py BUILD_DIR

The QEMU cross-checks run when Debian's qemu-system-x86_64 and qemu-img
are installed.
"""
import fcntl
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import unittest

BUILD = None
F_OFD_GETLK = 36
LOCK_BYTES = list(range(100, 105)) + list(range(200, 205))
QEMU = shutil.which('qemu-system-x86_64')
QEMU_IMG = shutil.which('qemu-img')


def kemu():
    return os.path.join(BUILD, 'kemu-system-x86_64')


def kemu_img():
    return os.path.join(BUILD, 'kemu-img')


def locked_bytes(path):
    """The lock bytes some other open file description holds on @path."""
    fd = os.open(path, os.O_RDONLY)
    try:
        held = set()
        for b in LOCK_BYTES:
            fl = struct.pack('hhqqi4x', fcntl.F_WRLCK, os.SEEK_SET, b, 1, 0)
            typ = struct.unpack('hhqqi4x', fcntl.fcntl(fd, F_OFD_GETLK,
                                                       fl))[0]
            if typ != fcntl.F_UNLCK:
                held.add(b)
        return held
    finally:
        os.close(fd)


def vm_cmd(prog, drive):
    return [prog, '-S', '-display', 'none', '-nodefaults',
            '-drive', drive]


class Runner:
    """A paused VM on an image; ready once its locks are visible and
    steady."""

    def __init__(self, tmp, prog, drive, image, expect_locks=True):
        self.proc = subprocess.Popen(vm_cmd(prog, drive), cwd=tmp,
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        deadline = time.time() + 20
        last, same = None, 0
        while time.time() < deadline and self.proc.poll() is None:
            if not expect_locks:
                time.sleep(1)   # nothing to see: give it time to open
                break
            # QEMU takes its locks in steps (open, then the device's
            # permissions): ready when the set stops changing.
            held = locked_bytes(os.path.join(tmp, image))
            same = same + 1 if held and held == last else 0
            last = held
            if same >= 5:
                break
            time.sleep(0.05)
        if self.proc.poll() is not None:
            raise AssertionError('runner exited: %s' %
                                 self.proc.stderr.read().decode())

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        self.proc.stderr.close()


class LockingTest(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='kemu-lock-')
        self.runners = []
        subprocess.run([kemu_img(), 'create', '-f', 'qcow2', 'x.qcow2',
                        '64M'], cwd=self.tmp, check=True,
                       stdout=subprocess.DEVNULL)

    def tearDown(self):
        for r in self.runners:
            r.stop()
        shutil.rmtree(self.tmp)

    def run_vm(self, prog, drive, **kw):
        r = Runner(self.tmp, prog, drive, 'x.qcow2', **kw)
        self.runners.append(r)
        return r

    def try_vm(self, prog, drive):
        """Start a second VM; returns (exit status or None, stderr)."""
        p = subprocess.Popen(vm_cmd(prog, drive), cwd=self.tmp,
                             stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        try:
            _, err = p.communicate(timeout=3)
            return p.returncode, err.decode()
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
            return None, ''

    def img(self, prog, *args):
        p = subprocess.run([prog] + list(args), cwd=self.tmp,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return p.returncode, p.stderr.decode()

    def lock_error(self, prog, drive, shared):
        return ('%s: -drive %s: Failed to get %s"write" lock\n'
                'Is another process using the image [x.qcow2]?\n' %
                (prog, drive, 'shared ' if shared else ''))

    def test_locked_bytes(self):
        """A writable qcow2 holds read, write, resize; shares neither
        write nor resize; a read-only open holds only read."""
        for drive, want in (('file=x.qcow2,if=virtio',
                             {100, 101, 103, 201, 203}),
                            ('file=x.qcow2,if=virtio,readonly=on',
                             {100, 201, 203}),
                            ('file=x.qcow2,if=virtio,format=raw',
                             {100, 101, 201}),
                            ('file=x.qcow2,if=virtio,format=raw,'
                             'readonly=on', {100, 201})):
            r = self.run_vm(kemu(), drive)
            self.assertEqual(locked_bytes(os.path.join(self.tmp, 'x.qcow2')),
                             want, drive)
            r.stop()
            self.runners.remove(r)
            self.assertEqual(locked_bytes(os.path.join(self.tmp, 'x.qcow2')),
                             set())

    def test_second_kemu_fails(self):
        drive = 'file=x.qcow2,if=virtio'
        self.run_vm(kemu(), drive)
        self.assertEqual(self.try_vm(kemu(), drive),
                         (1, self.lock_error('kemu-system-x86_64', drive,
                                             False)))
        for opt in ('readonly=on', 'snapshot=on',
                    'readonly=on,snapshot=on'):
            d = drive + ',' + opt
            self.assertEqual(self.try_vm(kemu(), d),
                             (1, self.lock_error('kemu-system-x86_64', d,
                                                 True)))

    def test_readers_share(self):
        drive = 'file=x.qcow2,if=virtio,readonly=on'
        self.run_vm(kemu(), drive)
        self.assertEqual(self.try_vm(kemu(), drive), (None, ''))
        w = 'file=x.qcow2,if=virtio'
        self.assertEqual(self.try_vm(kemu(), w),
                         (1, self.lock_error('kemu-system-x86_64', w,
                                             False)))

    def test_img_needs_force_share(self):
        self.run_vm(kemu(), 'file=x.qcow2,if=virtio')
        msg = ("kemu-img: Could not open 'x.qcow2': Failed to get shared "
               "\"write\" lock\nIs another process using the image "
               "[x.qcow2]?\n")
        for cmd in (['info'], ['check'], ['map'], ['compare', 'x.qcow2'],
                    ['convert', '-O', 'raw']):
            out = ['y.raw'] if cmd[0] == 'convert' else []
            self.assertEqual(self.img(kemu_img(), *cmd, 'x.qcow2', *out),
                             (2 if cmd[0] == 'compare' else 1, msg), cmd)
            self.assertEqual(self.img(kemu_img(), *cmd[:1], '-U', *cmd[1:],
                                      'x.qcow2', *out), (0, ''), cmd)
        for cmd in (['info'], ['compare', 'x.qcow2'], ['convert', 'z.raw']):
            self.assertEqual(self.img(kemu_img(), cmd[0], '--force-share',
                                      'x.qcow2', *cmd[1:]), (0, ''), cmd)
        self.assertEqual(self.img(kemu_img(), 'check', '-U', '-r', 'all',
                                  'x.qcow2'),
                         (1, "kemu-img: Could not open 'x.qcow2': "
                          "force-share=on can only be used with read-only "
                          "images\n"))
        kemu_io = os.path.join(BUILD, 'kemu-io')
        self.assertEqual(self.img(kemu_io, '-r', '-c', 'read 0 512',
                                  'x.qcow2'), (1, msg.replace('kemu-img',
                                                              'kemu-io')))
        self.assertEqual(self.img(kemu_io, '-r', '-U', '-c', 'read 0 512',
                                  'x.qcow2')[0], 0)

    def test_locking_off(self):
        drive = 'file=x.qcow2,if=virtio,file.locking=off'
        self.run_vm(kemu(), drive, expect_locks=False)
        self.assertEqual(locked_bytes(os.path.join(self.tmp, 'x.qcow2')),
                         set())
        self.assertEqual(self.img(kemu_img(), 'info', 'x.qcow2')[0], 0)
        self.assertEqual(self.try_vm(kemu(), 'file=x.qcow2,if=virtio'),
                         (None, ''))
        d = 'file=x.qcow2,if=virtio,file.locking=maybe'
        self.assertEqual(self.try_vm(kemu(), d),
                         (1, 'kemu-system-x86_64: -drive %s: invalid '
                          'parameter value: maybe\n' % d))

    def test_same_image_twice_in_one_vm(self):
        drive = 'file=x.qcow2,if=virtio'
        p = subprocess.run(vm_cmd(kemu(), drive) + ['-drive', drive],
                           cwd=self.tmp, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=20)
        self.assertEqual((p.returncode, p.stderr.decode()),
                         (1, self.lock_error('kemu-system-x86_64', drive,
                                             False)))

    @unittest.skipUnless(QEMU, 'qemu-system-x86_64 not installed')
    def test_qemu_and_kemu(self):
        """Both ways, with QEMU's own texts and the same lock bytes."""
        drive = 'file=x.qcow2,if=virtio'
        for first, second, name in ((kemu(), QEMU, 'qemu-system-x86_64'),
                                    (QEMU, kemu(), 'kemu-system-x86_64')):
            r = self.run_vm(first, drive)
            self.assertEqual(self.try_vm(second, drive),
                             (1, self.lock_error(name, drive, False)))
            ro = drive + ',readonly=on'
            self.assertEqual(self.try_vm(second, ro),
                             (1, self.lock_error(name, ro, True)))
            r.stop()
            self.runners.remove(r)
        for d in (drive, drive + ',readonly=on',
                  drive + ',format=raw'):
            seen = []
            for prog in (QEMU, kemu()):
                r = self.run_vm(prog, d)
                seen.append(locked_bytes(os.path.join(self.tmp, 'x.qcow2')))
                r.stop()
                self.runners.remove(r)
            self.assertEqual(seen[0], seen[1], d)

    @unittest.skipUnless(QEMU_IMG, 'qemu-img not installed')
    def test_qemu_img_on_running_kemu(self):
        self.run_vm(kemu(), 'file=x.qcow2,if=virtio')
        self.assertEqual(self.img(QEMU_IMG, 'info', 'x.qcow2'),
                         (1, "qemu-img: Could not open 'x.qcow2': Failed to "
                          "get shared \"write\" lock\nIs another process "
                          "using the image [x.qcow2]?\n"))
        self.assertEqual(self.img(QEMU_IMG, 'info', '-U', 'x.qcow2'), (0, ''))
        self.assertEqual(self.img(QEMU_IMG, 'check', '-U', 'x.qcow2'),
                         (0, ''))


if __name__ == '__main__':
    BUILD = sys.argv.pop(1)
    unittest.main()
