"""A content-addressed cache of generated plans, so re-scoring never pays for generation again.

The key is the sha256 of everything that decides what the generator produces: backend name and
model, the prompt templates (`templates_fingerprint()`), the output schemas, the skill's source
text, the situation (and contacts), `today`, the epoch and the variant (`chain` or
`single-prompt`). The epoch is part of the key on purpose: repeats of one case are separate
samples and must never replay one cached answer.

Entries are JSON files `<root>/<key[:2]>/<key>.json`, written atomically (temporary file synced
to disk, then `os.replace`), so an interrupted run never leaves half an entry behind, and
redacted (no API key, even one typed into a situation). An unreadable entry counts as absent.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from net_skill._files import write_atomically
from net_skill._redact import redact
from net_skill.errors import InputError
from net_skill.outputs import Plan, schema_of
from net_skill.profile import profile_for, profile_for_plan
from net_skill.prompts import templates_fingerprint
from net_skill.skill import Skill
from net_skill.usage import Usage

CACHE_FORMAT = 2


def schemas_fingerprint(skill: Skill) -> str:
    """A hash of every output schema the generator is asked for on `skill` (steps, plan and
    the single-prompt answer), from the skill's profile."""
    profile = profile_for(skill)
    models: list[type[BaseModel]] = [s.output_type for s in profile.steps(skill).values()]
    models += [profile.plan_type, profile.single_prompt(skill).output_type]
    text = json.dumps([schema_of(m) for m in models], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def generation_key(
    *,
    backend: str,
    model: str,
    skill_source: str,
    schemas: str,
    situation: str,
    contacts: str | None,
    today: date,
    epoch: int,
    variant: str,
) -> str:
    """The cache key of one generation (hex sha256)."""
    material = {
        "format": CACHE_FORMAT,
        "backend": backend,
        "model": model,
        "templates": templates_fingerprint(),
        "schemas": schemas,
        "skill": hashlib.sha256(skill_source.encode()).hexdigest(),
        "situation": situation,
        "contacts": contacts,
        "today": today.isoformat(),
        "epoch": epoch,
        "variant": variant,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class CachedGeneration:
    """One generated plan with what it cost to make."""

    key: str
    plan: Plan
    usage: Usage
    cost_usd: float | None
    elapsed_s: float
    model: str
    variant: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": CACHE_FORMAT,
            "key": self.key,
            "variant": self.variant,
            "model": self.model,
            "usage": self.usage.to_dict(),
            "cost_usd": self.cost_usd,
            "elapsed_s": round(self.elapsed_s, 4),
            "plan": self.plan.model_dump(mode="json"),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CachedGeneration:
        plan = data["plan"]
        return cls(
            key=str(data["key"]),
            plan=profile_for_plan(plan).parse_plan(plan),
            usage=Usage.from_dict(data.get("usage") or {}),
            cost_usd=data.get("cost_usd"),
            elapsed_s=float(data.get("elapsed_s") or 0.0),
            model=str(data.get("model") or ""),
            variant=str(data.get("variant") or "chain"),
        )


class GenerationCache:
    """Plans on disk under `root`, one JSON file per key."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def check_writable(self) -> None:
        """Raise `InputError` now if entries cannot be written (not after paying for a plan)."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            handle, probe = tempfile.mkstemp(dir=self.root, prefix=".probe-")
            os.close(handle)
            os.unlink(probe)
        except OSError as exc:
            raise InputError(
                f"the plan cache {self.root} is not writable: {exc.strerror or exc}"
            ) from None

    def path_for(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> CachedGeneration | None:
        """The cached generation, or None when absent or unreadable (a stale format)."""
        path = self.path_for(key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return CachedGeneration.from_dict(data)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, ValidationError):
            return None

    def put(self, entry: CachedGeneration) -> Path:
        path = self.path_for(entry.key)
        path.parent.mkdir(parents=True, exist_ok=True)
        return write_atomically(path, redact(json.dumps(entry.to_dict(), ensure_ascii=False)))
