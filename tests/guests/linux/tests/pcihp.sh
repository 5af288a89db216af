#!/bin/busybox sh
# kemu.test=pcihp: ACPI PCI hotplug seen from the guest (acpiphp is built
# into Debian's kernel).  The host plugs a virtio-blk disk, then a
# virtio-net NIC, and unplugs each, then an e1000; every step prints a GUEST-PCIHP-* line
# the host test waits for.
modprobe virtio_pci 2>/dev/null
modprobe virtio_blk 2>/dev/null
modprobe virtio_net 2>/dev/null
modprobe e1000 2>/dev/null
ip link set lo up

# wait_for CMD...: up to 120 s until CMD succeeds
wait_for() {
    for i in $(seq 1200); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}
new_disk() { disk=$(ls /sys/block | grep '^vd' | head -n 1); [ -n "$disk" ]; }
disk_gone() { [ ! -e "/sys/block/$disk" ]; }
# NICs there at boot (the pc machine's default e1000) do not count.
boot_nics=" $(ls /sys/class/net | tr '\n' ' ') "
new_nic() {
    nic=
    for n in $(ls /sys/class/net | grep '^eth'); do
        case "$boot_nics" in *" $n "*) ;; *) nic=$n; break ;; esac
    done
    [ -n "$nic" ]
}
nic_gone() { [ ! -e "/sys/class/net/$nic" ]; }

echo "GUEST-PCIHP-SLOTS $(ls /sys/bus/pci/slots | wc -l)"
echo "GUEST-PCIHP-READY"

if wait_for new_disk; then
    echo "KEMU-HOTPLUG-PATTERN" > /tmp/pattern
    dd if=/tmp/pattern of="/dev/$disk" bs=512 seek=8 conv=sync,fsync \
        2>/dev/null
    echo "GUEST-PCIHP-DISK $disk $(cat /sys/block/$disk/size)"
else
    echo "GUEST-PCIHP-NO-DISK"
fi
if wait_for disk_gone; then
    echo "GUEST-PCIHP-DISK-GONE $disk"
fi

if wait_for new_nic; then
    ip link set "$nic" up
    udhcpc -i "$nic" -n -q -t 10 -T 1 -s /tests/udhcpc-script.sh \
        >/dev/null 2>&1
    echo "GUEST-PCIHP-NIC $nic $(ip -4 addr show "$nic" |
        grep -o 'inet [0-9./]*')"
else
    echo "GUEST-PCIHP-NO-NIC"
fi
if wait_for nic_gone; then
    echo "GUEST-PCIHP-NIC-GONE $nic"
fi
# Last an e1000 (the host reuses the unplugged NIC's id), unplugged too.
if wait_for new_nic; then
    echo "GUEST-PCIHP-E1000 $nic $(cat /sys/class/net/$nic/device/vendor)"
    if wait_for nic_gone; then
        echo "GUEST-PCIHP-E1000-GONE $nic"
    fi
fi
echo "GUEST-PCIHP-DONE"
# acpiphp removes the device (what nic_gone sees) and then runs _EJ0 from
# its workqueue: give that eject (the host's DEVICE_DELETED) time to
# happen before powering off.
sleep 2
poweroff -f
