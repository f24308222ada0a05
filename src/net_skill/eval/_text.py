"""Text helpers of the deterministic checks: words, stems, placeholders, near-copy ratios.

Words, stems and counts come from `net_skill.text`, so every check works in any language
(accents, apostrophes, and scripts written without spaces such as Chinese and Japanese).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher

from net_skill.text import STOPWORDS, content_terms, count_words, fold, stem, words

__all__ = [
    "COMMUNITY_WORDS",
    "GENERIC_CJK",
    "GENERIC_WORDS",
    "PLACEHOLDER_PATTERNS",
    "PLACEHOLDER_VALUES",
    "ROLE_WORDS",
    "STOPWORDS",
    "VAGUE_WORDS",
    "community_words",
    "concrete_terms",
    "content_stems",
    "find_placeholders",
    "is_blank",
    "pair_ratios",
    "proper_nouns",
    "quote",
    "similarity",
    "specific_stems",
    "stem",
    "word_count",
    "words",
]

_GENERIC_TEXT = """
    motivated passionate passion dedicated dedication hard working hardworking team player
    professional professionals value valuable skills skill people help helping great strong
    unique experience experienced work working opportunity opportunities network networking
    connect connection connections chat conversation coffee love would like really quick time
    minutes thanks thank best regards hello dear hope well happy reach reaching out interested
    interest learn learning career field industry company role things something someone
    anything everyone results driven detail oriented fast learner bring brings offer offering
    eager excited good results-driven detail-oriented self-starter
    synergy synergies synergistic leverage leveraging scalable scale scaling growth grow
    drive driving drives impact impactful innovative innovation innovate solutions solution
    outcomes outcome ecosystem ecosystems strategic strategy holistic end-to-end data-driven
    dynamic cutting-edge best-in-class world-class game-changing disruptive empower
    empowering seamless robust next-level stakeholder stakeholders thought leadership
    value-add add adding win-win mindset journey space
"""
GENERIC_WORDS = frozenset(_GENERIC_TEXT.split())
"""Words that say nothing specific about a person or a target (filler and business jargon)."""

_VAGUE_TEXT = """
    tech technology technologies industry industries sector sectors business businesses
    environment environmental world future trends trend field fields area areas things stuff
    topics topic interests interested likes like care cares caring enjoy enjoys general
    similar same both also common shared lot lots many various everything works worked job
    jobs big large small huge new idea ideas company companies person everyone stuff lives
    life nice cool awesome former old current first seems seem seemed looks kind sort type
    lots always often usually basically generally overall
"""
VAGUE_WORDS = frozenset(_VAGUE_TEXT.split())
"""Words that name no concrete entity: "works in tech, likes innovation" is not research."""

_ROLE_TEXT = """
    manager managers director directors lead leads leader leaders head heads senior junior
    principal staff chief officer vp svp evp president founder founders cofounder co-founder
    owner owners partner partners associate assistant coordinator specialist specialists
    consultant consultants advisor adviser engineer engineers developer developers designer
    designers analyst analysts scientist scientists researcher researchers recruiter
    recruiters organizer organiser organizers organisers member members hiring product
    marketing sales customer success education operations engineering design research
    program programme project technical software talent team teams company companies firm
    firms startup startups scale-up scale-ups organisation organization organisations
    organizations enterprise enterprises large small big mid-size midsize mid-sized local
    regional global leading top major known someone person professional professionals expert
    experts practitioner practitioners peer peers employee employees employer employers
    agency agencies client clients executive executives ceo cto cfo coo ciso pm pms ux ui ai
    ml it qa hr b2b b2c saas api mba phd linkedin twitter mid-level entry-level level career
    cs
"""
ROLE_WORDS = frozenset(_ROLE_TEXT.split())
"""Job-title and company-kind words: a role, but not where to find the person."""

_COMMUNITY_TEXT = """
    meetup meetups chamber chambers association associations society societies chapter
    chapters club clubs guild guilds community communities slack discord forum forums
    conference conferences summit summits hackathon hackathons alumni council councils
    league federation incubator incubators accelerator accelerators coworking bootcamp
    cohort network's circle circles study-group reading-group user-group
    コミュニティ 勉強会 協会 学会 社区 协会 校友会 沙龙
