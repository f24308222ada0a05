"""Read a markdown skill file into a `Skill`, and put a user's input into its text.

The frontmatter is YAML (PyYAML, every scalar kept as text); the body is parsed by markdown-it-py
into block tokens, and only top-level tokens count as structure, so a heading inside fenced code,
an indented code block, a list or a block quote is never a section or a step. Line numbers in
errors and on parsed items are those of the original file, frontmatter included.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from net_skill.errors import ConfigurationError, SkillParseError
from net_skill.skill import Skill, SkillItem, SkillSection, SkillStep

__all__ = [
    "MAX_SKILL_BYTES",
    "PLACEHOLDER",
    "SkillWarning",
    "load_bundled_skill",
    "load_skill",
    "parse_skill",
    "skill_text_with_arguments",
    "substitute_arguments",
]

MAX_SKILL_BYTES = 1_000_000
"""A skill file larger than this is refused (real skills are a few kilobytes)."""

PLACEHOLDER = "$ARGUMENTS"

STEPS, VERIFICATION, WHEN_TO_USE = "steps", "verification", "when to use"


class SkillWarning(UserWarning):
    """The skill loads, but part of it is probably not what its author meant."""


# Block structure only: inline parsing is switched off, so an inline token's `content` is the
# source text of its paragraph or heading, exactly as written.
_MD = MarkdownIt("commonmark").disable("inline")
_YAML_LOADER: Any = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_LIST_OPEN = frozenset({"bullet_list_open", "ordered_list_open"})
_CODE = frozenset({"fence", "code_block"})
_STEP_HEADING = re.compile(r"step\s*([0-9]{1,6})(?![0-9])(?!\.[0-9])\s*[:.)\-–—]?\s*(.*)", re.I)
_CHECKBOX = re.compile(r"\[[ xX]\](?:\s+|$)")
_PLACEHOLDER_RE = re.compile(r"(?P<escape>\$|\\)?\$ARGUMENTS(?![A-Za-z0-9_])")


# --------------------------------------------------------------------------- reading


def load_skill(path: str | Path) -> Skill:
    """Read and parse a skill file (or a folder holding `SKILL.md`).

    Raises `SkillParseError` naming the file and line for anything that is not a usable skill.
    """
    file = Path(path)
    if file.is_dir():
        file = _skill_file_in(file)
    try:
        with file.open("rb") as handle:
            data = handle.read(MAX_SKILL_BYTES + 1)
    except OSError as exc:
        raise SkillParseError(f"cannot read skill file: {exc.strerror or exc}", path=file) from None
    if len(data) > MAX_SKILL_BYTES:
        raise SkillParseError(f"file is larger than {MAX_SKILL_BYTES} bytes", path=file)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SkillParseError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            path=file,
            line=line,
        ) from None
    return _parse_skill(text, file)


def load_bundled_skill() -> Skill:
    """The networking skill shipped with the package (`skill.md`)."""
    from net_skill._resources import bundled_skill_path

    try:
        path = bundled_skill_path()
    except FileNotFoundError as exc:
        raise ConfigurationError(str(exc)) from None
    return load_skill(path)


def _skill_file_in(folder: Path) -> Path:
    for name in ("SKILL.md", "skill.md"):
        if (folder / name).is_file():
            return folder / name
    raise SkillParseError("folder holds no SKILL.md", path=folder)


# --------------------------------------------------------------------------- parsing


def parse_skill(text: str, *, path: Path | None = None) -> Skill:
    """Parse skill text (frontmatter and markdown body) into a `Skill`.

    `path` is used for the skill id (when `name` has no ` - `) and in error messages.
    """
    return _parse_skill(text, path)


def _parse_skill(text: str, path: Path | None) -> Skill:
    skill = _parse_cached(text, path)
    where = str(path) if path is not None else "<skill>"
    for note in skill.warnings:
        # stacklevel 3: the caller of load_skill / parse_skill
        warnings.warn(f"{where}: {note}", SkillWarning, stacklevel=3)
    # Skill is frozen but its sections are a dict: hand out a copy, not the cached one.
    return replace(skill, sections=dict(skill.sections))


@lru_cache(maxsize=32)
def _parse_cached(text: str, path: Path | None) -> Skill:
    """Parse once per (text, path): the eval harness, the MCP server and tool handlers load the
    same skill again and again; an unchanged file is then not parsed again."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise SkillParseError("the skill file is empty", path=path, line=1)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise SkillParseError(
            f"not valid Unicode text (lone surrogate U+{ord(text[exc.start]):04X})",
            path=path,
            line=text.count("\n", 0, exc.start) + 1,
        ) from None
    front, body, offset = _split_frontmatter(text, path)
    meta = _parse_frontmatter(front, path)
    notes: list[str] = []
    name = _frontmatter_text(meta, "name", front, path)
    if not name:
        raise SkillParseError("frontmatter has no `name`", path=path, line=1)
    description = _frontmatter_text(meta, "description", front, path)
    if not description:
        notes.append("frontmatter has no `description`")
    outline = _Outline(body, offset)
    sections = outline.sections()
    notes.extend(outline.notes)
    steps = _steps(outline, path, notes)
    verification = outline.flat_items(VERIFICATION)
    _check_verification(outline, verification, notes)
    return Skill(
        id=_skill_id(name, path),
        name=name,
        description=description,
        source=text,
        body=body,
        path=path,
        title=outline.title,
        sections=sections,
        steps=tuple(steps),
        verification=tuple(verification),
        when_to_use=tuple(outline.flat_items(WHEN_TO_USE)),
        warnings=tuple(notes),
    )


