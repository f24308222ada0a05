"""Evaluation cases: `cases.jsonl`, one `{"id", "situation", "tags"}` object a line.

Optional fields: `contacts` (text, like `net-skill run --contacts`). Blank lines and lines
starting with `#` are skipped. Every problem is an `InputError` naming the file and line.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from net_skill.errors import InputError
from net_skill.situation import validate_contacts, validate_situation

MAX_CASE_ID_CHARS = 200


@dataclass(frozen=True)
class EvalCase:
    """One situation to evaluate."""

    id: str
    situation: str
    tags: tuple[str, ...] = ()
    contacts: str | None = None
    line: int | None = None


def _case_from(data: Any, where: str, line: int) -> EvalCase:
    if not isinstance(data, dict):
        raise InputError(f"{where}: each line must be a JSON object, not {type(data).__name__}")
    case_id = data.get("id")
    if isinstance(case_id, int) and not isinstance(case_id, bool):
        case_id = str(case_id)
    if not isinstance(case_id, str) or not case_id.strip():
        raise InputError(f'{where}: missing "id" (a non-empty string)')
    case_id = case_id.strip()
    if len(case_id) > MAX_CASE_ID_CHARS:
        raise InputError(f"{where}: id is longer than {MAX_CASE_ID_CHARS} characters")
    situation = data.get("situation")
    if not isinstance(situation, str):
        raise InputError(f'{where}: case {case_id!r} has no "situation" text')
    tags = data.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise InputError(f'{where}: case {case_id!r}: "tags" must be a list of strings')
    contacts = data.get("contacts")
    if contacts is not None and not isinstance(contacts, str):
        raise InputError(f'{where}: case {case_id!r}: "contacts" must be text')
    try:
        cleaned = validate_situation(situation)
        cleaned_contacts = validate_contacts(contacts)
    except InputError as exc:
        raise InputError(f"{where}: case {case_id!r}: {exc}") from None
    return EvalCase(case_id, cleaned, tuple(tags), cleaned_contacts, line)


def iter_cases(path: str | Path) -> Iterator[EvalCase]:
    """Stream the cases of a JSONL file, checking each line and that ids are unique."""
    file = Path(path)
    seen: set[str] = set()
    try:
        stream = file.open("r", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read cases file {file}: {exc.strerror or exc}") from None
    with stream:
        try:
            for number, raw in enumerate(stream, start=1):
                text = raw.strip()
                if not text or text.startswith("#"):
                    continue
                where = f"{file}:{number}"
                try:
                    data = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{where}: not valid JSON ({exc.msg})") from None
                case = _case_from(data, where, number)
                if case.id in seen:
                    raise InputError(f"{where}: duplicate case id {case.id!r}")
                seen.add(case.id)
                yield case
        except UnicodeDecodeError as exc:
            raise InputError(f"{file}: not UTF-8 text ({exc.reason})") from None


def load_cases(path: str | Path) -> list[EvalCase]:
    """All cases of a JSONL file (see `iter_cases`); an empty file is an error."""
    cases = list(iter_cases(path))
    if not cases:
        raise InputError(f"{path}: no cases (one JSON object a line expected)")
    return cases


def check_cases(cases: list[EvalCase]) -> list[EvalCase]:
    """Cases given in code: ids must be unique and non-empty."""
    seen: set[str] = set()
    for number, case in enumerate(cases, start=1):
        if not case.id.strip():
            raise InputError(f"case {number} has an empty id")
        if case.id in seen:
            raise InputError(f"case {number}: duplicate case id {case.id!r}")
        seen.add(case.id)
    if not cases:
        raise InputError("no cases to evaluate")
    return cases


def scan_cases(path: str | Path) -> tuple[int, str]:
    """Validate the whole file without keeping it: (number of cases, content fingerprint)."""
    digest = hashlib.sha256()
    count = 0
    for case in iter_cases(path):
        count += 1
        digest.update(json.dumps([case.id, case.situation, case.contacts]).encode())
    if not count:
        raise InputError(f"{path}: no cases (one JSON object a line expected)")
    return count, digest.hexdigest()[:16]


def cases_fingerprint(cases: list[EvalCase]) -> str:
    digest = hashlib.sha256()
    for case in cases:
        digest.update(json.dumps([case.id, case.situation, case.contacts]).encode())
    return digest.hexdigest()[:16]
