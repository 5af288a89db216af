/*
 * Linux boot protocol for -kernel bzImage: see include/hw/x86/linux-boot.h.
 * Field offsets are those of Documentation/x86/boot.rst (setup header) and
 * Documentation/x86/zero-page.rst (boot_params).
 */
#include "qemu/osdep.h"
#include <lzma.h>
#include <zlib.h>
#include "qemu/error-report.h"
#include "exec/memory.h"
#include "hw/x86/e820.h"
#include "hw/x86/linux-boot.h"
#include "hw/display/vga.h"
#include "target/x86/cpu.h"

/* setup header (offsets in the bzImage file and in boot_params) */
#define HDR_SETUP_SECTS     0x1f1
#define HDR_VID_MODE        0x1fa
#define HDR_JUMP_END        0x201   /* end of the header = 0x202 + this */
#define HDR_MAGIC           0x202   /* "HdrS" */
#define HDR_VERSION         0x206
#define HDR_TYPE_OF_LOADER  0x210
#define HDR_LOADFLAGS       0x211
#define HDR_RAMDISK_IMAGE   0x218
#define HDR_RAMDISK_SIZE    0x21c
#define HDR_CMD_LINE_PTR    0x228
#define HDR_INITRD_ADDR_MAX 0x22c
#define HDR_CMDLINE_SIZE    0x238
#define HDR_PAYLOAD_OFFSET  0x248
#define HDR_PAYLOAD_LENGTH  0x24c
/* boot_params only */
#define BP_ACPI_RSDP_ADDR   0x070
#define BP_EXT_RAMDISK_IMAGE 0x0c0
#define BP_EXT_RAMDISK_SIZE  0x0c4
#define BP_E820_ENTRIES     0x1e8
#define BP_E820_TABLE       0x2d0
#define BP_E820_MAX         128

#define LOADER_TYPE_QEMU    0xb0    /* what QEMU's loader reports */
#define ACPI_DATA_SIZE      0x20000 /* kept free below the top of RAM */
#define EBDA_START          0x9fc00
#define BIOS_START          0xf0000

typedef struct LoadSegment {
    uint64_t paddr;
    const uint8_t *data;
    uint64_t filesz, memsz;
} LoadSegment;

struct LinuxBootImage {
    uint8_t *vmlinux;           /* the decompressed ELF */
    size_t vmlinux_size;
    GArray *segments;           /* LoadSegment */
    uint64_t entry;
    uint8_t params[4096];       /* boot_params ("zero page") */
    char *cmdline;
    uint8_t *initrd;
    size_t initrd_size;
    uint64_t initrd_addr;
};

static uint16_t rd16(const uint8_t *p) { return p[0] | p[1] << 8; }
static uint32_t rd32(const uint8_t *p) { return rd16(p) | (uint32_t)rd16(p + 2) << 16; }
static uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }
static void wr16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static void wr32(uint8_t *p, uint32_t v) { wr16(p, v); wr16(p + 2, v >> 16); }
static void wr64(uint8_t *p, uint64_t v) { wr32(p, v); wr32(p + 4, v >> 32); }

bool linux_boot_is_bzimage(const uint8_t *kernel, size_t size)
{
    return size > 0x250 && memcmp(kernel + HDR_MAGIC, "HdrS", 4) == 0;
}

/* ---- decompressing the payload ---- */

static bool decompress_xz(const uint8_t *in, size_t in_size, GByteArray *out,
                          Error **errp)
{
    lzma_stream strm = LZMA_STREAM_INIT;
    lzma_ret ret;
    uint8_t buf[1 << 16];

    if (lzma_stream_decoder(&strm, UINT64_MAX, 0) != LZMA_OK) {
        error_setg(errp, "cannot start the XZ decoder");
        return false;
    }
    strm.next_in = in;
    strm.avail_in = in_size;
    do {
        strm.next_out = buf;
        strm.avail_out = sizeof(buf);
        ret = lzma_code(&strm, LZMA_FINISH);
        g_byte_array_append(out, buf, sizeof(buf) - strm.avail_out);
    } while (ret == LZMA_OK);
    lzma_end(&strm);
    if (ret != LZMA_STREAM_END) {
        error_setg(errp, "corrupt XZ payload (liblzma error %d)", ret);
        return false;
    }
    return true;
}

