#!/bin/busybox sh
# The script busybox udhcpc runs (udhcpc -s): configure the leased
# address, the default route and the DNS server on $interface; keep the
# other options in /tmp/dhcp-options.
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
    # What else the server sent (-netdev user's hostname=, domainname=).
    echo "hostname=$hostname domain=$domain dns=$dns" > /tmp/dhcp-options
    ;;
esac
exit 0
