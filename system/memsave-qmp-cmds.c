/*
 * memsave / pmemsave: guest memory to a file, through a CPU's page tables
 * (debug walk, no side effects) or physical addresses, with QEMU 7.2's
 * error texts.  Physical holes read as the bus returns them.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "exec/memory.h"
#include "system/cpus.h"
#include "target/x86/cpu.h"

static void mem_save(X86CPU *cpu, int64_t addr, int64_t size,
                     const char *filename, Error **errp)
{
    int64_t orig_addr = addr, orig_size = size;
    FILE *f = fopen(filename, "wb");

    if (!f) {
        error_setg_errno(errp, errno, "Could not open '%s'", filename);
        return;
    }
    while (size > 0) {
        uint8_t buf[1024];
        size_t l = MIN(size, (int64_t)sizeof(buf));

        if (cpu) {
            if (x86_cpu_memory_rw_debug(cpu, addr, buf, l, false) != 0) {
                error_setg(errp, "Invalid addr 0x%016" PRIx64 "/size %"
                           PRId64 " specified", orig_addr, orig_size);
                break;
            }
        } else {
            address_space_read(&address_space_memory, addr, buf, l);
        }
        if (fwrite(buf, 1, l, f) != l) {
            error_setg(errp, "An IO error has occurred");
            break;
        }
        addr += l;
        size -= l;
    }
    fclose(f);
}

void qmp_memsave(int64_t val, int64_t size, const char *filename,
                 bool has_cpu_index, int64_t cpu_index, Error **errp)
{
    X86CPU *cpu = cpu_get_synced(has_cpu_index ? cpu_index : 0);

    if (!cpu) {
        error_setg(errp, "Parameter 'cpu-index' expects a CPU number");
        return;
    }
    mem_save(cpu, val, size, filename, errp);
}

void qmp_pmemsave(int64_t val, int64_t size, const char *filename,
                  Error **errp)
{
    mem_save(NULL, val, size, filename, errp);
}
