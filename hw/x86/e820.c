/*
 * The E820 memory map of the machine (see include/hw/x86/e820.h).
 */
#include "qemu/osdep.h"
#include "hw/x86/e820.h"

static E820Entry *e820_table;
static int e820_entries;

int e820_add_entry(uint64_t address, uint64_t length, uint32_t type)
{
    E820Entry *e;

    e820_table = g_renew(E820Entry, e820_table, e820_entries + 1);
    e = &e820_table[e820_entries];
    e->address = GUINT64_TO_LE(address);
    e->length = GUINT64_TO_LE(length);
    e->type = GUINT32_TO_LE(type);
    return ++e820_entries;
}

bool e820_reserve_ram(uint64_t address, uint64_t length, uint32_t type)
{
    for (int i = 0; i < e820_entries; i++) {
        uint64_t start, len, end;

        if (!e820_get_entry(i, E820_RAM, &start, &len) || address < start ||
            length > len || address - start > len - length) {
            continue;
        }
        end = start + len;
        /* The part below the range stays in place; the rest is appended. */
        e820_table[i].length = GUINT64_TO_LE(address - start);
        if (address == start) {
            /* Nothing left below: the slot becomes the reserved range. */
            e820_table[i].length = GUINT64_TO_LE(length);
            e820_table[i].type = GUINT32_TO_LE(type);
        } else {
            e820_add_entry(address, length, type);
        }
        if (address + length < end) {
            e820_add_entry(address + length, end - address - length,
                           E820_RAM);
        }
        return true;
    }
    return false;
}

int e820_get_num_entries(void)
{
    return e820_entries;
}

bool e820_get_entry(int idx, uint32_t type, uint64_t *address,
                    uint64_t *length)
{
    if (idx < 0 || idx >= e820_entries ||
        GUINT32_FROM_LE(e820_table[idx].type) != type) {
        return false;
    }
    *address = GUINT64_FROM_LE(e820_table[idx].address);
    *length = GUINT64_FROM_LE(e820_table[idx].length);
    return true;
}

const E820Entry *e820_get_table(void)
{
    return e820_table;
}

void e820_reset(void)
{
    g_free(e820_table);
    e820_table = NULL;
    e820_entries = 0;
}
