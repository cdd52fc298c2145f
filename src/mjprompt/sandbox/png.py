"""Small deterministic PNG images: the shape follows ``--ar``, the pixels follow the seed.

Written with ``zlib`` and ``struct`` only. Each picture is a diagonal blend of two
colours with a few discs on top; every colour and position comes from a PRNG seeded
with ``(seed, index)``, so the same seed always gives the same four images and two
seeds give different ones.
"""

from __future__ import annotations

import random
import struct
import zlib

__all__ = ["PNG_SIGNATURE", "encode_png", "image_size", "render_image"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

RGB = tuple[int, int, int]


def image_size(width_ratio: float, height_ratio: float, long_side: int) -> tuple[int, int]:
    """Pixel size for an aspect ratio: the long side is ``long_side`` pixels."""
    if width_ratio <= 0 or height_ratio <= 0:
        raise ValueError(f"aspect ratio must be positive, got {width_ratio}:{height_ratio}")
    if width_ratio >= height_ratio:
        short = max(1, round(long_side * height_ratio / width_ratio))
        return long_side, short
    short = max(1, round(long_side * width_ratio / height_ratio))
    return short, long_side


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def encode_png(width: int, height: int, rows: list[bytes]) -> bytes:
    """An 8-bit RGB PNG from ``height`` rows of ``3 * width`` bytes each."""
    if len(rows) != height or any(len(r) != 3 * width for r in rows):
        raise ValueError("rows do not match the image size")
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = b"".join(b"\x00" + row for row in rows)  # filter type 0 on every row
    return (
        PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


def _colour(rng: random.Random) -> RGB:
    return rng.randrange(256), rng.randrange(256), rng.randrange(256)


def render_image(seed: int, index: int, width: int, height: int) -> bytes:
    """The PNG bytes of result ``index`` of a task with ``seed``."""
    rng = random.Random(f"mjprompt-sandbox:{seed}:{index}")
    start, end = _colour(rng), _colour(rng)
    radius = max(width, height) / 3
    discs = [
        (rng.uniform(0, width), rng.uniform(0, height), rng.uniform(2, radius), _colour(rng))
        for _ in range(3)
    ]
    span = max(1, width + height - 2)
    rows: list[bytes] = []
    for y in range(height):
        row = bytearray()
        for x in range(width):
            t = (x + y) / span
            pixel = [round(a + (b - a) * t) for a, b in zip(start, end, strict=True)]
            for cx, cy, r, colour in discs:
                if (x - cx) ** 2 + (y - cy) ** 2 <= r * r:
                    pixel = list(colour)
            row.extend(pixel)
        rows.append(bytes(row))
    return encode_png(width, height, rows)
