"""The batch harness on FakeBackend: scoring, errors, resume, cache, epochs, baseline, reports."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from net_skill.backends.base import CompletionRequest
from net_skill.backends.fake import FakeBackend, minimal_instance
from net_skill.errors import BackendError, InputError
from net_skill.eval import pool
from net_skill.eval.cases import EvalCase, load_cases
from net_skill.eval.criteria import criteria_for
from net_skill.eval.harness import run_eval
from net_skill.eval.results import iter_results
from net_skill.eval.stats import CaseMeans, bootstrap_mean
from net_skill.loader import load_bundled_skill

TODAY = date(2025, 3, 3)
CASES = [
    EvalCase("teacher", "I teach maths and I am moving into UX research in Toronto."),
    EvalCase("nurse", "ICU nurse moving into clinical informatics at a health-tech startup."),
    EvalCase("lawyer", "M&A lawyer moving into tech policy at a think tank in Washington DC."),
    EvalCase("chef", "Head chef who wants to open a catering business in Lisbon."),
    EvalCase("analyst", "Data analyst moving into product management at a fintech."),
]


def criterion_ids() -> list[str]:
    return [c.id for c in criteria_for(load_bundled_skill())]


def judge_backend(verdict: str = "met", evidence: str = "quoted text") -> FakeBackend:
    report = {
        "verdicts": [
            {"criterion_id": cid, "evidence": evidence, "reasoning": "Because.", "verdict": verdict}
            for cid in criterion_ids()
        ]
    }
    return FakeBackend({"judge": report}, model="fake-judge")


def read(out: Path) -> list[dict[str, Any]]:
    return [record for _offset, record in iter_results(out / "results.jsonl")]


def keys(records: list[dict[str, Any]]) -> list[tuple[str, int, str]]:
    return sorted((r["case_id"], r["epoch"], r["variant"]) for r in records)


async def test_whole_harness_scores_every_case_and_writes_reports(tmp_path: Path) -> None:
    out = tmp_path / "out"
    judge = judge_backend()
    summary = await run_eval(
        CASES, backend=FakeBackend(), judge=judge, out_dir=out, concurrency=3, today=TODAY
    )
    records = read(out)
    assert keys(records) == sorted((c.id, 1, "chain") for c in CASES)
    assert all(r["status"] == "ok" for r in records)
    first = records[0]
    assert first["judging"]["model"] == "fake-judge"
    assert first["generation"]["usage"]["input_tokens"] > 0
    assert {c["criterion_id"] for c in first["score"]["criteria"]} == set(criterion_ids())
    verdicts = [c["judge_verdict"]["verdict"] for c in first["score"]["criteria"]]
    assert verdicts == ["met"] * len(criterion_ids())
    chain = summary.report.variants["chain"]
    assert chain.results == 5 and chain.errors == 0
    assert chain.score.n == 5 and chain.plans_passed.n == 5
    assert summary.score == pytest.approx(
        sum(r["overall"] for r in records) / len(records),
        abs=1e-4,  # overall: 4 digits
    )
    assert summary.plans_passed == pytest.approx(
        sum(r["score"]["passed"] for r in records) / len(records), abs=1e-6
    )
    assert chain.judges == ["fake:fake-judge"]
    for name in ("report.json", "report.md", "report.html", "manifest.json"):
        assert (out / name).is_file(), name
    assert json.loads((out / "report.json").read_text())["variants"]["chain"]["ok"] == 5
    assert summary.generated == 5 and summary.cache_hits == 0
    assert len(judge.calls) == 5


async def test_failing_case_is_an_error_record_not_a_zero(tmp_path: Path) -> None:
    def responder(request: CompletionRequest) -> Any:
        if "Lisbon" in request.system:
            return BackendError("upstream exploded", status_code=500)
        return minimal_instance(request.schema)

    out = tmp_path / "out"
    summary = await run_eval(
        CASES, backend=FakeBackend(responder=responder), out_dir=out, today=TODAY
    )
    records = {r["case_id"]: r for r in read(out)}
    assert len(records) == 5
    failed = records["chef"]
    assert failed["status"] == "error" and failed["overall"] is None
    assert failed["error"]["stage"] == "generate"
    assert "upstream exploded" in failed["error"]["message"]
    chain = summary.report.variants["chain"]
    assert chain.errors == 1 and chain.score.n == 4
    scored = [r["overall"] for r in records.values() if r["status"] == "ok"]
    assert summary.score == pytest.approx(sum(scored) / 4, abs=1e-4)
    assert "upstream exploded" in (out / "report.md").read_text()


async def test_interrupted_run_resumes_without_losing_or_duplicating(tmp_path: Path) -> None:
    out = tmp_path / "out"
    many = [
        EvalCase(f"case-{n:02d}", f"Engineer number {n} moving into management.") for n in range(12)
    ]
    first = FakeBackend(latency=0.002)
    task = asyncio.create_task(
        run_eval(many, backend=first, out_dir=out, concurrency=2, epochs=2, today=TODAY)
    )
    for _ in range(2000):
        await asyncio.sleep(0.005)
        if len(read(out)) >= 5:
            break
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    done_before = {(r["case_id"], r["epoch"]) for r in read(out)}
    assert 5 <= len(done_before) < 24
    with (out / "results.jsonl").open("a") as stream:  # an interrupted write
        stream.write('{"case_id": "case-11", "epoch": 2, "varia')
    second = FakeBackend()
    summary = await run_eval(
        many, backend=second, out_dir=out, concurrency=4, epochs=2, resume=True, today=TODAY
    )
    records = read(out)
    assert keys(records) == sorted((c.id, e, "chain") for c in many for e in (1, 2))
    assert summary.skipped == len(done_before)
    assert summary.written == 24 - len(done_before)
    assert summary.report.broken_lines == 0  # the truncated line was dropped on resume
    # finished cases were not generated again (in-flight ones may come from the cache)
    assert summary.generated <= 24 - len(done_before)
    assert len(second.calls) == 8 * summary.generated


async def test_resume_retries_errors_once_and_refuses_changed_cases(tmp_path: Path) -> None:
    out = tmp_path / "out"
    broken = FakeBackend(responder=lambda request: BackendError("down", status_code=503))
    await run_eval(CASES[:2], backend=broken, out_dir=out, today=TODAY)
    assert [r["status"] for r in read(out)] == ["error", "error"]
    await run_eval(CASES[:2], backend=FakeBackend(), out_dir=out, resume=True, today=TODAY)
    records = read(out)
    assert [r["status"] for r in records] == ["ok", "ok"]
    with pytest.raises(InputError, match="the cases changed"):
        await run_eval(CASES, backend=FakeBackend(), out_dir=out, resume=True, today=TODAY)


async def test_rescore_rejudges_cached_plans_without_generating(tmp_path: Path) -> None:
    out = tmp_path / "out"
    await run_eval(
        CASES, backend=FakeBackend(), judge=judge_backend("met"), out_dir=out, today=TODAY
    )
    generator = FakeBackend()
    new_judge = judge_backend("not_met")
    summary = await run_eval(
        CASES, backend=generator, judge=new_judge, out_dir=out, rescore=True, today=TODAY
    )
    assert generator.calls == []
    assert len(new_judge.calls) == len(CASES)
    assert summary.cache_hits == len(CASES) and summary.generated == 0
    records = read(out)
    assert all(r["generation"]["cache_hit"] for r in records)
    assert all(r["score"]["passed_count"] == 0 for r in records)
    assert (out / "results.previous.jsonl").is_file()


async def test_rescore_without_cache_records_a_clear_error(tmp_path: Path) -> None:
    generator = FakeBackend()
    summary = await run_eval(
        CASES[:1], backend=generator, out_dir=tmp_path / "o", rescore=True, today=TODAY
    )
    assert generator.calls == []
    [record] = read(tmp_path / "o")
    assert record["error"]["type"] == "CacheMiss"
    assert summary.errors == 1


async def test_epochs_are_separate_samples_not_cache_replays(tmp_path: Path) -> None:
    generator = FakeBackend()
    summary = await run_eval(
        CASES[:2], backend=generator, out_dir=tmp_path / "o", epochs=3, today=TODAY
    )
    records = read(tmp_path / "o")
    assert len(records) == 6
    assert len({r["generation"]["key"] for r in records}) == 6
    assert summary.generated == 6 and len(generator.calls) == 6 * 8
    assert summary.report.variants["chain"].score.n == 2  # bootstrap over cases


async def test_rate_limit_backs_off_and_retries_the_case(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pool, "RATE_LIMIT_PAUSE_S", 0.01)
    state = {"limited": 0}

    def responder(request: CompletionRequest) -> Any:
        if "Toronto" in request.system and state["limited"] < 2:
            state["limited"] += 1
            return BackendError("rate limited", status_code=429)
        return minimal_instance(request.schema)

    concurrency_seen: list[int] = []
    summary = await run_eval(
        CASES,
        backend=FakeBackend(responder=responder),
        out_dir=tmp_path / "o",
        concurrency=4,
        today=TODAY,
        on_progress=lambda event: concurrency_seen.append(event.concurrency),
    )
    assert state["limited"] == 2
    assert summary.errors == 0
    assert keys(read(tmp_path / "o")) == sorted((c.id, 1, "chain") for c in CASES)
    assert min(concurrency_seen) < 4


async def test_single_prompt_baseline_is_paired_with_the_chain(tmp_path: Path) -> None:
    generator = FakeBackend()
    summary = await run_eval(
        CASES[:3],
        backend=generator,
        out_dir=tmp_path / "o",
        baseline="single-prompt",
        today=TODAY,
    )
    records = read(tmp_path / "o")
    assert keys(records) == sorted(
        (c.id, 1, v) for c in CASES[:3] for v in ("chain", "single-prompt")
    )
    single_calls = [c for c in generator.calls if c.tag == "single-prompt"]
    assert len(single_calls) == 3
    assert "<situation>" in single_calls[0].system and "Step 8" in single_calls[0].system
    comparison = summary.report.comparison
    assert comparison is not None
    assert comparison.a == "single-prompt" and comparison.b == "chain"
    assert comparison.paired == 3
    assert "Chain versus single prompt" in (tmp_path / "o" / "report.md").read_text()


async def test_report_html_escapes_model_and_user_text(tmp_path: Path) -> None:
    hostile = EvalCase("x<script>", "I am a designer <script>alert('situation')</script> in Oslo.")
    judge = judge_backend("not_met", evidence="<script>alert('judge')</script>")
    await run_eval(
        [hostile], backend=FakeBackend(), judge=judge, out_dir=tmp_path / "o", today=TODAY
    )
    page = (tmp_path / "o" / "report.html").read_text()
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#x27;judge&#x27;)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(&#x27;situation&#x27;)" in page
    assert "<details>" in page and "http" not in page.split("<body>")[0]


def test_load_cases_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text('{"id": "a", "situation": "x"}\n\n{"id": "a", "situation": "y"}\n')
    with pytest.raises(InputError, match=r"cases.jsonl:3: duplicate case id 'a'"):
        load_cases(path)
    path.write_text('{"id": "a", "situation": "x"}\n{"situation": "y"}\n')
    with pytest.raises(InputError, match=r"cases.jsonl:2: missing \"id\""):
        load_cases(path)
    path.write_text('{"id": "a", "situation": "x"}\n{oops\n')
    with pytest.raises(InputError, match=r"cases.jsonl:2: not valid JSON"):
        load_cases(path)
    path.write_text('{"id": "a", "situation": "   "}\n')
    with pytest.raises(InputError, match=r"cases.jsonl:1: case 'a': the situation is empty"):
        load_cases(path)


def test_bundled_cases_load() -> None:
    cases = load_cases(Path(__file__).resolve().parents[1] / "evals" / "cases.jsonl")
    assert len(cases) >= 30 and len({c.id for c in cases}) == len(cases)


def test_bootstrap_is_deterministic_and_brackets_the_mean() -> None:
    values = [0.2, 0.9, 0.5, 0.7, 1.0, 0.4, 0.6, 0.8]
    first, second = bootstrap_mean(values), bootstrap_mean(values)
    assert first == second
    assert first.low is not None and first.high is not None and first.mean is not None
    assert first.low < first.mean < first.high
    assert first.low >= 0.2 and first.high <= 1.0
    assert bootstrap_mean([0.5]).low is None
    means = CaseMeans()
    for index, value in [(0, 1.0), (0, 0.0), (2, 1.0)]:
        means.add(index, value)
    assert list(means.values()) == [0.5, 1.0]
