"""`inspect_text`: the problems of one string value, each with a message to the model."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from difflib import Match, SequenceMatcher
from itertools import pairwise
from typing import Literal

from net_skill.quality._context import (
    URL_PATTERN,
    Path,
    QualityContext,
    Reference,
    echo_tokens,
    joined_tokens,
    ngrams,
    normalise_url,
    split_sentences,
    value_words,
)
from net_skill.text import fold, words

ProblemKind = Literal[
    "blank",
    "no_letters",
    "template_debris",
    "json_debris",
    "field_name_echo",
    "schema_echo",
    "instruction_echo",
    "skill_text_echo",
    "example_echo",
    "word_loop",
    "foreign_url",
    "foreign_timestamp",
    "pasted",
    "pasted_sentence",
]


@dataclass(frozen=True)
class Problem:
    """One degenerate value: where it is, what is wrong, and a sentence to the model about it."""

    path: Path
    kind: ProblemKind
    message: str
    """One sentence addressed to the model, naming the field, fit to feed back in a re-ask."""
    value: str
    hint: str = field(default="", compare=False)
    """What is wrong and what to write, without the value: a small model shown its rejected
    value in a re-ask writes it again."""
    original: bool = field(default=False, compare=False)
    """The first of several copies (`targets[0]` when `targets[1]` repeats it): rewriting the
    copies is enough."""

    @property
    def loc(self) -> str:
        """The path as validation errors write it (`gaps.1`), `(root)` for a bare value."""
        return ".".join(str(p) for p in self.path) or "(root)"

    def __str__(self) -> str:
        return self.message


def format_path(path: Path) -> str:
    """`("outreach", "messages", 0, "ask")` as `outreach.messages[0].ask`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


# --- patterns ------------------------------------------------------------------------------

_PLACEHOLDER_TEXT = """
    n/a na n.a. tbd tba todo unknown none null nil undefined placeholder xxx etc
    ninguno ninguna nada aucun aucune rien keine keiner nichts nenhum nenhuma なし 無し 无 没有 無
"""
_PLACEHOLDERS = frozenset(_PLACEHOLDER_TEXT.split()) | {
    "to do",
    "not applicable",
    "lorem ipsum",
    "same as above",
    "see above",
}
_TEMPLATE = re.compile(
    r"\{\{|\}\}|\{%|%\}|\{#|#\}|\$\{|\$[A-Z][A-Z_]{2,}\b"
    r"|\{[^{}\n]{0,40}\}"  # a slot: {400}, {name}, {}
    r"|\[[^\W\d_][^\[\]\n\d]{0,30}\](?!\()"  # [Name], [role type]; not a markdown link
    r"|<[A-Za-z][A-Za-z _-]{0,30}>"  # <name>
    r"|</[A-Za-z]"  # a closing tag: </interview_list
)
_JSON = re.compile(
    r"\"\s*:"  # "key":
    r"|\[\s*[\[{\"]|\{\s*[\[\"]"  # [{  [[  ["  {"  ({{ is a template's)
    r"|\},\s*\{|\],\s*\[|[}\]],[{\[\"]|\",\"|\"\s*[}\]]"  # },{  ],[  ","  "}
    r"|\\[nt\"]|\b(?:null|true|false|None)\s*[,}\]]"  # \n  null}
    r"|^\W*[:,\]}]|[{\[]\W*$"  # starts with a closer, ends with an opener
    r"|[\"”],\s*$"  # ends as a JSON string does before the next one: `across”,`
    r"|^\s*[A-Za-z_][\w-]*\s*=\s*$"  # a key and nothing else: `class=`, `src=`
    r"|(?<!\{)\{(?!\{)|(?<!\})\}(?!\})"  # a lone brace: `);{ type:` ({{ is a template's)
)
_IDENTIFIER = re.compile(
    r"(?<![\w.@/-])[A-Za-z][a-z0-9']*(?:_[A-Za-z0-9']+)+(?![\w@/-]|\.[a-z0-9]{1,5}\b)"
)
_SLUG = re.compile(r"[A-Za-z0-9']+(?:[-._][A-Za-z0-9']+){3,}")
MIN_SLUG_LENGTH = 20
LONG_IDENTIFIER_PARTS = 4
_KEY_PREFIX = re.compile(r"^\W*([A-Za-z][\w ]{0,40}?)\s*([:=])\s*(.*)$", re.DOTALL)
_EMAIL = re.compile(r"\S+@\S+")
_TIMESTAMP = re.compile(
    r"\b\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
    r"|\b\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\b"
    r"|\b\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})\b|\b\d{1,2}\.\d{1,2}\.\d{4}\b"
    r"|\d{4}年\d{1,2}月(?:\d{1,2}日)?"
)
_LIMITS = re.compile(
    r"\b(?:at most|at least|up to|maximum|max\.?)\s+\d+\s+(?:characters|chars|items|words)\b"
    r"|\b\d+\s+(?:characters|chars)\b|\blist of \d+ to \d+\b"
    r"|^\s*\d+\s+(?:words|items)\s*\.?\s*$",  # the whole value a length: `25 words`
    re.IGNORECASE,
)
_CHARACTER_LOOP = re.compile(r"([^\W\d_])\1{5,}")

