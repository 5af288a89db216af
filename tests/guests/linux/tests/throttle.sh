#!/bin/busybox sh
# kemu.test=throttle: read the virtio disk in three phases the host
# throttles differently (-drive throttling.bps-read=, then QMP
# block_set_io_throttle, then no limit); each phase is bracketed by
# GUEST-THROTTLE-START/END lines the host times against query-blockstats.
modprobe virtio_pci 2>/dev/null
modprobe virtio_blk 2>/dev/null
n=0
while [ ! -e /dev/vda ] && [ $n -lt 40 ]; do
    sleep 0.5
    n=$((n + 1))
done
skip=0
for phase in 1 2 3; do
    echo "GUEST-THROTTLE-READY $phase"
    # The host changes the limits when it sees READY.
    sleep 2
    echo "GUEST-THROTTLE-START $phase"
    dd if=/dev/vda of=/dev/null bs=64k count=48 skip=$skip 2>/dev/null
    echo "GUEST-THROTTLE-END $phase"
    skip=$((skip + 48))
done
poweroff -f