static bool decompress_gzip(const uint8_t *in, size_t in_size,
                            GByteArray *out, Error **errp)
{
    z_stream strm = { 0 };
    uint8_t buf[1 << 16];
    int ret;

    if (inflateInit2(&strm, 16 + MAX_WBITS) != Z_OK) {
        error_setg(errp, "cannot start the gzip decoder");
        return false;
    }
    strm.next_in = (Bytef *)in;
    strm.avail_in = in_size;
    do {
        strm.next_out = buf;
        strm.avail_out = sizeof(buf);
        ret = inflate(&strm, Z_NO_FLUSH);
        g_byte_array_append(out, buf, sizeof(buf) - strm.avail_out);
    } while (ret == Z_OK);
    inflateEnd(&strm);
    if (ret != Z_STREAM_END) {
        error_setg(errp, "corrupt gzip payload (zlib error %d)", ret);
        return false;
    }
    return true;
}

/*
 * The decompressed vmlinux, from the cache when this payload was seen
 * before ($XDG_CACHE_HOME/kemu/vmlinux/<sha256 of the payload>): the
 * kernel's own decompressor would take most of a boot's instructions.
 */
static uint8_t *payload_to_vmlinux(const uint8_t *payload, size_t len,
                                   size_t *out_size, Error **errp)
{
    g_autofree char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
                                                       payload, len);
    g_autofree char *dir = g_build_filename(g_get_user_cache_dir(), "kemu",
                                            "vmlinux", NULL);
    g_autofree char *path = g_build_filename(dir, sum, NULL);
    g_autoptr(GByteArray) out = NULL;
    gchar *cached = NULL;
    gsize cached_len;
    bool ok;

    if (g_file_get_contents(path, &cached, &cached_len, NULL) &&
        cached_len > 4 && memcmp(cached, "\177ELF", 4) == 0) {
        *out_size = cached_len;
        return (uint8_t *)cached;
    }
    g_free(cached);

    out = g_byte_array_new();
    if (len >= 6 && memcmp(payload, "\xfd" "7zXZ\0", 6) == 0) {
        ok = decompress_xz(payload, len, out, errp);
    } else if (len >= 2 && payload[0] == 0x1f && payload[1] == 0x8b) {
        ok = decompress_gzip(payload, len, out, errp);
    } else {
        error_setg(errp, "unsupported kernel compression (only XZ and gzip "
                   "bzImage payloads can be loaded)");
        ok = false;
    }
    if (!ok) {
        return NULL;
    }
    /* The cache is an optimisation: failing to write it is not an error. */
    if (g_mkdir_with_parents(dir, 0755) == 0) {
        g_file_set_contents(path, (const char *)out->data, out->len, NULL);
    }
    *out_size = out->len;
    return g_byte_array_free(g_steal_pointer(&out), FALSE);
}

/* ---- the ELF vmlinux ---- */

static bool parse_vmlinux(LinuxBootImage *lb, uint64_t ram_top, Error **errp)
{
    const uint8_t *e = lb->vmlinux;
    size_t size = lb->vmlinux_size;
    uint64_t phoff;
    uint16_t phentsize, phnum;

    if (size < 64 || memcmp(e, "\177ELF", 4) != 0 || e[4] != 2 ||
        e[5] != 1 || rd16(e + 18) != 62) {
        error_setg(errp, "the bzImage payload is not an x86-64 ELF vmlinux");
        return false;
    }
    lb->entry = rd64(e + 24);
    phoff = rd64(e + 32);
    phentsize = rd16(e + 54);
    phnum = rd16(e + 56);
    if (phentsize < 56 || phoff > size ||
        (uint64_t)phnum * phentsize > size - phoff) {
        error_setg(errp, "the vmlinux program headers are corrupt");
        return false;
    }
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = e + phoff + (uint64_t)i * phentsize;
        LoadSegment seg;
        uint64_t off = rd64(ph + 8);

        if (rd32(ph) != 1) {            /* PT_LOAD */
            continue;
        }
        seg.paddr = rd64(ph + 24);
        seg.filesz = rd64(ph + 32);
        seg.memsz = rd64(ph + 40);
        if (off > size || seg.filesz > size - off || seg.filesz > seg.memsz) {
            error_setg(errp, "vmlinux segment %u lies outside the file", i);
            return false;
        }
        if (seg.paddr > ram_top || seg.memsz > ram_top - seg.paddr) {
            error_setg(errp, "the kernel needs RAM up to 0x%" PRIx64
                       " (use a larger -m)", seg.paddr + seg.memsz);
            return false;
        }
        seg.data = e + off;
        g_array_append_val(lb->segments, seg);
    }
    if (lb->segments->len == 0) {
        error_setg(errp, "vmlinux has no loadable segment");
        return false;
    }
    return true;
}

