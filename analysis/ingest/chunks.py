"""A comment export read in chunks, with exactly the statements and report of a whole-file read.

A million-comment CSV read whole holds its bytes, its text, the parsed table and the statements
at once (about 1.8 GB). Read in chunks, only one chunk of each is alive. The chunks concatenated
equal :func:`~analysis.ingest.comments.read_comments` row for row, and the final report equals its
report, because both run the same code (:func:`~analysis.ingest.comments.statements`) and what
crosses chunks is carried: the columns chosen from the first ``SAMPLE`` rows, the row numbers, the
ids already seen (a repeated id gets the same ``#n``), and the counts behind the notes.

Streamed: UTF-8 CSV/TSV (comma or tab), JSON lines (``.jsonl``/``.ndjson``) in UTF-8, Parquet
without struct columns, and those CSV/TSV/JSON lines gzip-compressed (``x.csv.gz``): every pass
reads the file through :class:`_File`, which inflates a gzip file block by block as it is read.
Everything else — other encodings, other delimiters, CSV rows with too few fields (the whole-file
read re-reads those with pandas), Parquet or XLSX inside gzip, JSON documents, XLSX — is read whole
and handed out in slices: correct first, then small.
"""

from __future__ import annotations

import codecs
import importlib
import io
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import schema
from analysis.errors import InputError
from analysis.ingest.comments import (
    MAX_BYTES,
    Carry,
    ColumnMapping,
    _sample_paths,
    _slimmer,
    choose_columns,
    new_report,
    raw_records,
    read_comments,
    statements,
)
from analysis.ingest.decode import Gunzip, inflated_name
from analysis.ingest.layouts import Layout
from analysis.ingest.tables import (
    DELIMITED,
    SAMPLE,
    JsonLines,
    Parsed,
    Slimmer,
    _header,
    _sniff_delimiter,
)
from analysis.report import RAW_EXCERPT, ImportReport, Skip

_HEAD = 4 << 20  # bytes read to sniff format, encoding and header (>= the 1M characters the
# whole-file read gives the header parser)
_BLOCK = 1 << 20  # bytes per read while streaming
_BOM = codecs.BOM_UTF8
_GZIP = b"\x1f\x8b"
# UTF-16/32 byte-order marks, gzip (inside gzip), zstd, zip (XLSX): the whole-file read handles these
_NOT_UTF8 = (b"\xff\xfe", b"\xfe\xff", _GZIP, b"\x28\xb5\x2f\xfd", b"PK\x03\x04")

Chunks = Generator[Parsed, None, None]


def read_comments_chunks(
    path: str | Path,
    *,
    mapping: ColumnMapping | None = None,
    platform: str | None = None,
    chunk_rows: int = 100_000,
    max_bytes: int = MAX_BYTES,
) -> tuple[Iterator[pd.DataFrame], ImportReport]:
    """Read a comment export as statement tables of at most ``chunk_rows`` rows each.

    The format, the columns and the report's layout and mapping are settled before this returns
    (so a file without a text column raises here, as :func:`read_comments` does); rows, skips,
    statements and notes fill the report as the chunks are consumed and equal the whole-file
    report once the iterator is exhausted. ``pd.concat(chunks, ignore_index=True)`` equals
    ``read_comments(path, ...)[0]``. At least one (possibly empty) table is yielded.

    Raises:
        InputError: as :func:`read_comments` (empty, too large, not a comment export, no text
            column, a named column that does not exist, a damaged, cut-off or too large gzip); a
            file that grows past ``max_bytes`` or changes while it is read raises from the
            iterator. (A streamed gzip file is inflated once in full to check its UTF-8 before
            this returns, so its damage is found here.)
    """
    if chunk_rows < 1:
        raise ValueError(f"chunk_rows must be at least 1, not {chunk_rows}")
    path = Path(path)
    _check_size(path, max_bytes)
    named = (mapping or ColumnMapping()).by_field()
    source = path.name or "upload"
    opened = _open(path, named, source, chunk_rows=max(chunk_rows, SAMPLE), max_bytes=max_bytes)
    if opened is None:
        frame, report = read_comments(path, mapping=mapping, platform=platform, max_bytes=max_bytes)
        return _slices(frame, chunk_rows), report
    first, rest, tail_notes = opened
    if first.records is not None and not set(named.values()) <= set(_sample_paths(first.records)):
        # the whole-file read looks for a named path beyond the sample, in every record
        rest.close()
        frame, report = read_comments(path, mapping=mapping, platform=platform, max_bytes=max_bytes)
        return _slices(frame, chunk_rows), report
    raw, layout, chosen = choose_columns(first, named, source)
    report = new_report(first, layout, chosen, source=source, platform=platform)
    job = _Job(report, layout, chosen, platform, chunk_rows, tail_notes)
    return job.run(first, raw, rest), report


