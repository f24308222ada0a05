"""Property-based tests: whatever text the loader gets, it returns a Skill or raises
SkillParseError, never anything else."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from net_skill._resources import bundled_skill_path
from net_skill.errors import SkillParseError
from net_skill.loader import SkillWarning, load_skill, parse_skill, substitute_arguments
from net_skill.skill import Skill

SEED = bundled_skill_path().read_text(encoding="utf-8")
SEED_LINES = SEED.split("\n")

# Lines that stress the parser: structure, fences, frontmatter, lists, odd characters.
HAZARDS = [
    "---",
    "...",
    "## Steps",
    "## Verification",
    "## When to Use",
    "### Step 1: Again",
    "### Step 3: Skipped",
    "### Step 99999999: Huge",
    "### Step 0",
    "## Step 7: Stray",
    "```",
    "~~~",
    "    indented code",
    "- [ ] box",
    "- [x]",
    "-",
    "1.",
    "   - nested",
    "> ### Step 2: quoted",
    "name: [unclosed",
    "name: {a: b}",
    "description: *alias",
    "&anchor x",
    "\t- tab",
    "<!-- ## Steps -->",
    "$ARGUMENTS $$ARGUMENTS \\$ARGUMENTS $1 $B$6",
    "{{c1::hidden}}",
    "Setext\n---",
    "\x00\x0b\x0c\u2028\ufeff\ud800",
    "* * *",
    "#",
    "######",
]


def _check(text: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkillWarning)
        try:
            skill = parse_skill(text, path=Path("fuzz.SKILL.md"))
        except SkillParseError as error:
            assert error.path == "fuzz.SKILL.md"
            assert error.message
            return
    assert isinstance(skill, Skill)
    assert skill.name and skill.id
    numbers = [s.number for s in skill.steps]
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers))) if numbers else True
    assert all(isinstance(v, str) and v for v in skill.verification)
    skill.to_dict()


@st.composite
def mutated_skill(draw: st.DrawFn) -> str:
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["delete", "insert", "duplicate", "swap", "replace", "cut"]))
        i = draw(st.integers(0, len(lines) - 1)) if lines else 0
        if op == "delete" and lines:
            del lines[i : i + draw(st.integers(1, 30))]
        elif op == "insert":
            extra = draw(st.one_of(st.sampled_from(HAZARDS), st.text(max_size=40)))
            lines.insert(i, extra)
        elif op == "duplicate" and lines:
            lines[i:i] = lines[i : i + draw(st.integers(1, 30))]
        elif op == "swap" and lines:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "replace" and lines:
            lines[i] = draw(st.sampled_from(HAZARDS))
        elif op == "cut":
            cut = "\n".join(lines)
            lines = cut[: draw(st.integers(0, len(cut)))].split("\n")
    return "\n".join(lines)


FAST = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FAST
@given(st.text())
def test_arbitrary_text(text: str) -> None:
    _check(text)


@FAST
@given(st.text())
def test_arbitrary_text_after_frontmatter(body: str) -> None:
    _check(f"---\nname: fuzz - Fuzz\ndescription: d\n---\n{body}")


@FAST
@given(st.lists(st.sampled_from(HAZARDS), max_size=25))
def test_hazard_lines_after_frontmatter(lines: list[str]) -> None:
    _check("---\nname: fuzz - Fuzz\ndescription: d\n---\n" + "\n".join(lines))


@FAST
@given(st.lists(st.sampled_from([*HAZARDS, "name: x", "description: y"]), max_size=8))
def test_arbitrary_frontmatter(lines: list[str]) -> None:
    _check("---\n" + "\n".join(lines) + "\n---\n# T\n")


@settings(FAST, max_examples=200)
@given(mutated_skill())
def test_mutated_skill_md(text: str) -> None:
    _check(text)


@FAST
@given(st.binary(max_size=300), st.booleans())
def test_arbitrary_bytes_on_disk(data: bytes, with_front: bool) -> None:
    prefix = b"---\nname: a - b\n---\n" if with_front else b""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bytes.SKILL.md"
        path.write_bytes(prefix + data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SkillWarning)
            try:
                load_skill(path)
            except SkillParseError as error:
                assert error.path == str(path)


@FAST
@given(mutated_skill(), st.text(max_size=60))
def test_substitution_never_fails_and_keeps_the_arguments(text: str, arguments: str) -> None:
    out = substitute_arguments(text, arguments)
    assert arguments in out