/* ---- boot_params ---- */

/* The E820 table, with the first MiB split as a PC BIOS reports it. */
static void fill_e820(uint8_t *bp)
{
    int n = 0;

    for (int i = 0; i < e820_get_num_entries() && n < BP_E820_MAX - 3; i++) {
        const E820Entry *t = &e820_get_table()[i];
        uint64_t addr = t->address, len = t->length;
        uint8_t *p;

        if (t->type == E820_RAM && addr == 0 && len > 0x100000) {
            p = bp + BP_E820_TABLE + 20 * n++;
            wr64(p, 0);
            wr64(p + 8, EBDA_START);
            wr32(p + 16, E820_RAM);
            p = bp + BP_E820_TABLE + 20 * n++;
            wr64(p, EBDA_START);
            wr64(p + 8, 0xa0000 - EBDA_START);
            wr32(p + 16, E820_RESERVED);
            p = bp + BP_E820_TABLE + 20 * n++;
            wr64(p, BIOS_START);
            wr64(p + 8, 0x100000 - BIOS_START);
            wr32(p + 16, E820_RESERVED);
            addr = 0x100000;
            len -= 0x100000;
        }
        p = bp + BP_E820_TABLE + 20 * n++;
        wr64(p, addr);
        wr64(p + 8, len);
        wr32(p + 16, t->type);
    }
    bp[BP_E820_ENTRIES] = n;
}

static bool load_initrd(LinuxBootImage *lb, const char *filename,
                        const uint8_t *hdr, uint64_t below_4g, Error **errp)
{
    uint64_t max = rd32(hdr + HDR_INITRD_ADDR_MAX);
    g_autoptr(GError) gerr = NULL;
    gchar *data;
    gsize len;

    if (!g_file_get_contents(filename, &data, &len, &gerr)) {
        error_setg(errp, "could not load initial ram disk '%s': %s",
                   filename, gerr->message);
        return false;
    }
    lb->initrd = (uint8_t *)data;
    lb->initrd_size = len;
    if (max >= below_4g - ACPI_DATA_SIZE) {
        max = below_4g - ACPI_DATA_SIZE - 1;
    }
    if (len > max) {
        error_setg(errp, "initrd is too large, cannot support. "
                   "(max: %" PRIu64 ", need %zu)", max, (size_t)len);
        return false;
    }
    lb->initrd_addr = (max - len) & ~0xfffULL;
    for (guint i = 0; i < lb->segments->len; i++) {
        LoadSegment *s = &g_array_index(lb->segments, LoadSegment, i);
        if (lb->initrd_addr < s->paddr + s->memsz) {
            error_setg(errp, "initrd and kernel do not fit in RAM together "
                       "(use a larger -m)");
            return false;
        }
    }
    return true;
}

