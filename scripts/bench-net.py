#!/usr/bin/env python3
"""`make bench`: user-mode networking throughput, guest <-> host.

    bench-net.py KEMU_BINARY GUEST_BUILDER [RUNS]

Boots the Linux test guest (tests/functional/test_net.py's linux
scenario) on each NIC model under kemu and, when installed, QEMU's TCG:
16 MiB host->guest (wget from an HTTP server on the host through the slirp
gateway) and guest->host (busybox nc to a host socket), bytes checked.
Prints MiB/s, the best of RUNS (default 1) per cell.
"""
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TEST = os.path.join(HERE, '..', 'tests', 'functional', 'test_net.py')
LINE = re.compile(r'throughput (host->guest|guest->host) \(.*\): '
                  r'([0-9.]+) MiB/s')


def run(binary, builder, nic):
    p = subprocess.run([sys.executable, TEST, binary, builder, 'linux', nic],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True, timeout=900)
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
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    emus = [('kemu', kemu)]
    qemu = shutil.which('qemu-system-x86_64')
    if qemu:
        emus.append(('qemu', qemu))
    print('%-8s %-16s %16s %16s' % ('emulator', 'nic', 'host->guest MiB/s',
                                     'guest->host MiB/s'))
    for nic in ('e1000', 'virtio-net-pci'):
        for name, binary in emus:
            best = {}
            failed = False
            for _ in range(runs):
                r = run(binary, builder, nic)
                failed |= r.pop('failed', False)
                for k, v in r.items():
                    best[k] = max(best.get(k, 0), v)
            print('%-8s %-16s %16s %16s%s' % (
                name, nic, best.get('host->guest', '-'),
                best.get('guest->host', '-'), '  (FAILED)' if failed else ''),
                flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
