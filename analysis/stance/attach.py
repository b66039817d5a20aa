"""Fill the stance columns of a statement table: compute per row, then attach to a new frame.

Replies: a statement whose ``parent_id`` is the ``statement_id`` (or, when given, the export's
own id) of another row of the same frame and that names neither the target nor an opponent is
read in its thread's context (see :func:`analysis.stance.score.score_stance`, ``parent``).
Parents are scored before their replies; a cycle of parent ids is broken and the rows in it are
read on their own.

Memory stays proportional to the output: each row keeps its label, score and evidence JSON;
full results are kept only for rows that have replies. Repeated statements (copy-paste
campaigns, retweets) are scored and written as JSON once, through a bounded cache: the key is
what the reading depends on — the text, and the speaker only when an official or organisation
speaks (see :func:`analysis.stance.score.score_stance`); a reply read in its thread adds its
parent's label and score.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import orjson
import pandas as pd

from analysis.errors import InputError
from analysis.progress import Progress, silent
from analysis.stance.score import OFFICIAL_ROLES, StanceResult, score_stance
from analysis.stance.target import Target

STAGE = "stance"
REPORT_EVERY = 10_000  # rows between progress calls: cheap for 1M rows, lively for the UI
CACHE_SIZE = 100_000  # repeated (text, speaker, role) scored once; bounded for 1M-row inputs
_MENTION_KINDS = frozenset({"target", "opponent"})

Key = tuple[str | None, str | None, str | None]  # text, speaker, speaker_role
Scored = tuple[StanceResult, str]  # a result and its evidence as JSON text
_json = json.JSONEncoder(ensure_ascii=False).encode  # one encoder, not one per row
# orjson's indented layout -> json.dumps's one line: (indented, one-line) pairs, in this order.
_LAYOUT: tuple[tuple[bytes, bytes], ...] = (
    (b"{\n    ", b"{"),
    (b"\n    ", b" "),
    (b"\n  }", b"}"),
    (b"[\n  {", b"[{"),
    (b"\n  {", b" {"),
    (b"}\n]", b"}]"),
)


@dataclass
class StanceColumns:
    """The three stance columns as plain lists, row order."""

    labels: list[str] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)

    def append(self, scored: Scored) -> None:
        result, evidence = scored
        self.labels.append(result.label)
        self.scores.append(result.score)
        self.evidence.append(evidence)

    def put(self, i: int, scored: Scored) -> None:
        result, evidence = scored
        self.labels[i] = result.label
        self.scores[i] = result.score
        self.evidence[i] = evidence


def _to_json(evidence: list[dict[str, object]]) -> str:
    """The text ``json.dumps(evidence, ensure_ascii=False)`` gives, in two thirds of the time.

    For flat evidence items as ``score_stance`` builds them (strings, ints, weights rounded to 4
    places, so never in exponent form), orjson writes the same escapes and numbers; only the
    layout differs. Indented, each of its line breaks is layout (a break inside a string is
    escaped), so the breaks and indents become json.dumps's ", " and ": " by plain replacement.
    What orjson refuses (a lone surrogate from a bad decode) goes through json.
    """
    try:
        out = orjson.dumps(evidence, option=orjson.OPT_INDENT_2)
    except TypeError:
        return _json(evidence)
    for indented, flat in _LAYOUT:
        out = out.replace(indented, flat)
    return out.decode()


def add_stance(
    frame: pd.DataFrame,
    target: Target | None,
    *,
    progress: Progress | None = None,
    on_topic: bool = False,
    original_ids: Sequence[str | None] | None = None,
) -> pd.DataFrame:
    """Return a copy of ``frame`` with stance_label, stance_score and stance_evidence filled.

    With no target the three columns are set to NA: a stance is always toward something.
    Rows are never dropped; empty texts come out neutral with the reason in the evidence.

    Args:
        frame: a statement table.
        target: what the stance is toward, or None.
        progress: called every 10,000 rows and at the end.
        on_topic: read every statement as being about the target even when it names nothing
            (see :func:`analysis.stance.score.score_stance`).
        original_ids: the export's own comment ids, one per row, when ``parent_id`` holds
            those rather than statement ids (Reddit's ``t1_``/``t3_`` prefixes are ignored);
            defaults to the table's ``original_id`` column.
    """
    if target is None:
        return frame.assign(
            stance_label=pd.Series(pd.NA, index=frame.index, dtype="string"),
            stance_score=pd.Series(pd.NA, index=frame.index, dtype="Float64"),
            stance_evidence=pd.Series(pd.NA, index=frame.index, dtype="string"),
        )
    columns = compute_stance(
        frame, target, progress=progress or silent, on_topic=on_topic, original_ids=original_ids
    )
    return frame.assign(
        stance_label=pd.Series(columns.labels, index=frame.index, dtype="string"),
        stance_score=pd.Series(columns.scores, index=frame.index, dtype="Float64"),
        stance_evidence=pd.Series(columns.evidence, index=frame.index, dtype="string"),
    )


def compute_stance(
    frame: pd.DataFrame,
    target: Target,
    *,
    progress: Progress,
    on_topic: bool = False,
    original_ids: Sequence[str | None] | None = None,
) -> StanceColumns:
    """The stance columns of ``frame``, replies read in their thread."""
    keys = _keys(frame)
    links = _links(frame, original_ids)
    parents = {p for p in links if p is not None}
    cache: dict[tuple[object, ...], Scored] = {}

    def score(i: int, parent: StanceResult | None = None) -> Scored:
        key: tuple[object, ...] = (
            keys[i] if parent is None else (*keys[i], parent.label, parent.score)
        )
        scored = cache.get(key)
        if scored is None:
            if len(cache) >= CACHE_SIZE:
                cache.clear()
            text, speaker, role = keys[i]
            result = score_stance(
                text, target, speaker=speaker, speaker_role=role, parent=parent, on_topic=on_topic
            )
            scored = cache[key] = (result, _to_json(result.evidence))
        return scored

    columns = StanceColumns()
    kept: dict[int, StanceResult] = {}  # full results of rows that have replies
    named: dict[int, bool] = {}  # replies: do they name the target or an opponent themselves?
    total = len(keys)
    for i in range(total):
        scored = score(i)
        columns.append(scored)
        if i in parents:
            kept[i] = scored[0]
        if links[i] is not None:
            named[i] = any(e["kind"] in _MENTION_KINDS for e in scored[0].evidence)
        if (i + 1) % REPORT_EVERY == 0:
            progress(STAGE, i + 1, total, 0)

    def rescore(i: int, parent: int) -> None:
        if named[i] or not kept[parent].on_topic:
            return  # names the target or an opponent itself, or the thread is off topic: as read
        scored = score(i, kept[parent])
        columns.put(i, scored)
        if i in parents:
            kept[i] = scored[0]

    _thread(links, rescore)
    progress(STAGE, total, total, 0)
    return columns


def _keys(frame: pd.DataFrame) -> list[Key]:
    """What each row's reading depends on: its text, and who speaks when that can matter.

    Only an official or organisation speaker can change a reading (the target's own speaks
    for it); other rows drop speaker and role, so the same text said by anyone is read once.
    """
    texts, speakers = _column(frame, "text"), _column(frame, "speaker")
    return [
        (text, speaker, role) if role in OFFICIAL_ROLES else (text, None, None)
        for text, speaker, role in zip(texts, speakers, _column(frame, "speaker_role"), strict=True)
    ]


def _links(frame: pd.DataFrame, original_ids: Sequence[str | None] | None) -> list[int | None]:
    """Row of each row's parent (None: a root, or a parent not in the table).

    Whole columns at once: on a million rows this runs on the critical path after scoring.
    """
    parents = _texts(frame, "parent_id")
    asked = _present(parents)
    if not asked.any():
        return [None] * len(frame)
    if original_ids is not None:
        if len(original_ids) != len(frame):
            raise InputError(
                f"original_ids has {len(original_ids)} ids for {len(frame)} rows; "
                "give one id (or None) per row"
            )
        originals: pd.Series | None = _as_texts(
            [None if oid is None else str(oid) for oid in original_ids]
        )
    else:
        originals = _texts(frame, "original_id") if "original_id" in frame else None
    rows = np.full(len(frame), -1, dtype=np.int64)
    rows[asked] = _id_index(_texts(frame, "statement_id"), originals, _bare(parents[asked]))
    out = np.full(len(frame), None, dtype=object)
    out[rows >= 0] = rows[rows >= 0].astype(object)  # Python ints, as rows are counted
    return list(out.tolist())


def _id_index(
    statement_ids: pd.Series, original_ids: pd.Series | None, wanted: pd.Series
) -> npt.NDArray[np.int64]:
    """Row of each ``wanted`` id (-1: none): the last row with it as statement id, else the
    first row with it as the export's own id (prefix dropped)."""
    rows = np.arange(len(statement_ids), dtype=np.int64)
    given = _present(statement_ids)
    keys = [statement_ids[given].iloc[::-1]]  # reversed: the last row with it comes first
    at = [rows[given][::-1]]
    if original_ids is not None:
        given = _present(original_ids)
        keys.append(_bare(original_ids[given]))
        at.append(rows[given])
    key_rows = np.concatenate(at)
    codes, distinct = pd.factorize(pd.concat([*keys, wanted], ignore_index=True))
    key_codes = codes[: len(key_rows)]
    known, first = np.unique(key_codes, return_index=True)  # an id's first key wins
    row_of = np.full(len(distinct), -1, dtype=np.int64)
    row_of[known] = key_rows[first]
    return row_of[codes[len(key_rows) :]]


def _bare(identifiers: pd.Series) -> pd.Series:
    """Ids without Reddit's kind prefix (t1_ comment, t3_ post)."""
    return identifiers.str.replace(r"^t[13]_", "", regex=True)


def _present(identifiers: pd.Series) -> npt.NDArray[np.bool_]:
    """Which ids are given: neither missing nor empty."""
    return (identifiers.fillna("") != "").to_numpy(dtype=bool)


def _thread(links: list[int | None], rescore: Callable[[int, int], None]) -> None:
    """Call ``rescore(reply, parent)`` for every reply, parents before their replies.

    Walks up each chain to a done ancestor, a root or a cycle, without recursion (threads can
    be thousands deep); a row whose parent sits in a cycle with it is left as read alone.
    """
    done: set[int] = set()
    for first in range(len(links)):
        chain: list[int] = []
        seen: set[int] = set()
        i: int | None = first
        while i is not None and i not in done and i not in seen:
            chain.append(i)
            seen.add(i)
            i = links[i]
        for i in reversed(chain):
            parent = links[i]
            if parent is not None and parent in done and parent != i:
                rescore(i, parent)
            done.add(i)


def _column(frame: pd.DataFrame, name: str) -> list[str | None]:
    """A text column as a plain list with None for missing values (or all None if absent)."""
    if name not in frame.columns:
        return [None] * len(frame)
    values = frame[name].astype("object").where(frame[name].notna(), None).tolist()
    if isinstance(frame[name].dtype, pd.StringDtype):
        return values  # already text: no str() per row
    return [None if v is None else str(v) for v in values]


def _texts(frame: pd.DataFrame, name: str) -> pd.Series:
    """:func:`_column` as a Series positioned 0..n-1; the table's own Arrow text as it is."""
    dtype = frame[name].dtype if name in frame.columns else None
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        return frame[name].reset_index(drop=True)
    return _as_texts(_column(frame, name))


def _as_texts(values: list[str | None]) -> pd.Series:
    try:
        return pd.Series(values, dtype=pd.StringDtype("pyarrow"))
    except UnicodeEncodeError:  # a lone surrogate (a bad decode): Arrow holds only UTF-8
        return pd.Series(values, dtype=object)
