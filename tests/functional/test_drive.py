#!/usr/bin/env python3
"""-drive, -hda, -cdrom, -snapshot and -blockdev; query-block and
`info block` in QEMU 7.2's shapes and texts.

    test_drive.py BUILD_DIR REFERENCE_DIR

Runs kemu paused (-S, no guest code) with images made by kemu-img.
"""
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

BUILD = None
REFDIR = None
PROG = 'kemu-system-x86_64'


def kemu_img(*args):
    subprocess.run([os.path.join(BUILD, 'kemu-img')] + list(args), check=True,
                   stdout=subprocess.DEVNULL)


def digest(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


class Vm:
    count = 0

    def __init__(self, tmp, args, env=None, binary=None):
        Vm.count += 1
        self.sock_path = os.path.join(tmp, 'qmp%d.sock' % Vm.count)
        cmd = [binary or os.path.join(BUILD, PROG), '-accel', 'tcg', '-m', '64',
               '-nodefaults', '-display', 'none', '-S',
               '-qmp', 'unix:%s,server=on,wait=off' % self.sock_path,
               '-monitor', 'stdio'] + args
        self.proc = subprocess.Popen(cmd, cwd=tmp, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env)
        # The socket file appears at bind(), before listen(): retry.
        for _ in range(200):
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.settimeout(20)
            try:
                self.sock.connect(self.sock_path)
                break
            except OSError:
                self.sock.close()
                if self.proc.poll() is not None:
                    raise
                time.sleep(0.05)
        else:
            raise RuntimeError('no QMP socket at ' + self.sock_path)
        self.buf = b''
        self.recv()
        self.execute('qmp_capabilities')

    def recv(self):
        while b'\n' not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError('QMP closed: %s' % self.proc.stderr.read()
                               .decode(errors='replace')[-2000:])
            self.buf += data
        line, self.buf = self.buf.split(b'\n', 1)
        return json.loads(line)

    def execute(self, cmd, **args):
        msg = {'execute': cmd}
        if args:
            msg['arguments'] = args
        self.sock.sendall(json.dumps(msg).encode() + b'\n')
        while True:
            r = self.recv()
            if 'event' not in r:
                return r

    def hmp(self, line):
        r = self.execute('human-monitor-command', **{'command-line': line})
        return r.get('return', r)

    def quit(self):
        try:
            self.execute('quit')
        except (OSError, ValueError):
            pass
        out, err = self.proc.communicate(timeout=20)
        self.sock.close()
        self.proc.stdin.close()
        return self.proc.returncode, err.decode()


def run_fail(tmp, args):
    p = subprocess.run([os.path.join(BUILD, PROG), '-accel', 'tcg',
                        '-nodefaults', '-display', 'none', '-S'] + args,
                       cwd=tmp, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=20, universal_newlines=True)
    return p.returncode, p.stderr


class Drives(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='kemu-drive-')
        kemu_img('create', '-f', 'qcow2', os.path.join(self.tmp,
                                                         'disk0.qcow2'), '64M')
        kemu_img('create', '-f', 'raw', os.path.join(self.tmp, 'disk1.raw'),
                 '16M')

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_query_block_shape(self):
        vm = Vm(self.tmp, ['-drive', 'file=disk0.qcow2,format=qcow2,if=ide,'
                           'index=0', '-drive',
                           'file=disk1.raw,format=raw,if=virtio,'
                           'cache=writethrough'])
        try:
            got = vm.execute('query-block')['return']
            with open(os.path.join(REFDIR, 'qmp',
                                   '09-query-block.json.txt')) as f:
                text = f.read()
            ref = json.loads(text[text.index('\n{') + 1:])['return']
            self.assertEqual([d['device'] for d in got], ['ide0-hd0',
                                                           'virtio0'])
            for g, r in zip(got, ref):
                ins_g, ins_r = g['inserted'], r['inserted']
                self.assertEqual(list(ins_g), list(ins_r))
                self.assertEqual(list(ins_g['image']),
                                 list(ins_r['image']))
                self.assertEqual(ins_g['cache'], ins_r['cache'])
                self.assertEqual(ins_g['image']['virtual-size'],
                                 ins_r['image']['virtual-size'])
                self.assertEqual(ins_g['image'].get('format-specific'),
                                 ins_r['image'].get('format-specific'))
                self.assertEqual(ins_g['file'], ins_r['file'].replace(
                    'DIR/qmp-tcg/', ''))
                self.assertRegex(ins_g['node-name'], r'^#block\d+$')
            self.assertEqual([d.get('qdev', '').endswith('virtio-backend')
                              for d in got], [False, True])
            text = vm.hmp('info block')
            self.assertRegex(text, r'^ide0-hd0 \(#block\d+\): disk0.qcow2 '
                             r'\(qcow2\)\r?\n    Attached to:      '
                             r'/machine/unattached/device\[\d+\]\r?\n'
                             r'    Cache mode:       writeback'
                             r'\r?\n\r?\nvirtio0 \(#block\d+\): disk1.raw '
                             r'\(raw\)\r?\n    Attached to:      /machine/'
                             r'\S+/virtio-backend\r?\n    Cache mode:       '
                             r'writethrough\r?\n$')
        finally:
            self.assertEqual(vm.quit()[0], 0)

    def test_legacy_options_and_modes(self):
        kemu_img('create', '-f', 'qcow2', '-b', 'disk0.qcow2', '-F', 'qcow2',
                 os.path.join(self.tmp, 'top.qcow2'))
        # The CD-ROM is a copy: QEMU's locks refuse one file both
        # read-only and read-write.
        shutil.copy(os.path.join(self.tmp, 'disk1.raw'),
                    os.path.join(self.tmp, 'cd.raw'))
        vm = Vm(self.tmp, ['-hda', 'top.qcow2', '-cdrom', 'cd.raw',
                           '-hdb', 'disk1.raw',
                           '-drive', 'if=none,id=x,file=disk0.qcow2,'
                           'cache=unsafe,readonly=on',
                           '-drive', 'if=ide,index=3,media=cdrom'])
        try:
            text = vm.hmp('info block').replace('\r\n', '\n')
            text = re.sub(r'    Attached to: +/machine/unattached/'
                          r'device\[\d+\]\n', '    Attached to: IDE\n', text)
            self.assertEqual(re.sub(r'#block\d+', '#N', text),
                             'ide0-hd0 (#N): top.qcow2 (qcow2)\n'
                             '    Attached to: IDE\n'
                             '    Cache mode:       writeback\n'
                             '    Backing file:     disk0.qcow2 (chain '
                             'depth: 1)\n\n'
                             'ide1-cd0 (#N): cd.raw (raw, read-only)\n'
                             '    Attached to: IDE\n'
                             '    Removable device: not locked, tray closed\n'
                             '    Cache mode:       writeback\n\n'
                             'ide0-hd1 (#N): disk1.raw (raw)\n'
                             '    Attached to: IDE\n'
                             '    Cache mode:       writeback\n\n'
                             'x (#N): disk0.qcow2 (qcow2, read-only)\n'
                             '    Removable device: not locked, tray closed\n'
                             '    Cache mode:       writeback, ignore '
                             'flushes\n\n'
                             'ide1-cd1: [not inserted]\n'
                             '    Attached to: IDE\n'
                             '    Removable device: not locked, tray '
                             'closed\n')
            q = vm.execute('query-block')['return']
            self.assertEqual(q[0]['inserted']['backing_file_depth'], 1)
            self.assertEqual(q[0]['inserted']['image']['backing-image']
                             ['filename'], 'disk0.qcow2')
            self.assertNotIn('inserted', q[4])
            self.assertFalse(q[4]['tray_open'])
        finally:
            rc, err = vm.quit()
        self.assertEqual(rc, 0)
        self.assertIn("WARNING: Image format was not specified for "
                      "'disk1.raw' and probing guessed raw.", err)

    def test_snapshot_leaves_image_alone(self):
        img = os.path.join(self.tmp, 'disk0.qcow2')
        before = digest(img)
        tmpdir = os.path.join(self.tmp, 'tmp')
        os.mkdir(tmpdir)
        env = dict(os.environ, TMPDIR=tmpdir)
        for args in (['-snapshot', '-hda', 'disk0.qcow2'],
                     ['-drive', 'file=disk0.qcow2,format=qcow2,snapshot=on']):
            vm = Vm(self.tmp, args, env=env)
            try:
                q = vm.execute('query-block')['return'][0]['inserted']
                self.assertEqual(q['backing_file'], 'disk0.qcow2')
                self.assertTrue(q['cache']['no-flush'])
                self.assertEqual(os.listdir(tmpdir), [])   # unlinked
            finally:
                self.assertEqual(vm.quit()[0], 0)
        self.assertEqual(digest(img), before)

    def test_eject_change_commit(self):
        vm = Vm(self.tmp, ['-drive', 'file=disk0.qcow2,format=qcow2,if=ide,'
                           'index=0', '-cdrom', 'disk1.raw'])
        try:
            self.assertEqual(vm.hmp('eject ide0-hd0'),
                             "Error: Device 'ide0-hd0' is not removable\r\n")
            self.assertEqual(vm.hmp('eject foo'),
                             "Error: Device 'foo' not found\r\n")
            self.assertEqual(vm.hmp('eject ide1-cd0'), '')
            text = vm.hmp('info block ide1-cd0').replace('\r\n', '\n')
            self.assertRegex(text, r'^ide1-cd0: \[not inserted\]\n'
                             r'    Attached to:      /machine/unattached/'
                             r'device\[\d+\]\n'
                             r'    Removable device: not locked, tray open\n$')
            # another image: ide0-hd0's lock keeps disk0.qcow2 to itself
            kemu_img('create', '-f', 'qcow2',
                     os.path.join(self.tmp, 'cd.qcow2'), '1M')
            r = vm.execute('blockdev-change-medium', device='ide1-cd0',
                           filename='disk0.qcow2', format='qcow2')
            self.assertEqual(r['error']['desc'],
                             'Failed to get shared "write" lock')
            r = vm.execute('blockdev-change-medium', device='ide1-cd0',
                           filename='cd.qcow2', format='qcow2')
            self.assertEqual(r, {'return': {}})
            text = vm.hmp('info block ide1-cd0').replace('\r\n', '\n')
            self.assertRegex(text, r'^ide1-cd0 \(#block\d+\): cd.qcow2 '
                             r'\(qcow2, read-only\)\n    Attached to: .*\n'
                             r'    Removable device: not locked, tray closed\n')
            r = vm.execute('eject', device='nope')
            self.assertEqual(r['error']['desc'], "Device 'nope' not found")
            self.assertEqual(vm.hmp('commit ide0-hd0'),
                             "'commit' error for 'ide0-hd0': Operation not "
                             "supported\r\n")
            self.assertEqual(vm.hmp('commit foo'),
                             "Device 'foo' not found\r\n")
        finally:
            self.assertEqual(vm.quit()[0], 0)

    RESIZE_ARGS = ['-drive', 'file=r.raw,format=raw,if=virtio,id=d0',
                   '-drive', 'file=ro.raw,format=raw,if=virtio,readonly=on,'
                   'id=d1',
                   '-drive', 'file=cd.iso,format=raw,media=cdrom,id=cd',
                   '-blockdev', 'driver=file,filename=r2.qcow2,node-name=f1',
                   '-blockdev', 'driver=qcow2,file=f1,node-name=q1',
                   '-drive', 'file=i.raw,format=raw,if=ide,id=h0']
    RESIZE_QMP = [{'device': 'd0', 'size': 2 << 20},
                  {'device': 'nope', 'size': 1 << 20},
                  {'size': 1 << 20},
                  {'device': 'd0', 'node-name': 'x', 'size': 3 << 20},
                  {'device': 'd0', 'size': -1},
                  {'device': 'd1', 'size': 2 << 20},
                  {'device': 'cd', 'size': 2 << 20},
                  {'node-name': 'q1', 'size': 4 << 20},
                  {'node-name': 'f1', 'size': 8 << 20},
                  {'device': 'h0', 'size': 5 << 20}]
    RESIZE_HMP = ['block_resize d0 7M', 'block_resize d0 1.5',
                  'block_resize', 'block_resize d0',
                  'block_resize nope 1M', 'block_resize d0 -1',
                  'block_resize d0 abc', 'block_resize cd 1M']

    def resize_session(self, binary, name):
        """block_resize over QMP and HMP: (transcript, sizes, file size)."""
        tmp = os.path.join(self.tmp, name)
        os.mkdir(tmp)
        for f in ('r.raw', 'ro.raw', 'cd.iso', 'i.raw'):
            with open(os.path.join(tmp, f), 'wb') as fh:
                fh.truncate(1 << 20)
        kemu_img('create', '-f', 'qcow2', os.path.join(tmp, 'r2.qcow2'), '1M')
        vm = Vm(tmp, self.RESIZE_ARGS, binary=binary)
        out = []
        try:
            for a in self.RESIZE_QMP:
                out.append((json.dumps(a), vm.execute('block_resize', **a)))
            for line in self.RESIZE_HMP:
                out.append((line, vm.hmp(line)))
            sizes = {b['device']: b['inserted']['image']['virtual-size']
                     for b in vm.execute('query-block')['return']
                     if 'inserted' in b}
        finally:
            vm.quit()
        text = re.sub(r'#block\d+', '#blockN', json.dumps(out, indent=1))
        return text, sizes, os.path.getsize(os.path.join(tmp, 'r.raw'))

    def test_block_resize(self):
        text, sizes, size = self.resize_session(None, 'kemu')
        print(text)
        # 1.5 without a suffix is MiB, as in QEMU's HMP.
        self.assertEqual(size, 3 << 19)
        self.assertEqual(sizes['d0'], 3 << 19)
        self.assertEqual(sizes['h0'], 5 << 20)
        self.assertEqual(sizes['d1'], 1 << 20)
        self.assertIn('Image is read-only', text)
        self.assertIn("Cannot find device='nope' nor node-name=''", text)
        self.assertIn('invalid size', text)
        qemu = shutil.which('qemu-system-x86_64')
        if not qemu:
            print('note: qemu-system-x86_64 not installed, no comparison')
            return
        qtext, qsizes, qsize = self.resize_session(qemu, 'qemu')
        self.assertEqual(text, qtext)
        self.assertEqual(sizes, qsizes)

    SNAP_SESSIONS = [
        ([], ['info snapshots', 'snapshot_blkdev_internal d0 a']),
        (['-drive', 'file=r.raw,format=raw,if=virtio'], ['info snapshots']),
        (['-drive', 'file=s0.qcow2,format=qcow2,if=virtio,id=d0',
          '-drive', 'file=s1.qcow2,format=qcow2,if=ide,id=d1',
          '-drive', 'file=r.raw,format=raw,if=virtio,id=d2',
          '-drive', 'file=s2.qcow2,format=qcow2,if=virtio,readonly=on,id=d3'],
         ['info snapshots', 'snapshot_blkdev_internal d0 snap1',
          'info snapshots', 'snapshot_blkdev_internal d1 snap1',
          'snapshot_blkdev_internal d2 x', 'snapshot_blkdev_internal d3 x',
          'snapshot_blkdev_internal d0 snap1',
          'snapshot_blkdev_internal nope a', 'snapshot_blkdev_internal d0',
          'info snapshots', 'snapshot_delete_blkdev_internal d0 snap1',
          'snapshot_delete_blkdev_internal d0 snap1',
          'snapshot_delete_blkdev_internal d1 snap1 2', 'info snapshots',
          {'device': 'd0', 'name': 'q'}, {'device': 'd0', 'name': ''},
          {'delete': 1, 'device': 'd0', 'name': 'q'},
          {'delete': 1, 'device': 'd0', 'id': '1'},
          {'delete': 1, 'device': 'd0'}, {'device': 'd1', 'name': 'keep'}]),
        (['-blockdev', 'driver=file,filename=s0.qcow2,node-name=f0',
          '-blockdev', 'driver=qcow2,file=f0,node-name=q0',
          '-device', 'virtio-blk-pci,drive=q0,id=vb',
          '-blockdev', 'driver=file,filename=s2.qcow2,node-name=f2',
          '-blockdev', 'driver=qcow2,file=f2,node-name=q2'],
         [{'device': 'q0', 'name': 'n1'}, {'device': 'vb', 'name': 'n2'},
          {'device': 'f0', 'name': 'n2'}, 'info snapshots',
          'snapshot_blkdev_internal q2 n1', 'snapshot_blkdev_internal q2 n3',
          'info snapshots', 'snapshot_delete_blkdev_internal q0 n1 1',
          'info snapshots']),
    ]

    def snapshot_sessions(self, binary, name):
        """Internal snapshots of running drives over HMP and QMP."""
        tmp = os.path.join(self.tmp, name)
        os.mkdir(tmp)
        for f in ('s0.qcow2', 's1.qcow2', 's2.qcow2'):
            kemu_img('create', '-f', 'qcow2', os.path.join(tmp, f), '16M')
        with open(os.path.join(tmp, 'r.raw'), 'wb') as fh:
            fh.truncate(1 << 20)
        out = []
        for args, cmds in self.SNAP_SESSIONS:
            vm = Vm(tmp, args, binary=binary)
            try:
                for c in cmds:
                    if isinstance(c, str):
                        out.append((c, vm.hmp(c)))
                        continue
                    a = dict(c)
                    cmd = 'blockdev-snapshot-internal-sync'
                    if a.pop('delete', 0):
                        cmd = 'blockdev-snapshot-delete-internal-sync'
                    out.append((cmd + json.dumps(a),
                                vm.execute(cmd, **a)))
            finally:
                vm.quit()
        text = json.dumps(out, indent=1)
        text = re.sub(r'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d', 'DATE', text)
        text = re.sub(r'"date-(n?)sec": \d+', r'"date-\1sec": N', text)
        return text, tmp

    def test_internal_snapshots(self):
        text, tmp = self.snapshot_sessions(None, 'kemu')
        print(text)
        self.assertIn("Snapshot with name 'snap1' already exists on device "
                      "'d0'", text)
        self.assertIn("Block format 'raw' used by device 'd2' does not "
                      "support internal snapshots", text)
        self.assertIn('List of partial (non-loadable) snapshots on', text)
        # What the monitor made is in the image: qemu-img's view.
        tool = shutil.which('qemu-img') or os.path.join(BUILD, 'kemu-img')
        listing = subprocess.run([tool, 'snapshot', '-l',
                                  os.path.join(tmp, 's1.qcow2')],
                                 stdout=subprocess.PIPE,
                                 universal_newlines=True).stdout
        self.assertRegex(listing, r'\n2 +keep +0 B ')
        if shutil.which('qemu-img'):
            for f in ('s0.qcow2', 's1.qcow2', 's2.qcow2'):
                subprocess.run(['qemu-img', 'check', os.path.join(tmp, f)],
                               check=True, stdout=subprocess.DEVNULL)
        qemu = shutil.which('qemu-system-x86_64')
        if not qemu:
            print('note: qemu-system-x86_64 not installed, no comparison')
            return
        self.assertEqual(text, self.snapshot_sessions(qemu, 'qemu')[0])

    EXT_ARGS = ['-drive', 'file=s0.qcow2,format=qcow2,if=virtio,id=d0',
                '-drive', 'file=r.raw,format=raw,if=ide,id=d1',
                '-drive', 'file=cd.iso,format=raw,media=cdrom,id=cd']
    EXT_CMDS = ['snapshot_blkdev d0 ov1.qcow2', 'info block',
                'snapshot_blkdev d0 ov1.qcow2',
                'snapshot_blkdev d1 ovr.qcow2 qcow2',
                'snapshot_blkdev d1 ovr2.raw raw', 'snapshot_blkdev d0',
                'snapshot_blkdev -n d0 nonexist.qcow2',
                'snapshot_blkdev nope x.qcow2', 'snapshot_blkdev cd c.qcow2',
                {'device': 'd0', 'snapshot-file': 'ov3.qcow2',
                 'snapshot-node-name': 's3'},
                {'snapshot-file': 'ov4.qcow2'},
                {'node-name': 's3', 'snapshot-file': 'ov5.qcow2',
                 'snapshot-node-name': 's3'},
                {'node-name': 's3', 'snapshot-file': 'ex.qcow2',
                 'mode': 'existing'},
                {'device': 'd0', 'snapshot-file': 'x.qcow2',
                 'snapshot-node-name': 'd1'},
                {'node-name': 's3', 'snapshot-file': 'ex.qcow2',
                 'snapshot-node-name': 'e1', 'mode': 'existing'},
                'info block', 'query-block']

    def external_session(self, binary, name):
        """snapshot_blkdev / blockdev-snapshot-sync: the transcript, and
        whether qemu-img could check the old top while the VM ran."""
        tmp = os.path.join(self.tmp, name)
        os.mkdir(tmp)
        kemu_img('create', '-f', 'qcow2', os.path.join(tmp, 's0.qcow2'),
                 '16M')
        # ex.qcow2 names ov3.qcow2 (made by the session) as its backing.
        kemu_img('create', '-f', 'qcow2', os.path.join(tmp, 'ov3.qcow2'),
                 '16M')
        kemu_img('create', '-f', 'qcow2', '-b', 'ov3.qcow2', '-F', 'qcow2',
                 os.path.join(tmp, 'ex.qcow2'), '16M')
        for f in ('r.raw', 'cd.iso'):
            with open(os.path.join(tmp, f), 'wb') as fh:
                fh.truncate(1 << 20)
        vm = Vm(tmp, self.EXT_ARGS, binary=binary)
        out = []
        try:
            for c in self.EXT_CMDS:
                if isinstance(c, dict):
                    out.append((json.dumps(c), vm.execute(
                        'blockdev-snapshot-sync', **c)))
                elif c == 'query-block':
                    out.append((c, vm.execute(c)))
                else:
                    out.append((c, vm.hmp(c)))
            # The old tops are backing files now: others may read them.
            tool = shutil.which('qemu-img') or os.path.join(BUILD,
                                                            'kemu-img')
            readable = subprocess.run([tool, 'check', 's0.qcow2'], cwd=tmp,
                                      stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL).returncode
        finally:
            vm.quit()
        text = json.dumps(out, indent=1)
        text = re.sub(r'#block\d+', '#blockN', text)
        text = re.sub(r'"actual-size": \d+', '"actual-size": N', text)
        text = re.sub(r'(Attached to: +|"qdev": ")/machine/[^"\\]*',
                      r'\1QOM', text)
        return text, readable

    def test_external_snapshot(self):
        text, readable = self.external_session(None, 'kemu')
        print(text)
        self.assertEqual(readable, 0)
        self.assertIn('Backing file:     s0.qcow2 (chain depth: 1)', text)
        self.assertIn('Backing file:     ov3.qcow2 (chain depth: 3)', text)
        qemu = shutil.which('qemu-system-x86_64')
        if not qemu:
            print('note: qemu-system-x86_64 not installed, no comparison')
            return
        self.assertEqual((text, readable),
                         self.external_session(qemu, 'qemu'))

    def test_blockstats(self):
        vm = Vm(self.tmp, ['-drive', 'file=disk0.qcow2,format=qcow2,if=ide,'
                           'index=0'])
        try:
            r = vm.execute('query-blockstats')['return']
            # QEMU 7.2's keys, in its order (qemu-system-x86_64, same args)
            keys = ['unmap_operations', 'unmap_merged', 'flush_total_time_ns',
                    'wr_highest_offset', 'wr_total_time_ns',
                    'failed_wr_operations', 'failed_rd_operations',
                    'wr_merged', 'wr_bytes', 'timed_stats',
                    'failed_unmap_operations', 'failed_flush_operations',
                    'account_invalid', 'rd_total_time_ns',
                    'invalid_unmap_operations', 'flush_operations',
                    'wr_operations', 'unmap_bytes', 'rd_merged', 'rd_bytes',
                    'unmap_total_time_ns', 'invalid_flush_operations',
                    'account_failed', 'rd_operations',
                    'invalid_wr_operations', 'invalid_rd_operations']
            self.assertEqual(list(r[0]), ['device', 'parent', 'stats',
                                          'node-name', 'qdev'])
            self.assertEqual(list(r[0]['stats']), keys)
            self.assertEqual(list(r[0]['parent']['stats']), keys)
            self.assertEqual(r[0]['parent']['driver-specific']['driver'],
                             'file')
            self.assertEqual(vm.hmp('info blockstats'),
                             'ide0-hd0: rd_bytes=0 wr_bytes=0 rd_operations=0 '
                             'wr_operations=0 flush_operations=0 '
                             'wr_total_time_ns=0 rd_total_time_ns=0 '
                             'flush_total_time_ns=0 rd_merged=0 wr_merged=0 '
                             'idle_time_ns=0\r\n')
        finally:
            self.assertEqual(vm.quit()[0], 0)

    def test_blockdev(self):
        vm = Vm(self.tmp, ['-blockdev', 'driver=file,filename=disk0.qcow2,'
                           'node-name=f0', '-blockdev',
                           'driver=qcow2,file=f0,node-name=d0'])
        self.assertEqual(vm.quit()[0], 0)

    def test_blockdev_add_del(self):
        """QMP blockdev-add/-del: QEMU 7.2's answers (checked against
        qemu-system-x86_64 7.2 by hand), nodes in use refused."""
        with open(os.path.join(self.tmp, 'disk1.raw'), 'r+b') as f:
            f.write(b'KEMU-BLOCKDEV')
        vm = Vm(self.tmp, ['-blockdev', 'driver=qcow2,node-name=dev0,'
                           'file.driver=file,file.filename=disk0.qcow2',
                           '-device', 'virtio-blk-pci,drive=dev0'])
        try:
            def err(r):
                return r.get('error', {}).get('desc', r)
            ok = {'return': {}}
            # nested file dictionary; the node is usable by name afterwards
            self.assertEqual(vm.execute(
                'blockdev-add', driver='raw', **{'node-name': 'r0'},
                file={'driver': 'file', 'filename': 'disk1.raw'}), ok)
            for args, msg in [
                    ({'driver': 'raw', 'file': 'r0'},
                     "'node-name' must be specified for the root node"),
                    ({'driver': 'raw', 'node-name': 'r0', 'file': 'r0'},
                     "Duplicate nodes with node-name='r0'"),
                    ({'driver': 'qcow2', 'node-name': 'q', 'file': 'nope'},
                     "Cannot find device='nope' nor node-name='nope'"),
                    ({'driver': 'bogus', 'node-name': 'b'},
                     "Parameter 'driver' does not accept value 'bogus'"),
                    ({'driver': 'raw', 'node-name': 'b',
                      'file': {'driver': 'file'}},
                     "Parameter 'file.filename' is missing"),
                    ({'driver': 'raw', 'node-name': 'b', 'file': 'r0',
                      'bogus': 1}, "Parameter 'bogus' is unexpected"),
                    ({'driver': 'raw', 'node-name': 'b', 'file': 'r0',
                      'read-only': 'yes'},
                     "Invalid parameter type for 'read-only', expected: "
                     "boolean"),
                    ({'driver': 'qcow2', 'node-name': 'b',
                      'file': {'driver': 'file', 'filename': 'disk1.raw'}},
                     "Image is not in qcow2 format")]:
                self.assertEqual(err(vm.execute('blockdev-add', **args)),
                                 msg, args)
            # a named file node under a format node: in use until it goes
            self.assertEqual(vm.execute(
                'blockdev-add', driver='file', filename='disk1.raw',
                **{'node-name': 'f1', 'read-only': True}), ok)
            self.assertEqual(vm.execute('blockdev-add', driver='raw',
                                        file='f1', **{'node-name': 'r1'}), ok)
            self.assertEqual(err(vm.execute('blockdev-del',
                                            **{'node-name': 'f1'})),
                             'Block device f1 is in use')
            self.assertEqual(err(vm.execute('blockdev-del',
                                            **{'node-name': 'nope'})),
                             "Failed to find node with node-name='nope'")
            # a node a device uses
            self.assertEqual(err(vm.execute('blockdev-del',
                                            **{'node-name': 'dev0'})),
                             'Node dev0 is in use')
            for n in ('r1', 'f1', 'r0'):
                self.assertEqual(vm.execute('blockdev-del',
                                            **{'node-name': n}), ok, n)
            # the names are free again and the nested child went with r0
            self.assertEqual(err(vm.execute('blockdev-del',
                                            **{'node-name': 'r0'})),
                             "Failed to find node with node-name='r0'")
            self.assertEqual(vm.execute(
                'blockdev-add', driver='raw', **{'node-name': 'r0'},
                file={'driver': 'file', 'filename': 'disk1.raw'}), ok)
        finally:
            self.assertEqual(vm.quit()[0], 0)
        with open(os.path.join(self.tmp, 'disk1.raw'), 'rb') as f:
            self.assertEqual(f.read(13), b'KEMU-BLOCKDEV')
        if shutil.which('qemu-img'):
            subprocess.run(['qemu-img', 'check', os.path.join(
                self.tmp, 'disk0.qcow2')], check=True,
                stdout=subprocess.DEVNULL)

    IDE_ERRORS = [
        (['-device', 'ide-hd'], '-device ide-hd: No drive specified'),
        (['-drive', 'if=none,id=x,file=disk1.raw,format=raw',
          '-device', 'ide-hd,drive=x,unit=2'],
         "-device ide-hd,drive=x,unit=2: Can't create IDE unit 2, bus "
         "supports only 2 units"),
        (['-drive', 'if=none,id=x,file=disk1.raw,format=raw',
          '-hda', 'disk0.qcow2', '-device', 'ide-hd,drive=x,bus=ide.0,unit=0'],
         '-device ide-hd,drive=x,bus=ide.0,unit=0: IDE unit 0 is in use'),
        (['-drive', 'if=none,id=x,file=disk1.raw,format=raw',
          '-device', 'ide-hd,drive=x', '-device', 'ide-cd,drive=x'],
         "-device ide-cd,drive=x: Drive 'x' is already in use by another "
         "device"),
        (['-drive', 'if=none,id=x,file=disk1.raw,format=raw,readonly=on',
          '-device', 'ide-hd,drive=x'],
         '-device ide-hd,drive=x: Block node is read-only'),
        (['-device', 'ide-hd,drive=nope'],
         "-device ide-hd,drive=nope: Property 'ide-hd.drive' can't find "
         "value 'nope'"),
        (['-drive', 'if=none,id=x', '-device', 'ide-hd,drive=x'],
         '-device ide-hd,drive=x: Device needs media, but drive is empty'),
        (['-drive', 'if=none,id=x,file=disk1.raw,format=raw',
          '-device', 'ide-hd,drive=x,bus=pci.0'],
         "-device ide-hd,drive=x,bus=pci.0: Device 'ide-hd' can't go on PCI "
         "bus"),
    ]

    def test_ide_devices(self):
        """-device ide-hd / ide-cd as QEMU: units, buses, errors, and the
        if=ide drives as devices of their own."""
        for args, msg in self.IDE_ERRORS:
            rc, err = run_fail(self.tmp, args)
            self.assertEqual((rc, err), (1, '%s: %s\n' % (PROG, msg)), args)
        with open(os.path.join(self.tmp, 'cd.iso'), 'wb') as f:
            f.truncate(1 << 20)
        args = ['-drive', 'file=disk1.raw,format=raw,if=none,id=x',
                '-device', 'ide-hd,drive=x,bus=ide.0,unit=1,serial=S1',
                '-hda', 'disk0.qcow2', '-cdrom', 'cd.iso',
                '-drive', 'if=none,id=z', '-device', 'ide-cd,drive=z,id=cd2']
        vm = Vm(self.tmp, args)
        try:
            info = re.sub(r'#block\d+', '#blockN', vm.hmp('info block'))
            qtree = vm.hmp('info qtree').replace('\r\n', '\n')
            eject = vm.hmp('eject x')
        finally:
            vm.quit()
        self.assertEqual(info.replace('\r\n', '\n'),
                         'x (#blockN): disk1.raw (raw)\n'
                         '    Attached to:      /machine/peripheral-anon/'
                         'device[0]\n'
                         '    Cache mode:       writeback\n\n'
                         'ide0-hd0 (#blockN): disk0.qcow2 (qcow2)\n'
                         '    Attached to:      /machine/unattached/'
                         'device[18]\n'
                         '    Cache mode:       writeback\n\n'
                         'ide1-cd0 (#blockN): cd.iso (raw, read-only)\n'
                         '    Attached to:      /machine/unattached/'
                         'device[19]\n'
                         '    Removable device: not locked, tray closed\n'
                         '    Cache mode:       writeback\n\n'
                         'z: [not inserted]\n'
                         '    Attached to:      cd2\n'
                         '    Removable device: not locked, tray closed\n')
        # Newest first, as QEMU prints them.
        self.assertRegex(qtree, r'bus: ide\.1\n +type IDE\n +dev: ide-cd, '
                         r'id "cd2"\n +drive = "z"(.*\n)+ +bus: ide\.0\n '
                         r'+type IDE\n +dev: ide-hd, id ""\n +drive = "x"')
        self.assertEqual(eject, "Error: Device 'x' is not removable\r\n")

    def test_errors(self):
        for args, msg in [
                (['-drive', 'file=nothere,format=raw'],
                 "-drive file=nothere,format=raw: Could not open 'nothere': "
                 "No such file or directory"),
                (['-drive', 'file=disk1.raw,if=foo'],
                 "-drive file=disk1.raw,if=foo: unsupported bus type 'foo'"),
                (['-drive', 'file=disk1.raw,cache=foo'],
                 '-drive file=disk1.raw,cache=foo: invalid cache option'),
                (['-drive', 'file=disk1.raw,format=foo'],
                 "-drive file=disk1.raw,format=foo: Unknown driver 'foo'"),
                (['-drive', 'file=disk1.raw,format=raw,bogus=1'],
                 "-drive file=disk1.raw,format=raw,bogus=1: Block format "
                 "'raw' does not support the option 'bogus'"),
                (['-drive', 'file=disk1.raw,media=foo'],
                 "-drive file=disk1.raw,media=foo: 'foo' invalid media"),
                (['-drive', 'file=disk1.raw,format=raw,if=ide,index=9'],
                 '-drive file=disk1.raw,format=raw,if=ide,index=9: machine '
                 'type does not support if=ide,bus=4,unit=1'),
                (['-drive', 'file=disk1.raw,format=raw,index=0', '-hda',
                  'disk0.qcow2'],
                 '-hda disk0.qcow2: drive with bus=0, unit=0 (index=0) '
                 'exists'),
                (['-blockdev', 'driver=qcow2,file=nope,node-name=x'],
                 "-blockdev driver=qcow2,file=nope,node-name=x: Cannot find "
                 "device='nope' nor node-name='nope'")]:
            rc, err = run_fail(self.tmp, args)
            self.assertEqual(rc, 1, args)
            self.assertEqual(err, '%s: %s\n' % (PROG, msg))


if __name__ == '__main__':
    BUILD = os.path.abspath(sys.argv.pop(1))
    REFDIR = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
