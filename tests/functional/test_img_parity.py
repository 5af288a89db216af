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
import re
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


@unittest.skipUnless(HAVE_QEMU, 'qemu-img not installed')
class Dd(Parity):
    def test_copies(self):
        self.source()
        for fmt in ('raw', 'qcow2'):
            for ops in (['bs=64k', 'count=10', 'skip=2'], ['bs=1M'],
                        ['bs=1000'], ['bs=1k', 'count=3', 'skip=1'],
                        ['count=0'], ['bs=1M', 'count=100'], ['bs=3M'],
                        ['bs=1000', 'count=7'], ['bs=64k', 'skip=3'],
                        ['bs=1M', 'skip=100'], ['bs=1k', 'skip=8191'],
                        ['bs=1k', 'skip=8192']):
                args = ['-O', fmt, 'if=src.qcow2']
                self.same('dd', *args, 'of=k.img', *ops)
                self.assertOk(qimg('dd', *args, 'of=q.img', *ops,
                                   cwd=self.dir))
                k, q = self.path('k.img'), self.path('q.img')
                self.assertEqual(os.path.getsize(k), os.path.getsize(q), ops)
                self.same_image(fmt, k, q, msg=(fmt, ops))

    def test_errors(self):
        self.source()
        for ops in (['if=src.qcow2'], ['of=x.raw'],
                    ['if=src.qcow2', 'of=x.raw', 'bs=0'],
                    ['if=src.qcow2', 'of=x.raw', 'bs=abc'],
                    ['if=src.qcow2', 'of=x.raw', 'bs=2G'],
                    ['if=src.qcow2', 'of=x.raw', 'count=abc'],
                    ['if=src.qcow2', 'of=x.raw', 'skip=abc'],
                    ['if=src.qcow2', 'of=x.raw', 'foo=1'],
                    ['if=src.qcow2', 'of=x.raw', 'junk'],
                    ['if=nothere', 'of=x.raw'],
                    ['-O', 'foo', 'if=src.qcow2', 'of=x.raw'],
                    ['-o', 'x', 'if=src.qcow2', 'of=x.raw'],
                    ['if=src.qcow2', 'of=/nonexistent/x.raw']):
            self.same('dd', *ops)


@unittest.skipUnless(HAVE_QEMU, 'qemu-img not installed')
class Bench(Parity):
    def test_bench(self):
        img = self.path('b.qcow2')
        self.assertOk(qimg('create', '-f', 'qcow2', img, '64M'))
        for args in (['-c', 'x'], ['-c', '-1'], ['-d', 'x'],
                     ['-s', '0', '-c', '10'], ['-s', 'x'], ['-S', 'x'],
                     ['-o', 'x'], ['--pattern=x'], ['--pattern=300'],
                     ['--flush-interval=x'], ['--flush-interval=2', '-d', '1'],
                     ['--no-drain', '-c', '10'], ['-t', 'foo'], ['-i', 'foo'],
                     ['-s', '1G', '-c', '1'], ['-o', '100M', '-c', '1'],
                     ['-c', '3', '-s', '64k', '-S', '32M'],
                     ['-w', '-c', '3', '-o', '63M', '-s', '2M'],
                     ['-c', '2', '-U'], ['-c', '2', '-q'],
                     ['-w', '-c', '130', '--flush-interval=64'],
                     ['-w', '-c', '130', '--flush-interval=64', '-d', '128'],
                     ['-c', '700', '-s', '64k', '-S', '32M'],
                     ['-w', '-c', '100', '-n', '-o', '1M', '-S', '8k',
                      '--pattern=7', '--flush-interval=10', '-d', '4'],
                     ['-w', '-c', '100', '-i', 'native', '-t', 'none',
                      '--pattern=7', '-d', '4'],
                     ['-w', '-c', '1000', '-d', '4', '-t', 'none'], ['-Z'],
                     ['-w', '-c', '16', '-o', '8M', '--pattern=9']):
            q = qimg('bench', *args, 'b.qcow2', cwd=self.dir)
            k = kimg('bench', *args, 'b.qcow2', cwd=self.dir)
            timing = r'in [0-9.]+ seconds'
            self.assertEqual(re.sub(timing, '', k.stdout),
                             re.sub(timing, '', q.stdout), args)
            self.assertEqual(k.stderr.replace('kemu-img', 'qemu-img'),
                             q.stderr, args)
            self.assertEqual(k.returncode, q.returncode, args)
        # what the writes left is what qemu-img's left
        self.check_clean(img)
        p = qio('-c', 'read -P 0 0 4000k', '-c', 'read -P 9 8M 64k', img)
        self.assertNotIn('fail', p.stdout)


