"""A stance classifier for one target, trained in seconds on CPU from the analyst's labels.

Rules carry a new target most of the way; a few hundred of the analyst's own labels teach the
rest. Features (all computed per statement, no GPU):

* word 1–2-grams and character 2–5-grams inside word boundaries, TF-IDF with sublinear counts
  (the strong linear baseline of stance work, e.g. Mohammad et al. 2016's SVM on n-grams);
* the rule-based stance (:func:`analysis.stance.score_stance`): score, label and the summed
  weights of its favour/against evidence;
* VADER scores (Hutto & Gilbert 2014) via :mod:`analysis.sentiment`;
* target-mention features: whether, how often, where and how (as a hashtag) the target is named.

A logistic regression on these gives probabilities that are reasonably calibrated; the
cross-validated (stratified, seeded) macro-F1 and expected calibration error are reported with
the model so the analyst can judge it before accepting it.

Model files are a zip holding ``header.json`` (format, schema version, target, classes,
features, training-data hash, package versions, cross-validation figures) and ``estimators.pkl``
(the fitted scikit-learn objects, pickled). The header is checked before anything is unpickled.
**Unpickling runs code: load model files you or your team made, never ones from strangers.**
"""

from __future__ import annotations

import hashlib
import json
import math
import pickle
import time
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from analysis.errors import EvaluationError, InputError
from analysis.jsonl import json_lines
from analysis.learn.corrections import same_target, with_evidence
from analysis.schema import STANCE_LABELS
from analysis.stance import Target, score_stance

if TYPE_CHECKING:  # scikit-learn loads only when a model is trained or used: the CLI starts faster
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
    from sklearn.linear_model import LogisticRegression

FORMAT = "reaction-lens-stance-model"
SCHEMA_VERSION = 1
FEATURES = (
    "word_tfidf_1-2",
    "char_wb_tfidf_2-5",
    "rule_stance",
    "vader",
    "target_mentions",
)
C = 2.0  # inverse regularisation, chosen by cross-validation on P-Stance train (not val)
# Rule/VADER/mention features next to unit-length TF-IDF rows: at full scale the classifier leans
# on them too hard once it has a few hundred labels. 0.3 had the best cross-validated macro-F1
# over 50-1,000-label samples of P-Stance train (two targets); 1.0 and 0.1 were worse.
DENSE_SCALE = 0.3
MIN_PER_CLASS = 2  # fewer examples of a label than this cannot be cross-validated
_TOKEN = r"(?u)[#@]?\b\w[\w']*"  # keep hashtags and @handles as their own words
_DENSE = (
    "rule_score",
    "rule_favor",
    "rule_against",
    "rule_neutral",
    "rule_push_favor",
    "rule_push_against",
    "vader_compound",
    "vader_pos",
    "vader_neg",
    "vader_neu",
    "mentions",
    "mentioned",
    "hashtag_mention",
    "mention_first",
)


@dataclass
class TrainedModel:
    """A fitted classifier for one target, with what the header of its file records."""

    target: Target
    classes: tuple[str, ...]
    estimators: dict[str, Any]
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """Short id: the target and the first characters of the training-data hash."""
        return f"{self.target.text} @ {str(self.info.get('data_hash', ''))[:12]}"


def as_target(target: Target | str) -> Target:
    return target if isinstance(target, Target) else Target.parse(target)


def _vader() -> Callable[[str], dict[str, float]]:
    """VADER's polarity_scores: the project adapter if present (identical scores), else the package."""
    try:
        from analysis.sentiment import SentimentAnalyzer
    except ImportError:  # the sentiment stage not installed: vaderSentiment gives identical numbers
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        return SentimentIntensityAnalyzer().polarity_scores  # type: ignore[no-any-return]
    return SentimentAnalyzer().polarity_scores


def dense_features(
    texts: Sequence[str],
    target: Target,
    *,
    speakers: Sequence[str | None] | None = None,
    roles: Sequence[str | None] | None = None,
) -> tuple[np.ndarray[Any, np.dtype[np.float64]], list[Any]]:
    """The non-n-gram features of each text, and the rule results (their evidence is kept)."""
    vader = _vader()
    rows, results = [], []
    for i, text in enumerate(texts):
        speaker = speakers[i] if speakers is not None else None
        role = roles[i] if roles is not None else None
        rule = score_stance(text, target, speaker=speaker, speaker_role=role)
        results.append(rule)
        rows.append(_row(text, rule, vader(text)))
    return np.asarray(rows, dtype=np.float64).reshape(len(texts), len(_DENSE)), results


