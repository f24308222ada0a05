"""Faults under load: every case ends once, failed attempts' tokens counted, errors retried
within the command unless a retry cannot change them, waits capped.

The 50-case suite at 30% faults and the 200-case burst of 429s are `slow` (CI runs them); a
small version of the first runs every time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from net_skill import FakeBackend
from net_skill.backends.base import CompletionRequest
from net_skill.errors import BackendAuthError, BackendError, BackendTimeoutError, NoAnswerError
from net_skill.eval.cases import EvalCase
from net_skill.eval.harness import run_eval
from net_skill.testing import TRANSIENT_FAULTS
from net_skill.usage import Usage
from tests.reliability.faults import FaultFigures, burst_of_rate_limits, eval_under_faults

TODAY = "2026-11-25"


def assert_every_case_ended(figures: FaultFigures) -> None:
    assert figures.exit_code == 0
    assert figures.lost == 0, figures
    assert figures.duplicated == 0, figures
    assert figures.records == figures.cases
    assert figures.broken_lines == 0
    assert figures.faults > 0
    assert figures.survived == figures.faults
    assert figures.unnamed_errors == []
    # Every billed token is recorded, failed attempts included, except an answer the server
    # sent as a call reached its deadline (it bills, the client never reads it).
    unread = figures.tokens_billed - figures.tokens_recorded
    assert 0 <= unread <= figures.timeouts * figures.largest_bill, figures
    assert figures.max_wait_s <= figures.wait_cap_s
    assert figures.first_pass_errors >= figures.final_errors


@pytest.mark.parametrize("dialect", ["anthropic", "openai"])
def test_a_small_eval_under_faults(tmp_path: Path, dialect: str) -> None:
    """Every kind but `slow` (whose cost is the deadline itself), waits recorded, not waited;
    through the Anthropic backend, and the OpenAI-compatible one on the same fake API."""
    kinds = dict.fromkeys((k for k in TRANSIENT_FAULTS if k != "slow"), 1.0)
    figures = eval_under_faults(
        tmp_path,
        cases=8,
        concurrency=4,
        rate=0.3,
        seed=5,
        kinds=kinds,
        instant_waits=True,
        dialect=dialect,
    )
    assert_every_case_ended(figures)
    assert figures.wall_s < 60


@pytest.mark.slow
def test_fifty_cases_at_concurrency_8_with_30_percent_of_calls_faulted(tmp_path: Path) -> None:
    figures = eval_under_faults(tmp_path, cases=50, concurrency=8, rate=0.3)
    assert_every_case_ended(figures)
    assert figures.faults >= 200  # about 30% of roughly a thousand calls
    assert len(figures.by_kind) >= 12  # the mix reaches (almost) every kind
    assert figures.first_pass_errors > figures.final_errors  # --retry-errors recovered some
    assert figures.wall_s < 180


@pytest.mark.slow
def test_a_burst_of_200_cases_against_429_on_half_the_calls(tmp_path: Path) -> None:
    figures = burst_of_rate_limits(tmp_path, cases=200, concurrency=32)
    assert_every_case_ended(figures)
    assert figures.final_errors == 0
    assert set(figures.by_kind) == {"rate_limit"}
    assert 0.4 < figures.faults / figures.requests < 0.6
    assert figures.lowest_concurrency is not None and figures.lowest_concurrency < 32
    assert figures.wall_s < 400


# --------------------------------------------------------------------------- --retry-errors


def _cases(n: int) -> list[EvalCase]:
    return [
        EvalCase(f"c{i}", f"Nurse number {i} moving into health-tech product roles.")
        for i in range(n)
    ]


class Failing(FakeBackend):
    """Fails the first call of each case's run with `errors[case]` (one per pass, in order)."""

    def __init__(self, errors: dict[str, list[BaseException]]) -> None:
        super().__init__()
        self.errors = errors
        self.calls_by_case: dict[str, int] = {}

    async def complete(self, request: CompletionRequest) -> Any:
        case = next((c for c in self.errors if f"number {c[1:]} " in request.system), None)
        if case is not None and request.tag == "step-1":
            self.calls_by_case[case] = self.calls_by_case.get(case, 0) + 1
            if self.errors[case]:
                raise self.errors[case].pop(0)
        return await super().complete(request)


