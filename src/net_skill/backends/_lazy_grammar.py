"""Grammar-constrained generation that asks the grammar only about the tokens it might pick.

llama-cpp-python puts the grammar sampler in its sampler chain, so on every token the grammar
judges all 49,152 tokens of SmolLM2's vocabulary, which adds a third to the time of a token.
Its verdict on a token does not depend on the other candidates, so, like llama.cpp's own
`common_sampler_sample`, this module asks it first about the model's own pick (greedy), then
about the tokens whose logits are within `MARGINS` of the best, and has it judge the whole
vocabulary only when those do not settle the choice (a few tokens in a hundred).

The tokens are those of llama-cpp-python's chain (repeat penalty over the last 64 generated
tokens, grammar, then greedy, or top-k 40, top-p 0.95, min-p 0.05, temperature and dist), with
the same random draws:
- greedy: the chain picks the allowed token of highest logit (lowest id on a tie), which is the
  first allowed one in that order;
- sampling: the chain truncates the allowed tokens only, so llama.cpp's shortcut (sample
  without the grammar, keep the token if the grammar allows it) would change the distribution.
  Instead the chain's own truncations and draw run on the best allowed tokens once the allowed
  tokens not yet found (all below the tier's bound) cannot change what the chain keeps: see
  `_Decoder._decided`. Ties between equal logits aside, the draws are then the chain's own.
"""

from __future__ import annotations

import ctypes
import math
import random
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
from llama_cpp import llama_cpp as ll

if TYPE_CHECKING:
    from llama_cpp.llama import Llama
    from llama_cpp.llama_grammar import LlamaGrammar

TOP_K = 40
TOP_P = 0.95
MIN_P = 0.05
"""llama-cpp-python's `create_completion` defaults, the chain used above temperature 0."""
MARGINS = (6.0, 12.0)
"""Tiers of candidates, by logit below the best token, that the grammar judges in turn (each in
one call, far cheaper per token than one call per token) before it judges the vocabulary."""
_MIN_P_MARGIN = 1e-3
"""Slack on min-p's cut, which llama.cpp computes in single precision."""

_TOKEN_DATA = np.dtype([("id", np.int32), ("logit", np.float32), ("p", np.float32)], align=True)
Logits = npt.NDArray[np.float32]
_DEAD_END = "the grammar allows no token at this point of the answer"


@dataclass(frozen=True)
class Generation:
    tokens: list[int]
    """The generated tokens, without the end-of-generation token."""
    finish_reason: Literal["stop", "length", "cancelled"]


def generate(
    llama: Llama,
    prompt: Sequence[int],
    grammar: LlamaGrammar,
    *,
    max_tokens: int,
    temperature: float,
    seed: int | None,
    repeat_penalty: float,
    cancelled: Callable[[], bool],
) -> Generation:
    """Generate under `grammar` as `llama.create_completion(prompt, ...)` would, with the same
    KV-cache reuse, evaluation of tokens and state left behind; `cancelled` is polled after
    every token."""
    seed = _completion_seed(llama, seed)
    max_tokens = _token_budget(llama, len(prompt), max_tokens)
    pending = _uncached_suffix(llama, list(prompt))
    tokens: list[int] = []
    with _Decoder.open(llama, grammar, temperature, seed, repeat_penalty) as decoder:
        while True:
            llama.eval(pending)
            token = decoder.next_token(_last_logits(llama))
            if cancelled():
                return Generation(tokens, "cancelled")
            if ll.llama_vocab_is_eog(llama._model.vocab, token):
                return Generation(tokens, "stop")
            tokens.append(token)
            if len(tokens) >= max_tokens:
                return Generation(tokens, "length")
            pending = [token]


def _last_logits(llama: Llama) -> Logits:
    pointer = ll.llama_get_logits_ith(llama._ctx.ctx, -1)
    logits: Logits = np.ctypeslib.as_array(pointer, shape=(llama._n_vocab,))
    return logits


def _token_budget(llama: Llama, prompt_tokens: int, max_tokens: int) -> int:
    """create_completion's: at most the rest of the context, which is also what 0 means."""
    room = int(llama._n_ctx) - prompt_tokens
    return room if max_tokens <= 0 else min(max_tokens, room)


def _completion_seed(llama: Llama, seed: int | None) -> int:
    if seed is None:  # as create_completion draws one, from the previous call's seed
        seed = random.Random(llama._seed).randint(0, 2**32)
    llama.set_seed(seed)
    return seed


