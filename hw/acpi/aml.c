/*
 * AML encoder (see include/hw/acpi/aml.h): ACPI 6.4 section 20.2 (AML
 * grammar: PkgLength 20.2.4, name strings 20.2.2, data objects 20.2.3,
 * named objects 20.2.5) and 6.4.2 (small resource descriptors).
 */
#include "qemu/osdep.h"
#include "hw/acpi/aml.h"

#define AML_ZERO_OP         0x00
#define AML_ONE_OP          0x01
#define AML_NAME_OP         0x08
#define AML_BYTE_PREFIX     0x0a
#define AML_WORD_PREFIX     0x0b
#define AML_DWORD_PREFIX    0x0c
#define AML_STRING_PREFIX   0x0d
#define AML_QWORD_PREFIX    0x0e
#define AML_SCOPE_OP        0x10
#define AML_BUFFER_OP       0x11
#define AML_PACKAGE_OP      0x12
#define AML_METHOD_OP       0x14
#define AML_DUAL_NAME       0x2e
#define AML_MULTI_NAME      0x2f
#define AML_EXT_OP          0x5b
#define AML_DEVICE_OP       0x82    /* after AML_EXT_OP */
#define AML_ROOT_CHAR       '\\'
#define AML_PARENT_CHAR     '^'
#define AML_IF_OP           0xa0
#define AML_RETURN_OP       0xa4
#define AML_OPREGION_OP     0x80    /* after AML_EXT_OP */
#define AML_FIELD_OP        0x81    /* after AML_EXT_OP */
#define AML_ONES_OP         0xff

/* Small resource descriptor tags: type << 3 | length */
#define AML_RES_IRQ_NOFLAGS 0x22
#define AML_RES_IO          0x47
#define AML_RES_END         0x79
/* Large resource descriptors (6.4.3) */
#define AML_RES_DWORD_ADDR  0x87
#define AML_RES_WORD_ADDR   0x88
#define AML_RES_EXT_IRQ     0x89
#define AML_RES_QWORD_ADDR  0x8a
#define AML_ADDR_MEMORY     0
#define AML_ADDR_IO         1
#define AML_ADDR_BUS        2
#define AML_ADDR_MIN_MAX_FIXED 0x0c /* _MIF | _MAF, producer, positive decode */
#define AML_RES_MEM32_FIXED 0x86        /* large item, 9 bytes of data */

struct Aml {
    GByteArray *buf;
    GArray *open;       /* size_t: where each open construct's PkgLength goes */
};

Aml *aml_new(void)
{
    Aml *a = g_new0(Aml, 1);

    a->buf = g_byte_array_new();
    a->open = g_array_new(FALSE, FALSE, sizeof(size_t));
    return a;
}

void aml_free(Aml *a)
{
    if (a) {
        g_byte_array_free(a->buf, TRUE);
        g_array_free(a->open, TRUE);
        g_free(a);
    }
}

const uint8_t *aml_data(const Aml *a)
{
    return a->buf->data;
}

size_t aml_len(const Aml *a)
{
    return a->buf->len;
}

static void aml_byte(Aml *a, uint8_t b)
{
    g_byte_array_append(a->buf, &b, 1);
}

static void aml_le(Aml *a, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++) {
        aml_byte(a, v >> (8 * i));
    }
}

/* ---- names ---- */

static void aml_name_seg(Aml *a, const char *seg, size_t len)
{
    for (size_t i = 0; i < 4; i++) {
        aml_byte(a, i < len ? (uint8_t)seg[i] : '_');
    }
}

void aml_name_string(Aml *a, const char *path)
{
    g_auto(GStrv) segs = NULL;
    guint n;

    while (*path == AML_ROOT_CHAR || *path == AML_PARENT_CHAR) {
        aml_byte(a, *path++);
    }
    if (!*path) {
        aml_byte(a, AML_ZERO_OP);           /* NullName */
        return;
    }
    segs = g_strsplit(path, ".", -1);
    n = g_strv_length(segs);
    if (n == 2) {
        aml_byte(a, AML_DUAL_NAME);
    } else if (n > 2) {
        aml_byte(a, AML_MULTI_NAME);
        aml_byte(a, n);
    }
    for (guint i = 0; i < n; i++) {
        g_assert(strlen(segs[i]) >= 1 && strlen(segs[i]) <= 4);
        aml_name_seg(a, segs[i], strlen(segs[i]));
    }
}

void aml_name(Aml *a, const char *path)
{
    aml_byte(a, AML_NAME_OP);
    aml_name_string(a, path);
}

/* ---- data objects ---- */

