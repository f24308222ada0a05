"""The Message Batches endpoints of the fake API (`net_skill.testing.fakeapi`).

    POST /v1/messages/batches                 create: every request is answered at once, in
                                              memory, as `POST /v1/messages` would answer it
    GET  /v1/messages/batches/{id}            retrieve: `in_progress` for the first `polls`
                                              retrieves (and `processing_s` seconds), then `ended`
    GET  /v1/messages/batches/{id}/results    the `.jsonl` results, shuffled (never in order)
    POST /v1/messages/batches/{id}/cancel     cancel: requests not ended become `canceled`

Per-request faults come from a `BatchPlan`: `errored` / `expired` results at a seeded rate, or
forced for the first submission of a `custom_id` containing a given text. The counters tell how
often each `custom_id` and each distinct request body were submitted, so a test can check that
nothing was sent twice.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from net_skill.testing.dialects import DIALECTS, tokens

__all__ = ["BATCHES_PATH", "BatchPlan", "FakeBatches"]

BATCHES_PATH = "/v1/messages/batches"
_ROUTE = re.compile(r"^/v1/messages/batches/([A-Za-z0-9_]+)(/results|/cancel)?$")
RESULT_KINDS = ("errored", "expired")

Reply = tuple[int, bytes, str]
"""(status, body, content type)."""


@dataclass(frozen=True)
class BatchPlan:
    """How the fake batches behave.

    polls: retrieves answered `in_progress` before a batch ends.
    processing_s: seconds a batch takes at least.
    errored, expired: share of requests with that result (seeded by `custom_id` and submission).
    first_time: `{text: kind}`: the first submission of a `custom_id` containing `text` ends
        as `kind` ("errored", "expired" or "invalid", an error no resubmission fixes).
    """

    polls: int = 1
    processing_s: float = 0.0
    errored: float = 0.0
    expired: float = 0.0
    seed: int = 0
    first_time: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["first_time"] = dict(self.first_time)
        return data

    def decide(self, custom_id: str, occurrence: int) -> str:
        for text, kind in self.first_time.items():
            if text in custom_id and occurrence == 0:
                return kind
        rng = random.Random(f"{self.seed}:{custom_id}:{occurrence}")
        draw = rng.random()
        if draw < self.errored:
            return "errored"
        if draw < self.errored + self.expired:
            return "expired"
        return "ok"


@dataclass
class _Batch:
    id: str
    created: float
    lines: list[bytes]
    kinds: Counter[str]
    polls: int = 0
    canceled: bool = False


class FakeBatches:
    """The batches of one fake API (thread-safe)."""

    def __init__(
        self, plan: BatchPlan, responder: Callable[[Mapping[str, Any], Mapping[str, Any]], Any]
    ) -> None:
        self.plan = plan
        self.responder = responder
        self.lock = threading.Lock()
        self.batches: dict[str, _Batch] = {}
        self.submitted: Counter[str] = Counter()
        self.bodies: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()

    def stats(self) -> dict[str, Any]:
        with self.lock:
            return {
                "calls": dict(self.calls),
                "batches": len(self.batches),
                "requests_submitted": sum(self.submitted.values()),
                "distinct_custom_ids": len(self.submitted),
                "resubmitted_custom_ids": sum(1 for n in self.submitted.values() if n > 1),
                "duplicate_bodies": sum(n - 1 for n in self.bodies.values() if n > 1),
            }

    def handle(self, method: str, path: str, raw: bytes, base_url: str) -> Reply | None:
        """The answer to a batches request, or None when `path` is not one."""
        if path == BATCHES_PATH and method == "POST":
            return self.create(raw, base_url)
        match = _ROUTE.match(path)
        if match is None:
            return None
        batch_id, tail = match.groups()
        with self.lock:
            batch = self.batches.get(batch_id)
        if batch is None:
            return _error(404, "not_found_error", f"no batch {batch_id}")
        if tail == "/results" and method == "GET":
            return self.results(batch)
        if tail == "/cancel" and method == "POST":
            return self.cancel(batch, base_url)
        if tail is None and method == "GET":
            return self.retrieve(batch, base_url)
        return _error(405, "invalid_request_error", f"{method} {path} is not supported")

    def create(self, raw: bytes, base_url: str) -> Reply:
        try:
            requests = json.loads(raw)["requests"]
        except (ValueError, KeyError, TypeError):
            return _error(400, "invalid_request_error", "requests: a list is required")
        ids = [r.get("custom_id") for r in requests]
        if len(set(ids)) != len(ids):
            return _error(400, "invalid_request_error", "custom_id must be unique in a batch")
        dialect = DIALECTS["/v1/messages"]
        lines: list[bytes] = []
        kinds: Counter[str] = Counter()
        with self.lock:
            self.calls["create"] += 1
            batch_id = f"msgbatch_fake{len(self.batches) + 1:06d}"
            for request in requests:
                custom_id, params = str(request["custom_id"]), request["params"]
                body = json.dumps(params, sort_keys=True).encode()
                self.bodies[hashlib.sha256(body).hexdigest()] += 1
                kind = self.plan.decide(custom_id, self.submitted[custom_id])
                self.submitted[custom_id] += 1
                result = self._result(dialect, params, body, kind)
                kinds[result["type"]] += 1
                lines.append(json.dumps({"custom_id": custom_id, "result": result}).encode())
            random.Random(f"{self.plan.seed}:{batch_id}").shuffle(lines)
            batch = _Batch(batch_id, time.time(), lines, kinds)
            self.batches[batch_id] = batch
        return (
            200,
            json.dumps(self._body(batch, base_url, ended=False)).encode(),
            "application/json",
        )

    def _result(self, dialect: Any, params: Any, body: bytes, kind: str) -> dict[str, Any]:
        if kind == "expired":
            return {"type": "expired"}
        if kind in ("errored", "invalid"):
            error_type = "invalid_request_error" if kind == "invalid" else "overloaded_error"
            return {
                "type": "errored",
                "error": {
                    "type": "error",
                    "error": {"type": error_type, "message": f"fake batch fault: {kind}"},
                    "request_id": None,
                },
            }
        value = self.responder(params, dialect.schema(params))
        message, _ = dialect.answer(params, value, "ok", tokens(body.decode()))
        return {"type": "succeeded", "message": message}

    def _ended(self, batch: _Batch) -> bool:
        waited = time.time() - batch.created >= self.plan.processing_s
        return batch.canceled or (batch.polls > self.plan.polls and waited)

    def retrieve(self, batch: _Batch, base_url: str) -> Reply:
        with self.lock:
            self.calls["retrieve"] += 1
            batch.polls += 1
            body = self._body(batch, base_url, ended=self._ended(batch))
        return 200, json.dumps(body).encode(), "application/json"

    def cancel(self, batch: _Batch, base_url: str) -> Reply:
        with self.lock:
            self.calls["cancel"] += 1
            if not self._ended(batch):
                batch.canceled = True
                canceled = []
                for line in batch.lines:
                    item = json.loads(line)
                    item["result"] = {"type": "canceled"}
                    canceled.append(json.dumps(item).encode())
                batch.lines = canceled
                batch.kinds = Counter({"canceled": len(canceled)})
            body = self._body(batch, base_url, ended=False)
            body["processing_status"] = "canceling" if batch.canceled else body["processing_status"]
        return 200, json.dumps(body).encode(), "application/json"

    def results(self, batch: _Batch) -> Reply:
        with self.lock:
            self.calls["results"] += 1
            if not self._ended(batch):
                return _error(400, "invalid_request_error", "the batch has not ended")
            data = b"".join(line + b"\n" for line in batch.lines)
        return 200, data, "application/binary"

    def _body(self, batch: _Batch, base_url: str, *, ended: bool) -> dict[str, Any]:
        created = datetime.fromtimestamp(batch.created, UTC)
        total = len(batch.lines)
        counts = dict.fromkeys(("processing", "succeeded", "errored", "canceled", "expired"), 0)
        if ended:
            for kind, count in batch.kinds.items():
                counts[kind] = count
        else:
            counts["processing"] = total
        return {
            "id": batch.id,
            "type": "message_batch",
            "processing_status": "ended" if ended else "in_progress",
            "request_counts": counts,
            "created_at": created.isoformat(),
            "expires_at": (created + timedelta(hours=24)).isoformat(),
            "ended_at": datetime.now(UTC).isoformat() if ended else None,
            "archived_at": None,
            "cancel_initiated_at": created.isoformat() if batch.canceled else None,
            "results_url": f"{base_url}{BATCHES_PATH}/{batch.id}/results" if ended else None,
        }


def _error(status: int, error_type: str, message: str) -> Reply:
    body = {"type": "error", "error": {"type": error_type, "message": message}}
    return status, json.dumps(body).encode(), "application/json"
