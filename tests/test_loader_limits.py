"""The loader's limits and its cleaning of hostile text, tested on the library.

Control characters are removed when a skill is read, nesting and step counts are bounded, and
text that used to be misread without a word (a step number too large to be a step, an
unclosed fence) now gives a warning or an error naming the line.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from net_skill.errors import SkillParseError
from net_skill.loader import (
    MAX_BLOCK_DEPTH,
    MAX_LIST_DEPTH,
    MAX_SKILL_BYTES,
    MAX_STEPS,
    MAX_WARNINGS,
    SkillWarning,
    parse_skill,
)
from tests.test_loader import line_of, quiet_parse
from tests.test_loader import skill_text as _skill_text

FRONT = "---\nname: lim - Limits\ndescription: d\n---\n"


def skill_text(body: str) -> str:
    return _skill_text(body, front=FRONT)


def parse_error(text: str) -> SkillParseError:
    with pytest.raises(SkillParseError) as info:
        quiet_parse(text, Path("lim.SKILL.md"))
    assert info.value.path == "lim.SKILL.md"
    return info.value


# --------------------------------------------------------------------------- control characters

ESC = "\x1b"
DIRTY = skill_text(
    f"""
    # Title {ESC}]0;window title\x07here

    ## Steps

    ### Step 1: {ESC}[2J{ESC}[HClear\x08 screen
    - {ESC}]8;;https://evil.example/{ESC}\\link{ESC}]8;;{ESC}\\ text
    - C1\u009b31m and bidi \u202egnp.exe\u202c and zero\u200bwidth and DEL\x7f
    - tab\tstays; ZWJ stays: 👩\u200d💻; NUL\x00 reads as U+FFFD

    ### Step 2: Second
    - two

    ## Verification
    - [ ] {ESC}[5mchecked{ESC}[0m
    """
).replace("name: lim - Limits", f"name: lim - {ESC}[31mLimits\x07")


def test_control_and_invisible_characters_are_removed_everywhere() -> None:
    skill = quiet_parse(DIRTY)
    assert skill.name == "lim - [31mLimits"
    assert skill.title == "Title ]0;window titlehere"
    one = skill.step(1)
    assert one.title == "[2J[HClear screen"
    assert [i.text for i in one.items] == [
        "]8;;https://evil.example/\\link]8;;\\ text",
        "C131m and bidi gnp.exe and zerowidth and DEL",
        "tab\tstays; ZWJ stays: 👩\u200d💻; NUL\ufffd reads as U+FFFD",
    ]
    assert skill.verification == ("[5mchecked[0m",)
    for text in (skill.source, skill.body, one.body, skill.sections["steps"].body):
        assert not any(c in text for c in "\x00\x07\x08\x1b\x7f\u009b\u202e\u200b")


def test_line_numbers_are_kept_after_removed_characters() -> None:
    skill = quiet_parse(DIRTY)
    assert [s.line for s in skill.steps] == [
        line_of(DIRTY, "### Step 1"),
        line_of(DIRTY, "### Step 2"),
    ]
    assert skill.step(1).items[2].line == line_of(DIRTY, "- tab")


def test_yaml_escapes_cannot_bring_control_characters_back() -> None:
    text = '---\nname: "a\\e[2J\\0b\\a - x"\ndescription: "\\x1b]0;t\\u202e d"\n---\n# T\n'
    skill = quiet_parse(text)
    assert (skill.name, skill.description, skill.id) == ("a[2J\ufffdb - x", "]0;t d", "a[2J\ufffdb")


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_lone_cr_are_line_endings(newline: str) -> None:
    lf = quiet_parse(DIRTY)
    other = quiet_parse(DIRTY.replace("\n", newline))
    assert other.to_dict() == lf.to_dict()
    assert [s.line for s in other.steps] == [s.line for s in lf.steps]


def test_a_skill_of_only_control_characters_is_empty() -> None:
    assert parse_error("\x1b\x07\r\n\u200b").message == "the skill file is empty"


# --------------------------------------------------------------------------- nesting


def nested(depth: int) -> str:
    return "".join("  " * k + f"- level {k + 1}\n" for k in range(depth))


def test_lists_may_nest_to_the_limit() -> None:
    skill = quiet_parse(skill_text("## Steps\n### Step 1: Deep\n") + nested(MAX_LIST_DEPTH))
    item = skill.step(1).items[0]
    for _ in range(MAX_LIST_DEPTH - 1):
        (item,) = item.children
    assert item.text == f"level {MAX_LIST_DEPTH}"


@pytest.mark.parametrize("where", ["## Steps\n### Step 1: Deep\n", "## Verification\n"])
def test_deeper_lists_are_an_error_naming_the_line(where: str) -> None:
    text = skill_text(where) + nested(500)
    error = parse_error(text)
    assert error.message == f"lists are nested more than {MAX_LIST_DEPTH} deep here"
    assert error.line == line_of(text, "  " * MAX_LIST_DEPTH + "- level")


def test_deep_lists_in_a_section_that_has_no_items_are_text() -> None:
    skill = quiet_parse(skill_text("## Overview\n") + nested(40))
    assert "level 40" in skill.sections["overview"].body


def test_compact_nested_lists_are_an_error_too() -> None:
    text = skill_text("## Steps\n### Step 1: Deep\n") + "- " * 500 + "bottom\n"
    assert parse_error(text).line == line_of(text, "- - -")


@pytest.mark.parametrize("unit", ["> ", "- ", "1. ", "> - ", "\t- "])
def test_containers_too_deep_for_the_parser_are_refused_before_parsing(unit: str) -> None:
    text = skill_text("# T\n\nintro\n\n") + unit * (MAX_BLOCK_DEPTH + 1) + "x\n"
    error = parse_error(text)
    assert error.message == f"block quotes and lists are nested more than {MAX_BLOCK_DEPTH:,} deep"
    assert error.line == text.split("\n").index(unit * (MAX_BLOCK_DEPTH + 1) + "x") + 1


@pytest.mark.parametrize(
    "line", ["-" * 3000, " " * 1900 + "indented code", "1.2.3." * 400, "- " * 900 + "x"]
)
def test_long_prefixes_that_are_not_deep_nesting_load(line: str) -> None:
    quiet_parse(skill_text("# T\n\n```\n") + line + "\n```\n")
    quiet_parse(skill_text("# T\n\n") + line + "\n")


# --------------------------------------------------------------------------- steps


def steps(count: int) -> str:
    headings = "".join(f"### Step {n}: S{n}\n- a\n" for n in range(1, count + 1))
    return skill_text("## Steps\n") + headings


def test_a_skill_may_have_the_maximum_number_of_steps() -> None:
    assert len(quiet_parse(steps(MAX_STEPS)).steps) == MAX_STEPS


def test_one_step_more_is_an_error_naming_its_heading() -> None:
    text = steps(10_000)
    error = parse_error(text)
    assert error.message == f"a skill has at most {MAX_STEPS} steps; this heading starts one more"
    assert error.line == line_of(text, f"### Step {MAX_STEPS + 1}:")


def test_a_huge_step_number_is_a_numbering_error_not_text_of_step_1() -> None:
    text = skill_text("## Steps\n### Step 1: a\n- a\n### Step 9999999: b\n- b\n")
    error = parse_error(text)
    assert (error.line, error.message) == (8, "Step 9999999 follows Step 1: Step 2 is missing")
    text = text.replace("9999999", "1" * 5000)
    assert parse_error(text).message == "'Step 111111111…' is not a usable step number"


# --------------------------------------------------------------------------- swallowing blocks


FENCED = """
## Steps

### Step 1: Start
Run this:

````sh
echo start
```
still code

### Step 2: Swallowed
- never a step

## Verification
- [ ] never a checklist entry
"""


def test_an_unclosed_fence_is_a_warning_naming_its_line() -> None:
    text = skill_text(FENCED)
    with pytest.warns(SkillWarning) as caught:
        skill = parse_skill(text, path=Path("lim.SKILL.md"))
    fence = line_of(text, "````sh")
    assert [s.number for s in skill.steps] == [1]
    assert skill.verification == ()
    notes = [n for n in skill.notes if n.subject == "the code fence"]
    assert [n.line for n in notes] == [fence]
    assert f"the code fence (line {fence}) is never closed" in str(caught[0].message)


@pytest.mark.parametrize("closing", ["````", "`````  ", "   ````"])
def test_a_closed_fence_gives_no_warning(closing: str) -> None:
    text = skill_text(FENCED.replace("still code\n", f"still code\n{closing}\n"))
    skill = quiet_parse(text)
    assert skill.warnings == ()
    assert [s.number for s in skill.steps] == [1, 2]


def test_an_unclosed_fence_inside_a_list_item_ends_with_the_item() -> None:
    text = skill_text("## Steps\n### Step 1: a\n- item\n  ```\n  code\n\n## Verification\n- ok\n")
    assert quiet_parse(text).warnings == ()


def test_an_html_block_over_headings_is_a_warning() -> None:
    text = skill_text("# T\n\n<!--\n## Steps\n### Step 1: hidden\n\n## Verification\n- ok\n")
    skill = quiet_parse(text)
    (note, *_) = skill.notes
    assert (note.subject, note.line) == ("the HTML block", line_of(text, "<!--"))
    assert f"heading at line {line_of(text, '## Steps')}" in note.message


# --------------------------------------------------------------------------- size and counts


def test_text_over_the_size_limit_is_refused_by_parse_skill_too() -> None:
    text = FRONT + "# T\n" + "é" * (MAX_SKILL_BYTES // 2)
    assert "larger than" in parse_error(text).message


def test_warnings_are_capped_with_a_count_of_the_rest() -> None:
    stray = "".join(f"## Step {n}: stray\n" for n in range(30))
    text = skill_text(stray + "## Verification\n- a\n")
    skill = quiet_parse(text)
    assert len(skill.warnings) == MAX_WARNINGS
    assert skill.warnings[-1] == f"… and {30 - MAX_WARNINGS + 1} more warnings"


def test_a_title_used_many_times_is_one_warning() -> None:
    text = skill_text("## Notes\na\n" * 50 + "## Verification\n- a\n")
    skill = quiet_parse(text)
    assert skill.warnings == (
        "section '## Notes' appears 50 times (lines 5, 7, 9, 11, 13, …); their texts are joined",
    )
    assert skill.sections["notes"].body == "\n\n".join(["a"] * 50)


def test_many_sections_are_read_in_linear_time() -> None:
    def seconds(count: int) -> float:
        text = skill_text("## Steps\n## a\n" * count)
        best = float("inf")
        for _ in range(2):
            start = time.perf_counter()
            quiet_parse(text + f"<!-- {count} {_} -->")  # a new text: no cache hit
            best = min(best, time.perf_counter() - start)
        return best

    small, large = seconds(1_000), seconds(10_000)
    assert large < 30 * small + 0.05  # linear: about 10x; quadratic (as it was): about 100x
