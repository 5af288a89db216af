#!/usr/bin/env python3
"""Block dirty bitmaps (QEMU 7.2): block-dirty-bitmap-add/-remove/-clear/
-enable/-disable/-merge, x-debug-block-dirty-bitmap-sha256, writes through
HMP qemu-io marking them, dirty-bitmaps in query-block and
query-named-block-nodes.  Each scenario runs on kemu and, when
qemu-system-x86_64 is installed, on QEMU with the same steps; answers
must agree.

    test_bitmaps.py BUILD_DIR
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_drive  # noqa: E402
from test_blockqmp import Base, img  # noqa: E402

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


if __name__ == '__main__':
    test_drive.BUILD = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
