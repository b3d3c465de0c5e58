"""Draws Earshot's icons (no image libraries needed): a blue rounded square with five white
sound bars. Run: /usr/bin/python3 build/make-icons.py  -> build/icon.png, resources/tray*.png"""
import struct
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SS = 4  # supersampling for smooth edges


def rounded_rect(h, w, x0, y0, x1, y1, r):
    """Coverage mask of a rounded rectangle on an h x w grid (pixel centres)."""
    ys, xs = np.mgrid[0:h, 0:w] + 0.5
    cx = np.clip(xs, x0 + r, x1 - r)
    cy = np.clip(ys, y0 + r, y1 - r)
    return ((xs - cx) ** 2 + (ys - cy) ** 2 <= r * r) & (xs >= x0) & (xs <= x1) & (ys >= y0) & (ys <= y1)


def draw(size):
    n = size * SS
    s = n / 512
    img = np.zeros((n, n, 4), dtype=np.float64)
    bg = rounded_rect(n, n, 16 * s, 16 * s, 496 * s, 496 * s, 96 * s)
    img[bg] = (0x2B / 255, 0x59 / 255, 0xC3 / 255, 1.0)
    for x, top, bottom in [(110, 216, 296), (180, 156, 356), (250, 96, 416), (320, 176, 336), (390, 226, 286)]:
        bar = rounded_rect(n, n, x * s, top * s, (x + 40) * s, bottom * s, 20 * s)
        img[bar] = (1.0, 1.0, 1.0, 1.0)
    # Box-filter down to the target size.
    img = img.reshape(size, SS, size, SS, 4).mean(axis=(1, 3))
    rgb = img[..., :3] / np.maximum(img[..., 3:], 1e-9)  # un-premultiply over transparent
    out = np.concatenate([rgb, img[..., 3:]], axis=2)
    return (np.clip(out, 0, 1) * 255 + 0.5).astype(np.uint8)


def write_png(path, rgba):
    h, w, _ = rgba.shape
    raw = b"".join(b"\x00" + rgba[y].tobytes() for y in range(h))

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    path.write_bytes(png)


if __name__ == "__main__":
    write_png(ROOT / "build" / "icon.png", draw(512))
    write_png(ROOT / "resources" / "tray.png", draw(32))
    write_png(ROOT / "resources" / "tray@2x.png", draw(64))
