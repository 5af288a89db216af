/*
 * Multiboot v1 loading (see include/hw/x86/multiboot.h).
 *
 * Guest memory layout, as QEMU's loader arranges it:
 *   0x9000   memory map entries (from the E820 table)
 *   0x9500   the multiboot information structure
 *   kernel   at its ELF physical addresses or the a.out kludge load address
 *   after the kernel, page aligned: module list, command lines and the
 *            boot loader name, then each module on its own page.
 */
#include "qemu/osdep.h"
#include <elf.h>
#include "hw/x86/multiboot.h"
#include "hw/x86/e820.h"
#include "target/x86/cpu.h"
#include "qemu/error-report.h"

#define MB_PAGE 4096
#define MB_PAGE_ALIGN(x) QEMU_ALIGN_UP((uint64_t)(x), MB_PAGE)

/* Header flags */
#define MB_FLAG_VIDEO       0x00000004
#define MB_FLAG_AOUT_KLUDGE 0x00010000

/* Information structure flags and offsets */
#define MBI_FLAG_MEM        0x001
#define MBI_FLAG_BOOTDEV    0x002
#define MBI_FLAG_CMDLINE    0x004
#define MBI_FLAG_MODS       0x008
#define MBI_FLAG_MMAP       0x040
#define MBI_FLAG_LOADER     0x200

#define MBI_FLAGS           0
#define MBI_MEM_LOWER       4
#define MBI_MEM_UPPER       8
#define MBI_BOOT_DEVICE     12
#define MBI_CMDLINE         16
#define MBI_MODS_COUNT      20
#define MBI_MODS_ADDR       24
#define MBI_MMAP_LENGTH     44
#define MBI_MMAP_ADDR       48
#define MBI_BOOT_LOADER     64
#define MBI_SIZE            88

#define MB_MOD_SIZE         16
#define MB_MMAP_ENTRY_SIZE  24
#define MB_MMAP_MAX_ENTRIES ((MULTIBOOT_MBI_ADDR - MULTIBOOT_MMAP_ADDR) / \
                             MB_MMAP_ENTRY_SIZE)

/* What a BIOS reports below 1 MiB: 639 KiB of RAM, the EBDA, the BIOS. */
#define MB_LOW_RAM_END      0x9fc00
#define MB_EBDA_END         0xa0000
#define MB_BIOS_START       0xf0000
#define MB_HIGH_RAM_START   0x100000

typedef struct MultibootBlob {
    hwaddr addr;
    uint8_t *data;          /* len bytes, bss already zeroed */
    size_t len;
} MultibootBlob;

struct MultibootImage {
    GPtrArray *blobs;       /* MultibootBlob * */
    uint32_t entry;
    uint32_t mbi_addr;
    uint32_t kernel_low, kernel_high;
};

static void blob_free(gpointer p)
{
    MultibootBlob *b = p;

    g_free(b->data);
    g_free(b);
}

static MultibootBlob *add_blob(MultibootImage *mb, hwaddr addr, size_t len)
{
    MultibootBlob *b = g_new0(MultibootBlob, 1);

    b->addr = addr;
    b->len = len;
    b->data = g_malloc0(len ? len : 1);
    g_ptr_array_add(mb->blobs, b);
    return b;
}

