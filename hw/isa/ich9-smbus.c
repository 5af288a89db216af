/*
 * The ICH9 SMBus controller, function 3 of device 31 ("ICH9-SMB",
 * 8086:2930, class 0x0c05; ICH9 datasheet chapter 18).  HOSTC (config
 * 0x40) bit 0 enables the host interface; the host registers sit in the
 * 64-byte I/O BAR 4 (18.2): HST_STS (0x00, write 1 to clear), HST_CNT
 * (0x02: INTREN, KILL, SMB_CMD 4:2, START), HST_CMD (0x03), XMIT_SLVA
 * (0x04: address 7:1, read 0), HST_D0/D1 (0x05/0x06).  As on QEMU's q35,
 * eight SPD EEPROMs of 256 zero bytes answer at 0x50-0x57; the quick,
 * byte, byte-data and word-data commands are modelled and finish at once;
 * any other command or address ends with DEV_ERR.  Completion raises INTA#
 * when INTREN is set.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "hw/isa/ich9.h"

#define ICH9_SMB_IO_SIZE        64

#define SMB_HST_STS     0x00
#define SMB_HST_CNT     0x02
#define SMB_HST_CMD     0x03
#define SMB_XMIT_SLVA   0x04
#define SMB_HST_D0      0x05
#define SMB_HST_D1      0x06

#define STS_HOST_BUSY   0x01
#define STS_INTR        0x02
#define STS_DEV_ERR     0x04
#define STS_FAILED      0x10
#define STS_DONE_MASK   (STS_INTR | STS_DEV_ERR | STS_FAILED)
#define CNT_INTREN      0x01
#define CNT_KILL        0x02
#define CNT_START       0x40
#define CMD_QUICK       0
#define CMD_BYTE        1
#define CMD_BYTE_DATA   2
#define CMD_WORD_DATA   3

#define SPD_FIRST       0x50
#define SPD_COUNT       8
#define SPD_SIZE        256

OBJECT_DECLARE_SIMPLE_TYPE(ICH9SMBState, ICH9_SMB)

struct ICH9SMBState {
    PCIDevice parent_obj;
    MemoryRegion io;
    uint8_t sts, cnt, cmd, slva, d0, d1;
    uint8_t spd[SPD_COUNT][SPD_SIZE];
    uint8_t spd_ptr[SPD_COUNT];         /* current address, byte commands */
};

static void smb_update_irq(ICH9SMBState *s)
{
    pci_set_irq(PCI_DEVICE(s),
                (s->cnt & CNT_INTREN) && (s->sts & STS_DONE_MASK));
}

/* One transaction to the slave in XMIT_SLVA; returns the status bits. */
static uint8_t smb_transaction(ICH9SMBState *s, unsigned smb_cmd)
{
    unsigned addr = s->slva >> 1;
    bool read = s->slva & 1;
    uint8_t *mem, *ptr;

    if (addr < SPD_FIRST || addr >= SPD_FIRST + SPD_COUNT) {
        return STS_DEV_ERR;             /* nobody acknowledges */
    }
    mem = s->spd[addr - SPD_FIRST];
    ptr = &s->spd_ptr[addr - SPD_FIRST];
    switch (smb_cmd) {
    case CMD_QUICK:
        break;
    case CMD_BYTE:
        if (read) {
            s->d0 = mem[(*ptr)++];
        } else {
            *ptr = s->cmd;
        }
        break;
    case CMD_BYTE_DATA:
        if (read) {
            s->d0 = mem[s->cmd];
        } else {
            mem[s->cmd] = s->d0;
        }
        *ptr = s->cmd + 1;
        break;
    case CMD_WORD_DATA:
        if (read) {
            s->d0 = mem[s->cmd];
            s->d1 = mem[(uint8_t)(s->cmd + 1)];
        } else {
            mem[s->cmd] = s->d0;
            mem[(uint8_t)(s->cmd + 1)] = s->d1;
        }
        *ptr = s->cmd + 2;
        break;
    default:
        qemu_log_mask(LOG_UNIMP, "ICH9-SMB: command %u not supported\n",
                      smb_cmd);
        return STS_DEV_ERR;
    }
    return STS_INTR;
}

