#!/usr/bin/env python3
"""Networking of kemu-system-x86_64.

    test_net.py KEMU_BINARY host          (suite functional: no guest)
    test_net.py KEMU_BINARY tap           (suite functional: root, netns)
    test_net.py KEMU_BINARY GUEST_BUILDER linux MODEL   (suite linux)
    test_net.py KEMU_BINARY GUEST_BUILDER tap-mq        (suite linux: root)

host: -netdev/-nic/-net errors as QEMU 7.2 prints them, "info network",
set_link, hostfwd_add/hostfwd_remove and netdev_add/del over
human-monitor-command (also run on Debian's qemu-system-x86_64 when it is
installed, and the texts compared), a hostfwd port accepting connections.
tap: a tap netdev in a network namespace the test creates, its script=
run with the interface name, traffic from the host reaching the tap fd.
tap-mq: a 2-queue tap (queues=2, and fds= of two IFF_MULTI_QUEUE fds) and
virtio-net-pci,mq=on: "info network" as QEMU's, the second tap queue
detached until the driver asks for two pairs; a Linux guest with -smp 2
sees rx-0/rx-1/tx-0/tx-1, moves data both ways from each CPU, and takes
interrupts on all four queues.
linux: a Linux guest with NIC MODEL (e1000, virtio-net-pci) gets
10.0.2.20 by DHCP (dhcpstart=) with the hostname=, domainname= and dns=
of -netdev user, fetches a file from an HTTP server on the host through
the slirp gateway (sha256 compared), serves a page the host fetches
through hostfwd, sees carrier 0 after set_link off, and moves 16 MiB
(KEMU_NET_MIB in the environment: that many) each way intact.
"""
import hashlib
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

SKIP = 77
# MiB moved each way by the linux scenario (bench-net.py asks for more).
MIB = int(os.environ.get('KEMU_NET_MIB', '16'))
QEMU = shutil.which('qemu-system-x86_64')


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


class QMP:
    """A QMP connection to a started process."""

    def __init__(self, path, timeout=15):
        end = time.monotonic() + timeout
        while True:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > end:
                    raise
                time.sleep(0.1)
        self.sock.settimeout(timeout)
        self.f = self.sock.makefile('rw', encoding='utf-8', newline='\n')
        self.events = []
        json.loads(self.f.readline())
        self.execute('qmp_capabilities')

    def execute(self, cmd, **args):
        msg = {'execute': cmd}
        if args:
            msg['arguments'] = args
        self.f.write(json.dumps(msg) + '\n')
        self.f.flush()
        while True:
            reply = json.loads(self.f.readline())
            if 'event' in reply:
                self.events.append(reply)
                continue
            return reply

    def hmp(self, line):
        reply = self.execute('human-monitor-command', **{'command-line': line})
        return reply.get('return', reply)

    def close(self):
        self.sock.close()


class VM:
    """An emulator process (kemu or QEMU) with QMP on a unix socket."""

    def __init__(self, binary, args, tmp, name='vm', defaults=False):
        self.qmp_path = os.path.join(tmp, name + '.qmp')
        cmd = [binary, '-accel', 'tcg', '-display', 'none'] + \
            ([] if defaults else ['-nodefaults']) + \
            ['-qmp', 'unix:%s,server=on,wait=off' % self.qmp_path] + args
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.qmp = QMP(self.qmp_path)

    def stop(self):
        try:
            self.qmp.execute('quit')
        except OSError:
            pass
        self.qmp.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        return self.proc.stdout.read().decode('utf-8', 'replace')


failures = []


def check(cond, what):
    print(('ok: ' if cond else 'FAIL: ') + what, flush=True)
    if not cond:
        failures.append(what)


def check_eq(got, want, what):
    check(got == want, what if got == want else
          '%s\n  got:  %r\n  want: %r' % (what, got, want))


def run_cli(binary, args):
    p = subprocess.run([binary, '-accel', 'tcg', '-display', 'none', '-S',
                        '-nodefaults'] + args,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=20)
    return p.returncode, p.stdout.decode().replace('kemu-system-x86_64',
                                                   'qemu-system-x86_64')


