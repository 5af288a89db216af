#!/bin/bash
# `make bench`: guest instructions per second of the software CPU on a
# CPU-bound and a memory-bound (paging on) guest, next to QEMU's TCG on the
# same machine when qemu-system-x86_64 is installed.  Results go to stdout
# and BUILD/bench-results.txt; docs/devel/performance.rst records them.
#   scripts/bench.sh [BUILD_DIR]      (BENCH_RUNS=N repeats, best time kept)
set -uo pipefail
build=${1:-build}
runs=${BENCH_RUNS:-1}
kemu="$build/kemu-system-x86_64"
qemu=$(command -v qemu-system-x86_64 || true)
out="$build/bench-results.txt"

# guest name, guest instructions executed by the measured loop
benches=(
    "bench-cpu $((20000000 * 11))"
    "bench-mem $((2000 * 8192 * 6))"
)

# best_time EMULATOR GUEST -> prints "seconds output-checksum-line"
best_time() {
    local emu=$1 guest=$2 best="" line="" i t0 t1 t status
    for ((i = 0; i < runs; i++)); do
        # CPU time (user + sys) of the emulator: steadier than wall time on
        # a shared 2-core machine, and what a single-threaded CPU costs.
        line=$(/usr/bin/time -f 'cputime %U %S' -o "$build/bench-time.txt" \
               "$emu" -accel tcg -m 128 -nodefaults -display none -serial stdio \
               -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
               -kernel "$build/tests/guests/$guest.elf" 2>&1 | grep checksum)
        status=$(grep -o 'exited with non-zero status [0-9]*' "$build/bench-time.txt" | grep -o '[0-9]*$')
        if [ "${status:-0}" -ne 33 ]; then
            echo "FAILED(status ${status:-0})"
            return
        fi
        t=$(awk '/^cputime/ { print $2 + $3 }' "$build/bench-time.txt")
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then
            best=$t
        fi
    done
    printf '%.2f %s\n' "$best" "$line"
}

{
    echo "kemu benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, runs=$runs"
    printf '%-10s %-8s %9s %10s  %s\n' guest emulator cpu-sec "MIPS" checksum
    for b in "${benches[@]}"; do
        set -- $b
        guest=$1 insns=$2
        for emu in kemu qemu; do
            if [ "$emu" = kemu ]; then bin=$kemu; else bin=$qemu; fi
            [ -n "$bin" ] || continue
            res=$(best_time "$bin" "$guest")
            case "$res" in
            FAILED*) printf '%-10s %-8s %9s\n' "$guest" "$emu" "$res"; continue ;;
            esac
            secs=${res%% *}
            sum=${res#* }
            mips=$(echo "$insns / $secs / 1000000" | bc -l)
            printf '%-10s %-8s %9s %10.1f  %s\n' "$guest" "$emu" "$secs" "$mips" "${sum##*checksum }"
        done
    done
    # Boot to init: process start to GUEST-INIT-OK (wall time, medians).
    if guest_dir=$(tests/guests/linux/build-linux-guest.sh 2>/dev/null); then
        python3 scripts/bench-linux-boot.py "$kemu" "$guest_dir" \
            "${BENCH_BOOT_RUNS:-3}"
    else
        echo "linux-boot: the test guest could not be built (apt); skipped"
    fi
    # Guest sequential disk throughput, virtio-blk and IDE, next to QEMU's.
    # Before the 1 GiB conversions: their dirty pages and page cache would
    # still be written back and evicted while the guests' disk runs go.
    sync
    python3 scripts/bench-disk.py "$kemu" tests/guests/linux/build-linux-guest.sh "${BENCH_DISK_RUNS:-5}"
    # User networking throughput, guest <-> host, e1000 and virtio-net.
    python3 scripts/bench-net.py "$kemu" tests/guests/linux/build-linux-guest.sh \
        "${BENCH_NET_RUNS:-3}" "${BENCH_NET_MIB:-64}"
    # kemu-img convert of a 1 GiB image next to qemu-img's.
    sh scripts/bench-img.sh "$build"
} | tee "$out"
