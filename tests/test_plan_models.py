from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from net_skill.backends.fake import minimal_instance
from net_skill.skills.networking import NetworkingPlan
from net_skill.skills.networking.models import (
    NETWORKING_STEP_MODELS,
    Contact,
    NetworkAudit,
    Outreach,
    Target,
)
from net_skill.skills.networking.render import render_networking_markdown as render_plan_markdown
from tests.plan_factory import GOOD_STEP_OUTPUTS, SITUATION, good_plan


def test_every_step_of_the_skill_has_a_model() -> None:
    from net_skill._resources import bundled_skill_path

    text = bundled_skill_path().read_text()
    numbers = {
        int(line.split()[2].rstrip(":"))
        for line in text.splitlines()
        if line.startswith("### Step ")
    }
    assert numbers == set(NETWORKING_STEP_MODELS)


@pytest.mark.parametrize("number", sorted(NETWORKING_STEP_MODELS))
def test_minimal_schema_instance_validates(number: int) -> None:
    model = NETWORKING_STEP_MODELS[number]
    model.model_validate(minimal_instance(model.model_json_schema()))


@pytest.mark.parametrize("number", sorted(NETWORKING_STEP_MODELS))
def test_every_string_and_list_is_bounded(number: int) -> None:
    schema = NETWORKING_STEP_MODELS[number].model_json_schema()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "string" and "enum" not in node:
                assert "maxLength" in node, node
            if node.get("type") == "array":
                assert "maxItems" in node, node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)


def test_invented_contact_name_is_rejected_with_context() -> None:
    data = dict(GOOD_STEP_OUTPUTS[2]["contacts"][0], name="Sarah Johnson")
    with pytest.raises(ValidationError, match="never be invented"):
        Contact.model_validate(data, context={"source_text": SITUATION})
    # without context (re-reading a saved plan) it is accepted
    assert Contact.model_validate(data).name == "Sarah Johnson"


def test_names_match_case_and_accent_insensitively() -> None:
    data = dict(GOOD_STEP_OUTPUTS[2]["contacts"][0], name="dana OKAFOR")
    assert Contact.model_validate(data, context={"source_text": SITUATION}).name == "dana OKAFOR"
    target = dict(GOOD_STEP_OUTPUTS[4]["targets"][0], name="José Núñez")
    assert Target.model_validate(target, context={"source_text": "I met Jose Nunez."}).name


def test_unnamed_target_is_a_profile_to_identify() -> None:
    target = Target.model_validate(
        GOOD_STEP_OUTPUTS[4]["targets"][1], context={"source_text": SITUATION}
    )
    assert target.to_identify and target.label.startswith("Senior PM")


def test_outreach_target_number_checked_against_step_4() -> None:
    with pytest.raises(ValidationError, match="from 1 to 1"):
        Outreach.model_validate(GOOD_STEP_OUTPUTS[5], context={"target_count": 1})


def test_missing_gaps_rejected() -> None:
    """An answer without gaps is rejected (a saved plan may hold it, listed as unanswered)."""
    from net_skill.outputs import schema_of
    from net_skill.structured.answers import inspect_data

    answer = {**GOOD_STEP_OUTPUTS[2], "gaps": []}
    found = inspect_data(answer, NetworkAudit, schema=schema_of(NetworkAudit), context=None)
    assert [p.where for p in found.problems] == ["gaps"]
    assert NetworkAudit.model_validate(answer).gaps == []


def test_dates_come_from_code() -> None:
    plan = good_plan(today=date(2026, 1, 10))
    follow_ups = [a for a in plan.schedule if a.action == "follow_up"]
    assert {(a.on, a.latest) for a in follow_ups} == {(date(2026, 1, 15), date(2026, 1, 17))}
    cadence = {
        rc.person: (rc.cadence.every_days_min, rc.cadence.every_days_max)
        for rc in plan.relationship_cadences
    }
    assert cadence == {"Dana Okafor": (90, 180), "Luis Romero": (30, 90)}
    assert plan.follow_up_rule.max_follow_ups == 1 and plan.thank_you_within_hours == 24


