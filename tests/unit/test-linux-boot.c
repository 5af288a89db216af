/*
 * The bzImage loader (hw/x86/linux-boot.c) on synthetic images: a setup
 * header and a gzip payload holding a tiny ELF vmlinux.  Checks what lands
 * in guest memory (segments, BSS, boot_params, command line, initrd, E820)
 * and the entry state, and the errors for bad images.
 */
#include "qemu/osdep.h"
#include <zlib.h>
#include "qapi/error.h"
#include "exec/memory.h"
#include "hw/x86/e820.h"
#include "hw/x86/linux-boot.h"
#include "target/x86/cpu.h"

#define RAM_SIZE (128 << 20)
#define KERNEL_PADDR 0x1000000

static uint8_t *ram;
static char *tmpdir;

static void w16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static void w32(uint8_t *p, uint32_t v) { w16(p, v); w16(p + 2, v >> 16); }
static void w64(uint8_t *p, uint64_t v) { w32(p, v); w32(p + 4, v >> 32); }
static uint32_t r32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t r64(const uint8_t *p)
{
    return r32(p) | (uint64_t)r32(p + 4) << 32;
}

/* An ELF64 vmlinux with one PT_LOAD: 16 bytes of code, 32 bytes memsz. */
static GByteArray *make_vmlinux(uint64_t paddr)
{
    uint8_t e[0x78 + 16] = { 0 };
    GByteArray *a = g_byte_array_new();

    memcpy(e, "\177ELF\2\1\1", 7);
    w16(e + 16, 2);             /* ET_EXEC */
    w16(e + 18, 62);            /* EM_X86_64 */
    w32(e + 20, 1);
    w64(e + 24, paddr + 4);     /* entry */
    w64(e + 32, 0x40);          /* phoff */
    w16(e + 52, 0x40);
    w16(e + 54, 56);
    w16(e + 56, 1);
    w32(e + 0x40, 1);           /* PT_LOAD */
    w64(e + 0x40 + 8, 0x78);    /* offset */
    w64(e + 0x40 + 16, 0xffffffff81000000ULL);
    w64(e + 0x40 + 24, paddr);
    w64(e + 0x40 + 32, 16);
    w64(e + 0x40 + 40, 32);
    for (int i = 0; i < 16; i++) {
        e[0x78 + i] = 0xc0 + i;
    }
    g_byte_array_append(a, e, sizeof(e));
    return a;
}

static GByteArray *gzip(const GByteArray *in)
{
    z_stream z = { 0 };
    GByteArray *out = g_byte_array_sized_new(in->len + 1024);

    g_byte_array_set_size(out, in->len + 1024);
    g_assert_cmpint(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
                                 Z_DEFAULT_STRATEGY), ==, Z_OK);
    z.next_in = in->data;
    z.avail_in = in->len;
    z.next_out = out->data;
    z.avail_out = out->len;
    g_assert_cmpint(deflate(&z, Z_FINISH), ==, Z_STREAM_END);
    g_byte_array_set_size(out, z.total_out);
    deflateEnd(&z);
    return out;
}

/* A bzImage: 1 setup sector after the boot sector, then the payload. */
static GByteArray *make_bzimage(uint16_t version, const GByteArray *payload)
{
    GByteArray *k = g_byte_array_new();
    uint8_t *h;

    g_byte_array_set_size(k, 1024 + payload->len);
    memset(k->data, 0, k->len);
    h = k->data;
    h[0x1f1] = 1;                       /* setup_sects */
    h[0x201] = 0x6a;                    /* header ends at 0x26c */
    memcpy(h + 0x202, "HdrS", 4);
    w16(h + 0x206, version);
    h[0x211] = 1;                       /* LOADED_HIGH */
    w32(h + 0x22c, 0x7fffffff);         /* initrd_addr_max */
    w32(h + 0x238, 2047);               /* cmdline_size */
    w32(h + 0x248, 0);                  /* payload_offset */
    w32(h + 0x24c, payload->len);
    memcpy(h + 1024, payload->data, payload->len);
    return k;
}

static char *write_initrd(size_t len)
{
    char *path = g_build_filename(tmpdir, "initrd", NULL);
    g_autofree char *data = g_malloc(len);

    for (size_t i = 0; i < len; i++) {
        data[i] = i * 7;
    }
    g_assert_true(g_file_set_contents(path, data, len, NULL));
    return path;
}

