"""Peak memory of `run_eval` for 1,000 versus 10,000 cases (target: flat).

    python benchmarks/bench_eval_memory.py [--sizes 1000 10000] [--no-tracemalloc]

Each size runs in its own process on a FakeBackend (no latency, no judge: checks only), with
cases streamed from a JSONL file. Printed per size: the process's peak RSS (ru_maxrss, which
includes the interpreter and imported libraries) and, unless disabled, the tracemalloc peak of
Python allocations made during the evaluation itself (slower: about 2x).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path


def child(cases: int, trace: bool) -> None:
    from net_skill.backends.fake import FakeBackend
    from net_skill.eval.harness import run_eval

    folder = Path(tempfile.mkdtemp(prefix="bench-mem-"))
    try:
        path = folder / "cases.jsonl"
        with path.open("w") as stream:
            for n in range(cases):
                situation = f"Engineer number {n} moving into product management in Oslo."
                stream.write(json.dumps({"id": f"case-{n:06d}", "situation": situation}) + "\n")
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        summary = asyncio.run(
            run_eval(
                path,
                backend=FakeBackend(record_calls=False),
                out_dir=folder / "out",
                concurrency=32,
                today=date(2025, 3, 3),
            )
        )
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if trace else None
        rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(
            json.dumps(
                {
                    "cases": cases,
                    "errors": summary.errors,
                    "elapsed_s": elapsed,
                    "tracemalloc_peak": peak,
                    "max_rss_kib": rss_kib,
                }
            )
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--no-tracemalloc", action="store_true")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, not args.no_tracemalloc)
        return
    rows = []
    for size in args.sizes:
        command = [sys.executable, __file__, "--child", str(size)]
        if args.no_tracemalloc:
            command.append("--no-tracemalloc")
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        row = json.loads(output.strip().splitlines()[-1])
        rows.append(row)
        traced = row["tracemalloc_peak"]
        traced_text = f"{traced / 2**20:.2f} MiB" if traced is not None else "not traced"
        print(
            f"{size:>7,} cases: {row['elapsed_s']:.0f} s, peak RSS "
            f"{row['max_rss_kib'] / 1024:.1f} MiB, tracemalloc peak {traced_text}, "
            f"errors {row['errors']}"
        )
    if len(rows) >= 2:
        first, last = rows[0], rows[-1]
        extra = last["cases"] - first["cases"]
        rss = (last["max_rss_kib"] - first["max_rss_kib"]) * 1024
        print(
            f"RSS growth: {rss / 2**20:+.2f} MiB for {extra:,} more cases "
            f"({rss / extra:+.0f} bytes a case)"
        )
        if first["tracemalloc_peak"] is not None:
            grown = last["tracemalloc_peak"] - first["tracemalloc_peak"]
            print(
                f"tracemalloc peak growth: {grown / 2**20:+.2f} MiB "
                f"({grown / extra:+.0f} bytes a case)"
            )


if __name__ == "__main__":
    main()
