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


if __name__ == '__main__':
    test_drive.BUILD = os.path.abspath(sys.argv.pop(1))
    test_blockjobs.BUILD = test_drive.BUILD
    unittest.main(verbosity=2)