MIN_ECHO_WORDS = 4
"""A copied run of the prompt or schema this long (and most of the value) is an echo."""
MIN_SKILL_ECHO_WORDS = 3
"""A copied skill item this long (most of the value and of the item) is an echo."""
ECHO_SHARE = 0.8
MIN_WHOLE_COPY_WORDS = 5
"""A description, instruction or example line copied whole, this long or longer, and padded
only with filler, is an echo however long the padding."""
SKILL_ITEM_SHARE = 0.6
LOOP_COPIES = (4, 3, 3, 3)
"""How many back-to-back copies of a 1-, 2-, 3- or 4-word unit make a loop."""
LOW_VARIETY_WORDS, LOW_VARIETY_SHARE = 12, 0.25


# --- checks --------------------------------------------------------------------------------

Check = Callable[[str, QualityContext], "tuple[ProblemKind, str] | None"]


_BARE_REPLY_TEXT = """
    yes no yeah nope ok okay maybe sure si sí oui non ja nein sim nao não はい いいえ 是 否 对 不
"""
_BARE_REPLIES = frozenset(_BARE_REPLY_TEXT.split())
"""A reply to a yes-or-no question: never the text a free-text field asks for."""


def _blank(text: str, _context: QualityContext) -> tuple[ProblemKind, str] | None:
    cleaned = " ".join(fold(text).split()).strip(" .…")
    if not cleaned or cleaned in _PLACEHOLDERS:
        return "blank", "is empty or a placeholder, not an answer"
    if cleaned.strip("!?¡¿,;") in _BARE_REPLIES or text.strip(" .!?") in _BARE_REPLIES:
        return "blank", "is a bare yes or no, not an answer"
    return None


MIN_JOINED_LETTERS = 12


def _joined_words(text: str, context: QualityContext) -> tuple[ProblemKind, str] | None:
    """The whole value is one long made-up word of joined capitalised parts
    (`MateuszGáczaKołakurki`), which no reader can use; a brand the user wrote is fine."""
    word = text.strip(" .,;:!?")
    if " " in word or len(word) < MIN_JOINED_LETTERS or not word.isalpha():
        return None
    joins = sum(1 for a, b in pairwise(word) if a.islower() and b.isupper())
    if joins and not context.in_source(word):
        return "field_name_echo", "is one made-up word, not an answer"
    return None


_JSON_LITERALS = frozenset({"true", "false", "null", "undefined", "nan"})
_SIZE_RANGE = re.compile(r"(?:list of\s+)?\d+\s+to\s+\d+", re.IGNORECASE)
"""A list size as the answer's outline writes it (`list of 1 to 3`)."""


