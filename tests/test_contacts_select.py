"""Choosing the contacts that matter for a goal, the bounded digest, and known names."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from net_skill.contacts import (
    MAX_LISTED,
    MAX_TEXT_CHARS,
    Contact,
    ContactsFile,
    KnownNames,
    digest_contacts,
    estimate_tie,
    merge_contacts,
    parse_contacts,
    rank_contacts,
    read_contacts,
    terms_of,
)
from net_skill.profile import RunInputs
from net_skill.skills.networking.models import NetworkAudit
from net_skill.skills.networking.network import network_summary
from net_skill.skills.networking.profile import NetworkingProfile
from net_skill.skills.networking.render import render_networking_markdown
from tests.contacts_factory import linkedin_csv
from tests.plan_factory import good_plan

DATA = Path(__file__).parent / "data" / "contacts"
TODAY = date(2026, 11, 25)
SITUATION = (
    "I'm Priya, a data analyst at Contoso Retail moving into product management. "
    "My former manager Dana Okafor is now a group PM at Fabrikam."
)


def test_terms_stem_and_expand_abbreviations() -> None:
    assert terms_of("product manager") <= terms_of("Group PM")
    assert terms_of("product management") == terms_of("Product Managers")
    assert terms_of("Designer") == terms_of("design")
    assert "the" not in terms_of("the company") and "company" not in terms_of("the company")


def test_estimate_tie_from_what_the_file_says() -> None:
    assert estimate_tie(Contact("A", connected_on=date(2015, 1, 1)), TODAY) == "dormant"
    assert estimate_tie(Contact("A", connected_on=date(2025, 6, 1)), TODAY) == "weak"
    assert estimate_tie(Contact("A"), TODAY) == "weak"
    assert estimate_tie(Contact("A", last_contact=date(2026, 10, 1)), TODAY) == "medium"
    assert (
        estimate_tie(Contact("A", tie="strong", connected_on=date(2010, 1, 1)), TODAY) == "strong"
    )


def test_ranking_puts_named_then_company_and_title_matches_first() -> None:
    found = read_contacts(DATA / "linkedin_connections.csv")
    ranked = rank_contacts(found.contacts, SITUATION, today=TODAY)
    names = [r.contact.name for r in ranked]
    assert names[0] == "Dana Okafor" and ranked[0].matched[0] == "name"
    # Both companies of the situation, with a title matching it (product management; analyst)
    assert set(names[1:3]) == {"Mei Chen", "Tomás Ruiz"}
    assert not ranked[-1].relevant  # an engineer at Adventure Works


def test_a_name_counts_as_named_only_when_written_in_order() -> None:
    people = [Contact("Priya Okafor"), Contact("Dana Okafor")]
    ranked = {r.contact.name: r for r in rank_contacts(people, SITUATION, today=TODAY)}
    assert "name" in ranked["Dana Okafor"].matched
    assert "name" not in ranked["Priya Okafor"].matched  # both words occur, not as a name


def test_small_file_digest_lists_everyone_with_counts() -> None:
    found = read_contacts(DATA / "linkedin_connections.csv")
    digest = digest_contacts([found], SITUATION, today=TODAY)
    assert (digest.read, digest.skipped) == (9, 1)
    assert digest.considered == sum(1 for r in digest.listed if r.relevant)
    lines = digest.text.splitlines()
    assert lines[0].startswith("Contacts from linkedin_connections.csv (LinkedIn export): 9 people")
    assert "1 row without a name skipped" in lines[0]
    assert len(lines) == 1 + len(digest.listed)
    assert any(line.startswith("- Dana Okafor — Group Product Manager, Fabrikam") for line in lines)
    assert "1 named in the situation" in digest.reasons


def test_large_network_is_bounded_and_explained() -> None:
    found = parse_contacts(linkedin_csv(30_000))
    digest = digest_contacts([found], SITUATION, today=TODAY)
    assert digest.read == len(found.contacts) > 29_000
    assert len(digest.listed) <= MAX_LISTED
    assert len(digest.text) <= MAX_TEXT_CHARS
    assert len(digest.text.splitlines()) <= MAX_LISTED + 1
    assert 0 < digest.considered < digest.read
    assert any("at a company it mentions" in reason for reason in digest.reasons)
    assert all(r.relevant for r in digest.listed)
    # Everyone is known, listed or not.
    assert len(digest.known_names) == digest.read
    unlisted = found.contacts[-1].name
    assert unlisted not in digest.text and unlisted in digest.known_names


def test_strongest_ties_first_among_the_listed() -> None:
    files = [
        ContactsFile(
            None,
            "tracker",
            (
                Contact("Ana Weak", company="Fabrikam", tie="weak"),
                Contact("Bo Strong", company="Fabrikam", tie="strong"),
                Contact("Cy Medium", company="Fabrikam", tie="medium"),
            ),
        )
    ]
    digest = digest_contacts(files, "moving to Fabrikam", today=TODAY)
    assert [r.contact.name for r in digest.listed] == ["Bo Strong", "Cy Medium", "Ana Weak"]


def test_nothing_relevant_lists_the_closest_ties() -> None:
    people = (
        Contact("Old Friend", connected_on=date(2012, 1, 1)),
        Contact("Recent Colleague", last_contact=date(2026, 1, 10)),
    )
    digest = digest_contacts([ContactsFile(None, "csv", people)], "I like sailing", today=TODAY)
    assert digest.considered == 0
    assert [r.contact.name for r in digest.listed] == ["Recent Colleague", "Old Friend"]
    assert digest.reasons == ("nothing matched: the closest ties",)


def test_merge_across_sources_keeps_the_tracker_tie_and_latest_contact() -> None:
    export = ContactsFile(
        None,
        "linkedin",
        (Contact("Dana Okafor", company="Fabrikam", connected_on=date(2019, 3, 14)),),
    )
    tracker = ContactsFile(
        None, "tracker", (Contact("dana  okafor", tie="strong", last_contact=date(2026, 11, 1)),)
    )
    (dana,) = merge_contacts([export, tracker])
    assert (dana.name, dana.company, dana.tie) == ("Dana Okafor", "Fabrikam", "strong")
    assert dana.last_contact == date(2026, 11, 1)


def test_same_name_twice_in_one_file_is_two_people() -> None:
    found = ContactsFile(None, "csv", (Contact("Sam Lee", company="Epic"), Contact("Sam Lee")))
    assert len(merge_contacts([found])) == 2


def test_known_names_fold_case_and_accents_and_accept_parts() -> None:
    known = KnownNames(["Zoë Müller", "Dana Okafor", "Mei Chen"])
    assert "zoe muller" in known and "Dana" in known and "Okafor, Dana" in known
    assert "Dana Chen" not in known  # words of two different people
    assert "Bartholomew" not in known and "" not in known
    assert len(known) == 3 and set(known) == {"Zoë Müller", "Dana Okafor", "Mei Chen"}


def test_known_names_reach_the_validators() -> None:
    """A name from the contacts file is accepted though the bounded text does not list it."""
    inputs = RunInputs(SITUATION, contacts="Contacts: ...", known_names=KnownNames(["Mei Chen"]))
    context = NetworkingProfile().validation_context(inputs, {})
    audit = {
        "contacts": [
            {
                "name": "Mei Chen",
                "description": "Director of product at Fabrikam",
                "relationship": "online_connection",
                "strength": "weak",
                "relevance": "Hires PMs",
            }
        ],
        "gaps": ["Recruiters"],
        "where_to_build": ["Meetups"],
    }
    assert NetworkAudit.model_validate(audit, context=context).contacts[0].name == "Mei Chen"
    audit["contacts"][0]["name"] = "Bartholomew Quince"  # type: ignore[index]
    with pytest.raises(ValidationError, match="never be invented"):
        NetworkAudit.model_validate(audit, context=context)


def test_the_plan_says_what_was_read_considered_and_why() -> None:
    found = parse_contacts(linkedin_csv(2_000))
    digest = digest_contacts([found], SITUATION, today=TODAY)
    summary = network_summary(digest)
    assert (summary.read, summary.considered, summary.listed) == (
        digest.read,
        digest.considered,
        len(digest.listed),
    )
    plan = good_plan().model_copy(update={"network_summary": summary})
    markdown = render_networking_markdown(plan)
    assert f"{digest.read:,} contacts read" in markdown
    assert f"{digest.considered:,} considered relevant" in markdown
    restored = type(plan).model_validate_json(plan.model_dump_json())
    assert restored.network_summary == summary
