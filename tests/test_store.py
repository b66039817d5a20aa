"""The project store: appends in one transaction, no duplicates, SQL aggregates equal pandas ones."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analysis import aggregate, parallel, pipeline, schema, store
from analysis.errors import InputError, ReactionLensError
from analysis.learn import Correction
from analysis.report import ImportReport
from analysis.stance import Target, add_stance

REPO = Path(__file__).resolve().parent.parent

COMMENTS = [
    ("the council finally fixed the bus lanes, great work", "favor", 0.62, 0.55, "public"),
    ("this council is a joke, they wasted our money again", "against", -0.71, -0.6, "public"),
    ("bus lanes open on monday according to the notice", "neutral", 0.0, 0.0, "media"),
    ("we support the plan and will fund the next phase", "favor", 0.4, 0.5, "official"),
    ("I doubt the council can deliver anything on time 😒", "against", -0.3, -0.4, "public"),
    ("no opinion, just here for the comments", "neutral", -0.1, 0.0, "unknown"),
]


def statements(source: str, n: int, *, start: int = 0) -> pd.DataFrame:
    """``n`` scored statements of ``source`` written by us, rows ``start`` .. ``start + n - 1``."""
    records = []
    for i in range(start, start + n):
        text, stance, sent, score, role = COMMENTS[i % len(COMMENTS)]
        records.append(
            schema.Statement(
                statement_id=schema.statement_id(source, f"row {i}", text),
                source=source,
                source_kind="comment",
                platform="reddit",
                text=f"{text} ({i})",
                speaker=f"user{i % 7}",
                speaker_role=role,
                posted_at=pd.Timestamp("2026-03-01T08:00:00Z") + pd.Timedelta(hours=5 * i),
                sentiment_compound=sent,
                sentiment_label="positive"
                if sent > 0.05
                else "negative"
                if sent < -0.05
                else "neutral",
                sentiment_evidence=json.dumps({"words": [], "row": i}),  # one per row
                stance_label=stance,
                stance_score=score,
                stance_evidence="[]",
            )
        )
    return schema.from_records(records)


def report(source: str, frame: pd.DataFrame, skipped: int = 0) -> ImportReport:
    rep = ImportReport(source=source, layout="flat table csv", rows_read=len(frame) + skipped)
    rep.statements = len(frame)
    for row in range(skipped):
        rep.skip(row + 2, "empty text", f"id={row}")
    return rep


MANIFEST = {"target": {"text": "the city council", "aliases": ["council"], "opponents": []}}


def append(project: store.Project, source: str, frame: pd.DataFrame, digest: str, skipped: int = 0):
    return project.append(
        frame, [report(source, frame, skipped)], MANIFEST, content_hashes={source: digest}
    )


def table_counts(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = ("runs", "sources", "statements", "skipped", "corrections")
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    finally:
        con.close()


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return tmp_path / "story.duckdb"


def test_open_project_creates_current_schema(project_path: Path) -> None:
    with store.open_project(project_path) as project:
        assert project.runs().empty
    con = duckdb.connect(str(project_path), read_only=True)
    version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    con.close()
    assert version == (str(store.SCHEMA_VERSION),)


def test_open_project_missing_without_create(project_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        with store.open_project(project_path, create=False):
            pass


def test_append_roundtrip_keeps_every_column(project_path: Path) -> None:
    frame = statements("day1.csv", 12)
    with store.open_project(project_path) as project:
        summary = append(project, "day1.csv", frame, "a" * 64, skipped=2)
        stored = project.statements()
        sources = project.sources()
        skipped = project.skipped()
    assert (summary.statements_added, summary.skipped_rows, summary.run_id) == (12, 2, 1)
    pd.testing.assert_frame_equal(stored, frame)
    assert sources[["source", "rows_read", "statements", "skipped"]].values.tolist() == [
        ["day1.csv", 14, 12, 2]
    ]
    assert skipped["reason"].tolist() == ["empty text", "empty text"]


def test_append_same_file_twice_adds_nothing(project_path: Path) -> None:
    frame = statements("day1.csv", 10)
    with store.open_project(project_path) as project:
        append(project, "day1.csv", frame, "a" * 64)
        again = append(project, "day1.csv", frame, "a" * 64)
        total = project.count()
    assert (again.statements_added, again.sources_already, total) == (0, ("day1.csv",), 10)


def test_append_grown_export_adds_only_new_rows(project_path: Path) -> None:
    """Tomorrow's export repeats today's rows: only the new ones are added (stable ids)."""
    with store.open_project(project_path) as project:
        append(project, "export.csv", statements("export.csv", 10), "a" * 64)
        grown = append(project, "export.csv", statements("export.csv", 15), "b" * 64)
        assert (grown.statements_added, grown.statements_already) == (5, 10)
        assert project.count() == 15
        assert project.statements()["statement_id"].is_unique


@pytest.mark.parametrize("step", ["run", "sources", "statements", "skipped"])
def test_append_failure_leaves_project_as_before(project_path: Path, step: str) -> None:
    with store.open_project(project_path) as project:
        append(project, "day1.csv", statements("day1.csv", 6), "a" * 64, skipped=1)
    before = table_counts(project_path)

    def fail(at: str) -> None:
        if at == step:
            raise RuntimeError(f"injected failure after {at}")

    with store.open_project(project_path) as project:
        project._fail_after = fail
        with pytest.raises(RuntimeError, match="injected"):
            append(project, "day2.csv", statements("day2.csv", 8), "b" * 64, skipped=3)
    assert table_counts(project_path) == before


def test_append_killed_process_leaves_project_as_before(project_path: Path) -> None:
    """A process that dies mid-import (no rollback, no close) leaves no trace of that import."""
    with store.open_project(project_path) as project:
        append(project, "day1.csv", statements("day1.csv", 6), "a" * 64)
    before = table_counts(project_path)
    script = f"""