def _no_letters(text: str, context: QualityContext) -> tuple[ProblemKind, str] | None:
    stripped = text.strip().strip(".").strip()
    if stripped.strip(" ,;:'\"").casefold() in _JSON_LITERALS:  # `True,` too
        return "json_debris", f"is a JSON literal ({stripped}), not text"
    if _SIZE_RANGE.fullmatch(stripped) and not context.in_source(stripped):
        return "schema_echo", f"copies a list size from the answer's outline ({stripped})"
    if any(c.isalpha() for c in text):
        return None
    if not (any(c.isdigit() for c in text) and _number_in_source(text, context)):
        return "no_letters", "has no words in it"
    return None


def _number_in_source(text: str, context: QualityContext) -> bool:
    """A number the user gave, whole (`20` is not in `RSA 2023`)."""
    folded = fold(text).strip()
    pattern = rf"(?<![\d.,]){re.escape(folded)}(?![\d]|[.,]\d)"
    return bool(folded) and re.search(pattern, context.source_folded) is not None


def _first_foreign(pattern: re.Pattern[str], text: str, context: QualityContext) -> str | None:
    for match in pattern.finditer(text):
        if not context.in_source(match.group()):
            return match.group()
    return None


def _template(text: str, context: QualityContext) -> tuple[ProblemKind, str] | None:
    found = _first_foreign(_TEMPLATE, text, context)
    return ("template_debris", f"contains template debris ({found})") if found else None


def _json(text: str, context: QualityContext) -> tuple[ProblemKind, str] | None:
    found = _first_foreign(_JSON, URL_PATTERN.sub(" ", text), context)
    return ("json_debris", f"contains JSON syntax ({found.strip()})") if found else None


def _cut_off(text: str, context: QualityContext) -> tuple[ProblemKind, str] | None:
    """`Company,`: a value that ends with a comma was cut off before its next item."""
    if text.rstrip().endswith((",", "，", "、")) and not context.in_source(text.strip()):
        return "json_debris", "ends with a comma, as if cut off"
    return None


def _field_name(text: str, context: QualityContext) -> tuple[ProblemKind, str] | None:
    stripped = _EMAIL.sub(" ", URL_PATTERN.sub(" ", text))
    return (
        _identifier(stripped, context)
        or _key_prefix(stripped, context)
        or _bare_name(text, context)
    )


def _identifier(text: str, context: QualityContext) -> tuple[ProblemKind, str] | None:
    """A snake_case name that is a field or fixed value of the schema, stands alone, or is long
    (`how_can_i_be_helpful_to_you?`); or the whole value is one dotted or hyphenated slug."""
    for match in _IDENTIFIER.finditer(text):
        name = match.group()
        known = name.casefold() in context.field_forms or name in context.enum_values
        alone = not text.replace(name, "").strip(" \t\n:=,;.?!{}[]\"'")
        long = name.count("_") >= LONG_IDENTIFIER_PARTS - 1
        if (known or alone or long) and not context.in_source(name):
            return "field_name_echo", f"is a field name ({name}), not an answer"
    slug = text.strip(" ,.;:!?")
    if _SLUG.fullmatch(slug) and len(slug) >= MIN_SLUG_LENGTH and not context.in_source(slug):
        return "field_name_echo", "is written as an identifier, not in words"
    return None


def _key_prefix(text: str, context: QualityContext) -> tuple[ProblemKind, str] | None:
    """`closing_questions: ...`, `name=`, `name:`: a field name written as a key."""
    key = _KEY_PREFIX.match(text)
    if key and key.group(1).casefold() in context.field_forms and not context.in_source(text):
        named, sign, rest = key.groups()
        if "_" in named or sign == "=" or not rest.strip():
            return "field_name_echo", f"is a field name ({named}{sign}), not an answer"
    return None


def _bare_name(text: str, context: QualityContext) -> tuple[ProblemKind, str] | None:
    """The whole value is a field name of two words or more (`Where to build`, `job search`)."""
    bare = " ".join(value_words(text)).replace("-", " ")
    if " " not in bare or text.rstrip().endswith("?"):
        return None
    if context.tokens_in_source(echo_tokens(text)):
        return None  # the user's own phrase
    if bare in context.field_forms:
        return "field_name_echo", "is a field name, not an answer"
    if any(c.isupper() for c in text):
        return None
    if bare in context.enum_forms or _padded_fixed_value(bare, context):
        return "field_name_echo", "is one of the schema's fixed values, not an answer"
    return None