static uint32_t ldl(const uint8_t *p)
{
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void stl(uint8_t *p, uint32_t v)
{
    p[0] = v;
    p[1] = v >> 8;
    p[2] = v >> 16;
    p[3] = v >> 24;
}

static void stq(uint8_t *p, uint64_t v)
{
    stl(p, v);
    stl(p + 4, v >> 32);
}

int multiboot_find_header(const uint8_t *kernel, size_t size)
{
    size_t limit = MIN(size, (size_t)MULTIBOOT_SEARCH);

    for (size_t i = 0; i + 12 <= limit; i += 4) {
        uint32_t magic = ldl(kernel + i);
        uint32_t flags = ldl(kernel + i + 4);
        uint32_t sum = ldl(kernel + i + 8);

        if (magic == MULTIBOOT_HEADER_MAGIC &&
            (uint32_t)(magic + flags + sum) == 0) {
            return (int)i;
        }
    }
    return -1;
}

/* ---- kernel images ---- */

static bool load_elf32(MultibootImage *mb, const uint8_t *kernel,
                       size_t size, Error **errp)
{
    const Elf32_Ehdr *eh = (const Elf32_Ehdr *)kernel;
    uint64_t low = UINT64_MAX, high = 0;
    bool entry_set = false;

    if (size < sizeof(Elf32_Ehdr) || memcmp(kernel, ELFMAG, SELFMAG) != 0) {
        error_setg(errp, "Error while loading elf kernel");
        return false;
    }
    if (kernel[EI_CLASS] == ELFCLASS64) {
        error_setg(errp, "Cannot load x86-64 image, give a 32bit one.");
        return false;
    }
    if (kernel[EI_CLASS] != ELFCLASS32 || kernel[EI_DATA] != ELFDATA2LSB ||
        eh->e_machine != EM_386 || eh->e_phentsize != sizeof(Elf32_Phdr) ||
        (uint64_t)eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf32_Phdr) >
            size) {
        error_setg(errp, "Error while loading elf kernel");
        return false;
    }
    mb->entry = eh->e_entry;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        Elf32_Phdr ph;
        MultibootBlob *b;

        memcpy(&ph, kernel + eh->e_phoff + i * sizeof(ph), sizeof(ph));
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) {
            continue;
        }
        if (ph.p_filesz > ph.p_memsz ||
            (uint64_t)ph.p_offset + ph.p_filesz > size ||
            (uint64_t)ph.p_paddr + ph.p_memsz > 0x100000000ULL) {
            error_setg(errp, "Error while loading elf kernel");
            return false;
        }
        b = add_blob(mb, ph.p_paddr, ph.p_memsz);
        memcpy(b->data, kernel + ph.p_offset, ph.p_filesz);
        low = MIN(low, ph.p_paddr);
        high = MAX(high, (uint64_t)ph.p_paddr + ph.p_memsz);
        /* A virtual entry point inside this segment: use its physical address. */
        if (!entry_set && eh->e_entry >= ph.p_vaddr &&
            eh->e_entry - ph.p_vaddr < ph.p_memsz) {
            mb->entry = eh->e_entry - ph.p_vaddr + ph.p_paddr;
            entry_set = true;
        }
    }
    if (high == 0) {
        error_setg(errp, "Error while loading elf kernel");
        return false;
    }
    mb->kernel_low = low;
    mb->kernel_high = high;
    return true;
}

static bool load_aout_kludge(MultibootImage *mb, const uint8_t *kernel,
                             size_t size, int off, Error **errp)
{
    const uint8_t *h = kernel + off;
    uint32_t header_addr, load_addr, load_end_addr, bss_end_addr;
    uint64_t text_offset, load_size, kernel_size;
    MultibootBlob *b;

    if ((size_t)off + 32 > size) {
        error_setg(errp, "invalid multiboot header");
        return false;
    }
    header_addr = ldl(h + 12);
    load_addr = ldl(h + 16);
    load_end_addr = ldl(h + 20);
    bss_end_addr = ldl(h + 24);
    mb->entry = ldl(h + 28);

    if (header_addr < load_addr) {
        error_setg(errp, "invalid load_addr address");
        return false;
    }
    if (header_addr - load_addr > (uint32_t)off) {
        error_setg(errp, "invalid header_addr address");
        return false;
    }
    text_offset = off - (header_addr - load_addr);
    if (load_end_addr) {
        if (load_end_addr < load_addr) {
            error_setg(errp, "invalid load_end_addr address");
            return false;
        }
        load_size = load_end_addr - load_addr;
    } else {
        load_size = size - text_offset;
    }
    if (load_size > UINT32_MAX - load_addr) {
        error_setg(errp, "kernel does not fit in address space");
        return false;
    }
    if (bss_end_addr) {
        if (bss_end_addr < load_addr + load_size) {
            error_setg(errp, "invalid bss_end_addr address");
            return false;
        }
        kernel_size = bss_end_addr - load_addr;
    } else {
        kernel_size = load_size;
    }
    b = add_blob(mb, load_addr, kernel_size);
    /* The file may be shorter than load_end_addr says: the rest is zero. */
    if (text_offset < size) {
        memcpy(b->data, kernel + text_offset,
               MIN(load_size, size - text_offset));
    }
    mb->kernel_low = load_addr;
    mb->kernel_high = load_addr + kernel_size;
    return true;
}

