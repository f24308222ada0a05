"""Typed outputs of the eight steps of `skill.md` (professional networking).

Field limits are deliberate: small local models ramble to `max_tokens` when strings are
unbounded, so every string and list has a cap that also reaches the JSON schema. Anything
that can be computed (dates, cadences, follow-up rules) is computed in code, never asked of
the model.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator

from net_skill.names import check_known_person
from net_skill.outputs import Asked, StepModel

Short = Annotated[str, Field(max_length=160), Asked(min=1)]
Text = Annotated[str, Field(max_length=300), Asked(min=1)]
Sentence = Annotated[str, Field(max_length=400), Asked(min=1)]

GoalKind = Literal[
    "career_exploration",
    "job_search",
    "industry_knowledge",
    "mentorship",
    "community",
    "business_development",
]
NeedKind = Literal["information", "access", "advice", "referrals", "opportunities"]
Strength = Literal["strong", "medium", "weak", "dormant"]
RelationshipType = Literal[
    "current_colleague",
    "former_colleague",
    "alumni",
    "industry_acquaintance",
    "friend_or_family",
    "met_at_event",
    "online_connection",
    "board_contact",
    "other",
]
ConnectionPath = Literal["warm", "relevant", "cold"]
Channel = Literal["linkedin", "email", "twitter", "event"]
AskKind = Literal["referral", "advice", "introduction"]


class NeedItem(StepModel):
    kind: NeedKind
    detail: Short = Field(description="What exactly is needed, in this person's situation")


class HelperProfile(StepModel):
    kind_of_person: Short = Field(description="Kind of person who has what is needed")
    where: Short = Field(description="Industries, roles or companies where they are")
    seniority: Annotated[str, Field(max_length=80)] = Field(description="Level of seniority")


class Purpose(StepModel):
    """Step 1: Define your networking purpose."""

    primary_goal: Annotated[GoalKind | None, Asked(not_null=True)]
    goal_statement: Text = Field(description="The goal in one sentence, specific to the situation")
    needs: Annotated[list[NeedItem], Asked(min=1)] = Field(max_length=5)
    who_can_help: Annotated[list[HelperProfile], Asked(min=1)] = Field(max_length=4)


MAX_CONTACTS = 8


class Contact(StepModel):
    name: Annotated[str | None, Field(max_length=80)] = Field(
        description="The person's name exactly as written in the situation, or null if unnamed"
    )
    description: Short = Field(description="Who they are (role, company, how you know them)")
    relationship: RelationshipType
    strength: Strength
    relevance: Short = Field(description="How this person relates to the goal")

    _known = field_validator("name")(check_known_person)


class NetworkAudit(StepModel):
    """Step 2: Audit your existing network."""

    contacts: list[Contact] = Field(max_length=MAX_CONTACTS)
    gaps: Annotated[list[Short], Asked(min=1)] = Field(
        max_length=4, description="Kinds of people missing from the network"
    )
    where_to_build: Annotated[list[Short], Asked(min=1)] = Field(
        max_length=3, description="Where new connections are needed"
    )


class ValueItem(StepModel):
    kind: Literal["knowledge", "skills", "access", "time"]
    detail: Short


class ValueOffer(StepModel):
    """Step 3: Identify what value you offer."""

    offers: Annotated[list[ValueItem], Asked(min=1)] = Field(max_length=5)
    superpower: Short = Field(description="What they offer that is relatively rare")
    value_proposition: Sentence = Field(
        description="One specific sentence: what this person offers people in the target area"
    )


class Research(StepModel):
    background: Text = Field(description="What is known or to look up about them")
    common_ground: Text = Field(description="Shared connections, interests or experience")
    value_to_offer: Text = Field(description="What this person could be offered in return")


class Target(StepModel):
    name: Annotated[str | None, Field(max_length=80)] = Field(
        description="A name from the situation, or null: never invent a name"
    )
    profile: Short = Field(description="Role, company and context, specific enough to find them")
    tier: Literal[1, 2, 3]
    path: ConnectionPath
    via: Annotated[str | None, Field(max_length=80)] = Field(
        description="Mutual contact's name for a warm path (from the situation), else null"
    )
    research: Research

    _known_name = field_validator("name")(check_known_person)
    _known_via = field_validator("via")(check_known_person)

    @property
    def to_identify(self) -> bool:
        """A described profile whose actual person is still to be found."""
        return self.name is None

    @property
    def label(self) -> str:
        return self.name or self.profile


class TargetList(StepModel):
    """Step 4: Create target connection list."""

    targets: Annotated[list[Target], Asked(min=1)] = Field(max_length=5)


def _check_target_number(number: int, info: ValidationInfo) -> int:
    context = info.context
    if isinstance(context, dict) and isinstance(context.get("target_count"), int):
        count = context["target_count"]
        if not 1 <= number <= count:
            raise ValueError(f"target must be a number from 1 to {count} (the Step 4 targets)")
    return number


class OutreachMessage(StepModel):
    target: int = Field(ge=1, le=5, description="Number of the target in the Step 4 list")
    channel: Channel
    why_you: Text = Field(description="Line 1: why reaching out to this person, specifically")
    who_i_am: Text = Field(description="Line 2: brief credibility and context")
    ask: Text = Field(description="Line 3: the specific ask, usually a short conversation")
    make_it_easy: Text = Field(description="Line 4: make it easy: offer times, keep it brief")
    follow_up_message: Text = Field(description="The one follow-up if there is no reply")

    _target = field_validator("target")(_check_target_number)

    @property
    def text(self) -> str:
        return "\n".join([self.why_you, self.who_i_am, self.ask, self.make_it_easy])


class Outreach(StepModel):
    """Step 5: Craft your outreach approach."""

    messages: Annotated[list[OutreachMessage], Asked(min=1)] = Field(max_length=5)


class InterviewPrep(StepModel):
    target: int = Field(ge=1, le=5, description="Number of the target in the Step 4 list")
    hope_to_learn: Text
    tell_me_about_yourself: Text
    questions: Annotated[list[Short], Asked(min=5)] = Field(max_length=7)
    closing_questions: Annotated[list[Short], Asked(min=2)] = Field(
        max_length=3,
        description='Include "Who else should I talk to?" and "How can I be helpful to you?"',
    )
    thank_you_note: Text = Field(description="Thank-you message to send within 24 hours")

    _target = field_validator("target")(_check_target_number)


class Interviews(StepModel):
    """Step 6: Conduct informational interviews."""

    preparations: Annotated[list[InterviewPrep], Asked(min=1)] = Field(max_length=5)


def check_known_party(person: str, info: ValidationInfo) -> str:
    """Validator body: a tracked or asked person must be a contact (Step 2) or target (Step 4).

    Without the list in the validation context (a saved plan, re-read) any text passes.
    """
    context = info.context
    people = context.get("people") if isinstance(context, dict) else None
    if isinstance(people, list) and person and person not in people:
        raise ValueError(
            f"{person!r} is not one of the Step 2 contacts or Step 4 targets; "
            "use one of them exactly as written there"
        )
    return person


class TrackedRelationship(StepModel):
    person: Short = Field(description="A contact or target, exactly as written in Steps 2 and 4")
    strength: Strength
    reason_to_reach_out: Short

    _known = field_validator("person")(check_known_party)


class Maintenance(StepModel):
    """Step 7: Maintain relationships over time."""

    tracking_fields: Annotated[
        list[Annotated[str, Field(max_length=60), Asked(min=1)]], Asked(min=3)
    ] = Field(max_length=8)
    relationships: Annotated[list[TrackedRelationship], Asked(min=1)] = Field(max_length=10)
    habits: Annotated[list[Short], Asked(min=1)] = Field(max_length=4)


class Ask(StepModel):
    kind: AskKind
    person: Short = Field(description="Who is asked: a contact or target from Steps 2 and 4")
    why_them: Short
    message: Annotated[str, Field(max_length=700), Asked(min=1)]
    timing: Short = Field(description="When to ask, given the relationship strength")

    _known = field_validator("person")(check_known_party)


class Asks(StepModel):
    """Step 8: Leverage network appropriately."""

    asks: Annotated[list[Ask], Asked(min=1)] = Field(max_length=4)
    if_they_say_no: Short
    after_help: Short = Field(description="How to follow up on help received")


NETWORKING_STEP_MODELS: dict[int, type[StepModel]] = {
    1: Purpose,
    2: NetworkAudit,
    3: ValueOffer,
    4: TargetList,
    5: Outreach,
    6: Interviews,
    7: Maintenance,
    8: Asks,
}

NETWORKING_STEP_DEPENDENCIES: dict[int, tuple[int, ...]] = {
    1: (),
    2: (1,),
    3: (1,),
    4: (1, 2, 3),
    5: (1, 3, 4),
    6: (1, 4),
    7: (2, 4),
    8: (1, 2, 4),
}
