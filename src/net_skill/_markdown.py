"""The block structure of a skill body: top-level headings, H2 sections, list items.

Parsed by markdown-it-py into block tokens; only top-level tokens count as structure, so a
heading inside fenced code, an indented code block, a list or a block quote is never a section
or a step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from net_skill.skill import SkillItem, SkillSection

STEPS, VERIFICATION, WHEN_TO_USE = "steps", "verification", "when to use"

# Block structure only: inline parsing is switched off, so an inline token's `content` is the
# source text of its paragraph or heading, exactly as written.
MD = MarkdownIt("commonmark").disable("inline")
_LIST_OPEN = frozenset({"bullet_list_open", "ordered_list_open"})
CODE_TOKENS = frozenset({"fence", "code_block"})
STEP_HEADING = re.compile(r"step\s*([0-9]{1,6})(?![0-9])(?!\.[0-9])\s*[:.)\-–—]?\s*(.*)", re.I)
_CHECKBOX = re.compile(r"\[[ xX]\](?:\s+|$)")


@dataclass(frozen=True)
class Heading:
    index: int
    """Token index of `heading_open`."""
    level: int
    text: str
    line: int
    """0-based body line of the heading."""
    content_line: int
    """0-based body line where the text under the heading starts."""


@dataclass(frozen=True)
class Range:
    heading: Heading
    end_index: int
    end_line: int


class Outline:
    """The top-level headings of a body and the H2 sections they open."""

    def __init__(self, body: str, offset: int) -> None:
        self.lines = body.split("\n")
        self.offset = offset
        self.tokens: list[Token] = MD.parse(body)
        self.headings = [
            Heading(i, int(tok.tag[1:]), self.tokens[i + 1].content.strip(), *_span(tok))
            for i, tok in enumerate(self.tokens)
            if tok.type == "heading_open" and tok.level == 0
        ]
        self.title = next((h.text for h in self.headings if h.level == 1), "")
        end_index, end_line = self._footer()
        self.ranges: list[Range] = []
        for k, heading in enumerate(self.headings):
            if heading.level != 2:
                continue
            after = next((h for h in self.headings[k + 1 :] if h.level <= 2), None)
            if after is None:
                self.ranges.append(Range(heading, end_index, end_line))
            else:
                self.ranges.append(Range(heading, after.index, after.line))
        self.notes: list[str] = []
        self._note_stray_steps()

    def file_line(self, body_line: int) -> int:
        return body_line + self.offset + 1

    def _footer(self) -> tuple[int, int]:
        """Where the closing block starts: the first top-level `---` after the last heading.

        Skill files end with `---` and an `**Input**: $ARGUMENTS` paragraph; that block belongs
        to no section or step.
        """
        last_heading = self.headings[-1].index if self.headings else -1
        for i in range(last_heading + 1, len(self.tokens)):
            tok = self.tokens[i]
            if tok.type == "hr" and tok.level == 0:
                return i, _span(tok)[0]
        return len(self.tokens), len(self.lines)

    def _note_stray_steps(self) -> None:
        in_steps = False
        for heading in self.headings:
            if heading.level <= 2:
                in_steps = heading.level == 2 and heading.text.casefold() == STEPS
            elif not in_steps and heading.level == 3 and STEP_HEADING.fullmatch(heading.text):
                self.notes.append(
                    f"'### {heading.text}' (line {self.file_line(heading.line)}) is not under "
                    "'## Steps': it is not a step"
                )
            if heading.level == 2 and STEP_HEADING.fullmatch(heading.text):
                self.notes.append(
                    f"'## {heading.text}' (line {self.file_line(heading.line)}) is an H2 "
                    "section, not a step under '## Steps': it is kept as a section"
                )

    def ranges_for(self, key: str) -> list[Range]:
        return [r for r in self.ranges if r.heading.text.casefold() == key]

    def text(self, start_line: int, end_line: int) -> str:
        lines = self.lines[start_line:end_line]
        while lines and (not lines[-1].strip() or _is_rule(lines[-1])):
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        return "\n".join(lines)

    def sections(self) -> dict[str, SkillSection]:
        found: dict[str, SkillSection] = {}
        for part in self.ranges:
            key = part.heading.text.casefold()
            body = self.text(part.heading.content_line, part.end_line)
            line = self.file_line(part.heading.line)
            if key in found:
                first = found[key]
                self.notes.append(
                    f"section '## {part.heading.text}' appears twice (lines {first.line} and "
                    f"{line}); their texts are joined"
                )
                found[key] = SkillSection(first.title, f"{first.body}\n\n{body}", first.line)
            else:
                found[key] = SkillSection(part.heading.text, body, line)
        return found

    def items(self, start: int, end: int) -> list[SkillItem]:
        """The items of the top-level lists among tokens[start:end]."""
        items: list[SkillItem] = []
        i = start
        while i < end:
            tok = self.tokens[i]
            if tok.level == 0 and tok.type in _LIST_OPEN:
                found, i = self._list(i)
                items.extend(found)
            else:
                i += 1
        return items

    def flat_items(self, key: str) -> list[str]:
        texts: list[str] = []
        for part in self.ranges_for(key):
            for item in self.items(part.heading.index + 3, part.end_index):
                texts.extend(text for _, text in item.flatten() if text)
        return texts

    def _list(self, i: int) -> tuple[list[SkillItem], int]:
        """Parse the list opening at tokens[i]; return its items and the index after it."""
        level = self.tokens[i].level
        close = self.tokens[i].type.replace("_open", "_close")
        items: list[SkillItem] = []
        i += 1
        while i < len(self.tokens):
            tok = self.tokens[i]
            if tok.type == close and tok.level == level:
                return items, i + 1
            if tok.type == "list_item_open" and tok.level == level + 1:
                item, i = self._item(i)
                if item.text or item.children:
                    items.append(item)
            else:
                i += 1
        return items, i

    def _item(self, i: int) -> tuple[SkillItem, int]:
        """One list item: its first paragraph is its text; later paragraphs become child items
        that own the lists right after them; nested lists become children."""
        level = self.tokens[i].level
        line = self.file_line(_span(self.tokens[i])[0])
        text: str | None = None
        children: list[SkillItem] = []
        group: _Group | None = None  # a later paragraph and the lists that follow it
        i += 1
        while i < len(self.tokens):
            tok = self.tokens[i]
            if tok.type == "list_item_close" and tok.level == level:
                i += 1
                break
            if tok.level != level + 1:
                i += 1
            elif tok.type == "paragraph_open":
                content = _clean(self.tokens[i + 1].content)
                if text is None:
                    box = _CHECKBOX.match(content)
                    text = content[box.end() :] if box else content
                else:
                    _close_group(group, children)
                    group = (content, self.file_line(_span(tok)[0]), [])
                i += 3
            elif tok.type in _LIST_OPEN:
                found, i = self._list(i)
                (group[2] if group is not None else children).extend(found)
            else:
                i += 1
        _close_group(group, children)
        return SkillItem(text or "", tuple(children), line), i


_Group = tuple[str, int, list[SkillItem]]
"""(text, line, children) of a paragraph that follows an item's first one."""


def _close_group(group: _Group | None, children: list[SkillItem]) -> None:
    if group is not None:
        text, line, grouped = group
        children.append(SkillItem(text, tuple(grouped), line))


def _span(tok: Token) -> tuple[int, int]:
    return (tok.map[0], tok.map[1]) if tok.map else (0, 0)


def _clean(content: str) -> str:
    return "\n".join(line.strip() for line in content.strip().split("\n"))


def _is_rule(line: str) -> bool:
    stripped = line.replace(" ", "")
    return len(stripped) >= 3 and len(set(stripped)) == 1 and stripped[0] in "-*_"
