/*
 * Unit tests for exec/: region priorities and overlap, aliases, nested
 * containers, flat views, listener diffs, access splitting by .impl,
 * .valid rejection, unassigned space, RAM/ROM accesses, map_ram and the
 * `info mtree` texts.
 */
#include "qemu/osdep.h"
#include "exec/memory.h"

/* ---- a test device: 256 byte registers, every callback logged ---- */

typedef struct TestDev {
    uint8_t regs[256];
    GString *log;
} TestDev;

static uint64_t dev_read(void *opaque, hwaddr addr, unsigned size)
{
    TestDev *d = opaque;
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)d->regs[(addr + i) & 0xff] << (i * 8);
    }
    g_string_append_printf(d->log, "r%" PRIx64 "/%u ", addr, size);
    return v;
}

static void dev_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    TestDev *d = opaque;

    for (unsigned i = 0; i < size; i++) {
        d->regs[(addr + i) & 0xff] = data >> (i * 8);
    }
    g_string_append_printf(d->log, "w%" PRIx64 "/%u=%" PRIx64 " ", addr,
                           size, data);
}

static const MemoryRegionOps plain_ops = {
    .read = dev_read,
    .write = dev_write,
};

static TestDev *dev_new(void)
{
    TestDev *d = g_new0(TestDev, 1);

    for (unsigned i = 0; i < 256; i++) {
        d->regs[i] = i;
    }
    d->log = g_string_new(NULL);
    return d;
}

static void dev_free(TestDev *d)
{
    g_string_free(d->log, true);
    g_free(d);
}

/* Take and clear a device's log. */
static char *dev_log(TestDev *d)
{
    char *s = g_strdup(d->log->str);

    g_string_truncate(d->log, 0);
    return s;
}

#define assert_log(d, expected) do { \
        char *log_ = dev_log(d); \
        g_assert_cmpstr(log_, ==, (expected)); \
        g_free(log_); \
    } while (0)

/* ---- a private address space per test ---- */

typedef struct TestSpace {
    MemoryRegion root;
    AddressSpace as;
} TestSpace;

static TestSpace *space_new(uint64_t size)
{
    TestSpace *ts = g_new0(TestSpace, 1);

    memory_region_init(&ts->root, NULL, "root", size);
    address_space_init(&ts->as, &ts->root, "test");
    return ts;
}

static void space_free(TestSpace *ts)
{
    address_space_destroy(&ts->as);
    memory_region_destroy(&ts->root);
    g_free(ts);
}

/* The flat view as text: "start-end name@offset[ro]" lines. */
static char *flat_text(AddressSpace *as)
{
    FlatView *fv = address_space_get_flatview(as);
    GString *s = g_string_new(NULL);

    for (unsigned i = 0; i < fv->nr; i++) {
        const FlatRange *fr = &fv->ranges[i];

        g_string_append_printf(s, "%" PRIx64 "-%" PRIx64 " %s@%" PRIx64 "%s\n",
                               fr->addr, fr->addr + fr->size - 1,
                               memory_region_name(fr->mr),
                               fr->offset_in_region,
                               fr->readonly ? " ro" : "");
    }
    flatview_unref(fv);
    return g_string_free(s, false);
}

#define assert_flat(as, expected) do { \
        char *text_ = flat_text(as); \
        g_assert_cmpstr(text_, ==, (expected)); \
        g_free(text_); \
    } while (0)

static uint64_t ld(AddressSpace *as, hwaddr addr, unsigned size)
{
    uint64_t v = 0x5a5a5a5a5a5a5a5aULL;

    address_space_ld(as, addr, size, &v);
    return v;
}

/* ---- tests ---- */

static void test_priority_overlap(void)
{
    TestSpace *ts = space_new(0x10000);
    TestDev *d = dev_new();
    MemoryRegion ram, low, io1, io2;

    g_assert_true(memory_region_init_ram(&ram, NULL, "ram", 0x1000, NULL));
    memory_region_init_io(&low, NULL, &plain_ops, d, "low", 0x2000);
    memory_region_init_io(&io1, NULL, &plain_ops, d, "io1", 0x100);
    memory_region_init_io(&io2, NULL, &plain_ops, d, "io2", 0x100);

    memory_region_add_subregion(&ts->root, 0, &ram);
    memory_region_add_subregion_overlap(&ts->root, 0, &low, -1);
    memory_region_add_subregion_overlap(&ts->root, 0x800, &io1, 1);
    assert_flat(&ts->as,
                "0-7ff ram@0\n"
                "800-8ff io1@0\n"
                "900-fff ram@900\n"
                "1000-1fff low@1000\n");

    /* Equal priority: the region added last wins. */
    memory_region_add_subregion_overlap(&ts->root, 0x880, &io2, 1);
    assert_flat(&ts->as,
                "0-7ff ram@0\n"
                "800-87f io1@0\n"
                "880-97f io2@0\n"
                "980-fff ram@980\n"
                "1000-1fff low@1000\n");

    /* Removing the winner uncovers what was below it. */
    memory_region_del_subregion(&ts->root, &io2);
    memory_region_del_subregion(&ts->root, &ram);
    assert_flat(&ts->as,
                "0-7ff low@0\n"
                "800-8ff io1@0\n"
                "900-1fff low@900\n");

    memory_region_del_subregion(&ts->root, &io1);
    memory_region_del_subregion(&ts->root, &low);
    assert_flat(&ts->as, "");
    memory_region_destroy(&ram);
    space_free(ts);
    dev_free(d);
}

