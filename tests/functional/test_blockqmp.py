#!/usr/bin/env python3
"""Block-layer monitor commands beyond query-block: named nodes and the
graph, tray and medium commands, I/O throttling, write thresholds,
transactions, drive_add/drive_del.  Each scenario runs on kemu and, when
qemu-system-x86_64 is installed, on QEMU 7.2 with the same arguments; the
JSON shapes, events and error texts must agree.

    test_blockqmp.py BUILD_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_drive  # noqa: E402
from test_drive import Vm  # noqa: E402

QEMU = shutil.which('qemu-system-x86_64')


def img(tmp, *args):
    subprocess.run([os.path.join(test_drive.BUILD, 'kemu-img')] + list(args),
                   check=True, cwd=tmp, stdout=subprocess.DEVNULL)


def shape(v):
    """Keys and types, not values (QEMU's node names are random)."""
    if isinstance(v, dict):
        return {k: shape(x) for k, x in v.items()}
    if isinstance(v, list):
        return [shape(x) for x in v]
    return type(v).__name__


def strip_events(r):
    return {k: v for k, v in r.items() if k != 'timestamp'}


class EvVm(Vm):
    """test_drive's Vm, keeping the events it reads."""

    def recv(self):
        r = Vm.recv(self)
        if 'event' in r:
            self.events = getattr(self, 'events', []) + [r]
        return r

    def take_events(self):
        ev, self.events = getattr(self, 'events', []), []
        return [(e['event'], e.get('data')) for e in ev]


def normalize(v):
    """QEMU's automatic names and QOM paths differ run to run."""
    text = json.dumps(v, sort_keys=True)
    text = re.sub(r'#block\d+', '#N', text)
    return json.loads(re.sub(r'device\[\d+\]', 'device[N]', text))


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='kemu-blockqmp-')
        img(self.tmp, 'create', '-f', 'qcow2', 'd0.qcow2', '64M')
        img(self.tmp, 'create', '-f', 'raw', 'd1.raw', '16M')
        img(self.tmp, 'create', '-f', 'raw', 'cd.iso', '1M')
        img(self.tmp, 'create', '-f', 'raw', 'cd2.iso', '2M')

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def both(self, args, fn, prepare=None):
        """fn(vm) on kemu, then on QEMU if installed: (kemu, qemu|None);
        prepare() before each run resets the images."""
        out = []
        for binary in (None, QEMU):
            if binary is None and out:
                break
            if prepare:
                prepare()
            vm = EvVm(self.tmp, args, binary=binary)
            try:
                out.append(fn(vm))
            finally:
                vm.quit()
            if not QEMU:
                out.append(None)
                break
        return out[0], out[1]


