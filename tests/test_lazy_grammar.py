"""The lazy grammar check picks the tokens llama-cpp-python's own sampler chain picks.

Without the model: random logits and random "grammars" (a Python sampler that allows a random
set of tokens), against the chain run over the whole vocabulary, token by token with the same
random draws. With the model: real steps through both paths, token for token.
"""

from __future__ import annotations

import ctypes
import json
from collections.abc import Callable
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import numpy as np
import pytest

from net_skill.backends import local
from net_skill.backends.base import CompletionRequest, Message
from net_skill.skills.networking.models import NetworkAudit
from tests.test_local_backend import SITUATION, _purpose_request

llama_cpp = pytest.importorskip("llama_cpp")
from llama_cpp import llama_cpp as ll  # noqa: E402  (after the skip)
from llama_cpp._internals import CustomSampler  # noqa: E402

from net_skill.backends import _lazy_grammar  # noqa: E402

N_VOCAB = 49152
WINDOW = 64


class _RandomGrammar:
    """A sampler that allows the tokens of `allowed` (changed between tokens), as a grammar."""

    def __init__(self) -> None:
        self.allowed = np.ones(N_VOCAB, dtype=bool)
        self._custom = CustomSampler(self._apply)
        self.sampler = self._custom.get_sampler()

    def _apply(self, array: Any) -> None:
        size = array.contents.size
        if size:
            data = np.ctypeslib.as_array(array.contents.data, shape=(size,))
            data["logit"][~self.allowed[data["id"]]] = -np.inf


def _step_logits(rng: np.random.Generator) -> np.ndarray[Any, np.dtype[np.float32]]:
    """Logits shaped like a small model's: a broad mass and a few tokens well above it."""
    logits = rng.normal(0.0, 3.0, N_VOCAB)
    peaks = rng.integers(0, N_VOCAB, rng.integers(1, 12))
    logits[peaks] += rng.uniform(4.0, 18.0, peaks.size)
    return logits.astype(np.float32)