@unittest.skipUnless(HAVE_QEMU, 'qemu-img not installed')
class OptionErrors(Parity):
    def test_unknown_and_missing(self):
        # (qemu-img measure prints its whole help and exits 0 instead)
        for cmd in ('create', 'convert', 'info', 'check', 'map', 'compare',
                    'commit', 'rebase', 'amend', 'dd', 'bench'):
            self.same(cmd, '-Z', 'x')
            self.same(cmd, 'x', '-f')


def info_lines(img):
    """qemu-img info less what depends on the host or the clock."""
    return [line for line in qimg('info', img).stdout.splitlines()
            if not line.startswith(('image:', 'disk size:', '1  '))]


class TwoImages(Parity):
    """The same starting image for each tool: k.qcow2 and q.qcow2."""

    def pair(self, kind):
        base = self.path('base.qcow2')
        if not os.path.exists(base):
            self.assertOk(qimg('create', '-f', 'qcow2', base, '4M'))
            self.assertOk(qio('-c', 'write -P 1 0 1M', '-c', 'write -z 2M 64k',
                              base))
        for t in ('k', 'q'):
            img = self.path(t + '.qcow2')
            if kind == 'v3':
                shutil.copy(base, img)
            elif kind == 'v2':
                self.assertOk(qimg('convert', '-O', 'qcow2', '-o',
                                   'compat=0.10', base, img))
            elif kind == 'lazy+snapshot':
                self.assertOk(qimg('convert', '-O', 'qcow2', '-o',
                                   'lazy_refcounts=on', base, img))
                self.assertOk(qimg('snapshot', '-c', 's', img))
                self.assertOk(qio('-c', 'write -z 3M 64k', img))
            elif kind == 'v2+snapshot':
                self.assertOk(qimg('convert', '-O', 'qcow2', '-o',
                                   'compat=0.10', base, img))
                self.assertOk(qimg('snapshot', '-c', 's', img))
            elif kind == 'backing':
                self.assertOk(qimg('create', '-f', 'qcow2', '-b', 'base.qcow2',
                                   '-F', 'qcow2', img, cwd=self.dir))
                self.assertOk(qio('-c', 'write -z 0 64k',
                                  '-c', 'write -P 5 64k 64k', img))

    def both(self, cmd, *args):
        """Run @cmd on q.qcow2 with qemu-img and on k.qcow2 with kemu-img;
        the same messages, status and resulting image."""
        q = qimg(cmd, *args, 'q.qcow2', cwd=self.dir)
        k = kimg(cmd, *args, 'k.qcow2', cwd=self.dir)
        self.assertEqual(k.stdout, q.stdout, args)
        self.assertEqual(k.stderr.replace('kemu-img', 'qemu-img'), q.stderr,
                         args)
        self.assertEqual(k.returncode, q.returncode, args)
        kimg_, qimg_ = self.path('k.qcow2'), self.path('q.qcow2')
        self.check_clean(kimg_)
        self.assertEqual(info_lines(kimg_), info_lines(qimg_), args)
        self.assertEqual(qimg('compare', kimg_, qimg_).returncode, 0, args)