LinuxBootImage *linux_boot_load(const char *kernel_filename,
                                const uint8_t *kernel, size_t size,
                                const char *cmdline,
                                const char *initrd_filename,
                                uint64_t below_4g, Error **errp)
{
    g_autoptr(GArray) segs = g_array_new(FALSE, FALSE, sizeof(LoadSegment));
    LinuxBootImage *lb;
    unsigned setup_sects = kernel[HDR_SETUP_SECTS] ? kernel[HDR_SETUP_SECTS]
                                                   : 4;
    uint16_t version = rd16(kernel + HDR_VERSION);
    size_t hdr_end = 0x202 + kernel[HDR_JUMP_END];
    size_t pm_start = (setup_sects + 1) * 512;
    uint32_t pl_off = rd32(kernel + HDR_PAYLOAD_OFFSET);
    uint32_t pl_len = rd32(kernel + HDR_PAYLOAD_LENGTH);
    uint32_t cmdline_max;
    uint8_t *bp;

    if (version < 0x208) {
        error_setg(errp, "%s: Linux boot protocol %d.%02d is too old "
                   "(2.08 or later is needed)", kernel_filename,
                   version >> 8, version & 0xff);
        return NULL;
    }
    if (pm_start > size || pl_off > size - pm_start ||
        pl_len > size - pm_start - pl_off || hdr_end > 0x280) {
        error_setg(errp, "%s: the bzImage header is corrupt", kernel_filename);
        return NULL;
    }
    lb = g_new0(LinuxBootImage, 1);
    lb->segments = g_steal_pointer(&segs);
    lb->vmlinux = payload_to_vmlinux(kernel + pm_start + pl_off, pl_len,
                                     &lb->vmlinux_size, errp);
    if (!lb->vmlinux || !parse_vmlinux(lb, below_4g, errp)) {
        error_prepend(errp, "%s: ", kernel_filename);
        linux_boot_free(lb);
        return NULL;
    }

    bp = lb->params;
    memcpy(bp + HDR_SETUP_SECTS, kernel + HDR_SETUP_SECTS,
           hdr_end - HDR_SETUP_SECTS);
    bp[HDR_TYPE_OF_LOADER] = LOADER_TYPE_QEMU;
    wr16(bp + HDR_VID_MODE, 0xffff);            /* "normal" */
    cmdline_max = version >= 0x206 ? rd32(kernel + HDR_CMDLINE_SIZE) : 255;
    if (cmdline_max >= LINUX_BOOT_CMDLINE_MAX) {
        cmdline_max = LINUX_BOOT_CMDLINE_MAX - 1;
    }
    if (strlen(cmdline) > cmdline_max) {
        error_setg(errp, "kernel command line too long (%zu > %u bytes)",
                   strlen(cmdline), cmdline_max);
        linux_boot_free(lb);
        return NULL;
    }
    lb->cmdline = g_strdup(cmdline);
    wr32(bp + HDR_CMD_LINE_PTR, LINUX_BOOT_CMDLINE);
    if (initrd_filename) {
        if (!load_initrd(lb, initrd_filename, kernel, below_4g, errp)) {
            linux_boot_free(lb);
            return NULL;
        }
        wr32(bp + HDR_RAMDISK_IMAGE, lb->initrd_addr);
        wr32(bp + HDR_RAMDISK_SIZE, lb->initrd_size);
        wr32(bp + BP_EXT_RAMDISK_IMAGE, lb->initrd_addr >> 32);
        wr32(bp + BP_EXT_RAMDISK_SIZE, (uint64_t)lb->initrd_size >> 32);
    }
    fill_e820(bp);
    return lb;
}

void linux_boot_set_acpi_rsdp(LinuxBootImage *lb, uint64_t addr)
{
    wr64(lb->params + BP_ACPI_RSDP_ADDR, addr);
}

void linux_boot_free(LinuxBootImage *lb)
{
    if (!lb) {
        return;
    }
    g_free(lb->vmlinux);
    g_array_free(lb->segments, TRUE);
    g_free(lb->cmdline);
    g_free(lb->initrd);
    g_free(lb);
}

/* ---- into the guest ---- */

static bool put(uint64_t addr, const void *data, uint64_t len, Error **errp)
{
    if (address_space_write_rom(&address_space_memory, addr, data, len) !=
        MEMTX_OK) {
        error_setg(errp, "linux boot: cannot write 0x%" PRIx64 " bytes at 0x%"
                   PRIx64, len, addr);
        return false;
    }
    return true;
}

static bool put_zeros(uint64_t addr, uint64_t len, Error **errp)
{
    static const uint8_t zeros[65536];

    while (len) {
        uint64_t n = MIN(len, sizeof(zeros));
        if (!put(addr, zeros, n, errp)) {
            return false;
        }
        addr += n;
        len -= n;
    }
    return true;
}

/*
 * boot_params.screen_info as the skipped real-mode setup code would fill
 * it from the VGA BIOS: 80x25 colour text, mode 3, 16-line font, so that
 * Linux's vgacon takes the screen ("Console: colour VGA+ 80x25").
 */
