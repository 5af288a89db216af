#!/usr/bin/env python3
"""Block jobs in QEMU 7.2's shapes and texts: block-stream, block-commit
(intermediate and active), drive-mirror / blockdev-mirror, drive-backup /
blockdev-backup, the job verbs, events, and the HMP commands.

    test_blockjobs.py BUILD_DIR                    (QMP/HMP, paused VM)
    test_blockjobs.py BUILD_DIR linux KEMU GUEST_BUILDER
                                                   (a Linux guest writes)

The paused runs use -S and no guest code; the images the jobs produce
are checked with qemu-img check / compare when qemu-img is installed
(kemu-img otherwise).
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_drive  # noqa: E402

BUILD = None
MiB = 1024 * 1024


def img_tool():
    return shutil.which('qemu-img') or os.path.join(BUILD, 'kemu-img')


def kemu_img(*args):
    subprocess.run([os.path.join(BUILD, 'kemu-img')] + list(args),
                   check=True, stdout=subprocess.DEVNULL)


def kemu_io(path, cmd):
    subprocess.run([os.path.join(BUILD, 'kemu-io'), '-c', cmd, path],
                   check=True, stdout=subprocess.DEVNULL)


def compare(a, b):
    """qemu-img compare's exit status and output (0: identical)."""
    p = subprocess.run([img_tool(), 'compare', a, b], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True)
    return p.returncode, p.stdout


def check(path):
    p = subprocess.run([img_tool(), 'check', path], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True)
    return p.returncode, p.stdout


def backing_of(path):
    p = subprocess.run([img_tool(), 'info', '--output=json', path],
                       stdout=subprocess.PIPE, check=True)
    return json.loads(p.stdout).get('backing-filename')


class Vm(test_drive.Vm):
    """test_drive's paused VM, keeping the events it reads."""

    def __init__(self, tmp, args, binary=None):
        self.events = []
        test_drive.Vm.__init__(self, tmp, args, binary=binary)

    def recv(self):
        r = test_drive.Vm.recv(self)
        if 'event' in r:
            self.events.append(r)
        return r

    def wait_event(self, name, timeout=30, **data):
        """The first event @name whose data has @data; taken off the list."""
        end = time.monotonic() + timeout
        while True:
            for e in self.events:
                if e['event'] == name and all(e['data'].get(k) == v
                                              for k, v in data.items()):
                    self.events.remove(e)
                    return e
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError('no %s %r in %r' % (name, data,
                                                        self.events))
            self.sock.settimeout(left)
            try:
                self.recv()
            except socket.timeout:
                pass
            self.sock.settimeout(30)

    def statuses(self, job_id, until='null'):
        """The JOB_STATUS_CHANGE statuses of @job_id up to @until."""
        while not any(e['event'] == 'JOB_STATUS_CHANGE' and
                      e['data'] == {'id': job_id, 'status': until}
                      for e in self.events):
            self.recv()
        out = [e['data']['status'] for e in self.events
               if e['event'] == 'JOB_STATUS_CHANGE' and
               e['data']['id'] == job_id]
        self.events = [e for e in self.events
                       if not (e['event'] == 'JOB_STATUS_CHANGE' and
                               e['data']['id'] == job_id)]
        return out



def err(r):
    return (r['error']['class'], r['error']['desc'])


