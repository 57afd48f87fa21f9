"""A small PNG reader for the tests: 8-bit RGB or RGBA, not interlaced (what resvg writes).

The tests decode the server's images to check their size and what is drawn, without adding an
imaging library to the project for it.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Image:
    """Decoded pixels: ``rows[y][x]`` is an (r, g, b, a) tuple."""

    width: int
    height: int
    rows: list[list[tuple[int, ...]]]

    def colours(self, box: tuple[int, int, int, int] | None = None) -> set[tuple[int, ...]]:
        """Return the distinct colours in ``box`` (left, top, right, bottom), or everywhere."""
        left, top, right, bottom = box or (0, 0, self.width, self.height)
        return {pixel for row in self.rows[top:bottom] for pixel in row[left:right]}


def read(data: bytes) -> Image:
    """Decode a PNG; ``ValueError`` for anything this reader does not handle."""
    if not data.startswith(SIGNATURE):
        raise ValueError("pas un PNG")
    position, chunks, header = len(SIGNATURE), [], None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
    width, height, depth, colour_type, _, _, interlace = header
    if depth != 8 or colour_type not in (2, 6) or interlace:
        raise ValueError(f"PNG non lu : profondeur {depth}, couleur {colour_type}")
    channels = 4 if colour_type == 6 else 3
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = previous[i]
            c = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x : x + channels]) for x in range(0, stride, channels)])
        previous = line
    return Image(width, height, rows)
