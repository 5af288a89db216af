#!/usr/bin/env python3
"""inject-nmi / nmi, memsave / pmemsave and info lapic from the monitors.

    test_nmi_memsave.py KEMU_BINARY GUESTS_DIR [LINUX_GUEST_BUILDER]

tests/guests/nmi.S programs its local APIC's LINT1 for NMI delivery and
sleeps with interrupts off until an NMI arrives on vector 2 (QMP
inject-nmi and HMP nmi, on TCG and, when /dev/kvm works, on KVM).  The
same guest runs with paging off, so memsave (through the CPU) and pmemsave
(physical) of its image must agree and hold its text.  With the Linux
guest builder, Linux reports the NMI as QEMU 7.2's does ("Uhhuh. NMI
received for unknown reason") and memsave of an unmapped address fails.
Expected texts were checked against QEMU 7.2 (KVM delivery could not be:
QEMU 7.2 on this host's KVM did not deliver the NMI to this guest).
"""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_linux  # noqa: E402
import test_vga  # noqa: E402
from test_vga import VGAGuest  # noqa: E402

LINUX_BUILDER = None
DEBUG_EXIT = ['-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04']


def kvm_usable():
    try:
        os.close(os.open('/dev/kvm', os.O_RDWR))
        return True
    except OSError:
        return False


class NMIGuest(VGAGuest):
    def __init__(self, accel='tcg'):
        self.launch(['-m', '64', '-display', 'none', '-kernel',
                     os.path.join(test_vga.GUESTS, 'nmi.elf')] + DEBUG_EXIT,
                    accel=accel)

    def wait_exit(self, timeout=60):
        return self.proc.wait(timeout)


class TestNMI(unittest.TestCase):
    def nmi(self, accel, how):
        g = NMIGuest(accel)
        try:
            g.wait_ready()
            if how == 'qmp':
                self.assertEqual(g.qmp.cmd('inject-nmi'), {'return': {}})
            else:
                self.assertEqual(g.hmp('nmi'), '')
            g.wait_serial('NMI 00000001\n')
            self.assertEqual(g.wait_exit(), 0x21)   # EXIT_PASS
        finally:
            g.close()

    def test_tcg_qmp(self):
        self.nmi('tcg', 'qmp')

    def test_tcg_hmp(self):
        self.nmi('tcg', 'hmp')

    def test_kvm_qmp(self):
        if not kvm_usable():
            self.skipTest('/dev/kvm is not usable here')
        self.nmi('kvm', 'qmp')

    def test_not_before_asked(self):
        """No NMI arrives unless the monitor sends one."""
        g = NMIGuest()
        try:
            g.wait_ready()
            time.sleep(1)
            out = g.wait_serial('READY\n', 2)
            self.assertNotIn('NMI', out)
            self.assertIsNone(g.proc.poll())
        finally:
            g.close()


# info lapic of nmi.S once READY (QEMU 7.2's format, checked against QEMU
# with Linux; QEMU's SeaBIOS leaves LVT0 and ICR otherwise for this guest)
LAPIC = (
    'dumping local APIC state for CPU 0 \r\n\r\n'
    'LVT0\t 0x00000700 active-hi edge                              '
    'ExtINT (vec 0)\r\n'
    'LVT1\t 0x00000400 active-hi edge                              NMI   \r\n'
    'LVTPC\t 0x00010000 active-hi edge  masked                      '
    'Fixed  (vec 0)\r\n'
    'LVTERR\t 0x00010000 active-hi edge  masked                      '
    'Fixed  (vec 0)\r\n'
    'LVTTHMR\t 0x00010000 active-hi edge  masked                      '
    'Fixed  (vec 0)\r\n'
    'LVTT\t 0x00010000 active-hi edge  masked         one-shot     '
    'Fixed  (vec 0)\r\n'
    'Timer\t DCR=0x0 (divide by 2) initial_count = 0 current_count = 0\r\n'
    'SPIV\t 0x000001ff APIC enabled, focus=off, spurious vec 255\r\n'
    'ICR\t 0x00000000 physical edge de-assert no-shorthand\r\n'
    'ICR2\t 0x00000000 cpu 0 (APIC ID)\r\n'
    'ESR\t 0x00000000\r\n'
    'ISR\t (none)\r\n'
    'IRR\t (none)\r\n'
    '\r\n'
    'APR 0x00 TPR 0x00 DFR 0x0f LDR 0x00 PPR 0x00\r\n')


