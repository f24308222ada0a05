"""The user's network in a networking plan: what was read, what was considered and why, and how
tie strength follows the keep-in-touch log.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from net_skill.contacts import TIE_RANK, ContactsDigest, skipped_rows
from net_skill.skills.networking.models import Strength

_BY_RANK: dict[int, Strength] = {rank: s for s, rank in TIE_RANK.items()}


class NetworkSummary(BaseModel):
    """How the plan's view of the network was chosen (for `NetworkingPlan.network_summary`)."""

    model_config = ConfigDict(frozen=True)

    sources: list[str] = Field(default_factory=list, description="Each file read, with its layout")
    read: int = Field(ge=0, description="People read from every source")
    skipped: int = Field(0, ge=0, description="Rows left out for lack of a name")
    considered: int = Field(ge=0, description="People relevant to the goal")
    listed: int = Field(ge=0, description="People shown to the model")
    reasons: list[str] = Field(default_factory=list, description="Why those people, with counts")
    listed_names: list[str] = Field(default_factory=list)

    @property
    def sentence(self) -> str:
        skipped = f" ({skipped_rows(self.skipped)})" if self.skipped else ""
        why = f": {'; '.join(self.reasons)}" if self.reasons else ""
        return (
            f"{self.read:,} contacts read{skipped}, {self.considered:,} considered relevant, "
            f"{self.listed:,} shown to the model{why}."
        )


def network_summary(digest: ContactsDigest) -> NetworkSummary:
    """The plan's record of a contacts digest (`net_skill.contacts.digest_contacts`)."""
    return NetworkSummary.model_validate(digest.summary())


LOST_TOUCH_DAYS = 730
"""No interaction logged for this long: the tie is dormant, whatever it was."""
QUIET_DAYS = 365
STRONG_PER_YEAR = 4
MEDIUM_PER_YEAR = 2


def refine_strength(
    base: Strength, last_contact: date | None, in_last_year: int, today: date
) -> Strength:
    """The tie strength a plan or file gave (`base`), corrected by the interaction log.

    Nothing logged: `base`. Last logged over two years ago: dormant. Over a year ago: weak at
    most (dormant becomes weak: you were in touch). Within the last year: the stronger of
    `base` (a dormant tie counts as weak) and what the log shows, 4 or more interactions a year
    being strong, 2 or 3 medium, 1 weak.
    """
    if last_contact is None:
        return base
    days = (today - last_contact).days
    if days > LOST_TOUCH_DAYS:
        return "dormant"
    if days > QUIET_DAYS:
        return "weak"
    logged: Strength = (
        "strong"
        if in_last_year >= STRONG_PER_YEAR
        else "medium"
        if in_last_year >= MEDIUM_PER_YEAR
        else "weak"
    )
    floor = max(TIE_RANK[base], TIE_RANK["weak"])
    return _BY_RANK[max(floor, TIE_RANK[logged])]
