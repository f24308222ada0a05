"""Test-wide settings: no real model requests unless a test asks for the local model."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = REPO_ROOT.parent / "shared" / "corpus" / "skills"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    have_llama = importlib.util.find_spec("llama_cpp") is not None
    full_run = os.environ.get("NET_SKILL_FULL_LOCAL_RUN") == "1"
    slow = os.environ.get("NET_SKILL_SLOW_TESTS") == "1"
    for item in items:
        if "slow" in item.keywords and not slow:
            reason = "a slow reliability suite: set NET_SKILL_SLOW_TESTS=1 (CI does)"
            item.add_marker(pytest.mark.skip(reason=reason))
        if "full_local_run" in item.keywords and not full_run:
            item.add_marker(
                pytest.mark.skip(reason="whole local run: set NET_SKILL_FULL_LOCAL_RUN=1 (CI does)")
            )
        if ("local_model" in item.keywords or "full_local_run" in item.keywords) and not have_llama:
            item.add_marker(
                pytest.mark.skip(reason="llama-cpp-python not installed (pip install '.[local]')")
            )


@pytest.fixture(autouse=True)
def _no_real_api_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never reach a real API, and never write to the user's data folder."""
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_LOG", raising=False)
    monkeypatch.setenv("NET_SKILL_DATA_DIR", str(tmp_path / "net-skill-data"))


@pytest.fixture
def corpus_dir() -> Path:
    if not CORPUS_DIR.is_dir():
        pytest.fail(f"skill corpus not found at {CORPUS_DIR} (shared/ must sit beside the repo)")
    return CORPUS_DIR
