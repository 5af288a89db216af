#!/usr/bin/env python3
"""ACPI PCI hotplug on the pc machine, with a Linux guest (acpiphp).

    test_pcihp.py KEMU_BINARY GUEST_BUILDER

The guest (kemu.test=pcihp) waits for devices to come and go.  The host:
  - device_del of an unknown id, of a chipset function (PIIX3) and of the
    built-in VGA, device_add to the VGA's slot: QEMU 7.2's error texts;
  - blockdev-add of a qcow2 image, device_add virtio-blk-pci: the guest
    sees a new /sys/block/vdX and writes a pattern; device_del: the
    DEVICE_DELETED event, the disk gone in the guest and in query-pci, the
    node released (blockdev-del works), qemu-img check clean, the pattern
    in the image;
  - HMP drive_add + device_add virtio-blk-pci, device_del: the drive is
    deleted with the device (query-block);
  - HMP netdev_add user + device_add virtio-net-pci: the guest gets a
    DHCP address on the new interface; device_del twice while the VM is
    stopped: the second gets QEMU's "already in the process of unplug";
    after cont the guest ejects it: DEVICE_DELETED, interface gone;
  - device_add e1000,addr=0x9 reusing the freed id: the guest sees it;
    device_del: it goes.
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_linux import Guest, Qmp, build_guest, qmp_connect  # noqa: E402

PATTERN = b'KEMU-HOTPLUG-PATTERN\n'
STEP = 300      # seconds for one guest reaction (software CPU, loaded host)


def qemu_img(*args):
    tool = shutil.which('qemu-img')
    return subprocess.run([tool] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True)


def hmp(q, line):
    return q.execute('human-monitor-command', **{'command-line': line})


def pci_ids(q):
    """{qdev_id: slot} of the devices on bus 0 (query-pci)."""
    devs = q.execute('query-pci')['return'][0]['devices']
    return {d['qdev_id']: d['slot'] for d in devs}


def find_unattached(q, typename):
    for i in range(64):
        path = '/machine/unattached/device[%d]' % i
        r = q.execute('qom-get', path=path, property='type')
        if r.get('return') == typename:
            return path
    return None


def deleted(q, dev_id):
    """The DEVICE_DELETED event of @dev_id (waits), or None."""
    want = {'device': dev_id, 'path': '/machine/peripheral/' + dev_id}
    for _ in range(2):
        e = q.wait_event('DEVICE_DELETED', STEP)
        if e is None:
            return None
        q.events.remove(e)
        if e['data'] == want:
            return e
    return None


def check_errors(q, failures):
    """Error texts of QEMU 7.2 (taken from qemu-system-x86_64 -M pc)."""
    cases = [
        (('device_del', {'id': 'nope'}),
         ('DeviceNotFound', "Device 'nope' not found")),
        (('device_del', {'id': find_unattached(q, 'PIIX3') or 'PIIX3?'}),
         ('GenericError', "Device 'PIIX3' does not support hotplugging")),
        (('device_del', {'id': find_unattached(q, 'VGA') or 'VGA?'}),
         ('GenericError', "Device 'VGA' does not support hotplugging")),
        (('device_add', {'driver': 'e1000', 'id': 'bad', 'addr': '0x2'}),
         ('GenericError', 'PCI: slot 2 function 0 not available for e1000, '
          'in use by VGA,id=(null)')),
    ]
    for (cmd, args), (cls, desc) in cases:
        r = q.execute(cmd, **args)
        got = (r.get('error', {}).get('class'), r.get('error', {}).get('desc'))
        if got != (cls, desc):
            failures.append('%s %r: %r, want %r' % (cmd, args, r, (cls, desc)))


def step_disk(g, q, tmp, failures):
    img = os.path.join(tmp, 'extra.qcow2')
    qemu_img('create', '-f', 'qcow2', img, '16M')
    r = q.execute('blockdev-add', **{
        'driver': 'qcow2', 'node-name': 'd1',
        'file': {'driver': 'file', 'filename': img}})
    r2 = q.execute('device_add', driver='virtio-blk-pci', drive='d1',
                   id='vd1')
    if r != {'return': {}} or r2 != {'return': {}}:
        return ['blockdev-add/device_add: %r %r' % (r, r2)]
    slot = pci_ids(q).get('vd1')
    if slot is None:
        failures.append('query-pci without vd1: %r' % pci_ids(q))
    # A second device at an occupied address names the first one.
    r = q.execute('device_add', driver='e1000', id='e9', addr=hex(slot or 0))
    want = ('PCI: slot %d function 0 not available for e1000, in use by '
            'virtio-blk-pci,id=vd1' % (slot or 0))
    if r.get('error', {}).get('desc') != want:
        failures.append('device_add to an occupied addr: %r' % r)
    line = g.wait_for('GUEST-PCIHP-DISK ', STEP)
    if not line or line.split()[2] != '32768':
        return ['the guest saw no new disk: %r' % line]
    disk = line.split()[1]
    r = q.execute('device_del', id='vd1')
    if r != {'return': {}}:
        return ['device_del vd1: %r' % r]
    if not deleted(q, 'vd1'):
        failures.append('no DEVICE_DELETED for vd1: %r' % q.events)
    if not g.wait_for('GUEST-PCIHP-DISK-GONE ' + disk, STEP):
        failures.append('/sys/block/%s still there' % disk)
    if 'vd1' in pci_ids(q):
        failures.append('query-pci still lists vd1')
    # The device let go of the node, so it can go too and be checked.
    r = q.execute('blockdev-del', **{'node-name': 'd1'})
    if r != {'return': {}}:
        failures.append('blockdev-del d1 after unplug: %r' % r)
    chk = qemu_img('check', img)
    if chk.returncode != 0 or 'No errors were found' not in chk.stdout:
        failures.append('qemu-img check: %s' % chk.stdout)
    raw = os.path.join(tmp, 'extra.raw')
    qemu_img('convert', '-O', 'raw', img, raw)
    with open(raw, 'rb') as f:
        f.seek(8 * 512)
        if f.read(len(PATTERN)) != PATTERN:
            failures.append('the guest pattern is not in the image')
    return failures


def step_drive(q, tmp, failures):
    """drive_add + device_add, device_del: the drive goes with the device."""
    img = os.path.join(tmp, 'drive2.qcow2')
    qemu_img('create', '-f', 'qcow2', img, '8M')
    for line in ('drive_add 0 if=none,id=d2,format=qcow2,file=' + img,
                 'device_add virtio-blk-pci,drive=d2,id=vd2'):
        r = hmp(q, line)
        if r.get('return') not in ('', 'OK\r\n'):
            return failures + ['%s: %r' % (line, r)]
    drives = [b['device'] for b in q.execute('query-block')['return']]
    if 'd2' not in drives:
        failures.append('query-block without d2: %r' % drives)
    r = q.execute('device_del', id='vd2')
    if r != {'return': {}} or not deleted(q, 'vd2'):
        return failures + ['device_del vd2: %r, events %r' % (r, q.events)]
    drives = [b['device'] for b in q.execute('query-block')['return']]
    if 'd2' in drives:
        failures.append('drive d2 survived its device: %r' % drives)
    return failures


def step_nic(g, q, failures):
    for line in ('netdev_add user,id=n1',
                 'device_add virtio-net-pci,netdev=n1,id=nic1'):
        r = hmp(q, line)
        if r != {'return': ''}:
            return ['%s: %r' % (line, r)]
    line = g.wait_for('GUEST-PCIHP-NIC ', STEP)
    if not line or 'inet 10.0.2.15/24' not in line:
        return ['no DHCP address on the new NIC: %r' % line]
    nic = line.split()[1]
    # With the VM stopped the request stays pending: a repeat is refused.
    q.execute('stop')
    r = q.execute('device_del', id='nic1')
    r2 = hmp(q, 'device_del nic1')
    q.execute('cont')
    if r != {'return': {}} or r2 != {'return': 'Error: Device nic1 is '
                                     'already in the process of unplug\r\n'}:
        failures.append('device_del nic1 twice: %r %r' % (r, r2))
    if not deleted(q, 'nic1'):
        failures.append('no DEVICE_DELETED for nic1: %r' % q.events)
    if not g.wait_for('GUEST-PCIHP-NIC-GONE ' + nic, STEP):
        failures.append('%s still there' % nic)
    # The netdev is free again: it can be deleted.
    r = hmp(q, 'netdev_del n1')
    if r != {'return': ''}:
        failures.append('netdev_del n1 after unplug: %r' % r)
    return failures


def step_e1000(g, q, failures):
    # The id of the NIC the guest ejected is free again.
    hmp(q, 'netdev_add user,id=n2')
    r = hmp(q, 'device_add e1000,netdev=n2,id=nic1,addr=0x9')
    if r != {'return': ''} or pci_ids(q).get('nic1') != 9:
        return failures + ['device_add e1000 with the freed id: %r' % r]
    line = g.wait_for('GUEST-PCIHP-E1000', STEP)
    if not line or not line.endswith('0x8086'):
        return failures + ['the guest saw no e1000: %r' % line]
    r = q.execute('device_del', id='nic1')
    if r != {'return': {}} or not deleted(q, 'nic1'):
        failures.append('device_del of the e1000: %r' % r)
    if not g.wait_for('GUEST-PCIHP-E1000-GONE', STEP):
        failures.append('the e1000 is still in the guest')
    return failures


def main():
    kemu, builder = sys.argv[1:3]
    guest_dir = build_guest(builder)
    tmp = tempfile.mkdtemp(prefix='kemu-pcihp-')
    sock = os.path.join(tmp, 'qmp.sock')
    g = Guest(kemu, guest_dir, 'kemu.test=pcihp',
              ['-qmp', 'unix:%s,server=on,wait=off' % sock])
    failures = []
    try:
        conn = qmp_connect(sock, 30)
        if not conn:
            failures.append('no QMP socket')
            return 1
        q = Qmp(*conn)
        q.sock.settimeout(STEP)
        q.execute('qmp_capabilities')
        line = g.wait_for('GUEST-PCIHP-SLOTS')
        if not line or int(line.split()[1]) < 20:
            failures.append('no ACPI hotplug slots in the guest: %r' % line)
            return 1
        g.wait_for('GUEST-PCIHP-READY')
        check_errors(q, failures)
        failures = step_disk(g, q, tmp, failures)
        if not failures:
            failures = step_drive(q, tmp, failures)
        if not failures:
            failures = step_nic(g, q, failures)
        if not failures:
            failures = step_e1000(g, q, failures)
        rc = g.wait_exit(STEP)
        if rc != 0:
            failures.append('exit status %r' % rc)
    finally:
        g.kill()
        print('\n'.join(g.output()[-400 if failures else -40:]))
        shutil.rmtree(tmp, ignore_errors=True)
        for f in failures:
            print('FAIL: ' + f)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
