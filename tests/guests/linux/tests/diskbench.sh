#!/bin/busybox sh
# kemu.test=diskbench: sequential write then read of 64 MiB on the first
# virtio disk (vda, else the first IDE disk sda), dd through the page cache
# with a final fsync; prints
# "GUEST-DISKBENCH write|read <seconds>" from /proc/uptime differences, and
# a CPU-only baseline (256 MiB /dev/zero -> /dev/null) to compare emulators.
modprobe virtio_pci; modprobe virtio_blk; modprobe ata_piix; modprobe sd_mod
n=0
while [ ! -e /sys/block/vda ] && [ ! -e /sys/block/sda ] && [ $n -lt 40 ]; do
    sleep 0.5
    n=$((n + 1))
done
dev=vda
[ -e /sys/block/vda ] || dev=sda
t() { read up idle < /proc/uptime; echo $up; }
a=$(t); dd if=/dev/zero of=/dev/$dev bs=1M count=64 conv=fsync 2>/dev/null; b=$(t)
echo 3 > /proc/sys/vm/drop_caches
c=$(t); dd if=/dev/$dev of=/dev/null bs=1M count=64 2>/dev/null; d=$(t)
e=$(t); dd if=/dev/zero of=/dev/null bs=1M count=256 2>/dev/null; f=$(t)
echo "GUEST-DISKBENCH memcpy-baseline $(echo "$f $e" | awk '{print $1 - $2}')"
echo "GUEST-DISKBENCH write $(echo "$b $a" | awk '{print $1 - $2}')"
echo "GUEST-DISKBENCH read $(echo "$d $c" | awk '{print $1 - $2}')"
poweroff -f