def _row(text: str, rule: Any, sent: Mapping[str, float]) -> list[float]:
    """One row of ``_DENSE``; target mentions are read from the rule's evidence (up to 5 kept)."""
    push_favor = sum(
        float(e.get("weight", 0.0)) for e in rule.evidence if float(e.get("weight", 0.0)) > 0
    )
    push_against = sum(
        float(e.get("weight", 0.0)) for e in rule.evidence if float(e.get("weight", 0.0)) < 0
    )
    found = [e for e in rule.evidence if e.get("kind") == "target"]
    starts = [int(e["start"]) for e in found if isinstance(e.get("start"), int) and e["start"] >= 0]
    first = min(starts) / max(len(text), 1) if starts else 1.0
    return [
        rule.score,
        float(rule.label == "favor"),
        float(rule.label == "against"),
        float(rule.label == "neutral"),
        math.log1p(push_favor),
        -math.log1p(-push_against),
        sent["compound"],
        sent["pos"],
        sent["neg"],
        sent["neu"],
        math.log1p(len(found)),
        float(bool(found)),
        float(any(str(e.get("text", "")).startswith("#") for e in found)),
        1.0 - first,
    ]


def _counters() -> dict[str, CountVectorizer]:
    """Word 1–2-gram and char_wb 2–5-gram counters (n-grams seen at least twice)."""
    from sklearn.feature_extraction.text import CountVectorizer

    common: dict[str, Any] = {"min_df": 2, "lowercase": True, "dtype": np.float64}
    return {
        "word": CountVectorizer(token_pattern=_TOKEN, ngram_range=(1, 2), **common),
        "char": CountVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), max_features=300_000, **common
        ),
    }


def _count(texts: Sequence[str]) -> tuple[dict[str, CountVectorizer], list[Any]]:
    """Count n-grams once for all training texts; folds then weigh them with their own IDF.

    The vocabulary comes from every training text (no labels): an n-gram seen only in a
    held-out fold gets no weight from a fit that never sees it active, so this stays honest.
    """
    counters = _counters()
    return counters, [c.fit_transform(texts) for c in counters.values()]


def _fit(
    counts: Sequence[Any],
    dense: np.ndarray[Any, np.dtype[np.float64]],
    labels: Sequence[str],
    seed: int,
) -> tuple[list[TfidfTransformer], LogisticRegression]:
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfTransformer

    weights = [TfidfTransformer(sublinear_tf=True).fit(c) for c in counts]
    blocks = [w.transform(c) for w, c in zip(weights, counts, strict=True)]
    clf = classifier(len(set(labels)), seed)
    clf.fit(sp.hstack([*blocks, sp.csr_matrix(dense * DENSE_SCALE)], format="csr"), list(labels))
    return weights, clf


def classifier(n_classes: int, seed: int) -> LogisticRegression:
    """Two labels: liblinear's dual solver, many times faster when n-grams outnumber examples.
    Three: multinomial lbfgs (liblinear is one-vs-rest and no longer takes several classes)."""
    from sklearn.linear_model import LogisticRegression

    if n_classes == 2:
        return LogisticRegression(
            C=C,
            class_weight="balanced",
            solver="liblinear",
            dual=True,
            max_iter=5000,
            random_state=seed,
        )
    return LogisticRegression(C=C, class_weight="balanced", solver="lbfgs", max_iter=5000)


def _proba(
    estimators: Mapping[str, Any],
    texts: Sequence[str],
    dense: np.ndarray[Any, np.dtype[np.float64]],
    scale: float,
) -> np.ndarray[Any, np.dtype[np.float64]]:
    blocks = [estimators[k].transform(texts) for k in ("word", "char")]
    return _proba_blocks(estimators["clf"], blocks, dense, scale)


