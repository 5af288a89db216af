/*
 * Message Signalled Interrupts, the MSI capability (PCI Local Bus 3.0
 * section 6.8.1): 32- or 64-bit message address, optional per-vector
 * masking with pending bits, multiple-message enable.  A message is a
 * 4-byte write of the data (low bits replaced by the vector) to the
 * address, delivered through pci_msi_send().
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "hw/pci/pci.h"

static uint16_t msi_flags(const PCIDevice *d)
{
    return pci_get_word(d->config + d->msi_cap + PCI_MSI_FLAGS);
}

static bool msi_64bit(uint16_t flags)
{
    return flags & PCI_MSI_FLAGS_64BIT;
}

static unsigned msi_mask_off(uint16_t flags)
{
    return msi_64bit(flags) ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32;
}

static unsigned msi_cap_size(uint16_t flags)
{
    unsigned size = msi_64bit(flags) ? 0x0e : 0x0a;

    return flags & PCI_MSI_FLAGS_MASKBIT ? size + 10 : size;
}

int msi_init(PCIDevice *d, uint8_t offset, unsigned nr_vectors, bool msi64bit,
             bool per_vector_mask, Error **errp)
{
    unsigned log2 = 0;
    uint16_t flags;
    uint8_t *wm;
    int cap;

    if (nr_vectors < 1 || nr_vectors > 32 || (nr_vectors & (nr_vectors - 1))) {
        error_setg(errp, "MSI: %u vectors is not a power of two up to 32",
                   nr_vectors);
        return -EINVAL;
    }
    while ((1u << log2) < nr_vectors) {
        log2++;
    }
    flags = log2 << 1;
    if (msi64bit) {
        flags |= PCI_MSI_FLAGS_64BIT;
    }
    if (per_vector_mask) {
        flags |= PCI_MSI_FLAGS_MASKBIT;
    }
    cap = pci_add_capability(d, PCI_CAP_ID_MSI, offset, msi_cap_size(flags),
                             errp);
    if (cap < 0) {
        return cap;
    }
    d->msi_cap = cap;
    pci_set_word(d->config + cap + PCI_MSI_FLAGS, flags);
    wm = d->wmask + cap;
    pci_set_word(wm + PCI_MSI_FLAGS, PCI_MSI_FLAGS_QSIZE |
                 PCI_MSI_FLAGS_ENABLE);
    pci_set_long(wm + PCI_MSI_ADDRESS_LO, 0xfffffffc);
    if (msi64bit) {
        pci_set_long(wm + PCI_MSI_ADDRESS_HI, 0xffffffff);
    }
    pci_set_word(wm + (msi64bit ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32), 0xffff);
    if (per_vector_mask) {
        pci_set_long(wm + msi_mask_off(flags),
                     nr_vectors == 32 ? 0xffffffff : (1u << nr_vectors) - 1);
    }
    return cap;
}

void msi_uninit(PCIDevice *d)
{
    if (d->msi_cap) {
        uint16_t flags = msi_flags(d);

        memset(d->config + d->msi_cap, 0, msi_cap_size(flags));
        d->msi_cap = 0;
    }
}

bool msi_enabled(const PCIDevice *d)
{
    return d->msi_cap && (msi_flags(d) & PCI_MSI_FLAGS_ENABLE);
}

unsigned msi_nr_vectors_allocated(const PCIDevice *d)
{
    return d->msi_cap ? 1u << ((msi_flags(d) & PCI_MSI_FLAGS_QMASK) >> 1)
                      : 0;
}

/* Vectors the guest enabled (Multiple Message Enable). */
static unsigned msi_nr_vectors_enabled(const PCIDevice *d)
{
    unsigned n = 1u << ((msi_flags(d) & PCI_MSI_FLAGS_QSIZE) >> 4);

    return MIN(n, msi_nr_vectors_allocated(d));
}

