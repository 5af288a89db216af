#!/bin/busybox sh
# kemu.test=blockjob: the guest keeps writing while the host runs block
# jobs on its disks (test_blockjobs.py).  Fill vda and vdb (8 MiB each)
# with random data and print their checksums ("GUEST-JOB-A"); then for
# about 30 rounds write 64 KiB of random data at random offsets of both
# (O_DIRECT), so the writes race the host's backup of vda and mirror of
# vdb; print the final checksums ("GUEST-JOB-DONE") and wait for the host
# to quit.
modprobe virtio_pci; modprobe virtio_blk
n=0
while { [ ! -e /sys/block/vda ] || [ ! -e /sys/block/vdb ]; } && [ $n -lt 40 ]; do
    sleep 0.5
    n=$((n + 1))
done
sums() {
    echo 3 > /proc/sys/vm/drop_caches
    a=$(dd if=/dev/vda bs=1M count=8 iflag=direct 2>/dev/null | md5sum)
    b=$(dd if=/dev/vdb bs=1M count=8 iflag=direct 2>/dev/null | md5sum)
    echo "${a%% *} ${b%% *}"
}
for d in vda vdb; do
    dd if=/dev/urandom of=/dev/$d bs=1M count=8 oflag=direct 2>/dev/null
done
echo "GUEST-JOB-A $(sums)"
sleep 1
i=0
while [ $i -lt 30 ]; do
    for d in vda vdb; do
        dd if=/dev/urandom of=/dev/$d bs=64k count=1 seek=$((RANDOM % 128)) \
            oflag=direct 2>/dev/null
    done
    echo "GUEST-JOB-ROUND $i"
    sleep 0.2
    i=$((i + 1))
done
echo "GUEST-JOB-DONE $(sums)"
while true; do
    sleep 10
done