CLI_ERRORS = [
    (['-netdev', 'user'], "-netdev user: Parameter 'id' is missing"),
    (['-netdev', 'foo,id=x'],
     "-netdev foo,id=x: Parameter 'type' does not accept value 'foo'"),
    (['-netdev', 'user,id=n0,foo=1'],
     "-netdev user,id=n0,foo=1: Invalid parameter 'foo'"),
    (['-netdev', 'user,id=n0', '-netdev', 'user,id=n0'],
     "-netdev user,id=n0: Duplicate ID 'n0' for netdev"),
    (['-netdev', 'user,id=1a'],
     "-netdev user,id=1a: Parameter 'id' expects an identifier\n"
     "Identifiers consist of letters, digits, '-', '.', '_', starting with "
     "a letter."),
    (['-nic', 'foo'], "-nic foo: Parameter 'type' does not accept value "
     "'foo'"),
    (['-net', 'nic,macaddr=zz'],
     "-net nic,macaddr=zz: invalid syntax for ethernet address"),
    (['-netdev', 'user,id=n0,hostfwd=tcp::abc-:22'],
     "-netdev user,id=n0,hostfwd=tcp::abc-:22: Invalid host forwarding "
     "rule 'tcp::abc-:22' (Bad host port)"),
    (['-netdev', 'user,id=n0,net=10.0.3.0/33'],
     "-netdev user,id=n0,net=10.0.3.0/33: Invalid netmask provided (must "
     "be in range 4-32)"),
    (['-netdev', 'user,id=n0,ipv6=off,ipv4=off'],
     "-netdev user,id=n0,ipv6=off,ipv4=off: IPv4 and IPv6 disabled"),
    (['-netdev', 'user,id=n0,restrict=maybe'],
     "-netdev user,id=n0,restrict=maybe: Parameter 'restrict' expects "
     "'on' or 'off'"),
    (['-netdev', 'hubport,id=h0'],
     "-netdev hubport,id=h0: Parameter 'hubid' is missing"),
    # Multiqueue tap: rejected before /dev/net/tun is opened.
    (['-net', 'tap,queues=2'],
     "-net tap,queues=2: Multiqueue tap cannot be used with hubs"),
    (['-netdev', 'tap,id=t0,queues=abc'],
     "-netdev tap,id=t0,queues=abc: Parameter 'queues' expects a uint64 "
     "value"),
    # QEMU 7.2 asserts here; kemu says why.
    (['-netdev', 'tap,id=t0,queues=0'],
     "-netdev tap,id=t0,queues=0: Parameter 'queues' expects a value "
     "between 1 and 1024"),
    (['-netdev', 'tap,id=t0,fd=3,queues=2'],
     "-netdev tap,id=t0,fd=3,queues=2: ifname=, script=, downscript=, "
     "vnet_hdr=, helper=, queues=, fds=, and vhostfds= are invalid with "
     "fd="),
    (['-netdev', 'tap,id=t0,fds=3:4,queues=2'],
     "-netdev tap,id=t0,fds=3:4,queues=2: ifname=, script=, downscript=, "
     "vnet_hdr=, helper=, queues=, and vhostfd= are invalid with fds="),
    (['-netdev', 'tap,id=t0,fds=foo'],
     "-netdev tap,id=t0,fds=foo: Invalid file descriptor number 'foo'"),
    (['-netdev', 'tap,id=t0,fds=0:1'],
     "-netdev tap,id=t0,fds=0:1: Unable to query TUNGETIFF on FD 0: "
     "Inappropriate ioctl for device"),
    (['-netdev', 'tap,id=t0,fds=99'],
     "-netdev tap,id=t0,fds=99: t0: Can't use file descriptor 99: Bad file "
     "descriptor"),
]

# One HMP session; each command's output as QEMU 7.2 prints it.
HMP_SESSION = [
    'info network',
    'hostfwd_add tcp:127.0.0.1:{port}-:22',
    'hostfwd_add n1 tcp::{port2}-:80',
    'hostfwd_add n1 tcp::{port2}-:80',
    'info usernet',
    'hostfwd_remove n1 tcp::{port2}',
    'hostfwd_remove n1 tcp::{port2}',
    'hostfwd_remove n1 bad',
    'hostfwd_add bad',
    'hostfwd_add n0 udp:1.2.3.999:5-:4',
    'hostfwd_add n0 tcp::5-1.2.3:4',
    'hostfwd_add xx tcp::6000-:22',
    'hostfwd_add h0 tcp::6000-:22',
    'set_link foo off',
    'set_link n0 off',
    'info network',
    'netdev_add user,id=n2,net=10.9.0.0/16',
    'info network',
    'netdev_del n2',
    'netdev_del n2',
    'info network',
]
HMP_ARGS = ['-netdev', 'user,id=n0,hostfwd=tcp:127.0.0.1:{fwd}-:22',
            '-netdev', 'user,id=n1,net=192.168.76.0/24,restrict=on',
            '-netdev', 'hubport,id=h0,hubid=3',
            '-net', 'user', '-S']


