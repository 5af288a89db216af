#!/usr/bin/env python3
"""kemu-img against Debian's qemu-img 7.2 for the commands and options
added for parity (create -o, convert options, measure, amend, dd,
resize --shrink, bench).

    test_img_parity.py BUILD_DIR

Each case runs both tools on the same input and compares stdout, stderr
(program name replaced) and the exit status; every image kemu-img writes
passes `qemu-img check` and reads as qemu-img's own result does
(`qemu-img compare`).  Skipped when qemu-img is not installed.
"""
import json
import os
import shutil
import sys
import unittest

import test_img
from test_img import qimg, qio, kimg, Base

HAVE_QEMU = test_img.HAVE_QEMU


def strip_offsets(text):
    """qemu-img map --output=json without host offsets (layouts differ)."""
    return [{k: v for k, v in e.items() if k != 'offset'}
            for e in json.loads(text)]


class Parity(Base):
    def same(self, *args, cwd=None):
        """Run both tools; stdout, stderr and status must agree."""
        cwd = cwd or self.dir
        q = qimg(*args, cwd=cwd)
        k = kimg(*args, cwd=cwd)
        kerr = k.stderr.replace('kemu-img', 'qemu-img')
        self.assertEqual(k.stdout, q.stdout, args)
        self.assertEqual(kerr, q.stderr, args)
        self.assertEqual(k.returncode, q.returncode, args)
        return k

    def source(self):
        """An 8M qcow2 with data, zero clusters, a zero-filled run and a
        snapshot of an older state."""
        src = self.path('src.qcow2')
        self.assertOk(qimg('create', '-f', 'qcow2', src, '8M'))
        self.assertOk(qio('-c', 'write -P 1 0 1M', src))
        self.assertOk(qimg('snapshot', '-c', 'snap1', src))
        self.assertOk(qio('-c', 'write -P 2 512k 1M', '-c', 'write -z 2M 1M',
                          '-c', 'write -P 0 4M 64k', '-c', 'write -P 3 5M 4k',
                          src))
        return src

    def same_image(self, fmt, kpath, qpath, layout=True, msg=None):
        """kemu's image is clean and reads like qemu-img's."""
        if fmt == 'qcow2':
            self.check_clean(kpath)
        p = qimg('compare', '-f', fmt, '-F', fmt, kpath, qpath)
        self.assertEqual(p.stdout, 'Images are identical.\n', msg or kpath)
        if layout:
            km = qimg('map', '-f', fmt, '--output=json', kpath).stdout
            qm = qimg('map', '-f', fmt, '--output=json', qpath).stdout
            self.assertEqual(strip_offsets(km), strip_offsets(qm),
                             msg or kpath)


@unittest.skipUnless(HAVE_QEMU, 'qemu-img not installed')
class Create(Parity):
    def test_preallocation(self):
        for fmt in ('qcow2', 'raw'):
            for mode in ('off', 'metadata', 'falloc', 'full'):
                k, q = self.path('k.' + fmt), self.path('q.' + fmt)
                opts = 'preallocation=' + mode
                if fmt == 'qcow2':
                    opts += ',cluster_size=4k'
                kp = self.same('create', '-f', fmt, '-o', opts, 'k.' + fmt,
                               '3M')
                qimg('create', '-f', fmt, '-o', opts, q, '3M')
                if kp.returncode:
                    continue
                self.same_image(fmt, k, q)
                self.assertEqual(os.path.getsize(k), os.path.getsize(q),
                                 (fmt, mode))
                # the space is there for falloc/full, not for metadata
                kb, qb = os.stat(k).st_blocks, os.stat(q).st_blocks
                self.assertEqual(kb >= 3 * 2048, qb >= 3 * 2048, (fmt, mode))

    def test_options_and_errors(self):
        qcow2 = ['compat=bogus', 'compat=v2', 'compat=v3',
                 'lazy_refcounts=maybe', 'extended_l2=maybe', 'extended_l2=off',
                 'compression_type=lz4', 'compression_type=zlib',
                 'refcount_bits=3', 'refcount_bits=100', 'refcount_bits=abc',
                 'cluster_size=1000', 'cluster_size=abc', 'nocow=maybe',
                 'nocow=off', 'extent_size_hint=abc', 'extent_size_hint=1M',
                 'foo=bar', 'preallocation=bogus',
                 'lazy_refcounts=on,compat=0.10', 'compat=0.10,refcount_bits=8',
                 'size=abc', 'cluster_size=4k,size=2M',
                 'preallocation=falloc,compat=0.10', 'data_file_raw=on']
        for o in qcow2:
            for size in (['1M'], []):
                self.same('create', '-f', 'qcow2', '-o', o, 'b.qcow2', *size)
            self.same('convert', '-O', 'qcow2', '-o', o, 'nothere', 'b.qcow2')
        for o in ('nocow=maybe', 'extent_size_hint=abc', 'foo=bar',
                  'preallocation=metadata', 'preallocation=bogus',
                  'preallocation=full,extent_size_hint=0'):
            self.same('create', '-f', 'raw', '-o', o, 'b.raw', '1M')
        self.assertOk(qimg('create', '-f', 'qcow2', self.path('a.qcow2'),
                           '1M'))
        self.same('create', '-f', 'qcow2', '-o', 'compat=1.1', '-b', 'a.qcow2',
                  '-F', 'qcow2', 'z.qcow2')
        self.same('create', '-f', 'qcow2', '-o', 'preallocation=metadata',
                  '-b', 'a.qcow2', '-F', 'qcow2', 'c.qcow2')
        self.same('create', '-f', 'qcow2', '-o', 'cluster_size=4k', '-o',
                  'compat=v3', 'b.qcow2', '1M')
        self.same('create', '-f', 'foo', 'x', '1M')
        self.same('create', '-f', 'raw', '-o', 'help')
        self.same('create', '-f', 'raw', '-o', 'help', 'x.raw')

    def test_help_lists_supported_options(self):
        """qemu-img's lines, less encryption (not supported)."""
        for args in (['-o', 'help'], ['-o', '?', 'x.qcow2']):
            q = qimg('create', '-f', 'qcow2', *args).stdout.splitlines()
            k = kimg('create', '-f', 'qcow2', *args).stdout.splitlines()
            self.assertEqual(k, [line for line in q
                                 if 'encrypt' not in line], args)


