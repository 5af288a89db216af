#!/bin/busybox sh
# kemu.test=diskerr: write 24 MiB of random data to the first virtio disk
# (vda, else the first IDE disk sda) with O_DIRECT (the host makes these writes fail with ENOSPC until it
# frees space and continues the VM), read it back and print its checksum:
# "GUEST-DISKERR <md5 read back> <dd status> <md5 written>".
modprobe virtio_pci; modprobe virtio_blk; modprobe ata_piix; modprobe ahci; modprobe sd_mod
n=0
while [ ! -e /sys/block/vda ] && [ ! -e /sys/block/sda ] && [ $n -lt 40 ]; do
    sleep 0.5
    n=$((n + 1))
done
dev=vda
[ -e /sys/block/vda ] || dev=sda
head -c 25165824 /dev/urandom > /tmp/pattern
dd if=/tmp/pattern of=/dev/$dev bs=1M oflag=direct 2>/dev/null
st=$?
echo 3 > /proc/sys/vm/drop_caches
sum=$(dd if=/dev/$dev bs=1M count=24 iflag=direct 2>/dev/null | md5sum)
echo "GUEST-DISKERR ${sum%% *} $st $(md5sum < /tmp/pattern | cut -d' ' -f1)"
poweroff -f
