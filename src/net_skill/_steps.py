"""The steps of a skill body: `### Step N: Title` headings under `## Steps`, each with the
lettered branches that follow it (`### Step 2a: …`, `### Step 2b: …`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from net_skill._markdown import STEP_HEADING, STEP_LIKE, STEPS, Heading, Outline, Range
from net_skill.errors import SkillParseError
from net_skill.skill import SkillBranch, SkillStep

MAX_STEPS = 200
"""A skill has at most this many steps (public skills have at most 26); more is a
`SkillParseError` at the first step over the limit."""
_MAX_DIGITS = 9


@dataclass(frozen=True)
class _Mark:
    """A step or branch heading and where its text ends."""

    heading: Heading
    number: int
    letter: str
    """`""` for a step heading, the letter as written for a branch."""
    title: str
    end_index: int
    end_line: int

    @property
    def label(self) -> str:
        return f"{self.number}{self.letter}"


@dataclass
class _Group:
    """A step heading (or none, when its branches come without it) and its branches."""

    step: _Mark | None
    branches: list[_Mark] = field(default_factory=list)

    @property
    def first(self) -> _Mark:
        return self.step or self.branches[0]


def read_steps(outline: Outline, path: Path | None) -> list[SkillStep]:
    """The steps of every `## Steps` section, numbered from 1 (or 0) up by one. Warnings go to
    `outline.notes`."""
    steps: list[SkillStep] = []
    first_line: dict[int, int] = {}
    for part in outline.ranges_for(STEPS):
        for group in _groups(outline, _marks(outline, part, path), path):
            line = outline.file_line(group.first.heading.line)
            if len(steps) == MAX_STEPS:
                raise SkillParseError(
                    f"a skill has at most {MAX_STEPS} steps; this heading starts one more",
                    path=path,
                    line=line,
                )
            number = group.first.number
            _check_number(number, line, steps, first_line, path)
            first_line.setdefault(number, line)
            steps.append(_step(outline, group))
    return steps


def _marks(outline: Outline, part: Range, path: Path | None) -> list[_Mark]:
    inside = [h for h in outline.headings_in(part) if h.level == 3]
    found = [(h, m) for h in inside if (m := STEP_HEADING.fullmatch(h.text))]
    if not found:
        outline.note("has no '### Step N: Title' headings: the skill has zero steps", part.heading)
        return []
    for h in inside:
        if h.index < found[0][0].index:
            outline.note("under '## Steps' comes before the first step and belongs to no step", h)
        elif STEP_LIKE.match(h.text) and not STEP_HEADING.fullmatch(h.text):
            outline.note(
                "looks like a step heading but is not one (steps are 'Step N' or 'Step Na'): "
                "it stays part of the text of the step before it",
                h,
            )
    marks: list[_Mark] = []
    for k, (heading, match) in enumerate(found):
        digits = match.group("number")
        if len(digits) > _MAX_DIGITS:
            raise SkillParseError(
                f"'Step {digits[:_MAX_DIGITS]}…' is not a usable step number",
                path=path,
                line=outline.file_line(heading.line),
            )
        nxt = found[k + 1][0] if k + 1 < len(found) else None
        end_index, end_line = (nxt.index, nxt.line) if nxt else (part.end_index, part.end_line)
        letter, title = match.group("letter") or "", match.group("title").strip()
        marks.append(_Mark(heading, int(digits), letter, title, end_index, end_line))
    return marks


def _groups(outline: Outline, marks: list[_Mark], path: Path | None) -> list[_Group]:
    """Each step heading with the branches of the same number right after it. Branches that
    come without their step heading form a group of their own."""
    groups: list[_Group] = []
    for mark in marks:
        last = groups[-1] if groups else None
        if not mark.letter or last is None or last.first.number != mark.number:
            groups.append(_Group(None, [mark]) if mark.letter else _Group(mark))
            continue
        for earlier in last.branches:
            if earlier.letter.casefold() == mark.letter.casefold():
                raise SkillParseError(
                    f"Step {mark.label} repeats "
                    f"(first at line {outline.file_line(earlier.heading.line)})",
                    path=path,
                    line=outline.file_line(mark.heading.line),
                )
        last.branches.append(mark)
    return groups


def _step(outline: Outline, group: _Group) -> SkillStep:
    branches = tuple(_branch(outline, b) for b in group.branches)
    first = group.first
    line = outline.file_line(first.heading.line)
    if group.step is not None:
        head = group.step
        stop = group.branches[0].heading if group.branches else None
        end_index, end_line = (stop.index, stop.line) if stop else (head.end_index, head.end_line)
        return SkillStep(
            number=head.number,
            title=head.title or head.heading.text,
            body=outline.text(head.heading.content_line, end_line),
            items=tuple(outline.items_under(head.heading, end_index)),
            line=line,
            branches=branches,
        )
    missing = f"comes without a '### Step {first.number}' heading before it"
    if len(branches) == 1:  # a lone branch stands for its step
        (only,) = branches
        outline.note(f"{missing}: it is read as Step {first.number}", first.heading)
        return SkillStep(
            first.number, only.title or first.heading.text, only.body, only.items, line
        )
    labels = f"{branches[0].label}–{branches[-1].label}"
    outline.note(
        f"{missing}: Steps {labels} are read as the branches of a Step {first.number} that has "
        "no text of its own",
        first.heading,
    )
    title = "; ".join(b.title or b.label for b in branches)
    return SkillStep(first.number, title, "", (), line, branches)


def _branch(outline: Outline, mark: _Mark) -> SkillBranch:
    return SkillBranch(
        label=mark.label,
        title=mark.title,
        body=outline.text(mark.heading.content_line, mark.end_line),
        items=tuple(outline.items_under(mark.heading, mark.end_index)),
        line=outline.file_line(mark.heading.line),
    )


def _check_number(
    number: int, line: int, steps: list[SkillStep], first_line: dict[int, int], path: Path | None
) -> None:
    if not steps:
        if number not in (0, 1):
            raise SkillParseError(
                f"steps must be numbered from 1 (or 0), but the first is Step {number}",
                path=path,
                line=line,
            )
        return
    previous = steps[-1].number
    if number in first_line:
        raise SkillParseError(
            f"Step {number} repeats (first at line {first_line[number]})", path=path, line=line
        )
    if number != previous + 1:
        missing = f"Step {previous + 1} is missing" if number > previous else "out of order"
        raise SkillParseError(
            f"Step {number} follows Step {previous}: {missing}", path=path, line=line
        )
