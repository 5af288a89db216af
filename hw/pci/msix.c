/*
 * MSI-X (PCI Local Bus 3.0 section 6.8.2): a capability pointing at a
 * table of 16-byte entries {address, data, vector control} and a pending
 * bit array (PBA), both in memory BARs.  A masked vector (entry mask bit
 * or Function Mask) latches its pending bit and fires when unmasked.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "hw/pci/pci.h"

#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define MSIX_CONTROL_BYTE   3   /* Enable and Function Mask live in byte 3 */
#define MSIX_ENABLE_MASK    (PCI_MSIX_FLAGS_ENABLE >> 8)
#define MSIX_MASKALL_MASK   (PCI_MSIX_FLAGS_MASKALL >> 8)

/* Little-endian access of @size (1..8) bytes at @p. */
static uint64_t ldn_le(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

static void stn_le(uint8_t *p, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++) {
        p[i] = v >> (8 * i);
    }
}

static uint8_t msix_control(const PCIDevice *d)
{
    return d->config[d->msix_cap + MSIX_CONTROL_BYTE];
}

bool msix_enabled(const PCIDevice *d)
{
    return d->msix_cap && (msix_control(d) & MSIX_ENABLE_MASK);
}

unsigned msix_nr_vectors(const PCIDevice *d)
{
    return d->msix_cap ? d->msix_entries_nr : 0;
}

static bool msix_vector_masked(PCIDevice *d, unsigned vector)
{
    uint8_t *e = d->msix_table + vector * PCI_MSIX_ENTRY_SIZE;

    return (e[PCI_MSIX_ENTRY_VECTOR_CTRL] & PCI_MSIX_ENTRY_CTRL_MASKBIT) ||
           (msix_control(d) & MSIX_MASKALL_MASK);
}

bool msix_is_masked(PCIDevice *d, unsigned vector)
{
    return vector >= d->msix_entries_nr || !msix_enabled(d) ||
           msix_vector_masked(d, vector);
}

static bool msix_pending(PCIDevice *d, unsigned vector)
{
    return d->msix_pba[vector / 8] & (1u << (vector % 8));
}

static void msix_set_pending(PCIDevice *d, unsigned vector, bool on)
{
    uint8_t bit = 1u << (vector % 8);

    if (on) {
        d->msix_pba[vector / 8] |= bit;
    } else {
        d->msix_pba[vector / 8] &= ~bit;
    }
}

static void msix_send(PCIDevice *d, unsigned vector)
{
    uint8_t *e = d->msix_table + vector * PCI_MSIX_ENTRY_SIZE;

    pci_msi_send(d, pci_get_quad(e + PCI_MSIX_ENTRY_LOWER_ADDR),
                 pci_get_long(e + PCI_MSIX_ENTRY_DATA));
}

void msix_notify(PCIDevice *d, unsigned vector)
{
    if (!msix_enabled(d) || vector >= d->msix_entries_nr) {
        return;
    }
    if (msix_vector_masked(d, vector)) {
        msix_set_pending(d, vector, true);
        return;
    }
    msix_send(d, vector);
}

/* After an unmask (entry or function): fire what became deliverable. */
static void msix_handle_unmask(PCIDevice *d, unsigned vector)
{
    if (msix_enabled(d) && msix_pending(d, vector) &&
        !msix_vector_masked(d, vector)) {
        msix_set_pending(d, vector, false);
        msix_send(d, vector);
    }
}

/* ---- table and PBA ---- */

static uint64_t msix_table_read(void *opaque, hwaddr addr, unsigned size)
{
    PCIDevice *d = opaque;

    return ldn_le(d->msix_table + addr, size);
}

static void msix_table_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    PCIDevice *d = opaque;
    unsigned vector = addr / PCI_MSIX_ENTRY_SIZE;
    bool was_masked = msix_vector_masked(d, vector);

    stn_le(d->msix_table + addr, size, val);
    /* Reserved vector-control bits read as zero */
    d->msix_table[vector * PCI_MSIX_ENTRY_SIZE +
                  PCI_MSIX_ENTRY_VECTOR_CTRL] &= PCI_MSIX_ENTRY_CTRL_MASKBIT;
    memset(d->msix_table + vector * PCI_MSIX_ENTRY_SIZE +
           PCI_MSIX_ENTRY_VECTOR_CTRL + 1, 0, 3);
    if (was_masked && !msix_vector_masked(d, vector)) {
        msix_handle_unmask(d, vector);
    }
}

static const MemoryRegionOps msix_table_ops = {
    .read = msix_table_read,
    .write = msix_table_write,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static uint64_t msix_pba_read(void *opaque, hwaddr addr, unsigned size)
{
    PCIDevice *d = opaque;
    unsigned pba_size = DIV_ROUND_UP(d->msix_entries_nr, 64) * 8;

    return addr + size <= pba_size ? ldn_le(d->msix_pba + addr, size) : 0;
}

static void msix_pba_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    /* read-only */
}

