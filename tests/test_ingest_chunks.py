"""read_comments_chunks: chunk by chunk, exactly the statements and report of read_comments."""

from __future__ import annotations

import csv
import gzip
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.errors import InputError
from analysis.ingest import (
    ColumnMapping,
    chunks,
    decode,
    read_comments,
    read_comments_chunks,
    tables,
)
from analysis.report import ImportReport

TIMES = [
    "2026-11-03T02:43:41Z",
    "2026-11-03 09:15",  # no zone: counted in a note
    "1762137821",  # epoch seconds
    "Tue Nov 03 02:43:41 +0000 2026",
    "when the ferry runs again",  # unreadable: counted in a note with the first example
    "",
]
TEXTS = [
    "The new ferry schedule is a mess, nobody asked the people who ride it 😡",
    'Council said "we will review it", which means nothing.\nSecond line of my comment.',
    "Finally! Proud of our harbour crew 🎉🚢",
    "",  # empty text: a counted skip
    "   ",
    "Taxes, taxes, taxes; and the bridge still is not done",
    "¿Y el presupuesto? Nadie lo explicó",
]


def _rows(count: int) -> list[dict[str, str]]:
    """Comments with repeated ids (far apart, so across chunks), blank ids, odd times."""
    rows = []
    for i in range(count):
        rows.append(
            {
                "comment_id": f"c{i % 37}" if i % 5 == 0 else ("" if i % 11 == 0 else f"c{i}"),
                "author": f"resident_{i % 13}",
                "date": TIMES[i % len(TIMES)],
                "comment": TEXTS[i % len(TEXTS)] + (f" #{i}" if TEXTS[i % len(TEXTS)] else ""),
                "parent_comment_id": f"c{i - 1}" if i % 3 == 0 and i else "",
            }
        )
    return rows


def _write_csv(
    path: Path, rows: list[dict[str, str]], *, sep: str = ",", bom: bool = False
) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=sep)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _write_jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    lines = []
    for i, row in enumerate(rows):
        record: dict[str, Any] = {
            "id": row["comment_id"] or None,
            "author": row["author"],
            "body": "[deleted]" if i % 17 == 4 else row["comment"],
            "created_utc": 1_762_137_821 + i if i % 9 else "soon",
            "parent_id": f"t1_{row['parent_comment_id']}" if row["parent_comment_id"] else "t3_x",
            "subreddit": "ourtown",
        }
        lines.append(json.dumps(record, ensure_ascii=False))
        if i % 97 == 50:
            lines.append('{"id": "broken", "body": "cut off mid')  # malformed JSON: a skip
        if i % 131 == 7:
            lines.extend(["", "[1, 2]"])  # a blank line, and a line that is not an object
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _write_parquet(path: Path, rows: list[dict[str, str]], *, group: int = 300) -> Path:
    """Several row groups, and an integer column with a few nulls: pandas reads it whole as
    float64, so a batch without a null must become float64 too."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {key: pa.array([r[key] for r in rows], pa.string()) for key in rows[0]}
    scores = [None if i % 400 == 3 else i * 7 for i in range(len(rows))]
    columns["score"] = pa.array(scores, pa.int64())
    pq.write_table(pa.table(columns), path, row_group_size=group)
    return path


def _assert_same(
    path: Path,
    chunk_rows: int,
    expected: tuple[pd.DataFrame, ImportReport] | None = None,
    **options: Any,
) -> list[pd.DataFrame]:
    whole, report = expected or read_comments(path, **options)
    iterator, chunk_report = read_comments_chunks(path, chunk_rows=chunk_rows, **options)
    parts = list(iterator)
    assert parts, "at least one table, so pd.concat always works"
    assert all(len(p) <= chunk_rows for p in parts)
    pd.testing.assert_frame_equal(pd.concat(parts, ignore_index=True), whole)
    assert chunk_report.to_dict() == report.to_dict()
    assert chunk_report.skipped == report.skipped
    assert chunk_report.balanced
    return parts


@pytest.fixture
def no_whole_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if the chunked reader falls back to reading the file whole."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("read whole instead of streamed")

    monkeypatch.setattr(chunks, "read_comments", refuse)


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read 4 KiB at a time, so pyarrow hands over many small batches."""
    monkeypatch.setattr(chunks, "_BLOCK", 4096)


