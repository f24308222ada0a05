"""OpenAIBackend against a real OpenAI-compatible server: llama-cpp-python's own, on 127.0.0.1,
serving the embedded SmolLM2 model (started through `python -m net_skill.llama_server`, which
keeps llama.cpp's AMX kernels out of the way; see that module).

The server runs under `flock` on the model lock (`NET_SKILL_MODEL_LOCK`, default
/tmp/net-skill-model.lock) so that it never computes at the same time as another process
running the model: two llama.cpp processes on two cores run hundreds of times slower. Set
`NET_SKILL_MODEL_LOCK_HELD=1` when the tests themselves already run under that lock.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from pydantic import BaseModel, Field
from typer.testing import CliRunner

from net_skill.answer_checks import degenerate_values
from net_skill.backends.base import CompletionRequest, Message
from net_skill.backends.openai import OpenAIBackend
from net_skill.cli import app
from net_skill.quality import strings_in
from net_skill.records import load_events
from net_skill.skills.networking import NetworkingPlan
from tests.test_full_local_run import SITUATION

STARTUP_TIMEOUT_S = 3600.0
"""Waiting for the model lock included (another developer's model run may hold it)."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _command(port: int) -> list[str]:
    server = [
        sys.executable,
        "-m",
        "net_skill.llama_server",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_threads",
        "2",
        "--n_threads_batch",
        "2",
    ]
    lock = os.environ.get("NET_SKILL_MODEL_LOCK", "/tmp/net-skill-model.lock")
    if os.environ.get("NET_SKILL_MODEL_LOCK_HELD") == "1" or shutil.which("flock") is None:
        return server
    return ["flock", "-w", str(int(STARTUP_TIMEOUT_S)), lock, *server]


def _wait_until_up(process: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:]
            pytest.fail(f"the llama.cpp server exited with {process.returncode}:\n{tail}")
        try:
            if httpx2.get(f"{base_url}/models", timeout=2).status_code == 200:
                return
        except httpx2.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail("the llama.cpp server did not start in time")


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a llama-cpp-python server on 127.0.0.1 serving SmolLM2."""
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python not installed (pip install '.[local]')")
    if importlib.util.find_spec("fastapi") is None:
        pytest.skip("llama-cpp-python's server extra not installed (pip install '.[dev]')")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}/v1"
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    with log.open("wb") as sink:
        # Its own session, so that teardown stops flock and the server together.
        process = subprocess.Popen(
            _command(port), stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_until_up(process, base_url, log)
        yield base_url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


class City(BaseModel):
    city: str = Field(min_length=1, max_length=40)
    country: str = Field(min_length=1, max_length=40)


@pytest.mark.local_model
async def test_one_structured_call_finds_the_mode_the_server_supports(llama_server: str) -> None:
    backend = OpenAIBackend("smollm2", base_url=llama_server)
    request = CompletionRequest(
        system="You answer with one JSON object.",
        messages=(Message("user", "Which city is the capital of France, and in which country?"),),
        schema=City.model_json_schema(),
        schema_name="City",
        max_tokens=60,
    )
    try:
        completion = await backend.complete(request)
    finally:
        await backend.aclose()
    City.model_validate_json(completion.text)  # constrained by the server's grammar
    described = backend.describe()
    # llama-cpp-python 0.3 rejects response_format json_schema (a 500 quoting a validation
    # error) and enforces a forced tool call's parameters with a grammar.
    assert described["structured_output"] == "tool", described
    assert "response_format json_schema rejected" in described["structured_output_note"]
    assert completion.extra["schema_enforced"] is True
    assert completion.usage.input_tokens > 0 and "usage_estimated" not in completion.extra
    assert completion.cost_usd is None  # a local server: price unknown, never 0


@pytest.mark.full_local_run
def test_a_whole_run_through_the_server_gives_a_valid_plan(
    llama_server: str, tmp_path: Path
) -> None:
    started = time.perf_counter()
    result = CliRunner().invoke(
        app,
        [
            "run",
            SITUATION,
            "--backend",
            "openai",
            "--base-url",
            llama_server,
            "--model",
            "smollm2",
            "--prompt-style",  # a 135M model: the short per-step prompt, as the local backend
            "brief",
            "--max-reasks",
            "1",
            "--json",
            "--today",
            "2026-05-04",
            "--output",
            str(tmp_path),
        ],
    )
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.stderr[-3000:]
    plan = NetworkingPlan.model_validate(json.loads(result.stdout))
    assert plan.today.isoformat() == "2026-05-04"
    # every value is an answer or marked unanswered; none is junk
    assert [f"{p.loc}: {p.value!r} ({p.kind})" for p in degenerate_values(plan)] == []
    for path, items in (
        ("audit.gaps", plan.audit.gaps),
        ("targets.targets", plan.targets.targets),
        ("asks.asks", plan.asks.asks),
    ):
        assert items or any(u.startswith(path) for u in plan.unanswered), path
    written = sum(1 for _, text in strings_in(plan.written()) if text.strip())
    assert written >= len(plan.unanswered)  # most values were answered
    assert all(1 <= m.target <= len(plan.targets.targets) for m in plan.outreach.messages)
    (run_dir,) = tmp_path.iterdir()
    events = list(load_events(run_dir))
    finished = [e for e in events if e.type == "step_finished"]
    assert len(finished) == 8
    end = next(e for e in events if e.type == "run_finished")
    assert end.backend["structured_output"] == "tool"
    assert end.backend["base_url"] == llama_server
    print(f"\nwhole run through llama-cpp-python's server: {elapsed:.0f} s")