static void msi_send_vector(PCIDevice *d, unsigned vector)
{
    uint8_t *cap = d->config + d->msi_cap;
    uint16_t flags = msi_flags(d);
    unsigned n = msi_nr_vectors_enabled(d);
    uint64_t addr = pci_get_long(cap + PCI_MSI_ADDRESS_LO);
    uint16_t data;

    if (msi_64bit(flags)) {
        addr |= (uint64_t)pci_get_long(cap + PCI_MSI_ADDRESS_HI) << 32;
        data = pci_get_word(cap + PCI_MSI_DATA_64);
    } else {
        data = pci_get_word(cap + PCI_MSI_DATA_32);
    }
    /* The vector number replaces the low log2(n) bits of the data. */
    data = (data & ~(n - 1)) | vector;
    pci_msi_send(d, addr, data);
}

void msi_notify(PCIDevice *d, unsigned vector)
{
    uint16_t flags;

    if (!msi_enabled(d)) {
        return;
    }
    if (vector >= msi_nr_vectors_enabled(d)) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: MSI vector %u not enabled\n",
                      object_get_typename(OBJECT(d)), vector);
        return;
    }
    flags = msi_flags(d);
    if (flags & PCI_MSI_FLAGS_MASKBIT) {
        uint8_t *cap = d->config + d->msi_cap;
        unsigned moff = msi_mask_off(flags);

        if (pci_get_long(cap + moff) & (1u << vector)) {
            pci_set_long(cap + moff + 4,
                         pci_get_long(cap + moff + 4) | (1u << vector));
            return;
        }
    }
    msi_send_vector(d, vector);
}

void msi_write_config(PCIDevice *d, uint32_t addr, uint32_t val, int len)
{
    uint16_t flags = msi_flags(d);
    uint8_t *cap = d->config + d->msi_cap;
    unsigned moff = msi_mask_off(flags);
    uint32_t pending;

    if (addr + len <= d->msi_cap || addr >= d->msi_cap + msi_cap_size(flags)) {
        return;
    }
    /* A guest asking for more vectors than offered gets what exists. */
    if (((flags & PCI_MSI_FLAGS_QSIZE) >> 4) >
        ((flags & PCI_MSI_FLAGS_QMASK) >> 1)) {
        flags = (flags & ~PCI_MSI_FLAGS_QSIZE) |
                ((flags & PCI_MSI_FLAGS_QMASK) << 3);
        pci_set_word(cap + PCI_MSI_FLAGS, flags);
    }
    if (!(flags & PCI_MSI_FLAGS_MASKBIT) || !(flags & PCI_MSI_FLAGS_ENABLE)) {
        return;
    }
    /* Unmasking a vector with its pending bit set sends it now. */
    pending = pci_get_long(cap + moff + 4);
    for (unsigned v = 0; pending && v < msi_nr_vectors_enabled(d); v++) {
        uint32_t bit = 1u << v;

        if ((pending & bit) && !(pci_get_long(cap + moff) & bit)) {
            pending &= ~bit;
            pci_set_long(cap + moff + 4, pending);
            msi_send_vector(d, v);
        }
    }
}

void msi_reset(PCIDevice *d)
{
    uint8_t *cap = d->config + d->msi_cap;
    uint16_t flags = msi_flags(d);

    flags &= ~(PCI_MSI_FLAGS_QSIZE | PCI_MSI_FLAGS_ENABLE);
    pci_set_word(cap + PCI_MSI_FLAGS, flags);
    pci_set_long(cap + PCI_MSI_ADDRESS_LO, 0);
    if (msi_64bit(flags)) {
        pci_set_long(cap + PCI_MSI_ADDRESS_HI, 0);
        pci_set_word(cap + PCI_MSI_DATA_64, 0);
    } else {
        pci_set_word(cap + PCI_MSI_DATA_32, 0);
    }
    if (flags & PCI_MSI_FLAGS_MASKBIT) {
        pci_set_long(cap + msi_mask_off(flags), 0);
        pci_set_long(cap + msi_mask_off(flags) + 4, 0);
    }
}
