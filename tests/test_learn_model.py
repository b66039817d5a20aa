"""The per-target stance model: learns from invented labelled statements, round-trips, refuses misuse."""

from __future__ import annotations

import itertools
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from analysis.errors import EvaluationError, InputError
from analysis.learn import (
    TrainedModel,
    add_model_stance,
    evaluate_with_model,
    load_model,
    predict_stance,
    save_model,
    train_from_file,
    train_stance,
)
from analysis.learn import model as model_module
from analysis.schema import empty, from_records
from analysis.stance import VERSIONS

TARGET = "the new bus lanes"

# Sentences written for these tests: who speaks, what they do about the bus lanes, and why.
FAVOR = (
    ["love", "finally support", "are glad about", "want more of", "thank the council for"],
    [
        "because my commute is faster now",
        "since the buses finally run on time",
        "and the street feels safer",
    ],
)
AGAINST = (
    ["hate", "want to scrap", "are fed up with", "can't stand", "blame the council for"],
    [
        "because traffic is a nightmare now",
        "since the shops lost customers",
        "and the parking vanished",
    ],
)
NEUTRAL = (
    ["asked about", "read a report on", "heard a talk about", "took photos of", "counted buses on"],
    ["during the meeting on Tuesday", "for the school newsletter", "while waiting at the corner"],
)
TRAIN_WHO = ["I", "We", "My neighbours", "Most riders", "The commuters here", "Our family"]
HELD_OUT_WHO = ["The people on my street", "Both of my kids"]


def _sentences(who: list[str]) -> list[dict[str, str]]:
    rows = []
    for label, (verbs, reasons) in (("favor", FAVOR), ("against", AGAINST), ("neutral", NEUTRAL)):
        for subject, verb, reason in itertools.product(who, verbs, reasons):
            rows.append({"text": f"{subject} {verb} the bus lanes {reason}.", "label": label})
    return rows


@pytest.fixture(scope="session")
def trained() -> TrainedModel:
    return train_stance(_sentences(TRAIN_WHO), target=TARGET, seed=0)


def test_train_stance_learns_held_out_sentences(trained: TrainedModel) -> None:
    held_out = _sentences(HELD_OUT_WHO)
    labels, proba = predict_stance(trained, [r["text"] for r in held_out])
    accuracy = np.mean([p == r["label"] for p, r in zip(labels, held_out, strict=True)])
    assert accuracy >= 0.9
    assert proba.shape == (len(held_out), 3)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert trained.classes == ("against", "favor", "neutral")


def test_train_stance_reports_cross_validation_and_provenance(trained: TrainedModel) -> None:
    info = trained.info
    assert info["n"] == 270
    assert info["label_counts"] == {"favor": 90, "against": 90, "neutral": 90}
    assert info["cv"]["folds"] == 5
    assert 0.8 <= info["cv"]["macro_f1"] <= 1.0
    assert 0.0 <= info["cv"]["ece"] <= 0.5
    assert len(info["data_hash"]) == 64
    assert set(info["versions"]) >= {"scikit-learn", "reaction-lens"}
    assert "rule_stance" in info["features"] and "vader" in info["features"]
    assert info["rules"] == VERSIONS


def test_train_stance_is_deterministic(trained: TrainedModel) -> None:
    again = train_stance(_sentences(TRAIN_WHO), target=TARGET, seed=0)
    texts = [r["text"] for r in _sentences(HELD_OUT_WHO)]
    assert np.array_equal(predict_stance(again, texts)[1], predict_stance(trained, texts)[1])
    assert again.info["cv"] == trained.info["cv"]
    assert again.info["data_hash"] == trained.info["data_hash"]


@pytest.mark.parametrize(
    "records, message",
    [
        (
            [{"text": "I love the bus lanes.", "label": "favor"}] * 5,
            "at least 2 examples of each of two labels",
        ),
        ([{"text": "I love the bus lanes.", "label": "pro"}], "label 'pro' is not one of"),
        ([{"text": "  ", "label": "favor"}], "'text' is missing or empty"),
    ],
)
def test_train_stance_refuses_unusable_labels(records: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(InputError, match=message):
        train_stance(records, target=TARGET)


def test_model_round_trip_gives_same_probabilities(trained: TrainedModel, tmp_path: Path) -> None:
    path = save_model(trained, tmp_path / "lanes.model")
    loaded = load_model(path, target="The New  Bus Lanes")  # same target, other case and spacing
    texts = [r["text"] for r in _sentences(HELD_OUT_WHO)]
    assert np.array_equal(predict_stance(loaded, texts)[1], predict_stance(trained, texts)[1])
    assert loaded.target.text == TARGET
    assert loaded.info["data_hash"] == trained.info["data_hash"]
    assert save_model(loaded, tmp_path / "again.model").read_bytes() == path.read_bytes()


def test_load_model_refuses_another_target(trained: TrainedModel, tmp_path: Path) -> None:
    path = save_model(trained, tmp_path / "lanes.model")
    with pytest.raises(
        InputError, match="trained for target 'the new bus lanes', not 'the tram line'"
    ):
        load_model(path, target="the tram line")


def _rewrite_header(source: Path, dest: Path, **changes: Any) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(dest, "w") as new:
        header = json.loads(old.read("header.json")) | changes
        new.writestr("header.json", json.dumps(header))
        new.writestr("estimators.pkl", old.read("estimators.pkl"))
    return dest


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda p, d: d.write_bytes(b"not a zip at all"), "not a ReactionLens stance model file"),
        (lambda p, d: d.write_bytes(p.read_bytes()[:200]), "not a ReactionLens stance model file"),
        (lambda p, d: _rewrite_header(p, d, schema_version=99), "schema version 99"),
        (lambda p, d: _rewrite_header(p, d, format="something else"), "header format"),
    ],
)
def test_load_model_refuses_damaged_files(
    trained: TrainedModel, tmp_path: Path, damage: Any, message: str
) -> None:
    good = save_model(trained, tmp_path / "good.model")
    bad = tmp_path / "bad.model"
    damage(good, bad)
    with pytest.raises(InputError, match=message):
        load_model(bad)