# --------------------------------------------------------------------------- statements per chunk


@dataclass
class _Job:
    """Turns raw chunks into statement chunks, keeping the report in whole-file order."""

    report: ImportReport
    layout: Layout
    chosen: dict[str, list[str]]
    platform: str | None
    chunk_rows: int
    tail_notes: Callable[[], list[str]]  # notes known only at the end (e.g. malformed rows)
    carry: Carry = field(default_factory=lambda: Carry(seen={}))
    parse_skips: int = 0  # the whole-file report lists these before the empty texts

    def run(self, first: Parsed, raw: pd.DataFrame, rest: Chunks) -> Iterator[pd.DataFrame]:
        base_notes = list(self.report.notes)
        yielded = False
        last = schema.empty()
        for parsed, frame in self._raw(first, raw, rest):
            for piece in self._pieces(parsed, frame):
                last = self._statements(piece)
                if len(last):
                    yielded = True
                    yield last
        self.report.notes = base_notes + self.tail_notes() + self.carry.notes()
        if not yielded:
            yield last

    def _raw(
        self, first: Parsed, raw: pd.DataFrame, rest: Chunks
    ) -> Iterator[tuple[Parsed, pd.DataFrame]]:
        yield first, raw
        for parsed in rest:
            if parsed.records is not None:
                yield parsed, raw_records(parsed.records, self.chosen)
            else:
                assert parsed.frame is not None
                yield parsed, parsed.frame

    def _pieces(self, parsed: Parsed, raw: pd.DataFrame) -> Iterator[tuple[Parsed, pd.DataFrame]]:
        """Slices of ``chunk_rows`` rows; the parse skips go with the first slice."""
        step = self.chunk_rows
        for start in range(0, max(len(raw), 1), step):
            piece = Parsed(
                parsed.fmt,
                rows=parsed.rows[start : start + step],
                skips=parsed.skips if start == 0 else [],
                users=parsed.users,
                records=[] if parsed.records is not None else None,
            )
            yield piece, raw.iloc[start : start + step]

    def _statements(self, chunk: tuple[Parsed, pd.DataFrame]) -> pd.DataFrame:
        parsed, raw = chunk
        report = self.report
        report.rows_read += len(parsed.rows) + len(parsed.skips)
        report.skipped[self.parse_skips : self.parse_skips] = parsed.skips
        self.parse_skips += len(parsed.skips)
        frame = statements(
            raw, self.chosen, self.layout, parsed, report, self.carry, platform=self.platform
        )
        report.statements += len(frame)
        return frame


def _slices(frame: pd.DataFrame, rows: int) -> Iterator[pd.DataFrame]:
    """A table read whole, handed out in pieces (at least one, so concat always works)."""
    for start in range(0, max(len(frame), 1), rows):
        yield frame.iloc[start : start + rows].reset_index(drop=True)


# --------------------------------------------------------------------------- choosing a reader


def _check_size(path: Path, max_bytes: int) -> None:
    """The checks (and messages) of ``read_capped``, without reading the file."""
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except PermissionError as exc:
        raise InputError(f"{path}: not readable (permission denied)") from exc
    if path.is_dir():
        raise InputError(f"{path}: is a directory, expected a file")
    if size > max_bytes:
        raise InputError(f"{path.name}: {size} bytes is larger than the limit of {max_bytes} bytes")


