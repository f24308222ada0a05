"""The backend registry: every backend is a named factory, registered once.

    @register_backend("mine", summary="My model server")
    def _mine(options: BackendOptions) -> Backend:
        from my_package.backend import MyBackend     # heavy SDKs imported only when chosen
        return MyBackend(model=options.model)

Built-in backends register in `net_skill.backends.providers`; other packages can add theirs
through the `net_skill.backends` entry-point group (each entry point a module to import).
`auto` picks the ready backend with the highest `auto_rank` (Claude when `ANTHROPIC_API_KEY`
is set, else the embedded model). Resume rebuilds a backend from its recorded `describe()`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from importlib.metadata import entry_points
from typing import Any

from net_skill.backends.base import Backend
from net_skill.errors import ConfigurationError

__all__ = [
    "AUTO",
    "BackendOptions",
    "BackendSpec",
    "auto_notice",
    "backend_from_description",
    "backend_names",
    "backend_prompt_style",
    "backend_spec",
    "create_backend",
    "register_backend",
    "resolve_backend_name",
    "select_backend",
]

AUTO = "auto"
ENTRY_POINT_GROUP = "net_skill.backends"


@dataclass(frozen=True)
class BackendOptions:
    """What a user can say about a backend on the command line or in the API."""

    model: str | None = None
    """A model id (remote backends) or a model file path (the local backend)."""
    base_url: str | None = None
    api_key_env: str | None = None
    """The name of the environment variable holding the API key."""
    extra: Mapping[str, Any] = field(default_factory=dict)


Factory = Callable[[BackendOptions], Backend]


def _always_ready() -> bool:
    return True


def _options_from(description: Mapping[str, Any]) -> BackendOptions:
    def text(key: str) -> str | None:
        value = description.get(key)
        return str(value) if value else None

    return BackendOptions(
        model=text("model"), base_url=text("base_url"), api_key_env=text("api_key_env")
    )


@dataclass(frozen=True)
class BackendSpec:
    name: str
    factory: Factory
    summary: str
    auto_rank: int | None = None
    """`auto` may pick this backend (highest rank first, among the ready ones)."""
    ready: Callable[[], bool] = _always_ready
    """For `auto`: whether this backend can be used as things stand (a key is set, say)."""
    options_from: Callable[[Mapping[str, Any]], BackendOptions] = _options_from
    """Options that rebuild the backend from its recorded `describe()` (for resume)."""
    auto_notice: str = ""
    """One line to show when `auto` picks this backend (why, and how to choose another)."""
    can_judge: bool = True
    """Whether `auto` may use it as the eval judge (a tiny model's verdicts are noise)."""
    prompt_style: str = "full"
    """The prompt style its backends use (`Backend.prompt_style`), known without building one
    (for `--dry-run`, which loads no model)."""

    def create(self, options: BackendOptions) -> Backend:
        return self.factory(options)


_LOCK = threading.Lock()
_SPECS: dict[str, BackendSpec] = {}
_loaded = False


def register_backend(
    name: str,
    *,
    summary: str,
    auto_rank: int | None = None,
    ready: Callable[[], bool] = _always_ready,
    options_from: Callable[[Mapping[str, Any]], BackendOptions] = _options_from,
    auto_notice: str = "",
    can_judge: bool = True,
    prompt_style: str = "full",
) -> Callable[[Factory], Factory]:
    """Decorator: register `factory` as the backend `name` (see `BackendSpec`)."""

    def decorate(factory: Factory) -> Factory:
        if name == AUTO:
            raise ValueError(f"{AUTO!r} is reserved")
        spec = BackendSpec(
            name,
            factory,
            summary,
            auto_rank,
            ready,
            options_from,
            auto_notice,
            can_judge,
            prompt_style,
        )
        with _LOCK:
            _SPECS[name] = spec
        return factory

    return decorate


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    import_module("net_skill.backends.providers")
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            entry.load()
        except Exception as exc:  # a broken plugin must not break the built-in backends
            raise ConfigurationError(
                f"the backend plugin {entry.name!r} ({entry.value}) failed to load: {exc}"
            ) from exc


def _specs() -> dict[str, BackendSpec]:
    _load()
    with _LOCK:
        return dict(_SPECS)


def backend_names() -> tuple[str, ...]:
    """`auto` and every registered backend, in registration order."""
    return (AUTO, *_specs())


def backend_spec(name: str) -> BackendSpec:
    specs = _specs()
    if name not in specs:
        raise ConfigurationError(
            f"unknown backend {name!r}; choose one of: {', '.join(backend_names())}"
        )
    return specs[name]


def resolve_backend_name(name: str = AUTO) -> str:
    """The concrete backend `name` stands for (`auto`: the best ready one)."""
    if name != AUTO:
        return backend_spec(name).name
    ranked = sorted(
        (s for s in _specs().values() if s.auto_rank is not None),
        key=lambda s: -(s.auto_rank or 0),
    )
    for spec in ranked:
        if spec.ready():
            return spec.name
    raise ConfigurationError("no backend is available for 'auto'; choose one with --backend")


def backend_prompt_style(name: str = AUTO) -> str:
    """The prompt style the backend `name` stands for uses, without building it."""
    return backend_spec(resolve_backend_name(name)).prompt_style


def auto_notice(name: str) -> str | None:
    """The line to show when `name` is `auto` and the backend it picks has a notice."""
    if name != AUTO:
        return None
    return backend_spec(resolve_backend_name(AUTO)).auto_notice or None


def create_backend(name: str = AUTO, options: BackendOptions | None = None) -> Backend:
    """Build the backend `name` (see `resolve_backend_name`).

    Raises `ConfigurationError` when the choice cannot work (no API key, an extra missing).
    """
    return backend_spec(resolve_backend_name(name)).create(options or BackendOptions())


def select_backend(name: str = AUTO, model: str | None = None) -> Backend:
    """`create_backend` with only a model: a Claude model id for `anthropic`, a GGUF file path
    for `local`, a label for `fake`."""
    return create_backend(name, BackendOptions(model=model))


def backend_from_description(description: Mapping[str, Any]) -> Backend:
    """Rebuild a backend from what its `describe()` recorded (its name and options)."""
    name = str(description.get("backend") or AUTO)
    if name not in _specs():
        return create_backend(AUTO)
    spec = backend_spec(name)
    return spec.create(spec.options_from(description))