@unittest.skipUnless(HAVE_QEMU, 'qemu-img not installed')
class Convert(Parity):
    def test_options(self):
        src = self.source()
        cases = [['-O', 'qcow2'], ['-O', 'raw'], ['-O', 'qcow2', '-S', '0'],
                 ['-O', 'raw', '-S', '0'], ['-O', 'qcow2', '-S', '512'],
                 ['-O', 'raw', '-S', '64k'],
                 ['-O', 'qcow2', '-t', 'none', '-T', 'none'],
                 ['-O', 'qcow2', '-t', 'writethrough', '-W', '-m', '4'],
                 ['-O', 'qcow2', '-t', 'directsync', '-m', '1'],
                 ['-O', 'qcow2', '-l', 'snap1'],
                 ['-O', 'raw', '-l', 'snapshot.name=snap1'],
                 ['-O', 'raw', '-l', 'snapshot.id=1,snapshot.name=snap1'],
                 ['-O', 'qcow2', '-c', '-U'],
                 ['-O', 'qcow2', '-o', 'preallocation=full'],
                 ['-O', 'raw', '-o', 'preallocation=falloc'],
                 ['-O', 'qcow2', '-o', 'compat=0.10,cluster_size=4k', '-C']]
        for args in cases:
            fmt = args[1]
            k, q = self.path('k.' + fmt), self.path('q.' + fmt)
            self.same('convert', *args, src, k)
            self.assertOk(qimg('convert', *args, src, q))
            # qemu-img's out-of-order writes (-W) place clusters apart
            self.same_image(fmt, k, q, layout='-W' not in args, msg=args)

    def test_existing_target(self):
        """-n writes zeroes where the source reads zero."""
        src = self.source()
        for fmt in ('qcow2', 'raw'):
            for extra in ([], ['--target-is-zero']):
                k, q = self.path('k.' + fmt), self.path('q.' + fmt)
                for t in (k, q):
                    self.assertOk(qimg('create', '-f', fmt, t, '12M'))
                    if not extra:
                        self.assertOk(qio('-f', fmt, '-c',
                                          'write -P 9 0 12M', t))
                self.same('convert', '-n', *extra, '-O', fmt, src, k)
                self.assertOk(qimg('convert', '-n', *extra, '-O', fmt, src,
                                   q))
                self.same_image(fmt, k, q, layout=False)
        self.assertOk(qimg('create', '-f', 'qcow2', self.path('s.qcow2'),
                           '1M'))
        self.same('convert', '-n', '-O', 'qcow2', src, 's.qcow2')

    def test_backing_and_concatenation(self):
        src = self.source()
        for t in ('k', 'q'):
            self.assertOk(qimg('convert', '-O', 'qcow2', '-B', 'src.qcow2',
                               '-F', 'qcow2', src, self.path(t + '.qcow2'),
                               cwd=self.dir))
        self.same('convert', '-O', 'qcow2', '-B', 'src.qcow2', '-F', 'qcow2',
                  src, 'k.qcow2')
        self.same_image('qcow2', self.path('k.qcow2'), self.path('q.qcow2'))
        self.same('convert', '-O', 'raw', src, src, 'k.raw')
        self.assertOk(qimg('convert', '-O', 'raw', src, src,
                           self.path('q.raw')))
        self.same_image('raw', self.path('k.raw'), self.path('q.raw'))

    def test_errors(self):
        src = self.source()
        for a in (['-t', 'foo'], ['-T', 'foo'], ['-m', '0'], ['-m', '17'],
                  ['-m', 'x'], ['-S', '100'], ['-S', 'x'], ['-S', '32M'],
                  ['-l', 'nosnap'], ['-s', 'nosnap'],
                  ['-l', 'snapshot.foo=1'], ['-n'],
                  ['-o', 'cluster_size=4k', '-n'], ['--target-is-zero'],
                  ['-B', 'src.qcow2'], ['-c', '-o', 'preallocation=full'],
                  ['-C', '-c'], ['-Z'], ['-O', 'foo'], ['-O', 'raw', '-c']):
            self.same('convert', '-O', 'qcow2', *a, 'src.qcow2', 'd.qcow2')
        self.same('convert', '-O', 'qcow2', 'src.qcow2')
        self.same('convert', '-l', '1', '-O', 'raw', 'src.qcow2',
                  'src.qcow2', 'd.raw')
        self.assertOk(qimg('convert', '-O', 'raw', src, self.path('s.raw')))
        self.same('convert', '-l', '1', '-f', 'raw', '-O', 'raw', 's.raw',
                  'x.raw')