def _uncached_suffix(llama: Llama, tokens: list[int]) -> list[int]:
    """The tokens still to evaluate after keeping the longest cached prefix of `tokens`: the
    prefix reuse of `Llama.generate`, so that either path leaves the cache the other expects."""
    if llama.n_tokens > 0:
        common = 0
        for cached, token in zip(llama._input_ids, tokens, strict=False):
            if cached != token:
                break
            common += 1
        consumed = common == len(tokens)
        if consumed and llama.n_tokens == len(tokens) and not llama._requires_eval:
            return []  # the logits of the last decode are this prompt's
        keep = common - 1 if consumed else common  # one token re-evaluated for fresh logits
        if keep > 0 and llama._ctx.kv_cache_seq_rm(-1, keep, -1):
            llama.n_tokens = keep
            llama._requires_eval = True
            return tokens[keep:]
    llama.reset()  # type: ignore[no-untyped-call]  # unannotated in llama-cpp-python
    return tokens


class _Candidates:
    """A native `llama_token_data_array` over a numpy buffer."""

    def __init__(self, capacity: int) -> None:
        self.data = np.zeros(capacity, dtype=_TOKEN_DATA)
        self._start = self.data.ctypes.data_as(ll.llama_token_data_p)
        # Any: the bindings declare `data` an array, but it is a pointer
        self._array: Any = ll.llama_token_data_array(
            data=self._start, size=0, selected=-1, sorted=False
        )

    def fill(self, ids: npt.ArrayLike, logits: npt.ArrayLike) -> None:
        self.data["id"][: np.size(ids)] = ids
        self.data["logit"][: np.size(ids)] = logits
        array = self._array
        array.data, array.size, array.selected, array.sorted = self._start, np.size(ids), -1, False

    def fill_apply(self, ids: npt.ArrayLike, logits: npt.ArrayLike, sampler: Any) -> int:
        self.fill(ids, logits)
        return self.apply(sampler)

    def apply(self, sampler: Any) -> int:
        """Run `sampler` on the array; the number of candidates it keeps."""
        ll.llama_sampler_apply(sampler, ctypes.byref(self._array))
        return int(self._array.size)

    def selected(self) -> int:
        """The token the last sampler selected; RuntimeError if the grammar allowed none."""
        chosen = self._array.data[self._array.selected]
        if chosen.logit == -math.inf:
            raise RuntimeError(_DEAD_END)
        return int(chosen.id)


