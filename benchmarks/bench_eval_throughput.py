"""Batch throughput of `run_eval` on a FakeBackend with a fixed latency per call.

    python benchmarks/bench_eval_throughput.py [--latency 0.05] [--concurrency 32] [--cases 320]

The ideal rate is what the latency alone allows: the networking chain has four dependency
levels (1; 2+3; 4; 5-8), so one case needs at least 4 x latency, and `concurrency` cases run at
once: ideal = concurrency / (4 x latency) cases per second. Scoring runs the deterministic checks
(no judge). The measured rate also pays the CPU cost of rendering, validating and checking
every plan on one event loop; the script prints that cost (zero latency run) so a shortfall can
be read as CPU-bound or harness-bound.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from net_skill.backends.fake import FakeBackend
from net_skill.eval.cases import EvalCase
from net_skill.eval.harness import run_eval

CHAIN_LEVELS = 4


def make_cases(count: int) -> list[EvalCase]:
    return [
        EvalCase(f"case-{n:05d}", f"Engineer number {n} moving into product management in Oslo.")
        for n in range(count)
    ]


async def measure(cases: int, latency: float, concurrency: int) -> float:
    folder = Path(tempfile.mkdtemp(prefix="bench-eval-"))
    try:
        started = time.perf_counter()
        summary = await run_eval(
            make_cases(cases),
            backend=FakeBackend(latency=latency),
            judge=None,
            out_dir=folder,
            concurrency=concurrency,
            today=date(2025, 3, 3),
        )
        elapsed = time.perf_counter() - started
        if summary.errors:
            raise SystemExit(f"{summary.errors} cases errored; the benchmark is invalid")
        return elapsed
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per fake call")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--cases", type=int, default=320)
    args = parser.parse_args()
    cpu_cases = min(args.cases, 200)
    cpu = asyncio.run(measure(cpu_cases, 0.0, args.concurrency)) / cpu_cases
    elapsed = asyncio.run(measure(args.cases, args.latency, args.concurrency))
    rate = args.cases / elapsed
    ideal = args.concurrency / (CHAIN_LEVELS * args.latency) if args.latency else float("inf")
    cpu_bound = 1.0 / cpu
    print(
        f"cases {args.cases}, latency {args.latency * 1000:.0f} ms/call, "
        f"concurrency {args.concurrency}"
    )
    print(f"CPU per case (zero latency): {cpu * 1000:.1f} ms -> at most {cpu_bound:.1f} cases/s")
    print(f"measured: {rate:.1f} cases/s ({elapsed:.2f} s incl. reports)")
    print(f"ideal (latency only): {ideal:.1f} cases/s; measured/ideal = {rate / ideal:.1%}")
    bound = min(ideal, cpu_bound)
    print(f"ideal given CPU: {bound:.1f} cases/s; measured/that = {rate / bound:.1%}")


if __name__ == "__main__":
    main()
