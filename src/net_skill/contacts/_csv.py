"""CSV exports: LinkedIn `Connections.csv`, Google Contacts (current and older layout), and any
CSV with a recognisable name column. Columns are mapped by header name, never by position.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from net_skill.contacts._model import Contact, ContactsError, ContactsFile
from net_skill.contacts._text import clean_name, clean_text, split_multi

HEADER_SEARCH_LINES = 40
"""How far down a header row is looked for (LinkedIn puts a few lines of notes first)."""


@dataclass(frozen=True)
class CsvLayout:
    """One export layout: the headers that identify it and where each field comes from.

    Every tuple lists candidate header names (case-insensitive), the first present wins;
    `emails` and `labels` take every present column.
    """

    name: str
    signature: tuple[frozenset[str], ...]
    """Each set: at least one of these headers must be present."""
    full_name: tuple[str, ...] = ()
    first_name: tuple[str, ...] = ()
    middle_name: tuple[str, ...] = ()
    last_name: tuple[str, ...] = ()
    company: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    connected_on: tuple[str, ...] = ()
    note: tuple[str, ...] = ()


def _any(*names: str) -> frozenset[str]:
    return frozenset(names)


_GOOGLE_EMAILS = tuple(f"e-mail {n} - value" for n in range(1, 10))

LAYOUTS: tuple[CsvLayout, ...] = (
    CsvLayout(
        name="linkedin",
        signature=(_any("first name"), _any("last name"), _any("connected on", "position")),
        first_name=("first name",),
        last_name=("last name",),
        company=("company",),
        title=("position",),
        emails=("email address",),
        connected_on=("connected on",),
    ),
    CsvLayout(
        name="google",
        signature=(
            _any("first name", "last name"),
            _any("organization name", "labels", "e-mail 1 - value", "e-mail 1 - label"),
        ),
        first_name=("first name",),
        middle_name=("middle name",),
        last_name=("last name",),
        full_name=("nickname", "file as"),
        company=("organization name",),
        title=("organization title",),
        emails=_GOOGLE_EMAILS,
        labels=("labels",),
        note=("notes",),
    ),
    CsvLayout(
        name="google-legacy",
        signature=(
            _any("given name", "family name", "name"),
            _any("group membership", "e-mail 1 - type"),
        ),
        full_name=("name",),
        first_name=("given name",),
        middle_name=("additional name",),
        last_name=("family name",),
        company=("organization 1 - name",),
        title=("organization 1 - title",),
        emails=_GOOGLE_EMAILS,
        labels=("group membership",),
        note=("notes",),
    ),
    CsvLayout(
        name="csv",
        signature=(_any("name", "full name", "display name", "first name", "given name"),),
        full_name=("name", "full name", "display name"),
        first_name=("first name", "given name"),
        middle_name=("middle name",),
        last_name=("last name", "surname", "family name"),
        company=("company", "organization", "organisation", "employer", "organization name"),
        title=("job title", "position", "role", "title", "organization title"),
        emails=("email", "e-mail", "email address", "e-mail address", "e-mail 1 - value"),
        labels=("labels", "tags", "groups", "categories", "group membership"),
        connected_on=("connected on", "met on", "since"),
        note=("notes", "note"),
    ),
)


def _fold_header(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").strip().strip('"').casefold().split())


def find_header(lines: Sequence[str]) -> tuple[int, CsvLayout, list[str]] | None:
    """The first of `lines` that is the header row of a known layout: (index, layout, headers)."""
    for index, line in enumerate(lines[:HEADER_SEARCH_LINES]):
        if "," not in line and ";" not in line and "\t" not in line:
            continue
        try:
            cells = next(csv.reader([line]))
        except (csv.Error, StopIteration):
            continue
        headers = [_fold_header(c) for c in cells]
        present = set(headers)
        for layout in LAYOUTS:
            if all(options & present for options in layout.signature):
                return index, layout, headers
    return None


@dataclass(frozen=True)
class _Columns:
    """Column indexes of one file's header for each field of a layout."""

    full_name: int | None
    first_name: int | None
    middle_name: int | None
    last_name: int | None
    company: int | None
    title: int | None
    emails: tuple[int, ...]
    labels: tuple[int, ...]
    connected_on: int | None
    note: int | None

    @classmethod
    def of(cls, layout: CsvLayout, headers: list[str]) -> _Columns:
        position = {h: i for i, h in reversed(list(enumerate(headers)))}

        def first(names: tuple[str, ...]) -> int | None:
            return next((position[n] for n in names if n in position), None)

        def every(names: tuple[str, ...]) -> tuple[int, ...]:
            return tuple(position[n] for n in names if n in position)

        return cls(
            full_name=first(layout.full_name),
            first_name=first(layout.first_name),
            middle_name=first(layout.middle_name),
            last_name=first(layout.last_name),
            company=first(layout.company),
            title=first(layout.title),
            emails=every(layout.emails),
            labels=every(layout.labels),
            connected_on=first(layout.connected_on),
            note=first(layout.note),
        )


