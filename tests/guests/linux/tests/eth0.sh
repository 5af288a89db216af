#!/bin/busybox sh
# Sourced by the NIC tests (net.sh, netmq.sh): load the NIC drivers and
# wait for eth0; without it print GUEST-NET-NO-ETH0 and power off.
modprobe e1000 2>/dev/null
modprobe virtio_pci 2>/dev/null
modprobe virtio_net 2>/dev/null
for i in $(seq 50); do
    [ -e /sys/class/net/eth0 ] && break
    sleep 0.2
done
if [ ! -e /sys/class/net/eth0 ]; then
    echo "GUEST-NET-NO-ETH0"
    poweroff -f
fi