static void test_alias(void)
{
    TestSpace *ts = space_new(0x100000);
    MemoryRegion ram, a1, a2;
    uint8_t *host;
    uint32_t v32 = 0x11223344;

    g_assert_true(memory_region_init_ram(&ram, NULL, "ram", 0x10000, NULL));
    host = memory_region_get_ram_ptr(&ram);
    memory_region_init_alias(&a1, NULL, "a1", &ram, 0x2000, 0x1000);
    /* An alias of an alias adds both offsets. */
    memory_region_init_alias(&a2, NULL, "a2", &a1, 0x800, 0x800);
    memory_region_add_subregion(&ts->root, 0x8000, &a1);
    memory_region_add_subregion(&ts->root, 0x20000, &a2);
    assert_flat(&ts->as,
                "8000-8fff ram@2000\n"
                "20000-207ff ram@2800\n");
    g_assert_true(memory_region_get_ram_ptr(&a2) == host + 0x2800);
    g_assert_true(memory_region_is_ram(&a2));

    address_space_write(&ts->as, 0x8004, &v32, 4);
    g_assert_cmphex(host[0x2004], ==, 0x44);
    g_assert_cmphex(host[0x2007], ==, 0x11);
    host[0x2800] = 0xab;
    g_assert_cmphex(ld(&ts->as, 0x20000, 1), ==, 0xab);
    g_assert_cmphex(ld(&ts->as, 0x8800, 1), ==, 0xab);

    memory_region_set_alias_offset(&a1, 0x3000);
    assert_flat(&ts->as,
                "8000-8fff ram@3000\n"
                "20000-207ff ram@3800\n");

    /* A read-only alias maps RAM as ROM: guest writes are dropped. */
    memory_region_set_readonly(&a1, true);
    assert_flat(&ts->as,
                "8000-8fff ram@3000 ro\n"
                "20000-207ff ram@3800 ro\n");
    address_space_st(&ts->as, 0x8000, 4, 0xdeadbeef);
    g_assert_cmphex(ld(&ts->as, 0x8000, 4), ==, 0);
    address_space_write_rom(&ts->as, 0x8000, &v32, 4);
    g_assert_cmphex(ld(&ts->as, 0x8000, 4), ==, 0x11223344);

    memory_region_del_subregion(&ts->root, &a1);
    memory_region_del_subregion(&ts->root, &a2);
    memory_region_destroy(&ram);
    space_free(ts);
}

static void test_nested_and_disable(void)
{
    TestSpace *ts = space_new(0x100000);
    TestDev *d = dev_new();
    MemoryRegion box, inner, io, ram;

    memory_region_init(&box, NULL, "box", 0x1000);
    memory_region_init(&inner, NULL, "inner", 0x800);
    memory_region_init_io(&io, NULL, &plain_ops, d, "io", 0x400);
    g_assert_true(memory_region_init_ram(&ram, NULL, "ram", 0x10000, NULL));

    memory_region_add_subregion(&ts->root, 0, &ram);
    memory_region_add_subregion_overlap(&ts->root, 0x4000, &box, 1);
    memory_region_add_subregion(&box, 0x400, &inner);
    /* Sticks out of "inner": clipped to the container's end. */
    memory_region_add_subregion(&inner, 0x600, &io);
    /* An empty part of a container lets lower regions show through. */
    assert_flat(&ts->as,
                "0-49ff ram@0\n"
                "4a00-4bff io@0\n"
                "4c00-ffff ram@4c00\n");

    g_assert_cmphex(ld(&ts->as, 0x4a10, 2), ==, 0x1110);
    assert_log(d, "r10/2 ");

    memory_region_set_address(&box, 0x8000);
    assert_flat(&ts->as,
                "0-89ff ram@0\n"
                "8a00-8bff io@0\n"
                "8c00-ffff ram@8c00\n");

    memory_region_set_enabled(&inner, false);
    assert_flat(&ts->as, "0-ffff ram@0\n");
    memory_region_set_enabled(&inner, true);
    memory_region_set_enabled(&ram, false);
    assert_flat(&ts->as, "8a00-8bff io@0\n");
    memory_region_set_enabled(&ram, true);

    memory_region_del_subregion(&ts->root, &box);
    memory_region_del_subregion(&ts->root, &ram);
    memory_region_destroy(&ram);
    space_free(ts);
    dev_free(d);
}