class TestInfoLapic(unittest.TestCase):
    def lapic(self, accel):
        g = NMIGuest(accel)
        try:
            g.wait_ready()
            return g.hmp('info lapic'), g.hmp('info lapic 0'), \
                g.hmp('info lapic 1')
        finally:
            g.close()

    def test_tcg(self):
        self.assertEqual(self.lapic('tcg'),
                         (LAPIC, LAPIC, 'No CPU available\r\n'))

    def test_kvm(self):
        """KVM's in-kernel APIC through KVM_GET_LAPIC; its CPU model has
        x2APIC, so ICR2 reads as an x2APIC ID."""
        if not kvm_usable():
            self.skipTest('/dev/kvm is not usable here')
        cur, by_id, none = self.lapic('kvm')
        self.assertEqual(cur, LAPIC.replace('(APIC ID)', '(X2APIC ID)'))
        self.assertEqual(by_id, cur)
        self.assertEqual(none, 'No CPU available\r\n')


class TestMemsave(unittest.TestCase):
    def test_memsave_pmemsave(self):
        g = NMIGuest()
        try:
            g.wait_ready()
            v, p = g.path('v.bin'), g.path('p.bin')
            self.assertEqual(g.qmp.cmd('memsave', {
                'val': 0x100000, 'size': 0x3000, 'filename': v,
                'cpu-index': 0}), {'return': {}})
            self.assertEqual(g.qmp.cmd('pmemsave', {
                'val': 0x100000, 'size': 0x3000, 'filename': p}),
                {'return': {}})
            with open(v, 'rb') as f:
                vb = f.read()
            with open(p, 'rb') as f:
                pb = f.read()
            self.assertEqual(len(vb), 0x3000)
            self.assertEqual(vb, pb)
            self.assertIn(b'READY\n', pb)       # the guest's own string
            # HMP: the same commands, the current CPU; errors as QEMU's
            h = g.path('h.bin')
            self.assertEqual(g.hmp('pmemsave 0x100000 0x3000 "%s"' % h), '')
            with open(h, 'rb') as f:
                self.assertEqual(f.read(), pb)
            self.assertEqual(
                g.hmp('memsave 0 16 "/nonexistent/x"'),
                "Error: Could not open '/nonexistent/x': "
                "No such file or directory\r\n")
            self.assertEqual(g.qmp.cmd('memsave', {
                'val': 0, 'size': 16, 'filename': v, 'cpu-index': 5}),
                {'error': {'class': 'GenericError', 'desc':
                           "Parameter 'cpu-index' expects a CPU number"}})
            self.assertEqual(g.qmp.cmd('pmemsave', {
                'val': 0, 'filename': v}),
                {'error': {'class': 'GenericError', 'desc':
                           "Parameter 'size' is missing"}})
        finally:
            g.close()


class TestLinuxNMI(unittest.TestCase):
    def test_linux(self):
        if not LINUX_BUILDER:
            self.skipTest('no Linux guest builder given')
        gdir = test_linux.build_guest(LINUX_BUILDER)
        g = VGAGuest.__new__(VGAGuest)
        g.launch(['-m', '256', '-display', 'none', '-nodefaults',
                  '-kernel', os.path.join(gdir, 'vmlinuz'),
                  '-initrd', os.path.join(gdir, 'initrd.gz'),
                  '-append', 'console=ttyS0 no_timer_check'])
        try:
            g.wait_serial('GUEST-INIT-OK', 300)
            self.assertEqual(g.qmp.cmd('inject-nmi'), {'return': {}})
            out = g.wait_serial('Dazed and confused, but trying to '
                                'continue', 60)
            self.assertIn('NMI received for unknown reason', out)
            # Linux runs on: the NMI handler returned
            self.assertEqual(g.qmp.cmd('query-status')['return']['status'],
                             'running')
            # address 0 is not mapped in the kernel's page tables
            self.assertEqual(g.qmp.cmd('memsave', {
                'val': 0, 'size': 100, 'filename': g.path('m')}),
                {'error': {'class': 'GenericError', 'desc':
                           'Invalid addr 0x0000000000000000/size 100 '
                           'specified'}})
        finally:
            g.close()


if __name__ == '__main__':
    test_vga.KEMU, test_vga.GUESTS = sys.argv[1:3]
    if len(sys.argv) > 3:
        LINUX_BUILDER = sys.argv[3]
    del sys.argv[1:4]
    unittest.main(verbosity=2)
