#!/bin/sh
# Assemble and link one tiny guest.
#   build-guest.sh OUT FORMAT LDSCRIPT SRC...
# FORMAT is "elf" (ELF32, what multiboot loaders take) or "bin" (flat
# image for the a.out-kludge guest).  Sources are assembled as 64-bit
# objects that start in .code32, so one image can hold 16-, 32- and 64-bit
# code; objcopy then converts the result.
set -e
out=$1; format=$2; ldscript=$3; shift 3
srcdir=$(dirname "$ldscript")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
objs=""
for src in "$@"; do
    obj="$tmp/$(basename "$src" .S).o"
    ${CC:-cc} -c -x assembler-with-cpp -m64 -I"$srcdir" "$src" -o "$obj"
    objs="$objs $obj"
done
# shellcheck disable=SC2086
ld --no-warn-rwx-segments -m elf_x86_64 -T "$ldscript" -o "$tmp/guest.elf64" $objs
case "$format" in
elf) objcopy -O elf32-i386 "$tmp/guest.elf64" "$out" ;;
bin) objcopy -O binary "$tmp/guest.elf64" "$out" ;;
*) echo "build-guest.sh: unknown format $format" >&2; exit 1 ;;
esac
