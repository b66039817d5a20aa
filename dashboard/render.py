"""Statement cards with the evidence highlighted, as HTML built only from escaped pieces.

This is the one place the dashboard makes HTML. Every piece of user text (statement, speaker,
source, attribution, evidence terms and notes) passes through :func:`html.escape` before it is
joined with our own tags, so a comment reading ``<script>`` shows as text. Pages hand the
result of these functions, and nothing else, to ``st.markdown(..., unsafe_allow_html=True)``;
a test checks that rule on the page sources.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

import pandas as pd

from analysis import aggregate
from analysis.learn.corrections import correction_marker
from dashboard.charts import ROLE_COLORS, SENTIMENT_COLORS, STANCE_COLORS

MENTION_KINDS = frozenset({"target", "opponent"})
SKIP_KINDS = frozenset({"reason", "reply", "speaker"})  # not spans of the text
# Stance "valence" entries are VADER words weighed toward the target: they are highlighted as
# sentiment words (legend colours) and their stance weight is listed in the evidence line.
SENTIMENT_SHAPED = frozenset({"valence"})


class Mark(NamedTuple):
    """A highlighted span of the statement text."""

    start: int
    end: int
    kind: str  # "sentiment", "target", "opponent", or a stance cue kind
    value: float
    note: str


def esc(value: object) -> str:
    """Escaped text for any value; missing values become an empty string."""
    if _missing(value):
        return ""
    return html.escape(str(value), quote=True)


def marks(text: str, sentiment_evidence: str | None, stance_evidence: str | None) -> list[Mark]:
    """Spans to highlight: stance evidence by its offsets, VADER words found in the text.

    Overlaps are resolved in favour of the earlier (then longer) span, so marks never nest.
    """
    found: list[Mark] = []
    for term, value, start, end, kind in aggregate.evidence_spans(stance_evidence):
        if kind in SKIP_KINDS or kind in SENTIMENT_SHAPED or start is None or end is None:
            continue
        if 0 <= start < end <= len(text):
            found.append(Mark(start, end, kind or "cue", value, term))
    taken: set[int] = set()
    for term, value in aggregate.sentiment_terms(sentiment_evidence):
        span = _find_word(text, term, taken)
        if span is not None:
            taken.add(span[0])
            found.append(Mark(span[0], span[1], "sentiment", value, term))
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Mark] = []
    for mark in found:
        if not kept or mark.start >= kept[-1].end:
            kept.append(mark)
    return kept


def highlight(text: str, spans: list[Mark]) -> str:
    """The text as escaped HTML with each span wrapped in a coloured ``<mark>``."""
    pieces: list[str] = []
    cursor = 0
    for mark in spans:
        pieces.append(html.escape(text[cursor : mark.start]))
        style, title = _mark_style(mark)
        pieces.append(
            f'<mark style="{style}" title="{html.escape(title, quote=True)}">'
            f"{html.escape(text[mark.start : mark.end])}</mark>"
        )
        cursor = mark.end
    pieces.append(html.escape(text[cursor:]))
    return "".join(pieces).replace("\n", "<br>")


def statement_card(row: Mapping[str, Any]) -> str:
    """One statement: who, where, when, scores, the highlighted text and the evidence chips."""
    text = row.get("text")
    text = text if isinstance(text, str) else ""
    role = str(row.get("speaker_role") or "unknown")
    body = highlight(
        text, marks(text, _str(row, "sentiment_evidence"), _str(row, "stance_evidence"))
    )
    header = " · ".join(
        part
        for part in (
            f"<b>{esc(row.get('speaker')) or 'unattributed'}</b>",
            _badge(role, ROLE_COLORS.get(role, ROLE_COLORS["unknown"])),
            esc(_short_source(row.get("source"))),
            _time(row.get("posted_at")),
        )
        if part
    )
    attribution = esc(row.get("attribution"))
    return (
        '<div style="border:1px solid #e3e3e3;border-radius:8px;padding:10px 14px;'
        'margin:0 0 10px 0;line-height:1.55">'
        f'<div style="font-size:0.85em;color:#555">{header}</div>'
        f'<div style="margin:6px 0">{body}</div>'
        + (f'<div style="font-size:0.8em;color:#777">— {attribution}</div>' if attribution else "")
        + f'<div style="font-size:0.8em;margin-top:6px">{_scores(row)}</div>'
        + _learned(row)
        + f'<div style="font-size:0.78em;color:#555;margin-top:4px">{_chips(row)}</div>'
        + "</div>"
    )


LEGEND = (
    '<span style="font-size:0.82em;color:#555">Highlights: '
    f'<mark style="background:{SENTIMENT_COLORS["positive"]}33">positive word</mark> '
    f'<mark style="background:{SENTIMENT_COLORS["negative"]}33">negative word</mark> '
    f'<mark style="background:{STANCE_COLORS["favor"]}33;border-bottom:2px solid '
    f'{STANCE_COLORS["favor"]}">cue for</mark> '
    f'<mark style="background:{STANCE_COLORS["against"]}33;border-bottom:2px solid '
    f'{STANCE_COLORS["against"]}">cue against</mark> '
    '<mark style="background:#fff3bf;border:1px solid #e0b000">target / opponent mention</mark>'
    " — hover a highlight for its value.</span>"
)


def _str(row: Mapping[str, Any], key: str) -> str | None:
    value = row.get(key)
    return value if isinstance(value, str) else None


def _find_word(text: str, word: str, taken: set[int]) -> tuple[int, int] | None:
    if not word:
        return None
    pattern = re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)", re.IGNORECASE)
    for match in pattern.finditer(text):
        if match.start() not in taken:
            return match.start(), match.end()
    return None


def _mark_style(mark: Mark) -> tuple[str, str]:
    if mark.kind == "sentiment":
        colour = SENTIMENT_COLORS["positive" if mark.value > 0 else "negative"]
        return f"background:{colour}33;padding:0 2px;border-radius:3px", (
            f"VADER {mark.note}: {mark.value:+.1f}"
        )
    if mark.kind in MENTION_KINDS:
        return "background:#fff3bf;border:1px solid #e0b000;padding:0 2px;border-radius:3px", (
            f"{mark.kind} mention"
        )
    colour = STANCE_COLORS[
        "favor" if mark.value > 0 else "against" if mark.value < 0 else "neutral"
    ]
    return (
        f"background:{colour}22;border-bottom:2px solid {colour};padding:0 2px",
        f"stance {mark.kind}: {mark.value:+.2f}",
    )


def _badge(label: str, colour: str) -> str:
    return (
        f'<span style="background:{colour};color:white;border-radius:10px;padding:1px 8px;'
        f'font-size:0.85em">{esc(label)}</span>'
    )


def _short_source(value: object) -> object:
    """A file's name without its directories (URLs and labels are kept whole)."""
    if isinstance(value, str) and "://" not in value and "/" in value:
        return value.rsplit("/", 1)[-1]
    return value


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _time(value: object) -> str:
    if _missing(value):
        return ""
    strftime = getattr(value, "strftime", None)
    if strftime is None:
        return esc(value)
    try:
        return esc(strftime("%d %b %Y %H:%M UTC"))
    except ValueError:  # NaT
        return ""


