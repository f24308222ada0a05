"""Which contacts matter for a goal: rank people by how their company, title, labels and notes
match a text (the situation, a plan's goal), by recent interaction and by tie strength.

Term weights are inverse document frequencies over the contacts themselves, so a word half the
network shares ("manager") counts for little and a company named in the situation for a lot.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from net_skill.contacts._model import TIE_RANK, Contact, TieStrength
from net_skill.text import content_terms, words

RECENT_DAYS = 180
"""An interaction this recent makes a contact worth considering whatever the goal."""
DORMANT_AFTER_DAYS = 3 * 365
"""A connection made longer ago than this, with no interaction logged, is taken as dormant."""
COMMON_SHARE = 0.25
"""A term that more than this share of a large network matches cannot make anyone relevant alone."""
TELLING_IDF = math.log(10)
"""In a large network, a title or note match makes someone relevant only when its words are
together as telling as a word that 1 contact in 10 has (`Data Analyst` is, `Designer` alone
may not be). Company, label and name matches always count."""
SMALL_NETWORK = 40
"""Up to this many contacts, any match counts."""

_GENERIC_TEXT = """
    want wants wanting looking look moving move moved trying try get getting know knows knew met
    meet like new old former current currently years year months month week weeks time work
    works worked working job jobs role roles team teams people person someone friend friends
    help helping helped still since ago last next first good great really company companies inc
    llc ltd co corp corporation plc gmbh sa ag group holdings senior junior lead head principal
    staff associate assistant intern
