#!/usr/bin/env python3
"""werror=enospc (the default): a guest write that hits ENOSPC stops the VM.

    test_disk_error.py KEMU_BINARY GUEST_BUILDER

For a virtio-blk disk, an IDE disk and a disk on AHCI (one boot each), the image lives on
a 16 MiB tmpfs the test mounts (skipped, exit 77, when
mounting is not possible); the guest (kemu.test=diskerr) writes 24 MiB of
random data with O_DIRECT.  Expected, as QEMU does: BLOCK_IO_ERROR (write,
action stop, nospace) then STOP over QMP, query-status and `info status`
in the io-error state; after the test grows the tmpfs, `cont` retries the
failed request, the guest reads back what it wrote, and the image holds
the data.  Also -drive werror=/rerror= parse errors with QEMU's texts.
(Passes with qemu-system-x86_64 7.2 as KEMU_BINARY too.)
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_linux import Guest, Qmp, build_guest, qmp_connect  # noqa: E402


def check_parse_errors(kemu, failures):
    for opt, msg in (('werror=foo', "'foo' invalid write error action"),
                     ('rerror=enospc', "'enospc' invalid read error action"),
                     ('rerror=bar', "'bar' invalid read error action")):
        arg = 'file=/dev/null,format=raw,if=none,' + opt
        p = subprocess.run([kemu, '-nodefaults', '-display', 'none', '-S',
                            '-drive', arg], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=30)
        want = '%s: -drive %s: %s\n' % (os.path.basename(kemu), arg, msg)
        if p.returncode != 1 or p.stderr != want:
            failures.append('-drive %s: exit %d, %r (expected %r)'
                            % (arg, p.returncode, p.stderr, want))


def run_scenario(kemu, guest_dir, iface, device, failures):
    """One boot with the image on a fresh 16 MiB tmpfs; False: skipped."""
    tmp = tempfile.mkdtemp(prefix='kemu-diskerr-')
    mnt = os.path.join(tmp, 'mnt')
    os.mkdir(mnt)
    p = subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=16m', 'tmpfs',
                        mnt], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True)
    if p.returncode != 0:
        print('SKIP: cannot mount a tmpfs for the ENOSPC test: %s'
              % p.stdout.strip())
        shutil.rmtree(tmp, ignore_errors=True)
        return False
    g = None
    fails = []
    try:
        img = os.path.join(mnt, 'disk.raw')
        with open(img, 'wb') as f:
            f.truncate(64 << 20)
        sock = os.path.join(tmp, 'qmp.sock')
        if iface == 'ahci':
            disk = ['-drive', 'file=%s,format=raw,if=none,id=%s' %
                    (img, device), '-device', 'ahci,id=ahci0',
                    '-device', 'ide-hd,drive=%s,bus=ahci0.0' % device]
        else:
            disk = ['-drive', 'file=%s,format=raw,if=%s' % (img, iface)]
        g = Guest(kemu, guest_dir, 'kemu.test=diskerr',
                  ['-qmp', 'unix:%s,server=on,wait=off' % sock] + disk)
        conn = qmp_connect(sock, 30)
        if conn is None:
            raise RuntimeError('no QMP greeting')
        q = Qmp(*conn)
        q.execute('qmp_capabilities')
        ev = q.wait_event('BLOCK_IO_ERROR', 600)
        if ev is None:
            raise RuntimeError('no BLOCK_IO_ERROR event')
        data = dict(ev['data'])
        node = data.pop('node-name', '')
        if not node.startswith('#block'):
            fails.append('BLOCK_IO_ERROR node-name %r' % node)
        want = {'device': device, 'operation': 'write', 'action': 'stop',
                'nospace': True, 'reason': 'No space left on device'}
        if data != want:
            fails.append('BLOCK_IO_ERROR data %r, expected %r'
                         % (ev['data'], want))
        if q.wait_event('STOP', 30) is None:
            fails.append('no STOP event after BLOCK_IO_ERROR')
        st = q.execute('query-status').get('return')
        if st != {'status': 'io-error', 'singlestep': False,
                  'running': False} and st != {'status': 'io-error',
                                               'running': False}:
            fails.append('query-status: %r' % st)
        info = q.execute('human-monitor-command',
                         **{'command-line': 'info status'}).get('return')
        if info != 'VM status: paused (io-error)\r\n':
            fails.append('info status: %r' % info)
        # Stopped means stopped: no progress while paused.
        time.sleep(1)
        if any('GUEST-DISKERR' in l for l in g.output()):
            fails.append('the guest ran on after the io-error stop')
        subprocess.run(['mount', '-o', 'remount,size=128m', mnt], check=True)
        r = q.execute('cont')
        if r != {'return': {}}:
            fails.append('cont: %r' % r)
        if q.wait_event('RESUME', 30) is None:
            fails.append('no RESUME event after cont')
        line = g.wait_for('GUEST-DISKERR')
        rc = g.wait_exit()
        if not line or rc != 0:
            fails.append('guest did not finish (exit %s)' % rc)
        else:
            w = line.split()
            got, status, wrote = w[-3], w[-2], w[-1]
            if status != '0':
                fails.append('guest dd exit status %s' % status)
            if got != wrote:
                fails.append('guest read back %s, wrote %s' % (got, wrote))
            with open(img, 'rb') as f:
                host = hashlib.md5(f.read(24 << 20)).hexdigest()
            if host != wrote:
                fails.append('image holds %s, guest wrote %s' % (host, wrote))
        n = sum(e['event'] == 'BLOCK_IO_ERROR' for e in q.events)
        print('%s: BLOCK_IO_ERROR events: %d; %s' % (iface, n, line))
        conn[0].close()
    except (RuntimeError, OSError, ValueError) as e:
        fails.append(str(e))
    finally:
        if g:
            g.kill()
        subprocess.run(['umount', mnt])
        shutil.rmtree(tmp, ignore_errors=True)
    if fails and g:
        print('\n'.join(g.output()[-30:]))
    failures += ['%s: %s' % (iface, f) for f in fails]
    return True


def main():
    kemu, builder = sys.argv[1:3]
    failures = []
    check_parse_errors(kemu, failures)
    guest_dir = build_guest(builder)
    ran = False
    for iface, device in (('virtio', 'virtio0'), ('ide', 'ide0-hd0'),
                          ('ahci', 'sata0')):
        ran = run_scenario(kemu, guest_dir, iface, device, failures)
        if not ran:
            break
    for f in failures:
        print('FAIL: ' + f)
    if failures:
        return 1
    if not ran:
        return 77
    print('ok: ENOSPC stopped the VM (io-error), cont retried, data intact '
          '(virtio-blk, IDE and AHCI)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
