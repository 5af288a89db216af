#!/bin/busybox sh
# kemu.test=vga: Linux's bochs-drm driver on the PCI VGA (1234:1111):
# load it and print the framebuffer it sets up; the host then checks the
# mode in a screendump.  (Writes to /dev/fb0 stay in fbdev's shadow
# buffer on this kernel, under QEMU too, so the picture is not checked.)
modprobe bochs && echo "GUEST-VGA modprobe ok"
for f in name virtual_size bits_per_pixel stride; do
    echo "GUEST-VGA $f $(cat /sys/class/graphics/fb0/$f 2>/dev/null)"
done
echo "GUEST-VGA done"
while true; do sleep 10; done
