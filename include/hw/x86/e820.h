/*
 * The PC's BIOS memory map (INT 15h E820 entry types), as the machine
 * describes it to firmware ("etc/e820" in fw_cfg) and to multiboot
 * kernels.  One table per process, built by the machine.
 */
#ifndef HW_X86_E820_H
#define HW_X86_E820_H

#include "qemu/osdep.h"

#define E820_RAM        1
#define E820_RESERVED   2
#define E820_ACPI       3
#define E820_NVS        4
#define E820_UNUSABLE   5

/* The fw_cfg "etc/e820" layout: little-endian, packed. */
typedef struct QEMU_PACKED E820Entry {
    uint64_t address;
    uint64_t length;
    uint32_t type;
} E820Entry;

/* Append an entry; returns the new number of entries. */
int e820_add_entry(uint64_t address, uint64_t length, uint32_t type);
int e820_get_num_entries(void);
/*
 * Take [@address, @address + @length) out of the RAM entry that contains
 * it and add it as an entry of @type (what firmware does for its ACPI
 * tables).  False when no single RAM entry contains the range.
 */
bool e820_reserve_ram(uint64_t address, uint64_t length, uint32_t type);
/* The @idx-th entry if it has @type: its range in *@address, *@length. */
bool e820_get_entry(int idx, uint32_t type, uint64_t *address,
                    uint64_t *length);
/* The table in "etc/e820" format (little-endian); valid until the next add. */
const E820Entry *e820_get_table(void);
/* Empty the table (a new machine, or tests). */
void e820_reset(void);

#endif
