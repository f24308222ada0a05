"""The given-name lexicon: which lone capitalised words are first names.

Two or three title-case words look like a name by their shape; one does not (`Shopify`,
`Toronto`, `Healthcare` and `Mike` are all one capitalised word). A lexicon tells them apart.
`data/given_names.txt` holds a few thousand first names (US census and the permissively
licensed lists of `Faker`, its header says which), pruned of the names that are also words,
places or products a plan writes as one capitalised word (`Will`, `Grant`, `Sydney`,
`Julia`), so that what it matches is a person.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from net_skill.text import fold

__all__ = ["given_names", "is_given_name"]

LEXICON = "given_names.txt"


@cache
def given_names() -> frozenset[str]:
    """The lexicon's names (folded, lowercase), read once from the package data."""
    path = resources.files("net_skill.skills.networking") / "data" / LEXICON
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(s for s in (line.strip() for line in lines) if s and not s.startswith("#"))


def is_given_name(word: str) -> bool:
    """True when `word` (any case, accents folded: `José`, `Zoë`) is a name of the lexicon."""
    return fold(word) in given_names()
