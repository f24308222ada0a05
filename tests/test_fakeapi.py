"""The fault-injecting fake API (`net_skill.testing`): a real HTTP server reached by the real SDK.

Every fault kind through `AnthropicBackend` and the anthropic SDK over loopback, the OpenAI
dialect, the seeded plan, the separate-process server, and a single `net-skill run` whose
backend keeps getting HTML pages: one line naming the run folder, then `resume` finishes it.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx2
import pytest

from net_skill.backends.base import CompletionRequest, Message
from net_skill.errors import BackendAuthError, BackendError, BackendTimeoutError, NoAnswerError
from net_skill.testing import (
    FAULT_KINDS,
    TRANSIENT_FAULTS,
    FakeApi,
    FaultPlan,
    FaultRule,
    spawn_fake_api,
)
from net_skill.testing.faults import request_key
from tests.reliability.common import (
    FAKEAPI_BACKEND,
    TODAY,
    RecordingSleep,
    api_backend,
    fakeapi_backend_registered,
    invoke,
    openai_backend,
)

SCHEMA = {
    "type": "object",
    "properties": {"answer": {"type": "string"}, "n": {"type": "integer"}},
    "required": ["answer", "n"],
    "additionalProperties": False,
}
REQUEST = CompletionRequest(
    system="You answer.",
    messages=(Message("user", "Say something."),),
    schema=SCHEMA,
    schema_name="Answer",
    max_tokens=256,
)
RETRIED = {"rate_limit", "rate_limit_absurd", "overloaded", "server_error", "unavailable"}
RETRIED |= {"reset", "truncated"}
MALFORMED = {"malformed_json", "html", "wrong_shape", "empty"}


async def _complete(api: FakeApi, timeout: float = 10.0) -> Any:
    backend = api_backend(
        api.url, timeout=timeout, max_retry_wait=0.3, sleep=RecordingSleep(instant=True)
    )
    try:
        return await backend.complete(REQUEST)
    finally:
        await backend.aclose()


def test_the_fault_kinds_are_all_covered_below() -> None:
    assert set(FAULT_KINDS) == RETRIED | MALFORMED | {
        "bad_request",
        "unauthorized",
        "max_tokens",
        "refusal",
        "slow",
    }


@pytest.mark.parametrize("kind", sorted(RETRIED))
async def test_transport_faults_are_retried_then_answered(kind: str) -> None:
    with FakeApi(FaultPlan(script=(kind,), absurd_retry_after=3600)) as api:
        completion = await _complete(api)
        answer = json.loads(completion.text)
        assert isinstance(answer["answer"], str) and answer["n"] == 0
        assert completion.extra["attempts"] == 2
        assert api.stats()["requests"] == 2
        assert api.stats()["faults"] == {kind: 1}


async def test_an_absurd_retry_after_is_capped() -> None:
    sleep = RecordingSleep(instant=True)
    with FakeApi(FaultPlan(script=("rate_limit_absurd",) * 2)) as api:
        backend = api_backend(api.url, timeout=5, max_retry_wait=0.3, sleep=sleep)
        await backend.complete(REQUEST)
        await backend.aclose()
    assert sleep.waits == [0.3, 0.3]


@pytest.mark.parametrize(
    ("kind", "error", "message"),
    [
        ("bad_request", BackendError, "400 invalid_request_error"),
        ("unauthorized", BackendAuthError, "the API key was not accepted"),
        ("max_tokens", NoAnswerError, "stopped at max_tokens=256"),
        ("refusal", NoAnswerError, "declined to answer"),
        ("slow", BackendTimeoutError, "the 0.6 s deadline for the call ran out"),
    ],
)
async def test_faults_a_retry_cannot_fix_end_the_call(
    kind: str, error: type[Exception], message: str
) -> None:
    with FakeApi(FaultPlan(script=(kind,), slow_seconds=1.0)) as api:
        with pytest.raises(error, match=message):
            await _complete(api, timeout=0.6)
        assert api.stats()["requests"] == 1


@pytest.mark.parametrize("kind", sorted(MALFORMED))
async def test_malformed_answers_are_retried_then_named(kind: str) -> None:
    """A 200 that is not a message (a proxy's page, a cut or empty body) is retried like a
    transport fault, then ends in a `BackendError` naming what came back."""
    with FakeApi(FaultPlan(script=(kind,))) as api:
        completion = await _complete(api)
        assert completion.extra["attempts"] == 2
    with FakeApi(FaultPlan(script=(kind,) * 9)) as api:
        with pytest.raises(BackendError, match="malformed answer") as raised:
            await _complete(api)
        assert not isinstance(raised.value, BackendTimeoutError)


async def test_answers_follow_the_requested_schema_and_usage_is_billed() -> None:
    with FakeApi() as api:
        completion = await _complete(api)
        stats = api.stats()
    assert stats["answered"] == 1 and stats["faulted"] == 0
    assert stats["billed"] == {
        "input_tokens": completion.usage.input_tokens,
        "output_tokens": completion.usage.output_tokens,
    }


def test_the_plan_is_deterministic_and_rules_come_first() -> None:
    plan = FaultPlan(rate=0.5, seed=42, rules=(FaultRule("poison", "refusal"),))
    draws = [plan.decide(request_key("/v1/messages", b"%d" % n), 0, "x", 99) for n in range(200)]
    assert draws == [
        plan.decide(request_key("/v1/messages", b"%d" % n), 0, "x", 99) for n in range(200)
    ]
    faulted = [d for d in draws if d != "ok"]
    assert 70 < len(faulted) < 130
    assert set(faulted) <= set(TRANSIENT_FAULTS)
    assert plan.decide("k", 0, "a poison body", 0) == "refusal"
    assert FaultPlan(rate=1.0, max_faults_per_request=2).decide("k", 2, "", 9) == "ok"
    assert FaultPlan.from_dict(plan.to_dict()) == plan
    with pytest.raises(ValueError, match="unknown fault kind"):
        FaultPlan(kinds={"gremlins": 1.0})
    with pytest.raises(ValueError, match="rate must be"):
        FaultPlan(rate=1.5)


async def test_openai_compatible_mode() -> None:
    body = {
        "model": "gpt-fake",
        "messages": [{"role": "user", "content": "hi"}],
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "Answer", "schema": SCHEMA, "strict": True},
        },
    }
    script = ("ok", "max_tokens", "refusal", "rate_limit")
    with FakeApi(FaultPlan(script=script)) as api:
        async with httpx2.AsyncClient(base_url=api.url) as client:
            answers = [await client.post("/v1/chat/completions", json=body) for _ in script]
    ok, cut, refused, limited = (a.json() for a in answers)
    assert json.loads(ok["choices"][0]["message"]["content"])["n"] == 0
    assert ok["choices"][0]["finish_reason"] == "stop" and ok["usage"]["total_tokens"] > 0
    assert cut["choices"][0]["finish_reason"] == "length"
    assert refused["choices"][0]["message"]["refusal"]
    assert answers[3].status_code == 429 and answers[3].headers["retry-after"] == "0.2"
    assert limited["error"]["type"] == "rate_limit_error"


OPENAI_OUTCOMES: dict[str, type[Exception] | None] = {
    **dict.fromkeys(RETRIED | MALFORMED),
    "bad_request": BackendError,
    "unauthorized": BackendAuthError,
    "max_tokens": NoAnswerError,
    "refusal": NoAnswerError,
    "slow": BackendTimeoutError,
}


@pytest.mark.parametrize("kind", sorted(OPENAI_OUTCOMES))
async def test_every_fault_through_the_openai_compatible_backend(kind: str) -> None:
    sleep = RecordingSleep(instant=True)
    with FakeApi(FaultPlan(script=(kind,), slow_seconds=1.0)) as api:
        timeout = 0.6 if kind == "slow" else 10.0  # a deadline the slow answer misses
        backend = openai_backend(api.url, timeout=timeout, max_retry_wait=0.3, sleep=sleep)
        try:
            expected = OPENAI_OUTCOMES[kind]
            if expected is None:
                completion = await backend.complete(REQUEST)
                assert completion.extra["attempts"] == 2
            else:
                with pytest.raises(expected):
                    await backend.complete(REQUEST)
        finally:
            await backend.aclose()


async def test_openai_sdk_against_the_fake() -> None:
    openai = pytest.importorskip("openai")
    with FakeApi() as api:
        client = openai.AsyncOpenAI(api_key="sk-fake", base_url=api.url + "/v1", max_retries=0)
        reply = await client.chat.completions.create(
            model="gpt-fake",
            messages=[{"role": "user", "content": "hi"}],
            response_format={
                "type": "json_schema",
                "json_schema": {"name": "Answer", "schema": SCHEMA, "strict": True},
            },
        )
        await client.close()
    assert json.loads(reply.choices[0].message.content or "")["answer"]


def test_the_fake_api_as_its_own_process() -> None:
    with spawn_fake_api(FaultPlan(script=("overloaded",)), tag_pattern=r"case-\d+") as api:
        response = httpx2.post(
            api.url + "/v1/messages",
            json={"model": "m", "messages": [{"role": "user", "content": "case-7"}]},
        )
        assert response.status_code == 529
        assert response.json()["error"]["type"] == "overloaded_error"
        stats = api.stats()
    assert stats["faults"] == {"overloaded": 1} and stats["faults_by_tag"] == {"case-7": 1}


def test_a_run_whose_backend_answers_html_names_the_folder_to_resume(tmp_path: Path) -> None:
    situation = "I am a nurse moving into product management; I know Sam Lee, a PM at Epic."
    plan = FaultPlan(rules=(FaultRule("Define your networking purpose", "html"),))
    runs = tmp_path / "runs"
    args = ["run", situation, "--backend", FAKEAPI_BACKEND, "--output", str(runs), "--today", TODAY]
    with FakeApi(plan) as api, fakeapi_backend_registered(api.url, timeout=10, max_retry_wait=0.1):
        failed = invoke(args)
    assert failed.code == 1, failed.stderr
    assert "Traceback" not in failed.stderr
    (run_dir,) = runs.iterdir()
    (line,) = [x for x in failed.stderr.splitlines() if x.startswith("error: ")]
    assert f"`net-skill resume {run_dir}`" in " ".join(failed.stderr.split())
    assert "malformed answer" in line and "HTML page" in line
    with FakeApi() as api, fakeapi_backend_registered(api.url, timeout=10, max_retry_wait=0.1):
        done = invoke(["resume", str(run_dir), "--backend", FAKEAPI_BACKEND, "--json"])
    assert done.code == 0, done.stderr
    assert json.loads(done.stdout)["skill_id"] == "net"


def test_requests_in_any_order_meet_the_same_faults() -> None:
    """Faults depend on the request and how often it was seen, not on arrival order."""
    plan = FaultPlan(rate=0.5, seed=9, kinds={"server_error": 1.0})

    async def statuses(order: list[int]) -> dict[int, list[int]]:
        seen: dict[int, list[int]] = {}
        with FakeApi(plan) as api:
            async with httpx2.AsyncClient(base_url=api.url) as client:
                for n in order:
                    body = {"model": "m", "messages": [{"role": "user", "content": f"{n}"}]}
                    response = await client.post("/v1/messages", json=body)
                    seen.setdefault(n, []).append(response.status_code)
        return seen

    forward = asyncio.run(statuses([1, 2, 3, 1, 2, 3]))
    backward = asyncio.run(statuses([3, 2, 1, 3, 2, 1]))
    assert forward == backward
