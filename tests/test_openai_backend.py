"""OpenAIBackend through the real openai SDK, against a fake server on 127.0.0.1 (real HTTP)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from net_skill.backends.base import ModelPrice, Usage
from net_skill.backends.openai import NO_KEY, OpenAIBackend
from net_skill.backends.openai_api import price_for, strict_schema
from net_skill.backends.registry import BackendOptions, backend_from_description, create_backend
from net_skill.errors import (
    BackendAuthError,
    BackendError,
    BackendTimeoutError,
    ConfigurationError,
    MalformedResponseError,
    NoAnswerError,
)
from tests.fake_api import (
    Delay,
    FakeApiServer,
    OpenAICompatible,
    Reply,
    Reset,
    chat_completion,
    html_page,
    json_reply,
    llama_cpp_rejection,
    openai_error,
    openai_usage,
)
from tests.test_anthropic_backend import ANSWER, FakeTime, Plan, make_request

OPENAI_KEY = "sk-proj-FAKEKEYfor-tests-only-0123456789abcdefABCDEF"


@pytest.fixture
def server() -> Iterator[FakeApiServer]:
    with FakeApiServer() as fake:
        yield fake


@pytest.fixture(autouse=True)
def _no_openai_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID"):
        monkeypatch.delenv(name, raising=False)


def make_backend(
    server: FakeApiServer, fake_time: FakeTime | None = None, **kwargs: Any
) -> OpenAIBackend:
    fake_time = fake_time or FakeTime()
    kwargs.setdefault("sleep", fake_time.sleep)
    kwargs.setdefault("clock", fake_time.clock)
    kwargs.setdefault("structured_output", "json_schema")
    return OpenAIBackend("fake-model", base_url=server.base_url, **kwargs)


# -- success and what is sent ----------------------------------------------------------------


async def test_json_schema_success_usage_and_request(server: FakeApiServer) -> None:
    usage = openai_usage(900, 60, cached_tokens=800)
    server.script(chat_completion(ANSWER, usage=usage))
    backend = make_backend(server)
    completion = await backend.complete(make_request())

    assert Plan.model_validate_json(completion.text).priority == 2
    assert completion.usage == Usage(100, 60, 800, 0)
    assert completion.cost_usd is None  # a server other than OpenAI's: price unknown, not 0
    assert completion.extra["structured_output"] == "json_schema"
    assert completion.extra["attempts"] == 1
    body = server.bodies[0]
    assert body["messages"][0] == {"role": "system", "content": make_request().system}
    assert body["messages"][1]["role"] == "user"
    assert body["max_tokens"] == 1024 and body["temperature"] == 0.0
    assert body["response_format"]["type"] == "json_schema"
    sent = body["response_format"]["json_schema"]
    assert sent["name"] == "Plan" and sent["strict"] is True
    assert sent["schema"] == Plan.model_json_schema()  # whole, length caps included
    assert server.requests[0].headers["authorization"] == f"Bearer {NO_KEY}"
    await backend.aclose()


async def test_key_from_environment_or_named_variable(
    server: FakeApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MY_SERVER_KEY", OPENAI_KEY)
    server.script(chat_completion(ANSWER))
    backend = make_backend(server, api_key_env="MY_SERVER_KEY")
    await backend.complete(make_request())
    assert server.requests[0].headers["authorization"] == f"Bearer {OPENAI_KEY}"
    assert backend.describe()["api_key_env"] == "MY_SERVER_KEY"
    assert OPENAI_KEY not in json.dumps(backend.describe()) + repr(backend)
    monkeypatch.delenv("MY_SERVER_KEY")
    with pytest.raises(ConfigurationError, match="MY_SERVER_KEY is not set"):
        make_backend(server, api_key_env="MY_SERVER_KEY")


def test_openai_host_needs_a_key_and_gets_its_own_rules() -> None:
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY is not set"):
        OpenAIBackend("gpt-5-mini")
    backend = OpenAIBackend("gpt-5-mini", api_key=OPENAI_KEY)
    params = backend.request_params(make_request(), "json_schema")
    assert "max_tokens" not in params and params["max_completion_tokens"] == 1024
    assert "temperature" not in params  # reasoning models take only the default
    schema = params["response_format"]["json_schema"]["schema"]
    assert schema == strict_schema(Plan.model_json_schema())
    assert backend.context_window == 400_000
    assert backend.estimate_cost(Usage(1_000_000, 0)) == pytest.approx(0.25)
    assert (
        OpenAIBackend("gpt-4.1", api_key=OPENAI_KEY).request_params(make_request())["temperature"]
        == 0.0
    )


def test_strict_schema_subset() -> None:
    schema = Plan.model_json_schema()
    strict = strict_schema(schema)
    contact = strict["$defs"]["Contact"]
    assert contact["additionalProperties"] is False
    assert contact["required"] == ["name", "reasons"]
    assert "maxLength" not in contact["properties"]["name"]
    assert "maxLength: 80" in contact["properties"]["name"]["description"]
    assert contact["properties"]["reasons"]["maxItems"] == 5  # supported: kept
    assert schema["$defs"]["Contact"]["properties"]["name"]["maxLength"] == 80  # not modified


def test_prices_only_for_known_openai_models() -> None:
    assert price_for("gpt-4o-mini-2024-07-18") == price_for("gpt-4o-mini")
    assert price_for("llama3.2") is None
    local = OpenAIBackend("gpt-4o", base_url="http://127.0.0.1:9/v1")
    assert local.estimate_cost(Usage(10, 10)) is None  # a local "gpt-4o" is not OpenAI's
    free = OpenAIBackend("llama3.2", base_url="http://127.0.0.1:9/v1", price=ModelPrice(0, 0, 0, 0))
    assert free.estimate_cost(Usage(10, 10)) == 0.0


def test_model_and_base_url_are_checked() -> None:
    with pytest.raises(ConfigurationError, match="needs a model id"):
        OpenAIBackend("", base_url="http://127.0.0.1:9/v1")
    with pytest.raises(ConfigurationError, match="http:// or https://"):
        OpenAIBackend("m", base_url="localhost:11434")


# -- choosing the structured-output mode -------------------------------------------------------


async def test_auto_falls_back_to_a_forced_tool_call_and_keeps_it(server: FakeApiServer) -> None:
    fake = OpenAICompatible(supports=frozenset({"tool", "json_object"}))
    server.responder = fake
    backend = make_backend(server, structured_output="auto")
    assert backend.describe()["structured_output"] == "auto"
    first = await backend.complete(make_request())
    second = await backend.complete(make_request())
    assert fake.modes_seen == ["json_schema", "tool", "tool"]
    assert first.extra["structured_output"] == second.extra["structured_output"] == "tool"
    body = server.bodies[1]
    assert body["tool_choice"] == {"type": "function", "function": {"name": "Plan"}}
    assert body["tools"][0]["function"]["parameters"] == Plan.model_json_schema()
    assert "contacts" in json.loads(first.text)
    described = backend.describe()
    assert described["structured_output"] == "tool" and described["schema_enforced"] is True
    assert "response_format json_schema rejected (" in described["structured_output_note"]
    assert "422" in described["structured_output_note"]


async def test_llama_cpp_500_rejection_is_a_fallback_not_five_retries(
    server: FakeApiServer,
) -> None:
    fake = OpenAICompatible(supports=frozenset({"tool"}), reject=llama_cpp_rejection)
    server.responder = fake
    fake_time = FakeTime()
    backend = make_backend(server, fake_time, structured_output="auto")
    completion = await backend.complete(make_request())
    assert fake.modes_seen == ["json_schema", "tool"]
    assert fake_time.sleeps == []
    assert completion.extra["structured_output"] == "tool"
    # Once the mode is known, a 500 is an ordinary retryable server error again.
    server.script(openai_error(500, "boom", error_type="server_error"))
    assert (await backend.complete(make_request())).extra["attempts"] == 2


async def test_json_mode_says_the_schema_is_not_enforced(server: FakeApiServer) -> None:
    server.responder = OpenAICompatible(supports=frozenset({"json_object"}))
    backend = make_backend(server, structured_output="auto")
    completion = await backend.complete(make_request())
    assert server.bodies[-1]["response_format"] == {"type": "json_object"}
    assert completion.extra["schema_enforced"] is False
    assert "enforces no schema" in backend.describe()["structured_output_note"]


async def test_every_mode_rejected_is_one_clear_error(server: FakeApiServer) -> None:
    server.responder = OpenAICompatible(supports=frozenset())
    backend = make_backend(server, structured_output="auto")
    with pytest.raises(BackendError, match="tried json_schema, tool, json_object") as caught:
        await backend.complete(make_request())
    assert caught.value.status_code == 422
    assert backend.describe()["structured_output"] == "auto"


async def test_tool_mode_answered_in_text_is_noted(server: FakeApiServer) -> None:
    server.script(chat_completion(ANSWER))
    backend = make_backend(server, structured_output="tool")
    completion = await backend.complete(make_request())
    assert completion.text == ANSWER
    assert completion.extra["schema_enforced"] is False
    assert "instead of calling the tool" in completion.extra["note"]


# -- transport faults: the shared retry policy ---------------------------------------------


async def test_429_retry_after_is_honoured_and_capped(server: FakeApiServer) -> None:
    server.script(
        openai_error(429, "slow down", error_type="rate_limit_error", headers={"retry-after": "2"}),
        openai_error(429, "later", error_type="rate_limit_error", headers={"retry-after": "3600"}),
        chat_completion(ANSWER),
    )
    fake_time = FakeTime()
    backend = make_backend(server, fake_time, timeout=600)
    completion = await backend.complete(make_request())
    assert completion.extra["attempts"] == 3
    assert fake_time.sleeps == [2.0, 60.0]


async def test_repeated_500_names_the_server_and_attempts(server: FakeApiServer) -> None:
    server.script(*[openai_error(500, "kaboom", error_type="server_error")] * 5)
    backend = make_backend(server)
    with pytest.raises(BackendError) as caught:
        await backend.complete(make_request())
    message = str(caught.value)
    assert f"OpenAI-compatible server at {server.base_url} internal server error (500" in message
    assert "after 5 attempts: kaboom" in message
    assert caught.value.attempts == 5 and caught.value.status_code == 500


async def test_400_is_not_retried(server: FakeApiServer) -> None:
    server.script(openai_error(400, "context too long", code="context_length_exceeded"))
    backend = make_backend(server)
    with pytest.raises(BackendError, match=r"rejected the request .*not retried: context too"):
        await backend.complete(make_request())
    assert len(server.requests) == 1


async def test_401_is_an_auth_error_without_the_key(
    server: FakeApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    server.script(openai_error(401, f"Incorrect API key provided: {OPENAI_KEY}"))
    backend = make_backend(server)
    with pytest.raises(BackendAuthError, match="check OPENAI_API_KEY") as caught:
        await backend.complete(make_request())
    assert OPENAI_KEY not in str(caught.value)


@pytest.mark.parametrize(
    ("bad", "cause"),
    [
        (Reply(200, b'{"choices": [ {"message": '), "not valid JSON"),
        (html_page(), "an HTML page instead of JSON (content-type text/html), titled 'Wi-Fi"),
        (json_reply({"result": "ok"}), "JSON of the wrong shape (choices: Field required)"),
        (json_reply([1, 2]), "a JSON list, not an object"),
        (Reply(200, b""), "an empty body"),
        (json_reply({"choices": [{"message": {"content": ""}}]}), "no message content"),
    ],
)
async def test_malformed_answers_are_retried_then_named(
    server: FakeApiServer, bad: Reply, cause: str
) -> None:
    server.script(bad, chat_completion(ANSWER))
    backend = make_backend(server)
    assert (await backend.complete(make_request())).extra["attempts"] == 2

    server.script(*[bad] * 5)
    with pytest.raises(MalformedResponseError) as caught:
        await backend.complete(make_request())
    assert "sent a malformed answer after 5 attempts: " in str(caught.value)
    assert cause in str(caught.value)


async def test_connection_reset_in_the_body_is_retried(server: FakeApiServer) -> None:
    server.script(Reset(chat_completion(ANSWER), send_bytes=20), chat_completion(ANSWER))
    backend = make_backend(server)
    assert (await backend.complete(make_request())).extra["attempts"] == 2


async def test_slow_server_is_cut_at_the_deadline(server: FakeApiServer) -> None:
    server.script(Delay(3, chat_completion(ANSWER)), Delay(3, chat_completion(ANSWER)))
    backend = OpenAIBackend(
        "m", base_url=server.base_url, structured_output="json_schema", timeout=0.6
    )
    with pytest.raises(BackendTimeoutError, match="deadline for the call ran out"):
        await backend.complete(make_request())


async def test_connection_refused_is_a_clear_error() -> None:
    backend = OpenAIBackend(
        "m", base_url="http://127.0.0.1:9/v1", max_attempts=2, sleep=FakeTime().sleep
    )
    with pytest.raises(BackendError, match="could not connect to the OpenAI-compatible server"):
        await backend.complete(make_request())


# -- answers that are no answer ----------------------------------------------------------------


async def test_length_stop_is_no_answer_with_usage(server: FakeApiServer) -> None:
    server.script(chat_completion('{"contacts": [', finish_reason="length"))
    backend = make_backend(server)
    with pytest.raises(NoAnswerError, match="max_tokens=1024") as caught:
        await backend.complete(make_request())
    assert caught.value.stop_reason == "max_tokens"
    assert caught.value.usage == Usage(100, 20)
    assert len(server.requests) == 1


async def test_refusal_is_no_answer(server: FakeApiServer) -> None:
    server.script(chat_completion(None, refusal="I can't help with that."))
    backend = make_backend(server)
    with pytest.raises(NoAnswerError, match="declined to answer: I can't help"):
        await backend.complete(make_request())


async def test_missing_usage_is_estimated_and_control_chars_escaped(
    server: FakeApiServer,
) -> None:
    document = '{"contacts": [], "priority": 1, "note": "line one\nline two"}'
    body = json.loads(chat_completion(document).body)
    del body["usage"]
    server.script(json_reply(body))
    completion = await make_backend(server).complete(make_request())
    assert completion.extra["usage_estimated"] is True
    assert completion.usage.input_tokens > 0 and completion.usage.output_tokens > 0
    assert json.loads(completion.text)["note"] == "line one\nline two"


# -- the registry and resume ---------------------------------------------------------------------


async def test_registry_builds_it_and_resume_rebuilds_it_from_its_description(
    server: FakeApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MY_SERVER_KEY", OPENAI_KEY)
    server.responder = OpenAICompatible(supports=frozenset({"tool"}))
    options = BackendOptions(
        model="fake-model",
        base_url=server.base_url,
        api_key_env="MY_SERVER_KEY",
        extra={"context_window": 4096},
    )
    backend = create_backend("openai", options)
    assert isinstance(backend, OpenAIBackend)
    await backend.complete(make_request())
    described = backend.describe()
    assert OPENAI_KEY not in json.dumps(described)
    rebuilt = backend_from_description(described)
    assert isinstance(rebuilt, OpenAIBackend)
    assert rebuilt.base_url == server.base_url and rebuilt.model == "fake-model"
    assert rebuilt.api_key_env == "MY_SERVER_KEY" and rebuilt.context_window == 4096
    assert rebuilt.structured_output == "tool"  # no need to find the mode again
    await backend.aclose()
    await rebuilt.aclose()


def test_server_options_are_refused_by_backends_without_a_server() -> None:
    with pytest.raises(ConfigurationError, match="--base-url only apply"):
        create_backend("fake", BackendOptions(base_url="http://127.0.0.1:9/v1"))


# -- the command line: an OpenAI-compatible server as the judge -----------------------------


def test_eval_and_score_judge_with_an_openai_compatible_server(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from net_skill.cli import app
    from net_skill.eval.criteria import criteria_for
    from net_skill.loader import load_bundled_skill

    ids = [c.id for c in criteria_for(load_bundled_skill())]

    def verdicts(_schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "verdicts": [
                {"criterion_id": i, "evidence": "", "reasoning": "Fine.", "verdict": "met"}
                for i in ids
            ]
        }

    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps({"id": "a", "situation": "Nurse moving into informatics."}) + "\n")
    runner = CliRunner()
    with FakeApiServer(responder=OpenAICompatible(answer=verdicts)) as server:
        judge = ["--judge-backend", "openai", "--judge-base-url", server.base_url]
        judge += ["--judge-model", "judge-7b"]
        result = runner.invoke(
            app,
            ["eval", str(cases), "--out", str(tmp_path / "out"), "--backend", "fake", *judge],
        )
        assert result.exit_code == 0, result.stderr
        (record,) = [json.loads(line) for line in (tmp_path / "out/results.jsonl").open()]
        assert record["judging"]["backend"] == "openai"
        assert record["judging"]["cost_usd"] is None  # unknown, not $0
        plan = tmp_path / "plan.json"
        cached = json.loads((tmp_path / "out" / record["plan_path"]).read_text())
        plan.write_text(json.dumps(cached["plan"]))
        scored = runner.invoke(app, ["score", str(plan), *judge, "--json"])
        assert scored.exit_code == 0, scored.stderr
        assert json.loads(scored.stdout)["judge_model"] == "fake-model"
        assert {b["response_format"]["json_schema"]["name"] for b in server.bodies} == {
            "JudgeReport"
        }