@unittest.skipUnless(HAVE_QEMU, 'qemu-img not installed')
class Measure(Parity):
    def test_sizes_and_options(self):
        for size in ('0', '1', '1000', '1G', '10G', '1T', '100T', '1E'):
            for opts in ([], ['-o', 'cluster_size=2M'],
                         ['-o', 'cluster_size=512'],
                         ['-o', 'refcount_bits=64,cluster_size=4k'],
                         ['-o', 'extended_l2=on'],
                         ['-o', 'preallocation=metadata']):
                self.same('measure', '--size', size, '-O', 'qcow2', *opts)
            self.same('measure', '--size', size)
            self.same('measure', '--output=json', '--size', size, '-O', 'raw')

    def test_images(self):
        src = self.source()
        self.assertOk(qimg('create', '-f', 'qcow2', '-b', 'src.qcow2', '-F',
                           'qcow2', self.path('top.qcow2'), cwd=self.dir))
        self.assertOk(qio('-c', 'write -P 7 7M 64k', self.path('top.qcow2')))
        self.assertOk(qimg('convert', '-O', 'raw', src, self.path('s.raw')))
        for img in ('src.qcow2', 'top.qcow2', 's.raw'):
            for args in ([], ['-O', 'qcow2'], ['--output=json', '-O', 'qcow2'],
                         ['-O', 'qcow2', '-o', 'compat=0.10'],
                         ['-O', 'qcow2', '-o', 'backing_file=x'],
                         ['-O', 'qcow2', '-o', 'preallocation=falloc'],
                         ['-O', 'qcow2', '-o', 'cluster_size=4k']):
                self.same('measure', *args, img)
        self.same('measure', '-O', 'qcow2', '-l', 'snap1', 'src.qcow2')
        self.same('measure', '-O', 'qcow2', '-f', 'raw', 'src.qcow2')
        # the required size is enough for what convert writes
        for opts in ('cluster_size=64k', 'cluster_size=4k'):
            out = json.loads(kimg('measure', '--output=json', '-O', 'qcow2',
                                  '-o', opts, src).stdout)
            dst = self.path('d.qcow2')
            self.assertOk(kimg('convert', '-O', 'qcow2', '-o', opts, src,
                               dst))
            self.assertLessEqual(os.path.getsize(dst), out['required'])

    def test_errors(self):
        self.source()
        for args in ([], ['--size', '1G', 'src.qcow2'], ['-f', 'qcow2'],
                     ['a', 'b'], ['--size', 'x'], ['--size', '-5'],
                     ['--size', '1G', '-O', 'foo'], ['--output=xml'],
                     ['-O', 'qcow2', '-l', 'nosnap', 'src.qcow2'],
                     ['nothere']):
            self.same('measure', *args)
        for o in ('compat=bogus', 'compat=0.10,refcount_bits=8',
                  'preallocation=bogus', 'lazy_refcounts=maybe',
                  'refcount_bits=3', 'refcount_bits=abc', 'bad=1',
                  'cluster_size=1000', 'extended_l2=on,cluster_size=4k'):
            self.same('measure', '--size', '100M', '-O', 'qcow2', '-o', o)


if __name__ == '__main__':
    test_img.BUILD = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
