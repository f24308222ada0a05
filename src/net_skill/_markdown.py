"""The block structure of a skill body: top-level headings, H2 sections, list items.

Parsed by markdown-it-pyrs (the Rust port of markdown-it) into a block tree; only the root's
children count as structure, so a heading inside fenced code, an indented code block, an HTML
block, a list or a block quote is never a section or a step.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from markdown_it_pyrs import MarkdownIt, Node

from net_skill.skill import SkillItem, SkillSection

STEPS, VERIFICATION, WHEN_TO_USE = "steps", "verification", "when to use"

# CommonMark's block rules and no inline rule: every paragraph or heading then holds a single
# text node whose source span is its text exactly as written.
MD = MarkdownIt("zero").enable_many(
    [
        *("blockquote", "code", "fence", "heading", "hr"),
        *("html_block", "lheading", "list", "paragraph", "reference"),
    ]
)
_HEADINGS = frozenset({"heading", "lheading"})  # ATX and setext
_LISTS = frozenset({"bullet_list", "ordered_list"})
# A paragraph, or in a tight list the bare text node that stands for one.
_PARAGRAPHS = frozenset({"paragraph", "text"})
CODE_BLOCKS = frozenset({"fence", "code_block"})
STEP_HEADING = re.compile(r"step\s*([0-9]{1,6})(?![0-9])(?!\.[0-9])\s*[:.)\-–—]?\s*(.*)", re.I)
_CHECKBOX = re.compile(r"\[[ xX]\](?:\s+|$)")
_UNSAFE = re.compile("[\x00\ud800-\udfff]")


class Source:
    """Markdown text parsed into a block tree, with the tree's source offsets turned into lines.

    The parser reports UTF-8 byte offsets, so lines are counted in the encoded text. NUL becomes
    U+FFFD as CommonMark asks, and so does a lone surrogate (which cannot reach the parser); both
    keep every line where it was.
    """

    def __init__(self, text: str) -> None:
        if _UNSAFE.search(text):
            text = _UNSAFE.sub("\ufffd", text)
        self.data = text.encode("utf-8")
        self.root: Node = MD.tree(text)
        self._starts = [0, *(m.end() for m in re.finditer(b"\n", self.data))]

    def span(self, node: Node) -> tuple[int, int]:
        """0-based (first line, line after the last) of a node."""
        if node.srcmap is None:
            return 0, 0
        start, end = node.srcmap
        first = bisect_right(self._starts, start) - 1
        last = bisect_right(self._starts, end - 1) - 1
        return first, max(first, last) + 1

    def text(self, node: Node) -> str:
        """The source text of a node, exactly as written."""
        if node.srcmap is None:
            return ""
        start, end = node.srcmap
        return self.data[start:end].decode("utf-8")

    def heading_text(self, node: Node) -> str:
        """A heading's text: no `#` marks, no setext underline, outer whitespace stripped."""
        return "".join(self.text(child) for child in node.children).strip()


@dataclass(frozen=True)
class Heading:
    index: int
    """Index of the heading among the top-level blocks."""
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
        self.source = Source(body)
        self.blocks: list[Node] = list(self.source.root.children)
        self.headings = [
            Heading(
                i, int(node.meta["level"]), self.source.heading_text(node), *self.source.span(node)
            )
            for i, node in enumerate(self.blocks)
            if node.name in _HEADINGS
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
        for i in range(last_heading + 1, len(self.blocks)):
            if self.blocks[i].name == "hr":
                return i, self.source.span(self.blocks[i])[0]
        return len(self.blocks), len(self.lines)

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

    def items_under(self, heading: Heading, end_index: int) -> list[SkillItem]:
        """The items of the top-level lists between a heading and the block at `end_index`."""
        items: list[SkillItem] = []
        for node in self.blocks[heading.index + 1 : end_index]:
            if node.name in _LISTS:
                items.extend(self._list(node))
        return items

    def flat_items(self, key: str) -> list[str]:
        texts: list[str] = []
        for part in self.ranges_for(key):
            for item in self.items_under(part.heading, part.end_index):
                texts.extend(text for _, text in item.flatten() if text)
        return texts

    def _list(self, node: Node) -> list[SkillItem]:
        items: list[SkillItem] = []
        for child in node.children:
            if child.name == "list_item":
                item = self._item(child)
                if item.text or item.children:
                    items.append(item)
        return items

    def _item(self, node: Node) -> SkillItem:
        """One list item: its first paragraph is its text; later paragraphs become child items
        that own the lists right after them; nested lists become children."""
        line = self.file_line(self.source.span(node)[0])
        text: str | None = None
        children: list[SkillItem] = []
        group: _Group | None = None  # a later paragraph and the lists that follow it
        for child in node.children:
            if child.name in _PARAGRAPHS:
                content = _clean(self.source.text(child))
                if text is None:
                    box = _CHECKBOX.match(content)
                    text = content[box.end() :] if box else content
                else:
                    _close_group(group, children)
                    group = (content, self.file_line(self.source.span(child)[0]), [])
            elif child.name in _LISTS:
                (group[2] if group is not None else children).extend(self._list(child))
        _close_group(group, children)
        return SkillItem(text or "", tuple(children), line)


_Group = tuple[str, int, list[SkillItem]]
"""(text, line, children) of a paragraph that follows an item's first one."""


def _close_group(group: _Group | None, children: list[SkillItem]) -> None:
    if group is not None:
        text, line, grouped = group
        children.append(SkillItem(text, tuple(grouped), line))


def _clean(content: str) -> str:
    return "\n".join(line.strip() for line in content.strip().split("\n"))


def _is_rule(line: str) -> bool:
    stripped = line.replace(" ", "")
    return len(stripped) >= 3 and len(set(stripped)) == 1 and stripped[0] in "-*_"
