#!/bin/busybox sh
# kemu.test=console: an interactive shell on the VGA console (tty1) for a
# user at the VNC or SDL display; the host types commands with key events
# and reads the answers off the screen.  Boot with console=ttyS0
# console=tty0 so the kernel's messages reach both; they are silenced and
# the screen cleared so only the shell's lines are left on it.
dmesg -n 1
printf '\033[H\033[Jkemu console test\n' > /dev/tty1
echo "GUEST-CONSOLE ready"
# The shell's controlling terminal is tty1 (setsid -c: stdin's tty), so
# Ctrl-C and job control work as at a login prompt.
export PS1='console$ '
exec setsid -c sh -i </dev/tty1 >/dev/tty1 2>&1