def _scores(row: Mapping[str, Any]) -> str:
    parts = []
    sentiment, compound = row.get("sentiment_label"), _float(row.get("sentiment_compound"))
    if isinstance(sentiment, str):
        colour = SENTIMENT_COLORS.get(sentiment, "#777")
        parts.append(_badge(f"{sentiment} {compound:+.2f}", colour))
    stance, score = row.get("stance_label"), _float(row.get("stance_score"))
    if isinstance(stance, str):
        parts.append(_badge(f"{stance} {score:+.2f}", STANCE_COLORS.get(stance, "#777")))
    return " ".join(parts)


CORRECTED_COLOUR = "#6a3d9a"


def _learned(row: Mapping[str, Any]) -> str:
    """What the analyst corrected (and what the automatic label was) and the model's output."""
    parts = []
    for field in ("stance", "sentiment"):
        marker = correction_marker(row.get(f"{field}_evidence"))
        if marker is None:
            continue
        was, score = marker.get("was"), _float(marker.get("was_score"))
        before = "unscored" if was is None else f"{was} {score:+.2f}" if score == score else was
        parts.append(
            _badge(f"✎ {field} corrected: {marker.get('label')}", CORRECTED_COLOUR)
            + f" <i>automatic label was {esc(before)}</i>"
        )
    model = model_item(row.get("stance_evidence"))
    if model:
        odds = ", ".join(
            f"p({esc(k[2:])}) {_float(v):.2f}" for k, v in model.items() if k.startswith("p_")
        )
        parts.append(f"Model: {odds}; the rules said <b>{esc(model.get('rule_label'))}</b>")
    if not parts:
        return ""
    return f'<div style="font-size:0.8em;margin-top:4px">{" · ".join(parts)}</div>'


def model_item(raw: object) -> dict[str, Any]:
    """The ``{"kind": "model", ...}`` item of a stance evidence JSON (empty when none)."""
    for item in _evidence_items(raw):
        if item.get("kind") == "model":
            return item
    return {}


def _evidence_items(raw: object) -> list[dict[str, Any]]:
    if not isinstance(raw, str) or not raw:
        return []
    try:
        data = json.loads(raw)
    except ValueError:
        return []
    if isinstance(data, dict):
        data = list(data.values())
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


def _chips(row: Mapping[str, Any]) -> str:
    words = aggregate.sentiment_terms(_str(row, "sentiment_evidence"))
    cues = [
        (term, value, kind)
        for term, value, _, _, kind in aggregate.evidence_spans(_str(row, "stance_evidence"))
    ]
    out = []
    if words:
        out.append("VADER: " + ", ".join(f"{esc(w)} {v:+.1f}" for w, v in words))
    if cues:
        out.append(
            "Stance: " + ", ".join(_cue_chip(term, value, kind) for term, value, kind in cues)
        )
    return " · ".join(out)


def _cue_chip(term: str, value: float, kind: str) -> str:
    if kind == "reason":
        return f"<i>{esc(term)}</i>"
    return f"{esc(kind or 'cue')} “{esc(term)}” {value:+.2f}"


def _float(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")
