"""Deterministic checks: each can pass and fail; criteria; plan loading; scoring without judge."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from net_skill.errors import InputError
from net_skill.eval._text import find_placeholders, is_blank, similarity, words
from net_skill.eval.checks import run_checks
from net_skill.eval.criteria import criteria_for, slugify
from net_skill.eval.scoring import load_plan, parse_plan, score_plan_sync
from net_skill.loader import load_bundled_skill, parse_skill
from net_skill.skills.networking import NetworkingPlan
from net_skill.skills.networking.checks import CHECKS
from net_skill.skills.networking.checks.base import NEAR_COPY_RATIO
from tests.labeled_plans import CRITERION_IDS, labeled_document
from tests.labeled_plans import setter as _set


def plan_data(name: str = "good-teacher-ux") -> dict[str, Any]:
    plan: dict[str, Any] = labeled_document(name)["plan"]
    return plan


def build(mutate: Callable[[dict[str, Any]], None] | None = None) -> NetworkingPlan:
    data = plan_data()
    if mutate:
        mutate(data)
    return NetworkingPlan.model_validate(data)


def test_criteria_for_skill_md_are_the_six_stable_ids() -> None:
    criteria = criteria_for(load_bundled_skill())
    assert [c.id for c in criteria] == CRITERION_IDS
    assert all(c.checks and set(c.check_ids) <= set(CHECKS) for c in criteria)
    assert sorted(check for c in criteria for check in c.check_ids) == sorted(CHECKS)


def test_other_skill_criteria_are_slugs_without_checks() -> None:
    skill = parse_skill(
        "---\nname: cook\ndescription: Cook\n---\n# Cook\n## Steps\n### Step 1: Boil\nBoil.\n"
        "## Verification\n- Water **boiled** properly\n- Water boiled properly\n"
    )
    criteria = criteria_for(skill, weights={"water_boiled_properly": 2})
    assert [c.id for c in criteria] == ["water_boiled_properly", "water_boiled_properly_2"]
    assert criteria[0].weight == 2 and criteria[0].checks == ()
    with pytest.raises(InputError, match="unknown criteria"):
        criteria_for(skill, weights={"nope": 1})
    assert slugify("Outreach is personalized, not templated mass-send") == (
        "outreach_is_personalized_not_templated_mass_send"
    )


def test_good_plan_passes_every_check() -> None:
    results = run_checks(build(), CHECKS.values())
    failing = [(r.check_id, r.evidence) for r in results if not r.passed]
    assert failing == []
    assert all(r.score == 1.0 and r.evidence for r in results)


def _copy_paste(data: dict[str, Any]) -> None:
    first = data["outreach"]["messages"][0]
    for message in data["outreach"]["messages"][1:]:
        for key in ("why_you", "who_i_am", "ask", "make_it_easy"):
            message[key] = first[key].replace("Priya", "there")


def _long(data: dict[str, Any]) -> None:
    filler = " ".join(["really"] * 40)
    for key in ("why_you", "who_i_am", "ask", "make_it_easy"):
        data["outreach"]["messages"][1][key] = ("I would like to talk " + filler)[:300]


def _pasted_research(data: dict[str, Any]) -> None:
    for target in data["targets"]["targets"]:
        target["research"] = dict(data["targets"]["targets"][0]["research"])


FLAWS: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
    ("audit_contacts_mapped", _set("audit.contacts", [])),
    ("audit_gaps_named", _set("audit.gaps", ["N/A"])),
    ("audit_names_known", _set("audit.contacts.1.name", "Robert Smith")),
    ("value_offers_present", _set("value.superpower", "TBD")),
    ("value_proposition_specific", _set("value.value_proposition", "I am a hard worker.")),
    (
        "value_proposition_specific",
        _set(
            "value.value_proposition",
            "I am a passionate, results-driven professional who "
            "brings great value and dedication to every team I work with.",
        ),
    ),
    ("targets_complete", _set("targets.targets.1.research.background", "TBD")),
    ("targets_complete", _set("targets.targets.2.research.common_ground", "n/a")),
    ("target_research_distinct", _pasted_research),
    ("target_names_known", _set("targets.targets.1.name", "Jane Doe")),
    ("target_names_known", _set("targets.targets.2.via", "Mark Zuckerberg")),
    ("outreach_mentions_target", _copy_paste),
    ("outreach_distinct", _copy_paste),
    (
        "outreach_no_placeholders",
        _set("outreach.messages.0.why_you", "Hi [Name], I saw {company}."),
    ),
    ("asks_no_placeholders", _set("asks.asks.0.message", "Hi <name>, intro to XXX please?")),
    ("outreach_brief", _long),
    ("follow_up_rule", _set("follow_up_rule", {"wait_days_min": 2, "wait_days_max": 3})),
    ("follow_up_rule", _set("follow_up_rule", {"max_follow_ups": 3})),
    ("follow_up_rule", _set("outreach.messages.1.follow_up_message", "TBD")),
    ("thank_you_habit", _set("interviews.preparations.0.thank_you_note", "n/a")),
    ("thank_you_habit", _set("thank_you_within_hours", 72)),
    ("cadence_matches_strength", _set("relationship_cadences", [])),
    ("cadence_matches_strength", _set("relationship_cadences.0.strength", "weak")),
    (
        "cadence_matches_strength",
        _set(
            "cadences",
            {
                "strong": {
                    "strength": "strong",
                    "every_days_min": 365,
                    "every_days_max": 365,
                    "label": "yearly",
                }
            },
        ),
    ),
    ("tracked_strength_consistent", _set("maintenance.relationships.0.strength", "strong")),
    ("tracking_in_place", _set("maintenance.habits", ["TBD"])),
    ("tracking_in_place", _set("maintenance.tracking_fields", ["name", "-", "n/a"])),
]


@pytest.mark.parametrize(("check_id", "mutate"), FLAWS)
def test_each_check_fails_on_its_flaw(
    check_id: str, mutate: Callable[[dict[str, Any]], None]
) -> None:
    result = CHECKS[check_id](build(mutate))
    assert not result.passed, result.evidence
    assert result.score < 1.0
    assert result.details and result.evidence == result.details[0]


def test_placeholders_and_blanks() -> None:
    found = find_placeholders("Hi [Name], at {company} or <name>; XXX TBD. {{ role }}")
    assert found == ["[Name]", "{company}", "{{ role }}", "<name>", "XXX", "TBD"]
    assert find_placeholders("Hi Priya, 20 minutes at 4pm?") == []
    assert all(is_blank(v) for v in ["", "N/A", "tbd.", " - ", "none", "?"])
    assert not is_blank("Runs the Toronto UXR meetup")


def test_near_copy_threshold_separates_templates_from_personal_messages() -> None:
    template = words(
        "I hope you're doing well! I'm reaching out because I admire your organization."
    )
    swapped = words("I hope you are well! I'm reaching out because I admire your organization.")
    personal = words("Your team's posts on how people misread interest rates caught my eye.")
    assert similarity(template, swapped) >= NEAR_COPY_RATIO
    assert similarity(template, personal) < NEAR_COPY_RATIO


def test_load_plan_errors_are_clear(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="not valid JSON"):
        load_plan(bad)
    with pytest.raises(InputError, match="cannot read plan"):
        load_plan(tmp_path / "missing.json")
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"situation": "x"}), encoding="utf-8")
    with pytest.raises(InputError, match="not a valid NetworkingPlan"):
        load_plan(wrong)
    with pytest.raises(InputError, match="JSON object"):
        parse_plan([1, 2])
    good = tmp_path / "plan.json"
    good.write_text(json.dumps(plan_data()), encoding="utf-8")
    assert isinstance(load_plan(good), NetworkingPlan)


def test_saved_plan_with_invented_names_still_loads_and_is_caught() -> None:
    plan = parse_plan(plan_data("flaw-mecheng-invented"))
    assert isinstance(plan, NetworkingPlan)
    result = CHECKS["target_names_known"](plan)
    assert not result.passed and "Sarah Mitchell" in result.evidence


def test_score_without_judge_uses_checks_alone() -> None:
    skill = load_bundled_skill()
    good = score_plan_sync(build(), skill)
    assert good.passed and good.score == 1.0 and good.judge_model is None
    assert good.scored_count == 6 and good.passed_count == 6
    flawed = score_plan_sync(
        NetworkingPlan.model_validate(plan_data("flaw-veteran-no-cadence")), skill
    )
    cadence = flawed.criterion("maintenance_cadence")
    assert cadence.status == "failed" and cadence.checks_passed is False
    assert flawed.passed_count == 5 and flawed.score == pytest.approx(5 / 6, abs=1e-4)
    assert flawed.partial_credit is not None and flawed.score < flawed.partial_credit < 1
    assert (
        json.loads(flawed.model_dump_json())["criteria"][5]["criterion_id"] == "maintenance_cadence"
    )


def test_filler_pasted_into_every_part_fails_the_distinctness_checks() -> None:
    from datetime import date

    from net_skill.backends.fake import minimal_instance
    from net_skill.skills.networking.checks.outreach import outreach_lines_distinct
    from net_skill.skills.networking.checks.targets import research_parts_distinct
    from net_skill.skills.networking.models import NETWORKING_STEP_MODELS
    from net_skill.skills.networking.plan import build_networking_plan
    from tests.plan_factory import good_plan

    outputs = {
        n: model.model_validate(minimal_instance(model.model_json_schema()))
        for n, model in NETWORKING_STEP_MODELS.items()
    }
    filler = build_networking_plan(outputs, situation="x", today=date(2026, 1, 1))
    assert not outreach_lines_distinct(filler).passed
    assert not research_parts_distinct(filler).passed
    assert outreach_lines_distinct(good_plan()).passed
    assert research_parts_distinct(good_plan()).passed
