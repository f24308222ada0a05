"""Checks of single step answers that only the networking skill can make (re-asked like any
problem): a gap names someone the network lacks, not a contact it has; a target's research
says something beyond its own profile line."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from difflib import SequenceMatcher
from typing import Any

from net_skill.eval._text import similarity, words
from net_skill.names import appears_in
from net_skill.quality import format_path, strings_in
from net_skill.skills.networking.checks.people import invented_people
from net_skill.skills.networking.grounding import named_people
from net_skill.structured import AnswerCheck, Problem
from net_skill.text import contains_phrase

COPY_RATIO = 0.9
"""Word sequences this alike are one text given twice (near-copies of a checked sentence)."""


def _near(first: str, second: str) -> bool:
    a, b = words(first), words(second)
    return bool(a) and bool(b) and similarity(a, b) >= COPY_RATIO


_NOT_A_CONTACT = {
    "gaps": (
        "describes a contact the person already has",
        "the value described a contact the person already has",
        "a kind of person the network is missing",
    ),
    "where_to_build": (
        "names a contact, not a place",
        "the value named a contact, not a place",
        "a place, event or community to meet people",
    ),
}
"""Per field: what is wrong (in the message, after the value; in the hint, without it) and
what is wanted."""


def gaps_are_not_contacts(data: Any) -> Sequence[Problem]:
    """A gap (or a place to build) that names or re-describes a contact of the audit."""
    contacts = data.get("contacts") or [] if isinstance(data, dict) else []
    known = [
        str(c.get(k) or "")
        for c in contacts
        if isinstance(c, dict)
        for k in ("name", "description")
    ]
    names = [str(c.get("name")) for c in contacts if isinstance(c, dict) and c.get("name")]
    problems = []
    for field, (wrong, hint, wanted) in _NOT_A_CONTACT.items():
        for index, text in enumerate(data.get(field) or [] if isinstance(data, dict) else []):
            if not isinstance(text, str):
                continue
            plain = re.sub(r"['’]s\b", "", text)  # Nair's -> Nair
            names_one = any(contains_phrase(plain, n) for n in names)
            if names_one or any(_near(text, t) for t in known if t):
                problems.append(
                    Problem(
                        (field, index),
                        f"{field}[{index}]: {text[:60]!r} {wrong}; write {wanted}",
                        "check",
                        "gap_is_contact",
                        f"{hint}; write {wanted}",
                    )
                )
    return problems


def research_says_more_than_the_profile(data: Any) -> Sequence[Problem]:
    """A target's research says something beyond its own profile line."""
    problems = []
    targets = data.get("targets") or [] if isinstance(data, dict) else []
    for index, target in enumerate(targets):
        if not isinstance(target, dict) or not isinstance(target.get("research"), dict):
            continue
        profile = str(target.get("profile") or "")
        for field, text in target["research"].items():
            if isinstance(text, str) and _near(text, profile):
                problems.append(
                    Problem(
                        ("targets", index, "research", field),
                        f"targets[{index}].research.{field} repeats the target's profile; "
                        f"write the {field.replace('_', ' ')} itself",
                        "check",
                        "research_is_profile",
                        f"the value repeated the target's profile; write the "
                        f"{field.replace('_', ' ')} itself",
                    )
                )
    return problems


NAME_LIKENESS = 0.85
"""Character likeness at which a short text is a (misspelt) name: `amr haddad`."""


def _is_a_name(text: str, names: Sequence[str]) -> bool:
    folded = " ".join(text.strip(" .,;").casefold().split())
    return any(
        n and SequenceMatcher(None, folded, n, autojunk=False).ratio() >= NAME_LIKENESS
        for n in names
    )


KNOWN_PLACES = frozenset(
    {"linkedin", "meetup", "slack", "discord", "github", "twitter", "x", "reddit", "eventbrite"}
)
"""Where-to-build answers that are proper names anywhere: the usual networking venues."""


def where_to_build_check(source_text: str) -> AnswerCheck:
    def check(data: Any) -> Sequence[Problem]:
        places = data.get("where_to_build") or [] if isinstance(data, dict) else []
        problems = []
        for index, place in enumerate(places):
            if not isinstance(place, str):
                continue
            tokens = place.strip(" .,;").split()
            proper = 0 < len(tokens) <= 2 and all(w[:1].isupper() for w in tokens)
            if (
                proper
                and place.strip(" .,;").casefold() not in KNOWN_PLACES
                and not appears_in(place.strip(" .,;"), source_text)
            ):
                problems.append(
                    Problem(
                        ("where_to_build", index),
                        f"where_to_build[{index}]: {place[:40]!r} is a name the situation never "
                        "mentions; say what kind of place, event or community",
                        "check",
                        "invented_place",
                        "the value named a place the situation never mentions; say what kind "
                        "of place, event or community",
                    )
                )
        return problems

    return check


def people_are_not_invented(source_text: str) -> AnswerCheck:
    """No free text names a person the situation (or the contacts) never mentions: the name
    fields are narrowed to known names, but a small model writes `Mike Brown` into the text."""

    def check(data: Any) -> Sequence[Problem]:
        problems = []
        for path, text in strings_in(data):
            invented = invented_people(text, source_text)
            if invented:
                where = format_path(path)
                problems.append(
                    Problem(
                        path,
                        f"{where}: names {', '.join(invented)}, whom the situation never "
                        "mentions; never invent people: describe the kind of person instead",
                        "check",
                        "invented_person",
                        "the value named someone the situation never mentions; describe the "
                        "kind of person instead",
                    )
                )
        return problems

    return check


