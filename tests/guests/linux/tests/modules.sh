#!/bin/busybox sh
# kemu.test=modules: load the device drivers the later device tests need.
for m in virtio_pci virtio_blk virtio_net e1000 ata_piix; do
    modprobe "$m" && echo "GUEST-MODULE $m ok"
done
poweroff -f
