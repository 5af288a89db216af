"""Read a console's text back off a picture of it: cut the screen into
8x16 character cells (9x16 for the VGA's 720-dot text modes, whose ninth
column is a gap), mark the bright pixels of each and find the printable
ASCII glyph of the VGA font nearest to that pattern.  Works for the VGA
text console (drawn with kemu's built-in font) and for Linux's fbcon
(drawn by the guest with its own VGA 8x16 font, a close relative: its
'f' reads as '[' and its 'v' as 'w', so tests avoid those letters on a
framebuffer console).

    screen_lines(width, height, rgb, font) -> list of str

@rgb is 3 bytes per pixel, row after row; @font is the 4096 row bytes of
the 256 8x16 glyphs (test_vga.load_font()).
"""

# A cell's pattern may differ from the nearest glyph in this many pixels
# (the two fonts' small differences, a cursor line) and still be read as
# it; anything further is '?'.
MAX_DISTANCE = 16


def glyph_table(font):
    """{16-byte pattern: char} for the printable ASCII characters."""
    table = {}
    for code in range(0x20, 0x7f):
        pattern = bytes(font[code * 16:code * 16 + 16])
        table.setdefault(pattern, chr(code))
    return table


def bright_rows(width, height, rgb):
    """Per pixel row, a bytes of 0/1: is the pixel lit (brighter than
    mid-grey in any channel)?  Consoles draw light text on dark."""
    lit = bytes(1 if v >= 0x60 else 0 for v in range(256))
    rows = []
    for y in range(height):
        line = rgb[y * width * 3:(y + 1) * width * 3]
        r, g, b = (line[i::3].translate(lit) for i in range(3))
        rows.append(bytes(x | y | z for x, y, z in zip(r, g, b)))
    return rows


def nearest(pattern, table):
    best, best_d = '?', MAX_DISTANCE + 1
    for glyph, ch in table.items():
        d = sum(bin(a ^ b).count('1') for a, b in zip(pattern, glyph))
        if d < best_d:
            best, best_d = ch, d
    return best


def screen_lines(width, height, rgb, font):
    # the VGA's 80- and 40-column text modes are 720 and 360 dots wide
    cell_w = 9 if width in (360, 720) else 8
    table = glyph_table(font)
    rows = bright_rows(width, height, rgb)
    cache = {}
    lines = []
    for top in range(0, height - 15, 16):
        chars = []
        for left in range(0, width - cell_w + 1, cell_w):
            pattern = bytes(
                int(''.join(str(b) for b in rows[top + r][left:left + 8]), 2)
                for r in range(16))
            if pattern not in cache:
                cache[pattern] = table.get(pattern) or nearest(pattern, table)
            chars.append(cache[pattern])
        lines.append(''.join(chars).rstrip())
    return lines