def hmp_session(binary, tmp, name, ports):
    args = [a.format(**ports) for a in HMP_ARGS]
    vm = VM(binary, args, tmp, name)
    out = []
    # QMP query-rx-filter: no NIC here, so only the error texts.
    for qargs in ({}, {'name': 'n0'}, {'name': 'zz'}):
        r = vm.qmp.execute('query-rx-filter', **qargs)
        out.append(('query-rx-filter %r' % qargs,
                    json.dumps(r.get('return', r.get('error')))))
    try:
        for line in HMP_SESSION:
            out.append((line, vm.qmp.hmp(line.format(**ports))))
        # The hostfwd from the command line listens on the host.
        s = socket.create_connection(('127.0.0.1', ports['fwd']), 5)
        s.close()
        connected = True
    except OSError:
        connected = False
    vm.stop()
    return out, connected


NIC_ARGS = ['-net', 'nic,model=virtio', '-net', 'user', '-net', 'nic',
            '-netdev', 'user,id=n9', '-device', 'virtio-net-pci,netdev=n9,id=vn',
            '-S']


def nic_session(binary, tmp, name):
    """NICs without a guest: names, MACs, hub layout, rx filters."""
    vm = VM(binary, NIC_ARGS, tmp, name)
    out = [('info network', vm.qmp.hmp('info network'))]
    for qargs in ({'name': 'vn'}, {'name': 'e1000.0'}):
        r = vm.qmp.execute('query-rx-filter', **qargs)
        out.append(('query-rx-filter %r' % qargs,
                    json.dumps(r.get('return', r.get('error')),
                               sort_keys=True)))
    vm.qmp.execute('set_link', name='vn', up=False)
    out.append(('info network after set_link', vm.qmp.hmp('info network')))
    vm.stop()
    return out


def mq_user_session(binary, tmp, name):
    """mq=on on a user netdev: one queue pair, QEMU's 4 vectors."""
    vm = VM(binary, ['-netdev', 'user,id=u0', '-device',
                     'virtio-net-pci,netdev=u0,mq=on', '-S'], tmp, name)
    net = vm.qmp.hmp('info network')
    vectors = [l.strip() for l in vm.qmp.hmp('info qtree').splitlines()
               if l.strip().startswith(('vectors =', 'mq ='))]
    vm.stop()
    return net, vectors


def default_nic_session(binary, tmp, name):
    """QEMU's default "-net nic -net user": no network option, no
    -nodefaults.  The PCI functions (not the BARs, which QEMU's firmware
    assigns and kemu leaves to the guest) and info network."""
    vm = VM(binary, ['-S'], tmp, name, defaults=True)
    pci = vm.qmp.hmp('info pci').splitlines()
    funcs = [l.strip() + ' ' + pci[i + 1].strip()
             for i, l in enumerate(pci) if l.strip().startswith('Bus ')]
    net = vm.qmp.hmp('info network')
    vm.stop()
    return funcs, net


def normalize_ids(text):
    """Generated ids carry two random digits: #net1XX -> #net1NN."""
    return re.sub(r'#net(\d+)\d\d', r'#net\1NN', text)


