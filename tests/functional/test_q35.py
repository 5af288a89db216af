#!/usr/bin/env python3
"""The q35 machine (-machine q35 / -M pc-q35-7.2), one scenario per run.

    test_q35.py KEMU_BINARY monitor [QEMU_BINARY]
    test_q35.py KEMU_BINARY linux GUEST_BUILDER
    test_q35.py KEMU_BINARY powerdown GUEST_BUILDER

monitor: -machine help lists q35 and pc-q35-7.2 exactly as QEMU 7.2 does
  (pc stays the default); query-machines has the q35 entry, alias q35;
  query-pci and `info pci` of -M q35 -nodefaults -S with a virtio-blk-pci
  equal QEMU's, with the on-board SATA function 00:1f.2 (ich9-ahci);
  -hda / -cdrom / if=ide drives sit on its ports with QEMU's names and
  errors; -M pc is unchanged (PIIX3 at 00:01.0, no MCH).  Without QEMU
  the comparisons are skipped, the rest still runs.
linux: Debian's kernel boots on q35 with a virtio-blk disk and -nic user,
  uses the ECAM window (MMCONFIG in dmesg and /proc/iomem), sees 4096
  bytes of configuration space at 00:00.0 and the LPC at 00:1f.0, writes
  and reads back the disk, gets 10.0.2.15 by DHCP with the e1000's INTx on
  an IOAPIC input 16-23 (PIRQ routing), runs SMBus transactions on the
  ICH9-SMB through /dev/port, then `poweroff` (ACPI S5) ends
  kemu with status 0.
powerdown: system_powerdown over QMP presses the ICH9 ACPI power button;
  the guest powers off, status 0.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_linux                                       # noqa: E402
from test_linux import Terminal, BOOT_TIMEOUT, KERNEL_ARGS  # noqa: E402

SKIP = 77


def fail(msg):
    print('FAIL: ' + msg)
    sys.exit(1)


# ---- monitor ----

def machine_help(binary):
    p = subprocess.run([binary, '-machine', 'help'], stdout=subprocess.PIPE,
                       universal_newlines=True, timeout=30)
    return p.stdout.splitlines()


def qmp_run(binary, args, cmds):
    cmds = [{'execute': 'qmp_capabilities'}] + cmds + [{'execute': 'quit'}]
    p = subprocess.run([binary, '-accel', 'tcg', '-display', 'none', '-S',
                        '-qmp', 'stdio'] + args,
                       input=''.join(json.dumps(c) + '\n' for c in cmds),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=60)
    replies = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    returns = [r.get('return', r.get('error')) for r in replies
               if 'return' in r or 'error' in r]
    if len(returns) < len(cmds):
        print(p.stdout, p.stderr)
        fail('%s %s did not answer' % (binary, ' '.join(args)))
    return returns[1:-1]


PCI_ARGS = ['-M', 'q35', '-nodefaults',
            '-drive', 'if=none,id=d0,file=/dev/null,format=raw',
            '-device', 'virtio-blk-pci,drive=d0,id=vd0']
PCI_CMDS = [{'execute': 'query-pci'},
            {'execute': 'human-monitor-command',
             'arguments': {'command-line': 'info pci'}}]


def scenario_monitor(kemu, qemu):
    lines = machine_help(kemu)
    want = ['q35                  Standard PC (Q35 + ICH9, 2009) '
            '(alias of pc-q35-7.2)',
            'pc-q35-7.2           Standard PC (Q35 + ICH9, 2009)']
    for w in want:
        if w not in lines:
            fail('-machine help lacks %r' % w)
    if not any(l.startswith('pc-i440fx-7.2') and l.endswith('(default)')
               for l in lines):
        fail('pc-i440fx-7.2 is no longer the default')
    if qemu:
        qlines = machine_help(qemu)
        for w in want:
            if w not in qlines:
                fail('QEMU lists no %r: reference changed?' % w)
        # same relative order of the pc and q35 families as QEMU
        order = [l.split()[0] for l in lines if l.split()[0] in
                 ('pc', 'pc-i440fx-7.2', 'q35', 'pc-q35-7.2')]
        qorder = [l.split()[0] for l in qlines if l.split()[0] in
                  ('pc', 'pc-i440fx-7.2', 'q35', 'pc-q35-7.2')]
        if order != qorder:
            fail('-machine help order %r, QEMU %r' % (order, qorder))
    print('ok: -machine help')

    machines, cur = qmp_run(kemu, ['-M', 'q35'],
                            [{'execute': 'query-machines'},
                             {'execute': 'query-current-machine'}])
    q35 = [m for m in machines if m['name'] == 'pc-q35-7.2']
    if len(q35) != 1 or q35[0].get('alias') != 'q35' or \
            q35[0].get('is-default') or q35[0]['cpu-max'] != 288:
        fail('query-machines q35 entry: %r' % q35)
    default = [m['name'] for m in machines if m.get('is-default')]
    if default != ['pc-i440fx-7.2']:
        fail('default machine %r' % default)
    if 'wakeup-suspend-support' not in cur:
        fail('query-current-machine: %r' % cur)
    print('ok: query-machines')

    kpci, ktext = qmp_run(kemu, PCI_ARGS, PCI_CMDS)
    devs = [(d['slot'], d['function'], d['id']['vendor'], d['id']['device'])
            for d in kpci[0]['devices']]
    for want in [(0, 0, 0x8086, 0x29c0), (31, 0, 0x8086, 0x2918),
                 (1, 0, 0x1af4, 0x1001)]:
        if want not in devs:
            fail('query-pci has no %r: %r' % (want, devs))
    if qemu:
        qpci, qtext = qmp_run(qemu, PCI_ARGS, PCI_CMDS)
        if qpci != kpci:
            print(json.dumps(qpci, indent=1, sort_keys=True))
            print(json.dumps(kpci, indent=1, sort_keys=True))
            fail('query-pci differs from QEMU 7.2')
        if qtext != ktext:
            print(qtext)
            print(ktext)
            fail('info pci differs from QEMU 7.2')
        print('ok: query-pci and info pci equal QEMU 7.2')

    # default VGA, -nic user and an if=virtio drive take QEMU's slots
    slot_args = ['-M', 'q35', '-nic', 'user', '-drive',
                 'if=virtio,file=/dev/null,format=raw']
    kslots = [(d['slot'], d['function'], d['class_info']['class'])
              for d in qmp_run(kemu, slot_args,
                               [{'execute': 'query-pci'}])[0][0]['devices']]
    if kslots[:4] != [(0, 0, 0x600), (1, 0, 0x300), (2, 0, 0x200),
                      (3, 0, 0x100)]:
        fail('default device slots %r' % kslots)
    if qemu:
        qslots = [(d['slot'], d['function'], d['class_info']['class'])
                  for d in qmp_run(qemu, slot_args,
                                   [{'execute': 'query-pci'}])[0][0]['devices']]
        if qslots != kslots:
            fail('slots %r, QEMU %r' % (kslots, qslots))
    print('ok: VGA, NIC and virtio-blk slots as QEMU')
    # the same order on pc: VGA 2, NIC 3, virtio disk 4 (a guest's NIC
    # name, e.g. ens3, depends on it)
    pc_args = ['-M', 'pc'] + slot_args[2:]
    pslots = [(d['slot'], d['function'], d['class_info']['class'])
              for d in qmp_run(kemu, pc_args,
                               [{'execute': 'query-pci'}])[0][0]['devices']]
    if [x for x in pslots if x[0] >= 2] != [(2, 0, 0x300), (3, 0, 0x200),
                                            (4, 0, 0x100)]:
        fail('pc default device slots %r' % pslots)
    if qemu:
        qslots = [(d['slot'], d['function'], d['class_info']['class'])
                  for d in qmp_run(qemu, pc_args,
                                   [{'execute': 'query-pci'}])[0][0]['devices']]
        if qslots != pslots:
            fail('pc slots %r, QEMU %r' % (pslots, qslots))
    print('ok: pc: VGA, NIC and virtio-blk slots as QEMU')

    mtree, = qmp_run(kemu, PCI_ARGS, [
        {'execute': 'human-monitor-command',
         'arguments': {'command-line': 'info qtree'}}])
    for w in ['dev: q35-pcihost', 'bus: pcie.0', 'dev: mch',
              'dev: ICH9-LPC', 'bus: isa.0']:
        if w not in mtree:
            fail('info qtree lacks %r' % w)
    print('ok: info qtree')

    pc, = qmp_run(kemu, ['-nodefaults'], [{'execute': 'query-pci'}])
    pcdevs = [(d['slot'], d['function'], d['id']['device'])
              for d in pc[0]['devices']]
    if (0, 0, 0x1237) not in pcdevs or (1, 0, 0x7000) not in pcdevs:
        fail('-M pc changed: %r' % pcdevs)

    # -hda, -cdrom and if=ide index 5 on the on-board AHCI's ports 0, 2
    # and 5 (one unit per bus): QEMU's drive names and errors
    with tempfile.TemporaryDirectory() as tmp:
        imgs = []
        for n in ('hd.img', 'cd.iso', 'five.img'):
            imgs.append(os.path.join(tmp, n))
            with open(imgs[-1], 'wb') as f:
                f.truncate(1 << 20)
        ide_args = ['-M', 'q35', '-hda', imgs[0], '-cdrom', imgs[1],
                    '-drive', 'if=ide,index=5,format=raw,file=' + imgs[2]]
        blk, = qmp_run(kemu, ide_args, [{'execute': 'query-block'}])
        names = [(b['device'], b.get('inserted', {}).get('file'))
                 for b in blk]
        want = [('ide0-hd0', imgs[0]), ('ide2-cd0', imgs[1]),
                ('ide5-hd0', imgs[2])]
        if names[:3] != want:
            fail('q35 if=ide drives %r, want %r' % (names, want))
        tree, = qmp_run(kemu, ide_args, [
            {'execute': 'human-monitor-command',
             'arguments': {'command-line': 'info qtree'}}])
        for w in ['dev: ich9-ahci', 'bus: ide.0', 'bus: ide.5',
                  'dev: ide-cd']:
            if w not in tree:
                fail('info qtree on q35 lacks %r' % w)
        for bad, msg in [
                ('if=ide,index=6', 'machine type does not support '
                 'if=ide,bus=6,unit=0'),
                ('if=ide,bus=0,unit=1', 'unit 1 too big (max is 0)')]:
            for emu in [kemu] + ([qemu] if qemu else []):
                p = subprocess.run([emu, '-M', 'q35', '-display', 'none',
                                    '-S', '-drive', '%s,format=raw,file=%s'
                                    % (bad, imgs[2])],
                                   stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE,
                                   universal_newlines=True, timeout=30)
                if p.returncode != 1 or msg not in p.stderr:
                    fail('%s -drive %s: status %d, %r' % (
                        emu, bad, p.returncode, p.stderr))
    print('ok: -hda/-cdrom/if=ide on the q35 AHCI as QEMU')


# ---- Linux ----

def scenario_linux(kemu, guest_dir):
    with tempfile.TemporaryDirectory(prefix='kemu-q35-') as tmp:
        disk = os.path.join(tmp, 'disk.raw')
        with open(disk, 'wb') as f:
            f.truncate(16 << 20)
        t = Terminal([kemu, '-M', 'q35', '-accel', 'tcg', '-m', '512',
                      '-kernel', os.path.join(guest_dir, 'vmlinuz'),
                      '-initrd', os.path.join(guest_dir, 'initrd.gz'),
                      '-append', KERNEL_ARGS, '-display', 'none',
                      '-serial', 'stdio', '-monitor', 'none', '-no-reboot',
                      '-drive', 'file=%s,format=raw,if=virtio' % disk,
                      '-nic', 'user'], tmp)

        def run(cmd, expect, timeout=60):
            t.type(cmd + '\r')
            if not t.wait_for(expect, timeout):
                t.fail('%r did not print %r' % (cmd, expect))

        if not t.wait_for('kemu test guest: busybox shell', BOOT_TIMEOUT):
            t.fail('no shell banner')
        boot = t.buf.decode('utf-8', 'replace')
        for w in ['ACPI: MCFG ',
                  'PCI: MMCONFIG for domain 0000 [bus 00-ff] at '
                  '[mem 0xb0000000-0xbfffffff] (base 0xb0000000)',
                  'PCI: MMCONFIG at [mem 0xb0000000-0xbfffffff] reserved',
                  'ACPI: PCI Root Bridge [PCI0] (domain 0000 [bus 00-ff])',
                  'pci 0000:00:00.0: [8086:29c0] type 00 class 0x060000',
                  'pci 0000:00:1f.0: [8086:2918] type 00 class 0x060100',
                  'ACPI: PM-Timer IO Port: 0x608',
                  # QEMU 7.2's windows and SMBus BAR for -m 512
                  'root bus resource [mem 0x20000000-0xafffffff window]',
                  'root bus resource [mem 0xc0000000-0xfebfffff window]',
                  'root bus resource [mem 0x100000000-0x8ffffffff window]',
                  'pci 0000:00:1f.3: [8086:2930] type 00 class 0x0c0500',
                  'pci 0000:00:1f.3: BAR 4 [io  0x0700-0x073f]']:
            if w not in boot:
                t.fail('boot log lacks %r' % w)
        run('modprobe virtio_pci; modprobe virtio_blk; modprobe e1000; '
            'echo MOD-$?', 'MOD-0')
        run('wc -c < /sys/bus/pci/devices/0000:00:00.0/config | '
            'sed s/^/CFG-/', 'CFG-4096')
        run('cat /sys/bus/pci/devices/0000:00:1f.0/vendor '
            '/sys/bus/pci/devices/0000:00:1f.0/device | tr "\\n" -',
            '0x8086-0x2918-')
        run('grep -c "PCI MMCONFIG 0000 \\[bus 00-ff\\]" /proc/iomem | '
            'sed s/^/IOMEM-/', 'IOMEM-1')
        run('echo q35-disk-ok | dd of=/dev/vda bs=512 count=1 conv=sync '
            '2>/dev/null; sync; echo 3 > /proc/sys/vm/drop_caches; '
            'dd if=/dev/vda bs=11 count=1 2>/dev/null | sed s/^/READ-/; echo',
            'READ-q35-disk-ok')
        run('ip link set eth0 up; udhcpc -i eth0 -n -q '
            '-s /tests/udhcpc-script.sh >/dev/null 2>&1; '
            'ip -4 addr show eth0 | grep -o "inet [0-9.]*" | '
            'sed s/^/ADDR-/', 'ADDR-inet 10.0.2.15')
        # e1000 INTx: PIRQ E-H of slot 2 are GSIs 16-23 through the IOAPIC
        # (the marker is computed so that the echoed command cannot match)
        run('echo INTX-$(grep eth0 /proc/interrupts | '
            'sed -n "s/.*IO-APIC *\\([0-9]*\\)-fasteoi.*/\\1/p")'
            '-END$((40+2))', 'END42')
        m = re.search(rb'INTX-([0-9]+)-END42', t.buf)
        if not m or not 16 <= int(m.group(1)) <= 23:
            t.fail('e1000 INTx not on an IOAPIC input 16-23')
        run('grep eth0 /proc/interrupts | awk \'{print "IRQS-" ($2>0)}\'',
            'IRQS-1')
        # SMBus host at 0x700 through /dev/port: write byte 0x5a to SPD
        # 0x50 offset 0x10 and read it back (INTR), then an absent slave
        # 0x30 (DEV_ERR)
        run('smb() { printf "\\x$2" | dd of=/dev/port bs=1 '
            'seek=$(($1)) count=1 2>/dev/null; }; '
            'rd() { dd if=/dev/port bs=1 skip=$(($1)) count=1 2>/dev/null '
            '| od -An -tx1 | tr -d " "; }; echo FN-$((40+2))', 'FN-42')
        run('smb 0x700 ff; smb 0x704 a0; smb 0x703 10; smb 0x705 5a; '
            'smb 0x702 48; smb 0x700 ff; smb 0x705 00; smb 0x704 a1; '
            'smb 0x702 48; echo SMB-$(rd 0x700)-$(rd 0x705)-END$((40+2))',
            'END42')
        run('smb 0x700 ff; smb 0x704 61; smb 0x702 48; '
            'echo SMBNAK-$(rd 0x700)-END$((40+2))', 'END42')
        for want in [b'SMB-02-5a-END42', b'SMBNAK-04-END42']:
            if want not in t.buf:
                t.fail('SMBus transaction: no %r' % want)
        t.type('poweroff\r')
        rc = t.wait_exit(120)
        if rc != 0:
            t.fail('exit status %r after poweroff' % rc)
        if b'reboot: Power down' not in t.buf:
            t.fail('the guest did not power down')
    print('ok: Linux on q35: ECAM, 4 KiB config space, LPC, virtio-blk, '
          'DHCP over e1000 INTx, ACPI S5')


def scenario_powerdown(kemu, guest_dir):
    # test_linux's power-button scenario, on q35
    orig = test_linux.Guest.__init__

    def init(self, kemu_, guest_dir_, append, extra):
        orig(self, kemu_, guest_dir_, append, ['-M', 'q35'] + extra)
    test_linux.Guest.__init__ = init
    test_linux.scenario_powerdown(kemu, guest_dir)


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    kemu, name = sys.argv[1:3]
    if name == 'monitor':
        qemu = sys.argv[3] if len(sys.argv) > 3 else \
            shutil.which('qemu-system-x86_64')
        scenario_monitor(kemu, qemu)
    elif name in ('linux', 'powerdown'):
        guest_dir = test_linux.build_guest(sys.argv[3])
        {'linux': scenario_linux, 'powerdown': scenario_powerdown}[name](
            kemu, guest_dir)
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