def _open(
    path: Path, named: dict[str, str], source: str, *, chunk_rows: int, max_bytes: int
) -> tuple[Parsed, Chunks, Callable[[], list[str]]] | None:
    """The first chunk (at least ``SAMPLE`` rows), the rest, and the end-of-file notes; None when
    only a whole-file read is sure to give the whole-file result."""
    file = _File(path, max_bytes, gzip=_starts_with(path, _GZIP))
    opened = _open_file(file, named, source, chunk_rows)
    if opened and file.gzip:
        opened[0].notes.insert(0, "decompressed gzip")  # where the whole-file read puts it
    return opened


def _open_file(
    file: _File, named: dict[str, str], source: str, chunk_rows: int
) -> tuple[Parsed, Chunks, Callable[[], list[str]]] | None:
    with file.open() as raw, io.BufferedReader(raw, _BLOCK) as handle:
        head = handle.read(_HEAD)
    suffix = Path(file.name).suffix.lower()
    if head.startswith(b"PAR1"):
        plain = suffix == ".parquet" and not file.gzip
        return _open_parquet(file.path, chunk_rows) if plain else None
    text = _utf8_head(head, whole=len(head) < _HEAD)
    if text is None or suffix in {".xlsx", ".xlsm", ".parquet"}:
        return None
    start = text.lstrip("\ufeff \t\r\n")[:512]
    if not start or start[:1] == "<" or start.startswith("window.YTD."):
        return None  # the whole-file read gives the error (or unwraps the archive)
    if not _valid_utf8(file):
        return None  # decoded as cp1252 by the whole-file read
    bom = len(_BOM) if head.startswith(_BOM) else 0
    if start[:1] in "[{":
        if suffix not in {".jsonl", ".ndjson"}:
            return None  # a JSON document (or lines sniffed from one): read whole
        return _open_jsonl(file, bom, _slimmer(named, source), chunk_rows)
    sep = "\t" if DELIMITED.get(suffix) == "\t" else _sniff_delimiter(start)
    if sep not in {",", "\t"} or text.startswith("\ufeff"):
        return None  # another delimiter, or a second byte-order mark: read whole
    names = _header(text[: 1 << 20], sep, file.name)
    if not names or not _arrow_reads_all(file, bom, names, sep):
        return None
    return _open_delimited(file, bom, names, sep, chunk_rows)


def _utf8_head(head: bytes, *, whole: bool) -> str | None:
    """The head decoded as the whole-file read would (UTF-8, BOM dropped), or None if it is not
    plain UTF-8 (other BOMs, UTF-16 without BOM, gzip, zstd, zip/XLSX, invalid bytes)."""
    if head.startswith(_NOT_UTF8):
        return None
    if b"\x00" in head[:4096]:
        return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        text = decoder.decode(head.removeprefix(_BOM), final=whole)
    except UnicodeDecodeError:
        return None
    return text


def _valid_utf8(file: _File) -> bool:
    """Is the whole file UTF-8? (Else the whole-file read decodes all of it as cp1252.)"""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with file.open() as handle:
        try:
            while block := handle.read(_BLOCK):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _starts_with(path: Path, magic: bytes) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(magic)) == magic
    except PermissionError as exc:
        raise InputError(f"{path}: not readable (permission denied)") from exc


@dataclass(frozen=True)
class _File:
    """The export as every pass reads it: the file's bytes, or the bytes inside its gzip."""

    path: Path
    max_bytes: int  # of the bytes read (inflated, for gzip), with the whole-file read's messages
    gzip: bool = False

    @property
    def name(self) -> str:
        """The name whose suffix tells the format: ``x.csv`` of ``x.csv.gz``, as the whole-file
        read (``tables.parse_bytes``) names what it inflates."""
        return inflated_name(self.path.name) if self.gzip else self.path.name

    def open(self, *, skip: int = 0, capped: bool = True) -> io.RawIOBase:
        """A raw stream of the bytes from ``skip`` on; past the cap a read raises InputError."""
        cap = self.max_bytes if capped else 1 << 62
        raw = _Gunzipped(self.path, cap) if self.gzip else _Capped(self.path, cap)
        try:
            while skip and (skipped := len(raw.read(skip) or b"")):
                skip -= skipped
        except BaseException:
            raw.close()
            raise
        return raw


