/*
 * inject-nmi: an external NMI on every CPU's local APIC LINT1 pin, as
 * QEMU's pc machine wires its NMI button; a guest that masked LINT1 (Linux
 * on the APs) sees nothing on that CPU.
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "accel/accel.h"
#include "hw/intc/apic.h"
#include "target/x86/cpu.h"

void qmp_inject_nmi(Error **errp)
{
    const AccelOps *ops = current_accel();

    for (guint i = 0; x86_cpus && i < x86_cpus->len; i++) {
        X86CPU *cpu = g_ptr_array_index(x86_cpus, i);

        if (ops && ops->inject_nmi) {
            ops->inject_nmi(cpu);
        } else if (cpu->apic) {
            apic_deliver_nmi(cpu->apic);
        } else {
            x86_cpu_interrupt(cpu, CPU_INTERRUPT_NMI);
        }
    }
}
