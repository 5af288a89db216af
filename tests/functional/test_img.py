#!/usr/bin/env python3
"""kemu-img and kemu-io against QEMU 7.2's qemu-img and qemu-io.

    test_img.py BUILD_DIR REFERENCE_DIR

1. The transcripts in reference/qemu-img (QEMU 7.2) replayed with kemu-img.
2. Images kemu writes pass `qemu-img check` and read back with qemu-io.
3. Images QEMU writes (v2, v3, compressed, backing chains, snapshots)
   read identically in kemu.
4. kemu-img prints what qemu-img prints for the same image.
5. Corrupted images give an error, never a crash.
Parts needing Debian's qemu-utils are skipped when qemu-img is missing.
"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import unittest

BUILD = None
REFDIR = None
HAVE_QEMU = shutil.which('qemu-img') and shutil.which('qemu-io')


def run(argv, cwd=None, timeout=120):
    return subprocess.run(argv, cwd=cwd, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=timeout, universal_newlines=True)


def kimg(*args, cwd=None):
    return run([os.path.join(BUILD, 'kemu-img')] + list(args), cwd=cwd)


def kio(*args, cwd=None):
    return run([os.path.join(BUILD, 'kemu-io')] + list(args), cwd=cwd)


def qimg(*args, cwd=None):
    return run(['qemu-img'] + list(args), cwd=cwd)


def qio(*args, cwd=None):
    return run(['qemu-io'] + list(args), cwd=cwd)


def load_reference(name):
    """Returns (command, status, stdout, stderr) of a transcript."""
    with open(os.path.join(REFDIR, name)) as f:
        text = f.read()
    head, rest = text.split('\n# exit status ', 1)
    status, rest = rest.split('\n', 1)
    out, err = rest.split('# stderr:\n', 1)
    out = out.split('# stdout:\n', 1)[1]
    return head[2:], int(status), out, err


class Base(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='kemu-img-')

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def assertOk(self, p):
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        return p

    def check_clean(self, img):
        p = qimg('check', img)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn('No errors were found on the image.', p.stdout)


class Transcripts(Base):
    """The reference session (10G image, 256M written by qemu-io)."""

    def sub(self, text):
        return text.replace('DIR', self.dir).replace('qemu-img:', 'kemu-img:')

    def replay(self, name, cmd_override=None):
        cmd, status, out, err = load_reference(name)
        cmd = self.sub(cmd).replace('qemu-img ', os.path.join(BUILD, 'kemu-img') + ' ')
        p = run(['sh', '-c', cmd_override or cmd], cwd=self.dir)
        self.assertEqual(p.returncode, status, name + ': ' + p.stderr)
        return p, self.sub(out), self.sub(err)

    def test_reference_session(self):
        os.mkdir(self.path('img'))
        p, out, err = self.replay('01-create.txt')
        self.assertEqual(p.stdout, out)
        img = self.path('img/t.qcow2')
        if not HAVE_QEMU:
            self.skipTest('qemu-io not installed')
        self.assertOk(qio('-f', 'qcow2', '-c', 'write -P 0xab 0 256M', img))
        for name in ('06-check.txt', '07-check-json.txt', '08-map-json.txt',
                     '09-map.txt', '10-create-raw.txt'):
            p, out, err = self.replay(name)
            self.assertEqual(p.stdout, out, name)
            self.assertEqual(p.stderr, err, name)
        # Sizes on disk depend on the filesystem: compare with qemu-img live.
        for args in (['info'], ['info', '--output=json']):
            for f in ('img/t.qcow2', 'img/r.raw'):
                q = qimg(*args, self.path(f))
                k = kimg(*args, self.path(f))
                self.assertEqual(k.stdout, q.stdout)
        for name in ('20-bad-magic-info.txt', '21-truncated-check.txt',
                     '22-missing-file.txt'):
            p, out, err = self.replay(name)
            self.assertEqual(p.stdout, out, name)
            self.assertEqual(p.stderr, err, name)


@unittest.skipUnless(HAVE_QEMU, 'qemu-img/qemu-io not installed')
class KemuWritesQemuReads(Base):
    def test_patterns(self):
        for opts in ('compat=1.1', 'compat=0.10', 'cluster_size=4096',
                     'refcount_bits=1', 'refcount_bits=64',
                     'cluster_size=512', 'lazy_refcounts=on'):
            img = self.path('k.qcow2')
            self.assertOk(kimg('create', '-f', 'qcow2', '-o', opts, img,
                               '32M'))
            self.assertOk(kio('-c', 'write -P 0x11 0 1M',
                              '-c', 'write -P 0x22 3000 5000',
                              '-c', 'write -P 0x33 20M 3M',
                              '-c', 'write -z 512k 128k',
                              '-c', 'discard 21M 1M', img))
            self.check_clean(img)
            p = qio('-c', 'read -P 0x11 0 3000', '-c', 'read -P 0x22 3000 5000',
                    '-c', 'read -P 0x11 8000 516288',
                    '-c', 'read -P 0 512k 128k',
                    '-c', 'read -P 0x11 640k 384k',
                    '-c', 'read -P 0x33 20M 1M', '-c', 'read -P 0 21M 1M',
                    '-c', 'read -P 0x33 22M 1M', '-c', 'read -P 0 23M 9M',
                    img)
            self.assertEqual(p.returncode, 0, opts + p.stdout + p.stderr)
            self.assertNotIn('Pattern verification failed', p.stdout, opts)

    def test_convert_compressed(self):
        src = self.path('src.raw')
        rnd = random.Random(4)
        with open(src, 'wb') as f:
            for i in range(40):
                kind = i % 4
                if kind == 0:
                    f.write(bytes(rnd.getrandbits(8) for _ in range(65536)))
                elif kind == 1:
                    f.write(bytes(65536))
                else:
                    f.write((b'kemu %d ' % i) * 8192)
        for extra in ([], ['-c']):
            dst = self.path('c.qcow2')
            self.assertOk(kimg('convert', *extra, '-O', 'qcow2', src, dst))
            self.check_clean(dst)
            p = qimg('compare', src, dst)
            self.assertEqual(p.stdout, 'Images are identical.\n')
            self.assertEqual(kimg('compare', src, dst).stdout,
                             'Images are identical.\n')
        p = qimg('check', dst)
        self.assertRegex(p.stdout, r'[1-9][0-9.]*% compressed clusters')

    def test_backing_and_snapshots(self):
        base, top = self.path('base.qcow2'), self.path('top.qcow2')
        self.assertOk(kimg('create', '-f', 'qcow2', base, '8M'))
        self.assertOk(kio('-c', 'write -P 0x41 0 8M', base))
        self.assertOk(kimg('create', '-f', 'qcow2', '-b', 'base.qcow2',
                           '-F', 'qcow2', top))
        self.assertOk(kio('-c', 'write -P 0x42 70000 1000', top))
        self.assertOk(kimg('snapshot', '-c', 'first', top))
        self.assertOk(kio('-c', 'write -P 0x43 1M 64k', top))
        self.assertOk(kimg('snapshot', '-c', 'second', top))
        self.check_clean(top)
        q = qimg('snapshot', '-l', top)
        k = kimg('snapshot', '-l', top)
        self.assertEqual(k.stdout, q.stdout)
        p = qio('-c', 'read -P 0x41 0 70000', '-c', 'read -P 0x42 70000 1000',
                '-c', 'read -P 0x41 71000 977576', '-c', 'read -P 0x43 1M 64k',
                top)
        self.assertNotIn('verification failed', p.stdout)
        self.assertOk(kimg('snapshot', '-a', 'first', top))
        self.check_clean(top)
        p = qio('-c', 'read -P 0x41 1M 64k', top)
        self.assertNotIn('verification failed', p.stdout)
        self.assertOk(kimg('snapshot', '-d', 'first', top))
        self.assertOk(kimg('snapshot', '-d', 'second', top))
        self.check_clean(top)
        self.assertEqual(qimg('snapshot', '-l', top).stdout, '')


@unittest.skipUnless(HAVE_QEMU, 'qemu-img/qemu-io not installed')
class Rebase(Base):
    def chain(self):
        """old <- top, and a new base that differs from old in places."""
        old, new, top = (self.path(n) for n in ('old.qcow2', 'new.qcow2',
                                                 'top.qcow2'))
        self.assertOk(qimg('create', '-f', 'qcow2', old, '4M'))
        self.assertOk(qio('-c', 'write -P 0x11 0 4M', old))
        self.assertOk(qimg('create', '-f', 'qcow2', new, '4M'))
        self.assertOk(qio('-c', 'write -P 0x11 0 1M',
                          '-c', 'write -P 0x22 2M 1M', new))
        self.assertOk(qimg('create', '-f', 'qcow2', '-b', 'old.qcow2', '-F',
                           'qcow2', top))
        self.assertOk(qio('-c', 'write -P 0x33 64k 64k', top))
        return old, new, top

    def test_safe_keeps_content(self):
        old, new, top = self.chain()
        ref = self.path('ref.raw')
        self.assertOk(qimg('convert', '-O', 'raw', top, ref))
        self.assertOk(kimg('rebase', '-b', 'new.qcow2', '-F', 'qcow2', top))
        self.check_clean(top)
        info = json.loads(qimg('info', '--output=json', top).stdout)
        self.assertEqual(info['backing-filename'], 'new.qcow2')
        self.assertEqual(info['backing-filename-format'], 'qcow2')
        self.assertEqual(qimg('compare', top, ref).returncode, 0)
        # only what differs was copied (1M..4M), plus the 64k of its own
        m = json.loads(qimg('map', '--output=json', top).stdout)
        own = sum(e['length'] for e in m if e['depth'] == 0 and e['data'])
        self.assertEqual(own, 3 * 1024 * 1024 + 64 * 1024)
        # -b "": everything into the image, no backing file left
        self.assertOk(kimg('rebase', '-b', '', top))
        self.check_clean(top)
        info = json.loads(qimg('info', '--output=json', top).stdout)
        self.assertNotIn('backing-filename', info)
        os.unlink(old)
        os.unlink(new)
        self.assertEqual(qimg('compare', top, ref).returncode, 0)

    def test_unsafe_and_errors(self):
        old, new, top = self.chain()
        self.assertOk(kimg('rebase', '-u', '-b', 'new.qcow2', '-F', 'qcow2',
                           top))
        self.check_clean(top)
        # unsafe: the header changed, the data did not move
        p = qio('-c', 'read -P 0x22 2M 1M', '-c', 'read -P 0x33 64k 64k', top)
        self.assertNotIn('verification failed', p.stdout)
        # the same answers as qemu-img for bad invocations
        for args in (['rebase', top],
                     ['rebase', '-b', 'nothere.qcow2', '-F', 'qcow2', top],
                     ['rebase', '-u', '-b', 'nothere.qcow2', top]):
            q, k = qimg(*args), kimg(*args)
            self.assertEqual(k.returncode, q.returncode, args)
            self.assertEqual(k.stderr.replace('kemu-img: ', 'qemu-img: ')
                             .replace("'kemu-img --help'",
                                      "'qemu-img --help'"), q.stderr, args)


@unittest.skipUnless(HAVE_QEMU, 'qemu-img/qemu-io not installed')
class QemuWritesKemuReads(Base):
    def test_images(self):
        src = self.path('src.raw')
        with open(src, 'wb') as f:
            for i in range(48):
                f.write(((b'qemu %d ' % i) * 8192) if i % 3 else bytes(65536))
        for opts in ('compat=0.10', 'compat=1.1', 'cluster_size=4k',
                     'refcount_bits=8'):
            for extra in ([], ['-c']):
                img = self.path('q.qcow2')
                self.assertOk(qimg('convert', *extra, '-O', 'qcow2', '-o',
                                   opts, src, img))
                p = kimg('compare', src, img)
                self.assertEqual(p.stdout, 'Images are identical.\n', opts)
                back = self.path('back.raw')
                self.assertOk(kimg('convert', '-O', 'raw', img, back))
                with open(back, 'rb') as a, open(src, 'rb') as b:
                    self.assertTrue(a.read() == b.read(), opts)
                p = kimg('check', img)
                self.assertEqual(p.returncode, 0, p.stderr)

    def test_chain_and_snapshots(self):
        base, mid, top = (self.path(n) for n in ('b.qcow2', 'm.qcow2',
                                                  't.qcow2'))
        self.assertOk(qimg('create', '-f', 'qcow2', '-o', 'compat=0.10',
                           base, '4M'))
        self.assertOk(qio('-c', 'write -P 1 0 4M', base))
        self.assertOk(qimg('create', '-f', 'qcow2', '-b', base, '-F', 'qcow2',
                           mid))
        self.assertOk(qio('-c', 'write -P 2 1M 1M', mid))
        self.assertOk(qimg('snapshot', '-c', 's', mid))
        self.assertOk(qio('-c', 'write -P 3 1536k 4k', '-c',
                          'write -z 0 64k', mid))
        self.assertOk(qimg('create', '-f', 'qcow2', '-b', 'm.qcow2', '-F',
                           'qcow2', top))
        self.assertOk(qio('-c', 'write -P 4 3M 100k', top))
        p = kio('-r', '-c', 'read -P 0 0 64k', '-c', 'read -P 1 64k 960k',
                '-c', 'read -P 2 1M 512k', '-c', 'read -P 3 1536k 4k',
                '-c', 'read -P 2 1540k 508k', '-c', 'read -P 1 2M 1M',
                '-c', 'read -P 4 3M 100k', '-c', 'read -P 1 3172k 924k', top)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(kimg('compare', top, top).returncode, 0)
        for args in (['info', '--backing-chain'],
                     ['info', '--backing-chain', '--output=json'],
                     ['map', '--output=json'], ['map']):
            self.assertEqual(kimg(*args, top, cwd=self.dir).stdout,
                             qimg(*args, top, cwd=self.dir).stdout, args)
        self.assertOk(kimg('snapshot', '-a', 's', mid))
        self.assertEqual(qimg('check', mid).returncode, 0)
        p = qio('-c', 'read -P 1 0 1M', '-c', 'read -P 2 1M 1M', mid)
        self.assertNotIn('verification failed', p.stdout)


@unittest.skipUnless(HAVE_QEMU, 'qemu-img not installed')
class SameOutput(Base):
    def test_outputs(self):
        img = self.path('o.qcow2')
        self.assertOk(qimg('create', '-f', 'qcow2', img, '100M'))
        self.assertOk(qio('-c', 'write -P 9 0 3M', '-c', 'write 50M 64k',
                          '-c', 'write -z 10M 1M', img))
        self.assertOk(qimg('snapshot', '-c', 'snap', img))
        self.assertOk(qio('-c', 'write -P 7 1M 64k', img))
        for args in (['info'], ['info', '--output=json'], ['check'],
                     ['check', '--output=json'], ['map'],
                     ['map', '--output=json'], ['snapshot', '-l']):
            q, k = qimg(*args, img), kimg(*args, img)
            self.assertEqual(k.stdout, q.stdout, args)
            self.assertEqual(k.returncode, q.returncode, args)

    def test_create_lines(self):
        cases = [['-f', 'qcow2', 'a.qcow2', '1G'],
                 ['-f', 'qcow2', '-o', 'compat=0.10', 'a.qcow2', '1G'],
                 ['-f', 'qcow2', '-o', 'cluster_size=4k,lazy_refcounts=on',
                  'a.qcow2', '1M'],
                 ['-f', 'raw', 'a.raw', '1000'],
                 ['-f', 'qcow2', 'a.qcow2'],
                 ['-f', 'qcow2', '-o', 'cluster_size=1000', 'a.qcow2', '1M']]
        for c in cases:
            q = qimg('create', *c, cwd=self.dir)
            k = kimg('create', *c, cwd=self.dir)
            self.assertEqual(k.stdout, q.stdout, c)
            self.assertEqual(k.stderr.replace('kemu-img', 'qemu-img'),
                             q.stderr, c)
            self.assertEqual(k.returncode, q.returncode, c)

    def test_leaks_and_repair(self):
        img = self.path('l.qcow2')
        self.assertOk(qimg('create', '-f', 'qcow2', img, '10M'))
        self.assertOk(qio('-c', 'write -P 5 0 1M', img))
        # Drop the L2 table's first entry: its data cluster leaks.
        with open(img, 'r+b') as f:
            f.seek(0x40000)
            f.write(bytes(8))
        for args in (['check'], ['check', '--output=json']):
            q, k = qimg(*args, img), kimg(*args, img)
            self.assertEqual(k.stdout, q.stdout, args)
            self.assertEqual(k.stderr, q.stderr, args)
            self.assertEqual(k.returncode, 3)
        k = kimg('check', '-r', 'leaks', img)
        self.assertEqual(k.returncode, 0, k.stdout + k.stderr)
        self.assertIn('The following inconsistencies were found and repaired',
                      k.stdout)
        self.assertEqual(qimg('check', img).returncode, 0)


@unittest.skipUnless(HAVE_QEMU, 'qemu-img not installed')
class CrashSafety(Base):
    def test_kill_during_writes(self):
        """kill -9 in the middle of allocating writes: leaks at worst."""
        import signal
        import time
        rnd = random.Random(9)
        for n in range(6):
            img = self.path('crash.qcow2')
            self.assertOk(kimg('create', '-f', 'qcow2', '-o',
                               'cluster_size=4096', img, '256M'))
            if n % 2:
                self.assertOk(kimg('snapshot', '-c', 's', img))
            cmds = []
            for i in range(3000):
                off = rnd.randrange(0, 255 * 1024 * 1024, 512)
                cmds += ['-c', 'write -P %d %d %d' % (i & 0xff, off,
                                                      rnd.choice([512, 4096,
                                                                  70000]))]
            p = subprocess.Popen([os.path.join(BUILD, 'kemu-io')] + cmds +
                                 [img], stdout=subprocess.DEVNULL)
            time.sleep(0.05 + rnd.random() * 0.3)
            p.send_signal(signal.SIGKILL)
            p.wait()
            q = qimg('check', img)
            self.assertIn(q.returncode, (0, 3), q.stdout + q.stderr)
            self.assertNotIn('ERROR', q.stderr)


class Corruption(Base):
    def test_fuzzed_headers_and_tables(self):
        src = self.path('good.qcow2')
        self.assertOk(kimg('create', '-f', 'qcow2', src, '16M'))
        self.assertOk(kio('-c', 'write -P 3 0 2M', src))
        self.assertOk(kimg('snapshot', '-c', 's', src))
        self.assertOk(kio('-c', 'write -c -P 4 4M 64k', src))
        with open(src, 'rb') as f:
            data = f.read()
        rnd = random.Random(6)
        # Header fields, refcount table and block, L1, L2, snapshot table.
        hot = list(range(0, 112)) + [0x10000 + i for i in range(16)] + \
            [0x20000 + i for i in range(16)] + [0x30000 + i for i in range(8)] + \
            [0x40000 + i for i in range(64)]
        bad = self.path('bad.qcow2')
        for n in range(200):
            b = bytearray(data)
            for _ in range(rnd.randint(1, 3)):
                b[rnd.choice(hot)] = rnd.getrandbits(8)
            with open(bad, 'wb') as f:
                f.write(b)
            for argv in (['info', bad], ['check', bad], ['map', bad],
                         ['convert', '-O', 'raw', bad, self.path('o.raw')]):
                p = kimg(*argv)
                self.assertGreaterEqual(p.returncode, 0,
                                        'signal on %s (case %d)' % (argv, n))
                for bad_word in ('Segmentation', 'Sanitizer', 'runtime error'):
                    self.assertNotIn(bad_word, p.stderr, (argv, n))
            p = kio('-c', 'write -P 9 0 128k', '-c', 'read 0 4M', bad)
            self.assertGreaterEqual(p.returncode, 0, 'kemu-io case %d' % n)
            for bad_word in ('Segmentation', 'Sanitizer', 'runtime error'):
                self.assertNotIn(bad_word, p.stderr, n)


if __name__ == '__main__':
    BUILD = os.path.abspath(sys.argv.pop(1))
    REFDIR = sys.argv.pop(1)
    unittest.main(verbosity=2)
