/*
 * Guest memory and I/O ports from HMP: x (virtual, through the selected
 * CPU's page tables) and xp (physical) dumps in QEMU's layout, print,
 * memsave, pmemsave, sum, gva2gpa, gpa2hva, gpa2hpa, and the port
 * commands i and o.  Reads have no side effects on the page tables
 * (debug walk).
 */
#include "qemu/osdep.h"
#include "exec/memory.h"
#include "qemu/error-report.h"
#include "qapi/qapi-commands.h"
#include "hmp-internal.h"

#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))

/* Read @len bytes of guest memory; false when some of it is unmapped. */
static bool hmp_read_mem(X86CPU *cpu, uint64_t addr, void *buf, size_t len,
                         bool is_physical)
{
    if (is_physical) {
        return address_space_read(&address_space_memory, addr, buf, len) ==
               MEMTX_OK;
    }
    return x86_cpu_memory_rw_debug(cpu, addr, buf, len, false) == 0;
}

static void hmp_printc(Monitor *mon, int c)
{
    monitor_printf(mon, "'");
    switch (c) {
    case '\'':
        monitor_printf(mon, "\\'");
        break;
    case '\\':
        monitor_printf(mon, "\\\\");
        break;
    case '\n':
        monitor_printf(mon, "\\n");
        break;
    case '\r':
        monitor_printf(mon, "\\r");
        break;
    default:
        if (c >= 32 && c <= 126) {
            monitor_printf(mon, "%c", c);
        } else {
            monitor_printf(mon, "\\x%02x", c);
        }
        break;
    }
    monitor_printf(mon, "'");
}

void hmp_memory_dump(Monitor *mon, int count, int format, int wsize,
                     uint64_t addr, bool is_physical)
{
    X86CPU *cpu = hmp_get_cpu(mon);
    int line_size, max_digits = 0;
    int64_t len;

    if (!cpu && (format == 'i' || !is_physical)) {
        monitor_printf(mon, "Can not dump without CPU\n");
        return;
    }
    if (format == 'i') {
        hmp_disas(mon, cpu, addr, count, is_physical);
        return;
    }
    len = (int64_t)wsize * count;
    line_size = wsize == 1 ? 8 : 16;
    switch (format) {
    case 'o':
        max_digits = DIV_ROUND_UP(wsize * 8, 3);
        break;
    case 'u':
    case 'd':
        max_digits = DIV_ROUND_UP(wsize * 8 * 10, 33);
        break;
    case 'c':
        /* QEMU keeps the line length of the given size but prints bytes. */
        wsize = 1;
        break;
    case 'x':
    default:
        max_digits = (wsize * 8) / 4;
        break;
    }
    while (len > 0) {
        uint8_t buf[16];
        int l = MIN(len, line_size);

        monitor_printf(mon, "%016" PRIx64 ":", addr);
        if (!hmp_read_mem(cpu, addr, buf, l, is_physical)) {
            monitor_printf(mon, " Cannot access memory\n");
            break;
        }
        for (int i = 0; i < l; i += wsize) {
            uint64_t v = 0;

            /* x86 guests are little-endian. */
            for (int b = MIN(wsize, l - i) - 1; b >= 0; b--) {
                v = (v << 8) | buf[i + b];
            }
            monitor_printf(mon, " ");
            switch (format) {
            case 'o':
                monitor_printf(mon, "%#*" PRIo64, max_digits, v);
                break;
            case 'u':
                monitor_printf(mon, "%*" PRIu64, max_digits, v);
                break;
            case 'd':
                monitor_printf(mon, "%*" PRId64, max_digits, (int64_t)v);
                break;
            case 'c':
                hmp_printc(mon, v);
                break;
            case 'x':
            default:
                monitor_printf(mon, "0x%0*" PRIx64, max_digits, v);
                break;
            }
        }
        monitor_printf(mon, "\n");
        addr += l;
        len -= l;
    }
}

