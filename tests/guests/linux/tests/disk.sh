#!/bin/busybox sh
# kemu.test=disk: the disks kemu gives the guest (IDE through ata_piix and
# sd/sr, virtio-blk): print each one's size and the pattern the host wrote
# in its first sector, write the guest's pattern at 1 MiB (hard disks),
# flush; then wait for the host's block_resize of the disk with serial
# kemu-vd1 (virtio-blk tells the driver through a config interrupt) and
# print its new size; power off.  test_disk.py checks the images on the host.
for m in ata_piix sd_mod sr_mod virtio_pci virtio_blk; do
    modprobe "$m" 2>/dev/null
done
# Give the drivers time to probe (up to 20 s).
n=0
while [ $n -lt 40 ]; do
    ls /sys/block | grep -q -e '^sd' -e '^vd' -e '^sr' && break
    sleep 0.5
    n=$((n + 1))
done
sleep 1
for dev in /sys/block/sd* /sys/block/vd* /sys/block/sr*; do
    [ -e "$dev" ] || continue
    name=${dev##*/}
    host=$(dd if=/dev/$name bs=2048 count=1 2>/dev/null | head -c 16)
    echo "GUEST-DISK $name $(cat $dev/size) $host"
    [ -e $dev/serial ] && echo "GUEST-DISK-SERIAL $name $(cat $dev/serial)"
    case $name in sr*) continue ;; esac
    printf 'KEMU-GUEST-%s\n' "$name" |
        dd of=/dev/$name bs=512 seek=2048 conv=sync,fsync 2>/dev/null &&
        echo "GUEST-DISK-WROTE $name"
done
sync
echo "GUEST-DISK-DONE"
for dev in /sys/block/vd*; do
    [ "$(cat $dev/serial 2>/dev/null)" = kemu-vd1 ] || continue
    size=$(cat $dev/size)
    n=0
    while [ "$(cat $dev/size)" = "$size" ] && [ $n -lt 100 ]; do
        sleep 0.2
        n=$((n + 1))
    done
    echo "GUEST-DISK-RESIZED ${dev##*/} $(cat $dev/size)"
done
poweroff -f
