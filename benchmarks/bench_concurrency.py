"""Wall time of an eight-step run with a 200 ms-latency FakeBackend: concurrent vs one at a time.

The networking skill's dependency levels are 1 | 2,3 | 4 | 5,6,7,8, so a concurrent run takes
about 4 latencies and a sequential one 8: the ratio should be at most 0.55.

    python benchmarks/bench_concurrency.py [latency_seconds] [repeats]
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.test_runner_fakes import SITUATION, networking_responder

from net_skill.backends.fake import FakeBackend
from net_skill.loader import load_bundled_skill
from net_skill.runner import run_skill

TARGET_RATIO = 0.55


def wall_time(latency: float, max_concurrency: int | None) -> float:
    backend = FakeBackend(responder=networking_responder(), latency=latency)
    started = time.perf_counter()
    run_skill(
        SITUATION,
        skill=load_bundled_skill(),
        backend=backend,
        today=date(2026, 1, 5),
        record=False,
        max_concurrency=max_concurrency,
    )
    return time.perf_counter() - started


def main() -> None:
    latency = float(sys.argv[1]) if len(sys.argv) > 1 else 0.2
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    concurrent = statistics.median(wall_time(latency, None) for _ in range(repeats))
    sequential = statistics.median(wall_time(latency, 1) for _ in range(repeats))
    ratio = concurrent / sequential
    verdict = "ok" if ratio <= TARGET_RATIO else "OVER TARGET"
    print(f"latency={latency * 1000:.0f} ms per call, median of {repeats} runs")
    print(f"concurrent (dependency levels): {concurrent:.3f} s")
    print(f"sequential (max_concurrency=1): {sequential:.3f} s")
    print(f"ratio={ratio:.3f}  target<={TARGET_RATIO}: {verdict}")


if __name__ == "__main__":
    main()
