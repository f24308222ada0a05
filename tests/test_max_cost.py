"""`--max-cost`: no call starts that could take the spend past the cap (runs, resume, eval)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from net_skill import run_skill
from net_skill.backends.base import Completion, CompletionRequest, ModelPrice, Usage
from net_skill.backends.fake import FakeBackend
from net_skill.cli import app
from net_skill.errors import CostLimitError, NoAnswerError, RunAbortedError
from net_skill.eval.harness import run_eval
from net_skill.records import load_events
from net_skill.resume import resume_run
from net_skill.spend import CostGuard, CostLimit
from tests.fake_api import FakeApiServer, OpenAICompatible
from tests.test_eval_harness import CASES, TODAY, judge_backend, keys, read
from tests.test_runner_fakes import SITUATION, networking_responder

PRICE = ModelPrice(input=100.0, output=100.0, cache_read=10.0, cache_write=100.0)
"""$100 per million tokens: $0.0001 a token, so a step costs around a few cents."""


class PricedFake(FakeBackend):
    """A FakeBackend with a price, so its answers cost money."""

    def __init__(self, *args: Any, price: ModelPrice | None = PRICE, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.price = price

    def estimate_cost(self, usage: Usage) -> float | None:
        return self.price.cost(usage) if self.price is not None else None

    async def complete(self, request: CompletionRequest) -> Completion:
        completion = await super().complete(request)
        return dataclasses.replace(completion, cost_usd=self.estimate_cost(completion.usage))


def spent_in(run_dir: Path) -> float:
    from net_skill.events import spent

    cost = spent(load_events(run_dir)).cost_usd
    assert cost is not None
    return cost


def test_a_run_under_its_cap_finishes(tmp_path: Path) -> None:
    result = run_skill(
        SITUATION,
        backend=PricedFake(responder=networking_responder()),
        output_dir=tmp_path,
        max_cost_usd=10.0,
    )
    assert len(result.steps) == 8
    assert result.cost_usd is not None and 0 < result.cost_usd <= 10.0


def test_the_cap_stops_a_run_resumably_and_is_never_passed(tmp_path: Path) -> None:
    cap = 0.5
    backend = PricedFake(responder=networking_responder())
    with pytest.raises(RunAbortedError) as info:
        run_skill(
            SITUATION, backend=backend, output_dir=tmp_path, max_cost_usd=cap, max_concurrency=8
        )
    assert isinstance(info.value.cause, CostLimitError)
    assert "--max-cost $0.5 reached" in str(info.value)
    assert "net-skill resume" in str(info.value)
    run_dir = info.value.run_dir
    assert run_dir is not None
    assert 1 <= len(backend.calls) < 8
    assert spent_in(run_dir) <= cap  # reservations hold even with steps run concurrently

    again = PricedFake(responder=networking_responder())
    with pytest.raises(RunAbortedError):  # resume keeps the cap, and every session counts
        resume_run(run_dir, backend=again)
    assert again.calls == []
    finished = resume_run(
        run_dir, backend=PricedFake(responder=networking_responder()), max_cost_usd=100.0
    )
    assert len(finished.steps) == 8
    started = next(e for e in load_events(run_dir) if e.type == "run_started")
    assert started.max_cost_usd == cap


def test_an_unknown_price_is_refused_before_anything_runs(tmp_path: Path) -> None:
    backend = PricedFake(responder=networking_responder(), price=None)
    with pytest.raises(CostLimitError, match=r"price of the backend .* is unknown"):
        run_skill(SITUATION, backend=backend, output_dir=tmp_path, max_cost_usd=1.0)
    assert backend.calls == [] and not list(tmp_path.iterdir())  # no run folder either
    result = run_skill(
        SITUATION, backend=backend, record=False, max_cost_usd=1.0, allow_unknown_cost=True
    )
    assert len(result.steps) == 8 and result.cost_usd is None


def test_free_backends_run_under_a_zero_cap() -> None:
    result = run_skill(
        SITUATION,
        backend=FakeBackend(responder=networking_responder()),
        record=False,
        max_cost_usd=0.0,
    )
    assert result.cost_usd == 0.0


async def test_failed_attempts_and_no_answers_count() -> None:
    limit = CostLimit(10.0)
    request = CompletionRequest("system " * 100, (), {"type": "object"}, "X", max_tokens=10)
    no_answer = NoAnswerError("cut", stop_reason="max_tokens", usage=Usage(0, 10), cost_usd=0.25)
    guard = CostGuard(PricedFake(["not json", no_answer, RuntimeError("boom")]), limit)
    await guard.complete(request)  # an answer that will fail validation: still paid for
    after_first = limit.spent_usd
    assert after_first > 0
    with pytest.raises(NoAnswerError):
        await guard.complete(request)
    assert limit.spent_usd == pytest.approx(after_first + 0.25)
    with pytest.raises(RuntimeError):
        await guard.complete(request)  # failed before any answer: costs nothing
    assert limit.spent_usd == pytest.approx(after_first + 0.25)
    assert limit.reserved_usd == 0.0


async def test_the_worst_case_of_the_next_call_is_checked() -> None:
    limit = CostLimit(0.001)
    guard = CostGuard(PricedFake(), limit)
    request = CompletionRequest("", (), {"type": "object"}, "X", max_tokens=100)  # $0.01 worst
    with pytest.raises(CostLimitError, match=r"could cost up to \$0\.0100"):
        await guard.complete(request)
    assert limit.reached and limit.spent_usd == 0.0


async def test_eval_stops_at_the_cap_and_resume_finishes_once_each(tmp_path: Path) -> None:
    out = tmp_path / "out"
    judge = judge_backend()
    first = await run_eval(
        CASES,
        backend=PricedFake(),
        judge=judge,
        out_dir=out,
        concurrency=1,
        today=TODAY,
        max_cost_usd=6.0,
    )
    assert first.stopped is not None and "--resume and a higher --max-cost" in first.stopped
    done = read(out)
    assert 1 <= len(done) < len(CASES)
    assert all(r["status"] == "ok" for r in done)  # a case cut short is not an error record
    spent = sum(r["generation"]["cost_usd"] for r in done)
    assert spent <= 6.0
    second = await run_eval(
        CASES, backend=PricedFake(), judge=judge, out_dir=out, resume=True, today=TODAY
    )
    assert second.stopped is None
    assert keys(read(out)) == sorted((c.id, 1, "chain") for c in CASES)


async def test_eval_refuses_an_unpriced_judge(tmp_path: Path) -> None:
    judge = PricedFake(price=None, model="judge")
    with pytest.raises(CostLimitError, match="price of the judge"):
        await run_eval(CASES, backend=PricedFake(), judge=judge, out_dir=tmp_path, max_cost_usd=5.0)


def test_cli_refuses_an_unpriced_server_and_allows_it_on_request(tmp_path: Path) -> None:
    runner = CliRunner()
    with FakeApiServer(responder=OpenAICompatible()) as server:
        args = [
            "run",
            SITUATION,
            "--backend",
            "openai",
            "--base-url",
            server.base_url,
            "--model",
            "fake-model",
            "--max-cost",
            "1",
            "--output",
            str(tmp_path),
        ]
        refused = runner.invoke(app, args)
        assert refused.exit_code == 2, refused.output
        assert "is unknown" in refused.stderr and "--allow-unknown-cost" in refused.stderr
        assert server.requests == []
        allowed = runner.invoke(app, [*args, "--allow-unknown-cost", "--json"])
    assert allowed.exit_code == 0, allowed.stderr
    assert "cost unknown" in allowed.stderr
    assert json.loads(allowed.stdout)["skill_id"]


def test_the_guard_reads_as_the_backend_it_wraps() -> None:
    inner = PricedFake(model="priced", max_concurrency=3)
    guard = CostGuard(inner, CostLimit(1.0))
    for attribute in ("name", "model", "max_concurrency", "context_window", "prompt_style"):
        assert getattr(guard, attribute) == getattr(inner, attribute)
    assert guard.describe() == inner.describe()