static void hmp_dump_args(Monitor *mon, const HMPArgs *args,
                          bool is_physical)
{
    hmp_memory_dump(mon, hmp_arg_int(args, "count", 1),
                    hmp_arg_int(args, "format", 'x'),
                    hmp_arg_int(args, "size", 4),
                    hmp_arg_int(args, "addr", 0), is_physical);
}

void hmp_memory_dump_virt(Monitor *mon, const HMPArgs *args)
{
    hmp_dump_args(mon, args, false);
}

void hmp_memory_dump_phys(Monitor *mon, const HMPArgs *args)
{
    hmp_dump_args(mon, args, true);
}

void hmp_print(Monitor *mon, const HMPArgs *args)
{
    int format = hmp_arg_int(args, "format", 'x');
    int64_t val = hmp_arg_int(args, "val", 0);

    switch (format) {
    case 'o':
        monitor_printf(mon, "%#" PRIo64, (uint64_t)val);
        break;
    case 'x':
        monitor_printf(mon, "%#" PRIx64, (uint64_t)val);
        break;
    case 'u':
        monitor_printf(mon, "%" PRIu64, (uint64_t)val);
        break;
    case 'c':
        hmp_printc(mon, (int)val);
        break;
    case 'd':
    default:
        monitor_printf(mon, "%" PRId64, val);
        break;
    }
    monitor_printf(mon, "\n");
}

/* memsave/pmemsave: the QMP commands, their errors as "Error: ..." */
void hmp_memsave(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    qmp_memsave(hmp_arg_int(args, "val", 0), hmp_arg_int(args, "size", 0),
                hmp_arg_str(args, "filename"), true,
                monitor_get_cpu_index(mon), &err);
    hmp_handle_error(mon, err);
}

void hmp_pmemsave(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    qmp_pmemsave(hmp_arg_int(args, "val", 0), hmp_arg_int(args, "size", 0),
                 hmp_arg_str(args, "filename"), &err);
    hmp_handle_error(mon, err);
}

/* ---- I/O ports and checksums ---- */

void hmp_ioport_read(Monitor *mon, const HMPArgs *args)
{
    int size = hmp_arg_int(args, "size", 1);
    uint32_t addr = hmp_arg_int(args, "addr", 0) & 0xffff;
    uint64_t val = 0;
    char suffix;

    /* Sizes other than 2 and 4 bytes read one byte, as in QEMU. */
    if (size != 2 && size != 4) {
        size = 1;
    }
    suffix = size == 1 ? 'b' : size == 2 ? 'w' : 'l';
    if (address_space_ld(&address_space_io, addr, size, &val) != MEMTX_OK) {
        val = size == 4 ? 0xffffffff : (1u << (size * 8)) - 1;
    }
    monitor_printf(mon, "port%c[0x%04x] = 0x%0*" PRIx64 "\n", suffix, addr,
                   size * 2, val);
}

void hmp_ioport_write(Monitor *mon, const HMPArgs *args)
{
    int size = hmp_arg_int(args, "size", 1);
    uint32_t addr = hmp_arg_int(args, "addr", 0) & 0xffff;
    uint32_t val = hmp_arg_int(args, "val", 0);

    if (size != 2 && size != 4) {
        size = 1;
    }
    if (size < 4) {
        val &= (1u << (size * 8)) - 1;
    }
    address_space_st(&address_space_io, addr, size, val);
}

/* The BSD checksum of the "sum" utility, over guest physical memory. */
void hmp_sum(Monitor *mon, const HMPArgs *args)
{
    uint32_t start = hmp_arg_int(args, "start", 0);
    uint32_t size = hmp_arg_int(args, "size", 0);
    uint16_t sum = 0;

    for (uint64_t addr = start; addr < (uint64_t)start + size; addr++) {
        uint8_t val = 0;

        address_space_read(&address_space_memory, addr, &val, 1);
        sum = (sum >> 1) | (sum << 15);
        sum += val;
    }
    monitor_printf(mon, "%05d\n", sum);
}

