"""A bounded, summarised view of a network for a model, plus every known name for validation.

digest = digest_contacts([read_contacts("Connections.csv")], situation, today=today)
digest.text          # a few dozen lines at most: goes to the model (RunInputs.contacts)
digest.known_names   # every name read: people the plan may name (RunInputs.known_names)
digest.read, digest.considered, digest.listed, digest.reasons   # what the plan reports
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from net_skill.contacts._model import TIE_RANK, Contact, ContactsFile, skipped_rows
from net_skill.contacts._names import KnownNames, name_key
from net_skill.contacts._select import RECENT_DAYS, Ranked, rank_contacts

MAX_LISTED = 24
"""Contacts listed for the model at most: the embedded model's 8k window is shared."""
MAX_TEXT_CHARS = 3600
"""The digest text's length at most (the contacts text limit is 6,000 characters)."""
MAX_LINE_CHARS = 170
EXTRA_STRONG_TIES = 6
"""Close ties added when fewer relevant contacts than `MAX_LISTED` were found."""

_FORMATS = {
    "linkedin": "LinkedIn export",
    "google": "Google Contacts CSV",
    "google-legacy": "Google Contacts CSV (older layout)",
    "csv": "CSV",
    "vcard": "vCard",
    "text": "list",
}


@dataclass(frozen=True)
class ContactsDigest:
    """What a run is told about the user's network, and the counts the plan reports."""

    text: str
    known_names: KnownNames
    read: int
    """People read from every source (after merging the same person across sources)."""
    skipped: int
    """Rows left out for lack of a name."""
    considered: int
    """People relevant to the goal: a name, company, title, label or note match, or a recent
    interaction."""
    listed: tuple[Ranked, ...]
    """The people in `text`, in the order shown."""
    reasons: tuple[str, ...]
    """Why those people: one short phrase per kind of match, with counts."""
    sources: tuple[str, ...]
    """Each source as `file name (layout)`."""

    def summary(self) -> dict[str, Any]:
        """The counts and reasons as plain data (what a run records and its plan reports)."""
        return {
            "sources": list(self.sources),
            "read": self.read,
            "skipped": self.skipped,
            "considered": self.considered,
            "listed": len(self.listed),
            "reasons": list(self.reasons),
            "listed_names": [r.contact.name for r in self.listed],
        }


def merge_contacts(files: Iterable[ContactsFile]) -> list[Contact]:
    """Every contact of `files`; a person of a later file who has the same (folded) name as
    one of an earlier file is merged into that record.

    Within one file, rows are kept as they are (two people may share a name). Earlier files
    win for fields both fill; a stated tie strength and the latest interaction are kept from
    whichever source has them (a tracker refining an export).
    """
    merged: list[Contact] = []
    seen: dict[str, int] = {}
    for file in files:
        before = dict(seen)
        for contact in file.contacts:
            key = name_key(contact.name)
            index = before.get(key)
            if index is None:
                seen.setdefault(key, len(merged))
                merged.append(contact)
            else:
                merged[index] = _merge(merged[index], contact)
    return merged


def _merge(a: Contact, b: Contact) -> Contact:
    last = max((d for d in (a.last_contact, b.last_contact) if d), default=None)
    return replace(
        a,
        company=a.company or b.company,
        title=a.title or b.title,
        emails=tuple(dict.fromkeys((*a.emails, *b.emails))),
        labels=tuple(dict.fromkeys((*a.labels, *b.labels))),
        connected_on=a.connected_on or b.connected_on,
        note=a.note or b.note,
        last_contact=last,
        tie=b.tie if b.tie is not None else a.tie,
    )