def test_plan_round_trips_through_json() -> None:
    plan = good_plan()
    again = NetworkingPlan.model_validate_json(plan.model_dump_json())
    assert again == plan


def test_markdown_has_every_step() -> None:
    text = render_plan_markdown(good_plan())
    for heading in ("## 1. Purpose", "## 2.", "## 3.", "## 4.", "## 5.", "## 6.", "## 7.", "## 8."):
        assert heading in text
    assert "to be identified" in text and "2026-11-30 to 2026-12-02" in text


def test_candidate_names_come_from_the_text() -> None:
    from net_skill.names import candidate_names

    names = candidate_names(SITUATION + " I met Jan van der Berg at PyCon. Soy de Madrid.")
    assert {"Dana Okafor", "Luis Romero", "Jan van der Berg", "PyCon"} <= set(names)
    assert "Priya" not in names  # "I'm Priya": the writer, not a contact
    assert "I'm" not in names and "My" not in names and "PyCon Soy" not in names


def test_name_fields_constrained_to_candidates() -> None:
    from net_skill.names import constrain_name_fields
    from net_skill.skills.networking.profile import NAME_FIELDS

    schema = constrain_name_fields(NetworkAudit.model_json_schema(), ["Dana Okafor"], NAME_FIELDS)
    contact = schema["$defs"]["Contact"]["properties"]["name"]
    assert contact["anyOf"] == [{"type": "string", "enum": ["Dana Okafor"]}, {"type": "null"}]
    nobody = constrain_name_fields(Target.model_json_schema(), [], NAME_FIELDS)
    assert nobody["properties"]["via"]["anyOf"] == [{"type": "null"}]
    # the description field (a plain string) is untouched
    assert schema["$defs"]["Contact"]["properties"]["description"]["type"] == "string"


def test_the_writers_own_name_is_not_a_contact_candidate() -> None:
    from net_skill.names import candidate_names

    names = candidate_names("I'm Priya. My name is Ana Lima, call me Ana. I know Dana Okafor.")
    assert names == ["Dana Okafor", "Dana", "Okafor"]


def test_written_leaves_out_what_code_wrote_inside_the_step_answers() -> None:
    written = good_plan().written()
    maintenance = written["maintenance"]
    assert "habits" not in maintenance and "tracking_fields" not in maintenance
    assert "if_they_say_no" not in written["asks"] and "after_help" not in written["asks"]
    assert written["asks"]["asks"] and all("timing" not in a for a in written["asks"]["asks"])
    assert all("closing_questions" not in p for p in written["interviews"]["preparations"])
    assert all("message" in a for a in written["asks"]["asks"])  # the model's own text stays
    assert "schedule" not in written and "situation" not in written


def test_the_same_prescribed_timing_for_two_asks_is_not_a_pasted_value() -> None:
    from net_skill.answer_checks import degenerate_values
    from net_skill.skills.networking.prescribed import TIMING

    plan = good_plan()
    asks = [a.model_copy(update={"timing": TIMING["strong"]}) for a in plan.asks.asks * 2]
    plan = plan.model_copy(update={"asks": plan.asks.model_copy(update={"asks": asks})})
    assert [p for p in degenerate_values(plan) if "timing" in p.loc] == []


