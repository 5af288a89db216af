#!/bin/sh
# kemu-img convert next to qemu-img convert on the same 1 GiB image (a third
# random, a third zero, a third compressible text), median of 3 runs each,
# the tools alternating:
# raw -> qcow2, qcow2 -> raw.  Usage: scripts/bench-img.sh [BUILD_DIR]
set -e
build=${1:-build}
kemu_img=$build/kemu-img
command -v qemu-img >/dev/null || { echo "qemu-img not installed"; exit 77; }
dir=$(mktemp -d /var/tmp/kemu-bench-img.XXXXXX)
trap 'rm -rf "$dir"' EXIT
python3 - "$dir/src.raw" <<'PY'
import os, sys
with open(sys.argv[1], 'wb') as f:
    for i in range(1024):
        k = i % 3
        f.write(os.urandom(1 << 20) if k == 0 else bytes(1 << 20) if k == 1
                else (b"kemu bench %6d " % i) * 58254 + bytes((1 << 20) - 58254 * 18))
PY
median() { sort -n | sed -n 2p; }
# one timed conversion; sync first so the previous run's dirty pages are
# written back before, not during, this one
time_once() {  # out tool args...
    out=$1; shift
    rm -f "$out"
    sync
    s=$(date +%s.%N)
    "$@" >/dev/null
    e=$(date +%s.%N)
    echo "$e - $s" | bc
}
qemu_img=$(command -v qemu-img)
qemu-img convert -f raw -O qcow2 "$dir/src.raw" "$dir/src-qemu-img.qcow2"
"$kemu_img" convert -f raw -O qcow2 "$dir/src.raw" "$dir/src-kemu-img.qcow2"
# the two tools alternate, three runs each, so both see the same load
for i in 1 2 3; do
    for tool in "$qemu_img" "$kemu_img"; do
        n=$(basename "$tool")
        time_once "$dir/out" "$tool" convert -f raw -O qcow2 "$dir/src.raw" "$dir/out" >> "$dir/$n.r2q"
        time_once "$dir/out" "$tool" convert -f qcow2 -O raw "$dir/src-$n.qcow2" "$dir/out" >> "$dir/$n.q2r"
    done
done
for tool in "$qemu_img" "$kemu_img"; do
    n=$(basename "$tool")
    printf '%-10s raw->qcow2 %6.2f s   qcow2->raw %6.2f s\n' \
        "$n" "$(median < "$dir/$n.r2q")" "$(median < "$dir/$n.q2r")"
done