def _proba_blocks(
    clf: LogisticRegression,
    blocks: Sequence[Any],
    dense: np.ndarray[Any, np.dtype[np.float64]],
    scale: float = DENSE_SCALE,
) -> np.ndarray[Any, np.dtype[np.float64]]:
    import scipy.sparse as sp

    matrix = sp.hstack([*blocks, sp.csr_matrix(dense * scale)], format="csr")
    return np.asarray(clf.predict_proba(matrix), dtype=np.float64)


def _records(
    records: Sequence[Mapping[str, Any]],
) -> tuple[list[str], list[str], list[Any], list[Any]]:
    texts, labels, speakers, roles = [], [], [], []
    for i, r in enumerate(records):
        label = str(r.get("label", "")).strip().lower()
        if label not in STANCE_LABELS:
            raise InputError(
                f"training record {i}: label {label!r} is not one of {list(STANCE_LABELS)}"
            )
        text = r.get("text")
        if not isinstance(text, str) or not text.strip():
            raise InputError(f"training record {i}: 'text' is missing or empty")
        texts.append(text)
        labels.append(label)
        speakers.append(r.get("speaker"))
        roles.append(r.get("speaker_role", r.get("role")))
    return texts, labels, speakers, roles


def data_hash(texts: Sequence[str], labels: Sequence[str]) -> str:
    """SHA-256 of the training pairs in the order given."""
    digest = hashlib.sha256()
    for text, label in zip(texts, labels, strict=True):
        digest.update(json.dumps([text, label], ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def train_stance(
    records: Sequence[Mapping[str, Any]],
    *,
    target: Target | str,
    seed: int = 0,
    folds: int = 5,
) -> TrainedModel:
    """Train a stance classifier for ``target`` from labelled statements.

    Args:
        records: mappings with ``text`` and ``label`` (favor | against | neutral; two or three
            of them), optionally ``speaker`` and ``speaker_role`` (used by the rule features).
        target: the target the labels are toward.
        seed: fixes the cross-validation split (the fit itself is deterministic).
        folds: stratified folds for the reported macro-F1 (fewer when a label is rare).

    Returns:
        The model; ``info`` holds n, label counts, cross-validated macro-F1 (mean and std over
        folds), pooled F_avg and calibration error, training seconds and the data hash.
    """
    started = time.perf_counter()
    goal = as_target(target)
    texts, labels, speakers, roles = _records(records)
    per_label = {label: labels.count(label) for label in STANCE_LABELS if label in labels}
    if len(per_label) < 2 or min(per_label.values()) < MIN_PER_CLASS:
        raise InputError(
            f"training needs at least {MIN_PER_CLASS} examples of each of two labels; got {per_label}"
        )
    dense, _ = dense_features(texts, goal, speakers=speakers, roles=roles)
    counters, counts = _count(texts)
    cv = cross_validate(counts, dense, labels, seed=seed, folds=folds)
    weights, clf = _fit(counts, dense, labels, seed)
    from sklearn.pipeline import Pipeline

    estimators: dict[str, Any] = {
        name: Pipeline([("count", counter), ("tfidf", weight)])
        for (name, counter), weight in zip(counters.items(), weights, strict=True)
    }
    estimators["clf"] = clf
    classes = tuple(str(c) for c in estimators["clf"].classes_)
    info = {
        "n": len(texts),
        "label_counts": per_label,
        "cv": cv,
        "seconds": round(time.perf_counter() - started, 2),
        "data_hash": data_hash(texts, labels),
        "seed": seed,
        "features": list(FEATURES),
        "dense_features": list(_DENSE),
        "dense_scale": DENSE_SCALE,
        "classifier": repr(clf),
        "versions": versions(),
        "rules": rule_versions(),
    }
    return TrainedModel(goal, classes, estimators, info)


def cross_validate(
    counts: Sequence[Any],
    dense: np.ndarray[Any, np.dtype[np.float64]],
    labels: Sequence[str],
    *,
    seed: int,
    folds: int,
) -> dict[str, Any]:
    """Stratified k-fold: macro-F1 per fold (mean, std), pooled F_avg and calibration error."""
    from sklearn.model_selection import StratifiedKFold

    from analysis.learn.agreement import agreement

    k = min(folds, min(labels.count(x) for x in set(labels)))
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    y = np.asarray(labels)
    oof = np.empty(len(y), dtype=object)
    confidence = np.zeros(len(y))
    fold_f1 = []
    for train, test in splitter.split(np.zeros(len(y)), y):
        weights, clf = _fit([c[train] for c in counts], dense[train], y[train].tolist(), seed)
        blocks = [w.transform(c[test]) for w, c in zip(weights, counts, strict=True)]
        proba = _proba_blocks(clf, blocks, dense[test])
        oof[test] = clf.classes_[proba.argmax(axis=1)]
        confidence[test] = proba.max(axis=1)
        fold_f1.append(agreement(y[test].tolist(), oof[test].tolist())["macro_f1"])
    pooled = agreement(list(labels), oof.tolist())
    f_avg = np.mean([pooled["per_class"].get(x, {"f1": 0.0})["f1"] for x in ("favor", "against")])
    return {
        "folds": k,
        "macro_f1": round(float(np.mean(fold_f1)), 4),
        "macro_f1_std": round(float(np.std(fold_f1)), 4),
        "f_avg": round(float(f_avg), 4),
        "ece": calibration_error(confidence, oof == y),
    }


def calibration_error(
    confidence: np.ndarray[Any, Any], correct: np.ndarray[Any, Any], bins: int = 10
) -> float:
    """Expected calibration error: mean |confidence - accuracy| over equal-width bins, weighted."""
    edges = np.minimum((confidence * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        inside = edges == b
        if inside.any():
            total += inside.sum() * abs(confidence[inside].mean() - correct[inside].mean())
    return round(float(total) / max(len(confidence), 1), 4)


def versions() -> dict[str, str]:
    """Package versions recorded in a model file."""
    found = {}
    for package in ("reaction-lens", "scikit-learn", "numpy", "scipy", "vaderSentiment"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found


def rule_versions() -> dict[str, str]:
    """Names of the stance cue lists behind the rule features (they change what the features mean)."""
    import analysis.stance as stance

    return {str(k): str(v) for k, v in getattr(stance, "VERSIONS", {}).items()}


def predict_stance(
    model: TrainedModel,
    texts: Sequence[str],
    *,
    speakers: Sequence[str | None] | None = None,
    roles: Sequence[str | None] | None = None,
) -> tuple[list[str], np.ndarray[Any, np.dtype[np.float64]]]:
    """Labels and probabilities (one column per ``model.classes``) for ``texts``."""
    labels, proba, _ = _predict(model, texts, speakers=speakers, roles=roles)
    return labels, proba


def _predict(
    model: TrainedModel,
    texts: Sequence[str],
    *,
    speakers: Sequence[str | None] | None = None,
    roles: Sequence[str | None] | None = None,
) -> tuple[list[str], np.ndarray[Any, np.dtype[np.float64]], list[Any]]:
    clean = [t if isinstance(t, str) else "" for t in texts]
    if not clean:
        return [], np.zeros((0, len(model.classes))), []
    dense, rules = dense_features(clean, model.target, speakers=speakers, roles=roles)
    # the scale the model was trained with, read from its file
    proba = _proba(
        model.estimators, clean, dense, float(model.info.get("dense_scale", DENSE_SCALE))
    )
    labels = [model.classes[i] for i in proba.argmax(axis=1)]
    return labels, proba, rules


def add_model_stance(frame: pd.DataFrame, model: TrainedModel) -> pd.DataFrame:
    """A new table whose stance columns come from the model, with the rule evidence kept.

    ``stance_label`` is the model's label, ``stance_score`` is p(favor) - p(against), and
    ``stance_evidence`` is the rule evidence (the existing column, or the rule's own when the
    table was not scored yet) plus ``{"kind": "model", "p_favor", "p_against", ["p_neutral"],
    "rule_label", "model"}``.
    """
    texts = [t if isinstance(t, str) else "" for t in frame["text"].astype("object")]
    speakers = _optional(frame, "speaker")
    roles = _optional(frame, "speaker_role")
    labels, proba, rules = _predict(model, texts, speakers=speakers, roles=roles)
    column = {c: proba[:, i] for i, c in enumerate(model.classes)}
    favor = column.get("favor", np.zeros(len(texts)))
    against = column.get("against", np.zeros(len(texts)))
    evidence = []
    for i, raw in enumerate(frame["stance_evidence"].astype("object")):
        base = (
            raw
            if isinstance(raw, str) and raw
            else json.dumps(rules[i].evidence, ensure_ascii=False)
        )
        item: dict[str, Any] = {"kind": "model", "text": "", "start": -1, "end": -1}
        item["weight"] = round(float(favor[i] - against[i]), 4)
        item |= {f"p_{c}": round(float(column[c][i]), 4) for c in model.classes}
        item |= {"rule_label": rules[i].label, "model": model.name}
        evidence.append(with_evidence(base, item))
    out = frame.copy()
    out["stance_label"] = pd.Series(labels, index=frame.index, dtype=frame["stance_label"].dtype)
    out["stance_score"] = pd.Series(np.round(favor - against, 4), index=frame.index).astype(
        frame["stance_score"].dtype
    )
    out["stance_evidence"] = pd.Series(
        evidence, index=frame.index, dtype=frame["stance_evidence"].dtype
    )
    return out


def _optional(frame: pd.DataFrame, column: str) -> list[str | None]:
    values = (
        frame[column].astype("object")
        if column in frame.columns
        else pd.Series([None] * len(frame))
    )
    return [v if isinstance(v, str) else None for v in values]


# --- files -------------------------------------------------------------------------------------

_STAMP = (1980, 1, 1, 0, 0, 0)  # fixed zip member dates: the same model gives the same bytes


def save_model(model: TrainedModel, path: str | Path) -> Path:
    """Write the model file (zip: header.json + estimators.pkl); returns the path."""
    path = Path(path)
    header = {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "target": model.target.to_dict(),
        "classes": list(model.classes),
        **model.info,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("header.json", _STAMP), json.dumps(header, indent=2, ensure_ascii=False)
        )
        archive.writestr(
            zipfile.ZipInfo("estimators.pkl", _STAMP), pickle.dumps(model.estimators, protocol=5)
        )
    return path


def read_header(path: str | Path) -> dict[str, Any]:
    """The model file's header, checked for format and schema version (nothing is unpickled)."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            header = json.loads(archive.read("header.json").decode("utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such model file") from exc
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(f"{path}: not a ReactionLens stance model file ({exc})") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise InputError(
            f"{path}: not a ReactionLens stance model file (header format is not {FORMAT!r})"
        )
    if header.get("schema_version") != SCHEMA_VERSION:
        raise InputError(
            f"{path}: model schema version {header.get('schema_version')!r}; this ReactionLens reads "
            f"version {SCHEMA_VERSION}. Retrain it with `reaction-lens train-stance`."
        )
    return header


def load_model(path: str | Path, *, target: Target | str | None = None) -> TrainedModel:
    """Read a model file. Trusted input only: the estimators are unpickled.

    Args:
        path: a file written by :func:`save_model`.
        target: the target it will be used for; a model trained for another target is refused
            (targets compared case-insensitively, whitespace collapsed). None accepts the stored one.
    """
    path = Path(path)
    header = read_header(path)
    stored = header.get("target") or {}
    if target is not None and same_target(as_target(target).text) != same_target(
        stored.get("text")
    ):
        raise InputError(
            f"{path}: this model was trained for target {stored.get('text')!r}, not {as_target(target).text!r}; "
            "train one for this target with `reaction-lens train-stance`"
        )
    want = header.get("versions", {}).get("scikit-learn")
    have = versions()["scikit-learn"]
    if want != have:
        raise InputError(
            f"{path}: model saved with scikit-learn {want}, this is {have}; retrain it"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            estimators = pickle.loads(archive.read("estimators.pkl"))  # trusted files only
    except (
        zipfile.BadZipFile,
        KeyError,
        pickle.UnpicklingError,
        EOFError,
        AttributeError,
        ValueError,
    ) as exc:
        raise InputError(f"{path}: model file is damaged ({exc}); retrain it") from exc
    if not isinstance(estimators, dict) or not {"word", "char", "clf"} <= set(estimators):
        raise InputError(f"{path}: model file is damaged (estimators missing); retrain it")
    goal = Target.parse(
        stored.get("text"), aliases=stored.get("aliases"), opponents=stored.get("opponents")
    )
    info = {
        k: v
        for k, v in header.items()
        if k not in ("format", "schema_version", "target", "classes")
    }
    return TrainedModel(goal, tuple(header.get("classes", ())), estimators, info)


# --- CLI helpers -------------------------------------------------------------------------------


def read_labelled(
    path: str | Path, *, target: str | None = None
) -> tuple[list[dict[str, Any]], int]:
    """Labelled records ``{text, label[, target, speaker, speaker_role]}`` from JSONL.

    With ``target`` given, a record that has a ``target`` field is kept only when it equals the
    target case-insensitively (whitespace collapsed); records without one are kept. Returns the
    records and how many were left out for another target.
    """
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read labelled statements ({exc})") from exc
    wanted = same_target(target) if target else None
    kept, other = [], 0
    for where, _, item in json_lines(raw, source=str(path), expected="{text, target, label}"):
        if not isinstance(item, dict):
            raise InputError(f"{where}: expected a JSON object {{text, target, label}}")
        label = str(item.get("label", item.get("stance", ""))).strip().lower()
        if label not in STANCE_LABELS:
            raise InputError(f"{where}: label {label!r} is not one of {list(STANCE_LABELS)}")
        if not isinstance(item.get("text"), str) or not item["text"].strip():
            raise InputError(f"{where}: 'text' is missing or empty")
        if (
            wanted is not None
            and isinstance(item.get("target"), str)
            and same_target(item["target"]) != wanted
        ):
            other += 1
            continue
        kept.append({**item, "label": label})
    return kept, other


def train_from_file(
    path: str | Path, *, target: str, out: str | Path, seed: int = 0
) -> dict[str, Any]:
    """CLI ``train-stance``: read labelled JSONL, keep the target's rows, train, save, summarise."""
    records, other = read_labelled(path, target=target)
    if not records:
        raise InputError(
            f"{path}: no labelled records for target {target!r} ({other} for other targets)"
        )
    model = train_stance(records, target=target)
    saved = save_model(model, out)
    return {
        "target": model.target.text,
        "n": model.info["n"],
        "skipped_other_target": other,
        "label_counts": model.info["label_counts"],
        "cv_macro_f1": model.info["cv"]["macro_f1"],
        "cv_macro_f1_std": model.info["cv"]["macro_f1_std"],
        "cv_f_avg": model.info["cv"]["f_avg"],
        "cv_ece": model.info["cv"]["ece"],
        "cv_folds": model.info["cv"]["folds"],
        "seconds": model.info["seconds"],
        "model": str(saved),
        "data_hash": model.info["data_hash"],
    }


def evaluate_with_model(path: str | Path, model_path: str | Path) -> dict[str, Any]:
    """CLI ``evaluate stance FILE --model MODEL``: the stance evaluator's figures for the model.

    Records for other targets than the model's are left out and counted. Keys as
    :func:`analysis.stance.evaluate_stance`: n, accuracy, per_class, macro_f1, f_avg, floor,
    two_class, neutral_predictions, plus the rule-based figures on the same rows (``rules``).
    """
    from analysis.stance.evaluate import scores

    model = load_model(model_path)
    try:
        records, other = read_labelled(path, target=model.target.text)
    except InputError as exc:
        raise EvaluationError(str(exc)) from exc
    if not records:
        raise EvaluationError(
            f"{path}: no records for the model's target {model.target.text!r} ({other} for others)"
        )
    gold = [r["label"] for r in records]
    texts = [r["text"] for r in records]
    labels, _, rules = _predict(
        model,
        texts,
        speakers=[r.get("speaker") for r in records],
        roles=[r.get("speaker_role") for r in records],
    )
    classes = tuple(x for x in STANCE_LABELS if x in set(gold))
    result = scores(gold, labels, classes)
    majority = max(sorted(set(gold)), key=gold.count)
    floor = scores(gold, [majority] * len(gold), classes)
    result["floor"] = {
        "label": majority,
        **{k: floor[k] for k in ("macro_f1", "f_avg", "accuracy")},
    }
    result["two_class"] = "neutral" not in classes
    result["neutral_predictions"] = labels.count("neutral")
    rule = scores(gold, [r.label for r in rules], classes)
    result["rules"] = {k: rule[k] for k in ("macro_f1", "f_avg", "accuracy")}
    result |= {
        "skipped_other_target": other,
        "model": model.name,
        "file": str(path),
        "target": model.target.text,
    }
    return result
