"""Reading a contacts source, whatever its layout: chosen by content, never by file name.

Text exports (vCard, the CSV layouts, the plain list) are recognised here. Other sources, such
as a keep-in-touch tracker's database, register a `ContactStore` that recognises the file's
first bytes; a skill's package does that when it is imported (`register_store`).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from net_skill.contacts._csv import read_csv
from net_skill.contacts._decode import SQLITE_MAGIC, decode_text, read_bytes
from net_skill.contacts._model import ContactsError, ContactsFile
from net_skill.contacts._plain import read_plain
from net_skill.contacts._vcard import looks_like_vcard, read_vcards

HEAD_BYTES = 100
"""How much of a file a store's `recognises` sees (an SQLite header is 100 bytes)."""


@dataclass(frozen=True)
class ContactStore:
    """A binary source of contacts recognised by its first bytes (for example a tracker)."""

    name: str
    recognises: Callable[[bytes], bool]
    read: Callable[[Path, date], ContactsFile]
    """Reads the file; the date is "today" (a store may judge tie strength by it)."""
    default_path: Callable[[], Path] | None = None
    """Where the user's own file of this kind lives, if it has a usual place."""


_LOCK = threading.Lock()
_STORES: dict[str, ContactStore] = {}
_builtins_loaded = False


def register_store(store: ContactStore) -> ContactStore:
    """Let `read_contacts` read files that `store.recognises` (one store per name)."""
    with _LOCK:
        _STORES[store.name] = store
    return store


def _stores() -> list[ContactStore]:
    global _builtins_loaded
    if not _builtins_loaded:
        import net_skill.skills  # noqa: F401  (the built-in skills register their stores)

        _builtins_loaded = True
    with _LOCK:
        return list(_STORES.values())


def kept_stores() -> list[Path]:
    """The usual files of the registered stores that exist (the user's tracker, say)."""
    paths = [store.default_path() for store in _stores() if store.default_path is not None]
    return [path for path in paths if path.is_file()]


def read_contacts(path: str | Path, *, today: date | None = None) -> ContactsFile:
    """Every contact in the file at `path`; the layout is detected from the content.

    LinkedIn `Connections.csv` (notes preamble and all), Google Contacts CSV (current and
    older layout), other CSVs with a name column, vCard 3.0/4.0, a plain list of one person a
    line, or a registered store. Raises `ContactsError` (an `InputError`) naming the file and
    line for an unreadable, empty, binary or wrongly encoded file; rows without a name are
    skipped and counted in `ContactsFile.skipped`.
    """
    source = Path(path)
    head = read_bytes(source, HEAD_BYTES)
    if head.startswith(SQLITE_MAGIC):
        for store in _stores():
            if store.recognises(head):
                return store.read(source, today or date.today())
        raise ContactsError(
            "is an SQLite database of another program, not a contacts export", path=source
        )
    return parse_contacts(decode_text(read_bytes(source), source), path=source)


def parse_contacts(text: str, *, path: Path | None = None) -> ContactsFile:
    """The contacts in an export's text (see `read_contacts`); `path` only names it in errors."""
    lines = io.StringIO(text, newline="").readlines()
    if looks_like_vcard(lines):
        found = read_vcards(lines, path)
    else:
        found = read_csv(text, lines, path) or read_plain(lines, path)
    if not found.contacts:
        first = found.skipped_lines[0] if found.skipped_lines else None
        what = "line" if found.format == "text" else "row"
        hint = (
            " (expected one person a line, like `Dana Okafor - group PM at Fabrikam`)"
            if found.format == "text"
            else ""
        )
        raise ContactsError(
            f"no contacts found: every {what} ({found.skipped}) lacks a name{hint}",
            path=path,
            line=first,
        )
    return found
