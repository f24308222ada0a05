"""Focused tests of the loader: frontmatter, ids, structure, and every error it must name."""

from __future__ import annotations

import textwrap
import warnings
from pathlib import Path

import pytest

from net_skill.errors import SkillParseError
from net_skill.loader import MAX_SKILL_BYTES, SkillWarning, load_skill, parse_skill
from net_skill.skill import Skill

FRONT = '---\nname: "demo - Demo Skill"\ndescription: "A demo."\n---\n'


def skill_text(body: str, front: str = FRONT) -> str:
    return front + textwrap.dedent(body).lstrip("\n")


def quiet_parse(text: str, path: Path | None = None) -> Skill:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkillWarning)
        return parse_skill(text, path=path)


def line_of(text: str, start: str) -> int:
    """1-based line of the only line of `text` that starts with `start`."""
    (line,) = [n for n, raw in enumerate(text.split("\n"), 1) if raw.startswith(start)]
    return line


STEPS_BODY = """
# Demo

## Steps

### Step 1: First
Do the first thing:
1. Alpha
   - alpha one
   - alpha two
2. Beta

### Step 2: Second
- [ ] Gamma
- [x] Delta

## Verification
- Checked one
- [ ] Checked two
"""


# --------------------------------------------------------------------------- frontmatter


def test_reads_name_description_and_id() -> None:
    skill = quiet_parse(skill_text(STEPS_BODY))
    assert (skill.id, skill.name, skill.description) == ("demo", "demo - Demo Skill", "A demo.")
    assert skill.title == "Demo"
    assert skill.body.startswith("# Demo")
    assert skill.source.startswith("---\nname:")


@pytest.mark.parametrize(
    ("filename", "expected"),
    [("foo.SKILL.md", "foo"), ("foo.md", "foo"), ("bar/SKILL.md", "bar"), ("baz/skill.md", "baz")],
)
def test_id_from_file_or_folder_when_name_has_no_dash(
    tmp_path: Path, filename: str, expected: str
) -> None:
    path = tmp_path / filename
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        skill_text(STEPS_BODY, front="---\nname: Plain Name\ndescription: d\n---\n"),
        encoding="utf-8",
    )
    skill = load_skill(path)
    assert skill.id == expected
    assert skill.name == "Plain Name"


def test_id_without_path_or_dash_is_a_slug_of_the_name() -> None:
    skill = quiet_parse(skill_text(STEPS_BODY, front="---\nname: Plain Name!\n---\n"))
    assert skill.id == "plain-name"


def test_folder_path_loads_its_skill_md(tmp_path: Path) -> None:
    (tmp_path / "pack").mkdir()
    (tmp_path / "pack" / "SKILL.md").write_text(skill_text(STEPS_BODY), encoding="utf-8")
    assert load_skill(tmp_path / "pack").path == tmp_path / "pack" / "SKILL.md"


def assert_parse_error(text: str, line: int | None, fragment: str) -> SkillParseError:
    with pytest.raises(SkillParseError) as info:
        quiet_parse(text, path=Path("x.SKILL.md"))
    error = info.value
    assert error.path == "x.SKILL.md"
    assert error.line == line
    assert fragment in error.message
    assert str(error).startswith(f"x.SKILL.md:{line}: " if line else "x.SKILL.md: ")
    return error


def test_missing_frontmatter() -> None:
    assert_parse_error("# Just markdown\n\n## Steps\n", 1, "missing frontmatter")


def test_unclosed_frontmatter() -> None:
    assert_parse_error("---\nname: x\n\n# Title\n", 1, "never closed")


def test_malformed_yaml_names_the_line() -> None:
    text = "---\nname: ok\ndescription: fine\ntags: [a, b\n---\n# T\n"
    error = assert_parse_error(text, 5, "malformed YAML frontmatter")
    assert "x.SKILL.md:5" in str(error)


def test_yaml_tab_indentation_error_line() -> None:
    assert_parse_error("---\nname: ok\n\tbad: 1\n---\n", 3, "malformed YAML")


def test_frontmatter_must_be_a_mapping() -> None:
    assert_parse_error("---\n- a\n- b\n---\n# T\n", 2, "mapping")


