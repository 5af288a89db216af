#!/usr/bin/env python3
"""kemu-img --image-opts (info, check, map, compare, convert): images
named by block options, with qemu-img 7.2's output and errors (compared
with qemu-img when it is installed).

    test_img_image_opts.py BUILD_DIR
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

BUILD = None
QEMU_IMG = shutil.which('qemu-img')

CASES = [
    ['info', '--image-opts', 'driver=qcow2,file.filename=d0.qcow2'],
    ['info', '--image-opts', 'file.filename=d0.qcow2'],
    ['info', '--image-opts', 'driver=qcow2,file.driver=file,'
     'file.filename=d0.qcow2', '--output=json'],
    ['info', '--image-opts', 'driver=file,filename=d1.raw'],
    ['info', '--image-opts', '-f', 'qcow2', 'driver=qcow2,'
     'file.filename=d0.qcow2'],
    ['info', '--image-opts', 'd0.qcow2'],
    ['info', '--image-opts', 'driver=qcow2,file.filename=nosuch'],
    ['info', '--image-opts', 'driver=qcow2,file.filename=d0.qcow2,bogus=1'],
    ['info', '--image-opts', 'driver=bogus,file.filename=d0.qcow2'],
    ['check', '--image-opts', 'driver=qcow2,file.filename=d0.qcow2'],
    ['check', '--image-opts', 'driver=qcow2,file.filename=d0.qcow2',
     '--output=json'],
    ['map', '--image-opts', 'driver=qcow2,file.filename=d0.qcow2',
     '--output=json'],
    ['compare', '--image-opts', 'driver=qcow2,file.filename=d0.qcow2',
     'driver=raw,file.filename=d1.raw'],
    ['compare', '--image-opts', 'driver=qcow2,file.filename=d0.qcow2',
     'd1.raw'],
    ['convert', '--image-opts', 'driver=qcow2,file.filename=d0.qcow2',
     '-O', 'raw', 'out.raw'],
]


def run(tool, tmp, args):
    p = subprocess.run([tool] + args, cwd=tmp, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True)
    name = os.path.basename(tool)
    return p.returncode, p.stdout.replace(name + ':', 'TOOL:')


class ImageOpts(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='kemu-image-opts-')
        self.kemu = os.path.join(BUILD, 'kemu-img')
        with open(os.path.join(self.tmp, 'd1.raw'), 'wb') as f:
            f.write(b'KEMU' * 1024)
            f.truncate(1 << 20)
        subprocess.run([self.kemu, 'convert', '-f', 'raw', '-O', 'qcow2',
                        'd1.raw', 'd0.qcow2'], cwd=self.tmp, check=True)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_cases(self):
        for args in CASES:
            k = run(self.kemu, self.tmp, args)
            if args[0] == 'convert':
                self.assertEqual(k[0], 0, k)
                with open(os.path.join(self.tmp, 'out.raw'), 'rb') as a, \
                        open(os.path.join(self.tmp, 'd1.raw'), 'rb') as b:
                    self.assertEqual(a.read(), b.read())
                os.unlink(os.path.join(self.tmp, 'out.raw'))
            if QEMU_IMG:
                q = run(QEMU_IMG, self.tmp, args)
                if args[0] == 'convert':
                    os.unlink(os.path.join(self.tmp, 'out.raw'))
                if 'actual-size' in q[1] or 'disk size' in q[1]:
                    # The allocation differs with who wrote the image.
                    self.assertEqual(k[0], q[0], args)
                    continue
                self.assertEqual(k, q, args)
        self.assertIn('Images are identical.', run(self.kemu, self.tmp,
                                                   CASES[12])[1])
        self.assertEqual(run(self.kemu, self.tmp, CASES[4]),
                         (1, 'TOOL: --image-opts and --format are mutually '
                          'exclusive\n'))


if __name__ == '__main__':
    BUILD = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
