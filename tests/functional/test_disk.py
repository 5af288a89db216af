#!/usr/bin/env python3
"""A Linux guest reads and writes kemu's disks; the host checks the images.

    test_disk.py KEMU_BINARY GUEST_BUILDER BUILD_DIR

One boot (-accel tcg, kemu.test=disk) with a qcow2 and a raw IDE disk (the
second as -device ide-hd), an
IDE CD-ROM, a qcow2 virtio disk (if=virtio) and a raw one (if=none and
-device virtio-blk-pci): the guest prints the pattern the host wrote in each first
sector and writes its own at 1 MiB; after power-off the host reads the
images back (qemu-img convert when available, else kemu-img) and runs
`qemu-img check` on the qcow2.  Before the guest starts (-S), HMP
snapshot_blkdev puts an overlay over the qcow2 virtio disk: the guest's
writes land there and the base image keeps the host's data only.  After
the guest's writes, QMP block_resize grows the raw virtio disk and the
guest sees its new size.
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_linux import Guest, Qmp, build_guest, qmp_connect  # noqa: E402


def main():
    kemu, builder, build = sys.argv[1:4]
    guest_dir = build_guest(builder)
    img_tool = os.path.join(build, 'kemu-img')
    tmp = tempfile.mkdtemp(prefix='kemu-disk-')
    try:
        disks = {}
        for name, fmt in (('d0.qcow2', 'qcow2'), ('d1.raw', 'raw'),
                          ('cd.iso', 'raw'), ('v0.qcow2', 'qcow2'),
                          ('v1.raw', 'raw')):
            path = os.path.join(tmp, name)
            raw = path + '.src'
            with open(raw, 'wb') as f:
                f.write(('KEMU-HOST-%-6s' % name[:6]).encode()[:16])
                f.truncate(8 * 1024 * 1024)
            subprocess.run([img_tool, 'convert', '-f', 'raw', '-O', fmt, raw,
                            path], check=True)
            os.unlink(raw)
            disks[name] = (path, fmt)
        sock = os.path.join(tmp, 'qmp.sock')
        overlay = os.path.join(tmp, 'v0-overlay.qcow2')
        g = Guest(kemu, guest_dir, 'kemu.test=disk',
                  ['-S', '-qmp', 'unix:%s,server=on,wait=off' % sock,
                   '-drive', 'file=%s,format=qcow2,if=ide,index=0' %
                   disks['d0.qcow2'][0],
                   '-drive', 'file=%s,format=raw,if=none,id=h1' %
                   disks['d1.raw'][0],
                   '-device', 'ide-hd,drive=h1,bus=ide.0,unit=1',
                   '-drive', 'file=%s,format=raw,if=ide,index=2,media=cdrom'
                   % disks['cd.iso'][0],
                   '-drive', 'file=%s,format=qcow2,if=virtio' %
                   disks['v0.qcow2'][0],
                   '-drive', 'file=%s,format=raw,if=none,id=vd1' %
                   disks['v1.raw'][0],
                   '-device', 'virtio-blk-pci,drive=vd1,serial=kemu-vd1'])
        conn = qmp_connect(sock, 30)
        q = Qmp(*conn) if conn else None
        snap = None
        if q:
            q.execute('qmp_capabilities')
            snap = q.execute('human-monitor-command', **{
                'command-line': 'snapshot_blkdev virtio0 ' + overlay})
            q.execute('cont')
        ok = g.wait_for('GUEST-DISK-DONE') is not None
        resized = None
        if ok and q:
            resized = q.execute('block_resize', device='vd1', size=12 << 20)
        rc = g.wait_exit()
        out = '\n'.join(l for l in g.lines if l)
        print(out[-3000:])
        failures = []
        if not ok or rc != 0:
            failures.append('guest did not finish (exit %s)' % rc)
        # Device names depend on probe order: find each image by its pattern.
        names = {}
        for line in out.split('\n'):
            w = line.split()
            if len(w) >= 4 and w[0] == 'GUEST-DISK':
                names[w[3]] = w[1]
        kinds = {'d0.qcow2': 'sd', 'd1.raw': 'sd', 'cd.iso': 'sr',
                 'v0.qcow2': 'vd', 'v1.raw': 'vd'}
        for name, kind in kinds.items():
            dev = names.get(('KEMU-HOST-%-6s' % name[:6])[:16])
            if not dev or not dev.startswith(kind):
                failures.append('%s: host pattern not seen on a %s device'
                                % (name, kind))
        if 'GUEST-DISK-SERIAL %s kemu-vd1' % names.get('KEMU-HOST-v1.raw') \
                not in out:
            failures.append('v1.raw: serial kemu-vd1 not seen')
        if resized != {'return': {}} or 'GUEST-DISK-RESIZED %s %d' % (
                names.get('KEMU-HOST-v1.raw'), (12 << 20) // 512) not in out:
            failures.append('block_resize of vd1 to 12 MiB (%r) not seen by '
                            'the guest' % resized)
        if snap != {'return': ''}:
            failures.append('snapshot_blkdev: %r' % snap)
        # The overlay holds the guest's writes to v0; v0.qcow2 keeps the
        # host's sector 0 and nothing at 1 MiB.
        disks['v0-overlay'] = (overlay, 'qcow2')
        images = [('d0.qcow2', 'd0.qcow2'), ('d1.raw', 'd1.raw'),
                  ('v0.qcow2', 'v0-overlay'), ('v1.raw', 'v1.raw')]
        for name, image in images:
            path, fmt = disks[image]
            dev = names.get(('KEMU-HOST-%-6s' % name[:6])[:16], '?')
            back = path + '.back'
            tool = shutil.which('qemu-img') or img_tool
            subprocess.run([tool, 'convert', '-f', fmt, '-O', 'raw', path,
                            back], check=True)
            with open(back, 'rb') as f:
                f.seek(1024 * 1024)
                data = f.read(16)
            want = ('KEMU-GUEST-%s\n' % dev).encode()
            if not data.startswith(want):
                failures.append('%s: guest pattern missing (%r)' % (image,
                                                                   data))
            if image == 'v0-overlay':
                base = disks['v0.qcow2'][0]
                subprocess.run([tool, 'convert', '-f', 'qcow2', '-O', 'raw',
                                base, back], check=True)
                with open(back, 'rb') as f:
                    host = f.read(16)
                    f.seek(1024 * 1024)
                    data = f.read(16)
                if data.strip(b'\0') or not host.startswith(b'KEMU-HOST'):
                    failures.append('v0.qcow2 under the overlay changed: '
                                    '%r %r' % (host, data))
            if fmt == 'qcow2' and shutil.which('qemu-img'):
                p = subprocess.run(['qemu-img', 'check', path],
                                   stdout=subprocess.PIPE,
                                   universal_newlines=True)
                if p.returncode != 0:
                    failures.append('qemu-img check: ' + p.stdout)
        for f in failures:
            print('FAIL: ' + f)
        return 1 if failures else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
