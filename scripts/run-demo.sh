#!/bin/bash
# `make run`: boot the demo guest (tests/guests/smp.elf: two vCPUs, COM1
# output on stdout) with KVM when usable, else the software CPU.
set -euo pipefail
build=${1:-build}
kemu="$build/kemu-system-x86_64"
guest="$build/tests/guests/smp.elf"
if [ ! -x "$kemu" ] || [ ! -f "$guest" ]; then
    echo "run-demo: $kemu or $guest missing; run 'make' first" >&2
    exit 1
fi
echo "run-demo: $kemu -accel kvm:tcg -smp 2 -kernel $guest"
set +e
"$kemu" -accel kvm:tcg -m 128 -smp 2 -nodefaults -display none \
    -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -kernel "$guest"
status=$?
set -e
# The guest reports success by writing 0x10 to isa-debug-exit: (0x10<<1)|1.
if [ "$status" -eq 33 ]; then
    echo "run-demo: guest passed (exit status 33)"
    exit 0
fi
echo "run-demo: guest failed (exit status $status)" >&2
exit 1