class _Capped(io.RawIOBase):
    """A file read in blocks that raises the size-limit InputError once past ``max_bytes``."""

    def __init__(self, path: Path, max_bytes: int) -> None:
        self._file: io.BufferedReader = path.open("rb")
        self._name = path.name
        self._max = max_bytes
        self._read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self._file.readinto(buffer)
        self._read += count or 0
        if self._read > self._max:
            raise InputError(
                f"{self._name}: {self._read} bytes is larger than the limit of {self._max} bytes"
            )
        return count or 0

    def close(self) -> None:
        self._file.close()
        super().close()


class _Gunzipped(_Capped):
    """A gzip file inflated as it is read, ``max_bytes`` counting the inflated bytes."""

    def __init__(self, path: Path, max_bytes: int) -> None:
        super().__init__(path, 1 << 62)
        self._gunzip = Gunzip(name=path.name, max_bytes=max_bytes)

    def readinto(self, buffer: Any) -> int:
        """Some inflated bytes; 0 only at the end (raising if the gzip stops inside a member)."""
        while not (out := self._gunzip.inflate(len(buffer))):
            block = self._file.read(_BLOCK)
            if not block:
                self._gunzip.finish()
                return 0
            self._gunzip.feed(block)
        buffer[: len(out)] = out
        return len(out)


# --------------------------------------------------------------------------- delimited text


