"""Words of any language: folding, word tokens, terms for overlap, and phrase containment.

Scripts written with spaces (Latin, Greek, Cyrillic, Arabic, Hebrew, Devanagari, ...) split into
words; inside a word, apostrophes and hyphens are kept (`o'neil`, `front-end`) and combining
marks stay attached (Devanagari vowel signs are part of the word, not a break).

Scripts written without spaces (Chinese, Japanese, Thai, Lao, Khmer, Myanmar; Korean too,
whose particles attach to the word) are cut into runs of one script (kanji, hiragana and
katakana apart) and each run into overlapping character bigrams, as Lucene's CJK analyzer and
Elasticsearch's `cjk_bigram` do. No segmenter is bundled: jieba covers Chinese only and loads a
20 MB dictionary in about a second, fugashi/MeCab and SudachiPy need a dictionary package of
50 MB or more per language, and BudouX finds line-break phrases rather than words. Bigrams need
no data, cost microseconds, and are what overlap and containment between two texts need: two
texts sharing the word 美咲 share the bigram 美咲 whatever the segmentation.

Folding (`fold`) case-folds, applies compatibility forms (full-width `ＡＢＣ` is `abc`,
half-width katakana is full-width), unifies apostrophes (`’` is `'`) and removes accents from
Latin, Greek and Cyrillic letters (and optional vowel points of Hebrew and Arabic); the marks
other scripts need (kana voicing, Indic vowel signs) are kept.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import cache

__all__ = [
    "STOPWORDS",
    "contains_phrase",
    "content_terms",
    "count_words",
    "fold",
    "phrase_segments",
    "stem",
    "words",
]

# --- folding -------------------------------------------------------------------------------

_STRIPPED_MARK_RANGES = (
    (0x0300, 0x036F),  # combining diacritical marks (Latin, Greek, Cyrillic accents)
    (0x0483, 0x0489),  # Cyrillic combining marks
    (0x0591, 0x05C7),  # Hebrew points and cantillation
    (0x0610, 0x061A),  # Arabic signs
    (0x064B, 0x065F),  # Arabic harakat
    (0x0670, 0x0670),
    (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF),
    (0xFE20, 0xFE2F),
)


def _fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {
        code: None
        for low, high in _STRIPPED_MARK_RANGES
        for code in range(low, high + 1)
        if unicodedata.category(chr(code)) == "Mn"
    }
    for apostrophe in "’‘ʼʹ＇´`":
        table[ord(apostrophe)] = "'"
    for hyphen in "‐‑‒":
        table[ord(hyphen)] = "-"
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """`text` case-folded, in compatibility form, with accents and apostrophe variants unified."""
    if text.isascii():
        return text.lower().replace("`", "'")
    decomposed = unicodedata.normalize("NFKD", text.casefold()).translate(_FOLD)
    return unicodedata.normalize("NFC", decomposed)


# --- scripts -------------------------------------------------------------------------------

_HAN = "\u3005-\u3007\u3021-\u3029\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HIRAGANA = "\u3041-\u309f"
_KATAKANA = "\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff"
_THAI_LAO = "\u0e00-\u0eff"
_MYANMAR = "\u1000-\u109f"
_KHMER = "\u1780-\u17ff"
_UNSPACED = _HAN + _HIRAGANA + _KATAKANA + _HANGUL + _THAI_LAO + _MYANMAR + _KHMER

_UNSPACED_RUN = re.compile(f"[{_UNSPACED}]+")
"""A run of characters of scripts written without spaces (any mix of them)."""
_SCRIPT_RUN = re.compile(
    "|".join(
        f"[{chars}]+"
        for chars in (_HAN, _HIRAGANA, _KATAKANA, _HANGUL, _THAI_LAO, _MYANMAR, _KHMER)
    )
)
"""A run of one script written without spaces (kanji, hiragana and katakana are apart)."""
_HIRAGANA_ONLY = re.compile(f"[{_HIRAGANA}]+")


@cache
def _spaced_word(digits: bool = False) -> re.Pattern[str]:
    """A word of a script written with spaces: letters (and digits if asked) with their combining
    marks, and inner apostrophes and hyphens. Built on first use (the table of marks takes about
    20 ms to build)."""
    marks = _marks()
    letter = rf"(?:[^\W_]|[{marks}])" if digits else rf"(?:[^\W\d_]|[{marks}])"
    return re.compile(rf"{letter}+(?:['-]{letter}+)*")


@cache
def _marks() -> str:
    """A regex character class body holding every combining mark (categories Mn, Mc, Me)."""
    return _ranges(
        code for code in range(0x0300, 0x20000) if unicodedata.category(chr(code))[0] == "M"
    )


def _ranges(codes: Iterable[int]) -> str:
    parts: list[str] = []
    start = previous = -2
    for code in codes:
        if code != previous + 1:
            if start >= 0:
                parts.append(_range(start, previous))
            start = code
        previous = code
    if start >= 0:
        parts.append(_range(start, previous))
    return "".join(parts)


def _range(low: int, high: int) -> str:
    return re.escape(chr(low)) if low == high else f"{re.escape(chr(low))}-{re.escape(chr(high))}"


def _bigrams(run: str) -> Iterator[str]:
    if len(run) == 1:
        yield run
    else:
        for i in range(len(run) - 1):
            yield run[i : i + 2]


def _tokens(folded: str, digits: bool = False) -> Iterator[tuple[str, bool]]:
    """(token, unspaced) pairs in order: words, and the bigrams of unspaced runs."""
    position = 0
    word = _spaced_word(digits)
    for run in _SCRIPT_RUN.finditer(folded):
        for match in word.finditer(folded, position, run.start()):
            yield match.group(), False
        for gram in _bigrams(run.group()):
            yield gram, True
        position = run.end()
    for match in word.finditer(folded, position):
        yield match.group(), False


def words(text: str, *, digits: bool = False) -> list[str]:
    """The folded words of `text`, in order; runs of unspaced scripts give character bigrams.

    Digits are not words unless `digits` (`Q3` gives `q`, or `q3`). `words("Kevin O’Neil")` is
    `["kevin", "o'neil"]`, `words("佐藤美咲さん")` is `["佐藤", "藤美", "美咲", "さん"]`.
    """
    return [token for token, _ in _tokens(fold(text), digits)]


def count_words(text: str) -> int:
    """How many words `text` has: whitespace-separated chunks, with runs of unspaced scripts
    counted as one word per two characters (a segmenter's average for Chinese and Japanese is
    1.5 to 2 characters per word)."""
    count = 0
    for chunk in fold(text).split():
        runs = _UNSPACED_RUN.findall(chunk)
        if not runs:
            count += 1
            continue
        rest = _UNSPACED_RUN.split(chunk)
        count += sum(1 for part in rest if any(c.isalnum() for c in part))
        count += sum((len(run) + 1) // 2 for run in runs)
    return count


# --- terms for overlap ------------------------------------------------------------------------

_STOPWORD_TEXT = """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    i'm i've i'd you're you've it's that's let's don't can't won't dr mr ms mrs hi re us
    el la los las un una unos unas de del al y o que en por para con sin sobre es son soy mi mis
    tu su sus se lo le les como pero mas muy ya este esta estos estas ese esa
    le la les des du de et ou un une en dans pour par avec sans sur est sont je tu il elle nous
    vous ils mon ma mes ton ta ses ce cette qui que pas plus
    der die das den dem des ein eine einen und oder in im mit von zu zum zur auf fur ist sind
    ich du er sie wir ihr mein meine nicht auch als wie bei
    o a os as um uma de do da dos das e em no na por para com sem sobre eu meu minha
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
"""Common function words (English plus a few of Spanish, French, German, Portuguese), folded."""

