#!/bin/busybox sh
# /init of kemu's Linux test guest: mount the pseudo filesystems, print the
# boot marker, then run what the kernel command line asks for
# (kemu.test=WORD, built in here or /tests/WORD.sh) or start a shell on the console.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
read up idle < /proc/uptime
echo "GUEST-INIT-OK $up"

test=
for word in $(cat /proc/cmdline); do
    case "$word" in
    kemu.test=*) test=${word#kemu.test=} ;;
    esac
done

case "$test" in
"")
    echo "kemu test guest: busybox shell (poweroff / reboot to leave)"
    # busybox's poweroff, reboot and halt signal PID 1 (USR2, TERM, USR1):
    # a shell exec'd as PID 1 would ignore them, so PID 1 stays this script,
    # acts on them, and starts a new shell when the last one exits.
    trap 'poweroff -f' USR2
    trap 'reboot -f' TERM
    trap 'halt -f' USR1
    while true; do
        setsid cttyhack sh &
        wait $!         # a trapped signal ends the wait and runs the trap
    done
    ;;
cpus)
    echo "GUEST-CPUS $(grep -c ^processor /proc/cpuinfo)"
    poweroff -f
    ;;
poweroff)
    poweroff -f
    ;;
reboot)
    reboot -f
    ;;
powerbutton)
    # Wait for the ACPI power button (system_powerdown), then power off:
    # the button driver reports KEY_POWER on its input device.
    modprobe button
    modprobe evdev
    ev=
    for d in /sys/class/input/event*; do
        if [ "$(cat "$d/device/name" 2>/dev/null)" = "Power Button" ]; then
            ev=/dev/input/${d##*/}
        fi
    done
    if [ -z "$ev" ]; then
        echo "GUEST-POWERBUTTON-MISSING"
        poweroff -f
    fi
    # Open the device before saying ready: a press before the open is lost.
    exec 3< "$ev"
    echo "GUEST-POWERBUTTON-READY $ev"
    dd of=/dev/null bs=24 count=1 <&3 2>/dev/null
    echo "GUEST-POWERBUTTON-PRESSED"
    poweroff -f
    ;;
*)
    # Device tests live in tests/guests/linux/tests/NAME.sh (/tests in the
    # initramfs), one file per test so they can be added independently.
    if [ -x "/tests/$test.sh" ]; then
        exec "/tests/$test.sh"
    fi
    echo "GUEST-UNKNOWN-TEST $test"
    poweroff -f
    ;;
esac
