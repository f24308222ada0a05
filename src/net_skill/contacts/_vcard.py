"""vCard 3.0 and 4.0 files (RFC 2426, RFC 6350), one or many cards, parsed by `vobject`.

The text is only cut at its `BEGIN:VCARD` / `END:VCARD` lines, so that each card's line is
known for messages; every card is parsed by vobject.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from net_skill.contacts._model import Contact, ContactsError, ContactsFile
from net_skill.contacts._text import clean_name, clean_text

_BEGIN = re.compile(r"\s*BEGIN\s*:\s*VCARD\s*", re.IGNORECASE)
_END = re.compile(r"\s*END\s*:\s*VCARD\s*", re.IGNORECASE)
_PARSE_ERRORS: tuple[type[Exception], ...] = (
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    KeyError,
)


def looks_like_vcard(lines: Sequence[str]) -> bool:
    first = next((line for line in lines if line.strip()), "")
    return bool(_BEGIN.fullmatch(first.rstrip("\r\n")))


def read_vcards(lines: Sequence[str], path: Path | None) -> ContactsFile:
    contacts: list[Contact] = []
    skipped: list[int] = []
    for start, card in _cards(lines, path):
        contact = _contact(_parse(card, start, path), start)
        if contact is None:
            skipped.append(start)
        else:
            contacts.append(contact)
    return ContactsFile(path, "vcard", tuple(contacts), len(skipped), tuple(skipped[:5]))


def _cards(lines: Sequence[str], path: Path | None) -> Iterator[tuple[int, str]]:
    """(first line, text) of each card."""
    start: int | None = None
    depth = 0
    for number, line in enumerate(lines, 1):
        bare = line.rstrip("\r\n")
        if _BEGIN.fullmatch(bare):
            if depth == 0:
                start = number
            depth += 1
        elif _END.fullmatch(bare) and depth:
            depth -= 1
            if depth == 0 and start is not None:
                yield start, "".join(lines[start - 1 : number])
                start = None
        elif depth == 0 and bare.strip():
            raise ContactsError(
                "text outside a vCard (every card runs from BEGIN:VCARD to END:VCARD)",
                path=path,
                line=number,
            )
    if start is not None:
        raise ContactsError("a vCard that is never closed (no END:VCARD)", path=path, line=start)


def _parse(card: str, start: int, path: Path | None) -> Any:
    import vobject  # imported when a vCard is read: it costs 40 ms

    try:
        return vobject.readOne(card)
    except (vobject.base.VObjectError, *_PARSE_ERRORS) as exc:
        message = str(exc).split(": ", 1)[-1] if "At line" in str(exc) else str(exc)
        raise ContactsError(
            f"not a valid vCard ({message})", path=path, line=start + _offset(card, message)
        ) from None


def _offset(card: str, message: str) -> int:
    """The line of `card` (0-based) that vobject's message quotes, else 0 (the card's start)."""
    quoted = message.rsplit("Failed to parse line: ", 1)[-1].strip()
    if quoted and quoted != message:
        for index, line in enumerate(card.splitlines()):
            if line.strip() == quoted:
                return index
    return 0


def _values(card: Any, key: str) -> list[Any]:
    return [item.value for item in card.contents.get(key, [])]


def _flat(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return " ".join(_flat(v) for v in value if v)
    return str(value) if value is not None else ""


def _name(card: Any) -> str:
    for full in _values(card, "fn"):
        name = clean_name(_flat(full))
        if name:
            return name
    for structured in _values(card, "n"):
        parts = [getattr(structured, a, "") for a in ("prefix", "given", "additional", "family")]
        name = clean_name(" ".join(_flat(p) for p in parts[1:] if p))
        if name:
            return name
    return ""


def _contact(card: Any, line: int) -> Contact | None:
    name = _name(card)
    if not name:
        return None
    orgs = _values(card, "org")
    organisation = orgs[0] if orgs else ""
    company = organisation[0] if isinstance(organisation, (list, tuple)) and organisation else ""
    labels: list[str] = []
    for value in _values(card, "categories"):
        items = value if isinstance(value, (list, tuple)) else str(value).split(",")
        labels.extend(clean_text(str(v)) for v in items if str(v).strip())
    notes = _values(card, "note")
    return Contact(
        name=name,
        company=clean_text(_flat(company or organisation)),
        title=clean_text(_flat(next(iter(_values(card, "title")), ""))),
        emails=tuple(clean_text(_flat(e)) for e in _values(card, "email") if "@" in _flat(e)),
        labels=tuple(label for label in labels if label),
        note=clean_text(_flat(notes[0]) if notes else "", 300),
        line=line,
    )
