"""`net-skill eval --batch`: the real SDK against the fake Message Batches endpoint on 127.0.0.1.

The fake (`net_skill.testing.batches`, part of the fake API) answers every request of a batch as
`POST /v1/messages` would, keeps a batch `in_progress` for its first retrieve, serves the
results as `.jsonl` in shuffled order, and injects errored / expired results on request.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from net_skill.backends.anthropic import AnthropicBackend
from net_skill.backends.pricing import batch_cost
from net_skill.cli import app
from net_skill.eval.batch import STATE_FILE, BatchOptions, BatchProgress, cancel_batches
from net_skill.eval.batch.client import BatchClient
from net_skill.eval.batch.state import BatchState, custom_id_for
from net_skill.eval.harness import run_eval
from net_skill.testing.batches import BatchPlan
from net_skill.testing.fakeapi import FakeApi, spawn_fake_api
from net_skill.usage import Usage

MODEL = "claude-haiku-4-5"
TODAY = date(2025, 3, 3)
CASES = [
    {"id": "teacher", "situation": "Maths teacher moving into UX research in Toronto."},
    {"id": "nurse", "situation": "ICU nurse moving into clinical informatics in Boston."},
    {"id": "chef", "situation": "Line cook who wants to open a bakery in Lyon next year."},
]
TIMING = ("latency_s", "finished_at")


@pytest.fixture
def cases_file(tmp_path: Path) -> Path:
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in CASES))
    return path


def backend_for(api: FakeApi) -> AnthropicBackend:
    return AnthropicBackend(MODEL, api_key="sk-ant-fake", base_url=api.url)


def records(out: Path) -> dict[tuple[str, int], dict[str, Any]]:
    found = {}
    for line in (out / "results.jsonl").read_text().splitlines():
        record = json.loads(line)
        for key in TIMING:
            record.pop(key)
        if record.get("generation"):
            record["generation"].pop("elapsed_s")
        found[(record["case_id"], record["epoch"])] = record
    return found


async def batch_eval(
    cases: Path, out: Path, backend: AnthropicBackend, **options: Any
) -> tuple[Any, list[BatchProgress]]:
    events: list[BatchProgress] = []
    extra = {k: options.pop(k) for k in list(options) if k in ("judge", "resume", "max_cost_usd")}
    summary = await run_eval(
        cases,
        backend=backend,
        judge=extra.pop("judge", None),
        out_dir=out,
        today=TODAY,
        batch=BatchOptions(poll_interval_s=0.01, on_progress=events.append, **options),
        **extra,
    )
    return summary, events


def submitted_levels(events: list[BatchProgress]) -> list[int]:
    return [e.level for e in events if e.status == "submitted"]


async def test_batch_eval_gives_the_normal_evaluation_at_half_price(
    cases_file: Path, tmp_path: Path
) -> None:
    with FakeApi() as api:
        backend = backend_for(api)
        normal = await run_eval(
            cases_file, backend=backend, judge=None, out_dir=tmp_path / "n", today=TODAY
        )
        summary, events = await batch_eval(cases_file, tmp_path / "b", backend)
        stats = api.stats()["message_batches"]
    assert summary.written == 3 and summary.errors == 0 and summary.stopped is None
    assert summary.score == normal.score and summary.plans_passed == normal.plans_passed
    plain, batched = records(tmp_path / "n"), records(tmp_path / "b")
    for key, record in plain.items():
        other = batched[key]
        assert other["score"] == record["score"]  # the same plans, scored the same way
        usage = Usage.from_dict(other["generation"]["usage"])
        assert other["generation"]["cost_usd"] == pytest.approx(batch_cost(MODEL, usage))
        assert not other["generation"]["cache_hit"]
    # One batch per dependency level, in order (1; 2, 3; 4; 5-8), then the re-asks that the
    # structured-answer inspection asks for, in later rounds.
    levels = submitted_levels(events)
    assert levels[:4] == [1, 2, 3, 4]
    first = [e for e in events if e.status == "submitted"][:4]
    assert [e.requests for e in first] == [3, 6, 3, 12]
    assert {e.level_name for e in first} >= {"level 1 (step 1)", "level 4 (steps 5, 6, 7, 8)"}
    assert stats["resubmitted_custom_ids"] == 0 and stats["duplicate_bodies"] == 0
    ended = [e for e in events if e.status == "ended"]
    assert all(e.processing == 0 and e.succeeded == e.requests for e in ended)
    assert any(e.status == "in_progress" and e.processing == e.requests for e in events)
    assert (tmp_path / "b" / "report.html").is_file() and (tmp_path / "b" / "report.md").is_file()


async def test_errored_and_expired_requests_go_out_again(cases_file: Path, tmp_path: Path) -> None:
    plan = BatchPlan(first_time={"teacher-e1-step-1": "errored", "nurse-e1-step-4": "expired"})
    with FakeApi(batches=plan) as api:
        summary, events = await batch_eval(cases_file, tmp_path / "b", backend_for(api))
        stats = api.stats()["message_batches"]
    assert summary.errors == 0 and summary.written == 3
    assert stats["resubmitted_custom_ids"] == 2  # exactly the two faulted requests
    errored = [e for e in events if e.status == "ended" and (e.errored or e.expired)]
    assert sum(e.errored for e in errored) == 1 and sum(e.expired for e in errored) == 1
    state = BatchState(tmp_path / "b")
    try:
        rows = {row.key: row for row in state.iter_requests()}
    finally:
        state.close()
    assert rows["teacher-e1-step-1-a1"].submissions == 2
    assert rows["nurse-e1-step-4-a1"].submissions == 2
    assert rows["chef-e1-step-1-a1"].submissions == 1


async def test_a_request_the_api_rejects_makes_that_case_an_error(
    cases_file: Path, tmp_path: Path
) -> None:
    plan = BatchPlan(first_time={"chef-e1-step-2": "invalid"})
    with FakeApi(batches=plan) as api:
        summary, _ = await batch_eval(cases_file, tmp_path / "b", backend_for(api))
        stats = api.stats()["message_batches"]
    assert summary.written == 3 and summary.errors == 1
    chef = records(tmp_path / "b")[("chef", 1)]
    assert chef["status"] == "error"
    assert "invalid_request_error" in chef["error"]["message"]
    assert "\n" not in chef["error"]["message"]
    assert stats["resubmitted_custom_ids"] == 0  # an error no resubmission can fix


async def test_requests_that_keep_failing_are_given_up_after_max_submissions(
    cases_file: Path, tmp_path: Path
) -> None:
    with FakeApi(batches=BatchPlan(errored=1.0)) as api:
        summary, _ = await batch_eval(
            cases_file, tmp_path / "b", backend_for(api), max_submissions=2
        )
        stats = api.stats()["message_batches"]
    assert summary.errors == 3
    assert stats["requests_submitted"] == 6  # three step-1 requests, twice each
    assert all(
        "submitted 2 times" in r["error"]["message"] for r in records(tmp_path / "b").values()
    )


async def test_long_case_ids_are_hashed_into_valid_custom_ids(tmp_path: Path) -> None:
    odd = "café owner / ünïcode " + "x" * 80
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps({"id": odd, "situation": "Barista opening a café in Porto."}) + "\n")
    with FakeApi() as api:
        summary, _ = await batch_eval(path, tmp_path / "b", backend_for(api))
    assert summary.written == 1 and summary.errors == 0
    state = BatchState(tmp_path / "b")
    try:
        rows = list(state.iter_requests())
    finally:
        state.close()
    assert rows and all(row.custom_id == custom_id_for(row.key) for row in rows)
    assert all(row.key.startswith(odd) and len(row.custom_id) <= 64 for row in rows)
    assert custom_id_for("teacher-e1-step-1-a1") == "teacher-e1-step-1-a1"


async def test_a_claude_judge_gets_its_own_batch_after_the_levels(
    cases_file: Path, tmp_path: Path
) -> None:
    with FakeApi() as api:
        judge = AnthropicBackend("claude-sonnet-5", api_key="sk-ant-fake", base_url=api.url)
        summary, events = await batch_eval(
            cases_file, tmp_path / "b", backend_for(api), judge=judge
        )
    judging = [e for e in events if e.level_name == "judging" and e.status == "submitted"]
    assert judging and judging[0].requests == 3
    assert max(submitted_levels(events)) == judging[0].level
    assert summary.written == 3
    for record in records(tmp_path / "b").values():
        if record["status"] == "ok":
            assert record["judging"]["model"] == "claude-sonnet-5"


async def test_max_cost_stops_new_submissions_and_resume_finishes(
    cases_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "b"
    with FakeApi() as api:
        backend = backend_for(api)
        summary, _ = await batch_eval(cases_file, out, backend, max_cost_usd=0.02)
        assert summary.stopped and "--max-cost" in summary.stopped and "--resume" in summary.stopped
        before = api.stats()["message_batches"]["requests_submitted"]
        assert before > 0
        summary, _ = await batch_eval(cases_file, out, backend, resume=True, max_cost_usd=5.0)
        stats = api.stats()["message_batches"]
    assert summary.stopped is None and summary.written + summary.skipped == 3
    assert stats["resubmitted_custom_ids"] == 0  # what was paid for is reused


async def test_unknown_price_is_refused_unless_allowed(cases_file: Path, tmp_path: Path) -> None:
    with FakeApi() as api:
        backend = AnthropicBackend("claude-unpriced", api_key="sk-ant-fake", base_url=api.url)
        with pytest.raises(Exception, match="unknown"):
            await batch_eval(cases_file, tmp_path / "b", backend, max_cost_usd=5.0)
        assert api.stats()["message_batches"]["requests_submitted"] == 0


async def test_cancel_then_resume_submits_the_canceled_requests_again(
    cases_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "b"
    with FakeApi(batches=BatchPlan(polls=10**6)) as api:
        backend = backend_for(api)
        task = asyncio.create_task(batch_eval(cases_file, out, backend, max_rounds=1))
        while not (out / STATE_FILE).is_file() or not _batch_ids(out):
            await asyncio.sleep(0.02)
        batch_id = _batch_ids(out)[0]
        canceled = await BatchClient(backend).cancel(batch_id)
        assert canceled.processing_status == "canceling"
        summary, events = await task
        assert summary.written == 0 and summary.stopped and "--resume" in summary.stopped
        assert any(e.status == "ended" and e.canceled == 3 for e in events)
        api.batches.plan = BatchPlan()  # batches end again
        summary, _ = await batch_eval(cases_file, out, backend, resume=True)
        stats = api.stats()["message_batches"]
    assert summary.written == 3 and summary.errors == 0
    assert stats["resubmitted_custom_ids"] == 3  # the three canceled step-1 requests
    assert await cancel_batches(out, backend) == []


def _batch_ids(out: Path) -> list[str]:
    """The batches the evaluation in `out` has recorded (none while it creates the file)."""
    try:
        with sqlite3.connect(out / STATE_FILE) as db:
            return [row[0] for row in db.execute("SELECT batch_id FROM batches ORDER BY rowid")]
    except sqlite3.OperationalError:
        return []


def test_batch_with_another_backend_is_one_line_error(cases_file: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "eval",
            str(cases_file),
            "--out",
            str(tmp_path / "o"),
            "--backend",
            "fake",
            "--no-judge",
            "--batch",
        ],
    )
    assert result.exit_code != 0
    assert "--batch needs the anthropic backend" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def _cli(cases: Path, out: Path, url: str, *extra: str) -> list[str]:
    return [
        sys.executable, "-c", "from net_skill.cli import main; main()",
        "eval", str(cases), "--out", str(out), "--backend", "anthropic", "--model", MODEL,
        "--base-url", url, "--no-judge", "--batch", "--poll-interval", "0.05",
        "--today", TODAY.isoformat(), *extra,
    ]  # fmt: skip


def test_kill_9_then_resume_submits_nothing_twice(cases_file: Path, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "ANTHROPIC_API_KEY": "sk-ant-fake",
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    slow = BatchPlan(processing_s=0.6)
    with spawn_fake_api(batches=slow) as reference:
        done = subprocess.run(
            _cli(cases_file, tmp_path / "ref", reference.url), env=env, capture_output=True,
            timeout=300, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr.decode()
        expected = reference.stats()["message_batches"]
    out = tmp_path / "killed"
    with spawn_fake_api(batches=slow) as api:
        process = subprocess.Popen(
            _cli(cases_file, out, api.url), env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if (out / STATE_FILE).is_file() and len(_batch_ids(out)) >= 2:
                break
            time.sleep(0.02)
        assert process.poll() is None, "the evaluation ended before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        assert api.stats()["message_batches"]["calls"]["create"] >= 2
        resumed = subprocess.run(
            _cli(cases_file, out, api.url, "--resume"), env=env, capture_output=True, timeout=300,
            check=False,
        )  # fmt: skip
        assert resumed.returncode == 0, resumed.stderr.decode()
        stats = api.stats()["message_batches"]
    assert stats["resubmitted_custom_ids"] == 0 and stats["duplicate_bodies"] == 0
    assert stats["requests_submitted"] == expected["requests_submitted"]
    assert stats["batches"] == expected["batches"]
    assert records(out) == records(tmp_path / "ref")
    ours = json.loads((out / "report.json").read_text())["variants"]["chain"]
    theirs = json.loads((tmp_path / "ref" / "report.json").read_text())["variants"]["chain"]
    for key in ("score", "plans_passed", "results", "errors"):
        assert ours[key] == theirs[key]
