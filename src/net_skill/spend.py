"""Spending caps (`--max-cost USD`): no call starts that could take the spend past the cap.

    limit = CostLimit(5.00)
    backend = CostGuard(create_backend("anthropic"), limit)    # every call now goes through it

Before each call the guard reserves that call's worst case: its prompt at the input price plus
`max_tokens` at the output price (`Backend.estimate_cost`). If what was spent, plus what calls
in flight have reserved, plus this would pass the cap, the call does not start and
`CostLimitError` is raised. When the call ends, its reservation is replaced by what it really
cost: a valid answer, one that fails validation (a re-ask follows), a `NoAnswerError`'s tokens;
a call that failed before any answer cost nothing. So the cap holds even with concurrent
calls, and the spend counts failed attempts. Several backends (an evaluation's generator and
judge) share one `CostLimit`.

An unknown price is a reason to refuse, not a zero: a backend whose `estimate_cost` is None is
refused before anything runs (`check_priced`), and after a call whose cost came back unknown no
further call starts, unless `allow_unknown` says to let such calls through, counting them as
nothing. The embedded model and the fake backend cost 0.0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from typing_extensions import override

from net_skill.backends.base import Backend, Completion, CompletionRequest
from net_skill.errors import CostLimitError, InputError, NoAnswerError
from net_skill.usage import Usage

__all__ = ["CostGuard", "CostLimit", "guarded", "worst_case_cost"]

ALLOW_HINT = "pass --allow-unknown-cost (allow_unknown_cost=True) to run anyway"


@dataclass
class CostLimit:
    """The cap and what has been spent and reserved against it (US dollars)."""

    limit_usd: float
    allow_unknown: bool = False
    spent_usd: float = 0.0
    reserved_usd: float = 0.0
    unknown_calls: int = 0
    """Calls whose cost could not be known (let through only with `allow_unknown`)."""
    refused: str | None = None
    """The message of the first refusal; once set, callers should start nothing new."""

    def __post_init__(self) -> None:
        if self.limit_usd < 0:
            raise InputError(f"max_cost_usd must be 0 or more, not {self.limit_usd}")

    @property
    def reached(self) -> bool:
        return self.refused is not None

    def _refuse(self, message: str) -> CostLimitError:
        self.refused = self.refused or message
        return CostLimitError(message, spent_usd=self.spent_usd, limit_usd=self.limit_usd)

    def check_priced(self, backend: Backend, role: str = "backend") -> None:
        """Refuse up front a backend whose price is unknown (unless unknown prices are allowed)."""
        if self.allow_unknown or backend.estimate_cost(Usage(1, 1)) is not None:
            return
        raise self._refuse(
            f"--max-cost ${self.limit_usd:g} cannot be kept: the price of the {role} "
            f"({backend.name} model {backend.model!r}) is unknown; {ALLOW_HINT}"
        )

    def add_prior(self, cost_usd: float | None) -> None:
        """Count what earlier sessions spent (a resumed run)."""
        if cost_usd is None:
            self.unknown_calls += 1
        else:
            self.spent_usd += cost_usd

    def reserve(self, worst_usd: float | None, what: str) -> float:
        """Reserve a call's worst case, or raise `CostLimitError` if it could pass the cap."""
        if worst_usd is None or self.unknown_calls:
            if not self.allow_unknown:
                reason = (
                    "an earlier call's cost is unknown"
                    if self.unknown_calls
                    else f"the cost of {what} is unknown"
                )
                raise self._refuse(f"--max-cost ${self.limit_usd:g}: {reason}; {ALLOW_HINT}")
            worst_usd = worst_usd or 0.0
        committed = self.spent_usd + self.reserved_usd
        if committed + worst_usd > self.limit_usd:
            raise self._refuse(
                f"--max-cost ${self.limit_usd:g} reached: ${self.spent_usd:.4f} spent"
                + (
                    f" and ${self.reserved_usd:.4f} held by calls in flight"
                    if self.reserved_usd
                    else ""
                )
                + f"; {what} could cost up to ${worst_usd:.4f}, so it was not started"
            )
        self.reserved_usd += worst_usd
        return worst_usd

    def settle(self, reserved_usd: float, actual_usd: float | None) -> None:
        """Replace a reservation by what the call really cost (None: unknown)."""
        self.reserved_usd = max(0.0, self.reserved_usd - reserved_usd)
        if actual_usd is None:
            self.unknown_calls += 1
        else:
            self.spent_usd += actual_usd


def worst_case_cost(backend: Backend, request: CompletionRequest) -> float | None:
    """The most `request` can cost on `backend`: its prompt at the input price plus
    `max_tokens` at the output price (None: the price is unknown)."""
    prompt = request.system + "".join(m.content for m in request.messages)
    usage = Usage(input_tokens=backend.count_tokens(prompt), output_tokens=request.max_tokens)
    return backend.estimate_cost(usage)


class CostGuard(Backend):
    """`inner`, with every call checked against and counted in `limit`."""

    def __init__(self, inner: Backend, limit: CostLimit) -> None:
        self.inner = inner
        self.limit = limit
        # Every plain attribute the contract declares (name, model, max_concurrency,
        # context_window, prompt_style, ...), including ones added later, reads as the inner's.
        for attribute, declared in vars(Backend).items():
            if not attribute.startswith("_") and not callable(declared):
                setattr(self, attribute, getattr(inner, attribute))

    def worst_case(self, request: CompletionRequest) -> float | None:
        return worst_case_cost(self.inner, request)

    @override
    async def complete(self, request: CompletionRequest) -> Completion:
        what = f"the next call ({request.tag or request.schema_name})"
        reserved = self.limit.reserve(self.worst_case(request), what)
        try:
            completion = await self.inner.complete(request)
        except NoAnswerError as error:
            self.limit.settle(reserved, error.cost_usd)
            raise
        except BaseException:
            self.limit.settle(reserved, 0.0)
            raise
        self.limit.settle(reserved, completion.cost_usd)
        return completion

    @override
    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    @override
    def estimate_cost(self, usage: Usage) -> float | None:
        return self.inner.estimate_cost(usage)

    @override
    def describe(self) -> dict[str, Any]:
        return self.inner.describe()

    @override
    async def aclose(self) -> None:
        await self.inner.aclose()


def guarded(
    backend: Backend,
    max_cost_usd: float | None,
    *,
    allow_unknown_cost: bool = False,
    prior_cost_usd: float | None = 0.0,
    limit: CostLimit | None = None,
) -> Backend:
    """`backend` under a cap of `max_cost_usd` (unchanged when there is none).

    `prior_cost_usd` is what earlier sessions spent; `limit` shares an existing cap instead.
    Raises `CostLimitError` at once when the backend's price is unknown and not allowed.
    """
    if limit is None:
        if max_cost_usd is None:
            return backend
        limit = CostLimit(max_cost_usd, allow_unknown=allow_unknown_cost)
        limit.add_prior(prior_cost_usd)
    limit.check_priced(backend)
    return CostGuard(backend, limit)