def _step_allowed(rng: np.random.Generator, logits: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Allowed sets from one token (structure) to almost all (inside a string), sometimes only
    far below the best token (the grammar forcing a word the model does not expect)."""
    density = rng.choice([0.0, 0.0002, 0.003, 0.05, 0.5, 0.98])
    allowed = rng.random(N_VOCAB) < density
    if rng.random() < 0.3:
        allowed &= logits < logits.max() - rng.uniform(0.0, 15.0)
    if not allowed.any():
        allowed[rng.integers(0, N_VOCAB)] = True
    return allowed


def _chain_pick(samplers: dict[str, Any], grammar: Any, logits: np.ndarray[Any, Any]) -> int:
    """llama-cpp-python's chain over the whole vocabulary: penalties, grammar, the rest."""
    data = np.zeros(N_VOCAB, dtype=_lazy_grammar._TOKEN_DATA)
    data["id"], data["logit"] = np.arange(N_VOCAB), logits
    array = ll.llama_token_data_array(
        data=data.ctypes.data_as(ll.llama_token_data_p), size=N_VOCAB, selected=-1, sorted=False
    )
    for sampler in (samplers["penalties"], grammar, samplers["tail"]):
        ll.llama_sampler_apply(sampler, ctypes.byref(array))
    if samplers["greedy"]:
        return int(np.argmax(data["logit"]))
    return int(array.data[array.selected].id)


def _samplers(temperature: float, seed: int) -> dict[str, Any]:
    samplers: dict[str, Any] = {
        "penalties": ll.llama_sampler_init_penalties(N_VOCAB, WINDOW, local.REPEAT_PENALTY, 0, 0),
        "greedy": temperature <= 0,
    }
    if temperature > 0:
        return samplers | _lazy_grammar._sampling_samplers(temperature, seed)
    return samplers | {"tail": ll.llama_sampler_init_greedy()}  # then the pick is the argmax


def _free(samplers: dict[str, Any]) -> None:
    for sampler in samplers.values():
        if not isinstance(sampler, bool):
            ll.llama_sampler_free(sampler)


@pytest.mark.parametrize(("temperature", "seed"), [(0.0, 0), (0.7, 1), (0.7, 2), (1.3, 3)])
def test_lazy_picks_equal_the_whole_vocabulary_chain(temperature: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    grammar = _RandomGrammar()
    lazy, chain = _samplers(temperature, seed), _samplers(temperature, seed)
    decoder = _lazy_grammar._Decoder(
        {**lazy, "grammar": grammar.sampler}, N_VOCAB, WINDOW, greedy=temperature <= 0
    )
    try:
        for _ in range(300):
            logits = _step_logits(rng)
            grammar.allowed = _step_allowed(rng, logits)
            if rng.random() < 0.2 and decoder._recent:  # a repeat, for the penalty
                logits[decoder._recent[-1]] += 20.0
            expected = _chain_pick(chain, grammar.sampler, logits)
            assert decoder.next_token(logits) == expected
            assert grammar.allowed[expected]
            ll.llama_sampler_accept(chain["penalties"], expected)
    finally:
        _free(lazy)
        _free(chain)


# --- with the real model ------------------------------------------------------------------


SYSTEM = (
    "You apply a networking procedure to one person's situation, one step at a time, and answer "
    f"each step with one JSON object. Never invent people.\n\n<situation>\n{SITUATION}\n"
    "</situation>\n"
)
"""A short system prompt, shared by the steps: the second one reuses its KV cache."""


def _audit_request() -> CompletionRequest:
    schema = NetworkAudit.model_json_schema()
    step = (
        "Step 2 of 8: Audit your current network. Answer with one JSON object in the "
        f"NetworkAudit format, following this JSON schema:\n{json.dumps(schema)}"
    )
    return CompletionRequest(
        system=SYSTEM,
        messages=(Message("user", step),),
        schema=schema,
        schema_name="NetworkAudit",
        max_tokens=500,
        tag="step-2",
    )


Run = tuple[str, str, list[int]]
"""The text, the finish reason, and the tokens in the KV cache afterwards."""


def _through(
    generate: Callable[[Any, list[int], CompletionRequest], tuple[str, str]],
    requests: list[CompletionRequest],
) -> list[Run]:
    """The requests one after the other from an empty cache (the later ones reuse the system
    prompt's cache) through one path."""
    model = local._load(local.LocalBackend()._key)
    model.llama.reset()
    runs = []
    for request in requests:
        text, finish = generate(model.llama, model.prompt_tokens(request), request)
        runs.append((text, finish, list(model.llama.eval_tokens)))
    return runs


def _llama_cpp_python(temperature: float, seed: int | None) -> Any:
    def generate(llama: Any, prompt: list[int], request: CompletionRequest) -> tuple[str, str]:
        result = llama.create_completion(
            prompt=prompt,
            max_tokens=request.max_tokens,
            temperature=temperature,
            seed=seed,
            repeat_penalty=local.REPEAT_PENALTY,
            grammar=local._grammar(json.dumps(request.schema)),
        )
        return result["choices"][0]["text"], result["choices"][0]["finish_reason"]

    return generate


def _lazy(temperature: float, seed: int | None) -> Any:
    def generate(llama: Any, prompt: list[int], request: CompletionRequest) -> tuple[str, str]:
        generation = _lazy_grammar.generate(
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
        return text.decode("utf-8", errors="ignore"), generation.finish_reason

    return generate


@pytest.mark.local_model
def test_greedy_steps_equal_llama_cpp_python_token_for_token() -> None:
    requests = [_purpose_request(system=SYSTEM), _audit_request()]
    expected = _through(_llama_cpp_python(0.0, None), requests)
    assert _through(_lazy(0.0, None), requests) == expected
    for (text, finish, _), request in zip(expected, requests, strict=True):
        assert finish == "stop"
        jsonschema.validate(json.loads(text), request.schema)


@pytest.mark.local_model
def test_sampled_steps_equal_llama_cpp_python_and_are_schema_valid() -> None:
    requests = [_purpose_request(system=SYSTEM)]
    finished = 0
    for seed in (1, 2):
        expected = _through(_llama_cpp_python(0.7, seed), requests)
        assert _through(_lazy(0.7, seed), requests) == expected
        for text, finish, _ in expected:
            if finish == "stop":
                finished += 1
                jsonschema.validate(json.loads(text), requests[0].schema)
    assert finished >= 1
