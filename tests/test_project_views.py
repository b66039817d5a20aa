"""SQL views of a project equal the in-memory aggregates on the same rows, filters included."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest import harbour_frame

from analysis import aggregate, project_views, store
from analysis.errors import InputError
from analysis.report import ImportReport
from dashboard import filters


@pytest.fixture
def project(harbour_project: tuple[Path, pd.DataFrame]) -> Iterator[store.Project]:
    with store.open_project(harbour_project[0], read_only=True, create=False) as opened:
        yield opened


FILTERS = [
    filters.Filters(),
    filters.Filters(roles=("public",)),
    filters.Filters(roles=("official", "organization"), stances=("favor",)),
    filters.Filters(sources=("harbour_article.html",)),
    filters.Filters(start=date(2026, 5, 10), end=date(2026, 5, 20)),
    filters.Filters(start=date(2026, 5, 10), end=date(2026, 5, 20), include_undated=False),
    filters.Filters(include_undated=False),
    filters.Filters(query="HARBOUR road"),
    filters.Filters(query="50%"),
    filters.Filters(query="(?i).*"),
    filters.Filters(speakers=("neighbour3",), sentiments=("negative",)),
]


def selected(rows: pd.DataFrame, chosen: filters.Filters) -> pd.DataFrame:
    return rows[filters.mask(rows, chosen)]


def as_where(chosen: filters.Filters) -> project_views.Where:
    return project_views.where(**vars(chosen))


@pytest.mark.parametrize("chosen", FILTERS)
def test_where_selects_the_rows_the_pandas_mask_selects(
    project: store.Project, harbour_project: tuple[Path, pd.DataFrame], chosen: filters.Filters
) -> None:
    expected = selected(harbour_project[1], chosen)
    w = as_where(chosen)
    assert project_views.count(project, w) == len(expected)
    assert project_views.count(project, project_views.narrow(project, w)) == len(expected)
    if chosen.query:
        assert len(expected) < len(harbour_project[1])


def test_search_hits_kept_fill_a_new_connection_without_a_scan(
    harbour_project: tuple[Path, pd.DataFrame],
) -> None:
    w = project_views.where(query="bakery", roles=["public"])
    with store.open_project(harbour_project[0], read_only=True, create=False) as first:
        expected = project_views.count(first, project_views.narrow(first, w))
        hits = project_views.search_hits(first, w)
    with store.open_project(harbour_project[0], read_only=True, create=False) as second:
        narrowed = project_views.narrow(second, w, hits=hits)
        assert project_views.count(second, narrowed) == expected > 0
    rows = harbour_project[1]
    assert len(hits) == rows["text"].str.contains("bakery", case=False).sum()


@pytest.mark.parametrize("chosen", FILTERS[:5])
@pytest.mark.parametrize("by", ["speaker_role", "speaker", "source", ["source", "speaker_role"]])
def test_summarize_equals_pandas(
    project: store.Project,
    harbour_project: tuple[Path, pd.DataFrame],
    chosen: filters.Filters,
    by: Any,
) -> None:
    rows = selected(harbour_project[1], chosen)
    expected = aggregate.summarize(rows, by)
    got = project_views.summarize(project, as_where(chosen), by)
    keys = [by] if isinstance(by, str) else by
    expected[keys] = expected[keys].astype("object")
    pd.testing.assert_frame_equal(got, expected, check_exact=False)


def test_summarize_limit_keeps_the_largest_groups(project: store.Project) -> None:
    full = project_views.summarize(project, project_views.where(), "speaker")
    top = project_views.summarize(project, project_views.where(), "speaker", limit=3)
    pd.testing.assert_frame_equal(top, full.head(3))


@pytest.mark.parametrize("chosen", FILTERS[:5])
def test_charts_inputs_equal_pandas(
    project: store.Project, harbour_project: tuple[Path, pd.DataFrame], chosen: filters.Filters
) -> None:
    rows = selected(harbour_project[1], chosen)
    w = as_where(chosen)
    pd.testing.assert_frame_equal(
        project_views.stance_share(project, w), aggregate.stance_share(rows)
    )
    pd.testing.assert_frame_equal(
        project_views.sentiment_histogram(project, w), aggregate.sentiment_histogram(rows)
    )
    pd.testing.assert_frame_equal(
        project_views.sentiment_stance_table(project, w), aggregate.sentiment_stance_table(rows)
    )
    comments = (rows["source_kind"] == "comment").to_numpy()
    for freq in ("h", "D", "7D"):
        pd.testing.assert_frame_equal(
            project_views.by_time(project, w, freq=freq),
            aggregate.by_time(rows, freq=freq),
            check_exact=False,
        )
        pd.testing.assert_frame_equal(
            project_views.by_time(project, w.also("source_kind = 'comment'"), freq=freq),
            aggregate.by_time(rows, freq=freq, where=comments),
            check_exact=False,
        )


@pytest.mark.parametrize("chosen", FILTERS[:5])
def test_breakdown_equals_its_three_tables(
    project: store.Project, harbour_project: tuple[Path, pd.DataFrame], chosen: filters.Filters
) -> None:
    rows = selected(harbour_project[1], chosen)
    got = project_views.breakdown(project, as_where(chosen))
    pd.testing.assert_frame_equal(got.histogram, aggregate.sentiment_histogram(rows))
    pd.testing.assert_frame_equal(got.share, aggregate.stance_share(rows))
    pd.testing.assert_frame_equal(got.cross, aggregate.sentiment_stance_table(rows))


def test_histogram_puts_edge_values_in_numpy_bins(tmp_path: Path) -> None:
    """Values on bin edges (0.05, -1, 1) land where np.histogram puts them."""
    values = [-1.0, -0.95, -0.05, 0.0, 0.05, 0.1, 0.5, 0.95, 1.0, 0.05000001]
    rows = harbour_frame("edges.csv", len(values)).assign(
        sentiment_compound=pd.array(values, dtype="Float64")
    )
    path = tmp_path / "edges.duckdb"
    with store.open_project(path) as project:
        rep = ImportReport(
            source="edges.csv", layout="test", rows_read=len(rows), statements=len(rows)
        )
        project.append(rows, [rep], {"target": None}, content_hashes={})
        got = project_views.sentiment_histogram(project, project_views.where())
        cube = project_views.breakdown(project, project_views.where()).histogram
    pd.testing.assert_frame_equal(got, aggregate.sentiment_histogram(rows))
    pd.testing.assert_frame_equal(cube, got)


@pytest.mark.parametrize("chosen", FILTERS[:5])
def test_gap_equals_pandas(
    project: store.Project, harbour_project: tuple[Path, pd.DataFrame], chosen: filters.Filters
) -> None:
    rows = selected(harbour_project[1], chosen)
    w = as_where(chosen)
    pd.testing.assert_frame_equal(
        project_views.official_public_gap(project, w), aggregate.official_public_gap(rows)
    )
    pd.testing.assert_frame_equal(
        project_views.gap_by_day(project, w), aggregate.gap_by_day(rows), check_exact=False
    )


@pytest.mark.parametrize("exact_limit", [5000, 10])
@pytest.mark.parametrize("chosen", FILTERS[:5])
def test_gap_from_the_breakdown_counts_equals_pandas(
    project: store.Project,
    harbour_project: tuple[Path, pd.DataFrame],
    chosen: filters.Filters,
    exact_limit: int,
) -> None:
    rows = selected(harbour_project[1], chosen)
    w = as_where(chosen)
    sides = project_views.breakdown(project, w).sides
    got = project_views.official_public_gap(project, w, sides=sides, exact_limit=exact_limit)
    expected = aggregate.official_public_gap(rows, exact_limit=exact_limit)
    pd.testing.assert_frame_equal(got, expected, check_exact=False)


def test_gap_of_a_large_group_uses_its_normal_limit_like_pandas(
    project: store.Project, harbour_project: tuple[Path, pd.DataFrame]
) -> None:
    got = project_views.official_public_gap(project, project_views.where(), exact_limit=10)
    expected = aggregate.official_public_gap(harbour_project[1], exact_limit=10)
    assert set(got["method"]) == {"bootstrap+normal"}
    pd.testing.assert_frame_equal(got, expected, check_exact=False)


def test_headline_counts(
    project: store.Project, harbour_project: tuple[Path, pd.DataFrame]
) -> None:
    rows = harbour_project[1]
    got = project_views.headline(project, project_views.where(roles=["public", "official"]))
    part = rows[rows["speaker_role"].isin(["public", "official"])]
    official = part["speaker_role"].eq("official")
    scored = part["sentiment_compound"].notna() & part["stance_score"].notna()
    assert got == project_views.Headline(
        statements=len(part),
        speakers=part["speaker"].nunique(),
        favor=int((part["stance_label"] == "favor").sum()),
        against=int((part["stance_label"] == "against").sum()),
        labelled=int(part["stance_label"].notna().sum()),
        comments=int(part["source_kind"].eq("comment").sum()),
        official=int(official.sum()),
        official_dated=int((official & part["posted_at"].notna()).sum()),
        scored=int(scored.sum()),
        span=(part["posted_at"].min(), part["posted_at"].max()),
        comment_span=(
            part.loc[part["source_kind"] == "comment", "posted_at"].min(),
            part.loc[part["source_kind"] == "comment", "posted_at"].max(),
        ),
    )
    assert 0 < got.official_dated < got.official < got.statements


def test_dominant_roles_equal_pandas(
    project: store.Project, harbour_project: tuple[Path, pd.DataFrame]
) -> None:
    expected = aggregate.dominant(harbour_project[1], by="speaker", column="speaker_role")
    got = project_views.dominant_roles(project, project_views.where(), list(expected.index))
    assert got.sort_index().to_dict() == expected.sort_index().to_dict()


@pytest.mark.parametrize(
    "sort, ascending",
    [(None, True), ("sentiment_compound", True), ("stance_score", False), ("posted_at", False)],
)
def test_page_walks_rows_in_order(
    project: store.Project,
    harbour_project: tuple[Path, pd.DataFrame],
    sort: str | None,
    ascending: bool,
) -> None:
    rows = harbour_project[1].reset_index(drop=True)
    if sort is not None:
        rows = rows.sort_values(sort, ascending=ascending, na_position="last", kind="stable")
    w = project_views.where()
    seen = [
        project_views.page(project, w, offset=o, limit=30, sort=sort, ascending=ascending)
        for o in range(0, 200, 30)
    ]
    walked = pd.concat(seen)
    assert walked["statement_id"].tolist() == rows["statement_id"].tolist()
    assert walked.index.is_unique


def test_page_with_filter_and_rows_by_seq(
    project: store.Project, harbour_project: tuple[Path, pd.DataFrame]
) -> None:
    w = project_views.where(roles=["official"])
    part = project_views.page(project, w, offset=2, limit=3)
    expected = harbour_project[1][harbour_project[1]["speaker_role"] == "official"].iloc[2:5]
    assert part["statement_id"].tolist() == expected["statement_id"].tolist()
    again = project_views.rows(project, list(part.index))
    assert again["statement_id"].tolist() == part["statement_id"].tolist()


def test_sample_is_stable_and_bounded(project: store.Project) -> None:
    w = project_views.where(roles=["public"])
    first = project_views.sample(project, w, 25)
    assert len(first) == 25 and first.index.is_monotonic_increasing
    assert set(first["speaker_role"]) == {"public"}
    pd.testing.assert_frame_equal(first, project_views.sample(project, w, 25))


def test_batches_stream_every_matching_row(
    project: store.Project, harbour_project: tuple[Path, pd.DataFrame]
) -> None:
    w = project_views.where(sources=["harbour_comments.csv"])
    parts = list(project_views.batches(project, w, size=50))
    assert [len(p) for p in parts] == [50, 50, 40]
    assert (
        pd.concat(parts)["statement_id"].tolist()
        == harbour_project[1]["statement_id"].iloc[:140].tolist()
    )


def test_choices_and_bounds(
    project: store.Project, harbour_project: tuple[Path, pd.DataFrame]
) -> None:
    rows = harbour_project[1]
    got, expected = project_views.choices(project), filters.options(rows)
    assert set(got.pop("speakers")) == set(expected.pop("speakers"))  # ties in any order
    assert got == expected
    assert project_views.date_bounds(project) == filters.date_bounds(rows)


def test_skipped_reasons_counted_per_source(project: store.Project) -> None:
    got = project_views.skipped_reasons(project)
    assert got.to_dict("records") == [
        {"source": "harbour_article.html", "reason": "empty text", "rows": 2},
        {"source": "harbour_comments.csv", "reason": "empty text", "rows": 2},
    ]


@pytest.mark.parametrize(
    "call",
    [
        lambda p, w: project_views.summarize(p, w, "text"),
        lambda p, w: project_views.page(p, w, offset=0, limit=5, sort="text"),
        lambda p, w: project_views.page(p, w, offset=-1, limit=5),
        lambda p, w: project_views.sample(p, w, 5, columns=["nope"]),
    ],
)
def test_bad_requests_name_what_is_valid(project: store.Project, call: Any) -> None:
    with pytest.raises(InputError, match="valid|must be|unknown"):
        call(project, project_views.where())


def test_user_text_is_a_parameter_not_sql(project: store.Project) -> None:
    hostile = "x') OR 1=1 --"
    assert project_views.count(project, project_views.where(speakers=[hostile], query=hostile)) == 0
    assert np.isfinite(project_views.count(project, project_views.where()))
