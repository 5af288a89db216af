#!/usr/bin/env python3
"""Check every #include "..." in the tree against the layer table of
DESIGN.md ("Layout and dependency direction").  Prints each violation as
FILE:LINE: and exits 1 if there is any."""
import os
import re
import sys

# Header path prefix -> layer.  Longest prefix wins.
HEADER_LAYER = {
    'qemu/': 'util', 'qapi/error.h': 'util', 'config-host.h': 'config',
    # The schema's generated types, commands and events, and QMP dispatch:
    # every layer that implements a command may include them.
    'qapi/': 'qapi', 'monitor/': 'monitor',
    'qom/': 'qom', 'exec/': 'exec', 'chardev/': 'chardev', 'block/': 'block',
    'ui/': 'ui',
    'net/': 'net',
    'hw/qdev-core.h': 'hwcore', 'hw/irq.h': 'hwcore', 'hw/boards.h': 'hwcore',
    'hw/loader.h': 'hwcore', 'hw/': 'hw', 'hw/x86/': 'hwx86',
    'target/x86/': 'target', 'accel/': 'accel',
    # Run-state requests, vCPU bookkeeping and the -serial chardevs are
    # services every layer above util may call (QEMU's sysemu/ headers).
    'system/runstate.h': 'services', 'system/cpus.h': 'services',
    'system/system.h': 'services', 'system/': 'system',
    'system/gdbstub.h': 'services', 'gdbstub/': 'gdbstub',
}
BASE = {'util', 'config', 'qapi'}
# Source folder prefix -> layers it may include (besides its own folder's
# private headers, which are included without a path).  Longest prefix wins.
ALLOWED = {
    'util/': {'util', 'config'},
    'qapi/': BASE,
    # HMP commands read CPU state and guest memory (info registers, x, xp).
    'monitor/': BASE | {'qom', 'exec', 'chardev', 'hwcore', 'hw', 'target',
                        'accel', 'services', 'monitor', 'block', 'ui', 'net'},
    'qom/': BASE | {'qom'},
    'exec/': BASE | {'qom', 'exec'},
    'chardev/': BASE | {'qom', 'chardev', 'services'},
    'block/': BASE | {'qom', 'block'},
    # The "vc" chardev is a text console (ui/console-vc.c).
    'ui/': BASE | {'qom', 'ui', 'services', 'chardev'},
    'tools/': BASE | {'block'},
    # Network clients; the user backend's guestfwd writes to a chardev.
    'net/': BASE | {'qom', 'chardev', 'net', 'services'},
    'hw/core/': BASE | {'qom', 'exec', 'hwcore', 'chardev', 'services'},
    'hw/': BASE | {'qom', 'exec', 'hwcore', 'hw', 'chardev', 'block', 'ui',
                   'services', 'net'},
    # The local APIC and the irqchips talk to their CPU (as in QEMU).
    'hw/intc/': BASE | {'qom', 'exec', 'hwcore', 'hw', 'chardev', 'services',
                        'target', 'accel'},
    'hw/x86/': BASE | {'qom', 'exec', 'hwcore', 'hw', 'hwx86', 'chardev',
                       'ui', 'services', 'target', 'accel', 'net'},
    'target/x86/': BASE | {'qom', 'exec', 'hwcore', 'target', 'services',
                           'accel', 'hw'},
    'accel/': BASE | {'qom', 'exec', 'hwcore', 'target', 'accel', 'services',
                      'hw'},
    'system/': None, 'tests/': None, 'include/': None,
    # The gdb stub reads CPU state and guest memory, listens on a chardev.
    'gdbstub/': BASE | {'qom', 'exec', 'chardev', 'target', 'accel',
                        'services', 'gdbstub'},
}
FORBIDDEN_PAIRS = [('target/x86/kvm/', 'tcg'), ('target/x86/tcg/', 'kvm'),
                   ('accel/kvm/', 'tcg/'), ('accel/tcg/', 'kvm/')]
INC = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def lookup(table, path):
    best = None
    for prefix in table:
        if path.startswith(prefix) and (best is None or len(prefix) > len(best)):
            best = prefix
    return best


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else '.'
    bad = 0
    for dirpath, dirnames, files in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        dirnames[:] = [d for d in dirnames
                       if not d.startswith(('build', '.'))]
        for name in files:
            if not name.endswith(('.c', '.h')):
                continue
            rel = os.path.normpath(os.path.join(rel_dir, name))
            src = lookup(ALLOWED, rel)
            with open(os.path.join(dirpath, name), encoding='utf-8',
                      errors='replace') as f:
                for lineno, line in enumerate(f, 1):
                    m = INC.match(line)
                    if not m:
                        continue
                    hdr = m.group(1)
                    for folder, word in FORBIDDEN_PAIRS:
                        if rel.startswith(folder) and word in hdr:
                            print(f'{rel}:{lineno}: {folder} must not include {hdr}')
                            bad += 1
                    if src is None or ALLOWED[src] is None:
                        continue
                    h = lookup(HEADER_LAYER, hdr)
                    if h is None:
                        continue        # a private header of the same folder
                    if HEADER_LAYER[h] not in ALLOWED[src]:
                        print(f'{rel}:{lineno}: {src} may not include "{hdr}" '
                              f'(layer {HEADER_LAYER[h]})')
                        bad += 1
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
