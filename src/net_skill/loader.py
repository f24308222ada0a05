"""Read a markdown skill file into a `Skill`, and put a user's input into its text.

The frontmatter is YAML (PyYAML, every scalar kept as text); the body is parsed by
markdown-it-pyrs (CommonMark block rules) into a block tree, and only top-level blocks count as
structure, so a heading inside fenced code, an indented code block, an HTML block, a list or a
block quote is never a section or a step. Line numbers in
errors and on parsed items are those of the original file, frontmatter included.

The markdown structure lives in `net_skill._markdown`, argument substitution in
`net_skill.arguments`; both are re-exported here.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from net_skill._markdown import MAX_BLOCK_DEPTH, MAX_LIST_DEPTH, VERIFICATION, WHEN_TO_USE, Outline
from net_skill._steps import MAX_STEPS, read_steps
from net_skill.arguments import PLACEHOLDER, skill_text_with_arguments, substitute_arguments
from net_skill.declared import DECLARED_KEYS, declared_schema
from net_skill.errors import ConfigurationError, SkillParseError
from net_skill.skill import Skill, SkillNote

__all__ = [
    "MAX_BLOCK_DEPTH",
    "MAX_LIST_DEPTH",
    "MAX_SKILL_BYTES",
    "MAX_STEPS",
    "MAX_WARNINGS",
    "PLACEHOLDER",
    "SkillWarning",
    "load_bundled_skill",
    "load_skill",
    "parse_skill",
    "skill_text_with_arguments",
    "substitute_arguments",
]

MAX_SKILL_BYTES = 256_000
"""A skill larger than this (in UTF-8 bytes) is refused. Real skills are a few kilobytes (the
largest of the 367 public ones is 39 kB); the limit bounds the parse of hostile text to about a
second and 250 MB."""
MAX_WARNINGS = 20
"""At most this many warnings are kept per skill; the last one then says how many more there
were."""

# Control characters and invisible formatting characters are removed from skill text when it
# is read (tab and newline stay; CR was made a newline before): C0 and C1 controls, DEL, soft
# hyphen, zero-width spaces and marks, bidi embeddings, overrides and isolates, word joiner and
# invisible operators, byte order marks, interlinear annotation and tag characters. ZWJ and ZWNJ
# stay (emoji, Persian, Indic scripts). NUL becomes U+FFFD, as CommonMark asks.
_CONTROLS = re.compile(
    "[\x01-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
)


class SkillWarning(UserWarning):
    """The skill loads, but part of it is probably not what its author meant.

    `note` is the warning with its line; `path` the file (None for text parsed without one).
    `str()` is `path: <the text in Skill.warnings>`.
    """

    def __init__(self, note: SkillNote | str, path: str | Path | None = None) -> None:
        self.note = note if isinstance(note, SkillNote) else SkillNote(note)
        self.path = str(path) if path is not None else None
        super().__init__(f"{self.path or '<skill>'}: {self.note}")


_YAML_LOADER: Any = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


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
        raise SkillParseError(f"file is larger than {MAX_SKILL_BYTES:,} bytes", path=file)
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
    for note in skill.notes:
        # stacklevel 3: the caller of load_skill / parse_skill
        warnings.warn(SkillWarning(note, path), stacklevel=3)
    # Skill is frozen but its sections are a dict: hand out a copy, not the cached one.
    return replace(skill, sections=dict(skill.sections))


@lru_cache(maxsize=32)
def _parse_cached(text: str, path: Path | None) -> Skill:
    """Parse once per (text, path): the eval harness, the MCP server and tool handlers load the
    same skill again and again; an unchanged file is then not parsed again."""
    text = _clean_text(text, path)
    front, body, offset = _split_frontmatter(text, path)
    meta = _parse_frontmatter(front, path)
    notes: list[SkillNote] = []
    name = _frontmatter_text(meta, "name", front, path)
    if not name:
        raise SkillParseError("frontmatter has no `name`", path=path, line=1)
    description = _frontmatter_text(meta, "description", front, path)
    if not description:
        notes.append(SkillNote("frontmatter has no `description`"))
    outline = Outline(body, offset, path)
    sections = outline.sections()
    steps = read_steps(outline, path)
    verification = outline.flat_items(VERIFICATION)
    _check_verification(outline, verification)
    notes.extend(outline.notes)
    declared = {
        key: declared_schema(meta.get(key), key, path=path, line=_key_line(front, key))
        for key in DECLARED_KEYS
    }
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
        notes=_capped(notes),
        input_schema=declared["input_schema"],
        output_schema=declared["output_schema"],
    )


def _key_line(front: str, key: str) -> int | None:
    """The file line of a top-level frontmatter key (the `---` line is line 1)."""
    for number, line in enumerate(front.splitlines(), start=2):
        if line.startswith(f"{key}:"):
            return number
    return None


def _clean_text(text: str, path: Path | None) -> str:
    """`\\n` line endings, no BOM, no control or invisible characters, NUL as U+FFFD; an empty
    text or a lone surrogate is a `SkillParseError`. Lines stay where they were."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        raise SkillParseError(
            f"not valid Unicode text (lone surrogate U+{ord(text[exc.start]):04X})",
            path=path,
            line=text.count("\n", 0, exc.start) + 1,
        ) from None
    if size > MAX_SKILL_BYTES:
        raise SkillParseError(f"the skill is larger than {MAX_SKILL_BYTES:,} bytes", path=path)
    text = _without_controls(text)
    if not text.strip():
        raise SkillParseError("the skill file is empty", path=path, line=1)
    return text


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
    # YAML escapes (`"\e[2J"`, `"\0"`) make control characters the file did not hold.
    return " ".join(_without_controls(value).split())


def _without_controls(text: str) -> str:
    return _CONTROLS.sub("", text).replace("\x00", "\ufffd")


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


def _check_verification(outline: Outline, verification: list[str]) -> None:
    parts = outline.ranges_for(VERIFICATION)
    if not parts:
        outline.notes.append(SkillNote("no '## Verification' section: the checklist is empty"))
    elif not verification:
        outline.note("has no list items: the checklist is empty", parts[0].heading)


def _capped(notes: list[SkillNote]) -> tuple[SkillNote, ...]:
    if len(notes) <= MAX_WARNINGS:
        return tuple(notes)
    more = len(notes) - MAX_WARNINGS + 1
    return (*notes[: MAX_WARNINGS - 1], SkillNote(f"… and {more:,} more warnings"))
