from __future__ import annotations

import pytest

from net_skill.errors import InputError
from net_skill.situation import MAX_SITUATION_CHARS, validate_situation


@pytest.mark.parametrize("text", ["", "   ", "\n\t\n", "\x00\x01"])
def test_empty_situation_refused(text: str) -> None:
    with pytest.raises(InputError, match="empty"):
        validate_situation(text)


def test_oversized_situation_refused_with_limit() -> None:
    with pytest.raises(InputError, match=f"{MAX_SITUATION_CHARS:,}"):
        validate_situation("x" * (MAX_SITUATION_CHARS + 1))


def test_controls_and_invisible_characters_neutralised() -> None:
    text = "Hello\x1b[31m world\u202e\u200b\r\nnext line\ttab"
    assert validate_situation(text) == "Hello[31m world\nnext line\ttab"


def test_templates_and_placeholders_kept_literally() -> None:
    text = "I said {{ 7*7 }} and $ARGUMENTS and $35"
    assert validate_situation(text) == text


def test_non_english_kept() -> None:
    text = "Soy ingeniera en Madrid y quiero cambiar a producto. می‌خواهم"
    assert validate_situation(text) == text
