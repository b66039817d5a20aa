"""Session state: the one place that names its keys and initialises them behind guards.

Streamlit forgets a widget's value when the page holding it is not drawn, so values that must
outlive a page (the applied target, the dataset) live under plain keys here, and the widgets
are re-seeded from them when their page is drawn again.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import streamlit as st

from analysis import schema
from analysis.stance import Target
from dashboard import filters, project
from dashboard.data import Dataset, cli_table_path, initial_dataset, sample_dataset
from dashboard.project import ProjectSource, Reader

DATASET = "dataset"
LOAD_ERROR = "load_error"  # a message from the first load (e.g. a bad table path)
NOTICE = "notice"  # a success message to show once after an action
TARGET_KEYS = {"text": "target_text", "aliases": "target_aliases", "opponents": "target_opponents"}
ON_TOPIC = "target_on_topic"  # the "comments were collected under this story" checkbox
PROJECT = "project"  # the open DuckDB project (project mode) — absent in memory mode
_READER = "_project_reader"
_MEMO_PREFIX = "_memo_"


def init() -> Dataset:
    """The session's dataset, loading the command-line table or the sample on first use."""
    state = st.session_state
    if DATASET not in state:
        state[DATASET] = _first_dataset(state)
        filters.reset_state(state)
    dataset: Dataset = state[DATASET]
    filters.init_state(state, dataset.bounds)
    return dataset


def _first_dataset(state: Any) -> Dataset:
    """The command-line table or the sample; an empty dataset and a message if neither loads."""
    try:
        return initial_dataset()
    except Exception as exc:  # noqa: BLE001 - the UI shows a message, never a traceback
        state[LOAD_ERROR] = f"Could not open the data: {exc}."
    try:
        return sample_dataset()
    except Exception as exc:  # noqa: BLE001
        state[LOAD_ERROR] += f" The bundled sample failed too: {exc}. Add sources on Data."
        return Dataset(schema.empty(), origin="nothing loaded")


def project_source() -> ProjectSource | None:
    """The open project, or None in memory mode; a ``.duckdb`` named on the command line is
    opened on first use (a failure is a message, and the sample is shown instead)."""
    state = st.session_state
    if PROJECT in state:
        found: ProjectSource = state[PROJECT]
        filters.init_state(state, found.bounds)
        return found
    if DATASET in state:
        return None
    path = cli_table_path()
    if path is None or path.suffix.lower() != ".duckdb":
        return None
    try:
        open_project(path)
    except Exception as exc:  # noqa: BLE001 - the UI shows a message, never a traceback
        state[LOAD_ERROR] = f"Could not open the project: {exc}. Showing the bundled sample."
        return None
    return state.get(PROJECT)


def open_project(path: Path, *, keep_filters: bool = False) -> ProjectSource:
    """Switch to project mode on ``path`` (raises ReactionLensError when it cannot be read);
    ``keep_filters`` when it is the same project read again."""
    source = project.describe(path)
    state = st.session_state
    close_reader()
    _forget_memos(state)
    state[PROJECT] = source
    if not keep_filters:
        filters.reset_state(state)
    filters.init_state(state, source.bounds)
    return source


def close_project() -> None:
    """Back to memory mode (the session's in-memory data, else the bundled sample)."""
    state = st.session_state
    close_reader()
    _forget_memos(state)
    state.pop(PROJECT, None)
    filters.reset_state(state)


def reader(source: ProjectSource) -> Reader:
    """This script run's connection to the project (opened on first use)."""
    state = st.session_state
    current = state.get(_READER)
    if not isinstance(current, Reader) or current.path != source.path:
        close_reader()
        current = state[_READER] = Reader(source.path)
    return current


def close_reader() -> None:
    """Close the project connection at the end of a script run, so writers are not blocked."""
    current = st.session_state.get(_READER)
    if isinstance(current, Reader):
        current.close()


def _forget_memos(state: MutableMapping[Any, Any]) -> None:
    for key in [k for k in state if isinstance(k, str) and k.startswith(_MEMO_PREFIX)]:
        state.pop(key, None)


def set_dataset(dataset: Dataset, *, keep_filters: bool = False) -> None:
    """Show ``dataset`` from now on; filters are reset unless the rows are the same ones."""
    st.session_state[DATASET] = dataset
    if not keep_filters:
        filters.reset_state(st.session_state)
    filters.init_state(st.session_state, dataset.bounds)


def seed_target_widgets(
    state: MutableMapping[Any, Any], target: Target | None, *, on_topic: bool = False
) -> None:
    """Fill the target inputs from the applied target when they have no value yet."""
    state.setdefault(ON_TOPIC, on_topic)
    if target is None:
        for key in TARGET_KEYS.values():
            state.setdefault(key, "")
        return
    state.setdefault(TARGET_KEYS["text"], target.text)
    state.setdefault(TARGET_KEYS["aliases"], "\n".join(target.aliases))
    state.setdefault(TARGET_KEYS["opponents"], "\n".join(target.opponents))


def target_from_widgets(state: MutableMapping[Any, Any]) -> Target:
    """The target typed in the inputs (one alias or opponent per line).

    Raises InputError, with an example, when the target text is empty.
    """
    return Target.parse(
        str(state.get(TARGET_KEYS["text"]) or ""),
        aliases=_lines(state.get(TARGET_KEYS["aliases"])),
        opponents=_lines(state.get(TARGET_KEYS["opponents"])),
    )


def _lines(value: object) -> list[str]:
    return value.splitlines() if isinstance(value, str) else []
