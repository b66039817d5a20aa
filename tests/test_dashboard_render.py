"""Statement cards: evidence highlighted, and user text never reaching the page as markup."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pandas as pd
import pytest

from dashboard import render

DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard"
TEXT = "Shame on the council: the plaza is a great idea, not a disgrace."


def _stance(*items: tuple[str, str, float]) -> str:
    out = []
    for kind, phrase, weight in items:
        start = TEXT.index(phrase) if phrase in TEXT else -1
        end = start + len(phrase) if start >= 0 else -1
        out.append({"kind": kind, "text": phrase, "start": start, "end": end, "weight": weight})
    return json.dumps(out)


def test_marks_use_stance_offsets_and_find_vader_words() -> None:
    sentiment = json.dumps(
        {
            "words": [
                {"word": "great", "at": 7, "valence": 3.1},
                {"word": "disgrace", "at": 11, "valence": -2.2},
            ]
        }
    )
    stance = _stance(
        ("cue", "Shame on", -0.5), ("target", "the plaza", 0.0), ("speaker", "Mayor", 0.8)
    )
    marks = render.marks(TEXT, sentiment, stance)
    assert [(TEXT[m.start : m.end], m.kind) for m in marks] == [
        ("Shame on", "cue"),
        ("the plaza", "target"),
        ("great", "sentiment"),
        ("disgrace", "sentiment"),
    ]


def test_stance_valence_words_are_highlighted_as_sentiment() -> None:
    sentiment = json.dumps({"words": [{"word": "great", "valence": 3.1}]})
    stance = _stance(("valence", "great", 0.3))
    marks = render.marks(TEXT, sentiment, stance)
    assert [(m.kind, m.value) for m in marks] == [("sentiment", 3.1)]
    assert "valence “great” +0.30" in render.statement_card(
        {"text": TEXT, "sentiment_evidence": sentiment, "stance_evidence": stance}
    )


def test_marks_drop_overlaps_and_bad_offsets() -> None:
    stance = json.dumps(
        [
            {
                "kind": "cue",
                "text": "great idea",
                "start": TEXT.index("great"),
                "end": TEXT.index("great") + 10,
                "weight": 0.4,
            },
            {"kind": "cue", "text": "x", "start": 500, "end": 510, "weight": 0.4},
        ]
    )
    sentiment = json.dumps({"words": [{"word": "great", "valence": 3.1}]})
    marks = render.marks(TEXT, sentiment, stance)
    assert [TEXT[m.start : m.end] for m in marks] == ["great idea"]


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('x')</script>",
        '<img src=x onerror="alert(1)">',
        "a & b < c > d \" e ' f",
        "</mark><b>escape the mark</b>",
    ],
)
def test_highlight_escapes_text_inside_and_outside_marks(text: str) -> None:
    spans = [render.Mark(0, min(8, len(text)), "cue", -0.5, text[:8])]
    out = render.highlight(text, spans)
    assert "<script" not in out and "<img" not in out and "<b>" not in out
    assert out.count("<mark") == 1 and out.count("</mark>") == 1


def test_statement_card_escapes_every_field() -> None:
    evil = "<script>x</script>"
    row = {
        "text": f"I {evil} love it",
        "speaker": evil,
        "speaker_role": "public",
        "source": evil,
        "attribution": evil,
        "posted_at": pd.Timestamp("2026-03-09T10:00Z"),
        "sentiment_label": "positive",
        "sentiment_compound": 0.6,
        "sentiment_evidence": json.dumps({"words": [{"word": evil, "valence": 1.0}]}),
        "stance_label": "favor",
        "stance_score": 0.4,
        "stance_evidence": json.dumps(
            [{"kind": "cue", "text": evil, "start": 2, "end": 20, "weight": 0.4}]
        ),
    }
    card = render.statement_card(row)
    assert "<script" not in card
    assert card.count("&lt;script&gt;") >= 5
    assert "09 Mar 2026 10:00 UTC" in card and "favor +0.40" in card


def test_statement_card_handles_missing_values() -> None:
    card = render.statement_card(
        {
            "text": None,
            "speaker": pd.NA,
            "posted_at": pd.NaT,
            "sentiment_compound": pd.NA,
            "stance_evidence": "not json",
        }
    )
    assert "unattributed" in card and "NaT" not in card and "&lt;NA&gt;" not in card


def test_reason_evidence_is_a_note_not_a_highlight() -> None:
    stance = json.dumps(
        [
            {
                "kind": "reason",
                "text": "no mention of the target",
                "start": -1,
                "end": -1,
                "weight": 0.0,
            }
        ]
    )
    row = {
        "text": "Nice weather today.",
        "stance_evidence": stance,
        "stance_label": "neutral",
        "stance_score": 0.0,
    }
    card = render.statement_card(row)
    assert "<i>no mention of the target</i>" in card and "<mark" not in card


def _unsafe_calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and any(k.arg == "unsafe_allow_html" for k in node.keywords)
    ]


def test_pages_pass_only_render_output_as_html() -> None:
    """Every unsafe_allow_html call takes render.statement_card(...) or render.LEGEND."""
    calls = [c for p in sorted(DASHBOARD.rglob("*.py")) for c in _unsafe_calls(p)]
    assert calls, "expected the statement cards to be drawn as HTML"
    for call in calls:
        arg = call.args[0]
        allowed = (
            isinstance(arg, ast.Call)
            and isinstance(arg.func, ast.Attribute)
            and isinstance(arg.func.value, ast.Name)
            and arg.func.value.id == "render"
        ) or (isinstance(arg, ast.Attribute) and ast.unparse(arg) == "render.LEGEND")
        assert allowed, f"unsafe_allow_html with {ast.unparse(arg)} at line {call.lineno}"


def test_card_shows_the_correction_and_the_label_it_replaced() -> None:
    marker = {"kind": "correction", "text": "", "label": "against", "was": "<b>favor</b>"}
    evidence = json.loads(_stance(("cue", "great idea", 0.6)))
    row = {
        "text": TEXT,
        "stance_label": "against",
        "stance_score": -1.0,
        "stance_evidence": json.dumps([*evidence, {**marker, "was_score": 0.6}]),
        "sentiment_label": "negative",
        "sentiment_compound": 0.4,
        "sentiment_evidence": json.dumps([{**marker, "label": "negative", "was": "positive"}]),
    }
    card = render.statement_card(row)
    assert "✎ stance corrected: against" in card
    assert "automatic label was &lt;b&gt;favor&lt;/b&gt; +0.60" in card  # escaped, never markup
    assert "✎ sentiment corrected: negative" in card and "automatic label was positive" in card
    assert "<b>favor</b>" not in card
    assert "great idea" in card  # the rule evidence is still highlighted
    plain = render.statement_card({**row, "stance_evidence": json.dumps(evidence)})
    assert "✎ stance" not in plain


def test_card_shows_the_model_beside_the_rule_evidence() -> None:
    model = {"kind": "model", "text": "", "start": -1, "end": -1, "weight": 0.5}
    model |= {"p_favor": 0.7, "p_against": 0.2, "p_neutral": 0.1, "rule_label": "neutral"}
    evidence = [*json.loads(_stance(("cue", "great idea", 0.6))), model]
    card = render.statement_card(
        {
            "text": TEXT,
            "stance_label": "favor",
            "stance_score": 0.5,
            "stance_evidence": json.dumps(evidence),
        }
    )
    assert "Model: p(favor) 0.70, p(against) 0.20, p(neutral) 0.10" in card
    assert "the rules said <b>neutral</b>" in card
    assert "stance cue: +0.60" in card  # the rule's cue keeps its highlight