def test_load_model_refuses_damaged_estimators(trained: TrainedModel, tmp_path: Path) -> None:
    good = save_model(trained, tmp_path / "good.model")
    bad = tmp_path / "bad.model"
    with zipfile.ZipFile(good) as old, zipfile.ZipFile(bad, "w") as new:
        new.writestr("header.json", old.read("header.json"))
        new.writestr("estimators.pkl", old.read("estimators.pkl")[:100])
    with pytest.raises(InputError, match="model file is damaged"):
        load_model(bad)


def test_add_model_stance_keeps_rule_evidence_beside_probabilities(trained: TrainedModel) -> None:
    rule_evidence = json.dumps(
        [{"kind": "cue", "text": "love", "start": 2, "end": 6, "weight": 1.0}]
    )
    frame = from_records(
        [
            {
                "statement_id": "c1",
                "source": "comments.csv",
                "source_kind": "comment",
                "text": "Both of my kids love the bus lanes because my commute is faster now.",
                "stance_label": "favor",
                "stance_evidence": rule_evidence,
            },
            {
                "statement_id": "c2",
                "source": "comments.csv",
                "source_kind": "comment",
                "text": "We hate the bus lanes and the parking vanished.",
            },
        ]
    )
    before = frame.copy()
    out = add_model_stance(frame, trained)
    pd.testing.assert_frame_equal(frame, before)
    assert out["stance_label"].tolist() == ["favor", "against"]
    first = json.loads(out.loc[0, "stance_evidence"])
    assert first[0] == json.loads(rule_evidence)[0]  # the rule's evidence stays
    model_item = first[-1]
    assert model_item["kind"] == "model"
    assert out.loc[0, "stance_score"] == pytest.approx(
        model_item["p_favor"] - model_item["p_against"], abs=1e-3
    )
    assert model_item["p_favor"] > 0.5
    second = json.loads(
        out.loc[1, "stance_evidence"]
    )  # never scored: the rule's own evidence is added
    assert second[0]["kind"] == "target" and second[-1]["kind"] == "model"
    assert second[-1]["rule_label"] in ("favor", "against", "neutral")


def test_add_model_stance_on_an_empty_table(trained: TrainedModel) -> None:
    out = add_model_stance(empty(), trained)
    pd.testing.assert_frame_equal(out, empty())


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_train_from_file_keeps_the_target_rows_and_evaluates(tmp_path: Path) -> None:
    rows = [r | {"target": "The new BUS lanes"} for r in _sentences(TRAIN_WHO)]
    rows.append({"text": "Trams are lovely.", "target": "the tram line", "label": "favor"})
    labelled = _write_jsonl(tmp_path / "labelled.jsonl", rows)
    summary = train_from_file(labelled, target=TARGET, out=tmp_path / "m.model")
    assert (summary["n"], summary["skipped_other_target"]) == (270, 1)
    assert 0.8 <= summary["cv_macro_f1"] <= 1.0
    held = _write_jsonl(
        tmp_path / "held.jsonl", [r | {"target": TARGET} for r in _sentences(HELD_OUT_WHO)]
    )
    result = evaluate_with_model(held, tmp_path / "m.model")
    assert result["n"] == 90
    assert result["macro_f1"] >= 0.9
    assert set(result) >= {"accuracy", "per_class", "f_avg", "floor", "rules", "two_class"}
    assert result["floor"]["macro_f1"] < 0.2


def test_evaluate_with_model_needs_rows_for_its_target(
    trained: TrainedModel, tmp_path: Path
) -> None:
    path = save_model(trained, tmp_path / "m.model")
    other = _write_jsonl(
        tmp_path / "other.jsonl",
        [{"text": "Trams are lovely.", "target": "trams", "label": "favor"}],
    )
    with pytest.raises(
        EvaluationError, match="no records for the model's target 'the new bus lanes'"
    ):
        evaluate_with_model(other, path)


def test_read_labelled_names_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "l.jsonl"
    path.write_text(
        '{"text": "ok", "label": "favor"}\n{"text": "x", "label": "maybe"}\n', encoding="utf-8"
    )
    with pytest.raises(
        InputError, match=r"line 2: label 'maybe' is not one of \['favor', 'against', 'neutral'\]"
    ):
        model_module.read_labelled(path)
