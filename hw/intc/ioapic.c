/*
 * I/O APIC ("ioapic"), per the Intel 82093AA datasheet: IOREGSEL/IOWIN
 * (plus the version 0x20 EOI register at 0x40), ID/VER/ARB, 24 redirection
 * entries, edge and level triggering with Remote IRR.  Messages go to the
 * local APICs via apic_deliver_irq().  Not modelled: polarity inversion
 * (all ISA lines are active high), interrupt remapping.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "exec/memory.h"
#include "hw/intc/ioapic.h"
#include "hw/intc/apic.h"

#define IOAPIC_REG_ID    0x00
#define IOAPIC_REG_VER   0x01
#define IOAPIC_REG_ARB   0x02
#define IOAPIC_REG_REDTBL_BASE 0x10

#define IOAPIC_IOREGSEL  0x00
#define IOAPIC_IOWIN     0x10
#define IOAPIC_EOI       0x40

#define IOAPIC_LVT_DEST_SHIFT         56
#define IOAPIC_LVT_MASKED             (1ULL << 16)
#define IOAPIC_LVT_TRIGGER_MODE       (1ULL << 15)
#define IOAPIC_LVT_REMOTE_IRR         (1ULL << 14)
#define IOAPIC_LVT_POLARITY           (1ULL << 13)
#define IOAPIC_LVT_DELIV_STATUS       (1ULL << 12)
#define IOAPIC_LVT_DEST_MODE          (1ULL << 11)
/* bits the guest cannot write */
#define IOAPIC_RO_BITS (IOAPIC_LVT_REMOTE_IRR | IOAPIC_LVT_DELIV_STATUS)

OBJECT_DECLARE_SIMPLE_TYPE(IOAPICState, IOAPIC)

struct IOAPICState {
    DeviceState parent_obj;
    MemoryRegion io;
    IRQLine **irq_in;
    uint8_t id;
    uint8_t ioregsel;
    uint32_t irr;           /* pins with a pending request (level: line high) */
    uint32_t level;         /* current input levels, for edge detection */
    uint64_t ioredtbl[IOAPIC_NUM_PINS];
    uint8_t version;        /* property "version", QEMU's default 0x20 */
};

/* The machine has one IOAPIC; the LAPICs' EOI broadcast reaches it here. */
static IOAPICState *the_ioapic;

static void ioapic_service(IOAPICState *s)
{
    int i;

    for (i = 0; i < IOAPIC_NUM_PINS; i++) {
        uint32_t mask = 1u << i;
        uint64_t entry = s->ioredtbl[i];

        if (!(s->irr & mask) || (entry & IOAPIC_LVT_MASKED)) {
            continue;
        }
        if (entry & IOAPIC_LVT_TRIGGER_MODE) {
            /* level: one message until the LAPIC's EOI clears Remote IRR */
            if (entry & IOAPIC_LVT_REMOTE_IRR) {
                continue;
            }
            s->ioredtbl[i] |= IOAPIC_LVT_REMOTE_IRR;
        } else {
            s->irr &= ~mask;
        }
        apic_deliver_irq(entry >> IOAPIC_LVT_DEST_SHIFT,
                         (entry & IOAPIC_LVT_DEST_MODE) != 0,
                         (entry >> 8) & 7, entry & 0xff,
                         (entry & IOAPIC_LVT_TRIGGER_MODE) != 0);
    }
}

static void ioapic_set_irq(void *opaque, int n, int level)
{
    IOAPICState *s = opaque;
    uint32_t mask;

    /* ISA IRQ0 is wired to pin 2 (the MADT's interrupt source override) */
    if (n == 0) {
        n = 2;
    }
    mask = 1u << n;
    if (s->ioredtbl[n] & IOAPIC_LVT_TRIGGER_MODE) {
        if (level) {
            s->irr |= mask;
        } else {
            s->irr &= ~mask;
        }
    } else if (level && !(s->level & mask) &&
               !(s->ioredtbl[n] & IOAPIC_LVT_MASKED)) {
        s->irr |= mask;     /* an edge on a masked pin is lost (82093AA) */
    }
    if (level) {
        s->level |= mask;
    } else {
        s->level &= ~mask;
    }
    ioapic_service(s);
}