"""
COMMUNITY_WORDS = frozenset(_COMMUNITY_TEXT.split())
"""Words naming a community where people can be found (a meetup, a chapter, a Slack)."""

_GENERIC_CJK_TEXT = """
    データ アナリスト プロダクト マネージャー エンジニア デザイナー サイエンティスト
    リサーチャー マーケティング セールス コンサルタント リクルーター スタートアップ チーム
    会社 企業 大手 業界 仕事 経験 興味 関心 技術 革新 環境 担当 担当者 分野 関係 人材 社員
    数据 分析 经理 公司 工作 会计 财务 行业 经验 团队 产品 技术 工程 管理 兴趣 创新 环境
    大型 企业 领域 相关 人士 员工 岗位 职位 某 一家
"""
GENERIC_CJK = tuple(sorted(_GENERIC_CJK_TEXT.split(), key=len, reverse=True))
"""Chinese and Japanese role, field and filler words (removed before comparing CJK text)."""

PLACEHOLDER_VALUES = frozenset(
    {
        "",
        "n/a",
        "na",
        "n.a.",
        "tbd",
        "tba",
        "todo",
        "to do",
        "unknown",
        "none",
        "-",
        "--",
        "...",
        "?",
        "xxx",
        "placeholder",
        "lorem ipsum",
        "same as above",
        "see above",
        "etc",
    }
)

PLACEHOLDER_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("[bracketed]", re.compile(r"\[[^\[\]\n]{1,40}\]")),
    ("{braced}", re.compile(r"\{\{?[^{}\n]{1,40}\}?\}")),
    ("<angled>", re.compile(r"<[A-Za-z][A-Za-z _-]{0,30}>")),
    ("XXX", re.compile(r"\bX{3,}\b", re.IGNORECASE)),
    ("TBD", re.compile(r"\b(?:TBD|TBA|TODO)\b")),
    ("lorem ipsum", re.compile(r"lorem ipsum", re.IGNORECASE)),
)
"""Unfilled template slots: `[Name]`, `{company}`, `<name>`, `XXX`, `TBD`, `TODO`."""


def content_stems(text: str) -> set[str]:
    """Stems of the words that carry meaning: no stop-words, no generic filler, 2+ letters;
    character bigrams in Chinese and Japanese (`net_skill.text.content_terms`)."""
    return content_terms(text, ignore=GENERIC_WORDS)


def is_blank(text: str | None) -> bool:
    """Empty, a placeholder value such as `N/A` or `TBD`, or no meaningful word at all."""
    if text is None:
        return True
    cleaned = " ".join(text.split()).strip().casefold()
    if cleaned.rstrip(".") in PLACEHOLDER_VALUES or cleaned in PLACEHOLDER_VALUES:
        return True
    return not any(len(w) >= 2 and w not in STOPWORDS for w in words(cleaned))


def find_placeholders(text: str) -> list[str]:
    """Every unfilled template slot found in `text`, as written."""
    found: list[str] = []
    for _label, pattern in PLACEHOLDER_PATTERNS:
        found.extend(match.group(0) for match in pattern.finditer(text))
    return found


def word_count(text: str) -> int:
    """Words in `text`; two characters of Chinese or Japanese count as one word."""
    return count_words(text)


def similarity(first: Iterable[str], second: Iterable[str]) -> float:
    """difflib ratio between two word sequences (1.0 identical, 0.0 nothing in common)."""
    a, b = list(first), list(second)
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def pair_ratios(sequences: list[list[str]]) -> list[tuple[int, int, float]]:
    """(i, j, similarity) for every pair of word sequences, in order (for near-copy checks)."""
    return [
        (i, j, similarity(sequences[i], sequences[j]))
        for i in range(len(sequences))
        for j in range(i + 1, len(sequences))
    ]


def quote(text: str, limit: int = 90) -> str:
    """A short quotation of plan text for evidence."""
    flat = " ".join(text.split())
    return f'"{flat}"' if len(flat) <= limit else f'"{flat[: limit - 1]}…"'


# --- concrete entities -----------------------------------------------------------------------

_WORD_AT = re.compile(r"[^\W\d_][\w'’&.-]*[\w]|[^\W\d_]", re.UNICODE)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;•\n\"“(«]|[-–—]\s)\s*$")
_NOT_NOUN_CAPS_TEXT = """
    i monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december hi hey hello dear thanks linkedin
    twitter email zoom slack discord tbd tba todo xxx n/a na
