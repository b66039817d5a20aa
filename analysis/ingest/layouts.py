"""Which export a table or JSON stream comes from, and where each statement field lives in it.

A :class:`Layout` lists, for every statement field, candidate paths best first. Paths are dotted
(``legacy.full_text``), may select from a list (``referenced_tweets[type=replied_to].id``) and may
join parts (``title + selftext``: a Reddit submission's text is its title and its body). Names are
matched ignoring case, spaces and underscores, so ``Comment ID`` finds ``comment_id``.
The field names follow the platforms' own documentation: Pushshift/Arctic Shift dumps, the X API v2
and GraphQL payloads, the YouTube Data API v3 and youtube-comment-downloader, Facebook exports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

#: The statement fields an importer fills, in the order they are reported.
FIELDS = ("text", "speaker", "posted_at", "id", "parent_id", "platform")
JOIN = " + "  # a candidate made of parts, joined by a blank line
PARAGRAPH = "\n\n"

_SELECTOR = re.compile(r"^(?P<name>[^\[]+)\[(?P<key>[^=\]]+)=(?P<value>[^\]]*)\]$")


def norm(name: str) -> str:
    """Compare names the way people write them: ``Comment ID`` == ``comment_id`` == ``commentId``."""
    return re.sub(r"[^0-9a-z.\[\]=]", "", str(name).lower())


def fs(*names: str) -> frozenset[str]:
    return frozenset(norm(n) for n in names)


@dataclass(frozen=True)
class Layout:
    """A known export shape: how to recognise it and where its fields are."""

    name: str
    platform: str | None
    signatures: tuple[frozenset[str], ...]  # matches when every path of one set is present
    fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # values that stand for "nothing here": Reddit writes [deleted]/[removed] over erased text
    placeholders: frozenset[str] = frozenset()

    def matches(self, available: frozenset[str]) -> bool:
        return any(sig <= available for sig in self.signatures)


_PLATFORM = ("platform", "source_platform", "site", "network", "social_network")

GENERIC_NAMES: dict[str, tuple[str, ...]] = {
    "text": (
        "full_text",
        "text",
        "comment_text",
        "comment",
        "body",
        "message",
        "content",
        "text_original",
        "text_display",
        "tweet_text",
        "tweet",
        "post_text",
        "selftext",
        "reply_text",
        "comment_body",
        "review",
        "caption",
    ),
    "speaker": (
        "author",
        "author_name",
        "author_display_name",
        "username",
        "user_name",
        "screen_name",
        "user.screen_name",
        "user.username",
        "user.name",
        "author.name",
        "from.name",
        "name",
        "user",
        "commenter",
        "profile_name",
        "display_name",
        "handle",
        "nickname",
        "by",
    ),
    "posted_at": (
        "created_utc",
        "time_parsed",
        "created_at",
        "published_at",
        "posted_at",
        "created_time",
        "timestamp",
        "date_time",
        "datetime",
        "comment_date",
        "date",
        "time",
        "created",
    ),
    "id": ("id", "id_str", "comment_id", "cid", "tweet_id", "post_id", "rest_id"),
    "parent_id": (
        "parent_id",
        "parent_comment_id",
        "in_reply_to_status_id_str",
        "in_reply_to_status_id",
        "in_reply_to_id",
        "reply_to",
        "in_reply_to",
        "parent",
    ),
    "platform": _PLATFORM,
}

GENERIC = Layout("flat table", None, (), GENERIC_NAMES)

_YT = "snippet.topLevelComment.snippet."

#: Known layouts, most specific first; the generic one is the fallback.
LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "x-twitter graphql",
        "x",
        (fs("legacy.full_text"), fs("rest_id", "legacy.created_at")),
        {
            "text": ("note_tweet.note_tweet_results.result.text", "legacy.full_text"),
            "speaker": (
                "core.user_results.result.legacy.screen_name",
                "core.user_results.result.core.screen_name",
            ),
            "posted_at": ("legacy.created_at",),
            "id": ("rest_id", "legacy.id_str"),
            "parent_id": ("legacy.in_reply_to_status_id_str",),
        },
    ),
    Layout(
        "x-twitter api v2",
        "x",
        (
            fs("author_id", "text", "edit_history_tweet_ids"),
            fs("author_id", "text", "conversation_id"),
        ),
        {
            "text": ("note_tweet.text", "text"),
            "speaker": ("author_id",),
            "posted_at": ("created_at",),
            "id": ("id",),
            "parent_id": ("referenced_tweets[type=replied_to].id",),
        },
    ),
    Layout(
        "x-twitter v1.1",
        "x",
        (
            fs("user.screen_name", "id_str"),
            fs("user.screen_name", "full_text"),
            fs("user.screen_name", "text", "created_at"),
        ),
        {
            "text": ("extended_tweet.full_text", "full_text", "text"),
            "speaker": ("user.screen_name",),
            "posted_at": ("created_at",),
            "id": ("id_str", "id"),
            "parent_id": ("in_reply_to_status_id_str", "in_reply_to_status_id"),
        },
    ),
    Layout(
        "youtube data api",
        "youtube",
        (fs(_YT + "textDisplay"), fs(_YT + "textOriginal")),
        {
            "text": (_YT + "textOriginal", _YT + "textDisplay"),
            "speaker": (_YT + "authorDisplayName",),
            "posted_at": (_YT + "publishedAt",),
            "id": ("snippet.topLevelComment.id", "id"),
            "parent_id": (),
        },
    ),
    Layout(
        "youtube data api",
        "youtube",
        (fs("snippet.textDisplay"), fs("snippet.textOriginal")),
        {
            "text": ("snippet.textOriginal", "snippet.textDisplay"),
            "speaker": ("snippet.authorDisplayName",),
            "posted_at": ("snippet.publishedAt",),
            "id": ("id",),
            "parent_id": ("snippet.parentId",),
        },
    ),
    Layout(
        "youtube-comment-downloader",
        "youtube",
        (fs("cid", "text", "time_parsed"), fs("cid", "text", "votes"), fs("cid", "text", "reply")),
        {
            "text": ("text",),
            "speaker": ("author",),
            "posted_at": ("time_parsed",),
            "id": ("cid",),
            "parent_id": (),  # a reply's cid is "<parent cid>.<reply id>": see comments.py
        },
    ),
    Layout(
        "youtube comments",
        "youtube",
        (fs("textDisplay"), fs("textOriginal"), fs("authorDisplayName")),
        {
            "text": ("textOriginal", "textDisplay", "text", "comment"),
            "speaker": ("authorDisplayName", "author"),
            "posted_at": ("publishedAt", "updatedAt", "date"),
            "id": ("id", "commentId", "comment_id"),
            "parent_id": ("parentId", "parent_id"),
        },
    ),
    Layout(
        "reddit pushshift",
        "reddit",
        (
            fs("body", "subreddit"),
            fs("body", "link_id"),
            fs("body", "created_utc"),
            fs("selftext", "subreddit"),
            fs("selftext", "title", "created_utc"),
        ),
        {
            "text": ("body", "title" + JOIN + "selftext"),
            "speaker": ("author",),
            "posted_at": ("created_utc", "created"),
            "id": ("id",),
            "parent_id": ("parent_id",),
        },
        frozenset({"[deleted]", "[removed]"}),
    ),
    Layout(
        "facebook graph api",
        "facebook",
        (fs("message", "created_time"), fs("message", "from.name")),
        {
            "text": ("message",),
            "speaker": ("from.name",),
            "posted_at": ("created_time",),
            "id": ("id",),
            "parent_id": ("parent.id",),
        },
    ),
    Layout(
        "facebook comments",
        "facebook",
        (
            fs("parent_comment_id"),
            fs("profile_id", "comment"),
            fs("profile_url", "comment"),
            fs("comment_id", "comment"),
            fs("comment_id", "comment_text"),
            fs("profile_name", "comment"),
        ),
        {
            "text": ("comment", "comment_text", "comment_message", "message", "text"),
            "speaker": ("name", "author", "profile_name", "commenter", "author_name", "user_name"),
            "posted_at": (
                "date",
                "timestamp",
                "comment_date",
                "created_time",
                "created_at",
                "date_time",
                "time",
            ),
            "id": ("comment_id", "id"),
            "parent_id": ("parent_comment_id", "parent_id", "reply_to"),
        },
    ),
    Layout(
        "x-twitter table",
        "x",
        (
            fs("tweet_id"),
            fs("tweet_text"),
            fs("full_text", "screen_name"),
            fs("text", "screen_name"),
        ),
        {
            "text": ("full_text", "tweet_text", "text", "tweet"),
            "speaker": ("screen_name", "username", "user.screen_name", "author", "user_name"),
            "posted_at": ("created_at", "date", "timestamp"),
            "id": ("tweet_id", "id_str", "id"),
            "parent_id": ("in_reply_to_status_id_str", "in_reply_to_status_id", "in_reply_to"),
        },
    ),
)


def detect(available: Iterable[str]) -> Layout:
    """The first known layout whose signature is present, else the generic one."""
    names = frozenset(norm(a) for a in available)
    return next((layout for layout in LAYOUTS if layout.matches(names)), GENERIC)


# --------------------------------------------------------------------------- record paths


def flat_paths(
    record: Mapping[str, Any], prefix: str = "", depth: int = 0
) -> Iterator[tuple[str, Any]]:
    """Every dotted path of a nested record with its value; lists are leaves."""
    for key, value in record.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and depth < 8:
            yield from flat_paths(value, path + ".", depth + 1)
        else:
            yield path, value


Step = str | tuple[str, str, str]


def compile_path(path: str) -> tuple[Step, ...]:
    """Split ``a.b[k=v].c`` into steps; a selector step picks the first list item with ``k == v``."""
    steps: list[Step] = []
    for part in path.split("."):
        match = _SELECTOR.match(part)
        steps.append((match["name"], match["key"], match["value"]) if match else part)
    return tuple(steps)


def get_path(record: Mapping[str, Any], path: str, steps: tuple[Step, ...]) -> Any:
    """The value at ``path`` in ``record`` or None; a literal key with dots wins over nesting."""
    if path in record:
        return record[path]
    current: Any = record
    for step in steps:
        if not isinstance(current, dict):
            return None
        if isinstance(step, str):
            current = current.get(step)
        else:
            name, key, value = step
            items = current.get(name)
            if not isinstance(items, list):
                return None
            current = next(
                (i for i in items if isinstance(i, dict) and str(i.get(key)) == value), None
            )
        if current is None:
            return None
    return current


def selector_paths(paths: Iterable[str]) -> set[str]:
    """Paths that select from lists cannot be seen in a flattened sample; they are tried as given."""
    return {p for p in paths if "[" in p}