class NamedNodes(Base):
    ARGS = ['-drive', 'file=d0.qcow2,format=qcow2,if=ide,index=0',
            '-drive', 'file=cd.iso,format=raw,if=ide,index=2,media=cdrom',
            '-blockdev', 'driver=file,filename=d1.raw,node-name=f1',
            '-blockdev', 'driver=raw,file=f1,node-name=r1']

    def test_query_named_block_nodes(self):
        def run(vm):
            full = vm.execute('query-named-block-nodes')['return']
            flat = vm.execute('query-named-block-nodes', flat=True)['return']
            bad = vm.execute('query-named-block-nodes', flat='yes')
            return full, flat, bad
        k, q = self.both(self.ARGS, run)
        byname = {n['node-name']: n for n in k[0]}
        self.assertEqual(len(k[0]), 6)
        self.assertEqual(byname['r1']['drv'], 'raw')
        self.assertEqual(byname['f1']['drv'], 'file')
        self.assertEqual(byname['f1']['image']['format'], 'file')
        self.assertEqual(sorted(n['drv'] for n in k[0]),
                         ['file', 'file', 'file', 'qcow2', 'raw', 'raw'])
        self.assertTrue(all(re.match(r'^#block\d+$', n) for n in byname
                            if n not in ('r1', 'f1')))
        if q:
            qby = {n['node-name']: n for n in q[0]}
            self.assertEqual(shape(byname['r1']), shape(qby['r1']))
            self.assertEqual(shape(byname['f1']), shape(qby['f1']))
            self.assertEqual(sorted(shape(n) for n in k[1]
                                    if n['drv'] == 'qcow2'),
                             sorted(shape(n) for n in q[1]
                                    if n['drv'] == 'qcow2'))
            self.assertEqual(k[2], q[2])

    def test_backing_image_flat(self):
        img(self.tmp, 'create', '-f', 'qcow2', '-b', 'd0.qcow2', '-F', 'qcow2',
            'top.qcow2')

        def run(vm):
            full = vm.execute('query-named-block-nodes')['return']
            flat = vm.execute('query-named-block-nodes', flat=True)['return']
            return ([n['image'].get('backing-image', {}).get('filename')
                     for n in full if n['file'] == 'top.qcow2'],
                    [n['image'].get('backing-image') for n in flat])
        k, q = self.both(['-drive', 'file=top.qcow2,format=qcow2,if=virtio'],
                         run)
        self.assertIn('d0.qcow2', k[0])
        self.assertEqual(set(k[1]), {None})
        if q:
            self.assertEqual(k, q)

    def test_block_graph(self):
        def run(vm):
            g = vm.execute('x-debug-query-block-graph')['return']
            names = {n['id']: (n['name'], n['type']) for n in g['nodes']}
            edges = sorted((names[e['parent']][0], names[e['child']][0],
                            e['name'], tuple(e['perm']),
                            tuple(e['shared-perm'])) for e in g['edges'])
            edges = [(re.sub(r'#block\d+', '#', p), re.sub(r'#block\d+', '#',
                                                           c), n, pm, sh)
                     for p, c, n, pm, sh in edges]
            types = sorted(t for _, t in names.values())
            return edges, types
        k, q = self.both(self.ARGS, run)
        self.assertEqual(k[1], ['block-backend'] * 2 + ['block-driver'] * 6)
        self.assertIn(('ide0-hd0', '#', 'root', ('write', 'consistent-read'),
                       ('resize', 'write-unchanged', 'consistent-read')),
                      k[0])
        self.assertIn(('r1', 'f1', 'file', (),
                       ('resize', 'write-unchanged', 'write',
                        'consistent-read')), k[0])
        if q:
            self.assertEqual(k, q)

    def test_info_block_n(self):
        def run(vm):
            return re.sub(r'#block\d+', '#N',
                          vm.hmp('info block -n').replace('\r\n', '\n')).rstrip('\n')
        k, q = self.both(self.ARGS, run)
        blocks = sorted(k.split('\n\n'))
        self.assertNotIn('Images:', k)
        self.assertIn('r1: d1.raw (raw)\n    Cache mode:       writeback',
                      blocks)
        self.assertIn('#N: cd.iso (raw, read-only)\n'
                      '    Cache mode:       writeback', blocks)
        if q:
            self.assertEqual(blocks, sorted(q.split('\n\n')))

    def test_info_block_verbose(self):
        img(self.tmp, 'create', '-f', 'qcow2', '-b', 'd0.qcow2', '-F', 'qcow2',
            'top.qcow2')

        def run(vm):
            return [re.sub(r'#block\d+', '#N', vm.hmp(cmd).replace(
                '\r\n', '\n')).rstrip('\n').split('\n\n')
                for cmd in ('info block -v', 'info block -n -v')]
        k, q = self.both(['-drive', 'file=top.qcow2,format=qcow2,if=ide',
                          '-drive', 'file=d1.raw,format=raw,if=none,id=r'],
                         run)
        self.assertIn('Images:\nimage: top.qcow2\nfile format: qcow2\n'
                      'virtual size: 64 MiB (67108864 bytes)\n', k[0][1])
        self.assertIn('backing file: d0.qcow2\nbacking file format: '
                      'qcow2\n', k[0][1])
        self.assertIn('image: d0.qcow2\nfile format: qcow2\n', k[0][1])
        if q:
            self.maxDiff = None
            self.assertEqual(k[0], q[0])
            self.assertEqual(sorted(k[1]), sorted(q[1]))


