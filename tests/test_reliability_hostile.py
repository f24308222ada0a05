"""Hostile input beyond skill files: the whole suite of `tests.reliability.hostile` (situations
and contacts from tests/data/hostile/situations/, the tool, the MCP server over stdio, resume of
damaged run folders, inputs that used to fail after paying, a key in everything written), and
the data-fence escape on any text."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from net_skill.prompts import LESS_THAN_LIKE, SLASH_LIKE, delimit, escape_closing_tags
from tests.reliability.hostile import hostile_suite
from tests.reliability.mcp import CALLS

RAW_CLOSING = re.compile(f"[{LESS_THAN_LIKE}]\\s*[{SLASH_LIKE}]")


def test_every_hostile_input_is_handled(tmp_path: Path) -> None:
    figures = hostile_suite(tmp_path)
    assert figures.failures == []
    assert figures.handled == figures.tried
    assert figures.tried >= 100
    assert figures.by_surface["MCP"] == len(CALLS) + 3
    assert figures.by_surface["resume"] == 7


@given(st.text(alphabet=st.sampled_from("<>/ \n\tasituonSITU＜／‹〈ѕі\\" + LESS_THAN_LIKE)))
def test_no_text_can_close_a_data_block(text: str) -> None:
    block = delimit(text, "situation")
    inner = block.removeprefix("<situation>\n").removesuffix("\n</situation>")
    assert not RAW_CLOSING.search(inner)
    assert escape_closing_tags(escape_closing_tags(text)) == escape_closing_tags(text)
    assert inner.replace("\\", "") == text.replace("\\", "")  # nothing else changes


def test_case_spacing_and_look_alikes_are_escaped() -> None:
    for char in "＜﹤":  # what NFKC folds to "<" is covered, and so is "/" folded
        assert unicodedata.normalize("NFKC", char) == "<" and char in LESS_THAN_LIKE
    assert unicodedata.normalize("NFKC", "／") == "/" and "／" in SLASH_LIKE
    escaped = delimit("</SITUATION> </Situation > < / situation> ＜／situation＞", "situation")
    assert escaped.count("</") == 1  # only the block's own closing tag
    assert "{{ 7*7 }}" in delimit("{{ 7*7 }}", "situation")
