"""Small statistics for evaluations: means with seeded bootstrap confidence intervals.

Everything is deterministic: the bootstrap draws from `random.Random(seed)`, so the same
per-case values give the same interval on every machine. Intervals are percentile intervals
over `resamples` resamples of the cases (not of the epochs: repeats of one case are averaged
first, so a case run five times does not count as five independent samples).
"""

from __future__ import annotations

import math
import random
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_RESAMPLES = 2000
DEFAULT_SEED = 20240601
CONFIDENCE = 0.95
DRAW_BUDGET = 1_000_000
"""Most random draws spent on one interval: 2,000 resamples up to 500 cases, fewer above."""
MIN_RESAMPLES = 200


@dataclass(frozen=True)
class Estimate:
    """A mean over cases with its 95% bootstrap interval."""

    mean: float | None
    low: float | None
    high: float | None
    n: int

    def to_dict(self) -> dict[str, float | int | None]:
        return {
            "mean": _round(self.mean),
            "ci_low": _round(self.low),
            "ci_high": _round(self.high),
            "n": self.n,
        }

    def describe(self, *, percent: bool = False) -> str:
        """`0.82 [0.76, 0.88] (n=40)`, or `n/a (n=0)` when nothing was measured."""
        if self.mean is None:
            return f"n/a (n={self.n})"
        fmt = _percent if percent else _plain
        if self.low is None or self.high is None:
            return f"{fmt(self.mean)} (n={self.n})"
        return f"{fmt(self.mean)} [{fmt(self.low)}, {fmt(self.high)}] (n={self.n})"


def _plain(value: float) -> str:
    return f"{value:.3f}"


def _percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def bootstrap_mean(
    values: Sequence[float],
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence: float = CONFIDENCE,
) -> Estimate:
    """Mean of `values` with a percentile bootstrap interval (one value per case).

    With fewer than two values there is no interval; with identical values the interval is
    the value itself.
    """
    count = len(values)
    centre = mean(values)
    if centre is None or count < 2:
        return Estimate(centre, None, None, count)
    if min(values) == max(values):  # every resample has the same mean
        return Estimate(centre, centre, centre, count)
    rng = random.Random(seed)
    rounds = resamples_for(count, resamples)
    means = array("d")
    for _ in range(rounds):
        means.append(math.fsum(rng.choices(values, k=count)) / count)
    ordered = sorted(means)
    tail = (1.0 - confidence) / 2
    low = ordered[_index(tail, rounds)]
    high = ordered[_index(1.0 - tail, rounds)]
    return Estimate(centre, min(low, centre), max(high, centre), count)


def resamples_for(count: int, wanted: int = DEFAULT_RESAMPLES) -> int:
    """Resamples to draw for `count` cases: `wanted`, reduced for very large evaluations so
    that one interval costs at most `DRAW_BUDGET` draws (never fewer than `MIN_RESAMPLES`)."""
    return max(MIN_RESAMPLES, min(wanted, DRAW_BUDGET // max(count, 1)))


def _index(quantile: float, size: int) -> int:
    return min(size - 1, max(0, round(quantile * (size - 1))))


def percentile(values: Sequence[float], quantile: float) -> float | None:
    """Nearest-rank percentile (`quantile` in 0..1) of `values`."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[_index(quantile, len(ordered))]


@dataclass(frozen=True)
class PairedTally:
    """How paired values compare: B better, worse or equal to A."""

    wins: int = 0
    losses: int = 0
    ties: int = 0

    def add(self, difference: float, *, tolerance: float = 1e-9) -> PairedTally:
        if difference > tolerance:
            return PairedTally(self.wins + 1, self.losses, self.ties)
        if difference < -tolerance:
            return PairedTally(self.wins, self.losses + 1, self.ties)
        return PairedTally(self.wins, self.losses, self.ties + 1)

    def to_dict(self) -> dict[str, int]:
        return {"wins": self.wins, "losses": self.losses, "ties": self.ties}


class CaseMeans:
    """Per-case running means kept in flat arrays (16 bytes a case), for bootstrapping later.

    Cases are addressed by a dense integer index; repeats (epochs) of one case are averaged.
    """

    def __init__(self) -> None:
        self._sums = array("d")
        self._counts = array("l")

    def add(self, index: int, value: float) -> None:
        if index >= len(self._sums):
            grow = index + 1 - len(self._sums)
            self._sums.extend([0.0] * grow)
            self._counts.extend([0] * grow)
        self._sums[index] += value
        self._counts[index] += 1

    def values(self) -> array[float]:
        """The mean of every case that has at least one value, in index order."""
        out = array("d")
        for total, count in zip(self._sums, self._counts, strict=True):
            if count:
                out.append(total / count)
        return out

    def estimate(self, *, seed: int = DEFAULT_SEED) -> Estimate:
        return bootstrap_mean(self.values(), seed=seed)
