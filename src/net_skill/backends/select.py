"""Pick a backend by name: `auto` means Claude when `ANTHROPIC_API_KEY` is set, else local."""

from __future__ import annotations

import os
from typing import Literal, TypeAlias, get_args

from net_skill.backends.base import Backend
from net_skill.errors import ConfigurationError

BackendName: TypeAlias = Literal["auto", "local", "anthropic", "fake"]
BACKEND_NAMES: tuple[str, ...] = get_args(BackendName)
API_KEY_ENV = "ANTHROPIC_API_KEY"
EMBEDDED_MODEL_NAME = "SmolLM2-135M-Instruct"


def resolve_backend_name(name: str = "auto") -> Literal["local", "anthropic", "fake"]:
    """The concrete backend `name` stands for (`auto` looks at `ANTHROPIC_API_KEY`)."""
    if name == "auto":
        return "anthropic" if os.environ.get(API_KEY_ENV, "").strip() else "local"
    if name == "local":
        return "local"
    if name == "anthropic":
        return "anthropic"
    if name == "fake":
        return "fake"
    choices = ", ".join(BACKEND_NAMES)
    raise ConfigurationError(f"unknown backend {name!r}; choose one of: {choices}")


def select_backend(name: BackendName | str = "auto", model: str | None = None) -> Backend:
    """Build the backend `name` (see `resolve_backend_name`).

    `model` is a Claude model id for `anthropic`, a GGUF file path for `local`, a label for `fake`.

    Raises `ConfigurationError` when the choice cannot work (no API key, `local` extra missing).
    """
    resolved = resolve_backend_name(name)
    if resolved == "fake":
        from net_skill.backends.fake import FakeBackend

        return FakeBackend(model=model) if model else FakeBackend()
    if resolved == "anthropic":
        from net_skill.backends.anthropic import AnthropicBackend

        return AnthropicBackend(model=model) if model else AnthropicBackend()
    from net_skill.backends.local import LocalBackend

    return LocalBackend(model_path=model) if model else LocalBackend()


def auto_selection_notice(name: str) -> str | None:
    """The one line to show when `auto` falls back to the embedded model, else None."""
    if name != "auto" or resolve_backend_name(name) != "local":
        return None
    return (
        f"net-skill: no {API_KEY_ENV} set; using the embedded {EMBEDDED_MODEL_NAME} model "
        "(small: plans will be weak). Set the key for Claude."
    )
