"""The rule that people are never invented: a named person must appear in the source text."""

from __future__ import annotations

import copy
import re
from collections.abc import Collection, Container
from typing import Any

from pydantic import ValidationInfo

from net_skill.text import phrase_segments, words


def name_tokens(name: str) -> list[str]:
    """The folded words of `name` (character bigrams for scripts written without spaces)."""
    return words(name)


def appears_in(name: str, source_text: str) -> bool:
    """True when every word of `name` occurs as a word of `source_text` (case/accents folded).

    A part written without spaces (`佐藤美咲`, `李明`) must occur whole inside a run of such text
    (`元同僚の佐藤美咲さんが`), since those scripts have no word boundaries to match on.
    """
    wanted = phrase_segments(name)
    if not wanted:
        return False
    have = phrase_segments(source_text)
    spaced = {segment for segment, unspaced in have if not unspaced}
    runs = [segment for segment, unspaced in have if unspaced]
    return all(
        any(segment in run for run in runs) if unspaced else segment in spaced
        for segment, unspaced in wanted
    )


def source_text_from(info: ValidationInfo) -> str | None:
    context = info.context
    if isinstance(context, dict):
        value = context.get("source_text")
        if isinstance(value, str):
            return value
    return None


def known_names_from(info: ValidationInfo) -> Container[str] | None:
    """The context's `known_names` (everyone in a contacts file or tracker), if any."""
    context = info.context
    if isinstance(context, dict):
        value = context.get("known_names")
        if isinstance(value, Container) and not isinstance(value, (str, bytes)):
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
    known = known_names_from(info)
    is_known = known is not None and cleaned in known
    if source is not None and not is_known and not appears_in(cleaned, source):
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
    "soy",
    "yo",
    "mi",
    "sou",
    "eu",
    "je",
    "mon",
    "ich",
    "mein",
    "meine",
}
MAX_NAME_CANDIDATES = 40


def candidate_names(text: str) -> list[str]:
    """Words of `text` that could be people's names, in order of appearance.

    Capitalised word runs, and in Chinese and Japanese the names next to an honorific, a title
    or a relation word (`佐藤美咲さん`, `王芳女士`, `同事李明`). Over-inclusion is harmless (a
    company name is not a person, but it does appear in the text); the list only ever narrows
    what a model may write into a name field. The writer's own name ("I'm Priya", "my name is
    Priya", `私は田中です`, `我叫王芳`) is left out: nobody networks with themselves.
    """
    found: list[tuple[int, str]] = []
    own: set[str] = set()
    for position, names, is_own in (*_capitalised_runs(text), *_unspaced_names(text)):
        (own.update if is_own else lambda _n: None)(names)
        found.extend((position, name) for name in names)
    found.sort(key=lambda item: item[0])
    ordered = list(dict.fromkeys(name for _, name in found))
    return [name for name in ordered if name not in own][:MAX_NAME_CANDIDATES]


_Found = tuple[int, tuple[str, ...], bool]
"""Where a possible name starts, the name (and its parts), and whether it is the writer's."""


def _capitalised_runs(text: str) -> list[_Found]:
    masked = _UNSPACED_CHAR.sub("\x00", text)  # same length; ends a name at a script change
    found: list[_Found] = []
    run: list[str] = []
    run_start = 0

    def close_run() -> None:
        while run and run[-1].casefold() in _PARTICLES:
            run.pop()
        if run:
            names = (" ".join(run), *(run if len(run) <= 3 else ()))
            own = bool(_SELF_INTRODUCTION.search(masked, 0, run_start))
            found.append((run_start, names, own))
        run.clear()

    previous_end = 0
    for match in _NAME_WORD.finditer(masked):
        word = match.group().rstrip("'’-")
        gap = masked[previous_end : match.start()]
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
    return found


_SELF_INTRODUCTION = re.compile(
    r"(?:\bI['’]m|\bI am|\bmy name is|\bcall me|\bme llamo|\bmi nombre es|\bsoy|\bje m['’]appelle"
    r"|\bje suis|\bich hei(?:ß|ss)e|\bich bin|\bmein name ist|\bsou|\bme chamo|\bmeu nome é"
    r"|\bmi chiamo)\s+\Z",
    re.IGNORECASE,
)

# --- Chinese and Japanese ----------------------------------------------------------------------
# No capitals and no spaces: a name is found by what stands next to it. A run of Han characters
# (or katakana, for foreign names in Japanese) just before an honorific or title, or just after
# a word for a relation, is taken as a name, trimmed of the relation words and the function
# characters it may have swallowed, at most four characters long.