def digest_contacts(
    files: Sequence[ContactsFile],
    text: str,
    *,
    today: date,
    goal: str = "",
    max_listed: int = MAX_LISTED,
    max_chars: int = MAX_TEXT_CHARS,
) -> ContactsDigest:
    """Select the contacts of `files` that matter for `text` (and `goal`, and any goal a
    source states) and summarise them.

    Everyone relevant is ranked (`rank_contacts`); the best `max_listed` are listed, strongest
    ties first, within `max_chars`, under a header line saying how many were read, how many
    considered and why those. When few are relevant, a handful of the closest ties follow.
    """
    contacts = merge_contacts(files)
    also = "\n".join(g for g in (goal, *(f.goal for f in files)) if g)
    ranked = rank_contacts(contacts, text, today=today, also=also)
    relevant = [r for r in ranked if r.relevant]
    chosen = relevant[:max_listed]
    if len(chosen) < max_listed:
        room = min(EXTRA_STRONG_TIES, max_listed - len(chosen)) if relevant else max_listed
        others = sorted((r for r in ranked if not r.relevant), key=_closeness)
        chosen += others[:room]
    # Relevant people first, then any closest ties added; strongest ties first within each.
    chosen.sort(key=lambda r: (not r.relevant, -TIE_RANK[r.tie], -r.score, r.contact.name))
    reasons = _reasons(relevant, chosen)
    sources = tuple(f"{f.label} ({_FORMATS.get(f.format, f.format)})" for f in files)
    skipped = sum(f.skipped for f in files)
    header = _header(sources, len(contacts), skipped, len(relevant), len(chosen), reasons)
    lines = [header]
    used = len(header)
    listed: list[Ranked] = []
    for r in chosen:
        line = _line(r)
        if used + len(line) + 1 > max_chars:
            break
        lines.append(line)
        used += len(line) + 1
        listed.append(r)
    if len(listed) < len(chosen):
        lines[0] = _header(sources, len(contacts), skipped, len(relevant), len(listed), reasons)
    return ContactsDigest(
        text="\n".join(lines),
        known_names=KnownNames(c.name for c in contacts),
        read=len(contacts),
        skipped=skipped,
        considered=len(relevant),
        listed=tuple(listed),
        reasons=reasons,
        sources=sources,
    )


def _closeness(r: Ranked) -> tuple[int, int, int, str]:
    last = r.contact.last_contact.toordinal() if r.contact.last_contact else 0
    connected = r.contact.connected_on.toordinal() if r.contact.connected_on else 0
    return (-TIE_RANK[r.tie], -last, -connected, r.contact.name)


def _reasons(relevant: Sequence[Ranked], chosen: Sequence[Ranked]) -> tuple[str, ...]:
    counts: Counter[str] = Counter()
    companies: Counter[str] = Counter()
    for r in relevant:
        counts.update(r.matched)
        if r.recent:
            counts["recent"] += 1
        if "company" in r.matched:
            companies[r.contact.company] += 1
    out = []
    if counts["name"]:
        out.append(f"{counts['name']:,} named in the situation")
    if counts["company"]:
        top = ", ".join(f"{name} {n:,}" for name, n in companies.most_common(3))
        out.append(f"{counts['company']:,} at a company it mentions ({top})")
    for field, phrase in (
        ("title", "with a matching title"),
        ("label", "with a matching label"),
        ("note", "with matching notes"),
        ("recent", f"in touch in the last {RECENT_DAYS} days"),
    ):
        if counts[field]:
            out.append(f"{counts[field]:,} {phrase}")
    extra = sum(1 for r in chosen if not r.relevant)
    if extra:
        out.append(
            f"{extra} closest ties added" if relevant else "nothing matched: the closest ties"
        )
    return tuple(out)


def _header(
    sources: Sequence[str],
    read: int,
    skipped: int,
    considered: int,
    listed: int,
    reasons: Sequence[str],
) -> str:
    where = ", ".join(sources) or "contacts"
    skip = f" ({skipped_rows(skipped)})" if skipped else ""
    why = f": {'; '.join(reasons)}" if reasons else ""
    return (
        f"Contacts from {where}: {read:,} {'person' if read == 1 else 'people'} read{skip}; "
        f"{considered:,} relevant to the "
        f"situation; {listed:,} listed, strongest ties first{why}."
    )


def _line(r: Ranked) -> str:
    c = r.contact
    about = c.note or ", ".join(p for p in (c.title, c.company) if p)
    if about == c.name:
        about = ""
    facts = [f"tie {r.tie}"]
    if c.last_contact:
        facts.append(f"last contact {c.last_contact.isoformat()}")
    if c.connected_on:
        facts.append(f"connected {c.connected_on.isoformat()}")
    if c.labels:
        facts.append("labels " + ", ".join(c.labels[:3]))
    text = f"- {c.name}" + (f" — {about}" if about else "") + f" ({'; '.join(facts)})"
    return text if len(text) <= MAX_LINE_CHARS else text[: MAX_LINE_CHARS - 1] + "…"
