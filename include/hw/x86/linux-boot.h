/*
 * Linux boot protocol for -kernel bzImage (Documentation/x86/boot.rst),
 * without firmware and without the kernel's own decompressor: the
 * compressed payload (an ELF vmlinux, XZ or gzip) is decompressed on the
 * host, cached by content hash, its PT_LOAD segments are loaded at their
 * physical addresses, and the BSP enters vmlinux's startup_64 in long mode
 * with RSI pointing at boot_params (the 64-bit boot protocol), where the
 * decompressor would have jumped.  -append goes to the command line,
 * -initrd to the top of low memory within initrd_addr_max.
 */
#ifndef HW_X86_LINUX_BOOT_H
#define HW_X86_LINUX_BOOT_H

#include "qemu/osdep.h"
#include "qapi/error.h"

typedef struct LinuxBootImage LinuxBootImage;
typedef struct CPUX86State CPUX86State;

/* Where the loader puts its structures in guest memory. */
#define LINUX_BOOT_GDT          0x0500
#define LINUX_BOOT_PARAMS       0x7000
#define LINUX_BOOT_PML4         0x9000  /* + PDPT, 4 PDs: 4 GiB identity */
#define LINUX_BOOT_CMDLINE      0x20000
#define LINUX_BOOT_CMDLINE_MAX  0x10000

/* Does @kernel carry the "HdrS" setup header of a bzImage? */
bool linux_boot_is_bzimage(const uint8_t *kernel, size_t size);

/**
 * linux_boot_load - prepare the boot image of a bzImage
 * @kernel_filename: for messages
 * @kernel, @size: the file's contents
 * @cmdline: -append ("" when absent)
 * @initrd_filename: -initrd, or NULL
 * @below_4g: RAM below 4 GiB
 *
 * The memory map is the E820 table (hw/x86/e820.h), with the low 1 MiB
 * split as a PC BIOS reports it.  NULL with @errp set on failure.
 */
LinuxBootImage *linux_boot_load(const char *kernel_filename,
                                const uint8_t *kernel, size_t size,
                                const char *cmdline,
                                const char *initrd_filename,
                                uint64_t below_4g, Error **errp);
void linux_boot_free(LinuxBootImage *lb);
/* Tell the kernel where the ACPI RSDP is (boot_params.acpi_rsdp_addr). */
void linux_boot_set_acpi_rsdp(LinuxBootImage *lb, uint64_t addr);

/* Copy everything into guest memory (every system reset). */
bool linux_boot_write_to_guest(LinuxBootImage *lb, Error **errp);
/* Put @env (the BSP, freshly reset) in long mode at startup_64. */
void linux_boot_setup_cpu(LinuxBootImage *lb, CPUX86State *env);

#endif