void hmp_gva2gpa(Monitor *mon, const HMPArgs *args)
{
    uint64_t addr = hmp_arg_int(args, "addr", 0);
    X86CPU *cpu = hmp_get_cpu(mon);
    uint64_t gpa;

    if (!cpu) {
        monitor_printf(mon, "No cpu\n");
        return;
    }
    /* Translate the page, then add the offset, as QEMU does. */
    if (!x86_cpu_get_phys_addr_debug(&cpu->env, addr & ~0xfffULL, &gpa)) {
        monitor_printf(mon, "Unmapped\n");
        return;
    }
    monitor_printf(mon, "gpa: %#" PRIx64 "\n", gpa + (addr & 0xfff));
}

/* ---- guest physical to host addresses ---- */

/* The host pointer of guest RAM at @addr and its region's name. */
static void *gpa2hva(uint64_t addr, const char **name, Error **errp)
{
    FlatView *fv = address_space_get_flatview(&address_space_memory);
    const FlatRange *fr = flatview_lookup(fv, addr);
    uint8_t *base;
    void *ptr = NULL;

    if (!fr) {
        error_setg(errp, "No memory is mapped at address 0x%" PRIx64, addr);
    } else if (!(base = memory_region_get_ram_ptr(fr->mr))) {
        error_setg(errp, "Memory at address 0x%" PRIx64 " is not RAM", addr);
    } else {
        *name = fr->mr->name;
        ptr = base + fr->offset_in_region + (addr - fr->addr);
    }
    flatview_unref(fv);
    return ptr;
}

void hmp_gpa2hva(Monitor *mon, const HMPArgs *args)
{
    uint64_t addr = hmp_arg_int(args, "addr", 0);
    const char *name = NULL;
    Error *err = NULL;
    void *ptr = gpa2hva(addr, &name, &err);

    if (!ptr) {
        error_report_err(err);
        return;
    }
    monitor_printf(mon, "Host virtual address for 0x%" PRIx64 " (%s) is %p\n",
                   addr, name, ptr);
}

/* The host physical address of @ptr from /proc/self/pagemap (Linux). */
static uint64_t host_vtop(void *ptr, Error **errp)
{
    uintptr_t va = (uintptr_t)ptr;
    long pagesize = sysconf(_SC_PAGESIZE);
    uint64_t pinfo;
    uint64_t ret = -1;
    int fd = open("/proc/self/pagemap", O_RDONLY);

    if (fd < 0) {
        error_setg_errno(errp, errno, "Cannot open /proc/self/pagemap");
        return -1;
    }
    /* Fault the page in (and break copy-on-write) without changing it. */
    __atomic_fetch_add((uint8_t *)ptr, 0, __ATOMIC_SEQ_CST);
    if (pread(fd, &pinfo, sizeof(pinfo), va / pagesize * sizeof(pinfo)) !=
        sizeof(pinfo)) {
        error_setg_errno(errp, errno, "Cannot read pagemap");
    } else if (!(pinfo & (1ULL << 63))) {
        error_setg(errp, "Page not present");
    } else {
        ret = ((pinfo & 0x007fffffffffffffULL) * pagesize) |
              (va & (pagesize - 1));
    }
    close(fd);
    return ret;
}

void hmp_gpa2hpa(Monitor *mon, const HMPArgs *args)
{
    uint64_t addr = hmp_arg_int(args, "addr", 0);
    const char *name = NULL;
    Error *err = NULL;
    void *ptr = gpa2hva(addr, &name, &err);
    uint64_t hpa;

    if (!ptr) {
        error_report_err(err);
        return;
    }
    hpa = host_vtop(ptr, &err);
    if (err) {
        error_report_err(err);
        return;
    }
    monitor_printf(mon, "Host physical address for 0x%" PRIx64 " (%s) is 0x%"
                   PRIx64 "\n", addr, name, hpa);
}