_FUNCTION_HAN = frozenset("的了是在我你他她它们这那和与及或也都就把被给吗呢吧啊着过很之其个为")
"""Chinese function characters: a bigram holding one says little about the topic."""


def stem(word: str) -> str:
    """A crude language-neutral stem: the first six letters (`fintechs` ~ `fintech`).

    A bigram of an unspaced script is its own stem."""
    return word[:6]


def content_terms(text: str, *, ignore: frozenset[str] = frozenset()) -> set[str]:
    """Stems of the words of `text` that carry meaning, for overlap between two texts.

    Dropped: stop-words, words in `ignore` (folded words, such as a field's filler words),
    one-letter words, single characters and bigrams of unspaced scripts that are pure hiragana
    (Japanese particles and endings) or hold a Chinese function character.
    """
    terms: set[str] = set()
    for token, unspaced in _tokens(fold(text)):
        if unspaced:
            if _is_content_bigram(token):
                terms.add(token)
        elif len(token) >= 2 and token not in STOPWORDS and token not in ignore:
            terms.add(stem(token))
    return terms


def _is_content_bigram(token: str) -> bool:
    return (
        len(token) == 2 and not _HIRAGANA_ONLY.fullmatch(token) and not (_FUNCTION_HAN & set(token))
    )


# --- phrases ---------------------------------------------------------------------------------


def phrase_segments(text: str) -> list[tuple[str, bool]]:
    """`text` as (segment, unspaced) pairs: folded words, and whole runs of unspaced scripts.

    Unspaced runs separated only by white space are joined (`佐藤 美咲` is `佐藤美咲`), and
    kanji and kana stay in one run, so that a phrase can be looked up inside them.
    """
    folded = fold(text)
    segments: list[tuple[str, bool]] = []
    position = 0
    word = _spaced_word()

    def add_words(end: int) -> None:
        segments.extend((m.group(), False) for m in word.finditer(folded, position, end))

    for run in _UNSPACED_RUN.finditer(folded):
        gap = folded[position : run.start()]
        if segments and segments[-1][1] and not gap.strip():
            segments[-1] = (segments[-1][0] + run.group(), True)
        else:
            add_words(run.start())
            segments.append((run.group(), True))
        position = run.end()
    add_words(len(folded))
    return segments


def contains_phrase(haystack: str, needle: str) -> bool:
    """True when `needle` occurs in `haystack` as a phrase, case and accents folded.

    Words of spaced scripts must match whole and in order (`Ana` is not in `Anabel`); text of
    unspaced scripts may start or end inside a run (`佐藤美咲` is in `元同僚の佐藤美咲さんが`).
    A needle with no word at all is never contained.
    """
    wanted = phrase_segments(needle)
    have = phrase_segments(haystack)
    if not wanted:
        return False
    if len(wanted) == 1:
        text, unspaced = wanted[0]
        return any(text in seg if unspaced else text == seg for seg, cjk in have if cjk == unspaced)
    last = len(wanted) - 1
    for start in range(len(have) - last):
        if all(
            _segment_matches(have[start + i], wanted[i], first=i == 0, final=i == last)
            for i in range(len(wanted))
        ):
            return True
    return False


def _segment_matches(
    have: tuple[str, bool], wanted: tuple[str, bool], *, first: bool, final: bool
) -> bool:
    if have[1] != wanted[1]:
        return False
    if not wanted[1]:
        return have[0] == wanted[0]
    if first and final:
        return wanted[0] in have[0]
    if first:
        return have[0].endswith(wanted[0])
    if final:
        return have[0].startswith(wanted[0])
    return have[0] == wanted[0]