class Media(Base):
    ARGS = ['-drive', 'file=d0.qcow2,format=qcow2,if=none,id=hd',
            '-device', 'ide-hd,drive=hd,id=disk0,bus=ide.0,unit=0',
            '-drive', 'file=cd.iso,format=raw,if=ide,index=2,media=cdrom',
            '-drive', 'if=none,id=nn,file=d1.raw,format=raw',
            '-blockdev', 'driver=file,filename=cd2.iso,node-name=f1,'
            'read-only=on',
            '-blockdev', 'driver=raw,file=f1,node-name=r1,read-only=on',
            '-device', 'ide-cd,id=cd1,bus=ide.1,unit=1']
    STEPS = [
        ('blockdev-open-tray', {'device': 'hd'}),
        ('blockdev-open-tray', {'device': 'nosuch'}),
        ('blockdev-open-tray', {}),
        ('blockdev-open-tray', {'device': 'ide1-cd0', 'id': 'cd1'}),
        ('blockdev-open-tray', {'id': 'cd1'}),
        ('blockdev-open-tray', {'id': 'nosuch'}),
        ('blockdev-close-tray', {'id': 'cd1'}),
        ('blockdev-remove-medium', {'id': 'cd1'}),
        ('blockdev-remove-medium', {'device': 'ide1-cd0'}),
        ('blockdev-open-tray', {'device': 'ide1-cd0'}),
        ('blockdev-open-tray', {'device': 'ide1-cd0'}),
        ('blockdev-insert-medium', {'id': 'cd1', 'node-name': 'nosuch'}),
        ('blockdev-close-tray', {'id': 'cd1'}),
        ('blockdev-insert-medium', {'id': 'cd1', 'node-name': 'r1'}),
        ('blockdev-open-tray', {'id': 'cd1', 'force': True}),
        ('blockdev-insert-medium', {'id': 'cd1', 'node-name': 'r1'}),
        ('blockdev-insert-medium', {'id': 'cd1', 'node-name': 'r1'}),
        ('blockdev-insert-medium', {'id': 'disk0', 'node-name': 'r1'}),
        ('blockdev-remove-medium', {'id': 'disk0'}),
        ('blockdev-open-tray', {'id': 'disk0'}),
        ('blockdev-close-tray', {'id': 'cd1'}),
        ('blockdev-remove-medium', {'id': 'cd1'}),
        ('blockdev-open-tray', {'id': 'cd1'}),
        ('blockdev-remove-medium', {'id': 'cd1'}),
        ('blockdev-remove-medium', {'id': 'cd1'}),
        ('blockdev-open-tray', {'device': 'nn'}),
        ('blockdev-close-tray', {'device': 'nn'}),
        ('eject', {'device': 'ide1-cd0'}),
        ('blockdev-change-medium', {'id': 'cd1', 'filename': 'cd.iso',
                                    'format': 'raw'}),
        ('eject', {'id': 'cd1'}),
        ('blockdev-close-tray', {'id': 'cd1'}),
        ('query-block', {}),
    ]

    def test_tray_and_medium(self):
        def run(vm):
            out = []
            for cmd, args in self.STEPS:
                r = vm.execute(cmd, **args)
                out.append((cmd, args, r, vm.take_events()))
            out.append(vm.hmp('info block').replace('\r\n', '\n'))
            return normalize(out)
        k, q = self.both(self.ARGS, run)
        events = [e for step in k[:-1] for e in step[3]]
        self.assertEqual(len(events), 9)
        self.assertEqual(events[0], ['DEVICE_TRAY_MOVED', {
            'device': '', 'id': 'cd1', 'tray-open': True}])
        self.assertEqual(k[-2][2]['return'][3]['device'], '')
        self.assertIn('cd1: [not inserted]\n    Attached to:      cd1\n'
                      '    Removable device: not locked, tray closed\n',
                      k[-1])
        if q:
            self.maxDiff = None
            for got, want in zip(k, q):
                self.assertEqual(got, want)


    # A node a block job holds: QEMU opens the tray but keeps the medium.
    BUSY = [
        ('drive-backup', {'device': 'ide1-cd0', 'target': 'bk.raw',
                          'format': 'raw', 'sync': 'full', 'speed': 1}),
        ('eject', {'device': 'ide1-cd0'}),
        ('blockdev-change-medium', {'device': 'ide1-cd0',
                                    'filename': 'cd2.iso', 'format': 'raw'}),
        ('blockdev-close-tray', {'device': 'ide1-cd0'}),
        ('human-monitor-command', {'command-line': 'drive_del ide1-cd0'}),
        ('block-job-cancel', {'device': 'ide1-cd0', 'force': True}),
        ('eject', {'device': 'ide1-cd0'}),
        ('human-monitor-command', {'command-line': 'drive_del ide1-cd0'}),
    ]

    def test_busy_medium(self):
        def run(vm):
            out = []
            for cmd, args in self.BUSY:
                r = vm.execute(cmd, **args)
                if cmd == 'block-job-cancel':
                    for _ in range(500):
                        if not vm.execute('query-block-jobs')['return']:
                            break
                        time.sleep(0.01)
                out.append((cmd, args, r, [
                    e for e in vm.take_events()
                    if e[0] not in ('JOB_STATUS_CHANGE',
                                    'BLOCK_JOB_CANCELLED')]))
            return normalize(out)
        k, q = self.both(self.ARGS, run)
        busy = ("Node 'ide1-cd0' is busy: block device is in use by block "
                "job: backup")
        self.assertEqual(k[1][2]['error']['desc'], busy)
        self.assertEqual(k[4][2]['return'], busy + '\r\n')
        self.assertEqual(k[6][2], {'return': {}})
        if q:
            self.maxDiff = None
            for got, want in zip(k, q):
                self.assertEqual(got, want)


