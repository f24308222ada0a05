"""`net-skill eval --batch` against the fake Message Batches endpoint: memory, submissions, kill -9.

    python benchmarks/bench_batch_eval.py [--sizes 1000 10000] [--kill-cases 20] [--tracemalloc]

Each size runs in its own process against the fake API (`python -m net_skill.testing`, its own
process too, so the server does not share the client's interpreter lock), with cases streamed
from a JSONL file, no judge (checks only), batches of at most 1,000 requests. Printed per size:
the peak RSS of the evaluating process (ru_maxrss: interpreter and libraries included), the
tracemalloc peak with `--tracemalloc`, the batches created, and the requests submitted per
case, counted by the fake server (distinct `custom_id`s, resubmitted ones, identical bodies sent
twice). Then the kill test: `net-skill eval --batch` in a subprocess is killed with SIGKILL once
two batches are recorded, rerun with `--resume`, and compared with an uninterrupted run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

from net_skill.testing.batches import BatchPlan
from net_skill.testing.fakeapi import spawn_fake_api

MODEL = "claude-haiku-4-5"
TODAY = "2025-03-03"


def write_cases(path: Path, count: int) -> Path:
    with path.open("w") as stream:
        for n in range(count):
            situation = f"Engineer number {n} moving into product management in Oslo."
            stream.write(json.dumps({"id": f"case-{n:06d}", "situation": situation}) + "\n")
    return path


def child(cases: int, url: str, trace: bool) -> None:
    from net_skill.backends.anthropic import AnthropicBackend
    from net_skill.eval.batch import BatchOptions
    from net_skill.eval.harness import run_eval

    folder = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    path = write_cases(folder / "cases.jsonl", cases)
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    backend = AnthropicBackend(MODEL, api_key="sk-ant-fake", base_url=url)
    summary = asyncio.run(
        run_eval(
            path,
            backend=backend,
            out_dir=folder / "out",
            today=date.fromisoformat(TODAY),
            batch=BatchOptions(poll_interval_s=0.05, max_requests_per_batch=1000),
        )
    )
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    row = {
        "cases": cases,
        "written": summary.written,
        "errors": summary.errors,
        "elapsed_s": round(elapsed, 1),
        "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "tracemalloc_peak": peak,
    }
    print(json.dumps(row))


def measure(cases: int, trace: bool) -> dict[str, object]:
    with spawn_fake_api(batches=BatchPlan(polls=1)) as api:
        command = [sys.executable, __file__, "--child", str(cases), "--url", api.url]
        if trace:
            command.append("--tracemalloc")
        out = subprocess.run(command, capture_output=True, text=True, check=True)
        row: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
        row["server"] = api.stats()["message_batches"]
    return row


def _cli(cases: Path, out: Path, url: str, *extra: str) -> list[str]:
    return [
        sys.executable, "-c", "from net_skill.cli import main; main()",
        "eval", str(cases), "--out", str(out), "--backend", "anthropic", "--model", MODEL,
        "--base-url", url, "--no-judge", "--batch", "--poll-interval", "0.05", "--today", TODAY,
        *extra,
    ]  # fmt: skip


def _batches(out: Path) -> int:
    try:
        with sqlite3.connect(out / "batches.sqlite3") as db:
            return int(db.execute("SELECT COUNT(*) FROM batches").fetchone()[0])
    except sqlite3.Error:
        return 0


def _results(out: Path) -> dict[str, object]:
    found = {}
    for line in (out / "results.jsonl").read_text().splitlines():
        record = json.loads(line)
        record.pop("latency_s"), record.pop("finished_at")
        if record.get("generation"):
            record["generation"].pop("elapsed_s")
        found[record["case_id"]] = record
    return found


def kill_and_resume(cases: int) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix="bench-batch-kill-"))
    path = write_cases(folder / "cases.jsonl", cases)
    env = {**os.environ, "ANTHROPIC_API_KEY": "sk-ant-fake"}
    plan = BatchPlan(processing_s=0.5)
    with spawn_fake_api(batches=plan) as api:
        subprocess.run(
            _cli(path, folder / "ref", api.url), env=env, check=True, capture_output=True
        )
        reference = api.stats()["message_batches"]
    out = folder / "killed"
    with spawn_fake_api(batches=plan) as api:
        process = subprocess.Popen(
            _cli(path, out, api.url), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        while process.poll() is None and _batches(out) < 2:
            time.sleep(0.02)
        killed_at = _batches(out)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        subprocess.run(
            _cli(path, out, api.url, "--resume"), env=env, check=True, capture_output=True
        )
        stats = api.stats()["message_batches"]
    return {
        "cases": cases,
        "killed_after_batches": killed_at,
        "batches": (stats["batches"], reference["batches"]),
        "requests_submitted": (stats["requests_submitted"], reference["requests_submitted"]),
        "resubmitted_custom_ids": stats["resubmitted_custom_ids"],
        "duplicate_bodies": stats["duplicate_bodies"],
        "results_equal": _results(out) == _results(folder / "ref"),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--kill-cases", type=int, default=20)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--child", type=int, default=None)
    parser.add_argument("--url", default="")
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.url, args.tracemalloc)
        return
    rows = []
    for size in args.sizes:
        row = measure(size, args.tracemalloc)
        rows.append(row)
        server = row["server"]
        assert isinstance(server, dict)
        traced = row["tracemalloc_peak"]
        traced_text = f", tracemalloc peak {int(traced) / 2**20:.1f} MiB" if traced else ""
        print(
            f"{size:>6} cases: peak RSS {int(str(row['max_rss_kib'])) / 1024:.1f} MiB{traced_text}"
            f"; {row['written']} results, {row['errors']} errors in {row['elapsed_s']} s; "
            f"{server['batches']} batches, {server['requests_submitted'] / size:.2f} requests "
            f"per case, {server['resubmitted_custom_ids']} resubmitted, "
            f"{server['duplicate_bodies']} identical bodies sent twice",
            flush=True,
        )
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        grown = (int(str(last["max_rss_kib"])) - int(str(first["max_rss_kib"]))) / 1024
        print(f"peak RSS growth from {args.sizes[0]} to {args.sizes[-1]} cases: {grown:+.1f} MiB")
    if args.kill_cases:
        result = kill_and_resume(args.kill_cases)
        print(
            f"kill -9 after {result['killed_after_batches']} batches, then --resume "
            f"({result['cases']} cases): batches {result['batches'][0]} (uninterrupted "
            f"{result['batches'][1]}), requests submitted {result['requests_submitted'][0]} "
            f"(uninterrupted {result['requests_submitted'][1]}), "
            f"{result['resubmitted_custom_ids']} resubmitted, "
            f"{result['duplicate_bodies']} identical bodies twice, results equal: "
            f"{result['results_equal']}"
        )


if __name__ == "__main__":
    main()
