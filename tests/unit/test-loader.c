/*
 * hw/loader.h: image size of files and non-files, whole-file loading and
 * its error text, copying into RAM and ROM of the system address space,
 * refusing unbacked and wrapping ranges, and load_image_targphys with its
 * size limit.  (ELF images are loaded by the multiboot loader and tested
 * in test-multiboot.)
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qapi/error.h"
#include "exec/memory.h"
#include "hw/loader.h"

#define RAM_SIZE  (1 * 1024 * 1024)
#define ROM_BASE  0xfff00000
#define ROM_SIZE  0x10000

static MemoryRegion ram, rom;
static char *tmpdir;

static char *write_tmp(const char *name, const void *data, size_t len)
{
    char *path = g_build_filename(tmpdir, name, NULL);

    g_assert_true(g_file_set_contents(path, data, len, NULL));
    return path;
}

static void read_guest(hwaddr addr, void *buf, size_t len)
{
    g_assert_cmpint(address_space_read(&address_space_memory, addr, buf, len),
                    ==, MEMTX_OK);
}

static void test_image_size(void)
{
    g_autofree char *p = write_tmp("sz", "0123456789", 10);
    g_autofree char *e = write_tmp("empty", "", 0);
    g_autofree char *missing = g_build_filename(tmpdir, "nope", NULL);

    g_assert_cmpint(get_image_size(p), ==, 10);
    g_assert_cmpint(get_image_size(e), ==, 0);
    errno = 0;
    g_assert_cmpint(get_image_size(missing), ==, -1);
    g_assert_cmpint(errno, ==, ENOENT);
}

static void test_load_file(void)
{
    uint8_t blob[3000];
    g_autofree char *p = NULL;
    g_autofree char *missing = g_build_filename(tmpdir, "nope", NULL);
    g_autofree char *expect = NULL;
    uint8_t *data = NULL;
    size_t size = 0;
    Error *err = NULL;

    for (size_t i = 0; i < sizeof(blob); i++) {
        blob[i] = i * 7;
    }
    p = write_tmp("blob", blob, sizeof(blob));
    g_assert_true(load_file(p, &data, &size, &error_abort));
    g_assert_cmpuint(size, ==, sizeof(blob));
    g_assert_true(memcmp(data, blob, size) == 0);
    g_free(data);

    data = NULL;
    g_assert_false(load_file(missing, &data, &size, &err));
    g_assert_nonnull(err);
    expect = g_strdup_printf("could not load '%s': ", missing);
    g_assert_true(g_str_has_prefix(error_get_pretty(err), expect));
    g_assert_nonnull(strstr(error_get_pretty(err), "No such file"));
    g_assert_null(data);
    error_free(err);
}

static void test_to_ram_and_rom(void)
{
    static const char msg[] = "kemu loader";
    char buf[sizeof(msg)];
    uint8_t big[8192];
    uint8_t back[8192];

    g_assert_true(load_data_to_guest(NULL, 0x7000, msg, sizeof(msg),
                                     &error_abort));
    read_guest(0x7000, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, msg);

    /* ROM is read-only to the guest but a loader fills it. */
    g_assert_true(load_data_to_guest(&address_space_memory,
                                     ROM_BASE + ROM_SIZE - 16, "ROMDATA", 8,
                                     &error_abort));
    read_guest(ROM_BASE + ROM_SIZE - 16, buf, 8);
    g_assert_cmpstr(buf, ==, "ROMDATA");
    g_assert_cmpint(address_space_write(&address_space_memory,
                                        ROM_BASE + ROM_SIZE - 16, "xx", 2),
                    ==, MEMTX_OK);
    read_guest(ROM_BASE + ROM_SIZE - 16, buf, 8);
    g_assert_cmpstr(buf, ==, "ROMDATA");

    /* Crossing page boundaries inside RAM. */
    for (size_t i = 0; i < sizeof(big); i++) {
        big[i] = i ^ (i >> 8);
    }
    g_assert_true(load_data_to_guest(NULL, 0x10ff0, big, sizeof(big),
                                     &error_abort));
    read_guest(0x10ff0, back, sizeof(back));
    g_assert_true(memcmp(big, back, sizeof(big)) == 0);

    /* A zero-length copy is a no-op anywhere. */
    g_assert_true(load_data_to_guest(NULL, 0x7000, msg, 0, &error_abort));
}

