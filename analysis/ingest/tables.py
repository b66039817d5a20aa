"""Bytes to rows: sniff the real format (extensions lie), then read a flat table or JSON records.

A flat table (CSV, TSV, XLSX, Parquet) stays a DataFrame of strings and is never turned into
per-row dicts, so a million-row CSV imports in seconds. JSON becomes a list of records, each line
or array item parsed on its own so that one malformed line is a counted skip, not a lost file.
Row numbers are what a person sees: the spreadsheet row (header = row 1) or the JSON line.
"""

from __future__ import annotations

import csv
import io
import json
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import orjson
import pandas as pd

from analysis.errors import InputError
from analysis.ingest.decode import decode_bytes, gunzip_capped, inflated_name
from analysis.report import RAW_EXCERPT, Skip

_TEXT_KEYS = frozenset({"text", "body", "full_text", "comment", "message", "legacy", "snippet"})
_LIST_KEYS = (
    "data",
    "comments",
    "items",
    "results",
    "records",
    "tweets",
    "posts",
    "statuses",
    "children",
    "entries",
    "rows",
    "replies",
)
DELIMITED = {".csv": ",", ".tsv": "\t", ".tab": "\t"}
SAMPLE = 500  # records inspected to detect a layout; later JSON lines can be slimmed
#: Given the first SAMPLE records, a function that keeps only the keys an import reads.
Slimmer = Callable[[list[dict[str, Any]]], Callable[[dict[str, Any]], dict[str, Any]]]


@dataclass
class Parsed:
    """What a file held, before any field is interpreted."""

    fmt: str  # csv, tsv, json, jsonl, xlsx, parquet
    frame: pd.DataFrame | None = None  # flat tables
    records: list[dict[str, Any]] | None = None  # JSON
    rows: list[int] = field(default_factory=list)  # source row number of each record / frame row
    skips: list[Skip] = field(default_factory=list)  # rows lost before interpretation, with reasons
    notes: list[str] = field(default_factory=list)
    users: dict[str, str] = field(default_factory=dict)  # X API v2 includes: author_id -> username
    wrapper: str | None = None  # e.g. "zeeschuimer": records were unwrapped from an envelope