void aml_integer(Aml *a, uint64_t value)
{
    if (value == 0) {
        aml_byte(a, AML_ZERO_OP);
    } else if (value == 1) {
        aml_byte(a, AML_ONE_OP);
    } else if (value == UINT64_MAX) {
        aml_byte(a, AML_ONES_OP);
    } else if (value <= UINT8_MAX) {
        aml_byte(a, AML_BYTE_PREFIX);
        aml_le(a, value, 1);
    } else if (value <= UINT16_MAX) {
        aml_byte(a, AML_WORD_PREFIX);
        aml_le(a, value, 2);
    } else if (value <= UINT32_MAX) {
        aml_byte(a, AML_DWORD_PREFIX);
        aml_le(a, value, 4);
    } else {
        aml_byte(a, AML_QWORD_PREFIX);
        aml_le(a, value, 8);
    }
}

void aml_string(Aml *a, const char *s)
{
    aml_byte(a, AML_STRING_PREFIX);
    g_byte_array_append(a->buf, (const uint8_t *)s, strlen(s) + 1);
}

/*
 * "PNP0501": three letters of 5 bits each ('A' = 1) and four hex digits,
 * stored so that the first letter is in the first byte (ACPI 6.4 section
 * 19.6.35, EISAID).
 */
void aml_eisaid(Aml *a, const char *id)
{
    uint16_t vendor;
    uint16_t product;

    g_assert(strlen(id) == 7);
    vendor = ((id[0] - 0x40) & 0x1f) << 10 | ((id[1] - 0x40) & 0x1f) << 5 |
             ((id[2] - 0x40) & 0x1f);
    product = g_ascii_xdigit_value(id[3]) << 12 |
              g_ascii_xdigit_value(id[4]) << 8 |
              g_ascii_xdigit_value(id[5]) << 4 |
              g_ascii_xdigit_value(id[6]);
    aml_byte(a, AML_DWORD_PREFIX);
    aml_byte(a, vendor >> 8);
    aml_byte(a, vendor & 0xff);
    aml_byte(a, product >> 8);
    aml_byte(a, product & 0xff);
}

void aml_return(Aml *a)
{
    aml_byte(a, AML_RETURN_OP);
}

/* ---- constructs with a PkgLength ---- */

static void aml_open(Aml *a)
{
    size_t pos = a->buf->len;

    g_array_append_val(a->open, pos);
}

/*
 * PkgLength counts itself: one byte holds up to 63; otherwise the lead
 * byte's bits 7:6 give the number of following bytes and its bits 3:0 the
 * low nibble of the length.
 */
void aml_end(Aml *a)
{
    size_t pos, body, total;
    uint8_t enc[4];
    unsigned n;

    g_assert(a->open->len > 0);
    pos = g_array_index(a->open, size_t, a->open->len - 1);
    g_array_set_size(a->open, a->open->len - 1);
    body = a->buf->len - pos;
    if (body + 1 <= 0x3f) {
        n = 1;
        enc[0] = body + 1;
    } else {
        n = body + 2 < (1u << 12) ? 2 : body + 3 < (1u << 20) ? 3 : 4;
        total = body + n;
        g_assert(total < (1u << 28));
        enc[0] = (n - 1) << 6 | (total & 0xf);
        for (unsigned i = 1; i < n; i++) {
            enc[i] = total >> (4 + 8 * (i - 1));
        }
    }
    g_byte_array_set_size(a->buf, a->buf->len + n);
    memmove(a->buf->data + pos + n, a->buf->data + pos, body);
    memcpy(a->buf->data + pos, enc, n);
}

void aml_package_begin(Aml *a, uint8_t count)
{
    aml_byte(a, AML_PACKAGE_OP);
    aml_open(a);
    aml_byte(a, count);
}

void aml_scope_begin(Aml *a, const char *path)
{
    aml_byte(a, AML_SCOPE_OP);
    aml_open(a);
    aml_name_string(a, path);
}

void aml_device_begin(Aml *a, const char *path)
{
    aml_byte(a, AML_EXT_OP);
    aml_byte(a, AML_DEVICE_OP);
    aml_open(a);
    aml_name_string(a, path);
}

void aml_method_begin(Aml *a, const char *path, unsigned nargs)
{
    aml_byte(a, AML_METHOD_OP);
    aml_open(a);
    aml_name_string(a, path);
    aml_byte(a, nargs & 7);         /* NotSerialized, SyncLevel 0 */
}

void aml_buffer(Aml *a, const uint8_t *bytes, size_t len)
{
    aml_byte(a, AML_BUFFER_OP);
    aml_open(a);
    aml_integer(a, len);
    g_byte_array_append(a->buf, bytes, len);
    aml_end(a);
}

/* ---- statements ---- */

void aml_opcode(Aml *a, uint8_t op)
{
    aml_byte(a, op);
}

void aml_if_begin(Aml *a)
{
    aml_byte(a, AML_IF_OP);
    aml_open(a);
}

