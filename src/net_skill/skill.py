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
class SkillStep:
    """`### Step N: Title` under `## Steps`."""

    number: int
    title: str
    body: str
    """The step's markdown exactly as written (after the heading line)."""
    items: tuple[SkillItem, ...] = ()
    line: int | None = None

    @property
    def key(self) -> str:
        return f"step-{self.number}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "items": [item.to_dict() for item in self.items],
        }


@dataclass(frozen=True)
class SkillSection:
    """An H2 section, by title."""

    title: str
    body: str
    line: int | None = None


@dataclass(frozen=True)
class Skill:
    id: str
    name: str
    description: str
    source: str
    """The whole file text as read."""
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
    warnings: tuple[str, ...] = ()

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
