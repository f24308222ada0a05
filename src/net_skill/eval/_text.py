"""Text helpers of the deterministic checks: words, stems, placeholders, near-copy ratios.

Words, stems and counts come from `net_skill.text`, so every check works in any language
(accents, apostrophes, and scripts written without spaces such as Chinese and Japanese).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher

from net_skill.text import STOPWORDS, content_terms, count_words, stem, words

__all__ = [
    "GENERIC_WORDS",
    "PLACEHOLDER_PATTERNS",
    "PLACEHOLDER_VALUES",
    "STOPWORDS",
    "content_stems",
    "find_placeholders",
    "is_blank",
    "quote",
    "similarity",
    "stem",
    "word_count",
    "words",
]

_GENERIC_TEXT = """
    motivated passionate passion dedicated dedication hard working hardworking team player
    professional professionals value valuable skills skill people help helping great strong
    unique experience experienced work working opportunity opportunities network networking
    connect connection connections chat conversation coffee love would like really quick time
    minutes thanks thank best regards hello dear hope well happy reach reaching out interested
    interest learn learning career field industry company role things something someone
    anything everyone results driven detail oriented fast learner bring brings offer offering
    eager excited good results-driven detail-oriented self-starter
"""
GENERIC_WORDS = frozenset(_GENERIC_TEXT.split())
"""Words that say nothing specific about a person or a target."""

PLACEHOLDER_VALUES = frozenset(
    {
        "",
        "n/a",
        "na",
        "n.a.",
        "tbd",
        "tba",
        "todo",
        "to do",
        "unknown",
        "none",
        "-",
        "--",
        "...",
        "?",
        "xxx",
        "placeholder",
        "lorem ipsum",
        "same as above",
        "see above",
        "etc",
    }
)

PLACEHOLDER_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("[bracketed]", re.compile(r"\[[^\[\]\n]{1,40}\]")),
    ("{braced}", re.compile(r"\{\{?[^{}\n]{1,40}\}?\}")),
    ("<angled>", re.compile(r"<[A-Za-z][A-Za-z _-]{0,30}>")),
    ("XXX", re.compile(r"\bX{3,}\b", re.IGNORECASE)),
    ("TBD", re.compile(r"\b(?:TBD|TBA|TODO)\b")),
    ("lorem ipsum", re.compile(r"lorem ipsum", re.IGNORECASE)),
)
"""Unfilled template slots: `[Name]`, `{company}`, `<name>`, `XXX`, `TBD`, `TODO`."""


def content_stems(text: str) -> set[str]:
    """Stems of the words that carry meaning: no stop-words, no generic filler, 2+ letters;
    character bigrams in Chinese and Japanese (`net_skill.text.content_terms`)."""
    return content_terms(text, ignore=GENERIC_WORDS)


def is_blank(text: str | None) -> bool:
    """Empty, a placeholder value such as `N/A` or `TBD`, or no meaningful word at all."""
    if text is None:
        return True
    cleaned = " ".join(text.split()).strip().casefold()
    if cleaned.rstrip(".") in PLACEHOLDER_VALUES or cleaned in PLACEHOLDER_VALUES:
        return True
    return not any(len(w) >= 2 and w not in STOPWORDS for w in words(cleaned))


def find_placeholders(text: str) -> list[str]:
    """Every unfilled template slot found in `text`, as written."""
    found: list[str] = []
    for _label, pattern in PLACEHOLDER_PATTERNS:
        found.extend(match.group(0) for match in pattern.finditer(text))
    return found


def word_count(text: str) -> int:
    """Words in `text`; two characters of Chinese or Japanese count as one word."""
    return count_words(text)


def similarity(first: Iterable[str], second: Iterable[str]) -> float:
    """difflib ratio between two word sequences (1.0 identical, 0.0 nothing in common)."""
    a, b = list(first), list(second)
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def quote(text: str, limit: int = 90) -> str:
    """A short quotation of plan text for evidence."""
    flat = " ".join(text.split())
    return f'"{flat}"' if len(flat) <= limit else f'"{flat[: limit - 1]}…"'