THROTTLE0 = dict(bps=0, bps_rd=0, bps_wr=0, iops=0, iops_rd=0, iops_wr=0)


class Throttle(Base):
    ARGS = ['-drive', 'file=d1.raw,format=raw,if=virtio,'
            'throttling.bps-total=1000000,throttling.iops-read=50,'
            'throttling.iops-read-max=100,throttling.iops-size=4096',
            '-drive', 'file=d0.qcow2,format=qcow2,if=none,id=x,iops=10,'
            'group=g1',
            '-drive', 'file=cd.iso,format=raw,if=none,id=y,readonly=on']

    def test_limits_groups_and_errors(self):
        def set_(vm, **kw):
            args = dict(THROTTLE0)
            args.update(kw)
            return vm.execute('block_set_io_throttle', **args)

        def run(vm):
            out = [[b.get('inserted') for b in
                    vm.execute('query-block')['return']],
                   vm.hmp('info block').replace('\r\n', '\n')]
            out.append(set_(vm, device='y', iops=5))
            out.append(set_(vm, device='y', iops=5, iops_rd=1))
            out.append(set_(vm, device='nosuch', iops=5))
            out.append(set_(vm, id='nosuch', iops=5))
            out.append(set_(vm, iops=5))
            out.append(set_(vm, device='y', iops=7, group='g1'))
            out.append(set_(vm, device='virtio0'))
            out.append(set_(vm, device='y', iops=5, iops_max=3))
            out.append(set_(vm, device='y', iops=5, iops_max=30,
                            iops_max_length=2, bps_max_length=3))
            out.append(set_(vm, device='y', bps=-1))
            for line in ('block_set_io_throttle y 1 2 3 4 5 6',
                         'block_set_io_throttle y 1 0 0 0 0 0',
                         'block_set_io_throttle nosuch 1 0 0 0 0 0',
                         'block_set_io_throttle y 1 0 0',
                         'block_set_io_throttle y 1k 0 0 0 0 0',
                         'info block'):
                out.append(vm.hmp(line).replace('\r\n', '\n'))
            out.append([b.get('inserted') for b in
                        vm.execute('query-block')['return']])
            return normalize(out)
        k, q = self.both(self.ARGS, run)
        ins = k[0][0]
        self.assertEqual((ins['bps'], ins['iops_rd'], ins['iops_rd_max'],
                          ins['iops_rd_max_length'], ins['iops_size'],
                          ins['group']),
                         (1000000, 50, 100, 1, 4096, 'virtio0'))
        self.assertNotIn('bps_max', ins)
        self.assertIn('    I/O throttling:   bps=0 bps_rd=0 bps_wr=0 '
                      'bps_max=0 bps_rd_max=0 bps_wr_max=0 iops=10 '
                      'iops_rd=0 iops_wr=0 iops_max=0 iops_rd_max=0 '
                      'iops_wr_max=0 iops_size=0 group=g1\n', k[1])
        # y joined g1 and set bps=1 over HMP: x has the group's limits.
        self.assertEqual((k[-1][1]['bps'], k[-1][1]['group']), (1, 'g1'))
        self.assertNotIn('group', k[-1][0])
        if q:
            self.maxDiff = None
            for got, want in zip(k, q):
                self.assertEqual(got, want)

    def test_limits_survive_medium_change(self):
        def run(vm):
            out = [vm.execute('block_set_io_throttle', device='ide1-cd0',
                              **dict(THROTTLE0, bps_rd=4096,
                                     group='cdgroup'))]
            out.append(vm.execute('eject', device='ide1-cd0'))
            out.append(vm.execute('block_set_io_throttle', device='ide1-cd0',
                                  **THROTTLE0))
            out.append(vm.execute('blockdev-change-medium', device='ide1-cd0',
                                  filename='cd2.iso', format='raw'))
            ins = vm.execute('query-block')['return'][0]['inserted']
            out.append((ins['bps_rd'], ins.get('group')))
            return out
        k, q = self.both(['-drive', 'file=cd.iso,format=raw,if=ide,index=2,'
                          'media=cdrom'], run)
        self.assertEqual(k[-1], (4096, 'cdgroup'))
        if q:
            self.assertEqual(k, q)

    def test_drive_option_errors(self):
        bad = ['throttling.bps-total=1000,throttling.bps-read=5',
               'throttling.bps-total=2000000000000000',
               'throttling.bps-total-max=100',
               'throttling.bps-total=100,throttling.bps-total-max=50',
               'throttling.bps-total=100,throttling.bps-total-max-length=5',
               'throttling.bps-total=100,throttling.bps-total-max=200,'
               'throttling.bps-total-max-length=0',
               'bps=100,throttling.bps-total=5', 'bps=abc',
               'throttling.iops-total=-1', 'bps=1000,bps_rd=5',
               'throttling.iops-size=512']
        for opt in bad:
            args = ['-drive', 'file=d1.raw,format=raw,if=virtio,' + opt]
            rc, err = test_drive.run_fail(self.tmp, args)
            self.assertEqual(rc, 1, opt)
            self.assertTrue(err.startswith('kemu-system-x86_64: -drive '),
                            err)
            if QEMU:
                p = subprocess.run([QEMU, '-nodefaults', '-display', 'none',
                                    '-S'] + args, cwd=self.tmp,
                                   stdin=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, timeout=20,
                                   universal_newlines=True)
                self.assertEqual(err.split(': ', 2)[2],
                                 p.stderr.split(': ', 2)[2], opt)


