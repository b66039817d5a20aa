"""Comment importers: every layout, format and bad input, with the row accounting checked."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from analysis import schema
from analysis.errors import InputError
from analysis.ingest import ColumnMapping, read_comments, read_comments_bytes

HEADER = "id,author,comment,date\n"
ROWS = (
    '1,maria_k,"The new bridge will finally cut my commute, thank you council",2024-03-05T09:15:00Z\n'
    '2,tom.b,"Another waste of money. Who asked for this?",2024-03-05T10:02:00+01:00\n'
    "3,ana,,2024-03-05T11:00:00Z\n"
)


def _balanced(frame: pd.DataFrame, report) -> None:  # type: ignore[no-untyped-def]
    assert report.balanced
    assert len(frame) == report.statements
    assert report.rows_read == report.statements + len(report.skipped)
    schema.validate(frame)


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# --------------------------------------------------------------------------- flat tables


def test_read_comments_flat_csv_fills_statement_fields(tmp_path: Path) -> None:
    frame, report = read_comments(_write(tmp_path, "reactions.csv", HEADER + ROWS))
    _balanced(frame, report)
    assert report.layout == "flat table csv"
    assert report.mapping["text"] == "comment" and report.mapping["speaker"] == "author"
    assert report.skipped_by_reason == {"empty text": 1}
    assert report.skipped[0].row == 4  # spreadsheet row: header is row 1
    assert list(frame["speaker"]) == ["maria_k", "tom.b"]
    assert set(frame["source"]) == {"reactions.csv"} and set(frame["source_kind"]) == {"comment"}
    assert set(frame["speaker_role"]) == {"public"}
    assert json.loads(frame["role_evidence"].iloc[0])["rule"] == "comment author"
    assert frame["posted_at"].iloc[1] == pd.Timestamp("2024-03-05T09:02:00Z")
    assert frame["platform"].isna().all()
    assert frame["statement_id"].iloc[0] == schema.statement_id(
        "reactions.csv", "1", frame["text"].iloc[0]
    )


@pytest.mark.parametrize(
    "column",
    [
        "text",
        "Comment",
        "BODY",
        "message",
        "content",
        "full_text",
        "comment_text",
        "Comment Text",
        "textDisplay",
    ],
)
def test_read_comments_detects_text_column_names(column: str) -> None:
    data = f"user,{column}\nlea,Roads are safer now\nmo,I doubt it\n".encode()
    frame, report = read_comments_bytes(data, "export.csv")
    _balanced(frame, report)
    assert report.mapping["text"] == column
    assert list(frame["text"]) == ["Roads are safer now", "I doubt it"]


def test_read_comments_prefers_longest_text_column_when_ambiguous() -> None:
    data = (
        b"title,body,user\n"
        b"Bridge,The bridge vote was rushed and nobody read the budget,kai\n"
        b"Vote,Finally some action on the crossing after ten years,rin\n"
    )
    frame, report = read_comments_bytes(data, "forum.csv")
    assert report.mapping["text"] == "body"
    assert frame["text"].iloc[0].startswith("The bridge vote")


def test_read_comments_keeps_embedded_newlines_and_numbers() -> None:
    data = b'author,text\nzoe,"First line\nsecond line"\nnum,12345\nblank,"   "\n'
    frame, report = read_comments_bytes(data, "c.csv")
    _balanced(frame, report)
    assert list(frame["text"]) == ["First line\nsecond line", "12345"]
    assert report.skipped_by_reason == {"empty text": 1}


def test_read_comments_tsv_and_semicolon() -> None:
    tsv = b"author\ttext\nuli\tGood call, mayor\n"
    frame, report = read_comments_bytes(tsv, "c.tsv")
    assert report.layout == "flat table tsv" and frame["text"].iloc[0] == "Good call, mayor"
    semi = b"author;text\nuli;Good call, mayor\n"
    frame, report = read_comments_bytes(semi, "c.csv")
    assert frame["text"].iloc[0] == "Good call, mayor" and frame["speaker"].iloc[0] == "uli"


def test_read_comments_ragged_rows_are_counted_skips() -> None:
    data = b"author,text\nann,fine by me\nbob,too,many,fields\ncy,agreed\n"
    frame, report = read_comments_bytes(data, "ragged.csv")
    _balanced(frame, report)
    assert list(frame["text"]) == ["fine by me", "agreed"]
    assert report.skipped_by_reason == {"malformed row": 1}


def test_read_comments_nested_parquet_detects_graphql_tweets(tmp_path: Path) -> None:
    tweets = pd.DataFrame(
        [
            {
                "rest_id": "1",
                "legacy": {
                    "full_text": "Parquet tweet",
                    "created_at": "Wed Oct 10 20:19:24 +0000 2018",
                },
                "core": {"user_results": {"result": {"legacy": {"screen_name": "pq"}}}},
            },
        ]
    )
    path = tmp_path / "tweets.parquet"
    tweets.to_parquet(path)
    frame, report = read_comments(path)
    _balanced(frame, report)
    assert report.layout == "x-twitter graphql parquet"
    assert list(frame["speaker"]) == ["pq"] and list(frame["text"]) == ["Parquet tweet"]


def test_read_comments_xlsx_and_parquet(tmp_path: Path) -> None:
    table = pd.DataFrame(
        {
            "Name": ["Ivo", "Jun"],
            "Comment": ["Loved the article", "Biased reporting"],
            "Likes": [3, 0],
        }
    )
    buffer = io.BytesIO()
    table.to_excel(buffer, index=False)
    frame, report = read_comments_bytes(buffer.getvalue(), "fb.xlsx")
    _balanced(frame, report)
    assert report.layout.endswith("xlsx") and list(frame["text"]) == list(table["Comment"])
    path = tmp_path / "c.parquet"
    table.to_parquet(path)
    frame, report = read_comments(path)
    assert report.layout.endswith("parquet") and list(frame["speaker"]) == ["Ivo", "Jun"]


# --------------------------------------------------------------------------- platform layouts


def test_read_comments_x_api_v2_maps_author_ids_to_usernames() -> None:
    doc = {
        "data": [
            {
                "id": "101",
                "text": "This bridge plan is overdue",
                "author_id": "9",
                "created_at": "2024-03-05T09:00:00.000Z",
                "edit_history_tweet_ids": ["101"],
                "conversation_id": "100",
            },
            {
                "id": "102",
                "text": "@city_hall Who pays for it?",
                "author_id": "8",
                "created_at": "2024-03-05T09:05:00.000Z",
                "edit_history_tweet_ids": ["102"],
                "conversation_id": "100",
                "referenced_tweets": [
                    {"type": "quoted", "id": "7"},
                    {"type": "replied_to", "id": "101"},
                ],
            },
        ],
        "includes": {
            "users": [{"id": "9", "username": "ferry_fan"}, {"id": "8", "username": "taxpayer"}]
        },
    }
    frame, report = read_comments_bytes(json.dumps(doc).encode(), "search.json")
    _balanced(frame, report)
    assert report.layout == "x-twitter api v2 json"
    assert list(frame["speaker"]) == ["ferry_fan", "taxpayer"]
    assert set(frame["platform"]) == {"x"}
    assert list(frame["parent_id"].fillna("-")) == ["-", "101"]
    assert frame["posted_at"].iloc[1] == pd.Timestamp("2024-03-05T09:05:00Z")


def _graphql_tweet(rest_id: str, text: str, user: str, reply_to: str | None = None) -> dict:  # type: ignore[type-arg]
    legacy = {"full_text": text, "created_at": "Wed Oct 10 20:19:24 +0000 2018", "id_str": rest_id}
    if reply_to:
        legacy["in_reply_to_status_id_str"] = reply_to
    return {
        "__typename": "Tweet",
        "rest_id": rest_id,
        "core": {"user_results": {"result": {"legacy": {"screen_name": user}}}},
        "legacy": legacy,
    }


def test_read_comments_x_graphql_response_finds_nested_tweets() -> None:
    entry = lambda t: {"content": {"itemContent": {"tweet_results": {"result": t}}}}  # noqa: E731
    doc = {
        "data": {
            "threaded_conversation_with_injections_v2": {
                "instructions": [
                    {
                        "entries": [
                            entry(_graphql_tweet("1", "Council got this one right", "civic_sam")),
                            entry(
                                {
                                    "__typename": "TweetWithVisibilityResults",
                                    "tweet": _graphql_tweet(
                                        "2", "No it did not", "grumpy_gus", reply_to="1"
                                    ),
                                }
                            ),
                        ]
                    }
                ]
            }
        }
    }
    frame, report = read_comments_bytes(json.dumps(doc).encode(), "thread.json")
    _balanced(frame, report)
    assert report.layout == "x-twitter graphql json"
    assert list(frame["speaker"]) == ["civic_sam", "grumpy_gus"]
    assert list(frame["parent_id"].fillna("-")) == ["-", "1"]
    assert frame["posted_at"].iloc[0] == pd.Timestamp("2018-10-10T20:19:24Z")


def test_read_comments_zeeschuimer_ndjson_unwraps_data() -> None:
    lines = [
        json.dumps(
            {
                "item_id": str(i),
                "source_platform": "twitter.com",
                "timestamp_collected": 1,
                "data": _graphql_tweet(str(i), f"Reply number {i} about the ferry", f"user{i}"),
            }
        )
        for i in range(3)
    ]
    frame, report = read_comments_bytes("\n".join(lines).encode(), "capture.ndjson")
    _balanced(frame, report)
    assert report.layout == "x-twitter zeeschuimer jsonl"
    assert list(frame["speaker"]) == ["user0", "user1", "user2"]


def test_read_comments_reddit_jsonl_comments_submissions_and_bad_lines() -> None:
    lines = [
        json.dumps(
            {
                "id": "s1",
                "title": "Bridge approved",
                "selftext": "Thoughts?",
                "author": "mod_amy",
                "created_utc": 1709629200,
                "subreddit": "ourtown",
            }
        ),
        json.dumps(
            {
                "id": "c1",
                "body": "About time!",
                "author": "rob",
                "created_utc": "1709629260",
                "parent_id": "t3_s1",
                "link_id": "t3_s1",
                "subreddit": "ourtown",
            }
        ),
        '{"id": "c2", "body": "truncated',
        "[1, 2]",
        "",
        json.dumps(
            {
                "id": "c3",
                "body": "",
                "author": "[deleted]",
                "created_utc": 1709629300,
                "parent_id": "t1_c1",
                "subreddit": "ourtown",
            }
        ),
        json.dumps({"id": "c4", "author": "x", "created_utc": 1709629300, "subreddit": "ourtown"}),
        json.dumps(
            {"id": "c5", "body": "[removed]", "author": "[deleted]", "subreddit": "ourtown"}
        ),
        json.dumps(
            {"id": "c6", "body": "Still here", "author": "[deleted]", "subreddit": "ourtown"}
        ),
        json.dumps(
            {"id": "s2", "title": "Ferry?", "selftext": "[removed]", "subreddit": "ourtown"}
        ),
    ]
    frame, report = read_comments_bytes("\n".join(lines).encode(), "RC_ourtown.jsonl")
    _balanced(frame, report)
    assert report.layout == "reddit pushshift jsonl"
    texts = ["Bridge approved\n\nThoughts?", "About time!", "Still here", "Ferry?"]
    assert list(frame["text"]) == texts
    assert list(frame["parent_id"].fillna("-")) == ["-", "t3_s1", "-", "-"]
    assert list(frame["speaker"].fillna("-")) == ["mod_amy", "rob", "-", "-"]
    assert set(frame["platform"]) == {"reddit"}
    assert frame["posted_at"].iloc[0] == pd.Timestamp(1709629200, unit="s", tz="UTC")
    assert report.rows_read == 9
    assert report.skipped_by_reason == {
        "malformed JSON": 1,
        "not an object": 1,
        "empty text": 1,
        "no text column": 1,
        "deleted or removed": 1,
    }
    assert [s.row for s in report.skipped if s.reason == "malformed JSON"] == [3]


def test_read_comments_youtube_data_api_threads() -> None:
    def thread(cid: str, text: str, author: str) -> dict:  # type: ignore[type-arg]
        snippet = {
            "textDisplay": text.replace("&", "&amp;"),
            "textOriginal": text,
            "authorDisplayName": author,
            "publishedAt": "2024-03-06T12:00:00Z",
        }
        return {
            "kind": "youtube#commentThread",
            "id": cid,
            "snippet": {"videoId": "v", "topLevelComment": {"id": cid, "snippet": snippet}},
        }

    doc = {
        "kind": "youtube#commentThreadListResponse",
        "items": [
            thread("a", "Great reporting & clear facts", "@lena"),
            thread("b", "Clickbait", "@omar"),
        ],
    }
    reply = {
        "id": "a.r1",
        "snippet": {
            "textOriginal": "Agreed, well sourced",
            "parentId": "a",
            "authorDisplayName": "@pia",
            "publishedAt": "2024-03-06T13:00:00Z",
        },
    }
    doc["items"][0]["replies"] = {"comments": [reply]}  # type: ignore[index]
    frame, report = read_comments_bytes(json.dumps(doc).encode(), "yt.json")
    _balanced(frame, report)
    assert report.layout == "youtube data api json"
    assert list(frame["text"]) == [
        "Great reporting & clear facts",
        "Agreed, well sourced",
        "Clickbait",
    ]
    assert list(frame["speaker"]) == ["@lena", "@pia", "@omar"]
    assert set(frame["platform"]) == {"youtube"}
    assert list(frame["parent_id"].fillna("-")) == ["-", "a", "-"]


@pytest.mark.parametrize(
    "display, expected",
    [
        ("Great &amp; clear<br>Second line", "Great & clear\nSecond line"),
        (
            'See <a href="https://www.youtube.com/watch?v=x&amp;t=42">0:42</a> &quot;ok&quot;',
            'See 0:42 "ok"',
        ),
        ("Plain words", "Plain words"),
    ],
)
def test_read_comments_youtube_text_display_html_becomes_text(display: str, expected: str) -> None:
    item = {"id": "z", "snippet": {"textDisplay": display, "authorDisplayName": "@v"}}
    frame, _ = read_comments_bytes(json.dumps({"items": [item]}).encode(), "yt.json")
    assert frame["text"].iloc[0] == expected


def test_read_comments_youtube_comment_downloader_reply_parent() -> None:
    lines = [
        {
            "cid": "Ugx1",
            "text": "Who funded this?",
            "time": "2 days ago",
            "author": "@q",
            "votes": "3",
            "reply": False,
            "time_parsed": 1709700000.5,
        },
        {
            "cid": "Ugx1.9zz",
            "text": "The state did",
            "time": "1 day ago",
            "author": "@a",
            "votes": "0",
            "reply": True,
            "time_parsed": 1709786400.0,
        },
    ]
    data = "\n".join(json.dumps(x) for x in lines).encode()
    frame, report = read_comments_bytes(data, "yt.jsonl")
    _balanced(frame, report)
    assert report.layout == "youtube-comment-downloader jsonl"
    assert list(frame["parent_id"].fillna("-")) == ["-", "Ugx1"]
    assert frame["posted_at"].iloc[1] == pd.Timestamp(1709786400, unit="s", tz="UTC")


def test_read_comments_x_account_archive_tweets_js() -> None:
    tweets = [
        {
            "tweet": {
                "id_str": "55",
                "full_text": "My own post about the vote",
                "created_at": "Tue Mar 05 11:00:00 +0000 2024",
            }
        }
    ]
    data = ("window.YTD.tweets.part0 = " + json.dumps(tweets)).encode()
    frame, report = read_comments_bytes(data, "tweets.js")
    _balanced(frame, report)
    assert list(frame["text"]) == ["My own post about the vote"]
    assert frame["posted_at"].iloc[0] == pd.Timestamp("2024-03-05T11:00:00Z")


def test_read_comments_facebook_csv() -> None:
    data = (
        b"Comment ID,Parent Comment ID,Name,Comment,Date,Reactions\n"
        b"c1,,Hana Ito,So proud of our town today,2024-03-05 18:20:00,4\n"
        b'c2,c1,Leo Park,"Proud? The budget doubled, Hana.",2024-03-05 18:41:00,1\n'
    )
    frame, report = read_comments_bytes(data, "page_comments.csv")
    _balanced(frame, report)
    assert report.layout == "facebook comments csv"
    assert list(frame["speaker"]) == ["Hana Ito", "Leo Park"]
    assert list(frame["parent_id"].fillna("-")) == ["-", "c1"]
    assert set(frame["platform"]) == {"facebook"}
    assert any("no time zone" in n for n in report.notes)


def test_read_comments_facebook_csv_with_created_at_times() -> None:
    data = (
        b"comment_id,author,created_at,comment,parent_comment_id\n"
        b"k1,rider_3,2026-11-02T07:15:00Z,The 14 was late again,\n"
        b"k2,rider_9,2026-11-02T07:40:00Z,Same on the 22,k1\n"
    )
    frame, report = read_comments_bytes(data, "export.csv")
    _balanced(frame, report)
    assert report.layout == "facebook comments csv" and report.mapping["posted_at"] == "created_at"
    assert list(frame["posted_at"]) == [
        pd.Timestamp("2026-11-02T07:15:00Z"),
        pd.Timestamp("2026-11-02T07:40:00Z"),
    ]


def test_read_comments_platform_column_and_override() -> None:
    data = b"platform,text\nTwitter,one\nreddit.com,two\n,three\n"
    frame, _ = read_comments_bytes(data, "mixed.csv")
    assert list(frame["platform"].fillna("-")) == ["x", "reddit", "-"]
    frame, report = read_comments_bytes(data, "mixed.csv", platform="YouTube")
    assert set(frame["platform"]) == {"youtube"}
    assert report.mapping["platform"] == "given: youtube"


# --------------------------------------------------------------------------- JSON shapes


@pytest.mark.parametrize(
    "doc",
    [
        [{"text": "alpha comment"}, {"text": "beta comment"}],
        {"comments": [{"text": "alpha comment"}, {"text": "beta comment"}]},
        {
            "data": {
                "children": [
                    {"kind": "t1", "data": {"body": "alpha comment", "subreddit": "s"}},
                    {"kind": "t1", "data": {"body": "beta comment", "subreddit": "s"}},
                ]
            }
        },
    ],
)
def test_read_comments_json_containers(doc: object) -> None:
    frame, report = read_comments_bytes(json.dumps(doc).encode(), "c.json")
    _balanced(frame, report)
    assert list(frame["text"]) == ["alpha comment", "beta comment"]


def test_read_comments_json_finds_nested_record_list() -> None:
    doc = {"meta": {"count": 2}, "response": {"page": 1, "posts": [{"text": "a1"}, {"text": "b2"}]}}
    frame, report = read_comments_bytes(json.dumps(doc).encode(), "api.json")
    assert (
        list(frame["text"]) == ["a1", "b2"] and "records read from response.posts" in report.notes
    )


def test_read_comments_json_single_object_is_one_record() -> None:
    doc = {"text": "Just one comment", "entities": {"tags": [{"t": "x"}, {"t": "y"}]}}
    frame, report = read_comments_bytes(json.dumps(doc).encode(), "one.json")
    assert list(frame["text"]) == ["Just one comment"] and report.rows_read == 1


def test_read_comments_json_array_non_objects_are_skips() -> None:
    frame, report = read_comments_bytes(b'[{"text": "ok"}, 3, "str", null]', "c.json")
    _balanced(frame, report)
    assert report.skipped_by_reason == {"not an object": 3}


# --------------------------------------------------------------------------- mapping


def test_read_comments_mapping_overrides_detection() -> None:
    data = b"note,remark,who\nshort,The longer remark is the real comment,ed\n"
    frame, report = read_comments_bytes(
        data, "c.csv", mapping=ColumnMapping(text="note", author="who")
    )
    assert list(frame["text"]) == ["short"] and list(frame["speaker"]) == ["ed"]
    assert report.mapping["text"] == "note"


def test_read_comments_mapping_dotted_path_in_json() -> None:
    lines = [json.dumps({"payload": {"msg": "nested words"}, "by": {"handle": "kim"}})]
    frame, report = read_comments_bytes(
        "\n".join(lines).encode(),
        "c.jsonl",
        mapping=ColumnMapping(text="payload.msg", author="by.handle"),
    )
    assert list(frame["text"]) == ["nested words"] and list(frame["speaker"]) == ["kim"]


def test_read_comments_mapping_unknown_column_lists_available() -> None:
    with pytest.raises(InputError, match=r"'missing' does not exist.*'author'.*'text'"):
        read_comments_bytes(b"author,text\na,b\n", "c.csv", mapping=ColumnMapping(text="missing"))


# --------------------------------------------------------------------------- encodings and bad files


@pytest.mark.parametrize(
    "encoding, note",
    [("utf-8", None), ("utf-8-sig", None), ("utf-16", "UTF-16"), ("cp1252", "cp1252")],
)
def test_read_comments_encodings(encoding: str, note: str | None) -> None:
    text = "author,text\nRenée,“Café prices” are up – again\n"
    frame, report = read_comments_bytes(text.encode(encoding), "c.csv")
    assert frame["text"].iloc[0] == "“Café prices” are up – again"
    assert frame["speaker"].iloc[0] == "Renée"
    assert (note is None and not report.notes) or any(note in n for n in report.notes if note)


@pytest.mark.parametrize("data", [b"", b"   \n\n"])
def test_read_comments_empty_file_is_input_error(data: bytes) -> None:
    with pytest.raises(InputError, match="empty.csv: is empty"):
        read_comments_bytes(data, "empty.csv")


def test_read_comments_header_only_is_zero_rows() -> None:
    frame, report = read_comments_bytes(b"author,text\n", "c.csv")
    assert len(frame) == 0 and report.rows_read == 0 and report.balanced


def test_read_comments_extension_lies_are_sniffed() -> None:
    frame, report = read_comments_bytes(b'[{"text": "json in disguise"}]', "c.csv")
    assert list(frame["text"]) == ["json in disguise"] and "content is JSON" in report.notes[0]
    frame, report = read_comments_bytes(b"author,text\na,plain text table\n", "c.xlsx")
    assert list(frame["text"]) == ["plain text table"] and "not a XLSX file" in report.notes[0]


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"<!doctype html><html><body>hi</body></html>", "c.json", "HTML/XML page"),
        (b"\xd0\xcf\x11\xe0rest", "c.xls", "legacy .xls"),
        (b"PK\x03\x04garbage", "c.xlsx", "not a readable XLSX"),
        (b"PAR1garbage", "c.parquet", "not a readable Parquet"),
        (b'{"text": "unclosed', "c.json", "not valid JSON"),
        (b"score,likes\n1,2\n", "c.csv", r"no text column.*'score', 'likes'"),
        (b"\x00\x00\x00\x01\x02\x03\x00\x00" * 4, "c.csv", "binary"),
    ],
)
def test_read_comments_bad_files_raise_clear_errors(data: bytes, name: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_comments_bytes(data, name)


def test_read_comments_size_cap(tmp_path: Path) -> None:
    path = _write(tmp_path, "big.csv", HEADER + ROWS)
    with pytest.raises(InputError, match="larger than the limit of 10 bytes"):
        read_comments(path, max_bytes=10)
    bomb = gzip.compress(b"author,text\n" + b"a,b\n" * 1000)
    with pytest.raises(InputError, match="decompresses to more than"):
        read_comments_bytes(bomb, "c.csv.gz", max_bytes=len(bomb) + 10)


def test_read_comments_gzip_and_missing_file(tmp_path: Path) -> None:
    frame, report = read_comments_bytes(gzip.compress((HEADER + ROWS).encode()), "c.csv.gz")
    assert len(frame) == 2 and "decompressed gzip" in report.notes
    with pytest.raises(InputError, match="no such file"):
        read_comments(tmp_path / "nope.csv")


def test_read_comments_duplicate_ids_kept_with_unique_statement_ids() -> None:
    data = b"id,text\n7,same words\n7,same words\n8,other\n"
    frame, report = read_comments_bytes(data, "dup.csv")
    assert len(frame) == 3 and frame["statement_id"].is_unique
    assert any("repeat an id" in n for n in report.notes)


def test_read_comments_unparseable_time_is_na_with_note() -> None:
    data = b"text,date\nfirst,2024-03-05T10:00:00Z\nsecond,last tuesday-ish\n"
    frame, report = read_comments_bytes(data, "t.csv")
    assert len(frame) == 2 and frame["posted_at"].isna().tolist() == [False, True]
    assert any("1 posting times could not be read" in n for n in report.notes)


@pytest.mark.parametrize(
    "name, data, layout, speakers, parents",
    [
        (
            "v11.json",
            [
                {
                    "id_str": "9",
                    "full_text": "Bridge news is great",
                    "user": {"screen_name": "ann"},
                    "created_at": "Tue Mar 05 11:00:00 +0000 2024",
                },
                {
                    "id_str": "10",
                    "full_text": "@ann not for me",
                    "user": {"screen_name": "ben"},
                    "created_at": "Tue Mar 05 11:05:00 +0000 2024",
                    "in_reply_to_status_id_str": "9",
                },
            ],
            "x-twitter v1.1 json",
            ["ann", "ben"],
            ["-", "9"],
        ),
        (
            "graph.json",
            {
                "data": [
                    {
                        "id": "1_2",
                        "message": "Proud of this town",
                        "from": {"name": "Cleo Ruiz", "id": "7"},
                        "created_time": "2024-03-05T18:20:00+0000",
                    },
                    {
                        "id": "1_3",
                        "message": "Me too",
                        "from": {"name": "Dev Roy", "id": "8"},
                        "created_time": "2024-03-05T18:25:00+0000",
                        "parent": {"id": "1_2"},
                    },
                ]
            },
            "facebook graph api json",
            ["Cleo Ruiz", "Dev Roy"],
            ["-", "1_2"],
        ),
    ],
)
def test_read_comments_more_json_layouts(
    name: str, data: object, layout: str, speakers: list[str], parents: list[str]
) -> None:
    frame, report = read_comments_bytes(json.dumps(data).encode(), name)
    _balanced(frame, report)
    assert report.layout == layout
    assert list(frame["speaker"]) == speakers
    assert list(frame["parent_id"].fillna("-")) == parents
    assert frame["posted_at"].notna().all()


def test_read_comments_x_table_csv() -> None:
    data = (
        b"Tweet ID,Username,Tweet Text,Created At,In Reply To\n"
        b"11,@ria,The vote was fair,2024-03-05T09:00:00Z,\n"
        b"12,@sol,It really was not,2024-03-05T09:10:00Z,11\n"
    )
    frame, report = read_comments_bytes(data, "tweets.csv")
    _balanced(frame, report)
    assert report.layout == "x-twitter table csv"
    assert list(frame["speaker"]) == ["@ria", "@sol"] and set(frame["platform"]) == {"x"}
    assert list(frame["parent_id"].fillna("-")) == ["-", "11"]


def test_read_comments_long_jsonl_slimmed_records_keep_what_is_read() -> None:
    records = [
        {
            "id": f"k{i}",
            "body": f"comment {i}",
            "author": f"u{i}",
            "created_utc": 1709629200 + i,
            "subreddit": "ourtown",
            "score": i,
            "all_awardings": [{"n": 1}],
        }
        for i in range(700)
    ]
    records[650]["flair"] = "Local"  # a column only late records have, named by hand
    data = "\n".join(json.dumps(r) for r in records).encode()
    frame, report = read_comments_bytes(data, "big.jsonl")
    _balanced(frame, report)
    assert report.statements == 700 and frame["text"].iloc[699] == "comment 699"
    assert frame["speaker"].iloc[600] == "u600"
    assert frame["posted_at"].iloc[600] == pd.Timestamp(1709629800, unit="s", tz="UTC")
    frame, _ = read_comments_bytes(data, "big.jsonl", mapping=ColumnMapping(author="flair"))
    assert frame["speaker"].iloc[650] == "Local" and frame["speaker"].notna().sum() == 1
    joined = ColumnMapping(text="subreddit + body")
    frame, report = read_comments_bytes(data, "big.jsonl", mapping=joined)
    assert frame["text"].iloc[699] == "ourtown\n\ncomment 699"
