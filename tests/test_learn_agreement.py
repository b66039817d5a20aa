"""Agreement with the analyst: hand-built confusion cases, kappa against a value worked by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from analysis.errors import EvaluationError
from analysis.learn import (
    Correction,
    agreement,
    agreement_by,
    agreement_report,
    apply_corrections,
    cohen_kappa,
    confusion,
    evaluate_against_corrections,
    misleading_evidence,
    save_corrections,
)
from analysis.schema import from_records

# 50 statements: gold favor & predicted favor 20, favor->against 5, against->favor 10,
# against->against 15.
# p_o = 35/50 = 0.7. Gold totals 25/25, predicted totals 30/20:
# p_e = (25*30 + 25*20) / 50^2 = 1250/2500 = 0.5, so kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4.
GOLD = ["favor"] * 25 + ["against"] * 25
PRED = ["favor"] * 20 + ["against"] * 5 + ["favor"] * 10 + ["against"] * 15


def test_cohen_kappa_matches_hand_computed_value() -> None:
    assert cohen_kappa(GOLD, PRED) == 0.4
    assert cohen_kappa(GOLD, PRED) == pytest.approx(cohen_kappa_score(GOLD, PRED), abs=1e-4)


@pytest.mark.parametrize(
    "gold, pred, expected",
    [
        (["favor", "against", "neutral"], ["favor", "against", "neutral"], 1.0),
        # p_o = 0, p_e = (1*1 + 1*1)/4 = 0.5: kappa = -1, systematic disagreement
        (["favor", "against"], ["against", "favor"], -1.0),
        (["neutral", "neutral"], ["neutral", "neutral"], None),  # one label only: undefined
        ([], [], None),
    ],
)
def test_cohen_kappa_edge_cases(gold: list[str], pred: list[str], expected: float | None) -> None:
    assert cohen_kappa(gold, pred) == expected


def test_cohen_kappa_three_classes_agrees_with_sklearn() -> None:
    gold = ["favor", "favor", "against", "neutral", "neutral", "against", "favor", "neutral"]
    pred = ["favor", "neutral", "against", "neutral", "favor", "favor", "favor", "neutral"]
    assert cohen_kappa(gold, pred) == pytest.approx(cohen_kappa_score(gold, pred), abs=1e-4)


def test_confusion_rows_are_gold_columns_predicted() -> None:
    assert confusion(GOLD, PRED, ["favor", "against"]) == [[20, 5], [10, 15]]


def test_agreement_per_class_figures_by_hand() -> None:
    result = agreement(GOLD, PRED)
    # favor: precision 20/30, recall 20/25 -> F1 = 2*(2/3)*(4/5)/((2/3)+(4/5)) = 0.72727
    # against: precision 15/20, recall 15/25 -> F1 = 2*0.75*0.6/1.35 = 0.66667
    assert result["per_class"]["favor"] == {
        "precision": 0.6667,
        "recall": 0.8,
        "f1": 0.7273,
        "support": 25,
        "predicted": 30,
    }
    assert result["per_class"]["against"]["f1"] == 0.6667
    assert result["macro_f1"] == 0.697
    assert (result["n"], result["accuracy"], result["kappa"]) == (50, 0.7, 0.4)
    assert result["confusion"] == {"labels": ["favor", "against"], "matrix": [[20, 5], [10, 15]]}


def test_agreement_counts_a_never_gold_label_in_macro_f1() -> None:
    # neutral is predicted but never gold: its F1 is 0 and it counts, as in sklearn's macro F1
    result = agreement(["favor", "favor"], ["favor", "neutral"])
    assert result["per_class"]["neutral"] == {
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
        "support": 0,
        "predicted": 1,
    }
    assert result["macro_f1"] == pytest.approx((2 / 3 + 0.0) / 2, abs=1e-4)


def test_agreement_by_group_counts_each_group() -> None:
    groups = ["official"] * 25 + ["public"] * 25
    by = agreement_by(GOLD, PRED, groups)
    assert list(by) == ["official", "public"]
    assert by["official"]["confusion"]["matrix"] == [[20, 5], [0, 0]]
    assert by["public"]["accuracy"] == 0.6
    assert by["public"]["confusion"]["labels"] == ["favor", "against"]


def _ev(*items: tuple[str, str, float]) -> str:
    return json.dumps([{"kind": k, "text": t, "weight": w} for k, t, w in items])


def test_misleading_evidence_counts_terms_pushing_toward_the_wrong_label() -> None:
    evidence = [
        _ev(("target", "bus lanes", 0.0), ("valence", "great", 0.75), ("cue", "disgrace", -1.0)),
        _ev(("valence", "Great", 0.75)),
        _ev(("cue", "disgrace", -1.0)),
        _ev(("valence", "great", 0.75)),  # right label: not counted
        json.dumps(
            [{"kind": "reason", "text": "", "note": "no mention of the target", "weight": 0.0}]
        ),
    ]
    gold = ["against", "against", "favor", "favor", "favor"]
    pred = ["favor", "favor", "against", "favor", "neutral"]
    assert misleading_evidence(evidence, gold, pred) == [
        {"term": "great", "count": 2, "wrong_label": "favor"},
        {"term": "disgrace", "count": 1, "wrong_label": "against"},
        {"term": "no mention of the target", "count": 1, "wrong_label": "neutral"},
    ]


def _scored() -> pd.DataFrame:
    rows = [
        ("s1", "The lanes are great.", "public", "blog", "favor", _ev(("valence", "great", 0.75))),
        ("s2", "Great, another jam.", "public", "blog", "favor", _ev(("valence", "great", 0.75))),
        ("s3", "We will study them.", "official", "paper", "neutral", None),
        ("s4", "Not scored yet.", "public", "paper", None, None),
    ]
    return from_records(
        {
            "statement_id": sid,
            "source": source,
            "source_kind": "comment",
            "text": text,
            "speaker_role": role,
            "stance_label": label,
            "stance_evidence": ev,
        }
        for sid, text, role, source, label, ev in rows
    )


FIXES = [
    Correction("favor", "bus lanes", statement_id="s1"),
    Correction("against", "Bus Lanes", statement_id="s2"),
    Correction("neutral", "bus lanes", statement_id="s3"),
    Correction("against", "bus lanes", statement_id="s4"),
]


@pytest.mark.parametrize("applied_first", [False, True])
def test_agreement_report_uses_the_automatic_label(applied_first: bool) -> None:
    frame = _scored()
    if applied_first:  # after correction the marker's "was" still holds the automatic label
        frame, _ = apply_corrections(frame, FIXES, target="bus lanes")
    report = agreement_report(frame, FIXES, target="bus lanes")
    assert (report["n"], report["accuracy"], report["unscored"]) == (3, 0.6667, 1)
    assert report["by"]["speaker_role"]["public"]["confusion"] == {
        "labels": ["favor", "against", "neutral"],
        "matrix": [[1, 0, 0], [1, 0, 0], [0, 0, 0]],
    }
    assert report["by"]["source"]["paper"]["n"] == 1  # s4 was never scored: left out
    assert report["misleading_evidence"] == [{"term": "great", "count": 1, "wrong_label": "favor"}]


def test_evaluate_against_corrections_reads_table_and_sidecar(tmp_path: Path) -> None:
    table = tmp_path / "statements.jsonl"
    _scored().to_json(table, orient="records", lines=True, date_format="iso")
    fixes = save_corrections(tmp_path / "fixes.jsonl", FIXES)
    result = evaluate_against_corrections(table, fixes)
    assert (result["n"], result["target"], result["kappa"]) == (
        3,
        "bus lanes",
        agreement(["favor", "against", "neutral"], ["favor", "favor", "neutral"])["kappa"],
    )
    other = save_corrections(
        tmp_path / "other.jsonl", [Correction("favor", "trams", statement_id="s1")]
    )
    with pytest.raises(EvaluationError, match="none of its 1 stance corrections match"):
        evaluate_against_corrections(table, other, target="bus lanes")


def test_agreement_by_averages_each_group_over_its_own_labels() -> None:
    gold = ["against", "against", "favor", "neutral"]
    pred = ["against", "against", "favor", "favor"]
    groups = ["public", "public", "official", "official"]
    result = agreement_by(gold, pred, groups)
    # public: only "against", all right -> 1.0 (not 1/3 for two absent labels)
    assert result["public"]["macro_f1"] == 1.0
    # official: favor P 0.5 R 1.0 F1 0.667; neutral F1 0 -> (0.6667 + 0) / 2
    assert result["official"]["macro_f1"] == 0.3333
