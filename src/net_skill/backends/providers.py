"""The built-in backends. Each factory imports its module (and SDK) only when it is chosen."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from net_skill.backends.base import Backend
from net_skill.backends.registry import BackendOptions, register_backend
from net_skill.errors import ConfigurationError

ANTHROPIC_KEY_ENV = "ANTHROPIC_API_KEY"
OPENAI_EXTRA_OPTIONS = ("structured_output", "context_window", "max_concurrency", "timeout")
"""What `BackendOptions.extra` may carry for the openai backend (and what resume keeps)."""


def _no_server_options(name: str, options: BackendOptions) -> None:
    """A backend without a server refuses options that only a server would use."""
    given = [
        flag
        for flag, value in (
            ("--base-url", options.base_url),
            ("--api-key-env", options.api_key_env),
        )
        if value
    ]
    if given:
        raise ConfigurationError(
            f"{' and '.join(given)} only apply to the openai and anthropic backends, not to {name}"
        )


@register_backend(
    "local",
    summary="the embedded SmolLM2-135M model, offline (needs the 'local' extra)",
    auto_rank=10,
    auto_notice=(
        "net-skill: no ANTHROPIC_API_KEY set; using the embedded SmolLM2-135M-Instruct model "
        "(small: plans will be weak). Set the key for Claude."
    ),
    can_judge=False,
    prompt_style="brief",
    options_from=lambda d: BackendOptions(
        model=str(d["model_path"]) if d.get("model_path") else None
    ),
)
def _local(options: BackendOptions) -> Backend:
    from net_skill.backends.local import LocalBackend

    _no_server_options("local", options)
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

    kwargs: dict[str, Any] = {}
    if options.api_key_env:
        key = os.environ.get(options.api_key_env, "").strip()
        if not key:
            raise ConfigurationError(f"{options.api_key_env} is not set (--api-key-env)")
        kwargs["api_key"] = key
    if options.base_url:
        kwargs["base_url"] = options.base_url
    return (
        AnthropicBackend(model=options.model, **kwargs)
        if options.model
        else AnthropicBackend(**kwargs)
    )


@register_backend("fake", summary="scripted answers for tests and demos (no model)")
def _fake(options: BackendOptions) -> Backend:
    from net_skill.backends.fake import FakeBackend

    _no_server_options("fake", options)
    return FakeBackend(model=options.model) if options.model else FakeBackend()


def _openai_options(description: Mapping[str, Any]) -> BackendOptions:
    """Rebuild from a recorded `describe()`: the server, the key's variable name (never the
    key), and the structured-output mode the first session found (no need to find it again)."""
    extra: dict[str, Any] = {}
    mode = description.get("structured_output")
    if mode and mode != "auto":
        extra["structured_output"] = mode
    for key, recorded in (
        ("context_window", "context_window"),
        ("max_concurrency", "max_concurrency"),
        ("timeout", "timeout_s"),
    ):
        if description.get(recorded) is not None:
            extra[key] = description[recorded]
    return BackendOptions(
        model=str(description["model"]) if description.get("model") else None,
        base_url=str(description["base_url"]) if description.get("base_url") else None,
        api_key_env=str(description["api_key_env"]) if description.get("api_key_env") else None,
        extra=extra,
    )


@register_backend(
    "openai",
    summary="any OpenAI-compatible server: Ollama, vLLM, llama.cpp, LM Studio, OpenAI "
    "(--base-url, --model; key from OPENAI_API_KEY or --api-key-env; needs the 'openai' extra)",
    options_from=_openai_options,
)
def _openai(options: BackendOptions) -> Backend:
    try:
        from net_skill.backends.openai import OpenAIBackend
    except ImportError:
        raise ConfigurationError(
            "the openai backend needs the openai SDK: pip install 'net-skill[openai]'"
        ) from None
    unknown = sorted(set(options.extra) - set(OPENAI_EXTRA_OPTIONS))
    if unknown:
        raise ConfigurationError(f"unknown options for the openai backend: {', '.join(unknown)}")
    return OpenAIBackend(
        options.model or "",
        base_url=options.base_url,
        api_key_env=options.api_key_env,
        **dict(options.extra),
    )
