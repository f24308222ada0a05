"""The parsed form of a skill file. `net_skill.loader` builds these."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class SkillItem:
    """A numbered or bulleted item of a step, with its nested items."""

    text: str
    children: tuple[SkillItem, ...] = ()
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "children": [c.to_dict() for c in self.children]}

    def flatten(self, depth: int = 0) -> list[tuple[int, str]]:
        lines = [(depth, self.text)]
        for child in self.children:
            lines.extend(child.flatten(depth + 1))
        return lines


@dataclass(frozen=True)
class SkillBranch:
    """`### Step 2a: Title` under a step: one of the step's alternatives (one per kind of case).

    Skills route to one branch per kind of question (Step 1 classifies, Steps 2a-2g answer each
    kind); a branch keeps its own title, text and items.
    """

    label: str
    """The step number and letter as written, e.g. `2a` (or `3A`)."""
    title: str
    body: str
    """The branch's markdown exactly as written (after the heading line)."""
    items: tuple[SkillItem, ...] = ()
    line: int | None = None

    @property
    def heading(self) -> str:
        """The branch's heading as it is put back into a prompt: `### Step 2a: Title`."""
        return f"### Step {self.label}: {self.title}" if self.title else f"### Step {self.label}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "title": self.title,
            "items": [item.to_dict() for item in self.items],
        }


@dataclass(frozen=True)
class SkillStep:
    """`### Step N: Title` under `## Steps`, with its lettered branches (`### Step Na: …`)."""

    number: int
    title: str
    body: str
    """The step's own markdown exactly as written (after the heading line, before any branch)."""
    items: tuple[SkillItem, ...] = ()
    line: int | None = None
    branches: tuple[SkillBranch, ...] = ()

    @property
    def key(self) -> str:
        return f"step-{self.number}"

    @property
    def prompt_text(self) -> str:
        """What a prompt for this step shows: its own body, then each branch's heading and body,
        in order (the body alone when the step has no branches)."""
        parts = [self.body, *(f"{b.heading}\n{b.body}".rstrip() for b in self.branches)]
        return "\n\n".join(part for part in parts if part)

    def to_dict(self) -> dict[str, Any]:
        """`number`, `title`, `items`, and `branches` when the step has any."""
        data: dict[str, Any] = {
            "number": self.number,
            "title": self.title,
            "items": [item.to_dict() for item in self.items],
        }
        if self.branches:
            data["branches"] = [branch.to_dict() for branch in self.branches]
        return data


@dataclass(frozen=True)
class SkillSection:
    """An H2 section, by title."""

    title: str
    body: str
    line: int | None = None


@dataclass(frozen=True)
class SkillNote:
    """Something that loads but is probably not what the skill's author meant (a warning).

    `str(note)` is the text kept in `Skill.warnings`: `'## Step 0: Prep' (line 5) is an H2 …`.
    `located(path)` is the one-line form the CLI prints: `path:5: '## Step 0: Prep' is an H2 …`.
    """

    message: str
    line: int | None = None
    """The file line the note is about (frontmatter included), if there is one."""
    subject: str = ""
    """The heading the note is about, quoted as written (`'## Step 0: Prep'`), if any."""

    def __str__(self) -> str:
        if not self.subject:
            return self.message
        where = f" (line {self.line})" if self.line is not None else ""
        return f"{self.subject}{where} {self.message}"

    def located(self, path: str | Path | None) -> str:
        where = str(path) if path is not None else "<skill>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        text = f"{self.subject} {self.message}" if self.subject else self.message
        return f"{where}: {text}"


@dataclass(frozen=True)
class Skill:
    id: str
    name: str
    description: str
    source: str
    """The whole file text as read (line endings made `\\n`, control characters removed)."""
    body: str
    """The text after the frontmatter."""
    path: Path | None = None
    title: str = ""
    """The H1 title, if any."""
    sections: dict[str, SkillSection] = field(default_factory=dict)
    """H2 sections keyed by lower-cased title."""
    steps: tuple[SkillStep, ...] = ()
    verification: tuple[str, ...] = ()
    when_to_use: tuple[str, ...] = ()
    notes: tuple[SkillNote, ...] = ()
    """The loader's warnings, with their lines."""
    input_schema: dict[str, Any] | None = None
    """A JSON Schema of the skill's input, declared in its frontmatter (`net_skill.declared`)."""
    output_schema: dict[str, Any] | None = None
    """A JSON Schema of the skill's result, declared in its frontmatter."""

    @property
    def warnings(self) -> tuple[str, ...]:
        """The warnings as text (`str` of each of `notes`)."""
        return tuple(str(note) for note in self.notes)

    def section(self, title: str) -> SkillSection | None:
        return self.sections.get(title.strip().casefold())

    @property
    def overview(self) -> str:
        section = self.section("overview")
        return section.body.strip() if section else self.description

    def step(self, number: int) -> SkillStep:
        for step in self.steps:
            if step.number == number:
                return step
        raise KeyError(number)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "title": self.title,
            "path": str(self.path) if self.path else None,
            "sections": [s.title for s in self.sections.values()],
            "steps": [s.to_dict() for s in self.steps],
            "verification": list(self.verification),
            "when_to_use": list(self.when_to_use),
            "warnings": list(self.warnings),
        }