def scenario_host(kemu):
    for args, want in CLI_ERRORS:
        rc, out = run_cli(kemu, args)
        check(rc == 1 and out.strip() == 'qemu-system-x86_64: ' + want,
              'error for %s (rc %d: %s)' % (' '.join(args), rc, out.strip()))

    rc, out = run_cli(kemu, ['-netdev', 'help'])
    lines = out.splitlines()
    check(rc == 0 and lines[0] == 'Available netdev backend types:' and
          {'user', 'tap', 'hubport'} <= set(lines[1:]),
          '-netdev help lists user, tap and hubport')

    with tempfile.TemporaryDirectory(prefix='kemu-net-') as tmp:
        ports = {'fwd': free_port(), 'port': free_port(),
                 'port2': free_port()}
        got, connected = hmp_session(kemu, tmp, 'kemu', ports)
        check(connected, 'hostfwd from -netdev accepts connections')
        for line, text in got:
            print('(qemu) %s\n%s' % (line, text), end='')
        info = normalize_ids([t for l, t in got if l == 'info network'][0])
        check_eq(info,
                 'hub 0\r\n'
                 ' \\ hub0port0: #net0NN: index=0,type=user,'
                 'net=10.0.2.0,restrict=off\r\n'
                 'hub 3\r\n'
                 ' \\ h0\r\n'
                 'n0: index=0,type=user,net=10.0.2.0,restrict=off\r\n'
                 'n1: index=0,type=user,net=192.168.76.0,restrict=on\r\n',
                 'info network text')
        usernet = [t for l, t in got if l == 'info usernet'][0]
        check('Hub -1 (n1):\r\n  Protocol[State]    FD  Source Address  '
              'Port   Dest. Address  Port RecvQ SendQ\r\n' in usernet and
              re.search(r'TCP\[HOST_FORWARD\] +\d+ +\* +%d +192\.168\.76\.15 '
                        r'+80 ' % ports['port2'], usernet) and
              re.search(r'TCP\[HOST_FORWARD\] +\d+ +127\.0\.0\.1 +%d '
                        % ports['port'], usernet),
              'info usernet lists the hostfwd rules: %r' % usernet)
        if QEMU:
            qports = {k: free_port() for k in ports}
            ref, _ = hmp_session(QEMU, tmp, 'qemu', qports)
            for (line, a), (_, b) in zip(got, ref):
                check_eq(anonymize(a, ports), anonymize(b, qports),
                         'same as QEMU: ' + line)
        else:
            print('note: qemu-system-x86_64 not installed, no comparison')
        funcs, net = default_nic_session(kemu, tmp, 'kemu-default')
        check('Bus  0, device   3, function 0: Ethernet controller: '
              'PCI device 8086:100e' in funcs and
              'Bus  0, device   2, function 0: VGA controller: '
              'PCI device 1234:1111' in funcs,
              'default NIC: e1000 at 00:03.0 after the VGA at 00:02.0')
        check('e1000.0: index=0,type=nic,model=e1000,'
              'macaddr=52:54:00:12:34:56' in net and 'type=user' in net,
              'default NIC on user networking: %r' % net)
        if QEMU:
            qfuncs, qnet = default_nic_session(QEMU, tmp, 'qemu-default')
            check_eq(funcs, qfuncs, 'same PCI functions as QEMU by default')
            check_eq(normalize_ids(net), normalize_ids(qnet),
                     'same default info network as QEMU')
        mq = mq_user_session(kemu, tmp, 'kemu-mq')
        check('vectors = 4 (0x4)' in mq[1] and 'mq = true' in mq[1] and
              'index=1' not in mq[0],
              'mq=on with user: one pair, 4 vectors: %r' % (mq,))
        if QEMU:
            check_eq(mq, mq_user_session(QEMU, tmp, 'qemu-mq'),
                     'same as QEMU: mq=on with user')
        got = nic_session(kemu, tmp, 'kemu-nic')
        print(got[0][1], end='')
        check('virtio-net-pci.0: index=0,type=nic,model=virtio-net-pci,'
              'macaddr=52:54:00:12:34:56' in got[0][1],
              '-net nic,model=virtio is virtio-net-pci with the first MAC')
        if QEMU:
            ref = nic_session(QEMU, tmp, 'qemu-nic')
            for (line, a), (_, b) in zip(got, ref):
                check_eq(normalize_ids(a), normalize_ids(b),
                         'same as QEMU: ' + line)


def anonymize(text, ports):
    for name, port in ports.items():
        text = text.replace(str(port), '{%s}' % name)
    # info usernet: the host socket's file descriptor number.
    text = re.sub(r'(\[[A-Z_0-9]+\]) +\d+ ', r'\1 FD ', text)
    return normalize_ids(text)


TAP_SCRIPT = """#!/bin/sh
echo "$0 $1" >> {log}
ip link set "$1" up
ip addr add 10.0.2.100/24 dev "$1"
"""


def netns_run(ns, args, **kw):
    return subprocess.run(['ip', 'netns', 'exec', ns] + args, **kw)


def in_netns(fn, *args):
    """fn(*args, ns, tmp) in a network namespace made for it (root only)."""
    if os.geteuid() != 0 or not shutil.which('ip') or \
            not os.path.exists('/dev/net/tun'):
        print('SKIP: needs root, ip(8) and /dev/net/tun')
        return SKIP
    ns = 'kemu-net-%d' % os.getpid()
    if subprocess.run(['ip', 'netns', 'add', ns]).returncode != 0:
        print('SKIP: cannot create a network namespace')
        return SKIP
    try:
        with tempfile.TemporaryDirectory(prefix='kemu-tap-') as tmp:
            return fn(*args, ns, tmp)
    finally:
        subprocess.run(['ip', 'netns', 'del', ns])


def scenario_tap(kemu):
    """tap + hub + user: the namespace's kernel reaches slirp's gateway."""
    return in_netns(tap_in_netns, kemu)