/* ---- memory map ---- */

static void mmap_put(uint8_t *p, uint64_t base, uint64_t len, uint32_t type)
{
    stl(p, 20);                 /* size of the rest of the entry */
    stq(p + 4, base);
    stq(p + 12, len);
    stl(p + 20, type);
}

/* Fill @buf from the E820 table; returns the number of entries. */
static int build_mmap(uint8_t *buf, uint64_t below_4g)
{
    int n = 0;
    int count = e820_get_num_entries();
    const E820Entry *tab = e820_get_table();

    if (count == 0) {
        /* No table (tests): describe the low RAM only. */
        e820_add_entry(0, below_4g, E820_RAM);
        count = e820_get_num_entries();
        tab = e820_get_table();
    }
    for (int i = 0; i < count && n + 4 <= (int)MB_MMAP_MAX_ENTRIES; i++) {
        uint64_t base = GUINT64_FROM_LE(tab[i].address);
        uint64_t len = GUINT64_FROM_LE(tab[i].length);
        uint32_t type = GUINT32_FROM_LE(tab[i].type);

        if (type == E820_RAM && base == 0 && len > MB_HIGH_RAM_START) {
            mmap_put(buf + n++ * MB_MMAP_ENTRY_SIZE, 0, MB_LOW_RAM_END,
                     E820_RAM);
            mmap_put(buf + n++ * MB_MMAP_ENTRY_SIZE, MB_LOW_RAM_END,
                     MB_EBDA_END - MB_LOW_RAM_END, E820_RESERVED);
            mmap_put(buf + n++ * MB_MMAP_ENTRY_SIZE, MB_BIOS_START,
                     MB_HIGH_RAM_START - MB_BIOS_START, E820_RESERVED);
            mmap_put(buf + n++ * MB_MMAP_ENTRY_SIZE, MB_HIGH_RAM_START,
                     len - MB_HIGH_RAM_START, E820_RAM);
        } else {
            mmap_put(buf + n++ * MB_MMAP_ENTRY_SIZE, base, len, type);
        }
    }
    return n;
}

/* ---- modules ---- */

typedef struct MbModule {
    char *cmdline;          /* "file args" as given */
    uint8_t *data;
    size_t size;
} MbModule;

/* Split -initrd at commas; ",," stands for a literal comma. */
static GPtrArray *split_initrd(const char *initrd)
{
    GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
    GString *cur = g_string_new(NULL);

    for (const char *p = initrd; ; p++) {
        if (*p == ',' && p[1] == ',') {
            g_string_append_c(cur, ',');
            p++;
        } else if (*p == ',' || *p == '\0') {
            g_ptr_array_add(parts, g_string_free(cur, false));
            if (*p == '\0') {
                break;
            }
            cur = g_string_new(NULL);
        } else {
            g_string_append_c(cur, *p);
        }
    }
    return parts;
}

/* ---- the whole image ---- */

