/*
 * Multiboot v1 loader: header search, a.out kludge and ELF32 images in
 * guest memory, bss zeroing, the information structure (command line,
 * modules, memory fields, mmap, boot loader name), CPU entry state and
 * QEMU's error messages for bad images.
 */
#include "qemu/osdep.h"
#include <elf.h>
#include "qemu/main-loop.h"
#include "hw/x86/multiboot.h"
#include "hw/x86/e820.h"
#include "target/x86/cpu.h"

#define RAM_SIZE (32 * MiB)

static MemoryRegion ram;

static uint32_t rd32(hwaddr a)
{
    uint32_t v = 0;

    address_space_read(&address_space_memory, a, &v, 4);
    return GUINT32_FROM_LE(v);
}

static char *rdstr(hwaddr a)
{
    return g_strdup((char *)memory_region_get_ram_ptr(&ram) + a);
}

static void put32(uint8_t *p, uint32_t v)
{
    v = GUINT32_TO_LE(v);
    memcpy(p, &v, 4);
}

/* An a.out kludge image: header at 0x40, loaded at 1 MiB, 4 KiB bss. */
static uint8_t *make_aout(size_t *size)
{
    uint8_t *img = g_malloc0(0x200);
    uint32_t flags = 0x00010003;

    memset(img + 0x100, 0xab, 0x100);
    put32(img + 0x40, MULTIBOOT_HEADER_MAGIC);
    put32(img + 0x44, flags);
    put32(img + 0x48, -(MULTIBOOT_HEADER_MAGIC + flags));
    put32(img + 0x4c, 0x100040);            /* header_addr */
    put32(img + 0x50, 0x100000);            /* load_addr */
    put32(img + 0x54, 0x100200);            /* load_end_addr */
    put32(img + 0x58, 0x101200);            /* bss_end_addr */
    put32(img + 0x5c, 0x100100);            /* entry */
    *size = 0x200;
    return img;
}

static void test_header_search(void)
{
    size_t size;
    g_autofree uint8_t *img = make_aout(&size);

    g_assert_cmpint(multiboot_find_header(img, size), ==, 0x40);
    img[0x48]++;                            /* bad checksum */
    g_assert_cmpint(multiboot_find_header(img, size), ==, -1);
}

static void test_aout(void)
{
    size_t size;
    g_autofree uint8_t *img = make_aout(&size);
    g_autofree char *path = NULL;
    g_autofree char *cmd = NULL, *mod0 = NULL, *name = NULL;
    int fd = g_file_open_tmp("mbmod-XXXXXX", &path, NULL);
    MultibootImage *mb;
    Error *err = NULL;
    g_autofree char *initrd = NULL;
    uint32_t mbi, mods;
    X86CPU cpu = { 0 };

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(write(fd, "payload", 7), ==, 7);
    close(fd);
    initrd = g_strdup_printf("%s arg1", path);

    /* Dirty the bss area first: the loader must zero it. */
    memset((uint8_t *)memory_region_get_ram_ptr(&ram) + 0x100200, 0x77, 0x1000);
    e820_reset();
    e820_add_entry(0, RAM_SIZE, E820_RAM);
    mb = multiboot_load("kern.bin", img, size, "hello world", initrd,
                        RAM_SIZE, &err);
    g_assert_null(err);
    g_assert_nonnull(mb);
    g_assert_true(multiboot_write_to_guest(mb, NULL, &err));
    g_assert_cmphex(rd32(0x100100), ==, 0xabababab);
    g_assert_cmphex(rd32(0x100200), ==, 0);
    g_assert_cmphex(rd32(0x1011fc), ==, 0);

    multiboot_setup_cpu(mb, &cpu.env);
    g_assert_cmphex(cpu.env.regs[R_EAX], ==, 0x2badb002);
    g_assert_cmphex(cpu.env.rip, ==, 0x100100);
    g_assert_true(cpu.env.cr[0] & CR0_PE_MASK);
    g_assert_true(cpu.env.segs[R_CS].flags & DESC_B_MASK);
    g_assert_cmphex(cpu.env.segs[R_DS].limit, ==, 0xffffffff);
    mbi = cpu.env.regs[R_EBX];

    g_assert_cmphex(rd32(mbi) & 0x24f, ==, 0x24f);
    g_assert_cmpuint(rd32(mbi + 4), ==, 639);
    g_assert_cmpuint(rd32(mbi + 8), ==, RAM_SIZE / KiB - 1024);
    cmd = rdstr(rd32(mbi + 16));
    g_assert_cmpstr(cmd, ==, "kern.bin hello world");
    g_assert_cmpuint(rd32(mbi + 20), ==, 1);
    mods = rd32(mbi + 24);
    g_assert_cmphex(rd32(mods) & 0xfff, ==, 0);          /* page aligned */
    g_assert_cmpuint(rd32(mods + 4) - rd32(mods), ==, 7);
    g_assert_cmphex(rd32(rd32(mods)), ==, GUINT32_FROM_LE(0x6c796170));
    mod0 = rdstr(rd32(mods + 8));
    g_assert_cmpstr(mod0, ==, initrd);
    name = rdstr(rd32(mbi + 64));
    g_assert_cmpstr(name, ==, "qemu");

    /* mmap: 4 entries for the low split of one RAM range. */
    g_assert_cmpuint(rd32(mbi + 44), ==, 4 * 24);
    {
        hwaddr m = rd32(mbi + 48);
        g_assert_cmpuint(rd32(m), ==, 20);
        g_assert_cmphex(rd32(m + 12), ==, 0x9fc00);       /* length */
        g_assert_cmpuint(rd32(m + 20), ==, 1);
        g_assert_cmpuint(rd32(m + 24 + 20), ==, 2);
        g_assert_cmphex(rd32(m + 72 + 4), ==, 0x100000);
        g_assert_cmphex(rd32(m + 72 + 12), ==, RAM_SIZE - 0x100000);
    }
    multiboot_free(mb);
    unlink(path);
}