def tap_in_netns(kemu, ns, tmp):
    log = os.path.join(tmp, 'script.log')
    up, down = os.path.join(tmp, 'ifup'), os.path.join(tmp, 'ifdown')
    with open(up, 'w') as f:
        f.write(TAP_SCRIPT.format(log=log))
    with open(down, 'w') as f:
        f.write('#!/bin/sh\necho "$0 $1" >> %s\n' % log)
    os.chmod(up, 0o755)
    os.chmod(down, 0o755)
    netns_run(ns, ['ip', 'link', 'set', 'lo', 'up'], check=True)
    # A host service in the namespace, reached as 10.0.2.2 through slirp.
    srv = socket.socket()
    payload = os.urandom(300000)
    qmp_path = os.path.join(tmp, 'q.sock')
    server = subprocess.Popen(
        ['ip', 'netns', 'exec', ns, sys.executable, '-c',
         'import socket,sys\n'
         's=socket.socket(); s.setsockopt(socket.SOL_SOCKET,'
         'socket.SO_REUSEADDR,1); s.bind(("127.0.0.1",4444)); s.listen(1)\n'
         'print("ready", flush=True)\n'
         'c,_=s.accept(); c.sendall(open(sys.argv[1],"rb").read());'
         'c.close()\n', os.path.join(tmp, 'payload')],
        stdout=subprocess.PIPE)
    srv.close()
    with open(os.path.join(tmp, 'payload'), 'wb') as f:
        f.write(payload)
    server.stdout.readline()
    args = ['-accel', 'tcg', '-display', 'none', '-nodefaults', '-S',
            '-qmp', 'unix:%s,server=on,wait=off' % qmp_path,
            '-netdev', 'tap,id=t0,ifname=ktap0,script=%s,downscript=%s'
            % (up, down),
            '-netdev', 'user,id=u0',
            '-netdev', 'hubport,id=p0,hubid=0,netdev=t0',
            '-netdev', 'hubport,id=p1,hubid=0,netdev=u0']
    kemu_proc = subprocess.Popen(['ip', 'netns', 'exec', ns, kemu] + args,
                                 stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT)
    qmp = QMP(qmp_path)
    info = qmp.hmp('info network')
    print(info, end='')
    check('t0: index=0,type=tap,ifname=ktap0,script=%s,downscript=%s'
          % (up, down) in info, 'info network shows the tap')
    with open(log) as f:
        check(f.read() == '%s ktap0\n' % up, 'script ran with the ifname')
    got = netns_run(ns, [sys.executable, '-c',
                         'import socket,sys\n'
                         's=socket.create_connection(("10.0.2.2",4444),20)\n'
                         'd=b""\n'
                         'while True:\n'
                         '    b=s.recv(65536)\n'
                         '    if not b: break\n'
                         '    d+=b\n'
                         'sys.stdout.buffer.write(d)\n'],
                    stdout=subprocess.PIPE, timeout=60).stdout
    check(hashlib.sha256(got).hexdigest() ==
          hashlib.sha256(payload).hexdigest(),
          'tap -> hub -> slirp -> host socket: %d of %d bytes intact'
          % (len(got), len(payload)))
    qmp.execute('quit')
    qmp.close()
    kemu_proc.wait(10)
    server.kill()
    with open(log) as f:
        check(f.read().endswith('%s ktap0\n' % down),
              'downscript ran at exit')
    return 0

# Opens N queues of a multiqueue tap in the namespace and execs the
# emulator with fds=A:B (the fds stay open across exec).
MQ_FDS_LAUNCHER = """
import fcntl, os, struct, sys
TUNSETIFF, IFF_TAP, IFF_NO_PI = 0x400454ca, 0x2, 0x1000
IFF_VNET_HDR, IFF_MULTI_QUEUE = 0x4000, 0x100
fds = []
for i in range(int(sys.argv[2])):
    fd = os.open('/dev/net/tun', os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', sys.argv[1].encode(),
                IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_MULTI_QUEUE))
    os.set_inheritable(fd, True)
    fds.append(str(fd))
args = [a.replace('@FDS@', ':'.join(fds)) for a in sys.argv[3:]]
os.execv(args[0], args)
"""

# Host side of the guest's traffic: /payload over HTTP on 8000, a sink on
# 8001 printing "SINK <sha256> <bytes>" per connection.
MQ_SERVER = """
import hashlib, http.server, os, socket, sys, threading
os.chdir(sys.argv[1])
httpd = http.server.ThreadingHTTPServer(('0.0.0.0', 8000),
                                        http.server.SimpleHTTPRequestHandler)
httpd.RequestHandlerClass.log_message = lambda *a: None
threading.Thread(target=httpd.serve_forever, daemon=True).start()
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('0.0.0.0', 8001))
srv.listen(4)
print('ready', flush=True)
while True:
    c, _ = srv.accept()
    h, n = hashlib.sha256(), 0
    while True:
        b = c.recv(65536)
        if not b:
            break
        h.update(b)
        n += len(b)
    c.close()
    print('SINK %s %d' % (h.hexdigest(), n), flush=True)
"""

MQ_NIC = 'virtio-net-pci,netdev=n0,mq=on'