def parse_bytes(
    data: bytes, name: str, *, max_bytes: int, slimmer: Slimmer | None = None
) -> Parsed:
    """Read ``data`` as the format its content shows; ``name`` gives the extension and messages."""
    if len(data) > max_bytes:
        raise InputError(f"{name}: {len(data)} bytes is larger than the limit of {max_bytes} bytes")
    suffix = PurePath(name.lower()).suffix
    if data.startswith(b"\x1f\x8b"):
        inner = gunzip_capped(data, name=name, max_bytes=max_bytes)
        parsed = parse_bytes(
            inner,
            inflated_name(name),
            max_bytes=max_bytes,
            slimmer=slimmer,
        )
        parsed.notes.insert(0, "decompressed gzip")
        return parsed
    if data.startswith(b"\x28\xb5\x2f\xfd"):
        raise InputError(
            f"{name}: is zstd-compressed (e.g. a Pushshift/Arctic Shift dump); decompress it first"
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(f"{name}: is a legacy .xls workbook; save it as .xlsx or CSV")
    if data.startswith(b"PK\x03\x04"):
        return _note_if(
            suffix not in {".xlsx", ".xlsm"},
            _read_xlsx(data, name),
            f"{name}: content is an XLSX workbook",
        )
    if data.startswith(b"PAR1"):
        return _note_if(
            suffix != ".parquet", _read_parquet(data, name), f"{name}: content is Parquet"
        )
    notes = []
    if suffix in {".xlsx", ".xlsm", ".parquet"}:
        notes.append(f"{name}: is not a {suffix[1:].upper()} file (found text); read as text")
    decoded = decode_bytes(data, name=name)
    notes += [decoded.note] if decoded.note else []
    utf8 = data if decoded.encoding == "utf-8" else None  # pyarrow reads these bytes as they are
    parsed = _parse_text(decoded.text, name, suffix, utf8=utf8, slimmer=slimmer)
    parsed.notes[:0] = notes
    return parsed


def _note_if(condition: bool, parsed: Parsed, note: str) -> Parsed:
    if condition:
        parsed.notes.insert(0, note)
    return parsed


def _parse_text(
    text: str, name: str, suffix: str, *, utf8: bytes | None = None, slimmer: Slimmer | None = None
) -> Parsed:
    head = text.lstrip("\ufeff \t\r\n")[:512]
    if not head:
        raise InputError(
            f"{name}: is empty; expected a comment export (CSV, TSV, JSON, JSONL, XLSX, Parquet)"
        )
    if head[:1] == "<":
        raise InputError(
            f"{name}: is an HTML/XML page, not a comment export; load it as an article instead"
        )
    if head.startswith("window.YTD.") and "=" in head:
        text = text[
            text.index("=") + 1 :
        ]  # X account archive: tweets.js is JSON after an assignment
        head = text.lstrip()[:1]
    if head[:1] in "[{":
        parsed = _read_json(text, name, lines=suffix in {".jsonl", ".ndjson"}, slimmer=slimmer)
        if suffix in DELIMITED:
            parsed.notes.insert(
                0, f"{name}: content is JSON, not {suffix[1:].upper()}; read as JSON"
            )
        return parsed
    sep = "\t" if DELIMITED.get(suffix) == "\t" else _sniff_delimiter(head)
    return _read_delimited(text, name, sep, utf8=utf8)


# --------------------------------------------------------------------------- flat tables


def _sniff_delimiter(head: str) -> str:
    first = head.splitlines()[0] if head else ""
    counts = {d: first.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _header(text: str, sep: str, name: str) -> list[str]:
    try:
        header = next(csv.reader(io.StringIO(text[: 1 << 20]), delimiter=sep), [])
    except csv.Error as exc:
        raise InputError(
            f"{name}: the header row cannot be read as delimited text ({exc})"
        ) from exc
    names: list[str] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(header):
        base = raw.strip() or f"Unnamed: {i}"
        count = seen.get(base, 0)
        seen[base] = count + 1
        names.append(base if not count else f"{base}.{count}")
    return names


def _read_delimited(text: str, name: str, sep: str, *, utf8: bytes | None = None) -> Parsed:
    fmt = "tsv" if sep == "\t" else "csv"
    names = _header(text.lstrip("\ufeff"), sep, name)
    if not names:
        raise InputError(f"{name}: has no header row")
    frame, skips = _arrow_csv(utf8 or text.lstrip("\ufeff").encode("utf-8"), names, sep)
    if frame is None:
        frame, skips = _pandas_csv(text, names, sep, name)
    rows = list(range(2, len(frame) + 2))
    parsed = Parsed(fmt, frame=frame.reset_index(drop=True), rows=rows, skips=skips)
    if skips:
        parsed.notes.append(f"{len(skips)} rows had more fields than the header and were skipped")
    if sep not in {",", "\t"}:
        parsed.notes.append(f"read with delimiter {sep!r}")
    return parsed


def _arrow_csv(data: bytes, names: list[str], sep: str) -> tuple[pd.DataFrame | None, list[Skip]]:
    """The fast path: multithreaded pyarrow, every column as string, quoted newlines allowed."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    long_rows: list[Skip] = []
    short = False

    def invalid_row(row: Any) -> str:
        nonlocal short
        if row.actual_columns < row.expected_columns:
            short = True  # pandas pads short rows with empty cells; pyarrow cannot
            return "error"
        long_rows.append(Skip(row.number, "malformed row", str(row.text)[:RAW_EXCERPT]))
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(
                delimiter=sep, newlines_in_values=True, invalid_row_handler=invalid_row
            ),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError):
        return None, []
    if short:
        return None, []
    return table.to_pandas(), sorted(long_rows, key=lambda s: s.row or 0)


def _pandas_csv(
    text: str, names: list[str], sep: str, name: str
) -> tuple[pd.DataFrame, list[Skip]]:
    """The careful path for ragged files: keep every good row, count each bad one."""
    skips: list[Skip] = []

    def bad_line(fields: list[str]) -> None:
        skips.append(Skip(None, "malformed row", sep.join(fields)[:RAW_EXCERPT]))

    try:
        with warnings.catch_warnings():
            # rows with extra fields go to bad_line; pandas still warns about them
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.StringIO(text.lstrip("\ufeff")),
                sep=sep,
                names=names,
                header=0,
                index_col=False,
                dtype=str,
                keep_default_na=False,
                engine="python",
                on_bad_lines=bad_line,
                skip_blank_lines=True,
            )
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        raise InputError(
            f"{name}: cannot be read as {'TSV' if sep == chr(9) else 'CSV'}: {exc}"
        ) from exc
    return frame, skips


def _read_xlsx(data: bytes, name: str) -> Parsed:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it does not need
            book = pd.ExcelFile(io.BytesIO(data), engine="openpyxl")
            frame = book.parse(book.sheet_names[0], dtype=str, keep_default_na=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a damaged zip
        raise InputError(f"{name}: is a zip file but not a readable XLSX workbook ({exc})") from exc
    frame.columns = [str(c) for c in frame.columns]
    parsed = Parsed("xlsx", frame=frame, rows=list(range(2, len(frame) + 2)))
    if len(book.sheet_names) > 1:
        parsed.notes.append(
            f"read the first of {len(book.sheet_names)} sheets ({book.sheet_names[0]!r})"
        )
    return parsed


def _read_parquet(data: bytes, name: str) -> Parsed:
    try:
        frame = pd.read_parquet(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for damaged files
        raise InputError(f"{name}: is not a readable Parquet file ({exc})") from exc
    frame.columns = [str(c) for c in frame.columns]
    return Parsed(
        "parquet", frame=frame.reset_index(drop=True), rows=list(range(1, len(frame) + 1))
    )


# --------------------------------------------------------------------------- JSON


def _read_json(text: str, name: str, *, lines: bool, slimmer: Slimmer | None = None) -> Parsed:
    if not lines:
        try:
            document = _loads_document(text)
        except RecursionError as exc:
            raise InputError(f"{name}: JSON nested too deeply to read") from exc
        except ValueError as exc:
            if not _first_line_is_object(text):
                raise InputError(f"{name}: is not valid JSON ({exc})") from exc
            parsed = _read_json_lines(text, slimmer)
            parsed.notes.insert(0, f"{name}: read as JSON lines (one object per line)")
            return parsed
        return _from_document(document, name)
    return _read_json_lines(text, slimmer)


def _loads_document(text: str) -> Any:
    """orjson first (fast); json for what orjson refuses and for its line/column messages."""
    try:
        return orjson.loads(text)
    except ValueError:
        return json.loads(text)


def _first_line_is_object(text: str) -> bool:
    first = text.lstrip().split("\n", 1)[0]
    try:
        return isinstance(json.loads(first), dict)
    except (ValueError, RecursionError):
        return False


def _read_json_lines(text: str, slimmer: Slimmer | None = None) -> Parsed:
    """One record per line; after ``SAMPLE`` records, ``slimmer`` may drop the keys never read."""
    lines = JsonLines(slimmer)
    for number, line in enumerate(text.split("\n"), 1):
        lines.feed(number, line)
    return lines.parsed


class JsonLines:
    """Reads JSON lines one at a time, so a file can be parsed whole or in chunks alike.

    ``parsed`` collects records, rows and skips; a chunked reader takes them out as it goes
    (:meth:`take`), and the per-file state (envelope, slimming) carries over.
    """

    def __init__(self, slimmer: Slimmer | None = None) -> None:
        self.parsed = Parsed("jsonl", records=[])
        self.count = 0  # records read so far, over all chunks
        self._slimmer = slimmer
        self._wrapped: bool | None = None
        self._slim: Callable[[dict[str, Any]], dict[str, Any]] | None = None

    def feed(self, number: int, line: str) -> None:
        """Read line ``number`` (1-based, counting blank lines)."""
        if not line or line.isspace():
            return
        parsed = self.parsed
        try:
            value = orjson.loads(line)
        except ValueError:
            value = _lenient_loads(line)
            if value is _MALFORMED:
                parsed.skips.append(Skip(number, "malformed JSON", line[:RAW_EXCERPT]))
                return
        if not isinstance(value, dict):
            parsed.skips.append(Skip(number, "not an object", line[:RAW_EXCERPT]))
            return
        if self._wrapped is None:
            self._wrapped = _is_wrapped(value)
            if self._wrapped and ("source_platform" in value or "item_id" in value):
                parsed.wrapper = "zeeschuimer"
        if self._wrapped:
            value = _unwrap(value)
        if self._slim is not None:
            value = self._slim(value)
        assert parsed.records is not None
        parsed.records.append(value)
        parsed.rows.append(number)
        self.count += 1
        if self._slimmer is not None and self.count == SAMPLE:
            self._slim = self._slimmer(parsed.records)

    def take(self) -> Parsed:
        """The records, rows and skips read since the last call; the state stays."""
        taken = self.parsed
        self.parsed = Parsed("jsonl", records=[], wrapper=taken.wrapper)
        return taken


_MALFORMED = object()


def _lenient_loads(line: str) -> Any:
    """``json`` reads what orjson refuses (NaN, integers over 64 bits); else a malformed line."""
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        return _MALFORMED


def _from_document(document: Any, name: str) -> Parsed:
    parsed = Parsed("json", records=[])
    items, where = _locate_records(document, parsed)
    if where:
        parsed.notes.append(f"records read from {where}")
    assert parsed.records is not None
    for number, item in enumerate(items, 1):
        if isinstance(item, dict):
            parsed.records.append(item)
            parsed.rows.append(number)
        else:
            parsed.skips.append(Skip(number, "not an object", json.dumps(item)[:RAW_EXCERPT]))
    _unwrap_all(parsed)
    _expand_youtube_threads(parsed)
    return parsed


def _expand_youtube_threads(parsed: Parsed) -> None:
    """YouTube ``commentThreads`` hold a top-level comment and its replies: one record each."""
    records = parsed.records or []
    if not records or records[0].get("kind") != "youtube#commentThread":
        return
    expanded: list[dict[str, Any]] = []
    rows: list[int] = []
    for record, row in zip(records, parsed.rows, strict=True):
        top = record.get("snippet", {}).get("topLevelComment")
        replies = (record.get("replies") or {}).get("comments") or []
        comments = ([top] if isinstance(top, dict) else []) + [
            r for r in replies if isinstance(r, dict)
        ]
        if not comments:
            comments = [record]  # a thread without comments: kept so it is counted as a skip
        expanded.extend(comments)
        rows.extend([row] * len(comments))
    parsed.records, parsed.rows = expanded, rows
    parsed.notes.append("YouTube comment threads expanded into top-level comments and replies")


def _locate_records(document: Any, parsed: Parsed) -> tuple[list[Any], str]:
    """The list of records inside a JSON document, and where it was found."""
    if isinstance(document, list):
        return document, ""
    if not isinstance(document, dict):
        return [document], ""
    if isinstance(document.get("data"), list) and isinstance(document.get("includes"), dict):
        users = document["includes"].get("users") or []
        parsed.users = {
            str(u.get("id")): str(u.get("username")) for u in users if isinstance(u, dict)
        }
        return document["data"], "data (with includes.users)"
    for key in _LIST_KEYS:
        value = document.get(key)
        if isinstance(value, list):
            return value, key
        if isinstance(value, dict) and isinstance(value.get("children"), list):
            return value["children"], f"{key}.children"  # a Reddit listing
    tweets = list(_graphql_tweets(document))
    if tweets:
        return tweets, "nested X GraphQL tweet results"
    if not (_TEXT_KEYS & document.keys()):
        found = _largest_object_list(document)
        if found:
            return found
    return [document], ""


def _largest_object_list(document: dict[str, Any]) -> tuple[list[Any], str] | None:
    """The longest list of objects within a few levels, e.g. ``{"response": {"posts": [...]}}``."""
    best: tuple[list[Any], str] | None = None
    level: list[tuple[str, Any]] = [("", document)]
    for _depth in range(4):
        following: list[tuple[str, Any]] = []
        for prefix, node in level:
            for key, value in node.items():
                path = f"{prefix}{key}"
                if isinstance(value, dict):
                    following.append((path + ".", value))
                elif isinstance(value, list) and value and isinstance(value[0], dict):
                    if best is None or len(value) > len(best[0]):
                        best = (value, path)
        level = following
    return best


def _graphql_tweets(node: Any, depth: int = 0) -> Any:
    """Tweet results anywhere in an X GraphQL response (timeline instructions nest them deeply)."""
    if depth > 40:
        return
    if isinstance(node, dict):
        if isinstance(node.get("legacy"), dict) and "full_text" in node["legacy"]:
            yield node
            return
        for value in node.values():
            yield from _graphql_tweets(value, depth + 1)
    elif isinstance(node, list):
        for value in node:
            yield from _graphql_tweets(value, depth + 1)


def _unwrap_all(parsed: Parsed) -> None:
    """Envelopes around the real record: Zeeschuimer items, Reddit ``{kind, data}``, X archives."""
    records = parsed.records
    if not records:
        return
    sample = records[0]
    if not _is_wrapped(sample):
        return
    if "source_platform" in sample or "item_id" in sample:
        parsed.wrapper = "zeeschuimer"
    parsed.records = [_unwrap(r) for r in records]


def _is_wrapped(record: dict[str, Any]) -> bool:
    if isinstance(record.get("data"), dict) and not (_TEXT_KEYS & record.keys()):
        return True
    if len(record) == 1 and isinstance(record.get("tweet"), dict):
        return True
    return record.get("__typename") == "TweetWithVisibilityResults"


def _unwrap(record: dict[str, Any]) -> dict[str, Any]:
    for _ in range(4):
        if isinstance(record.get("data"), dict) and not (_TEXT_KEYS & record.keys()):
            record = record["data"]
        elif len(record) == 1 and isinstance(record.get("tweet"), dict):
            record = record["tweet"]
        elif record.get("__typename") == "TweetWithVisibilityResults" and isinstance(
            record.get("tweet"), dict
        ):
            record = record["tweet"]
        else:
            break
    return record
