#!/usr/bin/env python3
"""tests/integration/gfx-png.py: the pictures tests/guests/gfx.asm draws, as
PNGs, and a pixel-by-pixel comparison of two PNGs. Standard library only.

  gfx-png.py expect 13h|vbe OUT.png   write the expected picture
  gfx-png.py compare A.png B.png      exit 0 if the pixels are equal, else
                                      print the first difference, exit 1
"""
import struct
import sys
import zlib


def mode13_pixel(x, y):
    i = (x ^ (3 * y)) & 0xFF
    r, g, b = i >> 2, (3 * i) & 63, 63 - (i >> 2)
    # The DAC's 6-bit components widened as the VGA renderer does.
    return tuple((c << 2) | (c >> 4) for c in (r, g, b))


def vbe_pixel(x, y):
    return (x & 0xFF, y & 0xFF, (x + y) & 0xFF)


PICTURES = {"13h": (320, 200, mode13_pixel), "vbe": (640, 480, vbe_pixel)}


def png_write(path, w, h, rows):
    def chunk(kind, data):
        body = kind + data
        return (struct.pack(">I", len(data)) + body +
                struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF))
    raw = b"".join(b"\0" + bytes(row) for row in rows)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw)))
        f.write(chunk(b"IEND", b""))


def png_read(path):
    """8-bit RGB or RGBA, non-interlaced: (w, h, rows of RGB bytes)."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit("%s: not a PNG" % path)
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                sys.exit("%s: only 8-bit RGB/RGBA PNGs" % path)
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 0xFF
            elif ftype == 2:
                line[i] = (line[i] + b) & 0xFF
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 0xFF
        prev = line
        rgb = bytearray()
        for x in range(w):
            rgb += line[x * bpp:x * bpp + 3]
        rows.append(rgb)
    return w, h, rows


def main(argv):
    if len(argv) == 4 and argv[1] == "expect" and argv[2] in PICTURES:
        w, h, pixel = PICTURES[argv[2]]
        rows = [bytearray(v for x in range(w) for v in pixel(x, y))
                for y in range(h)]
        png_write(argv[3], w, h, rows)
        return 0
    if len(argv) == 4 and argv[1] == "compare":
        wa, ha, ra = png_read(argv[2])
        wb, hb, rb = png_read(argv[3])
        if (wa, ha) != (wb, hb):
            print("size differs: %ux%u vs %ux%u" % (wa, ha, wb, hb))
            return 1
        for y in range(ha):
            if ra[y] != rb[y]:
                x = next(i for i in range(wa)
                         if ra[y][i * 3:i * 3 + 3] != rb[y][i * 3:i * 3 + 3])
                print("first difference at (%u, %u): %s vs %s" % (
                    x, y, tuple(ra[y][x * 3:x * 3 + 3]),
                    tuple(rb[y][x * 3:x * 3 + 3])))
                return 1
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
