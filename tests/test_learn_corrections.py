"""Corrections: the sidecar file, import errors, and attaching the analyst's labels to a table."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import analysis.learn as learn
from analysis.errors import InputError
from analysis.learn import (
    Correction,
    add_corrections,
    apply_corrections,
    corrected_mask,
    corrections_path,
    labelled_statements,
    load_corrections,
    read_corrections,
    save_corrections,
)
from analysis.schema import from_records, validate

TARGET = "the new bus lanes"


def _table() -> pd.DataFrame:
    rows = [
        ("a1", "The bus lanes cut my commute in half.", "public", "favor", 0.6, "positive", 0.7),
        (
            "a2",
            "Nobody asked us before painting the road red.",
            "public",
            "neutral",
            0.0,
            "neutral",
            0.0,
        ),
        (
            "a3",
            "The council will review the lanes in May.",
            "official",
            "neutral",
            0.0,
            "neutral",
            0.0,
        ),
    ]
    evidence = json.dumps(
        [{"kind": "target", "text": "bus lanes", "start": 4, "end": 13, "weight": 0.0}]
    )
    return from_records(
        {
            "statement_id": sid,
            "source": "comments.csv",
            "source_kind": "comment",
            "text": text,
            "speaker_role": role,
            "stance_label": stance,
            "stance_score": score,
            "stance_evidence": evidence,
            "sentiment_label": sentiment,
            "sentiment_compound": compound,
        }
        for sid, text, role, stance, score, sentiment, compound in rows
    )


def test_all_names_exported_exist() -> None:
    assert sorted(learn.__all__) == learn.__all__
    for name in learn.__all__:
        assert getattr(learn, name) is not None


def test_corrections_path_sits_beside_the_table(tmp_path: Path) -> None:
    table = tmp_path / "out" / "statements.parquet"
    assert corrections_path(table) == tmp_path / "out" / "statements.parquet.corrections.jsonl"


def test_save_and_load_round_trip_keeps_latest_per_key(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    first = Correction("against", TARGET, statement_id="a2")
    later = Correction("favor", "The New  Bus Lanes", statement_id="a2", corrected_at="2026-01-02")
    sentiment = Correction("negative", field="sentiment", statement_id="a2")
    save_corrections(path, [first, sentiment, later])
    assert load_corrections(path) == [later, sentiment]


def test_load_corrections_of_missing_file_is_empty(tmp_path: Path) -> None:
    assert load_corrections(tmp_path / "none.jsonl") == []


def test_add_corrections_appends_and_replaces(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    add_corrections(path, [Correction("against", TARGET, statement_id="a1")])
    add_corrections(
        path,
        [
            Correction("favor", TARGET, text="Some   pasted\ntext"),
            Correction("neutral", TARGET, statement_id="a1"),
        ],
    )
    stored = read_corrections(path)
    assert [(c.statement_id, c.text, c.label) for c in stored] == [
        ("a1", None, "neutral"),
        (None, "Some   pasted\ntext", "favor"),
    ]


@pytest.mark.parametrize(
    "line, message",
    [
        ("{not json", "line 2: not JSON"),
        (
            '{"statement_id": "a1", "target": "x", "label": "pro"}',
            "label 'pro' is not one of ['favor', 'against', 'neutral']",
        ),
        ('{"statement_id": "a1", "label": "favor"}', "line 2: a stance correction needs 'target'"),
        ('{"target": "x", "label": "favor"}', "needs 'statement_id' or 'text'"),
        (
            '{"text": "t", "label": "happy", "field": "sentiment"}',
            "['positive', 'negative', 'neutral']",
        ),
        (
            '{"text": "t", "label": "favor", "field": "emotion", "target": "x"}',
            "field 'emotion' is not one of ['stance', 'sentiment']",
        ),
        ('["a1", "favor"]', "line 2: expected a JSON object"),
    ],
)
def test_read_corrections_bad_line_names_line_and_valid_values(
    tmp_path: Path, line: str, message: str
) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(
        '{"statement_id": "a3", "target": "x", "label": "favor"}\n' + line + "\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as info:
        read_corrections(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_apply_corrections_sets_label_score_and_marker() -> None:
    frame = _table()
    before = frame.copy()
    fixes = [
        Correction("against", "The new bus lanes", statement_id="a2"),
        Correction("favor", "another target", statement_id="a3"),  # other target: ignored
        Correction("against", TARGET, text="The  council will review\nthe lanes in May."),
    ]
    out, mask = apply_corrections(frame, fixes, target=TARGET)
    pd.testing.assert_frame_equal(frame, before)  # the input is not mutated
    assert mask.tolist() == [False, True, True]
    assert out["stance_label"].tolist() == ["favor", "against", "against"]
    assert out["stance_score"].tolist() == [0.6, -1.0, -1.0]
    marker = json.loads(out.loc[1, "stance_evidence"])[-1]
    assert marker == {
        "kind": "correction",
        "text": "",
        "label": "against",
        "was": "neutral",
        "was_score": 0.0,
        "note": "label set by the analyst",
    }
    assert corrected_mask(out).tolist() == [False, True, True]
    validate(out)


def test_apply_corrections_twice_keeps_one_marker_and_first_prediction() -> None:
    fixes = [Correction("against", TARGET, statement_id="a1")]
    once, _ = apply_corrections(_table(), fixes, target=TARGET)
    twice, _ = apply_corrections(once, fixes, target=TARGET)
    evidence = json.loads(twice.loc[0, "stance_evidence"])
    assert [e["kind"] for e in evidence] == ["target", "correction"]
    assert (evidence[1]["was"], evidence[1]["was_score"]) == ("favor", 0.6)


def test_apply_sentiment_correction_keeps_vader_numbers_whatever_the_target() -> None:
    out, mask = apply_corrections(
        _table(),
        [Correction("negative", field="sentiment", statement_id="a1")],
        target="anything",
        field="sentiment",
    )
    assert mask.tolist() == [True, False, False]
    assert out.loc[0, "sentiment_label"] == "negative"
    assert out.loc[0, "sentiment_compound"] == 0.7
    assert out.loc[0, "stance_label"] == "favor"
    assert corrected_mask(out, field="sentiment").tolist() == [True, False, False]


def test_labelled_statements_gives_training_records_for_the_target() -> None:
    fixes = [
        Correction("against", TARGET, statement_id="a2"),
        Correction("favor", "trams", statement_id="a1"),  # other target
        Correction("favor", TARGET, text="The lanes saved my mornings."),  # not in the table
        Correction("against", TARGET, text="The council will review the lanes in May."),  # in it
        Correction("negative", field="sentiment", statement_id="a1"),
    ]
    assert labelled_statements(_table(), fixes, target="The New Bus Lanes") == [
        {
            "text": "Nobody asked us before painting the road red.",
            "label": "against",
            "speaker": None,
            "speaker_role": "public",
        },
        {
            "text": "The council will review the lanes in May.",
            "label": "against",
            "speaker": None,
            "speaker_role": "official",
        },
        {
            "text": "The lanes saved my mornings.",
            "label": "favor",
            "speaker": None,
            "speaker_role": None,
        },
    ]
