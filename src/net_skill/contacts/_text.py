"""Small text helpers shared by the readers: cleaning names and fields, multi-value cells."""

from __future__ import annotations

from net_skill.situation import neutralise_controls

MAX_NAME_CHARS = 80
"""Names longer than this are cut (the plan's name fields hold at most 80 characters)."""
MAX_FIELD_CHARS = 160


def clean_text(value: str, limit: int = MAX_FIELD_CHARS) -> str:
    """One line: control and invisible characters dropped, whitespace collapsed, cut to `limit`."""
    if not value:
        return ""
    if not value.isascii() or not value.isprintable():
        value = neutralise_controls(value)
    return " ".join(value.split())[:limit].strip()


def clean_name(value: str) -> str:
    """A person's name as written, cleaned; "" when it holds no letter (so no usable name)."""
    name = clean_text(value, MAX_NAME_CHARS).strip(" \"'`,;:.-–—|*•·")
    return name if any(c.isalpha() for c in name) else ""


def split_multi(cell: str) -> list[str]:
    """Google's multi-value cells: `a ::: b` -> ["a", "b"] (also vCard-style commas in labels)."""
    if not cell:
        return []
    return [part for part in (clean_text(p) for p in cell.split(":::")) if part]
