from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis import pipeline, schema
from analysis.errors import InputError
from analysis.ingest.article import MAX_ARTICLE_BYTES
from analysis.stance import Target


@pytest.fixture(scope="module")
def sample_run() -> pipeline.Analysis:
    return pipeline.analyze(pipeline.sample_inputs(), target=pipeline.sample_target())


def test_analyze_sample_accounts_for_every_row(sample_run: pipeline.Analysis) -> None:
    comments = next(r for r in sample_run.reports if r.source.endswith(".jsonl"))
    raw_lines = (pipeline.SAMPLE_DIR / "sample_comments.jsonl").read_text().splitlines()
    assert comments.rows_read == len(raw_lines)
    assert comments.skipped_by_reason == {"empty text": 2}
    assert all(r.balanced for r in sample_run.reports)
    assert sum(r.statements for r in sample_run.reports) == len(sample_run.statements)
    assert not sample_run.failures


def test_analyze_sample_fills_every_scoring_column(sample_run: pipeline.Analysis) -> None:
    frame = sample_run.statements
    schema.validate(frame)
    for column in ("sentiment_compound", "sentiment_label", "stance_label", "stance_score"):
        assert frame[column].notna().all(), column
    assert set(frame["source_kind"]) == {"article", "comment"}
    assert {"official", "public"} <= set(frame["speaker_role"])
    assert {"favor", "against"} <= set(frame["stance_label"])


def test_analyze_sample_reads_replies_in_their_thread(sample_run: pipeline.Analysis) -> None:
    frame = sample_run.statements
    comments = frame[frame["source_kind"] == "comment"]
    assert comments["original_id"].notna().all()
    label_of = dict(zip(comments["original_id"], comments["stance_label"], strict=True))
    replies = comments[comments["parent_id"].str.startswith("t1_")]
    to_sided = replies[replies["parent_id"].str[3:].map(label_of).isin(["favor", "against"])]
    linked = to_sided["stance_evidence"].str.contains('"kind": "reply"')
    assert len(to_sided) > 10 and linked.all()


def test_analyze_records_the_run_manifest(sample_run: pipeline.Analysis) -> None:
    run = sample_run.manifest
    assert run["target"]["text"] == pipeline.sample_target().text
    assert run["sentiment"]["model"] == "vaderSentiment==3.3.2"
    assert any(name.startswith("reporting_verbs") for name in run["rules"].values())
    assert [s["source"] for s in run["sources"]] == [r.source for r in sample_run.reports]


def test_analyze_is_deterministic(sample_run: pipeline.Analysis) -> None:
    again = pipeline.analyze(pipeline.sample_inputs(), target=pipeline.sample_target())
    pd.testing.assert_frame_equal(again.statements, sample_run.statements)


def test_analyze_without_target_leaves_stance_empty() -> None:
    run = pipeline.analyze([pipeline.Pasted("“We open on Monday,” the mayor said.")], target=None)
    assert run.statements["stance_label"].isna().all()
    assert run.statements["sentiment_label"].notna().all()


def test_analyze_reports_an_unreadable_input_and_keeps_the_rest(tmp_path: Path) -> None:
    good = tmp_path / "ok.csv"
    good.write_text("text,author\nLove the plaza,ann\n", encoding="utf-8")
    run = pipeline.analyze([tmp_path / "missing.csv", good], target=Target("the plaza"))
    assert [f.source for f in run.failures] == [str(tmp_path / "missing.csv")]
    assert "missing.csv" in run.failures[0].error
    assert run.statements["text"].tolist() == ["Love the plaza"]


def test_analyze_reads_uploads_and_pasted_text() -> None:
    upload = pipeline.Upload("c.csv", b"comment,name\nGreat idea,bo\nAwful idea,cy\n")
    pasted = pipeline.Pasted("“The plaza opens in May,” said Mayor Lee.\n", source="note")
    run = pipeline.analyze([upload, pasted], target=Target("the plaza"))
    assert sorted(run.statements["source"]) == ["c.csv", "c.csv", "note"]


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_write_then_read_statements_round_trips(
    sample_run: pipeline.Analysis, tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"out{suffix}"
    side = pipeline.write_statements(sample_run.statements, path, sample_run.manifest)
    frame, run = pipeline.read_statements(path)
    pd.testing.assert_frame_equal(frame, sample_run.statements, check_exact=False, rtol=1e-12)
    assert run == json.loads(side.read_text())


def test_write_statements_refuses_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"\.xlsx"):
        pipeline.write_statements(schema.empty(), tmp_path / "out.xlsx", {})


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1252"])
def test_analyze_decodes_an_uploaded_text_article_like_a_file(encoding: str) -> None:
    text = "The café reopened.\n\n“We are thrilled to be back,” said Mayor Lee.\n"
    upload = pipeline.Upload("story.txt", text.encode(encoding, errors="replace"))
    run = pipeline.analyze([upload], target=None)
    assert run.statements["text"].tolist() == ["We are thrilled to be back"]
    assert "Lee" in run.statements.loc[0, "speaker"]


def test_analyze_reports_an_oversized_uploaded_article() -> None:
    upload = pipeline.Upload("huge.html", b"<p>" + b"x" * (MAX_ARTICLE_BYTES + 1) + b"</p>")
    run = pipeline.analyze([upload], target=None)
    assert run.failures and "cap" in run.failures[0].error


def test_load_stream_chunks_make_up_the_loaded_table(tmp_path: Path) -> None:
    inputs = [*pipeline.sample_inputs(), tmp_path / "missing.csv"]
    table, reports, failures = pipeline.load(inputs)
    stream = pipeline.load_stream(inputs, chunk_rows=40)
    chunks = list(stream.chunks)
    assert max(len(c) for c in chunks) == 40 and len(chunks) > len(table) // 40
    pd.testing.assert_frame_equal(schema.conform(pd.concat(chunks, ignore_index=True)), table)
    assert [r.to_dict() for r in stream.reports] == [r.to_dict() for r in reports]
    assert stream.failures == failures and len(failures) == 1


def test_load_stream_stops_when_an_input_fails_after_handing_on_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    comments = tmp_path / "c.csv"
    comments.write_text("id,text\n1,first\n2,second\n3,third\n", encoding="utf-8")

    def failing(path: Path, **options: object) -> tuple[object, object]:
        def chunks() -> object:
            yield schema.from_records([schema.Statement("s1", "c.csv", "comment", "first")])
            raise InputError("c.csv: the file grew past the size cap while it was read")

        return chunks(), None

    monkeypatch.setattr(pipeline, "read_comments_chunks", failing)
    stream = pipeline.load_stream([comments])
    with pytest.raises(InputError, match="size cap.*after 1 of its statements"):
        list(stream.chunks)