class NodeCommands(Base):
    def test_write_threshold(self):
        """A threshold on the file node of a drive; an internal snapshot
        writes past the end of the image file and fires it, once."""
        def run(vm):
            nodes = vm.execute('query-named-block-nodes')['return']
            fnode = [n['node-name'] for n in nodes if n['drv'] == 'file'][0]
            size = [n['image']['virtual-size'] for n in nodes
                    if n['drv'] == 'file'][0]
            out = [vm.execute('block-set-write-threshold', **{
                'node-name': 'nosuch', 'write-threshold': 1})]
            out.append(vm.execute('block-set-write-threshold', **{
                'node-name': fnode, 'write-threshold': size}))
            out.append([n['write_threshold'] == size for n in vm.execute(
                'query-named-block-nodes')['return'] if n['drv'] == 'file'])
            out.append(vm.execute('blockdev-snapshot-internal-sync',
                                  device='ide0-hd0', name='s1'))
            vm.execute('query-status')
            ev = vm.take_events()
            out.append([(e, d['node-name'] == fnode,
                         d['write-threshold'] == size,
                         d['amount-exceeded'] > 0) for e, d in ev])
            out.append(vm.execute('blockdev-snapshot-internal-sync',
                                  device='ide0-hd0', name='s2'))
            vm.execute('query-status')
            out.append(vm.take_events())
            out.append([n['write_threshold'] for n in vm.execute(
                'query-named-block-nodes')['return'] if n['drv'] == 'file'])
            return normalize(out)
        k, q = self.both(['-drive', 'file=d0.qcow2,format=qcow2,if=ide'], run,
                         lambda: img(self.tmp, 'create', '-f', 'qcow2',
                                     'd0.qcow2', '64M'))
        self.assertEqual(k[4], [['BLOCK_WRITE_THRESHOLD', True, True, True]])
        self.assertEqual(k[6], [])
        self.assertEqual(k[7], [0])
        if q:
            self.assertEqual(k, q)

    def test_change_backing_file(self):
        img(self.tmp, 'create', '-f', 'qcow2', 'base.qcow2', '64M')
        img(self.tmp, 'create', '-f', 'qcow2', '-b', 'base.qcow2', '-F',
            'qcow2', 'top.qcow2')
        args = ['-blockdev', 'driver=file,filename=base.qcow2,node-name=bf',
                '-blockdev', 'driver=qcow2,file=bf,node-name=base',
                '-blockdev', 'driver=file,filename=top.qcow2,node-name=tf',
                '-blockdev', 'driver=qcow2,file=tf,node-name=top,'
                'backing=base',
                '-drive', 'file=d1.raw,format=raw,if=none,id=dd']

        def run(vm):
            out = []
            for dev, image in (('top', 'top'), ('nosuch', 'top'),
                               ('top', 'nosuch'), ('top', 'base'),
                               ('base', 'top'), ('dd', 'top'),
                               ('top', 'bf')):
                out.append(vm.execute('change-backing-file', **{
                    'device': dev, 'image-node-name': image,
                    'backing-file': 'new.qcow2'}))
            top = [n for n in vm.execute('query-named-block-nodes')['return']
                   if n['node-name'] == 'top'][0]
            out.append(top['image'].get('backing-filename'))
            return out
        k, q = self.both(args, run, lambda: img(
            self.tmp, 'rebase', '-u', '-b', 'base.qcow2', '-F', 'qcow2',
            'top.qcow2'))
        self.assertEqual(k[0], {'return': {}})
        self.assertEqual(k[-1], 'new.qcow2')
        info = subprocess.run([os.path.join(test_drive.BUILD, 'kemu-img'),
                               'info', 'top.qcow2'], cwd=self.tmp,
                              stdout=subprocess.PIPE,
                              universal_newlines=True).stdout
        self.assertIn('backing file: new.qcow2\n', info)
        if q:
            self.assertEqual(k, q)


