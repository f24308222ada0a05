"""People named in a plan's free text must be people the situation names.

Name fields are narrowed and validated when a plan is generated; message bodies, mutual
contacts and the persons of Steps 7 and 8 are free text, where a model can still invent "my
friend Sarah Mitchell". `named_people` (the grounding module's reading of who a text names:
two or three title-case words that are not an organisation, a word after a relation word, a
Chinese or Japanese name next to an honorific) finds candidates; a candidate is invented when
a word of it that is not the first of its sentence (a greeting: "Hey James") does not occur in
the situation or in the plan's target profiles (`names.appears_in`, any language).

A single first name is a candidate too when it stands alone (`Mike (warm path)`, `Common
ground: Brian`, "Hey Mike"): one capitalised word is a name only by the given-name lexicon
(`given_names`), which leaves out the names that are also words, places or products.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from net_skill.eval._text import GENERIC_WORDS, ROLE_WORDS, STOPWORDS, VAGUE_WORDS
from net_skill.eval.checks import CheckOutcome, outcome_of, vacuous
from net_skill.names import appears_in, candidate_names
from net_skill.skills.networking.given_names import is_given_name
from net_skill.skills.networking.grounding import named_people
from net_skill.skills.networking.plan import NetworkingPlan
from net_skill.text import fold, phrase_segments

_NOT_NAME_TEXT = """
    hi hey hello dear thanks congrats congratulations hola bonjour hallo ola oi ciao salut
    inside former search linkedin twitter slack discord github email zoom liebe lieber
    sehr geehrte geehrter ihr ihre ihren ihrer ihnen kein keine keinen ehemalige ehemaligen
    estimado estimada querido querida cher chère prezado prezada caro cara
"""
NOT_NAME_WORDS = (
    ROLE_WORDS | GENERIC_WORDS | VAGUE_WORDS | STOPWORDS | frozenset(_NOT_NAME_TEXT.split())
)
"""Capitalised words that are not part of a person's name ("Dear", "Search LinkedIn")."""

__all__ = [
    "invented_people",
    "known_outcome",
    "known_people",
    "known_text",
    "lone_given_names",
    "name_items",
    "people_items",
    "people_outcome",
]

_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n\"“(«]|[-–—]\s)\s*$")


def known_people(plan: NetworkingPlan) -> str:
    """The text people may come from: the situation, and the names a contacts file listed for
    the model when the plan records them (`network_summary.listed_names`)."""
    summary = getattr(plan, "network_summary", None)
    listed = getattr(summary, "listed_names", None) or []
    return "\n".join([plan.situation, *(str(n) for n in listed)])


def known_text(plan: NetworkingPlan) -> str:
    """Where a person named in free text may come from: `known_people`, and the target
    profiles (whose own names the target checks hold to the situation)."""
    profiles = [t.profile for t in plan.targets.targets]
    return "\n".join([known_people(plan), *profiles])


def invented_people(text: str, known: str) -> list[str]:
    """The people `text` names who are not in `known`, in order of appearance: names of two or
    more words, and lone first names (`lone_given_names`)."""
    invented: list[str] = []
    if _POSSESSIVE.search(known):  # "Dana's company" names Dana
        known = f"{known}\n{_POSSESSIVE.sub('', known)}"
    german = _is_german(text) or _is_german(known)
    for candidate in _candidates(text):
        name = _name_part(candidate)
        if name is None or name in invented or appears_in(name, known):
            continue
        if german and not _GERMAN_CUE.search(_before(text, name)):
            continue  # German capitalises every noun: only a cued name is evidence
        parts = name.split()
        unknown = [p for p in parts if not appears_in(p, known)]
        opener = unknown == parts[:1] and _opens_sentence(name, text)
        if not unknown or (opener and not is_given_name(parts[0])):
            continue  # "Ask Carvalho" opens with a verb; "Brian Carvalho" is someone else
        invented.append(name)
    taken = {word for name in invented for word in name.split()}
    for name in lone_given_names(text):
        if name in taken or appears_in(name, known):
            continue
        if german and not _GERMAN_CUE.search(_before(text, name)):
            continue
        invented.append(name)
    return sorted(invented, key=lambda name: _first_at(name, text))


def lone_given_names(text: str) -> list[str]:
    """The first names that stand alone in `text`, in order: a title-case word of the lexicon
    whose neighbours are not name words too (a longer name is `named_people`'s to read).

    The whole value (`Brian`), a value's first word before punctuation (`Mike (warm path)`),
    a word after a greeting or a colon (`Hey Mike`, `Common ground: Sophia`) all count: a word
    of the lexicon is a person wherever it stands, since its lookalike words were pruned.
    """
    words = list(_WORD.finditer(text))
    found: list[str] = []
    for index, match in enumerate(words):
        word = _POSSESSIVE.sub("", match.group()).rstrip("'’-")
        if word in found or not _is_lone_candidate(word):
            continue
        # a German relation noun ("Kollege Lukas") is capitalised but no part of the name
        cued = _GERMAN_CUE.search(text[max(0, match.start() - 40) : match.start()])
        after_name = not cued and _joined(words, index - 1, index, text)
        if after_name or _joined(words, index, index + 1, text):
            continue
        found.append(word)
    return found


