#!/bin/bash
# `make run`: fetch and build the Linux test guest (Debian's kernel and a
# busybox initramfs, cached in ~/.cache/kemu/guest) and boot it to a shell
# on this terminal.  Ctrl-a c switches to the monitor and back, Ctrl-a x
# quits; `poweroff` in the guest ends kemu.
#   scripts/run-linux.sh [BUILD_DIR]    KEMU_ACCEL=kvm:tcg to try KVM first
# The software CPU is the default: on hosts whose KVM steps guest code
# through its instruction emulator, KVM is thousands of times slower.
set -euo pipefail
build=${1:-build}
kemu="$build/kemu-system-x86_64"
if [ ! -x "$kemu" ]; then
    echo "run-linux: $kemu missing; run 'make' first" >&2
    exit 1
fi
guest=$(tests/guests/linux/build-linux-guest.sh)
accel=${KEMU_ACCEL:-tcg}
# no_timer_check: the kernel's IO-APIC timer check counts ticks in a TSC-timed
# loop and panics when a busy host stalls the process meanwhile (QEMU too).
set -x
exec "$kemu" -accel "$accel" -m 512 -smp 2 -nographic \
    -kernel "$guest/vmlinuz" -initrd "$guest/initrd.gz" \
    -append "console=ttyS0 no_timer_check"
