"""The plain text list: one person a line, `Name - who they are` (or `Name, ...`, `Name: ...`).

A line ending in `:` (or a `# heading`) labels the lines under it. Bullets and numbering are
dropped. A line with no name at its start is skipped and counted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from net_skill.contacts._model import Contact, ContactsFile
from net_skill.contacts._text import clean_name, clean_text

MAX_NAME_WORDS = 5

_BULLET = re.compile(r"^\s*(?:[-*+•·]|\d{1,3}[.)])\s+")
_HEADING = re.compile(r"^\s*(?:#+\s*(?P<hash>.+?)|(?P<colon>[^:,;()<>\t|]{1,60}):)\s*$")
_SEPARATOR = re.compile(r"\s+[-–—|/]\s+|\s*[,:;(<\t]\s*|\s+[–—]\s*|\s+@\s+")
_AT_COMPANY = re.compile(r"^(?P<title>.+?)\s+(?:at|@)\s+(?P<company>[^,;()]+?)\s*(?:[,;(]|$)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_LEADING_NAME = re.compile(r"^(?:[^\W\d_][\w'’.-]*)(?:\s+[^\W\d_][\w'’.-]*){0,3}")
_NOT_A_NAME_START = {"i", "i'm", "my", "we", "our", "the", "a", "an", "and", "also", "met", "see"}


def read_plain(lines: Sequence[str], path: Path | None) -> ContactsFile:
    contacts: list[Contact] = []
    skipped: list[int] = []
    label = ""
    for number, raw in enumerate(lines, 1):
        line = " ".join(_BULLET.sub("", raw).split())
        if not line:
            continue
        heading = _HEADING.match(line)
        if heading and not _EMAIL.search(line):
            label = clean_text(heading.group("hash") or heading.group("colon") or "", 60)
            continue
        contact = _contact(line, number, label)
        if contact is None:
            skipped.append(number)
        else:
            contacts.append(contact)
    return ContactsFile(path, "text", tuple(contacts), len(skipped), tuple(skipped[:5]))


def _contact(line: str, number: int, label: str) -> Contact | None:
    emails = tuple(_EMAIL.findall(line))
    without_email = _EMAIL.sub("", line).strip(" <>")
    split = _SEPARATOR.search(without_email)
    head = without_email[: split.start()] if split else without_email
    rest = without_email[split.end() :] if split else ""
    if (split and len(head.split()) > MAX_NAME_WORDS) or (not split and len(head.split()) > 3):
        leading = _capitalised_run(without_email)
        if leading is None:
            return None
        head, rest = leading, without_email[len(leading) :]
    name = clean_name(head)
    if not name or not _looks_like_name(name):
        return None
    rest = clean_text(rest.strip(" -–—|:,;()"), 300)
    at = _AT_COMPANY.match(rest)
    return Contact(
        name=name,
        title=clean_text(at.group("title")) if at else "",
        company=clean_text(at.group("company")) if at else "",
        emails=emails,
        labels=(label,) if label else (),
        note=rest,
        line=number,
    )


def _capitalised_run(text: str) -> str | None:
    """The capitalised words a line starts with (`Dana Okafor former manager` -> the name)."""
    words = []
    for word in text.split():
        if not word[:1].isupper() or not any(c.isalpha() for c in word):
            break
        words.append(word)
        if len(words) == MAX_NAME_WORDS - 1:
            break
    return " ".join(words) if words else None


def _looks_like_name(name: str) -> bool:
    words = name.split()
    return (
        0 < len(words) <= MAX_NAME_WORDS
        and words[0].casefold() not in _NOT_A_NAME_START
        and bool(_LEADING_NAME.match(name))
    )
