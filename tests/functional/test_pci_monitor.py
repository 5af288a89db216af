#!/usr/bin/env python3
"""query-pci and `info pci` against QEMU 7.2 for the same command line.

    test_pci_monitor.py KEMU_BINARY [QEMU_BINARY] [--guest ELF]

Both run -nodefaults -S with -device virtio-rng-pci,id=rng0 and
-device pci-testdev,addr=5; their query-pci replies and `info pci` texts
must be equal (QEMU's PIIX3 IDE function 00:01.1 is left out if kemu
has none).  Bad -device placements give QEMU's errors and status.  Without QEMU the test is skipped (exit 77).

With --guest, both also boot that multiboot image with -kernel and a VGA,
an e1000, a virtio-blk, a virtio-rng and a pci-testdev: QEMU's SeaBIOS
assigns the BARs and Interrupt Lines, kemu (no firmware) must put them at
the same addresses.  QEMU's BAR6 lines (option ROMs kemu's models do not
have) are left out.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_net import VM                                 # noqa: E402

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


BOOT_ARGS = ['-m', '128', '-serial', 'none', '-device', 'VGA', '-device', 'e1000',
             '-drive', 'if=none,id=d0,file=/dev/null,format=raw',
             '-device', 'virtio-blk-pci,drive=d0', '-device', 'virtio-rng-pci',
             '-device', 'pci-testdev']
UNASSIGNED = re.compile(r'BAR[0-5]: .* at 0xffffffffffffffff')


def booted_info_pci(binary, guest):
    """`info pci` once the firmware (if any) has placed every BAR."""
    with tempfile.TemporaryDirectory() as tmp:
        vm = VM(binary, ['-kernel', guest] + BOOT_ARGS, tmp)
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if not UNASSIGNED.search(vm.qmp.hmp('info pci')):
                    break
                time.sleep(0.2)
            time.sleep(0.5)     # let the firmware finish (COMMAND, ROM BARs)
            text = vm.qmp.hmp('info pci')
        finally:
            vm.stop()
    return ''.join(l for l in text.splitlines(keepends=True)
                   if 'BAR6:' not in l)


def main():
    guest = None
    if '--guest' in sys.argv:
        i = sys.argv.index('--guest')
        guest = sys.argv[i + 1]
        del sys.argv[i:i + 2]
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
    if guest:
        kt, qt = booted_info_pci(sys.argv[1], guest), \
            booted_info_pci(qemu, guest)
        if kt != qt or UNASSIGNED.search(kt):
            print('kemu:\n' + kt + '\nqemu:\n' + qt)
            print('FAIL: info pci after -kernel differs (BARs placed by '
                  'SeaBIOS under QEMU)')
            return 1
        print('ok: BARs and Interrupt Lines after -kernel as QEMU\'s SeaBIOS '
              'places them (%d BARs)' % kt.count('BAR'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
