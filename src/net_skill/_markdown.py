"""The block structure of a skill body: top-level headings, H2 sections, list items.

Parsed by markdown-it-pyrs (the Rust port of markdown-it) into a block tree; only the root's
children count as structure, so a heading inside fenced code, an indented code block, an HTML
block, a list or a block quote is never a section or a step.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from pathlib import Path

from markdown_it_pyrs import MarkdownIt, Node

from net_skill.errors import SkillParseError
from net_skill.skill import SkillItem, SkillNote, SkillSection

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
# A paragraph, or in a tight list the bare text node that stands for one; an item that starts
# with an HTML tag (`- <img src=…>`) holds an HTML block instead, read as its text.
_PARAGRAPHS = frozenset({"paragraph", "text", "html_block"})
CODE_BLOCKS = frozenset({"fence", "code_block"})
STEP_HEADING = re.compile(
    r"step\s*(?P<number>[0-9]+)(?P<letter>[a-z](?![a-z0-9]))?(?![0-9])(?!\.[0-9])"
    r"\s*[:.)\-–—]?\s*(?P<title>.*)",
    re.I,
)
"""`Step 3: Title`, `Step 2a: Title` (a branch of Step 2), `step 4 - Title`, `Step 5. Title`."""
STEP_LIKE = re.compile(r"step\s*[0-9]", re.I)
"""A heading that starts like a step heading (`Step 2.5: …` does, but is not one)."""
_CHECKBOX = re.compile(r"\[[ xX]\](?:\s+|$)")
_UNSAFE = re.compile("[\x00\ud800-\udfff]")

MAX_LIST_DEPTH = 16
"""Lists under steps, branches, Verification and When to Use nest at most this deep (public
skills nest at most 4 deep); deeper is a `SkillParseError` naming the line."""
MAX_BLOCK_DEPTH = 1000
"""No line may open more than this many nested block quotes and lists. The parser builds its
tree recursively and crashes the process (not an exception) somewhere past 20,000 levels, so
text that deep is refused before it is parsed."""
# A line whose leading run of indentation, `>` and list-marker characters is this long could
# open MAX_BLOCK_DEPTH containers; only such lines are looked at more closely.
_DEEP_PREFIX = re.compile(rf"^[ \t>*+\-0-9.)]{{{MAX_BLOCK_DEPTH},}}", re.M)
# What opens a container: `>` (and the space after it) or a list marker and its space.
_OPENER = re.compile(r">[ \t]?|(?:[*+\-]|[0-9]{1,9}[.)])[ \t]")
_HEADING_LINE = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)", re.M)


class Source:
    """Markdown text parsed into a block tree, with the tree's source offsets turned into lines.

    The parser reports UTF-8 byte offsets, so lines are counted in the encoded text. NUL becomes
    U+FFFD as CommonMark asks, and so does a lone surrogate (which cannot reach the parser); both
    keep every line where it was.
    """

    def __init__(self, text: str, *, path: Path | None = None, line_offset: int = 0) -> None:
        if _UNSAFE.search(text):
            text = _UNSAFE.sub("\ufffd", text)
        _check_block_depth(text, path, line_offset)
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

    @property
    def quoted(self) -> str:
        """The heading as notes name it: `'## Title'` (a very long title cut short)."""
        text = self.text if len(self.text) <= 80 else self.text[:79] + "…"
        return f"'{'#' * self.level} {text}'"


@dataclass(frozen=True)
class Range:
    heading: Heading
    end_index: int
    end_line: int


class Outline:
    """The top-level headings of a body and the H2 sections they open."""

    def __init__(self, body: str, offset: int, path: Path | None = None) -> None:
        self.lines = body.split("\n")
        self.offset = offset
        self.path = path
        self.source = Source(body, path=path, line_offset=offset)
        self.blocks: list[Node] = list(self.source.root.children)
        self.headings = [
            Heading(
                i, int(node.meta["level"]), self.source.heading_text(node), *self.source.span(node)
            )
            for i, node in enumerate(self.blocks)
            if node.name in _HEADINGS
        ]
        self._heading_indexes = [h.index for h in self.headings]
        self.title = next((h.text for h in self.headings if h.level == 1), "")
        # Each H2 section runs to the next H1/H2, the last one to the closing block.
        self.ranges: list[Range] = []
        end_index, end_line = self._footer()
        for heading in reversed(self.headings):
            if heading.level == 2:
                self.ranges.append(Range(heading, end_index, end_line))
            if heading.level <= 2:
                end_index, end_line = heading.index, heading.line
        self.ranges.reverse()
        self.notes: list[SkillNote] = []
        self._note_stray_steps()
        self._note_swallowing_blocks()

    def file_line(self, body_line: int) -> int:
        return body_line + self.offset + 1

    def note(self, message: str, heading: Heading) -> None:
        """Add a warning about a heading (named with its line in the text)."""
        self.notes.append(SkillNote(message, self.file_line(heading.line), heading.quoted))

    def note_at(self, subject: str, message: str, body_line: int) -> None:
        """Add a warning about a body line: `the code fence (line 12) is never closed`."""
        self.notes.append(SkillNote(message, self.file_line(body_line), subject))

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
                self.note("is not under '## Steps': it is not a step", heading)
            if heading.level == 2 and STEP_HEADING.fullmatch(heading.text):
                self.note(
                    "is an H2 section, not a step under '## Steps': it is kept as a section",
                    heading,
                )

    def _note_swallowing_blocks(self) -> None:
        """Blocks that turn the headings after them into plain text: a code fence never closed
        (it runs to the end of the file) and an HTML block holding heading lines."""
        for node in self.blocks:
            if node.name != "html_block":
                continue
            text = self.source.text(node)
            inner = _HEADING_LINE.search(text, text.find("\n") + 1) if "\n" in text else None
            if inner is not None:
                first = self.source.span(node)[0]
                line = self.file_line(first + text.count("\n", 0, inner.start()))
                self.note_at(
                    "the HTML block",
                    f"runs over the heading at line {line}: up to the end of the block it is "
                    "HTML, not sections or steps",
                    first,
                )
        last = self.blocks[-1] if self.blocks else None
        if last is not None and last.name == "fence" and not self._closed(last):
            self.note_at(
                "the code fence",
                "is never closed: the rest of the file is code, so no heading, step or list "
                "after it counts",
                self.source.span(last)[0],
            )

    def _closed(self, fence: Node) -> bool:
        marker, length = str(fence.meta.get("marker", "`")), int(fence.meta.get("marker_len", 3))
        text = self.source.text(fence)
        closing = text[text.rfind("\n") + 1 :].strip() if "\n" in text else ""
        return len(closing) >= length and closing == marker * len(closing)

    def ranges_for(self, key: str) -> list[Range]:
        return [r for r in self.ranges if r.heading.text.casefold() == key]

    def headings_in(self, part: Range) -> list[Heading]:
        """The headings inside a section (after its H2, before its end)."""
        low = bisect_right(self._heading_indexes, part.heading.index)
        high = bisect_left(self._heading_indexes, part.end_index)
        return self.headings[low:high]

    def text(self, start_line: int, end_line: int) -> str:
        lines = self.lines[start_line:end_line]
        while lines and (not lines[-1].strip() or _is_rule(lines[-1])):
            lines.pop()
        start = 0
        while start < len(lines) and not lines[start].strip():
            start += 1
        return "\n".join(lines[start:])

    def sections(self) -> dict[str, SkillSection]:
        grouped: dict[str, list[Range]] = {}
        for part in self.ranges:
            grouped.setdefault(part.heading.text.casefold(), []).append(part)
        found: dict[str, SkillSection] = {}
        for key, parts in grouped.items():
            first = parts[0].heading
            body = "\n\n".join(self.text(p.heading.content_line, p.end_line) for p in parts)
            found[key] = SkillSection(first.text, body, self.file_line(first.line))
            if len(parts) > 1:
                self._note_repeated(parts)
        return found

    def _note_repeated(self, parts: list[Range]) -> None:
        lines = [str(self.file_line(p.heading.line)) for p in parts]
        if len(lines) == 2:
            count, shown = "twice", " and ".join(lines)
        else:
            count = f"{len(lines)} times"
            shown = ", ".join(lines[:5]) + (", …" if len(lines) > 5 else "")
        message = f"section {parts[0].heading.quoted} appears {count} (lines {shown})"
        self.notes.append(
            SkillNote(f"{message}; their texts are joined", self.file_line(parts[1].heading.line))
        )

    def items_under(self, heading: Heading, end_index: int) -> list[SkillItem]:
        """The items of the top-level lists between a heading and the block at `end_index`."""
        items: list[SkillItem] = []
        for node in self.blocks[heading.index + 1 : end_index]:
            if node.name in _LISTS:
                items.extend(self._list(node, 1))
        return items

    def flat_items(self, key: str) -> list[str]:
        texts: list[str] = []
        for part in self.ranges_for(key):
            for item in self.items_under(part.heading, part.end_index):
                texts.extend(text for _, text in item.flatten() if text)
        return texts

    def _list(self, node: Node, depth: int) -> list[SkillItem]:
        if depth > MAX_LIST_DEPTH:
            raise SkillParseError(
                f"lists are nested more than {MAX_LIST_DEPTH} deep here",
                path=self.path,
                line=self.file_line(self.source.span(node)[0]),
            )
        items: list[SkillItem] = []
        for child in node.children:
            if child.name == "list_item":
                item = self._item(child, depth)
                if item.text or item.children:
                    items.append(item)
        return items

    def _item(self, node: Node, depth: int) -> SkillItem:
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
                (group[2] if group is not None else children).extend(self._list(child, depth + 1))
        _close_group(group, children)
        return SkillItem(text or "", tuple(children), line)


_Group = tuple[str, int, list[SkillItem]]
"""(text, line, children) of a paragraph that follows an item's first one."""


