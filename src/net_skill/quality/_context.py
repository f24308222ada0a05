"""`QualityContext`: what a value is compared with, harvested once per step."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from net_skill.skill import SkillItem, SkillStep
from net_skill.text import STOPWORDS, fold, words

Path = tuple[str | int, ...]
"""Where a value is in an answer: `("contacts", 2, "name")`."""
PathShape = tuple[str, ...]
"""A path with its list indices left out: `("contacts", "name")` for `contacts[2].name`."""

_QUOTED = re.compile(r"\"[^\"\n]*\"|“[^”\n]*”|«[^»\n]*»|「[^」\n]*」|『[^』\n]*』|„[^“”\n]*[“”]")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|(?<=[。！？；])")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+•]|\d+[.)]|[a-z][.)])\s+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
URL_PATTERN = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'{}\[\]|\\^`]+"  # a link
    r"|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}/[^\s<>\"'{}\[\]|\\^`]+"  # a host with a path
    r"|(?<![\w@.-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|dev|ai|co|app|info|me)\b",
    # a bare lower-case domain (`amirhaddad.com`); `Booking.com` is a company's name
)
_URL_TRAILER = ".,;:!?)]}'\"…"
_ECHO_NGRAM = 3
"""Echo candidates share at least one run of this many words with the value."""


def normalise_url(url: str) -> str:
    """A URL lower-cased, without scheme, `www.`, trailing punctuation or slash."""
    url = fold(url).rstrip(_URL_TRAILER)
    url = re.sub(r"^(?:https?://)?(?:www\.)?", "", url)
    return url.rstrip("/")


def field_keys(name: str) -> set[str]:
    """The forms a field name can be echoed in: `closing_questions`, `closing questions`."""
    snake = _CAMEL.sub("_", name).casefold()
    return {snake, snake.replace("_", " ").strip(), name.casefold()}


@dataclass(frozen=True)
class Reference:
    """A text the model saw that is not an answer: a description, an instruction, a skill item."""

    kind: str
    text: str
    tokens: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class QualityContext:
    """What degenerate values are recognised against, for one step (or one whole output).

    - `source_text`: what the user actually wrote (the situation plus any contacts). A URL,
      date or phrase found there is never a problem.
    - `field_names`, `descriptions`, `enum_values`: harvested from the JSON schema the model
      answered (`from_schema`); `field_descriptions` maps each field's path (list indices left
      out) to its description, for the advice in messages.
    - `instructions`: sentences of the prompt the model saw, without the user's text.
    - `skill_items`: the skill's own step and checklist item texts.
    - `examples`: the strings of worked example answers shown in the prompt.

    Build it once per step (a few milliseconds) and reuse it: the constructor indexes
    everything, so that inspecting one value takes about 0.1 ms on average (0.5 ms at the 99th
    percentile, on the tables of `tests/data/quality`).
    """

    source_text: str = ""
    field_names: frozenset[str] = frozenset()
    descriptions: tuple[str, ...] = ()
    enum_values: frozenset[str] = frozenset()
    instructions: tuple[str, ...] = ()
    skill_items: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    """Texts of worked examples shown to the model (an example answer's strings)."""
    field_descriptions: Mapping[PathShape, str] = field(default_factory=dict)
    enum_paths: frozenset[PathShape] = frozenset()
    """Fields whose value is one of a fixed set (not free text): `inspect_output` skips them."""

    source_folded: str = field(init=False, repr=False, compare=False)
    source_joined: str = field(init=False, repr=False, compare=False)
    source_urls: frozenset[str] = field(init=False, repr=False, compare=False)
    field_forms: frozenset[str] = field(init=False, repr=False, compare=False)
    enum_forms: frozenset[str] = field(init=False, repr=False, compare=False)
    references: tuple[Reference, ...] = field(init=False, repr=False, compare=False)
    reference_index: Mapping[tuple[str, ...], tuple[int, ...]] = field(
        init=False, repr=False, compare=False
    )
    task_words: frozenset[str] = field(init=False, repr=False, compare=False)
    filler_words: frozenset[str] = field(init=False, repr=False, compare=False)
    """Words that add nothing of the user's case: the task's own and stopwords, less the user's."""
    example_counts: Mapping[str, int] = field(init=False, repr=False, compare=False)
    example_only: frozenset[str] = field(init=False, repr=False, compare=False)
    """Words of the worked examples' subject that the user's text lacks (`labwa`, `rita`)."""
    example_texts: frozenset[str] = field(init=False, repr=False, compare=False)
    description_heads: frozenset[str] = field(init=False, repr=False, compare=False)
    """The first one to three words of each description (`industries`, `level of`): a value
    that is only that is a fragment of the question, not an answer."""

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        forms: set[str] = set()
        for name in self.field_names:
            forms |= field_keys(name)
        set_(self, "field_forms", frozenset(forms))
        set_(self, "enum_forms", frozenset(f for v in self.enum_values for f in field_keys(v)))
        references = [  # the most precise kind first: the prompt repeats skill items
            *_references("description", self.descriptions),
            *_references("skill", self.skill_items),
            *_references("instruction", self.instructions),
            *_references("example", self.examples),
        ]
        index: dict[tuple[str, ...], list[int]] = {}
        for number, reference in enumerate(references):
            for gram in ngrams(reference.tokens, _ECHO_NGRAM):
                index.setdefault(gram, []).append(number)
        set_(self, "references", tuple(references))
        set_(
            self,
            "task_words",
            frozenset(t for r in references if r.kind != "example" for t in r.tokens),
        )
        seen_in: dict[str, int] = {}
        for text in dict.fromkeys(self.examples):
            for token in set(echo_tokens(text)):
                seen_in[token] = seen_in.get(token, 0) + 1
        set_(self, "example_counts", seen_in)
        set_(self, "example_texts", frozenset(joined_tokens(echo_tokens(t)) for t in self.examples))
        set_(self, "reference_index", {k: tuple(dict.fromkeys(v)) for k, v in index.items()})
        heads = set()
        for text in self.descriptions:
            words = value_words(text)
            heads |= {" ".join(words[:n]) for n in range(1, min(3, len(words)) + 1)}
        set_(self, "description_heads", frozenset(heads))
        self._index_source()

    def _index_source(self) -> None:
        """Index what depends on the user's text (the rest does not: see `with_source`)."""
        set_ = object.__setattr__
        set_(self, "source_folded", fold(self.source_text))
        set_(self, "source_joined", joined_tokens(echo_tokens(self.source_text)))
        set_(
            self,
            "source_urls",
            frozenset(normalise_url(u) for u in URL_PATTERN.findall(self.source_text)),
        )
        user_words = set(echo_tokens(self.source_text))
        set_(self, "filler_words", (self.task_words | _STOP_TOKENS) - user_words)
        source_words = user_words | self.task_words
        # The example's own subject recurs across its texts (`lab`, `rita` in its situation and
        # in its answer); its generic phrasing ("after we have caught up once") and the task's
        # own words (`thank`, from the skill) do not.
        set_(
            self,
            "example_only",
            frozenset(
                token
                for token, count in self.example_counts.items()
                if count >= 2
                and len(token) >= 3
                and token not in source_words
                and token not in STOPWORDS
            ),
        )

    def with_source(self, source_text: str) -> QualityContext:
        """This context for another user's text: the schema, prompt, skill and example indexes
        are shared, only what depends on the text is rebuilt (microseconds instead of the few
        milliseconds of a new context), for checking many answers to one step."""
        other = copy.copy(self)
        object.__setattr__(other, "source_text", source_text)
        other._index_source()
        return other

    @classmethod
    def from_schema(
        cls,
        schema: Mapping[str, Any],
        *,
        source_text: str,
        instructions: str | Iterable[str] = (),
        skill_items: SkillStep | Iterable[str | SkillItem | SkillStep] = (),
        earlier: Iterable[Mapping[str, Any]] = (),
        examples: Iterable[Any] = (),
    ) -> QualityContext:
        """A context for answers to `schema` (a JSON schema, `$defs` and `$ref` resolved).

        `instructions` may be the prompt's text (split into sentences here) or its sentences;
        leave the user's own text out of it. `skill_items` may hold `SkillStep`s (the sentences
        of their text, items included: pass `skill.steps` to count a copy of any step),
        `SkillItem`s (with their nested items) or plain strings. `earlier`: the schemas of
        earlier answers shown in the prompt (a small model copies their fixed values and
        descriptions into later steps); their descriptions, fixed values and multi-word field
        names count too, their one-word field names (`name`) do not. `examples`: worked example
        answers shown in the prompt (models, dicts, lists or strings: every string counts).
        """
        harvest = _Harvest(schema)
        harvest.walk(schema, ())
        names, descriptions, enums = set(harvest.names), list(harvest.descriptions), harvest.enums
        for other in earlier:
            shown = _Harvest(other)
            shown.walk(other, ())
            names |= {name for name in shown.names if "_" in _CAMEL.sub("_", name)}
            descriptions += shown.descriptions
            enums |= shown.enums
        return cls(
            source_text=source_text,
            field_names=frozenset(names),
            descriptions=tuple(dict.fromkeys(descriptions)),
            enum_values=frozenset(enums),
            instructions=tuple(split_sentences(instructions)),
            skill_items=tuple(_item_texts(skill_items)),
            examples=tuple(text for _, text in strings_in(list(examples))),
            field_descriptions=harvest.path_descriptions,
            enum_paths=frozenset(harvest.enum_paths),
        )

    def describe(self, path: Iterable[str | int]) -> str | None:
        """The schema's description of the field at `path` (of the list, for a list item)."""
        return self.field_descriptions.get(tuple(p for p in path if isinstance(p, str)))

    def in_source(self, fragment: str) -> bool:
        """True when `fragment` (folded) occurs in the user's text."""
        folded = fold(fragment).strip()
        return bool(folded) and folded in self.source_folded

    def tokens_in_source(self, tokens: Iterable[str]) -> bool:
        """True when the words `tokens` (from `echo_tokens`) occur, in order, in the user's text."""
        joined = joined_tokens(tokens)
        return len(joined) > 2 and joined in self.source_joined


@lru_cache(maxsize=4096)
def value_words(text: str) -> tuple[str, ...]:
    """`words(text, digits=True)`, cached: every check of a value uses its words."""
    return tuple(words(text, digits=True))


@lru_cache(maxsize=4096)
def echo_tokens(text: str) -> tuple[str, ...]:
    """Words and numbers of `text`, cut to five characters (after a final `s`) so that `build`
    matches `building` and `buy` matches `buys`."""
    return tuple((w[:-1] if len(w) > 3 and w.endswith("s") else w)[:5] for w in value_words(text))


_STOP_TOKENS = frozenset(t for word in STOPWORDS for t in echo_tokens(word))


def ngrams(tokens: Sequence[str], size: int) -> Iterable[tuple[str, ...]]:
    return (tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def joined_tokens(tokens: Iterable[str]) -> str:
    return "\x1f" + "\x1f".join(tokens) + "\x1f"


_DATA_BLOCK = re.compile(r"<([a-z][a-z0-9-]*)>\n.*?\n</\1>", re.DOTALL)


def prompt_instructions(prompt: str) -> list[str]:
    """The instruction sentences of a rendered prompt: its `<tag>...</tag>` data blocks (the
    situation, the skill text, earlier outputs) are left out, since copying data is not an
    echo of the instructions."""
    return split_sentences(_DATA_BLOCK.sub("\n", prompt))


def split_sentences(text: str | Iterable[str]) -> list[str]:
    """Sentences and lines of a prompt, without list markers; an iterable is split item by item."""
    parts = [text] if isinstance(text, str) else list(text)
    sentences: list[str] = []
    for part in parts:
        for line in part.splitlines():
            for piece in _SENTENCE_END.split(_LIST_MARKER.sub("", line)):
                if piece.strip():
                    sentences.append(piece.strip())
    return sentences


def strings_in(node: Any, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """Every string in `node` (a model, mapping, list or string) with its path."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, BaseModel):
        yield from strings_in(node.model_dump(mode="json"), path)
    elif isinstance(node, Mapping):
        for key, value in node.items():
            yield from strings_in(value, (*path, str(key)))
    elif isinstance(node, Sequence):
        for index, value in enumerate(node):
            yield from strings_in(value, (*path, index))


def _item_texts(items: SkillStep | Iterable[str | SkillItem | SkillStep]) -> list[str]:
    if isinstance(items, SkillStep):
        return split_sentences(_without_templates(items.body))
    texts: list[str] = []
    for item in items:
        if isinstance(item, SkillStep):
            texts.extend(split_sentences(_without_templates(item.body)))
        elif isinstance(item, SkillItem):
            texts.extend(text for _depth, text in item.flatten())
        else:
            texts.append(item)
    return texts


_SLOT = re.compile(r"\[[^\[\]\n]{1,40}\]")
"""A slot of a template (`[Name]`, `[role type]`); unfilled, it is caught as debris."""
_TEMPLATE = re.compile(r'"[^"]*\[[^\[\]\n]{1,40}\][^"]*"')
"""A quoted template of the skill's ("Hi [Name], I'm currently exploring ..."), lines and all."""


def _without_templates(text: str) -> str:
    """The skill's text less its quoted templates: an answer that fills one in applies the
    skill; one that leaves the slots is caught as template debris."""
    return _TEMPLATE.sub(" ", text)


def _references(kind: str, texts: Iterable[str]) -> list[Reference]:
    """References with their quoted parts taken out: a quotation in an instruction is offered
    for reuse (`Include "Who else should I talk to?"`), so copying it is not an echo."""
    found: list[Reference] = []
    for text in texts:
        if _SLOT.search(text):
            continue  # a template with slots to fill ("Hi [Name], ..."): filled, it is an answer
        for piece in _QUOTED.split(text):
            tokens = tuple(echo_tokens(piece))
            if len(tokens) >= 2:
                found.append(Reference(kind, text, tokens))
    return found


class _Harvest:
    """Field names, descriptions and enum values of a JSON schema, with each field's path."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.defs: Mapping[str, Any] = schema.get("$defs", {}) or {}
        self.names: set[str] = set()
        self.descriptions: list[str] = []
        self.enums: set[str] = set()
        self.path_descriptions: dict[PathShape, str] = {}
        self.enum_paths: set[PathShape] = set()
        self._active: set[str] = set()

    def walk(self, node: Any, path: PathShape) -> None:
        if not isinstance(node, Mapping):
            return
        description = node.get("description")
        if isinstance(description, str) and description.strip():
            self.descriptions.append(description.strip())
            if path:
                self.path_descriptions.setdefault(path, description.strip())
        values = [*node.get("enum", ()), *([node["const"]] if "const" in node else [])]
        strings = [v for v in values if isinstance(v, str)]
        if strings:
            self.enums.update(strings)
            self.enum_paths.add(path)
        ref = node.get("$ref")
        if isinstance(ref, str) and ref not in self._active:
            self._active.add(ref)
            self.walk(self.defs.get(ref.rsplit("/", 1)[-1]), path)
            self._active.discard(ref)
        for key in ("anyOf", "oneOf", "allOf"):
            for option in node.get(key, ()) or ():
                self.walk(option, path)
        properties = node.get("properties")
        if isinstance(properties, Mapping):
            for name, sub in properties.items():
                self.names.add(str(name))
                self.walk(sub, (*path, str(name)))
        if "items" in node:
            self.walk(node["items"], path)
