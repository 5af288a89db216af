#!/usr/bin/env python3
"""query-cpu-definitions and query-cpu-model-expansion against QEMU 7.2.

    test_qmp_cpu.py KEMU_BINARY REFERENCE_DIR

Each command goes to kemu and, when qemu-system-x86_64 is installed, to
QEMU 7.2 started the same way (-S -nodefaults, TCG, QMP on a unix socket);
without QEMU, query-cpu-definitions is checked against the stored
transcript REFERENCE_DIR/17-query-cpu-definitions.json.txt.  Replies must
have QEMU's shape, and QEMU's values where the two machines agree: every
field but unavailable-features for every model; unavailable-features for
the models whose features both software CPUs run (kemu's runs no SSSE3,
SSE4, AVX, SVM...: it must then list them, as QEMU does for a missing
feature).  Errors for bad arguments must be QEMU's class and text.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

KEMU = None
REFERENCE = None
QEMU = shutil.which('qemu-system-x86_64')
TIMEOUT = 20

# Models whose unavailable features agree under both software CPUs.
SAME_FEATURES = ['max', 'host', 'base', 'qemu32', 'qemu32-v1', 'pentium',
                 'pentium2', 'pentium3', 'kvm64', 'kvm32', 'athlon',
                 'Opteron_G1', '486', '486-v1']


class Vm:
    """An emulator stopped before start (-S) with QMP on a unix socket;
    "@DIR@" in @args is its private directory."""

    def __init__(self, binary, args=()):
        self.dir = tempfile.mkdtemp(prefix='kemu-qmpcpu-')
        path = os.path.join(self.dir, 'qmp.sock')
        self.proc = subprocess.Popen(
            [binary, '-S', '-nodefaults', '-display', 'none', '-accel', 'tcg',
             '-m', '128', '-qmp', 'unix:%s,server=on,wait=off' % path] +
            [a.replace('@DIR@', self.dir) for a in args],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE)
        deadline = time.time() + TIMEOUT
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if self.proc.poll() is not None or time.time() > deadline:
                    raise AssertionError('%s did not start: %s' % (
                        binary, self.proc.stderr.read()))
                time.sleep(0.05)
        self.sock.settimeout(TIMEOUT)
        self.file = self.sock.makefile('rb')
        self.recv()                                   # greeting
        self.cmd('qmp_capabilities')

    def recv(self):
        while True:
            line = self.file.readline()
            if not line:
                raise AssertionError('QMP connection closed')
            msg = json.loads(line)
            if 'event' not in msg:
                return msg

    def hmp(self, line):
        return self.cmd('human-monitor-command', **{'command-line': line})

    def cmd(self, name, **args):
        msg = {'execute': name}
        if args:
            msg['arguments'] = args
        self.sock.sendall(json.dumps(msg).encode() + b'\n')
        return self.recv()

    def close(self):
        self.sock.close()
        self.proc.kill()
        self.proc.wait()
        self.proc.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def reference_definitions():
    """query-cpu-definitions' reply in QEMU's transcript (its 'return')."""
    path = os.path.join(REFERENCE, '17-query-cpu-definitions.json.txt')
    with open(path) as f:
        for line in f:
            if line.startswith('<- (raw) '):
                reply, _ = json.JSONDecoder().raw_decode(line[9:])
                return reply['return']
    raise AssertionError('no reply in ' + path)


def expand(vm, kind, name, props=None):
    model = {'name': name}
    if props is not None:
        model['props'] = props
    return vm.cmd('query-cpu-model-expansion', type=kind, model=model)


class Both(unittest.TestCase):
    """Runs each scenario on kemu and, if installed, on QEMU."""

    def setUp(self):
        self.kemu = Vm(KEMU)
        self.qemu = Vm(QEMU) if QEMU else None

    def tearDown(self):
        self.kemu.close()
        if self.qemu:
            self.qemu.close()

    def both(self, fn):
        return fn(self.kemu), fn(self.qemu) if self.qemu else None


class CpuDefinitions(Both):
    def test_definitions(self):
        got, ref = self.both(lambda vm: vm.cmd('query-cpu-definitions'))
        got = got['return']
        ref = ref['return'] if ref else reference_definitions()
        by_name = {d['name']: d for d in got}
        self.assertEqual(len(by_name), len(got), 'duplicate names')
        self.assertEqual(sorted(by_name), sorted(d['name'] for d in ref))
        for r in ref:
            g = by_name[r['name']]
            self.assertEqual(list(g), list(r), r['name'])
            for k in r:
                if k != 'unavailable-features':
                    self.assertEqual(g[k], r[k], (r['name'], k))
            if r['name'] in SAME_FEATURES:
                self.assertEqual(g['unavailable-features'],
                                 r['unavailable-features'], r['name'])
        # What kemu's software CPU lacks is listed, in QEMU's word order.
        self.assertEqual(by_name['core2duo']['unavailable-features'],
                         ['monitor', 'vmx', 'ssse3'])
        self.assertIn('avx2', by_name['Haswell-v4']['unavailable-features'])
        self.assertEqual(by_name['Haswell']['alias-of'], 'Haswell-v1')
        self.assertEqual(by_name['Haswell-noTSX']['alias-of'], 'Haswell-v2')

    def test_definitions_bad_argument(self):
        got, ref = self.both(lambda vm: vm.cmd('query-cpu-definitions', x=1))
        self.assertEqual(got, {'error': {
            'class': 'GenericError', 'desc': "Parameter 'x' is unexpected"}})
        if ref:
            self.assertEqual(got, ref)


class ModelExpansion(Both):
    def compare(self, kind, name, props=None):
        """kemu's props are a subset of QEMU's, with QEMU's values."""
        got, ref = self.both(lambda vm: expand(vm, kind, name, props))
        self.assertEqual(list(got), ['return'], got)
        model = got['return']['model']
        self.assertEqual(list(model), ['name', 'props'])
        self.assertEqual(model['name'], 'base' if kind == 'static' else name)
        if ref:
            self.assertEqual(model['name'], ref['return']['model']['name'])
            rp = ref['return']['model']['props']
            for k, v in model['props'].items():
                self.assertIn(k, rp)
                self.assertEqual((k, v), (k, rp[k]), (kind, name))
        return model['props']

    def test_static(self):
        p = self.compare('static', 'qemu64')
        self.assertEqual((p['lm'], p['sse2'], p['ssse3'], p['vendor']),
                         (True, True, False, 'AuthenticAMD'))
        self.assertNotIn('level', p)
        self.compare('static', 'pentium3')

    def test_full_with_props(self):
        p = self.compare('full', 'qemu64', {'sse4.1': True, 'sse4_2': True,
                                            'family': 6, 'model-id': 'a,b',
                                            'lm': False})
        self.assertEqual((p['sse4.1'], p['sse4.2'], p['lm'], p['family'],
                          p['model-id'], p['level']),
                         (True, True, False, 6, 'a,b', 13))
        p = self.compare('full', 'Haswell', {'avx2': False})
        self.assertEqual((p['avx2'], p['fma'], p['hle']), (False, True, True))

    def test_props_not_an_object(self):
        # QEMU 7.2 ignores props that are not a dictionary.
        self.compare('static', 'kvm64', [1])

    def test_errors(self):
        cases = [
            ({'type': 'static', 'model': {'name': 'nosuch'}},
             "CPU model 'nosuch' not found"),
            ({'type': 'bogus', 'model': {'name': 'qemu64'}},
             "Parameter 'type' does not accept value 'bogus'"),
            ({'type': 'static'}, "Parameter 'model' is missing"),
            ({'type': 'full', 'model': {'name': 'qemu64',
                                        'props': {'nosuchprop': True}}},
             "Property 'qemu64-x86_64-cpu.nosuchprop' not found"),
            ({'type': 'full', 'model': {'name': 'qemu64',
                                        'props': {'family': 'x'}}},
             "Invalid parameter type for 'family', expected: integer"),
            ({'type': 'full', 'model': {'name': 'qemu64',
                                        'props': {'sse4.1': 'x'}}},
             "Invalid parameter type for 'sse4.1', expected: boolean"),
            ({'type': 'full', 'model': {'name': 'qemu64',
                                        'props': {'vendor': 1}}},
             "Invalid parameter type for 'vendor', expected: string"),
        ]
        for args, desc in cases:
            got, ref = self.both(
                lambda vm: vm.cmd('query-cpu-model-expansion', **args))
            self.assertEqual(got, {'error': {'class': 'GenericError',
                                             'desc': desc}}, args)
            if ref:
                self.assertEqual(got, ref, args)


def main():
    global KEMU, REFERENCE
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    KEMU, REFERENCE = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=2)


if __name__ == '__main__':
    main()
