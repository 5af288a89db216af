#!/usr/bin/env python3
"""Run one tiny guest under kemu and check its COM1 output and exit status.

    run_guest.py --kemu BIN --accel kvm|tcg --guest IMAGE --expect FILE
                 [--status N] [--timeout S] [-- EXTRA-ARGS...]

The expected text may contain @KERNEL@ (the guest path) and @DIR@ (the
directory of the expected file).  KVM rows exit 77 (meson's "skipped")
with a printed reason when /dev/kvm is absent.
"""
import argparse
import os
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--kemu', required=True)
    ap.add_argument('--accel', required=True)
    ap.add_argument('--guest', required=True)
    ap.add_argument('--expect', required=True)
    ap.add_argument('--status', type=int, default=33)
    ap.add_argument('--timeout', type=float, default=60)
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

    cmd = [args.kemu, '-accel', args.accel, '-m', '128', '-nodefaults',
           '-display', 'none', '-serial', 'stdio',
           '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04',
           '-kernel', args.guest] + extra
    print('running:', ' '.join(cmd))
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=args.timeout)
    except subprocess.TimeoutExpired as e:
        print('FAIL: timed out after %gs' % args.timeout)
        print('--- output so far ---')
        print((e.stdout or b'').decode(errors='replace'))
        print((e.stderr or b'').decode(errors='replace'), file=sys.stderr)
        return 1
    out = p.stdout.decode(errors='replace')
    err = p.stderr.decode(errors='replace')
    ok = True
    if out != expected:
        ok = False
        print('FAIL: serial output differs')
        print('--- expected ---')
        print(expected, end='')
        print('--- got ---')
        print(out, end='')
    if p.returncode != args.status:
        ok = False
        print('FAIL: exit status %d, expected %d' % (p.returncode, args.status))
    if err:
        print('--- stderr ---')
        print(err, end='')
    if ok:
        print('PASS: %s under %s' % (os.path.basename(args.guest), args.accel))
        return 0
    return 1


if __name__ == '__main__':
    sys.exit(main())
