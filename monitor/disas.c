/*
 * x/i and xp/i: guest code through capstone in AT&T syntax, laid out as
 * QEMU's monitor prints it ("0x%08x:", up to 8 bytes in hex, padded, then
 * mnemonic and operands; longer instructions continue on extra lines).
 * The mode (16/32/64-bit) is the selected CPU's current code segment's.
 */
#include "qemu/osdep.h"
#include <capstone/capstone.h>
#include "hmp-internal.h"
#include "exec/memory.h"

/* Bytes per line before an instruction's hex dump wraps (QEMU's x86). */
#define DISAS_INSN_SPLIT 8
#define DISAS_MAX_INSN 16

static cs_mode disas_mode(const CPUX86State *env)
{
    if (x86_cpu_long_mode(env) && (env->segs[R_CS].flags & DESC_L_MASK)) {
        return CS_MODE_64;
    }
    if ((env->cr[0] & CR0_PE_MASK) && !(env->eflags & VM_MASK) &&
        (env->segs[R_CS].flags & DESC_B_MASK)) {
        return CS_MODE_32;
    }
    return CS_MODE_16;
}

static void disas_dump_insn(Monitor *mon, const cs_insn *insn)
{
    int n = insn->size;

    monitor_printf(mon, "0x%08" PRIx64 ": ", insn->address);
    for (int i = 0; i < MIN(n, DISAS_INSN_SPLIT); i++) {
        monitor_printf(mon, " %02x", insn->bytes[i]);
    }
    if (n < DISAS_INSN_SPLIT) {
        monitor_printf(mon, "%*s", (DISAS_INSN_SPLIT - n) * 3, "");
    }
    monitor_printf(mon, "  %-8s %s\n", insn->mnemonic, insn->op_str);
    for (int i = DISAS_INSN_SPLIT; i < n; i += DISAS_INSN_SPLIT) {
        monitor_printf(mon, "0x%08" PRIx64 ": ", insn->address + i);
        for (int j = 0; j < DISAS_INSN_SPLIT && i + j < n; j++) {
            monitor_printf(mon, " %02x", insn->bytes[i + j]);
        }
        monitor_printf(mon, "\n");
    }
}

/*
 * The next instruction's worth of bytes.  Like QEMU, a window that is not
 * entirely readable is an error even if the instruction would fit.
 */
static bool disas_read(X86CPU *cpu, uint64_t addr, uint8_t *buf, size_t len,
                       bool is_physical)
{
    if (is_physical) {
        return address_space_read(&address_space_memory, addr, buf, len) ==
               MEMTX_OK;
    }
    return x86_cpu_memory_rw_debug(cpu, addr, buf, len, false) == 0;
}

void hmp_disas(Monitor *mon, X86CPU *cpu, uint64_t addr, int count,
               bool is_physical)
{
    csh handle;
    cs_insn *insn;

    if (cs_open(CS_ARCH_X86, disas_mode(&cpu->env), &handle) != CS_ERR_OK) {
        monitor_printf(mon, "Cannot disassemble: capstone failed\n");
        return;
    }
    cs_option(handle, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
    /* Undecodable bytes come out as ".byte 0xNN", as in QEMU. */
    cs_option(handle, CS_OPT_SKIPDATA, CS_OPT_ON);
    insn = cs_malloc(handle);
    while (count-- > 0) {
        uint8_t buf[DISAS_MAX_INSN];
        const uint8_t *code = buf;
        size_t size = sizeof(buf);
        uint64_t pc = addr;

        if (!disas_read(cpu, addr, buf, size, is_physical)) {
            monitor_printf(mon, "0x%08" PRIx64 ": unable to read memory\n",
                           addr);
            break;
        }
        if (!cs_disasm_iter(handle, &code, &size, &pc, insn)) {
            break;
        }
        disas_dump_insn(mon, insn);
        addr = pc;
    }
    cs_free(insn, 1);
    cs_close(&handle);
}
