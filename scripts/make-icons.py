#!/usr/bin/env python3
"""Draws Amble's app icons (our own drawing, under the project's licence) and writes them as
PNG files, plus favicon.ico (a PNG inside an ICO). Standard library only; run once after a
change to the drawing and commit the files:

    python3 scripts/make-icons.py

The drawing: a winding white path on the brand green, with a dot where the walk ends. The
"any" icons are rounded squares; the maskable one fills the square and keeps the drawing inside
the central 80 % circle that launchers may cut out.
"""

import math
import os
import struct
import zlib

OUT = os.path.join(os.path.dirname(__file__), "..", "crates", "amble-web", "assets")
BRAND = (0x0B, 0x6B, 0x62)
WHITE = (0xFF, 0xFF, 0xFF)
SAMPLES = 3  # supersampling per axis, for smooth edges


def path_points():
    """The drawing in the unit square (y down): points along the winding path, then the dot."""
    points = []
    steps = 240
    for i in range(steps + 1):
        t = i / steps
        # From bottom left to top right, with two gentle bends.
        px = 0.22 + 0.50 * t
        py = 0.80 - 0.52 * t + 0.09 * math.sin(t * 2 * math.pi)
        points.append((px, py, 0.055))
    points.append((0.74, 0.22, 0.085))
    return points


def inside_rounded_square(x, y, radius):
    cx = min(max(x, radius), 1 - radius)
    cy = min(max(y, radius), 1 - radius)
    return math.hypot(x - cx, y - cy) <= radius


def draw(size, maskable):
    """RGBA rows of the icon, as a PNG."""
    big = size * SAMPLES
    scale = 0.72 if maskable else 1.0
    mask = bytearray(big * big)  # 1 where the drawing is white, supersampled
    for px, py, r in path_points():
        cx = (0.5 + (px - 0.5) * scale) * big
        cy = (0.5 + (py - 0.5) * scale) * big
        rr = r * scale * big
        for y in range(max(0, int(cy - rr)), min(big, int(cy + rr) + 1)):
            half = rr * rr - (y + 0.5 - cy) ** 2
            if half < 0:
                continue
            w = math.sqrt(half)
            x0 = max(0, int(math.ceil(cx - w - 0.5)))
            x1 = min(big - 1, int(math.floor(cx + w - 0.5)))
            if x1 >= x0:
                mask[y * big + x0 : y * big + x1 + 1] = b"\x01" * (x1 - x0 + 1)
    rows = []
    n = SAMPLES * SAMPLES
    for j in range(size):
        row = bytearray([0])  # filter: none
        for i in range(size):
            white = 0
            inside = 0
            for sj in range(SAMPLES):
                base = (j * SAMPLES + sj) * big + i * SAMPLES
                for si in range(SAMPLES):
                    x = (i + (si + 0.5) / SAMPLES) / size
                    y = (j + (sj + 0.5) / SAMPLES) / size
                    if maskable or inside_rounded_square(x, y, 0.2):
                        inside += 1
                        white += mask[base + si]
            w = white / inside if inside else 0.0
            rgb = [round(b * (1 - w) + f * w) for b, f in zip(BRAND, WHITE)]
            row += bytes(rgb + [round(inside / n * 255)])
        rows.append(bytes(row))
    return png(size, b"".join(rows))


def png(size, raw):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def ico(png_bytes, size):
    header = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(png_bytes), 6 + 16)
    return header + entry + png_bytes


def main():
    files = {
        "icon-192.png": draw(192, False),
        "icon-512.png": draw(512, False),
        "icon-maskable-512.png": draw(512, True),
    }
    files["favicon.ico"] = ico(draw(32, False), 32)
    for name, data in files.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
