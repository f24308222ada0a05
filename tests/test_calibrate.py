"""Calibration: Cohen's kappa, agreement per criterion, the shipped labelled set and cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from net_skill.backends.base import CompletionRequest
from net_skill.backends.fake import FakeBackend
from net_skill.errors import InputError
from net_skill.eval.calibrate import acalibrate, calibrate, cohen_kappa
from net_skill.loader import load_bundled_skill
from tests.labeled_plans import CRITERION_IDS as IDS
from tests.labeled_plans import EVALS, LABELED, labeled_document


def test_kappa_known_values() -> None:
    # po = 0.75, p(yes) 0.5 and 0.25 -> pe = 0.5 -> kappa = 0.5
    kappa, note = cohen_kappa([True, True, False, False], [True, False, False, False])
    assert kappa == pytest.approx(0.5) and note is None
    assert cohen_kappa([True, False], [True, False])[0] == pytest.approx(1.0)
    assert cohen_kappa([True, False], [False, True])[0] == pytest.approx(-1.0)
    # 20 items, items 0, 4, 8, 12, 16 flipped: po = .75; yes rates .5 and .45 -> pe = .5
    a = [True] * 10 + [False] * 10
    b = [x if i % 4 else not x for i, x in enumerate(a)]
    assert cohen_kappa(a, b)[0] == pytest.approx((0.75 - 0.5) / 0.5)


def test_kappa_degenerate_cases_are_reported_not_invented() -> None:
    kappa, note = cohen_kappa([True, True, True], [True, True, True])
    assert kappa is None and note is not None and "same class" in note
    assert cohen_kappa([], []) == (None, "no items")
    # one rater constant, the other not: defined, and zero
    assert cohen_kappa([True, True, True, True], [True, False, True, False])[0] == pytest.approx(
        0.0
    )
    with pytest.raises(ValueError):
        cohen_kappa([True], [True, False])


def write_labeled(directory: Path, name: str, source: str, labels: dict[str, bool]) -> None:
    data = labeled_document(source)
    data["id"], data["labels"] = name, labels
    (directory / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")


def test_calibration_on_a_tiny_constructed_set(tmp_path: Path) -> None:
    all_true = dict.fromkeys(IDS, True)
    write_labeled(tmp_path, "a", "good-teacher-ux", all_true)
    write_labeled(
        tmp_path, "b", "flaw-veteran-no-cadence", {**all_true, "maintenance_cadence": False}
    )
    # a deliberately wrong label: the checks will disagree with it
    write_labeled(tmp_path, "c", "good-newgrad-data", {**all_true, "maintenance_cadence": False})
    write_labeled(tmp_path, "d", "flaw-video-templated", {"outreach_personalized": False})
    report = calibrate(tmp_path, load_bundled_skill())
    assert report.plan_count == 4
    cadence = next(c for c in report.criteria if c.criterion_id == "maintenance_cadence")
    assert cadence.labeled == 3 and cadence.positives == 1
    assert cadence.checks is not None
    assert cadence.checks.accuracy == pytest.approx(2 / 3, abs=1e-4)
    # checks: [T, F, T], labels: [T, F, F] -> po 2/3, pe = 2/3*1/3 + 1/3*2/3 = 4/9 -> 0.4
    assert cadence.checks.kappa == pytest.approx(0.4, abs=1e-4)
    assert cadence.checks.disagreements == ["c"]
    outreach = next(c for c in report.criteria if c.criterion_id == "outreach_personalized")
    assert outreach.labeled == 4 and outreach.checks is not None and outreach.checks.accuracy == 1.0
    assert not report.checks_meet(0.9)
    table = report.to_markdown()
    assert "| maintenance_cadence | 3 | 1 | 67% | 0.40 | 1 | 0 |" in table  # c: a false pass
    assert "`maintenance_cadence` c (false pass)" in table
    miss = cadence.check_disagreements[0]
    assert (miss.plan_id, miss.kind) == ("c", "false pass")
    assert miss.evidence == "every check passes"
    assert report.good_plans_failed == []
    assert report.rows()[5]["checks_false_passes"] == 1


async def test_judge_agreement_is_reported_separately(tmp_path: Path) -> None:
    write_labeled(tmp_path, "a", "good-teacher-ux", dict.fromkeys(IDS, True))
    write_labeled(
        tmp_path,
        "b",
        "flaw-video-templated",
        {**dict.fromkeys(IDS, True), "outreach_personalized": False},
    )

    def responder(request: CompletionRequest) -> dict[str, Any]:
        verdict = "not_applicable" if "Austin" in request.messages[0].content else "met"
        return {
            "verdicts": [
                {"criterion_id": i, "evidence": "", "reasoning": "r", "verdict": verdict}
                for i in IDS
            ]
        }

    report = await acalibrate(
        tmp_path, load_bundled_skill(), judge=FakeBackend(responder=responder, model="judge-1")
    )
    assert report.judge_model == "judge-1" and report.judge_usage["input_tokens"] > 0
    outreach = next(c for c in report.criteria if c.criterion_id == "outreach_personalized")
    assert outreach.judge is not None and outreach.judge.n == 1 and outreach.judge.excluded == 1
    assert "judge acc." in report.to_markdown()


def test_bad_labelled_files_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no labelled plans"):
        calibrate(tmp_path, load_bundled_skill())
    (tmp_path / "x.json").write_text("{", encoding="utf-8")
    with pytest.raises(InputError, match="not valid JSON"):
        calibrate(tmp_path, load_bundled_skill())
    write_labeled(tmp_path, "x", "good-teacher-ux", {"nonsense": True})
    with pytest.raises(InputError, match="unknown criteria"):
        calibrate(tmp_path, load_bundled_skill())


def test_shipped_labelled_set_meets_the_bar() -> None:
    report = calibrate(LABELED, load_bundled_skill())
    assert report.plan_count >= 44
    assert report.sources["hand"] >= 34 and report.sources.get("run", 0) >= 10
    assert report.good_plans_failed == []  # no good plan failed, in any language or style
    for criterion in report.criteria:
        assert criterion.checks is not None and criterion.checks.accuracy is not None
        assert criterion.checks.accuracy >= 0.9, criterion.criterion_id
        assert 0 < criterion.positives < criterion.labeled  # both classes: kappa is defined
        # every disagreement carries the label's reason and what the checks found
        assert all(d.reason and d.evidence for d in criterion.check_disagreements)
    assert report.checks_meet(0.9)


def test_labelled_set_shape() -> None:
    files = sorted(LABELED.glob("*.json"))
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in files]
    hand = [d for d in docs if d["source"] == "hand"]
    good = [d for d in hand if all(d["labels"].values())]
    assert len(good) >= 8 and len(hand) - len(good) >= 12
    assert len([d for d in docs if d["source"].startswith("run:")]) >= 10
    for doc, path in zip(docs, files, strict=True):
        assert doc["id"] == path.stem and doc["description"]
        assert set(doc["labels"]) == set(IDS) == set(doc["reasons"])
        assert bool(doc["flaws"]) == (not all(doc["labels"].values()))


def test_cases_dataset() -> None:
    lines = (EVALS / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    cases = [json.loads(line) for line in lines if line.strip()]
    assert len(cases) >= 30
    assert len({c["id"] for c in cases}) == len(cases)
    assert all(c["situation"].strip() and c["tags"] for c in cases)
    tags = {t for c in cases for t in c["tags"]}
    for wanted in [
        "career_change",
        "new_graduate",
        "founder",
        "returning_to_work",
        "academic_to_industry",
        "relocation",
        "mentorship",
        "community",
        "terse",
        "non_english",
    ]:
        assert wanted in tags
