/*
 * Standard VGA registers, the 0xa0000 memory window with its planar write
 * modes, and the Bochs VBE registers (include/hw/display/vga.h).  Follows
 * the IBM VGA technical reference (sequencer, graphics controller,
 * attribute controller, CRTC, DAC) and Bochs' vbe_display_api.  Not
 * modelled: CGA/Hercules compatibility address wrapping, light pen, the
 * VBE 4 bpp planar modes.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/display/vga.h"

/* Values the VGA BIOS programs for mode 3 (80x25 colour text, 9x16 cells). */
static const uint8_t mode3_sr[5] = { 0x03, 0x00, 0x03, 0x00, 0x02 };
static const uint8_t mode3_gr[9] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0xff,
};
static const uint8_t mode3_ar[21] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07,
    0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
    0x0c, 0x00, 0x0f, 0x08, 0x00,
};
static const uint8_t mode3_cr[25] = {
    0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f,
    0x00, 0x4f, 0x0d, 0x0e, 0x00, 0x00, 0x00, 0x00,
    0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff,
};

/* ---- I/O ports ---- */

/* Ports 0x3bx answer only in mono mode, 0x3dx only in colour mode. */
static bool vga_port_ignored(VGACommonState *s, uint32_t port)
{
    if (s->misc & 0x01) {
        return (port & 0xfff0) == 0x3b0;
    }
    return (port & 0xfff0) == 0x3d0;
}

uint32_t vga_ioport_read(VGACommonState *s, uint32_t port)
{
    uint32_t val = 0xff;

    if (vga_port_ignored(s, port)) {
        return 0xff;
    }
    switch (port) {
    case 0x3c0:
        return s->ar_flip_flop ? 0 : s->ar_index;
    case 0x3c1:
        return (s->ar_index & 0x1f) < 21 ? s->ar[s->ar_index & 0x1f] : 0;
    case 0x3c2:
        return 0;                   /* input status 0 (no switch sense) */
    case 0x3c4:
        return s->sr_index;
    case 0x3c5:
        return s->sr[s->sr_index & 7];
    case 0x3c6:
        return s->pel_mask;
    case 0x3c7:
        return s->dac_state;
    case 0x3c8:
        return s->dac_write_index;
    case 0x3c9:
        val = s->palette[s->dac_read_index * 3 + s->dac_sub_index];
        if (++s->dac_sub_index == 3) {
            s->dac_sub_index = 0;
            s->dac_read_index++;
        }
        return val;
    case 0x3ca:
        return s->fcr;
    case 0x3cc:
        return s->misc;
    case 0x3ce:
        return s->gr_index;
    case 0x3cf:
        return s->gr[s->gr_index & 15];
    case 0x3b4:
    case 0x3d4:
        return s->cr_index;
    case 0x3b5:
    case 0x3d5:
        return s->cr[s->cr_index];
    case 0x3ba:
    case 0x3da:
        /*
         * Input status 1; reading it also resets the attribute flip-flop.
         * Retrace and display-enable toggle so polling loops finish.
         */
        s->ar_flip_flop = false;
        s->st01_toggle ^= 0x09;
        return s->st01_toggle;
    }
    return val;
}

