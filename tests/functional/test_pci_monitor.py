#!/usr/bin/env python3
"""query-pci and `info pci` against QEMU 7.2 for the same command line.

    test_pci_monitor.py KEMU_BINARY [QEMU_BINARY]

Both run -nodefaults -S with -device virtio-rng-pci,id=rng0 and
-device pci-testdev,addr=5; their query-pci replies and `info pci` texts
must be equal (QEMU's PIIX3 IDE function 00:01.1 is left out if kemu
has none).  Bad -device placements give QEMU's errors and status.  Without QEMU the test is skipped (exit 77).
"""
import json
import shutil
import subprocess
import sys

SKIP = 77
ARGS = ['-nodefaults', '-S', '-display', 'none', '-qmp', 'stdio',
        '-device', 'virtio-rng-pci,id=rng0', '-device', 'pci-testdev,addr=5']


def qmp_session(binary):
    """The replies to query-pci and to `info pci`, in that order."""
    cmds = [{'execute': 'qmp_capabilities'},
            {'execute': 'query-pci'},
            {'execute': 'human-monitor-command',
             'arguments': {'command-line': 'info pci'}},
            {'execute': 'quit'}]
    p = subprocess.run([binary, '-accel', 'tcg'] + ARGS,
                       input=''.join(json.dumps(c) + '\n' for c in cmds),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=60)
    replies = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    returns = [r['return'] for r in replies if 'return' in r]
    if len(returns) < 3:
        print(p.stdout, p.stderr)
        raise SystemExit('FAIL: %s did not answer' % binary)
    return returns[1], returns[2]


def drop_ide_json(buses):
    for b in buses:
        b['devices'] = [d for d in b['devices']
                        if not (d['slot'] == 1 and d['function'] == 1)]
    return buses


def drop_ide_text(text):
    blocks, cur = [], []
    for line in text.splitlines(keepends=True):
        if line.startswith('  Bus ') and cur:
            blocks.append(cur)
            cur = []
        cur.append(line)
    if cur:
        blocks.append(cur)
    return ''.join(''.join(b) for b in blocks
                   if 'device   1, function 1:' not in b[0])


BAD_DEVICES = ['pci-testdev,addr=0', 'pci-testdev,addr=0x20',
               'pci-testdev,addr=zz', 'pci-testdev,bus=isa.0',
               'virtio-rng-pci,disable-legacy=on,disable-modern=on']


def cli_error(binary, device):
    """The first line of stderr for a bad -device, program name removed."""
    p = subprocess.run([binary, '-nodefaults', '-S', '-display', 'none',
                        '-device', device], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=30)
    first = (p.stderr.splitlines() or [''])[0]
    return p.returncode, first.split(': ', 1)[-1]


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    qemu = sys.argv[2] if len(sys.argv) > 2 else \
        shutil.which('qemu-system-x86_64')
    if not qemu:
        print('SKIP: no qemu-system-x86_64 to compare with')
        return SKIP
    kj, kt = qmp_session(sys.argv[1])
    qj, qt = qmp_session(qemu)
    if not any(d['slot'] == 1 and d['function'] == 1
               for d in kj[0]['devices']):
        qj, qt = drop_ide_json(qj), drop_ide_text(qt)
    if kj != qj:
        print('kemu:', json.dumps(kj, indent=1, sort_keys=True))
        print('qemu:', json.dumps(qj, indent=1, sort_keys=True))
        print('FAIL: query-pci differs')
        return 1
    if kt != qt:
        print('kemu:\n' + kt + '\nqemu:\n' + qt)
        print('FAIL: info pci differs')
        return 1
    for dev in BAD_DEVICES:
        k, q = cli_error(sys.argv[1], dev), cli_error(qemu, dev)
        if k != q:
            print('FAIL: -device %s: kemu %r, QEMU %r' % (dev, k, q))
            return 1
    print('ok: query-pci and info pci as QEMU 7.2 (%d functions), '
          '%d -device errors' % (len(kj[0]['devices']), len(BAD_DEVICES)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
