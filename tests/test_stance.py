"""Stance toward a target: hand-written cases, evidence spans, the table stage, evaluation."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import analysis.stance as stance
from analysis.errors import EvaluationError, InputError
from analysis.schema import from_records, validate
from analysis.stance import (
    STANCE_VERSION,
    VERSIONS,
    StanceResult,
    Target,
    add_stance,
    attach,
    evaluate_stance,
    score_stance,
)
from analysis.stance import cues as C

# Our own invented targets and sentences (no text from ../shared).
BRIDGE = Target.parse(
    "the Harbor City council's plan to close the old river bridge",
    aliases=["Harbor City council", "the council", "Mayor Okafor"],
    opponents=["Bridge Preservation Society"],
)
LIBRARY = Target.parse("the mobile library program", aliases=["book bus"])
SENATOR = Target.parse("Senator Vale", opponents=["Governor Pike"])

CASES = [
    # text, target, expected label, substring expected in some evidence text
    ("I fully support the council on this, it was overdue.", BRIDGE, "favor", "support"),
    ("We stand with Mayor Okafor and her plan for the river.", BRIDGE, "favor", "stand with"),
    ("Thank you, Harbor City council, for putting safety first.", BRIDGE, "favor", "Thank you"),
    ("Proud of the council today. Well done.", BRIDGE, "favor", "Proud of"),
    ("The council made the right call closing that bridge.", BRIDGE, "favor", "right call"),
    ("The council is a disgrace and should resign.", BRIDGE, "against", "disgrace"),
    ("Shame on Mayor Okafor for this stunt.", BRIDGE, "against", "Shame on"),
    (
        "Thanks for nothing, Mayor Okafor. Two years of detours.",
        BRIDGE,
        "against",
        "Thanks for nothing",
    ),
    ("Defund the council's pet projects and fix the roads.", BRIDGE, "against", "Defund"),
    ("Mayor Okafor should be fired over the bridge closure.", BRIDGE, "against", "should be fired"),
    ("Lock them up, the whole council lied to us.", BRIDGE, "against", "Lock them up"),
    ("I do not support the council's closure at all.", BRIDGE, "against", "flips 'support'"),
    ("I don't think the council is a disgrace, they did fine.", BRIDGE, "favor", "disgrace"),
    ("The Bridge Preservation Society is a disgrace.", BRIDGE, "favor", "disgrace"),
    ("I stand with the Bridge Preservation Society.", BRIDGE, "against", "stand with"),
    ("Great job, council. Yeah right, another bridge gone.", BRIDGE, "against", "Yeah right"),
    ("Wonderful work by the council closing our only crossing /s", BRIDGE, "against", "/s"),
    ("The weather was lovely at the farmers market.", BRIDGE, "neutral", "mentions neither"),
    ("I love my dog and hate Mondays.", BRIDGE, "neutral", "mentions neither"),
    ("The book bus is a wonderful gift to our kids.", LIBRARY, "favor", "wonderful"),
    ("Mobile libraries are a waste of money, scrap them.", LIBRARY, "against", "scrap"),
    ("The library van came on Tuesday.", LIBRARY, "neutral", "library"),
    ("Senator Vale is a liar and a fraud.", SENATOR, "against", "liar"),
    ("Governor Pike is a liar; vote for Vale!", SENATOR, "favor", "vote for"),
    ("Vale deserves a medal for this bill. Brilliant.", SENATOR, "favor", "Brilliant"),
    ("#NeverVale #Vale is done", SENATOR, "against", "#NeverVale"),
    ("#Vale2028 let's go", SENATOR, "favor", "#Vale2028"),
    ("Watching the debate tonight #ValeIsAHero", SENATOR, "favor", "hashtag words: hero"),
    ("Same old speech from him #ValeTheCoward", SENATOR, "against", "coward"),
    ("Vale's speech was pathetic and embarrassing.", SENATOR, "against", "pathetic"),
    ("Vale is a spineless hypocrite.", SENATOR, "against", "hypocrite"),  # not in VADER
    ("I really like what Vale said.", SENATOR, "favor", "like"),
    ("Honestly I don't like Vale.", SENATOR, "against", "flips 'like'"),
    (
        "Vale sounds like every other senator.",
        SENATOR,
        "neutral",
        "Vale",
    ),  # "like" as a preposition
    ("Vale is principled and genuine.", SENATOR, "favor", "principled"),
    ("Is the council's closure really a good idea?", BRIDGE, "against", "question"),
    ("Why should we support the council on this?", BRIDGE, "against", "question"),
    ("Vale on the news again 👏👏", SENATOR, "favor", "clapping"),
    ("Vale on the news again 🤡", SENATOR, "against", "clown"),
    ("@SenVale2028 answered my letter :)", SENATOR, "favor", ":)"),
    ("Vale has ruined it for all of us :(", SENATOR, "against", ":("),
]


@pytest.mark.parametrize("text, target, expected, evidence", CASES)
def test_score_stance_table(text: str, target: Target, expected: str, evidence: str) -> None:
    result = score_stance(text, target)
    assert result.label == expected, result.evidence
    said = [f"{e['text']} {e.get('note', '')}".lower() for e in result.evidence]
    assert any(evidence.lower() in s for s in said), result.evidence


def test_score_stance_sincere_question_keeps_its_side() -> None:
    assert score_stance("Can we all take a moment to thank the council?", BRIDGE).label == "favor"


@pytest.mark.xfail(reason="only set rhetorical shapes (why would, really, isn't ...) flip")
def test_score_stance_unmarked_rhetorical_question() -> None:
    text = "Is this what a good council looks like?"
    assert score_stance(text, BRIDGE).label == "against"


@pytest.mark.parametrize("text", [None, "", "   ", float("nan")])
def test_score_stance_empty_text_is_neutral_with_reason(text: object) -> None:
    result = score_stance(text, BRIDGE)  # type: ignore[arg-type]
    assert (result.label, result.score) == ("neutral", 0.0)
    assert result.evidence[0]["kind"] == "reason"
    assert "empty" in str(result.evidence[0]["text"])


@pytest.mark.parametrize(
    "speaker, role, expected",
    [
        ("Mayor Okafor", "official", "favor"),  # the target's own official speaks for it
        ("Okafor", "official", "favor"),
        ("Harbor City council", "organization", "favor"),
        ("Mayor Okafor", "public", "neutral"),  # a private namesake gets no prior
        ("Jo Reyes", "official", "neutral"),  # another official: no prior
        ("River", "official", "neutral"),  # a word of the description is not the target
    ],
)
def test_score_stance_official_speaker_defaults_to_favor(
    speaker: str, role: str, expected: str
) -> None:
    text = "We are meeting residents this week to answer their questions."
    result = score_stance(text, BRIDGE, speaker=speaker, speaker_role=role)
    assert result.label == expected
    if expected == "favor":
        assert result.evidence[0]["kind"] == "speaker"


def test_score_stance_official_speaker_can_say_otherwise() -> None:
    text = "Frankly the council's closure plan is a disgrace and I oppose it."
    result = score_stance(text, BRIDGE, speaker="Mayor Okafor", speaker_role="official")
    assert result.label == "against"


@pytest.mark.parametrize(
    "reply, parent_text, expected, note",
    [
        ("Exactly, well said.", "I fully support the council on this.", "favor", "agrees"),
        ("Totally agree.", "The council is a disgrace.", "against", "agrees"),
        ("Nonsense, nothing of the sort.", "I fully support the council.", "against", "disagrees"),
        ("What a brilliant idea, finally.", "The council closes the bridge.", "favor", "thread"),
        ("Agreed.", "The weather was lovely today.", "neutral", "mentions neither"),
    ],
)
def test_score_stance_reply_inherits_thread(
    reply: str, parent_text: str, expected: str, note: str
) -> None:
    parent = score_stance(parent_text, BRIDGE)
    result = score_stance(reply, BRIDGE, parent=parent)
    assert result.label == expected, result.evidence
    assert any(note in f"{e['text']} {e.get('note', '')}" for e in result.evidence)


def test_score_stance_reply_score_is_weaker_than_parent() -> None:
    parent = score_stance("I fully support the council, thank you!", BRIDGE)
    reply = score_stance("Exactly.", BRIDGE, parent=parent)
    assert 0 < reply.score < parent.score


@pytest.mark.parametrize("text, target, expected, evidence", CASES)
def test_score_stance_evidence_spans_slice_the_text(
    text: str, target: Target, expected: str, evidence: str
) -> None:
    for item in score_stance(text, target).evidence:
        assert set(item) >= {"kind", "text", "start", "end", "weight"}
        start, end = int(item["start"]), int(item["end"])  # type: ignore[call-overload]
        if start >= 0:
            assert text[start:end] == item["text"]
        else:
            assert end == -1


def test_score_stance_is_deterministic_and_bounded() -> None:
    text = "Shame on the council!!! Disgrace. Resign. Defund. Lock them up. Shameful."
    first = score_stance(text, BRIDGE)
    assert first == score_stance(text, BRIDGE)
    assert -1.0 <= first.score < -0.5


def test_score_stance_is_not_sentiment() -> None:
    # Negative words, but spoken for the target by its own official.
    text = "There is no place for panic here; the council will keep every resident safe."
    result = score_stance(text, BRIDGE, speaker="Mayor Okafor", speaker_role="official")
    assert result.label == "favor"


@pytest.mark.parametrize(
    "text, aliases, opponents, expected",
    [
        (
            "  the river bridge ",
            ["", " council "],
            None,
            Target("the river bridge", ("council",), ()),
        ),
        (
            "bridge",
            "council, mayor",
            ["society"],
            Target("bridge", ("council", "mayor"), ("society",)),
        ),
        ("bridge", ["Council", "council"], None, Target("bridge", ("Council",), ())),
    ],
)
def test_target_parse_cleans_names(
    text: str, aliases: object, opponents: object, expected: Target
) -> None:
    parsed = Target.parse(text, aliases=aliases, opponents=opponents)  # type: ignore[arg-type]
    assert parsed == expected


def test_target_from_dict_reads_back_what_to_dict_recorded() -> None:
    target = Target.parse(
        "the harbour toll", aliases="toll, harbour fee", opponents=["ferry union"]
    )
    recorded = json.loads(json.dumps(target.to_dict()))  # as a manifest or a project keeps it
    assert Target.from_dict(recorded) == target


@pytest.mark.parametrize("spec", [None, {}, {"text": ""}, "the harbour toll", ["toll"]])
def test_target_from_dict_of_a_run_without_target_is_none(spec: object) -> None:
    assert Target.from_dict(spec) is None


@pytest.mark.parametrize("text", ["", "   ", None])
def test_target_parse_rejects_empty(text: str | None) -> None:
    with pytest.raises(InputError, match="the target is empty"):
        Target.parse(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ICE agents came", "target"),  # acronym written in capitals matches exactly
        ("we had ice cream", "reason"),  # ...and not the common word
        ("deported families", "target"),  # stem of 'deportation'
    ],
)
def test_target_mentions_by_acronym_and_stem(text: str, expected: str) -> None:
    target = Target.parse("ICE deportation")
    result = score_stance(text + " and it was awful.", target)
    assert result.evidence[0]["kind"] == expected


def _frame() -> pd.DataFrame:
    rows = [
        {
            "statement_id": "a1",
            "source": "t",
            "source_kind": "comment",
            "text": "I support the council.",
        },
        {
            "statement_id": "a2",
            "source": "t",
            "source_kind": "comment",
            "text": "Exactly!",
            "parent_id": "a1",
        },
        {"statement_id": "a3", "source": "t", "source_kind": "comment", "text": ""},
        {"statement_id": "a4", "source": "t", "source_kind": "comment", "text": "Nice weather."},
        {
            "statement_id": "a5",
            "source": "t",
            "source_kind": "article",
            "text": "We will keep residents informed.",
            "speaker": "Mayor Okafor",
            "speaker_role": "official",
        },
        {
            "statement_id": "a6",
            "source": "t",
            "source_kind": "comment",
            "text": "Agreed.",
            "parent_id": "a7",
        },
        {
            "statement_id": "a7",
            "source": "t",
            "source_kind": "comment",
            "text": "Sure.",
            "parent_id": "a6",
        },
    ]
    return from_records(rows)


def test_add_stance_fills_columns_and_keeps_rows() -> None:
    frame = _frame()
    before = frame.copy()
    out = add_stance(frame, BRIDGE)
    pd.testing.assert_frame_equal(frame, before)  # the input is not mutated
    validate(out)
    assert list(out.columns) == list(frame.columns)
    assert out["stance_label"].tolist() == [
        "favor",
        "favor",
        "neutral",
        "neutral",
        "favor",
        "neutral",
        "neutral",
    ]
    reply = json.loads(out.loc[1, "stance_evidence"])
    assert reply[0]["kind"] == "reply"
    assert out.loc[1, "stance_score"] < out.loc[0, "stance_score"]


def test_add_stance_without_target_leaves_na() -> None:
    out = add_stance(_frame(), None)
    validate(out)
    assert out[["stance_label", "stance_score", "stance_evidence"]].isna().all().all()


def test_add_stance_reports_progress_and_is_deterministic() -> None:
    calls: list[tuple[str, int, int, int]] = []
    frame = _frame()
    first = add_stance(frame, BRIDGE, progress=lambda *a: calls.append(a))
    pd.testing.assert_frame_equal(first, add_stance(frame, BRIDGE))
    assert calls[-1] == ("stance", 7, 7, 0)


def test_versions_name_the_cue_list() -> None:
    assert STANCE_VERSION == "stance_cues.en.v2"
    assert VERSIONS["stance_cues"] == STANCE_VERSION
    assert "vader" in VERSIONS["stance_lexicon"]
    assert stance.STANCE_SETTINGS["speaker_prior"] > 0 > stance.STANCE_SETTINGS["negation_factor"]
    json.dumps(stance.STANCE_SETTINGS)  # goes into the run manifest as is


def test_all_lists_public_names() -> None:
    names = {n for n in dir(stance) if not n.startswith("_")}
    public = {n for n in names if not isinstance(getattr(stance, n), ModuleType)}
    public -= {"annotations"}  # the __future__ import
    assert sorted(stance.__all__) == sorted(public)
    assert isinstance(score_stance("x", BRIDGE), StanceResult)


def _write(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    return path


def test_evaluate_stance_three_classes(tmp_path: Path) -> None:
    records = [
        {"text": "I support the council.", "target": "the council", "label": "favor"},
        {"text": "The council is a disgrace.", "target": "the council", "label": "against"},
        {"text": "Nice weather today.", "target": "the council", "label": "neutral"},
        {"text": "Nice weather again.", "target": "the council", "label": "neutral"},
    ]
    for i, record in enumerate(records):
        record["seen"] = "zero-shot" if i % 2 else "few-shot"
    result = evaluate_stance(_write(tmp_path / "s.jsonl", records))
    by_seen = result["by_seen"]
    assert isinstance(by_seen, dict) and {k: v["n"] for k, v in by_seen.items()} == {
        "few-shot": 2,
        "zero-shot": 2,
    }
    assert result["n"] == 4
    assert result["macro_f1"] == result["accuracy"] == 1.0
    assert result["floor"] == {
        "label": "neutral",
        "macro_f1": 0.2222,
        "f_avg": 0.0,
        "accuracy": 0.5,
    }


def test_evaluate_stance_two_classes_counts_neutral_as_wrong(tmp_path: Path) -> None:
    records = [
        {"text": "I support Vale.", "target": "Vale", "label": "favor"},
        {"text": "Vale is a fraud.", "target": "Vale", "label": "against"},
        {"text": "Lovely weather.", "target": "Vale", "label": "favor"},
        {"text": "Pike is great.", "target": "Pike", "label": "favor"},
    ]
    result = evaluate_stance(_write(tmp_path / "p.jsonl", records))
    assert result["two_class"] is True
    assert result["neutral_predictions"] == 1
    assert result["accuracy"] == 0.75
    per = result["per_class"]
    assert isinstance(per, dict) and set(per) == {"favor", "against"}
    assert per["favor"]["recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert per["favor"]["precision"] == 1.0
    assert set(result["per_target"]) == {"Vale", "Pike"}  # type: ignore[arg-type]
    assert "f_macro" in result


def test_evaluate_stance_reads_seed_gold_layout(tmp_path: Path) -> None:
    gold = {
        "target": "the council's bridge plan",
        "target_aliases": ["Mayor Okafor"],
        "quotes": [
            {
                "text": "We will listen to everyone.",
                "stance": "favor",
                "speaker": "Mayor Okafor",
                "role": "official",
            },
            {
                "text": "The bridge plan is a disgrace.",
                "stance": "against",
                "speaker": "a resident",
                "role": "public",
            },
        ],
    }
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(gold, indent=1), encoding="utf-8")
    result = evaluate_stance(path)
    assert (result["n"], result["accuracy"]) == (2, 1.0)


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"text": "x", "target": "t", "label": "maybe"}', "label 'maybe'"),
        ('{"text": "x", "label": "favor"}', "field 'target'"),
        ("not json", "line 1: not JSON"),
        ("", "no records"),
    ],
)
def test_evaluate_stance_bad_file_names_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(EvaluationError, match=message):
        evaluate_stance(path)


@pytest.mark.eval
@pytest.mark.parametrize(
    "name, key", [("vast/dev.jsonl", "macro_f1"), ("pstance/val.jsonl", "f_avg")]
)
def test_evaluate_stance_above_floor_on_slice(
    shared_dir: Path, tmp_path: Path, name: str, key: str
) -> None:
    lines = (shared_dir / "eval" / name).read_text(encoding="utf-8").splitlines()
    sliced = tmp_path / "slice.jsonl"
    sliced.write_text("\n".join(lines[::5]), encoding="utf-8")  # every 5th row: fast, all targets
    result = evaluate_stance(sliced)
    floor = result["floor"]
    assert isinstance(floor, dict)
    assert result[key] > floor[key] + 0.1, result


@pytest.mark.parametrize(
    "text, on_topic, expected",
    [
        ("What a disgrace, resign now.", False, "neutral"),  # names nothing: no side taken
        ("What a disgrace, resign now.", True, "against"),  # collected under the story
        ("Thank you for keeping us safe!", True, "favor"),
        ("The weather is mild today.", True, "neutral"),  # on topic but no side
    ],
)
def test_score_stance_on_topic_reads_unnamed_statements(
    text: str, on_topic: bool, expected: str
) -> None:
    result = score_stance(text, BRIDGE, on_topic=on_topic)
    assert result.label == expected
    if on_topic:
        assert result.evidence[0]["kind"] == "context"
        assert abs(result.score) < abs(score_stance(f"The council: {text}", BRIDGE).score) + 1e-9


def test_add_stance_on_topic_passes_through() -> None:
    frame = from_records(
        [{"statement_id": "c1", "source": "t", "source_kind": "comment", "text": "Shame on them."}]
    )
    assert add_stance(frame, BRIDGE)["stance_label"].tolist() == ["neutral"]
    assert add_stance(frame, BRIDGE, on_topic=True)["stance_label"].tolist() == ["against"]


@pytest.mark.parametrize("anchors, pattern, weight", C.SUPPORT_CUES + C.OPPOSE_CUES)
def test_cue_list_every_cue_fires_through_its_anchors(
    anchors: str, pattern: str, weight: float
) -> None:
    """Any phrase a cue pattern matches contains one of its anchor words, so it is tried."""
    lead = "Well, i "  # a subject, for cues that need one before them ("i like")

    phrases = (
        st.sampled_from(anchors.split())  # a look-behind cue: its anchor after the subject
        if "(?<=" in pattern
        else st.from_regex(
            re.compile(pattern), fullmatch=True, alphabet="abcdefghijklmnopqrstuvwxyz' "
        )
    )

    @settings(max_examples=15, deadline=None, derandomize=True)
    @given(phrases)
    def fires(phrase: str) -> None:
        text = f"{lead}{phrase} the council."
        spans = [
            (int(e["start"]), int(e["end"]))  # type: ignore[call-overload]
            for e in score_stance(text, BRIDGE).evidence
            if e["kind"] == "cue"
        ]
        assert any(s < len(lead) + len(phrase) and e > len(lead) for s, e in spans), text

    fires()


def test_target_built_with_lists_is_hashable_and_scores() -> None:
    target = Target("the council", ["Mayor Okafor"], ["the society"])  # type: ignore[arg-type]
    assert target.aliases == ("Mayor Okafor",) and hash(target)
    assert score_stance("Mayor Okafor did a great job.", target).label == "favor"


def test_add_stance_links_replies_by_original_ids() -> None:
    rows = [
        {
            "statement_id": "h1",
            "source": "r",
            "source_kind": "comment",
            "text": "Proud of the council!",
        },
        {
            "statement_id": "h2",
            "source": "r",
            "source_kind": "comment",
            "text": "Nonsense.",
            "parent_id": "t1_abc",  # Reddit's own id of the comment above
        },
    ]
    frame = from_records(rows)
    alone = add_stance(frame, BRIDGE)
    linked = add_stance(frame, BRIDGE, original_ids=["abc", "def"])
    assert alone["stance_label"].tolist() == ["favor", "neutral"]
    assert linked["stance_label"].tolist() == ["favor", "against"]
    with pytest.raises(InputError, match="one id"):
        add_stance(frame, BRIDGE, original_ids=["abc"])


def test_add_stance_deep_thread_without_recursion() -> None:
    rows = [
        {
            "statement_id": "r0",
            "source": "t",
            "source_kind": "comment",
            "text": "Thank you, council.",
        }
    ]
    rows += [
        {
            "statement_id": f"r{i}",
            "source": "t",
            "source_kind": "comment",
            "text": "Agreed.",
            "parent_id": f"r{i - 1}",
        }
        for i in range(1, 3000)
    ]
    out = add_stance(from_records(rows), BRIDGE)
    assert (out["stance_label"] == "favor").all()
    assert 0 < out["stance_score"].iloc[-1] < out["stance_score"].iloc[0]


def test_score_stance_emphasis_strengthens_a_word() -> None:
    plain = score_stance("Vale was bad today.", SENATOR)
    loud = score_stance("Vale was very BAD today.", SENATOR)
    assert plain.label == loud.label == "against"
    assert loud.score < plain.score


def test_add_stance_same_result_with_a_tiny_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = pd.concat([_frame()] * 3, ignore_index=True)  # repeated texts hit the cache
    frame["statement_id"] = [f"s{i}" for i in range(len(frame))]
    expected = add_stance(frame, BRIDGE)
    monkeypatch.setattr(attach, "CACHE_SIZE", 1)
    pd.testing.assert_frame_equal(add_stance(frame, BRIDGE), expected)


@pytest.mark.parametrize(
    "text, expected_you",
    [
        ("@SenVale you were brilliant at the hearing.", True),  # addressed to the target
        ("Honestly you were brilliant, @SenVale.", False),  # not addressed by a leading handle
    ],
)
def test_score_stance_addressee_is_you(text: str, expected_you: bool) -> None:
    mentions = [e["text"] for e in score_stance(text, SENATOR).evidence if e["kind"] == "target"]
    assert ("you" in mentions) is expected_you


_PIECES = [*"İıßẞ ,.!?#@:;'’-()<3/s😡👏\n", "council", "Vale", "not", "great", "yeah right"]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_score_stance_any_text_gives_a_valid_result(text: str) -> None:
    for target in (BRIDGE, SENATOR):
        result = score_stance(text, target)
        assert result.label in ("favor", "against", "neutral")
        assert -1.0 <= result.score <= 1.0
        assert (result.label == "neutral") == (result.score == 0.0)
        for item in result.evidence:
            start, end = int(item["start"]), int(item["end"])  # type: ignore[call-overload]
            assert start == end == -1 or text[start:end] == item["text"]