static void test_load(void)
{
    g_autoptr(GByteArray) elf = make_vmlinux(KERNEL_PADDR);
    g_autoptr(GByteArray) payload = gzip(elf);
    g_autoptr(GByteArray) k = make_bzimage(0x020f, payload);
    g_autofree char *initrd = write_initrd(5000);
    LinuxBootImage *lb;
    const uint8_t *bp = ram + LINUX_BOOT_PARAMS;
    uint64_t initrd_addr = ((RAM_SIZE - 0x20000 - 1) - 5000) & ~0xfffULL;
    X86CPU *cpu = g_new0(X86CPU, 1);

    memset(ram, 0xaa, RAM_SIZE);
    lb = linux_boot_load("bz", k->data, k->len, "console=ttyS0 quiet",
                         initrd, RAM_SIZE, &error_abort);
    g_assert_true(linux_boot_write_to_guest(lb, &error_abort));
    /* the segment, then zeroed BSS up to memsz */
    for (int i = 0; i < 16; i++) {
        g_assert_cmpint(ram[KERNEL_PADDR + i], ==, 0xc0 + i);
        g_assert_cmpint(ram[KERNEL_PADDR + 16 + i], ==, 0);
    }
    g_assert_cmpint(ram[KERNEL_PADDR + 32], ==, 0xaa);
    /* boot_params: the header copy and the loader's fields */
    g_assert_cmpmem(bp + 0x202, 4, "HdrS", 4);
    g_assert_cmpint(bp[0x210], ==, 0xb0);
    g_assert_cmpint(r32(bp + 0x228), ==, LINUX_BOOT_CMDLINE);
    g_assert_cmpstr((char *)ram + LINUX_BOOT_CMDLINE, ==,
                    "console=ttyS0 quiet");
    g_assert_cmpint(r32(bp + 0x218), ==, initrd_addr);
    g_assert_cmpint(r32(bp + 0x21c), ==, 5000);
    for (int i = 0; i < 5000; i++) {
        g_assert_cmpint(ram[initrd_addr + i], ==, (uint8_t)(i * 7));
    }
    /* E820: the low MiB split as a BIOS reports it */
    g_assert_cmpint(bp[0x1e8], ==, 4);
    g_assert_cmpint(r64(bp + 0x2d0 + 8), ==, 0x9fc00);
    g_assert_cmpint(r32(bp + 0x2d0 + 16), ==, E820_RAM);
    g_assert_cmpint(r64(bp + 0x2d0 + 20), ==, 0x9fc00);
    g_assert_cmpint(r32(bp + 0x2d0 + 20 + 16), ==, E820_RESERVED);
    g_assert_cmpint(r64(bp + 0x2d0 + 40), ==, 0xf0000);
    g_assert_cmpint(r64(bp + 0x2d0 + 60), ==, 0x100000);
    g_assert_cmpint(r64(bp + 0x2d0 + 68), ==, RAM_SIZE - 0x100000);
    /* the identity map covers the kernel */
    g_assert_cmpint(r64(ram + LINUX_BOOT_PML4 + 0x2000 + 8 * 8), ==,
                    (8ULL << 21) | 0x83);
    /* long mode at startup_64 with RSI = boot_params */
    linux_boot_setup_cpu(lb, &cpu->env);
    g_assert_cmpint(cpu->env.rip, ==, KERNEL_PADDR + 4);
    g_assert_cmpint(cpu->env.regs[R_ESI], ==, LINUX_BOOT_PARAMS);
    g_assert_cmpint(cpu->env.segs[R_CS].selector, ==, 0x10);
    g_assert_true(cpu->env.segs[R_CS].flags & DESC_L_MASK);
    g_assert_true(cpu->env.efer & MSR_EFER_LMA);
    g_assert_true(cpu->env.cr[0] & CR0_PG_MASK);
    linux_boot_free(lb);
    g_free(cpu);
}

static void expect_error(const GByteArray *k, uint64_t ram_size,
                         const char *initrd, const char *part)
{
    Error *err = NULL;
    LinuxBootImage *lb = linux_boot_load("bz", k->data, k->len, "", initrd,
                                         ram_size, &err);

    g_assert_null(lb);
    g_assert_nonnull(err);
    if (!strstr(error_get_pretty(err), part)) {
        g_test_message("error: %s", error_get_pretty(err));
    }
    g_assert_nonnull(strstr(error_get_pretty(err), part));
    error_free(err);
}

static void test_errors(void)
{
    g_autoptr(GByteArray) elf = make_vmlinux(KERNEL_PADDR);
    g_autoptr(GByteArray) payload = gzip(elf);
    g_autoptr(GByteArray) old = make_bzimage(0x0207, payload);
    g_autoptr(GByteArray) ok = make_bzimage(0x020f, payload);
    g_autoptr(GByteArray) junk = g_byte_array_new();
    g_autoptr(GByteArray) bad = NULL;
    g_autoptr(GByteArray) big = make_vmlinux(RAM_SIZE - 8);
    g_autoptr(GByteArray) big_gz = gzip(big);
    g_autoptr(GByteArray) high = make_bzimage(0x020f, big_gz);
    g_autofree char *huge_initrd = write_initrd(200 << 20);

    expect_error(old, RAM_SIZE, NULL, "2.07 is too old");
    g_byte_array_append(junk, (const uint8_t *)"not compressed at all", 21);
    bad = make_bzimage(0x020f, junk);
    expect_error(bad, RAM_SIZE, NULL, "unsupported kernel compression");
    expect_error(high, RAM_SIZE, NULL, "use a larger -m");
    expect_error(ok, RAM_SIZE, huge_initrd, "initrd is too large");
    /* the payload length running past the end of the file */
    w32(ok->data + 0x24c, ok->len);
    expect_error(ok, RAM_SIZE, NULL, "header is corrupt");
}

int main(int argc, char **argv)
{
    static MemoryRegion mr;
    int ret;

    g_test_init(&argc, &argv, NULL);
    /* Keep the decompression cache out of the user's home. */
    tmpdir = g_dir_make_tmp("test-linux-boot-XXXXXX", NULL);
    g_setenv("XDG_CACHE_HOME", tmpdir, TRUE);

    memory_system_init();
    memory_region_init_ram(&mr, NULL, "ram", RAM_SIZE, &error_abort);
    memory_region_add_subregion(get_system_memory(), 0, &mr);
    ram = memory_region_get_ram_ptr(&mr);
    e820_add_entry(0, RAM_SIZE, E820_RAM);

    g_test_add_func("/linux-boot/load", test_load);
    g_test_add_func("/linux-boot/errors", test_errors);
    ret = g_test_run();
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) {
        g_test_message("could not remove %s", tmpdir);
    }
    return ret;
}
