"""Crashes and concurrency: folder locks, torn lines, and kill -9 then resume (the `slow` part)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path

import pytest

from net_skill import FakeBackend
from net_skill._lock import FolderBusyError, FolderLock
from net_skill.eval.cases import EvalCase
from net_skill.eval.harness import run_eval
from net_skill.records import RunRecorder
from net_skill.runner import run_skill
from tests.reliability.common import TODAY, invoke, read_records, write_cases
from tests.reliability.crashes import eval_kills, run_kills

CASES = [EvalCase(f"c{i}", f"Teacher number {i} moving into UX research.") for i in range(3)]


def eval_args(cases: Path, out: Path, *extra: str) -> list[str]:
    return ["eval", str(cases), "--out", str(out), "--backend", "fake", "--no-judge", *extra]


def test_a_second_eval_on_the_same_folder_refuses_and_says_so(tmp_path: Path) -> None:
    cases = write_cases(tmp_path / "cases.jsonl", 2)
    out = tmp_path / "out"
    out.mkdir()
    with FolderLock(out, what="net-skill eval"):
        refused = invoke(eval_args(cases, out))
    assert refused.code == 2
    (line,) = refused.stderr.strip().splitlines()
    assert line.startswith(f"error: {out} is in use by another net-skill eval (process ")
    assert "pass --wait" in line
    assert not (out / "results.jsonl").exists()


def test_with_wait_the_second_eval_waits_for_the_first(tmp_path: Path) -> None:
    cases = write_cases(tmp_path / "cases.jsonl", 2)
    out = tmp_path / "out"
    out.mkdir()
    lock = FolderLock(out, what="net-skill eval")
    lock.acquire()
    timer = threading.Timer(0.6, lock.release)
    timer.start()
    started = time.perf_counter()
    waited = invoke(eval_args(cases, out, "--wait"))
    timer.join()
    assert waited.code == 0, waited.stderr
    assert time.perf_counter() - started >= 0.5
    assert "net-skill: waiting: " in waited.stderr
    assert len(read_records(out / "results.jsonl")[0]) == 2


async def test_two_evaluations_at_once_in_one_process(tmp_path: Path) -> None:
    slow = FakeBackend(latency=0.05)
    first = asyncio.create_task(run_eval(CASES, backend=slow, out_dir=tmp_path))
    await asyncio.sleep(0.02)
    with pytest.raises(FolderBusyError, match="is in use by another net-skill eval"):
        await run_eval(CASES, backend=FakeBackend(), out_dir=tmp_path)
    summary = await first
    assert summary.written == 3
    again = await run_eval(CASES, backend=FakeBackend(), out_dir=tmp_path, resume=True)
    assert again.skipped == 3  # the lock was released when the first one ended


def test_a_torn_last_line_is_dropped_on_resume_and_said_so(tmp_path: Path) -> None:
    cases = write_cases(tmp_path / "cases.jsonl", 3)
    out = tmp_path / "out"
    assert invoke(eval_args(cases, out)).code == 0
    results = out / "results.jsonl"
    lines = results.read_bytes().splitlines(keepends=True)
    results.write_bytes(b"".join(lines[:2]) + lines[2][:57])  # a crash in the middle of a write
    (out / ".results-leftover.jsonl").write_text("from an interrupted compaction")
    resumed = invoke(eval_args(cases, out, "--resume"))
    assert resumed.code == 0, resumed.stderr
    assert "dropped 1 unreadable line(s) (a write cut short by a crash)" in resumed.stderr
    records, broken = read_records(results)
    assert broken == 0
    assert sorted(r["case_id"] for r in records) == ["case-0000", "case-0001", "case-0002"]
    assert "1 results written (2 already done" in resumed.stderr
    assert not (out / ".results-leftover.jsonl").exists()


def test_appending_after_a_torn_line_starts_a_line_of_its_own(tmp_path: Path) -> None:
    result = run_skill("I am a nurse moving into PM.", backend=FakeBackend(), output_dir=tmp_path)
    assert result.run_dir is not None
    events = result.run_dir / "events.jsonl"
    events.write_bytes(events.read_bytes() + b'{"type": "step_sta')
    recorder = RunRecorder.open(result.run_dir)
    recorder.lock()
    assert recorder.repaired_torn_line
    recorder.close()
    last = events.read_bytes().splitlines()[-1]
    assert last == b'{"type": "step_sta'  # kept as it was, ended, and skipped by readers


def test_resuming_a_run_folder_in_use_refuses(tmp_path: Path) -> None:
    result = run_skill("I am a nurse moving into PM.", backend=FakeBackend(), output_dir=tmp_path)
    assert result.run_dir is not None
    with FolderLock(result.run_dir, what="net-skill run or resume"):
        refused = invoke(["resume", str(result.run_dir), "--backend", "fake"])
    assert refused.code == 2
    assert "is in use by another net-skill run or resume" in refused.stderr
    assert invoke(["resume", str(result.run_dir), "--backend", "fake"]).code == 0


def test_the_manifest_is_never_half_written(tmp_path: Path) -> None:
    cases = write_cases(tmp_path / "cases.jsonl", 1)
    out = tmp_path / "out"
    assert invoke(eval_args(cases, out, "--today", TODAY)).code == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["today"] == TODAY
    assert not list(out.glob(".manifest.json-*"))


@pytest.mark.slow
def test_kill_9_of_eval_then_resume(tmp_path: Path) -> None:
    figures = eval_kills(tmp_path, trials=10)
    assert figures.failures == []
    assert figures.kills == figures.trials == 10
    assert figures.recovered == figures.kills


@pytest.mark.slow
def test_kill_9_of_run_then_resume(tmp_path: Path) -> None:
    figures = run_kills(tmp_path, trials=5)
    assert figures.failures == []
    assert figures.kills == figures.trials == 5
    assert figures.recovered == figures.kills
