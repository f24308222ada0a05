"""What code reads about people from the words of a situation, in several languages."""

from __future__ import annotations

import pytest

from net_skill.skills.networking.grounding import ground_audit, ground_step, named_people
from net_skill.skills.networking.models import Interviews, NetworkAudit, Outreach, TargetList


@pytest.mark.parametrize(
    ("text", "name", "relationship", "strength"),
    [
        (
            "My former manager Dana Okafor is now a group PM at Fabrikam.",
            "Dana Okafor",
            "former_colleague",
            None,
        ),
        (
            "My cousin Daniel Okafor is an engineer in Boston.",
            "Daniel Okafor",
            "friend_or_family",
            None,
        ),
        (
            "Our board chair Maria Gutierrez knows everyone.",
            "Maria Gutierrez",
            "board_contact",
            None,
        ),
        (
            "I haven't talked to my old boss Kevin O'Neil in years.",
            "Kevin O'Neil",
            "former_colleague",
            "dormant",
        ),
        ("I met Sam Lee at a design conference last year.", "Sam Lee", "met_at_event", None),
        (
            "Contacts: Julia Novak (met at RSA 2023, weak), Ben Carter (college roommate, medium)",
            "Ben Carter",
            "friend_or_family",
            "medium",
        ),
        (
            "Mi excompañero Andrés Gómez trabaja en una empresa solar.",
            "Andrés Gómez",
            "former_colleague",
            None,
        ),
        ("Mein Studienfreund Jonas Weber arbeitet in Salzgitter.", "Jonas Weber", "alumni", None),
        (
            "私は田中です。元同僚の佐藤美咲さんがGoogleで働いています。",
            "佐藤美咲",
            "former_colleague",
            None,
        ),
        ("我叫王芳。我的前同事李明现在在阿里巴巴工作。", "李明", "former_colleague", None),
    ],
)
def test_people_and_what_the_words_around_them_say(
    text: str, name: str, relationship: str, strength: str | None
) -> None:
    people = {p.name: p for p in named_people(text)}
    assert name in people, people
    assert people[name].relationship == relationship
    assert people[name].strength == strength


def test_organisations_and_sentence_words_are_not_people() -> None:
    text = (
        "I'm Priya, a data analyst at Contoso Retail. I want to work at a Big Four firm. "
        "Ich bin Elektrotechniker in Salzgitter."
    )
    assert named_people(text) == []


def test_grounding_corrects_the_model_and_drops_organisations() -> None:
    text = "I'm Priya, a data analyst at Contoso Retail. My cousin Dana Okafor is a PM at Fabrikam."
    audit = NetworkAudit.model_validate(
        {
            "contacts": [
                {
                    "name": "Dana Okafor",
                    "description": "Someone",
                    "relationship": "alumni",
                    "strength": "strong",
                    "relevance": "Knows PMs",
                },
                {
                    "name": "Fabrikam",
                    "description": "A company",
                    "relationship": "other",
                    "strength": "weak",
                    "relevance": "Hires PMs",
                },
                {
                    "name": "Dana Okafor",
                    "description": "Again",
                    "relationship": "other",
                    "strength": "weak",
                    "relevance": "Twice",
                },
            ],
            "gaps": ["Recruiters"],
            "where_to_build": ["Meetups"],
        }
    )
    grounded = ground_audit(audit, text)
    assert [c.name for c in grounded.contacts] == ["Dana Okafor"]
    dana = grounded.contacts[0]
    assert dana.relationship == "friend_or_family" and "PM at Fabrikam" in dana.description


def _unnamed(description: str) -> dict[str, str | None]:
    return {
        "name": None,
        "description": description,
        "relationship": "current_colleague",
        "strength": "weak",
        "relevance": "Knows the field",
    }


@pytest.mark.parametrize(
    ("text", "description", "kept"),
    [
        ("need a job in sales", "The person's role is not specified (current colleague)", False),
        ("need a job in sales", "", False),
        ("nurse, want ux research job", "nurse, want ux research job", False),  # the user
        ("nurse, want ux research job", "The nurse is a medical doctor.", False),  # the user
        ("nurse, want ux research job; I know a UX researcher", "A UX researcher", True),
        ("nurse, want ux research job", "A UX researcher at a hospital", False),  # nobody else
        ("My old manager at Fabrikam now hires PMs.", "Old manager, now at Fabrikam", True),
        ("I know a few recruiters in fintech.", "A fintech recruiter", True),
        ("元上司がメルカリでPMをしています。", "メルカリの元上司", True),
        ("元上司がメルカリでPMをしています。", "A person in sales", False),
    ],
)
def test_an_unnamed_contact_is_kept_only_when_the_situation_mentions_them(
    text: str, description: str, kept: bool
) -> None:
    audit = NetworkAudit.model_validate(
        {"contacts": [_unnamed(description)], "gaps": ["Recruiters"], "where_to_build": ["Meetups"]}
    )
    assert bool(ground_audit(audit, text).contacts) is kept


