"""The rule that people are never invented: a named person must appear in the source text."""

from __future__ import annotations

import re
import unicodedata

from pydantic import ValidationInfo

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_tokens(name: str) -> list[str]:
    return [w for w in _WORD.findall(_fold(name)) if len(w) > 1 or w.isalpha()]


def appears_in(name: str, source_text: str) -> bool:
    """True when every word of `name` occurs as a word of `source_text` (case/accents folded)."""
    wanted = name_tokens(name)
    if not wanted:
        return False
    have = set(_WORD.findall(_fold(source_text)))
    return all(word in have for word in wanted)


def source_text_from(info: ValidationInfo) -> str | None:
    context = info.context
    if isinstance(context, dict):
        value = context.get("source_text")
        if isinstance(value, str):
            return value
    return None


def check_known_person(name: str | None, info: ValidationInfo) -> str | None:
    """Validator body: reject a name that the situation (or contacts file) never mentions.

    Without a validation context (for example when re-reading a saved plan) names pass.
    """
    if name is None:
        return None
    cleaned = " ".join(name.split())
    if not cleaned or cleaned.casefold() in {"null", "none", "unknown", "n/a", "tbd"}:
        return None
    source = source_text_from(info)
    if source is not None and not appears_in(cleaned, source):
        raise ValueError(
            f"{cleaned!r} is not named in the situation; people must never be invented: "
            "set name to null and describe the person in the profile instead"
        )
    return cleaned