void ioapic_eoi_broadcast(int vector)
{
    IOAPICState *s = the_ioapic;
    int i;

    if (!s) {
        return;
    }
    for (i = 0; i < IOAPIC_NUM_PINS; i++) {
        uint64_t entry = s->ioredtbl[i];

        if ((entry & 0xff) != (uint64_t)vector ||
            !(entry & IOAPIC_LVT_REMOTE_IRR)) {
            continue;
        }
        s->ioredtbl[i] &= ~IOAPIC_LVT_REMOTE_IRR;
    }
    /* lines still asserted are delivered again */
    ioapic_service(s);
}

static uint32_t ioapic_read_reg(IOAPICState *s)
{
    int index;

    switch (s->ioregsel) {
    case IOAPIC_REG_ID:
    case IOAPIC_REG_ARB:
        return (uint32_t)s->id << 24;
    case IOAPIC_REG_VER:
        return s->version | ((IOAPIC_NUM_PINS - 1) << 16);
    default:
        index = (s->ioregsel - IOAPIC_REG_REDTBL_BASE) >> 1;
        if (s->ioregsel >= IOAPIC_REG_REDTBL_BASE &&
            index < IOAPIC_NUM_PINS) {
            if (s->ioregsel & 1) {
                return s->ioredtbl[index] >> 32;
            }
            return s->ioredtbl[index] & 0xffffffff;
        }
        qemu_log_mask(LOG_GUEST_ERROR, "ioapic: read of register 0x%x\n",
                      s->ioregsel);
        return 0;
    }
}

static void ioapic_write_reg(IOAPICState *s, uint32_t val)
{
    int index;
    uint64_t old;

    switch (s->ioregsel) {
    case IOAPIC_REG_ID:
        s->id = (val >> 24) & 0xf;
        return;
    case IOAPIC_REG_VER:
    case IOAPIC_REG_ARB:
        return;
    default:
        index = (s->ioregsel - IOAPIC_REG_REDTBL_BASE) >> 1;
        if (s->ioregsel < IOAPIC_REG_REDTBL_BASE ||
            index >= IOAPIC_NUM_PINS) {
            qemu_log_mask(LOG_GUEST_ERROR,
                          "ioapic: write of register 0x%x\n", s->ioregsel);
            return;
        }
        old = s->ioredtbl[index];
        if (s->ioregsel & 1) {
            s->ioredtbl[index] = (old & 0xffffffffULL) | ((uint64_t)val << 32);
        } else {
            s->ioredtbl[index] = (old & (0xffffffff00000000ULL |
                                         IOAPIC_RO_BITS)) |
                                 (val & ~IOAPIC_RO_BITS);
        }
        if (!(s->ioredtbl[index] & IOAPIC_LVT_TRIGGER_MODE)) {
            /* Remote IRR is meaningless for edge entries */
            s->ioredtbl[index] &= ~IOAPIC_LVT_REMOTE_IRR;
        } else if (s->level & (1u << index)) {
            /* switching to level with the line high: it is pending */
            s->irr |= 1u << index;
        }
        ioapic_service(s);
    }
}

static uint64_t ioapic_mem_read(void *opaque, hwaddr addr, unsigned size)
{
    IOAPICState *s = opaque;

    switch (addr & 0xff) {
    case IOAPIC_IOREGSEL:
        return s->ioregsel;
    case IOAPIC_IOWIN:
        return ioapic_read_reg(s);
    default:
        return 0;
    }
}

static void ioapic_mem_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    IOAPICState *s = opaque;

    switch (addr & 0xff) {
    case IOAPIC_IOREGSEL:
        s->ioregsel = val;
        break;
    case IOAPIC_IOWIN:
        ioapic_write_reg(s, val);
        break;
    case IOAPIC_EOI:
        /* version 0x20 directed EOI register */
        if (s->version >= 0x20) {
            ioapic_eoi_broadcast(val & 0xff);
        }
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "ioapic: write at 0x%" HWADDR_PRIx
                      "\n", addr);
        break;
    }
}

