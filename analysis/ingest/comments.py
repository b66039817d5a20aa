"""Comment exports to the statement table: one statement per comment, every row accounted for.

Detection picks a :class:`~analysis.ingest.layouts.Layout` from the column names (or the paths of
the first JSON records); a :class:`ColumnMapping` names columns by hand and always wins. The
speaker of a comment is its author and a member of the public (``speaker_role="public"``).
``parent_id`` keeps the export's own parent id as written (Reddit's ``t1_``/``t3_`` prefixes
included: they tell a reply to a comment from a reply to the post). ``statement_id`` is
``schema.statement_id(source, original id, text)``, or the row number when a row has no id; a
repeated id gets ``#2``, ``#3`` appended so ids stay unique (rows are never deduplicated).
"""

from __future__ import annotations

import html
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path, PurePath
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis import schema
from analysis.errors import InputError
from analysis.ingest import layouts
from analysis.ingest.decode import read_capped
from analysis.ingest.layouts import FIELDS, GENERIC, JOIN, PARAGRAPH, Layout, norm
from analysis.ingest.tables import SAMPLE, Parsed, Slimmer, parse_bytes
from analysis.ingest.times import TimeTally, tally_times
from analysis.ingest.values import as_text, blank
from analysis.report import ImportReport

MAX_BYTES = 1_000_000_000
_SAMPLE = SAMPLE  # records (or rows) inspected to detect a layout and choose a text column

PLATFORMS = {
    "x": "x",
    "twitter": "x",
    "twitter.com": "x",
    "x.com": "x",
    "tweet": "x",
    "reddit": "reddit",
    "reddit.com": "reddit",
    "youtube": "youtube",
    "youtube.com": "youtube",
    "yt": "youtube",
    "facebook": "facebook",
    "facebook.com": "facebook",
    "fb": "facebook",
}


@dataclass(frozen=True)
class ColumnMapping:
    """Columns (or dotted JSON paths) named by the user; ``None`` means detect."""

    text: str | None = None
    author: str | None = None
    time: str | None = None
    id: str | None = None
    parent: str | None = None
    platform: str | None = None

    def by_field(self) -> dict[str, str]:
        """Statement field -> the named column, for the fields that were named."""
        to_field = {"author": "speaker", "time": "posted_at", "parent": "parent_id"}
        return {
            to_field.get(f.name, f.name): getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name)
        }


