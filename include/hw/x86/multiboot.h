/*
 * Multiboot v1 loader for -kernel (the Multiboot Specification 0.6.96):
 * ELF32 images and "a.out kludge" images (header flag 16), the command
 * line "kernel_filename append" as QEMU passes it, -initrd "file args,..."
 * as modules, memory info and a memory map.  The loader prepares the guest
 * memory contents once; multiboot_reset() writes them and puts the BSP in
 * the machine state the specification requires, at every system reset.
 */
#ifndef HW_X86_MULTIBOOT_H
#define HW_X86_MULTIBOOT_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "exec/memory.h"

#define MULTIBOOT_HEADER_MAGIC     0x1BADB002
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002
/* The header must be in the first 8 KiB, 4-byte aligned. */
#define MULTIBOOT_SEARCH           8192

/* Where the loader puts the memory map and the information structure. */
#define MULTIBOOT_MMAP_ADDR        0x9000
#define MULTIBOOT_MBI_ADDR         0x9500

typedef struct MultibootImage MultibootImage;
typedef struct CPUX86State CPUX86State;

/* Offset of a valid multiboot header in @kernel, or -1. */
int multiboot_find_header(const uint8_t *kernel, size_t size);

/**
 * multiboot_load - build the boot image of a multiboot kernel
 * @kernel_filename: for the command line and messages
 * @kernel, @size: the file's contents
 * @cmdline: -append ("" when absent)
 * @initrd: -initrd ("file args,file2 args"), or NULL
 * @below_4g: RAM below 4 GiB (mem_upper, module placement)
 *
 * The memory map comes from the E820 table (hw/x86/e820.h) with the low
 * 640 KiB split as a BIOS reports it.  NULL with @errp set when the image
 * is not loadable (messages as QEMU's).
 */
MultibootImage *multiboot_load(const char *kernel_filename,
                               const uint8_t *kernel, size_t size,
                               const char *cmdline, const char *initrd,
                               uint64_t below_4g, Error **errp);
void multiboot_free(MultibootImage *mb);

/* Copy the image into guest memory (@as: NULL for system memory). */
bool multiboot_write_to_guest(MultibootImage *mb, AddressSpace *as,
                              Error **errp);
/* Put @env (the BSP, freshly reset) into 32-bit protected mode at the entry. */
void multiboot_setup_cpu(MultibootImage *mb, CPUX86State *env);

uint32_t multiboot_entry(MultibootImage *mb);
uint32_t multiboot_mbi_addr(MultibootImage *mb);
/* Lowest load address and size of the kernel (fw_cfg KERNEL_ADDR/SIZE). */
uint32_t multiboot_kernel_addr(MultibootImage *mb);
uint32_t multiboot_kernel_size(MultibootImage *mb);

#endif
