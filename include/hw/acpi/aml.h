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
 * Statements for the few methods kemu's DSDT has (PCI interrupt links):
 * one opcode byte; the caller appends the operands in AML order, e.g.
 * aml_opcode(a, AML_STORE); <source>; <target>.
 */
#define AML_STORE               0x70
#define AML_AND                 0x7b    /* And(a, b, target) */
#define AML_OR                  0x7d
#define AML_CREATE_DWORD_FIELD  0x8a    /* (buffer, byte index, name) */
#define AML_LLESS               0x95
#define AML_LOCAL0              0x60
#define AML_ARG0                0x68
#define AML_NULL_NAME           0x00    /* "no target" */
#define AML_SHIFT_LEFT          0x79    /* (operand, count, target) */
#define AML_NOTIFY              0x86    /* (object, value) */
#define AML_ARG1                0x69
void aml_opcode(Aml *a, uint8_t op);
/* If(<predicate>){...}: the caller appends the predicate, then the body. */
void aml_if_begin(Aml *a);
/* OperationRegion(name, space, offset, len); space 2 is PCI_Config. */
#define AML_REGION_SYSTEM_IO    0x01
#define AML_REGION_PCI_CONFIG   0x02
void aml_operation_region(Aml *a, const char *name, uint8_t space,
                          uint32_t offset, uint32_t len);
/* Field(region, ByteAcc, NoLock, Preserve){...}, then aml_field_entry()s. */
void aml_field_begin(Aml *a, const char *region);
/* FieldFlags (ACPI 6.4 section 20.2.5.2): access type | update rule. */
#define AML_FIELD_BYTE_ACC      0x01
#define AML_FIELD_DWORD_ACC     0x03
#define AML_FIELD_WRITE_ZEROS   0x20
void aml_field_begin_flags(Aml *a, const char *region, uint8_t flags);
void aml_field_entry(Aml *a, const char *name, unsigned bits);

/*
 * Resource descriptors for a _CRS buffer (ACPI 6.4 section 6.4.2),
 * appended to a plain GByteArray later passed to aml_resource_template().
 */
/* IO(Decode16, min, max, align, len) */
void aml_res_io(GByteArray *r, uint16_t min, uint16_t max, uint8_t align,
                uint8_t len);
/* IRQNoFlags(){irq} */
void aml_res_irq(GByteArray *r, unsigned irq);
/*
 * Address space descriptors (6.4.3.5) as a ResourceProducer with fixed
 * minimum and maximum: WordBusNumber, WordIO (EntireRange),
 * DWordMemory / QWordMemory (Cacheable, ReadWrite).
 */
void aml_res_word_bus_number(GByteArray *r, uint16_t min, uint16_t max);
void aml_res_word_io(GByteArray *r, uint16_t min, uint16_t max);
void aml_res_dword_memory(GByteArray *r, uint32_t min, uint32_t max);
void aml_res_qword_memory(GByteArray *r, uint64_t min, uint64_t max);
/* Interrupt(ResourceConsumer, Level, ActiveHigh, Shared){irqs} (6.4.3.6) */
void aml_res_interrupt(GByteArray *r, const uint32_t *irqs, unsigned n);
/* Memory32Fixed(ReadWrite or ReadOnly, base, len) */
void aml_res_memory32_fixed(GByteArray *r, uint32_t base, uint32_t len,
                            bool writable);
/* ResourceTemplate(){...}: the descriptors of @r, an end tag, as a Buffer. */
void aml_resource_template(Aml *a, GByteArray *r);

#endif
