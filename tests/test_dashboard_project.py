"""Project mode: the dashboard on a DuckDB project asks the file in SQL and never loads it whole.

Driven through AppTest on a small project of our own invented statements (conftest's
``harbour_project``); every number shown is checked against pandas on the same rows.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import streamlit as st
from conftest import HARBOUR_RUN, harbour_frame
from streamlit.testing.v1 import AppTest

from analysis import aggregate, parallel, pipeline, project_views, store
from analysis.learn import Correction
from analysis.report import ImportReport
from analysis.stance import Target
from dashboard import export as dashboard_export
from dashboard import filters, project

APP = str(Path(__file__).parent / "../dashboard/app.py")
TIMEOUT = 60
PAGES = [
    "screens/project_data.py",
    "screens/project_overview.py",
    "screens/project_speakers.py",
    "screens/project_statements.py",
    "screens/project_export.py",
]


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture(autouse=True)
def _never_load_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    """Project mode must not read every statement: the load-everything paths fail the test."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"project mode loaded every row ({args!r:.80})")

    monkeypatch.setattr(store.Project, "statements", refuse)
    monkeypatch.setattr(pipeline, "read_statements", refuse)


@pytest.fixture
def app(harbour_project: tuple[Path, pd.DataFrame], monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setattr(sys, "argv", [str(Path(APP).resolve()), str(harbour_project[0])])
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    _ok(at)
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _metric(at: AppTest, label: str) -> str:
    return next(str(m.value) for m in at.metric if m.label == label)


def _shown(at: AppTest) -> str:
    return next(c.value for c in at.sidebar.caption if c.value.startswith("Showing"))


def _cards(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "border-radius:8px" in m.value]


def _go(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    _ok(at)
    return at


def test_overview_numbers_equal_pandas_on_the_same_rows(
    app: AppTest, harbour_project: tuple[Path, pd.DataFrame]
) -> None:
    rows = harbour_project[1]
    labelled = rows["stance_label"].notna().sum()
    assert _metric(app, "Statements") == f"{len(rows):,}"
    assert _metric(app, "Speakers") == f"{rows['speaker'].nunique():,}"
    assert _metric(app, "In favor") == f"{(rows['stance_label'] == 'favor').sum() / labelled:.0%}"
    gap = aggregate.official_public_gap(rows)
    stance = gap[gap["metric"] == "stance_score"].iloc[0]
    assert _metric(app, "Official − public stance") == f"{stance['gap']:+.2f}"
    assert len(app.get("plotly_chart")) >= 5
    assert "project harbour.duckdb" in app.caption[0].value
    assert _shown(app) == f"Showing {len(rows):,} of {len(rows):,} statements"


def test_filters_reduce_the_counts_on_every_page(
    app: AppTest, harbour_project: tuple[Path, pd.DataFrame]
) -> None:
    rows = harbour_project[1]
    app.multiselect(key="f_roles").set_value(["public"]).run()
    app.text_input(key="f_query").set_value("BAKERY").run()
    _ok(app)
    expected = rows[
        rows["speaker_role"].eq("public") & rows["text"].str.contains("bakery", case=False)
    ]
    assert 0 < len(expected) < len(rows)
    assert _metric(app, "Statements") == f"{len(expected):,}"
    assert _shown(app) == f"Showing {len(expected):,} of {len(rows):,} statements"
    _go(app, "screens/project_statements.py")
    assert any(f"{len(expected):,} statements match" in m.value for m in app.markdown)
    cards = _cards(app)
    assert len(cards) == min(20, len(expected))
    assert all("bakery" in c.lower() for c in cards)


def test_explorer_pages_through_rows_in_import_order(
    app: AppTest, harbour_project: tuple[Path, pd.DataFrame]
) -> None:
    rows = harbour_project[1]
    _go(app, "screens/project_statements.py")
    app.selectbox(key="explorer_size").set_value(10).run()
    app.number_input(key="explorer_page").set_value(3).run()
    _ok(app)
    table = next(d.value for d in app.dataframe if "speaker_role" in d.value.columns)
    assert table["text"].tolist() == rows["text"].iloc[20:30].tolist()
    assert any("Statements 21–30 of 200" in c.value for c in app.caption)
    assert app.number_input(key="explorer_page").max == 20


def test_explorer_sorts_in_sql(app: AppTest, harbour_project: tuple[Path, pd.DataFrame]) -> None:
    rows = harbour_project[1]
    _go(app, "screens/project_statements.py")
    app.selectbox(key="explorer_sort").set_value("most against").run()
    _ok(app)
    table = next(d.value for d in app.dataframe if "speaker_role" in d.value.columns)
    expected = rows.sort_values("stance_score", kind="stable", na_position="last")
    assert table["text"].tolist() == expected["text"].head(20).tolist()


def test_data_page_lists_sources_with_rows_read_and_skipped(app: AppTest) -> None:
    _go(app, "screens/project_data.py")
    table = next(d.value for d in app.dataframe if "rows read" in d.value.columns)
    by_source = table.set_index("source")
    assert by_source.loc["harbour_comments.csv", "rows read"] == 142
    assert by_source.loc["harbour_comments.csv", "statements"] == 140
    assert by_source.loc["harbour_comments.csv", "skipped"] == 2
    assert by_source.loc["harbour_comments.csv", "why skipped"] == "empty text: 2"
    assert set(by_source["accounted"]) == {"yes"}
    runs = next(d.value for d in app.dataframe if "run_id" in d.value.columns)
    assert runs["target"].tolist() == ["the Harbour Road plan"] * 2
    assert any("the Harbour Road plan" in m.value for m in app.markdown)


def test_speakers_page_equals_pandas(
    app: AppTest, harbour_project: tuple[Path, pd.DataFrame]
) -> None:
    rows = harbour_project[1]
    _go(app, "screens/project_speakers.py")
    table = next(d.value for d in app.dataframe if "role" in d.value.columns)
    expected = aggregate.summarize(rows, "speaker")
    assert table["speaker"].tolist() == expected["speaker"].tolist()
    assert table["statements"].tolist() == expected["statements"].tolist()
    app.selectbox(key="speaker_pick").set_value("neighbour3").run()
    _ok(app)
    said = rows[rows["speaker"] == "neighbour3"]
    assert len(_cards(app)) == min(30, len(said))


def test_every_project_page_renders(app: AppTest) -> None:
    titles = ["Data", "Overview", "Speakers", "Statements", "Export"]
    for page, title in zip(PAGES, titles, strict=True):
        _go(app, page)
        assert app.title[0].value == title
    labels = [str(getattr(b, "label", "")) for b in app.get("download_button")]
    assert any(label.startswith("CSV (200 rows)") for label in labels)
    _go(app, "screens/project_overview.py")
    app.toggle(key="show_gap_detail").set_value(True)
    app.toggle(key="show_evidence_words").set_value(True).run()
    _ok(app)


def test_export_csv_streams_filtered_rows_neutralised(
    harbour_project: tuple[Path, pd.DataFrame], tmp_path: Path
) -> None:
    w = project_views.where(roles=["official"])
    with store.open_project(harbour_project[0], read_only=True, create=False) as opened:
        out = tmp_path / "official.csv"
        with out.open("wb") as handle:
            written = project.write_csv(opened, w, handle, batch=7)
    frame = pd.read_csv(out, encoding="utf-8-sig")
    expected = harbour_project[1][harbour_project[1]["speaker_role"] == "official"]
    assert written == len(frame) == len(expected)
    assert frame["text"].tolist() == expected["text"].tolist()
    assert out.read_bytes() == dashboard_export.to_csv(expected)  # the in-memory page's file


def test_export_download_is_capped_with_the_count_shown(
    app: AppTest, monkeypatch: pytest.MonkeyPatch, harbour_project: tuple[Path, pd.DataFrame]
) -> None:
    monkeypatch.setattr(project, "EXPORT_ROWS", 50)
    _go(app, "screens/project_export.py")
    assert any("at most 50 statements" in w.value and "150" in w.value for w in app.warning)
    payload = project.download(harbour_project[0], project.selection(filters.Filters()), "csv", {})
    assert len(pd.read_csv(io.BytesIO(payload), encoding="utf-8-sig")) == 50


def test_open_and_close_a_project_from_the_data_page(
    harbour_project: tuple[Path, pd.DataFrame], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "argv", ["pytest"])
    at = AppTest.from_file(APP, default_timeout=120).run()
    _ok(at)
    _go(at, "screens/data.py")
    at.text_input(key="project_path").set_value(str(tmp_path / "missing.duckdb"))
    at.button(key="project_open").click().run()
    assert any("does not exist" in e.value for e in at.error)
    at.text_input(key="project_path").set_value(str(harbour_project[0]))
    at.button(key="project_open").click().run()
    assert not at.exception
    assert at.session_state["project"].statements == len(harbour_project[1])
    _go(at, "screens/project_data.py")
    at.button(key="project_close").click().run()
    assert "project" not in at.session_state


def test_a_writer_holding_the_project_gives_a_clear_message(
    harbour_project: tuple[Path, pd.DataFrame],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DuckDB lets one process write a file; while it does, the dashboard says to try again."""
    path = tmp_path / "busy.duckdb"
    path.write_bytes(harbour_project[0].read_bytes())
    hold = textwrap.dedent(
        f"""
        import sys, time, duckdb
        con = duckdb.connect({str(path)!r})
        print("ready", flush=True)
        sys.stdin.readline()
        """
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", hold], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        monkeypatch.setattr(project, "OPEN_WAIT", 0.3)
        monkeypatch.setattr(sys, "argv", [str(Path(APP).resolve()), str(path)])
        at = AppTest.from_file(APP, default_timeout=120).run()
        assert not at.exception
        assert any("being written by another process" in e.value for e in at.error)
    finally:
        writer.communicate("\n", timeout=30)  # lets it exit, closes both pipes


def test_an_import_while_the_dashboard_is_open_is_not_blocked_and_shows_after_reload(
    harbour_project: tuple[Path, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "growing.duckdb"
    path.write_bytes(harbour_project[0].read_bytes())
    monkeypatch.setattr(sys, "argv", [str(Path(APP).resolve()), str(path)])
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    _ok(at)
    assert _metric(at, "Statements") == "200"
    more = harbour_frame("harbour_late_comments.csv", 30)
    report = ImportReport("harbour_late_comments.csv", "test", rows_read=30, statements=30)
    with store.open_project(path, wait=1.0) as writer:  # the dashboard holds no lock
        writer.append(more, [report], HARBOUR_RUN, content_hashes={})
    at.run()
    assert any("changed since it was opened" in w.value for w in at.sidebar.warning)
    assert _metric(at, "Statements") == "200"  # what was opened, until reloaded
    at.sidebar.button(key="project_reload_side").click().run()
    _ok(at)
    assert _metric(at, "Statements") == "230"


def test_an_empty_project_says_so_on_every_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "new.duckdb"
    with store.open_project(path):
        pass  # created, nothing imported yet
    monkeypatch.setattr(sys, "argv", [str(Path(APP).resolve()), str(path)])
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    _ok(at)
    assert any("holds no statements yet" in i.value for i in at.info)
    for page in PAGES:
        _go(at, page)
    assert any("No source has been imported" in c.value for c in _go(at, PAGES[0]).caption)


def test_data_page_offers_the_corrections_the_project_holds(
    harbour_project: tuple[Path, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "corrected.duckdb"
    shutil.copy(harbour_project[0], path)
    target = "the Harbour Road plan"
    with store.open_project(path) as opened:
        first = str(opened.page(0, 1)["statement_id"].iloc[0])
        held = [Correction("against", target, statement_id=first)]
        parallel.rescore(opened, Target.parse(target), corrections=held)
    monkeypatch.setattr(sys, "argv", [str(Path(APP).resolve()), str(path)])
    at = _go(AppTest.from_file(APP, default_timeout=TIMEOUT).run(), "screens/project_data.py")
    assert any(c.value.startswith("1 analyst correction is stored") for c in at.caption)
    button = next(b for b in at.get("download_button") if "corrections" in b.proto.label)
    assert not button.proto.disabled