@pytest.mark.parametrize("front", ["---\n---\n", "---\ndescription: d\n---\n", "---\nname:\n---\n"])
def test_missing_or_empty_name(front: str) -> None:
    assert_parse_error(front + "# T\n", 1, "no `name`")


def test_name_must_be_text() -> None:
    assert_parse_error("---\ndescription: d\nname: [a, b]\n---\n", 3, "`name` must be text")


def test_yaml_types_are_kept_as_text() -> None:
    skill = quiet_parse("---\nname: 2024-01-01\ndescription: 3.10\n---\n# T\n")
    assert (skill.name, skill.description) == ("2024-01-01", "3.10")


def test_missing_description_is_a_warning() -> None:
    with pytest.warns(SkillWarning, match="no `description`"):
        skill = parse_skill(skill_text(STEPS_BODY, front="---\nname: a - b\n---\n"))
    assert skill.description == ""


@pytest.mark.parametrize("text", ["", "   \n\n\t\n", "\ufeff"])
def test_empty_file(text: str) -> None:
    assert_parse_error(text, 1, "empty")


def test_empty_file_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "e.SKILL.md"
    path.write_bytes(b"")
    with pytest.raises(SkillParseError, match=r"e\.SKILL\.md:1: the skill file is empty"):
        load_skill(path)


def test_non_utf8_file_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "latin.SKILL.md"
    path.write_bytes(FRONT.encode() + b"# Title\n\ncaf\xe9\n")
    with pytest.raises(SkillParseError) as info:
        load_skill(path)
    assert info.value.line == 7
    assert info.value.path == str(path)
    assert "not UTF-8" in info.value.message


def test_missing_file_is_a_parse_error(tmp_path: Path) -> None:
    with pytest.raises(SkillParseError, match="cannot read skill file"):
        load_skill(tmp_path / "nope.md")


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_bytes(FRONT.encode() + b"a" * MAX_SKILL_BYTES)
    with pytest.raises(SkillParseError, match="larger than"):
        load_skill(path)


def test_crlf_and_bom_load_like_lf() -> None:
    text = skill_text(STEPS_BODY)
    crlf = quiet_parse("\ufeff" + text.replace("\n", "\r\n"))
    lf = quiet_parse(text)
    assert crlf.to_dict() == lf.to_dict()
    assert [s.line for s in crlf.steps] == [s.line for s in lf.steps]


# --------------------------------------------------------------------------- structure


def test_steps_items_nesting_checkboxes_and_lines() -> None:
    skill = quiet_parse(skill_text(STEPS_BODY))
    first, second = skill.steps
    assert (first.number, first.title, first.line) == (1, "First", 9)
    assert [i.text for i in first.items] == ["Alpha", "Beta"]
    assert [c.text for c in first.items[0].children] == ["alpha one", "alpha two"]
    assert [i.line for i in first.items] == [11, 14]
    assert first.body == "Do the first thing:\n1. Alpha\n   - alpha one\n   - alpha two\n2. Beta"
    assert [i.text for i in second.items] == ["Gamma", "Delta"]
    assert skill.verification == ("Checked one", "Checked two")
    assert second.key == "step-2"


def test_sections_are_kept_by_title_case_insensitively() -> None:
    body = """
    ## OVERVIEW
    Hello.

    ## steps
    ### step 1 - Lowercase works
    Body.

    ## When To Use
    - Sometimes

    ## Custom Notes
    Keep me.

    ## verification
    - ok
    """
    skill = quiet_parse(skill_text(body))
    assert list(skill.sections) == [
        "overview",
        "steps",
        "when to use",
        "custom notes",
        "verification",
    ]
    assert skill.section("Custom Notes") is not None
    assert skill.sections["custom notes"].title == "Custom Notes"
    assert skill.sections["custom notes"].body == "Keep me."
    assert skill.overview == "Hello."
    assert [s.title for s in skill.steps] == ["Lowercase works"]
    assert skill.when_to_use == ("Sometimes",)
    assert skill.verification == ("ok",)


