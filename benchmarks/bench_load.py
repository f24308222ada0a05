"""Time loading the bundled skill.md (target: under 5 ms median per load).

    python benchmarks/bench_load.py [--runs N]

Prints the median and 90th percentile of:
- `load_skill(skill.md)` with the parse cache emptied before every call: read, decode,
  frontmatter, markdown parse and structure (the cost of a file seen for the first time);
- `load_skill(skill.md)` again on the unchanged file (read, decode, cache hit);
- the markdown-it-pyrs block parse of the body alone (the loader's parser, as it is configured);
- `skill_text_with_arguments` (the runner's prompt prefix).
The target (5 ms) is checked against the first line, the cold load.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import warnings
from collections.abc import Callable

from net_skill._markdown import MD
from net_skill._resources import bundled_skill_path
from net_skill.loader import SkillWarning, _parse_cached, load_skill, skill_text_with_arguments

TARGET_MS = 5.0


def timed(func: Callable[[], object], runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per call (CPU time is steadier on a shared machine)."""
    for _ in range(min(20, runs)):  # warm up imports and caches
        func()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        func()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return wall, cpu


def report(label: str, samples: tuple[list[float], list[float]]) -> float:
    wall, cpu = samples
    median = statistics.median(wall)
    p90 = statistics.quantiles(wall, n=10)[-1]
    print(
        f"{label:<40} median {median:7.3f} ms   p90 {p90:7.3f} ms   "
        f"cpu median {statistics.median(cpu):7.3f} ms   (n={len(wall)})"
    )
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=500)
    runs = parser.parse_args().runs
    warnings.simplefilter("ignore", SkillWarning)
    path = bundled_skill_path()
    text = path.read_text(encoding="utf-8")
    skill = load_skill(path)
    body = skill.body

    print(f"python {platform.python_version()} on {platform.machine()}; {path} ({len(text)} chars)")
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cpus")
    # A machine yardstick, to compare numbers taken on different or busy machines.
    report("yardstick: sum(range(10**6))", timed(lambda: sum(range(10**6)), max(20, runs // 10)))

    def cold_load() -> None:
        _parse_cached.cache_clear()
        load_skill(path)

    load_ms = report("load_skill(skill.md), cold", timed(cold_load, runs))
    report("load_skill(skill.md), unchanged file", timed(lambda: load_skill(path), runs))
    report("markdown-it-pyrs block parse of body", timed(lambda: MD.tree(body), runs))
    report(
        "skill_text_with_arguments (cached)",
        timed(lambda: skill_text_with_arguments(skill, "I am a data engineer"), runs),
    )
    verdict = "meets" if load_ms < TARGET_MS else "MISSES"
    print(f"cold load_skill median {load_ms:.3f} ms {verdict} the {TARGET_MS:.0f} ms target")


if __name__ == "__main__":
    main()