static void test_elf(void)
{
    uint8_t img[0x2000] = { 0 };
    Elf32_Ehdr *eh = (Elf32_Ehdr *)img;
    Elf32_Phdr *ph = (Elf32_Phdr *)(img + sizeof(*eh));
    uint32_t flags = 0x00000003;
    MultibootImage *mb;
    Error *err = NULL;
    X86CPU cpu = { 0 };

    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS32;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = ET_EXEC;
    eh->e_machine = EM_386;
    eh->e_version = EV_CURRENT;
    eh->e_entry = 0xc0200010;           /* virtual: translated to physical */
    eh->e_phoff = sizeof(*eh);
    eh->e_ehsize = sizeof(*eh);
    eh->e_phentsize = sizeof(*ph);
    eh->e_phnum = 1;
    ph->p_type = PT_LOAD;
    ph->p_offset = 0x1000;
    ph->p_vaddr = 0xc0200000;
    ph->p_paddr = 0x200000;
    ph->p_filesz = 0x1000;
    ph->p_memsz = 0x3000;
    put32(img + 0x100, MULTIBOOT_HEADER_MAGIC);
    put32(img + 0x104, flags);
    put32(img + 0x108, -(MULTIBOOT_HEADER_MAGIC + flags));
    memset(img + 0x1000, 0x5a, 0x1000);

    memset((uint8_t *)memory_region_get_ram_ptr(&ram) + 0x201000, 0x77, 0x2000);
    mb = multiboot_load("k.elf", img, sizeof(img), "", NULL, RAM_SIZE, &err);
    g_assert_null(err);
    g_assert_true(multiboot_write_to_guest(mb, NULL, &err));
    g_assert_cmphex(rd32(0x200ffc), ==, 0x5a5a5a5a);
    g_assert_cmphex(rd32(0x201000), ==, 0);
    g_assert_cmphex(rd32(0x202ffc), ==, 0);
    multiboot_setup_cpu(mb, &cpu.env);
    g_assert_cmphex(cpu.env.rip, ==, 0x200010);
    g_assert_cmpuint(multiboot_kernel_addr(mb), ==, 0x200000);
    g_assert_cmpuint(multiboot_kernel_size(mb), ==, 0x3000);
    {
        g_autofree char *cmd = rdstr(rd32(cpu.env.regs[R_EBX] + 16));
        g_assert_cmpstr(cmd, ==, "k.elf ");
        g_assert_cmpuint(rd32(cpu.env.regs[R_EBX] + 20), ==, 0);
    }
    multiboot_free(mb);

    /* 64-bit ELF: QEMU's message. */
    img[EI_CLASS] = ELFCLASS64;
    mb = multiboot_load("k.elf", img, sizeof(img), "", NULL, RAM_SIZE, &err);
    g_assert_null(mb);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Cannot load x86-64 image, give a 32bit one.");
    error_free(err);
    err = NULL;

    /* Not multiboot at all. */
    memset(img, 0, sizeof(img));
    mb = multiboot_load("k", img, sizeof(img), "", NULL, RAM_SIZE, &err);
    g_assert_null(mb);
    g_assert_nonnull(err);
    error_free(err);
}

static void test_missing_module(void)
{
    size_t size;
    g_autofree uint8_t *img = make_aout(&size);
    Error *err = NULL;
    MultibootImage *mb;

    mb = multiboot_load("k", img, size, "", "/nonexistent/mod arg", RAM_SIZE,
                        &err);
    g_assert_null(mb);
    g_assert_nonnull(err);
    error_free(err);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    memory_system_init();
    bql_lock();
    memory_region_init_ram(&ram, NULL, "ram", RAM_SIZE, NULL);
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    g_test_add_func("/multiboot/header-search", test_header_search);
    g_test_add_func("/multiboot/aout-kludge", test_aout);
    g_test_add_func("/multiboot/elf32", test_elf);
    g_test_add_func("/multiboot/missing-module", test_missing_module);
    return g_test_run();
}
