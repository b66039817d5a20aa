"""Articles from text, HTML, files and URLs; and telling articles from comment exports."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.errors import InputError, UnsafeURLError
from analysis.ingest import (
    Article,
    FetchedPage,
    article_from_html,
    article_from_text,
    input_kind,
    load_article,
)

PAGE = """<!doctype html><html><head><title>Harbour bridge approved | Coast Gazette</title>
<meta property="article:published_time" content="2024-03-05T08:30:00+01:00">
</head><body><nav><a href="/">Home</a> <a href="/sport">Sport</a></nav>
<article><h1>Harbour bridge approved</h1>
<p>The town council approved the harbour bridge on Tuesday after a four-hour session that
ran late into the evening and drew a full public gallery.</p>
<p>"This is the best day for the harbour in a generation," said Mayor Ines Vela, who had
campaigned on the project since her first term in office.</p>
<p>Opponents said the cost had doubled since the plan was first presented to residents.</p>
</article><footer>Subscribe to our newsletter. Cookie settings.</footer></body></html>"""


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("One.\r\nTwo.\rThree.", "One.\nTwo.\nThree."),
        ("  Indented “quote” stays.\n\n\tTab too.  ", "  Indented “quote” stays.\n\n\tTab too.  "),
    ],
)
def test_article_from_text_only_normalises_newlines(raw: str, expected: str) -> None:
    article = article_from_text(raw)
    assert article.text == expected and article.source == "pasted text" and article.layout == "text"


@pytest.mark.parametrize("raw", ["", "  \n\t "])
def test_article_from_text_empty_is_input_error(raw: str) -> None:
    with pytest.raises(InputError, match="empty"):
        article_from_text(raw, source="box")


def test_article_from_html_main_text_paragraphs_title_date() -> None:
    article = article_from_html(PAGE, source="gazette.html")
    assert article.layout == "html" and article.title == "Harbour bridge approved"
    paragraphs = article.text.split("\n\n")
    assert any(p.startswith('"This is the best day') for p in paragraphs)
    assert "Subscribe" not in article.text and "Sport" not in article.text
    assert "\n\n" in article.text and "\n\n\n" not in article.text
    assert isinstance(article.published_at, pd.Timestamp)
    assert article.published_at.date().isoformat() == "2024-03-05"


def test_article_from_html_without_text_is_input_error() -> None:
    with pytest.raises(InputError, match="no article text"):
        article_from_html(
            "<html><body><script>var x = 1;</script></body></html>", source="empty.html"
        )


def test_load_article_files(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes("Caf\xe9 owners said \x93no\x94.\r\n".encode("latin-1"))
    (tmp_path / "c.md").write_text("# Title\n\nBody text.\n", encoding="utf-8")
    assert load_article(tmp_path / "a.html").layout == "html"
    assert load_article(tmp_path / "b.txt").text == "Café owners said “no”.\n"
    md = load_article(str(tmp_path / "c.md"))
    assert md == Article(source=str(tmp_path / "c.md"), text="# Title\n\nBody text.\n")
    with pytest.raises(InputError, match="no such file"):
        load_article(tmp_path / "missing.txt")


def test_load_article_url_uses_fetch_and_final_url() -> None:
    seen = []

    def fetch(url: str) -> FetchedPage:
        seen.append(url)
        return FetchedPage(
            url, "https://gazette.example/final", "text/html", PAGE.encode(), "utf-8"
        )

    article = load_article("https://gazette.example/story", fetch=fetch)
    assert seen == ["https://gazette.example/story"]
    assert (
        article.source == "https://gazette.example/final"
        and article.title == "Harbour bridge approved"
    )
    plain = load_article(
        "http://gazette.example/t.txt",
        fetch=lambda u: FetchedPage(u, u, "text/plain", b"Plain\r\nstory", None),
    )
    assert plain.text == "Plain\nstory"


def test_load_article_private_url_refused_by_default() -> None:
    with pytest.raises(UnsafeURLError, match="loopback"):
        load_article("http://127.0.0.1:9/")


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("story.txt", "The council met on Tuesday.", "article"),
        ("story.html", "<html><body><p>x</p></body></html>", "article"),
        ("c.csv", "author,text\na,b\n", "comments"),
        ("c.jsonl", '{"body": "x"}\n', "comments"),
        ("mislabelled.txt", json.dumps([{"text": "x"}]), "comments"),
        ("mislabelled.txt", "author,comment\na,b\n", "comments"),
        ("page.csv", "<!DOCTYPE html><html><body>story</body></html>", "article"),
        ("notes", "Just some article prose, with a comma.", "article"),
    ],
)
def test_input_kind_sniffs_files(tmp_path: Path, name: str, content: str, expected: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert input_kind(str(path)) == expected


@pytest.mark.parametrize(
    "source, expected",
    [
        ("https://news.example/a.csv", "article"),
        ("http://news.example/story", "article"),
        ("missing/export.jsonl", "comments"),
        ("missing/export.xlsx", "comments"),
        ("missing/story.md", "article"),
    ],
)
def test_input_kind_without_file(source: str, expected: str) -> None:
    assert input_kind(source) == expected
