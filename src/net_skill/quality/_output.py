"""`inspect_output`: every string of a structured answer, and values pasted across fields."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from difflib import SequenceMatcher
from typing import Any

from pydantic import BaseModel

from net_skill.quality._context import (
    Path,
    QualityContext,
    field_keys,
    split_sentences,
    strings_in,
    value_words,
)
from net_skill.quality._detect import (
    Problem,
    bare_word,
    format_path,
    inspect_text,
    problem,
)
from net_skill.text import contains_phrase, stem, words

MIN_PASTED_WORDS = 2
"""Shorter values (a strength word, a yes) may rightly repeat."""
MIN_PASTED_FIELDS = 3
"""One text in this many differently named fields is pasted."""
MIN_WORD_ECHOES = 2
"""A one-word field name counts as an echo when the answer has this many field-name echoes."""


def inspect_output(
    data: BaseModel | Mapping[str, Any] | Sequence[Any], context: QualityContext
) -> list[Problem]:
    """The problems of every string in `data` (a model, a dict or a list), with their paths,
    plus one value pasted into many fields.

    Fields the schema gives a fixed set of values (`context.enum_paths`) are not free text and
    are skipped. Pasted: the same text (the same word stems, so `Current Colleage` and `Current
    Colleagues` are one; two words or more; not taken from the user's text) in
    `MIN_PASTED_FIELDS` or more differently named fields (for a text of six words or more, two
    field names in the items of one list or in that many places), in two fields of one object
    or two items of one list of strings, or a list item repeated word for word. One field
    repeated across items that otherwise differ (the sender's line of each message) is not
    pasted.
    """
    root = data.model_dump(mode="json") if isinstance(data, BaseModel) else data
    every = list(strings_in(root))
    values = [(path, text) for path, text in every if not _is_enum(path, context)]
    problems = [p for path, text in values for p in inspect_text(text, context, path)]
    problems.extend(_bare_words(values, problems, context))
    problems.extend(_fixed_value_repeated(every, {p.path for p in problems}, context))
    empty = {p.path for p in problems if p.kind in _NOT_TEXT}
    kept = [(p, t) for p, t in values if p not in empty]
    problems.extend(_pasted(kept, context))
    problems.extend(
        _duplicate_items(kept, {p.path for p in problems if p.kind == "pasted"}, context)
    )
    problems.extend(
        _repeated_items(kept, {p.path for p in problems if p.kind == "pasted"}, context)
    )
    problems.extend(_pasted_sentences(kept, {p.path for p in problems}, context))
    return problems


_NOT_TEXT = frozenset({"blank", "no_letters"})


def _is_enum(path: Path, context: QualityContext) -> bool:
    return tuple(p for p in path if isinstance(p, str)) in context.enum_paths


def _bare_words(
    values: list[tuple[Path, str]], found: list[Problem], context: QualityContext
) -> list[Problem]:
    """One-word field names or fixed values, when the answer echoes field names more than once
    (`person`, `relationships`, `reason_to_reach_out` as three tracking fields)."""
    hits = [(path, text, hit) for path, text in values if (hit := bare_word(text, context))]
    echoes = len(hits) + sum(1 for p in found if p.kind == "field_name_echo")
    if echoes < MIN_WORD_ECHOES:
        return []
    return [problem(path, *hit, text, context) for path, text, hit in hits]


def _fixed_value_repeated(
    every: list[tuple[Path, str]], done: set[Path], context: QualityContext
) -> list[Problem]:
    """A free-text field that only repeats the fixed value chosen beside it, in any case
    (`primary_goal: career_exploration`, `goal_statement: Career Exploration`): it tells the
    reader nothing the line has not already said. Only identifier-like values count: a name
    chosen from the situation's names may rightly recur in the text beside it."""
    chosen: dict[Path, dict[str, str]] = defaultdict(dict)
    for path, text in every:
        if _is_enum(path, context) and path and isinstance(path[-1], str) and text.islower():
            for form in field_keys(text):
                chosen[path[:-1]][form] = path[-1]
    problems: list[Problem] = []
    for path, text in every:
        owner, _ = _owner(path)
        sibling = chosen.get(owner, {}).get(" ".join(value_words(text)).casefold())
        if sibling and path not in done and not _is_enum(path, context):
            reason = f"only repeats the fixed value of {sibling}"
            problems.append(problem(path, "field_name_echo", reason, text, context))
    return problems


def _duplicate_items(
    values: list[tuple[Path, str]], done: set[Path], context: QualityContext
) -> list[Problem]:
    """Items of one list whose free text is all the same: `offers[0]` and `offers[2]` both
    `{"kind": ..., "detail": "I'm a data analyst at Contoso..."}`. (One field repeated across
    items that otherwise differ, such as the sender's line of each message, is fine.)"""
    items: dict[Path, list[tuple[Path, str]]] = defaultdict(list)
    for path, text in values:  # every list item above the value holds it
        for depth, part in enumerate(path[:-1]):
            if isinstance(part, int):
                items[path[: depth + 1]].append((path, text))
    same: dict[tuple[Path, tuple[tuple[str, str], ...]], list[Path]] = defaultdict(list)
    for item, fields in items.items():
        signature = tuple(sorted((format_path(p[len(item) :]), _key(t)) for p, t in fields))
        if any(len(key.split()) >= MIN_PASTED_WORDS for _, key in signature):
            same[(item[:-1], signature)].append(item)
    problems: list[Problem] = []
    for copies in same.values():
        if len(copies) < 2:
            continue
        for item in copies:
            others = ", ".join(format_path(c) for c in copies if c != item)
            for path, text in items[item]:
                long = len(_key(text).split()) >= MIN_PASTED_WORDS
                if long and path not in done and not contains_phrase(context.source_text, text):
                    reason = f"repeats {others} word for word"
                    found = problem(path, "pasted", reason, text, context)
                    problems.append(replace(found, original=item == copies[0]))
    return problems


def _repeated_items(
    values: list[tuple[Path, str]], done: set[Path], context: QualityContext
) -> list[Problem]:
    """One list of strings holding one text twice, of any length (`shopify, shopify`): a reader
    sees the same item twice, whoever wrote the word first."""
    lists: dict[tuple[Path, str], list[Path]] = defaultdict(list)
    for path, text in values:
        key = _key(text)
        if path and isinstance(path[-1], int) and key:
            lists[(path[:-1], key)].append(path)
    texts = dict(values)
    problems: list[Problem] = []
    for copies in lists.values():
        if len(copies) < 2 or any(path in done for path in copies):
            continue
        text = texts[copies[0]]
        for path in copies:
            others = ", ".join(format_path(c) for c in copies if c != path)
            found = problem(path, "pasted", f"is also the item {others}", text, context)
            problems.append(replace(found, original=path == copies[0]))
    return problems


MIN_SENTENCE_WORDS = 8
"""A sentence this long, the same in the values of three differently named fields, is pasted."""


def _pasted_sentences(
    values: list[tuple[Path, str]], done: set[Path], context: QualityContext
) -> list[Problem]:
    """One long sentence inside the values of `MIN_PASTED_FIELDS` differently named fields (or
    two fields of one object, which a reader sees side by side: the parts of one message), its
    numbers aside (`El proyecto de la fuente … de 24.` and `… de 50.`), with other text around
    it: the values differ, so `_pasted` does not group them. The first place keeps it; the
    others are problems."""
    places: dict[str, list[tuple[Path, str]]] = defaultdict(list)
    for path, text in values:
        for sentence in dict.fromkeys(split_sentences(text)):
            key = _key(sentence, digits=False)
            if len(key.split()) >= MIN_SENTENCE_WORDS and all(p != path for p, _ in places[key]):
                places[key].append((path, sentence))
    problems: list[Problem] = []
    texts = dict(values)
    flagged = set(done)
    for group in places.values():
        fields = {_leaf(path) for path, _ in group}
        if len(fields) < MIN_PASTED_FIELDS and not _two_fields_of_one_object(group):
            continue
        if contains_phrase(context.source_text, group[0][1]):
            continue
        first = format_path(group[0][0])
        for path, _ in group[1:]:
            if path not in flagged:
                flagged.add(path)
                reason = f"repeats a sentence of {first} and {len(group) - 2} other value(s)"
                problems.append(problem(path, "pasted_sentence", reason, texts[path], context))
    return problems


def _two_fields_of_one_object(group: list[tuple[Path, str]]) -> bool:
    """Whether two differently named fields of one object are among the places (the why and
    the message of one ask), whatever other places hold the text too."""
    fields: dict[Path, set[str]] = defaultdict(set)
    for path, _ in group:
        fields[_owner(path, True)[0]].add(_leaf(path))
    return any(len(names) >= 2 for names in fields.values())


def _key(text: str, *, digits: bool = True) -> str:
    return " ".join(stem(w) for w in words(text, digits=digits))


def _leaf(path: Path) -> str:
    return next((p for p in reversed(path) if isinstance(p, str)), "")


MIN_LONG_WORDS = 12
"""A text this long in two fields of one object is pasted, list item or not (a short one,
such as a closing question, may rightly be a list item and a field of its own)."""


def _owner(path: Path, long: bool = False) -> tuple[Path, bool]:
    """The object that holds the field at `path`, and whether the value is a list item
    (always False for a `long` text): `gaps[1]` and `where_to_build[0]` are list items of
    the root object, `targets[0].research.background` a plain field of
    `targets[0].research`."""
    end = len(path)
    while end and isinstance(path[end - 1], int):
        end -= 1
    return path[: max(0, end - 1)], end < len(path) and not long


def _pasted(values: list[tuple[Path, str]], context: QualityContext) -> list[Problem]:
    problems: list[Problem] = []
    for group in _copies(values):
        if len(group) < 2 or contains_phrase(context.source_text, group[0][1]):
            continue
        fields = {_leaf(path) for path, _ in group}
        shortest = min(len(_key(t).split()) for _, t in group)
        long = shortest >= MIN_LONG_WORDS
        owners = [_owner(path, long) for path, _ in group]
        paired = [(p, t) for p, t in group if owners.count(_owner(p, long)) > 1]
        if len(fields) >= MIN_PASTED_FIELDS:
            pasted = group
        elif paired:
            # Two places in one object (or list of strings) are pasted, and so is any other
            # field holding the text; the same field of other items is not.
            paired_fields = {_leaf(p) for p, _ in paired}
            pasted = [(p, t) for p, t in group if (p, t) in paired or _leaf(p) not in paired_fields]
        elif (
            len(fields) >= 2
            and shortest >= MIN_NEAR_WORDS
            and (_in_one_list(group) or len(group) >= MIN_PASTED_FIELDS)
        ):
            pasted = group[1:]  # the first place keeps it
        else:
            continue
        same = len({_key(t) for _, t in group}) == 1
        for path, text in pasted:
            others = ", ".join(format_path(p) for p, _ in group if p != path)
            reason = (
                f"is {'also' if same else 'nearly word for word'} the answer of {others}"
                if len(group) <= 4
                else f"is pasted into {len(group)} fields"
            )
            problems.append(problem(path, "pasted", reason, text, context))
    return problems


def _in_one_list(group: list[tuple[Path, str]]) -> bool:
    """Whether every place is in the items of one list: there, two differently named fields
    holding one long text are pasted (`targets[0].research.common_ground` and
    `targets[1].research.background`). Elsewhere a thing may rightly be said twice: a
    superpower is often one of the offers, and a contact's description is the same person's
    profile as a target."""
    lists = {_list_of(path) for path, _ in group}
    return len(lists) == 1 and None not in lists


def _list_of(path: Path) -> Path | None:
    """The list of objects whose item holds `path` (`("targets",)`), if any."""
    for index in range(len(path) - 1):
        if isinstance(path[index], int):
            return path[:index]
    return None


MIN_NEAR_WORDS = 6
"""Values this long that differ in a word or two are one text pasted with a small edit."""
NEAR_RATIO = 0.85


def _copies(values: list[tuple[Path, str]]) -> list[list[tuple[Path, str]]]:
    """Values grouped by their word stems: the same text, or a long text nearly the same
    (`the current company is ...` and `the current industry is ...`)."""
    places: dict[str, list[tuple[Path, str]]] = defaultdict(list)
    for path, text in values:
        key = _key(text)
        if len(key.split()) >= MIN_PASTED_WORDS:
            places[key].append((path, text))
    keys = list(places)
    long = [k for k in keys if len(k.split()) >= MIN_NEAR_WORDS]
    merged_into: dict[str, str] = {}
    for index, first in enumerate(long):
        if first in merged_into:
            continue
        for second in long[index + 1 :]:
            if second not in merged_into and _alike(first, second):
                merged_into[second] = first
                places[first].extend(places[second])
    return [group for key, group in places.items() if key not in merged_into]


def is_copy(first: str, second: str) -> bool:
    """Whether two values are one text as `inspect_output` groups pasted values: the same
    word stems, or long and nearly the same."""
    return _alike(_key(first), _key(second))


def _alike(first: str, second: str) -> bool:
    """Two word-stem keys of one text: equal, or long and nearly the same."""
    shortest = min(len(first.split()), len(second.split()))
    return first == second or (shortest >= MIN_NEAR_WORDS and _near(first, second))


def _near(first: str, second: str) -> bool:
    a, b = first.split(), second.split()
    if min(len(a), len(b)) < NEAR_RATIO * max(len(a), len(b)):
        return False  # ratio is at most 2*min/(len a + len b)
    shared = len(set(a) & set(b))
    if shared < NEAR_RATIO * min(len(set(a)), len(set(b))):
        return False
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= NEAR_RATIO
