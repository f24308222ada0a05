"""The networking skill's own answer checks, and code-written values exempt from checks."""

from __future__ import annotations

from net_skill.quality import format_path
from net_skill.skills.networking.answer_checks import (
    gaps_are_not_contacts,
    people_are_not_invented,
    prose_is_not_one_word,
    questions_are_questions,
    research_says_more_than_the_profile,
    statements_are_not_questions,
    text_is_not_only_a_name,
    where_to_build_check,
)

SITUATION = "I'm Priya. My former colleague Priya Nair left teaching for a UX role at Shopify."


def test_a_gap_that_is_a_contact_is_a_problem_and_a_real_gap_is_not() -> None:
    audit = {
        "contacts": [{"name": "Priya Nair", "description": "Former colleague, UX at Shopify"}],
        "gaps": ["Priya Nair's current role at Shopify", "UX researchers at healthcare companies"],
    }
    assert [p.path for p in gaps_are_not_contacts(audit)] == [("gaps", 0)]


def test_a_contact_given_as_a_place_to_build_is_a_problem() -> None:
    audit = {
        "contacts": [{"name": "Priya Nair", "description": "Former colleague, UX at Shopify"}],
        "gaps": ["UX researchers at healthcare companies"],
        "where_to_build": ["Priya Nair", "UX research meetups in Toronto"],
    }
    found = gaps_are_not_contacts(audit)
    assert [p.path for p in found] == [("where_to_build", 0)]
    assert "names a contact, not a place" in found[0].message


def test_invented_places_are_problems_kinds_of_places_are_not() -> None:
    check = where_to_build_check(SITUATION)
    data = {"where_to_build": ["Cherrywood", "Local UX meetups", "LinkedIn", "Shopify"]}
    assert [p.path for p in check(data)] == [("where_to_build", 0)]


def test_research_that_repeats_the_profile_is_a_problem() -> None:
    data = {
        "targets": [
            {
                "profile": "UX researcher at Shopify",
                "research": {
                    "background": "UX researcher at Shopify",
                    "common_ground": "Both taught maths before moving into UX",
                    "value_to_offer": "Feedback from teachers on education products",
                },
            }
        ]
    }
    found = research_says_more_than_the_profile(data)
    assert [p.path for p in found] == [("targets", 0, "research", "background")]


def test_code_written_values_are_trusted() -> None:
    from net_skill.code_values import owned_by_code
    from net_skill.profile import CodeValue

    values = [CodeValue(("preparations", "*", "closing_questions"), ["Who else?"])]
    assert owned_by_code(("preparations", 2, "closing_questions", 0), values)
    assert not owned_by_code(("preparations", 2, "questions", 0), values)


def test_free_text_that_is_only_a_name_is_a_problem() -> None:
    text = "Contacts: Amir Haddad (former manager), Ben Carter (college roommate at CrowdStrike)."
    research = {
        "background": "Ben Carter",
        "common_ground": "Both worked with Ben Carter at CrowdStrike",
        "value_to_offer": "amr haddad",
    }
    data = {
        "targets": [{"name": "Amir Haddad", "via": "Ben Carter", "research": research}],
        "relationships": [{"person": "Ben Carter", "reason_to_reach_out": "Ben Carter"}],
    }
    found = text_is_not_only_a_name(text)(data)
    assert [format_path(p.path) for p in found] == [
        "targets[0].research.background",
        "targets[0].research.value_to_offer",
        "relationships[0].reason_to_reach_out",
    ]
    assert "is only a person's name" in found[0].message


def test_a_person_the_situation_never_names_is_a_problem_in_any_free_text() -> None:
    check = people_are_not_invented(SITUATION)
    data = {
        "who_can_help": [
            {"kind_of_person": "Mike Brown", "where": "UX teams at Shopify, like Priya Nair's"},
            {"kind_of_person": "UX researchers who were teachers", "where": "Sydney; John Smith"},
        ],
        "goal_statement": "Ask Priya about her move to Shopify",
    }
    found = check(data)
    assert [p.path for p in found] == [
        ("who_can_help", 0, "kind_of_person"),
        ("who_can_help", 1, "where"),
    ]
    assert "names Mike Brown, whom the situation never mentions" in found[0].message
    assert "Mike Brown" not in found[0].hint


def test_a_statement_field_answered_with_a_question_is_a_problem() -> None:
    """Real values: `Value proposition: What value can I offer to you?`, a why-you line that is
    one question; a question among statements, or in the fields that ask, is fine."""
    data = {
        "value_proposition": "What value can I offer to you?",
        "messages": [
            {
                "why_you": "I'm looking for a business plan, how do you make money?",
                "ask": "Could we talk for 15 minutes next week?",
                "thank_you_note": "Thanks for your time. How can I help you in return?",
            }
        ],
        "preparations": [{"questions": ["What does a typical week look like?"]}],
        "superpower": "Teaching: I explain hard ideas simply.",
        "description": "佐藤さんは元同僚です。今は何をしていますか？",
    }
    found = statements_are_not_questions(SITUATION)(data)
    assert [format_path(p.path) for p in found] == ["value_proposition", "messages[0].why_you"]
    assert all("value can I" not in p.hint for p in found)


def test_a_lone_first_name_the_situation_never_names_is_a_problem() -> None:
    check = people_are_not_invented(SITUATION)
    data = {
        "messages": [{"why_you": "Mike (warm path)", "who_i_am": "Priya suggested I write."}],
        "targets": [
            {
                "research": {
                    "common_ground": "Brian",
                    "value_to_offer": "Sophia",
                    "background": "UX researcher at Shopify in Sydney; Python and SQL",
                }
            }
        ],
    }
    found = check(data)
    assert [format_path(p.path) for p in found] == [
        "messages[0].why_you",
        "targets[0].research.common_ground",
        "targets[0].research.value_to_offer",
    ]
    assert "names Mike, whom the situation never mentions" in found[0].message
    named = people_are_not_invented(f"{SITUATION} My friend Brian Cole is a designer.")
    assert named({"common_ground": "Brian"}) == []


def test_a_field_one_word_cannot_answer_is_a_problem() -> None:
    """Real values: `Relevance: kiddie`, `Information: careersaving`, a target's profile
    `Minecraft.com`; a kind, a seniority or a place may be one word, and a sentence in any
    script is not one word."""
    data = {
        "needs": [{"kind": "information", "detail": "careersaving"}],
        "who_can_help": [{"kind_of_person": "Mentors", "where": "Fintech", "seniority": "Senior"}],
        "contacts": [{"relevance": "kiddie", "description": "Colleague"}],
        "messages": [{"why_you": "佐藤さんは元同僚です。", "ask": "Coffee next week?"}],
        # a local run on 2026-12-04, for "nurse, want ux research job"
        "targets": [{"profile": "Minecraft.com"}, {"profile": "UX research lead at Booking.com"}],
    }
    found = prose_is_not_one_word(SITUATION)(data)
    assert [format_path(p.path) for p in found] == [
        "needs[0].detail",
        "contacts[0].relevance",
        "targets[0].profile",
    ]


def test_an_interview_question_that_asks_nothing_is_a_problem() -> None:
    questions = [
        "the interview was a success. thank you for your time.",  # a real one
        "What does a typical week look like?",
        "¿Cómo empezaste en energía solar?",
        "どうやってUXに移りましたか",
        "你是怎么开始做产品的呢",
    ]
    found = questions_are_questions(SITUATION)({"preparations": [{"questions": questions}]})
    assert [format_path(p.path) for p in found] == ["preparations[0].questions[0]"]
