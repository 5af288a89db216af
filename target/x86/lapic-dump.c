/*
 * "info lapic": a local APIC's state in QEMU 7.2's text, from the register
 * page as the guest reads it (regs[offset >> 4]), so the emulated APIC and
 * KVM's in-kernel one print through the same code.
 */
#include "qemu/osdep.h"
#include "target/x86/cpu.h"

static const char *const dm_names[8] = {
    "Fixed", "...", "SMI", "...", "NMI", "INIT", "...", "ExtINT",
};

static void dump_lvt(GString *out, const char *name, uint32_t lvt,
                     bool is_timer)
{
    unsigned dm = (lvt >> 8) & 7;
    const char *mode = "";

    if (is_timer) {
        mode = lvt & (1u << 17) ? "periodic" :
               lvt & (1u << 18) ? "tsc-deadline" : "one-shot";
    }
    g_string_append_printf(out, "%s\t 0x%08x %s %-5s %-6s %-7s %-12s %-6s",
                           name, lvt,
                           lvt & (1u << 13) ? "active-lo" : "active-hi",
                           lvt & (1u << 15) ? "level" : "edge",
                           lvt & (1u << 16) ? "masked" : "",
                           lvt & (1u << 12) ? "pending" : "",
                           mode, dm_names[dm]);
    if (dm != 4) {
        g_string_append_printf(out, " (vec %u)\n", lvt & 0xff);
    } else {
        g_string_append(out, "\n");
    }
}

static void dump_vectors(GString *out, const char *name,
                         const uint32_t *bits, const uint32_t *tmr)
{
    bool empty = true;

    g_string_append_printf(out, "%s\t ", name);
    for (int v = 0; v < 256; v++) {
        if (bits[v / 32] & (1u << (v % 32))) {
            g_string_append_printf(out, "%u%s ", v,
                                   tmr[v / 32] & (1u << (v % 32)) ?
                                   "(level)" : "");
            empty = false;
        }
    }
    g_string_append_printf(out, "%s\n", empty ? "(none)" : "");
}

/* The low @n bits of @v as '0'/'1' digits, most significant first. */
static const char *binary(char *buf, uint32_t v, int n)
{
    for (int i = 0; i < n; i++) {
        buf[i] = v & (1u << (n - 1 - i)) ? '1' : '0';
    }
    buf[n] = 0;
    return buf;
}

static void dump_icr(GString *out, uint32_t icr, uint32_t icr2,
                     unsigned dest_mode, bool x2apic)
{
    static const char *const shorthand[4] = {
        "no-shorthand", "self", "all-self", "all",
    };
    unsigned sh = (icr >> 18) & 3;
    bool logical = icr & (1u << 11);
    uint32_t dest = x2apic ? icr2 : icr2 >> 24;
    char bits[17];

    g_string_append_printf(out, "ICR\t 0x%08x %s %s %s %s\n", icr,
                           logical ? "logical" : "physical",
                           icr & (1u << 15) ? "level" : "edge",
                           icr & (1u << 14) ? "assert" : "de-assert",
                           shorthand[sh]);
    g_string_append_printf(out, "ICR2\t 0x%08x", icr2);
    if (sh != 0) {
        g_string_append(out, "\n");
    } else if (!logical) {
        g_string_append_printf(out, x2apic ? " cpu %u (X2APIC ID)\n"
                                           : " cpu %u (APIC ID)\n",
                               x2apic ? dest : dest & 0xff);
    } else if (dest_mode == 0xf) {          /* flat: the 8 bits in binary */
        g_string_append_printf(out, " mask %s (APIC ID)\n",
                               binary(bits, icr2 >> 24, 8));
    } else if (dest_mode == 0) {            /* cluster */
        if (x2apic) {
            g_string_append_printf(out, " cluster %u mask %s (X2APIC ID)\n",
                                   dest >> 16, binary(bits, dest, 16));
        } else {
            g_string_append_printf(out, " cluster %u mask %s (APIC ID)\n",
                                   dest >> 4, binary(bits, dest, 4));
        }
    }
}

void x86_lapic_dump(X86CPU *cpu, const uint32_t regs[64], GString *out)
{
    /* QEMU decodes ICR2 by the CPUID x2APIC feature, not the APIC's mode */
    bool x2apic = cpu->model.features_1_ecx & (1u << 21);
    uint32_t dcr = regs[0x3e];
    unsigned div = ((dcr & 8) >> 1) | (dcr & 3);
    unsigned dest_mode = regs[0x0e] >> 28;
    unsigned log_dest = regs[0x0d] >> 24;
    uint32_t svr = regs[0x0f];

    g_string_append_printf(out, "dumping local APIC state for CPU %-2u\n\n",
                           cpu->cpu_index);
    dump_lvt(out, "LVT0", regs[0x35], false);
    dump_lvt(out, "LVT1", regs[0x36], false);
    dump_lvt(out, "LVTPC", regs[0x34], false);
    dump_lvt(out, "LVTERR", regs[0x37], false);
    dump_lvt(out, "LVTTHMR", regs[0x33], false);
    dump_lvt(out, "LVTT", regs[0x32], true);
    g_string_append_printf(out, "Timer\t DCR=0x%x (divide by %u) "
                           "initial_count = %u current_count = %u\n",
                           dcr & 0xb, div == 7 ? 1 : 2u << div,
                           regs[0x38], regs[0x39]);
    g_string_append_printf(out, "SPIV\t 0x%08x APIC %s, focus=%s, "
                           "spurious vec %u\n", svr,
                           svr & (1u << 8) ? "enabled" : "disabled",
                           svr & (1u << 9) ? "on" : "off", svr & 0xff);
    dump_icr(out, regs[0x30], regs[0x31], dest_mode, x2apic);
    g_string_append_printf(out, "ESR\t 0x%08x\n", regs[0x28]);
    dump_vectors(out, "ISR", &regs[0x10], &regs[0x18]);
    dump_vectors(out, "IRR", &regs[0x20], &regs[0x18]);
    /* QEMU prints its arbitration ID there: the APIC ID since reset */
    g_string_append_printf(out, "\nAPR 0x%02x TPR 0x%02x DFR 0x%02x "
                           "LDR 0x%02x", regs[0x02] >> 24,
                           regs[0x08] & 0xff, dest_mode, log_dest);
    if (dest_mode == 0) {
        g_string_append_printf(out, "(cluster %u: id %u)", log_dest >> 4,
                               log_dest & 0xf);
    }
    g_string_append_printf(out, " PPR 0x%02x\n", regs[0x0a] & 0xff);
}
