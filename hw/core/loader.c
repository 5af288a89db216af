/*
 * Host file to guest memory (hw/loader.h).  Whole files are read with
 * GLib and written through the address space, so the same path serves RAM
 * and ROM targets.  Image formats (ELF, multiboot, bzImage) live in their
 * own loaders on top of these helpers.
 */
#include "qemu/osdep.h"
#include "hw/loader.h"

int64_t get_image_size(const char *filename)
{
    struct stat st;
    int fd = open(filename, O_RDONLY);
    int64_t size;

    if (fd < 0) {
        return -1;
    }
    if (fstat(fd, &st) < 0) {
        int err = errno;

        close(fd);
        errno = err;
        return -1;
    }
    /* Block devices report 0 in st_size: ask the file itself. */
    size = S_ISREG(st.st_mode) ? st.st_size : lseek(fd, 0, SEEK_END);
    close(fd);
    return size;
}

bool load_file(const char *filename, uint8_t **data, size_t *size,
               Error **errp)
{
    GError *gerr = NULL;
    gchar *contents;
    gsize len;

    if (!g_file_get_contents(filename, &contents, &len, &gerr)) {
        error_setg(errp, "could not load '%s': %s", filename, gerr->message);
        g_error_free(gerr);
        return false;
    }
    *data = (uint8_t *)contents;
    *size = len;
    return true;
}

bool load_data_to_guest(AddressSpace *as, hwaddr addr, const void *data,
                        size_t len, Error **errp)
{
    if (!as) {
        as = &address_space_memory;
    }
    if (len && addr + len - 1 < addr) {
        error_setg(errp, "image at 0x%" HWADDR_PRIx " of %zu bytes does not "
                   "fit in the address space", addr, len);
        return false;
    }
    if (address_space_write_rom(as, addr, data, len) != MEMTX_OK) {
        error_setg(errp, "could not write %zu bytes at guest address 0x%"
                   HWADDR_PRIx ": not backed by memory", len, addr);
        return false;
    }
    return true;
}

int64_t load_image_targphys(const char *filename, hwaddr addr,
                            uint64_t max_size, Error **errp)
{
    uint8_t *data;
    size_t size;
    bool ok;

    if (!load_file(filename, &data, &size, errp)) {
        return -1;
    }
    if (size > max_size) {
        error_setg(errp, "image '%s' is too large (%zu bytes, at most %"
                   PRIu64 ")", filename, size, max_size);
        g_free(data);
        return -1;
    }
    ok = load_data_to_guest(NULL, addr, data, size, errp);
    g_free(data);
    return ok ? (int64_t)size : -1;
}