def mq_info_session(argv, ns, tmp, name):
    """-S with a 2-queue tap: info network and the tap's queues on the
    host (the device detaches what the driver has not enabled)."""
    qmp_path = os.path.join(tmp, name + '.qmp')
    proc = subprocess.Popen(
        argv + ['-accel', 'tcg', '-display', 'none', '-nodefaults', '-S',
                '-qmp', 'unix:%s,server=on,wait=off' % qmp_path],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT)
    qmp = QMP(qmp_path)
    info = qmp.hmp('info network')
    queues = netns_run(ns, ['ls', '/sys/class/net/kmq0/queues'],
                       stdout=subprocess.PIPE).stdout.decode().split()
    qmp.execute('quit')
    qmp.close()
    proc.wait(10)
    return info, queues


def tap_mq_in_netns(kemu, builder, ns, tmp):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from test_linux import Guest, build_guest

    netns_run(ns, ['ip', 'link', 'set', 'lo', 'up'], check=True)
    tap = 'tap,id=n0,ifname=kmq0,script=no,downscript=no,queues=2'
    want = ('virtio-net-pci.0: index=0,type=nic,model=virtio-net-pci,'
            'macaddr=52:54:00:12:34:56\r\n'
            ' \\ n0: index=0,type=tap,ifname=kmq0,script=no,downscript=no\r\n'
            'virtio-net-pci.1: index=1,type=nic,\r\n'
            ' \\ n0: index=1,type=tap,ifname=kmq0,script=no,downscript=no\r\n')
    args = ['-netdev', tap, '-device', MQ_NIC]
    info, queues = mq_info_session(['ip', 'netns', 'exec', ns, kemu] + args,
                                   ns, tmp, 'kemu')
    check_eq(info, want, 'info network: 2-queue tap and mq NIC')
    check_eq(queues, ['rx-0', 'tx-0'],
             'tap queue 1 detached before the driver enables it')
    if QEMU:
        qinfo, _ = mq_info_session(['ip', 'netns', 'exec', ns, QEMU] + args,
                                   ns, tmp, 'qemu')
        check_eq(info, qinfo, 'same as QEMU: info network, multiqueue')
    launcher = [sys.executable, '-c', MQ_FDS_LAUNCHER, 'kmq0', '2']
    info, queues = mq_info_session(
        ['ip', 'netns', 'exec', ns] + launcher +
        [kemu, '-netdev', 'tap,id=n0,fds=@FDS@', '-device', MQ_NIC],
        ns, tmp, 'kemu-fds')
    lines = info.splitlines()
    check(len(lines) == 4 and ',fd=' in lines[1] and
          lines[3].startswith(' \\ n0: index=1,type=tap,fd=') and
          queues == ['rx-0', 'tx-0'], 'fds=A:B: two queues %r %r'
          % (info, queues))

    # The guest: traffic from each CPU through its own queue pair.
    payload = os.urandom(4 << 20)
    with open(os.path.join(tmp, 'payload'), 'wb') as f:
        f.write(payload)
    server = subprocess.Popen(['ip', 'netns', 'exec', ns, sys.executable,
                               '-c', MQ_SERVER, tmp],
                              stdout=subprocess.PIPE)
    server.stdout.readline()
    sinks = []
    threading.Thread(target=lambda: sinks.extend(server.stdout),
                     daemon=True).start()
    wrapper = os.path.join(tmp, 'kemu-in-netns')
    with open(wrapper, 'w') as f:
        f.write('#!/bin/sh\nexec ip netns exec %s %s "$@"\n' % (ns, kemu))
    os.chmod(wrapper, 0o755)
    g = Guest(wrapper, build_guest(builder), 'kemu.test=netmq',
              ['-smp', '2', '-netdev', tap, '-device', MQ_NIC + ',vectors=6'])
    try:
        line = g.wait_for('GUEST-MQ-QUEUES')
        check(line is not None and
              line.split()[1:] == ['rx-0', 'rx-1', 'tx-0', 'tx-1'],
              'guest sees 2 rx and 2 tx queues: %s' % line)
        queues = netns_run(ns, ['ls', '/sys/class/net/kmq0/queues'],
                           stdout=subprocess.PIPE).stdout.decode().split()
        check_eq(queues, ['rx-0', 'rx-1', 'tx-0', 'tx-1'],
                 'the driver enabled 2 pairs: both tap queues attached')
        netns_run(ns, ['ip', 'addr', 'add', '10.0.3.1/24', 'dev', 'kmq0'],
                  check=True)
        netns_run(ns, ['ip', 'link', 'set', 'kmq0', 'up'], check=True)
        up = g.wait_for('GUEST-MQ-UP-SUM')
        before = g.wait_for('GUEST-MQ-IRQS-BEFORE', 120)
        for cpu in '01':
            line = g.wait_for('GUEST-MQ-DOWN ' + cpu, 300)
            check(field(line, 2) == hashlib.sha256(payload).hexdigest(),
                  'host -> guest CPU %s: 4 MiB intact' % cpu)
            check(g.wait_for('GUEST-MQ-UP ' + cpu, 300) is not None,
                  'guest CPU %s -> host sent' % cpu)
        after = g.wait_for('GUEST-MQ-IRQS-AFTER', 60)
        time.sleep(1)
        want_sink = 'SINK %s %d' % (field(up, 1), 4 << 20)
        check([l.decode().strip() for l in sinks] == [want_sink] * 2,
              'guest -> host from both CPUs: 4 MiB intact each (%r)'
              % sinks)
        deltas = {}
        if before and after:
            b = dict(w.split('=') for w in before.split()[1:])
            a = dict(w.split('=') for w in after.split()[1:])
            deltas = {k: int(a[k]) - int(b.get(k, 0)) for k in a}
        print('guest interrupts per queue during the transfers: %r' % deltas)
        check(sorted(deltas) == ['input.0', 'input.1', 'output.0',
                                 'output.1'] and
              all(v > 0 for v in deltas.values()),
              'interrupts on both rx and both tx queues')
        rc = g.wait_exit(60)
        check(rc == 0, 'guest powered off (exit %r)' % rc)
        if failures:
            print('\n'.join(g.output()[-40:]))
    finally:
        g.kill()
        server.kill()
    return 0


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass


