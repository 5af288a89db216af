#!/bin/busybox sh
# kemu.test=ahci: the disks behind an AHCI controller (Linux's ahci driver,
# sd and sr).  kemu.ahci=write stores a "file" on the first AHCI disk (a
# header at sector 0: "KEMU-AHCI-FILE <bytes> <md5>", the data from 1 MiB,
# written with fsync); kemu.ahci=read prints what the header says and the
# md5 of the data read back.  Either way every CD-ROM's size and md5 are
# printed (the host compares them with the ISO image), then power off.
for m in ahci sd_mod sr_mod; do
    modprobe "$m" 2>/dev/null
done
phase=
for word in $(cat /proc/cmdline); do
    case "$word" in
    kemu.ahci=*) phase=${word#kemu.ahci=} ;;
    esac
done
n=0
while [ $n -lt 60 ]; do
    ls /sys/block | grep -q '^sd' && break
    sleep 0.5
    n=$((n + 1))
done
sleep 1
for dev in /sys/block/sd* /sys/block/sr*; do
    [ -e "$dev" ] || continue
    drv=$(readlink "$dev/device/../../../../driver")
    echo "GUEST-AHCI-DEV ${dev##*/} $(cat $dev/size) ${drv##*/}" \
         "$(cat $dev/device/model 2>/dev/null | tr -s ' ' | tr ' ' _)"
done
echo "GUEST-AHCI-NCQ $(cat /sys/block/sda/device/queue_depth 2>/dev/null)"
case "$phase" in
write)
    seq 1 300000 > /tmp/file
    sum=$(md5sum < /tmp/file | cut -c1-32)
    size=$(wc -c < /tmp/file)
    dd if=/tmp/file of=/dev/sda bs=64k seek=16 conv=fsync 2>/dev/null &&
    printf 'KEMU-AHCI-FILE %s %s\n' "$size" "$sum" |
        dd of=/dev/sda bs=512 conv=sync,fsync 2>/dev/null &&
    echo "GUEST-AHCI-WROTE $size $sum"
    ;;
read)
    set -- $(dd if=/dev/sda bs=512 count=1 2>/dev/null | head -n 1)
    if [ "$1" = KEMU-AHCI-FILE ]; then
        echo 3 > /proc/sys/vm/drop_caches
        got=$(dd if=/dev/sda bs=64k skip=16 2>/dev/null | head -c "$2" |
              md5sum | cut -c1-32)
        echo "GUEST-AHCI-READ $2 $3 $got"
    else
        echo "GUEST-AHCI-READ none"
    fi
    ;;
esac
for dev in /sys/block/sr*; do
    [ -e "$dev" ] || continue
    echo "GUEST-AHCI-CD ${dev##*/} $(cat $dev/size)" \
         "$(md5sum < /dev/${dev##*/} | cut -c1-32)" \
         "$(dd if=/dev/${dev##*/} bs=2048 skip=16 count=1 2>/dev/null |
            head -c 6 | tail -c 5)"
done
echo "GUEST-AHCI-IRQ $(grep -i ahci /proc/interrupts | tr -s ' ' | tr '\n' ';')"
echo "GUEST-AHCI-DONE"
poweroff -f
