#!/usr/bin/env python3
"""Block dirty bitmaps (QEMU 7.2): block-dirty-bitmap-add/-remove/-clear/
-enable/-disable/-merge, x-debug-block-dirty-bitmap-sha256, writes through
HMP qemu-io marking them, dirty-bitmaps in query-block and
query-named-block-nodes.  Each scenario runs on kemu and, when
qemu-system-x86_64 is installed, on QEMU with the same steps; answers
must agree.

    test_bitmaps.py BUILD_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_drive  # noqa: E402
from test_blockqmp import Base, img, QEMU  # noqa: E402
import test_blockjobs  # noqa: E402
from test_blockjobs import check, compare  # noqa: E402

ARGS = ['-drive', 'file=d0.qcow2,format=qcow2,if=ide,index=0,node-name=n0',
        '-drive', 'file=d1.raw,format=raw,if=ide,index=1',
        '-blockdev', 'driver=file,filename=d2.qcow2,node-name=f2',
        '-blockdev', 'driver=qcow2,file=f2,node-name=q2']


def bitmaps_of(vm):
    """dirty-bitmaps per drive (query-block) and per named node."""
    drives = {b['device']: b['inserted'].get('dirty-bitmaps')
              for b in vm.execute('query-block')['return']
              if 'inserted' in b}
    nodes = {n['node-name']: n.get('dirty-bitmaps')
             for n in vm.execute('query-named-block-nodes',
                                 flat=True)['return']
             if not n['node-name'].startswith('#')}
    # What a qcow2 node writes to its file node is the driver's business
    # (QEMU caches metadata until a flush): only whether it marked.
    for b in nodes.get('f2') or []:
        b['count'] = b['count'] > 0
    return drives, nodes


def run_steps(vm, steps):
    """Each step: (command, args) over QMP or ('hmp', line)."""
    out = []
    for cmd, args in steps:
        if cmd == 'hmp':
            out.append(vm.hmp(args))
        elif cmd == 'query':
            out.append(bitmaps_of(vm))
        else:
            out.append(vm.execute(cmd, **args))
    return out


def add(node, name, **kw):
    return ('block-dirty-bitmap-add', dict(node=node, name=name, **kw))


def verb(cmd, node, name):
    return ('block-dirty-bitmap-' + cmd, dict(node=node, name=name))


def merge(node, target, bitmaps):
    return ('block-dirty-bitmap-merge',
            dict(node=node, target=target, bitmaps=bitmaps))


def sha(node, name):
    return ('x-debug-block-dirty-bitmap-sha256', dict(node=node, name=name))


class Bitmaps(Base):
    def setUp(self):
        Base.setUp(self)
        img(self.tmp, 'create', '-f', 'qcow2', 'd2.qcow2', '32M')

    def compare(self, steps):
        k, q = self.both(ARGS, lambda vm: run_steps(vm, steps))
        if q:
            self.maxDiff = None
            for step, got, want in zip(steps, k, q):
                self.assertEqual(got, want, step)
        return k

    def test_errors(self):
        steps = [
            add('ide0-hd0', 'b0'),
            add('ide0-hd0', 'b0'),
            add('nope', 'b0'),
            add('ide0-hd0', ''),
            add('ide0-hd0', 'g', granularity=256),
            add('ide0-hd0', 'g', granularity=1000),
            add('ide0-hd0', 'g', granularity=2 ** 32),
            add('ide0-hd0', 'g', granularity=-1),
            add('ide0-hd0', 'x' * 1024),
            add('ide0-hd1', 'p', persistent=True),
            add('ide0-hd0', 'g', granularity=2 ** 31),
            verb('remove', 'ide0-hd0', 'zz'),
            verb('remove', 'nope', 'zz'),
            verb('clear', 'ide0-hd0', 'zz'),
            verb('enable', 'nope', 'b0'),
            verb('disable', 'ide0-hd0', 'zz'),
            add('ide0-hd1', 'r'),
            merge('ide0-hd0', 'b0', ['g', {'node': 'ide0-hd1',
                                           'name': 'r'}]),
            merge('ide0-hd0', 'b0', ['nope']),
            merge('ide0-hd0', 'zz', ['g']),
            merge('nope', 'b0', ['g']),
            merge('ide0-hd0', 'b0', [{'node': 'ide0-hd1', 'name': 'zz'}]),
            merge('ide0-hd0', 'b0', [{'node': 'nonode', 'name': 'zz'}]),
            merge('ide0-hd0', 'b0', [5]),
            merge('ide0-hd0', 'b0', [{'node': 'ide0-hd1'}]),
            merge('ide0-hd0', 'b0', [{'node': 'ide0-hd1', 'name': 'r',
                                      'x': 1}]),
            merge('ide0-hd0', 'b0', 'g'),
            sha('ide0-hd0', 'zz'),
            ('query', None),
        ]
        k = self.compare(steps)
        self.assertEqual(k[1]['error']['desc'], 'Bitmap already exists: b0')
        self.assertEqual(k[6]['error']['desc'],
                         "Parameter 'granularity' expects uint32_t")
        self.assertEqual(k[9]['error']['desc'],
                         "Can't store persistent bitmaps to ide0-hd1: "
                         "Operation not supported")

    def test_tracking(self):
        steps = [
            add('ide0-hd0', 'b0'),
            add('n0', 'small', granularity=512),
            add('ide0-hd0', 'off', disabled=True),
            add('q2', 'q'),
            add('f2', 'f', granularity=4096),
            add('ide0-hd1', 'r'),
            ('hmp', 'qemu-io ide0-hd0 "write 0 64k"'),
            ('hmp', 'qemu-io ide0-hd0 "write -P 0x11 1M 1k"'),
            ('hmp', 'qemu-io ide0-hd0 "write -z 3M 128k"'),
            ('hmp', 'qemu-io ide0-hd0 "write 8M 512"'),
            ('hmp', 'qemu-io ide0-hd1 "write 100k 8k"'),
            ('hmp', 'qemu-io q2 "write 2M 4k"'),
            ('query', None),
            sha('ide0-hd0', 'b0'),
            sha('n0', 'small'),
            verb('enable', 'ide0-hd0', 'off'),
            verb('disable', 'ide0-hd0', 'small'),
            ('hmp', 'qemu-io ide0-hd0 "write 16M 4k"'),
            ('query', None),
            merge('ide0-hd0', 'off', ['small', 'b0']),
            merge('ide0-hd0', 'b0', ['b0']),
            ('query', None),
            sha('ide0-hd0', 'off'),
            verb('clear', 'ide0-hd0', 'b0'),
            verb('remove', 'ide0-hd0', 'small'),
            verb('remove', 'f2', 'f'),
            ('query', None),
        ]
        k = self.compare(steps)
        drives, nodes = k[12]
        b0 = [b for b in drives['ide0-hd0'] if b['name'] == 'b0'][0]
        # 0-64k, 1M, 3M-3M+128k, 8M: five 64 KiB chunks
        self.assertEqual(b0['count'], 5 * 65536)
        self.assertEqual([b['name'] for b in drives['ide0-hd0']],
                         ['off', 'small', 'b0'])
        self.assertEqual(nodes['q2'][0]['count'], 65536)
        # the qcow2 node wrote its metadata through the file node
        self.assertTrue(nodes['f2'][0]['count'])
        self.assertEqual(drives['ide0-hd1'][0]['count'], 65536)


def qemu_img(*args):
    tool = shutil.which('qemu-img') or os.path.join(test_drive.BUILD,
                                                    'kemu-img')
    return subprocess.run([tool] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True)


def node_bitmaps(vm, node='n0'):
    for n in vm.execute('query-named-block-nodes', flat=True)['return']:
        if n['node-name'] == node:
            return n.get('dirty-bitmaps')


def job_end(vm):
    """The job's final event, without timestamps and QEMU's 'speed'."""
    while True:
        for e in list(vm.events):
            if e['event'] in ('BLOCK_JOB_COMPLETED', 'BLOCK_JOB_CANCELLED'):
                vm.events = []
                return e['event'], e['data']
        vm.recv()


class Backup(unittest.TestCase):
    """drive-backup with bitmaps on a paused VM, writes through qemu-io;
    kemu and QEMU must give the same answers, bitmaps and images."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='kemu-bitmaps-')

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def both(self, fn):
        out = []
        for binary in (None, QEMU) if QEMU else (None,):
            for f in os.listdir(self.tmp):
                os.unlink(os.path.join(self.tmp, f))
            img(self.tmp, 'create', '-f', 'qcow2', 'd0.qcow2', '64M')
            vm = test_blockjobs.Vm(self.tmp, [
                '-drive', 'file=d0.qcow2,format=qcow2,if=ide,index=0,'
                'node-name=n0'], binary=binary)
            try:
                out.append(fn(vm))
            finally:
                vm.quit()
        if len(out) == 2:
            self.maxDiff = None
            for k, q in zip(out[0], out[1]):
                self.assertEqual(k, q)
        return out[0]

    def io(self, vm, *cmds):
        for c in cmds:
            self.assertEqual(vm.hmp('qemu-io ide0-hd0 "%s"' % c), '')

    def test_errors_and_busy(self):
        B = dict(device='ide0-hd0', target='t.qcow2', format='qcow2')

        def run(vm):
            out = []
            x = out.append
            e = vm.execute
            x(e('block-dirty-bitmap-add', node='n0', name='b0'))
            x(e('block-dirty-bitmap-add', node='n0', name='b1',
                disabled=True))
            self.io(vm, 'write 0 64k', 'write 4M 1M')
            for kw in (dict(sync='incremental'), dict(sync='bitmap'),
                       dict(sync='incremental', bitmap='zz'),
                       {'sync': 'incremental', 'bitmap': 'b0',
                        'bitmap-mode': 'never'},
                       dict(sync='bitmap', bitmap='b0'),
                       {'sync': 'none', 'bitmap': 'b0',
                        'bitmap-mode': 'always'},
                       {'sync': 'full', 'bitmap': 'b0',
                        'bitmap-mode': 'never'},
                       {'sync': 'full', 'bitmap-mode': 'never'}):
                x(e('drive-backup', **kw, **B))
            x(e('drive-backup', sync='incremental', bitmap='b0', speed=1,
                **B))
            x(node_bitmaps(vm))
            for verb in ('remove', 'clear', 'enable', 'disable'):
                x(e('block-dirty-bitmap-' + verb, node='n0', name='b0'))
            x(e('block-dirty-bitmap-merge', node='n0', target='b0',
                bitmaps=['b1']))
            x(e('block-dirty-bitmap-merge', node='n0', target='b1',
                bitmaps=['b0']))
            x(e('block-dirty-bitmap-add', node='n0', name='b2'))
            self.io(vm, 'write 8M 64k')
            x(node_bitmaps(vm))
            # cancelled incremental (on-success): nothing is lost
            x(e('block-job-cancel', device='ide0-hd0', force=True))
            x(job_end(vm))
            x(node_bitmaps(vm))
            # cancelled bitmap-mode=always: keeps what was not copied
            x(e('drive-backup', sync='bitmap', bitmap='b0', speed=1,
                **{'bitmap-mode': 'always'}, **B))
            self.io(vm, 'write 16M 64k')
            x(node_bitmaps(vm))
            x(e('block-job-cancel', device='ide0-hd0', force=True))
            x(job_end(vm))
            x(node_bitmaps(vm))
            # full backup, on-success: the bitmap starts over
            x(e('drive-backup', sync='full', bitmap='b1',
                **{'bitmap-mode': 'on-success'}, **B))
            x(job_end(vm))
            x(node_bitmaps(vm))
            # sync=bitmap, never: the bitmap stays as it was
            x(e('drive-backup', sync='bitmap', bitmap='b2',
                **{'bitmap-mode': 'never'}, **B))
            x(job_end(vm))
            x(node_bitmaps(vm))
            return out
        k = self.both(run)
        self.assertEqual(k[4]['error']['desc'], "Bitmap 'zz' could not be "
                         "found")
        busy = [b for b in k[11] if b.get('name') == 'b0'][0]
        self.assertEqual((busy['busy'], busy['recording']), (True, True))
        self.assertEqual(k[12]['error']['desc'], "Bitmap 'b0' is currently "
                         "in use by another operation and cannot be used")

    def test_incremental_chain(self):
        """Full backup, then two incrementals onto overlays of it: the
        chain reads as the disk; each overlay holds the dirty clusters."""
        def run(vm):
            out = []
            e = vm.execute
            self.io(vm, 'write -P 0x11 0 1M', 'write -P 0x12 10M 64k')
            out.append(e('block-dirty-bitmap-add', node='ide0-hd0',
                         name='inc'))
            out.append(e('drive-backup', device='ide0-hd0', sync='full',
                         target='full.qcow2', format='qcow2'))
            out.append(job_end(vm))
            prev = 'full.qcow2'
            for i, writes in enumerate([('write -P 0x21 512k 4k',
                                         'write -P 0x22 20M 128k'),
                                        ('write -P 0x31 0 64k',
                                         'write -z 10M 64k',
                                         'write -P 0x33 63M 1M')]):
                self.io(vm, *writes)
                out.append(node_bitmaps(vm))
                inc = 'inc%d.qcow2' % i
                self.assertEqual(qemu_img('create', '-f', 'qcow2', '-b',
                                          prev, '-F', 'qcow2',
                                          os.path.join(self.tmp, inc))
                                 .returncode, 0)
                out.append(e('drive-backup', device='ide0-hd0',
                             sync='incremental', bitmap='inc', target=inc,
                             format='qcow2', mode='existing'))
                out.append(job_end(vm))
                out.append(node_bitmaps(vm))
                prev = inc
            vm.quit()
            for f in ('full.qcow2', 'inc0.qcow2', 'inc1.qcow2'):
                r = qemu_img('check', os.path.join(self.tmp, f))
                self.assertEqual(r.returncode, 0, r.stdout)
                m = qemu_img('map', '--output=json',
                             os.path.join(self.tmp, f))
                out.append([(x['start'], x['length'], x['data'])
                            for x in json.loads(m.stdout)
                            if x['depth'] == 0 and x['data']])
            out.append(compare(os.path.join(self.tmp, 'd0.qcow2'),
                               os.path.join(self.tmp, 'inc1.qcow2')))
            out.append(compare(os.path.join(self.tmp, 'full.qcow2'),
                               os.path.join(self.tmp, 'inc1.qcow2'))[0])
            return out
        k = self.both(run)
        self.assertEqual(k[-2], (0, 'Images are identical.\n'))
        self.assertEqual(k[-1], 1)
        # inc0: the 64k cluster at 512k and 20M..20M+128k
        self.assertEqual(k[-4], [(512 * 1024, 65536, True),
                                 (20 * 1024 * 1024, 131072, True)])


