/*
 * PAM segments as RAM aliases (include/hw/pci-host/pam.h).  Mode per
 * nibble: 0 DRAM disabled (the ROM or PCI answers), 1 read-only DRAM
 * (writes dropped), 2 write-only DRAM, 3 read/write DRAM.  Mode 2 is
 * modelled as read/write: firmware uses it only to copy the ROM into the
 * RAM below it and reads back after switching to mode 1 or 3.
 */
#include "qemu/osdep.h"
#include "hw/pci-host/pam.h"

/* segment @i: base and size; 0 is 0xf0000 (64 KiB), then 16 KiB pieces */
static hwaddr seg_base(int i)
{
    return i == 0 ? 0xf0000 : 0xc0000 + (hwaddr)(i - 1) * 0x4000;
}

static uint64_t seg_size(int i)
{
    return i == 0 ? 0x10000 : 0x4000;
}

/* PAM0 bits 7:4 (segment 0); PAMn bits 3:0 and 7:4 (segments 2n-1, 2n) */
static unsigned seg_mode(const uint8_t *regs, int i)
{
    if (i == 0) {
        return regs[0] >> 4;
    }
    return (regs[(i + 1) / 2] >> ((i - 1) % 2 ? 4 : 0)) & 3;
}

void pam_init(PAMState *p, Object *owner, MemoryRegion *sysmem,
              MemoryRegion *ram)
{
    for (int i = 0; i < PAM_SEGMENTS; i++) {
        memory_region_init_alias(&p->ram[i], owner, "pam-ram", ram,
                                 seg_base(i), seg_size(i));
        memory_region_set_enabled(&p->ram[i], false);
        /* above the ISA BIOS alias and the option ROM space (1) */
        memory_region_add_subregion_overlap(sysmem, seg_base(i), &p->ram[i],
                                            2);
    }
    p->ready = true;
}

void pam_update(PAMState *p, const uint8_t *regs)
{
    if (!p->ready) {
        return;
    }
    memory_region_transaction_begin();
    for (int i = 0; i < PAM_SEGMENTS; i++) {
        unsigned mode = seg_mode(regs, i) & 3;

        memory_region_set_readonly(&p->ram[i], mode == 1);
        memory_region_set_enabled(&p->ram[i], mode != 0);
    }
    memory_region_transaction_commit();
}
