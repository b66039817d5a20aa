"""Learning from the analyst, driven through AppTest on the bundled sample: corrections in the
explorer (one card, a filtered set), the Agreement page, corrections files, the stance model and
the on-topic reading."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analysis import pipeline
from analysis.learn import corrected_mask, corrections_path, load_corrections
from dashboard import learn

APP = str(Path(__file__).parent / "../dashboard/app.py")
TIMEOUT = 60
OTHER = {"favor": "against", "against": "favor", "neutral": "favor"}


@pytest.fixture(scope="module", autouse=True)
def _fresh_cache() -> Iterator[None]:
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    return _go(at, "screens/statements.py")


def _go(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _statements(at: AppTest) -> pd.DataFrame:
    frame: pd.DataFrame = at.session_state["dataset"].statements
    return frame


def _pickers(at: AppTest, field: str) -> list[str]:
    """The card pickers of one field, in card order (card i is row i: table order, no filter)."""
    return [s.key for s in at.selectbox if s.key and s.key.startswith(f"fix_{field}_")]


def _pick(at: AppTest, card: int, label: str, field: str = "stance") -> AppTest:
    at.selectbox(key=_pickers(at, field)[card]).set_value(label).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: str(m.value) for m in at.metric}


def _cards(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "border-radius:8px" in m.value]


def test_one_correction_shows_on_its_card_and_moves_the_agreement(app: AppTest) -> None:
    automatic = _statements(app)["stance_label"].tolist()
    _pick(app, 0, OTHER[automatic[0]])
    frame = _statements(app)
    assert frame.loc[0, "stance_label"] == OTHER[automatic[0]]
    assert corrected_mask(frame).tolist() == [True] + [False] * (len(frame) - 1)
    card = _cards(app)[0]
    assert f"✎ stance corrected: {OTHER[automatic[0]]}" in card
    assert f"automatic label was {automatic[0]}" in card
    assert app.selectbox(key=_pickers(app, "stance")[0]).value == OTHER[automatic[0]]

    _go(app, "screens/agreement.py")
    shown = _metrics(app)  # one statement, labelled wrongly: nothing right
    assert (shown["Corrected statements"], shown["Accuracy"]) == ("1", "0%")

    _go(app, "screens/statements.py")
    _pick(app, 1, automatic[1])  # the second card: the analyst agrees with the rules
    _go(app, "screens/agreement.py")
    shown = _metrics(app)
    assert (shown["Corrected statements"], shown["Accuracy"]) == ("2", "50%")
    assert app.get("plotly_chart"), "the confusion heatmap is drawn"


def test_agreement_page_without_corrections_says_how_to_add_them(app: AppTest) -> None:
    _go(app, "screens/agreement.py")
    assert any("No stance corrections yet" in i.value and "Statements" in i.value for i in app.info)
    assert "Accuracy" not in _metrics(app)


def test_bulk_correction_sets_exactly_the_filtered_rows(app: AppTest) -> None:
    before = _statements(app)
    app.multiselect(key="f_roles").set_value(["official"]).run()
    app.selectbox(key="bulk_label_stance").set_value("neutral").run()
    officials = before.index[before["speaker_role"] == "official"]
    app.button(key="bulk_go").click().run()
    assert any(f"**{len(officials):,}** statements" in w.value for w in app.warning)
    app.button(key="bulk_cancel").click().run()  # cancelled: nothing changes
    assert _statements(app)["stance_label"].tolist() == before["stance_label"].tolist()

    app.button(key="bulk_go").click().run()
    app.button(key="bulk_confirm").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    after = _statements(app)
    corrected = corrected_mask(after)
    assert list(after.index[corrected]) == list(officials)
    assert set(after.loc[officials, "stance_label"]) == {"neutral"}
    others = before.index.difference(officials)
    assert after.loc[others, "stance_label"].tolist() == before.loc[others, "stance_label"].tolist()
    assert any(f"{len(officials):,} statements to neutral" in s.value for s in app.success)
    table = next(d.value for d in app.dataframe if "corrected" in d.value.columns)
    assert len(table) == len(officials) and set(table["corrected"]) == {"stance"}


def test_corrections_follow_their_target(app: AppTest) -> None:
    automatic = _statements(app)["stance_label"].tolist()
    _pick(app, 0, OTHER[automatic[0]])
    _pick(app, 0, "negative", field="sentiment")
    sample_target = app.session_state["dataset"].target.text

    _go(app, "screens/data.py")
    app.text_input(key="target_text").set_value("the new bus timetable")
    app.button(key="target_apply").click().run()
    frame = _statements(app)
    assert not corrected_mask(frame)[0]  # the stance was corrected toward the plaza only
    assert corrected_mask(frame, field="sentiment")[0]
    assert frame.loc[0, "sentiment_label"] == "negative"

    app.text_input(key="target_text").set_value(sample_target)
    app.button(key="target_apply").click().run()
    frame = _statements(app)
    assert corrected_mask(frame)[0] and frame.loc[0, "stance_label"] == OTHER[automatic[0]]


def test_corrections_file_round_trip_between_sessions(app: AppTest) -> None:
    _pick(app, 2, "favor")
    _pick(app, 3, "against")
    _pick(app, 3, "positive", field="sentiment")
    payload = learn.corrections_jsonl(app.session_state["dataset"].corrections)
    labels = _statements(app)[["stance_label", "sentiment_label"]]
    _go(app, "screens/export.py")
    assert "Corrections (JSONL)" in [getattr(b, "label", "") for b in app.get("download_button")]

    fresh = _go(AppTest.from_file(APP, default_timeout=TIMEOUT).run(), "screens/export.py")
    fresh.file_uploader(key="corr_file").set_value(("mine.jsonl", payload, "application/jsonl"))
    fresh.button(key="corr_import").click().run()
    assert not fresh.exception and not fresh.error, [e.value for e in fresh.error]
    assert any("Imported 3 corrections" in s.value for s in fresh.success)
    pd.testing.assert_frame_equal(_statements(fresh)[labels.columns], labels)


def test_a_bad_corrections_file_is_an_error_and_changes_nothing(app: AppTest) -> None:
    _pick(app, 0, "neutral")
    before = _statements(app).copy()
    good = {"statement_id": str(before.loc[1, "statement_id"]), "target": "x", "label": "favor"}
    bad = json.dumps(good) + "\n" + '{"statement_id": "a", "target": "x", "label": "sideways"}\n'
    _go(app, "screens/export.py")
    app.file_uploader(key="corr_file").set_value(("bad.jsonl", bad.encode(), "application/jsonl"))
    app.button(key="corr_import").click().run()
    assert not app.exception
    assert any("bad.jsonl, line 2" in e.value and "sideways" in e.value for e in app.error)
    pd.testing.assert_frame_equal(_statements(app), before)
    assert len(app.session_state["dataset"].corrections) == 1


def test_training_with_too_few_labels_says_so(app: AppTest) -> None:
    _pick(app, 0, "favor")
    _go(app, "screens/agreement.py")
    app.button(key="model_train").click().run()
    assert not app.exception
    assert any("Cannot train yet" in e.value and "at least 2" in e.value for e in app.error)
    assert "model_accept" not in [b.key for b in app.button]


def test_train_accept_and_revert_the_stance_model(app: AppTest) -> None:
    for card, label in enumerate(["favor", "favor", "favor", "against", "against", "against"]):
        _pick(app, card, label)
    _go(app, "screens/agreement.py")
    app.button(key="model_train").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    shown = _metrics(app)
    assert {"Model, cross-validated macro-F1", "Rules on the same statements, macro-F1"} <= set(
        shown
    )
    assert app.session_state["dataset"].model is None  # nothing changes before accepting

    app.button(key="model_accept").click().run()
    assert not app.exception, [e.value for e in app.exception]
    dataset = app.session_state["dataset"]
    assert dataset.model is not None and dataset.manifest["stance_model"]["name"]
    kinds = [[i["kind"] for i in json.loads(raw)] for raw in dataset.statements["stance_evidence"]]
    assert all("model" in k for k in kinds)
    assert dataset.statements["stance_label"][:6].tolist() == ["favor"] * 3 + ["against"] * 3

    _go(app, "screens/statements.py")
    assert all("Model: p(" in card and "the rules said" in card for card in _cards(app))

    _go(app, "screens/agreement.py")
    app.button(key="model_revert").click().run()
    dataset = app.session_state["dataset"]
    assert dataset.model is None
    assert not dataset.statements["stance_evidence"].str.contains('"kind": "model"').any()


def test_on_topic_checkbox_changes_stance_numbers(app: AppTest) -> None:
    before = _statements(app)["stance_label"].tolist()
    _go(app, "screens/data.py")
    assert app.checkbox(key="target_on_topic").value is False
    app.checkbox(key="target_on_topic").check()
    app.button(key="target_apply").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    dataset = app.session_state["dataset"]
    assert dataset.on_topic and dataset.statements["stance_label"].tolist() != before
    _go(app, "screens/export.py")
    assert any("read as about the target" in c.value for c in app.caption)
    assert dataset.manifest["stance_settings"]["on_topic"] is True


def test_choosing_automatic_takes_the_correction_off(app: AppTest) -> None:
    automatic = _statements(app)["stance_label"].tolist()
    _pick(app, 0, OTHER[automatic[0]])
    _pick(app, 0, "(automatic)")
    frame = _statements(app)
    assert frame["stance_label"].tolist() == automatic
    assert not corrected_mask(frame).any() and app.session_state["dataset"].corrections == ()
    assert "✎" not in _cards(app)[0]


def test_corrections_on_an_opened_table_persist_in_its_sidecar(
    app: AppTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = _statements(app).head(30)
    out = tmp_path / "run.parquet"
    pipeline.write_statements(frame, out, dict(app.session_state["dataset"].manifest))
    monkeypatch.setattr(sys, "argv", [str(Path(APP).resolve()), str(out)])
    first = _go(AppTest.from_file(APP, default_timeout=TIMEOUT).run(), "screens/statements.py")
    wanted = OTHER[str(frame.at[4, "stance_label"])]
    _pick(first, 4, wanted)
    stored = load_corrections(corrections_path(out))
    assert [(c.statement_id, c.label) for c in stored] == [(frame.loc[4, "statement_id"], wanted)]

    again = AppTest.from_file(APP, default_timeout=TIMEOUT).run()  # a new session, same table
    reopened = _statements(again)
    assert reopened.loc[4, "stance_label"] == wanted and corrected_mask(reopened)[4]
    assert len(again.session_state["dataset"].corrections) == 1


def test_a_broken_sidecar_is_shown_and_the_table_still_opens(
    app: AppTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "run.parquet"
    pipeline.write_statements(_statements(app).head(10), out, {})
    corrections_path(out).write_text('{"label": "favor"}\n', encoding="utf-8")
    monkeypatch.setattr(sys, "argv", [str(Path(APP).resolve()), str(out)])
    at = _go(AppTest.from_file(APP, default_timeout=TIMEOUT).run(), "screens/statements.py")
    assert len(_statements(at)) == 10
    assert any("line 1" in e.value for e in at.error)


def test_corrections_carry_over_when_the_sources_are_analysed_again(app: AppTest) -> None:
    frame = _statements(app)
    card = frame["source_kind"].tolist().index("comment")  # cards are rows in table order
    assert card < 20, "a comment on the first page"
    sid = str(frame["statement_id"].iloc[card])
    wanted = OTHER[str(frame["stance_label"].iloc[card])]
    _pick(app, card, wanted)
    comments = pipeline.sample_inputs()[1]
    _go(app, "screens/data.py")
    app.file_uploader(key="src_files").set_value(
        (comments.name, comments.read_bytes(), "application/jsonl")
    )
    app.button(key="src_go").click().run()  # replaces the data with the comments alone
    assert not app.exception and not app.error, [e.value for e in app.error]
    again = _statements(app)
    assert set(again["source_kind"]) == {"comment"}
    row = again.index[again["statement_id"] == sid]
    assert len(row) == 1 and again.loc[row[0], "stance_label"] == wanted
    assert corrected_mask(again).sum() == 1