class Jobs(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='kemu-jobs-')
        self.vm = None

    def tearDown(self):
        if self.vm:
            self.vm.quit()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def chain(self):
        """base (1 MiB of 1s at 0) <- mid (2s at 2M) <- top (3s at 1M);
        ref.qcow2 is a standalone copy of what the chain shows."""
        kemu_img('create', '-f', 'qcow2', self.path('base.qcow2'), '64M')
        kemu_io(self.path('base.qcow2'), 'write -P 1 0 1M')
        kemu_img('create', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2',
                 self.path('mid.qcow2'))
        kemu_io(self.path('mid.qcow2'), 'write -P 2 2M 1M')
        kemu_img('create', '-f', 'qcow2', '-b', 'mid.qcow2', '-F', 'qcow2',
                 self.path('top.qcow2'))
        kemu_io(self.path('top.qcow2'), 'write -P 3 1M 1M')
        kemu_img('convert', '-O', 'qcow2', self.path('top.qcow2'),
                 self.path('ref.qcow2'))

    def start(self, extra=()):
        self.vm = Vm(self.tmp, ['-drive', 'file=top.qcow2,if=virtio,'
                                'id=drive0,format=qcow2'] + list(extra))
        return self.vm

    def stop(self):
        self.vm.quit()
        self.vm = None

    def test_errors(self):
        self.chain()
        vm = self.start()
        self.assertEqual(vm.execute('query-block-jobs'), {'return': []})
        self.assertEqual(vm.execute('query-jobs'), {'return': []})
        self.assertEqual(vm.hmp('info block-jobs'), 'No active jobs\r\n')
        nf = ('DeviceNotActive', "Block job 'nope' not found")
        for cmd in ('block-job-cancel', 'block-job-pause', 'block-job-resume',
                    'block-job-complete'):
            self.assertEqual(err(vm.execute(cmd, device='nope')), nf, cmd)
        self.assertEqual(err(vm.execute('block-job-set-speed', device='nope',
                                        speed=1)), nf)
        for cmd in ('block-job-dismiss', 'block-job-finalize'):
            self.assertEqual(err(vm.execute(cmd, id='nope')), nf, cmd)
        for cmd in ('job-cancel', 'job-pause', 'job-resume', 'job-complete',
                    'job-dismiss', 'job-finalize'):
            self.assertEqual(err(vm.execute(cmd, id='nope')),
                             ('GenericError', 'Job not found'), cmd)
        nodev = ('GenericError',
                 "Cannot find device='nope' nor node-name='nope'")
        self.assertEqual(err(vm.execute('block-stream', device='nope')),
                         nodev)
        self.assertEqual(err(vm.execute('drive-mirror', device='nope',
                                        target='x', sync='full')), nodev)
        self.assertEqual(err(vm.execute('blockdev-backup', device='drive0',
                                        target='nope', sync='full')), nodev)
        self.assertEqual(err(vm.execute('block-commit', device='nope')),
                         ('DeviceNotFound', "Device 'nope' not found"))
        self.assertEqual(err(vm.execute('block-commit', device='drive0',
                                        top=self.path('nope.qcow2'))),
                         ('GenericError', 'Top image file %s not found' %
                          self.path('nope.qcow2')))
        self.assertEqual(err(vm.execute('block-commit', device='drive0',
                                        base='nope.qcow2')),
                         ('GenericError',
                          "Can't find 'nope.qcow2' in the backing chain"))
        self.assertEqual(err(vm.execute('drive-backup', device='drive0',
                                        target='b.qcow2',
                                        sync='incremental')),
                         ('GenericError', "must provide a valid bitmap name "
                          "for 'incremental' sync mode"))
        self.assertEqual(err(vm.execute('drive-mirror', device='drive0',
                                        target='b.qcow2', sync='bogus')),
                         ('GenericError',
                          "Parameter 'sync' does not accept value 'bogus'"))
        # A failed start: "created" then "null", nothing left.
        self.assertEqual(err(vm.execute('block-stream', device='drive0',
                                        speed=-1)),
                         ('GenericError', "Parameter 'speed' expects a "
                          "non-negative value"))
        self.assertEqual(vm.statuses('drive0'), ['created', 'null'])
        self.assertEqual(err(vm.execute('block-stream', device='drive0',
                                        **{'job-id': '1x'})),
                         ('GenericError', "Invalid job ID '1x'"))
        self.assertEqual(vm.hmp('block_job_cancel nope'),
                         "Error: Block job 'nope' not found\r\n")
        self.assertEqual(vm.hmp('block_stream nope'),
                         "Error: Cannot find device='nope' nor "
                         "node-name='nope'\r\n")
        self.assertEqual(vm.hmp('drive_backup nope x.qcow2'),
                         "Error: Cannot find device='nope' nor "
                         "node-name='nope'\r\n")
        names = {c['name'] for c in vm.execute('query-commands')['return']}
        for c in ('block-stream', 'block-commit', 'drive-mirror',
                  'blockdev-mirror', 'drive-backup', 'blockdev-backup',
                  'query-block-jobs', 'query-jobs', 'block-job-cancel',
                  'block-job-pause', 'block-job-resume', 'block-job-complete',
                  'block-job-set-speed', 'block-job-dismiss',
                  'block-job-finalize', 'job-cancel', 'job-pause',
                  'job-resume', 'job-complete', 'job-dismiss',
                  'job-finalize'):
            self.assertIn(c, names)
        schema = vm.execute('query-qmp-schema')['return']
        events = {e['name'] for e in schema if e['meta-type'] == 'event'}
        for e in ('BLOCK_JOB_COMPLETED', 'BLOCK_JOB_CANCELLED',
                  'BLOCK_JOB_ERROR', 'BLOCK_JOB_READY', 'BLOCK_JOB_PENDING',
                  'JOB_STATUS_CHANGE'):
            self.assertIn(e, events)

    def test_stream_verbs(self):
        self.chain()
        vm = self.start()
        # 64 KiB/s: the first chunk goes at once, the next one ~8 s later.
        self.assertEqual(vm.execute('block-stream', device='drive0',
                                    speed=65536), {'return': {}})
        jobs = vm.execute('query-block-jobs')['return']
        self.assertEqual(len(jobs), 1)
        j = jobs[0]
        self.assertEqual(list(j), ['auto-finalize', 'io-status', 'device',
                                   'auto-dismiss', 'busy', 'len', 'offset',
                                   'status', 'paused', 'speed', 'ready',
                                   'type'])
        self.assertEqual((j['device'], j['type'], j['speed'], j['len'],
                          j['status'], j['ready'], j['io-status']),
                         ('drive0', 'stream', 65536, 64 * MiB, 'running',
                          False, 'ok'))
        q = vm.execute('query-jobs')['return'][0]
        self.assertEqual(list(q), ['current-progress', 'status',
                                   'total-progress', 'type', 'id'])
        self.assertRegex(vm.hmp('info block-jobs'),
                         r'^Streaming device drive0: Completed \d+ of '
                         r'67108864 bytes, speed limit 65536 bytes/s\r\n$')
        self.assertEqual(err(vm.execute('block-stream', device='drive0')),
                         ('GenericError', "Node 'drive0' is busy: block "
                          "device is in use by block job: stream"))
        self.assertEqual(err(vm.execute('block-job-complete',
                                        device='drive0')),
                         ('GenericError', "Job 'drive0' in state 'running' "
                          "cannot accept command verb 'complete'"))
        self.assertEqual(err(vm.execute('job-dismiss', id='drive0')),
                         ('GenericError', "Job 'drive0' in state 'running' "
                          "cannot accept command verb 'dismiss'"))
        self.assertEqual(vm.execute('block-job-pause', device='drive0'),
                         {'return': {}})
        self.assertEqual(err(vm.execute('block-job-pause', device='drive0')),
                         ('GenericError', 'Job is already paused'))
        j = vm.execute('query-block-jobs')['return'][0]
        self.assertEqual((j['status'], j['paused']), ('paused', True))
        self.assertEqual(vm.hmp('block_job_set_speed drive0 128k'), '')
        self.assertEqual(vm.execute('query-block-jobs')['return'][0]['speed'],
                         131072)
        self.assertEqual(vm.hmp('block_job_resume drive0'), '')
        self.assertEqual(err(vm.execute('job-resume', id='drive0')),
                         ('GenericError',
                          "Can't resume a job that was not paused"))
        self.assertEqual(vm.execute('block-job-set-speed', device='drive0',
                                    speed=0), {'return': {}})
        done = vm.wait_event('BLOCK_JOB_COMPLETED')
        self.assertEqual(done['data'], {'device': 'drive0', 'len': 64 * MiB,
                                        'offset': 64 * MiB, 'speed': 0,
                                        'type': 'stream'})
        self.assertEqual(vm.statuses('drive0'),
                         ['created', 'running', 'paused', 'running',
                          'waiting', 'pending', 'concluded', 'null'])
        self.assertEqual(vm.execute('query-block-jobs'), {'return': []})
        info = vm.execute('query-block')['return'][0]['inserted']
        self.assertEqual(info['backing_file_depth'], 0)
        self.stop()
        self.assertIsNone(backing_of(self.path('top.qcow2')))
        self.assertEqual(check(self.path('top.qcow2'))[0], 0)
        self.assertEqual(compare(self.path('top.qcow2'),
                                 self.path('ref.qcow2'))[0], 0)

    def test_manual_finalize_dismiss(self):
        self.chain()
        vm = self.start()
        r = vm.execute('block-stream', device='drive0', base='base.qcow2',
                       **{'job-id': 'j1', 'auto-finalize': False,
                          'auto-dismiss': False})
        self.assertEqual(r, {'return': {}})
        self.assertEqual(vm.wait_event('BLOCK_JOB_PENDING')['data'],
                         {'type': 'stream', 'id': 'j1'})
        j = vm.execute('query-block-jobs')['return'][0]
        self.assertEqual((j['device'], j['status'], j['auto-finalize'],
                          j['auto-dismiss']), ('j1', 'pending', False, False))
        self.assertEqual(err(vm.execute('job-dismiss', id='j1')),
                         ('GenericError', "Job 'j1' in state 'pending' "
                          "cannot accept command verb 'dismiss'"))
        self.assertEqual(vm.execute('job-finalize', id='j1'), {'return': {}})
        vm.wait_event('BLOCK_JOB_COMPLETED', device='j1')
        q = vm.execute('query-jobs')['return']
        self.assertEqual([(x['id'], x['status']) for x in q],
                         [('j1', 'concluded')])
        self.assertEqual(vm.hmp('info block-jobs'),
                         'Streaming device j1: Completed 67108864 of '
                         '67108864 bytes, speed limit 0 bytes/s\r\n')
        self.assertEqual(vm.execute('job-dismiss', id='j1'), {'return': {}})
        self.assertEqual(vm.statuses('j1'),
                         ['created', 'running', 'waiting', 'pending',
                          'concluded', 'null'])
        self.stop()
        self.assertEqual(backing_of(self.path('top.qcow2')), 'base.qcow2')
        self.assertEqual(compare(self.path('top.qcow2'),
                                 self.path('ref.qcow2'))[0], 0)

    def test_commit(self):
        self.chain()
        vm = self.start()
        # Intermediate: mid into base; top then sits on base.
        self.assertEqual(vm.execute('block-commit', device='drive0',
                                    top='mid.qcow2'), {'return': {}})
        done = vm.wait_event('BLOCK_JOB_COMPLETED')
        self.assertEqual((done['data']['type'], done['data']['len']),
                         ('commit', 64 * MiB))
        self.assertEqual(vm.statuses('drive0'),
                         ['created', 'running', 'waiting', 'pending',
                          'concluded', 'null'])
        img = vm.execute('query-block')['return'][0]['inserted']
        self.assertEqual(img['backing_file_depth'], 1)
        # Active: READY, then block-job-complete pivots the device to base.
        self.assertEqual(vm.execute('block-commit', device='drive0'),
                         {'return': {}})
        ready = vm.wait_event('BLOCK_JOB_READY')
        self.assertEqual(ready['data'], {'device': 'drive0', 'len': MiB,
                                         'offset': MiB, 'speed': 0,
                                         'type': 'commit'})
        self.assertEqual(vm.hmp('info block-jobs'),
                         'Type commit, device drive0: Completed 1048576 of '
                         '1048576 bytes, speed limit 0 bytes/s\r\n')
        self.assertEqual(vm.hmp('block_job_complete drive0'), '')
        vm.wait_event('BLOCK_JOB_COMPLETED')
        self.assertEqual(vm.statuses('drive0'),
                         ['created', 'running', 'ready', 'waiting',
                          'pending', 'concluded', 'null'])
        img = vm.execute('query-block')['return'][0]['inserted']
        self.assertEqual((img['file'], img['backing_file_depth'], img['ro']),
                         ('base.qcow2', 0, False))
        self.stop()
        self.assertEqual(backing_of(self.path('top.qcow2')), 'base.qcow2')
        for name in ('base.qcow2', 'top.qcow2'):
            self.assertEqual(check(self.path(name))[0], 0, name)
        self.assertEqual(compare(self.path('base.qcow2'),
                                 self.path('ref.qcow2'))[0], 0)

    def test_mirror(self):
        self.chain()
        vm = self.start()
        # Cancel after READY: COMPLETED, the device stays, the copy is good.
        self.assertEqual(vm.execute('drive-mirror', device='drive0',
                                    target='m1.qcow2', sync='full',
                                    format='qcow2'), {'return': {}})
        ready = vm.wait_event('BLOCK_JOB_READY')
        self.assertEqual(ready['data']['len'], 3 * MiB)
        self.assertEqual(vm.hmp('info block-jobs'),
                         'Type mirror, device drive0: Completed 3145728 of '
                         '3145728 bytes, speed limit 0 bytes/s\r\n')
        self.assertEqual(err(vm.execute('drive-backup', device='drive0',
                                        target='x.qcow2', sync='full')),
                         ('GenericError', 'Need a root block node'))
        # Paused while READY is "standby"; resumed, READY again.
        self.assertEqual(vm.hmp('block_job_pause drive0'), '')
        j = vm.execute('query-block-jobs')['return'][0]
        self.assertEqual((j['status'], j['paused'], j['ready']),
                         ('standby', True, True))
        self.assertEqual(vm.hmp('block_job_resume drive0'), '')
        self.assertEqual(vm.execute('query-jobs')['return'][0]['status'],
                         'ready')
        self.assertEqual(vm.execute('block-job-cancel', device='drive0'),
                         {'return': {}})
        vm.wait_event('BLOCK_JOB_COMPLETED', type='mirror')
        self.assertEqual(vm.statuses('drive0'),
                         ['created', 'running', 'ready', 'standby', 'ready',
                          'waiting', 'pending', 'concluded', 'null'])
        img = vm.execute('query-block')['return'][0]['inserted']
        self.assertEqual(img['file'], 'top.qcow2')
        # Speed limit, then cancel before READY: CANCELLED.
        self.assertEqual(vm.execute('drive-mirror', device='drive0',
                                    target='m2.qcow2', sync='full',
                                    speed=65536), {'return': {}})
        j = vm.execute('query-block-jobs')['return'][0]
        self.assertEqual((j['type'], j['speed'], j['status']),
                         ('mirror', 65536, 'running'))
        self.assertEqual(vm.execute('block-job-cancel', device='drive0'),
                         {'return': {}})
        c = vm.wait_event('BLOCK_JOB_CANCELLED')
        self.assertEqual((c['data']['type'], c['data']['speed']),
                         ('mirror', 65536))
        self.assertEqual(vm.statuses('drive0'),
                         ['created', 'running', 'aborting', 'concluded',
                          'null'])
        # HMP drive_mirror -f, then complete: the device is on the copy.
        self.assertEqual(vm.hmp('drive_mirror -f drive0 m3.qcow2 qcow2'), '')
        vm.wait_event('BLOCK_JOB_READY')
        self.assertEqual(vm.hmp('block_job_complete drive0'), '')
        vm.wait_event('BLOCK_JOB_COMPLETED')
        img = vm.execute('query-block')['return'][0]['inserted']
        self.assertEqual((img['file'], img['backing_file_depth']),
                         ('m3.qcow2', 0))
        self.assertEqual(vm.hmp('info block-jobs'), 'No active jobs\r\n')
        self.stop()
        for name in ('m1.qcow2', 'm3.qcow2'):
            self.assertEqual(check(self.path(name))[0], 0, name)
            self.assertEqual(compare(self.path(name),
                                     self.path('ref.qcow2'))[0], 0, name)

    def test_blockdev_mirror_top(self):
        self.chain()
        kemu_img('create', '-f', 'qcow2', '-b', 'mid.qcow2', '-F', 'qcow2',
                 self.path('t.qcow2'))
        vm = self.start(['-blockdev', 'driver=qcow2,node-name=tgt,'
                         'file.driver=file,file.filename=t.qcow2'])
        self.assertEqual(vm.execute('blockdev-mirror', device='drive0',
                                    target='tgt', sync='top'),
                         {'return': {}})
        vm.wait_event('BLOCK_JOB_READY')
        self.assertEqual(err(vm.execute('blockdev-del', **{'node-name':
                                                           'tgt'})),
                         ('GenericError', "Node 'tgt' is busy: block device "
                          "is in use by block job: mirror"))
        self.assertEqual(vm.execute('job-complete', id='drive0'),
                         {'return': {}})
        vm.wait_event('BLOCK_JOB_COMPLETED')
        img = vm.execute('query-block')['return'][0]['inserted']
        self.assertEqual((img['node-name'], img['backing_file_depth']),
                         ('tgt', 2))
        self.stop()
        self.assertEqual(compare(self.path('t.qcow2'),
                                 self.path('ref.qcow2'))[0], 0)

    def test_size_mismatch(self):
        self.chain()
        kemu_img('create', '-f', 'raw', self.path('small.raw'), '1M')
        vm = self.start()
        self.assertEqual(err(vm.execute('drive-backup', device='drive0',
                                        target='small.raw', format='raw',
                                        sync='full', mode='existing')),
                         ('GenericError', 'Source and target image have '
                          'different sizes'))
        self.assertEqual(vm.execute('drive-mirror', device='drive0',
                                    target='small.raw', format='raw',
                                    sync='full', mode='existing'),
                         {'return': {}})
        done = vm.wait_event('BLOCK_JOB_COMPLETED')
        self.assertEqual(done['data'], {'device': 'drive0', 'len': 0,
                                        'offset': 0, 'speed': 0,
                                        'type': 'mirror', 'error':
                                        'Source and target image have '
                                        'different sizes'})
        self.assertEqual(vm.statuses('drive0'),
                         ['created', 'running', 'aborting', 'concluded',
                          'null'])

    def test_backup(self):
        self.chain()
        vm = self.start()
        self.assertEqual(vm.execute('drive-backup', device='drive0',
                                    target='b1.qcow2', sync='full',
                                    format='qcow2'), {'return': {}})
        done = vm.wait_event('BLOCK_JOB_COMPLETED')
        self.assertEqual(done['data'], {'device': 'drive0', 'len': 64 * MiB,
                                        'offset': 64 * MiB, 'speed': 0,
                                        'type': 'backup'})
        self.assertEqual(vm.statuses('drive0'),
                         ['created', 'running', 'paused', 'running',
                          'waiting', 'pending', 'concluded', 'null'])
        # sync=top: only what the top holds, over the same backing file.
        self.assertEqual(vm.hmp('drive_backup drive0 b2.qcow2'), '')
        vm.wait_event('BLOCK_JOB_COMPLETED')
        # A slow one, cancelled: CANCELLED with its progress.
        self.assertEqual(vm.execute('drive-backup', device='drive0',
                                    target='b3.qcow2', sync='full',
                                    speed=65536), {'return': {}})
        self.assertRegex(vm.hmp('info block-jobs'),
                         r'^Type backup, device drive0: Completed \d+ of '
                         r'67108864 bytes, speed limit 65536 bytes/s\r\n$')
        self.assertEqual(err(vm.execute('drive-backup', device='drive0',
                                        target='b4.qcow2', sync='full')),
                         ('GenericError', "Node 'drive0' is busy: block "
                          "device is in use by block job: backup"))
        self.assertEqual(vm.hmp('block_job_cancel -f drive0'), '')
        c = vm.wait_event('BLOCK_JOB_CANCELLED')
        self.assertEqual((c['data']['type'], c['data']['len']),
                         ('backup', 64 * MiB))
        self.stop()
        self.assertEqual(check(self.path('b1.qcow2'))[0], 0)
        self.assertEqual(compare(self.path('b1.qcow2'),
                                 self.path('ref.qcow2'))[0], 0)
        self.assertEqual(backing_of(self.path('b2.qcow2')), 'mid.qcow2')
        self.assertEqual(compare(self.path('b2.qcow2'),
                                 self.path('ref.qcow2'))[0], 0)