void vga_ioport_write(VGACommonState *s, uint32_t port, uint32_t val)
{
    val &= 0xff;
    if (vga_port_ignored(s, port)) {
        return;
    }
    switch (port) {
    case 0x3c0:
        if (!s->ar_flip_flop) {
            s->ar_index = val & 0x3f;
        } else {
            unsigned i = s->ar_index & 0x1f;

            switch (i) {
            case 0x00 ... 0x0f:
                s->ar[i] = val & 0x3f;
                break;
            case 0x10:
                s->ar[i] = val & ~0x10;
                break;
            case 0x11:
                s->ar[i] = val;
                break;
            case 0x12:
                s->ar[i] = val & 0x3f;
                break;
            case 0x13:
                s->ar[i] = val & 0x0f;
                break;
            case 0x14:
                s->ar[i] = val & 0x0f;
                break;
            default:
                break;
            }
        }
        s->ar_flip_flop = !s->ar_flip_flop;
        break;
    case 0x3c2:
        s->misc = val & ~0x10;
        break;
    case 0x3c4:
        s->sr_index = val & 7;
        break;
    case 0x3c5:
        s->sr[s->sr_index & 7] = val;
        break;
    case 0x3c6:
        s->pel_mask = val;
        break;
    case 0x3c7:
        s->dac_read_index = val;
        s->dac_sub_index = 0;
        s->dac_state = 3;
        break;
    case 0x3c8:
        s->dac_write_index = val;
        s->dac_sub_index = 0;
        s->dac_state = 0;
        break;
    case 0x3c9:
        s->dac_cache[s->dac_sub_index] = val;
        if (++s->dac_sub_index == 3) {
            memcpy(&s->palette[s->dac_write_index * 3], s->dac_cache, 3);
            s->dac_sub_index = 0;
            s->dac_write_index++;
        }
        break;
    case 0x3ce:
        s->gr_index = val & 15;
        break;
    case 0x3cf:
        s->gr[s->gr_index & 15] = val;
        break;
    case 0x3b4:
    case 0x3d4:
        s->cr_index = val;
        break;
    case 0x3b5:
    case 0x3d5:
        /* CR11 bit 7 write-protects CR0-CR7, except CR7's line compare bit. */
        if ((s->cr[0x11] & 0x80) && s->cr_index <= 7) {
            if (s->cr_index == 7) {
                s->cr[7] = (s->cr[7] & ~0x10) | (val & 0x10);
            }
            return;
        }
        s->cr[s->cr_index] = val;
        break;
    case 0x3ba:
    case 0x3da:
        s->fcr = val & 0x10;
        break;
    }
}

static uint64_t vga_io_read(void *opaque, hwaddr addr, unsigned size)
{
    VGAPortRange *r = opaque;

    return vga_ioport_read(r->s, r->base + addr);
}

static void vga_io_write(void *opaque, hwaddr addr, uint64_t val,
                         unsigned size)
{
    VGAPortRange *r = opaque;

    vga_ioport_write(r->s, r->base + addr, val);
}

