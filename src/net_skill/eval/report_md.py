"""`report.md`: the evaluation as readable markdown tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from net_skill.eval.compare import comparison_markdown
from net_skill.eval.report import (
    drilldown_records,
    errors_text,
    estimate_text,
    money_text,
    tokens_text,
)

MAX_MD_CASES = 50


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return " ".join(text.replace("|", "\\|").replace("<", "&lt;").split())


def _header(report: dict[str, Any]) -> list[str]:
    manifest = report.get("manifest") or {}
    generator = manifest.get("generator") or {}
    judge = manifest.get("judge")
    judge_text = f"{judge['backend']} / {judge['model']}" if judge else "none (checks only)"
    return [
        "# Evaluation report",
        "",
        f"- Skill: `{manifest.get('skill_id', '?')}`; cases: {manifest.get('cases', '?')} from "
        f"`{manifest.get('cases_file', '?')}`; epochs: {manifest.get('epochs', '?')}; "
        f"today: {manifest.get('today', '?')}",
        f"- Generator: {generator.get('backend', '?')} / {generator.get('model', '?')}; "
        f"judge: {judge_text}",
        f"- Records: {report.get('records', 0)}"
        + (
            f"; unreadable lines skipped: {report['broken_lines']}"
            if report.get("broken_lines")
            else ""
        ),
        "",
        "Scores are means over cases (repeats averaged first) with a 95% bootstrap interval. "
        "Errored cases are not scored as 0: they are counted in the Errors column.",
        "",
    ]


def _summary_table(variants: dict[str, Any]) -> list[str]:
    lines = [
        "## Summary",
        "",
        "| variant | score [95% CI] | plans passing every criterion | errors | "
        "generation tokens | judging tokens | cost (gen + judge) | latency p50 / p95 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, data in variants.items():
        latency = data["latency_s"]
        p50 = latency.get("p50")
        p95 = latency.get("p95")
        lat = f"{p50:.2f}s / {p95:.2f}s" if p50 is not None and p95 is not None else "n/a"
        lines.append(
            f"| {name} | {estimate_text(data['score'])} | "
            f"{estimate_text(data['plan_pass_rate'], percent=True)} | "
            f"{errors_text(data)} | {tokens_text(data['tokens']['generation'])}"
            f" | {tokens_text(data['tokens']['judging'])} | "
            f"{money_text(data['cost']['generation'])} + {money_text(data['cost']['judging'])}"
            f" | {lat} |"
        )
    return [*lines, ""]


def _criteria_table(variants: dict[str, Any]) -> list[str]:
    names = list(variants)
    criteria: dict[str, str] = {}
    for data in variants.values():
        for cid, item in data["criteria"].items():
            criteria.setdefault(cid, item["text"])
    if not criteria:
        return []
    lines = [
        "## Criteria",
        "",
        "| criterion | " + " | ".join(f"{n} pass rate [95% CI]" for n in names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for cid, text in criteria.items():
        cells = []
        for name in names:
            item = variants[name]["criteria"].get(cid)
            cells.append(estimate_text(item["pass_rate"], percent=True) if item else "–")
        lines.append(f"| `{cid}` {_cell(text)} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def _errors(variants: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for name, data in variants.items():
        if not data["errors"]:
            continue
        if not lines:
            lines = ["## Errors", ""]
        kinds = ", ".join(f"{kind} ×{n}" for kind, n in data["error_kinds"].items())
        final = ", ".join(f"{why} ×{n}" for why, n in (data.get("not_retried") or {}).items())
        lines.append(
            f"**{name}**: {data['errors']} errors ({kinds})"
            + (f"; not retried, as a retry cannot change them: {final}" if final else "")
        )
        lines.append("")
        for sample in data["error_samples"][:10]:
            lines.append(
                f"- `{_cell(sample['case_id'])}` epoch {sample['epoch']} "
                f"({sample['stage']}, {sample['type']}): {_cell(sample['message'])[:300]}"
            )
        lines.append("")
    return lines


def _cases(results: Path, offsets: list[int]) -> list[str]:
    lines = [
        "## Cases (worst first)",
        "",
        "| case | epoch | variant | score | failed criteria / error |",
        "|---|---|---|---|---|",
    ]
    shown = 0
    for record, _situation in drilldown_records(results, offsets[:MAX_MD_CASES]):
        shown += 1
        if record.get("status") == "ok":
            failed = [
                c["criterion_id"]
                for c in (record.get("score") or {}).get("criteria", [])
                if c.get("status") == "failed"
            ]
            detail = ", ".join(failed) or "none"
            score = record.get("overall")
            score_text = f"{score:.3f}" if score is not None else "n/a"
        else:
            error = record.get("error") or {}
            detail = f"error ({error.get('stage')}): {_cell(error.get('message'))[:200]}"
            score_text = "–"
        lines.append(
            f"| {_cell(record['case_id'])} | {record['epoch']} | {record['variant']} | "
            f"{score_text} | {detail} |"
        )
    more = len(offsets) - shown
    lines.append("")
    lines.append(
        "Every verdict's evidence is in report.html (drill-down) and results.jsonl"
        + (f"; {more} more cases are listed there." if more > 0 else ".")
    )
    return [*lines, ""]


def render_markdown(report: dict[str, Any], results: Path, offsets: list[int]) -> str:
    variants = report["variants"]
    lines = _header(report) + _summary_table(variants) + _criteria_table(variants)
    if report.get("comparison"):
        lines += [
            "## Chain versus single prompt (paired by case)",
            "",
            comparison_markdown(report["comparison"], max_cases=20),
        ]
    lines += _errors(variants) + _cases(results, offsets)
    return "\n".join(lines).rstrip() + "\n"


def write_markdown(path: Path, report: dict[str, Any], results: Path, offsets: list[int]) -> None:
    path.write_text(render_markdown(report, results, offsets), encoding="utf-8")
