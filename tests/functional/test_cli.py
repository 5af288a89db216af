#!/usr/bin/env python3
"""Command-line behaviour of kemu-system-x86_64 against QEMU 7.2's texts.

    test_cli.py KEMU_BINARY

Informational options must print QEMU's layout and exit 0; a bad option
must print QEMU's message (with kemu's program name and the option as
location) on stderr and exit 1, before any guest runs.
"""
import os
import subprocess
import sys
import unittest

KEMU = None
PROG = 'kemu-system-x86_64'
SIZE_HINT = ('Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, '
             'tera-, peta-\nand exabytes, respectively.\n')


def run(*args, timeout=20):
    return subprocess.run([KEMU] + list(args), stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=timeout, universal_newlines=True)


class InfoOptions(unittest.TestCase):
    def test_version(self):
        p = run('-version')
        self.assertEqual(p.returncode, 0)
        lines = p.stdout.splitlines()
        self.assertEqual(len(lines), 2)
        self.assertTrue(lines[0].startswith('QEMU emulator version 7.2.0 '
                                            '(kemu '), lines[0])
        self.assertTrue(lines[1].startswith('Copyright (c) '))
        self.assertEqual(p.stderr, '')

    def test_help(self):
        for opt in ('-h', '-help', '--help'):
            p = run(opt)
            self.assertEqual(p.returncode, 0)
            self.assertTrue(p.stdout.startswith('QEMU emulator version'))
            self.assertIn('\nusage: %s [options] [disk_image]\n' % PROG,
                          p.stdout)
            self.assertIn('\nStandard options:\n', p.stdout)
            self.assertIn('\n-machine [type=]name[,prop[=value][,...]]\n',
                          p.stdout)
            self.assertIn('\n-nodefaults     don\'t create default devices\n',
                          p.stdout)

    def test_machine_help(self):
        p = run('-machine', 'help')
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(p.stdout.startswith('Supported machines are:\n'))
        self.assertRegex(p.stdout, r'\npc +Standard PC \(i440FX \+ PIIX, '
                         r'1996\) \(alias of pc-i440fx-7.2\)\n')

    def test_device_help(self):
        p = run('-device', 'help')
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('name "isa-debug-exit"', p.stdout)
        p = run('-device', 'isa-debug-exit,help')
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('isa-debug-exit options:\n', p.stdout)
        self.assertIn('  iobase=<uint32>', p.stdout)

    def test_accel_help(self):
        p = run('-accel', 'help')
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(p.stdout.startswith(
            'Accelerators supported in QEMU binary:\n'))
        self.assertIn('\ntcg\n', p.stdout)

    def test_cpu_help(self):
        p = run('-cpu', 'help')
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(p.stdout.startswith('Available CPUs:\n'))
        self.assertIn('qemu64', p.stdout)


# (arguments, expected stderr after "kemu-system-x86_64: ")
BAD_OPTIONS = [
    (['-no-such-option'], '-no-such-option: invalid option\n'),
    (['-m'], '-m: requires an argument\n'),
    (['-m', '12q'], "-m 12q: Parameter 'size' expects a non-negative number "
     "below 2^64\n" + SIZE_HINT),
    (['-m', 'foo=1'], "-m foo=1: Invalid parameter 'foo'\n"),
    (['-m', '1G,maxmem=512M'], 'invalid value of maxmem: maximum memory '
     'size (0x20000000) must be at least the initial memory size '
     '(0x40000000)\n'),
    (['-accel', 'nosuchaccel'],
     '-accel nosuchaccel: invalid accelerator nosuchaccel\n'),
    (['-machine', 'nosuchmachine'], 'unsupported machine type\n'
     'Use -machine help to list supported machines\n'),
    (['-machine', 'pc,foo=bar'],
     "Property 'pc-i440fx-7.2-machine.foo' not found\n"),
    (['-smp', '300'], "Invalid SMP CPUs 300. The max CPUs supported by "
     "machine 'pc-i440fx-7.2' is 255\n"),
    (['-smp', 'cpus=2,sockets=3'], 'Invalid CPU topology: product of the '
     'hierarchy must match maxcpus: sockets (3) * dies (1) * cores (0) * '
     'threads (1) != maxcpus (2)\n'),
    (['-smp', 'foo=1'], "Parameter 'smp.foo' is unexpected\n"),
    (['-display', 'foo'],
     "-display foo: Parameter 'type' does not accept value 'foo'\n"),
    (['-name', 'foo,bar=1'], "-name foo,bar=1: Invalid parameter 'bar'\n"),
    (['-vga', 'foo'], 'unknown vga type: foo\n'),
    (['-boot', 'order=cc'], "Boot device 'c' was given twice\n"),
    (['-device', 'nosuch'],
     "-device nosuch: 'nosuch' is not a valid device model name\n"),
    (['-device', 'isa-debug-exit,foo=1'],
     "-device isa-debug-exit,foo=1: Property 'isa-debug-exit.foo' not "
     "found\n"),
    (['-device', 'isa-debug-exit,id=1x'],
     "-device isa-debug-exit,id=1x: Parameter 'id' expects an identifier\n"
     "Identifiers consist of letters, digits, '-', '.', '_', starting with "
     "a letter.\n"),
    (['-device', 'isa-debug-exit,id=a', '-device', 'isa-debug-exit,id=a'],
     "-device isa-debug-exit,id=a: Duplicate ID 'a' for device\n"),
    (['-chardev', 'foo,id=x'],
     "-chardev foo,id=x: 'foo' is not a valid char driver name\n"),
    (['-serial', 'foo'], "-serial foo: 'foo' is not a valid char driver\n"
     + PROG + ": -serial foo: could not connect serial device to character "
     "backend 'foo'\n"),
    (['-cpu', 'foo'], "unable to find CPU model 'foo'\n"),
    (['-D', '/nonexistent/x.log', '-d', 'int'],
     'Error opening logfile /nonexistent/x.log: No such file or '
     'directory\n'),
]


class BadOptions(unittest.TestCase):
    def test_bad_options(self):
        for args, expected in BAD_OPTIONS:
            with self.subTest(args=' '.join(args)):
                p = run('-display', 'none', '-nodefaults', '-S', *args)
                self.assertEqual(p.stderr, PROG + ': ' + expected)
                self.assertEqual(p.returncode, 1)
                self.assertEqual(p.stdout, '')

    def test_unknown_log_item(self):
        p = run('-display', 'none', '-d', 'foo')
        self.assertEqual(p.returncode, 1)
        self.assertTrue(p.stdout.startswith('Log items (comma separated):\n'))


@unittest.skipIf(os.path.exists('/dev/kvm'), '/dev/kvm exists')
class KvmMissing(unittest.TestCase):
    def test_accel_kvm(self):
        p = run('-accel', 'kvm', '-display', 'none', '-nodefaults', '-S')
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr,
                         'Could not access KVM kernel module: No such file '
                         'or directory\n' + PROG + ': -accel kvm: failed to '
                         'initialize kvm: No such file or directory\n')

    def test_enable_kvm(self):
        p = run('-enable-kvm', '-display', 'none', '-nodefaults', '-S')
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr,
                         'Could not access KVM kernel module: No such file '
                         'or directory\n' + PROG + ': failed to initialize '
                         'kvm: No such file or directory\n')


if __name__ == '__main__':
    KEMU = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
