"""Both modes draw a page through one layout (dashboard/screens/layouts.py).

The same invented rows (conftest's ``harbour_project``) are opened once as a statement table in
memory and once as a DuckDB project: the pages that share a layout must show the same text.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest
import streamlit as st
from conftest import HARBOUR_RUN
from streamlit.testing.v1 import AppTest

from analysis import pipeline

APP = str(Path(__file__).parent / "../dashboard/app.py")
TIMEOUT = 60
CARD = "border-radius:8px"  # a statement card's markdown


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def _open(path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setattr(sys, "argv", [str(Path(APP).resolve()), str(path)])
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def modes(
    harbour_project: tuple[Path, pd.DataFrame],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, tuple[AppTest, str]]:
    """The app on the same rows in memory (a statement table) and as a project: (app, prefix)."""
    table = tmp_path / "harbour.parquet"
    pipeline.write_statements(harbour_project[1], table, HARBOUR_RUN)
    return {
        "memory": (_open(table, monkeypatch), ""),
        "project": (_open(harbour_project[0], monkeypatch), "project_"),
    }


def _text(at: AppTest) -> list[tuple[str, str]]:
    """What the page (not the sidebar) says: headings, captions, markdown, metrics, labels."""
    main = at.main
    shown: list[tuple[str, str]] = []
    for kind in ("title", "subheader", "caption", "markdown", "info", "selectbox", "toggle"):
        shown += [(kind, str(getattr(e, "value", None) or e.label)) for e in getattr(main, kind)]
    shown += [("metric", f"{m.label}={m.value}") for m in main.metric]
    shown += [("table", d.value.round(9).to_csv(index=False)) for d in main.dataframe]
    return shown


def _page(at: AppTest, prefix: str, page: str) -> AppTest:
    at.switch_page(f"screens/{prefix}{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(
    "page, setup",
    [
        ("overview", {}),
        ("overview", {"toggle": ("show_gap_detail", True)}),
        ("speakers", {}),
        ("speakers", {"selectbox": ("speaker_pick", "Ms Official 1")}),
        ("speakers", {"multiselect": ("f_roles", ["public"])}),
    ],
)
def test_layouts_both_modes_show_the_same_page(
    modes: dict[str, tuple[AppTest, str]], page: str, setup: dict[str, tuple[str, Any]]
) -> None:
    shown = {}
    for mode, (at, prefix) in modes.items():
        _page(at, prefix, page)
        for kind, (key, value) in setup.items():
            getattr(at, kind)(key=key).set_value(value)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        # The first caption names where the rows come from ("table …" or "project …").
        shown[mode] = [t for t in _text(at) if "harbour.parquet" not in t[1]]
        shown[mode] = [t for t in shown[mode] if "harbour.duckdb" not in t[1]]
    assert shown["memory"] == shown["project"]
    assert len(shown["memory"]) >= 3  # a title, a caption, a picker at the least


def test_layouts_both_modes_offer_the_same_downloads(
    modes: dict[str, tuple[AppTest, str]],
) -> None:
    keys = {}
    for mode, (at, prefix) in modes.items():
        _page(at, prefix, "export")
        buttons = at.get("download_button")
        keys[mode] = [b.proto.label.split(" (")[0] for b in buttons][:4]
    assert keys["memory"] == keys["project"] == ["CSV", "JSON", "Parquet", "Run manifest"]


def test_layouts_both_modes_offer_the_same_chart_downloads(
    modes: dict[str, tuple[AppTest, str]],
) -> None:
    labels = {}
    for mode, (at, prefix) in modes.items():
        _page(at, prefix, "export")
        if mode == "project":  # a project builds its charts only when asked (SQL per chart)
            at.toggle(key="export_charts").set_value(True).run()
            assert not at.exception, [e.value for e in at.exception]
        shown = [b.proto.label for b in at.get("download_button")][4:]
        labels[mode] = [label for label in shown if not label.startswith("Corrections")]
        labels[mode] += [i.value for i in at.main.info if "kaleido" in i.value]
    assert labels["memory"] == labels["project"]
    assert labels["memory"][0] == "All charts as one HTML page"
    assert len(labels["memory"]) in {2, 6}  # then the kaleido note, or five PNG buttons


def _click_first_points(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    """Stand in for a browser selecting the scatter's first ``n`` points."""
    draw = st.plotly_chart

    def clicked(figure: Any, *args: Any, **kwargs: Any) -> Any:
        drawn = draw(figure, *args, **kwargs)
        if kwargs.get("key") != "fig_quadrant":
            return drawn
        labels = [label for trace in figure.data for label in trace.customdata][:n]
        points = [{"customdata": float(label)} for label in labels]
        return SimpleNamespace(selection=SimpleNamespace(points=points))

    monkeypatch.setattr(st, "plotly_chart", clicked)


@pytest.mark.parametrize("mode", ["memory", "project"])
def test_layouts_overview_shows_the_statements_clicked_in_the_scatter(
    modes: dict[str, tuple[AppTest, str]], mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at, prefix = modes[mode]
    assert not [m for m in at.markdown if CARD in m.value]
    _click_first_points(monkeypatch, 3)
    _page(at, prefix, "overview")
    assert any(m.value == "**Selected statements**" for m in at.markdown)
    assert len([m for m in at.markdown if CARD in m.value]) == 3


@pytest.mark.parametrize(
    "mode, typed, said",
    [
        ("memory", "missing.duckdb", "does not exist; create it with --project"),
        ("memory", "missing.duckdb", "The current data stays loaded."),
        ("memory", "  ", "Type the path of a .duckdb project file first."),
        ("project", "missing.duckdb", "does not exist; create it with --project"),
        ("project", "missing.duckdb", "The current project stays open."),
    ],
)
def test_layouts_data_page_says_why_a_project_did_not_open(
    modes: dict[str, tuple[AppTest, str]], tmp_path: Path, mode: str, typed: str, said: str
) -> None:
    at, prefix = modes[mode]
    _page(at, prefix, "data")
    before = at.session_state["project"] if mode == "project" else None
    at.text_input(key="project_path").set_value(str(tmp_path / typed) if typed.strip() else typed)
    at.button(key="project_open").click().run()
    assert any(said in e.value for e in at.error), [e.value for e in at.error]
    if mode == "project":  # the open project stays open
        assert at.session_state["project"] is before
    else:
        assert "project" not in at.session_state