def test_no_steps_section_loads_with_zero_steps() -> None:
    skill = quiet_parse(skill_text("# T\n\n## Overview\nJust do it.\n\n## Verification\n- done\n"))
    assert skill.steps == ()
    assert skill.warnings == ()


def test_steps_section_without_step_headings_warns() -> None:
    with pytest.warns(SkillWarning, match="zero steps"):
        skill = parse_skill(skill_text("## Steps\n1. one\n2. two\n\n## Verification\n- v\n"))
    assert skill.steps == ()


def test_no_verification_warns_and_gives_empty_checklist() -> None:
    with pytest.warns(SkillWarning, match="no '## Verification' section"):
        skill = parse_skill(skill_text("## Steps\n### Step 1: Only\nDo.\n"))
    assert skill.verification == ()
    assert any("Verification" in w for w in skill.warnings)


def test_verification_without_bullets_warns() -> None:
    with pytest.warns(SkillWarning, match="has no list items"):
        skill = parse_skill(skill_text("## Steps\n### Step 1: Only\n\n## Verification\nNone.\n"))
    assert skill.verification == ()


def test_steps_may_start_at_zero() -> None:
    body = "## Steps\n### Step 0: Warm up\n### Step 1: Go\n\n## Verification\n- v\n"
    assert [s.number for s in quiet_parse(skill_text(body)).steps] == [0, 1]


@pytest.mark.parametrize(
    ("numbers", "line", "fragment"),
    [
        # "### Step" headings sit on lines 8, 10, 12, 14 of the file
        ([1, 2, 2], 12, "Step 2 repeats (first at line 10)"),
        ([1, 3], 10, "Step 3 follows Step 1: Step 2 is missing"),
        ([2, 3], 8, "numbered from 1 (or 0)"),
        ([1, 2, 3, 1], 14, "Step 1 repeats (first at line 8)"),
        ([1, 2, 3, 2], 14, "Step 2 repeats"),
    ],
)
def test_bad_step_numbers_name_the_line(numbers: list[int], line: int, fragment: str) -> None:
    headings = "".join(f"### Step {n}: S{n}\n\n" for n in numbers)
    text = skill_text("# T\n\n## Steps\n" + headings + "## Verification\n- v\n")
    assert_parse_error(text, line, fragment)


def test_nothing_in_fenced_code_counts() -> None:
    body = """
    ## Steps

    ### Step 1: Real
    ```
    ### Step 2: Fake
    ## Verification
    - [ ] fake item
    ```

    ~~~markdown
    ## When to Use
    - fake
    ~~~

    ## Verification
    - real
    """
    skill = quiet_parse(skill_text(body))
    assert [s.title for s in skill.steps] == ["Real"]
    assert skill.steps[0].items == ()
    assert skill.verification == ("real",)
    assert "when to use" not in skill.sections


def test_headings_in_lists_quotes_and_indented_code_are_not_structure() -> None:
    body = """
    ## Steps

    ### Step 1: Real
    > ### Step 2: Quoted
    - ### Step 2: In a list

        ### Step 2: Indented code

    ## Verification
    - v
    """
    skill = quiet_parse(skill_text(body))
    assert [s.title for s in skill.steps] == ["Real"]


def test_h3_step_outside_steps_is_not_a_step_and_warns() -> None:
    body = (
        "## Overview\n### Step 1: Not here\n\n## Steps\n### Step 1: Here\n\n## Verification\n- v\n"
    )
    with pytest.warns(SkillWarning, match="is not under '## Steps'"):
        skill = parse_skill(skill_text(body))
    assert [s.title for s in skill.steps] == ["Here"]


def test_h2_step_is_a_section_with_a_warning() -> None:
    body = "## Step 0: Prep\nText.\n\n## Steps\n### Step 1: Go\n\n## Verification\n- v\n"
    with pytest.warns(SkillWarning, match=r"'## Step 0: Prep' \(line 5\) is an H2 section"):
        skill = parse_skill(skill_text(body))
    assert [s.number for s in skill.steps] == [1]
    assert skill.sections["step 0: prep"].body == "Text."