PERSON_FIELDS = frozenset({"name", "via", "person"})
"""Fields that hold a person's name (narrowed or validated): the rest is free text."""


def text_is_not_only_a_name(source_text: str) -> AnswerCheck:
    """Free text that is only a person's name (`Background: Ben Carter`, an outreach line
    `Aisha Rahman`, `Value to offer: amr haddad`) answers nothing."""
    people = [p.name.casefold() for p in named_people(source_text)]
    return _value_check(
        "only_a_name",
        "is only a person's name; write what the field asks for",
        "the value was only a person's name; write what the field asks for",
        lambda path, text: _leaf(path) not in PERSON_FIELDS and _is_a_name(text, people),
    )


_STATEMENT_FIELD_TEXT = """
    goal_statement kind_of_person where seniority description relevance gaps where_to_build
    superpower value_proposition profile background common_ground value_to_offer why_you
    who_i_am tell_me_about_yourself thank_you_note reason_to_reach_out habits why_them timing
"""
STATEMENT_FIELDS = frozenset(_STATEMENT_FIELD_TEXT.split())
"""Fields that state something: a value made only of questions there (`Value proposition: What
value can I offer to you?`) restates the field instead of answering it. Questions, asks,
messages and what to learn may rightly be questions."""

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")


def _only_questions(text: str) -> bool:
    sentences = [s for s in _SENTENCE_END.split(text.strip()) if s.strip()]
    return bool(sentences) and all(s.rstrip().endswith(("?", "？")) for s in sentences)


def statements_are_not_questions(_source_text: str) -> AnswerCheck:
    """A value of a `STATEMENT_FIELDS` field that is only questions."""
    return _value_check(
        "question_not_statement",
        "is a question; say it as a statement",
        "the value was a question; write what the field asks for as a statement",
        lambda path, text: _leaf(path) in STATEMENT_FIELDS and _only_questions(text),
    )


_PROSE_FIELD_TEXT = """
    goal_statement detail relevance superpower value_proposition background common_ground
    value_to_offer why_you who_i_am ask make_it_easy follow_up_message hope_to_learn
    tell_me_about_yourself questions thank_you_note reason_to_reach_out why_them message
    if_they_say_no profile
"""
PROSE_FIELDS = frozenset(_PROSE_FIELD_TEXT.split())
"""Fields one word cannot answer (`Relevance: kiddie`, `Information: careersaving`): they ask
what exactly is needed, how someone relates to the goal, a line of a message, a target's
role, company and context (not `Minecraft.com`). A kind, a seniority or a place may rightly
be one word (`Senior`, `Fintech`)."""


def prose_is_not_one_word(_source_text: str) -> AnswerCheck:
    """A value of a `PROSE_FIELDS` field that is a single word."""
    return _value_check(
        "one_word",
        "is one word; write a phrase that says it",
        "the value was one word; write a phrase that says what the field asks",
        lambda path, text: _leaf(path) in PROSE_FIELDS and _one_word(text),
    )


_DOMAIN = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z]{2,})+")


def _one_word(text: str) -> bool:
    """One word, or one domain name standing alone (`Minecraft.com`, `Narcos.net`)."""
    return len(words(text, digits=True)) == 1 or bool(_DOMAIN.fullmatch(text.strip().rstrip(".")))


_QUESTION = re.compile(r"[?？]|[か吗呢][。.]?\s*$")


def questions_are_questions(_source_text: str) -> AnswerCheck:
    """An interview question with no question in it (`the interview was a success. thank you
    for your time.`) is a statement, not something to ask."""
    return _value_check(
        "not_a_question",
        "asks nothing; write a question to ask",
        "the value was not a question; write a question to ask them",
        lambda path, text: (
            _leaf(path) == "questions" and bool(text.strip()) and not _QUESTION.search(text)
        ),
    )


def _value_check(
    label: str, says: str, hint: str, wrong: Callable[[tuple[str | int, ...], str], bool]
) -> AnswerCheck:
    """A check with one problem per string value that is `wrong` at its path."""

    def check(data: Any) -> Sequence[Problem]:
        return [
            Problem(path, f"{format_path(path)}: {text[:40]!r} {says}", "check", label, hint)
            for path, text in strings_in(data)
            if wrong(path, text)
        ]

    return check


def _leaf(path: tuple[str | int, ...]) -> str:
    return next((str(p) for p in reversed(path) if isinstance(p, str)), "")


def _fixed(check: AnswerCheck) -> Callable[[str], AnswerCheck]:
    return lambda _source_text: check


STEP_ANSWER_CHECKS: dict[int, tuple[Callable[[str], AnswerCheck], ...]] = {
    2: (_fixed(gaps_are_not_contacts), where_to_build_check),
    4: (_fixed(research_says_more_than_the_profile),),
}
"""Per step, the checks of its answers, each made for the situation's text."""


EVERY_STEP_CHECKS: tuple[Callable[[str], AnswerCheck], ...] = (
    people_are_not_invented,
    text_is_not_only_a_name,
    statements_are_not_questions,
    prose_is_not_one_word,
    questions_are_questions,
)


def step_answer_checks(number: int, source_text: str) -> tuple[AnswerCheck, ...]:
    makers = (*EVERY_STEP_CHECKS, *STEP_ANSWER_CHECKS.get(number, ()))
    return tuple(make(source_text) for make in makers)
