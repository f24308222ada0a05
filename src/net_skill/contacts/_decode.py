"""From a file's bytes to text, with a clear error naming the file and line when that fails."""

from __future__ import annotations

import codecs
from pathlib import Path

from net_skill.contacts._model import ContactsError

MAX_BYTES = 256 * 1024 * 1024
"""The largest contacts file read (a 30,000-row LinkedIn export is about 3 MB)."""

SQLITE_MAGIC = b"SQLite format 3\x00"
ZIP_MAGIC = b"PK\x03\x04"


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """The file's bytes (the first `limit` of them), or `ContactsError` saying in one line why
    it cannot be read."""
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise ContactsError("is a folder, not a contacts file", path=path)
        if size > MAX_BYTES and limit is None:
            raise ContactsError(
                f"is {size / 2**20:,.0f} MiB; the limit is {MAX_BYTES // 2**20} MiB", path=path
            )
        with path.open("rb") as file:
            return file.read(-1 if limit is None else limit)
    except FileNotFoundError:
        raise ContactsError("no such file", path=path) from None
    except PermissionError:
        raise ContactsError("permission denied: the file cannot be read", path=path) from None
    except OSError as exc:
        raise ContactsError(f"cannot be read: {exc.strerror or exc}", path=path) from None


def line_of(data: bytes | str, offset: int) -> int:
    """The 1-based line holding `offset` (counting `\\n`, `\\r\\n` and lone `\\r`)."""
    head = data[:offset]
    if isinstance(head, bytes):
        return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1
    return head.count("\n") + head.count("\r") - head.count("\r\n") + 1


def decode_text(data: bytes, path: Path | None) -> str:
    """UTF-8 (with or without a byte-order mark) or BOM-marked UTF-16 text, else an error.

    Empty files, archives, binary files and text in another encoding are refused with the
    line where the problem starts; the user re-exports or converts, nothing is guessed.
    """
    if not data.strip():
        raise ContactsError("the file is empty", path=path)
    if data.startswith(ZIP_MAGIC):
        raise ContactsError(
            "is a ZIP archive (a LinkedIn or Google download?): unzip it and pass the "
            "contacts file inside (for LinkedIn, Connections.csv)",
            path=path,
        )
    if data.startswith(SQLITE_MAGIC):
        raise ContactsError("is an SQLite database, not a contacts export", path=path)
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ContactsError(
                    "is marked as UTF-16 but is not valid UTF-16 text",
                    path=path,
                    line=line_of(data, exc.start),
                ) from None
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ContactsError(
            "is a binary file, not a contacts export (a NUL byte)",
            path=path,
            line=line_of(data, nul),
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _encoding_error(data, exc, path) from None


def _encoding_error(data: bytes, exc: UnicodeDecodeError, path: Path | None) -> ContactsError:
    line = line_of(data, exc.start)
    head = data[:4096]
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    if controls * 20 > len(head):
        return ContactsError("is a binary file, not a contacts export", path=path, line=line)
    column = exc.start - max(data.rfind(b"\n", 0, exc.start), data.rfind(b"\r", 0, exc.start))
    return ContactsError(
        f"is not UTF-8 text (byte 0x{data[exc.start]:02x} in column {column}); export it "
        "again as UTF-8, or convert it (for example: iconv -f cp1252 -t utf-8)",
        path=path,
        line=line,
    )
