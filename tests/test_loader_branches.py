"""Lettered sub-steps: `### Step 2a: …` headings are branches of their step.

Public skills route one kind of question to one branch (Step 1 classifies, Steps 2a-2g answer
each kind). The texts here are written for these tests, in that shape.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from net_skill.cli import app
from net_skill.errors import SkillParseError
from net_skill.loader import SkillWarning, parse_skill
from net_skill.skill import SkillStep
from tests.test_loader import line_of, quiet_parse
from tests.test_loader import skill_text as _skill_text

FRONT = "---\nname: route - Routing\ndescription: Routes a question to one branch.\n---\n"


def skill_text(body: str) -> str:
    return _skill_text(body, front=FRONT)


WITH_STEP = skill_text(
    """
    # Routing

    ## Steps

    ### Step 1: Classify the question
    Which kind is it?
    - money
    - people

    ### Step 2: Answer by kind
    Use the branch for the kind found in Step 1.
    - name the kind

    ### Step 2a: Money questions
    Work out the numbers.
    1. revenue
    2. costs
       - fixed
       - variable

    #### Worked example
    A sub-heading stays in the branch.

    ### Step 2b: People questions
    - who decides
    - who is affected

    ### Step 2c
    A branch without a title.

    ### Step 3: Report
    - the answer

    ## Verification
    - [ ] kind named
    """
)


def test_branches_follow_their_step_with_titles_items_and_lines() -> None:
    skill = quiet_parse(WITH_STEP)
    assert [s.number for s in skill.steps] == [1, 2, 3]
    two = skill.step(2)
    assert two.title == "Answer by kind"
    assert [b.label for b in two.branches] == ["2a", "2b", "2c"]
    assert [b.title for b in two.branches] == ["Money questions", "People questions", ""]
    money, people, untitled = two.branches
    assert [i.text for i in money.items] == ["revenue", "costs"]
    assert [c.text for c in money.items[1].children] == ["fixed", "variable"]
    assert [i.text for i in people.items] == ["who decides", "who is affected"]
    assert untitled.items == ()
    assert money.line == line_of(WITH_STEP, "### Step 2a")
    assert people.line == line_of(WITH_STEP, "### Step 2b")
    assert money.items[0].line == line_of(WITH_STEP, "1. revenue")
    assert skill.steps[0].branches == () and skill.steps[2].branches == ()
    assert skill.warnings == ()


def test_a_step_keeps_only_its_own_text_and_items() -> None:
    two = quiet_parse(WITH_STEP).step(2)
    assert two.body == "Use the branch for the kind found in Step 1.\n- name the kind"
    assert [i.text for i in two.items] == ["name the kind"]
    money = two.branches[0]
    assert money.body.startswith("Work out the numbers.\n1. revenue")
    assert money.body.endswith("#### Worked example\nA sub-heading stays in the branch.")
    assert quiet_parse(WITH_STEP).step(3).body == "- the answer"


def test_prompt_text_is_the_step_body_then_each_branch_heading_and_body() -> None:
    two = quiet_parse(WITH_STEP).step(2)
    parts = two.prompt_text.split("\n\n")
    assert parts[0] == two.body
    assert two.prompt_text == "\n\n".join(
        [
            two.body,
            f"### Step 2a: Money questions\n{two.branches[0].body}",
            f"### Step 2b: People questions\n{two.branches[1].body}",
            "### Step 2c\nA branch without a title.",
        ]
    )
    one = quiet_parse(WITH_STEP).step(1)
    assert one.prompt_text == one.body


def test_branches_in_to_dict_only_on_steps_that_have_them() -> None:
    steps = quiet_parse(WITH_STEP).to_dict()["steps"]
    assert "branches" not in steps[0]
    assert [b["label"] for b in steps[1]["branches"]] == ["2a", "2b", "2c"]
    assert steps[1]["branches"][0] == {
        "label": "2a",
        "title": "Money questions",
        "items": [
            {"text": "revenue", "children": []},
            {
                "text": "costs",
                "children": [
                    {"text": "fixed", "children": []},
                    {"text": "variable", "children": []},
                ],
            },
        ],
    }


WITHOUT_STEP = skill_text(
    """
    ## Steps

    ### Step 1: Classify
    - kind

    ### Step 2a: Starting — viability
    - is it viable?

    ### Step 2b: Pricing
    - what to charge?

    ### Step 2c: Hiring
    - who first?

    ### Step 3: Report
    - the answer

    ## Verification
    - [ ] done
    """
)


def test_branches_without_their_step_become_the_branches_of_a_step_without_text() -> None:
    line = line_of(WITHOUT_STEP, "### Step 2a")
    with pytest.warns(SkillWarning, match=rf"'### Step 2a: Starting — viability' \(line {line}\)"):
        skill = parse_skill(WITHOUT_STEP)
    assert [s.number for s in skill.steps] == [1, 2, 3]
    two = skill.step(2)
    assert two.title == "Starting — viability; Pricing; Hiring"
    assert (two.body, two.items, two.line) == ("", (), line)
    assert [b.label for b in two.branches] == ["2a", "2b", "2c"]
    questions = [b.items[0].text for b in two.branches]
    assert questions == ["is it viable?", "what to charge?", "who first?"]
    assert two.prompt_text.startswith("### Step 2a: Starting — viability\n- is it viable?")
    (note,) = skill.notes
    assert note.line == line
    assert "Steps 2a–2c are read as the branches of a Step 2" in note.message


def test_a_lone_branch_without_its_step_is_the_step() -> None:
    text = WITHOUT_STEP.replace("### Step 2b: Pricing\n- what to charge?\n\n", "").replace(
        "### Step 2c: Hiring\n- who first?\n\n", ""
    )
    with pytest.warns(SkillWarning, match="it is read as Step 2"):
        skill = parse_skill(text)
    two = skill.step(2)
    assert (two.title, two.branches) == ("Starting — viability", ())
    assert [i.text for i in two.items] == ["is it viable?"]
    assert two.body == "- is it viable?"


def test_upper_case_letters_are_branches_labelled_as_written() -> None:
    text = WITH_STEP.replace("Step 2a:", "Step 2A:").replace("Step 2b:", "Step 2B:")
    assert [b.label for b in quiet_parse(text).step(2).branches] == ["2A", "2B", "2c"]


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ("### Step 2c\n", "### Step 2a: Again\n", "Step 2a repeats (first at line {s2a})"),
        ("### Step 2c\n", "### Step 2B: Again\n", "Step 2B repeats (first at line {s2b})"),
        ("### Step 2a: Money", "### Step 4a: Money", "Step 4 follows Step 2: Step 3 is missing"),
        ("### Step 3: Report", "### Step 1c: Report", "Step 1 repeats (first at line {s1})"),
    ],
)
def test_bad_branches_name_the_line(old: str, new: str, fragment: str) -> None:
    text = WITH_STEP.replace(old, new)
    with pytest.raises(SkillParseError) as info:
        quiet_parse(text, Path("route.SKILL.md"))
    lines = {f"s{key}": line_of(WITH_STEP, f"### Step {key}") for key in ("1", "2a", "2b")}
    assert fragment.format_map(lines) in info.value.message
    assert info.value.line == line_of(text, new.strip())
    assert info.value.path == "route.SKILL.md"


def test_a_branch_before_its_step_is_a_repeat_error() -> None:
    text = WITH_STEP.replace("### Step 2: Answer by kind", "### Step 2z: Early\n\n### Step 2: Late")
    with pytest.raises(SkillParseError, match="Step 2 repeats"):
        quiet_parse(text)


def test_a_decimal_sub_step_stays_text_of_its_step_with_a_warning() -> None:
    text = WITH_STEP.replace("### Step 2c\n", "### Step 2.5: Between\n")
    line = line_of(text, "### Step 2.5")
    with pytest.warns(SkillWarning, match=rf"'### Step 2.5: Between' \(line {line}\) looks like a"):
        skill = parse_skill(text)
    assert [b.label for b in skill.step(2).branches] == ["2a", "2b"]
    assert "### Step 2.5: Between" in skill.step(2).branches[1].body


def test_step_model_default_has_no_branches() -> None:
    step = SkillStep(1, "t", "body")
    assert (step.branches, step.prompt_text) == ((), "body")


# --------------------------------------------------------------------------- show


runner = CliRunner()


def test_show_lists_branches_under_their_step(tmp_path: Path) -> None:
    path = tmp_path / "route.SKILL.md"
    path.write_text(WITH_STEP, encoding="utf-8")
    result = runner.invoke(app, ["show", str(path)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    order = [
        "Step 2: Answer by kind",
        "name the kind",
        "Step 2a: Money questions",
        "revenue",
        "variable",
        "Step 2b: People questions",
        "who is affected",
        "Step 2c",
        "Step 3: Report",
    ]
    positions = [out.index(text) for text in order]
    assert positions == sorted(positions)


def test_show_json_gives_each_branched_step_its_branches(tmp_path: Path) -> None:
    path = tmp_path / "route.SKILL.md"
    path.write_text(WITHOUT_STEP, encoding="utf-8")
    result = runner.invoke(app, ["show", str(path), "--json"])
    assert result.exit_code == 0, result.output
    steps = json.loads(result.stdout)["steps"]
    assert [(b["label"], b["title"]) for b in steps[1]["branches"]] == [
        ("2a", "Starting — viability"),
        ("2b", "Pricing"),
        ("2c", "Hiring"),
    ]
    assert steps[1]["branches"][1]["items"] == [{"text": "what to charge?", "children": []}]
    assert result.stderr.count("warning:") == 1
    line = line_of(WITHOUT_STEP, "### Step 2a")
    expected = f"warning: {path}:{line}: '### Step 2a: Starting — viability' comes without a"
    assert expected in result.stderr