static void test_unbacked(void)
{
    Error *err = NULL;

    /* Past the end of RAM: nothing there. */
    g_assert_false(load_data_to_guest(NULL, 0x80000000, "x", 1, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "could not write 1 bytes at guest address 0x80000000: "
                    "not backed by memory");
    error_free(err);
    err = NULL;
    /* Straddling the end of RAM fails as a whole. */
    g_assert_false(load_data_to_guest(NULL, RAM_SIZE - 2, "abcd", 4, &err));
    g_assert_nonnull(err);
    error_free(err);
    err = NULL;
    /* Wrapping around the top of the address space. */
    g_assert_false(load_data_to_guest(NULL, UINT64_MAX - 1, "abcd", 4,
                                      &err));
    g_assert_nonnull(strstr(error_get_pretty(err),
                            "does not fit in the address space"));
    error_free(err);
}

static void test_image_targphys(void)
{
    static const char kernel[] = "\x7f" "fakekernel";
    g_autofree char *p = write_tmp("k", kernel, sizeof(kernel));
    g_autofree char *missing = g_build_filename(tmpdir, "nope", NULL);
    g_autofree char *expect = NULL;
    char buf[sizeof(kernel)];
    Error *err = NULL;

    g_assert_cmpint(load_image_targphys(p, 0x20000, RAM_SIZE, &error_abort),
                    ==, sizeof(kernel));
    read_guest(0x20000, buf, sizeof(buf));
    g_assert_true(memcmp(buf, kernel, sizeof(kernel)) == 0);
    /* Exactly at the limit is fine; one byte less is not. */
    g_assert_cmpint(load_image_targphys(p, 0x30000, sizeof(kernel),
                                        &error_abort), ==, sizeof(kernel));
    g_assert_cmpint(load_image_targphys(p, 0x40000, sizeof(kernel) - 1, &err),
                    ==, -1);
    expect = g_strdup_printf("image '%s' is too large (%zu bytes, at most "
                             "%zu)", p, sizeof(kernel), sizeof(kernel) - 1);
    g_assert_cmpstr(error_get_pretty(err), ==, expect);
    error_free(err);
    err = NULL;
    /* Nothing was written for the rejected image. */
    read_guest(0x40000, buf, sizeof(buf));
    g_assert_cmpint(buf[1], ==, 0);

    g_assert_cmpint(load_image_targphys(missing, 0x20000, RAM_SIZE, &err),
                    ==, -1);
    g_assert_true(g_str_has_prefix(error_get_pretty(err), "could not load"));
    error_free(err);
    err = NULL;
    /* A file that does not fit where it is put. */
    g_assert_cmpint(load_image_targphys(p, RAM_SIZE - 4, RAM_SIZE, &err),
                    ==, -1);
    g_assert_nonnull(err);
    error_free(err);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    memory_system_init();
    bql_lock();
    g_assert_true(memory_region_init_ram(&ram, NULL, "pc.ram", RAM_SIZE,
                                         &error_abort));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    g_assert_true(memory_region_init_rom(&rom, NULL, "pc.bios", ROM_SIZE,
                                         &error_abort));
    memory_region_add_subregion(get_system_memory(), ROM_BASE, &rom);
    tmpdir = g_dir_make_tmp("test-loader-XXXXXX", NULL);
    g_assert_nonnull(tmpdir);

    g_test_add_func("/loader/image-size", test_image_size);
    g_test_add_func("/loader/load-file", test_load_file);
    g_test_add_func("/loader/to-ram-and-rom", test_to_ram_and_rom);
    g_test_add_func("/loader/unbacked", test_unbacked);
    g_test_add_func("/loader/image-targphys", test_image_targphys);
    ret = g_test_run();

    /* Remove the temporary files. */
    {
        GDir *d = g_dir_open(tmpdir, 0, NULL);
        const char *name;

        while (d && (name = g_dir_read_name(d))) {
            g_autofree char *f = g_build_filename(tmpdir, name, NULL);

            unlink(f);
        }
        if (d) {
            g_dir_close(d);
        }
        rmdir(tmpdir);
    }
    return ret;
}