class Persistent(unittest.TestCase):
    """Persistent bitmaps in qcow2: made by qemu-img, loaded, changed and
    stored by kemu; a kill leaves them in use (inconsistent); kemu-img
    and qemu-img info agree; QEMU does the same steps for the answers."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='kemu-bitmaps-p-')

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def prepare(self):
        for f in os.listdir(self.tmp):
            os.unlink(self.path(f))
        x = self.path('x.qcow2')
        for args in (['create', '-f', 'qcow2', x, '64M'],
                     ['bitmap', '--add', x, 'b0'],
                     ['bitmap', '--add', '-g', '512', '--disable', x, 'zz'],
                     ['create', '-f', 'qcow2', '-o', 'compat=0.10',
                      self.path('v2.qcow2'), '64M']):
            self.assertEqual(qemu_img(*args).returncode, 0)
        subprocess.run(['qemu-io', '-c', 'write 0 64k', '-c', 'write 1M 4k',
                        x], stdout=subprocess.DEVNULL, check=True)

    def vm(self, binary, args):
        return test_blockjobs.Vm(self.tmp, args, binary=binary)

    def images(self):
        """qemu-img's and kemu-img's info and check of x.qcow2."""
        x = self.path('x.qcow2')
        kimg = os.path.join(test_drive.BUILD, 'kemu-img')
        out = []
        for args in (['info', '-U', x], ['info', '-U', '--output=json', x]):
            q = qemu_img(*args).stdout
            k = subprocess.run([kimg] + args, stdout=subprocess.PIPE,
                               universal_newlines=True).stdout
            drop = ('disk size', 'actual-size')
            q, k = [''.join(l for l in s.splitlines(True)
                            if not any(d in l for d in drop))
                    for s in (q, k)]
            self.assertEqual(k, q)
            out.append(q)
        r = qemu_img('check', '-U', x)
        self.assertEqual(r.returncode, 0, r.stdout)
        return out

    def run_both(self, fn):
        out = []
        for binary in (None, QEMU) if QEMU else (None,):
            self.prepare()
            out.append(fn(binary))
        if len(out) == 2:
            self.maxDiff = None
            for k, q in zip(out[0], out[1]):
                self.assertEqual(k, q)
        return out[0]

    def test_load_change_store(self):
        def run(binary):
            out = []
            vm = self.vm(binary, ['-drive', 'file=x.qcow2,format=qcow2,'
                                  'if=ide,index=0,node-name=n0',
                                  '-drive', 'file=v2.qcow2,format=qcow2,'
                                  'if=ide,index=1'])
            try:
                e = vm.execute
                out.append(node_bitmaps(vm))
                out.append(self.images())       # in use while open
                out.append(e('block-dirty-bitmap-add', node='n0',
                             name='new', persistent=True, granularity=4096))
                out.append(e('block-dirty-bitmap-add', node='n0',
                             name='big', persistent=True,
                             granularity=2 ** 31))
                out.append(e('block-dirty-bitmap-add', node='ide0-hd1',
                             name='v2', persistent=True))
                out.append(e('block-dirty-bitmap-remove', node='n0',
                             name='zz'))
                out.append(vm.hmp('qemu-io ide0-hd0 "write 8M 64k"'))
                out.append(e('x-debug-block-dirty-bitmap-sha256',
                             node='n0', name='b0'))
                out.append(e('x-debug-block-dirty-bitmap-sha256',
                             node='n0', name='new'))
                out.append(e('block-dirty-bitmap-disable', node='n0',
                             name='b0'))
                out.append(vm.hmp('info block -v ide0-hd0').split(
                    'Images:')[1])
            finally:
                vm.quit()
            out.append(self.images())
            vm = self.vm(binary, ['-drive', 'file=x.qcow2,format=qcow2,'
                                  'if=none,id=d0,node-name=n0,'
                                  'readonly=on'])
            try:
                out.append(node_bitmaps(vm))
                out.append(vm.execute('x-debug-block-dirty-bitmap-sha256',
                                      node='n0', name='new'))
                out.append(vm.execute('block-dirty-bitmap-clear',
                                      node='n0', name='new'))
                out.append(vm.execute('block-dirty-bitmap-remove',
                                      node='n0', name='new'))
            finally:
                vm.quit()
            return out
        k = self.run_both(run)
        self.assertEqual(k[4]['error']['desc'], "Can't make bitmap 'v2' "
                         "persistent in 'ide0-hd1': Cannot store dirty "
                         "bitmaps in qcow2 v2 files")
        self.assertIn('name: new', k[11][0])
        self.assertNotIn('name: zz', k[11][0])

    def test_kill_leaves_inconsistent(self):
        def run(binary):
            out = []
            vm = self.vm(binary, ['-drive', 'file=x.qcow2,format=qcow2,'
                                  'if=ide,index=0,node-name=n0'])
            vm.proc.kill()
            vm.proc.communicate()
            vm.sock.close()
            out.append(self.images())
            vm = self.vm(binary, ['-drive', 'file=x.qcow2,format=qcow2,'
                                  'if=ide,index=0,node-name=n0'])
            try:
                e = vm.execute
                out.append(node_bitmaps(vm))
                for verb in ('clear', 'enable'):
                    out.append(e('block-dirty-bitmap-' + verb, node='n0',
                                 name='b0'))
                out.append(e('block-dirty-bitmap-merge', node='n0',
                             target='zz', bitmaps=['b0']))
                out.append(e('drive-backup', device='ide0-hd0',
                             sync='incremental', bitmap='b0',
                             target='t.qcow2', format='qcow2'))
                out.append(e('block-dirty-bitmap-remove', node='n0',
                             name='b0'))
                out.append(node_bitmaps(vm))
            finally:
                vm.quit()
            out.append(self.images())
            return out
        k = self.run_both(run)
        self.assertIn('[0]: in-use', k[0][0])
        self.assertEqual(k[1][1]['inconsistent'], True)
        self.assertEqual(k[2]['error']['desc'], "Bitmap 'b0' is "
                         "inconsistent and cannot be used")


class ImgBitmap(unittest.TestCase):
    """kemu-img bitmap against qemu-img bitmap: the same steps on two
    copies of an image give the same messages, statuses and bitmaps."""

    STEPS = [[], ['--add', 'x.qcow2'], ['-g', '4096', 'x.qcow2', 'b'],
             ['--add', '-g', '4096', '-b', 'x.qcow2', 'x.qcow2', 'b'],
             ['--remove', '-g', '4096', 'x.qcow2', 'b'],
             ['--remove', '-F', 'qcow2', 'x.qcow2', 'b'],
             ['--remove', 'x.qcow2', 'nope'], ['--add', 'x.qcow2', 'nb'],
             ['--add', 'x.qcow2', 'nb'], ['--add', '-g', '1000', 'x.qcow2',
                                          'g'],
             ['--merge', 'nope', 'x.qcow2', 'nb'],
             ['--add', '--merge', 'b0', '--disable', 'x.qcow2', 'cp'],
             ['--add', '-g', '512', 'x.qcow2', 'small'],
             ['--clear', 'x.qcow2', 'nb'], ['--enable', 'x.qcow2', 'cp'],
             ['--remove', 'x.qcow2', 'small'],
             ['-f', 'raw', '--add', 'r.raw', 'b'],
             ['--merge', 'b0', '-b', 'y.qcow2', 'x.qcow2', 'nb']]

    def run_tool(self, tool, tmp):
        out = []
        for step in self.STEPS:
            p = subprocess.run([tool, 'bitmap'] + step, cwd=tmp,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT,
                               universal_newlines=True)
            text = re.sub(r'#block\d+', '#N', p.stdout)
            out.append((step, p.returncode, text.replace(
                os.path.basename(tool), 'IMG')))
        out.append(qemu_img('info', os.path.join(tmp, 'x.qcow2')).stdout
                   .split('cluster_size')[1])
        r = qemu_img('check', os.path.join(tmp, 'x.qcow2'))
        out.append((r.returncode, r.stdout.splitlines()[0]))
        return out

    def test_steps(self):
        if not shutil.which('qemu-img') or not shutil.which('qemu-io'):
            self.skipTest('qemu-img not installed')
        results = []
        for tool in (os.path.join(test_drive.BUILD, 'kemu-img'),
                     shutil.which('qemu-img')):
            tmp = tempfile.mkdtemp(prefix='kemu-img-bitmap-')
            try:
                for name in ('x.qcow2', 'y.qcow2'):
                    qemu_img('create', '-f', 'qcow2',
                             os.path.join(tmp, name), '64M')
                    qemu_img('bitmap', '--add', os.path.join(tmp, name),
                             'b0')
                    # qemu-io records its writes in the auto bitmap
                    subprocess.run(['qemu-io', '-c', 'write 0 64k', '-c',
                                    'write %dM 4k' % (1 if name[0] == 'x'
                                                      else 9),
                                    os.path.join(tmp, name)],
                                   stdout=subprocess.DEVNULL, check=True)
                qemu_img('create', '-f', 'raw', os.path.join(tmp, 'r.raw'),
                         '1M')
                results.append(self.run_tool(tool, tmp))
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        self.maxDiff = None
        for k, q in zip(*results):
            self.assertEqual(k, q)


def md5_of(path):
    raw = path + '.raw'
    subprocess.run([test_blockjobs.img_tool(), 'convert', '-O', 'raw', path,
                    raw], check=True)
    out = subprocess.run(['md5sum', raw], stdout=subprocess.PIPE,
                         universal_newlines=True).stdout.split()[0]
    os.unlink(raw)
    return out


def linux(kemu, builder):
    """A Linux guest fills its virtio disk and keeps writing while the host
    takes a full backup that starts a bitmap (bitmap-mode=on-success);
    after the guest's last write an incremental backup onto an overlay of
    the full one gives the disk as the guest sees it (qemu-img compare),
    holding only the clusters the guest wrote meanwhile."""
    from test_linux import Guest, Qmp, build_guest, qmp_connect
    guest_dir = build_guest(builder)
    tmp = tempfile.mkdtemp(prefix='kemu-bitmaps-linux-')
    failures = []
    try:
        disk = os.path.join(tmp, 'a.qcow2')
        for d in ('a', 'b'):
            test_blockjobs.kemu_img('create', '-f', 'qcow2',
                                    os.path.join(tmp, d + '.qcow2'), '8M')
        sock = os.path.join(tmp, 'qmp.sock')
        g = Guest(kemu, guest_dir, 'kemu.test=blockjob',
                  ['-qmp', 'unix:%s,server=on,wait=off' % sock,
                   '-drive', 'file=%s,format=qcow2,if=virtio,id=da' % disk,
                   '-drive', 'file=%s,format=qcow2,if=virtio,id=db' %
                   os.path.join(tmp, 'b.qcow2')])
        q = Qmp(*qmp_connect(sock, 30))
        q.execute('qmp_capabilities')
        if not g.wait_for('GUEST-JOB-A', 300):
            raise AssertionError('guest did not fill its disks')
        full = os.path.join(tmp, 'full.qcow2')
        inc = os.path.join(tmp, 'inc.qcow2')
        for cmd, args in (('block-dirty-bitmap-add',
                           {'node': 'da', 'name': 'inc'}),
                          ('drive-backup',
                           {'device': 'da', 'sync': 'full', 'target': full,
                            'bitmap': 'inc', 'bitmap-mode': 'on-success',
                            'speed': 2 * MiB})):
            r = q.execute(cmd, **args)
            if r != {'return': {}}:
                failures.append('%s: %r' % (cmd, r))
        done = g.wait_for('GUEST-JOB-DONE', 300)
        if not done:
            raise AssertionError('guest did not finish writing')
        while not any(e['event'] == 'BLOCK_JOB_COMPLETED' for e in q.events):
            if not q.wait_event('BLOCK_JOB_COMPLETED', 120):
                failures.append('full backup never completed')
                break
        blk = [b for b in q.execute('query-block')['return']
               if b['device'] == 'da'][0]
        bm = blk['inserted'].get('dirty-bitmaps', [])
        print('bitmap after the full backup: %r' % bm)
        if len(bm) != 1 or not 0 < bm[0]['count'] < 8 * MiB:
            failures.append('bitmap: %r' % bm)
        subprocess.run([test_blockjobs.img_tool(), 'create', '-f', 'qcow2',
                        '-b', full, '-F', 'qcow2', inc], check=True,
                       stdout=subprocess.DEVNULL)
        r = q.execute('drive-backup', device='da', sync='incremental',
                      bitmap='inc', target=inc, format='qcow2',
                      mode='existing')
        if r != {'return': {}}:
            failures.append('incremental: %r' % r)
        q.events = []
        if not q.wait_event('BLOCK_JOB_COMPLETED', 120):
            failures.append('incremental backup never completed')
        completed = [e['data'] for e in q.events
                     if e['event'] == 'BLOCK_JOB_COMPLETED']
        print('incremental: %r' % completed)
        if completed and completed[-1].get('len') != bm[0]['count']:
            failures.append('incremental copied %r, bitmap had %d'
                            % (completed[-1], bm[0]['count']))
        q.execute('quit')
        g.wait_exit(60)
        rc, out = compare(disk, inc)
        if rc != 0:
            failures.append('compare disk inc: %s' % out)
        got, want = md5_of(inc), done.split()[1]
        if got != want:
            failures.append('inc chain md5 %s, guest saw %s' % (got, want))
        for path in (full, inc):
            test_blockjobs.check_into(path, failures)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return test_blockjobs.report(failures)


MiB = 1024 * 1024

if __name__ == '__main__':
    test_drive.BUILD = os.path.abspath(sys.argv.pop(1))
    test_blockjobs.BUILD = test_drive.BUILD
    if len(sys.argv) > 1 and sys.argv[1] == 'linux':
        sys.exit(linux(sys.argv[2], sys.argv[3]))
    unittest.main(verbosity=2)
