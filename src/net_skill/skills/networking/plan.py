"""The networking plan: the eight typed step outputs of `skill.md`, plus what code derives."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from net_skill.outputs import Plan
from net_skill.skills.networking.models import (
    Asks,
    Interviews,
    Maintenance,
    NetworkAudit,
    Outreach,
    Purpose,
    Strength,
    TargetList,
    ValueOffer,
)
from net_skill.skills.networking.network import NetworkSummary
from net_skill.skills.networking.prescribed import PRESCRIBED_PATHS
from net_skill.skills.networking.schedule import (
    THANK_YOU_WITHIN_HOURS,
    Cadence,
    FollowUpRule,
    ScheduledAction,
    cadence_for,
    outreach_schedule,
    touch_point,
)


class RelationshipCadence(BaseModel):
    model_config = ConfigDict(frozen=True)

    person: str
    strength: Strength
    cadence: Cadence


class NetworkingSteps(BaseModel):
    """The eight step outputs of the networking skill, one field per step (`NETWORKING_FIELDS`).

    Shared by `NetworkingPlan` and the single-prompt baseline's answer model.
    """

    purpose: Purpose
    audit: NetworkAudit
    value: ValueOffer
    targets: TargetList
    outreach: Outreach
    interviews: Interviews
    maintenance: Maintenance
    asks: Asks


NETWORKING_FIELDS: dict[int, str] = {
    1: "purpose",
    2: "audit",
    3: "value",
    4: "targets",
    5: "outreach",
    6: "interviews",
    7: "maintenance",
    8: "asks",
}


# Field order (and so the JSON of saved plans): the header, the eight step outputs, then what code
# derived; pydantic takes inherited fields from the last base to the first.
class NetworkingPlan(NetworkingSteps, Plan):
    """A complete plan for `skill.md`: what the model wrote for each step, and what code derived."""

    model_config = ConfigDict(extra="forbid")

    derived_fields: ClassVar[frozenset[str]] = frozenset(
        {
            "follow_up_rule",
            "thank_you_within_hours",
            "cadences",
            "relationship_cadences",
            "schedule",
        }
    )

    code_written_paths: ClassVar[tuple[tuple[str, ...], ...]] = tuple(
        (NETWORKING_FIELDS[number], *path)
        for number, paths in PRESCRIBED_PATHS.items()
        for path in paths
    )

    skill_id: str = "net"
    follow_up_rule: FollowUpRule = Field(default_factory=FollowUpRule)
    thank_you_within_hours: int = THANK_YOU_WITHIN_HOURS
    cadences: dict[Strength, Cadence] = Field(
        default_factory=lambda: {s: cadence_for(s) for s in ("strong", "medium", "weak", "dormant")}
    )
    relationship_cadences: list[RelationshipCadence] = Field(default_factory=list)
    schedule: list[ScheduledAction] = Field(default_factory=list)
    network_summary: NetworkSummary | None = Field(
        default=None,
        description="How the contacts shown to the model were chosen from a contacts file",
    )


def build_networking_plan(
    outputs: Mapping[int, BaseModel],
    *,
    situation: str,
    today: date,
    skill_id: str = "net",
    unanswered: Sequence[str] = (),
    network_summary: NetworkSummary | None = None,
) -> NetworkingPlan:
    """Assemble the eight step outputs and compute every date and cadence in code."""
    fields: dict[str, Any] = {NETWORKING_FIELDS[n]: outputs[n] for n in NETWORKING_FIELDS}
    targets: TargetList = fields["targets"]
    maintenance: Maintenance = fields["maintenance"]
    schedule: list[ScheduledAction] = []
    for message in fields["outreach"].messages:
        if 1 <= message.target <= len(targets.targets):
            schedule.extend(outreach_schedule(today, targets.targets[message.target - 1].label))
    relationship_cadences = [
        RelationshipCadence(person=r.person, strength=r.strength, cadence=cadence_for(r.strength))
        for r in maintenance.relationships
    ]
    schedule.extend(touch_point(today, r.person, r.strength) for r in maintenance.relationships)
    schedule.sort(key=lambda action: (action.on, action.who))
    return NetworkingPlan(
        skill_id=skill_id,
        situation=situation,
        today=today,
        unanswered=list(unanswered),
        relationship_cadences=relationship_cadences,
        schedule=schedule,
        network_summary=network_summary,
        **fields,
    )