static const MemoryRegionOps msix_pba_ops = {
    .read = msix_pba_read,
    .write = msix_pba_write,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

/* ---- capability ---- */

int msix_init(PCIDevice *d, unsigned short nentries,
              MemoryRegion *table_bar, uint8_t table_bar_nr,
              unsigned table_offset, MemoryRegion *pba_bar,
              uint8_t pba_bar_nr, unsigned pba_offset, uint8_t cap_pos,
              Error **errp)
{
    unsigned table_size = nentries * PCI_MSIX_ENTRY_SIZE;
    unsigned pba_size = DIV_ROUND_UP(nentries, 64) * 8;
    uint8_t *cap;
    int off;

    if (nentries < 1 || nentries > PCI_MSIX_FLAGS_QSIZE + 1 ||
        table_bar_nr > 5 || pba_bar_nr > 5 ||
        (table_offset | pba_offset) & PCI_MSIX_FLAGS_BIRMASK ||
        table_offset + table_size > memory_region_size(table_bar) ||
        pba_offset + pba_size > memory_region_size(pba_bar)) {
        error_setg(errp, "MSI-X: invalid table or PBA placement");
        return -EINVAL;
    }
    off = pci_add_capability(d, PCI_CAP_ID_MSIX, cap_pos,
                             PCI_CAP_MSIX_SIZEOF, errp);
    if (off < 0) {
        return off;
    }
    d->msix_cap = off;
    d->msix_entries_nr = nentries;
    d->msix_table = g_malloc0(table_size);
    d->msix_pba = g_malloc0(pba_size);
    cap = d->config + off;
    pci_set_word(cap + PCI_MSIX_FLAGS, nentries - 1);
    pci_set_long(cap + PCI_MSIX_TABLE, table_offset | table_bar_nr);
    pci_set_long(cap + PCI_MSIX_PBA, pba_offset | pba_bar_nr);
    d->wmask[off + MSIX_CONTROL_BYTE] = MSIX_ENABLE_MASK | MSIX_MASKALL_MASK;
    msix_reset(d);

    memory_region_init_io(&d->msix_table_mmio, OBJECT(d), &msix_table_ops, d,
                          "msix-table", table_size);
    memory_region_add_subregion(table_bar, table_offset, &d->msix_table_mmio);
    memory_region_init_io(&d->msix_pba_mmio, OBJECT(d), &msix_pba_ops, d,
                          "msix-pba", pba_size);
    memory_region_add_subregion(pba_bar, pba_offset, &d->msix_pba_mmio);
    return off;
}

int msix_init_exclusive_bar(PCIDevice *d, unsigned short nentries,
                            uint8_t bar_nr, Error **errp)
{
    unsigned table_size = nentries * PCI_MSIX_ENTRY_SIZE;
    uint64_t bar_size = 4096;
    g_autofree char *name = g_strdup_printf("%s-msix",
                                            object_get_typename(OBJECT(d)));
    int ret;

    /* Table in the first half, PBA in the second (as QEMU lays it out) */
    while (bar_size / 2 < table_size) {
        bar_size *= 2;
    }
    memory_region_init(&d->msix_exclusive_bar, OBJECT(d), name, bar_size);
    ret = msix_init(d, nentries, &d->msix_exclusive_bar, bar_nr, 0,
                    &d->msix_exclusive_bar, bar_nr, bar_size / 2, 0, errp);
    if (ret < 0) {
        return ret;
    }
    pci_register_bar(d, bar_nr, PCI_BASE_ADDRESS_SPACE_MEMORY,
                     &d->msix_exclusive_bar);
    return ret;
}

void msix_uninit(PCIDevice *d)
{
    if (!d->msix_cap) {
        return;
    }
    memory_region_del_subregion(d->msix_table_mmio.container,
                                &d->msix_table_mmio);
    memory_region_del_subregion(d->msix_pba_mmio.container,
                                &d->msix_pba_mmio);
    memset(d->config + d->msix_cap, 0, PCI_CAP_MSIX_SIZEOF);
    d->msix_cap = 0;
    d->msix_entries_nr = 0;
    g_clear_pointer(&d->msix_table, g_free);
    g_clear_pointer(&d->msix_pba, g_free);
}

void msix_write_config(PCIDevice *d, uint32_t addr, uint32_t val, int len)
{
    unsigned ctl = d->msix_cap + MSIX_CONTROL_BYTE;

    if (addr > ctl || addr + len <= ctl || !msix_enabled(d)) {
        return;
    }
    for (unsigned v = 0; v < d->msix_entries_nr; v++) {
        msix_handle_unmask(d, v);
    }
}

void msix_reset(PCIDevice *d)
{
    d->config[d->msix_cap + MSIX_CONTROL_BYTE] &=
        ~(MSIX_ENABLE_MASK | MSIX_MASKALL_MASK);
    memset(d->msix_table, 0, d->msix_entries_nr * PCI_MSIX_ENTRY_SIZE);
    for (unsigned v = 0; v < d->msix_entries_nr; v++) {
        d->msix_table[v * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_VECTOR_CTRL] =
            PCI_MSIX_ENTRY_CTRL_MASKBIT;
    }
    memset(d->msix_pba, 0, DIV_ROUND_UP(d->msix_entries_nr, 64) * 8);
}
