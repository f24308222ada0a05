"""A whole `net-skill run` on the embedded model, as a user would type it (CI only: minutes)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from net_skill.answer_checks import degenerate_values
from net_skill.quality import strings_in
from net_skill.skills.networking import NetworkingPlan

pytestmark = pytest.mark.full_local_run

SITUATION = (
    "I'm a data analyst at Contoso Retail moving into product management. "
    "My former manager Dana Okafor is now a group PM at Fabrikam."
)


def test_whole_run_on_the_embedded_model(tmp_path: Path) -> None:
    executable = shutil.which("net-skill", path=str(Path(sys.executable).parent))
    assert executable, "the net-skill console script is not installed beside this Python"
    env = {k: v for k, v in os.environ.items() if k != "ANTHROPIC_API_KEY"}
    completed = subprocess.run(
        [
            executable,
            "run",
            SITUATION,
            "--json",
            "--today",
            "2026-11-25",
            "--output",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "using the embedded SmolLM2-135M-Instruct model" in completed.stderr
    plan = NetworkingPlan.model_validate(json.loads(completed.stdout))
    assert plan.today.isoformat() == "2026-11-25"
    # no junk printed: every value the model wrote is an answer or marked unanswered
    assert [f"{p.loc}: {p.value!r} ({p.kind})" for p in degenerate_values(plan)] == []
    written = sum(1 for _, text in strings_in(plan.written()) if text.strip())
    assert written >= len(plan.unanswered)  # most values were answered
    assert plan.targets.targets or "targets.targets" in plan.unanswered
    assert all(1 <= m.target <= len(plan.targets.targets) for m in plan.outreach.messages)
    # no invented people: every name in the plan occurs in the situation
    names = [c.name for c in plan.audit.contacts] + [t.name for t in plan.targets.targets]
    assert all(name is None or name.split()[0] in SITUATION for name in names)
    # dates came from code
    follow_ups = [a for a in plan.schedule if a.action == "follow_up"]
    assert follow_ups and all(a.on.isoformat() == "2026-11-30" for a in follow_ups)
    (run_dir,) = list(tmp_path.iterdir())
    assert {"events.jsonl", "plan.json", "plan.md"} <= {p.name for p in run_dir.iterdir()}
    events = [json.loads(line) for line in (run_dir / "events.jsonl").read_text().splitlines()]
    finished = {e["step"] for e in events if e["type"] == "step_finished"}
    assert finished == set(range(1, 9))
    print(f"\nwhole local run: {completed.stderr.strip().splitlines()[-1]}")
