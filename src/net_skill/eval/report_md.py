"""`report.md`: the evaluation as readable markdown tables."""

from __future__ import annotations

from pathlib import Path

from net_skill.eval.compare import comparison_markdown
from net_skill.eval.drilldown import drilldown_records
from net_skill.eval.report_model import HEADLINE_NOTE, EvalReport, VariantReport

MAX_MD_CASES = 50


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return " ".join(text.replace("|", "\\|").replace("<", "&lt;").split())


def _header(report: EvalReport) -> list[str]:
    manifest = report.manifest
    generator = manifest.generator
    return [
        "# Evaluation report",
        "",
        f"- Skill: `{manifest.skill_id or '?'}`; cases: {manifest.cases or '?'} from "
        f"`{manifest.cases_file or '?'}`; epochs: {manifest.epochs or '?'}; "
        f"today: {manifest.today or '?'}",
        f"- Generator: {generator.backend if generator else '?'} / "
        f"{generator.model if generator else '?'}; judge: {manifest.judge_text()}",
        f"- Records: {report.records}"
        + (f"; unreadable lines skipped: {report.broken_lines}" if report.broken_lines else ""),
        "",
        HEADLINE_NOTE + " Means are over cases (repeats averaged first) with a 95% bootstrap "
        "interval. Errored cases are not scored as 0: they are counted in the Errors column.",
        "",
    ]


def _summary_table(variants: dict[str, VariantReport]) -> list[str]:
    lines = [
        "## Summary",
        "",
        "| variant | plans meeting every criterion [95% CI] | score [95% CI] | errors | "
        "partial credit | generation tokens | judging tokens | cost (gen + judge) | "
        "latency p50 / p95 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, data in variants.items():
        lines.append(
            f"| {name} | {data.plans_passed.text(percent=True)} | {data.score.text()} | "
            f"{data.errors_text()} | {data.partial_credit.text()} | "
            f"{data.tokens.generation.text()} | {data.tokens.judging.text()} | "
            f"{data.cost.generation.text()} + {data.cost.judging.text()} | "
            f"{data.latency_s.text()} |"
        )
    return [*lines, ""]


def _criteria_table(variants: dict[str, VariantReport]) -> list[str]:
    names = list(variants)
    criteria: dict[str, str] = {}
    for data in variants.values():
        for cid, criterion in data.criteria.items():
            criteria.setdefault(cid, criterion.text)
    if not criteria:
        return []
    lines = [
        "## Criteria",
        "",
        "| criterion | " + " | ".join(f"{n}: met [95% CI]" for n in names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for cid, text in criteria.items():
        cells = []
        for name in names:
            item = variants[name].criteria.get(cid)
            cells.append(item.pass_rate.text(percent=True) if item else "–")
        lines.append(f"| `{cid}` {_cell(text)} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def _errors(variants: dict[str, VariantReport]) -> list[str]:
    lines: list[str] = []
    for name, data in variants.items():
        if not data.errors:
            continue
        if not lines:
            lines = ["## Errors", ""]
        kinds = ", ".join(f"{kind} ×{n}" for kind, n in data.error_kinds.items())
        final = ", ".join(f"{why} ×{n}" for why, n in data.not_retried.items())
        lines.append(
            f"**{name}**: {data.errors} errors ({kinds})"
            + (f"; not retried, as a retry cannot change them: {final}" if final else "")
        )
        lines.append("")
        for sample in data.error_samples[:10]:
            lines.append(
                f"- `{_cell(sample.case_id)}` epoch {sample.epoch} "
                f"({sample.stage}, {sample.type}): {_cell(sample.message)[:300]}"
            )
        lines.append("")
    return lines


def _cases(results: Path, offsets: list[int]) -> list[str]:
    lines = [
        "## Cases (worst first)",
        "",
        "| case | epoch | variant | criteria met | failed criteria / error |",
        "|---|---|---|---|---|",
    ]
    shown = 0
    for record, _situation in drilldown_records(results, offsets[:MAX_MD_CASES]):
        shown += 1
        score = record.score
        if record.ok and score is not None:
            detail = ", ".join(record.failed_criteria()) or "none"
            met = f"{score.passed_count} of {score.scored_count}"
        else:
            error = record.error
            stage = error.stage if error else None
            detail = f"error ({stage}): {_cell(error.message if error else '')[:200]}"
            met = "–"
        lines.append(
            f"| {_cell(record.case_id)} | {record.epoch} | {record.variant} | {met} | {detail} |"
        )
    more = len(offsets) - shown
    lines.append("")
    lines.append(
        "Every verdict's evidence is in report.html (drill-down) and results.jsonl"
        + (f"; {more} more cases are listed there." if more > 0 else ".")
    )
    return [*lines, ""]


def render_markdown(report: EvalReport, results: Path, offsets: list[int]) -> str:
    variants = report.variants
    lines = _header(report) + _summary_table(variants) + _criteria_table(variants)
    if report.comparison is not None:
        lines += [
            "## Chain versus single prompt (paired by case)",
            "",
            comparison_markdown(report.comparison, max_cases=20),
        ]
    lines += _errors(variants) + _cases(results, offsets)
    return "\n".join(lines).rstrip() + "\n"


def write_markdown(path: Path, report: EvalReport, results: Path, offsets: list[int]) -> None:
    path.write_text(render_markdown(report, results, offsets), encoding="utf-8")
