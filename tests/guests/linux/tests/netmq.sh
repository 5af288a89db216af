#!/bin/busybox sh
# kemu.test=netmq: virtio-net with two queue pairs on a multiqueue tap
# (-smp 2, mq=on).  The host is 10.0.3.1 in the test's network namespace:
# an HTTP server on port 8000 (/payload) and a sink on 8001.  Prints the
# queues the driver set up, then moves data both ways from each CPU (the
# driver maps CPU i to transmit queue i; tap answers a flow on the queue it
# came from) and the per-queue interrupts before and after.
. /tests/eth0.sh
echo "GUEST-MQ-QUEUES $(ls /sys/class/net/eth0/queues | tr '\n' ' ')"
echo "GUEST-MQ-CPUS $(nproc)"
ip link set lo up
ip link set eth0 up
ip addr add 10.0.3.15/24 dev eth0

# Interrupts of virtioN-input.Q / output.Q, summed over the CPUs.
irqs() {
    for q in input.0 input.1 output.0 output.1; do
        grep "virtio.*-$q\$" /proc/interrupts |
            awk -v q=$q '{ n = 0
                           for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) n += $i
                           printf "%s=%d ", q, n }'
    done
}
dd if=/dev/urandom of=/tmp/up bs=1M count=4 2>/dev/null
echo "GUEST-MQ-UP-SUM $(sha256sum < /tmp/up)"
for i in $(seq 50); do
    ping -c 1 -W 1 10.0.3.1 >/dev/null 2>&1 && break
done
echo "GUEST-MQ-IRQS-BEFORE $(irqs)"
for cpu in 0 1; do
    echo "GUEST-MQ-DOWN $cpu $(taskset -c $cpu wget -q -O - http://10.0.3.1:8000/payload | sha256sum)"
    taskset -c $cpu nc 10.0.3.1 8001 < /tmp/up
    echo "GUEST-MQ-UP $cpu"
done
echo "GUEST-MQ-IRQS-AFTER $(irqs)"
poweroff -f