static const MemoryRegionOps ioapic_ops = {
    .read = ioapic_mem_read,
    .write = ioapic_mem_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static void ioapic_reset(DeviceState *dev)
{
    IOAPICState *s = IOAPIC(dev);
    int i;

    s->id = 0;
    s->ioregsel = 0;
    s->irr = 0;
    for (i = 0; i < IOAPIC_NUM_PINS; i++) {
        s->ioredtbl[i] = IOAPIC_LVT_MASKED;
    }
}

static void ioapic_instance_init(Object *obj)
{
    IOAPICState *s = IOAPIC(obj);

    s->irq_in = irq_lines_new(ioapic_set_irq, s, IOAPIC_NUM_PINS);
}

static void ioapic_realize(DeviceState *dev, Error **errp)
{
    IOAPICState *s = IOAPIC(dev);

    if (s->version != 0x11 && s->version != 0x20) {
        error_setg(errp, "IOAPIC only supports version 0x11 or 0x20 "
                   "(default: 0x20).");
        return;
    }
    if (the_ioapic) {
        error_setg(errp, "Only one IOAPIC is supported");
        return;
    }
    memory_region_init_io(&s->io, OBJECT(s), &ioapic_ops, s, "ioapic",
                          0x1000);
    the_ioapic = s;
}

static void ioapic_unrealize(DeviceState *dev)
{
    IOAPICState *s = IOAPIC(dev);

    if (the_ioapic == s) {
        the_ioapic = NULL;
    }
    memory_region_destroy(&s->io);
}

DeviceState *ioapic_init(hwaddr base, Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_IOAPIC);

    if (!qdev_realize_and_unref(dev, NULL, errp)) {
        return NULL;
    }
    memory_region_add_subregion(get_system_memory(), base, &IOAPIC(dev)->io);
    return dev;
}

IRQLine *ioapic_get_irq_in(DeviceState *dev, int n)
{
    if (n < 0 || n >= IOAPIC_NUM_PINS) {
        return NULL;
    }
    return IOAPIC(dev)->irq_in[n];
}

void ioapic_info(GString *out)
{
    IOAPICState *s = the_ioapic;
    uint32_t remote_irr = 0;
    int i;

    if (!s) {
        return;
    }
    g_string_append_printf(out, "ioapic0: ver=0x%x id=0x%02x sel=0x%02x",
                           s->version, s->id, s->ioregsel);
    if (s->ioregsel >= IOAPIC_REG_REDTBL_BASE &&
        ((s->ioregsel - IOAPIC_REG_REDTBL_BASE) >> 1) < IOAPIC_NUM_PINS) {
        g_string_append_printf(out, " (redir[%u])",
                               (s->ioregsel - IOAPIC_REG_REDTBL_BASE) >> 1);
    }
    g_string_append(out, "\n");
    for (i = 0; i < IOAPIC_NUM_PINS; i++) {
        uint64_t e = s->ioredtbl[i];
        static const char *const dm[] = {
            "fixed", "lowest", "SMI", "...", "NMI", "INIT", "...", "extINT"
        };

        if (e & IOAPIC_LVT_REMOTE_IRR) {
            remote_irr |= 1u << i;
        }
        g_string_append_printf(out, "  pin %-2d 0x%016" PRIx64 " dest=%" PRIx64
                               " vec=%-3" PRIu64 " %s %-5s %-6s %-6s %s\n",
                               i, e, e >> IOAPIC_LVT_DEST_SHIFT, e & 0xff,
                               (e & IOAPIC_LVT_POLARITY) ? "active-lo" :
                                                           "active-hi",
                               (e & IOAPIC_LVT_TRIGGER_MODE) ? "level" :
                                                               "edge",
                               (e & IOAPIC_LVT_MASKED) ? "masked" : "",
                               dm[(e >> 8) & 7],
                               (e & IOAPIC_LVT_DEST_MODE) ? "logical" :
                                                            "physical");
    }
    g_string_append(out, "  IRR     ");
    if (!s->irr) {
        g_string_append(out, " (none)");
    }
    for (i = 0; i < IOAPIC_NUM_PINS; i++) {
        if (s->irr & (1u << i)) {
            g_string_append_printf(out, " %d", i);
        }
    }
    g_string_append(out, "\n  Remote IRR");
    if (!remote_irr) {
        g_string_append(out, " (none)");
    }
    for (i = 0; i < IOAPIC_NUM_PINS; i++) {
        if (remote_irr & (1u << i)) {
            g_string_append_printf(out, " %d", i);
        }
    }
    g_string_append(out, "\n");
}

static const Property ioapic_properties[] = {
    DEFINE_PROP_UINT8("version", IOAPICState, version, 0x20),
    DEFINE_PROP_END_OF_LIST(),
};

static void ioapic_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = ioapic_realize;
    dc->unrealize = ioapic_unrealize;
    dc->reset = ioapic_reset;
    dc->user_creatable = false;
    device_class_set_props(dc, ioapic_properties);
}

static const TypeInfo ioapic_type_info = {
    .name = TYPE_IOAPIC,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(IOAPICState),
    .instance_init = ioapic_instance_init,
    .class_init = ioapic_class_init,
};

static void ioapic_register_types(void)
{
    type_register_static(&ioapic_type_info);
}

type_init(ioapic_register_types)
