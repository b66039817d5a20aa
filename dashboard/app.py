"""ReactionLens dashboard: the router. Run ``streamlit run dashboard/app.py [-- TABLE]``.

It sets up the page, loads the session's data (the statement table named after ``--``, else
the bundled sample), draws the shared sidebar filters and hands over to the chosen page.
Pages hold no analysis logic: they draw what dashboard.views computes.

A DuckDB project (``-- story.duckdb``, or opened on the Data page) switches to project mode:
its own pages (screens/project_*.py) ask the file in SQL through dashboard.project and hand
the results to the same layouts as the in-memory pages (screens/layouts.py). The file is opened
read-only only while a page is drawn, so ``analyze --project`` can still write.
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from analysis.errors import ReactionLensError
from dashboard import sidebar, state

# Not "pages/": a folder of that name beside the entry script switches on Streamlit's older
# automatic multipage mode, under which AppTest reruns a page without this router.
SCREENS = Path(__file__).resolve().parent / "screens"

st.set_page_config(page_title="ReactionLens", page_icon="🔎", layout="wide")
source = state.project_source()
if source is None:
    dataset = state.init()
    pages = [
        st.Page(SCREENS / "data.py", title="Data", icon=":material/upload_file:"),
        st.Page(
            SCREENS / "overview.py", title="Overview", icon=":material/insights:", default=True
        ),
        st.Page(SCREENS / "speakers.py", title="Speakers", icon=":material/groups:"),
        st.Page(SCREENS / "statements.py", title="Statements", icon=":material/format_quote:"),
        st.Page(SCREENS / "agreement.py", title="Agreement", icon=":material/fact_check:"),
        st.Page(SCREENS / "export.py", title="Export", icon=":material/download:"),
    ]
else:  # project mode: every page asks the DuckDB file, none loads every row
    pages = [
        st.Page(SCREENS / "project_data.py", title="Data", icon=":material/database:"),
        st.Page(
            SCREENS / "project_overview.py",
            title="Overview",
            icon=":material/insights:",
            default=True,
        ),
        st.Page(SCREENS / "project_speakers.py", title="Speakers", icon=":material/groups:"),
        st.Page(
            SCREENS / "project_statements.py",
            title="Statements",
            icon=":material/format_quote:",
        ),
        st.Page(SCREENS / "project_export.py", title="Export", icon=":material/download:"),
    ]
navigation = st.navigation(pages)
with st.sidebar:
    st.markdown("## ReactionLens")
    st.caption("Who said what, how they feel, which side they take.")
try:
    if source is None:
        sidebar.draw(dataset)
    else:
        sidebar.draw_project(source)
    navigation.run()
except ReactionLensError as exc:  # e.g. a project being written by another process
    st.error(f"{exc}")
except Exception as exc:  # noqa: BLE001 - a page that fails shows a message, never a traceback
    # st.stop/st.rerun/switch_page raise BaseException subclasses and pass through untouched.
    logging.getLogger("reaction_lens.dashboard").exception("page failed")
    st.error(
        f"This page could not be drawn ({type(exc).__name__}: {exc}). Your data is still "
        "loaded: try *Clear filters* in the sidebar, or reload the data on the Data page."
    )
finally:
    state.close_reader()  # an open connection would block `analyze --project` from writing