/* 16-bit writes to an index port write index then data (OUT DX, AX). */
static const MemoryRegionOps vga_io_ops = {
    .read = vga_io_read,
    .write = vga_io_write,
    .valid = { .min_access_size = 1, .max_access_size = 2, .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- Bochs VBE ---- */

static bool vbe_enabled(VGACommonState *s)
{
    return s->vbe_regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED;
}

static unsigned vbe_bytes_per_pixel(VGACommonState *s)
{
    return (s->vbe_regs[VBE_DISPI_INDEX_BPP] + 7) / 8;
}

/* Recompute the line length, virtual height and start from the registers. */
static void vbe_update_geometry(VGACommonState *s)
{
    uint16_t *r = s->vbe_regs;
    unsigned bpp = vbe_bytes_per_pixel(s);
    uint32_t line, max_lines;

    if (r[VBE_DISPI_INDEX_BPP] == 4) {
        line = r[VBE_DISPI_INDEX_VIRT_WIDTH] / 2;
    } else {
        line = r[VBE_DISPI_INDEX_VIRT_WIDTH] * bpp;
    }
    if (line == 0) {
        line = 1;
    }
    s->vbe_line_offset = line;
    max_lines = s->vram_size / line;
    r[VBE_DISPI_INDEX_VIRT_HEIGHT] = MIN(max_lines, 0xffffu);
    s->vbe_start_addr = r[VBE_DISPI_INDEX_Y_OFFSET] * line +
                        r[VBE_DISPI_INDEX_X_OFFSET] * bpp;
    /* A start beyond VRAM would show memory past the end: clamp it. */
    if (s->vbe_start_addr >= s->vram_size) {
        s->vbe_start_addr = 0;
    }
}

static void vbe_enable(VGACommonState *s, uint16_t val)
{
    uint16_t *r = s->vbe_regs;

    if (r[VBE_DISPI_INDEX_BPP] == 0) {
        r[VBE_DISPI_INDEX_BPP] = 8;
    }
    r[VBE_DISPI_INDEX_VIRT_WIDTH] = r[VBE_DISPI_INDEX_XRES];
    r[VBE_DISPI_INDEX_X_OFFSET] = 0;
    r[VBE_DISPI_INDEX_Y_OFFSET] = 0;
    vbe_update_geometry(s);
    if (!(val & VBE_DISPI_NOCLEARMEM)) {
        memset(s->vram_ptr, 0,
               MIN((uint64_t)r[VBE_DISPI_INDEX_YRES] * s->vbe_line_offset,
                   s->vram_size));
    }
    /*
     * The legacy window becomes a 64 KiB chain-4 bank at 0xa0000 (the
     * VGA BIOS' banked VBE modes), with 8-bit pixels shown unpaletted
     * through the attribute controller.
     */
    s->gr[6] = (s->gr[6] & ~0x0c) | 0x05;
    s->sr[4] |= 0x08;
    s->gr[5] = (s->gr[5] & ~0x60) | 0x40;
    s->ar[0x10] |= 0x01;
    s->ar_index |= 0x20;
}

uint32_t vbe_ioport_read_data(VGACommonState *s)
{
    uint16_t *r = s->vbe_regs;

    if (s->vbe_index >= VBE_DISPI_INDEX_NB) {
        return 0;
    }
    if (r[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_GETCAPS) {
        switch (s->vbe_index) {
        case VBE_DISPI_INDEX_XRES:
            return VBE_DISPI_MAX_XRES;
        case VBE_DISPI_INDEX_YRES:
            return VBE_DISPI_MAX_YRES;
        case VBE_DISPI_INDEX_BPP:
            return VBE_DISPI_MAX_BPP;
        }
    }
    if (s->vbe_index == VBE_DISPI_INDEX_VIDEO_MEMORY_64K) {
        return s->vram_size >> 16;
    }
    return r[s->vbe_index];
}

void vbe_ioport_write_index(VGACommonState *s, uint32_t val)
{
    s->vbe_index = val;
}

void vbe_ioport_write_data(VGACommonState *s, uint32_t val)
{
    uint16_t *r = s->vbe_regs;

    val &= 0xffff;
    switch (s->vbe_index) {
    case VBE_DISPI_INDEX_ID:
        if (val >= 0xb0c0 && val <= VBE_DISPI_ID5) {
            r[VBE_DISPI_INDEX_ID] = val;
        }
        break;
    case VBE_DISPI_INDEX_XRES:
    case VBE_DISPI_INDEX_YRES:
    case VBE_DISPI_INDEX_BPP:
        /* Ignored while enabled, as on Bochs. */
        if (!vbe_enabled(s)) {
            if (s->vbe_index == VBE_DISPI_INDEX_BPP) {
                if (val == 0) {
                    val = 8;
                }
                if (val != 4 && val != 8 && val != 15 && val != 16 &&
                    val != 24 && val != 32) {
                    qemu_log_mask(LOG_GUEST_ERROR, "vbe: bpp %u\n", val);
                    break;
                }
            } else if (s->vbe_index == VBE_DISPI_INDEX_XRES) {
                if (val > VBE_DISPI_MAX_XRES || (val & 7)) {
                    qemu_log_mask(LOG_GUEST_ERROR, "vbe: xres %u\n", val);
                    break;
                }
            } else if (val > VBE_DISPI_MAX_YRES) {
                qemu_log_mask(LOG_GUEST_ERROR, "vbe: yres %u\n", val);
                break;
            }
            r[s->vbe_index] = val;
        }
        break;
    case VBE_DISPI_INDEX_BANK:
        r[VBE_DISPI_INDEX_BANK] = val & s->vbe_bank_mask;
        break;
    case VBE_DISPI_INDEX_ENABLE:
        if ((val & VBE_DISPI_ENABLED) && !vbe_enabled(s)) {
            vbe_enable(s, val);
        } else if (!(val & VBE_DISPI_ENABLED)) {
            r[VBE_DISPI_INDEX_BANK] = 0;
        }
        r[VBE_DISPI_INDEX_ENABLE] = val;
        break;
    case VBE_DISPI_INDEX_VIRT_WIDTH:
        if (val >= r[VBE_DISPI_INDEX_XRES] || !vbe_enabled(s)) {
            r[VBE_DISPI_INDEX_VIRT_WIDTH] = val;
            vbe_update_geometry(s);
        }
        break;
    case VBE_DISPI_INDEX_X_OFFSET:
    case VBE_DISPI_INDEX_Y_OFFSET:
        r[s->vbe_index] = val;
        vbe_update_geometry(s);
        break;
    default:
        break;
    }
}

static uint64_t vbe_io_read(void *opaque, hwaddr addr, unsigned size)
{
    VGACommonState *s = opaque;

    return addr == 0 ? s->vbe_index : vbe_ioport_read_data(s);
}

static void vbe_io_write(void *opaque, hwaddr addr, uint64_t val,
                         unsigned size)
{
    VGACommonState *s = opaque;

    if (addr == 0) {
        vbe_ioport_write_index(s, val);
    } else {
        vbe_ioport_write_data(s, val);
    }
}

/* 0x1ce is the index, 0x1cf the data; both are 16-bit ports. */
static const MemoryRegionOps vbe_io_ops = {
    .read = vbe_io_read,
    .write = vbe_io_write,
    .valid = { .min_access_size = 1, .max_access_size = 2, .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 2 },
};

/* ---- the 0xa0000 window ---- */

/* VRAM holds the planes as little-endian 32-bit groups. */
static uint32_t vram_ld32(const uint8_t *p)
{
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void vram_st32(uint8_t *p, uint32_t v)
{
    p[0] = v;
    p[1] = v >> 8;
    p[2] = v >> 16;
    p[3] = v >> 24;
}

/* Offset inside the window selected by GR6's memory map, or -1. */
static int64_t vga_window_offset(VGACommonState *s, hwaddr addr)
{
    switch ((s->gr[6] >> 2) & 3) {
    case 0:
        return addr;
    case 1:
        return addr < 0x10000 ? (int64_t)addr : -1;
    case 2:
        return addr >= 0x10000 && addr < 0x18000 ? (int64_t)addr - 0x10000
                                                  : -1;
    default:
        return addr >= 0x18000 ? (int64_t)addr - 0x18000 : -1;
    }
}

static uint32_t expand4(uint8_t planes)
{
    uint32_t v = 0;

    for (int p = 0; p < 4; p++) {
        if (planes & (1 << p)) {
            v |= 0xffu << (8 * p);
        }
    }
    return v;
}

static uint64_t vga_mem_read(void *opaque, hwaddr addr, unsigned size)
{
    VGACommonState *s = opaque;
    int64_t off = vga_window_offset(s, addr);
    uint32_t plane, ret;

    if (off < 0) {
        return 0xff;
    }
    if (s->sr[4] & 0x08) {
        /* chain 4: linear, plus the VBE bank in VBE modes */
        off += (uint32_t)s->vbe_regs[VBE_DISPI_INDEX_BANK] << 16;
        return off < s->vram_size ? s->vram_ptr[off] : 0xff;
    }
    if (s->gr[5] & 0x10) {
        /* odd/even: A0 picks plane 0/1 (or 2/3 with GR4 bit 1) */
        plane = (s->gr[4] & 2) | (off & 1);
        off = ((off & ~1) << 1) | plane;
        return off < s->vram_size ? s->vram_ptr[off] : 0xff;
    }
    if ((uint64_t)off * 4 + 3 >= s->vram_size) {
        return 0xff;
    }
    s->latch = vram_ld32(s->vram_ptr + off * 4);
    if (!(s->gr[5] & 0x08)) {
        return (s->latch >> ((s->gr[4] & 3) * 8)) & 0xff;
    }
    /* read mode 1: colour compare, bit set where all cared planes match */
    ret = (s->latch ^ expand4(s->gr[2])) & expand4(s->gr[7]);
    ret |= ret >> 16;
    ret |= ret >> 8;
    return (~ret) & 0xff;
}

static void vga_mem_write(void *opaque, hwaddr addr, uint64_t data,
                          unsigned size)
{
    VGACommonState *s = opaque;
    int64_t off = vga_window_offset(s, addr);
    uint32_t val = data & 0xff, mask, write_mask, bit_mask, set_mask;
    uint32_t plane;

    if (off < 0) {
        return;
    }
    if (s->sr[4] & 0x08) {
        off += (uint32_t)s->vbe_regs[VBE_DISPI_INDEX_BANK] << 16;
        plane = off & 3;
        if ((s->sr[2] & (1 << plane)) && off < s->vram_size) {
            s->vram_ptr[off] = val;
        }
        return;
    }
    if (s->gr[5] & 0x10) {
        plane = (s->gr[4] & 2) | (off & 1);
        if (s->sr[2] & (1 << plane)) {
            off = ((off & ~1) << 1) | plane;
            if (off < s->vram_size) {
                s->vram_ptr[off] = val;
            }
        }
        return;
    }
    if ((uint64_t)off * 4 + 3 >= s->vram_size) {
        return;
    }
    /* Planar write modes 0-3 (graphics controller). */
    switch (s->gr[5] & 3) {
    case 0:
        val = ((val >> (s->gr[3] & 7)) | (val << (8 - (s->gr[3] & 7)))) & 0xff;
        val *= 0x01010101u;
        set_mask = expand4(s->gr[1]);
        val = (val & ~set_mask) | (expand4(s->gr[0]) & set_mask);
        bit_mask = s->gr[8];
        break;
    case 1:
        val = s->latch;
        goto do_write;
    case 2:
        val = expand4(val);
        bit_mask = s->gr[8];
        break;
    default:
        val = ((val >> (s->gr[3] & 7)) | (val << (8 - (s->gr[3] & 7)))) & 0xff;
        bit_mask = s->gr[8] & val;
        val = expand4(s->gr[0]);
        break;
    }
    /* logical operation with the latches */
    switch ((s->gr[3] >> 3) & 3) {
    case 1:
        val &= s->latch;
        break;
    case 2:
        val |= s->latch;
        break;
    case 3:
        val ^= s->latch;
        break;
    default:
        break;
    }
    bit_mask *= 0x01010101u;
    val = (val & bit_mask) | (s->latch & ~bit_mask);
do_write:
    write_mask = expand4(s->sr[2] & 0x0f);
    mask = vram_ld32(s->vram_ptr + off * 4);
    vram_st32(s->vram_ptr + off * 4, (mask & ~write_mask) | (val & write_mask));
}

static const MemoryRegionOps vga_mem_ops = {
    .read = vga_mem_read,
    .write = vga_mem_write,
    .valid = { .min_access_size = 1, .max_access_size = 8, .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- set-up ---- */

/* The EGA-compatible 64-colour DAC palette the BIOS loads for mode 3. */
static void vga_load_default_palette(VGACommonState *s)
{
    memset(s->palette, 0, sizeof(s->palette));
    for (int i = 0; i < 64; i++) {
        uint8_t r = ((i >> 2) & 1) * 0x2a + ((i >> 5) & 1) * 0x15;
        uint8_t g = ((i >> 1) & 1) * 0x2a + ((i >> 4) & 1) * 0x15;
        uint8_t b = (i & 1) * 0x2a + ((i >> 3) & 1) * 0x15;

        s->palette[i * 3] = r;
        s->palette[i * 3 + 1] = g;
        s->palette[i * 3 + 2] = b;
    }
}

void vga_common_reset(VGACommonState *s)
{
    s->misc = 0x67;
    memset(s->sr, 0, sizeof(s->sr));
    memcpy(s->sr, mode3_sr, sizeof(mode3_sr));
    memset(s->gr, 0, sizeof(s->gr));
    memcpy(s->gr, mode3_gr, sizeof(mode3_gr));
    memcpy(s->ar, mode3_ar, sizeof(mode3_ar));
    memset(s->cr, 0, sizeof(s->cr));
    memcpy(s->cr, mode3_cr, sizeof(mode3_cr));
    s->sr_index = s->gr_index = s->cr_index = 0;
    s->ar_index = 0x20;             /* palette address source: display on */
    s->ar_flip_flop = false;
    s->pel_mask = 0xff;
    s->dac_state = 0;
    s->dac_read_index = s->dac_write_index = s->dac_sub_index = 0;
    s->fcr = 0;
    s->latch = 0;
    vga_load_default_palette(s);

    memset(s->vbe_regs, 0, sizeof(s->vbe_regs));
    s->vbe_regs[VBE_DISPI_INDEX_ID] = VBE_DISPI_ID5;
    s->vbe_regs[VBE_DISPI_INDEX_VIDEO_MEMORY_64K] = s->vram_size >> 16;
    s->vbe_index = 0;
    s->vbe_start_addr = 0;
    s->vbe_line_offset = 0;

    /*
     * Blank text (space, light grey on black) and the font in plane 2 at
     * 32 bytes per character: what the VGA BIOS leaves behind, which a
     * -kernel guest relies on since no BIOS runs.
     */
    memset(s->vram_ptr, 0, s->vram_size);
    for (uint32_t i = 0; i < 0x4000; i++) {
        s->vram_ptr[i * 4] = ' ';
        s->vram_ptr[i * 4 + 1] = 0x07;
    }
    for (int c = 0; c < 256; c++) {
        for (int l = 0; l < 16; l++) {
            s->vram_ptr[(c * 32 + l) * 4 + 2] = vga_font_8x16[c * 16 + l];
        }
    }
    s->last_mode = -1;
    s->full_update = true;
}

static unsigned vga_count;

bool vga_is_present(void)
{
    return vga_count > 0;
}

bool vga_common_init(VGACommonState *s, Object *owner, Error **errp)
{
    uint32_t mb = s->vram_size_mb;

    if (mb < 1 || mb > 512 || (mb & (mb - 1))) {
        error_setg(errp, "Invalid VGA memory size %u MiB (power of two, 1-512)",
                   mb);
        return false;
    }
    s->owner = owner;
    s->vram_size = mb << 20;
    s->vbe_bank_mask = (s->vram_size >> 16) - 1;
    if (!memory_region_init_ram(&s->vram, owner, "vga.vram", s->vram_size,
                                errp)) {
        return false;
    }
    s->vram_ptr = memory_region_get_ram_ptr(&s->vram);
    memory_region_init_io(&s->legacy, owner, &vga_mem_ops, s, "vga-lowmem",
                          0x20000);
    /* QEMU's port ranges, so `info mtree` reads the same */
    for (int i = 0; i < VGA_PORT_RANGES; i++) {
        static const uint16_t range[VGA_PORT_RANGES][2] = {
            { 0x3b4, 2 }, { 0x3ba, 1 }, { 0x3c0, 16 }, { 0x3d4, 2 },
            { 0x3da, 1 },
        };

        s->ports[i].s = s;
        s->ports[i].base = range[i][0];
        memory_region_init_io(&s->ports[i].mr, owner, &vga_io_ops,
                              &s->ports[i], "vga", range[i][1]);
    }
    memory_region_init_io(&s->vbe_io, owner, &vbe_io_ops, s, "vbe", 4);
    s->con = graphic_console_init(owner, &vga_gfx_ops, s);
    vga_count++;
    return true;
}

void vga_common_exit(VGACommonState *s)
{
    vga_count--;
    if (s->con) {
        graphic_console_close(s->con);
        s->con = NULL;
    }
    memory_region_destroy(&s->legacy);
    for (int i = 0; i < VGA_PORT_RANGES; i++) {
        memory_region_destroy(&s->ports[i].mr);
    }
    memory_region_destroy(&s->vbe_io);
    memory_region_destroy(&s->vram);
    g_free(s->shadow);
    s->shadow = NULL;
}

void vga_init_legacy(VGACommonState *s, MemoryRegion *mem, MemoryRegion *io)
{
    /* Above RAM's shadow of 0xa0000-0xbffff, as on a PC. */
    memory_region_add_subregion_overlap(mem, 0xa0000, &s->legacy, 1);
    for (int i = 0; i < VGA_PORT_RANGES; i++) {
        memory_region_add_subregion(io, s->ports[i].base, &s->ports[i].mr);
    }
    memory_region_add_subregion(io, 0x1ce, &s->vbe_io);
}
