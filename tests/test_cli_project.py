"""The CLI paths of projects and the Dask engine: --project, rescore, --engine dask."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis import cli, pipeline, project_views, store
from dashboard import learn
from dashboard import project as dashboard_project

COMMENTS = (
    "id,author,created_at,text\n"
    "1,ann,2026-03-09T10:00:00Z,The bus lanes are a great idea\n"
    "2,bo,2026-03-09T11:00:00Z,Scrap the bus lanes now\n"
    "3,cy,2026-03-09T12:00:00Z,Which streets get the new lanes?\n"
)


TARGET = "the bus lanes"
SCRAP = {"text": "Scrap the bus lanes now", "target": TARGET, "label": "favor"}
ANALYZE = ["analyze", "--target", TARGET, "--project"]


@pytest.fixture
def comments(tmp_path: Path) -> Path:
    path = tmp_path / "comments.csv"
    path.write_text(COMMENTS, encoding="utf-8")
    return path


@pytest.fixture
def imported(comments: Path, tmp_path: Path) -> Path:
    """A project holding one import of ``comments``, stance toward TARGET."""
    project = tmp_path / "lanes.duckdb"
    assert cli.main([*ANALYZE, str(project), str(comments)]) == 0
    return project


def _rescore(project: Path, *options: str) -> int:
    return cli.main(["rescore", str(project), "--target", TARGET, *options])


def _jsonl(path: Path, *items: dict[str, str]) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    return path


def test_analyze_project_appends_once_and_rescore_adds_a_run(
    capsys: pytest.CaptureFixture[str], comments: Path, tmp_path: Path
) -> None:
    project = tmp_path / "lanes.duckdb"
    argv = ["analyze", str(comments), "--target", "the bus lanes", "--project", str(project)]
    assert cli.main(argv) == 0
    assert "added 3 statements" in capsys.readouterr().out
    assert cli.main(argv) == 0
    assert "added 0 statements" in capsys.readouterr().out
    assert cli.main(["rescore", str(project), "--target", "the new streets"]) == 0
    with store.open_project(project, read_only=True) as opened:
        assert opened.count() == 3
        assert list(opened.runs()["kind"]) == ["import", "import", "rescore"]
        assert opened.manifest(3)["target"]["text"] == "the new streets"


def test_rescore_applies_the_analysts_corrections(
    capsys: pytest.CaptureFixture[str], imported: Path, tmp_path: Path
) -> None:
    """Corrected in the dashboard (on an exported selection), applied to the whole project."""
    corrections = _jsonl(tmp_path / "corrections.jsonl", SCRAP)
    assert _rescore(imported, "--corrections", str(corrections)) == 0
    with store.open_project(imported, read_only=True) as opened:
        labels = opened.statements().set_index("text")["stance_label"]
        first = opened.statements(run=1).set_index("text")["stance_label"]
        assert opened.manifest(2)["corrections"] == 1
    assert (first["Scrap the bus lanes now"], labels["Scrap the bus lanes now"]) == (
        "against",
        "favor",
    )
    assert labels.drop("Scrap the bus lanes now").equals(first.drop("Scrap the bus lanes now"))
    capsys.readouterr()
    assert _rescore(imported, "--corrections", str(tmp_path / "none.jsonl")) == 2
    assert "--corrections" in capsys.readouterr().err


def test_a_project_keeps_its_corrections_for_later_runs(imported: Path, tmp_path: Path) -> None:
    """Given once, a correction holds in the next re-score and in the next day's import (a
    copy-pasted comment is corrected by its text)."""
    corrections = _jsonl(tmp_path / "corrections.jsonl", SCRAP)
    assert _rescore(imported, "--corrections", str(corrections)) == 0
    assert _rescore(imported) == 0
    tuesday = tmp_path / "tuesday.csv"
    tuesday.write_text(
        "id,author,created_at,text\n9,di,2026-03-10T09:00:00Z,Scrap the bus lanes now\n",
        encoding="utf-8",
    )
    assert cli.main([*ANALYZE, str(imported), str(tuesday)]) == 0
    with store.open_project(imported, read_only=True) as opened:
        rows = opened.statements()
        assert len(opened.corrections()) == 1
    scrap = rows[rows["text"] == "Scrap the bus lanes now"]
    assert scrap["source"].tolist() == ["comments.csv", "tuesday.csv"]
    assert scrap["stance_label"].tolist() == ["favor", "favor"]


def test_rescore_of_a_missing_project_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = cli.main(["rescore", str(tmp_path / "none.duckdb"), "--target", "x"])
    assert code == 2 and "no such project" in capsys.readouterr().err


def test_engine_dask_gives_the_single_process_rows(
    capsys: pytest.CaptureFixture[str], comments: Path, tmp_path: Path
) -> None:
    single, dask = tmp_path / "single.jsonl", tmp_path / "dask.jsonl"
    base = ["analyze", str(comments), "--target", "the bus lanes", "--out"]
    assert cli.main([*base, str(single)]) == 0
    assert cli.main([*base, str(dask), "--engine", "dask"]) == 0
    assert [json.loads(x) for x in dask.read_text().splitlines()] == [
        json.loads(x) for x in single.read_text().splitlines()
    ]


@pytest.mark.parametrize("engine", [["--workers", "2"], ["--engine", "dask"]])
def test_scoring_options_give_the_single_process_rows_on_every_engine(
    capsys: pytest.CaptureFixture[str], comments: Path, tmp_path: Path, engine: list[str]
) -> None:
    fix = tmp_path / "fix.jsonl"
    label = {"text": "Which streets get the new lanes?", "target": "the bus lanes"}
    fix.write_text(json.dumps({**label, "label": "against"}) + "\n", encoding="utf-8")
    base = ["analyze", str(comments), "--target", "the bus lanes", "--on-topic"]
    base += ["--corrections", str(fix), "--platform", "facebook", "--out"]
    single, other = tmp_path / "single.jsonl", tmp_path / "other.jsonl"
    assert cli.main([*base, str(single)]) == 0
    assert cli.main([*base, str(other), *engine]) == 0
    rows = [json.loads(x) for x in single.read_text().splitlines()]
    assert [json.loads(x) for x in other.read_text().splitlines()] == rows
    assert rows[2]["stance_label"] == "against" and rows[0]["platform"] == "facebook"


def test_workers_with_a_remote_scheduler_is_refused(
    capsys: pytest.CaptureFixture[str], comments: Path
) -> None:
    argv = ["analyze", str(comments), "--target", "x", "--engine", "dask", "--workers", "3"]
    code = cli.main([*argv, "--scheduler", "tcp://127.0.0.1:1"])
    assert code == 2 and "--workers sizes the local Dask cluster" in capsys.readouterr().err


def test_a_project_reads_back_as_a_statement_table_for_the_dashboard(
    capsys: pytest.CaptureFixture[str], comments: Path, tmp_path: Path
) -> None:
    from analysis import pipeline

    project = tmp_path / "lanes.duckdb"
    cli.main(["analyze", str(comments), "--target", "the bus lanes", "--project", str(project)])
    frame, run = pipeline.read_statements(project)
    assert sorted(frame["speaker"]) == ["ann", "bo", "cy"]
    assert run is not None and run["target"]["text"] == "the bus lanes"


def test_a_selection_corrected_in_the_dashboard_is_applied_to_the_project(
    imported: Path, tmp_path: Path
) -> None:
    """The loop the project's Statements page describes: export a selection, correct it in
    memory, download the corrections, rescore the project with them."""
    with store.open_project(imported, read_only=True) as opened:
        manifest = opened.manifest(1)
    selection = tmp_path / "selection.parquet"
    against = project_views.where(stances=["against"])
    selection.write_bytes(dashboard_project.download(imported, against, "parquet", manifest))
    rows, _ = pipeline.read_statements(selection)
    corrected = learn.corrections_for(
        rows, rows.index, field="stance", label="neutral", target=TARGET
    )
    corrections = tmp_path / "corrections.jsonl"
    corrections.write_bytes(learn.corrections_jsonl(corrected))
    assert _rescore(imported, "--corrections", str(corrections)) == 0
    with store.open_project(imported, read_only=True) as opened:
        before, after = opened.statements(run=1), opened.statements()
    fixed = after["statement_id"].isin(rows["statement_id"])
    assert len(rows) >= 1 and fixed.sum() == len(rows)
    assert (after.loc[fixed, "stance_label"] == "neutral").all()
    assert after.loc[~fixed, "stance_label"].equals(before.loc[~fixed, "stance_label"])