MultibootImage *multiboot_load(const char *kernel_filename,
                               const uint8_t *kernel, size_t size,
                               const char *cmdline, const char *initrd,
                               uint64_t below_4g, Error **errp)
{
    MultibootImage *mb;
    int off = multiboot_find_header(kernel, size);
    uint32_t flags;
    g_autofree char *kcmdline = NULL;
    g_autoptr(GPtrArray) parts = NULL;
    g_autofree MbModule *mods = NULL;
    unsigned nmods = 0;
    uint64_t info_addr, info_size, addr;
    uint8_t mmap_buf[MB_MMAP_MAX_ENTRIES * MB_MMAP_ENTRY_SIZE];
    int mmap_entries;
    MultibootBlob *info, *mbi, *mmap;
    size_t str_off;
    bool ok = false;

    if (off < 0) {
        error_setg(errp, "invalid kernel header");
        return NULL;
    }
    flags = ldl(kernel + off + 4);
    mb = g_new0(MultibootImage, 1);
    mb->blobs = g_ptr_array_new_with_free_func(blob_free);

    if (flags & MB_FLAG_VIDEO) {
        /* QEMU says so and boots anyway. */
        warn_report("multiboot knows VBE. we don't.");
    }
    if (flags & MB_FLAG_AOUT_KLUDGE) {
        ok = load_aout_kludge(mb, kernel, size, off, errp);
    } else {
        ok = load_elf32(mb, kernel, size, errp);
    }
    if (!ok) {
        goto fail;
    }
    if (mb->kernel_high > below_4g) {
        error_setg(errp, "kernel does not fit in RAM (ends at 0x%x)",
                   mb->kernel_high);
        goto fail;
    }

    /* Modules: read every file first, to size the information area. */
    kcmdline = g_strdup_printf("%s %s", kernel_filename, cmdline ? cmdline : "");
    str_off = strlen(kcmdline) + 1 + strlen("qemu") + 1;
    if (initrd && *initrd) {
        parts = split_initrd(initrd);
        mods = g_new0(MbModule, parts->len);
        for (unsigned i = 0; i < parts->len; i++) {
            const char *arg = g_ptr_array_index(parts, i);
            g_autofree char *file = g_strndup(arg, strcspn(arg, " "));
            g_autoptr(GError) gerr = NULL;
            gchar *data;
            gsize len;

            if (!g_file_get_contents(file, &data, &len, &gerr)) {
                error_setg(errp, "Failed to get image size of %s", file);
                for (unsigned j = 0; j < nmods; j++) {
                    g_free(mods[j].data);
                }
                goto fail;
            }
            mods[nmods].cmdline = (char *)arg;
            mods[nmods].data = (uint8_t *)data;
            mods[nmods].size = len;
            str_off += strlen(arg) + 1;
            nmods++;
        }
    }

    /* Information area after the kernel: module list then strings. */
    info_addr = MB_PAGE_ALIGN(mb->kernel_high);
    info_size = nmods * MB_MOD_SIZE + str_off;
    info = add_blob(mb, info_addr, info_size);
    str_off = nmods * MB_MOD_SIZE;
    addr = MB_PAGE_ALIGN(info_addr + info_size);

    for (unsigned i = 0; i < nmods; i++) {
        uint8_t *ent = info->data + i * MB_MOD_SIZE;
        MultibootBlob *b;

        if (addr + mods[i].size > below_4g) {
            error_setg(errp, "modules do not fit in RAM");
            for (unsigned j = i; j < nmods; j++) {
                g_free(mods[j].data);
            }
            goto fail;
        }
        b = g_new0(MultibootBlob, 1);
        b->addr = addr;
        b->data = mods[i].data;     /* ownership moves to the blob */
        b->len = mods[i].size;
        g_ptr_array_add(mb->blobs, b);
        stl(ent, addr);
        stl(ent + 4, addr + mods[i].size);
        stl(ent + 8, info_addr + str_off);
        stl(ent + 12, 0);
        strcpy((char *)info->data + str_off, mods[i].cmdline);
        str_off += strlen(mods[i].cmdline) + 1;
        addr = MB_PAGE_ALIGN(addr + mods[i].size);
    }

    mbi = add_blob(mb, MULTIBOOT_MBI_ADDR, MBI_SIZE);
    stl(mbi->data + MBI_FLAGS, MBI_FLAG_MEM | MBI_FLAG_BOOTDEV |
        MBI_FLAG_CMDLINE | MBI_FLAG_MODS | MBI_FLAG_MMAP | MBI_FLAG_LOADER);
    stl(mbi->data + MBI_MEM_LOWER, MB_LOW_RAM_END / KiB);
    stl(mbi->data + MBI_MEM_UPPER, below_4g / KiB - 1024);
    stl(mbi->data + MBI_BOOT_DEVICE, 0x8000ffff);
    strcpy((char *)info->data + str_off, kcmdline);
    stl(mbi->data + MBI_CMDLINE, info_addr + str_off);
    str_off += strlen(kcmdline) + 1;
    strcpy((char *)info->data + str_off, "qemu");
    stl(mbi->data + MBI_BOOT_LOADER, info_addr + str_off);
    stl(mbi->data + MBI_MODS_COUNT, nmods);
    stl(mbi->data + MBI_MODS_ADDR, info_addr);

    memset(mmap_buf, 0, sizeof(mmap_buf));
    mmap_entries = build_mmap(mmap_buf, below_4g);
    mmap = add_blob(mb, MULTIBOOT_MMAP_ADDR, mmap_entries * MB_MMAP_ENTRY_SIZE);
    memcpy(mmap->data, mmap_buf, mmap->len);
    stl(mbi->data + MBI_MMAP_LENGTH, mmap->len);
    stl(mbi->data + MBI_MMAP_ADDR, MULTIBOOT_MMAP_ADDR);
    mb->mbi_addr = MULTIBOOT_MBI_ADDR;
    return mb;

fail:
    multiboot_free(mb);
    return NULL;
}