class Create(Base):
    maxDiff = None
    # What the job (not the command) refuses: query-jobs' "error".
    ERRORS = [
        (dict(file='nosuch', size=1 << 26),
         "Cannot find device='nosuch' nor node-name='nosuch'"),
        (dict(file='nf', size=1 << 26, **{'cluster-size': 1000}),
         'Cluster size must be a power of two between 512 and 2048k'),
        (dict(file='nf', size=1 << 26, version='v2',
              **{'lazy-refcounts': True}),
         'Lazy refcounts only supported with compatibility level 1.1 and '
         'above (use version=v3 or greater)'),
        (dict(file='nf', size=1 << 26, **{'refcount-bits': 3}),
         'Refcount width must be a power of two and may not exceed 64 bits'),
        (dict(file='nf', size=1 << 26, **{'backing-fmt': 'qcow2'}),
         'Backing format cannot be used without backing file'),
        (dict(file='nf', size=1000),
         'Image size must be a multiple of 512 bytes'),
    ]

    def concluded(self, vm, job):
        for _ in range(500):
            for j in vm.execute('query-jobs')['return']:
                if j['id'] == job and j['status'] == 'concluded':
                    return j
            time.sleep(0.01)
        self.fail('job %s did not conclude' % job)

    def create(self, vm, job, options):
        """The command's answer, the concluded job, the events; dismissed."""
        r = vm.execute('blockdev-create', **{'job-id': job,
                                             'options': options})
        if 'error' in r:
            return r['error']['desc']
        info = self.concluded(vm, job)
        blk = vm.execute('query-block-jobs')['return']
        dismissed = vm.execute('job-dismiss', id=job)
        return r, info, blk, dismissed, vm.take_events()

    def test_blockdev_create(self):
        path = os.path.join(self.tmp, 'new.qcow2')

        def prepare():
            if os.path.exists(path):
                os.unlink(path)

        def run(vm):
            out = [vm.execute('blockdev-create', options={
                'driver': 'file', 'filename': path, 'size': 0})]
            for opts in ({'driver': 'raw', 'file': 'x'},
                         {'driver': 'file', 'size': 1},
                         {'driver': 'raw'},
                         {'driver': 'nosuch'},
                         {'driver': 'file', 'filename': path, 'size': 0,
                          'preallocation': 'nosuch'}):
                out.append(self.create(vm, 'j0', opts))
            vm.take_events()
            out.append(self.create(vm, 'j1', {
                'driver': 'file', 'filename': path, 'size': 0}))
            vm.execute('blockdev-add', driver='file', filename=path,
                       **{'node-name': 'nf'})
            vm.take_events()
            for opts, msg in self.ERRORS:
                opts['driver'] = 'qcow2'
                r = self.create(vm, 'j2', opts)
                self.assertEqual(r[1].get('error'), msg, opts)
                out.append(r)
            # A concluded job keeps its id until job-dismiss.
            r = vm.execute('blockdev-create', **{'job-id': 'j3', 'options': {
                'driver': 'qcow2', 'file': 'nf', 'size': 32 << 20,
                'cluster-size': 4096, 'lazy-refcounts': True}})
            out.append(r)
            out.append(self.concluded(vm, 'j3'))
            out.append(vm.execute('blockdev-create', **{
                'job-id': 'j3', 'options': {'driver': 'file',
                                            'filename': path, 'size': 0}}))
            out.append(vm.execute('block-job-cancel', device='j3'))
            out.append(vm.execute('job-dismiss', id='j3'))
            out.append(vm.take_events())
            out.append(vm.execute('blockdev-add', driver='qcow2', file='nf',
                                  **{'node-name': 'nq'}))
            nq = [n for n in vm.execute('query-named-block-nodes')['return']
                  if n['node-name'] == 'nq'][0]
            out.append((nq['image']['virtual-size'],
                        nq['image']['cluster-size']))
            return normalize([strip_events(x) if isinstance(x, dict) else x
                              for x in out])

        k, q = self.both([], run, prepare)
        self.assertEqual(k[0]['error']['desc'],
                         "Parameter 'job-id' is missing")
        self.assertEqual(k[1], "Parameter 'options.file' is unexpected")
        self.assertEqual(k[3], 'Driver does not support blockdev-create')
        self.assertEqual(k[4], "Parameter 'driver' does not accept value "
                         "'nosuch'")
        self.assertEqual(k[6][1], {'id': 'j1', 'type': 'create',
                                   'status': 'concluded',
                                   'current-progress': 1,
                                   'total-progress': 1})
        self.assertEqual([e[1]['status'] for e in k[6][4]],
                         ['created', 'running', 'waiting', 'pending',
                          'concluded', 'null'])
        self.assertEqual([e[1]['status'] for e in k[7][4]],
                         ['created', 'running', 'aborting', 'concluded',
                          'null'])
        self.assertEqual(k[-1], [32 << 20, 4096])
        if q:
            self.assertEqual(k, q)
        tool = shutil.which('qemu-img') or os.path.join(test_drive.BUILD,
                                                          'kemu-img')
        p = subprocess.run([tool, 'check', path], stdout=subprocess.PIPE,
                           universal_newlines=True)
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertIn('No errors were found on the image.', p.stdout)


