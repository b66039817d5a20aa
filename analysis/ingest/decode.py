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


def inflated_name(name: str) -> str:
    """The name of what a gzip file holds (``x.csv`` of ``x.csv.gz``): its suffix tells the format."""
    return name.removesuffix(".gz").removesuffix(".GZ")


def gunzip_capped(data: bytes, *, name: str, max_bytes: int) -> bytes:
    """Decompress gzip data without ever holding more than ``max_bytes`` of output."""
    inflater = Gunzip(name=name, max_bytes=max_bytes)
    inflater.feed(data)
    pieces = []
    while piece := inflater.inflate(max_bytes + 1):  # one piece per member: no copy for one
        pieces.append(piece)
    inflater.finish()
    return b"".join(pieces)


class Gunzip:
    """Inflates gzip data fed in blocks, so a large export can be decompressed as it is read.

    Every member is read (``cat a.gz b.gz`` is one valid gzip file, as ``gzip -d`` reads it) and
    NUL padding after a member is ignored. At most ``max_bytes`` of output in all; data that
    stops before the end of a member is an error (:meth:`finish`), never silently fewer rows.
    """

    def __init__(self, *, name: str, max_bytes: int) -> None:
        self.name = name
        self.max_bytes = max_bytes
        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._pending = b""  # input not yet inflated
        self._total = 0  # output so far

    def feed(self, data: bytes) -> None:
        """More compressed input (call when :meth:`inflate` returned nothing)."""
        self._pending += data

    def inflate(self, size: int) -> bytes:
        """At most ``size`` bytes of output; empty when all input fed so far is used up.

        Raises:
            InputError: the data is damaged, or the output passes ``max_bytes``.
        """
        out = b""
        while self._pending and not out:
            if self._inflater.eof:  # a member ended: padding, or the next member
                self._pending = self._pending.lstrip(b"\x00")
                if not self._pending:
                    break
                self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            room = min(max(size, 1), self.max_bytes - self._total + 1)
            out = self._inflate(room)
        self._total += len(out)
        if self._total > self.max_bytes:
            raise InputError(
                f"{self.name}: decompresses to more than the limit of {self.max_bytes} bytes"
            )
        return out

    def _inflate(self, room: int) -> bytes:
        data, self._pending = self._pending, b""
        try:
            out = self._inflater.decompress(data, room)
        except zlib.error as exc:
            raise self.damaged(str(exc)) from exc
        self._pending = self._inflater.unconsumed_tail or self._inflater.unused_data
        return out

    def finish(self) -> None:
        """The input has ended: raise if it ended inside a member (a cut-off download)."""
        if not self._inflater.eof:
            raise self.damaged("it ends before the compressed data does; the file is cut off")

    def damaged(self, why: str) -> InputError:
        return InputError(f"{self.name}: is gzip-compressed but damaged ({why})")


__all__ = ["Decoded", "Gunzip", "decode_bytes", "gunzip_capped", "inflated_name", "read_capped"]
