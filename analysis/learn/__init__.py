"""Learning from the analyst: corrections, agreement with them, and a per-target stance model.

``apply_corrections`` attaches the analyst's labels to a scored table; ``agreement_report``
says how often the automatic labels were right; ``train_stance`` fits a stance classifier for
one target from labelled statements and ``add_model_stance`` scores a table with it, keeping
the rule evidence beside the model's probabilities.
"""

from __future__ import annotations

from analysis.learn.agreement import (
    agreement,
    agreement_by,
    agreement_report,
    cohen_kappa,
    confusion,
    evaluate_against_corrections,
    misleading_evidence,
)
from analysis.learn.corrections import (
    Correction,
    add_corrections,
    apply_corrections,
    corrected_mask,
    corrections_path,
    labelled_statements,
    load_corrections,
    make_correction,
    merge_corrections,
    read_corrections,
    save_corrections,
)
from analysis.learn.model import (
    TrainedModel,
    add_model_stance,
    evaluate_with_model,
    load_model,
    predict_stance,
    read_labelled,
    save_model,
    train_from_file,
    train_stance,
)

__all__ = [
    "Correction",
    "TrainedModel",
    "add_corrections",
    "add_model_stance",
    "agreement",
    "agreement_by",
    "agreement_report",
    "apply_corrections",
    "cohen_kappa",
    "confusion",
    "corrected_mask",
    "corrections_path",
    "evaluate_against_corrections",
    "evaluate_with_model",
    "labelled_statements",
    "load_corrections",
    "load_model",
    "make_correction",
    "merge_corrections",
    "misleading_evidence",
    "predict_stance",
    "read_corrections",
    "read_labelled",
    "save_corrections",
    "save_model",
    "train_from_file",
    "train_stance",
]