def action(kind, **data):
    return {'type': kind, 'data': data}


class Transaction(Base):
    ARGS = ['-drive', 'file=d0.qcow2,format=qcow2,if=ide,index=0',
            '-drive', 'file=d2.qcow2,format=qcow2,if=none,id=d2',
            '-drive', 'file=d1.raw,format=raw,if=none,id=r']

    def reset(self):
        for name in ('d0.qcow2', 'd2.qcow2', 'ov.qcow2'):
            img(self.tmp, 'create', '-f', 'qcow2', name, '64M')
        for name in ('s1.qcow2', 's3.qcow2'):
            if os.path.exists(os.path.join(self.tmp, name)):
                os.unlink(os.path.join(self.tmp, name))

    def test_all_or_nothing(self):
        s1 = os.path.join(self.tmp, 's1.qcow2')
        s3 = os.path.join(self.tmp, 's3.qcow2')
        sync = 'blockdev-snapshot-sync'
        internal = 'blockdev-snapshot-internal-sync'
        steps = [
            ('transaction', {}),
            ('transaction', {'actions': []}),
            ('transaction', {'actions': [{'type': 'foo', 'data': {}}]}),
            ('transaction', {'actions': [{'data': {}}]}),
            ('transaction', {'actions': [{'type': sync}]}),
            ('transaction', {'actions': [action(sync, device='ide0-hd0')]}),
            ('transaction', {'actions': [action(sync, device='ide0-hd0',
                                                **{'snapshot-file': s1}),
                                         action(internal, device='d2',
                                                name='')]}),
            ('transaction', {'actions': [action(internal, device='d2',
                                                name='i1'),
                                         action('abort')]}),
            ('transaction', {'actions': [action(internal, device='d2',
                                                name='i1'),
                                         action(sync, device='ide0-hd0',
                                                **{'snapshot-file': s3,
                                                   'snapshot-node-name':
                                                   'o3'}),
                                         action(internal, device='r',
                                                name='x')]}),
            ('query-block', {}),
            ('transaction', {'actions': [action(internal, device='d2',
                                                name='i1'),
                                         action(sync, device='ide0-hd0',
                                                **{'snapshot-file': s3,
                                                   'snapshot-node-name':
                                                   'o3'})]}),
            ('info snapshots', None),
            ('blockdev-add', {'driver': 'qcow2', 'node-name': 'ovn',
                              'file': {'driver': 'file', 'filename':
                                       os.path.join(self.tmp, 'ov.qcow2')}}),
            ('blockdev-snapshot', {'node': 'nosuch', 'overlay': 'ovn'}),
            ('blockdev-snapshot', {'node': 'd2', 'overlay': 'nosuch'}),
            ('blockdev-snapshot', {'node': 'd2', 'overlay': 'o3'}),
            ('transaction', {'actions': [action('blockdev-snapshot',
                                                node='d2', overlay='ovn')]}),
            ('blockdev-snapshot', {'node': 'd2', 'overlay': 'ovn'}),
            ('transaction', {'actions': [action(internal, device='d2',
                                                name='i2')],
                             'properties': {'completion-mode': 'grouped'}}),
        ]

        def run(vm):
            out = []
            for cmd, args in steps:
                if args is None:
                    out.append(re.sub(r'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d',
                                      'DATE', vm.hmp(cmd)))
                    continue
                r = vm.execute(cmd, **args)
                if cmd == 'query-block':
                    r = [(b['device'], b['inserted']['node-name'],
                          b['inserted']['backing_file_depth'])
                         for b in r['return']]
                out.append((cmd, r))
            out.append([(b['device'], b['inserted']['node-name'],
                         b['inserted']['backing_file_depth'],
                         b['inserted'].get('backing_file'))
                        for b in vm.execute('query-block')['return']])
            return normalize(out)
        k, q = self.both(self.ARGS, run, self.reset)
        # The failed transactions left nothing: no overlay on ide0-hd0,
        # no internal snapshot i1 before the one that succeeded.
        self.assertEqual(k[9][1], [['ide0-hd0', '#N', 0], ['d2', '#N', 0],
                                   ['r', '#N', 0]])
        self.assertEqual(k[10][1], {'return': {}})
        self.assertEqual(k[-1], [['ide0-hd0', 'o3', 1, 'd0.qcow2'],
                                 ['d2', 'ovn', 1, 'd2.qcow2'],
                                 ['r', '#N', 0, None]])
        self.assertEqual(k[11].count(' i1 '), 1, k[11])
        if q:
            self.maxDiff = None
            for got, want in zip(k, q):
                self.assertEqual(got, want)


