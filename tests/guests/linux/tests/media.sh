#!/bin/busybox sh
# kemu.test=media: removable media seen from the guest.  Print the pattern
# on the IDE CD-ROM; while the host opens the tray (blockdev-open-tray),
# swaps the medium (blockdev-remove-medium, -insert-medium) and closes it,
# poll the drive: report when the medium vanishes and the new pattern and
# size once it is back (Linux sees the change through TEST UNIT READY's
# unit attention at open); then hold the drive open (locked) for a while
# so that the host's eject fails; power off.
for m in ata_piix sr_mod; do
    modprobe "$m" 2>/dev/null
done
n=0
while [ ! -e /dev/sr0 ] && [ $n -lt 40 ]; do
    sleep 0.5
    n=$((n + 1))
done
read_cd() {
    dd if=/dev/sr0 bs=2048 count=1 2>/dev/null | head -c 16
}
first=$(read_cd)
echo "GUEST-MEDIA-FIRST $first $(cat /sys/block/sr0/size)"
gone=
cur=$first
n=0
while [ $n -lt 600 ]; do
    cur=$(read_cd)
    if [ -z "$cur" ] && [ -z "$gone" ]; then
        echo "GUEST-MEDIA-GONE"
        gone=1
    fi
    [ -n "$cur" ] && [ "$cur" != "$first" ] && break
    sleep 0.2
    n=$((n + 1))
done
echo "GUEST-MEDIA-SECOND $cur $(cat /sys/block/sr0/size)"
# Linux locks the door while the drive is open (PREVENT ALLOW MEDIUM
# REMOVAL): the host's eject must fail until we close it.
exec 3< /dev/sr0
echo "GUEST-MEDIA-LOCKED"
sleep 3
exec 3<&-
echo "GUEST-MEDIA-UNLOCKED"
sleep 3
poweroff -f
