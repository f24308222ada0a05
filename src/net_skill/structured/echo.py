"""A repaired value that copies the repair question's own words.

A small model asked "gaps[0]: the value named a contact, not a place; write a place to meet
people" writes `..., not a place; write a place to meet people` into the gap. The first answer's
copies of the prompt are the quality floor's to find (it knows the prompt); the repair
question is written by this loop, so this loop checks its answers for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from net_skill.quality import strings_in
from net_skill.structured.answers import Problem
from net_skill.structured.paths import JsonPath, get_at, has_path, show_path
from net_skill.text import words

ECHO_RUN = 5
"""Words in a row, taken from the question, that make a value a copy of it."""

_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")
"""A rejected value quoted in a message: its words are the model's own, not the question's."""


def question_runs(lines: Sequence[str]) -> frozenset[tuple[str, ...]]:
    """Every run of `ECHO_RUN` words in `lines` (quoted values left out)."""
    runs: set[tuple[str, ...]] = set()
    for line in lines:
        for part in _QUOTED.split(line):
            tokens = words(part)
            runs.update(_runs(tokens))
    return frozenset(runs)


def question_echoes(
    data: Any, targets: Sequence[JsonPath], runs: frozenset[tuple[str, ...]]
) -> list[Problem]:
    """Problems for the values at `targets` (or inside them) that copy a run of the question."""
    problems = []
    for target in targets:
        if not has_path(data, target):
            continue
        for path, text in strings_in(get_at(data, target), target):
            if not runs.isdisjoint(_runs(words(text))):
                problems.append(
                    Problem(
                        path,
                        f"{show_path(path)}: copies the words of the question; write the value "
                        "itself",
                        "check",
                        "instruction_echo",
                        "the value copied the words of the question; write the value itself",
                    )
                )
    return problems


def _runs(tokens: Sequence[str]) -> Iterator[tuple[str, ...]]:
    return (tuple(tokens[i : i + ECHO_RUN]) for i in range(len(tokens) - ECHO_RUN + 1))
