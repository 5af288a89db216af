/*
 * A small AML (ACPI Machine Language) encoder for the DSDT, following the
 * ACPI 6.4 specification chapter 20 (AML grammar) and section 6.4
 * (resource descriptors).  Terms are appended to a byte buffer in order;
 * constructs with a PkgLength (Scope, Device, Method, Package) are opened
 * with aml_*_begin() and closed with aml_end(), which encodes the length.
 * Only what kemu's tables need is covered: names, integers, strings,
 * EISA IDs, packages, scopes, devices, methods returning a constant, and
 * buffers of small resource descriptors (I/O ports, IRQs).
 */
#ifndef HW_ACPI_AML_H
#define HW_ACPI_AML_H

#include "qemu/osdep.h"

typedef struct Aml Aml;

/* An empty AML byte stream; free with aml_free(). */
Aml *aml_new(void);
void aml_free(Aml *a);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Aml, aml_free)
/* The bytes so far (every construct must be closed). */
const uint8_t *aml_data(const Aml *a);
size_t aml_len(const Aml *a);

/*
 * A NameString: "\\_S5", "_SB.COM1", "^FOO".  Each segment is padded to
 * four characters with '_'; segments are separated by '.'.
 */
void aml_name_string(Aml *a, const char *path);
/* Name(path, <data>): the caller appends the data object next. */
void aml_name(Aml *a, const char *path);
/* The shortest integer encoding: Zero, One, Ones, Byte/Word/DWord/QWord. */
void aml_integer(Aml *a, uint64_t value);
/* A NUL-terminated ASCII string constant. */
void aml_string(Aml *a, const char *s);
/* EisaId("PNP0501") as its compressed 32-bit form. */
void aml_eisaid(Aml *a, const char *id);
/* Buffer(len){bytes}. */
void aml_buffer(Aml *a, const uint8_t *bytes, size_t len);
/* Return(<term>): the caller appends the term next. */
void aml_return(Aml *a);

/* Package(@count){...}: the caller appends @count data objects. */
void aml_package_begin(Aml *a, uint8_t count);
/* Scope(path){...} */
void aml_scope_begin(Aml *a, const char *path);
/* Device(path){...} */
void aml_device_begin(Aml *a, const char *path);
/* Method(path, nargs, NotSerialized){...} */
void aml_method_begin(Aml *a, const char *path, unsigned nargs);
/* Close the innermost open construct, encoding its PkgLength. */
void aml_end(Aml *a);

/*
 * Resource descriptors for a _CRS buffer (ACPI 6.4 section 6.4.2),
 * appended to a plain GByteArray later passed to aml_resource_template().
 */
/* IO(Decode16, min, max, align, len) */
void aml_res_io(GByteArray *r, uint16_t min, uint16_t max, uint8_t align,
                uint8_t len);
/* IRQNoFlags(){irq} */
void aml_res_irq(GByteArray *r, unsigned irq);
/* Memory32Fixed(ReadWrite or ReadOnly, base, len) */
void aml_res_memory32_fixed(GByteArray *r, uint32_t base, uint32_t len,
                            bool writable);
/* ResourceTemplate(){...}: the descriptors of @r, an end tag, as a Buffer. */
void aml_resource_template(Aml *a, GByteArray *r);

#endif
