"""The set of people a user knows, for the rule that people are never invented."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator

from net_skill.names import name_tokens
from net_skill.text import fold


def name_key(name: str) -> str:
    """One person's identity across sources: the name with case, accents and spacing folded."""
    return " ".join(fold(name).split())


class KnownNames:
    """Names of known people; `name in known` folds case and accents like the source-text rule.

    A name is known when all its words belong to one known person's name: `"Dana"` and
    `"Okafor Dana"` are known when `"Dana Okafor"` is. The word index is built on the first
    lookup, so a large network costs nothing until a name is checked.
    """

    __slots__ = ("_index", "_lock", "_names", "_tokens")

    def __init__(self, names: Iterable[str] = ()) -> None:
        self._names: tuple[str, ...] = tuple(dict.fromkeys(n for n in names if n))
        self._index: dict[str, list[int]] | None = None
        self._tokens: list[frozenset[str]] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._names)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __repr__(self) -> str:
        return f"KnownNames({len(self._names)} names)"

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        wanted = name_tokens(name)
        if not wanted:
            return False
        index = self._built()
        postings = [index.get(word) for word in wanted]
        if any(p is None for p in postings):
            return False
        shortest = min((p for p in postings if p is not None), key=len)
        wanted_set = set(wanted)
        return any(wanted_set <= self._tokens[i] for i in shortest)

    def union(self, other: Iterable[str]) -> KnownNames:
        return KnownNames((*self._names, *other))

    def _built(self) -> dict[str, list[int]]:
        if self._index is None:
            with self._lock:
                if self._index is None:
                    index: dict[str, list[int]] = {}
                    tokens = [frozenset(name_tokens(n)) for n in self._names]
                    for i, words in enumerate(tokens):
                        for word in words:
                            index.setdefault(word, []).append(i)
                    self._tokens = tokens
                    self._index = index
        return self._index
