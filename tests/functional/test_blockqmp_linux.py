#!/usr/bin/env python3
"""A Linux guest against the block monitor commands.

    test_blockqmp_linux.py KEMU_BINARY GUEST_BUILDER BUILD_DIR SCENARIO

media: the guest (kemu.test=media) reads an IDE CD-ROM while the host
opens the tray, swaps the medium with blockdev-remove-medium and
blockdev-insert-medium (a blockdev-add node) and closes the tray; the
guest must see the medium vanish and the new one (pattern and size);
while the guest holds the drive open (Linux locks the door) eject fails
with QEMU's message and the tray stays shut.
"""
import os
import sys
import tempfile
import shutil

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_linux import Guest, Qmp, build_guest, qmp_connect  # noqa: E402


def pattern_image(tmp, name, text, size):
    path = os.path.join(tmp, name)
    with open(path, 'wb') as f:
        f.write(text.encode()[:16].ljust(16, b'-'))
        f.truncate(size)
    return path


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
        conn = qmp_connect(sock, 30)
        if not conn:
            return ['no QMP socket']
        q = Qmp(*conn)
        q.sock.settimeout(120)
        q.execute('qmp_capabilities')
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
        rc = g.wait_exit(120)
        print('\n'.join(g.output()[-40:]))
    if rc != 0:
        failures.append('exit status %r' % rc)
    return failures


SCENARIOS = {
    'media': scenario_media,
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