def _split_frontmatter(text: str, path: Path | None) -> tuple[str, str, int]:
    """(frontmatter YAML, body, number of file lines before the body)."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise SkillParseError(
            "missing frontmatter: the file must start with a '---' line, YAML with `name` and "
            "`description`, and a closing '---' line",
            path=path,
            line=1,
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 1
    raise SkillParseError("frontmatter is never closed by a '---' line", path=path, line=1)


def _parse_frontmatter(front: str, path: Path | None) -> dict[Any, Any]:
    try:
        # BaseLoader builds only strings, lists and dicts: no types, no objects.
        meta = yaml.load(front, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = 2 + mark.line if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
        raise SkillParseError(
            f"malformed YAML frontmatter: {problem}", path=path, line=line
        ) from None
    except RecursionError:
        raise SkillParseError("frontmatter is nested too deeply", path=path, line=2) from None
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise SkillParseError(
            "frontmatter must be a YAML mapping of `key: value` lines", path=path, line=2
        )
    return meta


def _frontmatter_text(meta: dict[Any, Any], key: str, front: str, path: Path | None) -> str:
    value = meta.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        line = next(
            (n + 2 for n, raw in enumerate(front.split("\n")) if raw.startswith(f"{key}:")), 1
        )
        raise SkillParseError(f"frontmatter `{key}` must be text", path=path, line=line)
    return " ".join(value.split())


def _skill_id(name: str, path: Path | None) -> str:
    head, separator, _ = name.partition(" - ")
    if separator and head.strip():
        return head.strip()
    if path is not None:
        stem = path.name
        for suffix in (".md", ".skill"):
            if stem.lower().endswith(suffix):
                stem = stem[: -len(suffix)]
        if stem and stem.lower() != "skill":
            return stem
        folder = path.resolve().parent.name
        if folder:
            return folder
    return "-".join(re.findall(r"[a-z0-9]+", name.lower())) or "skill"


# --------------------------------------------------------------------------- outline


@dataclass(frozen=True)
class _Heading:
    index: int
    """Token index of `heading_open`."""
    level: int
    text: str
    line: int
    """0-based body line of the heading."""
    content_line: int
    """0-based body line where the text under the heading starts."""


@dataclass(frozen=True)
class _Range:
    heading: _Heading
    end_index: int
    end_line: int


class _Outline:
    """The top-level headings of a body and the H2 sections they open."""

    def __init__(self, body: str, offset: int) -> None:
        self.lines = body.split("\n")
        self.offset = offset
        self.tokens: list[Token] = _MD.parse(body)
        self.headings = [
            _Heading(i, int(tok.tag[1:]), self.tokens[i + 1].content.strip(), *_span(tok))
            for i, tok in enumerate(self.tokens)
            if tok.type == "heading_open" and tok.level == 0
        ]
        self.title = next((h.text for h in self.headings if h.level == 1), "")
        end_index, end_line = self._footer()
        self.ranges: list[_Range] = []
        for k, heading in enumerate(self.headings):
            if heading.level != 2:
                continue
            after = next((h for h in self.headings[k + 1 :] if h.level <= 2), None)
            if after is None:
                self.ranges.append(_Range(heading, end_index, end_line))
            else:
                self.ranges.append(_Range(heading, after.index, after.line))
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
            elif not in_steps and heading.level == 3 and _STEP_HEADING.fullmatch(heading.text):
                self.notes.append(
                    f"'### {heading.text}' (line {self.file_line(heading.line)}) is not under "
                    "'## Steps': it is not a step"
                )
            if heading.level == 2 and _STEP_HEADING.fullmatch(heading.text):
                self.notes.append(
                    f"'## {heading.text}' (line {self.file_line(heading.line)}) is an H2 "
                    "section, not a step under '## Steps': it is kept as a section"
                )

    def ranges_for(self, key: str) -> list[_Range]:
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


# --------------------------------------------------------------------------- steps


def _steps(outline: _Outline, path: Path | None, notes: list[str]) -> list[SkillStep]:
    steps: list[SkillStep] = []
    first_line: dict[int, int] = {}
    for part in outline.ranges_for(STEPS):
        inside = [
            h
            for h in outline.headings
            if part.heading.index < h.index < part.end_index and h.level == 3
        ]
        starts = [(h, m) for h in inside if (m := _STEP_HEADING.fullmatch(h.text))]
        if not starts:
            notes.append(
                f"'## {part.heading.text}' (line {outline.file_line(part.heading.line)}) has no "
                "'### Step N: Title' headings: the skill has zero steps"
            )
            continue
        for h in inside:
            if h.index < starts[0][0].index:
                notes.append(
                    f"'### {h.text}' (line {outline.file_line(h.line)}) under '## Steps' comes "
                    "before the first step and belongs to no step"
                )
        for k, (heading, match) in enumerate(starts):
            nxt = starts[k + 1][0] if k + 1 < len(starts) else None
            end_index = nxt.index if nxt else part.end_index
            end_line = nxt.line if nxt else part.end_line
            number = int(match.group(1))
            line = outline.file_line(heading.line)
            _check_number(number, line, steps, first_line, path)
            first_line.setdefault(number, line)
            steps.append(
                SkillStep(
                    number=number,
                    title=match.group(2).strip() or heading.text,
                    body=outline.text(heading.content_line, end_line),
                    items=tuple(outline.items(heading.index + 3, end_index)),
                    line=line,
                )
            )
    return steps


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


def _check_verification(outline: _Outline, verification: list[str], notes: list[str]) -> None:
    parts = outline.ranges_for(VERIFICATION)
    if not parts:
        notes.append("no '## Verification' section: the checklist is empty")
    elif not verification:
        line = outline.file_line(parts[0].heading.line)
        notes.append(f"'## Verification' (line {line}) has no list items: the checklist is empty")


# --------------------------------------------------------------------------- arguments


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
    lines: set[int] = set()
    for tok in _MD.parse(text):
        if tok.type in _CODE and tok.map:
            lines.update(range(tok.map[0], tok.map[1]))
    return frozenset(lines)
