"""Bytes to text the way exports actually arrive: UTF-8 (with or without BOM), UTF-16, or cp1252.

Spreadsheet tools on Windows still write cp1252 and UTF-16 "Unicode text"; a wrong guess here
turns every apostrophe into mojibake and skews sentiment, so every fallback is written to the notes.
"""

from __future__ import annotations

import codecs
import zlib
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class Decoded:
    """Text plus how it was read (``note`` is None for plain UTF-8)."""

    text: str
    encoding: str
    note: str | None = None


def decode_bytes(data: bytes, *, name: str) -> Decoded:
    """Decode ``data``; BOMs win, then strict UTF-8, then BOM-less UTF-16, then cp1252.

    Raises:
        InputError: the bytes hold NUL characters in no text encoding we know (a binary file).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _strict(data, encoding, name)
            note = None if encoding == "utf-8-sig" else f"decoded as {encoding.upper()} (BOM)"
            return Decoded(text, encoding, note)
    if b"\x00" in data[:4096]:
        return _utf16_without_bom(data, name)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        where = f"byte {exc.start}"
    try:
        text = data.decode("cp1252")
        return Decoded(text, "cp1252", f"decoded as cp1252 (not valid UTF-8 at {where})")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        return Decoded(text, "latin-1", f"decoded as latin-1 (not valid UTF-8 at {where})")


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: starts with a {encoding} byte-order mark but byte {exc.start} is not valid "
            f"{encoding}; re-save the file as UTF-8"
        ) from exc


def _utf16_without_bom(data: bytes, name: str) -> Decoded:
    """UTF-16 text of mostly ASCII has NUL in every other byte; which half tells the byte order."""
    head = data[:4096]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    encoding = "utf-16-le" if odd > even else "utf-16-be"
    if max(even, odd) >= len(head) // 4:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            text = ""
        if text and _mostly_printable(text[:2048]):
            return Decoded(text, encoding, f"decoded as {encoding.upper()} (no BOM)")
    raise InputError(
        f"{name}: contains NUL bytes and is not UTF-16 text; it looks like a binary file"
    )


def _mostly_printable(text: str) -> bool:
    odd = sum(1 for c in text if not (c.isprintable() or c in "\t\n\r"))
    return odd <= len(text) // 20


def read_capped(path: Path, *, max_bytes: int) -> bytes:
    """Read a whole file, refusing it before reading when it is larger than ``max_bytes``."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"{path.name}: {size} bytes is larger than the limit of {max_bytes} bytes"
            )
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a directory, expected a file") from exc
    except PermissionError as exc:
        raise InputError(f"{path}: not readable (permission denied)") from exc


def gunzip_capped(data: bytes, *, name: str, max_bytes: int) -> bytes:
    """Decompress gzip data without ever holding more than ``max_bytes`` of output."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise InputError(f"{name}: is gzip-compressed but damaged ({exc})") from exc
    if len(out) > max_bytes:
        raise InputError(f"{name}: decompresses to more than the limit of {max_bytes} bytes")
    return out


__all__ = ["Decoded", "decode_bytes", "gunzip_capped", "read_capped"]