_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_POSSESSIVE = re.compile(r"['’]s\b")
_PLACE_ABBREVIATIONS = frozenset({"st", "ste", "mt", "ft"})
"""Abbreviations that begin a place's name ("St. Louis", "Mt. Hood"), not a sentence."""


def _is_lone_candidate(word: str) -> bool:
    title_case = word[:1].isupper() and word[1:].islower()
    return title_case and _could_be_name(word) and is_given_name(word)


def _joined(words: list[re.Match[str]], left: int, right: int, text: str) -> bool:
    """True when the words at `left` and `right` belong to one name: both capitalised name
    words with only spaces between ("Brian Cole", "Ask Mike"), or a place abbreviation and
    the next word ("St. Paul"). A greeting, a title or a stopword joins nothing ("Hey Mike")."""
    if left < 0 or right >= len(words):
        return False
    first, second = words[left].group(), words[right].group()
    gap = text[words[left].end() : words[right].start()]
    if gap.strip(" \t") == "." and fold(first) in _PLACE_ABBREVIATIONS:
        return True
    both_names = all(w[:1].isupper() and _could_be_name(w) for w in (first, second))
    return both_names and bool(gap) and not gap.strip(" \t")


def _first_at(name: str, text: str) -> int:
    at = text.find(name)
    return at if at >= 0 else len(text)


def _candidates(text: str) -> list[str]:
    """Who `text` may name: `named_people`, plus the Chinese and Japanese names next to an
    honorific or relation word (`candidate_names`), which `named_people` drops inside running
    text (it looks for word boundaries those scripts do not have)."""
    found = [p.name for p in named_people(text)]
    found += [n for n in candidate_names(text) if not _CASED.search(n) and n not in found]
    return found


_CASED = re.compile(r"[^\W\d_]", re.ASCII)


def _name_part(candidate: str) -> str | None:
    """The part of a candidate that can be a person's name, or None.

    A possessive ends it ("Climate's London" is something of Climate's); greetings, titles and
    platforms at its edges are dropped ("Dear Marcus Reyes", "Search LinkedIn"); a non-name
    word inside it ("Termin Ihrer Wahl") or a single word left from several means no name.
    """
    owner = re.split(r"['’]s\b", candidate, maxsplit=1)
    words = owner[0].split()
    if len(owner) > 1 and len(words) < 2:
        return None
    start, end = 0, len(words)
    while start < end and not _could_be_name(words[start]):
        start += 1
    while end > start and not _could_be_name(words[end - 1]):
        end -= 1
    kept = words[start:end]
    if not kept or not all(_could_be_name(w) for w in kept):
        return None
    if len(kept) == 1 and len(words) > 1:
        return None
    return " ".join(kept)


_GERMAN_TEXT = """
    und ich nicht mit für ist wir sie ein eine einen einem einer der die das den dem des auch bei
    zu mein meine meinen sind hat habe bin von noch oder aber wenn weil dass
"""
_GERMAN = frozenset(_GERMAN_TEXT.split())
_GERMAN_CUE = re.compile(
    r"(?:\b(?:Herrn?|Frau|Dr\.?|Prof\.?|Kolleg(?:e|in|en)|(?:Studien)?[Ff]reund(?:in)?|"
    r"Chef(?:in)?|Mentor(?:in)?|Bekannte[rn]?|Nachbar(?:in)?|Cousine?|Bruder|Schwester)\s+)$"
)


def _is_german(text: str) -> bool:
    tokens = [fold(w) for w in re.findall(r"\w+", text)]
    return len(tokens) >= 4 and sum(t in _GERMAN for t in tokens) >= max(2, len(tokens) // 12)


def _before(text: str, name: str) -> str:
    at = text.find(name)
    return text[max(0, at - 40) : at] if at >= 0 else ""


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


def name_items(named: list[tuple[str, str]], situation: str) -> list[tuple[bool, str]]:
    """(passed, problem) per (role, name) of a name field: the name appears in the situation."""
    return [
        (appears_in(name, situation), f"{role} {name!r} is not named in the situation (invented)")
        for role, name in named
    ]


def known_outcome(items: list[tuple[bool, str]], *, nobody: str, what: str) -> CheckOutcome:
    """The outcome of a names check: `nobody` (a pass) when there is no name to check."""
    if not items:
        return vacuous(nobody)
    return outcome_of(items, f"all {len(items)} {what} appear in the situation")


def people_outcome(
    texts: Iterable[tuple[str, str]], known: str, *, nobody: str, what: str
) -> CheckOutcome:
    """The outcome of a free-text people check: `texts` are (where, text) pairs, each may name
    only people of `known`; `nobody` is the evidence when none names an unknown person."""
    return known_outcome(
        [i for i in people_items(texts, known) if not i[0]], nobody=nobody, what=what
    )