import os, sys
sys.path.insert(0, {str(REPO)!r})
sys.path.insert(0, {str(Path(__file__).parent)!r})
from test_store import append, statements
from analysis import store
with store.open_project(__import__("pathlib").Path({str(project_path)!r})) as project:
    project._fail_after = lambda at: os._exit(3) if at == "statements" else None
    append(project, "day2.csv", statements("day2.csv", 500), "b" * 64)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert done.returncode == 3, done.stderr.decode()
    assert table_counts(project_path) == before
    with store.open_project(project_path) as project:
        assert project.count() == 6


def test_append_partitions_equals_whole_frame(tmp_path: Path) -> None:
    frame = statements("big.csv", 50)
    parts = [frame.iloc[i : i + 12] for i in range(0, 50, 12)]
    with store.open_project(tmp_path / "whole.duckdb") as project:
        append(project, "big.csv", frame, "a" * 64)
        whole = project.statements()
    with store.open_project(tmp_path / "parts.duckdb") as project:
        summary = project.append(
            iter(parts), [report("big.csv", frame)], MANIFEST, content_hashes={"big.csv": "a" * 64}
        )
        streamed = project.statements()
    assert summary.statements_added == 50
    pd.testing.assert_frame_equal(streamed, whole)


def test_append_stream_failing_midway_adds_nothing(project_path: Path) -> None:
    """An engine that dies after some partitions were inserted leaves no partial import."""
    frame = statements("big.csv", 40)

    def parts():
        yield frame.iloc[:20]
        raise OSError("worker lost")

    with store.open_project(project_path) as project:
        with pytest.raises(OSError, match="worker lost"):
            project.append(parts(), [report("big.csv", frame)], MANIFEST, content_hashes={})
    assert table_counts(project_path) == dict.fromkeys(
        ("runs", "sources", "statements", "skipped", "corrections"), 0
    )


def _append_many(path: str, source: str, times: int) -> None:
    for i in range(times):
        with store.open_project(Path(path), wait=60) as project:
            frame = statements(source, 20, start=20 * i)
            append(project, source, frame, f"{source}-{i}")


