#!/usr/bin/env python3
"""The AHCI controller (ich9-ahci, alias ahci) with a SATA disk and CD-ROM.

    test_ahci.py monitor KEMU_BINARY
    test_ahci.py linux KEMU_BINARY GUEST_BUILDER BUILD_DIR [q35]

monitor: kemu and QEMU 7.2 started -S with `-device ahci,id=ahci0`, an
ide-hd on ahci0.0 and an ide-cd on ahci0.1: the controller's query-pci
entry, its `info pci` text and its `info qtree` structure (class, BARs,
buses ahci0.0-5, which drive sits where) must be equal; `info block`
shows the same attachments; bad placements (unit=1, a 7th bus) give
QEMU's errors.  Skipped (77) without qemu-system-x86_64.

linux: a Linux guest on pc loads Linux's ahci driver, writes a file on
the qcow2 AHCI disk (kemu.ahci=write); a second boot with the same image
reads it back (kemu.ahci=read) and both boots read the ISO9660 image on
the AHCI CD-ROM (md5 and the CD001 volume descriptor); NCQ is in use;
`qemu-img check` of the image is clean afterwards.  With `q35` the same
on the q35 board's on-board AHCI (-drive if=ide index 0 and 2).
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

SKIP = 77


def make_iso(path, size=1 << 20):
    """An ISO9660-shaped image: a primary volume descriptor "KEMU_AHCI",
    the set terminator, then a deterministic pattern."""
    sec = 2048
    data = bytearray(size)
    pvd = bytearray(sec)
    pvd[0] = 1
    pvd[1:6] = b'CD001'
    pvd[6] = 1
    pvd[8:40] = b'KEMU'.ljust(32)
    pvd[40:72] = b'KEMU_AHCI'.ljust(32)
    blocks = size // sec
    pvd[80:84] = blocks.to_bytes(4, 'little')
    pvd[84:88] = blocks.to_bytes(4, 'big')
    pvd[128:130] = sec.to_bytes(2, 'little')
    pvd[130:132] = sec.to_bytes(2, 'big')
    data[16 * sec:17 * sec] = pvd
    data[17 * sec:17 * sec + 7] = b'\xffCD001\x01'
    for i in range(18 * sec, size, 16):
        data[i:i + 16] = ('AHCI-CD %07x\n' % i).encode()
    with open(path, 'wb') as f:
        f.write(data)
    return hashlib.md5(data).hexdigest()


def devargs(disk, fmt, iso, board='pc'):
    if board == 'q35':
        # the on-board ich9-ahci at 00:1f.2: -hda on port 0, -cdrom on 2
        return ['-M', 'q35',
                '-drive', 'if=ide,index=0,file=%s,format=%s' % (disk, fmt),
                '-drive', 'if=ide,index=2,media=cdrom,format=raw,file=' + iso]
    return ['-device', 'ahci,id=ahci0',
            '-drive', 'if=none,id=d0,file=%s,format=%s' % (disk, fmt),
            '-device', 'ide-hd,drive=d0,bus=ahci0.0',
            '-drive', 'if=none,id=cd0,file=%s,format=raw,media=cdrom' % iso,
            '-device', 'ide-cd,drive=cd0,bus=ahci0.1']


def session(binary, args):
    cmds = [{'execute': 'qmp_capabilities'}, {'execute': 'query-pci'}]
    for c in ('info pci', 'info qtree', 'info block'):
        cmds.append({'execute': 'human-monitor-command',
                     'arguments': {'command-line': c}})
    cmds.append({'execute': 'quit'})
    p = subprocess.run([binary, '-accel', 'tcg', '-nodefaults', '-S',
                        '-display', 'none', '-qmp', 'stdio'] + args,
                       input=''.join(json.dumps(c) + '\n' for c in cmds),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=60)
    replies = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    returns = [r['return'] for r in replies if 'return' in r]
    if len(returns) < 5:
        print(p.stdout, p.stderr)
        raise SystemExit('FAIL: %s did not answer' % binary)
    return returns[1:5]


def ahci_json(buses):
    return [d for b in buses for d in b['devices']
            if d['id']['device'] == 0x2922]


def ahci_pci_text(text):
    """The `info pci` paragraph of the SATA controller."""
    out, keep = [], False
    for line in text.splitlines():
        if line.startswith('  Bus '):
            keep = False
        if 'SATA controller' in line:
            keep = True
            out.append(prev)
        if keep:
            out.append(line)
        prev = line
    return out


def ahci_qtree(text):
    """The controller's subtree: its class and BAR lines, its buses and
    their devices with the drive each uses (properties kemu does not
    model are left out)."""
    out, indent = [], None
    for line in text.splitlines():
        depth = len(line) - len(line.lstrip())
        if 'dev: ich9-ahci' in line:
            indent = depth
        elif indent is not None and depth <= indent:
            indent = None
        if indent is None:
            continue
        s = line.strip()
        if s.startswith(('dev:', 'bus:', 'type ', 'class ', 'bar ',
                         'drive =', 'addr =')):
            out.append(line)
    return out


def attached(text):
    """Drives and their devices; automatic node names (#blockN) differ."""
    text = re.sub(r' \(#block\d+\)', '', text)
    return [l.strip() for l in text.splitlines()
            if l.startswith(('d0', 'cd0')) or 'Attached to' in l or
            'Removable device' in l]


def cli_error(binary, args):
    p = subprocess.run([binary, '-accel', 'tcg', '-nodefaults', '-S',
                        '-display', 'none', '-monitor', 'none'] + args,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True,
                       timeout=60)
    err = p.stderr.strip().split(': ', 1)[-1]
    return p.returncode, err


def test_monitor(kemu):
    qemu = shutil.which('qemu-system-x86_64')
    if not qemu:
        print('SKIP: no qemu-system-x86_64 to compare with')
        return SKIP
    tmp = tempfile.mkdtemp(prefix='kemu-ahci-mon-')
    failures = []
    try:
        disk = os.path.join(tmp, 'd.raw')
        with open(disk, 'wb') as f:
            f.truncate(16 << 20)
        iso = os.path.join(tmp, 'cd.iso')
        make_iso(iso)
        args = devargs(disk, 'raw', iso)
        k = session(kemu, args)
        q = session(qemu, args)
        checks = [('query-pci', ahci_json(k[0]), ahci_json(q[0])),
                  ('info pci', ahci_pci_text(k[1]), ahci_pci_text(q[1])),
                  ('info qtree', ahci_qtree(k[2]), ahci_qtree(q[2])),
                  ('info block', attached(k[3]), attached(q[3]))]
        for name, got, want in checks:
            print('%s:\n  %s' % (name, '\n  '.join(map(str, got))))
            if not want:
                failures.append('%s: nothing from QEMU to compare' % name)
            elif got != want:
                failures.append('%s differs from QEMU 7.2:\n%s\n%s' %
                                (name, got, want))
        # Bad placements: QEMU's messages and exit status.
        for bad in (['-device', 'ide-hd,drive=d0,bus=ahci0.0,unit=1'],
                    ['-device', 'ide-hd,drive=d0,bus=ahci0.6'],
                    ['-device', 'ide-hd,drive=d0,bus=ahci0.0',
                     '-drive', 'if=none,id=d1,file=%s,format=raw' % disk,
                     '-device', 'ide-hd,drive=d1,bus=ahci0.0']):
            a = ['-device', 'ahci,id=ahci0', '-drive',
                 'if=none,id=d0,file=%s,format=raw,file.locking=off' % disk]
            a += bad
            got, want = cli_error(kemu, a), cli_error(qemu, a)
            print('error %s: %r' % (' '.join(bad[1::2]), got))
            if got != want or got[0] == 0:
                failures.append('%s: %r, QEMU %r' % (bad, got, want))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print('FAIL: ' + f)
    return 1 if failures else 0


def test_linux(kemu, builder, build, board='pc'):
    from test_linux import Guest, build_guest                # noqa: E402
    guest_dir = build_guest(builder)
    tmp = tempfile.mkdtemp(prefix='kemu-ahci-')
    failures = []
    try:
        disk = os.path.join(tmp, 'd.qcow2')
        subprocess.run([os.path.join(build, 'kemu-img'), 'create', '-f',
                        'qcow2', disk, '64M'], check=True,
                       stdout=subprocess.DEVNULL)
        iso = os.path.join(tmp, 'cd.iso')
        iso_md5 = make_iso(iso)
        outs = {}
        for phase in ('write', 'read'):
            g = Guest(kemu, guest_dir, 'kemu.test=ahci kemu.ahci=' + phase,
                      devargs(disk, 'qcow2', iso, board))
            ok = g.wait_for('GUEST-AHCI-DONE') is not None
            rc = g.wait_exit()
            out = [l for l in g.lines if l and l.startswith('GUEST-AHCI')]
            print('\n'.join(out))
            outs[phase] = out
            if not ok or rc != 0:
                failures.append('%s boot did not finish (exit %s)' %
                                (phase, rc))
            words = {l.split()[0]: l.split()[1:] for l in out}
            dev = [l.split()[1:] for l in out if l.startswith(
                'GUEST-AHCI-DEV sda')]
            if not dev or dev[0][1:3] != ['131072', 'ahci']:
                failures.append('%s: no 64 MiB disk sda on the ahci driver: '
                                '%r' % (phase, dev))
            if not any(l.startswith('GUEST-AHCI-DEV sr0') and
                       l.split()[3] == 'ahci' for l in out):
                failures.append('%s: no CD-ROM sr0 on the ahci driver' % phase)
            cd = words.get('GUEST-AHCI-CD', [])
            if cd != ['sr0', str((1 << 20) // 512), iso_md5, 'CD001']:
                failures.append('%s: CD-ROM read %r, want md5 %s' %
                                (phase, cd, iso_md5))
            if words.get('GUEST-AHCI-NCQ') != ['32']:
                failures.append('%s: NCQ queue depth %r' %
                                (phase, words.get('GUEST-AHCI-NCQ')))
        wrote = dict((l.split()[0], l.split()[1:]) for l in outs['write'])
        read = dict((l.split()[0], l.split()[1:]) for l in outs['read'])
        w, r = wrote.get('GUEST-AHCI-WROTE'), read.get('GUEST-AHCI-READ')
        if not w or not r or r != w + [w[1]]:
            failures.append('file written %r, read back after restart %r' %
                            (w, r))
        img = shutil.which('qemu-img') or os.path.join(build, 'kemu-img')
        p = subprocess.run([img, 'check', disk], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True)
        print(p.stdout)
        if p.returncode != 0 or 'No errors were found' not in p.stdout:
            failures.append('qemu-img check: ' + p.stdout)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print('FAIL: ' + f)
    return 1 if failures else 0


def main():
    if sys.argv[1] == 'monitor':
        return test_monitor(sys.argv[2])
    return test_linux(*sys.argv[2:6])


if __name__ == '__main__':
    sys.exit(main())