def _results(out: Path) -> dict[str, dict[str, Any]]:
    lines = (out / "results.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == len({r["case_id"] for r in records})
    return {r["case_id"]: r for r in records}


def refusal() -> NoAnswerError:
    return NoAnswerError("declined", stop_reason="refusal", usage=Usage(10, 5))


async def test_errors_are_retried_in_the_same_command_unless_they_cannot_change(
    tmp_path: Path,
) -> None:
    backend = Failing(
        {
            "c0": [BackendTimeoutError("timed out")],  # recovers on the second pass
            "c1": [BackendError("bad request", status_code=400)] * 3,  # never retried
            "c2": [BackendAuthError("key refused", status_code=401)] * 3,  # never retried
            "c3": [refusal(), refusal(), refusal()],  # refused twice: stop
            "c4": [BackendTimeoutError("t")] * 5,  # retried twice, still failing
        }
    )
    summary = await run_eval(_cases(6), backend=backend, out_dir=tmp_path, today=None)
    results = _results(tmp_path)
    assert results["c0"]["status"] == "ok"
    assert [e["type"] for e in results["c0"]["earlier_errors"]] == ["BackendTimeoutError"]
    assert results["c1"]["error"]["not_retried"] == "HTTP 400"
    assert results["c2"]["error"]["not_retried"] == "BackendAuthError"
    assert results["c3"]["error"]["not_retried"] == "refused twice"
    assert results["c4"]["status"] == "error" and len(results["c4"]["earlier_errors"]) == 2
    assert "not_retried" not in results["c4"]["error"]
    assert backend.calls_by_case == {"c0": 2, "c1": 1, "c2": 1, "c3": 2, "c4": 3}
    chain = summary.report.variants["chain"]
    assert (chain.first_pass_errors, chain.errors, chain.recovered) == (5, 4, 1)
    assert chain.not_retried == {"HTTP 400": 1, "BackendAuthError": 1, "refused twice": 1}
    assert "5 on the first pass, 1 recovered by retries" in (tmp_path / "report.md").read_text()
    # The refusals' tokens are counted although neither produced a plan.
    refused = [*results["c3"]["earlier_errors"], results["c3"]["error"]]
    assert [e["usage"]["input_tokens"] for e in refused] == [10, 10]


async def test_no_retry_with_retry_errors_0(tmp_path: Path) -> None:
    backend = Failing({"c0": [BackendTimeoutError("timed out")]})
    await run_eval(_cases(2), backend=backend, out_dir=tmp_path, retry_errors=0)
    assert _results(tmp_path)["c0"]["status"] == "error"
    assert backend.calls_by_case == {"c0": 1}


async def test_an_unplanned_exception_in_one_case_never_stops_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import net_skill.eval.harness as harness

    real = harness.score_plan

    async def broken(plan: Any, *args: Any, **kwargs: Any) -> Any:
        if "number 1 " in plan.situation:
            raise ZeroDivisionError("division by zero")
        return await real(plan, *args, **kwargs)

    monkeypatch.setattr(harness, "score_plan", broken)
    backend = FakeBackend()
    monkeypatch.setattr(backend, "_next_answer", _minimal_unless_case_2(backend))
    await run_eval(_cases(4), backend=backend, out_dir=tmp_path, retry_errors=0)
    results = _results(tmp_path)
    assert set(results) == {"c0", "c1", "c2", "c3"}
    assert results["c1"]["error"]["stage"] == "score"
    assert results["c1"]["error"]["message"] == "unexpected ZeroDivisionError: division by zero"
    assert results["c2"]["error"]["type"] == "UnexpectedError"
    assert "JSONDecodeError" in results["c2"]["error"]["message"]
    assert results["c0"]["status"] == results["c3"]["status"] == "ok"


def _minimal_unless_case_2(backend: FakeBackend) -> Any:
    original = backend._next_answer

    async def answer(request: CompletionRequest) -> Any:
        if "number 2 " in request.system:
            json.loads("{")  # the kind of exception a malformed 200 body raised in the SDK
        return await original(request)

    return answer


def test_an_unplanned_exception_in_a_run_is_one_line_naming_the_folder(tmp_path: Path) -> None:
    from net_skill.backends import registry
    from net_skill.backends.registry import register_backend
    from tests.reliability.common import invoke

    def broken(request: CompletionRequest) -> Any:
        if request.tag == "step-4":
            raise KeyError("usage")  # what a body of an unforeseen shape once raised in the SDK
        return None

    def factory(options: Any) -> FakeBackend:
        backend = FakeBackend()
        original = backend._next_answer

        async def answer(request: CompletionRequest) -> Any:
            broken(request)
            return await original(request)

        backend._next_answer = answer  # type: ignore[method-assign]
        return backend

    register_backend("broken-test", summary="raises at step 4")(factory)
    try:
        runs = tmp_path / "runs"
        failed = invoke(["run", "I am a nurse moving into PM.", "--backend", "broken-test",
                         "--output", str(runs)])  # fmt: skip
    finally:
        registry._SPECS.pop("broken-test", None)
    assert failed.code == 1
    assert "Traceback" not in failed.stderr
    (run_dir,) = runs.iterdir()
    (error,) = [line for line in failed.stderr.splitlines() if line.startswith("error: ")]
    assert error.startswith("error: step 4: unexpected KeyError: 'usage'")
    text = " ".join(failed.stderr.split())
    assert f"`net-skill resume {run_dir}`" in text
    events = [json.loads(line) for line in (run_dir / "events.jsonl").read_text().splitlines()]
    failed_step = next(e for e in events if e["type"] == "step_failed")
    assert failed_step["error_type"] == "UnexpectedError" and failed_step["step"] == 4
    resumed = invoke(["resume", str(run_dir), "--backend", "fake", "--json"])
    assert resumed.code == 0, resumed.stderr