class _Decoder:
    """The native samplers of one generation and the choice of each token."""

    def __init__(
        self, samplers: dict[str, Any], n_vocab: int, penalty_window: int, greedy: bool
    ) -> None:
        self._samplers = samplers
        self._recent: deque[int] = deque(maxlen=penalty_window)
        self._greedy = greedy
        self._ids = np.arange(n_vocab, dtype=np.int32)
        self._vocab = _Candidates(n_vocab)
        self._one = _Candidates(1)
        self._tier = _Candidates(n_vocab)
        self._best = _Candidates(TOP_K)

    @classmethod
    @contextmanager
    def open(
        cls,
        llama: Llama,
        grammar: LlamaGrammar,
        temperature: float,
        seed: int,
        repeat_penalty: float,
    ) -> Iterator[_Decoder]:
        with ExitStack() as native:

            def owned(sampler: Any) -> Any:
                if not sampler:
                    raise RuntimeError("llama.cpp could not create a sampler (grammar?)")
                native.callback(ll.llama_sampler_free, sampler)
                return sampler

            samplers = {
                "penalties": owned(
                    ll.llama_sampler_init_penalties(
                        llama._n_vocab, llama.last_n_tokens_size, repeat_penalty, 0.0, 0.0
                    )
                ),
                "grammar": owned(
                    ll.llama_sampler_init_grammar(
                        llama._model.vocab, grammar._grammar.encode(), grammar._root.encode()
                    )
                ),
            }
            if temperature > 0:
                samplers |= {k: owned(v) for k, v in _sampling_samplers(temperature, seed).items()}
            yield cls(samplers, llama._n_vocab, llama.last_n_tokens_size, greedy=temperature <= 0)

    def next_token(self, raw: Logits) -> int:
        """The next token, given the model's logits for it, accepted by the grammar."""
        logits = self._penalised(raw)
        token = self._pick(logits)
        ll.llama_sampler_accept(self._samplers["penalties"], token)
        ll.llama_sampler_accept(self._samplers["grammar"], token)
        self._recent.append(token)
        return token

    def _penalised(self, raw: Logits) -> Logits:
        """`raw` after the repeat penalty, which changes only the recent tokens (the penalties
        sampler's own window), so it runs on those alone."""
        logits: Logits = raw.copy()
        recent = np.unique(np.fromiter(self._recent, dtype=np.int32, count=len(self._recent)))
        if recent.size:
            self._tier.fill(recent, raw[recent])
            self._tier.apply(self._samplers["penalties"])
            logits[recent] = self._tier.data["logit"][: recent.size]
        return logits

    def _pick(self, logits: Logits) -> int:
        if self._greedy:
            best = int(np.argmax(logits))
            if self._allowed(best):
                return best
        top = logits.max()
        for margin in MARGINS:
            bound = np.float32(top - margin)  # no token outside the tier is above it
            allowed = self._allowed_among(np.flatnonzero(logits > bound), logits)
            if allowed.size and self._greedy:
                return int(allowed[0])
            best_allowed = allowed[:TOP_K].tolist()
            if best_allowed and self._decided(best_allowed, logits, float(bound)):
                return self._draw(best_allowed, logits)
        return self._pick_from_vocabulary(logits)

    def _allowed(self, token: int) -> bool:
        self._one.fill([token], [1.0])
        self._one.apply(self._samplers["grammar"])
        return bool(self._one.data["logit"][0] != -math.inf)

    def _allowed_among(self, ids: npt.NDArray[np.intp], logits: Logits) -> npt.NDArray[np.int32]:
        """The `ids` the grammar allows, highest logit first (lowest id first on a tie)."""
        self._tier.fill(ids, logits[ids])
        self._tier.apply(self._samplers["grammar"])
        judged = self._tier.data[: len(ids)]
        allowed = judged[judged["logit"] != -math.inf]
        ranked: npt.NDArray[np.int32] = allowed["id"][
            np.lexsort((allowed["id"], -allowed["logit"]))
        ]
        return ranked

    def _pick_from_vocabulary(self, logits: Logits) -> int:
        """The chain's own pick: the grammar judges every token (it does not reorder them)."""
        self._vocab.fill(self._ids, logits)
        self._vocab.apply(self._samplers["grammar"])
        if self._greedy:
            judged = self._vocab.data["logit"]
            best = int(np.argmax(judged))
            if judged[best] == -math.inf:
                raise RuntimeError(_DEAD_END)
            return best
        self._vocab.apply(self._samplers["tail"])
        return self._vocab.selected()

    def _decided(self, allowed: list[int], logits: Logits, highest_unchecked: float) -> bool:
        """Whether the chain keeps the same tokens whatever the allowed ones not yet found, all
        below `highest_unchecked`: top-k keeps 40, so those can only add to top-p's total (at
        most 40 - found tokens of that logit), and they are all cut by min-p once below its
        cut."""
        if len(allowed) == TOP_K:
            return True
        found = logits[allowed]
        kept_by_top_p = self._best.fill_apply(allowed, found, self._samplers["top_p"])
        unknown = [highest_unchecked] * (TOP_K - len(allowed))
        at_most = self._best.fill_apply([0] * TOP_K, [*found, *unknown], self._samplers["top_p"])
        if at_most == kept_by_top_p:
            return True
        return _below_min_p(highest_unchecked, found[0]) and (
            self._best.fill_apply(allowed, found, self._samplers["min_p"]) <= kept_by_top_p
        )

    def _draw(self, allowed: list[int], logits: Logits) -> int:
        self._best.fill(allowed, logits[allowed])
        self._best.apply(self._samplers["tail"])
        return self._best.selected()


def _below_min_p(logit: float, best_allowed: np.float32) -> bool:
    return logit < float(best_allowed) + math.log(MIN_P) - _MIN_P_MARGIN


def _sampling_samplers(temperature: float, seed: int) -> dict[str, Any]:
    """The chain after the grammar above temperature 0 ("tail"), and its top-p and min-p
    truncations on their own."""
    return {
        "tail": _chain(
            *_top_k_top_p(),
            _min_p(),
            ll.llama_sampler_init_temp(temperature),
            ll.llama_sampler_init_dist(seed),
        ),
        "top_p": _chain(*_top_k_top_p()),
        "min_p": _min_p(),
    }


def _top_k_top_p() -> list[Any]:
    """llama-cpp-python's first truncations, in its order: top-k, typical (off at 1.0), top-p."""
    return [
        ll.llama_sampler_init_top_k(TOP_K),
        ll.llama_sampler_init_typical(1.0, 1),
        ll.llama_sampler_init_top_p(TOP_P, 1),
    ]


def _min_p() -> Any:
    return ll.llama_sampler_init_min_p(MIN_P, 1)


def _chain(*samplers: Any) -> Any:
    chain = ll.llama_sampler_chain_init(ll.llama_sampler_chain_default_params())
    for sampler in samplers:
        ll.llama_sampler_chain_add(chain, sampler)
    return chain
