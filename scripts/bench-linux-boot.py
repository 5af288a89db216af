#!/usr/bin/env python3
"""Time from process start to the Linux test guest's GUEST-INIT-OK marker,
kemu next to QEMU's TCG with the same kernel, initramfs, -m and -smp.

    bench-linux-boot.py KEMU GUEST_DIR [RUNS]

Prints one line per emulator: median and all wall times in seconds, then
the ratio kemu/QEMU of the medians.  Each run is killed at the marker.
BENCH_BOOT_NODEFAULTS=1 adds -nodefaults to both (issue 9's setting).
"""
import os
import shutil
import statistics
import subprocess
import sys
import time

TIMEOUT = 300


def boot_time(cmd):
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for raw in p.stdout:
            if b'GUEST-INIT-OK' in raw:
                return time.monotonic() - start
            if time.monotonic() - start > TIMEOUT:
                break
        return None
    finally:
        p.kill()
        p.wait()


def main():
    kemu, guest = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    common = ['-m', '512', '-smp', '1', '-display', 'none',
              '-serial', 'stdio', '-no-reboot',
              '-kernel', os.path.join(guest, 'vmlinuz'),
              '-initrd', os.path.join(guest, 'initrd.gz'),
              '-append', 'console=ttyS0 kemu.test=poweroff']
    # BENCH_BOOT_NODEFAULTS=1: without the default VGA and NIC, as issue 9 asks
    if os.environ.get('BENCH_BOOT_NODEFAULTS') == '1':
        common.append('-nodefaults')
    emulators = [('kemu', [kemu, '-accel', 'tcg'])]
    qemu = shutil.which('qemu-system-x86_64')
    if qemu:
        emulators.append(('qemu', [qemu, '-accel', 'tcg']))
    medians = {}
    for name, base in emulators:
        times = [boot_time(base + common) for _ in range(runs)]
        ok = [t for t in times if t is not None]
        if not ok:
            print('linux-boot %-5s FAILED (no marker)' % name)
            continue
        medians[name] = statistics.median(ok)
        print('linux-boot %-5s median %6.2f s  runs: %s' % (
            name, medians[name],
            ' '.join('%.2f' % t if t else 'fail' for t in times)))
    if 'kemu' in medians and 'qemu' in medians:
        print('linux-boot kemu/qemu %.2f' % (medians['kemu'] / medians['qemu']))


if __name__ == '__main__':
    main()
