"""Reports: typed models, the headline first everywhere, and no import cycle."""

from __future__ import annotations

import ast
import json
import re
from datetime import date
from pathlib import Path

from net_skill.backends.fake import FakeBackend
from net_skill.eval.cases import EvalCase
from net_skill.eval.harness import run_eval
from net_skill.eval.report_model import EvalReport

EVAL = Path(__file__).resolve().parents[1] / "src" / "net_skill" / "eval"
CASES = [
    EvalCase("teacher", "Maths teacher moving into UX research in Toronto."),
    EvalCase("nurse", "ICU nurse moving into clinical informatics in Boston."),
]


def imports_of(module: str) -> set[str]:
    tree = ast.parse((EVAL / f"{module}.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_renderers_do_not_import_the_report_module() -> None:
    for renderer in ("report_md", "report_html", "report_model", "compare", "drilldown"):
        assert "net_skill.eval.report" not in imports_of(renderer), renderer
    assert {"net_skill.eval.report_md", "net_skill.eval.report_html"} <= imports_of("report")


async def test_report_json_is_a_typed_report_led_by_plans_passing(tmp_path: Path) -> None:
    out = tmp_path / "o"
    summary = await run_eval(
        CASES,
        backend=FakeBackend(),
        out_dir=out,
        today=date(2026, 11, 25),
        baseline="single-prompt",
    )
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    report = EvalReport.model_validate(data)  # report.json round-trips through the model
    assert report == summary.report
    chain = report.variants["chain"]
    assert list(data["variants"]["chain"])[:3] == ["plans_passed", "score", "partial_credit"]
    # fake plans are schema-valid filler: no plan meets every criterion, and the binary score
    # stays below the partial credit that once made the headline
    assert chain.plans_passed.mean == 0.0 and chain.score.mean is not None
    assert chain.partial_credit.mean is not None and chain.partial_credit.mean > chain.score.mean
    assert summary.plans_passed == 0.0
    assert report.comparison is not None
    assert list(data["comparison"])[7:9] == ["plans_passed", "overall"]
    markdown = (out / "report.md").read_text(encoding="utf-8")
    summary_row = markdown.split("## Summary")[1]
    assert summary_row.index("plans meeting every criterion") < summary_row.index("score [95%")
    assert "| chain | 0.0% [0.0%, 0.0%] (n=2) | " in markdown  # the headline column first
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.index("plans meeting every criterion") < html.index("score [95% CI]")
    assert re.search(r"[0-5] of 6 criteria met", html) and "not met" in html