def start_http(directory):
    handler = lambda *a, **kw: QuietHandler(*a, directory=directory, **kw)
    httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def start_sink():
    """A TCP listener on 127.0.0.1 hashing what one client sends."""
    srv = socket.socket()
    srv.bind(('127.0.0.1', 0))
    srv.listen(1)
    result = {}

    def run():
        conn, _ = srv.accept()
        h = hashlib.sha256()
        n = 0
        while True:
            b = conn.recv(1 << 16)
            if not b:
                break
            h.update(b)
            n += len(b)
        result['sha'] = h.hexdigest()
        result['bytes'] = n
        conn.close()
        srv.close()

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return srv.getsockname()[1], t, result


def field(line, i):
    return line.split()[i] if line and len(line.split()) > i else None


def counter_deltas(line):
    """GUEST-NET-*-SEGS before/after key=value pairs: the differences."""
    words = line.split()[1:] if line else []
    half = len(words) // 2
    before = dict(w.split('=') for w in words[:half])
    after = dict(w.split('=') for w in words[half:])
    return ' '.join('%s %d' % (k, int(after[k]) - int(v))
                    for k, v in before.items() if k in after)


def counter_dict(text):
    """counter_deltas' "name value ..." text as a dict."""
    w = text.split()
    return {w[i]: int(w[i + 1]) for i in range(0, len(w) - 1, 2)}


def scenario_linux(kemu, builder, model):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from test_linux import Guest, build_guest

    guest_dir = build_guest(builder)
    with tempfile.TemporaryDirectory(prefix='kemu-netg-') as tmp:
        small, big = os.urandom(100000), os.urandom(MIB << 20)
        for name, data in (('small', small), ('big', big)):
            with open(os.path.join(tmp, name), 'wb') as f:
                f.write(data)
        httpd = start_http(tmp)
        ncport, sink, sunk = start_sink()
        fwd = free_port()
        qmp_path = os.path.join(tmp, 'qmp.sock')
        g = Guest(kemu, guest_dir,
                  'kemu.test=net kemu.httpport=%d kemu.ncport=%d '
                  'kemu.netmib=%d' % (httpd.server_address[1], ncport, MIB),
                  ['-smp', '1', '-qmp', 'unix:%s,server=on,wait=off'
                   % qmp_path, '-netdev',
                   'user,id=n0,hostfwd=tcp:127.0.0.1:%d-:8080,%s'
                   % (fwd, DHCP_OPTS),
                   '-device', '%s,netdev=n0' % model])
        try:
            return linux_steps(g, QMP(qmp_path), fwd, small, big, sink,
                               sunk, model,
                               os.path.basename(kemu).startswith('kemu'))
        finally:
            g.kill()
            httpd.shutdown()


# -netdev user options the guest sees through DHCP.
DHCP_OPTS = 'dhcpstart=10.0.2.20,hostname=kemu-guest,domainname=kemu.test,' \
            'dns=10.0.2.4'


