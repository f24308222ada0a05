"""Text helpers of the deterministic checks: words, stems, placeholders, near-copy ratios."""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher

from net_skill.names import name_tokens

# --- --------------------------------------------------------------------------
_STOPWORD_TEXT = """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    i'm i've i'd you're you've it's that's let's don't can't won't dr mr ms mrs hi re us
    el la los las un una unos unas de del al y o que en por para con sin sobre es son soy mi mis
    tu su sus se lo le les como pero mas muy ya este esta estos estas ese esa
    le la les des du de et ou un une en dans pour par avec sans sur est sont je tu il elle nous
    vous ils mon ma mes ton ta ses ce cette qui que pas plus
    der die das den dem des ein eine einen und oder in im mit von zu zum zur auf fur ist sind
    ich du er sie wir ihr mein meine nicht auch als wie bei
    o a os as um uma de do da dos das e em no na por para com sem sobre eu meu minha
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
"""Common function words (English plus a few of Spanish, French, German, Portuguese)."""

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


def words(text: str) -> list[str]:
    """Case- and accent-folded words of `text`."""
    return name_tokens(text)


def stem(word: str) -> str:
    """A crude language-neutral stem: the first six letters (`fintechs` ~ `fintech`)."""
    return word[:6]


def content_stems(text: str) -> set[str]:
    """Stems of the words that carry meaning (no stop-words, no generic filler, 3+ letters)."""
    return {
        stem(w)
        for w in words(text)
        if len(w) >= 2 and w not in STOPWORDS and w not in GENERIC_WORDS
    }


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
    return len(text.split())


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
