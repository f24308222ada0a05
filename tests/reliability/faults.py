"""The fault suites: many cases through `net-skill eval` while the fake API misbehaves.

Each returns figures the tests assert on and `benchmarks/reliability.py` prints.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from unittest import mock

from net_skill.backends.retry import MAX_RETRY_DELAY
from net_skill.eval import pool
from net_skill.eval.cases import EvalCase
from net_skill.eval.harness import run_eval
from net_skill.testing import FaultPlan, spawn_fake_api
from tests.reliability.common import (
    FAKEAPI_BACKEND,
    TAG_PATTERN,
    TODAY,
    RecordingSleep,
    api_backend,
    fakeapi_backend_registered,
    invoke,
    read_records,
    situation,
    write_cases,
)


@dataclass
class FaultFigures:
    """What one fault suite measured."""

    name: str
    cases: int
    records: int
    lost: int
    duplicated: int
    broken_lines: int
    faults: int
    survived: int
    by_kind: dict[str, int]
    first_pass_errors: int
    final_errors: int
    not_retried: int
    unnamed_errors: list[str]
    tokens_recorded: int
    tokens_billed: int
    timeouts: int
    """Calls that ended at their deadline: the server may have billed an answer they dropped."""
    largest_bill: int
    max_wait_s: float
    wait_cap_s: float
    wall_s: float
    requests: int
    max_in_flight: int
    exit_code: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    lowest_concurrency: int | None = None


def _tokens(usage: Any) -> int:
    if not isinstance(usage, dict):
        return 0
    return int(usage.get("input_tokens", 0)) + int(usage.get("output_tokens", 0))


def recorded_tokens(records: list[dict[str, Any]]) -> int:
    """Every generation token a results file accounts for, failed attempts included."""
    total = 0
    for record in records:
        generation = record.get("generation") or {}
        if not generation.get("cache_hit"):
            total += _tokens(generation.get("usage"))
        for failure in [*(record.get("earlier_errors") or []), record.get("error") or {}]:
            total += _tokens(failure.get("usage"))
    return total


def figures_of(
    name: str,
    case_ids: list[str],
    results: Path,
    stats: dict[str, Any],
    *,
    waits: list[float],
    cap: float,
    wall: float,
    exit_code: int = 0,
) -> FaultFigures:
    records, broken = read_records(results)
    counts = Counter(r["case_id"] for r in records)
    ended = {case for case, n in counts.items() if n >= 1}
    by_tag: dict[str, int] = stats.get("faults_by_tag", {})
    errors = [r for r in records if r["status"] != "ok"]
    unnamed = [
        f"{r['case_id']}: {r['error']!r}"
        for r in errors
        if not (r.get("error") or {}).get("type") or len((r["error"] or {}).get("message", "")) < 10
    ]
    return FaultFigures(
        name=name,
        cases=len(case_ids),
        records=len(records),
        lost=len(set(case_ids) - ended),
        duplicated=sum(n - 1 for n in counts.values() if n > 1),
        broken_lines=broken,
        faults=int(stats["faulted"]),
        survived=sum(n for tag, n in by_tag.items() if counts.get(tag) == 1),
        by_kind=dict(stats["faults"]),
        first_pass_errors=sum(1 for r in records if r["status"] != "ok" or r.get("earlier_errors")),
        final_errors=len(errors),
        not_retried=sum(1 for r in errors if (r.get("error") or {}).get("not_retried")),
        unnamed_errors=unnamed,
        tokens_recorded=recorded_tokens(records),
        tokens_billed=int(stats["billed"]["input_tokens"]) + int(stats["billed"]["output_tokens"]),
        timeouts=sum(
            1
            for r in records
            for e in [*(r.get("earlier_errors") or []), r.get("error") or {}]
            if e.get("type") == "BackendTimeoutError"
        ),
        largest_bill=int(stats.get("largest_bill", 0)),
        max_wait_s=max(waits, default=0.0),
        wait_cap_s=cap,
        wall_s=wall,
        requests=int(stats["requests"]),
        max_in_flight=int(stats["max_in_flight"]),
        exit_code=exit_code,
        error_kinds=dict(Counter(str((r.get("error") or {}).get("type")) for r in errors)),
    )


def eval_under_faults(
    folder: Path,
    *,
    cases: int = 50,
    concurrency: int = 8,
    rate: float = 0.3,
    seed: int = 13,
    kinds: dict[str, float] | None = None,
    retry_errors: int = 2,
    timeout: float = 3.0,
    cap: float = 1.0,
    instant_waits: bool = False,
    dialect: str = "anthropic",
) -> FaultFigures:
    """`net-skill eval` (the real command, in this process) over `cases` cases while `rate` of
    the calls are faulted; the fake API runs as its own process. `instant_waits` records the
    retry policy's waits without waiting them (for a quick run)."""
    plan = FaultPlan(
        rate=rate,
        seed=seed,
        slow_seconds=timeout + 1.0,
        **({"kinds": kinds} if kinds else {}),
    )
    path = write_cases(folder / "cases.jsonl", cases)
    out = folder / "out"
    sleeps = RecordingSleep(instant=instant_waits)
    with spawn_fake_api(plan, tag_pattern=TAG_PATTERN) as api:
        settings = {"timeout": timeout, "max_retry_wait": cap, "sleep": sleeps}
        with fakeapi_backend_registered(api.url, dialect=dialect, **settings):
            started = time.perf_counter()
            outcome = invoke(
                [
                    "eval",
                    str(path),
                    "--out",
                    str(out),
                    "--backend",
                    FAKEAPI_BACKEND,
                    "--no-judge",
                    "--concurrency",
                    str(concurrency),
                    "--today",
                    TODAY,
                    "--retry-errors",
                    str(retry_errors),
                ]
            )
            wall = time.perf_counter() - started
        stats = api.stats()
    if outcome.code != 0:
        raise AssertionError(f"eval exited {outcome.code}: {outcome.stderr[-2000:]}")
    ids = [f"case-{n:04d}" for n in range(cases)]
    return figures_of(
        f"eval ({dialect}), {cases} cases, concurrency {concurrency}, {rate:.0%} of calls faulted",
        ids,
        out / "results.jsonl",
        stats,
        waits=sleeps.waits,
        cap=max(cap, MAX_RETRY_DELAY),  # a server's retry-after is capped; backoff stops at 8 s
        wall=wall,
        exit_code=outcome.code,
    )