/* ---- listeners ---- */

typedef struct TestListener {
    MemoryListener l;
    GString *log;
} TestListener;

static void tl_begin(MemoryListener *l)
{
    g_string_append(((TestListener *)l)->log, "begin;");
}

static void tl_commit(MemoryListener *l)
{
    g_string_append(((TestListener *)l)->log, "commit;");
}

static void tl_section(MemoryListener *l, MemoryRegionSection *s,
                       const char *what)
{
    g_assert_true(s->as == l->as);
    g_string_append_printf(((TestListener *)l)->log,
                           "%s %s %" PRIx64 "+%" PRIx64 "@%" PRIx64 "%s;",
                           what, memory_region_name(s->mr),
                           s->offset_within_address_space, s->size,
                           s->offset_within_region,
                           s->readonly ? " ro" : "");
}

static void tl_add(MemoryListener *l, MemoryRegionSection *s)
{
    tl_section(l, s, "add");
}

static void tl_del(MemoryListener *l, MemoryRegionSection *s)
{
    tl_section(l, s, "del");
}

#define assert_listener(tl, expected) do { \
        g_assert_cmpstr((tl)->log->str, ==, (expected)); \
        g_string_truncate((tl)->log, 0); \
    } while (0)

static void test_listener(void)
{
    TestSpace *ts = space_new(0x100000);
    TestDev *d = dev_new();
    MemoryRegion ram, io, rom;
    TestListener tl = {
        .l = {
            .begin = tl_begin, .commit = tl_commit,
            .region_add = tl_add, .region_del = tl_del, .name = "test",
        },
        .log = g_string_new(NULL),
    };

    g_assert_true(memory_region_init_ram(&ram, NULL, "ram", 0x2000, NULL));
    g_assert_true(memory_region_init_rom(&rom, NULL, "rom", 0x1000, NULL));
    memory_region_init_io(&io, NULL, &plain_ops, d, "io", 0x100);
    memory_region_add_subregion(&ts->root, 0, &ram);

    /* Registration replays the current view. */
    memory_listener_register(&tl.l, &ts->as);
    g_assert_true(tl.l.as == &ts->as);
    assert_listener(&tl, "begin;add ram 0+2000@0;commit;");

    /* Punching a hole: the old range goes, three new ones come. */
    memory_region_add_subregion_overlap(&ts->root, 0x1000, &io, 1);
    assert_listener(&tl, "begin;del ram 0+2000@0;"
                    "add ram 0+1000@0;add io 1000+100@0;"
                    "add ram 1100+f00@1100;commit;");

    /* A transaction reports once, with only the net difference. */
    memory_region_transaction_begin();
    memory_region_add_subregion(&ts->root, 0x10000, &rom);
    memory_region_transaction_begin();
    memory_region_set_address(&io, 0x1800);
    memory_region_set_address(&io, 0x1000);   /* back where it was */
    memory_region_transaction_commit();
    g_assert_cmpstr(tl.log->str, ==, "");
    memory_region_transaction_commit();
    assert_listener(&tl, "begin;add rom 10000+1000@0 ro;commit;");

    /* Unchanged ranges are not reported again. */
    memory_region_set_enabled(&io, false);
    assert_listener(&tl, "begin;del ram 0+1000@0;del io 1000+100@0;"
                    "del ram 1100+f00@1100;add ram 0+2000@0;commit;");

    memory_listener_unregister(&tl.l);
    assert_listener(&tl, "begin;del ram 0+2000@0;"
                    "del rom 10000+1000@0 ro;commit;");
    g_assert_null(tl.l.as);

    /* No longer told anything. */
    memory_region_set_enabled(&io, true);
    g_assert_cmpstr(tl.log->str, ==, "");

    memory_region_del_subregion(&ts->root, &io);
    memory_region_destroy(&ram);
    memory_region_destroy(&rom);
    space_free(ts);
    dev_free(d);
    g_string_free(tl.log, true);
}