PADDED_FIXED_WORDS = 2
"""A fixed value with this many words or fewer around it (`get career exploration`) is one."""


def _padded_fixed_value(bare: str, context: QualityContext) -> bool:
    """A multi-word fixed value with a word or two of the model's own around it (`journey to
    career exploration`); words of the user's text around it make it an answer."""
    tokens = bare.split()
    for form in context.enum_forms:
        size = len(form.split())
        if size < 2 or len(tokens) > size + PADDED_FIXED_WORDS or f" {form} " not in f" {bare} ":
            continue
        around = f" {bare} ".replace(f" {form} ", " ", 1).split()
        if not any(context.tokens_in_source(echo_tokens(word)) for word in around):
            return True
    return False


def _description_head(text: str, context: QualityContext) -> tuple[ProblemKind, str] | None:
    """The whole value is the first words of a field's description (`Industries` from
    "Industries, roles or companies where they are"): a fragment of the question."""
    head = " ".join(value_words(text))
    if head and head in context.description_heads and not context.in_source(text.strip()):
        return "schema_echo", "is the first words of a field's description, not an answer"
    return None


def bare_word(text: str, context: QualityContext) -> tuple[ProblemKind, str] | None:
    """The whole value is one lower-case word that is a field name or a fixed value of the
    schema (`description`, `dormant`). Weak evidence alone (`name` and `strength` are real
    tracking fields), so `inspect_output` reports it only beside another field-name echo."""
    bare = " ".join(value_words(text))
    if " " in bare or "-" in bare or any(c.isupper() for c in text):
        return None
    if bare in context.field_forms:
        return "field_name_echo", "is a field name, not an answer"
    if bare in context.enum_forms:
        return "field_name_echo", "is one of the schema's fixed values, not an answer"
    return None


_ECHO_KINDS: dict[str, tuple[ProblemKind, str]] = {
    "description": ("schema_echo", "copies the description of a field instead of answering it"),
    "instruction": ("instruction_echo", "repeats the instructions instead of answering them"),
    "skill": ("skill_text_echo", "copies the skill's own text instead of applying it"),
    "example": ("example_echo", "copies the worked example instead of answering for this case"),
    "limits": ("instruction_echo", "repeats the schema's length limits instead of answering"),
}


_OWN_WORDS = re.compile(
    r",\s*in plain words\b|\bfor this situation\b|\bspecific to (?:the|this) situation\b"
    r"|\bin this person['’]s situation\b|\bJSON\b"  # the answer's format, not its content
    # the re-asks' own hints (`_HINTS`, and those of a profile's checks)
    r"|\bthe (?:value|detail|answer) (?:was|had|copied|repeated|named|described)\b",
    re.IGNORECASE,
)
"""Words of net-skill's own questions and re-asks, which a small model copies into answers."""


def _echo(text: str, context: QualityContext) -> tuple[ProblemKind, str] | None:
    limits = _LIMITS.search(text)
    if limits and not context.in_source(limits.group()):
        return _ECHO_KINDS["limits"]
    found = _reference_echo(text, context)
    own = _OWN_WORDS.search(text)
    if found is None and own and not context.in_source(own.group()):
        return _ECHO_KINDS["instruction"]
    return found


def _reference_echo(text: str, context: QualityContext) -> tuple[ProblemKind, str] | None:
    if not context.references:
        return None
    tokens = echo_tokens(text)
    whole = len(tokens) >= 2 and joined_tokens(tokens) in context.example_texts
    if whole and set(tokens) & context.example_only:  # a whole example value: `Rita Shah`
        return _ECHO_KINDS["example"]
    for sentence in dict.fromkeys([text, *split_sentences(text)]):
        found = _echo_of(echo_tokens(sentence), context, whole=sentence == text)
        if found:
            return found
    return None


