"""The built-in backends. Each factory imports its module (and SDK) only when it is chosen."""

from __future__ import annotations

import os
from typing import Any

from net_skill.backends.base import Backend
from net_skill.backends.registry import BackendOptions, register_backend

ANTHROPIC_KEY_ENV = "ANTHROPIC_API_KEY"


@register_backend(
    "local",
    summary="the embedded SmolLM2-135M model, offline (needs the 'local' extra)",
    auto_rank=10,
    auto_notice=(
        "net-skill: no ANTHROPIC_API_KEY set; using the embedded SmolLM2-135M-Instruct model "
        "(small: plans will be weak). Set the key for Claude."
    ),
    can_judge=False,
    options_from=lambda d: BackendOptions(
        model=str(d["model_path"]) if d.get("model_path") else None
    ),
)
def _local(options: BackendOptions) -> Backend:
    from net_skill.backends.local import LocalBackend

    return LocalBackend(model_path=options.model) if options.model else LocalBackend()


def _anthropic_ready() -> bool:
    return bool(os.environ.get(ANTHROPIC_KEY_ENV, "").strip())


@register_backend(
    "anthropic",
    summary="Claude through the Anthropic API (ANTHROPIC_API_KEY)",
    auto_rank=20,
    ready=_anthropic_ready,
)
def _anthropic(options: BackendOptions) -> Backend:
    from net_skill.backends.anthropic import AnthropicBackend

    key = os.environ.get(options.api_key_env) if options.api_key_env else None
    kwargs: dict[str, Any] = {"api_key": key} if key else {}
    return (
        AnthropicBackend(model=options.model, **kwargs)
        if options.model
        else AnthropicBackend(**kwargs)
    )


@register_backend("fake", summary="scripted answers for tests and demos (no model)")
def _fake(options: BackendOptions) -> Backend:
    from net_skill.backends.fake import FakeBackend

    return FakeBackend(model=options.model) if options.model else FakeBackend()
