"""People named in a plan's free text must be people the situation names.

Name fields are narrowed and validated when a plan is generated; message bodies, mutual
contacts and the persons of Steps 7 and 8 are free text, where a model can still invent "my
friend Sarah Mitchell". `named_people` (the grounding module's reading of who a text names:
two or three title-case words that are not an organisation, a word after a relation word, a
Chinese or Japanese name next to an honorific) finds candidates; a candidate is invented when
a word of it that is not the first of its sentence (a greeting: "Hey James") does not occur in
the situation or in the plan's target profiles (`names.appears_in`, any language).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from net_skill.eval._text import GENERIC_WORDS, ROLE_WORDS, STOPWORDS, VAGUE_WORDS
from net_skill.names import appears_in
from net_skill.skills.networking.grounding import named_people
from net_skill.skills.networking.plan import NetworkingPlan
from net_skill.text import fold, phrase_segments

_NOT_NAME_TEXT = """
    hi hey hello dear thanks congrats congratulations hola bonjour hallo ola oi ciao salut
    inside former search linkedin twitter slack discord github email zoom
"""
NOT_NAME_WORDS = (
    ROLE_WORDS | GENERIC_WORDS | VAGUE_WORDS | STOPWORDS | frozenset(_NOT_NAME_TEXT.split())
)
"""Capitalised words that are not part of a person's name ("Dear", "Search LinkedIn")."""

__all__ = ["invented_people", "known_text", "people_items"]

_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n\"“(«]|[-–—]\s)\s*$")


def known_text(plan: NetworkingPlan) -> str:
    """Where a person may come from: the situation, and the target profiles (whose own names
    the target checks hold to the situation)."""
    profiles = [t.profile for t in plan.targets.targets]
    return "\n".join([plan.situation, *profiles])


def invented_people(text: str, known: str) -> list[str]:
    """The people `text` names who are not in `known`, in order of appearance."""
    invented: list[str] = []
    for person in named_people(text):
        name = _POSSESSIVE.sub("", person.name)
        parts = [p for p in name.split() if _could_be_name(p)]
        if not parts or name in invented:
            continue
        unknown = [p for p in parts if not appears_in(p, known)]
        if not unknown or appears_in(" ".join(parts), known):
            continue
        if unknown == [name.split()[0]] and _opens_sentence(name, text):
            continue
        invented.append(name)
    return invented


_POSSESSIVE = re.compile(r"['’]s?$")


def _could_be_name(word: str) -> bool:
    """A word that can be part of a person's name: not a job title, a platform or a greeting,
    not CamelCase (`JavaScript`), not a hyphenated term (`English-language`)."""
    folded = fold(word)
    if folded in NOT_NAME_WORDS:
        return False
    return not (any(c.isupper() for c in word[1:]) or "-" in word or any(c.isdigit() for c in word))


def _opens_sentence(name: str, text: str) -> bool:
    """True when `name` opens a sentence wherever it occurs: the capital of its unknown first
    word ("Hey James", "Former Madrid teammates", "Moved from analytics") is the sentence's."""
    spans = [m.start() for m in re.finditer(re.escape(name), text)]
    return bool(spans) and all(_SENTENCE_START.search(text[:s]) for s in spans)


def people_items(texts: Iterable[tuple[str, str]], known: str) -> list[tuple[bool, str]]:
    """(passed, problem) per text: `texts` are (where, text) pairs."""
    items: list[tuple[bool, str]] = []
    for where, text in texts:
        if not text or not any(True for _ in phrase_segments(text)):
            continue
        invented = invented_people(text, known)
        items.append(
            (
                not invented,
                f"{where} names {', '.join(repr(n) for n in invented)}, who is not in the "
                "situation (invented)",
            )
        )
    return items
