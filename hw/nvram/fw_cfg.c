/*
 * "fw_cfg_io": QEMU's firmware configuration device (docs/specs/fw_cfg.rst)
 * on I/O ports 0x510 (16-bit selector write) / 0x511 (data byte reads) and
 * the DMA interface at 0x514 (64-bit big-endian address of a
 * FWCfgDmaAccess; writing the low half starts the transfer).
 *
 * Items live in a hash table keyed by selector (the write-channel bit
 * 0x4000 stripped).  Named files get selectors FW_CFG_FILE_FIRST + i in
 * name order, and the directory item (0x19) is rebuilt on every add: a
 * big-endian count followed by {be32 size, be16 select, be16 reserved,
 * char name[56]} entries.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/isa/isa.h"
#include "exec/memory.h"

#define FW_CFG_CTL_PORT     0x510
#define FW_CFG_DMA_PORT     0x514
#define FW_CFG_WRITE_CHANNEL 0x4000
#define FW_CFG_ENTRY_MASK   (~FW_CFG_WRITE_CHANNEL & 0xffff)
#define FW_CFG_INVALID      0xffff
#define FW_CFG_MAX_FILE_PATH 56
#define FW_CFG_MAX_FILES    (0x4000 - FW_CFG_FILE_FIRST)

/* FW_CFG_ID bits */
#define FW_CFG_VERSION      0x01
#define FW_CFG_VERSION_DMA  0x02

/* FWCfgDmaAccess.control bits */
#define FW_CFG_DMA_CTL_ERROR    0x01
#define FW_CFG_DMA_CTL_READ     0x02
#define FW_CFG_DMA_CTL_SKIP     0x04
#define FW_CFG_DMA_CTL_SELECT   0x08
#define FW_CFG_DMA_CTL_WRITE    0x10

/* "QEMU CFG", read back from the DMA port. */
#define FW_CFG_DMA_SIGNATURE 0x51454d5520434647ULL

typedef struct FWCfgEntry {
    uint8_t *data;
    uint32_t len;
} FWCfgEntry;

typedef struct FWCfgFile {
    char name[FW_CFG_MAX_FILE_PATH];
    uint8_t *data;
    uint32_t len;
} FWCfgFile;

OBJECT_DECLARE_SIMPLE_TYPE(FWCfgState, FW_CFG_IO)

struct FWCfgState {
    ISADevice parent_obj;
    GHashTable *entries;        /* key -> FWCfgEntry * */
    GPtrArray *files;           /* FWCfgFile *, sorted by name */
    uint16_t cur_key;
    uint32_t cur_offset;
    uint64_t dma_addr;          /* address latched from the DMA port */
    bool dma_enabled;
    uint32_t iobase;
    uint32_t dma_iobase;
    MemoryRegion io_ctl;
    MemoryRegion io_dma;
};

static FWCfgState *fw_cfg_instance;

FWCfgState *fw_cfg_find(void)
{
    return fw_cfg_instance;
}

/* ---- items ---- */

static void fw_cfg_entry_free(gpointer p)
{
    FWCfgEntry *e = p;

    g_free(e->data);
    g_free(e);
}

static void fw_cfg_set_entry(FWCfgState *s, uint16_t key, uint8_t *data,
                             uint32_t len)
{
    FWCfgEntry *e = g_new0(FWCfgEntry, 1);

    e->data = data;
    e->len = len;
    g_hash_table_replace(s->entries, GUINT_TO_POINTER(key & FW_CFG_ENTRY_MASK),
                         e);
}

static FWCfgEntry *fw_cfg_get_entry(FWCfgState *s, uint16_t key)
{
    if (key == FW_CFG_INVALID) {
        return NULL;
    }
    return g_hash_table_lookup(s->entries,
                               GUINT_TO_POINTER(key & FW_CFG_ENTRY_MASK));
}

void fw_cfg_add_bytes(FWCfgState *s, uint16_t key, const void *data,
                      size_t len)
{
    fw_cfg_set_entry(s, key, g_memdup2(data, len), len);
}

void fw_cfg_add_string(FWCfgState *s, uint16_t key, const char *value)
{
    fw_cfg_add_bytes(s, key, value, strlen(value) + 1);
}