def read_comments(
    path: str | Path,
    *,
    mapping: ColumnMapping | None = None,
    platform: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> tuple[pd.DataFrame, ImportReport]:
    """Read a comment export file into statements; see :func:`read_comments_bytes`."""
    path = Path(path)
    data = read_capped(path, max_bytes=max_bytes)
    return read_comments_bytes(
        data, path.name, mapping=mapping, platform=platform, max_bytes=max_bytes
    )


def read_comments_bytes(
    data: bytes,
    name: str,
    *,
    mapping: ColumnMapping | None = None,
    platform: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> tuple[pd.DataFrame, ImportReport]:
    """Read an export held in memory (a dashboard upload); ``name`` gives the extension and source.

    Args:
        mapping: columns named by hand; each must exist.
        platform: one platform for every row, overriding detection and any platform column.
        max_bytes: refuse larger inputs (and gzip that inflates past it).

    Raises:
        InputError: the input is empty, too large, not a table or JSON, has no text column, or a
            named column does not exist. Bad rows are never errors: they are counted skips.
    """
    source = PurePath(name).name or "upload"
    named = (mapping or ColumnMapping()).by_field()
    parsed = parse_bytes(data, source, max_bytes=max_bytes, slimmer=_slimmer(named, source))
    _records_if_nested(parsed)
    raw, layout, chosen = choose_columns(parsed, named, source)
    report = new_report(parsed, layout, chosen, source=source, platform=platform)
    report.rows_read = len(parsed.rows) + len(parsed.skips)
    report.skipped.extend(parsed.skips)
    carry = Carry()
    frame = statements(raw, chosen, layout, parsed, report, carry, platform=platform)
    report.notes.extend(carry.notes())
    report.statements = len(frame)
    return frame, report


@dataclass
class Carry:
    """What one chunk of a file passes to the next: ids seen so far and the time-parsing tally.

    ``seen`` is None for a file read whole (one chunk: nothing to remember).
    """

    seen: dict[str, int] | None = None  # id -> rows with it so far
    repeated: int = 0
    times: TimeTally = field(default_factory=TimeTally)

    def notes(self) -> list[str]:
        """The notes of the whole file so far, each once, with totals."""
        notes = self.times.notes()
        if self.repeated:
            notes.append(
                f"{self.repeated} rows repeat an id already seen; all kept, ids made unique"
            )
        return notes


def _records_if_nested(parsed: Parsed) -> None:
    if parsed.frame is not None and _nested(parsed.frame):
        # struct columns: address them by dotted path, as in JSON
        parsed.records = [
            {str(k): v for k, v in r.items()} for r in parsed.frame.to_dict("records")
        ]
        parsed.frame = None
        parsed.notes.append("nested columns read as records (dotted paths reach inside)")


def choose_columns(
    parsed: Parsed, named: dict[str, str], source: str
) -> tuple[pd.DataFrame, Layout, dict[str, list[str]]]:
    """The layout, the columns each statement field is read from, and the raw values to read."""
    if parsed.records is not None:
        return _from_records(parsed, named, source)
    assert parsed.frame is not None
    return _from_frame(parsed.frame, named, source, parsed.fmt)


def new_report(
    parsed: Parsed,
    layout: Layout,
    chosen: dict[str, list[str]],
    *,
    source: str,
    platform: str | None,
) -> ImportReport:
    """The report of an import, before any row is counted."""
    report = ImportReport(
        source=source, layout=_layout_name(layout, parsed), notes=list(parsed.notes)
    )
    report.mapping = {f: (" | ".join(chosen[f]) if chosen.get(f) else None) for f in FIELDS}
    if platform:
        report.mapping["platform"] = f"given: {_platform_name(platform)}"
    return report


def _nested(frame: pd.DataFrame) -> bool:
    """Parquet struct columns arrive as dicts; the record path can read inside them."""
    head = frame.head(20)
    return any(
        head[c].map(lambda v: isinstance(v, dict)).any()
        for c in head.columns
        if head[c].dtype == object
    )


def _layout_name(layout: Layout, parsed: Parsed) -> str:
    name = "x-twitter zeeschuimer" if parsed.wrapper == "zeeschuimer" else layout.name
    if layout is GENERIC and parsed.records is not None:
        name = "json records"
    return f"{name} {parsed.fmt}"


# --------------------------------------------------------------------------- choosing columns


def _from_frame(
    frame: pd.DataFrame, named: dict[str, str], source: str, fmt: str
) -> tuple[pd.DataFrame, Layout, dict[str, list[str]]]:
    columns = [str(c) for c in frame.columns]
    layout = layouts.detect(columns)
    sample = frame.head(_SAMPLE)
    chosen = _choose(columns, layout, named, source, lambda c: sample[c], fmt=fmt)
    return frame, layout, chosen


def _sample_paths(records: list[dict[str, Any]]) -> dict[str, list[Any]]:
    sample: dict[str, list[Any]] = {}
    for record in records[:_SAMPLE]:
        for path, value in layouts.flat_paths(record):
            sample.setdefault(path, []).append(value)
    return sample


def _slimmer(named: dict[str, str], source: str) -> Slimmer:
    """Keep only the top-level keys an import will read, so a big JSONL file's records stay small."""

    def make(sample_records: list[dict[str, Any]]) -> Callable[[dict[str, Any]], dict[str, Any]]:
        sample = _sample_paths(sample_records)
        layout = layouts.detect(sample)
        available = list(sample) + sorted(layouts.selector_paths(_candidates(layout)))
        try:
            chosen = _choose(available, layout, {}, source, _sample_values(sample), fmt="jsonl")
        except InputError:
            return lambda record: record  # no text column: the real import says so
        paths = {p for cands in chosen.values() for c in cands for p in c.split(JOIN)}
        paths |= {p.strip() for path in named.values() for p in path.split(JOIN)}
        keep = frozenset(paths | {p.split(".")[0].split("[")[0] for p in paths})
        return lambda record: {k: v for k, v in record.items() if k in keep}

    return make


def _sample_values(sample: dict[str, list[Any]]) -> Callable[[str], pd.Series]:
    return lambda path: pd.Series(sample.get(path, []), dtype=object)


def _from_records(
    parsed: Parsed, named: dict[str, str], source: str
) -> tuple[pd.DataFrame, Layout, dict[str, list[str]]]:
    records = parsed.records or []
    sample = _sample_paths(records)
    layout = layouts.detect(sample)
    available = list(sample) + sorted(layouts.selector_paths(_candidates(layout)))
    for path in named.values():
        if path not in sample and any(_present(r, path) for r in records):
            available.append(path)  # named path that only later records have
    chosen = _choose(available, layout, named, source, _sample_values(sample), fmt=parsed.fmt)
    return raw_records(records, chosen), layout, chosen


def raw_records(records: list[dict[str, Any]], chosen: dict[str, list[str]]) -> pd.DataFrame:
    """One object column per path the chosen columns read."""
    paths = sorted({part for cands in chosen.values() for c in cands for part in c.split(JOIN)})
    compiled = {p: layouts.compile_path(p) for p in paths}
    return pd.DataFrame(
        {p: _extract(records, p, compiled[p]) for p in paths},
        index=range(len(records)),
        dtype=object,
    )


def _extract(
    records: list[dict[str, Any]], path: str, steps: tuple[layouts.Step, ...]
) -> list[Any]:
    if len(steps) == 1 and isinstance(steps[0], str):
        return [r.get(path) for r in records]  # top-level key: the common, fast case
    return [layouts.get_path(r, path, steps) for r in records]


def _present(record: dict[str, Any], path: str) -> bool:
    return layouts.get_path(record, path, layouts.compile_path(path)) is not None


def _candidates(layout: Layout) -> list[str]:
    return [c for cands in layout.fields.values() for c in cands]


def _choose(
    available: list[str],
    layout: Layout,
    named: dict[str, str],
    source: str,
    values: Any,
    *,
    fmt: str,
) -> dict[str, list[str]]:
    """Statement field -> the columns to read it from (coalesced in order)."""
    by_norm: dict[str, str] = {}
    for name in available:
        by_norm.setdefault(norm(name), name)
    chosen: dict[str, list[str]] = {}
    for field_name in FIELDS:
        if field_name in named:
            chosen[field_name] = [_named(named[field_name], available, by_norm, source)]
        elif layout is GENERIC:
            chosen[field_name] = _generic(field_name, available, values)
        else:
            cands = layout.fields.get(field_name) or layouts.GENERIC_NAMES.get(field_name, ())
            chosen[field_name] = [c for c in (_resolve(c, by_norm) for c in cands) if c]
    if not chosen["text"]:
        shown = ", ".join(repr(a) for a in available[:40]) or "none"
        raise InputError(
            f"{source}: no text column found (read as {fmt.upper()}); columns: {shown}. "
            "Name the text column (mapping text=...)"
        )
    return chosen


def _named(name: str, available: list[str], by_norm: dict[str, str], source: str) -> str:
    if name in available:
        return name
    if norm(name) in by_norm:
        return by_norm[norm(name)]
    if JOIN in name and all(p.strip() in available for p in name.split(JOIN)):
        return name
    shown = ", ".join(repr(a) for a in available[:60])
    raise InputError(f"{source}: column {name!r} does not exist; available columns: {shown}")


def _resolve(candidate: str, by_norm: dict[str, str]) -> str | None:
    """The actual column for a layout's candidate; a joined candidate needs its first part."""
    parts = [by_norm.get(norm(p)) for p in candidate.split(JOIN)]
    if parts[0] is None:
        return None
    return JOIN.join(p for p in parts if p)


def _generic(field_name: str, available: list[str], values: Any) -> list[str]:
    """Match by name (the last path segment for nested JSON), shallowest first."""
    wanted = [norm(n) for n in layouts.GENERIC_NAMES[field_name]]
    hits = []
    for name in available:
        key = norm(name)
        last = key.rsplit(".", 1)[-1]
        rank = (
            wanted.index(key) if key in wanted else wanted.index(last) if last in wanted else None
        )
        if rank is not None:
            hits.append((name.count("."), rank, name))
    if not hits:
        return []
    depth = min(h[0] for h in hits)
    hits = sorted(h for h in hits if h[0] == depth)
    if field_name != "text" or len(hits) == 1:
        return [hits[0][2]]
    # Several text-like columns: the one with the longest texts is the comment, not a title or tag.
    lengths = {h[2]: as_text(values(h[2])).str.len().mean() for h in hits}
    return [max(lengths, key=lambda n: 0 if pd.isna(lengths[n]) else lengths[n])]


# --------------------------------------------------------------------------- building statements


def _column(
    raw: pd.DataFrame, cands: list[str], placeholders: frozenset[str] = frozenset()
) -> pd.Series:
    """The first non-blank value among the candidate columns, row by row."""
    result: pd.Series | None = None
    for cand in cands:
        parts = [_text(raw[p], placeholders, html=_is_html(p)) for p in cand.split(JOIN)]
        value = parts[0]
        for part in parts[1:]:  # e.g. a Reddit submission: title, blank line, body
            value_blank, part_blank = blank(value), blank(part)
            joined = value.fillna("") + PARAGRAPH + part.fillna("")
            value = joined.where(~value_blank & ~part_blank, value.where(~value_blank, part))
        result = value if result is None else result.where(~blank(result), value)
    if result is None:
        return pd.Series(pd.NA, index=raw.index, dtype="string")
    return result


def _text(values: pd.Series, placeholders: frozenset[str], *, html: bool = False) -> pd.Series:
    text = as_text(values)
    if html:
        text = _html_to_text(text)
    return text.mask(text.isin(placeholders)) if placeholders else text


def _html_to_text(text: pd.Series) -> pd.Series:
    """YouTube's ``textDisplay`` is HTML (``<br>``, links, ``&amp;``); the API returns the plain
    ``textOriginal`` only to a comment's author, so most exports carry just this one."""
    marked = text.str.contains(r"[<&]", regex=True).fillna(False).astype(bool)
    if not marked.any():
        return text
    part = text[marked].str.replace(r"<br\s*/?>", "\n", regex=True, case=False)
    part = part.str.replace(r"<[^>]+>", "", regex=True).map(html.unescape, na_action="ignore")
    out = text.copy()
    out[marked] = part.astype("string")
    return out


def _is_html(path: str) -> bool:
    return norm(path).rsplit(".", 1)[-1] == "textdisplay"


def _optional(
    raw: pd.DataFrame, cands: list[str], placeholders: frozenset[str] = frozenset()
) -> pd.Series:
    values = _column(raw, cands, placeholders)
    return values.str.strip().mask(blank(values)).astype("string")


def statements(
    raw: pd.DataFrame,
    chosen: dict[str, list[str]],
    layout: Layout,
    parsed: Parsed,
    report: ImportReport,
    carry: Carry,
    *,
    platform: str | None,
) -> pd.DataFrame:
    """The statements of ``raw`` (the rows ``parsed.rows`` of one file, whole or a chunk); empty
    texts go to ``report.skipped``, ids and time notes to ``carry``."""
    source = report.source
    text = _column(raw, chosen["text"], layout.placeholders)
    empty = blank(text).to_numpy()
    rows = pd.Series(parsed.rows, index=raw.index)
    ids = _optional(raw, chosen["id"])
    if empty.any():
        absent = _absent(raw, chosen["text"]) if parsed.records is not None else None
        erased = _erased(raw, chosen["text"], layout.placeholders)
        for pos in empty.nonzero()[0]:
            reason = "no text column" if absent is not None and absent[pos] else "empty text"
            reason = "deleted or removed" if erased is not None and erased[pos] else reason
            report.skip(
                int(rows.iloc[pos]), reason, "" if pd.isna(ids.iloc[pos]) else f"id={ids.iloc[pos]}"
            )
    keep = ~empty
    raw, text, rows, ids = raw[keep], text[keep], rows[keep], ids[keep]
    speaker = _optional(raw, chosen["speaker"], layout.placeholders)
    if parsed.users and chosen["speaker"] == ["author_id"]:  # X API v2: ids -> @usernames
        speaker = speaker.map(lambda a: parsed.users.get(a, a), na_action="ignore").astype("string")
        report.mapping["speaker"] = "author_id -> includes.users.username"
    parent = _optional(raw, chosen["parent_id"])
    if layout.name == "youtube-comment-downloader" and not chosen["parent_id"]:
        parent = ids.where(ids.str.contains(".", regex=False).fillna(False)).str.split(".").str[0]
        report.mapping["parent_id"] = "cid before '.'"
    posted, tally = tally_times(_column(raw, chosen["posted_at"]))
    carry.times.add(tally)
    out = pd.DataFrame(
        {
            "statement_id": _statement_ids(source, ids, rows, text, carry),
            "source": source,
            "source_kind": "comment",
            "platform": _platforms(raw, chosen, layout, platform),
            "text": text,
            "speaker": speaker,
            "speaker_role": "public",
            "role_evidence": json.dumps(
                {"rule": "comment author", "field": report.mapping.get("speaker")},
                ensure_ascii=False,
            ),
            "posted_at": posted,
            "original_id": ids,
            "parent_id": parent,
        },
        index=text.index,
    )
    for name in schema.COLUMNS:
        if name not in out:
            out[name] = pd.Series(pd.NA, index=out.index, dtype=schema.COLUMNS[name])
    return schema.validate(out[list(schema.COLUMNS)])


def _erased(raw: pd.DataFrame, cands: list[str], placeholders: frozenset[str]) -> Any:
    """Rows whose text was a deletion placeholder (counted apart from plain empty text)."""
    if not placeholders:
        return None
    paths = [p for c in cands for p in c.split(JOIN)]
    return (
        pd.concat([as_text(raw[p]).isin(placeholders) for p in paths], axis=1)
        .any(axis=1)
        .to_numpy()
    )


def _absent(raw: pd.DataFrame, cands: list[str]) -> Any:
    paths = [p for c in cands for p in c.split(JOIN)]
    return raw[paths].isna().all(axis=1).to_numpy()


def _statement_ids(
    source: str, ids: pd.Series, rows: pd.Series, text: pd.Series, carry: Carry
) -> pd.Series:
    occurrence = _occurrences(ids, carry.seen)
    repeated = occurrence > 0
    if repeated.any():
        carry.repeated += int(repeated.sum())
        again = pd.Series(occurrence + 1, index=ids.index).astype("string")
        ids = ids.where(~repeated, ids + "#" + again)
    keys = ids.fillna("row " + rows.astype("string"))
    return schema.statement_ids(source, keys, text)


def _occurrences(ids: pd.Series, seen: dict[str, int] | None) -> npt.NDArray[np.int64]:
    """How many earlier rows had each id (-1 for no id), counting on from ``seen`` (None: the
    whole file), which is updated: a dictionary look-up per distinct id, not per row."""
    codes, distinct = pd.factorize(ids)  # -1 for a missing id; ids in order of appearance
    present = codes >= 0
    within = np.zeros(len(codes), dtype=np.int64)
    if present.sum() > len(distinct):  # an id repeats within the chunk (rare): count them
        within[:] = pd.Series(codes).groupby(codes).cumcount().to_numpy()
    if seen is None:
        before = np.zeros(len(distinct), dtype=np.int64)
    else:
        keys: list[str] = distinct.tolist()
        before = np.fromiter(map(seen.get, keys, itertools.repeat(0)), np.int64, len(keys))
        counts = np.bincount(codes[present], minlength=len(keys))
        seen.update(zip(keys, (before + counts).tolist(), strict=True))
    out = np.full(len(codes), -1, dtype=np.int64)
    out[present] = before[codes[present]] + within[present]
    return out


def _platforms(
    raw: pd.DataFrame, chosen: dict[str, list[str]], layout: Layout, platform: str | None
) -> Any:
    if platform:
        return _platform_name(platform)
    if not chosen["platform"]:
        return layout.platform
    values = _optional(raw, chosen["platform"])
    return values.map(_platform_name, na_action="ignore").fillna(layout.platform).astype("string")


def _platform_name(value: str) -> str:
    key = value.strip().lower().removeprefix("www.")
    return PLATFORMS.get(key, key)