"""
GENERIC_WORDS = frozenset(_GENERIC_TEXT.split())
"""Words too common in situations and job titles to say who matters (folded, before stems);
function words are dropped already (`net_skill.text.STOPWORDS`)."""

_ABBREVIATION_WORDS: dict[str, str] = {
    "pm": "product manager",
    "tpm": "technical program manager",
    "apm": "product manager",
    "swe": "software engineer",
    "sde": "software development engineer",
    "dev": "developer",
    "eng": "engineering",
    "ux": "user experience design",
    "ui": "design",
    "ml": "machine learning",
    "ai": "artificial intelligence",
    "hr": "human resources recruiting",
    "vc": "venture capital",
    "qa": "quality testing",
    "bd": "business development",
}
ABBREVIATIONS: dict[str, frozenset[str]] = {
    short: frozenset(content_terms(words)) for short, words in _ABBREVIATION_WORDS.items()
}
"""A job-title abbreviation and the terms it stands for (`PM` -> product, manager)."""


def terms_of(text: str) -> frozenset[str]:
    """The matching terms of a text: `net_skill.text.content_terms` (folded stems of the words
    that carry meaning, any language) less generic words, abbreviations expanded."""
    terms = content_terms(text, ignore=GENERIC_WORDS)
    for short in terms & ABBREVIATIONS.keys():
        terms |= ABBREVIATIONS[short]
    return frozenset(terms)


Field = str
"""Which part of a contact matched: `name`, `company`, `title`, `label` or `note`."""

_WEIGHTS: dict[Field, float] = {"company": 1.0, "title": 1.5, "label": 2.0, "note": 1.0}
_WHOLE_COMPANY_BONUS = 2.0
_NAMED_SCORE = 50.0
_RECENT_SCORE = 3.0


@dataclass(frozen=True, slots=True)
class Ranked:
    """A contact with its relevance score, tie strength and what matched."""

    contact: Contact
    score: float
    tie: TieStrength
    matched: tuple[Field, ...]
    """Fields that matched the text (`name` first when the text names the person)."""
    terms: tuple[str, ...]
    """The matching terms (folded and stemmed: `manag` for manager or management)."""
    recent: bool
    """Last interaction within `RECENT_DAYS`."""

    @property
    def relevant(self) -> bool:
        return bool(self.matched) or self.recent


def estimate_tie(contact: Contact, today: date) -> TieStrength:
    """The tie strength a source states, else what its dates say: a recent interaction is a
    medium tie; a connection made over three years ago and never logged is dormant, a more
    recent one (or one without a date) weak."""
    if contact.tie is not None:
        return contact.tie
    if contact.last_contact is not None:
        days = (today - contact.last_contact).days
        return "medium" if days <= RECENT_DAYS else "weak" if days <= 730 else "dormant"
    if (
        contact.connected_on is not None
        and (today - contact.connected_on).days > DORMANT_AFTER_DAYS
    ):
        return "dormant"
    return "weak"


class _Analyser:
    """Terms of each distinct field value, computed once per ranking (exports repeat values)."""

    def __init__(self) -> None:
        self.cache: dict[str, frozenset[str]] = {}

    def __call__(self, value: str) -> frozenset[str]:
        found = self.cache.get(value)
        if found is None:
            found = self.cache[value] = terms_of(value) if value else frozenset()
        return found


def rank_contacts(
    contacts: Sequence[Contact], text: str, *, today: date, also: str = ""
) -> list[Ranked]:
    """Every contact, most relevant to `text` (and `also`, for example a plan's goal) first.

    A contact named in the text comes first, then company, title, label and note matches
    weighted by how rare the matching words are in this network, then a recent interaction;
    ties are broken by tie strength, then by the most recent connection.
    """
    query = terms_of(f"{text}\n{also}")
    text_words = _phrases(words(f"{text}\n{also}"))
    analyse = _Analyser()
    matches: list[dict[Field, frozenset[str]]] = []
    frequency: dict[str, int] = {}
    for contact in contacts:
        found = _field_matches(contact, query, analyse)
        for term in set().union(*found.values()) if found else ():
            frequency[term] = frequency.get(term, 0) + 1
        matches.append(found)
    total = max(len(contacts), 1)
    idf = {t: math.log((total + 1) / (n + 0.5)) for t, n in frequency.items()}
    large = total > SMALL_NETWORK
    common = {t for t, n in frequency.items() if n > COMMON_SHARE * total} if large else set()
    telling = TELLING_IDF if large else 0.0
    ranked = [
        _score(contact, found, idf, common, telling, text_words, analyse, today)
        for contact, found in zip(contacts, matches, strict=True)
    ]
    ranked.sort(key=_order)
    return ranked


def _order(r: Ranked) -> tuple[float, int, int, str]:
    connected = r.contact.connected_on.toordinal() if r.contact.connected_on else 0
    return (-r.score, -TIE_RANK[r.tie], -connected, r.contact.name)


def _field_matches(
    contact: Contact, query: frozenset[str], analyse: _Analyser
) -> dict[Field, frozenset[str]]:
    found: dict[Field, frozenset[str]] = {}
    for field, value in (
        ("company", contact.company),
        ("title", contact.title),
        ("note", contact.note),
    ):
        if value:
            hit = analyse(value) & query
            if hit:
                found[field] = hit
    for label in contact.labels:
        hit = analyse(label) & query
        if hit:
            found["label"] = found.get("label", frozenset()) | hit
    return found


def _score(
    contact: Contact,
    found: dict[Field, frozenset[str]],
    idf: dict[str, float],
    common: set[str],
    telling: float,
    text_words: set[str],
    analyse: _Analyser,
    today: date,
) -> Ranked:
    tie = estimate_tie(contact, today)
    recent = contact.last_contact is not None and (today - contact.last_contact).days <= RECENT_DAYS
    score = TIE_RANK[tie] * 0.25 + (_RECENT_SCORE if recent else 0.0)
    matched: list[Field] = []
    terms: list[str] = []
    if _named_in(contact.name, text_words):
        score += _NAMED_SCORE
        matched.append("name")
    for field, hit in found.items():
        weight = sum(idf[t] for t in hit)
        score += _WEIGHTS[field] * weight
        if field == "company" and hit == analyse(contact.company):
            score += _WHOLE_COMPANY_BONUS * weight
        if field in ("title", "note") and weight < telling:
            continue
        if not hit <= common:
            matched.append(field)
            terms.extend(sorted(hit - common))
    return Ranked(contact, score, tie, tuple(matched), tuple(dict.fromkeys(terms)), recent)


MAX_NAME_WORDS = 4


def _phrases(tokens: Sequence[str]) -> set[str]:
    """Every run of 1 to `MAX_NAME_WORDS` consecutive words of a text."""
    return {
        " ".join(tokens[i : i + n])
        for n in range(1, MAX_NAME_WORDS + 1)
        for i in range(len(tokens) - n + 1)
    }


def _named_in(name: str, phrases: set[str]) -> bool:
    """Whether the text writes the whole name, its words in order (`Dana Okafor`)."""
    last = name.lower().split()[-1:] if name.isascii() else []
    if last and last[0].strip('.,;:()"') not in phrases:  # a quick no for most names
        return False
    tokens = words(name)
    return 0 < len(tokens) <= MAX_NAME_WORDS and " ".join(tokens) in phrases