def _echo_of(
    tokens: tuple[str, ...], context: QualityContext, *, whole: bool
) -> tuple[ProblemKind, str] | None:
    """An echo: most of `tokens` copied from one reference, around a run of three words or more
    (single words count only beside a run of four: `what exactly is needed ... situation`).
    A `whole` value is also an echo when it pads a reference with filler (`_padded_copy`); one
    sentence of a longer value is not: a message may close with the skill's own polite line."""
    if len(tokens) < MIN_SKILL_ECHO_WORDS:
        return None
    candidates = {n for gram in ngrams(tokens, 3) for n in context.reference_index.get(gram, ())}
    for number in sorted(candidates):
        reference = context.references[number]
        matcher = SequenceMatcher(None, tokens, reference.tokens, autojunk=False)
        blocks = [b for b in matcher.get_matching_blocks() if b.size]
        longest = max(blocks, key=lambda b: b.size, default=None)
        if longest is None or longest.size < MIN_SKILL_ECHO_WORDS:
            continue
        copied = sum(b.size for b in blocks if b.size >= 2 or longest.size >= MIN_ECHO_WORDS)
        padded = whole and _padded_copy(tokens, reference, longest, context)
        if copied < ECHO_SHARE * len(tokens) and not padded:
            continue
        if padded:
            echo = True
        elif reference.kind == "skill":
            echo = copied >= MIN_SKILL_ECHO_WORDS and copied >= SKILL_ITEM_SHARE * len(
                reference.tokens
            )
        else:
            echo = copied >= MIN_ECHO_WORDS or copied == len(reference.tokens)
        run = tokens[longest.a : longest.a + longest.size]
        if reference.kind == "example" and not set(run) & context.example_only:
            continue  # a generic line of the example ("After we have caught up once") is fine
        if echo and not context.tokens_in_source(run):
            return _ECHO_KINDS[reference.kind]
    return None


def _padded_copy(
    tokens: tuple[str, ...], reference: Reference, longest: Match, context: QualityContext
) -> bool:
    """Nearly all of a description (or instruction, or example line) in one run, and nothing
    of the user's case around it: `This person could be offered in return to help you with
    your career goals` for "What this person could be offered in return"."""
    if reference.kind == "skill" or longest.size < MIN_WHOLE_COPY_WORDS:
        return False
    if longest.size < ECHO_SHARE * len(reference.tokens):
        return False
    rest = tokens[: longest.a] + tokens[longest.a + longest.size :]
    return all(token in context.filler_words for token in rest)


def _loop(text: str, _context: QualityContext) -> tuple[ProblemKind, str] | None:
    tokens = value_words(text)
    for size, needed in enumerate(LOOP_COPIES, start=1):
        unit = _repeated_unit(tokens, size, needed)
        if unit:
            return "word_loop", f'repeats "{unit}" over and over'
    if len(tokens) >= LOW_VARIETY_WORDS and len(set(tokens)) <= LOW_VARIETY_SHARE * len(tokens):
        return "word_loop", "repeats the same few words over and over"
    character = _CHARACTER_LOOP.search(text)
    if character:
        return "word_loop", f'repeats "{character.group(1)}" over and over'
    if _repeated_sentence(text):
        return "word_loop", "says one of its sentences twice"
    return None


MIN_REPEATED_SENTENCE_WORDS = 4


def _repeated_sentence(text: str) -> bool:
    """One sentence of four words or more written twice in one value, its numbers aside ("I
    want to move into instructional design. I want to move into instructional design. …",
    "El proyecto … de 24. El proyecto … de 50.")."""
    seen: set[tuple[str, ...]] = set()
    for sentence in split_sentences(text):
        key = tuple(words(sentence))
        if len(key) >= MIN_REPEATED_SENTENCE_WORDS:
            if key in seen:
                return True
            seen.add(key)
    return False


def _repeated_unit(tokens: tuple[str, ...], size: int, needed: int) -> str | None:
    """The first `size`-word unit that stands `needed` times back to back in `tokens`."""
    for start in range(len(tokens) - size * needed + 1):
        unit = tokens[start : start + size]
        end = start + size
        copies = 1
        while tokens[end : end + size] == unit:
            copies += 1
            end += size
        if copies >= needed:
            return " ".join(unit)
    return None


