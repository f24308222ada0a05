from __future__ import annotations

from net_skill.schema_outline import outline


def _schema(first: int, second: int) -> dict[str, object]:
    return {
        "type": "object",
        "properties": {
            "goal": {"type": "string", "maxLength": first, "description": "The goal"},
            "steps": {
                "type": "array",
                "minItems": 2,
                "maxItems": 2,
                "items": {"type": "string", "maxLength": second},
            },
            "level": {"type": "integer", "minimum": 1, "maximum": 3},
        },
        "required": ["goal", "steps", "level"],
    }


def test_a_length_every_text_shares_is_said_once() -> None:
    text = outline(_schema(160, 160))
    assert "(at most" not in text
    assert text.endswith("Each text is at most 160 characters.")
    assert '"goal": text (The goal)' in text
    assert '"steps": list of 2: text' in text  # not "2 to 2"


def test_different_lengths_are_said_per_field() -> None:
    text = outline(_schema(300, 160))
    assert '"goal": text (at most 300 characters) (The goal)' in text
    assert '"steps": list of 2: text (at most 160 characters)' in text
    assert "Each text" not in text
