"""The rule that people are never invented: a named person must appear in the source text."""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Collection
from typing import Any

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


_NAME_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_PARTICLES = {
    "de",
    "da",
    "del",
    "della",
    "van",
    "von",
    "der",
    "den",
    "la",
    "le",
    "bin",
    "al",
    "ibn",
}
_NOT_NAMES = {
    "i",
    "i'm",
    "i’m",
    "i've",
    "i'd",
    "i'll",
    "my",
    "me",
    "we",
    "our",
    "you",
    "your",
    "he",
    "she",
    "they",
    "it",
    "the",
    "a",
    "an",
    "and",
    "or",
    "but",
    "so",
    "if",
    "in",
    "on",
    "at",
    "of",
    "for",
    "to",
    "with",
    "from",
    "now",
    "then",
    "also",
    "after",
    "before",
    "since",
    "when",
    "while",
    "this",
    "that",
    "there",
    "here",
    "what",
    "who",
    "how",
    "why",
    "hi",
    "hello",
    "dear",
    "thanks",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "ceo",
    "cto",
    "cfo",
    "pm",
    "phd",
    "mba",
    "ai",
    "ml",
    "ux",
    "ui",
}
MAX_NAME_CANDIDATES = 40


def candidate_names(text: str) -> list[str]:
    """Capitalised word runs of `text` that could be people's names, in order of appearance.

    Over-inclusion is harmless (a company name is not a person, but it does appear in the
    text); the list only ever narrows what a model may write into a name field. The writer's
    own name ("I'm Priya", "my name is Priya") is left out: nobody networks with themselves.
    """
    found: list[str] = []
    own: set[str] = set()
    run: list[str] = []
    run_start = 0

    def close_run() -> None:
        while run and run[-1].casefold() in _PARTICLES:
            run.pop()
        if run:
            names = (" ".join(run), *(run if len(run) <= 3 else ()))
            if _SELF_INTRODUCTION.search(text, 0, run_start):
                own.update(names)
            found.extend(n for n in names if n not in found)
        run.clear()

    previous_end = 0
    for match in _NAME_WORD.finditer(text):
        word = match.group().rstrip("'’-")
        gap = text[previous_end : match.start()]
        previous_end = match.end()
        if run and gap.strip():  # punctuation between words ends a name
            close_run()
        if word[:1].isupper() and word.casefold() not in _NOT_NAMES and len(word) > 1:
            if not run:
                run_start = match.start()
            run.append(word)
        elif run and word.casefold() in _PARTICLES:
            run.append(word)
        else:
            close_run()
    close_run()
    return [name for name in found if name not in own][:MAX_NAME_CANDIDATES]


_SELF_INTRODUCTION = re.compile(r"(?:\bI['’]m|\bI am|\bmy name is|\bcall me)\s+\Z", re.IGNORECASE)


def constrain_name_fields(
    schema: dict[str, Any], candidates: list[str], fields: Collection[str]
) -> dict[str, Any]:
    """A copy of `schema` where the optional string properties named in `fields` (person-name
    fields) may only hold one of `candidates`.

    With constrained decoding (llama.cpp grammars, Claude structured outputs) a model then
    cannot invent a name at all; without candidates the only choice left is null.
    """
    constrained = copy.deepcopy(schema)
    allowed: dict[str, Any] = (
        {"type": "string", "enum": list(candidates)} if candidates else {"type": "null"}
    )

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            properties = node.get("properties")
            if isinstance(properties, dict):
                for key, prop in properties.items():
                    if key in fields and isinstance(prop, dict) and _is_optional_string(prop):
                        description = prop.get("description")
                        properties[key] = {
                            "anyOf": [allowed, {"type": "null"}] if candidates else [allowed],
                            **({"description": description} if description else {}),
                        }
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(constrained)
    return constrained


def _is_optional_string(prop: dict[str, Any]) -> bool:
    options = prop.get("anyOf")
    if not isinstance(options, list):
        return False
    kinds = {o.get("type") for o in options if isinstance(o, dict)}
    return kinds == {"string", "null"}
