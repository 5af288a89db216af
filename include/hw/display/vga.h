/*
 * Standard VGA with the Bochs VBE ("dispi") extension: the state shared by
 * the ISA ("isa-vga") and PCI ("VGA") variants.  VRAM holds the four planes
 * interleaved (byte 4 * offset + plane), so chain-4 and VBE modes see it as
 * linear memory.  Registers: IBM VGA (ports 0x3c0-0x3df); VBE: Bochs
 * vbe_display_api (index 0x1ce, data 0x1cf).
 */
#ifndef HW_DISPLAY_VGA_H
#define HW_DISPLAY_VGA_H

#include "qemu/osdep.h"
#include "exec/memory.h"
#include "ui/console.h"

#define VBE_DISPI_INDEX_ID              0x0
#define VBE_DISPI_INDEX_XRES            0x1
#define VBE_DISPI_INDEX_YRES            0x2
#define VBE_DISPI_INDEX_BPP             0x3
#define VBE_DISPI_INDEX_ENABLE          0x4
#define VBE_DISPI_INDEX_BANK            0x5
#define VBE_DISPI_INDEX_VIRT_WIDTH      0x6
#define VBE_DISPI_INDEX_VIRT_HEIGHT     0x7
#define VBE_DISPI_INDEX_X_OFFSET        0x8
#define VBE_DISPI_INDEX_Y_OFFSET        0x9
#define VBE_DISPI_INDEX_VIDEO_MEMORY_64K 0xa
#define VBE_DISPI_INDEX_NB              0xb

#define VBE_DISPI_ID5                   0xb0c5
#define VBE_DISPI_DISABLED              0x00
#define VBE_DISPI_ENABLED               0x01
#define VBE_DISPI_GETCAPS               0x02
#define VBE_DISPI_8BIT_DAC              0x20
#define VBE_DISPI_LFB_ENABLED           0x40
#define VBE_DISPI_NOCLEARMEM            0x80
#define VBE_DISPI_MAX_XRES              16000
#define VBE_DISPI_MAX_YRES              12000
#define VBE_DISPI_MAX_BPP               32
/* Where isa-vga maps its linear framebuffer (the PCI variant uses BAR 0). */
#define VBE_DISPI_LFB_PHYSICAL_ADDRESS  0xe0000000

typedef struct VGACommonState VGACommonState;

/* One of the legacy port ranges (0x3b4, 0x3ba, 0x3c0, 0x3d4, 0x3da). */
typedef struct VGAPortRange {
    MemoryRegion mr;
    VGACommonState *s;
    uint16_t base;
} VGAPortRange;

#define VGA_PORT_RANGES 5

struct VGACommonState {
    Object *owner;
    MemoryRegion vram;          /* RAM: the LFB is mapped straight to it */
    uint8_t *vram_ptr;
    uint32_t vram_size;
    uint32_t vram_size_mb;      /* property vgamem_mb */
    MemoryRegion legacy;        /* 0xa0000-0xbffff window (I/O: planar) */
    VGAPortRange ports[VGA_PORT_RANGES];
    MemoryRegion vbe_io;        /* 0x1ce-0x1d1 */

    /* Registers */
    uint8_t misc;
    uint8_t sr_index, sr[8];
    uint8_t gr_index, gr[16];
    uint8_t ar_index, ar[21];
    bool ar_flip_flop;          /* false: next 0x3c0 write is the index */
    uint8_t cr_index, cr[256];
    uint8_t dac_state;          /* 0: write mode, 3: read mode (0x3c7) */
    uint8_t dac_read_index, dac_write_index, dac_sub_index;
    uint8_t dac_cache[3];
    uint8_t palette[768];       /* 6-bit (8-bit with VBE 8BIT_DAC) R,G,B */
    uint8_t pel_mask;
    uint8_t fcr;                /* feature control */
    uint8_t st01_toggle;        /* fake retrace for 0x3da polls */
    uint32_t latch;

    /* Bochs VBE */
    uint16_t vbe_index;
    uint16_t vbe_regs[VBE_DISPI_INDEX_NB];
    uint32_t vbe_start_addr;    /* byte offset of the visible area */
    uint32_t vbe_line_offset;   /* bytes per virtual line */
    uint32_t vbe_bank_mask;

    /* Display: what was drawn last, to redraw only what changed */
    QemuConsole *con;
    int last_mode;              /* VGA_MODE_* drawn last, -1: redraw all */
    int last_width, last_height;
    bool full_update;
    uint8_t *shadow;            /* the VRAM bytes behind the last picture */
    uint32_t shadow_size;
    uint32_t last_palette[256];
    int64_t cursor_blink_time;
    bool cursor_visible_phase;
};

/* Allocate VRAM (vgamem_mb) and the I/O regions; the caller maps them. */
bool vga_common_init(VGACommonState *s, Object *owner, Error **errp);
void vga_common_exit(VGACommonState *s);
/* Power-on state: 80x25 colour text (mode 3) with the font in plane 2, as a BIOS would leave it. */
void vga_common_reset(VGACommonState *s);
/* Map the legacy ports and window into @io and @mem (ISA and PCI VGA). */
void vga_init_legacy(VGACommonState *s, MemoryRegion *mem, MemoryRegion *io);

/* Register access by port (0x3b0-0x3df) and VBE index/data, for MMIO BARs. */
uint32_t vga_ioport_read(VGACommonState *s, uint32_t port);
void vga_ioport_write(VGACommonState *s, uint32_t port, uint32_t val);
uint32_t vbe_ioport_read_data(VGACommonState *s);
void vbe_ioport_write_data(VGACommonState *s, uint32_t val);
void vbe_ioport_write_index(VGACommonState *s, uint32_t val);

/* Whether a VGA exists (the Linux loader then announces a text console). */
bool vga_is_present(void);

/* vga-draw.c: the console's device side */
extern const GraphicHwOps vga_gfx_ops;

#endif