void fw_cfg_add_i16(FWCfgState *s, uint16_t key, uint16_t value)
{
    uint16_t le = GUINT16_TO_LE(value);

    fw_cfg_add_bytes(s, key, &le, sizeof(le));
}

void fw_cfg_add_i32(FWCfgState *s, uint16_t key, uint32_t value)
{
    uint32_t le = GUINT32_TO_LE(value);

    fw_cfg_add_bytes(s, key, &le, sizeof(le));
}

void fw_cfg_add_i64(FWCfgState *s, uint16_t key, uint64_t value)
{
    uint64_t le = GUINT64_TO_LE(value);

    fw_cfg_add_bytes(s, key, &le, sizeof(le));
}

/* ---- files ---- */

static void fw_cfg_file_free(gpointer p)
{
    FWCfgFile *f = p;

    g_free(f->data);
    g_free(f);
}

static gint fw_cfg_file_cmp(gconstpointer a, gconstpointer b)
{
    const FWCfgFile *fa = *(FWCfgFile * const *)a;
    const FWCfgFile *fb = *(FWCfgFile * const *)b;

    return strcmp(fa->name, fb->name);
}

/* Re-key every file in name order and rebuild the directory item. */
static void fw_cfg_rebuild_files(FWCfgState *s)
{
    unsigned n = s->files->len;
    size_t dir_len = 4 + (size_t)n * 64;
    uint8_t *dir = g_malloc0(dir_len);
    uint32_t count = GUINT32_TO_BE(n);

    g_ptr_array_sort(s->files, fw_cfg_file_cmp);
    memcpy(dir, &count, 4);
    for (unsigned i = 0; i < n; i++) {
        FWCfgFile *f = g_ptr_array_index(s->files, i);
        uint8_t *ent = dir + 4 + i * 64;
        uint32_t size = GUINT32_TO_BE(f->len);
        uint16_t select = GUINT16_TO_BE(FW_CFG_FILE_FIRST + i);

        memcpy(ent, &size, 4);
        memcpy(ent + 4, &select, 2);
        memcpy(ent + 8, f->name, FW_CFG_MAX_FILE_PATH);
        /* Entries share the file's buffer owner: keep a copy per key. */
        fw_cfg_set_entry(s, FW_CFG_FILE_FIRST + i, g_memdup2(f->data, f->len),
                         f->len);
    }
    fw_cfg_set_entry(s, FW_CFG_FILE_DIR, dir, dir_len);
}

void fw_cfg_add_file(FWCfgState *s, const char *filename, const void *data,
                     size_t len)
{
    FWCfgFile *f;

    for (unsigned i = 0; i < s->files->len; i++) {
        f = g_ptr_array_index(s->files, i);
        if (strncmp(f->name, filename, FW_CFG_MAX_FILE_PATH - 1) == 0) {
            g_free(f->data);
            f->data = g_memdup2(data, len);
            f->len = len;
            fw_cfg_rebuild_files(s);
            return;
        }
    }
    if (s->files->len >= FW_CFG_MAX_FILES) {
        qemu_log_mask(LOG_UNIMP, "fw_cfg: too many files, dropping %s\n",
                      filename);
        return;
    }
    f = g_new0(FWCfgFile, 1);
    g_strlcpy(f->name, filename, sizeof(f->name));
    f->data = g_memdup2(data, len);
    f->len = len;
    g_ptr_array_add(s->files, f);
    fw_cfg_rebuild_files(s);
}

/* ---- PIO interface ---- */

static void fw_cfg_select(FWCfgState *s, uint16_t key)
{
    s->cur_offset = 0;
    s->cur_key = fw_cfg_get_entry(s, key) ? key : FW_CFG_INVALID;
}

static uint8_t fw_cfg_read_byte(FWCfgState *s)
{
    FWCfgEntry *e = fw_cfg_get_entry(s, s->cur_key);

    if (!e || s->cur_offset >= e->len) {
        return 0;
    }
    return e->data[s->cur_offset++];
}

static uint64_t fw_cfg_ctl_read(void *opaque, hwaddr addr, unsigned size)
{
    /* Only the data byte is readable; QEMU returns it at either port. */
    return fw_cfg_read_byte(opaque);
}

