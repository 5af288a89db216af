/*
 * Loading host files into guest memory: firmware (-bios), kernels and
 * initrds (multiboot, Linux boot protocol).  Writes go through
 * address_space_write_rom(), so ROM regions can be filled as well.
 */
#ifndef HW_LOADER_H
#define HW_LOADER_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "exec/memory.h"

/* Size of @filename in bytes, or -1 (errno set) if it cannot be opened. */
int64_t get_image_size(const char *filename);

/*
 * Read the whole of @filename into a new buffer (*@data, g_free() it) of
 * *@size bytes.  Error: "could not load '<file>': <reason>" style message.
 */
bool load_file(const char *filename, uint8_t **data, size_t *size,
               Error **errp);

/*
 * Copy @len bytes of @data to guest-physical @addr of @as (NULL: system
 * memory), ROM included.  Fails when the range is not backed by memory.
 */
bool load_data_to_guest(AddressSpace *as, hwaddr addr, const void *data,
                        size_t len, Error **errp);

/*
 * Load @filename at guest-physical @addr (system memory), refusing files
 * larger than @max_size.  Returns the file size, or -1 with errp set.
 */
int64_t load_image_targphys(const char *filename, hwaddr addr,
                            uint64_t max_size, Error **errp);

#endif
