"""`report.html`: one self-contained page (inline CSS, no script, no external asset).

All model and user text is untrusted: every value goes through `html.escape` before it is
written, so a plan containing `<script>` shows as text. The drill-down uses `<details>`
elements and is written case by case (streamed), never built in memory as a whole.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import IO

from net_skill.eval.checks import CheckResult
from net_skill.eval.compare import comparison_rows
from net_skill.eval.drilldown import drilldown_records
from net_skill.eval.report_model import (
    HEADLINE_NOTE,
    Comparison,
    EvalReport,
    Money,
    ResultRecord,
    Tokens,
    VariantReport,
)
from net_skill.eval.scoring import CriterionScore

CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;
color:#1d1d1f;background:#fff}
h1,h2{font-weight:600}table{border-collapse:collapse;margin:.5rem 0 1.5rem;width:100%}
th,td{border:1px solid #d0d0d7;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f6}.ok{color:#116329}.bad{color:#a40e26}.muted{color:#6e6e73}
.bar{display:inline-block;height:.6rem;background:#2f6feb;vertical-align:middle}
details{border:1px solid #d0d0d7;border-radius:4px;margin:.4rem 0;padding:.3rem .6rem}
summary{cursor:pointer}pre{white-space:pre-wrap;background:#f6f6f8;padding:.5rem;margin:.3rem 0}
.crit{margin:.4rem 0 .4rem 1rem}
"""


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _bar(rate: float | None) -> str:
    if rate is None:
        return ""
    width = max(0.0, min(1.0, rate)) * 8
    return f'<span class="bar" style="width:{width:.2f}rem"></span> '


def _header(out: IO[str], report: EvalReport) -> None:
    manifest = report.manifest
    generator = manifest.generator
    out.write(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Evaluation of {_e(manifest.skill_id or 'skill')}</title>"
        f"<style>{CSS}</style></head><body>\n<h1>Evaluation report</h1>\n<p>"
        f"Skill <code>{_e(manifest.skill_id)}</code>; {_e(manifest.cases)} cases "
        f"from <code>{_e(manifest.cases_file)}</code>; epochs {_e(manifest.epochs)};"
        f" today {_e(manifest.today)}.<br>Generator {_e(generator.backend if generator else None)}"
        f" / {_e(generator.model if generator else None)}; judge {_e(manifest.judge_text())}.</p>"
        f'\n<p class="muted">{_e(HEADLINE_NOTE.replace("*", ""))} Means are over cases '
        "(repeats averaged first) with 95% bootstrap intervals. Errored cases are not scored "
        "as 0; they are counted apart.</p>\n"
    )


def _summary(out: IO[str], variants: dict[str, VariantReport]) -> None:
    out.write(
        "<h2>Summary</h2>\n<table><tr><th>variant</th><th>plans meeting every criterion "
        "[95% CI]</th><th>score [95% CI]</th><th>errors</th><th>partial credit</th>"
        "<th>generation tokens</th><th>judging tokens</th><th>cost: generation + judging</th>"
        "<th>latency p50 / p95</th><th>cache hits</th></tr>\n"
    )
    for name, data in variants.items():
        out.write(
            f"<tr><td>{_e(name)}</td><td>{_bar(data.plans_passed.mean)}"
            f"<b>{_e(data.plans_passed.text(percent=True))}</b></td>"
            f"<td>{_e(data.score.text())}</td>"
            f"<td>{_e(data.errors_text())}</td>"
            f'<td class="muted">{_e(data.partial_credit.text())}</td>'
            f"<td>{_e(data.tokens.generation.text())}</td>"
            f"<td>{_e(data.tokens.judging.text())}</td>"
            f"<td>{_e(data.cost.generation.text())} + {_e(data.cost.judging.text())}</td>"
            f"<td>{_e(data.latency_s.text())}</td><td>{_e(data.cache_hits)}</td></tr>\n"
        )
    out.write("</table>\n")


def _criteria(out: IO[str], variants: dict[str, VariantReport]) -> None:
    names = list(variants)
    texts: dict[str, str] = {}
    for data in variants.values():
        for cid, criterion in data.criteria.items():
            texts.setdefault(cid, criterion.text)
    if not texts:
        return
    out.write("<h2>Criteria</h2>\n<table><tr><th>criterion</th>")
    out.write("".join(f"<th>{_e(n)}: met [95% CI]</th>" for n in names) + "</tr>\n")
    for cid, text in texts.items():
        out.write(f"<tr><td><code>{_e(cid)}</code><br>{_e(text)}</td>")
        for name in names:
            found = variants[name].criteria.get(cid)
            if found is None:
                out.write("<td>–</td>")
                continue
            rate = found.pass_rate
            out.write(f"<td>{_bar(rate.mean)}{_e(rate.text(percent=True))}</td>")
        out.write("</tr>\n")
    out.write("</table>\n")


