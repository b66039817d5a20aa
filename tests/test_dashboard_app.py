"""The dashboard driven through Streamlit's AppTest on the bundled sample, page by page."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analysis import cli, pipeline

APP = str(Path(__file__).parent / "../dashboard/app.py")
SCREENS = [
    "screens/data.py",
    "screens/overview.py",
    "screens/speakers.py",
    "screens/statements.py",
    "screens/agreement.py",
    "screens/export.py",
]
TIMEOUT = 120  # the first run analyses the sample; a busy CI machine is slow


@pytest.fixture(scope="module", autouse=True)
def _fresh_cache() -> Iterator[None]:
    """st.cache_data outlives AppTest instances: start and leave this module with it empty.

    Within the module the cached sample analysis is shared; it is a pure function of the
    target, and every test starts a new session (new session state).
    """
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metric(at: AppTest, label: str) -> str:
    return next(str(m.value) for m in at.metric if m.label == label)


def _statements(at: AppTest) -> int:
    return len(at.session_state["dataset"].statements)


def _explorer_table(at: AppTest) -> pd.DataFrame:
    """The explorer's "As a table" frame (AppTest dataframes carry no key)."""
    return next(d.value for d in at.dataframe if "speaker_role" in d.value.columns)


def _go(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_every_page_renders_on_the_sample(app: AppTest) -> None:
    assert _metric(app, "Statements") == f"{_statements(app):,}"
    assert len(app.get("plotly_chart")) >= 4
    app.toggle(key="show_gap_detail").set_value(True)
    app.toggle(key="show_evidence_words").set_value(True).run()
    assert not app.exception, [e.value for e in app.exception]
    assert len(app.get("plotly_chart")) >= 5
    evidence = [d.value for d in app.dataframe if "term" in d.value.columns]
    assert len(evidence) == 2 and all(len(t) > 0 for t in evidence)
    for page in SCREENS:
        _go(app, page)
        assert app.title[0].value == Path(page).stem.capitalize()
        assert not app.error, [e.value for e in app.error]
    labels = [b.label for b in app.get("download_button")]  # the Export page is the last one
    assert {"CSV", "JSON (with manifest)", "Parquet", "Run manifest"} <= set(labels)
    assert "All charts as one HTML page" in labels


def test_change_target_changes_stance_numbers(app: AppTest) -> None:
    before = (_metric(app, "In favor"), _metric(app, "Against"))
    old_labels = app.session_state["dataset"].statements["stance_label"].tolist()
    _go(app, "screens/data.py")
    app.text_input(key="target_text").set_value("the new bus timetable")
    app.text_area(key="target_aliases").set_value("bus timetable\nbus schedule")
    app.text_area(key="target_opponents").set_value("")
    app.button(key="target_apply").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    dataset = app.session_state["dataset"]
    assert dataset.target.text == "the new bus timetable"
    assert dataset.statements["stance_label"].tolist() != old_labels
    assert "the new bus timetable" in app.success[0].value
    _go(app, "screens/overview.py")
    after = (_metric(app, "In favor"), _metric(app, "Against"))
    assert after != before


def test_empty_target_is_an_error_and_keeps_scores(app: AppTest) -> None:
    _go(app, "screens/data.py")
    old = app.session_state["dataset"].statements["stance_label"].tolist()
    app.text_input(key="target_text").set_value("   ")
    app.button(key="target_apply").click().run()
    assert any("target is empty" in e.value for e in app.error)
    assert app.session_state["dataset"].statements["stance_label"].tolist() == old


def test_role_filter_limits_the_explorer(app: AppTest) -> None:
    app.multiselect(key="f_roles").set_value(["official"]).run()
    _go(app, "screens/statements.py")
    table = _explorer_table(app)
    expected = app.session_state["dataset"].statements["speaker_role"].eq("official").sum()
    assert 0 < len(table) == expected
    assert set(table["speaker_role"].astype(str)) == {"official"}
    cards = [m.value for m in app.markdown if "border-radius:8px" in m.value]
    assert cards and all(">official</span>" in card for card in cards)
    assert f"**{expected:,} statements match**" in [m.value.split(" (")[0] for m in app.markdown]


def test_text_search_filter_applies_on_every_page(app: AppTest) -> None:
    app.text_input(key="f_query").set_value("parking").run()
    _go(app, "screens/statements.py")
    table = _explorer_table(app)
    assert len(table) > 0 and table["text"].str.lower().str.contains("parking").all()
    _go(app, "screens/overview.py")
    assert _metric(app, "Statements") == f"{len(table):,}"


def test_bad_upload_shows_error_and_keeps_data(app: AppTest) -> None:
    before = _statements(app)
    _go(app, "screens/data.py")
    garbage = b"\x00\x01\x02 not a table \xff\xfe" * 10
    app.file_uploader(key="src_files").set_value(("broken.csv", garbage, "text/csv"))
    app.button(key="src_go").click().run()
    assert not app.exception
    messages = " ".join(e.value for e in app.error)
    assert "broken.csv" in messages
    assert _statements(app) == before
    _go(app, "screens/overview.py")
    assert _metric(app, "Statements") == f"{before:,}"


def test_not_a_url_and_nothing_to_analyse_are_errors(app: AppTest) -> None:
    before = _statements(app)
    _go(app, "screens/data.py")
    app.button(key="src_go").click().run()
    assert any("Nothing to analyse" in e.value for e in app.error)
    app.text_input(key="src_url").set_value("elm-street-news.example/article").run()
    app.button(key="src_go").click().run()
    assert any("not a web address" in e.value for e in app.error)
    assert _statements(app) == before


def test_pasted_article_replaces_the_data(app: AppTest) -> None:
    _go(app, "screens/data.py")
    article = (
        "Riverside votes on the new bus timetable\n\n"
        "“The new bus timetable will get people to work on time,” Mayor Lena Cho said on "
        "Tuesday.\n\n"
        "“It is a disaster for night workers and we will fight it,” said Tom Reyes, who "
        "drives for the depot.\n"
    )
    app.text_area(key="src_paste").set_value(article)
    app.text_input(key="target_text").set_value("the new bus timetable")
    app.button(key="src_go").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    dataset = app.session_state["dataset"]
    assert 1 <= len(dataset.statements) <= 4
    assert set(dataset.statements["source"]) == {"pasted text"}
    assert re.search(r"Analysed \d+ statements", app.success[0].value)

    pasted = len(dataset.statements)
    app.radio(key="src_mode").set_value("are added to the current data")
    app.button(key="src_go").click().run()  # the same article again: nothing doubles
    assert len(app.session_state["dataset"].statements) == pasted
    second = (
        article.replace("Tom Reyes", "Ana Ruiz")
        .replace("people to work", "nurses to work")
        .replace("disaster", "catastrophe")
    )
    app.text_area(key="src_paste").set_value(second)
    app.button(key="src_go").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    combined = app.session_state["dataset"].statements
    assert len(combined) == 2 * pasted and "Ana Ruiz" in set(combined["speaker"].dropna())


def test_table_path_after_double_dash_is_opened(
    app: AppTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = app.session_state["dataset"].statements.head(40)
    out = tmp_path / "run.parquet"
    pipeline.write_statements(
        frame, out, {"target": {"text": "Elm plaza", "aliases": [], "opponents": []}}
    )
    monkeypatch.setattr(sys, "argv", [str(Path(APP).resolve()), str(out)])
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert _metric(at, "Statements") == "40"
    assert at.session_state["dataset"].target.text == "Elm plaza"
    assert "table run.parquet" in at.caption[0].value


def test_a_project_path_is_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    comments = tmp_path / "c.csv"
    comments.write_text("id,text\n1,The plaza is lovely\n2,Close the plaza now\n", encoding="utf-8")
    project = tmp_path / "story.duckdb"
    cli.main(["analyze", str(comments), "--target", "the plaza", "--project", str(project)])
    monkeypatch.setattr(sys, "argv", [str(Path(APP).resolve()), str(project)])
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception and not at.error
    assert _metric(at, "Statements") == "2"
    assert at.session_state["project"].target.text == "the plaza"  # project mode (SQL)


UNUSUAL_CSV = (
    b"note,msg,user,ts\n"
    b"x1,I love the plaza so much,ann,2026-03-09T10:00:00Z\n"
    b"x2,Shame on the council for the closure,bob,2026-03-09T11:00:00Z\n"
)


def test_undetected_columns_can_be_named_then_corrected(app: AppTest) -> None:
    _go(app, "screens/data.py")
    app.file_uploader(key="src_files").set_value(("export.csv", UNUSUAL_CSV, "text/csv"))
    app.button(key="src_go").click().run()
    assert any("export.csv" in e.value and "msg" in e.value for e in app.error)
    assert _statements(app) > 2  # the sample is still loaded

    app.text_input(key="src_map_text").set_value("msg")
    app.text_input(key="src_map_author").set_value("user")
    app.text_input(key="src_map_time").set_value("ts")
    app.button(key="src_go").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    dataset = app.session_state["dataset"]
    assert sorted(dataset.statements["speaker"]) == ["ann", "bob"]

    token = dataset.token[:8]
    assert app.text_input(key=f"map_{token}_0_author").value == "user"  # detected mapping shown
    app.text_input(key=f"map_{token}_0_author").set_value("note")
    app.button(key="map_0_go").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert sorted(app.session_state["dataset"].statements["speaker"]) == ["x1", "x2"]


def test_speaker_opens_in_the_explorer(app: AppTest) -> None:
    _go(app, "screens/speakers.py")
    speaker = app.selectbox(key="speaker_pick").options[0]
    app.selectbox(key="speaker_pick").set_value(speaker).run()
    cards = [m.value for m in app.markdown if "border-radius:8px" in m.value]
    assert cards and all(speaker in card for card in cards)
    app.button(key="speaker_explore").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == "Statements"
    assert app.session_state["f_speakers"] == [speaker]
    assert set(_explorer_table(app)["speaker"].astype(str)) == {speaker}


def test_a_failing_page_shows_a_message_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import views

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("aggregates exploded")

    monkeypatch.setattr(views, "overview", broken)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert any("aggregates exploded" in e.value for e in at.error)
    assert at.sidebar.multiselect(key="f_roles") is not None  # the rest of the app still works


def test_private_url_is_refused_without_connecting(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    import http.client
    import socket

    attempts: list[object] = []

    def no_network(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise AssertionError("the dashboard tried to connect to a private address")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(http.client.HTTPConnection, "connect", no_network)
    before = _statements(app)
    _go(app, "screens/data.py")
    app.text_input(key="src_url").set_value("http://10.0.0.5/elm-street-story")
    app.button(key="src_go").click().run()
    assert not app.exception
    assert any("10.0.0.5" in e.value for e in app.error), [e.value for e in app.error]
    assert attempts == []
    assert _statements(app) == before


def test_upload_over_the_size_cap_is_refused(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import data

    monkeypatch.setattr(data, "MAX_UPLOAD_BYTES", 100)
    before = _statements(app)
    _go(app, "screens/data.py")
    app.file_uploader(key="src_files").set_value(("big.csv", UNUSUAL_CSV * 3, "text/csv"))
    app.button(key="src_go").click().run()
    assert any("big.csv" in e.value and "limit" in e.value for e in app.error)
    assert _statements(app) == before