class DriveAddDel(Base):
    LINES = [
        'drive_add 0 if=none,file=d0.qcow2,format=qcow2,id=hot1',
        'drive_add 0 if=none,file=d0.qcow2,format=qcow2,id=hot1',
        'drive_add 0 if=none,id=hot2',
        'drive_add 0 if=virtio,file=d1.raw,format=raw',
        'drive_add 0 file=nosuch.qcow2,if=none',
        'drive_add 0 if=none,file=d1.raw,format=raw,bogus=1',
        'drive_add', 'drive_add 0',
        'drive_add -n 0 driver=file,filename=d1.raw',
        'drive_add -n 0 driver=raw,file.driver=file,file.filename=cd.iso,'
        'node-name=n1,read-only=on',
        'drive_add -n 0 driver=raw,file.driver=file,file.filename=cd.iso,'
        'node-name=n1',
        'info block', 'drive_del nosuch', 'drive_del hot2', 'drive_del n1',
        'drive_del ide0-hd0', 'drive_del', 'info block',
        'drive_del hot1', 'drive_del hot1', 'info block',
    ]

    def test_drive_add_del(self):
        img(self.tmp, 'create', '-f', 'qcow2', 'd2.qcow2', '64M')

        def run(vm):
            out = [(line, vm.hmp(line).replace('\r\n', '\n'))
                   for line in self.LINES]
            out.append([(b['device'], b.get('qdev'), 'inserted' in b)
                        for b in vm.execute('query-block')['return']])
            return normalize(out)
        k, q = self.both(['-drive', 'file=d2.qcow2,format=qcow2,if=ide,'
                          'index=0',
                          '-drive', 'file=cd.iso,format=raw,if=none,id=nn,'
                          'readonly=on'], run)
        self.assertEqual(k[0][1], 'OK\n')
        self.assertEqual(k[3][1], "Can't hot-add drive to type 7\n")
        self.assertEqual(k[-1], [['', '/machine/unattached/device[N]',
                                  False], ['nn', None, True]])
        if q:
            self.maxDiff = None
            for got, want in zip(k, q):
                self.assertEqual(got, want)


if __name__ == '__main__':
    test_drive.BUILD = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
