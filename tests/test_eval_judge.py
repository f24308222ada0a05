"""The judge through FakeBackend: verdicts per criterion, pass/fail computed in code."""

from __future__ import annotations

from typing import Any

import pytest

from net_skill.backends.base import CompletionRequest
from net_skill.backends.fake import FakeBackend
from net_skill.errors import InputError, OutputValidationError
from net_skill.eval.criteria import criteria_for
from net_skill.eval.judge import JudgeReport, judge_plan
from net_skill.eval.scoring import parse_plan, plan_text_for_judge, score_plan
from net_skill.loader import load_bundled_skill, parse_skill
from net_skill.skills.generic import GenericPlan
from net_skill.skills.networking import NetworkingPlan
from tests.labeled_plans import CRITERION_IDS as IDS
from tests.labeled_plans import labeled_document


def labeled_plan(name: str) -> NetworkingPlan:
    plan = parse_plan(labeled_document(name)["plan"])
    assert isinstance(plan, NetworkingPlan)
    return plan


def verdicts(
    overrides: dict[str, str] | None = None,
    *,
    drop: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    items = []
    for criterion_id in IDS:
        if criterion_id == drop:
            continue
        item = {
            "criterion_id": criterion_id,
            "evidence": "quoted text",
            "reasoning": "The plan shows it.",
            "verdict": (overrides or {}).get(criterion_id, "met"),
        }
        item.update(extra or {})
        items.append(item)
    return {"verdicts": items}


def test_schema_puts_evidence_and_reasoning_before_verdict() -> None:
    schema = JudgeReport.model_json_schema()
    fields = list(schema["$defs"]["JudgeVerdict"]["properties"])
    assert fields.index("evidence") < fields.index("verdict")
    assert fields.index("reasoning") < fields.index("verdict")
    assert "pass" not in fields


async def test_judge_all_met_on_good_plan_records_model_and_usage() -> None:
    backend = FakeBackend({"judge": verdicts()}, model="judge-model-x")
    score = await score_plan(labeled_plan("good-teacher-ux"), load_bundled_skill(), judge=backend)
    assert score.passed and score.score == 1.0
    assert score.judge_model == "judge-model-x" and score.judge_backend == "fake"
    assert score.judge_usage["input_tokens"] > 0 and score.judge_attempts == 1
    request = backend.calls[0]
    assert request.temperature == 0.0 and request.tag == "judge"
    user = request.messages[0].content
    assert "<plan>" in user and "</plan>" in user and "<situation>" in request.messages[0].content
    assert all(criterion_id in request.system for criterion_id in IDS)


async def test_judge_not_met_fails_a_criterion_whose_checks_pass() -> None:
    backend = FakeBackend({"judge": verdicts({"value_articulated": "not_met"})})
    score = await score_plan(labeled_plan("good-teacher-ux"), load_bundled_skill(), judge=backend)
    value = score.criterion("value_articulated")
    assert value.checks_passed is True and value.status == "failed" and value.score == 0.0
    assert value.partial_credit == 0.5  # checks 1.0, judge 0.0: detail only
    assert not score.passed and score.passed_count == 5
    assert score.score == pytest.approx(5 / 6, abs=1e-4)


async def test_judge_met_does_not_rescue_failing_checks() -> None:
    backend = FakeBackend({"judge": verdicts()})
    score = await score_plan(
        labeled_plan("flaw-video-templated"), load_bundled_skill(), judge=backend
    )
    outreach = score.criterion("outreach_personalized")
    assert outreach.judge_verdict is not None and outreach.judge_verdict.verdict == "met"
    assert outreach.status == "failed"


async def test_missing_verdict_leaves_the_checks_to_decide() -> None:
    backend = FakeBackend({"judge": verdicts(drop="maintenance_cadence")})
    score = await score_plan(
        labeled_plan("flaw-veteran-no-cadence"), load_bundled_skill(), judge=backend
    )
    assert score.judge_missing == ["maintenance_cadence"]
    cadence = score.criterion("maintenance_cadence")
    assert cadence.judge_verdict is None and cadence.status == "failed"


async def test_unknown_and_repeated_ids_are_ignored() -> None:
    report = verdicts()
    report["verdicts"].append(dict(report["verdicts"][0], verdict="not_met"))
    report["verdicts"].append(dict(report["verdicts"][0], criterion_id="made_up"))
    backend = FakeBackend({"judge": report})
    criteria = criteria_for(load_bundled_skill())
    plan = labeled_plan("good-teacher-ux")
    result = await judge_plan(
        plan_text_for_judge(plan), criteria, backend=backend, situation=plan.situation
    )
    assert result.ignored == ["network_audited", "made_up"]
    assert result.verdicts["network_audited"].verdict == "met"


async def test_a_pass_flag_from_the_judge_is_rejected_and_never_scores() -> None:
    with_flag = verdicts({"outreach_personalized": "not_met"}, extra={"pass": True})
    clean = verdicts({"outreach_personalized": "not_met"})
    backend = FakeBackend({"judge": [with_flag, clean]})
    score = await score_plan(labeled_plan("good-teacher-ux"), load_bundled_skill(), judge=backend)
    assert score.judge_attempts == 2
    assert score.criterion("outreach_personalized").status == "failed"
    assert "pass" in backend.calls[1].messages[-1].content  # the re-ask names the extra field

    always_flag = FakeBackend({"judge": with_flag})
    with pytest.raises(OutputValidationError):
        await score_plan(labeled_plan("good-teacher-ux"), load_bundled_skill(), judge=always_flag)


GENERIC_SKILL = (
    "---\nname: cook\ndescription: Cooking\n---\n# Cook\n## Steps\n### Step 1: Boil\nBoil water.\n"
    "## Verification\n- Water boiled\n- Salt added\n- Guests served\n"
)


def generic_plan() -> GenericPlan:
    return GenericPlan.model_validate(
        {
            "skill_id": "cook",
            "situation": "pasta for two",
            "today": "2025-11-20",
            "steps": [
                {
                    "number": 1,
                    "title": "Boil",
                    "report": {
                        "summary": "Boiled water",
                        "findings": [],
                        "actions": ["boil"],
                        "open_questions": [],
                    },
                }
            ],
        }
    )


async def test_generic_plan_is_judged_alone_and_not_applicable_leaves_the_denominator() -> None:
    def responder(request: CompletionRequest) -> dict[str, Any]:
        return {
            "verdicts": [
                {
                    "criterion_id": "water_boiled",
                    "evidence": "Boiled water",
                    "reasoning": "Said so.",
                    "verdict": "met",
                },
                {
                    "criterion_id": "salt_added",
                    "evidence": "",
                    "reasoning": "No salt.",
                    "verdict": "not_met",
                },
                {
                    "criterion_id": "guests_served",
                    "evidence": "",
                    "reasoning": "No guests here.",
                    "verdict": "not_applicable",
                },
            ]
        }

    skill = parse_skill(GENERIC_SKILL)
    score = await score_plan(generic_plan(), skill, judge=FakeBackend(responder=responder))
    assert [c.status for c in score.criteria] == ["passed", "failed", "not_applicable"]
    assert score.scored_count == 2 and score.score == 0.5 and not score.passed
    assert all(c.check_results == [] for c in score.criteria)


async def test_generic_plan_without_judge_is_unscored() -> None:
    score = await score_plan(generic_plan(), parse_skill(GENERIC_SKILL))
    assert score.score is None and score.scored_count == 0 and not score.passed
    assert {c.status for c in score.criteria} == {"unscored"}


async def test_weights_change_the_overall_score() -> None:
    backend = FakeBackend({"judge": verdicts({"value_articulated": "not_met"})})
    score = await score_plan(
        labeled_plan("good-teacher-ux"),
        load_bundled_skill(),
        judge=backend,
        weights={"value_articulated": 4.0},
    )
    assert score.score == pytest.approx(5 / 9, abs=1e-4)  # the weighted share met
    assert score.partial_credit == pytest.approx((5 * 1.0 + 4 * 0.5) / 9, abs=1e-4)


@pytest.mark.filterwarnings("ignore::UserWarning")
async def test_skill_without_checklist_is_an_input_error() -> None:
    skill = parse_skill("---\nname: x\ndescription: y\n---\n# X\n## Steps\n### Step 1: A\nDo.\n")
    with pytest.raises(InputError, match="Verification"):
        await score_plan(generic_plan(), skill)
