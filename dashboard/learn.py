"""The analyst's corrections, the agreement report and the per-target stance model, for the pages.

Every action returns a new :class:`~dashboard.data.Dataset` (never edits one): corrections are
merged with the session's (and written to the sidecar beside the table when the app was opened
on one), then applied to the statements, so the explorer, the charts and the agreement page all
read the corrected labels. No Streamlit here: pages draw what these return, tests call them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from analysis.errors import InputError
from analysis.jsonl import json_lines
from analysis.learn import (
    Correction,
    TrainedModel,
    add_corrections,
    agreement,
    agreement_report,
    corrected_mask,
    labelled_statements,
    load_corrections,
    make_correction,
    merge_corrections,
    save_corrections,
    train_stance,
)
from analysis.learn.agreement import predicted_before
from analysis.learn.corrections import correction_marker, matching
from dashboard.data import (
    Dataset,
    apply_all,
    describe_run,
    named_rows,
    replace_statements,
    rescore,
)
from dashboard.render import model_item

FIELDS = ("stance", "sentiment")
GROUPS = {"speaker_role": "Speaker role", "source": "Source"}


def target_text(dataset: Dataset) -> str | None:
    return None if dataset.target is None else dataset.target.text


def corrections_for(
    statements: pd.DataFrame,
    rows: pd.Index,
    *,
    field: str,
    label: str,
    target: str | None,
) -> list[Correction]:
    """One correction per row of ``rows``: by statement id, by text when a row has no id.

    Raises InputError (from the backend's check) for an unknown label or a stance without target.
    """
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    found = []
    for sid, text in zip(
        statements.loc[rows, "statement_id"], statements.loc[rows, "text"], strict=True
    ):
        has_id = isinstance(sid, str) and sid != ""
        item = {
            "statement_id": sid if has_id else None,
            "text": None if has_id else text,
            "target": target or "",
            "field": field,
            "label": label,
            "corrected_at": stamp,
        }
        found.append(make_correction(item, where=f"{field} correction"))
    return found


def correct(dataset: Dataset, new: Sequence[Correction]) -> Dataset:
    """The dataset with ``new`` corrections stored and applied (later ones replace earlier).

    With a sidecar file the corrections are added to it first (InputError when it cannot be
    read or written: nothing changes then).
    """
    if dataset.corrections_file is not None:
        merged = add_corrections(dataset.corrections_file, new)
    else:
        merged = merge_corrections(dataset.corrections, new)
    fields = tuple(dict.fromkeys(c.field for c in new))
    frame = apply_all(dataset.statements, list(new), dataset.target, fields=fields)
    updated = replace_statements(dataset, frame, corrections=tuple(merged), corrections_error=None)
    updated.manifest = describe_run(updated)
    return updated


def uncorrect(dataset: Dataset, rows: pd.Index, field: str) -> Dataset:
    """The analyst's ``field`` label taken off ``rows``: the automatic label comes back.

    The automatic label (and stance score) is read from the correction marker, so nothing is
    re-scored. The corrections naming these rows (by id or by text) are dropped, from the
    sidecar file too.
    """
    frame = dataset.statements
    target = target_text(dataset)
    keys = set()
    for sid, text in zip(frame.loc[rows, "statement_id"], frame.loc[rows, "text"], strict=True):
        for ref in ({"statement_id": sid}, {"text": text}):
            if isinstance(next(iter(ref.values())), str):
                keys.add(Correction("x", target or "", field, **ref).key)
    remaining = [c for c in dataset.corrections if c.key not in keys]
    if dataset.corrections_file is not None:
        stored = load_corrections(dataset.corrections_file)
        save_corrections(dataset.corrections_file, [c for c in stored if c.key not in keys])
    out = frame.copy()
    label_col, evidence_col = f"{field}_label", f"{field}_evidence"
    for row in rows:
        marker = correction_marker(out.at[row, evidence_col])
        if marker is None:
            continue
        out.at[row, label_col] = marker.get("was") or pd.NA
        if field == "stance":
            was = marker.get("was_score")
            out.at[row, "stance_score"] = pd.NA if was is None else float(was)
        out.at[row, evidence_col] = _without_marker(out.at[row, evidence_col])
    updated = replace_statements(dataset, out, corrections=tuple(remaining))
    updated.manifest = describe_run(updated)
    return updated


def _without_marker(raw: object) -> str | None:
    if not isinstance(raw, str):
        return None
    data = json.loads(raw)
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k != "correction"}
    else:
        data = [i for i in data if not (isinstance(i, dict) and i.get("kind") == "correction")]
    return json.dumps(data, sort_keys=False, ensure_ascii=False)


def corrected_fields(frame: pd.DataFrame) -> pd.Series:
    """Per row, which labels the analyst set ("stance", "sentiment", both, or "")."""
    marks = [corrected_mask(frame, field=field) for field in FIELDS]
    names = [
        ", ".join(f for f, hit in zip(FIELDS, hits, strict=True) if hit)
        for hits in zip(*marks, strict=True)
    ]
    return pd.Series(names, index=frame.index, dtype="object")


def current_label(row: Mapping[Any, Any], field: str) -> str | None:
    """The label the analyst gave this row, if it carries a correction marker."""
    marker = correction_marker(row.get(f"{field}_evidence"))
    return None if marker is None else str(marker.get("label"))


# ---- import / export -------------------------------------------------------------------------


def corrections_jsonl(corrections: Sequence[Correction]) -> bytes:
    """The corrections file: one JSON object per line, as ``reaction-lens`` reads it."""
    lines = [json.dumps(c.to_dict(), ensure_ascii=False) for c in corrections]
    return "".join(line + "\n" for line in lines).encode("utf-8")


def parse_corrections(name: str, payload: bytes) -> list[Correction]:
    """Read an uploaded corrections JSONL; InputError names the file and the bad line."""
    try:
        raw = payload.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: corrections must be UTF-8 JSONL ({exc.reason})") from exc
    example = 'an object like {"statement_id": "…", "target": "…", "label": "favor"}'
    found = [
        make_correction(item, where=where)
        for where, _, item in json_lines(raw, source=name, expected=example)
    ]
    if not found:
        raise InputError(f"{name}: no corrections in the file (one JSON object per line)")
    return merge_corrections(found)


def matched(dataset: Dataset, corrections: Sequence[Correction]) -> int:
    """How many statements of the dataset the given corrections name (either field)."""
    hits = pd.Series(False, index=dataset.statements.index)
    for field in FIELDS:
        found = matching(dataset.statements, corrections, target=target_text(dataset), field=field)
        hits |= found.notna()
    return int(hits.sum())


# ---- agreement ---------------------------------------------------------------------------------


def report(dataset: Dataset, field: str) -> dict[str, Any]:
    """:func:`analysis.learn.agreement_report` of the automatic labels against the analyst's."""
    return agreement_report(
        corrected_rows(dataset),
        dataset.corrections,
        target=target_text(dataset),
        field=field,
        by=tuple(GROUPS),
    )


def corrected_rows(dataset: Dataset) -> pd.DataFrame:
    """The statements the corrections can name: by id, found at once; else every statement."""
    rows = named_rows(dataset.statements, dataset.corrections)
    return dataset.statements if rows is None else dataset.statements[rows]


def class_table(result: dict[str, Any]) -> pd.DataFrame:
    """Per label: precision, recall, F1, how many the analyst gave, how many were predicted."""
    rows = [{"label": label, **values} for label, values in result["per_class"].items()]
    return pd.DataFrame(
        rows, columns=["label", "precision", "recall", "f1", "support", "predicted"]
    )


def group_table(result: dict[str, Any], column: str) -> pd.DataFrame:
    """One row per group (role or source): corrected statements, accuracy, macro-F1, kappa."""
    rows = [
        {
            GROUPS[column].lower(): name,
            "corrected": part["n"],
            "accuracy": part["accuracy"],
            "macro_f1": part["macro_f1"],
            "kappa": part["kappa"],
        }
        for name, part in result["by"][column].items()
    ]
    return pd.DataFrame(
        rows, columns=[GROUPS[column].lower(), "corrected", "accuracy", "macro_f1", "kappa"]
    )


def evidence_table(result: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(result["misleading_evidence"], columns=["term", "count", "wrong_label"])


# ---- the per-target model ------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A model trained but not yet accepted, with what it is judged by."""

    token: str  # the dataset it was trained on: new corrections make it stale
    model: TrainedModel
    rules: dict[str, Any]  # agreement of the rules with the same labels

    @property
    def cv_macro_f1(self) -> float:
        return float(self.model.info["cv"]["macro_f1"])


def rule_labels(frame: pd.DataFrame) -> pd.Series:
    """The rules' stance label per row, also when a model or a correction replaced it."""
    before = predicted_before(frame, field="stance")
    found = []
    for raw, label in zip(frame["stance_evidence"].astype("object"), before, strict=True):
        found.append(model_item(raw).get("rule_label", label))
    return pd.Series(found, index=frame.index, dtype="object")


def train(dataset: Dataset, *, seed: int = 0) -> Candidate:
    """Train a stance model for the dataset's target from its stance corrections.

    Raises InputError with the backend's message (e.g. too few examples of a label).
    """
    if dataset.target is None:
        raise InputError("set a target on the Data page first: a stance model is per target")
    frame = corrected_rows(dataset)
    records = labelled_statements(frame, dataset.corrections, target=dataset.target.text)
    model = train_stance(records, target=dataset.target, seed=seed)
    gold = matching(frame, dataset.corrections, target=dataset.target.text, field="stance")
    rules = rule_labels(frame.loc[gold.notna()])
    keep = rules.notna()
    labelled = gold[gold.notna()]
    rules_agreement = agreement([str(x) for x in labelled[keep]], [str(x) for x in rules[keep]])
    return Candidate(dataset.token, model, rules_agreement)


def accept(dataset: Dataset, model: TrainedModel) -> Dataset:
    """The statements scored by ``model`` (rule evidence kept beside it), corrections on top."""
    return rescore(dataset, target=dataset.target, on_topic=dataset.on_topic, model=model)


def revert(dataset: Dataset) -> Dataset:
    """Back to the rule-based stance (corrections stay)."""
    return rescore(dataset, target=dataset.target, on_topic=dataset.on_topic, model=None)
