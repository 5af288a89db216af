#!/usr/bin/env python3
"""PCI as Linux sees it, on the software CPU, one scenario per run.

    test_pci.py KEMU_BINARY GUEST_BUILDER SCENARIO

Scenarios (each boots once, -accel tcg -m 512, kemu.test=pci prints one
"GUEST-PCI <addr> <vendor>:<device> <class> irq <n>" line per function):
  enum     -device pci-testdev,addr=5: Linux uses config mechanism #1,
           finds the ACPI root bridge PCI0 with its windows, the i440FX,
           the PIIX3, the PIIX4 PM function (IRQ 9 through LNKS) and the
           test device, configures the LNKA-LNKD links and keeps the
           test device's BARs where kemu placed them at reset: SeaBIOS's
           addresses under QEMU, inside the windows
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_linux                                       # noqa: E402
from test_linux import boot_to_exit, fail               # noqa: E402


def scenario_enum(kemu, guest_dir):
    g = boot_to_exit(kemu, guest_dir, 'kemu.test=pci',
                     ['-smp', '1', '-device', 'pci-testdev,addr=5'], [
        'PCI: Using configuration type 1 for base access',
        'ACPI: PCI Root Bridge [PCI0] (domain 0000 [bus 00-ff])',
        'pci_bus 0000:00: root bus resource [io  0x0000-0x0cf7 window]',
        'pci_bus 0000:00: root bus resource [io  0x0d00-0xffff window]',
        'pci_bus 0000:00: root bus resource [mem 0x20000000-0xfebfffff window]',
        'pci 0000:00:00.0: [8086:1237] type 00 class 0x060000',
        'pci 0000:00:01.0: [8086:7000] type 00 class 0x060100',
        'pci 0000:00:01.3: [8086:7113] type 00 class 0x068000',
        'pci 0000:00:01.3: quirk: [io  0x0600-0x063f] claimed by PIIX4 ACPI',
        'pci 0000:00:05.0: [1b36:0005] type 00 class 0x00ff00',
        'pci 0000:00:05.0: BAR 0 [mem 0xfebf1000-0xfebf1fff]',
        'pci 0000:00:05.0: BAR 1 [io  0xc000-0xc0ff]',
        'ACPI: PCI: Interrupt link LNKA configured for IRQ',
        'ACPI: PCI: Interrupt link LNKD configured for IRQ',
        'ACPI: PCI: Interrupt link LNKS configured for IRQ 9',
        'PCI: Using ACPI for IRQ routing',
        'GUEST-PCI 0000:00:00.0 8086:1237 0x060000',
        'GUEST-PCI 0000:00:01.0 8086:7000 0x060100',
        'GUEST-PCI 0000:00:01.3 8086:7113 0x068000 irq 9',
        'GUEST-PCI 0000:00:05.0 1b36:0005 0x00ff00',
        'GUEST-PCI-DONE',
    ])
    out = g.output()
    for bad in ('PCI: Fatal: No config space access function found',
                'can\'t claim', 'no compatible bridge window'):
        if any(bad in l for l in out):
            fail(g, 'unexpected %r in the console output' % bad)
    # Linux kept them: nothing had to be assigned (or moved).
    if any('pci 0000:00:05.0: BAR' in l and 'assigned' in l for l in out):
        fail(g, 'Linux reassigned a BAR of the test device')


def rng_boot(kemu, guest_dir, device, texts):
    g = boot_to_exit(kemu, guest_dir, 'kemu.test=virtio-rng',
                     ['-smp', '1', '-device', device],
                     texts + ['GUEST-RNG-CURRENT virtio_rng.0',
                              'GUEST-RNG-BYTES 256'])
    data = [l for l in g.output() if l.startswith('GUEST-RNG-DATA')]
    if not data or len(set(data[0].split()[1:])) < 4:
        fail(g, 'no random bytes from /dev/hwrng: %r' % data)
    return g


def scenario_virtio_rng(kemu, guest_dir):
    # 00:02.0 is the default VGA and 00:03.0 the default e1000 (as on
    # QEMU), so the first free slot is 4
    g = rng_boot(kemu, guest_dir, 'virtio-rng-pci', [
        'GUEST-PCI 0000:00:04.0 1af4:1005 irq',
        'driver virtio-pci',
    ])
    irqs = [l for l in g.output() if l.startswith('GUEST-IRQ')]
    if not any('PCI-MSI' in l and 'virtio0-input' in l and
               int(l.split()[2]) > 0 for l in irqs):
        fail(g, 'no MSI-X interrupts for the request queue: %r' % irqs)


def scenario_virtio_rng_legacy(kemu, guest_dir):
    g = rng_boot(kemu, guest_dir,
                 'virtio-rng-pci,disable-modern=on,vectors=0,addr=4', [
        'virtio_pci: leaving for legacy driver',
        'GUEST-PCI 0000:00:04.0 1af4:1005 irq 11 driver virtio-pci',
    ])
    irqs = [l for l in g.output() if l.startswith('GUEST-IRQ')]
    if not any('IO-APIC' in l and '11-fasteoi' in l and
               int(l.split()[2]) > 0 for l in irqs):
        fail(g, 'no level INTx on IOAPIC pin 11: %r' % irqs)


SCENARIOS = {
    'enum': scenario_enum,
    'virtio-rng': scenario_virtio_rng,
    'virtio-rng-legacy': scenario_virtio_rng_legacy,
}


def main():
    if len(sys.argv) != 4 or sys.argv[3] not in SCENARIOS:
        print(__doc__)
        return 2
    kemu, builder, name = sys.argv[1:]
    guest_dir = test_linux.build_guest(builder)
    SCENARIOS[name](kemu, guest_dir)
    return 0


if __name__ == '__main__':
    sys.exit(main())