def linux_steps(g, qmp, fwd, small, big, sink, sunk, model, is_kemu):
    line = g.wait_for('GUEST-NET-IP')
    check(line is not None and 'inet 10.0.2.20/24' in line,
          'DHCP gave 10.0.2.20 (dhcpstart): %s' % line)
    if line is None:
        print('\n'.join(g.output()[-40:]))
        return 1
    print(qmp.hmp('info network'), end='')
    line = g.wait_for('GUEST-NET-ROUTE')
    check(line is not None and 'default via 10.0.2.2' in line,
          'default route through 10.0.2.2')
    line = g.wait_for('GUEST-NET-DHCP')
    # A kernel message may land on the same console line ("...dns=10.0.2.4[
    # 13.41] IPv6: ..."): match the fields, not the line's end.
    check(line is not None and re.search(
          r'hostname=kemu-guest domain=kemu\.test dns=10\.0\.2\.4(\[|$)',
          line),
          'DHCP options hostname, domainname, dns: %s' % line)
    line = g.wait_for('GUEST-NET-SMALL')
    check(field(line, 1) == hashlib.sha256(small).hexdigest(),
          'wget from the host: 100000 bytes intact')
    g.wait_for('GUEST-NET-HTTPD')
    try:
        with urllib.request.urlopen('http://127.0.0.1:%d/' % fwd,
                                    timeout=30) as r:
            page = r.read()
    except OSError as e:
        page = repr(e).encode()
    check(page == b'hello from the guest\n',
          'host fetched the guest page through hostfwd: %r' % page)
    line = g.wait_for('GUEST-NET-CARRIER-WAIT')
    check(field(line, 1) == '1', 'carrier 1 before set_link')
    qmp.execute('set_link', name='n0', up=False)
    line = g.wait_for('GUEST-NET-CARRIER', 60)
    line = g.wait_for('GUEST-NET-CARRIER 0', 60) or line
    check(line is not None and line.endswith('CARRIER 0'),
          'set_link n0 off: guest sees carrier 0')
    qmp.execute('set_link', name='n0', up=True)
    line = g.wait_for('GUEST-NET-CARRIER 1', 60)
    check(line is not None, 'set_link n0 on: carrier 1 again')
    line = g.wait_for('GUEST-NET-BIG', 600)
    check(field(line, 1) == hashlib.sha256(big).hexdigest(),
          'host -> guest %d MiB intact' % MIB)
    if line:
        secs = float(field(line, 4)) - float(field(line, 3))
        print('throughput host->guest (%s): %.1f MiB/s over %.2f s'
              % (model, MIB / max(secs, 1e-3), secs))
        counts = counter_deltas(g.wait_for('GUEST-NET-DOWN-SEGS', 10))
        print('guest counters host->guest: %s' % counts)
        c = counter_dict(counts)
        if is_kemu and model == 'virtio-net-pci' and 'rxpkts' in c:
            # slirp's MSS segments coalesced into GSO frames
            # (net/rx-coalesce.c): several segments per received frame
            check(c['rxpkts'] * 4 * 1460 < MIB << 20,
                  'virtio-net host->guest: %d frames for %d MiB'
                  % (c['rxpkts'], MIB))
    up = g.wait_for('GUEST-NET-UP-SUM', 300)
    done = g.wait_for('GUEST-NET-UP-DONE', 600)
    sink.join(60)
    check(up is not None and sunk.get('sha') == field(up, 1) and
          sunk.get('bytes') == MIB << 20,
          'guest -> host %d MiB intact (%s bytes)'
          % (MIB, sunk.get('bytes')))
    if done:
        secs = float(field(done, 2)) - float(field(done, 1))
        print('throughput guest->host (%s): %.1f MiB/s over %.2f s'
              % (model, MIB / max(secs, 1e-3), secs))
        counts = counter_deltas(g.wait_for('GUEST-NET-UP-SEGS', 10))
        print('guest counters guest->host: %s' % counts)
        c = counter_dict(counts)
        if is_kemu and model == 'e1000' and 'irqs' in c:
            # a sender that only gets ACKs back is interrupted once per
            # 1 ms window, not per 128 us (hw/net/e1000.c): idle, one per
            # 10-30 packets; at load 3-4 one per 4-6 was seen, one per
            # packet before the window
            check(c['irqs'] * 3 < c['txpkts'],
                  'e1000 guest->host: %d interrupts for %d packets'
                  % (c['irqs'], c['txpkts']))
    rc = g.wait_exit(60)
    check(rc == 0, 'guest powered off (exit %r)' % rc)
    if failures:
        print('\n'.join(g.output()[-40:]))
    return 0


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    kemu, scenario = sys.argv[1], sys.argv[2]
    if scenario == 'host':
        scenario_host(kemu)
    elif scenario == 'linux' or (len(sys.argv) == 5 and
                                 sys.argv[3] == 'linux'):
        scenario_linux(kemu, sys.argv[2], sys.argv[4])
    elif len(sys.argv) == 4 and sys.argv[3] == 'tap-mq':
        if in_netns(tap_mq_in_netns, kemu, sys.argv[2]) == SKIP:
            return SKIP
    elif scenario == 'tap':
        if scenario_tap(kemu) == SKIP:
            return SKIP
    else:
        print(__doc__)
        return 2
    if failures:
        print('%d check(s) failed' % len(failures))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