def _comparison(out: IO[str], comparison: Comparison | None) -> None:
    if comparison is None:
        return
    out.write(
        f"<h2>{_e(comparison.b)} versus {_e(comparison.a)} (paired by case)</h2>\n"
        f"<p>{_e(comparison.paired)} pairs; differences are {_e(comparison.b)} − "
        f"{_e(comparison.a)} (positive: {_e(comparison.b)} better).</p>\n<table><tr>"
        "<th></th><th>A</th><th>B</th><th>B − A [95% CI]</th><th>B wins</th><th>B loses</th>"
        "<th>ties</th></tr>\n"
    )
    for label, diffs in comparison_rows(comparison):
        out.write(
            f"<tr><td>{_e(label)}</td><td>{_e(_num(diffs.a))}</td>"
            f"<td>{_e(_num(diffs.b))}</td>"
            f"<td>{_e(diffs.difference.text(signed=True))}</td><td>{_e(diffs.wins)}</td>"
            f"<td>{_e(diffs.losses)}</td><td>{_e(diffs.ties)}</td></tr>\n"
        )
    out.write("</table>\n")


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{float(value):.3f}"


def _check(out: IO[str], check: CheckResult) -> None:
    mark = '<span class="ok">pass</span>' if check.passed else '<span class="bad">fail</span>'
    out.write(
        f"<li>check <code>{_e(check.check_id)}</code> {mark} "
        f"({_e(_num(check.score))} of its items): {_e(check.evidence)}"
    )
    if check.details:
        out.write("<ul>" + "".join(f"<li>{_e(d)}</li>" for d in check.details) + "</ul>")
    out.write("</li>\n")


def _criterion(out: IO[str], item: CriterionScore) -> None:
    status = {"passed": "met", "failed": "not met"}.get(item.status, item.status)
    css = "ok" if item.status == "passed" else "bad" if item.status == "failed" else "muted"
    out.write(
        f'<div class="crit"><b class="{css}">{_e(status)}</b> <code>{_e(item.criterion_id)}'
        f"</code> {_e(item.text)} "
        f'<span class="muted">(partial credit {_e(_num(item.partial_credit))})</span><ul>\n'
    )
    for check in item.check_results:
        _check(out, check)
    verdict = item.judge_verdict
    if verdict is not None:
        out.write(
            f"<li>judge: <b>{_e(verdict.verdict)}</b><br>evidence: "
            f"<q>{_e(verdict.evidence)}</q><br>reasoning: {_e(verdict.reasoning)}"
            "</li>\n"
        )
    out.write("</ul></div>\n")


def _case(out: IO[str], record: ResultRecord, situation: str | None) -> None:
    score = record.score
    if record.ok and score is not None:
        label = f"{score.passed_count} of {score.scored_count} criteria met"
        css = "ok" if score.passed else ""
    else:
        label, css = ("not scored", "") if record.ok else ("error", "bad")
    out.write(
        f'<details><summary><span class="{css}">{_e(label)}</span> — '
        f"<code>{_e(record.case_id)}</code> epoch {_e(record.epoch)}, "
        f"{_e(record.variant)}</summary>\n"
    )
    if situation:
        out.write(f"<pre>{_e(situation[:1500])}</pre>\n")
    generation = record.generation
    judging = record.judging
    out.write(
        f'<p class="muted">tags: {_e(", ".join(record.tags) or "–")}; generation '
        f"{_e(Tokens.of_mapping(generation.usage if generation else {}).text())} tokens, "
        f"{_e(Money(usd=(generation.cost_usd or 0.0) if generation else 0.0).text())}"
        f"{' (cached)' if generation and generation.cache_hit else ''}; judging "
        f"{_e(Tokens.of_mapping(judging.usage if judging else {}).text())} tokens by "
        f"{_e((judging.model if judging else None) or 'no judge')}; latency "
        f"{_e(record.latency_s)}s; plan: <code>{_e(record.plan_path or '–')}</code></p>\n"
    )
    if not record.ok:
        error = record.error
        out.write(
            f'<p class="bad">{_e(error.stage if error else None)} failed '
            f"({_e(error.type if error else None)}):</p>"
            f"<pre>{_e(error.message if error else None)}</pre>\n"
        )
    for item in score.criteria if score is not None else []:
        _criterion(out, item)
    out.write("</details>\n")


def write_html(path: Path, report: EvalReport, results: Path, offsets: list[int]) -> None:
    with path.open("w", encoding="utf-8") as out:
        _header(out, report)
        _summary(out, report.variants)
        _criteria(out, report.variants)
        _comparison(out, report.comparison)
        out.write(
            f'<h2>Cases (worst first)</h2>\n<p class="muted">{len(offsets)} of '
            f"{_e(report.records)} results shown: errors first, then the fewest criteria met. "
            "Every result is in results.jsonl.</p>\n"
        )
        for record, situation in drilldown_records(results, offsets):
            _case(out, record, situation)
        out.write("</body></html>\n")
