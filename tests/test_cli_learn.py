"""The CLI paths of learning from the analyst: train-stance, --model, corrections."""

from __future__ import annotations

import json
from itertools import product
from pathlib import Path

import pytest

from analysis import cli

TARGET = "the new bus lanes"
FAVOR = ["love", "fully support", "are great news for", "finally fix", "are a win for"]
AGAINST = ["hate", "oppose", "are a disaster for", "ruin", "are a waste for"]
SUBJECTS = ["commuters", "our street", "the city", "my family", "shop owners", "cyclists"]


def labelled_records() -> list[dict[str, str]]:
    records = []
    for (verb, label), who in product(
        [(v, "favor") for v in FAVOR] + [(v, "against") for v in AGAINST], SUBJECTS
    ):
        text = f"I {verb} the bus lanes, says one of {who}."
        records.append({"text": text, "target": TARGET, "label": label})
    return records


@pytest.fixture
def labelled(tmp_path: Path) -> Path:
    path = tmp_path / "labelled.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in labelled_records()), encoding="utf-8")
    return path


def last_json(text: str) -> dict[str, object]:
    return json.loads(text.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_train_stance_then_evaluate_with_the_model(
    capsys: pytest.CaptureFixture[str], labelled: Path, tmp_path: Path
) -> None:
    model = tmp_path / "lanes.model"
    assert cli.main(["train-stance", str(labelled), "--target", TARGET, "--out", str(model)]) == 0
    trained = last_json(capsys.readouterr().out)
    assert trained["n"] == len(labelled_records()) and model.is_file()
    assert cli.main(["evaluate", "stance", str(labelled), "--model", str(model)]) == 0
    scored = last_json(capsys.readouterr().out)
    assert scored["n"] == len(labelled_records())
    assert float(scored["macro_f1"]) > 0.9  # type: ignore[arg-type]


def test_analyze_with_a_model_for_another_target_is_refused(
    capsys: pytest.CaptureFixture[str], labelled: Path, tmp_path: Path
) -> None:
    model = tmp_path / "lanes.model"
    cli.main(["train-stance", str(labelled), "--target", TARGET, "--out", str(model)])
    capsys.readouterr()
    code = cli.main(["analyze", str(labelled), "--target", "the stadium", "--model", str(model)])
    err = capsys.readouterr().err
    assert code == 2 and "the stadium" in err and "Traceback" not in err


def test_analyze_applies_the_corrections_sidecar_and_evaluates_against_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    comments = tmp_path / "c.csv"
    comments.write_text(
        "id,text\n1,The bus lanes are wonderful\n2,What time is the meeting?\n", encoding="utf-8"
    )
    out = tmp_path / "out.jsonl"
    sidecar = out.with_name(out.name + ".corrections.jsonl")
    sidecar.write_text(
        json.dumps({"text": "What time is the meeting?", "target": TARGET, "label": "against"})
        + "\n",
        encoding="utf-8",
    )
    assert cli.main(["analyze", str(comments), "--target", TARGET, "--out", str(out)]) == 0
    rows = {r["text"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert rows["What time is the meeting?"]["stance_label"] == "against"
    assert '"correction"' in rows["What time is the meeting?"]["stance_evidence"]
    capsys.readouterr()
    code = cli.main(["evaluate", "stance", str(out), "--against-corrections", str(sidecar)])
    report = last_json(capsys.readouterr().out)
    assert code == 0 and report["n"] == 1
