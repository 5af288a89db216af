#!/usr/bin/env python3
"""Run one tiny guest under kemu and check its COM1 output and exit status.

    run_guest.py --kemu BIN --accel kvm|tcg --guest IMAGE --expect FILE
                 [--status N] [--timeout S] [-- EXTRA-ARGS...]

The expected text may contain @KERNEL@ (the guest path) and @DIR@ (the
directory of the expected file).  KVM rows exit 77 (meson's "skipped")
with a printed reason when /dev/kvm is absent, or when this host's KVM
cannot run the guest and QEMU (--qemu) fails identically.
"""
import argparse
import difflib
import os
import subprocess
import sys
import threading
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--kemu', required=True)
    ap.add_argument('--accel', required=True)
    ap.add_argument('--guest', required=True)
    ap.add_argument('--expect', required=True)
    ap.add_argument('--status', type=int, default=33)
    ap.add_argument('--timeout', type=float, default=60)
    ap.add_argument('--qemu', help='QEMU binary: the oracle when KVM '
                    'stops with an internal error')
    ap.add_argument('extra', nargs='*')
    args = ap.parse_args()

    if args.accel == 'kvm' and not os.access('/dev/kvm', os.R_OK | os.W_OK):
        print('SKIP: /dev/kvm is not present or not accessible; '
              'KVM rows need hardware virtualisation')
        return 77

    subst = {'@KERNEL@': args.guest,
             '@DIR@': os.path.dirname(os.path.abspath(args.expect))}
    with open(args.expect) as f:
        expected = f.read()
    extra = []
    for a in args.extra:
        for k, v in subst.items():
            expected = expected.replace(k, v)
            a = a.replace(k, v)
        extra.append(a)
    for k, v in subst.items():
        expected = expected.replace(k, v)

    cmd = guest_cmd(args.kemu, args.accel, args.guest, extra)
    print('running:', ' '.join(cmd))
    r = run(cmd, args.timeout)
    if r is None:
        return 1
    out, err, status = r
    dump = kvm_error_dump(err)
    if dump is not None and 'kvm' in args.accel:
        return judge_kvm_internal_error(args, extra, out, dump)
    ok = True
    if out != expected:
        ok = False
        print('FAIL: serial output differs')
        print('--- expected ---')
        print(expected, end='')
        print('--- got ---')
        print(out, end='')
    if status != args.status:
        ok = False
        print('FAIL: exit status %s, expected %d' % (status, args.status))
    if err:
        print('--- stderr ---')
        print(err, end='')
    if ok:
        print('PASS: %s under %s' % (os.path.basename(args.guest), args.accel))
        return 0
    return 1


def guest_cmd(binary, accel, guest, extra):
    return [binary, '-accel', accel, '-m', '128', '-nodefaults',
            '-display', 'none', '-serial', 'stdio',
            '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04',
            '-kernel', guest] + extra


def run(cmd, timeout):
    """Run @cmd; return (stdout, stderr, exit status or 'stopped').

    After a KVM internal error both QEMU and kemu print a register dump
    ending in a "Code=" line and pause the VM instead of exiting; the run
    is then ended here once the dump is complete.
    """
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    bufs = {'out': b'', 'err': b''}

    def reader(name, f):
        for chunk in iter(lambda: f.read1(4096), b''):
            bufs[name] += chunk

    threads = [threading.Thread(target=reader, args=('out', p.stdout)),
               threading.Thread(target=reader, args=('err', p.stderr))]
    for t in threads:
        t.start()
    deadline = time.monotonic() + timeout
    status = None
    while status is None:
        try:
            status = p.wait(timeout=0.05)
        except subprocess.TimeoutExpired:
            if kvm_error_dump(bufs['err'].decode(errors='replace')):
                p.kill()
                p.wait()
                status = 'stopped'
            elif time.monotonic() > deadline:
                p.kill()
                p.wait()
                for t in threads:
                    t.join()
                print('FAIL: timed out after %gs' % timeout)
                print('--- output so far ---')
                print(bufs['out'].decode(errors='replace'))
                print(bufs['err'].decode(errors='replace'), file=sys.stderr)
                return None
    for t in threads:
        t.join()
    return (bufs['out'].decode(errors='replace'),
            bufs['err'].decode(errors='replace'), status)


def kvm_error_dump(err):
    """The lines from "KVM internal error" to "Code=", once all printed."""
    lines = err.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith('KVM internal error.'):
            for j in range(i, len(lines)):
                if lines[j].startswith('Code=') and lines[j].endswith('\n'):
                    return ''.join(lines[i:j + 1])
            return None
    return None


def judge_kvm_internal_error(args, extra, out, dump):
    """KVM gave up on the guest: a kemu bug, or this host's KVM?

    Some hosts run guests through KVM's instruction emulator, which refuses
    opcodes such as IRET or INT in some modes.  QEMU is the oracle: when it
    stops on the same instruction with the same serial output and the same
    register dump, the row is skipped (exit 77) with that reason; any
    difference is a failure.
    """
    print('kemu stopped with a KVM internal error:')
    print(dump, end='')
    if not args.qemu:
        print('FAIL: KVM internal error, and no QEMU to tell whether this '
              'host\'s KVM is the cause')
        return 1
    qcmd = guest_cmd(args.qemu, 'kvm', args.guest, extra)
    print('cross-checking with QEMU:', ' '.join(qcmd))
    r = run(qcmd, args.timeout)
    if r is None:
        return 1
    qout, qerr, _ = r
    qdump = kvm_error_dump(qerr)
    if qdump is None:
        print('FAIL: QEMU runs this guest under KVM; kemu does not')
        print('--- QEMU stderr ---')
        print(qerr, end='')
        return 1
    ok = True
    if qout != out:
        ok = False
        print('FAIL: serial output before the error differs from QEMU\'s')
        print('--- QEMU ---')
        print(qout, end='')
        print('--- kemu ---')
        print(out, end='')
    if qdump != dump:
        ok = False
        print('FAIL: the KVM error report differs from QEMU\'s')
        print(''.join(difflib.unified_diff(
            qdump.splitlines(keepends=True), dump.splitlines(keepends=True),
            'qemu', 'kemu')), end='')
    if not ok:
        return 1
    rip = [l for l in dump.splitlines() if l.startswith(('RIP=', 'EIP='))]
    print('SKIP: this host\'s KVM cannot emulate the instruction at %s; '
          'QEMU 7.2 stops at the same place with the same serial output '
          'and register dump' % (rip[0].split()[0] if rip else '?'))
    return 77


if __name__ == '__main__':
    sys.exit(main())
