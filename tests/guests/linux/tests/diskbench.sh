#!/bin/busybox sh
# kemu.test=diskbench: sequential write then read of 64 MiB on the first
# virtio disk (vda, else the first IDE disk sda), dd through the page cache
# with a final fsync; prints
# "GUEST-DISKBENCH write|read <seconds>" from the kernel's monotonic clock
# in nanoseconds (/proc/timer_list; /proc/uptime counts in 10 ms steps),
# a CPU-only baseline (256 MiB /dev/zero -> /dev/null) to compare
# emulators, and the disk's request counters after each phase
# ("GUEST-DISKBENCH stat-write|stat-read <fields of /sys/block/DEV/stat>").
modprobe virtio_pci; modprobe virtio_blk; modprobe ata_piix; modprobe ahci; modprobe sd_mod
n=0
while [ ! -e /sys/block/vda ] && [ ! -e /sys/block/sda ] && [ $n -lt 40 ]; do
    sleep 0.5
    n=$((n + 1))
done
dev=vda
[ -e /sys/block/vda ] || dev=sda
t() { awk '/^now at/ { print $3; exit }' /proc/timer_list; }
secs() { echo "$1 $2" | awk '{ printf "%.6f\n", ($1 - $2) / 1e9 }'; }
a=$(t); dd if=/dev/zero of=/dev/$dev bs=1M count=64 conv=fsync 2>/dev/null; b=$(t)
sw=$(cat /sys/block/$dev/stat)
echo 3 > /proc/sys/vm/drop_caches
c=$(t); dd if=/dev/$dev of=/dev/null bs=1M count=64 2>/dev/null; d=$(t)
sr=$(cat /sys/block/$dev/stat)
e=$(t); dd if=/dev/zero of=/dev/null bs=1M count=256 2>/dev/null; f=$(t)
echo "GUEST-DISKBENCH memcpy-baseline $(secs $f $e)"
echo "GUEST-DISKBENCH write $(secs $b $a)"
echo "GUEST-DISKBENCH read $(secs $d $c)"
echo "GUEST-DISKBENCH stat-write" $sw
echo "GUEST-DISKBENCH stat-read" $sr
echo "GUEST-DISKBENCH interrupts $(grep -E 'virtio|ata' /proc/interrupts | tr -s ' ' | tr '\n' ';')"
poweroff -f
