"""FakeBackend: a scripted or function-driven backend for tests, benchmarks and embedding.

With no script it answers every request with the smallest document that satisfies the
request's JSON schema (like pydantic-ai's TestModel), so any skill runs end to end offline.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import json
from collections import deque
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from typing import Any, TypeAlias

from typing_extensions import override

from net_skill.backends.base import (
    Backend,
    Completion,
    CompletionRequest,
    Usage,
    approx_tokens,
)

FakeAnswer: TypeAlias = str | Mapping[str, Any] | BaseException
Responder: TypeAlias = Callable[[CompletionRequest], FakeAnswer | Awaitable[FakeAnswer]]


class FakeBackend(Backend):
    """A backend that never leaves the process.

    script: answers handed out in order (a sequence), or per request tag (a mapping of tag to
        a sequence or a single answer). An answer is JSON text, a dict (serialised), or an
        exception to raise.
    responder: a function of the request returning an answer; used when the script has none.
    latency: seconds each call sleeps, to simulate a remote model.
    record_calls: keep every request in `calls` (turn off for long batches: memory grows).
    """

    name = "fake"

    def __init__(
        self,
        script: Sequence[FakeAnswer]
        | Mapping[str, FakeAnswer | Sequence[FakeAnswer]]
        | None = None,
        *,
        responder: Responder | None = None,
        latency: float = 0.0,
        model: str = "fake-model",
        max_concurrency: int | None = None,
        record_calls: bool = True,
    ) -> None:
        self.model = model
        self.latency = latency
        self.max_concurrency = max_concurrency
        self.responder = responder
        self.record_calls = record_calls
        self.calls: list[CompletionRequest] = []
        self._queue: deque[FakeAnswer] = deque()
        self._by_tag: dict[str, deque[FakeAnswer]] = {}
        if isinstance(script, Mapping):
            for tag, answers in script.items():
                if isinstance(answers, str | Mapping | BaseException):
                    self._by_tag[tag] = deque([answers])
                else:
                    self._by_tag[tag] = deque(answers)
        elif script is not None:
            self._queue.extend(script)

    async def complete(self, request: CompletionRequest) -> Completion:
        if self.record_calls:
            self.calls.append(request)
        if self.latency:
            await asyncio.sleep(self.latency)
        answer = await self._next_answer(request)
        if isinstance(answer, BaseException):
            raise answer
        text = answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)
        prompt_text = request.system + "".join(m.content for m in request.messages)
        usage = Usage(input_tokens=approx_tokens(prompt_text), output_tokens=approx_tokens(text))
        return Completion(
            text=text,
            usage=usage,
            model=self.model,
            stop_reason="end_turn",
            cost_usd=0.0,
            latency_s=self.latency,
        )

    async def _next_answer(self, request: CompletionRequest) -> FakeAnswer:
        tagged = self._by_tag.get(request.tag)
        if tagged:
            return tagged.popleft() if len(tagged) > 1 else tagged[0]
        if self._queue:
            return self._queue.popleft()
        if self.responder is not None:
            result = self.responder(request)
            if inspect.isawaitable(result):
                return await result
            return result
        instance: dict[str, Any] = minimal_instance(request.schema)
        return instance

    @override
    def estimate_cost(self, usage: Usage) -> float | None:
        return 0.0


_FILLER = "Sample answer {word} (fake)."
_WORDS = [
    "alder",
    "amber",
    "birch",
    "cedar",
    "cobalt",
    "coral",
    "dune",
    "ember",
    "fern",
    "flint",
    "garnet",
    "hazel",
    "indigo",
    "ivory",
    "jade",
    "juniper",
    "kelp",
    "linen",
    "maple",
    "moss",
    "nickel",
    "ochre",
    "pearl",
    "quartz",
    "rowan",
    "sage",
]


def _filler(number: int, field: str = "") -> str:
    """Texts that differ in words, not only in a number (word checks ignore digits); a
    question where the field holds questions (checks may ask that a question asks)."""
    first, second = _WORDS[number % len(_WORDS)], _WORDS[(number // len(_WORDS)) % len(_WORDS)]
    text = _FILLER.format(word=f"{first} {second}")
    return text[:-1] + "?" if "question" in field else text


def minimal_instance(schema: Mapping[str, Any]) -> Any:
    """The smallest JSON value that satisfies `schema` (objects fill every property).

    Texts differ (`Sample answer amber alder (fake).`, `Sample answer birch alder (fake).`) so
    that no two fields hold the same text: one text pasted into many fields is itself a defect
    the answer checks catch. They are short, so that two of them are not one long text with a
    word changed, which the checks also catch.
    """
    defs: Mapping[str, Any] = schema.get("$defs", {})
    return _instance(schema, defs, itertools.count(1))


def _instance(
    schema: Mapping[str, Any], defs: Mapping[str, Any], counter: Iterator[int], field: str = ""
) -> Any:
    if "$ref" in schema:
        return _instance(defs[schema["$ref"].rsplit("/", 1)[-1]], defs, counter, field)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            if key != "allOf" and any(o.get("type") == "null" for o in schema[key]):
                return None  # the smallest value; also keeps optional names unset (never invented)
            options = [o for o in schema[key] if o.get("type") != "null"] or schema[key]
            return _instance(options[0], defs, counter, field)
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        props: Mapping[str, Any] = schema.get("properties", {})
        return {name: _instance(sub, defs, counter, name) for name, sub in props.items()}
    if kind == "array":
        count = max(int(schema.get("minItems", 1)), 1)
        count = min(count, int(schema.get("maxItems", count)))
        return [_instance(schema.get("items", {}), defs, counter, field) for _ in range(count)]
    if kind == "string":
        low = int(schema.get("minLength", 0))
        filler = _filler(next(counter), field)
        high = int(schema.get("maxLength", len(filler)))
        return (filler * (1 + low // len(filler)))[: max(low, min(high, len(filler)))]
    if kind == "integer":
        return int(schema.get("minimum", schema.get("exclusiveMinimum", -1) + 1))
    if kind == "number":
        return float(schema.get("minimum", 0.0))
    if kind == "boolean":
        return False
    return None
