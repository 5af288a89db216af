/*
 * Local APIC (userspace model, used when the accelerator has no in-kernel
 * irqchip, i.e. the software CPU).  xAPIC MMIO at 0xfee00000, Intel SDM
 * vol. 3A ch. 10.  The machine creates one per CPU; the IOAPIC and MSIs
 * deliver through apic_deliver_irq(); the i8259 output reaches the BSP's
 * LINT0 (ExtINT) through apic_deliver_pic_intr().
 */
#ifndef HW_INTC_APIC_H
#define HW_INTC_APIC_H

#include "qemu/osdep.h"
#include "hw/qdev-core.h"

#define TYPE_APIC "apic"

typedef struct X86CPU X86CPU;

/* Create and realize the local APIC of @cpu (sets cpu->apic). */
DeviceState *apic_new(X86CPU *cpu, Error **errp);

/* Deliver an interrupt message (IOAPIC redirection entry / MSI fields). */
void apic_deliver_irq(uint8_t dest, uint8_t dest_mode, uint8_t delivery_mode,
                      uint8_t vector, uint8_t trigger_mode);
/* An MSI message: a 4-byte @data write to @addr in 0xfee00000-0xfeefffff. */
void apic_send_msi(uint64_t addr, uint32_t data);
/* Level of the 8259's INTR output, wired to LINT0 of the BSP. */
void apic_deliver_pic_intr(DeviceState *apic, int level);
/* An external NMI through the LINT1 entry (masked: none). */
void apic_deliver_nmi(DeviceState *apic);
/* The register page as the guest reads it, one 32-bit register per 16
 * bytes (regs[offset >> 4]), without read side effects. */
void apic_get_regs(DeviceState *apic, uint32_t regs[64]);

/*
 * CPU side, called by the software CPU when IF=1 and CPU_INTERRUPT_HARD is
 * set: acknowledge and return the highest-priority vector (an ExtINT asks
 * the i8259), or -1 if nothing is deliverable any more.
 */
int apic_get_interrupt(DeviceState *apic);
/* Re-evaluate pending interrupts after a TPR/EOI change (sets CPU_INTERRUPT_HARD as needed). */
void apic_update_irq(DeviceState *apic);
void apic_set_tpr(DeviceState *apic, uint8_t cr8);
uint8_t apic_get_tpr(DeviceState *apic);
/*
 * INIT/SIPI contract with the CPU: an INIT IPI sets env.init_received and
 * CPU_INTERRUPT_INIT; the CPU then resets its state (x86_cpu_reset), calls
 * apic_init_reset() and waits for SIPI (an AP ignores other interrupts).  A
 * SIPI IPI sets env.sipi_vector and CPU_INTERRUPT_SIPI; a CPU waiting for
 * SIPI starts in real mode at CS = vector << 8 (base vector << 12), IP = 0,
 * clears init_received; a CPU not waiting ignores it.
 */
/* The CPU took INIT: reset APIC state (keeps the ID and base). */
void apic_init_reset(DeviceState *apic);
/* MSR_IA32_APICBASE write from the guest. */
void apic_set_base(DeviceState *apic, uint64_t val);

/*
 * The i8259 pair as the CPU and APIC see it (hw/intc/i8259.c): INTA cycle
 * returning the vector of the highest pending IRQ (spurious 7/15 when none).
 */
int pic_read_irq(void);

/* For a CPU without an APIC device (should not happen on pc): the 8259 directly. */
int x86_cpu_get_pic_interrupt(X86CPU *cpu);

#endif
