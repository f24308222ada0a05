"""A run on a contacts digest: everyone in the file is known, the plan says how the shown
people were chosen, and resume keeps both."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from net_skill import FakeBackend, run_skill
from net_skill.backends.base import CompletionRequest
from net_skill.contacts import digest_contacts, read_contacts
from net_skill.resume import load_resume_state
from net_skill.skills.networking import NetworkingPlan
from tests.contacts_factory import write_linkedin
from tests.test_runner_fakes import networking_responder

TODAY = date(2026, 11, 25)
SITUATION = "I'm a product designer looking for a design lead role in fintech."


def test_a_digest_makes_every_contact_known_and_the_plan_reports_the_selection(
    tmp_path: Path,
) -> None:
    export = write_linkedin(tmp_path / "Connections.csv", 2000)
    digest = digest_contacts([read_contacts(export, today=TODAY)], SITUATION, today=TODAY)
    listed = digest.listed[0].contact.name
    unlisted = next(n for n in digest.known_names if n not in digest.text)
    fake = networking_responder()

    def answer(request: CompletionRequest) -> Any:
        data = json.loads(json.dumps(fake(request)))
        if request.tag == "step-2":  # a contact from the file, not from the situation
            data["contacts"][0]["name"] = listed
        return data

    result = run_skill(
        SITUATION,
        backend=FakeBackend(responder=answer),
        contacts=digest,
        today=TODAY,
        output_dir=tmp_path / "runs",
    )
    plan = result.plan
    assert isinstance(plan, NetworkingPlan)
    assert plan.audit.contacts[0].name == listed
    assert "audit.contacts[0].name" not in plan.unanswered  # (the fake's other names are not)
    assert plan.network_summary is not None
    assert plan.network_summary.read == digest.read and digest.read + digest.skipped == 2000
    assert plan.network_summary.listed == len(digest.listed)
    assert result.run_dir is not None
    state = load_resume_state(result.run_dir, backend=FakeBackend(), on_progress=None)
    assert unlisted in state.inputs.known_names
    assert state.inputs.contacts_summary == digest.summary()
    # a saved plan naming someone of the file the model was not shown is still not invented
    context = state.profile.validation_context(state.inputs, {})
    from net_skill.skills.networking.models import Contact

    contact = {**plan.audit.contacts[0].model_dump(), "name": unlisted}
    assert Contact.model_validate(contact, context=context).name == unlisted