Writer = Callable[[Path, list[dict[str, str]]], Path]


def _write_xlsx(path: Path, rows: list[dict[str, str]]) -> Path:
    pd.DataFrame(rows).to_excel(path, index=False)
    return path


def _write_cp1252(path: Path, rows: list[dict[str, str]]) -> Path:
    """UTF-8 until a late cp1252 row: the whole read decodes all of it as cp1252."""
    path.write_bytes(_csv_bytes(rows) + "x,y,z,caf\xe9 au lait,\n".encode("cp1252"))
    return path


def _gzipped(write: Writer) -> Writer:
    """``write``, then the file gzip-compressed in place (the name keeps its ``.gz``)."""

    def gzipped(path: Path, rows: list[dict[str, str]]) -> Path:
        write(path, rows)
        path.write_bytes(gzip.compress(path.read_bytes()))
        return path

    return gzipped


@pytest.mark.usefixtures("no_whole_read", "small_blocks")
@pytest.mark.parametrize(
    "name, write",
    [
        ("comments.csv", _write_csv),
        ("comments.tsv", lambda p, r: _write_csv(p, r, sep="\t")),
        ("excel.csv", lambda p, r: _write_csv(p, r, bom=True)),
        ("RC_ourtown.jsonl", _write_jsonl),
        ("comments.parquet", _write_parquet),
    ],
)
@pytest.mark.parametrize("count, chunk_rows", [(60, 7), (1_234, 97), (1_234, 100_000)])
def test_read_comments_chunks_streamed_equals_whole(
    tmp_path: Path, name: str, write: Writer, count: int, chunk_rows: int
) -> None:
    path = write(tmp_path / name, _rows(count))
    parts = _assert_same(path, chunk_rows)
    assert len(parts) == (count - 1) // chunk_rows + 1 or len(parts) > 2


def test_read_comments_chunks_notes_are_totals_once(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "c.csv", _rows(1_234))
    iterator, report = read_comments_chunks(path, chunk_rows=300)
    list(iterator)
    repeat = [n for n in report.notes if "repeat an id" in n]
    unreadable = [n for n in report.notes if "could not be read" in n]
    assert len(repeat) == 1 and len(unreadable) == 1
    assert "'when the ferry runs again'" in unreadable[0]


@pytest.mark.usefixtures("no_whole_read")
def test_read_comments_chunks_long_rows_streamed_with_skips(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "c.csv", _rows(700))
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(600, "c9999,someone,2026-11-03T02:43:41Z,too,many,fields,here\n")
    path.write_text("".join(lines), encoding="utf-8")
    _assert_same(path, 150)


@pytest.mark.parametrize(
    "name, write",
    [
        ("cp1252.csv", _write_cp1252),
        ("semicolon.csv", lambda p, r: _write_csv(p, r, sep=";")),
        # a row with too few fields sends the whole read to pandas
        ("short.csv", lambda p, r: p.write_bytes(_csv_bytes(r) + b"c77777,only two\n")),
        # inside gzip: Parquet, XLSX and cp1252 text are read whole too
        ("comments.parquet.gz", _gzipped(_write_parquet)),
        ("comments.xlsx.gz", _gzipped(_write_xlsx)),
        ("cp1252.csv.gz", _gzipped(_write_cp1252)),
        ("export.json", lambda p, r: p.write_text(json.dumps({"comments": r}), encoding="utf-8")),
        ("comments.xlsx", lambda p, r: pd.DataFrame(r).to_excel(p, index=False)),
        ("workbook.csv", lambda p, r: pd.DataFrame(r).to_excel(p, index=False, engine="openpyxl")),
        ("utf16.csv", lambda p, r: p.write_bytes(_csv_bytes(r).decode("utf-8").encode("utf-16"))),
    ],
)
def test_read_comments_chunks_fallback_equals_whole(
    tmp_path: Path, name: str, write: Callable[[Path, list[dict[str, str]]], object]
) -> None:
    path = tmp_path / name
    write(path, _rows(60))
    _assert_same(path, 7)