def _csv_options(names: list[str], sep: str, handler: Callable[[Any], str]) -> dict[str, Any]:
    """The options of the whole-file pyarrow read (``tables._arrow_csv``), streamed."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    return {
        "read_options": pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=_BLOCK),
        "parse_options": pacsv.ParseOptions(
            delimiter=sep, newlines_in_values=True, invalid_row_handler=handler
        ),
        "convert_options": pacsv.ConvertOptions(column_types={n: pa.string() for n in names}),
    }


def _arrow_reads_all(file: _File, bom: int, names: list[str], sep: str) -> bool:
    """A first pass: does pyarrow read every row (rows with too few fields, or a parse error,
    send the whole-file read to pandas, which this reader does not imitate)?"""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    short = False

    def handler(row: Any) -> str:
        nonlocal short
        short = short or row.actual_columns < row.expected_columns
        return "skip"

    options = _csv_options(names, sep, handler)
    options["convert_options"] = pacsv.ConvertOptions(
        column_types={names[0]: pa.string()}, include_columns=[names[0]]
    )
    try:
        with file.open(skip=bom, capped=False) as handle:
            for _ in pacsv.open_csv(handle, **options):
                if short:
                    return False
    except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError):
        return False
    return not short


def _open_delimited(
    file: _File, bom: int, names: list[str], sep: str, chunk_rows: int
) -> tuple[Parsed, Chunks, Callable[[], list[str]]]:
    fmt = "tsv" if sep == "\t" else "csv"
    skipped: list[Skip] = []

    def handler(row: Any) -> str:
        skipped.append(Skip(row.number, "malformed row", str(row.text)[:RAW_EXCERPT]))
        return "skip"

    def chunks() -> Chunks:
        import pyarrow.csv as pacsv

        next_row = 2  # the header is row 1
        with file.open(skip=bom) as handle:
            reader = pacsv.open_csv(handle, **_csv_options(names, sep, handler))
            empty = pd.DataFrame({n: pd.Series([], dtype="str") for n in names})
            for frame in _gather((b.to_pandas() for b in reader), chunk_rows, empty):
                rows = list(range(next_row, next_row + len(frame)))
                next_row += len(frame)
                yield Parsed(fmt, frame=frame, rows=rows, skips=_drain(skipped))

    def tail_notes() -> list[str]:
        return [f"{total[0]} rows had more fields than the header and were skipped"] * bool(
            total[0]
        )

    total = [0]
    stream = _counting(chunks(), total)
    return next(stream), stream, tail_notes


def _counting(chunks: Chunks, total: list[int]) -> Chunks:
    for chunk in chunks:
        total[0] += len(chunk.skips)
        yield chunk


def _drain(items: list[Skip]) -> list[Skip]:
    taken = items[:]
    items.clear()
    return taken


def _gather(
    frames: Iterator[pd.DataFrame], rows: int, empty: pd.DataFrame
) -> Iterator[pd.DataFrame]:
    """Frames of exactly ``rows`` rows, the last one smaller (at least one frame)."""
    held: list[pd.DataFrame] = []
    count = 0
    first = True
    for frame in frames:
        held.append(frame)
        count += len(frame)
        while count >= rows:
            joined = _joined(held)
            yield joined.iloc[:rows].reset_index(drop=True)
            held, count, first = [joined.iloc[rows:]], count - rows, False
    if count or first:
        yield _joined(held or [empty])


def _joined(frames: list[pd.DataFrame]) -> pd.DataFrame:
    joined = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    return joined.reset_index(drop=True)


# --------------------------------------------------------------------------- JSON lines


def _open_jsonl(
    file: _File, bom: int, slimmer: Slimmer, chunk_rows: int
) -> tuple[Parsed, Chunks, Callable[[], list[str]]]:
    def chunks() -> Chunks:
        lines = JsonLines(slimmer)
        with file.open(skip=bom) as raw, io.BufferedReader(raw, _BLOCK) as handle:
            for number, line in enumerate(handle, 1):
                lines.feed(number, line.removesuffix(b"\n").decode("utf-8"))
                if lines.count >= SAMPLE and len(lines.parsed.records or ()) >= chunk_rows:
                    yield lines.take()
        yield lines.take()  # the rest (perhaps nothing, or only skipped lines)

    stream = chunks()
    return next(stream), stream, list


# --------------------------------------------------------------------------- Parquet


def _open_parquet(
    path: Path, chunk_rows: int
) -> tuple[Parsed, Chunks, Callable[[], list[str]]] | None:
    """Row batches, converted as ``pd.read_parquet`` converts the whole table."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        # read column chunks in 1 MiB pieces, not a whole row group at once
        file = pq.ParquetFile(path, buffer_size=_BLOCK, pre_buffer=False)
    except Exception:  # noqa: BLE001 - damaged files: the whole-file read says what is wrong
        return None
    schema = file.schema_arrow
    if any(pa.types.is_struct(f.type) or pa.types.is_map(f.type) for f in schema):
        return None  # struct columns are read as records by the whole-file read
    floats = _ints_with_nulls(file)
    if floats is None:
        return None

    def chunks() -> Chunks:
        # pd.read_parquet's own conversion (string dtype, time zones), applied per batch
        arrow_table_to_pandas = importlib.import_module("pandas.io._util").arrow_table_to_pandas
        next_row = 1
        frames = (
            _as_whole(arrow_table_to_pandas(pa.Table.from_batches([b], schema=schema)), floats)
            for b in file.iter_batches(batch_size=chunk_rows)
        )
        empty = _as_whole(arrow_table_to_pandas(schema.empty_table()), floats)
        for frame in _gather(frames, chunk_rows, empty):
            rows = list(range(next_row, next_row + len(frame)))
            next_row += len(frame)
            yield Parsed("parquet", frame=frame, rows=rows)

    stream = chunks()
    return next(stream), stream, list


def _ints_with_nulls(file: Any) -> set[str] | None:
    """Integer columns with a null anywhere (pandas reads them whole as float64); None if the
    statistics do not say."""
    import pyarrow as pa

    names = {f.name for f in file.schema_arrow if pa.types.is_integer(f.type)}
    found: set[str] = set()
    meta = file.metadata
    for group in range(meta.num_row_groups):
        for index in range(meta.num_columns):
            column = meta.row_group(group).column(index)
            name = column.path_in_schema
            if name not in names:
                continue
            stats = column.statistics
            if stats is None or not stats.has_null_count:
                return None
            if stats.null_count:
                found.add(name)
    return found


def _as_whole(frame: pd.DataFrame, floats: set[str]) -> pd.DataFrame:
    frame = frame.reset_index(drop=True)
    frame.columns = [str(c) for c in frame.columns]
    for name in floats & set(frame.columns):
        if frame[name].dtype.kind in "iu":  # numpy ints: this batch had no null
            frame[name] = frame[name].astype("float64")
    return frame
