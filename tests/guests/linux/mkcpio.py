#!/usr/bin/env python3
"""Write a gzip-compressed cpio (newc) archive, as the Linux kernel's
initramfs unpacker reads it, from a directory tree -- without the cpio
tool and reproducibly (fixed owner, times and order).

    mkcpio.py DIR OUT.gz
"""
import gzip
import os
import stat
import sys


def header(ino, mode, nlink, size, name, rdev_major=0, rdev_minor=0):
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, rdev_major, rdev_minor,
              len(name) + 1, 0]
    h = b'070701' + b''.join(b'%08X' % f for f in fields)
    h += name.encode() + b'\0'
    return h + b'\0' * ((-len(h)) % 4)


def main():
    root, out = sys.argv[1], sys.argv[2]
    entries = []
    for dirpath, dirnames, files in os.walk(root):
        dirnames.sort()
        rel = os.path.relpath(dirpath, root)
        if rel != '.':
            entries.append(rel)
        for f in sorted(files):
            entries.append(os.path.normpath(os.path.join(rel, f)))
    data = bytearray()
    ino = 1
    for rel in entries:
        path = os.path.join(root, rel)
        st = os.lstat(path)
        mode = st.st_mode
        if stat.S_ISLNK(mode):
            body = os.readlink(path).encode()
        elif stat.S_ISREG(mode):
            with open(path, 'rb') as f:
                body = f.read()
        else:
            body = b''
        data += header(ino, mode, 2 if stat.S_ISDIR(mode) else 1, len(body),
                       rel)
        data += body + b'\0' * ((-len(body)) % 4)
        ino += 1
    # /dev/console must exist before devtmpfs is mounted, for init's stdio.
    data += header(ino, stat.S_IFCHR | 0o600, 1, 0, 'dev/console', 5, 1)
    data += header(0, 0, 1, 0, 'TRAILER!!!')
    with gzip.GzipFile(out, 'wb', mtime=0) as f:
        f.write(bytes(data))


if __name__ == '__main__':
    main()