# --------------------------------------------------------------------------- gzip, streamed


def _watch_inflation(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of every piece inflated from now on; the whole-file gunzip must not run."""
    sizes: list[int] = []
    inflate = decode.Gunzip.inflate

    def spy(self: decode.Gunzip, size: int) -> bytes:
        out = inflate(self, size)
        sizes.append(len(out))
        return out

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("gzip inflated whole instead of streamed")

    monkeypatch.setattr(decode.Gunzip, "inflate", spy)
    monkeypatch.setattr(tables, "gunzip_capped", refuse)
    monkeypatch.setattr(chunks, "_HEAD", 16_384)  # a small head, so the head is not the file
    return sizes


@pytest.mark.usefixtures("no_whole_read", "small_blocks")
@pytest.mark.parametrize(
    "name, write, count, chunk_rows",
    [
        ("comments.csv.gz", _gzipped(_write_csv), 60, 7),
        ("comments.csv.gz", _gzipped(_write_csv), 1_234, 97),
        ("comments.tsv.gz", _gzipped(lambda p, r: _write_csv(p, r, sep="\t")), 1_234, 97),
        ("excel.csv.gz", _gzipped(lambda p, r: _write_csv(p, r, bom=True)), 60, 7),
        ("RC_ourtown.jsonl.gz", _gzipped(_write_jsonl), 1_234, 97),
        ("export.ndjson.GZ", _gzipped(_write_jsonl), 60, 7),
    ],
)
def test_read_comments_chunks_gzip_streamed_equals_whole(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    write: Writer,
    count: int,
    chunk_rows: int,
) -> None:
    path = write(tmp_path / name, _rows(count))
    expected = read_comments(path)  # before the fixture refuses the whole-file gunzip
    sizes = _watch_inflation(monkeypatch)
    parts = _assert_same(path, chunk_rows, expected)
    assert expected[1].notes[0] == "decompressed gzip"
    assert len(parts) > 1
    assert sizes and max(sizes) <= 16_384, "inflated a block at a time, never the whole file"
    assert sum(sizes) > 2 * len(gzip.decompress(path.read_bytes())), "each pass re-reads the file"


def _csv_bytes(rows: list[dict[str, str]]) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        return _write_csv(Path(tmp) / "c.csv", rows).read_bytes()


@pytest.mark.usefixtures("no_whole_read")
def test_read_comments_chunks_mapping_and_platform(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "c.csv", _rows(100))
    mapping = ColumnMapping(text="comment", author="author", id="comment_id")
    _assert_same(path, 13, mapping=mapping, platform="YouTube")


def test_read_comments_chunks_named_column_missing(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "c.csv", _rows(20))
    with pytest.raises(InputError, match="'nope' does not exist"):
        read_comments_chunks(path, mapping=ColumnMapping(text="nope"))


@pytest.mark.usefixtures("no_whole_read")
def test_read_comments_chunks_all_rows_skipped_yields_an_empty_table(tmp_path: Path) -> None:
    rows = [r | {"comment": ""} for r in _rows(30)]
    parts = _assert_same(_write_csv(tmp_path / "c.csv", rows), 4)
    assert [len(p) for p in parts] == [0]


@pytest.mark.parametrize("name, write", [("c.csv", _write_csv), ("c.jsonl", _write_jsonl)])
def test_read_comments_chunks_size_cap(tmp_path: Path, name: str, write: Writer) -> None:
    path = write(tmp_path / name, _rows(50))
    size = path.stat().st_size
    with pytest.raises(InputError, match=f"{size} bytes is larger than the limit of 1000 bytes"):
        read_comments_chunks(path, max_bytes=1_000)
    with pytest.raises(InputError, match=f"{size} bytes is larger than the limit of 1000 bytes"):
        read_comments(path, max_bytes=1_000)


@pytest.mark.usefixtures("small_blocks")
def test_read_comments_chunks_size_cap_while_streaming(tmp_path: Path) -> None:
    """A file that grows after the size check still stops at the limit."""
    path = _write_csv(tmp_path / "c.csv", _rows(5_000))
    limit = path.stat().st_size + 10
    iterator, _ = read_comments_chunks(path, chunk_rows=600, max_bytes=limit)
    with path.open("ab") as handle:
        handle.write(b"c1,someone,2026-11-03T02:43:41Z,grown later,\n" * 2_000)
    with pytest.raises(InputError, match="larger than the limit"):
        list(iterator)


@pytest.mark.parametrize(
    "path, message", [("missing.csv", "no such file"), (".", "is a directory")]
)
def test_read_comments_chunks_bad_path(tmp_path: Path, path: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_comments_chunks(tmp_path / path)


def test_read_comments_chunks_rejects_zero_rows(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="chunk_rows"):
        read_comments_chunks(_write_csv(tmp_path / "c.csv", _rows(3)), chunk_rows=0)


# --------------------------------------------------------------------------- property

ROW = st.fixed_dictionaries(
    {
        "id": st.one_of(st.sampled_from(["a", "b", "c1", "", "a#2"]), st.text(max_size=6)),
        "who": st.text(max_size=8),
        "when": st.one_of(st.sampled_from(TIMES), st.text(max_size=12)),
        "text": st.text(max_size=30),
    }
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(ROW, max_size=24),
    chunk_rows=st.integers(3, 12),
    fmt=st.sampled_from(["csv", "tsv", "jsonl", "parquet", "csv.gz", "jsonl.gz"]),
)
def test_read_comments_chunks_property_equals_whole(
    rows: list[dict[str, str]], chunk_rows: int, fmt: str
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"comments.{fmt}"
        if fmt.startswith("jsonl"):
            path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        elif fmt == "parquet":
            frame = pd.DataFrame(rows, columns=["id", "who", "when", "text"], dtype=object)
            frame.to_parquet(path)
        else:
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle, delimiter="\t" if fmt == "tsv" else ",")
                writer.writerow(["id", "who", "when", "text"])
                writer.writerows([list(r.values()) for r in rows])
        if fmt.endswith(".gz"):
            path.write_bytes(gzip.compress(path.read_bytes()))
        try:
            whole, report = read_comments(path)
        except InputError as exc:
            with pytest.raises(InputError, match="."):
                list(read_comments_chunks(path, chunk_rows=chunk_rows)[0])
            assert str(exc)
            return
        iterator, chunk_report = read_comments_chunks(path, chunk_rows=chunk_rows)
        pd.testing.assert_frame_equal(pd.concat(list(iterator), ignore_index=True), whole)
        assert chunk_report.to_dict() == report.to_dict()
        assert chunk_report.skipped == report.skipped


def test_read_comments_chunks_named_path_only_in_later_records(tmp_path: Path) -> None:
    """The whole read finds a named path past the sample; so must the chunked read."""
    records = [{"id": f"r{i}", "body": f"Short note {i}"} for i in range(620)]
    for record in records[560:]:
        record["reply_text"] = f"The later export added this field, comment {record['id']}"
    path = tmp_path / "late.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    _assert_same(path, 50, mapping=ColumnMapping(text="reply_text"))


def test_read_comments_chunks_parquet_struct_columns_read_as_records(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    users = [{"name": f"resident_{i % 7}", "verified": i % 2 == 0} for i in range(40)]
    table = pa.table(
        {"id": [f"c{i}" for i in range(40)], "user": users, "text": TEXTS * 5 + TEXTS[:5]}
    )
    path = tmp_path / "nested.parquet"
    pq.write_table(table, path)
    parts = _assert_same(path, 6, mapping=ColumnMapping(author="user.name"))
    speakers = set(pd.concat(parts)["speaker"])
    assert {"resident_0", "resident_1"} <= speakers <= {f"resident_{i}" for i in range(7)}


@pytest.mark.usefixtures("no_whole_read")
def test_read_comments_chunks_parquet_with_a_pandas_index(tmp_path: Path) -> None:
    frame = pd.DataFrame(_rows(700)).set_index("author")
    path = tmp_path / "indexed.parquet"
    frame.to_parquet(path, row_group_size=128)
    _assert_same(path, 101)


def _csv_gz(path: Path, count: int) -> bytes:
    data = gzip.compress(_csv_bytes(_rows(count)))
    path.write_bytes(data)
    return data


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda gz: gz[: len(gz) // 2], "damaged .it ends before the compressed data does"),
        (lambda gz: gz[:-4], "damaged .it ends before the compressed data does"),  # no trailer
        (lambda gz: gz[:800] + bytes(64) + gz[864:], "is gzip-compressed but damaged"),
        (lambda gz: gz + b"trailing junk", "is gzip-compressed but damaged"),
    ],
)
def test_read_comments_chunks_gzip_damaged_same_error_as_whole(
    tmp_path: Path, damage: Callable[[bytes], bytes], message: str
) -> None:
    path = tmp_path / "comments.csv.gz"
    path.write_bytes(damage(_csv_gz(path, 800)))
    with pytest.raises(InputError, match=message) as whole:
        read_comments(path)
    with pytest.raises(InputError, match=message) as streamed:
        list(read_comments_chunks(path, chunk_rows=50)[0])
    assert str(streamed.value) == str(whole.value)


@pytest.mark.usefixtures("small_blocks")
def test_read_comments_chunks_gzip_cut_off_while_streaming(tmp_path: Path) -> None:
    """A download still being written when the chunks are read: an error, not fewer rows."""
    path = tmp_path / "comments.csv.gz"
    data = _csv_gz(path, 3_000)
    iterator, _ = read_comments_chunks(path, chunk_rows=500)
    path.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(InputError, match="comments.csv.gz: is gzip-compressed but damaged"):
        list(iterator)


@pytest.mark.parametrize("limit", [50_000, 5_000_000])  # inside the 4 MiB head, and past it
def test_read_comments_chunks_gzip_inflating_past_the_limit(tmp_path: Path, limit: int) -> None:
    path = tmp_path / "bomb.csv.gz"
    path.write_bytes(gzip.compress(b"author,text\n" + b"someone,the same words again\n" * 200_000))
    expected = f"bomb.csv.gz: decompresses to more than the limit of {limit} bytes"
    for read in (read_comments, read_comments_chunks):
        with pytest.raises(InputError) as caught:
            read(path, max_bytes=limit)
        assert str(caught.value) == expected


@pytest.mark.usefixtures("no_whole_read")
def test_read_comments_chunks_gzip_members_all_read(tmp_path: Path) -> None:
    """``cat a.gz b.gz`` is one gzip file (as ``gzip -d`` reads it): no member is dropped."""
    plain = _write_csv(tmp_path / "comments.csv", _rows(400))
    data = plain.read_bytes()
    path = tmp_path / "comments.csv.gz"
    path.write_bytes(gzip.compress(data[:5_000]) + gzip.compress(data[5_000:]) + bytes(8))
    parts = _assert_same(path, 64)
    assert sum(map(len, parts)) == len(read_comments(plain)[0])
