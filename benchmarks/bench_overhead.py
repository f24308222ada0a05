"""Framework overhead of one eight-step run: a zero-latency FakeBackend answering valid outputs.

Everything but the model is measured: input checks, prompt rendering and fitting, validation,
scheduling, the plan, and (with records) events.jsonl, plan.json and plan.md.
Target: median under 50 ms per run.

    python benchmarks/bench_overhead.py [runs]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.test_runner_fakes import SITUATION, networking_responder

from net_skill.backends.fake import FakeBackend
from net_skill.loader import load_bundled_skill
from net_skill.runner import run_skill

TARGET_MS = 50.0


def measure(runs: int, *, record: bool) -> list[float]:
    skill = load_bundled_skill()
    timings: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(runs):
            backend = FakeBackend(responder=networking_responder())
            started = time.perf_counter()
            run_skill(
                SITUATION,
                skill=skill,
                backend=backend,
                today=date(2026, 1, 5),
                output_dir=folder,
                record=record,
            )
            timings.append((time.perf_counter() - started) * 1000)
            assert len(backend.calls) == 8
    return timings


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    measure(3, record=True)  # warm caches (schemas, templates, imports)
    for record in (False, True):
        timings = measure(runs, record=record)
        median = statistics.median(timings)
        verdict = "ok" if median < TARGET_MS else "OVER TARGET"
        print(
            f"records={'on ' if record else 'off'}  runs={runs}  median={median:.1f} ms  "
            f"p90={statistics.quantiles(timings, n=10)[-1]:.1f} ms  "
            f"min={min(timings):.1f} ms  target<{TARGET_MS:.0f} ms: {verdict}"
        )


if __name__ == "__main__":
    main()
