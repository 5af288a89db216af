#!/usr/bin/env python3
"""`make bench`: user-mode networking throughput, guest <-> host.

    bench-net.py KEMU_BINARY GUEST_BUILDER [RUNS] [MIB]

Boots the Linux test guest (tests/functional/test_net.py's linux
scenario) on each NIC model under kemu and, when installed, QEMU's TCG:
MIB MiB (default 64) host->guest (wget from an HTTP server on the host
through the slirp gateway) and guest->host (busybox nc to a host socket),
bytes checked.  RUNS rounds (default 3), kemu and QEMU interleaved in
each so both see the same machine load; prints each run's MiB/s and the
median per cell.
"""
import os
import re
import shutil
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TEST = os.path.join(HERE, '..', 'tests', 'functional', 'test_net.py')
LINE = re.compile(r'throughput (host->guest|guest->host) \(.*\): '
                  r'([0-9.]+) MiB/s')
DIRS = ('host->guest', 'guest->host')


def run(binary, builder, nic, mib):
    env = dict(os.environ, KEMU_NET_MIB=str(mib))
    p = subprocess.run([sys.executable, TEST, binary, builder, 'linux', nic],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True, timeout=1800, env=env)
    res = {}
    for m in LINE.finditer(p.stdout):
        res[m.group(1)] = float(m.group(2))
    if p.returncode != 0 or 'FAIL' in p.stdout:
        res['failed'] = True
    return res


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    kemu, builder = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    mib = int(sys.argv[4]) if len(sys.argv) > 4 else 64
    emus = [('kemu', kemu)]
    qemu = shutil.which('qemu-system-x86_64')
    if qemu:
        emus.append(('qemu', qemu))
    cells = {}
    for r in range(runs):
        for nic in ('e1000', 'virtio-net-pci'):
            for name, binary in emus:
                res = run(binary, builder, nic, mib)
                cell = cells.setdefault((name, nic), {'failed': False})
                cell['failed'] |= res.pop('failed', False)
                for k, v in res.items():
                    cell.setdefault(k, []).append(v)
                print('run %d %-5s %-15s %s' % (
                    r + 1, name, nic, ' '.join('%s %s' % (d, res.get(d, '-'))
                                               for d in DIRS)), flush=True)
    print('%d MiB each way, median of %d runs (MiB/s)' % (mib, runs))
    print('%-8s %-16s %17s %17s' % ('emulator', 'nic', 'host->guest',
                                     'guest->host'))
    for nic in ('e1000', 'virtio-net-pci'):
        for name, _ in emus:
            cell = cells[(name, nic)]
            med = ['%.1f' % statistics.median(cell[d]) if cell.get(d) else '-'
                   for d in DIRS]
            print('%-8s %-16s %17s %17s%s' % (
                name, nic, med[0], med[1],
                '  (FAILED)' if cell['failed'] else ''), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
