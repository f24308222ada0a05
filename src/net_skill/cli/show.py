"""`net-skill show`: a skill's steps, their items and its checklist, or the same as JSON."""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from net_skill.cli._common import handle_errors, stdout
from net_skill.loader import SkillWarning, load_bundled_skill, load_skill
from net_skill.skill import Skill, SkillItem


def register(app: typer.Typer) -> None:
    app.command("show")(show)


@handle_errors
def show(
    skill: Annotated[
        Path | None,
        typer.Argument(
            help="Skill file, or a folder holding SKILL.md. Default: the bundled skill.md.",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead of the readable view.")
    ] = False,
) -> None:
    """Show how a skill file was read: its steps, their items and its checklist."""
    if as_json:  # the warnings go to stderr, one line each
        loaded = load_skill(skill) if skill is not None else load_bundled_skill()
        sys.stdout.write(json.dumps(loaded.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    with warnings.catch_warnings():
        # The readable view lists the warnings; do not print them twice.
        warnings.simplefilter("ignore", SkillWarning)
        loaded = load_skill(skill) if skill is not None else load_bundled_skill()
    stdout.print(render_skill(loaded))


def render_skill(skill: Skill) -> RenderableType:
    """The readable view: header, steps with nested items, when to use, checklist, warnings."""
    header = Text.assemble((skill.name, "bold"), (f"  (id: {skill.id})", "dim"))
    parts: list[RenderableType] = [header]
    if skill.description:
        parts.append(Text(skill.description))
    if skill.path is not None:
        parts.append(Text(str(skill.path), style="dim"))
    parts.append(Text())
    parts.append(_steps_tree(skill))
    parts.append(_bullets("When to use", skill.when_to_use, "•"))
    parts.append(_bullets("Verification checklist", skill.verification, "☐"))
    if skill.warnings:
        parts.append(_bullets("Warnings", skill.warnings, "!", style="yellow"))
    return Group(*parts)


def _steps_tree(skill: Skill) -> RenderableType:
    if not skill.steps:
        return Text(
            "No steps (no '### Step N: Title' under '## Steps'): a run treats the whole skill "
            "as one step.\n",
            style="bold",
        )
    tree = Tree(Text(f"Steps ({len(skill.steps)})", style="bold"), guide_style="dim")
    for step in skill.steps:
        node = tree.add(Text(f"Step {step.number}: {step.title}", style="bold cyan"))
        _add_items(node, step.items)
        for branch in step.branches:
            title = (
                f"Step {branch.label}: {branch.title}" if branch.title else f"Step {branch.label}"
            )
            _add_items(node.add(Text(title, style="cyan")), branch.items)
    return Group(tree, Text())


def _add_items(branch: Tree, items: tuple[SkillItem, ...]) -> None:
    for item in items:
        _add_items(branch.add(Text(item.text)), item.children)


def _bullets(title: str, lines: tuple[str, ...], mark: str, style: str = "") -> RenderableType:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=3, justify="right")
    grid.add_column()
    for line in lines:
        grid.add_row(Text(mark, style=style or "dim"), Text(line, style=style))
    if not lines:
        grid.add_row("", Text("(none)", style="dim"))
    return Group(Text(f"{title} ({len(lines)})", style="bold"), grid, Text())
