#!/bin/busybox sh
# kemu.test=virtio-rng: bind virtio_rng to the virtio-rng-pci device, read
# /dev/hwrng, and list PCI functions with their IRQs and drivers.
modprobe virtio_pci
modprobe virtio_rng
for d in /sys/bus/pci/devices/*; do
    drv=none
    [ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
    echo "GUEST-PCI ${d##*/} $(cat "$d/vendor" | cut -c3-):$(cat "$d/device" | cut -c3-) irq $(cat "$d/irq") driver $drv"
done
echo "GUEST-RNG-CURRENT $(cat /sys/class/misc/hw_random/rng_current 2>/dev/null)"
n=$(dd if=/dev/hwrng bs=64 count=4 2>/dev/null | wc -c)
echo "GUEST-RNG-BYTES $n"
dd if=/dev/hwrng bs=16 count=1 2>/dev/null | od -A n -t x1 | sed 's/^/GUEST-RNG-DATA/'
grep -i virtio /proc/interrupts | sed 's/^/GUEST-IRQ /'
poweroff -f
