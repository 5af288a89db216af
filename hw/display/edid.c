/*
 * EDID base block (VESA E-EDID 1.4, include/hw/display/edid.h): vendor
 * "RHT", model "QEMU Monitor" as QEMU's, sRGB chromaticity, the usual
 * established modes, one detailed timing for the preferred mode with CVT
 * reduced blanking at 60 Hz, and the range limits.  No extension blocks.
 */
#include "qemu/osdep.h"
#include "hw/display/edid.h"

#define EDID_DPI 100

/* 18-byte display descriptor with tag @tag and 13 bytes of text. */
static void edid_text_descriptor(uint8_t *d, uint8_t tag, const char *text)
{
    size_t n = strlen(text);

    memset(d, 0, 18);
    d[3] = tag;
    memset(d + 5, ' ', 13);
    memcpy(d + 5, text, n);
    if (n < 13) {
        d[5 + n] = '\n';
    }
}

/* Detailed timing descriptor: CVT reduced blanking, 60 Hz. */
static void edid_detailed_timing(uint8_t *d, uint32_t xres, uint32_t yres,
                                 uint32_t width_mm, uint32_t height_mm)
{
    const uint32_t hblank = 160, hfp = 48, hsync = 32;
    const uint32_t vfp = 3, vsync = 6;
    /* at least 460 us of vertical blanking */
    uint32_t vblank = MAX(23u, (yres * 460 + 16666 - 1) / (16666 - 460));
    uint64_t clock = (uint64_t)(xres + hblank) * (yres + vblank) * 60;
    uint32_t clk10k = (clock + 5000) / 10000;

    memset(d, 0, 18);
    d[0] = clk10k & 0xff;
    d[1] = clk10k >> 8;
    d[2] = xres & 0xff;
    d[3] = hblank & 0xff;
    d[4] = ((xres >> 8) & 0xf) << 4 | ((hblank >> 8) & 0xf);
    d[5] = yres & 0xff;
    d[6] = vblank & 0xff;
    d[7] = ((yres >> 8) & 0xf) << 4 | ((vblank >> 8) & 0xf);
    d[8] = hfp & 0xff;
    d[9] = hsync & 0xff;
    d[10] = (vfp & 0xf) << 4 | (vsync & 0xf);
    d[11] = ((hfp >> 8) & 3) << 6 | ((hsync >> 8) & 3) << 4 |
            ((vfp >> 4) & 3) << 2 | ((vsync >> 4) & 3);
    d[12] = width_mm & 0xff;
    d[13] = height_mm & 0xff;
    d[14] = ((width_mm >> 8) & 0xf) << 4 | ((height_mm >> 8) & 0xf);
    d[17] = 0x1a;               /* digital separate sync, +hsync -vsync */
}

void edid_generate(uint8_t *edid, uint32_t xres, uint32_t yres)
{
    /* sRGB primaries and D65 white, 10-bit binary fractions */
    static const uint16_t chroma[8] = {
        655, 338, 307, 614, 154, 61, 320, 337,
    };
    uint32_t width_mm = xres * 254 / (EDID_DPI * 10);
    uint32_t height_mm = yres * 254 / (EDID_DPI * 10);
    uint8_t sum = 0;

    memset(edid, 0, EDID_BLOCK_SIZE);
    memcpy(edid, "\x00\xff\xff\xff\xff\xff\xff\x00", 8);
    edid[8] = 0x49;             /* "RHT": 5-bit letters, big-endian */
    edid[9] = 0x14;
    edid[10] = 0x34;            /* product 0x1234 */
    edid[11] = 0x12;
    edid[16] = 42;              /* week and year (2014) of manufacture */
    edid[17] = 2014 - 1990;
    edid[18] = 1;               /* EDID 1.4 */
    edid[19] = 4;
    edid[20] = 0xa5;            /* digital, 8 bits per colour, DisplayPort */
    edid[21] = (width_mm + 5) / 10;
    edid[22] = (height_mm + 5) / 10;
    edid[23] = 120;             /* gamma 2.2 */
    edid[24] = 0x06;            /* sRGB, preferred timing is native */
    edid[25] = (chroma[0] & 3) << 6 | (chroma[1] & 3) << 4 |
               (chroma[2] & 3) << 2 | (chroma[3] & 3);
    edid[26] = (chroma[4] & 3) << 6 | (chroma[5] & 3) << 4 |
               (chroma[6] & 3) << 2 | (chroma[7] & 3);
    for (int i = 0; i < 8; i++) {
        edid[27 + i] = chroma[i] >> 2;
    }
    edid[35] = 0x21;            /* 640x480@60, 800x600@60 */
    edid[36] = 0x08;            /* 1024x768@60 */
    for (int i = 38; i < 54; i++) {
        edid[i] = 0x01;         /* standard timings: unused */
    }
    edid_detailed_timing(edid + 54, xres, yres, width_mm, height_mm);
    edid_text_descriptor(edid + 72, 0xfc, "QEMU Monitor");
    /* range limits: 50-125 Hz, 30-160 kHz, 2550 MHz, no GTF */
    memset(edid + 90, 0, 18);
    edid[93] = 0xfd;
    edid[95] = 50;
    edid[96] = 125;
    edid[97] = 30;
    edid[98] = 160;
    edid[99] = 255;
    edid[100] = 0x01;
    edid[101] = '\n';
    memset(edid + 102, ' ', 6);
    edid[111] = 0x10;           /* descriptor 4: dummy */
    for (int i = 0; i < EDID_BLOCK_SIZE - 1; i++) {
        sum += edid[i];
    }
    edid[127] = -sum;
}