static void fw_cfg_ctl_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    FWCfgState *s = opaque;

    if (size == 2 && addr == 0) {
        fw_cfg_select(s, val);
    } else {
        /* Data writes were removed from the interface in QEMU 2.4. */
        qemu_log_mask(LOG_GUEST_ERROR,
                      "fw_cfg: ignored %u-byte write at offset %u\n", size,
                      (unsigned)addr);
    }
}

static const MemoryRegionOps fw_cfg_ctl_ops = {
    .read = fw_cfg_ctl_read,
    .write = fw_cfg_ctl_write,
    .valid = { .min_access_size = 1, .max_access_size = 2 },
    .impl = { .min_access_size = 1, .max_access_size = 2 },
};

/* ---- DMA interface ---- */

static void fw_cfg_dma_transfer(FWCfgState *s)
{
    uint8_t desc[16];
    uint32_t control, length;
    uint64_t address;
    FWCfgEntry *e;
    uint32_t result;

    if (address_space_read(&address_space_memory, s->dma_addr, desc,
                           sizeof(desc)) != MEMTX_OK) {
        qemu_log_mask(LOG_GUEST_ERROR, "fw_cfg: bad DMA descriptor address\n");
        return;
    }
    memcpy(&control, desc, 4);
    memcpy(&length, desc + 4, 4);
    memcpy(&address, desc + 8, 8);
    control = GUINT32_FROM_BE(control);
    length = GUINT32_FROM_BE(length);
    address = GUINT64_FROM_BE(address);

    if (control & FW_CFG_DMA_CTL_SELECT) {
        fw_cfg_select(s, control >> 16);
    }
    e = fw_cfg_get_entry(s, s->cur_key);
    result = 0;
    if (control & FW_CFG_DMA_CTL_WRITE) {
        /* No writable items: fail the transfer as QEMU does. */
        result = FW_CFG_DMA_CTL_ERROR;
    } else if (control & (FW_CFG_DMA_CTL_READ | FW_CFG_DMA_CTL_SKIP)) {
        while (length > 0) {
            uint32_t avail = (e && s->cur_offset < e->len) ?
                             e->len - s->cur_offset : 0;
            uint32_t n = MIN(length, avail);

            if (n == 0) {
                /* Past the end: reads give zeroes. */
                static const uint8_t zeroes[4096];
                n = MIN(length, (uint32_t)sizeof(zeroes));
                if ((control & FW_CFG_DMA_CTL_READ) &&
                    address_space_write(&address_space_memory, address,
                                        zeroes, n) != MEMTX_OK) {
                    result = FW_CFG_DMA_CTL_ERROR;
                    break;
                }
            } else {
                if ((control & FW_CFG_DMA_CTL_READ) &&
                    address_space_write(&address_space_memory, address,
                                        e->data + s->cur_offset, n)
                        != MEMTX_OK) {
                    result = FW_CFG_DMA_CTL_ERROR;
                    break;
                }
                s->cur_offset += n;
            }
            address += n;
            length -= n;
        }
    }
    result = GUINT32_TO_BE(result);
    address_space_write(&address_space_memory, s->dma_addr, &result, 4);
}

static uint64_t fw_cfg_dma_read(void *opaque, hwaddr addr, unsigned size)
{
    /* The big-endian signature, at byte granularity. */
    uint64_t sig = FW_CFG_DMA_SIGNATURE;
    unsigned shift = (8 - addr - size) * 8;

    if (addr + size > 8) {
        return 0;
    }
    if (size == 8) {
        return sig;
    }
    return (sig >> shift) & ((1ULL << (size * 8)) - 1);
}

static void fw_cfg_dma_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    FWCfgState *s = opaque;

    /* Big-endian register: the guest writes the high dword first. */
    if (size == 4 && addr == 0) {
        s->dma_addr = (uint64_t)GUINT32_FROM_BE((uint32_t)val) << 32;
    } else if (size == 4 && addr == 4) {
        s->dma_addr |= GUINT32_FROM_BE((uint32_t)val);
        fw_cfg_dma_transfer(s);
    } else if (size == 8 && addr == 0) {
        s->dma_addr = GUINT64_FROM_BE(val);
        fw_cfg_dma_transfer(s);
    } else {
        qemu_log_mask(LOG_GUEST_ERROR, "fw_cfg: bad DMA register access\n");
    }
}