def _url(text: str, context: QualityContext) -> tuple[ProblemKind, str] | None:
    for match in URL_PATTERN.finditer(_EMAIL.sub(" ", text)):
        url = normalise_url(match.group())
        if not any(url.startswith(s) or s.startswith(url) for s in context.source_urls if s):
            return (
                "foreign_url",
                f"contains a link that is not in the user's text ({match.group()})",
            )
    return None


def _timestamp(text: str, context: QualityContext) -> tuple[ProblemKind, str] | None:
    found = _first_foreign(_TIMESTAMP, text, context)
    if found:
        return (
            "foreign_timestamp",
            f"contains a date or time that is not in the user's text ({found})",
        )
    return None


_CHECKS: tuple[Check, ...] = (
    _no_letters,
    _joined_words,
    _template,
    _json,
    _cut_off,
    _field_name,
    _description_head,
    _echo,
    _loop,
    _url,
    _timestamp,
)
_ADVICE_SUFFIX: dict[ProblemKind, str] = {
    "foreign_url": "never invent links",
    "foreign_timestamp": "never invent dates or times",
}


def inspect_text(text: str, context: QualityContext, path: Path = ()) -> list[Problem]:
    """The problems of one string value: empty, junk, or an echo of what the model was shown.

    At most one problem of each kind; a blank value gets only that one.
    """
    blank = _blank(text, context)
    if blank:
        return [problem(path, *blank, text, context)]
    return [problem(path, *found, text, context) for found in _found(text, context)]


def _found(text: str, context: QualityContext) -> Iterator[tuple[ProblemKind, str]]:
    for check in _CHECKS:
        found = check(text, context)
        if found:
            yield found


def is_degenerate(text: str, context: QualityContext) -> bool:
    """True when `text` alone has a problem, for counting degenerate values. What only the whole
    answer shows (pasted values, one-word field names beside other echoes) needs
    `inspect_output`."""
    return bool(inspect_text(text, context))


def problem(
    path: Path, kind: ProblemKind, reason: str, value: str, context: QualityContext
) -> Problem:
    """A `Problem` whose message names the field, shows the value, says why, and what to do."""
    where = format_path(path) or "the answer"
    wanted = advice(path, kind, context)
    return Problem(
        path,
        kind,
        f"{where}: {quote(value)} {reason}; {wanted}",
        value,
        f"{_HINTS[kind]}; {wanted}",
    )


_HINTS: dict[ProblemKind, str] = {
    "blank": "the value was empty, a placeholder or a bare yes or no",
    "no_letters": "the value had no words in it",
    "template_debris": "the value had template syntax in it",
    "json_debris": "the value had JSON syntax in it or was cut off",
    "field_name_echo": "the value was a field name or a fixed value of the schema",
    "schema_echo": "the value copied the description of a field",
    "instruction_echo": "the value copied the instructions",
    "skill_text_echo": "the value copied the skill's own text",
    "example_echo": "the value copied the worked example",
    "word_loop": "the value repeated itself",
    "foreign_url": "the value had a link the user never gave",
    "foreign_timestamp": "the value had a date or time the user never gave",
    "pasted": "the value was the same text as another field",
    "pasted_sentence": "the value repeated a sentence of other fields",
}


def advice(path: Path, kind: ProblemKind, context: QualityContext) -> str:
    if kind in _ADVICE_SUFFIX:
        return f"{_ADVICE_SUFFIX[kind]}: leave it out"
    description = context.describe(path)
    leaf = next((p for p in reversed(path) if isinstance(p, str)), None)
    if description:
        wanted = description[0].lower() + description[1:]
        return f"write {wanted.rstrip('.')}"
    if leaf:
        return f"write a real {leaf.replace('_', ' ')}"
    return "write a real answer"


def quote(value: str, limit: int = 60) -> str:
    flat = " ".join(value.split())
    return f'"{flat}"' if len(flat) <= limit else f'"{flat[: limit - 1]}…"'
