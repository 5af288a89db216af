#!/bin/busybox sh
# The script busybox udhcpc runs (udhcpc -s): configure the leased
# address, the default route and the DNS server on $interface.
case "$1" in
deconfig)
    ip addr flush dev "$interface"
    ip link set "$interface" up
    ;;
bound|renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    for r in $router; do
        ip route add default via "$r" dev "$interface"
    done
    for d in $dns; do
        echo "nameserver $d"
    done > /etc/resolv.conf
    ;;
esac
exit 0
