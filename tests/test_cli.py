from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import cli, schema

COMMENTS = (
    "id,author,created_at,comment\n"
    "1,ann,2026-03-09T10:00:00Z,The plaza is a wonderful idea\n"
    "2,bo,2026-03-09T11:00:00Z,\n"
    '3,cy,2026-03-09T12:00:00Z,"Close the road? Terrible,\nterrible plan"\n'
)


@pytest.fixture
def comments_csv(tmp_path: Path) -> Path:
    path = tmp_path / "comments.csv"
    path.write_text(COMMENTS, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_analyze_writes_the_statement_table(
    capsys: pytest.CaptureFixture[str], comments_csv: Path, tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"out{suffix}"
    code, stdout, _ = run(
        capsys, "analyze", str(comments_csv), "--target", "the plaza", "--out", str(out)
    )
    assert code == 0
    assert "rows read 3, statements 2, skipped 1" in stdout
    assert "skipped 1: empty text" in stdout
    assert "mapping: text=comment" in stdout
    assert out.exists() and (out.parent / f"out{suffix}.manifest.json").exists()


def test_analyze_jsonl_rows_carry_every_statement_column(
    capsys: pytest.CaptureFixture[str], comments_csv: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    run(capsys, "analyze", str(comments_csv), "--target", "the plaza", "--out", str(out))
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["speaker"] for r in rows] == ["ann", "cy"]
    assert set(rows[0]) == set(schema.COLUMNS)
    assert rows[1]["text"] == "Close the road? Terrible,\nterrible plan"
    assert rows[0]["stance_label"] in schema.STANCE_LABELS


def test_analyze_text_column_override(
    capsys: pytest.CaptureFixture[str], comments_csv: Path, tmp_path: Path
) -> None:
    code, stdout, _ = run(capsys, "analyze", str(comments_csv), "--text-col", "author")
    assert code == 0
    assert "mapping: text=author" in stdout
    assert "statements 3" in stdout


@pytest.mark.parametrize(
    "argv, message",
    [
        (["analyze", "{csv}", "--text-col", "body"], "body"),
        (["analyze", "{csv}", "--out", "{tmp}/out.xlsx"], ".xlsx"),
        (["analyze", "{csv}", "--target", "  "], "--target is empty"),
        (["analyze", "{tmp}/nope.csv"], "nope.csv"),
        (["analyze", "http://127.0.0.1:9/story.html"], "127.0.0.1"),
        (["quotes", "{tmp}/nope.txt"], "nope.txt"),
        (["evaluate", "stance", "{tmp}/nope.jsonl"], "nope.jsonl"),
    ],
)
def test_cli_errors_are_one_line_with_exit_2(
    capsys: pytest.CaptureFixture[str],
    comments_csv: Path,
    tmp_path: Path,
    argv: list[str],
    message: str,
) -> None:
    args = [a.format(csv=comments_csv, tmp=tmp_path) for a in argv]
    code, _, err = run(capsys, *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert err.startswith("reaction-lens: error:")


def test_quotes_jsonl_prints_the_promised_fields(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    article = tmp_path / "story.txt"
    article.write_text(
        "The council met on Monday.\n\n"
        "“We will reopen the library by the summer, whatever it costs,” Mayor Ana Ruiz said.\n",
        encoding="utf-8",
    )
    code, stdout, _ = run(capsys, "quotes", str(article), "--format", "jsonl")
    rows = [json.loads(line) for line in stdout.splitlines()]
    assert code == 0 and len(rows) == 1
    assert set(cli.QUOTE_FIELDS) <= set(rows[0])
    text = article.read_text(encoding="utf-8")
    assert text[rows[0]["char_start"] : rows[0]["char_end"]] == rows[0]["text"]
    assert rows[0]["speaker"] == "Ana Ruiz" and rows[0]["speaker_role"] == "official"


def test_evaluate_stance_ends_with_a_json_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    records = [
        {
            "text": "I fully support the new bus lanes, great work.",
            "target": "bus lanes",
            "label": "favor",
        },
        {
            "text": "The bus lanes are a disgrace, scrap them.",
            "target": "bus lanes",
            "label": "against",
        },
        {"text": "What time does the market open?", "target": "bus lanes", "label": "neutral"},
    ]
    path = tmp_path / "stance.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    code, stdout, _ = run(capsys, "evaluate", "stance", str(path))
    summary = json.loads(stdout.splitlines()[-1])
    assert code == 0
    assert summary["n"] == 3
    assert 0.0 <= summary["macro_f1"] <= 1.0 and "f_avg" in summary


def test_console_script_is_installed(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("reaction-lens")
    result = subprocess.run([str(exe), "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    for command in ("analyze", "quotes", "evaluate", "dashboard"):
        assert command in result.stdout


def test_analyze_lexicon_override_and_thresholds_reach_scores_and_manifest(
    capsys: pytest.CaptureFixture[str], comments_csv: Path, tmp_path: Path
) -> None:
    lexicon = tmp_path / "domain.tsv"
    lexicon.write_text("# our words\nplaza\t3.0\n", encoding="utf-8")
    plain, tuned = tmp_path / "plain.jsonl", tmp_path / "tuned.jsonl"
    run(capsys, "analyze", str(comments_csv), "--out", str(plain))
    argv = ["--lexicon", str(lexicon), "--positive-threshold", "0.9", "--platform", "facebook"]
    code, _, _ = run(capsys, "analyze", str(comments_csv), *argv, "--out", str(tuned))
    before = json.loads(plain.read_text().splitlines()[0])
    after = json.loads(tuned.read_text().splitlines()[0])
    manifest = json.loads((tmp_path / "tuned.jsonl.manifest.json").read_text())
    assert code == 0
    assert after["sentiment_compound"] > before["sentiment_compound"]
    assert after["platform"] == "facebook"
    assert manifest["sentiment"]["thresholds"]["positive"] == 0.9
    assert manifest["sentiment"]["lexicon_override"]["entries"] == {"plaza": 3.0}


def test_analyze_refuses_a_lexicon_line_without_a_number(
    capsys: pytest.CaptureFixture[str], comments_csv: Path, tmp_path: Path
) -> None:
    lexicon = tmp_path / "bad.tsv"
    lexicon.write_text("plaza\tvery good\n", encoding="utf-8")
    code, _, err = run(capsys, "analyze", str(comments_csv), "--lexicon", str(lexicon))
    assert code == 2 and "line 1" in err and "very good" in err


def test_analyze_on_topic_reads_unnamed_comments_as_about_the_target(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    comments = tmp_path / "under_the_story.csv"
    comments.write_text('text\n"Love this, great work everyone!"\n', encoding="utf-8")
    labels = {}
    for flag in ([], ["--on-topic"]):
        out = tmp_path / f"out{len(flag)}.jsonl"
        run(capsys, "analyze", str(comments), "--target", "the plaza", *flag, "--out", str(out))
        labels[bool(flag)] = json.loads(out.read_text())["stance_label"]
    assert labels == {False: "neutral", True: "favor"}


def test_dashboard_command_runs_the_app_on_the_given_table(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    table = tmp_path / "out.parquet"
    table.write_bytes(b"PAR1")
    calls: list[list[str]] = []
    monkeypatch.setattr(cli.subprocess, "call", lambda command: calls.append(command) or 0)
    assert cli.main(["dashboard", str(table), "--port", "8600"]) == 0
    command = calls[0]
    assert command[1:4] == ["-m", "streamlit", "run"] and command[4] == str(cli.DASHBOARD_APP)
    assert command[command.index("--server.port") + 1] == "8600"
    assert command[-2:] == ["--", str(table.resolve())]


def test_dashboard_command_refuses_a_missing_table(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert cli.main(["dashboard", str(tmp_path / "none.parquet")]) == 2
    assert "no such statement table" in capsys.readouterr().err
