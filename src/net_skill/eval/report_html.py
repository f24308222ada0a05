"""`report.html`: one self-contained page (inline CSS, no script, no external asset).

All model and user text is untrusted: every value goes through `html.escape` before it is
written, so a plan containing `<script>` shows as text. The drill-down uses `<details>`
elements and is written case by case (streamed), never built in memory as a whole.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import IO, Any

from net_skill.eval.report import (
    drilldown_records,
    errors_text,
    estimate_text,
    money_text,
    tokens_text,
)

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


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _bar(rate: float | None) -> str:
    if rate is None:
        return ""
    width = max(0.0, min(1.0, rate)) * 8
    return f'<span class="bar" style="width:{width:.2f}rem"></span> '


def _header(out: IO[str], report: dict[str, Any]) -> None:
    manifest = report.get("manifest") or {}
    generator = manifest.get("generator") or {}
    judge = manifest.get("judge")
    judge_text = f"{judge['backend']} / {judge['model']}" if judge else "none (checks only)"
    out.write(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Evaluation of {_e(manifest.get('skill_id', 'skill'))}</title>"
        f"<style>{CSS}</style></head><body>\n<h1>Evaluation report</h1>\n<p>"
        f"Skill <code>{_e(manifest.get('skill_id'))}</code>; {_e(manifest.get('cases'))} cases "
        f"from <code>{_e(manifest.get('cases_file'))}</code>; epochs {_e(manifest.get('epochs'))};"
        f" today {_e(manifest.get('today'))}.<br>Generator {_e(generator.get('backend'))} / "
        f"{_e(generator.get('model'))}; judge {_e(judge_text)}.</p>\n"
        '<p class="muted">Scores are means over cases (repeats averaged first) with 95% '
        "bootstrap intervals. Errored cases are not scored as 0; they are counted apart.</p>\n"
    )


def _summary(out: IO[str], variants: dict[str, Any]) -> None:
    out.write(
        "<h2>Summary</h2>\n<table><tr><th>variant</th><th>score [95% CI]</th>"
        "<th>plans passing every criterion</th><th>errors</th><th>generation tokens</th>"
        "<th>judging tokens</th><th>cost: generation + judging</th><th>latency p50 / p95</th>"
        "<th>cache hits</th></tr>\n"
    )
    for name, data in variants.items():
        latency = data["latency_s"]
        lat = (
            f"{latency['p50']:.2f}s / {latency['p95']:.2f}s"
            if latency.get("p50") is not None
            else "n/a"
        )
        out.write(
            f"<tr><td>{_e(name)}</td><td>{_e(estimate_text(data['score']))}</td>"
            f"<td>{_e(estimate_text(data['plan_pass_rate'], percent=True))}</td>"
            f"<td>{_e(errors_text(data))}</td>"
            f"<td>{_e(tokens_text(data['tokens']['generation']))}</td>"
            f"<td>{_e(tokens_text(data['tokens']['judging']))}</td>"
            f"<td>{_e(money_text(data['cost']['generation']))} + "
            f"{_e(money_text(data['cost']['judging']))}</td><td>{_e(lat)}</td>"
            f"<td>{_e(data['cache_hits'])}</td></tr>\n"
        )
    out.write("</table>\n")


def _criteria(out: IO[str], variants: dict[str, Any]) -> None:
    names = list(variants)
    texts: dict[str, str] = {}
    for data in variants.values():
        for cid, item in data["criteria"].items():
            texts.setdefault(cid, item["text"])
    if not texts:
        return
    out.write("<h2>Criteria</h2>\n<table><tr><th>criterion</th>")
    out.write("".join(f"<th>{_e(n)}: pass rate [95% CI]</th>" for n in names) + "</tr>\n")
    for cid, text in texts.items():
        out.write(f"<tr><td><code>{_e(cid)}</code><br>{_e(text)}</td>")
        for name in names:
            item = variants[name]["criteria"].get(cid)
            if item is None:
                out.write("<td>–</td>")
                continue
            rate = item["pass_rate"].get("mean")
            out.write(f"<td>{_bar(rate)}{_e(estimate_text(item['pass_rate'], percent=True))}</td>")
        out.write("</tr>\n")
    out.write("</table>\n")


def _comparison(out: IO[str], comparison: dict[str, Any] | None) -> None:
    if not comparison:
        return
    out.write(
        f"<h2>{_e(comparison['b'])} versus {_e(comparison['a'])} (paired by case)</h2>\n"
        f"<p>{_e(comparison['paired'])} pairs; differences are {_e(comparison['b'])} − "
        f"{_e(comparison['a'])} (positive: {_e(comparison['b'])} better).</p>\n<table><tr>"
        "<th></th><th>A</th><th>B</th><th>B − A [95% CI]</th><th>B wins</th><th>B loses</th>"
        "<th>ties</th></tr>\n"
    )
    rows = [("overall score", comparison["overall"])]
    rows += [(f"{cid} pass rate", d) for cid, d in comparison["criteria"].items()]
    for label, diffs in rows:
        out.write(
            f"<tr><td>{_e(label)}</td><td>{_e(_num(diffs['a']))}</td>"
            f"<td>{_e(_num(diffs['b']))}</td>"
            f"<td>{_e(estimate_text(diffs['difference']))}</td><td>{_e(diffs['wins'])}</td>"
            f"<td>{_e(diffs['losses'])}</td><td>{_e(diffs['ties'])}</td></tr>\n"
        )
    out.write("</table>\n")


def _num(value: Any) -> str:
    return "n/a" if value is None else f"{float(value):.3f}"


def _check(out: IO[str], check: dict[str, Any]) -> None:
    mark = (
        '<span class="ok">pass</span>' if check.get("passed") else '<span class="bad">fail</span>'
    )
    out.write(
        f"<li>check <code>{_e(check.get('check_id'))}</code> {mark} "
        f"(score {_e(_num(check.get('score')))}): {_e(check.get('evidence'))}"
    )
    details = check.get("details") or []
    if details:
        out.write("<ul>" + "".join(f"<li>{_e(d)}</li>" for d in details) + "</ul>")
    out.write("</li>\n")


def _criterion(out: IO[str], item: dict[str, Any]) -> None:
    status = str(item.get("status"))
    css = "ok" if status == "passed" else "bad" if status == "failed" else "muted"
    out.write(
        f'<div class="crit"><b class="{css}">{_e(status)}</b> <code>{_e(item.get("criterion_id"))}'
        f"</code> {_e(item.get('text'))} (score {_e(_num(item.get('score')))})<ul>\n"
    )
    for check in item.get("check_results") or []:
        _check(out, check)
    verdict = item.get("judge_verdict")
    if isinstance(verdict, dict):
        out.write(
            f"<li>judge: <b>{_e(verdict.get('verdict'))}</b><br>evidence: "
            f"<q>{_e(verdict.get('evidence'))}</q><br>reasoning: {_e(verdict.get('reasoning'))}"
            "</li>\n"
        )
    out.write("</ul></div>\n")


def _case(out: IO[str], record: dict[str, Any], situation: str | None) -> None:
    ok = record.get("status") == "ok"
    score = record.get("overall")
    label = f"score {score:.3f}" if ok and score is not None else "not scored" if ok else "error"
    css = "bad" if not ok else "ok" if (record.get("score") or {}).get("passed") else ""
    out.write(
        f'<details><summary><span class="{css}">{_e(label)}</span> — '
        f"<code>{_e(record.get('case_id'))}</code> epoch {_e(record.get('epoch'))}, "
        f"{_e(record.get('variant'))}</summary>\n"
    )
    if situation:
        out.write(f"<pre>{_e(situation[:1500])}</pre>\n")
    generation = record.get("generation") or {}
    judging = record.get("judging") or {}
    out.write(
        f'<p class="muted">tags: {_e(", ".join(record.get("tags") or []) or "–")}; generation '
        f"{_e(tokens_text(generation.get('usage') or {}))} tokens, "
        f"{_e(money_text({'usd': generation.get('cost_usd') or 0.0}))}"
        f"{' (cached)' if generation.get('cache_hit') else ''}; judging "
        f"{_e(tokens_text(judging.get('usage') or {}))} tokens by "
        f"{_e(judging.get('model') or 'no judge')}; latency {_e(record.get('latency_s'))}s; "
        f"plan: <code>{_e(record.get('plan_path') or '–')}</code></p>\n"
    )
    if not ok:
        error = record.get("error") or {}
        out.write(
            f'<p class="bad">{_e(error.get("stage"))} failed ({_e(error.get("type"))}):</p>'
            f"<pre>{_e(error.get('message'))}</pre>\n"
        )
    for item in (record.get("score") or {}).get("criteria", []):
        _criterion(out, item)
    out.write("</details>\n")


def write_html(path: Path, report: dict[str, Any], results: Path, offsets: list[int]) -> None:
    with path.open("w", encoding="utf-8") as out:
        _header(out, report)
        _summary(out, report["variants"])
        _criteria(out, report["variants"])
        _comparison(out, report.get("comparison"))
        total = report.get("records", 0)
        out.write(
            f'<h2>Cases (worst first)</h2>\n<p class="muted">{len(offsets)} of {_e(total)} '
            "results shown: errors first, then the lowest scores. Every result is in "
            "results.jsonl.</p>\n"
        )
        for record, situation in drilldown_records(results, offsets):
            _case(out, record, situation)
        out.write("</body></html>\n")