def test_one_preparation_and_one_message_per_target_the_most_complete_kept() -> None:
    def prep(target: int, hope: str, note: str) -> dict[str, object]:
        return {
            "target": target,
            "hope_to_learn": hope,
            "tell_me_about_yourself": "Six years in retail pricing, moving into product.",
            "questions": ["How did you move into product?"],
            "closing_questions": ["Who else should I talk to?"],
            "thank_you_note": note,
        }

    interviews = Interviews.model_validate(
        {
            "preparations": [
                prep(1, "", "Thanks for the time today."),
                prep(2, "How the Fabrikam PM team hires", "Thank you, Dana."),
                prep(1, "What a first PM year at Northwind is like", "Thanks, Luis."),
            ]
        }
    )
    kept = ground_step(interviews, "", None)
    assert isinstance(kept, Interviews)
    assert [(p.target, p.thank_you_note) for p in kept.preparations] == [
        (1, "Thanks, Luis."),
        (2, "Thank you, Dana."),
    ]
    message = {
        "target": 1,
        "channel": "email",
        "why_you": "You moved from analytics into product at Fabrikam.",
        "who_i_am": "I analyse pricing at Contoso.",
        "ask": "Could we talk for 20 minutes?",
        "make_it_easy": "Any time next week works.",
        "follow_up_message": "Following up on my note.",
    }
    outreach = Outreach.model_validate({"messages": [message, {**message, "channel": "linkedin"}]})
    grounded = ground_step(outreach, "", None)
    assert isinstance(grounded, Outreach)
    assert [m.channel for m in grounded.messages] == ["email"]


def test_people_the_text_names_with_a_relationship_are_added_when_the_model_left_them_out() -> None:
    text = (
        "Sales engineer in cybersecurity. Contacts: Amir Haddad (former manager, now CISO at a "
        "bank, strong), Julia Novak (met at RSA 2023, weak), Ben Carter (college roommate, "
        "works at CrowdStrike, medium), Fatima Zahra (ex-colleague, lost touch, dormant). I'd "
        "love to meet Sarah Chen, who runs solutions architecture at Okta."
    )
    listed = [
        {
            "name": name,
            "description": "A contact",
            "relationship": "other",
            "strength": "weak",
            "relevance": "Knows architects",
        }
        for name in ("Amir Haddad", "Julia", "Ben Carter")
    ]
    audit = ground_audit(
        NetworkAudit.model_validate({"contacts": listed, "gaps": ["x"], "where_to_build": ["y"]}),
        text,
    )
    added = audit.contacts[3:]
    assert [c.name for c in audit.contacts[:3]] == ["Amir Haddad", "Julia", "Ben Carter"]
    assert [(c.name, c.relationship, c.strength, c.relevance) for c in added] == [
        ("Fatima Zahra", "former_colleague", "dormant", "")
    ]  # Sarah Chen is someone to meet, not a contact: no relationship is stated
    assert added[0].description == "Ex-colleague, lost touch"


@pytest.mark.parametrize(
    ("text", "name", "description"),
    [
        (  # the words leading into the next name belong to it, not to this one
            "My old university friend Inês Carvalho works at Duolingo in Lisbon, and I met Rui "
            "Costa, a learning designer, at a conference last spring.",
            "Inês Carvalho",
            "Old university friend, works at Duolingo in Lisbon",
        ),
        (
            "My old university friend Inês Carvalho works at Duolingo in Lisbon, and I met Rui "
            "Costa, a learning designer, at a conference last spring.",
            "Rui Costa",
            "A learning designer, met at a conference last spring",
        ),
        (
            "Je suis comptable. Mon ancienne collègue Sophie Martin travaille chez Doctolib.",
            "Sophie Martin",
            "Ancienne collègue, travaille chez Doctolib",
        ),
        (
            "My former manager Kevin O'Neil and my mentor D'Angelo Ruiz both work in fintech.",
            "Kevin O'Neil",
            "Former manager",
        ),
    ],
)
def test_what_the_text_says_of_each_person(text: str, name: str, description: str) -> None:
    people = {p.name: p for p in named_people(text)}
    assert people[name].description == description


def test_a_named_targets_profile_is_what_the_audit_says_of_them() -> None:
    """Real profiles from local runs on 2026-12-04: `Minecraft.org.Aurora` for a cousin at
    Wealthsimple, and another contact's role (`A learning designer`) for an old friend at
    Duolingo. The audit holds the user's own words about each person."""
    text = (
        "My cousin Arjun Mehta is a VP at Wealthsimple; my friend Inês Carvalho works at Duolingo."
    )
    audit = ground_audit(
        NetworkAudit.model_validate(
            {
                "contacts": [
                    {
                        "name": "Arjun Mehta",
                        "description": "x",
                        "relationship": "friend_or_family",
                        "strength": "strong",
                        "relevance": "Knows fintech hiring managers",
                    },
                    {
                        "name": "Inês Carvalho",
                        "description": "x",
                        "relationship": "friend_or_family",
                        "strength": "strong",
                        "relevance": "Works in edtech",
                    },
                ],
                "gaps": ["Recruiters"],
                "where_to_build": ["Meetups"],
            }
        ),
        text,
    )

    def target(name: str, profile: str) -> dict[str, object]:
        research = {"background": "b", "common_ground": "c", "value_to_offer": "v"}
        return {
            "name": name,
            "profile": profile,
            "tier": 1,
            "path": "warm",
            "via": None,
            "research": research,
        }

    targets = TargetList.model_validate(
        {
            "targets": [
                target("Arjun Mehta", "Minecraft.org.Aurora"),
                target("Inês Carvalho", "A learning designer, worked at Duolingo in Lisbon."),
            ]
        }
    )
    grounded = ground_step(targets, text, audit)
    assert isinstance(grounded, TargetList)
    assert [t.profile for t in grounded.targets] == [
        "Cousin, a VP at Wealthsimple",
        "Friend, works at Duolingo",
    ]