void multiboot_free(MultibootImage *mb)
{
    if (mb) {
        g_ptr_array_free(mb->blobs, true);
        g_free(mb);
    }
}

bool multiboot_write_to_guest(MultibootImage *mb, AddressSpace *as,
                              Error **errp)
{
    if (!as) {
        as = &address_space_memory;
    }
    for (unsigned i = 0; i < mb->blobs->len; i++) {
        MultibootBlob *b = g_ptr_array_index(mb->blobs, i);

        if (address_space_write_rom(as, b->addr, b->data, b->len) !=
            MEMTX_OK) {
            error_setg(errp, "multiboot: cannot write 0x%zx bytes at 0x%"
                       HWADDR_PRIx, b->len, b->addr);
            return false;
        }
    }
    return true;
}

void multiboot_setup_cpu(MultibootImage *mb, CPUX86State *env)
{
    const uint32_t code = DESC_G_MASK | DESC_B_MASK | DESC_P_MASK |
                          DESC_S_MASK | DESC_CS_MASK | DESC_R_MASK |
                          DESC_A_MASK;
    const uint32_t data = DESC_G_MASK | DESC_B_MASK | DESC_P_MASK |
                          DESC_S_MASK | DESC_W_MASK | DESC_A_MASK;

    /* Selectors of QEMU's multiboot option ROM GDT: code 0x08, data 0x10. */
    x86_cpu_set_flat_seg(&env->segs[R_CS], 0x08, code);
    x86_cpu_set_flat_seg(&env->segs[R_DS], 0x10, data);
    x86_cpu_set_flat_seg(&env->segs[R_ES], 0x10, data);
    x86_cpu_set_flat_seg(&env->segs[R_FS], 0x10, data);
    x86_cpu_set_flat_seg(&env->segs[R_GS], 0x10, data);
    x86_cpu_set_flat_seg(&env->segs[R_SS], 0x10, data);
    /* Caches on, as SeaBIOS leaves them before QEMU's option ROM runs. */
    env->cr[0] = (env->cr[0] | CR0_PE_MASK) &
                 ~(CR0_PG_MASK | CR0_CD_MASK | CR0_NW_MASK);
    env->regs[R_EAX] = MULTIBOOT_BOOTLOADER_MAGIC;
    env->regs[R_EBX] = mb->mbi_addr;
    env->rip = mb->entry;
    env->eflags = 0x2;          /* IF and VM clear, as the spec requires */
    env->halted = false;
}

uint32_t multiboot_entry(MultibootImage *mb)
{
    return mb->entry;
}

uint32_t multiboot_mbi_addr(MultibootImage *mb)
{
    return mb->mbi_addr;
}

uint32_t multiboot_kernel_addr(MultibootImage *mb)
{
    return mb->kernel_low;
}

uint32_t multiboot_kernel_size(MultibootImage *mb)
{
    return mb->kernel_high - mb->kernel_low;
}
