"""The checks that read free text against the rules, junk, unanswered values, any language, and
`rank_step`: each on passing and failing examples."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from net_skill.eval.scoring import parse_plan, score_plan_sync
from net_skill.loader import load_bundled_skill
from net_skill.skills.networking import NetworkingPlan
from net_skill.skills.networking.checks import CHECKS, NETWORKING_CRITERIA, rank_step, step_checks
from net_skill.skills.networking.checks.people import invented_people, lone_given_names
from net_skill.skills.networking.checks.phrases import (
    asks_instead_of_offers,
    gap_denies_itself,
    stated_follow_ups,
    stated_thank_you_delays,
)
from net_skill.skills.networking.given_names import given_names, is_given_name
from net_skill.skills.networking.models import NETWORKING_STEP_MODELS
from tests.labeled_plans import CRITERION_IDS, labeled_document
from tests.labeled_plans import setter as _set
from tests.plan_factory import SITUATION, good_plan, good_step_outputs

CRITERION_OF = {c.id: spec.id for spec in NETWORKING_CRITERIA.values() for c in spec.checks}


def plan_of(name: str, mutate: Callable[[dict[str, Any]], None] | None = None) -> NetworkingPlan:
    data: dict[str, Any] = labeled_document(name)["plan"]
    if mutate:
        mutate(data)
    plan = parse_plan(data)
    assert isinstance(plan, NetworkingPlan)
    return plan


def failing(plan: NetworkingPlan) -> set[str]:
    return {check_id for check_id, check in CHECKS.items() if not check(plan).passed}


# --- phrases ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "gap",
    [
        "None - my network already covers this",
        "No gaps, I know everyone I need",
        "Nothing, really",
        "Ninguno, mi red ya cubre esto",
        "特にない",
        "没有",
    ],
)
def test_gaps_that_deny_themselves(gap: str) -> None:
    assert gap_denies_itself(gap)


@pytest.mark.parametrize(
    "gap",
    [
        "No UX research managers who hire in Toronto",
        "Nobody in hardware startups",
        "None of my contacts work in climate tech",
        "Aucun contact avec les incubateurs santé",
        "メルカリ以外のPMの知り合いがいない",
    ],
)
def test_real_gaps_phrased_with_a_negation_are_gaps(gap: str) -> None:
    assert not gap_denies_itself(gap)


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("Eager analyst looking for a role where I can grow and learn.", True),
        ("A role where I can grow.", True),
        ("Busco un puesto donde pueda crecer.", True),
        ("医療系スタートアップで成長できる仕事を探しています。", True),
        ("我想找一份数据分析的工作。", True),
        ("I help retail product teams decide faster with clear experiment results.", False),
        ("I want to help early-stage founders hire their first engineers.", False),
        ("データ分析の経験を活かして、PMチームの意思決定を支えます。", False),
        ("我可以用六年的会计经验帮助数据团队理解财务数据。", False),
        ("Nine years of classroom research and two food-bank usability studies.", False),
    ],
)
def test_value_that_asks_instead_of_offering(text: str, asks: bool) -> None:
    assert asks_instead_of_offers(text) is asks


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Follow up three times if there is no reply.", True),
        ("Chase unanswered messages every 3 days until they respond.", True),
        ("If no response in 2 days, follow up.", True),
        ("If they don't reply, send a follow-up after 10 days.", True),
        ("Si no responden, hago seguimiento tres veces.", True),
        ("返信がなければ3日後にフォローアップする。", True),
        ("如果对方没有回复，每天跟进。", True),
        ("Follow up once after a week if no reply, then move on.", False),
        ("Send one follow-up after 5-7 days if there is no reply.", False),
        ("No more than one follow-up if there is no reply.", False),
        ("Follow up with strong contacts monthly.", False),  # a touch-point, not a follow-up
    ],
)
def test_stated_follow_ups(text: str, found: bool) -> None:
    assert bool(stated_follow_ups(text)) is found


def test_a_follow_up_that_announces_another_is_a_second_follow_up() -> None:
    assert stated_follow_ups(
        "Checking in on my note. I'll follow up again next week.", follow_up_message=True
    )
    assert stated_follow_ups("下周我会再联系你，之后每周都会跟进。", follow_up_message=True)
    assert not stated_follow_ups(
        "Hi Dana, a gentle nudge on my note from last week.", follow_up_message=True
    )


@pytest.mark.parametrize(
    ("text", "late"),
    [
        ("Send a thank-you note within 48 hours.", True),
        ("Thank them within a week.", True),
        ("Write a thank-you next week.", True),
        ("3日以内にお礼を送る", True),
        ("Send thanks the same day.", False),
        ("Thank-you within 24 hours.", False),
        ("Send a thank-you note the next day.", False),
        ("Thank them again after they help.", False),  # thanks for help received: Step 8
    ],
)
def test_stated_thank_you_delays(text: str, late: bool) -> None:
    assert bool(stated_thank_you_delays(text)) is late


# --- people in free text -----------------------------------------------------------------------


def test_invented_people_in_free_text() -> None:
    known = "My former colleague Priya Nair works at Shopify in Toronto."
    assert invented_people("My friend Siobhan Kelly suggested I write.", known) == ["Siobhan Kelly"]
    assert invented_people("Priya Nair suggested I write.", known) == []
    assert invented_people("Hey Priya, thanks!", known) == []  # a greeting is not a name
    assert invented_people("Search LinkedIn for Toronto UX leads.", known) == []
    assert invented_people("Posts roles in Work on Climate's London channel.", known) == []


def test_names_in_languages_without_spaces_or_with_capitalised_nouns() -> None:
    ja = "元同僚の佐藤美咲さんが今はメルカリでプロダクトマネージャーをしています。"
    assert invented_people("佐藤美咲さん、お久しぶりです。", ja) == []
    assert invented_people("同僚の山田太郎さんから紹介されました。", ja) == ["山田太郎"]
    de = "Mein Studienfreund Jonas Weber arbeitet bei einem Batteriehersteller in Salzgitter."
    assert invented_people("Ehemalige Kollegen kennen die Teamleiterin Zellvalidierung.", de) == []
    assert invented_people("Mein Kollege Lukas Brandt hat mir Ihren Namen genannt.", de) == [
        "Lukas Brandt"
    ]
    assert invented_people("Mein Kollege Lukas hat mir Ihren Namen genannt.", de) == ["Lukas"]
    assert invented_people("Hallo Lukas, ich bin neu in der Batteriebranche.", de) == []  # no cue


# --- lone first names --------------------------------------------------------------------------

KNOWN = "My former colleague Priya Nair works at Shopify in Toronto."


@pytest.mark.parametrize(
    ("text", "invented"),
    [
        ("Mike (warm path)", ["Mike"]),
        ("Brian", ["Brian"]),
        ("Common ground: Brian", ["Brian"]),
        ("Value to offer: Sophia", ["Sophia"]),
        ('common_ground: "Ava"', ["Ava"]),
        ("Hey Mike, great to meet you at the meetup.", ["Mike"]),  # a greeting joins nothing
        ("Talk to Mike and Priya about Shopify.", ["Mike"]),
        ("Ask Priya first, then Sarah's team.", ["Sarah"]),
        ("Dr. Ahmed runs the clinic.", ["Ahmed"]),
        ("Mike Brown first, then Mike again.", ["Mike Brown"]),  # one person, reported once
        ("Zoë from the meetup (warm path)", ["Zoë"]),
        ("Hablé con Carlos sobre el puesto.", ["Carlos"]),
        ("Conheci a Mariana num evento.", ["Mariana"]),
    ],
)
def test_a_lone_first_name_the_situation_never_mentions_is_invented(
    text: str, invented: list[str]
) -> None:
    assert invented_people(text, KNOWN) == invented


def test_a_lone_first_name_the_situation_names_is_known() -> None:
    known = "My friend Brian Cole runs design at Shopify; my cousin Dana's startup is hiring."
    assert invented_people("Brian (warm path)", known) == []
    assert invented_people("Common ground: Brian", known) == []
    assert invented_people("Hey Brian, congrats on the launch!", known) == []
    assert invented_people("Ask Dana about the startup.", known) == []  # "Dana's" names Dana
    assert invented_people("Brian, then Sophia", known) == ["Sophia"]
    assert invented_people("Hey Priya, thanks!", "I'm Priya, a maths teacher.") == []


@pytest.mark.parametrize(
    "text",
    [
        "Shopify",
        "Sydney",
        "Healthcare",
        "Python",
        "Toronto",
        "Google",
        "March",
        "Will reach out next week.",
        "May I ask about your move?",
        "Mark the date: June 3.",
        "Grant writing for nonprofits",
        "Frank feedback on my portfolio",
        "Drew on nine years of teaching.",
        "Angel investors in Austin",
        "Chase referrals? No: one follow-up.",
        "Hope to learn how you moved into UX.",
        "Summer internships at Shopify",
        "Junior UX researchers, Toronto",
        "Foster ties with alumni in Paris",
        "Julia, Ruby and Python for data work",
        "Claude or ChatGPT for drafts",
        "Tue/Thu afternoons work.",
        "St. Louis meetup",
        "Victoria, BC",
        "Georgia Tech alumni",
        "German-speaking teams",
        "Christian nonprofits",
        "Dean of students",
        "King's College London",
        "Esta semana, una llamada corta.",
        "Ella trabaja en Madrid.",
        "Vera Wang",  # a longer name, read by named_people: not a lone first name
    ],
)
def test_single_words_that_are_no_person_are_not_invented_people(text: str) -> None:
    known = KNOWN + " Vera Wang"
    assert invented_people(text, known) == [], text


def test_lone_given_names_reads_words_that_stand_alone() -> None:
    assert lone_given_names("Mike (warm path); Brian Cole; Hey Sophia; St. Paul") == [
        "Mike",
        "Sophia",
    ]


PRUNED = """
    will may june april august grant mark bill rose max sydney victoria austin paris florence
    china india georgia chase hunter summer joy faith hope page lane dean major king young long
    drew frank foster angel junior julia ruby claude thu