/* A view taken before a change stays valid and unchanged. */
static void test_flatview_refcount(void)
{
    TestSpace *ts = space_new(0x10000);
    MemoryRegion ram;
    FlatView *old;
    const FlatRange *fr;

    g_assert_true(memory_region_init_ram(&ram, NULL, "ram", 0x1000, NULL));
    memory_region_add_subregion(&ts->root, 0x1000, &ram);
    old = address_space_get_flatview(&ts->as);
    g_assert_cmpuint(old->nr, ==, 1);
    memory_region_set_address(&ram, 0x3000);

    fr = flatview_lookup(old, 0x1fff);
    g_assert_nonnull(fr);
    g_assert_cmphex(fr->addr, ==, 0x1000);
    g_assert_null(flatview_lookup(old, 0x2000));
    g_assert_null(flatview_lookup(old, 0xfff));
    flatview_unref(old);
    assert_flat(&ts->as, "3000-3fff ram@0\n");

    memory_region_del_subregion(&ts->root, &ram);
    memory_region_destroy(&ram);
    space_free(ts);
}

/* ---- access sizes ---- */

static const MemoryRegionOps byte_impl_ops = {
    .read = dev_read,
    .write = dev_write,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static const MemoryRegionOps dword_impl_ops = {
    .read = dev_read,
    .write = dev_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static const MemoryRegionOps strict_ops = {
    .read = dev_read,
    .write = dev_write,
    .valid = { .min_access_size = 2, .max_access_size = 4 },
};

static void test_impl_split_combine(void)
{
    TestDev *d = dev_new();
    MemoryRegion bytes, dwords;
    uint64_t v;

    memory_region_init_io(&bytes, NULL, &byte_impl_ops, d, "bytes", 0x100);
    memory_region_init_io(&dwords, NULL, &dword_impl_ops, d, "dwords", 0x100);

    /* Wider than implemented: byte pieces, little-endian. */
    g_assert_cmpint(memory_region_dispatch_read(&bytes, 0x10, &v, 4), ==,
                    MEMTX_OK);
    g_assert_cmphex(v, ==, 0x13121110);
    assert_log(d, "r10/1 r11/1 r12/1 r13/1 ");
    g_assert_cmpint(memory_region_dispatch_read(&bytes, 0x20, &v, 8), ==,
                    MEMTX_OK);
    g_assert_cmphex(v, ==, 0x2726252423222120ULL);
    assert_log(d, "r20/1 r21/1 r22/1 r23/1 r24/1 r25/1 r26/1 r27/1 ");
    memory_region_dispatch_write(&bytes, 0x40, 0xa1b2, 2);
    assert_log(d, "w40/1=b2 w41/1=a1 ");
    g_assert_cmphex(d->regs[0x40], ==, 0xb2);
    g_assert_cmphex(d->regs[0x41], ==, 0xa1);

    /* Narrower than implemented: one wide access, result truncated. */
    g_assert_cmpint(memory_region_dispatch_read(&dwords, 0x30, &v, 1), ==,
                    MEMTX_OK);
    g_assert_cmphex(v, ==, 0x30);
    assert_log(d, "r30/4 ");
    g_assert_cmpint(memory_region_dispatch_read(&dwords, 0x30, &v, 2), ==,
                    MEMTX_OK);
    g_assert_cmphex(v, ==, 0x3130);
    assert_log(d, "r30/4 ");
    memory_region_dispatch_write(&dwords, 0x50, 0x1ff, 1);
    assert_log(d, "w50/4=ff ");

    /* Default .valid allows at most 4 bytes. */
    memory_region_dispatch_write(&dwords, 0x50, 0x1ff, 8);
    assert_log(d, "");

    memory_region_destroy(&bytes);
    memory_region_destroy(&dwords);
    dev_free(d);
}

static void test_valid_rejection(void)
{
    TestDev *d = dev_new();
    MemoryRegion strict;
    uint64_t v;

    memory_region_init_io(&strict, NULL, &strict_ops, d, "strict", 0x100);

    g_assert_cmpint(memory_region_dispatch_read(&strict, 0x10, &v, 1), ==,
                    MEMTX_DECODE_ERROR);
    g_assert_cmphex(v, ==, 0xff);
    g_assert_cmpint(memory_region_dispatch_read(&strict, 0x10, &v, 8), ==,
                    MEMTX_DECODE_ERROR);
    g_assert_cmphex(v, ==, UINT64_MAX);
    /* Unaligned and not allowed. */
    g_assert_cmpint(memory_region_dispatch_read(&strict, 0x11, &v, 2), ==,
                    MEMTX_DECODE_ERROR);
    g_assert_cmphex(v, ==, 0xffff);
    g_assert_cmpint(memory_region_dispatch_write(&strict, 0x10, 0x55, 1), ==,
                    MEMTX_DECODE_ERROR);
    g_assert_cmpint(memory_region_dispatch_write(&strict, 0x12, 0x55, 2), ==,
                    MEMTX_OK);
    assert_log(d, "w12/2=55 ");
    g_assert_cmphex(d->regs[0x10], ==, 0x10);
    g_assert_cmpint(memory_region_dispatch_read(&strict, 0x10, &v, 4), ==,
                    MEMTX_OK);
    g_assert_cmphex(v, ==, 0x00551110);
    assert_log(d, "r10/4 ");

    memory_region_destroy(&strict);
    dev_free(d);
}

/* Byte accesses through an address space are cut to what .valid allows. */
static void test_rw_split_by_valid(void)
{
    TestSpace *ts = space_new(0x10000);
    TestDev *d = dev_new();
    MemoryRegion io;
    uint8_t buf[7];

    memory_region_init_io(&io, NULL, &plain_ops, d, "io", 0x100);
    memory_region_add_subregion(&ts->root, 0x100, &io);
    address_space_read(&ts->as, 0x101, buf, 7);
    /* Aligned pieces no wider than 4: 1 @1, 2 @2, 4 @4. */
    assert_log(d, "r1/1 r2/2 r4/4 ");
    for (unsigned i = 0; i < 7; i++) {
        g_assert_cmphex(buf[i], ==, i + 1);
    }
    /* An 8-byte load wider than the device allows is split too. */
    g_assert_cmphex(ld(&ts->as, 0x120, 8), ==, 0x2726252423222120ULL);
    assert_log(d, "r20/4 r24/4 ");

    memory_region_del_subregion(&ts->root, &io);
    space_free(ts);
    dev_free(d);
}

static void test_unassigned(void)
{
    TestSpace *ts = space_new(0x10000);
    MemoryRegion ram;
    uint8_t buf[8];
    uint8_t *host;

    g_assert_true(memory_region_init_ram(&ram, NULL, "ram", 0x1000, NULL));
    host = memory_region_get_ram_ptr(&ram);
    memory_region_add_subregion(&ts->root, 0x1000, &ram);
    memset(host, 0x11, 0x1000);

    g_assert_cmphex(ld(&ts->as, 0x100, 4), ==, 0xffffffff);
    g_assert_cmphex(ld(&ts->as, 0x100, 8), ==, UINT64_MAX);
    /* Straddling the start of RAM: unassigned bytes read as 0xff. */
    g_assert_cmpint(address_space_read(&ts->as, 0xffc, buf, 8), !=, MEMTX_OK);
    g_assert_cmphex(buf[3], ==, 0xff);
    g_assert_cmphex(buf[4], ==, 0x11);
    g_assert_cmphex(ld(&ts->as, 0xffe, 4), ==, 0x1111ffff);
    /* Writes to nothing are dropped; the mapped part is still written. */
    address_space_st(&ts->as, 0xffe, 4, 0xaabbccdd);
    g_assert_cmphex(host[0], ==, 0xbb);
    g_assert_cmphex(host[1], ==, 0xaa);

    memory_region_del_subregion(&ts->root, &ram);
    memory_region_destroy(&ram);
    space_free(ts);
}

static void test_system_ports(void)
{
    TestDev *d = dev_new();
    MemoryRegion port, narrow;
    static const MemoryRegionOps byte_port_ops = {
        .read = dev_read,
        .write = dev_write,
        .valid = { .min_access_size = 1, .max_access_size = 1 },
    };

    memory_system_init();
    memory_system_init();       /* idempotent */
    g_assert_cmphex(memory_region_size(get_system_memory()), ==, UINT64_MAX);
    g_assert_cmphex(memory_region_size(get_system_io()), ==, 0x10000);
    g_assert_true(address_space_memory.root == get_system_memory());
    g_assert_true(address_space_io.root == get_system_io());

    g_assert_cmphex(cpu_inb(0x1234), ==, 0xff);
    g_assert_cmphex(cpu_inw(0x1234), ==, 0xffff);
    g_assert_cmphex(cpu_inl(0x1234), ==, 0xffffffff);
    cpu_outl(0x1234, 0);

    memory_region_init_io(&port, NULL, &plain_ops, d, "port", 8);
    memory_region_add_subregion(get_system_io(), 0x3f8, &port);
    g_assert_cmphex(cpu_inb(0x3f9), ==, 0x01);
    g_assert_cmphex(cpu_inw(0x3fa), ==, 0x0302);
    g_assert_cmphex(cpu_inl(0x3fc), ==, 0x07060504);
    assert_log(d, "r1/1 r2/2 r4/4 ");
    cpu_outb(0x3f8, 0x42);
    cpu_outw(0x3fa, 0xbeef);
    cpu_outl(0x3fc, 0x01020304);
    assert_log(d, "w0/1=42 w2/2=beef w4/4=1020304 ");
    /* Half inside the device, half in unclaimed space. */
    g_assert_cmphex(cpu_inl(0x3fe), ==, 0xffff0102);
    assert_log(d, "r6/2 ");

    /* A byte-only device answers a word read with two byte reads. */
    memory_region_init_io(&narrow, NULL, &byte_port_ops, d, "narrow", 2);
    memory_region_add_subregion(get_system_io(), 0x60, &narrow);
    g_assert_cmphex(cpu_inw(0x60), ==, 0x0142);
    assert_log(d, "r0/1 r1/1 ");
    /* The top port: the second byte is beyond the 64 KiB space. */
    g_assert_cmphex(cpu_inw(0xffff), ==, 0xffff);

    memory_region_del_subregion(get_system_io(), &port);
    memory_region_del_subregion(get_system_io(), &narrow);
    dev_free(d);
}

static void test_ram_across_regions(void)
{
    TestSpace *ts = space_new(0x100000);
    MemoryRegion r1, r2;
    uint8_t *h1, *h2;
    uint8_t buf[16], back[16];

    g_assert_true(memory_region_init_ram(&r1, NULL, "r1", 0x1000, NULL));
    g_assert_true(memory_region_init_ram(&r2, NULL, "r2", 0x1000, NULL));
    h1 = memory_region_get_ram_ptr(&r1);
    h2 = memory_region_get_ram_ptr(&r2);
    /* Page aligned and zero filled. */
    g_assert_cmpuint((uintptr_t)h1 % 4096, ==, 0);
    for (unsigned i = 0; i < 0x1000; i++) {
        g_assert_cmpuint(h1[i], ==, 0);
    }
    memory_region_add_subregion(&ts->root, 0x0, &r1);
    memory_region_add_subregion(&ts->root, 0x1000, &r2);

    for (unsigned i = 0; i < 16; i++) {
        buf[i] = 0xa0 + i;
    }
    g_assert_cmpint(address_space_write(&ts->as, 0xff8, buf, 16), ==,
                    MEMTX_OK);
    g_assert_cmphex(h1[0xff8], ==, 0xa0);
    g_assert_cmphex(h1[0xfff], ==, 0xa7);
    g_assert_cmphex(h2[0], ==, 0xa8);
    g_assert_cmphex(h2[7], ==, 0xaf);
    g_assert_cmpint(address_space_rw(&ts->as, 0xff8, back, 16, false), ==,
                    MEMTX_OK);
    g_assert_cmpmem(buf, 16, back, 16);
    g_assert_cmphex(ld(&ts->as, 0xffc, 8), ==, 0xabaaa9a8a7a6a5a4ULL);
    address_space_st(&ts->as, 0xffe, 4, 0x01020304);
    g_assert_cmphex(h1[0xffe], ==, 0x04);
    g_assert_cmphex(h2[1], ==, 0x01);

    memory_region_del_subregion(&ts->root, &r1);
    memory_region_del_subregion(&ts->root, &r2);
    memory_region_destroy(&r1);
    memory_region_destroy(&r2);
    g_assert_null(memory_region_get_ram_ptr(&r1));
    space_free(ts);
}

static void test_rom(void)
{
    TestSpace *ts = space_new(0x100000);
    MemoryRegion rom;
    static const uint8_t image[4] = { 0xea, 0x5b, 0xe0, 0x00 };
    uint8_t buf[4];
    uint8_t *host;

    g_assert_true(memory_region_init_rom(&rom, NULL, "rom", 0x10000, NULL));
    host = memory_region_get_ram_ptr(&rom);
    memory_region_add_subregion(&ts->root, 0xf0000, &rom);
    assert_flat(&ts->as, "f0000-fffff rom@0 ro\n");

    /* The guest cannot write ROM; the loader can. */
    address_space_write(&ts->as, 0xffff0, image, 4);
    g_assert_cmphex(host[0xfff0], ==, 0);
    address_space_st(&ts->as, 0xffff0, 2, 0x1234);
    g_assert_cmphex(ld(&ts->as, 0xffff0, 2), ==, 0);
    g_assert_cmpint(address_space_write_rom(&ts->as, 0xffff0, image, 4), ==,
                    MEMTX_OK);
    address_space_read(&ts->as, 0xffff0, buf, 4);
    g_assert_cmpmem(buf, 4, image, 4);
    g_assert_cmphex(ld(&ts->as, 0xffff0, 4), ==, 0x00e05bea);

    memory_region_del_subregion(&ts->root, &rom);
    memory_region_destroy(&rom);
    space_free(ts);
}

static void test_map_ram(void)
{
    TestSpace *ts = space_new(0x100000);
    TestDev *d = dev_new();
    MemoryRegion ram, rom, io, alias;
    hwaddr len;
    uint8_t *p;

    g_assert_true(memory_region_init_ram(&ram, NULL, "ram", 0x4000, NULL));
    g_assert_true(memory_region_init_rom(&rom, NULL, "rom", 0x1000, NULL));
    memory_region_init_io(&io, NULL, &plain_ops, d, "io", 0x100);
    memory_region_init_alias(&alias, NULL, "alias", &ram, 0x1000, 0x1000);
    memory_region_add_subregion(&ts->root, 0, &ram);
    memory_region_add_subregion_overlap(&ts->root, 0x2000, &io, 1);
    memory_region_add_subregion(&ts->root, 0x10000, &rom);
    memory_region_add_subregion(&ts->root, 0x20000, &alias);

    len = 0x10000;
    p = address_space_map_ram(&ts->as, 0x1000, &len, true);
    g_assert_true(p == (uint8_t *)memory_region_get_ram_ptr(&ram) + 0x1000);
    g_assert_cmphex(len, ==, 0x1000);          /* stops at the I/O hole */

    len = 0x10;
    p = address_space_map_ram(&ts->as, 0x2100, &len, false);
    g_assert_true(p == (uint8_t *)memory_region_get_ram_ptr(&ram) + 0x2100);
    g_assert_cmphex(len, ==, 0x10);            /* not lengthened */

    len = 0x100;
    g_assert_null(address_space_map_ram(&ts->as, 0x2000, &len, false));
    len = 0x100;
    g_assert_null(address_space_map_ram(&ts->as, 0x8000, &len, false));
    len = 0x100;
    g_assert_null(address_space_map_ram(&ts->as, 0x10000, &len, true));
    len = 0x2000;
    p = address_space_map_ram(&ts->as, 0x10800, &len, false);
    g_assert_true(p == (uint8_t *)memory_region_get_ram_ptr(&rom) + 0x800);
    g_assert_cmphex(len, ==, 0x800);

    len = 0x2000;
    p = address_space_map_ram(&ts->as, 0x20010, &len, true);
    g_assert_true(p == (uint8_t *)memory_region_get_ram_ptr(&ram) + 0x1010);
    g_assert_cmphex(len, ==, 0xff0);

    memory_region_del_subregion(&ts->root, &ram);
    memory_region_del_subregion(&ts->root, &io);
    memory_region_del_subregion(&ts->root, &rom);
    memory_region_del_subregion(&ts->root, &alias);
    memory_region_destroy(&ram);
    memory_region_destroy(&rom);
    space_free(ts);
    dev_free(d);
}

static void test_ram_failure(void)
{
    MemoryRegion ram;
    Error *err = NULL;

    g_assert_false(memory_region_init_ram(&ram, NULL, "pc.ram", 0, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "cannot set up guest memory 'pc.ram': Invalid argument");
    error_free(err);
    g_assert_false(ram.ram);
    memory_region_destroy(&ram);
}

static void test_qom_type(void)
{
    MemoryRegion mr;
    Object *owner = object_new(TYPE_CONTAINER);

    memory_region_init(&mr, owner, "some/region", 0x1000);
    g_assert_cmpstr(object_get_typename(OBJECT(&mr)), ==, TYPE_MEMORY_REGION);
    g_assert_true(object_dynamic_cast(OBJECT(&mr), TYPE_OBJECT) != NULL);
    g_assert_true(object_resolve_path_component(owner,
                                                "some\\x2fregion[0]") ==
                  OBJECT(&mr));
    g_assert_cmpstr(memory_region_name(&mr), ==, "some/region");
    g_assert_true(mr.enabled);
    g_assert_true(mr.is_container);
    object_unparent(OBJECT(&mr));
    object_unref(owner);
}

/* ---- info mtree ---- */

static void test_mtree(void)
{
    MemoryRegion ram, ram_below, bios, isa_bios, pci, vga, rtc, rtc_idx;
    TestDev *d = dev_new();
    GString *out = g_string_new(NULL);
    const char *tree, *flat;

    memory_system_init();
    g_assert_true(memory_region_init_ram(&ram, NULL, "pc.ram", 0x200000,
                                         NULL));
    g_assert_true(memory_region_init_rom(&bios, NULL, "pc.bios", 0x40000,
                                         NULL));
    memory_region_init_alias(&ram_below, NULL, "ram-below-4g", &ram, 0,
                             0x200000);
    memory_region_init(&pci, NULL, "pci", UINT64_MAX);
    memory_region_init_io(&vga, NULL, &plain_ops, d, "vga-lowmem", 0x20000);
    memory_region_init_alias(&isa_bios, NULL, "isa-bios", &bios, 0x20000,
                             0x20000);
    memory_region_init_io(&rtc, NULL, &plain_ops, d, "rtc", 2);
    memory_region_init_io(&rtc_idx, NULL, &plain_ops, d, "rtc-index", 1);

    memory_region_transaction_begin();
    memory_region_add_subregion(get_system_memory(), 0, &ram_below);
    memory_region_add_subregion_overlap(get_system_memory(), 0, &pci, -1);
    memory_region_add_subregion_overlap(&pci, 0xa0000, &vga, 1);
    memory_region_add_subregion_overlap(&pci, 0xe0000, &isa_bios, 1);
    memory_region_set_readonly(&isa_bios, true);
    memory_region_add_subregion(&pci, 0xfffc0000, &bios);
    memory_region_add_subregion(get_system_io(), 0x70, &rtc);
    memory_region_add_subregion(&rtc, 0, &rtc_idx);
    memory_region_transaction_commit();

    mtree_info(out, false);
    tree =
        "address-space: memory\n"
        "  0000000000000000-ffffffffffffffff (prio 0, i/o): system\n"
        "    0000000000000000-00000000001fffff (prio 0, ram): alias ram-below-4g @pc.ram 0000000000000000-00000000001fffff\n"
        "    0000000000000000-ffffffffffffffff (prio -1, i/o): pci\n"
        "      00000000000a0000-00000000000bffff (prio 1, i/o): vga-lowmem\n"
        "      00000000000e0000-00000000000fffff (prio 1, rom): alias isa-bios @pc.bios 0000000000020000-000000000003ffff\n"
        "      00000000fffc0000-00000000ffffffff (prio 0, rom): pc.bios\n"
        "\n"
        "address-space: I/O\n"
        "  0000000000000000-000000000000ffff (prio 0, i/o): io\n"
        "    0000000000000070-0000000000000071 (prio 0, i/o): rtc\n"
        "      0000000000000070-0000000000000070 (prio 0, i/o): rtc-index\n"
        "\n"
        "memory-region: pc.ram\n"
        "  0000000000000000-00000000001fffff (prio 0, ram): pc.ram\n"
        "\n"
        "memory-region: pc.bios\n"
        "  00000000fffc0000-00000000ffffffff (prio 0, rom): pc.bios\n"
        "\n";
    g_assert_cmpstr(out->str, ==, tree);

    g_string_truncate(out, 0);
    mtree_info(out, true);
    flat =
        "FlatView #0\n"
        " AS \"memory\", root: system\n"
        " Root memory region: system\n"
        "  0000000000000000-00000000001fffff (prio 0, ram): pc.ram\n"
        "  00000000fffc0000-00000000ffffffff (prio 0, rom): pc.bios\n"
        "\n"
        "FlatView #1\n"
        " AS \"I/O\", root: io\n"
        " Root memory region: io\n"
        "  0000000000000000-000000000000006f (prio 0, i/o): io\n"
        "  0000000000000070-0000000000000070 (prio 0, i/o): rtc-index\n"
        "  0000000000000071-0000000000000071 (prio 0, i/o): rtc @0000000000000001\n"
        "  0000000000000072-000000000000ffff (prio 0, i/o): io @0000000000000072\n"
        "\n";
    g_assert_cmpstr(out->str, ==, flat);

    memory_region_transaction_begin();
    memory_region_del_subregion(get_system_memory(), &ram_below);
    memory_region_del_subregion(get_system_memory(), &pci);
    memory_region_del_subregion(get_system_io(), &rtc);
    memory_region_transaction_commit();
    memory_region_destroy(&ram);
    memory_region_destroy(&bios);
    g_string_free(out, true);
    dev_free(d);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/memory/priority-overlap", test_priority_overlap);
    g_test_add_func("/memory/alias", test_alias);
    g_test_add_func("/memory/nested-disable", test_nested_and_disable);
    g_test_add_func("/memory/listener", test_listener);
    g_test_add_func("/memory/flatview-refcount", test_flatview_refcount);
    g_test_add_func("/memory/impl-split-combine", test_impl_split_combine);
    g_test_add_func("/memory/valid-rejection", test_valid_rejection);
    g_test_add_func("/memory/rw-split-by-valid", test_rw_split_by_valid);
    g_test_add_func("/memory/unassigned", test_unassigned);
    g_test_add_func("/memory/system-ports", test_system_ports);
    g_test_add_func("/memory/ram-across-regions", test_ram_across_regions);
    g_test_add_func("/memory/rom", test_rom);
    g_test_add_func("/memory/map-ram", test_map_ram);
    g_test_add_func("/memory/ram-failure", test_ram_failure);
    g_test_add_func("/memory/qom-type", test_qom_type);
    g_test_add_func("/memory/mtree", test_mtree);
    return g_test_run();
}
