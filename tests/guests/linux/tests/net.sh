#!/bin/busybox sh
# kemu.test=net: the NIC (e1000 or virtio-net) through user networking.
# Ports come from the kernel command line (kemu.httpport=, kemu.ncport=),
# and the MiB to send up (kemu.netmib=, default 16);
# each step prints a GUEST-NET-* line the host test waits for.
httpport=
ncport=
netmib=16
for word in $(cat /proc/cmdline); do
    case "$word" in
    kemu.httpport=*) httpport=${word#kemu.httpport=} ;;
    kemu.ncport=*) ncport=${word#kemu.ncport=} ;;
    kemu.netmib=*) netmib=${word#kemu.netmib=} ;;
    esac
done
. /tests/eth0.sh
ip link set lo up
ip link set eth0 up
udhcpc -i eth0 -n -q -t 10 -T 1 -s /tests/udhcpc-script.sh >/dev/null 2>&1
echo "GUEST-NET-IP $(ip -4 addr show eth0 | grep -o 'inet [0-9./]*')"
echo "GUEST-NET-ROUTE $(ip route | grep default)"
echo "GUEST-NET-DHCP $(cat /tmp/dhcp-options)"

# host -> guest through the slirp gateway
echo "GUEST-NET-SMALL $(wget -q -O - "http://10.0.2.2:$httpport/small" | sha256sum)"

# guest service the host reaches through hostfwd
mkdir -p /www
echo "hello from the guest" > /www/index.html
httpd -p 8080 -h /www
echo "GUEST-NET-HTTPD"

# set_link off / on: carrier as the driver reports it
echo "GUEST-NET-CARRIER-WAIT $(cat /sys/class/net/eth0/carrier)"
for want in 0 1; do
    for i in $(seq 300); do
        [ "$(cat /sys/class/net/eth0/carrier 2>/dev/null)" = "$want" ] && break
        sleep 0.1
    done
    echo "GUEST-NET-CARRIER $(cat /sys/class/net/eth0/carrier)"
done

# throughput both ways, bytes checked by the host; TCP segments in and
# out, the NIC's interrupts (the guest's per-packet work) and the guest's
# CPU ticks (user, system, idle, softirq: 10 ms each) for each
tcp_segs() {
    set -- $(grep '^cpu ' /proc/stat)
    cpu="user=$2 sys=$4 idle=$5 softirq=$8"
    set -- $(grep '^Tcp:' /proc/net/snmp | tail -1)
    echo "in=${11} out=${12} retrans=${13} rxpkts=$(cat /sys/class/net/eth0/statistics/rx_packets)" \
         "txpkts=$(cat /sys/class/net/eth0/statistics/tx_packets)" \
         "irqs=$(grep -E 'eth0|virtio.*put' /proc/interrupts | awk '{ n += $2 } END { print n + 0 }')" \
         "$cpu"
}
s0=$(tcp_segs)
read t0 x < /proc/uptime
wget -q -O /tmp/big "http://10.0.2.2:$httpport/big"
read t1 x < /proc/uptime
echo "GUEST-NET-BIG $(sha256sum < /tmp/big) $t0 $t1"
echo "GUEST-NET-DOWN-SEGS $s0 $(tcp_segs)"
rm -f /tmp/big
dd if=/dev/urandom of=/tmp/up bs=1M count=$netmib 2>/dev/null
echo "GUEST-NET-UP-SUM $(sha256sum < /tmp/up)"
s0=$(tcp_segs)
read t0 x < /proc/uptime
nc 10.0.2.2 "$ncport" < /tmp/up
read t1 x < /proc/uptime
echo "GUEST-NET-UP-DONE $t0 $t1"
echo "GUEST-NET-UP-SEGS $s0 $(tcp_segs)"
poweroff -f
