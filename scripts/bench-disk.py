#!/usr/bin/env python3
"""`make bench`: guest sequential disk throughput, kemu next to QEMU's TCG.

    bench-disk.py KEMU_BINARY GUEST_BUILDER [RUNS]

Boots the Linux test guest with kemu.test=diskbench
(tests/guests/linux/tests/diskbench.sh: dd of 64 MiB to and from the disk,
1 MiB blocks, write with a final fsync, read after dropping the page
cache) on a fresh 128 MiB raw image, as a virtio-blk disk and as an IDE
disk, under kemu and (when installed) qemu-system-x86_64 -accel tcg with
the same kernel, initrd and options.  Runs alternate between the two
emulators so both see the same machine load.  The guest times each phase
with the kernel's nanosecond clock (/proc/uptime has 10 ms steps).
Prints MiB/s, the median of RUNS (default 5) per cell, and the guest's
CPU-only dd baseline (256 MiB /dev/zero -> /dev/null) that shows how fast
each emulator's CPU is.
"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

KERNEL_ARGS = 'console=ttyS0 no_timer_check kemu.test=diskbench'
LINE = re.compile(r'GUEST-DISKBENCH (memcpy-baseline|write|read) ([0-9.]+)')
MIB = {'memcpy-baseline': 256, 'write': 64, 'read': 64}


def guest_dir(builder):
    p = subprocess.run([builder], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, universal_newlines=True)
    return p.stdout.strip().split('\n')[-1] if p.returncode == 0 else None


def run(binary, gdir, iface, tmp):
    """One boot: {'write': MiB/s, 'read': ..., 'memcpy-baseline': ...}."""
    img = os.path.join(tmp, 'disk.raw')
    with open(img, 'wb') as f:
        f.truncate(128 << 20)
    args = [binary, '-accel', 'tcg', '-m', '512',
            '-kernel', os.path.join(gdir, 'vmlinuz'),
            '-initrd', os.path.join(gdir, 'initrd.gz'),
            '-append', KERNEL_ARGS, '-display', 'none', '-serial', 'stdio',
            '-no-reboot', '-nodefaults',
            '-drive', 'file=%s,format=raw,if=%s' % (img, iface)]
    try:
        p = subprocess.run(args, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True, errors='replace',
                           timeout=600)
        out = p.stdout
    except subprocess.TimeoutExpired:
        return {}
    res = {}
    for m in LINE.finditer(out):
        secs = float(m.group(2))
        if secs > 0:
            res[m.group(1)] = MIB[m.group(1)] / secs
    return res


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    kemu, builder = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    gdir = guest_dir(builder)
    if not gdir:
        print('disk: the test guest could not be built (apt); skipped')
        return 0
    emus = [('kemu', kemu)]
    qemu = shutil.which('qemu-system-x86_64')
    if qemu:
        emus.append(('qemu', qemu))
    print('%-8s %-7s %14s %13s %18s' % ('emulator', 'disk', 'write MiB/s',
                                         'read MiB/s', 'cpu-dd MiB/s'))
    tmp = tempfile.mkdtemp(prefix='kemu-bench-disk-', dir='/var/tmp')
    try:
        for iface in ('virtio', 'ide'):
            samples = {name: {} for name, _ in emus}
            for _ in range(runs):
                for name, binary in emus:
                    for k, v in run(binary, gdir, iface, tmp).items():
                        samples[name].setdefault(k, []).append(v)
            for name, _ in emus:
                s = samples[name]
                cell = ['%.1f' % statistics.median(s[k]) if s.get(k)
                        else 'FAILED' for k in ('write', 'read',
                                                'memcpy-baseline')]
                print('%-8s %-7s %14s %13s %18s' % (name, iface, *cell),
                      flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
