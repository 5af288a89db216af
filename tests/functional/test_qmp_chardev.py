#!/usr/bin/env python3
"""chardev-add / chardev-remove (QMP and HMP) against QEMU 7.2.

    test_qmp_chardev.py KEMU_BINARY

Each scenario runs on kemu and, when qemu-system-x86_64 is installed, on
QEMU 7.2 started the same way; replies (QEMU's texts where kemu's are
fixed here) must agree.  The backends must really exist afterwards: the
socket accepts a client, the file is created, the pty path is a tty,
query-chardev lists them and chardev-remove takes them away.
"""
import json
import os
import socket
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_qmp_cpu  # noqa: E402
from test_qmp_cpu import Vm  # noqa: E402


def add(vm, id, type, **data):
    return vm.cmd('chardev-add', id=id, backend={'type': type, 'data': data})


def unix_addr(path):
    return {'type': 'unix', 'data': {'path': path}}


def chardevs(vm):
    """query-chardev as {label: (filename, frontend-open)}."""
    return {c['label']: (c['filename'], c['frontend-open'])
            for c in vm.cmd('query-chardev')['return']}


def err(desc):
    return {'error': {'class': 'GenericError', 'desc': desc}}


class Chardev(unittest.TestCase):
    args = ()

    def setUp(self):
        self.vms = [Vm(test_qmp_cpu.KEMU, self.args)]
        if test_qmp_cpu.QEMU:
            self.vms.append(Vm(test_qmp_cpu.QEMU, self.args))

    def tearDown(self):
        for vm in self.vms:
            vm.close()

    def each(self, fn):
        """fn(vm) on kemu and QEMU: the results must be equal."""
        out = [fn(vm) for vm in self.vms]
        for o in out[1:]:
            self.assertEqual(out[0], o)
        return out[0]

    def test_socket_file_null(self):
        def scenario(vm):
            path = os.path.join(vm.dir, 's1.sock')
            log = os.path.join(vm.dir, 'f1.log')
            r = [add(vm, 's1', 'socket', addr=unix_addr(path), server=True,
                     wait=False),
                 add(vm, 'f1', 'file', out=log, append=True),
                 add(vm, 'n1', 'null')]
            cd = chardevs(vm)
            r.append(sorted((k, v[0].replace(vm.dir, 'DIR'), v[1])
                            for k, v in cd.items()))
            client = socket.socket(socket.AF_UNIX)
            client.connect(path)            # the server socket listens
            r.append(os.path.exists(log))
            r += [vm.cmd('chardev-remove', id='s1'),
                  vm.cmd('chardev-remove', id='f1'),
                  vm.cmd('chardev-remove', id='s1')]
            client.close()
            r.append(sorted(chardevs(vm)))
            r.append(os.path.exists(path))
            return r
        r = self.each(scenario)
        self.assertEqual(r[0:3], [{'return': {}}] * 3)
        self.assertIn(('s1', 'disconnected:unix:DIR/s1.sock,server=on',
                       False), r[3])
        self.assertIn(('f1', 'file', False), r[3])
        self.assertEqual(r[4], True)
        self.assertEqual(r[7], err("Chardev 's1' not found"))
        self.assertEqual(r[8], ['compat_monitor0', 'n1'])
        self.assertEqual(r[9], False)      # the listening socket is gone

    def test_pty(self):
        def scenario(vm):
            r = add(vm, 'p1', 'pty')
            pty = r['return']['pty']
            fd = os.open(pty, os.O_RDWR | os.O_NOCTTY)
            self.assertTrue(os.isatty(fd))
            os.close(fd)
            self.assertEqual(chardevs(vm)['p1'], ('pty:' + pty, False))
            return sorted(r['return'])
        self.assertEqual(self.each(scenario), ['pty'])

    def test_errors(self):
        cases = [
            ('n1', {'type': 'null', 'data': {}}, None),
            ('n1', {'type': 'null', 'data': {}},
             "Chardev with id 'n1' already exists"),
            ('x', {'type': 'bogus', 'data': {}},
             "Parameter 'type' does not accept value 'bogus'"),
            ('x', {'type': 'null'}, "Parameter 'backend.data' is missing"),
            ('x', {'data': {}}, "Parameter 'backend.type' is missing"),
            ('x', 'str',
             "Invalid parameter type for 'backend', expected: object"),
            ('x', {'type': 'null', 'data': {'foo': 1}},
             "Parameter 'backend.data.foo' is unexpected"),
            ('x', {'type': 'file', 'data': {}},
             "Parameter 'backend.data.out' is missing"),
            ('x', {'type': 'file', 'data': {'out': 1}},
             "Invalid parameter type for 'backend.data.out', "
             "expected: string"),
            ('x', {'type': 'file', 'data': {'out': '/nonexistent/d/f'}},
             "Failed to add chardev 'x': Could not open "
             "'/nonexistent/d/f': No such file or directory"),
            ('x', {'type': 'socket',
                   'data': {'addr': {'type': 'unix', 'data': {}}}},
             "Parameter 'backend.data.addr.data.path' is missing"),
            ('x', {'type': 'socket', 'data': {'addr': {
                'type': 'inet', 'data': {'host': '127.0.0.1'}}}},
             "Parameter 'backend.data.addr.data.port' is missing"),
            ('x', {'type': 'socket', 'data': {
                'addr': unix_addr('/tmp/x'), 'server': 'yes'}},
             "Invalid parameter type for 'backend.data.server', "
             "expected: boolean"),
            # QMP takes any id, -chardev only identifiers.
            ('1bad', {'type': 'null', 'data': {}}, None),
        ]

        def scenario(vm):
            return [vm.cmd('chardev-add', id=i, backend=b)
                    for i, b, _ in cases] + [
                vm.cmd('chardev-add', id='x'),
                vm.cmd('chardev-remove')]
        got = self.each(scenario)
        for (i, b, desc), r in zip(cases, got):
            self.assertEqual(r, err(desc) if desc else {'return': {}}, i)
        self.assertEqual(got[-2:], [err("Parameter 'backend' is missing"),
                                    err("Parameter 'id' is missing")])

    def test_hmp(self):
        def scenario(vm):
            path = os.path.join(vm.dir, 'h.sock')
            r = [vm.hmp('chardev-add socket,id=h1,path=%s,server=on,'
                        'wait=off' % path),
                 vm.hmp('chardev-add null,id=h1'),
                 vm.hmp('chardev-add bogus,id=x'),
                 vm.hmp('chardev-add null'),
                 vm.hmp('chardev-add null,id=n1,foo=bar'),
                 vm.hmp('chardev-add null,id=1bad'),
                 vm.hmp('chardev-add ,,'),
                 vm.hmp('chardev-add'),
                 vm.hmp('chardev-add file,id=f'),
                 vm.hmp('chardev-add null,id=m,mux=on'),
                 vm.hmp('chardev-remove m'),
                 vm.hmp('chardev-remove h1'),
                 vm.hmp('chardev-remove h1'),
                 vm.hmp('chardev-remove'),
                 vm.hmp('help chardev-add'),
                 vm.hmp('help chardev-remove')]
            return [x['return'] for x in r], sorted(chardevs(vm))
        texts, left = self.each(scenario)
        self.assertEqual(texts[0], '')
        self.assertEqual(texts[4], "Invalid parameter 'foo'\r\n"
                         "Error: Parsing chardev args failed\r\n")
        self.assertEqual(texts[10], "Error: Chardev 'm' is busy\r\n")
        self.assertEqual(texts[11], '')
        self.assertEqual(texts[12], "Error: Chardev 'h1' not found\r\n")
        self.assertEqual(texts[15], 'chardev-remove id -- remove chardev\r\n')
        self.assertEqual(left, ['compat_monitor0', 'm', 'm-base'])


class ChardevBusy(Chardev):
    """A chardev a device holds cannot be removed."""
    args = ('-chardev', 'socket,id=c0,path=@DIR@/c0.sock,server=on,wait=off',
            '-serial', 'chardev:c0')

    def test_busy(self):
        r = self.each(lambda vm: [vm.cmd('chardev-remove', id='c0'),
                                  vm.hmp('chardev-remove c0')])
        self.assertEqual(r, [err("Chardev 'c0' is busy"),
                             {'return': "Error: Chardev 'c0' is busy\r\n"}])

    # The scenarios of Chardev need no second run with a serial port.
    test_socket_file_null = test_pty = test_errors = test_hmp = None


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    test_qmp_cpu.KEMU = sys.argv[1]
    unittest.main(argv=sys.argv[:1], verbosity=2)


if __name__ == '__main__':
    main()