def burst_of_rate_limits(
    folder: Path,
    *,
    cases: int = 200,
    concurrency: int = 32,
    seed: int = 3,
    pause_scale: float = 0.1,
) -> FaultFigures:
    """`cases` cases at `concurrency` against a server that answers 429 to half the calls.

    The pool's pauses after a rate-limited case are scaled by `pause_scale` (5 s doubling to
    60 s would make the suite minutes longer and prove nothing more)."""
    plan = FaultPlan(rate=0.5, kinds={"rate_limit": 1.0}, seed=seed, retry_after=0.05)
    ids = [f"case-{n:04d}" for n in range(cases)]
    sleeps = RecordingSleep()
    out = folder / "burst"
    limits: list[int] = []
    with (
        spawn_fake_api(plan, tag_pattern=TAG_PATTERN) as api,
        mock.patch.object(pool, "RATE_LIMIT_PAUSE_S", pool.RATE_LIMIT_PAUSE_S * pause_scale),
        mock.patch.object(
            pool, "MAX_RATE_LIMIT_PAUSE_S", pool.MAX_RATE_LIMIT_PAUSE_S * pause_scale
        ),
    ):
        backend = api_backend(api.url, timeout=30.0, max_retry_wait=1.0, sleep=sleeps)

        async def main() -> None:
            try:
                await run_eval(
                    [EvalCase(case, situation(n)) for n, case in enumerate(ids)],
                    backend=backend,
                    out_dir=out,
                    concurrency=concurrency,
                    today=date.fromisoformat(TODAY),
                    on_progress=lambda progress: limits.append(progress.concurrency),
                )
            finally:
                await backend.aclose()

        started = time.perf_counter()
        asyncio.run(main())
        wall = time.perf_counter() - started
        stats = api.stats()
    figures = figures_of(
        f"burst, {cases} cases, concurrency {concurrency}, 429 to half the calls",
        ids,
        out / "results.jsonl",
        stats,
        waits=sleeps.waits,
        cap=max(1.0, MAX_RETRY_DELAY),
        wall=wall,
    )
    figures.lowest_concurrency = min(limits, default=concurrency)
    return figures