"""
_NOT_NOUN_CAPS = frozenset(_NOT_NOUN_CAPS_TEXT.split())


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def _is_capitalised_name(word: str) -> bool:
    return word[:1].isupper() and len(word) >= 2


def proper_nouns(text: str, *, known: str = "") -> set[str]:
    """Folded capitalised words of `text` that name something (a company, place, event, project):
    not a sentence's first word (unless it is CamelCase, an acronym, or capitalised in `known`),
    not a job-title or company-kind word (`Senior`, `Manager`, `SaaS`), not a weekday. In
    Chinese or Japanese text, where letter case marks nothing, any Latin word is a name
    (`pmconf`, `Ubie`).

    Languages that capitalise every noun (German) give too many; scripts without letter case
    give none (see `concrete_terms` for those).
    """
    named_in_known = {
        fold(m.group())
        for m in _WORD_AT.finditer(known)
        if _is_capitalised_name(m.group()) and not _SENTENCE_START.search(known[: m.start()])
    }
    found: set[str] = set()
    latin_in_cjk = bool(_CJK.search(text))  # Latin letters in Chinese or Japanese mark names
    for match in _WORD_AT.finditer(text):
        word = match.group().rstrip(".'’-&")
        if not (_is_capitalised_name(word) or (latin_in_cjk and len(word) >= 2)):
            continue
        folded = fold(word).removesuffix("'s")
        if folded in ROLE_WORDS or folded in STOPWORDS or folded in _NOT_NOUN_CAPS:
            continue
        if folded in GENERIC_WORDS or folded in VAGUE_WORDS:
            continue
        initial = not latin_in_cjk and bool(_SENTENCE_START.search(text[: match.start()]))
        marked = any(c.isupper() for c in word[1:]) or any(c.isdigit() for c in word)
        if not initial or marked or folded in named_in_known:
            found.add(folded)
    return found


def _strip_generic_cjk(text: str) -> str:
    for word in GENERIC_CJK:
        text = text.replace(word, " ")
    return text


_VAGUE = GENERIC_WORDS | VAGUE_WORDS
_NOT_WHERE = _VAGUE | ROLE_WORDS


def specific_stems(text: str, *, roles: bool = True) -> set[str]:
    """Content stems without filler or vague words (nor job-title words unless `roles`); CJK
    bigrams after the generic CJK words are cut out."""
    return content_terms(_strip_generic_cjk(text), ignore=_VAGUE if roles else _NOT_WHERE)


def concrete_terms(text: str, reference: str, *, roles: bool = True) -> set[str]:
    """What `text` names concretely: its proper nouns, and the specific terms (not filler, not
    vague; no job titles unless `roles`) it shares with `reference` (the situation, a target's
    profile)."""
    shared = specific_stems(text, roles=roles) & specific_stems(reference, roles=roles)
    return shared | proper_nouns(text, known=reference)


def community_words(text: str) -> set[str]:
    """The words of `text` that name a community ("the local Rust meetup", "勉強会")."""
    folded = fold(text)
    found = {w for w in words(text) if w in COMMUNITY_WORDS}
    found |= {w for w in COMMUNITY_WORDS if not w.isascii() and w in folded}
    return found
