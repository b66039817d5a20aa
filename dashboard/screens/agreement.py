"""Agreement: how often the automatic labels match yours, and a stance model learnt from yours.

Every corrected statement counts (the sidebar filters do not apply: the sample of corrections
is usually small already). The model section trains on the stance corrections for the current
target, shows its cross-validated macro-F1 beside the rules' on the same statements, and scores
the statements only once accepted.
"""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

from analysis.errors import ReactionLensError
from dashboard import charts, data, learn, state

CANDIDATE = "model_candidate"
MEMO = "_agreement_report"

dataset = state.init()
st.title("Agreement")
if state.NOTICE in st.session_state:
    st.success(st.session_state.pop(state.NOTICE))
target = learn.target_text(dataset)
st.caption(
    f"Stance toward: **{target or 'no target set'}** · how often the automatic labels agree "
    "with yours, on every statement you corrected (the sidebar filters do not apply here)."
)
if dataset.corrections_error:
    st.error(dataset.corrections_error)


def _number(value: Any, percent: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.0%}" if percent else f"{value:.2f}"


def _computed(field: str) -> dict[str, Any]:
    """The report, kept until the data or the corrections change (reruns cost nothing)."""
    memo = st.session_state.get(MEMO)
    if memo is not None and memo[0] == (dataset.token, field):
        return dict(memo[1])
    result = learn.report(dataset, field)
    st.session_state[MEMO] = ((dataset.token, field), result)
    return result


def _report(field: str) -> None:
    result = _computed(field)
    if result["n"] == 0:
        st.info(
            f"No {field} corrections yet"
            + (f" for this target ({target})" if field == "stance" and target else "")
            + ". On the **Statements** page, set a statement's stance or sentiment with the "
            "pickers under its card, or correct a whole filtered set at once; or import a "
            "corrections file on **Export**. The numbers appear here as you go."
        )
        return
    if dataset.model is not None and field == "stance":
        st.caption(
            "The automatic stance now comes from the model, which learnt from these same "
            "corrections: read these numbers as optimistic. Its cross-validated macro-F1 "
            "below is the fair figure."
        )
    m = st.columns(4)
    m[0].metric("Corrected statements", f"{result['n']:,}")
    m[1].metric("Accuracy", _number(result["accuracy"], percent=True))
    m[2].metric("Macro-F1", _number(result["macro_f1"]))
    m[3].metric(
        "Cohen's κ",
        _number(result["kappa"]),
        help="Agreement beyond chance (Cohen 1960): 1 is perfect, 0 is what chance gives; "
        "undefined (—) when only one label occurs.",
    )
    if result["unscored"]:
        st.caption(f"{result['unscored']:,} corrected statements had no automatic label.")
    left, right = st.columns([3, 2])
    left.dataframe(learn.class_table(result), hide_index=True, key=f"agree_classes_{field}")
    confusion = result["confusion"]
    right.plotly_chart(
        charts.fig_confusion(confusion["labels"], confusion["matrix"], field=field),
        key=f"agree_confusion_{field}",
    )
    for column, title in learn.GROUPS.items():
        st.markdown(f"**By {title.lower()}**")
        st.dataframe(
            learn.group_table(result, column), hide_index=True, key=f"agree_{column}_{field}"
        )
    st.markdown("**Evidence words behind wrong labels**")
    words = learn.evidence_table(result)
    if words.empty:
        st.caption("No wrong label came from a word of the evidence.")
    else:
        st.caption("How many wrongly labelled statements each word pushed toward the wrong label.")
        st.dataframe(words, hide_index=True, key=f"agree_words_{field}")


def _train() -> None:
    try:
        with st.spinner("Training and cross-validating…"):
            candidate = learn.train(dataset)
    except ReactionLensError as exc:
        st.error(
            f"Cannot train yet: {exc}. Correct more statements on the **Statements** page "
            "(each label you want the model to learn needs a few examples), then try again."
        )
        return
    st.session_state[CANDIDATE] = candidate


def _candidate(candidate: learn.Candidate) -> None:
    info = candidate.model.info
    st.markdown(f"**Trained on {info['n']:,} of your labels** ({info['label_counts']})")
    a, b, c = st.columns(3)
    a.metric(
        "Model, cross-validated macro-F1",
        _number(candidate.cv_macro_f1),
        help=f"{info['cv']['folds']}-fold cross-validation on your labels "
        f"(± {info['cv']['macro_f1_std']:.2f} across folds).",
    )
    b.metric(
        "Rules on the same statements, macro-F1",
        _number(candidate.rules["macro_f1"]),
        help=f"The rule-based stance against your {candidate.rules['n']:,} labels.",
    )
    c.metric("Training time", f"{info['seconds']:.1f} s")
    yes, no = st.columns(2)
    if yes.button("Accept: score the statements with this model", key="model_accept"):
        new, error = data.guarded(lambda: learn.accept(dataset, candidate.model))
        if new is None:
            st.error(f"The model could not score the statements: {error}. Nothing changed.")
            return
        st.session_state.pop(CANDIDATE, None)
        state.set_dataset(new, keep_filters=True)
        st.session_state[state.NOTICE] = (
            "The model now gives the stance; each card shows its probabilities beside the "
            "rule evidence. *Revert to rules* undoes it."
        )
        st.rerun()
    if no.button("Discard", key="model_discard"):
        st.session_state.pop(CANDIDATE, None)
        st.rerun()


field = st.radio("Label", list(learn.FIELDS), key="agree_field", horizontal=True)
_report(str(field))

st.divider()
st.subheader("A stance model for this target")
st.caption(
    "Learns from your stance corrections (word and character n-grams, the rule score and "
    "evidence, VADER scores, target mentions), on this machine, in seconds."
)
if dataset.model is not None:
    st.info(
        f"The stance comes from a model trained on {dataset.model.info.get('n', '?')} labels "
        f"(cross-validated macro-F1 {dataset.model.info['cv']['macro_f1']:.2f})."
    )
    if st.button("Revert to rules", key="model_revert"):
        new, error = data.guarded(lambda: learn.revert(dataset))
        if new is None:
            st.error(f"Could not score with the rules: {error}.")
        else:
            state.set_dataset(new, keep_filters=True)
            st.session_state[state.NOTICE] = "The stance comes from the rules again."
            st.rerun()
if st.button(
    "Train a stance model for this target", key="model_train", disabled=dataset.target is None
):
    _train()
pending = st.session_state.get(CANDIDATE)
if isinstance(pending, learn.Candidate):
    if pending.token == dataset.token:
        _candidate(pending)
    else:
        st.session_state.pop(CANDIDATE, None)
        st.caption("The data or your corrections changed since the last training: train again.")