_HAN = "\u3005\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_KATAKANA_NAME = "\u30a1-\u30fa\u30fc\u30fb"
_UNSPACED_CHAR = re.compile(
    f"[{_HAN}\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f\uac00-\ud7af\u0e00-\u0eff\u1000-\u109f"
    "\u1780-\u17ff\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]"
)
_HONORIFICS = (
    "さん|さま|様|氏|先生|くん|君|ちゃん|教授|博士|部長|課長|社長|先輩|殿|"
    "女士|小姐|老师|老師|经理|經理|总监|總監|主任|院长|院長|医生|醫生|律师|律師"
)
_RELATIONS = (
    "元同僚|同僚|元上司|上司|友人|先輩|後輩|恩師|知人|同期|元部下|部下|"
    "前同事|同事|朋友|老同学|同学|同學|校友|导师|導師|前老板|老板|老闆|前上司|表哥|表姐|"
    "表弟|表妹|学长|學長|学姐|學姐|师兄|師兄|师姐|師姐|室友|客户|客戶|合伙人|合夥人|"
    "前经理|经理|經理|教授|老师|老師"
)
_BEFORE_HONORIFIC = re.compile(f"([{_HAN}]+|[{_KATAKANA_NAME}]+)(?={_HONORIFICS})")
_AFTER_RELATION = re.compile(f"(?:{_RELATIONS})[のは、：:\\s]?([{_HAN}]+|[{_KATAKANA_NAME}]+)")
_OWN_NAME = re.compile(
    f"(?:私は|私の名前は|僕は|我是|我叫|我的名字是|我的名字叫)([{_HAN}{_KATAKANA_NAME}]{{1,4}})"
    f"|([{_HAN}{_KATAKANA_NAME}]{{1,4}})(?:と申します|です。|といいます)"
)
_RELATION_WORD = re.compile(_RELATIONS)
_HONORIFIC = re.compile(_HONORIFICS)
_HONORIFIC_SPLIT = re.compile(f"(?:{_HONORIFICS})")
_FUNCTION_HAN = frozenset(
    "的了是在和与與及或也都就把被给給让讓叫说說对對从從向为為"
    "我你他她们們这這那位个個有现現目今已曾将將会會刚剛最还還又去来來"
)
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤張劉陳楊黃趙吳孫馬鄭羅謝許韓馮鄧蕭葉蘇呂"
    "盧鍾譚陸賈韋鄒閆龍賀顧龔萬錢嚴湯"
)
MAX_UNSPACED_NAME = 4


def _unspaced_names(text: str) -> list[_Found]:
    found: list[_Found] = []
    for match in _BEFORE_HONORIFIC.finditer(text):
        name = _name_ending_run(match.group(1))
        if name and len(name) == 1:  # a surname alone: keep its title with it (王老师)
            title = _HONORIFIC.match(text, match.end(1))
            name += title.group() if title else ""
        if name and len(name) > 1:
            found.append((match.end(1) - len(name), (name,), False))
    for match in _AFTER_RELATION.finditer(text):
        names = _names_starting_run(_HONORIFIC_SPLIT.split(match.group(1), maxsplit=1)[0])
        found.extend((match.start(1), (name,), False) for name in names)
    for match in _OWN_NAME.finditer(text):
        name = match.group(1) or match.group(2)
        found.append((match.start(), (name,), True))
    return found


def _name_ending_run(run: str) -> str | None:
    """The name at the end of a run of Han characters (or katakana) before an honorific."""
    if not re.match(f"[{_HAN}]", run):
        return run.strip("・") or None
    cut = max(
        (m.end() for m in _RELATION_WORD.finditer(run)),
        default=0,
    )
    cut = max(cut, *(i + 1 for i, c in enumerate(run) if c in _FUNCTION_HAN), 0)
    name = run[cut:]
    if len(name) <= MAX_UNSPACED_NAME:
        return name or None
    for size in (3, 2):  # a long run: a surname followed by one or two characters
        if name[-size] in _SURNAMES:
            return name[-size:]
    return None


def _names_starting_run(run: str) -> list[str]:
    """The names at the start of a run of Han characters (or katakana) after a relation word."""
    if not re.match(f"[{_HAN}]", run):
        return [run.strip("・")] if run.strip("・") else []
    end = next((i for i, c in enumerate(run) if c in _FUNCTION_HAN), len(run))
    name = run[:end]
    if 2 <= len(name) <= 3:
        return [name]
    if len(name) > 3 and name[0] in _SURNAMES:
        return [name[:3], name[:2]]
    return [name] if len(name) == MAX_UNSPACED_NAME else []


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
