"""Checks on the user's situation text before anything is sent to a model."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from net_skill.errors import InputError

MAX_SITUATION_CHARS = 6000
"""The longest situation accepted, in characters (after cleaning).

The embedded model has an 8,192-token window shared by the skill text (~2,100 tokens), the
situation, earlier step outputs and the answer; 6,000 characters (~1,500 tokens) leaves room
for all of them.
"""
MAX_CONTACTS_CHARS = 6000

EARLIEST_TODAY = date(1900, 1, 1)
LATEST_TODAY = date(9000, 12, 31)
"""The range of `today`: plans schedule dates years ahead of it, which must stay representable
(`9999-12-31` once failed with an `OverflowError` after every step had been paid for)."""

RAW_LIMIT_FACTOR = 16
"""Text longer than this many times the limit is refused before it is cleaned (bounded time)."""
_SURROGATE = re.compile("[\ud800-\udfff]")
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
    """Return the cleaned situation, or raise `InputError` naming the problem.

    Lone surrogates (what undecodable bytes become in a command-line argument) are refused
    rather than dropped: they mean the text was not UTF-8, and dropping them mangles words.
    """
    if not isinstance(text, str):
        raise InputError(f"the {what} must be text, not {type(text).__name__}")
    if len(text) > RAW_LIMIT_FACTOR * limit:  # far too long whatever cleaning removes
        raise _too_long(what, len(text), limit)
    bad = _SURROGATE.search(text)
    if bad is not None:
        raise InputError(
            f"the {what} is not valid UTF-8 text (an undecodable byte at character "
            f"{bad.start()}); save or type it as UTF-8"
        )
    cleaned = neutralise_controls(text).strip()
    if not cleaned:
        raise InputError(
            f"the {what} is empty: describe who you are and what you want from networking, "
            'e.g. net-skill run "I am a data analyst moving into product management"'
        )
    if len(cleaned) > limit:
        raise _too_long(what, len(cleaned), limit)
    return cleaned


def _too_long(what: str, length: int, limit: int) -> InputError:
    return InputError(
        f"the {what} is {length:,} characters; the limit is {limit:,}. "
        "Shorten it (keep the goal, background and the people you know)."
    )


def validate_contacts(text: str | None) -> str | None:
    """Contacts text is optional; when given it follows the same rules as a situation."""
    if text is None:
        return None
    return validate_situation(text, what="contacts text", limit=MAX_CONTACTS_CHARS)


def validate_today(today: date) -> date:
    """`today` if plans can be scheduled from it, else `InputError` (checked before any call)."""
    if not EARLIEST_TODAY <= today <= LATEST_TODAY:
        raise InputError(
            f"the date {today.isoformat()} is out of range: plans start from a day between "
            f"{EARLIEST_TODAY.isoformat()} and {LATEST_TODAY.isoformat()}"
        )
    return today
