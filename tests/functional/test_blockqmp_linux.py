#!/usr/bin/env python3
"""A Linux guest against the block monitor commands.

    test_blockqmp_linux.py KEMU_BINARY GUEST_BUILDER BUILD_DIR SCENARIO

media: the guest (kemu.test=media) reads an IDE CD-ROM while the host
opens the tray, swaps the medium with blockdev-remove-medium and
blockdev-insert-medium (a blockdev-add node) and closes the tray; the
guest must see the medium vanish and the new one (pattern and size);
while the guest holds the drive open (Linux locks the door) eject fails
with QEMU's message and the tray stays shut.

throttle: the guest reads a virtio disk under -drive throttling.bps-read,
then under limits block_set_io_throttle sets, then unthrottled; the host
measures each phase's rate (query-blockstats) against the limit.
"""
import os
import sys
import tempfile
import shutil
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_linux import Guest, Qmp, build_guest, qmp_connect  # noqa: E402


def pattern_image(tmp, name, text, size):
    path = os.path.join(tmp, name)
    with open(path, 'wb') as f:
        f.write(text.encode()[:16].ljust(16, b'-'))
        f.truncate(size)
    return path


def connect(sock):
    """A negotiated QMP connection to the guest's kemu, or None."""
    conn = qmp_connect(sock, 30)
    if not conn:
        return None
    q = Qmp(*conn)
    q.sock.settimeout(120)
    q.execute('qmp_capabilities')
    return q


def stop_guest(g, failures, tail):
    """Wait for the guest to power off; show its last @tail lines."""
    rc = g.wait_exit(120)
    print('\n'.join(g.output()[-tail:]))
    if rc != 0:
        failures.append('exit status %r' % rc)


def tray_events(q):
    return [(e['data']['device'], e['data']['tray-open'])
            for e in q.events if e['event'] == 'DEVICE_TRAY_MOVED']


def scenario_media(kemu, guest_dir, tmp):
    cd1 = pattern_image(tmp, 'cd1.iso', 'KEMU-MEDIUM-ONE', 1 << 20)
    cd2 = pattern_image(tmp, 'cd2.iso', 'KEMU-MEDIUM-TWO', 2 << 20)
    sock = os.path.join(tmp, 'qmp.sock')
    g = Guest(kemu, guest_dir, 'kemu.test=media',
              ['-qmp', 'unix:%s,server=on,wait=off' % sock,
               '-drive', 'file=%s,format=raw,if=ide,index=2,media=cdrom'
               % cd1])
    failures = []
    try:
        q = connect(sock)
        if not q:
            return ['no QMP socket']
        line = g.wait_for('GUEST-MEDIA-FIRST')
        if not line or line.split()[1:] != ['KEMU-MEDIUM-ONE-', '2048']:
            return ['first medium not seen: %r' % line]
        steps = [
            ('blockdev-open-tray', {'device': 'ide1-cd0'}),
            ('wait', 'GUEST-MEDIA-GONE'),
            ('blockdev-remove-medium', {'id': q.execute(
                'query-block')['return'][0]['qdev']}),
            ('blockdev-add', {'driver': 'raw', 'node-name': 'cd2',
                              'read-only': True,
                              'file': {'driver': 'file', 'filename': cd2}}),
            ('blockdev-insert-medium', {'id': None, 'node-name': 'cd2'}),
            ('blockdev-close-tray', {'device': 'ide1-cd0'}),
        ]
        qdev = steps[2][1]['id']
        for cmd, args in steps:
            if cmd == 'wait':
                if not g.wait_for(args, 120):
                    failures.append('guest did not print %s' % args)
                continue
            if args.get('id', 1) is None:
                args['id'] = qdev
            r = q.execute(cmd, **args)
            if r != {'return': {}}:
                failures.append('%s: %r' % (cmd, r))
        line = g.wait_for('GUEST-MEDIA-SECOND', 120)
        if not line or line.split()[1:] != ['KEMU-MEDIUM-TWO-', '4096']:
            failures.append('second medium not seen: %r' % line)
        if not g.wait_for('GUEST-MEDIA-LOCKED', 60):
            failures.append('the guest did not lock the drive')
        locked = q.execute('query-block')['return'][0]['locked']
        r = q.execute('eject', device='ide1-cd0')
        want_err = ("Device 'ide1-cd0' is locked and force was not "
                    "specified, wait for tray to open and try again")
        if not locked or r.get('error', {}).get('desc') != want_err:
            failures.append('eject of a locked drive: %r (locked %r)'
                            % (r, locked))
        if not g.wait_for('GUEST-MEDIA-UNLOCKED', 60):
            failures.append('the guest did not unlock the drive')
        q.execute('blockdev-open-tray', device='ide1-cd0')
        want = [('ide1-cd0', True), ('ide1-cd0', False), ('ide1-cd0', True)]
        if tray_events(q) != want:
            failures.append('DEVICE_TRAY_MOVED events %r, want %r'
                            % (tray_events(q), want))
        blk = q.execute('query-block')['return'][0]
        if not blk.get('tray_open') or \
                blk['inserted']['node-name'] != 'cd2':
            failures.append('query-block after the last open: %r' % blk)
    finally:
        stop_guest(g, failures, 40)
    return failures