static const MemoryRegionOps fw_cfg_dma_ops = {
    .read = fw_cfg_dma_read,
    .write = fw_cfg_dma_write,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

/* ---- device ---- */

static void fw_cfg_reset(DeviceState *dev)
{
    FWCfgState *s = FW_CFG_IO(dev);

    s->cur_key = FW_CFG_INVALID;
    s->cur_offset = 0;
    s->dma_addr = 0;
}

static void fw_cfg_init(Object *obj)
{
    FWCfgState *s = FW_CFG_IO(obj);

    s->entries = g_hash_table_new_full(NULL, NULL, NULL, fw_cfg_entry_free);
    s->files = g_ptr_array_new_with_free_func(fw_cfg_file_free);
    s->cur_key = FW_CFG_INVALID;
}

static void fw_cfg_finalize(Object *obj)
{
    FWCfgState *s = FW_CFG_IO(obj);

    g_hash_table_destroy(s->entries);
    g_ptr_array_free(s->files, true);
    if (fw_cfg_instance == s) {
        fw_cfg_instance = NULL;
    }
}

static void fw_cfg_realize(DeviceState *dev, Error **errp)
{
    FWCfgState *s = FW_CFG_IO(dev);
    static const uint8_t zero_uuid[16];
    uint32_t version = FW_CFG_VERSION;

    if (fw_cfg_instance) {
        error_setg(errp, "at most one fw_cfg device is permitted");
        return;
    }
    if (s->iobase > 0xfffe || s->dma_iobase > 0xfff8) {
        error_setg(errp, "fw_cfg_io: invalid iobase");
        return;
    }
    if (s->dma_enabled) {
        version |= FW_CFG_VERSION_DMA;
    }
    fw_cfg_add_bytes(s, FW_CFG_SIGNATURE, "QEMU", 4);
    fw_cfg_add_i32(s, FW_CFG_ID, version);
    fw_cfg_add_bytes(s, FW_CFG_UUID, zero_uuid, sizeof(zero_uuid));
    fw_cfg_rebuild_files(s);

    memory_region_init_io(&s->io_ctl, OBJECT(dev), &fw_cfg_ctl_ops, s,
                          "fwcfg", 2);
    isa_register_ioport(ISA_DEVICE(dev), &s->io_ctl, s->iobase);
    if (s->dma_enabled) {
        memory_region_init_io(&s->io_dma, OBJECT(dev), &fw_cfg_dma_ops, s,
                              "fwcfg.dma", 8);
        isa_register_ioport(ISA_DEVICE(dev), &s->io_dma, s->dma_iobase);
    }
    fw_cfg_instance = s;
}

static void fw_cfg_unrealize(DeviceState *dev)
{
    FWCfgState *s = FW_CFG_IO(dev);

    memory_region_destroy(&s->io_ctl);
    if (s->dma_enabled) {
        memory_region_destroy(&s->io_dma);
    }
    if (fw_cfg_instance == s) {
        fw_cfg_instance = NULL;
    }
}

static const Property fw_cfg_properties[] = {
    DEFINE_PROP_UINT32("iobase", FWCfgState, iobase, FW_CFG_CTL_PORT),
    DEFINE_PROP_UINT32("dma_iobase", FWCfgState, dma_iobase, FW_CFG_DMA_PORT),
    DEFINE_PROP_BOOL("dma_enabled", FWCfgState, dma_enabled, true),
    DEFINE_PROP_END_OF_LIST(),
};

static void fw_cfg_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = fw_cfg_realize;
    dc->unrealize = fw_cfg_unrealize;
    dc->reset = fw_cfg_reset;
    dc->bus_type = TYPE_ISA_BUS;
    dc->user_creatable = false;
    device_class_set_props(dc, fw_cfg_properties);
}

static const TypeInfo fw_cfg_info = {
    .name = TYPE_FW_CFG_IO,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(FWCfgState),
    .instance_init = fw_cfg_init,
    .instance_finalize = fw_cfg_finalize,
    .class_init = fw_cfg_class_init,
};

static void fw_cfg_register_types(void)
{
    type_register_static(&fw_cfg_info);
}

type_init(fw_cfg_register_types)
