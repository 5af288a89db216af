#!/bin/bash
# Install the Debian packages kemu's build and tests need.  Idempotent: when
# every package is already installed it does nothing (no apt-get update).
set -euo pipefail

PACKAGES=(
    build-essential pkg-config meson ninja-build python3
    libglib2.0-dev libpixman-1-dev libsdl2-dev libslirp-dev
    libvncserver-dev zlib1g-dev libjson-glib-dev liblzma-dev libcapstone-dev
    libpng-dev console-setup-linux
    binutils socat bc time kmod gdb iproute2 util-linux
    vncsnapshot libjpeg-turbo-progs xvfb x11-apps xdotool
    matchbox-window-manager x11-utils
    qemu-system-x86 qemu-utils seabios
)

missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
