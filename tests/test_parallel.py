"""Scoring in partitions on a process pool gives the one-pass table, replies and all."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from analysis import parallel, pipeline, store
from analysis.stance import Target

TARGET = Target.parse("the ferry timetable", aliases=["new timetable"])

ROOTS = [
    "The new timetable is a huge improvement, finally boats every twenty minutes!",
    "The ferry timetable is a mess and the harbour board should scrap it.",
    "Does the 7:40 still stop at the island pier?",
]
REPLIES = ["Exactly this, well said.", "Couldn't agree more 👍", "Nope, you are wrong about that."]


def write_threads(path: Path, n: int) -> Path:
    """Roots, and replies naming nothing whose parents sit many rows (partitions) back."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["comment_id", "author", "created_at", "comment", "parent_comment_id"])
        for i in range(n):
            reply = i >= 12 and i % 3 != 0
            text = REPLIES[i % len(REPLIES)] if reply else ROOTS[i % len(ROOTS)]
            parent = f"c{i - 12 + (i % 5)}" if reply else ""
            ident = f"c{i}" if i % 50 != 49 else f"c{i - 1}"  # a repeated id now and then
            out.writerow([ident, f"u{i % 7}", f"2026-05-{1 + i % 28:02d}T08:00:00Z", text, parent])
    return path


@pytest.fixture(scope="module")
def threads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_threads(tmp_path_factory.mktemp("threads") / "ferry.csv", 300)


@pytest.fixture(scope="module")
def one_pass(threads: Path) -> pipeline.Analysis:
    return pipeline.analyze([threads], target=TARGET)


@pytest.mark.parametrize(("workers", "rows"), [(1, 7), (2, 11), (2, 1000)])
def test_analyze_in_partitions_equals_one_pass(
    threads: Path, one_pass: pipeline.Analysis, workers: int, rows: int
) -> None:
    got = parallel.analyze(
        [threads], parallel.Scoring(TARGET), workers=workers, partition_rows=rows
    )
    pd.testing.assert_frame_equal(got.statements, one_pass.statements)
    assert got.manifest["target"] == one_pass.manifest["target"]


def test_replies_across_partitions_are_read_in_their_thread(
    threads: Path, one_pass: pipeline.Analysis
) -> None:
    table, _, _ = pipeline.load([threads])
    with parallel.pool(parallel.Scoring(TARGET), 1) as executor:
        run = parallel.Scored(parallel.partitions(table, 7), executor)
        first = pd.concat(list(run.partitions), ignore_index=True)
        fixes = run.fixes(lambda rows: table.iloc[rows].set_axis(rows))
    # the first reading of the replies missed their parents; the fixes give the one-pass reading
    assert len(fixes) > 100
    expected = one_pass.statements.loc[fixes.index, parallel.STANCE]
    assert (first.loc[fixes.index, "stance_label"] != expected["stance_label"]).any()
    pd.testing.assert_frame_equal(fixes[parallel.STANCE], expected)
    assert sum("reply to a" in e for e in fixes["stance_evidence"]) > 100


def test_analyze_into_a_project_stores_the_one_pass_rows_once(
    threads: Path, one_pass: pipeline.Analysis, tmp_path: Path
) -> None:
    with store.open_project(tmp_path / "ferry.duckdb") as project:
        summary, run = parallel.analyze_into(
            project, [threads], parallel.Scoring(TARGET), workers=2, partition_rows=13
        )
        stored = project.statements()
    expected = one_pass.statements.drop_duplicates("statement_id", ignore_index=True)
    assert summary.statements_added == len(expected) and run.statements.empty
    pd.testing.assert_frame_equal(stored, expected)


def test_a_grown_export_reads_replies_with_parents_stored_by_the_last_import(
    threads: Path, tmp_path: Path
) -> None:
    # the same export a day later, with more replies: its first rows are in the project already
    # and are not stored again, yet phase 2 reads the new replies with those parents
    (tmp_path / "later").mkdir()
    grown = write_threads(tmp_path / "later" / "ferry.csv", 420)
    expected = pipeline.analyze([grown], target=TARGET).statements
    with store.open_project(tmp_path / "ferry.duckdb") as project:
        parallel.analyze_into(project, [threads], parallel.Scoring(TARGET), partition_rows=13)
        summary, _ = parallel.analyze_into(
            project, [grown], parallel.Scoring(TARGET), workers=2, partition_rows=13
        )
        stored = project.statements()
    assert 0 < summary.statements_added < summary.statements_already
    pd.testing.assert_frame_equal(
        stored, expected.drop_duplicates("statement_id", ignore_index=True)
    )


def test_a_failure_in_a_worker_leaves_the_project_as_it_was(
    threads: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ferry.duckdb"
    with store.open_project(path) as project:
        parallel.analyze_into(project, [threads], parallel.Scoring(TARGET), partition_rows=50)

    def broken(self: parallel.Scoring, rows: pd.DataFrame, keep: list[int]) -> pd.DataFrame:
        raise RuntimeError("worker lost")

    monkeypatch.setattr(parallel.Scoring, "threads", broken)
    again = write_threads(tmp_path / "ferry2.csv", 120)
    with store.open_project(path) as project, pytest.raises(RuntimeError, match="worker lost"):
        parallel.analyze_into(project, [again], parallel.Scoring(TARGET), partition_rows=50)
    with store.open_project(path, read_only=True) as project:
        assert list(project.sources()["source"]) == ["ferry.csv"]
        assert len(project.runs()) == 1
