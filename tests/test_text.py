"""`net_skill.text` and the name rule in any language: accents, apostrophes, unspaced scripts."""

from __future__ import annotations

import pytest

from net_skill.eval._text import content_stems, is_blank, word_count
from net_skill.eval._text import words as eval_words
from net_skill.names import appears_in, candidate_names
from net_skill.text import contains_phrase, content_terms, count_words, fold, words

JA_SITUATION = (
    "私は田中です。元同僚の佐藤美咲さんが今はメルカリでプロダクトマネージャーをしています。"
    "データ分析の経験を活かしてプロダクトの仕事に移りたいです。"
)
ZH_SITUATION = (
    "我叫王芳，在上海做了五年数据分析。我的前同事李明在阿里巴巴做产品经理，"
    "他的老板张伟先生认识很多人。我想转到产品管理。"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kevin O’Neil", ["kevin", "o'neil"]),
        ("D'Angelo, front-end", ["d'angelo", "front-end"]),
        ("Ça va très bien", ["ca", "va", "tres", "bien"]),
        ("ＡＢＣ Straße", ["abc", "strasse"]),
        ("नमस्ते दुनिया", ["नमस्ते", "दुनिया"]),  # vowel signs stay inside the word
        ("佐藤美咲さん", ["佐藤", "藤美", "美咲", "さん"]),  # kanji and kana runs apart
        ("Dana Okaforさん", ["dana", "okafor", "さん"]),  # a script change ends a word
        ("ｶﾞｷﾞ", ["ガギ"]),  # half-width katakana, voicing kept
        ("Q3 2025", ["q"]),  # digits are not words
    ],
)
def test_words(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_fold_keeps_the_marks_other_scripts_need() -> None:
    assert fold("Müller") == "muller"
    assert fold("がっこう") == "がっこう"  # kana voicing is not an accent
    assert fold("O’Neil") == fold("O'Neil")


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("I teach maths in Toronto", 5),
        ("$120k, C++ and Q3 2025", 5),
        ("データ分析の経験", 4),  # 8 characters
        ("我想转到产品管理", 4),
        ("PMの仕事", 3),  # PM, then 3 characters
    ],
)
def test_count_words(text: str, count: int) -> None:
    assert count_words(text) == count


def test_content_terms_overlap_in_chinese_and_japanese() -> None:
    proposition = "データ分析の経験でプロダクトの意思決定を支えます"
    assert {"分析", "経験"} <= content_terms(proposition) & content_terms(JA_SITUATION)
    assert not {"です", "して", "さん"} & content_terms(JA_SITUATION)  # kana endings say nothing
    shared = content_terms("五年数据分析经验，懂产品") & content_terms(ZH_SITUATION)
    assert {"数据", "分析", "产品"} <= shared
    assert "我的" not in content_terms(ZH_SITUATION)  # function characters
    assert content_terms("the data and the model") == {"data", "model"}


def test_eval_helpers_use_the_language_aware_words() -> None:
    assert eval_words("佐藤美咲") == ["佐藤", "藤美", "美咲"]
    assert word_count("データ分析の経験を活かしてプロダクトの意思決定を支えます") >= 8
    assert not is_blank("データ分析")
    assert "分析" in content_stems("データ分析の経験")
    assert "passion" not in content_stems("passion for data")  # generic filler still dropped


@pytest.mark.parametrize(
    ("haystack", "needle", "expected"),
    [
        (JA_SITUATION, "佐藤美咲", True),
        (JA_SITUATION, "佐藤 美咲", True),  # a space between the parts of a Japanese name
        (JA_SITUATION, "美咲", True),
        (JA_SITUATION, "鈴木一郎", False),
        (JA_SITUATION, "佐藤一郎", False),
        ("My former manager Dana Okafor is now a group PM", "dana okafor", True),
        ("My former manager Dana Okafor is now a group PM", "Okafor Dana", False),
        ("Anabel", "Ana", False),
        ("a group PM at Fabrikam.", "Group PM at Fabrikam", True),
        ("Kevin O’Neil", "Kevin O'Neil", True),
        ("x", "!!", False),
    ],
)
def test_contains_phrase(haystack: str, needle: str, expected: bool) -> None:
    assert contains_phrase(haystack, needle) is expected


@pytest.mark.parametrize(
    ("name", "source", "expected"),
    [
        ("佐藤美咲", JA_SITUATION, True),
        ("佐藤 美咲", JA_SITUATION, True),
        ("田中", JA_SITUATION, True),  # the writer: in the text (candidate_names leaves it out)
        ("鈴木一郎", JA_SITUATION, False),
        ("山本", JA_SITUATION, False),
        ("李明", ZH_SITUATION, True),
        ("张伟", ZH_SITUATION, True),
        ("王强", ZH_SITUATION, False),
        ("李华", ZH_SITUATION, False),
        ("Dana Okafor", "元同僚のDana Okaforさん", True),
        ("Dana Smith", "元同僚のDana Okaforさん", False),
        ("Andrés Gómez", "Mi excompañero Andres Gomez trabaja", True),
        ("Kevin O'Neil", "my former manager Kevin O’Neil", True),
        ("Kevin Oneil", "my former manager Kevin O’Neil", False),
        ("Jonas Weber", "Mein Studienfreund Jonas Weber arbeitet", True),
        ("Jonas Müller", "Mein Studienfreund Jonas Weber arbeitet", False),
        ("김민수", "제 전 동료 김민수씨가 삼성에서 일해요", True),
        ("박지훈", "제 전 동료 김민수씨가 삼성에서 일해요", False),
    ],
)
def test_appears_in_any_language(name: str, source: str, expected: bool) -> None:
    assert appears_in(name, source) is expected


@pytest.mark.parametrize(
    ("text", "wanted", "unwanted"),
    [
        (JA_SITUATION, {"佐藤美咲"}, {"田中", "元同僚"}),
        ("上司の山田は優しい。ジョン・スミスさんと会った。", {"山田", "ジョン・スミス"}, set()),
        (ZH_SITUATION, {"李明", "张伟"}, {"王芳", "前同事李明", "张伟先"}),
        (
            "我是一名数据分析师。我的同事王小明现在在腾讯。导师陈教授很支持我。",
            {"王小明", "陈教授"},
            set(),
        ),
        ("元同僚のDana Okaforさんが", {"Dana Okafor"}, {"Okaforさん"}),
        ("Soy Ana. Mi excompañero Andrés Gómez trabaja en Bogotá.", {"Andrés Gómez"}, {"Ana"}),
    ],
)
def test_candidate_names_in_chinese_and_japanese(
    text: str, wanted: set[str], unwanted: set[str]
) -> None:
    names = candidate_names(text)
    assert wanted <= set(names), names
    assert not unwanted & set(names), names
    assert all(appears_in(name, text) for name in names)  # over-inclusion stays harmless
