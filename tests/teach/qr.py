"""A small QR decoder for tests: reads the inline SVG that segno draws and returns the text.

It reads the printed symbol the way a phone does, without asking segno what it encoded: the
modules from the SVG path, the data bits in the zig-zag order, every mask and error level tried,
the one whose Reed-Solomon syndromes are all zero kept, and byte-mode text read from the data.
(Error *correction* is not needed: the test symbol has no damage.) Only the block table comes from
segno's constants, as a phone's decoder has the same table from the standard.
"""
from __future__ import annotations

import re

from segno.consts import ALIGNMENT_POS, ECC

_EXP = [0] * 512
_LOG = [0] * 256
_x = 1
for _i in range(255):
    _EXP[_i] = _x
    _LOG[_x] = _i
    _x <<= 1
    if _x & 0x100:
        _x ^= 0x11D
for _i in range(255, 512):
    _EXP[_i] = _EXP[_i - 255]

MASKS = [
    lambda r, c: (r + c) % 2 == 0,
    lambda r, c: r % 2 == 0,
    lambda r, c: c % 3 == 0,
    lambda r, c: (r + c) % 3 == 0,
    lambda r, c: (r // 2 + c // 3) % 2 == 0,
    lambda r, c: (r * c) % 2 + (r * c) % 3 == 0,
    lambda r, c: ((r * c) % 2 + (r * c) % 3) % 2 == 0,
    lambda r, c: ((r + c) % 2 + (r * c) % 3) % 2 == 0,
]


def matrix_from_svg(svg: str) -> list[list[int]]:
    """The dark modules of a segno SVG path (M x y, h n, m dx dy; y is the middle of a row)."""
    d = re.search(r'<path[^>]* d="([^"]+)"', svg).group(1)
    dark: set[tuple[int, int]] = set()
    x = y = 0.0
    for cmd, a, b in re.findall(r"([Mmh])\s*(-?[\d.]+)(?:[\s,]+(-?[\d.]+))?", d):
        if cmd == "M":
            x, y = float(a), float(b)
        elif cmd == "m":
            x, y = x + float(a), y + float(b)
        else:
            n = int(float(a))
            for i in range(n):
                dark.add((int(y), int(x) + i))
            x += n
    top = min(r for r, _c in dark)
    left = min(c for _r, c in dark)
    size = max(c for _r, c in dark) - left + 1
    return [[1 if (top + r, left + c) in dark else 0 for c in range(size)] for r in range(size)]


def _reserved(size: int, version: int) -> list[list[bool]]:
    res = [[False] * size for _ in range(size)]

    def block(r0, r1, c0, c1):
        for r in range(max(r0, 0), min(r1, size)):
            for c in range(max(c0, 0), min(c1, size)):
                res[r][c] = True

    block(0, 9, 0, 9)
    block(0, 9, size - 8, size)
    block(size - 8, size, 0, 9)
    block(6, 7, 0, size)
    block(0, size, 6, 7)
    if version >= 2:
        pos = ALIGNMENT_POS[version - 2]
        last = pos[-1]
        for r in pos:
            for c in pos:
                if (r, c) in ((6, 6), (6, last), (last, 6)):
                    continue
                block(r - 2, r + 3, c - 2, c + 3)
    if version >= 7:
        block(0, 6, size - 11, size - 8)
        block(size - 11, size - 8, 0, 6)
    return res


def _bits(m, reserved, mask) -> list[int]:
    size = len(m)
    bits, up, col = [], True, size - 1
    while col > 0:
        if col == 6:
            col -= 1
        rows = range(size - 1, -1, -1) if up else range(size)
        for r in rows:
            for c in (col, col - 1):
                if not reserved[r][c]:
                    bits.append(m[r][c] ^ (1 if mask(r, c) else 0))
        up, col = not up, col - 2
    return bits


def _syndromes_zero(block: list[int], ec_len: int) -> bool:
    for i in range(ec_len):
        value = 0
        for cw in block:
            value = (_EXP[_LOG[value] + i] if value else 0) ^ cw
        if value:
            return False
    return True


def decode(svg: str) -> str:
    m = matrix_from_svg(svg)
    size = len(m)
    version = (size - 17) // 4
    assert size == version * 4 + 17, f"not a QR symbol: {size} modules"
    reserved = _reserved(size, version)
    # With the same block layout a stronger level also passes a weaker level's check: try strongest first.
    layouts = sorted(ECC[version].values(), key=lambda lay: lay[0].num_total - lay[0].num_data, reverse=True)
    for layout in layouts:
        blocks_spec = [(b.num_total, b.num_data) for b in layout for _ in range(b.num_blocks)]
        total = sum(t for t, _d in blocks_spec)
        ec_len = blocks_spec[0][0] - blocks_spec[0][1]
        for mask in MASKS:
            bits = _bits(m, reserved, mask)
            words = [int("".join(map(str, bits[i:i + 8])), 2) for i in range(0, total * 8, 8)]
            blocks: list[list[int]] = [[] for _ in blocks_spec]
            it = iter(words)
            for i in range(max(d for _t, d in blocks_spec)):
                for n, (_t, d) in enumerate(blocks_spec):
                    if i < d:
                        blocks[n].append(next(it))
            for _i in range(ec_len):
                for n in range(len(blocks_spec)):
                    blocks[n].append(next(it))
            if not all(_syndromes_zero(b, ec_len) for b in blocks):
                continue
            data = [cw for b, (_t, d) in zip(blocks, blocks_spec) for cw in b[:d]]
            stream = "".join(f"{cw:08b}" for cw in data)
            assert stream[:4] == "0100", "only byte mode is read here"
            count_bits = 8 if version < 10 else 16
            length = int(stream[4:4 + count_bits], 2)
            start = 4 + count_bits
            raw = bytes(int(stream[start + 8 * i:start + 8 * i + 8], 2) for i in range(length))
            return raw.decode("utf-8")
    raise ValueError("no mask and error level gives a valid QR symbol")