@unittest.skipUnless(HAVE_QEMU, 'qemu-img not installed')
class Amend(TwoImages):
    def test_amend(self):
        for kind in ('v3', 'v2', 'lazy+snapshot', 'backing'):
            for o in ('compat=0.10', 'compat=v2', 'compat=1.1',
                      'compat=0.10,lazy_refcounts=on', 'lazy_refcounts=on',
                      'lazy_refcounts=off', 'lazy_refcounts=on,compat=1.1',
                      'size=1M', 'size=8M', 'size=1000', 'compat=0.10,size=8M',
                      'refcount_bits=16', 'refcount_bits=3', 'compat=bogus',
                      'refcount_bits=8', 'refcount_bits=64', 'refcount_bits=1',
                      'compat=0.10,refcount_bits=16',
                      'compat=1.1,refcount_bits=4',
                      'cluster_size=4k', 'preallocation=full', 'foo=1',
                      'nocow=on', 'lazy_refcounts=maybe', 'data_file=x',
                      'backing_fmt=raw'):
                self.pair(kind)
                self.both('amend', '-o', o)
        q = qimg('amend', '-o', 'help', self.path('q.qcow2')).stdout
        k = kimg('amend', '-o', 'help', self.path('k.qcow2')).stdout
        self.assertEqual(k.splitlines(), [line for line in q.splitlines()
                                          if 'encrypt' not in line])

    def test_downgrade_keeps_snapshots(self):
        """Zero clusters shared with a snapshot become clusters of their
        own (qemu-img 7.2 zeroes the shared cluster: the snapshot loses
        its data and check reports an OFLAG_COPIED error)."""
        self.pair('lazy+snapshot')
        k = self.path('k.qcow2')
        self.assertOk(qio('-c', 'write -z 0 64k', k))
        self.assertOk(kimg('amend', '-o', 'compat=0.10', k))
        self.check_clean(k)
        self.assertOk(kimg('convert', '-l', 's', '-O', 'raw', k,
                           self.path('s.raw')))
        p = qio('-f', 'raw', '-c', 'read -P 1 0 1M', self.path('s.raw'))
        self.assertNotIn('fail', p.stdout)
        p = qio('-c', 'read -P 0 0 64k', '-c', 'read -P 1 64k 960k', k)
        self.assertNotIn('fail', p.stdout)

    def test_refcount_width_many_blocks(self):
        img = self.path('k.qcow2')
        self.assertOk(kimg('create', '-f', 'qcow2', '-o', 'cluster_size=512',
                           img, '64M'))
        self.assertOk(qio('-c', 'write -P 3 0 20M', img))
        for bits in ('1', '64', '16'):
            self.assertOk(kimg('amend', '-o', 'refcount_bits=' + bits, img))
            self.check_clean(img)
            self.assertIn('refcount bits: ' + bits, qimg('info', img).stdout)
            p = qio('-c', 'read -P 3 0 20M', '-c', 'read -P 0 20M 44M', img)
            self.assertNotIn('fail', p.stdout)

    def test_errors(self):
        self.pair('v3')
        self.assertOk(qimg('create', '-f', 'raw', self.path('r.raw'), '1M'))
        for args in (['-o', 'compat=0.10', 'r.raw'], ['k.qcow2'],
                     ['-o', 'compat=0.10'], ['-o', 'compat=0.10', 'nothere'],
                     ['-f', 'raw', '-o', 'size=2M', 'r.raw'],
                     ['-t', 'bogus', '-o', 'compat=0.10', 'k.qcow2']):
            self.same('amend', *args)


@unittest.skipUnless(HAVE_QEMU, 'qemu-img not installed')
class Resize(TwoImages):
    def test_shrink_and_preallocation(self):
        for kind in ('v3', 'v2', 'lazy+snapshot', 'v2+snapshot'):
            for args in (['--shrink', '1M'], ['--shrink', '1000'],
                         ['--shrink', '--', '-2M'], ['1M'], ['--shrink', '0'],
                         ['+1M'], ['--shrink', '--', '-1M'],
                         ['--preallocation=full', '--shrink', '512k'],
                         ['--preallocation=bogus', '2M'], ['-q', '12M'],
                         ['--preallocation=metadata', '12M'],
                         ['--preallocation=falloc', '12M'],
                         ['--preallocation=full', '12M']):
                self.pair(kind)
                if args[0] == '--shrink' and args[1] == '--':
                    # the size after the file name, as qemu-img wants it
                    q = qimg('resize', '--shrink', self.path('q.qcow2'),
                             args[2])
                    k = kimg('resize', '--shrink', self.path('k.qcow2'),
                             args[2])
                    self.assertEqual(k.returncode, q.returncode)
                    self.check_clean(self.path('k.qcow2'))
                    continue
                size = args[-1]
                opts = args[:-1]
                q = qimg('resize', *opts, self.path('q.qcow2'), size)
                k = kimg('resize', *opts, self.path('k.qcow2'), size)
                self.assertEqual(k.stdout, q.stdout, (kind, args))
                self.assertEqual(k.stderr.replace('kemu-img', 'qemu-img'),
                                 q.stderr.replace(self.path('q'),
                                                  self.path('k')),
                                 (kind, args))
                self.assertEqual(k.returncode, q.returncode, (kind, args))
                kp, qp = self.path('k.qcow2'), self.path('q.qcow2')
                self.check_clean(kp)
                self.assertEqual(info_lines(kp), info_lines(qp), (kind, args))
                self.same_image('qcow2', kp, qp, msg=(kind, args))

    def test_raw(self):
        for args in (['--preallocation=metadata', '12M'],
                     ['--preallocation=falloc', '12M'],
                     ['--preallocation=full', '12M'], ['--shrink', '1M'],
                     ['1M']):
            for t in ('k', 'q'):
                self.assertOk(qimg('create', '-f', 'raw',
                                   self.path(t + '.raw'), '4M'))
            self.same('resize', '-f', 'raw', *args[:-1], 'k.raw', args[-1])
            qimg('resize', '-f', 'raw', *args[:-1], self.path('q.raw'),
                 args[-1])
            k, q = os.stat(self.path('k.raw')), os.stat(self.path('q.raw'))
            self.assertEqual(k.st_size, q.st_size, args)
            self.assertEqual(k.st_blocks >= 12 * 2048, q.st_blocks >= 12 * 2048,
                             args)


if __name__ == '__main__':
    test_img.BUILD = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
