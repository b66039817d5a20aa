"""Fill the stance columns of a statement table: compute per row, then attach to a new frame.

Replies: a statement whose ``parent_id`` is the ``statement_id`` of another row of the same frame
and that names neither the target nor an opponent is read in its thread's context (see
:func:`analysis.stance.score.score_stance`, ``parent``). Parents are scored before their replies;
a cycle of parent ids is broken and the rows in it are read on their own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

import pandas as pd

from analysis.errors import InputError
from analysis.progress import Progress, silent
from analysis.stance.score import StanceResult, score_stance
from analysis.stance.target import Target

STAGE = "stance"
REPORT_EVERY = 10_000  # rows between progress calls: cheap for 1M rows, lively for the UI
_MENTION_KINDS = frozenset({"target", "opponent"})


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
            those rather than statement ids (Reddit's ``t1_``/``t3_`` prefixes are ignored).
    """
    if target is None:
        return frame.assign(
            stance_label=pd.Series(pd.NA, index=frame.index, dtype="string"),
            stance_score=pd.Series(pd.NA, index=frame.index, dtype="Float64"),
            stance_evidence=pd.Series(pd.NA, index=frame.index, dtype="string"),
        )
    results = compute_stance(
        frame, target, progress=progress or silent, on_topic=on_topic, original_ids=original_ids
    )
    return frame.assign(
        stance_label=pd.Series([r.label for r in results], index=frame.index, dtype="string"),
        stance_score=pd.Series([r.score for r in results], index=frame.index, dtype="Float64"),
        stance_evidence=pd.Series(
            [json.dumps(r.evidence, ensure_ascii=False) for r in results],
            index=frame.index,
            dtype="string",
        ),
    )


def compute_stance(
    frame: pd.DataFrame,
    target: Target,
    *,
    progress: Progress,
    on_topic: bool = False,
    original_ids: Sequence[str | None] | None = None,
) -> list[StanceResult]:
    """One result per row, in row order; repeated (text, speaker, role) are scored once."""
    texts = _column(frame, "text")
    speakers = _column(frame, "speaker")
    roles = _column(frame, "speaker_role")
    total = len(texts)
    cache: dict[tuple[str | None, str | None, str | None], StanceResult] = {}
    results: list[StanceResult] = []
    for i, key in enumerate(zip(texts, speakers, roles, strict=True)):
        if key not in cache:
            cache[key] = score_stance(
                key[0], target, speaker=key[1], speaker_role=key[2], on_topic=on_topic
            )
        results.append(cache[key])
        if (i + 1) % REPORT_EVERY == 0:
            progress(STAGE, i + 1, total, 0)
    parents = _column(frame, "parent_id")
    if any(parents):
        index = _id_index(_column(frame, "statement_id"), original_ids)
        links = [index.get(_bare(p)) if p else None for p in parents]

        def rescore(i: int, parent: StanceResult) -> StanceResult:
            return score_stance(
                texts[i],
                target,
                speaker=speakers[i],
                speaker_role=roles[i],
                parent=parent,
                on_topic=on_topic,
            )

        _thread(results, links, rescore)
    progress(STAGE, total, total, 0)
    return results


def _id_index(
    statement_ids: list[str | None], original_ids: Sequence[str | None] | None
) -> dict[str, int]:
    """Row of each id a ``parent_id`` may point to: statement ids and the export's own ids."""
    index = {sid: i for i, sid in enumerate(statement_ids) if sid}
    if original_ids is not None:
        if len(original_ids) != len(statement_ids):
            raise InputError(
                f"original_ids has {len(original_ids)} ids for {len(statement_ids)} rows; "
                "give one id (or None) per row"
            )
        for i, oid in enumerate(original_ids):
            if oid is not None and str(oid):
                index.setdefault(_bare(str(oid)), i)
    return index


def _bare(identifier: str) -> str:
    """An id without Reddit's kind prefix (t1_ comment, t3_ post)."""
    return identifier[3:] if identifier[:3] in ("t1_", "t3_") else identifier


def _thread(
    results: list[StanceResult],
    links: list[int | None],
    rescore: Callable[[int, StanceResult], StanceResult],
) -> None:
    """Rescore replies that name nothing, parents first, in place in ``results``.

    ``links[i]`` is the row of row i's parent (None for a root or a parent not in the table).
    """
    done: set[int] = set()
    for first in range(len(results)):
        chain: list[int] = []
        seen: set[int] = set()
        i: int | None = first
        while i is not None and i not in done and i not in seen:
            chain.append(i)  # walk up to a scored ancestor, a root or a cycle (no recursion)
            seen.add(i)
            i = links[i]
        for i in reversed(chain):
            parent = links[i]
            named = any(e["kind"] in _MENTION_KINDS for e in results[i].evidence)
            if parent is not None and parent in done and parent != i and not named:
                results[i] = rescore(i, results[parent])
            done.add(i)


def _column(frame: pd.DataFrame, name: str) -> list[str | None]:
    """A text column as a plain list with None for missing values (or all None if absent)."""
    if name not in frame.columns:
        return [None] * len(frame)
    values = frame[name].astype("object").where(frame[name].notna(), None)
    return [None if v is None else str(v) for v in values.tolist()]
