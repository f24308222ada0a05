"""Put a user's input into a skill's text: `$ARGUMENTS` outside code blocks."""

from __future__ import annotations

import re
from functools import lru_cache

from net_skill._markdown import CODE_BLOCKS, Source
from net_skill.skill import Skill

PLACEHOLDER = "$ARGUMENTS"

_PLACEHOLDER_RE = re.compile(r"(?P<escape>\$|\\)?\$ARGUMENTS(?![A-Za-z0-9_])")


def substitute_arguments(text: str, arguments: str) -> str:
    """Put `arguments` in place of each `$ARGUMENTS` outside code blocks.

    Only `$ARGUMENTS` is a placeholder: `$1`, `$35`, `$B$6` stay as written, and so does
    everything inside fenced or indented code. `$$ARGUMENTS` and `\\$ARGUMENTS` give a literal
    `$ARGUMENTS`. The arguments are inserted verbatim in one pass (never substituted or rendered
    again). Text without a placeholder gets `ARGUMENTS: <arguments>` appended. Line endings of
    the result are `\\n`.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    code = _code_lines(text)
    found = False

    def replace(match: re.Match[str]) -> str:
        nonlocal found
        if match.group("escape"):
            return PLACEHOLDER
        found = True
        return arguments

    lines = text.split("\n")
    out = [
        line if n in code or "ARGUMENTS" not in line else _PLACEHOLDER_RE.sub(replace, line)
        for n, line in enumerate(lines)
    ]
    result = "\n".join(out)
    if not found:
        result = f"{result.rstrip()}\n\nARGUMENTS: {arguments}"
    return result


def skill_text_with_arguments(skill: Skill, arguments: str) -> str:
    """The skill body (no frontmatter) with the arguments substituted: the stable prompt text."""
    return substitute_arguments(skill.body.strip("\n"), arguments)


@lru_cache(maxsize=16)
def _code_lines(text: str) -> frozenset[int]:
    """0-based lines that belong to fenced or indented code blocks (at any nesting).

    Cached: a runner substitutes into the same skill text for every step.
    """
    source = Source(text)
    lines: set[int] = set()
    for node in source.root.walk():
        if node.name in CODE_BLOCKS:
            lines.update(range(*source.span(node)))
    return frozenset(lines)
