"""Generated media the vendors serve: small real PNGs (renders, screenshots) and plain HTML pages (reports)."""

from __future__ import annotations

import hashlib
import struct
import zlib
from html import escape

MAX_SIDE = 10_000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def colour_for(digest: str) -> tuple[int, int, int]:
    raw = hashlib.md5(digest.encode("utf-8")).digest()
    return raw[0], raw[1], raw[2]


def solid_png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """An 8-bit RGB PNG; rows are fed to zlib one by one so a tall image costs little memory."""
    if not (1 <= width <= MAX_SIDE and 1 <= height <= MAX_SIDE):
        raise ValueError(f"width and height must be 1..{MAX_SIDE}")
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    row = b"\x00" + bytes(rgb) * width
    packer = zlib.compressobj(9)
    parts = [packer.compress(row) for _ in range(height)]
    parts.append(packer.flush())
    return PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", b"".join(parts)) + _chunk(b"IEND", b"")


def is_png(data: bytes) -> bool:
    return data.startswith(PNG_SIGNATURE)


def _cell(value) -> str:
    return escape("" if value is None else str(value))


def html_table(rows) -> str:
    """(label, value) pairs as a two-column table, every cell escaped."""
    return "<table>" + "".join(f"<tr><th>{_cell(k)}</th><td>{_cell(v)}</td></tr>" for k, v in rows) + "</table>"


def html_grid(columns, rows) -> str:
    """Records (dicts) as a table with one column per name in `columns`, every cell escaped."""
    head = "".join(f"<th>{_cell(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_cell(r.get(c))}</td>" for c in columns) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def html_page(title: str, body: str, body_class: str | None = None) -> str:
    """A complete UTF-8 HTML document: the title as <title> and <h1>, then `body` (already escaped HTML)."""
    attr = f' class="{escape(body_class)}"' if body_class else ""
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
            f"<body{attr}><h1>{escape(title)}</h1>{body}</body></html>")
