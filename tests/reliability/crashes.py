"""The crash suites: kill -9 of `net-skill eval` and `net-skill run` part-way, then finish.

Each trial runs the real command as its own process against the fake API (answers that depend
only on the request, a little latency so there is a middle to land in), kills it with SIGKILL
once a randomly chosen amount of work is on disk (plus a random delay), then runs
`eval --resume` or `resume` and compares the outcome with an uninterrupted run.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from net_skill.testing import FaultPlan, spawn_fake_api
from tests.reliability.common import (
    NET_SKILL,
    TODAY,
    process_env,
    read_records,
    run_process,
    situation,
    write_cases,
)

LATENCY_S = 0.03
"""Every answer of the fake API waits this long (a run then takes a second or so)."""


@dataclass
class KillFigures:
    name: str
    trials: int = 0
    kills: int = 0
    """Trials whose process was still running when it was killed."""
    recovered: int = 0
    """Kills after which the finishing command reproduced the uninterrupted result exactly."""
    torn_lines: int = 0
    """Kills that left a torn last line (then dropped or ended, and said so)."""
    failures: list[str] = field(default_factory=list)
    wall_s: float = 0.0

    def tally(self, trial: str, problems: list[str], *, killed: bool) -> None:
        if problems:
            self.failures.append(f"{trial}: {problems}")
        elif killed:
            self.recovered += 1


def _count_lines(path: Path, needle: bytes = b"") -> int:
    try:
        data = path.read_bytes()
    except OSError:
        return 0
    return sum(1 for line in data.splitlines() if needle in line)


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*NET_SKILL, *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )


def _kill_when(
    process: subprocess.Popen[bytes], ready: Any, rng: random.Random, deadline_s: float = 60.0
) -> bool:
    """SIGKILL `process` once `ready()` is true, after a random delay; False if it ended first."""
    end = time.monotonic() + deadline_s
    while not ready() and process.poll() is None and time.monotonic() < end:
        time.sleep(0.002)
    time.sleep(rng.uniform(0.0, 0.04))
    if process.poll() is not None:
        return False
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return True


def _scores(results: Path) -> tuple[dict[tuple[str, int], float | None], list[str]]:
    records, broken = read_records(results)
    scores: dict[tuple[str, int], float | None] = {}
    problems = [f"{broken} broken line(s) kept"] if broken else []
    for record in records:
        key = (record["case_id"], int(record["epoch"]))
        if key in scores:
            problems.append(f"{key} written twice")
        scores[key] = record.get("overall") if record["status"] == "ok" else None
    return scores, problems


def eval_kills(folder: Path, *, trials: int = 10, cases: int = 12, seed: int = 0) -> KillFigures:
    """kill -9 of `net-skill eval` at random moments, then the same command with `--resume`."""
    figures = KillFigures("kill -9 of net-skill eval, then --resume")
    rng = random.Random(seed)
    path = write_cases(folder / "cases.jsonl", cases)
    epochs = 2
    total = cases * epochs
    started = time.perf_counter()
    with spawn_fake_api(FaultPlan(latency=LATENCY_S)) as api:
        env = process_env(api.url, folder / "data")

        def command(out: Path, *extra: str) -> list[str]:
            return [
                "eval", str(path), "--out", str(out), "--backend", "anthropic", "--no-judge",
                "--concurrency", "4", "--epochs", str(epochs), "--today", TODAY, *extra,
            ]  # fmt: skip

        reference_out = folder / "reference"
        done = run_process(command(reference_out), env)
        if done.returncode != 0:
            raise AssertionError(f"the uninterrupted eval failed: {done.stderr[-2000:]}")
        reference, problems = _scores(reference_out / "results.jsonl")
        assert len(reference) == total and not problems, problems
        for trial in range(trials):
            figures.trials += 1
            out = folder / f"trial-{trial:02d}"
            results = out / "results.jsonl"
            target = rng.randint(0, total - 2)
            process = _start(command(out), env)
            killed = _kill_when(process, lambda r=results, t=target: _count_lines(r) >= t, rng)
            figures.kills += killed
            torn = results.exists() and not results.read_bytes().endswith(b"\n")
            if torn and results.stat().st_size:
                figures.torn_lines += 1
            finish = run_process(command(out, "--resume"), env)
            got, problems = _scores(results)
            if finish.returncode != 0:
                problems.append(f"--resume exited {finish.returncode}: {finish.stderr[-500:]}")
            if torn and results.stat().st_size and "dropped" not in finish.stderr:
                problems.append("a torn line was not reported")
            if got != reference:
                missing = sorted(set(reference) - set(got))[:3]
                changed = [k for k in reference if k in got and got[k] != reference[k]][:3]
                problems.append(f"results differ: missing {missing}, changed {changed}")
            figures.tally(f"trial {trial} (after {target} results)", problems, killed=killed)
    figures.wall_s = time.perf_counter() - started
    return figures


def _events(run_dir: Path) -> list[dict[str, Any]]:
    events = []
    for line in (run_dir / "events.jsonl").read_bytes().splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            continue
    return events


def run_kills(folder: Path, *, trials: int = 5, seed: int = 1) -> KillFigures:
    """kill -9 of `net-skill run` in the middle of the chain, then `net-skill resume`."""
    figures = KillFigures("kill -9 of net-skill run, then net-skill resume")
    rng = random.Random(seed)
    text = situation(7)
    started = time.perf_counter()
    with spawn_fake_api(FaultPlan(latency=LATENCY_S * 4)) as api:
        env = process_env(api.url, folder / "data")

        def command(out: Path) -> list[str]:
            return ["run", text, "--backend", "anthropic", "--output", str(out), "--today", TODAY]

        reference_out = folder / "reference"
        done = run_process([*command(reference_out), "--json"], env)
        if done.returncode != 0:
            raise AssertionError(f"the uninterrupted run failed: {done.stderr[-2000:]}")
        reference = json.loads(done.stdout)
        steps = len(
            [e for e in _events(next(reference_out.iterdir())) if e["type"] == "step_finished"]
        )
        for trial in range(trials):
            figures.trials += 1
            out = folder / f"trial-{trial:02d}"
            target = rng.randint(0, steps - 1)

            def ready(out: Path = out, target: int = target) -> bool:
                folders = list(out.glob("*/events.jsonl"))
                return bool(folders) and _count_lines(folders[0], b'"step_finished"') >= target

            process = _start(command(out), env)
            killed = _kill_when(process, ready, rng)
            figures.kills += killed
            problems = _check_resume(out, env, reference, killed)
            figures.tally(f"trial {trial} (after {target} steps)", problems, killed=killed)
    figures.wall_s = time.perf_counter() - started
    return figures


def _check_resume(
    out: Path, env: dict[str, str], reference: dict[str, Any], killed: bool
) -> list[str]:
    folders = [p for p in out.iterdir() if p.is_dir()] if out.exists() else []
    if len(folders) != 1:
        return [f"{len(folders)} run folders"]
    run_dir = folders[0]
    before = _events(run_dir)
    finished = {e["step"] for e in before if e["type"] == "step_finished"}
    finish = run_process(["resume", str(run_dir), "--json"], env)
    if finish.returncode != 0:
        return [f"resume exited {finish.returncode}: {finish.stderr[-500:]}"]
    problems = []
    if json.loads(finish.stdout) != reference:
        problems.append("the resumed plan differs from the uninterrupted one")
    after = _events(run_dir)[len(before) :]
    rerun = {e["step"] for e in after if e["type"] == "step_started"}
    resumed = next((e for e in after if e["type"] == "run_resumed"), None)
    if resumed is None or set(resumed["restored_steps"]) != finished:
        problems.append(f"restored {resumed and resumed['restored_steps']}, finished {finished}")
    expected = set(range(1, 9)) - finished
    if rerun != expected:
        problems.append(f"resume ran steps {sorted(rerun)}, not the missing {sorted(expected)}")
    if not killed:
        problems.append("the run ended before it could be killed")
    return problems