static uint64_t smb_read(void *opaque, hwaddr addr, unsigned size)
{
    ICH9SMBState *s = opaque;

    switch (addr) {
    case SMB_HST_STS:
        return s->sts;
    case SMB_HST_CNT:
        return s->cnt & ~CNT_START;     /* START reads 0 */
    case SMB_HST_CMD:
        return s->cmd;
    case SMB_XMIT_SLVA:
        return s->slva;
    case SMB_HST_D0:
        return s->d0;
    case SMB_HST_D1:
        return s->d1;
    default:
        return 0;
    }
}

static void smb_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    ICH9SMBState *s = opaque;
    PCIDevice *d = PCI_DEVICE(s);

    switch (addr) {
    case SMB_HST_STS:
        s->sts &= ~(val & ~STS_HOST_BUSY);
        break;
    case SMB_HST_CNT:
        s->cnt = val & ~CNT_START;
        if (val & CNT_KILL) {
            s->sts = (s->sts & ~STS_HOST_BUSY) | STS_FAILED;
        } else if ((val & CNT_START) &&
                   (d->config[ICH9_SMB_HOSTC] & ICH9_SMB_HOSTC_HST_EN)) {
            s->sts |= smb_transaction(s, (val >> 2) & 7);
        }
        break;
    case SMB_HST_CMD:
        s->cmd = val;
        break;
    case SMB_XMIT_SLVA:
        s->slva = val;
        break;
    case SMB_HST_D0:
        s->d0 = val;
        break;
    case SMB_HST_D1:
        s->d1 = val;
        break;
    default:
        qemu_log_mask(LOG_UNIMP, "ICH9-SMB: write to register 0x%x\n",
                      (unsigned)addr);
        break;
    }
    smb_update_irq(s);
}

static const MemoryRegionOps smb_ops = {
    .read = smb_read,
    .write = smb_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static void ich9_smb_reset(DeviceState *dev)
{
    ICH9SMBState *s = ICH9_SMB(dev);

    s->sts = s->cnt = s->cmd = s->slva = s->d0 = s->d1 = 0;
    memset(s->spd_ptr, 0, sizeof(s->spd_ptr));
    PCI_DEVICE(dev)->config[ICH9_SMB_HOSTC] = 0;
}

static void ich9_smb_realize(PCIDevice *d, Error **errp)
{
    ICH9SMBState *s = ICH9_SMB(d);

    d->config[PCI_INTERRUPT_PIN] = 1;
    d->wmask[ICH9_SMB_HOSTC] = 0x0f;
    memory_region_init_io(&s->io, OBJECT(s), &smb_ops, s, "pm-smbus",
                          ICH9_SMB_IO_SIZE);
    pci_register_bar(d, ICH9_SMB_BAR, PCI_BASE_ADDRESS_SPACE_IO, &s->io);
}

static void ich9_smb_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);

    pc->realize = ich9_smb_realize;
    pc->vendor_id = PCI_VENDOR_ID_INTEL;
    pc->device_id = 0x2930;
    pc->revision = 0x02;
    pc->class_id = 0x0c05;              /* SMBus */
    dc->reset = ich9_smb_reset;
    dc->desc = "ICH9 SMBUS Bridge";
    dc->user_creatable = false;
    set_bit_category(dc, DEVICE_CATEGORY_BRIDGE);
}

static const TypeInfo ich9_smb_info = {
    .name = TYPE_ICH9_SMB,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(ICH9SMBState),
    .class_init = ich9_smb_class_init,
};

static void ich9_smb_register_types(void)
{
    type_register_static(&ich9_smb_info);
}

type_init(ich9_smb_register_types)
