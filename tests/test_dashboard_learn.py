"""dashboard.learn: corrections stored and applied, the agreement tables, the per-target model.

Built on small tables written here: one with the automatic labels set by hand (so every
agreement number is computed by hand below), one scored by the real pipeline (so re-scoring
toward another target, training and accepting a model run the real code).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis import pipeline, schema
from analysis.errors import InputError
from analysis.learn import (
    Correction,
    apply_corrections,
    corrected_mask,
    corrections_path,
    load_corrections,
)
from analysis.stance import Target
from dashboard import data, learn

PLAZA = "the Elm Street plaza"
BUSES = "the new bus timetable"


def _row(n: int, role: str, stance: str, sentiment: str = "neutral") -> dict[str, object]:
    score = {"favor": 0.5, "against": -0.5, "neutral": 0.0}[stance]
    cue = [{"kind": "cue", "text": f"word{n}", "start": 0, "end": 4, "weight": score}]
    return {
        "statement_id": f"s{n}",
        "source": "comments.csv" if n % 2 else "article.html",
        "source_kind": "comment",
        "text": f"Comment number {n} about the plaza",
        "speaker": f"user{n}",
        "speaker_role": role,
        "sentiment_compound": 0.0,
        "sentiment_label": sentiment,
        "stance_label": stance,
        "stance_score": score,
        "stance_evidence": json.dumps(cue),
    }


@pytest.fixture
def labelled() -> data.Dataset:
    """Automatic stance: favor, favor, against, neutral, against (roles public ×2, official ×3)."""
    frame = schema.from_records(
        [
            _row(0, "public", "favor"),
            _row(1, "public", "favor"),
            _row(2, "official", "against"),
            _row(3, "official", "neutral"),
            _row(4, "official", "against"),
        ]
    )
    return data.Dataset(frame, target=Target(PLAZA))


def _set(dataset: data.Dataset, rows: list[int], label: str, field: str = "stance") -> data.Dataset:
    new = learn.corrections_for(
        dataset.statements,
        pd.Index(rows),
        field=field,
        label=label,
        target=learn.target_text(dataset),
    )
    return learn.correct(dataset, new)


COMMENTS = [
    ("ann", "I love the Elm Street plaza, it is wonderful for families."),
    ("bob", "The Elm Street plaza is a disaster and must be reopened to cars."),
    ("cat", "Great job on the Elm Street plaza, best decision in years."),
    ("dan", "The Elm Street plaza killed my shop, terrible idea."),
    ("eve", "So happy with the Elm Street plaza, I walk there every day."),
    ("fay", "Shame on the council for the Elm Street plaza mess."),
    ("gus", "The Elm Street plaza is lovely and calm."),
    ("hal", "Close the Elm Street plaza and bring back parking, it is awful."),
    ("ivy", "The new bus timetable is fine by me."),
]


@pytest.fixture(scope="module")
def scored_frame() -> pd.DataFrame:
    records = [
        {
            "statement_id": f"c{i}",
            "source": "comments.csv",
            "source_kind": "comment",
            "text": text,
            "speaker": who,
            "speaker_role": "public",
        }
        for i, (who, text) in enumerate(COMMENTS)
    ]
    return pipeline.score(schema.from_records(records), target=Target(PLAZA))


@pytest.fixture
def scored(scored_frame: pd.DataFrame) -> data.Dataset:
    return data.Dataset(scored_frame, target=Target(PLAZA))


def test_correct_sets_label_and_keeps_what_it_replaced(labelled: data.Dataset) -> None:
    after = _set(labelled, [2], "favor")
    row = after.statements.loc[2]
    assert (row["stance_label"], row["stance_score"]) == ("favor", 1.0)
    assert list(corrected_mask(after.statements)) == [False, False, True, False, False]
    assert learn.current_label(dict(row), "stance") == "favor"
    assert labelled.statements.loc[2, "stance_label"] == "against"  # the old dataset is untouched
    again = _set(after, [2], "neutral")  # a second correction replaces the first
    assert len(again.corrections) == 1 and again.statements.loc[2, "stance_label"] == "neutral"
    report = learn.report(again, "stance")
    assert report["n"] == 1  # one row, its automatic label (against) kept under both corrections
    assert report["confusion"] == {"labels": ["against", "neutral"], "matrix": [[0, 0], [1, 0]]}
    assert again.manifest["corrections"] == 1


def test_bulk_correction_changes_exactly_the_filtered_rows(labelled: data.Dataset) -> None:
    official = labelled.statements.index[labelled.statements["speaker_role"] == "official"]
    after = _set(labelled, list(official), "favor")
    changed = after.statements["stance_label"] != labelled.statements["stance_label"]
    assert list(changed[changed].index) == [2, 3, 4]
    assert list(corrected_mask(after.statements)) == [False, False, True, True, True]
    assert after.statements.loc[[0, 1], "stance_evidence"].tolist() == (
        labelled.statements.loc[[0, 1], "stance_evidence"].tolist()
    )


def test_agreement_numbers_by_hand(labelled: data.Dataset) -> None:
    # automatic favor, favor, against, neutral; the analyst says favor, against, against, neutral
    after = _set(_set(_set(labelled, [0], "favor"), [1, 2], "against"), [3], "neutral")
    result = learn.report(after, "stance")
    assert (result["n"], result["accuracy"]) == (4, 0.75)
    assert result["kappa"] == pytest.approx(0.6364, abs=1e-4)  # p_o 3/4, p_e 5/16
    assert result["macro_f1"] == pytest.approx((2 / 3 + 2 / 3 + 1) / 3, abs=1e-4)
    assert result["confusion"] == {
        "labels": ["favor", "against", "neutral"],
        "matrix": [[1, 0, 0], [1, 1, 0], [0, 0, 1]],
    }
    classes = learn.class_table(result).set_index("label")
    favor = [classes.at["favor", c] for c in ("precision", "recall", "support", "predicted")]
    assert favor == [0.5, 1.0, 1, 2]
    roles = learn.group_table(result, "speaker_role")
    assert roles.values.tolist() == [
        ["official", 2, 1.0, 1.0, 1.0],
        ["public", 2, 0.5, pytest.approx(1 / 3, abs=1e-4), 0.0],
    ]
    sources = learn.group_table(result, "source")
    assert sources["corrected"].tolist() == [2, 2]  # article.html rows 0, 2; comments 1, 3
    words = learn.evidence_table(result)
    assert words.values.tolist() == [["word1", 1, "favor"]]  # row 1's cue pushed it to favor


def test_sentiment_corrections_are_reported_apart(labelled: data.Dataset) -> None:
    after = _set(labelled, [0, 1], "negative", field="sentiment")
    assert learn.report(after, "stance")["n"] == 0
    sentiment = learn.report(after, "sentiment")
    assert (sentiment["n"], sentiment["accuracy"]) == (2, 0.0)
    assert list(after.statements["sentiment_label"][:2]) == ["negative", "negative"]


def test_corrections_survive_a_target_change_only_for_their_target(
    scored: data.Dataset,
) -> None:
    first = scored.statements.loc[0]
    flipped = "against" if first["stance_label"] != "against" else "favor"
    after = _set(_set(scored, [0], flipped), [1], "positive", field="sentiment")
    buses = data.restance(after, Target(BUSES))
    assert not corrected_mask(buses.statements)[0]  # the plaza label is not a bus label
    assert buses.statements.loc[0, "stance_label"] != flipped or flipped == "neutral"
    assert buses.statements.loc[1, "sentiment_label"] == "positive"  # sentiment has no target
    back = data.restance(buses, Target(PLAZA))
    assert back.statements.loc[0, "stance_label"] == flipped
    assert corrected_mask(back.statements).tolist() == corrected_mask(after.statements).tolist()
    assert len(back.corrections) == 2


def test_on_topic_rescoring_is_recorded_in_the_manifest(scored: data.Dataset) -> None:
    topical = data.restance(scored, Target(PLAZA), on_topic=True)
    assert topical.on_topic and topical.manifest["stance_settings"]["on_topic"] is True
    assert data.restance(topical, Target(PLAZA)).manifest["stance_settings"]["on_topic"] is False


def test_corrections_jsonl_round_trip(labelled: data.Dataset) -> None:
    after = _set(_set(labelled, [0, 1], "against"), [2], "positive", field="sentiment")
    payload = learn.corrections_jsonl(after.corrections)
    first = json.loads(payload.decode().splitlines()[0])
    assert {"statement_id": "s0", "target": PLAZA, "label": "against"}.items() <= first.items()
    back = learn.parse_corrections("corrections.jsonl", payload)
    assert back == list(after.corrections)
    fresh = learn.correct(labelled, back)
    assert fresh.statements["stance_label"].tolist() == after.statements["stance_label"].tolist()
    assert learn.matched(labelled, back) == 3


@pytest.mark.parametrize(
    "payload, message",
    [
        (b'{"statement_id": "s0", "target": "x", "label": "favor"}\n{oops\n', "line 2: not JSON"),
        (b'\n\n{"statement_id": "s0", "target": "x", "label": "maybe"}\n', "line 3"),
        (b'{"target": "x", "label": "favor"}\n', "needs 'statement_id' or 'text'"),
        (b'{"statement_id": "s0", "label": "favor"}\n', "needs 'target'"),
        (b"\n  \n", "no corrections"),
        (b"\xff\xfe\x00bad", "UTF-8"),
    ],
)
def test_parse_corrections_names_the_bad_line(payload: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        learn.parse_corrections("mine.jsonl", payload)
    assert str(caught.value).startswith("mine.jsonl")


def test_corrections_go_to_the_sidecar_of_an_opened_table(
    labelled: data.Dataset, tmp_path: Path
) -> None:
    side = corrections_path(tmp_path / "run.parquet")
    stored = data.Dataset(labelled.statements, target=labelled.target, corrections_file=side)
    _set(stored, [3], "favor")
    assert load_corrections(side) == [
        Correction(
            "favor", PLAZA, "stance", "s3", corrected_at=load_corrections(side)[0].corrected_at
        )
    ]


def test_an_unwritable_sidecar_is_an_error_and_changes_nothing(
    labelled: data.Dataset, tmp_path: Path
) -> None:
    side = tmp_path / "run.parquet.corrections.jsonl"
    side.write_text("{not json\n", encoding="utf-8")
    stored = data.Dataset(labelled.statements, target=labelled.target, corrections_file=side)
    new = learn.corrections_for(
        stored.statements, pd.Index([0]), field="stance", label="against", target=PLAZA
    )
    with pytest.raises(InputError, match="line 1"):
        learn.correct(stored, new)
    assert side.read_text(encoding="utf-8") == "{not json\n"


def test_train_with_too_few_labels_says_what_is_needed(labelled: data.Dataset) -> None:
    with pytest.raises(InputError, match="at least 2 examples of each of two labels"):
        learn.train(_set(labelled, [0], "favor"))


def test_train_accept_and_revert(scored: data.Dataset) -> None:
    gold = ["favor", "against"] * 4  # the first eight comments alternate praise and anger
    dataset = scored
    for row, label in enumerate(gold):
        dataset = _set(dataset, [row], label)
    candidate = learn.train(dataset)
    assert candidate.token == dataset.token and candidate.model.info["n"] == 8
    assert 0.0 <= candidate.cv_macro_f1 <= 1.0
    assert candidate.rules["n"] == 8  # the rules judged on the same eight statements
    rules = learn.rule_labels(scored.statements.iloc[:8])
    assert candidate.rules["accuracy"] == pytest.approx(
        sum(r == g for r, g in zip(rules, gold, strict=True)) / 8, abs=1e-4
    )

    accepted = learn.accept(dataset, candidate.model)
    assert accepted.model is candidate.model
    assert accepted.manifest["stance_model"]["name"] == candidate.model.name
    for raw in accepted.statements["stance_evidence"]:
        kinds = [item["kind"] for item in json.loads(raw)]
        assert "model" in kinds and len(kinds) > 1  # rule evidence kept beside the model
    assert accepted.statements["stance_label"][:8].tolist() == gold  # corrections still win
    assert (
        learn.rule_labels(accepted.statements).tolist()
        == learn.rule_labels(scored.statements).tolist()
    )

    reverted = learn.revert(accepted)
    assert reverted.model is None
    assert not any('"model"' in raw for raw in reverted.statements["stance_evidence"])
    assert reverted.statements["stance_label"][:8].tolist() == gold
    assert data.restance(accepted, Target(BUSES)).model is None  # a plaza model is not for buses


def test_uncorrect_brings_back_the_automatic_label(labelled: data.Dataset, tmp_path: Path) -> None:
    side = tmp_path / "run.parquet.corrections.jsonl"
    stored = data.Dataset(labelled.statements, target=labelled.target, corrections_file=side)
    after = _set(_set(stored, [0, 2], "neutral"), [2], "negative", field="sentiment")
    back = learn.uncorrect(after, pd.Index([2]), "stance")
    frame = back.statements
    assert (frame.at[2, "stance_label"], frame.at[2, "stance_score"]) == ("against", -0.5)
    evidence = labelled.statements["stance_evidence"].tolist()
    assert frame["stance_evidence"].tolist()[2] == evidence[2]
    assert corrected_mask(frame).tolist() == [True, False, False, False, False]
    assert corrected_mask(frame, field="sentiment")[2]  # the other field keeps its correction
    assert sorted((c.statement_id, c.field) for c in back.corrections) == [
        ("s0", "stance"),
        ("s2", "sentiment"),
    ]
    assert sorted((c.statement_id, c.field) for c in load_corrections(side)) == [
        ("s0", "stance"),
        ("s2", "sentiment"),
    ]


def test_applying_by_id_matches_the_backend_on_the_whole_table(scored: data.Dataset) -> None:
    frame = scored.statements
    corrections = [
        *learn.corrections_for(
            frame, frame.index[[1, 4]], field="stance", label="neutral", target=PLAZA
        ),
        *learn.corrections_for(
            frame, frame.index[[0, 4]], field="sentiment", label="positive", target=PLAZA
        ),
    ]
    by_text = [Correction("against", PLAZA, "stance", text=str(frame.loc[6, "text"]))]
    for given in (corrections, [*corrections, *by_text]):
        fast = data.apply_all(frame, given, Target(PLAZA))
        whole = frame
        for field in ("stance", "sentiment"):
            whole, _ = apply_corrections(whole, given, target=PLAZA, field=field)
        pd.testing.assert_frame_equal(fast, whole)
    named = data.named_rows(frame, corrections)
    assert named is not None
    assert list(named) == [True, True, False, False, True, False, False, False, False]
    assert data.named_rows(frame, by_text) is None  # a text match needs every row read
