"""What the reliability suites share: cases, the fake API as a backend, and running net-skill."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from net_skill.backends import registry
from net_skill.backends.anthropic import AnthropicBackend
from net_skill.backends.base import Backend, ModelPrice
from net_skill.backends.openai import OpenAIBackend
from net_skill.backends.registry import BackendOptions, register_backend
from net_skill.cli import app
from tests.test_hostile_skills import Outcome

FAKE_KEY = "sk-ant-api03-RELIABILITYfakeKEY0123456789abcdefABCDEFghij"
TODAY = "2026-11-25"
TAG_PATTERN = r"case-\d{4}"
"""Every case's situation names its case, so the fake API can count faults by case."""
NET_SKILL = [sys.executable, "-c", "from net_skill.cli import main; main()"]
FAKEAPI_BACKEND = "fakeapi"


def situation(number: int) -> str:
    return (
        f"I am the engineer of case-{number:04d}, moving into product management in Oslo; "
        "I know Dana Okafor, a group PM at Fabrikam, and Luis Romero, a designer."
    )


def write_cases(path: Path, count: int) -> Path:
    lines = [
        json.dumps({"id": f"case-{n:04d}", "situation": situation(n), "tags": ["load"]})
        for n in range(count)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read_records(path: Path) -> tuple[list[dict[str, Any]], int]:
    """The records of a results.jsonl and the number of lines that do not parse."""
    records: list[dict[str, Any]] = []
    broken = 0
    if not path.exists():
        return records, broken
    for line in path.read_bytes().splitlines():
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except ValueError:
            broken += 1
    return records, broken


class RecordingSleep:
    """The retry policy's sleep, noting every wait it is asked for (`instant`: not waiting)."""

    def __init__(self, *, instant: bool = False) -> None:
        self.waits: list[float] = []
        self.instant = instant

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0 if self.instant else seconds)


@contextmanager
def base_url(url: str) -> Iterator[None]:
    """`ANTHROPIC_BASE_URL` set to `url` while SDK clients are built."""
    before = os.environ.get("ANTHROPIC_BASE_URL")
    os.environ["ANTHROPIC_BASE_URL"] = url
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("ANTHROPIC_BASE_URL", None)
        else:
            os.environ["ANTHROPIC_BASE_URL"] = before


def api_backend(
    url: str,
    *,
    timeout: float = 3.0,
    max_retry_wait: float = 1.0,
    sleep: RecordingSleep | None = None,
) -> AnthropicBackend:
    """The real Anthropic backend and SDK, reaching the fake API through ANTHROPIC_BASE_URL."""
    with base_url(url):
        return AnthropicBackend(
            api_key=FAKE_KEY,
            timeout=timeout,
            max_retry_wait=max_retry_wait,
            max_concurrency=None,
            sleep=sleep,
        )


def openai_backend(
    url: str,
    *,
    timeout: float = 3.0,
    max_retry_wait: float = 1.0,
    sleep: RecordingSleep | None = None,
) -> OpenAIBackend:
    """The OpenAI-compatible backend and the openai SDK, reaching the fake API's `/v1`."""
    return OpenAIBackend(
        "fake-model",
        base_url=url + "/v1",
        api_key="sk-fake-openai",
        structured_output="json_schema",
        price=ModelPrice(input=1.0, output=2.0, cache_read=0.1, cache_write=1.25),
        timeout=timeout,
        max_retry_wait=max_retry_wait,
        max_concurrency=None,
        sleep=sleep,
    )


@contextmanager
def fakeapi_backend_registered(
    url: str, *, dialect: str = "anthropic", **settings: Any
) -> Iterator[None]:
    """`--backend fakeapi` in this process: the Anthropic backend (or, with `dialect="openai"`,
    the OpenAI-compatible one) on the fake API, with test-sized deadlines."""

    def factory(options: BackendOptions) -> Backend:
        if dialect == "openai":
            return openai_backend(url, **settings)
        return api_backend(url, **settings)

    register_backend(FAKEAPI_BACKEND, summary="the fault-injecting fake API (tests)")(factory)
    try:
        yield
    finally:
        registry._SPECS.pop(FAKEAPI_BACKEND, None)


def invoke(args: list[str], *, stdin: bytes | str | None = None) -> Outcome:
    """`net-skill ARGS` in this process (typer's CliRunner)."""
    started = time.perf_counter()
    result = CliRunner().invoke(app, args, input=stdin)
    seconds = time.perf_counter() - started
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"net-skill {args[0]} raised {result.exception!r}") from (
            result.exception
        )
    return Outcome(result.exit_code, result.stdout, result.stderr, seconds)


def process_env(url: str, data_dir: Path) -> dict[str, str]:
    """The environment of a `net-skill` process that talks to the fake API."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    env.update(
        ANTHROPIC_API_KEY=FAKE_KEY,
        ANTHROPIC_BASE_URL=url,
        NET_SKILL_DATA_DIR=str(data_dir),
        PYTHONUNBUFFERED="1",
    )
    return env


def run_process(
    args: list[str], env: Mapping[str, str], *, timeout: float = 120.0
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*NET_SKILL, *args],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