QEMU = shutil.which('qemu-system-x86_64')


def collapse(events):
    """(event, data) of @events, a run of equal ones once (QEMU sends one
    BLOCK_JOB_ERROR per failed request in flight, we one per chunk);
    progress offsets dropped (chunking differs)."""
    out = []
    for e in events:
        d = dict(e['data'])
        d.pop('offset', None)
        item = (e['event'], d)
        if not out or out[-1] != item:
            out.append(item)
    return out


def error_event(operation, action):
    return ('BLOCK_JOB_ERROR', {'device': 'drive0', 'operation': operation,
                                'action': action})


def completed(job_type, length, error=None):
    data = {'device': 'drive0', 'len': length, 'speed': 0, 'type': job_type}
    if error:
        data['error'] = error
    return ('BLOCK_JOB_COMPLETED', data)


def job_state(trace):
    """status, paused, io-status of the job in @trace's query-block-jobs."""
    j = [x for x in trace if isinstance(x, list)][0][0]
    return (j['status'], j['paused'], j['io-status'])


class ErrorPolicies(unittest.TestCase):
    """on-error / on-target-error: a target on a 1 MiB tmpfs fails with
    ENOSPC; every trace is compared with QEMU 7.2's when it is installed."""

    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest('needs root to mount a tmpfs')
        self.tmp = tempfile.mkdtemp(prefix='kemu-jobserr-')
        self.small = os.path.join(self.tmp, 'small')

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def mount(self, size):
        os.makedirs(self.small, exist_ok=True)
        subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=' + size,
                        'tmpfs', self.small], check=True)

    def drain(self, vm, secs=0.5):
        """Events for @secs (an "ignore" job sends them without end)."""
        end = time.monotonic() + secs
        while time.monotonic() < end:
            vm.sock.settimeout(max(0.01, end - time.monotonic()))
            try:
                vm.recv()
            except socket.timeout:
                pass
        vm.sock.settimeout(30)
        out, vm.events = vm.events, []
        return collapse(out)

    def setup(self, cmd):
        """Images where @cmd writes 4 MiB to a 1 MiB tmpfs: a raw target
        (drive-mirror, drive-backup), the base (block-commit of mid) or
        the active layer (block-stream).  The drive and @cmd's args."""
        self.mount('1M')
        tmp = self.tmp
        if cmd == 'block-commit':
            kemu_img('create', '-f', 'qcow2', tmp + '/small/base.qcow2', '64M')
            kemu_img('create', '-f', 'qcow2', '-b', 'small/base.qcow2', '-F',
                     'qcow2', tmp + '/mid.qcow2')
            kemu_io(tmp + '/mid.qcow2', 'write -P 7 0 4M')
            kemu_img('create', '-f', 'qcow2', '-b', 'mid.qcow2', '-F',
                     'qcow2', tmp + '/top.qcow2')
            return 'top.qcow2', {'device': 'drive0', 'top': 'mid.qcow2'}
        if cmd == 'block-stream':
            kemu_img('create', '-f', 'qcow2', tmp + '/base.qcow2', '64M')
            kemu_io(tmp + '/base.qcow2', 'write -P 7 0 4M')
            kemu_img('create', '-f', 'qcow2', '-b', '../base.qcow2', '-F',
                     'qcow2', tmp + '/small/top.qcow2')
            return 'small/top.qcow2', {'device': 'drive0'}
        kemu_img('create', '-f', 'qcow2', tmp + '/src.qcow2', '64M')
        kemu_io(tmp + '/src.qcow2', 'write -P 7 0 4M')
        return 'src.qcow2', {'device': 'drive0', 'target': 'small/t.raw',
                             'format': 'raw', 'sync': 'full'}

    def run_case(self, binary, cmd, policy, remount=False):
        """@cmd (see setup) with on-error / on-target-error @policy; the trace:
        events, query-block-jobs, then after block-job-resume (with the
        tmpfs made big enough when @remount) or a forced cancel."""
        drive, args = self.setup(cmd)
        if policy:
            args['on-error' if cmd.startswith('block-')
                 else 'on-target-error'] = policy
        trace = []
        vm = None
        try:
            vm = Vm(self.tmp, ['-drive', 'file=%s,if=virtio,id=drive0,'
                               'format=qcow2' % drive], binary=binary)
            trace.append(vm.execute(cmd, **args))
            trace += self.drain(vm, 1)
            jobs = vm.execute('query-block-jobs')['return']
            for j in jobs:
                j.pop('offset')
                j.pop('busy')   # QEMU's is true while it retries
            trace.append(jobs)
            if remount:
                subprocess.run(['mount', '-o', 'remount,size=100M',
                                self.small], check=True)
                trace.append(vm.execute('block-job-resume', device='drive0'))
                if cmd == 'drive-mirror':
                    trace += collapse([vm.wait_event('BLOCK_JOB_READY')])
                    trace.append(vm.execute('block-job-complete',
                                            device='drive0'))
                trace += collapse([vm.wait_event('BLOCK_JOB_COMPLETED')])
                trace += self.drain(vm, 0.2)
            elif jobs:
                trace.append(vm.execute('block-job-cancel', device='drive0',
                                        force=True))
                vm.wait_event('BLOCK_JOB_CANCELLED')
                trace += [t for t in self.drain(vm, 0.2)
                          if t[0] != 'BLOCK_JOB_ERROR']
            vm.quit()
            vm = None
            if remount and cmd.startswith('drive-'):
                # Retried after the resume: the copy is whole.
                trace.append(('compare', compare(
                    os.path.join(self.tmp, 'src.qcow2'),
                    os.path.join(self.small, 't.raw'))[0]))
        finally:
            if vm:
                vm.proc.kill()
                vm.proc.wait()
            subprocess.run(['umount', self.small])
        return trace

    def case(self, cmd, policy, remount=False):
        ours = self.run_case(None, cmd, policy, remount)
        if QEMU:
            shutil.rmtree(self.tmp, ignore_errors=True)
            os.makedirs(self.tmp)
            self.assertEqual(ours, self.run_case(QEMU, cmd, policy, remount))
        return ours

    def test_mirror_report(self):
        t = self.case('drive-mirror', None)
        self.assertIn(error_event('write', 'report'), t)
        self.assertIn(completed('mirror', 4 * MiB,
                                'No space left on device'), t)

    def test_mirror_stop_resume(self):
        t = self.case('drive-mirror', 'stop', remount=True)
        self.assertIn(error_event('write', 'stop'), t)
        self.assertEqual(job_state(t), ('paused', True, 'nospace'))
        self.assertEqual(t[-1], ('compare', 0))

    def test_mirror_enospc_ignore(self):
        t = self.case('drive-mirror', 'enospc')
        self.assertIn(error_event('write', 'stop'), t)
        t = self.case('drive-mirror', 'ignore')
        self.assertIn(error_event('write', 'ignore'), t)
        self.assertEqual(job_state(t), ('running', False, 'ok'))

    def test_backup_stop_resume(self):
        t = self.case('drive-backup', 'stop', remount=True)
        self.assertEqual(job_state(t), ('paused', True, 'nospace'))
        self.assertIn(completed('backup', 64 * MiB), t)

    def test_commit_stop_resume(self):
        t = self.case('block-commit', 'stop', remount=True)
        self.assertIn(error_event('write', 'stop'), t)
        self.assertIn(completed('commit', 64 * MiB), t)

    def test_stream_report_stop(self):
        # Stream copies on read: QEMU reports its write errors as "read".
        t = self.case('block-stream', None)
        self.assertIn(error_event('read', 'report'), t)
        t = self.case('block-stream', 'stop', remount=True)
        self.assertIn(completed('stream', 64 * MiB), t)
        # "ignore" skips the chunk, and the job fails at its end.
        t = self.case('block-stream', 'ignore')
        self.assertEqual(t[-4:], [
            completed('stream', 64 * MiB, 'No space left on device'),
            ('JOB_STATUS_CHANGE', {'status': 'concluded', 'id': 'drive0'}),
            ('JOB_STATUS_CHANGE', {'status': 'null', 'id': 'drive0'}),
            []])