def test_subheadings_inside_a_step_belong_to_it() -> None:
    body = """
    ## Steps
    ### Step 1: Plan
    Intro.
    #### Detail
    - detail item
    ### Notes on planning
    - note item
    ### Step 2: Act
    - act

    ## Verification
    - v
    """
    skill = quiet_parse(skill_text(body))
    first = skill.step(1)
    assert [i.text for i in first.items] == ["detail item", "note item"]
    assert "### Notes on planning" in first.body
    assert [i.text for i in skill.step(2).items] == ["act"]


def test_heading_before_first_step_warns() -> None:
    body = "## Steps\n### Preface\n- p\n### Step 1: Go\n\n## Verification\n- v\n"
    with pytest.warns(SkillWarning, match="before the first step"):
        skill = parse_skill(skill_text(body))
    assert [i.text for i in skill.step(1).items] == []


def test_setext_h2_is_a_section() -> None:
    body = "Steps\n-----\n\n### Step 1: Go\n\nVerification\n------------\n- v\n"
    skill = quiet_parse(skill_text(body))
    assert [s.title for s in skill.steps] == ["Go"]
    assert skill.verification == ("v",)


def test_thematic_breaks_between_steps_do_not_end_the_steps() -> None:
    body = "## Steps\n### Step 1: A\n- a\n\n---\n\n### Step 2: B\n- b\n\n## Verification\n- v\n"
    skill = quiet_parse(skill_text(body))
    assert [s.title for s in skill.steps] == ["A", "B"]
    assert skill.step(1).body == "- a"


def test_trailing_input_block_belongs_to_no_section() -> None:
    body = "## Verification\n- v\n\n---\n\n**Input**: $ARGUMENTS\n"
    skill = quiet_parse(skill_text(body))
    assert skill.sections["verification"].body == "- v"
    assert skill.verification == ("v",)


def test_verification_includes_subsection_and_nested_bullets() -> None:
    body = (
        "## Verification\n- [ ] top\n  - nested\n### More\n- [x] sub\n\n## Steps\n### Step 1: A\n"
    )
    skill = quiet_parse(skill_text(body))
    assert skill.verification == ("top", "nested", "sub")


def test_duplicate_sections_are_joined_with_a_warning() -> None:
    body = "## Notes\none\n\n## Notes\ntwo\n\n## Verification\n- v\n"
    with pytest.warns(SkillWarning, match="appears twice"):
        skill = parse_skill(skill_text(body))
    assert skill.sections["notes"].body == "one\n\ntwo"


def test_heading_text_is_kept_exactly() -> None:
    body = "## Steps\n### Step 1: Use `code` & *stars* — [link](x)\n\n## Verification\n- v\n"
    skill = quiet_parse(skill_text(body))
    assert skill.step(1).title == "Use `code` & *stars* — [link](x)"


def test_to_dict_has_the_json_keys() -> None:
    data = quiet_parse(skill_text(STEPS_BODY)).to_dict()
    assert {"id", "name", "description", "steps", "verification", "when_to_use"} <= set(data)
    assert data["steps"][0] == {
        "number": 1,
        "title": "First",
        "items": [
            {
                "text": "Alpha",
                "children": [
                    {"text": "alpha one", "children": []},
                    {"text": "alpha two", "children": []},
                ],
            },
            {"text": "Beta", "children": []},
        ],
    }


def test_lone_surrogate_is_a_parse_error() -> None:
    assert_parse_error("---\nname: a\ud800\n---\n", 2, "lone surrogate U+D800")


def test_repeat_loads_reparse_a_changed_file_and_do_not_share_sections(tmp_path: Path) -> None:
    path = tmp_path / "c.SKILL.md"
    path.write_text(skill_text(STEPS_BODY), encoding="utf-8")
    first, again = load_skill(path), load_skill(path)
    assert first == again
    first.sections.clear()
    assert "verification" in load_skill(path).sections
    path.write_text(skill_text(STEPS_BODY.replace("First", "Changed")), encoding="utf-8")
    assert load_skill(path).step(1).title == "Changed"


def test_warnings_are_given_on_every_load() -> None:
    text = skill_text("## Steps\n### Step 1: Only\n")
    for _ in range(2):
        with pytest.warns(SkillWarning, match="no '## Verification' section"):
            parse_skill(text)
