"""The Dask engine gives the single-process output row for row, on a 2-worker LocalCluster."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from analysis import engine, pipeline, schema, store
from analysis.stance import Target

TARGET = Target.parse("the bike lane plan", aliases=["bike lanes", "the council"])

OPENERS = [
    "Honestly the bike lanes are the best thing the council has done in years!",
    "The bike lane plan is a disaster and nobody asked for it 😡",
    "Parking on Elm Street is already impossible, this makes it worse.",
    "I ride every day and finally feel safe. Thank you!!",
    "Meh. We'll see how it looks in winter.",
    "",
    "The council ignored every shop owner on Main Street.",
    "Love it ❤️ more of this please",
]


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as local:
        yield local.scheduler_address


def write_comments(path: Path, n: int) -> Path:
    """A flat comment export written by us: ids, replies, repeats, emoji, empty rows."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["comment_id", "author", "created_at", "comment", "parent_comment_id"])
        for i in range(n):
            text = OPENERS[i % len(OPENERS)]
            if i % 11 == 3:
                text = f'{text}\nSecond line of comment {i}, with a quote: "no".'
            ident = f"c{i % 290}"  # ids repeat after 290 rows: the importer suffixes #2
            parent = f"c{i - 4}" if i % 4 == 0 and i >= 4 else ""
            stamp = f"2026-04-{1 + i % 28:02d}T{i % 24:02d}:15:00Z"
            out.writerow([ident, f"rider{i % 13}", stamp, text, parent])
    return path


def test_analyze_dask_equals_single_process(tmp_path: Path, cluster: str) -> None:
    inputs = [
        write_comments(tmp_path / "monday.csv", 500),
        tmp_path / "missing.csv",  # a failure is reported, the others are analysed
        write_comments(tmp_path / "tuesday.csv", 260),
    ]
    single = pipeline.analyze(inputs, target=TARGET)
    dask = engine.analyze_dask(
        inputs,
        target=TARGET,
        scheduler=cluster,
        partition_rows=122,
    )
    assert len(single.statements) > 600
    pd.testing.assert_frame_equal(dask.statements, single.statements)
    assert [r.to_dict() for r in dask.reports] == [r.to_dict() for r in single.reports]
    assert dask.failures == single.failures and len(dask.failures) == 1
    assert dask.manifest["engine"]["workers"] == 2


def test_analyze_dask_into_project_streams_the_same_rows(tmp_path: Path, cluster: str) -> None:
    source = write_comments(tmp_path / "reactions.csv", 400)
    single = pipeline.analyze([source], target=TARGET)
    with store.open_project(tmp_path / "story.duckdb") as project:
        summary, run = engine.analyze_dask_into(
            project, [source], target=TARGET, scheduler=cluster, partition_rows=90
        )
        again, _ = engine.analyze_dask_into(project, [source], target=TARGET, scheduler=cluster)
        stored = project.statements()
    assert summary.statements_added == len(single.statements)
    assert (again.statements_added, again.sources_already) == (0, ("reactions.csv",))
    pd.testing.assert_frame_equal(stored, single.statements)
    assert run.manifest["engine"] == {"name": "dask", "scheduler": cluster, "workers": 2}


def _thread() -> pd.DataFrame:
    """Replies that name nothing, whose parents sit in earlier partitions (chains of three)."""
    records = []
    for i in range(60):
        parent = records[i - 20].statement_id if i >= 20 else None
        text = (
            "The bike lane plan is wonderful and long overdue."
            if i < 20
            else "Exactly this, well said."
        )
        sid = schema.statement_id("thread.csv", f"row {i}", text)
        records.append(
            schema.Statement(
                statement_id=sid,
                source="thread.csv",
                source_kind="comment",
                text=text,
                speaker=f"u{i}",
                speaker_role="public",
                parent_id=parent,
            )
        )
    return schema.from_records(records)


def test_score_dask_keeps_reply_context_across_partitions(cluster: str) -> None:
    from distributed import Client

    frame = _thread()
    expected = pipeline.score(frame, target=TARGET)
    with Client(cluster) as client:
        got = engine.score_dask(frame, target=TARGET, client=client, partition_rows=7)
    pd.testing.assert_frame_equal(got, expected)
    assert (got["stance_label"].iloc[20:] == expected["stance_label"].iloc[20:]).all()


def test_score_dask_empty_table(cluster: str) -> None:
    from distributed import Client

    with Client(cluster) as client:
        got = engine.score_dask(schema.empty(), target=TARGET, client=client)
    assert got.empty and list(got.columns) == list(schema.COLUMNS)
