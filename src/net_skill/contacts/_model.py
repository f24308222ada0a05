"""The contact record every reader produces, the result of reading a file, and its error."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from net_skill.errors import InputError

TieStrength = Literal["strong", "medium", "weak", "dormant"]
"""How close a tie is: the same four words the networking skill's audit uses."""

TIE_RANK: dict[TieStrength, int] = {"strong": 3, "medium": 2, "weak": 1, "dormant": 0}


@dataclass(frozen=True, slots=True)
class Contact:
    """One person from an export (or a tracker), with what the source says about them."""

    name: str
    company: str = ""
    title: str = ""
    emails: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    connected_on: date | None = None
    """When the connection was made (LinkedIn's `Connected On`), if the source says."""
    note: str = ""
    """Free text the source keeps about them (a plain-text line, a vCard NOTE)."""
    line: int = 0
    """The line of the source file the record starts on (1-based; 0: not from a file)."""
    last_contact: date | None = None
    """The last logged interaction (a tracker's log), if any."""
    tie: TieStrength | None = None
    """A tie strength the source states (a tracker); None: estimate it from the facts."""


@dataclass(frozen=True)
class ContactsFile:
    """What reading one contacts source gave: the people, and the rows left out."""

    path: Path | None
    format: str
    """The detected layout: `linkedin`, `google`, `google-legacy`, `csv`, `vcard`, `text`, ..."""
    contacts: tuple[Contact, ...]
    skipped: int = 0
    """Rows without a usable name: left out and counted, never fatal."""
    skipped_lines: tuple[int, ...] = field(default=(), repr=False)
    """The first few skipped rows' line numbers (for a message)."""
    goal: str = ""
    """What the source says the user is working towards (a tracker: its last plan's goal);
    it counts with the situation when relevance is judged."""

    @property
    def label(self) -> str:
        return self.path.name if self.path is not None else "<contacts>"


def skipped_rows(count: int) -> str:
    """`1 row without a name skipped`, `880 rows without a name skipped`."""
    return f"{count:,} row{'' if count == 1 else 's'} without a name skipped"


class ContactsError(InputError):
    """A contacts source cannot be read: names the file and, where it helps, the line."""

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None):
        self.path = str(path) if path is not None else None
        self.line = line
        self.message = message
        where = self.path or "<contacts>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}")