def read_csv(text: str, lines: Sequence[str], path: Path | None) -> ContactsFile | None:
    """Contacts from a CSV export, or None when no known header row is found."""
    found = find_header(lines)
    if found is None:
        return None
    header_index, layout, headers = found
    columns = _Columns.of(layout, headers)
    start = sum(len(line) for line in lines[:header_index])
    contacts: list[Contact] = []
    skipped: list[int] = []
    for line, row in _rows(text[start:], header_index + 1, path):
        if not any(cell.strip() for cell in row):
            continue
        contact = _contact(row, columns, line, is_linkedin=layout.name == "linkedin")
        if contact is None:
            skipped.append(line)
        else:
            contacts.append(contact)
    if not contacts and not skipped:
        raise ContactsError(
            f"a {layout.name} CSV with a header row (line {header_index + 1}) and no contacts",
            path=path,
        )
    return ContactsFile(path, layout.name, tuple(contacts), len(skipped), tuple(skipped[:5]))


def _rows(text: str, header_line: int, path: Path | None) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of each data row after the header (which starts at `header_line`)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    consumed = 0
    try:
        next(reader)  # the header
        consumed = reader.line_num
        for row in reader:
            yield header_line + consumed, row
            consumed = reader.line_num
    except csv.Error as exc:
        raise ContactsError(
            f"malformed CSV row ({exc}; is a quote never closed?)",
            path=path,
            line=header_line + consumed,
        ) from None


def _cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return row[index]


def _contact(row: list[str], c: _Columns, line: int, *, is_linkedin: bool) -> Contact | None:
    last = _cell(row, c.last_name)
    if is_linkedin:
        last = _strip_credentials(last)
    parts = (_cell(row, c.first_name), _cell(row, c.middle_name), last)
    name = clean_name(" ".join(p for p in parts if p.strip()))
    if not name:
        name = clean_name(_cell(row, c.full_name))
    if not name:
        return None
    emails = tuple(e for i in c.emails for e in split_multi(_cell(row, i)) if "@" in e)
    labels = tuple(lab for i in c.labels for lab in _labels(_cell(row, i)))
    return Contact(
        name=name,
        company=clean_text(_cell(row, c.company)),
        title=clean_text(_cell(row, c.title)),
        emails=emails,
        labels=labels,
        connected_on=parse_date(_cell(row, c.connected_on).strip()),
        note=clean_text(_cell(row, c.note))[:300],
        line=line,
    )


_CREDENTIALS = re.compile(r"\s*,\s*(?:[A-Z][A-Za-z.]{1,7}(?:\s*,\s*|\s+|$))+$")


def _strip_credentials(last_name: str) -> str:
    """`Smith, MBA, PMP` -> `Smith`: LinkedIn members often put credentials in the last name."""
    return _CREDENTIALS.sub("", last_name.strip())


_SYSTEM_LABELS = {"mycontacts", "my contacts", "starred"}


def _labels(cell: str) -> list[str]:
    """Google's `* myContacts ::: Work` -> ["Work"] (system groups start with `* `)."""
    labels = []
    for value in split_multi(cell):
        label = value.lstrip("* ").strip()
        if label and label.casefold() not in _SYSTEM_LABELS:
            labels.append(label)
    return labels


_DATE_FORMATS = ("%d %b %Y", "%d %B %Y", "%Y-%m-%d", "%b %d, %Y", "%B %d, %Y", "%d-%b-%y")


@lru_cache(maxsize=8192)
def parse_date(text: str) -> date | None:
    """A date as exports write it (`07 Dec 2025`, `2025-12-07`, `Dec 7, 2025`), else None."""
    if not text:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