def test_a_text_pasted_across_steps_is_kept_in_its_first_place_and_withheld_elsewhere() -> None:
    """Steps 5 to 8 are answered side by side, so only the whole plan shows one sentence
    written into three of them; the copies are emptied and listed as unanswered."""
    from net_skill.answer_checks import degenerate_values, withhold_degenerate
    from net_skill.skills.networking.render import render_networking_markdown

    plan = good_plan()
    pasted = "I am moving into UX research and finished a certificate in it last spring"
    message = plan.outreach.messages[0].model_copy(update={"why_you": pasted})
    prep = plan.interviews.preparations[0].model_copy(update={"hope_to_learn": pasted + "."})
    ask = plan.asks.asks[0].model_copy(update={"message": pasted.replace("spring", "summer")})
    plan = plan.model_copy(
        update={
            "outreach": plan.outreach.model_copy(update={"messages": [message]}),
            "interviews": plan.interviews.model_copy(update={"preparations": [prep]}),
            "asks": plan.asks.model_copy(update={"asks": [ask]}),
        }
    )
    assert {p.loc for p in degenerate_values(plan)} == {
        "outreach.messages.0.why_you",
        "interviews.preparations.0.hope_to_learn",
        "asks.asks.0.message",
    }
    kept = withhold_degenerate(plan)
    assert kept.outreach.messages[0].why_you == pasted
    assert kept.interviews.preparations[0].hope_to_learn == ""
    assert kept.asks.asks[0].message == ""
    assert kept.unanswered[-2:] == [
        "interviews.preparations[0].hope_to_learn",
        "asks.asks[0].message",
    ]
    assert degenerate_values(kept) == []
    assert plan.asks.asks[0].message  # the plan given is left as it was
    assert "(no usable answer)" in render_networking_markdown(kept)
    assert withhold_degenerate(good_plan()) == good_plan()


def test_a_text_pasted_twice_in_one_step_keeps_its_first_place_only() -> None:
    """The first place of a pasted text keeps it, whether or not the check reports it: two
    targets' research holding one sentence (a local run on 2026-12-04) report only the copy,
    and a target's profile written from the audit's description of that person is no paste."""
    from net_skill.answer_checks import degenerate_values, withhold_degenerate

    plan = good_plan()
    car = "The best way to make money is to buy a car."
    first = plan.targets.targets[0]
    second = first.model_copy(update={"name": None, "via": None, "profile": "A PM at Northwind"})
    targets = [
        first.model_copy(
            update={
                "research": first.research.model_copy(update={"common_ground": car}),
                "profile": plan.audit.contacts[0].description,
            }
        ),
        second.model_copy(
            update={"research": second.research.model_copy(update={"background": car})}
        ),
    ]
    plan = plan.model_copy(update={"targets": plan.targets.model_copy(update={"targets": targets})})
    assert [p.loc for p in degenerate_values(plan)] == ["targets.targets.1.research.background"]
    kept = withhold_degenerate(plan)
    assert kept.targets.targets[0].research.common_ground == car
    assert kept.targets.targets[1].research.background == ""
    assert kept.targets.targets[0].profile == plan.audit.contacts[0].description
    assert degenerate_values(kept) == []


def test_a_long_text_in_three_places_of_two_field_names_is_pasted_across_steps() -> None:
    """A local run on 2026-12-04 (Spanish): one invented sentence as a need's detail, an
    offer's detail and where to find helpers, its number changed once. Two names of field
    (`detail` twice), three places: the first keeps it."""
    from net_skill.answer_checks import degenerate_values, withhold_degenerate

    plan = good_plan()
    said = "La fuente de leer el blog está en la ciudad del baja de {}."
    need = plan.purpose.needs[0].model_copy(update={"detail": said.format(5)})
    helper = plan.purpose.who_can_help[0].model_copy(update={"where": said.format(25)})
    offer = plan.value.offers[0].model_copy(update={"detail": said.format(5)})
    purpose = plan.purpose.model_copy(update={"needs": [need], "who_can_help": [helper]})
    value = plan.value.model_copy(update={"offers": [offer]})
    plan = plan.model_copy(update={"purpose": purpose, "value": value})
    assert sorted(p.loc for p in degenerate_values(plan)) == [
        "purpose.who_can_help.0.where",
        "value.offers.0.detail",
    ]
    kept = withhold_degenerate(plan)
    assert kept.purpose.needs[0].detail == said.format(5)
    assert kept.value.offers[0].detail == kept.purpose.who_can_help[0].where == ""
