#!/bin/bash
# Build kemu's Linux test guest from Debian packages: the kernel that
# linux-image-amd64 currently depends on, and an initramfs made of
# busybox-static, tests/guests/linux/init.sh, the test scripts in
# tests/guests/linux/tests/ (run by kemu.test=NAME as /tests/NAME.sh) and
# the modules listed in tests/guests/linux/modules.txt with their
# dependencies.
#
#   tests/guests/linux/build-linux-guest.sh [DIR]
#
# DIR defaults to $KEMU_GUEST_DIR, else ~/.cache/kemu/guest.  Writes
# DIR/vmlinuz, DIR/initrd.gz and DIR/stamp; does nothing when the stamp
# (package versions and the init script's checksum) is unchanged.  Prints
# DIR on success.  Nothing is committed: everything comes from apt.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-${KEMU_GUEST_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kemu/guest}}
mkdir -p "$dir"

kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
       awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
if [ -z "$kpkg" ]; then
    echo "build-linux-guest: cannot find the package linux-image-amd64 depends on" >&2
    exit 1
fi
kver=${kpkg#linux-image-}
kpkgver=$(apt-cache policy "$kpkg" | awk '/Candidate:/ { print $2 }')
bbver=$(apt-cache policy busybox-static | awk '/Candidate:/ { print $2 }')
tests_sum=$(cd "$here" && cat modules.txt tests/*.sh | sha256sum | cut -c1-16)
stamp="$kpkg $kpkgver busybox-static $bbver init $(sha256sum < "$here/init.sh" | cut -c1-16) tests $tests_sum mkcpio $(sha256sum < "$here/mkcpio.py" | cut -c1-16) builder $(sha256sum < "$here/build-linux-guest.sh" | cut -c1-16)"

up_to_date() {
    [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$stamp" ] &&
    [ -f "$dir/vmlinuz" ] && [ -f "$dir/initrd.gz" ]
}
if up_to_date; then
    echo "$dir"
    exit 0
fi
# Tests run in parallel and may all find the guest stale: one builds, the
# others wait for it and then find it up to date.
exec 9> "$dir/.lock"
flock 9
if up_to_date; then
    echo "$dir"
    exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "build-linux-guest: downloading $kpkg ($kpkgver) and busybox-static ($bbver)" >&2
(cd "$tmp" && apt-get download -q "$kpkg" busybox-static >&2)
dpkg-deb -x "$tmp"/linux-image-*.deb "$tmp/kernel"
dpkg-deb -x "$tmp"/busybox-static_*.deb "$tmp/busybox"

root="$tmp/root"
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,etc,root,tests}
cp "$tmp/busybox/bin/busybox" "$root/bin/busybox"
cp "$here/init.sh" "$root/init"
cp "$here"/tests/*.sh "$root/tests/"
chmod 755 "$root/init" "$root/bin/busybox" "$root"/tests/*.sh

# The wanted modules and everything they depend on, per modules.dep (the
# package leaves it to depmod at install time).
moddir="lib/modules/$kver"
/sbin/depmod -b "$tmp/kernel" "$kver"
python3 - "$tmp/kernel/$moddir" "$root/$moddir" "$here/modules.txt" <<'PY'
import os, shutil, sys
src, dst, wanted = sys.argv[1], sys.argv[2], sys.argv[3]
deps = {}
with open(os.path.join(src, 'modules.dep')) as f:
    for line in f:
        mod, _, rest = line.partition(':')
        deps[mod] = rest.split()
by_name = {}
for mod in deps:
    name = os.path.basename(mod).split('.')[0].replace('-', '_')
    by_name[name] = mod
with open(wanted) as f:
    want = [w.split('#')[0].strip() for w in f]
want = [w for w in want if w]
missing = [w for w in want if w not in by_name]
if missing:
    sys.exit('build-linux-guest: modules not in the kernel package: ' + ' '.join(missing))
todo = [by_name[w] for w in want]
keep = set()
while todo:
    m = todo.pop()
    if m not in keep:
        keep.add(m)
        todo.extend(deps[m])
for m in sorted(keep):
    os.makedirs(os.path.dirname(os.path.join(dst, m)), exist_ok=True)
    shutil.copy(os.path.join(src, m), os.path.join(dst, m))
with open(os.path.join(dst, 'modules.dep'), 'w') as f:
    for m in sorted(keep):
        f.write('%s: %s\n' % (m, ' '.join(deps[m])))
PY

python3 "$here/mkcpio.py" "$root" "$dir/initrd.gz.new"
cp "$tmp"/kernel/boot/vmlinuz-"$kver" "$dir/vmlinuz.new"
mv "$dir/vmlinuz.new" "$dir/vmlinuz"
mv "$dir/initrd.gz.new" "$dir/initrd.gz"
echo "$stamp" > "$dir/stamp"
echo "build-linux-guest: $dir/vmlinuz ($kver), $dir/initrd.gz" >&2
echo "$dir"
