"""Keep every ``__all__`` honest: each listed name exists, and no public name is left out."""

from __future__ import annotations

import importlib
import inspect

import pytest

PACKAGES = [
    "analysis",
    "analysis.ingest",
    "analysis.quotes",
    "analysis.sentiment",
    "analysis.stance",
    "analysis.learn",
]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_lists_existing_names_once(name: str) -> None:
    module = importlib.import_module(name)
    exported = list(module.__all__)
    assert len(exported) == len(set(exported))
    missing = [n for n in exported if not hasattr(module, n)]
    assert missing == []


@pytest.mark.parametrize("name", PACKAGES)
def test_all_includes_every_public_name_imported_into_the_package(name: str) -> None:
    module = importlib.import_module(name)
    public = {
        n
        for n, value in vars(module).items()
        if not n.startswith("_")
        and not inspect.ismodule(value)
        and getattr(value, "__module__", name).startswith("analysis")
        and n != "annotations"
    }
    assert public - set(module.__all__) == set()
