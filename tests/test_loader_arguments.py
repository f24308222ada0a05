"""`$ARGUMENTS` substitution: exactly the rules of the issue, nothing more."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from net_skill._resources import bundled_skill_path
from net_skill.loader import (
    SkillWarning,
    load_skill,
    skill_text_with_arguments,
    substitute_arguments,
)
from net_skill.skill import Skill


def test_placeholder_is_replaced() -> None:
    assert substitute_arguments("Input: $ARGUMENTS.", "my plan") == "Input: my plan."


def test_every_placeholder_outside_code_is_replaced() -> None:
    text = "A $ARGUMENTS\n\n- item $ARGUMENTS\n\n`$ARGUMENTS` inline"
    assert substitute_arguments(text, "X") == "A X\n\n- item X\n\n`X` inline"


@pytest.mark.parametrize("literal", ["$35", "$1", "$0.10", "$B$6", "$8-15", "$ARGUMENTSX", "$ARG"])
def test_other_dollar_words_stay(literal: str) -> None:
    assert (
        substitute_arguments(f"cost {literal} here $ARGUMENTS", "in") == f"cost {literal} here in"
    )


def test_fenced_code_is_left_as_written() -> None:
    text = (
        "Use $ARGUMENTS.\n\n```awk\n{ print $1, $ARGUMENTS }\n```\n\n"
        "~~~\n$$ARGUMENTS \\$ARGUMENTS\n~~~\n\n1. item\n   ```\n   $ARGUMENTS\n   ```\n"
    )
    out = substitute_arguments(text, "INPUT")
    assert out.startswith("Use INPUT.\n")
    assert "{ print $1, $ARGUMENTS }" in out
    assert "$$ARGUMENTS \\$ARGUMENTS" in out
    assert "   $ARGUMENTS\n" in out
    assert out.count("INPUT") == 1


def test_indented_code_is_left_as_written() -> None:
    text = "Para $ARGUMENTS\n\n    code $ARGUMENTS\n"
    assert substitute_arguments(text, "I") == "Para I\n\n    code $ARGUMENTS\n"


def test_unclosed_fence_runs_to_the_end() -> None:
    text = "Top $ARGUMENTS\n```\n$ARGUMENTS\nmore"
    assert substitute_arguments(text, "I") == "Top I\n```\n$ARGUMENTS\nmore"


@pytest.mark.parametrize("escaped", ["$$ARGUMENTS", "\\$ARGUMENTS"])
def test_escaped_placeholder_gives_a_literal(escaped: str) -> None:
    out = substitute_arguments(f"Write {escaped} here. Input: $ARGUMENTS", "I")
    assert out == "Write $ARGUMENTS here. Input: I"


def test_only_escaped_placeholders_means_no_placeholder() -> None:
    out = substitute_arguments("Literal $$ARGUMENTS.\n", "I")
    assert out == "Literal $ARGUMENTS.\n\nARGUMENTS: I"


def test_no_placeholder_appends_the_arguments() -> None:
    assert substitute_arguments("Do the thing.\n\n", "my input") == (
        "Do the thing.\n\nARGUMENTS: my input"
    )


def test_placeholder_only_in_code_means_appended() -> None:
    out = substitute_arguments("Text\n```\n$ARGUMENTS\n```\n", "in")
    assert out == "Text\n```\n$ARGUMENTS\n```\n\nARGUMENTS: in"


@pytest.mark.parametrize(
    "arguments",
    ["$ARGUMENTS", "{{ secret }}", "{% raw %}", "\\1 \\g<0>", "$$ARGUMENTS", "a\nb\n```\n"],
)
def test_arguments_are_inserted_verbatim_once(arguments: str) -> None:
    out = substitute_arguments("A: $ARGUMENTS\nB: $ARGUMENTS", arguments)
    assert out == f"A: {arguments}\nB: {arguments}"


def test_crlf_text_is_handled() -> None:
    assert substitute_arguments("a $ARGUMENTS\r\nb\r\n", "I") == "a I\nb\n"


@given(
    text=st.text(alphabet=st.characters(blacklist_characters="$\r"), max_size=200),
    arguments=st.text(max_size=50),
)
def test_text_without_dollar_gets_arguments_appended(text: str, arguments: str) -> None:
    assert substitute_arguments(text, arguments) == f"{text.rstrip()}\n\nARGUMENTS: {arguments}"


@given(
    before=st.text(alphabet="abc #-\n", max_size=40),
    arguments=st.text(max_size=40),
)
def test_placeholder_on_its_own_paragraph_is_replaced(before: str, arguments: str) -> None:
    text = f"{before}\n\nInput: $ARGUMENTS\n"
    assert substitute_arguments(text, arguments).endswith(f"\n\nInput: {arguments}\n")


def _load(path: Path) -> Skill:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkillWarning)
        return load_skill(path)


def test_skill_text_with_arguments_uses_the_body_without_frontmatter() -> None:
    skill = _load(bundled_skill_path())
    text = skill_text_with_arguments(skill, "I am a data engineer in Lyon.")
    assert text.startswith("# Professional Networking\n")
    assert "name:" not in text.split("\n", 3)[0]
    assert "**Input**: I am a data engineer in Lyon.\n" in text
    assert "$ARGUMENTS" not in text
    assert text.endswith("Apply this procedure to the input provided.")


def test_corpus_hazards_survive_substitution(corpus_dir: Path) -> None:
    ais = skill_text_with_arguments(_load(corpus_dir / "ais.SKILL.md"), "IN")
    assert "Confirm budget meets minimum ($35)" in ais
    assert "($8-15)" in ais
    spr = skill_text_with_arguments(_load(corpus_dir / "spr.SKILL.md"), "IN")
    assert "{{c1::hidden}}" in spr
    qaf = skill_text_with_arguments(_load(corpus_dir / "qaf.SKILL.md"), "IN")
    assert "Parse depth from IN if specified" in qaf
    assert "**Input**: IN" in qaf
    stg = skill_text_with_arguments(_load(corpus_dir / "stg.SKILL.md"), "IN")
    assert "## Step {N}: {Title}" in stg
    assert stg.count("IN\n") >= 1 and "$ARGUMENTS" not in stg