static void fill_screen_info(uint8_t *bp)
{
    memset(bp, 0, 0x40);
    if (!vga_is_present()) {
        return;
    }
    bp[0x06] = 3;               /* orig_video_mode */
    bp[0x07] = 80;              /* orig_video_cols */
    wr16(bp + 0x0a, 0x0003);    /* orig_video_ega_bx: colour, 256 KiB */
    bp[0x0e] = 25;              /* orig_video_lines */
    bp[0x0f] = 0x22;            /* orig_video_isVGA: VIDEO_TYPE_VGAC */
    wr16(bp + 0x10, 16);        /* orig_video_points */
}

bool linux_boot_write_to_guest(LinuxBootImage *lb, Error **errp)
{
    /* null, null, __BOOT_CS (0x10) 64-bit code, __BOOT_DS (0x18) data */
    static const uint64_t gdt[4] = {
        0, 0, 0x00af9b000000ffffULL, 0x00cf93000000ffffULL,
    };
    uint8_t tables[6 * 4096];
    uint8_t *pml4 = tables, *pdpt = tables + 4096, *pd = tables + 8192;

    /* 4 GiB identity map with 2 MiB pages, for startup_64's first steps */
    memset(tables, 0, sizeof(tables));
    wr64(pml4, (LINUX_BOOT_PML4 + 0x1000) | 3);
    for (int i = 0; i < 4; i++) {
        wr64(pdpt + 8 * i, (LINUX_BOOT_PML4 + 0x2000 + 0x1000 * i) | 3);
    }
    for (int i = 0; i < 4 * 512; i++) {
        wr64(pd + 8 * i, ((uint64_t)i << 21) | 0x83);
    }
    fill_screen_info(lb->params);
    if (!put(LINUX_BOOT_GDT, gdt, sizeof(gdt), errp) ||
        !put(LINUX_BOOT_PML4, tables, sizeof(tables), errp) ||
        !put(LINUX_BOOT_PARAMS, lb->params, sizeof(lb->params), errp) ||
        !put(LINUX_BOOT_CMDLINE, lb->cmdline, strlen(lb->cmdline) + 1,
             errp)) {
        return false;
    }
    for (guint i = 0; i < lb->segments->len; i++) {
        LoadSegment *s = &g_array_index(lb->segments, LoadSegment, i);

        if (!put(s->paddr, s->data, s->filesz, errp) ||
            !put_zeros(s->paddr + s->filesz, s->memsz - s->filesz, errp)) {
            return false;
        }
    }
    if (lb->initrd && !put(lb->initrd_addr, lb->initrd, lb->initrd_size,
                           errp)) {
        return false;
    }
    return true;
}

void linux_boot_setup_cpu(LinuxBootImage *lb, CPUX86State *env)
{
    const uint32_t code = DESC_G_MASK | DESC_L_MASK | DESC_P_MASK |
                          DESC_S_MASK | DESC_CS_MASK | DESC_R_MASK |
                          DESC_A_MASK;
    const uint32_t data = DESC_G_MASK | DESC_B_MASK | DESC_P_MASK |
                          DESC_S_MASK | DESC_W_MASK | DESC_A_MASK;

    x86_cpu_set_flat_seg(&env->segs[R_CS], 0x10, code);
    for (int i = 0; i < 6; i++) {
        if (i != R_CS) {
            x86_cpu_set_flat_seg(&env->segs[i], 0x18, data);
        }
    }
    env->gdt.base = LINUX_BOOT_GDT;
    env->gdt.limit = 4 * 8 - 1;
    env->cr[0] = CR0_PE_MASK | CR0_ET_MASK | CR0_NE_MASK | CR0_PG_MASK;
    env->cr[3] = LINUX_BOOT_PML4;
    env->cr[4] = CR4_PAE_MASK;
    env->efer = MSR_EFER_LME | MSR_EFER_LMA;
    env->regs[R_ESI] = LINUX_BOOT_PARAMS;
    env->regs[R_ESP] = LINUX_BOOT_PARAMS;
    env->rip = lb->entry;
    env->eflags = 0x2;
    env->halted = false;
}
