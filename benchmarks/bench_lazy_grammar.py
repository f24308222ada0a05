"""Generation speed under a JSON-schema grammar: llama-cpp-python's chain versus the lazy check.

On LocalBackend's own model and settings, two step prompts (Purpose, NetworkAudit) are answered
by three paths, in turn so that load from other processes hits them alike:
- chain: `Llama.create_completion(grammar=...)`, the grammar in the sampler chain (before);
- lazy: `_lazy_grammar.generate`, what LocalBackend now runs (after);
- free: `create_completion` without a grammar, the ceiling (its answers differ).

Each call starts with its prompt already evaluated, so the time is the generation's alone.
Reported: tokens/s of every call, the median per path and prompt, and whether chain and lazy
gave the same text.

    python benchmarks/bench_lazy_grammar.py [--repeats 3] [--temperature 0] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from net_skill.backends import local
from net_skill.backends._lazy_grammar import generate
from net_skill.backends.base import CompletionRequest, Message
from net_skill.skills.networking.models import NetworkAudit, Purpose

SITUATION = (
    "I'm Priya, a backend engineer with six years at a payments startup in Austin. I want to "
    "move into developer relations within a year. My former manager Dana Ortiz now leads the "
    "platform team at Stripe, and I met Luis Romero, a DevRel lead at Twilio, at PyTexas last "
    "spring. I give talks at the Austin Python meetup and write a small blog about APIs."
)
SYSTEM = (
    "You apply a networking procedure to one person's situation, one step at a time, and answer "
    f"each step with one JSON object. Never invent people.\n\n<situation>\n{SITUATION}\n"
    "</situation>\n"
)
MAX_TOKENS = 400


def step(name: str, schema: dict[str, Any], ask: str) -> CompletionRequest:
    return CompletionRequest(
        system=SYSTEM,
        messages=(
            Message(
                "user",
                f"{ask} Answer with one JSON object in the {name} format, following this JSON "
                f"schema:\n{json.dumps(schema)}",
            ),
        ),
        schema=schema,
        schema_name=name,
        max_tokens=MAX_TOKENS,
    )


STEPS = [
    step("Purpose", Purpose.model_json_schema(), "Step 1 of 8: Define your networking purpose."),
    step("NetworkAudit", NetworkAudit.model_json_schema(), "Step 2 of 8: Audit your network."),
]

Path = Callable[[Any, list[int], CompletionRequest], tuple[str, int]]


def paths(temperature: float, seed: int) -> dict[str, Path]:
    def completion(grammar: bool) -> Path:
        def run(llama: Any, prompt: list[int], request: CompletionRequest) -> tuple[str, int]:
            result = llama.create_completion(
                prompt=prompt,
                max_tokens=request.max_tokens,
                temperature=temperature,
                seed=seed,
                repeat_penalty=local.REPEAT_PENALTY,
                grammar=local._grammar(json.dumps(request.schema)) if grammar else None,
            )
            return result["choices"][0]["text"], result["usage"]["completion_tokens"]

        return run

    def lazy(llama: Any, prompt: list[int], request: CompletionRequest) -> tuple[str, int]:
        generation = generate(
            llama,
            prompt,
            local._grammar(json.dumps(request.schema)),
            max_tokens=request.max_tokens,
            temperature=temperature,
            seed=seed,
            repeat_penalty=local.REPEAT_PENALTY,
            cancelled=lambda: False,
        )
        text = llama.detokenize(generation.tokens, prev_tokens=prompt)
        return text.decode("utf-8", errors="ignore"), len(generation.tokens)

    return {"chain": completion(grammar=True), "lazy": lazy, "free": completion(grammar=False)}


def timed(model: Any, path: Path, request: CompletionRequest) -> tuple[str, int, float]:
    prompt = model.prompt_tokens(request)
    model.llama.reset()
    model.llama.eval(prompt)  # the prompt is cached: the call below only generates
    started = time.perf_counter()
    text, tokens = path(model.llama, prompt, request)
    return text, tokens, time.perf_counter() - started


def main(repeats: int, temperature: float, seed: int) -> None:
    backend = local.LocalBackend()
    model = local._load(backend._key)
    settings = backend.describe()
    print(
        f"{backend.model}: {settings['n_generation_threads']} generation thread(s), "
        f"temperature {temperature}, seed {seed}, {repeats} calls per path and step"
    )
    speeds: dict[tuple[str, str], list[float]] = {}
    texts: dict[tuple[str, str], set[str]] = {}
    for request in STEPS:
        for repeat in range(repeats):
            for name, path in paths(temperature, seed).items():
                text, tokens, seconds = timed(model, path, request)
                speeds.setdefault((request.schema_name, name), []).append(tokens / seconds)
                texts.setdefault((request.schema_name, name), set()).add(text)
                print(
                    f"  {request.schema_name:<13} {name:<6} #{repeat + 1}  {tokens:>4} tokens "
                    f"{seconds:6.2f} s  {tokens / seconds:6.1f} tokens/s",
                    flush=True,
                )
    print("median tokens/s (chain = before, lazy = after, free = no grammar):")
    for request in STEPS:
        step_name = request.schema_name
        chain, lazy, free = (
            statistics.median(speeds[(step_name, n)]) for n in ("chain", "lazy", "free")
        )
        same = texts[(step_name, "chain")] == texts[(step_name, "lazy")]
        print(
            f"  {step_name:<13} chain {chain:5.1f}  lazy {lazy:5.1f} ({lazy / chain - 1:+.0%})  "
            f"free {free:5.1f}  lazy text {'identical to' if same else 'DIFFERENT from'} chain"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--temperature", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    main(args.repeats, args.temperature, args.seed)
