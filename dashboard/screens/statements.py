"""Statements: the explorer. Every statement with who said it and the evidence highlighted.

Under each card the analyst can set its stance and sentiment; above the cards, the whole
filtered set can be given one label (after a confirmation). Corrections are stored and applied
by dashboard.learn; the cards show them as corrected, with the label they replaced.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

import pandas as pd
import streamlit as st

from analysis.errors import ReactionLensError
from analysis.schema import SENTIMENT_LABELS, STANCE_LABELS
from dashboard import filters, learn, render, sidebar, state, views
from dashboard.screens import layouts

TABLE_ROWS = 5_000
KEEP = "(automatic)"  # a card picker's "no correction": choosing it takes yours off
LABELS = {"stance": STANCE_LABELS, "sentiment": SENTIMENT_LABELS}
PENDING = "bulk_pending"  # a bulk correction waiting for its confirmation
ERROR = "correction_error"

dataset = state.init()
view, chosen = sidebar.filtered(dataset)


def _save(new: list[Any], done: str) -> None:
    """Store and apply corrections; a failure (e.g. an unwritable sidecar) becomes a message."""
    current: Any = st.session_state[state.DATASET]
    try:
        updated = learn.correct(current, new)
    except ReactionLensError as exc:
        st.session_state[ERROR] = f"The correction was not saved: {exc}"
        return
    state.set_dataset(updated, keep_filters=True)
    st.session_state[state.NOTICE] = done


def _on_pick(field: str, key: str, row: Any) -> None:
    """A card's label picker changed: correct that one statement."""
    label = st.session_state.get(key)
    current: Any = st.session_state[state.DATASET]
    if row not in current.statements.index:
        return
    if label == KEEP:
        try:
            updated = learn.uncorrect(current, pd.Index([row]), field)
        except (ReactionLensError, OSError) as exc:
            st.session_state[ERROR] = f"The correction was not removed: {exc}"
            return
        state.set_dataset(updated, keep_filters=True)
        st.session_state[state.NOTICE] = f"The automatic {field} label is back on that statement."
        return
    if not isinstance(label, str) or label not in LABELS[field]:
        return
    target = learn.target_text(current)
    if field == "stance" and target is None:
        st.session_state[ERROR] = "Set a target on the Data page before correcting stance."
        return
    new = learn.corrections_for(
        current.statements, pd.Index([row]), field=field, label=label, target=target
    )
    _save(new, f"Set the {field} of one statement to {label}.")


def _picker_key(field: str, record: dict[str, Any]) -> str:
    """Per statement, field and target (a stance set toward one target is not another's)."""
    ref = record.get("statement_id") or record.get("text") or ""
    target = learn.target_text(dataset) if field == "stance" else ""
    digest = hashlib.sha1(f"{ref}\x00{target}".encode()).hexdigest()[:12]
    return f"fix_{field}_{digest}"


def _shown(field: str, value: object) -> str:
    return f"{field.capitalize()}: {value}"


def _pickers(record: dict[str, Any], row: Any) -> None:
    cols = st.columns([1, 1, 2])
    for col, field in zip(cols, ("stance", "sentiment"), strict=False):
        key = _picker_key(field, record)
        options = [KEEP, *LABELS[field]]
        given = learn.current_label(record, field)
        # Always what the data says (a bulk correction or an import changes it too).
        st.session_state[key] = given if given in options else KEEP
        col.selectbox(
            f"Set {field}",
            options,
            key=key,
            format_func=functools.partial(_shown, field),
            label_visibility="collapsed",
            on_change=_on_pick,
            args=(field, key, row),
            disabled=field == "stance" and dataset.target is None,
            help="Your label replaces the automatic one everywhere; the card keeps both.",
        )


def _bulk(view: pd.DataFrame, chosen: filters.Filters) -> None:
    """Give every filtered statement one label, after a confirmation naming how many."""
    with st.expander(f"Correct all {len(view):,} matching statements at once"):
        a, b = st.columns(2)
        field = a.selectbox("Field", list(LABELS), key="bulk_field")
        label = b.selectbox("Label", list(LABELS[field]), key=f"bulk_label_{field}")
        if st.button(f"Set {field} of all {len(view):,} statements to {label}…", key="bulk_go"):
            st.session_state[PENDING] = (dataset.token, chosen, field, label, len(view))
        pending = st.session_state.get(PENDING)
        if pending is None:
            return
        token, when, field, label, count = pending
        if (token, when, count) != (dataset.token, chosen, len(view)):
            st.session_state.pop(PENDING)
            st.warning("The data or the filters changed, so that bulk correction was dropped.")
            return
        st.warning(
            f"Set the **{field}** of **{count:,}** statements to **{label}**? Each one gets "
            "your label in place of the automatic one."
        )
        yes, no = st.columns(2)
        if no.button("Cancel", key="bulk_cancel"):
            st.session_state.pop(PENDING)
            st.rerun()
        if yes.button(f"Yes, set {count:,} statements to {label}", key="bulk_confirm"):
            st.session_state.pop(PENDING)
            target = learn.target_text(dataset)
            if field == "stance" and target is None:
                st.error("Set a target on the Data page before correcting stance.")
                return
            new = learn.corrections_for(
                dataset.statements, view.index, field=field, label=label, target=target
            )
            _save(new, f"Set the {field} of {count:,} statements to {label}.")
            st.rerun()


st.title("Statements")
if state.NOTICE in st.session_state:
    st.success(st.session_state.pop(state.NOTICE))
if ERROR in st.session_state:
    st.error(st.session_state.pop(ERROR))
if dataset.corrections_error:
    st.error(dataset.corrections_error)
if len(view) == 0:
    layouts.no_match()

sort, size, page = layouts.explorer_controls(len(view), filtered=chosen.active)
rows, _ = views.page_of(view, sort=sort, page=page, size=size)
_bulk(view, chosen)

st.markdown(render.LEGEND, unsafe_allow_html=True)
for row, record in zip(rows.index, views.full_rows(dataset.statements, rows.index), strict=True):
    st.markdown(render.statement_card(record), unsafe_allow_html=True)
    _pickers(record, row)

with st.expander("As a table"):
    shown = dataset.statements.loc[view.index[:TABLE_ROWS], layouts.EXPLORER_COLUMNS]
    shown = shown.assign(corrected=learn.corrected_fields(dataset.statements.loc[shown.index]))
    if len(view) > TABLE_ROWS:
        st.caption(f"First {TABLE_ROWS:,} rows; the Export page downloads all {len(view):,}.")
    st.dataframe(shown, hide_index=True, key="explorer_table")
