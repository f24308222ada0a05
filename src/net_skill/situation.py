"""Checks on the user's situation text before anything is sent to a model."""

from __future__ import annotations

import unicodedata

from net_skill.errors import InputError

MAX_SITUATION_CHARS = 6000
"""The longest situation accepted, in characters (after cleaning).

The embedded model has an 8,192-token window shared by the skill text (~2,100 tokens), the
situation, earlier step outputs and the answer; 6,000 characters (~1,500 tokens) leaves room
for all of them.
"""
MAX_CONTACTS_CHARS = 6000

_KEEP_FORMAT_CHARS = {"\u200c", "\u200d"}  # ZWNJ/ZWJ: needed by Persian, Indic scripts, emoji


def neutralise_controls(text: str) -> str:
    """Drop control and invisible formatting characters (keeps newlines and tabs).

    Bidi overrides and zero-width characters can hide instructions from a human reader; C0/C1
    controls can corrupt terminals and JSON. Newlines are normalised to `\\n`.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    kept: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if char in "\n\t" or char in _KEEP_FORMAT_CHARS:
            kept.append(char)
        elif category in ("Cc", "Cf", "Cs", "Co"):
            continue
        else:
            kept.append(char)
    return "".join(kept)


def validate_situation(
    text: str, *, what: str = "situation", limit: int = MAX_SITUATION_CHARS
) -> str:
    """Return the cleaned situation, or raise `InputError` naming the problem."""
    if not isinstance(text, str):
        raise InputError(f"the {what} must be text, not {type(text).__name__}")
    cleaned = neutralise_controls(text).strip()
    if not cleaned:
        raise InputError(
            f"the {what} is empty: describe who you are and what you want from networking, "
            'e.g. net-skill run "I am a data analyst moving into product management"'
        )
    if len(cleaned) > limit:
        raise InputError(
            f"the {what} is {len(cleaned):,} characters; the limit is {limit:,}. "
            "Shorten it (keep the goal, background and the people you know)."
        )
    return cleaned


def validate_contacts(text: str | None) -> str | None:
    """Contacts text is optional; when given it follows the same rules as a situation."""
    if text is None:
        return None
    return validate_situation(text, what="contacts text", limit=MAX_CONTACTS_CHARS)
