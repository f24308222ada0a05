"""Load every skill file under a folder and count what the loader made of them.

    python benchmarks/bench_load_corpus.py FOLDER [--list]

Finds `SKILL.md` and `*.SKILL.md` files at any depth, loads each once with the parse cache
empty (a cold load) and prints: how many loaded, how many failed and why (a `SkillParseError`,
or any other exception, which is a loader bug), the warnings by kind, the steps and lettered
branches found, and the load times. `--list` adds one line per file. Exits 1 if any file failed
with something other than a `SkillParseError`, 0 otherwise.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from net_skill.errors import SkillParseError
from net_skill.loader import SkillWarning, _parse_cached, load_skill
from net_skill.skill import Skill


@dataclass(frozen=True)
class Loaded:
    path: Path
    ms: float
    skill: Skill | None = None
    error: str = ""
    crashed: bool = False


def load_one(path: Path) -> Loaded:
    _parse_cached.cache_clear()
    start = time.perf_counter()
    try:
        skill = load_skill(path)
    except SkillParseError as exc:
        return Loaded(path, (time.perf_counter() - start) * 1000, error=str(exc))
    except Exception as exc:  # a bug: the loader must raise SkillParseError or succeed
        ms = (time.perf_counter() - start) * 1000
        return Loaded(path, ms, error=f"{type(exc).__name__}: {exc}", crashed=True)
    return Loaded(path, (time.perf_counter() - start) * 1000, skill=skill)


def kind(message: str) -> str:
    """A warning with its quoted headings and numbers blanked, to count warnings by kind."""
    return re.sub(r"[0-9]+", "N", re.sub(r"'[^']*'", "'…'", message))


def summary(results: list[Loaded], *, listing: bool) -> None:
    skills = [r.skill for r in results if r.skill is not None]
    failed = [r for r in results if r.skill is None]
    steps = [len(s.steps) for s in skills]
    branched = [s for s in skills if any(step.branches for step in s.steps)]
    branches = sum(len(step.branches) for s in skills for step in s.steps)
    kinds = Counter(kind(note.message) for s in skills for note in s.notes)
    times = [r.ms for r in results]
    print(f"files {len(results)}: loaded {len(skills)}, failed {len(failed)}")
    for r in failed:
        print(f"  {'CRASH' if r.crashed else 'error'} {r.error}")
    print(
        f"steps: {sum(steps)} in all, {sum(1 for n in steps if n == 0)} skills with none, "
        f"at most {max(steps, default=0)} in one skill"
    )
    print(f"branches: {branches} in {len(branched)} skills")
    for s in branched:
        labels = [b.label for step in s.steps for b in step.branches]
        print(f"  {s.path}: {labels[0]}-{labels[-1]} ({len(labels)})")
    total = sum(kinds.values())
    print(f"warnings: {total} in {sum(1 for s in skills if s.notes)} skills")
    for text, count in kinds.most_common():
        print(f"  {count:5}  {text}")
    if times:
        print(
            f"time: {sum(times):.1f} ms in all; per file median {statistics.median(times):.2f} "
            f"ms, max {max(times):.2f} ms ({max(results, key=lambda r: r.ms).path})"
        )
    if listing:
        for r in results:
            what = r.error if r.skill is None else f"{len(r.skill.steps)} steps"
            print(f"{r.ms:8.2f} ms  {r.path}: {what}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--list", action="store_true", help="one line per file")
    args = parser.parse_args()
    files = sorted({*args.folder.rglob("SKILL.md"), *args.folder.rglob("*.SKILL.md")})
    if not files:
        sys.exit(f"no SKILL.md files under {args.folder}")
    warnings.simplefilter("ignore", SkillWarning)
    results = [load_one(path) for path in files]
    summary(results, listing=args.list)
    sys.exit(1 if any(r.crashed for r in results) else 0)


if __name__ == "__main__":
    main()