def scenario_throttle(kemu, guest_dir, tmp):
    """Reads of 3 MiB at -drive bps-read=1 MiB/s, then at 2 MiB/s set by
    block_set_io_throttle, then unthrottled: the measured rates must be
    near the limits, and the last phase much faster."""
    disk = pattern_image(tmp, 'disk.raw', 'KEMU-THROTTLE', 16 << 20)
    sock = os.path.join(tmp, 'qmp.sock')
    g = Guest(kemu, guest_dir, 'kemu.test=throttle',
              ['-qmp', 'unix:%s,server=on,wait=off' % sock,
               '-drive', 'file=%s,format=raw,if=virtio,'
               'throttling.bps-read=1048576' % disk])
    failures = []
    limits = {1: 1 << 20, 2: 2 << 20, 3: 0}
    try:
        q = connect(sock)
        if not q:
            return ['no QMP socket']

        def rd_bytes():
            return q.execute('query-blockstats')['return'][0]['stats'][
                'rd_bytes']
        for phase in (1, 2, 3):
            if not g.wait_for('GUEST-THROTTLE-READY %d' % phase):
                return ['guest did not reach phase %d' % phase]
            if phase > 1:
                r = q.execute('block_set_io_throttle', device='virtio0',
                              bps=0, bps_rd=limits[phase], bps_wr=0,
                              iops=0, iops_rd=0, iops_wr=0)
                if r != {'return': {}}:
                    failures.append('block_set_io_throttle: %r' % r)
            # The guest sleeps 2 s between READY and START and reads
            # nothing: count the bytes from here, so that a host slow to
            # see START (a loaded machine) cannot miss a fast phase 3.
            b0 = rd_bytes()
            if not g.wait_for('GUEST-THROTTLE-START %d' % phase):
                return ['phase %d did not start' % phase]
            t0 = time.monotonic()
            if not g.wait_for('GUEST-THROTTLE-END %d' % phase):
                return ['phase %d did not end' % phase]
            secs = max(time.monotonic() - t0, 1e-3)
            nbytes = rd_bytes() - b0
            rate = nbytes / secs
            print('phase %d: %d bytes in %.2f s = %.0f B/s (limit %d)'
                  % (phase, nbytes, secs, rate, limits[phase]), flush=True)
            if nbytes < 3 << 20:
                failures.append('phase %d read only %d bytes'
                                % (phase, nbytes))
            if limits[phase] and not (0.75 * limits[phase] < rate <
                                      1.25 * limits[phase]):
                failures.append('phase %d: %.0f B/s, limit %d'
                                % (phase, rate, limits[phase]))
            if not limits[phase] and rate < 4 * (2 << 20):
                failures.append('phase %d unthrottled only %.0f B/s'
                                % (phase, rate))
        info = q.execute('query-block')['return'][0]['inserted']
        if 'group' in info or info['bps_rd']:
            failures.append('limits left after disabling: %r' % info)
    finally:
        stop_guest(g, failures, 12)
    return failures


SCENARIOS = {
    'media': scenario_media,
    'throttle': scenario_throttle,
}


def main():
    kemu, builder, _build, name = sys.argv[1:5]
    guest_dir = build_guest(builder)
    tmp = tempfile.mkdtemp(prefix='kemu-blockqmp-linux-')
    try:
        failures = SCENARIOS[name](kemu, guest_dir, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print('FAIL: ' + f)
    if failures:
        sys.exit(1)
    print('ok: ' + name)


if __name__ == '__main__':
    main()