def linux(kemu, builder):
    """A Linux guest writes both disks while the host backs up vda and
    mirrors vdb: the backup holds the disk as it was at the start, the
    mirror (pivoted while the guest writes) what the guest wrote last."""
    from test_linux import Guest, Qmp, build_guest, qmp_connect
    guest_dir = build_guest(builder)
    tmp = tempfile.mkdtemp(prefix='kemu-jobs-linux-')
    failures = []
    try:
        for d in ('a', 'b'):
            kemu_img('create', '-f', 'qcow2', os.path.join(tmp, d + '.qcow2'),
                     '8M')
        sock = os.path.join(tmp, 'qmp.sock')
        g = Guest(kemu, guest_dir, 'kemu.test=blockjob',
                  ['-qmp', 'unix:%s,server=on,wait=off' % sock,
                   '-drive', 'file=%s,format=qcow2,if=virtio,id=da' %
                   os.path.join(tmp, 'a.qcow2'),
                   '-drive', 'file=%s,format=qcow2,if=virtio,id=db' %
                   os.path.join(tmp, 'b.qcow2')])
        q = Qmp(*qmp_connect(sock, 30))
        q.execute('qmp_capabilities')
        line = g.wait_for('GUEST-JOB-A', 300)
        if not line:
            raise AssertionError('guest did not fill its disks')
        sum_a = line.split()[1]
        backup = os.path.join(tmp, 'backup.qcow2')
        mirror = os.path.join(tmp, 'mirror.qcow2')
        # Slow enough that the guest's writes race both copies.
        for cmd, args in (('drive-backup', {'device': 'da', 'sync': 'full',
                                            'target': backup,
                                            'speed': 2 * MiB}),
                          ('drive-mirror', {'device': 'db', 'sync': 'full',
                                            'target': mirror,
                                            'speed': 2 * MiB})):
            r = q.execute(cmd, **args)
            if r != {'return': {}}:
                failures.append('%s: %r' % (cmd, r))
        if not q.wait_event('BLOCK_JOB_READY', 120):
            failures.append('mirror never READY')
        rounds = [l for l in g.output() if 'GUEST-JOB-ROUND' in l]
        r = q.execute('block-job-complete', device='db')
        if r != {'return': {}}:
            failures.append('block-job-complete: %r' % r)
        done = g.wait_for('GUEST-JOB-DONE', 300)
        for _ in range(300):
            if q.execute('query-block-jobs')['return'] == []:
                break
            time.sleep(0.2)
        completed = [e['data'] for e in q.events
                     if e['event'] == 'BLOCK_JOB_COMPLETED']
        if not done or len(completed) != 2 or any('error' in c
                                                  for c in completed):
            failures.append('jobs: %r, guest %r' % (completed, done))
        print('guest rounds written while the mirror ran: %d' % len(rounds))
        blk = q.execute('query-block')['return']
        files = {b['device']: b['inserted']['file'] for b in blk}
        if files.get('db') != mirror:
            failures.append('db not pivoted: %r' % files)
        q.execute('quit')
        g.wait_exit(60)
        sums = done.split()[1:3] if done else ['?', '?']
        for path, want in ((backup, sum_a), (mirror, sums[1])):
            raw = path + '.raw'
            subprocess.run([img_tool(), 'convert', '-O', 'raw', path, raw],
                           check=True)
            got = subprocess.run(['md5sum', raw], stdout=subprocess.PIPE,
                                 universal_newlines=True).stdout.split()[0]
            if got != want:
                failures.append('%s: md5 %s, guest saw %s' % (path, got,
                                                              want))
            check_into(path, failures)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return report(failures)


def check_into(path, failures):
    """qemu-img check of @path; a failure is added to @failures."""
    rc, out = check(path)
    if rc != 0:
        failures.append('check %s: %s' % (path, out))


def report(failures):
    """Print @failures; the exit status of a linux scenario."""
    for f in failures:
        print('FAIL: ' + f)
    return 1 if failures else 0


if __name__ == '__main__':
    BUILD = test_drive.BUILD = os.path.abspath(sys.argv[1])
    if len(sys.argv) > 2 and sys.argv[2] == 'linux':
        sys.exit(linux(sys.argv[3], sys.argv[4]))
    unittest.main(argv=sys.argv[:1] + sys.argv[2:], verbosity=2)