def test_append_from_two_processes_loses_no_rows(project_path: Path) -> None:
    with store.open_project(project_path):
        pass
    ctx = multiprocessing.get_context("spawn")
    workers = [
        ctx.Process(target=_append_many, args=(str(project_path), name, 3))
        for name in ("left.csv", "right.csv")
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(90)
    assert [w.exitcode for w in workers] == [0, 0]
    with store.open_project(project_path, read_only=True) as project:
        assert project.count() == 120
        assert project.statements()["statement_id"].is_unique
        assert len(project.runs()) == 6


def _in_another_process(project_path: Path, body: str) -> str:
    """Run ``body`` (with ``project`` open, waiting at most 2 s) in a new Python process."""
    script = f"""
import sys
sys.path.insert(0, {str(REPO)!r})
sys.path.insert(0, {str(Path(__file__).parent)!r})
from pathlib import Path
from test_store import append, statements
from analysis import store
with store.open_project(Path({str(project_path)!r}), wait=2) as project:
    {body}
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode().strip()


def test_append_leaves_the_file_to_others_while_its_rows_arrive(project_path: Path) -> None:
    """Reading and scoring a big import takes minutes: meanwhile the dashboard can read the
    project and another import can land; then this one is stored, with no row lost."""
    with store.open_project(project_path) as project:
        append(project, "day1.csv", statements("day1.csv", 6), "a" * 64)
    frame = statements("day2.csv", 30)
    seen: list[str] = []

    def arriving():
        yield frame.iloc[:10]
        seen.append(_in_another_process(project_path, "print(project.count())"))
        body = 'append(project, "other.csv", statements("other.csv", 4), "c" * 64)'
        seen.append(_in_another_process(project_path, body))
        yield frame.iloc[10:]

    with store.open_project(project_path) as project:
        summary = project.append(
            arriving(), [report("day2.csv", frame)], MANIFEST, content_hashes={"day2.csv": "b" * 64}
        )
        stored = project.statements()
    assert seen[0] == "6" and summary.statements_added == 30
    assert len(stored) == 40 and stored["statement_id"].is_unique
    assert stored["source"].tolist() == ["day1.csv"] * 6 + ["other.csv"] * 4 + ["day2.csv"] * 30


def test_append_leaves_out_what_another_process_stored_while_its_rows_arrived(
    project_path: Path,
) -> None:
    frame = statements("day1.csv", 12)

    def arriving():
        yield frame.iloc[:6]
        # the same export imported by someone else meanwhile, and a copy of it under a new name
        body = (
            'append(project, "day1.csv", statements("day1.csv", 12), "a" * 64); '
            'append(project, "copy.csv", statements("day1.csv", 12).assign(source="copy.csv"), '
            '"d" * 64)'
        )
        _in_another_process(project_path, body)
        yield frame.iloc[6:]

    with store.open_project(project_path) as project:
        summary = project.append(
            arriving(), [report("day1.csv", frame)], MANIFEST, content_hashes={"day1.csv": "a" * 64}
        )
        assert project.count() == 12 and len(project.runs()) == 3
    assert summary.sources_already == ("day1.csv",) and summary.statements_added == 0

    frame = statements("day1.csv", 12)
    with store.open_project(project_path) as project:
        summary = project.append(
            iter([frame]),
            [report("day1.csv", frame)],
            MANIFEST,
            content_hashes={"day1.csv": "e" * 64},
        )
    assert (summary.statements_added, summary.statements_already) == (0, 12)


def test_open_project_locked_by_writer_says_try_again(project_path: Path) -> None:
    with store.open_project(project_path):
        pass
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ok', flush=True); "
            "time.sleep(30)",
            str(project_path),
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"ok"
        with pytest.raises(ReactionLensError, match="being written by another process; try again"):
            with store.open_project(project_path, wait=0.5):
                pass
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()


@pytest.fixture
def filled(project_path: Path) -> Path:
    with store.open_project(project_path) as project:
        append(project, "day1.csv", statements("day1.csv", 30), "a" * 64)
        append(project, "day2.csv", statements("day2.csv", 25, start=30), "b" * 64)
    return project_path


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({}, 55),
        ({"source": "day2.csv"}, 25),
        ({"stance_label": ["favor", "against"]}, 37),
        ({"speaker_role": "official", "source": "day1.csv"}, 5),
        ({"text_contains": "BUS LANES"}, 19),
    ],
)
def test_statements_filters(filled: Path, filters: dict[str, object], expected: int) -> None:
    with store.open_project(filled, read_only=True) as project:
        frame = project.statements(**filters)
        assert len(frame) == project.count(**filters) == expected


@pytest.mark.parametrize(
    "typed, expected",
    [("50%", ["Fares up 50% on route_9"]), ("route_9", ["Fares up 50% on route_9"]), ("\\", [])],
)
def test_text_search_takes_wildcards_literally(
    project_path: Path, typed: str, expected: list[str]
) -> None:
    frame = statements("fares.csv", 2)
    frame["text"] = pd.array(["Fares up 50% on route_9", "Fares up 500 on routeX9"], "string")
    with store.open_project(project_path) as project:
        append(project, "fares.csv", frame, "f" * 64)
        assert project.statements(text_contains=typed)["text"].tolist() == expected


def test_statements_unknown_filter_names_valid_ones(filled: Path) -> None:
    with store.open_project(filled, read_only=True) as project:
        with pytest.raises(InputError, match="valid: .*speaker_role"):
            project.statements(mood="angry")


def test_page_walks_rows_in_import_order(filled: Path) -> None:
    with store.open_project(filled, read_only=True) as project:
        whole = project.statements()
        pages = [project.page(offset, 20) for offset in (0, 20, 40, 60)]
    assert [len(p) for p in pages] == [20, 20, 15, 0]
    pd.testing.assert_frame_equal(pd.concat(pages, ignore_index=True), whole)
    assert whole["source"].tolist() == ["day1.csv"] * 30 + ["day2.csv"] * 25


def test_page_with_filter_skips_rows_that_do_not_match(filled: Path) -> None:
    with store.open_project(filled, read_only=True) as project:
        against = project.statements(stance_label="against")
        pages = [project.page(offset, 7, stance_label="against") for offset in range(0, 21, 7)]
    assert [len(p) for p in pages] == [7, 7, 4]
    pd.testing.assert_frame_equal(pd.concat(pages, ignore_index=True), against)


def as_object(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Group labels compared as values: their string dtype is the summariser's detail."""
    return frame.astype({k: object for k in keys})


@pytest.mark.parametrize("by", ["speaker_role", "source", ["source", "speaker_role"]])
def test_aggregate_sql_equals_pandas_summary(filled: Path, by: str | list[str]) -> None:
    with store.open_project(filled, read_only=True) as project:
        sql = project.aggregate_sql(by)
        expected = aggregate.summarize(project.statements(), by)
    keys = [by] if isinstance(by, str) else by
    pd.testing.assert_frame_equal(as_object(sql, keys), as_object(expected, keys))


def test_aggregate_sql_group_without_stance_labels_counts_zero(
    harbour_project: tuple[Path, pd.DataFrame],
) -> None:
    """The harbour rows of role "unknown" carry no stance label at all (scored as unscorable)."""
    with store.open_project(harbour_project[0], read_only=True, create=False) as project:
        sql = project.aggregate_sql("speaker_role")
    expected = aggregate.summarize(harbour_project[1], "speaker_role")
    unknown = sql.set_index("speaker_role").loc["unknown"]
    assert (unknown["favor"], unknown["against"], unknown["neutral"]) == (0, 0, 0)
    keys = ["speaker_role"]
    pd.testing.assert_frame_equal(as_object(sql, keys), as_object(expected, keys))


def test_aggregate_sql_by_day_counts_every_dated_row(filled: Path) -> None:
    with store.open_project(filled, read_only=True) as project:
        daily = project.aggregate_sql("day")
        frame = project.statements()
    expected = frame["posted_at"].dt.floor("D").value_counts()
    got = daily.set_index("day")["statements"]
    assert {pd.Timestamp(k): v for k, v in got.items()} == expected.to_dict()


def test_stance_share_equals_pandas(filled: Path) -> None:
    with store.open_project(filled, read_only=True) as project:
        sql = project.stance_share("speaker_role")
        expected = aggregate.stance_share(project.statements(), by="speaker_role")
    keys = ["speaker_role", "stance_label"]
    pd.testing.assert_frame_equal(as_object(sql, keys), as_object(expected, keys))


def test_rescore_stance_is_a_new_run_keeping_the_old(filled: Path) -> None:
    target = Target.parse("bus lanes", aliases=["bus lane"])
    with store.open_project(filled) as project:
        before = project.statements()
        summary = parallel.rescore(project, target)
        after = project.statements()
        first_run = project.statements(run=1)
        kinds = project.runs()["kind"].tolist()
        stored_target = json.loads(project.runs()["target"].iloc[-1])
    assert (summary.kind, summary.statements_added, kinds) == (
        "rescore",
        55,
        ["import"] * 2 + ["rescore"],
    )
    pd.testing.assert_frame_equal(after, add_stance(before, target))
    pd.testing.assert_frame_equal(first_run, before.iloc[:30].reset_index(drop=True))
    assert stored_target["text"] == "bus lanes"


def test_rescore_failure_leaves_project_as_before(filled: Path) -> None:
    with store.open_project(filled, read_only=True) as project:
        before = project.statements()
    counts = table_counts(filled)

    def fail(at: str) -> None:
        if at == "superseded":
            raise RuntimeError("injected failure after the old rows were superseded")

    with store.open_project(filled) as project:
        project._fail_after = fail
        with pytest.raises(RuntimeError, match="injected"):
            favor = Correction("favor", "the council", statement_id=before["statement_id"][0])
            parallel.rescore(
                project, Target.parse("the council"), corrections=[favor], partition_rows=7
            )
    assert table_counts(filled) == counts
    with store.open_project(filled, read_only=True) as project:
        pd.testing.assert_frame_equal(project.statements(), before)


def test_rescore_leaves_the_file_to_others_and_stores_nothing_over_a_newer_run(
    filled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scoring a re-score takes minutes: meanwhile others read the project. An import that lands
    meanwhile is kept current; the re-score, which never saw its rows, says so and stores nothing."""
    seen: list[str] = []
    score = parallel.Scoring.partition

    def scoring_while_others_work(self: parallel.Scoring, part: pd.DataFrame) -> object:
        if not seen:
            seen.append(_in_another_process(filled, "print(project.count())"))
            body = 'append(project, "day3.csv", statements("day3.csv", 5), "c" * 64)'
            seen.append(_in_another_process(filled, body))
        return score(self, part)

    monkeypatch.setattr(parallel.Scoring, "partition", scoring_while_others_work)
    with store.open_project(filled) as project:
        with pytest.raises(ReactionLensError, match="gained a run while this re-score ran"):
            parallel.rescore(project, Target.parse("the council"), partition_rows=20)
        assert seen[0] == "55" and project.count() == 60
        assert project.runs()["kind"].tolist() == ["import", "import", "import"]


def test_rescore_in_partitions_on_two_processes_equals_one_pass(filled: Path) -> None:
    target = Target.parse("the council")
    with store.open_project(filled) as project:
        expected = add_stance(project.statements(), target)
        parallel.rescore(project, target, workers=2, partition_rows=9)
        pd.testing.assert_frame_equal(project.statements(), expected)


def test_rescore_with_corrections_equals_one_pass_with_them(filled: Path) -> None:
    """The analyst's labels win in a re-score as in an import: by id, by text, for sentiment."""
    target = Target.parse("the council")
    with store.open_project(filled) as project:
        before = project.statements()
        row, text = before.iloc[3], before["text"].iloc[40]
        corrections = [
            Correction("favor", "The Council", statement_id=row["statement_id"]),
            Correction("against", "the council", text=text),
            Correction("positive", field="sentiment", statement_id=before["statement_id"][50]),
            Correction("against", "another target", statement_id=before["statement_id"][7]),
        ]
        expected = pipeline.score(before, target=target, corrections=corrections, sentiment=False)
        parallel.rescore(project, target, corrections=corrections, workers=2, partition_rows=9)
        after = project.statements()
        manifest = project.manifest(3)
    pd.testing.assert_frame_equal(after, expected)
    assert (after["stance_label"][3], after["stance_label"][40]) == ("favor", "against")
    assert after["sentiment_label"][50] == "positive"
    assert after["stance_label"][7] == add_stance(before, target)["stance_label"][7]
    assert after.drop(index=50)["sentiment_evidence"].equals(
        before.drop(index=50)["sentiment_evidence"]
    )
    assert manifest["corrections"] == 4 and manifest["stance_model"] is None


def test_corrections_stay_with_the_project_and_the_latest_label_wins(filled: Path) -> None:
    """A re-score stores the corrections it applied; the next one, given none, applies them
    again; a correction that changes a label back replaces the one before it."""
    target = Target.parse("the council")
    with store.open_project(filled) as project:
        ids = project.statements()["statement_id"]
        first = [Correction("favor", "the council", statement_id=ids[3])]
        parallel.rescore(project, target, corrections=first)
        parallel.rescore(project, target)  # no corrections given: the project's apply
        assert project.statements()["stance_label"][3] == "favor"
        assert project.manifest(4)["corrections"] == 1
        flips = [
            Correction(label, "the council", statement_id=ids[3]) for label in ("against", "favor")
        ]
        parallel.rescore(project, target, corrections=flips[:1])
        parallel.rescore(project, target, corrections=flips[1:])
        assert project.corrections() == flips[1:]
        assert project.statements()["stance_label"][3] == "favor"


@pytest.mark.parametrize("read_only", [False, True])
def test_open_project_migrates_version_2(filled: Path, read_only: bool) -> None:
    """Version 2 kept no corrections: the table is added, empty, and a re-score fills it."""
    con = duckdb.connect(str(filled))
    con.execute("DROP TABLE corrections")
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.close()
    with store.open_project(filled, read_only=read_only) as project:
        assert project.corrections() == [] and project.count() == 55
    favor = Correction("favor", "bus lanes", text="anything at all")
    with store.open_project(filled) as project:
        parallel.rescore(project, Target.parse("bus lanes"), corrections=[favor])
        assert project.corrections() == [favor]


def test_rescore_copies_the_current_rows_a_window_at_a_time_in_import_order(
    filled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A million rows are copied out 100,000 seq numbers at a time (one sort of them all can
    exceed DuckDB's memory limit); windows of 7 here, across two imports and a re-score."""
    monkeypatch.setattr(store, "SORT_WINDOW", 7)
    with store.open_project(filled) as project:
        parallel.rescore(project, Target.parse("bus lanes"), partition_rows=5)
        target = Target.parse("the council")
        expected = add_stance(project.statements(), target)
        parallel.rescore(project, target, partition_rows=5)
        pd.testing.assert_frame_equal(project.statements(), expected)


def test_rescore_then_append_keeps_one_current_row_per_statement(filled: Path) -> None:
    with store.open_project(filled) as project:
        parallel.rescore(project, Target.parse("the council"))
        summary = append(project, "day2.csv", statements("day2.csv", 35, start=30), "c" * 64)
        assert (summary.statements_added, summary.statements_already) == (10, 25)
        assert project.count() == 65
        assert project.statements()["statement_id"].is_unique


def _make_version_1(path: Path) -> None:
    """A project as version 1 wrote it: no skipped table, statements without stance columns."""
    old_cols = [c for c in schema.COLUMNS if not c.startswith("stance_")]
    types = {"string": "VARCHAR", "Int64": "BIGINT", "Float64": "DOUBLE"}
    cols = ", ".join(f"{c} {types.get(schema.COLUMNS[c], 'TIMESTAMPTZ')}" for c in old_cols)
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.execute(
        "CREATE TABLE runs (run_id INTEGER PRIMARY KEY, kind VARCHAR NOT NULL, created_at "
        "TIMESTAMPTZ NOT NULL, target VARCHAR, manifest VARCHAR, statements_added BIGINT NOT NULL)"
    )
    con.execute(
        "CREATE TABLE sources (source VARCHAR NOT NULL, sha256 VARCHAR, run_id INTEGER NOT NULL, "
        "imported_at TIMESTAMPTZ NOT NULL, layout VARCHAR, report VARCHAR)"
    )
    con.execute(
        f"CREATE TABLE statements ({cols}, run_id INTEGER NOT NULL, seq BIGINT NOT NULL, "
        "current BOOLEAN NOT NULL)"
    )
    con.execute("INSERT INTO runs VALUES (1, 'import', now(), 'null', '{}', 1)")
    con.execute(
        "INSERT INTO statements (statement_id, source, source_kind, text, speaker_role, run_id, "
        "seq, current) VALUES ('abc', 'old.csv', 'comment', 'kept from last spring', 'public', 1, "
        "1, true)"
    )
    con.close()


@pytest.mark.parametrize("read_only", [False, True])
def test_open_project_migrates_version_1(project_path: Path, read_only: bool) -> None:
    _make_version_1(project_path)
    with store.open_project(project_path, read_only=read_only) as project:
        frame = project.statements()
        assert project.skipped().empty
    assert frame["text"].tolist() == ["kept from last spring"]
    assert frame["stance_label"].isna().all()
    with store.open_project(project_path) as project:
        assert append(project, "new.csv", statements("new.csv", 3), "n" * 64).statements_added == 3


@pytest.mark.parametrize("read_only", [False, True])
def test_open_project_adds_columns_new_to_the_schema(project_path: Path, read_only: bool) -> None:
    """A project written before a schema column existed opens with that column empty."""
    with store.open_project(project_path) as project:
        append(project, "day1.csv", statements("day1.csv", 4), "a" * 64)
    newest = list(schema.COLUMNS)[-1]
    con = duckdb.connect(str(project_path))
    con.execute(f"ALTER TABLE statements DROP COLUMN {newest}")
    con.close()
    with store.open_project(project_path, read_only=read_only) as project:
        frame = project.statements()
    assert len(frame) == 4 and frame[newest].isna().all()


@pytest.mark.parametrize(
    "version, message",
    [
        ("0", r"cannot migrate .* re-run `reaction-lens analyze` .* new --project file"),
        ("99", r"newer ReactionLens.*pip install -U reaction-lens"),
    ],
)
def test_open_project_unreadable_version_says_what_to_do(
    project_path: Path, version: str, message: str
) -> None:
    _make_version_1(project_path)
    con = duckdb.connect(str(project_path))
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [version])
    con.close()
    with pytest.raises(InputError, match=message):
        with store.open_project(project_path):
            pass


def test_open_project_refuses_foreign_duckdb_file(project_path: Path) -> None:
    con = duckdb.connect(str(project_path))
    con.execute("CREATE TABLE orders (id INTEGER)")
    con.close()
    with pytest.raises(InputError, match="not a ReactionLens project"):
        with store.open_project(project_path):
            pass


def test_open_project_refuses_file_that_is_not_duckdb(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_text("comment,author\nhello,ann\n", encoding="utf-8")
    with pytest.raises(InputError, match="notes.duckdb"):
        with store.open_project(path):
            pass


def test_default_project_path_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert store.default_project_path("story") == tmp_path / "reaction-lens" / "story.duckdb"


def test_content_hashes_key_files_by_name(tmp_path: Path) -> None:
    path = tmp_path / "day1.csv"
    path.write_bytes(b"comment\nfirst\n")
    hashes = store.content_hashes([path, str(tmp_path / "missing.csv"), "https://example.org/a"])
    assert hashes == {"day1.csv": hashlib.sha256(b"comment\nfirst\n").hexdigest()}


def test_content_hash_is_sha256_of_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"text\nhello\n")
    other = tmp_path / "b.csv"
    other.write_bytes(b"text\nhello\n")
    assert store.content_hash(path) == store.content_hash(other)
    assert store.content_hash(path) == hashlib.sha256(b"text\nhello\n").hexdigest()