void aml_operation_region(Aml *a, const char *name, uint8_t space,
                          uint32_t offset, uint32_t len)
{
    aml_byte(a, AML_EXT_OP);
    aml_byte(a, AML_OPREGION_OP);
    aml_name_string(a, name);
    aml_byte(a, space);
    aml_integer(a, offset);
    aml_integer(a, len);
}

void aml_field_begin(Aml *a, const char *region)
{
    aml_field_begin_flags(a, region, AML_FIELD_BYTE_ACC);
}

void aml_field_begin_flags(Aml *a, const char *region, uint8_t flags)
{
    aml_byte(a, AML_EXT_OP);
    aml_byte(a, AML_FIELD_OP);
    aml_open(a);
    aml_name_string(a, region);
    aml_byte(a, flags);
}

void aml_field_entry(Aml *a, const char *name, unsigned bits)
{
    g_assert(strlen(name) >= 1 && strlen(name) <= 4 && bits < 0x40);
    aml_name_seg(a, name, strlen(name));
    aml_byte(a, bits);      /* a one-byte PkgLength */
}

/* ---- resource descriptors ---- */

static void res_le(GByteArray *r, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++) {
        uint8_t b = v >> (8 * i);

        g_byte_array_append(r, &b, 1);
    }
}

/* Granularity, min, max, translation offset, length: @w bytes each. */
static void res_addr(GByteArray *r, uint8_t tag, uint8_t type,
                     uint8_t type_flags, unsigned w, uint64_t min,
                     uint64_t max)
{
    const uint8_t head[6] = {
        tag, 3 + 5 * w, 0, type, AML_ADDR_MIN_MAX_FIXED, type_flags,
    };

    g_byte_array_append(r, head, sizeof(head));
    res_le(r, 0, w);
    res_le(r, min, w);
    res_le(r, max, w);
    res_le(r, 0, w);
    res_le(r, max - min + 1, w);
}

void aml_res_word_bus_number(GByteArray *r, uint16_t min, uint16_t max)
{
    res_addr(r, AML_RES_WORD_ADDR, AML_ADDR_BUS, 0, 2, min, max);
}

void aml_res_word_io(GByteArray *r, uint16_t min, uint16_t max)
{
    res_addr(r, AML_RES_WORD_ADDR, AML_ADDR_IO, 0x03, 2, min, max);
}

void aml_res_dword_memory(GByteArray *r, uint32_t min, uint32_t max)
{
    res_addr(r, AML_RES_DWORD_ADDR, AML_ADDR_MEMORY, 0x03, 4, min, max);
}

void aml_res_qword_memory(GByteArray *r, uint64_t min, uint64_t max)
{
    res_addr(r, AML_RES_QWORD_ADDR, AML_ADDR_MEMORY, 0x03, 8, min, max);
}

void aml_res_interrupt(GByteArray *r, const uint32_t *irqs, unsigned n)
{
    /* consumer (bit 0), level (bit 1 clear), high (bit 2 clear), shared */
    const uint8_t head[5] = { AML_RES_EXT_IRQ, 2 + 4 * n, 0, 0x09, n };

    g_byte_array_append(r, head, sizeof(head));
    for (unsigned i = 0; i < n; i++) {
        res_le(r, irqs[i], 4);
    }
}

void aml_res_io(GByteArray *r, uint16_t min, uint16_t max, uint8_t align,
                uint8_t len)
{
    const uint8_t d[8] = {
        AML_RES_IO, 0x01,           /* decodes 16 address bits */
        min & 0xff, min >> 8, max & 0xff, max >> 8, align, len,
    };

    g_byte_array_append(r, d, sizeof(d));
}

void aml_res_irq(GByteArray *r, unsigned irq)
{
    uint16_t mask = 1u << (irq & 15);
    const uint8_t d[3] = { AML_RES_IRQ_NOFLAGS, mask & 0xff, mask >> 8 };

    g_byte_array_append(r, d, sizeof(d));
}

void aml_res_memory32_fixed(GByteArray *r, uint32_t base, uint32_t len,
                            bool writable)
{
    const uint8_t d[12] = {
        AML_RES_MEM32_FIXED, 9, 0, writable ? 1 : 0,
        base, base >> 8, base >> 16, base >> 24,
        len, len >> 8, len >> 16, len >> 24,
    };

    g_byte_array_append(r, d, sizeof(d));
}

void aml_resource_template(Aml *a, GByteArray *r)
{
    /* A zero checksum in the end tag means "treat as correct". */
    const uint8_t end[2] = { AML_RES_END, 0 };
    g_autoptr(GByteArray) all = g_byte_array_new();

    g_byte_array_append(all, r->data, r->len);
    g_byte_array_append(all, end, sizeof(end));
    aml_buffer(a, all->data, all->len);
}