"""


def test_the_lexicon_leaves_out_names_that_are_words_places_or_products() -> None:
    names = given_names()
    assert 3000 < len(names) < 10000
    assert all(n.isascii() and n.islower() and n.isalpha() for n in names)
    for name in ["mike", "brian", "sophia", "ava", "priya", "carlos", "lukas", "ahmed"]:
        assert is_given_name(name), name
    assert is_given_name("José") and is_given_name("ZOË")
    assert [w for w in PRUNED.split() if is_given_name(w)] == []


# --- the checks on plans -----------------------------------------------------------------------


def _both(*mutations: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        for one in mutations:
            one(data)

    return mutate


FLAWS: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
    ("audit_gaps_named", _set("audit.gaps", ["None - my network already covers this"])),
    ("audit_names_known", _set("audit.contacts.1.relevance", "My friend Tom Becker knows them")),
    ("audit_quality", _set("audit.gaps", ["{{1}} 2023-08-24 15:59:57.614}"])),
    (
        "value_offers_not_asks",
        _set("value.value_proposition", "Looking for a role where I can grow."),
    ),
    (
        "value_proposition_specific",
        _set(
            "value.value_proposition",
            "I drive scalable, data-driven growth and synergistic stakeholder outcomes for teams.",
        ),
    ),
    (
        "targets_findable",
        _both(
            _set("targets.targets.1.profile", "A UX research manager at a large SaaS company"),
            _set("targets.targets.1.research.background", "Such managers hire juniors often."),
        ),
    ),
    (
        "research_concrete",
        _set("targets.targets.1.research.background", "Works in tech, likes innovation."),
    ),
    (
        "research_concrete",
        _set("targets.targets.2.research.common_ground", "We both care about the environment."),
    ),
    (
        "target_names_known",
        _set("targets.targets.2.research.background", "Ask her colleague Marta Ruiz first."),
    ),
    (
        "outreach_names_known",
        _set("outreach.messages.1.why_you", "My friend Jessica Tran suggested I reach out."),
    ),
    (
        "outreach_quality",
        _set("outreach.messages.0.ask", "Line 3: the specific ask, usually a short conversation"),
    ),
    ("asks_people_known", _set("asks.asks.0.person", "Jessica Tran")),
    (
        "follow_up_rule",
        _set(
            "outreach.messages.0.follow_up_message",
            "Nudging again; I'll follow up again next week.",
        ),
    ),
    (
        "thank_you_habit",
        _set("interviews.preparations.0.hope_to_learn", "Send thanks within a week."),
    ),
    (
        "habits_match_rules",
        _set("maintenance.habits", ["If they don't reply, follow up three times"]),
    ),
    (
        "asks_match_rules",
        _set("asks.if_they_say_no", "If no reply, chase every 3 days until they respond."),
    ),
    ("tracked_people_known", _set("maintenance.relationships.0.person", "Emma Lindqvist")),
    # a lone invented first name fails the same criteria
    ("audit_names_known", _set("audit.contacts.1.relevance", "Brian (warm path)")),
    ("target_names_known", _set("targets.targets.1.research.common_ground", "Brian")),
    ("outreach_names_known", _set("outreach.messages.1.why_you", "Mike suggested I write.")),
    ("asks_people_known", _set("asks.asks.0.why_them", "Value to offer: Sophia")),
    ("tracked_people_known", _set("maintenance.relationships.1.person", "Ava")),
    (
        "maintenance_quality",
        _set("maintenance.tracking_fields", ["reason_to_reach_out", "tracking_fields", "person"]),
    ),
]


def test_the_good_plan_passes_every_check() -> None:
    assert failing(plan_of("good-teacher-ux")) == set()


@pytest.mark.parametrize(("check_id", "mutate"), FLAWS)
def test_each_new_check_fails_on_its_flaw(
    check_id: str, mutate: Callable[[dict[str, Any]], None]
) -> None:
    plan = plan_of("good-teacher-ux", mutate)
    result = CHECKS[check_id](plan)
    assert not result.passed, result.evidence
    assert result.details and result.evidence == result.details[0]
    score = score_plan_sync(plan, load_bundled_skill())
    assert not score.criterion(CRITERION_OF[check_id]).passed


@pytest.mark.parametrize(
    "name", ["good-ja-sato", "good-zh-wang", "good-de-battery", "good-es-solar"]
)
def test_good_plans_in_other_languages_pass(name: str) -> None:
    assert failing(plan_of(name)) == set()


def test_flawed_chinese_and_japanese_plans_fail_their_criteria() -> None:
    ja = score_plan_sync(plan_of("flaw-ja-nurse-asks-generic"), load_bundled_skill())
    assert [c.criterion_id for c in ja.criteria if not c.passed] == [
        "value_articulated",
        "targets_researched",
    ]
    zh = score_plan_sync(plan_of("flaw-zh-followup-chase"), load_bundled_skill())
    assert [c.criterion_id for c in zh.criteria if not c.passed] == ["followup_thankyou"]


def test_a_terse_concrete_plan_is_a_good_plan() -> None:
    assert failing(plan_of("good-terse-climate")) == set()
    assert failing(plan_of("good-lawyer-notes")) == set()


def test_junk_fails_every_criterion_it_touches() -> None:
    """The junk plan of issue 9: contacts `Retail, Mentor`, gaps of template debris and field
    names. Network audited passed at 1.00 before; it now fails, and so does each criterion whose
    section is junk."""

    def junk(data: dict[str, Any]) -> None:
        data["audit"]["contacts"] = [
            {**data["audit"]["contacts"][0], "name": None, "description": "Retail"},
            {**data["audit"]["contacts"][1], "name": None, "description": "Mentor"},
        ]
        data["audit"]["gaps"] = ["{{1}} 2023-08-24 15:59:57.614}", "name", "description"]
        data["value"]["value_proposition"] = "value_proposition: One specific sentence"
        data["maintenance"]["habits"] = ["habits", "reason_to_reach_out"]

    score = score_plan_sync(plan_of("good-teacher-ux", junk), load_bundled_skill())
    failed = {c.criterion_id for c in score.criteria if not c.passed}
    assert {"network_audited", "value_articulated", "maintenance_cadence"} <= failed
    assert score.score is not None and score.score <= 0.5
    audit = score.criterion("network_audited")
    assert audit.score == 0.0 and any(
        "junk in audit.gaps" in r.evidence for r in audit.check_results
    )


def test_unanswered_values_fail_the_criterion_that_needs_them() -> None:
    def unanswered(data: dict[str, Any]) -> None:
        data["value"]["value_proposition"] = ""
        data["unanswered"] = ["value.value_proposition"]

    plan = plan_of("good-teacher-ux", unanswered)
    result = CHECKS["value_quality"](plan)
    assert not result.passed and "value.value_proposition is unanswered" in result.evidence
    score = score_plan_sync(plan, load_bundled_skill())
    assert [c.criterion_id for c in score.criteria if not c.passed] == ["value_articulated"]


def test_one_filler_text_everywhere_is_junk_and_meets_no_criterion() -> None:
    """A plan whose every text is the same filler (what a fake backend once wrote)."""
    from datetime import date

    from net_skill.backends.fake import minimal_instance
    from net_skill.skills.networking.plan import build_networking_plan

    def same_text(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: same_text(v) for k, v in node.items()}
        if isinstance(node, list):
            return [same_text(v) for v in node]
        filler = isinstance(node, str) and node.startswith("Sample answer")
        return "Example text produced by FakeBackend to satisfy the schema." if filler else node

    outputs = {
        n: model.model_validate(same_text(minimal_instance(model.model_json_schema())))
        for n, model in NETWORKING_STEP_MODELS.items()
    }
    plan = build_networking_plan(outputs, situation="x", today=date(2026, 1, 1))
    score = score_plan_sync(plan, load_bundled_skill())
    assert score.passed_count == 0 and score.score == 0.0
    assert score.partial_credit is not None and score.partial_credit > 0  # detail only


# --- rank_step ---------------------------------------------------------------------------------


def test_every_check_names_the_steps_it_reads() -> None:
    assert all(c.reads and c.step is not None for c in CHECKS.values())
    assert sorted({c.step for c in CHECKS.values()}) == [2, 3, 4, 5, 6, 7, 8]
    assert step_checks(1) == ()


def test_rank_step_of_good_outputs_is_one() -> None:
    outputs = good_step_outputs()
    for number, output in outputs.items():
        earlier = {n: o for n, o in outputs.items() if n < number}
        assert rank_step(number, output, SITUATION, earlier) == 1.0, number


def test_rank_step_is_the_share_of_the_steps_checks_that_pass() -> None:
    outputs = good_step_outputs()
    junk_audit = outputs[2].model_copy(update={"gaps": ["None - my network already covers this"]})
    checks = [c for c in step_checks(2) if set(c.reads) <= {2}]
    assert rank_step(2, junk_audit, SITUATION, {1: outputs[1]}) == pytest.approx(
        (len(checks) - 1) / len(checks)
    )
    # a check that needs an earlier output not given is skipped, not failed
    alone = rank_step(5, outputs[5], SITUATION, {})
    with_targets = rank_step(5, outputs[5], SITUATION, {4: outputs[4]})
    assert alone == with_targets == 1.0
    with pytest.raises(TypeError):
        rank_step(3, outputs[2], SITUATION, {})


def test_rank_step_prefers_the_better_of_two_candidates() -> None:
    outputs = good_step_outputs()
    earlier = {n: outputs[n] for n in (1, 2)}
    bad = outputs[3].model_copy(update={"value_proposition": "A role where I can grow."})
    assert rank_step(3, outputs[3], SITUATION, earlier) > rank_step(3, bad, SITUATION, earlier)


def test_rank_step_reuses_the_plan_checks() -> None:
    plan = good_plan()
    assert all(CHECKS[c.id] is c for n in range(1, 9) for c in step_checks(n))
    assert all(c(plan).passed for c in CHECKS.values())


def test_labelled_files_have_a_reason_per_label() -> None:
    from tests.labeled_plans import LABELED

    for path in sorted(LABELED.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert set(doc["reasons"]) == set(CRITERION_IDS) == set(doc["labels"]), path.name
        assert all(r.strip() for r in doc["reasons"].values()), path.name
        assert doc["source"] == "hand" or doc["source"].startswith("run:"), path.name