def _close_group(group: _Group | None, children: list[SkillItem]) -> None:
    if group is not None:
        text, line, grouped = group
        children.append(SkillItem(text, tuple(grouped), line))


def _check_block_depth(text: str, path: Path | None, line_offset: int) -> None:
    """Refuse a line that could open more than MAX_BLOCK_DEPTH nested block quotes and lists.

    Each container a line opens takes a `>` or a list marker of that line, and each list it
    continues at least two columns of the indentation left over (a tab counts 4), so their sum
    bounds its depth.
    """
    for match in _DEEP_PREFIX.finditer(text):
        prefix = match.group()
        openers = len(_OPENER.findall(prefix))
        rest = _OPENER.sub("", prefix)
        depth = openers + (rest.count(" ") + 4 * rest.count("\t")) // 2
        if depth > MAX_BLOCK_DEPTH:
            raise SkillParseError(
                f"block quotes and lists are nested more than {MAX_BLOCK_DEPTH:,} deep",
                path=path,
                line=line_offset + text.count("\n", 0, match.start()) + 1,
            )


def _clean(content: str) -> str:
    return "\n".join(line.strip() for line in content.strip().split("\n"))


def _is_rule(line: str) -> bool:
    stripped = line.replace(" ", "")
    return len(stripped) >= 3 and len(set(stripped)) == 1 and stripped[0] in "-*_"
