"""Decoding and the public surface of analysis.ingest."""

from __future__ import annotations

import codecs

import pytest

import analysis.ingest as ingest
from analysis.errors import InputError
from analysis.ingest.decode import decode_bytes

TEXT = "Renée said “no” – twice."


@pytest.mark.parametrize(
    "data, encoding, note",
    [
        (TEXT.encode("utf-8"), "utf-8", None),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig", None),
        (TEXT.encode("utf-16"), "utf-16", "UTF-16 (BOM)"),
        (TEXT.encode("utf-16-le"), "utf-16-le", "UTF-16-LE (no BOM)"),
        (TEXT.encode("utf-16-be"), "utf-16-be", "UTF-16-BE (no BOM)"),
        (TEXT.encode("cp1252"), "cp1252", "cp1252"),
        ("Ren\xe9e \x81".encode("latin-1"), "latin-1", "latin-1"),
    ],
)
def test_decode_bytes_encodings(data: bytes, encoding: str, note: str | None) -> None:
    decoded = decode_bytes(data, name="x.csv")
    assert decoded.encoding == encoding
    assert decoded.text.startswith("Ren")
    assert (decoded.note is None) if note is None else (note in (decoded.note or ""))


def test_decode_bytes_bad_bom_is_input_error() -> None:
    with pytest.raises(InputError, match="x.csv: starts with a utf-16"):
        decode_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8", name="x.csv")


def test_ingest_all_is_exactly_the_public_names() -> None:
    public = {n for n in dir(ingest) if not n.startswith("_")} - {
        "annotations",
        "article",
        "chunks",
        "comments",
        "decode",
        "fetch",
        "layouts",
        "tables",
        "times",
        "values",
    }
    assert set(ingest.__all__) == public
    assert all(callable(getattr(ingest, n)) for n in ingest.__all__)
